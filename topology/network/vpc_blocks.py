"""A VPC's CIDR blocks as the rest of the network reads them.

The blocks are `vpc-cidr-assoc` nodes the VPC CONTAINS, the first IPv4 one the primary.
Everything that checks an address against a VPC (subnets, routes, security groups, ACLs,
peering, routing) reads them here; `vpcs` creates and changes them.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from netaddr import AddrFormatError, IPNetwork

from ..core import addressing, schema
from ..core.world import Partition, World


@lru_cache(maxsize=4096)
def canonical(text: str | None, *, version: int = 4) -> str | None:
    """A CIDR as AWS takes it, host bits dropped (`100.68.0.18/18` -> `100.68.0.0/18`).

    Text that is not a CIDR of `version` comes back unchanged, for `addressing.parse` to
    reject with AWS's message.

    >>> canonical("10.0.0.1/16")
    '10.0.0.0/16'
    >>> canonical("10/8")
    '10/8'
    """
    if not text or "/" not in text:
        return text
    plain = addressing.plain_ipv4(text) if version == 4 else None
    if plain is not None:       # the usual form, read without netaddr
        address, bits = plain
        network = address & -(1 << (32 - bits))
        return text if network == address else f"{addressing.dotted(network)}/{bits}"
    address = text.partition("/")[0]
    if (version == 4 and address.count(".") != 3) or (version == 6 and ":" not in address):
        return text
    try:
        net = IPNetwork(text)
    except (AddrFormatError, ValueError, TypeError):
        return text
    return str(net.cidr) if net.version == version else text


def blocks(world: World, vpc_id: str, *, version: int = 4) -> list[IPNetwork]:
    """The VPC's associated IPv4 (or IPv6) blocks, primary first."""
    key = "CidrBlock" if version == 4 else "Ipv6CidrBlock"
    return [addressing.network(data[key]) for data in block_nodes(world, vpc_id) if key in data]


def block_nodes(world: World, vpc_id: str, *, ordered: bool = True) -> list[dict[str, Any]]:
    """The VPC's block associations, primary first (or as they come: `ordered=False`)."""
    nodes = [world.graph.nodes[v] for v, _, _ in world.out(vpc_id, schema.CONTAINS, "vpc-cidr-assoc")]
    return sorted(nodes, key=lambda n: n["seq"]) if ordered and len(nodes) > 1 else nodes


def block_view(assoc_id: str, node: dict[str, Any]) -> dict[str, Any]:
    keys = ("CidrBlock", "CidrBlockState", "Ipv6CidrBlock", "Ipv6CidrBlockState", "Ipv6Pool",
            "NetworkBorderGroup", "Ipv6AddressAttribute", "IpSource")
    return {"AssociationId": assoc_id, **{k: node[k] for k in keys if k in node}}


def in_vpc(kind: str):
    """Candidates for a `vpc-id` filter on a kind that the VPC CONTAINS."""
    def candidates(world: World, part: Partition, value: str) -> list[str]:
        return [v for v, _, _ in world.out(value, schema.CONTAINS, kind)]
    return candidates
