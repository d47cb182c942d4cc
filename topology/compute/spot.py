"""Spot Instance requests: RequestSpotInstances, their lifecycle, describe and cancel.

A `spot-instance-request` node (id `sir-` and eight base-36 characters, like AWS's) holds the
request as AWS echoes it: `SpotPrice` (the maximum price, six decimals; the On-Demand price
when none is given), `Type`, `State`, `Status`, `CreateTime`, `ValidFrom`/`ValidUntil`
(seven days after creation unless given), `LaunchSpecification` as AWS shows it (the zone it
chose, the security groups resolved to ids and names, monitoring off by default: what
`spot_plans.Plan` resolved) and the product description of the AMI's platform. The instance
that fulfils it is ASSOCIATED with it (request -> instance) and carries
`InstanceLifecycle: spot` and `SpotInstanceRequestId`.

Fulfilment is immediate: a request whose maximum price covers the current Spot price of its
pool (`spot_prices`) launches through `instance_launch.launch` and is `active`/`fulfilled`;
one priced below it stays `open` with `price-too-low`, and one whose `ValidFrom` lies ahead
stays `open` with `not-scheduled-yet`. RequestSpotInstances answers with the requests as submitted
(`open`, `pending-evaluation`), as AWS does; describe shows where they got to.

What happens to the instance shows through on the request (read when viewed, so no other
family has to tell us): a terminated instance closes a one-time request
(`instance-terminated-by-user`) and a stopped one disables a persistent request. Cancelling
leaves the instance running, as on AWS (`request-canceled-and-instance-running`).
"""
from __future__ import annotations

import copy
import datetime as dt
import re
import string
from collections.abc import Iterable
from typing import Any

from ..catalogue import spot_prices
from ..core import clock, regions, schema
from ..core import tags
from ..core import tags as tagging
from ..core.errors import (InvalidParameterCombination, InvalidParameterValue, Malformed, NotFound,
                           TopologyError)
from ..core.family import declare_actions
from ..core.filters import Filter, FilterTable, field, ident
from ..core.world import Partition, World
from . import instance_launch, instances
from .spot_plans import DEFAULT_TYPE, ECHOED, Plan, product_of

KIND = "spot-instance-request"
DEFAULT_VALIDITY = dt.timedelta(days=7)
_ID = re.compile(r"^sir-[0-9a-z]{8}([0-9a-z]{9})?$")
_ALPHABET = string.digits + string.ascii_lowercase

MESSAGES = {
    "pending-evaluation": "Your Spot request has been submitted for review, and is pending "
                          "evaluation.",
    "fulfilled": "Your spot request is fulfilled.",
    "not-scheduled-yet": "Your Spot request will not be evaluated until the scheduled date.",
    "canceled-before-fulfillment": "Your Spot request was canceled before it was fulfilled.",
    "request-canceled-and-instance-running": "Spot Instance request canceled by user, but "
                                             "your Spot Instance is still running.",
    "instance-terminated-by-user": "Spot Instance terminated due to user-initiated "
                                   "termination.",
    "instance-stopped-by-user": "Spot Instance stopped due to user-initiated stop.",
    "schedule-expired": "Your Spot request has expired because it was not fulfilled before "
                        "the specified end date.",
}


# -- lookups ---------------------------------------------------------------------------------
def get(world: World, part: Partition, rid: str) -> dict[str, Any]:
    """The request `rid` of `part`; AWS's NotFound, or Malformed for a shape no id has."""
    node = world.node(rid)
    if node is not None and node["kind"] == KIND and \
            (node["account"], node["region"]) == (part.account, part.region):
        return node
    kind = schema.KINDS[KIND]
    if not _ID.match(rid):
        raise Malformed(f'Invalid id: "{rid}" (expecting "sir-...")', kind.malformed)
    raise NotFound(kind.message.format(label=kind.label, id=rid), kind.not_found)


def new_id(world: World) -> str:
    """`sir-` and eight base-36 characters, as AWS's request ids look (seedable)."""
    while True:
        rid = "sir-" + "".join(world.rng.choice(_ALPHABET) for _ in range(8))
        if rid not in world.graph:
            return rid


def instance_of(world: World, rid: str) -> str | None:
    found = world.out(rid, schema.ASSOCIATED, "instance")
    return found[0][0] if found else None


def request_of(world: World, instance_id: str) -> str | None:
    """The Spot request an instance fulfils, if any."""
    found = world.into(instance_id, schema.ASSOCIATED, KIND)
    return found[0][0] if found else None


