"""An EC2 Fleet's request checked, and its pools: the Spot Fleet's, reused.

CreateFleet and ModifyFleet name launch templates (by id or name, and a version, which
AWS requires) and their overrides. Each override becomes a `spot_fleet_pools.Pool`, built
by the Spot Fleet's own code (`overridden`, `pool`), so both fleets allocate by the same
rules (`spot_order`, `on_demand_order`, `pick`). An override with `InstanceRequirements`
stands for one pool per catalogue type that meets them. A template that does not exist
refuses the request; a pool that cannot launch (an unknown zone, a type the zone lacks, a
missing AMI) does not: it is one of the fleet's `Errors`, as on AWS.

Each pool's `source` is what AWS reports as `LaunchTemplateAndOverrides`: the template's
id, name and the version number it resolved to, and the override.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ..catalogue import instance_requirements, instance_types
from ..core import tags
from ..core.errors import TopologyError
from ..core.world import Partition, World
from . import launch_templates, spot_fleet_pools
from .spot_fleet_pools import Pool

MAX_TARGET = 10_000            # AWS's quota on the target capacity of one fleet
MAX_CONFIGS = 50               # launch template configurations per fleet
MAX_OVERRIDES = 300            # overrides across them
# EC2 Fleet's allocation strategies (and their older spellings) -> the Spot Fleet's names
SPOT_STRATEGIES = {"lowest-price": "lowestPrice", "diversified": "diversified",
                   "capacity-optimized": "capacityOptimized",
                   "capacity-optimized-prioritized": "capacityOptimizedPrioritized",
                   "price-capacity-optimized": "priceCapacityOptimized"}
SPOT_STRATEGIES.update({v.lower(): v for v in list(SPOT_STRATEGIES.values())})
ON_DEMAND_STRATEGIES = {"lowest-price": "lowestPrice", "lowestprice": "lowestPrice",
                        "prioritized": "prioritized"}
# ExcessCapacityTerminationPolicy's values (and older spellings) -> whether to terminate
POLICIES = {"termination": True, "terminate": True, "default": True,
            "no-termination": False, "notermination": False}
# override members a launch parameter of the same name takes
LAUNCH_MEMBERS = ("ImageId", "KeyName", "BlockDeviceMappings", "IamInstanceProfile",
                  "MetadataOptions")
TAG_TYPES = ("fleet", "instance")
HIDDEN = ("KeyName", "IamInstanceProfile", "MetadataOptions", "Placement")


def invalid(message: str) -> TopologyError:
    """AWS's refusal of a fleet configuration."""
    return TopologyError(message, "InvalidFleetConfig")


@dataclass
class Built:
    """What a fleet configuration expands to: its pools and the overrides that failed."""

    pools: list[Pool] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)    # by pool order
    errors: list[dict[str, Any]] = field(default_factory=list)


# -- checks ------------------------------------------------------------------------------------
def check(params: dict[str, Any]) -> None:
    """The request's own rules, before any lookup."""
    spot = params.get("SpotOptions") or {}
    strategy = spot.get("AllocationStrategy")
    if strategy is not None and strategy.lower() not in SPOT_STRATEGIES:
        raise _enum(strategy, "SpotOptions.AllocationStrategy", "lowest-price, diversified, "
                    "capacity-optimized, capacity-optimized-prioritized, "
                    "price-capacity-optimized")
    od_strategy = (params.get("OnDemandOptions") or {}).get("AllocationStrategy")
    if od_strategy is not None and od_strategy.lower() not in ON_DEMAND_STRATEGIES:
        raise _enum(od_strategy, "OnDemandOptions.AllocationStrategy",
                    "lowest-price, prioritized")
    terminates(params.get("ExcessCapacityTerminationPolicy"))
    if spot.get("InstancePoolsToUseCount") is not None:
        if spot_strategy(params) != "lowestPrice":
            raise invalid("InstancePoolsToUseCount option is only available with the "
                          "lowestPrice allocation strategy.")
        if spot["InstancePoolsToUseCount"] < 1:
            raise invalid("InstancePoolsToUseCount must be at least 1.")
    for options, member in ((spot, "SpotOptions"), (params.get("OnDemandOptions") or {},
                                                    "OnDemandOptions")):
        price(options.get("MaxTotalPrice"), f"{member}.MaxTotalPrice")
    check_target(params["TargetCapacitySpecification"])
    valid_from, valid_until = params.get("ValidFrom"), params.get("ValidUntil")
    if valid_from is not None and valid_until is not None and valid_from >= valid_until:
        raise invalid("ValidUntil must be later than ValidFrom.")
    check_configs(params.get("LaunchTemplateConfigs") or [])


def price(text: str | None, member: str) -> float | None:
    """A price member (dollars an hour, a positive number), or None when absent."""
    try:
        return spot_fleet_pools.parse_price(text, member)
    except TopologyError:
        raise invalid(f"{member} must be a positive number: {text}") from None


