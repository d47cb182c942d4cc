"""Transit gateway route tables through boto3, in-process and against the server.

Transit gateways and their attachments come from their family's domain functions
(`transit_gateways`, `tgw_attachments`); an attachment from another account to a shared
gateway, which that family does not make, is planted in the world following the connectivity
contract (attachment -[ATTACHED]-> tgw, -[ASSOCIATED, "vpc"]-> vpc).
"""
from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from topology.connect import tgw_peering_attachments, tgw_vpc_attachments, transit_gateways
from topology.core import schema
from topology.connect import tgw_route_tables as rtbs
from helpers import error

ACCOUNT, OTHER, REGION = "123456789012", "111122223333", "us-east-1"
MISSING_RTB = "tgw-rtb-0123456789abcdef0"
MISSING_ATTACH = "tgw-attach-0123456789abcdef0"
MISSING_TGW = "tgw-0123456789abcdef0"


def unchecked() -> Any:
    """A client that lets out-of-range values through to the simulator."""
    return boto3.client("ec2", region_name=REGION, config=Config(parameter_validation=False))


class Net:
    """A transit gateway (no default route table) and helpers to attach VPCs to it."""

    def __init__(self, ec2: Any, mock: Any) -> None:
        self.ec2, self.world = ec2, mock.world
        self.part = self.world.partition(ACCOUNT, REGION)
        self.subnets: dict[str, str] = {}
        self.tgw = self.gateway()

    def gateway(self, part: Any = None, *, defaults: bool = False) -> str:
        """A gateway; `defaults` keeps AWS's default route table (association and
        propagation on), otherwise both options are off and it has no table."""
        off = {"DefaultRouteTableAssociation": "disable", "DefaultRouteTablePropagation": "disable"}
        return transit_gateways.create(self.world, part or self.part,
                                       requested={} if defaults else off)

    def vpc(self, cidr: str, client: Any = None, **kwargs: Any) -> str:
        """A VPC with one subnet (its first /24) for attachments."""
        client = client or self.ec2
        vpc = client.create_vpc(CidrBlock=cidr, **kwargs)["Vpc"]["VpcId"]
        self.subnets[vpc] = client.create_subnet(
            VpcId=vpc, CidrBlock=cidr.replace(".0.0/16", ".0.0/24"),
            AvailabilityZone=f"{REGION}a")["Subnet"]["SubnetId"]
        return vpc

    def attach(self, vpc: str, tgw: str | None = None, *, state: str | None = None,
               ipv6: bool = False) -> str:
        """A VPC attachment of `vpc` to the gateway (made by the attachment family)."""
        options = {"Ipv6Support": "enable"} if ipv6 else None
        attach = tgw_vpc_attachments.create_vpc_attachment(
            self.world, self.part, tgw or self.tgw, vpc, [self.subnets[vpc]], options=options)
        if state is not None:
            self.world.update(attach, State=state)
        return attach

    def plant(self, vpc: str, part: Any) -> str:
        """A VPC attachment from another account to this (shared) gateway."""
        attach = self.world.new_id("tgw-attach")
        self.world.add(part, rtbs.ATTACHMENT, attach, ResourceType="vpc", State="available",
                       Options={"Ipv6Support": "disable"})
        self.world.link(attach, self.tgw, schema.ATTACHED)
        self.world.link(attach, vpc, schema.ASSOCIATED, "vpc")
        return attach

    def peering(self, peer: str, peer_part: Any, *, accept: bool = True) -> str:
        """A peering attachment from this gateway to `peer`, accepted unless told not."""
        attach = tgw_peering_attachments.create_peering_attachment(
            self.world, self.part, self.tgw, peer, peer_part.account, peer_part.region)
        if accept:
            tgw_peering_attachments.accept_peering_attachment(self.world, peer_part, attach)
        return attach

    def table(self, tgw: str | None = None, **kwargs: Any) -> str:
        answer = self.ec2.create_transit_gateway_route_table(TransitGatewayId=tgw or self.tgw,
                                                             **kwargs)
        return answer["TransitGatewayRouteTable"]["TransitGatewayRouteTableId"]

    def describe(self, rtb: str) -> dict[str, Any]:
        return self.ec2.describe_transit_gateway_route_tables(
            TransitGatewayRouteTableIds=[rtb])["TransitGatewayRouteTables"][0]

    def routes(self, rtb: str, *filters: tuple[str, list[str]], **kwargs: Any
               ) -> list[dict[str, Any]]:
        specs = [{"Name": n, "Values": v} for n, v in filters] or [
            {"Name": "state", "Values": ["active", "blackhole"]}]
        return self.ec2.search_transit_gateway_routes(TransitGatewayRouteTableId=rtb,
                                                      Filters=specs, **kwargs)["Routes"]

    def dests(self, rtb: str, *filters: tuple[str, list[str]]) -> list[str]:
        return [r["DestinationCidrBlock"] for r in self.routes(rtb, *filters)]

    def associate(self, rtb: str, attach: str) -> dict[str, Any]:
        return self.ec2.associate_transit_gateway_route_table(
            TransitGatewayRouteTableId=rtb, TransitGatewayAttachmentId=attach)["Association"]

    def propagate(self, rtb: str, attach: str) -> dict[str, Any]:
        return self.ec2.enable_transit_gateway_route_table_propagation(
            TransitGatewayRouteTableId=rtb, TransitGatewayAttachmentId=attach)["Propagation"]

    def route(self, rtb: str, cidr: str, attach: str | None = None, **kwargs: Any
              ) -> dict[str, Any]:
        if attach is not None:
            kwargs["TransitGatewayAttachmentId"] = attach
        return self.ec2.create_transit_gateway_route(
            TransitGatewayRouteTableId=rtb, DestinationCidrBlock=cidr, **kwargs)["Route"]

    def associations(self, rtb: str, **kwargs: Any) -> list[dict[str, Any]]:
        return self.ec2.get_transit_gateway_route_table_associations(
            TransitGatewayRouteTableId=rtb, **kwargs)["Associations"]

    def propagations(self, rtb: str, **kwargs: Any) -> list[dict[str, Any]]:
        return self.ec2.get_transit_gateway_route_table_propagations(
            TransitGatewayRouteTableId=rtb, **kwargs)["TransitGatewayRouteTablePropagations"]


@pytest.fixture
def net(ec2, mock) -> Net:
    return Net(ec2, mock)


# -- create / describe / delete -------------------------------------------------------------------
def test_create_answers_pending_and_describes_available(net):
    answer = net.ec2.create_transit_gateway_route_table(
        TransitGatewayId=net.tgw, TagSpecifications=[
            {"ResourceType": "transit-gateway-route-table",
             "Tags": [{"Key": "Name", "Value": "spokes"}]}])["TransitGatewayRouteTable"]
    rtb = answer["TransitGatewayRouteTableId"]
    assert rtb.startswith("tgw-rtb-") and len(rtb) == len("tgw-rtb-") + 17
    assert answer["State"] == "pending"
    assert answer["TransitGatewayId"] == net.tgw
    assert answer["DefaultAssociationRouteTable"] is False
    assert answer["DefaultPropagationRouteTable"] is False
    assert answer["Tags"] == [{"Key": "Name", "Value": "spokes"}]
    described = net.describe(rtb)
    assert described["State"] == "available"
    assert described["CreationTime"] == answer["CreationTime"]
    assert described["Tags"] == [{"Key": "Name", "Value": "spokes"}]


