"""EC2 Fleet: CreateFleet (instant, request, maintain), describe, its instances and history,
ModifyFleet and DeleteFleets.

A `fleet` node (id `fleet-` and a UUID, as AWS's are) keeps the request as AWS echoes it
(with AWS's defaults), its state and its events (`fleet_events`). Its pools come from the
Spot Fleet's code (`fleet_pools`, `spot_fleet_pools`) and it launches through
`spot_fleets.launch_picks`, so its instances are real: each is ASSOCIATED with the fleet
(data `weight`, `on_demand`, `pool`), carries AWS's `aws:ec2:fleet-id` tag, and a Spot one
fulfils a Spot Instance request of its own.

`instant` fleets launch synchronously and answer `Instances` and `Errors`; `request` fleets
launch once; `maintain` fleets launch again whenever they are described or modified and
their capacity has fallen below target (an instance terminated by other means is replaced).
A fleet whose `ValidFrom` is ahead stays `submitted` and launches nothing. Deleting with
TerminateInstances terminates the instances (`deleted_terminating`), without leaves them
(`deleted_running`, which reads `deleted` once none is left); an instant fleet can only be
deleted with its instances. A fleet whose `ValidUntil` passes after it was created expires
the same way (terminating its instances with `TerminateInstancesWithExpiration`).
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from ..core import schema, tags
from ..core.errors import IncorrectState, InvalidParameterValue, TopologyError
from ..core.filters import Filter
from ..core.world import Partition, World, is_uuid_id_of
from . import fleet_events, fleet_pools, instance_state, spot_fleet_pools, spot_fleets
from .spot_fleet_pools import Pool

KIND = "fleet"
FLEET_TAG = "aws:ec2:fleet-id"
LIVE_STATES = ("submitted", "active", "modifying")
DELETE_LIMITS = {"instant": 25, "other": 100, "all": 125}     # AWS's per-request limits
ECHOED = ("ClientToken", "ExcessCapacityTerminationPolicy", "LaunchTemplateConfigs",
          "TargetCapacitySpecification", "TerminateInstancesWithExpiration", "Type",
          "ValidFrom", "ValidUntil", "ReplaceUnhealthyInstances", "SpotOptions",
          "OnDemandOptions", "ReservedCapacityOptions", "Context")


# -- lookups -----------------------------------------------------------------------------------
def get(world: World, part: Partition, fid: str) -> dict[str, Any]:
    """The fleet `fid` of `part`; AWS's NotFound, or Malformed for a shape no id has."""
    return world.get(part, KIND, fid)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


# -- CreateFleet -------------------------------------------------------------------------------
def create(world: World, part: Partition, params: dict[str, Any]) -> dict[str, Any]:
    """CreateFleet: check, record the fleet, launch what it can (all of it, for instant)."""
    fleet_pools.check(params)
    own_tags, instance_specs = fleet_pools.fleet_tags(params)
    kind = params.get("Type") or "maintain"
    now = _now()
    fid = world.new_uuid_id("fleet")
    config = _echoed(params, kind)
    world.add(part, KIND, fid, CreateTime=now, FleetState="active", config=config,
              instance_tags=instance_specs if kind == "instant" else [], sources=[],
              errors=[], events=[])
    tags.apply(world, fid, own_tags)
    fleet_events.record(world, fid, "fleet", "submitted", when=now)
    if not fleet_pools.started(config, now):
        world.update(fid, FleetState="submitted")
        return {"FleetId": fid}
    fleet_events.record(world, fid, "fleet", "active", when=now)
    launched, errors = fill(world, part, fid, now)
    if kind != "instant":
        return {"FleetId": fid}
    return {"FleetId": fid, "Errors": errors, "Instances": _grouped(world, fid, launched)}


def _echoed(params: dict[str, Any], kind: str) -> dict[str, Any]:
    """The request as DescribeFleets echoes it, with AWS's defaults."""
    config = {k: params[k] for k in ECHOED if params.get(k) is not None}
    config["Type"] = kind
    config["SpotOptions"] = {"AllocationStrategy": "lowest-price",
                             "InstanceInterruptionBehavior": "terminate",
                             **(params.get("SpotOptions") or {})}
    config["OnDemandOptions"] = {"AllocationStrategy": "lowest-price",
                                 **(params.get("OnDemandOptions") or {})}
    config.setdefault("ExcessCapacityTerminationPolicy", "termination")
    config.setdefault("TerminateInstancesWithExpiration", False)
    config.setdefault("ReplaceUnhealthyInstances", False)
    return config


