"""Placement groups: how a set of instances is placed on the underlying hardware.

A `placement-group` node holds its name, strategy and settings; an instance placed in one has
an ASSOCIATED edge to it (data: `PartitionNumber` for a partition group). Names are unique in
an account and region (value index "placement-group-name"), so lookups by name cost one
dictionary access.

AWS's rules: the strategy is `cluster`, `spread` or `partition`; a partition group has 1 to 7
partitions (2 unless told), a spread group spreads across racks (`rack`, the default) or
hosts; `PartitionCount` belongs to partition groups only and `SpreadLevel` to spread groups
only; names are up to 255 ASCII characters; a group that holds instances (other than
terminated ones) cannot be deleted; a cluster group lives in one Availability Zone; a
rack-level spread group holds at most seven running instances per zone.
"""
from __future__ import annotations

from typing import Any

from ..core import schema
from ..core import tags as tagging
from ..core.errors import (Conflict, InvalidParameterCombination, InvalidParameterValue,
                           MissingParameter, NotFound, TopologyError)
from ..core.family import Family, declare
from ..core.filters import Filter, field, ident
from ..core.world import Partition, World
from .instances import state_name

NAME_INDEX = "placement-group-name"
MAX_NAME = 255
MAX_PARTITIONS = 7
DEFAULT_PARTITIONS = 2
SPREAD_PER_ZONE = 7           # rack-level spread groups: running instances per zone
GROUPS_PER_REGION = 500


def unknown(name: str) -> NotFound:
    return NotFound(f"The Placement Group '{name}' is unknown.", "InvalidPlacementGroup.Unknown")


def by_name(world: World, part: Partition, name: str) -> str:
    """The id of the group called `name`; `InvalidPlacementGroup.Unknown` if none."""
    for pg_id in world.claimed(part, NAME_INDEX, name):
        return pg_id
    raise unknown(name)


def arn(part: Partition, name: str) -> str:
    return f"arn:aws:ec2:{part.region}:{part.account}:placement-group/{name}"


def create(world: World, part: Partition, name: str | None, strategy: str | None, *,
           partition_count: int | None = None, spread_level: str | None = None,
           tags: dict[str, str] | None = None) -> str:
    """A new placement group, after AWS's checks on its name and strategy settings."""
    if not name:
        raise MissingParameter("The request must contain the parameter groupName")
    if len(name) > MAX_NAME or not name.isascii():
        raise InvalidParameterValue(
            f"Value ({name}) for parameter groupName is invalid. The name must be at most "
            f"{MAX_NAME} ASCII characters.")
    if not strategy:
        raise MissingParameter("The request must contain the parameter strategy")
    fields: dict[str, Any] = {"GroupName": name, "Strategy": strategy, "State": "available"}
    if partition_count is not None and strategy != "partition":
        raise InvalidParameterCombination(
            "The parameter partitionCount can only be used with the partition strategy.")
    if spread_level is not None and strategy != "spread":
        raise InvalidParameterCombination(
            "The parameter spreadLevel can only be used with the spread strategy.")
    if strategy == "partition":
        count = DEFAULT_PARTITIONS if partition_count is None else partition_count
        if not 1 <= count <= MAX_PARTITIONS:
            raise InvalidParameterValue(
                f"Value ({count}) for parameter partitionCount is invalid. The partition "
                f"count must be between 1 and {MAX_PARTITIONS}.")
        fields["PartitionCount"] = count
    if strategy == "spread":
        fields["SpreadLevel"] = spread_level or "rack"
    if world.claimed(part, NAME_INDEX, name):
        raise Conflict(f"The placement group '{name}' already exists.",
                       "InvalidPlacementGroup.Duplicate")
    if len(part.ids("placement-group")) >= GROUPS_PER_REGION:
        raise TopologyError("You have reached the maximum number of placement groups.",
                            "PlacementGroupLimitExceeded")
    pg_id = world.new_id("pg")
    world.add(part, "placement-group", pg_id, **fields)
    world.claim(part, NAME_INDEX, name, pg_id)
    tagging.apply(world, pg_id, tags or {})
    return pg_id


def members(world: World, pg_id: str, *, live: bool = True) -> list[str]:
    """Instances placed in the group (only those not terminated, if `live`)."""
    found = [i for i, _, _ in world.into(pg_id, schema.ASSOCIATED, "instance")]
    return [i for i in found if not live or state_name(world, i) != "terminated"]


def delete(world: World, part: Partition, name: str) -> None:
    """Delete a group by name; refused while it holds instances."""
    pg_id = by_name(world, part, name)
    if members(world, pg_id):
        raise TopologyError(f"The placement group '{name}' is in use and may not be deleted.",
                            "InvalidPlacementGroup.InUse")
    world.remove(pg_id)


