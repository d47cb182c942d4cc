"""Subnet operations with logic of their own: create (pools, Outposts), default subnets,
associating an IPv6 block. The rest are bound from topology/network/subnets.py."""
from __future__ import annotations

from typing import Any

from topology.core import tags
from topology.connect import outposts
from topology.core.errors import MissingParameter
from topology.network import ipam_resources, subnets
from topology.provision import defaults

from ..operations import Context, handler


@handler
def create_subnet(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ctx.world.get(ctx.part, "vpc", params["VpcId"])
    outpost_arn = params.get("OutpostArn")
    if outpost_arn:              # an installed Outpost (docs/outposts.md), in the subnet's zone
        if not params.get("AvailabilityZone"):
            raise MissingParameter("The request must contain the parameter AvailabilityZone "
                                   "when OutpostArn is specified")
        outposts.check_outpost_arn(ctx.world, ctx.part, outpost_arn,
                                   zone=params["AvailabilityZone"])
    new_tags = tags.from_specifications(params.get("TagSpecifications"), "subnet")
    draw = ipam_resources.plan(ctx.world, ctx.part, params, new_tags)
    subnet_id = subnets.create(ctx.world, ctx.part, params["VpcId"],
                               draw.ipv4_cidr or params.get("CidrBlock"),
                               zone=params.get("AvailabilityZone"),
                               zone_id=params.get("AvailabilityZoneId"),
                               ipv6_cidr=draw.ipv6_cidr or params.get("Ipv6CidrBlock"),
                               ipv6_native=bool(params.get("Ipv6Native")), tags=new_tags)
    ipam_resources.hold(ctx.world, ctx.part, draw, resource_type="subnet",
                        resource_id=subnet_id, holders={"ipv4": subnet_id, "ipv6": subnet_id})
    if outpost_arn:
        ctx.world.update(subnet_id, OutpostArn=outpost_arn)
    return {"Subnet": subnets.view(ctx.world, subnet_id)}


@handler
def create_default_subnet(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    subnet_id = defaults.create_default_subnet(
        ctx.world, ctx.part, zone=params.get("AvailabilityZone"),
        zone_id=params.get("AvailabilityZoneId"), ipv6_native=bool(params.get("Ipv6Native")))
    return {"Subnet": subnets.view(ctx.world, subnet_id)}


@handler
def associate_subnet_cidr_block(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    subnet_id = params["SubnetId"]
    ctx.world.get(ctx.part, "subnet", subnet_id)
    draw = ipam_resources.plan(ctx.world, ctx.part, params, ctx.world.tags(subnet_id))
    cidr = draw.ipv6_cidr or params.get("Ipv6CidrBlock")
    if cidr is None:
        raise MissingParameter("The request must contain the parameter ipv6CidrBlock")
    assoc = subnets.associate_ipv6(ctx.world, ctx.part, subnet_id, cidr)
    ipam_resources.hold(ctx.world, ctx.part, draw, resource_type="subnet",
                        resource_id=subnet_id, holders={"ipv4": None, "ipv6": assoc})
    view = subnets.ipv6_view(assoc, ctx.world.graph.nodes[assoc])
    view["Ipv6CidrBlockState"] = {"State": "associating"}
    return {"SubnetId": subnet_id, "Ipv6CidrBlockAssociation": view}
