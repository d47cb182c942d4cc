"""Capacity Reservation Fleets: a target capacity in units, reserved as capacity reservations
of the instance types the fleet lists, the highest priority first.

A `capacity-reservation-fleet` node CONTAINS the reservations it made (open, the fleet's
tenancy and end date). AWS's rules: the allocation strategy is `prioritized` (a lower
`Priority` first) and the only one; each instance counts `Weight` units (0.001 to 99.999), so
a type reserves ceil(target / weight) instances; tenancy `default`; matching `open`; an end
date in the future. ec2sim has capacity for every request, so the first type by priority
fulfils the whole target. Modifying the target grows or shrinks the fleet's reservations;
modifying the end date moves theirs; cancelling cancels them (their instances keep running).
The fleet answers `submitted` when created and `modifying` when modified (AWS's transient
states), and is `active` once described.
"""
from __future__ import annotations

import datetime as dt
import math
from typing import Any

from ..core import regions, schema
from ..core import tags as tagging
from ..core.clock import now
from ..core.errors import (IncorrectState, InvalidParameterCombination, InvalidParameterValue,
                           MissingParameter, TopologyError)
from ..core.family import Family, declare
from ..core.filters import Filter, field, ident
from ..core.world import Partition, World, not_found
from . import capacity_reservations as crs
from .capacity_reservation_changes import release

KIND = "capacity-reservation-fleet"
STRATEGY = "prioritized"
LIVE = ("submitted", "modifying", "active", "partially_fulfilled")
MAX_SPECS = 50


def create(world: World, part: Partition, total_target_capacity: int,
           instance_type_specifications: list[dict[str, Any]] | None = None,
           allocation_strategy: str | None = None,
           instance_requirements: dict[str, Any] | None = None,
           availability_zone: str | None = None, availability_zone_id: str | None = None,
           tenancy: str | None = None, end_date: dt.datetime | None = None,
           instance_match_criteria: str | None = None,
           tags: dict[str, str] | None = None) -> dict[str, Any]:
    """A fleet and the reservations that fulfil its target; answers the fleet `submitted`."""
    if allocation_strategy not in (None, STRATEGY):
        raise InvalidParameterValue(f"The allocation strategy '{allocation_strategy}' is not "
                                    f"supported. Valid values: {STRATEGY}.")
    specs = _specs(part, instance_type_specifications, instance_requirements,
                   availability_zone, availability_zone_id)
    _check_target(total_target_capacity)
    if end_date is not None:
        crs.check_end("limited", end_date)
    fleet_id = world.new_id("crf")
    world.add(part, KIND, fleet_id, AllocationStrategy=STRATEGY, Tenancy=tenancy or "default",
              TotalTargetCapacity=total_target_capacity, EndDate=end_date,
              InstanceMatchCriteria=instance_match_criteria or "open", CreateTime=now(),
              State="active", specs=specs, InstanceRequirements=instance_requirements,
              AvailabilityZone=availability_zone, AvailabilityZoneId=availability_zone_id)
    tagging.apply(world, fleet_id, tags or {})
    _fulfil(world, part, fleet_id)
    out = view(world, fleet_id)
    out["FleetCapacityReservations"] = out.pop("InstanceTypeSpecifications")
    for name in ("CapacityReservationFleetArn", "InstanceRequirements", "AvailabilityZone",
                 "AvailabilityZoneId"):
        out.pop(name, None)
    return {**out, "State": "submitted"}


def _check_target(target: int) -> None:
    if target < 1:
        raise InvalidParameterValue(f"Value ({target}) for parameter totalTargetCapacity is "
                                    "invalid. Expected a positive integer.")


def _specs(part: Partition, given: list[dict[str, Any]] | None,
           requirements: dict[str, Any] | None, zone: str | None, zone_id: str | None
           ) -> list[dict[str, Any]]:
    """The instance type specifications, checked and in priority order."""
    if not given:
        if requirements:
            raise TopologyError("Capacity Reservation Fleets with InstanceRequirements are "
                                "not supported by ec2sim; list InstanceTypeSpecifications.",
                                "UnsupportedOperation")
        raise MissingParameter("The request must contain the parameter "
                               "InstanceTypeSpecifications")
    if len(given) > MAX_SPECS:
        raise InvalidParameterValue(f"A Capacity Reservation Fleet takes at most {MAX_SPECS} "
                                    "instance type specifications.")
    out, seen = [], set()
    for index, spec in enumerate(given):
        for member in ("InstanceType", "InstancePlatform"):
            if not spec.get(member):
                raise MissingParameter(f"The request must contain the parameter "
                                       f"InstanceTypeSpecification.{member}")
        found = _zone(part, spec.get("AvailabilityZone") or zone,
                      spec.get("AvailabilityZoneId") or zone_id)
        key = (spec["InstanceType"], found["ZoneName"])
        if key in seen:
            raise InvalidParameterValue(f"The instance type {key[0]} is specified more than "
                                        f"once for Availability Zone {key[1]}.")
        seen.add(key)
        out.append({"InstanceType": spec["InstanceType"],
                    "InstancePlatform": spec["InstancePlatform"],
                    "AvailabilityZone": found["ZoneName"], "AvailabilityZoneId": found["ZoneId"],
                    "Weight": float(spec.get("Weight") or 1.0),
                    "Priority": int(spec.get("Priority") or 0),
                    "EbsOptimized": bool(spec.get("EbsOptimized")), "index": index})
    return sorted(out, key=lambda s: (s["Priority"], s["index"]))


