"""Forwarding classes: subnets (and interfaces) the network cannot tell apart.

`routing.matrix` evaluates one pair per class pair instead of every member pair. Two subnets
share a class when `subnet_key` gives them the same key: their VPC, route table, network ACL,
hosted transit gateway attachments (and zone, when their VPC is attached to a transit
gateway), state, and *address signature* — which of the prefixes the world matches on
(`Prefixes`: VPC blocks, route destinations, ACL and rule CIDRs, prefix list entries, the
special ranges gateways check) contain the subnet's block and which lie inside it. Interfaces
share a class when their subnets do and they share groups, split prefixes, type and their
instance's state. `Scope` gathers a scope's members and their classes.

A scope is of one address family (`version`): IPv6 classes use the subnets' IPv6 blocks, the
interfaces' IPv6 addresses and the world's IPv6 prefixes.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from netaddr import IPAddress, IPNetwork

from topology.connect import tgw_routes
from topology.core import schema
from topology.core.lookups import vpc_of
from topology.core.world import World
from topology.network import network_acls
from topology.network import network_interfaces as enis
from topology.network import prefix_lists, route_tables
from topology.network import security_groups as groups_module
from topology.network import subnets as subnets_module

from .components import addresses

Prefix = tuple[int, int]            # (prefix length, network as an integer), in one family
Signature = tuple[tuple[Prefix, ...], tuple[Prefix, ...]]   # (containing, inside)
WIDTH = {4: 32, 6: 128}
MASKS = {v: [((1 << w) - 1) ^ ((1 << (w - n)) - 1) for n in range(w + 1)]
         for v, w in WIDTH.items()}
# ranges the engine's gateways test addresses against (RFC 1918, RFC 6598, link-local; for
# IPv6 unique-local, link-local, multicast, NAT64)
SPECIAL = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16",
           "fc00::/7", "fe80::/10", "ff00::/8", "64:ff9b::/96")


# -- the prefixes the world matches on --------------------------------------------------------
def _prefix(text: str, version: int) -> Prefix | None:
    net = IPNetwork(text)
    return (net.prefixlen, int(net.network)) if net.version == version else None


def held_by(split: tuple[Prefix, ...], value: int, version: int) -> tuple[Prefix, ...]:
    """The prefixes of `split` holding the address `value` (an integer of the family)."""
    masks = MASKS[version]
    return tuple(p for p in split if value & masks[p[0]] == p[1])


class Prefixes:
    """Every prefix of one family some route, ACL or rule of the world matches on, indexed so
    that a block's signature costs a set lookup per prefix length."""

    def __init__(self, texts: Iterable[str], version: int = 4) -> None:
        self.version, self.masks = version, MASKS[version]
        self.by_len: dict[int, set[int]] = {}
        for text in texts:
            found = _prefix(text, version)
            if found is not None:
                self.by_len.setdefault(found[0], set()).add(found[1])
        self.lengths = sorted(self.by_len)
        self._inside: dict[int, dict[int, list[Prefix]]] = {}

    def signature(self, block: str) -> Signature:
        """(prefixes holding the block, itself included; prefixes strictly inside it)."""
        length, value = _prefix(block, self.version) or (0, 0)
        masks = self.masks
        containing = tuple((n, value & masks[n]) for n in self.lengths
                           if n <= length and value & masks[n] in self.by_len[n])
        return containing, self._within(length, value)

    def _within(self, length: int, value: int) -> tuple[Prefix, ...]:
        table = self._inside.get(length)
        if table is None:
            table = self._inside[length] = {}
            for n in self.lengths:
                if n > length:
                    for net in self.by_len[n]:
                        table.setdefault(net & self.masks[length], []).append((n, net))
        return tuple(sorted(table.get(value, ())))


def world_prefixes(world: World, version: int = 4) -> Prefixes:
    """The prefixes of the family in every partition (a packet may cross accounts over
    peering or a transit gateway), and the special ranges."""
    return Prefixes([*SPECIAL, *_prefix_texts(world)], version)


