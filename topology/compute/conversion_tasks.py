"""The legacy VM Import conversion tasks: ImportVolume (`import-vol-`) and ImportInstance
(`import-i-`), DescribeConversionTasks and CancelConversionTask.

Each disk image is named by its import manifest URL, format (VMDK, RAW, VHD) and size in
bytes, and becomes an EBS volume of the requested size in the task's zone. A task answers
`active` and is `completed` when described later (`task_progress`); its volume then exists.
CancelConversionTask takes an `active` task to `cancelling` (`cancelled` once described); a
completed or cancelled one is refused. (ImportInstance's instance itself is not launched:
the task completes with its volume and no InstanceId.)
"""
from __future__ import annotations

import copy as _copy
import datetime as dt
from typing import Any

from ..core import clock, regions
from ..core import tags as tagging
from ..core.errors import InvalidParameterValue, MissingParameter, TopologyError
from ..core.world import Partition, World
from . import task_progress, volumes

INSTANCE, VOLUME = "import-instance-task", "import-volume-task"
KINDS = {"import-i": INSTANCE, "import-vol": VOLUME}
FORMATS = ("VMDK", "RAW", "VHD")
EXPIRY = dt.timedelta(days=7)     # AWS deletes an unfinished conversion task after 7 days


def _image(image: dict[str, Any] | None, volume: dict[str, Any] | None,
           prefix: str = "") -> dict[str, Any]:
    """A disk image and its volume, checked; the volume detail item a task keeps."""
    if not image:
        raise MissingParameter(f"The request must contain the parameter {prefix}Image")
    for member in ("Format", "Bytes", "ImportManifestUrl"):
        if image.get(member) in (None, ""):
            raise MissingParameter(f"The request must contain the parameter {prefix}Image."
                                   f"{member}")
    fmt = task_progress.check_choice(image["Format"], "Format", FORMATS)
    task_progress.check_url(image["ImportManifestUrl"])
    if image["Bytes"] < 1:
        raise InvalidParameterValue(f"Value ({image['Bytes']}) for parameter Bytes is invalid.")
    size = (volume or {}).get("Size")
    if size is None:
        raise MissingParameter(f"The request must contain the parameter {prefix}Volume.Size")
    volumes.check_settings("standard", size, None, None, False)   # EBS's size bounds
    return {"Image": {"Format": fmt, "Size": image["Bytes"],
                      "ImportManifestUrl": image["ImportManifestUrl"]},
            "Volume": {"Size": size}, "BytesConverted": 0}


def _zone(part: Partition, name: str | None, zone_id: str | None = None) -> str:
    if not name and not zone_id:
        return regions.zones(part.region)[0]["ZoneName"]
    return volumes.zone_of(part, name, zone_id)["ZoneName"]


def _add(world: World, part: Partition, kind: str, prefix: str, fields: dict[str, Any]
         ) -> str:
    task_id = world.new_id(prefix)
    expires = clock.now() + EXPIRY
    world.add(part, kind, task_id, State="active", settled=False,
              ExpirationTime=expires.strftime("%Y-%m-%dT%H:%M:%SZ"), **fields)
    return task_id


def import_volume(world: World, part: Partition, params: dict[str, Any]) -> str:
    """ImportVolume: one disk image into a new volume of the zone; returns the task id."""
    detail = _image(params.get("Image"), params.get("Volume"))
    zone = _zone(part, params.get("AvailabilityZone"), params.get("AvailabilityZoneId"))
    detail.update(AvailabilityZone=zone, Description=params.get("Description"))
    return _add(world, part, VOLUME, "import-vol", {"disks": [detail],
                                                   "Description": params.get("Description")})


