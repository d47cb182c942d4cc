"""Transit gateway route table announcements: a route table advertised over a peering
attachment of its gateway (`announcement -[ASSOCIATED, "table"]-> tgw-rtb`,
`-[ASSOCIATED, "peering"]-> attachment`). The announcement goes with its route table; the
peering attachment must be available and sit on the table's gateway."""
from __future__ import annotations

from typing import Any

from ..core import schema
from ..core import tags as tagging
from ..core.clock import now
from ..core.errors import IncorrectState, InvalidParameterValue
from ..core.family import Family, declare, removed
from ..core.filters import Filter, FilterTable, field, ident
from ..core.world import Partition, World
from . import tgw_route_tables as rtbs
from .tgw_attachments import PEERING_LABEL
from .tgw_attachments import gateway_of as attachment_gateway
from .tgw_attachments import get, peer_gateway

KIND = "transit-gateway-route-table-announcement"


def _end(world: World, ann_id: str, role: str) -> str | None:
    found = [v for v, disc, _ in world.out(ann_id, schema.ASSOCIATED) if disc == role]
    return found[0] if found else None


def create(world: World, part: Partition, transit_gateway_route_table_id: str,
           peering_attachment_id: str, *, tags: dict[str, str] | None = None) -> str:
    rtb_id, attach_id = transit_gateway_route_table_id, peering_attachment_id
    world.get(part, rtbs.KIND, rtb_id)
    node = get(world, part, attach_id, rtype="peering", label=PEERING_LABEL)
    tgw_id = rtbs.gateway_of(world, rtb_id)
    if tgw_id not in rtbs.gateways_of_attachment(world, attach_id):
        raise InvalidParameterValue(f"Transit Gateway Attachment {attach_id} does not belong "
                                    f"to Transit Gateway {tgw_id}.")
    if node["State"] != "available":
        raise IncorrectState(f"{attach_id} is in invalid state", "IncorrectState")
    ann_id = world.new_id("tgw-rtb-ann")
    world.add(part, KIND, ann_id, State="available", CreationTime=now())
    world.link(ann_id, rtb_id, schema.ASSOCIATED, "table")
    world.link(ann_id, attach_id, schema.ASSOCIATED, "peering")
    tagging.apply(world, ann_id, tags or {})
    return ann_id


def delete(world: World, part: Partition, ann_id: str) -> dict[str, Any]:
    world.get(part, KIND, ann_id)
    return removed(world, ann_id, view, "deleting")


def view(world: World, ann_id: str) -> dict[str, Any]:
    """boto3's `TransitGatewayRouteTableAnnouncement`."""
    node = world.graph.nodes[ann_id]
    rtb, attach = _end(world, ann_id, "table"), _end(world, ann_id, "peering")
    out: dict[str, Any] = {"TransitGatewayRouteTableAnnouncementId": ann_id}
    tgw = rtbs.gateway_of(world, rtb) if rtb else None
    if tgw is not None:
        out["TransitGatewayId"] = tgw
    if attach is not None:
        ends = [attachment_gateway(world, attach), peer_gateway(world, attach)]
        peer = next((g for g in ends if g is not None and g != tgw), None)
        if peer is not None:
            out["PeerTransitGatewayId"] = peer
        out["PeeringAttachmentId"] = attach
    out["AnnouncementDirection"] = "outgoing"
    if rtb is not None:
        out["TransitGatewayRouteTableId"] = rtb
    out.update(State=node["State"], CreationTime=node["CreationTime"],
               Tags=tagging.listed(node["tags"]))
    return out


FILTERS: FilterTable = {
    "peering-attachment-id": Filter(lambda w, rid, n: _end(w, rid, "peering")),
    "state": field("State"),
    "transit-gateway-id": Filter(lambda w, rid, n: view(w, rid).get("TransitGatewayId")),
    "transit-gateway-route-table-announcement-id": ident(),
    "transit-gateway-route-table-id": Filter(lambda w, rid, n: _end(w, rid, "table")),
}

FAMILY = declare(Family(
    KIND, view=view, filters=FILTERS, create=create,
    created_view=lambda world, rid: {**view(world, rid), "State": "pending"}, delete=delete,
    max_results=(5, 1000)))
