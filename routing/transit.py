"""Transit gateways: from a VPC through its attachment, the attachment's associated route
table, the chosen route's attachment, into the next VPC (or VPN, or peered gateway).

AWS's rules (DESIGN §5, the Transit Gateway guide):

* a subnet's traffic enters only through the attachment's interface in the subnet's own
  Availability Zone (`TGW_ATTACH_VPC_AZ_RESTRICTION`), crossing the network ACLs of the two
  subnets when they differ;
* the *association* of the attachment the packet arrived from picks the gateway route table
  (none: `TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION`); propagations and static routes fill
  tables, static beats propagated for the same prefix, the longest prefix wins, a blackhole
  route drops (`TGW_RTB_BAD_STATE_ROUTE`);
* the packet leaves into a VPC through the attachment's subnet in the same zone when it has
  one (else its first subnet) and is routed on by that subnet's table;
* security group references survive the gateway only when it and both attachments enable
  security group referencing;
* IPv6 enters and leaves a VPC only through an attachment with `Ipv6Support` enabled
  (else `BAD_STATE_ATTACHMENT`: the attachment carries no IPv6).

As in `gateways`, leaving into a VPC returns where the packet goes on (`walk.Onward`).
"""
from __future__ import annotations

from topology.connect import tgw_attachments, tgw_route_tables
from topology.connect import transit_gateways as gateways
from topology.core import schema
from topology.network import vpcs

from .packet import address, family, within
from .selection import tgw_route_view, tgw_select
from .transit_extras import learns_over_bgp, policy_route_table, through_connect
from .walk import Onward, Walk, cross

ATTACHMENT = tgw_attachments.KIND
ENABLED = "enable"


def vpc_attachment(w: Walk, tgw: str, vpc: str) -> str | None:
    """The VPC's live attachment to the gateway."""
    nodes = w.world.graph.nodes
    for attach, disc, _ in w.world.into(vpc, schema.ASSOCIATED, ATTACHMENT):
        if disc == "vpc" and tgw_attachments.gateway_of(w.world, attach) == tgw \
                and nodes[attach].get("State") == "available":
            return attach
    return None


def _zone(w: Walk, subnet: str) -> str:
    return str(w.world.graph.nodes[subnet]["AvailabilityZone"])


def _subnet_in(w: Walk, attach: str, zone: str | None) -> str | None:
    """The attachment's subnet in `zone`; any of its subnets when `zone` is None."""
    found = tgw_attachments.subnet_list(w.world, attach)
    for subnet in found:
        if zone is None or _zone(w, subnet) == zone:
            return subnet
    return None


def enter(w: Walk, tgw: str, from_subnet: str | None, vpc: str) -> Onward | None:
    """A route to the transit gateway: through the VPC's attachment in the subnet's zone."""
    attach = vpc_attachment(w, tgw, vpc)
    if attach is None:
        raise w.blocked("BAD_STATE_ATTACHMENT", Component=tgw, TransitGateway=tgw, Vpc=vpc)
    zone = _zone(w, from_subnet) if from_subnet is not None else None
    subnet = _subnet_in(w, attach, zone)
    if subnet is None:
        raise w.blocked("TGW_ATTACH_VPC_AZ_RESTRICTION", Component=attach,
                        TransitGatewayAttachment=attach, TransitGateway=tgw, Subnet=from_subnet,
                        Vpc=vpc, AvailabilityZones=[zone] if zone else None)
    _check_family(w, tgw, attach)
    cross(w, from_subnet, subnet)
    w.add(attach, AttachedTo=w.comp(tgw), Subnet=w.comp(subnet), Vpc=w.comp(vpc))
    return through(w, tgw, attach, _zone(w, subnet))


def _check_family(w: Walk, tgw: str, attach: str) -> None:
    """IPv6 only through an attachment that supports it."""
    options = w.world.graph.nodes[attach].get("Options") or {}
    if family(w.packet.dst) == 6 and options.get("Ipv6Support") != ENABLED:
        raise w.blocked("BAD_STATE_ATTACHMENT", Component=attach,
                        TransitGatewayAttachment=attach, TransitGateway=tgw)


