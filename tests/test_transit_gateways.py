"""Transit gateways, VPC and peering attachments through boto3, in-process and against the
server: AWS's defaults, states, errors and filters, and routes from VPC route tables."""
from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError

from topology.connect import tgw_attachments
from helpers import error

ACCOUNT = "123456789012"
OTHER = "111122223333"
THIRD = "444455556666"
MISSING_TGW = "tgw-0123456789abcdef0"
MISSING_ATTACH = "tgw-attach-0123456789abcdef0"


def client(account: str | None = None, region: str = "us-east-1"):
    """A client for another account (a 12-digit access key id is the account) or region."""
    return boto3.client("ec2", region_name=region, aws_access_key_id=account or "testing",
                        aws_secret_access_key="testing")


def tgw_of(ec2, **kwargs) -> dict:
    return ec2.create_transit_gateway(**kwargs)["TransitGateway"]


def described(ec2, tgw_id: str) -> dict:
    return ec2.describe_transit_gateways(TransitGatewayIds=[tgw_id])["TransitGateways"][0]


def attachments(ec2, **kwargs) -> dict[str, dict]:
    return {a["TransitGatewayAttachmentId"]: a
            for a in ec2.describe_transit_gateway_attachments(**kwargs)["TransitGatewayAttachments"]}


def vpc_attachments(ec2, **kwargs) -> dict[str, dict]:
    found = ec2.describe_transit_gateway_vpc_attachments(**kwargs)["TransitGatewayVpcAttachments"]
    return {a["TransitGatewayAttachmentId"]: a for a in found}


def peerings(ec2, **kwargs) -> dict[str, dict]:
    found = ec2.describe_transit_gateway_peering_attachments(**kwargs)[
        "TransitGatewayPeeringAttachments"]
    return {a["TransitGatewayAttachmentId"]: a for a in found}


@pytest.fixture
def tgw(ec2) -> dict:
    return tgw_of(ec2, Description="hub")


@pytest.fixture
def net(ec2) -> dict:
    """A VPC with subnets in zones a, a and b."""
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]

    def subnet(cidr: str, zone: str) -> str:
        return ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone=zone)[
            "Subnet"]["SubnetId"]

    return {"vpc": vpc, "a1": subnet("10.0.1.0/24", "us-east-1a"),
            "a2": subnet("10.0.2.0/24", "us-east-1a"), "b": subnet("10.0.3.0/24", "us-east-1b"),
            "c": subnet("10.0.4.0/24", "us-east-1c")}


def attach(ec2, tgw_id: str, net: dict, subnets: tuple[str, ...] = ("a1", "b"), **kwargs) -> dict:
    return ec2.create_transit_gateway_vpc_attachment(
        TransitGatewayId=tgw_id, VpcId=net["vpc"], SubnetIds=[net[s] for s in subnets],
        **kwargs)["TransitGatewayVpcAttachment"]


# -- create and describe ------------------------------------------------------------------------
def test_create_answers_pending_with_aws_defaults(ec2, tgw):
    assert tgw["State"] == "pending"
    assert tgw["OwnerId"] == ACCOUNT
    assert tgw["Description"] == "hub"
    assert tgw["TransitGatewayArn"] == \
        f"arn:aws:ec2:us-east-1:{ACCOUNT}:transit-gateway/{tgw['TransitGatewayId']}"
    assert tgw["TransitGatewayId"].startswith("tgw-") and len(tgw["TransitGatewayId"]) == 21
    options = tgw["Options"]
    table = options["AssociationDefaultRouteTableId"]
    assert table.startswith("tgw-rtb-")
    assert options == {
        "AmazonSideAsn": 64512, "AutoAcceptSharedAttachments": "disable",
        "DefaultRouteTableAssociation": "enable", "AssociationDefaultRouteTableId": table,
        "DefaultRouteTablePropagation": "enable", "PropagationDefaultRouteTableId": table,
        "VpnEcmpSupport": "enable", "DnsSupport": "enable",
        "SecurityGroupReferencingSupport": "disable", "MulticastSupport": "disable"}
    found = described(ec2, tgw["TransitGatewayId"])
    assert found["State"] == "available"
    assert found["Options"] == options
    assert found["CreationTime"] == tgw["CreationTime"]
    # the default route table is a real route table of the gateway, default for both
    rtb = ec2.describe_transit_gateway_route_tables(TransitGatewayRouteTableIds=[table])[
        "TransitGatewayRouteTables"][0]
    assert (rtb["TransitGatewayId"], rtb["DefaultAssociationRouteTable"],
            rtb["DefaultPropagationRouteTable"]) == (tgw["TransitGatewayId"], True, True)


def test_create_with_options_and_tags(ec2):
    tgw = tgw_of(ec2, Options={
        "AmazonSideAsn": 4200000000, "AutoAcceptSharedAttachments": "enable",
        "VpnEcmpSupport": "disable", "DnsSupport": "disable", "MulticastSupport": "enable",
        "SecurityGroupReferencingSupport": "enable",
        "TransitGatewayCidrBlocks": ["10.99.0.0/24", "2001:db8::/64"]},
        TagSpecifications=[{"ResourceType": "transit-gateway",
                            "Tags": [{"Key": "Name", "Value": "core"}]}])
    found = described(ec2, tgw["TransitGatewayId"])
    assert found["Options"]["AmazonSideAsn"] == 4200000000
    assert found["Options"]["TransitGatewayCidrBlocks"] == ["10.99.0.0/24", "2001:db8::/64"]
    assert (found["Options"]["AutoAcceptSharedAttachments"], found["Options"]["VpnEcmpSupport"],
            found["Options"]["DnsSupport"], found["Options"]["MulticastSupport"],
            found["Options"]["SecurityGroupReferencingSupport"]) == (
        "enable", "disable", "disable", "enable", "enable")
    assert found["Tags"] == [{"Key": "Name", "Value": "core"}]
    assert "Description" not in found


def test_default_table_serves_only_the_enabled_defaults(ec2):
    only_propagation = tgw_of(ec2, Options={"DefaultRouteTableAssociation": "disable"})
    options = only_propagation["Options"]
    assert "AssociationDefaultRouteTableId" not in options
    rtb = ec2.describe_transit_gateway_route_tables(
        TransitGatewayRouteTableIds=[options["PropagationDefaultRouteTableId"]])[
        "TransitGatewayRouteTables"][0]
    assert (rtb["DefaultAssociationRouteTable"], rtb["DefaultPropagationRouteTable"]) == (
        False, True)
    neither = tgw_of(ec2, Options={"DefaultRouteTableAssociation": "disable",
                                   "DefaultRouteTablePropagation": "disable"})
    assert "AssociationDefaultRouteTableId" not in neither["Options"]
    assert "PropagationDefaultRouteTableId" not in neither["Options"]
    tables = ec2.describe_transit_gateway_route_tables(Filters=[
        {"Name": "transit-gateway-id", "Values": [neither["TransitGatewayId"]]}])
    assert tables["TransitGatewayRouteTables"] == []


@pytest.mark.parametrize("asn", [1, 64511, 65535, 4199999999, 4294967295])
def test_asn_outside_the_private_ranges_is_refused(ec2, asn):
    with pytest.raises(ClientError) as exc:
        ec2.create_transit_gateway(Options={"AmazonSideAsn": asn})
    assert error(exc) == ("InvalidParameterValue",
                          f"The Amazon side ASN {asn} is invalid. It must be in the range 64512 "
                          "to 65534 or 4200000000 to 4294967294.")
    assert ec2.describe_transit_gateways()["TransitGateways"] == []
    assert ec2.describe_transit_gateway_route_tables()["TransitGatewayRouteTables"] == []


@pytest.mark.parametrize("asn", [64512, 65534, 4200000000, 4294967294])
def test_asn_range_edges_are_accepted(ec2, asn):
    assert tgw_of(ec2, Options={"AmazonSideAsn": asn})["Options"]["AmazonSideAsn"] == asn


