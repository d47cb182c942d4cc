"""Public IPv4 pools (`ipv4pool-ec2-…`) and IPv6 pools (`ipv6pool-ec2-…`): the address pools
of address ranges an account brings to AWS.

A pool node holds `Description`, `NetworkBorderGroup` (IPv4) and the internal `cidrs`, the
ranges provisioned to it (a tuple of CIDR strings, replaced whole so undo is a field
restore). ProvisionByoipCidr makes a pool per BYOIP range (`topology/network/byoip.py`);
CreatePublicIpv4Pool makes an empty one that ProvisionPublicIpv4PoolCidr fills from an IPAM
pool (`public_pool_cidrs.py`).

What a pool has handed out is not stored: the Elastic IPs of the account whose
`PublicIpv4Pool` names it are read from the graph, so AllocateAddress and ReleaseAddress
change `AvailableAddressCount` by themselves.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from netaddr import AddrFormatError, IPAddress, IPNetwork

from ..core import paging, schema
from ..core import tags as tagging
from ..core.errors import InvalidParameterValue, NotFound, TopologyError
from ..core.family import Family, declare
from ..core.filters import Filter, ident
from ..core.world import Partition, World

KIND, V6_KIND = "ipv4pool-ec2", "ipv6pool-ec2"
EIP, VPC_BLOCK = "elastic-ip", "vpc-cidr-assoc"
PUBLIC_IP = "public-ip"     # value index of every public address held (network_interfaces)


# -- the pools --------------------------------------------------------------------------------
def new_pool(world: World, part: Partition, kind: str, *, description: str | None,
             border_group: str | None, tags: dict[str, str]) -> str:
    """An empty pool of `kind` (IPv4 or IPv6); its id."""
    pool_id = world.new_id(kind)
    fields: dict[str, Any] = {"cidrs": ()}
    if description:
        fields["Description"] = description
    if kind == KIND:
        fields["NetworkBorderGroup"] = border_group or part.region
    world.add(part, kind, pool_id, **fields)
    tagging.apply(world, pool_id, tags)
    return pool_id


def check_border_group(part: Partition, border_group: str | None) -> None:
    """A network border group of the partition's region (ec2sim has no Local Zones)."""
    if border_group is not None and border_group != part.region:
        raise InvalidParameterValue(
            f"The network border group '{border_group}' is invalid. Valid network border "
            f"groups are: {part.region}")


def create(world: World, part: Partition, *, network_border_group: str | None = None,
           tags: dict[str, str] | None = None) -> str:
    """CreatePublicIpv4Pool: an empty pool for the CIDRs an IPAM pool provisions."""
    check_border_group(part, network_border_group)
    return new_pool(world, part, KIND, description=None, border_group=network_border_group,
                    tags=tags or {})


def delete(world: World, part: Partition, pool_id: str, *,
           network_border_group: str | None = None) -> None:
    """DeletePublicIpv4Pool: only an empty pool that no BYOIP range owns."""
    node = world.get(part, KIND, pool_id)
    check_border_group(part, network_border_group)
    if node.get("byoip"):
        raise TopologyError(f"The pool {pool_id} was created by ProvisionByoipCidr; "
                            "deprovision its CIDR instead.", "InvalidPublicIpv4PoolID.InUse")
    if node["cidrs"]:
        raise TopologyError(f"The pool {pool_id} has provisioned CIDRs. Deprovision them "
                            "before deleting the pool.", "InvalidPublicIpv4Pool.InUse")
    world.remove(pool_id)


def add_cidr(world: World, pool_id: str, cidr: str) -> None:
    world.update(pool_id, cidrs=(*world.graph.nodes[pool_id]["cidrs"], cidr))


def remove_cidr(world: World, pool_id: str, cidr: str) -> None:
    world.update(pool_id, cidrs=tuple(c for c in world.graph.nodes[pool_id]["cidrs"]
                                      if c != cidr))


# -- addresses --------------------------------------------------------------------------------
def _held_in(world: World, part: Partition, pool_id: str) -> list[str]:
    """The addresses the partition's Elastic IPs hold from the pool."""
    nodes = world.graph.nodes
    return [nodes[a]["PublicIp"] for a in part.ids(EIP) if nodes[a]["PublicIpv4Pool"] == pool_id]


def in_use(world: World, part: Partition, pool_id: str, cidr: str) -> int:
    """How many addresses of `cidr` the pool has handed out."""
    net = IPNetwork(cidr)
    return sum(1 for ip in _held_in(world, part, pool_id) if IPAddress(ip) in net)


def take(world: World, part: Partition, pool_id: str, address: str | None = None) -> str:
    """An address of the pool for AllocateAddress (`address` if given and free); the caller
    claims it. A pool's addresses are usable as soon as they are provisioned, advertised or
    not (AWS lets you allocate before you advertise)."""
    node = world.node(pool_id)
    if node is None or node["kind"] != KIND or node["account"] != part.account \
            or node["region"] != part.region:
        raise NotFound(f"The pool ID '{pool_id}' does not exist",
                       "InvalidPublicIpv4PoolID.NotFound")
    neighbours = [p for p in world.partitions() if p.region == part.region]

    def free(ip: str) -> bool:
        return not any(world.claimed(p, PUBLIC_IP, ip) for p in neighbours)
    if address is not None:
        try:
            wanted = IPAddress(address, 4)
        except (AddrFormatError, ValueError, TypeError):
            raise InvalidParameterValue(
                f"Value ({address}) for parameter address is invalid. This is not a valid IP "
                "address.") from None
        if not any(wanted in IPNetwork(c) for c in node["cidrs"]):
            raise InvalidParameterValue(
                f"The address {address} is not in the pool {pool_id}.")
        if not free(str(wanted)):
            raise TopologyError(f"Address {address} is in use.", "InvalidAddress.InUse")
        return str(wanted)
    for ip in _addresses(node["cidrs"]):
        if free(ip):
            return ip
    raise TopologyError(f"The pool {pool_id} has no free addresses.",
                        "InsufficientAddressCapacity")


