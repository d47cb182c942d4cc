"""Reserved Instances: offerings described from the catalogue, purchases, queued purchases.

A `reserved-instances` node is named by a UUID, as AWS names Reserved Instances, and holds
its offering's terms (type, platform, tenancy, class, payment, prices, scope) with its
`InstanceCount`, `Start` and `End`. Its `State` is derived from the clock: a purchase with a
future `PurchaseTime` is `queued` until then (regional offerings only, as AWS allows), then
`active` until `End`, then `retired`; `DeleteQueuedReservedInstances` makes a queued one
`queued-deleted`; a modification or exchange retires the ones it replaces (`retired_at`).
"""
from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterator
from itertools import islice
from typing import Any

from ..catalogue import reserved_offerings
from ..core import paging, regions
from ..core import tags as tagging
from ..core.clock import now, stamp
from ..core.errors import InvalidParameterValue, TopologyError
from ..core.family import declare_actions
from ..core.filters import Filter, field, ident, select_rows
from ..core.world import Partition, World

KIND = "reserved-instances"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
OFFERINGS_MAX = 100            # DescribeReservedInstancesOfferings: at most and by default
PER_ZONE_MONTH = 20            # AWS's limit of Reserved Instances bought per zone a month
MAX_QUEUED_AHEAD = dt.timedelta(days=3 * 365)
TERMS = ("InstanceType", "AvailabilityZone", "AvailabilityZoneId", "Duration", "UsagePrice",
         "FixedPrice", "ProductDescription", "InstanceTenancy", "CurrencyCode",
         "OfferingType", "RecurringCharges", "OfferingClass", "Scope")


def new_uuid(world: World) -> str:
    """A random (seedable) version-4 UUID, as AWS names Reserved Instances."""
    return str(uuid.UUID(int=world.rng.getrandbits(128), version=4))


def invalid_id(rid: str) -> TopologyError:
    return TopologyError(f"Reserved Instances ID '{rid}' is not valid"
                         if not UUID.fullmatch(rid) else
                         f"Reserved Instances ID '{rid}' not found", "InvalidReservedInstancesId")


def get(world: World, part: Partition, rid: str) -> dict[str, Any]:
    node = world.node(rid)
    if node is None or node["kind"] != KIND or node["account"] != part.account \
            or node["region"] != part.region:
        raise invalid_id(rid)
    return node


def state(node: dict[str, Any], at: dt.datetime | None = None) -> str:
    """The state now: queued -> active -> retired, as the clock passes Start and End."""
    at = at or now()
    stored = node["State"]
    if stored == "queued" and at >= node["Start"]:
        stored = "active"
    if stored == "active" and at >= node["End"]:
        stored = "retired"
    return str(stored)


# -- offerings ---------------------------------------------------------------------------------
def _zone(part: Partition, name: str | None, zone_id: str | None) -> str | None:
    if not name and not zone_id:
        return None
    found = regions.zone(part.region, zone_name=name) if name else \
        regions.zone(part.region, zone_id=zone_id)
    if found is None:
        raise InvalidParameterValue(f"Invalid availability zone: [{name or zone_id}]")
    return found["ZoneName"]


def _durations(low: int | None, high: int | None) -> list[int]:
    return [d for d in reserved_offerings.DURATIONS
            if (low is None or d >= low) and (high is None or d <= high)]


def _one(value: Any) -> list[Any] | None:
    return None if value is None else [value]


def describe_offerings(part: Partition, params: dict[str, Any]) -> dict[str, Any]:
    """DescribeReservedInstancesOfferings: the catalogue's rows the request selects, paged."""
    limit = params.get("MaxResults")
    paging.check_max_results(limit)
    limit = min(limit or OFFERINGS_MAX, OFFERINGS_MAX)
    zone = _zone(part, params.get("AvailabilityZone"), params.get("AvailabilityZoneId"))
    start = paging.decode(params["NextToken"], "ri-offerings", lambda p: isinstance(p, int)) \
        if params.get("NextToken") else 0
    rows = _selected(part, params, zone)
    if _marketplace_only(params.get("Filters")):
        rows = iter(())      # every catalogue offering is AWS's own (Marketplace false)
    rows = _filtered(rows, params.get("Filters"))
    if params.get("IncludeMarketplace") is False:
        rows = (r for r in rows if not r["Marketplace"])
    page = list(islice(rows, start, start + limit + 1))
    token = paging.encode("ri-offerings", start + limit) if len(page) > limit else None
    return {"ReservedInstancesOfferings": page[:limit], "NextToken": token}


