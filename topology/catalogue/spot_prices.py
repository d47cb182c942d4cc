"""Spot prices: a deterministic price history for every Spot pool, and its describe call.

A Spot pool is (region, zone, instance type, product description). AWS moves its prices
slowly, a change every few hours, at roughly a third of the On-Demand price. We derive each
pool's series from a hash of its key, so every run, process and account sees the same
history without storing anything: the pool's change times are a fixed period (2 to 7 hours)
with a per-change jitter, and each change sets the price to 30-40 % of the pool's estimated
Linux On-Demand price, plus the operating system's licence, which Spot does not discount.
A product and its "(Amazon VPC)" twin share one series, as on AWS.

The On-Demand estimate comes from the instance type's vCPUs and memory (with a burstable
table, processor and storage modifiers, accelerators and a regional factor); it is close to
AWS's published prices for the common families, which is all a simulator needs.

DescribeSpotPriceHistory returns, for each pool, the changes within [StartTime, EndTime]
and the last change before StartTime (the price in effect at StartTime), newest first,
merged lazily across pools so that a page costs its size, not the 90 days of every pool.

>>> fmt(0.0374)
'0.037400'
>>> 0.30 <= fraction("us-east-1", "us-east-1a", "m5.large", "Linux/UNIX", 0) <= 0.40
True
"""
from __future__ import annotations

import datetime as dt
import hashlib
import heapq
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..core import filters, paging, regions
from ..core.errors import InvalidParameterCombination, InvalidParameterValue
from . import instance_types

VPC_SUFFIX = " (Amazon VPC)"
BASE_PRODUCTS = ("Linux/UNIX", "Red Hat Enterprise Linux", "SUSE Linux", "Windows")
PRODUCTS = tuple(p + s for p in BASE_PRODUCTS for s in ("", VPC_SUFFIX))
HISTORY = dt.timedelta(days=90)
MAX_RESULTS = 1000
_HOUR = 3600

# Regional On-Demand price level relative to us-east-1 (AWS's published price ratios).
REGION_FACTOR = {
    "us-east-1": 1.0, "us-east-2": 1.0, "us-west-2": 1.0, "us-west-1": 1.17,
    "ca-central-1": 1.1, "ca-west-1": 1.1, "sa-east-1": 1.59, "eu-west-1": 1.11,
    "eu-west-2": 1.16, "eu-west-3": 1.17, "eu-central-1": 1.2, "eu-central-2": 1.3,
    "eu-north-1": 1.06, "eu-south-1": 1.17, "eu-south-2": 1.12, "ap-northeast-1": 1.29,
    "ap-northeast-2": 1.23, "ap-northeast-3": 1.29, "ap-south-1": 1.05, "ap-south-2": 1.05,
    "ap-southeast-1": 1.25, "ap-southeast-2": 1.25, "ap-southeast-3": 1.25,
    "ap-southeast-4": 1.3, "ap-east-1": 1.38, "af-south-1": 1.33, "me-south-1": 1.22,
    "me-central-1": 1.22, "il-central-1": 1.2,
}
# Burstable families: price per GiB of memory (t3.micro: 1 GiB, $0.0104).
BURSTABLE_PER_GIB = {"t1": 0.033, "t2": 0.0116, "t3": 0.0104, "t3a": 0.0094, "t4g": 0.0084}
PER_VCPU, PER_GIB = 0.0348, 0.0033     # fits m5/c5/r5.large: $0.096, $0.085, $0.126
# Accelerator price per GPU by family letter (p: training GPUs, g: graphics/inference).
PER_GPU = {"p": 2.9, "g": 0.45}
_FAMILY = re.compile(r"^([a-z]+?)(\d+)([a-z-]*)$")


# -- On-Demand prices --------------------------------------------------------------------------
@dataclass(frozen=True)
class Facts:
    """What pricing needs to know of an instance type."""

    vcpus: int
    gib: float
    burstable: bool
    arm: bool
    gpus: int
    spot: bool         # sold as Spot at all (some types are On-Demand only)