# -- fulfilment --------------------------------------------------------------------------------
def fill(world: World, part: Partition, fid: str, now: dt.datetime, *, strict: bool = True
         ) -> tuple[list[tuple[Pool, list[str], bool]], list[dict[str, Any]]]:
    """Launch what the fleet lacks of its On-Demand and Spot targets: (pool, instance ids,
    on-demand) per launch, and the errors of pools that could not launch. Unless `strict`
    (a later refill), a template gone since is a service error of the fleet, not the call's."""
    node = world.graph.nodes[fid]
    config = node["config"]
    od_target, spot_target = fleet_pools.targets(config["TargetCapacitySpecification"])
    od_needed = od_target - spot_fleets.capacity(world, fid, on_demand=True)
    spot_needed = spot_target - spot_fleets.capacity(world, fid, on_demand=False)
    if od_needed <= 0 and spot_needed <= 0:
        return [], []
    try:
        built = fleet_pools.build(world, part, config, node["instance_tags"] or None)
    except TopologyError as gone:        # build changes nothing: safe to catch
        if strict:
            raise
        last = (node["events"] or [()])[-1]
        if last[1:3] != ("error", gone.code):     # once, not at every read
            fleet_events.record(world, fid, "error", gone.code, description=str(gone),
                                when=now)
        return [], []
    offset = len(node["sources"])
    for index, pool in enumerate(built.pools):
        pool.order = offset + index
    world.update(fid, sources=[*node["sources"], *built.sources])
    errors = [{**e, "Lifecycle": life} for e in built.errors
              for life, needed in (("on-demand", od_needed), ("spot", spot_needed)) if needed > 0]
    picks = _picks(config, built.pools, od_needed, spot_needed, errors)
    if config["Type"] == "instant" and not _enough(config, picks):
        picks = {True: [], False: []}
    launched = []
    behaviour = config["SpotOptions"].get("InstanceInterruptionBehavior") or "terminate"
    for on_demand in (True, False):
        for pool, ids in spot_fleets.launch_picks(world, part, fid, picks[on_demand],
                                                  on_demand=on_demand, behaviour=behaviour,
                                                  now=now, tag=FLEET_TAG):
            launched.append((pool, ids, on_demand))
    for error in errors:
        fleet_events.record(world, fid, "error", error["ErrorCode"],
                            description=error["ErrorMessage"], when=now)
    if errors:
        world.update(fid, errors=[*node["errors"], *errors])
    return launched, errors


def _picks(config: dict[str, Any], found: list[Pool], od_needed: float, spot_needed: float,
           errors: list[dict[str, Any]]) -> dict[bool, list[Pool]]:
    """The pools to launch from, per market, by the Spot Fleet's allocation rules."""
    out: dict[bool, list[Pool]] = {True: [], False: []}
    spot_opts, od_opts = config["SpotOptions"], config["OnDemandOptions"]
    if od_needed > 0 and found:
        order = _single(spot_fleet_pools.on_demand_order(
            found, fleet_pools.on_demand_strategy(config)), found, od_opts)
        budget = fleet_pools.price(od_opts.get("MaxTotalPrice"), "")
        out[True] = spot_fleet_pools.pick(order, od_needed, budget, False)
    if spot_needed > 0:
        affordable = [p for p in found if p.limit >= p.price]
        if found and not affordable:
            errors.append({"ErrorCode": "SpotMaxPriceTooLow", "Lifecycle": "spot",
                           "ErrorMessage": "Your Spot request price is lower than the "
                                           "minimum required Spot request fulfillment price."})
        order = _single(spot_fleet_pools.spot_order(
            affordable, fleet_pools.spot_strategy(config),
            spot_opts.get("InstancePoolsToUseCount")), affordable, spot_opts)
        budget = fleet_pools.price(spot_opts.get("MaxTotalPrice"), "")
        out[False] = spot_fleet_pools.pick(order, spot_needed, budget, True)
    return out


