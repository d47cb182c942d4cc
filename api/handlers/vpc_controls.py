"""Operations of issue 14's VPC controls with logic of their own: those paging plain rows
(security group VPC associations, the groups a VPC may use, the resources blocking
encryption enforcement), GetSubnetCidrReservations (split by IP version) and
DescribeVpcEncryptionControls (two id lists). The rest is bound from topology/network
(block_public_access, sg_vpc_associations, subnet_cidr_reservations, encryption_controls)."""
from __future__ import annotations

from typing import Any

from topology.core import filters, paging, schema
from topology.network import encryption_controls, sg_vpc_associations, subnet_cidr_reservations

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
