"""Reachability over VPC peering connections: routes on both sides, active connections only,
no transit, no edge-to-edge, across accounts."""
from __future__ import annotations

from typing import Any

import boto3
import pytest

from test_routing_lab import Lab, codes, ids, lab  # noqa: F401  (lab is a fixture)

CIDRS = {"a": "10.0.0.0/16", "b": "10.1.0.0/16", "c": "10.2.0.0/16"}


@pytest.fixture
def nets(lab: Lab) -> dict[str, dict[str, str]]:
    """Three VPCs, each with a subnet, its own table and a group open to 10.0.0.0/8."""
    found = {}
    for name, cidr in CIDRS.items():
        vpc = lab.vpc(cidr)
        subnet = lab.subnet(vpc, cidr.replace(".0.0/16", ".1.0/24"))
        found[name] = {"vpc": vpc, "subnet": subnet, "rtb": lab.table(vpc, subnet),
                       "group": lab.group(vpc, "open", ("tcp", 22, "10.0.0.0/8"))}
    return found


def peer(lab: Lab, one: dict[str, str], other: dict[str, str], *, accept: bool = True) -> str:
    pcx = lab.ec2.create_vpc_peering_connection(VpcId=one["vpc"], PeerVpcId=other["vpc"])[
        "VpcPeeringConnection"]["VpcPeeringConnectionId"]
    if accept:
        lab.ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    return pcx


def test_peering_reachable(lab, nets):
    pcx = peer(lab, nets["a"], nets["b"])
    lab.route(nets["a"]["rtb"], CIDRS["b"], VpcPeeringConnectionId=pcx)
    lab.route(nets["b"]["rtb"], CIDRS["a"], VpcPeeringConnectionId=pcx)
    one, _ = lab.instance(nets["a"]["subnet"])
    two, _ = lab.instance(nets["b"]["subnet"], nets["b"]["group"])
    answer = lab.reach(one, two, destination_port=22)
    assert answer.network_path_found
    hop = next(s for s in answer.forward_path if s["Component"]["Id"] == pcx)
    assert hop["SourceVpc"]["Id"] == nets["a"]["vpc"]
    assert hop["DestinationVpc"]["Id"] == nets["b"]["vpc"]
    assert pcx in ids(answer.return_path)
    assert lab.reach(one, pcx, destination_port=22).network_path_found
    assert lab.reach(pcx, two, destination_port=22).network_path_found


def test_peering_is_not_transitive(lab, nets):
    ab, bc = peer(lab, nets["a"], nets["b"]), peer(lab, nets["b"], nets["c"])
    lab.route(nets["a"]["rtb"], CIDRS["c"], VpcPeeringConnectionId=ab)
    lab.route(nets["b"]["rtb"], CIDRS["c"], VpcPeeringConnectionId=bc)
    lab.route(nets["c"]["rtb"], CIDRS["a"], VpcPeeringConnectionId=bc)
    one, _ = lab.instance(nets["a"]["subnet"])
    three, _ = lab.instance(nets["c"]["subnet"], nets["c"]["group"])
    answer = lab.reach(one, three, destination_port=22)
    assert codes(answer) == ["PCX_REQUIRES_ADDRESS_IN_VPC_CIDR"]
    assert answer.explanations[0]["VpcPeeringConnection"]["Id"] == ab
    assert answer.explanations[0]["Vpc"]["Id"] == nets["b"]["vpc"]


def test_peering_needs_routes_on_both_sides(lab, nets):
    pcx = peer(lab, nets["a"], nets["b"])
    lab.route(nets["a"]["rtb"], CIDRS["b"], VpcPeeringConnectionId=pcx)
    one, _ = lab.instance(nets["a"]["subnet"])
    two, _ = lab.instance(nets["b"]["subnet"], nets["b"]["group"])
    answer = lab.reach(one, two, destination_port=22)
    assert not answer.network_path_found
    assert ids(answer.forward_path)[-1] == two
    assert codes(answer) == ["NO_ROUTE_TO_DESTINATION"]
    assert answer.explanations[0]["RouteTable"]["Id"] == nets["b"]["rtb"]


