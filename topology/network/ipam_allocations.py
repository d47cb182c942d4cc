"""IPAM pool allocations: the CIDRs a pool has handed out, and how it picks the next one.

An `ipam-pool-allocation` node (its pool CONTAINS it) holds `Cidr`, `ResourceType` (`custom`
for AllocateIpamPoolCidr, `vpc`/`subnet` for a VPC or subnet block drawn from the pool,
`ipam-pool` for a child pool's provisioned CIDR), `ResourceId`, `ResourceRegion`,
`ResourceOwner`, `Description`, and `span`, its first and last address as integers (what
the free-space walk sorts). An allocation a resource holds has an ASSOCIATED edge to the
block node that holds it (a `vpc-cidr-assoc`, a `subnet`, a `subnet-cidr-assoc`, a child's
`ipam-pool-cidr`): the kind `lives_on` that edge, so deleting the VPC or subnet, or
disassociating the block, releases the CIDR with no code here.

A pool with `AutoImport` takes the VPC blocks of its locale that fall in its CIDRs as its
own (`imported`), computed when asked, as IPAM's discovery would find them.

A pool's free space is its provisioned CIDRs less its allocations (netaddr `IPSet`); the
next CIDR of a size is the lowest one of the smallest free block that holds it (smallest
fit), so large blocks stay whole.
"""
from __future__ import annotations

from typing import Any

from netaddr import IPAddress, IPNetwork, IPSet, iprange_to_cidrs

from ..core import addressing, schema
from ..core import tags as tagging
from ..core.errors import (InvalidParameterCombination, InvalidParameterValue, NotFound,
                           TopologyError)
from ..core.filters import Filter, field, ident
from ..core.world import Partition, World
from . import ipam_discoveries as discoveries
from . import ipam_pools as pools

KIND = "ipam-pool-allocation"
CIDR = "ipam-pool-cidr"


def provisioned(world: World, pool_id: str) -> list[str]:
    """The pool's provisioned CIDR nodes (not the deprovisioned ones; one that failed to
    deprovision is still held)."""
    return [v for v, _, _ in world.out(pool_id, schema.CONTAINS, CIDR)
            if world.graph.nodes[v]["State"] in ("provisioned", "failed-deprovision")]


def allocations(world: World, pool_id: str) -> list[str]:
    found = [v for v, _, _ in world.out(pool_id, schema.CONTAINS, KIND)]
    return sorted(found, key=lambda a: world.graph.nodes[a]["seq"])


def imported(world: World, pool_id: str) -> list[tuple[str, IPNetwork]]:
    """The VPC blocks an `AutoImport` pool counts as its allocations, as IPAM finds them:
    (block node, CIDR) of the VPCs of its locale, in the accounts its IPAM watches, inside
    its provisioned CIDRs and held by no allocation. As AWS documents: whatever the pool's
    netmask rules (such a block is then noncompliant), not over space already allocated,
    and of blocks that overlap only the largest (of equal ones, the first)."""
    pool = world.graph.nodes[pool_id]
    if not pool["AutoImport"] or not pool.get("Locale"):
        return []
    nodes = world.graph.nodes
    blocks = [addressing.network(nodes[c]["Cidr"]) for c in provisioned(world, pool_id)]
    key = "CidrBlock" if pool["AddressFamily"] == "ipv4" else "Ipv6CidrBlock"
    found = []
    for part in discoveries.partitions(world, discoveries.watched(world, pool["account"]),
                                       [pool["Locale"]]):
        for assoc in part.ids("vpc-cidr-assoc"):
            cidr = nodes[assoc].get(key)
            if cidr is None or world.into(assoc, schema.ASSOCIATED, KIND):
                continue
            net = addressing.network(cidr)
            if any(net in block for block in blocks):
                found.append((assoc, net))
    taken = IPSet(nodes[a]["Cidr"] for a in allocations(world, pool_id))
    chosen: list[tuple[str, IPNetwork]] = []
    for assoc, net in sorted(found, key=lambda f: (f[1].prefixlen, nodes[f[0]]["seq"])):
        if not IPSet([net]) & taken:
            chosen.append((assoc, net))
            taken.add(net)
    return sorted(chosen, key=lambda f: nodes[f[0]]["seq"])


def free_space(world: World, pool_id: str) -> IPSet:
    """The pool's provisioned CIDRs less its allocations (and what it auto-imports), built
    from the gaps between the sorted spans (a thousand allocations cost a sort)."""
    nodes = world.graph.nodes
    used = sorted([tuple(nodes[a]["span"])
                   for a, _, _ in world.out(pool_id, schema.CONTAINS, KIND)]
                  + [(net.first, net.last) for _, net in imported(world, pool_id)])
    gaps: list[IPNetwork] = []
    for cidr_id in provisioned(world, pool_id):
        block = addressing.network(nodes[cidr_id]["Cidr"])
        start = block.first
        for first, last in used:
            if last < block.first or first > block.last:
                continue
            if first > start:
                gaps += _range(start, first - 1, block.version)
            start = max(start, last + 1)
        if start <= block.last:
            gaps += _range(start, block.last, block.version)
    return IPSet(gaps)


