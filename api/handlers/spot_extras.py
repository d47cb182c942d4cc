"""Spot placement scores and attribute-based instance type selection: answers from the
catalogue (topology/compute/spot_extras.py). The Spot data feed is bound from there."""
from __future__ import annotations

from typing import Any

from topology.compute import spot_extras

from ..operations import Context, handler


@handler
def get_spot_placement_scores(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return spot_extras.placement_scores(params)


@handler
def get_instance_types_from_instance_requirements(ctx: Context, params: dict[str, Any]
                                                  ) -> dict[str, Any]:
    return spot_extras.types_from_requirements(params)
