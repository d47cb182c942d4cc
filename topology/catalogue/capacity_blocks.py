"""Capacity Blocks for ML: the offerings AWS sells, as a deterministic catalogue.

A Capacity Block reserves 1, 2, 4, 8, 16, 32 or 64 accelerated instances of one type in one
zone for 1 to 14 days (in days) or up to 182 days (in weeks), starting up to 8 weeks ahead.
Blocks start and end at 11:30 UTC; an offering that starts now (rounded up to five minutes)
ends at the last 11:30 UTC within the requested duration, so its hours and minutes tell
how long it really is (AWS's `CapacityBlockDurationHours`/`Minutes`).

The upfront fee is the instance-hour price (AWS's published Capacity Block prices for
us-east-1, scaled by the region's price level and moved up to 8 % by a hash of the zone and
start day, as AWS's prices move with demand) times instances times hours. Each type is sold
in two zones of a region that offers it, chosen by a hash.

A request is answered with its recommended offering per instance type (`recommended`).
An offering id (`cb-` + 17 hex digits) encodes the offering itself (type, zone, count, start,
length) with a checksum of the region, so a purchase needs no stored state and an id from
another region, or a made-up one, is refused. Extension offerings (`cbe-`) encode the
extension's length and the end date they extend, checked against the reservation's id.

>>> ok = offerings("us-east-1", ["p5.48xlarge"], 1, 48, START, START + dt.timedelta(days=3))
>>> [(o["AvailabilityZone"], o["CapacityBlockDurationHours"]) for o in ok][:2]
[('us-east-1c', 48), ('us-east-1d', 48)]
>>> decode("us-east-1", ok[0]["CapacityBlockOfferingId"])["InstanceCount"]
1
"""
from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from ..core import regions
from ..core.errors import InvalidParameterCombination, InvalidParameterValue, MissingParameter
from . import instance_types
from .spot_prices import REGION_FACTOR

# instance type -> AWS's published Capacity Block price per instance-hour (us-east-1, USD)
HOURLY: dict[str, float] = {
    "p4d.24xlarge": 11.7955, "p4de.24xlarge": 14.7415, "p5.48xlarge": 31.464,
    "p5e.48xlarge": 34.608, "p5en.48xlarge": 36.184, "trn1.32xlarge": 7.60,
    "trn2.48xlarge": 17.784,
}
TYPES = tuple(HOURLY)
COUNTS = (1, 2, 4, 8, 16, 32, 64)
DAY = dt.timedelta(days=1)
MAX_DAYS_IN_DAYS, MAX_DAYS = 14, 182
AHEAD = dt.timedelta(weeks=8)          # how far ahead a block may start
START_TIME = dt.time(11, 30, tzinfo=dt.timezone.utc)
SLOT = dt.timedelta(minutes=5)
BASE = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)   # offering ids count slots from here
ZONES_PER_TYPE = 2
CURRENCY = "USD"
START = dt.datetime(2030, 1, 7, 11, 30, tzinfo=dt.timezone.utc)   # for the examples


# -- requests ---------------------------------------------------------------------------------
def check_duration(hours: int, member: str = "CapacityDurationHours") -> None:
    """1-day steps up to 14 days, 7-day steps up to 182 days (AWS's documented rule)."""
    days, rest = divmod(hours, 24)
    if hours < 24 or rest or days > MAX_DAYS or (days > MAX_DAYS_IN_DAYS and days % 7):
        raise InvalidParameterValue(
            f"Value ({hours}) for parameter {member} is invalid. You must specify the duration "
            f"in 1-day increments up to {MAX_DAYS_IN_DAYS} days, and in 7-day increments up "
            f"to {MAX_DAYS} days.")


def check_count(count: int | None) -> int:
    if count is None:
        raise MissingParameter("The request must contain the parameter InstanceCount")
    if count not in COUNTS:
        raise InvalidParameterValue(
            f"Value ({count}) for parameter InstanceCount is invalid. A Capacity Block can "
            f"have {', '.join(map(str, COUNTS))} instances.")
    return count


