"""What the VPC's gateways do to a packet: NAT gateways, internet gateways (both ways),
virtual private gateways, peering connections and VPC endpoints (DESIGN §5).

* NAT gateway: outbound only. It translates the source to its own private address (the
  internet gateway then maps that to its Elastic IP) and routes on with its own subnet's
  table; it does not serve traffic that arrived over a peering connection or a VPN, and only
  replies come back in through it (`nat_arrival`, from the walk's `conntrack`). IPv6 packets
  it takes only for NAT64's well-known prefix 64:ff9b::/96: the IPv4 address embedded in the
  destination becomes the destination, and the reply's source is embedded back.
* Internet gateway: out, the source must be a private address with a public IPv4 mapped to
  it (an Elastic IP or an automatic public address), which becomes the source; in, the
  destination must be such a public address, which becomes the private one, and the
  gateway's edge route table (if any) routes it. IPv6 is not translated: a global IPv6
  address of an interface is its public address both ways (a unique-local one never is).
* Egress-only internet gateway (IPv6 only): out like an internet gateway; in, only the
  replies of connections that went out through it (stateful, like a NAT gateway).
* Virtual private gateway: out to the VPN (the walk ends there); in through its edge table.
* Peering connection: active only (a route to any other reads blackhole), not transitive and
  no edge-to-edge: source and destination must lie in the two VPCs' blocks; no route table is
  consulted on arrival.
* Gateway endpoint: reached through its prefix-list route, TCP only, from sources in the VPC.
  A Gateway Load Balancer endpoint forwards the packet on, by its subnet's routes.

A function that passes the packet on into a VPC returns where it goes (`walk.Onward`) and
`forwarding` carries that out; None means the walk ended (or it raised `Blocked`).
"""
from __future__ import annotations

from typing import Any

from topology.connect import endpoint_views
from topology.connect import peering as peerings
from topology.core import schema
from topology.network import (egress_gateways, internet_gateways, nat_gateways, vpc_blocks,
                              vpn_gateways)

from .components import interface_holding, kind_of, public_holder, public_of, subnet_of, vpc_of
from .packet import address, family, text_of, within
from .public_access import check_egress, check_ingress
from .selection import gateway_table
from .walk import Onward, Walk, cross

PRIVATE = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")       # RFC 1918
SHARED = ("100.64.0.0/10",)                                        # RFC 6598
UNIQUE_LOCAL = ("fc00::/7",)                                       # RFC 4193
NAT64, NAT64_BASE = "64:ff9b::/96", "64:ff9b::"                    # RFC 6052
# target kind -> the Explanation member naming it (a route to it reads blackhole)
TARGET_MEMBER = {"internet-gateway": "InternetGateway", "nat-gateway": "NatGateway",
                 "vpn-gateway": "VpnGateway", "vpc-peering-connection": "VpcPeeringConnection",
                 "transit-gateway": "TransitGateway", "network-interface": "NetworkInterface",
                 "vpc-endpoint": "VpcEndpoint", "egress-only-internet-gateway": "Component"}


def bad_target(w: Walk, target: str) -> dict[str, Any]:
    """The Explanation member naming a route's target (for a blackhole route)."""
    member = TARGET_MEMBER.get(kind_of(w.world, target) or "")
    return {member: w.comp(target)} if member else {}


def in_vpc(w: Walk, vpc: str, ip: str) -> bool:
    """Whether `ip` lies in one of the VPC's blocks of its family."""
    addr = address(ip)
    return any(within(addr, str(block))
               for block in vpc_blocks.blocks(w.world, vpc, version=family(ip)))


def vpc_cidrs(w: Walk, vpc: str, ip: str) -> list[str]:
    return [str(b) for b in vpc_blocks.blocks(w.world, vpc, version=family(ip))]


def _in_ranges(ip: str, ranges: tuple[str, ...]) -> bool:
    addr = address(ip)
    return any(within(addr, cidr) for cidr in ranges)


