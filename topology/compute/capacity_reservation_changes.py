"""Changing capacity reservations: ModifyCapacityReservation, CancelCapacityReservation,
CreateCapacityReservationBySplitting, MoveCapacityReservationInstances, and the reads
GetCapacityReservationUsage and GetGroupsForCapacityReservation.

AWS's rules: a Capacity Block cannot be modified or cancelled; only an `active` reservation
changes its count, end or matching criteria (a `scheduled` one only its start date, with a
date-change quote); within a commitment the count cannot go down and the end cannot come
before the commitment ends; a reservation in its commitment (or a `scheduled` one) is
cancelled only with a cancellation quote and `commitment-wind-down`; cancelling keeps its
instances running, unlinked. Splitting and moving take unused capacity of an `active`
reservation of the account; a move needs the same type, platform, zone, tenancy, placement
group and kind of end on both sides.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from ..core import paging, schema
from ..core import tags as tagging
from ..core.clock import now
from ..core.errors import (IncorrectState, InvalidParameterCombination, InvalidParameterValue,
                           MissingParameter, TopologyError)
from ..core.family import declare_actions
from ..core.world import Partition, World
from . import capacity_reservation_launch as launching
from . import capacity_reservations as crs
from .capacity_reservations import KIND, check_end, state_of

MAX_STEP = 1000          # a modify changes the count by at most this much
CANCELLABLE = ("active", "scheduled", "assessing", "delayed")


def _not_block(node: dict[str, Any], cr_id: str, verb: str) -> None:
    if node.get("ReservationType") == "capacity-block":
        raise TopologyError(f"You can't {verb} Capacity Block {cr_id}.", "UnsupportedOperation")


def _wrong_state(cr_id: str, state: str) -> IncorrectState:
    return IncorrectState(f"The Capacity Reservation {cr_id} is in state '{state}' and cannot "
                          "be modified.", "IncorrectState")


def in_commitment(node: dict[str, Any]) -> bool:
    duration = node.get("CommitmentDuration")
    return bool(duration) and node["StartDate"] + dt.timedelta(seconds=duration) > now()


# -- modify -----------------------------------------------------------------------------------
def modify(world: World, part: Partition, capacity_reservation_id: str,
           instance_count: int | None = None, end_date: dt.datetime | None = None,
           end_date_type: str | None = None, accept: bool | None = None,
           additional_info: str | None = None, instance_match_criteria: str | None = None,
           start_date: dt.datetime | None = None, quote_id: str | None = None
           ) -> dict[str, Any]:
    """Change the count, the end, the matching criteria, or (scheduled, with a quote) the
    start of a reservation."""
    cr_id = capacity_reservation_id
    node = world.get(part, KIND, cr_id)
    _not_block(node, cr_id, "modify")
    asked = (instance_count, end_date, end_date_type, accept, additional_info,
             instance_match_criteria, start_date)
    if all(v is None for v in asked):
        raise MissingParameter("The request must contain at least one of InstanceCount, "
                               "EndDate, EndDateType, InstanceMatchCriteria or StartDate")
    state = state_of(world, cr_id)
    if start_date is not None:
        return _move_start(world, part, cr_id, node, state, start_date, quote_id)
    if state != "active":
        raise _wrong_state(cr_id, state)
    changes: dict[str, Any] = {}
    if instance_count is not None:
        changes["TotalInstanceCount"] = _new_count(node, cr_id, instance_count)
    if end_date is not None or end_date_type is not None:
        end_type, end = check_end(end_date_type, end_date)
        if end is not None and in_commitment(node) and \
                end < node["StartDate"] + dt.timedelta(seconds=node["CommitmentDuration"]):
            raise InvalidParameterValue("The end date can't be within the commitment duration.")
        changes.update(EndDateType=end_type, EndDate=end)
    if instance_match_criteria is not None:
        changes["InstanceMatchCriteria"] = instance_match_criteria
    if changes:
        world.update(cr_id, **changes)
    return {}


def _new_count(node: dict[str, Any], cr_id: str, count: int) -> int:
    current = int(node["TotalInstanceCount"])
    if count < 1 or count > crs.MAX_COUNT:
        raise InvalidParameterValue(f"Value ({count}) for parameter instanceCount is invalid. "
                                    f"Valid range: 1 - {crs.MAX_COUNT}.")
    if abs(count - current) > MAX_STEP:
        raise InvalidParameterValue(f"The instance count can't be increased or decreased by "
                                    f"more than {MAX_STEP} in a single request.")
    if count < current and in_commitment(node):
        raise InvalidParameterValue(f"You can't decrease the instance count of Capacity "
                                    f"Reservation {cr_id} within its commitment duration.")
    return count


def _move_start(world: World, part: Partition, cr_id: str, node: dict[str, Any], state: str,
                start: dt.datetime, quote_id: str | None) -> dict[str, Any]:
    """A scheduled reservation's new start date, as a date-change quote of it priced."""
    if state != "scheduled":
        raise _wrong_state(cr_id, state)
    if quote_id is None:
        raise MissingParameter("The request must contain the parameter QuoteId")
    quote = next((q for q in node.get("quotes", ()) if q["CapacityReservationModificationQuoteId"]
                  == quote_id), None)
    if quote is None or quote["ExpirationTime"] <= now():
        raise InvalidParameterValue(f"The quote '{quote_id}' is not valid for Capacity "
                                    f"Reservation {cr_id}.")
    # the quote answered its date to the millisecond
    quoted = quote["ModificationTerms"]["ReservationUpdate"]["NewStartDate"]
    if abs(quoted - start) >= dt.timedelta(milliseconds=1):
        raise InvalidParameterValue("The start date does not match the quote's.")
    world.update(cr_id, StartDate=quoted,
                 OriginalStartDate=node.get("OriginalStartDate") or node["StartDate"])
    return {"AdjustmentStatus": "applied", "AdjustmentDetails": {"StartDate": quoted}}


