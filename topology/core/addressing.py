"""Address rules and allocation, all through netaddr.

AWS's rules: VPC and subnet IPv4 blocks are /16 to /28 and written as network addresses;
secondary VPC blocks may not overlap and obey the RFC 1918 restriction table; a subnet lies
in one of its VPC's blocks and overlaps no sibling; the first four and the last address of a
subnet are reserved; Amazon-provided IPv6 blocks are /56 per VPC and /64 per subnet.
Public IPv4 addresses (Elastic IPs, auto-assigned ones) come from each region's EC2 blocks
and are unique in the region across accounts.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

from netaddr import AddrFormatError, IPAddress, IPNetwork, IPSet

from .errors import InvalidParameterValue, TopologyError
from .world import Partition, World

RFC1918 = {
    "10": IPNetwork("10.0.0.0/8"),
    "172": IPNetwork("172.16.0.0/12"),
    "192": IPNetwork("192.168.0.0/16"),
}
CARRIER = IPNetwork("100.64.0.0/10")
BENCHMARK = IPNetwork("198.19.0.0/16")
NEVER = IPSet(["0.0.0.0/8", "127.0.0.0/8", "169.254.0.0/16", "224.0.0.0/3"])
AMAZON_IPV6_POOL = IPNetwork("2600:1f10::/28")
RESERVED_AT_START = 4
RESERVED_AT_END = 1


def parse(text: str | None, *, param: str = "cidrBlock", version: int = 4) -> IPNetwork:
    """`text` as an IPNetwork of `version`, written as its network address.

    >>> str(parse("10.0.0.0/16"))
    '10.0.0.0/16'
    """
    quick = plain_ipv4(text) if version == 4 and text else None
    if quick is not None:
        return IPNetwork(_network_address(quick, text, param), version=4)
    try:
        if not text or "/" not in text:
            raise AddrFormatError(text)
        address, _, _ = text.partition("/")
        if version == 4 and address.count(".") != 3:   # netaddr would take "10/8"
            raise AddrFormatError(text)
        net = IPNetwork(text)
        if net.version != version or net.ip != net.network:
            raise AddrFormatError(text)
        return net.cidr
    except (AddrFormatError, ValueError, TypeError):
        raise _not_cidr(text, param)


def _not_cidr(text: str | None, param: str) -> InvalidParameterValue:
    return InvalidParameterValue(
        f"Value ({text}) for parameter {param} is invalid. This is not a valid CIDR block.")


# `a.b.c.d/n` as written by nearly every caller: decimal octets without leading zeros and a
# prefix length, no spaces; anything else (and what this would misread) goes to netaddr
_DOTTED = re.compile(r"(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})\."
                     r"(0|[1-9][0-9]{0,2})/(0|[1-9][0-9]?)")


def dotted(address: int) -> str:
    """An IPv4 address (an int) written as AWS and netaddr write it.

    >>> dotted(167772416)
    '10.0.1.0'
    """
    return f"{address >> 24}.{address >> 16 & 255}.{address >> 8 & 255}.{address & 255}"


@lru_cache(maxsize=65536)
def plain_ipv4(text: str) -> tuple[int, int] | None:
    """(address as an int, prefix length) of a plain IPv4 CIDR, read without netaddr's
    parser (some 3 us a call), once (a new block is read to canonicalize, check and count
    it); None for any other form, which netaddr reads.

    >>> plain_ipv4("10.0.1.0/24"), plain_ipv4("010.0.1.0/24"), plain_ipv4("10.0.1.0/33")
    ((167772416, 24), None, None)
    """
    match = _DOTTED.fullmatch(text)
    if match is None:
        return None
    a, b, c, d, bits = map(int, match.groups())
    if a > 255 or b > 255 or c > 255 or d > 255 or bits > 32:
        return None
    return (a << 24 | b << 16 | c << 8 | d), bits


def ipv4_block(text: str | None, *, param: str = "cidrBlock") -> tuple[int, int]:
    """(first address, prefix length) of an IPv4 CIDR written as its network address, as
    `parse` reads it, without making an IPNetwork for the usual plain form."""
    quick = plain_ipv4(text) if text else None
    if quick is None:
        net = parse(text, param=param)
        return net.first, net.prefixlen
    return _network_address(quick, text, param)


def _network_address(quick: tuple[int, int], text: str | None, param: str) -> tuple[int, int]:
    if quick[0] & ((1 << (32 - quick[1])) - 1):     # host bits set: not a network
        raise _not_cidr(text, param)
    return quick


def parse_any(text: str | None, *, param: str) -> IPNetwork:
    """An IPv4 or IPv6 CIDR, host bits allowed to be zero only (route destinations)."""
    for version in (4, 6):
        try:
            return parse(text, param=param, version=version)
        except InvalidParameterValue:
            pass
    raise InvalidParameterValue(
        f"Value ({text}) for parameter {param} is invalid. This is not a valid CIDR block.")


@lru_cache(maxsize=65536)
def network(text: str) -> IPNetwork:
    """A stored CIDR string as an IPNetwork, parsed once (treat the result as read-only)."""
    return IPNetwork(text)


@lru_cache(maxsize=65536)
def span(text: str) -> tuple[int, int, int]:
    """(version, first, last) of a stored CIDR string, computed once."""
    quick = plain_ipv4(text)
    if quick is not None:
        address, bits = quick
        size = 1 << (32 - bits)
        return 4, address & -size, (address & -size) + size - 1
    net = network(text)
    return net.version, net.first, net.last


def overlaps(net: IPNetwork, others: Iterable[IPNetwork]) -> bool:
    """Whether `net` shares an address with any of `others` (integer bounds, no IPSet)."""
    first, last = net.first, net.last
    return any(o.version == net.version and o.first <= last and first <= o.last for o in others)


def check_vpc_block(net: IPNetwork) -> None:
    """A VPC IPv4 block is /16 to /28 and not in a range AWS never allows."""
    if not 16 <= net.prefixlen <= 28 or net in NEVER or IPSet([net]) & NEVER:
        raise TopologyError(f"The CIDR '{net}' is invalid.", "InvalidVpc.Range")


def check_secondary(primary: IPNetwork, existing: Iterable[IPNetwork], net: IPNetwork) -> None:
    """AWS's rules for adding `net` to a VPC whose first block is `primary`."""
    check_vpc_block(net)
    if overlaps(net, existing):
        raise TopologyError(
            f"The CIDR '{net}' overlaps with an existing CIDR block in the VPC.", "CidrConflict")
    if _restricted(primary, net):
        raise TopologyError(
            f"The CIDR '{net}' is restricted. Use a CIDR from the same private address range "
            "as the current VPC CIDR, or use a publicly-routable CIDR.", "InvalidVpc.Range")


