"""Transit gateway route tables: associations, propagations, static and propagated routes.

The graph (issue 4's connectivity contract):

* `tgw -[CONTAINS]-> tgw-rtb`; the table node holds `State`, `CreationTime` and the flags
  `DefaultAssociationRouteTable` / `DefaultPropagationRouteTable` (at most one table of a
  gateway carries each; the gateway's options read them from here).
* `tgw-rtb -[ASSOCIATED]-> attachment`: the table that routes packets arriving from that
  attachment. An attachment has one association per gateway (a peering attachment sits on
  two gateways and is associated on each side).
* `tgw-rtb -[PROPAGATES]-> attachment` (data `order`): the attachment's routes are learnt by
  the table; an attachment may propagate into many tables.
* static route: `tgw-rtb -[ROUTE, cidr]-> attachment {Type: static}`; blackhole route:
  `tgw-rtb -[ROUTE, cidr]-> tgw-rtb {Type: static, blackhole: True}`.
* propagated routes are derived, never stored: a VPC attachment propagates its VPC's IPv4
  blocks (and IPv6 blocks when the attachment has IPv6 support); a VPN attachment the static
  routes its VPN connection holds, if any. A static route hides a propagated one for the same
  prefix; when two attachments propagate the same prefix the earlier propagation wins (AWS
  does not propagate a VPC CIDR identical to one already propagated).

AWS's rules kept here: a gateway's default association/propagation table cannot be deleted,
nor a table with associations (its propagations and routes go with it); an attachment that
is not accepted or is going away is "in invalid state" (`IncorrectState`); a static route
whose attachment is down or deleted reads `blackhole` (the attachment family keeps a deleted
attachment in state `deleted`; one removed with `World.remove` stays as a tombstone until its
last route goes).

Wordings seen from AWS: `Resource.AlreadyAssociated`, `RouteAlreadyExists`,
`InvalidRoute.NotFound` ("does not exists", sic), "is in invalid state". The codes
`TransitGatewayRouteTablePropagation.Duplicate`/`.NotFound` are AWS's, their messages ours, as
are those for deleting a default or associated table and for disassociating an attachment
that is not associated. ExportTransitGatewayRoutes answers the S3 URL AWS would write to;
ec2sim has no S3 and writes nothing.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from netaddr import IPNetwork

from ..core import addressing, paging, schema
from ..core.described import Import, when_or_now
from ..network import vpcs
from ..core.errors import (IncorrectState, InvalidParameterCombination, InvalidParameterValue,
    MissingParameter, NotFound, TopologyError)
from ..core.filters import Filter, FilterTable, field, ident, select_rows
from ..core.world import Partition, World, not_found

KIND = "transit-gateway-route-table"
ATTACHMENT = "transit-gateway-attachment"
GATEWAY = "transit-gateway"
PREFIX = "tgw-rtb"
ASSOCIATION_FLAG = "DefaultAssociationRouteTable"
PROPAGATION_FLAG = "DefaultPropagationRouteTable"
# attachment states in which it can be neither associated, propagated nor routed to
UNUSABLE = {"pendingAcceptance", "initiatingRequest", "initiating", "rejecting", "rejected",
            "failing", "failed", "deleting", "deleted"}
# attachment states in which its static routes read blackhole and it propagates nothing
DOWN = {"rejecting", "rejected", "failing", "failed", "deleting", "deleted"}
PEERING_TYPES = {"peering", "tgw-peering"}
SEARCH_DEFAULT_MAX = 1000


# -- reading the graph --------------------------------------------------------------------------
def gateway_of(world: World, rtb_id: str) -> str:
    return world.into(rtb_id, schema.CONTAINS, GATEWAY)[0][0]


def tables_of(world: World, tgw_id: str) -> list[str]:
    """The gateway's route tables, in creation order."""
    found = [v for v, _, _ in world.out(tgw_id, schema.CONTAINS, KIND)]
    return sorted(found, key=lambda r: world.graph.nodes[r]["seq"])


def default_table(world: World, tgw_id: str, flag: str) -> str | None:
    """The gateway's default association (or propagation) table, by `ASSOCIATION_FLAG` or
    `PROPAGATION_FLAG`; None when the option is off."""
    for rtb in tables_of(world, tgw_id):
        if world.graph.nodes[rtb].get(flag):
            return rtb
    return None


