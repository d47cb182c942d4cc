"""Managed prefix lists and AWS-managed prefix lists through boto3, in-process and against
the server."""
from __future__ import annotations

import boto3
import pytest

from helpers import fails

ACCOUNT, OTHER = "123456789012", "111122223333"
S3_PL, DDB_PL = "pl-63a5400a", "pl-02cd2c6b"


def create(ec2, name: str = "corp", max_entries: int = 5, family: str = "IPv4",
           entries: list[str] | None = None, **kwargs) -> dict:
    return ec2.create_managed_prefix_list(
        PrefixListName=name, MaxEntries=max_entries, AddressFamily=family,
        Entries=[{"Cidr": c} for c in entries or []], **kwargs)["PrefixList"]


def described(ec2, pl_id: str) -> dict:
    return ec2.describe_managed_prefix_lists(PrefixListIds=[pl_id])["PrefixLists"][0]


def cidrs(ec2, pl_id: str, **kwargs) -> list[str]:
    return [e["Cidr"] for e in ec2.get_managed_prefix_list_entries(
        PrefixListId=pl_id, **kwargs)["Entries"]]


def mine(ec2) -> list[str]:
    return [p["PrefixListId"] for p in ec2.describe_managed_prefix_lists(Filters=[
        {"Name": "owner-id", "Values": [ACCOUNT]}])["PrefixLists"]]


# -- AWS-managed lists ----------------------------------------------------------------------------
def test_describe_prefix_lists_shows_the_aws_services(ec2):
    lists = {p["PrefixListName"]: p for p in ec2.describe_prefix_lists()["PrefixLists"]}
    assert set(lists) == {"com.amazonaws.us-east-1.s3", "com.amazonaws.us-east-1.dynamodb"}
    assert lists["com.amazonaws.us-east-1.s3"]["PrefixListId"] == S3_PL
    assert lists["com.amazonaws.us-east-1.dynamodb"]["PrefixListId"] == DDB_PL
    assert "52.216.0.0/15" in lists["com.amazonaws.us-east-1.s3"]["Cidrs"]
    assert "52.94.0.0/22" in lists["com.amazonaws.us-east-1.dynamodb"]["Cidrs"]


def test_aws_lists_are_stable_per_region(ec2):
    west = boto3.client("ec2", region_name="eu-west-3")
    first = {p["PrefixListName"]: p for p in west.describe_prefix_lists()["PrefixLists"]}
    assert set(first) == {"com.amazonaws.eu-west-3.s3", "com.amazonaws.eu-west-3.dynamodb"}
    s3 = first["com.amazonaws.eu-west-3.s3"]
    assert s3["PrefixListId"].startswith("pl-") and len(s3["PrefixListId"]) == 11
    assert s3["PrefixListId"] not in (S3_PL, DDB_PL)
    other = boto3.client("ec2", region_name="eu-west-3", aws_access_key_id=OTHER,
                         aws_secret_access_key="x")
    again = {p["PrefixListName"]: p for p in other.describe_prefix_lists()["PrefixLists"]}
    assert again == first


def test_describe_prefix_lists_ids_and_filters(ec2):
    assert [p["PrefixListId"] for p in ec2.describe_prefix_lists(
        PrefixListIds=[DDB_PL])["PrefixLists"]] == [DDB_PL]
    assert [p["PrefixListId"] for p in ec2.describe_prefix_lists(Filters=[
        {"Name": "prefix-list-name", "Values": ["*.s3"]}])["PrefixLists"]] == [S3_PL]
    assert [p["PrefixListId"] for p in ec2.describe_prefix_lists(Filters=[
        {"Name": "prefix-list-id", "Values": [DDB_PL]}])["PrefixLists"]] == [DDB_PL]
    assert fails(ec2.describe_prefix_lists, PrefixListIds=["pl-0123456789abcdef0"]) == (
        "InvalidPrefixListID.NotFound", "The prefix list ID 'pl-0123456789abcdef0' does not exist")
    mine_id = create(ec2)["PrefixListId"]       # customer lists are not AWS services
    assert fails(ec2.describe_prefix_lists, PrefixListIds=[mine_id])[0] == \
        "InvalidPrefixListID.NotFound"
    assert fails(ec2.describe_prefix_lists, Filters=[{"Name": "owner-id", "Values": ["x"]}])[0] \
        == "InvalidParameterValue"


