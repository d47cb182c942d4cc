"""RunInstances: a request checked whole, then MinCount..MaxCount instances launched.

Everything that can be refused is checked before the first instance is created, so a DryRun
answers as the real request would and a refused request changes nothing: counts, the image
(`images.get`), the instance type (`instance_types.get`, offered in the zone, matching the
image's architecture), the key pair, user data (base64, at most 16 KB), the network plan and
its addresses (`instance_network`), block device mappings (the image's, overridden by the
request's), tags per resource type, the placement group, the IAM instance profile, and the
CPU, credit, metadata and EBS-optimization options. A launch template's parameters
(`launch_templates.resolve`) sit under the request's own.

Each instance then gets its node, its network interfaces (created with the planned address,
or the existing one attached), an auto-assigned public IPv4 where the subnet or request asks
for one, its EBS volumes, its placement and its IAM instance profile association.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..catalogue import instance_types
from ..core import regions, tags
from ..core.clock import now
from ..core.errors import (InvalidParameterCombination, InvalidParameterValue, LimitExceeded,
                           MissingParameter, TopologyError)
from ..core.registry import Registry
from ..core.world import Partition, World
from ..network import network_interfaces, secondary_interfaces
from . import (capacity_reservation_launch, image_lifecycle, images, instance_network,
               instance_profiles, key_pairs, launch_templates, placement_groups, volumes)
from .instance_network import Nic
from .instance_options import launch_fields
from .instances import DEFAULT_TYPE, RESERVATION_INDEX, STATE_INDEX, TYPE_INDEX, state

TAG_TYPES = ("instance", "volume", "network-interface", "spot-instances-request")
INSTANCE_LIMIT = 100_000          # running + stopped instances; `part.attributes["instance-limit"]`
LIVE_STATES = ("pending", "running", "stopping", "stopped", "shutting-down")

# what a family that hosts instances (Dedicated Hosts, ...) checks of a request before
# anything changes: (world, part, params, type, zone, count) -> None, or what places each
# new instance, (world, part, instance id) -> None, called once the instance exists
Placer = Callable[[World, Partition, str], None]
PLACERS: Registry[Callable[[World, Partition, dict[str, Any], str, str, int], Placer | None]] = \
    Registry("what a family checks of a launch, and how it places each new instance")
# the zone a request's placement implies when it names none (a Dedicated Host's)
ZONES: Registry[Callable[[World, Partition, dict[str, Any]], str | None]] = Registry(
    "the Availability Zone a launch's placement implies")


@dataclass
class Plan:
    """A checked RunInstances request: what every instance of it gets."""

    params: dict[str, Any]
    fields: dict[str, Any]                    # the instance node's own fields
    type_name: str
    zone: str
    nics: list[Nic]
    addresses: list[list[str | None]]         # [instance][nic] planned primary IPs
    hints: dict[str, int]                     # subnet -> where its allocation resumes
    mappings: list[dict[str, Any]]            # EBS block device mappings to create
    tags: dict[str, dict[str, str]]           # resource type -> tags
    pg_id: str | None
    partition: int | None
    profile: dict[str, str] | None
    secondary: list[secondary_interfaces.Wanted]
    secondary_addresses: list[list[tuple[list[str], list[str]]]]   # [instance][interface]
    placers: list[Placer] = field(default_factory=list)   # PLACERS' answers
    running: dict[str, Any] = field(default_factory=lambda: state("running"))  # shared State


def launch(world: World, part: Partition, params: dict[str, Any]) -> tuple[str, list[str]]:
    """Launch the instances a RunInstances request asks for: (reservation id, ids)."""
    plan = prepare(world, part, merged(world, part, params))
    # the capacity reservation of each instance (a targeted one may hold fewer)
    slots = capacity_reservation_launch.allocate(world, part, plan.params, plan.fields,
                                                 len(plan.addresses))
    reservation = world.new_id("r")
    images.mark_launched(world, plan.params["ImageId"])   # a dry run stops here
    part.hints.update(plan.hints)
    ids = [_launch_one(world, part, plan, index, reservation) for index in range(len(slots))]
    capacity_reservation_launch.bind(world, ids, slots, plan.params)
    return reservation, ids


def merged(world: World, part: Partition, params: dict[str, Any]) -> dict[str, Any]:
    """The request's parameters over its launch template's. An instance launched from a
    template carries AWS's `aws:ec2launchtemplate:id` and `:version` tags (`system_tags`)."""
    spec = params.get("LaunchTemplate")
    if not spec:
        return params

    lt_id, number = launch_templates.locate(world, part, spec)
    base = launch_templates.resolve(world, part, spec)
    out = {**base, **{k: v for k, v in params.items() if v is not None}}
    out["system_tags"] = {"aws:ec2launchtemplate:id": lt_id,
                          "aws:ec2launchtemplate:version": str(number)}
    return out


