"""Changing a VPN connection after it is made: target and customer gateways, connection
options, tunnel options (AWS's checks), certificates, tunnel replacement and status, device
sample configurations; VPN concentrators."""
from __future__ import annotations

import pytest

from helpers import fails
from test_vpn import new_cgw, new_vgw, new_vpn, vpns

MISSING_VPN = "vpn-0123456789abcdef0"


@pytest.fixture
def vpn(ec2) -> dict:
    return new_vpn(ec2, new_cgw(ec2), new_vgw(ec2))


def outside(vpn: dict, n: int = 0) -> str:
    return vpn["Options"]["TunnelOptions"][n]["OutsideIpAddress"]


def tunnel(ec2, vpn_id: str, n: int = 0) -> dict:
    return vpns(ec2, VpnConnectionIds=[vpn_id])[0]["Options"]["TunnelOptions"][n]


# -- ModifyVpnTunnelOptions ---------------------------------------------------------------------
def test_modify_tunnel_options(ec2, vpn):
    answer = ec2.modify_vpn_tunnel_options(
        VpnConnectionId=vpn["VpnConnectionId"], VpnTunnelOutsideIpAddress=outside(vpn),
        TunnelOptions={"TunnelInsideCidr": "169.254.100.0/30", "PreSharedKey": "secret_key.1",
                       "Phase1LifetimeSeconds": 3600, "Phase2LifetimeSeconds": 1800,
                       "DPDTimeoutSeconds": 40, "DPDTimeoutAction": "restart",
                       "IKEVersions": [{"Value": "ikev2"}],
                       "Phase1EncryptionAlgorithms": [{"Value": "AES256"}]})["VpnConnection"]
    changed = answer["Options"]["TunnelOptions"][0]
    assert changed["TunnelInsideCidr"] == "169.254.100.0/30"
    assert changed["PreSharedKey"] == "secret_key.1"
    assert changed["DpdTimeoutSeconds"] == 40 and changed["DpdTimeoutAction"] == "restart"
    assert changed["IkeVersions"] == [{"Value": "ikev2"}]
    assert tunnel(ec2, vpn["VpnConnectionId"]) == changed
    other = tunnel(ec2, vpn["VpnConnectionId"], 1)
    assert other == vpn["Options"]["TunnelOptions"][1]       # the other tunnel is untouched
    config = vpns(ec2, VpnConnectionIds=[vpn["VpnConnectionId"]])[0][
        "CustomerGatewayConfiguration"]
    assert "secret_key.1" in config and "<lifetime>3600</lifetime>" in config


@pytest.mark.parametrize("options, why", [
    ({"TunnelInsideCidr": "169.254.1.0/30"}, "reserved"),
    ({"TunnelInsideCidr": "10.0.0.0/30"}, "not link-local"),
    ({"TunnelInsideCidr": "169.254.100.0/29"}, "not a /30"),
    ({"TunnelInsideIpv6Cidr": "fd00::/126"}, "IPv6 on an IPv4 connection"),
    ({"PreSharedKey": "0startswithzero"}, "leading zero"),
    ({"PreSharedKey": "short"}, "too short"),
    ({"Phase1LifetimeSeconds": 100}, "below 900"),
    ({"Phase2LifetimeSeconds": 7200}, "above 3600"),
    ({"DPDTimeoutSeconds": 10}, "below 30"),
    ({"DPDTimeoutAction": "explode"}, "unknown action"),
    ({"Phase1DHGroupNumbers": [{"Value": 5}]}, "group 5 is phase 2 only"),
    ({"IKEVersions": [{"Value": "ikev3"}]}, "unknown IKE version"),
    ({"ReplayWindowSize": 32}, "below 64"),
])
def test_modify_tunnel_options_refusals(ec2, vpn, options, why):
    code = fails(ec2.modify_vpn_tunnel_options, VpnConnectionId=vpn["VpnConnectionId"],
                 VpnTunnelOutsideIpAddress=outside(vpn), TunnelOptions=options)[0]
    assert code in ("InvalidParameterValue", "InvalidParameterCombination"), why
    assert tunnel(ec2, vpn["VpnConnectionId"]) == vpn["Options"]["TunnelOptions"][0]


