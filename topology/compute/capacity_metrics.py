"""EC2 Capacity Manager's metrics, computed from the graph when asked.

Every capacity reservation (and Capacity Block) of the accounts Capacity Manager covers
(the caller's, or its organization's with Organizations access), in every region, is one
`Record` from its start to its end; every pending or running instance is one from its
launch until now, `reserved` when it runs in a reservation, `spot` for a Spot instance,
else `unreserved`. A query cuts [StartTime, EndTime) into periods, keeps the records the
`FilterBy` conditions select, groups them by the `GroupBy` dimensions and evaluates each
metric on the hours each record overlaps each period (`METRICS`).

What ec2sim does not know is approximated: a reservation's use over the past is its use
now; nothing is interrupted (Spot interruption metrics read 0), every request was
fulfilled; costs are On-Demand prices (`spot_prices.on_demand`, Spot at a third).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ..catalogue import instance_types, spot_prices
from ..core import clock, paging, schema, sharing
from ..core.errors import InvalidParameterValue, MissingParameter
from ..core.family import declare_actions
from ..core.world import Partition, World
from . import capacity_manager as manager
from . import capacity_reservations as crs

HOUR = dt.timedelta(hours=1)
MAX_METRICS = 10               # per GetCapacityManagerMetricData request (AWS's documented)
MAX_DATA_POINTS = 100_000
MAX_DIMENSIONS = 1000
RUNNING = ("pending", "running")
SPOT_SHARE = 1 / 3


@dataclass(frozen=True)
class Record:
    """One reservation or one instance, over [start, end)."""

    kind: str                    # "reservation" | "reserved" | "unreserved" | "spot"
    dims: dict[str, Any]         # GroupBy dimension -> value
    start: dt.datetime
    end: dt.datetime | None
    count: int = 1               # instances reserved (1 for an instance)
    used: int = 0                # instances running in a reservation
    vcpus: int = 0               # per instance
    price: float = 0.0           # per instance-hour
    state: str = ""
    committed: int = 0

    def hours(self, begin: dt.datetime, finish: dt.datetime) -> float:
        low, high = max(self.start, begin), min(self.end or finish, finish)
        return max((high - low) / HOUR, 0.0)


# -- records ----------------------------------------------------------------------------------
def _accounts(world: World, part: Partition) -> set[str]:
    settings = manager.enabled(part)
    org = sharing.organization_of(world, part.account)
    if settings["OrganizationsAccess"] and org is not None:
        found = next((o["Accounts"] for o in sharing.organizations(world)
                      if o["Id"] == org), [])
        return {part.account, *found}
    return {part.account}


def _type_facts(type_name: str, region: str, platform: str) -> tuple[int, float]:
    info = instance_types.get(type_name) or {}
    vcpus = int((info.get("VCpuInfo") or {}).get("DefaultVCpus", 0))
    base = platform if platform in spot_prices.BASE_PRODUCTS else "Linux/UNIX"
    return vcpus, spot_prices.on_demand(region, type_name, base) or 0.0


def _reservation(world: World, cr_id: str) -> Record:
    node = world.graph.nodes[cr_id]
    state = crs.state_of(world, cr_id)
    vcpus, price = _type_facts(node["InstanceType"], node["region"], node["InstancePlatform"])
    dims = {"resource-region": node["region"], "availability-zone-id": node["AvailabilityZoneId"],
            "account-id": node["account"], "account-name": node["account"],
            "instance-family": instance_types.family(node["InstanceType"]),
            "instance-type": node["InstanceType"], "instance-platform": node["InstancePlatform"],
            "reservation-arn": crs.arn(world, cr_id), "reservation-id": cr_id,
            "reservation-type": "capacity-block" if node["ReservationType"] == "capacity-block"
            else "odcr",
            "reservation-create-timestamp": node["CreateDate"],
            "reservation-start-timestamp": node["StartDate"],
            "reservation-end-timestamp": node.get("EndDate"),
            "reservation-end-date-type": node["EndDateType"], "tenancy": node["Tenancy"],
            "reservation-state": state,
            "reservation-instance-match-criteria": node["InstanceMatchCriteria"],
            "reservation-unused-financial-owner": node.get("UnusedReservationBillingOwnerId")
            or node["account"]}
    end = node.get("EndDate")
    if state == "cancelled":
        end = min(end or clock.now(), clock.now())
    committed = node["TotalInstanceCount"] if node.get("CommitmentDuration") else 0
    return Record("reservation", dims, node["StartDate"], end, node["TotalInstanceCount"],
                  len(crs.instances(world, cr_id)), vcpus, price, state, committed)


def _instance(world: World, iid: str) -> Record | None:
    node = world.graph.nodes[iid]
    if node["State"]["Name"] not in RUNNING:
        return None
    platform = node.get("PlatformDetails") or "Linux/UNIX"
    vcpus, price = _type_facts(node["InstanceType"], node["region"], platform)
    placement = node.get("Placement") or {}
    dims = {"resource-region": node["region"],
            "availability-zone-id": placement.get("AvailabilityZoneId"),
            "account-id": node["account"], "account-name": node["account"],
            "instance-family": instance_types.family(node["InstanceType"]),
            "instance-type": node["InstanceType"], "instance-platform": platform,
            "tenancy": placement.get("Tenancy", "default")}
    kind = "spot" if node.get("InstanceLifecycle") == "spot" else "unreserved"
    reservation = world.out(iid, schema.ASSOCIATED, crs.KIND)
    if reservation and kind != "spot":
        kind = "reserved"
        cr = _reservation(world, reservation[0][0])
        dims = {**cr.dims, **dims}
    if kind == "spot":
        price *= SPOT_SHARE
    return Record(kind, dims, node["LaunchTime"], None, 1, 1, vcpus, price)


def records(world: World, part: Partition) -> list[Record]:
    """The records of every account and region Capacity Manager covers for `part`."""
    accounts = _accounts(world, part)
    out: list[Record] = []
    for each in world.partitions():
        if each.account not in accounts:
            continue
        out += [_reservation(world, cr) for cr in each.ids(crs.KIND)]
        out += [r for r in (_instance(world, i) for i in each.ids("instance")) if r]
    return out


# -- the metrics ------------------------------------------------------------------------------
Items = list[tuple[Record, float]]


def _of(items: Items, *kinds: str) -> Items:
    return [(r, h) for r, h in items if r.kind in kinds and h > 0]


def _sum(kinds: tuple[str, ...], value: Callable[[Record, float], float]
         ) -> Callable[[Items], float]:
    return lambda items: float(sum(value(r, h) for r, h in _of(items, *kinds)))


def _pick(pick: Callable[[Iterable[float]], float], value: Callable[[Record], float],
          only: Callable[[Record], bool] = lambda r: True) -> Callable[[Items], float]:
    def fn(items: Items) -> float:
        found = [value(r) for r, _ in _of(items, "reservation") if only(r)]
        return float(pick(found)) if found else 0.0
    return fn


def _mean(values: Iterable[float]) -> float:
    found = list(values)
    return sum(found) / len(found)


def _utilization(weight: Callable[[Record], float]) -> Callable[[Items], float]:
    def fn(items: Items) -> float:
        chosen = _of(items, "reservation")
        total = sum(r.count * weight(r) * h for r, h in chosen)
        return 100.0 * sum(r.used * weight(r) * h for r, h in chosen) / total if total else 0.0
    return fn


def _unused(r: Record) -> int:
    return max(r.count - r.used, 0)


def _future(r: Record) -> bool:
    return r.state == "scheduled"


def _rate(kinds: tuple[str, ...]) -> Callable[[Items], float]:
    return lambda items: 100.0 if _of(items, *kinds) else 0.0


RES = ("reservation",)
USE = ("reserved", "unreserved", "spot")
METRICS: dict[str, Callable[[Items], float]] = {
    "reservation-total-capacity-hrs-vcpu": _sum(RES, lambda r, h: r.count * r.vcpus * h),
    "reservation-total-capacity-hrs-inst": _sum(RES, lambda r, h: r.count * h),
    "reservation-max-size-vcpu": _pick(max, lambda r: r.count * r.vcpus),
    "reservation-max-size-inst": _pick(max, lambda r: r.count),
    "reservation-min-size-vcpu": _pick(min, lambda r: r.count * r.vcpus),
    "reservation-min-size-inst": _pick(min, lambda r: r.count),
    "reservation-unused-total-capacity-hrs-vcpu": _sum(RES, lambda r, h: _unused(r) * r.vcpus * h),
    "reservation-unused-total-capacity-hrs-inst": _sum(RES, lambda r, h: _unused(r) * h),
    "reservation-unused-total-estimated-cost": _sum(RES, lambda r, h: _unused(r) * r.price * h),
    "reservation-max-unused-size-vcpu": _pick(max, lambda r: _unused(r) * r.vcpus),
    "reservation-max-unused-size-inst": _pick(max, _unused),
    "reservation-min-unused-size-vcpu": _pick(min, lambda r: _unused(r) * r.vcpus),
    "reservation-min-unused-size-inst": _pick(min, _unused),
    "reservation-max-utilization": _pick(max, lambda r: 100.0 * r.used / r.count),
    "reservation-min-utilization": _pick(min, lambda r: 100.0 * r.used / r.count),
    "reservation-avg-utilization-vcpu": _utilization(lambda r: r.vcpus),
    "reservation-avg-utilization-inst": _utilization(lambda r: 1),
    "reservation-total-count": lambda items: float(len(_of(items, "reservation"))),
    "reservation-total-estimated-cost": _sum(RES, lambda r, h: r.count * r.price * h),
    "reservation-avg-future-size-vcpu": _pick(_mean, lambda r: r.count * r.vcpus, _future),
    "reservation-avg-future-size-inst": _pick(_mean, lambda r: r.count, _future),
    "reservation-min-future-size-vcpu": _pick(min, lambda r: r.count * r.vcpus, _future),
    "reservation-min-future-size-inst": _pick(min, lambda r: r.count, _future),
    "reservation-max-future-size-vcpu": _pick(max, lambda r: r.count * r.vcpus, _future),
    "reservation-max-future-size-inst": _pick(max, lambda r: r.count, _future),
    "reservation-avg-committed-size-vcpu": _pick(_mean, lambda r: r.committed * r.vcpus,
                                                 lambda r: r.committed > 0),
    "reservation-avg-committed-size-inst": _pick(_mean, lambda r: r.committed,
                                                 lambda r: r.committed > 0),
    "reservation-max-committed-size-vcpu": _pick(max, lambda r: r.committed * r.vcpus),
    "reservation-max-committed-size-inst": _pick(max, lambda r: r.committed),
    "reservation-min-committed-size-vcpu": _pick(min, lambda r: r.committed * r.vcpus,
                                                 lambda r: r.committed > 0),
    "reservation-min-committed-size-inst": _pick(min, lambda r: r.committed,
                                                 lambda r: r.committed > 0),
}
for _market in ("reserved", "unreserved", "spot"):
    METRICS[f"{_market}-total-usage-hrs-vcpu"] = _sum((_market,), lambda r, h: r.vcpus * h)
    METRICS[f"{_market}-total-usage-hrs-inst"] = _sum((_market,), lambda r, h: h)
    METRICS[f"{_market}-total-estimated-cost"] = _sum((_market,), lambda r, h: r.price * h)
METRICS.update({
    "spot-total-count-inst": lambda items: float(len(_of(items, "spot"))),
    "spot-total-count-vcpu": _sum(("spot",), lambda r, h: r.vcpus),
    "capacity-total-requested-vcpu": _sum(USE, lambda r, h: r.vcpus),
    "capacity-total-fulfilled-vcpu": _sum(USE, lambda r, h: r.vcpus),
    "spot-capacity-total-requested-vcpu": _sum(("spot",), lambda r, h: r.vcpus),
    "spot-capacity-total-fulfilled-vcpu": _sum(("spot",), lambda r, h: r.vcpus),
    "capacity-request-fulfillment-rate": _rate(USE),
    "inst-az-fulfillment-rate": _rate(USE),
    "spot-capacity-request-fulfillment-rate": _rate(("spot",)),
    "spot-inst-az-fulfillment-rate": _rate(("spot",)),
    "avg-inst-az-count-per-requested-vcpu": lambda items: 1.0 if _of(items, *USE) else 0.0,
    "spot-avg-inst-az-count-per-requested-vcpu":
        lambda items: 1.0 if _of(items, "spot") else 0.0,
})
for _name in ("spot-avg-run-time-before-interruption-inst",
              "spot-max-run-time-before-interruption-inst",
              "spot-min-run-time-before-interruption-inst", "spot-total-interruptions-inst",
              "spot-total-interruptions-vcpu", "spot-interruption-rate-inst",
              "spot-interruption-rate-vcpu"):
    METRICS[_name] = lambda items: 0.0     # nothing is interrupted in ec2sim


def _source(metric: str) -> tuple[str, ...]:
    """The record kinds a metric reads."""
    for prefix, kinds in (("reservation-", RES), ("reserved-", ("reserved",)),
                          ("unreserved-", ("unreserved",)), ("spot", ("spot",))):
        if metric.startswith(prefix):
            return kinds
    return USE


# -- queries ----------------------------------------------------------------------------------
def _member(dimension: str) -> str:
    return "".join(part.capitalize() for part in dimension.split("-"))


def _text(value: Any) -> str:
    return clock.stamp(value) if isinstance(value, dt.datetime) else str(value)


def _conditions(filter_by: list[dict[str, Any]] | None) -> list[tuple[str, set[str]]]:
    out = []
    for item in filter_by or []:
        cond = item.get("DimensionCondition") or {}
        name, values = cond.get("Dimension"), cond.get("Values") or []
        if not name or not cond.get("Comparison"):
            raise MissingParameter("A dimension condition needs a Dimension and a Comparison.")
        if cond["Comparison"] == "equals" and len(values) != 1:
            raise InvalidParameterValue(f"The 'equals' comparison on {name} takes exactly one "
                                        "value.")
        if not values:
            raise InvalidParameterValue(f"The condition on {name} needs at least one value.")
        out.append((name, set(values)))
    return out


def _selected(record: Record, conditions: list[tuple[str, set[str]]]) -> bool:
    for name, values in conditions:
        value = record.dims.get(name)
        if value is None or not ({_text(value), value.isoformat()} if isinstance(
                value, dt.datetime) else {str(value)}) & values:
            return False
    return True


def _window(start_time: dt.datetime, end_time: dt.datetime, period: int | None
            ) -> tuple[dt.datetime, dt.datetime]:
    if end_time <= start_time:
        raise InvalidParameterValue("The end time must be later than the start time.")
    if period is not None:
        if period % 3600:
            raise InvalidParameterValue(f"Value ({period}) for parameter Period is invalid. "
                                        "The period must be a multiple of 3600 seconds.")
        if (end_time - start_time).total_seconds() % period:
            raise InvalidParameterValue("The time range (EndTime - StartTime) must be a "
                                        "multiple of the period.")
    # an end beyond the latest data point is moved back to it
    return start_time, min(end_time, max(manager.latest_datapoint() + HOUR, start_time))


def _metrics(metric_names: list[str], most: int) -> list[str]:
    names = list(dict.fromkeys(metric_names or []))
    if not names:
        raise MissingParameter("The request must contain the parameter MetricNames")
    if len(names) > most:
        raise InvalidParameterValue(f"You can specify up to {most} metric names.")
    return names


def _group_by(group_by: list[str] | None) -> list[str]:
    return list(dict.fromkeys(group_by or []))


def _dimension(record: Record, group: list[str]) -> dict[str, Any]:
    return {_member(d): record.dims.get(d) for d in group if record.dims.get(d) is not None}


def metric_data(world: World, part: Partition, metric_names: list[str],
                start_time: dt.datetime, end_time: dt.datetime, period: int,
                group_by: list[str] | None = None,
                filter_by: list[dict[str, Any]] | None = None,
                max_results: int | None = None, next_token: str | None = None
                ) -> dict[str, Any]:
    """GetCapacityManagerMetricData: one result per period and group with data."""
    names = _metrics(metric_names, MAX_METRICS)
    begin, finish = _window(start_time, end_time, period)
    if max_results is not None and not 1 <= max_results <= MAX_DATA_POINTS:
        raise InvalidParameterValue(f"Value ({max_results}) for parameter MaxResults is "
                                    f"invalid. Expecting 1 to {MAX_DATA_POINTS}.")
    conditions, group = _conditions(filter_by), _group_by(group_by)
    kinds = {k for n in names for k in _source(n)}
    chosen = [r for r in records(world, part) if r.kind in kinds and _selected(r, conditions)]
    rows = []
    step = dt.timedelta(seconds=period)
    moment = begin
    while moment < finish:
        bucket_end = min(moment + step, finish)
        groups: dict[tuple[Any, ...], Items] = {}
        for r in chosen:
            hours = r.hours(moment, bucket_end)
            if hours > 0:
                key = tuple(_text(r.dims.get(d)) for d in group)
                groups.setdefault(key, []).append((r, hours))
        for key in sorted(groups):
            items = groups[key]
            rows.append({"Dimension": _dimension(items[0][0], group), "Timestamp": moment,
                         "MetricValues": [{"Metric": n, "Value": round(METRICS[n](items), 6)}
                                          for n in names]})
        moment += step
    page, token = paging.rows(rows, "capacity-manager-metric-data", max_results, next_token)
    return {"MetricDataResults": page, "NextToken": token}


def metric_dimensions(world: World, part: Partition, group_by: list[str],
                      start_time: dt.datetime, end_time: dt.datetime, metric_names: list[str],
                      filter_by: list[dict[str, Any]] | None = None,
                      max_results: int | None = None, next_token: str | None = None
                      ) -> dict[str, Any]:
    """GetCapacityManagerMetricDimensions: the dimension combinations with data."""
    group = _group_by(group_by)
    if not group:
        raise MissingParameter("The request must contain the parameter GroupBy")
    names = _metrics(metric_names, 1)
    begin, finish = _window(start_time, end_time, None)
    if max_results is not None and not 1 <= max_results <= MAX_DIMENSIONS:
        raise InvalidParameterValue(f"Value ({max_results}) for parameter MaxResults is "
                                    f"invalid. Expecting 1 to {MAX_DIMENSIONS}.")
    conditions, kinds = _conditions(filter_by), _source(names[0])
    found: dict[tuple[str, ...], dict[str, Any]] = {}
    for r in records(world, part):
        if r.kind in kinds and _selected(r, conditions) and r.hours(begin, finish) > 0:
            found.setdefault(tuple(_text(r.dims.get(d)) for d in group), _dimension(r, group))
    rows = [found[k] for k in sorted(found)]
    page, token = paging.rows(rows, "capacity-manager-metric-dimensions", max_results,
                              next_token)
    return {"MetricDimensionResults": page, "NextToken": token}


declare_actions(manager.EXPORT, {"GetCapacityManagerMetricData": metric_data,
                                 "GetCapacityManagerMetricDimensions": metric_dimensions})
