"""Subnets: a block of one VPC block in one zone.

A subnet node is CONTAINED by its VPC; what holds addresses in it (network interfaces, NAT
gateways, endpoints) is CONTAINED by the subnet and lists its private IPv4 addresses in an
`ips` field, so `AvailableIpAddressCount` is the usable size less those, never a counter
that can drift. IPv6 blocks are `subnet-cidr-assoc` nodes it CONTAINS.
"""
from __future__ import annotations

from typing import Any

from netaddr import IPNetwork

from . import addressing, network_acls, regions, schema
from .errors import InvalidParameterValue, TopologyError
from .world import Partition, World


def create(world: World, part: Partition, vpc_id: str, cidr: str, *, zone: str | None = None,
           zone_id: str | None = None, ipv6_cidr: str | None = None, default_for_az: bool = False,
           tags: dict[str, str] | None = None) -> str:
    """A subnet of `vpc_id`, associated with the VPC's default network ACL.

    Raises `InvalidSubnet.Range` for a block outside the VPC (or not /16../28),
    `InvalidSubnet.Conflict` for one overlapping a sibling, `InvalidParameterValue` for an
    unknown zone.
    """
    from . import vpcs

    world.get(part, "vpc", vpc_id)
    net = addressing.parse(cidr)
    siblings = [IPNetwork(world.graph.nodes[s]["CidrBlock"]) for s in subnet_ids(world, vpc_id)]
    addressing.check_subnet_block(vpcs.blocks(world, vpc_id), siblings, net)
    az = _zone(world, part, zone, zone_id)
    subnet_id = world.new_id("subnet")
    world.add(part, "subnet", subnet_id, CidrBlock=str(net), AvailabilityZone=az["ZoneName"],
              AvailabilityZoneId=az["ZoneId"], State="available", DefaultForAz=default_for_az,
              MapPublicIpOnLaunch=default_for_az, AssignIpv6AddressOnCreation=False,
              MapCustomerOwnedIpOnLaunch=False, EnableDns64=False, Ipv6Native=False,
              PrivateDnsNameOptionsOnLaunch={"HostnameType": "ip-name",
                                             "EnableResourceNameDnsARecord": False,
                                             "EnableResourceNameDnsAAAARecord": False})
    world.link(vpc_id, subnet_id, schema.CONTAINS)
    acl = network_acls.default_acl(world, vpc_id)
    if acl is not None:
        network_acls.associate(world, acl, subnet_id)
    if ipv6_cidr is not None:
        associate_ipv6(world, part, subnet_id, ipv6_cidr)
    for key, value in (tags or {}).items():
        world.tag(subnet_id, key, value)
    return subnet_id


def _zone(world: World, part: Partition, name: str | None, zone_id: str | None) -> dict[str, str]:
    if name is not None or zone_id is not None:
        found = regions.zone(part.region, name, zone_id)
        if found is None or (name is not None and zone_id is not None
                             and (found["ZoneName"], found["ZoneId"]) != (name, zone_id)):
            shown = name if name is not None else zone_id
            raise InvalidParameterValue(
                f"Value ({shown}) for parameter availabilityZone is invalid. "
                f"Subnets can currently only be created in the following availability zones: "
                f"{', '.join(z['ZoneName'] for z in regions.zones(part.region))}.")
        return found
    zones = regions.zones(part.region)
    return zones[world.rng.randrange(len(zones))]


def subnet_ids(world: World, vpc_id: str) -> list[str]:
    return [s for s, _, _ in world.out(vpc_id, schema.CONTAINS, "subnet")]


def vpc_of(world: World, subnet_id: str) -> str:
    return world.into(subnet_id, schema.CONTAINS, "vpc")[0][0]


def used_addresses(world: World, subnet_id: str) -> list[str]:
    """Private IPv4 addresses held in the subnet by what it contains."""
    return [ip for child, _, _ in world.out(subnet_id, schema.CONTAINS)
            for ip in world.graph.nodes[child].get("ips", ())]


def available_count(world: World, subnet_id: str) -> int:
    net = IPNetwork(world.graph.nodes[subnet_id]["CidrBlock"])
    return addressing.usable_count(net) - len(used_addresses(world, subnet_id))


def associate_ipv6(world: World, part: Partition, subnet_id: str, cidr: str) -> str:
    """Add an IPv6 block (inside the VPC's IPv6 block, overlapping no sibling)."""
    from . import vpcs

    net = addressing.parse(cidr, param="ipv6CidrBlock", version=6)
    vpc_id = vpc_of(world, subnet_id)
    if ipv6_blocks(world, subnet_id):
        raise TopologyError(f"The subnet {subnet_id} already has an IPv6 CIDR block associated.",
                            "InvalidParameterValue")
    siblings = [b for s in subnet_ids(world, vpc_id) for b in ipv6_blocks(world, s)]
    addressing.check_ipv6_subnet_block(vpcs.blocks(world, vpc_id, version=6), siblings, net)
    assoc_id = world.new_id("subnet-cidr-assoc")
    world.add(part, "subnet-cidr-assoc", assoc_id, Ipv6CidrBlock=str(net),
              Ipv6CidrBlockState={"State": "associated"})
    world.link(subnet_id, assoc_id, schema.CONTAINS)
    return assoc_id


def ipv6_blocks(world: World, subnet_id: str) -> list[IPNetwork]:
    return [IPNetwork(world.graph.nodes[a]["Ipv6CidrBlock"])
            for a, _, _ in world.out(subnet_id, schema.CONTAINS, "subnet-cidr-assoc")]


def view(world: World, subnet_id: str) -> dict[str, Any]:
    """The subnet as boto3's `Subnet`."""
    node = world.graph.nodes[subnet_id]
    keys = ("CidrBlock", "AvailabilityZone", "AvailabilityZoneId", "State", "DefaultForAz",
            "MapPublicIpOnLaunch", "AssignIpv6AddressOnCreation", "MapCustomerOwnedIpOnLaunch",
            "EnableDns64", "Ipv6Native", "PrivateDnsNameOptionsOnLaunch", "EnableLniAtDeviceIndex",
            "CustomerOwnedIpv4Pool", "OutpostArn")
    out: dict[str, Any] = {k: node[k] for k in keys if k in node}
    out.update({
        "SubnetId": subnet_id,
        "VpcId": vpc_of(world, subnet_id),
        "OwnerId": node["account"],
        "AvailableIpAddressCount": available_count(world, subnet_id),
        "SubnetArn": f"arn:aws:ec2:{node['region']}:{node['account']}:subnet/{subnet_id}",
        "Ipv6CidrBlockAssociationSet": [
            {"AssociationId": a, "Ipv6CidrBlock": world.graph.nodes[a]["Ipv6CidrBlock"],
             "Ipv6CidrBlockState": world.graph.nodes[a]["Ipv6CidrBlockState"]}
            for a, _, _ in world.out(subnet_id, schema.CONTAINS, "subnet-cidr-assoc")],
    })
    if node["tags"]:
        out["Tags"] = [{"Key": k, "Value": v} for k, v in node["tags"].items()]
    return out
