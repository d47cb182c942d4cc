"""Operations of issue 14's VPC controls with logic of their own: those paging plain rows
(security group VPC associations, the groups a VPC may use, the resources blocking
encryption enforcement), GetSubnetCidrReservations (split by IP version) and
DescribeVpcEncryptionControls (two id lists), and the describes with nothing to list
(ClassicLink instances, moving addresses, VPC endpoint associations). The rest is bound from topology/network
(block_public_access, sg_vpc_associations, subnet_cidr_reservations, encryption_controls)."""
from __future__ import annotations

from typing import Any

from topology.compute import classic_link
from topology.core import filters, paging, schema
from topology.core.filters import Filter
from topology.network import (classic_addresses, encryption_controls, sg_vpc_associations,
                              subnet_cidr_reservations)

from ..binding import describe
from ..operations import Context, handler


@handler
def describe_security_group_vpc_associations(ctx: Context, params: dict[str, Any]
                                             ) -> dict[str, Any]:
    return sg_vpc_associations.describe(ctx.world, ctx.part, params.get("Filters"),
                                        params.get("MaxResults"), params.get("NextToken"))


@handler
def get_security_groups_for_vpc(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return sg_vpc_associations.groups_for_vpc(ctx.world, ctx.part, params["VpcId"],
                                              params.get("Filters"), params.get("MaxResults"),
                                              params.get("NextToken"))


@handler
def get_subnet_cidr_reservations(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    """The subnet's reservations (filtered, paged), split by IP version."""
    world, part = ctx.world, ctx.part
    world.get(part, "subnet", params["SubnetId"])
    ids = subnet_cidr_reservations.reservations(world, params["SubnetId"])
    chosen = filters.select(world, part, subnet_cidr_reservations.KIND,
                            subnet_cidr_reservations.FILTERS, params.get("Filters"), ids)
    found, token = paging.page(world, chosen, params.get("MaxResults"), params.get("NextToken"))
    views = [subnet_cidr_reservations.view(world, rid) for rid in found]
    return {"SubnetIpv4CidrReservations": [v for v in views if "." in v["Cidr"]],
            "SubnetIpv6CidrReservations": [v for v in views if ":" in v["Cidr"]],
            "NextToken": token}


@handler
def describe_vpc_encryption_controls(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    """By control ids and/or VPC ids (each VPC must exist), filtered and paged."""
    world, part = ctx.world, ctx.part
    ids = params.get("VpcEncryptionControlIds")
    vpc_ids = params.get("VpcIds")
    if vpc_ids:
        by_vpc = []
        for vpc_id in vpc_ids:
            world.get(part, "vpc", vpc_id)
            by_vpc += [ec for ec, _, _ in world.into(vpc_id, schema.ASSOCIATED,
                                                     encryption_controls.KIND)]
        if ids:
            for ec in ids:
                world.get(part, encryption_controls.KIND, ec)
        ids = [ec for ec in by_vpc if not ids or ec in ids]
        if not ids:
            return {"VpcEncryptionControls": []}
    return describe(ctx, params, kind=encryption_controls.KIND,
                    table=encryption_controls.FILTERS, view=encryption_controls.view,
                    output="VpcEncryptionControls", ids=ids)


@handler
def get_vpc_resources_blocking_encryption_enforcement(ctx: Context, params: dict[str, Any]
                                                      ) -> dict[str, Any]:
    return encryption_controls.resources_blocking(ctx.world, ctx.part, params["VpcId"],
                                                  params.get("MaxResults"),
                                                  params.get("NextToken"))


# -- EC2-Classic leftovers and VPC endpoint associations: nothing to list, checked as AWS does --
@handler
def describe_classic_link_instances(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return classic_link.describe(ctx.world, ctx.part, params.get("InstanceIds"),
                                 params.get("Filters"), params.get("MaxResults"),
                                 params.get("NextToken"))


@handler
def describe_moving_addresses(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return classic_addresses.describe_moving(ctx.world, ctx.part, params.get("PublicIps"),
                                             params.get("Filters"), params.get("MaxResults"),
                                             params.get("NextToken"))


ENDPOINT_ASSOCIATION_FILTERS = {name: Filter(lambda w, rid, row, name=name: row.get(name))
                                for name in ("vpc-endpoint-id", "associated-resource-accessibility",
                                             "association-id", "associated-resource-id",
                                             "service-network-arn",
                                             "resource-configuration-group-arn")}


@handler
def describe_vpc_endpoint_associations(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    """Associations of service-network and resource endpoints, which ec2sim does not make: the
    endpoints named must exist; nothing is listed."""
    for vpce in params.get("VpcEndpointIds") or []:
        ctx.world.get(ctx.part, "vpc-endpoint", vpce)
    rows = filters.select_rows(ENDPOINT_ASSOCIATION_FILTERS, params.get("Filters"), [],
                               taggable=False)
    found, token = paging.rows(rows, "vpc-endpoint-associations", params.get("MaxResults"),
                               params.get("NextToken"))
    return {"VpcEndpointAssociations": found, "NextToken": token}