def test_managed_describe_includes_aws_lists(ec2):
    own = create(ec2)["PrefixListId"]
    lists = {p["PrefixListId"]: p for p in ec2.describe_managed_prefix_lists()["PrefixLists"]}
    assert set(lists) == {own, S3_PL, DDB_PL}
    s3 = lists[S3_PL]
    assert s3 == {"PrefixListId": S3_PL, "AddressFamily": "IPv4", "State": "create-complete",
                  "PrefixListArn": f"arn:aws:ec2:us-east-1:aws:prefix-list/{S3_PL}",
                  "PrefixListName": "com.amazonaws.us-east-1.s3", "Tags": [], "OwnerId": "AWS"}
    aws = ec2.describe_managed_prefix_lists(Filters=[{"Name": "owner-id", "Values": ["AWS"]}])
    assert {p["PrefixListId"] for p in aws["PrefixLists"]} == {S3_PL, DDB_PL}
    assert mine(ec2) == [own]
    assert "16.182.0.0/16" in cidrs(ec2, S3_PL)


def test_aws_lists_cannot_be_changed(ec2):
    assert fails(ec2.modify_managed_prefix_list, PrefixListId=S3_PL,
                 PrefixListName="mine") == (
        "UnsupportedOperation",
        f"The prefix list {S3_PL} is an AWS-managed prefix list and cannot be modified.")
    assert fails(ec2.delete_managed_prefix_list, PrefixListId=DDB_PL)[0] == "UnsupportedOperation"
    assert described(ec2, S3_PL)["PrefixListName"] == "com.amazonaws.us-east-1.s3"


# -- create ---------------------------------------------------------------------------------------
def test_create_and_describe(ec2):
    pl = create(ec2, entries=["10.0.0.0/16", "192.168.1.7/24"],
                TagSpecifications=[{"ResourceType": "prefix-list",
                                    "Tags": [{"Key": "Name", "Value": "corp"}]}])
    pl_id = pl["PrefixListId"]
    assert pl_id.startswith("pl-") and len(pl_id) == 20
    assert pl["State"] == "create-in-progress" and pl["Version"] == 1 and pl["MaxEntries"] == 5
    assert pl["OwnerId"] == ACCOUNT and pl["AddressFamily"] == "IPv4"
    assert pl["PrefixListArn"] == f"arn:aws:ec2:us-east-1:{ACCOUNT}:prefix-list/{pl_id}"
    assert pl["Tags"] == [{"Key": "Name", "Value": "corp"}]
    got = described(ec2, pl_id)
    assert got["State"] == "create-complete" and got["PrefixListName"] == "corp"
    entries = ec2.get_managed_prefix_list_entries(PrefixListId=pl_id)["Entries"]
    assert entries == [{"Cidr": "10.0.0.0/16"}, {"Cidr": "192.168.1.0/24"}]


def test_entry_descriptions_and_ipv6(ec2):
    pl = ec2.create_managed_prefix_list(
        PrefixListName="v6", MaxEntries=2, AddressFamily="IPv6",
        Entries=[{"Cidr": "2001:db8::/32", "Description": "docs"}])["PrefixList"]
    assert ec2.get_managed_prefix_list_entries(PrefixListId=pl["PrefixListId"])["Entries"] == [
        {"Cidr": "2001:db8::/32", "Description": "docs"}]


