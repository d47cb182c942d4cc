"""What AWS has in a fresh account and region: the default VPC and its neighbours.

A default VPC 172.31.0.0/16 with an attached internet gateway, a main route table routing
0.0.0.0/0 to it, and one default /20 subnet per zone (172.31.0.0/20, 172.31.16.0/20, ...)
that maps public IPs on launch; the partition's default DHCP options set.
"""
from __future__ import annotations

from netaddr import IPNetwork

from . import dhcp_options, internet_gateways, regions, route_tables, subnets, vpcs
from .errors import TopologyError
from .world import Partition, World

DEFAULT_VPC_CIDR = "172.31.0.0/16"


def create_defaults(world: World, part: Partition) -> None:
    dhcp_options.default_for(world, part)
    create_default_vpc(world, part)


def default_vpc(world: World, part: Partition) -> str | None:
    for vpc_id in part.ids("vpc"):
        if world.graph.nodes[vpc_id]["IsDefault"]:
            return vpc_id
    return None


def create_default_vpc(world: World, part: Partition) -> str:
    """AWS's default VPC, with gateway, route and a default subnet per zone."""
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
        create_default_subnet(world, part, vpc_id, zone["ZoneName"])
    return vpc_id


def create_default_subnet(world: World, part: Partition, vpc_id: str, zone: str) -> str:
    """The default /20 subnet for `zone`: the lowest free /20 of the default VPC."""
    for subnet_id in subnets.subnet_ids(world, vpc_id):
        node = world.graph.nodes[subnet_id]
        if node["AvailabilityZone"] == zone and node["DefaultForAz"]:
            raise TopologyError(f"A Default Subnet already exists in {zone}.",
                                "DefaultSubnetAlreadyExistsInAvailabilityZone")
    taken = [IPNetwork(world.graph.nodes[s]["CidrBlock"]) for s in subnets.subnet_ids(world, vpc_id)]
    for block in IPNetwork(DEFAULT_VPC_CIDR).subnet(20):
        if not any(block in t or t in block for t in taken):
            return subnets.create(world, part, vpc_id, str(block), zone=zone, default_for_az=True)
    raise TopologyError("There is no free /20 in the default VPC.", "InsufficientCidrBlocks")
