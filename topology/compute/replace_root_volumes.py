"""Replace root volume tasks: an instance's root volume replaced, without stopping it, by a
new volume restored to its launch state, to a snapshot, or from an image (or by a volume
given).

A task is a `replace-root-volume-task` node (`InstanceId`, `TaskState`, `StartTime`,
`CompleteTime`, `SnapshotId`, `ImageId`, `DeleteReplacedRootVolume`). The replacement is
done in the graph when the task is created: the new volume is attached on the root device
with the old attachment's settings, and the old volume is detached (and deleted when
`DeleteReplacedRootVolume`). AWS answers the task `pending`; describes show it `succeeded`
(AWS's `pending` → `in-progress` → `succeeded`).

AWS's rules: the instance is `running` and has an EBS root volume; `SnapshotId`,
`ImageId` and `VolumeId` exclude each other; with none the volume is restored to the
instance's launch state (the root volume's own snapshot).
"""
from __future__ import annotations

from typing import Any

from ..core import clock, retention, schema
from ..core import tags as tagging
from ..core.errors import (IncorrectState, InvalidParameterCombination, InvalidParameterValue,
                           TopologyError)
from ..core.family import Family, declare
from ..core.filters import Filter, field, ident
from ..core.world import Partition, World
from . import images, volumes

KIND = "replace-root-volume-task"


def create(world: World, part: Partition, instance_id: str, *,
           snapshot_id: str | None = None, image_id: str | None = None,
           volume_id: str | None = None, delete_replaced_root_volume: bool | None = None,
           tags: dict[str, str] | None = None) -> str:
    """CreateReplaceRootVolumeTask: replace the root volume now; returns the task id."""
    instance = world.get(part, "instance", instance_id)
    if sum(x is not None for x in (snapshot_id, image_id, volume_id)) > 1:
        raise InvalidParameterCombination(
            "Specify only one of SnapshotId, ImageId or VolumeId.")
    if (instance.get("State") or {}).get("Name") != "running":
        raise IncorrectState(f"The instance '{instance_id}' is not in the 'running' state.",
                             "IncorrectInstanceState")
    old = volumes.root_volume(world, instance_id)
    if old is None:
        raise TopologyError(f"The instance '{instance_id}' does not have an EBS root volume.",
                            "UnsupportedOperation")
    if snapshot_id is not None:
        _check_lineage(world, part, instance_id, old, snapshot_id)
    new = _new_root(world, part, old, snapshot_id, image_id, volume_id)
    _swap(world, instance_id, old, new, bool(delete_replaced_root_volume), part)
    if image_id is not None:      # the instance now runs the image it was restored from
        world.update(instance_id, ImageId=image_id)
    task_id = world.new_id("replacevol")
    now = clock.stamp(clock.now())
    world.add(part, KIND, task_id, InstanceId=instance_id, TaskState="succeeded",
              StartTime=now, CompleteTime=now, SnapshotId=snapshot_id, ImageId=image_id,
              DeleteReplacedRootVolume=bool(delete_replaced_root_volume),
              replaced_volume=old)
    tagging.apply(world, task_id, tags or {})
    return task_id


def _check_lineage(world: World, part: Partition, instance_id: str, root: str,
                   snapshot_id: str) -> None:
    """A snapshot restores the root volume only if it was taken of this instance's root
    volume, the current one or one an earlier task replaced."""
    snap = world.get(part, "snapshot", snapshot_id)
    roots = {root} | {world.graph.nodes[t]["replaced_volume"] for t in part.ids(KIND)
                      if world.graph.nodes[t]["InstanceId"] == instance_id}
    if snap["VolumeId"] not in roots:
        raise InvalidParameterValue(
            f"The snapshot {snapshot_id} was not created from the root volume of instance "
            f"{instance_id}.")


def _new_root(world: World, part: Partition, old: str, snapshot_id: str | None,
              image_id: str | None, volume_id: str | None) -> str:
    """The volume that becomes the root: given, or made from the chosen source."""
    node = world.graph.nodes[old]
    zone = node["AvailabilityZone"]
    if volume_id is not None:
        given = world.get(part, "volume", volume_id)
        if given["State"] != "available" or given["AvailabilityZone"] != zone:
            raise IncorrectState(f"The volume '{volume_id}' must be available and in {zone}.",
                                 "IncorrectState")
        return volume_id
    settings = {"zone": zone, "volume_type": node["VolumeType"],
                "encrypted": node.get("Encrypted"), "kms_key_id": node.get("KmsKeyId")}
    if snapshot_id is not None:
        snap = world.get(part, "snapshot", snapshot_id)
        return volumes.create(world, part, snapshot_id=snapshot_id,
                              size=max(snap["VolumeSize"], node["Size"]), **settings)
    if image_id is not None:
        images.get(world, part, image_id)
        root = next(iter(images.block_device_mappings(world, image_id)), {}).get("Ebs") or {}
        return volumes.create(world, part, size=max(root.get("VolumeSize") or 0, node["Size"]),
                              **settings)
    source = node.get("SnapshotId") or None      # the launch state: the volume's snapshot
    if source is not None and world.node(source) is None:
        source = None
    return volumes.create(world, part, snapshot_id=source, size=node["Size"], **settings)


def _swap(world: World, instance_id: str, old: str, new: str, delete_old: bool,
          part: Partition) -> None:
    data = dict(world.graph.edges[old, instance_id, (schema.ATTACHED, None)])
    world.unlink(old, instance_id, schema.ATTACHED)
    world.update(old, State="available")
    world.link(new, instance_id, schema.ATTACHED, **{**data, "AttachTime": clock.now()})
    world.update(new, State="in-use")
    if delete_old:
        retention.discard(world, part, old)


def view(world: World, task_id: str) -> dict[str, Any]:
    """The task as boto3's `ReplaceRootVolumeTask`."""
    node = world.graph.nodes[task_id]
    out = {"ReplaceRootVolumeTaskId": task_id, "InstanceId": node["InstanceId"],
           "TaskState": node["TaskState"], "StartTime": node["StartTime"],
           "CompleteTime": node["CompleteTime"], "Tags": tagging.listed(node["tags"]),
           "ImageId": node.get("ImageId"), "SnapshotId": node.get("SnapshotId"),
           "DeleteReplacedRootVolume": node["DeleteReplacedRootVolume"]}
    return {k: v for k, v in out.items() if v is not None}


def created_view(world: World, task_id: str) -> dict[str, Any]:
    """The task as CreateReplaceRootVolumeTask answers it: `pending`, not complete."""
    out = view(world, task_id)
    out.pop("CompleteTime")
    return {**out, "TaskState": "pending"}


FILTERS: dict[str, Filter] = {"instance-id": field("InstanceId"),
                              "replace-root-volume-task-id": ident()}

FAMILY = declare(Family(KIND, view=view, created_view=created_view, filters=FILTERS,
                        create=create))
