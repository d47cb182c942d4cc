"""VPC peering through boto3: the request/accept lifecycle across accounts and Regions,
describe filters and paging, options, routes and security groups across a connection,
stale rules and references, and what deleting a VPC does to its connections."""
from __future__ import annotations

import datetime as dt
from typing import Any

import boto3
import pytest
from botocore.config import Config

from helpers import fails, main_table

ACCOUNT, OTHER, REGION, WEST = "123456789012", "111122223333", "us-east-1", "us-west-2"
FAILED = "Failed due to incorrect VPC-ID, Account ID, or overlapping CIDR range"
MISSING_PCX = "pcx-0123456789abcdef0"


def client(account: str | None = None, region: str = REGION, **config: Any) -> Any:
    keys = {"aws_access_key_id": account, "aws_secret_access_key": "x"} if account else {}
    return boto3.client("ec2", region_name=region, config=Config(**config), **keys)


def vpc(ec2: Any, cidr: str, *, dns: bool = True) -> str:
    """A VPC with DNS hostnames on (as resolving a peer's names needs), unless `dns` is off."""
    vpc_id = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    if dns:
        ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsHostnames={"Value": True})
    return vpc_id


def request(ec2: Any, vpc_id: str, peer: str, **kwargs: Any) -> dict[str, Any]:
    return ec2.create_vpc_peering_connection(VpcId=vpc_id, PeerVpcId=peer,
                                             **kwargs)["VpcPeeringConnection"]


def described(ec2: Any, pcx_id: str) -> dict[str, Any]:
    return ec2.describe_vpc_peering_connections(
        VpcPeeringConnectionIds=[pcx_id])["VpcPeeringConnections"][0]


def status(ec2: Any, pcx_id: str) -> tuple[str, str]:
    found = described(ec2, pcx_id)["Status"]
    return found["Code"], found["Message"]


def all_ids(ec2: Any, **kwargs: Any) -> list[str]:
    return [p["VpcPeeringConnectionId"] for p in
            ec2.describe_vpc_peering_connections(**kwargs)["VpcPeeringConnections"]]


def route_to(ec2: Any, rtb: str, destination: str) -> dict[str, Any]:
    routes = ec2.describe_route_tables(RouteTableIds=[rtb])["RouteTables"][0]["Routes"]
    return next(r for r in routes if r.get("DestinationCidrBlock") == destination)


def group(ec2: Any, vpc_id: str, name: str = "app") -> str:
    return ec2.create_security_group(GroupName=name, Description=f"{name} tier",
                                     VpcId=vpc_id)["GroupId"]


def ssh_from(group_id: str, owner: str | None = None, **extra: Any) -> list[dict[str, Any]]:
    pair = {"GroupId": group_id, **({"UserId": owner} if owner else {}), **extra}
    return [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "UserIdGroupPairs": [pair]}]


@pytest.fixture
def other(mock: Any) -> Any:
    """A client of a second account, in the same Region."""
    return client(OTHER)


@pytest.fixture
def pair(ec2: Any) -> tuple[str, str]:
    return vpc(ec2, "10.0.0.0/16"), vpc(ec2, "10.1.0.0/16")


@pytest.fixture
def active(ec2: Any, pair: tuple[str, str]) -> str:
    pcx = request(ec2, *pair)["VpcPeeringConnectionId"]
    ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    return pcx


# -- create ---------------------------------------------------------------------------------
def test_request_answers_initiating_then_waits_for_acceptance(ec2, pair):
    requester, accepter = pair
    before = dt.datetime.now(dt.timezone.utc)
    made = request(ec2, requester, accepter, TagSpecifications=[
        {"ResourceType": "vpc-peering-connection", "Tags": [{"Key": "Name", "Value": "a-b"}]}])
    assert made["Status"] == {"Code": "initiating-request",
                              "Message": f"Initiating Request to {ACCOUNT}"}
    assert made["VpcPeeringConnectionId"].startswith("pcx-")
    assert made["Tags"] == [{"Key": "Name", "Value": "a-b"}]
    assert made["RequesterVpcInfo"] == {
        "OwnerId": ACCOUNT, "VpcId": requester, "Region": REGION, "CidrBlock": "10.0.0.0/16",
        "CidrBlockSet": [{"CidrBlock": "10.0.0.0/16"}], "Ipv6CidrBlockSet": [],
        "PeeringOptions": {"AllowDnsResolutionFromRemoteVpc": False,
                           "AllowEgressFromLocalClassicLinkToRemoteVpc": False,
                           "AllowEgressFromLocalVpcToRemoteClassicLink": False}}
    # the accepter's blocks are not shown before it accepts
    assert made["AccepterVpcInfo"] == {"OwnerId": ACCOUNT, "VpcId": accepter, "Region": REGION}
    found = described(ec2, made["VpcPeeringConnectionId"])
    assert found["Status"] == {"Code": "pending-acceptance",
                               "Message": f"Pending Acceptance by {ACCOUNT}"}
    expires = found["ExpirationTime"] - before
    assert dt.timedelta(days=6, hours=23) < expires < dt.timedelta(days=7, minutes=1)


