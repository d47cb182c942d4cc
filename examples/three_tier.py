"""A three-tier VPC built with boto3 against the in-process simulator.

Two Availability Zones, each with a public, an app and a data subnet; an internet gateway
and a public route table for the public subnets; private route tables for the others; one
security group per tier, each admitting only the tier in front of it (web <- internet on
80/443, app <- web on 8080, data <- app on 5432); and instances in every tier: web servers
with public IPs (their subnets map public IPv4 addresses on launch), app servers, and database servers with an extra data volume.

Run: python3 examples/three_tier.py
"""
from __future__ import annotations

from typing import Any

import boto3

from api import mock_ec2

REGION = "us-east-1"
ZONES = ("us-east-1a", "us-east-1b")
IMAGE_NAME = "al2023-ami-2023.*-x86_64"
TIERS = {               # tier -> (third octet of its subnets per zone, instance type)
    "web": ((0, 1), "t3.micro"),           # the public subnets
    "app": ((10, 11), "t3.small"),
    "data": ((20, 21), "r5.large"),
}


def tag(kind: str, name: str) -> list[dict[str, Any]]:
    return [{"ResourceType": kind, "Tags": [{"Key": "Name", "Value": name}]}]


def latest_image(ec2: Any) -> str:
    """The newest Amazon Linux 2023 x86_64 image of the region's public catalogue."""
    images = ec2.describe_images(Owners=["amazon"], Filters=[
        {"Name": "name", "Values": [IMAGE_NAME]},
        {"Name": "architecture", "Values": ["x86_64"]}])["Images"]
    return max(images, key=lambda i: i["CreationDate"])["ImageId"]


def network(ec2: Any) -> dict[str, Any]:
    """The VPC, its subnets per tier, the internet gateway and the route tables."""
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16",
                         TagSpecifications=tag("vpc", "three-tier"))["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    subnets: dict[str, list[str]] = {}
    for tier, (octets, _) in TIERS.items():
        subnets[tier] = [ec2.create_subnet(
            VpcId=vpc, CidrBlock=f"10.20.{octet}.0/24", AvailabilityZone=zone,
            TagSpecifications=tag("subnet", f"{tier}-{zone[-1]}"))["Subnet"]["SubnetId"]
            for octet, zone in zip(octets, ZONES)]
    igw = ec2.create_internet_gateway(
        TagSpecifications=tag("internet-gateway", "three-tier"))["InternetGateway"][
        "InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    tables = {}
    for tier in TIERS:
        table = ec2.create_route_table(VpcId=vpc, TagSpecifications=tag(
            "route-table", tier))["RouteTable"]["RouteTableId"]
        for subnet in subnets[tier]:
            ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)
        tables[tier] = table
    ec2.create_route(RouteTableId=tables["web"], DestinationCidrBlock="0.0.0.0/0",
                     GatewayId=igw)
    for subnet in subnets["web"]:
        ec2.modify_subnet_attribute(SubnetId=subnet, MapPublicIpOnLaunch={"Value": True})
    return {"vpc": vpc, "subnets": subnets, "igw": igw, "route_tables": tables}


def security_groups(ec2: Any, vpc: str) -> dict[str, str]:
    """One group per tier; each admits only the tier in front of it."""
    groups = {tier: ec2.create_security_group(
        GroupName=f"{tier}-tier", Description=f"{tier} tier", VpcId=vpc)["GroupId"]
        for tier in TIERS}
    ec2.authorize_security_group_ingress(GroupId=groups["web"], IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": port, "ToPort": port,
         "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "the internet"}]}
        for port in (80, 443)])
    for tier, front, port in (("app", "web", 8080), ("data", "app", 5432)):
        ec2.authorize_security_group_ingress(GroupId=groups[tier], IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": port, "ToPort": port,
             "UserIdGroupPairs": [{"GroupId": groups[front], "Description": f"{front} tier"}]}])
    return groups


