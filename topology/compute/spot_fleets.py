"""Spot Fleets: RequestSpotFleet, describe, the fleet's instances, modify and cancel.

A `spot-fleet-request` node (id `sfr-` and a UUID, as AWS's are) keeps its configuration as
AWS echoes it (with AWS's defaults: `lowestPrice`, `maintain`, `Default` termination policy,
no On-Demand part) and its state. Every instance it launched is ASSOCIATED with it
(fleet -> instance, data `weight` and `on_demand`); a Spot one also fulfils a Spot Instance
request of its own (`spot.record`/`spot.attach`), as AWS's fleets make them, and carries the
`aws:ec2spot:fleet-request-id` tag.

A fleet is fulfilled at once: its launch specifications (or launch template configurations
and their overrides) expand into Spot pools (`spot_fleet_pools`), one per instance type and
subnet or zone (a specification may list several of each, comma-separated). Pools priced
above their maximum price (the specification's, else the fleet's, else the On-Demand price)
are left out; the allocation strategy orders the rest (`lowestPrice`: cheapest per unit of
capacity, over `InstancePoolsToUseCount` pools; `diversified`: round robin over all;
`capacityOptimized`: the pool with the most spare capacity; `capacityOptimizedPrioritized`:
by override priority; `priceCapacityOptimized`: the cheapest of the deeper half), and
instances are launched, each adding its `WeightedCapacity`, until the target is met. The
On-Demand part (`OnDemandTargetCapacity`) launches first, cheapest (or highest priority)
pool first.

FulfilledCapacity and the fleet's instances are read from the graph when viewed, so an
instance terminated by other means drops out. Cancelling with TerminateInstances terminates
them (`cancelled_terminating`), without leaves them running (`cancelled_running`); either
reads `cancelled` once no instance is left.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ..catalogue import spot_prices
from ..core import schema, tags
from ..core.errors import IncorrectState, InvalidParameterValue, TopologyError
from ..core.family import declare_actions
from ..core.world import Partition, World, is_uuid_id_of
from . import fleet_events, instance_launch, instance_state, instances, spot
from .spot_fleet_pools import Pool, invalid, on_demand_order, parse_price, pick, pools, spot_order

KIND = "spot-fleet-request"
FLEET_TAG = "aws:ec2spot:fleet-request-id"
MAX_TARGET = 10_000               # AWS's quota on the target capacity of one fleet
LIVE = ("pending", "running", "stopping", "stopped")
CANCELLABLE = ("submitted", "active", "modifying")
_ROLE = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+$")
DEFAULTS = {"AllocationStrategy": "lowestPrice", "OnDemandAllocationStrategy": "lowestPrice",
            "ExcessCapacityTerminationPolicy": "Default", "OnDemandTargetCapacity": 0,
            "Type": "maintain", "ReplaceUnhealthyInstances": False,
            "InstanceInterruptionBehavior": "terminate"}
# -- lookups -----------------------------------------------------------------------------------
def get(world: World, part: Partition, fid: str) -> dict[str, Any]:
    """The fleet `fid` of `part`; AWS's NotFound, or Malformed for a shape no id has."""
    return world.get(part, KIND, fid)


def members(world: World, fid: str, *, live: bool = True) -> list[tuple[str, dict[str, Any]]]:
    """(instance id, edge data) of the fleet's instances, oldest first."""
    found = [(iid, data) for iid, _, data in world.out(fid, schema.ASSOCIATED, "instance")
             if not live or instances.state_name(world, iid) in LIVE]
    nodes = world.graph.nodes
    return sorted(found, key=lambda pair: nodes[pair[0]]["seq"])


def capacity(world: World, fid: str, *, on_demand: bool) -> float:
    return float(sum(data["weight"] for _, data in members(world, fid)
                     if data["on_demand"] == on_demand))


def launch_picks(world: World, part: Partition, fid: str, picks: list[Pool], *,
                 on_demand: bool, behaviour: str, now: dt.datetime, tag: str = FLEET_TAG
                 ) -> list[tuple[Pool, list[str]]]:
    """Launch the picked instances, pool by pool; Spot ones each fulfil a request of their
    own. Each is tagged `tag` with the fleet id and linked to the fleet (shared with EC2
    Fleet). Answers (pool, instance ids) per pool."""
    out = []
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
            world.tag(iid, tag, fid)
            world.link(fid, iid, schema.ASSOCIATED, weight=pool.weight, on_demand=on_demand,
                       pool=pool.order)
            fleet_events.record(world, fid, "instance", "launched", instance_id=iid, when=now,
                                description=_launched(world, iid, on_demand))
        out.append((pool, launched))
    return out