def test_request_checks_its_vpcs_first(ec2, pair):
    requester, _ = pair
    assert fails(ec2.create_vpc_peering_connection, VpcId=requester) == (
        "MissingParameter", "The request must contain the parameter peerVpcId")
    assert fails(ec2.create_vpc_peering_connection, VpcId="vpc-0123456789abcdef0",
                 PeerVpcId=requester) == (
        "InvalidVpcID.NotFound", "The vpc ID 'vpc-0123456789abcdef0' does not exist")
    # a peer VPC in the caller's own account and Region is looked up at once
    assert fails(ec2.create_vpc_peering_connection, VpcId=requester,
                 PeerVpcId="vpc-0123456789abcdef1") == (
        "InvalidVpcID.NotFound", "The vpc ID 'vpc-0123456789abcdef1' does not exist")
    assert fails(ec2.create_vpc_peering_connection, VpcId=requester, PeerVpcId="vpc-zz")[0] \
        == "InvalidVpcID.Malformed"
    assert fails(ec2.create_vpc_peering_connection, VpcId=requester, PeerVpcId=pair[1],
                 PeerRegion="mars-north-1") == (
        "InvalidParameterValue",
        "You cannot create a VPC peering connection between the us-east-1 and mars-north-1 "
        "regions.")
    assert fails(ec2.create_vpc_peering_connection, VpcId=requester, PeerVpcId=pair[1],
                 TagSpecifications=[{"ResourceType": "vpc", "Tags": [{"Key": "k"}]}])[0] \
        == "InvalidParameterValue"
    assert fails(ec2.create_vpc_peering_connection, VpcId=requester, PeerVpcId=pair[1],
                 DryRun=True)[0] == "DryRunOperation"
    assert all_ids(ec2) == []


def test_overlapping_blocks_make_a_failed_connection(ec2, pair):
    requester, _ = pair
    overlapping = vpc(ec2, "10.0.128.0/17")
    made = request(ec2, requester, overlapping)
    assert made["Status"] == {"Code": "failed", "Message": FAILED}
    assert "ExpirationTime" not in made
    pcx = made["VpcPeeringConnectionId"]
    assert status(ec2, pcx) == ("failed", FAILED)
    assert fails(ec2.accept_vpc_peering_connection, VpcPeeringConnectionId=pcx) == (
        "InvalidStateTransition",
        f"Invalid state transition for {pcx}, attempted to transition from failed to "
        "provisioning")
    assert fails(ec2.delete_vpc_peering_connection, VpcPeeringConnectionId=pcx) == (
        "InvalidStateTransition",
        f"Invalid state transition for {pcx}, attempted to transition from failed to deleting")


def test_a_secondary_block_can_overlap_too(ec2, pair):
    requester, accepter = pair
    ec2.associate_vpc_cidr_block(VpcId=accepter, CidrBlock="10.2.0.0/16")
    third = vpc(ec2, "10.2.0.0/16")
    assert request(ec2, third, accepter)["Status"]["Code"] == "failed"
    assert request(ec2, third, requester)["Status"]["Code"] == "initiating-request"


def test_asking_again_answers_the_live_connection(ec2, pair):
    requester, accepter = pair
    first = request(ec2, requester, accepter)["VpcPeeringConnectionId"]
    again = request(ec2, requester, accepter)
    assert again["VpcPeeringConnectionId"] == first
    assert again["Status"]["Code"] == "pending-acceptance"
    # the other direction cannot make a second connection between the same VPCs
    reverse = request(ec2, accepter, requester)
    assert reverse["VpcPeeringConnectionId"] != first
    assert reverse["Status"] == {"Code": "failed", "Message": FAILED}
    # once the first has ended, a new request makes a new connection
    ec2.delete_vpc_peering_connection(VpcPeeringConnectionId=first)
    fresh = request(ec2, requester, accepter)
    assert fresh["VpcPeeringConnectionId"] not in (first, reverse["VpcPeeringConnectionId"])
    assert status(ec2, fresh["VpcPeeringConnectionId"])[0] == "pending-acceptance"


# -- accept and reject ----------------------------------------------------------------------
def test_accept_answers_provisioning_then_the_connection_is_active(ec2, pair):
    requester, accepter = pair
    pcx = request(ec2, requester, accepter)["VpcPeeringConnectionId"]
    assert fails(ec2.accept_vpc_peering_connection, VpcPeeringConnectionId=pcx,
                 DryRun=True)[0] == "DryRunOperation"
    assert status(ec2, pcx)[0] == "pending-acceptance"
    accepted = ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)[
        "VpcPeeringConnection"]
    assert accepted["Status"] == {"Code": "provisioning", "Message": "Provisioning"}
    assert accepted["AccepterVpcInfo"]["CidrBlock"] == "10.1.0.0/16"
    found = described(ec2, pcx)
    assert found["Status"] == {"Code": "active", "Message": "Active"}
    assert "ExpirationTime" not in found
    assert found["AccepterVpcInfo"]["CidrBlockSet"] == [{"CidrBlock": "10.1.0.0/16"}]
    assert found["AccepterVpcInfo"]["PeeringOptions"]["AllowDnsResolutionFromRemoteVpc"] is False
    assert fails(ec2.accept_vpc_peering_connection, VpcPeeringConnectionId=pcx) == (
        "InvalidStateTransition",
        f"Invalid state transition for {pcx}, attempted to transition from active to "
        "provisioning")
    assert fails(ec2.reject_vpc_peering_connection, VpcPeeringConnectionId=pcx)[0] == \
        "InvalidStateTransition"


def test_unknown_connection_ids(ec2):
    for call in (ec2.accept_vpc_peering_connection, ec2.reject_vpc_peering_connection,
                 ec2.delete_vpc_peering_connection):
        assert fails(call, VpcPeeringConnectionId=MISSING_PCX) == (
            "InvalidVpcPeeringConnectionID.NotFound",
            f"The vpcPeeringConnection ID '{MISSING_PCX}' does not exist")
    assert fails(ec2.describe_vpc_peering_connections,
                 VpcPeeringConnectionIds=[MISSING_PCX])[0] == \
        "InvalidVpcPeeringConnectionID.NotFound"
    assert fails(ec2.accept_vpc_peering_connection, VpcPeeringConnectionId="pcx-nope") == (
        "InvalidVpcPeeringConnectionId.Malformed", 'Invalid id: "pcx-nope" (expecting "pcx-...")')


