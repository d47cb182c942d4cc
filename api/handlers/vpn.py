"""Site-to-Site VPN operations: virtual private gateways (and their VPC attachment and route
propagation), customer gateways, VPN connections and their static routes."""
from __future__ import annotations

from typing import Any

from topology.connect import vpn_connections
from topology.core import tags
from topology.network import vpn_gateways

from ..operations import Context, handler


# -- virtual private gateways -----------------------------------------------------------------
@handler
def attach_vpn_gateway(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    attachment = vpn_gateways.attach(ctx.world, ctx.part, params["VpnGatewayId"],
                                     params["VpcId"])
    return {"VpcAttachment": attachment}


@handler
def detach_vpn_gateway(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    vpn_gateways.detach(ctx.world, ctx.part, params["VpnGatewayId"], params["VpcId"])
    return {}


@handler
def enable_vgw_route_propagation(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    vpn_gateways.enable_propagation(ctx.world, ctx.part, params["RouteTableId"],
                                    params["GatewayId"])
    return {}


@handler
def disable_vgw_route_propagation(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    vpn_gateways.disable_propagation(ctx.world, ctx.part, params["RouteTableId"],
                                     params["GatewayId"])
    return {}


# -- customer gateways ------------------------------------------------------------------------
# -- VPN connections --------------------------------------------------------------------------
@handler
def create_vpn_connection(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    new_tags = tags.from_specifications(params.get("TagSpecifications"), "vpn-connection")
    vpn_id, created = vpn_connections.create(ctx.world, ctx.part, params, tags=new_tags)
    view = vpn_connections.created_view if created else vpn_connections.view
    return {"VpnConnection": view(ctx.world, vpn_id)}


@handler
def create_vpn_connection_route(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    vpn_connections.create_route(ctx.world, ctx.part, params["VpnConnectionId"],
                                 params["DestinationCidrBlock"])
    return {}


@handler
def delete_vpn_connection_route(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    vpn_connections.delete_route(ctx.world, ctx.part, params["VpnConnectionId"],
                                 params["DestinationCidrBlock"])
    return {}