def _zone(part: Partition, name: str | None, zone_id: str | None) -> dict[str, str]:
    if not name and not zone_id:
        raise MissingParameter("The request must contain the parameter AvailabilityZone")
    found = regions.zone(part.region, zone_name=name, zone_id=zone_id)
    if found is None:
        raise InvalidParameterValue(f"Invalid availability zone: [{name or zone_id}]")
    return found


def _fulfil(world: World, part: Partition, fleet_id: str) -> None:
    """Reserve the target with the first type by priority: grow or shrink its reservation
    (a new one if the fleet has none live)."""
    node = world.graph.nodes[fleet_id]
    spec = node["specs"][0]
    count = max(1, math.ceil(node["TotalTargetCapacity"] / spec["Weight"] - 1e-9))
    live = [c for c in reservations(world, fleet_id) if crs.state_of(world, c) == "active"]
    if live:
        world.update(live[0], TotalInstanceCount=count)
        return
    end = node.get("EndDate")
    cr_id = crs.create(world, part, spec["InstanceType"], spec["InstancePlatform"], count,
                       availability_zone=spec["AvailabilityZone"],
                       tenancy=node["Tenancy"], ebs_optimized=spec["EbsOptimized"],
                       end_date=end, end_date_type="limited" if end else "unlimited",
                       instance_match_criteria=node["InstanceMatchCriteria"])
    world.link(fleet_id, cr_id, schema.CONTAINS)


def reservations(world: World, fleet_id: str) -> list[str]:
    return [c for c, _, _ in world.out(fleet_id, schema.CONTAINS, crs.KIND)]


# -- modify and cancel -------------------------------------------------------------------------
def modify(world: World, part: Partition, capacity_reservation_fleet_id: str,
           total_target_capacity: int | None = None, end_date: dt.datetime | None = None,
           remove_end_date: bool | None = None) -> None:
    fleet_id = capacity_reservation_fleet_id
    world.get(part, KIND, fleet_id)
    if end_date is not None and remove_end_date:
        raise InvalidParameterCombination("You can't specify both EndDate and RemoveEndDate.")
    if total_target_capacity is None and end_date is None and not remove_end_date:
        raise MissingParameter("The request must contain at least one of TotalTargetCapacity, "
                               "EndDate or RemoveEndDate")
    state = state_of(world, fleet_id)
    if state not in LIVE:
        raise IncorrectState(f"The Capacity Reservation Fleet {fleet_id} is in state "
                             f"'{state}' and cannot be modified.", "IncorrectState")
    if end_date is not None:
        crs.check_end("limited", end_date)
    if end_date is not None or remove_end_date:
        world.update(fleet_id, EndDate=end_date)
        for cr_id in reservations(world, fleet_id):
            if crs.state_of(world, cr_id) == "active":
                world.update(cr_id, EndDate=end_date,
                             EndDateType="limited" if end_date else "unlimited")
    if total_target_capacity is not None:
        _check_target(total_target_capacity)
        world.update(fleet_id, TotalTargetCapacity=total_target_capacity)
        _fulfil(world, part, fleet_id)


