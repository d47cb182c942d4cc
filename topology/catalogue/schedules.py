"""The Scheduled Instance catalogue: which schedules a Region offers, and recurrence maths.

AWS sold Scheduled Instances of the C3, C4, M4 and R3 families for a one-year term; of
those, the catalogue carries C4. Every zone of a Region offers each C4 size for
`Linux/UNIX` and `Windows` in `EC2-VPC`, a stable number of instances (a hash draw, the
same every run) at 95% of the On-Demand price. A schedule is a recurrence (daily, weekly on
days 1-7 where 1 is Sunday, monthly on days of the month or a weekday of it) and a slot
duration; AWS requires 1,200 hours a year, so the least slot is 4 hours daily, 24 weekly,
100 monthly. A purchase token is the offer itself, encoded, so that purchasing needs no
stored state and tampering with it is `InvalidPurchaseToken.Malformed`.
"""
from __future__ import annotations

import base64
import calendar
import datetime as dt
import json
from typing import Any, Iterator

from ..core import regions
from ..core.errors import InvalidParameterValue, TopologyError
from . import spot_prices

TYPES = ("c4.large", "c4.xlarge", "c4.2xlarge", "c4.4xlarge", "c4.8xlarge")
PLATFORMS = ("Linux/UNIX", "Windows")
NETWORK_PLATFORM = "EC2-VPC"
MIN_HOURS = {"Daily": 4, "Weekly": 24, "Monthly": 100}
YEARLY_HOURS = 1200
MAX_SLOT_HOURS = 1720
TERM_DAYS = 366
DISCOUNT = 0.95
AHEAD = dt.timedelta(days=93)            # "no more than 3 months in advance"
UNITS = {"Weekly": "DayOfWeek", "Monthly": "DayOfMonth"}


def recurrence(req: dict[str, Any]) -> dict[str, Any]:
    """A `ScheduledInstanceRecurrenceRequest` checked, as AWS answers it (`OccurrenceDaySet`)."""
    freq = req.get("Frequency")
    if freq not in MIN_HOURS:
        raise InvalidParameterValue(f"Invalid value '{freq}' for frequency. Valid values are "
                                    "Daily, Weekly and Monthly.")
    interval = req.get("Interval") or 1
    if interval < 1:
        raise InvalidParameterValue("The interval must be at least 1.")
    days = sorted(set(req.get("OccurrenceDays") or []))
    unit = req.get("OccurrenceUnit")
    relative = bool(req.get("OccurrenceRelativeToEnd"))
    if freq == "Daily":
        if days or unit or relative:
            raise InvalidParameterValue("You can't specify occurrence days, an occurrence "
                                        "unit or OccurrenceRelativeToEnd for a daily schedule.")
    else:
        unit = unit or UNITS[freq]
        if freq == "Weekly" and unit != "DayOfWeek":
            raise InvalidParameterValue("A weekly schedule takes the DayOfWeek unit.")
        if unit not in ("DayOfWeek", "DayOfMonth"):
            raise InvalidParameterValue(f"Invalid value '{unit}' for occurrenceUnit.")
        top = 7 if unit == "DayOfWeek" else 31
        if not days or any(not 1 <= d <= top for d in days):
            raise InvalidParameterValue(f"The occurrence days must be between 1 and {top}.")
        if relative and len(days) != 1:
            raise InvalidParameterValue("A schedule relative to the end of the period takes "
                                        "a single occurrence day.")
    out = {"Frequency": freq, "Interval": interval, "OccurrenceDaySet": days,
           "OccurrenceRelativeToEnd": relative}
    return {**out, "OccurrenceUnit": unit} if unit else out


def starts(rule: dict[str, Any], first: dt.datetime) -> Iterator[dt.datetime]:
    """The slot starts of `rule` at `first`'s time of day, from `first`'s day on."""
    day = first.replace(hour=0, minute=0, second=0, microsecond=0)
    clock = first - day
    origin = day
    while True:
        if _occurs(rule, day, origin):
            yield day + clock
        day += dt.timedelta(days=1)


def _occurs(rule: dict[str, Any], day: dt.datetime, origin: dt.datetime) -> bool:
    interval, days = rule["Interval"], rule["OccurrenceDaySet"]
    if rule["Frequency"] == "Daily":
        return (day - origin).days % interval == 0
    weekday = day.isoweekday() % 7 + 1            # AWS: 1 is Sunday
    if rule["Frequency"] == "Weekly":
        weeks = ((day - origin).days + origin.isoweekday() % 7) // 7
        return weeks % interval == 0 and weekday in days
    months = (day.year - origin.year) * 12 + day.month - origin.month
    if months % interval:
        return False
    last = calendar.monthrange(day.year, day.month)[1]
    if rule.get("OccurrenceUnit") == "DayOfMonth":
        wanted = last - days[0] + 1 if rule["OccurrenceRelativeToEnd"] else None
        return day.day == wanted if wanted else day.day in days
    if weekday not in days:
        return False
    return day.day > last - 7 if rule["OccurrenceRelativeToEnd"] else day.day <= 7


