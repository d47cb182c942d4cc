"""Spot Fleets: RequestSpotFleet, describe, the fleet's instances, modify and cancel.

A `spot-fleet-request` node (id `sfr-` and a UUID, as AWS's are) keeps its configuration as
AWS echoes it (with AWS's defaults: `lowestPrice`, `maintain`, `Default` termination policy,
no On-Demand part) and its state. Every instance it launched is ASSOCIATED with it
(fleet -> instance, data `weight` and `on_demand`); a Spot one also fulfils a Spot Instance
request of its own (`spot.record`/`spot.attach`), as AWS's fleets make them, and carries the
`aws:ec2spot:fleet-request-id` tag.

A fleet is fulfilled at once: its launch specifications (or launch template configurations
and their overrides) expand into Spot pools, one per instance type and subnet or zone (a
specification may list several of each, comma-separated). Pools priced above their maximum
price (the specification's, else the fleet's, else the On-Demand price) are left out; the
allocation strategy orders the rest (`lowestPrice`: cheapest per unit of capacity, over
`InstancePoolsToUseCount` pools; `diversified`: round robin over all; `capacityOptimized`:
the pool with the most spare capacity; `capacityOptimizedPrioritized`: by override priority;
`priceCapacityOptimized`: the cheapest of the deeper half), and instances are launched,
each adding its `WeightedCapacity`, until the target is met. The On-Demand part
(`OnDemandTargetCapacity`) launches first, cheapest (or highest priority) pool first.

FulfilledCapacity and the fleet's instances are read from the graph when viewed, so an
instance terminated by other means drops out. Cancelling with TerminateInstances terminates
them (`cancelled_terminating`), without leaves them running (`cancelled_running`); either
reads `cancelled` once no instance is left.
"""
from __future__ import annotations

import datetime as dt
import itertools
import re
import uuid
from dataclasses import dataclass
from typing import Any

from ..catalogue import spot_prices
from ..core import schema, tags
from . import instance_launch, instance_state, instances, launch_templates, spot
from ..core.errors import IncorrectState, InvalidParameterValue, Malformed, NotFound, TopologyError
from ..core.world import Partition, World

KIND = "spot-fleet-request"
FLEET_TAG = "aws:ec2spot:fleet-request-id"
MAX_TARGET = 10_000               # AWS's quota on the target capacity of one fleet
LIVE = ("pending", "running", "stopping", "stopped")
CANCELLABLE = ("submitted", "active", "modifying")
_ID = re.compile(r"^sfr-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_ROLE = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+$")
DEFAULTS = {"AllocationStrategy": "lowestPrice", "OnDemandAllocationStrategy": "lowestPrice",
            "ExcessCapacityTerminationPolicy": "Default", "OnDemandTargetCapacity": 0,
            "Type": "maintain", "ReplaceUnhealthyInstances": False,
            "InstanceInterruptionBehavior": "terminate"}
# SpotFleetLaunchSpecification members RequestSpotInstances' LaunchSpecification shares
SHARED = ("ImageId", "InstanceType", "KeyName", "KernelId", "RamdiskId", "UserData",
          "AddressingType", "EbsOptimized", "IamInstanceProfile", "BlockDeviceMappings",
          "NetworkInterfaces", "Monitoring")


def invalid(member: str) -> TopologyError:
    """AWS's refusal of a fleet configuration: it names the member at fault."""
    return TopologyError(f"Parameter: SpotFleetRequestConfig.{member} is invalid.",
                         "InvalidSpotFleetRequestConfig")


# -- lookups -----------------------------------------------------------------------------------
def find(world: World, part: Partition, fid: str) -> dict[str, Any] | None:
    node = world.node(fid)
    if node is not None and node["kind"] == KIND and \
            (node["account"], node["region"]) == (part.account, part.region):
        return node
    return None


def get(world: World, part: Partition, fid: str) -> dict[str, Any]:
    """The fleet `fid` of `part`; AWS's NotFound, or Malformed for a shape no id has."""
    node = find(world, part, fid)
    if node is not None:
        return node
    kind = schema.KINDS[KIND]
    if not _ID.match(fid):
        raise Malformed(f'Invalid id: "{fid}" (expecting "sfr-...")', kind.malformed)
    raise NotFound(kind.message.format(label=kind.label, id=fid), kind.not_found)


def new_id(world: World) -> str:
    """`sfr-` and a (seedable) UUID, as AWS's fleet ids look."""
    while True:
        fid = f"sfr-{uuid.UUID(int=world.rng.getrandbits(128), version=4)}"
        if fid not in world.graph:
            return fid


