"""ModifyPublicIpDnsNameOptions: which public hostname a network interface answers to.

The choice is the interface's `public_dns_type` field (`public-ipv4-dns-name`,
`public-ipv6-dns-name` or `public-dual-stack-dns-name`); `interface_views` shows it as the
interface's `PublicIpDnsNameOptions`. AWS's rule kept here: an IPv6 or dual-stack hostname
needs an IPv6 address on the interface.
"""
from __future__ import annotations

from ..core.errors import InvalidParameterValue
from ..core.family import declare_actions
from ..core.world import Partition, World
from .network_interfaces import KIND

NEEDS_IPV6 = frozenset({"public-ipv6-dns-name", "public-dual-stack-dns-name"})


def modify(world: World, part: Partition, network_interface_id: str, hostname_type: str
           ) -> bool:
    """Set the interface's public hostname type; AWS answers `Successful`."""
    node = world.get(part, KIND, network_interface_id)
    if hostname_type in NEEDS_IPV6 and not node["ipv6s"]:
        raise InvalidParameterValue(
            f"The network interface {network_interface_id} has no IPv6 address, so it cannot "
            f"use the hostname type {hostname_type}.")
    world.update(network_interface_id, public_dns_type=hostname_type)
    return True


declare_actions(KIND, {"ModifyPublicIpDnsNameOptions": modify})
