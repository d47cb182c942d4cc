"""Prefix-list references in transit gateway route tables: one reference stands for a route
to each CIDR of a managed prefix list, to an attachment or a blackhole.

A reference is an edge `tgw-rtb -[REFERENCES]-> prefix-list` whose data name the
attachment (`attachment`) or `Blackhole`; the routes are derived from the list's current
entries (`routes`, read by `tgw_routes`), so a change to the list changes them. The
attachment must sit on the table's gateway and be usable; a route whose attachment goes
down reads `blackhole`. One reference per list and table; a list referenced by a table
cannot be deleted (`prefix_lists.references` counts the tables).
"""
from __future__ import annotations

from typing import Any

from ..core import addressing, schema
from ..core.errors import (InvalidParameterCombination, MissingParameter, NotFound,
                           TopologyError)
from ..core.family import declare_actions
from ..core.filters import Filter, FilterTable, select_rows
from ..core.world import Partition, World
from ..network import prefix_lists
from ..network.prefix_lists import page_rows
from . import tgw_route_tables as rtbs

KIND = rtbs.KIND
LIST = prefix_lists.KIND


def _reference(world: World, rtb_id: str, pl_id: str) -> dict[str, Any] | None:
    key = (schema.REFERENCES, None)
    if world.graph.has_edge(rtb_id, pl_id, key):
        data: dict[str, Any] = world.graph.edges[rtb_id, pl_id, key]
        return data
    return None


def _target(world: World, rtb_id: str, attach_id: str | None, blackhole: bool | None
            ) -> dict[str, Any]:
    """The edge data for a reference: the attachment, or a blackhole."""
    if attach_id and blackhole:
        raise InvalidParameterCombination(
            "The parameters transitGatewayAttachmentId and blackhole cannot be specified "
            "together.")
    if blackhole:
        return {"Blackhole": True, "attachment": None}
    if not attach_id:
        raise MissingParameter("The request must contain the parameter "
                               "transitGatewayAttachmentId or blackhole")
    rtbs.member(world, rtb_id, attach_id)
    rtbs.check_usable(world, attach_id)
    return {"Blackhole": False, "attachment": attach_id}


def _missing(rtb_id: str, pl_id: str) -> NotFound:
    return NotFound(f"The prefix list reference {pl_id} does not exist in Transit Gateway "
                    f"Route Table {rtb_id}.", "InvalidPrefixListID.NotFound")


def create(world: World, part: Partition, transit_gateway_route_table_id: str,
           prefix_list_id: str, *, transit_gateway_attachment_id: str | None = None,
           blackhole: bool | None = None) -> dict[str, Any]:
    rtb_id, pl_id = transit_gateway_route_table_id, prefix_list_id
    world.get(part, KIND, rtb_id)
    prefix_lists.find(world, part, pl_id)
    data = _target(world, rtb_id, transit_gateway_attachment_id, blackhole)
    if _reference(world, rtb_id, pl_id) is not None:
        raise TopologyError(f"A reference to prefix list {pl_id} already exists in Transit "
                            f"Gateway Route Table {rtb_id}.", "RouteAlreadyExists")
    world.link(rtb_id, pl_id, schema.REFERENCES, **data)
    return view(world, rtb_id, pl_id, "pending")


def modify(world: World, part: Partition, transit_gateway_route_table_id: str,
           prefix_list_id: str, *, transit_gateway_attachment_id: str | None = None,
           blackhole: bool | None = None) -> dict[str, Any]:
    rtb_id, pl_id = transit_gateway_route_table_id, prefix_list_id
    world.get(part, KIND, rtb_id)
    if _reference(world, rtb_id, pl_id) is None:
        raise _missing(rtb_id, pl_id)
    data = _target(world, rtb_id, transit_gateway_attachment_id, blackhole)
    world.unlink(rtb_id, pl_id, schema.REFERENCES)
    world.link(rtb_id, pl_id, schema.REFERENCES, **data)
    return view(world, rtb_id, pl_id, "modifying")