@pytest.mark.parametrize("blocks, message", [
    (["10.0.0.0/25"], "The CIDR block 10.0.0.0/25 is invalid. A transit gateway CIDR block "
                      "must be a /24 or larger for IPv4, or a /64 or larger for IPv6."),
    (["2001:db8::/65"], "The CIDR block 2001:db8::/65 is invalid. A transit gateway CIDR block "
                        "must be a /24 or larger for IPv4, or a /64 or larger for IPv6."),
    (["nonsense"], "Value (nonsense) for parameter transitGatewayCidrBlocks is invalid. This "
                   "is not a valid CIDR block."),
    (["10.0.0.0/16", "10.0.1.0/24"], "The CIDR block 10.0.1.0/24 overlaps with the CIDR block "
                                     "10.0.0.0/16 of the transit gateway."),
    ([f"10.{i}.0.0/24" for i in range(6)], "A transit gateway can have at most 5 CIDR blocks."),
])
def test_bad_cidr_blocks_are_refused(ec2, blocks, message):
    with pytest.raises(ClientError) as exc:
        ec2.create_transit_gateway(Options={"TransitGatewayCidrBlocks": blocks})
    assert error(exc) == ("InvalidParameterValue", message)
    assert ec2.describe_transit_gateways()["TransitGateways"] == []


def test_tag_specification_of_another_type_is_refused(ec2):
    with pytest.raises(ClientError) as exc:
        ec2.create_transit_gateway(TagSpecifications=[
            {"ResourceType": "vpc", "Tags": [{"Key": "k", "Value": "v"}]}])
    assert error(exc) == ("InvalidParameterValue",
                          "'vpc' is not a valid taggable resource type for this operation.")
    assert ec2.describe_transit_gateways()["TransitGateways"] == []


def test_dry_run_creates_nothing(ec2):
    with pytest.raises(ClientError) as exc:
        ec2.create_transit_gateway(DryRun=True)
    assert error(exc)[0] == "DryRunOperation"
    assert ec2.describe_transit_gateways()["TransitGateways"] == []
    assert ec2.describe_transit_gateway_route_tables()["TransitGatewayRouteTables"] == []


def test_describe_unknown_and_malformed_ids_and_filters(ec2, tgw):
    with pytest.raises(ClientError) as exc:
        ec2.describe_transit_gateways(TransitGatewayIds=[MISSING_TGW])
    assert error(exc) == ("InvalidTransitGatewayID.NotFound",
                          f"Transit Gateway {MISSING_TGW} was deleted or does not exist.")
    with pytest.raises(ClientError) as exc:
        ec2.describe_transit_gateways(TransitGatewayIds=["tgw-nope"])
    assert error(exc) == ("InvalidTransitGatewayID.Malformed", "Invalid Transit Gateway id tgw-nope.")
    with pytest.raises(ClientError) as exc:
        ec2.describe_transit_gateways(Filters=[{"Name": "description", "Values": ["hub"]}])
    assert error(exc) == ("InvalidParameterValue", "The filter 'description' is invalid")


def test_describe_filters(ec2, tgw):
    other = tgw_of(ec2, Options={"AmazonSideAsn": 65000, "DnsSupport": "disable",
                                 "VpnEcmpSupport": "disable",
                                 "AutoAcceptSharedAttachments": "enable",
                                 "DefaultRouteTableAssociation": "disable",
                                 "DefaultRouteTablePropagation": "disable"},
                   TagSpecifications=[{"ResourceType": "transit-gateway",
                                       "Tags": [{"Key": "team", "Value": "net"}]}])
    first, second = tgw["TransitGatewayId"], other["TransitGatewayId"]
    table = tgw["Options"]["AssociationDefaultRouteTableId"]

    def ids(name: str, *values: str) -> list[str]:
        found = ec2.describe_transit_gateways(Filters=[{"Name": name, "Values": list(values)}])
        return [t["TransitGatewayId"] for t in found["TransitGateways"]]

    assert ids("options.amazon-side-asn", "65000") == [second]
    assert ids("options.association-default-route-table-id", table) == [first]
    assert ids("options.propagation-default-route-table-id", table) == [first]
    assert ids("options.auto-accept-shared-attachments", "enable") == [second]
    assert ids("options.default-route-table-association", "disable") == [second]
    assert ids("options.default-route-table-propagation", "enable") == [first]
    assert ids("options.dns-support", "enable") == [first]
    assert ids("options.vpn-ecmp-support", "disable") == [second]
    assert ids("owner-id", ACCOUNT) == [first, second]
    assert ids("owner-id", OTHER) == []
    assert ids("state", "available") == [first, second]
    assert ids("transit-gateway-id", second) == [second]
    assert ids("tag:team", "net") == [second]
    assert ids("tag-key", "team") == [second]


def test_describe_pages(ec2):
    made = [tgw_of(ec2)["TransitGatewayId"] for _ in range(7)]
    page = ec2.describe_transit_gateways(MaxResults=5)
    assert [t["TransitGatewayId"] for t in page["TransitGateways"]] == made[:5]
    rest = ec2.describe_transit_gateways(MaxResults=5, NextToken=page["NextToken"])
    assert [t["TransitGatewayId"] for t in rest["TransitGateways"]] == made[5:]
    assert "NextToken" not in rest
    paginator = ec2.get_paginator("describe_transit_gateways")
    assert sum(len(p["TransitGateways"]) for p in paginator.paginate(PaginationConfig={
        "PageSize": 5})) == 7


def test_gateways_are_per_account_and_region(ec2, tgw):
    assert client(OTHER).describe_transit_gateways()["TransitGateways"] == []
    assert client(region="eu-west-1").describe_transit_gateways()["TransitGateways"] == []
    with pytest.raises(ClientError) as exc:
        client(OTHER).describe_transit_gateways(TransitGatewayIds=[tgw["TransitGatewayId"]])
    assert error(exc)[0] == "InvalidTransitGatewayID.NotFound"


# -- modify -------------------------------------------------------------------------------------
def test_modify_description_and_options(ec2, tgw):
    tgw_id = tgw["TransitGatewayId"]
    answer = ec2.modify_transit_gateway(
        TransitGatewayId=tgw_id, Description="core hub",
        Options={"VpnEcmpSupport": "disable", "DnsSupport": "disable",
                 "AutoAcceptSharedAttachments": "enable", "AmazonSideAsn": 65010,
                 "SecurityGroupReferencingSupport": "enable",
                 "AddTransitGatewayCidrBlocks": ["10.20.0.0/24"]})["TransitGateway"]
    assert answer["State"] == "modifying"
    found = described(ec2, tgw_id)
    assert found["State"] == "available"
    assert found["Description"] == "core hub"
    options = found["Options"]
    assert (options["VpnEcmpSupport"], options["DnsSupport"],
            options["AutoAcceptSharedAttachments"], options["AmazonSideAsn"],
            options["SecurityGroupReferencingSupport"], options["TransitGatewayCidrBlocks"]) == (
        "disable", "disable", "enable", 65010, "enable", ["10.20.0.0/24"])
    ec2.modify_transit_gateway(TransitGatewayId=tgw_id, Options={
        "RemoveTransitGatewayCidrBlocks": ["10.20.0.0/24"],
        "AddTransitGatewayCidrBlocks": ["10.30.0.0/16"]})
    assert described(ec2, tgw_id)["Options"]["TransitGatewayCidrBlocks"] == ["10.30.0.0/16"]


def test_modify_errors_leave_the_gateway_unchanged(ec2, tgw):
    tgw_id = tgw["TransitGatewayId"]
    before = described(ec2, tgw_id)
    with pytest.raises(ClientError) as exc:
        ec2.modify_transit_gateway(TransitGatewayId=tgw_id, Description="x",
                                   Options={"RemoveTransitGatewayCidrBlocks": ["10.1.0.0/24"]})
    assert error(exc) == ("InvalidParameterValue", "The CIDR block 10.1.0.0/24 is not associated "
                                                   f"with transit gateway {tgw_id}.")
    with pytest.raises(ClientError) as exc:
        ec2.modify_transit_gateway(TransitGatewayId=tgw_id, Description="x",
                                   Options={"AmazonSideAsn": 70000})
    assert error(exc)[0] == "InvalidParameterValue"
    assert described(ec2, tgw_id) == before
    with pytest.raises(ClientError) as exc:
        ec2.modify_transit_gateway(TransitGatewayId=MISSING_TGW, Description="x")
    assert error(exc) == ("InvalidTransitGatewayID.NotFound",
                          f"Transit Gateway {MISSING_TGW} was deleted or does not exist.")


