"""Site-to-Site VPN connections on a VPN concentrator: the connection is on the
concentrator's transit gateway and rides the concentrator's one attachment (BGP only); the
concentrator cannot go while it carries connections; reachability out through it."""
from __future__ import annotations

from typing import Any

import pytest

from helpers import fails
from test_routing_lab import Lab, codes, ids, lab  # noqa: F401  (fixture)
from test_routing_transit import CIDRS, spoke, table
from test_vpn import new_cgw, new_vgw, vpns

ON_PREM = "192.168.10.5"


def concentrator(ec2, tgw: str) -> dict[str, Any]:
    return ec2.create_vpn_concentrator(Type="ipsec.1", TransitGatewayId=tgw)["VpnConcentrator"]


def site(ec2, vcn: str, ip: str = "198.51.100.7", **kwargs: Any) -> dict[str, Any]:
    return ec2.create_vpn_connection(Type="ipsec.1", CustomerGatewayId=new_cgw(ec2, ip),
                                     VpnConcentratorId=vcn, **kwargs)["VpnConnection"]


@pytest.fixture
def hub(ec2) -> dict[str, Any]:
    tgw = ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    return {"tgw": tgw, **concentrator(ec2, tgw)}


def test_connection_on_a_concentrator(ec2, hub):
    made = site(ec2, hub["VpnConcentratorId"])
    assert made["State"] == "pending"
    assert made["VpnConcentratorId"] == hub["VpnConcentratorId"]
    assert made["TransitGatewayId"] == hub["tgw"] and "VpnGatewayId" not in made
    assert made["Options"]["StaticRoutesOnly"] is False
    found = vpns(ec2, VpnConnectionIds=[made["VpnConnectionId"]])[0]
    assert found["State"] == "available"
    # tunnels down until a device brings them up, in AWS's words (the CLI's examples)
    assert [(t["Status"], t["StatusMessage"]) for t in found["VgwTelemetry"]] == [
        ("DOWN", "IPSEC IS DOWN")] * 2
    assert found["VpnConcentratorId"] == hub["VpnConcentratorId"]
    # no attachment of its own: the concentrator's carries it (filter by the gateway finds it)
    attachments = ec2.describe_transit_gateway_attachments(Filters=[
        {"Name": "transit-gateway-id", "Values": [hub["tgw"]]}])["TransitGatewayAttachments"]
    assert [(a["ResourceType"], a["TransitGatewayAttachmentId"]) for a in attachments] == [
        ("vpn-concentrator", hub["TransitGatewayAttachmentId"])]
    assert [v["VpnConnectionId"] for v in vpns(ec2, Filters=[
        {"Name": "transit-gateway-id", "Values": [hub["tgw"]]}])] == [made["VpnConnectionId"]]


def test_many_sites_share_the_attachment_and_the_same_gateway_too(ec2, hub):
    one = site(ec2, hub["VpnConcentratorId"], "198.51.100.7")
    two = site(ec2, hub["VpnConcentratorId"], "198.51.100.8",
               TransitGatewayId=hub["tgw"])   # naming its gateway as well is fine
    assert one["VpnConnectionId"] != two["VpnConnectionId"]
    again = ec2.create_vpn_connection(Type="ipsec.1", CustomerGatewayId=one["CustomerGatewayId"],
                                      VpnConcentratorId=hub["VpnConcentratorId"])
    assert again["VpnConnection"]["VpnConnectionId"] == one["VpnConnectionId"]   # idempotent
    direct = ec2.create_vpn_connection(Type="ipsec.1", CustomerGatewayId=one["CustomerGatewayId"],
                                       TransitGatewayId=hub["tgw"])["VpnConnection"]
    assert direct["VpnConnectionId"] != one["VpnConnectionId"] and "VpnConcentratorId" not in direct
    assert ec2.describe_transit_gateway_attachments(Filters=[
        {"Name": "resource-type", "Values": ["vpn"]}])["TransitGatewayAttachments"][0][
        "ResourceId"] == direct["VpnConnectionId"]


