"""Forwarding inside a VPC: out of an interface, through a route table, to the route's target
(`HOPS`: one handler per target kind), and delivery to the interface holding an address.

A handler (`hop_for`) takes the walk, the route's target, the subnet the packet is leaving (None
when it entered from a gateway or a peering connection) and the VPC. It ends the walk
(`Walk.end`), raises `Blocked`, or returns where the packet goes on inside a VPC (`Onward`),
which `follow` carries out. This module is the only one that dispatches: the gateway modules
(`gateways`, `transit`) hand the packet back by returning `Onward`, never by calling here.
"""
from __future__ import annotations

from collections.abc import Callable

from topology.compute import instances
from topology.core import schema
from topology.network import egress_gateways, subnets

from .components import addresses, interface_holding, kind_of, owner_of, subnet_of, vpc_of_subnet
from .gateways import (bad_target, eigw_egress, endpoint, igw_egress, nat, nat_arrival, peering,
                       vgw_egress)
from .local_gateways import egress as lgw_egress
from .packet import address, family, within
from .selection import select, subnet_table
from .transit import enter as enter_transit_gateway
from .walk import SUBNET_MARK, Onward, Walk, check_groups, cross, interface_steps

Hop = Callable[[Walk, str, "str | None", str], "Onward | None"]


def leave(w: Walk, eni: str) -> None:
    """The packet leaves its sending interface: the interface, its egress rules, its route."""
    interface_steps(w, eni, inbound=False)
    check_groups(w, eni, egress=True)
    route_from(w, subnet_of(w.world, eni))


def route_from(w: Walk, subnet: str) -> None:
    """Route the packet with the subnet's table (explicit association, else the main one)."""
    rtb = subnet_table(w.world, subnet)
    vpc = vpc_of_subnet(w.world, subnet)
    if rtb is None:
        raise w.blocked("NO_ROUTE_TO_DESTINATION", Component=subnet, Subnet=subnet, Vpc=vpc,
                        Address=w.packet.dst)
    route_via(w, rtb, subnet, vpc)


def route_via(w: Walk, rtb: str, subnet: str | None, vpc: str) -> None:
    """Route the packet with `rtb` (a subnet's table, or a gateway's edge table when `subnet`
    is None) and hand it to the chosen route's target."""
    w.hop()
    choice = select(w.world, rtb, address(w.packet.dst))
    if choice is None:
        raise w.blocked("NO_ROUTE_TO_DESTINATION", Component=rtb, RouteTable=rtb,
                        Subnet=subnet, Vpc=vpc, Address=w.packet.dst,
                        Destination=w.goal.gateway or w.goal.eni)
    view = choice.view(w.world)
    step = w.add(rtb, RouteTableRoute=view, Vpc=w.comp(vpc))
    if subnet is not None:
        step[SUBNET_MARK] = subnet
    if choice.state(w.world) != "active":
        raise w.blocked("BAD_STATE_ROUTE", Component=rtb, RouteTable=rtb, RouteTableRoute=view,
                        Subnet=subnet, Vpc=vpc, State=view.get("State"),
                        **bad_target(w, choice.target))
    follow(w, hop_for(kind_of(w.world, choice.target) or "")(w, choice.target, subnet, vpc))


def follow(w: Walk, onward: Onward | None) -> None:
    """Carry out where a gateway handed the packet back (nothing when the walk ended)."""
    if onward is None:
        return
    if onward.subnet is not None:
        route_from(w, onward.subnet)
    elif onward.table is not None:
        route_via(w, onward.table, None, onward.vpc)
    else:
        deliver(w, onward.vpc, None)


# -- inside the VPC ----------------------------------------------------------------------------
def local(w: Walk, target: str, from_subnet: str | None, vpc: str) -> None:
    """The `local` route: deliver to whatever holds the address in the VPC."""
    deliver(w, vpc, from_subnet)


