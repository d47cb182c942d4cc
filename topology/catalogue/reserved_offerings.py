"""Reserved Instance and Dedicated Host Reservation offerings: what AWS sells, as rows.

A Reserved Instance offering is one combination of instance type, platform (`Linux/UNIX`,
`Linux/UNIX (Amazon VPC)`, `Windows`, `Windows (Amazon VPC)`), tenancy (`default`,
`dedicated`), class (`standard`, `convertible`), payment (`No Upfront`, `Partial Upfront`,
`All Upfront`), term (one year, 31536000 s, or three, 94608000 s) and scope (the Region, or
one Availability Zone). Prices follow the shape of AWS's published ones, from the On-Demand
price of `spot_prices.on_demand`: a discount per class, term and payment; `All Upfront` is a
`FixedPrice` alone, `No Upfront` an hourly `RecurringCharges` alone, `Partial Upfront` half
and half; `UsagePrice` is 0.0 as in every offering AWS sells today.

Offerings are never stored: the offering id is a UUID that encodes the row (a checksum in the
high bits), so `offering(region, id)` rebuilds the row and any other UUID is unknown; the
same region always answers the same rows in the same order, lazily.

>>> rows = list(offerings("us-east-1", types=["m5.large"], products=["Linux/UNIX"],
...                       tenancies=["default"], classes=["standard"],
...                       payments=["All Upfront"], durations=[ONE_YEAR], zones=[None]))
>>> rows[0]["FixedPrice"], rows[0]["Scope"]
(496.17, 'Region')
>>> offering("us-east-1", rows[0]["ReservedInstancesOfferingId"])["InstanceType"]
'm5.large'
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Any

from ..core import regions
from . import host_types, instance_types, spot_prices

ONE_YEAR, THREE_YEARS = 31536000, 94608000
DURATIONS = (ONE_YEAR, THREE_YEARS)
PRODUCTS = ("Linux/UNIX", "Linux/UNIX (Amazon VPC)", "Windows", "Windows (Amazon VPC)")
TENANCIES = ("default", "dedicated")
CLASSES = ("standard", "convertible")
PAYMENTS = ("No Upfront", "Partial Upfront", "All Upfront")
# (class, years) -> effective price as a share of On-Demand, by payment option
DISCOUNT: dict[tuple[str, int], tuple[float, float, float]] = {
    ("standard", 1): (0.64, 0.61, 0.59), ("standard", 3): (0.44, 0.41, 0.39),
    ("convertible", 1): (0.74, 0.71, 0.69), ("convertible", 3): (0.53, 0.49, 0.47)}
DEDICATED_PREMIUM = 1.1          # dedicated tenancy over default, as AWS prices it
HOST_PAYMENTS = ("NoUpfront", "PartialUpfront", "AllUpfront")


def _money(value: float) -> float:
    return round(value, 3 if value < 10 else 2 if value < 1000 else 0)


def _od(region: str, type_name: str, product: str, tenancy: str) -> float:
    base = product.replace(" (Amazon VPC)", "")
    price = spot_prices.on_demand(region, type_name, base) or 0.0
    return price * (DEDICATED_PREMIUM if tenancy == "dedicated" else 1.0)


@lru_cache(maxsize=65536)
def prices(region: str, type_name: str, product: str, tenancy: str, offering_class: str,
           payment: str, duration: int) -> tuple[float, float]:
    """(FixedPrice, hourly recurring charge) of one offering."""
    years = duration // ONE_YEAR
    share = DISCOUNT[(offering_class, years)][PAYMENTS.index(payment)]
    hours = years * 8760
    effective = _od(region, type_name, product, tenancy) * share
    upfront = {"No Upfront": 0.0, "Partial Upfront": 0.5, "All Upfront": 1.0}[payment]
    return _money(effective * hours * upfront), round(effective * (1 - upfront), 4)


# -- ids: a row's indices, encoded in a UUID ---------------------------------------------------
@lru_cache(maxsize=None)
def _zones(region: str) -> tuple[str | None, ...]:
    return (None, *[z["ZoneName"] for z in regions.zones(region)])


@lru_cache(maxsize=None)
def _zone_ids(region: str) -> dict[str, str]:
    return {z["ZoneName"]: z["ZoneId"] for z in regions.zones(region)}


@lru_cache(maxsize=None)
def _types(region: str) -> tuple[str, ...]:
    return tuple(n for n in instance_types.names() if instance_types.in_region(region, n))


def _encode(parts: Sequence[int]) -> str:
    payload = 0
    for value, width in zip(parts, WIDTHS):
        payload = (payload << width) | value
    digest = int.from_bytes(hashlib.sha256(payload.to_bytes(8, "big")).digest()[:12], "big")
    number = (digest << 32) | (payload ^ (digest & 0xFFFFFFFF))
    text = f"{number:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


# type, product, tenancy, class, payment, duration, zone: bits each
WIDTHS = (12, 2, 1, 1, 2, 1, 5)


def _decode(offering_id: str) -> list[int] | None:
    try:
        number = int(offering_id.replace("-", ""), 16)
    except ValueError:
        return None
    if len(offering_id) != 36 or number >> 128:
        return None
    digest = number >> 32
    payload = (number & 0xFFFFFFFF) ^ (digest & 0xFFFFFFFF)
    if payload >> sum(WIDTHS) or int.from_bytes(hashlib.sha256(payload.to_bytes(
            8, "big")).digest()[:12], "big") != digest:
        return None
    parts = []
    for width in reversed(WIDTHS):
        parts.append(payload & ((1 << width) - 1))
        payload >>= width
    return parts[::-1]


def _row(region: str, parts: Sequence[int]) -> dict[str, Any]:
    t, p, ten, cls, pay, dur, z = parts
    type_name, product, tenancy = _types(region)[t], PRODUCTS[p], TENANCIES[ten]
    offering_class, payment, duration = CLASSES[cls], PAYMENTS[pay], DURATIONS[dur]
    zone = _zones(region)[z]
    fixed, hourly = prices(region, type_name, product, tenancy, offering_class, payment,
                           duration)
    row: dict[str, Any] = {
        "ReservedInstancesOfferingId": _encode(parts), "InstanceType": type_name,
        "Duration": duration, "UsagePrice": 0.0, "FixedPrice": fixed,
        "ProductDescription": product, "InstanceTenancy": tenancy, "CurrencyCode": "USD",
        "OfferingType": payment, "RecurringCharges": (
            [{"Amount": hourly, "Frequency": "Hourly"}] if payment != "All Upfront" else []),
        "Marketplace": False, "PricingDetails": [], "OfferingClass": offering_class,
        "Scope": "Availability Zone" if zone else "Region"}
    if zone:
        row.update(AvailabilityZone=zone, AvailabilityZoneId=_zone_ids(region).get(zone))
    return row


def offering(region: str, offering_id: str) -> dict[str, Any] | None:
    """The offering an id names in `region`, or None."""
    parts = _decode(offering_id)
    limits = (len(_types(region)), len(PRODUCTS), len(TENANCIES), len(CLASSES), len(PAYMENTS),
              len(DURATIONS), len(_zones(region)))
    if parts is None or any(v >= n for v, n in zip(parts, limits)):
        return None
    return _row(region, parts)


def _indices(values: Sequence[Any] | None, table: Sequence[Any]) -> list[int]:
    if values is None:
        return list(range(len(table)))
    return [i for i, v in enumerate(table) if v in values]


def offerings(region: str, *, types: Sequence[str] | None = None,
              products: Sequence[str] | None = None, tenancies: Sequence[str] | None = None,
              classes: Sequence[str] | None = None, payments: Sequence[str] | None = None,
              durations: Sequence[int] | None = None,
              zones: Sequence[str | None] | None = None) -> Iterator[dict[str, Any]]:
    """Every offering of the region that each given selector allows, in catalogue order
    (type, then platform, tenancy, class, payment, term, scope)."""
    axes = [_indices(types, _types(region)), _indices(products, PRODUCTS),
            _indices(tenancies, TENANCIES), _indices(classes, CLASSES),
            _indices(payments, PAYMENTS), _indices(durations, DURATIONS),
            _indices(zones, _zones(region))]
    for t in axes[0]:
        for p in axes[1]:
            for ten in axes[2]:
                for cls in axes[3]:
                    for pay in axes[4]:
                        for dur in axes[5]:
                            for z in axes[6]:
                                yield _row(region, (t, p, ten, cls, pay, dur, z))


# -- Dedicated Host Reservations ----------------------------------------------------------------
HOST_DISCOUNT = {1: (0.70, 0.64, 0.60), 3: (0.50, 0.45, 0.42)}   # share of On-Demand
MAC_HOURLY = {"mac1.metal": 1.083, "mac2.metal": 0.65, "mac2-m2.metal": 0.878,
              "mac2-m2pro.metal": 1.56, "mac2-m1ultra.metal": 4.0}   # AWS's On-Demand, USD


def _host_hourly(region: str, family: str) -> float:
    """A host's On-Demand price: its family's largest size (Mac: the instance's own)."""
    if host_types.is_mac(family):
        return MAC_HOURLY.get(family, 0.65)
    size = host_types.sizes(family)[-1]
    return (spot_prices.on_demand(region, size) or 1.0) * 1.1


def host_offerings(region: str) -> list[dict[str, Any]]:
    """Every Dedicated Host Reservation offering (`hro-` ids), by family, payment and term."""
    return list(_host_offerings(region))


@lru_cache(maxsize=32)
def _host_offerings(region: str) -> tuple[dict[str, Any], ...]:
    rows = []
    families = [*host_types.families(), *host_types.MAC_TYPES]
    for f_index, family in enumerate(families):
        hourly = _host_hourly(region, family)
        for p_index, payment in enumerate(HOST_PAYMENTS):
            for years in (1, 3):
                effective = hourly * HOST_DISCOUNT[years][p_index]
                upfront = (0.0, 0.5, 1.0)[p_index]
                seed = f"{region}/{family}/{payment}/{years}".encode()
                rows.append({
                    "OfferingId": "hro-" + hashlib.sha256(seed).hexdigest()[:17],
                    "InstanceFamily": family, "PaymentOption": payment,
                    "Duration": years * ONE_YEAR, "CurrencyCode": "USD",
                    "HourlyPrice": f"{effective * (1 - upfront):.3f}",
                    "UpfrontPrice": f"{effective * years * 8760 * upfront:.3f}",
                    "order": (f_index, p_index, years)})
    return tuple(rows)


def host_offering(region: str, offering_id: str) -> dict[str, Any] | None:
    return next((r for r in _host_offerings(region) if r["OfferingId"] == offering_id), None)
