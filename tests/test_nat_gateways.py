"""NAT gateway operations through boto3, in-process and against the server."""
from __future__ import annotations

import re

import boto3
import pytest
from botocore.exceptions import ClientError

from helpers import available, error

ACCOUNT = "123456789012"
MISSING_NAT = "nat-0123456789abcdef0"
MISSING_ALLOC = "eipalloc-0123456789abcdef0"


@pytest.fixture
def vpc(ec2) -> str:
    """A VPC with an internet gateway attached (what a public NAT gateway needs)."""
    vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc_id)
    return vpc_id


@pytest.fixture
def eip(ec2) -> str:
    return ec2.allocate_address(Domain="vpc")["AllocationId"]


def igw_of(ec2, vpc: str) -> str:
    return ec2.describe_internet_gateways(Filters=[
        {"Name": "attachment.vpc-id", "Values": [vpc]}])["InternetGateways"][0][
        "InternetGatewayId"]


def nats(ec2, **kwargs) -> dict[str, dict]:
    return {n["NatGatewayId"]: n for n in ec2.describe_nat_gateways(**kwargs)["NatGateways"]}


def describe(ec2, nat_id: str) -> dict:
    return ec2.describe_nat_gateways(NatGatewayIds=[nat_id])["NatGateways"][0]


def public_nat(ec2, subnet: str, alloc: str, **kwargs) -> str:
    return ec2.create_nat_gateway(SubnetId=subnet, AllocationId=alloc, **kwargs)[
        "NatGateway"]["NatGatewayId"]


def private_nat(ec2, subnet: str, **kwargs) -> str:
    return ec2.create_nat_gateway(SubnetId=subnet, ConnectivityType="private", **kwargs)[
        "NatGateway"]["NatGatewayId"]


def interfaces(ec2, subnet: str) -> list[dict]:
    return ec2.describe_network_interfaces(Filters=[
        {"Name": "subnet-id", "Values": [subnet]}])["NetworkInterfaces"]


def address(ec2, alloc: str) -> dict:
    return ec2.describe_addresses(AllocationIds=[alloc])["Addresses"][0]


# -- create -------------------------------------------------------------------------------------
def test_create_public_nat_gateway_answers_pending(ec2, vpc, subnet, eip):
    answer = ec2.create_nat_gateway(SubnetId=subnet, AllocationId=eip, ClientToken="token-1")
    gateway = answer["NatGateway"]
    assert answer["ClientToken"] == "token-1"
    assert re.fullmatch(r"nat-[0-9a-f]{17}", gateway["NatGatewayId"])
    assert gateway["State"] == "pending"
    assert (gateway["SubnetId"], gateway["VpcId"]) == (subnet, vpc)
    assert gateway["ConnectivityType"] == "public"
    assert "CreateTime" in gateway and "DeleteTime" not in gateway
    [item] = gateway["NatGatewayAddresses"]
    assert item["AllocationId"] == eip and item["IsPrimary"] is True
    assert item["Status"] == "associating"
    assert "PublicIp" not in item and "AssociationId" not in item


def test_described_public_nat_gateway_is_available_with_its_elastic_ip(ec2, vpc, subnet, eip):
    nat = public_nat(ec2, subnet, eip)
    gateway = describe(ec2, nat)
    assert gateway["State"] == "available"
    assert (gateway["SubnetId"], gateway["VpcId"], gateway["ConnectivityType"]) == (
        subnet, vpc, "public")
    assert "FailureCode" not in gateway
    [item] = gateway["NatGatewayAddresses"]
    eip_view = address(ec2, eip)
    assert item == {"AllocationId": eip, "NetworkInterfaceId": eip_view["NetworkInterfaceId"],
                    "PrivateIp": eip_view["PrivateIpAddress"], "PublicIp": eip_view["PublicIp"],
                    "AssociationId": eip_view["AssociationId"], "IsPrimary": True,
                    "Status": "succeeded"}
    assert item["PrivateIp"].startswith("10.0.0.")