def _single(order: list[Pool], found: list[Pool], options: dict[str, Any]) -> list[Pool]:
    """SingleInstanceType / SingleAvailabilityZone: only the first pool's type or zone."""
    if not order:
        return order
    first = order[0].plan
    if options.get("SingleInstanceType"):
        order = [p for p in order if p.plan.itype == first.itype]
    if options.get("SingleAvailabilityZone"):
        order = [p for p in order if p.plan.zone == first.zone]
    return order


def _enough(config: dict[str, Any], picks: dict[bool, list[Pool]]) -> bool:
    """An instant fleet launches nothing unless it reaches its MinTargetCapacity."""
    for on_demand, options in ((True, config["OnDemandOptions"]),
                               (False, config["SpotOptions"])):
        least = options.get("MinTargetCapacity")
        if least and sum(p.weight for p in picks[on_demand]) < least:
            return False
    return True


def settle(world: World, part: Partition, fid: str) -> None:
    """What time has done to the fleet before it is read: it starts, expires, or (maintain)
    replaces the capacity it lost."""
    _note_lost(world, fid)
    node = world.graph.nodes[fid]
    config, now = node["config"], _now()
    stored = node["FleetState"]
    if stored not in LIVE_STATES or config["Type"] == "instant":
        return
    if stored == "submitted" and fleet_pools.started(config, now):
        world.update(fid, FleetState="active")
        fleet_events.record(world, fid, "fleet", "active", when=now)
        fill(world, part, fid, now, strict=False)
        return
    until = config.get("ValidUntil")
    if until is not None and node["CreateTime"] < until <= now:
        _end(world, part, fid, bool(config.get("TerminateInstancesWithExpiration")), "expired")
        return
    if stored == "active" and config["Type"] == "maintain":
        fill(world, part, fid, now, strict=False)


def _note_lost(world: World, fid: str) -> None:
    """Record the termination of instances that left the fleet by other means."""
    noted = {event[4] for event in world.graph.nodes[fid]["events"]
             if event[1:3] == ("instance", "terminated")}
    live = {iid for iid, _ in spot_fleets.members(world, fid)}
    for iid, _, _ in world.out(fid, schema.ASSOCIATED, "instance"):
        if iid not in live and iid not in noted:
            fleet_events.record(world, fid, "instance", "terminated", instance_id=iid)


# -- views -------------------------------------------------------------------------------------
def state(world: World, fid: str) -> str:
    node = world.graph.nodes[fid]
    stored = node["FleetState"]
    if stored == "deleted_running" and not spot_fleets.members(world, fid):
        return "deleted"
    return stored


def activity(world: World, fid: str) -> str:
    node = world.graph.nodes[fid]
    current = state(world, fid)
    if current == "deleted_terminating":
        return "pending_termination"
    total = node["config"]["TargetCapacitySpecification"]["TotalTargetCapacity"]
    have = _fulfilled(world, fid)
    if have >= total:
        return "fulfilled"
    return "error" if node["errors"] and not have else "pending_fulfillment"


def _fulfilled(world: World, fid: str) -> float:
    return spot_fleets.capacity(world, fid, on_demand=True) + spot_fleets.capacity(
        world, fid, on_demand=False)


def view(world: World, fid: str) -> dict[str, Any]:
    """The fleet as boto3's `FleetData`."""
    node = world.graph.nodes[fid]
    config = node["config"]
    out: dict[str, Any] = {
        "ActivityStatus": activity(world, fid), "CreateTime": node["CreateTime"],
        "FleetId": fid, "FleetState": state(world, fid),
        "FulfilledCapacity": _fulfilled(world, fid),
        "FulfilledOnDemandCapacity": spot_fleets.capacity(world, fid, on_demand=True),
        **config, "Tags": tags.as_list(world, fid),
        "LaunchTemplateConfigs": [fleet_pools.shown_config(c)
                                  for c in config["LaunchTemplateConfigs"]]}
    if config.get("ReservedCapacityOptions"):
        out["ReservedCapacityOptions"] = {
            k: v for k, v in config["ReservedCapacityOptions"].items()
            if k != "CapacityReservationTarget"}
    if config["Type"] == "instant":     # AWS: Errors and Instances only for instant fleets
        out["Errors"] = node["errors"]
        launched = [(iid, data) for iid, _, data in world.out(fid, schema.ASSOCIATED,
                                                                "instance")]
        out["Instances"] = _grouped_edges(world, fid, launched)
    return out


