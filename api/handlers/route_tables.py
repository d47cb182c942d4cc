"""Route table operations with logic of their own: create (the VPC checked before the tags).
Routes, associate, replace an association (answered `associated`) and disassociation are
bound from topology/network/route_tables.py."""
from __future__ import annotations

from typing import Any

from topology.core import tags
from topology.network import route_tables

from ..operations import Context, handler


@handler
def create_route_table(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    vpc_id = params["VpcId"]
    ctx.world.get(ctx.part, "vpc", vpc_id)
    new_tags = tags.from_specifications(params.get("TagSpecifications"), "route-table")
    rtb_id = route_tables.create(ctx.world, ctx.part, vpc_id, tags=new_tags)
    return {"RouteTable": route_tables.view(ctx.world, rtb_id),
            "ClientToken": params.get("ClientToken")}
