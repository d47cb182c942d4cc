"""The diagram's transit gateway parts of issue 14: Connect attachments on their transport
VPC's border tapping the gateway, and peered gateways across regions (a stub for a peer
outside the picture)."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest

import viz
from api import mock_ec2
from topology.core.world import World

ACCOUNT, REGION, WEST = "123456789012", "us-east-1", "us-west-2"


@pytest.fixture
def world() -> Iterator[World]:
    world = World(seed=14)
    with mock_ec2(world):
        yield world


@pytest.fixture
def ids(world: World) -> dict[str, Any]:
    ec2 = boto3.client("ec2", region_name=REGION)
    west = boto3.client("ec2", region_name=WEST)
    tgw = ec2.create_transit_gateway(Options={"TransitGatewayCidrBlocks": ["192.0.2.0/24"]})[
        "TransitGateway"]["TransitGatewayId"]
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    transport = ec2.create_transit_gateway_vpc_attachment(
        TransitGatewayId=tgw, VpcId=vpc, SubnetIds=[subnet])[
        "TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
    connect = ec2.create_transit_gateway_connect(
        TransportTransitGatewayAttachmentId=transport, Options={"Protocol": "gre"})[
        "TransitGatewayConnect"]["TransitGatewayAttachmentId"]
    ec2.create_transit_gateway_connect_peer(TransitGatewayAttachmentId=connect,
                                            PeerAddress="10.0.1.10",
                                            InsideCidrBlocks=["169.254.6.0/29"])
    west_tgw = west.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    peering = ec2.create_transit_gateway_peering_attachment(
        TransitGatewayId=tgw, PeerTransitGatewayId=west_tgw, PeerAccountId=ACCOUNT,
        PeerRegion=WEST)["TransitGatewayPeeringAttachment"]["TransitGatewayAttachmentId"]
    west.accept_transit_gateway_peering_attachment(TransitGatewayAttachmentId=peering)
    return {"tgw": tgw, "vpc": vpc, "transport": transport, "connect": connect,
            "west_tgw": west_tgw, "peering": peering}


def test_connect_attachment_on_its_transport_vpc_border(world, ids):
    scene = viz.snapshot(world)
    node = scene.nodes[ids["connect"]]
    assert (node.kind, node.role, node.parent) == ("transit-gateway-attachment", "border",
                                                   ids["vpc"])
    assert node.detail == ("connect", "GRE to 10.0.1.10")
    taps = {(e.source, e.target) for e in scene.edges if e.kind == "tap"}
    assert {(ids["connect"], ids["tgw"]), (ids["transport"], ids["tgw"])} <= taps


def test_cross_region_peering_links_both_gateways(world, ids):
    scene = viz.snapshot(world)
    links = [(e.source, e.target) for e in scene.edges if e.kind == "tgw-peering"]
    assert links == [(ids["tgw"], ids["west_tgw"])]


@pytest.mark.parametrize("region", [REGION, WEST])
def test_a_peered_gateway_outside_the_picture_is_a_stub(world, ids, region):
    scene = viz.snapshot(world, region=region)
    here, away = (ids["tgw"], ids["west_tgw"]) if region == REGION else (
        ids["west_tgw"], ids["tgw"])
    stub = f"external.{away}"
    assert scene.nodes[stub].kind == "external"
    assert scene.nodes[stub].parent == f"region.{ACCOUNT}.{region}"
    links = [{e.source, e.target} for e in scene.edges if e.kind == "tgw-peering"]
    assert links == [{here, stub}]


def test_the_picture_renders_them(world, ids):
    dot = viz.render(world, "dot").decode()
    assert ids["connect"] in dot and ids["west_tgw"] in dot
    svg = viz.render(world, "svg", region=WEST).decode()
    assert ids["west_tgw"] in svg and ids["tgw"] in svg        # the stub names the peer
