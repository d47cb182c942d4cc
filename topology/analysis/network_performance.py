"""AWS Network Manager Infrastructure Performance, as EC2 serves it: metric subscriptions,
GetAwsNetworkPerformanceData, and an instance's bandwidth weighting.

Subscriptions (source and destination: two Regions, or two zone ids of one Region; metric
`aggregate-latency`, statistic `p50`, period `five-minutes`) are a partition setting.

The performance data is SYNTHETIC and deterministic: no packet is measured. The latency
between two Regions is 2 ms plus 1 ms per 100 km of great-circle distance between the
Regions' cities (a round trip over fibre at about two thirds of the speed of light), and
between two zones of one Region 0.4 to 1.4 ms (from a hash of the pair); each point then
varies by at most 2% with the time of day, so the same query always gives the same numbers.
Points follow AWS's shape: one per period from the period boundary at or before the start
time up to the end time (default: the last hour), each with `StartDate`, `EndDate`,
`Value` (milliseconds) and `Status` `OK`.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import math
from typing import Any

from ..catalogue import instance_types
from ..compute import instance_options
from ..compute.instance_state import state_name
from ..core import clock, paging, regions
from ..core.errors import IncorrectState, InvalidParameterValue, MissingParameter
from ..core.family import declare_actions
from ..core.filters import FilterTable, field, select_rows
from ..core.world import Partition, World

SETTING = "aws-network-performance-subscriptions"
PERIODS = {"five-minutes": 300, "fifteen-minutes": 900, "one-hour": 3600,
           "three-hours": 10800, "one-day": 86400, "one-week": 604800}
MAX_POINTS = 100_000
# the city each Region's data centres are near (latitude, longitude), for distances
CITIES: dict[str, tuple[float, float]] = {
    "us-east-1": (39.0, -77.5), "us-east-2": (40.0, -83.0), "us-west-1": (37.4, -122.0),
    "us-west-2": (45.8, -119.7), "ca-central-1": (45.5, -73.6), "ca-west-1": (51.0, -114.1),
    "sa-east-1": (-23.5, -46.6), "eu-west-1": (53.3, -6.3), "eu-west-2": (51.5, -0.1),
    "eu-west-3": (48.9, 2.4), "eu-central-1": (50.1, 8.7), "eu-central-2": (47.4, 8.5),
    "eu-north-1": (59.3, 18.1), "eu-south-1": (45.5, 9.2), "eu-south-2": (41.6, -0.9),
    "ap-northeast-1": (35.7, 139.7), "ap-northeast-2": (37.6, 127.0),
    "ap-northeast-3": (34.7, 135.5), "ap-south-1": (19.1, 72.9), "ap-south-2": (17.4, 78.5),
    "ap-southeast-1": (1.35, 103.8), "ap-southeast-2": (-33.9, 151.2),
    "ap-southeast-3": (-6.2, 106.8), "ap-southeast-4": (-37.8, 145.0),
    "ap-east-1": (22.3, 114.2), "af-south-1": (-33.9, 18.4), "il-central-1": (32.1, 34.8),
    "me-south-1": (26.1, 50.6), "me-central-1": (24.5, 54.4)}


# -- sources and destinations -----------------------------------------------------------------
def _zone_region(zone_id: str) -> str | None:
    for r in regions.REGIONS:
        if any(z["ZoneId"] == zone_id for z in regions.zones(r.name)):
            return r.name
    return None


def check_pair(source: str | None, destination: str | None) -> tuple[str, str]:
    """Two Regions, or two zone ids of one Region, that differ."""
    if not source:
        raise MissingParameter("The request must contain the parameter Source")
    if not destination:
        raise MissingParameter("The request must contain the parameter Destination")
    kinds = []
    for member, value in (("Source", source), ("Destination", destination)):
        if value in regions.by_name():
            kinds.append(("region", value))
        elif _zone_region(value) is not None:
            kinds.append(("zone", _zone_region(value)))
        else:
            raise InvalidParameterValue(f"Value ({value}) for parameter {member} is invalid. "
                                        "Specify a Region (us-east-1) or an Availability Zone "
                                        "ID (use1-az1).")
    if kinds[0][0] != kinds[1][0]:
        raise InvalidParameterValue("Source and Destination must both be Regions or both be "
                                    "Availability Zone IDs.")
    if kinds[0][0] == "zone" and kinds[0][1] != kinds[1][1]:
        raise InvalidParameterValue("If you use Availability Zone IDs, the Source and "
                                    "Destination Availability Zones must be in the same "
                                    "Region.")
    if source == destination:
        raise InvalidParameterValue("Source and Destination must be different.")
    return source, destination


# -- subscriptions ----------------------------------------------------------------------------
def subscriptions(part: Partition) -> list[dict[str, Any]]:
    return list(part.attributes.get(SETTING) or [])


def enable(world: World, part: Partition, source: str | None = None,
           destination: str | None = None, metric: str | None = None,
           statistic: str | None = None) -> bool:
    source, destination = check_pair(source, destination)
    row = {"Source": source, "Destination": destination,
           "Metric": metric or "aggregate-latency", "Statistic": statistic or "p50",
           "Period": "five-minutes"}
    current = subscriptions(part)
    if row not in current:
        world.set_attribute(part, SETTING, current + [row])
    return True


def disable(world: World, part: Partition, source: str | None = None,
            destination: str | None = None, metric: str | None = None,
            statistic: str | None = None) -> bool:
    """Remove a subscription; `False` when there was none such."""
    source, destination = check_pair(source, destination)
    current = subscriptions(part)
    kept = [r for r in current if (r["Source"], r["Destination"], r["Metric"], r["Statistic"])
            != (source, destination, metric or "aggregate-latency", statistic or "p50")]
    if len(kept) == len(current):
        return False
    world.set_attribute(part, SETTING, kept or None)
    return True


SUBSCRIPTION_FILTERS: FilterTable = {
    "source": field("Source"), "destination": field("Destination"),
    "metric": field("Metric"), "statistic": field("Statistic"), "period": field("Period")}


def _offset(token: str | None, scope: str) -> int:
    return paging.decode(token, scope, lambda p: isinstance(p, int) and p >= 0) if token else 0


def describe(world: World, part: Partition, max_results: int | None = None,
             next_token: str | None = None, filters: list[dict[str, Any]] | None = None
             ) -> dict[str, Any]:
    rows = select_rows(SUBSCRIPTION_FILTERS, filters, subscriptions(part), taggable=False)
    start = _offset(next_token, "performance-subscriptions")
    end = start + max_results if max_results else len(rows)
    return {"NextToken": paging.encode("performance-subscriptions", end)
            if end < len(rows) else None, "Subscriptions": rows[start:end]}


# -- the data ---------------------------------------------------------------------------------
def _hash(*parts: str) -> float:
    """A number in [0, 1) fixed by `parts`."""
    digest = hashlib.sha256("|".join(parts).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2 ** 64


def _distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * 6371 * math.asin(math.sqrt(h))


def base_latency(source: str, destination: str) -> float:
    """The synthetic median round-trip latency (ms) between two Regions or zones."""
    pair = sorted((source, destination))
    if source in CITIES and destination in CITIES:
        return 2.0 + _distance_km(CITIES[source], CITIES[destination]) / 100
    if source in regions.by_name():      # a Region without a city on file
        return 20.0 + 180.0 * _hash(*pair)
    return 0.4 + _hash(*pair)            # two zones of one Region


def latency(source: str, destination: str, when: dt.datetime) -> float:
    base = base_latency(source, destination)
    day = (when.timestamp() % 86400) / 86400
    wobble = 0.02 * math.sin(2 * math.pi * (day + _hash(source, destination)))
    return round(base * (1 + wobble), 6)


def _points(source: str, destination: str, period: str, start: dt.datetime,
            end: dt.datetime) -> list[dict[str, Any]]:
    step = PERIODS[period]
    first = int(start.timestamp()) // step * step
    out = []
    for t in range(first, int(end.timestamp()), step):
        begin = dt.datetime.fromtimestamp(t, dt.timezone.utc)
        out.append({"StartDate": begin, "EndDate": begin + dt.timedelta(seconds=step),
                    "Value": latency(source, destination, begin), "Status": "OK"})
    return out


def performance_data(world: World, part: Partition,
                     data_queries: list[dict[str, Any]] | None = None,
                     start_time: dt.datetime | None = None, end_time: dt.datetime | None = None,
                     max_results: int | None = None, next_token: str | None = None
                     ) -> dict[str, Any]:
    """One response per query (paged by MaxResults), each with its synthetic points."""
    end = end_time or clock.now()
    start = start_time or end - dt.timedelta(hours=1)
    if start >= end:
        raise InvalidParameterValue("The StartTime must be earlier than the EndTime.")
    queries = []
    for query in data_queries or []:
        source, destination = check_pair(query.get("Source"), query.get("Destination"))
        period = query.get("Period") or "five-minutes"
        if (end - start).total_seconds() / PERIODS[period] > MAX_POINTS:
            raise InvalidParameterValue(f"The time range holds more than {MAX_POINTS} periods "
                                        f"of {period}.")
        queries.append((query, source, destination, period))
    begin = _offset(next_token, "performance-data")
    stop = begin + max_results if max_results else len(queries)
    responses = []
    for query, source, destination, period in queries[begin:stop]:
        item = {"Id": query["Id"]} if query.get("Id") is not None else {}
        item.update({"Source": source, "Destination": destination,
                     "Metric": query.get("Metric") or "aggregate-latency",
                     "Statistic": query.get("Statistic") or "p50", "Period": period,
                     "MetricPoints": _points(source, destination, period, start, end)})
        responses.append(item)
    return {"DataResponses": responses,
            "NextToken": paging.encode("performance-data", stop) if stop < len(queries)
            else None}


# -- an instance's bandwidth weighting --------------------------------------------------------
def modify_instance_options(world: World, part: Partition, instance_id: str,
                            bandwidth_weighting: str) -> None:
    """Set the instance's `NetworkPerformanceOptions.BandwidthWeighting`: one its instance
    type offers (AWS: only some types support configurable bandwidth weighting)."""
    node = world.get(part, "instance", instance_id)
    if state_name(world, instance_id) in ("shutting-down", "terminated"):
        raise IncorrectState(f"The instance '{instance_id}' is not in a valid state for this "
                             "operation.", "IncorrectInstanceState")
    type_name = node["InstanceType"]
    bandwidth_weighting = instance_options.bandwidth_weighting(
        type_name, instance_types.get(type_name) or {}, bandwidth_weighting)
    world.update(instance_id, NetworkPerformanceOptions={
        "BandwidthWeighting": bandwidth_weighting})


declare_actions("instance", {
    "ModifyInstanceNetworkPerformanceOptions": modify_instance_options})