# -- cancel -----------------------------------------------------------------------------------
def cancel(world: World, part: Partition, capacity_reservation_id: str,
           apply_cancellation_charges: str | None = None, quote_id: str | None = None) -> None:
    """Cancel: the capacity goes, the instances in it keep running, unlinked."""
    cr_id = capacity_reservation_id
    node = world.get(part, KIND, cr_id)
    _not_block(node, cr_id, "cancel")
    state = state_of(world, cr_id)
    if state not in CANCELLABLE:
        raise IncorrectState(f"The Capacity Reservation {cr_id} is in state '{state}' and "
                             "cannot be cancelled.", "IncorrectState")
    if state == "scheduled" or (state == "active" and in_commitment(node)):
        if quote_id is None or apply_cancellation_charges is None:
            raise MissingParameter(
                f"Capacity Reservation {cr_id} is within its commitment duration: cancelling "
                "it needs a cancellation quote (QuoteId) and ApplyCancellationCharges "
                "commitment-wind-down.")
        if not any(q["CapacityReservationCancellationQuoteId"] == quote_id
                   for q in node.get("cancel_quotes", ())):
            raise InvalidParameterValue(f"The quote '{quote_id}' is not valid for Capacity "
                                        f"Reservation {cr_id}.")
    release(world, cr_id, "cancelled")


def release(world: World, cr_id: str, state: str) -> None:
    """End a reservation (cancelled, expired...): its instances lose the link."""
    for instance_id, _, _ in world.into(cr_id, schema.ASSOCIATED, "instance"):
        world.unlink(instance_id, cr_id, schema.ASSOCIATED)
    world.update(cr_id, State=state, EndDate=world.graph.nodes[cr_id].get("EndDate") or now())


# -- split and move ---------------------------------------------------------------------------
def _active_own(world: World, part: Partition, cr_id: str) -> dict[str, Any]:
    node = world.get(part, KIND, cr_id)
    _not_block(node, cr_id, "split or move")
    state = state_of(world, cr_id)
    if state != "active":
        raise _wrong_state(cr_id, state)
    return node


def _check_unused(world: World, cr_id: str, count: int) -> None:
    if count < 1:
        raise InvalidParameterValue(f"Value ({count}) for parameter instanceCount is invalid. "
                                    "Expected a positive integer.")
    free = crs.available(world, cr_id)
    if count > free:
        raise InvalidParameterValue(
            f"The instance count ({count}) exceeds the available capacity ({free}) of "
            f"Capacity Reservation {cr_id}.")


def split(world: World, part: Partition, source_capacity_reservation_id: str,
          instance_count: int, tags: dict[str, str] | None = None) -> dict[str, Any]:
    """A new reservation with `instance_count` of the source's unused capacity and all of its
    attributes but its tags."""
    source = source_capacity_reservation_id
    node = _active_own(world, part, source)
    _check_unused(world, source, instance_count)
    if instance_count >= node["TotalInstanceCount"]:
        raise InvalidParameterValue("You can't split all of the capacity of Capacity "
                                    f"Reservation {source}.")
    copied = {k: v for k, v in node.items() if k[0].isupper() and k not in ("TotalInstanceCount",)}
    new_id = world.new_id("cr")
    world.add(part, KIND, new_id, **{**copied, "TotalInstanceCount": instance_count,
                                     "CreateDate": now()})
    tagging.apply(world, new_id, tags or {})
    world.update(source, TotalInstanceCount=node["TotalInstanceCount"] - instance_count)
    return {"SourceCapacityReservation": crs.view(world, source),
            "DestinationCapacityReservation": crs.view(world, new_id)}


