"""Egress-only internet gateway and carrier gateway operations: create/delete/describe."""
from __future__ import annotations

from typing import Any

from topology.network import egress_gateways as gateways

from ..operations import Context, handler


@handler
def delete_carrier_gateway(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    cagw_id = params["CarrierGatewayId"]
    was = ctx.world.get(ctx.part, gateways.CARRIER, cagw_id)["State"]
    gateways.delete_carrier(ctx.world, ctx.part, cagw_id)
    view = gateways.carrier_view(ctx.world, cagw_id)
    return {"CarrierGateway": {**view, "State": "deleting"} if was != "deleted" else view}