def test_create_needs_an_existing_available_gateway(net):
    with pytest.raises(ClientError) as exc:
        net.table(MISSING_TGW)
    assert error(exc) == ("InvalidTransitGatewayID.NotFound",
                          f"Transit Gateway {MISSING_TGW} was deleted or does not exist.")
    with pytest.raises(ClientError) as exc:
        net.table("tgw-nope")
    assert error(exc)[0] == "InvalidTransitGatewayID.Malformed"
    deleted = net.gateway()
    net.world.update(deleted, State="deleted")
    with pytest.raises(ClientError) as exc:
        net.table(deleted)
    assert error(exc) == ("InvalidTransitGatewayID.NotFound",
                          f"Transit Gateway {deleted} was deleted or does not exist.")
    assert net.ec2.describe_transit_gateway_route_tables()["TransitGatewayRouteTables"] == []


def test_create_rejects_a_tag_specification_for_another_type(net):
    with pytest.raises(ClientError) as exc:
        net.table(TagSpecifications=[{"ResourceType": "vpc", "Tags": [{"Key": "a", "Value": "b"}]}])
    assert error(exc) == ("InvalidParameterValue",
                          "'vpc' is not a valid taggable resource type for this operation.")
    assert net.ec2.describe_transit_gateway_route_tables()["TransitGatewayRouteTables"] == []


def test_gateway_in_another_account_is_not_found(net, mock):
    other = net.gateway(mock.world.partition(OTHER, REGION))
    with pytest.raises(ClientError) as exc:
        net.table(other)
    assert error(exc)[0] == "InvalidTransitGatewayID.NotFound"


def test_describe_unknown_and_malformed_ids(net):
    with pytest.raises(ClientError) as exc:
        net.ec2.describe_transit_gateway_route_tables(TransitGatewayRouteTableIds=[MISSING_RTB])
    assert error(exc) == ("InvalidRouteTableID.NotFound",
                          f"Transit Gateway Route Table {MISSING_RTB} was deleted or does not "
                          "exist.")
    with pytest.raises(ClientError) as exc:
        net.ec2.describe_transit_gateway_route_tables(TransitGatewayRouteTableIds=["rtb-1"])
    assert error(exc)[0] == "InvalidRouteTableID.Malformed"


def test_describe_filters(net, mock):
    plain = net.table(TagSpecifications=[{"ResourceType": "transit-gateway-route-table",
                                          "Tags": [{"Key": "tier", "Value": "spoke"}]}])
    default = rtbs.create(mock.world, net.part, net.tgw, default=True)
    other_tgw = net.gateway()
    elsewhere = net.table(other_tgw)

    def ids(*filters: tuple[str, list[str]]) -> list[str]:
        found = net.ec2.describe_transit_gateway_route_tables(
            Filters=[{"Name": n, "Values": v} for n, v in filters])["TransitGatewayRouteTables"]
        return [t["TransitGatewayRouteTableId"] for t in found]

    assert ids() == [plain, default, elsewhere]
    assert ids(("transit-gateway-id", [net.tgw])) == [plain, default]
    assert ids(("transit-gateway-id", [other_tgw, net.tgw])) == [plain, default, elsewhere]
    assert ids(("default-association-route-table", ["true"])) == [default]
    assert ids(("default-propagation-route-table", ["false"])) == [plain, elsewhere]
    assert ids(("state", ["available"])) == [plain, default, elsewhere]
    assert ids(("state", ["deleting"])) == []
    assert ids(("transit-gateway-route-table-id", [elsewhere])) == [elsewhere]
    assert ids(("tag:tier", ["spoke"])) == [plain]
    assert ids(("tag-key", ["tier"]), ("transit-gateway-id", [net.tgw])) == [plain]
    with pytest.raises(ClientError) as exc:
        ids(("vpc-id", ["vpc-1"]))
    assert error(exc) == ("InvalidParameterValue", "The filter 'vpc-id' is invalid")


def test_describe_pages(net):
    made = [net.table() for _ in range(7)]
    first = net.ec2.describe_transit_gateway_route_tables(MaxResults=5)
    assert [t["TransitGatewayRouteTableId"] for t in first["TransitGatewayRouteTables"]] == made[:5]
    rest = net.ec2.describe_transit_gateway_route_tables(MaxResults=5,
                                                         NextToken=first["NextToken"])
    assert [t["TransitGatewayRouteTableId"] for t in rest["TransitGatewayRouteTables"]] == made[5:]
    assert "NextToken" not in rest
    paginator = net.ec2.get_paginator("describe_transit_gateway_route_tables")
    pages = list(paginator.paginate(PaginationConfig={"PageSize": 5}))
    assert sum(len(p["TransitGatewayRouteTables"]) for p in pages) == 7


def test_delete_answers_deleting_and_forgets_the_table(net):
    rtb = net.table()
    gone = net.ec2.delete_transit_gateway_route_table(TransitGatewayRouteTableId=rtb)
    assert gone["TransitGatewayRouteTable"]["State"] == "deleting"
    assert gone["TransitGatewayRouteTable"]["TransitGatewayId"] == net.tgw
    with pytest.raises(ClientError) as exc:
        net.describe(rtb)
    assert error(exc)[0] == "InvalidRouteTableID.NotFound"
    with pytest.raises(ClientError) as exc:
        net.ec2.delete_transit_gateway_route_table(TransitGatewayRouteTableId=rtb)
    assert error(exc) == ("InvalidRouteTableID.NotFound",
                          f"Transit Gateway Route Table {rtb} was deleted or does not exist.")


def test_delete_refuses_tables_with_associations(net):
    rtb = net.table()
    attach = net.attach(net.vpc("10.1.0.0/16"))
    net.associate(rtb, attach)
    with pytest.raises(ClientError) as exc:
        net.ec2.delete_transit_gateway_route_table(TransitGatewayRouteTableId=rtb)
    assert error(exc) == ("IncorrectState", f"{rtb} has non-deleted associations")
    assert [a["TransitGatewayAttachmentId"] for a in net.associations(rtb)] == [attach]
    net.ec2.disassociate_transit_gateway_route_table(TransitGatewayRouteTableId=rtb,
                                                     TransitGatewayAttachmentId=attach)
    net.ec2.delete_transit_gateway_route_table(TransitGatewayRouteTableId=rtb)