def gateways_of_attachment(world: World, attach_id: str) -> list[str]:
    """The gateways an attachment sits on: its own, and for a peering attachment the peer."""
    own = [v for v, _, _ in world.out(attach_id, schema.ATTACHED, GATEWAY)]
    peer = [v for v, disc, _ in world.out(attach_id, schema.ASSOCIATED, GATEWAY) if disc == "peer"]
    return own + peer


def resource_type(world: World, attach_id: str) -> str | None:
    return world.graph.nodes[attach_id].get("ResourceType")


def resource_id(world: World, attach_id: str, tgw_id: str | None = None) -> str | None:
    """What the attachment connects, seen from gateway `tgw_id`: the VPC, the VPN
    connection, or for a peering attachment the gateway on the other side."""
    node = world.graph.nodes[attach_id]
    rtype = node.get("ResourceType")
    if rtype in PEERING_TYPES:
        others = [g for g in gateways_of_attachment(world, attach_id) if g != tgw_id]
        return others[0] if others else node.get("ResourceId")
    if rtype == "vpc":
        found = [v for v, disc, _ in world.out(attach_id, schema.ASSOCIATED, "vpc")
                 if disc == "vpc"]
        return found[0] if found else node.get("ResourceId")
    found = [v for v, _, _ in world.into(attach_id, schema.ATTACHED, "vpn-connection")]
    return found[0] if found else node.get("ResourceId")


def attachment_view(world: World, attach_id: str, tgw_id: str) -> dict[str, Any]:
    """`{TransitGatewayAttachmentId, ResourceId, ResourceType}` of an attachment."""
    out: dict[str, Any] = {"TransitGatewayAttachmentId": attach_id}
    rid, rtype = resource_id(world, attach_id, tgw_id), resource_type(world, attach_id)
    if rid is not None:
        out["ResourceId"] = rid
    if rtype is not None:
        out["ResourceType"] = rtype
    return out


def _state(world: World, rid: str) -> str | None:
    return world.graph.nodes[rid].get("State")


def _invalid_state(rid: str) -> IncorrectState:
    return IncorrectState(f"{rid} is in invalid state", "IncorrectState")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


# -- route tables ---------------------------------------------------------------------------------
def create(world: World, part: Partition, tgw_id: str, *, default: bool = False,
           tags: dict[str, str] | None = None) -> str:
    """Add a route table to the gateway; `default` makes it the gateway's default
    association and propagation table (what CreateTransitGateway does)."""
    rtb_id = world.new_id(PREFIX)
    world.add(part, KIND, rtb_id, State="available", CreationTime=_now(),
              **{ASSOCIATION_FLAG: default, PROPAGATION_FLAG: default})
    world.link(tgw_id, rtb_id, schema.CONTAINS)
    for key, value in (tags or {}).items():
        world.tag(rtb_id, key, value)
    return rtb_id


def set_default(world: World, tgw_id: str, flag: str, rtb_id: str | None) -> None:
    """Make `rtb_id` the gateway's default association or propagation table (None: no
    default), for ModifyTransitGateway. Raises the table's NotFound for another gateway's."""
    if rtb_id is not None:
        world.find(KIND, rtb_id)
        if gateway_of(world, rtb_id) != tgw_id:
            raise not_found(KIND, rtb_id)
    for table in tables_of(world, tgw_id):
        wanted = table == rtb_id
        if bool(world.graph.nodes[table].get(flag)) != wanted:
            world.update(table, **{flag: wanted})


def delete(world: World, part: Partition, rtb_id: str) -> dict[str, Any]:
    """Delete a table (its propagations and routes with it); returns its last view.

    Refused (`IncorrectState`) for the gateway's default tables and while attachments are
    associated with it.
    """
    node = world.get(part, KIND, rtb_id)
    tgw_id = gateway_of(world, rtb_id)
    for flag, label in ((ASSOCIATION_FLAG, "association"), (PROPAGATION_FLAG, "propagation")):
        if node.get(flag):
            raise IncorrectState(
                f"{rtb_id} is the default {label} route table of {tgw_id} and cannot be "
                "deleted.", "IncorrectState")
    if world.out(rtb_id, schema.ASSOCIATED, ATTACHMENT):
        raise IncorrectState(f"{rtb_id} has non-deleted associations", "IncorrectState")
    result = {**view(world, rtb_id), "State": "deleting"}
    _drop_table(world, rtb_id)
    return result


