"""IPAM operations with logic of their own: DescribeIpamResourceDiscoveries (AWS's plural is
not the binding's). IPAMs, scopes, pools, discoveries and associations are otherwise bound
from topology/network/ipams.py, ipam_pools.py and ipam_discoveries.py."""
from __future__ import annotations

from typing import Any

from topology.network import ipam_discoveries

from ..binding import describe
from ..operations import Context, handler


@handler
def describe_ipam_resource_discoveries(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return describe(ctx, params, kind=ipam_discoveries.KIND, table=ipam_discoveries.FILTERS,
                    view=ipam_discoveries.view, output="IpamResourceDiscoveries",
                    ids=params.get("IpamResourceDiscoveryIds"), shared=True)