def test_nat_gateway_interface_is_requester_managed(ec2, subnet, eip):
    nat = public_nat(ec2, subnet, eip)
    eni_id = describe(ec2, nat)["NatGatewayAddresses"][0]["NetworkInterfaceId"]
    [eni] = ec2.describe_network_interfaces(NetworkInterfaceIds=[eni_id])["NetworkInterfaces"]
    assert eni["Description"] == f"Interface for NAT Gateway {nat}"
    assert eni["InterfaceType"] == "nat_gateway"
    assert eni["RequesterManaged"] is True
    assert eni["Status"] == "in-use"
    assert eni["SubnetId"] == subnet
    assert eni["Groups"] == []
    assert eni["SourceDestCheck"] is False
    assert eni["Association"]["AllocationId"] == eip
    assert eni["Attachment"]["AttachmentId"].startswith("ela-attach-")
    with pytest.raises(ClientError) as exc:
        ec2.delete_network_interface(NetworkInterfaceId=eni_id)
    assert error(exc) == ("InvalidParameterValue",
                          f"Network interface '{eni_id}' is currently in use.")
    with pytest.raises(ClientError) as exc:
        ec2.detach_network_interface(AttachmentId=eni["Attachment"]["AttachmentId"])
    assert error(exc)[0] == "OperationNotPermitted"
    assert describe(ec2, nat)["State"] == "available"


def test_nat_gateway_takes_an_address_from_its_subnet(ec2, subnet, eip):
    before = available(ec2, subnet)
    public_nat(ec2, subnet, eip, PrivateIpAddress="10.0.0.77")
    assert describe(ec2, ec2.describe_nat_gateways()["NatGateways"][0]["NatGatewayId"])[
        "NatGatewayAddresses"][0]["PrivateIp"] == "10.0.0.77"
    assert available(ec2, subnet) == before - 1


def test_elastic_ip_of_a_nat_gateway_cannot_be_released(ec2, subnet, eip):
    public_nat(ec2, subnet, eip)
    public_ip = address(ec2, eip)["PublicIp"]
    with pytest.raises(ClientError) as exc:
        ec2.release_address(AllocationId=eip)
    assert error(exc) == ("InvalidIPAddress.InUse", f"Address {public_ip} is in use.")


def test_create_with_tags(ec2, subnet, eip):
    gateway = ec2.create_nat_gateway(SubnetId=subnet, AllocationId=eip, TagSpecifications=[
        {"ResourceType": "natgateway", "Tags": [{"Key": "Name", "Value": "egress"}]}])[
        "NatGateway"]
    assert gateway["Tags"] == [{"Key": "Name", "Value": "egress"}]
    assert describe(ec2, gateway["NatGatewayId"])["Tags"] == [{"Key": "Name", "Value": "egress"}]
    tags = ec2.describe_tags(Filters=[{"Name": "resource-id",
                                       "Values": [gateway["NatGatewayId"]]}])["Tags"]
    assert tags == [{"Key": "Name", "ResourceId": gateway["NatGatewayId"],
                     "ResourceType": "natgateway", "Value": "egress"}]


def test_create_rejects_another_tag_resource_type(ec2, subnet, eip):
    with pytest.raises(ClientError) as exc:
        ec2.create_nat_gateway(SubnetId=subnet, AllocationId=eip, TagSpecifications=[
            {"ResourceType": "vpc", "Tags": [{"Key": "a", "Value": "b"}]}])
    assert error(exc) == ("InvalidParameterValue",
                          "'vpc' is not a valid taggable resource type for this operation.")
    assert nats(ec2) == {}
    assert "AssociationId" not in address(ec2, eip)


def test_create_private_nat_gateway(ec2, subnet):
    answer = ec2.create_nat_gateway(SubnetId=subnet, ConnectivityType="private",
                                    SecondaryPrivateIpAddressCount=2)["NatGateway"]
    assert answer["State"] == "pending" and answer["ConnectivityType"] == "private"
    assert [a["Status"] for a in answer["NatGatewayAddresses"]] == ["assigning"] * 3
    gateway = describe(ec2, answer["NatGatewayId"])
    assert gateway["State"] == "available"
    items = gateway["NatGatewayAddresses"]
    assert [a["IsPrimary"] for a in items] == [True, False, False]
    assert all("AllocationId" not in a and "PublicIp" not in a for a in items)
    assert len({a["PrivateIp"] for a in items}) == 3
    assert {a["NetworkInterfaceId"] for a in items} == {interfaces(ec2, subnet)[0][
        "NetworkInterfaceId"]}


def test_private_nat_gateway_needs_no_internet_gateway(ec2):
    vpc = ec2.create_vpc(CidrBlock="10.5.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.5.1.0/24")["Subnet"]["SubnetId"]
    nat = private_nat(ec2, subnet, PrivateIpAddress="10.5.1.10",
                      SecondaryPrivateIpAddresses=["10.5.1.11"])
    gateway = describe(ec2, nat)
    assert gateway["State"] == "available"
    assert [a["PrivateIp"] for a in gateway["NatGatewayAddresses"]] == ["10.5.1.10", "10.5.1.11"]


