"""Egress-only internet gateway and carrier gateway operations: create/delete/describe."""
from __future__ import annotations

from typing import Any

from topology.core import tags
from topology.network import egress_gateways as gateways

from ..dispatch import Context, handler
from ._describe import describe


@handler
def create_egress_only_internet_gateway(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    new_tags = tags.from_specifications(params.get("TagSpecifications"), gateways.EGRESS_ONLY)
    eigw_id = gateways.create_egress_only(ctx.world, ctx.part, params["VpcId"], tags=new_tags)
    return {"ClientToken": params.get("ClientToken"),
            "EgressOnlyInternetGateway": gateways.egress_only_view(ctx.world, eigw_id)}


@handler
def delete_egress_only_internet_gateway(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    gateways.delete_egress_only(ctx.world, ctx.part, params["EgressOnlyInternetGatewayId"])
    return {"ReturnCode": True}


@handler
def describe_egress_only_internet_gateways(ctx: Context, params: dict[str, Any]
                                           ) -> dict[str, Any]:
    return describe(ctx, params, kind=gateways.EGRESS_ONLY, table=gateways.EGRESS_ONLY_FILTERS,
                    view=gateways.egress_only_view, output="EgressOnlyInternetGateways",
                    ids=params.get("EgressOnlyInternetGatewayIds"), unknown_ids_ok=True)


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


@handler
def describe_carrier_gateways(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return describe(ctx, params, kind=gateways.CARRIER, table=gateways.CARRIER_FILTERS,
                    view=gateways.carrier_view, output="CarrierGateways",
                    ids=params.get("CarrierGatewayIds"))
