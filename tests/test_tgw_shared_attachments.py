"""Transit gateways shared with other accounts (AWS RAM): the participant sees the gateway
and attaches its VPCs, the owner accepts or rejects; Client VPN and SSE Connect attachments
decided the same way; over HTTP too."""
from __future__ import annotations

import json
import urllib.request

import boto3
import pytest

from helpers import fails
from test_tgw_extras import peered
from topology.connect import tgw_other_attachments

OWNER, PARTICIPANT = "123456789012", "111122223333"


def client(account: str | None = None):
    return boto3.client("ec2", region_name="us-east-1", aws_access_key_id=account or "testing",
                        aws_secret_access_key="testing")


def vpc_with_subnet(ec2, cidr: str = "10.9.0.0/16") -> tuple[str, str]:
    vpc = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    return vpc, ec2.create_subnet(VpcId=vpc, CidrBlock=cidr.replace("/16", "/24"))[
        "Subnet"]["SubnetId"]


def attach(ec2, tgw: str) -> dict:
    vpc, subnet = vpc_with_subnet(ec2)
    return ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw, VpcId=vpc,
                                                     SubnetIds=[subnet])[
        "TransitGatewayVpcAttachment"]


@pytest.fixture
def shared(ec2, mock) -> dict:
    tgw = ec2.create_transit_gateway(Description="shared hub")["TransitGateway"]
    mock.organization("o-exampleorg01", [PARTICIPANT], management=OWNER)
    mock.share(tgw["TransitGatewayId"], ["o-exampleorg01"])
    return {"tgw": tgw["TransitGatewayId"], "other": client(PARTICIPANT),
            "rtb": tgw["Options"]["AssociationDefaultRouteTableId"]}


def test_unshared_gateway_is_invisible_to_other_accounts(ec2):
    tgw = ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    other = client(PARTICIPANT)
    assert other.describe_transit_gateways()["TransitGateways"] == []
    code, message = fails(attach, other, tgw)
    assert code == "InvalidTransitGatewayID.NotFound" and tgw in message


def test_participant_sees_shared_gateway_with_its_owner(shared):
    found = shared["other"].describe_transit_gateways()["TransitGateways"]
    assert [(g["TransitGatewayId"], g["OwnerId"]) for g in found] == [(shared["tgw"], OWNER)]
    named = shared["other"].describe_transit_gateways(TransitGatewayIds=[shared["tgw"]])
    assert named["TransitGateways"][0]["Description"] == "shared hub"


def test_shared_attachment_waits_for_the_owner_then_is_accepted(ec2, shared):
    made = attach(shared["other"], shared["tgw"])
    attach_id = made["TransitGatewayAttachmentId"]
    assert made["State"] == "pending"       # CreateTransitGatewayVpcAttachment's answer
    mine = shared["other"].describe_transit_gateway_vpc_attachments(
        TransitGatewayAttachmentIds=[attach_id])["TransitGatewayVpcAttachments"][0]
    assert (mine["State"], mine["VpcOwnerId"]) == ("pendingAcceptance", PARTICIPANT)
    seen = ec2.describe_transit_gateway_attachments(
        Filters=[{"Name": "state", "Values": ["pendingAcceptance"]}])["TransitGatewayAttachments"]
    assert [(a["TransitGatewayAttachmentId"], a["ResourceOwnerId"], a["TransitGatewayOwnerId"])
            for a in seen] == [(attach_id, PARTICIPANT, OWNER)]
    assert "Association" not in seen[0]     # no default association until accepted
    # only the gateway's owner decides
    code, _ = fails(shared["other"].accept_transit_gateway_vpc_attachment,
                    TransitGatewayAttachmentId=attach_id)
    assert code == "InvalidParameterValue"
    answer = ec2.accept_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=attach_id)
    assert answer["TransitGatewayVpcAttachment"]["State"] == "pending"
    now = ec2.describe_transit_gateway_attachments(TransitGatewayAttachmentIds=[attach_id])[
        "TransitGatewayAttachments"][0]
    assert now["State"] == "available"
    assert now["Association"] == {"TransitGatewayRouteTableId": shared["rtb"],
                                  "State": "associated"}
    code, _ = fails(ec2.accept_transit_gateway_vpc_attachment,
                    TransitGatewayAttachmentId=attach_id)
    assert code == "IncorrectState"


