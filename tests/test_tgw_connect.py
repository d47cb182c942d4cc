"""Transit gateway Connect attachments and Connect peers through boto3, in-process and
against the server: states, GRE and BGP configuration, AWS's limits and errors."""
from __future__ import annotations

import pytest

from helpers import fails

MISSING_ATTACH = "tgw-attach-0123456789abcdef0"


def hub(ec2, **options) -> dict:
    """A gateway (with a CIDR block unless told) and a VPC attachment to carry Connect."""
    opts = {"TransitGatewayCidrBlocks": ["192.0.2.0/24"], **options}
    tgw = ec2.create_transit_gateway(Options=opts)["TransitGateway"]
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    transport = ec2.create_transit_gateway_vpc_attachment(
        TransitGatewayId=tgw["TransitGatewayId"], VpcId=vpc, SubnetIds=[subnet])[
        "TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
    return {"tgw": tgw["TransitGatewayId"], "transport": transport,
            "rtb": tgw["Options"]["AssociationDefaultRouteTableId"]}


def connect(ec2, transport: str, **extra) -> dict:
    return ec2.create_transit_gateway_connect(
        TransportTransitGatewayAttachmentId=transport, Options={"Protocol": "gre"},
        **extra)["TransitGatewayConnect"]


def peer(ec2, attach: str, inside: str = "169.254.6.0/29", **extra) -> dict:
    return ec2.create_transit_gateway_connect_peer(
        TransitGatewayAttachmentId=attach, PeerAddress="10.0.1.10", InsideCidrBlocks=[inside],
        **extra)["TransitGatewayConnectPeer"]


@pytest.fixture
def net(ec2) -> dict:
    return hub(ec2)


def test_create_connect_pending_then_available_on_its_transport(ec2, net):
    made = connect(ec2, net["transport"], TagSpecifications=[{
        "ResourceType": "transit-gateway-attachment", "Tags": [{"Key": "Name", "Value": "sdwan"}]}])
    attach = made["TransitGatewayAttachmentId"]
    assert (made["State"], made["TransportTransitGatewayAttachmentId"], made["TransitGatewayId"],
            made["Options"]) == ("pending", net["transport"], net["tgw"], {"Protocol": "gre"})
    found = ec2.describe_transit_gateway_connects(TransitGatewayAttachmentIds=[attach])[
        "TransitGatewayConnects"][0]
    assert found["State"] == "available"
    assert found["Tags"] == [{"Key": "Name", "Value": "sdwan"}]
    generic = ec2.describe_transit_gateway_attachments(TransitGatewayAttachmentIds=[attach])[
        "TransitGatewayAttachments"][0]
    assert (generic["ResourceType"], generic["ResourceId"]) == ("connect", net["transport"])
    assert generic["Association"]["TransitGatewayRouteTableId"] == net["rtb"]   # default table
    by_transport = ec2.describe_transit_gateway_connects(Filters=[
        {"Name": "transport-transit-gateway-attachment-id", "Values": [net["transport"]]},
        {"Name": "options.protocol", "Values": ["gre"]}])["TransitGatewayConnects"]
    assert [c["TransitGatewayAttachmentId"] for c in by_transport] == [attach]
    # a VPC attachment is no Connect attachment
    code, _ = fails(ec2.describe_transit_gateway_connects,
                    TransitGatewayAttachmentIds=[net["transport"]])
    assert code == "InvalidTransitGatewayAttachmentID.NotFound"


def test_create_connect_refuses_bad_transports(ec2, net):
    attach = connect(ec2, net["transport"])["TransitGatewayAttachmentId"]
    code, _ = fails(connect, ec2, attach)                 # a Connect attachment cannot carry one
    assert code == "InvalidParameterValue"
    code, message = fails(connect, ec2, MISSING_ATTACH)
    assert (code, MISSING_ATTACH in message) == ("InvalidTransitGatewayAttachmentID.NotFound", True)
    code, _ = fails(connect, ec2, "tgw-attach-nope")
    assert code == "InvalidTransitGatewayAttachmentID.Malformed"
    code, _ = fails(connect, ec2, net["transport"], DryRun=True)
    assert code == "DryRunOperation"
    assert len(ec2.describe_transit_gateway_connects()["TransitGatewayConnects"]) == 1


def test_connect_peer_gre_and_bgp_configuration(ec2, net):
    attach = connect(ec2, net["transport"])["TransitGatewayAttachmentId"]
    made = peer(ec2, attach, BgpOptions={"PeerAsn": 65010})
    assert made["State"] == "pending"
    config = made["ConnectPeerConfiguration"]
    assert (config["TransitGatewayAddress"], config["PeerAddress"], config["InsideCidrBlocks"],
            config["Protocol"]) == ("192.0.2.1", "10.0.1.10", ["169.254.6.0/29"], "gre")
    assert config["BgpConfigurations"] == [
        {"TransitGatewayAsn": 64512, "PeerAsn": 65010, "TransitGatewayAddress": address,
         "PeerAddress": "169.254.6.1", "BgpStatus": "down"}
        for address in ("169.254.6.2", "169.254.6.3")]
    second = peer(ec2, attach, "169.254.7.0/29")
    second_config = second["ConnectPeerConfiguration"]
    assert second_config["TransitGatewayAddress"] == "192.0.2.2"          # the next free one
    assert second_config["BgpConfigurations"][0]["PeerAsn"] == 64512     # the gateway's ASN
    found = ec2.describe_transit_gateway_connect_peers(Filters=[
        {"Name": "transit-gateway-attachment-id", "Values": [attach]},
        {"Name": "state", "Values": ["available"]}])["TransitGatewayConnectPeers"]
    assert [p["TransitGatewayConnectPeerId"] for p in found] == [
        made["TransitGatewayConnectPeerId"], second["TransitGatewayConnectPeerId"]]


@pytest.mark.parametrize("inside", ["169.254.6.0/28", "169.254.1.0/29", "10.0.0.0/29",
                                    "fd00::/64", "not-a-cidr"])
def test_connect_peer_refuses_bad_inside_blocks(ec2, net, inside):
    attach = connect(ec2, net["transport"])["TransitGatewayAttachmentId"]
    code, _ = fails(peer, ec2, attach, inside)
    assert code == "InvalidParameterValue"
    assert ec2.describe_transit_gateway_connect_peers()["TransitGatewayConnectPeers"] == []


def test_connect_peer_rules(ec2, net):
    attach = connect(ec2, net["transport"])["TransitGatewayAttachmentId"]
    peer(ec2, attach)
    code, message = fails(peer, ec2, attach)                  # inside block already used
    assert code == "InvalidParameterValue" and "169.254.6.0/29" in message
    code, _ = fails(peer, ec2, attach, "169.254.8.0/29", TransitGatewayAddress="198.51.100.1")
    assert code == "InvalidParameterValue"                    # not in the gateway's blocks
    for n in range(3):
        peer(ec2, attach, f"169.254.{10 + n}.0/29")
    code, _ = fails(peer, ec2, attach, "169.254.20.0/29")     # four a Connect attachment
    assert code == "TransitGatewayConnectPeerLimitExceeded"
    code, _ = fails(peer, ec2, net["transport"])              # not a Connect attachment
    assert code == "InvalidTransitGatewayAttachmentID.NotFound"


def test_connect_peer_needs_a_gateway_cidr_block(ec2):
    bare = hub(ec2, TransitGatewayCidrBlocks=[])
    attach = connect(ec2, bare["transport"])["TransitGatewayAttachmentId"]
    code, message = fails(peer, ec2, attach)
    assert code == "InvalidParameterValue" and bare["tgw"] in message


def test_deletes_follow_dependencies(ec2, net):
    attach = connect(ec2, net["transport"])["TransitGatewayAttachmentId"]
    peer_id = peer(ec2, attach)["TransitGatewayConnectPeerId"]
    code, message = fails(ec2.delete_transit_gateway_connect, TransitGatewayAttachmentId=attach)
    assert code == "IncorrectState" and peer_id in message
    code, message = fails(ec2.delete_transit_gateway_vpc_attachment,
                          TransitGatewayAttachmentId=net["transport"])
    assert code == "IncorrectState" and attach in message
    answer = ec2.delete_transit_gateway_connect_peer(TransitGatewayConnectPeerId=peer_id)
    assert answer["TransitGatewayConnectPeer"]["State"] == "deleting"
    code, _ = fails(ec2.describe_transit_gateway_connect_peers,
                    TransitGatewayConnectPeerIds=[peer_id])
    assert code == "InvalidTransitGatewayConnectPeerID.NotFound"
    answer = ec2.delete_transit_gateway_connect(TransitGatewayAttachmentId=attach)
    assert answer["TransitGatewayConnect"]["State"] == "deleting"
    found = ec2.describe_transit_gateway_connects(TransitGatewayAttachmentIds=[attach])[
        "TransitGatewayConnects"][0]
    assert found["State"] == "deleted"
    ec2.delete_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=net["transport"])


@pytest.mark.server
def test_server_connect_and_peer(server_ec2):
    net = hub(server_ec2)
    attach = connect(server_ec2, net["transport"])["TransitGatewayAttachmentId"]
    made = peer(server_ec2, attach)
    assert made["ConnectPeerConfiguration"]["BgpConfigurations"][0]["BgpStatus"] == "down"
    code, _ = fails(server_ec2.delete_transit_gateway_connect, TransitGatewayAttachmentId=attach)
    assert code == "IncorrectState"
    found = server_ec2.describe_transit_gateway_connects(TransitGatewayAttachmentIds=[attach])
    assert found["TransitGatewayConnects"][0]["State"] == "available"
