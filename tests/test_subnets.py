"""Subnet operations through boto3, in-process and against the server."""
from __future__ import annotations

import boto3
import pytest
from netaddr import IPNetwork
from botocore.config import Config
from botocore.exceptions import ClientError

from topology.core import schema
from helpers import error


@pytest.fixture
def vpc6(ec2) -> tuple[str, str]:
    """A dual-stack VPC and its IPv6 /56."""
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]
    return vpc["VpcId"], vpc["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"]


def slash64(block56: str, index: int) -> str:
    """The `index`-th /64 of a /56 (index < 256)."""
    net = IPNetwork(block56)
    return str(IPNetwork((net.first + (index << 64), 64), version=6))


def subnet_ids(ec2, **kwargs) -> list[str]:
    return [s["SubnetId"] for s in ec2.describe_subnets(**kwargs)["Subnets"]]


# -- create ---------------------------------------------------------------------------------
def test_create_subnet_describes_like_aws(ec2, vpc):
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24",
                               AvailabilityZone="us-east-1b")["Subnet"]
    assert subnet["CidrBlock"] == "10.0.1.0/24"
    assert subnet["VpcId"] == vpc
    assert subnet["AvailabilityZone"] == "us-east-1b"
    assert subnet["AvailabilityZoneId"] == "use1-az2"
    assert subnet["AvailableIpAddressCount"] == 256 - 5
    assert subnet["State"] == "available"
    assert subnet["DefaultForAz"] is False and subnet["MapPublicIpOnLaunch"] is False
    assert subnet["AssignIpv6AddressOnCreation"] is False and subnet["Ipv6Native"] is False
    assert subnet["Ipv6CidrBlockAssociationSet"] == []
    assert subnet["OwnerId"] == "123456789012"
    assert subnet["SubnetArn"] == \
        f"arn:aws:ec2:us-east-1:123456789012:subnet/{subnet['SubnetId']}"
    assert subnet["PrivateDnsNameOptionsOnLaunch"] == {
        "HostnameType": "ip-name", "EnableResourceNameDnsARecord": False,
        "EnableResourceNameDnsAAAARecord": False}
    assert ec2.describe_subnets(SubnetIds=[subnet["SubnetId"]])["Subnets"] == [subnet]


def test_create_subnet_by_zone_id_and_canonical_cidr(ec2, vpc):
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.7.9/24",
                               AvailabilityZoneId="use1-az3")["Subnet"]
    assert (subnet["CidrBlock"], subnet["AvailabilityZone"]) == ("10.0.7.0/24", "us-east-1c")


def test_smallest_and_largest_subnets(ec2, vpc):
    small = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/28")["Subnet"]
    assert small["AvailableIpAddressCount"] == 11
    other = ec2.create_vpc(CidrBlock="10.5.0.0/16")["Vpc"]["VpcId"]
    big = ec2.create_subnet(VpcId=other, CidrBlock="10.5.0.0/16")["Subnet"]
    assert big["AvailableIpAddressCount"] == 65536 - 5


@pytest.mark.parametrize("cidr, code, message", [
    ("10.0.0.0/29", "InvalidSubnet.Range", "The CIDR '10.0.0.0/29' is invalid."),
    ("10.0.0.0/15", "InvalidSubnet.Range", "The CIDR '10.0.0.0/15' is invalid."),
    ("10.1.0.0/24", "InvalidSubnet.Range", "The CIDR '10.1.0.0/24' is invalid."),
    ("bogus", "InvalidParameterValue",
     "Value (bogus) for parameter cidrBlock is invalid. This is not a valid CIDR block."),
])
def test_create_subnet_rejects_bad_blocks(ec2, vpc, cidr, code, message):
    before = subnet_ids(ec2)
    with pytest.raises(ClientError) as exc:
        ec2.create_subnet(VpcId=vpc, CidrBlock=cidr)
    assert error(exc) == (code, message)
    assert subnet_ids(ec2) == before


def test_overlapping_subnet_conflicts(ec2, vpc):
    ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")
    for cidr in ("10.0.1.0/24", "10.0.1.128/25", "10.0.0.0/23"):
        with pytest.raises(ClientError) as exc:
            ec2.create_subnet(VpcId=vpc, CidrBlock=cidr)
        assert error(exc) == ("InvalidSubnet.Conflict",
                              f"The CIDR '{cidr}' conflicts with another subnet")
    assert len(subnet_ids(ec2, Filters=[{"Name": "vpc-id", "Values": [vpc]}])) == 1


