"""Transit gateway routes: static routes (create, delete, replace), the propagated routes a
table learns, SearchTransitGatewayRoutes and ExportTransitGatewayRoutes.

A static route is an edge `tgw-rtb -[ROUTE, cidr]-> attachment {Type: static}`; a blackhole
route points at the table itself `{Type: static, blackhole: True}`. Propagated routes are
derived, never stored: a VPC attachment propagates its VPC's IPv4 blocks (and IPv6 blocks when
the attachment has IPv6 support); a VPN attachment the static routes its VPN connection holds,
if any. A static route hides a propagated one for the same prefix; when two attachments
propagate the same prefix the earlier propagation wins (AWS does not propagate a VPC CIDR
identical to one already propagated). A static route whose attachment is down or deleted reads
`blackhole`. Tables, associations and propagations are `tgw_route_tables`'.

Wordings seen from AWS: `RouteAlreadyExists`, `InvalidRoute.NotFound` ("does not exists",
sic). ExportTransitGatewayRoutes answers the S3 URL AWS would write to; ec2sim has no S3 and
writes nothing.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from netaddr import IPNetwork

from ..core import addressing, paging, schema
from ..core.clock import now
from ..core.errors import (InvalidParameterCombination, InvalidParameterValue, MissingParameter,
                           NotFound, TopologyError)
from ..core.family import declare_actions
from ..core.filters import Filter, FilterTable, select_rows
from ..core.world import Partition, World
from ..network import vpcs
from . import tgw_prefix_list_references
from .tgw_route_tables import (ATTACHMENT, DOWN, KIND, attachment_view, check_usable, gateway_of,
                               member, resource_id, resource_type, row_field, state_of)

SEARCH_DEFAULT_MAX = 1000


def parse_cidr(text: str | None, param: str = "destinationCidrBlock") -> IPNetwork:
    """An IPv4 or IPv6 destination, host bits dropped as AWS stores it."""
    version = 6 if text and ":" in text else 4
    canonical = vpcs.canonical(text, version=version)
    return addressing.parse_any(canonical, param=param)


def _static(world: World, rtb_id: str) -> dict[str, tuple[str, dict[str, Any]]]:
    """Static routes of the table: destination -> (target, edge data). Tombstoned targets
    (deleted attachments) are included: their routes read blackhole."""
    return {dest: (target, data) for target, dest, data in world.out(rtb_id, schema.ROUTE)}


def propagated_cidrs(world: World, attach_id: str) -> list[IPNetwork]:
    """The prefixes an attachment propagates: a VPC's blocks, a VPN connection's routes."""
    rtype = resource_type(world, attach_id)
    if rtype == "vpc":
        vpc_id = resource_id(world, attach_id)
        if vpc_id is None or world.node(vpc_id) is None:
            return []
        found = vpcs.blocks(world, vpc_id)
        options = world.graph.nodes[attach_id].get("Options") or {}
        if options.get("Ipv6Support") == "enable":
            found += vpcs.blocks(world, vpc_id, version=6)
        return found
    if rtype == "vpn":
        vpn_id = resource_id(world, attach_id)
        routes = world.graph.nodes[vpn_id].get("routes") if vpn_id in world.graph else None
        return [IPNetwork(cidr) for cidr in routes or ()]
    return []


def _sort_key(net: IPNetwork) -> tuple[int, int, int]:
    return net.version, net.value, net.prefixlen


def routes(world: World, rtb_id: str) -> list[dict[str, Any]]:
    """Every route of the table as boto3's `TransitGatewayRoute` (plus the internal `net`),
    ordered by destination. Static routes hide propagated ones for the same prefix."""
    tgw_id = gateway_of(world, rtb_id)
    rows: dict[str, dict[str, Any]] = {}
    for dest, (target, data) in _static(world, rtb_id).items():
        rows[dest] = static_view(world, rtb_id, tgw_id, dest, target, data)
    for row in tgw_prefix_list_references.routes(world, rtb_id):   # static beats a list's
        rows.setdefault(row["DestinationCidrBlock"], row)
    learnt = sorted(world.out(rtb_id, schema.PROPAGATES, ATTACHMENT),
                    key=lambda edge: edge[2].get("order", 0))
    for attach_id, _, _ in learnt:
        if state_of(world, attach_id) in DOWN:
            continue
        for net in propagated_cidrs(world, attach_id):
            rows.setdefault(str(net), {
                "DestinationCidrBlock": str(net), "net": net, "Type": "propagated",
                "State": "active",
                "TransitGatewayAttachments": [attachment_view(world, attach_id, tgw_id)]})
    return sorted(rows.values(), key=lambda row: _sort_key(row["net"]))


def static_view(world: World, rtb_id: str, tgw_id: str, dest: str, target: str,
                data: dict[str, Any]) -> dict[str, Any]:
    node = world.graph.nodes[target]
    row: dict[str, Any] = {"DestinationCidrBlock": dest, "net": addressing.network(dest),
                           "Type": "static"}
    if data.get("blackhole") or node.get("deleted") or node.get("State") in DOWN:
        row["State"] = "blackhole"
    else:
        row["State"] = "active"
        row["TransitGatewayAttachments"] = [attachment_view(world, target, tgw_id)]
    return row


def public_route(row: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**{k: v for k, v in row.items() if k != "net"}, **changes}


def _route_target(world: World, rtb_id: str, params: dict[str, Any]) -> str:
    """The ROUTE edge's target for Create/ReplaceTransitGatewayRoute: the attachment, or the
    table itself for a blackhole."""
    attach_id = params.get("TransitGatewayAttachmentId")
    blackhole = bool(params.get("Blackhole"))
    if attach_id and blackhole:
        raise InvalidParameterCombination(
            "The parameters transitGatewayAttachmentId and blackhole cannot be specified "
            "together.")
    if blackhole:
        return rtb_id
    if not attach_id:
        raise MissingParameter("The request must contain the parameter "
                               "transitGatewayAttachmentId or blackhole")
    member(world, rtb_id, attach_id)
    check_usable(world, attach_id)
    return attach_id


def create_route(world: World, part: Partition, transit_gateway_route_table_id: str,
                 params: dict[str, Any]
                 ) -> dict[str, Any]:
    """CreateTransitGatewayRoute: a static route to an attachment, or a blackhole."""
    world.get(part, KIND, transit_gateway_route_table_id)
    dest = str(parse_cidr(params.get("DestinationCidrBlock")))
    target = _route_target(world, transit_gateway_route_table_id, params)
    if dest in _static(world, transit_gateway_route_table_id):
        raise TopologyError(f"Route {dest} already exists in Transit Gateway Route Table "
                            f"{transit_gateway_route_table_id}.", "RouteAlreadyExists")
    _link_route(world, transit_gateway_route_table_id, target, dest)
    return _route_view(world, transit_gateway_route_table_id, dest)


def _link_route(world: World, rtb_id: str, target: str, dest: str) -> None:
    extra = {"blackhole": True} if target == rtb_id else {}
    world.link(rtb_id, target, schema.ROUTE, dest, DestinationCidrBlock=dest, Type="static",
               **extra)


def _route_view(world: World, rtb_id: str, dest: str) -> dict[str, Any]:
    target, data = _static(world, rtb_id)[dest]
    return public_route(static_view(world, rtb_id, gateway_of(world, rtb_id), dest, target, data))


def _missing_route(dest: str, rtb_id: str) -> NotFound:
    # AWS's own grammar
    return NotFound(f"Route {dest} does not exists in Transit Gateway Route Table {rtb_id}.",
                    "InvalidRoute.NotFound")


def delete_route(world: World, part: Partition, transit_gateway_route_table_id: str,
                 destination_cidr_block: str
                 ) -> dict[str, Any]:
    """DeleteTransitGatewayRoute: only static routes can be deleted; answers it `deleted`."""
    world.get(part, KIND, transit_gateway_route_table_id)
    dest = str(parse_cidr(destination_cidr_block))
    found = _static(world, transit_gateway_route_table_id).get(dest)
    if found is None:
        raise _missing_route(dest, transit_gateway_route_table_id)
    result = _route_view(world, transit_gateway_route_table_id, dest)
    world.unlink(transit_gateway_route_table_id, found[0], schema.ROUTE, dest)
    return {**result, "State": "deleted"}


def replace_route(world: World, part: Partition, transit_gateway_route_table_id: str,
                  params: dict[str, Any]
                  ) -> dict[str, Any]:
    """ReplaceTransitGatewayRoute: point a route at another attachment or a blackhole; a
    propagated route replaced becomes static."""
    world.get(part, KIND, transit_gateway_route_table_id)
    dest = str(parse_cidr(params.get("DestinationCidrBlock")))
    current = _static(world, transit_gateway_route_table_id).get(dest)
    if current is None and not any(row["DestinationCidrBlock"] == dest
                                   for row in routes(world, transit_gateway_route_table_id)):
        raise _missing_route(dest, transit_gateway_route_table_id)
    target = _route_target(world, transit_gateway_route_table_id, params)
    if current is not None:
        world.unlink(transit_gateway_route_table_id, current[0], schema.ROUTE, dest)
    _link_route(world, transit_gateway_route_table_id, target, dest)
    return _route_view(world, transit_gateway_route_table_id, dest)


# -- searching routes -----------------------------------------------------------------------------
def _attachments(name: str) -> Filter:
    return Filter(lambda w, rid, row: [a.get(name)
                                       for a in row.get("TransitGatewayAttachments", ())])


ROUTE_FILTERS: FilterTable = {
    "attachment.transit-gateway-attachment-id": _attachments("TransitGatewayAttachmentId"),
    "attachment.resource-id": _attachments("ResourceId"),
    "attachment.resource-type": _attachments("ResourceType"),
    "prefix-list-id": row_field("PrefixListId"),
    "state": row_field("State"),
    "type": row_field("Type"),
}
# ExportTransitGatewayRoutes documents its own list (no resource-type or prefix-list-id, but
# the destination CIDR)
EXPORT_FILTERS: FilterTable = {
    **{k: v for k, v in ROUTE_FILTERS.items()
       if k not in ("attachment.resource-type", "prefix-list-id")},
    "transit-gateway-route-destination-cidr-block": row_field("DestinationCidrBlock"),
}


def _within(inner: IPNetwork, outer: IPNetwork) -> bool:
    return inner.version == outer.version and inner in outer


# route-search.<name> -> does a route's network match the filter's network
CIDR_MATCHES = {
    "route-search.exact-match": lambda route, value: route == value,
    "route-search.subnet-of-match": _within,
    "route-search.supernet-of-match": lambda route, value: _within(value, route),
}
LONGEST = "route-search.longest-prefix-match"


def _search_value(name: str, text: str) -> IPNetwork:
    """A route-search value: a CIDR, or a bare address taken as a host route."""
    if text and "/" not in text:
        text += "/128" if ":" in text else "/32"
    try:
        return parse_cidr(text, param=name)
    except InvalidParameterValue:
        raise InvalidParameterValue(f"Value ({text}) for parameter {name} is invalid. "
                                    "This is not a valid CIDR block.")


def select_routes(rows: list[dict[str, Any]], specs: list[dict[str, Any]] | None,
                  table: FilterTable) -> list[dict[str, Any]]:
    """The routes passing every filter: attribute filters first, then the route-search
    filters, `longest-prefix-match` choosing among what is left."""
    specs = specs or []
    searches = [s for s in specs if str(s.get("Name", "")).startswith("route-search.")]
    plain = [s for s in specs if s not in searches]
    rows = select_rows(table, plain, rows)
    for spec in searches:
        name = spec["Name"]
        values = [_search_value(name, str(v)) for v in spec.get("Values") or []]
        if name == LONGEST:
            rows = _longest(rows, values)
        elif name in CIDR_MATCHES:
            test = CIDR_MATCHES[name]
            rows = [r for r in rows if any(test(r["net"], v) for v in values)]
        else:
            raise InvalidParameterValue(f"The filter '{name}' is invalid")
    return rows


def _longest(rows: list[dict[str, Any]], values: Iterable[IPNetwork]) -> list[dict[str, Any]]:
    """For each value, the route with the longest prefix that contains it."""
    chosen: set[str] = set()
    for value in values:
        covering = [r for r in rows if _within(value, r["net"])]
        if covering:
            chosen.add(max(covering, key=lambda r: r["net"].prefixlen)["DestinationCidrBlock"])
    return [r for r in rows if r["DestinationCidrBlock"] in chosen]


def search(world: World, part: Partition, rtb_id: str, specs: list[dict[str, Any]] | None,
           max_results: int | None, token: str | None
           ) -> tuple[list[dict[str, Any]], bool, str | None]:
    """SearchTransitGatewayRoutes: (routes, AdditionalRoutesAvailable, NextToken)."""
    world.get(part, KIND, rtb_id)
    found = select_routes(routes(world, rtb_id), specs, ROUTE_FILTERS)
    if token:
        after = tuple(paging.decode(token, "tgw-routes", _is_route_key))
        found = [r for r in found if _sort_key(r["net"]) > after]
    limit = max_results or SEARCH_DEFAULT_MAX
    page, more = found[:limit], len(found) > limit
    next_token = paging.encode("tgw-routes", list(_sort_key(page[-1]["net"]))) if more else None
    return [public_route(r) for r in page], more, next_token


def _is_route_key(position: Any) -> bool:
    """A route search position: the last route's sort key, three integers."""
    return isinstance(position, list) and len(position) == 3 and all(
        isinstance(k, int) and not isinstance(k, bool) for k in position)


def export(world: World, part: Partition, transit_gateway_route_table_id: str,
           filters: list[dict[str, Any]] | None,
           s3_bucket: str) -> str:
    """ExportTransitGatewayRoutes: the S3 URL AWS would write the JSON file to.

    ec2sim has no S3: the filters are checked and the location answered, nothing is written.
    AWS names the file after the account, region, table and time.
    """
    world.get(part, KIND, transit_gateway_route_table_id)
    if not s3_bucket:
        raise MissingParameter("The request must contain the parameter S3Bucket")
    select_routes(routes(world, transit_gateway_route_table_id), filters, EXPORT_FILTERS)
    when = now().strftime("%Y%m%dT%H%M%SZ")
    name = f"{part.account}_{part.region}_{transit_gateway_route_table_id}_{when}.json"
    return f"s3://{s3_bucket}/VPCTransitGateway/TransitGatewayRouteTables/{name}"

# these operations are bound from the functions above (docs/families.md)
declare_actions(KIND, {"CreateTransitGatewayRoute": create_route,
                       "DeleteTransitGatewayRoute": delete_route,
                       "ReplaceTransitGatewayRoute": replace_route,
                       "ExportTransitGatewayRoutes": export})
