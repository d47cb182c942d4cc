"""Reachability through transit gateways: associations choose the table, propagations and
static routes fill it, blackholes drop, attachments serve their zones only."""
from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest

from test_routing_lab import ZONE_A, ZONE_B, Lab, codes, ids, lab  # noqa: F401  (fixture)

CIDRS = {"a": "10.1.0.0/16", "b": "10.2.0.0/16"}


def gateway(lab: Lab, *, defaults: bool = False) -> str:
    value = "enable" if defaults else "disable"
    return lab.ec2.create_transit_gateway(Options={
        "DefaultRouteTableAssociation": value, "DefaultRouteTablePropagation": value})[
        "TransitGateway"]["TransitGatewayId"]


def spoke(lab: Lab, tgw: str, cidr: str) -> dict[str, str]:
    """A VPC with an app subnet and a gateway subnet in zone a, an app subnet in zone b, the
    attachment (gateway subnet only) and 10.0.0.0/8 routed to the gateway."""
    vpc = lab.vpc(cidr)
    prefix = cidr.rsplit(".", 2)[0]
    net = {"vpc": vpc, "app": lab.subnet(vpc, f"{prefix}.1.0/24", ZONE_A),
           "edge": lab.subnet(vpc, f"{prefix}.0.0/28", ZONE_A),
           "far": lab.subnet(vpc, f"{prefix}.2.0/24", ZONE_B),
           "group": lab.group(vpc, "open", ("tcp", 22, "10.0.0.0/8"))}
    net["attachment"] = lab.ec2.create_transit_gateway_vpc_attachment(
        TransitGatewayId=tgw, VpcId=vpc, SubnetIds=[net["edge"]])[
        "TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
    lab.route(lab.main_table(vpc), "10.0.0.0/8", TransitGatewayId=tgw)
    return net


def table(lab: Lab, tgw: str, *, associate: list[dict] = (), propagate: list[dict] = ()) -> str:
    rtb = lab.ec2.create_transit_gateway_route_table(TransitGatewayId=tgw)[
        "TransitGatewayRouteTable"]["TransitGatewayRouteTableId"]
    for net in associate:
        lab.ec2.associate_transit_gateway_route_table(
            TransitGatewayRouteTableId=rtb, TransitGatewayAttachmentId=net["attachment"])
    for net in propagate:
        lab.ec2.enable_transit_gateway_route_table_propagation(
            TransitGatewayRouteTableId=rtb, TransitGatewayAttachmentId=net["attachment"])
    return rtb


@pytest.fixture
def hub(lab: Lab) -> dict[str, Any]:
    tgw = gateway(lab)
    return {"tgw": tgw, "a": spoke(lab, tgw, CIDRS["a"]), "b": spoke(lab, tgw, CIDRS["b"])}


def test_association_and_propagation_reachable(lab, hub):
    a, b = hub["a"], hub["b"]
    rtb = table(lab, hub["tgw"], associate=[a, b], propagate=[a, b])
    one, _ = lab.instance(a["app"])
    two, _ = lab.instance(b["app"], b["group"])
    answer = lab.reach(one, two, destination_port=22)
    assert answer.network_path_found
    path = ids(answer.forward_path)
    assert path.index(a["attachment"]) < path.index(hub["tgw"]) < path.index(rtb) \
        < path.index(b["attachment"])
    route = next(s for s in answer.forward_path if s["Component"]["Id"] == rtb)[
        "TransitGatewayRouteTableRoute"]
    assert route == {"DestinationCidr": CIDRS["b"], "State": "active",
                     "RouteOrigin": "propagated", "AttachmentId": b["attachment"],
                     "ResourceId": b["vpc"], "ResourceType": "vpc"}
    back = ids(answer.return_path)
    assert back.index(b["attachment"]) < back.index(rtb) < back.index(a["attachment"])


def test_default_route_tables_associate_and_propagate(lab):
    tgw = gateway(lab, defaults=True)
    a, b = spoke(lab, tgw, CIDRS["a"]), spoke(lab, tgw, CIDRS["b"])
    one, _ = lab.instance(a["app"])
    two, _ = lab.instance(b["app"], b["group"])
    assert lab.reach(one, two, destination_port=22).network_path_found


def test_propagation_without_association_is_blocked(lab, hub):
    a, b = hub["a"], hub["b"]
    table(lab, hub["tgw"], associate=[b], propagate=[a, b])
    one, _ = lab.instance(a["app"])
    two, _ = lab.instance(b["app"], b["group"])
    answer = lab.reach(one, two, destination_port=22)
    assert codes(answer) == ["TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION"]
    assert answer.explanations[0]["TransitGatewayAttachment"]["Id"] == a["attachment"]
    assert answer.explanations[0]["TransitGateway"]["Id"] == hub["tgw"]


def test_association_without_propagation_has_no_route(lab, hub):
    a, b = hub["a"], hub["b"]
    rtb = table(lab, hub["tgw"], associate=[a, b])
    one, _ = lab.instance(a["app"])
    two, _ = lab.instance(b["app"], b["group"])
    answer = lab.reach(one, two, destination_port=22)
    assert codes(answer) == ["NO_ROUTE_TO_DESTINATION"]
    assert answer.explanations[0]["TransitGatewayRouteTable"]["Id"] == rtb
    lab.ec2.create_transit_gateway_route(TransitGatewayRouteTableId=rtb,
                                         DestinationCidrBlock="10.0.0.0/8",
                                         TransitGatewayAttachmentId=b["attachment"])
    assert not lab.reach(one, two, destination_port=22).network_path_found   # no way back
    lab.ec2.create_transit_gateway_route(TransitGatewayRouteTableId=rtb,
                                         DestinationCidrBlock=CIDRS["a"],
                                         TransitGatewayAttachmentId=a["attachment"])
    assert lab.reach(one, two, destination_port=22).network_path_found


def test_blackhole_static_route_beats_propagation(lab, hub):
    a, b = hub["a"], hub["b"]
    rtb = table(lab, hub["tgw"], associate=[a, b], propagate=[a, b])
    lab.ec2.create_transit_gateway_route(TransitGatewayRouteTableId=rtb,
                                         DestinationCidrBlock=CIDRS["b"], Blackhole=True)
    one, _ = lab.instance(a["app"])
    two, _ = lab.instance(b["app"], b["group"])
    answer = lab.reach(one, two, destination_port=22)
    assert codes(answer) == ["TGW_RTB_BAD_STATE_ROUTE"]
    found = answer.explanations[0]
    assert found["TransitGatewayRouteTable"]["Id"] == rtb
    assert found["TransitGatewayRouteTableRoute"]["State"] == "blackhole"
    assert found["TransitGatewayRouteTableRoute"]["RouteOrigin"] == "static"


def test_source_zone_needs_an_attachment_subnet(lab, hub):
    a, b = hub["a"], hub["b"]
    table(lab, hub["tgw"], associate=[a, b], propagate=[a, b])
    far, _ = lab.instance(a["far"], a["group"])
    two, _ = lab.instance(b["app"], b["group"])
    answer = lab.reach(far, two, destination_port=22)
    assert codes(answer) == ["TGW_ATTACH_VPC_AZ_RESTRICTION"]
    assert answer.explanations[0]["AvailabilityZones"] == [ZONE_B]
    back = lab.reach(two, far, destination_port=22)     # in, yes; the reply cannot leave
    assert ids(back.forward_path)[-1] == far
    assert codes(back) == ["TGW_ATTACH_VPC_AZ_RESTRICTION"]


def test_attachment_subnet_acl_applies(lab, hub):
    a, b = hub["a"], hub["b"]
    table(lab, hub["tgw"], associate=[a, b], propagate=[a, b])
    one, _ = lab.instance(a["app"])
    two, _ = lab.instance(b["app"], b["group"])
    lab.acl(a["vpc"], a["edge"])                       # deny everything
    answer = lab.reach(one, two, destination_port=22)
    assert codes(answer) == ["SUBNET_ACL_RESTRICTION"]
    assert answer.explanations[0]["Subnet"]["Id"] == a["edge"]
    assert answer.explanations[0]["Direction"] == "ingress"


def test_gateway_as_source_and_destination(lab, hub):
    a, b = hub["a"], hub["b"]
    table(lab, hub["tgw"], associate=[a, b], propagate=[a, b])
    one, _ = lab.instance(a["app"])
    two, _ = lab.instance(b["app"], b["group"])
    to_gateway = lab.reach(one, hub["tgw"], destination_port=22)
    assert to_gateway.network_path_found
    assert ids(to_gateway.forward_path)[-1] == hub["tgw"]
    from_gateway = lab.reach(hub["tgw"], two, destination_port=22)
    assert from_gateway.network_path_found
    assert ids(from_gateway.return_path)[-1] == hub["tgw"]


def test_hub_and_spoke_example(lab):
    path = Path(__file__).resolve().parent.parent / "examples" / "hub_and_spoke.py"
    spec = importlib.util.spec_from_file_location("hub_and_spoke_example", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    built = module.build(lab.ec2)
    subnets = {name: lab.ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])[
        "Subnets"][0]["SubnetId"] for name, vpc in built["vpcs"].items()}
    hosts = {}
    for name, subnet in subnets.items():
        group = lab.group(built["vpcs"][name], "open", ("tcp", 22, "10.0.0.0/8"))
        hosts[name] = lab.instance(subnet, group)[0]
    assert lab.reach(hosts["spoke-a"], hosts["shared"], destination_port=22).network_path_found
    assert lab.reach(hosts["shared"], hosts["spoke-c"], destination_port=22).network_path_found
    answer = lab.reach(hosts["spoke-a"], hosts["spoke-b"], destination_port=22)
    assert codes(answer) == ["TGW_RTB_BAD_STATE_ROUTE"]
    assert answer.explanations[0]["TransitGatewayRouteTableRoute"]["DestinationCidr"] == \
        "10.0.0.0/8"
