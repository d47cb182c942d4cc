"""Internet gateway operations: create/delete/describe, attach to and detach from a VPC."""
from __future__ import annotations

from typing import Any

from topology.network import internet_gateways

from ..operations import Context, handler


@handler
def attach_internet_gateway(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    internet_gateways.attach(ctx.world, ctx.part, params["InternetGatewayId"], params["VpcId"])
    return {}


@handler
def detach_internet_gateway(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    internet_gateways.detach(ctx.world, ctx.part, params["InternetGatewayId"], params["VpcId"])
    return {}
