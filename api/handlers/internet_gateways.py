"""Internet gateway operations: create/delete/describe, attach to and detach from a VPC."""
from __future__ import annotations

from typing import Any

from topology.core import tags
from topology.network import internet_gateways

from ..dispatch import Context, handler
from ._describe import describe


@handler
def create_internet_gateway(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    new_tags = tags.from_specifications(params.get("TagSpecifications"), "internet-gateway")
    igw_id = internet_gateways.create(ctx.world, ctx.part, tags=new_tags)
    return {"InternetGateway": internet_gateways.view(ctx.world, igw_id)}


@handler
def delete_internet_gateway(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    internet_gateways.delete(ctx.world, ctx.part, params["InternetGatewayId"])
    return {}


@handler
def describe_internet_gateways(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return describe(ctx, params, kind="internet-gateway", table=internet_gateways.FILTERS,
                    view=internet_gateways.view, output="InternetGateways",
                    ids=params.get("InternetGatewayIds"))


@handler
def attach_internet_gateway(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    internet_gateways.attach(ctx.world, ctx.part, params["InternetGatewayId"], params["VpcId"])
    return {}


@handler
def detach_internet_gateway(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    internet_gateways.detach(ctx.world, ctx.part, params["InternetGatewayId"], params["VpcId"])
    return {}