def test_subnet_may_lie_in_a_secondary_block(ec2, vpc):
    ec2.associate_vpc_cidr_block(VpcId=vpc, CidrBlock="10.1.0.0/16")
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.1.4.0/22")["Subnet"]
    assert subnet["AvailableIpAddressCount"] == 1024 - 5


def test_unknown_zone_vpc_and_missing_cidr(ec2, vpc):
    with pytest.raises(ClientError) as exc:
        ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone="us-east-1z")
    assert error(exc) == ("InvalidParameterValue",
                          "Value (us-east-1z) for parameter availabilityZone is invalid. Subnets "
                          "can currently only be created in the following availability zones: "
                          "us-east-1a, us-east-1b, us-east-1c, us-east-1d, us-east-1e, "
                          "us-east-1f.")
    with pytest.raises(ClientError) as exc:
        ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZoneId="use1-az9")
    assert error(exc)[0] == "InvalidParameterValue"
    assert "availabilityZoneId" in error(exc)[1]
    with pytest.raises(ClientError) as exc:
        ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone="us-east-1a",
                          AvailabilityZoneId="use1-az2")
    assert error(exc)[0] == "InvalidParameterCombination"
    with pytest.raises(ClientError) as exc:
        ec2.create_subnet(VpcId="vpc-0123456789abcdef0", CidrBlock="10.0.1.0/24")
    assert error(exc) == ("InvalidVpcID.NotFound",
                          "The vpc ID 'vpc-0123456789abcdef0' does not exist")
    with pytest.raises(ClientError) as exc:
        ec2.create_subnet(VpcId=vpc)
    assert error(exc) == ("MissingParameter",
                          "Either 'cidrBlock' or 'ipv4IpamPoolId' should be provided.")
    assert subnet_ids(ec2, Filters=[{"Name": "vpc-id", "Values": [vpc]}]) == []


def test_create_subnet_tags_and_dry_run(ec2, vpc):
    with pytest.raises(ClientError) as exc:
        ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", DryRun=True)
    assert error(exc)[0] == "DryRunOperation"
    with pytest.raises(ClientError) as exc:   # validation comes first
        ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/8", DryRun=True)
    assert error(exc)[0] == "InvalidSubnet.Range"
    with pytest.raises(ClientError) as exc:
        ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", TagSpecifications=[
            {"ResourceType": "vpc", "Tags": [{"Key": "a", "Value": "b"}]}])
    assert error(exc) == ("InvalidParameterValue",
                          "'vpc' is not a valid taggable resource type for this operation.")
    assert subnet_ids(ec2, Filters=[{"Name": "vpc-id", "Values": [vpc]}]) == []
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", TagSpecifications=[
        {"ResourceType": "subnet", "Tags": [{"Key": "Name", "Value": "web"}]}])["Subnet"]
    assert subnet["Tags"] == [{"Key": "Name", "Value": "web"}]


def test_untagged_subnet_has_no_tags_member(ec2, vpc):
    # AWS leaves tagSet out (clients guard for it: ansible/ansible #30349, salt #44330)
    created = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]
    [described] = ec2.describe_subnets(SubnetIds=[created["SubnetId"]])["Subnets"]
    assert "Tags" not in created and "Tags" not in described


def test_new_subnet_gets_the_default_network_acl(ec2, mock, vpc):
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    world = mock.world
    acls = world.into(subnet, schema.ASSOCIATED, "network-acl")
    assert len(acls) == 1
    assert world.graph.nodes[acls[0][0]]["IsDefault"] is True
    assert world.into(acls[0][0], schema.CONTAINS, "vpc")[0][0] == vpc


# -- IPv6 -----------------------------------------------------------------------------------
def test_dual_stack_and_ipv6_only_subnets(ec2, vpc6):
    vpc, block = vpc6
    dual = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24",
                             Ipv6CidrBlock=slash64(block, 1))["Subnet"]
    [assoc] = dual["Ipv6CidrBlockAssociationSet"]
    assert assoc["Ipv6CidrBlock"] == slash64(block, 1)
    assert assoc["Ipv6CidrBlockState"] == {"State": "associated"}
    assert assoc["AssociationId"].startswith("subnet-cidr-assoc-")
    only6 = ec2.create_subnet(VpcId=vpc, Ipv6Native=True, Ipv6CidrBlock=slash64(block, 2))["Subnet"]
    assert "CidrBlock" not in only6
    assert only6["Ipv6Native"] is True and only6["AssignIpv6AddressOnCreation"] is True
    assert only6["AvailableIpAddressCount"] == 0
    assert only6["PrivateDnsNameOptionsOnLaunch"]["HostnameType"] == "resource-name"


