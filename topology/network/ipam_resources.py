"""VPC and subnet CIDRs drawn from IPAM pools (`Ipv4IpamPoolId` + `Ipv4NetmaskLength`, or
a `CidrBlock` inside the pool; the same for IPv6).

`plan` reads a CreateVpc/AssociateVpcCidrBlock/CreateSubnet request and picks the CIDRs the
pools would give (nothing changes: the resource's own checks run next, on those CIDRs);
`hold` records the allocations once the resource exists, each held by the block node (the
VPC's `vpc-cidr-assoc`, the subnet), so deleting the resource or disassociating the block
releases them (`ipam_allocations`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from netaddr import IPNetwork

from ..core import schema
from ..core.errors import InvalidParameterCombination
from ..core.world import Partition, World
from . import ipam_allocations as allocs

IPAM_MANAGED = "IPAM Managed"     # the `Ipv6Pool` AWS shows for a block from an IPAM pool


@dataclass(frozen=True)
class Draw:
    """What one request draws: (pool id, CIDR) per address family."""

    ipv4: tuple[str, IPNetwork] | None = None
    ipv6: tuple[str, IPNetwork] | None = None

    @property
    def ipv4_cidr(self) -> str | None:
        return str(self.ipv4[1]) if self.ipv4 else None

    @property
    def ipv6_cidr(self) -> str | None:
        return str(self.ipv6[1]) if self.ipv6 else None


def plan(world: World, part: Partition, params: dict[str, Any],
         tags: dict[str, str] | None = None) -> Draw:
    """The CIDRs a request's IPAM pools would give it (AWS's checks of the pool members)."""
    drawn: dict[str, tuple[str, IPNetwork]] = {}
    for family, pool_member, length_member, cidr_member in (
            ("ipv4", "Ipv4IpamPoolId", "Ipv4NetmaskLength", "CidrBlock"),
            ("ipv6", "Ipv6IpamPoolId", "Ipv6NetmaskLength", "Ipv6CidrBlock")):
        pool_id, length = params.get(pool_member), params.get(length_member)
        if not pool_id:
            if length is not None:
                raise InvalidParameterCombination(
                    f"The parameter {_wire(length_member)} requires {_wire(pool_member)}.")
            continue
        net = allocs.for_resource(world, part, pool_id, family=family, netmask_length=length,
                                  cidr=params.get(cidr_member), resource_tags=tags)
        drawn[family] = (pool_id, net)
    return Draw(drawn.get("ipv4"), drawn.get("ipv6"))


def _wire(member: str) -> str:
    return member[0].lower() + member[1:]


def pool_view(world: World, pool_id: str) -> dict[str, Any]:
    """How an IPv6 block from the pool shows its source (`Ipv6Pool`, `IpSource`,
    `Ipv6AddressAttribute`)."""
    pool = world.graph.nodes[pool_id]
    public = world.graph.nodes[next(u for u, _, _ in world.into(
        pool_id, schema.CONTAINS, "ipam-scope"))]["IpamScopeType"] == "public"
    return {"Ipv6Pool": IPAM_MANAGED,
            "IpSource": pool.get("PublicIpSource", "none") if public else "none",
            "Ipv6AddressAttribute": "public" if public else "private"}


def hold(world: World, part: Partition, draw: Draw, *, resource_type: str, resource_id: str,
         holders: dict[str, str | None]) -> None:
    """Record `draw`'s allocations for the new resource, each held by `holders[family]`."""
    for family, drawn in (("ipv4", draw.ipv4), ("ipv6", draw.ipv6)):
        if drawn is None:
            continue
        pool_id, net = drawn
        allocs.take(world, pool_id, net, resource_type=resource_type, owner=part.account,
                    resource_id=resource_id, region=part.region, holder=holders[family])


def block_holding(world: World, vpc_id: str, cidr: str | None) -> str | None:
    """The VPC's CIDR association node of `cidr`."""
    if cidr is None:
        return None
    for assoc, _, _ in world.out(vpc_id, schema.CONTAINS, "vpc-cidr-assoc"):
        node = world.graph.nodes[assoc]
        if cidr in (node.get("CidrBlock"), node.get("Ipv6CidrBlock")):
            return assoc
    return None
