"""Scheduled Instances: offers, purchases, and launches within a scheduled slot.

DescribeScheduledInstanceAvailability answers the catalogue's offers
(`catalogue.schedules`). PurchaseScheduledInstances turns offers into `scheduled-instance`
nodes (ids `sci-` and a UUID-like tail, as AWS's are) for a one-year term from the first
slot. RunScheduledInstances launches real instances (RunInstances' path) of the purchased
type, zone and platform while a slot is open (`FirstSlotStartTime` is the hour the search's
earliest time falls in, so a search from now can launch at once); each is ASSOCIATED with
its Scheduled Instance, which launches at most the count bought at a time.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ..catalogue import schedules
from ..core import schema
from ..core.errors import IncorrectState, InvalidParameterValue, Malformed, NotFound, TopologyError
from ..core.filters import Filter, field, ident, select_rows
from ..core.world import Partition, World
from . import images, instance_launch, instances

KIND = "scheduled-instance"
_ID = re.compile(r"^sci-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
LIVE = ("pending", "running", "stopping", "stopped")
OFFER_FILTERS = {"availability-zone": Filter(lambda w, r, row: row["AvailabilityZone"]),
                 "instance-type": Filter(lambda w, r, row: row["InstanceType"]),
                 "platform": Filter(lambda w, r, row: row["Platform"]),
                 "network-platform": Filter(lambda w, r, row: row["NetworkPlatform"])}
FILTERS = {"availability-zone": field("AvailabilityZone"), "instance-type": field("InstanceType"),
           "platform": field("Platform"), "network-platform": field("NetworkPlatform"),
           "scheduled-instance-id": ident()}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def get(world: World, part: Partition, sci: str) -> dict[str, Any]:
    node = world.node(sci)
    if node is not None and node["kind"] == KIND and \
            (node["account"], node["region"]) == (part.account, part.region):
        return node
    kind = schema.KINDS[KIND]
    if not _ID.match(sci):
        raise Malformed(f'Invalid id: "{sci}" (expecting "sci-...")', kind.malformed)
    raise NotFound(kind.message.format(label=kind.label, id=sci), kind.not_found)


def offers(world: World, part: Partition, params: dict[str, Any]) -> list[dict[str, Any]]:
    """The catalogue's offers for the request, filtered."""
    rows = schedules.availability(part.region, params, _now())
    return select_rows(OFFER_FILTERS, params.get("Filters"), rows)


# -- PurchaseScheduledInstances ----------------------------------------------------------------
def purchase(world: World, part: Partition, purchase_requests: list[dict[str, Any]]
             ) -> list[str]:
    """Buy each offer (its token) for its count; every request is checked first."""
    bought = []
    for request in purchase_requests:
        offer = schedules.offer_of(part.region, request["PurchaseToken"])
        count = request["InstanceCount"]
        if not 1 <= count <= offer["AvailableInstanceCount"]:
            raise InvalidParameterValue(
                f"The instance count {count} must be between 1 and the "
                f"{offer['AvailableInstanceCount']} instances available.")
        bought.append((offer, count))
    now = _now()
    ids = []
    for offer, count in bought:
        sci = _new_id(world)
        start = offer["FirstSlotStartTime"]
        world.add(part, KIND, sci, AvailabilityZone=offer["AvailabilityZone"], CreateDate=now,
                  HourlyPrice=offer["HourlyPrice"], InstanceCount=count,
                  InstanceType=offer["InstanceType"], NetworkPlatform=offer["NetworkPlatform"],
                  Platform=offer["Platform"], Recurrence=offer["Recurrence"],
                  SlotDurationInHours=offer["SlotDurationInHours"], TermStartDate=start,
                  TermEndDate=start + dt.timedelta(days=schedules.TERM_DAYS),
                  TotalScheduledInstanceHours=offer["TotalScheduledInstanceHours"])
        ids.append(sci)
    return ids


def _new_id(world: World) -> str:
    while True:
        h = f"{world.rng.getrandbits(128):032x}"
        sci = f"sci-{h[:4]}-{h[4:8]}-{h[8:12]}-{h[12:16]}-{h[16:28]}"
        if sci not in world.graph:
            return sci


# -- views ---------------------------------------------------------------------------------------
def slots(node: dict[str, Any], now: dt.datetime) -> tuple[dt.datetime | None, dt.datetime]:
    """(the end of the last slot before `now`, the start of the current or next slot)."""
    duration = dt.timedelta(hours=node["SlotDurationInHours"])
    previous = None
    for start in schedules.starts(node["Recurrence"], node["TermStartDate"]):
        if start + duration > now or start >= node["TermEndDate"]:
            return previous, start
        previous = start + duration
    raise AssertionError("a recurrence never ends")