def test_concentrator_refusals(ec2, hub):
    cgw = new_cgw(ec2)
    vcn = hub["VpnConcentratorId"]
    assert fails(ec2.create_vpn_connection, Type="ipsec.1", CustomerGatewayId=cgw,
                 VpnConcentratorId="vcn-0123456789abcdef0")[0] == \
        "InvalidVpnConcentratorId.NotFound"
    assert fails(ec2.create_vpn_connection, Type="ipsec.1", CustomerGatewayId=cgw,
                 VpnConcentratorId=vcn, VpnGatewayId=new_vgw(ec2))[0] == "InvalidParameterValue"
    other = ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    assert fails(ec2.create_vpn_connection, Type="ipsec.1", CustomerGatewayId=cgw,
                 VpnConcentratorId=vcn, TransitGatewayId=other)[0] == "InvalidParameterValue"
    assert fails(ec2.create_vpn_connection, Type="ipsec.1", CustomerGatewayId=cgw,
                 VpnConcentratorId=vcn, Options={"StaticRoutesOnly": True})[0] == \
        "InvalidParameterValue"
    assert vpns(ec2) == []


def test_concentrator_goes_only_without_connections(ec2, hub):
    made = site(ec2, hub["VpnConcentratorId"])
    code, message = fails(ec2.delete_vpn_concentrator, VpnConcentratorId=hub["VpnConcentratorId"])
    assert code == "IncorrectState" and made["VpnConnectionId"] in message
    ec2.delete_vpn_connection(VpnConnectionId=made["VpnConnectionId"])
    gone = vpns(ec2, VpnConnectionIds=[made["VpnConnectionId"]])[0]
    assert gone["State"] == "deleted" and gone["VpnConcentratorId"] == hub["VpnConcentratorId"]
    attach = ec2.describe_transit_gateway_attachments(TransitGatewayAttachmentIds=[
        hub["TransitGatewayAttachmentId"]])["TransitGatewayAttachments"][0]
    assert attach["State"] == "available"     # deleting a site leaves the concentrator's
    assert ec2.delete_vpn_concentrator(VpnConcentratorId=hub["VpnConcentratorId"])["Return"]
    assert fails(ec2.create_vpn_connection, Type="ipsec.1", CustomerGatewayId=new_cgw(ec2),
                 VpnConcentratorId=hub["VpnConcentratorId"])[0] == "IncorrectState"


def test_connection_on_a_concentrator_over_the_server(server_ec2):
    tgw = server_ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    vcn = concentrator(server_ec2, tgw)["VpnConcentratorId"]
    made = site(server_ec2, vcn)
    assert made["VpnConcentratorId"] == vcn and made["TransitGatewayId"] == tgw
    assert fails(server_ec2.create_vpn_concentrator, Type="ipsec.1") == (
        "MissingParameter", "The request must contain the parameter transitGatewayId")


# -- reachability ----------------------------------------------------------------------------------
def _sites(lab: Lab) -> dict[str, Any]:
    """A spoke VPC on a gateway whose table sends 192.168.0.0/16 to a concentrator that
    carries one site's connection."""
    tgw = lab.ec2.create_transit_gateway(Options={
        "DefaultRouteTableAssociation": "disable", "DefaultRouteTablePropagation": "disable"})[
        "TransitGateway"]["TransitGatewayId"]
    a = spoke(lab, tgw, CIDRS["a"])
    vcn = concentrator(lab.ec2, tgw)
    vpn = site(lab.ec2, vcn["VpnConcentratorId"])
    rtb = table(lab, tgw, associate=[a, {"attachment": vcn["TransitGatewayAttachmentId"]}],
                propagate=[a])
    lab.ec2.create_transit_gateway_route(
        TransitGatewayRouteTableId=rtb, DestinationCidrBlock="192.168.0.0/16",
        TransitGatewayAttachmentId=vcn["TransitGatewayAttachmentId"])
    lab.route(lab.main_table(a["vpc"]), "192.168.0.0/16", TransitGatewayId=tgw)
    return {"tgw": tgw, "a": a, "vcn": vcn, "vpn": vpn, "rtb": rtb}


def test_site_reached_through_the_concentrator(lab):
    net = _sites(lab)
    one, _ = lab.instance(net["a"]["app"])
    answer = lab.reach(one, destination_ip=ON_PREM, destination_port=443)
    assert answer.network_path_found, codes(answer)
    path = ids(answer.forward_path)
    assert path.index(net["rtb"]) < path.index(net["vcn"]["TransitGatewayAttachmentId"])


def test_site_unreachable_once_the_concentrator_is_gone(lab):
    net = _sites(lab)
    lab.ec2.delete_vpn_connection(VpnConnectionId=net["vpn"]["VpnConnectionId"])
    lab.ec2.delete_vpn_concentrator(VpnConcentratorId=net["vcn"]["VpnConcentratorId"])
    one, _ = lab.instance(net["a"]["app"])
    answer = lab.reach(one, destination_ip=ON_PREM, destination_port=443)
    assert not answer.network_path_found
    assert codes(answer)