def _range(first: int, last: int, version: int) -> list[IPNetwork]:
    return iprange_to_cidrs(IPAddress(first, version), IPAddress(last, version))


def smallest_fit(free: IPSet, prefixlen: int) -> IPNetwork | None:
    """The lowest `/prefixlen` of the smallest free block that holds one.

    >>> str(smallest_fit(IPSet(["10.0.0.0/16", "10.1.0.0/24"]), 24))
    '10.1.0.0/24'
    >>> smallest_fit(IPSet(["10.0.0.0/25"]), 24) is None
    True
    """
    fits = [block for block in free.iter_cidrs() if block.prefixlen <= prefixlen]
    if not fits:
        return None
    block = min(fits, key=lambda b: (-b.prefixlen, b.first))
    return IPNetwork(f"{block.network}/{prefixlen}")


def _too_big() -> TopologyError:
    return InvalidParameterValue("The allocation size is too big for the pool.")


def _netmask(pool: dict[str, Any], cidr: str | None, netmask_length: int | None) -> int | None:
    """The requested size, the pool's default standing in; refuses both or neither."""
    if cidr is not None and netmask_length is not None:
        raise InvalidParameterCombination(
            "The request can only contain a CIDR or a Netmask Length, not both.")
    if cidr is None and netmask_length is None:
        default = pool.get("AllocationDefaultNetmaskLength")
        if default is None:
            raise InvalidParameterCombination(
                "The request cannot contain empty CIDR and Netmask Length for a pool with no "
                "default allocation netmask length set. Exactly one of them should be "
                "provided.")
        return int(default)
    return netmask_length


def _check_size(pool: dict[str, Any], prefixlen: int) -> None:
    low, high = pool["AllocationMinNetmaskLength"], pool["AllocationMaxNetmaskLength"]
    if not 0 <= prefixlen <= pools.BITS[pool["AddressFamily"]]:
        raise InvalidParameterValue(f"The netmask length {prefixlen} is invalid for address "
                                    f"family {pool['AddressFamily']}.")
    if prefixlen < low:
        raise _too_big()
    if prefixlen > high:
        raise InvalidParameterValue("The allocation size is too small for the pool.")


def _cidrs(texts: list[str] | None, family: str, member: str) -> IPSet:
    version = 4 if family == "ipv4" else 6
    return IPSet(addressing.parse(t, param=member, version=version) for t in texts or [])


def choose(world: World, pool_id: str, *, cidr: str | None = None,
           netmask_length: int | None = None, allowed: list[str] | None = None,
           disallowed: list[str] | None = None) -> IPNetwork:
    """The CIDR an allocation from the pool would get (nothing changes): `cidr` if it is
    free, else the smallest fit of the size asked (or the pool's default size)."""
    pool = world.graph.nodes[pool_id]
    family = pool["AddressFamily"]
    prefixlen = _netmask(pool, cidr, netmask_length)
    free = free_space(world, pool_id)
    if cidr is not None:
        net = addressing.parse(cidr, param="cidr", version=4 if family == "ipv4" else 6)
        _check_size(pool, net.prefixlen)
        if not IPSet([net]).issubset(free):
            raise InvalidParameterValue(f"The CIDR {net} is not available in the pool "
                                        f"{pool_id}. It overlaps an allocation or is outside "
                                        "the provisioned CIDRs.")
        return net
    assert prefixlen is not None
    _check_size(pool, prefixlen)
    if allowed:
        free &= _cidrs(allowed, family, "AllowedCidrs")
    free -= _cidrs(disallowed, family, "DisallowedCidrs")
    found = smallest_fit(free, prefixlen)
    if found is None:
        raise _too_big()
    return found


def take(world: World, pool_id: str, net: IPNetwork, *, resource_type: str,
         owner: str, resource_id: str | None = None, region: str | None = None,
         holder: str | None = None, description: str | None = None,
         tags: dict[str, str] | None = None) -> str:
    """Record an allocation of `net` from the pool (in the pool's partition)."""
    pool = world.graph.nodes[pool_id]
    part = world.partition(pool["account"], pool["region"])
    alloc_id = world.new_id("ipam-pool-alloc")
    fields: dict[str, Any] = {"Cidr": str(net), "ResourceType": resource_type,
                              "ResourceOwner": owner, "span": [net.first, net.last]}
    optional = {"ResourceId": resource_id, "ResourceRegion": region or pool.get("Locale"),
                "Description": description}
    fields.update({k: v for k, v in optional.items() if v is not None})
    world.add(part, KIND, alloc_id, **fields)
    world.link(pool_id, alloc_id, schema.CONTAINS)
    if holder is not None:
        world.link(alloc_id, holder, schema.ASSOCIATED)
    tagging.apply(world, alloc_id, tags or {})
    return alloc_id