def test_private_nat_gateway_takes_no_elastic_ip(ec2, subnet, eip):
    with pytest.raises(ClientError) as exc:
        ec2.create_nat_gateway(SubnetId=subnet, ConnectivityType="private", AllocationId=eip)
    assert error(exc) == ("InvalidParameterCombination",
                          "You cannot specify an Elastic IP address with a private NAT gateway.")
    assert nats(ec2) == {} and interfaces(ec2, subnet) == []


def test_public_nat_gateway_needs_an_elastic_ip(ec2, subnet):
    with pytest.raises(ClientError) as exc:
        ec2.create_nat_gateway(SubnetId=subnet)
    assert error(exc) == ("MissingParameter", "The request must contain the parameter AllocationId")
    assert nats(ec2) == {}


def test_zonal_nat_gateway_needs_a_subnet(ec2, eip):
    with pytest.raises(ClientError) as exc:
        ec2.create_nat_gateway(AllocationId=eip)
    assert error(exc) == ("MissingParameter", "The request must contain the parameter SubnetId")


def test_unknown_subnet_and_allocation(ec2, subnet, eip):
    with pytest.raises(ClientError) as exc:
        ec2.create_nat_gateway(SubnetId="subnet-0123456789abcdef0", AllocationId=eip)
    assert error(exc) == ("InvalidSubnetID.NotFound",
                          "The subnet ID 'subnet-0123456789abcdef0' does not exist")
    with pytest.raises(ClientError) as exc:
        ec2.create_nat_gateway(SubnetId=subnet, AllocationId=MISSING_ALLOC)
    assert error(exc) == ("InvalidAllocationID.NotFound",
                          f"The allocation ID '{MISSING_ALLOC}' does not exist")
    with pytest.raises(ClientError) as exc:
        ec2.create_nat_gateway(SubnetId=subnet, AllocationId=eip,
                               SecondaryAllocationIds=[MISSING_ALLOC])
    assert error(exc)[0] == "InvalidAllocationID.NotFound"
    assert nats(ec2) == {} and interfaces(ec2, subnet) == []
    assert "AssociationId" not in address(ec2, eip)


def test_private_address_must_be_free_and_in_the_subnet(ec2, subnet, eip):
    with pytest.raises(ClientError) as exc:
        public_nat(ec2, subnet, eip, PrivateIpAddress="10.9.9.9")
    assert error(exc) == ("InvalidParameterValue",
                          "Address does not fall within the subnet's address range")
    ec2.create_network_interface(SubnetId=subnet, PrivateIpAddress="10.0.0.50")
    with pytest.raises(ClientError) as exc:
        public_nat(ec2, subnet, eip, PrivateIpAddress="10.0.0.50")
    assert error(exc) == ("InvalidIPAddress.InUse", "Address 10.0.0.50 is in use.")
    assert nats(ec2) == {} and len(interfaces(ec2, subnet)) == 1
    assert "AssociationId" not in address(ec2, eip)


def test_secondary_elastic_ips(ec2, subnet, eip):
    second = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = public_nat(ec2, subnet, eip, SecondaryAllocationIds=[second],
                     SecondaryPrivateIpAddresses=["10.0.0.200"])
    items = describe(ec2, nat)["NatGatewayAddresses"]
    assert [(a["AllocationId"], a["IsPrimary"]) for a in items] == [(eip, True), (second, False)]
    assert items[1]["PrivateIp"] == "10.0.0.200"
    assert items[1]["PublicIp"] == address(ec2, second)["PublicIp"]
    assert address(ec2, second)["PrivateIpAddress"] == "10.0.0.200"


def test_secondary_addresses_must_pair_with_secondary_elastic_ips(ec2, subnet, eip):
    second = ec2.allocate_address(Domain="vpc")["AllocationId"]
    with pytest.raises(ClientError) as exc:
        public_nat(ec2, subnet, eip, SecondaryAllocationIds=[second],
                   SecondaryPrivateIpAddresses=["10.0.0.200", "10.0.0.201"])
    assert error(exc)[0] == "InvalidParameterValue"
    with pytest.raises(ClientError) as exc:
        public_nat(ec2, subnet, eip, SecondaryPrivateIpAddressCount=1)
    assert error(exc)[0] == "InvalidParameterCombination"
    with pytest.raises(ClientError) as exc:
        public_nat(ec2, subnet, eip, SecondaryAllocationIds=[eip])
    assert error(exc)[0] == "InvalidParameterValue"
    assert nats(ec2) == {} and interfaces(ec2, subnet) == []


