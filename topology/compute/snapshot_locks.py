"""EBS snapshot locks: a snapshot locked in governance or compliance mode cannot be deleted
until its lock expires (or, in governance mode or a compliance cooling-off period, is
unlocked).

The lock is the snapshot's `lock` field: `LockMode`, `LockCreatedOn`,
`LockDurationStartTime`, `LockExpiresOn`, `LockDuration` (days, when given so) and
`CoolOffPeriod` (hours) with `CoolOffPeriodExpiresOn`. Its state is computed when read:
`governance`, `compliance-cooloff` while the cooling-off period runs, `compliance`, and
`expired` once `LockExpiresOn` has passed.

AWS's rules (LockSnapshot): `LockDuration` (1-36500 days) or `ExpirationDate`, not both;
`CoolOffPeriod` (1-72 hours) in compliance mode only; a governance lock or a compliance lock
in its cooling-off period may be changed at will; after the cooling-off period a compliance
lock may only be extended. UnlockSnapshot works on a governance lock or a compliance lock in
its cooling-off period.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from ..core import clock, paging
from ..core.errors import (InvalidParameterCombination, InvalidParameterValue,
                           MissingParameter, TopologyError)
from ..core.family import declare_actions
from ..core.filters import Filter, field, select_rows
from ..core.world import Partition, World

MAX_DAYS, MAX_COOL_OFF = 36500, 72


def state(lock: dict[str, Any], now: dt.datetime | None = None) -> str:
    """The lock's `LockState` now."""
    now = now or clock.now()
    if lock["LockExpiresOn"] <= now:
        return "expired"
    if lock["LockMode"] == "governance":
        return "governance"
    cool = lock.get("CoolOffPeriodExpiresOn")
    return "compliance-cooloff" if cool is not None and cool > now else "compliance"


def active(node: dict[str, Any]) -> dict[str, Any] | None:
    """The snapshot's lock unless it has expired."""
    lock = node.get("lock")
    return lock if lock is not None and state(lock) != "expired" else None


def check_deletable(snapshot_id: str, node: dict[str, Any]) -> None:
    """DeleteSnapshot of a locked snapshot."""
    if active(node) is not None:
        raise TopologyError(f"The snapshot '{snapshot_id}' is locked and can't be deleted "
                            "until the lock expires or is removed.", "SnapshotLocked")


def lock(world: World, part: Partition, snapshot_id: str, lock_mode: str,
         cool_off_period: int | None = None, lock_duration: int | None = None,
         expiration_date: dt.datetime | None = None) -> dict[str, Any]:
    """LockSnapshot: lock (or change the lock of) a snapshot; returns the lock's view."""
    node = world.get(part, "snapshot", snapshot_id)
    now = clock.now()
    expires = _expiry(now, lock_duration, expiration_date)
    if cool_off_period is not None:
        if lock_mode != "compliance":
            raise InvalidParameterCombination(
                "CoolOffPeriod can be specified only for snapshots locked in compliance mode.")
        if not 1 <= cool_off_period <= MAX_COOL_OFF:
            raise InvalidParameterValue(
                f"Value ({cool_off_period}) for parameter CoolOffPeriod is invalid. Expecting "
                f"a value between 1 and {MAX_COOL_OFF} hours.")
    current = active(node)
    if current is not None and state(current, now) == "compliance":
        _check_extension(snapshot_id, current, lock_mode, expires)
    new: dict[str, Any] = {
        "LockMode": lock_mode, "LockExpiresOn": expires, "LockDurationStartTime": now,
        "LockCreatedOn": current["LockCreatedOn"] if current else now}
    if lock_duration is not None:
        new["LockDuration"] = lock_duration
    if cool_off_period is not None and (current is None or current["LockMode"] != "compliance"
                                        or "CoolOffPeriod" in current):
        new["CoolOffPeriod"] = cool_off_period
        new["CoolOffPeriodExpiresOn"] = now + dt.timedelta(hours=cool_off_period)
    elif current is not None and state(current, now) == "compliance":
        new.update({k: current[k] for k in ("CoolOffPeriod", "CoolOffPeriodExpiresOn")
                    if k in current})
    world.update(snapshot_id, lock=new)
    out = view(world, snapshot_id)
    out.pop("OwnerId")
    return out