def _drop_table(world: World, rtb_id: str) -> None:
    # routes first: a route edge into the table (a blackhole) would keep it as a tombstone
    for target, dest, _ in world.out(rtb_id, schema.ROUTE):
        world.unlink(rtb_id, target, schema.ROUTE, dest)
    world.remove(rtb_id)


def release_gateway(world: World, tgw_id: str) -> None:
    """Remove every route table of a gateway being deleted (DeleteTransitGateway)."""
    for rtb_id in tables_of(world, tgw_id):
        _drop_table(world, rtb_id)


def view(world: World, rtb_id: str) -> dict[str, Any]:
    """The table as boto3's `TransitGatewayRouteTable`."""
    node = world.graph.nodes[rtb_id]
    out: dict[str, Any] = {
        "TransitGatewayRouteTableId": rtb_id,
        "TransitGatewayId": gateway_of(world, rtb_id),
        "State": node["State"],
        "DefaultAssociationRouteTable": bool(node.get(ASSOCIATION_FLAG)),
        "DefaultPropagationRouteTable": bool(node.get(PROPAGATION_FLAG)),
        "CreationTime": node["CreationTime"],
    }
    if node["tags"]:
        out["Tags"] = [{"Key": k, "Value": v} for k, v in node["tags"].items()]
    return out


def _in_gateway(world: World, part: Partition, value: str) -> list[str]:
    return [v for v, _, _ in world.out(value, schema.CONTAINS, KIND)]


FILTERS: FilterTable = {
    "default-association-route-table": Filter(lambda w, rid, n: bool(n.get(ASSOCIATION_FLAG))),
    "default-propagation-route-table": Filter(lambda w, rid, n: bool(n.get(PROPAGATION_FLAG))),
    "state": field("State"),
    "transit-gateway-id": Filter(lambda w, rid, n: gateway_of(w, rid), _in_gateway, exact=True),
    "transit-gateway-route-table-id": ident(),
}


# -- associations and propagations --------------------------------------------------------------
def table(world: World, rtb_id: str) -> dict[str, Any]:
    """A live route table anywhere (the contract's callers act for the gateway's owner)."""
    return world.find(KIND, rtb_id)


def attachment(world: World, attach_id: str) -> dict[str, Any]:
    """A live attachment anywhere; a deleted one (kept in its last state by its family, or a
    tombstone) "was deleted or does not exist"."""
    node = world.find(ATTACHMENT, attach_id)
    if node.get("State") == "deleted":
        raise not_found(ATTACHMENT, attach_id)
    return node


def member(world: World, rtb_id: str, attach_id: str) -> str:
    """Check that the attachment exists and sits on the table's gateway; returns the gateway."""
    attachment(world, attach_id)
    tgw_id = gateway_of(world, rtb_id)
    if tgw_id not in gateways_of_attachment(world, attach_id):
        raise InvalidParameterValue(
            f"Transit Gateway Attachment {attach_id} does not belong to Transit Gateway "
            f"{tgw_id}.")
    return tgw_id


def _usable(world: World, attach_id: str) -> None:
    if _state(world, attach_id) in UNUSABLE:
        raise _invalid_state(attach_id)


def associated_table(world: World, attach_id: str, tgw_id: str) -> str | None:
    """The table of gateway `tgw_id` the attachment is associated with, if any."""
    for rtb, _, _ in world.into(attach_id, schema.ASSOCIATED, KIND):
        if gateway_of(world, rtb) == tgw_id:
            return rtb
    return None


def associate(world: World, part: Partition, rtb_id: str, attachment_id: str) -> None:
    """Associate the attachment with the table: the table then routes its traffic.

    Raises `Resource.AlreadyAssociated` when the attachment already has a table on this
    gateway, `IncorrectState` when it is not accepted or going away.
    """
    table(world, rtb_id)
    tgw_id = member(world, rtb_id, attachment_id)
    _usable(world, attachment_id)
    if associated_table(world, attachment_id, tgw_id) is not None:
        raise TopologyError(
            f"Transit Gateway Attachment {attachment_id} is already associated to a route "
            "table.", "Resource.AlreadyAssociated")
    world.link(rtb_id, attachment_id, schema.ASSOCIATED, State="associated")


