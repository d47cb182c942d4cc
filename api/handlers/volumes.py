"""EBS volume operations with logic of their own: create (zone, initialization rate), volume
status and the modifications' describe. Attach/Detach/ModifyVolume and the plain operations
are bound from the family (topology/compute/volumes.py, volume_modifications.py)."""
from __future__ import annotations

from typing import Any

from topology.compute import volume_modifications, volumes
from topology.core import filters, paging, tags
from topology.core.errors import InvalidParameterCombination, InvalidParameterValue, NotFound

from ..binding import bounded, describe
from ..operations import Context, handler

# AWS documents these bounds (the model has none): below the floor is an error, above the
# ceiling "only <ceiling> items are returned".
VOLUME_RESULTS = (5, 500)
STATUS_RESULTS = (5, 1000)
MODIFICATION_RESULTS = (1, 500)


@handler
def create_volume(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    zone = volumes.zone_of(ctx.part, params.get("AvailabilityZone"),
                           params.get("AvailabilityZoneId"))
    new_tags = tags.from_specifications(params.get("TagSpecifications"), "volume")
    if params.get("OutpostArn"):
        raise InvalidParameterValue(f"The Outpost ARN '{params['OutpostArn']}' is not valid.")
    _check_initialization_rate(params)
    vol_id = volumes.create(
        ctx.world, ctx.part, zone=zone["ZoneName"], size=params.get("Size"),
        snapshot_id=params.get("SnapshotId"), volume_type=params.get("VolumeType"),
        iops=params.get("Iops"), throughput=params.get("Throughput"),
        encrypted=params.get("Encrypted"), kms_key_id=params.get("KmsKeyId"),
        multi_attach=bool(params.get("MultiAttachEnabled")), tags=new_tags)
    return volumes.created_view(ctx.world, vol_id)


def _check_initialization_rate(params: dict[str, Any]) -> None:
    """The provisioned rate for volume initialization: 100-300 MiB/s, from a snapshot only."""
    rate = params.get("VolumeInitializationRate")
    if rate is None:
        return
    if not params.get("SnapshotId"):
        raise InvalidParameterCombination(
            "You can't specify VolumeInitializationRate for volumes that are not created from "
            "a snapshot.")
    if not 100 <= rate <= 300:
        raise InvalidParameterValue(
            "The value specified for VolumeInitializationRate is not in the allowed range.")


@handler
def describe_volume_status(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    params = bounded(params, STATUS_RESULTS, "VolumeIds", "volumeSet")
    return describe(ctx, params, kind="volume", table=volumes.STATUS_FILTERS,
                    view=volumes.status_view, output="VolumeStatuses",
                    ids=params.get("VolumeIds"))


@handler
def describe_volumes_modifications(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    """The latest modification of each named (or every modified) volume."""
    world, part = ctx.world, ctx.part
    params = bounded(params, MODIFICATION_RESULTS)
    named = list(dict.fromkeys(params.get("VolumeIds") or []))
    for vol_id in named:
        world.get(part, "volume", vol_id)
        if not volume_modifications.has_modification(world, vol_id):
            raise NotFound(f"Modification for volume '{vol_id}' does not exist.",
                           "InvalidVolumeModification.NotFound")
    pool = named or world.claimed(part, "volume-modification", True)
    nodes = world.graph.nodes
    chosen = filters.select(world, part, "volume", volume_modifications.MODIFICATION_FILTERS,
                            params.get("Filters"), sorted(pool, key=lambda r: nodes[r]["seq"]))
    page, token = paging.page(world, chosen, params.get("MaxResults"), params.get("NextToken"))
    return {"VolumesModifications": [volume_modifications.modification_view(world, v)
                                     for v in page],
            "NextToken": token}