def _expiry(now: dt.datetime, days: int | None, date: dt.datetime | None) -> dt.datetime:
    if days is not None and date is not None:
        raise InvalidParameterCombination(
            "You can't specify both LockDuration and ExpirationDate. Specify one or the other.")
    if days is None and date is None:
        raise MissingParameter("You must specify either LockDuration or ExpirationDate.")
    if days is not None:
        if not 1 <= days <= MAX_DAYS:
            raise InvalidParameterValue(
                f"Value ({days}) for parameter LockDuration is invalid. Expecting a value "
                f"between 1 and {MAX_DAYS} days.")
        return now + dt.timedelta(days=days)
    assert date is not None
    when = date if date.tzinfo else date.replace(tzinfo=dt.timezone.utc)
    if when < now + dt.timedelta(days=1) or when > now + dt.timedelta(days=MAX_DAYS):
        raise InvalidParameterValue(
            "The ExpirationDate must be at least 1 day and at most 36500 days in the future.")
    return when


def _check_extension(snapshot_id: str, current: dict[str, Any], mode: str,
                     expires: dt.datetime) -> None:
    """After its cooling-off period a compliance lock may only be extended."""
    if mode != "compliance" or expires < current["LockExpiresOn"]:
        raise TopologyError(
            f"The snapshot '{snapshot_id}' is locked in compliance mode and its cooling-off "
            "period has expired. You can only increase the lock duration or extend the lock "
            "expiration date.", "IncorrectState")


def unlock(world: World, part: Partition, snapshot_id: str) -> None:
    """UnlockSnapshot: a governance lock, or a compliance lock still cooling off."""
    node = world.get(part, "snapshot", snapshot_id)
    current = active(node)
    if current is None:
        raise TopologyError(f"The snapshot '{snapshot_id}' is not locked.", "IncorrectState")
    if state(current) == "compliance":
        raise TopologyError(
            f"The snapshot '{snapshot_id}' is locked in compliance mode and can't be unlocked.",
            "IncorrectState")
    world.update(snapshot_id, lock=None)


def view(world: World, snapshot_id: str) -> dict[str, Any]:
    """The lock as boto3's `LockedSnapshotsInfo`."""
    node = world.graph.nodes[snapshot_id]
    lock = node["lock"]
    keys = ("LockDuration", "CoolOffPeriod", "CoolOffPeriodExpiresOn", "LockCreatedOn",
            "LockDurationStartTime", "LockExpiresOn")
    return {"OwnerId": node["account"], "SnapshotId": snapshot_id, "LockState": state(lock),
            **{k: lock[k] for k in keys if k in lock}}


FILTERS: dict[str, Filter] = {"lock-state": field("LockState")}


def describe(world: World, part: Partition, snapshot_ids: list[str] | None = None,
             filters: list[dict[str, Any]] | None = None, max_results: int | None = None,
             next_token: str | None = None) -> dict[str, Any]:
    """DescribeLockedSnapshots: the account's locked snapshots (expired locks too)."""
    from_ids = list(dict.fromkeys(snapshot_ids or []))
    for snap_id in from_ids:
        world.get(part, "snapshot", snap_id)
    chosen = [s for s in (from_ids or part.ids("snapshot")) if "lock" in world.graph.nodes[s]]
    rows = select_rows(FILTERS, filters, [view(world, s) for s in chosen], taggable=False)
    page, token = paging.rows(rows, "locked-snapshots", max_results, next_token)
    return {"Snapshots": page, "NextToken": token}


declare_actions("snapshot", {"LockSnapshot": lock, "UnlockSnapshot": unlock,
                             "DescribeLockedSnapshots": describe})
