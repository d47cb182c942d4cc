"""BundleInstance, DescribeBundleTasks and CancelBundleTask: bundling an instance
store-backed Windows instance into an S3 bucket (`bun-` tasks), as AWS still answers them.

A task answers `pending` and is `complete` when described later (`task_progress`), its
Progress `100%`. CancelBundleTask answers a pending task `cancelling`; described later it
has `failed` with AWS's cancellation error. A finished task cannot be cancelled.
"""
from __future__ import annotations

import copy as _copy
from typing import Any

from ..core import clock
from ..core.errors import MissingParameter, TopologyError
from ..core.filters import Filter, field, ident
from ..core.world import Partition, World
from . import instances, task_progress

KIND = "bundle-task"
CANCELLED = {"Code": "Client.Cancelled", "Message": "User initiated task cancelation"}


def bundle(world: World, part: Partition, instance_id: str, storage: dict[str, Any]) -> str:
    """BundleInstance: a running instance store-backed Windows instance; returns the task."""
    node = world.get(part, "instance", instance_id)
    if node.get("Platform") != "windows" or node.get("RootDeviceType") != "instance-store":
        raise TopologyError("Only instance store-backed Windows instances can be bundled.",
                            "UnsupportedOperation")
    if instances.state_name(world, instance_id) != "running":
        raise TopologyError(f"The instance '{instance_id}' is not in the 'running' state.",
                            "IncorrectInstanceState")
    s3 = (storage or {}).get("S3")
    if not s3:
        raise MissingParameter("The request must contain the parameter Storage.S3")
    task_progress.bucket(world, part, s3.get("Bucket"), "Bucket")
    if not s3.get("Prefix"):
        raise MissingParameter("The request must contain the parameter Prefix")
    kept = {k: s3[k] for k in ("Bucket", "Prefix", "AWSAccessKeyId") if s3.get(k)}
    task_id = world.new_id("bun")
    started = clock.now()
    world.add(part, KIND, task_id, InstanceId=instance_id, State="pending", settled=False,
              StartTime=started, UpdateTime=started, Storage={"S3": kept})
    return task_id


def _finish(world: World, part: Partition, task_id: str) -> None:
    node = world.graph.nodes[task_id]
    if node["State"] == "cancelling":
        world.update(task_id, State="failed", BundleTaskError=dict(CANCELLED),
                     UpdateTime=clock.now())
    else:
        world.update(task_id, State="complete", Progress="100%", UpdateTime=clock.now())


def settle(world: World, part: Partition) -> None:
    task_progress.settle(world, part, KIND, _finish)


def cancel(world: World, part: Partition, bundle_id: str) -> str:
    """CancelBundleTask: a pending task goes `cancelling`."""
    node = world.get(part, KIND, bundle_id)
    if node["State"] != "pending" or task_progress.is_settled(node):
        state = "complete" if node["State"] == "pending" else node["State"]
        raise TopologyError(f"The bundle task {bundle_id} is {state} and cannot be cancelled.",
                            "IncorrectState")
    world.update(bundle_id, State="cancelling", UpdateTime=clock.now())
    return bundle_id


def view(world: World, task_id: str) -> dict[str, Any]:
    """The task as boto3's BundleTask."""
    node = world.graph.nodes[task_id]
    out = {"BundleId": task_id, **{k: _copy.deepcopy(node[k]) for k in (
        "InstanceId", "State", "StartTime", "UpdateTime", "Storage", "Progress",
        "BundleTaskError") if node.get(k) is not None}}
    if node["State"] == "pending":
        out["Progress"] = "0%"
    return out


def _error(key: str) -> Filter:
    return Filter(lambda w, rid, n: (n.get("BundleTaskError") or {}).get(key))


def _s3(key: str) -> Filter:
    return Filter(lambda w, rid, n: n["Storage"]["S3"].get(key))


FILTERS: dict[str, Filter] = {
    "bundle-id": ident(), "error-code": _error("Code"), "error-message": _error("Message"),
    "instance-id": field("InstanceId"), "progress": field("Progress"),
    "s3-bucket": _s3("Bucket"), "s3-prefix": _s3("Prefix"),
    "start-time": Filter(lambda w, rid, n: clock.stamp(n["StartTime"])),
    "state": field("State"),
    "update-time": Filter(lambda w, rid, n: clock.stamp(n["UpdateTime"])),
}
