"""Packets as the reachability engine follows them: addresses, protocol and sets of ports.

A packet is one source and one destination address (IPv4 or IPv6, one family per packet), one
protocol, and *sets* of
source and destination ports, kept as sorted disjoint `(low, high)` intervals. Security
group and network ACL rules filter the destination ports only, so walking a path narrows
`dst_ports` (forward) and, on the way back, the forward source ports (the reply's
destination ports): the ephemeral ports the return path's ACLs must admit.

Addresses are compared as integers in one space where the two families never meet: an IPv4
address is its 32-bit value, an IPv6 address its 128-bit value plus `V6` (2**128). So a
longest-prefix match, a rule's range or a VPC block check is one integer comparison whatever
the family, and an IPv6 route can never carry an IPv4 packet. CIDRs are parsed once (`span`).

>>> ports = intersect(ALL_PORTS, 1000, 2000)
>>> subtract(ports, 1500, 1600)
((1000, 1499), (1601, 2000))
>>> within(address("10.0.1.5"), "10.0.0.0/16")
True
>>> within(address("2600:1f18::5"), "2600:1f18::/56"), within(address("0.0.0.5"), "::/0")
(True, False)
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from netaddr import AddrFormatError, IPAddress, IPNetwork

Ports = tuple[tuple[int, int], ...]

PROTOCOLS = {"tcp": "6", "udp": "17", "icmp": "1", "icmpv6": "58", "-1": "-1"}  # name -> number
NAMES = {number: name for name, number in PROTOCOLS.items()}
PORTED = frozenset({"6", "17"})                                   # protocols with ports
ALL_PORTS: Ports = ((0, 65535),)
EPHEMERAL: Ports = ((1024, 65535),)     # the source ports a client may pick
NO_PORTS: Ports = ()
V6 = 1 << 128                           # where IPv6 addresses start in the one integer space
ICMP = {4: "1", 6: "58"}                # ICMP of each family (ICMPv6 is its own protocol)


# -- port sets ---------------------------------------------------------------------------------
def intersect(ports: Ports, low: int, high: int) -> Ports:
    """The ports of `ports` within `low..high`."""
    return tuple((max(a, low), min(b, high)) for a, b in ports if a <= high and low <= b)


def subtract(ports: Ports, low: int, high: int) -> Ports:
    """The ports of `ports` outside `low..high`."""
    out: list[tuple[int, int]] = []
    for a, b in ports:
        if b < low or high < a:
            out.append((a, b))
            continue
        if a < low:
            out.append((a, low - 1))
        if high < b:
            out.append((high + 1, b))
    return tuple(out)


def union(one: Ports, other: Ports) -> Ports:
    """The ports in either set, merged into disjoint intervals.

    >>> union(((1, 5),), ((6, 9), (20, 30)))
    ((1, 9), (20, 30))
    """
    merged: list[tuple[int, int]] = []
    for a, b in sorted(one + other):
        if merged and a <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return tuple(merged)


def port_ranges(ports: Ports) -> list[dict[str, int]]:
    """boto3's `PortRange` list."""
    return [{"From": a, "To": b} for a, b in ports]


def single(port: int | None, default: Ports) -> Ports:
    return default if port is None else ((port, port),)


# -- addresses ---------------------------------------------------------------------------------
@lru_cache(maxsize=65536)
def address(text: str) -> int:
    """An IPv4 or IPv6 address as an integer of the one space (ValueError for anything else:
    IPv4 in dotted quads only, IPv6 in colon notation)."""
    try:
        ip = IPAddress(text, flags=0)
    except (AddrFormatError, ValueError, TypeError):
        raise ValueError(f"not an IP address: {text!r}") from None
    if ip.version == 4 and text.count(".") == 3:
        return int(ip)
    if ip.version == 6 and ":" in text:
        return int(ip) + V6
    raise ValueError(f"not an IP address: {text!r}")


@lru_cache(maxsize=65536)
def span(cidr: str) -> tuple[int, int, int] | None:
    """(first, last, prefix length) of a CIDR in the one space; None for nonsense."""
    try:
        net = IPNetwork(cidr)
    except (AddrFormatError, ValueError, TypeError):
        return None
    base = 0 if net.version == 4 else V6
    return net.first + base, net.last + base, net.prefixlen


def within(addr: int, cidr: str) -> bool:
    found = span(cidr)
    return found is not None and found[0] <= addr <= found[1]


def text_of(addr: int) -> str:
    """An address of the one space back as text."""
    return str(IPAddress(addr - V6, 6)) if addr >= V6 else str(IPAddress(addr, 4))


def family(text: str) -> int:
    """4 or 6 (ValueError when it is no address)."""
    return 6 if address(text) >= V6 else 4


def is_ip(text: str | None) -> bool:
    try:
        address(text or "")
    except ValueError:
        return False
    return True


def is_ipv4(text: str | None) -> bool:
    return is_ip(text) and family(text or "") == 4


# -- packets -----------------------------------------------------------------------------------
@dataclass
class Packet:
    """One packet's header, plus who sent it and who it is for (for security group
    references, which match interfaces, not addresses)."""

    protocol: str                  # IANA number as text: "6", "17", "1"
    src: str
    dst: str
    src_ports: Ports
    dst_ports: Ports
    src_eni: str | None = None     # the sending interface, while its identity survives
    dst_eni: str | None = None

    @property
    def ported(self) -> bool:
        return self.protocol in PORTED

    def swapped(self) -> Packet:
        """The reply: addresses, ports and identities exchanged."""
        return replace(self, src=self.dst, dst=self.src, src_ports=self.dst_ports,
                       dst_ports=self.src_ports, src_eni=self.dst_eni, dst_eni=self.src_eni)


@dataclass(frozen=True)
class Header:
    """The addresses of a packet at one point of its path; ports come from the final,
    narrowed sets when the path is rendered (`render`)."""

    src: str
    dst: str

    def render(self, protocol: str, src_ports: Ports, dst_ports: Ports) -> dict[str, Any]:
        """boto3's `AnalysisPacketHeader`."""
        out: dict[str, Any] = {"DestinationAddresses": [self.dst], "Protocol": protocol,
                               "SourceAddresses": [self.src]}
        if protocol in PORTED:
            out["DestinationPortRanges"] = port_ranges(dst_ports)
            out["SourcePortRanges"] = port_ranges(src_ports)
        return out