# -- checking ---------------------------------------------------------------------------------
def prepare(world: World, part: Partition, p: dict[str, Any]) -> Plan:
    low, high = _counts(p)
    image_id = p.get("ImageId")
    if not image_id:
        raise MissingParameter("The request must contain the parameter ImageId")
    image = images.get(world, part, image_id)
    type_name, info = _instance_type(p)
    _check_architecture(image, type_name, info)
    image_lifecycle.check_launch(part, image, image_id, type_name)
    if p.get("KeyName"):
        key_pairs.by_name(world, part, p["KeyName"])
    asked_zone = _asked_zone(part, p.get("Placement") or {}) or next(
        (z for _, implied in ZONES.items() if (z := implied(world, part, p))), None)
    # the default type (m1.small) is not checked against offerings: regions opened after it
    # never offered it, yet code that names no type still launches there
    asked_type = bool(p.get("InstanceType"))
    nics = instance_network.plan(world, part, p, asked_zone, high,
                                 prefer=_offered_in(part, type_name) if asked_type else _anywhere)
    zone = world.graph.nodes[nics[0].subnet_id]["AvailabilityZone"]
    if asked_type:
        _check_offered(part, type_name, zone)
    pg_id, partition = _placement_group(world, part, p, zone, low, type_name)
    mappings = _mappings(world, image_id, p.get("BlockDeviceMappings"), part.account)
    new_tags = tags.by_type(p.get("TagSpecifications"), TAG_TYPES, fallback="instance")
    profile = instance_profiles.profile(part, p["IamInstanceProfile"], world) \
        if p.get("IamInstanceProfile") else None
    fields = launch_fields(world, part, p, image, type_name, info, zone, nics[0].subnet_id)
    secondary = secondary_interfaces.plan_launch(
        world, part, p.get("SecondaryInterfaces"), info, zone,
        {(n.card, n.device_index) for n in nics}, high)
    addresses, hints = _capacity(world, part, nics, low, high)
    second = _secondary_capacity(world, secondary, addresses, low)
    placers = [placer for _, check in PLACERS.items()
               if (placer := check(world, part, p, type_name, zone, len(second))) is not None]
    return Plan(p, fields, type_name, zone, nics, addresses[:len(second)], hints, mappings,
                new_tags, pg_id, partition, profile, secondary, second, placers)


def _counts(p: dict[str, Any]) -> tuple[int, int]:
    low, high = p.get("MinCount"), p.get("MaxCount")
    if low is None:
        raise MissingParameter("The request must contain the parameter MinCount")
    if high is None:
        raise MissingParameter("The request must contain the parameter MaxCount")
    if low < 1:
        raise InvalidParameterValue(
            f"Value ({low}) for parameter minCount is invalid. Expected a positive integer.")
    if high < 1:
        raise InvalidParameterValue(
            f"Value ({high}) for parameter maxCount is invalid. Expected a positive integer.")
    if low > high:
        raise InvalidParameterValue(
            f"Value ({high}) for parameter maxCount is invalid. The maxCount must be equal to "
            "or greater than the minCount.")
    return low, high