@pytest.mark.parametrize("kwargs, code, message", [
    ({"entries": ["2001:db8::/32"]}, "InvalidParameterValue",
     "The CIDR '2001:db8::/32' does not match the address family IPv4 of the prefix list."),
    ({"entries": ["10.0.0.0/33"]}, "InvalidParameterValue", "The CIDR '10.0.0.0/33' is invalid."),
    ({"entries": ["bogus"]}, "InvalidParameterValue", "The CIDR 'bogus' is invalid."),
    ({"entries": ["10.0.0.0/8", "10.0.0.0/8"]}, "InvalidParameterValue",
     "Request cannot contain duplicate Cidr 10.0.0.0/8."),
    ({"max_entries": 0}, "InvalidParameterValue",
     "The value (0) for MaxEntries is invalid. It must be between 1 and 1000."),
    ({"max_entries": 1001}, "InvalidParameterValue",
     "The value (1001) for MaxEntries is invalid. It must be between 1 and 1000."),
    ({"max_entries": 1, "entries": ["10.0.0.0/8", "11.0.0.0/8"]}, "PrefixListMaxEntriesExceeded",
     "The prefix list has 2 entries, which exceeds its maximum of 1 entries."),
    ({"family": "IPv5"}, "InvalidParameterValue",
     "The value (IPv5) for AddressFamily is invalid. Valid values are IPv4 and IPv6."),
    ({"name": "com.amazonaws.mine"}, "InvalidParameterValue",
     "The prefix list name cannot begin with (com.amazonaws., com.amazon., com.aws.)."),
    ({"name": "com.aws.mine"}, "InvalidParameterValue",
     "The prefix list name cannot begin with (com.amazonaws., com.amazon., com.aws.)."),
    ({"name": "x" * 256}, "InvalidParameterValue",
     "The prefix list name must be between 1 and 255 characters long."),
])
def test_create_errors(ec2, kwargs, code, message):
    assert fails(create, ec2=ec2, **kwargs) == (code, message)
    assert mine(ec2) == []


def test_reserved_prefixes_need_their_dot(ec2):
    assert create(ec2, name="com.amazonaws-probe")["PrefixListName"] == "com.amazonaws-probe"


def test_dry_run_and_client_token(ec2):
    assert fails(create, ec2=ec2, DryRun=True)[0] == "DryRunOperation"
    assert mine(ec2) == []
    one = create(ec2, ClientToken="t1")["PrefixListId"]
    assert create(ec2, ClientToken="t1")["PrefixListId"] == one
    assert fails(create, ec2=ec2, name="other", ClientToken="t1")[0] == \
        "IdempotentParameterMismatch"
    assert mine(ec2) == [one]


def test_other_accounts_do_not_see_my_lists(ec2, mock):
    pl_id = create(ec2)["PrefixListId"]
    other = boto3.client("ec2", region_name="us-east-1", aws_access_key_id=OTHER,
                         aws_secret_access_key="x")
    assert fails(other.describe_managed_prefix_lists, PrefixListIds=[pl_id]) == (
        "InvalidPrefixListID.NotFound", f"The prefix list ID '{pl_id}' does not exist")
    assert {p["PrefixListId"] for p in other.describe_managed_prefix_lists()["PrefixLists"]} \
        == {S3_PL, DDB_PL}


# -- modify ---------------------------------------------------------------------------------------
def test_versions(ec2):
    pl_id = create(ec2, entries=["10.0.0.0/16"])["PrefixListId"]
    out = ec2.modify_managed_prefix_list(PrefixListId=pl_id, CurrentVersion=1,
                                         AddEntries=[{"Cidr": "10.1.0.0/16", "Description": "b"}])
    assert out["PrefixList"]["Version"] == 2 and out["PrefixList"]["State"] == "modify-in-progress"
    ec2.modify_managed_prefix_list(PrefixListId=pl_id, CurrentVersion=2,
                                   RemoveEntries=[{"Cidr": "10.0.0.0/16"}])
    got = described(ec2, pl_id)
    assert got["Version"] == 3 and got["State"] == "modify-complete"
    assert cidrs(ec2, pl_id) == ["10.1.0.0/16"]
    assert cidrs(ec2, pl_id, TargetVersion=1) == ["10.0.0.0/16"]
    assert cidrs(ec2, pl_id, TargetVersion=2) == ["10.0.0.0/16", "10.1.0.0/16"]
    assert fails(ec2.get_managed_prefix_list_entries, PrefixListId=pl_id, TargetVersion=9)[0] \
        == "InvalidParameterValue"
    # a rename or a resize keeps the version
    ec2.modify_managed_prefix_list(PrefixListId=pl_id, PrefixListName="renamed")
    ec2.modify_managed_prefix_list(PrefixListId=pl_id, MaxEntries=10)
    got = described(ec2, pl_id)
    assert (got["Version"], got["PrefixListName"], got["MaxEntries"]) == (3, "renamed", 10)


