"""Client VPN operations with logic of their own: CreateClientVpnEndpoint (it answers the id,
a status and the DNS name, not one structure) and the describes of what an endpoint holds
(target networks, routes, authorization rules, connections: rows of one endpoint, not
nodes). The rest are bound from topology/connect/client_vpn*.py."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from topology.connect import client_vpn
from topology.connect import client_vpn_networks as networks
from topology.core import filters, tags
from topology.core.errors import InvalidParameterCombination
from topology.core.world import World
from topology.network import prefix_lists

from ..binding import bounded
from ..operations import Context, handler

RESULTS = (5, 1000)      # the documented MaxResults range of Client VPN's describes


@handler
def create_client_vpn_endpoint(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    new_tags = tags.from_specifications(params.get("TagSpecifications"), client_vpn.KIND)
    cvpn_id = client_vpn.create(ctx.world, ctx.part, params, tags=new_tags)
    return client_vpn.created_view(ctx.world, cvpn_id)


Rows = Callable[[World, str], list[dict[str, Any]]]


def _rows(ctx: Context, params: dict[str, Any], rows: Rows, table: filters.FilterTable,
          output: str) -> dict[str, Any]:
    params = bounded(params, RESULTS)
    cvpn_id = params["ClientVpnEndpointId"]
    client_vpn.get(ctx.world, ctx.part, cvpn_id)
    chosen = filters.select_rows(table, params.get("Filters"), rows(ctx.world, cvpn_id),
                                 taggable=False)
    page, token = prefix_lists.page_rows(chosen, params.get("MaxResults"),
                                         params.get("NextToken"))
    return {output: page, "NextToken": token}


@handler
def describe_client_vpn_target_networks(ctx: Context, params: dict[str, Any]
                                        ) -> dict[str, Any]:
    ids = params.get("AssociationIds")
    if ids:
        cvpn_id = params["ClientVpnEndpointId"]
        client_vpn.get(ctx.world, ctx.part, cvpn_id)
        for assoc_id in ids:
            networks.association(ctx.world, ctx.part, cvpn_id, assoc_id)
        if params.get("MaxResults") is not None:
            raise InvalidParameterCombination(
                "The parameter AssociationIds cannot be used with the parameter maxResults")
        wanted = set(ids)

        def rows(world: World, rid: str) -> list[dict[str, Any]]:
            return [r for r in networks.network_rows(world, rid) if r["AssociationId"] in wanted]
        return _rows(ctx, params, rows, networks.NETWORK_FILTERS, "ClientVpnTargetNetworks")
    return _rows(ctx, params, networks.network_rows, networks.NETWORK_FILTERS,
                 "ClientVpnTargetNetworks")


@handler
def describe_client_vpn_routes(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return _rows(ctx, params, networks.route_rows, networks.ROUTE_FILTERS, "Routes")


@handler
def describe_client_vpn_authorization_rules(ctx: Context, params: dict[str, Any]
                                            ) -> dict[str, Any]:
    return _rows(ctx, params, networks.rule_rows, networks.RULE_FILTERS, "AuthorizationRules")


@handler
def describe_client_vpn_connections(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return _rows(ctx, params, networks.connection_rows, networks.CONNECTION_FILTERS,
                 "Connections")