# -- what AWS finds out while provisioning: the gateway fails --------------------------------------
def test_public_nat_gateway_fails_without_an_internet_gateway(ec2, eip):
    vpc = ec2.create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.7.0.0/24")["Subnet"]["SubnetId"]
    before = available(ec2, subnet)
    answer = ec2.create_nat_gateway(SubnetId=subnet, AllocationId=eip)["NatGateway"]
    assert answer["State"] == "pending" and "FailureCode" not in answer
    gateway = describe(ec2, answer["NatGatewayId"])
    assert gateway["State"] == "failed"
    assert gateway["FailureCode"] == "Gateway.NotAttached"
    assert gateway["FailureMessage"] == f"Network {vpc} has no Internet gateway attached"
    assert [(a["AllocationId"], a["Status"]) for a in gateway["NatGatewayAddresses"]] == [
        (eip, "failed")]
    assert interfaces(ec2, subnet) == [] and available(ec2, subnet) == before
    assert "AssociationId" not in address(ec2, eip)
    # a failed gateway holds nothing: the subnet can go, the gateway is deleted normally
    ec2.delete_subnet(SubnetId=subnet)
    ec2.delete_nat_gateway(NatGatewayId=answer["NatGatewayId"])
    assert describe(ec2, answer["NatGatewayId"])["State"] == "deleted"


def test_nat_gateway_fails_with_an_associated_elastic_ip(ec2, subnet, eip):
    first = public_nat(ec2, subnet, eip)
    second = public_nat(ec2, subnet, eip)
    gateway = describe(ec2, second)
    assert (gateway["State"], gateway["FailureCode"], gateway["FailureMessage"]) == (
        "failed", "Resource.AlreadyAssociated", f"Elastic IP address [{eip}] is already associated")
    assert describe(ec2, first)["State"] == "available"
    assert address(ec2, eip)["NetworkInterfaceId"] == describe(ec2, first)[
        "NatGatewayAddresses"][0]["NetworkInterfaceId"]
    assert len(interfaces(ec2, subnet)) == 1


def test_nat_gateway_fails_in_a_full_subnet(ec2, vpc):
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.9.0/28")["Subnet"]["SubnetId"]
    for _ in range(available(ec2, subnet)):
        ec2.create_network_interface(SubnetId=subnet)
    gateway = describe(ec2, private_nat(ec2, subnet))
    assert (gateway["State"], gateway["FailureCode"], gateway["FailureMessage"]) == (
        "failed", "InsufficientFreeAddressesInSubnet",
        "Subnet has insufficient free addresses to create this NAT gateway")
    assert gateway["NatGatewayAddresses"] == []


# -- delete -------------------------------------------------------------------------------------
def test_delete_keeps_the_gateway_visible_and_the_elastic_ip_allocated(ec2, subnet, eip):
    before = available(ec2, subnet)
    nat = public_nat(ec2, subnet, eip)
    eni_id = describe(ec2, nat)["NatGatewayAddresses"][0]["NetworkInterfaceId"]
    assert ec2.delete_nat_gateway(NatGatewayId=nat)["NatGatewayId"] == nat
    gateway = describe(ec2, nat)
    assert gateway["State"] == "deleted"
    assert gateway["DeleteTime"] >= gateway["CreateTime"]
    assert interfaces(ec2, subnet) == [] and available(ec2, subnet) == before
    with pytest.raises(ClientError) as exc:
        ec2.describe_network_interfaces(NetworkInterfaceIds=[eni_id])
    assert error(exc)[0] == "InvalidNetworkInterfaceID.NotFound"
    eip_view = address(ec2, eip)
    assert "AssociationId" not in eip_view and "NetworkInterfaceId" not in eip_view
    # deleting again is no error, and the Elastic IP can now go
    assert ec2.delete_nat_gateway(NatGatewayId=nat)["NatGatewayId"] == nat
    ec2.release_address(AllocationId=eip)


def test_unknown_nat_gateway(ec2):
    for call in (lambda: ec2.describe_nat_gateways(NatGatewayIds=[MISSING_NAT]),
                 lambda: ec2.delete_nat_gateway(NatGatewayId=MISSING_NAT)):
        with pytest.raises(ClientError) as exc:
            call()
        assert error(exc) == ("NatGatewayNotFound", f"NAT gateway {MISSING_NAT} was not found")
    with pytest.raises(ClientError) as exc:
        ec2.delete_nat_gateway(NatGatewayId="nat-oops")
    assert error(exc)[0] == "NatGatewayMalformed"