def _marketplace_only(specs: list[dict[str, Any]] | None) -> bool:
    """A `marketplace` filter without `false` (no Marketplace sellers here)."""
    return any(s.get("Name") == "marketplace" and "false" not in (s.get("Values") or [])
               for s in specs or [])


def _selected(part: Partition, params: dict[str, Any], zone: str | None
              ) -> Iterator[dict[str, Any]]:
    ids = params.get("ReservedInstancesOfferingIds")
    if ids:
        found = (reserved_offerings.offering(part.region, i) for i in dict.fromkeys(ids))
        return (r for r in found if r is not None and _matches(r, params, zone))
    payment = params.get("OfferingType")
    return reserved_offerings.offerings(
        part.region, types=_one(params.get("InstanceType")),
        products=_one(params.get("ProductDescription")),
        tenancies=[params.get("InstanceTenancy") or "default"],
        classes=_one(params.get("OfferingClass")), payments=_one(payment),
        durations=_durations(params.get("MinDuration"), params.get("MaxDuration")),
        zones=[zone] if zone else None)


def _matches(row: dict[str, Any], params: dict[str, Any], zone: str | None) -> bool:
    checks = {"InstanceType": params.get("InstanceType"),
              "ProductDescription": params.get("ProductDescription"),
              "OfferingClass": params.get("OfferingClass"),
              "OfferingType": params.get("OfferingType"), "AvailabilityZone": zone}
    return all(v is None or row.get(k) == v for k, v in checks.items()) and \
        row["Duration"] in _durations(params.get("MinDuration"), params.get("MaxDuration"))


OFFERING_FILTERS: dict[str, Filter] = {
    "availability-zone": field("AvailabilityZone"),
    "availability-zone-id": field("AvailabilityZoneId"),
    "duration": field("Duration"),
    "fixed-price": field("FixedPrice"),
    "instance-type": field("InstanceType"),
    "marketplace": Filter(lambda w, rid, n: str(n["Marketplace"]).lower()),
    "product-description": field("ProductDescription"),
    "reserved-instances-offering-id": field("ReservedInstancesOfferingId"),
    "scope": field("Scope"),
    "usage-price": field("UsagePrice"),
}


def _filtered(rows: Iterator[dict[str, Any]], specs: list[dict[str, Any]] | None
              ) -> Iterator[dict[str, Any]]:
    """Rows through the filters, a chunk at a time (the catalogue is large and lazy)."""
    if not specs:
        yield from rows
        return
    select_rows(OFFERING_FILTERS, specs, [], taggable=False)   # refuses unknown names first
    while chunk := list(islice(rows, 512)):
        yield from select_rows(OFFERING_FILTERS, specs, chunk, taggable=False)


# -- purchase ------------------------------------------------------------------------------------
def _offering(part: Partition, offering_id: str) -> dict[str, Any]:
    row = reserved_offerings.offering(part.region, offering_id)
    if row is None:
        raise TopologyError(f"The Reserved Instances offering ID '{offering_id}' is not valid.",
                            "InvalidReservedInstancesOfferingId")
    return row


def _check_limit(world: World, part: Partition, row: dict[str, Any], count: int) -> None:
    month_ago = now() - dt.timedelta(days=30)
    bought = sum(world.graph.nodes[r]["InstanceCount"] for r in part.ids(KIND)
                 if world.graph.nodes[r].get("AvailabilityZone") == row.get("AvailabilityZone")
                 and world.graph.nodes[r]["purchased"] >= month_ago
                 and not world.graph.nodes[r].get("made_by"))
    if bought + count > PER_ZONE_MONTH:
        raise TopologyError(
            "You have reached the limit of Reserved Instances you can purchase "
            f"({PER_ZONE_MONTH} per Availability Zone a month).",
            "ReservedInstancesLimitExceeded")


def purchase(world: World, part: Partition, reserved_instances_offering_id: str,
             instance_count: int, purchase_time: dt.datetime | None = None,
             limit_price: dict[str, Any] | None = None) -> str:
    """Buy `instance_count` of an offering now, or queue the purchase for `purchase_time`."""
    row = _offering(part, reserved_instances_offering_id)
    if instance_count < 1:
        raise InvalidParameterValue(f"Value ({instance_count}) for parameter instanceCount is "
                                    "invalid. Expected a positive integer.")
    start = _start(row, purchase_time)
    total = row["FixedPrice"] * instance_count
    if limit_price and limit_price.get("Amount") is not None and total > limit_price["Amount"]:
        raise TopologyError(
            f"The total upfront price ({total}) exceeds the limit price "
            f"({limit_price['Amount']}).", "ReservedInstancesLimitPriceExceeded")
    _check_limit(world, part, row, instance_count)
    return create(world, part, row, instance_count, start,
                  queued=start > now())