def deliver(w: Walk, vpc: str, from_subnet: str | None) -> None:
    """Hand the packet to the interface of `vpc` that holds its destination address."""
    eni = interface_holding(w.world, vpc, w.packet.dst)
    if eni is None:
        subnet = _subnet_holding(w, vpc)
        if subnet is not None and w.goal.anywhere:
            cross(w, from_subnet, subnet)       # an address nothing holds: its subnet is the end
            w.reached("subnet", subnet)
            return
        raise w.blocked("NO_POSSIBLE_DESTINATION", Component=vpc, Vpc=vpc, Subnet=subnet,
                        Address=w.packet.dst)
    cross(w, from_subnet, subnet_of(w.world, eni))
    arrive(w, eni)


def _subnet_holding(w: Walk, vpc: str) -> str | None:
    addr, v6 = address(w.packet.dst), family(w.packet.dst) == 6
    for subnet, _, _ in w.world.out(vpc, schema.CONTAINS, "subnet"):
        cidrs = [str(b) for b in subnets.ipv6_blocks(w.world, subnet)] if v6 \
            else [w.world.graph.nodes[subnet].get("CidrBlock")]
        if any(cidr and within(addr, cidr) for cidr in cidrs):
            return subnet
    return None


def arrive(w: Walk, eni: str) -> None:
    """The packet reaches an interface: the goal, a NAT gateway (replies only), or the holder
    of the address when the destination is an address."""
    owner = owner_of(w.world, eni)
    if not w.wants_interface(eni):
        if owner is not None and kind_of(w.world, owner) == "nat-gateway":
            follow(w, nat_arrival(w, owner, eni))
            return
        if not w.goal.anywhere:
            raise w.blocked("NO_POSSIBLE_DESTINATION", Component=eni, NetworkInterface=eni,
                            Address=w.packet.dst, Destination=w.goal.gateway or w.goal.eni)
    check_groups(w, eni, egress=False)
    interface_steps(w, eni, inbound=True)
    w.reached("eni", eni)


def middlebox(w: Walk, target: str, from_subnet: str | None, vpc: str) -> None:
    """A route to an interface or instance: the goal itself, or an appliance that forwards
    the packet on (source/destination checking off), by its own subnet's routes."""
    eni = target
    if kind_of(w.world, target) == "instance":
        eni = instances.primary_interface(w.world, target) or ""
        if not eni:
            raise w.blocked("BAD_STATE", Component=target)
    subnet = subnet_of(w.world, eni)
    cross(w, from_subnet, subnet)
    if w.wants_interface(eni) or (w.goal.anywhere and w.packet.dst in
                                  addresses(w.world, eni, family(w.packet.dst))):
        arrive(w, eni)
        return
    check_groups(w, eni, egress=False)
    node = w.world.graph.nodes[eni]
    if node.get("SourceDestCheck", True):
        raise w.blocked("ENI_SOURCE_DEST_CHECK_RESTRICTION", Component=eni,
                        NetworkInterface=eni, AttachedTo=owner_of(w.world, eni),
                        Subnet=subnet, Vpc=vpc)
    header = w.header()
    w.add(eni, AttachedTo=w.comp(owner_of(w.world, eni)), InboundHeader=header,
          OutboundHeader=header, Subnet=w.comp(subnet), Vpc=w.comp(vpc))
    check_groups(w, eni, egress=True)
    route_from(w, subnet)


def unsupported(w: Walk, target: str, from_subnet: str | None, vpc: str) -> None:
    raise w.blocked("UNSUPPORTED_COMPONENT", Component=target, Vpc=vpc)


HOPS: dict[str, Hop] = {
    "vpc": local,
    "network-interface": middlebox,
    "instance": middlebox,
    "nat-gateway": nat,
    "internet-gateway": igw_egress,
    egress_gateways.EGRESS_ONLY: eigw_egress,
    "vpn-gateway": vgw_egress,
    "vpc-peering-connection": peering,
    "vpc-endpoint": endpoint,
    "transit-gateway": enter_transit_gateway,
    "local-gateway": lgw_egress,
}


def hop_for(kind: str) -> Hop:
    """What happens to a packet routed to a target of `kind`."""
    return HOPS.get(kind, unsupported)