def test_nat_gateways_are_per_account(ec2, subnet):
    nat = private_nat(ec2, subnet)
    other = boto3.client("ec2", region_name="us-east-1", aws_access_key_id="111122223333",
                         aws_secret_access_key="x")
    assert other.describe_nat_gateways()["NatGateways"] == []
    with pytest.raises(ClientError) as exc:
        other.delete_nat_gateway(NatGatewayId=nat)
    assert error(exc) == ("NatGatewayNotFound", f"NAT gateway {nat} was not found")
    assert describe(ec2, nat)["State"] == "available"


def test_subnet_and_vpc_are_held_until_the_gateway_is_deleted(ec2, vpc, subnet, eip):
    nat = public_nat(ec2, subnet, eip)
    with pytest.raises(ClientError) as exc:
        ec2.delete_subnet(SubnetId=subnet)
    assert error(exc) == ("DependencyViolation",
                          f"The subnet '{subnet}' has dependencies and cannot be deleted.")
    igw = igw_of(ec2, vpc)
    with pytest.raises(ClientError) as exc:
        ec2.detach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    assert error(exc)[0] == "DependencyViolation"
    ec2.delete_nat_gateway(NatGatewayId=nat)
    ec2.delete_subnet(SubnetId=subnet)
    ec2.detach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    ec2.delete_vpc(VpcId=vpc)
    # the deleted gateway still names its subnet and VPC
    gateway = describe(ec2, nat)
    assert (gateway["SubnetId"], gateway["VpcId"], gateway["State"]) == (subnet, vpc, "deleted")


def test_vpc_with_a_nat_gateway_cannot_be_deleted(ec2, subnet):
    vpc = ec2.describe_subnets(SubnetIds=[subnet])["Subnets"][0]["VpcId"]
    private_nat(ec2, subnet)
    with pytest.raises(ClientError) as exc:
        ec2.delete_vpc(VpcId=vpc)
    assert error(exc) == ("DependencyViolation",
                          f"The vpc '{vpc}' has dependencies and cannot be deleted.")


# -- routes ---------------------------------------------------------------------------------------
def test_routes_to_a_nat_gateway_turn_blackhole_when_it_is_deleted(ec2, vpc, subnet, eip):
    nat = public_nat(ec2, subnet, eip)
    rtb = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=rtb, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)

    def route() -> dict:
        table = ec2.describe_route_tables(RouteTableIds=[rtb])["RouteTables"][0]
        return next(r for r in table["Routes"] if r.get("DestinationCidrBlock") == "0.0.0.0/0")

    assert (route()["NatGatewayId"], route()["State"]) == (nat, "active")
    ec2.delete_nat_gateway(NatGatewayId=nat)
    assert (route()["NatGatewayId"], route()["State"]) == (nat, "blackhole")
    with pytest.raises(ClientError) as exc:
        ec2.create_route(RouteTableId=rtb, DestinationCidrBlock="1.0.0.0/8", NatGatewayId=nat)
    assert error(exc) == ("InvalidNatGatewayID.NotFound",
                          f"The natGateway ID '{nat}' does not exist")
    ec2.delete_route(RouteTableId=rtb, DestinationCidrBlock="0.0.0.0/0")
    assert describe(ec2, nat)["State"] == "deleted"


def test_routes_to_a_failed_nat_gateway_are_blackhole(ec2, eip):
    vpc = ec2.create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.7.0.0/24")["Subnet"]["SubnetId"]
    nat = public_nat(ec2, subnet, eip)
    rtb = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=rtb, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)
    table = ec2.describe_route_tables(RouteTableIds=[rtb])["RouteTables"][0]
    assert [r["State"] for r in table["Routes"] if r.get("NatGatewayId") == nat] == ["blackhole"]


