"""DescribeInstanceStatus: the status checks of instances, with AWS's filters.

The simulator's hardware never fails: a running instance passes its instance, system and
attached-EBS checks (`ok`, reachability `passed`) and has no scheduled events; any other
instance's checks are `not-applicable`. Without `IncludeAllInstances` only running instances
are listed, as on AWS.
"""
from __future__ import annotations

from typing import Any

from ..core.filters import Filter
from ..core.world import World
from . import instance_filters


def _nothing() -> Filter:
    """A filter on scheduled events, which the simulator never has."""
    return Filter(lambda w, rid, n: None)


def summary(node: dict[str, Any]) -> dict[str, Any]:
    """boto3's `InstanceStatusSummary` of an instance node."""
    if node["State"]["Name"] == "running":
        return {"Status": "ok", "Details": [{"Name": "reachability", "Status": "passed"}]}
    return {"Status": "not-applicable"}


def view(world: World, instance_id: str) -> dict[str, Any]:
    """boto3's `InstanceStatus`."""
    node = world.graph.nodes[instance_id]
    return {"AvailabilityZone": node["Placement"]["AvailabilityZone"],
            "AvailabilityZoneId": node["Placement"].get("AvailabilityZoneId"),
            "Operator": dict(node["Operator"]), "Events": [], "InstanceId": instance_id,
            "InstanceState": dict(node["State"]), "InstanceStatus": summary(node),
            "SystemStatus": summary(node), "AttachedEbsStatus": summary(node)}


FILTERS: dict[str, Filter] = {
    "availability-zone": instance_filters.FILTERS["availability-zone"],
    "availability-zone-id": instance_filters.FILTERS["availability-zone-id"],
    "event.code": _nothing(),
    "event.description": _nothing(),
    "event.instance-event-id": _nothing(),
    "event.not-after": _nothing(),
    "event.not-before": _nothing(),
    "event.not-before-deadline": _nothing(),
    "instance-state-code": instance_filters.FILTERS["instance-state-code"],
    "instance-state-name": instance_filters.FILTERS["instance-state-name"],
    "instance-status.reachability": Filter(lambda w, rid, n: _status(n)[1]),
    "instance-status.status": Filter(lambda w, rid, n: _status(n)[0]),
    "operator.managed": instance_filters.FILTERS["operator.managed"],
    "operator.principal": instance_filters.FILTERS["operator.principal"],
    "system-status.reachability": Filter(lambda w, rid, n: _status(n)[1]),
    "system-status.status": Filter(lambda w, rid, n: _status(n)[0]),
    "attached-ebs-status.status": Filter(lambda w, rid, n: _status(n)[0]),
}


def _status(node: dict[str, Any]) -> tuple[str, str]:
    """(summary status, reachability detail) of an instance's status checks."""
    if node["State"]["Name"] == "running":
        return "ok", "passed"
    return "not-applicable", "not-applicable"