def test_delete_takes_propagations_and_routes_with_it(net, mock):
    rtb = net.table()
    attach = net.attach(net.vpc("10.1.0.0/16"))
    net.propagate(rtb, attach)
    net.route(rtb, "10.9.0.0/16", attach)
    net.route(rtb, "10.8.0.0/16", Blackhole=True)
    net.ec2.delete_transit_gateway_route_table(TransitGatewayRouteTableId=rtb)
    assert rtb not in mock.world.graph
    assert net.ec2.get_transit_gateway_attachment_propagations(
        TransitGatewayAttachmentId=attach)["TransitGatewayAttachmentPropagations"] == []


def test_default_tables_cannot_be_deleted(net, mock):
    default = rtbs.create(mock.world, net.part, net.tgw, default=True)
    with pytest.raises(ClientError) as exc:
        net.ec2.delete_transit_gateway_route_table(TransitGatewayRouteTableId=default)
    assert error(exc) == ("IncorrectState", f"{default} is the default association route table "
                          f"of {net.tgw} and cannot be deleted.")
    rtbs.set_default(mock.world, net.tgw, rtbs.ASSOCIATION_FLAG, None)
    with pytest.raises(ClientError) as exc:
        net.ec2.delete_transit_gateway_route_table(TransitGatewayRouteTableId=default)
    assert "default propagation route table" in error(exc)[1]
    rtbs.set_default(mock.world, net.tgw, rtbs.PROPAGATION_FLAG, None)
    net.ec2.delete_transit_gateway_route_table(TransitGatewayRouteTableId=default)


def test_gateway_default_route_table(net):
    tgw = net.gateway(defaults=True)
    found = net.ec2.describe_transit_gateway_route_tables(
        Filters=[{"Name": "transit-gateway-id", "Values": [tgw]}])["TransitGatewayRouteTables"]
    assert len(found) == 1
    default = found[0]
    assert default["DefaultAssociationRouteTable"] is True
    assert default["DefaultPropagationRouteTable"] is True
    with pytest.raises(ClientError) as exc:
        net.ec2.delete_transit_gateway_route_table(
            TransitGatewayRouteTableId=default["TransitGatewayRouteTableId"])
    assert error(exc)[0] == "IncorrectState"
    assert net.describe(default["TransitGatewayRouteTableId"])["State"] == "available"


def test_new_attachments_join_the_default_table(net):
    tgw = net.gateway(defaults=True)
    default = net.ec2.describe_transit_gateway_route_tables(Filters=[
        {"Name": "transit-gateway-id", "Values": [tgw]},
        {"Name": "default-association-route-table", "Values": ["true"]}],
    )["TransitGatewayRouteTables"][0]["TransitGatewayRouteTableId"]
    vpc = net.vpc("10.4.0.0/16")
    attach = net.attach(vpc, tgw)
    assert [a["TransitGatewayAttachmentId"] for a in net.associations(default)] == [attach]
    assert net.dests(default, ("type", ["propagated"])) == ["10.4.0.0/16"]


def test_set_default_moves_the_flag(net, mock):
    first = rtbs.create(mock.world, net.part, net.tgw, default=True)
    second = net.table()
    rtbs.set_default(mock.world, net.tgw, rtbs.PROPAGATION_FLAG, second)
    assert rtbs.default_table(mock.world, net.tgw, rtbs.PROPAGATION_FLAG) == second
    assert rtbs.default_table(mock.world, net.tgw, rtbs.ASSOCIATION_FLAG) == first
    assert net.describe(first)["DefaultPropagationRouteTable"] is False
    assert net.describe(second)["DefaultPropagationRouteTable"] is True
    elsewhere = net.table(net.gateway())
    with pytest.raises(Exception) as exc:
        rtbs.set_default(mock.world, net.tgw, rtbs.PROPAGATION_FLAG, elsewhere)
    assert getattr(exc.value, "code", None) == "InvalidRouteTableID.NotFound"


# -- associations ---------------------------------------------------------------------------------
def test_associate_and_disassociate(net):
    vpc = net.vpc("10.1.0.0/16")
    rtb, attach = net.table(), net.attach(vpc)
    assert net.associate(rtb, attach) == {
        "TransitGatewayRouteTableId": rtb, "TransitGatewayAttachmentId": attach,
        "ResourceId": vpc, "ResourceType": "vpc", "State": "associating"}
    assert net.associations(rtb) == [{"TransitGatewayAttachmentId": attach, "ResourceId": vpc,
                                      "ResourceType": "vpc", "State": "associated"}]
    gone = net.ec2.disassociate_transit_gateway_route_table(
        TransitGatewayRouteTableId=rtb, TransitGatewayAttachmentId=attach)["Association"]
    assert gone["State"] == "disassociating" and gone["ResourceId"] == vpc
    assert net.associations(rtb) == []


def test_an_attachment_has_one_association(net):
    first, second = net.table(), net.table()
    attach = net.attach(net.vpc("10.1.0.0/16"))
    net.associate(first, attach)
    for rtb in (second, first):
        with pytest.raises(ClientError) as exc:
            net.associate(rtb, attach)
        assert error(exc) == ("Resource.AlreadyAssociated",
                              f"Transit Gateway Attachment {attach} is already associated to a "
                              "route table.")
    assert net.associations(second) == []


def test_associate_errors(net):
    rtb = net.table()
    attach = net.attach(net.vpc("10.1.0.0/16"))
    with pytest.raises(ClientError) as exc:
        net.associate(MISSING_RTB, attach)
    assert error(exc)[0] == "InvalidRouteTableID.NotFound"
    with pytest.raises(ClientError) as exc:
        net.associate(rtb, MISSING_ATTACH)
    assert error(exc) == ("InvalidTransitGatewayAttachmentID.NotFound",
                          f"Transit Gateway Attachment {MISSING_ATTACH} was deleted or does not "
                          "exist.")
    with pytest.raises(ClientError) as exc:
        net.associate(rtb, "tgw-attach-x")
    assert error(exc)[0] == "InvalidTransitGatewayAttachmentID.Malformed"
    foreign = net.attach(net.vpc("10.2.0.0/16"), net.gateway())
    with pytest.raises(ClientError) as exc:
        net.associate(rtb, foreign)
    assert error(exc) == ("InvalidParameterValue",
                          f"Transit Gateway Attachment {foreign} does not belong to Transit "
                          f"Gateway {net.tgw}.")
    pending = net.attach(net.vpc("10.3.0.0/16"), state="pendingAcceptance")
    with pytest.raises(ClientError) as exc:
        net.associate(rtb, pending)
    assert error(exc) == ("IncorrectState", f"{pending} is in invalid state")
    assert net.associations(rtb) == []


def test_disassociate_errors(net):
    rtb, other = net.table(), net.table()
    attach = net.attach(net.vpc("10.1.0.0/16"))
    net.associate(other, attach)
    with pytest.raises(ClientError) as exc:
        net.ec2.disassociate_transit_gateway_route_table(TransitGatewayRouteTableId=rtb,
                                                         TransitGatewayAttachmentId=attach)
    assert error(exc) == ("InvalidAssociation.NotFound",
                          f"Transit Gateway Attachment {attach} is not associated with Transit "
                          f"Gateway Route Table {rtb}.")
    assert len(net.associations(other)) == 1


