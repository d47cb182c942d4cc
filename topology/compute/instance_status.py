"""DescribeInstanceStatus: the status checks of instances, with AWS's filters.

The simulator's hardware never fails: a running instance passes its instance, system and
attached-EBS checks (`ok`, reachability `passed`) and has only the scheduled events
something scheduled in-process (`instance_events.schedule`); any other instance's checks are
`not-applicable`. Without `IncludeAllInstances` only running instances
are listed, as on AWS.
"""
from __future__ import annotations

from typing import Any

from ..core.clock import stamp
from ..core.filters import Filter
from ..core.world import World
from . import instance_events, instance_filters


def _event(member: str) -> Filter:
    """A filter on a member of the instance's scheduled events (times as AWS writes them)."""
    def values(world: World, rid: str, node: dict[str, Any]) -> list[Any]:
        found = [e.get(member) for e in instance_events.events(node)]
        return [stamp(v) if hasattr(v, "astimezone") else v for v in found if v is not None]
    return Filter(values)


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
            "Operator": dict(node["Operator"]), "Events": instance_events.events(node),
            "InstanceId": instance_id,
            "InstanceState": dict(node["State"]), "InstanceStatus": summary(node),
            "SystemStatus": summary(node), "AttachedEbsStatus": summary(node)}


FILTERS: dict[str, Filter] = {
    "availability-zone": instance_filters.FILTERS["availability-zone"],
    "availability-zone-id": instance_filters.FILTERS["availability-zone-id"],
    "event.code": _event("Code"),
    "event.description": _event("Description"),
    "event.instance-event-id": _event("InstanceEventId"),
    "event.not-after": _event("NotAfter"),
    "event.not-before": _event("NotBefore"),
    "event.not-before-deadline": _event("NotBeforeDeadline"),
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
