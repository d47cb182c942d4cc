"""MoveByoipCidrToIpam: a BYOIPv4 range provisioned the older way (ProvisionByoipCidr, with
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
