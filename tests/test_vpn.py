"""Site-to-Site VPN through boto3: virtual private gateways, customer gateways, VPN
connections and their static routes, and VGW route propagation into VPC route tables."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import boto3
import pytest
from netaddr import IPAddress, IPNetwork

from api import dispatch, mock_ec2
from topology.network import vpn_gateways
from helpers import fails, main_table

MISSING_VGW = "vgw-0123456789abcdef0"
MISSING_CGW = "cgw-0123456789abcdef0"
MISSING_VPN = "vpn-0123456789abcdef0"
CGW_IP = "198.51.100.7"
RESERVED = {IPNetwork(c) for c in ("169.254.0.0/30", "169.254.1.0/30", "169.254.2.0/30",
                                    "169.254.3.0/30", "169.254.4.0/30", "169.254.5.0/30",
                                    "169.254.169.252/30")}


def ids(items: list[dict], key: str) -> list[str]:
    return [item[key] for item in items]


def vgws(ec2, **kwargs) -> list[dict]:
    return ec2.describe_vpn_gateways(**kwargs)["VpnGateways"]


def cgws(ec2, **kwargs) -> list[dict]:
    return ec2.describe_customer_gateways(**kwargs)["CustomerGateways"]


def vpns(ec2, **kwargs) -> list[dict]:
    return ec2.describe_vpn_connections(**kwargs)["VpnConnections"]


def new_vpc(ec2, cidr: str = "10.0.0.0/16") -> str:
    return ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]


def new_vgw(ec2, **kwargs) -> str:
    return ec2.create_vpn_gateway(Type="ipsec.1", **kwargs)["VpnGateway"]["VpnGatewayId"]


def new_cgw(ec2, ip: str = CGW_IP, **kwargs) -> str:
    return ec2.create_customer_gateway(Type="ipsec.1", IpAddress=ip, **kwargs)[
        "CustomerGateway"]["CustomerGatewayId"]


def new_vpn(ec2, cgw: str, vgw: str, static: bool = True, **kwargs) -> dict:
    return ec2.create_vpn_connection(Type="ipsec.1", CustomerGatewayId=cgw, VpnGatewayId=vgw,
                                     Options={"StaticRoutesOnly": static, **kwargs.pop(
                                         "Options", {})}, **kwargs)["VpnConnection"]


def table(ec2, rtb: str) -> dict:
    return ec2.describe_route_tables(RouteTableIds=[rtb])["RouteTables"][0]


@pytest.fixture
def vpc(ec2) -> str:
    return new_vpc(ec2)


@pytest.fixture
def vgw(ec2) -> str:
    return new_vgw(ec2)


@pytest.fixture
def cgw(ec2) -> str:
    return new_cgw(ec2)


@pytest.fixture
def attached(ec2, vpc, vgw) -> tuple[str, str]:
    ec2.attach_vpn_gateway(VpcId=vpc, VpnGatewayId=vgw)
    return vpc, vgw


# == virtual private gateways ==================================================================
def test_create_vpn_gateway_answers_pending_with_aws_defaults(ec2):
    created = ec2.create_vpn_gateway(Type="ipsec.1")["VpnGateway"]
    assert re.fullmatch(r"vgw-[0-9a-f]{17}", created["VpnGatewayId"])
    assert created["State"] == "pending"
    assert created["Type"] == "ipsec.1"
    assert created["AmazonSideAsn"] == 64512
    assert created["VpcAttachments"] == []
    assert "AvailabilityZone" not in created and "Tags" not in created
    described = vgws(ec2, VpnGatewayIds=[created["VpnGatewayId"]])[0]
    assert described["State"] == "available"
    assert {k: v for k, v in described.items() if k != "State"} == \
        {k: v for k, v in created.items() if k != "State"}


def test_create_vpn_gateway_with_asn_zone_and_tags(ec2):
    created = ec2.create_vpn_gateway(
        Type="ipsec.1", AmazonSideAsn=4200000000, AvailabilityZone="us-east-1b",
        TagSpecifications=[{"ResourceType": "vpn-gateway",
                            "Tags": [{"Key": "Name", "Value": "edge"}]}])["VpnGateway"]
    assert created["AmazonSideAsn"] == 4200000000
    assert created["AvailabilityZone"] == "us-east-1b"
    assert created["Tags"] == [{"Key": "Name", "Value": "edge"}]
    assert vgws(ec2)[0]["Tags"] == [{"Key": "Name", "Value": "edge"}]


@pytest.mark.parametrize("asn", [64512, 65000, 65534, 4200000000, 4294967294])
def test_amazon_side_asn_in_the_private_ranges(ec2, asn):
    assert ec2.create_vpn_gateway(Type="ipsec.1", AmazonSideAsn=asn)["VpnGateway"][
        "AmazonSideAsn"] == asn


@pytest.mark.parametrize("asn", [1, 7224, 64511, 65535, 4199999999, 4294967295])
def test_amazon_side_asn_outside_the_private_ranges(ec2, asn):
    code, message = fails(ec2.create_vpn_gateway, Type="ipsec.1", AmazonSideAsn=asn)
    assert code == "InvalidParameterValue"
    assert f"({asn})" in message and "amazonSideAsn" in message
    assert vgws(ec2) == []


def test_create_vpn_gateway_refuses_unknown_zone_and_wrong_tag_type(ec2):
    assert fails(ec2.create_vpn_gateway, Type="ipsec.1", AvailabilityZone="us-east-1z") == (
        "InvalidParameterValue", "Invalid availability zone: [us-east-1z]")
    code, _ = fails(ec2.create_vpn_gateway, Type="ipsec.1", TagSpecifications=[
        {"ResourceType": "vpc", "Tags": [{"Key": "a", "Value": "b"}]}])
    assert code == "InvalidParameterValue"
    assert fails(ec2.create_vpn_gateway, Type="ipsec.2")[0] == "InvalidParameterValue"
    assert vgws(ec2) == []


def test_attach_answers_attaching_then_shows_attached(ec2, vpc, vgw):
    answer = ec2.attach_vpn_gateway(VpcId=vpc, VpnGatewayId=vgw)["VpcAttachment"]
    assert answer == {"VpcId": vpc, "State": "attaching"}
    assert vgws(ec2)[0]["VpcAttachments"] == [{"VpcId": vpc, "State": "attached"}]
    # attaching again to the same VPC changes nothing
    assert ec2.attach_vpn_gateway(VpcId=vpc, VpnGatewayId=vgw)["VpcAttachment"] == {
        "VpcId": vpc, "State": "attached"}
    assert vgws(ec2)[0]["VpcAttachments"] == [{"VpcId": vpc, "State": "attached"}]


def test_one_gateway_per_vpc_and_one_vpc_per_gateway(ec2, attached):
    vpc, vgw = attached
    other_vpc = new_vpc(ec2, "10.1.0.0/16")
    assert fails(ec2.attach_vpn_gateway, VpcId=other_vpc, VpnGatewayId=vgw) == (
        "VpnGatewayAttachmentLimitExceeded",
        "The maximum number of virtual private gateway attachments has been reached.")
    second = new_vgw(ec2)
    assert fails(ec2.attach_vpn_gateway, VpcId=vpc, VpnGatewayId=second) == (
        "InvalidVpcState", f"VPC {vpc} is currently attached to the Virtual Private Gateway.")
    assert vgws(ec2, VpnGatewayIds=[second])[0]["VpcAttachments"] == []
    assert vgws(ec2, VpnGatewayIds=[vgw])[0]["VpcAttachments"] == [
        {"VpcId": vpc, "State": "attached"}]


def test_attach_unknown_ids(ec2, vpc, vgw):
    assert fails(ec2.attach_vpn_gateway, VpcId=vpc, VpnGatewayId=MISSING_VGW) == (
        "InvalidVpnGatewayID.NotFound", f"The vpnGateway ID '{MISSING_VGW}' does not exist")
    assert fails(ec2.attach_vpn_gateway, VpcId="vpc-0123456789abcdef0", VpnGatewayId=vgw)[
        0] == "InvalidVpcID.NotFound"
    assert fails(ec2.attach_vpn_gateway, VpcId=vpc, VpnGatewayId="igw-0123456789abcdef0")[
        0] == "InvalidVpnGatewayID.Malformed"


def test_attach_dry_run_changes_nothing(ec2, vpc, vgw):
    assert fails(ec2.attach_vpn_gateway, VpcId=vpc, VpnGatewayId=vgw, DryRun=True)[
        0] == "DryRunOperation"
    assert vgws(ec2)[0]["VpcAttachments"] == []


def test_detach_keeps_a_detached_attachment(ec2, attached):
    vpc, vgw = attached
    ec2.detach_vpn_gateway(VpcId=vpc, VpnGatewayId=vgw)
    assert vgws(ec2)[0]["VpcAttachments"] == [{"VpcId": vpc, "State": "detached"}]
    assert ids(vgws(ec2, Filters=[{"Name": "attachment.state", "Values": ["detached"]}]),
               "VpnGatewayId") == [vgw]
    assert fails(ec2.detach_vpn_gateway, VpcId=vpc, VpnGatewayId=vgw) == (
        "InvalidVpnGatewayAttachment.NotFound",
        f"The attachment with vpn gateway ID '{vgw}' and vpc ID '{vpc}' does not exist")
    # the gateway may now join another VPC, which replaces the detached attachment (AWS
    # lists only attached ones then: Ansible's ec2_vpc_vgw waits for that when it moves one)
    other = new_vpc(ec2, "10.1.0.0/16")
    ec2.attach_vpn_gateway(VpcId=other, VpnGatewayId=vgw)
    assert vgws(ec2)[0]["VpcAttachments"] == [{"VpcId": other, "State": "attached"}]
    assert vgws(ec2, Filters=[{"Name": "attachment.vpc-id", "Values": [vpc]}]) == []
    ec2.detach_vpn_gateway(VpcId=other, VpnGatewayId=vgw)
    ec2.attach_vpn_gateway(VpcId=vpc, VpnGatewayId=vgw)
    assert vgws(ec2)[0]["VpcAttachments"] == [{"VpcId": vpc, "State": "attached"}]


def test_detach_from_a_vpc_it_is_not_attached_to(ec2, attached):
    _, vgw = attached
    other = new_vpc(ec2, "10.1.0.0/16")
    assert fails(ec2.detach_vpn_gateway, VpcId=other, VpnGatewayId=vgw) == (
        "InvalidVpnGatewayAttachment.NotFound",
        f"The attachment with vpn gateway ID '{vgw}' and vpc ID '{other}' does not exist")
    assert fails(ec2.detach_vpn_gateway, VpcId=other, VpnGatewayId=MISSING_VGW)[
        0] == "InvalidVpnGatewayID.NotFound"


def test_routes_to_a_detached_gateway_blackhole(ec2, attached):
    vpc, vgw = attached
    rtb = main_table(ec2, vpc)
    ec2.create_route(RouteTableId=rtb, DestinationCidrBlock="172.16.0.0/12", GatewayId=vgw)

    def state() -> str:
        return [r for r in table(ec2, rtb)["Routes"]
                if r.get("DestinationCidrBlock") == "172.16.0.0/12"][0]["State"]
    assert state() == "active"
    ec2.detach_vpn_gateway(VpcId=vpc, VpnGatewayId=vgw)
    assert state() == "blackhole"
    ec2.attach_vpn_gateway(VpcId=vpc, VpnGatewayId=vgw)
    assert state() == "active"


def test_route_to_a_gateway_of_another_vpc_is_refused(ec2, vpc, vgw):
    rtb = main_table(ec2, vpc)
    assert fails(ec2.create_route, RouteTableId=rtb, DestinationCidrBlock="172.16.0.0/12",
                 GatewayId=vgw) == (
        "InvalidParameterValue",
        f"route table {rtb} and network gateway {vgw} belong to different networks")


def test_vpc_with_an_attached_gateway_cannot_be_deleted(ec2, attached):
    vpc, vgw = attached
    assert fails(ec2.delete_vpc, VpcId=vpc)[0] == "DependencyViolation"
    ec2.detach_vpn_gateway(VpcId=vpc, VpnGatewayId=vgw)
    ec2.delete_vpc(VpcId=vpc)
    assert vgws(ec2)[0]["VpcAttachments"] == [{"VpcId": vpc, "State": "detached"}]


def test_delete_vpn_gateway_rules(ec2, attached, cgw):
    vpc, vgw = attached
    assert fails(ec2.delete_vpn_gateway, VpnGatewayId=vgw) == (
        "IncorrectState", "The VPN gateway is in use.")
    ec2.detach_vpn_gateway(VpcId=vpc, VpnGatewayId=vgw)
    vpn = new_vpn(ec2, cgw, vgw)["VpnConnectionId"]
    assert fails(ec2.delete_vpn_gateway, VpnGatewayId=vgw) == (
        "IncorrectState", "The VPN gateway is in use.")
    ec2.delete_vpn_connection(VpnConnectionId=vpn)
    assert fails(ec2.delete_vpn_gateway, VpnGatewayId=vgw, DryRun=True)[0] == "DryRunOperation"
    assert vgws(ec2)[0]["State"] == "available"
    ec2.delete_vpn_gateway(VpnGatewayId=vgw)
    gone = vgws(ec2, VpnGatewayIds=[vgw])[0]
    assert gone["State"] == "deleted"
    assert gone["VpcAttachments"] == [{"VpcId": vpc, "State": "detached"}]
    ec2.delete_vpn_gateway(VpnGatewayId=vgw)     # deleting again changes nothing
    assert fails(ec2.attach_vpn_gateway, VpcId=vpc, VpnGatewayId=vgw) == (
        "InvalidVpnGatewayState", f"The virtual private gateway {vgw} is not in an available "
        "state.")
    assert fails(ec2.delete_vpn_gateway, VpnGatewayId=MISSING_VGW)[
        0] == "InvalidVpnGatewayID.NotFound"


def test_describe_vpn_gateways_filters(ec2, vpc):
    first = new_vgw(ec2, AmazonSideAsn=65001, AvailabilityZone="us-east-1a",
                    TagSpecifications=[{"ResourceType": "vpn-gateway",
                                        "Tags": [{"Key": "team", "Value": "net"}]}])
    second = new_vgw(ec2)
    third = new_vgw(ec2)
    ec2.attach_vpn_gateway(VpcId=vpc, VpnGatewayId=first)
    ec2.delete_vpn_gateway(VpnGatewayId=third)

    def find(name: str, *values: str) -> list[str]:
        return ids(vgws(ec2, Filters=[{"Name": name, "Values": list(values)}]), "VpnGatewayId")
    assert find("amazon-side-asn", "65001") == [first]
    assert find("amazon-side-asn", "64512") == [second, third]
    assert find("attachment.state", "attached") == [first]
    assert find("attachment.vpc-id", vpc) == [first]
    assert find("attachment.vpc-id", "vpc-*") == [first]
    assert find("availability-zone", "us-east-1a") == [first]
    assert find("state", "available") == [first, second]
    assert find("state", "deleted") == [third]
    assert find("type", "ipsec.1") == [first, second, third]
    assert find("vpn-gateway-id", second, third) == [second, third]
    assert find("tag:team", "net") == [first]
    assert find("tag-key", "team") == [first]
    assert ids(vgws(ec2, VpnGatewayIds=[second], Filters=[
        {"Name": "state", "Values": ["available"]}]), "VpnGatewayId") == [second]
    assert fails(ec2.describe_vpn_gateways, Filters=[{"Name": "vpc-id", "Values": [vpc]}]) == (
        "InvalidParameterValue", "The filter 'vpc-id' is invalid")
    assert fails(ec2.describe_vpn_gateways, VpnGatewayIds=[MISSING_VGW]) == (
        "InvalidVpnGatewayID.NotFound", f"The vpnGateway ID '{MISSING_VGW}' does not exist")


def test_vpn_gateways_are_per_account_and_region(ec2, vgw):
    other = boto3.client("ec2", region_name="us-east-1", aws_access_key_id="111122223333",
                         aws_secret_access_key="x")
    assert vgws(other) == []
    assert fails(other.describe_vpn_gateways, VpnGatewayIds=[vgw])[
        0] == "InvalidVpnGatewayID.NotFound"
    west = boto3.client("ec2", region_name="us-west-2")
    assert vgws(west) == []


# == customer gateways =========================================================================
def test_create_customer_gateway_defaults(ec2):
    created = ec2.create_customer_gateway(Type="ipsec.1", IpAddress=CGW_IP)["CustomerGateway"]
    assert re.fullmatch(r"cgw-[0-9a-f]{17}", created["CustomerGatewayId"])
    assert created["BgpAsn"] == "65000"
    assert created["IpAddress"] == CGW_IP
    assert created["Type"] == "ipsec.1"
    assert created["State"] == "available"
    assert "DeviceName" not in created and "BgpAsnExtended" not in created
    assert cgws(ec2) == [created]


def test_create_customer_gateway_with_everything(ec2):
    created = ec2.create_customer_gateway(
        Type="ipsec.1", IpAddress="203.0.113.9", BgpAsn=65534, DeviceName="edge-router",
        TagSpecifications=[{"ResourceType": "customer-gateway",
                            "Tags": [{"Key": "site", "Value": "paris"}]}])["CustomerGateway"]
    assert created["BgpAsn"] == "65534"
    assert created["DeviceName"] == "edge-router"
    assert created["Tags"] == [{"Key": "site", "Value": "paris"}]
    extended = ec2.create_customer_gateway(Type="ipsec.1", IpAddress="203.0.113.10",
                                           BgpAsnExtended=4200000001)["CustomerGateway"]
    assert extended["BgpAsnExtended"] == "4200000001" and "BgpAsn" not in extended
    deprecated = ec2.create_customer_gateway(Type="ipsec.1", PublicIp="203.0.113.11")[
        "CustomerGateway"]
    assert deprecated["IpAddress"] == "203.0.113.11"


def test_identical_customer_gateway_request_returns_the_existing_one(ec2, cgw):
    assert new_cgw(ec2) == cgw
    assert new_cgw(ec2, BgpAsn=65000) == cgw
    assert len(cgws(ec2)) == 1
    named = new_cgw(ec2, DeviceName="second-device")
    other_asn = new_cgw(ec2, BgpAsn=65010)
    other_ip = new_cgw(ec2, ip="198.51.100.8")
    assert len({cgw, named, other_asn, other_ip}) == 4
    assert new_cgw(ec2, DeviceName="second-device") == named
    ec2.delete_customer_gateway(CustomerGatewayId=cgw)
    fresh = new_cgw(ec2)
    assert fresh != cgw
    assert len(cgws(ec2)) == 5


def test_create_customer_gateway_validation(ec2):
    assert fails(ec2.create_customer_gateway, Type="ipsec.1") == (
        "MissingParameter", "The request must contain the parameter ipAddress")
    for bad in ("300.1.2.3", "1.2.3", "not-an-ip", "10.0.0.0/8"):
        code, message = fails(ec2.create_customer_gateway, Type="ipsec.1", IpAddress=bad)
        assert code == "InvalidParameterValue" and bad in message
    for asn in (0, -5, 2147483648):
        code, message = fails(ec2.create_customer_gateway, Type="ipsec.1", IpAddress=CGW_IP,
                              BgpAsn=asn)
        assert code == "InvalidParameterValue" and "bgpasn" in message.lower()
    for asn in (2147483647, 4294967296):
        code, message = fails(ec2.create_customer_gateway, Type="ipsec.1", IpAddress=CGW_IP,
                              BgpAsnExtended=asn)
        assert code == "InvalidParameterValue" and "bgpAsnExtended" in message
    assert fails(ec2.create_customer_gateway, Type="ipsec.1", IpAddress=CGW_IP, BgpAsn=65000,
                 BgpAsnExtended=4200000000)[0] == "InvalidParameterCombination"
    assert fails(ec2.create_customer_gateway, Type="ipsec.1", IpAddress=CGW_IP,
                 CertificateArn="not-an-arn")[0] == "InvalidParameterValue"
    assert fails(ec2.create_customer_gateway, Type="ipsec.1", IpAddress=CGW_IP, DryRun=True)[
        0] == "DryRunOperation"
    assert cgws(ec2) == []


def test_certificate_authenticated_gateway_needs_no_address(ec2):
    arn = "arn:aws:acm:us-east-1:123456789012:certificate/abcd-1234"
    created = ec2.create_customer_gateway(Type="ipsec.1", CertificateArn=arn)["CustomerGateway"]
    assert created["CertificateArn"] == arn and "IpAddress" not in created


def test_delete_customer_gateway(ec2, cgw, vgw):
    vpn = new_vpn(ec2, cgw, vgw)["VpnConnectionId"]
    assert fails(ec2.delete_customer_gateway, CustomerGatewayId=cgw) == (
        "IncorrectState", "The customer gateway is in use.")
    ec2.delete_vpn_connection(VpnConnectionId=vpn)
    ec2.delete_customer_gateway(CustomerGatewayId=cgw)
    assert cgws(ec2, CustomerGatewayIds=[cgw])[0]["State"] == "deleted"
    ec2.delete_customer_gateway(CustomerGatewayId=cgw)
    assert fails(ec2.delete_customer_gateway, CustomerGatewayId=MISSING_CGW) == (
        "InvalidCustomerGatewayID.NotFound",
        f"The customerGateway ID '{MISSING_CGW}' does not exist")
    assert fails(ec2.delete_customer_gateway, CustomerGatewayId="cgw-xyz")[
        0] == "InvalidCustomerGatewayId.Malformed"


def test_describe_customer_gateways_filters(ec2):
    first = new_cgw(ec2, TagSpecifications=[{"ResourceType": "customer-gateway",
                                             "Tags": [{"Key": "site", "Value": "lyon"}]}])
    second = new_cgw(ec2, ip="203.0.113.20", BgpAsn=65010)
    third = ec2.create_customer_gateway(Type="ipsec.1", IpAddress="203.0.113.21",
                                        BgpAsnExtended=4200000005)["CustomerGateway"][
        "CustomerGatewayId"]
    ec2.delete_customer_gateway(CustomerGatewayId=second)

    def find(name: str, *values: str) -> list[str]:
        return ids(cgws(ec2, Filters=[{"Name": name, "Values": list(values)}]),
                   "CustomerGatewayId")
    assert find("bgp-asn", "65000") == [first]
    assert find("bgp-asn", "4200000005") == [third]
    assert find("customer-gateway-id", third) == [third]
    assert find("ip-address", CGW_IP) == [first]
    assert find("ip-address", "203.0.113.2*") == [second, third]
    assert find("ip-address", "203.0.113.20") == [second]
    assert find("state", "deleted") == [second]
    assert find("state", "available") == [first, third]
    assert find("type", "ipsec.1") == [first, second, third]
    assert find("tag:site", "lyon") == [first]
    assert fails(ec2.describe_customer_gateways, Filters=[{"Name": "asn", "Values": ["1"]}])[
        0] == "InvalidParameterValue"
    assert fails(ec2.describe_customer_gateways, CustomerGatewayIds=[MISSING_CGW])[
        0] == "InvalidCustomerGatewayID.NotFound"


# == VPN connections ===========================================================================
def _tunnel_checks(connection: dict) -> None:
    tunnels = connection["Options"]["TunnelOptions"]
    assert len(tunnels) == 2
    outside = [t["OutsideIpAddress"] for t in tunnels]
    assert len(set(outside)) == 2 and all(IPAddress(ip).is_global() for ip in outside)
    inside = [IPNetwork(t["TunnelInsideCidr"]) for t in tunnels]
    assert inside[0] != inside[1]
    for net in inside:
        assert net.prefixlen == 30 and net in IPNetwork("169.254.0.0/16")
        assert net not in RESERVED
    for tunnel in tunnels:
        assert re.fullmatch(r"[A-Za-z1-9._][A-Za-z0-9._]{31}", tunnel["PreSharedKey"])
    telemetry = connection["VgwTelemetry"]
    assert [t["OutsideIpAddress"] for t in telemetry] == outside
    assert all(t["Status"] == "DOWN" and t["AcceptedRouteCount"] == 0 for t in telemetry)


def test_create_static_vpn_connection(ec2, cgw, vgw):
    created = ec2.create_vpn_connection(
        Type="ipsec.1", CustomerGatewayId=cgw, VpnGatewayId=vgw,
        Options={"StaticRoutesOnly": True},
        TagSpecifications=[{"ResourceType": "vpn-connection",
                            "Tags": [{"Key": "Name", "Value": "office"}]}])["VpnConnection"]
    vpn = created["VpnConnectionId"]
    assert re.fullmatch(r"vpn-[0-9a-f]{17}", vpn)
    assert created["State"] == "pending"
    assert created["Type"] == "ipsec.1" and created["Category"] == "VPN"
    assert created["CustomerGatewayId"] == cgw and created["VpnGatewayId"] == vgw
    assert "TransitGatewayId" not in created
    assert created["Routes"] == []
    assert created["Tags"] == [{"Key": "Name", "Value": "office"}]
    options = created["Options"]
    assert options["StaticRoutesOnly"] is True and options["EnableAcceleration"] is False
    assert options["LocalIpv4NetworkCidr"] == "0.0.0.0/0"
    assert options["RemoteIpv4NetworkCidr"] == "0.0.0.0/0"
    assert options["TunnelInsideIpVersion"] == "ipv4"
    assert options["OutsideIpAddressType"] == "PublicIpv4"
    _tunnel_checks(created)
    described = vpns(ec2)[0]
    assert described["State"] == "available"
    assert described["CustomerGatewayConfiguration"] == created["CustomerGatewayConfiguration"]
    assert described["Options"] == created["Options"]


def test_customer_gateway_configuration_document(ec2, cgw, vgw):
    created = new_vpn(ec2, cgw, vgw)
    root = ET.fromstring(created["CustomerGatewayConfiguration"])
    assert root.tag == "vpn_connection" and root.get("id") == created["VpnConnectionId"]
    assert root.findtext("customer_gateway_id") == cgw
    assert root.findtext("vpn_gateway_id") == vgw
    assert root.findtext("vpn_connection_type") == "ipsec.1"
    assert root.findtext("vpn_connection_attributes") == "NoBGPVPNConnection"
    tunnels = root.findall("ipsec_tunnel")
    assert len(tunnels) == 2
    for element, option in zip(tunnels, created["Options"]["TunnelOptions"]):
        net = IPNetwork(option["TunnelInsideCidr"])
        assert element.findtext("customer_gateway/tunnel_outside_address/ip_address") == CGW_IP
        assert element.findtext("vpn_gateway/tunnel_outside_address/ip_address") == option[
            "OutsideIpAddress"]
        assert element.findtext("vpn_gateway/tunnel_inside_address/ip_address") == str(net[1])
        assert element.findtext("customer_gateway/tunnel_inside_address/ip_address") == str(
            net[2])
        assert element.findtext("ike/pre_shared_key") == option["PreSharedKey"]
        assert element.find("vpn_gateway/bgp") is None


def test_dynamic_vpn_connection_configures_bgp(ec2, vgw):
    cgw = new_cgw(ec2, BgpAsn=65100)
    created = ec2.create_vpn_connection(Type="ipsec.1", CustomerGatewayId=cgw,
                                        VpnGatewayId=vgw)["VpnConnection"]
    assert created["Options"]["StaticRoutesOnly"] is False
    root = ET.fromstring(created["CustomerGatewayConfiguration"])
    assert root.findtext("vpn_connection_attributes") == "BGPVPNConnection"
    for element in root.findall("ipsec_tunnel"):
        assert element.findtext("customer_gateway/bgp/asn") == "65100"
        assert element.findtext("vpn_gateway/bgp/asn") == "64512"


def test_keys_and_addresses_come_from_the_seed():
    def connection() -> dict:
        with mock_ec2(seed=11):
            ec2 = boto3.client("ec2", region_name="us-east-1")
            return new_vpn(ec2, new_cgw(ec2), new_vgw(ec2))
    first, second = connection(), connection()
    assert first["VpnConnectionId"] == second["VpnConnectionId"]
    assert first["Options"]["TunnelOptions"] == second["Options"]["TunnelOptions"]
    assert first["CustomerGatewayConfiguration"] == second["CustomerGatewayConfiguration"]


def test_create_vpn_connection_is_idempotent(ec2, cgw, vgw):
    first = new_vpn(ec2, cgw, vgw)
    again = new_vpn(ec2, cgw, vgw)
    assert again["VpnConnectionId"] == first["VpnConnectionId"]
    assert again["State"] == "available"
    assert len(vpns(ec2)) == 1
    ec2.delete_vpn_connection(VpnConnectionId=first["VpnConnectionId"])
    assert new_vpn(ec2, cgw, vgw)["VpnConnectionId"] != first["VpnConnectionId"]


def test_tunnel_options_are_honoured(ec2, cgw, vgw):
    created = new_vpn(ec2, cgw, vgw, Options={"TunnelOptions": [
        {"TunnelInsideCidr": "169.254.10.0/30", "PreSharedKey": "first_key.123",
         "Phase1LifetimeSeconds": 14400, "Phase2LifetimeSeconds": 1800,
         "DPDTimeoutSeconds": 40, "DPDTimeoutAction": "restart", "StartupAction": "start",
         "IKEVersions": [{"Value": "ikev2"}],
         "Phase1EncryptionAlgorithms": [{"Value": "AES256"}]},
        {"TunnelInsideCidr": "169.254.11.0/30"}]})
    first, second = created["Options"]["TunnelOptions"]
    assert first["TunnelInsideCidr"] == "169.254.10.0/30"
    assert first["PreSharedKey"] == "first_key.123"
    assert first["Phase1LifetimeSeconds"] == 14400 and first["Phase2LifetimeSeconds"] == 1800
    assert first["DpdTimeoutSeconds"] == 40 and first["DpdTimeoutAction"] == "restart"
    assert first["StartupAction"] == "start"
    assert first["IkeVersions"] == [{"Value": "ikev2"}]
    assert first["Phase1EncryptionAlgorithms"] == [{"Value": "AES256"}]
    assert second["TunnelInsideCidr"] == "169.254.11.0/30"
    assert re.fullmatch(r"[A-Za-z1-9._][A-Za-z0-9._]{31}", second["PreSharedKey"])
    root = ET.fromstring(created["CustomerGatewayConfiguration"])
    assert root.findall("ipsec_tunnel")[0].findtext("ike/lifetime") == "14400"


@pytest.mark.parametrize("tunnel, word", [
    ({"TunnelInsideCidr": "169.254.1.0/30"}, "reserved"),
    ({"TunnelInsideCidr": "169.254.169.252/30"}, "reserved"),
    ({"TunnelInsideCidr": "169.254.10.0/29"}, "/30"),
    ({"TunnelInsideCidr": "10.0.0.0/30"}, "/30"),
    ({"TunnelInsideCidr": "banana"}, "CIDR"),
    ({"PreSharedKey": "0startswithzero"}, "pre-shared key"),
    ({"PreSharedKey": "short"}, "pre-shared key"),
    ({"PreSharedKey": "bad-chars-here!"}, "pre-shared key"),
    ({"Phase1LifetimeSeconds": 899}, "Phase1LifetimeSeconds"),
    ({"Phase2LifetimeSeconds": 3601}, "Phase2LifetimeSeconds"),
    ({"Phase1LifetimeSeconds": 1000, "Phase2LifetimeSeconds": 1000}, "Phase2LifetimeSeconds"),
    ({"RekeyMarginTimeSeconds": 1801}, "RekeyMarginTimeSeconds"),
    ({"RekeyFuzzPercentage": 101}, "RekeyFuzzPercentage"),
    ({"ReplayWindowSize": 32}, "ReplayWindowSize"),
    ({"DPDTimeoutSeconds": 29}, "DPDTimeoutSeconds"),
    ({"DPDTimeoutAction": "explode"}, "DPDTimeoutAction"),
    ({"Phase2DHGroupNumbers": [{"Value": 3}]}, "Phase2DHGroupNumbers"),
    ({"IKEVersions": [{"Value": "ikev3"}]}, "IKEVersions"),
])
def test_bad_tunnel_options(ec2, cgw, vgw, tunnel, word):
    code, message = fails(new_vpn, ec2, cgw, vgw, Options={"TunnelOptions": [tunnel]})
    assert code == "InvalidParameterValue" and word in message
    assert vpns(ec2) == []


def test_tunnel_inside_cidrs_must_be_unique(ec2, cgw, vgw):
    same = {"TunnelOptions": [{"TunnelInsideCidr": "169.254.10.0/30"},
                              {"TunnelInsideCidr": "169.254.10.0/30"}]}
    assert fails(new_vpn, ec2, cgw, vgw, Options=same)[0] == "InvalidParameterValue"
    three = {"TunnelOptions": [{"StartupAction": "add"}] * 3}
    assert fails(new_vpn, ec2, cgw, vgw, Options=three)[0] == "InvalidParameterValue"
    new_vpn(ec2, cgw, vgw, Options={"TunnelOptions": [{"TunnelInsideCidr": "169.254.10.0/30"}]})
    other_cgw = new_cgw(ec2, ip="198.51.100.99")
    code, message = fails(new_vpn, ec2, other_cgw, vgw, Options={
        "TunnelOptions": [{"StartupAction": "add"}, {"TunnelInsideCidr": "169.254.10.0/30"}]})
    assert code == "InvalidParameterValue" and "169.254.10.0/30" in message
    assert len(vpns(ec2)) == 1
    # another gateway may reuse it
    new_vpn(ec2, other_cgw, new_vgw(ec2), Options={
        "TunnelOptions": [{"TunnelInsideCidr": "169.254.10.0/30"}]})


def test_create_vpn_connection_errors(ec2, cgw, vgw):
    assert fails(ec2.create_vpn_connection, Type="ipsec.1", CustomerGatewayId=cgw) == (
        "MissingParameter",
        "The request must contain exactly one of VpnGatewayId or TransitGatewayId.")
    assert fails(ec2.create_vpn_connection, Type="ipsec.1", CustomerGatewayId=cgw,
                 VpnGatewayId=vgw, TransitGatewayId="tgw-0123456789abcdef0") == (
        "InvalidParameterValue",
        "The request must not contain both parameter vpnGatewayId and transitGatewayId")
    # no shape check on the gateway id: an unknown one is just not found
    assert fails(ec2.create_vpn_connection, Type="ipsec.1", CustomerGatewayId=cgw,
                 TransitGatewayId="tgw-abcdefghij0123456") == (
        "InvalidTransitGatewayID.NotFound",
        "The transitGateway ID 'tgw-abcdefghij0123456' does not exist")
    assert fails(ec2.create_vpn_connection, Type="ipsec.2", CustomerGatewayId=cgw,
                 VpnGatewayId=vgw)[0] == "InvalidParameterValue"
    assert fails(new_vpn, ec2, MISSING_CGW, vgw) == (
        "InvalidCustomerGatewayID.NotFound",
        f"The customerGateway ID '{MISSING_CGW}' does not exist")
    assert fails(new_vpn, ec2, cgw, MISSING_VGW) == (
        "InvalidVpnGatewayID.NotFound", f"The vpnGateway ID '{MISSING_VGW}' does not exist")
    assert fails(new_vpn, ec2, "vgw-123", vgw)[0] == "InvalidCustomerGatewayId.Malformed"
    assert fails(new_vpn, ec2, cgw, vgw, Options={"TunnelInsideIpVersion": "ipv6"})[
        0] == "InvalidParameterValue"
    assert fails(new_vpn, ec2, cgw, vgw, Options={"EnableAcceleration": True})[
        0] == "InvalidParameterValue"
    assert fails(new_vpn, ec2, cgw, vgw, Options={"LocalIpv4NetworkCidr": "nope"})[
        0] == "InvalidParameterValue"
    assert fails(new_vpn, ec2, cgw, vgw, DryRun=True)[0] == "DryRunOperation"
    assert vpns(ec2) == []


def test_vpn_connection_needs_live_gateways(ec2, cgw, vgw):
    dead_cgw = new_cgw(ec2, ip="198.51.100.50")
    ec2.delete_customer_gateway(CustomerGatewayId=dead_cgw)
    assert fails(new_vpn, ec2, dead_cgw, vgw) == (
        "InvalidCustomerGatewayState",
        f"The customer gateway {dead_cgw} is not in the available state, and therefore cannot "
        "be used.")
    dead_vgw = new_vgw(ec2)
    ec2.delete_vpn_gateway(VpnGatewayId=dead_vgw)
    assert fails(new_vpn, ec2, cgw, dead_vgw)[0] == "InvalidVpnGatewayState"


def test_bgp_needs_different_asns_on_both_sides(ec2):
    vgw = new_vgw(ec2, AmazonSideAsn=65001)
    cgw = new_cgw(ec2, BgpAsn=65001)
    assert fails(new_vpn, ec2, cgw, vgw, static=False) == (
        "InvalidParameterValue",
        "The ASN of the specified customer gateway and virtual private gateway are the same.")
    assert new_vpn(ec2, cgw, vgw, static=True)["State"] == "pending"


def test_pre_shared_keys_in_secrets_manager(ec2, cgw, vgw):
    created = ec2.create_vpn_connection(Type="ipsec.1", CustomerGatewayId=cgw,
                                        VpnGatewayId=vgw, PreSharedKeyStorage="SecretsManager")[
        "VpnConnection"]
    assert created["PreSharedKeyArn"].startswith("arn:aws:secretsmanager:us-east-1:")
    assert all("PreSharedKey" not in t for t in created["Options"]["TunnelOptions"])
    assert fails(ec2.create_vpn_connection, Type="ipsec.1", CustomerGatewayId=new_cgw(
        ec2, ip="198.51.100.60"), VpnGatewayId=vgw, PreSharedKeyStorage="Vault")[
        0] == "InvalidParameterValue"


def test_vpn_connection_static_routes(ec2, cgw, vgw):
    vpn = new_vpn(ec2, cgw, vgw)["VpnConnectionId"]
    ec2.create_vpn_connection_route(VpnConnectionId=vpn, DestinationCidrBlock="192.168.0.0/16")
    ec2.create_vpn_connection_route(VpnConnectionId=vpn, DestinationCidrBlock="172.16.5.0/24")
    ec2.create_vpn_connection_route(VpnConnectionId=vpn, DestinationCidrBlock="192.168.0.0/16")
    assert vpns(ec2)[0]["Routes"] == [
        {"DestinationCidrBlock": "192.168.0.0/16", "Source": "Static", "State": "available"},
        {"DestinationCidrBlock": "172.16.5.0/24", "Source": "Static", "State": "available"}]
    ec2.delete_vpn_connection_route(VpnConnectionId=vpn, DestinationCidrBlock="192.168.0.0/16")
    assert ids(vpns(ec2)[0]["Routes"], "DestinationCidrBlock") == ["172.16.5.0/24"]
    assert fails(ec2.delete_vpn_connection_route, VpnConnectionId=vpn,
                 DestinationCidrBlock="192.168.0.0/16") == (
        "InvalidRoute.NotFound", "The specified route 192.168.0.0/16 does not exist")
    assert fails(ec2.create_vpn_connection_route, VpnConnectionId=vpn,
                 DestinationCidrBlock="192.168.0/33")[0] == "InvalidParameterValue"
    assert fails(ec2.create_vpn_connection_route, VpnConnectionId=MISSING_VPN,
                 DestinationCidrBlock="10.9.0.0/16") == (
        "InvalidVpnConnectionID.NotFound",
        f"The vpnConnection ID '{MISSING_VPN}' does not exist")
    assert ids(vpns(ec2)[0]["Routes"], "DestinationCidrBlock") == ["172.16.5.0/24"]


def test_static_routes_need_a_static_connection(ec2, cgw, vgw):
    vpn = new_vpn(ec2, cgw, vgw, static=False)["VpnConnectionId"]
    assert fails(ec2.create_vpn_connection_route, VpnConnectionId=vpn,
                 DestinationCidrBlock="192.168.0.0/16") == (
        "InvalidVpnConnection.InvalidType",
        "The specified VPN connection does not support static routes.")
    assert vpns(ec2)[0]["Routes"] == []


def test_delete_vpn_connection_keeps_it_visible(ec2, cgw, vgw):
    vpn = new_vpn(ec2, cgw, vgw)["VpnConnectionId"]
    ec2.create_vpn_connection_route(VpnConnectionId=vpn, DestinationCidrBlock="192.168.0.0/16")
    assert fails(ec2.delete_vpn_connection, VpnConnectionId=vpn, DryRun=True)[
        0] == "DryRunOperation"
    ec2.delete_vpn_connection(VpnConnectionId=vpn)
    gone = vpns(ec2, VpnConnectionIds=[vpn])[0]
    assert gone["State"] == "deleted"
    assert gone["CustomerGatewayId"] == cgw and gone["VpnGatewayId"] == vgw
    assert "CustomerGatewayConfiguration" not in gone
    assert gone["Routes"] == [{"DestinationCidrBlock": "192.168.0.0/16", "Source": "Static",
                               "State": "deleted"}]
    ec2.delete_vpn_connection(VpnConnectionId=vpn)      # deleting again changes nothing
    assert fails(ec2.create_vpn_connection_route, VpnConnectionId=vpn,
                 DestinationCidrBlock="10.1.0.0/16") == (
        "InvalidVpnConnection.InvalidState",
        "The VPN connection must be in the available state to complete the request.")
    assert fails(ec2.delete_vpn_connection, VpnConnectionId=MISSING_VPN)[
        0] == "InvalidVpnConnectionID.NotFound"
    # both gateways are free again
    ec2.delete_customer_gateway(CustomerGatewayId=cgw)
    ec2.delete_vpn_gateway(VpnGatewayId=vgw)


def test_deleted_connection_gives_back_its_outside_addresses(mock, ec2, cgw, vgw):
    created = new_vpn(ec2, cgw, vgw)
    part = mock.world.partition("123456789012", "us-east-1")
    addresses = [t["OutsideIpAddress"] for t in created["Options"]["TunnelOptions"]]
    assert all(mock.world.claimed(part, "public-ip", ip) for ip in addresses)
    ec2.delete_vpn_connection(VpnConnectionId=created["VpnConnectionId"])
    assert not any(mock.world.claimed(part, "public-ip", ip) for ip in addresses)


def test_describe_vpn_connections_filters(ec2, vgw):
    cgw_a = new_cgw(ec2)
    cgw_b = new_cgw(ec2, ip="203.0.113.30", BgpAsn=65200)
    other_vgw = new_vgw(ec2)
    static = new_vpn(ec2, cgw_a, vgw, TagSpecifications=[
        {"ResourceType": "vpn-connection", "Tags": [{"Key": "env", "Value": "prod"}]}])[
        "VpnConnectionId"]
    dynamic = new_vpn(ec2, cgw_b, other_vgw, static=False)["VpnConnectionId"]
    gone = new_vpn(ec2, cgw_b, vgw)["VpnConnectionId"]
    ec2.create_vpn_connection_route(VpnConnectionId=static,
                                    DestinationCidrBlock="192.168.10.0/24")
    ec2.delete_vpn_connection(VpnConnectionId=gone)

    def find(name: str, *values: str) -> list[str]:
        return ids(vpns(ec2, Filters=[{"Name": name, "Values": list(values)}]),
                   "VpnConnectionId")
    assert find("customer-gateway-id", cgw_a) == [static]
    assert find("customer-gateway-id", cgw_b) == [dynamic, gone]
    assert find("state", "available") == [static, dynamic]
    assert find("state", "deleted") == [gone]
    assert find("option.static-routes-only", "true") == [static, gone]
    assert find("option.static-routes-only", "false") == [dynamic]
    assert find("route.destination-cidr-block", "192.168.10.0/24") == [static]
    assert find("bgp-asn", "65200") == [dynamic, gone]
    assert find("bgp-asn", "65000") == [static]
    assert find("type", "ipsec.1") == [static, dynamic, gone]
    assert find("vpn-connection-id", dynamic) == [dynamic]
    assert find("vpn-gateway-id", vgw) == [static, gone]
    assert find("vpn-gateway-id", "vgw-*") == [static, dynamic, gone]
    assert find("transit-gateway-id", "tgw-0123456789abcdef0") == []
    assert find("tag:env", "prod") == [static]
    assert find("customer-gateway-configuration", f"*{static}*") == [static]
    assert find("customer-gateway-configuration", "*BGPVPNConnection*") == [static, dynamic]
    assert fails(ec2.describe_vpn_connections, Filters=[{"Name": "vpc-id", "Values": ["x"]}])[
        0] == "InvalidParameterValue"
    assert fails(ec2.describe_vpn_connections, VpnConnectionIds=[MISSING_VPN])[
        0] == "InvalidVpnConnectionID.NotFound"


def test_vpn_connection_on_a_transit_gateway(ec2, cgw):
    if "CreateTransitGateway" not in dispatch.handlers():
        pytest.skip("transit gateways are not implemented yet")
    tgw = ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    created = ec2.create_vpn_connection(Type="ipsec.1", CustomerGatewayId=cgw,
                                        TransitGatewayId=tgw,
                                        Options={"StaticRoutesOnly": True})["VpnConnection"]
    vpn = created["VpnConnectionId"]
    assert created["TransitGatewayId"] == tgw and "VpnGatewayId" not in created
    assert ET.fromstring(created["CustomerGatewayConfiguration"]).findtext(
        "transit_gateway_id") == tgw
    attachments = ec2.describe_transit_gateway_attachments(Filters=[
        {"Name": "resource-id", "Values": [vpn]}])["TransitGatewayAttachments"]
    assert len(attachments) == 1 and attachments[0]["ResourceType"] == "vpn"
    assert ids(vpns(ec2, Filters=[{"Name": "transit-gateway-id", "Values": [tgw]}]),
               "VpnConnectionId") == [vpn]
    assert fails(ec2.create_vpn_connection_route, VpnConnectionId=vpn,
                 DestinationCidrBlock="192.168.0.0/16")[0] == "InvalidVpnConnection.InvalidType"
    ec2.delete_vpn_connection(VpnConnectionId=vpn)
    gone = vpns(ec2, VpnConnectionIds=[vpn])[0]
    assert gone["State"] == "deleted" and gone["TransitGatewayId"] == tgw
    after = ec2.describe_transit_gateway_attachments(
        TransitGatewayAttachmentIds=[attachments[0]["TransitGatewayAttachmentId"]])[
        "TransitGatewayAttachments"]
    assert all(a["State"] in ("deleting", "deleted") for a in after)


def test_transit_gateway_vpn_options(ec2, cgw):
    if "CreateTransitGateway" not in dispatch.handlers():
        pytest.skip("transit gateways are not implemented yet")
    tgw = ec2.create_transit_gateway(Options={"AmazonSideAsn": 65000})["TransitGateway"][
        "TransitGatewayId"]
    assert fails(ec2.create_vpn_connection, Type="ipsec.1", CustomerGatewayId=cgw,
                 TransitGatewayId="tgw-0123456789abcdef0")[0] == "InvalidTransitGatewayID.NotFound"
    # the customer gateway's default ASN (65000) is the gateway's: BGP refuses, static is fine
    assert fails(ec2.create_vpn_connection, Type="ipsec.1", CustomerGatewayId=cgw,
                 TransitGatewayId=tgw)[0] == "InvalidParameterValue"
    created = ec2.create_vpn_connection(
        Type="ipsec.1", CustomerGatewayId=cgw, TransitGatewayId=tgw,
        Options={"StaticRoutesOnly": True, "TunnelInsideIpVersion": "ipv6",
                 "EnableAcceleration": True,
                 "TunnelOptions": [{"TunnelInsideIpv6Cidr": "fd00:1::/126"}]})["VpnConnection"]
    options = created["Options"]
    assert options["TunnelInsideIpVersion"] == "ipv6" and options["EnableAcceleration"] is True
    assert options["LocalIpv6NetworkCidr"] == "::/0" and "LocalIpv4NetworkCidr" not in options
    first, second = options["TunnelOptions"]
    assert first["TunnelInsideIpv6Cidr"] == "fd00:1::/126"
    net = IPNetwork(second["TunnelInsideIpv6Cidr"])
    assert net.prefixlen == 126 and net in IPNetwork("fd00::/8")
    assert "TunnelInsideCidr" not in first and "TunnelInsideCidr" not in second


# == route propagation =========================================================================
@pytest.fixture
def propagating(ec2, attached, cgw) -> tuple[str, str, str, str]:
    """(vpc, vgw, main route table, static VPN connection) with propagation on."""
    vpc, vgw = attached
    rtb = main_table(ec2, vpc)
    vpn = new_vpn(ec2, cgw, vgw)["VpnConnectionId"]
    ec2.enable_vgw_route_propagation(RouteTableId=rtb, GatewayId=vgw)
    return vpc, vgw, rtb, vpn


def _propagated(ec2, rtb: str) -> list[dict]:
    return [r for r in table(ec2, rtb)["Routes"] if r["Origin"] == "EnableVgwRoutePropagation"]


def test_propagation_shows_the_vpn_static_routes(ec2, propagating):
    _, vgw, rtb, vpn = propagating
    assert table(ec2, rtb)["PropagatingVgws"] == [{"GatewayId": vgw}]
    assert _propagated(ec2, rtb) == []
    ec2.create_vpn_connection_route(VpnConnectionId=vpn, DestinationCidrBlock="192.168.0.0/16")
    assert _propagated(ec2, rtb) == [{"DestinationCidrBlock": "192.168.0.0/16",
                                      "GatewayId": vgw, "Origin": "EnableVgwRoutePropagation",
                                      "State": "active"}]
    ec2.delete_vpn_connection_route(VpnConnectionId=vpn, DestinationCidrBlock="192.168.0.0/16")
    assert _propagated(ec2, rtb) == []


def test_routes_of_every_connection_propagate_once(ec2, propagating):
    _, vgw, rtb, vpn = propagating
    second = new_vpn(ec2, new_cgw(ec2, ip="198.51.100.77"), vgw)["VpnConnectionId"]
    ec2.create_vpn_connection_route(VpnConnectionId=vpn, DestinationCidrBlock="192.168.0.0/16")
    ec2.create_vpn_connection_route(VpnConnectionId=second,
                                    DestinationCidrBlock="192.168.0.0/16")
    ec2.create_vpn_connection_route(VpnConnectionId=second, DestinationCidrBlock="172.20.0.0/16")
    assert ids(_propagated(ec2, rtb), "DestinationCidrBlock") == ["192.168.0.0/16",
                                                                   "172.20.0.0/16"]
    ec2.delete_vpn_connection(VpnConnectionId=second)
    assert ids(_propagated(ec2, rtb), "DestinationCidrBlock") == ["192.168.0.0/16"]


def test_only_propagating_tables_get_the_routes(ec2, propagating):
    vpc, _, rtb, vpn = propagating
    other = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_vpn_connection_route(VpnConnectionId=vpn, DestinationCidrBlock="192.168.0.0/16")
    assert len(_propagated(ec2, rtb)) == 1
    assert _propagated(ec2, other) == [] and table(ec2, other)["PropagatingVgws"] == []


def test_enable_propagation_needs_the_gateway_attached_to_the_vpc(ec2, vpc, vgw):
    rtb = main_table(ec2, vpc)
    assert fails(ec2.enable_vgw_route_propagation, RouteTableId=rtb, GatewayId=vgw) == (
        "Gateway.NotAttached", f"resource {vgw} is not attached to network {vpc}")
    other = new_vpc(ec2, "10.1.0.0/16")
    ec2.attach_vpn_gateway(VpcId=other, VpnGatewayId=vgw)
    assert fails(ec2.enable_vgw_route_propagation, RouteTableId=rtb, GatewayId=vgw)[
        0] == "Gateway.NotAttached"
    assert table(ec2, rtb)["PropagatingVgws"] == []


def test_propagation_errors_for_unknown_ids(ec2, attached):
    vpc, vgw = attached
    rtb = main_table(ec2, vpc)
    assert fails(ec2.enable_vgw_route_propagation, RouteTableId="rtb-0123456789abcdef0",
                 GatewayId=vgw)[0] == "InvalidRouteTableID.NotFound"
    assert fails(ec2.enable_vgw_route_propagation, RouteTableId=rtb, GatewayId=MISSING_VGW)[
        0] == "InvalidVpnGatewayID.NotFound"
    assert fails(ec2.disable_vgw_route_propagation, RouteTableId=rtb, GatewayId=MISSING_VGW)[
        0] == "InvalidVpnGatewayID.NotFound"
    assert fails(ec2.enable_vgw_route_propagation, RouteTableId=rtb, GatewayId=vgw,
                 DryRun=True)[0] == "DryRunOperation"
    assert table(ec2, rtb)["PropagatingVgws"] == []


def test_enable_and_disable_are_idempotent(ec2, propagating):
    _, vgw, rtb, _ = propagating
    ec2.enable_vgw_route_propagation(RouteTableId=rtb, GatewayId=vgw)
    assert table(ec2, rtb)["PropagatingVgws"] == [{"GatewayId": vgw}]
    ec2.disable_vgw_route_propagation(RouteTableId=rtb, GatewayId=vgw)
    assert table(ec2, rtb)["PropagatingVgws"] == []
    ec2.disable_vgw_route_propagation(RouteTableId=rtb, GatewayId=vgw)
    assert table(ec2, rtb)["PropagatingVgws"] == []


def test_disable_removes_the_propagated_routes(ec2, propagating):
    _, vgw, rtb, vpn = propagating
    ec2.create_vpn_connection_route(VpnConnectionId=vpn, DestinationCidrBlock="192.168.0.0/16")
    ec2.disable_vgw_route_propagation(RouteTableId=rtb, GatewayId=vgw)
    assert _propagated(ec2, rtb) == []


def test_detached_gateway_propagates_nothing_until_it_returns(ec2, propagating):
    vpc, vgw, rtb, vpn = propagating
    ec2.create_vpn_connection_route(VpnConnectionId=vpn, DestinationCidrBlock="192.168.0.0/16")
    ec2.detach_vpn_gateway(VpcId=vpc, VpnGatewayId=vgw)
    assert _propagated(ec2, rtb) == []
    assert table(ec2, rtb)["PropagatingVgws"] == [{"GatewayId": vgw}]
    ec2.attach_vpn_gateway(VpcId=vpc, VpnGatewayId=vgw)
    assert ids(_propagated(ec2, rtb), "DestinationCidrBlock") == ["192.168.0.0/16"]


def test_static_route_beats_propagated_and_local_is_never_overridden(mock, ec2, propagating):
    vpc, vgw, rtb, vpn = propagating
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    ec2.create_route(RouteTableId=rtb, DestinationCidrBlock="172.31.0.0/24", GatewayId=igw)
    for cidr in ("172.31.0.0/24", "10.0.5.0/24", "10.0.0.0/16", "192.168.0.0/16"):
        ec2.create_vpn_connection_route(VpnConnectionId=vpn, DestinationCidrBlock=cidr)
    routes = table(ec2, rtb)["Routes"]
    # AWS lists the propagated routes beside the table's own ones ...
    both = [r for r in routes if r["DestinationCidrBlock"] == "172.31.0.0/24"]
    assert [(r["Origin"], r.get("GatewayId")) for r in both] == [
        ("CreateRoute", igw), ("EnableVgwRoutePropagation", vgw)]
    assert routes[0] == {"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local",
                         "Origin": "CreateRouteTable", "State": "active"}
    # ... but only those no static or local route outranks carry traffic
    effective = vpn_gateways.propagated_routes(mock.world, rtb, effective=True)
    assert [dest for dest, _, _ in effective] == ["192.168.0.0/16"]
    # a static route may still be created over a propagated one
    ec2.create_route(RouteTableId=rtb, DestinationCidrBlock="192.168.0.0/16", GatewayId=igw)
    assert vpn_gateways.propagated_routes(mock.world, rtb, effective=True) == []


def test_route_table_filters_see_propagated_routes(ec2, propagating):
    vpc, vgw, rtb, vpn = propagating
    other = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_vpn_connection_route(VpnConnectionId=vpn, DestinationCidrBlock="192.168.0.0/16")

    def find(name: str, value: str) -> list[str]:
        return ids(ec2.describe_route_tables(Filters=[
            {"Name": name, "Values": [value]}, {"Name": "vpc-id", "Values": [vpc]}])[
            "RouteTables"], "RouteTableId")
    assert find("route.origin", "EnableVgwRoutePropagation") == [rtb]
    assert find("route.gateway-id", vgw) == [rtb]
    assert find("route.destination-cidr-block", "192.168.0.0/16") == [rtb]
    assert find("route.state", "active") == [rtb, other]
    ec2.create_route(RouteTableId=other, DestinationCidrBlock="172.16.0.0/12", GatewayId=vgw)
    assert find("route.gateway-id", vgw) == [rtb, other]


def test_propagating_table_cannot_be_a_gateway_route_table(ec2, attached):
    vpc, vgw = attached
    rtb = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.enable_vgw_route_propagation(RouteTableId=rtb, GatewayId=vgw)
    assert fails(ec2.associate_route_table, RouteTableId=rtb, GatewayId=vgw) == (
        "InvalidParameterValue",
        f"Route table {rtb} has route propagation enabled and cannot be associated with a "
        "gateway.")
    ec2.disable_vgw_route_propagation(RouteTableId=rtb, GatewayId=vgw)
    ec2.associate_route_table(RouteTableId=rtb, GatewayId=vgw)
    assert fails(ec2.enable_vgw_route_propagation, RouteTableId=rtb, GatewayId=vgw)[
        0] == "InvalidParameterValue"


def test_deleting_gateway_or_table_ends_propagation(ec2, propagating):
    vpc, vgw, rtb, vpn = propagating
    extra = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.enable_vgw_route_propagation(RouteTableId=extra, GatewayId=vgw)
    ec2.delete_route_table(RouteTableId=extra)
    ec2.delete_vpn_connection(VpnConnectionId=vpn)
    ec2.detach_vpn_gateway(VpcId=vpc, VpnGatewayId=vgw)
    ec2.delete_vpn_gateway(VpnGatewayId=vgw)
    assert table(ec2, rtb)["PropagatingVgws"] == []


# == against a real server =====================================================================
def test_vpn_end_to_end_on_the_server(server_ec2):
    ec2 = server_ec2
    vpc = new_vpc(ec2)
    vgw = new_vgw(ec2)
    ec2.attach_vpn_gateway(VpcId=vpc, VpnGatewayId=vgw)
    cgw = new_cgw(ec2, DeviceName="R&D <edge>")
    created = new_vpn(ec2, cgw, vgw)
    vpn = created["VpnConnectionId"]
    assert ET.fromstring(created["CustomerGatewayConfiguration"]).get("id") == vpn
    assert created["VgwTelemetry"][0]["LastStatusChange"].year >= 2024
    ec2.create_vpn_connection_route(VpnConnectionId=vpn, DestinationCidrBlock="192.168.0.0/16")
    rtb = main_table(ec2, vpc)
    ec2.enable_vgw_route_propagation(RouteTableId=rtb, GatewayId=vgw)
    assert _propagated(ec2, rtb) == [{"DestinationCidrBlock": "192.168.0.0/16",
                                      "GatewayId": vgw, "Origin": "EnableVgwRoutePropagation",
                                      "State": "active"}]
    assert cgws(ec2)[0]["DeviceName"] == "R&D <edge>"
    assert vpns(ec2)[0]["Options"] == created["Options"]
    assert fails(ec2.delete_vpn_gateway, VpnGatewayId=vgw) == (
        "IncorrectState", "The VPN gateway is in use.")


def test_server_errors_and_dry_run(server_ec2):
    ec2 = server_ec2
    assert fails(ec2.create_vpn_gateway, Type="ipsec.1", AmazonSideAsn=100)[
        0] == "InvalidParameterValue"
    assert fails(ec2.create_customer_gateway, Type="ipsec.1", DryRun=True, IpAddress=CGW_IP)[
        0] == "DryRunOperation"
    assert fails(ec2.describe_vpn_connections, VpnConnectionIds=[MISSING_VPN])[
        0] == "InvalidVpnConnectionID.NotFound"
    assert vgws(ec2) == [] and cgws(ec2) == []