# -- RequestSpotInstances --------------------------------------------------------------------
def _max_price(text: str | None, default: float) -> float:
    if text is None:
        return default
    try:
        price = float(text)
    except ValueError:
        price = float("nan")
    if not price > 0 or price == float("inf"):
        raise InvalidParameterValue(
            f"Value ({text}) for parameter spotPrice is invalid. The value must be a "
            "positive number.")
    return price


def _schedule(params: dict[str, Any], now: dt.datetime) -> tuple[dt.datetime | None, dt.datetime]:
    valid_from, valid_until = params.get("ValidFrom"), params.get("ValidUntil")
    if valid_until is not None and valid_until <= now:
        raise InvalidParameterValue(
            f"Value ({wire_time(valid_until)}) for parameter validUntil is invalid. "
            "The date must be in the future.")
    if valid_from is not None and valid_until is not None and valid_from >= valid_until:
        raise InvalidParameterCombination("validFrom must be earlier than validUntil.")
    return valid_from, valid_until or now + DEFAULT_VALIDITY


def wire_time(when: dt.datetime) -> str:
    return when.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _check_interruption(params: dict[str, Any], kind: str) -> str:
    behaviour = params.get("InstanceInterruptionBehavior") or "terminate"
    if behaviour != "terminate" and kind != "persistent":
        raise InvalidParameterCombination(
            f"The instance interruption behavior '{behaviour}' is only supported for "
            "persistent Spot Instance requests.")
    return behaviour


def request(world: World, part: Partition, params: dict[str, Any]) -> list[str]:
    """RequestSpotInstances: validate, record InstanceCount requests, fulfil those whose
    price covers the pool's. Returns the new request ids."""
    count = params.get("InstanceCount", 1)
    if count < 1:
        raise InvalidParameterValue(
            f"Value ({count}) for parameter instanceCount is invalid. Expected a positive "
            "number.")
    kind = params.get("Type") or "one-time"
    behaviour = _check_interruption(params, kind)
    now = clock.now()
    valid_from, valid_until = _schedule(params, now)
    new_tags = tags.from_specifications(params.get("TagSpecifications"), "spot-instances-request")
    plan = Plan(world, part, dict(params.get("LaunchSpecification") or {}))
    limit = _max_price(params.get("SpotPrice"), plan.on_demand())
    fields = {
        "SpotPrice": spot_prices.fmt(limit), "Type": kind, "CreateTime": now,
        "ProductDescription": plan.product, "LaunchSpecification": plan.launch_specification(),
        "ValidUntil": valid_until, "InstanceInterruptionBehavior": behaviour,
        **{k: params[k] for k in ("ValidFrom", "LaunchGroup", "AvailabilityZoneGroup",
                                  "BlockDurationMinutes") if params.get(k) is not None},
    }
    code, message = _holding(plan, limit, valid_from, now, params.get("SpotPrice"))
    ids = [record(world, part, fields, code, message, now, new_tags) for _ in range(count)]
    if code == "fulfilled":
        fulfil(world, part, ids, plan.run_params(count), now)
    return ids


def _holding(plan: Plan, limit: float, valid_from: dt.datetime | None, now: dt.datetime,
             given: str | None) -> tuple[str, str]:
    """Why a request waits (code, message), or ("fulfilled", ...) when it can launch now."""
    if valid_from is not None and valid_from > now:
        return "not-scheduled-yet", MESSAGES["not-scheduled-yet"]
    current = plan.price()
    if limit < current:
        return "price-too-low", (
            f"Your Spot request price of {given or limit} is lower than the minimum required "
            f"Spot request fulfillment price of {_short(current)}.")
    return "fulfilled", MESSAGES["fulfilled"]


def _short(price: float) -> str:
    return f"{price:.4f}".rstrip("0").rstrip(".")


def record(world: World, part: Partition, fields: dict[str, Any], code: str, message: str,
           now: dt.datetime, new_tags: dict[str, str] | None = None) -> str:
    """Add one request node (open, or active once `fulfil` links its instance)."""
    rid = new_id(world)
    world.add(part, KIND, rid, **copy.deepcopy(fields), State="open",
              Status={"Code": code, "Message": message, "UpdateTime": now})
    tagging.apply(world, rid, new_tags or {})
    return rid


def fulfil(world: World, part: Partition, ids: list[str], run_params: dict[str, Any],
           now: dt.datetime) -> list[str]:
    """Launch one instance per request (`instance_launch.launch`); tie each to its request."""
    launched = instance_launch.launch(world, part, run_params)[1]
    for rid, iid in zip(ids, launched):
        attach(world, rid, iid, now)
    return launched


