"""Storing and restoring AMIs through S3: CreateStoreImageTask, DescribeStoreImageTasks and
CreateRestoreImageTask.

A store task writes an image the caller owns to the object `<ami-id>.bin` of a bucket: it
answers the object key, is `InProgress` until described later and then `Completed`
(`task_progress`), and the object then exists in the world's S3 stand-in (a value index of
the `s3`/`global` pseudo-partition: bucket/key -> the task, which keeps what the object
holds). CreateRestoreImageTask reads such an object (a store task not yet described is done
by then) and registers a new AMI of the caller's with new snapshots of the stored sizes
(unencrypted unless the region encrypts by default: AWS decrypts snapshots as it stores
them); any other object is AWS's error.
"""
from __future__ import annotations

import copy as _copy
from typing import Any

from ..core import clock
from ..core.errors import InvalidParameterValue, TopologyError
from ..core.filters import Filter, field
from ..core.world import Partition, World
from . import ebs_encryption, image_builds, images, snapshots, task_progress

KIND = "store-image-task"
OBJECT_INDEX = "s3-object"
STORED = ("Name", "Description", "Architecture", "RootDeviceName", "VirtualizationType",
          "EnaSupport", "SriovNetSupport", "BootMode", "TpmSupport", "ImdsSupport",
          "BlockDeviceMappings")


def _s3(world: World) -> Partition:
    return world.partition(*task_progress.S3_OBJECTS, setup=lambda w, p: None)


def create(world: World, part: Partition, image_id: str, bucket: str,
           s3_object_tags: list[dict[str, Any]] | None = None) -> str:
    """CreateStoreImageTask (owner only, EBS-backed images): returns the object key."""
    image = images.owned(world, part, image_id)
    task_progress.bucket(world, part, bucket, "Bucket")
    if image.get("RootDeviceType") != "ebs":
        raise InvalidParameterValue(f"The image {image_id} is not an EBS-backed AMI: only "
                                    "EBS-backed AMIs can be stored.")
    for tag in s3_object_tags or []:
        if not tag.get("Key"):
            raise InvalidParameterValue("S3 object tags must have a key.")
    key = f"{image_id}.bin"
    task_id = world.new_id("store-ami")
    world.add(part, KIND, task_id, AmiId=image_id, Bucket=bucket, S3objectKey=key,
              TaskStartTime=clock.now(), StoreTaskState="InProgress", settled=False,
              image={k: _copy.deepcopy(image[k]) for k in STORED if k in image},
              object_tags=list(s3_object_tags or []))
    return key


def _finish(world: World, part: Partition, task_id: str) -> None:
    node = world.graph.nodes[task_id]
    world.update(task_id, StoreTaskState="Completed")
    world.claim(_s3(world), OBJECT_INDEX, f"{node['Bucket']}/{node['S3objectKey']}", task_id)


def settle(world: World, part: Partition) -> None:
    task_progress.settle(world, part, KIND, _finish)


def restore(world: World, part: Partition, bucket: str, object_key: str, *,
            name: str | None = None, tags: dict[str, str] | None = None,
            snapshot_tags: dict[str, str] | None = None) -> str:
    """CreateRestoreImageTask: a new AMI from an object a store task wrote, its snapshots
    tagged with `snapshot_tags`; returns its id."""
    task_progress.check_bucket(bucket, "Bucket")
    task_progress.check_key(object_key, "ObjectKey")
    settle(world, part)
    stored = world.claimed(_s3(world), OBJECT_INDEX, f"{bucket}/{object_key}")
    if not stored:
        raise TopologyError(f"The specified S3 object s3://{bucket}/{object_key} does not "
                            "exist or is not an AMI object created by CreateStoreImageTask.",
                            "InvalidParameterValue")
    source = world.graph.nodes[min(stored)]["image"]
    # the store decrypted the snapshots: restored ones are encrypted only by default
    encrypted, key = ebs_encryption.encryption(part, None, None, None)
    mappings = []
    for m in _copy.deepcopy(source.get("BlockDeviceMappings", [])):
        ebs = m.get("Ebs")
        if ebs and ebs.get("SnapshotId"):
            ebs["SnapshotId"] = snapshots.create_imported(
                world, part, ebs.get("VolumeSize") or 8, encrypted=encrypted, kms_key_id=key,
                description=f"Created by CreateRestoreImageTask from s3://{bucket}/{object_key}",
                tags=snapshot_tags)
            ebs.pop("Encrypted", None)
            ebs.pop("KmsKeyId", None)
        mappings.append(m)
    params = {k: source.get(k) for k in STORED}
    params.update(Name=name or source.get("Name"), BlockDeviceMappings=mappings)
    return image_builds.register(world, part, params, tags)


# -- views and filters ------------------------------------------------------------------------
def view(world: World, task_id: str) -> dict[str, Any]:
    """The task as boto3's StoreImageTaskResult."""
    node = world.graph.nodes[task_id]
    done = node["StoreTaskState"] == "Completed"
    return {"AmiId": node["AmiId"], "TaskStartTime": node["TaskStartTime"],
            "Bucket": node["Bucket"], "S3objectKey": node["S3objectKey"],
            "ProgressPercentage": 100 if done else 0, "StoreTaskState": node["StoreTaskState"]}


def for_images(world: World, part: Partition, image_ids: list[str]) -> list[str]:
    """The partition's store tasks of these AMIs (each named AMI must be one the caller sees)."""
    for image_id in image_ids:
        images.find(world, part.account, part.region, image_id)
    wanted = set(image_ids)
    nodes = world.graph.nodes
    return [t for t in part.ids(KIND) if nodes[t]["AmiId"] in wanted]


FILTERS: dict[str, Filter] = {"task-state": field("StoreTaskState"), "bucket": field("Bucket")}
