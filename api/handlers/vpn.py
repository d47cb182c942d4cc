"""Site-to-Site VPN operations: virtual private gateways (and their VPC attachment and route
propagation), customer gateways, VPN connections and their static routes."""
from __future__ import annotations

from typing import Any

from topology.connect import customer_gateways, vpn_connections
from topology.core import tags
from topology.network import vpn_gateways

from ..dispatch import Context, handler
from ._describe import describe


# -- virtual private gateways -----------------------------------------------------------------
@handler
def create_vpn_gateway(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    new_tags = tags.from_specifications(params.get("TagSpecifications"), "vpn-gateway")
    vgw_id = vpn_gateways.create(ctx.world, ctx.part, gateway_type=params["Type"],
                                 asn=params.get("AmazonSideAsn"),
                                 zone=params.get("AvailabilityZone"), tags=new_tags)
    return {"VpnGateway": vpn_gateways.created_view(ctx.world, vgw_id)}


@handler
def delete_vpn_gateway(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    vpn_gateways.delete(ctx.world, ctx.part, params["VpnGatewayId"])
    return {}


@handler
def describe_vpn_gateways(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return describe(ctx, params, kind=vpn_gateways.KIND, table=vpn_gateways.FILTERS,
                    view=vpn_gateways.view, output="VpnGateways",
                    ids=params.get("VpnGatewayIds"))


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
@handler
def create_customer_gateway(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    new_tags = tags.from_specifications(params.get("TagSpecifications"), "customer-gateway")
    cgw_id = customer_gateways.create(ctx.world, ctx.part, params, tags=new_tags)
    return {"CustomerGateway": customer_gateways.view(ctx.world, cgw_id)}


@handler
def delete_customer_gateway(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    customer_gateways.delete(ctx.world, ctx.part, params["CustomerGatewayId"])
    return {}


@handler
def describe_customer_gateways(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return describe(ctx, params, kind=customer_gateways.KIND, table=customer_gateways.FILTERS,
                    view=customer_gateways.view, output="CustomerGateways",
                    ids=params.get("CustomerGatewayIds"))


# -- VPN connections --------------------------------------------------------------------------
@handler
def create_vpn_connection(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    new_tags = tags.from_specifications(params.get("TagSpecifications"), "vpn-connection")
    vpn_id, created = vpn_connections.create(ctx.world, ctx.part, params, tags=new_tags)
    view = vpn_connections.created_view if created else vpn_connections.view
    return {"VpnConnection": view(ctx.world, vpn_id)}


@handler
def delete_vpn_connection(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    vpn_connections.delete(ctx.world, ctx.part, params["VpnConnectionId"])
    return {}


@handler
def describe_vpn_connections(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return describe(ctx, params, kind=vpn_connections.KIND, table=vpn_connections.FILTERS,
                    view=vpn_connections.view, output="VpnConnections",
                    ids=params.get("VpnConnectionIds"))


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
