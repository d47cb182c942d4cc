"""ConfirmProductInstance: its `Return` is the answer (false when the product code is not on
the instance), which the binding's always-true `Return` cannot say."""
from __future__ import annotations

from typing import Any

from topology.compute import instance_diagnostics

from ..operations import Context, handler


@handler
def confirm_product_instance(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return instance_diagnostics.confirm_product(ctx.world, ctx.part, params["InstanceId"],
                                                params["ProductCode"])