# -- describe ------------------------------------------------------------------------------------
def test_filters(ec2, vpc, subnet, eip):
    other_vpc = ec2.create_vpc(CidrBlock="10.8.0.0/16")["Vpc"]["VpcId"]
    other_subnet = ec2.create_subnet(VpcId=other_vpc, CidrBlock="10.8.0.0/24")["Subnet"][
        "SubnetId"]
    public = public_nat(ec2, subnet, eip, TagSpecifications=[
        {"ResourceType": "natgateway", "Tags": [{"Key": "tier", "Value": "edge"}]}])
    private = private_nat(ec2, other_subnet, TagSpecifications=[
        {"ResourceType": "natgateway", "Tags": [{"Key": "team", "Value": "core"}]}])
    gone = private_nat(ec2, subnet)
    ec2.delete_nat_gateway(NatGatewayId=gone)

    def found(name: str, *values: str) -> set[str]:
        return set(nats(ec2, Filter=[{"Name": name, "Values": list(values)}]))

    assert found("nat-gateway-id", public, private) == {public, private}
    assert found("state", "available") == {public, private}
    assert found("state", "deleted") == {gone}
    assert found("subnet-id", subnet) == {public, gone}
    assert found("vpc-id", other_vpc) == {private}
    assert found("vpc-id", vpc) == {public, gone}
    assert found("vpc-id", "vpc-*") == {public, private, gone}
    assert found("tag:tier", "edge") == {public}
    assert found("tag-key", "team") == {private}
    assert found("tag-value", "edge", "core") == {public, private}
    assert set(nats(ec2, Filter=[{"Name": "vpc-id", "Values": [vpc]},
                                 {"Name": "state", "Values": ["available"]}])) == {public}
    assert set(nats(ec2, NatGatewayIds=[public, gone],
                    Filter=[{"Name": "state", "Values": ["deleted"]}])) == {gone}
    with pytest.raises(ClientError) as exc:
        nats(ec2, Filter=[{"Name": "connectivity", "Values": ["public"]}])
    assert error(exc) == ("InvalidParameterValue", "The filter 'connectivity' is invalid")


def test_pagination(ec2, vpc):
    created = []
    for zone, cidr in (("us-east-1a", "10.0.1.0/24"), ("us-east-1b", "10.0.2.0/24")):
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone=zone)["Subnet"][
            "SubnetId"]
        created += [private_nat(ec2, subnet) for _ in range(4)]
    first = ec2.describe_nat_gateways(MaxResults=5)
    assert len(first["NatGateways"]) == 5 and first.get("NextToken")
    rest = ec2.describe_nat_gateways(MaxResults=5, NextToken=first["NextToken"])
    assert "NextToken" not in rest
    assert [n["NatGatewayId"] for n in first["NatGateways"] + rest["NatGateways"]] == created
    pages = ec2.get_paginator("describe_nat_gateways").paginate(PaginationConfig={"PageSize": 5})
    assert [n["NatGatewayId"] for p in pages for n in p["NatGateways"]] == created


def test_five_nat_gateways_per_zone(ec2, vpc, subnet):
    made = [private_nat(ec2, subnet) for _ in range(5)]
    with pytest.raises(ClientError) as exc:
        private_nat(ec2, subnet)
    assert error(exc) == ("NatGatewayLimitExceeded",
                          "The maximum number of NAT Gateways has been reached.")
    assert len(nats(ec2)) == 5
    other = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.5.0/24",
                              AvailabilityZone="us-east-1b")["Subnet"]["SubnetId"]
    private_nat(ec2, other)                     # another zone has its own quota
    ec2.delete_nat_gateway(NatGatewayId=made[0])
    private_nat(ec2, subnet)                    # a deleted gateway no longer counts


def test_dry_run(ec2, subnet, eip):
    with pytest.raises(ClientError) as exc:
        ec2.create_nat_gateway(SubnetId=subnet, AllocationId=eip, DryRun=True)
    assert error(exc) == ("DryRunOperation",
                          "Request would have succeeded, but DryRun flag is set.")
    with pytest.raises(ClientError) as exc:
        ec2.create_nat_gateway(SubnetId=subnet, AllocationId=MISSING_ALLOC, DryRun=True)
    assert error(exc)[0] == "InvalidAllocationID.NotFound"
    assert nats(ec2) == {} and interfaces(ec2, subnet) == []
    nat = public_nat(ec2, subnet, eip)
    with pytest.raises(ClientError) as exc:
        ec2.delete_nat_gateway(NatGatewayId=nat, DryRun=True)
    assert error(exc)[0] == "DryRunOperation"
    with pytest.raises(ClientError) as exc:
        ec2.describe_nat_gateways(DryRun=True)
    assert error(exc)[0] == "DryRunOperation"
    assert describe(ec2, nat)["State"] == "available"


