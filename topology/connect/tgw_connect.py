"""Transit gateway Connect attachments and Connect peers (GRE tunnels with BGP).

A Connect attachment is a `transit-gateway-attachment` (`ResourceType` `connect`) that rides a
*transport* attachment (a VPC attachment of the same gateway): `connect -[ATTACHED]->
transport`; its `ResourceId` is the transport's id, as AWS reports it. A Connect peer is a
`transit-gateway-connect-peer` node `peer -[ATTACHED]-> connect` holding its GRE and BGP
configuration: the gateway's GRE address (from the gateway's CIDR blocks), the appliance's
address, and the inside CIDR blocks (an IPv4 /29 from 169.254.0.0/16, optionally an IPv6
/125 from fd00::/8) whose second and third addresses are the gateway's BGP peers and first
the appliance's.

AWS's rules kept here: the transport is an available VPC attachment of the caller; at most
four peers per Connect attachment; the IPv4 inside block avoids AWS's reserved /29s and the
blocks of the gateway's other peers; a gateway without CIDR blocks has no GRE address to
offer; a Connect attachment with peers, or a transport with Connect attachments, cannot be
deleted.
"""
from __future__ import annotations

from typing import Any

from netaddr import AddrFormatError, IPAddress, IPNetwork

from ..core import schema
from ..core import tags as tagging
from ..core.clock import now
from ..core.errors import IncorrectState, InvalidParameterValue, LimitExceeded
from ..core.family import Action, Family, declare, declare_actions, removed
from ..core.filters import Filter, FilterTable, field, ident
from ..core.world import Partition, World
from . import transit_gateways as gateways
from .tgw_attachments import (GONE, KIND, RESOURCE_INDEX, TYPE_FILTER, add_node, by_type,
                              default_routing, gateway_of, get, on_gateway, retire, tag_list)

PEER = "transit-gateway-connect-peer"
CONNECT_LABEL = "Transit Gateway Connect Attachment"
MAX_PEERS = 4
INSIDE_V4 = IPNetwork("169.254.0.0/16")
INSIDE_V6 = IPNetwork("fd00::/8")
RESERVED_V4 = {IPNetwork(c) for c in ("169.254.0.0/29", "169.254.1.0/29", "169.254.2.0/29",
                                      "169.254.3.0/29", "169.254.4.0/29", "169.254.5.0/29",
                                      "169.254.169.248/29")}
PEER_ASN_MAX = 4294967294


# -- Connect attachments ------------------------------------------------------------------------
def transport_of(world: World, attach_id: str) -> str | None:
    found = world.out(attach_id, schema.ATTACHED, KIND)
    return found[0][0] if found else None


def connects_on(world: World, transport_id: str) -> list[str]:
    """The live Connect attachments riding a transport attachment."""
    nodes = world.graph.nodes
    return [a for a, _, _ in world.into(transport_id, schema.ATTACHED, KIND)
            if nodes[a].get("ResourceType") == "connect" and nodes[a]["State"] not in GONE]


def create_connect(world: World, part: Partition, transport_attach_id: str,
                   options: dict[str, Any], *, tags: dict[str, str] | None = None) -> str:
    """A Connect attachment over the caller's available VPC attachment."""
    transport = get(world, part, transport_attach_id)
    if transport["account"] != part.account or transport.get("ResourceType") != "vpc":
        raise InvalidParameterValue(
            f"Transport attachment {transport_attach_id} must be a VPC or Direct Connect "
            "gateway attachment.")
    if transport["State"] != "available":
        raise IncorrectState(f"{transport_attach_id} is in invalid state", "IncorrectState")
    tgw_id = gateway_of(world, transport_attach_id)
    assert tgw_id is not None
    attach_id = add_node(world, part, tgw_id, "connect", state="available", tags=tags,
                         ResourceId=transport_attach_id,
                         Options={"Protocol": options.get("Protocol", "gre")})
    world.link(attach_id, transport_attach_id, schema.ATTACHED)
    world.claim(part, RESOURCE_INDEX, transport_attach_id, attach_id)
    default_routing(world, part, tgw_id, attach_id)
    return attach_id


def live_peers(world: World, attach_id: str) -> list[str]:
    return [p for p, _, _ in world.into(attach_id, schema.ATTACHED, PEER)]


def delete_connect(world: World, part: Partition, attach_id: str) -> None:
    get(world, part, attach_id, rtype="connect", label=CONNECT_LABEL)
    peers = live_peers(world, attach_id)
    if peers:
        raise IncorrectState(
            f"{attach_id} has non-deleted Transit Gateway Connect Peers: {', '.join(peers)}.",
            "IncorrectState")
    retire(world, part, attach_id)


def check_transport_free(world: World, transport_id: str) -> None:
    """A VPC attachment carrying Connect attachments cannot be deleted (AWS: IncorrectState)."""
    riding = connects_on(world, transport_id)
    if riding:
        raise IncorrectState(
            f"{transport_id} has non-deleted Transit Gateway Connect Attachments: "
            f"{', '.join(riding)}.", "IncorrectState")