def _start(row: dict[str, Any], purchase_time: dt.datetime | None) -> dt.datetime:
    if purchase_time is None:
        return now()
    when = purchase_time.astimezone(dt.timezone.utc).replace(microsecond=0)
    if when <= now():
        raise InvalidParameterValue("The purchase time must be in the future.")
    if when > now() + MAX_QUEUED_AHEAD:
        raise InvalidParameterValue("The purchase time must be within three years.")
    if row["Scope"] != "Region":
        raise InvalidParameterValue(
            "You can queue purchases of regional Reserved Instances only.")
    return when


def create(world: World, part: Partition, row: dict[str, Any], count: int,
           start: dt.datetime, *, queued: bool = False, end: dt.datetime | None = None,
           made_by: str | None = None) -> str:
    """A Reserved Instance node with the offering row's terms."""
    rid = new_uuid(world)
    fields = {k: row[k] for k in TERMS if k in row}
    fields["RecurringCharges"] = [dict(c) for c in row["RecurringCharges"]]
    world.add(part, KIND, rid, **fields, InstanceCount=count, Start=start,
              End=end or start + dt.timedelta(seconds=row["Duration"]),
              State="queued" if queued else "active", purchased=now(),
              offering=row["ReservedInstancesOfferingId"], made_by=made_by)
    return rid


def retire(world: World, rid: str) -> None:
    world.update(rid, State="retired", End=now())


# -- describe and delete queued ------------------------------------------------------------------
def view(world: World, rid: str) -> dict[str, Any]:
    node = world.graph.nodes[rid]
    out: dict[str, Any] = {"ReservedInstancesId": rid}
    out.update({k: node[k] for k in (*TERMS, "InstanceCount", "Start", "End") if k in node})
    out["State"] = state(node)
    out["RecurringCharges"] = [dict(c) for c in node["RecurringCharges"]]
    out["Tags"] = tagging.listed(node["tags"])
    return out


FILTERS: dict[str, Filter] = {
    "availability-zone": field("AvailabilityZone"),
    "availability-zone-id": field("AvailabilityZoneId"),
    "duration": field("Duration"),
    "end": Filter(lambda w, rid, n: stamp(n["End"])),
    "fixed-price": field("FixedPrice"),
    "instance-type": field("InstanceType"),
    "scope": field("Scope"),
    "product-description": field("ProductDescription"),
    "reserved-instances-id": ident(),
    "start": Filter(lambda w, rid, n: stamp(n["Start"])),
    "state": Filter(lambda w, rid, n: state(n)),
}


def delete_queued(world: World, part: Partition, reserved_instances_ids: list[str]
                  ) -> dict[str, Any]:
    """DeleteQueuedReservedInstances: each queued purchase becomes `queued-deleted`."""
    if len(reserved_instances_ids) > 100:
        raise InvalidParameterValue("You can delete at most 100 queued purchases at a time.")
    ok, failed = [], []
    for rid in dict.fromkeys(reserved_instances_ids):
        node = world.node(rid)
        if node is None or node["kind"] != KIND or node["account"] != part.account:
            failed.append(_failure(rid, "reserved-instances-id-invalid",
                                   f"Reserved Instances ID '{rid}' is not valid."))
        elif state(node) != "queued":
            failed.append(_failure(rid, "reserved-instances-not-in-queued-state",
                                   f"Reserved Instances '{rid}' are not queued."))
        else:
            world.update(rid, State="queued-deleted")
            ok.append({"ReservedInstancesId": rid})
    return {"SuccessfulQueuedPurchaseDeletions": ok, "FailedQueuedPurchaseDeletions": failed}


def _failure(rid: str, code: str, message: str) -> dict[str, Any]:
    return {"Error": {"Code": code, "Message": message}, "ReservedInstancesId": rid}


declare_actions(KIND, {"DescribeReservedInstancesOfferings": describe_offerings,
                       "PurchaseReservedInstancesOffering": purchase,
                       "DeleteQueuedReservedInstances": delete_queued})
