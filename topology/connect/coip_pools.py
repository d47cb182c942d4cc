"""Customer-owned IP (CoIP) address pools of an Outpost: ranges of the on-premises network's
addresses, handed out through a local gateway route table in `coip` mode.

A `coip-pool` node (`ipv4pool-coip-...`) keeps its ranges as `PoolCidrs` (in the order they
were added) and points at its table: `pool -[ASSOCIATED]-> local-gateway-route-table`.

AWS's rules kept here: a pool belongs to a route table in `coip` mode; its ranges are IPv4
CIDR blocks that overlap no range of another pool of the same table, nor each other; a range
is deleted by naming it exactly. AllocateAddress `CustomerOwnedIpv4Pool` draws an address
of the ranges (netaddr; not again until it is released): an `elastic-ip` node with
`CustomerOwnedIp` and a REFERENCES edge to the pool, from which GetCoipPoolUsage is computed.
A range holding allocated addresses, and a pool with any, cannot be deleted.
"""
from __future__ import annotations

from typing import Any

from netaddr import AddrFormatError, IPAddress, IPNetwork

from ..core import paging, schema, sharing
from ..core import tags as tagging
from ..core.errors import DependencyViolation, InvalidParameterValue, NotFound, TopologyError
from ..core.family import Family, declare, declare_actions
from ..core.filters import Filter, FilterTable, ident, select_rows
from ..core.world import Partition, World
from ..network import elastic_ips
from . import local_gateway_route_tables as tables
from . import outposts

KIND = "coip-pool"


def create(world: World, part: Partition, local_gateway_route_table_id: str, *,
           tags: dict[str, str] | None = None) -> str:
    """CreateCoipPool."""
    table = local_gateway_route_table_id
    node = world.get(part, tables.KIND, table)
    if node["Mode"] != "coip":
        raise InvalidParameterValue(f"The local gateway route table {table} is not in coip "
                                    "mode; CoIP pools need a route table in coip mode.")
    pool = world.new_id("ipv4pool-coip")
    world.add(part, KIND, pool, PoolCidrs=[])
    world.link(pool, table, schema.ASSOCIATED)
    tagging.apply(world, pool, tags or {})
    return pool


def table_of(world: World, pool: str) -> str:
    return str(world.out(pool, schema.ASSOCIATED, tables.KIND)[0][0])


def delete(world: World, part: Partition, pool: str) -> dict[str, Any]:
    """DeleteCoipPool: the pool (with its ranges) as it was."""
    world.get(part, KIND, pool)
    if allocations(world, pool):
        raise DependencyViolation(f"The CoIP pool {pool} has allocated addresses; release "
                                  "them first.")
    answer = view(world, pool)
    world.remove(pool)
    return answer


def allocations(world: World, pool: str) -> list[str]:
    """The addresses allocated from the pool (any account's), in address order."""
    return sorted((a for a, _, _ in world.into(pool, schema.REFERENCES, elastic_ips.KIND)),
                  key=lambda a: IPAddress(world.graph.nodes[a]["CustomerOwnedIp"]))


def allocate_address(world: World, part: Partition, pool: str, address: str | None = None,
                     tags: dict[str, str] | None = None) -> str:
    """AllocateAddress `CustomerOwnedIpv4Pool`: `address` (free, in a range of the pool) or
    the pool's first free address; the allocation id. The pool may be shared with `part`."""
    node = sharing.usable(world, part, KIND, pool)
    taken = {world.graph.nodes[a]["CustomerOwnedIp"] for a in allocations(world, pool)}
    ranges = [IPNetwork(c) for c in node["PoolCidrs"]]
    if address is not None:
        ip = _address(address)
        if not any(ip in net for net in ranges):
            raise InvalidParameterValue(f"The address {address} is not in the CoIP pool "
                                        f"{pool}.")
        if str(ip) in taken:
            raise TopologyError(f"Address {ip} is in use.", "InvalidAddress.InUse")
        chosen = str(ip)
    else:
        chosen = next((str(ip) for net in ranges for ip in net if str(ip) not in taken), "")
        if not chosen:
            raise TopologyError(f"The CoIP pool {pool} has no free addresses.",
                                "InsufficientAddressCapacity")
    return elastic_ips.allocate_customer_owned(world, part, chosen, pool, tags)


def _address(text: str) -> IPAddress:
    try:
        return IPAddress(text, 4)
    except (AddrFormatError, ValueError, TypeError):
        raise InvalidParameterValue(f"Value ({text}) for parameter address is invalid. This "
                                    "is not a valid IP address.") from None


def _cidr(text: str) -> IPNetwork:
    try:
        net = IPNetwork(text)
        if net.version != 4 or "/" not in text:
            raise ValueError(text)
    except (AddrFormatError, ValueError, TypeError):
        raise InvalidParameterValue(
            f"Value ({text}) for parameter cidr is invalid. This is not a valid CIDR block.")
    return net.cidr