def yearly_slots(rule: dict[str, Any]) -> float:
    per = {"Daily": 365, "Weekly": 52, "Monthly": 12}[rule["Frequency"]]
    count = max(1, len(rule["OccurrenceDaySet"]))
    return per * count / rule["Interval"]


def availability(region: str, params: dict[str, Any], now: dt.datetime) -> list[dict[str, Any]]:
    """DescribeScheduledInstanceAvailability's offers (before filters and paging)."""
    rule = recurrence(params["Recurrence"])
    window = params["FirstSlotStartTimeRange"]
    earliest, latest = _utc(window["EarliestTime"]), _utc(window["LatestTime"])
    if earliest > latest:
        raise InvalidParameterValue("The earliest time must be before the latest time.")
    if latest > now + AHEAD:
        raise InvalidParameterValue("You can search for an available schedule no more than "
                                    "3 months in advance.")
    slot = _slot_hours(rule, params)
    first = next(starts(rule, earliest.replace(minute=0, second=0, microsecond=0)))
    if first > latest:
        return []
    total = int(slot * yearly_slots(rule))
    rows = []
    for zone in regions.zones(region):
        for itype in TYPES:
            for platform in PLATFORMS:
                rows.append(_offer(region, zone["ZoneName"], itype, platform, rule, first,
                                   slot, total))
    return rows


def _slot_hours(rule: dict[str, Any], params: dict[str, Any]) -> int:
    least = max(MIN_HOURS[rule["Frequency"]],
                -(-YEARLY_HOURS // int(yearly_slots(rule))))
    low = params.get("MinSlotDurationInHours")
    high = params.get("MaxSlotDurationInHours")
    if high is not None and (high >= MAX_SLOT_HOURS or (low is not None and high < low)):
        raise InvalidParameterValue(f"The maximum slot duration must be at least the minimum "
                                    f"and less than {MAX_SLOT_HOURS} hours.")
    if low is not None and low < least:
        raise InvalidParameterValue(f"The minimum slot duration for this schedule is {least} "
                                    f"hours ({YEARLY_HOURS} hours a year).")
    return max(least, low or 0)


def _offer(region: str, zone: str, itype: str, platform: str, rule: dict[str, Any],
           first: dt.datetime, slot: int, total: int) -> dict[str, Any]:
    product = "Windows" if platform == "Windows" else "Linux/UNIX"
    price = (spot_prices.on_demand(region, itype, product) or 0.0) * DISCOUNT
    count = 1 + int(spot_prices.unit(region, zone, itype, platform, "scheduled") * 20)
    offer = {"AvailabilityZone": zone, "AvailableInstanceCount": count,
             "FirstSlotStartTime": first, "HourlyPrice": f"{price:.4f}", "InstanceType": itype,
             "MaxTermDurationInDays": TERM_DAYS, "MinTermDurationInDays": TERM_DAYS,
             "NetworkPlatform": NETWORK_PLATFORM, "Platform": platform, "Recurrence": rule,
             "SlotDurationInHours": slot, "TotalScheduledInstanceHours": total}
    return {**offer, "PurchaseToken": _token(region, offer)}


def _token(region: str, offer: dict[str, Any]) -> str:
    data = {**offer, "FirstSlotStartTime": offer["FirstSlotStartTime"].isoformat(),
            "Region": region}
    return base64.urlsafe_b64encode(json.dumps(data, sort_keys=True).encode()).decode()


def offer_of(region: str, token: str) -> dict[str, Any]:
    """The offer a purchase token names; AWS's Malformed for anything else."""
    try:
        data = json.loads(base64.urlsafe_b64decode(token.encode()))
        data["FirstSlotStartTime"] = dt.datetime.fromisoformat(data["FirstSlotStartTime"])
        if data.pop("Region") != region or _token(region, data) != token:
            raise ValueError(token)
    except (ValueError, KeyError, TypeError, AttributeError):
        raise TopologyError(f"The purchase token '{token}' is malformed.",
                            "InvalidPurchaseToken.Malformed") from None
    return dict(data)


def _utc(when: dt.datetime) -> dt.datetime:
    return when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)
