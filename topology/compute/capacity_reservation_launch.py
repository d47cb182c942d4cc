"""How instances use capacity reservations: RunInstances' `CapacityReservationSpecification`,
and a stopped instance starting again.

An instance in a reservation has an ASSOCIATED edge to it; only `pending`/`running`
instances use its capacity (`capacity_reservations.instances`), so stopping or terminating
one gives its slot back without a call here.

AWS's rules: preference `none` never uses a reservation; `open` (the default) runs in any
`open` active reservation of the account (or shared with it) with the instance's type,
platform, zone and tenancy (and placement group, for one in a cluster group), else On-Demand; a target names one reservation (`targeted` or
`open`), whose attributes must match and whose free capacity bounds the launch
(`ReservationCapacityExceeded` below MinCount); `capacity-reservations-only` refuses to run
On-Demand (`InsufficientInstanceCapacity`). Spot Instances never use reservations.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..core import schema, sharing
from ..core.errors import InvalidParameterCombination, InvalidParameterValue, TopologyError
from ..core.world import Partition, World
from . import capacity_reservations as crs
from . import placement_groups

Slot = str | None       # the reservation an instance runs in, or None (On-Demand)


def allocate(world: World, part: Partition, params: dict[str, Any], fields: dict[str, Any],
             count: int) -> list[Slot]:
    """The reservation of each of up to `count` instances about to launch (fewer when a
    targeted reservation has less room, never below MinCount). Checks only, no change."""
    spec = params.get("CapacityReservationSpecification") or {}
    preference, target = _spec(spec)
    if fields.get("InstanceLifecycle") == "spot" or preference == "none":
        return [None] * count
    pg_id = placement_groups.resolve(world, part, params.get("Placement") or {})
    fields = {**fields, "group_arn": _group_arn(world, part, pg_id)}
    if target.get("CapacityReservationId"):
        cr_id = target["CapacityReservationId"]
        room = _targeted_room(world, part, cr_id, fields)
        low = int(params.get("MinCount") or 1)
        if room < low:
            raise TopologyError(
                f"There is insufficient capacity in the Capacity Reservation {cr_id} to "
                f"launch {low} instance(s). Available capacity: {room}.",
                "ReservationCapacityExceeded")
        return [cr_id] * min(count, room)
    slots = _open_slots(world, part, fields, count, grouped=target)
    if preference == "capacity-reservations-only" and None in slots:
        low = int(params.get("MinCount") or 1)
        if slots.index(None) < low:
            raise TopologyError("There is no Capacity Reservation with available capacity "
                                "that matches the instance's attributes.",
                                "InsufficientInstanceCapacity")
        slots = slots[:slots.index(None)]
    return slots


def _spec(spec: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """(preference, target) after AWS's checks on how the two combine."""
    preference = spec.get("CapacityReservationPreference")
    target = spec.get("CapacityReservationTarget") or {}
    if target.get("CapacityReservationId") and target.get("CapacityReservationResourceGroupArn"):
        raise InvalidParameterCombination(
            "You can specify either CapacityReservationId or "
            "CapacityReservationResourceGroupArn, not both.")
    if target and preference not in (None, "capacity-reservations-only"):
        raise InvalidParameterCombination(
            "You can specify CapacityReservationPreference and CapacityReservationTarget "
            "together only when CapacityReservationPreference is capacity-reservations-only.")
    return preference or "open", target


def _group_arn(world: World, part: Partition, pg_id: str | None) -> str | None:
    if pg_id is None:
        return None
    return placement_groups.arn(part, world.graph.nodes[pg_id]["GroupName"])


def matches(world: World, cr_id: str, fields: dict[str, Any]) -> bool:
    """Whether an instance with these fields fits the reservation's attributes (and, for a
    reservation in a cluster placement group, is launched in that group)."""
    node = world.graph.nodes[cr_id]
    placement = fields.get("Placement") or {}
    if node.get("PlacementGroupArn") and node["PlacementGroupArn"] != fields.get("group_arn"):
        return False
    return (node["InstanceType"] == fields.get("InstanceType")
            and node["AvailabilityZone"] == placement.get("AvailabilityZone")
            and node["InstancePlatform"] == fields.get("PlatformDetails", "Linux/UNIX")
            and node["Tenancy"] == (placement.get("Tenancy") or "default"))


