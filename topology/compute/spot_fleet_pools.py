"""A Spot Fleet's pools and how it allocates capacity among them.

A fleet's launch specifications (or launch template configurations and their overrides)
expand into `Pool`s, one per instance type and subnet or zone (a specification may list
several of each, comma-separated; one naming neither draws on every zone of the default
VPC). Each pool is a checked `spot_plans.Plan` with its maximum price (the
specification's, else the fleet's, else the On-Demand price), its `WeightedCapacity` and
its override priority. The allocation strategy orders the pools (`spot_order`,
`on_demand_order`) and `pick` cycles through them until the target capacity is met.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from ..catalogue import spot_prices
from ..core.errors import TopologyError
from ..core.world import Partition, World
from . import launch_templates, spot_plans

# SpotFleetLaunchSpecification members RequestSpotInstances' LaunchSpecification shares
SHARED = ("ImageId", "InstanceType", "KeyName", "KernelId", "RamdiskId", "UserData",
          "AddressingType", "EbsOptimized", "IamInstanceProfile", "BlockDeviceMappings",
          "NetworkInterfaces", "Monitoring")


def invalid(member: str) -> TopologyError:
    """AWS's refusal of a fleet configuration: it names the member at fault."""
    return TopologyError(f"Parameter: SpotFleetRequestConfig.{member} is invalid.",
                         "InvalidSpotFleetRequestConfig")



@dataclass
class Pool:
    """One instance type in one subnet or zone, at a maximum price, worth `weight` units."""

    plan: spot_plans.Plan
    weight: float
    limit: float                  # maximum Spot price
    priority: float
    order: int                    # position in the request, for stable ties

    @property
    def price(self) -> float:
        return self.plan.price()

    @property
    def unit_price(self) -> float:
        return self.price / self.weight

    @property
    def od_unit_price(self) -> float:
        return self.plan.on_demand() / self.weight

    @property
    def depth(self) -> float:
        """How much spare capacity the pool has: a stable per-pool draw (AWS's is hidden)."""
        return spot_prices.unit(self.plan.part.region, self.plan.zone, self.plan.itype, "depth")


def pools(world: World, part: Partition, config: dict[str, Any]) -> list[Pool]:
    """Every pool the configuration names, validated (AMIs, types, subnets, groups...)."""
    fleet_limit = parse_price(config.get("SpotPrice"), "SpotPrice")
    found: list[Pool] = []
    for spec in config.get("LaunchSpecifications") or []:
        limit = (parse_price(spec.get("SpotPrice"), "LaunchSpecifications.SpotPrice")
                 or fleet_limit)
        for variant in _variants(spec):
            for placed in _default_zones(world, part, variant):
                found.append(_pool(world, part, placed, spec.get("WeightedCapacity"), limit,
                                   0.0, len(found), "LaunchSpecifications.WeightedCapacity"))
    for lt_config in config.get("LaunchTemplateConfigs") or []:
        found.extend(_template_pools(world, part, lt_config, fleet_limit, len(found)))
    return found


def _pool(world: World, part: Partition, spec: dict[str, Any], weight: float | None,
          limit: float | None, priority: float, order: int, member: str) -> Pool:
    if weight is not None and not weight > 0:
        raise invalid(member)
    plan = spot_plans.Plan(world, part, spec)
    return Pool(plan, weight or 1.0, limit or plan.on_demand(), priority, order)