def view(world: World, sci: str) -> dict[str, Any]:
    node = world.graph.nodes[sci]
    previous, upcoming = slots(node, _now())
    out = {k: node[k] for k in (
        "AvailabilityZone", "CreateDate", "HourlyPrice", "InstanceCount", "InstanceType",
        "NetworkPlatform", "Platform", "Recurrence", "SlotDurationInHours", "TermEndDate",
        "TermStartDate", "TotalScheduledInstanceHours")}
    out.update(ScheduledInstanceId=sci, NextSlotStartTime=upcoming)
    if previous is not None:
        out["PreviousSlotEndTime"] = previous
    return out


def in_window(world: World, sci: str, window: dict[str, Any] | None) -> bool:
    """SlotStartTimeRange: whether the next slot starts within it."""
    if not window:
        return True
    start = slots(world.graph.nodes[sci], _now())[1]
    low, high = window.get("EarliestTime"), window.get("LatestTime")
    return (low is None or start >= _utc(low)) and (high is None or start <= _utc(high))


def _utc(when: dt.datetime) -> dt.datetime:
    return when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)


# -- RunScheduledInstances -----------------------------------------------------------------------
def run(world: World, part: Partition, scheduled_instance_id: str,
        launch_specification: dict[str, Any], instance_count: int | None = None) -> list[str]:
    """Launch instances of a Scheduled Instance during one of its slots."""
    node = get(world, part, scheduled_instance_id)
    count = 1 if instance_count is None else instance_count
    running = [iid for iid, _, _ in world.out(scheduled_instance_id, schema.ASSOCIATED,
                                               "instance")
               if instances.state_name(world, iid) in LIVE]
    if not 1 <= count <= node["InstanceCount"] - len(running):
        raise InvalidParameterValue(
            f"The instance count {count} exceeds the {node['InstanceCount'] - len(running)} "
            f"instances left to launch of Scheduled Instance {scheduled_instance_id}.")
    now = _now()
    start = slots(node, now)[1]
    if not start <= now < node["TermEndDate"]:
        raise IncorrectState(f"The Scheduled Instance {scheduled_instance_id} is not in a "
                             f"scheduled time period; its next slot starts at "
                             f"{start.isoformat()}.", "IncorrectState")
    params = _run_params(world, part, node, launch_specification, count)
    ids = instance_launch.launch(world, part, params)[1]
    for iid in ids:
        world.link(scheduled_instance_id, iid, schema.ASSOCIATED)
    return ids


def _run_params(world: World, part: Partition, node: dict[str, Any], spec: dict[str, Any],
                count: int) -> dict[str, Any]:
    itype = spec.get("InstanceType") or node["InstanceType"]
    if itype != node["InstanceType"]:
        raise InvalidParameterValue(f"The instance type {itype} does not match the Scheduled "
                                    f"Instance's {node['InstanceType']}.")
    zone = (spec.get("Placement") or {}).get("AvailabilityZone")
    if zone and zone != node["AvailabilityZone"]:
        raise InvalidParameterValue(f"The Availability Zone {zone} does not match the "
                                    f"Scheduled Instance's {node['AvailabilityZone']}.")
    windows = images.get(world, part, spec["ImageId"]).get("Platform") == "windows"
    if windows != (node["Platform"] == "Windows"):
        raise TopologyError(f"The AMI {spec['ImageId']} is not for the Scheduled Instance's "
                            f"platform ({node['Platform']}).", "InvalidParameterValue")
    params = {k: v for k, v in spec.items() if k not in ("Placement", "NetworkInterfaces")
              and v is not None}
    params.update(InstanceType=itype, MinCount=count, MaxCount=count,
                  Placement={**(spec.get("Placement") or {}),
                             "AvailabilityZone": node["AvailabilityZone"]})
    if spec.get("NetworkInterfaces"):
        params["NetworkInterfaces"] = [
            {k: v for k, v in ni.items() if k not in ("Groups", "Ipv6Addresses",
                                                     "PrivateIpAddressConfigs")}
            | ({"Groups": ni["Groups"]} if ni.get("Groups") else {})
            | ({"Ipv6Addresses": ni["Ipv6Addresses"]} if ni.get("Ipv6Addresses") else {})
            | ({"PrivateIpAddresses": ni["PrivateIpAddressConfigs"]}
               if ni.get("PrivateIpAddressConfigs") else {})
            for ni in spec["NetworkInterfaces"]]
    return params