def test_ipv6_block_rules(ec2, vpc6, vpc):
    vpc6_id, block = vpc6
    ec2.create_subnet(VpcId=vpc6_id, CidrBlock="10.0.1.0/24", Ipv6CidrBlock=slash64(block, 1))
    with pytest.raises(ClientError) as exc:        # overlaps a sibling's /64
        ec2.create_subnet(VpcId=vpc6_id, CidrBlock="10.0.2.0/24", Ipv6CidrBlock=slash64(block, 1))
    assert error(exc)[0] == "InvalidSubnet.Conflict"
    with pytest.raises(ClientError) as exc:        # outside the VPC's /56
        ec2.create_subnet(VpcId=vpc6_id, CidrBlock="10.0.2.0/24", Ipv6CidrBlock="2001:db8::/64")
    assert error(exc)[0] == "InvalidSubnet.Range"
    with pytest.raises(ClientError) as exc:        # the VPC has no IPv6 block
        ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.2.0/24", Ipv6CidrBlock=slash64(block, 3))
    assert error(exc)[0] == "InvalidSubnet.Range"
    with pytest.raises(ClientError) as exc:
        ec2.create_subnet(VpcId=vpc6_id, Ipv6Native=True, CidrBlock="10.0.3.0/24",
                          Ipv6CidrBlock=slash64(block, 3))
    assert error(exc)[0] == "InvalidParameterCombination"
    with pytest.raises(ClientError) as exc:
        ec2.create_subnet(VpcId=vpc6_id, Ipv6Native=True)
    assert error(exc)[0] == "MissingParameter"
    # the failed dual-stack request left no half-made subnet behind
    assert len(subnet_ids(ec2, Filters=[{"Name": "vpc-id", "Values": [vpc6_id]}])) == 1


def test_associate_and_disassociate_subnet_ipv6(ec2, vpc6):
    vpc, block = vpc6
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    out = ec2.associate_subnet_cidr_block(SubnetId=subnet, Ipv6CidrBlock=slash64(block, 4))
    assert out["SubnetId"] == subnet
    assoc = out["Ipv6CidrBlockAssociation"]
    assert assoc["Ipv6CidrBlock"] == slash64(block, 4)
    assert assoc["Ipv6CidrBlockState"]["State"] == "associating"
    with pytest.raises(ClientError) as exc:
        ec2.associate_subnet_cidr_block(SubnetId=subnet, Ipv6CidrBlock=slash64(block, 5))
    assert error(exc)[0] == "CidrLimitExceeded"
    described = ec2.describe_subnets(SubnetIds=[subnet])["Subnets"][0]
    assert [a["AssociationId"] for a in described["Ipv6CidrBlockAssociationSet"]] == \
        [assoc["AssociationId"]]
    ec2.modify_subnet_attribute(SubnetId=subnet, AssignIpv6AddressOnCreation={"Value": True})
    with pytest.raises(ClientError) as exc:
        ec2.disassociate_subnet_cidr_block(AssociationId=assoc["AssociationId"])
    assert error(exc) == (
        "InvalidCidrBlock.InUse",
        f"The subnet IPv6 CIDR block with association ID {assoc['AssociationId']} may not be "
        "disassociated, because its subnet has assign-ipv6-address-on-creation set to true.")
    ec2.modify_subnet_attribute(SubnetId=subnet, AssignIpv6AddressOnCreation={"Value": False})
    out = ec2.disassociate_subnet_cidr_block(AssociationId=assoc["AssociationId"])
    assert out["SubnetId"] == subnet
    assert out["Ipv6CidrBlockAssociation"]["Ipv6CidrBlockState"]["State"] == "disassociating"
    # AWS keeps listing it as disassociated for a while (Ansible's ec2_vpc_subnet waits on it)
    [gone] = ec2.describe_subnets(SubnetIds=[subnet], Filters=[
        {"Name": "ipv6-cidr-block-association.state", "Values": ["disassociated"]}])["Subnets"][0][
        "Ipv6CidrBlockAssociationSet"]
    assert (gone["AssociationId"], gone["Ipv6CidrBlockState"]) == \
        (assoc["AssociationId"], {"State": "disassociated"})
    with pytest.raises(ClientError) as exc:
        ec2.disassociate_subnet_cidr_block(AssociationId=assoc["AssociationId"])
    assert error(exc) == (
        "InvalidSubnetCidrBlockAssociationID.NotFound",
        f"The subnet CIDR block with association ID '{assoc['AssociationId']}' does not exist")
    # the block is free again, and a new block replaces the record of the old one
    again = ec2.associate_subnet_cidr_block(SubnetId=subnet, Ipv6CidrBlock=slash64(block, 4))
    assert [a["AssociationId"] for a in ec2.describe_subnets(SubnetIds=[subnet])["Subnets"][0][
        "Ipv6CidrBlockAssociationSet"]] == [again["Ipv6CidrBlockAssociation"]["AssociationId"]]