def enter_vpc(w: Walk, gateway: str, vpc: str) -> Onward:
    """Traffic arriving through an internet or virtual private gateway: its edge route table
    if it has one (middlebox insertion), else straight to the destination."""
    rtb = gateway_table(w.world, gateway)
    return Onward(vpc, table=rtb) if rtb is not None else Onward(vpc)


# -- NAT gateways ------------------------------------------------------------------------------
def nat(w: Walk, nat_id: str, from_subnet: str | None, vpc: str) -> Onward:
    """A route to a NAT gateway: translate the source, route on from the gateway's subnet."""
    node = w.world.graph.nodes[nat_id]
    if node.get("State") != nat_gateways.LIVE:
        raise w.blocked("BAD_STATE", Component=nat_id, NatGateway=nat_id, State=node.get("State"))
    if not w.reply and ("vpc-peering-connection" in w.via or "vpn-gateway" in w.via):
        raise w.blocked("NGW_REQUIRES_SOURCE_IN_VPC", Component=nat_id, NatGateway=nat_id,
                        Address=w.packet.src, Vpc=vpc)
    eni = nat_gateways.interface_of(w.world, nat_id)
    if eni is None:
        raise w.blocked("BAD_STATE", Component=nat_id, NatGateway=nat_id)
    subnet = nat_gateways.subnet_of(w.world, nat_id)
    if family(w.packet.dst) == 6 and not within(address(w.packet.dst), NAT64):
        raise w.blocked("NO_ROUTE_TO_DESTINATION", Component=nat_id, NatGateway=nat_id,
                        Address=w.packet.dst, Vpc=vpc)
    cross(w, from_subnet, subnet)
    before = w.header()
    w.conntrack[nat_id] = w.packet.src
    if family(w.packet.dst) == 6:
        w.packet.dst = text_of(address(w.packet.dst) - address(NAT64_BASE))
    w.packet.src = w.world.graph.nodes[eni]["ips"][0]
    w.packet.src_eni = None                # the reply will not know the sender's groups
    w.add(nat_id, InboundHeader=before, OutboundHeader=w.header(), Subnet=w.comp(subnet),
          Vpc=w.comp(vpc))
    w.via.append("nat-gateway")
    return Onward(subnet=subnet)


def nat_arrival(w: Walk, nat_id: str, eni: str) -> Onward:
    """A packet for the NAT gateway's own address: a reply it translates back, else dropped
    (a NAT gateway accepts no connection from outside)."""
    original = w.conntrack.get(nat_id) if w.reply else None
    if original is None:
        raise w.blocked("NO_POSSIBLE_DESTINATION", Component=nat_id, NatGateway=nat_id,
                        Address=w.packet.dst)
    subnet = nat_gateways.subnet_of(w.world, nat_id)
    before = w.header()
    if family(original) == 6 and family(w.packet.src) == 4:    # NAT64: embed the source back
        w.packet.src = text_of(address(NAT64_BASE) + address(w.packet.src))
    w.packet.dst = original
    w.add(nat_id, InboundHeader=before, OutboundHeader=w.header(), Subnet=w.comp(subnet),
          Vpc=w.comp(nat_gateways.vpc_of(w.world, nat_id)))
    return Onward(subnet=subnet)


# -- internet gateways -------------------------------------------------------------------------
def igw_egress(w: Walk, igw: str, from_subnet: str | None, vpc: str) -> Onward | None:
    """Out to the internet: the private source must have a public address (a public IPv4,
    which replaces it; a global IPv6 address is one itself)."""
    src = w.packet.src
    common = {"Component": igw, "InternetGateway": igw, "Vpc": vpc}
    _check_internet_destination(w, vpc, common)
    check_egress(w, igw, from_subnet, vpc)
    holder = interface_holding(w.world, vpc, src)
    public = public_of(w.world, holder, src) if holder is not None else None
    if public is None:
        raise w.blocked("IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS", Address=src,
                        NetworkInterface=holder, **common)
    cross(w, from_subnet, None)
    before = w.header()
    w.packet.src, w.packet.src_eni = public, None
    w.add(igw, InboundHeader=before, OutboundHeader=w.header(), Vpc=w.comp(vpc))
    w.via.append("internet-gateway")
    return internet(w, igw)