def test_reject_ends_a_pending_request(ec2, pair):
    pcx = request(ec2, *pair)["VpcPeeringConnectionId"]
    assert ec2.reject_vpc_peering_connection(VpcPeeringConnectionId=pcx)["Return"] is True
    assert status(ec2, pcx) == ("rejected", f"Rejected by {ACCOUNT}")
    assert fails(ec2.reject_vpc_peering_connection, VpcPeeringConnectionId=pcx) == (
        "InvalidStateTransition",
        f"Invalid state transition for {pcx}, attempted to transition from rejected to "
        "rejecting")
    # AWS's answer to deleting a rejected connection
    assert fails(ec2.delete_vpc_peering_connection, VpcPeeringConnectionId=pcx) == (
        "InvalidStateTransition",
        f"Invalid state transition for {pcx}, attempted to transition from rejected to "
        "deleting")
    assert fails(ec2.accept_vpc_peering_connection, VpcPeeringConnectionId=pcx)[0] == \
        "InvalidStateTransition"


# -- across accounts ----------------------------------------------------------------------------
def test_cross_account_request_is_accepted_by_the_peer(ec2, other):
    mine, theirs = vpc(ec2, "10.0.0.0/16"), vpc(other, "10.5.0.0/16")
    made = request(ec2, mine, theirs, PeerOwnerId=OTHER, TagSpecifications=[
        {"ResourceType": "vpc-peering-connection", "Tags": [{"Key": "side", "Value": "req"}]}])
    pcx = made["VpcPeeringConnectionId"]
    assert made["Status"]["Message"] == f"Initiating Request to {OTHER}"
    assert made["AccepterVpcInfo"] == {"OwnerId": OTHER, "VpcId": theirs, "Region": REGION}
    seen = described(other, pcx)
    assert seen["Status"] == {"Code": "pending-acceptance",
                              "Message": f"Pending Acceptance by {OTHER}"}
    assert seen["Tags"] == []      # tags belong to the account that set them
    assert seen["RequesterVpcInfo"]["OwnerId"] == ACCOUNT
    assert fails(ec2.accept_vpc_peering_connection, VpcPeeringConnectionId=pcx) == (
        "OperationNotPermitted", f"User {ACCOUNT} cannot accept peering {pcx}")
    assert fails(ec2.reject_vpc_peering_connection, VpcPeeringConnectionId=pcx) == (
        "OperationNotPermitted", f"User {ACCOUNT} cannot reject peering {pcx}")
    # the accepter may not withdraw a request it has not accepted: it rejects instead
    assert fails(other.delete_vpc_peering_connection, VpcPeeringConnectionId=pcx) == (
        "OperationNotPermitted", f"User {OTHER} cannot delete peering {pcx}")
    other.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    for side in (ec2, other):
        found = described(side, pcx)
        assert found["Status"]["Code"] == "active"
        assert found["AccepterVpcInfo"]["CidrBlock"] == "10.5.0.0/16"
        assert found["RequesterVpcInfo"]["CidrBlock"] == "10.0.0.0/16"
    # a third account sees nothing
    stranger = client("999988887777")
    assert all_ids(stranger) == []
    assert fails(stranger.describe_vpc_peering_connections,
                 VpcPeeringConnectionIds=[pcx])[0] == "InvalidVpcPeeringConnectionID.NotFound"
    # either owner deletes an active connection
    assert other.delete_vpc_peering_connection(VpcPeeringConnectionId=pcx)["Return"] is True
    assert status(ec2, pcx) == ("deleted", f"Deleted by {OTHER}")


def test_cross_account_peer_that_does_not_exist_fails(ec2, other):
    mine, theirs = vpc(ec2, "10.0.0.0/16"), vpc(other, "10.5.0.0/16")
    # right VPC, wrong owner: the request fails rather than revealing the VPC
    wrong_owner = request(ec2, mine, theirs, PeerOwnerId="444455556666")
    missing = request(ec2, mine, "vpc-0123456789abcdef0", PeerOwnerId=OTHER)
    for made in (wrong_owner, missing):
        assert made["Status"] == {"Code": "failed", "Message": FAILED}
    assert all_ids(other) == []
    assert all_ids(ec2) == [wrong_owner["VpcPeeringConnectionId"],
                            missing["VpcPeeringConnectionId"]]
    # without PeerOwnerId the peer is looked up in the caller's own account
    assert fails(ec2.create_vpc_peering_connection, VpcId=mine, PeerVpcId=theirs) == (
        "InvalidVpcID.NotFound", f"The vpc ID '{theirs}' does not exist")


def test_cross_account_overlap_is_seen_failed_by_both(ec2, other):
    mine, theirs = vpc(ec2, "10.0.0.0/16"), vpc(other, "10.0.0.0/16")
    pcx = request(ec2, mine, theirs, PeerOwnerId=OTHER)["VpcPeeringConnectionId"]
    assert status(other, pcx) == ("failed", FAILED)
    assert fails(other.accept_vpc_peering_connection, VpcPeeringConnectionId=pcx)[0] == \
        "InvalidStateTransition"


