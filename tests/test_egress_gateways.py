"""Egress-only internet gateway and carrier gateway operations through boto3, in-process and
against the server."""
from __future__ import annotations

import re

import boto3
import pytest
from botocore.exceptions import ClientError

from helpers import error

ACCOUNT = "123456789012"
MISSING_EIGW = "eigw-0123456789abcdef0"
MISSING_CAGW = "cagw-0123456789abcdef0"
MISSING_VPC = "vpc-0123456789abcdef0"


@pytest.fixture
def vpc(ec2) -> str:
    return ec2.create_vpc(CidrBlock="10.0.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"][
        "VpcId"]


def eigws(ec2, **kwargs) -> dict[str, dict]:
    return {g["EgressOnlyInternetGatewayId"]: g for g in
            ec2.describe_egress_only_internet_gateways(**kwargs)["EgressOnlyInternetGateways"]}


def cagws(ec2, **kwargs) -> dict[str, dict]:
    return {g["CarrierGatewayId"]: g
            for g in ec2.describe_carrier_gateways(**kwargs)["CarrierGateways"]}


def new_eigw(ec2, vpc: str, **kwargs) -> str:
    return ec2.create_egress_only_internet_gateway(VpcId=vpc, **kwargs)[
        "EgressOnlyInternetGateway"]["EgressOnlyInternetGatewayId"]


def new_cagw(ec2, vpc: str, **kwargs) -> str:
    return ec2.create_carrier_gateway(VpcId=vpc, **kwargs)["CarrierGateway"]["CarrierGatewayId"]


def route_states(ec2, rtb: str) -> dict[str, str]:
    table = ec2.describe_route_tables(RouteTableIds=[rtb])["RouteTables"][0]
    return {r.get("DestinationCidrBlock") or r.get("DestinationIpv6CidrBlock"): r["State"]
            for r in table["Routes"] if r.get("Origin") == "CreateRoute"}


# -- egress-only internet gateways -------------------------------------------------------------
def test_create_egress_only_gateway(ec2, vpc):
    answer = ec2.create_egress_only_internet_gateway(
        VpcId=vpc, ClientToken="t-1", TagSpecifications=[
            {"ResourceType": "egress-only-internet-gateway",
             "Tags": [{"Key": "Name", "Value": "v6-out"}]}])
    gateway = answer["EgressOnlyInternetGateway"]
    assert answer["ClientToken"] == "t-1"
    assert re.fullmatch(r"eigw-[0-9a-f]{17}", gateway["EgressOnlyInternetGatewayId"])
    assert gateway["Attachments"] == [{"State": "attached", "VpcId": vpc}]
    assert gateway["Tags"] == [{"Key": "Name", "Value": "v6-out"}]
    assert eigws(ec2) == {gateway["EgressOnlyInternetGatewayId"]: gateway}
    tags = ec2.describe_tags(Filters=[{"Name": "resource-type",
                                       "Values": ["egress-only-internet-gateway"]}])["Tags"]
    assert [t["ResourceId"] for t in tags] == [gateway["EgressOnlyInternetGatewayId"]]


def test_create_egress_only_gateway_needs_a_vpc(ec2):
    with pytest.raises(ClientError) as exc:
        ec2.create_egress_only_internet_gateway(VpcId=MISSING_VPC)
    assert error(exc) == ("InvalidVpcID.NotFound", f"The vpc ID '{MISSING_VPC}' does not exist")
    with pytest.raises(ClientError) as exc:
        ec2.create_egress_only_internet_gateway(VpcId="vpc-012345678")
    # AWS's answer quoted in community.aws PR #1475
    assert error(exc) == ("InvalidVpcId.Malformed", "The vpc ID vpc-012345678 is malformed")
    assert eigws(ec2) == {}


def test_create_egress_only_gateway_rejects_another_tag_resource_type(ec2, vpc):
    with pytest.raises(ClientError) as exc:
        ec2.create_egress_only_internet_gateway(VpcId=vpc, TagSpecifications=[
            {"ResourceType": "internet-gateway", "Tags": [{"Key": "a", "Value": "b"}]}])
    assert error(exc) == ("InvalidParameterValue", "'internet-gateway' is not a valid taggable "
                          "resource type for this operation.")
    assert eigws(ec2) == {}


def test_delete_egress_only_gateway(ec2, vpc):
    eigw = new_eigw(ec2, vpc)
    assert ec2.delete_egress_only_internet_gateway(EgressOnlyInternetGatewayId=eigw)[
        "ReturnCode"] is True
    assert eigws(ec2) == {}
    with pytest.raises(ClientError) as exc:   # the code Terraform and amazon.aws take as "gone"
        ec2.delete_egress_only_internet_gateway(EgressOnlyInternetGatewayId=eigw)
    assert error(exc) == ("InvalidGatewayID.NotFound", f"The gateway ID '{eigw}' does not exist")


