"""Static routes of virtual edge network gateway route tables, and the tables' forwarding and
routing information bases (FIB, RIB).

A table keeps its static routes as rows of its `routes` field (in creation order), each in
boto3's `VirtualEdgeNetworkGatewayRoute` members: the destination (`Ipv4DestinationCidrBlock`
or `Ipv6DestinationCidrBlock`, of the table's address family), `TargetType` (`blackhole`,
`internet`, `subnet`), `Targets` (secondary subnets or interfaces of the gateway's network,
or addresses, each with a `Weight` of 0 or 1), `ReachabilityScopes` (subnet routes only),
`RoutePreference` (0-255, default 1) and the `Mtu` AWS derives (1500 for internet, 8500
otherwise).

Creating and deleting routes is all or nothing. Routes learned from route server peers come
from BGP sessions, which ec2sim does not run: the RIB holds the static routes (origin
`create-virtual-edge-network-gateway-route`), and the FIB the RIB's routes that are not
filtered out.
"""
from __future__ import annotations

from typing import Any

from netaddr import AddrFormatError, IPNetwork

from ..core.errors import (InvalidParameterCombination, InvalidParameterValue,
                           MissingParameter, NotFound, TopologyError)
from ..core.family import declare_actions
from ..core.filters import Filter, FilterTable, select_rows
from ..core.world import Partition, World
from ..network import secondary_networks as secondary
from .edge_gateways import TABLE, gateway_of, is_live, live, network_of, page_rows

DESTINATIONS = {"ipv4": "Ipv4DestinationCidrBlock", "ipv6": "Ipv6DestinationCidrBlock"}
TARGET_MEMBERS = ("SecondarySubnetId", "SecondaryInterfaceId", "Ipv4Address", "Ipv6Address")
ORIGIN = "create-virtual-edge-network-gateway-route"


def _destination(route: dict[str, Any], family: str) -> tuple[str, str]:
    """(member, canonical CIDR) of a route request, of the table's address family."""
    given = [m for m in DESTINATIONS.values() if route.get(m) is not None]
    if len(given) != 1:
        raise InvalidParameterCombination("You must specify either Ipv4DestinationCidrBlock or "
                                          "Ipv6DestinationCidrBlock, but not both.")
    member, text = given[0], str(route[given[0]])
    if member != DESTINATIONS[family]:
        raise InvalidParameterValue(f"The destination {text} does not match the address family "
                                    f"of the route table ({family}).")
    try:
        net = IPNetwork(text)
        if "/" not in text or net.version != (4 if family == "ipv4" else 6):
            raise ValueError(text)
    except (AddrFormatError, ValueError, TypeError):
        raise InvalidParameterValue(f"Value ({text}) for parameter {member} is invalid. This is "
                                    "not a valid CIDR block.")
    return member, str(net.cidr)


def _target(world: World, part: Partition, table: str, given: dict[str, Any]) -> dict[str, Any]:
    named = [m for m in TARGET_MEMBERS if given.get(m) is not None]
    if len(named) != 1:
        raise InvalidParameterCombination("A route target must name exactly one of "
                                          "SecondarySubnetId, SecondaryInterfaceId, Ipv4Address "
                                          "or Ipv6Address.")
    member, value = named[0], str(given[named[0]])
    network = network_of(world, gateway_of(world, table))
    if member == "SecondarySubnetId":
        secondary.live(world, part, secondary.SUBNET, value)
        if secondary.network_of(world, value) != network:
            raise InvalidParameterValue(f"The secondary subnet {value} is not in the secondary "
                                        "network of the route table.")
    elif member == "SecondaryInterfaceId":
        world.get(part, "secondary-interface", value)
    weight = given.get("Weight", 1)
    if weight not in (0, 1):
        raise InvalidParameterValue(f"Value ({weight}) for parameter Weight is invalid. Valid "
                                    "values are 0 and 1.")
    return {member: value, "Weight": weight}