def test_owner_rejects_a_shared_attachment(ec2, shared):
    attach_id = attach(shared["other"], shared["tgw"])["TransitGatewayAttachmentId"]
    answer = ec2.reject_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=attach_id)
    assert answer["TransitGatewayVpcAttachment"]["State"] == "rejecting"
    found = shared["other"].describe_transit_gateway_vpc_attachments(
        TransitGatewayAttachmentIds=[attach_id])["TransitGatewayVpcAttachments"][0]
    assert found["State"] == "rejected"
    code, _ = fails(ec2.reject_transit_gateway_vpc_attachment,
                    TransitGatewayAttachmentId=attach_id)
    assert code == "IncorrectState"


def test_auto_accept_shared_attachments(ec2, shared):
    ec2.modify_transit_gateway(TransitGatewayId=shared["tgw"],
                               Options={"AutoAcceptSharedAttachments": "enable"})
    attach_id = attach(shared["other"], shared["tgw"])["TransitGatewayAttachmentId"]
    found = ec2.describe_transit_gateway_attachments(TransitGatewayAttachmentIds=[attach_id])[
        "TransitGatewayAttachments"][0]
    assert found["State"] == "available"


def test_own_attachments_need_no_acceptance(ec2):
    tgw = ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    attach_id = attach(ec2, tgw)["TransitGatewayAttachmentId"]
    code, message = fails(ec2.accept_transit_gateway_vpc_attachment,
                          TransitGatewayAttachmentId=attach_id)
    assert code == "IncorrectState" and attach_id in message
    code, _ = fails(ec2.accept_transit_gateway_vpc_attachment,
                    TransitGatewayAttachmentId="tgw-attach-0123456789abcdef0")
    assert code == "InvalidTransitGatewayAttachmentID.NotFound"
    code, _ = fails(ec2.reject_transit_gateway_vpc_attachment, TransitGatewayAttachmentId="x")
    assert code == "InvalidTransitGatewayAttachmentID.Malformed"


def test_dry_run_accept_changes_nothing(ec2, shared):
    attach_id = attach(shared["other"], shared["tgw"])["TransitGatewayAttachmentId"]
    code, _ = fails(ec2.accept_transit_gateway_vpc_attachment,
                    TransitGatewayAttachmentId=attach_id, DryRun=True)
    assert code == "DryRunOperation"
    found = ec2.describe_transit_gateway_attachments(TransitGatewayAttachmentIds=[attach_id])
    assert found["TransitGatewayAttachments"][0]["State"] == "pendingAcceptance"


# -- Client VPN and SSE Connect attachments (made by other families and services) ----------------
def test_client_vpn_attachment_accept_reject_delete(ec2, shared, mock):
    world = mock.world
    with world.request():
        part = world.partition(PARTICIPANT, "us-east-1")
        first = tgw_other_attachments.create_client_vpn_attachment(
            world, part, shared["tgw"], "cvpn-endpoint-0123456789abcdef0")
        second = tgw_other_attachments.create_client_vpn_attachment(
            world, part, shared["tgw"], "cvpn-endpoint-0123456789abcdef1")
    accepted = ec2.accept_transit_gateway_client_vpn_attachment(
        TransitGatewayAttachmentId=first)["TransitGatewayClientVpnAttachment"]
    assert (accepted["State"], accepted["ClientVpnEndpointId"], accepted["ClientVpnOwnerId"]) \
        == ("pending", "cvpn-endpoint-0123456789abcdef0", PARTICIPANT)
    rejected = ec2.reject_transit_gateway_client_vpn_attachment(
        TransitGatewayAttachmentId=second)["TransitGatewayClientVpnAttachment"]
    assert rejected["State"] == "rejected"
    deleted = shared["other"].delete_transit_gateway_client_vpn_attachment(
        TransitGatewayAttachmentId=first)["TransitGatewayClientVpnAttachment"]
    assert deleted["State"] == "deleting"
    code, _ = fails(ec2.accept_transit_gateway_client_vpn_attachment,
                    TransitGatewayAttachmentId=second)
    assert code == "IncorrectState"
    code, _ = fails(ec2.accept_transit_gateway_sse_connect_attachment,
                    TransitGatewayAttachmentId=second)      # not an SSE Connect attachment
    assert code == "InvalidTransitGatewayAttachmentID.NotFound"


