"""Egress-only internet gateway and carrier gateway operations: create/delete/describe."""
from __future__ import annotations

from typing import Any

from topology.core import tags
from topology.network import egress_gateways as gateways

from ..operations import Context, handler


@handler
def create_carrier_gateway(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    new_tags = tags.from_specifications(params.get("TagSpecifications"), gateways.CARRIER)
    cagw_id = gateways.create_carrier(ctx.world, ctx.part, params["VpcId"], tags=new_tags)
    return {"CarrierGateway": {**gateways.carrier_view(ctx.world, cagw_id), "State": "pending"}}


@handler
def delete_carrier_gateway(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    cagw_id = params["CarrierGatewayId"]
    was = ctx.world.get(ctx.part, gateways.CARRIER, cagw_id)["State"]
    gateways.delete_carrier(ctx.world, ctx.part, cagw_id)
    view = gateways.carrier_view(ctx.world, cagw_id)
    return {"CarrierGateway": {**view, "State": "deleting"} if was != "deleted" else view}