def _prefix_texts(world: World) -> Iterator[str]:
    nodes = world.graph.nodes
    for part in world.partitions():
        for assoc in part.ids("vpc-cidr-assoc"):
            yield from (nodes[assoc][k] for k in ("CidrBlock", "Ipv6CidrBlock")
                        if k in nodes[assoc])
        for rtb in part.ids("route-table"):
            for _, dest, data in world.out(rtb, schema.ROUTE):
                if "DestinationPrefixListId" in data:
                    yield from _list_cidrs(world, dest)
                elif "DestinationCidrBlock" in data or "DestinationIpv6CidrBlock" in data:
                    yield dest
        for rtb in part.ids("transit-gateway-route-table"):
            yield from (str(row["net"]) for row in tgw_routes.routes(world, rtb))
        for acl in part.ids("network-acl"):
            yield from (e.get("CidrBlock") or e["Ipv6CidrBlock"]
                        for e in nodes[acl]["entries"].values()
                        if "CidrBlock" in e or "Ipv6CidrBlock" in e)
        for rule in part.ids("security-group-rule"):
            if "CidrIpv4" in nodes[rule]:
                yield nodes[rule]["CidrIpv4"]
            elif "CidrIpv6" in nodes[rule]:
                yield nodes[rule]["CidrIpv6"]
            else:
                ref = groups_module.referenced(world, rule)
                if ref is not None and nodes[ref[0]]["kind"] == "prefix-list":
                    yield from _list_cidrs(world, ref[0])


def _list_cidrs(world: World, pl_id: str) -> list[str]:
    return prefix_lists.cidrs(world, pl_id) if world.node(pl_id) is not None else []


# -- classes -----------------------------------------------------------------------------------
@dataclass
class SubnetClass:
    """Subnets the network cannot tell apart (`key`), in creation order."""

    index: int
    key: tuple[Any, ...]
    signature: Signature
    subnets: list[str] = field(default_factory=list)

    @property
    def vpc(self) -> str:
        return str(self.key[0])


@dataclass
class InterfaceClass:
    """Network interfaces that security groups and the network cannot tell apart."""

    index: int
    subnet_class: SubnetClass
    groups: tuple[str, ...]
    holding: tuple[Prefix, ...]          # the split prefixes holding its addresses
    by_subnet: dict[str, list[str]] = field(default_factory=dict)   # subnet -> members

    def members(self) -> Iterator[str]:
        for found in self.by_subnet.values():
            yield from found

    @property
    def first(self) -> str:
        return next(iter(self.by_subnet.values()))[0]


class Scope:
    """The subnets and groups a matrix covers, and their classes."""

    def __init__(self, world: World, account: str | None, region: str | None,
                 vpc: str | None, version: int = 4) -> None:
        self.world, self.version = world, version
        self.parts = [p for p in world.partitions() if p.account.isdigit()
                      and (account is None or p.account == account)
                      and (region is None or p.region == region)]
        self.vpc = vpc
        self.prefixes = world_prefixes(world, version)
        self.subnets = [s for part in self.parts for s in part.ids("subnet")
                        if block_of(world, s, version) is not None
                        and (vpc is None or vpc_of(world, s) == vpc)]
        self.class_of: dict[str, SubnetClass] = {}
        self.subnet_classes: list[SubnetClass] = []
        by_key: dict[tuple[Any, ...], SubnetClass] = {}
        context = KeyContext(world)
        for subnet in self.subnets:
            key, sig = subnet_key(world, subnet, self.prefixes, context, version)
            cls = by_key.get(key)
            if cls is None:
                cls = by_key[key] = SubnetClass(len(self.subnet_classes), key, sig)
                self.subnet_classes.append(cls)
            cls.subnets.append(subnet)
            self.class_of[subnet] = cls

    def groups(self) -> list[str]:
        nodes = self.world.graph.nodes
        return [g for part in self.parts for g in part.ids("security-group")
                if not nodes[g].get("deleted")
                and (self.vpc is None or vpc_of(self.world, g) == self.vpc)]

    def interface_classes(self) -> list[InterfaceClass]:
        """The classes of the interfaces (with at least one group) of the scope's subnets."""
        world, nodes = self.world, self.world.graph.nodes
        by_key: dict[tuple[Any, ...], InterfaceClass] = {}
        for subnet, scls in self.class_of.items():
            split = scls.signature[1]
            for eni, _, _ in world.out(subnet, schema.CONTAINS, enis.KIND):
                groups = tuple(sorted(enis.groups(world, eni)))
                node = nodes[eni]
                own = addresses(world, eni, self.version)
                if not groups or not own:
                    continue
                holding = held_by(split, int(IPAddress(own[0])), self.version)
                key = (scls.index, groups, holding, node.get("InterfaceType"),
                       _instance_state(world, eni))
                cls = by_key.get(key)
                if cls is None:
                    cls = by_key[key] = InterfaceClass(len(by_key), scls, groups, holding)
                cls.by_subnet.setdefault(subnet, []).append(eni)
        return list(by_key.values())


