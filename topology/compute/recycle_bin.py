"""The Recycle Bin: deleted snapshots, deregistered images and deleted volumes that a
retention rule (`recycle_bin_rules`) keeps, until they are restored or their retention ends.

Deleting goes through `core.retention.discard`; this module answers its `RETAIN` question
for the three kinds. A kept resource leaves the graph like any deleted one (its describes
no longer list it, its claims and tags are released) and a `recycle-bin-entry` node keeps
what restoring needs: the resource's kind, fields, tags and value claims, when it entered
and when it leaves the bin (`RecycleBinEnterTime` + the rule's retention). The entry is
claimed under "recycle-bin" by the resource id. Restoring re-adds the resource under its
own id, with its tags and claims; an entry whose retention has ended is gone for good (AWS
deletes it permanently), so the listings and restores skip it.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from ..catalogue import image_catalogue as catalogue
from ..core import clock, paging, retention
from ..core.errors import InvalidParameterValue
from ..core.family import declare_actions
from ..core.world import Partition, World, not_found
from . import images, recycle_bin_rules

KIND = "recycle-bin-entry"
INDEX = "recycle-bin"                  # claim: resource id -> its entry
_OWN = ("kind", "account", "region", "seq", "tags")


def keep(world: World, part: Partition, rid: str) -> bool:
    """Move a resource being deleted to the Recycle Bin if a rule keeps it."""
    rule = recycle_bin_rules.retention(world, part, rid)
    if rule is None:
        return False
    node = world.graph.nodes[rid]
    entered = clock.now()
    record = {"ResourceId": rid, "resource_kind": node["kind"],
              "fields": {k: v for k, v in node.items() if k not in _OWN},
              "saved_tags": dict(node["tags"]),
              "claims": sorted(part.claims_of.get(rid, ()), key=repr),
              "RecycleBinEnterTime": entered,
              "RecycleBinExitTime": entered + dt.timedelta(days=rule[1]), "rule": rule[0]}
    world.remove(rid)
    entry = f"{rid}@{INDEX}"
    world.add(part, KIND, entry, **record)
    world.claim(part, INDEX, rid, entry)
    return True


for _kind in recycle_bin_rules.RESOURCE_TYPES:
    retention.RETAIN.add(_kind, keep)


def _entries(world: World, part: Partition, kind: str) -> list[str]:
    now = clock.now()
    nodes = world.graph.nodes
    return [e for e in part.ids(KIND) if nodes[e]["resource_kind"] == kind
            and nodes[e]["RecycleBinExitTime"] > now]


def _entry(world: World, part: Partition, kind: str, rid: str) -> str:
    """The live entry of resource `rid`, else the kind's NotFound (Malformed for a bad id)."""
    for entry in world.claimed(part, INDEX, rid):
        node = world.graph.nodes[entry]
        if node["resource_kind"] == kind and node["RecycleBinExitTime"] > clock.now():
            return entry
    raise not_found(kind, rid)


def _listed(world: World, part: Partition, kind: str, ids: list[str] | None,
            max_results: int | None, next_token: str | None) -> list[str]:
    if ids:
        chosen = list(dict.fromkeys(_entry(world, part, kind, rid) for rid in ids))
    else:
        chosen = _entries(world, part, kind)
    return chosen


def _page(world: World, chosen: list[str], max_results: int | None,
          next_token: str | None) -> tuple[list[str], str | None]:
    return paging.page(world, chosen, max_results, next_token)


def _times(node: dict[str, Any]) -> dict[str, Any]:
    return {"RecycleBinEnterTime": node["RecycleBinEnterTime"],
            "RecycleBinExitTime": node["RecycleBinExitTime"]}


# -- snapshots --------------------------------------------------------------------------------
def list_snapshots(world: World, part: Partition, snapshot_ids: list[str] | None = None,
                   max_results: int | None = None, next_token: str | None = None
                   ) -> dict[str, Any]:
    """ListSnapshotsInRecycleBin."""
    chosen = _listed(world, part, "snapshot", snapshot_ids, max_results, next_token)
    page, token = _page(world, chosen, max_results, next_token)
    nodes = world.graph.nodes
    return {"Snapshots": [{"SnapshotId": nodes[e]["ResourceId"], **_times(nodes[e]),
                           "Description": nodes[e]["fields"].get("Description", ""),
                           "VolumeId": nodes[e]["fields"].get("VolumeId")} for e in page],
            "NextToken": token}


