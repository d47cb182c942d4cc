"""Reachability through transit gateway Connect attachments, policy tables and prefix-list
references in transit gateway route tables: one path that goes through and one blocked for
each, with AWS's explanation codes."""
from __future__ import annotations

from typing import Any

import pytest

from test_routing_lab import Lab, codes, ids, lab  # noqa: F401  (fixture)
from test_routing_transit import CIDRS, spoke, table

ON_PREM = "192.168.10.5"           # behind the SD-WAN appliance


@pytest.fixture
def hub(lab: Lab) -> dict[str, Any]:
    tgw = lab.ec2.create_transit_gateway(Options={
        "DefaultRouteTableAssociation": "disable", "DefaultRouteTablePropagation": "disable",
        "TransitGatewayCidrBlocks": ["192.0.2.0/24"]})["TransitGateway"]["TransitGatewayId"]
    return {"tgw": tgw, "a": spoke(lab, tgw, CIDRS["a"]), "b": spoke(lab, tgw, CIDRS["b"])}


def connect(lab: Lab, hub: dict[str, Any], *, peer: bool = True) -> dict[str, str]:
    """A Connect attachment over b's attachment (b hosts the appliance), a peer if asked, and
    a's table sending 192.168.0.0/16 to it; a's VPC routes that and 172.16.0.0/12 to the
    gateway."""
    b = hub["b"]
    attach = lab.ec2.create_transit_gateway_connect(
        TransportTransitGatewayAttachmentId=b["attachment"], Options={"Protocol": "gre"})[
        "TransitGatewayConnect"]["TransitGatewayAttachmentId"]
    found = {"attachment": attach}
    if peer:
        _, appliance = lab.instance(b["app"], b["group"])
        found["peer"] = lab.ec2.create_transit_gateway_connect_peer(
            TransitGatewayAttachmentId=attach, PeerAddress=lab.address_of(appliance),
            InsideCidrBlocks=["169.254.100.0/29"], BgpOptions={"PeerAsn": 65010})[
            "TransitGatewayConnectPeer"]["TransitGatewayConnectPeerId"]
    rtb = table(lab, hub["tgw"], associate=[hub["a"], found], propagate=[hub["a"]])
    lab.ec2.create_transit_gateway_route(TransitGatewayRouteTableId=rtb,
                                         DestinationCidrBlock="192.168.0.0/16",
                                         TransitGatewayAttachmentId=attach)
    found["rtb"] = rtb
    for cidr in ("192.168.0.0/16", "172.16.0.0/12"):
        lab.route(lab.main_table(hub["a"]["vpc"]), cidr, TransitGatewayId=hub["tgw"])
    return found


# -- Connect ---------------------------------------------------------------------------------------
def test_connect_attachment_carries_traffic_over_its_transport(lab, hub):
    found = connect(lab, hub)
    one, _ = lab.instance(hub["a"]["app"])
    answer = lab.reach(one, destination_ip=ON_PREM, destination_port=443)
    assert answer.network_path_found, codes(answer)
    path = ids(answer.forward_path)
    assert path.index(hub["tgw"]) < path.index(found["rtb"]) < path.index(found["attachment"]) \
        < path.index(hub["b"]["attachment"])
    assert found["rtb"] in ids(answer.return_path)     # the reply comes back the same way


def test_connect_attachment_without_peer_is_blocked(lab, hub):
    found = connect(lab, hub, peer=False)
    one, _ = lab.instance(hub["a"]["app"])
    answer = lab.reach(one, destination_ip=ON_PREM, destination_port=443)
    assert codes(answer) == ["BAD_STATE_ATTACHMENT"]
    assert answer.explanations[0]["TransitGatewayAttachment"]["Id"] == found["attachment"]


def test_routes_learnt_from_connect_peers_are_unknown(lab, hub):
    found = connect(lab, hub)
    lab.ec2.enable_transit_gateway_route_table_propagation(
        TransitGatewayRouteTableId=found["rtb"], TransitGatewayAttachmentId=found["attachment"])
    one, _ = lab.instance(hub["a"]["app"])
    answer = lab.reach(one, destination_ip="172.16.0.9", destination_port=443)
    assert codes(answer) == ["TGW_RTB_ROUTES_ARE_UNKNOWN"]
    assert answer.explanations[0]["TransitGatewayRouteTable"]["Id"] == found["rtb"]