def disassociate(world: World, part: Partition, rtb_id: str, attachment_id: str) -> None:
    table(world, rtb_id)
    member(world, rtb_id, attachment_id)
    if not world.graph.has_edge(rtb_id, attachment_id, (schema.ASSOCIATED, None)):
        raise NotFound(
            f"Transit Gateway Attachment {attachment_id} is not associated with Transit "
            f"Gateway Route Table {rtb_id}.", "InvalidAssociation.NotFound")
    world.unlink(rtb_id, attachment_id, schema.ASSOCIATED)


def association_view(world: World, rtb_id: str, attach_id: str, state: str) -> dict[str, Any]:
    """boto3's `TransitGatewayAssociation` (what associate/disassociate answer)."""
    return {"TransitGatewayRouteTableId": rtb_id,
            **attachment_view(world, attach_id, gateway_of(world, rtb_id)), "State": state}


def propagates(world: World, rtb_id: str, attach_id: str) -> bool:
    return world.graph.has_edge(rtb_id, attach_id, (schema.PROPAGATES, None))


def enable_propagation(world: World, part: Partition, rtb_id: str, attachment_id: str) -> None:
    """Let the table learn the attachment's routes (`TransitGatewayRouteTablePropagation
    .Duplicate` if it already does)."""
    table(world, rtb_id)
    member(world, rtb_id, attachment_id)
    _usable(world, attachment_id)
    if propagates(world, rtb_id, attachment_id):
        raise TopologyError(
            f"Propagation of Transit Gateway Attachment {attachment_id} to Transit Gateway "
            f"Route Table {rtb_id} already exists.",
            "TransitGatewayRouteTablePropagation.Duplicate")
    order = 1 + max((d.get("order", 0) for _, _, d in world.out(rtb_id, schema.PROPAGATES)),
                    default=0)
    world.link(rtb_id, attachment_id, schema.PROPAGATES, State="enabled", order=order)


def disable_propagation(world: World, part: Partition, rtb_id: str, attachment_id: str) -> None:
    table(world, rtb_id)
    member(world, rtb_id, attachment_id)
    if not propagates(world, rtb_id, attachment_id):
        raise NotFound(
            f"Propagation of Transit Gateway Attachment {attachment_id} to Transit Gateway "
            f"Route Table {rtb_id} does not exist.",
            "TransitGatewayRouteTablePropagation.NotFound")
    world.unlink(rtb_id, attachment_id, schema.PROPAGATES)


def propagation_view(world: World, rtb_id: str, attach_id: str, state: str) -> dict[str, Any]:
    """boto3's `TransitGatewayPropagation` (what enable/disable answer)."""
    return {**attachment_view(world, attach_id, gateway_of(world, rtb_id)),
            "TransitGatewayRouteTableId": rtb_id, "State": state}


def release_attachment(world: World, part: Partition, attachment_id: str) -> None:
    """Forget an attachment being deleted: its associations and propagations go, its static
    routes stay and read blackhole (as AWS's do once their attachment is gone)."""
    for rtb, _, _ in world.into(attachment_id, schema.ASSOCIATED, KIND):
        world.unlink(rtb, attachment_id, schema.ASSOCIATED)
    for rtb, _, _ in world.into(attachment_id, schema.PROPAGATES, KIND):
        world.unlink(rtb, attachment_id, schema.PROPAGATES)


# listings: rows for the Get* calls, filtered with the filter engine's row semantics
def association_rows(world: World, rtb_id: str) -> list[dict[str, Any]]:
    tgw_id = gateway_of(world, rtb_id)
    return [{**attachment_view(world, a, tgw_id), "State": "associated", "id": a}
            for a, _, _ in world.out(rtb_id, schema.ASSOCIATED, ATTACHMENT)]


def propagation_rows(world: World, rtb_id: str) -> list[dict[str, Any]]:
    tgw_id = gateway_of(world, rtb_id)
    return [{**attachment_view(world, a, tgw_id), "State": "enabled", "id": a}
            for a, _, _ in world.out(rtb_id, schema.PROPAGATES, ATTACHMENT)]


def attachment_propagation_rows(world: World, attach_id: str) -> list[dict[str, Any]]:
    return [{"TransitGatewayRouteTableId": rtb, "State": "enabled", "id": rtb}
            for rtb, _, _ in world.into(attach_id, schema.PROPAGATES, KIND)]


def _row(name: str) -> Filter:
    return Filter(lambda w, rid, row: row.get(name))


