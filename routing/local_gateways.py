"""Outpost local gateways on a path: out of a VPC to the on-premises network, and back in.

A VPC route to a local gateway is `active` only while the VPC is associated with one of the
gateway's route tables (`topology.connect.local_gateway_routes`); `forwarding` refuses a
blackhole route before it gets here (`BAD_STATE_ROUTE`). Out through the gateway, the
packet is routed by that table: its longest-prefix route must lead to a virtual interface
group with at least one virtual interface (the BGP sessions to the on-premises network),
else `NO_ROUTE_TO_DESTINATION` / `BAD_STATE_ROUTE` at the table. In from the gateway, the
packet enters the associated VPC that holds its destination address.

A table in `coip` mode translates like a NAT: out, an instance with a customer-owned (CoIP)
address associated leaves with that address as its source; in, a packet for a CoIP address
associated with an interface of a VPC of the table goes to its private address. The VPC's own
addresses are not advertised on-premises in `coip` mode, so a packet for one of them finds no
route there; in `direct-vpc-routing` mode the private addresses are used both ways.
"""
from __future__ import annotations

from netaddr import IPNetwork

from topology.connect import coip_pools
from topology.connect import local_gateway_route_tables as lgw_tables
from topology.connect import local_gateway_routes as lgw_routes
from topology.connect import local_gateway_vifs as vifs
from topology.core import schema
from topology.core.world import World
from topology.network import prefix_lists, vpc_blocks

from .components import interface_holding
from .packet import address, within
from .walk import Onward, Walk, cross

KIND = "local-gateway"


def associated_table(world: World, lgw: str, vpc: str) -> str | None:
    """The route table of `lgw` that `vpc` is associated with."""
    return next((t for t in lgw_tables.vpc_tables(world, vpc)
                 if lgw_tables.gateway_of(world, t) == lgw), None)


def lookup(world: World, table: str, ip: str) -> tuple[str, str] | None:
    """(destination, target) of the table's longest-prefix route for `ip`."""
    addr = address(ip)
    best: tuple[int, str, str] | None = None
    for dest, target in lgw_routes.table_routes(world, table):
        cidrs = prefix_lists.cidrs(world, dest) if dest.startswith("pl-") else [dest]
        for cidr in cidrs:
            length = IPNetwork(cidr).prefixlen
            if within(addr, cidr) and (best is None or length > best[0]):
                best = (length, dest, target)
    return None if best is None else (best[1], best[2])


def egress(w: Walk, lgw: str, from_subnet: str | None, vpc: str) -> None:
    """Out of `vpc` through the local gateway, by its route table, to the on-premises side."""
    cross(w, from_subnet, None)
    step = w.add(lgw, InboundHeader=w.header(), OutboundHeader=w.header(), Vpc=w.comp(vpc))
    w.via.append(KIND)
    if w.wants_gateway(lgw):
        w.reached(KIND, lgw)
        return
    table = associated_table(w.world, lgw, vpc)
    if table is None:
        raise w.blocked("BAD_STATE_ATTACHMENT", Component=lgw, Vpc=vpc)
    if not w.goal.anywhere:
        raise w.blocked("NO_ROUTE_TO_DESTINATION", Component=lgw, Address=w.packet.dst,
                        Destination=w.goal.gateway or w.goal.eni)
    found = lookup(w.world, table, w.packet.dst)
    if found is None or w.world.graph.nodes[found[1]]["kind"] != vifs.GROUP:
        raise w.blocked("NO_ROUTE_TO_DESTINATION", Component=table, Address=w.packet.dst)
    if lgw_routes.state(w.world, found[1]) != "active":
        raise w.blocked("BAD_STATE_ROUTE", Component=table, Address=w.packet.dst,
                        State="blackhole")
    _translate_source(w, lgw, table, vpc)
    step["OutboundHeader"] = w.header()
    w.reached(KIND, lgw)


def _translate_source(w: Walk, lgw: str, table: str, vpc: str) -> None:
    """In `coip` mode, the source's customer-owned address replaces it (the reply comes
    back to it); an address without one leaves as it is (and no reply finds its way back)."""
    if w.world.graph.nodes[table]["Mode"] != "coip":
        return
    holder = interface_holding(w.world, vpc, w.packet.src)
    coip = customer_owned(w.world, holder, w.packet.src) if holder is not None else None
    if coip is not None:
        w.packet.src, w.packet.src_eni = coip, None


def customer_owned(world: World, eni: str, private_ip: str) -> str | None:
    """The CoIP address associated with `eni` at `private_ip`, if any."""
    for alloc, _, data in world.into(eni, schema.ASSOCIATED, "elastic-ip"):
        coip = world.graph.nodes[alloc].get("CustomerOwnedIp")
        if coip and data["PrivateIpAddress"] == private_ip:
            return str(coip)
    return None


def _coip_target(world: World, table: str, ip: str) -> tuple[str, str] | None:
    """(VPC, private address) a CoIP address of the table's pools is associated with."""
    for pool, _, _ in world.into(table, schema.ASSOCIATED, coip_pools.KIND):
        for alloc in coip_pools.allocations(world, pool):
            if world.graph.nodes[alloc]["CustomerOwnedIp"] != ip:
                continue
            for eni, _, data in world.out(alloc, schema.ASSOCIATED, "network-interface"):
                for vpc in _vpcs(world, table):
                    if interface_holding(world, vpc, data["PrivateIpAddress"]) == eni:
                        return vpc, data["PrivateIpAddress"]
    return None


def ingress(w: Walk, lgw: str) -> Onward:
    """In from the on-premises side: into the associated VPC holding the destination."""
    for table in _tables(w.world, lgw):
        if w.world.graph.nodes[table]["Mode"] == "coip":
            found = _coip_target(w.world, table, w.packet.dst)
            if found is not None:
                before = w.header()
                w.packet.dst = found[1]
                w.add(lgw, InboundHeader=before, OutboundHeader=w.header(),
                      Vpc=w.comp(found[0]))
                w.via.append(KIND)
                return Onward(found[0])
            continue                   # VPC addresses are not advertised in coip mode
        for vpc in _vpcs(w.world, table):
            if _holds(w.world, vpc, w.packet.dst):
                w.add(lgw, InboundHeader=w.header(), OutboundHeader=w.header(),
                      Vpc=w.comp(vpc))
                w.via.append(KIND)
                return Onward(vpc)
    raise w.blocked("NO_ROUTE_TO_DESTINATION", Component=lgw, Address=w.packet.dst)


def _tables(world: World, lgw: str) -> list[str]:
    return [t for t, _, _ in world.out(lgw, schema.CONTAINS, lgw_tables.KIND)]


def _vpcs(world: World, table: str) -> list[str]:
    """The VPCs associated with the table."""
    return [v for a, _, _ in world.into(table, schema.ASSOCIATED, lgw_tables.VPC_ASSOC)
            for v, _, _ in world.out(a, schema.ASSOCIATED, "vpc")]


def _holds(world: World, vpc: str, ip: str) -> bool:
    addr = address(ip)
    return any(within(addr, str(block)) for block in vpc_blocks.blocks(world, vpc))
