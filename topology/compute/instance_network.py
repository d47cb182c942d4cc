"""Where a new instance plugs into the network: RunInstances' network parameters, checked
and turned into a plan of network interfaces, and the private addresses they will take.

AWS's rules: `NetworkInterfaces` excludes the instance-level subnet, security groups,
private IP and IPv6 parameters; each interface has a unique device index; an existing
interface names no subnet, and is free; `AssociatePublicIpAddress` is for device index 0 of a
new interface and for single-interface launches only; without a subnet the instance goes to
the default subnet of the zone asked for (else any default subnet) of the default VPC; group
names resolve in the default VPC only; groups belong to the subnet's VPC; a private IP is
for launches of one instance. A subnet that runs out of addresses caps how many instances
launch (`InsufficientFreeAddressesInSubnet` below MinCount).

Addresses are chosen before anything is created, so a request validates completely first:
the planner walks each subnet from where its last allocation stopped (`part.hints`).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from netaddr import IPAddress

from ..core import addressing, regions, schema
from ..core.errors import (InvalidParameterCombination, InvalidParameterValue, MissingParameter,
                           TopologyError)
from ..core.lookups import default_vpc, group_usable_in
from ..core.world import Partition, World
from ..network import security_groups, subnets

# instance-level parameters that NetworkInterfaces excludes, and how AWS names them
EXCLUSIVE = (("SubnetId", "subnet ID"), ("SecurityGroupIds", "security groups"),
             ("SecurityGroups", "security groups"), ("PrivateIpAddress", "private IP address"),
             ("Ipv6Addresses", "IPv6 addresses"), ("Ipv6AddressCount", "IPv6 addresses"))


@dataclass
class Nic:
    """One network interface a new instance gets: an existing one, or one to create."""

    device_index: int
    subnet_id: str
    eni_id: str | None = None
    private_ips: list[str] = field(default_factory=list)   # explicit, primary first
    secondary_count: int = 0
    ipv6_ips: list[str] = field(default_factory=list)
    ipv6_count: int = 0
    groups: list[str] | None = None
    description: str = ""
    interface_type: str = "interface"
    delete_on_termination: bool = True
    public_ip: bool = False
    card: int = 0


def zone_named(part: Partition, name: str) -> dict[str, str]:
    found = regions.zone(part.region, zone_name=name)
    if found is None:
        raise InvalidParameterValue(f"Invalid availability zone: [{name}]")
    return found


def default_subnet(world: World, part: Partition, zone: str | None, *, named_groups: bool,
                   prefer: Callable[[str], bool] = lambda zone: True) -> str:
    """The default subnet AWS launches into when a request names none: the zone's, else
    the first of a zone that `prefer`s (offers the instance type), else the first."""
    vpc_id = default_vpc(world, part)
    if vpc_id is None:
        suffix = " GroupName is only supported for EC2-Classic and default VPC." \
            if named_groups else ""
        raise TopologyError(f"No default VPC for this user.{suffix}", "VPCIdNotSpecified")
    nodes = world.graph.nodes
    found = sorted((not prefer(nodes[s]["AvailabilityZone"]), nodes[s]["AvailabilityZone"],
                    nodes[s]["seq"], s)
                   for s in subnets.subnet_ids(world, vpc_id) if nodes[s]["DefaultForAz"])
    if zone is not None:
        found = [f for f in found if f[1] == zone]
        if not found:
            raise TopologyError(f"No default subnet for availability zone: '{zone}'.",
                                "InvalidInput")
    if not found:
        raise TopologyError(f"No subnets found for the default VPC '{vpc_id}'. Please "
                            "specify a subnet.", "MissingInput")
    return found[0][3]


def _groups(world: World, part: Partition, ids: list[str], names: list[str], subnet_id: str,
            explicit_subnet: bool) -> list[str] | None:
    """Security group ids for an interface in `subnet_id` (None: the VPC's default group)."""
    vpc_id = subnets.vpc_of(world, subnet_id)
    chosen = list(ids)
    if names:
        if explicit_subnet and vpc_id != default_vpc(world, part):
            raise InvalidParameterCombination(
                "The parameter groupName cannot be used with the parameter subnet")
        chosen += [security_groups.by_name(world, part, name) for name in names]
    for sg_id in chosen:
        security_groups.get(world, part, sg_id)
        if not group_usable_in(world, sg_id, vpc_id):
            raise TopologyError(f"Security group {sg_id} and subnet {subnet_id} belong to "
                                "different networks.", "InvalidParameter")
    return list(dict.fromkeys(chosen)) or None


def plan(world: World, part: Partition, params: dict[str, Any], zone: str | None,
         count: int, prefer: Callable[[str], bool] = lambda zone: True) -> list[Nic]:
    """The interfaces every instance of the request gets, all checked; a default subnet is
    taken in a zone that `prefer`s where one can be."""
    if params.get("PrivateIpAddress") and count > 1:
        raise InvalidParameterCombination(
            "Cannot specify a private IP address when launching more than one instance.")
    specs = params.get("NetworkInterfaces")
    if specs:
        return _from_specs(world, part, params, specs, zone, count, prefer)
    explicit = params.get("SubnetId")
    names = params.get("SecurityGroups") or []
    if explicit:
        world.get(part, "subnet", explicit)
        subnet_id = explicit
    else:
        subnet_id = default_subnet(world, part, zone, named_groups=bool(names), prefer=prefer)
    groups = _groups(world, part, params.get("SecurityGroupIds") or [], names, subnet_id,
                     bool(explicit))
    private = [params["PrivateIpAddress"]] if params.get("PrivateIpAddress") else []
    nic = Nic(0, subnet_id, private_ips=private, groups=groups,
              ipv6_ips=[a["Ipv6Address"] for a in params.get("Ipv6Addresses") or []],
              ipv6_count=params.get("Ipv6AddressCount") or 0,
              public_ip=bool(world.graph.nodes[subnet_id].get("MapPublicIpOnLaunch")))
    _same_zone(world, [nic], zone)
    return [nic]


def _from_specs(world: World, part: Partition, params: dict[str, Any],
                specs: list[dict[str, Any]], zone: str | None, count: int,
                prefer: Callable[[str], bool]) -> list[Nic]:
    for member, text in EXCLUSIVE:
        if params.get(member):
            raise InvalidParameterCombination(
                f"Network interfaces and an instance-level {text} may not be specified on "
                "the same request")
    seen: set[tuple[int, int]] = set()
    nics = [_nic(world, part, spec, zone, count, len(specs), prefer) for spec in specs]
    for nic in nics:
        if (nic.card, nic.device_index) in seen:
            raise InvalidParameterValue("Each network interface requires a unique device "
                                        "index.")
        seen.add((nic.card, nic.device_index))
    if not any(n.device_index == 0 and n.card == 0 for n in nics):
        raise InvalidParameterValue("When specifying network interfaces, you must include a "
                                    "device at index 0.")
    _same_zone(world, nics, zone)
    return sorted(nics, key=lambda n: (n.card, n.device_index))


def _nic(world: World, part: Partition, spec: dict[str, Any], zone: str | None, count: int,
         how_many: int, prefer: Callable[[str], bool]) -> Nic:
    index = spec.get("DeviceIndex")
    if index is None:
        raise MissingParameter("Each network interface requires a device index.")
    public = spec.get("AssociatePublicIpAddress")
    if public is not None and how_many > 1:
        raise InvalidParameterCombination("The associatePublicIPAddress parameter cannot be "
                                          "specified when launching with multiple network "
                                          "interfaces.")
    if public is not None and index != 0:
        raise InvalidParameterCombination("The associatePublicIPAddress parameter can only be "
                                          "specified for the network interface with "
                                          "DeviceIndex 0.")
    card = spec.get("NetworkCardIndex") or 0
    if spec.get("NetworkInterfaceId"):
        return _existing(world, part, spec, index, card, count, public)
    subnet_id = spec.get("SubnetId")
    if subnet_id:
        world.get(part, "subnet", subnet_id)
    else:
        subnet_id = default_subnet(world, part, zone, named_groups=False, prefer=prefer)
    private = _private_ips(spec, count)
    dot = spec.get("DeleteOnTermination")
    auto = bool(world.graph.nodes[subnet_id].get("MapPublicIpOnLaunch")) and how_many == 1
    return Nic(index, subnet_id, private_ips=private,
               secondary_count=spec.get("SecondaryPrivateIpAddressCount") or 0,
               ipv6_ips=[a["Ipv6Address"] for a in spec.get("Ipv6Addresses") or []],
               ipv6_count=spec.get("Ipv6AddressCount") or 0,
               groups=_groups(world, part, spec.get("Groups") or [], [], subnet_id, True),
               description=spec.get("Description") or "",
               interface_type=spec.get("InterfaceType") or "interface",
               delete_on_termination=True if dot is None else dot,
               public_ip=auto if public is None else public, card=card)


def _private_ips(spec: dict[str, Any], count: int) -> list[str]:
    listed = spec.get("PrivateIpAddresses") or []
    primary = [a["PrivateIpAddress"] for a in listed if a.get("Primary")]
    others = [a["PrivateIpAddress"] for a in listed if not a.get("Primary")]
    if spec.get("PrivateIpAddress"):
        if primary and primary[0] != spec["PrivateIpAddress"]:
            raise InvalidParameterValue("The primary private IP address is specified twice "
                                        "with different values.")
        primary = [spec["PrivateIpAddress"]]
    if len(primary) > 1:
        raise InvalidParameterValue("Only one private IP address can be designated as primary.")
    chosen = primary + others
    if chosen and count > 1:
        raise InvalidParameterCombination(
            "Cannot specify a private IP address when launching more than one instance.")
    return chosen


def _existing(world: World, part: Partition, spec: dict[str, Any], index: int, card: int,
              count: int, public: bool | None) -> Nic:
    eni_id = spec["NetworkInterfaceId"]
    if spec.get("SubnetId"):
        raise InvalidParameterCombination(
            "A network interface may not specify both a network interface ID and a subnet")
    if public is not None:
        raise InvalidParameterCombination("The associatePublicIPAddress parameter cannot be "
                                          "specified for a network interface with an ID.")
    if spec.get("Groups") or spec.get("PrivateIpAddress") or spec.get("PrivateIpAddresses"):
        raise InvalidParameterCombination(
            "A network interface may not specify both a network interface ID and its "
            "addresses or security groups")
    if count > 1:
        raise InvalidParameterCombination(
            "A network interface ID can only be specified when launching a single instance.")
    world.get(part, "network-interface", eni_id)
    if world.out(eni_id, schema.ATTACHED, "instance"):
        raise TopologyError(f"Interface: [{eni_id}] in use.", "InvalidNetworkInterface.InUse")
    subnet_id = world.into(eni_id, schema.CONTAINS, "subnet")[0][0]
    dot = spec.get("DeleteOnTermination")
    return Nic(index, subnet_id, eni_id=eni_id, card=card,
               delete_on_termination=bool(dot))


def _same_zone(world: World, nics: list[Nic], zone: str | None) -> None:
    zones = {world.graph.nodes[n.subnet_id]["AvailabilityZone"] for n in nics}
    if len(zones) > 1:
        raise InvalidParameterCombination("The network interfaces of an instance must all be "
                                          "in the same Availability Zone.")
    found = next(iter(zones))
    if zone is not None and found != zone:
        raise InvalidParameterValue(f"The subnet of the request is in Availability Zone "
                                    f"'{found}', not in the requested zone '{zone}'.")


# -- addresses --------------------------------------------------------------------------------
def reserve(world: World, part: Partition, nics: list[Nic], wanted: int
            ) -> tuple[list[list[str | None]], dict[str, int]]:
    """Primary private IPs for up to `wanted` instances: `[instance][nic]` (None where the
    interface exists already, brings its own address, or its subnet is IPv6-only), and the
    allocation hints to keep once they are used (`part.hints` is left alone, so a dry run or
    a refused request moves nothing).

    Stops early when a subnet is full; the caller decides whether that is enough.
    """
    hints = {nic.subnet_id: part.hints[nic.subnet_id] for nic in nics
             if nic.subnet_id in part.hints}
    planned: dict[str, set[str]] = {}
    for nic in nics:
        planned.setdefault(nic.subnet_id, set()).update(nic.private_ips)
    out: list[list[str | None]] = []
    for _ in range(wanted):
        row: list[str | None] = []
        try:
            for nic in nics:
                row.append(_next_address(world, part, nic, planned, hints))
        except TopologyError as err:
            if err.code != "InsufficientFreeAddressesInSubnet":
                raise
            break
        out.append(row)
    return out, hints


def _next_address(world: World, part: Partition, nic: Nic, planned: dict[str, set[str]],
                  hints: dict[str, int]) -> str | None:
    if nic.eni_id is not None or nic.private_ips:
        return None
    cidr = world.graph.nodes[nic.subnet_id].get("CidrBlock")
    if not cidr:
        return None
    mine = planned[nic.subnet_id]
    subnet_id = nic.subnet_id
    graph = world.graph

    def taken(ip: str) -> bool:
        return ip in mine or any(graph.has_edge(subnet_id, holder, (schema.CONTAINS, None))
                                 for holder in world.claimed(part, "private-ip", ip))
    ip = addressing.allocate(addressing.network(cidr), taken, hints.get(subnet_id))
    mine.add(ip)
    hints[subnet_id] = int(IPAddress(ip)) + 1
    return ip
