"""Instance event windows (`iew-`): when scheduled events of their targets may run.

A window has either time ranges or a cron expression, never both, all in UTC. AWS's rules
(CreateInstanceEventWindow's documentation): each time range lasts at least 2 hours and the
window at least 4 in all; a cron expression names only hours and days of the week (minute,
day of month and month are `*`), its hours as ranges of at least 2 hours, its days as 0-6 or
SUN-SAT. A window has targets of one type only: instances (ASSOCIATED edges to them),
Dedicated Hosts (ASSOCIATED edges, when the host family is there) or instance tags (the
`target_tags` field, matched when AWS schedules). A target belongs to one window at most.
A window with targets is deleted only with `ForceDelete`; the answer says `deleting`.
"""
from __future__ import annotations

import re
from typing import Any

from ..core import schema
from ..core import tags as tagging
from ..core.errors import (Conflict, InvalidParameterCombination, InvalidParameterValue,
                           MissingParameter, TopologyError)
from ..core.filters import Filter, field, ident
from ..core.world import Partition, World
from .instances import get_all

KIND = "instance-event-window"
HOST_KIND = "dedicated-host"
DAYS = ("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday")
CRON_DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
MIN_RANGE_HOURS, MIN_WINDOW_HOURS, MAX_TIME_RANGES = 2, 4, 5
WEEK_HOURS = 7 * 24
_HOUR_RANGE = re.compile(r"(\d{1,2})-(\d{1,2})")


# -- checks -----------------------------------------------------------------------------------
def _schedule(time_ranges: list[dict[str, Any]] | None, cron_expression: str | None
              ) -> dict[str, Any]:
    """The window's schedule fields, checked."""
    if time_ranges and cron_expression:
        raise InvalidParameterCombination("You can specify either TimeRanges or "
                                          "CronExpression, but not both.")
    if cron_expression:
        _check_cron(cron_expression)
        return {"TimeRanges": [], "CronExpression": cron_expression}
    if not time_ranges:
        raise MissingParameter("The request must contain the parameter TimeRanges or "
                               "CronExpression")
    return {"TimeRanges": _check_ranges(time_ranges), "CronExpression": None}