def requested_types(region: str, instance_type: str | None,
                    preferences: list[dict[str, Any]] | None) -> list[str]:
    """The types a DescribeCapacityBlockOfferings asks about (InstanceType or preferences)."""
    if instance_type and preferences:
        raise InvalidParameterCombination(
            "You can specify either InstanceType or InstanceTypePreferences, not both.")
    names = [instance_type] if instance_type else [p.get("InstanceType") or ""
                                                    for p in preferences or []]
    if not names:
        raise MissingParameter("The request must contain the parameter InstanceType or "
                               "InstanceTypePreferences")
    for name in names:
        if name not in HOURLY:
            raise InvalidParameterValue(
                f"The instance type '{name}' is not supported for Capacity Blocks.")
    return list(dict.fromkeys(names))


def window(now: dt.datetime, start: dt.datetime | None, end: dt.datetime | None
           ) -> tuple[dt.datetime, dt.datetime]:
    """The [earliest start, latest end] a request searches, checked as AWS does."""
    earliest = max(start or now, now)
    if start is not None and start > now + AHEAD:
        raise InvalidParameterValue("The start date range must be within 8 weeks from now: "
                                    "Capacity Blocks can be reserved up to 8 weeks in advance.")
    if end is not None and end <= now:
        raise InvalidParameterValue("The end date range must be in the future.")
    if start is not None and end is not None and end <= start:
        raise InvalidParameterValue("The end date range must be later than the start date "
                                    "range.")
    return earliest, end or earliest + AHEAD + dt.timedelta(days=MAX_DAYS)


# -- the catalogue ----------------------------------------------------------------------------
def _unit(*parts: Any) -> float:
    """A number in [0, 1) from a hash of `parts` (the same every run)."""
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2 ** 64


def zones(region: str, type_name: str) -> list[dict[str, str]]:
    """The zones of `region` that sell Capacity Blocks of `type_name`, in zone order."""
    offered = instance_types.zones_offering(region, type_name)
    chosen = sorted(offered, key=lambda z: _unit(region, type_name, z))[:ZONES_PER_TYPE]
    return [z for z in regions.zones(region) if z["ZoneName"] in chosen]


def price(region: str, type_name: str, zone: str, day: dt.date) -> float:
    """The instance-hour price of a block in `zone` starting on `day`."""
    level = HOURLY[type_name] * REGION_FACTOR.get(region, 1.1)
    return level * (0.96 + 0.08 * _unit(region, type_name, zone, day.isoformat()))


def fee(region: str, type_name: str, zone: str, start: dt.datetime, end: dt.datetime,
        count: int) -> str:
    hours = (end - start) / dt.timedelta(hours=1)
    return f"{price(region, type_name, zone, start.date()) * hours * count:.2f}"


def _slot_up(moment: dt.datetime) -> dt.datetime:
    moment = moment.replace(second=0, microsecond=0)
    return moment + (-(moment - BASE)) % SLOT


def _boundary_on_or_after(moment: dt.datetime) -> dt.datetime:
    candidate = dt.datetime.combine(moment.date(), START_TIME)
    return candidate if candidate >= moment else candidate + DAY


def _schedule(now: dt.datetime, earliest: dt.datetime, latest: dt.datetime, hours: int
              ) -> list[tuple[dt.datetime, dt.datetime]]:
    """The (start, end) of every block of `hours` in the window: one starting right away
    (when the window begins now) and one each day at 11:30 UTC."""
    length = dt.timedelta(hours=hours)
    out = []
    first = _boundary_on_or_after(earliest)
    if earliest - now < SLOT:                 # starting now: it ends at an 11:30 boundary
        start = _slot_up(now)
        end = _boundary_on_or_after(start + length)
        if end > start + length:
            end -= DAY
        if end > start and end <= latest and start != first:
            out.append((start, end))
    day = first
    while day <= now + AHEAD and day + length <= latest:
        out.append((day, day + length))
        day += DAY
    return out


