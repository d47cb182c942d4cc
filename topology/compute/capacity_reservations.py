"""On-Demand Capacity Reservations: capacity for N instances of one type, platform, zone and
tenancy, from a start date (now, or a future date: `scheduled`) until an end date
(`limited`) or cancellation (`unlimited`).

A `capacity-reservation` node holds the reservation's own fields in boto3 member names; an
instance running in it has an ASSOCIATED edge to it (`capacity_reservation_launch` links and
unlinks them), so `AvailableInstanceCount` is the total less the live instances linked to it.
The fleet that made a reservation CONTAINS it (`capacity_reservation_fleets`). Capacity
Blocks are reservations of `ReservationType` `capacity-block`, made through `create`.

The simulator has no clock of its own: a `scheduled` reservation whose start date has passed
reads `active`, and a `limited` one whose end date has passed reads `expired` (`state_of`).

AWS's rules: a zone by name or by id, not both; an instance type offered in that zone; a
positive count; `limited` needs an end date in the future, `unlimited` takes none; a
placement group must be a cluster group of the account; only `active`/`scheduled`
reservations can be modified or cancelled; a cancelled reservation keeps its instances
running, unlinked.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ..catalogue import instance_types
from ..core import regions, schema
from ..core import tags as tagging
from ..core.clock import now, stamp
from ..core.errors import (InvalidParameterCombination, InvalidParameterValue, MissingParameter,
                           TopologyError)
from ..core.family import Family, declare
from ..core.filters import Filter, field, ident, owner
from ..core.world import Partition, World
from . import placement_groups

KIND = "capacity-reservation"
LIVE = ("active", "scheduled")           # the states a reservation can be changed in
RUNNING = ("pending", "running")         # instance states that use a reservation's capacity
MAX_COUNT = 1000                         # instances per reservation (the documented range)
FUTURE_DAYS = (5, 120)                   # a future-dated reservation starts this far ahead
FUTURE_VCPUS = 32                        # ... and reserves at least this many vCPUs
PLACEMENT_ARN = re.compile(r"arn:aws[\w-]*:ec2:([\w-]+):(\d{12}):placement-group/(.+)")
OUTPOST_ARN = re.compile(r"arn:aws[\w-]*:outposts:[\w-]+:\d{12}:outpost/op-[0-9a-f]{8,17}")


# -- create -----------------------------------------------------------------------------------
def create(world: World, part: Partition, instance_type: str, instance_platform: str,
           instance_count: int, *, availability_zone: str | None = None,
           availability_zone_id: str | None = None, tenancy: str | None = None,
           ebs_optimized: bool | None = None, ephemeral_storage: bool | None = None,
           end_date: dt.datetime | None = None, end_date_type: str | None = None,
           instance_match_criteria: str | None = None, start_date: dt.datetime | None = None,
           outpost_arn: str | None = None, placement_group_arn: str | None = None,
           commitment_duration: int | None = None, delivery_preference: str | None = None,
           tags: dict[str, str] | None = None, reservation_type: str = "default",
           state: str | None = None, fields: dict[str, Any] | None = None) -> str:
    """A new capacity reservation after AWS's checks; returns its `cr-` id.

    `reservation_type` (`default`, `capacity-block`), `state` (else `active`, or `scheduled`
    for a future `start_date`) and `fields` (further boto3 members kept as they are, e.g.
    `CapacityBlockId`) are for other families that make reservations (Capacity Blocks)."""
    zone = _zone(part, availability_zone, availability_zone_id)
    _check_type(part, instance_type, zone["ZoneName"])
    _check_count(instance_count)
    end_type, end = check_end(end_date_type, end_date)
    if start_date is not None and end is not None and end <= start_date:
        raise InvalidParameterValue("The end date must be after the start date.")
    if start_date is not None and reservation_type == "default" and state is None:
        _check_future(instance_type, instance_count, start_date, commitment_duration)
    pg_arn = _placement_group(world, part, placement_group_arn)
    if outpost_arn is not None and not OUTPOST_ARN.fullmatch(outpost_arn):
        raise InvalidParameterValue(f"The Outpost ARN '{outpost_arn}' is not valid.")
    created = now()
    starts = start_date or created
    cr_id = world.new_id("cr")
    world.add(part, KIND, cr_id, InstanceType=instance_type, InstancePlatform=instance_platform,
              AvailabilityZone=zone["ZoneName"], AvailabilityZoneId=zone["ZoneId"],
              Tenancy=tenancy or "default", TotalInstanceCount=instance_count,
              EbsOptimized=bool(ebs_optimized), EphemeralStorage=bool(ephemeral_storage),
              State=state or ("scheduled" if starts > created else "active"),
              StartDate=starts, EndDate=end, EndDateType=end_type,
              InstanceMatchCriteria=instance_match_criteria or "open", CreateDate=created,
              OutpostArn=outpost_arn, PlacementGroupArn=pg_arn, ReservationType=reservation_type,
              DeliveryPreference=delivery_preference or "fixed",
              CommitmentDuration=commitment_duration, **(fields or {}))
    tagging.apply(world, cr_id, tags or {})
    return cr_id


def _zone(part: Partition, name: str | None, zone_id: str | None) -> dict[str, str]:
    if name and zone_id:
        raise InvalidParameterCombination(
            "Only one of AvailabilityZone or AvailabilityZoneId can be specified.")
    if not name and not zone_id:
        raise MissingParameter("The request must contain the parameter AvailabilityZone or "
                               "AvailabilityZoneId")
    found = regions.zone(part.region, zone_name=name, zone_id=zone_id)
    if found is None:
        raise InvalidParameterValue(f"Invalid availability zone: [{name or zone_id}]")
    return found


def _check_type(part: Partition, type_name: str, zone: str) -> None:
    if instance_types.get(type_name) is None:
        raise InvalidParameterValue(f"Invalid value '{type_name}' for InstanceType.")
    if not instance_types.offered(part.region, "availability-zone", zone, type_name):
        raise TopologyError(f"The instance type '{type_name}' is not supported in "
                            f"Availability Zone '{zone}'.", "Unsupported")


def _check_future(type_name: str, count: int, start: dt.datetime,
                  commitment: int | None) -> None:
    """A future-dated reservation: 5 to 120 days ahead, a commitment, 32 vCPUs at least."""
    ahead = start - now()
    if ahead < dt.timedelta(days=FUTURE_DAYS[0]) or ahead > dt.timedelta(days=FUTURE_DAYS[1]):
        raise InvalidParameterValue(
            f"The start date must be between {FUTURE_DAYS[0]} and {FUTURE_DAYS[1]} days in "
            "the future.")
    if not commitment:
        raise MissingParameter("The request must contain the parameter CommitmentDuration")
    vcpus = (instance_types.get(type_name) or {}).get("VCpuInfo", {}).get("DefaultVCpus", 0)
    if vcpus * count < FUTURE_VCPUS:
        raise InvalidParameterValue(
            f"A future-dated Capacity Reservation must reserve at least {FUTURE_VCPUS} vCPUs "
            f"({count} x {type_name} reserves {vcpus * count}).")


def _check_count(count: int) -> None:
    if count < 1 or count > MAX_COUNT:
        raise InvalidParameterValue(f"Value ({count}) for parameter instanceCount is invalid. "
                                    f"Valid range: 1 - {MAX_COUNT}.")


def check_end(end_type: str | None, end: dt.datetime | None
              ) -> tuple[str, dt.datetime | None]:
    """(EndDateType, EndDate) as AWS keeps them: `limited` needs a future date, `unlimited`
    none (no type: `limited` when a date is given)."""
    end_type = end_type or ("limited" if end is not None else "unlimited")
    if end_type == "limited" and end is None:
        raise InvalidParameterCombination(
            "EndDate must be specified when EndDateType is limited.")
    if end_type == "unlimited" and end is not None:
        raise InvalidParameterCombination(
            "EndDate cannot be specified when EndDateType is unlimited.")
    if end is not None and end <= now():
        raise InvalidParameterValue("The end date must be in the future.")
    return end_type, end


def _placement_group(world: World, part: Partition, arn: str | None) -> str | None:
    if arn is None:
        return None
    match = PLACEMENT_ARN.fullmatch(arn)
    if match is None or match.group(1) != part.region or match.group(2) != part.account:
        raise InvalidParameterValue(f"The placement group ARN '{arn}' is not valid.")
    pg_id = placement_groups.by_name(world, part, match.group(3))
    if world.graph.nodes[pg_id].get("Strategy") != "cluster":
        raise InvalidParameterValue(
            "Capacity Reservations can be created only in cluster placement groups.")
    return arn


# -- reads ------------------------------------------------------------------------------------
def state_of(world: World, cr_id: str) -> str:
    """The state as of now: a scheduled start or a limited end that has passed moves it."""
    node = world.graph.nodes[cr_id]
    current = node["State"]
    moment = now()
    if current in LIVE and node.get("EndDate") is not None and node["EndDate"] <= moment:
        return "expired"
    if current == "scheduled" and node["StartDate"] <= moment:
        return "active"
    return str(current)


def instances(world: World, cr_id: str) -> list[str]:
    """The live instances running in the reservation."""
    return [i for i, _, _ in world.into(cr_id, schema.ASSOCIATED, "instance")
            if world.graph.nodes[i]["State"]["Name"] in RUNNING]


def available(world: World, cr_id: str) -> int:
    """Unused capacity: none unless active (a scheduled one keeps all of its own); never
    below zero (a count lowered under the instances running in it)."""
    state, total = state_of(world, cr_id), int(world.graph.nodes[cr_id]["TotalInstanceCount"])
    if state != "active":
        return total if state == "scheduled" else 0
    return max(0, total - len(instances(world, cr_id)))


def arn(world: World, cr_id: str) -> str:
    node = world.graph.nodes[cr_id]
    return f"arn:aws:ec2:{node['region']}:{node['account']}:capacity-reservation/{cr_id}"


def fleet_of(world: World, cr_id: str) -> str | None:
    found = world.into(cr_id, schema.CONTAINS, "capacity-reservation-fleet")
    return found[0][0] if found else None


_OPTIONAL = ("OutpostArn", "PlacementGroupArn", "CapacityBlockId",
             "UnusedReservationBillingOwnerId", "Interruptible", "InterruptibleCapacityAllocation",
             "InterruptionInfo", "OriginalStartDate")


def view(world: World, cr_id: str) -> dict[str, Any]:
    """The reservation as boto3's `CapacityReservation`."""
    node = world.graph.nodes[cr_id]
    out: dict[str, Any] = {
        "CapacityReservationId": cr_id, "OwnerId": node["account"],
        "CapacityReservationArn": arn(world, cr_id),
        "AvailabilityZoneId": node["AvailabilityZoneId"], "InstanceType": node["InstanceType"],
        "InstancePlatform": node["InstancePlatform"],
        "AvailabilityZone": node["AvailabilityZone"], "Tenancy": node["Tenancy"],
        "TotalInstanceCount": node["TotalInstanceCount"],
        "AvailableInstanceCount": available(world, cr_id),
        "EbsOptimized": node["EbsOptimized"], "EphemeralStorage": node["EphemeralStorage"],
        "State": state_of(world, cr_id), "StartDate": node["StartDate"],
        "EndDate": node.get("EndDate"), "EndDateType": node["EndDateType"],
        "InstanceMatchCriteria": node["InstanceMatchCriteria"],
        "CreateDate": node["CreateDate"], "Tags": tagging.listed(node["tags"]),
        "CapacityReservationFleetId": fleet_of(world, cr_id),
        "CapacityAllocations": [{"AllocationType": "used",
                                 "Count": len(instances(world, cr_id))}],
        "ReservationType": node["ReservationType"],
        "DeliveryPreference": node.get("DeliveryPreference"),
    }
    if node.get("CommitmentDuration"):
        out["CommitmentInfo"] = {"CommittedInstanceCount": node["TotalInstanceCount"],
                                 "CommitmentEndDate": node["StartDate"] + dt.timedelta(
                                     seconds=node["CommitmentDuration"])}
    for name in _OPTIONAL:
        if node.get(name) is not None:
            out[name] = node[name]
    return {k: v for k, v in out.items() if v is not None}


