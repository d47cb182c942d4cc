"""Operations of issue 14's VPC controls that page plain rows rather than graph nodes:
security group VPC associations and the groups a VPC may use. The rest of the family is
bound from topology/network (block_public_access, sg_vpc_associations, ...)."""
from __future__ import annotations

from typing import Any

from topology.core import filters, paging
from topology.network import sg_vpc_associations, subnet_cidr_reservations

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
