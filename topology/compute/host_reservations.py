"""Dedicated Host Reservations: a term bought for hosts of one family, from the catalogue.

A `host-reservation` node (`hr-` id) holds its offering's terms (`InstanceFamily`,
`PaymentOption`, `Duration`, prices for all its hosts), `Start`, `End`, `Count` and
`HostIdSet`; each host it covers names it (`HostReservationId`). Its state is `active` until
`End`, then `retired`. AWS's rules: every host is available, of the offering's family, and not
covered by another reservation (`HostAlreadyCoveredByReservation`); a `LimitPrice` below the
upfront total refuses the purchase.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from ..catalogue import reserved_offerings
from ..core import paging
from ..core import tags as tagging
from ..core.clock import now
from ..core.errors import InvalidParameterValue, TopologyError
from ..core.family import Family, declare
from ..core.filters import Filter, field, select_rows
from ..core.world import Partition, World, is_id_of
from . import hosts

KIND = "host-reservation"
PAGE = (5, 500)


def _offering(part: Partition, offering_id: str) -> dict[str, Any]:
    row = reserved_offerings.host_offering(part.region, offering_id)
    if row is None:
        if not is_id_of("hro", offering_id):
            raise TopologyError(f'Invalid id: "{offering_id}" (expecting "hro-...")',
                                "InvalidHostReservationOfferingId.Malformed")
        raise TopologyError(f"The host reservation offering ID '{offering_id}' does not exist",
                            "InvalidHostReservationOfferingId.NotFound")
    return row


def _family_of_host(node: dict[str, Any]) -> str:
    return str(node["family"])


def _purchase(world: World, part: Partition, offering_id: str, host_ids: list[str]
              ) -> tuple[dict[str, Any], list[str], dict[str, str]]:
    """The checked purchase: (offering, hosts, its prices for all hosts)."""
    row = _offering(part, offering_id)
    chosen = list(dict.fromkeys(host_ids))
    for host_id in chosen:
        node = world.get(part, hosts.KIND, host_id)
        if node["State"] != "available":
            raise TopologyError(f"The host '{host_id}' is not in the available state.",
                                "InvalidHostState")
        if _family_of_host(node) != row["InstanceFamily"]:
            raise InvalidParameterValue(
                f"The host '{host_id}' ({_family_of_host(node)}) does not match the instance "
                f"family of offering {offering_id} ({row['InstanceFamily']}).")
        if node.get("HostReservationId"):
            raise TopologyError(f"The host '{host_id}' is already covered by reservation "
                                f"{node['HostReservationId']}.",
                                "HostAlreadyCoveredByReservation")
    n = len(chosen)
    prices = {"HourlyPrice": f"{float(row['HourlyPrice']) * n:.3f}",
              "UpfrontPrice": f"{float(row['UpfrontPrice']) * n:.3f}"}
    return row, chosen, prices


def _purchase_item(row: dict[str, Any], chosen: list[str], prices: dict[str, str]
                   ) -> dict[str, Any]:
    return {"CurrencyCode": "USD", "Duration": row["Duration"], "HostIdSet": chosen,
            "InstanceFamily": row["InstanceFamily"], "PaymentOption": row["PaymentOption"],
            **prices}


def preview(world: World, part: Partition, host_id_set: list[str], offering_id: str
            ) -> dict[str, Any]:
    """GetHostReservationPurchasePreview: what the purchase would cost; nothing changes."""
    row, chosen, prices = _purchase(world, part, offering_id, host_id_set)
    return {"CurrencyCode": "USD", "Purchase": [_purchase_item(row, chosen, prices)],
            "TotalHourlyPrice": prices["HourlyPrice"],
            "TotalUpfrontPrice": prices["UpfrontPrice"]}


def purchase(world: World, part: Partition, host_id_set: list[str], offering_id: str,
             limit_price: str | None = None, currency_code: str | None = None,
             client_token: str | None = None, *, tags: dict[str, str] | None = None
             ) -> dict[str, Any]:
    """PurchaseHostReservation: a reservation covering the hosts, active from now."""
    row, chosen, prices = _purchase(world, part, offering_id, host_id_set)
    if limit_price is not None:
        try:
            limit = float(limit_price)
        except ValueError:
            raise InvalidParameterValue(f"Value ({limit_price}) for parameter limitPrice is "
                                        "invalid.") from None
        if float(prices["UpfrontPrice"]) > limit:
            raise TopologyError(f"The total upfront price ({prices['UpfrontPrice']}) exceeds "
                                f"the limit price ({limit_price}).",
                                "ReservationPriceExceedsLimit")
    hr_id = world.new_id("hr")
    start = now()
    world.add(part, KIND, hr_id, **_purchase_item(row, chosen, prices), OfferingId=offering_id,
              Count=len(chosen), Start=start,
              End=start + dt.timedelta(seconds=row["Duration"]), State="active")
    tagging.apply(world, hr_id, tags or {})
    for host_id in chosen:
        world.update(host_id, HostReservationId=hr_id)
    item = {**_purchase_item(row, chosen, prices), "HostReservationId": hr_id}
    out: dict[str, Any] = {"CurrencyCode": "USD", "Purchase": [item],
                           "TotalHourlyPrice": prices["HourlyPrice"],
                           "TotalUpfrontPrice": prices["UpfrontPrice"]}
    if client_token:
        out["ClientToken"] = client_token
    return out


def view(world: World, hr_id: str) -> dict[str, Any]:
    node = world.graph.nodes[hr_id]
    keys = ("Count", "CurrencyCode", "Duration", "End", "HostIdSet", "HourlyPrice",
            "InstanceFamily", "OfferingId", "PaymentOption", "Start", "UpfrontPrice")
    out: dict[str, Any] = {k: node[k] for k in keys}
    out["HostIdSet"] = list(node["HostIdSet"])
    out["HostReservationId"] = hr_id
    out["State"] = "retired" if now() >= node["End"] else node["State"]
    out["Tags"] = tagging.listed(node["tags"])
    return out


FILTERS: dict[str, Filter] = {
    "instance-family": field("InstanceFamily"),
    "payment-option": field("PaymentOption"),
    "state": Filter(lambda w, rid, n: view(w, rid)["State"]),
}

OFFERING_FILTERS: dict[str, Filter] = {
    "instance-family": field("InstanceFamily"),
    "payment-option": field("PaymentOption"),
}


def describe_offerings(part: Partition, params: dict[str, Any]) -> dict[str, Any]:
    """DescribeHostReservationOfferings: the catalogue, by id, term and filters, paged."""
    limit = _max_results(params.get("MaxResults"))
    low, high = params.get("MinDuration"), params.get("MaxDuration")
    rows = [r for r in reserved_offerings.host_offerings(part.region)
            if (low is None or r["Duration"] >= low) and (high is None or r["Duration"] <= high)
            and params.get("OfferingId") in (None, r["OfferingId"])]
    rows = select_rows(OFFERING_FILTERS, params.get("Filter"), rows, taggable=False)
    start = paging.decode(params["NextToken"], "host-offerings", lambda p: isinstance(p, int)) \
        if params.get("NextToken") else 0
    page = rows[start:start + limit]
    token = paging.encode("host-offerings", start + limit) if start + limit < len(rows) else None
    return {"OfferingSet": [{k: v for k, v in r.items() if k != "order"} for r in page],
            "NextToken": token}


def _max_results(value: int | None) -> int:
    """AWS's bounds: 5 to 500 (an error beyond, not a cap)."""
    if value is None:
        return PAGE[1]
    if not PAGE[0] <= value <= PAGE[1]:
        raise InvalidParameterValue(f"Value ( {value} ) for parameter maxResults is invalid. "
                                    f"Expecting a value between {PAGE[0]} and {PAGE[1]}.")
    return value


FAMILY = declare(Family(KIND, view=view, filters=FILTERS,
                        actions={"GetHostReservationPurchasePreview": preview,
                                 "PurchaseHostReservation": purchase,
                                 "DescribeHostReservationOfferings": describe_offerings}))
