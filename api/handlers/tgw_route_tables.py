"""Transit gateway route table operations with logic of their own: create (answered
`pending`), associations and propagations (answered in their transient states), describe and
route search. Static routes and export are bound from topology/connect/tgw_routes.py."""
from __future__ import annotations

from typing import Any

from topology.connect import tgw_route_tables as rtbs
from topology.connect import tgw_routes, transit_gateways
from topology.core import filters, paging, tags
from topology.core.errors import MissingParameter

from ..operations import Context, handler


@handler
def create_transit_gateway_route_table(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    tgw_id = params["TransitGatewayId"]
    transit_gateways.get(ctx.world, ctx.part, tgw_id)
    new_tags = tags.from_specifications(params.get("TagSpecifications"), rtbs.KIND)
    rtb_id = rtbs.create(ctx.world, ctx.part, tgw_id, tags=new_tags)
    return {"TransitGatewayRouteTable": {**rtbs.view(ctx.world, rtb_id), "State": "pending"}}


def _table_and_attachment(ctx: Context, params: dict[str, Any]) -> tuple[str, str]:
    """The caller's table (checked first, as AWS does) and the attachment named."""
    rtb_id = params["TransitGatewayRouteTableId"]
    ctx.world.get(ctx.part, rtbs.KIND, rtb_id)
    attach_id = params.get("TransitGatewayAttachmentId")
    if not attach_id:
        # the model leaves it optional for route table announcements, which ec2sim lacks
        raise MissingParameter(
            "The request must contain the parameter transitGatewayAttachmentId")
    return rtb_id, attach_id


@handler
def associate_transit_gateway_route_table(ctx: Context, params: dict[str, Any]
                                          ) -> dict[str, Any]:
    rtb_id, attach_id = _table_and_attachment(ctx, params)
    rtbs.associate(ctx.world, ctx.part, rtb_id, attach_id)
    return {"Association": rtbs.association_view(ctx.world, rtb_id, attach_id, "associating")}


@handler
def disassociate_transit_gateway_route_table(ctx: Context, params: dict[str, Any]
                                             ) -> dict[str, Any]:
    rtb_id, attach_id = _table_and_attachment(ctx, params)
    rtbs.disassociate(ctx.world, ctx.part, rtb_id, attach_id)
    return {"Association": rtbs.association_view(ctx.world, rtb_id, attach_id,
                                                 "disassociating")}


@handler
def enable_transit_gateway_route_table_propagation(ctx: Context, params: dict[str, Any]
                                                   ) -> dict[str, Any]:
    rtb_id, attach_id = _table_and_attachment(ctx, params)
    rtbs.enable_propagation(ctx.world, ctx.part, rtb_id, attach_id)
    return {"Propagation": rtbs.propagation_view(ctx.world, rtb_id, attach_id, "enabling")}


@handler
def disable_transit_gateway_route_table_propagation(ctx: Context, params: dict[str, Any]
                                                    ) -> dict[str, Any]:
    rtb_id, attach_id = _table_and_attachment(ctx, params)
    rtbs.disable_propagation(ctx.world, ctx.part, rtb_id, attach_id)
    return {"Propagation": rtbs.propagation_view(ctx.world, rtb_id, attach_id, "disabling")}


@handler
def search_transit_gateway_routes(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    found, more, token = tgw_routes.search(
        ctx.world, ctx.part, params["TransitGatewayRouteTableId"], params.get("Filters"),
        params.get("MaxResults"), params.get("NextToken"))
    return {"Routes": found, "AdditionalRoutesAvailable": more, "NextToken": token}


def _listing(ctx: Context, params: dict[str, Any], rows: list[dict[str, Any]],
             table: filters.FilterTable) -> tuple[list[dict[str, Any]], str | None]:
    """Filter and page rows whose `id` is a node (pages follow that node's creation order)."""
    chosen = filters.select_rows(table, params.get("Filters"), rows)
    by_id = {row["id"]: row for row in chosen}
    page, token = paging.page(ctx.world, list(by_id), params.get("MaxResults"),
                              params.get("NextToken"))
    return [{k: v for k, v in by_id[i].items() if k != "id"} for i in page], token


@handler
def get_transit_gateway_route_table_associations(ctx: Context, params: dict[str, Any]
                                                 ) -> dict[str, Any]:
    rtb_id = params["TransitGatewayRouteTableId"]
    ctx.world.get(ctx.part, rtbs.KIND, rtb_id)
    found, token = _listing(ctx, params, rtbs.association_rows(ctx.world, rtb_id),
                            rtbs.ATTACHMENT_FILTERS)
    return {"Associations": found, "NextToken": token}


@handler
def get_transit_gateway_route_table_propagations(ctx: Context, params: dict[str, Any]
                                                 ) -> dict[str, Any]:
    rtb_id = params["TransitGatewayRouteTableId"]
    ctx.world.get(ctx.part, rtbs.KIND, rtb_id)
    found, token = _listing(ctx, params, rtbs.propagation_rows(ctx.world, rtb_id),
                            rtbs.ATTACHMENT_FILTERS)
    return {"TransitGatewayRouteTablePropagations": found, "NextToken": token}


@handler
def get_transit_gateway_attachment_propagations(ctx: Context, params: dict[str, Any]
                                                ) -> dict[str, Any]:
    attach_id = params["TransitGatewayAttachmentId"]
    rtbs.visible_attachment(ctx.world, ctx.part, attach_id)
    found, token = _listing(ctx, params, rtbs.attachment_propagation_rows(ctx.world, attach_id),
                            rtbs.TABLE_FILTERS)
    return {"TransitGatewayAttachmentPropagations": found, "NextToken": token}