def test_associate_dry_run_changes_nothing(net):
    rtb, attach = net.table(), net.attach(net.vpc("10.1.0.0/16"))
    with pytest.raises(ClientError) as exc:
        net.ec2.associate_transit_gateway_route_table(
            TransitGatewayRouteTableId=rtb, TransitGatewayAttachmentId=attach, DryRun=True)
    assert error(exc)[0] == "DryRunOperation"
    assert net.associations(rtb) == []


def test_peering_attachment_associates_on_both_sides(net, mock):
    peer_part = mock.world.partition(OTHER, "eu-west-1")
    peer = net.gateway(peer_part)
    attach = net.peering(peer, peer_part)
    mine = net.table()
    assert net.associate(mine, attach)["ResourceId"] == peer
    theirs_client = boto3.client("ec2", region_name="eu-west-1", aws_access_key_id=OTHER,
                                 aws_secret_access_key="x")
    theirs = theirs_client.create_transit_gateway_route_table(
        TransitGatewayId=peer)["TransitGatewayRouteTable"]["TransitGatewayRouteTableId"]
    seen = theirs_client.associate_transit_gateway_route_table(
        TransitGatewayRouteTableId=theirs, TransitGatewayAttachmentId=attach)["Association"]
    assert seen["ResourceId"] == net.tgw and seen["ResourceType"] == "peering"
    route = theirs_client.create_transit_gateway_route(
        TransitGatewayRouteTableId=theirs, DestinationCidrBlock="10.0.0.0/8",
        TransitGatewayAttachmentId=attach)["Route"]
    assert route["TransitGatewayAttachments"] == [
        {"ResourceId": net.tgw, "TransitGatewayAttachmentId": attach, "ResourceType": "peering"}]


def test_peering_attachment_not_accepted_is_in_invalid_state(net):
    peer_part = net.world.partition(OTHER, REGION)
    attach = net.peering(net.gateway(peer_part), peer_part, accept=False)
    rtb = net.table()
    for call in (lambda: net.associate(rtb, attach), lambda: net.propagate(rtb, attach),
                 lambda: net.route(rtb, "10.0.0.0/8", attach)):
        with pytest.raises(ClientError) as exc:
            call()
        assert error(exc) == ("IncorrectState", f"{attach} is in invalid state")


def test_cross_account_attachment_on_a_shared_gateway(net, mock):
    other_part = mock.world.partition(OTHER, REGION)
    other = boto3.client("ec2", region_name=REGION, aws_access_key_id=OTHER,
                         aws_secret_access_key="x")
    vpc = net.vpc("10.7.0.0/16", client=other)
    attach = net.plant(vpc, other_part)
    rtb = net.table()
    net.associate(rtb, attach)
    net.propagate(rtb, attach)
    assert net.dests(rtb) == ["10.7.0.0/16"]
    # the attachment's owner sees its propagations; a stranger does not
    seen = other.get_transit_gateway_attachment_propagations(TransitGatewayAttachmentId=attach)
    assert seen["TransitGatewayAttachmentPropagations"] == [
        {"TransitGatewayRouteTableId": rtb, "State": "enabled"}]
    stranger = boto3.client("ec2", region_name=REGION, aws_access_key_id="444455556666",
                            aws_secret_access_key="x")
    with pytest.raises(ClientError) as exc:
        stranger.get_transit_gateway_attachment_propagations(TransitGatewayAttachmentId=attach)
    assert error(exc)[0] == "InvalidTransitGatewayAttachmentID.NotFound"
    # the table is the gateway owner's: the other account cannot use it
    with pytest.raises(ClientError) as exc:
        other.get_transit_gateway_route_table_associations(TransitGatewayRouteTableId=rtb)
    assert error(exc)[0] == "InvalidRouteTableID.NotFound"


# -- propagations ---------------------------------------------------------------------------------
def test_enable_and_disable_propagation(net):
    vpc = net.vpc("10.1.0.0/16")
    rtb, attach = net.table(), net.attach(vpc)
    assert net.propagate(rtb, attach) == {
        "TransitGatewayAttachmentId": attach, "ResourceId": vpc, "ResourceType": "vpc",
        "TransitGatewayRouteTableId": rtb, "State": "enabling"}
    assert net.propagations(rtb) == [{"TransitGatewayAttachmentId": attach, "ResourceId": vpc,
                                      "ResourceType": "vpc", "State": "enabled"}]
    with pytest.raises(ClientError) as exc:
        net.propagate(rtb, attach)
    assert error(exc)[0] == "TransitGatewayRouteTablePropagation.Duplicate"
    gone = net.ec2.disable_transit_gateway_route_table_propagation(
        TransitGatewayRouteTableId=rtb, TransitGatewayAttachmentId=attach)["Propagation"]
    assert gone["State"] == "disabling"
    assert net.propagations(rtb) == []
    with pytest.raises(ClientError) as exc:
        net.ec2.disable_transit_gateway_route_table_propagation(
            TransitGatewayRouteTableId=rtb, TransitGatewayAttachmentId=attach)
    assert error(exc)[0] == "TransitGatewayRouteTablePropagation.NotFound"


def test_an_attachment_propagates_into_many_tables(net):
    attach = net.attach(net.vpc("10.1.0.0/16"))
    tables = [net.table() for _ in range(3)]
    for rtb in tables:
        net.propagate(rtb, attach)
    found = net.ec2.get_transit_gateway_attachment_propagations(
        TransitGatewayAttachmentId=attach)["TransitGatewayAttachmentPropagations"]
    assert [p["TransitGatewayRouteTableId"] for p in found] == tables
    filtered = net.ec2.get_transit_gateway_attachment_propagations(
        TransitGatewayAttachmentId=attach,
        Filters=[{"Name": "transit-gateway-route-table-id", "Values": [tables[1]]}])
    assert filtered["TransitGatewayAttachmentPropagations"] == [
        {"TransitGatewayRouteTableId": tables[1], "State": "enabled"}]
    with pytest.raises(ClientError) as exc:
        net.ec2.get_transit_gateway_attachment_propagations(TransitGatewayAttachmentId=attach,
                                                            Filters=[{"Name": "state",
                                                                      "Values": ["enabled"]}])
    assert error(exc) == ("InvalidParameterValue", "The filter 'state' is invalid")
    with pytest.raises(ClientError) as exc:
        net.ec2.get_transit_gateway_attachment_propagations(
            TransitGatewayAttachmentId=MISSING_ATTACH)
    assert error(exc)[0] == "InvalidTransitGatewayAttachmentID.NotFound"