def test_unknown_egress_only_gateway(ec2, vpc):
    known = new_eigw(ec2, vpc)
    # AWS lists nothing for an unknown id rather than failing: Terraform's finder reads an
    # empty list as "not found" and handles no error code (moto's test agrees)
    assert eigws(ec2, EgressOnlyInternetGatewayIds=[MISSING_EIGW]) == {}
    assert set(eigws(ec2, EgressOnlyInternetGatewayIds=[MISSING_EIGW, known])) == {known}
    with pytest.raises(ClientError) as exc:
        eigws(ec2, EgressOnlyInternetGatewayIds=["eigw-x"])
    assert error(exc)[0] == "InvalidEgressOnlyInternetGatewayId.Malformed"
    with pytest.raises(ClientError) as exc:
        ec2.delete_egress_only_internet_gateway(EgressOnlyInternetGatewayId="eigw-x")
    assert error(exc)[0] == "InvalidEgressOnlyInternetGatewayId.Malformed"
    assert len(eigws(ec2)) == 1


def test_egress_only_gateway_filters(ec2, vpc):
    other = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    first = new_eigw(ec2, vpc, TagSpecifications=[
        {"ResourceType": "egress-only-internet-gateway",
         "Tags": [{"Key": "env", "Value": "prod"}]}])
    second = new_eigw(ec2, other, TagSpecifications=[
        {"ResourceType": "egress-only-internet-gateway",
         "Tags": [{"Key": "team", "Value": "net"}]}])
    assert set(eigws(ec2, Filters=[{"Name": "tag:env", "Values": ["prod"]}])) == {first}
    assert set(eigws(ec2, Filters=[{"Name": "tag-key", "Values": ["team"]}])) == {second}
    assert set(eigws(ec2, Filters=[{"Name": "tag-value", "Values": ["p*"]}])) == {first}
    assert set(eigws(ec2, EgressOnlyInternetGatewayIds=[second])) == {second}
    with pytest.raises(ClientError) as exc:
        eigws(ec2, Filters=[{"Name": "gateway-color", "Values": ["x"]}])
    assert error(exc) == ("InvalidParameterValue", "The filter 'gateway-color' is invalid")


def test_egress_only_gateway_pagination(ec2, vpc):
    made = [new_eigw(ec2, vpc) for _ in range(7)]
    first = ec2.describe_egress_only_internet_gateways(MaxResults=5)
    assert len(first["EgressOnlyInternetGateways"]) == 5
    rest = ec2.describe_egress_only_internet_gateways(MaxResults=5, NextToken=first["NextToken"])
    assert "NextToken" not in rest
    assert [g["EgressOnlyInternetGatewayId"] for g in first["EgressOnlyInternetGateways"]
            + rest["EgressOnlyInternetGateways"]] == made


def test_routes_to_an_egress_only_gateway_take_ipv6_only(ec2, vpc):
    eigw = new_eigw(ec2, vpc)
    rtb = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=rtb, DestinationIpv6CidrBlock="::/0",
                     EgressOnlyInternetGatewayId=eigw)
    with pytest.raises(ClientError) as exc:
        ec2.create_route(RouteTableId=rtb, DestinationCidrBlock="0.0.0.0/0",
                         EgressOnlyInternetGatewayId=eigw)
    assert error(exc) == ("InvalidParameterValue",
                          "The destination CIDR block 0.0.0.0/0 is not an IPv6 CIDR block. An "
                          "egress-only internet gateway supports IPv6 traffic only.")
    assert route_states(ec2, rtb) == {"::/0": "active"}
    ec2.delete_egress_only_internet_gateway(EgressOnlyInternetGatewayId=eigw)
    assert route_states(ec2, rtb) == {"::/0": "blackhole"}


def test_egress_only_gateway_of_another_vpc_is_no_route_target(ec2, vpc):
    other = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    eigw = new_eigw(ec2, other)
    rtb = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    with pytest.raises(ClientError) as exc:
        ec2.create_route(RouteTableId=rtb, DestinationIpv6CidrBlock="::/0",
                         EgressOnlyInternetGatewayId=eigw)
    assert error(exc) == ("InvalidParameterValue",
                          f"route table {rtb} and network gateway {eigw} belong to different "
                          "networks")


