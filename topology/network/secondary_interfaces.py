"""Secondary interfaces: the interfaces an instance has in secondary subnets.

A `secondary-interface` node (`si-`) sits in its secondary subnet (CONTAINS edge subnet ->
interface) with its addresses (`ips`, `ipv6`), its `VlanMode` (virtual edge networks only)
and, while attached, its `attachment` (instance, device and card index, status) and an
ATTACHED edge to the instance. AWS creates them only at launch: RunInstances'
`SecondaryInterfaces` (`plan_launch` checks the request whole, `reserve` picks the addresses
from the subnet's block with netaddr, skipping the four first and the last that AWS keeps,
`create` makes one per instance); DeleteOnTermination is always true (the only value the
model allows), so terminating the instance deletes them (`release_instance`).

Which instance types carry secondary network cards is AWS's to say (DescribeInstanceTypes'
`NetworkInfo.SecondaryNetworkSupported` and the cards' `InterfaceTypes`); a type whose
catalogue entry says it has none is refused, the others are not asked.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import field as member
from typing import Any

from netaddr import IPAddress, IPNetwork

from ..core import addressing, schema
from ..core import tags as tagging
from ..core.errors import (InvalidParameterCombination, InvalidParameterValue, MissingParameter,
                           TopologyError)
from ..core.filters import Filter, field, ident, owner
from ..core.world import Partition, World
from .secondary_networks import LIVE, arn, network_of

KIND = "secondary-interface"


@dataclass
class Wanted:
    """One secondary interface every instance of a RunInstances request gets."""

    subnet: str
    device_index: int
    card: int
    ips: list[str] = member(default_factory=list)       # explicit IPv4, primary first
    ip_count: int = 0
    ipv6: list[str] = member(default_factory=list)
    ipv6_count: int = 0
    vlan_mode: str | None = None
    ena_queues: int | None = None


# -- RunInstances' SecondaryInterfaces --------------------------------------------------------
def plan_launch(world: World, part: Partition, specs: list[dict[str, Any]] | None,
                type_info: dict[str, Any], zone: str, used: set[tuple[int, int]],
                count: int) -> list[Wanted]:
    """The checked `SecondaryInterfaces` of a launch into `zone`; `used` holds the (card,
    device index) pairs the request's network interfaces take."""
    if not specs:
        return []
    _check_type(type_info)
    taken = set(used)
    out = []
    for spec in specs:
        wanted = _wanted(world, part, spec, zone, count)
        _check_card(type_info, wanted.card)
        if (wanted.card, wanted.device_index) in taken:
            raise InvalidParameterValue("Each network interface requires a unique device "
                                        "index.")
        taken.add((wanted.card, wanted.device_index))
        out.append(wanted)
    return out


def _check_type(info: dict[str, Any]) -> None:
    network = info.get("NetworkInfo") or {}
    if network.get("SecondaryNetworkSupported") is False:
        raise InvalidParameterCombination(
            f"The instance type {info.get('InstanceType')} does not support secondary "
            "interfaces.")


def _check_card(info: dict[str, Any], card: int) -> None:
    cards = {c.get("NetworkCardIndex"): c
             for c in (info.get("NetworkInfo") or {}).get("NetworkCards") or []}
    found = cards.get(card)
    if cards and found is not None and "InterfaceTypes" in found and \
            "secondary" not in found["InterfaceTypes"]:
        raise InvalidParameterValue(f"Network card index {card} does not support secondary "
                                    "interfaces.")


def _wanted(world: World, part: Partition, spec: dict[str, Any], zone: str,
            count: int) -> Wanted:
    ss = spec.get("SecondarySubnetId")
    if not ss:
        raise MissingParameter("The request must contain the parameter "
                               "SecondaryInterface.SecondarySubnetId")
    if spec.get("DeviceIndex") is None:
        raise MissingParameter("Each network interface requires a device index.")
    subnet = world.get(part, "secondary-subnet", ss)
    if subnet["State"] != LIVE:
        raise TopologyError(f"The secondary subnet {ss} is not in a valid state for this "
                            "operation.", "InvalidState")
    if subnet["AvailabilityZone"] != zone:
        raise InvalidParameterCombination(
            f"The secondary subnet {ss} is in Availability Zone {subnet['AvailabilityZone']}; "
            f"the instance launches in {zone}.")
    if spec.get("DeleteOnTermination") is False:
        raise InvalidParameterValue("Value (false) for parameter DeleteOnTermination is "
                                    "invalid. The only supported value is true.")
    if spec.get("InterfaceType") not in (None, "secondary"):
        raise InvalidParameterValue(f"Value ({spec['InterfaceType']}) for parameter "
                                    "InterfaceType is invalid. Valid values: secondary.")
    network = world.graph.nodes[network_of(world, ss)]
    wanted = Wanted(ss, spec["DeviceIndex"], spec.get("NetworkCardIndex") or 0,
                    vlan_mode=spec.get("VlanMode"), ena_queues=spec.get("EnaQueueCount"))
    _edge_options(network, wanted)
    _ipv4(world, ss, subnet, spec, wanted, count)
    _ipv6(world, ss, subnet, network, spec, wanted, count)
    return wanted