# -- what a VPC or subnet draws ---------------------------------------------------------------
def for_resource(world: World, part: Partition, pool_id: str, *, family: str,
                 netmask_length: int | None, cidr: str | None = None,
                 resource_tags: dict[str, str] | None = None) -> IPNetwork:
    """The CIDR a VPC or subnet of `part` would draw from a pool it may use (its own or one
    shared with it) whose locale is `part`'s region; nothing changes yet (`take` records it
    once the resource exists)."""
    pool = pools.usable(world, part, pool_id)
    if pool["AddressFamily"] != family:
        raise InvalidParameterValue(f"The IPAM pool {pool_id} is not an {family} pool.")
    locale = pool.get("Locale")
    if locale != part.region:
        raise InvalidParameterValue(
            f"The IPAM pool {pool_id} has locale {locale or 'None'}: it cannot allocate to a "
            f"resource in {part.region}.")
    wanted = pool["AllocationResourceTags"]
    if any((resource_tags or {}).get(t["Key"]) != t["Value"] for t in wanted):
        raise InvalidParameterValue("The resource is missing one or more of the resource "
                                    "tags required by the IPAM pool.")
    return choose(world, pool_id, cidr=cidr, netmask_length=netmask_length)


# -- AllocateIpamPoolCidr and the rest of the API ----------------------------------------------
def allocate(world: World, part: Partition, ipam_pool_id: str, cidr: str | None = None,
             netmask_length: int | None = None, description: str | None = None,
             preview_next_cidr: bool | None = None, allowed_cidrs: list[str] | None = None,
             disallowed_cidrs: list[str] | None = None, *,
             tags: dict[str, str] | None = None) -> dict[str, Any]:
    """A custom allocation (or, with `preview_next_cidr`, the CIDR it would get)."""
    pools.usable(world, part, ipam_pool_id)
    net = choose(world, ipam_pool_id, cidr=cidr, netmask_length=netmask_length,
                 allowed=allowed_cidrs, disallowed=disallowed_cidrs)
    if preview_next_cidr:
        return {"Cidr": str(net)}
    alloc_id = take(world, ipam_pool_id, net, resource_type="custom", owner=part.account,
                    description=description, tags=tags)
    return view(world, alloc_id)


def _own(world: World, part: Partition, alloc_id: str) -> dict[str, Any]:
    """An allocation the caller made, or of a pool it owns."""
    node = world.find(KIND, alloc_id)
    if node["account"] != part.account and node["ResourceOwner"] != part.account:
        world.get(part, KIND, alloc_id)     # NotFound
    return node


def pool_of(world: World, alloc_id: str) -> str:
    return next(u for u, _, _ in world.into(alloc_id, schema.CONTAINS, pools.KIND))


def release(world: World, part: Partition, ipam_pool_id: str, cidr: str,
            ipam_pool_allocation_id: str) -> bool:
    """Release a custom allocation (a resource's goes with the resource). One that is not
    there (released already, another CIDR or pool) is AWS's InvalidParameterCombination
    'No allocation found', which Terraform takes for an allocation already gone."""
    pools.usable(world, part, ipam_pool_id)
    try:
        node: dict[str, Any] | None = _own(world, part, ipam_pool_allocation_id)
    except NotFound:
        node = None
    if node is None or pool_of(world, ipam_pool_allocation_id) != ipam_pool_id \
            or node["Cidr"] != cidr:
        raise InvalidParameterCombination(
            f"No allocation found for {ipam_pool_allocation_id} with CIDR {cidr} in the pool "
            f"{ipam_pool_id}.")
    if node["ResourceType"] != "custom":
        raise InvalidParameterValue(
            f"The allocation {ipam_pool_allocation_id} belongs to {node['ResourceType']} "
            f"{node.get('ResourceId')}: only custom allocations can be released.")
    world.remove(ipam_pool_allocation_id)
    return True


def modify(world: World, part: Partition, ipam_pool_allocation_id: str,
           description: str | None = None) -> str:
    _own(world, part, ipam_pool_allocation_id)
    if description is not None:
        world.update(ipam_pool_allocation_id, Description=description)
    return ipam_pool_allocation_id


MEMBERS = ("Cidr", "IpamPoolAllocationId", "Description", "ResourceId", "ResourceType",
           "ResourceRegion", "ResourceOwner")


def view(world: World, alloc_id: str) -> dict[str, Any]:
    node = world.graph.nodes[alloc_id]
    out = {k: node[k] for k in MEMBERS if k in node}
    out["IpamPoolAllocationId"] = alloc_id
    out = {k: out[k] for k in MEMBERS if k in out}
    out["Tags"] = tagging.listed(node["tags"])
    return out


FILTERS: dict[str, Filter] = {
    "ipam-pool-allocation-id": ident(),
    "ipam-pool-id": Filter(lambda w, rid, n: pool_of(w, rid)),
    "cidr": field("Cidr"),
    "description": field("Description"),
    "resource-id": field("ResourceId"),
    "resource-type": field("ResourceType"),
    "resource-region": field("ResourceRegion"),
    "resource-owner": field("ResourceOwner"),
}
