"""Dedicated Hosts: physical servers allocated to one account, and the instances on them.

A `dedicated-host` node (`h-` id) holds what DescribeHosts shows of it: its zone, its
configuration (`HostProperties`: one instance type, or a whole family when
`AllowsMultipleInstanceTypes` is `on`; sockets, cores and vCPUs from `catalogue.host_types`),
`AutoPlacement`, `HostRecovery`, `HostMaintenance` and its `State` (`available`, then
`released` with a `ReleaseTime`; a released host stays visible). An instance on a host has an
ASSOCIATED edge instance -> host (discriminator `host`) and its `Placement` names the host
(`HostId`, `Affinity`, `Tenancy` `host`); `host_placement` puts instances there.

Capacity is derived, never stored: a host's vCPUs less those of the instances on it that are
not stopped or terminated (AWS frees a host's capacity when its instance stops). A host with
running instances cannot be released.
"""
from __future__ import annotations

from typing import Any

from ..catalogue import host_types, instance_types
from ..core import regions, schema
from ..core import tags as tagging
from ..core.clock import now
from ..core.errors import (InvalidParameterCombination, InvalidParameterValue, MissingParameter,
                           NotFound, TopologyError)
from ..core.family import Family, declare
from ..core.filters import Filter, field
from ..core.world import Partition, World, is_id_of
from .instances import state_name

KIND = "dedicated-host"
BUSY = ("pending", "running", "stopping", "shutting-down")   # states that hold capacity
HOST_LIMIT = 50        # hosts per family (an account quota; `part.attributes["host-limit"]`)
ON_OFF = ("on", "off")


# -- allocation -------------------------------------------------------------------------------
def _configuration(instance_type: str | None, family: str | None) -> dict[str, Any]:
    """HostProperties of a new host, from an instance type or a family (not both)."""
    if instance_type and family:
        raise InvalidParameterCombination(
            "Only one of instanceType or instanceFamily can be specified.")
    if not instance_type and not family:
        raise MissingParameter("The request must contain the parameter instanceType or "
                               "instanceFamily")
    if instance_type:
        if not host_types.supported(instance_type):
            known = host_types.is_mac(instance_type) or instance_types.get(instance_type)
            raise InvalidParameterValue(
                f"Invalid value '{instance_type}' for InstanceType." if not known else
                f"Dedicated Hosts do not support instance type '{instance_type}'.")
        props = host_types.properties(host_types.family_of(instance_type))
        return {**props, "InstanceType": instance_type}
    assert family is not None
    if family not in host_types.families():
        raise InvalidParameterValue(f"Invalid value '{family}' for InstanceFamily.")
    return {**host_types.properties(family), "InstanceFamily": family}


def _zone(part: Partition, name: str | None, zone_id: str | None) -> dict[str, str]:
    if not name and not zone_id:
        raise MissingParameter("The request must contain the parameter availabilityZone")
    found = regions.zone(part.region, zone_name=name) if name else \
        regions.zone(part.region, zone_id=zone_id)
    if found is None or (name and zone_id and found.get("ZoneId") != zone_id):
        raise InvalidParameterValue(
            f"Invalid availability zone: [{name or zone_id}]")
    return found