# -- across Regions ---------------------------------------------------------------------------
def test_cross_region_request_is_accepted_in_the_peer_region(ec2, mock):
    west = client(region=WEST)
    mine, theirs = vpc(ec2, "10.0.0.0/16"), vpc(west, "10.7.0.0/16")
    made = request(ec2, mine, theirs, PeerRegion=WEST)
    pcx = made["VpcPeeringConnectionId"]
    assert made["AccepterVpcInfo"] == {"OwnerId": ACCOUNT, "VpcId": theirs, "Region": WEST}
    assert all_ids(west) == [pcx]
    assert fails(ec2.accept_vpc_peering_connection, VpcPeeringConnectionId=pcx) == (
        "OperationNotPermitted",
        f"Incorrect region ({REGION}) specified for this request. VPC peering connection "
        f"{pcx} must be accepted in region {WEST}")
    assert fails(ec2.reject_vpc_peering_connection, VpcPeeringConnectionId=pcx) == (
        "OperationNotPermitted",
        f"Incorrect region ({REGION}) specified for this request. VPC peering connection "
        f"{pcx} must be accepted or rejected in region {WEST}")
    west.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    found = described(ec2, pcx)
    assert (found["Status"]["Code"], found["RequesterVpcInfo"]["Region"],
            found["AccepterVpcInfo"]["Region"]) == ("active", REGION, WEST)
    # without PeerRegion the peer is looked up in the caller's own Region
    assert fails(ec2.create_vpc_peering_connection, VpcId=mine, PeerVpcId=theirs) == (
        "InvalidVpcID.NotFound", f"The vpc ID '{theirs}' does not exist")
    other_region = client(region="eu-west-1")
    assert all_ids(other_region) == []


def test_cross_region_peer_not_in_the_named_region_fails(ec2, mock):
    west = client(region=WEST)
    mine, theirs = vpc(ec2, "10.0.0.0/16"), vpc(west, "10.7.0.0/16")
    made = request(ec2, mine, theirs, PeerRegion="eu-west-1")
    assert made["Status"] == {"Code": "failed", "Message": FAILED}
    assert all_ids(west) == []


def test_cross_region_options_are_set_in_each_side_region(ec2, mock):
    west = client(region=WEST)
    mine, theirs = vpc(ec2, "10.0.0.0/16"), vpc(west, "10.7.0.0/16")
    pcx = request(ec2, mine, theirs, PeerRegion=WEST)["VpcPeeringConnectionId"]
    west.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    assert fails(ec2.modify_vpc_peering_connection_options, VpcPeeringConnectionId=pcx,
                 AccepterPeeringConnectionOptions={"AllowDnsResolutionFromRemoteVpc": True}) \
        == ("OperationNotPermitted",
            "Accepter's VPC Peering connection options cannot be modified for a different region")
    assert fails(ec2.modify_vpc_peering_connection_options, VpcPeeringConnectionId=pcx,
                 RequesterPeeringConnectionOptions={
                     "AllowDnsResolutionFromRemoteVpc": True,
                     "AllowEgressFromLocalClassicLinkToRemoteVpc": False}) == (
        "OperationNotPermitted",
        "Modifying VPC peering connection options AllowEgressFromLocalClassicLinkToRemoteVpc, "
        "AllowEgressFromLocalVpcToRemoteClassicLink is not supported for cross-region VPC "
        "peering connections")
    out = west.modify_vpc_peering_connection_options(
        VpcPeeringConnectionId=pcx,
        AccepterPeeringConnectionOptions={"AllowDnsResolutionFromRemoteVpc": True})
    assert out["AccepterPeeringConnectionOptions"]["AllowDnsResolutionFromRemoteVpc"] is True
    assert "RequesterPeeringConnectionOptions" not in out
    assert described(ec2, pcx)["AccepterVpcInfo"]["PeeringOptions"][
        "AllowDnsResolutionFromRemoteVpc"] is True


# -- delete -------------------------------------------------------------------------------------
def test_delete_keeps_the_connection_visible_as_deleted(ec2, pair, active):
    assert fails(ec2.delete_vpc_peering_connection, VpcPeeringConnectionId=active,
                 DryRun=True)[0] == "DryRunOperation"
    assert status(ec2, active)[0] == "active"
    assert ec2.delete_vpc_peering_connection(VpcPeeringConnectionId=active)["Return"] is True
    assert status(ec2, active) == ("deleted", f"Deleted by {ACCOUNT}")
    assert all_ids(ec2, Filters=[{"Name": "status-code", "Values": ["deleted"]}]) == [active]
    assert fails(ec2.delete_vpc_peering_connection, VpcPeeringConnectionId=active) == (
        "InvalidStateTransition",
        f"Invalid state transition for {active}, attempted to transition from deleted to "
        "deleting")


def test_requester_withdraws_a_pending_request(ec2, pair):
    pcx = request(ec2, *pair)["VpcPeeringConnectionId"]
    ec2.delete_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    found = described(ec2, pcx)
    assert found["Status"]["Code"] == "deleted"
    assert "ExpirationTime" not in found
    assert fails(ec2.accept_vpc_peering_connection, VpcPeeringConnectionId=pcx)[0] == \
        "InvalidStateTransition"