def connect_view(world: World, attach_id: str) -> dict[str, Any]:
    """boto3's `TransitGatewayConnect`."""
    node = world.graph.nodes[attach_id]
    out: dict[str, Any] = {"TransitGatewayAttachmentId": attach_id}
    transport = transport_of(world, attach_id) or node.get("ResourceId")
    if transport is not None:
        out["TransportTransitGatewayAttachmentId"] = transport
    tgw = gateway_of(world, attach_id)
    if tgw is not None:
        out["TransitGatewayId"] = tgw
    out.update(State=node["State"], CreationTime=node["CreationTime"],
               Options=dict(node["Options"]), Tags=tag_list(node))
    return out


CONNECT_FILTERS: FilterTable = {
    "options.protocol": Filter(lambda w, rid, n: (n.get("Options") or {}).get("Protocol")),
    "state": field("State"),
    "transit-gateway-attachment-id": ident(),
    "transit-gateway-id": Filter(lambda w, rid, n: gateway_of(w, rid), on_gateway, exact=True),
    "transport-transit-gateway-attachment-id": Filter(
        lambda w, rid, n: transport_of(w, rid) or n.get("ResourceId")),
    TYPE_FILTER: by_type(),
}


# -- Connect peers --------------------------------------------------------------------------------
def _address(text: str | None, param: str) -> IPAddress:
    try:
        if not text:
            raise AddrFormatError(text)
        return IPAddress(text, flags=0)
    except (AddrFormatError, ValueError, TypeError):
        raise InvalidParameterValue(f"Value ({text}) for parameter {param} is invalid. "
                                    "It is not a valid IP address.")


def _inside_blocks(world: World, tgw_id: str, blocks: list[str]) -> list[IPNetwork]:
    """One IPv4 /29 of 169.254.0.0/16 (not reserved), at most one IPv6 /125 of fd00::/8,
    none used by another peer of the gateway."""
    nets: list[IPNetwork] = []
    for text in blocks:
        try:
            net = IPNetwork(text)
        except (AddrFormatError, ValueError, TypeError):
            raise InvalidParameterValue(f"Value ({text}) for parameter insideCidrBlocks is "
                                        "invalid. This is not a valid CIDR block.")
        if net.version == 4 and (net.prefixlen != 29 or net not in INSIDE_V4
                                 or net.cidr in RESERVED_V4):
            raise InvalidParameterValue(
                f"The inside CIDR block {text} is invalid. An IPv4 inside CIDR block must be a "
                "/29 from the 169.254.0.0/16 range, other than the reserved blocks.")
        if net.version == 6 and (net.prefixlen != 125 or net not in INSIDE_V6):
            raise InvalidParameterValue(
                f"The inside CIDR block {text} is invalid. An IPv6 inside CIDR block must be a "
                "/125 from the fd00::/8 range.")
        nets.append(net.cidr)
    versions = [n.version for n in nets]
    if versions.count(4) != 1 or versions.count(6) > 1:
        raise InvalidParameterValue(
            "A Connect peer needs exactly one IPv4 inside CIDR block and at most one IPv6 "
            "inside CIDR block.")
    used = {IPNetwork(c) for p in peers_of_gateway(world, tgw_id)
            for c in world.graph.nodes[p]["InsideCidrBlocks"]}
    for net in nets:
        if any(net.version == u.version and (net in u or u in net) for u in used):
            raise InvalidParameterValue(
                f"The inside CIDR block {net} is already used by another Connect peer of "
                f"transit gateway {tgw_id}.")
    return nets


def peers_of_gateway(world: World, tgw_id: str) -> list[str]:
    nodes = world.graph.nodes
    return [p for a in gateways.attachments(world, tgw_id)
            if nodes[a].get("ResourceType") == "connect" for p in live_peers(world, a)]


def _gateway_address(world: World, tgw_id: str, given: str | None, version: int) -> str:
    """The gateway's GRE address: the one given (inside its CIDR blocks, unused), else the
    first free address of its first block of the peer's IP version."""
    blocks = [IPNetwork(b) for b in gateways.options(world, tgw_id).get(
        "TransitGatewayCidrBlocks", [])]
    taken = {world.graph.nodes[p]["TransitGatewayAddress"] for p in peers_of_gateway(world, tgw_id)}
    if given is not None:
        addr = _address(given, "transitGatewayAddress")
        if not any(addr in b for b in blocks):
            raise InvalidParameterValue(
                f"The transit gateway address {given} is not within a CIDR block of transit "
                f"gateway {tgw_id}.")
        if str(addr) in taken:
            raise InvalidParameterValue(
                f"The transit gateway address {given} is already in use.")
        return str(addr)
    for block in blocks:
        if block.version == version:
            for index in range(1 if block.size > 1 else 0, block.size):  # skips the network
                if str(block[index]) not in taken:
                    return str(block[index])
    raise InvalidParameterValue(
        f"Transit gateway {tgw_id} has no CIDR block to assign a transit gateway address from.")


