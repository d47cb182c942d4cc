"""EC2 instances: the node and the lookups every instance module shares.

An `instance` node holds what is the instance's own (type, image, key name, launch index and
time, placement zone and tenancy, state, attributes such as user data and termination
protection, metadata and CPU options) in boto3 member names, internal settings in lower
case (`reservation`, `user_data`, `api_termination_disabled`, `api_stop_disabled`,
`shutdown_behavior`, `cpu_credits`). Everything about its network and
storage comes from the graph, never from copies: its network interfaces are ATTACHED to it
(the one at device index 0 gives `SubnetId`, `VpcId`, `PrivateIpAddress`, `PublicIpAddress`,
`SecurityGroups`, `SourceDestCheck`), its volumes are ATTACHED to it, it is ASSOCIATED with
its placement group, and an IAM instance profile association is ASSOCIATED with it.

Value indexes the instance claims, for describe filters: "instance-type", "instance-state",
"reservation-id". Launching lives in `instance_launch`, state changes in `instance_state`, the
view in `instance_view`: callers import the module that does the work.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from ..core import schema
from ..core.errors import NotFound
from ..core.world import Partition, World, not_found

STATE_CODES = {"pending": 0, "running": 16, "shutting-down": 32, "terminated": 48,
               "stopping": 64, "stopped": 80}
TYPE_INDEX, STATE_INDEX, RESERVATION_INDEX = "instance-type", "instance-state", "reservation-id"
DEFAULT_TYPE = "m1.small"          # AWS's documented default for RunInstances


# -- the node ---------------------------------------------------------------------------------
def state_name(world: World, instance_id: str) -> str:
    return world.graph.nodes[instance_id]["State"]["Name"]


def state(name: str) -> dict[str, Any]:
    """boto3's `InstanceState` for a state name."""
    return {"Code": STATE_CODES[name], "Name": name}


# -- lookups ----------------------------------------------------------------------------------
def get_all(world: World, part: Partition, ids: list[str]) -> list[str]:
    """The instances `ids` (deduplicated, in request order); AWS names every missing one.

    Raises `InvalidInstanceID.Malformed` for an id of the wrong shape, else
    `InvalidInstanceID.NotFound` listing all the ids that do not exist.
    """
    ids = list(dict.fromkeys(ids))
    missing = []
    for rid in ids:
        try:
            world.get(part, "instance", rid)
        except NotFound:
            missing.append(rid)
    if len(missing) == 1:
        raise not_found("instance", missing[0])
    if missing:
        raise NotFound(f"The instance IDs '{', '.join(missing)}' do not exist",
                       "InvalidInstanceID.NotFound")
    return ids


def interfaces(world: World, instance_id: str) -> list[tuple[str, dict[str, Any]]]:
    """(ENI id, attachment data) of the instance's network interfaces, by device index."""
    found = [(eni, data) for eni, _, data in
             world.into(instance_id, schema.ATTACHED, "network-interface")]
    return sorted(found, key=lambda pair: (pair[1].get("NetworkCardIndex", 0),
                                           pair[1]["DeviceIndex"]))


def primary_interface(world: World, instance_id: str) -> str | None:
    for eni, data in interfaces(world, instance_id):
        if data["DeviceIndex"] == 0 and data.get("NetworkCardIndex", 0) == 0:
            return eni
    return None


def subnet_of(world: World, instance_id: str) -> str | None:
    eni = primary_interface(world, instance_id)
    if eni is None:
        return None
    found = world.into(eni, schema.CONTAINS, "subnet")
    return found[0][0] if found else None


def vpc_of(world: World, instance_id: str) -> str | None:
    subnet = subnet_of(world, instance_id)
    if subnet is None:
        return None
    return world.into(subnet, schema.CONTAINS, "vpc")[0][0]


def volumes(world: World, instance_id: str) -> list[tuple[str, dict[str, Any]]]:
    """(volume id, attachment data) of the instance's EBS volumes."""
    return [(vol, data) for vol, _, data in world.into(instance_id, schema.ATTACHED, "volume")]


def profile_association(world: World, instance_id: str) -> str | None:
    """The instance's IAM instance profile association, if it has one."""
    found = world.into(instance_id, schema.ASSOCIATED, "iam-instance-profile-association")
    return found[0][0] if found else None


def gmt(when: dt.datetime) -> str:
    """AWS's timestamp inside state transition reasons: `2024-01-02 03:04:05 GMT`."""
    return when.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S GMT")


def set_state(world: World, part: Partition, instance_id: str, name: str, **fields: Any) -> None:
    """Move an instance to state `name`, keeping the state index in step."""
    old = state_name(world, instance_id)
    world.unclaim(part, STATE_INDEX, old, instance_id)
    world.claim(part, STATE_INDEX, name, instance_id)
    world.update(instance_id, State=state(name), **fields)