def _check_internet_destination(w: Walk, vpc: str, common: dict[str, Any]) -> None:
    """What an internet gateway refuses to send out: addresses of the VPC, private ones."""
    dst = w.packet.dst
    if in_vpc(w, vpc, dst):
        raise w.blocked("IGW_DESTINATION_ADDRESS_IN_VPC_CIDRS", Address=dst, **common)
    if _in_ranges(dst, PRIVATE + UNIQUE_LOCAL):
        raise w.blocked("IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS", Address=dst, **common)
    if _in_ranges(dst, SHARED):
        raise w.blocked("IGW_DESTINATION_ADDRESS_NOT_IN_RFC6598_EGRESS", Address=dst, **common)


def internet(w: Walk, igw: str, kind: str = "internet-gateway") -> Onward | None:
    """On the internet (left through `igw`, of `kind`): the goal, or a public address some
    VPC's internet gateway maps (a reply also comes in through an egress-only one)."""
    if w.wants_gateway(igw):
        w.reached(kind, igw)
        return None
    holder = public_holder(w.world, w.packet.dst)
    if holder is not None:
        vpc = vpc_of(w.world, holder[0])
        gateways = internet_gateways_of(w, vpc)
        if gateways:
            w.hop()
            return igw_ingress(w, gateways[0])
        egress_only = egress_gateways.egress_only_of(w.world, vpc)
        if egress_only and w.reply:
            w.hop()
            return eigw_ingress(w, egress_only[0])
    if w.goal.anywhere and holder is None:
        w.reached(kind, igw)
        return None
    named = {"InternetGateway": igw} if kind == "internet-gateway" else {}
    raise w.blocked("NO_ROUTE_TO_DESTINATION", Component=igw, Address=w.packet.dst,
                    Destination=w.goal.gateway or w.goal.eni, **named)


def internet_gateways_of(w: Walk, vpc: str) -> list[str]:
    return [g for g, _, _ in w.world.into(vpc, schema.ATTACHED, "internet-gateway")]


# -- egress-only internet gateways -------------------------------------------------------------
def eigw_egress(w: Walk, eigw: str, from_subnet: str | None, vpc: str) -> Onward | None:
    """Out to the internet over IPv6 (routes to it carry IPv6 only): from a global address of
    the VPC, untranslated; the reply may come back in (`eigw_ingress`)."""
    src = w.packet.src
    common = {"Component": eigw, "Vpc": vpc}
    _check_internet_destination(w, vpc, common)
    check_egress(w, eigw, from_subnet, vpc, member=None, egress_only=True)
    holder = interface_holding(w.world, vpc, src)
    if holder is None or public_of(w.world, holder, src) is None:
        raise w.blocked("IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS", Address=src,
                        NetworkInterface=holder, **common)
    cross(w, from_subnet, None)
    w.add(eigw, InboundHeader=w.header(), OutboundHeader=w.header(), Vpc=w.comp(vpc))
    w.via.append(egress_gateways.EGRESS_ONLY)
    return internet(w, eigw, egress_gateways.EGRESS_ONLY)


def eigw_ingress(w: Walk, eigw: str) -> Onward:
    """In from the internet through an egress-only gateway: replies only."""
    vpc = egress_gateways.egress_only_vpc(w.world, eigw)
    if vpc is None:
        raise w.blocked("BAD_STATE_ATTACHMENT", Component=eigw)
    if not w.reply:
        raise w.blocked("NO_ROUTE_TO_DESTINATION", Component=eigw, Vpc=vpc,
                        Address=w.packet.dst)
    holder = interface_holding(w.world, vpc, w.packet.dst)
    if holder is None:
        raise w.blocked("IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS", Component=eigw,
                        Address=w.packet.dst, Vpc=vpc)
    w.add(eigw, InboundHeader=w.header(), OutboundHeader=w.header(), Vpc=w.comp(vpc))
    w.via.append(egress_gateways.EGRESS_ONLY)
    return Onward(vpc)


