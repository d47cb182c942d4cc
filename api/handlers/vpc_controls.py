"""Operations of issue 14's VPC controls that page plain rows rather than graph nodes:
security group VPC associations and the groups a VPC may use. The rest of the family is
bound from topology/network (block_public_access, sg_vpc_associations, ...)."""
from __future__ import annotations

from typing import Any

from topology.network import sg_vpc_associations

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