def test_modify_default_route_tables(ec2, tgw):
    tgw_id = tgw["TransitGatewayId"]
    default = tgw["Options"]["AssociationDefaultRouteTableId"]
    ec2.modify_transit_gateway(TransitGatewayId=tgw_id,
                               Options={"DefaultRouteTableAssociation": "disable"})
    options = described(ec2, tgw_id)["Options"]
    assert options["DefaultRouteTableAssociation"] == "disable"
    assert "AssociationDefaultRouteTableId" not in options
    assert options["PropagationDefaultRouteTableId"] == default
    rtb = ec2.describe_transit_gateway_route_tables(TransitGatewayRouteTableIds=[default])[
        "TransitGatewayRouteTables"][0]
    assert (rtb["DefaultAssociationRouteTable"], rtb["DefaultPropagationRouteTable"]) == (
        False, True)
    # enabling again needs a table
    with pytest.raises(ClientError) as exc:
        ec2.modify_transit_gateway(TransitGatewayId=tgw_id,
                                   Options={"DefaultRouteTableAssociation": "enable"})
    assert error(exc) == ("InvalidParameterCombination",
                          "enable DefaultRouteTableAssociation conflicts with "
                          "AssociationDefaultRouteTableId null")
    # a table id while the option is off is refused
    with pytest.raises(ClientError) as exc:
        ec2.modify_transit_gateway(TransitGatewayId=tgw_id,
                                   Options={"AssociationDefaultRouteTableId": default})
    assert error(exc) == ("InvalidParameterCombination",
                          "disable DefaultRouteTableAssociation conflicts with "
                          f"AssociationDefaultRouteTableId {default}")
    second = ec2.create_transit_gateway_route_table(TransitGatewayId=tgw_id)[
        "TransitGatewayRouteTable"]["TransitGatewayRouteTableId"]
    ec2.modify_transit_gateway(TransitGatewayId=tgw_id, Options={
        "DefaultRouteTableAssociation": "enable", "AssociationDefaultRouteTableId": second})
    options = described(ec2, tgw_id)["Options"]
    assert (options["AssociationDefaultRouteTableId"], options["PropagationDefaultRouteTableId"]) \
        == (second, default)
    # moving the propagation default moves the table flag
    ec2.modify_transit_gateway(TransitGatewayId=tgw_id,
                               Options={"PropagationDefaultRouteTableId": second})
    flags = {t["TransitGatewayRouteTableId"]: (t["DefaultAssociationRouteTable"],
                                               t["DefaultPropagationRouteTable"])
             for t in ec2.describe_transit_gateway_route_tables()["TransitGatewayRouteTables"]}
    assert flags == {default: (False, False), second: (True, True)}


def test_default_table_must_belong_to_the_gateway(ec2, tgw):
    other = tgw_of(ec2)["Options"]["AssociationDefaultRouteTableId"]
    tgw_id = tgw["TransitGatewayId"]
    with pytest.raises(ClientError) as exc:
        ec2.modify_transit_gateway(TransitGatewayId=tgw_id,
                                   Options={"AssociationDefaultRouteTableId": other})
    assert error(exc) == ("InvalidRouteTableID.NotFound",
                          f"Transit Gateway Route Table {other} was deleted or does not exist in "
                          f"Transit Gateway {tgw_id}.")
    missing = "tgw-rtb-0123456789abcdef0"
    with pytest.raises(ClientError) as exc:
        ec2.modify_transit_gateway(TransitGatewayId=tgw_id,
                                   Options={"PropagationDefaultRouteTableId": missing})
    assert error(exc) == ("InvalidRouteTableID.NotFound",
                          f"Transit Gateway Route Table {missing} was deleted or does not exist.")
    assert described(ec2, tgw_id)["Options"] == {**tgw["Options"]}


# -- delete -------------------------------------------------------------------------------------
def test_delete_answers_deleting_and_stays_visible_as_deleted(ec2, tgw):
    tgw_id = tgw["TransitGatewayId"]
    table = tgw["Options"]["AssociationDefaultRouteTableId"]
    answer = ec2.delete_transit_gateway(TransitGatewayId=tgw_id)["TransitGateway"]
    assert answer["State"] == "deleting"
    assert answer["Options"]["AssociationDefaultRouteTableId"] == table
    found = described(ec2, tgw_id)
    assert found["State"] == "deleted"
    assert ec2.describe_transit_gateways(Filters=[{"Name": "state", "Values": ["available"]}])[
        "TransitGateways"] == []
    # its default route table went with it
    with pytest.raises(ClientError) as exc:
        ec2.describe_transit_gateway_route_tables(TransitGatewayRouteTableIds=[table])
    assert error(exc)[0] == "InvalidRouteTableID.NotFound"
    with pytest.raises(ClientError) as exc:
        ec2.delete_transit_gateway(TransitGatewayId=tgw_id)
    assert error(exc) == ("InvalidTransitGatewayID.NotFound",
                          f"Transit Gateway {tgw_id} was deleted or does not exist.")
    with pytest.raises(ClientError) as exc:
        ec2.modify_transit_gateway(TransitGatewayId=tgw_id, Description="x")
    assert error(exc)[0] == "InvalidTransitGatewayID.NotFound"


def test_delete_with_attachments_is_refused(ec2, tgw, net):
    tgw_id = tgw["TransitGatewayId"]
    attach_id = attach(ec2, tgw_id, net)["TransitGatewayAttachmentId"]
    with pytest.raises(ClientError) as exc:
        ec2.delete_transit_gateway(TransitGatewayId=tgw_id)
    assert error(exc) == ("IncorrectState",
                          f"{tgw_id} has non-deleted Transit Gateway Attachments: {attach_id}.")
    assert described(ec2, tgw_id)["State"] == "available"
    assert attachments(ec2)[attach_id]["State"] == "available"
    ec2.delete_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=attach_id)
    assert ec2.delete_transit_gateway(TransitGatewayId=tgw_id)["TransitGateway"]["State"] == \
        "deleting"


def test_no_attachment_to_a_deleted_gateway(ec2, tgw, net):
    ec2.delete_transit_gateway(TransitGatewayId=tgw["TransitGatewayId"])
    with pytest.raises(ClientError) as exc:
        attach(ec2, tgw["TransitGatewayId"], net)
    assert error(exc) == ("InvalidTransitGatewayID.NotFound",
                          f"Transit Gateway {tgw['TransitGatewayId']} was deleted or does not "
                          "exist.")


# -- VPC attachments ----------------------------------------------------------------------------
def test_untagged_vpc_attachment_has_no_tag_set(ec2, tgw, net):
    made = attach(ec2, tgw["TransitGatewayId"], net)
    assert "Tags" not in made
    assert "Tags" not in vpc_attachments(ec2)[made["TransitGatewayAttachmentId"]]


def test_vpc_attachment_defaults_and_default_routing(ec2, tgw, net):
    tgw_id = tgw["TransitGatewayId"]
    table = tgw["Options"]["AssociationDefaultRouteTableId"]
    made = attach(ec2, tgw_id, net, TagSpecifications=[
        {"ResourceType": "transit-gateway-attachment", "Tags": [{"Key": "Name", "Value": "a"}]}])
    attach_id = made["TransitGatewayAttachmentId"]
    assert attach_id.startswith("tgw-attach-")
    assert made["State"] == "pending"
    assert (made["TransitGatewayId"], made["VpcId"], made["VpcOwnerId"], made["SubnetIds"]) == (
        tgw_id, net["vpc"], ACCOUNT, [net["a1"], net["b"]])
    assert made["Options"] == {"DnsSupport": "enable", "SecurityGroupReferencingSupport": "enable",
                               "Ipv6Support": "disable", "ApplianceModeSupport": "disable"}
    assert made["Tags"] == [{"Key": "Name", "Value": "a"}]
    found = vpc_attachments(ec2)[attach_id]
    assert found["State"] == "available"
    generic = attachments(ec2)[attach_id]
    assert {k: generic[k] for k in ("TransitGatewayId", "TransitGatewayOwnerId", "ResourceOwnerId",
                                    "ResourceType", "ResourceId", "State", "Association")} == {
        "TransitGatewayId": tgw_id, "TransitGatewayOwnerId": ACCOUNT, "ResourceOwnerId": ACCOUNT,
        "ResourceType": "vpc", "ResourceId": net["vpc"], "State": "available",
        "Association": {"TransitGatewayRouteTableId": table, "State": "associated"}}
    propagations = ec2.get_transit_gateway_route_table_propagations(
        TransitGatewayRouteTableId=table)["TransitGatewayRouteTablePropagations"]
    assert [p["TransitGatewayAttachmentId"] for p in propagations] == [attach_id]
    routes = ec2.search_transit_gateway_routes(
        TransitGatewayRouteTableId=table, Filters=[{"Name": "type", "Values": ["propagated"]}])
    assert [r["DestinationCidrBlock"] for r in routes["Routes"]] == ["10.0.0.0/16"]


