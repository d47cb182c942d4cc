"""ModifyPrivateDnsNameOptions: an instance's hostname type and resource-name DNS records.

The instance's `PrivateDnsNameOptions` field (set at launch from the subnet's
`PrivateDnsNameOptionsOnLaunch`) is what this changes. AWS's rules kept here: the hostname
type changes only while the instance is stopped; an IPv6-only subnet's instances are named
after their id (`resource-name`); an AAAA record needs an IPv6 subnet.
"""
from __future__ import annotations

from ..core.errors import InvalidParameterValue, TopologyError
from ..core.family import declare_actions
from ..core.world import Partition, World
from ..network import network_interfaces, subnets

KIND = "instance"


def modify(world: World, part: Partition, instance_id: str,
           private_dns_hostname_type: str | None = None,
           enable_resource_name_dns_a_record: bool | None = None,
           enable_resource_name_dns_aaaa_record: bool | None = None) -> None:
    node = world.get(part, KIND, instance_id)
    options = dict(node.get("PrivateDnsNameOptions") or {})
    eni = network_interfaces.primary_of(world, instance_id)
    subnet = network_interfaces.subnet_of(world, eni) if eni else None
    if private_dns_hostname_type is not None:
        if node["State"]["Name"] != "stopped" and \
                private_dns_hostname_type != options.get("HostnameType"):
            raise TopologyError(f"The instance '{instance_id}' is not in the 'stopped' state. "
                                "Stop the instance to change its hostname type.",
                                "IncorrectInstanceState")
        if subnet and private_dns_hostname_type == "ip-name" and \
                not subnets.ipv4_blocks(world, subnet):
            raise InvalidParameterValue("Instances in an IPv6-only subnet must use the "
                                        "resource-name hostname type.")
        options["HostnameType"] = private_dns_hostname_type
    if enable_resource_name_dns_a_record is not None:
        options["EnableResourceNameDnsARecord"] = enable_resource_name_dns_a_record
    if enable_resource_name_dns_aaaa_record is not None:
        if enable_resource_name_dns_aaaa_record and subnet and \
                not subnets.ipv6_blocks(world, subnet):
            raise InvalidParameterValue("An AAAA record requires a subnet with an IPv6 CIDR "
                                        "block.")
        options["EnableResourceNameDnsAAAARecord"] = enable_resource_name_dns_aaaa_record
    world.update(instance_id, PrivateDnsNameOptions=options)


declare_actions(KIND, {"ModifyPrivateDnsNameOptions": modify})