def test_version_mismatch(ec2):
    pl_id = create(ec2)["PrefixListId"]
    assert fails(ec2.modify_managed_prefix_list, PrefixListId=pl_id, CurrentVersion=7,
                 AddEntries=[{"Cidr": "10.0.0.0/8"}]) == (
        "PrefixListVersionMismatch", "The prefix list has the incorrect version number.")
    assert cidrs(ec2, pl_id) == [] and described(ec2, pl_id)["Version"] == 1


@pytest.mark.parametrize("kwargs, code, message", [
    ({"RemoveEntries": [{"Cidr": "172.16.0.0/12"}]}, "InvalidPrefixListModification",
     "The request cannot be completed. The entry 172.16.0.0/12 does not exist."),
    ({"AddEntries": [{"Cidr": "10.0.0.0/16"}]}, "InvalidPrefixListModification",
     "The request cannot be completed. The entry 10.0.0.0/16 already exists."),
    ({"AddEntries": [{"Cidr": "10.0.0.0/16"}], "RemoveEntries": [{"Cidr": "10.0.0.0/16"}]},
     "InvalidParameterValue", "Request cannot contain Cidr 10.0.0.0/16 in both "
                              "AddPrefixListEntries and RemovePrefixListEntries"),
    ({"AddEntries": [{"Cidr": "10.9.0.0/16"}], "MaxEntries": 9}, "InvalidParameterCombination",
     "You cannot modify the entries and the maximum number of entries for the prefix list in "
     "the same request."),
    ({"AddEntries": [{"Cidr": "10.2.0.0/16"}, {"Cidr": "10.3.0.0/16"}]},
     "PrefixListMaxEntriesExceeded",
     "The prefix list has 3 entries, which exceeds its maximum of 2 entries."),
    ({"MaxEntries": 0}, "InvalidParameterValue",
     "The value (0) for MaxEntries is invalid. It must be between 1 and 1000."),
    ({"AddEntries": [{"Cidr": f"10.{i}.0.0/16"} for i in range(101)]}, "InvalidParameterValue",
     "The request cannot contain more than 100 entry additions or removals."),
    ({"PrefixListName": "com.amazon.x"}, "InvalidParameterValue",
     "The prefix list name cannot begin with (com.amazonaws., com.amazon., com.aws.)."),
])
def test_modify_errors(ec2, kwargs, code, message):
    pl_id = create(ec2, max_entries=2, entries=["10.0.0.0/16", "10.1.0.0/16"][:1])["PrefixListId"]
    assert fails(ec2.modify_managed_prefix_list, PrefixListId=pl_id, **kwargs) == (code, message)
    got = described(ec2, pl_id)
    assert (got["Version"], got["MaxEntries"], got["PrefixListName"]) == (1, 2, "corp")
    assert cidrs(ec2, pl_id) == ["10.0.0.0/16"]


def test_shrinking_below_the_entries(ec2):
    pl_id = create(ec2, entries=["10.0.0.0/16", "10.1.0.0/16"])["PrefixListId"]
    assert fails(ec2.modify_managed_prefix_list, PrefixListId=pl_id, MaxEntries=1)[0] == \
        "PrefixListMaxEntriesExceeded"
    assert described(ec2, pl_id)["MaxEntries"] == 5


def test_unknown_lists(ec2):
    for call, kwargs in ((ec2.modify_managed_prefix_list, {"PrefixListName": "x"}),
                         (ec2.delete_managed_prefix_list, {}),
                         (ec2.get_managed_prefix_list_entries, {})):
        assert fails(call, PrefixListId="pl-0123456789abcdef0", **kwargs) == (
            "InvalidPrefixListID.NotFound",
            "The prefix list ID 'pl-0123456789abcdef0' does not exist")
    assert fails(ec2.describe_managed_prefix_lists, PrefixListIds=["nope"])[0] == \
        "InvalidPrefixListId.Malformed"


