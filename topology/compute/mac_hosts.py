"""EC2 Mac: Mac Dedicated Hosts and the tasks that change a Mac instance's macOS settings.

DescribeMacHosts lists the account's Mac hosts (`mac*.metal` Dedicated Hosts not released)
with the macOS versions each supports. A `mac-modification-task` node records a System
Integrity Protection change (`sip-modification`) or a delegation of volume ownership
(`volume-ownership-delegation`) on a running Mac instance: the create call answers it
`pending`; the task completes at once, so a describe shows it `successful`. AWS's rules: the
instance is a Mac instance on a Mac host and running, with no other task in progress;
Apple silicon instances need the administrator's credentials (`MacCredentials`).
"""
from __future__ import annotations

import json
from typing import Any

from ..catalogue import host_types
from ..core import tags as tagging
from ..core.clock import now, stamp
from ..core.errors import IncorrectState, InvalidParameterValue, MissingParameter
from ..core.family import Family, declare
from ..core.filters import Filter, field
from ..core.world import Partition, World
from .instances import state_name

KIND = "mac-modification-task"
SIP_PARTS = ("AppleInternal", "BaseSystem", "DebuggingRestrictions", "DTraceRestrictions",
             "FilesystemProtections", "KextSigning", "NvramProtections")


# -- hosts ----------------------------------------------------------------------------------
def is_mac_host(world: World, host_id: str) -> bool:
    node = world.graph.nodes[host_id]
    return host_types.is_mac(node["HostProperties"].get("InstanceType", "")) \
        and node["State"] != "released"


def mac_host_view(world: World, host_id: str) -> dict[str, Any]:
    props = world.graph.nodes[host_id]["HostProperties"]
    return {"HostId": host_id,
            "MacOSLatestSupportedVersions": list(host_types.MAC_TYPES[props["InstanceType"]][2])}


MAC_HOST_FILTERS: dict[str, Filter] = {
    "availability-zone": field("AvailabilityZone"),
    "instance-type": Filter(lambda w, rid, n: n["HostProperties"].get("InstanceType")),
}


# -- tasks ---------------------------------------------------------------------------------------
def _mac_instance(world: World, part: Partition, instance_id: str) -> dict[str, Any]:
    node = world.get(part, "instance", instance_id)
    if not host_types.is_mac(node["InstanceType"]):
        raise InvalidParameterValue(f"The instance '{instance_id}' is not a Mac instance.")
    if state_name(world, instance_id) != "running":
        raise IncorrectState(f"The instance '{instance_id}' is not in the 'running' state.",
                             "IncorrectInstanceState")
    busy = [t for t in part.ids(KIND) if world.graph.nodes[t]["InstanceId"] == instance_id
            and world.graph.nodes[t]["TaskState"] in ("pending", "in-progress")]
    if busy:
        raise IncorrectState(f"The instance '{instance_id}' already has a Mac modification "
                             f"task in progress ({busy[0]}).", "IncorrectState")
    return node


def _credentials(node: dict[str, Any], credentials: str | None) -> None:
    apple_silicon = node["InstanceType"] != "mac1.metal"
    if apple_silicon and not credentials:
        raise MissingParameter("The request must contain the parameter MacCredentials")
    if credentials:
        try:
            parsed = json.loads(credentials)
        except ValueError:
            parsed = None
        if not isinstance(parsed, dict) or not {"userName", "password"} <= set(parsed):
            raise InvalidParameterValue("MacCredentials must be a JSON object with userName "
                                        "and password.")


def _add(world: World, part: Partition, instance_id: str, task_type: str,
         tags: dict[str, str] | None, **fields: Any) -> dict[str, Any]:
    """A new task, answered `pending` (a describe shows it done)."""
    task_id = world.new_id("macmodification")
    world.add(part, KIND, task_id, InstanceId=instance_id, TaskType=task_type,
              TaskState="successful", StartTime=now(), **fields)
    tagging.apply(world, task_id, tags or {})
    return {**view(world, task_id), "TaskState": "pending"}


def create_sip_task(world: World, part: Partition, instance_id: str,
                    mac_system_integrity_protection_status: str,
                    mac_system_integrity_protection_configuration: dict[str, str] | None = None,
                    mac_credentials: str | None = None, client_token: str | None = None, *,
                    tags: dict[str, str] | None = None) -> dict[str, Any]:
    """CreateMacSystemIntegrityProtectionModificationTask."""
    node = _mac_instance(world, part, instance_id)
    _credentials(node, mac_credentials)
    status = mac_system_integrity_protection_status
    config = {part_name: status for part_name in SIP_PARTS}
    config.update(mac_system_integrity_protection_configuration or {})
    return _add(world, part, instance_id, "sip-modification", tags,
                MacSystemIntegrityProtectionConfig={**config, "Status": status})


def create_volume_ownership_task(world: World, part: Partition, instance_id: str,
                                 mac_credentials: str, client_token: str | None = None, *,
                                 tags: dict[str, str] | None = None) -> dict[str, Any]:
    """CreateDelegateMacVolumeOwnershipTask (Apple silicon only)."""
    node = _mac_instance(world, part, instance_id)
    if node["InstanceType"] == "mac1.metal":
        raise InvalidParameterValue("Volume ownership delegation is supported on Apple "
                                    "silicon Mac instances only.")
    _credentials(node, mac_credentials)
    return _add(world, part, instance_id, "volume-ownership-delegation", tags)


def view(world: World, task_id: str) -> dict[str, Any]:
    node = world.graph.nodes[task_id]
    out: dict[str, Any] = {"InstanceId": node["InstanceId"], "MacModificationTaskId": task_id,
                           "StartTime": node["StartTime"], "TaskState": node["TaskState"],
                           "TaskType": node["TaskType"],
                           "Tags": tagging.listed(node["tags"])}
    if "MacSystemIntegrityProtectionConfig" in node:
        out["MacSystemIntegrityProtectionConfig"] = dict(
            node["MacSystemIntegrityProtectionConfig"])
    return out


FILTERS: dict[str, Filter] = {
    "instance-id": field("InstanceId"),
    "task-state": field("TaskState"),
    "mac-system-integrity-protection-configuration.sip-status": Filter(
        lambda w, rid, n: (n.get("MacSystemIntegrityProtectionConfig") or {}).get("Status")),
    "start-time": Filter(lambda w, rid, n: stamp(n["StartTime"])),
    "task-type": field("TaskType"),
}

FAMILY = declare(Family(
    KIND, view=view, filters=FILTERS, noun="MacModificationTask", max_results=(5, 500),
    actions={"CreateMacSystemIntegrityProtectionModificationTask": create_sip_task,
             "CreateDelegateMacVolumeOwnershipTask": create_volume_ownership_task}))
