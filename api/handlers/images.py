"""Image (AMI) operations with logic of their own: register, deregister, copy, create from an
instance, describe. The attribute operations are bound from topology/compute/images.py."""
from __future__ import annotations

from typing import Any

from topology.compute import image_builds, image_settings, images, import_tasks
from topology.core import filters, paging, tags
from topology.core.errors import InvalidParameterValue

from ..operations import Context, handler

# CopyImage's destinations besides the region itself: ec2sim has no Outposts or Local Zones
ALLOWED_FILTER = "image-allowed"
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
    import_tasks.settle_all(ctx.world, ctx.part)
    pool = images.describe(ctx.world, ctx.part, ids=params.get("ImageIds"),
                           owners=params.get("Owners"),
                           executable_users=params.get("ExecutableUsers"),
                           include_deprecated=bool(params.get("IncludeDeprecated")),
                           include_disabled=bool(params.get("IncludeDisabled")))
    specs = params.get("Filters") or []
    chosen = filters.select(ctx.world, ctx.part, "image", images.FILTERS,
                            [f for f in specs if f.get("Name") != ALLOWED_FILTER], pool)
    for spec in (f for f in specs if f.get("Name") == ALLOWED_FILTER):
        # the caller's Allowed AMIs settings decide it: no node field holds it
        wanted = {str(v).lower() for v in spec.get("Values") or []}
        chosen = [rid for rid in chosen if str(image_settings.shown_allowed(
            ctx.part, ctx.world.graph.nodes[rid])).lower() in wanted]
    page, token = paging.page(ctx.world, chosen, params.get("MaxResults"),
                              params.get("NextToken"))
    return {"Images": [_with_allowed(ctx, rid) for rid in page], "NextToken": token}


def _with_allowed(ctx: Context, image_id: str) -> dict[str, Any]:
    """The image as the caller sees it, with `ImageAllowed` while Allowed AMIs is on."""
    out = images.view(ctx.world, image_id, ctx.account)
    allowed = image_settings.shown_allowed(ctx.part, ctx.world.graph.nodes[image_id])
    if allowed is not None:
        out["ImageAllowed"] = allowed
    return out