def _restricted(primary: IPNetwork, net: IPNetwork) -> bool:
    home = next((r for r in RFC1918.values() if primary in r), None)
    if home is not None:
        return any(net in r for r in RFC1918.values() if r != home) or net in BENCHMARK
    if primary in BENCHMARK:
        return any(net in r for r in RFC1918.values())
    return any(net in r for r in RFC1918.values()) or net in BENCHMARK


def check_subnet_range(vpc_blocks: Iterable[str], block: str, first: int, prefixlen: int
                       ) -> None:
    """A subnet block (`block`, read by `ipv4_block`) is /16 to /28, inside one VPC block
    (stored CIDR strings)."""
    last = first + (1 << (32 - prefixlen)) - 1
    if not 16 <= prefixlen <= 28 or not any(
            version == 4 and low <= first and last <= high
            for version, low, high in map(span, vpc_blocks)):
        raise TopologyError(f"The CIDR '{block}' is invalid.", "InvalidSubnet.Range")


def check_ipv6_subnet_block(vpc_blocks: Iterable[IPNetwork], siblings: Iterable[IPNetwork],
                            net: IPNetwork) -> None:
    """A subnet IPv6 block is a /64 (AWS allows /44 to /64) inside a VPC IPv6 block."""
    if not 44 <= net.prefixlen <= 64 or not any(net in block for block in vpc_blocks):
        raise TopologyError(f"The IPv6 CIDR '{net}' is invalid.", "InvalidSubnet.Range")
    if overlaps(net, siblings):
        raise TopologyError(f"The IPv6 CIDR '{net}' conflicts with another subnet",
                            "InvalidSubnet.Conflict")


def usable_count(net: IPNetwork | str) -> int:
    """Addresses a subnet offers (a network, or a stored CIDR string): its size less AWS's
    five reserved ones."""
    _, first, last = span(net) if isinstance(net, str) else (0, net.first, net.last)
    return max(last - first + 1 - RESERVED_AT_START - RESERVED_AT_END, 0)


def reserved(net: IPNetwork) -> IPSet:
    """The addresses AWS keeps for itself in subnet `net`."""
    first = [IPAddress(net.first + i) for i in range(RESERVED_AT_START)]
    return IPSet(first + [IPAddress(net.last)])


def allocate(net: IPNetwork, taken: Callable[[str], bool], hint: int | None = None) -> str:
    """The first free address of subnet `net` at or after `hint` (wrapping round), skipping
    AWS's reserved addresses and any address `taken` says is in use.

    Allocation walks from where the last one stopped, so filling a subnet costs each address
    once, not the subnet's size per address.

    >>> allocate(IPNetwork("10.0.0.0/28"), lambda ip: ip == "10.0.0.4")
    '10.0.0.5'
    """
    low, high = net.first + RESERVED_AT_START, net.last - RESERVED_AT_END
    if net.version == 6:   # AWS reserves the same first four (and no last) in IPv6 subnets
        high = net.last
    size = high - low + 1
    if size <= 0:
        raise _subnet_full()
    start = hint if hint is not None and low <= hint <= high else low
    for step in range(size):
        value = low + (start - low + step) % size
        text = str(IPAddress(value, net.version))
        if not taken(text):
            return text
    raise _subnet_full()