def _time(name: str) -> Filter:
    return Filter(lambda w, rid, n: stamp(n[name]) if n.get(name) else None)


FILTERS: dict[str, Filter] = {
    "capacity-reservation-id": ident(),
    "instance-type": field("InstanceType"),
    "owner-id": owner(),
    "availability-zone-id": field("AvailabilityZoneId"),
    "instance-platform": field("InstancePlatform"),
    "availability-zone": field("AvailabilityZone"),
    "tenancy": field("Tenancy"),
    "outpost-arn": field("OutpostArn"),
    "state": Filter(lambda w, rid, n: state_of(w, rid)),
    "start-date": _time("StartDate"),
    "end-date": _time("EndDate"),
    "end-date-type": field("EndDateType"),
    "instance-match-criteria": field("InstanceMatchCriteria"),
    "placement-group-arn": field("PlacementGroupArn"),
    "reservation-type": field("ReservationType"),
    "capacity-reservation-fleet-id": Filter(lambda w, rid, n: fleet_of(w, rid)),
}


def created_view(world: World, cr_id: str) -> dict[str, Any]:
    """What CreateCapacityReservation answers: a future-dated reservation is `assessing`
    (AWS checks it can deliver) before a describe shows it `scheduled`."""
    out = view(world, cr_id)
    if out["State"] == "scheduled" and out["ReservationType"] == "default":
        out["State"] = "assessing"
    return out


FAMILY = declare(Family(KIND, view=view, filters=FILTERS, create=create, shared=True,
                        created_view=created_view, max_results=(1, 1000)))