def test_ipv6_only_subnet_keeps_its_block(ec2, vpc6):
    vpc, block = vpc6
    only6 = ec2.create_subnet(VpcId=vpc, Ipv6Native=True, Ipv6CidrBlock=slash64(block, 2))["Subnet"]
    assoc = only6["Ipv6CidrBlockAssociationSet"][0]["AssociationId"]
    with pytest.raises(ClientError) as exc:
        ec2.disassociate_subnet_cidr_block(AssociationId=assoc)
    assert error(exc)[0] == "InvalidParameterValue"
    with pytest.raises(ClientError) as exc:
        ec2.modify_subnet_attribute(SubnetId=only6["SubnetId"], MapPublicIpOnLaunch={"Value": True})
    assert error(exc)[0] == "InvalidParameterValue"


# -- delete ---------------------------------------------------------------------------------
def test_delete_subnet_takes_its_associations(ec2, mock, vpc):
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    acl = mock.world.into(subnet, schema.ASSOCIATED, "network-acl")[0][0]
    ec2.delete_subnet(SubnetId=subnet)
    assert subnet not in mock.world.graph
    assert all(v != subnet for v, _, _ in mock.world.out(acl, schema.ASSOCIATED))
    with pytest.raises(ClientError) as exc:
        ec2.describe_subnets(SubnetIds=[subnet])
    assert error(exc) == ("InvalidSubnetID.NotFound", f"The subnet ID '{subnet}' does not exist")
    with pytest.raises(ClientError) as exc:
        ec2.delete_subnet(SubnetId=subnet)
    assert error(exc)[0] == "InvalidSubnetID.NotFound"
    ec2.delete_vpc(VpcId=vpc)       # nothing left in the VPC


def test_delete_subnet_with_dependencies_is_refused(ec2, mock, vpc):
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    world = mock.world
    part = world.partition("123456789012", "us-east-1")
    with world.request():             # an interface holding an address in the subnet
        world.add(part, "network-interface", "eni-0123456789abcdef0", ips=["10.0.1.4"])
        world.link(subnet, "eni-0123456789abcdef0", schema.CONTAINS)
    assert ec2.describe_subnets(SubnetIds=[subnet])["Subnets"][0][
        "AvailableIpAddressCount"] == 250
    with pytest.raises(ClientError) as exc:
        ec2.delete_subnet(SubnetId=subnet)
    assert error(exc) == ("DependencyViolation",
                          f"The subnet '{subnet}' has dependencies and cannot be deleted.")
    assert subnet_ids(ec2, SubnetIds=[subnet]) == [subnet]
    with pytest.raises(ClientError) as exc:
        ec2.delete_vpc(VpcId=vpc)
    assert error(exc)[0] == "DependencyViolation"


def test_malformed_subnet_id(ec2):
    with pytest.raises(ClientError) as exc:
        ec2.delete_subnet(SubnetId="sn-123")
    assert error(exc) == ("InvalidSubnetID.Malformed", 'Invalid id: "sn-123" (expecting "subnet-...")')


# -- describe -------------------------------------------------------------------------------
@pytest.fixture
def three(ec2, vpc6) -> dict[str, str]:
    vpc, block = vpc6
    a = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone="us-east-1a",
                          TagSpecifications=[{"ResourceType": "subnet",
                                              "Tags": [{"Key": "tier", "Value": "web"}]}])
    b = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.2.0/28", AvailabilityZone="us-east-1b",
                          Ipv6CidrBlock=slash64(block, 9))
    c = ec2.create_subnet(VpcId=vpc, Ipv6Native=True, Ipv6CidrBlock=slash64(block, 10),
                          AvailabilityZone="us-east-1b")
    return {"vpc": vpc, "a": a["Subnet"]["SubnetId"], "b": b["Subnet"]["SubnetId"],
            "c": c["Subnet"]["SubnetId"],
            "b6": b["Subnet"]["Ipv6CidrBlockAssociationSet"][0]["AssociationId"],
            "block": block}


