"""Flow log operations with logic of their own: create (per-resource Unsuccessful items) and
describe. DeleteFlowLogs is bound from topology/network/flow_logs.py."""
from __future__ import annotations

from typing import Any

from topology.core import filters, paging, tags
from topology.network import flow_logs

from ..operations import Context, handler


@handler
def create_flow_logs(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    new_tags = tags.from_specifications(params.get("TagSpecifications"), "vpc-flow-log")
    created, failed = flow_logs.create(ctx.world, ctx.part, params, new_tags)
    return {"ClientToken": params.get("ClientToken"), "FlowLogIds": created,
            "Unsuccessful": failed}


@handler
def describe_flow_logs(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    # unknown FlowLogIds select nothing rather than fail, as on AWS
    world, part = ctx.world, ctx.part
    ids = params.get("FlowLogIds")
    chosen = filters.select(world, part, flow_logs.KIND, flow_logs.FILTERS,
                            params.get("Filter"), list(dict.fromkeys(ids)) if ids else None)
    chosen = flow_logs.live(world, part, chosen)
    page, token = paging.page(world, chosen, params.get("MaxResults"), params.get("NextToken"))
    return {"FlowLogs": [flow_logs.view(world, fl) for fl in page], "NextToken": token}
