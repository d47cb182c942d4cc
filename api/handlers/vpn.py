"""CreateVpnConnection: an existing connection with the same ends answers as it is, a new one
in its created state; GetVpnConnectionDeviceTypes pages a catalogue. The other VPN operations
are bound from their families."""
from __future__ import annotations

from typing import Any

from topology.connect import vpn_connections, vpn_tunnel_options
from topology.core import paging, tags

from ..operations import Context, handler


@handler
def create_vpn_connection(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    new_tags = tags.from_specifications(params.get("TagSpecifications"), "vpn-connection")
    vpn_id, created = vpn_connections.create(ctx.world, ctx.part, params, tags=new_tags)
    view = vpn_connections.created_view if created else vpn_connections.view
    return {"VpnConnection": view(ctx.world, vpn_id)}


@handler
def get_vpn_connection_device_types(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    """AWS's catalogue of devices with sample configurations, paged."""
    found, token = paging.rows(vpn_tunnel_options.device_types(), "vpn-device-types",
                               params.get("MaxResults"), params.get("NextToken"))
    return {"VpnConnectionDeviceTypes": found, "NextToken": token}
