"""Metric categories: named sets of additional metrics for instances with detailed monitoring.

A category is a node (`metric-category`, ids `mc-...`) holding its metric names in the order
given. AWS takes CloudWatch and OpenTelemetry metric names as separate entries; ModifyMetricCategory
replaces the whole set, which must differ from the current one. Associations with instances are
removed asynchronously on AWS when a category is deleted, so nothing else changes here.
"""
from __future__ import annotations

from typing import Any

from ..core import tags as tagging
from ..core.errors import InvalidParameterValue
from ..core.family import Family, declare
from ..core.filters import Filter, ident
from ..core.world import Partition, World

KIND = "metric-category"
MAX_METRICS = 100          # per category
MAX_NAME = 255             # a CloudWatch metric name's length limit


def _metrics(metrics: list[str]) -> list[str]:
    """The metric names, checked: at least one, each 1-255 characters, none repeated."""
    if not metrics:
        raise InvalidParameterValue("The request must contain the parameter Metrics.")
    if len(metrics) > MAX_METRICS:
        raise InvalidParameterValue(
            f"A metric category can contain at most {MAX_METRICS} metrics.")
    for name in metrics:
        if not name or len(name) > MAX_NAME or name != name.strip():
            raise InvalidParameterValue(f"The metric name '{name}' is not valid.")
    repeated = sorted({m for m in metrics if metrics.count(m) > 1})
    if repeated:
        raise InvalidParameterValue(f"Duplicate metric names: {', '.join(repeated)}.")
    return list(metrics)


def create(world: World, part: Partition, metrics: list[str], *,
           tags: dict[str, str] | None = None) -> str:
    """A new category of `metrics`; returns its id."""
    names = _metrics(metrics)
    mc_id = world.new_id("mc")
    world.add(part, KIND, mc_id, Metrics=names)
    tagging.apply(world, mc_id, tags or {})
    return mc_id


def modify(world: World, part: Partition, metric_category_id: str, metrics: list[str]) -> str:
    """Replace the category's metrics (they must differ from the current set)."""
    node = world.get(part, KIND, metric_category_id)
    names = _metrics(metrics)
    if set(names) == set(node["Metrics"]):
        raise InvalidParameterValue(
            "The specified metrics must differ from the current metrics of the metric "
            "category.")
    world.update(metric_category_id, Metrics=names)
    return metric_category_id


def delete(world: World, part: Partition, metric_category_id: str) -> None:
    world.get(part, KIND, metric_category_id)
    world.remove(metric_category_id)


def view(world: World, mc_id: str) -> dict[str, Any]:
    node = world.graph.nodes[mc_id]
    return {"MetricCategoryId": mc_id, "Metrics": list(node["Metrics"]),
            "Tags": tagging.listed(node["tags"])}


FILTERS = {"metric-category-id": ident(),
           "metric-name": Filter(lambda w, rid, node: node["Metrics"])}

FAMILY = declare(Family(KIND, view=view, filters=FILTERS, create=create, delete=delete,
                        actions={"ModifyMetricCategory": modify},
                        max_results=(5, 100), ids_set="MetricCategoryId"))
