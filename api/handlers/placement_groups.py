"""Placement group operations: create, delete, describe."""
from __future__ import annotations

from typing import Any

from topology.compute import placement_groups
from topology.core import filters

from ..operations import Context, handler


@handler
def describe_placement_groups(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    world, part = ctx.world, ctx.part
    ids: list[str] | None = None
    if params.get("GroupNames") or params.get("GroupIds"):
        ids = [placement_groups.by_name(world, part, name)
               for name in params.get("GroupNames") or []]
        for pg_id in params.get("GroupIds") or []:
            world.get(part, "placement-group", pg_id)
            ids.append(pg_id)
        ids = list(dict.fromkeys(ids))
    chosen = filters.select(world, part, "placement-group", placement_groups.FILTERS,
                            params.get("Filters"), ids)
    chosen.sort(key=lambda rid: world.graph.nodes[rid]["seq"])
    return {"PlacementGroups": [placement_groups.view(world, rid) for rid in chosen]}