ATTACHMENT_FILTERS: FilterTable = {
    "resource-id": _row("ResourceId"),
    "resource-type": _row("ResourceType"),
    "transit-gateway-attachment-id": _row("TransitGatewayAttachmentId"),
}
TABLE_FILTERS: FilterTable = {"transit-gateway-route-table-id": _row("TransitGatewayRouteTableId")}


def visible_attachment(world: World, part: Partition, attach_id: str) -> None:
    """An attachment the caller may ask about: its own, or one on a gateway of its own."""
    node = attachment(world, attach_id)
    mine = (node["account"], node["region"]) == (part.account, part.region) or any(
        (world.graph.nodes[g]["account"], world.graph.nodes[g]["region"])
        == (part.account, part.region) for g in gateways_of_attachment(world, attach_id))
    if not mine:
        raise not_found(ATTACHMENT, attach_id)


# -- routes ---------------------------------------------------------------------------------------
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
    learnt = sorted(world.out(rtb_id, schema.PROPAGATES, ATTACHMENT),
                    key=lambda edge: edge[2].get("order", 0))
    for attach_id, _, _ in learnt:
        if _state(world, attach_id) in DOWN:
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
    _usable(world, attach_id)
    return attach_id


def create_route(world: World, part: Partition, rtb_id: str, params: dict[str, Any]
                 ) -> dict[str, Any]:
    """CreateTransitGatewayRoute: a static route to an attachment, or a blackhole."""
    world.get(part, KIND, rtb_id)
    dest = str(parse_cidr(params.get("DestinationCidrBlock")))
    target = _route_target(world, rtb_id, params)
    if dest in _static(world, rtb_id):
        raise TopologyError(f"Route {dest} already exists in Transit Gateway Route Table "
                            f"{rtb_id}.", "RouteAlreadyExists")
    _link_route(world, rtb_id, target, dest)
    return _route_view(world, rtb_id, dest)


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


def delete_route(world: World, part: Partition, rtb_id: str, destination: str
                 ) -> dict[str, Any]:
    """DeleteTransitGatewayRoute: only static routes can be deleted; answers it `deleted`."""
    world.get(part, KIND, rtb_id)
    dest = str(parse_cidr(destination))
    found = _static(world, rtb_id).get(dest)
    if found is None:
        raise _missing_route(dest, rtb_id)
    result = _route_view(world, rtb_id, dest)
    world.unlink(rtb_id, found[0], schema.ROUTE, dest)
    return {**result, "State": "deleted"}


def replace_route(world: World, part: Partition, rtb_id: str, params: dict[str, Any]
                  ) -> dict[str, Any]:
    """ReplaceTransitGatewayRoute: point a route at another attachment or a blackhole; a
    propagated route replaced becomes static."""
    world.get(part, KIND, rtb_id)
    dest = str(parse_cidr(params.get("DestinationCidrBlock")))
    current = _static(world, rtb_id).get(dest)
    if current is None and not any(row["DestinationCidrBlock"] == dest
                                   for row in routes(world, rtb_id)):
        raise _missing_route(dest, rtb_id)
    target = _route_target(world, rtb_id, params)
    if current is not None:
        world.unlink(rtb_id, current[0], schema.ROUTE, dest)
    _link_route(world, rtb_id, target, dest)
    return _route_view(world, rtb_id, dest)


# -- searching routes -----------------------------------------------------------------------------
def _attachments(name: str) -> Filter:
    return Filter(lambda w, rid, row: [a.get(name)
                                       for a in row.get("TransitGatewayAttachments", ())])