def test_inside_cidr_unique_on_the_gateway(ec2, vpn):
    taken = vpn["Options"]["TunnelOptions"][1]["TunnelInsideCidr"]
    assert fails(ec2.modify_vpn_tunnel_options, VpnConnectionId=vpn["VpnConnectionId"],
                 VpnTunnelOutsideIpAddress=outside(vpn),
                 TunnelOptions={"TunnelInsideCidr": taken})[0] == "InvalidParameterValue"


def test_modify_tunnel_unknown_tunnel_and_connection(ec2, vpn):
    assert fails(ec2.modify_vpn_tunnel_options, VpnConnectionId=vpn["VpnConnectionId"],
                 VpnTunnelOutsideIpAddress="203.0.113.9",
                 TunnelOptions={"DPDTimeoutSeconds": 40})[0] == "InvalidParameterValue"
    assert fails(ec2.modify_vpn_tunnel_options, VpnConnectionId=MISSING_VPN,
                 VpnTunnelOutsideIpAddress="203.0.113.9",
                 TunnelOptions={"DPDTimeoutSeconds": 40})[0] == "InvalidVpnConnectionID.NotFound"
    assert fails(ec2.modify_vpn_tunnel_options, VpnConnectionId=vpn["VpnConnectionId"],
                 VpnTunnelOutsideIpAddress=outside(vpn), DryRun=True,
                 TunnelOptions={"DPDTimeoutSeconds": 40})[0] == "DryRunOperation"


# -- ModifyVpnConnection / Options ---------------------------------------------------------------
def test_move_to_another_vgw_and_to_a_transit_gateway(ec2, vpn):
    vpn_id = vpn["VpnConnectionId"]
    other = new_vgw(ec2)
    moved = ec2.modify_vpn_connection(VpnConnectionId=vpn_id, VpnGatewayId=other)[
        "VpnConnection"]
    assert moved["VpnGatewayId"] == other
    assert [v["VpnConnectionId"] for v in vpns(ec2, Filters=[
        {"Name": "vpn-gateway-id", "Values": [other]}])] == [vpn_id]
    tgw = ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    ec2.create_vpn_connection_route(VpnConnectionId=vpn_id, DestinationCidrBlock="192.168.0.0/16")
    assert fails(ec2.modify_vpn_connection, VpnConnectionId=vpn_id,
                 TransitGatewayId=tgw)[0] == "InvalidParameterValue"   # static routes first
    ec2.delete_vpn_connection_route(VpnConnectionId=vpn_id, DestinationCidrBlock="192.168.0.0/16")
    on_tgw = ec2.modify_vpn_connection(VpnConnectionId=vpn_id, TransitGatewayId=tgw)[
        "VpnConnection"]
    assert on_tgw["TransitGatewayId"] == tgw and "VpnGatewayId" not in on_tgw
    attachments = ec2.describe_transit_gateway_attachments(Filters=[
        {"Name": "resource-id", "Values": [vpn_id]}])["TransitGatewayAttachments"]
    assert [a["ResourceType"] for a in attachments] == ["vpn"]
    assert "transit_gateway_id" in on_tgw["CustomerGatewayConfiguration"]


def test_modify_connection_refusals(ec2, vpn):
    vpn_id = vpn["VpnConnectionId"]
    assert fails(ec2.modify_vpn_connection, VpnConnectionId=vpn_id)[0] == "MissingParameter"
    assert fails(ec2.modify_vpn_connection, VpnConnectionId=vpn_id, VpnGatewayId=new_vgw(ec2),
                 CustomerGatewayId=new_cgw(ec2, "198.51.100.8"))[0] == \
        "InvalidParameterCombination"
    assert fails(ec2.modify_vpn_connection, VpnConnectionId=vpn_id,
                 VpnGatewayId="vgw-0123456789abcdef0")[0] == "InvalidVpnGatewayID.NotFound"
    assert fails(ec2.modify_vpn_connection, VpnConnectionId=vpn_id,
                 VpnGatewayId=vpn["VpnGatewayId"])[0] == "InvalidParameterValue"


def test_move_to_another_customer_gateway(ec2, vpn):
    other = new_cgw(ec2, "198.51.100.9")
    moved = ec2.modify_vpn_connection(VpnConnectionId=vpn["VpnConnectionId"],
                                      CustomerGatewayId=other)["VpnConnection"]
    assert moved["CustomerGatewayId"] == other
    assert "198.51.100.9" in moved["CustomerGatewayConfiguration"]


