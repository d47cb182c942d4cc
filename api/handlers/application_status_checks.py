"""DescribeApplicationStatusChecks: `IncludeAll` also lists checks deleted within AWS's grace
period (the other operations are bound from topology/compute/application_status*.py)."""
from __future__ import annotations

from typing import Any

from topology.compute import application_status_checks as checks

from ..binding import bounded, describe
from ..operations import Context, handler

LIMITS = (5, 100)


@handler
def describe_application_status_checks(ctx: Context, params: dict[str, Any]
                                       ) -> dict[str, Any]:
    world, part = ctx.world, ctx.part
    wanted = params.get("ApplicationStatusCheckIds")
    if params.get("IncludeAll"):
        ids = wanted
    elif wanted:
        ids = [rid for rid in dict.fromkeys(wanted) if checks.live(world, part, rid)]
    else:
        ids = checks.live_ids(world, part)
        if not ids:
            return {"ApplicationStatusChecks": [], "NextToken": None}
    return describe(ctx, bounded(params, LIMITS), kind=checks.KIND, table=checks.FILTERS,
                    view=checks.view, output="ApplicationStatusChecks", ids=ids)
