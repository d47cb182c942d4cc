"""Instances on Dedicated Hosts: where RunInstances, StartInstances and
ModifyInstancePlacement put them.

RunInstances asks `instance_launch.PLACERS` (and `instance_launch.ZONES`: a launch naming a
host and no subnet goes to the host's zone) and StartInstances `instance_state.STARTERS`: an
instance names its host (`HostId`) or, with tenancy `host`, lands on a host of the zone with
auto-placement `on` that runs its type and has room; else AWS's `InsufficientHostCapacity`
or `InsufficientCapacityOnHost`. A stopped instance with affinity `host` restarts on its
host or not at all; with affinity `default` another auto-placement host may take it.
"""
from __future__ import annotations

from typing import Any

from ..core import schema
from ..core.errors import InvalidParameterCombination, InvalidParameterValue, TopologyError
from ..core.world import Partition, World
from . import instance_launch, instance_state
from .hosts import KIND, room, runs

def _insufficient_on(host_id: str) -> TopologyError:
    return TopologyError("There is not enough capacity on the Dedicated Host "
                         f"{host_id} to launch or start the instance.",
                         "InsufficientCapacityOnHost")


def _insufficient() -> TopologyError:
    return TopologyError("There is not enough capacity to fulfill your Dedicated Host request.",
                         "InsufficientHostCapacity")


def named_host(world: World, part: Partition, host_id: str, type_name: str,
               zone: str | None) -> dict[str, Any]:
    """The host an instance names, checked: available, its type, its zone."""
    node = world.get(part, KIND, host_id)
    if node["State"] != "available":
        raise TopologyError(f"The host '{host_id}' is not in the available state.",
                            "InvalidHostState")
    if not runs(node, type_name):
        configured = node["HostProperties"].get("InstanceType") or \
            node["HostProperties"].get("InstanceFamily")
        raise InvalidParameterValue(
            f"Instance type '{type_name}' is not supported on host '{host_id}' "
            f"(configured for {configured}).")
    if zone is not None and node["AvailabilityZone"] != zone:
        raise InvalidParameterValue(
            f"The host '{host_id}' is in Availability Zone {node['AvailabilityZone']}, "
            f"not {zone}.")
    return node


def auto_hosts(world: World, part: Partition, type_name: str, zone: str) -> list[str]:
    """Hosts of the zone that take instances by auto-placement and run the type."""
    nodes = world.graph.nodes
    return [h for h in part.ids(KIND) if nodes[h]["AutoPlacement"] == "on"
            and nodes[h]["AvailabilityZone"] == zone and room(world, h, type_name) > 0]


def _wanted(placement: dict[str, Any]) -> bool:
    return bool(placement.get("HostId") or placement.get("Tenancy") == "host"
                or placement.get("Affinity") == "host" or placement.get("HostResourceGroupArn"))


def check_placement(placement: dict[str, Any]) -> None:
    """AWS's rules between Tenancy, HostId, Affinity and HostResourceGroupArn."""
    tenancy = placement.get("Tenancy")
    if tenancy not in (None, "host") and (placement.get("HostId") or
                                           placement.get("Affinity") == "host"):
        raise InvalidParameterCombination(
            "The parameters hostId and affinity require tenancy 'host'.")
    if placement.get("HostId") and placement.get("HostResourceGroupArn"):
        raise InvalidParameterCombination(
            "The parameters hostId and hostResourceGroupArn cannot be used together.")
    arn = placement.get("HostResourceGroupArn")
    if arn and not (arn.startswith("arn:") and ":resource-groups:" in arn):
        raise InvalidParameterValue(
            f"Value ({arn}) for parameter hostResourceGroupArn is invalid.")


@instance_launch.PLACERS.register(KIND)
def launch_check(world: World, part: Partition, params: dict[str, Any], type_name: str,
                 zone: str, count: int) -> instance_launch.Placer | None:
    """RunInstances onto hosts: the named host, else auto-placement in the zone."""
    placement = params.get("Placement") or {}
    if not _wanted(placement):
        return None
    check_placement(placement)
    host_id = placement.get("HostId")
    affinity = placement.get("Affinity") or "default"
    if host_id:
        named_host(world, part, host_id, type_name, zone)
        if room(world, host_id, type_name) < count:
            raise _insufficient_on(host_id)
    elif sum(room(world, h, type_name) for h in auto_hosts(world, part, type_name, zone)) < count:
        raise _insufficient()

    def place(world: World, part: Partition, instance_id: str) -> None:
        target = host_id or auto_hosts(world, part, type_name, zone)[0]
        put(world, instance_id, target, affinity)
    return place


@instance_launch.ZONES.register(KIND)
def host_zone(world: World, part: Partition, params: dict[str, Any]) -> str | None:
    """A launch naming a host and no subnet goes to the host's zone."""
    host_id = (params.get("Placement") or {}).get("HostId")
    has_subnet = params.get("SubnetId") or any(
        n.get("SubnetId") or n.get("NetworkInterfaceId")
        for n in params.get("NetworkInterfaces") or [])
    if not host_id or has_subnet:
        return None
    node = world.get(part, KIND, host_id)
    return str(node["AvailabilityZone"])


def put(world: World, instance_id: str, host_id: str, affinity: str) -> None:
    """Place the instance on the host (leaving any host it was on)."""
    for old, disc, _ in world.out(instance_id, schema.ASSOCIATED, KIND):
        world.unlink(instance_id, old, schema.ASSOCIATED, disc)
    world.link(instance_id, host_id, schema.ASSOCIATED, "host")
    node = world.graph.nodes[instance_id]
    world.update(instance_id, Placement={**node["Placement"], "HostId": host_id,
                                         "Affinity": affinity, "Tenancy": "host"})


def host_of(world: World, instance_id: str) -> str | None:
    found = world.out(instance_id, schema.ASSOCIATED, KIND)
    return found[0][0] if found else None


@instance_state.STARTERS.register(KIND)
def start_check(world: World, part: Partition, instance_id: str):  # -> Callable | None
    """A stopped instance on a host starts there (affinity `host` allows nowhere else; with
    affinity `default` another auto-placement host of the zone takes it)."""
    node = world.graph.nodes[instance_id]
    placement = node.get("Placement") or {}
    if placement.get("Tenancy") != "host":
        return None
    type_name, zone = node["InstanceType"], placement["AvailabilityZone"]
    current = host_of(world, instance_id)
    affinity = placement.get("Affinity") or "default"
    if current is not None and room(world, current, type_name) > 0:
        return lambda: put(world, instance_id, current, affinity)
    if affinity == "host" and current is not None:
        raise _insufficient_on(current)
    others = auto_hosts(world, part, type_name, zone)
    if not others:
        raise _insufficient()
    return lambda: put(world, instance_id, others[0], affinity)
