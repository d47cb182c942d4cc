"""What a prefix list resolver's rules select, computed from the graph (never stored).

A rule yields rows `{Cidr, ResourceId, ResourceOwner, ResourceRegion, IpamPoolId, tags}`:
a static CIDR; the CIDRs provisioned to the pools of a scope (`ipam-pool-cidr`); or the
CIDRs of one resource type that the IPAM manages (`ipam-resource-cidr`) — VPC and subnet
blocks, interfaces' private addresses, Elastic IPs, public IPv4 and IPv6 pools — in the
IPAM owner's account and the IPAM's operating Regions. A row passes a rule when it passes
every condition (equals / not-equals on a field or a tag, subnet-of on the CIDR); a CIDR is
selected when any rule passes it. The answer is the CIDRs of the resolver's address family,
sorted and without duplicates.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from netaddr import IPNetwork

from ..core import schema
from ..core.world import Partition, World
from . import ipam_allocations as allocs
from . import ipams

Row = dict[str, Any]


def selected(world: World, resolver: dict[str, Any]) -> tuple[str, ...]:
    """The CIDRs the resolver's rules select now."""
    version = 4 if resolver["AddressFamily"] == "ipv4" else 6
    found: set[IPNetwork] = set()
    for rule in resolver["rules"]:
        for row in _rows(world, resolver, rule):
            net = IPNetwork(row["Cidr"])
            if net.version == version and all(_passes(row, c) for c in rule.get("Conditions", ())):
                found.add(net.cidr)
    return tuple(str(n) for n in sorted(found))


def _rows(world: World, resolver: dict[str, Any], rule: dict[str, Any]) -> Iterator[Row]:
    if rule["RuleType"] == "static-cidr":
        yield {"Cidr": rule["StaticCidr"]}
    elif rule["RuleType"] == "ipam-pool-cidr":
        yield from _pool_rows(world, rule["IpamScopeId"])
    else:
        ipam = world.graph.nodes[resolver["IpamId"]]
        for part in world.partitions():
            if part.account == ipam["account"] and part.region in ipam["OperatingRegions"]:
                yield from RESOURCES[rule["ResourceType"]](world, part)


def _pool_rows(world: World, scope_id: str) -> Iterator[Row]:
    nodes = world.graph.nodes
    for pool_id in ipams.pools(world, scope_id):
        pool = nodes[pool_id]
        for cidr_id in allocs.provisioned(world, pool_id):
            yield {"Cidr": nodes[cidr_id]["Cidr"], "IpamPoolId": pool_id, "ResourceId": pool_id,
                   "ResourceOwner": pool["account"],
                   "ResourceRegion": pool.get("Locale") or pool["region"], "tags": pool["tags"]}


def _row(world: World, rid: str, cidr: str, **more: Any) -> Row:
    node = world.graph.nodes[rid]
    return {"Cidr": cidr, "ResourceId": rid, "ResourceOwner": node["account"],
            "ResourceRegion": node["region"], "tags": node["tags"], **more}


def _vpcs(world: World, part: Partition) -> Iterator[Row]:
    nodes = world.graph.nodes
    for vpc_id in part.ids("vpc"):
        for block, _, _ in world.out(vpc_id, schema.CONTAINS, "vpc-cidr-assoc"):
            data = nodes[block]
            held = world.into(block, schema.ASSOCIATED, allocs.KIND)
            pool = {"IpamPoolId": allocs.pool_of(world, held[0][0])} if held else {}
            for key in ("CidrBlock", "Ipv6CidrBlock"):
                if key in data:
                    yield _row(world, vpc_id, data[key], **pool)


def _subnets(world: World, part: Partition) -> Iterator[Row]:
    nodes = world.graph.nodes
    for subnet_id in part.ids("subnet"):
        if nodes[subnet_id].get("CidrBlock"):
            yield _row(world, subnet_id, nodes[subnet_id]["CidrBlock"])
        for block, _, _ in world.out(subnet_id, schema.CONTAINS, "subnet-cidr-assoc"):
            if "Ipv6CidrBlock" in nodes[block]:
                yield _row(world, subnet_id, nodes[block]["Ipv6CidrBlock"])


def _interfaces(world: World, part: Partition) -> Iterator[Row]:
    for eni_id in part.ids("network-interface"):
        for ip in world.graph.nodes[eni_id].get("ips") or ():
            yield _row(world, eni_id, f"{ip}/32")


def _addresses(world: World, part: Partition) -> Iterator[Row]:
    for alloc_id in part.ids("elastic-ip"):
        if not world.graph.nodes[alloc_id].get("PublicIp"):   # customer-owned (CoIP)
            continue
        yield _row(world, alloc_id, f"{world.graph.nodes[alloc_id]['PublicIp']}/32")


def _pools(kind: str) -> Callable[[World, Partition], Iterator[Row]]:
    def rows(world: World, part: Partition) -> Iterator[Row]:
        for pool_id in part.ids(kind):
            for cidr in world.graph.nodes[pool_id]["cidrs"]:
                yield _row(world, pool_id, cidr)
    return rows


def _nothing(world: World, part: Partition) -> Iterator[Row]:
    return iter(())


RESOURCES: dict[str, Callable[[World, Partition], Iterator[Row]]] = {
    "vpc": _vpcs, "subnet": _subnets, "eni": _interfaces, "eip": _addresses,
    "public-ipv4-pool": _pools("ipv4pool-ec2"), "ipv6-pool": _pools("ipv6pool-ec2"),
    "anycast-ip-list": _nothing,     # Global Accelerator's: not EC2's
}


def _passes(row: Row, condition: dict[str, Any]) -> bool:
    operation = condition["Operation"]
    if "Cidr" in condition:
        return IPNetwork(row["Cidr"]) in IPNetwork(condition["Cidr"])
    if "ResourceTag" in condition:
        tag = condition["ResourceTag"]
        tags = row.get("tags") or {}
        hit = tag.get("Key") in tags and (tag.get("Value") is None
                                          or tags[tag["Key"]] == tag.get("Value"))
    else:
        member = next(iter(k for k in condition if k != "Operation"))
        hit = row.get(member) == condition[member]
    return hit if operation == "equals" else not hit
