"""Elastic GPUs (`egpu-`): retired. Amazon Elastic Graphics reached its end of life on
January 8, 2024; no instance can have an Elastic GPU any more, so DescribeElasticGpus
answers an empty set, names every id it is asked for as not found, and still checks its
filters and paging as AWS does.
"""
from __future__ import annotations

from typing import Any

from ..core.filters import Filter, field, ident
from ..core.world import World

KIND = "elastic-gpu"


def view(world: World, gpu_id: str) -> dict[str, Any]:
    """boto3's `ElasticGpus` (never called: there are none)."""
    node = world.graph.nodes[gpu_id]
    return {"ElasticGpuId": gpu_id, **{k: node[k] for k in (
        "AvailabilityZone", "ElasticGpuType", "ElasticGpuHealth", "ElasticGpuState",
        "InstanceId") if k in node}}


FILTERS: dict[str, Filter] = {
    "elastic-gpu-id": ident(),
    "availability-zone": field("AvailabilityZone"),
    "elastic-gpu-health": Filter(lambda w, rid, n: (n.get("ElasticGpuHealth") or {}).get(
        "Status")),
    "elastic-gpu-state": field("ElasticGpuState"),
    "elastic-gpu-type": field("ElasticGpuType"),
    "instance-id": field("InstanceId"),
}

from ..core.family import Family, declare  # noqa: E402  (kept beside the declaration)

FAMILY = declare(Family(KIND, view=view, filters=FILTERS, max_results=(10, 1000)))
