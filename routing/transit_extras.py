"""What a transit gateway decides beyond its route tables (issue 14): the policy table that
picks the route table for an attachment's packets, the routes a table learns over BGP that
no one can know, and the Connect attachment a packet leaves through to its appliance.

`transit` calls these; they return what it needs, or raise the walk's `Blocked` with AWS's
explanation codes.
"""
from __future__ import annotations

from topology.connect import tgw_connect, tgw_policy_tables
from topology.core import schema

from .packet import address
from .walk import Walk

ATTACHMENT = "transit-gateway-attachment"


def _first(ports: tuple[tuple[int, int], ...]) -> int | None:
    return ports[0][0] if ports else None


def policy_route_table(w: Walk, tgw: str, attach: str) -> str | None:
    """The route table a policy table associated with the arriving attachment chooses for
    the packet (None: no policy table; the association decides). No entry matching: the
    packet is dropped at the policy table."""
    ptb = tgw_policy_tables.policy_table_of(w.world, attach)
    if ptb is None or tgw_policy_tables.gateway_of(w.world, ptb) != tgw:
        return None
    packet = w.packet
    row = tgw_policy_tables.matching_entry(
        w.world, ptb, address(packet.src), address(packet.dst), packet.protocol,
        _first(packet.src_ports) if packet.ported else None,
        _first(packet.dst_ports) if packet.ported else None)
    if row is None:
        raise w.blocked("NO_ROUTE_TO_DESTINATION", Component=ptb, TransitGateway=tgw,
                        TransitGatewayAttachment=attach, Address=packet.dst)
    w.add(ptb, TransitGateway=w.comp(tgw))
    return str(row["TargetRouteTableId"])


def learns_over_bgp(w: Walk, rtb: str) -> bool:
    """Whether the table learns routes from a Connect attachment (its peers' BGP sessions
    advertise what the appliance knows, which the simulator cannot)."""
    nodes = w.world.graph.nodes
    return any(nodes[a].get("ResourceType") == "connect"
               for a, _, _ in w.world.out(rtb, schema.PROPAGATES, ATTACHMENT))


def through_connect(w: Walk, tgw: str, attach: str) -> None:
    """Leaving through a Connect attachment: GRE to a Connect peer over the transport
    attachment. Needs a peer and an available transport."""
    peers = tgw_connect.live_peers(w.world, attach)
    transport = tgw_connect.transport_of(w.world, attach)
    w.add(attach, AttachedTo=w.comp(tgw))
    if not peers:
        raise w.blocked("BAD_STATE_ATTACHMENT", Component=attach,
                        TransitGatewayAttachment=attach, TransitGateway=tgw)
    if transport is None or w.world.graph.nodes[transport].get("State") != "available":
        raise w.blocked("BAD_STATE_ATTACHMENT", Component=transport or attach,
                        TransitGatewayAttachment=transport or attach, TransitGateway=tgw)
    w.add(transport, AttachedTo=w.comp(tgw))
