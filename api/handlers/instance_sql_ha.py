"""The SQL Server High Availability states of instances (topology/compute/instance_sql_ha.py);
enabling and disabling standby detection are bound from there."""
from __future__ import annotations

from typing import Any

from topology.compute import instance_sql_ha

from ..operations import Context, handler


@handler
def describe_instance_sql_ha_states(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return instance_sql_ha.states(ctx.world, ctx.part, params)


@handler
def describe_instance_sql_ha_history_states(ctx: Context, params: dict[str, Any]
                                            ) -> dict[str, Any]:
    return instance_sql_ha.history(ctx.world, ctx.part, params)
