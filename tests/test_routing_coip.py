"""Reachability through an Outpost's local gateway with customer-owned IP addresses: in
`coip` mode an instance's CoIP address is its source on-premises and replies come back to it
(like NAT); in `direct-vpc-routing` mode the private address is used."""
from __future__ import annotations

from typing import Any

import pytest

from api import outposts
from test_routing_lab import Lab, codes, ids, lab  # noqa: F401  (lab is a fixture)

ON_PREMISES = "192.168.0.0/16"


def _site(lab: Lab, mode: str) -> dict[str, Any]:
    """An Outpost whose table is in `mode`, a VPC associated with it, a subnet routing the
    on-premises range to the local gateway, an instance there."""
    made = outposts.install(lab.world, {"AvailabilityZone": "us-east-1a",
                                        "RouteTableMode": mode})
    vpc = lab.vpc()
    subnet = lab.subnet(vpc, "10.0.1.0/24")
    rtb = lab.table(vpc, subnet)
    table = made["LocalGatewayRouteTableId"]
    lab.ec2.create_local_gateway_route_table_vpc_association(LocalGatewayRouteTableId=table,
                                                             VpcId=vpc)
    lab.ec2.create_local_gateway_route(
        LocalGatewayRouteTableId=table, DestinationCidrBlock=ON_PREMISES,
        LocalGatewayVirtualInterfaceGroupId=made["LocalGatewayVirtualInterfaceGroupIds"][0])
    lab.route(rtb, ON_PREMISES, LocalGatewayId=made["LocalGatewayId"])
    group = lab.group(vpc, "open", ("tcp", 22, "0.0.0.0/0"))
    instance, eni = lab.instance(subnet, group)
    private = lab.ec2.describe_network_interfaces(NetworkInterfaceIds=[eni])[
        "NetworkInterfaces"][0]["PrivateIpAddress"]
    return {**made, "vpc": vpc, "instance": instance, "eni": eni, "private": private}


@pytest.fixture
def coip_site(lab: Lab) -> dict[str, Any]:
    site = _site(lab, "coip")
    pool = lab.ec2.create_coip_pool(LocalGatewayRouteTableId=site["LocalGatewayRouteTableId"])[
        "CoipPool"]["PoolId"]
    lab.ec2.create_coip_cidr(CoipPoolId=pool, Cidr="100.64.7.0/28")
    alloc = lab.ec2.allocate_address(CustomerOwnedIpv4Pool=pool)
    return {**site, "pool": pool, "alloc": alloc["AllocationId"],
            "coip": alloc["CustomerOwnedIp"]}


def _lgw_step(path: list[dict[str, Any]], lgw: str) -> dict[str, Any]:
    return next(s for s in path if s["Component"]["Id"] == lgw)


def test_coip_address_is_the_source_on_premises(lab, coip_site):
    lab.ec2.associate_address(AllocationId=coip_site["alloc"], InstanceId=coip_site["instance"])
    answer = lab.reach(coip_site["instance"], destination_ip="192.168.5.5",
                       destination_port=443)
    assert answer.network_path_found
    step = _lgw_step(answer.forward_path, coip_site["LocalGatewayId"])
    assert step["InboundHeader"]["SourceAddresses"] == [coip_site["private"]]
    assert step["OutboundHeader"]["SourceAddresses"] == [coip_site["coip"]]
    back = _lgw_step(answer.return_path, coip_site["LocalGatewayId"])
    assert back["InboundHeader"]["DestinationAddresses"] == [coip_site["coip"]]
    assert back["OutboundHeader"]["DestinationAddresses"] == [coip_site["private"]]
    assert coip_site["eni"] in ids(answer.return_path)


def test_on_premises_reaches_the_coip_address(lab, coip_site):
    lab.ec2.associate_address(AllocationId=coip_site["alloc"], InstanceId=coip_site["instance"])
    inbound = lab.reach(coip_site["LocalGatewayId"], destination_ip=coip_site["coip"],
                        source_ip="192.168.9.9", destination_port=22)
    assert inbound.network_path_found
    assert coip_site["eni"] in ids(inbound.forward_path)
    by_id = lab.reach(coip_site["LocalGatewayId"], coip_site["instance"], source_ip="192.168.9.9",
                      destination_port=22)          # the instance, by its CoIP address
    assert by_id.network_path_found
    assert by_id.forward_path[0]["InboundHeader"]["DestinationAddresses"] == [coip_site["coip"]]


def test_coip_mode_without_a_coip_address_is_blocked(lab, coip_site):
    answer = lab.reach(coip_site["instance"], destination_ip="192.168.5.5",
                       destination_port=443)
    assert not answer.network_path_found
    assert codes(answer) == ["NO_ROUTE_TO_DESTINATION"]
    inbound = lab.reach(coip_site["LocalGatewayId"], destination_ip=coip_site["private"],
                        source_ip="192.168.9.9", destination_port=22)
    assert codes(inbound) == ["NO_ROUTE_TO_DESTINATION"]
    by_id = lab.reach(coip_site["LocalGatewayId"], coip_site["instance"], source_ip="192.168.9.9",
                      destination_port=22)
    assert codes(by_id) == ["NO_ROUTE_TO_DESTINATION"]


def test_a_released_coip_address_no_longer_reaches_in(lab, coip_site):
    assoc = lab.ec2.associate_address(AllocationId=coip_site["alloc"],
                                      InstanceId=coip_site["instance"])["AssociationId"]
    lab.ec2.disassociate_address(AssociationId=assoc)
    inbound = lab.reach(coip_site["LocalGatewayId"], destination_ip=coip_site["coip"],
                        source_ip="192.168.9.9", destination_port=22)
    assert codes(inbound) == ["NO_ROUTE_TO_DESTINATION"]


def test_direct_vpc_routing_keeps_the_private_address(lab):
    site = _site(lab, "direct-vpc-routing")
    answer = lab.reach(site["instance"], destination_ip="192.168.5.5", destination_port=443)
    assert answer.network_path_found
    step = _lgw_step(answer.forward_path, site["LocalGatewayId"])
    assert step["OutboundHeader"]["SourceAddresses"] == [site["private"]]
    inbound = lab.reach(site["LocalGatewayId"], destination_ip=site["private"],
                        source_ip="192.168.9.9", destination_port=22)
    assert inbound.network_path_found