def members(world: World, fid: str, *, live: bool = True) -> list[tuple[str, dict[str, Any]]]:
    """(instance id, edge data) of the fleet's instances, oldest first."""
    found = [(iid, data) for iid, _, data in world.out(fid, schema.ASSOCIATED, "instance")
             if not live or instances.state_name(world, iid) in LIVE]
    nodes = world.graph.nodes
    return sorted(found, key=lambda pair: nodes[pair[0]]["seq"])


def capacity(world: World, fid: str, *, on_demand: bool) -> float:
    return float(sum(data["weight"] for _, data in members(world, fid)
                     if data["on_demand"] == on_demand))


# -- pools -------------------------------------------------------------------------------------
@dataclass
class Pool:
    """One instance type in one subnet or zone, at a maximum price, worth `weight` units."""

    plan: spot.Plan
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
    fleet_limit = _price(config.get("SpotPrice"), "SpotPrice")
    found: list[Pool] = []
    for spec in config.get("LaunchSpecifications") or []:
        limit = _price(spec.get("SpotPrice"), "LaunchSpecifications.SpotPrice") or fleet_limit
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
    plan = spot.Plan(world, part, spec)
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
    zones = spot.default_zones(world, part, spec.get("InstanceType") or spot.DEFAULT_TYPE)
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
        limit = _price(override.get("SpotPrice"), "LaunchTemplateConfigs.Overrides.SpotPrice")
        found.append(_pool(world, part, spec, override.get("WeightedCapacity"),
                           limit or fleet_limit, override.get("Priority") or 0.0,
                           start + len(found), "LaunchTemplateConfigs.Overrides.WeightedCapacity"))
    return found


def _price(text: str | None, member: str) -> float | None:
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
def _spot_order(chosen: list[Pool], strategy: str, pool_count: int | None) -> list[Pool]:
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


def _od_order(chosen: list[Pool], strategy: str) -> list[Pool]:
    if strategy == "prioritized":
        return sorted(chosen, key=lambda p: (p.priority, p.order))[:1]
    return sorted(chosen, key=lambda p: (p.od_unit_price, p.order))[:1]