def test_client_token_makes_create_idempotent(ec2, subnet, eip):
    first = ec2.create_nat_gateway(SubnetId=subnet, AllocationId=eip, ClientToken="abc")
    again = ec2.create_nat_gateway(SubnetId=subnet, AllocationId=eip, ClientToken="abc")
    assert again["NatGateway"]["NatGatewayId"] == first["NatGateway"]["NatGatewayId"]
    assert len(nats(ec2)) == 1
    with pytest.raises(ClientError) as exc:
        ec2.create_nat_gateway(SubnetId=subnet, ConnectivityType="private", ClientToken="abc")
    assert error(exc)[0] == "IdempotentParameterMismatch"


# -- secondary addresses -------------------------------------------------------------------------
def test_associate_and_disassociate_secondary_elastic_ips(ec2, subnet, eip):
    nat = public_nat(ec2, subnet, eip)
    second = ec2.allocate_address(Domain="vpc")["AllocationId"]
    answer = ec2.associate_nat_gateway_address(NatGatewayId=nat, AllocationIds=[second],
                                               PrivateIpAddresses=["10.0.0.100"])
    assert answer["NatGatewayId"] == nat
    assert [(a["AllocationId"], a["PrivateIp"], a["IsPrimary"], a["Status"])
            for a in answer["NatGatewayAddresses"]] == [
        (second, "10.0.0.100", False, "associating")]
    items = describe(ec2, nat)["NatGatewayAddresses"]
    assert [(a["AllocationId"], a["Status"]) for a in items] == [
        (eip, "succeeded"), (second, "succeeded")]
    primary_assoc, second_assoc = items[0]["AssociationId"], items[1]["AssociationId"]
    with pytest.raises(ClientError) as exc:
        ec2.disassociate_nat_gateway_address(NatGatewayId=nat, AssociationIds=[primary_assoc])
    assert error(exc)[0] == "InvalidParameterValue"
    with pytest.raises(ClientError) as exc:
        ec2.disassociate_nat_gateway_address(NatGatewayId=nat,
                                             AssociationIds=["eipassoc-0123456789abcdef0"])
    assert error(exc) == ("InvalidAssociationID.NotFound",
                          "The association ID 'eipassoc-0123456789abcdef0' does not exist")
    answer = ec2.disassociate_nat_gateway_address(NatGatewayId=nat, AssociationIds=[second_assoc])
    assert [(a["AllocationId"], a["Status"]) for a in answer["NatGatewayAddresses"]] == [
        (second, "disassociating")]
    assert [a["AllocationId"] for a in describe(ec2, nat)["NatGatewayAddresses"]] == [eip]
    assert "AssociationId" not in address(ec2, second)
    ec2.create_network_interface(SubnetId=subnet, PrivateIpAddress="10.0.0.100")  # freed


def test_associate_refuses_an_associated_elastic_ip(ec2, subnet, eip):
    nat = public_nat(ec2, subnet, eip)
    before = available(ec2, subnet)
    with pytest.raises(ClientError) as exc:
        ec2.associate_nat_gateway_address(NatGatewayId=nat, AllocationIds=[eip])
    assert error(exc)[0] == "Resource.AlreadyAssociated"
    with pytest.raises(ClientError) as exc:
        ec2.associate_nat_gateway_address(NatGatewayId=nat, AllocationIds=[MISSING_ALLOC])
    assert error(exc)[0] == "InvalidAllocationID.NotFound"
    assert available(ec2, subnet) == before
    assert len(describe(ec2, nat)["NatGatewayAddresses"]) == 1


def test_assign_and_unassign_private_addresses(ec2, subnet):
    nat = private_nat(ec2, subnet, PrivateIpAddress="10.0.0.20")
    answer = ec2.assign_private_nat_gateway_address(NatGatewayId=nat,
                                                    PrivateIpAddresses=["10.0.0.21"])
    assert [(a["PrivateIp"], a["Status"]) for a in answer["NatGatewayAddresses"]] == [
        ("10.0.0.21", "assigning")]
    answer = ec2.assign_private_nat_gateway_address(NatGatewayId=nat, PrivateIpAddressCount=2)
    assert len(answer["NatGatewayAddresses"]) == 2
    assert len(describe(ec2, nat)["NatGatewayAddresses"]) == 4
    with pytest.raises(ClientError) as exc:
        ec2.unassign_private_nat_gateway_address(NatGatewayId=nat, PrivateIpAddresses=["10.0.0.20"])
    assert error(exc)[0] == "InvalidParameterValue"
    with pytest.raises(ClientError) as exc:
        ec2.assign_private_nat_gateway_address(NatGatewayId=nat)
    assert error(exc)[0] == "MissingParameter"
    answer = ec2.unassign_private_nat_gateway_address(NatGatewayId=nat,
                                                      PrivateIpAddresses=["10.0.0.21"])
    assert [(a["PrivateIp"], a["Status"]) for a in answer["NatGatewayAddresses"]] == [
        ("10.0.0.21", "unassigning")]
    assert "10.0.0.21" not in [a["PrivateIp"] for a in describe(ec2, nat)["NatGatewayAddresses"]]


