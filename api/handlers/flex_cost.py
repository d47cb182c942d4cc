"""The two describes of Networking Flexible Cost Allocation (their names are AWS's plurals,
which the family binding does not derive; the other operations are bound from
topology/network/flex_cost.py)."""
from __future__ import annotations

from typing import Any

from topology.network import flex_cost

from ..binding import bounded, describe
from ..operations import Context, handler

LIMITS = (5, 1000)


@handler
def describe_networking_flex_cost_allocation_policies(ctx: Context, params: dict[str, Any]
                                                      ) -> dict[str, Any]:
    return describe(ctx, bounded(params, LIMITS), kind=flex_cost.POLICY,
                    table=flex_cost.POLICY_FILTERS, view=flex_cost.view,
                    output="FlexCostAllocationPolicies", ids=params.get("FcaPolicyIds"))


@handler
def describe_networking_flex_cost_allocation_policy_associations(
        ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return describe(ctx, bounded(params, LIMITS), kind=flex_cost.ASSOC,
                    table=flex_cost.ASSOCIATION_FILTERS, view=flex_cost.association_view,
                    output="FcaPolicyAssociations", ids=params.get("FcaPolicyAssociationIds"))