def test_modify_connection_options(ec2, vpn):
    changed = ec2.modify_vpn_connection_options(
        VpnConnectionId=vpn["VpnConnectionId"], LocalIpv4NetworkCidr="192.168.0.0/16",
        RemoteIpv4NetworkCidr="10.0.0.0/16")["VpnConnection"]["Options"]
    assert changed["LocalIpv4NetworkCidr"] == "192.168.0.0/16"
    assert changed["RemoteIpv4NetworkCidr"] == "10.0.0.0/16"
    assert fails(ec2.modify_vpn_connection_options, VpnConnectionId=vpn["VpnConnectionId"],
                 LocalIpv6NetworkCidr="fd00::/64")[0] == "InvalidParameterCombination"
    assert fails(ec2.modify_vpn_connection_options, VpnConnectionId=vpn["VpnConnectionId"],
                 TunnelBandwidth="large")[0] == "InvalidParameterValue"     # VGW: standard only
    assert fails(ec2.modify_vpn_connection_options, VpnConnectionId=vpn["VpnConnectionId"],
                 LocalIpv4NetworkCidr="bogus")[0] == "InvalidParameterValue"


# -- certificate, replacement, status ------------------------------------------------------------
def test_certificate_needs_certificate_authentication(ec2, vpn):
    assert fails(ec2.modify_vpn_tunnel_certificate, VpnConnectionId=vpn["VpnConnectionId"],
                 VpnTunnelOutsideIpAddress=outside(vpn))[0] == "InvalidParameterValue"


def test_replace_tunnel_and_its_status(ec2, vpn):
    status = ec2.get_vpn_tunnel_replacement_status(
        VpnConnectionId=vpn["VpnConnectionId"], VpnTunnelOutsideIpAddress=outside(vpn))
    assert status["VpnGatewayId"] == vpn["VpnGatewayId"]
    assert status["CustomerGatewayId"] == vpn["CustomerGatewayId"]
    assert "LastMaintenanceApplied" not in status["MaintenanceDetails"]
    assert ec2.replace_vpn_tunnel(VpnConnectionId=vpn["VpnConnectionId"],
                                  VpnTunnelOutsideIpAddress=outside(vpn))["Return"] is True
    status = ec2.get_vpn_tunnel_replacement_status(
        VpnConnectionId=vpn["VpnConnectionId"], VpnTunnelOutsideIpAddress=outside(vpn))
    assert "LastMaintenanceApplied" in status["MaintenanceDetails"]
    assert fails(ec2.replace_vpn_tunnel, VpnConnectionId=vpn["VpnConnectionId"],
                 VpnTunnelOutsideIpAddress="203.0.113.1")[0] == "InvalidParameterValue"


def test_active_tunnel_status_follows_the_options(ec2, vpn):
    ec2.modify_vpn_tunnel_options(
        VpnConnectionId=vpn["VpnConnectionId"], VpnTunnelOutsideIpAddress=outside(vpn),
        TunnelOptions={"Phase1EncryptionAlgorithms": [{"Value": "AES128-GCM-16"}],
                       "IKEVersions": [{"Value": "ikev1"}]})
    status = ec2.get_active_vpn_tunnel_status(
        VpnConnectionId=vpn["VpnConnectionId"], VpnTunnelOutsideIpAddress=outside(vpn))[
        "ActiveVpnTunnelStatus"]
    assert status["Phase1EncryptionAlgorithm"] == "AES128-GCM-16"
    assert status["IkeVersion"] == "ikev1" and status["ProvisioningStatus"] == "available"


def test_device_types_and_sample_configuration(ec2, vpn):
    types = ec2.get_vpn_connection_device_types()["VpnConnectionDeviceTypes"]
    palo = [t for t in types if t["Vendor"] == "Palo Alto Networks"]
    assert {t["VpnConnectionDeviceTypeId"] for t in palo} == {"754a6372", "9612cbed", "5fb390ba"}
    sample = ec2.get_vpn_connection_device_sample_configuration(
        VpnConnectionId=vpn["VpnConnectionId"], VpnConnectionDeviceTypeId="9d9470de",
        InternetKeyExchangeVersion="ikev2")["VpnConnectionDeviceSampleConfiguration"]
    assert "Fortinet" in sample and outside(vpn) in sample
    assert fails(ec2.get_vpn_connection_device_sample_configuration,
                 VpnConnectionId=vpn["VpnConnectionId"],
                 VpnConnectionDeviceTypeId="00000000")[0] == "InvalidParameterValue"


