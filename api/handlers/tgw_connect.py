"""Describe operations of the transit gateway attachment types added by issue 14: Connect
and network function attachments (their create/delete/accept/reject are bound from
topology/connect/tgw_connect.py and tgw_other_attachments.py), and the NAT configuration
change (every member of its answer is also one of its request, which the binding would echo)."""
from __future__ import annotations

from typing import Any

from topology.connect import tgw_connect, tgw_other_attachments

from ..binding import bounded
from ..operations import Context, handler
from .transit_gateways import _describe_attachments

LIMITS = (5, 1000)


@handler
def describe_transit_gateway_connects(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    world = ctx.world
    return _describe_attachments(
        ctx, bounded(params, LIMITS), rtype="connect", table=tgw_connect.CONNECT_FILTERS,
        view=lambda rid: tgw_connect.connect_view(world, rid), output="TransitGatewayConnects")


@handler
def describe_transit_gateway_network_function_attachments(ctx: Context, params: dict[str, Any]
                                                          ) -> dict[str, Any]:
    world = ctx.world
    return _describe_attachments(
        ctx, bounded(params, LIMITS), rtype="network-function",
        table=tgw_other_attachments.NETWORK_FUNCTION_FILTERS,
        view=lambda rid: tgw_other_attachments.network_function_view(world, rid),
        output="TransitGatewayNetworkFunctionAttachments")


@handler
def modify_transit_gateway_attachment_nat_configuration(ctx: Context, params: dict[str, Any]
                                                        ) -> dict[str, Any]:
    return tgw_other_attachments.modify_nat(
        ctx.world, ctx.part, params["TransitGatewayAttachmentId"],
        nat_gateway_support=params.get("NatGatewaySupport"),
        nat_system_route_support=params.get("NatSystemRouteSupport"),
        nat_gateway_rules=params.get("NatGatewayRules"),
        reset_nat_gateway_rules=params.get("ResetNatGatewayRules"))
