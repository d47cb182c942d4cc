"""EBS Snapshots Archive: moving a snapshot to the archive tier and restoring it, for a
while or for good.

The snapshot's `StorageTier` is `standard` or `archive`; its `tiering` field keeps the last
tiering operation (`LastTieringStartTime`, `LastTieringOperationStatus`,
`LastTieringProgress`, `ArchivalCompleteTime`, `RestoreExpiryTime`). AWS's rules: only a
`completed` snapshot in the standard tier is archived, and not while fast snapshot restore
is enabled for it; only an archived (or temporarily restored) snapshot is restored; a
temporary restore lasts `TemporaryRestoreDays` and may be changed or made permanent. The
simulator completes archivals and restores at once: the calls answer the start, describes
show them completed.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from ..core import clock, paging
from ..core import tags as tagging
from ..core.errors import InvalidParameterCombination, InvalidParameterValue, TopologyError
from ..core.family import declare_actions
from ..core.filters import Filter, field, select_rows
from ..core.world import Partition, World
from .fast_snapshot_restores import FIELD as FAST_RESTORES

MAX_RESTORE_DAYS = 180


def archive(world: World, part: Partition, snapshot_id: str,
            storage_tier: str | None = None) -> dt.datetime:
    """ModifySnapshotTier: move the snapshot to the archive tier; returns when it began."""
    node = world.get(part, "snapshot", snapshot_id)
    if storage_tier not in (None, "archive"):
        raise InvalidParameterValue(f"Value ({storage_tier}) for parameter StorageTier is "
                                    "invalid. You must specify archive.")
    if node.get("StorageTier") == "archive" and not node.get("RestoreExpiryTime"):
        raise TopologyError(f"The snapshot '{snapshot_id}' is already in the archive tier.",
                            "IncorrectState")
    if any(item["State"] != "disabled" for item in (node.get(FAST_RESTORES) or {}).values()):
        raise TopologyError(f"Fast snapshot restore is enabled for snapshot '{snapshot_id}'. "
                            "Disable it before archiving the snapshot.", "IncorrectState")
    started = clock.now()
    world.update(snapshot_id, StorageTier="archive", RestoreExpiryTime=None, tiering={
        "LastTieringStartTime": started, "LastTieringProgress": 100,
        "LastTieringOperationStatus": "archival-completed", "ArchivalCompleteTime": started,
        "LastTieringOperationStatusDetail": "Archival completed successfully"})
    return started


def restore(world: World, part: Partition, snapshot_id: str,
            temporary_restore_days: int | None = None,
            permanent_restore: bool | None = None) -> dict[str, Any]:
    """RestoreSnapshotTier: bring an archived snapshot back, for some days or for good."""
    node = world.get(part, "snapshot", snapshot_id)
    if temporary_restore_days is not None and permanent_restore:
        raise InvalidParameterCombination(
            "You can't specify TemporaryRestoreDays with PermanentRestore.")
    if temporary_restore_days is None and not permanent_restore:
        raise InvalidParameterValue("You must specify TemporaryRestoreDays or set "
                                    "PermanentRestore to true.")
    if node.get("StorageTier") != "archive":
        raise TopologyError(f"The snapshot '{snapshot_id}' is not in the archive tier.",
                            "IncorrectState")
    if temporary_restore_days is not None and not 1 <= temporary_restore_days \
            <= MAX_RESTORE_DAYS:
        raise InvalidParameterValue(
            f"Value ({temporary_restore_days}) for parameter TemporaryRestoreDays is invalid. "
            f"Expecting a value between 1 and {MAX_RESTORE_DAYS}.")
    started = clock.now()
    tiering = dict(node.get("tiering") or {})
    tiering.update(LastTieringStartTime=started, LastTieringProgress=100,
                   LastTieringOperationStatusDetail="Restore completed successfully")
    if permanent_restore:
        tiering["LastTieringOperationStatus"] = "permanent-restore-completed"
        tiering.pop("ArchivalCompleteTime", None)
        world.update(snapshot_id, StorageTier="standard", RestoreExpiryTime=None,
                     tiering=tiering)
        return {"RestoreStartTime": started, "IsPermanentRestore": True}
    days = temporary_restore_days or 0
    tiering["LastTieringOperationStatus"] = "temporary-restore-completed"
    world.update(snapshot_id, RestoreExpiryTime=started + dt.timedelta(days=days),
                 tiering=tiering)
    return {"RestoreStartTime": started, "RestoreDuration": days, "IsPermanentRestore": False}


def status_view(world: World, snapshot_id: str) -> dict[str, Any]:
    """The snapshot as boto3's `SnapshotTierStatus`."""
    node = world.graph.nodes[snapshot_id]
    tiering = node.get("tiering") or {}
    out = {"SnapshotId": snapshot_id, "VolumeId": node["VolumeId"], "Status": node["State"],
           "OwnerId": node["account"], "Tags": tagging.listed(node["tags"]),
           "StorageTier": node.get("StorageTier", "standard"), **tiering}
    if node.get("RestoreExpiryTime"):
        out["RestoreExpiryTime"] = node["RestoreExpiryTime"]
    return out


FILTERS: dict[str, Filter] = {
    "snapshot-id": field("SnapshotId"),
    "volume-id": field("VolumeId"),
    "last-tiering-operation": field("LastTieringOperationStatus"),
}


def describe(world: World, part: Partition, filters: list[dict[str, Any]] | None = None,
             max_results: int | None = None, next_token: str | None = None) -> dict[str, Any]:
    """DescribeSnapshotTierStatus: every snapshot of the account and its tier (Terraform's
    finder asks it by `snapshot-id` for any snapshot)."""
    rows = [status_view(world, s) for s in part.ids("snapshot")]
    chosen = select_rows(FILTERS, filters, rows)
    page, token = paging.rows(chosen, "snapshot-tier-status", max_results, next_token)
    return {"SnapshotTierStatuses": page, "NextToken": token}


declare_actions("snapshot", {"ModifySnapshotTier": archive, "RestoreSnapshotTier": restore,
                             "DescribeSnapshotTierStatus": describe})