def allocate(world: World, part: Partition, instance_type: str | None = None,
             instance_family: str | None = None, availability_zone: str | None = None,
             availability_zone_id: str | None = None, quantity: int | None = None,
             auto_placement: str | None = None, host_recovery: str | None = None,
             host_maintenance: str | None = None, outpost_arn: str | None = None,
             asset_ids: list[str] | None = None, cpu_options: dict[str, Any] | None = None,
             client_token: str | None = None, *, tags: dict[str, str] | None = None
             ) -> list[str]:
    """Allocate `quantity` hosts (default 1); their ids."""
    props = _configuration(instance_type, instance_family)
    zone = _zone(part, availability_zone, availability_zone_id)
    count = quantity if quantity is not None else len(asset_ids or ()) or 1
    if count < 1:
        raise InvalidParameterValue(
            f"Value ({count}) for parameter quantity is invalid. Expected a positive integer.")
    if asset_ids and not outpost_arn:
        raise InvalidParameterCombination("The parameter assetIds requires an outpostArn.")
    if asset_ids and len(asset_ids) != count:
        raise InvalidParameterCombination(
            "The number of asset IDs must equal the quantity of hosts requested.")
    _check_offered(part, instance_type or host_types.sizes(instance_family or "")[-1],
                   zone["ZoneName"])
    mac = host_types.is_mac(instance_type or "")
    if mac and host_recovery == "on":
        raise InvalidParameterValue(f"Host recovery is not supported for {instance_type}.")
    fam = instance_family or host_types.family_of(instance_type or "")
    limit = part.attributes.get("host-limit", HOST_LIMIT)
    if len(_live_of_family(world, part, fam)) + count > limit:
        raise TopologyError(f"You have requested more hosts than your current limit of "
                            f"{limit} for the instance family {fam} allows.",
                            "HostLimitExceeded")
    ids = []
    for index in range(count):
        host_id = world.new_id("h")
        fields: dict[str, Any] = {
            "AutoPlacement": auto_placement or "off", "AvailabilityZone": zone["ZoneName"],
            "AvailabilityZoneId": zone.get("ZoneId"), "HostProperties": props,
            "State": "available", "AllocationTime": now(),
            "HostRecovery": host_recovery or "off",
            "HostMaintenance": host_maintenance or ("off" if mac else "on"),
            "AllowsMultipleInstanceTypes": "on" if instance_family else "off",
            "MemberOfServiceLinkedResourceGroup": False, "family": fam}
        optional = {"ClientToken": client_token, "OutpostArn": outpost_arn,
                    "AssetId": asset_ids[index] if asset_ids else None,
                    "CpuOptions": cpu_options or None}
        fields.update({k: v for k, v in optional.items() if v is not None})
        world.add(part, KIND, host_id, **fields)
        tagging.apply(world, host_id, tags or {})
        ids.append(host_id)
    return ids


def _check_offered(part: Partition, type_name: str, zone: str) -> None:
    """The zone must offer the host's instances (Mac types: every zone here)."""
    if host_types.is_mac(type_name) or instance_types.offered(
            part.region, "availability-zone", zone, type_name):
        return
    raise TopologyError(f"Dedicated Hosts for {type_name} are not supported in the requested "
                        f"Availability Zone ({zone}).", "Unsupported")


def _live_of_family(world: World, part: Partition, family: str) -> list[str]:
    nodes = world.graph.nodes
    return [h for h in part.ids(KIND)
            if nodes[h]["family"] == family and nodes[h]["State"] != "released"]


# -- capacity ---------------------------------------------------------------------------------
def instances_on(world: World, host_id: str) -> list[str]:
    """The instances on the host that hold its capacity."""
    return [iid for iid, _, _ in world.into(host_id, schema.ASSOCIATED, "instance")
            if state_name(world, iid) in BUSY]


def free_vcpus(world: World, host_id: str) -> int:
    node = world.graph.nodes[host_id]
    used = sum(host_types.vcpus(world.graph.nodes[i]["InstanceType"])
               for i in instances_on(world, host_id))
    return int(node["HostProperties"]["TotalVCpus"]) - used


def runs(node: dict[str, Any], type_name: str) -> bool:
    """Whether the host's configuration runs instances of `type_name`."""
    props = node["HostProperties"]
    if "InstanceType" in props:
        return bool(props["InstanceType"] == type_name)
    return host_types.supported(type_name) and host_types.family_of(type_name) == node["family"]


def room(world: World, host_id: str, type_name: str) -> int:
    """How many more instances of `type_name` the host takes now."""
    node = world.graph.nodes[host_id]
    if node["State"] != "available" or not runs(node, type_name):
        return 0
    if host_types.is_mac(type_name):
        return 0 if instances_on(world, host_id) else 1
    return max(free_vcpus(world, host_id), 0) // host_types.vcpus(type_name)