def test_vpc_with_an_egress_only_gateway_cannot_be_deleted(ec2, vpc):
    eigw = new_eigw(ec2, vpc)
    with pytest.raises(ClientError) as exc:
        ec2.delete_vpc(VpcId=vpc)
    assert error(exc) == ("DependencyViolation",
                          f"The vpc '{vpc}' has dependencies and cannot be deleted.")
    ec2.delete_egress_only_internet_gateway(EgressOnlyInternetGatewayId=eigw)
    ec2.delete_vpc(VpcId=vpc)


def test_egress_only_gateway_dry_run(ec2, vpc):
    with pytest.raises(ClientError) as exc:
        ec2.create_egress_only_internet_gateway(VpcId=vpc, DryRun=True)
    assert error(exc)[0] == "DryRunOperation"
    assert eigws(ec2) == {}
    eigw = new_eigw(ec2, vpc)
    with pytest.raises(ClientError) as exc:
        ec2.delete_egress_only_internet_gateway(EgressOnlyInternetGatewayId=eigw, DryRun=True)
    assert error(exc)[0] == "DryRunOperation"
    assert set(eigws(ec2)) == {eigw}


def test_egress_only_gateway_client_token(ec2, vpc):
    first = new_eigw(ec2, vpc, ClientToken="same")
    assert new_eigw(ec2, vpc, ClientToken="same") == first
    assert len(eigws(ec2)) == 1


# -- carrier gateways ---------------------------------------------------------------------------
def test_create_carrier_gateway(ec2, vpc):
    gateway = ec2.create_carrier_gateway(VpcId=vpc, TagSpecifications=[
        {"ResourceType": "carrier-gateway", "Tags": [{"Key": "Name", "Value": "5g"}]}])[
        "CarrierGateway"]
    assert re.fullmatch(r"cagw-[0-9a-f]{17}", gateway["CarrierGatewayId"])
    assert (gateway["VpcId"], gateway["State"], gateway["OwnerId"]) == (vpc, "pending", ACCOUNT)
    assert gateway["Tags"] == [{"Key": "Name", "Value": "5g"}]
    assert cagws(ec2)[gateway["CarrierGatewayId"]] == {**gateway, "State": "available"}


def test_create_carrier_gateway_needs_a_vpc(ec2):
    with pytest.raises(ClientError) as exc:
        ec2.create_carrier_gateway(VpcId=MISSING_VPC)
    assert error(exc) == ("InvalidVpcID.NotFound", f"The vpc ID '{MISSING_VPC}' does not exist")
    assert cagws(ec2) == {}


def test_delete_carrier_gateway(ec2, vpc):
    cagw = new_cagw(ec2, vpc)
    answer = ec2.delete_carrier_gateway(CarrierGatewayId=cagw)["CarrierGateway"]
    assert (answer["CarrierGatewayId"], answer["State"], answer["VpcId"]) == (
        cagw, "deleting", vpc)
    assert cagws(ec2)[cagw]["State"] == "deleted"
    ec2.delete_vpc(VpcId=vpc)     # a deleted carrier gateway holds its VPC no more
    assert cagws(ec2)[cagw]["VpcId"] == vpc


def test_unknown_carrier_gateway(ec2):
    for call in (lambda: ec2.describe_carrier_gateways(CarrierGatewayIds=[MISSING_CAGW]),
                 lambda: ec2.delete_carrier_gateway(CarrierGatewayId=MISSING_CAGW)):
        with pytest.raises(ClientError) as exc:
            call()
        assert error(exc) == ("InvalidCarrierGatewayID.NotFound",
                              f"The carrierGateway ID '{MISSING_CAGW}' does not exist")


def test_carrier_gateway_filters(ec2, vpc):
    other = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    first = new_cagw(ec2, vpc, TagSpecifications=[
        {"ResourceType": "carrier-gateway", "Tags": [{"Key": "env", "Value": "prod"}]}])
    second = new_cagw(ec2, other)
    gone = new_cagw(ec2, other)
    ec2.delete_carrier_gateway(CarrierGatewayId=gone)

    def found(name: str, *values: str) -> set[str]:
        return set(cagws(ec2, Filters=[{"Name": name, "Values": list(values)}]))

    assert found("carrier-gateway-id", first, gone) == {first, gone}
    assert found("state", "available") == {first, second}
    assert found("state", "deleted") == {gone}
    assert found("owner-id", ACCOUNT) == {first, second, gone}
    assert found("owner-id", "111122223333") == set()
    assert found("vpc-id", other) == {second, gone}
    assert found("vpc-id", vpc) == {first}
    assert found("tag:env", "prod") == {first}
    assert found("tag-key", "env") == {first}
    with pytest.raises(ClientError) as exc:
        found("attachment.vpc-id", vpc)
    assert error(exc) == ("InvalidParameterValue", "The filter 'attachment.vpc-id' is invalid")