def find(ec2, name: str, *values: str) -> set[str]:
    return set(subnet_ids(ec2, Filters=[{"Name": name, "Values": list(values)}]))


def test_describe_subnet_filters(ec2, three):
    a, b, c, vpc = three["a"], three["b"], three["c"], three["vpc"]
    assert set(subnet_ids(ec2, Filters=[{"Name": "vpc-id", "Values": [vpc]}])) == {a, b, c}

    def find(ec2, name: str, *values: str) -> set[str]:   # within the VPC
        return set(subnet_ids(ec2, Filters=[{"Name": name, "Values": list(values)},
                                            {"Name": "vpc-id", "Values": [vpc]}]))

    for name in ("availability-zone", "availabilityZone"):
        assert find(ec2, name, "us-east-1b") == {b, c}
    for name in ("availability-zone-id", "availabilityZoneId"):
        assert find(ec2, name, "use1-az1") == {a}
    for name in ("cidr-block", "cidr", "cidrBlock"):
        assert find(ec2, name, "10.0.2.0/28") == {b}
    assert find(ec2, "available-ip-address-count", "11") == {b}
    assert find(ec2, "default-for-az", "false") == {a, b, c}
    assert find(ec2, "defaultForAz", "true") == set()
    assert len(subnet_ids(ec2, Filters=[{"Name": "default-for-az", "Values": ["true"]}])) == 6
    assert find(ec2, "ipv6-native", "true") == {c}
    assert find(ec2, "ipv6-cidr-block-association.ipv6-cidr-block", slash64(three["block"], 9)) == {b}
    assert find(ec2, "ipv6-cidr-block-association.association-id", three["b6"]) == {b}
    assert find(ec2, "ipv6-cidr-block-association.state", "associated") == {b, c}
    assert find(ec2, "map-public-ip-on-launch", "false") == {a, b, c}
    assert find(ec2, "map-customer-owned-ip-on-launch", "false") == {a, b, c}
    assert find(ec2, "enable-dns64", "false") == {a, b, c}
    assert find(ec2, "owner-id", "123456789012") == {a, b, c}
    assert find(ec2, "state", "available") == {a, b, c}
    assert find(ec2, "subnet-id", a, c) == {a, c}
    assert find(ec2, "subnet-arn", f"arn:aws:ec2:us-east-1:123456789012:subnet/{b}") == {b}
    assert find(ec2, "private-dns-name-options-on-launch.hostname-type", "resource-name") == {c}
    assert find(ec2, "private-dns-name-options-on-launch.enable-resource-name-dns-a-record",
                "true") == set()
    assert find(ec2, "private-dns-name-options-on-launch.enable-resource-name-dns-aaaa-record",
                "true") == {c}
    assert find(ec2, "tag:tier", "web") == {a}
    assert find(ec2, "tag-key", "tier") == {a}
    assert find(ec2, "tag-value", "w?b") == {a}
    assert find(ec2, "cidr-block", "10.0.*") == {a, b}
    assert find(ec2, "customer-owned-ipv4-pool", "x") == set()
    assert find(ec2, "outpost-arn", "*") == set()
    assert find(ec2, "enable-lni-at-device-index", "1") == set()


def test_describe_subnets_filters_combine_and_reject_unknown(ec2, three):
    assert set(subnet_ids(ec2, Filters=[
        {"Name": "vpc-id", "Values": [three["vpc"]]},
        {"Name": "availability-zone", "Values": ["us-east-1a", "us-east-1b"]},
        {"Name": "ipv6-native", "Values": ["false"]}])) == {three["a"], three["b"]}
    with pytest.raises(ClientError) as exc:
        ec2.describe_subnets(Filters=[{"Name": "vpc", "Values": ["x"]}])
    assert error(exc) == ("InvalidParameterValue", "The filter 'vpc' is invalid")