def offerings(region: str, types: list[str], count: int, hours: int, earliest: dt.datetime,
              latest: dt.datetime, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """boto3's `CapacityBlockOffering` rows, by start date, then type and zone."""
    now = now or earliest
    rows = []
    for start, end in _schedule(now, earliest, latest, hours):
        for type_name in types:
            for zone in zones(region, type_name):
                rows.append(_row(region, type_name, zone, count, start, end))
    return rows


def recommended(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """AWS answers the recommended offering for the dates asked, one per instance type: the
    earliest to start, the cheapest of those (Terraform's data source expects exactly one
    for one type)."""
    best: dict[str, dict[str, Any]] = {}
    for row in rows:
        kept = best.get(row["InstanceType"])
        if kept is None or (row["StartDate"], float(row["UpfrontFee"])) < (
                kept["StartDate"], float(kept["UpfrontFee"])):
            best[row["InstanceType"]] = row
    return list(best.values())


def _row(region: str, type_name: str, zone: dict[str, str], count: int, start: dt.datetime,
         end: dt.datetime) -> dict[str, Any]:
    hours, minutes = divmod(int((end - start).total_seconds()) // 60, 60)
    return {"CapacityBlockOfferingId": encode(region, type_name, zone["ZoneName"], count,
                                              start, end),
            "InstanceType": type_name, "AvailabilityZone": zone["ZoneName"],
            "InstanceCount": count, "StartDate": start, "EndDate": end,
            "CapacityBlockDurationHours": hours,
            "UpfrontFee": fee(region, type_name, zone["ZoneName"], start, end, count),
            "CurrencyCode": CURRENCY, "Tenancy": "default",
            "CapacityBlockDurationMinutes": minutes, "ZoneType": "availability-zone"}


# -- offering ids -----------------------------------------------------------------------------
def _pack(fields: list[tuple[int, int]]) -> int:
    value = 0
    for number, bits in fields:
        if not 0 <= number < 2 ** bits:
            raise ValueError(number)
        value = value << bits | number
    return value


def _seal(prefix: str, scope: str, payload: int, payload_bits: int) -> str:
    check_bits = 68 - payload_bits
    check = int(_unit(scope, payload) * 2 ** check_bits)
    mask = int(_unit("mask", scope) * 2 ** payload_bits)
    return f"{prefix}-{(payload ^ mask) << check_bits | check:017x}"


def _open(prefix: str, scope: str, offering_id: str, payload_bits: int) -> int | None:
    head, _, tail = offering_id.partition("-")
    if head != prefix or len(tail) != 17 or any(c not in "0123456789abcdef" for c in tail):
        return None
    check_bits = 68 - payload_bits
    raw = int(tail, 16)
    payload = (raw >> check_bits) ^ int(_unit("mask", scope) * 2 ** payload_bits)
    return payload if raw & (2 ** check_bits - 1) == int(_unit(scope, payload)
                                                          * 2 ** check_bits) else None


_BITS = (4, 4, 3, 20, 16)   # type, zone, count, start slot, length in slots


def encode(region: str, type_name: str, zone: str, count: int, start: dt.datetime,
           end: dt.datetime) -> str:
    names = [z["ZoneName"] for z in regions.zones(region)]
    fields = [TYPES.index(type_name), names.index(zone), COUNTS.index(count),
              (start - BASE) // SLOT, (end - start) // SLOT]
    return _seal("cb", region, _pack(list(zip(fields, _BITS))), sum(_BITS))


def decode(region: str, offering_id: str) -> dict[str, Any] | None:
    """The offering an id names in `region` (its row), or None for no such offering."""
    payload = _open("cb", region, offering_id, sum(_BITS))
    if payload is None:
        return None
    fields = []
    for bits in reversed(_BITS):
        fields.append(payload & (2 ** bits - 1))
        payload >>= bits
    t, z, c, start_slot, length = reversed(fields)
    zone_rows = regions.zones(region)
    if t >= len(TYPES) or z >= len(zone_rows) or c >= len(COUNTS):
        return None
    start = BASE + start_slot * SLOT
    return _row(region, TYPES[t], zone_rows[z], COUNTS[c], start, start + length * SLOT)


def encode_extension(cr_id: str, end: dt.datetime, hours: int) -> str:
    payload = _pack([((end - BASE) // SLOT, 20), (hours // 24, 8)])
    return _seal("cbe", cr_id, payload, 28)


def decode_extension(cr_id: str, offering_id: str) -> tuple[dt.datetime, int] | None:
    """(the end date it extends, its hours) of an extension offering of `cr_id`, or None."""
    payload = _open("cbe", cr_id, offering_id, 28)
    if payload is None:
        return None
    return BASE + (payload >> 8) * SLOT, (payload & 255) * 24