def test_vpc_attachment_options_are_taken(ec2, tgw, net):
    made = attach(ec2, tgw["TransitGatewayId"], net, Options={
        "DnsSupport": "disable", "Ipv6Support": "enable", "ApplianceModeSupport": "enable",
        "SecurityGroupReferencingSupport": "disable"})
    assert made["Options"] == {"DnsSupport": "disable", "SecurityGroupReferencingSupport": "disable",
                               "Ipv6Support": "enable", "ApplianceModeSupport": "enable"}


def test_no_default_routing_when_the_gateway_says_no(ec2, net):
    tgw = tgw_of(ec2, Options={"DefaultRouteTableAssociation": "disable",
                               "DefaultRouteTablePropagation": "disable"})
    attach_id = attach(ec2, tgw["TransitGatewayId"], net)["TransitGatewayAttachmentId"]
    assert "Association" not in attachments(ec2)[attach_id]


def test_vpc_attachment_makes_interfaces_that_hold_the_subnets(ec2, tgw, net):
    attach_id = attach(ec2, tgw["TransitGatewayId"], net)["TransitGatewayAttachmentId"]
    enis = ec2.describe_network_interfaces(Filters=[{"Name": "vpc-id", "Values": [net["vpc"]]}])[
        "NetworkInterfaces"]
    assert sorted(e["SubnetId"] for e in enis) == sorted([net["a1"], net["b"]])
    assert {(e["InterfaceType"], e["RequesterManaged"], e["Description"]) for e in enis} == {
        ("transit_gateway", True, f"Network Interface for Transit Gateway Attachment {attach_id}")}
    with pytest.raises(ClientError) as exc:
        ec2.delete_subnet(SubnetId=net["a1"])
    assert error(exc)[0] == "DependencyViolation"
    with pytest.raises(ClientError) as exc:
        ec2.delete_network_interface(NetworkInterfaceId=enis[0]["NetworkInterfaceId"])
    assert error(exc)[0] == "InvalidParameterValue"
    ec2.delete_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=attach_id)
    assert ec2.describe_network_interfaces(Filters=[{"Name": "vpc-id", "Values": [net["vpc"]]}])[
        "NetworkInterfaces"] == []
    ec2.delete_subnet(SubnetId=net["a1"])


def test_two_subnets_in_one_zone_are_refused(ec2, tgw, net):
    with pytest.raises(ClientError) as exc:
        attach(ec2, tgw["TransitGatewayId"], net, ("a1", "a2"))
    assert error(exc) == ("DuplicateSubnetsInSameZone", "Duplicate Subnets for same AZ")
    assert vpc_attachments(ec2) == {}
    assert ec2.describe_network_interfaces(Filters=[{"Name": "vpc-id", "Values": [net["vpc"]]}])[
        "NetworkInterfaces"] == []


def test_subnets_must_exist_in_the_vpc(ec2, tgw, net):
    default_subnet = ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])[
        "Subnets"][0]["SubnetId"]
    for bad in (default_subnet, "subnet-0123456789abcdef0"):
        with pytest.raises(ClientError) as exc:
            ec2.create_transit_gateway_vpc_attachment(
                TransitGatewayId=tgw["TransitGatewayId"], VpcId=net["vpc"], SubnetIds=[bad])
        assert error(exc) == ("InvalidSubnetID.NotFound",
                              f"Subnet {bad} was deleted or does not exist.")
    with pytest.raises(ClientError) as exc:
        ec2.create_transit_gateway_vpc_attachment(
            TransitGatewayId=tgw["TransitGatewayId"], VpcId="vpc-0123456789abcdef0",
            SubnetIds=[net["a1"]])
    assert error(exc) == ("InvalidVpcID.NotFound",
                          "The vpc ID 'vpc-0123456789abcdef0' does not exist")
    with pytest.raises(ClientError) as exc:
        ec2.create_transit_gateway_vpc_attachment(
            TransitGatewayId=MISSING_TGW, VpcId=net["vpc"], SubnetIds=[net["a1"]])
    assert error(exc) == ("InvalidTransitGatewayID.NotFound",
                          f"Transit Gateway {MISSING_TGW} was deleted or does not exist.")
    assert vpc_attachments(ec2) == {}


def test_one_attachment_per_vpc_and_gateway(ec2, tgw, net):
    tgw_id = tgw["TransitGatewayId"]
    first = attach(ec2, tgw_id, net)["TransitGatewayAttachmentId"]
    with pytest.raises(ClientError) as exc:
        attach(ec2, tgw_id, net, ("c",))
    assert error(exc) == ("DuplicateTransitGatewayAttachment",
                          f"{tgw_id} has non-deleted Transit Gateway Attachments with same VPC ID.")
    assert list(vpc_attachments(ec2)) == [first]
    # another gateway may take the same VPC, and a deleted attachment frees it
    assert attach(ec2, tgw_of(ec2)["TransitGatewayId"], net, ("c",))["State"] == "pending"
    ec2.delete_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=first)
    assert attach(ec2, tgw_id, net, ("c",))["State"] == "pending"


def test_modify_vpc_attachment_subnets_and_options(ec2, tgw, net):
    attach_id = attach(ec2, tgw["TransitGatewayId"], net)["TransitGatewayAttachmentId"]
    answer = ec2.modify_transit_gateway_vpc_attachment(
        TransitGatewayAttachmentId=attach_id, AddSubnetIds=[net["c"]],
        RemoveSubnetIds=[net["a1"]], Options={"ApplianceModeSupport": "enable"})[
        "TransitGatewayVpcAttachment"]
    assert answer["State"] == "modifying"
    found = vpc_attachments(ec2)[attach_id]
    assert found["State"] == "available"
    assert found["SubnetIds"] == [net["b"], net["c"]]
    assert found["Options"]["ApplianceModeSupport"] == "enable"
    assert found["Options"]["DnsSupport"] == "enable"
    # the interface moved with the subnet
    enis = ec2.describe_network_interfaces(Filters=[{"Name": "vpc-id", "Values": [net["vpc"]]}])[
        "NetworkInterfaces"]
    assert sorted(e["SubnetId"] for e in enis) == sorted([net["b"], net["c"]])
    # swap a zone's subnet in one call: a2 replaces nothing in zone a (a1 left already)
    ec2.modify_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=attach_id,
                                              AddSubnetIds=[net["a2"]])
    assert vpc_attachments(ec2)[attach_id]["SubnetIds"] == [net["b"], net["c"], net["a2"]]


def test_modify_vpc_attachment_errors(ec2, tgw, net):
    attach_id = attach(ec2, tgw["TransitGatewayId"], net)["TransitGatewayAttachmentId"]
    before = vpc_attachments(ec2)[attach_id]
    with pytest.raises(ClientError) as exc:
        ec2.modify_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=attach_id,
                                                  AddSubnetIds=[net["a2"]])
    assert error(exc) == ("DuplicateSubnetsInSameZone", "Duplicate Subnets for same AZ")
    with pytest.raises(ClientError) as exc:
        ec2.modify_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=attach_id,
                                                  RemoveSubnetIds=[net["c"]])
    assert error(exc) == ("InvalidSubnetID.NotFound",
                          f"{net['c']} is not attached but supplied in RemoveSubnets")
    with pytest.raises(ClientError) as exc:
        ec2.modify_transit_gateway_vpc_attachment(
            TransitGatewayAttachmentId=attach_id, RemoveSubnetIds=[net["a1"], net["b"]],
            Options={"DnsSupport": "disable"})
    assert error(exc) == ("InsufficientSubnetsException", "Insufficient Subnets")
    assert vpc_attachments(ec2)[attach_id] == before
    with pytest.raises(ClientError) as exc:
        ec2.modify_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=MISSING_ATTACH,
                                                  AddSubnetIds=[net["c"]])
    assert error(exc) == ("InvalidTransitGatewayAttachmentID.NotFound",
                          f"Transit Gateway VPC Attachment {MISSING_ATTACH} was deleted or does "
                          "not exist.")


