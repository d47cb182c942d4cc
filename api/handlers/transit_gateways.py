"""Transit gateway operations with logic of their own: describe and modify gateways, and the
describe of every attachment type. Attachments' create/modify/accept/reject/delete (answered
in their transient states) are bound from topology/connect/tgw_*_attachments.py."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from topology.connect import tgw_attachments as attachments
from topology.connect import tgw_peering_attachments as peering_attachments
from topology.connect import tgw_vpc_attachments as vpc_attachments
from topology.connect import transit_gateways as gateways
from topology.core import filters, paging, sharing
from topology.core import tags as tagging

from ..operations import Context, handler

ATTACHMENT_TYPE = "transit-gateway-attachment"


def _page(ctx: Context, params: dict[str, Any], chosen: list[str], output: str,
          view: Callable[[str], dict[str, Any]]) -> dict[str, Any]:
    page, token = paging.page(ctx.world, chosen, params.get("MaxResults"), params.get("NextToken"))
    return {output: [view(rid) for rid in page], "NextToken": token}


# -- transit gateways ---------------------------------------------------------------------------
@handler
def describe_transit_gateways(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    world, part = ctx.world, ctx.part
    ids = list(dict.fromkeys(params.get("TransitGatewayIds") or [])) or None
    for rid in ids or ():
        if not sharing.can_use(world, part, rid):
            gateways.get(world, part, rid, live=False)
    chosen = filters.select(world, part, gateways.KIND, gateways.FILTERS, params.get("Filters"),
                            ids)
    if ids is None:   # and those other accounts share with the caller (AWS RAM)
        shared = sharing.shared_into(world, part, gateways.KIND)
        chosen += [rid for rid in filters.select(world, part, gateways.KIND, gateways.FILTERS,
                                                  params.get("Filters"), shared)
                   if world.graph.nodes[rid]["State"] not in gateways.GONE]
    return _page(ctx, params, chosen, "TransitGateways", lambda rid: gateways.view(world, rid))


@handler
def modify_transit_gateway(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    tgw_id = params["TransitGatewayId"]
    gateways.modify(ctx.world, ctx.part, tgw_id, description=params.get("Description"),
                    changes=params.get("Options"))
    state = "modifying" if params.get("Options") else "available"
    return {"TransitGateway": {**gateways.view(ctx.world, tgw_id), "State": state}}


# -- attachments, any type ----------------------------------------------------------------------
def _describe_attachments(ctx: Context, params: dict[str, Any], *, rtype: str | None,
                          table: filters.FilterTable, view: Callable[[str], dict[str, Any]],
                          output: str) -> dict[str, Any]:
    """Named attachments (all must be visible, of the type), or the caller's own plus the
    peering attachments other accounts and regions requested to its gateways; filtered."""
    world, part = ctx.world, ctx.part
    specs = list(params.get("Filters") or [])
    if rtype is not None:
        specs.append({"Name": attachments.TYPE_FILTER, "Values": [rtype]})
    ids = list(dict.fromkeys(params.get("TransitGatewayAttachmentIds") or []))
    if ids:
        for rid in ids:
            attachments.get(world, part, rid, rtype=rtype, live=False)
        chosen = filters.select(world, part, ATTACHMENT_TYPE, table, specs, ids)
    else:
        chosen = filters.select(world, part, ATTACHMENT_TYPE, table, specs)
        foreign = [a for a in attachments.foreign_peerings(world, part)
                   if rtype is None or world.graph.nodes[a].get("ResourceType") == rtype]
        if foreign:
            more = filters.select(world, part, ATTACHMENT_TYPE, table, specs, foreign)
            nodes = world.graph.nodes
            chosen = sorted(set(chosen) | set(more), key=lambda r: nodes[r]["seq"])
    return _page(ctx, params, chosen, output, view)


@handler
def describe_transit_gateway_attachments(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    world, part = ctx.world, ctx.part
    return _describe_attachments(
        ctx, params, rtype=None, table=attachments.attachment_filters(part),
        view=lambda rid: attachments.attachment_view(world, part, rid),
        output="TransitGatewayAttachments")


def _side_tagged(ctx: Context, rid: str, item: dict[str, Any], *, keep_empty: bool = False
                 ) -> dict[str, Any]:
    """An attachment seen from the caller's side carries that side's tags (the gateway's
    owner, a peering accepter); none left out unless the view always lists them."""
    if not tagging.other_side(ctx.world, ctx.part, rid):
        return item
    mine = tagging.tags_of(ctx.world, ctx.part, rid)
    item.pop("Tags", None)
    return {**item, "Tags": tagging.listed(mine)} if mine or keep_empty else item


# -- VPC attachments (create, modify and delete are bound from tgw_vpc_attachments) ------
@handler
def describe_transit_gateway_vpc_attachments(ctx: Context, params: dict[str, Any]
                                             ) -> dict[str, Any]:
    world = ctx.world
    return _describe_attachments(
        ctx, params, rtype="vpc", table=vpc_attachments.VPC_FILTERS,
        view=lambda rid: _side_tagged(ctx, rid, vpc_attachments.vpc_view(world, rid)),
        output="TransitGatewayVpcAttachments")


# -- peering attachments (create, accept, reject and delete are bound from
# tgw_peering_attachments) ----------------------------------------------------------------
@handler
def describe_transit_gateway_peering_attachments(ctx: Context, params: dict[str, Any]
                                                 ) -> dict[str, Any]:
    world, part = ctx.world, ctx.part
    return _describe_attachments(
        ctx, params, rtype="peering", table=peering_attachments.peering_filters(part),
        view=lambda rid: _side_tagged(ctx, rid, peering_attachments.peering_view(world, rid),
                                      keep_empty=True),
        output="TransitGatewayPeeringAttachments")
