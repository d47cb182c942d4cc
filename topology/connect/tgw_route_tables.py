"""Transit gateway route tables: the tables, their associations and propagations (the routes
they hold, static and propagated, are `tgw_routes`').

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
* propagated routes are derived, never stored (`tgw_routes`).

AWS's rules kept here: a gateway's default association/propagation table cannot be deleted,
nor a table with associations (its propagations and routes go with it); an attachment that
is not accepted or is going away is "in invalid state" (`IncorrectState`); a static route
whose attachment is down or deleted reads `blackhole` (the attachment family keeps a deleted
attachment in state `deleted`; one removed with `World.remove` stays as a tombstone until its
last route goes).

Wordings seen from AWS: `Resource.AlreadyAssociated`, "is in invalid state". The codes
`TransitGatewayRouteTablePropagation.Duplicate`/`.NotFound` are AWS's, their messages ours, as
are those for deleting a default or associated table and for disassociating an attachment
that is not associated.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from ..core import schema
from ..core import tags as tagging
from ..core.described import Import, when_or_now
from ..core.errors import IncorrectState, InvalidParameterValue, NotFound, TopologyError
from ..core.family import Family, declare
from ..core.filters import Filter, FilterTable, field, ident
from ..core.world import Partition, World, not_found

KIND = "transit-gateway-route-table"
ATTACHMENT = "transit-gateway-attachment"
GATEWAY = "transit-gateway"
POLICY_TABLE = "transit-gateway-policy-table"
PREFIX = "tgw-rtb"
ASSOCIATION_FLAG = "DefaultAssociationRouteTable"
PROPAGATION_FLAG = "DefaultPropagationRouteTable"
# attachment states in which it can be neither associated, propagated nor routed to
UNUSABLE = {"pendingAcceptance", "initiatingRequest", "initiating", "rejecting", "rejected",
            "failing", "failed", "deleting", "deleted"}
# attachment states in which its static routes read blackhole and it propagates nothing
DOWN = {"rejecting", "rejected", "failing", "failed", "deleting", "deleted"}
PEERING_TYPES = {"peering", "tgw-peering"}


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


def state_of(world: World, rid: str) -> str | None:
    return world.graph.nodes[rid].get("State")


def _invalidstate_of(rid: str) -> IncorrectState:
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
    tagging.apply(world, rtb_id, tags or {})
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
        out["Tags"] = tagging.listed(node["tags"])
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


def check_usable(world: World, attach_id: str) -> None:
    if state_of(world, attach_id) in UNUSABLE:
        raise _invalidstate_of(attach_id)


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
    check_usable(world, attachment_id)
    if associated_table(world, attachment_id, tgw_id) is not None:
        raise TopologyError(
            f"Transit Gateway Attachment {attachment_id} is already associated to a route "
            "table.", "Resource.AlreadyAssociated")
    if any(world.into(ptb, schema.CONTAINS, GATEWAY)[0][0] == tgw_id
           for ptb, _, _ in world.into(attachment_id, schema.ASSOCIATED, POLICY_TABLE)):
        raise both_tables()
    world.link(rtb_id, attachment_id, schema.ASSOCIATED, State="associated")


def both_tables() -> IncorrectState:
    """AWS's refusal of a route table and a policy table of one gateway for one attachment."""
    return IncorrectState("Cannot have both PolicyTableAssociation and RouteTableAssociation "
                          "on the same TransitGateway Attachment", "IncorrectState")


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
    check_usable(world, attachment_id)
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


def row_field(name: str) -> Filter:
    return Filter(lambda w, rid, row: row.get(name))


ATTACHMENT_FILTERS: FilterTable = {
    "resource-id": row_field("ResourceId"),
    "resource-type": row_field("ResourceType"),
    "transit-gateway-attachment-id": row_field("TransitGatewayAttachmentId"),
}
TABLE_FILTERS: FilterTable = {
    "transit-gateway-route-table-id": row_field("TransitGatewayRouteTableId")}


def visible_attachment(world: World, part: Partition, attach_id: str) -> None:
    """An attachment the caller may ask about: its own, or one on a gateway of its own."""
    node = attachment(world, attach_id)
    mine = (node["account"], node["region"]) == (part.account, part.region) or any(
        (world.graph.nodes[g]["account"], world.graph.nodes[g]["region"])
        == (part.account, part.region) for g in gateways_of_attachment(world, attach_id))
    if not mine:
        raise not_found(ATTACHMENT, attach_id)


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
FAMILY = declare(Family(KIND, view=view, filters=FILTERS, delete=delete))