# -- describe -----------------------------------------------------------------------------------
def test_describe_filters(ec2, other):
    a, b, c = vpc(ec2, "10.0.0.0/16"), vpc(ec2, "10.1.0.0/16"), vpc(other, "10.2.0.0/16")
    ab = request(ec2, a, b, TagSpecifications=[
        {"ResourceType": "vpc-peering-connection", "Tags": [{"Key": "Name", "Value": "ab"}]}])
    ac = request(ec2, a, c, PeerOwnerId=OTHER)
    ab_id, ac_id = ab["VpcPeeringConnectionId"], ac["VpcPeeringConnectionId"]
    ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=ab_id)

    def ids(name: str, *values: str) -> list[str]:
        return all_ids(ec2, Filters=[{"Name": name, "Values": list(values)}])

    assert ids("requester-vpc-info.vpc-id", a) == [ab_id, ac_id]
    assert ids("accepter-vpc-info.vpc-id", c) == [ac_id]
    assert ids("accepter-vpc-info.owner-id", OTHER) == [ac_id]
    assert ids("requester-vpc-info.owner-id", ACCOUNT) == [ab_id, ac_id]
    assert ids("requester-vpc-info.cidr-block", "10.0.0.0/16") == [ab_id, ac_id]
    # the accepter's block is known once it accepts
    assert ids("accepter-vpc-info.cidr-block", "10.1.0.0/16") == [ab_id]
    assert ids("accepter-vpc-info.cidr-block", "10.2.0.0/16") == []
    assert ids("status-code", "pending-acceptance") == [ac_id]
    assert ids("status-code", "active", "pending-acceptance") == [ab_id, ac_id]
    assert ids("status-message", "Pending Acceptance by *") == [ac_id]
    assert ids("vpc-peering-connection-id", ac_id) == [ac_id]
    assert ids("expiration-time", described(ec2, ac_id)["ExpirationTime"].strftime(
        "%Y-%m-%dT%H:%M:%S.*")) == [ac_id]
    assert ids("tag:Name", "ab") == [ab_id]
    assert ids("tag-key", "Name") == [ab_id]
    assert ids("tag-value", "a?") == [ab_id]
    # the accepter account sees the connection, not the requester's tags
    assert all_ids(other) == [ac_id]
    assert all_ids(other, Filters=[{"Name": "tag-key", "Values": ["Name"]}]) == []
    assert fails(ec2.describe_vpc_peering_connections,
                 Filters=[{"Name": "vpc-id", "Values": [a]}]) == (
        "InvalidParameterValue", "The filter 'vpc-id' is invalid")


def test_describe_pages(ec2):
    vpcs = [vpc(ec2, f"10.{n}.0.0/16") for n in range(4)]
    made = [request(ec2, x, y)["VpcPeeringConnectionId"]
            for i, x in enumerate(vpcs) for y in vpcs[i + 1:]]
    assert len(made) == 6
    first = ec2.describe_vpc_peering_connections(MaxResults=5)
    assert len(first["VpcPeeringConnections"]) == 5
    rest = ec2.describe_vpc_peering_connections(MaxResults=5, NextToken=first["NextToken"])
    assert "NextToken" not in rest
    assert [p["VpcPeeringConnectionId"] for p in
            first["VpcPeeringConnections"] + rest["VpcPeeringConnections"]] == made
    unchecked = client(parameter_validation=False)
    for bad in (4, 1001):
        assert fails(unchecked.describe_vpc_peering_connections, MaxResults=bad)[0] == \
            "InvalidParameterValue"
    paginator = ec2.get_paginator("describe_vpc_peering_connections")
    pages = list(paginator.paginate(PaginationConfig={"PageSize": 5}))
    assert sum(len(p["VpcPeeringConnections"]) for p in pages) == 6


def test_tags_on_a_connection(ec2, pair):
    pcx = request(ec2, *pair)["VpcPeeringConnectionId"]
    ec2.create_tags(Resources=[pcx], Tags=[{"Key": "team", "Value": "net"}])
    assert described(ec2, pcx)["Tags"] == [{"Key": "team", "Value": "net"}]
    rows = ec2.describe_tags(Filters=[{"Name": "resource-id", "Values": [pcx]}])["Tags"]
    assert [(r["ResourceType"], r["Key"]) for r in rows] == [("vpc-peering-connection", "team")]


# -- options ------------------------------------------------------------------------------------
def test_options_need_an_active_connection(ec2, pair):
    pcx = request(ec2, *pair)["VpcPeeringConnectionId"]
    assert fails(ec2.modify_vpc_peering_connection_options, VpcPeeringConnectionId=pcx,
                 RequesterPeeringConnectionOptions={"AllowDnsResolutionFromRemoteVpc": True}) \
        == ("OperationNotPermitted",
            f"Peering {pcx} is not active. Peering options can be added only to active "
            "peerings.")


def test_resolving_peer_names_needs_dns_hostnames_on_both_sides(ec2):
    mine, theirs = vpc(ec2, "10.0.0.0/16"), vpc(ec2, "10.1.0.0/16", dns=False)
    pcx = request(ec2, mine, theirs)["VpcPeeringConnectionId"]
    ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    disabled = ("InvalidVpcPeeringConnectionState.DnsHostnamesDisabled",
                "To enable DNS hostname resolution for the VPC peering connection, DNS hostname "
                "support must be enabled for the VPCs.")
    for side in ("RequesterPeeringConnectionOptions", "AccepterPeeringConnectionOptions"):
        assert fails(ec2.modify_vpc_peering_connection_options, VpcPeeringConnectionId=pcx,
                     **{side: {"AllowDnsResolutionFromRemoteVpc": True}}) == disabled
    # turning it off needs nothing
    ec2.modify_vpc_peering_connection_options(
        VpcPeeringConnectionId=pcx,
        RequesterPeeringConnectionOptions={"AllowDnsResolutionFromRemoteVpc": False})
    ec2.modify_vpc_attribute(VpcId=theirs, EnableDnsHostnames={"Value": True})
    ec2.modify_vpc_peering_connection_options(
        VpcPeeringConnectionId=pcx,
        RequesterPeeringConnectionOptions={"AllowDnsResolutionFromRemoteVpc": True})
    assert described(ec2, pcx)["RequesterVpcInfo"]["PeeringOptions"][
        "AllowDnsResolutionFromRemoteVpc"] is True


