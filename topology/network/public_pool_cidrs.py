"""CIDRs an IPAM pool provisions to a public IPv4 pool (ProvisionPublicIpv4PoolCidr,
DeprovisionPublicIpv4PoolCidr): the BYOIP-to-IPAM path, where the range is brought to an
IPAM pool in the public scope and EC2's pool (`ipv4pool-ec2-…`) draws from it.

The draw is an IPAM allocation (`ipam_allocations.take`, resource type `ec2-public-ipv4-pool`)
held by the public pool node, so deleting the pool releases it; the CIDR is in the pool's
`cidrs` (`public_ipv4_pools`). AWS's rules kept here: the IPAM pool is an IPv4 pool of a
public scope whose service is EC2 and whose locale is the Region; the netmask is /24 or more
specific; a CIDR with allocated Elastic IPs cannot be deprovisioned.
"""
from __future__ import annotations

from typing import Any

from ..core import schema
from ..core.errors import InvalidParameterValue, TopologyError
from ..core.family import declare_actions
from ..core.world import Partition, World
from . import byoip
from . import ipam_allocations as allocs
from . import ipam_pools
from . import public_ipv4_pools as pools

RESOURCE_TYPE = "ec2-public-ipv4-pool"


def _ipam_pool(world: World, part: Partition, pool_id: str) -> dict[str, Any]:
    pool = ipam_pools.usable(world, part, pool_id)
    scope = world.graph.nodes[ipam_pools.scope_of(world, pool_id)]
    if pool["AddressFamily"] != "ipv4" or scope["IpamScopeType"] != "public" or \
            pool.get("AwsService") != "ec2":
        raise InvalidParameterValue(f"The IPAM pool {pool_id} is not an IPv4 pool of a public "
                                    "scope with the AWS service ec2.")
    if pool.get("Locale") not in (None, part.region):
        raise InvalidParameterValue(f"The locale of the IPAM pool {pool_id} is not "
                                    f"{part.region}.")
    return pool


def provision(world: World, part: Partition, ipam_pool_id: str, pool_id: str,
              netmask_length: int, network_border_group: str | None = None
              ) -> dict[str, Any]:
    """ProvisionPublicIpv4PoolCidr: a CIDR of `netmask_length` from the IPAM pool."""
    world.get(part, pools.KIND, pool_id)
    pools.check_border_group(part, network_border_group)
    if not 24 <= netmask_length <= 32:
        raise InvalidParameterValue(f"Value ({netmask_length}) for parameter netmaskLength is "
                                    "invalid. The least specific netmask length is 24.")
    _ipam_pool(world, part, ipam_pool_id)
    net = allocs.choose(world, ipam_pool_id, netmask_length=netmask_length)
    allocs.take(world, ipam_pool_id, net, resource_type=RESOURCE_TYPE, owner=part.account,
                resource_id=pool_id, region=part.region, holder=pool_id)
    pools.add_cidr(world, pool_id, str(net))
    return pools.address_range(str(net), 0)     # the answer's PoolAddressRange (PoolId echoed)


def deprovision(world: World, part: Partition, pool_id: str, cidr: str) -> list[str]:
    """DeprovisionPublicIpv4PoolCidr: a CIDR none of whose addresses is allocated."""
    node = world.get(part, pools.KIND, pool_id)
    net = str(byoip.parse_cidr(cidr))
    if net not in node["cidrs"]:
        raise InvalidParameterValue(f"The CIDR {net} is not provisioned to the pool {pool_id}.")
    if pools.in_use(world, part, pool_id, net):
        raise TopologyError(f"The CIDR {net} has allocated addresses. Release them before "
                            "you deprovision it.", "InvalidPublicIpv4Pool.InUse")
    for alloc, _, _ in world.into(pool_id, schema.ASSOCIATED, allocs.KIND):
        if world.graph.nodes[alloc]["Cidr"] == net:
            world.remove(alloc)
    pools.remove_cidr(world, pool_id, net)
    return [net]                                # DeprovisionedAddresses (PoolId echoed)


declare_actions(pools.KIND, {"ProvisionPublicIpv4PoolCidr": provision,
                             "DeprovisionPublicIpv4PoolCidr": deprovision})