def _launched(world: World, iid: str, on_demand: bool) -> str:
    node = world.graph.nodes[iid]
    zone = node.get("Placement", {}).get("AvailabilityZone", "")
    market = "on-demand" if on_demand else "spot"
    return f'{{"instanceType":"{node["InstanceType"]}","lifecycle":"{market}",' \
           f'"availabilityZone":"{zone}"}}'


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
    fid = world.new_uuid_id("sfr")
    world.add(part, KIND, fid, CreateTime=now, SpotFleetRequestState="active",
              SpotFleetRequestConfig={**DEFAULTS, **kept})
    for key, value in new_tags.items():
        world.tag(fid, key, value)
    fleet_events.record(world, fid, "fleet", "submitted", when=now)
    fleet_events.record(world, fid, "fleet", "active", when=now)
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
        parse_price(config.get(key), key)


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
        order = on_demand_order(found, config.get("OnDemandAllocationStrategy") or "lowestPrice")
        picks = pick(order, od_needed, parse_price(config.get("OnDemandMaxTotalPrice"), ""), False)
        launch_picks(world, part, fid, picks, on_demand=True, behaviour=behaviour, now=now)
    if spot_needed > 0:
        affordable = [p for p in found if p.limit >= p.price]
        order = spot_order(affordable, config.get("AllocationStrategy") or "lowestPrice",
                           config.get("InstancePoolsToUseCount"))
        picks = pick(order, spot_needed, parse_price(config.get("SpotMaxTotalPrice"), ""), True)
        launch_picks(world, part, fid, picks, on_demand=False, behaviour=behaviour, now=now)


def settle(world: World, part: Partition, fid: str) -> None:
    """A maintain fleet replaces the capacity it lost (an instance terminated by other
    means) when it is next read, as AWS's does in the background."""
    node = world.graph.nodes[fid]
    config = node["SpotFleetRequestConfig"]
    if node["SpotFleetRequestState"] != "active" or config.get("Type") != "maintain":
        return
    have = capacity(world, fid, on_demand=True) + capacity(world, fid, on_demand=False)
    if have >= config["TargetCapacity"]:
        return
    try:
        found = pools(world, part, config)
    except TopologyError:        # its templates are gone: nothing to launch from
        return
    _fill(world, part, fid, found, dt.datetime.now(dt.timezone.utc))


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
    fleet_events.record(world, fid, "fleet", "modify_in_progress")
    if policy.lower() != "notermination":
        shrink(world, part, fid, config)
    _fill(world, part, fid, found, dt.datetime.now(dt.timezone.utc))
    fleet_events.record(world, fid, "fleet", "modify_succeeded")


def shrink(world: World, part: Partition, fid: str, config: dict[str, Any]) -> None:
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
        for iid in doomed:
            fleet_events.record(world, fid, "instance", "terminated", instance_id=iid)


# -- CancelSpotFleetRequests -------------------------------------------------------------------
def cancel(world: World, part: Partition, spot_fleet_request_ids: list[str],
           terminate_instances: bool) -> dict[str, list[dict[str, Any]]]:
    """CancelSpotFleetRequests; ids that cannot be cancelled are reported, not raised, as AWS
    does."""
    done, failed = [], []
    for fid in dict.fromkeys(spot_fleet_request_ids):
        if world.lookup(part, KIND, fid) is None:
            shaped = is_uuid_id_of("sfr", fid)
            code = "fleetRequestIdDoesNotExist" if shaped else "fleetRequestIdMalformed"
            message = f"The spot fleet request ID '{fid}' " + (
                "does not exist" if shaped else "is malformed")
            failed.append({"SpotFleetRequestId": fid, "Error": {"Code": code, "Message": message}})
            continue
        previous = state(world, fid)
        if previous not in CANCELLABLE:
            failed.append({"SpotFleetRequestId": fid, "Error": {
                "Code": "fleetRequestNotInCancellableState",
                "Message": f"The spot fleet request ID '{fid}' is in the {previous} state and "
                           "cannot be cancelled"}})
            continue
        current = "cancelled_terminating" if terminate_instances else "cancelled_running"
        world.update(fid, SpotFleetRequestState=current)
        fleet_events.record(world, fid, "fleet", current)
        if terminate_instances:
            doomed = [iid for iid, _ in members(world, fid)]
            if doomed:
                instance_state.terminate(world, part, doomed)
        done.append({"SpotFleetRequestId": fid, "CurrentSpotFleetRequestState": current,
                     "PreviousSpotFleetRequestState": previous})
    return {"SuccessfulFleetRequests": done, "UnsuccessfulFleetRequests": failed}


# these operations are bound from the functions above (docs/families.md)
declare_actions(KIND, {"ModifySpotFleetRequest": modify, "CancelSpotFleetRequests": cancel})