def _addresses(cidrs: tuple[str, ...]) -> Iterator[str]:
    for cidr in cidrs:
        for ip in IPNetwork(cidr):
            yield str(ip)


# -- views and filters ------------------------------------------------------------------------
def address_range(cidr: str, used: int) -> dict[str, Any]:
    """A `PublicIpv4PoolRange`."""
    net = IPNetwork(cidr)
    return {"FirstAddress": str(IPAddress(net.first, 4)),
            "LastAddress": str(IPAddress(net.last, 4)),
            "AddressCount": net.size, "AvailableAddressCount": net.size - used}


def view(world: World, pool_id: str) -> dict[str, Any]:
    """The pool as boto3's `PublicIpv4Pool`."""
    node = world.graph.nodes[pool_id]
    part = world.partition(node["account"], node["region"])
    ranges = [address_range(c, in_use(world, part, pool_id, c)) for c in node["cidrs"]]
    out: dict[str, Any] = {"PoolId": pool_id}
    if "Description" in node:
        out["Description"] = node["Description"]
    out.update(PoolAddressRanges=ranges,
               TotalAddressCount=sum(r["AddressCount"] for r in ranges),
               TotalAvailableAddressCount=sum(r["AvailableAddressCount"] for r in ranges),
               NetworkBorderGroup=node["NetworkBorderGroup"],
               Tags=tagging.listed(node["tags"]))
    return out


def v6_view(world: World, pool_id: str) -> dict[str, Any]:
    """The pool as boto3's `Ipv6Pool`."""
    node = world.graph.nodes[pool_id]
    out: dict[str, Any] = {"PoolId": pool_id}
    if "Description" in node:
        out["Description"] = node["Description"]
    out.update(PoolCidrBlocks=[{"Cidr": c} for c in node["cidrs"]],
               Tags=tagging.listed(node["tags"]))
    return out


def v6_pool(world: World, part: Partition, pool_id: str) -> dict[str, Any]:
    """The IPv6 pool `pool_id` of the partition (for `Ipv6Pool` parameters)."""
    try:
        return world.get(part, V6_KIND, pool_id)
    except NotFound:
        raise NotFound(f"The pool ID '{pool_id}' does not exist",
                       "InvalidIpv6PoolID.NotFound") from None


def drawn_blocks(world: World, part: Partition, pool_id: str) -> list[str]:
    """The VPC blocks (`vpc-cidr-assoc` ids) drawn from an IPv6 pool."""
    nodes = world.graph.nodes
    return [a for a in part.ids(VPC_BLOCK) if nodes[a].get("Ipv6Pool") == pool_id]


def associated_cidrs(world: World, part: Partition, pool_id: str, *,
                     max_results: int | None = None, next_token: str | None = None
                     ) -> dict[str, Any]:
    """GetAssociatedIpv6PoolCidrs: the VPC blocks drawn from the pool."""
    world.get(part, V6_KIND, pool_id)
    nodes = world.graph.nodes
    chosen, token = paging.page(world, drawn_blocks(world, part, pool_id), max_results,
                                next_token)
    return {"Ipv6CidrAssociations": [
        {"Ipv6Cidr": nodes[a]["Ipv6CidrBlock"],
         "AssociatedResource": next(v for v, _, _ in world.into(a, schema.CONTAINS, "vpc"))}
        for a in chosen], "NextToken": token}


def ipv6_block(world: World, part: Partition, pool_id: str, cidr: str | None = None) -> str:
    """The /56 a VPC block draws from a BYOIP IPv6 pool (`Ipv6Pool`): `cidr` if it lies in
    the pool and no VPC holds it, else the pool's first free /56 (nothing changes)."""
    node = v6_pool(world, part, pool_id)
    held = [IPNetwork(world.graph.nodes[a]["Ipv6CidrBlock"])
            for p in world.partitions() for a in p.ids(VPC_BLOCK)
            if "Ipv6CidrBlock" in world.graph.nodes[a]]
    ranges = [IPNetwork(c) for c in node["cidrs"]]
    if cidr is not None:
        try:
            net = IPNetwork(cidr, version=6)
        except (AddrFormatError, ValueError, TypeError):
            net = None
        if net is None or net.prefixlen != 56 or not any(net in r for r in ranges):
            raise InvalidParameterValue(f"The IPv6 CIDR '{cidr}' is invalid. Use a /56 of the "
                                        f"pool {pool_id}.")
        if any(net in h or h in net for h in held):
            raise TopologyError(f"The IPv6 CIDR '{net.cidr}' is in use.",
                                "InvalidVpc.Range")
        return str(net.cidr)
    for block in (b for r in ranges for b in r.subnet(56)):
        if not any(block in h or h in block for h in held):
            return str(block)
    raise TopologyError(f"The pool {pool_id} has no free /56.", "InsufficientCidrBlocks")


FILTERS: dict[str, Filter] = {"pool-id": ident()}   # and the built-in tag filters


# CreatePublicIpv4Pool answers the bare `PoolId` and DeletePublicIpv4Pool `ReturnValue`,
# so they are actions rather than a create and a delete
FAMILY = declare(Family(KIND, view=view, filters=FILTERS, noun="PublicIpv4Pool", actions={
    "CreatePublicIpv4Pool": create, "DeletePublicIpv4Pool": delete}))
V6_FAMILY = declare(Family(V6_KIND, view=v6_view, filters=FILTERS, noun="Ipv6Pool", actions={
    "GetAssociatedIpv6PoolCidrs": associated_cidrs}))