def _grouped(world: World, fid: str, launched: list[tuple[Pool, list[str], bool]]
             ) -> list[dict[str, Any]]:
    edges = [(iid, {"pool": pool.order, "on_demand": od}) for pool, ids, od in launched
             for iid in ids]
    return _grouped_edges(world, fid, edges)


def _grouped_edges(world: World, fid: str, edges: list[tuple[str, dict[str, Any]]]
                   ) -> list[dict[str, Any]]:
    """Instances as boto3's `CreateFleetInstance`: one item per pool and market."""
    sources = world.graph.nodes[fid]["sources"]
    nodes = world.graph.nodes
    groups: dict[tuple[int, bool], list[str]] = {}
    for iid, data in sorted(edges, key=lambda pair: nodes[pair[0]]["seq"]):
        groups.setdefault((data["pool"], data["on_demand"]), []).append(iid)
    out = []
    for (order, on_demand), ids in groups.items():
        first = nodes[ids[0]]
        item = {"LaunchTemplateAndOverrides": sources[order],
                "Lifecycle": "on-demand" if on_demand else "spot", "InstanceIds": ids,
                "InstanceType": first["InstanceType"]}
        if (first.get("Platform") or "").lower() == "windows":
            item["Platform"] = "Windows"
        out.append(item)
    return out


_FIELDS = {
    "activity-status": activity,
    "excess-capacity-termination-policy": lambda w, fid: w.graph.nodes[fid]["config"].get(
        "ExcessCapacityTerminationPolicy"),
    "fleet-state": state,
    "replace-unhealthy-instances": lambda w, fid: w.graph.nodes[fid]["config"].get(
        "ReplaceUnhealthyInstances"),
    "type": lambda w, fid: w.graph.nodes[fid]["config"]["Type"],
}


def _values(name: str) -> Filter:
    """AWS documents the states with hyphens (`deleted-running`) and answers them with
    underscores, so a filter value matches either."""
    def read(world: World, fid: str, node: dict[str, Any]) -> Any:
        value = _FIELDS[name](world, fid)
        if isinstance(value, bool) or value is None:
            return value
        return [value, str(value).replace("_", "-")]
    return Filter(read)


FILTERS: dict[str, Filter] = {name: _values(name) for name in _FIELDS}


# -- instances and history ---------------------------------------------------------------------
def instances(world: World, part: Partition, fid: str) -> list[str]:
    """DescribeFleetInstances' instances (AWS refuses it for an instant fleet)."""
    node = get(world, part, fid)
    if node["config"]["Type"] == "instant":
        raise TopologyError(f"Fleet {fid} is instant fleet. Describe fleet instances is not "
                            "supported by this type of fleet", "Unsupported")
    return [iid for iid, _ in spot_fleets.members(world, fid)]


# -- ModifyFleet -------------------------------------------------------------------------------
def modify(world: World, part: Partition, params: dict[str, Any]) -> None:
    """ModifyFleet: a maintain fleet's target, template configurations or context; more
    capacity launches, less terminates the newest unless the policy is `no-termination`."""
    fid = params["FleetId"]
    node = get(world, part, fid)
    config = dict(node["config"])
    current = state(world, fid)
    if current not in LIVE_STATES:
        raise IncorrectState(f"The fleet {fid} is in the {current} state and cannot be "
                             "modified.", "IncorrectState")
    if config["Type"] != "maintain":
        raise InvalidParameterValue(f"Fleet {fid} is of type {config['Type']}; only fleets of "
                                    "type maintain can be modified.")
    fleet_pools.terminates(params.get("ExcessCapacityTerminationPolicy"))   # a known value
    keys = ("TargetCapacitySpecification", "LaunchTemplateConfigs", "Context")
    if all(params.get(k) is None for k in keys):
        raise InvalidParameterValue("You must specify TargetCapacitySpecification, "
                                    "LaunchTemplateConfigs or Context.")
    if params.get("TargetCapacitySpecification") is not None:
        target = {**config["TargetCapacitySpecification"],
                  **{k: v for k, v in params["TargetCapacitySpecification"].items()
                     if v is not None}}
        fleet_pools.check_target(target)
        config["TargetCapacitySpecification"] = target
    if params.get("LaunchTemplateConfigs") is not None:
        fleet_pools.check_configs(params["LaunchTemplateConfigs"])
        config["LaunchTemplateConfigs"] = params["LaunchTemplateConfigs"]
        fleet_pools.build(world, part, config, None)     # the templates must exist
    for key in ("Context", "ExcessCapacityTerminationPolicy"):
        if params.get(key) is not None:
            config[key] = params[key]
    world.update(fid, config=config)
    fleet_events.record(world, fid, "fleet", "modify_in_progress")
    if fleet_pools.terminates(config["ExcessCapacityTerminationPolicy"]):
        _shrink(world, part, fid, config)
    if current == "active":
        fill(world, part, fid, _now())
    fleet_events.record(world, fid, "fleet", "modify_succeeded")


