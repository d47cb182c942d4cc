"""Tag operations through boto3: create_tags, delete_tags, describe_tags, TagSpecifications."""
from __future__ import annotations

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from helpers import error

RESERVED = "Tag keys starting with 'aws:' are reserved for internal use"
LIMIT = ("TagLimitExceeded", "The maximum number of Tags for a resource has been reached.")


@pytest.fixture
def res(ec2) -> dict[str, str]:
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    return {"vpc": vpc, "subnet": subnet}


def tags_of(ec2, rid: str) -> dict[str, str]:
    out = ec2.describe_tags(Filters=[{"Name": "resource-id", "Values": [rid]}])["Tags"]
    assert all(t["ResourceId"] == rid for t in out)
    return {t["Key"]: t["Value"] for t in out}


# -- create_tags ----------------------------------------------------------------------------
def test_create_tags_on_many_resources(ec2, res):
    ec2.create_tags(Resources=[res["vpc"], res["subnet"]],
                    Tags=[{"Key": "env", "Value": "prod"}, {"Key": "team", "Value": "a&b<c>"}])
    for rid in res.values():
        assert tags_of(ec2, rid) == {"env": "prod", "team": "a&b<c>"}
    vpc = ec2.describe_vpcs(VpcIds=[res["vpc"]])["Vpcs"][0]
    assert sorted(vpc["Tags"], key=lambda t: t["Key"]) == [
        {"Key": "env", "Value": "prod"}, {"Key": "team", "Value": "a&b<c>"}]
    assert ec2.describe_subnets(Filters=[{"Name": "tag:env", "Values": ["prod"]}])[
        "Subnets"][0]["SubnetId"] == res["subnet"]


def test_create_tags_overwrites_and_empty_value(ec2, res):
    ec2.create_tags(Resources=[res["vpc"]], Tags=[{"Key": "env", "Value": "dev"}])
    ec2.create_tags(Resources=[res["vpc"]], Tags=[{"Key": "env", "Value": "prod"},
                                                   {"Key": "flag", "Value": ""}, {"Key": "bare"}])
    assert tags_of(ec2, res["vpc"]) == {"env": "prod", "flag": "", "bare": ""}
    assert ec2.describe_vpcs(Filters=[{"Name": "tag:env", "Values": ["dev"]}])["Vpcs"] == []


def test_tag_limit_counts_keys_once(ec2, res):
    fifty = [{"Key": f"k{i}", "Value": str(i)} for i in range(50)]
    ec2.create_tags(Resources=[res["vpc"]], Tags=fifty)
    ec2.create_tags(Resources=[res["vpc"]], Tags=[{"Key": "k0", "Value": "new"}])  # overwrite
    with pytest.raises(ClientError) as exc:
        ec2.create_tags(Resources=[res["vpc"]], Tags=[{"Key": "k50", "Value": "x"}])
    assert error(exc) == LIMIT
    with pytest.raises(ClientError) as exc:   # all or nothing across resources
        ec2.create_tags(Resources=[res["subnet"], res["vpc"]], Tags=[{"Key": "k99", "Value": "x"}])
    assert error(exc) == LIMIT
    assert tags_of(ec2, res["subnet"]) == {}
    assert len(tags_of(ec2, res["vpc"])) == 50
    with pytest.raises(ClientError) as exc:
        ec2.create_tags(Resources=[res["subnet"]],
                        Tags=[{"Key": f"n{i}", "Value": ""} for i in range(51)])
    assert error(exc) == LIMIT


def test_create_tags_rejects_reserved_and_bad_keys(ec2, res):
    for key in ("aws:cloudformation:stack-name", "AWS:x"):
        with pytest.raises(ClientError) as exc:
            ec2.create_tags(Resources=[res["vpc"]], Tags=[{"Key": "ok", "Value": "1"},
                                                          {"Key": key, "Value": "v"}])
        assert error(exc) == ("InvalidParameterValue",
                              f"Value ( {key} ) for parameter key is invalid. {RESERVED}")
    with pytest.raises(ClientError) as exc:
        ec2.create_tags(Resources=[res["vpc"]], Tags=[{"Key": "k" * 129, "Value": "v"}])
    assert error(exc)[0] == "InvalidParameterValue"
    with pytest.raises(ClientError) as exc:
        ec2.create_tags(Resources=[res["vpc"]], Tags=[{"Key": "k", "Value": "v" * 257}])
    assert error(exc)[0] == "InvalidParameterValue"
    ec2.create_tags(Resources=[res["vpc"]], Tags=[{"Key": "k" * 128, "Value": "v" * 256}])
    assert tags_of(ec2, res["vpc"]) == {"k" * 128: "v" * 256}


