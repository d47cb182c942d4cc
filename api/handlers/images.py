"""Image (AMI) operations with logic of their own: register, deregister, copy, create from an
instance, describe. The attribute operations are bound from topology/compute/images.py."""
from __future__ import annotations

from typing import Any

from topology.compute import image_builds, images
from topology.core import filters, paging, tags
from topology.core.errors import InvalidParameterValue

from ..operations import Context, handler

# CopyImage's destinations besides the region itself: ec2sim has no Outposts or Local Zones
NO_DESTINATIONS = (("DestinationOutpostArn", "destinationOutpostArn"),
                   ("DestinationAvailabilityZone", "destinationAvailabilityZone"),
                   ("DestinationAvailabilityZoneId", "destinationAvailabilityZoneId"))


def _image_and_snapshot_tags(params: dict[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
    """TagSpecifications for an image and for its new snapshots (one spec each at most)."""
    found = tags.by_type(params.get("TagSpecifications"), ("image", "snapshot"),
                         fallback="image", in_order=True)
    return found.get("image", {}), found.get("snapshot", {})


@handler
def register_image(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    new_tags = tags.from_specifications(params.get("TagSpecifications"), "image")
    return {"ImageId": image_builds.register(ctx.world, ctx.part, params, new_tags)}


@handler
def deregister_image(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    wanted = bool(params.get("DeleteAssociatedSnapshots"))
    results = image_builds.deregister(ctx.world, ctx.part, params["ImageId"],
                                      delete_snapshots=wanted)
    return {"Return": True, "DeleteSnapshotResults": results if wanted else None}


@handler
def copy_image(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    for member, wire in NO_DESTINATIONS:
        if params.get(member):
            raise InvalidParameterValue(
                f"Value ({params[member]}) for parameter {wire} is invalid.")
    image_tags, snapshot_tags = _image_and_snapshot_tags(params)
    image_id = image_builds.copy(
        ctx.world, ctx.part, params["SourceRegion"], params["SourceImageId"], params["Name"],
        description=params.get("Description"), encrypted=params.get("Encrypted"),
        kms_key_id=params.get("KmsKeyId"), copy_tags=bool(params.get("CopyImageTags")),
        tags=image_tags, snapshot_tags=snapshot_tags)
    return {"ImageId": image_id}


@handler
def create_image(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    image_tags, snapshot_tags = _image_and_snapshot_tags(params)
    image_id = image_builds.create_from_instance(
        ctx.world, ctx.part, params["InstanceId"], params["Name"],
        description=params.get("Description"), no_reboot=bool(params.get("NoReboot")),
        block_device_mappings=params.get("BlockDeviceMappings"), tags=image_tags,
        snapshot_tags=snapshot_tags)
    return {"ImageId": image_id}


@handler
def describe_images(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    pool = images.describe(ctx.world, ctx.part, ids=params.get("ImageIds"),
                           owners=params.get("Owners"),
                           executable_users=params.get("ExecutableUsers"),
                           include_deprecated=bool(params.get("IncludeDeprecated")),
                           include_disabled=bool(params.get("IncludeDisabled")))
    chosen = filters.select(ctx.world, ctx.part, "image", images.FILTERS,
                            params.get("Filters"), pool)
    page, token = paging.page(ctx.world, chosen, params.get("MaxResults"),
                              params.get("NextToken"))
    return {"Images": [images.view(ctx.world, rid, ctx.account) for rid in page],
            "NextToken": token}