def _edge_options(network: dict[str, Any], wanted: Wanted) -> None:
    """VLAN mode and ENA queues: virtual edge networks only (the model's words)."""
    if network["Type"] == "virtual-edge":
        if wanted.vlan_mode is None:
            raise MissingParameter("The request must contain the parameter VlanMode")
    elif wanted.vlan_mode is not None:
        raise InvalidParameterCombination("VlanMode is not supported for secondary interfaces "
                                          "in rdma secondary networks.")
    if wanted.ena_queues is not None:
        if network["Type"] != "virtual-edge":
            raise InvalidParameterCombination("EnaQueueCount is supported only for "
                                              "virtual-edge secondary networks.")
        queues = wanted.ena_queues
        if queues < 1 or queues & (queues - 1):
            raise InvalidParameterValue(f"Value ({queues}) for parameter EnaQueueCount is "
                                        "invalid. The value must be a power of 2.")


def _block(subnet: dict[str, Any], version: int) -> IPNetwork | None:
    rows = subnet["v4"] if version == 4 else subnet["v6"]
    key = "CidrBlock" if version == 4 else "Ipv6CidrBlock"
    return IPNetwork(rows[0][key]) if rows else None


def _explicit(world: World, ss: str, block: IPNetwork, listed: list[str], member_name: str,
              count: int) -> list[str]:
    if listed and count > 1:
        raise InvalidParameterCombination(
            "Cannot specify a private IP address when launching more than one instance.")
    used = taken_in(world, ss)
    for ip in listed:
        if not addressing.contains_address(block, ip):
            raise InvalidParameterValue(f"Value ({ip}) for parameter {member_name} is "
                                        f"invalid. The address is not in the CIDR block of "
                                        f"secondary subnet {ss} ({block}).")
        if IPAddress(ip) in addressing.reserved(block) and block.version == 4:
            raise InvalidParameterValue(f"Value ({ip}) for parameter {member_name} is "
                                        "invalid. The address is reserved by AWS.")
        if ip in used:
            raise TopologyError(f"Address {ip} is in use.", "InvalidIPAddress.InUse")
    if len(set(listed)) != len(listed):
        raise InvalidParameterValue(f"The parameter {member_name} lists an address twice.")
    return listed


def _ipv4(world: World, ss: str, subnet: dict[str, Any], spec: dict[str, Any],
          wanted: Wanted, count: int) -> None:
    listed = [a.get("PrivateIpAddress") for a in spec.get("PrivateIpAddresses") or []]
    number = spec.get("PrivateIpAddressCount")
    if not listed and number is None:
        wanted.ip_count = 1 if subnet["v4"] else 0
        return
    block = _block(subnet, 4)
    if block is None:
        raise InvalidParameterCombination(f"The secondary subnet {ss} has no IPv4 CIDR block; "
                                          "a secondary interface in it has only IPv6 "
                                          "addresses.")
    if listed and number is not None:
        raise InvalidParameterCombination("You can't specify both PrivateIpAddresses and "
                                          "PrivateIpAddressCount.")
    if number is not None and number < 1:
        raise InvalidParameterValue(f"Value ({number}) for parameter PrivateIpAddressCount "
                                    "is invalid. The value must be greater than 0.")
    if any(not ip for ip in listed):
        raise MissingParameter("The request must contain the parameter PrivateIpAddress")
    wanted.ips = _explicit(world, ss, block, listed, "PrivateIpAddresses", count)
    wanted.ip_count = number or 0