def test_carrier_gateway_pagination(ec2, vpc):
    made = [new_cagw(ec2, vpc) for _ in range(6)]
    first = ec2.describe_carrier_gateways(MaxResults=5)
    rest = ec2.describe_carrier_gateways(MaxResults=5, NextToken=first["NextToken"])
    assert [g["CarrierGatewayId"] for g in first["CarrierGateways"] + rest["CarrierGateways"]] \
        == made


def test_routes_to_a_carrier_gateway(ec2, vpc):
    cagw = new_cagw(ec2, vpc)
    rtb = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=rtb, DestinationCidrBlock="0.0.0.0/0", CarrierGatewayId=cagw)
    table = ec2.describe_route_tables(RouteTableIds=[rtb])["RouteTables"][0]
    assert [r.get("CarrierGatewayId") for r in table["Routes"]
            if r.get("DestinationCidrBlock") == "0.0.0.0/0"] == [cagw]
    with pytest.raises(ClientError) as exc:
        ec2.create_route(RouteTableId=rtb, DestinationIpv6CidrBlock="::/0", CarrierGatewayId=cagw)
    assert error(exc) == ("InvalidParameterValue",
                          "The destination CIDR block ::/0 is not an IPv4 CIDR block. A carrier "
                          "gateway supports IPv4 traffic only.")
    assert route_states(ec2, rtb) == {"0.0.0.0/0": "active"}
    ec2.delete_carrier_gateway(CarrierGatewayId=cagw)
    assert route_states(ec2, rtb) == {"0.0.0.0/0": "blackhole"}
    with pytest.raises(ClientError) as exc:
        ec2.create_route(RouteTableId=rtb, DestinationCidrBlock="1.0.0.0/8", CarrierGatewayId=cagw)
    assert error(exc) == ("InvalidCarrierGatewayID.NotFound",
                          f"The carrierGateway ID '{cagw}' does not exist")


def test_vpc_with_a_carrier_gateway_cannot_be_deleted(ec2, vpc):
    new_cagw(ec2, vpc)
    with pytest.raises(ClientError) as exc:
        ec2.delete_vpc(VpcId=vpc)
    assert error(exc) == ("DependencyViolation",
                          f"The vpc '{vpc}' has dependencies and cannot be deleted.")


def test_carrier_gateways_are_per_account(ec2, vpc):
    cagw = new_cagw(ec2, vpc)
    other = boto3.client("ec2", region_name="us-east-1", aws_access_key_id="111122223333",
                         aws_secret_access_key="x")
    assert other.describe_carrier_gateways()["CarrierGateways"] == []
    with pytest.raises(ClientError) as exc:
        other.delete_carrier_gateway(CarrierGatewayId=cagw)
    assert error(exc)[0] == "InvalidCarrierGatewayID.NotFound"
    assert cagws(ec2)[cagw]["State"] == "available"


# -- against the server ---------------------------------------------------------------------------
def test_egress_gateways_round_trip_against_server(server_ec2):
    vpc = server_ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    eigw = server_ec2.create_egress_only_internet_gateway(VpcId=vpc, TagSpecifications=[
        {"ResourceType": "egress-only-internet-gateway",
         "Tags": [{"Key": "Name", "Value": "a&b"}]}])["EgressOnlyInternetGateway"]
    found = server_ec2.describe_egress_only_internet_gateways(
        Filters=[{"Name": "tag:Name", "Values": ["a&b"]}])["EgressOnlyInternetGateways"]
    assert found == [eigw]
    assert server_ec2.delete_egress_only_internet_gateway(
        EgressOnlyInternetGatewayId=eigw["EgressOnlyInternetGatewayId"])["ReturnCode"] is True
    assert server_ec2.describe_egress_only_internet_gateways(EgressOnlyInternetGatewayIds=[
        eigw["EgressOnlyInternetGatewayId"]])["EgressOnlyInternetGateways"] == []
    cagw = server_ec2.create_carrier_gateway(VpcId=vpc)["CarrierGateway"]["CarrierGatewayId"]
    assert server_ec2.describe_carrier_gateways(Filters=[
        {"Name": "vpc-id", "Values": [vpc]}])["CarrierGateways"][0]["State"] == "available"
    assert server_ec2.delete_carrier_gateway(CarrierGatewayId=cagw)["CarrierGateway"][
        "State"] == "deleting"
    with pytest.raises(ClientError) as exc:
        server_ec2.describe_carrier_gateways(CarrierGatewayIds=[MISSING_CAGW])
    assert error(exc)[0] == "InvalidCarrierGatewayID.NotFound"
    server_ec2.delete_vpc(VpcId=vpc)