def igw_ingress(w: Walk, igw: str) -> Onward:
    """In from the internet: to a public address mapped in the gateway's VPC."""
    vpc = internet_gateways.attached_vpc(w.world, igw)
    if vpc is None:
        raise w.blocked("BAD_STATE_ATTACHMENT", Component=igw, InternetGateway=igw)
    dst = w.packet.dst
    holder = public_holder(w.world, dst)
    if holder is None or vpc_of(w.world, holder[0]) != vpc:
        raise w.blocked("IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS", Component=igw,
                        InternetGateway=igw, Address=dst, Vpc=vpc)
    if _in_ranges(w.packet.src, PRIVATE + UNIQUE_LOCAL):
        raise w.blocked("IGW_SOURCE_ADDRESS_NOT_IN_RFC1918_INGRESS", Component=igw,
                        InternetGateway=igw, Address=w.packet.src, Vpc=vpc)
    check_ingress(w, igw, holder[0], vpc)
    before = w.header()
    w.packet.dst = holder[1]
    w.add(igw, InboundHeader=before, OutboundHeader=w.header(), Vpc=w.comp(vpc))
    w.via.append("internet-gateway")
    return enter_vpc(w, igw, vpc)


# -- virtual private gateways ------------------------------------------------------------------
def vgw_egress(w: Walk, vgw: str, from_subnet: str | None, vpc: str) -> None:
    """Out to the VPN: the goal, or (for an address destination) the end of the walk while a
    VPN connection is up."""
    cross(w, from_subnet, None)
    w.add(vgw, InboundHeader=w.header(), OutboundHeader=w.header(), Vpc=w.comp(vpc))
    w.via.append("vpn-gateway")
    if w.wants_gateway(vgw):
        w.reached("vpn-gateway", vgw)
        return
    if not w.goal.anywhere:
        raise w.blocked("NO_ROUTE_TO_DESTINATION", Component=vgw, VpnGateway=vgw,
                        Address=w.packet.dst, Destination=w.goal.gateway or w.goal.eni)
    live = [vpn for vpn in vpn_gateways.connections(w.world, vgw)
            if w.world.graph.nodes[vpn].get("State") == "available"]
    if not live:
        raise w.blocked("BAD_STATE_VPN", Component=vgw, VpnGateway=vgw)
    w.reached("vpn-gateway", vgw)


def vgw_ingress(w: Walk, vgw: str) -> Onward:
    """In from the VPN, through the gateway's edge table if it has one."""
    vpc = vpn_gateways.attached_vpc(w.world, vgw)
    if vpc is None:
        raise w.blocked("BAD_STATE_ATTACHMENT", Component=vgw, VpnGateway=vgw)
    w.add(vgw, InboundHeader=w.header(), OutboundHeader=w.header(), Vpc=w.comp(vpc))
    w.via.append("vpn-gateway")
    return enter_vpc(w, vgw, vpc)


# -- peering connections -----------------------------------------------------------------------
def peering(w: Walk, pcx: str, from_subnet: str | None, vpc: str) -> Onward | None:
    """Across an (active) peering connection to the peer VPC."""
    other = _other_side(w, pcx, vpc)
    _check_addresses(w, pcx, vpc, other)
    cross(w, from_subnet, None)
    w.add(pcx, SourceVpc=w.comp(vpc), DestinationVpc=w.comp(other),
          InboundHeader=w.header(), OutboundHeader=w.header())
    w.via.append("vpc-peering-connection")
    if w.world.graph.nodes[vpc]["region"] != w.world.graph.nodes[other]["region"]:
        w.packet.src_eni = None        # group references do not cross Regions
    if w.wants_gateway(pcx):
        w.reached("vpc-peering-connection", pcx)
        return None
    return Onward(other)