def cancel(world: World, part: Partition, capacity_reservation_fleet_ids: list[str]
           ) -> dict[str, Any]:
    """Cancel each fleet and its reservations; an unknown or ended fleet fails alone."""
    done, failed = [], []
    for fleet_id in capacity_reservation_fleet_ids:
        node = world.node(fleet_id)
        if node is None or node["kind"] != KIND or node["account"] != part.account \
                or node["region"] != part.region:
            error = not_found(KIND, fleet_id)
            failed.append({"CapacityReservationFleetId": fleet_id,
                           "CancelCapacityReservationFleetError": {
                               "Code": error.code, "Message": str(error)}})
            continue
        previous = state_of(world, fleet_id)
        if previous not in LIVE:
            failed.append({"CapacityReservationFleetId": fleet_id,
                           "CancelCapacityReservationFleetError": {
                               "Code": "IncorrectState",
                               "Message": f"The Capacity Reservation Fleet {fleet_id} is in "
                                          f"state '{previous}' and cannot be cancelled."}})
            continue
        for cr_id in reservations(world, fleet_id):
            if crs.state_of(world, cr_id) in crs.LIVE:
                release(world, cr_id, "cancelled")
        world.update(fleet_id, State="cancelled")
        done.append({"CurrentFleetState": "cancelling", "PreviousFleetState": previous,
                     "CapacityReservationFleetId": fleet_id})
    return {"SuccessfulFleetCancellations": done, "FailedFleetCancellations": failed}


# -- reads -------------------------------------------------------------------------------------
def state_of(world: World, fleet_id: str) -> str:
    node = world.graph.nodes[fleet_id]
    if node["State"] in LIVE and node.get("EndDate") is not None and node["EndDate"] <= now():
        return "expired"
    return str(node["State"])


def fulfilled(world: World, fleet_id: str) -> float:
    weights = {(s["InstanceType"], s["AvailabilityZone"]): s["Weight"]
               for s in world.graph.nodes[fleet_id]["specs"]}
    total = 0.0
    for cr_id in reservations(world, fleet_id):
        cr = world.graph.nodes[cr_id]
        if crs.state_of(world, cr_id) == "active":
            total += cr["TotalInstanceCount"] * weights[(cr["InstanceType"],
                                                         cr["AvailabilityZone"])]
    return total


def _reservation_view(world: World, fleet_id: str, cr_id: str) -> dict[str, Any]:
    cr = world.graph.nodes[cr_id]
    spec = next(s for s in world.graph.nodes[fleet_id]["specs"]
                if (s["InstanceType"], s["AvailabilityZone"]) ==
                (cr["InstanceType"], cr["AvailabilityZone"]))
    return {"CapacityReservationId": cr_id, "AvailabilityZoneId": cr["AvailabilityZoneId"],
            "InstanceType": cr["InstanceType"], "InstancePlatform": cr["InstancePlatform"],
            "AvailabilityZone": cr["AvailabilityZone"],
            "TotalInstanceCount": cr["TotalInstanceCount"],
            "FulfilledCapacity": cr["TotalInstanceCount"] * spec["Weight"],
            "EbsOptimized": cr["EbsOptimized"], "CreateDate": cr["CreateDate"],
            "Weight": spec["Weight"], "Priority": spec["Priority"]}


def view(world: World, fleet_id: str) -> dict[str, Any]:
    """The fleet as boto3's `CapacityReservationFleet`."""
    node = world.graph.nodes[fleet_id]
    out: dict[str, Any] = {
        "CapacityReservationFleetId": fleet_id,
        "CapacityReservationFleetArn": f"arn:aws:ec2:{node['region']}:{node['account']}:"
                                       f"capacity-reservation-fleet/{fleet_id}",
        "State": state_of(world, fleet_id),
        "TotalTargetCapacity": node["TotalTargetCapacity"],
        "TotalFulfilledCapacity": fulfilled(world, fleet_id),
        "Tenancy": node["Tenancy"], "EndDate": node.get("EndDate"),
        "CreateTime": node["CreateTime"], "InstanceMatchCriteria": node["InstanceMatchCriteria"],
        "AllocationStrategy": node["AllocationStrategy"],
        "InstanceTypeSpecifications": [_reservation_view(world, fleet_id, c)
                                       for c in reservations(world, fleet_id)],
        "InstanceRequirements": node.get("InstanceRequirements"),
        "AvailabilityZone": node.get("AvailabilityZone"),
        "AvailabilityZoneId": node.get("AvailabilityZoneId"),
        "Tags": tagging.listed(node["tags"]),
    }
    return {k: v for k, v in out.items() if v is not None}


FILTERS: dict[str, Filter] = {
    "capacity-reservation-fleet-id": ident(),
    "state": Filter(lambda w, rid, n: state_of(w, rid)),
    "instance-match-criteria": field("InstanceMatchCriteria"),
    "tenancy": field("Tenancy"),
    "allocation-strategy": field("AllocationStrategy"),
}


FAMILY = declare(Family(KIND, view=view, filters=FILTERS, max_results=(1, 100),
                        actions={"CreateCapacityReservationFleet": create,
                                 "ModifyCapacityReservationFleet": modify,
                                 "CancelCapacityReservationFleets": cancel}))