def test_options_of_both_sides(ec2, active):
    assert fails(ec2.modify_vpc_peering_connection_options,
                 VpcPeeringConnectionId=active)[0] == "MissingParameter"
    assert fails(ec2.modify_vpc_peering_connection_options, VpcPeeringConnectionId=active,
                 RequesterPeeringConnectionOptions={"AllowDnsResolutionFromRemoteVpc": True},
                 DryRun=True)[0] == "DryRunOperation"
    out = ec2.modify_vpc_peering_connection_options(
        VpcPeeringConnectionId=active,
        RequesterPeeringConnectionOptions={"AllowDnsResolutionFromRemoteVpc": True},
        AccepterPeeringConnectionOptions={"AllowDnsResolutionFromRemoteVpc": False})
    assert out["RequesterPeeringConnectionOptions"] == {
        "AllowDnsResolutionFromRemoteVpc": True,
        "AllowEgressFromLocalClassicLinkToRemoteVpc": False,
        "AllowEgressFromLocalVpcToRemoteClassicLink": False}
    assert out["AccepterPeeringConnectionOptions"]["AllowDnsResolutionFromRemoteVpc"] is False
    found = described(ec2, active)
    assert found["RequesterVpcInfo"]["PeeringOptions"]["AllowDnsResolutionFromRemoteVpc"] is True
    assert found["AccepterVpcInfo"]["PeeringOptions"]["AllowDnsResolutionFromRemoteVpc"] is False


def test_each_owner_sets_only_its_side(ec2, other):
    mine, theirs = vpc(ec2, "10.0.0.0/16"), vpc(other, "10.5.0.0/16")
    pcx = request(ec2, mine, theirs, PeerOwnerId=OTHER)["VpcPeeringConnectionId"]
    other.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    assert fails(ec2.modify_vpc_peering_connection_options, VpcPeeringConnectionId=pcx,
                 AccepterPeeringConnectionOptions={"AllowDnsResolutionFromRemoteVpc": True}) \
        == ("OperationNotPermitted",
            f"User {ACCOUNT} does not have permission to modify the accepter side peering "
            "options")
    assert fails(other.modify_vpc_peering_connection_options, VpcPeeringConnectionId=pcx,
                 RequesterPeeringConnectionOptions={"AllowDnsResolutionFromRemoteVpc": True}) \
        == ("OperationNotPermitted",
            f"User {OTHER} does not have permission to modify the requester side peering "
            "options")
    other.modify_vpc_peering_connection_options(
        VpcPeeringConnectionId=pcx,
        AccepterPeeringConnectionOptions={"AllowDnsResolutionFromRemoteVpc": True})
    assert described(ec2, pcx)["AccepterVpcInfo"]["PeeringOptions"][
        "AllowDnsResolutionFromRemoteVpc"] is True


# -- routes -------------------------------------------------------------------------------------
def test_routes_through_a_connection_follow_its_status(ec2, pair):
    requester, accepter = pair
    pcx = request(ec2, requester, accepter)["VpcPeeringConnectionId"]
    near, far = main_table(ec2, requester), main_table(ec2, accepter)
    ec2.create_route(RouteTableId=near, DestinationCidrBlock="10.1.0.0/16",
                     VpcPeeringConnectionId=pcx)
    assert route_to(ec2, near, "10.1.0.0/16")["State"] == "blackhole"   # not yet accepted
    ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    ec2.create_route(RouteTableId=far, DestinationCidrBlock="10.0.0.0/24",
                     VpcPeeringConnectionId=pcx)
    assert route_to(ec2, near, "10.1.0.0/16") == {
        "DestinationCidrBlock": "10.1.0.0/16", "VpcPeeringConnectionId": pcx,
        "Origin": "CreateRoute", "State": "active"}
    assert route_to(ec2, far, "10.0.0.0/24")["State"] == "active"
    found = ec2.describe_route_tables(Filters=[
        {"Name": "route.vpc-peering-connection-id", "Values": [pcx]}])["RouteTables"]
    assert sorted(t["RouteTableId"] for t in found) == sorted([near, far])
    ec2.delete_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    assert route_to(ec2, near, "10.1.0.0/16")["State"] == "blackhole"
    assert route_to(ec2, far, "10.0.0.0/24")["State"] == "blackhole"
    # no new route may name a connection that has ended
    assert fails(ec2.create_route, RouteTableId=near, DestinationCidrBlock="10.1.5.0/24",
                 VpcPeeringConnectionId=pcx) == (
        "InvalidVpcPeeringConnectionID.NotFound",
        f"The vpcPeeringConnection ID '{pcx}' does not exist")


def test_a_route_needs_a_connection_of_its_vpc(ec2, pair, active):
    stranger = vpc(ec2, "10.9.0.0/16")
    table = main_table(ec2, stranger)
    assert fails(ec2.create_route, RouteTableId=table, DestinationCidrBlock="10.1.0.0/16",
                 VpcPeeringConnectionId=active) == (
        "InvalidParameterValue",
        f"route table {table} and network gateway {active} belong to different networks")
    # the destination need not be the peer's block (AWS accepts it; reachability decides)
    near = main_table(ec2, pair[0])
    ec2.create_route(RouteTableId=near, DestinationCidrBlock="192.168.0.0/16",
                     VpcPeeringConnectionId=active)
    assert route_to(ec2, near, "192.168.0.0/16")["State"] == "active"
    # but a destination inside the VPC's own block is not for a peering connection
    assert fails(ec2.create_route, RouteTableId=near, DestinationCidrBlock="10.0.0.0/16",
                 VpcPeeringConnectionId=active)[0] == "InvalidParameterValue"
    assert fails(ec2.create_route, RouteTableId=near, DestinationCidrBlock="10.1.0.0/16",
                 VpcPeeringConnectionId=MISSING_PCX) == (
        "InvalidVpcPeeringConnectionID.NotFound",
        f"The vpcPeeringConnection ID '{MISSING_PCX}' does not exist")