def attach(world: World, rid: str, iid: str, now: dt.datetime) -> None:
    """Make `iid` the Spot Instance of request `rid`."""
    world.update(iid, InstanceLifecycle="spot", SpotInstanceRequestId=rid)
    world.link(rid, iid, schema.ASSOCIATED)
    world.update(rid, State="active", Status={
        "Code": "fulfilled", "Message": MESSAGES["fulfilled"], "UpdateTime": now})


def submitted_view(world: World, rid: str) -> dict[str, Any]:
    """A new request as RequestSpotInstances answers: submitted, pending evaluation."""
    out = view(world, rid)
    for key in ("InstanceId", "LaunchedAvailabilityZone", "LaunchedAvailabilityZoneId",
                "Tags"):
        out.pop(key, None)
    if world.tags(rid):
        out["Tags"] = tags.as_list(world, rid)
    out["State"] = "open"
    out["Status"] = {"Code": "pending-evaluation", "Message": MESSAGES["pending-evaluation"],
                     "UpdateTime": out["CreateTime"]}
    return out


# -- RunInstances with InstanceMarketOptions --------------------------------------------------
def check_market_price(world: World, part: Partition, params: dict[str, Any], zone: str
                       ) -> None:
    """RunInstances asking for Spot capacity: refused (`SpotMaxPriceTooLow`) when its
    `MaxPrice` is below the pool's current price. For the instances family to call."""
    options = (params.get("InstanceMarketOptions") or {}).get("SpotOptions") or {}
    given = options.get("MaxPrice")
    if given is None:
        return
    itype = params.get("InstanceType") or DEFAULT_TYPE
    product = product_of(world, part, params["ImageId"])
    current = spot_prices.current(part.region, zone, itype, product)
    if current is not None and _max_price(given, current) < current:
        raise TopologyError(
            f"Your Spot request price of {given} is lower than the minimum required Spot "
            f"request fulfillment price of {_short(current)}.", "SpotMaxPriceTooLow")


def record_market_launch(world: World, part: Partition, params: dict[str, Any],
                         instance_ids: list[str]) -> list[str]:
    """The Spot requests AWS makes for instances RunInstances launched with
    `InstanceMarketOptions` (`MarketType: spot`): one fulfilled request per instance, tagged
    with the request's `spot-instances-request` TagSpecifications. For the instances family
    to call after `instance_launch.launch`; returns the request ids."""
    if not instance_ids:
        return []
    options = (params.get("InstanceMarketOptions") or {}).get("SpotOptions") or {}
    first = world.graph.nodes[instance_ids[0]]
    itype, zone = first["InstanceType"], first["Placement"]["AvailabilityZone"]
    product = product_of(world, part, first["ImageId"])
    limit = _max_price(options.get("MaxPrice"),
                       spot_prices.on_demand(part.region, itype, product) or 0.0)
    spec = {k: params[k] for k in ECHOED if params.get(k) is not None}
    spec.update(InstanceType=itype, Placement={"AvailabilityZone": zone},
                Monitoring={"Enabled": bool((params.get("Monitoring") or {}).get("Enabled"))})
    now = clock.now()
    fields = {"SpotPrice": spot_prices.fmt(limit), "Type": options.get("SpotInstanceType")
              or "one-time", "CreateTime": now, "ProductDescription": product,
              "LaunchSpecification": spec, "ValidUntil": options.get("ValidUntil")
              or now + DEFAULT_VALIDITY, "InstanceInterruptionBehavior":
              options.get("InstanceInterruptionBehavior") or "terminate"}
    wanted = [t for t in params.get("TagSpecifications") or []
              if t.get("ResourceType") == "spot-instances-request"]
    new_tags = tags.from_specifications(wanted, "spot-instances-request")
    ids = []
    for iid in instance_ids:
        rid = record(world, part, fields, "fulfilled", MESSAGES["fulfilled"], now, new_tags)
        attach(world, rid, iid, now)
        ids.append(rid)
    return ids


def check_stoppable(world: World, instance_id: str) -> None:
    """StopInstances on a Spot Instance: only one of a persistent request may stop (AWS's
    `UnsupportedOperation` otherwise). For the instances family to call before stopping."""
    rid = request_of(world, instance_id)
    if rid is not None and world.graph.nodes[rid]["Type"] != "persistent":
        raise TopologyError(
            f"You can't stop the Spot Instance '{instance_id}' because it is associated with "
            "a one-time Spot Instance request. You can only stop Spot Instances associated "
            "with persistent Spot Instance requests.", "UnsupportedOperation")


