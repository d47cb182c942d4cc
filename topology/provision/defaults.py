"""What AWS has in a fresh account and region: the default VPC and its neighbours.

A default VPC 172.31.0.0/16 with an attached internet gateway, a main route table routing
0.0.0.0/0 to it, and one default /20 subnet per zone (172.31.0.0/20, 172.31.16.0/20, ...)
that maps public IPs on launch; the partition's default DHCP options set.
`CreateDefaultVpc` builds the same again once the default VPC is gone;
`CreateDefaultSubnet` adds the default subnet of one zone to the default VPC.
"""
from __future__ import annotations

from netaddr import IPNetwork, IPSet

from ..core import regions
from ..core.errors import (InvalidParameterCombination, InvalidParameterValue, MissingParameter,
                           TopologyError)
from ..core.lookups import default_vpc
from ..core.world import NEW_PARTITION, Partition, World
from ..network import dhcp_options, internet_gateways, route_tables, subnets, vpcs

DEFAULT_VPC_CIDR = "172.31.0.0/16"
DEFAULT_SUBNET_PREFIX = 20
DEFAULT_IPV6_SUBNET_PREFIX = 64


@NEW_PARTITION.register("defaults")
def create_defaults(world: World, part: Partition) -> None:
    """What a fresh partition holds: the default DHCP options and the default VPC."""
    dhcp_options.default_for(world, part)
    create_default_vpc(world, part)


def create_default_vpc(world: World, part: Partition) -> str:
    """AWS's default VPC, with gateway, route and a default subnet per zone.

    Raises `DefaultVpcAlreadyExists` while the partition has one.
    """
    if default_vpc(world, part) is not None:
        raise TopologyError("A Default VPC already exists for this account in this region.",
                            "DefaultVpcAlreadyExists")
    vpc_id = vpcs.create(world, part, DEFAULT_VPC_CIDR, is_default=True)
    igw_id = internet_gateways.create(world, part)
    internet_gateways.attach(world, part, igw_id, vpc_id)
    main = route_tables.main_table(world, vpc_id)
    assert main is not None
    route_tables.add_route(world, main, igw_id, "0.0.0.0/0", "DestinationCidrBlock",
                           origin="CreateRoute")
    for zone in regions.zones(part.region):
        _add_default_subnet(world, part, vpc_id, zone)
    return vpc_id


def create_default_subnet(world: World, part: Partition, *, zone: str | None = None,
                          zone_id: str | None = None, ipv6_native: bool = False) -> str:
    """The default subnet of one zone in the default VPC: the lowest free /20 (an IPv6-only
    one takes the lowest free /64 of the VPC's IPv6 block instead).

    Raises `DefaultVpcDoesNotExist`, `DefaultSubnetAlreadyExistsInAvailabilityZone`, and
    `InvalidParameterValue` for an unknown zone.
    """
    if zone is None and zone_id is None:
        raise MissingParameter(
            "The request must contain the parameter AvailabilityZone or AvailabilityZoneId")
    if zone is not None and zone_id is not None:
        raise InvalidParameterCombination(
            "Either availabilityZone or availabilityZoneId must be specified, but not both.")
    found = regions.zone(part.region, zone_name=zone) if zone is not None else \
        regions.zone(part.region, zone_id=zone_id)
    if found is None:
        param, value = ("availabilityZone", zone) if zone is not None else \
            ("availabilityZoneId", zone_id)
        raise InvalidParameterValue(
            f"Value ({value}) for parameter {param} is invalid. "
            f"{value} is not a valid availability zone.")
    vpc_id = default_vpc(world, part)
    if vpc_id is None:
        raise TopologyError("No default VPC exists for this account in this region.",
                            "DefaultVpcDoesNotExist")
    return _add_default_subnet(world, part, vpc_id, found, ipv6_native=ipv6_native)


def _add_default_subnet(world: World, part: Partition, vpc_id: str, zone: dict[str, str], *,
                        ipv6_native: bool = False) -> str:
    for subnet_id in subnets.subnet_ids(world, vpc_id):
        node = world.graph.nodes[subnet_id]
        if node["AvailabilityZone"] == zone["ZoneName"] and node["DefaultForAz"]:
            raise TopologyError(   # AWS's words unknown; moto's, which name the subnet
                f"'{subnet_id}' is already the default subnet in {zone['ZoneName']}.",
                "DefaultSubnetAlreadyExistsInAvailabilityZone")
    if ipv6_native:
        block = _free_ipv6_block(world, vpc_id)
        return subnets.create(world, part, vpc_id, None, zone=zone["ZoneName"],
                              ipv6_cidr=str(block), ipv6_native=True, default_for_az=True)
    taken = IPSet(b for s in subnets.subnet_ids(world, vpc_id)
                  for b in subnets.ipv4_blocks(world, s))
    for vpc_block in vpcs.blocks(world, vpc_id):
        for block in vpc_block.subnet(max(DEFAULT_SUBNET_PREFIX, vpc_block.prefixlen)):
            if not IPSet([block]) & taken:
                return subnets.create(world, part, vpc_id, str(block), zone=zone["ZoneName"],
                                      default_for_az=True)
    raise TopologyError("There are not enough free addresses in the default VPC to create "
                        "a default subnet.", "InsufficientFreeAddressesInSubnet")


def _free_ipv6_block(world: World, vpc_id: str) -> IPNetwork:
    v6 = vpcs.blocks(world, vpc_id, version=6)
    if not v6:
        raise InvalidParameterValue(
            f"The default VPC '{vpc_id}' has no IPv6 CIDR block, so an IPv6-only default "
            "subnet cannot be created.")
    taken = IPSet(b for s in subnets.subnet_ids(world, vpc_id)
                  for b in subnets.ipv6_blocks(world, s))
    for block in v6[0].subnet(DEFAULT_IPV6_SUBNET_PREFIX):
        if not IPSet([block]) & taken:
            return block
    raise TopologyError("There are no free IPv6 blocks in the default VPC.",
                        "InsufficientCidrBlocks")