def peering_ingress(w: Walk, pcx: str) -> Onward:
    """Out of a peering connection into the VPC that holds the destination."""
    sides = list(peerings.vpcs_of(w.world, pcx).values())
    into = next((v for v in sides if in_vpc(w, v, w.packet.dst)), None)
    if into is None or len(sides) != 2:
        raise w.blocked("PCX_REQUIRES_ADDRESS_IN_VPC_CIDR", Component=pcx,
                        VpcPeeringConnection=pcx, Address=w.packet.dst)
    source = _other_side(w, pcx, into)
    _check_addresses(w, pcx, source, into)
    if peerings.status_code(w.world.graph.nodes[pcx]) != "active":
        raise w.blocked("BAD_STATE", Component=pcx, VpcPeeringConnection=pcx,
                        State=peerings.status_code(w.world.graph.nodes[pcx]))
    w.add(pcx, SourceVpc=w.comp(source), DestinationVpc=w.comp(into),
          InboundHeader=w.header(), OutboundHeader=w.header())
    w.via.append("vpc-peering-connection")
    return Onward(into)


def _other_side(w: Walk, pcx: str, vpc: str) -> str:
    others = [v for v in peerings.vpcs_of(w.world, pcx).values() if v != vpc]
    if not others:
        raise w.blocked("BAD_STATE", Component=pcx, VpcPeeringConnection=pcx)
    return others[0]


def _check_addresses(w: Walk, pcx: str, source_vpc: str, peer_vpc: str) -> None:
    """No transit and no edge-to-edge: both addresses inside the two VPCs' blocks."""
    for ip, vpc in ((w.packet.src, source_vpc), (w.packet.dst, peer_vpc)):
        if not in_vpc(w, vpc, ip):
            raise w.blocked("PCX_REQUIRES_ADDRESS_IN_VPC_CIDR", Component=pcx,
                            VpcPeeringConnection=pcx, Address=ip, Vpc=vpc,
                            Cidrs=vpc_cidrs(w, vpc, ip))


# -- VPC endpoints -----------------------------------------------------------------------------
def endpoint(w: Walk, vpce: str, from_subnet: str | None, vpc: str) -> Onward | None:
    """A route to an endpoint: a gateway endpoint (the service) or a GWLB endpoint."""
    node = w.world.graph.nodes[vpce]
    if node.get("VpcEndpointType") == "GatewayLoadBalancer":
        return _appliance(w, vpce, from_subnet, vpc)
    common = {"Component": vpce, "VpcEndpoint": vpce, "Vpc": vpc}
    if w.packet.protocol != "6":
        raise w.blocked("VPCE_GATEWAY_PROTOCOL_RESTRICTION", Protocols=[w.packet.protocol],
                        **common)
    if not in_vpc(w, vpc, w.packet.src):
        raise w.blocked("VPCE_GATEWAY_EGRESS_SOURCE_ADDRESS_RESTRICTION",
                        Address=w.packet.src, **common)
    cross(w, from_subnet, None)
    w.add(vpce, InboundHeader=w.header(), OutboundHeader=w.header(), Vpc=w.comp(vpc),
          ServiceName=node.get("ServiceName"))
    if w.wants_gateway(vpce) or w.goal.anywhere:
        w.reached("vpc-endpoint", vpce)
        return None
    raise w.blocked("NO_ROUTE_TO_DESTINATION", Address=w.packet.dst,
                    Destination=w.goal.gateway or w.goal.eni, **common)


def _appliance(w: Walk, vpce: str, from_subnet: str | None, vpc: str) -> Onward:
    """A Gateway Load Balancer endpoint: inspected traffic comes back to the endpoint and is
    routed on by its subnet's table."""
    interfaces = endpoint_views.interfaces(w.world, vpce)
    if not interfaces:
        raise w.blocked("BAD_STATE", Component=vpce, VpcEndpoint=vpce)
    subnet = subnet_of(w.world, interfaces[0])
    cross(w, from_subnet, subnet)
    w.add(vpce, InboundHeader=w.header(), OutboundHeader=w.header(), Subnet=w.comp(subnet),
          Vpc=w.comp(vpc))
    return Onward(subnet=subnet)


def endpoint_ingress(w: Walk, vpce: str) -> Onward:
    """Replies (or traffic) from the service of a gateway endpoint into its VPC."""
    vpc = endpoint_views.vpc_of(w.world, vpce)
    w.add(vpce, InboundHeader=w.header(), OutboundHeader=w.header(), Vpc=w.comp(vpc))
    return Onward(vpc)