def _route(world: World, part: Partition, table: str, family: str,
           request: dict[str, Any]) -> dict[str, Any]:
    """One checked route row of a CreateVirtualEdgeNetworkGatewayRoutes request."""
    member, dest = _destination(request, family)
    kind = request.get("TargetType")
    if kind is None:
        raise MissingParameter("The request must contain the parameter TargetType")
    targets = list(request.get("Targets") or [])
    if kind == "subnet" and not targets:
        raise MissingParameter("A route with the target type subnet needs at least one target.")
    if kind != "subnet" and targets:
        raise InvalidParameterCombination(f"A route with the target type {kind} takes no "
                                          "targets.")
    scopes = list(request.get("ReachabilityScopes") or [])
    if scopes and kind != "subnet":
        raise InvalidParameterCombination("Reachability scopes are supported only for routes "
                                          "with the target type subnet.")
    preference = request.get("RoutePreference", 1)
    if not 0 <= preference <= 255:
        raise InvalidParameterValue(f"Value ({preference}) for parameter RoutePreference is "
                                    "invalid. Valid values are from 0 to 255.")
    row: dict[str, Any] = {member: dest, "TargetType": kind,
                           "Targets": [_target(world, part, table, t) for t in targets]}
    if scopes:
        row["ReachabilityScopes"] = scopes
    row.update(RoutePreference=preference, Mtu=1500 if kind == "internet" else 8500)
    return row


def _dest(row: dict[str, Any]) -> str:
    return str(row.get("Ipv4DestinationCidrBlock") or row["Ipv6DestinationCidrBlock"])