def test_describe_subnets_pages(ec2, three):
    seen, token, pages = [], None, 0
    while True:
        kwargs = {"MaxResults": 5, **({"NextToken": token} if token else {})}
        out = ec2.describe_subnets(**kwargs)
        assert len(out["Subnets"]) <= 5
        seen += [s["SubnetId"] for s in out["Subnets"]]
        pages += 1
        token = out.get("NextToken")
        if not token:
            break
    assert pages == 2 and len(seen) == len(set(seen)) == 9
    unchecked = boto3.client("ec2", region_name="us-east-1",
                             config=Config(parameter_validation=False))
    with pytest.raises(ClientError) as exc:
        unchecked.describe_subnets(MaxResults=4)
    assert error(exc)[0] == "InvalidParameterValue"
    paginated = [s["SubnetId"] for page in ec2.get_paginator("describe_subnets").paginate(
        PaginationConfig={"PageSize": 5}) for s in page["Subnets"]]
    assert paginated == seen


# -- attributes -----------------------------------------------------------------------------
def test_modify_subnet_attributes(ec2, vpc6):
    vpc, block = vpc6
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24",
                               Ipv6CidrBlock=slash64(block, 1))["Subnet"]["SubnetId"]
    changes = [
        ({"MapPublicIpOnLaunch": {"Value": True}}, "MapPublicIpOnLaunch", True),
        ({"AssignIpv6AddressOnCreation": {"Value": True}}, "AssignIpv6AddressOnCreation", True),
        ({"EnableDns64": {"Value": True}}, "EnableDns64", True),
        ({"PrivateDnsHostnameTypeOnLaunch": "resource-name"},
         "PrivateDnsNameOptionsOnLaunch", {"HostnameType": "resource-name",
                                           "EnableResourceNameDnsARecord": False,
                                           "EnableResourceNameDnsAAAARecord": False}),
        ({"EnableResourceNameDnsARecordOnLaunch": {"Value": True}},
         "PrivateDnsNameOptionsOnLaunch", {"HostnameType": "resource-name",
                                           "EnableResourceNameDnsARecord": True,
                                           "EnableResourceNameDnsAAAARecord": False}),
        ({"EnableResourceNameDnsAAAARecordOnLaunch": {"Value": True}},
         "PrivateDnsNameOptionsOnLaunch", {"HostnameType": "resource-name",
                                           "EnableResourceNameDnsARecord": True,
                                           "EnableResourceNameDnsAAAARecord": True}),
        ({"MapPublicIpOnLaunch": {"Value": False}}, "MapPublicIpOnLaunch", False),
    ]
    for kwargs, member, expected in changes:
        ec2.modify_subnet_attribute(SubnetId=subnet, **kwargs)
        assert ec2.describe_subnets(SubnetIds=[subnet])["Subnets"][0][member] == expected
    assert find(ec2, "map-public-ip-on-launch", "false") >= {subnet}
    assert find(ec2, "enable-dns64", "true") == {subnet}


def test_modify_subnet_attribute_rules(ec2, vpc):
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    with pytest.raises(ClientError) as exc:
        ec2.modify_subnet_attribute(SubnetId=subnet, AssignIpv6AddressOnCreation={"Value": True})
    assert error(exc) == (
        "InvalidParameterValue",
        "Invalid value 'true' for assign-ipv6-address-on-creation. Cannot set "
        "assign-ipv6-address-on-creation to true unless the subnet "
        f"({subnet}) has an IPv6 CIDR block associated with it.")
    with pytest.raises(ClientError) as exc:
        ec2.modify_subnet_attribute(SubnetId=subnet, MapPublicIpOnLaunch={"Value": True},
                                    EnableDns64={"Value": True})
    assert error(exc) == ("InvalidParameterCombination",
                          "Fields for multiple attribute types specified: mapPublicIpOnLaunch, "
                          "enableDns64")
    with pytest.raises(ClientError) as exc:
        ec2.modify_subnet_attribute(SubnetId=subnet)
    assert error(exc)[0] == "MissingParameter"
    with pytest.raises(ClientError) as exc:
        ec2.modify_subnet_attribute(SubnetId="subnet-0123456789abcdef0",
                                    MapPublicIpOnLaunch={"Value": True})
    assert error(exc)[0] == "InvalidSubnetID.NotFound"
    subnet_view = ec2.describe_subnets(SubnetIds=[subnet])["Subnets"][0]
    assert subnet_view["MapPublicIpOnLaunch"] is False
    assert subnet_view["AssignIpv6AddressOnCreation"] is False and subnet_view["EnableDns64"] is False