def _picks(order: list[Pool], needed: float, budget: float | None, spot_market: bool
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


def _launch(world: World, part: Partition, fid: str, picks: list[Pool], *, on_demand: bool,
            behaviour: str, now: dt.datetime) -> None:
    """Launch the picked instances, pool by pool; Spot ones each fulfil a request of their own."""
    by_pool: dict[int, list[Pool]] = {}
    for pool in picks:
        by_pool.setdefault(pool.order, []).append(pool)
    for group in by_pool.values():
        pool = group[0]
        params = pool.plan.run_params(len(group))
        if on_demand:
            launched = _run(world, part, params)
        else:
            params["InstanceMarketOptions"] = {"MarketType": "spot"}
            fields = {
                "SpotPrice": spot_prices.fmt(pool.limit), "Type": "one-time", "CreateTime": now,
                "ProductDescription": pool.plan.product,
                "LaunchSpecification": pool.plan.launch_specification(),
                "InstanceInterruptionBehavior": behaviour}
            ids = [spot.record(world, part, fields, "fulfilled", spot.MESSAGES["fulfilled"], now)
                   for _ in group]
            launched = _run(world, part, params)
            for rid, iid in zip(ids, launched):
                spot.attach(world, rid, iid, now)
        for iid in launched:
            world.tag(iid, FLEET_TAG, fid)
            world.link(fid, iid, schema.ASSOCIATED, weight=pool.weight, on_demand=on_demand)


def _run(world: World, part: Partition, params: dict[str, Any]) -> list[str]:
    return instance_launch.launch(world, part, params)[1]


# -- RequestSpotFleet --------------------------------------------------------------------------
def request(world: World, part: Partition, config: dict[str, Any]) -> str:
    """RequestSpotFleet: check the configuration, record the fleet, launch to its target."""
    _check(config)
    found = pools(world, part, config)
    if not found:
        raise TopologyError("Either LaunchSpecifications or LaunchTemplateConfigs must be "
                            "specified.", "InvalidSpotFleetRequestConfig")
    new_tags = tags.from_specifications(config.get("TagSpecifications"), "spot-fleet-request")
    now = dt.datetime.now(dt.timezone.utc)
    kept = {k: v for k, v in config.items()
            if k not in ("TagSpecifications", "FulfilledCapacity", "OnDemandFulfilledCapacity")
            and v is not None}
    fid = new_id(world)
    world.add(part, KIND, fid, CreateTime=now, SpotFleetRequestState="active",
              SpotFleetRequestConfig={**DEFAULTS, **kept})
    for key, value in new_tags.items():
        world.tag(fid, key, value)
    _fill(world, part, fid, found, now)
    return fid


def _check(config: dict[str, Any]) -> None:
    if not _ROLE.match(config.get("IamFleetRole") or ""):
        raise invalid("IamFleetRole")
    has_specs, has_templates = config.get("LaunchSpecifications"), config.get(
        "LaunchTemplateConfigs")
    if has_specs and has_templates:
        raise TopologyError("LaunchSpecifications and LaunchTemplateConfigs cannot both be "
                            "specified.", "InvalidSpotFleetRequestConfig")
    target = config["TargetCapacity"]
    if not 0 <= target <= MAX_TARGET:
        raise invalid("TargetCapacity")
    if not 0 <= (config.get("OnDemandTargetCapacity") or 0) <= target:
        raise invalid("OnDemandTargetCapacity")
    if config.get("Type") == "instant":
        raise invalid("Type")
    valid_from, valid_until = config.get("ValidFrom"), config.get("ValidUntil")
    if valid_until is not None and (valid_until <= dt.datetime.now(dt.timezone.utc) or (
            valid_from is not None and valid_from >= valid_until)):
        raise invalid("ValidUntil")
    if config.get("InstancePoolsToUseCount") is not None and \
            config["InstancePoolsToUseCount"] < 1:
        raise invalid("InstancePoolsToUseCount")
    for key in ("SpotMaxTotalPrice", "OnDemandMaxTotalPrice"):
        _price(config.get(key), key)


def _fill(world: World, part: Partition, fid: str, found: list[Pool], now: dt.datetime) -> None:
    """Launch what the fleet lacks of its targets (Spot and On-Demand), once it is valid."""
    config = world.graph.nodes[fid]["SpotFleetRequestConfig"]
    if config.get("ValidFrom") is not None and config["ValidFrom"] > now:
        return
    od_target = config.get("OnDemandTargetCapacity") or 0
    od_needed = od_target - capacity(world, fid, on_demand=True)
    spot_needed = config["TargetCapacity"] - od_target - capacity(world, fid, on_demand=False)
    behaviour = config.get("InstanceInterruptionBehavior") or "terminate"
    if od_needed > 0:
        order = _od_order(found, config.get("OnDemandAllocationStrategy") or "lowestPrice")
        picks = _picks(order, od_needed, _price(config.get("OnDemandMaxTotalPrice"), ""), False)
        _launch(world, part, fid, picks, on_demand=True, behaviour=behaviour, now=now)
    if spot_needed > 0:
        affordable = [p for p in found if p.limit >= p.price]
        order = _spot_order(affordable, config.get("AllocationStrategy") or "lowestPrice",
                            config.get("InstancePoolsToUseCount"))
        picks = _picks(order, spot_needed, _price(config.get("SpotMaxTotalPrice"), ""), True)
        _launch(world, part, fid, picks, on_demand=False, behaviour=behaviour, now=now)


# -- views -------------------------------------------------------------------------------------
def state(world: World, fid: str) -> str:
    """The fleet's state; a cancelled fleet reads `cancelled` once its instances are gone."""
    stored = world.graph.nodes[fid]["SpotFleetRequestState"]
    if stored in ("cancelled_running", "cancelled_terminating") and not members(world, fid):
        return "cancelled"
    return stored


def activity(world: World, fid: str) -> str:
    current = state(world, fid)
    if current == "cancelled_terminating":
        return "pending_termination"
    config = world.graph.nodes[fid]["SpotFleetRequestConfig"]
    have = capacity(world, fid, on_demand=True) + capacity(world, fid, on_demand=False)
    return "fulfilled" if have >= config["TargetCapacity"] else "pending_fulfillment"


def view(world: World, fid: str) -> dict[str, Any]:
    """The fleet as boto3's `SpotFleetRequestConfig`."""
    node = world.graph.nodes[fid]
    config = dict(node["SpotFleetRequestConfig"])
    config["FulfilledCapacity"] = capacity(world, fid, on_demand=True) + capacity(
        world, fid, on_demand=False)
    config["OnDemandFulfilledCapacity"] = capacity(world, fid, on_demand=True)
    return {"SpotFleetRequestId": fid, "SpotFleetRequestState": state(world, fid),
            "ActivityStatus": activity(world, fid), "CreateTime": node["CreateTime"],
            "SpotFleetRequestConfig": config, "Tags": tags.as_list(world, fid)}


def instance_view(world: World, iid: str) -> dict[str, Any]:
    """A fleet instance as boto3's `ActiveInstance`."""
    node = world.graph.nodes[iid]
    out = {"InstanceId": iid, "InstanceType": node["InstanceType"], "InstanceHealth": "healthy"}
    rid = spot.request_of(world, iid)
    if rid is not None:
        out["SpotInstanceRequestId"] = rid
    return out


# -- ModifySpotFleetRequest --------------------------------------------------------------------
def modify(world: World, part: Partition, params: dict[str, Any]) -> None:
    """Change a `maintain` fleet's targets: more launches, fewer terminates the surplus
    unless the termination policy is `noTermination`."""
    fid = params["SpotFleetRequestId"]
    node = get(world, part, fid)
    config = dict(node["SpotFleetRequestConfig"])
    if state(world, fid) not in ("submitted", "active", "modifying"):
        raise IncorrectState(f"The Spot Fleet request {fid} is in the {state(world, fid)} "
                             "state and cannot be modified.", "IncorrectState")
    if config.get("Type") != "maintain":
        raise InvalidParameterValue(
            f"The Spot Fleet request {fid} is of type {config.get('Type')}; only a request of "
            "type maintain can be modified.")
    target = params.get("TargetCapacity", config["TargetCapacity"])
    od_target = params.get("OnDemandTargetCapacity", config.get("OnDemandTargetCapacity") or 0)
    if not 0 <= target <= MAX_TARGET:
        raise InvalidParameterValue(f"Value ({target}) for parameter targetCapacity is invalid.")
    if not 0 <= od_target <= target:
        raise InvalidParameterValue(
            f"Value ({od_target}) for parameter onDemandTargetCapacity is invalid. It cannot "
            "exceed the target capacity.")
    if params.get("LaunchTemplateConfigs") and not config.get("LaunchTemplateConfigs"):
        raise InvalidParameterValue("LaunchTemplateConfigs can only be modified for a Spot "
                                    "Fleet request that uses launch templates.")
    policy = params.get("ExcessCapacityTerminationPolicy") or config.get(
        "ExcessCapacityTerminationPolicy") or "Default"
    config.update(TargetCapacity=target, OnDemandTargetCapacity=od_target)
    for key in ("LaunchTemplateConfigs", "Context"):
        if params.get(key) is not None:
            config[key] = params[key]
    found = pools(world, part, config)
    world.update(fid, SpotFleetRequestConfig=config)
    if policy.lower() != "notermination":
        _shrink(world, part, fid, config)
    _fill(world, part, fid, found, dt.datetime.now(dt.timezone.utc))


def _shrink(world: World, part: Partition, fid: str, config: dict[str, Any]) -> None:
    """Terminate the newest instances above each target (On-Demand and Spot)."""
    od_target = config.get("OnDemandTargetCapacity") or 0
    doomed = []
    for on_demand, target in ((True, od_target), (False, config["TargetCapacity"] - od_target)):
        have = capacity(world, fid, on_demand=on_demand)
        for iid, data in reversed(members(world, fid)):
            if data["on_demand"] != on_demand:
                continue
            if have - data["weight"] < target:
                break
            doomed.append(iid)
            have -= data["weight"]
    if doomed:
        instance_state.terminate(world, part, doomed)


# -- CancelSpotFleetRequests -------------------------------------------------------------------
def cancel(world: World, part: Partition, ids: list[str], terminate: bool
           ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Cancel fleets; ids that cannot be cancelled are reported, not raised, as AWS does."""
    done, failed = [], []
    for fid in dict.fromkeys(ids):
        if find(world, part, fid) is None:
            code = "fleetRequestIdDoesNotExist" if _ID.match(fid) else "fleetRequestIdMalformed"
            message = f"The spot fleet request ID '{fid}' does not exist" if _ID.match(fid) \
                else f"The spot fleet request ID '{fid}' is malformed"
            failed.append({"SpotFleetRequestId": fid, "Error": {"Code": code, "Message": message}})
            continue
        previous = state(world, fid)
        if previous not in CANCELLABLE:
            failed.append({"SpotFleetRequestId": fid, "Error": {
                "Code": "fleetRequestNotInCancellableState",
                "Message": f"The spot fleet request ID '{fid}' is in the {previous} state and "
                           "cannot be cancelled"}})
            continue
        current = "cancelled_terminating" if terminate else "cancelled_running"
        world.update(fid, SpotFleetRequestState=current)
        if terminate:
            doomed = [iid for iid, _ in members(world, fid)]
            if doomed:
                instance_state.terminate(world, part, doomed)
        done.append({"SpotFleetRequestId": fid, "CurrentSpotFleetRequestState": current,
                     "PreviousSpotFleetRequestState": previous})
    return done, failed