def create_routes(world: World, part: Partition,
                  virtual_edge_network_gateway_route_table_id: str,
                  routes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """CreateVirtualEdgeNetworkGatewayRoutes: all of them, or none."""
    table = virtual_edge_network_gateway_route_table_id
    node = live(world, part, TABLE, table)
    rows = [_route(world, part, table, node["AddressType"], r) for r in routes]
    existing = {_dest(r) for r in node["routes"]}
    seen: set[str] = set()
    for row in rows:
        dest = _dest(row)
        if dest in seen:
            raise InvalidParameterValue(f"The destination {dest} appears more than once in the "
                                        "request.")
        if dest in existing:
            raise TopologyError(f"The route identified by {dest} already exists.",
                                "RouteAlreadyExists")
        seen.add(dest)
    world.update(table, routes=[*node["routes"], *rows])
    return [route_view(world, table, row) for row in rows]


def delete_routes(world: World, part: Partition,
                  virtual_edge_network_gateway_route_table_id: str,
                  ipv4_destination_cidr_blocks: list[str] | None = None,
                  ipv6_destination_cidr_blocks: list[str] | None = None) -> list[dict[str, Any]]:
    """DeleteVirtualEdgeNetworkGatewayRoutes: all the named routes, or none."""
    table = virtual_edge_network_gateway_route_table_id
    node = live(world, part, TABLE, table)
    if bool(ipv4_destination_cidr_blocks) == bool(ipv6_destination_cidr_blocks):
        raise InvalidParameterCombination("You must specify either Ipv4DestinationCidrBlocks or "
                                          "Ipv6DestinationCidrBlocks, but not both.")
    member = "Ipv4DestinationCidrBlock" if ipv4_destination_cidr_blocks else \
        "Ipv6DestinationCidrBlock"
    wanted = [_destination({member: c}, node["AddressType"])[1]
              for c in ipv4_destination_cidr_blocks or ipv6_destination_cidr_blocks or []]
    by_dest = {_dest(r): r for r in node["routes"]}
    for dest in wanted:
        if dest not in by_dest:
            raise NotFound(f"The route {dest} does not exist in route table {table}.",
                           "InvalidRoute.NotFound")
    world.update(table, routes=[r for r in node["routes"] if _dest(r) not in wanted])
    return [route_view(world, table, by_dest[d]) for d in dict.fromkeys(wanted)]


def route_view(world: World, table: str, row: dict[str, Any]) -> dict[str, Any]:
    """boto3's `VirtualEdgeNetworkGatewayRoute`."""
    return {"VirtualEdgeNetworkGatewayRouteTableId": table, **row,
            "Targets": [dict(t) for t in row["Targets"]],
            "OwnerId": world.graph.nodes[table]["account"]}


# -- describing routes ------------------------------------------------------------------------
def _row(name: str) -> Filter:
    return Filter(lambda w, rid, row: row.get(name))


def _targets(name: str) -> Filter:
    return Filter(lambda w, rid, row: [t.get(name) for t in row["Targets"]])


_COMMON: FilterTable = {
    "ipv4-destination-cidr-block": _row("Ipv4DestinationCidrBlock"),
    "ipv6-destination-cidr-block": _row("Ipv6DestinationCidrBlock"),
    "mtu": _row("Mtu"), "target-type": _row("TargetType"),
    "target.ipv4-address": _targets("Ipv4Address"),
    "target.ipv6-address": _targets("Ipv6Address"),
    "target.secondary-interface-id": _targets("SecondaryInterfaceId"),
    "target.secondary-subnet-id": _targets("SecondarySubnetId"),
}
ROUTE_FILTERS: FilterTable = {
    **_COMMON, "owner-id": _row("OwnerId"),
    "reachability-scope": _row("ReachabilityScopes"),
    "route-preference": _row("RoutePreference"), "target.weight": _targets("Weight"),
    "virtual-edge-network-gateway-route-table-id": _row("VirtualEdgeNetworkGatewayRouteTableId"),
}
RIB_FILTERS: FilterTable = {
    **_COMMON, "announcement-target": _row("AnnouncementTarget"),
    "border-scope": _row("BorderScope"), "filtered": _row("Filtered"),
    "filtered-reason": _row("FilteredReason"), "internet-scope": _row("InternetScope"),
    "origin": _row("Origin"), "prepend-count": _row("PrependCount"),
    "route-preference": _row("RoutePreference"), "status": _row("Status"),
}


def describe_routes(world: World, part: Partition, filters: list[dict[str, Any]] | None = None,
                    max_results: int | None = None, next_token: str | None = None
                    ) -> dict[str, Any]:
    """DescribeVirtualEdgeNetworkGatewayRoutes: the static routes of the live tables."""
    rows = [route_view(world, t, r) for t in part.ids(TABLE) if is_live(world, t)
            for r in world.graph.nodes[t]["routes"]]
    rows = select_rows(ROUTE_FILTERS, filters, rows, taggable=False)
    return page_rows(rows, max_results, next_token, "vegw-routes",
                     "VirtualEdgeNetworkGatewayRoutes")


def _announcement(row: dict[str, Any]) -> str:
    scopes = row.get("ReachabilityScopes") or []
    return "internet" if "internet" in scopes else (
        "aws-global-network" if scopes else "local")


def rib(world: World, table: str) -> list[dict[str, Any]]:
    """The table's RIB: each static route as a `VirtualEdgeNetworkGatewayRouteRibEntry`."""
    out = []
    for row in world.graph.nodes[table]["routes"]:
        entry = {k: v for k, v in row.items() if k in (*DESTINATIONS.values(), "TargetType")}
        entry["Targets"] = [dict(t) for t in row["Targets"]]
        entry.update(AnnouncementTarget=_announcement(row),
                     PrependCount=0 if row["TargetType"] == "blackhole" else 1,
                     RoutePreference=row["RoutePreference"], Origin=ORIGIN, Mtu=row["Mtu"],
                     Filtered=False)
        out.append(entry)
    return out


def fib(world: World, table: str) -> list[dict[str, Any]]:
    """The table's FIB: the RIB routes not filtered out, with their targets and MTU."""
    keep = (*DESTINATIONS.values(), "TargetType", "Targets", "Mtu")
    return [{k: e[k] for k in keep if k in e} for e in rib(world, table) if not e["Filtered"]]


def describe_rib(world: World, part: Partition,
                 virtual_edge_network_gateway_route_table_id: str,
                 filters: list[dict[str, Any]] | None = None, max_results: int | None = None,
                 next_token: str | None = None) -> dict[str, Any]:
    """DescribeVirtualEdgeNetworkGatewayRouteTableRib."""
    table = virtual_edge_network_gateway_route_table_id
    world.get(part, TABLE, table)
    rows = select_rows(RIB_FILTERS, filters, rib(world, table), taggable=False)
    return page_rows(rows, max_results, next_token, "vegw-rib", "VirtualEdgeNetworkGatewayRoutes")


def describe_fib(world: World, part: Partition,
                 virtual_edge_network_gateway_route_table_id: str,
                 filters: list[dict[str, Any]] | None = None, max_results: int | None = None,
                 next_token: str | None = None) -> dict[str, Any]:
    """DescribeVirtualEdgeNetworkGatewayRouteTableFib."""
    table = virtual_edge_network_gateway_route_table_id
    world.get(part, TABLE, table)
    rows = select_rows(_COMMON, filters, fib(world, table), taggable=False)
    return page_rows(rows, max_results, next_token, "vegw-fib", "VirtualEdgeNetworkGatewayRoutes")


# these operations are bound from the functions above (docs/families.md)
declare_actions(TABLE, {"CreateVirtualEdgeNetworkGatewayRoutes": create_routes,
                        "DeleteVirtualEdgeNetworkGatewayRoutes": delete_routes,
                        "DescribeVirtualEdgeNetworkGatewayRoutes": describe_routes,
                        "DescribeVirtualEdgeNetworkGatewayRouteTableRib": describe_rib,
                        "DescribeVirtualEdgeNetworkGatewayRouteTableFib": describe_fib})