def test_create_tags_unknown_and_invalid_ids(ec2, res):
    cases = [
        ("vpc-0123456789abcdef0", "InvalidVpcID.NotFound",
         "The vpc ID 'vpc-0123456789abcdef0' does not exist"),
        ("subnet-12345678", "InvalidSubnetID.NotFound", "The subnet ID 'subnet-12345678' does not exist"),
        ("rtb-0123456789abcdef0", "InvalidRouteTableID.NotFound",
         "The routeTable ID 'rtb-0123456789abcdef0' does not exist"),
        ("nonsense-123", "InvalidID", "The ID 'nonsense-123' is not valid"),
        ("vpc-xyz", "InvalidID", "The ID 'vpc-xyz' is not valid"),
    ]
    for rid, code, message in cases:
        with pytest.raises(ClientError) as exc:
            ec2.create_tags(Resources=[res["vpc"], rid], Tags=[{"Key": "a", "Value": "b"}])
        assert error(exc) == (code, message)
    assert tags_of(ec2, res["vpc"]) == {}       # nothing tagged by the failed calls
    assoc = ec2.describe_vpcs(VpcIds=[res["vpc"]])["Vpcs"][0]["CidrBlockAssociationSet"][0]
    with pytest.raises(ClientError) as exc:     # CIDR associations carry no tags
        ec2.create_tags(Resources=[assoc["AssociationId"]], Tags=[{"Key": "a", "Value": "b"}])
    assert error(exc)[0] == "InvalidID"


def test_resources_of_another_region_are_not_found(ec2, res, mock):
    west = boto3.client("ec2", region_name="us-west-2")
    with pytest.raises(ClientError) as exc:
        west.create_tags(Resources=[res["vpc"]], Tags=[{"Key": "a", "Value": "b"}])
    assert error(exc) == ("InvalidVpcID.NotFound", f"The vpc ID '{res['vpc']}' does not exist")


def test_create_tags_dry_run(ec2, res):
    with pytest.raises(ClientError) as exc:
        ec2.create_tags(Resources=[res["vpc"]], Tags=[{"Key": "a", "Value": "b"}], DryRun=True)
    assert error(exc)[0] == "DryRunOperation"
    with pytest.raises(ClientError) as exc:
        ec2.create_tags(Resources=["vpc-0123456789abcdef0"], Tags=[{"Key": "a", "Value": "b"}],
                        DryRun=True)
    assert error(exc)[0] == "InvalidVpcID.NotFound"
    assert tags_of(ec2, res["vpc"]) == {}


# -- delete_tags ----------------------------------------------------------------------------
def test_delete_tags_semantics(ec2, res):
    vpc = res["vpc"]
    ec2.create_tags(Resources=[vpc], Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"},
                                           {"Key": "c", "Value": ""}, {"Key": "d", "Value": "4"}])
    ec2.delete_tags(Resources=[vpc], Tags=[{"Key": "a", "Value": "not-1"}])   # value mismatch
    assert "a" in tags_of(ec2, vpc)
    ec2.delete_tags(Resources=[vpc], Tags=[{"Key": "a", "Value": "1"}])       # value match
    assert "a" not in tags_of(ec2, vpc)
    ec2.delete_tags(Resources=[vpc], Tags=[{"Key": "b", "Value": ""}])        # "" only matches ""
    ec2.delete_tags(Resources=[vpc], Tags=[{"Key": "c", "Value": ""}])
    assert tags_of(ec2, vpc) == {"b": "2", "d": "4"}
    ec2.delete_tags(Resources=[vpc], Tags=[{"Key": "b"}, {"Key": "missing"}])  # key alone
    assert tags_of(ec2, vpc) == {"d": "4"}
    assert ec2.describe_vpcs(Filters=[{"Name": "tag:b", "Values": ["2"]}])["Vpcs"] == []


def test_delete_all_tags_of_many_resources(ec2, res):
    ec2.create_tags(Resources=list(res.values()), Tags=[{"Key": "x", "Value": "1"},
                                                        {"Key": "y", "Value": "2"}])
    ec2.delete_tags(Resources=list(res.values()))
    assert all(tags_of(ec2, rid) == {} for rid in res.values())
    assert ec2.describe_tags(Filters=[{"Name": "key", "Values": ["x", "y"]}])["Tags"] == []