def delete(world: World, part: Partition, transit_gateway_route_table_id: str,
           prefix_list_id: str) -> dict[str, Any]:
    rtb_id, pl_id = transit_gateway_route_table_id, prefix_list_id
    world.get(part, KIND, rtb_id)
    if _reference(world, rtb_id, pl_id) is None:
        raise _missing(rtb_id, pl_id)
    answer = view(world, rtb_id, pl_id, "deleting")
    world.unlink(rtb_id, pl_id, schema.REFERENCES)
    return answer


def view(world: World, rtb_id: str, pl_id: str, state: str = "available") -> dict[str, Any]:
    """boto3's `TransitGatewayPrefixListReference`."""
    data = _reference(world, rtb_id, pl_id) or {}
    out: dict[str, Any] = {"TransitGatewayRouteTableId": rtb_id, "PrefixListId": pl_id,
                           "PrefixListOwnerId": prefix_lists.owner_id(world.graph.nodes[pl_id]),
                           "State": state, "Blackhole": bool(data.get("Blackhole"))}
    attach = data.get("attachment")
    if attach is not None and attach in world.graph:
        out["TransitGatewayAttachment"] = rtbs.attachment_view(world, attach,
                                                               rtbs.gateway_of(world, rtb_id))
    return out


def referenced(world: World, rtb_id: str) -> list[str]:
    """The prefix lists a table references, in the order they were referenced."""
    return [pl for pl, _, _ in world.out(rtb_id, schema.REFERENCES, LIST)]


def _attached(name: str) -> Filter:
    return Filter(lambda w, rid, row: (row.get("TransitGatewayAttachment") or {}).get(name))


FILTERS: FilterTable = {
    "attachment.resource-id": _attached("ResourceId"),
    "attachment.resource-type": _attached("ResourceType"),
    "attachment.transit-gateway-attachment-id": _attached("TransitGatewayAttachmentId"),
    "is-blackhole": Filter(lambda w, rid, row: row["Blackhole"]),
    "prefix-list-id": Filter(lambda w, rid, row: row["PrefixListId"]),
    "prefix-list-owner-id": Filter(lambda w, rid, row: row["PrefixListOwnerId"]),
    "state": Filter(lambda w, rid, row: row["State"]),
}


def listing(world: World, part: Partition, rtb_id: str, filters: list[dict[str, Any]] | None,
            max_results: int | None, next_token: str | None) -> dict[str, Any]:
    """GetTransitGatewayPrefixListReferences."""
    world.get(part, KIND, rtb_id)
    rows = [view(world, rtb_id, pl) for pl in referenced(world, rtb_id)]
    chosen = select_rows(FILTERS, filters, rows, taggable=False)
    page, token = page_rows(chosen, max_results, next_token)
    return {"TransitGatewayPrefixListReferences": page, "NextToken": token}


def routes(world: World, rtb_id: str) -> list[dict[str, Any]]:
    """The routes the table's references stand for, as `tgw_routes` rows: one per CIDR of
    each list, `static`, naming the list; `blackhole` for a blackhole reference or an
    attachment that is down."""
    tgw_id = rtbs.gateway_of(world, rtb_id)
    rows = []
    for pl_id, _, data in world.out(rtb_id, schema.REFERENCES, LIST):
        attach = data.get("attachment")
        down = data.get("Blackhole") or attach is None or attach not in world.graph or \
            world.graph.nodes[attach].get("deleted") or rtbs.state_of(world, attach) in rtbs.DOWN
        for cidr in prefix_lists.cidrs(world, pl_id):
            row: dict[str, Any] = {"DestinationCidrBlock": cidr, "net": addressing.network(cidr),
                                   "PrefixListId": pl_id, "Type": "static",
                                   "State": "blackhole" if down else "active"}
            if not down:
                row["TransitGatewayAttachments"] = [rtbs.attachment_view(world, attach, tgw_id)]
            rows.append(row)
    return rows


declare_actions(KIND, {"CreateTransitGatewayPrefixListReference": create,
                       "ModifyTransitGatewayPrefixListReference": modify,
                       "DeleteTransitGatewayPrefixListReference": delete})
