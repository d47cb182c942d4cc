"""How long the diagram of a large topology takes: 2,000 instances in 100 subnets.

Builds, in-process through boto3, four VPCs of 25 subnets each over three zones, 20
instances per subnet, an internet gateway and a NAT gateway per VPC, a transit gateway
attaching every VPC and a peering connection between the first two; then times
`viz.render` to SVG and to PNG (each the best of `--repeat` runs, since the machine may be
busy) and says what the picture held: the zoom level the node budget chose and how many
nodes and links were drawn. Target: each format under 5 s.

Run: python3 benchmarks/render_topology.py [--instances N] [--subnets N] [--repeat N]
     [--budget N] [--out DIR]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import boto3

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import viz  # noqa: E402
from api import mock_ec2  # noqa: E402

REGION = "us-east-1"
ZONES = ("us-east-1a", "us-east-1b", "us-east-1c")
VPCS = 4
TARGET_SECONDS = 5.0


def build(ec2: Any, *, instances: int, subnets: int) -> None:
    """The topology: `subnets` subnets over VPCS VPCs, `instances` spread evenly."""
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    tgw = ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    per_subnet = max(1, instances // subnets)
    vpc_ids = []
    for v in range(VPCS):
        vpc = ec2.create_vpc(CidrBlock=f"10.{v}.0.0/16", TagSpecifications=[
            {"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": f"vpc-{v}"}]}])[
            "Vpc"]["VpcId"]
        vpc_ids.append(vpc)
        igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
        ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
        mine = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.{v}.{s}.0/24",
                                  AvailabilityZone=ZONES[s % len(ZONES)])["Subnet"]["SubnetId"]
                for s in range(subnets // VPCS)]
        ec2.create_nat_gateway(SubnetId=mine[0], ConnectivityType="private")
        ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw, VpcId=vpc,
                                                  SubnetIds=[mine[0]])
        for subnet in mine:
            ec2.run_instances(ImageId=image, InstanceType="t3.micro", MinCount=per_subnet,
                              MaxCount=per_subnet, SubnetId=subnet)
    pcx = ec2.create_vpc_peering_connection(VpcId=vpc_ids[0], PeerVpcId=vpc_ids[1])
    ec2.accept_vpc_peering_connection(
        VpcPeeringConnectionId=pcx["VpcPeeringConnection"]["VpcPeeringConnectionId"])


def best_of(repeat: int, fn: Any) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=2000)
    parser.add_argument("--subnets", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--budget", type=int, default=400)
    parser.add_argument("--out", type=Path, default=None, help="write the pictures here")
    args = parser.parse_args(argv)
    with mock_ec2(seed=1) as mock:
        ec2 = boto3.client("ec2", region_name=REGION)
        start = time.perf_counter()
        build(ec2, instances=args.instances, subnets=args.subnets)
        print(f"built {args.instances} instances in {args.subnets} subnets "
              f"in {time.perf_counter() - start:.1f} s")
        world = mock.world
        seconds, scene = best_of(args.repeat, lambda: viz.snapshot(world))
        shown = viz.collapse(scene, budget=args.budget)
        print(f"snapshot  {seconds * 1000:7.0f} ms  {len(scene.nodes)} nodes; drawn at the "
              f"{shown.zoom} level: {len(shown.nodes)} nodes, {len(shown.edges)} links")
        failed = False
        for fmt in ("svg", "png"):
            seconds, data = best_of(args.repeat, lambda: viz.render(world, fmt,
                                                                    budget=args.budget))
            verdict = "ok" if seconds < TARGET_SECONDS else \
                f"OVER the {TARGET_SECONDS:.0f} s target"
            failed |= seconds >= TARGET_SECONDS
            print(f"{fmt:<9} {seconds * 1000:7.0f} ms  {len(data) / 1024:8.0f} KiB  {verdict}")
            if args.out:
                args.out.mkdir(parents=True, exist_ok=True)
                (args.out / f"render_topology.{fmt}").write_bytes(data)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