def test_delete_vpc_attachment(ec2, tgw, net):
    table = tgw["Options"]["AssociationDefaultRouteTableId"]
    attach_id = attach(ec2, tgw["TransitGatewayId"], net)["TransitGatewayAttachmentId"]
    answer = ec2.delete_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=attach_id)[
        "TransitGatewayVpcAttachment"]
    assert (answer["TransitGatewayAttachmentId"], answer["State"], answer["VpcId"]) == (
        attach_id, "deleting", net["vpc"])
    assert vpc_attachments(ec2)[attach_id]["State"] == "deleted"
    gone = attachments(ec2)[attach_id]
    assert gone["State"] == "deleted" and "Association" not in gone
    assert ec2.get_transit_gateway_route_table_propagations(TransitGatewayRouteTableId=table)[
        "TransitGatewayRouteTablePropagations"] == []
    assert ec2.search_transit_gateway_routes(
        TransitGatewayRouteTableId=table, Filters=[{"Name": "type", "Values": ["propagated"]}])[
        "Routes"] == []
    with pytest.raises(ClientError) as exc:
        ec2.delete_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=attach_id)
    assert error(exc) == ("InvalidTransitGatewayAttachmentID.NotFound",
                          f"Transit Gateway VPC Attachment {attach_id} was deleted or does not "
                          "exist.")
    with pytest.raises(ClientError) as exc:
        ec2.delete_transit_gateway_vpc_attachment(TransitGatewayAttachmentId="tgw-attach-x")
    assert error(exc) == ("InvalidTransitGatewayAttachmentID.Malformed",
                          "Invalid Transit Gateway Attachment id tgw-attach-x.")


def test_static_route_to_a_deleted_attachment_reads_blackhole(ec2, tgw, net):
    table = tgw["Options"]["AssociationDefaultRouteTableId"]
    attach_id = attach(ec2, tgw["TransitGatewayId"], net)["TransitGatewayAttachmentId"]
    ec2.create_transit_gateway_route(TransitGatewayRouteTableId=table,
                                     DestinationCidrBlock="192.168.0.0/16",
                                     TransitGatewayAttachmentId=attach_id)
    ec2.delete_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=attach_id)
    routes = ec2.search_transit_gateway_routes(
        TransitGatewayRouteTableId=table, Filters=[{"Name": "type", "Values": ["static"]}])["Routes"]
    assert [(r["DestinationCidrBlock"], r["State"]) for r in routes] == [
        ("192.168.0.0/16", "blackhole")]


def test_describe_vpc_attachment_filters(ec2, tgw, net):
    tgw_id = tgw["TransitGatewayId"]
    first = attach(ec2, tgw_id, net, TagSpecifications=[
        {"ResourceType": "transit-gateway-attachment", "Tags": [{"Key": "env", "Value": "prod"}]}])[
        "TransitGatewayAttachmentId"]
    other_vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    other_subnet = ec2.create_subnet(VpcId=other_vpc, CidrBlock="10.1.0.0/24")["Subnet"]["SubnetId"]
    second_tgw = tgw_of(ec2)["TransitGatewayId"]
    second = ec2.create_transit_gateway_vpc_attachment(
        TransitGatewayId=second_tgw, VpcId=other_vpc, SubnetIds=[other_subnet])[
        "TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
    ec2.delete_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=second)

    def ids(name: str, *values: str) -> list[str]:
        return list(vpc_attachments(ec2, Filters=[{"Name": name, "Values": list(values)}]))

    assert ids("vpc-id", net["vpc"]) == [first]
    assert ids("vpc-id", other_vpc) == [second]
    assert ids("transit-gateway-id", tgw_id) == [first]
    assert ids("transit-gateway-id", tgw_id, second_tgw) == [first, second]
    assert ids("state", "available") == [first]
    assert ids("state", "deleted") == [second]
    assert ids("transit-gateway-attachment-id", second) == [second]
    assert ids("tag:env", "prod") == [first]
    assert set(vpc_attachments(ec2, TransitGatewayAttachmentIds=[second, first])) == {first, second}
    with pytest.raises(ClientError) as exc:
        ec2.describe_transit_gateway_vpc_attachments(Filters=[{"Name": "resource-type",
                                                               "Values": ["vpc"]}])
    assert error(exc) == ("InvalidParameterValue", "The filter 'resource-type' is invalid")
    with pytest.raises(ClientError) as exc:
        ec2.describe_transit_gateway_vpc_attachments(TransitGatewayAttachmentIds=[MISSING_ATTACH])
    assert error(exc) == ("InvalidTransitGatewayAttachmentID.NotFound",
                          f"Transit Gateway Attachment {MISSING_ATTACH} was deleted or does not "
                          "exist.")


def test_describe_attachment_filters(ec2, tgw, net):
    tgw_id = tgw["TransitGatewayId"]
    table = tgw["Options"]["AssociationDefaultRouteTableId"]
    vpc_attach = attach(ec2, tgw_id, net)["TransitGatewayAttachmentId"]
    peer_tgw = tgw_of(ec2, Options={"AmazonSideAsn": 65001})["TransitGatewayId"]
    peering = ec2.create_transit_gateway_peering_attachment(
        TransitGatewayId=tgw_id, PeerTransitGatewayId=peer_tgw, PeerAccountId=ACCOUNT,
        PeerRegion="us-east-1")["TransitGatewayPeeringAttachment"]["TransitGatewayAttachmentId"]

    def ids(name: str, *values: str) -> list[str]:
        return list(attachments(ec2, Filters=[{"Name": name, "Values": list(values)}]))

    assert ids("resource-type", "vpc") == [vpc_attach]
    assert ids("resource-type", "peering") == [peering]
    assert ids("resource-id", net["vpc"]) == [vpc_attach]
    assert ids("resource-id", peer_tgw) == [peering]
    assert ids("resource-owner-id", ACCOUNT) == [vpc_attach, peering]
    assert ids("association.state", "associated") == [vpc_attach]
    assert ids("association.transit-gateway-route-table-id", table) == [vpc_attach]
    assert ids("state", "pendingAcceptance") == [peering]
    assert ids("state", "available") == [vpc_attach]
    assert ids("transit-gateway-id", tgw_id) == [vpc_attach, peering]
    assert ids("transit-gateway-owner-id", ACCOUNT) == [vpc_attach, peering]
    assert ids("transit-gateway-attachment-id", peering) == [peering]
    page = ec2.describe_transit_gateway_attachments(MaxResults=5)
    assert list(a["TransitGatewayAttachmentId"] for a in page["TransitGatewayAttachments"]) == [
        vpc_attach, peering]
    with pytest.raises(ClientError) as exc:
        ec2.describe_transit_gateway_attachments(Filters=[{"Name": "vpc-id", "Values": ["x"]}])
    assert error(exc) == ("InvalidParameterValue", "The filter 'vpc-id' is invalid")


