"""Infrastructure Performance metric subscriptions and data (no resource kind of their own:
topology/analysis/network_performance.py)."""
from __future__ import annotations

from typing import Any

from topology.analysis import network_performance as performance

from ..operations import Context, handler


def _pair(params: dict[str, Any]) -> dict[str, Any]:
    return {"source": params.get("Source"), "destination": params.get("Destination"),
            "metric": params.get("Metric"), "statistic": params.get("Statistic")}


@handler
def enable_aws_network_performance_metric_subscription(ctx: Context, params: dict[str, Any]
                                                       ) -> dict[str, Any]:
    return {"Output": performance.enable(ctx.world, ctx.part, **_pair(params))}


@handler
def disable_aws_network_performance_metric_subscription(ctx: Context, params: dict[str, Any]
                                                        ) -> dict[str, Any]:
    return {"Output": performance.disable(ctx.world, ctx.part, **_pair(params))}


@handler
def describe_aws_network_performance_metric_subscriptions(ctx: Context, params: dict[str, Any]
                                                          ) -> dict[str, Any]:
    return performance.describe(ctx.world, ctx.part, params.get("MaxResults"),
                                params.get("NextToken"), params.get("Filters"))


@handler
def get_aws_network_performance_data(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return performance.performance_data(
        ctx.world, ctx.part, params.get("DataQueries"), params.get("StartTime"),
        params.get("EndTime"), params.get("MaxResults"), params.get("NextToken"))
