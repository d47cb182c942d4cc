"""VM Import: ImportImage (`import-ami-` tasks that end in an AMI) and ImportSnapshot
(`import-snap-` tasks that end in a snapshot), their describes and CancelImportTask.

A task is answered `active` (StatusMessage `pending`, a little Progress) and is `completed`
when described later (`task_progress.settle`): then each disk has become a snapshot (of the
disk image's size: 8 GiB for a file, which the simulator cannot read; the source's size for
an EBS snapshot) and an image task's AMI is registered through `image_builds.register`, named
after the task as AWS names imported AMIs. CancelImportTask takes an `active` task to
`deleting` (`deleted` once described); a task already settled cannot be cancelled.
"""
from __future__ import annotations

import copy as _copy
from typing import Any

from ..core import tags as tagging
from ..core.errors import (InvalidParameterCombination, InvalidParameterValue, MissingParameter,
                           TopologyError)
from ..core.filters import Filter, field, ident
from ..core.world import Partition, World
from . import ebs_encryption, image_builds, snapshots, task_progress

IMAGE, SNAPSHOT = "import-image-task", "import-snapshot-task"
FORMATS = ("OVA", "VHD", "VHDX", "VMDK", "RAW")
IMAGE_FILE_SIZE = 8              # GiB: the size given to a disk read from a file
GIB = 1024 ** 3
# VM Import takes at most 21 volumes (VM Import/Export User Guide, limitations)
DEVICES = ("/dev/sda1", *(f"/dev/sd{c}" for c in "bcdefghijklmnopqrstu"))
CANCELLED = "User initiated task cancelation"
CHOICES = {"Architecture": ("i386", "x86_64", "arm64"), "Platform": ("Windows", "Linux"),
           "LicenseType": ("AWS", "BYOL"), "Hypervisor": ("xen",),
           "BootMode": ("legacy-bios", "uefi", "uefi-preferred")}


# -- disks ------------------------------------------------------------------------------------
def _disk(world: World, part: Partition, container: dict[str, Any], *,
          snapshots_ok: bool) -> dict[str, Any]:
    """One disk container, checked: exactly one source (a file by URL or S3 bucket and key,
    or, for an image, an EBS snapshot of the account) and the file's format."""
    sources = [k for k in ("Url", "UserBucket", "SnapshotId") if container.get(k)]
    if not sources:
        raise MissingParameter("The request must contain the parameter DiskContainer.Url, "
                               "DiskContainer.UserBucket or DiskContainer.SnapshotId")
    if len(sources) > 1:
        raise InvalidParameterCombination(
            f"Only one of {', '.join(sources)} may be specified for a disk container.")
    disk: dict[str, Any] = {k: container[k] for k in ("Description", "DeviceName")
                            if container.get(k)}
    if sources[0] == "SnapshotId":
        if not snapshots_ok:
            raise InvalidParameterValue("ImportSnapshot imports a disk image file: specify "
                                        "Url or UserBucket.")
        snap = world.get(part, "snapshot", container["SnapshotId"])
        return {**disk, "source_snapshot": container["SnapshotId"],
                "size": snap["VolumeSize"]}
    fmt = task_progress.check_choice(container.get("Format"), "Format", FORMATS)
    if fmt is None:
        raise MissingParameter("The request must contain the parameter DiskContainer.Format")
    if sources[0] == "Url":
        disk["Url"] = task_progress.check_url(container["Url"])
    else:
        bucket = container["UserBucket"]
        disk["UserBucket"] = {"S3Bucket": task_progress.bucket(world, part, bucket.get("S3Bucket")),
                              "S3Key": task_progress.check_key(bucket.get("S3Key"))}
    return {**disk, "Format": container["Format"], "size": IMAGE_FILE_SIZE}


def _choices(params: dict[str, Any]) -> dict[str, Any]:
    return {member: task_progress.check_choice(params.get(member), member, values)
            for member, values in CHOICES.items() if params.get(member) is not None}