# -- the lifecycle, read off the instance ----------------------------------------------------
def effective(world: World, rid: str) -> tuple[str, dict[str, Any]]:
    """The request's (State, Status) now: its own, or what its instance's fate made of it."""
    node = world.graph.nodes[rid]
    state, status = node["State"], node["Status"]
    iid = instance_of(world, rid)
    if state not in ("active", "cancelled") or (iid is None and state == "cancelled"):
        return state, status

    gone = iid is None        # an instance AWS no longer lists (it was terminated)
    instance_state = "terminated" if gone else instances.state_name(world, iid)
    when = (None if gone else _transition_time(world.graph.nodes[iid])) or status["UpdateTime"]
    if instance_state in ("shutting-down", "terminated"):
        code = "instance-terminated-by-user"
        if state == "active":
            state = "open" if node["Type"] == "persistent" else "closed"
        return state, {"Code": code, "Message": MESSAGES[code], "UpdateTime": when}
    if instance_state in ("stopping", "stopped") and state == "active":
        code = "instance-stopped-by-user"
        return "disabled", {"Code": code, "Message": MESSAGES[code], "UpdateTime": when}
    return state, status


def _transition_time(instance: dict[str, Any]) -> dt.datetime | None:
    """When the instance last changed state, from AWS's `User initiated (... GMT)` reason."""
    found = re.search(r"\((\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) GMT\)",
                      instance.get("StateTransitionReason") or "")
    if found is None:
        return None
    return dt.datetime.strptime(found.group(1), "%Y-%m-%d %H:%M:%S").replace(
        tzinfo=dt.timezone.utc)


def view(world: World, rid: str) -> dict[str, Any]:
    """The request as boto3's `SpotInstanceRequest`."""
    node = world.graph.nodes[rid]
    keys = ("SpotPrice", "Type", "CreateTime", "ProductDescription", "LaunchSpecification",
            "ValidFrom", "ValidUntil", "LaunchGroup", "AvailabilityZoneGroup",
            "BlockDurationMinutes", "InstanceInterruptionBehavior", "Fault")
    out: dict[str, Any] = {"SpotInstanceRequestId": rid}
    out.update({k: node[k] for k in keys if node.get(k) is not None})
    out["State"], out["Status"] = effective(world, rid)
    iid = instance_of(world, rid)
    if iid is not None:
        out["InstanceId"] = iid
        zone = world.graph.nodes[iid].get("Placement", {}).get("AvailabilityZone")
        if zone:
            out["LaunchedAvailabilityZone"] = zone
            found = regions.zone(node["region"], zone_name=zone)
            if found:
                out["LaunchedAvailabilityZoneId"] = found["ZoneId"]
    out["Tags"] = tags.as_list(world, rid)
    return out


# -- CancelSpotInstanceRequests --------------------------------------------------------------
def cancel(world: World, part: Partition,
           spot_instance_request_ids: list[str]) -> list[dict[str, Any]]:
    """Cancel requests (all must exist first); instances keep running, as on AWS."""
    ids = list(dict.fromkeys(spot_instance_request_ids))
    for rid in ids:
        get(world, part, rid)
    now = clock.now()
    out = []
    for rid in ids:
        state, _ = effective(world, rid)
        if state in ("open", "active", "disabled"):
            code = "request-canceled-and-instance-running" if instance_of(world, rid) \
                else "canceled-before-fulfillment"
            world.update(rid, State="cancelled",
                         Status={"Code": code, "Message": MESSAGES[code], "UpdateTime": now})
            state = "cancelled"
        out.append({"SpotInstanceRequestId": rid, "State": state})
    return out


# -- filters -----------------------------------------------------------------------------------
def _spec(*path: str) -> Filter:
    """A filter on a member of the LaunchSpecification."""
    def values(w: World, rid: str, node: dict[str, Any]) -> Any:
        value: Any = node.get("LaunchSpecification") or {}
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        return value
    return Filter(values)


def _mappings(key: str, ebs: bool = True) -> Filter:
    def values(w: World, rid: str, node: dict[str, Any]) -> list[Any]:
        found = (node.get("LaunchSpecification") or {}).get("BlockDeviceMappings") or []
        return [(m.get("Ebs") or {}).get(key) if ebs else m.get(key) for m in found]
    return Filter(values)


