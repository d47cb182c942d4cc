"""EnableCapacityManager answers OrganizationsAccess false when the request leaves it out
(an echo of the input member, as the binding would make it, would be missing); the other
Capacity Manager operations are bound from topology/compute/capacity_manager.py."""
from __future__ import annotations

from typing import Any

from topology.compute import capacity_manager

from ..operations import Context, handler


@handler
def enable_capacity_manager(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return capacity_manager.enable(ctx.world, ctx.part, params.get("OrganizationsAccess"))