def test_propagated_routes_follow_the_vpc_blocks(net):
    vpc = net.vpc("10.1.0.0/16")
    rtb, attach = net.table(), net.attach(vpc)
    assert net.routes(rtb) == []
    net.propagate(rtb, attach)
    assert net.routes(rtb) == [{
        "DestinationCidrBlock": "10.1.0.0/16", "Type": "propagated", "State": "active",
        "TransitGatewayAttachments": [{"ResourceId": vpc, "TransitGatewayAttachmentId": attach,
                                       "ResourceType": "vpc"}]}]
    net.ec2.associate_vpc_cidr_block(VpcId=vpc, CidrBlock="10.2.0.0/16")
    assert net.dests(rtb) == ["10.1.0.0/16", "10.2.0.0/16"]
    net.ec2.disable_transit_gateway_route_table_propagation(
        TransitGatewayRouteTableId=rtb, TransitGatewayAttachmentId=attach)
    assert net.routes(rtb) == []


def test_ipv6_blocks_propagate_only_with_ipv6_support(net):
    vpc = net.vpc("10.1.0.0/16", AmazonProvidedIpv6CidrBlock=True)
    block = net.ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"][0][
        "Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"]
    rtb = net.table()
    net.propagate(rtb, net.attach(vpc))
    assert net.dests(rtb) == ["10.1.0.0/16"]
    dual = net.gateway()
    other = net.table(dual)
    net.propagate(other, net.attach(vpc, dual, ipv6=True))
    assert net.dests(other) == ["10.1.0.0/16", block]


def test_first_propagation_wins_an_identical_prefix(net):
    first = net.attach(net.vpc("10.1.0.0/16"))
    second = net.attach(net.vpc("10.1.0.0/16"))
    rtb = net.table()
    net.propagate(rtb, first)
    net.propagate(rtb, second)
    found = net.routes(rtb)
    assert [r["TransitGatewayAttachments"][0]["TransitGatewayAttachmentId"] for r in found] \
        == [first]
    net.ec2.disable_transit_gateway_route_table_propagation(
        TransitGatewayRouteTableId=rtb, TransitGatewayAttachmentId=first)
    assert net.routes(rtb)[0]["TransitGatewayAttachments"][0]["TransitGatewayAttachmentId"] \
        == second


def test_propagation_listing_filters_and_pages(net):
    rtb = net.table()
    vpcs = [net.vpc(f"10.{n}.0.0/16") for n in range(1, 8)]
    attachments = [net.attach(v) for v in vpcs]
    for attach in attachments:
        net.propagate(rtb, attach)
    first = net.ec2.get_transit_gateway_route_table_propagations(TransitGatewayRouteTableId=rtb,
                                                                MaxResults=5)
    rest = net.ec2.get_transit_gateway_route_table_propagations(
        TransitGatewayRouteTableId=rtb, MaxResults=5, NextToken=first["NextToken"])
    listed = first["TransitGatewayRouteTablePropagations"] + \
        rest["TransitGatewayRouteTablePropagations"]
    assert [p["TransitGatewayAttachmentId"] for p in listed] == attachments
    assert "NextToken" not in rest
    assert [p["ResourceId"] for p in net.propagations(
        rtb, Filters=[{"Name": "resource-id", "Values": [vpcs[2], vpcs[4]]}])] == [vpcs[2], vpcs[4]]
    assert len(net.propagations(rtb, Filters=[{"Name": "resource-type", "Values": ["vpc"]}])) == 7
    assert net.propagations(rtb, Filters=[{"Name": "resource-type", "Values": ["vpn"]}]) == []
    assert [p["TransitGatewayAttachmentId"] for p in net.propagations(
        rtb, Filters=[{"Name": "transit-gateway-attachment-id", "Values": [attachments[0]]}])] \
        == [attachments[0]]
    with pytest.raises(ClientError) as exc:
        unchecked().get_transit_gateway_route_table_propagations(
            TransitGatewayRouteTableId=rtb, MaxResults=4)
    assert exc.value.response["Error"]["Code"] == "InvalidParameterValue"


def test_association_listing_filters(net):
    rtb = net.table()
    attachments = [net.attach(net.vpc(f"10.{n}.0.0/16")) for n in range(1, 4)]
    for attach in attachments:
        net.associate(rtb, attach)
    assert [a["TransitGatewayAttachmentId"] for a in net.associations(rtb)] == attachments
    assert [a["TransitGatewayAttachmentId"] for a in net.associations(
        rtb, Filters=[{"Name": "transit-gateway-attachment-id", "Values": [attachments[1]]}])] \
        == [attachments[1]]
    assert net.associations(rtb, Filters=[{"Name": "resource-id", "Values": ["vpc-nope"]}]) == []
    with pytest.raises(ClientError) as exc:
        net.associations(rtb, Filters=[{"Name": "state", "Values": ["associated"]}])
    assert error(exc) == ("InvalidParameterValue", "The filter 'state' is invalid")
    with pytest.raises(ClientError) as exc:
        net.associations(MISSING_RTB)
    assert error(exc)[0] == "InvalidRouteTableID.NotFound"


# -- static routes --------------------------------------------------------------------------------
def test_static_route_to_an_attachment(net):
    vpc = net.vpc("10.1.0.0/16")
    rtb, attach = net.table(), net.attach(vpc)
    assert net.route(rtb, "0.0.0.0/0", attach) == {
        "DestinationCidrBlock": "0.0.0.0/0", "Type": "static", "State": "active",
        "TransitGatewayAttachments": [{"ResourceId": vpc, "TransitGatewayAttachmentId": attach,
                                       "ResourceType": "vpc"}]}
    with pytest.raises(ClientError) as exc:
        net.route(rtb, "0.0.0.0/0", Blackhole=True)
    assert error(exc) == ("RouteAlreadyExists",
                          f"Route 0.0.0.0/0 already exists in Transit Gateway Route Table {rtb}.")
    assert net.routes(rtb)[0]["State"] == "active"


def test_blackhole_route(net):
    rtb = net.table()
    assert net.route(rtb, "10.99.0.0/16", Blackhole=True) == {
        "DestinationCidrBlock": "10.99.0.0/16", "Type": "static", "State": "blackhole"}
    assert net.routes(rtb, ("state", ["blackhole"])) == [
        {"DestinationCidrBlock": "10.99.0.0/16", "Type": "static", "State": "blackhole"}]


def test_route_destination_is_canonical_and_may_be_ipv6(net):
    rtb, attach = net.table(), net.attach(net.vpc("10.1.0.0/16"))
    assert net.route(rtb, "10.50.7.9/16", attach)["DestinationCidrBlock"] == "10.50.0.0/16"
    assert net.route(rtb, "2600:1f18::/40", attach)["DestinationCidrBlock"] == "2600:1f18::/40"
    with pytest.raises(ClientError) as exc:
        net.route(rtb, "10.50.0.0/16", attach)
    assert error(exc)[0] == "RouteAlreadyExists"
    for bad in ("10.0.0.0", "10.0.0.0/33", "banana"):
        with pytest.raises(ClientError) as exc:
            net.route(rtb, bad, attach)
        assert error(exc) == ("InvalidParameterValue", f"Value ({bad}) for parameter "
                              "destinationCidrBlock is invalid. This is not a valid CIDR block.")


