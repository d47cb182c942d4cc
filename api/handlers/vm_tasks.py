"""VM Import/Export, AMI store/restore and bundle tasks (topology/compute/import_tasks.py,
conversion_tasks.py, export_tasks.py, store_tasks.py, bundle_tasks.py). Each describe first
settles the tasks still in progress (`task_progress`), then goes the one describe path."""
from __future__ import annotations

from typing import Any

from topology.compute import (bundle_tasks, conversion_tasks, export_tasks, import_tasks,
                              store_tasks)
from topology.core import filters, paging, tags
from topology.core.errors import InvalidParameterCombination

from ..binding import bounded, describe
from ..operations import Context, handler

EXPORT_IMAGE_RESULTS = (1, 500)
STORE_RESULTS = (1, 200)


# -- ImportImage / ImportSnapshot -------------------------------------------------------------
@handler
def import_image(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    new_tags = tags.from_specifications(params.get("TagSpecifications"),
                                        import_tasks.IMAGE)
    task_id = import_tasks.import_image(ctx.world, ctx.part, params, new_tags)
    out = import_tasks.image_view(ctx.world, task_id)
    out.pop("ImageId", None)
    return out


@handler
def import_snapshot(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    new_tags = tags.from_specifications(params.get("TagSpecifications"),
                                        import_tasks.SNAPSHOT)
    task_id = import_tasks.import_snapshot(ctx.world, ctx.part, params, new_tags)
    return import_tasks.snapshot_view(ctx.world, task_id)


@handler
def describe_import_image_tasks(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    import_tasks.settle(ctx.world, ctx.part, import_tasks.IMAGE)
    return describe(ctx, params, kind=import_tasks.IMAGE, table=import_tasks.FILTERS,
                    view=import_tasks.image_view, output="ImportImageTasks",
                    ids=params.get("ImportTaskIds"))


@handler
def describe_import_snapshot_tasks(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    import_tasks.settle(ctx.world, ctx.part, import_tasks.SNAPSHOT)
    return describe(ctx, params, kind=import_tasks.SNAPSHOT, table=import_tasks.FILTERS,
                    view=import_tasks.snapshot_view, output="ImportSnapshotTasks",
                    ids=params.get("ImportTaskIds"))


@handler
def cancel_import_task(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return import_tasks.cancel(ctx.world, ctx.part, params.get("ImportTaskId"),
                               params.get("CancelReason"))


# -- ImportVolume / ImportInstance ------------------------------------------------------------
@handler
def import_volume(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    task_id = conversion_tasks.import_volume(ctx.world, ctx.part, params)
    return {"ConversionTask": conversion_tasks.view(ctx.world, task_id)}


@handler
def import_instance(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    task_id = conversion_tasks.import_instance(ctx.world, ctx.part, params)
    return {"ConversionTask": conversion_tasks.view(ctx.world, task_id)}


@handler
def describe_conversion_tasks(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    world, part = ctx.world, ctx.part
    conversion_tasks.settle(world, part)
    named = params.get("ConversionTaskIds")
    if named:
        chosen = [conversion_tasks.get(world, part, t) and t for t in dict.fromkeys(named)]
    else:
        nodes = world.graph.nodes
        chosen = sorted(conversion_tasks.ids(part), key=lambda r: nodes[r]["seq"])
    return {"ConversionTasks": [conversion_tasks.view(world, t) for t in chosen]}


@handler
def cancel_conversion_task(ctx: Context, params: dict[str, Any]) -> None:
    conversion_tasks.cancel(ctx.world, ctx.part, params["ConversionTaskId"],
                            params.get("ReasonMessage"))


# -- ExportImage / CreateInstanceExportTask ---------------------------------------------------
@handler
def export_image(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    new_tags = tags.from_specifications(params.get("TagSpecifications"), export_tasks.IMAGE)
    task_id = export_tasks.export_image(
        ctx.world, ctx.part, params["ImageId"], params["DiskImageFormat"],
        params["S3ExportLocation"], description=params.get("Description"),
        role_name=params.get("RoleName"), tags=new_tags)
    return export_tasks.created_image_view(ctx.world, task_id)


@handler
def describe_export_image_tasks(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    params = bounded(params, EXPORT_IMAGE_RESULTS)
    export_tasks.settle(ctx.world, ctx.part, export_tasks.IMAGE)
    return describe(ctx, params, kind=export_tasks.IMAGE, table=export_tasks.IMAGE_FILTERS,
                    view=export_tasks.image_view, output="ExportImageTasks",
                    ids=params.get("ExportImageTaskIds"))


@handler
def create_instance_export_task(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    new_tags = tags.from_specifications(params.get("TagSpecifications"),
                                        export_tasks.INSTANCE)
    task_id = export_tasks.export_instance(
        ctx.world, ctx.part, params["InstanceId"], params["TargetEnvironment"],
        params["ExportToS3Task"], description=params.get("Description"), tags=new_tags)
    return {"ExportTask": export_tasks.instance_view(ctx.world, task_id)}


@handler
def describe_export_tasks(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    export_tasks.settle(ctx.world, ctx.part, export_tasks.INSTANCE)
    out = describe(ctx, params, kind=export_tasks.INSTANCE,
                   table=export_tasks.INSTANCE_FILTERS, view=export_tasks.instance_view,
                   output="ExportTasks", ids=params.get("ExportTaskIds"))
    return {"ExportTasks": out["ExportTasks"]}


@handler
def cancel_export_task(ctx: Context, params: dict[str, Any]) -> None:
    export_tasks.cancel(ctx.world, ctx.part, params["ExportTaskId"])


# -- store and restore ------------------------------------------------------------------------
@handler
def create_store_image_task(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    key = store_tasks.create(ctx.world, ctx.part, params["ImageId"], params["Bucket"],
                             params.get("S3ObjectTags"))
    return {"ObjectKey": key}


@handler
def describe_store_image_tasks(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    """By AMI (filters are ignored then, and MaxResults is refused) or by filters, paged."""
    world, part = ctx.world, ctx.part
    image_ids = params.get("ImageIds")
    if image_ids and params.get("MaxResults") is not None:
        raise InvalidParameterCombination(
            "The parameter ImageIds cannot be used with the parameter MaxResults")
    params = bounded(params, STORE_RESULTS)
    store_tasks.settle(world, part)
    if image_ids:
        chosen = store_tasks.for_images(world, part, list(image_ids))
    else:
        chosen = filters.select(world, part, store_tasks.KIND, store_tasks.FILTERS,
                                params.get("Filters"))
    page, token = paging.page(world, chosen, params.get("MaxResults"), params.get("NextToken"))
    return {"StoreImageTaskResults": [store_tasks.view(world, t) for t in page],
            "NextToken": token}


@handler
def create_restore_image_task(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    # AWS: "You can tag the AMI, the snapshots, or both"
    new_tags = tags.by_type(params.get("TagSpecifications"), ("image", "snapshot"),
                            fallback="image")
    image_id = store_tasks.restore(ctx.world, ctx.part, params["Bucket"], params["ObjectKey"],
                                   name=params.get("Name"), tags=new_tags.get("image"),
                                   snapshot_tags=new_tags.get("snapshot"))
    return {"ImageId": image_id}


# -- bundles ----------------------------------------------------------------------------------
@handler
def bundle_instance(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    task_id = bundle_tasks.bundle(ctx.world, ctx.part, params["InstanceId"], params["Storage"])
    return {"BundleTask": bundle_tasks.view(ctx.world, task_id)}


@handler
def describe_bundle_tasks(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    bundle_tasks.settle(ctx.world, ctx.part)
    out = describe(ctx, params, kind=bundle_tasks.KIND, table=bundle_tasks.FILTERS,
                   view=bundle_tasks.view, output="BundleTasks", ids=params.get("BundleIds"))
    return {"BundleTasks": out["BundleTasks"]}


@handler
def cancel_bundle_task(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    task_id = bundle_tasks.cancel(ctx.world, ctx.part, params["BundleId"])
    return {"BundleTask": bundle_tasks.view(ctx.world, task_id)}
