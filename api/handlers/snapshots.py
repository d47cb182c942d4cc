"""EBS snapshot operations with logic of their own: create (one volume or an instance's set),
copy, and describe (owners, restorable users). Delete and the attribute operations are bound
from the family (topology/compute/snapshots.py)."""
from __future__ import annotations

from typing import Any

from topology.compute import import_tasks, snapshots
from topology.core import filters, paging, tags

from ..binding import bounded
from ..operations import Context, handler

SNAPSHOT_RESULTS = (5, 1000)   # AWS documents 5-1000 (the model sets no bounds)


@handler
def create_snapshot(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    new_tags = tags.from_specifications(params.get("TagSpecifications"), "snapshot")
    snap_id = snapshots.create(ctx.world, ctx.part, params["VolumeId"],
                               description=params.get("Description", ""), tags=new_tags)
    return snapshots.created_view(ctx.world, snap_id)


@handler
def create_snapshots(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    spec = params["InstanceSpecification"]
    new_tags = tags.from_specifications(params.get("TagSpecifications"), "snapshot")
    made = snapshots.create_for_instance(
        ctx.world, ctx.part, spec["InstanceId"], exclude_boot=bool(spec.get("ExcludeBootVolume")),
        exclude=spec.get("ExcludeDataVolumeIds") or (), description=params.get("Description", ""),
        tags=new_tags, copy_volume_tags=params.get("CopyTagsFromSource") == "volume")
    return {"Snapshots": [snapshots.info_view(ctx.world, s) for s in made]}


@handler
def copy_snapshot(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    new_tags = tags.from_specifications(params.get("TagSpecifications"), "snapshot")
    snap_id = snapshots.copy(
        ctx.world, ctx.part, params["SourceRegion"], params["SourceSnapshotId"],
        description=params.get("Description"), encrypted=params.get("Encrypted"),
        kms_key_id=params.get("KmsKeyId"), tags=new_tags)
    out: dict[str, Any] = {"SnapshotId": snap_id}
    if new_tags:
        out["Tags"] = tags.as_list(ctx.world, snap_id)
    return out


@handler
def describe_snapshots(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    """Snapshots you may restore from (your own: the simulator shares none), narrowed by
    ids, owners, restorable users and filters."""
    world, part = ctx.world, ctx.part
    import_tasks.settle_all(world, part)
    params = bounded(params, SNAPSHOT_RESULTS, "SnapshotIds", "snapshotSet")
    named = params.get("SnapshotIds")
    if named:
        named = list(dict.fromkeys(named))
        for snap_id in named:
            world.get(part, "snapshot", snap_id)
    owners, restorable = params.get("OwnerIds"), params.get("RestorableByUserIds")
    nodes = world.graph.nodes
    chosen = [s for s in filters.select(world, part, "snapshot", snapshots.FILTERS,
                                        params.get("Filters"), named)
              if snapshots.visible_to(part, nodes[s], owners, restorable)]
    page, token = paging.page(world, chosen, params.get("MaxResults"), params.get("NextToken"))
    return {"Snapshots": [snapshots.view(world, s) for s in page], "NextToken": token}