def _targeted_room(world: World, part: Partition, cr_id: str, fields: dict[str, Any]) -> int:
    sharing.usable(world, part, crs.KIND, cr_id)
    state = crs.state_of(world, cr_id)
    if state != "active":
        raise TopologyError(f"The Capacity Reservation {cr_id} is in state '{state}' and "
                            "cannot be used to launch instances.",
                            "InvalidCapacityReservationId.State")
    if not matches(world, cr_id, fields):
        raise InvalidParameterValue(
            f"The instance's attributes (instance type, platform, Availability Zone and "
            f"tenancy) do not match those of the Capacity Reservation {cr_id}.")
    return crs.available(world, cr_id)


def _open_slots(world: World, part: Partition, fields: dict[str, Any], count: int,
                grouped: dict[str, Any]) -> list[Slot]:
    """Fill matching open reservations in creation order (own before shared), then
    On-Demand. A resource-group target names reservations no EC2 call can list: none."""
    if grouped.get("CapacityReservationResourceGroupArn"):
        return [None] * count
    slots: list[Slot] = []
    for cr_id in _candidates(world, part):
        node = world.graph.nodes[cr_id]
        if node["InstanceMatchCriteria"] != "open" or not matches(world, cr_id, fields) \
                or crs.state_of(world, cr_id) != "active":
            continue
        slots += [cr_id] * min(crs.available(world, cr_id), count - len(slots))
        if len(slots) == count:
            break
    return slots + [None] * (count - len(slots))


def _candidates(world: World, part: Partition) -> Iterable[str]:
    yield from part.ids(crs.KIND)
    yield from sharing.shared_into(world, part, crs.KIND)


def bind(world: World, instance_ids: list[str], slots: list[Slot],
         params: dict[str, Any]) -> None:
    """Link each launched instance to its reservation and keep the request's targeting in
    the shape DescribeInstances answers (`CapacityReservationSpecificationResponse`)."""
    spec = _response(params.get("CapacityReservationSpecification") or {})
    for instance_id, slot in zip(instance_ids, slots):
        world.update(instance_id, CapacityReservationSpecification=dict(spec))
        if slot is not None:
            world.link(instance_id, slot, schema.ASSOCIATED)


def _response(spec: dict[str, Any]) -> dict[str, Any]:
    """AWS answers the target when the instance has one, else the preference."""
    target = {k: v for k, v in (spec.get("CapacityReservationTarget") or {}).items() if v}
    if target:
        out: dict[str, Any] = {"CapacityReservationTarget": target}
        if spec.get("CapacityReservationPreference"):
            out["CapacityReservationPreference"] = spec["CapacityReservationPreference"]
        return out
    return {"CapacityReservationPreference": spec.get("CapacityReservationPreference") or "open"}


def reservation_of(world: World, instance_id: str) -> str | None:
    found = world.out(instance_id, schema.ASSOCIATED, crs.KIND)
    return found[0][0] if found else None


def unlink(world: World, instance_id: str) -> None:
    cr_id = reservation_of(world, instance_id)
    if cr_id is not None:
        world.unlink(instance_id, cr_id, schema.ASSOCIATED)


def restart(world: World, part: Partition, instance_id: str) -> None:
    """A stopped instance starting again: it takes a slot in its reservation if there is
    room, else it matches afresh as its targeting says (before its state changes)."""
    node = world.graph.nodes[instance_id]
    cr_id = reservation_of(world, instance_id)
    if cr_id is not None and crs.state_of(world, cr_id) == "active" \
            and crs.available(world, cr_id) > 0:
        return
    unlink(world, instance_id)
    spec = node.get("CapacityReservationSpecification") or {}
    found = placement_groups.of_instance(world, instance_id)
    placement = {"GroupId": found[0]} if found else {}
    params = {"CapacityReservationSpecification": spec, "MinCount": 1, "Placement": placement}
    slots = allocate(world, part, params, node, 1)
    if slots and slots[0] is not None:
        world.link(instance_id, slots[0], schema.ASSOCIATED)


def retarget(world: World, part: Partition, instance_id: str,
             capacity_reservation_specification: dict[str, Any]) -> None:
    """ModifyInstanceCapacityReservationAttributes: a stopped instance's new targeting (it
    takes effect when the instance starts)."""
    spec = capacity_reservation_specification
    node = world.get(part, "instance", instance_id)
    state = node["State"]["Name"]
    if state != "stopped":
        raise TopologyError(f"The instance '{instance_id}' is not in the 'stopped' state.",
                            "IncorrectInstanceState")
    _spec(spec)
    target = spec.get("CapacityReservationTarget") or {}
    if target.get("CapacityReservationId"):
        sharing.usable(world, part, crs.KIND, target["CapacityReservationId"])
    unlink(world, instance_id)
    world.update(instance_id, CapacityReservationSpecification=_response(spec))