def _ipv6(world: World, ss: str, subnet: dict[str, Any], network: dict[str, Any],
          spec: dict[str, Any], wanted: Wanted, count: int) -> None:
    listed = [a.get("Ipv6Address") for a in spec.get("Ipv6Addresses") or []]
    number = spec.get("Ipv6AddressCount")
    block = _block(subnet, 6)
    if not listed and number is None:
        wanted.ipv6_count = 1 if block is not None else 0
        return
    if network["Type"] != "virtual-edge" or block is None:
        raise InvalidParameterCombination("IPv6 addresses are supported only for a secondary "
                                          "interface in an IPv6 secondary subnet of a "
                                          "virtual-edge secondary network.")
    if listed and number is not None:
        raise InvalidParameterCombination("You can't specify both Ipv6Addresses and "
                                          "Ipv6AddressCount.")
    if number is not None and number < 1:
        raise InvalidParameterValue(f"Value ({number}) for parameter Ipv6AddressCount is "
                                    "invalid. The value must be greater than 0.")
    wanted.ipv6 = _explicit(world, ss, block, [str(IPAddress(ip)) if ip else ip
                                                for ip in listed if ip], "Ipv6Addresses",
                            count)
    wanted.ipv6_count = number or 0


def taken_in(world: World, ss: str) -> set[str]:
    """The addresses the subnet's secondary interfaces hold."""
    nodes = world.graph.nodes
    return {ip for si, _, _ in world.out(ss, schema.CONTAINS, KIND)
            for ip in nodes[si].get("ips", []) + nodes[si].get("ipv6", [])}


def reserve(world: World, wanted: list[Wanted], instances: int
            ) -> list[list[tuple[list[str], list[str]]]]:
    """(IPv4, IPv6) addresses for each interface of up to `instances` instances, walking
    each subnet's block past what is taken; stops early when a subnet is full."""
    used = {w.subnet: taken_in(world, w.subnet) | set(w.ips) | set(w.ipv6) for w in wanted}
    out: list[list[tuple[list[str], list[str]]]] = []
    for _ in range(instances):
        try:
            out.append([(w.ips + _draw(world, w, 4, w.ip_count, used[w.subnet]),
                         w.ipv6 + _draw(world, w, 6, w.ipv6_count, used[w.subnet]))
                        for w in wanted])
        except TopologyError as err:
            if err.code != "InsufficientFreeAddressesInSubnet":
                raise
            break
    return out


def _draw(world: World, wanted: Wanted, version: int, number: int, used: set[str]) -> list[str]:
    block = _block(world.graph.nodes[wanted.subnet], version)
    out = []
    for _ in range(number if block is not None else 0):
        ip = addressing.allocate(block, lambda text: text in used)
        used.add(ip)
        out.append(ip)
    return out


def create(world: World, part: Partition, wanted: Wanted, addresses: tuple[list[str], list[str]],
           instance_id: str) -> str:
    """A secondary interface of `wanted` with `addresses`, attached to the instance."""
    si = world.new_id("si")
    ips, ipv6 = addresses
    attachment: dict[str, Any] = {
        "AttachmentId": world.new_id("si-attach"),
        "AttachTime": dt.datetime.now(dt.timezone.utc).replace(microsecond=0),
        "DeleteOnTermination": True, "DeviceIndex": wanted.device_index,
        "InstanceId": instance_id, "InstanceOwnerId": part.account,
        "NetworkCardIndex": wanted.card, "Status": "attached"}
    network = world.graph.nodes[network_of(world, wanted.subnet)]
    if network["Type"] == "virtual-edge":
        attachment["EnaQueueCount"] = wanted.ena_queues or 1
    world.add(part, KIND, si, ips=list(ips), ipv6=list(ipv6), attachment=attachment,
              MacAddress=_mac(world), SourceDestCheck=True, VlanMode=wanted.vlan_mode)
    world.link(wanted.subnet, si, schema.CONTAINS)
    world.link(si, instance_id, schema.ATTACHED)
    return si


def _mac(world: World) -> str:
    octets = [world.rng.getrandbits(8) for _ in range(6)]
    octets[0] = (octets[0] & 0xFC) | 0x02     # unicast, locally administered, as AWS's
    return ":".join(f"{o:02x}" for o in octets)


def of_instance(world: World, instance_id: str) -> list[str]:
    """The instance's secondary interfaces, by card and device index."""
    found = [si for si, _, _ in world.into(instance_id, schema.ATTACHED, KIND)]
    return sorted(found, key=lambda si: (world.graph.nodes[si]["attachment"]["NetworkCardIndex"],
                                         world.graph.nodes[si]["attachment"]["DeviceIndex"]))


def release_instance(world: World, instance_id: str) -> None:
    """Termination deletes the instance's secondary interfaces (DeleteOnTermination is
    always true)."""
    for si in of_instance(world, instance_id):
        world.remove(si)


