"""Reachability through an Outpost's local gateway: a VPC route to the gateway, the VPC's
association with the gateway's route table, and that table's routes to virtual interface
groups (the on-premises network)."""
from __future__ import annotations

from typing import Any

import pytest

from api import outposts
from test_routing_lab import Lab, codes, ids, lab  # noqa: F401  (lab is a fixture)

ON_PREMISES = "192.168.0.0/16"


@pytest.fixture
def site(lab: Lab) -> dict[str, Any]:
    """An Outpost in us-east-1a, a VPC associated with its local gateway's table, a subnet
    whose table sends the on-premises range to the gateway, an instance there."""
    made = outposts.install(lab.world, {"AvailabilityZone": "us-east-1a"})
    vpc = lab.vpc()
    subnet = lab.subnet(vpc, "10.0.1.0/24")
    rtb = lab.table(vpc, subnet)
    table = made["LocalGatewayRouteTableId"]
    assoc = lab.ec2.create_local_gateway_route_table_vpc_association(
        LocalGatewayRouteTableId=table, VpcId=vpc)["LocalGatewayRouteTableVpcAssociation"][
        "LocalGatewayRouteTableVpcAssociationId"]
    lab.ec2.create_local_gateway_route(
        LocalGatewayRouteTableId=table, DestinationCidrBlock=ON_PREMISES,
        LocalGatewayVirtualInterfaceGroupId=made["LocalGatewayVirtualInterfaceGroupIds"][0])
    lab.route(rtb, ON_PREMISES, LocalGatewayId=made["LocalGatewayId"])
    group = lab.group(vpc, "open", ("tcp", 22, "0.0.0.0/0"))
    instance, eni = lab.instance(subnet, group)
    return {**made, "vpc": vpc, "rtb": rtb, "assoc": assoc, "instance": instance, "eni": eni}


def test_out_through_the_local_gateway(lab, site):
    answer = lab.reach(site["instance"], destination_ip="192.168.5.5", destination_port=443)
    assert answer.network_path_found
    assert ids(answer.forward_path)[-1] == site["LocalGatewayId"]
    assert site["LocalGatewayId"] in ids(answer.return_path)
    assert ids(answer.return_path)[-1] == site["instance"] or \
        site["eni"] in ids(answer.return_path)


def test_the_local_gateway_as_destination_and_source(lab, site):
    answer = lab.reach(site["instance"], site["LocalGatewayId"], destination_port=22)
    assert answer.network_path_found
    assert ids(answer.forward_path)[-1] == site["LocalGatewayId"]
    inbound = lab.reach(site["LocalGatewayId"], site["instance"], destination_port=22)
    assert inbound.network_path_found
    assert ids(inbound.forward_path)[0] == site["LocalGatewayId"]


def test_blocked_without_the_vpc_association(lab, site):
    lab.ec2.delete_local_gateway_route_table_vpc_association(
        LocalGatewayRouteTableVpcAssociationId=site["assoc"])
    route = next(r for r in lab.ec2.describe_route_tables(RouteTableIds=[site["rtb"]])[
        "RouteTables"][0]["Routes"] if r.get("LocalGatewayId"))
    assert route["State"] == "blackhole"
    answer = lab.reach(site["instance"], destination_ip="192.168.5.5", destination_port=443)
    assert codes(answer) == ["BAD_STATE_ROUTE"]


def test_blocked_without_a_local_gateway_route(lab, site):
    lab.route(site["rtb"], "172.16.0.0/12", LocalGatewayId=site["LocalGatewayId"])
    answer = lab.reach(site["instance"], destination_ip="172.16.5.5", destination_port=443)
    assert codes(answer) == ["NO_ROUTE_TO_DESTINATION"]
    assert answer.explanations[0]["Component"]["Id"] == site["LocalGatewayRouteTableId"]


def test_blocked_when_the_group_has_no_interface(lab, site):
    for vif in site["LocalGatewayVirtualInterfaceIds"]:
        lab.ec2.delete_local_gateway_virtual_interface(LocalGatewayVirtualInterfaceId=vif)
    answer = lab.reach(site["instance"], destination_ip="192.168.5.5", destination_port=443)
    assert codes(answer) == ["BAD_STATE_ROUTE"]


def test_blocked_without_a_route_to_the_local_gateway(lab, site):
    lab.ec2.delete_route(RouteTableId=site["rtb"], DestinationCidrBlock=ON_PREMISES)
    answer = lab.reach(site["instance"], destination_ip="192.168.5.5", destination_port=443)
    assert codes(answer) == ["NO_ROUTE_TO_DESTINATION"]