def test_address_calls_match_the_connectivity_type_and_state(ec2, subnet, eip):
    public = public_nat(ec2, subnet, eip)
    private = private_nat(ec2, subnet)
    with pytest.raises(ClientError) as exc:
        ec2.assign_private_nat_gateway_address(NatGatewayId=public, PrivateIpAddressCount=1)
    assert error(exc)[0] == "InvalidParameterValue"
    second = ec2.allocate_address(Domain="vpc")["AllocationId"]
    with pytest.raises(ClientError) as exc:
        ec2.associate_nat_gateway_address(NatGatewayId=private, AllocationIds=[second])
    assert error(exc)[0] == "InvalidParameterValue"
    ec2.delete_nat_gateway(NatGatewayId=private)
    with pytest.raises(ClientError) as exc:
        ec2.assign_private_nat_gateway_address(NatGatewayId=private, PrivateIpAddressCount=1)
    assert error(exc)[0] == "IncorrectState"
    with pytest.raises(ClientError) as exc:
        ec2.assign_private_nat_gateway_address(NatGatewayId=MISSING_NAT, PrivateIpAddressCount=1)
    assert error(exc)[0] == "NatGatewayNotFound"


# -- against the server ----------------------------------------------------------------------------
def test_nat_gateway_round_trip_against_server(server_ec2):
    vpc = server_ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    igw = server_ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    server_ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    subnet = server_ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.1.0/24")["Subnet"]["SubnetId"]
    alloc = server_ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = server_ec2.create_nat_gateway(SubnetId=subnet, AllocationId=alloc, TagSpecifications=[
        {"ResourceType": "natgateway", "Tags": [{"Key": "Name", "Value": "n&<1>"}]}])[
        "NatGateway"]["NatGatewayId"]
    found = server_ec2.describe_nat_gateways(
        Filter=[{"Name": "vpc-id", "Values": [vpc]}])["NatGateways"]
    assert [(n["NatGatewayId"], n["State"], n["Tags"]) for n in found] == [
        (nat, "available", [{"Key": "Name", "Value": "n&<1>"}])]
    assert found[0]["NatGatewayAddresses"][0]["IsPrimary"] is True
    server_ec2.get_waiter("nat_gateway_available").wait(NatGatewayIds=[nat])
    server_ec2.delete_nat_gateway(NatGatewayId=nat)
    assert server_ec2.describe_nat_gateways(NatGatewayIds=[nat])["NatGateways"][0][
        "State"] == "deleted"
    with pytest.raises(ClientError) as exc:
        server_ec2.describe_nat_gateways(NatGatewayIds=[MISSING_NAT])
    assert error(exc) == ("NatGatewayNotFound", f"NAT gateway {MISSING_NAT} was not found")


def test_users_cannot_move_a_nat_gateways_addresses(ec2):
    vpc = ec2.create_vpc(CidrBlock="10.8.0.0/16")["Vpc"]["VpcId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.8.1.0/24")["Subnet"]["SubnetId"]
    alloc = ec2.allocate_address(Domain="vpc")["AllocationId"]
    other = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=subnet, AllocationId=alloc)["NatGateway"]
    described = ec2.describe_nat_gateways(NatGatewayIds=[nat["NatGatewayId"]])["NatGateways"][0]
    address = described["NatGatewayAddresses"][0]
    with pytest.raises(ClientError) as exc:
        ec2.disassociate_address(AssociationId=address["AssociationId"])
    assert exc.value.response["Error"]["Code"] == "AuthFailure"
    with pytest.raises(ClientError) as exc:
        ec2.associate_address(AllocationId=other,
                              NetworkInterfaceId=address["NetworkInterfaceId"])
    assert exc.value.response["Error"]["Code"] == "AuthFailure"
    again = ec2.describe_nat_gateways(NatGatewayIds=[nat["NatGatewayId"]])["NatGateways"][0]
    assert again["NatGatewayAddresses"][0]["PublicIp"] == address["PublicIp"]