# -- delete and references -------------------------------------------------------------------------
def test_delete_unused_list(ec2):
    pl_id = create(ec2)["PrefixListId"]
    out = ec2.delete_managed_prefix_list(PrefixListId=pl_id)["PrefixList"]
    assert out["PrefixListId"] == pl_id and out["State"] == "delete-in-progress"
    assert mine(ec2) == []


def test_delete_list_in_use_fails_afterwards(ec2):
    pl_id = create(ec2, entries=["10.0.0.0/16"])["PrefixListId"]
    vpc = ec2.create_vpc(CidrBlock="172.20.0.0/16")["Vpc"]["VpcId"]
    sg = ec2.create_security_group(VpcId=vpc, GroupName="g", Description="g")["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
        "PrefixListIds": [{"PrefixListId": pl_id}]}])
    out = ec2.delete_managed_prefix_list(PrefixListId=pl_id)["PrefixList"]
    assert out["State"] == "delete-in-progress"
    got = described(ec2, pl_id)
    assert got["State"] == "delete-failed" and sg in got["StateMessage"]
    ec2.revoke_security_group_ingress(GroupId=sg, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
        "PrefixListIds": [{"PrefixListId": pl_id}]}])
    ec2.delete_managed_prefix_list(PrefixListId=pl_id)
    assert mine(ec2) == []


def test_routes_to_prefix_lists(ec2):
    pl_id = create(ec2, entries=["10.8.0.0/16"])["PrefixListId"]
    vpc = ec2.create_vpc(CidrBlock="172.20.0.0/16")["Vpc"]["VpcId"]
    rtb = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    ec2.create_route(RouteTableId=rtb, DestinationPrefixListId=pl_id, GatewayId=igw)
    ec2.create_route(RouteTableId=rtb, DestinationPrefixListId=S3_PL, GatewayId=igw)
    routes = ec2.describe_route_tables(RouteTableIds=[rtb])["RouteTables"][0]["Routes"]
    assert {r.get("DestinationPrefixListId") for r in routes} >= {pl_id, S3_PL}
    ec2.delete_managed_prefix_list(PrefixListId=pl_id)
    got = described(ec2, pl_id)
    assert got["State"] == "delete-failed" and rtb in got["StateMessage"]
    ec2.delete_route(RouteTableId=rtb, DestinationPrefixListId=pl_id)
    ec2.delete_managed_prefix_list(PrefixListId=pl_id)
    assert mine(ec2) == []


def test_security_group_rules_name_aws_lists(ec2):
    ec2.describe_prefix_lists()
    vpc = ec2.create_vpc(CidrBlock="172.20.0.0/16")["Vpc"]["VpcId"]
    sg = ec2.create_security_group(VpcId=vpc, GroupName="g", Description="g")["GroupId"]
    ec2.authorize_security_group_egress(GroupId=sg, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
        "PrefixListIds": [{"PrefixListId": S3_PL, "Description": "s3"}]}])
    egress = ec2.describe_security_groups(GroupIds=[sg])["SecurityGroups"][0][
        "IpPermissionsEgress"]
    assert any(p.get("PrefixListIds") == [{"PrefixListId": S3_PL, "Description": "s3"}]
               for p in egress)


def test_restore_a_previous_version(ec2):
    pl_id = create(ec2, entries=["10.0.0.0/16"])["PrefixListId"]
    ec2.modify_managed_prefix_list(PrefixListId=pl_id, CurrentVersion=1,
                                   RemoveEntries=[{"Cidr": "10.0.0.0/16"}],
                                   AddEntries=[{"Cidr": "10.5.0.0/16"}])
    assert fails(ec2.restore_managed_prefix_list_version, PrefixListId=pl_id,
                 PreviousVersion=1, CurrentVersion=1)[0] == "PrefixListVersionMismatch"
    assert fails(ec2.restore_managed_prefix_list_version, PrefixListId=pl_id,
                 PreviousVersion=7, CurrentVersion=2)[0] == "InvalidParameterValue"
    out = ec2.restore_managed_prefix_list_version(PrefixListId=pl_id, PreviousVersion=1,
                                                  CurrentVersion=2)["PrefixList"]
    assert out["State"] == "restore-in-progress" and out["Version"] == 3
    assert cidrs(ec2, pl_id) == ["10.0.0.0/16"]
    assert described(ec2, pl_id)["State"] == "restore-complete"


