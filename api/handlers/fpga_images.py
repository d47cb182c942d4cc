"""Amazon FPGA Images (topology/compute/fpga_images.py): AFIs created from S3 design
checkpoints, copied across regions, shared by load permission, described by owner."""
from __future__ import annotations

from typing import Any

from topology.compute import fpga_images
from topology.core import filters, paging, tags

from ..binding import bounded
from ..operations import Context, handler

RESULTS = (5, 1000)   # the model's bounds for DescribeFpgaImages' MaxResults


@handler
def create_fpga_image(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    new_tags = tags.from_specifications(params.get("TagSpecifications"), fpga_images.KIND)
    afi_id = fpga_images.create(
        ctx.world, ctx.part, params["InputStorageLocation"],
        logs_storage_location=params.get("LogsStorageLocation"), name=params.get("Name"),
        description=params.get("Description"), tags=new_tags)
    node = ctx.world.graph.nodes[afi_id]
    return {"FpgaImageId": afi_id, "FpgaImageGlobalId": node["FpgaImageGlobalId"]}


@handler
def copy_fpga_image(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    afi_id = fpga_images.copy(ctx.world, ctx.part, params["SourceFpgaImageId"],
                              params["SourceRegion"], name=params.get("Name"),
                              description=params.get("Description"))
    return {"FpgaImageId": afi_id}


@handler
def delete_fpga_image(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    fpga_images.delete(ctx.world, ctx.part, params["FpgaImageId"])
    return {"Return": True}


@handler
def describe_fpga_images(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    """The caller's AFIs, the public ones and those shared with it, by ids, owners, filters."""
    world, part = ctx.world, ctx.part
    params = bounded(params, RESULTS)
    fpga_images.settle(world, part)
    visible = fpga_images.visible(world, part, params.get("FpgaImageIds"),
                                  params.get("Owners"))
    chosen = filters.select(world, part, fpga_images.KIND, fpga_images.FILTERS,
                            params.get("Filters"), visible)
    page, token = paging.page(world, chosen, params.get("MaxResults"), params.get("NextToken"))
    return {"FpgaImages": [fpga_images.view(world, a, part.account) for a in page],
            "NextToken": token}


@handler
def describe_fpga_image_attribute(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return {"FpgaImageAttribute": fpga_images.attribute(
        ctx.world, ctx.part, params["FpgaImageId"], params["Attribute"])}


@handler
def modify_fpga_image_attribute(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return {"FpgaImageAttribute": fpga_images.modify(ctx.world, ctx.part, params)}


@handler
def reset_fpga_image_attribute(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    fpga_images.reset(ctx.world, ctx.part, params["FpgaImageId"], params.get("Attribute"))
    return {"Return": True}