def import_instance(world: World, part: Partition, params: dict[str, Any]) -> str:
    """ImportInstance: a (single-volume, Windows) VM's disk images; returns the task id."""
    spec = params.get("LaunchSpecification") or {}
    zone_name = (spec.get("Placement") or {}).get("AvailabilityZone")
    if spec.get("SubnetId"):
        subnet = world.get(part, "subnet", spec["SubnetId"])
        zone_name = subnet["AvailabilityZone"]
    zone = _zone(part, zone_name)
    images = params.get("DiskImages") or []
    if not images:
        raise MissingParameter("The request must contain the parameter DiskImage")
    disks = [{**_image(d.get("Image"), d.get("Volume"), f"DiskImage.{i}."),
              "AvailabilityZone": zone, "Description": d.get("Description")}
             for i, d in enumerate(images, 1)]
    return _add(world, part, INSTANCE, "import-i", {
        "disks": disks, "Description": params.get("Description"),
        "Platform": params.get("Platform")})


def _finish(world: World, part: Partition, task_id: str) -> None:
    node = world.graph.nodes[task_id]
    if node["State"] == "cancelling":
        world.update(task_id, State="cancelled")
        return
    disks = _copy.deepcopy(node["disks"])
    for disk in disks:
        vol_id = volumes.create(world, part, zone=disk["AvailabilityZone"],
                                size=disk["Volume"]["Size"], volume_type="standard")
        disk["Volume"]["Id"] = vol_id
        disk["BytesConverted"] = disk["Image"]["Size"]
    world.update(task_id, State="completed", disks=disks)


def settle(world: World, part: Partition) -> None:
    """Finish the partition's conversion tasks still in progress (a describe's)."""
    for kind in (INSTANCE, VOLUME):
        task_progress.settle(world, part, kind, _finish)


def kind_of(task_id: str) -> str:
    """The kind an id names by its prefix (an unknown prefix: an import-instance id's error)."""
    return KINDS.get(task_id.rpartition("-")[0], INSTANCE)


def get(world: World, part: Partition, task_id: str) -> dict[str, Any]:
    return world.get(part, kind_of(task_id), task_id)


def cancel(world: World, part: Partition, conversion_task_id: str,
           reason_message: str | None = None) -> None:
    """CancelConversionTask: an `active` task goes `cancelling`."""
    node = get(world, part, conversion_task_id)
    if node["State"] != "active" or task_progress.is_settled(node):
        state = "completed" if node["State"] == "active" else node["State"]
        raise TopologyError(f"The conversion task {conversion_task_id} is {state} and cannot "
                            "be cancelled.", "IncorrectState")
    world.update(conversion_task_id, State="cancelling",
                 StatusMessage=reason_message or "Canceled by user")


def ids(part: Partition) -> list[str]:
    return [*part.ids(INSTANCE), *part.ids(VOLUME)]


# -- views ------------------------------------------------------------------------------------
def _item(disk: dict[str, Any], state: str) -> dict[str, Any]:
    out = {k: _copy.deepcopy(disk[k]) for k in ("AvailabilityZone", "BytesConverted",
                                                  "Description", "Image", "Volume")
           if disk.get(k) is not None}
    out["Status"] = state
    return out


def view(world: World, task_id: str) -> dict[str, Any]:
    """The task as boto3's ConversionTask."""
    node = world.graph.nodes[task_id]
    state = node["State"]
    out: dict[str, Any] = {"ConversionTaskId": task_id, "ExpirationTime": node["ExpirationTime"],
                           "State": state}
    if node.get("StatusMessage"):
        out["StatusMessage"] = node["StatusMessage"]
    if node["kind"] == VOLUME:
        out["ImportVolume"] = _item(node["disks"][0], state)
        out["ImportVolume"].pop("Status")
    else:
        detail: dict[str, Any] = {"Volumes": [_item(d, state) for d in node["disks"]],
                                  "Platform": node.get("Platform")}
        if node.get("Description"):
            detail["Description"] = node["Description"]
        out["ImportInstance"] = detail
    out["Tags"] = tagging.listed(node["tags"])
    return out