# -- ImportImage ------------------------------------------------------------------------------
def import_image(world: World, part: Partition, params: dict[str, Any],
                 tags: dict[str, str] | None = None) -> str:
    """ImportImage: an `import-ami-` task over the request's disks; returns its id."""
    containers = params.get("DiskContainers") or []
    if not containers:
        raise MissingParameter("The request must contain the parameter DiskContainers")
    if len(containers) > len(DEVICES):
        raise InvalidParameterValue(f"An image may have at most {len(DEVICES)} disks.")
    disks = [_disk(world, part, c, snapshots_ok=True) for c in containers]
    devices = [d.get("DeviceName") or DEVICES[i] for i, d in enumerate(disks)]
    for device in devices:     # checked now: the AMI is registered when the task settles
        if devices.count(device) > 1:
            raise TopologyError(f"The device '{device}' is used in more than one block-device "
                                "mapping", "InvalidBlockDeviceMapping")
    chosen = _choices(params)
    encrypted, key = ebs_encryption.encryption(part, params.get("Encrypted"),
                                               params.get("KmsKeyId"), None)
    licences = [{"LicenseConfigurationArn": s["LicenseConfigurationArn"]}
                for s in params.get("LicenseSpecifications") or []
                if s.get("LicenseConfigurationArn")]
    task_id = world.new_id("import-ami")
    world.add(part, IMAGE, task_id, Status="active", disks=disks, Encrypted=encrypted,
              KmsKeyId=key, Description=params.get("Description"),
              UsageOperation=params.get("UsageOperation"), LicenseSpecifications=licences,
              RoleName=params.get("RoleName") or "vmimport", settled=False, **chosen)
    tagging.apply(world, task_id, tags or {})
    return task_id


def _finish_image(world: World, part: Partition, task_id: str) -> None:
    """A settled image task: its disks become snapshots and the AMI is registered."""
    node = world.graph.nodes[task_id]
    if node["Status"] == "deleting":
        world.update(task_id, Status="deleted", StatusMessage=node.get("StatusMessage"))
        return
    disks = _snapshotted(world, part, task_id, node)
    mappings = [{"DeviceName": d.get("DeviceName") or DEVICES[i],
                 "Ebs": {"SnapshotId": d["SnapshotId"], "DeleteOnTermination": True,
                         "VolumeType": "gp2"}} for i, d in enumerate(disks)]
    root = mappings[0]["DeviceName"]
    image_id = image_builds.register(world, part, {
        "Name": task_id, "Description": node.get("Description") or f"AWS-VMImport service: "
        f"{task_id}", "RootDeviceName": root, "BlockDeviceMappings": mappings,
        "Architecture": node.get("Architecture") or "x86_64", "VirtualizationType": "hvm",
        "BootMode": node.get("BootMode"), "EnaSupport": True})
    windows = node.get("Platform") == "Windows"
    world.update(image_id, Platform="windows" if windows else None,
                 PlatformDetails="Windows" if windows else "Linux/UNIX",
                 UsageOperation=node.get("UsageOperation")
                 or ("RunInstances:0002" if windows else "RunInstances"))
    world.update(task_id, Status="completed", ImageId=image_id, disks=disks,
                 Platform=node.get("Platform") or "Linux",
                 Architecture=node.get("Architecture") or "x86_64",
                 LicenseType=node.get("LicenseType") or "AWS")


def _snapshotted(world: World, part: Partition, task_id: str,
                 node: dict[str, Any]) -> list[dict[str, Any]]:
    """The task's disks, each with the snapshot VM Import made of it."""
    out = []
    for disk in _copy.deepcopy(node["disks"]):
        snap_id = snapshots.create_imported(
            world, part, disk["size"], encrypted=node["Encrypted"],
            kms_key_id=node.get("KmsKeyId"),
            description=f"Created by AWS-VMImport service for {task_id}")
        out.append({**disk, "SnapshotId": snap_id, "DiskImageSize": float(disk["size"] * GIB)})
    return out


# -- ImportSnapshot ---------------------------------------------------------------------------
def import_snapshot(world: World, part: Partition, params: dict[str, Any],
                    tags: dict[str, str] | None = None) -> str:
    """ImportSnapshot: an `import-snap-` task over one disk image file; returns its id."""
    container = params.get("DiskContainer")
    if not container:
        raise MissingParameter("The request must contain the parameter DiskContainer")
    disk = _disk(world, part, container, snapshots_ok=False)
    encrypted, key = ebs_encryption.encryption(part, params.get("Encrypted"),
                                               params.get("KmsKeyId"), None)
    task_id = world.new_id("import-snap")
    world.add(part, SNAPSHOT, task_id, Status="active", disks=[disk], Encrypted=encrypted,
              KmsKeyId=key, Description=params.get("Description"),
              RoleName=params.get("RoleName") or "vmimport", settled=False)
    tagging.apply(world, task_id, tags or {})
    return task_id