def test_delete_tags_errors_leave_tags(ec2, res):
    ec2.create_tags(Resources=[res["vpc"]], Tags=[{"Key": "a", "Value": "1"}])
    with pytest.raises(ClientError) as exc:
        ec2.delete_tags(Resources=[res["vpc"], "subnet-0123456789abcdef0"])
    assert error(exc) == ("InvalidSubnetID.NotFound",
                          "The subnet ID 'subnet-0123456789abcdef0' does not exist")
    with pytest.raises(ClientError) as exc:
        ec2.delete_tags(Resources=[res["vpc"]], Tags=[{"Key": "aws:x"}])
    assert error(exc) == ("InvalidParameterValue",
                          f"Value ( aws:x ) for parameter key is invalid. {RESERVED}")
    with pytest.raises(ClientError) as exc:
        ec2.delete_tags(Resources=[res["vpc"]], DryRun=True)
    assert error(exc)[0] == "DryRunOperation"
    assert tags_of(ec2, res["vpc"]) == {"a": "1"}


# -- describe_tags --------------------------------------------------------------------------
@pytest.fixture
def tagged(ec2, res) -> dict[str, str]:
    ec2.create_tags(Resources=[res["vpc"]], Tags=[{"Key": "Name", "Value": "main"},
                                                  {"Key": "env", "Value": "prod"}])
    ec2.create_tags(Resources=[res["subnet"]], Tags=[{"Key": "Name", "Value": "web"},
                                                     {"Key": "env", "Value": "dev"}])
    return res


def rows(ec2, *filters: tuple[str, list[str]]) -> set[tuple[str, str, str, str]]:
    out = ec2.describe_tags(Filters=[{"Name": n, "Values": v} for n, v in filters])["Tags"]
    return {(t["ResourceId"], t["ResourceType"], t["Key"], t["Value"]) for t in out}


def test_describe_tags_filters(ec2, tagged):
    vpc, subnet = tagged["vpc"], tagged["subnet"]
    everything = rows(ec2)
    assert everything == {(vpc, "vpc", "Name", "main"), (vpc, "vpc", "env", "prod"),
                          (subnet, "subnet", "Name", "web"), (subnet, "subnet", "env", "dev")}
    assert rows(ec2, ("key", ["env"])) == {(vpc, "vpc", "env", "prod"),
                                           (subnet, "subnet", "env", "dev")}
    assert rows(ec2, ("value", ["we*"])) == {(subnet, "subnet", "Name", "web")}
    assert rows(ec2, ("value", ["prod", "dev"])) == {(vpc, "vpc", "env", "prod"),
                                                     (subnet, "subnet", "env", "dev")}
    assert rows(ec2, ("resource-id", [subnet])) == {(subnet, "subnet", "Name", "web"),
                                                    (subnet, "subnet", "env", "dev")}
    assert rows(ec2, ("resource-type", ["vpc"])) == {(vpc, "vpc", "Name", "main"),
                                                     (vpc, "vpc", "env", "prod")}
    # tag:K picks resources; every tag of theirs is listed
    assert rows(ec2, ("tag:env", ["prod"])) == {(vpc, "vpc", "Name", "main"),
                                                (vpc, "vpc", "env", "prod")}
    assert rows(ec2, ("tag:env", ["p*"]), ("key", ["Name"])) == {(vpc, "vpc", "Name", "main")}
    assert rows(ec2, ("key", ["Name"]), ("resource-type", ["subnet"])) == {
        (subnet, "subnet", "Name", "web")}
    assert rows(ec2, ("key", ["nope"])) == set()
    assert rows(ec2, ("resource-id", ["vpc-0123456789abcdef0"])) == set()
    with pytest.raises(ClientError) as exc:
        ec2.describe_tags(Filters=[{"Name": "resource", "Values": ["x"]}])
    assert error(exc) == ("InvalidParameterValue", "The filter 'resource' is invalid")


def test_describe_tags_is_per_region_and_account(ec2, tagged, mock):
    west = boto3.client("ec2", region_name="us-west-2")
    assert west.describe_tags()["Tags"] == []
    other = boto3.client("ec2", region_name="us-east-1", aws_access_key_id="111122223333",
                         aws_secret_access_key="x")
    assert other.describe_tags()["Tags"] == []


