"""Three VPCs peered pairwise, with routes on both sides of every connection.

Peering is not transitive: `red` reaches `blue` only over their own connection, never
through `green`, so each pair needs its own connection and each VPC a route to each peer.
Every VPC also gets an `app` security group that admits HTTPS from the other two VPCs'
`app` groups, which a group may name only across an active peering connection.

Run: python3 examples/peering_triangle.py
"""
from __future__ import annotations

from itertools import combinations
from typing import Any

import boto3

from api import mock_ec2

VPCS = {"red": "10.10.0.0/16", "green": "10.20.0.0/16", "blue": "10.30.0.0/16"}


def _tag(resource_type: str, name: str) -> list[dict[str, Any]]:
    return [{"ResourceType": resource_type, "Tags": [{"Key": "Name", "Value": name}]}]


def _network(ec2: Any, name: str, cidr: str) -> dict[str, str]:
    """A VPC with one subnet and a route table of its own for that subnet."""
    vpc = ec2.create_vpc(CidrBlock=cidr, TagSpecifications=_tag("vpc", name))["Vpc"]["VpcId"]
    subnet_cidr = cidr.replace(".0.0/16", ".1.0/24")
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=subnet_cidr,
                               AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    table = ec2.create_route_table(VpcId=vpc, TagSpecifications=_tag(
        "route-table", name))["RouteTable"]["RouteTableId"]
    ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)
    group = ec2.create_security_group(GroupName="app", Description=f"{name} app tier",
                                      VpcId=vpc)["GroupId"]
    return {"vpc": vpc, "subnet": subnet, "route_table": table, "group": group}


def _peer(ec2: Any, near: str, far: str, nets: dict[str, dict[str, str]]) -> str:
    """Request and accept a connection, then route each side's traffic for the other."""
    pcx = ec2.create_vpc_peering_connection(
        VpcId=nets[near]["vpc"], PeerVpcId=nets[far]["vpc"],
        TagSpecifications=_tag("vpc-peering-connection", f"{near}-{far}"),
    )["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    for here, there in ((near, far), (far, near)):
        ec2.create_route(RouteTableId=nets[here]["route_table"],
                         DestinationCidrBlock=VPCS[there], VpcPeeringConnectionId=pcx)
    return pcx


def build(ec2: Any) -> dict[str, Any]:
    """Build the triangle; returns the ids of what it made."""
    nets = {name: _network(ec2, name, cidr) for name, cidr in VPCS.items()}
    peerings = {f"{near}-{far}": _peer(ec2, near, far, nets)
                for near, far in combinations(VPCS, 2)}
    for name, net in nets.items():
        peers = [nets[other]["group"] for other in VPCS if other != name]
        ec2.authorize_security_group_ingress(GroupId=net["group"], IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
             "UserIdGroupPairs": [{"GroupId": g, "Description": "HTTPS from a peer"}
                                  for g in peers]}])
    return {"networks": nets, "peerings": peerings}


def report(ec2: Any, built: dict[str, Any]) -> list[str]:
    """One line per connection, then each VPC's routes."""
    lines = []
    found = ec2.describe_vpc_peering_connections(
        VpcPeeringConnectionIds=list(built["peerings"].values()))["VpcPeeringConnections"]
    for pcx in found:
        name = next(t["Value"] for t in pcx["Tags"] if t["Key"] == "Name")
        lines.append(f"{name:<11} {pcx['VpcPeeringConnectionId']}  "
                     f"{pcx['RequesterVpcInfo']['CidrBlock']} <-> "
                     f"{pcx['AccepterVpcInfo']['CidrBlock']}  {pcx['Status']['Code']}")
    for name, net in built["networks"].items():
        table = ec2.describe_route_tables(RouteTableIds=[net["route_table"]])["RouteTables"][0]
        for route in table["Routes"]:
            via = route.get("VpcPeeringConnectionId") or route.get("GatewayId")
            lines.append(f"{name:<6} {route['DestinationCidrBlock']:<15} -> {via}  "
                         f"{route['State']}")
    return lines


def main() -> None:
    with mock_ec2(seed=11) as mock:
        ec2 = boto3.client("ec2", region_name="us-east-1")
        built = build(ec2)
        print("\n".join(report(ec2, built)))
        # the diagram of the triangle, next to this script
        from pathlib import Path

        import viz

        diagram = Path(__file__).with_suffix(".svg")
        vpcs = [net["vpc"] for net in built["networks"].values()]
        diagram.write_bytes(viz.render(mock.world, "svg", vpc=vpcs))
        print(f"diagram {diagram}")


if __name__ == "__main__":
    main()