def test_associations(ec2):
    pl_id = create(ec2, entries=["10.0.0.0/16"])["PrefixListId"]
    assert ec2.get_managed_prefix_list_associations(PrefixListId=pl_id)[
        "PrefixListAssociations"] == []
    vpc = ec2.create_vpc(CidrBlock="172.20.0.0/16")["Vpc"]["VpcId"]
    sg = ec2.create_security_group(VpcId=vpc, GroupName="g", Description="g")["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[{
        "IpProtocol": "-1", "PrefixListIds": [{"PrefixListId": pl_id}]}])
    rtb = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    ec2.create_route(RouteTableId=rtb, DestinationPrefixListId=pl_id, GatewayId=igw)
    got = ec2.get_managed_prefix_list_associations(PrefixListId=pl_id)["PrefixListAssociations"]
    assert sorted(a["ResourceId"] for a in got) == sorted([sg, rtb])
    assert {a["ResourceOwner"] for a in got} == {ACCOUNT}
    assert fails(ec2.get_managed_prefix_list_associations, PrefixListId=S3_PL)[0] == \
        "UnsupportedOperation"


# -- paging ---------------------------------------------------------------------------------------
def test_entries_and_lists_page(ec2):
    pl_id = create(ec2, max_entries=10, entries=[f"10.{i}.0.0/16" for i in range(7)])[
        "PrefixListId"]
    first = ec2.get_managed_prefix_list_entries(PrefixListId=pl_id, MaxResults=3)
    second = ec2.get_managed_prefix_list_entries(PrefixListId=pl_id, MaxResults=3,
                                                 NextToken=first["NextToken"])
    third = ec2.get_managed_prefix_list_entries(PrefixListId=pl_id, MaxResults=3,
                                                NextToken=second["NextToken"])
    got = [e["Cidr"] for e in first["Entries"] + second["Entries"] + third["Entries"]]
    assert got == [f"10.{i}.0.0/16" for i in range(7)] and "NextToken" not in third
    assert fails(ec2.get_managed_prefix_list_entries, PrefixListId=pl_id,
                 NextToken="garbage")[0] == "InvalidPaginationToken"
    made = [pl_id] + [create(ec2, name=f"l{i}")["PrefixListId"] for i in range(3)]
    page = ec2.describe_managed_prefix_lists(MaxResults=2)
    rest = ec2.describe_managed_prefix_lists(MaxResults=100, NextToken=page["NextToken"])
    seen = [p["PrefixListId"] for p in page["PrefixLists"] + rest["PrefixLists"]]
    assert sorted(seen) == sorted(made + [S3_PL, DDB_PL]) and len(seen) == 6


def test_managed_filters(ec2):
    a = create(ec2, name="alpha")["PrefixListId"]
    create(ec2, name="beta")
    assert [p["PrefixListId"] for p in ec2.describe_managed_prefix_lists(Filters=[
        {"Name": "prefix-list-name", "Values": ["alpha"]}])["PrefixLists"]] == [a]
    assert {p["PrefixListId"] for p in ec2.describe_managed_prefix_lists(Filters=[
        {"Name": "prefix-list-id", "Values": [a, S3_PL]}])["PrefixLists"]} == {a, S3_PL}


# -- against the server ---------------------------------------------------------------------------
def test_prefix_lists_against_server(server_ec2):
    pl = create(server_ec2, entries=["10.0.0.0/16"])
    server_ec2.modify_managed_prefix_list(PrefixListId=pl["PrefixListId"], CurrentVersion=1,
                                          AddEntries=[{"Cidr": "10.1.0.0/16"}])
    assert cidrs(server_ec2, pl["PrefixListId"]) == ["10.0.0.0/16", "10.1.0.0/16"]
    assert S3_PL in [p["PrefixListId"] for p in server_ec2.describe_prefix_lists()["PrefixLists"]]
    server_ec2.delete_managed_prefix_list(PrefixListId=pl["PrefixListId"])
    assert fails(server_ec2.get_managed_prefix_list_entries,
                 PrefixListId=pl["PrefixListId"])[0] == "InvalidPrefixListID.NotFound"