def test_customer_owned_ip_and_lni_attributes(ec2, vpc):
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    with pytest.raises(ClientError) as exc:
        ec2.modify_subnet_attribute(SubnetId=subnet, MapCustomerOwnedIpOnLaunch={"Value": True})
    assert error(exc)[0] == "MissingParameter"
    ec2.modify_subnet_attribute(SubnetId=subnet, MapCustomerOwnedIpOnLaunch={"Value": True},
                                CustomerOwnedIpv4Pool="ipv4pool-coip-0123456789abcdef0")
    ec2.modify_subnet_attribute(SubnetId=subnet, EnableLniAtDeviceIndex=1)
    view = ec2.describe_subnets(SubnetIds=[subnet])["Subnets"][0]
    assert view["MapCustomerOwnedIpOnLaunch"] is True
    assert view["CustomerOwnedIpv4Pool"] == "ipv4pool-coip-0123456789abcdef0"
    assert view["EnableLniAtDeviceIndex"] == 1
    assert find(ec2, "enable-lni-at-device-index", "1") == {subnet}
    with pytest.raises(ClientError) as exc:
        ec2.modify_subnet_attribute(SubnetId=subnet, EnableLniAtDeviceIndex=0)
    assert error(exc)[0] == "InvalidParameterValue"
    ec2.modify_subnet_attribute(SubnetId=subnet, DisableLniAtDeviceIndex={"Value": True})
    assert "EnableLniAtDeviceIndex" not in ec2.describe_subnets(SubnetIds=[subnet])["Subnets"][0]


# -- default subnets ------------------------------------------------------------------------
def test_default_subnets_exist_per_zone(ec2):
    subnets = ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])["Subnets"]
    assert sorted((s["AvailabilityZone"], s["CidrBlock"]) for s in subnets) == [
        ("us-east-1a", "172.31.0.0/20"), ("us-east-1b", "172.31.16.0/20"),
        ("us-east-1c", "172.31.32.0/20"), ("us-east-1d", "172.31.48.0/20"),
        ("us-east-1e", "172.31.64.0/20"), ("us-east-1f", "172.31.80.0/20")]
    assert all(s["MapPublicIpOnLaunch"] and s["AvailableIpAddressCount"] == 4091 for s in subnets)


def test_create_default_subnet(ec2):
    zone_b = find(ec2, "availability-zone", "us-east-1b")
    with pytest.raises(ClientError) as exc:
        ec2.create_default_subnet(AvailabilityZone="us-east-1b")
    [old] = zone_b
    assert error(exc) == ("DefaultSubnetAlreadyExistsInAvailabilityZone",
                          f"'{old}' is already the default subnet in us-east-1b.")
    ec2.delete_subnet(SubnetId=old)
    new = ec2.create_default_subnet(AvailabilityZone="us-east-1b")["Subnet"]
    assert (new["CidrBlock"], new["DefaultForAz"], new["MapPublicIpOnLaunch"]) == \
        ("172.31.16.0/20", True, True)
    ec2.delete_subnet(SubnetId=new["SubnetId"])
    by_id = ec2.create_default_subnet(AvailabilityZoneId="use1-az2")["Subnet"]
    assert by_id["AvailabilityZone"] == "us-east-1b"
    with pytest.raises(ClientError) as exc:
        ec2.create_default_subnet(AvailabilityZone="us-east-1q")
    assert error(exc)[0] == "InvalidParameterValue"
    with pytest.raises(ClientError) as exc:
        ec2.create_default_subnet(AvailabilityZone="us-east-1a", AvailabilityZoneId="use1-az1")
    assert error(exc)[0] == "InvalidParameterCombination"
    with pytest.raises(ClientError) as exc:
        ec2.create_default_subnet()
    assert error(exc)[0] == "MissingParameter"


def test_create_default_subnet_needs_a_default_vpc(ec2, mock):
    default = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]
    world = mock.world
    with world.request():        # as if the default VPC had been deleted
        world.update(default["VpcId"], IsDefault=False)
    with pytest.raises(ClientError) as exc:
        ec2.create_default_subnet(AvailabilityZone="us-east-1a")
    assert error(exc) == ("DefaultVpcDoesNotExist",
                          "No default VPC exists for this account in this region.")


def test_other_region_has_its_own_zones(mock):
    ec2 = boto3.client("ec2", region_name="us-west-1")
    zones = {s["AvailabilityZone"] for s in ec2.describe_subnets()["Subnets"]}
    assert zones == {"us-west-1a", "us-west-1b"}
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    with pytest.raises(ClientError) as exc:
        ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/24", AvailabilityZone="us-west-1c")
    assert error(exc)[1].endswith("availability zones: us-west-1a, us-west-1b.")
    ids = {z["ZoneName"]: z["ZoneId"] for z in ec2.describe_availability_zones()[
        "AvailabilityZones"]}
    assert ids == {"us-west-1a": "usw1-az3", "us-west-1b": "usw1-az1"}   # no usw1-az2 exists


