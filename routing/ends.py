"""The ends of a reachability question as a person gives them: resource ids (or ARNs) or IP
addresses (IPv4, or IPv6: an interface's IPv6 address stands for it like a private IPv4).

An address a network interface holds (privately, or as its public or Elastic IP) stands for
that interface; a destination address nobody holds is analysed as an address (the internet,
an on-premises host). `ec2sim reach`, `GET /_ec2sim/reach` and the web page's form all read
their ends through `endpoint`.
"""
from __future__ import annotations

from netaddr import AddrFormatError, IPAddress

from topology.analysis import insights
from topology.core import schema
from topology.core.errors import InvalidParameterValue
from topology.core.world import Partition, World
from topology.network import network_interfaces

__all__ = ["endpoint", "holder", "is_address"]


def is_address(text: str) -> bool:
    """Whether `text` is a dotted IPv4 address or an IPv6 address (not an id).

    >>> is_address("10.0.1.5"), is_address("i-0123456789abcdef0"), is_address("10.0.1")
    (True, False, False)
    >>> is_address("2600:1f18::5")
    True
    """
    try:
        ip = IPAddress(text, flags=0)
    except (AddrFormatError, ValueError, TypeError):
        return False
    return (ip.version == 4 and text.count(".") == 3) or (ip.version == 6 and ":" in text)


def holder(world: World, part: Partition, ip: str) -> str | None:
    """The network interface holding `ip` in `part`: private, public or Elastic IP; None
    when no interface holds it."""
    if ":" in ip:
        for eni in world.claimed(part, network_interfaces.IPV6, str(IPAddress(ip))):
            return eni
        return None
    for eni in world.claimed(part, network_interfaces.PRIVATE_IP, ip):
        return eni
    for rid in world.claimed(part, network_interfaces.PUBLIC_IP, ip):
        kind = world.graph.nodes[rid]["kind"]
        if kind == network_interfaces.KIND:
            return rid
        for eni, _, _ in world.out(rid, schema.ASSOCIATED, network_interfaces.KIND):
            return eni
    return None


def endpoint(world: World, part: Partition, text: str, role: str) -> tuple[str | None, str | None]:
    """(resource id, address) for one end of the question; `role` is "source" or
    "destination".

    Raises `InvalidParameterValue` for a source address no interface holds (a source must be
    a resource), and the resource's NotFound for an unknown id.
    """
    if is_address(text):
        eni = holder(world, part, text)
        if eni is None and role == "source":
            raise InvalidParameterValue(
                f"No network interface in {part.account}/{part.region} holds the address "
                f"{text}; a source must be a resource.")
        return eni, text
    member = "Source" if role == "source" else "Destination"
    return insights.resolve(world, part, text, member=member), None
