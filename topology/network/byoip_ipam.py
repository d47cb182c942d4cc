"""BYOIP and IPAM: ranges brought to IPAM are BYOIP ranges too, and older ones move there.

A CIDR provisioned to a regional pool of an IPAM's public scope (one whose locale is the
Region, drawn from the top-level pool the range was brought to with its authorization) is a
BYOIP range of that Region, as AWS's BYOIP-to-IPAM tutorial shows it: DescribeByoipCidrs
lists it with its `IpamPoolId`, AdvertiseByoipCidr and WithdrawByoipCidr take it, and it goes
when the pool deprovisions it (`sync`, run before BYOIP reads a partition's ranges).

MoveByoipCidrToIpam: a BYOIPv4 range provisioned the older way (ProvisionByoipCidr, with
its public IPv4 pool) handed to a top-level IPv4 pool in the public scope of an IPAM.

The range becomes a CIDR provisioned to that IPAM pool (`ipam_cidrs.provision`) and keeps
its place in DescribeByoipCidrs with the pool's id as `IpamPoolId`. AWS's rules kept here:
IPv4 only; the pool is the named owner's (or shared with the caller), IPv4, top-level, in a
public scope; a range moves once.
"""
from __future__ import annotations

import re
from ..core.errors import InvalidParameterValue
from ..core.family import declare_actions
from ..core.world import Partition, World, not_found
from . import byoip, ipam_cidrs, ipam_pools
from . import ipam_allocations as allocs


@byoip.SOURCES.register("ipam")
def sync(world: World, part: Partition) -> None:
    """The partition's BYOIP ranges that IPAM's regional public pools hold, up to date."""
    nodes = world.graph.nodes
    held: dict[str, str] = {}
    for pool_id in part.ids(ipam_pools.KIND):
        pool = nodes[pool_id]
        scope = nodes[ipam_pools.scope_of(world, pool_id)]
        if pool.get("Locale") != part.region or scope["IpamScopeType"] != "public" or \
                pool.get("PublicIpSource") == "amazon":
            continue
        for cidr_id in allocs.provisioned(world, pool_id):
            held[str(byoip.parse_cidr(nodes[cidr_id]["Cidr"]))] = pool_id
    for rid in list(part.ids(byoip.KIND)):
        if nodes[rid].get("from_ipam") and nodes[rid]["Cidr"] not in held:
            world.remove(rid)
    for cidr, pool_id in held.items():
        if world.claimed(part, byoip.CIDR, cidr):
            continue
        rid = world.new_id("byoip")
        fields = {"Cidr": cidr, "State": byoip.PROVISIONED, "IpamPoolId": pool_id,
                  "from_ipam": True}
        if ":" not in cidr:
            fields["NetworkBorderGroup"] = part.region
        world.add(part, byoip.KIND, rid, **fields)
        world.claim(part, byoip.CIDR, cidr, rid)


def move(world: World, part: Partition, cidr: str, ipam_pool_id: str,
         ipam_pool_owner: str) -> str:
    """MoveByoipCidrToIpam."""
    rid = byoip.find(world, part, cidr)
    node = world.graph.nodes[rid]
    if ":" in node["Cidr"]:
        raise InvalidParameterValue("You cannot move an IPv6 CIDR to IPAM.")
    if not re.fullmatch(r"\d{12}", ipam_pool_owner):
        raise InvalidParameterValue(f"Value ({ipam_pool_owner}) for parameter ipamPoolOwner "
                                    "is invalid. Expecting a 12-digit account id.")
    pool = ipam_pools.usable(world, part, ipam_pool_id)
    if pool["account"] != ipam_pool_owner:
        raise not_found(ipam_pools.KIND, ipam_pool_id)
    scope = world.graph.nodes[ipam_pools.scope_of(world, ipam_pool_id)]
    if pool["AddressFamily"] != "ipv4" or scope["IpamScopeType"] != "public" or \
            "SourceIpamPoolId" in pool:
        raise InvalidParameterValue(f"The IPAM pool {ipam_pool_id} is not a top-level IPv4 "
                                    "pool in a public scope.")
    if "IpamPoolId" in node:
        raise InvalidParameterValue(f"The CIDR {node['Cidr']} was already moved to the IPAM "
                                    f"pool {node['IpamPoolId']}.")
    owner = world.partition(pool["account"], pool["region"])
    ipam_cidrs.provision(world, owner, ipam_pool_id, cidr=node["Cidr"],
                         cidr_authorization_context={"moved": rid})
    world.update(rid, IpamPoolId=ipam_pool_id)
    return rid


declare_actions(byoip.KIND, {"MoveByoipCidrToIpam": move})
