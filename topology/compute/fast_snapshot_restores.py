"""Fast snapshot restore: a snapshot whose volumes are fully initialized at creation in the
zones it is enabled in.

Each zone's setting is an item of the snapshot's `fast_restores` field, keyed by zone name:
`State`, `OwnerId` (who enabled it) and the times of each state. AWS moves an item
`enabling` → `optimizing` → `enabled`, and `disabling` → `disabled`; the simulator answers
Enable with `enabling` and Disable with `disabling` as AWS does, and describes show them
`enabled` (the optimizing and enabled times being the enabling time) or `disabled` (kept, as
AWS lists them). A volume made from the snapshot in an enabled zone is `FastRestored` (see
`volumes.create`).

Per item errors are AWS's: an unknown snapshot is `InvalidSnapshot.NotFound`, an unknown
zone `InvalidParameterValue`, in the `Unsuccessful` list, not as a failed request.
"""
from __future__ import annotations

from typing import Any

from ..core import clock, paging, regions
from ..core.errors import InvalidParameterCombination, MissingParameter
from ..core.family import declare_actions
from ..core.filters import Filter, field, select_rows
from ..core.world import Partition, World

FIELD = "fast_restores"
_TIMES = {"enabling": "EnablingTime", "optimizing": "OptimizingTime",
          "enabled": "EnabledTime", "disabling": "DisablingTime", "disabled": "DisabledTime"}


def _zones(part: Partition, names: list[str] | None, ids: list[str] | None
           ) -> list[tuple[str, dict[str, str] | None]]:
    """(as given, the zone or None) for each zone the request names."""
    if names and ids:
        raise InvalidParameterCombination(
            "AvailabilityZones and AvailabilityZoneIds can't be used together. Specify only "
            "one of these parameters.")
    if not names and not ids:
        raise MissingParameter("The request must contain the parameter AvailabilityZones")
    if names:
        return [(n, regions.zone(part.region, zone_name=n)) for n in dict.fromkeys(names)]
    return [(i, regions.zone(part.region, zone_id=i)) for i in dict.fromkeys(ids or [])]


def _snapshot(world: World, part: Partition, snap_id: str) -> dict[str, Any] | None:
    node = world.node(snap_id)
    if node is None or node["kind"] != "snapshot" or node["account"] != part.account \
            or node["region"] != part.region:
        return None
    return node


def _change(world: World, part: Partition, source_snapshot_ids: list[str],
            availability_zones: list[str] | None, availability_zone_ids: list[str] | None,
            enable: bool) -> dict[str, Any]:
    zones = _zones(part, availability_zones, availability_zone_ids)
    done: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    for snap_id in dict.fromkeys(source_snapshot_ids):
        node = _snapshot(world, part, snap_id)
        if node is None:
            failed.append(_failure(snap_id, zones, "InvalidSnapshot.NotFound",
                                   f"The snapshot '{snap_id}' does not exist."))
            continue
        errors = []
        settings = dict(node.get(FIELD, {}))
        for given, zone in zones:
            if zone is None:
                errors.append(_zone_error(given, None, "InvalidParameterValue",
                                          f"The Availability Zone '{given}' is not valid."))
                continue
            item = _enabled(part, zone) if enable else settings.get(zone["ZoneName"])
            answer_state = "enabling" if enable else "disabling"
            if enable:
                kept = settings.get(zone["ZoneName"])
                settings[zone["ZoneName"]] = kept if _on(kept) else item
            elif item:     # described `disabled` later (Terraform waits for that state)
                now = clock.now()
                settings[zone["ZoneName"]] = {**item, "State": "disabled",
                                              "DisablingTime": now, "DisabledTime": now}
            else:
                item = {"OwnerId": part.account, "State": "disabled"}
            done.append(_item(snap_id, node, zone, item, answer_state))
        if errors:
            failed.append({"SnapshotId": snap_id, "FastSnapshotRestoreStateErrors": errors})
        world.update(snap_id, **{FIELD: settings or None})
    return {"Successful": done, "Unsuccessful": failed}