def test_describe_tags_pages(ec2, res):
    ec2.create_tags(Resources=[res["vpc"]], Tags=[{"Key": f"k{i:02}", "Value": "v"} for i in range(7)])
    ec2.create_tags(Resources=[res["subnet"]], Tags=[{"Key": f"s{i}", "Value": "v"} for i in range(4)])
    first = ec2.describe_tags(MaxResults=5)
    assert len(first["Tags"]) == 5 and first["NextToken"]
    # a change between pages neither repeats nor skips what remains
    ec2.delete_tags(Resources=[res["vpc"]], Tags=[{"Key": "k00"}])
    rest, token = [], first["NextToken"]
    while token:
        page = ec2.describe_tags(MaxResults=5, NextToken=token)
        rest += page["Tags"]
        token = page.get("NextToken")
    keys = [t["Key"] for t in first["Tags"] + rest]
    assert len(keys) == len(set(keys)) == 11
    all_pages = [t for p in ec2.get_paginator("describe_tags").paginate(
        PaginationConfig={"PageSize": 5}) for t in p["Tags"]]
    assert len(all_pages) == 10
    unchecked = boto3.client("ec2", region_name="us-east-1",
                             config=Config(parameter_validation=False))
    for bad in (4, 1001):
        with pytest.raises(ClientError) as exc:
            unchecked.describe_tags(MaxResults=bad)
        assert error(exc) == ("InvalidParameterValue",
                              f"Value ( {bad} ) for parameter MaxResults is invalid. "
                              "Parameter must be between 5 and 1000.")
    with pytest.raises(ClientError) as exc:
        ec2.describe_tags(NextToken="garbage")
    assert error(exc)[0] == "InvalidPaginationToken"


def test_deleted_resource_loses_its_tags(ec2, tagged):
    ec2.delete_subnet(SubnetId=tagged["subnet"])
    assert {r[0] for r in rows(ec2)} == {tagged["vpc"]}


# -- TagSpecifications ----------------------------------------------------------------------
def test_tag_specifications_rules(ec2):
    with pytest.raises(ClientError) as exc:
        ec2.create_vpc(CidrBlock="10.0.0.0/16", TagSpecifications=[
            {"ResourceType": "vpc", "Tags": [{"Key": "aws:x", "Value": "1"}]}])
    assert error(exc) == ("InvalidParameterValue", RESERVED)
    with pytest.raises(ClientError) as exc:
        ec2.create_vpc(CidrBlock="10.0.0.0/16", TagSpecifications=[
            {"ResourceType": "vpc", "Tags": [{"Key": f"k{i}", "Value": ""} for i in range(51)]}])
    assert error(exc) == LIMIT
    with pytest.raises(ClientError) as exc:
        ec2.create_vpc(CidrBlock="10.0.0.0/16", TagSpecifications=[{"ResourceType": "vpc"}])
    assert error(exc) == ("InvalidParameterValue", "Tag specification must have at least one tag")
    assert len(ec2.describe_vpcs()["Vpcs"]) == 1


# -- server ---------------------------------------------------------------------------------
def test_tags_round_trip_against_server(server_ec2):
    vpc = server_ec2.create_vpc(CidrBlock="10.4.0.0/16")["Vpc"]["VpcId"]
    server_ec2.create_tags(Resources=[vpc], Tags=[{"Key": "Name", "Value": "ü & <x>"},
                                                  {"Key": "empty", "Value": ""}])
    server_ec2.delete_tags(Resources=[vpc], Tags=[{"Key": "empty", "Value": ""}])
    out = server_ec2.describe_tags(Filters=[{"Name": "resource-id", "Values": [vpc]}])["Tags"]
    assert out == [{"Key": "Name", "ResourceId": vpc, "ResourceType": "vpc", "Value": "ü & <x>"}]


@pytest.mark.parametrize("call", ["create_tags", "delete_tags"])
def test_tags_without_resources_name_the_resource_set(server_ec2, call):
    kwargs = {"Tags": [{"Key": "k", "Value": "v"}]} if call == "create_tags" else {}
    with pytest.raises(ClientError) as exc:
        getattr(server_ec2, call)(Resources=[], **kwargs)
    assert error(exc) == ("MissingParameter",
                          "The request must contain the parameter resourceIdSet")