def test_sse_connect_attachment_accept_and_reject(ec2, shared, mock):
    world = mock.world
    with world.request():
        part = world.partition(PARTICIPANT, "us-east-1")
        first = tgw_other_attachments.create_sse_attachment(world, part, shared["tgw"], "sse-1")
        second = tgw_other_attachments.create_sse_attachment(world, part, shared["tgw"], "sse-2")
    answer = ec2.accept_transit_gateway_sse_connect_attachment(
        TransitGatewayAttachmentId=first)["TransitGatewayAttachment"]
    assert (answer["State"], answer["ResourceType"], answer["TransitGatewayOwnerId"]) == (
        "pending", "sse-connect", OWNER)
    answer = ec2.reject_transit_gateway_sse_connect_attachment(
        TransitGatewayAttachmentId=second)["TransitGatewayAttachment"]
    assert answer["State"] == "rejecting"
    states = {a["TransitGatewayAttachmentId"]: a["State"] for a in
              ec2.describe_transit_gateway_attachments()["TransitGatewayAttachments"]}
    assert (states[first], states[second]) == ("available", "rejected")


# -- over HTTP -------------------------------------------------------------------------------------
@pytest.mark.server
def test_server_share_attach_and_accept(server_ec2):
    url = server_ec2.meta.endpoint_url
    tgw = server_ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    body = json.dumps({"ResourceId": tgw, "Principals": [PARTICIPANT]}).encode()
    urllib.request.urlopen(urllib.request.Request(
        f"{url}/_ec2sim/shares", data=body, headers={"Content-Type": "application/json"},
        method="POST")).read()
    other = boto3.client("ec2", region_name="us-east-1", endpoint_url=url,
                         aws_access_key_id=PARTICIPANT, aws_secret_access_key="testing")
    attach_id = attach(other, tgw)["TransitGatewayAttachmentId"]
    assert server_ec2.accept_transit_gateway_vpc_attachment(
        TransitGatewayAttachmentId=attach_id)["TransitGatewayVpcAttachment"]["State"] == "pending"
    found = other.describe_transit_gateway_vpc_attachments(
        TransitGatewayAttachmentIds=[attach_id])["TransitGatewayVpcAttachments"][0]
    assert found["State"] == "available"


def test_owner_deletes_a_participants_attachment(ec2, shared):
    attach_id = attach(shared["other"], shared["tgw"])["TransitGatewayAttachmentId"]
    ec2.accept_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=attach_id)
    answer = ec2.delete_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=attach_id)
    assert answer["TransitGatewayVpcAttachment"]["State"] == "deleting"
    found = shared["other"].describe_transit_gateway_vpc_attachments(
        TransitGatewayAttachmentIds=[attach_id])["TransitGatewayVpcAttachments"][0]
    assert found["State"] == "deleted"
    # its interface is gone from the participant's subnet
    enis = shared["other"].describe_network_interfaces(Filters=[
        {"Name": "interface-type", "Values": ["transit_gateway"]}])["NetworkInterfaces"]
    assert enis == []