def available_capacity(world: World, host_id: str) -> dict[str, Any]:
    node = world.graph.nodes[host_id]
    props = node["HostProperties"]
    free = max(free_vcpus(world, host_id), 0)
    sizes = [props["InstanceType"]] if "InstanceType" in props else \
        host_types.sizes(node["family"])
    rows = []
    for size in sizes:
        total = host_types.capacity(node["family"], size)
        left = (0 if instances_on(world, host_id) else 1) if host_types.is_mac(size) \
            else free // host_types.vcpus(size)
        rows.append({"AvailableCapacity": left, "InstanceType": size, "TotalCapacity": total})
    return {"AvailableInstanceCapacity": rows, "AvailableVCpus": free}


# -- modify and release -----------------------------------------------------------------------
def _unsuccessful(host_id: str, code: str, message: str) -> dict[str, Any]:
    return {"Error": {"Code": code, "Message": message}, "ResourceId": host_id}


def _known(world: World, part: Partition, host_id: str) -> dict[str, Any] | None:
    """The host, None for an unknown one (a malformed id fails the whole request)."""
    if not is_id_of("h", host_id):
        world.get(part, KIND, host_id)   # raises InvalidHostID.Malformed
    try:
        return world.get(part, KIND, host_id)
    except NotFound:
        return None


def modify(world: World, part: Partition, host_ids: list[str],
           auto_placement: str | None = None, host_recovery: str | None = None,
           instance_type: str | None = None, instance_family: str | None = None,
           host_maintenance: str | None = None) -> dict[str, Any]:
    """ModifyHosts: each host changed, or listed as unsuccessful with AWS's reason."""
    if not any((auto_placement, host_recovery, instance_type, instance_family,
                host_maintenance)):
        raise MissingParameter("The request must contain at least one of the parameters "
                               "autoPlacement, hostRecovery, hostMaintenance, instanceType "
                               "or instanceFamily")
    props = _configuration(instance_type, instance_family) \
        if instance_type or instance_family else None
    ok, failed = [], []
    for host_id in dict.fromkeys(host_ids):
        node = _known(world, part, host_id)
        if node is None:
            failed.append(_unsuccessful(host_id, "Client.InvalidHostID.NotFound",
                                        f"The host ID '{host_id}' does not exist"))
            continue
        reason = _modify_refusal(world, host_id, node, props, host_recovery)
        if reason:
            failed.append(_unsuccessful(host_id, *reason))
            continue
        changes: dict[str, Any] = {k: v for k, v in (
            ("AutoPlacement", auto_placement), ("HostRecovery", host_recovery),
            ("HostMaintenance", host_maintenance)) if v is not None}
        if props is not None:
            changes.update(HostProperties=props, AllowsMultipleInstanceTypes=(
                "on" if "InstanceFamily" in props else "off"),
                family=instance_family or host_types.family_of(instance_type or ""))
        world.update(host_id, **changes)
        ok.append(host_id)
    return {"Successful": ok, "Unsuccessful": failed}


def _modify_refusal(world: World, host_id: str, node: dict[str, Any],
                    props: dict[str, Any] | None, recovery: str | None
                    ) -> tuple[str, str] | None:
    if node["State"] != "available":
        return ("Client.InvalidHostState",
                f"Host '{host_id}' is in state {node['State']} and cannot be modified.")
    if props is not None and world.into(host_id, schema.ASSOCIATED, "instance") and any(
            state_name(world, i) != "terminated"
            for i, _, _ in world.into(host_id, schema.ASSOCIATED, "instance")):
        return ("Client.InvalidHostState",
                f"Host '{host_id}' has instances; its configuration cannot be changed.")
    if props is not None and (host_types.is_mac(props.get("InstanceType", ""))
                              != host_types.is_mac(node["HostProperties"].get(
                                  "InstanceType", ""))):
        return ("Client.InvalidParameterValue",
                "A Mac host cannot be modified to or from another instance family.")
    if recovery == "on" and host_types.is_mac(node["HostProperties"].get("InstanceType", "")):
        return ("Client.UnsupportedOperation", "Host recovery is not supported for Mac hosts.")
    return None