def block_of(world: World, subnet: str, version: int = 4) -> str | None:
    """The subnet's block of the family (None: it has none)."""
    if version == 4:
        found: str | None = world.graph.nodes[subnet].get("CidrBlock")
        return found
    blocks = subnets_module.ipv6_blocks(world, subnet)
    return str(blocks[0]) if blocks else None


def subnet_key(world: World, subnet: str, prefixes: Prefixes,
               context: KeyContext | None = None, version: int = 4
               ) -> tuple[tuple[Any, ...], Signature]:
    """What the network sees of a subnet (see the module's docstring), and its signature."""
    node = world.graph.nodes[subnet]
    ctx = context or KeyContext(world)
    vpc = vpc_of(world, subnet)
    sig = prefixes.signature(block_of(world, subnet, version) or "")
    key = (vpc, route_tables.table_for_subnet(world, subnet),
           network_acls.acl_for_subnet(world, subnet),
           node["AvailabilityZone"] if ctx.zoned(vpc) else None, ctx.hosted(subnet),
           node.get("State"), sig)
    return key, sig


class KeyContext:
    """What subnet keys share: which VPCs a transit gateway attaches (a packet enters and
    leaves it in its own zone), and which interfaces routes lead to (middleboxes)."""

    def __init__(self, world: World) -> None:
        self.world = world
        self._zoned: dict[str, bool] = {}
        self.targets: set[str] = set()
        for part in world.partitions():
            for rtb in part.ids("route-table"):
                for target, _, _ in world.out(rtb, schema.ROUTE):
                    kind = world.graph.nodes[target]["kind"]
                    if kind == enis.KIND:
                        self.targets.add(target)
                    elif kind == "instance":
                        self.targets.update(e for e, _, _ in world.into(
                            target, schema.ATTACHED, enis.KIND))

    def zoned(self, vpc: str) -> bool:
        if vpc not in self._zoned:
            self._zoned[vpc] = bool(self.world.into(vpc, schema.ASSOCIATED,
                                                    "transit-gateway-attachment"))
        return self._zoned[vpc]

    def hosted(self, subnet: str) -> tuple[str, ...]:
        """What the subnet hosts that a path can pass through: interfaces routes lead to,
        and the services owning interfaces there (transit gateway attachments, NAT
        gateways, endpoints); a path crossing its boundary tells it from its peers."""
        world, nodes = self.world, self.world.graph.nodes
        found = {a for a, _, _ in world.into(subnet, schema.ASSOCIATED,
                                             "transit-gateway-attachment")}
        for eni, _, _ in world.out(subnet, schema.CONTAINS, enis.KIND):
            node = nodes[eni]
            if eni in self.targets:
                found.add(eni)
            if node.get("InterfaceType", "interface") != "interface" \
                    or node.get("RequesterManaged"):
                found.update(owner for owner, _, _ in world.out(eni, schema.ATTACHED))
        return tuple(sorted(found))


def _instance_state(world: World, eni: str) -> str | None:
    for target, _, _ in world.out(eni, schema.ATTACHED, "instance"):
        return str(world.graph.nodes[target]["State"]["Name"])
    return None



