"""Elastic IP addresses drawn through the enabled IPAM policy.

When the account has an IPAM policy enabled (`ipam_policies`, for itself or through its
organization) whose allocation rules name IPAM pools for Elastic IPs (`eip`) in the Region,
AllocateAddress without a pool takes its address from those pools, in the rules' order: the
first address of a pool's free space that nobody in the Region holds. The address is an
IPAM allocation (`eip`, a /32) held by the Elastic IP, so releasing the address releases it.
When the pools have nothing left, AWS falls back to Amazon's addresses, and so does this.
"""
from __future__ import annotations

from netaddr import IPNetwork

from ..core.world import Partition, World
from . import ipam_allocations as allocs
from . import ipam_policies

PUBLIC_IP = "public-ip"     # value index of every public address held (network_interfaces)


def draw(world: World, part: Partition) -> tuple[str, str] | None:
    """(address, IPAM pool id) the enabled policy gives an Elastic IP, if any."""
    setting = part.attributes.get(ipam_policies.ENABLED)
    policy = world.node(setting["IpamPolicyId"]) if setting else None
    if policy is None or policy["kind"] != ipam_policies.KIND:
        return None
    neighbours = [p for p in world.partitions() if p.region == part.region]
    for pool_id in policy["rules"].get(f"{part.region}/eip", ()):
        if world.node(pool_id) is None:
            continue
        for block in allocs.free_space(world, pool_id).iter_cidrs():
            for ip in block:
                text = str(ip)
                if not any(world.claimed(p, PUBLIC_IP, text) for p in neighbours):
                    return text, pool_id
    return None


def hold(world: World, part: Partition, pool_id: str, address: str, alloc_id: str) -> None:
    """Record the address as the IPAM pool's allocation to the Elastic IP `alloc_id`."""
    allocs.take(world, pool_id, IPNetwork(f"{address}/32"), resource_type="eip",
                owner=part.account, resource_id=alloc_id, region=part.region, holder=alloc_id)