def _instance_type(p: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    name = p.get("InstanceType")
    info = instance_types.get(name or DEFAULT_TYPE)
    if info is None:
        raise InvalidParameterValue(f"Invalid value '{name}' for InstanceType.")
    return name or DEFAULT_TYPE, info


def _check_architecture(image: dict[str, Any], type_name: str, info: dict[str, Any]) -> None:
    arch = image.get("Architecture")
    supported = (info.get("ProcessorInfo") or {}).get("SupportedArchitectures") or []
    if arch and supported and arch not in supported:
        raise InvalidParameterValue(
            f"The architecture '{supported[0]}' of the specified instance type does not match "
            f"the architecture '{arch}' of the specified AMI. Specify an instance type and an "
            "AMI that have matching architectures, and try again. You can use "
            "'describe-instance-types' or 'describe-images' to discover the architecture of "
            "the instance type or AMI.")


def _asked_zone(part: Partition, placement: dict[str, Any]) -> str | None:
    name, zone_id = placement.get("AvailabilityZone"), placement.get("AvailabilityZoneId")
    if name:
        return instance_network.zone_named(part, name)["ZoneName"]
    if zone_id:
        found = regions.zone(part.region, zone_id=zone_id)
        if found is None:
            raise InvalidParameterValue(f"Invalid availability zone ID: [{zone_id}]")
        return found["ZoneName"]
    return None


def _anywhere(zone: str) -> bool:
    return True


def _offered_in(part: Partition, type_name: str):
    return lambda zone: instance_types.offered(part.region, "availability-zone", zone, type_name)


def _check_offered(part: Partition, type_name: str, zone: str) -> None:
    if instance_types.offered(part.region, "availability-zone", zone, type_name):
        return
    where = [z["ZoneName"] for z in regions.zones(part.region)
             if instance_types.offered(part.region, "availability-zone", z["ZoneName"],
                                       type_name)]
    raise TopologyError(
        f"Your requested instance type ({type_name}) is not supported in your requested "
        f"Availability Zone ({zone}). Please retry your request by not specifying an "
        f"Availability Zone or choosing {', '.join(where)}.", "Unsupported")


def _placement_group(world: World, part: Partition, p: dict[str, Any], zone: str, count: int,
                     type_name: str) -> tuple[str | None, int | None]:
    placement = p.get("Placement") or {}
    pg_id = placement_groups.resolve(world, part, placement)
    partition = placement.get("PartitionNumber")
    if pg_id is None:
        if partition is not None:
            raise InvalidParameterCombination(
                "The parameter partitionNumber requires a placement group.")
        return None, None
    placement_groups.check_launch(world, part, pg_id, zone, count, type_name, partition)
    return pg_id, partition


_EPHEMERAL = re.compile(r"ephemeral[0-9]+")   # instance store volumes' virtual names


def _mappings(world: World, image_id: str, requested: list[dict[str, Any]] | None,
              account: str | None = None) -> list[dict[str, Any]]:
    """The EBS mappings a new instance gets: the image's, overridden by the request's."""
    base = {m["DeviceName"]: m for m in images.block_device_mappings(world, image_id)}
    root = images.root_device_name(world, image_id)
    chosen = dict(base)
    seen: set[str] = set()
    for m in requested or []:
        device = m.get("DeviceName")
        if not device:
            raise MissingParameter("The request must contain the parameter "
                                   "BlockDeviceMapping.DeviceName")
        if device in seen:
            raise TopologyError(f"The device '{device}' is used in more than one "
                                "block-device mapping", "InvalidBlockDeviceMapping")
        seen.add(device)
        if "NoDevice" in m:
            if device == root:
                raise TopologyError("The root device of the AMI cannot be suppressed.",
                                    "InvalidBlockDeviceMapping")
            chosen.pop(device, None)
        elif "Ebs" in m:
            old = (chosen.get(device) or {}).get("Ebs") or {}
            chosen[device] = {"DeviceName": device, "Ebs": {**old, **m["Ebs"]}}
        elif _EPHEMERAL.fullmatch(m.get("VirtualName") or ""):
            chosen[device] = m
        else:
            # neither EBS, an instance store volume nor NoDevice: AWS's answer (moto PR #2949,
            # checked on EC2; packer #5020 for a VirtualName that is not ephemeralN)
            raise MissingParameter("The request must contain the parameter ebs")
    out = []
    for m in chosen.values():
        if "Ebs" not in m:
            continue   # instance store (VirtualName): no EBS volume
        snapshot = m["Ebs"].get("SnapshotId")
        if not snapshot and m["Ebs"].get("VolumeSize") is None:
            # RunInstances' own words (CreateVolume says "size/snapshot")
            raise MissingParameter("The request must contain the parameter size or snapshotId")
        base_ebs = (base.get(m["DeviceName"]) or {}).get("Ebs") or {}
        node = world.node(snapshot) if snapshot else None
        if snapshot and (node is None or node["account"] != account) \
                and base_ebs.get("SnapshotId") == snapshot:
            # a public or shared image's snapshot is no node of ours: its size is the image's
            m = {**m, "snapshot_size": base_ebs.get("VolumeSize")}
        out.append(m)
    return out


def _capacity(world: World, part: Partition, nics: list[Nic], low: int, high: int
              ) -> tuple[list[list[str | None]], dict[str, int]]:
    """Planned addresses for as many instances as the account and the subnets allow."""
    limit = part.attributes.get("instance-limit", INSTANCE_LIMIT)
    live = sum(len(world.claimed(part, STATE_INDEX, s)) for s in LIVE_STATES)
    if live + low > limit:
        raise LimitExceeded(
            f"You have requested more instances ({low}) than your current instance limit of "
            f"{limit} allows for the specified instance type. Please visit "
            "http://aws.amazon.com/contact-us/ec2-request to request an adjustment to this "
            "limit.", "InstanceLimitExceeded")
    addresses, hints = instance_network.reserve(world, part, nics, min(high, limit - live))
    if len(addresses) < low:
        raise TopologyError("There are not enough free addresses in subnet "
                            f"'{nics[0].subnet_id}' to satisfy the requested number of "
                            "instances.", "InsufficientFreeAddressesInSubnet")
    return addresses, hints


def _secondary_capacity(world: World, secondary: list[secondary_interfaces.Wanted],
                        addresses: list[list[str | None]], low: int
                        ) -> list[list[tuple[list[str], list[str]]]]:
    """Secondary interfaces' addresses for as many of the planned instances as their
    secondary subnets allow."""
    if not secondary:
        return [[] for _ in addresses]
    out = secondary_interfaces.reserve(world, secondary, len(addresses))
    if len(out) < low:
        raise TopologyError("There are not enough free addresses in secondary subnet "
                            f"'{secondary[0].subnet}' to satisfy the requested number of "
                            "instances.", "InsufficientFreeAddressesInSubnet")
    return out


# -- launching --------------------------------------------------------------------------------
def _launch_one(world: World, part: Partition, plan: Plan, index: int, reservation: str) -> str:
    instance_id = world.new_id("i")
    launched = now()
    # the plan's nested values (Placement, MetadataOptions, ...) are shared by the launch's
    # instances, not copied: node values are replaced, never changed in place (the journal
    # undoes a change by putting the old value back), and 100 copies of a dozen small dicts
    # were a fifth of an instance's memory
    world.add(part, "instance", instance_id, **plan.fields, AmiLaunchIndex=index,
              LaunchTime=launched, UsageOperationUpdateTime=launched, State=plan.running,
              StateTransitionReason="", reservation=reservation)
    world.claim(part, TYPE_INDEX, plan.type_name, instance_id)
    world.claim(part, STATE_INDEX, "running", instance_id)
    world.claim(part, RESERVATION_INDEX, reservation, instance_id)
    for key, value in {**plan.tags.get("instance", {}),
                       **plan.params.get("system_tags", {})}.items():
        world.tag(instance_id, key, value)
    for nic, address in zip(plan.nics, plan.addresses[index]):
        eni_id = nic.eni_id or _create_interface(world, part, plan, nic, address)
        network_interfaces.attach(world, part, eni_id, instance_id, nic.device_index,
                                  delete_on_termination=nic.delete_on_termination,
                                  network_card_index=nic.card, launching=True)
        if nic.public_ip and nic.eni_id is None and nic.device_index == 0 and nic.card == 0:
            network_interfaces.assign_public_ip(world, part, eni_id)
    for wanted, address in zip(plan.secondary, plan.secondary_addresses[index]):
        secondary_interfaces.create(world, part, wanted, address, instance_id)
    _attach_volumes(world, part, plan, instance_id)
    if plan.pg_id is not None:
        placement_groups.place(world, instance_id, plan.pg_id,
                               placement_groups.partition_for(world, plan.pg_id, plan.partition))
    if plan.profile is not None:
        instance_profiles.create(world, part, instance_id, plan.profile)
    for placer in plan.placers:
        placer(world, part, instance_id)
    return instance_id


def _create_interface(world: World, part: Partition, plan: Plan, nic: Nic,
                      address: str | None) -> str:
    primary = address or (nic.private_ips[0] if nic.private_ips else None)
    return network_interfaces.create(
        world, part, nic.subnet_id, private_ip=primary, secondary_ips=tuple(nic.private_ips[1:]),
        secondary_count=nic.secondary_count, ipv6_ips=tuple(nic.ipv6_ips),
        ipv6_count=nic.ipv6_count, group_ids=nic.groups, description=nic.description,
        interface_type=nic.interface_type, tags=plan.tags.get("network-interface") or None)


def _attach_volumes(world: World, part: Partition, plan: Plan, instance_id: str) -> None:
    for mapping in plan.mappings:
        ebs = mapping["Ebs"]
        vol_id = volumes.create(
            world, part, zone=plan.zone, size=ebs.get("VolumeSize"),
            snapshot_id=ebs.get("SnapshotId"), volume_type=ebs.get("VolumeType") or "gp2",
            iops=ebs.get("Iops"), throughput=ebs.get("Throughput"),
            encrypted=ebs.get("Encrypted"), kms_key_id=ebs.get("KmsKeyId"),
            tags=plan.tags.get("volume") or None, snapshot_size=mapping.get("snapshot_size"))
        dot = ebs.get("DeleteOnTermination")
        volumes.attach(world, part, vol_id, instance_id, mapping["DeviceName"],
                       delete_on_termination=True if dot is None else dot, at_launch=True)