def _shrink(world: World, part: Partition, fid: str, config: dict[str, Any]) -> None:
    """Terminate the newest instances above each target (the Spot Fleet's rule)."""
    od, spot = fleet_pools.targets(config["TargetCapacitySpecification"])
    spot_fleets.shrink(world, part, fid, {"TargetCapacity": od + spot,
                                          "OnDemandTargetCapacity": od})


# -- DeleteFleets ------------------------------------------------------------------------------
def delete(world: World, part: Partition, fleet_ids: list[str], terminate_instances: bool
           ) -> dict[str, list[dict[str, Any]]]:
    """DeleteFleets; a fleet that cannot be deleted is reported, not raised, as AWS does."""
    ids = list(dict.fromkeys(fleet_ids))
    _check_counts(world, part, ids)
    done, failed = [], []
    for fid in ids:
        error = _undeletable(world, part, fid, terminate_instances)
        if error is not None:
            failed.append({"FleetId": fid, "Error": {"Code": error[0], "Message": error[1]}})
            continue
        previous = state(world, fid)
        current = _end(world, part, fid, terminate_instances, None)
        done.append({"FleetId": fid, "CurrentFleetState": current,
                     "PreviousFleetState": previous})
    return {"SuccessfulFleetDeletions": done, "UnsuccessfulFleetDeletions": failed}


def _check_counts(world: World, part: Partition, ids: list[str]) -> None:
    instant = sum(1 for fid in ids if (world.lookup(part, KIND, fid) or {}).get(
        "config", {}).get("Type") == "instant")
    if instant > DELETE_LIMITS["instant"] or len(ids) - instant > DELETE_LIMITS["other"] or \
            len(ids) > DELETE_LIMITS["all"]:
        raise InvalidParameterValue(
            f"You can delete up to {DELETE_LIMITS['instant']} instant fleets and "
            f"{DELETE_LIMITS['other']} fleets of type maintain or request in a single "
            f"request, and no more than {DELETE_LIMITS['all']} fleets in total.")


def _undeletable(world: World, part: Partition, fid: str, terminate: bool
                 ) -> tuple[str, str] | None:
    node = world.lookup(part, KIND, fid)
    if node is None:
        if not is_uuid_id_of("fleet", fid):
            return "fleetIdMalformed", f"The fleet ID '{fid}' is malformed"
        return "fleetIdDoesNotExist", f"The fleet ID '{fid}' does not exist"
    current = state(world, fid)
    if node["config"]["Type"] == "instant" and not terminate:
        return ("NoTerminateInstancesNotSupported", "An instant fleet can only be deleted "
                "with TerminateInstances set to true.")
    if current in LIVE_STATES or (current == "deleted_running" and terminate):
        return None
    return ("fleetNotInDeletableState",
            f"The fleet ID '{fid}' is in the {current} state and cannot be deleted")


def _end(world: World, part: Partition, fid: str, terminate: bool, reason: str | None) -> str:
    """Stop the fleet (deleted or expired), terminating its instances if asked."""
    current = "deleted_terminating" if terminate else "deleted_running"
    world.update(fid, FleetState=current)
    if reason:
        fleet_events.record(world, fid, "fleet", reason)
    fleet_events.record(world, fid, "fleet", current)
    doomed = [iid for iid, _ in spot_fleets.members(world, fid)] if terminate else []
    if doomed:
        instance_state.terminate(world, part, doomed)
        for iid in doomed:
            fleet_events.record(world, fid, "instance", "terminated", instance_id=iid)
    return current

