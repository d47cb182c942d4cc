"""DHCP options operations: create, delete, describe, and associate with a VPC."""
from __future__ import annotations

from typing import Any

from topology.core import tags
from topology.network import dhcp_options

from ..dispatch import Context, handler
from ._describe import describe


@handler
def create_dhcp_options(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    new_tags = tags.from_specifications(params.get("TagSpecifications"), "dhcp-options")
    dopt_id = dhcp_options.create(ctx.world, ctx.part, params["DhcpConfigurations"],
                                  tags=new_tags)
    return {"DhcpOptions": dhcp_options.view(ctx.world, dopt_id)}


@handler
def delete_dhcp_options(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    dhcp_options.delete(ctx.world, ctx.part, params["DhcpOptionsId"])
    return {}


@handler
def describe_dhcp_options(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return describe(ctx, params, kind="dhcp-options", table=dhcp_options.FILTERS,
                    view=dhcp_options.view, output="DhcpOptions",
                    ids=params.get("DhcpOptionsIds"))


@handler
def associate_dhcp_options(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    dhcp_options.associate(ctx.world, ctx.part, params["VpcId"], params["DhcpOptionsId"])
    return {}