ROUTE_FILTERS: FilterTable = {
    "attachment.transit-gateway-attachment-id": _attachments("TransitGatewayAttachmentId"),
    "attachment.resource-id": _attachments("ResourceId"),
    "attachment.resource-type": _attachments("ResourceType"),
    "prefix-list-id": _row("PrefixListId"),
    "state": _row("State"),
    "type": _row("Type"),
}
# ExportTransitGatewayRoutes documents its own list (no resource-type or prefix-list-id, but
# the destination CIDR)
EXPORT_FILTERS: FilterTable = {
    **{k: v for k, v in ROUTE_FILTERS.items()
       if k not in ("attachment.resource-type", "prefix-list-id")},
    "transit-gateway-route-destination-cidr-block": _row("DestinationCidrBlock"),
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


def export(world: World, part: Partition, rtb_id: str, specs: list[dict[str, Any]] | None,
           bucket: str) -> str:
    """ExportTransitGatewayRoutes: the S3 URL AWS would write the JSON file to.

    ec2sim has no S3: the filters are checked and the location answered, nothing is written.
    AWS names the file after the account, region, table and time.
    """
    world.get(part, KIND, rtb_id)
    if not bucket:
        raise MissingParameter("The request must contain the parameter S3Bucket")
    select_routes(routes(world, rtb_id), specs, EXPORT_FILTERS)
    when = _now().strftime("%Y%m%dT%H%M%SZ")
    name = f"{part.account}_{part.region}_{rtb_id}_{when}.json"
    return f"s3://{bucket}/VPCTransitGateway/TransitGatewayRouteTables/{name}"


# -- import (topology/provision/importer.py) -------------------------------------------------
ASSOCIATIONS, PROPAGATIONS, ROUTES = ("GetTransitGatewayRouteTableAssociations",
                                      "GetTransitGatewayRouteTablePropagations",
                                      "SearchTransitGatewayRoutes")


def imported(imp: Import, item: dict[str, Any]) -> None:
    """A described table: CONTAINS from its gateway, its default flags, and what the
    per-table calls gave: associations, propagations (in order) and static routes (a
    blackhole points at the table itself)."""
    rtb_id, tgw_id = item["TransitGatewayRouteTableId"], item.get("TransitGatewayId", "")
    if item.get("State") in ("deleting", "deleted"):
        return
    if not imp.has(tgw_id, "transit-gateway"):
        imp.skip(KIND, "its transit gateway was not described")
        return
    if not imp.add(KIND, rtb_id, item, State=item.get("State", "available"),
                   CreationTime=when_or_now(item.get("CreationTime")),
                   **{ASSOCIATION_FLAG: bool(item.get(ASSOCIATION_FLAG)),
                      PROPAGATION_FLAG: bool(item.get(PROPAGATION_FLAG))}):
        return
    imp.world.link(tgw_id, rtb_id, schema.CONTAINS)
    for row in imp.found(ASSOCIATIONS, rtb_id):
        if row.get("State", "associated") in ("associated", "associating"):
            _imported_member(imp, rtb_id, row, schema.ASSOCIATED, "association",
                             State="associated")
    for order, row in enumerate(imp.found(PROPAGATIONS, rtb_id), 1):
        if row.get("State", "enabled") in ("enabled", "enabling"):
            _imported_member(imp, rtb_id, row, schema.PROPAGATES, "propagation",
                             State="enabled", order=order)
    for route in imp.found(ROUTES, rtb_id):
        _imported_route(imp, rtb_id, route)


def _imported_member(imp: Import, rtb_id: str, row: dict[str, Any], etype: str, what: str,
                     **data: Any) -> None:
    attach_id = row.get("TransitGatewayAttachmentId", "")
    if imp.has(attach_id, "transit-gateway-attachment"):
        imp.world.link(rtb_id, attach_id, etype, **data)
    else:
        imp.skip(f"transit gateway route table {what}", f"{attach_id} was not built")


def _imported_route(imp: Import, rtb_id: str, route: dict[str, Any]) -> None:
    dest = route.get("DestinationCidrBlock")
    if route.get("Type", "static") != "static" or not dest:
        if not dest:
            imp.skip("transit gateway route", "no destination (prefix list routes are not "
                     "modelled)")
        return
    targets = [a.get("TransitGatewayAttachmentId") for a in
               route.get("TransitGatewayAttachments") or []]
    if not targets and route.get("State") == "blackhole":
        imp.world.link(rtb_id, rtb_id, schema.ROUTE, dest, DestinationCidrBlock=dest,
                       Type="static", blackhole=True)
    elif targets and imp.has(targets[0], "transit-gateway-attachment"):
        imp.world.link(rtb_id, targets[0], schema.ROUTE, dest, DestinationCidrBlock=dest,
                       Type="static")
    else:
        imp.skip("transit gateway route", "its attachment was not built")


# -- the family: its plain Create/Delete/Describe operations are bound from this (docs/families.md)
from ..core.family import Family, declare  # noqa: E402  (kept beside the declaration)

FAMILY = declare(Family(KIND, view=view, filters=FILTERS, delete=delete))
