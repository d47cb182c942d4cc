"""DHCP options operations: create, delete, describe, and associate with a VPC."""
from __future__ import annotations

from typing import Any

from topology.network import dhcp_options

from ..operations import Context, handler


@handler
def associate_dhcp_options(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    dhcp_options.associate(ctx.world, ctx.part, params["VpcId"], params["DhcpOptionsId"])
    return {}
