"""The paged Get* listings of transit gateway policy tables, prefix-list references,
multicast domains and metering policies (issue 14): each passes its members to the domain
function, which filters and pages its rows."""
from __future__ import annotations

from typing import Any

from topology.connect import (tgw_metering, tgw_multicast, tgw_policy_tables,
                              tgw_prefix_list_references)

from ..binding import bounded
from ..operations import Context, handler

LIMITS = (5, 1000)


def _listing(params: dict[str, Any]) -> dict[str, Any]:
    checked = bounded(params, LIMITS)
    return {"filters": checked.get("Filters"), "max_results": checked.get("MaxResults"),
            "next_token": checked.get("NextToken")}


@handler
def get_transit_gateway_policy_table_associations(ctx: Context, params: dict[str, Any]
                                                  ) -> dict[str, Any]:
    return tgw_policy_tables.associations(ctx.world, ctx.part,
                                          params["TransitGatewayPolicyTableId"], **_listing(params))


@handler
def get_transit_gateway_policy_table_entries(ctx: Context, params: dict[str, Any]
                                             ) -> dict[str, Any]:
    return tgw_policy_tables.entries(ctx.world, ctx.part, params["TransitGatewayPolicyTableId"],
                                     **_listing(params))


@handler
def get_transit_gateway_prefix_list_references(ctx: Context, params: dict[str, Any]
                                               ) -> dict[str, Any]:
    return tgw_prefix_list_references.listing(
        ctx.world, ctx.part, params["TransitGatewayRouteTableId"], **_listing(params))


@handler
def get_transit_gateway_multicast_domain_associations(ctx: Context, params: dict[str, Any]
                                                      ) -> dict[str, Any]:
    return tgw_multicast.associations(ctx.world, ctx.part,
                                      params["TransitGatewayMulticastDomainId"], **_listing(params))


@handler
def search_transit_gateway_multicast_groups(ctx: Context, params: dict[str, Any]
                                            ) -> dict[str, Any]:
    return tgw_multicast.search(ctx.world, ctx.part, params["TransitGatewayMulticastDomainId"],
                                **_listing(params))


@handler
def get_transit_gateway_metering_policy_entries(ctx: Context, params: dict[str, Any]
                                                ) -> dict[str, Any]:
    return tgw_metering.entries(ctx.world, ctx.part, params["TransitGatewayMeteringPolicyId"],
                                **_listing(params))