def _check_ranges(ranges: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if len(ranges) > MAX_TIME_RANGES:
        raise InvalidParameterValue(f"An event window can have at most {MAX_TIME_RANGES} "
                                    "time ranges.")
    total = 0
    out = []
    for item in ranges:
        for member in ("StartWeekDay", "StartHour", "EndWeekDay", "EndHour"):
            if item.get(member) is None:
                raise MissingParameter(f"The request must contain the parameter "
                                       f"TimeRanges.{member}")
        for member in ("StartHour", "EndHour"):
            if not 0 <= item[member] <= 23:
                raise InvalidParameterValue(f"Value ({item[member]}) for parameter "
                                            f"{member} is invalid. Valid hours are 0-23.")
        start = DAYS.index(item["StartWeekDay"]) * 24 + item["StartHour"]
        end = DAYS.index(item["EndWeekDay"]) * 24 + item["EndHour"]
        hours = (end - start) % WEEK_HOURS
        if hours < MIN_RANGE_HOURS:
            raise InvalidParameterValue(f"Each time range of an event window must be at "
                                        f"least {MIN_RANGE_HOURS} hours.")
        total += hours
        out.append({k: item[k] for k in ("StartWeekDay", "StartHour", "EndWeekDay",
                                         "EndHour")})
    if total < MIN_WINDOW_HOURS:
        raise InvalidParameterValue(f"The time ranges of an event window must total at least "
                                    f"{MIN_WINDOW_HOURS} hours.")
    return out


def _bad_cron(expression: str, why: str) -> InvalidParameterValue:
    return InvalidParameterValue(f"The cron expression '{expression}' is not valid: {why}")


def _check_cron(expression: str) -> None:
    fields = expression.split()
    if len(fields) != 5:
        raise _bad_cron(expression, "it must have 5 fields.")
    minute, hours, day_of_month, month, week_days = fields
    if (minute, day_of_month, month) != ("*", "*", "*"):
        raise _bad_cron(expression, "the minute, day of month and month must be *.")
    per_day = 24 if hours == "*" else sum(_hour_range(expression, part)
                                          for part in hours.split(","))
    days = 7 if week_days == "*" else len({d for part in week_days.split(",")
                                           for d in _day_range(expression, part)})
    if per_day * days < MIN_WINDOW_HOURS:
        raise _bad_cron(expression, f"the event window must be at least {MIN_WINDOW_HOURS} "
                                    "hours.")


def _hour_range(expression: str, part: str) -> int:
    found = _HOUR_RANGE.fullmatch(part)
    if not found:
        raise _bad_cron(expression, "hours must be ranges such as 0-4 or 0-4,20-23.")
    start, end = int(found[1]), int(found[2])
    if not 0 <= start < end <= 23:
        raise _bad_cron(expression, "hours must be ranges within 0-23.")
    if end - start < MIN_RANGE_HOURS:
        raise _bad_cron(expression, f"each hour range must be at least {MIN_RANGE_HOURS} "
                                    "hours.")
    return end - start


def _day(expression: str, value: str) -> int:
    if value.upper() in CRON_DAYS:
        return CRON_DAYS.index(value.upper())
    if value.isdigit() and 0 <= int(value) <= 6:
        return int(value)
    raise _bad_cron(expression, "days of the week are 0-6 or SUN-SAT.")


def _day_range(expression: str, part: str) -> range:
    low, _, high = part.partition("-")
    start = _day(expression, low)
    end = _day(expression, high) if high else start
    if end < start:
        raise _bad_cron(expression, "a range of days must go forward.")
    return range(start, end + 1)


def _check_name(name: str | None) -> str | None:
    if name is not None and len(name) > 128:
        raise InvalidParameterValue("The event window name must be at most 128 characters.")
    return name


# -- create, modify, delete -------------------------------------------------------------------
def create(world: World, part: Partition, name: str | None = None,
           time_ranges: list[dict[str, Any]] | None = None,
           cron_expression: str | None = None, *, tags: dict[str, str] | None = None) -> str:
    fields = _schedule(time_ranges, cron_expression)
    window_id = world.new_id("iew")
    world.add(part, KIND, window_id, Name=_check_name(name), State="active", target_tags={},
              **fields)
    tagging.apply(world, window_id, tags or {})
    return window_id


def modify(world: World, part: Partition, instance_event_window_id: str,
           name: str | None = None, time_ranges: list[dict[str, Any]] | None = None,
           cron_expression: str | None = None) -> str:
    """ModifyInstanceEventWindow: a new name and/or schedule (one replaces the other)."""
    world.get(part, KIND, instance_event_window_id)
    changes: dict[str, Any] = {}
    if time_ranges or cron_expression:
        changes.update(_schedule(time_ranges, cron_expression))
    if name is not None:
        changes["Name"] = _check_name(name)
    if changes:
        world.update(instance_event_window_id, **changes)
    return instance_event_window_id


def _targets(world: World, window_id: str) -> dict[str, list[Any]]:
    """The window's targets by type: instance ids, host ids, tags."""
    linked = world.out(window_id, schema.ASSOCIATED)
    return {"InstanceIds": [v for v, _, _ in linked if world.graph.nodes[v]["kind"] ==
                            "instance"],
            "DedicatedHostIds": [v for v, _, _ in linked if world.graph.nodes[v]["kind"] ==
                                 HOST_KIND],
            "Tags": tagging.listed(world.graph.nodes[window_id]["target_tags"])}


def delete(world: World, part: Partition, instance_event_window_id: str,
           force_delete: bool | None = None) -> dict[str, Any]:
    world.get(part, KIND, instance_event_window_id)
    if any(_targets(world, instance_event_window_id).values()) and not force_delete:
        raise TopologyError(f"The event window '{instance_event_window_id}' has associated "
                            "targets. Disassociate them first or specify ForceDelete.",
                            "InvalidInstanceEventWindowState")
    world.remove(instance_event_window_id)
    return {"InstanceEventWindowId": instance_event_window_id, "State": "deleting"}


# -- targets ----------------------------------------------------------------------------------
def _asked(world: World, part: Partition, target: dict[str, Any]
           ) -> tuple[list[str], list[str], dict[str, str]]:
    instances = get_all(world, part, list(target.get("InstanceIds") or []))
    hosts = list(dict.fromkeys(target.get("DedicatedHostIds") or []))
    if hosts and HOST_KIND in schema.KINDS:
        for host_id in hosts:
            world.get(part, HOST_KIND, host_id)
    wanted = {t["Key"]: t.get("Value", "") for t in target.get("InstanceTags") or []}
    if sum(bool(x) for x in (instances, hosts, wanted)) > 1:
        raise InvalidParameterCombination("An event window can be associated with only one "
                                          "type of target: instance IDs, instance tags or "
                                          "Dedicated Host IDs.")
    if not (instances or hosts or wanted):
        raise MissingParameter("The request must contain the parameter AssociationTarget")
    return instances, hosts, wanted


def associate(world: World, part: Partition, instance_event_window_id: str,
              association_target: dict[str, Any]) -> str:
    """AssociateInstanceEventWindow: targets of the window's one type join it."""
    node = world.get(part, KIND, instance_event_window_id)
    instances, hosts, wanted = _asked(world, part, association_target)
    current = _targets(world, instance_event_window_id)
    kinds = {"InstanceIds": instances, "DedicatedHostIds": hosts, "Tags": wanted}
    for key, asked in kinds.items():
        others = [k for k, v in current.items() if v and k != key]
        if asked and others:
            raise InvalidParameterCombination(
                f"The event window '{instance_event_window_id}' is already associated with "
                "targets of another type.")
    for target in [*instances, *(h for h in hosts if world.node(h) is not None)]:
        for window, _, _ in world.into(target, schema.ASSOCIATED, KIND):
            if window != instance_event_window_id:
                raise Conflict(f"The target '{target}' is already associated with event "
                               f"window '{window}'.", "InvalidParameterValue")
        if target not in current["InstanceIds"] + current["DedicatedHostIds"]:
            world.link(instance_event_window_id, target, schema.ASSOCIATED)
    if wanted:
        world.update(instance_event_window_id,
                     target_tags={**node["target_tags"], **wanted})
    return instance_event_window_id


def disassociate(world: World, part: Partition, instance_event_window_id: str,
                 association_target: dict[str, Any]) -> str:
    """DisassociateInstanceEventWindow: the targets named leave the window."""
    node = world.get(part, KIND, instance_event_window_id)
    instances, hosts, wanted = _asked(world, part, association_target)
    current = _targets(world, instance_event_window_id)
    for target in [*instances, *hosts]:
        if target in current["InstanceIds"] + current["DedicatedHostIds"]:
            world.unlink(instance_event_window_id, target, schema.ASSOCIATED)
    if wanted:
        world.update(instance_event_window_id, target_tags={
            k: v for k, v in node["target_tags"].items() if wanted.get(k) != v})
    return instance_event_window_id


# -- reading ----------------------------------------------------------------------------------
def view(world: World, window_id: str) -> dict[str, Any]:
    node = world.graph.nodes[window_id]
    out: dict[str, Any] = {"InstanceEventWindowId": window_id,
                           "TimeRanges": [dict(r) for r in node["TimeRanges"]]}
    if node.get("Name") is not None:
        out["Name"] = node["Name"]
    if node.get("CronExpression"):
        out["CronExpression"] = node["CronExpression"]
    out["AssociationTarget"] = _targets(world, window_id)
    out["State"] = node["State"]
    out["Tags"] = tagging.listed(node["tags"])
    return out


def _target_values(kind: str) -> Filter:
    return Filter(lambda w, rid, n: [v for v, _, _ in w.out(rid, schema.ASSOCIATED, kind)])


FILTERS: dict[str, Filter] = {
    "instance-event-window-id": ident(),
    "event-window-name": field("Name"),
    "instance-id": _target_values("instance"),
    "dedicated-host-id": _target_values(HOST_KIND),
    "instance-tag": Filter(lambda w, rid, n: [f"{k}={v}" for k, v in n["target_tags"].items()]),
    "instance-tag-key": Filter(lambda w, rid, n: list(n["target_tags"])),
    "instance-tag-value": Filter(lambda w, rid, n: list(n["target_tags"].values())),
}

from ..core.family import Family, declare  # noqa: E402  (kept beside the declaration)

# DeleteInstanceEventWindow is an action: a family's delete gets the id alone, not ForceDelete
FAMILY = declare(Family(KIND, view=view, filters=FILTERS, create=create,
                        actions={"DeleteInstanceEventWindow": delete,
                                 "ModifyInstanceEventWindow": modify,
                                 "AssociateInstanceEventWindow": associate,
                                 "DisassociateInstanceEventWindow": disassociate},
                        ids_exclude_max=True, max_results=(20, 500)))
