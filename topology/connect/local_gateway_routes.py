"""Routes of local gateway route tables, and the local gateway as a target of VPC routes.

A static route is an edge `lgw-rtb -[ROUTE, destination]-> target` (a virtual interface group
of the table's gateway, or a network interface), data `{DestinationCidrBlock |
DestinationPrefixListId, Type: "static"}`. A route reads `blackhole` while its group has no
virtual interface (or is gone), or while its interface is gone or not attached to a running
instance (the Outposts user guide: "If the instance is stopped or the interface is detached,
the route status changes from active to blackhole").

A VPC route table may name the local gateway (`CreateRoute LocalGatewayId`) only when its VPC
is associated with one of that gateway's route tables; the route reads `blackhole` once the
association ends (`routes.TARGETS`).

Create answers `pending`, delete `deleted`, as AWS's examples show.
"""
from __future__ import annotations

from typing import Any

from netaddr import IPNetwork

from ..core import paging, schema
from ..core.errors import (InvalidParameterCombination, InvalidParameterValue,
                           MissingParameter, NotFound, TopologyError)
from ..core.family import declare_actions
from ..core.filters import Filter, FilterTable
from ..core.world import Partition, World
from ..network import network_interfaces, prefix_lists, routes
from . import local_gateway_route_tables as tables
from . import local_gateway_vifs as vifs
from . import outposts
from .tgw_routes import CIDR_MATCHES, LONGEST, parse_cidr, select_routes

KIND = tables.KIND
DESTINATIONS = ("DestinationCidrBlock", "DestinationPrefixListId")
TARGET_MEMBERS = ("LocalGatewayVirtualInterfaceGroupId", "NetworkInterfaceId")


def _destination(world: World, part: Partition, params: dict[str, Any]) -> tuple[str, str]:
    """(member, canonical destination) of a request: exactly one of the two."""
    given = [m for m in DESTINATIONS if params.get(m) is not None]
    if not given:
        raise MissingParameter("The request must contain the parameter destinationCidrBlock "
                               "or destinationPrefixListId")
    if len(given) > 1:
        raise InvalidParameterCombination("You cannot use DestinationPrefixListId and "
                                          "DestinationCidrBlock in the same request.")
    member = given[0]
    if member == "DestinationPrefixListId":
        prefix_lists.find(world, part, params[member])
        return member, str(params[member])
    return member, str(parse_cidr(params[member]))


def _target(world: World, part: Partition, table: str, params: dict[str, Any]) -> str:
    """The one target a request names, checked against the table's gateway."""
    given = [m for m in TARGET_MEMBERS if params.get(m) is not None]
    if len(given) != 1:
        raise (MissingParameter if not given else InvalidParameterCombination)(
            "The request must contain exactly one of localGatewayVirtualInterfaceGroupId or "
            "networkInterfaceId")
    value = str(params[given[0]])
    if given[0] == "NetworkInterfaceId":
        world.get(part, "network-interface", value)
        return value
    world.get(part, vifs.GROUP, value)
    if vifs.gateway_of(world, value) != tables.gateway_of(world, table):
        raise InvalidParameterValue(f"The virtual interface group {value} does not belong to "
                                    f"the local gateway of route table {table}.")
    return value


def _find(world: World, table: str, dest: str) -> tuple[str, dict[str, Any]] | None:
    for target, key, data in world.out(table, schema.ROUTE):
        if key == dest:
            return str(target), data
    return None


def _missing(table: str, dest: str) -> NotFound:
    return NotFound(f"The route {dest} does not exist in local gateway route table {table}.",
                    "InvalidRoute.NotFound")


def create_route(world: World, part: Partition, local_gateway_route_table_id: str,
                 params: dict[str, Any]) -> dict[str, Any]:
    """CreateLocalGatewayRoute."""
    table = local_gateway_route_table_id
    world.get(part, KIND, table)
    member, dest = _destination(world, part, params)
    target = _target(world, part, table, params)
    if _find(world, table, dest) is not None:
        raise TopologyError(f"The route identified by {dest} already exists.",
                            "RouteAlreadyExists")
    world.link(table, target, schema.ROUTE, dest, **{member: dest}, Type="static")
    return {**route_view(world, table, dest), "State": "pending"}


def modify_route(world: World, part: Partition, local_gateway_route_table_id: str,
                 params: dict[str, Any]) -> dict[str, Any]:
    """ModifyLocalGatewayRoute: point an existing route at another target."""
    table = local_gateway_route_table_id
    world.get(part, KIND, table)
    member, dest = _destination(world, part, params)
    current = _find(world, table, dest)
    if current is None:
        raise _missing(table, dest)
    target = _target(world, part, table, params)
    world.unlink(table, current[0], schema.ROUTE, dest)
    world.link(table, target, schema.ROUTE, dest, **{member: dest}, Type="static")
    return route_view(world, table, dest)


