"""A subnet's private addresses: which are free, which an interface may take, claiming them.

Addresses repeat across VPCs, so "taken" means held by an interface of the same subnet (the
partition's "private-ip" / "ipv6" value indexes, `World.claim`). AWS's rules: an address
lies in its subnet, outside the first four and the last; the subnet picks free ones,
resuming where it last stopped (`Partition.hints`); IPv6 addresses need the subnet's IPv6
block. `network_interfaces` creates interfaces with these, `interface_addresses` moves them.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from netaddr import AddrFormatError, IPAddress, IPNetwork

from ..core import addressing, schema
from ..core.errors import InvalidParameterValue, LimitExceeded, TopologyError
from ..core.world import Partition, World
from . import subnets
from .subnet_cidr_reservations import reserved_ranges

PRIVATE_IP: str = "private-ip"            # value indexes (`World.claim`) an ENI holds
IPV6: str = "ipv6"
MAX_IPV4 = 50                             # private IPv4 per interface: the largest types allow 50
ADDRESS_IN_USE: str = "Address {ip} is in use."


# -- IPv4 -----------------------------------------------------------------------------
def ipv4_block(world: World, subnet_id: str) -> IPNetwork | None:
    blocks = subnets.ipv4_blocks(world, subnet_id)
    return blocks[0] if blocks else None


def holder(world: World, part: Partition, subnet_id: str, ip: str) -> str | None:
    """The interface of `subnet_id` holding `ip`, if any (addresses repeat across VPCs)."""
    for holder in world.claimed(part, PRIVATE_IP, ip):
        if world.graph.has_edge(subnet_id, holder, (schema.CONTAINS, None)):
            return holder
    return None


def _address(raw: Any, version: int, param: str, what: str) -> IPAddress:
    try:
        return IPAddress(str(raw), version)
    except (AddrFormatError, ValueError, TypeError):
        raise InvalidParameterValue(
            f"Value ({raw}) for parameter {param} is invalid. This is not a valid {what}.")


def check_explicit(net: IPNetwork | None, ip: Any) -> str:
    """`ip` as a canonical IPv4 inside subnet `net` and outside its reserved addresses."""
    address = _address(ip, 4, "privateIpAddress", "IP address")
    if net is None or address not in net:
        raise InvalidParameterValue("Address does not fall within the subnet's address range")
    if not net.first + addressing.RESERVED_AT_START <= int(address) \
            <= net.last - addressing.RESERVED_AT_END:
        raise InvalidParameterValue("Address is in subnet's reserved address range")
    return str(address)


def new_ipv4(world: World, part: Partition, subnet_id: str, wanted: list[Any], count: int,
             ip_in_use: str) -> tuple[list[str], list[str]]:
    """Addresses for a new interface: the explicit ones checked (the first is the primary,
    None lets the subnet choose it), then `count` more from the subnet; (all of them, the
    ones the subnet chose)."""
    net = ipv4_block(world, subnet_id)
    chosen: list[str] = []
    for position, ip in enumerate(wanted):
        if ip is None:
            continue
        ip = check_explicit(net, ip)
        if ip in chosen:
            raise InvalidParameterValue(f"Duplicate private IP address {ip} in the request.")
        if holder(world, part, subnet_id, ip):
            if position == 0:
                raise TopologyError(ip_in_use.format(ip=ip), "InvalidIPAddress.InUse")
            raise InvalidParameterValue(ADDRESS_IN_USE.format(ip=ip))
        chosen.append(ip)
    automatic = count + (1 if wanted and wanted[0] is None else 0)
    if net is None:
        if chosen or automatic:
            raise InvalidParameterValue(
                f"The subnet '{subnet_id}' has no IPv4 CIDR block, so the interface cannot "
                "have private IPv4 addresses.")
        return [], []
    if len(chosen) + automatic > MAX_IPV4:
        raise ipv4_limit()
    picked = pick(world, part, subnet_id, net, automatic, set(chosen))
    if wanted and wanted[0] is None:
        return picked[:1] + chosen + picked[1:], picked
    return chosen + picked, picked


def pick(world: World, part: Partition, subnet_id: str, net: IPNetwork, count: int,
          also_taken: set[str]) -> list[str]:
    """`count` free addresses of the subnet, resuming where the last allocation stopped
    (`claim_ipv4` moves the hint on, once the request has started to change things: a dry
    run must leave it where it was)."""
    picked: list[str] = []
    hint = part.hints.get(subnet_id)
    reserved = reserved_ranges(world, subnet_id)     # subnet CIDR reservations
    for _ in range(count):
        taken = also_taken | set(picked)
        ip = addressing.allocate(
            net, lambda a: a in taken or holder(world, part, subnet_id, a) is not None
            or any(IPAddress(a) in r for r in reserved), hint)
        hint = int(IPAddress(ip)) + 1
        picked.append(ip)
    return picked


def claim_ipv4(world: World, part: Partition, subnet_id: str, eni_id: str,
               ips: Iterable[str], picked: Iterable[str] = ()) -> None:
    """Claim new addresses; the next allocation starts after the last one `_pick`ed."""
    for ip in ips:
        world.claim(part, PRIVATE_IP, ip, eni_id)
    picked = list(picked)
    if picked:
        part.hints[subnet_id] = int(IPAddress(picked[-1])) + 1


def ipv4_limit() -> LimitExceeded:
    return LimitExceeded("Number of private addresses will exceed limit.",
                         "PrivateIpAddressLimitExceeded")


def ipv6_block(world: World, subnet_id: str) -> IPNetwork:
    blocks = subnets.ipv6_blocks(world, subnet_id)
    if not blocks:
        raise InvalidParameterValue(
            f"The subnet '{subnet_id}' does not have an IPv6 CIDR block associated, so "
            "IPv6 addresses cannot be assigned.")
    return blocks[0]


def new_ipv6(world: World, part: Partition, subnet_id: str, wanted: list[str], count: int,
             eni_id: str | None = None) -> list[str]:
    """IPv6 addresses for an interface: `wanted` checked, or `count` from the subnet's /64."""
    net = ipv6_block(world, subnet_id)
    chosen: list[str] = []
    for raw in wanted:
        address = _address(raw, 6, "ipv6Addresses", "IPv6 address")
        if address not in net:
            raise InvalidParameterValue("Address does not fall within the subnet's address range")
        if int(address) < net.first + addressing.RESERVED_AT_START:
            raise InvalidParameterValue("Address is in subnet's reserved address range")
        ip = str(address)
        holder = ipv6_holder(world, part, subnet_id, ip)
        if ip in chosen or (holder is not None and holder != eni_id):
            raise TopologyError(ADDRESS_IN_USE.format(ip=ip), "InvalidIPAddress.InUse")
        if holder is None:
            chosen.append(ip)
    for _ in range(count):
        taken = set(chosen)
        start = net.first + world.rng.getrandbits(64) % net.size
        chosen.append(addressing.allocate(
            net, lambda a: a in taken or ipv6_holder(world, part, subnet_id, a) is not None, start))
    return chosen


def ipv6_holder(world: World, part: Partition, subnet_id: str, ip: str) -> str | None:
    for holder in world.claimed(part, IPV6, ip):
        if world.graph.has_edge(subnet_id, holder, (schema.CONTAINS, None)):
            return holder
    return None