def _enum(value: str, member: str, valid: str) -> TopologyError:
    return TopologyError(f"Value ({value}) for parameter {member} is invalid. Valid values "
                         f"are: {valid}", "InvalidParameterValue")


def check_target(target: dict[str, Any]) -> None:
    total = target["TotalTargetCapacity"]
    if not 0 <= total <= MAX_TARGET:
        raise invalid(f"TotalTargetCapacity must be between 0 and {MAX_TARGET}.")
    parts = [target.get(k) or 0 for k in ("OnDemandTargetCapacity", "SpotTargetCapacity")]
    if min(parts) < 0 or sum(parts) > total:
        raise invalid("The sum of OnDemandTargetCapacity and SpotTargetCapacity cannot exceed "
                      "TotalTargetCapacity.")


def check_configs(configs: list[dict[str, Any]]) -> None:
    if not configs:
        raise invalid("LaunchTemplateConfigs must be specified.")
    if len(configs) > MAX_CONFIGS:
        raise invalid(f"A fleet can have up to {MAX_CONFIGS} launch template configurations.")
    if sum(len(c.get("Overrides") or []) for c in configs) > MAX_OVERRIDES:
        raise invalid(f"A fleet can have up to {MAX_OVERRIDES} launch template overrides.")
    for config in configs:
        ref = config.get("LaunchTemplateSpecification") or {}
        if bool(ref.get("LaunchTemplateId")) == bool(ref.get("LaunchTemplateName")):
            raise invalid("You must specify either a launch template ID or a launch template "
                          "name, but not both.")
        if not ref.get("Version"):
            raise invalid("You must specify a launch template version.")
        for override in config.get("Overrides") or []:
            _check_override(override)


def _check_override(override: dict[str, Any]) -> None:
    weight = override.get("WeightedCapacity")
    if weight is not None and not weight > 0:
        raise invalid("WeightedCapacity must be greater than 0.")
    price(override.get("MaxPrice"), "LaunchTemplateConfigs.Overrides.MaxPrice")
    req = override.get("InstanceRequirements")
    if req is not None:
        if override.get("InstanceType"):
            raise invalid("InstanceRequirements and InstanceType cannot both be specified in "
                          "an override.")
        instance_requirements.check(req)


# -- targets -----------------------------------------------------------------------------------
def targets(target: dict[str, Any]) -> tuple[int, int]:
    """(On-Demand, Spot) capacity: the named parts, the rest to the default type."""
    od = target.get("OnDemandTargetCapacity") or 0
    spot = target.get("SpotTargetCapacity") or 0
    rest = target["TotalTargetCapacity"] - od - spot
    if (target.get("DefaultTargetCapacityType") or "on-demand") == "spot":
        return od, spot + rest
    return od + rest, spot


def spot_strategy(params: dict[str, Any]) -> str:
    chosen = (params.get("SpotOptions") or {}).get("AllocationStrategy") or "lowest-price"
    return SPOT_STRATEGIES[chosen.lower()]


def on_demand_strategy(params: dict[str, Any]) -> str:
    chosen = (params.get("OnDemandOptions") or {}).get("AllocationStrategy") or "lowest-price"
    return ON_DEMAND_STRATEGIES[chosen.lower()]


# -- pools -------------------------------------------------------------------------------------
def build(world: World, part: Partition, params: dict[str, Any],
          instance_tags: list[dict[str, Any]] | None) -> Built:
    """Every pool of the configuration; a template that does not exist raises."""
    built = Built()
    unit = (params["TargetCapacitySpecification"].get("TargetCapacityUnitType") or "units")
    for config in params["LaunchTemplateConfigs"]:
        ref = {k: v for k, v in config["LaunchTemplateSpecification"].items()
               if k in ("LaunchTemplateId", "LaunchTemplateName", "Version") and v}
        lt_id, number = launch_templates.locate(world, part, ref)
        base = launch_templates.resolve(world, part, {"LaunchTemplateId": lt_id,
                                                      "Version": str(number)})
        if instance_tags:
            base["TagSpecifications"] = _merged_tags(base.get("TagSpecifications") or [],
                                                     instance_tags)
        named = {"LaunchTemplateId": lt_id, "LaunchTemplateName":
                 world.graph.nodes[lt_id]["LaunchTemplateName"], "Version": str(number)}
        for override in config.get("Overrides") or [{}]:
            for each in _expanded(world, part, override, base):
                _add(world, part, built, base, each, named, unit)
    return built


def _merged_tags(template: list[dict[str, Any]], extra: list[dict[str, Any]]
                 ) -> list[dict[str, Any]]:
    """The template's instance tags with the fleet's over them (one spec per type)."""
    merged = {t["Key"]: t["Value"] for s in template if s.get("ResourceType") == "instance"
              for t in s.get("Tags") or []}
    merged.update({t["Key"]: t["Value"] for s in extra for t in s["Tags"]})
    others = [s for s in template if s.get("ResourceType") != "instance"]
    return [*others, {"ResourceType": "instance", "Tags": tags.listed(merged)}]