def _accepter_tags(owner, other, tgw: str) -> None:
    """Terraform's VPC attachment accepter: the gateway's owner accepts the participant's
    attachment, then tags it; each account sees only its own side's tags (AWS)."""
    vpc, subnet = vpc_with_subnet(other)
    attach_id = other.create_transit_gateway_vpc_attachment(
        TransitGatewayId=tgw, VpcId=vpc, SubnetIds=[subnet], TagSpecifications=[
            {"ResourceType": "transit-gateway-attachment",
             "Tags": [{"Key": "Name", "Value": "creator"}]}])[
        "TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
    owner.accept_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=attach_id)
    owner.create_tags(Resources=[attach_id], Tags=[{"Key": "key1", "Value": "value1"}])

    def seen(client) -> tuple[list, list]:
        vpc_item = client.describe_transit_gateway_vpc_attachments(
            TransitGatewayAttachmentIds=[attach_id])["TransitGatewayVpcAttachments"][0]
        item = client.describe_transit_gateway_attachments(
            TransitGatewayAttachmentIds=[attach_id])["TransitGatewayAttachments"][0]
        return vpc_item.get("Tags", []), item["Tags"]

    mine = [{"Key": "key1", "Value": "value1"}]
    assert seen(owner) == (mine, mine)
    theirs = [{"Key": "Name", "Value": "creator"}]
    assert seen(other) == (theirs, theirs)
    owner.delete_tags(Resources=[attach_id], Tags=[{"Key": "key1"}])
    assert seen(owner) == ([], []) and seen(other) == (theirs, theirs)


def test_gateway_owner_tags_its_own_side_of_an_attachment(ec2, shared):
    _accepter_tags(ec2, shared["other"], shared["tgw"])
    stranger = client("222233334444")
    attach_id = attach(shared["other"], shared["tgw"])["TransitGatewayAttachmentId"]
    code, _ = fails(stranger.create_tags, Resources=[attach_id],
                    Tags=[{"Key": "k", "Value": "v"}])
    assert code == "InvalidTransitGatewayAttachmentID.NotFound"


def test_server_gateway_owner_tags_its_own_side(server_ec2):
    url = server_ec2.meta.endpoint_url
    tgw = server_ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    body = json.dumps({"ResourceId": tgw, "Principals": [PARTICIPANT]}).encode()
    urllib.request.urlopen(urllib.request.Request(
        f"{url}/_ec2sim/shares", data=body, headers={"Content-Type": "application/json"},
        method="POST")).read()
    other = boto3.client("ec2", region_name="us-east-1", endpoint_url=url,
                         aws_access_key_id=PARTICIPANT, aws_secret_access_key="testing")
    _accepter_tags(server_ec2, other, tgw)


@pytest.mark.parametrize("over_http", [False, True])
def test_peering_accepter_tags_its_own_side(ec2, server_ec2, over_http):
    """Terraform's peering attachment accepter tags the attachment from the accepter's region;
    the requester keeps its own tags."""
    requester = server_ec2 if over_http else ec2
    net = peered(requester, server_ec2.meta.endpoint_url if over_http else None)
    west, attach_id = net["west"], net["attach"]
    requester.create_tags(Resources=[attach_id], Tags=[{"Key": "Side", "Value": "requester"}])
    west.accept_transit_gateway_peering_attachment(TransitGatewayAttachmentId=attach_id)
    west.create_tags(Resources=[attach_id], Tags=[{"Key": "Side", "Value": "accepter"}])

    def tags(client) -> list:
        return client.describe_transit_gateway_peering_attachments(
            TransitGatewayAttachmentIds=[attach_id])["TransitGatewayPeeringAttachments"][0]["Tags"]

    assert tags(west) == [{"Key": "Side", "Value": "accepter"}]
    assert tags(requester) == [{"Key": "Side", "Value": "requester"}]
