"""The addresses of network interfaces: private IPv4 and IPv6, chosen, checked, moved.

An interface lists its private IPv4 addresses in `ips` (primary first) and its IPv6 ones in
`ipv6s`, claiming each in the partition's "private-ip" / "ipv6" value index
(`interface_ips`). Addresses repeat across VPCs, so "taken" means held by an interface
of the same subnet. AWS's rules: an address lies in its subnet, outside the first four and
the last; the subnet picks free ones, resuming where it last stopped; an address held
elsewhere moves only with AllowReassignment (any Elastic IP on it moves along), and a
primary address never moves nor leaves; IPv6 addresses need the subnet's IPv6 block.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from netaddr import AddrFormatError, IPAddress

from ..catalogue import instance_types
from ..core import schema
from ..core.errors import (InvalidParameterCombination, InvalidParameterValue, MissingParameter,
                           TopologyError)
from ..core.world import Partition, World
from . import interface_ips as pool
from . import network_interfaces as enis
from .interface_ips import (ADDRESS_IN_USE, IPV6, MAX_IPV4, PRIVATE_IP, claim_ipv4, ipv4_limit,
                            new_ipv6)
from .network_interfaces import KIND


def _limit_for(world: World, eni_id: str) -> int:
    """How many private IPv4 addresses the interface may hold: its instance type's limit
    when attached, else the largest any type allows."""
    found = enis.attachment(world, eni_id)
    if found is None:
        return MAX_IPV4
    info = _type_info(world, found[0])
    return int(info.get("NetworkInfo", {}).get("Ipv4AddressesPerInterface", MAX_IPV4))


def _type_info(world: World, instance_id: str) -> dict[str, Any]:
    name = world.graph.nodes[instance_id].get("InstanceType")
    return (instance_types.get(name) if name else None) or {}


def assign_private_ips(world: World, part: Partition, eni_id: str, *,
                       ips: Iterable[str] = (), count: int = 0,
                       allow_reassignment: bool = False) -> list[str]:
    """Add secondary private IPv4 addresses; the ones assigned.

    An address another interface of the subnet holds moves here only with
    `allow_reassignment` (with any Elastic IP on it); a primary address never moves.
    """
    node = world.get(part, KIND, eni_id)
    ips = list(dict.fromkeys(ips))
    if ips and count:
        raise InvalidParameterCombination(
            "You may specify secondaryPrivateIpAddressCount or specific secondary private IP "
            "addresses, but not both.")
    if not ips and not count:
        raise MissingParameter("The request must contain the parameter PrivateIpAddresses or "
                               "SecondaryPrivateIpAddressCount")
    subnet_id = enis.subnet_of(world, eni_id)
    net = pool.ipv4_block(world, subnet_id)
    moves: list[tuple[str, str]] = []
    new: list[str] = []
    for raw in ips:
        ip = pool.check_explicit(net, raw)
        holder = pool.holder(world, part, subnet_id, ip)
        if holder == eni_id:
            continue
        if holder is not None:
            if not allow_reassignment:
                raise TopologyError(ADDRESS_IN_USE.format(ip=ip), "InvalidIPAddress.InUse")
            if world.graph.nodes[holder]["ips"][0] == ip:
                raise InvalidParameterValue(
                    f"Address {ip} is the primary private IP address of network interface "
                    f"{holder} and cannot be reassigned.")
            moves.append((holder, ip))
        new.append(ip)
    if net is None and count:
        raise InvalidParameterValue(
            f"The subnet '{subnet_id}' has no IPv4 CIDR block, so the interface cannot have "
            "private IPv4 addresses.")
    if len(node["ips"]) + len(new) + count > _limit_for(world, eni_id):
        raise ipv4_limit()
    picked = pool.pick(world, part, subnet_id, net, count, set(new)) if net is not None else []
    new += picked
    for holder, ip in moves:
        moved = enis.elastic_ip_on(world, holder, ip)
        _drop_ipv4(world, part, holder, [ip])
        if moved is not None:
            world.link(moved[0], eni_id, schema.ASSOCIATED, **moved[1])
    world.update(eni_id, ips=[*node["ips"], *new])
    claim_ipv4(world, part, subnet_id, eni_id, new, picked)
    return new


def unassign_private_ips(world: World, part: Partition, eni_id: str, ips: Iterable[str]) -> None:
    """Remove secondary private IPv4 addresses (and any Elastic IP mapped to them)."""
    node = world.get(part, KIND, eni_id)
    ips = list(dict.fromkeys(ips))
    if not ips:
        raise MissingParameter("The request must contain the parameter PrivateIpAddresses")
    if node["ips"] and node["ips"][0] in ips:
        raise InvalidParameterValue(
            f"Value ({node['ips'][0]}) for parameter PrivateIpAddresses is invalid. Primary IP "
            "address cannot be unassigned")
    if any(ip not in node["ips"] for ip in ips):
        raise InvalidParameterValue(
            f"Some of the specified addresses are not assigned to interface {eni_id}")
    _drop_ipv4(world, part, eni_id, ips)


def _drop_ipv4(world: World, part: Partition, eni_id: str, ips: list[str]) -> None:
    """Take secondary addresses off an interface, with the Elastic IPs mapped to them."""
    node = world.graph.nodes[eni_id]
    for ip in ips:
        found = enis.elastic_ip_on(world, eni_id, ip)
        if found is not None:
            world.unlink(found[0], eni_id, schema.ASSOCIATED)
        world.unclaim(part, PRIVATE_IP, ip, eni_id)
    world.update(eni_id, ips=[ip for ip in node["ips"] if ip not in ips])


# -- IPv6 addresses ---------------------------------------------------------------------------
def assign_ipv6(world: World, part: Partition, eni_id: str, *, ips: Iterable[str] = (),
                count: int = 0) -> list[str]:
    """Add IPv6 addresses (specific ones or `count` from the subnet); the ones assigned."""
    node = world.get(part, KIND, eni_id)
    ips = list(dict.fromkeys(ips))
    if ips and count:
        raise InvalidParameterCombination(
            "You may specify ipv6AddressCount or specific IPv6 addresses, but not both.")
    if not ips and not count:
        raise MissingParameter(
            "The request must contain the parameter Ipv6Addresses or Ipv6AddressCount")
    new = new_ipv6(world, part, enis.subnet_of(world, eni_id), ips, count, eni_id)
    new = [ip for ip in new if ip not in node["ipv6s"]]
    world.update(eni_id, ipv6s=[*node["ipv6s"], *new])
    for ip in new:
        world.claim(part, IPV6, ip, eni_id)
    return new


def unassign_ipv6(world: World, part: Partition, eni_id: str, ips: Iterable[str]) -> list[str]:
    """Remove IPv6 addresses; the ones removed."""
    node = world.get(part, KIND, eni_id)
    wanted = []
    for raw in dict.fromkeys(ips):
        try:
            wanted.append(str(IPAddress(str(raw), 6)))
        except (AddrFormatError, ValueError, TypeError):
            raise InvalidParameterValue(
                f"Value ({raw}) for parameter ipv6Addresses is invalid. This is not a valid "
                "IPv6 address.")
    if not wanted:
        raise MissingParameter("The request must contain the parameter Ipv6Addresses")
    if any(ip not in node["ipv6s"] for ip in wanted):
        raise InvalidParameterValue(
            f"Some of the specified addresses are not assigned to interface {eni_id}")
    for ip in wanted:
        world.unclaim(part, IPV6, ip, eni_id)
    world.update(eni_id, ipv6s=[ip for ip in node["ipv6s"] if ip not in wanted])
    return wanted