@lru_cache(maxsize=None)
def facts(itype: str) -> Facts | None:
    info = instance_types.get(itype)
    if info is None:
        return None
    gpus = sum(g.get("Count", 0) for g in (info.get("GpuInfo") or {}).get("Gpus", []))
    return Facts(
        vcpus=int((info.get("VCpuInfo") or {}).get("DefaultVCpus") or 1),
        gib=((info.get("MemoryInfo") or {}).get("SizeInMiB") or 1024) / 1024,
        burstable=bool(info.get("BurstablePerformanceSupported")),
        arm="arm64" in (info.get("ProcessorInfo") or {}).get("SupportedArchitectures", []),
        gpus=gpus, spot="spot" in info.get("SupportedUsageClasses", ["spot"]))


@lru_cache(maxsize=8192)
def on_demand(region: str, itype: str, product: str = "Linux/UNIX") -> float | None:
    """The On-Demand hourly price of `itype` in `region` for `product`, or None for a type
    that does not exist."""
    found = facts(itype)
    if found is None:
        return None
    return round(_linux(region, itype, found) + premium(product, found), 4)


def _linux(region: str, itype: str, f: Facts) -> float:
    family = itype.partition(".")[0]
    factor = REGION_FACTOR.get(region, 1.2)
    if family in BURSTABLE_PER_GIB or f.burstable:
        return max(0.0035, BURSTABLE_PER_GIB.get(family, 0.0104) * f.gib) * factor
    price = (PER_VCPU * f.vcpus + PER_GIB * f.gib) * _modifier(family, f)
    price += f.gpus * PER_GPU.get(family[:1], 0.5)
    return price * factor


def _modifier(family: str, f: Facts) -> float:
    """Processor, storage, network and generation adjustments read off the family name."""
    found = _FAMILY.match(family)
    if found is None:
        return 1.0
    letters, generation, suffix = found.group(1), int(found.group(2)), found.group(3)
    factor = 0.8 if f.arm or "g" in suffix else 0.9 if "a" in suffix else 1.0
    factor *= (1.12 if "d" in suffix else 1.0) * (1.2 if "n" in suffix else 1.0)
    factor *= 1.25 if "z" in suffix else 1.0
    factor *= 0.95 if "flex" in suffix else 1.0
    factor *= 1.3 if letters in ("i", "d", "h", "im", "is") else 1.0
    factor *= 1.25 if generation <= 3 else 1.05 if generation == 4 or generation >= 7 else 1.0
    return factor


def premium(product: str, f: Facts) -> float:
    """The hourly licence an operating system adds (Spot discounts the instance, not this)."""
    base = product.removesuffix(VPC_SUFFIX)
    if base == "Windows":
        return 0.046 * f.vcpus * (0.2 if f.burstable else 1.0)
    if base == "Red Hat Enterprise Linux":
        return 0.06 if f.vcpus <= 4 else 0.13
    if base == "SUSE Linux":
        return 0.02 if f.vcpus <= 2 else 0.1
    return 0.0


# -- the series ------------------------------------------------------------------------------
def unit(*parts: Any) -> float:
    """A number in [0, 1) drawn from a hash of `parts`: the same everywhere, every time."""
    digest = hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2 ** 64


@dataclass(frozen=True)
class Pool:
    """One Spot pool's key and the parameters of its price series."""

    region: str
    zone: str
    zone_id: str
    itype: str
    product: str
    period: int        # seconds between changes (before jitter)
    origin: int        # seconds: where the change grid starts
    base: float        # the pool's typical fraction of the On-Demand price
    linux: float       # Linux On-Demand price
    licence: float     # hourly licence for the product

    @property
    def order(self) -> tuple[str, str, str]:
        return self.zone, self.itype, self.product

    def changed(self, i: int) -> int:
        """When change `i` happened (epoch seconds); strictly increasing in `i`."""
        return self.origin + i * self.period + int(
            unit(self.region, self.zone, self.itype, self._series, "t", i) * self.period / 2)

    def price(self, i: int) -> float:
        frac = self.base + 0.04 * (unit(self.region, self.zone, self.itype, self._series, i)
                                   - 0.5)
        return max(0.0001, round(self.linux * frac + self.licence, 4))

    def last_change(self, at: int) -> int:
        """The index of the last change at or before `at`."""
        i = (at - self.origin) // self.period
        return i if self.changed(i) <= at else i - 1

    @property
    def _series(self) -> str:
        return self.product.removesuffix(VPC_SUFFIX)