def delete_route(world: World, part: Partition, local_gateway_route_table_id: str,
                 params: dict[str, Any]) -> dict[str, Any]:
    """DeleteLocalGatewayRoute (answered `deleted`)."""
    table = local_gateway_route_table_id
    world.get(part, KIND, table)
    _, dest = _destination(world, part, params)
    current = _find(world, table, dest)
    if current is None:
        raise _missing(table, dest)
    answer = {**route_view(world, table, dest), "State": "deleted"}
    world.unlink(table, current[0], schema.ROUTE, dest)
    return answer


# -- reading routes ---------------------------------------------------------------------------
def state(world: World, target: str) -> str:
    node = world.graph.nodes[target]
    if node.get("deleted"):
        return "blackhole"
    if node["kind"] == vifs.GROUP and not vifs.interfaces(world, target):
        return "blackhole"
    if node["kind"] == "network-interface":   # AWS: active only on a running instance
        found = network_interfaces.attachment(world, target)
        if found is None or network_interfaces.instance_state(world, found[0]) != "running":
            return "blackhole"
    return "active"


def route_view(world: World, table: str, dest: str) -> dict[str, Any]:
    """One route as boto3's `LocalGatewayRoute`."""
    found = _find(world, table, dest)
    assert found is not None
    target, data = found
    node = world.graph.nodes[table]
    out: dict[str, Any] = {k: data[k] for k in DESTINATIONS if k in data}
    kind = world.graph.nodes[target]["kind"]
    if kind == vifs.GROUP:
        out["LocalGatewayVirtualInterfaceGroupId"] = target
    out.update(Type=data["Type"], State=state(world, target), LocalGatewayRouteTableId=table,
               LocalGatewayRouteTableArn=outposts.ec2_arn(world, table, KIND),
               OwnerId=node["account"])
    if kind == "network-interface":
        subnet = network_interfaces.subnet_of(world, target) if not world.graph.nodes[
            target].get("deleted") else None
        if subnet:
            out["SubnetId"] = subnet
        out["NetworkInterfaceId"] = target
    return out


def table_routes(world: World, table: str) -> list[tuple[str, str]]:
    """(destination, target) of each route of the table."""
    return [(str(key), str(target)) for target, key, _ in world.out(table, schema.ROUTE)]


def _rows(world: World, table: str) -> list[dict[str, Any]]:
    rows = []
    for dest, _ in table_routes(world, table):
        row = route_view(world, table, dest)
        cidr = row.get("DestinationCidrBlock")
        row["net"] = IPNetwork(cidr) if cidr else None
        rows.append(row)
    return rows


def _row(name: str) -> Filter:
    return Filter(lambda w, rid, row: row.get(name))


ROUTE_FILTERS: FilterTable = {
    "prefix-list-id": _row("DestinationPrefixListId"),
    "state": _row("State"),
    "type": _row("Type"),
}
SEARCHES = {*CIDR_MATCHES, LONGEST}


def search(world: World, part: Partition, local_gateway_route_table_id: str,
           filters: list[dict[str, Any]] | None = None, max_results: int | None = None,
           next_token: str | None = None) -> dict[str, Any]:
    """SearchLocalGatewayRoutes: the table's routes that pass the filters, paged."""
    table = local_gateway_route_table_id
    world.get(part, KIND, table)
    paging.check_max_results(max_results)
    rows = _rows(world, table)
    if any(f.get("Name") in SEARCHES for f in filters or []):
        rows = [r for r in rows if r["net"] is not None]   # a prefix list matches no CIDR
    found = select_routes(rows, filters, ROUTE_FILTERS)
    start = paging.decode(next_token, "lgw-routes", lambda p: isinstance(p, int)) \
        if next_token else 0
    end = start + max_results if max_results else len(found)
    token = paging.encode("lgw-routes", end) if end < len(found) else None
    return {"Routes": [{k: v for k, v in r.items() if k != "net"} for r in found[start:end]],
            "NextToken": token}


# -- the local gateway as a VPC route target --------------------------------------------------
def associated(world: World, lgw: str, vpc: str) -> bool:
    """Whether `vpc` is associated with one of the local gateway's route tables."""
    return any(tables.gateway_of(world, t) == lgw for t in tables.vpc_tables(world, vpc))


def _check(world: World, rtb: str, vpc: str, lgw: str) -> None:
    if not associated(world, lgw, vpc):
        raise InvalidParameterValue(
            f"route table {rtb} and local gateway {lgw} belong to different networks: "
            f"associate {vpc} with a route table of the local gateway first")


routes.TARGETS.add("local-gateway", routes.RouteTarget(
    _check, lambda world, lgw, vpc: associated(world, lgw, vpc)))
# these operations are bound from the functions above (docs/families.md)
declare_actions(KIND, {"CreateLocalGatewayRoute": create_route,
                       "ModifyLocalGatewayRoute": modify_route,
                       "DeleteLocalGatewayRoute": delete_route,
                       "SearchLocalGatewayRoutes": search})