def create_connect_peer(world: World, part: Partition, transit_gateway_attachment_id: str,
                        peer_address: str, inside_cidr_blocks: list[str], *,
                        transit_gateway_address: str | None = None,
                        bgp_options: dict[str, Any] | None = None,
                        tags: dict[str, str] | None = None) -> str:
    """A Connect peer on the caller's available Connect attachment."""
    attach_id = transit_gateway_attachment_id
    node = get(world, part, attach_id, rtype="connect", label=CONNECT_LABEL)
    if node["State"] != "available":
        raise IncorrectState(f"{attach_id} is in invalid state", "IncorrectState")
    if len(live_peers(world, attach_id)) >= MAX_PEERS:
        raise LimitExceeded(f"The maximum number of Connect peers ({MAX_PEERS}) for "
                            f"{attach_id} has been reached.",
                            "TransitGatewayConnectPeerLimitExceeded")
    tgw_id = gateway_of(world, attach_id)
    assert tgw_id is not None
    peer = _address(peer_address, "peerAddress")
    nets = _inside_blocks(world, tgw_id, list(inside_cidr_blocks or []))
    asn = (bgp_options or {}).get("PeerAsn")
    tgw_asn = gateways.options(world, tgw_id)["AmazonSideAsn"]
    if asn is not None and not 1 <= int(asn) <= PEER_ASN_MAX:
        raise InvalidParameterValue(f"Value ({asn}) for parameter peerAsn is invalid.")
    address = _gateway_address(world, tgw_id, transit_gateway_address, peer.version)
    peer_id = world.new_id("tgw-connect-peer")
    world.add(part, PEER, peer_id, State="available", CreationTime=now(),
              TransitGatewayAddress=address, PeerAddress=str(peer),
              InsideCidrBlocks=[str(n) for n in nets],
              PeerAsn=int(asn) if asn is not None else int(tgw_asn))
    world.link(peer_id, attach_id, schema.ATTACHED)
    tagging.apply(world, peer_id, tags or {})
    return peer_id


def delete_connect_peer(world: World, part: Partition, peer_id: str) -> dict[str, Any]:
    world.get(part, PEER, peer_id)
    return removed(world, peer_id, peer_view, "deleting")


def bgp_configurations(world: World, peer_id: str) -> list[dict[str, Any]]:
    """The two BGP sessions AWS runs per peer: the gateway's second and third inside
    addresses, the appliance's first."""
    node = world.graph.nodes[peer_id]
    attach = connect_of(world, peer_id)
    tgw = gateway_of(world, attach) if attach else None
    tgw_asn = gateways.options(world, tgw)["AmazonSideAsn"] if tgw else node["PeerAsn"]
    sessions = []
    for block in node["InsideCidrBlocks"]:
        net = IPNetwork(block)
        for index in (2, 3):
            sessions.append({"TransitGatewayAsn": int(tgw_asn), "PeerAsn": node["PeerAsn"],
                             "TransitGatewayAddress": str(net[index]),
                             "PeerAddress": str(net[1]), "BgpStatus": "down"})
    return sessions


def connect_of(world: World, peer_id: str) -> str | None:
    found = world.out(peer_id, schema.ATTACHED, KIND)
    return found[0][0] if found else None


def peer_view(world: World, peer_id: str) -> dict[str, Any]:
    """boto3's `TransitGatewayConnectPeer`."""
    node = world.graph.nodes[peer_id]
    out: dict[str, Any] = {}
    attach = connect_of(world, peer_id)
    if attach is not None:
        out["TransitGatewayAttachmentId"] = attach
    out.update(TransitGatewayConnectPeerId=peer_id, State=node["State"],
               CreationTime=node["CreationTime"])
    out["ConnectPeerConfiguration"] = {
        "TransitGatewayAddress": node["TransitGatewayAddress"],
        "PeerAddress": node["PeerAddress"],
        "InsideCidrBlocks": list(node["InsideCidrBlocks"]),
        "Protocol": "gre",
        "BgpConfigurations": bgp_configurations(world, peer_id)}
    out["Tags"] = tagging.listed(node["tags"])
    return out


PEER_FILTERS: FilterTable = {
    "state": field("State"),
    "transit-gateway-attachment-id": Filter(lambda w, rid, n: connect_of(w, rid)),
    "transit-gateway-connect-peer-id": ident(),
}

_ARGS = {"transport_attach_id": "TransportTransitGatewayAttachmentId",
         "attach_id": "TransitGatewayAttachmentId"}
declare_actions(KIND, {
    "CreateTransitGatewayConnect": Action(create_connect, state="pending", view=connect_view,
                                          arguments=_ARGS),
    "DeleteTransitGatewayConnect": Action(delete_connect, state="deleting", view=connect_view,
                                          arguments=_ARGS)})
FAMILY = declare(Family(
    PEER, view=peer_view, filters=PEER_FILTERS, create=create_connect_peer,
    created_view=lambda world, rid: {**peer_view(world, rid), "State": "pending"},
    delete=delete_connect_peer, max_results=(5, 1000)))