_SAME = ("InstanceType", "InstancePlatform", "AvailabilityZone", "Tenancy",
         "PlacementGroupArn", "EndDateType")


def move(world: World, part: Partition, source_capacity_reservation_id: str,
         destination_capacity_reservation_id: str, instance_count: int) -> dict[str, Any]:
    """Move unused capacity between two alike active reservations of the account."""
    source, destination = source_capacity_reservation_id, destination_capacity_reservation_id
    src = _active_own(world, part, source)
    dst = _active_own(world, part, destination)
    if source == destination:
        raise InvalidParameterCombination("The source and destination Capacity Reservations "
                                          "must be different.")
    differ = [k for k in _SAME if src.get(k) != dst.get(k)]
    if differ:
        raise InvalidParameterCombination(
            f"The source and destination Capacity Reservations must have the same {differ[0]}.")
    _check_unused(world, source, instance_count)
    left = src["TotalInstanceCount"] - instance_count
    world.update(destination, TotalInstanceCount=dst["TotalInstanceCount"] + instance_count)
    if left == 0:
        release(world, source, "cancelled")
    world.update(source, TotalInstanceCount=left)
    return {"SourceCapacityReservation": crs.view(world, source),
            "DestinationCapacityReservation": crs.view(world, destination)}


# -- usage and groups -------------------------------------------------------------------------
def usage(world: World, part: Partition, capacity_reservation_id: str,
          max_results: int | None = None, next_token: str | None = None) -> dict[str, Any]:
    """Instances using the reservation, per account (the owner's and those it shares with)."""
    cr_id = capacity_reservation_id
    node = world.get(part, KIND, cr_id)
    if max_results is not None and not 1 <= max_results <= 1000:
        raise InvalidParameterValue(f"Value ( {max_results} ) for parameter maxResults is "
                                    "invalid. Expecting a value between 1 and 1000.")
    per: dict[str, int] = {}
    for instance_id in crs.instances(world, cr_id):
        account = world.graph.nodes[instance_id]["account"]
        per[account] = per.get(account, 0) + 1
    rows = [{"AccountId": a, "UsedInstanceCount": n} for a, n in sorted(per.items())]
    page, token = paging.rows(rows, f"usage:{cr_id}", max_results, next_token)
    out = {"CapacityReservationId": cr_id, "InstanceType": node["InstanceType"],
           "TotalInstanceCount": node["TotalInstanceCount"],
           "AvailableInstanceCount": crs.available(world, cr_id),
           "State": state_of(world, cr_id), "InstanceUsages": page, "NextToken": token}
    for name in ("Interruptible", "InterruptibleCapacityAllocation", "InterruptionInfo"):
        out[name] = node.get(name)
    return out


def groups(world: World, part: Partition, capacity_reservation_id: str,
           max_results: int | None = None, next_token: str | None = None) -> dict[str, Any]:
    """The resource groups holding the reservation. Groups belong to AWS Resource Groups,
    which no EC2 call fills: the reservation's `groups` field (ARN -> owner), empty here."""
    node = world.get(part, KIND, capacity_reservation_id)
    if max_results is not None and not 1 <= max_results <= 1000:
        raise InvalidParameterValue(f"Value ( {max_results} ) for parameter maxResults is "
                                    "invalid. Expecting a value between 1 and 1000.")
    rows = [{"GroupArn": arn, "OwnerId": owner}
            for arn, owner in sorted((node.get("groups") or {}).items())]
    page, token = paging.rows(rows, f"groups:{capacity_reservation_id}", max_results, next_token)
    return {"CapacityReservationGroups": page, "NextToken": token}


declare_actions(KIND, {
    "ModifyCapacityReservation": modify,
    "CancelCapacityReservation": cancel,
    "CreateCapacityReservationBySplitting": split,
    "MoveCapacityReservationInstances": move,
    "GetCapacityReservationUsage": usage,
    "GetGroupsForCapacityReservation": groups,
})
declare_actions("instance", {"ModifyInstanceCapacityReservationAttributes": launching.retarget})