def _on(item: dict[str, Any] | None) -> bool:
    return bool(item) and item["State"] != "disabled"


def _enabled(part: Partition, zone: dict[str, str]) -> dict[str, Any]:
    now = clock.now()
    return {"OwnerId": part.account, "State": "enabled", "EnablingTime": now,
            "OptimizingTime": now, "EnabledTime": now}


def _item(snap_id: str, node: dict[str, Any], zone: dict[str, str], item: dict[str, Any],
          state: str) -> dict[str, Any]:
    now = clock.now()
    times = {k: v for k, v in item.items() if k.endswith("Time")}
    if state in ("enabling", "disabling"):
        times = {_TIMES[state]: now} if state == "enabling" else {
            **times, "DisablingTime": now}
    return {"SnapshotId": snap_id, "AvailabilityZone": zone["ZoneName"],
            "AvailabilityZoneId": zone["ZoneId"], "State": state,
            "StateTransitionReason": "Client.UserInitiated", "OwnerId": item["OwnerId"],
            **times}


def _failure(snap_id: str, zones: list[tuple[str, dict[str, str] | None]], code: str,
             message: str) -> dict[str, Any]:
    return {"SnapshotId": snap_id, "FastSnapshotRestoreStateErrors": [
        _zone_error(given, zone, code, message) for given, zone in zones]}


def _zone_error(given: str, zone: dict[str, str] | None, code: str, message: str
                ) -> dict[str, Any]:
    where = {"AvailabilityZone": zone["ZoneName"], "AvailabilityZoneId": zone["ZoneId"]} \
        if zone else {"AvailabilityZone": given}
    return {**where, "Error": {"Code": code, "Message": message}}


def enable(world: World, part: Partition, source_snapshot_ids: list[str],
           availability_zones: list[str] | None = None,
           availability_zone_ids: list[str] | None = None) -> dict[str, Any]:
    """EnableFastSnapshotRestores: answered `enabling` per snapshot and zone."""
    return _change(world, part, source_snapshot_ids, availability_zones,
                   availability_zone_ids, True)


def disable(world: World, part: Partition, source_snapshot_ids: list[str],
            availability_zones: list[str] | None = None,
            availability_zone_ids: list[str] | None = None) -> dict[str, Any]:
    """DisableFastSnapshotRestores: answered `disabling` per snapshot and zone."""
    return _change(world, part, source_snapshot_ids, availability_zones,
                   availability_zone_ids, False)


def fast_restored(world: World, snap_id: str, zone_name: str) -> bool:
    """Whether a volume made from `snap_id` in `zone_name` is fast restored."""
    node = world.graph.nodes.get(snap_id) or {}
    return _on((node.get(FIELD) or {}).get(zone_name))


FILTERS: dict[str, Filter] = {
    "availability-zone": field("AvailabilityZone"),
    "availability-zone-id": field("AvailabilityZoneId"),
    "owner-id": field("OwnerId"),
    "snapshot-id": field("SnapshotId"),
    "state": field("State"),
}


def describe(world: World, part: Partition, filters: list[dict[str, Any]] | None = None,
             max_results: int | None = None, next_token: str | None = None) -> dict[str, Any]:
    """DescribeFastSnapshotRestores: every zone where a snapshot of the account has it."""
    rows = []
    for snap_id in part.ids("snapshot"):
        node = world.graph.nodes[snap_id]
        for name, item in sorted((node.get(FIELD) or {}).items()):
            zone = regions.zone(part.region, zone_name=name) or {"ZoneName": name,
                                                                 "ZoneId": ""}
            rows.append(_item(snap_id, node, zone, item, item["State"]))
    chosen = select_rows(FILTERS, filters, rows, taggable=False)
    page, token = paging.rows(chosen, "fast-snapshot-restores", max_results or None,
                              next_token)
    return {"FastSnapshotRestores": page, "NextToken": token}


declare_actions("snapshot", {"EnableFastSnapshotRestores": enable,
                             "DisableFastSnapshotRestores": disable,
                             "DescribeFastSnapshotRestores": describe})
