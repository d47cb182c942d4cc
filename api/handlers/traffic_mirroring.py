"""DescribeTrafficMirrorFilterRules, whose `TrafficMirrorFilterId` narrows the rules to one
filter's (checked first). Everything else of traffic mirroring is bound from
topology/network/traffic_mirror_*.py."""
from __future__ import annotations

from typing import Any

from topology.network import traffic_mirror_filters, traffic_mirror_rules

from ..binding import describe
from ..operations import Context, handler


@handler
def describe_traffic_mirror_filter_rules(ctx: Context, params: dict[str, Any]
                                         ) -> dict[str, Any]:
    tmf_id = params.get("TrafficMirrorFilterId")
    if tmf_id is not None:
        ctx.world.get(ctx.part, traffic_mirror_filters.KIND, tmf_id)
        params = {**params, "Filters": [*(params.get("Filters") or []),
                                        {"Name": "traffic-mirror-filter-id", "Values": [tmf_id]}]}
    return describe(ctx, params, kind=traffic_mirror_rules.KIND,
                    table=traffic_mirror_rules.FILTERS, view=traffic_mirror_filters.rule_view,
                    output="TrafficMirrorFilterRules",
                    ids=params.get("TrafficMirrorFilterRuleIds"))
