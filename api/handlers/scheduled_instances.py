"""Scheduled Instances (topology/compute/scheduled_instances.py): the catalogue's offers,
purchases, their describe (with SlotStartTimeRange) and launches."""
from __future__ import annotations

from typing import Any

from topology.compute import scheduled_instances as sched
from topology.core import paging

from ..binding import describe
from ..operations import Context, handler

OFFER_PAGE = 300        # AWS's default (and most) offers a page


@handler
def describe_scheduled_instance_availability(ctx: Context, params: dict[str, Any]
                                             ) -> dict[str, Any]:
    rows = sched.offers(ctx.world, ctx.part, params)
    scope = "scheduled-instance-availability"
    first = paging.decode(params["NextToken"], scope, lambda p: isinstance(p, int)) \
        if params.get("NextToken") else 0
    size = params.get("MaxResults") or OFFER_PAGE
    more = first + size < len(rows)
    return {"ScheduledInstanceAvailabilitySet": rows[first:first + size],
            "NextToken": paging.encode(scope, first + size) if more else None}


@handler
def purchase_scheduled_instances(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ids = sched.purchase(ctx.world, ctx.part, params["PurchaseRequests"])
    return {"ScheduledInstanceSet": [sched.view(ctx.world, sci) for sci in ids]}


@handler
def describe_scheduled_instances(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    world, part = ctx.world, ctx.part
    ids = list(dict.fromkeys(params.get("ScheduledInstanceIds") or []))
    for sci in ids:
        sched.get(world, part, sci)
    chosen = [sci for sci in ids or part.ids(sched.KIND)
              if sched.in_window(world, sci, params.get("SlotStartTimeRange"))]
    if not chosen:
        return {"ScheduledInstanceSet": [], "NextToken": None}
    return describe(ctx, params, kind=sched.KIND, table=sched.FILTERS, view=sched.view,
                    output="ScheduledInstanceSet", ids=chosen)


@handler
def run_scheduled_instances(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ids = sched.run(ctx.world, ctx.part, params["ScheduledInstanceId"],
                    params["LaunchSpecification"], params.get("InstanceCount"))
    return {"InstanceIdSet": ids}