# -- policy tables -----------------------------------------------------------------------------
def _policy(lab: Lab, hub: dict[str, Any], rule: dict[str, str]) -> tuple[str, str]:
    """a's packets are routed by a policy table sending `rule`'s matches to a table that knows
    b; b's association table routes the replies. (An attachment has a policy table or a
    route table of a gateway, never both: AWS refuses the second with IncorrectState.)"""
    a, b, tgw = hub["a"], hub["b"], hub["tgw"]
    to_b = table(lab, tgw, propagate=[b])
    table(lab, tgw, associate=[b], propagate=[a])
    ptb = lab.ec2.create_transit_gateway_policy_table(TransitGatewayId=tgw)[
        "TransitGatewayPolicyTable"]["TransitGatewayPolicyTableId"]
    lab.ec2.associate_transit_gateway_policy_table(TransitGatewayPolicyTableId=ptb,
                                                   TransitGatewayAttachmentId=a["attachment"])
    lab.ec2.create_transit_gateway_policy_table_entry(
        TransitGatewayPolicyTableId=ptb, PolicyRuleNumber="100", PolicyRule=rule,
        TargetRouteTableId=to_b)
    return ptb, to_b


def test_policy_table_picks_the_route_table(lab, hub):
    ptb, to_b = _policy(lab, hub, {"DestinationCidrBlock": CIDRS["b"], "Protocol": "6",
                                   "DestinationPortRange": "22"})
    one, _ = lab.instance(hub["a"]["app"])
    two, _ = lab.instance(hub["b"]["app"], hub["b"]["group"])
    answer = lab.reach(one, two, destination_port=22)
    assert answer.network_path_found, codes(answer)
    path = ids(answer.forward_path)
    assert path.index(hub["tgw"]) < path.index(ptb) < path.index(to_b)


def test_policy_table_without_matching_entry_drops(lab, hub):
    ptb, _ = _policy(lab, hub, {"DestinationCidrBlock": CIDRS["b"], "Protocol": "17"})
    one, _ = lab.instance(hub["a"]["app"])
    two, _ = lab.instance(hub["b"]["app"], hub["b"]["group"])
    answer = lab.reach(one, two, destination_port=22)        # tcp: the udp rule misses
    assert codes(answer) == ["NO_ROUTE_TO_DESTINATION"]
    assert answer.explanations[0]["Component"]["Id"] == ptb


# -- prefix-list references ------------------------------------------------------------------------
def _referenced(lab: Lab, hub: dict[str, Any], **target: Any) -> tuple[str, str]:
    """Tables where a and b reach each other only through a prefix list holding both CIDRs."""
    a, b = hub["a"], hub["b"]
    rtb = table(lab, hub["tgw"], associate=[a, b])
    pl = lab.ec2.create_managed_prefix_list(
        PrefixListName="spokes", MaxEntries=5, AddressFamily="IPv4",
        Entries=[{"Cidr": CIDRS["b"]}])["PrefixList"]["PrefixListId"]
    lab.ec2.create_transit_gateway_prefix_list_reference(
        TransitGatewayRouteTableId=rtb, PrefixListId=pl, **target)
    lab.ec2.create_transit_gateway_route(TransitGatewayRouteTableId=rtb,
                                         DestinationCidrBlock=CIDRS["a"],
                                         TransitGatewayAttachmentId=a["attachment"])
    return rtb, pl


def test_prefix_list_reference_routes_each_cidr(lab, hub):
    rtb, pl = _referenced(lab, hub, TransitGatewayAttachmentId=hub["b"]["attachment"])
    one, _ = lab.instance(hub["a"]["app"])
    two, _ = lab.instance(hub["b"]["app"], hub["b"]["group"])
    answer = lab.reach(one, two, destination_port=22)
    assert answer.network_path_found, codes(answer)
    route = next(s for s in answer.forward_path if s["Component"]["Id"] == rtb)[
        "TransitGatewayRouteTableRoute"]
    assert (route["DestinationCidr"], route["AttachmentId"]) == (CIDRS["b"],
                                                                 hub["b"]["attachment"])


def test_blackhole_prefix_list_reference_drops(lab, hub):
    rtb, pl = _referenced(lab, hub, Blackhole=True)
    one, _ = lab.instance(hub["a"]["app"])
    two, _ = lab.instance(hub["b"]["app"], hub["b"]["group"])
    answer = lab.reach(one, two, destination_port=22)
    assert codes(answer) == ["TGW_RTB_BAD_STATE_ROUTE"]
    assert answer.explanations[0]["TransitGatewayRouteTable"]["Id"] == rtb
