"""Capacity Blocks for ML: purchases from the offerings catalogue, the blocks, their status
and their extensions.

PurchaseCapacityBlock makes a `capacity-block` node (`cb-`) that CONTAINS the capacity
reservation it buys (`capacity_reservations.create` with ReservationType `capacity-block`,
targeted matching, the block's dates). AWS answers the purchase `payment-pending`; later
reads show the reservation `scheduled` until its start, then `active`, then `expired`
(`capacity_reservations.state_of`), as Terraform's waiter expects. A block reads its
reservations' state and dates. An offering is bought once per account (a claim on its id);
an account holds at most 256 instances across its live blocks.

An extension (its offering starts where the block ends) moves the reservation's end date
and is kept on the block's node (`extensions`): the purchase answers `payment-pending`, the
history `payment-succeeded`.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from ..catalogue import capacity_blocks as catalogue
from ..core import clock, paging, schema
from ..core import filters as filtering
from ..core import tags as tagging
from ..core.errors import IncorrectState, InvalidParameterValue, LimitExceeded
from ..core.family import Family, declare
from ..core.filters import Filter, field, ident
from ..core.world import Partition, World
from . import capacity_reservations as crs

KIND = "capacity-block"
MAX_INSTANCES = 256          # per account across Capacity Blocks (AWS's documented quota)
OFFERING_CLAIM = "capacity-block-offering"
TAG_TYPES = ("capacity-reservation", "capacity-block")


# -- offerings --------------------------------------------------------------------------------
def describe_offerings(world: World, part: Partition, capacity_duration_hours: int,
                       instance_type: str | None = None, instance_count: int | None = None,
                       start_date_range: dt.datetime | None = None,
                       end_date_range: dt.datetime | None = None,
                       instance_type_preferences: list[dict[str, Any]] | None = None,
                       ultraserver_type: str | None = None,
                       max_results: int | None = None, next_token: str | None = None
                       ) -> dict[str, Any]:
    """DescribeCapacityBlockOfferings: the recommended offering of each type asked for."""
    if ultraserver_type:
        raise InvalidParameterValue(
            f"The UltraServer type '{ultraserver_type}' is not supported.")
    types = catalogue.requested_types(part.region, instance_type, instance_type_preferences)
    count = catalogue.check_count(instance_count)
    catalogue.check_duration(capacity_duration_hours)
    now = clock.now()
    earliest, latest = catalogue.window(now, start_date_range, end_date_range)
    rows = catalogue.recommended([  # what the account bought is no longer offered to it
        row for row in catalogue.offerings(part.region, types, count, capacity_duration_hours,
                                           earliest, latest, now)
        if not world.claimed(part, OFFERING_CLAIM, row["CapacityBlockOfferingId"])])
    page, token = paging.rows(rows, "capacity-block-offerings", max_results, next_token)
    return {"CapacityBlockOfferings": page, "NextToken": token}


# -- purchase ---------------------------------------------------------------------------------
def _offering(world: World, part: Partition, offering_id: str) -> dict[str, Any]:
    row = catalogue.decode(part.region, offering_id)
    if row is None:
        raise InvalidParameterValue(
            f"The Capacity Block offering ID '{offering_id}' is not valid.")
    if row["StartDate"] < clock.now():
        raise InvalidParameterValue(
            f"The Capacity Block offering '{offering_id}' has expired. Describe the "
            "offerings again.")
    if world.claimed(part, OFFERING_CLAIM, offering_id):
        raise InvalidParameterValue(
            f"The Capacity Block offering '{offering_id}' is no longer available.")
    held = sum(world.graph.nodes[cr]["TotalInstanceCount"] for cb in part.ids(KIND)
               for cr in reservations(world, cb) if crs.state_of(world, cr) in crs.LIVE)
    if held + row["InstanceCount"] > MAX_INSTANCES:
        raise LimitExceeded(
            f"You can have up to {MAX_INSTANCES} instances across Capacity Blocks.",
            "CapacityBlockLimitExceeded")
    return row


def purchase(world: World, part: Partition, capacity_block_offering_id: str,
             instance_platform: str,
             tag_specifications: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """PurchaseCapacityBlock: the block and its reservation, answered `payment-pending`."""
    tags = tagging.by_type(tag_specifications, TAG_TYPES, fallback=KIND)
    row = _offering(world, part, capacity_block_offering_id)
    cb_id = world.new_id("cb")
    cr_id = crs.create(world, part, row["InstanceType"], instance_platform,
                       row["InstanceCount"], availability_zone=row["AvailabilityZone"],
                       ebs_optimized=True, start_date=row["StartDate"],
                       end_date=row["EndDate"], end_date_type="limited",
                       instance_match_criteria="targeted", reservation_type=KIND,
                       fields={"CapacityBlockId": cb_id},
                       tags=tags.get("capacity-reservation"))
    node = world.graph.nodes[cr_id]
    world.add(part, KIND, cb_id, AvailabilityZone=node["AvailabilityZone"],
              AvailabilityZoneId=node["AvailabilityZoneId"], CreateDate=node["CreateDate"],
              UltraserverType=None, offering=capacity_block_offering_id, extensions=[])
    world.link(cb_id, cr_id, schema.CONTAINS)
    world.claim(part, OFFERING_CLAIM, capacity_block_offering_id, cb_id)
    tagging.apply(world, cb_id, tags.get(KIND) or {})
    reservation = {**crs.view(world, cr_id), "State": "payment-pending"}
    return {"CapacityReservation": reservation,
            "CapacityBlocks": [{**view(world, cb_id), "State": "payment-pending"}],
            "CapacityReservations": [reservation]}


# -- blocks -----------------------------------------------------------------------------------
def reservations(world: World, cb_id: str) -> list[str]:
    return [cr for cr, _, _ in world.out(cb_id, schema.CONTAINS, crs.KIND)]


def state_of(world: World, cb_id: str) -> str:
    """The block's state: its reservations' (the first that is live, else the first)."""
    states = [crs.state_of(world, cr) for cr in reservations(world, cb_id)]
    return next((s for s in states if s in crs.LIVE), states[0] if states else "unavailable")


def _dates(world: World, cb_id: str) -> tuple[dt.datetime, dt.datetime]:
    nodes = [world.graph.nodes[cr] for cr in reservations(world, cb_id)]
    return min(n["StartDate"] for n in nodes), max(n["EndDate"] for n in nodes)


def view(world: World, cb_id: str) -> dict[str, Any]:
    node = world.graph.nodes[cb_id]
    start, end = _dates(world, cb_id)
    return {"CapacityBlockId": cb_id, "UltraserverType": node.get("UltraserverType"),
            "AvailabilityZone": node["AvailabilityZone"],
            "AvailabilityZoneId": node["AvailabilityZoneId"],
            "CapacityReservationIds": reservations(world, cb_id), "StartDate": start,
            "EndDate": end, "CreateDate": node["CreateDate"], "State": state_of(world, cb_id),
            "Tags": tagging.listed(node["tags"])}


def _date(which: int) -> Filter:
    return Filter(lambda w, rid, n: _dates(w, rid)[which].isoformat())


FILTERS: dict[str, Filter] = {
    "capacity-block-id": ident(),
    "ultraserver-type": Filter(lambda w, rid, n: "ultraservers" if n.get("UltraserverType")
                               else "instances"),
    "availability-zone": field("AvailabilityZone"),
    "start-date": _date(0), "end-date": _date(1),
    "create-date": Filter(lambda w, rid, n: n["CreateDate"].isoformat()),
    "state": Filter(lambda w, rid, n: state_of(w, rid)),
}


# -- status -----------------------------------------------------------------------------------
def _status(world: World, cb_id: str) -> dict[str, Any]:
    rows = []
    for cr in reservations(world, cb_id):
        total = int(world.graph.nodes[cr]["TotalInstanceCount"])
        rows.append({"CapacityReservationId": cr, "TotalCapacity": total,
                     "TotalAvailableCapacity": crs.available(world, cr),
                     "TotalUnavailableCapacity": 0})
    return {"CapacityBlockId": cb_id, "InterconnectStatus": "ok",
            "TotalCapacity": sum(r["TotalCapacity"] for r in rows),
            "TotalAvailableCapacity": sum(r["TotalAvailableCapacity"] for r in rows),
            "TotalUnavailableCapacity": 0, "CapacityReservationStatuses": rows}


STATUS_FILTERS = {"interconnect-status": Filter(lambda w, rid, row: row["InterconnectStatus"])}


def describe_status(world: World, part: Partition, capacity_block_ids: list[str] | None = None,
                    filters: list[dict[str, Any]] | None = None,
                    max_results: int | None = None, next_token: str | None = None
                    ) -> dict[str, Any]:
    """DescribeCapacityBlockStatus: the capacity of active blocks (a named block must be
    active: AWS has no status for a block that has not started or has ended)."""
    if capacity_block_ids:
        ids = list(dict.fromkeys(capacity_block_ids))
        for cb_id in ids:
            world.get(part, KIND, cb_id)
            if state_of(world, cb_id) != "active":
                raise IncorrectState(f"The Capacity Block '{cb_id}' is in state "
                                     f"'{state_of(world, cb_id)}'; its status is available "
                                     "while it is active.", "IncorrectState")
    else:
        ids = [cb for cb in part.ids(KIND) if state_of(world, cb) == "active"]
    rows = filtering.select_rows(STATUS_FILTERS, filters, [_status(world, cb) for cb in ids],
                                 taggable=False)
    page, token = paging.rows(rows, "capacity-block-status", max_results, next_token)
    return {"CapacityBlockStatuses": page, "NextToken": token}


# -- extensions -------------------------------------------------------------------------------
def _block_reservation(world: World, part: Partition, cr_id: str) -> dict[str, Any]:
    node = world.get(part, crs.KIND, cr_id)
    if node.get("ReservationType") != KIND:
        raise InvalidParameterValue(f"The Capacity Reservation '{cr_id}' is not a Capacity "
                                    "Block; only Capacity Blocks can be extended.")
    current = crs.state_of(world, cr_id)
    if current not in crs.LIVE:
        raise IncorrectState(f"The Capacity Block reservation '{cr_id}' is in state "
                             f"'{current}' and cannot be extended.", "IncorrectState")
    return node


def _extension_row(world: World, part: Partition, cr_id: str, hours: int) -> dict[str, Any]:
    node = world.graph.nodes[cr_id]
    start, end = node["EndDate"], node["EndDate"] + dt.timedelta(hours=hours)
    return {"CapacityBlockExtensionOfferingId": catalogue.encode_extension(cr_id, start, hours),
            "InstanceType": node["InstanceType"], "InstanceCount": node["TotalInstanceCount"],
            "AvailabilityZone": node["AvailabilityZone"],
            "AvailabilityZoneId": node["AvailabilityZoneId"], "StartDate": node["StartDate"],
            "CapacityBlockExtensionStartDate": start, "CapacityBlockExtensionEndDate": end,
            "CapacityBlockExtensionDurationHours": hours,
            "UpfrontFee": catalogue.fee(part.region, node["InstanceType"],
                                        node["AvailabilityZone"], start, end,
                                        node["TotalInstanceCount"]),
            "CurrencyCode": catalogue.CURRENCY, "Tenancy": node["Tenancy"],
            "ZoneType": "availability-zone"}


def _check_extension(node: dict[str, Any], hours: int) -> None:
    catalogue.check_duration(hours, "CapacityBlockExtensionDurationHours")
    total = node["EndDate"] + dt.timedelta(hours=hours) - node["StartDate"]
    if total > dt.timedelta(days=catalogue.MAX_DAYS):
        raise InvalidParameterValue(f"A Capacity Block can last at most {catalogue.MAX_DAYS} "
                                    "days, extensions included.")


def describe_extension_offerings(world: World, part: Partition,
                                 capacity_block_extension_duration_hours: int,
                                 capacity_reservation_id: str,
                                 max_results: int | None = None,
                                 next_token: str | None = None) -> dict[str, Any]:
    """DescribeCapacityBlockExtensionOfferings: the one extension of that length."""
    node = _block_reservation(world, part, capacity_reservation_id)
    _check_extension(node, capacity_block_extension_duration_hours)
    rows = [_extension_row(world, part, capacity_reservation_id,
                           capacity_block_extension_duration_hours)]
    page, token = paging.rows(rows, "capacity-block-extension-offerings", max_results,
                              next_token)
    return {"CapacityBlockExtensionOfferings": page, "NextToken": token}


def purchase_extension(world: World, part: Partition,
                       capacity_block_extension_offering_id: str,
                       capacity_reservation_id: str) -> list[dict[str, Any]]:
    """PurchaseCapacityBlockExtension: the reservation ends later; answered payment-pending
    (the output's one member, CapacityBlockExtensions)."""
    cr_id, offering_id = capacity_reservation_id, capacity_block_extension_offering_id
    node = _block_reservation(world, part, cr_id)
    decoded = catalogue.decode_extension(cr_id, offering_id)
    if decoded is None:
        raise InvalidParameterValue(f"The Capacity Block extension offering ID "
                                    f"'{offering_id}' is not valid for '{cr_id}'.")
    if decoded[0] != node["EndDate"]:
        raise InvalidParameterValue(f"The Capacity Block extension offering '{offering_id}' "
                                    "has expired. Describe the extension offerings again.")
    _check_extension(node, decoded[1])
    offer = _extension_row(world, part, cr_id, decoded[1])
    row = {k: offer[k] for k in HISTORY_FIELDS if k in offer}
    row.update(CapacityReservationId=cr_id, CapacityBlockExtensionPurchaseDate=clock.now(),
               CapacityBlockExtensionStatus="payment-succeeded")
    world.update(cr_id, EndDate=offer["CapacityBlockExtensionEndDate"])
    cb_id = node["CapacityBlockId"]
    world.update(cb_id, extensions=[*world.graph.nodes[cb_id]["extensions"], row])
    return [{**row, "CapacityBlockExtensionStatus": "payment-pending"}]


HISTORY_FIELDS = ("CapacityReservationId", "InstanceType", "InstanceCount", "AvailabilityZone",
                  "AvailabilityZoneId", "CapacityBlockExtensionOfferingId",
                  "CapacityBlockExtensionDurationHours", "CapacityBlockExtensionStatus",
                  "CapacityBlockExtensionPurchaseDate", "CapacityBlockExtensionStartDate",
                  "CapacityBlockExtensionEndDate", "UpfrontFee", "CurrencyCode", "ZoneType")
HISTORY_FILTERS = {name: Filter(lambda w, rid, row, m=member: row[m]) for name, member in (
    ("availability-zone", "AvailabilityZone"), ("availability-zone-id", "AvailabilityZoneId"),
    ("capacity-block-extension-offering-id", "CapacityBlockExtensionOfferingId"),
    ("capacity-block-extension-status", "CapacityBlockExtensionStatus"),
    ("capacity-reservation-id", "CapacityReservationId"), ("instance-type", "InstanceType"))}


def describe_extension_history(world: World, part: Partition,
                               capacity_reservation_ids: list[str] | None = None,
                               filters: list[dict[str, Any]] | None = None,
                               max_results: int | None = None, next_token: str | None = None
                               ) -> dict[str, Any]:
    """DescribeCapacityBlockExtensionHistory: every extension bought, oldest first."""
    wanted = list(dict.fromkeys(capacity_reservation_ids or []))
    for cr_id in wanted:
        world.get(part, crs.KIND, cr_id)
    rows = [{k: row[k] for k in HISTORY_FIELDS}
            for cb in part.ids(KIND) for row in world.graph.nodes[cb]["extensions"]
            if not wanted or row["CapacityReservationId"] in wanted]
    rows = filtering.select_rows(HISTORY_FILTERS, filters, rows, taggable=False)
    page, token = paging.rows(rows, "capacity-block-extension-history", max_results,
                              next_token)
    return {"CapacityBlockExtensions": page, "NextToken": token}


FAMILY = declare(Family(KIND, view=view, filters=FILTERS, max_results=(1, 1000), actions={
    "DescribeCapacityBlockOfferings": describe_offerings,
    "PurchaseCapacityBlock": purchase,
    "DescribeCapacityBlockStatus": describe_status,
    "DescribeCapacityBlockExtensionOfferings": describe_extension_offerings,
    "PurchaseCapacityBlockExtension": purchase_extension,
    "DescribeCapacityBlockExtensionHistory": describe_extension_history}))