def fraction(region: str, zone: str, itype: str, product: str, i: int) -> float:
    """The fraction of the On-Demand price that change `i` of a pool sets (doctest aid)."""
    pool = make_pool(region, {"ZoneName": zone, "ZoneId": ""}, itype, product)
    assert pool is not None
    return (pool.price(i) - pool.licence) / pool.linux


@lru_cache(maxsize=65536)
def _pool_params(region: str, zone: str, itype: str, series: str) -> tuple[int, int, float]:
    period = (2 + int(unit(region, zone, itype, series, "period") * 6)) * _HOUR
    origin = int(unit(region, zone, itype, series, "origin") * period)
    base = 0.32 + 0.06 * unit(region, zone, itype, series, "base")
    return period, origin, base


def make_pool(region: str, zone: dict[str, str], itype: str, product: str) -> Pool | None:
    """The pool, or None for a type that does not exist or is not sold as Spot."""
    found = facts(itype)
    if found is None or not found.spot:
        return None
    series = product.removesuffix(VPC_SUFFIX)
    period, origin, base = _pool_params(region, zone["ZoneName"], itype, series)
    return Pool(region, zone["ZoneName"], zone["ZoneId"], itype, product, period, origin,
                base, _linux(region, itype, found), premium(product, found))


def current(region: str, zone: str, itype: str, product: str = "Linux/UNIX",
            now: dt.datetime | None = None) -> float | None:
    """The Spot price of a pool now (None: no such type or zone)."""
    found = regions.zone(region, zone_name=zone)
    pool = make_pool(region, found, itype, product) if found else None
    if pool is None:
        return None
    return pool.price(pool.last_change(_epoch(now or utcnow())))


def fmt(price: float) -> str:
    """A price as AWS writes it: six decimals."""
    return f"{price:.6f}"


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _epoch(when: dt.datetime) -> int:
    return math.floor(when.timestamp())


def _time(seconds: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.timezone.utc)


# -- DescribeSpotPriceHistory ----------------------------------------------------------------
def _stamp(w: Any, rid: str, row: dict[str, Any]) -> list[str]:
    when = row["Timestamp"]
    return [when.strftime("%Y-%m-%dT%H:%M:%S.000Z"), when.strftime("%Y-%m-%dT%H:%M:%SZ")]


POOL_FILTERS: filters.FilterTable = {
    "availability-zone": filters.Filter(lambda w, rid, row: row["AvailabilityZone"]),
    "instance-type": filters.Filter(lambda w, rid, row: row["InstanceType"]),
    "product-description": filters.Filter(lambda w, rid, row: row["ProductDescription"]),
}
ENTRY_FILTERS: filters.FilterTable = {
    "spot-price": filters.Filter(lambda w, rid, row: row["SpotPrice"]),
    "timestamp": filters.Filter(_stamp),
}
FILTERS: filters.FilterTable = {**POOL_FILTERS, **ENTRY_FILTERS}


def history(region: str, params: dict[str, Any], now: dt.datetime | None = None
            ) -> tuple[list[dict[str, Any]], str | None]:
    """Answer DescribeSpotPriceHistory: (SpotPriceHistory page, NextToken)."""
    specs = params.get("Filters") or []
    filters.select_rows(FILTERS, specs, [])          # unknown filter names fail first
    pool_specs = [s for s in specs if s.get("Name") in POOL_FILTERS]
    entry_specs = [s for s in specs if s.get("Name") not in POOL_FILTERS]
    limit = _max_results(params.get("MaxResults"))
    start, end = _window(params, now or utcnow())
    after = _position(paging.decode(params["NextToken"], "spot-prices", _is_position)) \
        if params.get("NextToken") else None
    pools = _pools(region, params, pool_specs)
    page: list[dict[str, Any]] = []
    stream = _merged(pools, start, end, after)
    for chunk in _chunks(stream, max(limit, 64)):
        rows = [row for _, _, row in chunk]
        kept = {id(r) for r in filters.select_rows(ENTRY_FILTERS, entry_specs, rows)}
        for n, (when, order, row) in enumerate(chunk):
            if id(row) not in kept:
                continue
            page.append(row)
            if len(page) == limit:
                more = n + 1 < len(chunk) or _more(stream)
                return page, paging.encode("spot-prices", [when, *order]) if more else None
    return page, None


def _more(stream: Iterator[Any]) -> bool:
    for _ in stream:
        return True
    return False


