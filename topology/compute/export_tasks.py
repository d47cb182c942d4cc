"""VM Export: ExportImage (`export-ami-` tasks writing an AMI's disk to S3) and
CreateInstanceExportTask (`export-i-` tasks writing an instance's VM), their describes and
CancelExportTask (which takes either).

A task answers `active` and is `completed` when described later (`task_progress`). Cancel
takes an active image task to `deleting` (`deleted` once described) and an active instance
task to `cancelling` (`cancelled`); a completed task cannot be cancelled.
"""
from __future__ import annotations

import copy as _copy
from typing import Any

from ..core import tags as tagging
from ..core.errors import MissingParameter, TopologyError
from ..core.filters import Filter, field, ident
from ..core.world import Partition, World
from . import images, instances, task_progress

IMAGE, INSTANCE = "export-image-task", "export-instance-task"
PREFIXES = {"export-ami": IMAGE, "export-i": INSTANCE}
CANCELLED = {IMAGE: "deleting", INSTANCE: "cancelling"}
SETTLED = {"deleting": "deleted", "cancelling": "cancelled", "active": "completed"}


def _location(world: World, part: Partition, location: dict[str, Any] | None
              ) -> dict[str, str]:
    if not location:
        raise MissingParameter("The request must contain the parameter S3ExportLocation")
    out = {"S3Bucket": task_progress.bucket(world, part, location.get("S3Bucket"))}
    if location.get("S3Prefix"):
        out["S3Prefix"] = location["S3Prefix"]
    return out


def export_image(world: World, part: Partition, image_id: str, disk_image_format: str,
                 s3_export_location: dict[str, Any], *, description: str | None = None,
                 role_name: str | None = None, tags: dict[str, str] | None = None) -> str:
    """ExportImage (owner only): returns the `export-ami-` task id. An image VM Export
    cannot export (Windows, encrypted snapshots) fails while the task validates."""
    image = images.owned(world, part, image_id)
    location = _location(world, part, s3_export_location)
    task_id = world.new_id("export-ami")
    world.add(part, IMAGE, task_id, Status="active", ImageId=image_id,
              DiskImageFormat=disk_image_format, S3ExportLocation=location,
              RoleName=role_name or "vmimport", Description=description, settled=False,
              failure=_unexportable(image))
    tagging.apply(world, task_id, tags or {})
    return task_id


def export_instance(world: World, part: Partition, instance_id: str, target_environment: str,
                    export_to_s3_task: dict[str, Any], *, description: str | None = None,
                    tags: dict[str, str] | None = None) -> str:
    """CreateInstanceExportTask: a running or stopped instance; returns the `export-i-` id."""
    world.get(part, "instance", instance_id)
    state = instances.state_name(world, instance_id)
    if state not in ("running", "stopped"):
        raise TopologyError(f"The instance '{instance_id}' is not in a state from which it can "
                            "be exported.", "IncorrectInstanceState")
    s3 = export_to_s3_task or {}
    bucket = task_progress.bucket(world, part, s3.get("S3Bucket"))
    disk = s3.get("DiskImageFormat") or "vmdk"
    container = s3.get("ContainerFormat")
    task_id = world.new_id("export-i")
    key = f"{s3.get('S3Prefix') or ''}{task_id}.{(container or disk).lower()}"
    to_s3 = {"S3Bucket": bucket, "S3Key": key, "DiskImageFormat": disk}
    if container:
        to_s3["ContainerFormat"] = container
    world.add(part, INSTANCE, task_id, State="active", settled=False, ExportToS3Task=to_s3,
              InstanceExportDetails={"InstanceId": instance_id,
                                     "TargetEnvironment": target_environment},
              Description=description)
    tagging.apply(world, task_id, tags or {})
    return task_id


def _state_member(kind: str) -> str:
    return "Status" if kind == IMAGE else "State"


def _unexportable(image: dict[str, Any]) -> str | None:
    """Why VM Export refuses an image, if it does (the VM Import/Export User Guide's
    considerations for image export), in the words a failed task reports."""
    if image.get("Platform") == "windows":
        return "ClientError: Images with AWS-provided software (Windows) cannot be exported."
    if any((m.get("Ebs") or {}).get("Encrypted") for m in image.get("BlockDeviceMappings", ())):
        return "ClientError: Images with encrypted EBS snapshots cannot be exported."
    return None


def _finish(world: World, part: Partition, task_id: str) -> None:
    node = world.graph.nodes[task_id]
    member = _state_member(node["kind"])
    if node.get("failure") and node[member] == "active":
        world.update(task_id, **{member: "deleted", "StatusMessage": node["failure"]})
        return
    world.update(task_id, **{member: SETTLED.get(node[member], node[member])})


def settle(world: World, part: Partition, kind: str) -> None:
    task_progress.settle(world, part, kind, _finish)


def cancel(world: World, part: Partition, export_task_id: str) -> None:
    """CancelExportTask: an active export task (image or instance) is cancelled."""
    kind = PREFIXES.get(export_task_id.rpartition("-")[0], INSTANCE)
    node = world.get(part, kind, export_task_id)
    member = _state_member(kind)
    if node[member] != "active" or task_progress.is_settled(node):
        state = "completed" if node[member] == "active" else node[member]
        raise TopologyError(f"Export task {export_task_id} is {state} and cannot be "
                            "cancelled.", "IncorrectState")
    world.update(export_task_id, **{member: CANCELLED[kind]})


# -- views and filters ------------------------------------------------------------------------
def image_view(world: World, task_id: str) -> dict[str, Any]:
    """The task as boto3's ExportImageTask."""
    node = world.graph.nodes[task_id]
    out: dict[str, Any] = {"ExportImageTaskId": task_id, "ImageId": node["ImageId"],
                           "S3ExportLocation": _copy.deepcopy(node["S3ExportLocation"]),
                           "Status": node["Status"]}
    if node["Status"] == "active":
        out.update(Progress="0", StatusMessage="validating")
    elif node.get("StatusMessage"):
        out["StatusMessage"] = node["StatusMessage"]
    if node.get("Description"):
        out["Description"] = node["Description"]
    out["Tags"] = tagging.listed(node["tags"])
    return out


def created_image_view(world: World, task_id: str) -> dict[str, Any]:
    """What ExportImage answers: the task and its format and role."""
    node = world.graph.nodes[task_id]
    return {**image_view(world, task_id), "DiskImageFormat": node["DiskImageFormat"],
            "RoleName": node["RoleName"]}


def instance_view(world: World, task_id: str) -> dict[str, Any]:
    """The task as boto3's ExportTask."""
    node = world.graph.nodes[task_id]
    out: dict[str, Any] = {"ExportTaskId": task_id, "State": node["State"],
                           "ExportToS3Task": _copy.deepcopy(node["ExportToS3Task"]),
                           "InstanceExportDetails": _copy.deepcopy(
                               node["InstanceExportDetails"]),
                           "Tags": tagging.listed(node["tags"])}
    if node.get("Description"):
        out["Description"] = node["Description"]
    return out


IMAGE_FILTERS: dict[str, Filter] = {"task-state": field("Status"),
                                    "export-image-task-id": ident()}
INSTANCE_FILTERS: dict[str, Filter] = {
    "export-task-id": ident(), "state": field("State"),
    "instance-id": Filter(lambda w, rid, n: n["InstanceExportDetails"]["InstanceId"]),
    "s3-bucket": Filter(lambda w, rid, n: n["ExportToS3Task"]["S3Bucket"])}