def test_route_target_rules(net):
    rtb, attach = net.table(), net.attach(net.vpc("10.1.0.0/16"))
    with pytest.raises(ClientError) as exc:
        net.route(rtb, "10.9.0.0/16", attach, Blackhole=True)
    assert error(exc)[0] == "InvalidParameterCombination"
    with pytest.raises(ClientError) as exc:
        net.route(rtb, "10.9.0.0/16")
    assert error(exc)[0] == "MissingParameter"
    with pytest.raises(ClientError) as exc:
        net.route(rtb, "10.9.0.0/16", MISSING_ATTACH)
    assert error(exc)[0] == "InvalidTransitGatewayAttachmentID.NotFound"
    with pytest.raises(ClientError) as exc:
        net.route(rtb, "10.9.0.0/16", net.attach(net.vpc("10.2.0.0/16"), net.gateway()))
    assert error(exc)[0] == "InvalidParameterValue"
    with pytest.raises(ClientError) as exc:
        net.route(MISSING_RTB, "10.9.0.0/16", attach)
    assert error(exc)[0] == "InvalidRouteTableID.NotFound"
    assert net.routes(rtb) == []


def test_static_beats_propagated_for_the_same_prefix(net):
    rtb = net.table()
    spoke = net.attach(net.vpc("10.1.0.0/16"))
    hub = net.attach(net.vpc("10.2.0.0/16"))
    net.propagate(rtb, spoke)
    net.route(rtb, "10.1.0.0/16", hub)
    found = net.routes(rtb)
    assert len(found) == 1 and found[0]["Type"] == "static"
    assert found[0]["TransitGatewayAttachments"][0]["TransitGatewayAttachmentId"] == hub
    net.ec2.delete_transit_gateway_route(TransitGatewayRouteTableId=rtb,
                                         DestinationCidrBlock="10.1.0.0/16")
    assert net.routes(rtb)[0]["Type"] == "propagated"


def test_delete_route(net):
    rtb, attach = net.table(), net.attach(net.vpc("10.1.0.0/16"))
    net.route(rtb, "10.9.0.0/16", attach)
    gone = net.ec2.delete_transit_gateway_route(TransitGatewayRouteTableId=rtb,
                                                DestinationCidrBlock="10.9.0.0/16")["Route"]
    assert gone["State"] == "deleted" and gone["Type"] == "static"
    assert net.routes(rtb) == []
    with pytest.raises(ClientError) as exc:
        net.ec2.delete_transit_gateway_route(TransitGatewayRouteTableId=rtb,
                                             DestinationCidrBlock="10.9.0.0/16")
    assert error(exc) == ("InvalidRoute.NotFound", "Route 10.9.0.0/16 does not exists in Transit "
                          f"Gateway Route Table {rtb}.")
    net.propagate(rtb, attach)            # a propagated route cannot be deleted
    with pytest.raises(ClientError) as exc:
        net.ec2.delete_transit_gateway_route(TransitGatewayRouteTableId=rtb,
                                             DestinationCidrBlock="10.1.0.0/16")
    assert error(exc)[0] == "InvalidRoute.NotFound"
    assert net.dests(rtb) == ["10.1.0.0/16"]


def test_replace_route(net):
    rtb = net.table()
    first = net.attach(net.vpc("10.1.0.0/16"))
    second = net.attach(net.vpc("10.2.0.0/16"))
    net.route(rtb, "0.0.0.0/0", first)
    replaced = net.ec2.replace_transit_gateway_route(
        TransitGatewayRouteTableId=rtb, DestinationCidrBlock="0.0.0.0/0",
        TransitGatewayAttachmentId=second)["Route"]
    assert replaced["TransitGatewayAttachments"][0]["TransitGatewayAttachmentId"] == second
    holed = net.ec2.replace_transit_gateway_route(
        TransitGatewayRouteTableId=rtb, DestinationCidrBlock="0.0.0.0/0", Blackhole=True)["Route"]
    assert holed == {"DestinationCidrBlock": "0.0.0.0/0", "Type": "static", "State": "blackhole"}
    assert net.routes(rtb) == [holed]
    with pytest.raises(ClientError) as exc:
        net.ec2.replace_transit_gateway_route(TransitGatewayRouteTableId=rtb,
                                              DestinationCidrBlock="10.5.0.0/16", Blackhole=True)
    assert error(exc) == ("InvalidRoute.NotFound", "Route 10.5.0.0/16 does not exists in Transit "
                          f"Gateway Route Table {rtb}.")
    # a propagated route replaced becomes static
    net.propagate(rtb, first)
    net.ec2.replace_transit_gateway_route(TransitGatewayRouteTableId=rtb,
                                          DestinationCidrBlock="10.1.0.0/16",
                                          TransitGatewayAttachmentId=second)
    assert [r["Type"] for r in net.routes(rtb)] == ["static", "static"]


def test_route_dry_run_changes_nothing(net):
    rtb, attach = net.table(), net.attach(net.vpc("10.1.0.0/16"))
    with pytest.raises(ClientError) as exc:
        net.route(rtb, "10.9.0.0/16", attach, DryRun=True)
    assert error(exc)[0] == "DryRunOperation"
    assert net.routes(rtb) == []


def test_deleted_attachment_blackholes_static_routes_and_drops_propagated(net, mock):
    vpc = net.vpc("10.1.0.0/16")
    rtb, attach = net.table(), net.attach(vpc)
    net.associate(rtb, attach)
    net.propagate(rtb, attach)
    net.route(rtb, "10.9.0.0/16", attach)
    tgw_vpc_attachments.delete_vpc_attachment(mock.world, net.part, attach)
    assert net.routes(rtb) == [
        {"DestinationCidrBlock": "10.9.0.0/16", "Type": "static", "State": "blackhole"}]
    assert net.associations(rtb) == [] and net.propagations(rtb) == []
    with pytest.raises(ClientError) as exc:
        net.associate(rtb, attach)
    assert error(exc) == ("InvalidTransitGatewayAttachmentID.NotFound",
                          f"Transit Gateway Attachment {attach} was deleted or does not exist.")
    net.ec2.delete_transit_gateway_route(TransitGatewayRouteTableId=rtb,
                                         DestinationCidrBlock="10.9.0.0/16")
    assert net.routes(rtb) == []


def test_removed_attachment_stays_as_a_tombstone_for_its_routes(net, mock):
    rtb, attach = net.table(), net.plant(net.vpc("10.1.0.0/16"), net.part)
    net.associate(rtb, attach)
    net.route(rtb, "10.9.0.0/16", attach)
    world = mock.world
    rtbs.release_attachment(world, net.part, attach)
    world.remove(attach)
    assert world.graph.nodes[attach]["deleted"] is True
    assert net.routes(rtb)[0]["State"] == "blackhole"
    assert net.associations(rtb) == []
    net.ec2.delete_transit_gateway_route(TransitGatewayRouteTableId=rtb,
                                         DestinationCidrBlock="10.9.0.0/16")
    assert attach not in world.graph                          # gone with its last route


