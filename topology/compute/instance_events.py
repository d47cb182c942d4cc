"""Scheduled events of instances, and the tags that event notifications carry.

AWS schedules events (reboots, maintenance, retirement, stops) on its own; the simulator's
hardware never needs one, so events exist only when something schedules them in-process
(`schedule`). They are the instance's `events` field; DescribeInstanceStatus lists them and
its `event.*` filters read them. ModifyInstanceEventStartTime moves an event that has a
deadline to a start between now and that deadline.

The event notification attributes are the account's in a region (a partition attribute):
the instance tag keys, or all tags, that scheduled-event notifications include. Register and
deregister take either `IncludeAllTagsOfInstance` or `InstanceTagKeys`, not both.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from ..core.clock import now
from ..core.errors import InvalidParameterCombination, InvalidParameterValue, TopologyError
from ..core.family import declare_actions
from ..core.world import Partition, World
from .instances import state_name

CODES = ("instance-reboot", "system-reboot", "system-maintenance", "instance-retirement",
         "instance-stop")
NOTIFICATION = "instance-event-notification-tags"    # Partition.attributes key
DESCRIPTIONS = {"instance-reboot": "The instance is scheduled for a reboot",
                "system-reboot": "The instance is scheduled for a system reboot",
                "system-maintenance": "The instance is scheduled for system maintenance",
                "instance-retirement": "The instance is running on degraded hardware",
                "instance-stop": "The instance is running on degraded hardware"}


def events(node: dict[str, Any]) -> list[dict[str, Any]]:
    """boto3's `InstanceStatusEvent`s of an instance node."""
    return [dict(e) for e in node.get("events") or []]


def schedule(world: World, part: Partition, instance_id: str, code: str,
             not_before: dt.datetime, *, not_after: dt.datetime | None = None,
             deadline: dt.datetime | None = None, description: str | None = None) -> str:
    """Schedule an event on an instance, as AWS would (in-process only); returns its id."""
    world.get(part, "instance", instance_id)
    if code not in CODES:
        raise InvalidParameterValue(f"Unknown event code '{code}'")
    event_id = world.new_id("instance-event")
    event: dict[str, Any] = {"InstanceEventId": event_id, "Code": code,
                             "Description": description or DESCRIPTIONS[code],
                             "NotBefore": not_before}
    if not_after is not None:
        event["NotAfter"] = not_after
    if deadline is not None:
        event["NotBeforeDeadline"] = deadline
    node = world.graph.nodes[instance_id]
    world.update(instance_id, events=[*events(node), event])
    return event_id


def modify_start_time(world: World, part: Partition, instance_id: str,
                      instance_event_id: str, not_before: dt.datetime) -> dict[str, Any]:
    """ModifyInstanceEventStartTime: the event, moved."""
    node = world.get(part, "instance", instance_id)
    found = [e for e in events(node) if e["InstanceEventId"] == instance_event_id]
    if not found or state_name(world, instance_id) == "terminated":
        raise TopologyError(f"The instance event ID '{instance_event_id}' does not exist",
                            "InvalidInstanceEventIDNotFound")
    event = found[0]
    deadline = event.get("NotBeforeDeadline")
    if deadline is None or not now() <= not_before <= deadline:
        raise TopologyError(
            "The specified start time is not valid. The event can only be rescheduled to a "
            "time after the current time and before its deadline"
            + (f" ({deadline.isoformat()})." if deadline else "; this event has none."),
            "InvalidInstanceEventStartTime")
    duration = (event["NotAfter"] - event["NotBefore"]) if event.get("NotAfter") else None
    event.update(NotBefore=not_before)
    if duration is not None:
        event["NotAfter"] = not_before + duration
    world.update(instance_id, events=[event if e["InstanceEventId"] == instance_event_id
                                      else e for e in events(node)])
    return event


# -- event notification attributes ------------------------------------------------------------
def notification_attributes(world: World, part: Partition) -> dict[str, Any]:
    """DescribeInstanceEventNotificationAttributes' `InstanceTagAttribute`."""
    kept = part.attributes.get(NOTIFICATION) or {}
    return {"InstanceTagKeys": list(kept.get("keys") or []),
            "IncludeAllTagsOfInstance": bool(kept.get("all"))}


def _one_of(asked: dict[str, Any]) -> tuple[bool | None, list[str]]:
    include_all, keys = asked.get("IncludeAllTagsOfInstance"), asked.get("InstanceTagKeys")
    if include_all is None and not keys:
        raise InvalidParameterValue("Either IncludeAllTagsOfInstance or InstanceTagKeys must "
                                    "be specified.")
    if include_all is not None and keys:
        raise InvalidParameterCombination("IncludeAllTagsOfInstance and InstanceTagKeys "
                                          "cannot be specified together.")
    return include_all, list(keys or [])


def register(world: World, part: Partition, instance_tag_attribute: dict[str, Any]
             ) -> dict[str, Any]:
    """RegisterInstanceEventNotificationAttributes: add tag keys, or include all tags."""
    include_all, keys = _one_of(instance_tag_attribute)
    current = notification_attributes(world, part)
    kept = list(dict.fromkeys([*current["InstanceTagKeys"], *keys]))
    _keep(world, part, kept, bool(include_all) or current["IncludeAllTagsOfInstance"])
    return notification_attributes(world, part)


def deregister(world: World, part: Partition, instance_tag_attribute: dict[str, Any]
               ) -> dict[str, Any]:
    """DeregisterInstanceEventNotificationAttributes: drop tag keys, or stop including all."""
    include_all, keys = _one_of(instance_tag_attribute)
    current = notification_attributes(world, part)
    kept = [k for k in current["InstanceTagKeys"] if k not in keys]
    _keep(world, part, kept, current["IncludeAllTagsOfInstance"] and not include_all)
    return notification_attributes(world, part)


def _keep(world: World, part: Partition, keys: list[str], include_all: bool) -> None:
    world.set_attribute(part, NOTIFICATION,
                        {"keys": keys, "all": include_all} if keys or include_all else None)


# these operations are bound from the functions above (docs/families.md)
declare_actions("instance", {"ModifyInstanceEventStartTime": modify_start_time})
declare_actions("instance-event-notification", {
    "DescribeInstanceEventNotificationAttributes": notification_attributes,
    "RegisterInstanceEventNotificationAttributes": register,
    "DeregisterInstanceEventNotificationAttributes": deregister})