def test_peering_must_be_active(lab, nets):
    pcx = peer(lab, nets["a"], nets["b"], accept=False)
    lab.route(nets["a"]["rtb"], CIDRS["b"], VpcPeeringConnectionId=pcx)
    one, _ = lab.instance(nets["a"]["subnet"])
    two, _ = lab.instance(nets["b"]["subnet"], nets["b"]["group"])
    answer = lab.reach(one, two, destination_port=22)
    assert codes(answer) == ["BAD_STATE_ROUTE"]
    assert answer.explanations[0]["VpcPeeringConnection"]["Id"] == pcx
    assert answer.explanations[0]["RouteTableRoute"]["State"] == "blackhole"


def test_no_edge_to_edge_through_the_peer(lab, nets):
    pcx = peer(lab, nets["a"], nets["b"])
    igw = lab.igw(nets["b"]["vpc"])
    lab.route(nets["b"]["rtb"], "0.0.0.0/0", GatewayId=igw)
    lab.route(nets["a"]["rtb"], "0.0.0.0/0", VpcPeeringConnectionId=pcx)
    one, _ = lab.instance(nets["a"]["subnet"])
    answer = lab.reach(one, destination_ip="8.8.8.8", destination_port=443)
    assert codes(answer) == ["PCX_REQUIRES_ADDRESS_IN_VPC_CIDR"]
    assert answer.explanations[0]["Address"] == "8.8.8.8"


def test_group_reference_across_peering(lab, nets):
    pcx = peer(lab, nets["a"], nets["b"])
    lab.route(nets["a"]["rtb"], CIDRS["b"], VpcPeeringConnectionId=pcx)
    lab.route(nets["b"]["rtb"], CIDRS["a"], VpcPeeringConnectionId=pcx)
    app = lab.group(nets["a"]["vpc"], "app")
    db = lab.group(nets["b"]["vpc"], "db", ("tcp", 5432, app))
    client, _ = lab.instance(nets["a"]["subnet"], app)
    stranger, _ = lab.instance(nets["a"]["subnet"])
    server, _ = lab.instance(nets["b"]["subnet"], db)
    assert lab.reach(client, server, destination_port=5432).network_path_found
    assert codes(lab.reach(stranger, server, destination_port=5432)) == ["ENI_SG_RULES_MISMATCH"]


def test_peering_across_accounts(lab, nets, mock: Any):
    other = boto3.client("ec2", region_name="us-east-1", aws_access_key_id="111122223333",
                         aws_secret_access_key="x")
    vpc = other.create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]["VpcId"]
    subnet = other.create_subnet(VpcId=vpc, CidrBlock="10.7.1.0/24")["Subnet"]["SubnetId"]
    pcx = lab.ec2.create_vpc_peering_connection(VpcId=nets["a"]["vpc"], PeerVpcId=vpc,
                                                PeerOwnerId="111122223333")[
        "VpcPeeringConnection"]["VpcPeeringConnectionId"]
    other.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    lab.route(nets["a"]["rtb"], "10.7.0.0/16", VpcPeeringConnectionId=pcx)
    rtb = other.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}])[
        "RouteTables"][0]["RouteTableId"]
    other.create_route(RouteTableId=rtb, DestinationCidrBlock=CIDRS["a"],
                       VpcPeeringConnectionId=pcx)
    group = other.create_security_group(GroupName="open", Description="open", VpcId=vpc)[
        "GroupId"]
    other.authorize_security_group_ingress(GroupId=group, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
         "IpRanges": [{"CidrIp": "10.0.0.0/16"}]}])
    server = other.run_instances(ImageId="ami-057c3ffbeeff55523", MinCount=1, MaxCount=1,
                                 SubnetId=subnet, SecurityGroupIds=[group])[
        "Instances"][0]["InstanceId"]
    one, _ = lab.instance(nets["a"]["subnet"])
    answer = lab.reach(one, server, destination_port=22, account="123456789012")
    assert answer.network_path_found
    assert codes(lab.reach(server, one, account="123456789012")) == ["UNKNOWN_RESOURCE"]