def test_attachment_going_down_blackholes_its_routes(net, mock):
    rtb, attach = net.table(), net.attach(net.vpc("10.1.0.0/16"))
    net.propagate(rtb, attach)
    net.route(rtb, "10.9.0.0/16", attach)
    mock.world.update(attach, State="deleting")
    assert net.routes(rtb) == [
        {"DestinationCidrBlock": "10.9.0.0/16", "Type": "static", "State": "blackhole"}]


def test_release_gateway_drops_its_tables(net, mock):
    rtb, attach = net.table(), net.attach(net.vpc("10.1.0.0/16"))
    net.route(rtb, "10.9.0.0/16", Blackhole=True)
    net.route(rtb, "10.8.0.0/16", attach)
    rtbs.release_gateway(mock.world, net.tgw)
    assert rtb not in mock.world.graph
    assert net.ec2.describe_transit_gateway_route_tables()["TransitGatewayRouteTables"] == []


# -- search and export ----------------------------------------------------------------------------
@pytest.fixture
def routed(net):
    """A table with propagated, static and blackhole routes of both versions."""
    rtb = net.table()
    spoke_vpc, hub_vpc = net.vpc("10.1.0.0/16"), net.vpc("10.2.0.0/16")
    spoke, hub = net.attach(spoke_vpc), net.attach(hub_vpc)
    net.propagate(rtb, spoke)
    net.propagate(rtb, hub)
    net.route(rtb, "0.0.0.0/0", hub)
    net.route(rtb, "10.1.2.0/24", Blackhole=True)
    net.route(rtb, "10.0.1.0/29", hub)
    net.route(rtb, "10.0.1.0/31", spoke)
    net.route(rtb, "2600:1f18::/40", hub)
    return net, rtb, {"spoke": spoke, "hub": hub, "spoke_vpc": spoke_vpc, "hub_vpc": hub_vpc}


def test_search_lists_in_destination_order(routed):
    net, rtb, _ = routed
    assert net.dests(rtb) == ["0.0.0.0/0", "10.0.1.0/29", "10.0.1.0/31", "10.1.0.0/16",
                              "10.1.2.0/24", "10.2.0.0/16", "2600:1f18::/40"]


def test_search_by_type_and_state(routed):
    net, rtb, _ = routed
    assert net.dests(rtb, ("type", ["propagated"])) == ["10.1.0.0/16", "10.2.0.0/16"]
    assert net.dests(rtb, ("state", ["blackhole"])) == ["10.1.2.0/24"]
    assert net.dests(rtb, ("type", ["static"]), ("state", ["active"])) == [
        "0.0.0.0/0", "10.0.1.0/29", "10.0.1.0/31", "2600:1f18::/40"]


def test_search_by_attachment(routed):
    net, rtb, ids = routed
    assert net.dests(rtb, ("attachment.transit-gateway-attachment-id", [ids["spoke"]])) == [
        "10.0.1.0/31", "10.1.0.0/16"]
    assert net.dests(rtb, ("attachment.resource-id", [ids["hub_vpc"]])) == [
        "0.0.0.0/0", "10.0.1.0/29", "10.2.0.0/16", "2600:1f18::/40"]
    assert len(net.dests(rtb, ("attachment.resource-type", ["vpc"]))) == 6
    assert net.dests(rtb, ("attachment.resource-type", ["vpn"])) == []
    assert net.dests(rtb, ("prefix-list-id", ["pl-0123456789abcdef0"])) == []


def test_search_route_matches(routed):
    net, rtb, _ = routed
    # AWS's own example: supernet-of 10.0.1.0/30 finds 10.0.1.0/29, not the /31
    assert net.dests(rtb, ("route-search.supernet-of-match", ["10.0.1.0/30"])) == [
        "0.0.0.0/0", "10.0.1.0/29"]
    assert net.dests(rtb, ("route-search.exact-match", ["10.1.2.0/24"])) == ["10.1.2.0/24"]
    assert net.dests(rtb, ("route-search.exact-match", ["10.1.2.0/25"])) == []
    assert net.dests(rtb, ("route-search.subnet-of-match", ["10.0.0.0/8"])) == [
        "10.0.1.0/29", "10.0.1.0/31", "10.1.0.0/16", "10.1.2.0/24", "10.2.0.0/16"]
    assert net.dests(rtb, ("route-search.subnet-of-match", ["0.0.0.0/0", "::/0"])) == \
        net.dests(rtb)
    assert net.dests(rtb, ("route-search.longest-prefix-match", ["10.1.2.3/32"])) == [
        "10.1.2.0/24"]
    assert net.dests(rtb, ("route-search.longest-prefix-match", ["10.1.9.9"])) == ["10.1.0.0/16"]
    assert net.dests(rtb, ("route-search.longest-prefix-match", ["192.168.0.1/32",
                                                                "2600:1f18::1/128"])) == [
        "0.0.0.0/0", "2600:1f18::/40"]
    assert net.dests(rtb, ("route-search.longest-prefix-match", ["10.1.2.3/32"]),
                     ("state", ["active"])) == ["10.1.0.0/16"]
    with pytest.raises(ClientError) as exc:
        net.dests(rtb, ("route-search.exact-match", ["ten"]))
    assert error(exc) == ("InvalidParameterValue", "Value (ten/32) for parameter "
                          "route-search.exact-match is invalid. This is not a valid CIDR block.")


def test_search_needs_filters_and_known_names(routed):
    net, rtb, _ = routed
    with pytest.raises(ClientError) as exc:
        unchecked().search_transit_gateway_routes(TransitGatewayRouteTableId=rtb, Filters=[])
    assert error(exc)[0] == "MissingParameter"
    with pytest.raises(ClientError) as exc:
        net.dests(rtb, ("destination-cidr-block", ["10.0.0.0/8"]))
    assert error(exc) == ("InvalidParameterValue", "The filter 'destination-cidr-block' is invalid")
    with pytest.raises(ClientError) as exc:
        net.dests(rtb, ("route-search.nearest", ["10.0.0.0/8"]))
    assert error(exc) == ("InvalidParameterValue", "The filter 'route-search.nearest' is invalid")
    with pytest.raises(ClientError) as exc:
        net.ec2.search_transit_gateway_routes(TransitGatewayRouteTableId=MISSING_RTB,
                                              Filters=[{"Name": "type", "Values": ["static"]}])
    assert error(exc)[0] == "InvalidRouteTableID.NotFound"