MAC_MINIMUM = 24 * 3600     # seconds a Mac host is held before it can be released


def release(world: World, part: Partition, host_ids: list[str]) -> dict[str, Any]:
    """ReleaseHosts: hosts without running instances are released (they stay visible as
    `released`); the others are listed as unsuccessful."""
    ok, failed = [], []
    for host_id in dict.fromkeys(host_ids):
        node = _known(world, part, host_id)
        if node is None:
            failed.append(_unsuccessful(host_id, "Client.InvalidHostID.NotFound",
                                        f"The host ID '{host_id}' does not exist"))
        elif node["State"] != "available":
            failed.append(_unsuccessful(host_id, "Client.InvalidHostState",
                                        f"Host '{host_id}' is in state {node['State']}."))
        elif instances_on(world, host_id):
            failed.append(_unsuccessful(
                host_id, "Client.InvalidHost.Occupied",
                f"Host '{host_id}' has running instances; stop them before releasing it."))
        elif node.get("HostReservationId"):
            failed.append(_unsuccessful(
                host_id, "Client.InvalidHostState",
                f"Host '{host_id}' is associated with a host reservation."))
        elif host_types.is_mac(node["HostProperties"].get("InstanceType", "")) and \
                (now() - node["AllocationTime"]).total_seconds() < MAC_MINIMUM:
            failed.append(_unsuccessful(
                host_id, "Client.InvalidHostState",
                f"Host '{host_id}' is a Mac host allocated less than 24 hours ago."))
        else:
            world.update(host_id, State="released", ReleaseTime=now())
            ok.append(host_id)
    return {"Successful": ok, "Unsuccessful": failed}


# -- view and filters -------------------------------------------------------------------------
MEMBERS = ("AutoPlacement", "AvailabilityZone", "ClientToken", "HostProperties",
           "HostReservationId", "State", "AllocationTime", "ReleaseTime", "HostRecovery",
           "AllowsMultipleInstanceTypes", "AvailabilityZoneId",
           "MemberOfServiceLinkedResourceGroup", "OutpostArn", "HostMaintenance", "AssetId",
           "CpuOptions")


def view(world: World, host_id: str) -> dict[str, Any]:
    """The host as boto3's `Host`."""
    node = world.graph.nodes[host_id]
    out: dict[str, Any] = {k: node[k] for k in MEMBERS if k in node}
    out["HostId"] = host_id
    out["OwnerId"] = node["account"]
    if node["State"] == "available":
        out["AvailableCapacity"] = available_capacity(world, host_id)
    out["Instances"] = [{"InstanceId": i, "InstanceType": world.graph.nodes[i]["InstanceType"],
                         "OwnerId": world.graph.nodes[i]["account"]}
                        for i in instances_on(world, host_id)]
    out["HostProperties"] = dict(node["HostProperties"])
    out["Tags"] = tagging.listed(node["tags"])
    return out


# DescribeHosts' documented filters (tag:<key> and tag-key come with every table)
FILTERS: dict[str, Filter] = {
    "auto-placement": field("AutoPlacement"),
    "availability-zone": field("AvailabilityZone"),
    "client-token": field("ClientToken"),
    "host-reservation-id": field("HostReservationId"),
    "instance-type": Filter(lambda w, rid, n: n["HostProperties"].get("InstanceType")),
    "state": field("State"),
}

# DescribeHosts and DescribeMacHosts are api/handlers/reservations.py's (AWS's 5-500 bounds)
FAMILY = declare(Family(KIND, view=view, filters=FILTERS, noun="Host",
                        actions={"AllocateHosts": allocate, "ModifyHosts": modify,
                                 "ReleaseHosts": release}))