def _interfaces(pick: Any) -> Filter:
    def values(w: World, rid: str, node: dict[str, Any]) -> list[Any]:
        found = (node.get("LaunchSpecification") or {}).get("NetworkInterfaces") or []
        return [v for ni in found for v in _listed(pick(ni))]
    return Filter(values)


def _listed(value: Any) -> Iterable[Any]:
    if value is None:
        return ()
    return value if isinstance(value, list) else (value,)


def _time_filter(name: str) -> Filter:
    def values(w: World, rid: str, node: dict[str, Any]) -> list[str]:
        when = node.get(name)
        if when is None:
            return []
        return [wire_time(when), when.astimezone(dt.timezone.utc).strftime(
            "%Y-%m-%dT%H:%M:%SZ")]
    return Filter(values)


def _instance_candidates(world: World, part: Partition, value: str) -> list[str]:
    if world.node(value) is None:
        return []
    return [r for r, _, _ in world.into(value, schema.ASSOCIATED, KIND)]


def _launched_zone(key: str) -> Filter:
    return Filter(lambda w, rid, node: view(w, rid).get(key))


FILTERS: FilterTable = {
    "availability-zone-group": field("AvailabilityZoneGroup"),
    "create-time": _time_filter("CreateTime"),
    "fault-code": Filter(lambda w, rid, node: (node.get("Fault") or {}).get("Code")),
    "fault-message": Filter(lambda w, rid, node: (node.get("Fault") or {}).get("Message")),
    "instance-id": Filter(lambda w, rid, node: instance_of(w, rid), _instance_candidates,
                          exact=True),
    "launch-group": field("LaunchGroup"),
    "launch.block-device-mapping.delete-on-termination": _mappings("DeleteOnTermination"),
    "launch.block-device-mapping.device-name": _mappings("DeviceName", ebs=False),
    "launch.block-device-mapping.snapshot-id": _mappings("SnapshotId"),
    "launch.block-device-mapping.volume-size": _mappings("VolumeSize"),
    "launch.block-device-mapping.volume-type": _mappings("VolumeType"),
    "launch.group-id": Filter(lambda w, rid, node: [
        g["GroupId"] for g in (node.get("LaunchSpecification") or {}).get("SecurityGroups", [])]),
    "launch.group-name": Filter(lambda w, rid, node: [
        g["GroupName"] for g in (node.get("LaunchSpecification") or {}).get("SecurityGroups", [])]),
    "launch.image-id": _spec("ImageId"),
    "launch.instance-type": _spec("InstanceType"),
    "launch.kernel-id": _spec("KernelId"),
    "launch.key-name": _spec("KeyName"),
    "launch.monitoring-enabled": _spec("Monitoring", "Enabled"),
    "launch.ramdisk-id": _spec("RamdiskId"),
    "launch.subnet-id": _spec("SubnetId"),
    "launched-availability-zone": _launched_zone("LaunchedAvailabilityZone"),
    "launched-availability-zone-id": _launched_zone("LaunchedAvailabilityZoneId"),
    "network-interface.addresses.primary": _interfaces(
        lambda ni: [a.get("Primary") for a in ni.get("PrivateIpAddresses") or []]),
    "network-interface.delete-on-termination": _interfaces(
        lambda ni: ni.get("DeleteOnTermination")),
    "network-interface.description": _interfaces(lambda ni: ni.get("Description")),
    "network-interface.device-index": _interfaces(lambda ni: ni.get("DeviceIndex")),
    "network-interface.group-id": _interfaces(lambda ni: ni.get("Groups")),
    "network-interface.network-interface-id": _interfaces(
        lambda ni: ni.get("NetworkInterfaceId")),
    "network-interface.private-ip-address": _interfaces(
        lambda ni: [ni.get("PrivateIpAddress")] + [
            a.get("PrivateIpAddress") for a in ni.get("PrivateIpAddresses") or []]),
    "network-interface.subnet-id": _interfaces(lambda ni: ni.get("SubnetId")),
    "product-description": field("ProductDescription"),
    "spot-instance-request-id": ident(),
    "spot-price": field("SpotPrice"),
    "state": Filter(lambda w, rid, node: effective(w, rid)[0]),
    "status-code": Filter(lambda w, rid, node: effective(w, rid)[1]["Code"]),
    "status-message": Filter(lambda w, rid, node: effective(w, rid)[1]["Message"]),
    "type": field("Type"),
    "valid-from": _time_filter("ValidFrom"),
    "valid-until": _time_filter("ValidUntil"),
}


# CancelSpotInstanceRequests is bound from `cancel` (docs/families.md)
declare_actions(KIND, {"CancelSpotInstanceRequests": cancel})
