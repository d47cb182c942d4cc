"""Quotes for future-dated capacity reservations, interruptible allocations, and the
reservations' topology.

* A cancellation quote (CreateCapacityReservationCancellationQuote) prices cancelling a
  `scheduled` reservation or an `active` one within its commitment; CancelCapacityReservation
  then takes its id with `commitment-wind-down`. A date-change quote
  (CreateCapacityReservationDateChangeQuote) prices a later start for a `scheduled` one, at
  most 30 days past its original start; ModifyCapacityReservation takes its id and date.
  Quotes are valid for 24 hours (a date-change quote ends an hour before the start at the
  latest) and are kept on the reservation (`cancel_quotes`, `quotes`).
* An interruptible allocation (CreateInterruptibleCapacityReservationAllocation) lends unused
  instances of an `active` reservation to a new interruptible reservation of the account
  (`Interruptible`, `InterruptionInfo`); the source shows the allocation
  (`InterruptibleCapacityAllocation`) and its total shrinks by what it lends. Updating the
  target moves instances back (reclaiming: instances past the new size lose the link).
* DescribeCapacityReservationTopology: `pending`/`active` reservations of the instance types
  AWS's topology supports, with three network nodes (four for P6) derived as
  DescribeInstanceTopology derives an instance's, from the account, zone and reservation.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import math
from typing import Any

from ..core import filters as filtering
from ..core import paging, schema
from ..core import tags as tagging
from ..core.clock import now
from ..core.errors import (IncorrectState, InvalidParameterValue, NotFound, TopologyError)
from ..core.family import declare_actions
from ..core.filters import Filter, FilterTable, field
from ..core.world import Partition, World
from . import capacity_reservations as crs
from .capacity_reservation_changes import in_commitment, release
from .capacity_reservations import KIND, state_of
from .instance_topology import SUPPORTED

VALID_FOR = dt.timedelta(hours=24)
MAX_PUSHOUT = dt.timedelta(days=30)
HOUR = dt.timedelta(hours=1)


def _check_max(max_results: int | None) -> None:
    if max_results is not None and not 1 <= max_results <= 1000:
        raise InvalidParameterValue(f"Value ( {max_results} ) for parameter maxResults is "
                                    "invalid. Expecting a value between 1 and 1000.")


# -- cancellation quotes -----------------------------------------------------------------------
def create_cancellation_quote(world: World, part: Partition, capacity_reservation_id: str,
                              tags: dict[str, str] | None = None
                              ) -> dict[str, Any]:
    cr_id = capacity_reservation_id
    node = world.get(part, KIND, cr_id)
    state = state_of(world, cr_id)
    if not (state == "scheduled" or (state == "active" and in_commitment(node))):
        raise IncorrectState(f"Capacity Reservation {cr_id} is not a future-dated Capacity "
                             "Reservation within its commitment duration.", "IncorrectState")
    created = now()
    commitment_end = node["StartDate"] + dt.timedelta(seconds=node["CommitmentDuration"])
    hours = math.ceil((commitment_end - max(created, node["StartDate"])) / HOUR)
    quote = {
        "CapacityReservationCancellationQuoteId": world.new_id("crcq"),
        "CapacityReservationId": cr_id, "CreateTime": created,
        "ExpirationTime": created + VALID_FOR, "QuoteState": "active",
        "CurrentConfiguration": {"InstanceCount": node["TotalInstanceCount"],
                                 "ReservationState": state},
        "CancellationTerms": [{"CancellationType": "commitment-wind-down",
                               "ReservationState": "cancelling",
                               "CommittedInstanceCount": node["TotalInstanceCount"],
                               "ChargeCommitmentDurationHours": hours,
                               "ChargeEndDate": commitment_end}],
        "Tags": tagging.listed(tags or {}),
    }
    world.update(cr_id, cancel_quotes=[*(node.get("cancel_quotes") or []), quote])
    return _live(quote)


def _live(quote: dict[str, Any]) -> dict[str, Any]:
    """A quote as of now (expired after its expiration time)."""
    if quote["ExpirationTime"] <= now():
        return {**quote, "QuoteState": "expired"}
    return dict(quote)


QUOTE_FILTERS: FilterTable = {
    "capacity-reservation-id": field("CapacityReservationId"),
    "quote-state": field("QuoteState"),
}


def _quotes(world: World, part: Partition, store: str, id_member: str, ids: list[str] | None,
            filters: list[dict[str, Any]] | None, max_results: int | None,
            next_token: str | None) -> tuple[list[dict[str, Any]], str | None]:
    _check_max(max_results)
    rows = [_live(q) for cr_id in part.ids(KIND)
            for q in world.graph.nodes[cr_id].get(store) or []]
    if ids:
        known = {q[id_member] for q in rows}
        missing = [i for i in ids if i not in known]
        if missing:
            raise NotFound(f"The quote ID '{missing[0]}' does not exist",
                           "InvalidQuoteId.NotFound")
        rows = [q for q in rows if q[id_member] in ids]
    rows = [{**q, "tags": {t["Key"]: t["Value"] for t in q["Tags"]}} for q in rows]
    chosen = filtering.select_rows(QUOTE_FILTERS, filters, rows)
    page, token = paging.rows(chosen, f"quotes:{store}", max_results, next_token)
    return [{k: v for k, v in q.items() if k != "tags"} for q in page], token


def describe_cancellation_quotes(
        world: World, part: Partition,
        capacity_reservation_cancellation_quote_ids: list[str] | None = None,
        filters: list[dict[str, Any]] | None = None, max_results: int | None = None,
        next_token: str | None = None) -> dict[str, Any]:
    page, token = _quotes(world, part, "cancel_quotes", "CapacityReservationCancellationQuoteId",
                          capacity_reservation_cancellation_quote_ids, filters, max_results,
                          next_token)
    return {"CapacityReservationCancellationQuotes": page, "NextToken": token}


# -- date-change quotes ------------------------------------------------------------------------
def create_date_change_quote(world: World, part: Partition, capacity_reservation_id: str,
                             new_start_date: dt.datetime,
                             tags: dict[str, str] | None = None
                             ) -> dict[str, Any]:
    cr_id = capacity_reservation_id
    node = world.get(part, KIND, cr_id)
    state = state_of(world, cr_id)
    if state != "scheduled":
        raise IncorrectState(f"Capacity Reservation {cr_id} is not a future-dated Capacity "
                             "Reservation that has yet to be delivered.", "IncorrectState")
    original = node.get("OriginalStartDate") or node["StartDate"]
    if new_start_date <= node["StartDate"] or new_start_date > original + MAX_PUSHOUT:
        raise InvalidParameterValue(
            "The new start date must be later than the current start date and at most 30 "
            "days after the original start date.")
    created = now()
    duration = int(node.get("CommitmentDuration") or 0)
    quote = {
        "CapacityReservationModificationQuoteId": world.new_id("crmq"),
        "CapacityReservationId": cr_id, "CreateTime": created,
        "ExpirationTime": min(created + VALID_FOR, node["StartDate"] - HOUR),
        "QuoteState": "active",
        "CurrentConfiguration": {"InstanceCount": node["TotalInstanceCount"],
                                 "ReservationState": state, "StartDate": node["StartDate"],
                                 "OriginalStartDate": original},
        "ModificationTerms": {"ReservationUpdate": {
            "NewStartDate": new_start_date,
            "NewCommitmentEndDate": new_start_date + dt.timedelta(seconds=duration),
            "NewCommitmentDuration": duration}},
        "Tags": tagging.listed(tags or {}),
    }
    world.update(cr_id, quotes=[*(node.get("quotes") or []), quote])
    return _live(quote)


def describe_date_change_quotes(
        world: World, part: Partition,
        capacity_reservation_modification_quote_ids: list[str] | None = None,
        filters: list[dict[str, Any]] | None = None, max_results: int | None = None,
        next_token: str | None = None) -> dict[str, Any]:
    page, token = _quotes(world, part, "quotes", "CapacityReservationModificationQuoteId",
                          capacity_reservation_modification_quote_ids, filters, max_results,
                          next_token)
    return {"CapacityReservationModificationQuotes": page, "NextToken": token}


# -- interruptible allocations -----------------------------------------------------------------
def create_interruptible(world: World, part: Partition, capacity_reservation_id: str,
                         instance_count: int, zero_size_preference: str | None = None,
                         tags: dict[str, str] | None = None
                         ) -> dict[str, Any]:
    source = capacity_reservation_id
    node = world.get(part, KIND, source)
    if state_of(world, source) != "active" or node.get("Interruptible"):
        raise IncorrectState(f"Capacity Reservation {source} must be an active, "
                             "non-interruptible Capacity Reservation.", "IncorrectState")
    if node.get("InterruptibleCapacityAllocation"):
        raise TopologyError(f"Capacity Reservation {source} already has an interruptible "
                            "allocation.", "IncorrectState")
    _check_lend(world, source, instance_count)
    allocation = {"InstanceCount": instance_count, "TargetInstanceCount": instance_count,
                  "InterruptionType": "adhoc",
                  "ZeroSizePreference": zero_size_preference or "default"}
    lent = crs.create(world, part, node["InstanceType"], node["InstancePlatform"],
                      instance_count, availability_zone=node["AvailabilityZone"],
                      tenancy=node["Tenancy"], ebs_optimized=node["EbsOptimized"],
                      instance_match_criteria=node["InstanceMatchCriteria"], tags=tags,
                      fields={"Interruptible": True, "InterruptionInfo": {
                          "SourceCapacityReservationId": source, "InterruptionType": "adhoc"}})
    world.update(source, TotalInstanceCount=node["TotalInstanceCount"] - instance_count,
                 InterruptibleCapacityAllocation={**allocation, "Status": "active",
                                                  "InterruptibleCapacityReservationId": lent})
    return {"SourceCapacityReservationId": source, "TargetInstanceCount": instance_count,
            "Status": "pending", "InterruptionType": "adhoc"}


def _check_lend(world: World, source: str, count: int) -> None:
    free = crs.available(world, source)
    if count < 1 or count > free:
        raise InvalidParameterValue(f"The instance count ({count}) must be between 1 and the "
                                    f"available capacity ({free}) of Capacity Reservation "
                                    f"{source}.")


def update_interruptible(world: World, part: Partition, capacity_reservation_id: str,
                         target_instance_count: int | None = None,
                         zero_size_preference: str | None = None) -> dict[str, Any]:
    """Lend more of the source, or take some back (the interruptible reservation shrinks;
    at zero it is cancelled unless its preference is `retain`)."""
    source = capacity_reservation_id
    node = world.get(part, KIND, source)
    allocation = dict(node.get("InterruptibleCapacityAllocation") or {})
    if not allocation or allocation.get("Status") != "active":
        raise IncorrectState(f"Capacity Reservation {source} has no active interruptible "
                             "allocation.", "IncorrectState")
    lent = allocation["InterruptibleCapacityReservationId"]
    current = int(world.graph.nodes[lent]["TotalInstanceCount"])
    target = current if target_instance_count is None else target_instance_count
    if target < 0:
        raise InvalidParameterValue(f"Value ({target}) for parameter targetInstanceCount is "
                                    "invalid. Expected a non-negative integer.")
    if target > current:
        _check_lend(world, source, target - current)
    preference = zero_size_preference or allocation["ZeroSizePreference"]
    _resize_lent(world, lent, target, preference)
    world.update(source, TotalInstanceCount=node["TotalInstanceCount"] + current - target,
                 InterruptibleCapacityAllocation={**allocation, "InstanceCount": target,
                                                  "TargetInstanceCount": target,
                                                  "ZeroSizePreference": preference})
    return {"InterruptibleCapacityReservationId": lent, "SourceCapacityReservationId": source,
            "InstanceCount": current, "TargetInstanceCount": target, "Status": "updating",
            "InterruptionType": "adhoc"}


def _resize_lent(world: World, lent: str, target: int, preference: str) -> None:
    """The interruptible reservation at its new size; instances past it are interrupted
    (they lose the link)."""
    running = crs.instances(world, lent)
    for instance_id in running[target:]:
        world.unlink(instance_id, lent, schema.ASSOCIATED)
    if target == 0 and preference != "retain":
        release(world, lent, "cancelled")
    world.update(lent, TotalInstanceCount=target)


# -- topology ----------------------------------------------------------------------------------
def _node_id(account: str, zone_id: str, layer: int, key: str) -> str:
    digest = hashlib.sha256(f"{account}/{zone_id}/{layer}/{key}".encode()).hexdigest()
    return f"nn-{digest[:17]}"


def topology_view(world: World, cr_id: str) -> dict[str, Any]:
    node = world.graph.nodes[cr_id]
    layers = SUPPORTED[node["InstanceType"]]
    nodes = [_node_id(node["account"], node["AvailabilityZoneId"], layer,
                      node["AvailabilityZoneId"] if layer == 1 else cr_id)
             for layer in range(1, layers + 1)]
    out = {"CapacityReservationId": cr_id, "CapacityBlockId": node.get("CapacityBlockId"),
           "State": state_of(world, cr_id), "InstanceType": node["InstanceType"],
           "NetworkNodes": nodes, "AvailabilityZoneId": node["AvailabilityZoneId"],
           "AvailabilityZone": node["AvailabilityZone"]}
    pg_arn = node.get("PlacementGroupArn")
    if pg_arn:
        out["GroupName"] = pg_arn.rpartition("/")[2]
    return {k: v for k, v in out.items() if v is not None}


TOPOLOGY_FILTERS: FilterTable = {
    "availability-zone": Filter(lambda w, rid, n: n["AvailabilityZone"]),
    "instance-type": Filter(lambda w, rid, n: n["InstanceType"]),
}


def describe_topology(world: World, part: Partition,
                      capacity_reservation_ids: list[str] | None = None,
                      filters: list[dict[str, Any]] | None = None,
                      max_results: int | None = None, next_token: str | None = None
                      ) -> dict[str, Any]:
    if max_results is not None and not 1 <= max_results <= 10:
        raise InvalidParameterValue(f"Value ( {max_results} ) for parameter maxResults is "
                                    "invalid. Expecting a value between 1 and 10.")
    if capacity_reservation_ids and len(capacity_reservation_ids) > 100:
        raise InvalidParameterValue("You can specify up to 100 Capacity Reservation IDs.")
    for cr_id in capacity_reservation_ids or []:
        world.get(part, KIND, cr_id)
    wanted = capacity_reservation_ids or part.ids(KIND)
    chosen = set(filtering.select(world, part, KIND, TOPOLOGY_FILTERS, filters))
    ids = [c for c in wanted if c in chosen and world.graph.nodes[c]["InstanceType"] in SUPPORTED
           and state_of(world, c) in ("pending", "active")]
    page, token = paging.page(world, ids, max_results, next_token)
    return {"CapacityReservations": [topology_view(world, c) for c in page], "NextToken": token}


# the quotes' tags are of their own resource types, so their creates are declared for
# those (kinds with no family; their describes are the reservation family's, bound first)
declare_actions("capacity-reservation-cancellation-quote", {
    "CreateCapacityReservationCancellationQuote": create_cancellation_quote})
declare_actions("capacity-reservation-modification-quote", {
    "CreateCapacityReservationDateChangeQuote": create_date_change_quote})
declare_actions(KIND, {
    "DescribeCapacityReservationCancellationQuotes": describe_cancellation_quotes,
    "DescribeCapacityReservationDateChangeQuotes": describe_date_change_quotes,
    "CreateInterruptibleCapacityReservationAllocation": create_interruptible,
    "UpdateInterruptibleCapacityReservationAllocation": update_interruptible,
    "DescribeCapacityReservationTopology": describe_topology,
})
