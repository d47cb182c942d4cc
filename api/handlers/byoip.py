"""DescribeByoipCidrs: the family's describe, after the ranges brought to IPAM are brought up
to date (`byoip.refresh`: a regional public IPAM pool's CIDRs are BYOIP ranges too)."""
from __future__ import annotations

from typing import Any

from topology.network import byoip

from ..binding import describe
from ..operations import Context, handler


@handler
def describe_byoip_cidrs(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    byoip.refresh(ctx.world, ctx.part)
    return describe(ctx, params, kind=byoip.KIND, table={}, view=byoip.view,
                    output="ByoipCidrs")