def through(w: Walk, tgw: str, attach: str, zone: str | None) -> Onward | None:
    """Inside the gateway: the arriving attachment's route table picks the next attachment."""
    w.hop()
    w.add(tgw, InboundHeader=w.header(), OutboundHeader=w.header(), TransitGateway=w.comp(tgw))
    w.via.append("transit-gateway")
    if not _keeps_references(w, tgw, attach):
        w.packet.src_eni = None
    if w.wants_gateway(tgw):
        w.reached("transit-gateway", tgw, attachment=attach, zone=zone)
        return None
    rtb = policy_route_table(w, tgw, attach) or \
        tgw_route_tables.associated_table(w.world, attach, tgw)
    if rtb is None:
        raise w.blocked("TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION", Component=attach,
                        TransitGatewayAttachment=attach, TransitGateway=tgw)
    row = tgw_select(w.world, rtb, address(w.packet.dst))
    if row is None:
        code = "TGW_RTB_ROUTES_ARE_UNKNOWN" if learns_over_bgp(w, rtb) else \
            "NO_ROUTE_TO_DESTINATION"
        raise w.blocked(code, Component=rtb, TransitGatewayRouteTable=rtb,
                        TransitGateway=tgw, Address=w.packet.dst)
    view = tgw_route_view(row)
    w.add(rtb, TransitGatewayRouteTableRoute=view, TransitGateway=w.comp(tgw))
    if row["State"] != "active":
        raise w.blocked("TGW_RTB_BAD_STATE_ROUTE", Component=rtb, TransitGatewayRouteTable=rtb,
                        TransitGatewayRouteTableRoute=view, TransitGateway=tgw,
                        State=row["State"], Address=w.packet.dst)
    return leave(w, tgw, view["AttachmentId"], zone)


def leave(w: Walk, tgw: str, attach: str, zone: str | None) -> Onward | None:
    """Out of the gateway through `attach`: into a VPC, a VPN (or a VPN concentrator), or a
    peered gateway."""
    rtype = tgw_route_tables.resource_type(w.world, attach)
    if rtype == "vpc":
        return exit_to_vpc(w, tgw, attach, zone)
    if rtype in tgw_route_tables.PEERING_TYPES:
        peer = tgw_route_tables.resource_id(w.world, attach, tgw)
        if peer is None or w.world.node(peer) is None:
            raise w.blocked("BAD_STATE_ATTACHMENT", Component=attach,
                            TransitGatewayAttachment=attach, TransitGateway=tgw)
        w.add(attach, AttachedTo=w.comp(peer))
        return through(w, peer, attach, zone)
    if rtype == "connect":
        through_connect(w, tgw, attach)
    else:
        w.add(attach, AttachedTo=w.comp(tgw))
    if rtype in ("vpn", "vpn-concentrator", "connect") and w.goal.anywhere:
        w.reached("transit-gateway-attachment", attach, zone=zone)
        return None
    raise w.blocked("NO_ROUTE_TO_DESTINATION", Component=attach, TransitGatewayAttachment=attach,
                    TransitGateway=tgw, Address=w.packet.dst,
                    Destination=w.goal.gateway or w.goal.eni)


def exit_to_vpc(w: Walk, tgw: str, attach: str, zone: str | None) -> Onward:
    """Into the attachment's VPC through its subnet in `zone` (else its first), whose route
    table routes the packet on."""
    vpc = tgw_attachments.vpc_of(w.world, attach)
    subnet = _subnet_in(w, attach, zone) or _subnet_in(w, attach, None)
    if vpc is None or subnet is None or w.world.node(subnet) is None:
        raise w.blocked("BAD_STATE_ATTACHMENT", Component=attach,
                        TransitGatewayAttachment=attach, TransitGateway=tgw)
    _check_family(w, tgw, attach)
    w.add(attach, AttachedTo=w.comp(tgw), Subnet=w.comp(subnet), Vpc=w.comp(vpc))
    return Onward(subnet=subnet)


def ingress(w: Walk, tgw: str) -> Onward:
    """Traffic from the gateway (a path whose source is the gateway) into the VPC attached to
    it that holds the destination."""
    addr = address(w.packet.dst)
    for attach in gateways.live_attachments(w.world, tgw):
        if tgw_route_tables.resource_type(w.world, attach) != "vpc":
            continue
        vpc = tgw_attachments.vpc_of(w.world, attach)
        if vpc is not None and any(within(addr, str(net)) for net in vpcs.blocks(
                w.world, vpc, version=family(w.packet.dst))):
            w.add(tgw, InboundHeader=w.header(), OutboundHeader=w.header(),
                  TransitGateway=w.comp(tgw))
            return exit_to_vpc(w, tgw, attach, _goal_zone(w))
    raise w.blocked("NO_ROUTE_TO_DESTINATION", Component=tgw, TransitGateway=tgw,
                    Address=w.packet.dst)


def _goal_zone(w: Walk) -> str | None:
    if w.goal.eni is None or w.world.node(w.goal.eni) is None:
        return None
    zone: str | None = w.world.graph.nodes[w.goal.eni].get("AvailabilityZone")
    return zone


def _keeps_references(w: Walk, tgw: str, attach: str) -> bool:
    options = w.world.graph.nodes[tgw].get("Options") or {}
    mine = w.world.graph.nodes[attach].get("Options") or {}
    return options.get("SecurityGroupReferencingSupport") == ENABLED and \
        mine.get("SecurityGroupReferencingSupport", ENABLED) == ENABLED