def terminates(policy: str | None) -> bool:
    """Whether a lower target terminates the excess (AWS's default: it does)."""
    found = POLICIES.get((policy or "termination").lower())
    if found is None:
        raise _enum(str(policy), "ExcessCapacityTerminationPolicy",
                    "no-termination, termination")
    return found


def _expanded(world: World, part: Partition, override: dict[str, Any], base: dict[str, Any]
              ) -> list[dict[str, Any]]:
    """An override, or one per instance type its InstanceRequirements match (of the AMI's
    architecture, as AWS's attribute-based selection does)."""
    req = override.get("InstanceRequirements")
    if req is None:
        return [override]
    image = world.node(override.get("ImageId") or base.get("ImageId") or "")
    arch = [image["Architecture"]] if image and image.get("Architecture") else None
    chosen = instance_requirements.matching(req, arch)
    return [{**override, "InstanceType": name} for name in chosen]


def _add(world: World, part: Partition, built: Built, base: dict[str, Any],
         override: dict[str, Any], named: dict[str, Any], unit: str) -> None:
    spec = spot_fleet_pools.overridden(base, override)
    for key in LAUNCH_MEMBERS:
        if override.get(key) is not None:
            spec[key] = override[key]
    placement = override.get("Placement") or {}
    if placement.get("GroupName"):
        spec["Placement"] = {**(spec.get("Placement") or {}), "GroupName": placement["GroupName"]}
    source = {"LaunchTemplateSpecification": named, "Overrides": shown_override(override)}
    order = len(built.sources)
    try:
        found = spot_fleet_pools.pool(
            world, part, spec, _weight(override, spec, unit),
            price(override.get("MaxPrice"), "LaunchTemplateConfigs.Overrides.MaxPrice"),
            override.get("Priority") or 0.0, order, "Overrides.WeightedCapacity")
        _offered(part, found)
    except TopologyError as refused:   # this pool cannot launch: an error, not a refusal
        built.errors.append({"LaunchTemplateAndOverrides": source, "ErrorCode": refused.code,
                             "ErrorMessage": str(refused)})
        return
    built.pools.append(found)
    built.sources.append(source)


def shown_override(override: dict[str, Any]) -> dict[str, Any]:
    """An override as AWS answers it: without the members only a request carries (the key
    pair, instance profile, metadata options, and all of Placement but its group)."""
    out = {k: v for k, v in override.items() if v is not None and k not in HIDDEN}
    group = (override.get("Placement") or {}).get("GroupName")
    if group:
        out["Placement"] = {"GroupName": group}
    return out


def shown_config(config: dict[str, Any]) -> dict[str, Any]:
    """A launch template configuration as DescribeFleets answers it."""
    ref = {k: v for k, v in config["LaunchTemplateSpecification"].items()
           if k != "LaunchTemplateSpecificationUserData"}
    out: dict[str, Any] = {"LaunchTemplateSpecification": ref}
    if config.get("Overrides") is not None:
        out["Overrides"] = [shown_override(o) for o in config["Overrides"]]
    return out


def _weight(override: dict[str, Any], spec: dict[str, Any], unit: str) -> float | None:
    """The override's WeightedCapacity, else (with a vCPU or memory unit) the type's own."""
    if override.get("WeightedCapacity") is not None or unit == "units":
        return override.get("WeightedCapacity")
    info = instance_types.get(spec.get("InstanceType") or "")
    if info is None:
        return None
    if unit == "vcpu":
        return float(info["VCpuInfo"]["DefaultVCpus"])
    return float(info["MemoryInfo"]["SizeInMiB"])


def _offered(part: Partition, found: Pool) -> None:
    """AWS refuses a pool whose zone does not offer its type (InvalidFleetConfiguration)."""
    zone, itype = found.plan.zone, found.plan.itype
    if zone and not instance_types.offered(part.region, "availability-zone", zone, itype):
        raise TopologyError(f"Your requested instance type ({itype}) is not supported in your "
                            f"requested Availability Zone ({zone}).",
                            "InvalidFleetConfiguration")


def fleet_tags(params: dict[str, Any]) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """The fleet's own tags and its instances' TagSpecifications (AWS applies those to an
    instant fleet's instances only; other fleets' instances take their template's)."""
    grouped = tags.by_type(params.get("TagSpecifications"), TAG_TYPES, fallback="fleet")
    instance = grouped.get("instance")
    specs = [{"ResourceType": "instance", "Tags": tags.listed(instance)}] if instance else []
    return grouped.get("fleet", {}), specs


def started(params: dict[str, Any], now: dt.datetime) -> bool:
    valid_from = params.get("ValidFrom")
    return valid_from is None or valid_from <= now