def test_vpn_attachment_contract(mock, ec2, tgw):
    """The VPN family's contract: `create_vpn_attachment` attaches a VPN connection."""
    world = mock.world
    part = world.partition(ACCOUNT, "us-east-1")
    table = tgw["Options"]["AssociationDefaultRouteTableId"]
    with world.request():
        world.add(part, "vpn-connection", "vpn-0123456789abcdef0", State="available")
        attach_id = tgw_attachments.create_vpn_attachment(
            world, part, tgw["TransitGatewayId"], "vpn-0123456789abcdef0")
    found = attachments(ec2)[attach_id]
    assert (found["ResourceType"], found["ResourceId"], found["State"],
            found["Association"]["TransitGatewayRouteTableId"]) == (
        "vpn", "vpn-0123456789abcdef0", "available", table)
    assert vpc_attachments(ec2) == {} and peerings(ec2) == {}
    with pytest.raises(ClientError) as exc:
        ec2.delete_transit_gateway(TransitGatewayId=tgw["TransitGatewayId"])
    assert error(exc) == ("IncorrectState", f"{tgw['TransitGatewayId']} has non-deleted VPN "
                                            f"Attachments: {attach_id}.")
    with pytest.raises(ClientError) as exc:
        ec2.modify_transit_gateway(TransitGatewayId=tgw["TransitGatewayId"],
                                   Options={"AmazonSideAsn": 65100})
    assert error(exc)[0] == "IncorrectState"
    with world.request():
        tgw_attachments.delete_vpn_attachment(world, part, attach_id)
    assert attachments(ec2)[attach_id]["State"] == "deleted"
    ec2.delete_transit_gateway(TransitGatewayId=tgw["TransitGatewayId"])


# -- VPC routes to a transit gateway ------------------------------------------------------------
def test_vpc_route_needs_an_attachment_of_its_vpc(ec2, tgw, net):
    tgw_id = tgw["TransitGatewayId"]
    rtb = ec2.create_route_table(VpcId=net["vpc"])["RouteTable"]["RouteTableId"]
    with pytest.raises(ClientError) as exc:
        ec2.create_route(RouteTableId=rtb, DestinationCidrBlock="0.0.0.0/0",
                         TransitGatewayId=tgw_id)
    assert error(exc) == ("InvalidTransitGatewayID.NotFound",
                          f"The transitGateway ID '{tgw_id}' does not exist.")
    with pytest.raises(ClientError) as exc:
        ec2.create_route(RouteTableId=rtb, DestinationCidrBlock="0.0.0.0/0",
                         TransitGatewayId=MISSING_TGW)
    assert error(exc) == ("InvalidTransitGatewayID.NotFound",
                          f"The transitGateway ID '{MISSING_TGW}' does not exist.")
    attach_id = attach(ec2, tgw_id, net)["TransitGatewayAttachmentId"]
    ec2.create_route(RouteTableId=rtb, DestinationCidrBlock="0.0.0.0/0", TransitGatewayId=tgw_id)
    routes = ec2.describe_route_tables(RouteTableIds=[rtb])["RouteTables"][0]["Routes"]
    assert {"DestinationCidrBlock": "0.0.0.0/0", "TransitGatewayId": tgw_id,
            "Origin": "CreateRoute", "State": "active"} in routes
    # another VPC's table cannot use this attachment
    default_rtb = ec2.describe_route_tables(Filters=[{"Name": "association.main",
                                                      "Values": ["true"]},
                                                     {"Name": "vpc-id", "Values": [
                                                         ec2.describe_vpcs(Filters=[{
                                                             "Name": "is-default",
                                                             "Values": ["true"]}])["Vpcs"][0][
                                                             "VpcId"]]}])["RouteTables"][0][
        "RouteTableId"]
    with pytest.raises(ClientError) as exc:
        ec2.create_route(RouteTableId=default_rtb, DestinationCidrBlock="10.50.0.0/16",
                         TransitGatewayId=tgw_id)
    assert error(exc)[0] == "InvalidTransitGatewayID.NotFound"
    # once the attachment is gone, no new route
    ec2.delete_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=attach_id)
    with pytest.raises(ClientError) as exc:
        ec2.create_route(RouteTableId=rtb, DestinationCidrBlock="10.60.0.0/16",
                         TransitGatewayId=tgw_id)
    assert error(exc)[0] == "InvalidTransitGatewayID.NotFound"


def test_route_to_a_deleted_gateway_reads_blackhole(ec2, tgw, net):
    tgw_id = tgw["TransitGatewayId"]
    attach_id = attach(ec2, tgw_id, net)["TransitGatewayAttachmentId"]
    rtb = ec2.create_route_table(VpcId=net["vpc"])["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=rtb, DestinationCidrBlock="0.0.0.0/0", TransitGatewayId=tgw_id)
    ec2.delete_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=attach_id)
    ec2.delete_transit_gateway(TransitGatewayId=tgw_id)
    routes = ec2.describe_route_tables(RouteTableIds=[rtb])["RouteTables"][0]["Routes"]
    assert [r["State"] for r in routes if r.get("TransitGatewayId") == tgw_id] == ["blackhole"]


# -- peering attachments ------------------------------------------------------------------------
@pytest.fixture
def cross_region(mock):
    """Gateways of one account in us-east-1 (requester) and us-west-2 (accepter)."""
    east, west = client(region="us-east-1"), client(region="us-west-2")
    return {"east": east, "west": west,
            "east_tgw": tgw_of(east)["TransitGatewayId"],
            "west_tgw": tgw_of(west, Options={"AmazonSideAsn": 64600})["TransitGatewayId"]}


def request_peering(side: dict, **kwargs) -> dict:
    return side["east"].create_transit_gateway_peering_attachment(
        TransitGatewayId=side["east_tgw"], PeerTransitGatewayId=side["west_tgw"],
        PeerAccountId=ACCOUNT, PeerRegion="us-west-2", **kwargs)["TransitGatewayPeeringAttachment"]


def test_cross_region_peering_request(cross_region):
    east, west = cross_region["east"], cross_region["west"]
    made = request_peering(cross_region, TagSpecifications=[
        {"ResourceType": "transit-gateway-attachment", "Tags": [{"Key": "Name", "Value": "p"}]}])
    attach_id = made["TransitGatewayAttachmentId"]
    assert made["State"] == "initiatingRequest"
    assert made["Status"] == {"Code": "initiatingRequest", "Message": "Initiating Request"}
    assert made["RequesterTgwInfo"] == {"TransitGatewayId": cross_region["east_tgw"],
                                        "OwnerId": ACCOUNT, "Region": "us-east-1"}
    assert made["AccepterTgwInfo"] == {"TransitGatewayId": cross_region["west_tgw"],
                                       "OwnerId": ACCOUNT, "Region": "us-west-2"}
    assert made["Options"] == {"DynamicRouting": "disable"}
    assert made["Tags"] == [{"Key": "Name", "Value": "p"}]
    for side in (east, west):
        found = peerings(side)[attach_id]
        assert found["State"] == "pendingAcceptance"
        assert found["Status"] == {"Code": "pendingAcceptance", "Message": "Pending Acceptance"}
        assert found["AccepterTransitGatewayAttachmentId"] == attach_id
    # each side sees the attachment on its own gateway, the other gateway as the resource
    mine = attachments(east)[attach_id]
    theirs = attachments(west)[attach_id]
    assert (mine["TransitGatewayId"], mine["ResourceId"], mine["ResourceType"]) == (
        cross_region["east_tgw"], cross_region["west_tgw"], "peering")
    assert (theirs["TransitGatewayId"], theirs["ResourceId"], theirs["ResourceType"]) == (
        cross_region["west_tgw"], cross_region["east_tgw"], "peering")
    # never associated by default
    assert "Association" not in mine and "Association" not in theirs
    # a region not involved sees nothing
    assert peerings(client(region="eu-west-1")) == {}


def test_only_the_accepter_accepts(cross_region):
    east, west = cross_region["east"], cross_region["west"]
    attach_id = request_peering(cross_region)["TransitGatewayAttachmentId"]
    for verb in ("accept", "reject"):
        with pytest.raises(ClientError) as exc:
            getattr(east, f"{verb}_transit_gateway_peering_attachment")(
                TransitGatewayAttachmentId=attach_id)
        assert error(exc) == ("InvalidParameterValue",
                              f"Cannot {verb} {attach_id} as the source of the peering request.")
    assert peerings(east)[attach_id]["State"] == "pendingAcceptance"
    answer = west.accept_transit_gateway_peering_attachment(TransitGatewayAttachmentId=attach_id)[
        "TransitGatewayPeeringAttachment"]
    assert answer["State"] == "pending"
    assert peerings(east)[attach_id]["State"] == "available"
    assert peerings(west)[attach_id]["Status"] == {"Code": "available", "Message": "Available"}
    with pytest.raises(ClientError) as exc:
        west.accept_transit_gateway_peering_attachment(TransitGatewayAttachmentId=attach_id)
    assert error(exc) == ("IncorrectState", f"{attach_id} is in invalid state")
    with pytest.raises(ClientError) as exc:
        west.reject_transit_gateway_peering_attachment(TransitGatewayAttachmentId=attach_id)
    assert error(exc) == ("IncorrectState", f"{attach_id} is in invalid state")


