"""The event history of a fleet (a Spot Fleet request or an EC2 Fleet).

Each fleet node keeps its events, oldest first, in its `events` field: `(time, kind,
sub_type, description, instance id)`, `kind` being `fleet` (the fleet's own state
changes: `submitted`, `active`, `modify_in_progress`, `deleted_running`...), `instance`
(`launched`, `terminated`) or `error` (a pool that could not launch). The two APIs name
the kinds differently (`EVENT_TYPES`); DescribeSpotFleetRequestHistory and
DescribeFleetHistory read the events at or after `StartTime`, paged by position.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from ..core import paging
from ..core.errors import InvalidParameterValue
from ..core.world import World

# the API's EventType for each kind of event, per API
EVENT_TYPES = {
    "spot": {"fleet": "fleetRequestChange", "instance": "instanceChange", "error": "error",
             "information": "information"},
    "ec2": {"fleet": "fleet-change", "instance": "instance-change", "error": "service-error",
            "information": "fleet-change"},
}
MAX_RESULTS = (1, 1000)       # AWS's bounds on MaxResults (larger values are capped)


def record(world: World, fid: str, kind: str, sub_type: str, *, description: str = "",
           instance_id: str | None = None, when: dt.datetime | None = None) -> None:
    """Append one event to the fleet's history (journaled like any update)."""
    when = when or dt.datetime.now(dt.timezone.utc)
    events = list(world.graph.nodes[fid].get("events") or [])
    events.append((when, kind, sub_type, description, instance_id))
    world.update(fid, events=events)


def history(world: World, fid: str, api: str, start: dt.datetime, event_type: str | None,
            max_results: int | None, token: str | None) -> dict[str, Any]:
    """The fleet's events since `start` as boto3's `HistoryRecords` (of the one `event_type`
    when given), with `LastEvaluatedTime` and `NextToken`."""
    if max_results is not None and max_results < MAX_RESULTS[0]:
        raise InvalidParameterValue(
            f"Value ( {max_results} ) for parameter maxResults is invalid. Parameter must be "
            f"between {MAX_RESULTS[0]} and {MAX_RESULTS[1]}.")
    names = EVENT_TYPES[api]
    if start.tzinfo is None:
        start = start.replace(tzinfo=dt.timezone.utc)
    rows = [event for event in world.graph.nodes[fid].get("events") or []
            if event[0] >= start and (event_type is None or names[event[1]] == event_type)]
    scope = f"{api}-fleet-history:{fid}"
    first = paging.decode(token, scope, lambda pos: isinstance(pos, int)) if token else 0
    size = min(max_results or MAX_RESULTS[1], MAX_RESULTS[1])
    chosen = rows[first:first + size]
    more = first + size < len(rows)
    last = chosen[-1][0] if more else dt.datetime.now(dt.timezone.utc)
    return {"HistoryRecords": [_row(event, names) for event in chosen],
            "LastEvaluatedTime": last,
            "NextToken": paging.encode(scope, first + size) if more else None}


def _row(event: tuple[Any, ...], names: dict[str, str]) -> dict[str, Any]:
    when, kind, sub_type, description, instance_id = event
    info: dict[str, Any] = {"EventSubType": sub_type}
    if description:
        info["EventDescription"] = description
    if instance_id:
        info["InstanceId"] = instance_id
    return {"EventInformation": info, "EventType": names[kind], "Timestamp": when}
