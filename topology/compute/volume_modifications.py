"""Elastic Volumes: ModifyVolume and DescribeVolumesModifications.

A modification changes a volume's size, type, IOPS, throughput or Multi-Attach setting in
place. AWS's rules: a volume only grows; the new settings are checked like a new volume's
(`volumes.check_settings`), a new type taking that type's defaults; an io1 volume with
Multi-Attach cannot be modified; Multi-Attach cannot be turned off while more than one
instance holds the volume; and a volume takes at most four modifications in a rolling 24
hours, each after the previous one completed.

The volume node keeps its latest modification as `modification` (`original` and `target`
settings, `StartTime`) and the start times of the last day's as `modification_starts`; it
is claimed under "volume-modification". The simulator completes a modification at once:
ModifyVolume answers `modifying` as AWS does, DescribeVolumesModifications shows it
`completed`.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from ..core import clock, schema
from ..core.errors import IncorrectState, InvalidParameterValue, TopologyError
from ..core.family import declare_actions
from ..core.filters import Filter, ident
from ..core.world import Partition, World
from . import volumes

MODIFICATIONS_PER_DAY = 4       # Elastic Volumes: modifications per rolling 24 hours


def modify(world: World, part: Partition, volume_id: str, *, size: int | None = None,
           volume_type: str | None = None, iops: int | None = None,
           throughput: int | None = None,
           multi_attach_enabled: bool | None = None) -> dict[str, Any]:
    """Start an Elastic Volumes modification; returns it (boto3 `VolumeModification`,
    `modifying`). Omitted settings keep their value, except that a new type gets that type's
    defaults (3000 IOPS for gp3/io1/io2, 125 MiB/s for gp3)."""
    node = world.get(part, "volume", volume_id)
    if all(v is None for v in (size, volume_type, iops, throughput, multi_attach_enabled)):
        raise InvalidParameterValue(
            "Invalid input: Must specify at least one of size, type, iops, throughput or "
            "multi-attach.")
    if node.get("MultiAttachEnabled") and node["VolumeType"] == "io1":
        raise InvalidParameterValue(
            "io1 volumes with Multi-Attach enabled do not support modify-volume actions.")
    if size is not None and size < node["Size"]:
        raise InvalidParameterValue("New size cannot be smaller than existing size")
    target = _target(node, size, volume_type, iops, throughput, multi_attach_enabled)
    if node.get("MultiAttachEnabled") and not target["MultiAttachEnabled"] \
            and len(world.out(volume_id, schema.ATTACHED, "instance")) > 1:
        raise IncorrectState(
            f"Multi-Attach cannot be disabled for volume {volume_id} while it is attached to more "
            "than one instance.", "IncorrectState")
    started = clock.now()
    recent = _recent_modifications(node, started)
    original = {k: node.get(k) for k in ("Size", "VolumeType", "Iops", "Throughput",
                                         "MultiAttachEnabled")}
    record = {"original": original, "target": target, "StartTime": started}
    # None removes a setting the new type does not have (gp2's throughput, st1's IOPS)
    world.update(volume_id, modification=record, modification_starts=recent + [started], **target)
    world.claim(part, "volume-modification", True, volume_id)
    return {**modification_view(world, volume_id), "ModificationState": "modifying",
            "Progress": 0, "EndTime": None}


def _target(node: dict[str, Any], size: int | None, volume_type: str | None, iops: int | None,
            throughput: int | None, multi_attach: bool | None) -> dict[str, Any]:
    """The settings the volume will have, checked like a new volume's."""
    vtype = volume_type or node["VolumeType"]
    same = vtype == node["VolumeType"]
    spec = volumes.TYPES[vtype]
    if iops is None and spec.iops is not None:
        iops = node.get("Iops") if same else volumes.GP3_BASELINE_IOPS
    if throughput is None and spec.throughput is not None:
        throughput = node.get("Throughput") if same else volumes.GP3_BASELINE_THROUGHPUT
    multi = node.get("MultiAttachEnabled", False) if multi_attach is None else multi_attach
    new_size = node["Size"] if size is None else size
    new_iops, new_throughput = volumes.check_settings(vtype, new_size, iops, throughput, multi)
    return {"Size": new_size, "VolumeType": vtype, "Iops": new_iops,
            "Throughput": new_throughput, "MultiAttachEnabled": multi}


def _recent_modifications(node: dict[str, Any], current: dt.datetime) -> list[dt.datetime]:
    """The volume's modification start times of the last 24 hours; raises
    `VolumeModificationRateExceeded` when there are already four (the previous one is
    complete: the simulator completes modifications at once)."""
    recent = sorted(t for t in node.get("modification_starts", ())
                    if current - t < dt.timedelta(days=1))
    if len(recent) >= MODIFICATIONS_PER_DAY:
        eligible = clock.stamp(recent[-MODIFICATIONS_PER_DAY] + dt.timedelta(days=1))
        raise TopologyError(
            "You've reached the maximum modification rate per volume limit. Wait until "
            f"{eligible} before you can issue the next modification request for this volume.",
            "VolumeModificationRateExceeded")
    return recent


def modification_view(world: World, vol_id: str) -> dict[str, Any]:
    """The volume's latest modification as boto3's `VolumeModification` (completed)."""
    record = world.graph.nodes[vol_id]["modification"]
    original, target = record["original"], record["target"]
    out: dict[str, Any] = {"VolumeId": vol_id, "ModificationState": "completed",
                           "Progress": 100, "StartTime": record["StartTime"],
                           "EndTime": record["StartTime"]}
    for name, value in target.items():
        out[f"Target{name}"] = value
    for name, value in original.items():
        out[f"Original{name}"] = value
    return {k: v for k, v in out.items() if v is not None}


def has_modification(world: World, vol_id: str) -> bool:
    return "modification" in world.graph.nodes[vol_id]


def _mod(getter):
    return Filter(lambda w, rid, n: getter(n["modification"]) if "modification" in n else None)


MODIFICATION_FILTERS: dict[str, Filter] = {
    "modification-state": _mod(lambda m: "completed"),
    "original-iops": _mod(lambda m: m["original"].get("Iops")),
    "original-size": _mod(lambda m: m["original"]["Size"]),
    "original-volume-type": _mod(lambda m: m["original"]["VolumeType"]),
    "originalMultiAttachEnabled": _mod(lambda m: m["original"]["MultiAttachEnabled"]),
    "start-time": _mod(lambda m: clock.stamp(m["StartTime"])),
    "target-iops": _mod(lambda m: m["target"].get("Iops")),
    "target-size": _mod(lambda m: m["target"]["Size"]),
    "target-volume-type": _mod(lambda m: m["target"]["VolumeType"]),
    "targetMultiAttachEnabled": _mod(lambda m: m["target"]["MultiAttachEnabled"]),
    "volume-id": ident(),
}


# ModifyVolume is bound from `modify` (docs/families.md)
declare_actions("volume", {"ModifyVolume": modify})