def restore_snapshot(world: World, part: Partition, snapshot_id: str) -> dict[str, Any]:
    """RestoreSnapshotFromRecycleBin: the snapshot as AWS answers it (`recovering`)."""
    restore(world, part, "snapshot", snapshot_id)
    node = world.graph.nodes[snapshot_id]
    return {"SnapshotId": snapshot_id, "Description": node.get("Description", ""),
            "Encrypted": node.get("Encrypted"), "OwnerId": part.account,
            "Progress": node.get("Progress"), "StartTime": node.get("StartTime"),
            "State": "recovering", "VolumeId": node.get("VolumeId"),
            "VolumeSize": node.get("VolumeSize"),
            "SseType": "sse-ebs" if node.get("Encrypted") else "none"}


# -- images -----------------------------------------------------------------------------------
def list_images(world: World, part: Partition, image_ids: list[str] | None = None,
                max_results: int | None = None, next_token: str | None = None
                ) -> dict[str, Any]:
    """ListImagesInRecycleBin."""
    chosen = _listed(world, part, "image", image_ids, max_results, next_token)
    page, token = _page(world, chosen, max_results, next_token)
    nodes = world.graph.nodes
    return {"Images": [{"ImageId": nodes[e]["ResourceId"],
                        "Name": nodes[e]["fields"].get("Name"),
                        "Description": nodes[e]["fields"].get("Description"),
                        **_times(nodes[e])} for e in page], "NextToken": token}


def restore_image(world: World, part: Partition, image_id: str) -> bool:
    """RestoreImageFromRecycleBin: the image is `available` again, with its launch
    permissions."""
    restore(world, part, "image", image_id)
    world.unclaim(part, images.DEREGISTERED, image_id, part.account)
    pub = catalogue.public_partition(world, part.region)
    for value in images.index_values(world.graph.nodes[image_id].get("permissions", [])):
        world.claim(pub, catalogue.LAUNCH_INDEX, value, image_id)
    return True


# -- volumes ----------------------------------------------------------------------------------
_VOLUME_FIELDS = ("VolumeType", "Size", "Iops", "Throughput", "AvailabilityZone",
                  "AvailabilityZoneId", "SnapshotId", "CreateTime")


def list_volumes(world: World, part: Partition, volume_ids: list[str] | None = None,
                 max_results: int | None = None, next_token: str | None = None
                 ) -> dict[str, Any]:
    """ListVolumesInRecycleBin (MaxResults 5 to 500, documented but not in the model)."""
    if max_results is not None and not 5 <= max_results <= 500:
        raise InvalidParameterValue(f"Value ( {max_results} ) for parameter maxResults is "
                                    "invalid. Expecting a value between 5 and 500.")
    chosen = _listed(world, part, "volume", volume_ids, max_results, next_token)
    page, token = _page(world, chosen, max_results, next_token)
    nodes = world.graph.nodes
    return {"Volumes": [{"VolumeId": nodes[e]["ResourceId"], "State": "deleted",
                         **{k: nodes[e]["fields"][k] for k in _VOLUME_FIELDS
                            if nodes[e]["fields"].get(k) not in (None, "")},
                         **_times(nodes[e])} for e in page], "NextToken": token}


def restore_volume(world: World, part: Partition, volume_id: str) -> bool:
    """RestoreVolumeFromRecycleBin: the volume is `available` again."""
    restore(world, part, "volume", volume_id)
    return True


# -- restoring --------------------------------------------------------------------------------
def restore(world: World, part: Partition, kind: str, rid: str) -> None:
    """Bring `rid` back from the Recycle Bin under its own id, with its tags and claims."""
    entry = _entry(world, part, kind, rid)
    node = dict(world.graph.nodes[entry])
    world.remove(entry)
    world.add(part, kind, rid, **node["fields"])
    for key, value in node["saved_tags"].items():
        world.tag(rid, key, value)
    for name, value in node["claims"]:
        world.claim(part, name, value, rid)


# bound from these functions (docs/families.md); the rules are the rbin service's
declare_actions(KIND, {
    "ListSnapshotsInRecycleBin": list_snapshots,
    "RestoreSnapshotFromRecycleBin": restore_snapshot,
    "ListImagesInRecycleBin": list_images, "RestoreImageFromRecycleBin": restore_image,
    "ListVolumesInRecycleBin": list_volumes, "RestoreVolumeFromRecycleBin": restore_volume})