def _finish_snapshot(world: World, part: Partition, task_id: str) -> None:
    node = world.graph.nodes[task_id]
    if node["Status"] == "deleting":
        world.update(task_id, Status="deleted")
        return
    # the snapshot is described "Created by AWS-VMImport service for ...", not with the
    # task's Description (aws/aws-sdk#762)
    world.update(task_id, Status="completed", disks=_snapshotted(world, part, task_id, node))


FINISH = {IMAGE: _finish_image, SNAPSHOT: _finish_snapshot}


def settle(world: World, part: Partition, kind: str) -> None:
    """Finish the partition's import tasks of `kind` still in progress (a describe's)."""
    task_progress.settle(world, part, kind, FINISH[kind])


def settle_all(world: World, part: Partition) -> None:
    """Finish every import task of the partition still in progress: on AWS an import's AMI
    and snapshots appear when it completes, whether or not anyone watched the task, so
    DescribeImages and DescribeSnapshots see them as the task's describe would."""
    for kind in FINISH:
        settle(world, part, kind)


# -- CancelImportTask -------------------------------------------------------------------------
def cancel(world: World, part: Partition, import_task_id: str | None,
           cancel_reason: str | None = None) -> dict[str, str]:
    """CancelImportTask: an `active` task goes `deleting`; anything else is refused."""
    if not import_task_id:
        raise MissingParameter("The request must contain the parameter ImportTaskId")
    kind = SNAPSHOT if import_task_id.startswith("import-snap-") else IMAGE
    node = world.get(part, kind, import_task_id)
    if node["Status"] != "active" or task_progress.is_settled(node):
        state = "completed" if node["Status"] in ("active", "completed") else node["Status"]
        raise TopologyError(f"The import task {import_task_id} is {state} and can no longer "
                            "be canceled.", "IncorrectState")
    world.update(import_task_id, Status="deleting", StatusMessage=cancel_reason or CANCELLED)
    return {"ImportTaskId": import_task_id, "PreviousState": "active", "State": "deleting"}


# -- views and filters ------------------------------------------------------------------------
def _detail(disk: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """A disk as boto3's SnapshotDetail / SnapshotTaskDetail."""
    out = {k: disk[k] for k in ("Description", "DeviceName", "Format", "Url", "UserBucket",
                                "SnapshotId", "DiskImageSize") if k in disk}
    out.setdefault("DiskImageSize", 0.0)
    if node["Status"] == "completed":
        out["Status"] = "completed"
    elif node["Status"] == "active":
        out.update(Status="active", StatusMessage="pending", Progress="2")
    else:
        out["Status"] = node["Status"]
    return out


def _common(world: World, task_id: str) -> dict[str, Any]:
    node = world.graph.nodes[task_id]
    out: dict[str, Any] = {"ImportTaskId": task_id, "Status": node["Status"]}
    if node["Status"] == "active":
        out.update(Progress="2", StatusMessage="pending")
    elif node.get("StatusMessage") and node["Status"] != "completed":
        out["StatusMessage"] = node["StatusMessage"]
    out["Tags"] = tagging.listed(node["tags"])
    return out


def image_view(world: World, task_id: str) -> dict[str, Any]:
    """The task as boto3's ImportImageTask."""
    node = world.graph.nodes[task_id]
    out = _common(world, task_id)
    for k in ("Architecture", "Description", "Encrypted", "Hypervisor", "ImageId", "KmsKeyId",
              "LicenseType", "Platform", "UsageOperation", "BootMode"):
        if node.get(k) is not None:
            out[k] = node[k]
    out["SnapshotDetails"] = [_detail(d, node) for d in node["disks"]]
    out["LicenseSpecifications"] = _copy.deepcopy(node.get("LicenseSpecifications") or [])
    return out


def snapshot_view(world: World, task_id: str) -> dict[str, Any]:
    """The task as boto3's ImportSnapshotTask."""
    node = world.graph.nodes[task_id]
    common = _common(world, task_id)
    detail = _detail(node["disks"][0], node)
    detail.update({k: common[k] for k in ("Status", "StatusMessage", "Progress")
                   if k in common}, Encrypted=node["Encrypted"])
    if node.get("KmsKeyId"):
        detail["KmsKeyId"] = node["KmsKeyId"]
    if node.get("Description"):
        detail["Description"] = node["Description"]
    out: dict[str, Any] = {"ImportTaskId": task_id, "SnapshotTaskDetail": detail,
                           "Tags": common["Tags"]}
    if node.get("Description"):
        out["Description"] = node["Description"]
    return out


FILTERS: dict[str, Filter] = {"task-state": field("Status"), "import-task-id": ident()}