def instance_views(world: World, instance_id: str) -> list[dict[str, Any]]:
    """The instance's secondary interfaces as DescribeInstances' `InstanceSecondaryInterface`."""
    out = []
    for si in of_instance(world, instance_id):
        item = view(world, si)
        attachment = {k: v for k, v in item["Attachment"].items()
                      if k not in ("InstanceId", "InstanceOwnerId")}
        row: dict[str, Any] = {
            "Attachment": attachment, "MacAddress": item["MacAddress"],
            "SecondaryInterfaceId": si, "OwnerId": item["OwnerId"],
            "PrivateIpAddresses": item["PrivateIpv4Addresses"],
            "SourceDestCheck": item["SourceDestCheck"], "Status": item["Status"],
            "SecondarySubnetId": item["SecondarySubnetId"],
            "SecondaryNetworkId": item["SecondaryNetworkId"], "InterfaceType": "secondary"}
        for key in ("Ipv6Addresses", "VlanMode"):
            if key in item:
                row[key] = item[key]
        out.append(row)
    return out


# -- DescribeSecondaryInterfaces --------------------------------------------------------------


def subnet_of(world: World, si: str) -> str:
    return world.into(si, schema.CONTAINS, "secondary-subnet")[0][0]


def view(world: World, si: str) -> dict[str, Any]:
    node = world.graph.nodes[si]
    ss = subnet_of(world, si)
    sn = network_of(world, ss)
    out: dict[str, Any] = {
        "AvailabilityZone": world.graph.nodes[ss]["AvailabilityZone"],
        "AvailabilityZoneId": world.graph.nodes[ss]["AvailabilityZoneId"]}
    if node.get("attachment"):
        out["Attachment"] = dict(node["attachment"])
    out.update({"MacAddress": node.get("MacAddress", ""), "OwnerId": node["account"],
                "PrivateIpv4Addresses": [{"PrivateIpAddress": ip}
                                         for ip in node.get("ips", [])],
                "SecondaryInterfaceId": si, "SecondaryInterfaceArn": arn(world, si),
                "SecondaryInterfaceType": "secondary", "SecondarySubnetId": ss,
                "SecondaryNetworkId": sn, "SecondaryNetworkType": world.graph.nodes[sn]["Type"],
                "SourceDestCheck": node.get("SourceDestCheck", True),
                "Status": "in-use" if node.get("attachment") else "available"})
    if node["tags"]:
        out["Tags"] = tagging.listed(node["tags"])
    if node.get("ipv6"):
        out["Ipv6Addresses"] = [{"Ipv6Address": ip} for ip in node["ipv6"]]
    if _vlan_mode(world, si):
        out["VlanMode"] = _vlan_mode(world, si)
    return out


def _vlan_mode(world: World, si: str) -> str | None:
    """The interface's own mode; an interface read from a state without one has its
    network's (virtual edge networks only)."""
    node = world.graph.nodes[si]
    if node.get("VlanMode"):
        return node["VlanMode"]
    return world.graph.nodes[network_of(world, subnet_of(world, si))].get("VlanMode")


def _attached(key: str) -> Filter:
    return Filter(lambda w, rid, n: (n.get("attachment") or {}).get(key))


FILTERS: dict[str, Filter] = {
    "attachment.attachment-id": _attached("AttachmentId"),
    "attachment.ena-queue-count": _attached("EnaQueueCount"),
    "attachment.instance-id": _attached("InstanceId"),
    "attachment.instance-owner-id": _attached("InstanceOwnerId"),
    "attachment.status": _attached("Status"),
    "ipv6-addresses.ipv6-address": field("ipv6"),
    "private-ipv4-addresses.private-ip-address": field("ips"),
    "owner-id": owner(),
    "secondary-interface-arn": Filter(lambda w, rid, n: arn(w, rid)),
    "secondary-interface-id": ident(),
    "secondary-interface-type": Filter(lambda w, rid, n: "secondary"),
    "secondary-network-id": Filter(lambda w, rid, n: network_of(w, subnet_of(w, rid))),
    "secondary-network-type": Filter(
        lambda w, rid, n: w.graph.nodes[network_of(w, subnet_of(w, rid))]["Type"]),
    "secondary-subnet-id": Filter(lambda w, rid, n: subnet_of(w, rid)),
    "status": Filter(lambda w, rid, n: "in-use" if n.get("attachment") else "available"),
    "vlan-mode": Filter(lambda w, rid, n: _vlan_mode(w, rid)),
}

from ..core.family import Family, declare  # noqa: E402  (kept beside the declaration)

FAMILY = declare(Family(KIND, view=view, filters=FILTERS, max_results=(5, 1000)))