def instances(ec2: Any, image: str, subnets: dict[str, list[str]],
              groups: dict[str, str]) -> dict[str, list[str]]:
    """Two instances per tier, one in each zone."""
    out: dict[str, list[str]] = {}
    for tier, (_, instance_type) in TIERS.items():
        out[tier] = []
        for index, subnet in enumerate(subnets[tier]):
            extra: dict[str, Any] = {}
            if tier == "data":    # a data volume beside the root volume
                extra["BlockDeviceMappings"] = [{"DeviceName": "/dev/sdf", "Ebs": {
                    "VolumeSize": 100, "VolumeType": "gp3", "DeleteOnTermination": False}}]
            launched = ec2.run_instances(
                ImageId=image, InstanceType=instance_type, MinCount=1, MaxCount=1,
                SubnetId=subnet, SecurityGroupIds=[groups[tier]],
                TagSpecifications=tag("instance", f"{tier}-{index + 1}") + [
                    {"ResourceType": "volume", "Tags": [{"Key": "tier", "Value": tier}]}],
                **extra)
            out[tier].append(launched["Instances"][0]["InstanceId"])
    return out


def build(ec2: Any) -> dict[str, Any]:
    """Build the whole topology; what was made, by tier."""
    net = network(ec2)
    groups = security_groups(ec2, net["vpc"])
    made = instances(ec2, latest_image(ec2), net["subnets"], groups)
    return {**net, "groups": groups, "instances": made}


def report(ec2: Any, built: dict[str, Any]) -> list[str]:
    """One line per instance, as describe_instances sees it."""
    lines = []
    for tier, ids in built["instances"].items():
        found = ec2.describe_instances(InstanceIds=ids)["Reservations"]
        for inst in (i for r in found for i in r["Instances"]):
            name = {t["Key"]: t["Value"] for t in inst.get("Tags", [])}.get("Name")
            lines.append(f"{tier:7} {name:9} {inst['InstanceId']} "
                         f"{inst['Placement']['AvailabilityZone']} "
                         f"{inst['PrivateIpAddress']:12} {inst.get('PublicIpAddress', '-'):15} "
                         f"{inst['SecurityGroups'][0]['GroupName']}")
    return lines


def main() -> None:
    with mock_ec2(seed=3) as mock:
        ec2 = boto3.client("ec2", region_name=REGION)
        built = build(ec2)
        print(f"VPC {built['vpc']}  internet gateway {built['igw']}")
        for tier, ids in built["subnets"].items():
            print(f"  {tier:7} subnets {', '.join(ids)}  route table "
                  f"{built['route_tables'][tier]}")
        for line in report(ec2, built):
            print(line)
        # the diagram of the VPC, next to this script
        from pathlib import Path

        import viz

        diagram = Path(__file__).with_suffix(".svg")
        diagram.write_bytes(viz.render(mock.world, "svg", vpc=built["vpc"]))
        print(f"diagram {diagram}")
        # reachability questions, answered by the engine (`routing.reachability`)
        import routing

        def named(c: dict[str, str]) -> str:
            return f"{c['Id']} ({c['Name']})" if "Name" in c else c["Id"]

        ends = {"internet": built["igw"]}
        for tier, ids in built["instances"].items():
            ends.update({f"{tier}-{n + 1}": i for n, i in enumerate(ids)})
        print("reachability, as the engine answers it:")
        for src, dst, port in (("internet", "web-1", 443), ("web-1", "app-1", 8080),
                               ("app-2", "data-1", 5432), ("web-1", "data-1", 5432),
                               ("internet", "app-1", 8080)):
            answer = routing.reachability(mock.world, ends[src], ends[dst], destination_port=port)
            if answer.network_path_found:
                hops = dict.fromkeys(named(c["Component"]) for c in answer.forward_path
                                     if c["Component"]["Id"].startswith(("igw-", "rtb-")))
                words = "reachable via " + " → ".join(hops)
            else:
                why = answer.explanations[0]
                words = f"blocked by {why['ExplanationCode']} at {named(why['Component'])}"
            print(f"  {src} → {dst} on tcp/{port}: {words}")


if __name__ == "__main__":
    main()
