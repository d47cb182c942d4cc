"""ModifyInstancePlacement: move a stopped instance between hosts, tenancies and groups.

AWS's rules: the instance must be stopped; tenancy changes only between `dedicated` and
`host`; a `HostId` or affinity `host` means tenancy `host` (a named host must be available,
run the instance's type in its zone and have room when the instance starts); a placement
group (`GroupName`/`GroupId`, `PartitionNumber` only for a partition group; an empty
`GroupName` takes the instance out of its group) follows the group's launch rules.
"""
from __future__ import annotations

from typing import Any

from ..core import schema
from ..core.errors import IncorrectState, InvalidParameterCombination, InvalidParameterValue
from ..core.family import declare_actions
from ..core.world import Partition, World
from . import host_placement, hosts, placement_groups
from .instances import state_name


def modify_placement(world: World, part: Partition, instance_id: str,
                     affinity: str | None = None, host_id: str | None = None,
                     tenancy: str | None = None, group_name: str | None = None,
                     group_id: str | None = None, partition_number: int | None = None,
                     host_resource_group_arn: str | None = None) -> None:
    node = world.get(part, "instance", instance_id)
    asked = (affinity, host_id, tenancy, group_name, group_id, partition_number,
             host_resource_group_arn)
    if all(value is None for value in asked):
        raise InvalidParameterCombination("No placement attributes specified.")
    placement = dict(node.get("Placement") or {})
    wants_host = bool(host_id or affinity == "host" or host_resource_group_arn)
    new_tenancy = tenancy or ("host" if wants_host else placement.get("Tenancy", "default"))
    host_placement.check_placement({"Tenancy": new_tenancy, "HostId": host_id,
                                    "Affinity": affinity,
                                    "HostResourceGroupArn": host_resource_group_arn})
    if state_name(world, instance_id) != "stopped":
        raise IncorrectState(f"The instance '{instance_id}' is not in the 'stopped' state.",
                             "IncorrectInstanceState")
    old_tenancy = placement.get("Tenancy", "default")
    if new_tenancy != old_tenancy and "default" in (new_tenancy, old_tenancy):
        raise InvalidParameterValue(
            f"You cannot change the tenancy of instance '{instance_id}' from {old_tenancy} to "
            f"{new_tenancy}; tenancy changes only between dedicated and host.")
    if host_id:
        host_placement.named_host(world, part, host_id, node["InstanceType"],
                         placement["AvailabilityZone"])
    pg = _group(world, part, node, group_name, group_id, partition_number)
    _apply_host(world, instance_id, placement, new_tenancy, host_id, affinity)
    if pg is not None:
        _apply_group(world, instance_id, *pg)


def _group(world: World, part: Partition, node: dict[str, Any], name: str | None,
           group_id: str | None, partition: int | None) -> tuple[str | None, int | None] | None:
    """(the group, its partition) to move to, (None, None) to leave any, None: unchanged."""
    if name == "" and not group_id:
        if partition is not None:
            raise InvalidParameterCombination(
                "The parameter partitionNumber requires a placement group.")
        return None, None
    pg_id = placement_groups.resolve(world, part, {"GroupName": name, "GroupId": group_id})
    if pg_id is None:
        if partition is not None:
            raise InvalidParameterCombination(
                "The parameter partitionNumber requires a placement group.")
        return None
    placement_groups.check_launch(world, part, pg_id, node["Placement"]["AvailabilityZone"], 1,
                                  node["InstanceType"], partition)
    return pg_id, partition


def _apply_host(world: World, instance_id: str, placement: dict[str, Any], tenancy: str,
                host_id: str | None, affinity: str | None) -> None:
    if tenancy != "host":
        for old, disc, _ in world.out(instance_id, schema.ASSOCIATED, hosts.KIND):
            world.unlink(instance_id, old, schema.ASSOCIATED, disc)
        placement = {k: v for k, v in placement.items() if k not in ("HostId", "Affinity")}
        world.update(instance_id, Placement={**placement, "Tenancy": tenancy})
        return
    target = host_id or host_placement.host_of(world, instance_id)
    chosen = affinity or placement.get("Affinity") or "default"
    if target is not None:
        host_placement.put(world, instance_id, target, chosen)
    else:
        world.update(instance_id, Placement={**placement, "Tenancy": "host", "Affinity": chosen})


def _apply_group(world: World, instance_id: str, pg_id: str | None,
                 partition: int | None) -> None:
    current = placement_groups.of_instance(world, instance_id)
    if current is not None:
        world.unlink(instance_id, current[0], schema.ASSOCIATED)
    if pg_id is not None:
        placement_groups.place(world, instance_id, pg_id,
                               placement_groups.partition_for(world, pg_id, partition))


declare_actions("instance", {"ModifyInstancePlacement": modify_placement})