def test_peering_routes_are_static_on_both_sides(cross_region):
    east, west = cross_region["east"], cross_region["west"]
    attach_id = request_peering(cross_region)["TransitGatewayAttachmentId"]
    west_table = west.describe_transit_gateways()["TransitGateways"][0]["Options"][
        "AssociationDefaultRouteTableId"]
    # not usable before it is accepted
    with pytest.raises(ClientError) as exc:
        west.associate_transit_gateway_route_table(TransitGatewayRouteTableId=west_table,
                                                   TransitGatewayAttachmentId=attach_id)
    assert error(exc)[0] == "IncorrectState"
    west.accept_transit_gateway_peering_attachment(TransitGatewayAttachmentId=attach_id)
    west.associate_transit_gateway_route_table(TransitGatewayRouteTableId=west_table,
                                               TransitGatewayAttachmentId=attach_id)
    west.create_transit_gateway_route(TransitGatewayRouteTableId=west_table,
                                      DestinationCidrBlock="10.0.0.0/16",
                                      TransitGatewayAttachmentId=attach_id)
    east_table = east.describe_transit_gateways()["TransitGateways"][0]["Options"][
        "AssociationDefaultRouteTableId"]
    east.create_transit_gateway_route(TransitGatewayRouteTableId=east_table,
                                      DestinationCidrBlock="10.1.0.0/16",
                                      TransitGatewayAttachmentId=attach_id)
    assert attachments(west)[attach_id]["Association"] == {
        "TransitGatewayRouteTableId": west_table, "State": "associated"}
    assert "Association" not in attachments(east)[attach_id]
    routes = west.search_transit_gateway_routes(
        TransitGatewayRouteTableId=west_table, Filters=[{"Name": "state", "Values": ["active"]}])
    assert [r["DestinationCidrBlock"] for r in routes["Routes"]] == ["10.0.0.0/16"]
    # deleting the peering (from either side) takes the association; the routes read blackhole
    answer = west.delete_transit_gateway_peering_attachment(TransitGatewayAttachmentId=attach_id)
    assert answer["TransitGatewayPeeringAttachment"]["State"] == "deleting"
    assert peerings(east)[attach_id]["State"] == "deleted"
    routes = east.search_transit_gateway_routes(
        TransitGatewayRouteTableId=east_table, Filters=[{"Name": "type", "Values": ["static"]}])
    assert [(r["DestinationCidrBlock"], r["State"]) for r in routes["Routes"]] == [
        ("10.1.0.0/16", "blackhole")]


def test_reject_peering(cross_region):
    east, west = cross_region["east"], cross_region["west"]
    attach_id = request_peering(cross_region)["TransitGatewayAttachmentId"]
    answer = west.reject_transit_gateway_peering_attachment(TransitGatewayAttachmentId=attach_id)
    assert answer["TransitGatewayPeeringAttachment"]["State"] == "rejecting"
    assert peerings(east)[attach_id]["State"] == "rejected"
    with pytest.raises(ClientError) as exc:
        west.accept_transit_gateway_peering_attachment(TransitGatewayAttachmentId=attach_id)
    assert error(exc) == ("IncorrectState", f"{attach_id} is in invalid state")
    # a rejected request holds neither gateway
    east.delete_transit_gateway(TransitGatewayId=cross_region["east_tgw"])
    west.delete_transit_gateway(TransitGatewayId=cross_region["west_tgw"])


def test_gateways_with_peering_cannot_be_deleted(cross_region):
    east, west = cross_region["east"], cross_region["west"]
    attach_id = request_peering(cross_region)["TransitGatewayAttachmentId"]
    for side, tgw_id in ((east, cross_region["east_tgw"]), (west, cross_region["west_tgw"])):
        with pytest.raises(ClientError) as exc:
            side.delete_transit_gateway(TransitGatewayId=tgw_id)
        assert error(exc) == ("IncorrectState",
                              f"{tgw_id} has non-deleted Transit Gateway Cross Region Peering "
                              f"Attachments: {attach_id}.")
    east.delete_transit_gateway_peering_attachment(TransitGatewayAttachmentId=attach_id)
    west.delete_transit_gateway(TransitGatewayId=cross_region["west_tgw"])
    with pytest.raises(ClientError) as exc:
        east.delete_transit_gateway_peering_attachment(TransitGatewayAttachmentId=attach_id)
    assert error(exc)[0] == "InvalidTransitGatewayAttachmentID.NotFound"


def test_peering_request_errors(cross_region):
    east = cross_region["east"]

    def peer(**changes: str):
        args = {"TransitGatewayId": cross_region["east_tgw"],
                "PeerTransitGatewayId": cross_region["west_tgw"], "PeerAccountId": ACCOUNT,
                "PeerRegion": "us-west-2", **changes}
        with pytest.raises(ClientError) as exc:
            east.create_transit_gateway_peering_attachment(**args)
        return error(exc)

    west_tgw = cross_region["west_tgw"]
    assert peer(PeerRegion="eu-west-1") == (
        "InvalidTransitGatewayID.NotFound", f"Transit Gateway {west_tgw} was deleted or does not exist.")
    assert peer(PeerAccountId=OTHER) == (
        "InvalidTransitGatewayID.NotFound", f"Transit Gateway {west_tgw} was deleted or does not exist.")
    assert peer(TransitGatewayId=MISSING_TGW) == (
        "InvalidTransitGatewayID.NotFound",
        f"Transit Gateway {MISSING_TGW} was deleted or does not exist.")
    assert peer(PeerAccountId="12345")[0] == "InvalidParameterValue"
    assert peer(PeerRegion="mars-north-1")[0] == "InvalidParameterValue"
    assert peer(PeerTransitGatewayId=cross_region["east_tgw"], PeerRegion="us-east-1")[0] == \
        "InvalidParameterValue"
    assert peerings(east) == {}
    request_peering(cross_region)
    code, message = peer()
    assert code == "DuplicateTransitGatewayAttachment"
    assert len(peerings(east)) == 1


def test_cross_account_peering(mock):
    requester, accepter = client(OTHER, "us-east-1"), client(THIRD, "eu-west-1")
    mine = tgw_of(requester)["TransitGatewayId"]
    theirs = tgw_of(accepter, Options={"AmazonSideAsn": 64999})["TransitGatewayId"]
    attach_id = requester.create_transit_gateway_peering_attachment(
        TransitGatewayId=mine, PeerTransitGatewayId=theirs, PeerAccountId=THIRD,
        PeerRegion="eu-west-1")["TransitGatewayPeeringAttachment"]["TransitGatewayAttachmentId"]
    # the accepter finds the request in its own account and region
    pending = peerings(accepter, Filters=[{"Name": "state", "Values": ["pendingAcceptance"]}])
    assert list(pending) == [attach_id]
    assert pending[attach_id]["RequesterTgwInfo"]["OwnerId"] == OTHER
    assert list(peerings(accepter, Filters=[{"Name": "local-owner-id", "Values": [THIRD]}])) == [
        attach_id]
    assert list(peerings(accepter, Filters=[{"Name": "remote-owner-id", "Values": [OTHER]}])) == [
        attach_id]
    assert list(peerings(requester, Filters=[{"Name": "local-owner-id", "Values": [OTHER]}])) == [
        attach_id]
    assert peerings(requester, Filters=[{"Name": "remote-owner-id", "Values": [OTHER]}]) == {}
    assert list(peerings(accepter, Filters=[{"Name": "transit-gateway-id",
                                             "Values": [theirs]}])) == [attach_id]
    theirs_view = attachments(accepter, TransitGatewayAttachmentIds=[attach_id])[attach_id]
    assert (theirs_view["TransitGatewayOwnerId"], theirs_view["ResourceOwnerId"]) == (THIRD, OTHER)
    # strangers see nothing of it
    stranger = client(ACCOUNT, "eu-west-1")
    with pytest.raises(ClientError) as exc:
        stranger.describe_transit_gateway_peering_attachments(TransitGatewayAttachmentIds=[attach_id])
    assert error(exc)[0] == "InvalidTransitGatewayAttachmentID.NotFound"
    with pytest.raises(ClientError) as exc:
        stranger.accept_transit_gateway_peering_attachment(TransitGatewayAttachmentId=attach_id)
    assert error(exc) == ("InvalidTransitGatewayAttachmentID.NotFound",
                          f"Transit Gateway Peering Attachment {attach_id} was deleted or does "
                          "not exist.")
    accepter.accept_transit_gateway_peering_attachment(TransitGatewayAttachmentId=attach_id)
    assert peerings(requester)[attach_id]["State"] == "available"
    assert list(peerings(accepter, Filters=[{"Name": "state", "Values": ["available"]}])) == [
        attach_id]