def _chunks(stream: Iterator[Any], size: int) -> Iterator[list[Any]]:
    while True:
        chunk = [item for _, item in zip(range(size), stream)]
        if not chunk:
            return
        yield chunk


def _max_results(value: int | None) -> int:
    if value is None:
        return MAX_RESULTS
    if not 1 <= value <= MAX_RESULTS:
        raise InvalidParameterValue(
            f"Value ( {value} ) for parameter maxResults is invalid. "
            f"Parameter must be between 1 and {MAX_RESULTS}.")
    return value


def _window(params: dict[str, Any], now: dt.datetime) -> tuple[int, int]:
    """[start, end] in epoch seconds: at most the past 90 days, ending no later than now."""
    oldest = now - HISTORY
    start = params.get("StartTime") or oldest
    end = params.get("EndTime") or now
    start, end = max(start, oldest), min(end, now)
    return _epoch(min(start, now)), _epoch(max(end, oldest))


def _pools(region: str, params: dict[str, Any], pool_specs: list[dict[str, Any]]) -> list[Pool]:
    zone_name, zone_id = params.get("AvailabilityZone"), params.get("AvailabilityZoneId")
    if zone_name and zone_id:
        raise InvalidParameterCombination(
            "Either availabilityZone or availabilityZoneId must be specified, but not both.")
    zones = [z for z in regions.zones(region)
             if (not zone_name or z["ZoneName"] == zone_name)
             and (not zone_id or z["ZoneId"] == zone_id)]
    types = list(dict.fromkeys(params.get("InstanceTypes") or [])) or instance_types.names()
    products = [p for p in PRODUCTS if not params.get("ProductDescriptions")
                or p in params["ProductDescriptions"]]
    offered = [(z, t) for z in zones for t in sorted(types)
               if instance_types.offered(region, "availability-zone", z["ZoneName"], t)]
    rows = [{"AvailabilityZone": z["ZoneName"], "InstanceType": t, "ProductDescription": p,
             "zone": z} for z, t in offered for p in products]
    chosen = filters.select_rows(POOL_FILTERS, pool_specs, rows)
    made = (make_pool(region, r["zone"], r["InstanceType"], r["ProductDescription"])
            for r in chosen)
    return [pool for pool in made if pool is not None]


def _merged(pools: list[Pool], start: int, end: int,
            after: tuple[int, tuple[str, str, str]] | None
            ) -> Iterator[tuple[int, tuple[str, str, str], dict[str, Any]]]:
    """Every pool's changes in [start, end] plus the one before `start`, newest first
    (ties in pool order), resuming after the position `after` of a previous page."""
    heap: list[tuple[int, tuple[str, str, str], int, int]] = []
    for n, pool in enumerate(pools):
        i = pool.last_change(end)
        if after is not None:
            when, order = after
            if pool.changed(i) > when or (pool.changed(i) == when and pool.order <= order):
                i = pool.last_change(when)
                if pool.changed(i) == when and pool.order <= order:
                    i -= 1
        if _wanted(pool, i, start):
            heap.append((-pool.changed(i), pool.order, n, i))
    heapq.heapify(heap)
    while heap:
        negative, order, n, i = heapq.heappop(heap)
        pool = pools[n]
        yield -negative, order, _row(pool, i)
        if _wanted(pool, i - 1, start):
            heapq.heappush(heap, (-pool.changed(i - 1), order, n, i - 1))


def _wanted(pool: Pool, i: int, start: int) -> bool:
    """Change `i` is in the window, or is the last one before it (the price at `start`)."""
    return pool.changed(i) >= start or pool.changed(i + 1) > start


def _row(pool: Pool, i: int) -> dict[str, Any]:
    return {"AvailabilityZone": pool.zone, "AvailabilityZoneId": pool.zone_id,
            "InstanceType": pool.itype, "ProductDescription": pool.product,
            "SpotPrice": fmt(pool.price(i)), "Timestamp": _time(pool.changed(i))}


def _is_position(position: Any) -> bool:
    """A history position: [timestamp, zone, instance type, product]."""
    return (isinstance(position, list) and len(position) == 4 and isinstance(position[0], int)
            and all(isinstance(part, str) for part in position[1:]))


def _position(position: list[Any]) -> tuple[int, tuple[str, str, str]]:
    return position[0], (position[1], position[2], position[3])