def test_the_accepter_routes_through_a_cross_account_connection(ec2, other):
    mine, theirs = vpc(ec2, "10.0.0.0/16"), vpc(other, "10.5.0.0/16")
    pcx = request(ec2, mine, theirs, PeerOwnerId=OTHER)["VpcPeeringConnectionId"]
    other.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    theirs_table = main_table(other, theirs)
    other.create_route(RouteTableId=theirs_table, DestinationCidrBlock="10.0.0.0/16",
                       VpcPeeringConnectionId=pcx)
    assert route_to(other, theirs_table, "10.0.0.0/16")["State"] == "active"
    # an account that is not a side cannot name the connection at all
    stranger = client("999988887777")
    table = main_table(stranger, vpc(stranger, "10.8.0.0/16"))
    assert fails(stranger.create_route, RouteTableId=table, DestinationCidrBlock="10.0.0.0/16",
                 VpcPeeringConnectionId=pcx)[0] == "InvalidVpcPeeringConnectionID.NotFound"


# -- security groups across a connection ------------------------------------------------------
def test_groups_reference_peer_groups_only_while_active(ec2, pair):
    requester, accepter = pair
    mine, theirs = group(ec2, requester), group(ec2, accepter)
    pcx = request(ec2, requester, accepter)["VpcPeeringConnectionId"]
    different = ("InvalidGroup.NotFound",
                 "You have specified two resources that belong to different networks.")
    assert fails(ec2.authorize_security_group_ingress, GroupId=mine,
                 IpPermissions=ssh_from(theirs)) == different
    ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    ec2.authorize_security_group_ingress(GroupId=mine, IpPermissions=ssh_from(theirs))
    refs = ec2.describe_security_group_references(GroupId=[theirs])["SecurityGroupReferenceSet"]
    assert refs == [{"GroupId": theirs, "ReferencingVpcId": requester,
                     "VpcPeeringConnectionId": pcx}]
    assert ec2.describe_security_group_references(GroupId=[mine])[
        "SecurityGroupReferenceSet"] == []
    assert ec2.describe_stale_security_groups(VpcId=requester)["StaleSecurityGroupSet"] == []
    ec2.delete_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    assert fails(ec2.authorize_security_group_egress, GroupId=mine,
                 IpPermissions=ssh_from(theirs)) == different
    assert ec2.describe_security_group_references(GroupId=[theirs])[
        "SecurityGroupReferenceSet"] == []


def test_rules_go_stale_when_the_connection_ends(ec2, other):
    mine_vpc, theirs_vpc = vpc(ec2, "10.0.0.0/16"), vpc(other, "10.5.0.0/16")
    plain = group(ec2, mine_vpc, "plain")
    mine, theirs = group(ec2, mine_vpc), group(other, theirs_vpc)
    pcx = request(ec2, mine_vpc, theirs_vpc, PeerOwnerId=OTHER)["VpcPeeringConnectionId"]
    other.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    ec2.authorize_security_group_ingress(GroupId=mine, IpPermissions=ssh_from(
        theirs, OTHER, Description="from peer"))
    ec2.authorize_security_group_egress(GroupId=mine, IpPermissions=[
        {"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": theirs, "UserId": OTHER}]}])
    ec2.authorize_security_group_ingress(GroupId=plain, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80,
         "UserIdGroupPairs": [{"GroupId": mine}]}])
    assert other.describe_security_group_references(GroupId=[theirs])[
        "SecurityGroupReferenceSet"] == [{"GroupId": theirs, "ReferencingVpcId": mine_vpc,
                                          "VpcPeeringConnectionId": pcx}]
    ec2.delete_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    stale = ec2.describe_stale_security_groups(VpcId=mine_vpc)["StaleSecurityGroupSet"]
    pair = {"GroupId": theirs, "VpcId": theirs_vpc, "VpcPeeringConnectionId": pcx,
            "PeeringStatus": "deleted"}
    assert stale == [{
        "Description": "app tier", "GroupId": mine, "GroupName": "app", "VpcId": mine_vpc,
        "StaleIpPermissions": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                                "UserIdGroupPairs": [{**pair, "Description": "from peer"}]}],
        "StaleIpPermissionsEgress": [{"IpProtocol": "-1", "UserIdGroupPairs": [pair]}]}]
    assert other.describe_stale_security_groups(VpcId=theirs_vpc)["StaleSecurityGroupSet"] == []