def test_intra_region_peering(ec2, tgw):
    other = tgw_of(ec2, Options={"AmazonSideAsn": 64513})["TransitGatewayId"]
    attach_id = ec2.create_transit_gateway_peering_attachment(
        TransitGatewayId=tgw["TransitGatewayId"], PeerTransitGatewayId=other,
        PeerAccountId=ACCOUNT, PeerRegion="us-east-1")["TransitGatewayPeeringAttachment"][
        "TransitGatewayAttachmentId"]
    assert ec2.accept_transit_gateway_peering_attachment(TransitGatewayAttachmentId=attach_id)[
        "TransitGatewayPeeringAttachment"]["State"] == "pending"
    assert list(peerings(ec2, Filters=[{"Name": "transit-gateway-id", "Values": [other]}])) == [
        attach_id]
    assert vpc_attachments(ec2) == {}


def test_describe_peering_filters_and_ids(cross_region):
    east = cross_region["east"]
    first = request_peering(cross_region, TagSpecifications=[
        {"ResourceType": "transit-gateway-attachment", "Tags": [{"Key": "k", "Value": "v"}]}])[
        "TransitGatewayAttachmentId"]
    assert list(peerings(east, Filters=[{"Name": "tag:k", "Values": ["v"]}])) == [first]
    assert list(peerings(east, Filters=[{"Name": "tag-key", "Values": ["k"]}])) == [first]
    assert peerings(east, Filters=[{"Name": "state", "Values": ["available"]}]) == {}
    assert list(peerings(east, Filters=[{"Name": "transit-gateway-attachment-id",
                                         "Values": [first]}])) == [first]
    assert list(peerings(cross_region["west"], TransitGatewayAttachmentIds=[first])) == [first]
    with pytest.raises(ClientError) as exc:
        east.describe_transit_gateway_peering_attachments(Filters=[{"Name": "vpc-id",
                                                                    "Values": ["x"]}])
    assert error(exc) == ("InvalidParameterValue", "The filter 'vpc-id' is invalid")
    with pytest.raises(ClientError) as exc:
        east.describe_transit_gateway_peering_attachments(TransitGatewayAttachmentIds=[
            MISSING_ATTACH])
    assert error(exc)[0] == "InvalidTransitGatewayAttachmentID.NotFound"


def test_peering_dry_run_changes_nothing(cross_region):
    east, west = cross_region["east"], cross_region["west"]
    with pytest.raises(ClientError) as exc:
        request_peering(cross_region, DryRun=True)
    assert error(exc)[0] == "DryRunOperation"
    assert peerings(east) == {} and peerings(west) == {}
    attach_id = request_peering(cross_region)["TransitGatewayAttachmentId"]
    with pytest.raises(ClientError) as exc:
        west.accept_transit_gateway_peering_attachment(TransitGatewayAttachmentId=attach_id,
                                                       DryRun=True)
    assert error(exc)[0] == "DryRunOperation"
    assert peerings(west)[attach_id]["State"] == "pendingAcceptance"


# -- against the server -------------------------------------------------------------------------
def test_gateway_and_vpc_attachment_round_trip_against_server(server_ec2):
    tgw = server_ec2.create_transit_gateway(Description="srv")["TransitGateway"]
    assert tgw["State"] == "pending"
    vpc = server_ec2.create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]["VpcId"]
    subnet = server_ec2.create_subnet(VpcId=vpc, CidrBlock="10.7.1.0/24")["Subnet"]["SubnetId"]
    attach_id = server_ec2.create_transit_gateway_vpc_attachment(
        TransitGatewayId=tgw["TransitGatewayId"], VpcId=vpc, SubnetIds=[subnet])[
        "TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
    found = server_ec2.describe_transit_gateway_attachments(
        TransitGatewayAttachmentIds=[attach_id])["TransitGatewayAttachments"][0]
    assert found["Association"]["TransitGatewayRouteTableId"] == \
        tgw["Options"]["AssociationDefaultRouteTableId"]
    with pytest.raises(ClientError) as exc:
        server_ec2.delete_transit_gateway(TransitGatewayId=tgw["TransitGatewayId"])
    assert error(exc)[0] == "IncorrectState"
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    server_ec2.delete_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=attach_id)
    server_ec2.delete_transit_gateway(TransitGatewayId=tgw["TransitGatewayId"])
    assert server_ec2.describe_transit_gateways()["TransitGateways"][0]["State"] == "deleted"


def test_cross_account_peering_against_server(server_ec2, server_url):
    accepter = boto3.client("ec2", region_name="eu-central-1", endpoint_url=server_url,
                            aws_access_key_id=OTHER, aws_secret_access_key="testing")
    mine = server_ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    theirs = accepter.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    attach_id = server_ec2.create_transit_gateway_peering_attachment(
        TransitGatewayId=mine, PeerTransitGatewayId=theirs, PeerAccountId=OTHER,
        PeerRegion="eu-central-1")["TransitGatewayPeeringAttachment"]["TransitGatewayAttachmentId"]
    with pytest.raises(ClientError) as exc:
        server_ec2.accept_transit_gateway_peering_attachment(TransitGatewayAttachmentId=attach_id)
    assert error(exc)[0] == "InvalidParameterValue"
    accepter.accept_transit_gateway_peering_attachment(TransitGatewayAttachmentId=attach_id)
    found = server_ec2.describe_transit_gateway_peering_attachments()[
        "TransitGatewayPeeringAttachments"]
    assert [(p["TransitGatewayAttachmentId"], p["State"]) for p in found] == [
        (attach_id, "available")]


def test_deleted_attachment_remembers_its_vpc(ec2, tgw, net):
    attach_id = attach(ec2, tgw["TransitGatewayId"], net)["TransitGatewayAttachmentId"]
    ec2.delete_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=attach_id)
    for name in ("a1", "a2", "b", "c"):
        ec2.delete_subnet(SubnetId=net[name])
    ec2.delete_vpc(VpcId=net["vpc"])
    found = vpc_attachments(ec2)[attach_id]
    assert (found["State"], found["VpcId"], found["VpcOwnerId"], found["SubnetIds"]) == (
        "deleted", net["vpc"], ACCOUNT, [net["a1"], net["b"]])
    assert attachments(ec2)[attach_id]["ResourceId"] == net["vpc"]
    assert list(vpc_attachments(ec2, Filters=[{"Name": "vpc-id", "Values": [net["vpc"]]}])) == [
        attach_id]
    assert list(attachments(ec2, Filters=[{"Name": "resource-id", "Values": [net["vpc"]]}])) == [
        attach_id]


def test_route_reads_blackhole_once_its_vpc_is_detached(ec2, tgw, net):
    tgw_id = tgw["TransitGatewayId"]
    attach_id = attach(ec2, tgw_id, net)["TransitGatewayAttachmentId"]
    rtb = ec2.create_route_table(VpcId=net["vpc"])["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=rtb, DestinationCidrBlock="0.0.0.0/0", TransitGatewayId=tgw_id)
    ec2.delete_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=attach_id)
    routes = ec2.describe_route_tables(RouteTableIds=[rtb])["RouteTables"][0]["Routes"]
    assert [r["State"] for r in routes if r.get("TransitGatewayId") == tgw_id] == ["blackhole"]