def test_search_max_results(routed):
    net, rtb, _ = routed
    every = {"Name": "state", "Values": ["active", "blackhole"]}
    first = net.ec2.search_transit_gateway_routes(TransitGatewayRouteTableId=rtb,
                                                  Filters=[every], MaxResults=5)
    assert len(first["Routes"]) == 5 and first["AdditionalRoutesAvailable"] is True
    rest = net.ec2.search_transit_gateway_routes(TransitGatewayRouteTableId=rtb, Filters=[every],
                                                 MaxResults=5, NextToken=first["NextToken"])
    assert [r["DestinationCidrBlock"] for r in first["Routes"] + rest["Routes"]] == \
        net.dests(rtb)
    assert rest["AdditionalRoutesAvailable"] is False and "NextToken" not in rest
    with pytest.raises(ClientError) as exc:
        unchecked().search_transit_gateway_routes(TransitGatewayRouteTableId=rtb,
                                                  Filters=[every], MaxResults=4)
    assert error(exc)[0] == "InvalidParameterValue"
    with pytest.raises(ClientError) as exc:
        net.ec2.search_transit_gateway_routes(TransitGatewayRouteTableId=rtb, Filters=[every],
                                              NextToken="garbage")
    assert error(exc)[0] == "InvalidPaginationToken"


def test_search_dry_run(routed):
    net, rtb, _ = routed
    with pytest.raises(ClientError) as exc:
        net.ec2.search_transit_gateway_routes(TransitGatewayRouteTableId=rtb, DryRun=True,
                                              Filters=[{"Name": "type", "Values": ["static"]}])
    assert error(exc)[0] == "DryRunOperation"


def test_export_answers_an_s3_location(routed):
    net, rtb, _ = routed
    location = net.ec2.export_transit_gateway_routes(
        TransitGatewayRouteTableId=rtb, S3Bucket="my-routes",
        Filters=[{"Name": "transit-gateway-route-destination-cidr-block",
                  "Values": ["10.1.0.0/16"]}])["S3Location"]
    prefix = "s3://my-routes/VPCTransitGateway/TransitGatewayRouteTables/"
    assert location.startswith(prefix)
    name = location[len(prefix):]
    assert name.startswith(f"{ACCOUNT}_{REGION}_{rtb}_") and name.endswith(".json")
    with pytest.raises(ClientError) as exc:
        net.ec2.export_transit_gateway_routes(
            TransitGatewayRouteTableId=rtb, S3Bucket="b",
            Filters=[{"Name": "prefix-list-id", "Values": ["pl-1"]}])
    assert error(exc) == ("InvalidParameterValue", "The filter 'prefix-list-id' is invalid")
    with pytest.raises(ClientError) as exc:
        net.ec2.export_transit_gateway_routes(TransitGatewayRouteTableId=MISSING_RTB,
                                              S3Bucket="b")
    assert error(exc)[0] == "InvalidRouteTableID.NotFound"


# -- against a real server ------------------------------------------------------------------------
def test_server_unknown_gateway_and_table(server_ec2):
    with pytest.raises(ClientError) as exc:
        server_ec2.create_transit_gateway_route_table(TransitGatewayId=MISSING_TGW)
    assert error(exc) == ("InvalidTransitGatewayID.NotFound",
                          f"Transit Gateway {MISSING_TGW} was deleted or does not exist.")
    with pytest.raises(ClientError) as exc:
        server_ec2.search_transit_gateway_routes(
            TransitGatewayRouteTableId=MISSING_RTB, Filters=[{"Name": "type",
                                                               "Values": ["static"]}])
    assert error(exc) == ("InvalidRouteTableID.NotFound",
                          f"Transit Gateway Route Table {MISSING_RTB} was deleted or does not "
                          "exist.")
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert server_ec2.describe_transit_gateway_route_tables()["TransitGatewayRouteTables"] == []


def test_server_listing_errors(server_ec2):
    for call in (server_ec2.get_transit_gateway_route_table_associations,
                 server_ec2.get_transit_gateway_route_table_propagations):
        with pytest.raises(ClientError) as exc:
            call(TransitGatewayRouteTableId=MISSING_RTB)
        assert error(exc)[0] == "InvalidRouteTableID.NotFound"
    with pytest.raises(ClientError) as exc:
        server_ec2.get_transit_gateway_attachment_propagations(
            TransitGatewayAttachmentId=MISSING_ATTACH)
    assert error(exc)[0] == "InvalidTransitGatewayAttachmentID.NotFound"


def test_server_tables_routes_and_search(server_ec2):
    tgw = server_ec2.create_transit_gateway(Options={
        "DefaultRouteTableAssociation": "disable",
        "DefaultRouteTablePropagation": "disable"})["TransitGateway"]["TransitGatewayId"]
    vpc = server_ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    subnet = server_ec2.create_subnet(VpcId=vpc, CidrBlock="10.1.0.0/24",
                                      AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    attach = server_ec2.create_transit_gateway_vpc_attachment(
        TransitGatewayId=tgw, VpcId=vpc, SubnetIds=[subnet],
    )["TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
    rtb = server_ec2.create_transit_gateway_route_table(
        TransitGatewayId=tgw)["TransitGatewayRouteTable"]["TransitGatewayRouteTableId"]
    server_ec2.associate_transit_gateway_route_table(TransitGatewayRouteTableId=rtb,
                                                     TransitGatewayAttachmentId=attach)
    server_ec2.enable_transit_gateway_route_table_propagation(
        TransitGatewayRouteTableId=rtb, TransitGatewayAttachmentId=attach)
    server_ec2.create_transit_gateway_route(TransitGatewayRouteTableId=rtb,
                                            DestinationCidrBlock="0.0.0.0/0", Blackhole=True)
    found = server_ec2.search_transit_gateway_routes(
        TransitGatewayRouteTableId=rtb,
        Filters=[{"Name": "state", "Values": ["active", "blackhole"]}])
    assert [(r["DestinationCidrBlock"], r["Type"], r["State"]) for r in found["Routes"]] == [
        ("0.0.0.0/0", "static", "blackhole"), ("10.1.0.0/16", "propagated", "active")]
    assert found["AdditionalRoutesAvailable"] is False
    assert found["Routes"][1]["TransitGatewayAttachments"] == [
        {"ResourceId": vpc, "TransitGatewayAttachmentId": attach, "ResourceType": "vpc"}]
    with pytest.raises(ClientError) as exc:
        server_ec2.associate_transit_gateway_route_table(TransitGatewayRouteTableId=rtb,
                                                         TransitGatewayAttachmentId=attach)
    assert error(exc) == ("Resource.AlreadyAssociated",
                          f"Transit Gateway Attachment {attach} is already associated to a "
                          "route table.")
    with pytest.raises(ClientError) as exc:
        server_ec2.delete_transit_gateway_route_table(TransitGatewayRouteTableId=rtb)
    assert error(exc)[0] == "IncorrectState"
    described = server_ec2.describe_transit_gateway_route_tables(
        Filters=[{"Name": "transit-gateway-id", "Values": [tgw]}])["TransitGatewayRouteTables"]
    assert [t["TransitGatewayRouteTableId"] for t in described] == [rtb]