def test_tunnel_options_over_the_server(server_ec2):
    found = new_vpn(server_ec2, new_cgw(server_ec2), new_vgw(server_ec2))
    answer = server_ec2.modify_vpn_tunnel_options(
        VpnConnectionId=found["VpnConnectionId"], VpnTunnelOutsideIpAddress=outside(found),
        TunnelOptions={"Phase2LifetimeSeconds": 1200})["VpnConnection"]
    assert answer["Options"]["TunnelOptions"][0]["Phase2LifetimeSeconds"] == 1200
    assert fails(server_ec2.modify_vpn_tunnel_options, VpnConnectionId=found["VpnConnectionId"],
                 VpnTunnelOutsideIpAddress=outside(found),
                 TunnelOptions={"Phase2LifetimeSeconds": 10})[0] == "InvalidParameterValue"


# -- VPN concentrators ---------------------------------------------------------------------------
def test_concentrator_lifecycle(ec2):
    tgw = ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    made = ec2.create_vpn_concentrator(Type="ipsec.1", TransitGatewayId=tgw, TagSpecifications=[
        {"ResourceType": "vpn-concentrator", "Tags": [{"Key": "k", "Value": "v"}]}])[
        "VpnConcentrator"]
    assert made["VpnConcentratorId"].startswith("vcn-") and made["State"] == "pending"
    assert made["TransitGatewayId"] == tgw
    attach = made["TransitGatewayAttachmentId"]
    found = ec2.describe_vpn_concentrators(VpnConcentratorIds=[made["VpnConcentratorId"]])[
        "VpnConcentrators"]
    assert [c["State"] for c in found] == ["available"]
    assert found[0]["Tags"] == [{"Key": "k", "Value": "v"}]
    attachments = ec2.describe_transit_gateway_attachments(TransitGatewayAttachmentIds=[attach])[
        "TransitGatewayAttachments"]
    assert attachments[0]["ResourceType"] == "vpn-concentrator"
    assert ec2.describe_vpn_concentrators(Filters=[
        {"Name": "transit-gateway-id", "Values": [tgw]}])["VpnConcentrators"][0][
        "VpnConcentratorId"] == made["VpnConcentratorId"]
    assert ec2.delete_vpn_concentrator(VpnConcentratorId=made["VpnConcentratorId"])["Return"]
    gone = ec2.describe_vpn_concentrators()["VpnConcentrators"][0]
    assert gone["State"] == "deleted" and gone["TransitGatewayAttachmentId"] == attach
    assert fails(ec2.delete_vpn_concentrator,
                 VpnConcentratorId=made["VpnConcentratorId"])[0] == "IncorrectState"


def test_concentrator_refusals(ec2):
    assert fails(ec2.create_vpn_concentrator, Type="ipsec.1")[0] == "MissingParameter"
    assert fails(ec2.create_vpn_concentrator, Type="ipsec.1",
                 TransitGatewayId="tgw-0123456789abcdef0")[0] == \
        "InvalidTransitGatewayID.NotFound"
    assert fails(ec2.delete_vpn_concentrator, VpnConcentratorId="vcn-0123456789abcdef0")[0] == \
        "InvalidVpnConcentratorId.NotFound"
    assert ec2.describe_vpn_concentrators()["VpnConcentrators"] == []


def test_phase2_stays_below_the_tunnels_phase1(ec2, vpn):
    ec2.modify_vpn_tunnel_options(VpnConnectionId=vpn["VpnConnectionId"],
                                  VpnTunnelOutsideIpAddress=outside(vpn),
                                  TunnelOptions={"Phase1LifetimeSeconds": 1800,
                                                 "Phase2LifetimeSeconds": 900})
    assert fails(ec2.modify_vpn_tunnel_options, VpnConnectionId=vpn["VpnConnectionId"],
                 VpnTunnelOutsideIpAddress=outside(vpn),
                 TunnelOptions={"Phase2LifetimeSeconds": 3000})[0] == "InvalidParameterValue"
    assert tunnel(ec2, vpn["VpnConnectionId"])["Phase2LifetimeSeconds"] == 900