def create_cidr(world: World, part: Partition, cidr: str, coip_pool_id: str) -> dict[str, Any]:
    """CreateCoipCidr: add a range to the pool."""
    node = world.get(part, KIND, coip_pool_id)
    net = _cidr(cidr)
    table = table_of(world, coip_pool_id)
    for other, _, _ in world.into(table, schema.ASSOCIATED, KIND):
        for used in world.graph.nodes[other]["PoolCidrs"]:
            if IPNetwork(used) == net:
                raise TopologyError(f"The CIDR {net} already exists in CoIP pool {other}.",
                                    "InvalidCoipCidr.Duplicate")
            if net in IPNetwork(used) or IPNetwork(used) in net:
                raise InvalidParameterValue(f"The CIDR {net} overlaps {used} of CoIP pool "
                                            f"{other}.")
    world.update(coip_pool_id, PoolCidrs=[*node["PoolCidrs"], str(net)])
    return cidr_view(world, coip_pool_id, str(net))


def delete_cidr(world: World, part: Partition, cidr: str, coip_pool_id: str) -> dict[str, Any]:
    """DeleteCoipCidr: remove a range, named exactly as the pool has it."""
    node = world.get(part, KIND, coip_pool_id)
    net = str(_cidr(cidr))
    if net not in node["PoolCidrs"]:
        raise NotFound(f"The CIDR {net} does not exist in CoIP pool {coip_pool_id}.",
                       "InvalidCoipCidr.NotFound")
    held = [a for a in allocations(world, coip_pool_id)
            if IPAddress(world.graph.nodes[a]["CustomerOwnedIp"]) in IPNetwork(net)]
    if held:
        raise DependencyViolation(f"The CIDR {net} of CoIP pool {coip_pool_id} has allocated "
                                  f"addresses ({held[0]}); release them first.")
    world.update(coip_pool_id, PoolCidrs=[c for c in node["PoolCidrs"] if c != net])
    return cidr_view(world, coip_pool_id, net)


def cidr_view(world: World, pool: str, cidr: str) -> dict[str, Any]:
    return {"Cidr": cidr, "CoipPoolId": pool, "LocalGatewayRouteTableId": table_of(world, pool)}


def view(world: World, pool: str) -> dict[str, Any]:
    """The pool as boto3's `CoipPool`."""
    node = world.graph.nodes[pool]
    return {"PoolId": pool, "PoolCidrs": list(node["PoolCidrs"]),
            "LocalGatewayRouteTableId": table_of(world, pool),
            "Tags": tagging.listed(node["tags"]),
            "PoolArn": outposts.ec2_arn(world, pool, "coip-pool")}


def _row(name: str) -> Filter:
    return Filter(lambda w, rid, row: row.get(name))


USAGE_FILTERS: FilterTable = {
    "coip-address-usage.allocation-id": _row("AllocationId"),
    "coip-address-usage.aws-account-id": _row("AwsAccountId"),
    "coip-address-usage.aws-service": _row("AwsService"),
    "coip-address-usage.co-ip": _row("CoIp"),
}


def usage(world: World, part: Partition, pool_id: str,
          filters: list[dict[str, Any]] | None = None, max_results: int | None = None,
          next_token: str | None = None) -> dict[str, Any]:
    """GetCoipPoolUsage: the pool's allocated addresses, filtered and paged (the owner's
    pool, or one shared with the caller)."""
    sharing.usable(world, part, KIND, pool_id)
    rows = select_rows(USAGE_FILTERS, filters, _usages(world, pool_id), taggable=False)
    start = paging.decode(next_token, "coip-usage", lambda p: isinstance(p, int)) \
        if next_token else 0
    end = start + max_results if max_results else len(rows)
    return {"CoipPoolId": pool_id, "CoipAddressUsages": rows[start:end],
            "LocalGatewayRouteTableId": table_of(world, pool_id),
            "NextToken": paging.encode("coip-usage", end) if end < len(rows) else None}


def _usages(world: World, pool: str) -> list[dict[str, Any]]:
    """boto3's `CoipAddressUsage` rows: one per allocated address (AWS lists no AwsService
    for an Elastic IP allocation)."""
    nodes = world.graph.nodes
    return [{"AllocationId": a, "AwsAccountId": nodes[a]["account"],
             "CoIp": nodes[a]["CustomerOwnedIp"]} for a in allocations(world, pool)]


FILTERS: FilterTable = {
    "coip-pool.local-gateway-route-table-id": Filter(lambda w, rid, n: table_of(w, rid)),
    "coip-pool.pool-id": ident(),
}

# -- the family (docs/families.md) -------------------------------------------------------------
FAMILY = declare(Family(KIND, view=view, filters=FILTERS, create=create, delete=delete,
                        noun="CoipPool", shared=True))     # shareable through AWS RAM
declare_actions(KIND, {"CreateCoipCidr": create_cidr, "DeleteCoipCidr": delete_cidr,
                       "GetCoipPoolUsage": usage})