def _variants(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """A fleet specification as RequestSpotInstances specifications: one per subnet, or per
    zone (both may be comma-separated lists); its GroupIdentifiers as ids and names."""
    base = {k: spec[k] for k in SHARED if spec.get(k) is not None}
    ids = [g["GroupId"] for g in spec.get("SecurityGroups") or [] if g.get("GroupId")]
    names = [g["GroupName"] for g in spec.get("SecurityGroups") or []
             if g.get("GroupName") and not g.get("GroupId")]
    if ids:
        base["SecurityGroupIds"] = ids
    if names:
        base["SecurityGroups"] = names
    instance_tags = [t for t in spec.get("TagSpecifications") or []]
    if instance_tags:
        base["TagSpecifications"] = instance_tags
    placement = dict(spec.get("Placement") or {})
    subnets = _split(spec.get("SubnetId"))
    if subnets:
        return [{**base, "SubnetId": s, **({"Placement": _no_zone(placement)} if
                                           _no_zone(placement) else {})} for s in subnets]
    zones = _split(placement.get("AvailabilityZone"))
    if zones:
        return [{**base, "Placement": {**placement, "AvailabilityZone": z}} for z in zones]
    return [{**base, **({"Placement": placement} if placement else {})}]


def _default_zones(world: World, part: Partition, spec: dict[str, Any]) -> list[dict[str, Any]]:
    """A specification that names no subnet or zone draws on every zone of the default VPC
    (each a pool of its own), as a fleet in the default VPC does."""
    placement = spec.get("Placement") or {}
    if spec.get("SubnetId") or spec.get("NetworkInterfaces") or \
            placement.get("AvailabilityZone") or placement.get("AvailabilityZoneId"):
        return [spec]
    zones = spot_plans.default_zones(world, part,
                                     spec.get("InstanceType") or spot_plans.DEFAULT_TYPE)
    if not zones:
        return [spec]
    return [{**spec, "Placement": {**placement, "AvailabilityZone": z}} for z in zones]


def _no_zone(placement: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in placement.items() if k != "AvailabilityZone"}


def _split(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def _template_pools(world: World, part: Partition, lt_config: dict[str, Any],
                    fleet_limit: float | None, start: int) -> list[Pool]:
    spec_ref = lt_config.get("LaunchTemplateSpecification") or {}
    by_id, by_name = spec_ref.get("LaunchTemplateId"), spec_ref.get("LaunchTemplateName")
    if bool(by_id) == bool(by_name):       # one of them, not both
        raise invalid("LaunchTemplateConfigs.LaunchTemplateSpecification")
    if not spec_ref.get("Version"):        # AWS: "You must specify a value"
        raise invalid("LaunchTemplateConfigs.LaunchTemplateSpecification.Version")
    base = launch_templates.resolve(world, part, {
        k: v for k, v in spec_ref.items() if v is not None})
    found = []
    for override in lt_config.get("Overrides") or [{}]:
        spec = overridden(base, override)
        limit = parse_price(override.get("SpotPrice"),
                            "LaunchTemplateConfigs.Overrides.SpotPrice")
        found.append(_pool(world, part, spec, override.get("WeightedCapacity"),
                           limit or fleet_limit, override.get("Priority") or 0.0,
                           start + len(found), "LaunchTemplateConfigs.Overrides.WeightedCapacity"))
    return found


def overridden(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """A launch template's parameters with one override applied (its instance type, its
    subnet, which the primary interface takes too, else its zone); shared with EC2 Fleet."""
    spec = dict(base)
    if override.get("InstanceType"):
        spec["InstanceType"] = override["InstanceType"]
    if override.get("SubnetId"):
        spec["SubnetId"] = override["SubnetId"]
        if spec.get("NetworkInterfaces"):
            spec["NetworkInterfaces"] = [
                {**ni, "SubnetId": override["SubnetId"]} if ni.get("DeviceIndex", 0) == 0
                else ni for ni in spec["NetworkInterfaces"]]
    zone = override.get("AvailabilityZone")
    if zone and not override.get("SubnetId"):
        spec["Placement"] = {**(spec.get("Placement") or {}), "AvailabilityZone": zone}
    return spec


def pool(world: World, part: Partition, spec: dict[str, Any], weight: float | None,
         limit: float | None, priority: float, order: int, member: str) -> Pool:
    """One checked pool (shared with EC2 Fleet)."""
    return _pool(world, part, spec, weight, limit, priority, order, member)


def parse_price(text: str | None, member: str) -> float | None:
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        raise invalid(member)
    if not value > 0:
        raise invalid(member)
    return value


# -- allocation --------------------------------------------------------------------------------
def spot_order(chosen: list[Pool], strategy: str, pool_count: int | None) -> list[Pool]:
    """The pools a fleet draws Spot capacity from, in the order it cycles through them."""
    if strategy == "diversified":
        return chosen
    if strategy == "capacityOptimized":
        return sorted(chosen, key=lambda p: (-p.depth, p.order))[:1]
    if strategy == "capacityOptimizedPrioritized":
        return sorted(chosen, key=lambda p: (p.priority, -p.depth, p.order))[:1]
    if strategy == "priceCapacityOptimized":
        deep = sorted(chosen, key=lambda p: (-p.depth, p.order))[:max(1, (len(chosen) + 1) // 2)]
        return sorted(deep, key=lambda p: (p.unit_price, p.order))[:1]
    cheapest = sorted(chosen, key=lambda p: (p.unit_price, p.order))
    return cheapest[:max(1, pool_count or 1)]


def on_demand_order(chosen: list[Pool], strategy: str) -> list[Pool]:
    if strategy == "prioritized":
        return sorted(chosen, key=lambda p: (p.priority, p.order))[:1]
    return sorted(chosen, key=lambda p: (p.od_unit_price, p.order))[:1]


def pick(order: list[Pool], needed: float, budget: float | None, spot_market: bool
           ) -> list[Pool]:
    """Pools to launch one instance from each, cycling `order`, until `needed` units are met
    (or the hourly `budget` would be passed)."""
    picks: list[Pool] = []
    spent = 0.0
    for pool in itertools.cycle(order) if order else ():
        if needed <= 0:
            break
        cost = pool.price if spot_market else pool.plan.on_demand()
        if budget is not None and spent + cost > budget:
            break
        picks.append(pool)
        spent += cost
        needed -= pool.weight
    return picks