def resolve(world: World, part: Partition, placement: dict[str, Any]) -> str | None:
    """The group a RunInstances `Placement` names (by `GroupName` or `GroupId`), if any."""
    name, group_id = placement.get("GroupName"), placement.get("GroupId")
    if group_id:
        world.get(part, "placement-group", group_id)
        if name and world.graph.nodes[group_id]["GroupName"] != name:
            raise InvalidParameterCombination(
                "The placement group name and placement group ID do not refer to the same "
                "placement group.")
        return group_id
    if name:
        return by_name(world, part, name)
    return None


def check_launch(world: World, part: Partition, pg_id: str, zone: str, count: int,
                 instance_type: str, partition: int | None) -> None:
    """AWS's rules for launching `count` instances of `instance_type` into the group."""
    node = world.graph.nodes[pg_id]
    name, strategy = node["GroupName"], node["Strategy"]
    if partition is not None:
        if strategy != "partition":
            raise InvalidParameterCombination(
                "The parameter partitionNumber can only be used with a partition placement "
                "group.")
        if not 1 <= partition <= node["PartitionCount"]:
            raise InvalidParameterValue(
                f"Value ({partition}) for parameter partitionNumber is invalid. The "
                f"placement group '{name}' has {node['PartitionCount']} partitions.")
    if strategy == "cluster" and instance_type.startswith("t"):
        raise InvalidParameterCombination(
            f"Placement groups may not be used with instances of type '{instance_type}'.")
    live = members(world, pg_id)
    if strategy == "cluster":
        for other in live:
            other_zone = world.graph.nodes[other]["Placement"]["AvailabilityZone"]
            if other_zone != zone:
                raise TopologyError(f"The placement group '{name}' is in use in another "
                                    f"availability zone: {other_zone}",
                                    "InvalidPlacementGroup.InUse")
    if strategy == "spread" and node.get("SpreadLevel") == "rack":
        in_zone = [i for i in live
                   if world.graph.nodes[i]["Placement"]["AvailabilityZone"] == zone]
        if len(in_zone) + count > SPREAD_PER_ZONE:
            raise TopologyError(
                "We currently do not have sufficient capacity to launch all of the "
                f"additional requested instances into Spread Placement Group '{name}' in "
                f"Availability Zone '{zone}'. A Spread Placement Group can have a maximum of "
                f"{SPREAD_PER_ZONE} running instances per Availability Zone.",
                "InsufficientInstanceCapacity")


def partition_for(world: World, pg_id: str, requested: int | None) -> int | None:
    """The partition the next instance goes to: the one asked for, else round-robin."""
    node = world.graph.nodes[pg_id]
    if node["Strategy"] != "partition":
        return None
    if requested is not None:
        return requested
    return len(members(world, pg_id)) % node["PartitionCount"] + 1


def place(world: World, instance_id: str, pg_id: str, partition: int | None) -> None:
    data = {"PartitionNumber": partition} if partition is not None else {}
    world.link(instance_id, pg_id, schema.ASSOCIATED, **data)


def of_instance(world: World, instance_id: str) -> tuple[str, dict[str, Any]] | None:
    """(group id, edge data) of the group an instance is placed in, if any."""
    found = world.out(instance_id, schema.ASSOCIATED, "placement-group")
    return (found[0][0], found[0][2]) if found else None


def view(world: World, pg_id: str) -> dict[str, Any]:
    """The group as boto3's `PlacementGroup`."""
    node = world.graph.nodes[pg_id]
    part = world.partition(node["account"], node["region"])
    out: dict[str, Any] = {"GroupName": node["GroupName"], "State": node["State"],
                           "Strategy": node["Strategy"], "GroupId": pg_id,
                           "GroupArn": arn(part, node["GroupName"])}
    for key in ("PartitionCount", "SpreadLevel"):
        if key in node:
            out[key] = node[key]
    if node["tags"]:
        out["Tags"] = tagging.listed(node["tags"])
    return out


def _by_name(world: World, part: Partition, value: str) -> list[str]:
    return list(world.claimed(part, NAME_INDEX, value))


FILTERS: dict[str, Filter] = {
    "group-name": Filter(lambda w, rid, n: n["GroupName"], _by_name, exact=True),
    "group-id": ident(),
    "group-arn": Filter(lambda w, rid, n: arn(w.partition(n["account"], n["region"]),
                                               n["GroupName"])),
    "spread-level": field("SpreadLevel"),
    "state": field("State"),
    "strategy": field("Strategy"),
    "partition-count": field("PartitionCount"),
}


# -- the family: its plain Create/Delete/Describe operations are bound from this (docs/families.md)
FAMILY = declare(Family("placement-group", view=view, filters=FILTERS, create=create,
                        arguments={"name": "GroupName"}, delete=delete))