def test_stale_groups_checks_and_pages(ec2, pair):
    requester, accepter = pair
    theirs = group(ec2, accepter)
    pcx = request(ec2, requester, accepter)["VpcPeeringConnectionId"]
    ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    mine = [group(ec2, requester, f"g{n}") for n in range(6)]
    for sg in mine:
        ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=ssh_from(theirs))
    ec2.delete_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    first = ec2.describe_stale_security_groups(VpcId=requester, MaxResults=5)
    rest = ec2.describe_stale_security_groups(VpcId=requester, MaxResults=5,
                                              NextToken=first["NextToken"])
    assert [g["GroupId"] for g in first["StaleSecurityGroupSet"] +
            rest["StaleSecurityGroupSet"]] == mine
    assert "NextToken" not in rest
    assert fails(ec2.describe_stale_security_groups, VpcId="vpc-0123456789abcdef0") == (
        "InvalidVpcID.NotFound", "The vpc ID 'vpc-0123456789abcdef0' does not exist")
    unchecked = client(parameter_validation=False)
    assert fails(unchecked.describe_stale_security_groups, VpcId=requester,
                 MaxResults=256)[0] == "InvalidParameterValue"
    assert fails(ec2.describe_security_group_references,
                 GroupId=[mine[0], "sg-0123456789abcdef0"]) == (
        "InvalidGroup.NotFound", "The security group 'sg-0123456789abcdef0' does not exist")


# -- deleting a VPC -----------------------------------------------------------------------------
def test_deleting_a_vpc_ends_its_connections(ec2, pair, active):
    requester, accepter = pair
    third = vpc(ec2, "10.3.0.0/16")
    pending = request(ec2, accepter, third)["VpcPeeringConnectionId"]
    table = main_table(ec2, requester)
    ec2.create_route(RouteTableId=table, DestinationCidrBlock="10.1.0.0/16",
                     VpcPeeringConnectionId=active)
    ec2.delete_vpc(VpcId=accepter)
    for pcx in (active, pending):
        found = described(ec2, pcx)
        assert found["Status"] == {"Code": "deleted", "Message": f"Deleted by {ACCOUNT}"}
    found = described(ec2, active)
    # the connection still names the VPC it joined, but has no blocks to show for it
    assert found["AccepterVpcInfo"]["VpcId"] == accepter
    assert "CidrBlock" not in found["AccepterVpcInfo"]
    assert found["RequesterVpcInfo"]["CidrBlock"] == "10.0.0.0/16"
    assert route_to(ec2, table, "10.1.0.0/16")["State"] == "blackhole"
    assert all_ids(ec2, Filters=[{"Name": "accepter-vpc-info.vpc-id",
                                  "Values": [accepter]}]) == [active]


def test_a_vpc_with_a_request_from_another_account_waits_for_rejection(ec2, other):
    mine, theirs = vpc(ec2, "10.0.0.0/16"), vpc(other, "10.5.0.0/16")
    pcx = request(ec2, mine, theirs, PeerOwnerId=OTHER)["VpcPeeringConnectionId"]
    assert fails(other.delete_vpc, VpcId=theirs) == (
        "DependencyViolation", f"The vpc '{theirs}' has dependencies and cannot be deleted.")
    assert status(other, pcx)[0] == "pending-acceptance"
    other.reject_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    other.delete_vpc(VpcId=theirs)
    assert status(ec2, pcx) == ("rejected", f"Rejected by {OTHER}")


def test_a_vpc_whose_groups_a_peer_names_cannot_be_deleted(ec2, pair, active):
    requester, accepter = pair
    default = ec2.describe_security_groups(Filters=[
        {"Name": "vpc-id", "Values": [accepter]},
        {"Name": "group-name", "Values": ["default"]}])["SecurityGroups"][0]["GroupId"]
    mine = group(ec2, requester)
    ec2.authorize_security_group_ingress(GroupId=mine, IpPermissions=ssh_from(default))
    assert fails(ec2.delete_vpc, VpcId=accepter)[0] == "DependencyViolation"
    assert status(ec2, active)[0] == "active"
    ec2.revoke_security_group_ingress(GroupId=mine, IpPermissions=ssh_from(default))
    ec2.delete_vpc(VpcId=accepter)
    assert status(ec2, active)[0] == "deleted"


# -- against the server -------------------------------------------------------------------------
def test_peering_lifecycle_against_server(server_ec2):
    a, b = vpc(server_ec2, "10.0.0.0/16"), vpc(server_ec2, "10.1.0.0/16")
    made = request(server_ec2, a, b)
    pcx = made["VpcPeeringConnectionId"]
    assert made["Status"]["Code"] == "initiating-request"
    assert isinstance(made["ExpirationTime"], dt.datetime)
    accepted = server_ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    assert accepted["VpcPeeringConnection"]["Status"]["Code"] == "provisioning"
    out = server_ec2.modify_vpc_peering_connection_options(
        VpcPeeringConnectionId=pcx,
        RequesterPeeringConnectionOptions={"AllowDnsResolutionFromRemoteVpc": True})
    assert out["RequesterPeeringConnectionOptions"]["AllowDnsResolutionFromRemoteVpc"] is True
    assert status(server_ec2, pcx) == ("active", "Active")
    assert server_ec2.delete_vpc_peering_connection(VpcPeeringConnectionId=pcx)["Return"]


def test_cross_account_against_server(server_ec2, server_url):
    theirs_client = boto3.client("ec2", region_name=REGION, endpoint_url=server_url,
                                 aws_access_key_id=OTHER, aws_secret_access_key="x")
    mine = server_ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    theirs = theirs_client.create_vpc(CidrBlock="10.5.0.0/16")["Vpc"]["VpcId"]
    pcx = request(server_ec2, mine, theirs, PeerOwnerId=OTHER)["VpcPeeringConnectionId"]
    assert fails(server_ec2.accept_vpc_peering_connection, VpcPeeringConnectionId=pcx) == (
        "OperationNotPermitted", f"User {ACCOUNT} cannot accept peering {pcx}")
    theirs_client.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    assert status(server_ec2, pcx)[0] == "active"