@pytest.mark.parametrize("region, zone_id", [
    ("ap-southeast-5", "apse5-az1"), ("cn-northwest-1", "cnnw1-az1"),
    ("us-gov-west-1", "usgw1-az1"), ("mx-central-1", "mxc1-az1")])
def test_regions_outside_the_catalogue_get_aws_zone_ids(mock, region, zone_id):
    ec2 = boto3.client("ec2", region_name=region)
    zones = ec2.describe_availability_zones()["AvailabilityZones"]
    assert zones[0]["ZoneName"] == region + "a" and zones[0]["ZoneId"] == zone_id


def test_ipv6_only_subnet_errors(ec2):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]
    block = ec2.describe_vpcs(VpcIds=[vpc["VpcId"]])["Vpcs"][0][
        "Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"]
    for extra in ({}, {"CidrBlock": "10.0.0.0/24"}):
        with pytest.raises(ClientError) as exc:
            ec2.create_subnet(VpcId=vpc["VpcId"], Ipv6Native=True, **extra)
        assert error(exc) == ("MissingParameter",
                              "Either 'ipv6CidrBlock' or 'ipv6IpamPoolId' should be provided.")
    subnet_block = block.replace("/56", "/64")
    with pytest.raises(ClientError) as exc:
        ec2.create_subnet(VpcId=vpc["VpcId"], Ipv6Native=True, CidrBlock="10.0.0.0/24",
                          Ipv6CidrBlock=subnet_block)
    assert error(exc) == ("InvalidParameterCombination",
                          "When specifying ipv4 parameters, cidrBlock or ipv4IpamPoolId, you "
                          "cannot set ipv6Native to true.")
    subnet = ec2.create_subnet(VpcId=vpc["VpcId"], Ipv6Native=True,
                               Ipv6CidrBlock=subnet_block)["Subnet"]
    assert subnet["Ipv6Native"] is True and "CidrBlock" not in subnet


# -- server ---------------------------------------------------------------------------------
def test_subnet_round_trip_against_server(server_ec2):
    vpc = server_ec2.create_vpc(CidrBlock="10.3.0.0/16")["Vpc"]["VpcId"]
    subnet = server_ec2.create_subnet(VpcId=vpc, CidrBlock="10.3.1.0/24",
                                      AvailabilityZone="us-east-1c")["Subnet"]
    server_ec2.modify_subnet_attribute(SubnetId=subnet["SubnetId"],
                                       MapPublicIpOnLaunch={"Value": True})
    found = server_ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]
    assert [(s["CidrBlock"], s["MapPublicIpOnLaunch"]) for s in found] == [("10.3.1.0/24", True)]
    with pytest.raises(ClientError) as exc:
        server_ec2.create_subnet(VpcId=vpc, CidrBlock="10.3.1.0/25")
    assert error(exc)[0] == "InvalidSubnet.Conflict"
    server_ec2.delete_subnet(SubnetId=subnet["SubnetId"])
    assert server_ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"] == []


@pytest.mark.parametrize(("region", "limited"), [("us-east-1", "us-east-1e"),
                                                 ("us-west-2", "us-west-2d")])
def test_a_zone_picked_for_you_offers_every_instance_family(mock, region, limited):
    """Without a zone, the subnet goes to a zone where any instance type launches (never
    us-east-1e, which offers t2 and i3 only), spread over those zones."""
    ec2 = boto3.client("ec2", region_name=region)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    zones = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{n}.0/24")["Subnet"]
             ["AvailabilityZone"] for n in range(40)]
    assert limited not in zones and len(set(zones)) > 2
    image = ec2.describe_images(Owners=["amazon"], Filters=[
        {"Name": "architecture", "Values": ["x86_64"]}])["Images"][0]["ImageId"]
    for subnet in ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]:
        for itype in ("t3.micro", "t2.micro", "m5.large"):
            if ec2.describe_instance_type_offerings(
                    LocationType="availability-zone",
                    Filters=[{"Name": "location", "Values": [subnet["AvailabilityZone"]]},
                             {"Name": "instance-type", "Values": [itype]}])["InstanceTypeOfferings"]:
                continue
            pytest.fail(f"{itype} is not offered in {subnet['AvailabilityZone']}")