def _subnet_full() -> TopologyError:
    return TopologyError(
        "There are not enough free addresses in subnet to satisfy the requested number of "
        "instances.", "InsufficientFreeAddressesInSubnet")


def contains_address(net: IPNetwork, address: str) -> bool:
    try:
        return IPAddress(address) in net
    except (AddrFormatError, ValueError):
        return False


def next_ipv6_block(rng_bits: int, taken: Iterable[IPNetwork], prefixlen: int = 56) -> IPNetwork:
    """An Amazon-provided IPv6 block of `prefixlen` from AWS's pool, not in `taken`."""
    pool = AMAZON_IPV6_POOL
    count = 1 << (prefixlen - pool.prefixlen)
    taken_set = IPSet(taken)
    for step in range(count):
        index = (rng_bits + step) % count
        block = IPNetwork((pool.first + (index << (128 - prefixlen)), prefixlen), version=6)
        if not IPSet([block]) & taken_set:
            return block
    raise TopologyError("No IPv6 CIDR blocks are available.", "InsufficientCidrBlocks")


def subnet_ipv6_blocks(vpc_block: IPNetwork) -> Iterable[IPNetwork]:
    """The /64 subnets of a VPC's /56."""
    return vpc_block.subnet(64)


# -- public IPv4 addresses ---------------------------------------------------------------------
# A few of the EC2 blocks each region advertises (AWS's published ip-ranges.json, service
# "EC2"): where auto-assigned public IPv4 addresses and Elastic IPs come from. A region not
# listed draws from DEFAULT_PUBLIC_POOL.
PUBLIC_POOLS: dict[str, tuple[str, ...]] = {
    "us-east-1": ("3.80.0.0/12", "54.144.0.0/14"),
    "us-east-2": ("18.216.0.0/14", "3.128.0.0/15"),
    "us-west-1": ("54.176.0.0/15", "13.56.0.0/16"),
    "us-west-2": ("34.208.0.0/12", "54.184.0.0/13"),
    "ca-central-1": ("35.182.0.0/15", "52.60.0.0/16"),
    "sa-east-1": ("18.228.0.0/16", "54.232.0.0/16"),
    "eu-west-1": ("34.240.0.0/13", "54.216.0.0/14"),
    "eu-west-2": ("35.176.0.0/15", "18.130.0.0/16"),
    "eu-west-3": ("35.180.0.0/16", "15.236.0.0/15"),
    "eu-central-1": ("3.120.0.0/14", "18.192.0.0/15"),
    "eu-north-1": ("13.48.0.0/15", "13.53.0.0/16"),
    "ap-northeast-1": ("13.112.0.0/14", "54.64.0.0/15"),
    "ap-northeast-2": ("13.124.0.0/16", "3.34.0.0/15"),
    "ap-northeast-3": ("13.208.0.0/16", "15.152.0.0/16"),
    "ap-south-1": ("13.232.0.0/14", "3.6.0.0/15"),
    "ap-southeast-1": ("13.228.0.0/15", "18.136.0.0/16"),
    "ap-southeast-2": ("13.236.0.0/14", "3.104.0.0/14"),
    "af-south-1": ("13.244.0.0/15",),
    "ap-east-1": ("18.162.0.0/16",),
    "eu-south-1": ("15.160.0.0/16",),
    "me-south-1": ("15.184.0.0/16",),
}
DEFAULT_PUBLIC_POOL: tuple[str, ...] = ("3.0.0.0/15",)


def public_pool(region: str) -> list[IPNetwork]:
    """The public IPv4 blocks a region hands out addresses from.

    >>> [str(n) for n in public_pool("eu-west-1")]
    ['34.240.0.0/13', '54.216.0.0/14']
    """
    return [network(block) for block in PUBLIC_POOLS.get(region, DEFAULT_PUBLIC_POOL)]


def allocate_public(world: World, part: Partition) -> str:
    """A public IPv4 address of the partition's region that nobody in the region holds.

    Public addresses are unique across accounts, so every partition of the region is asked
    (their "public-ip" value index: Elastic IPs and auto-assigned addresses). The search
    starts at a random point of the pool (seeded by the world), as AWS's addresses look
    random; the caller claims the address it keeps. Addresses ending in .0 or .255 are
    skipped, as they look like network or broadcast addresses to many tools.
    """
    blocks = public_pool(part.region)
    neighbours = [p for p in world.partitions() if p.region == part.region]
    total = sum(b.size for b in blocks)
    start = world.rng.randrange(total)
    for step in range(total):
        offset = (start + step) % total
        for block in blocks:
            if offset < block.size:
                break
            offset -= block.size
        value = block.first + offset
        if value & 0xFF in (0, 255):
            continue
        text = str(IPAddress(value, 4))
        if not any(world.claimed(p, "public-ip", text) for p in neighbours):
            return text
    raise TopologyError("There are no more public IPv4 addresses available in this Region.",
                        "InsufficientAddressCapacity")
