"""DescribeSecondaryNetworkAclEntries: entries are rows of their ACL, not resources (the
other secondary network operations are bound from topology/network/secondary_*.py)."""
from __future__ import annotations

from typing import Any

from topology.network import secondary_acls

from ..binding import bounded
from ..operations import Context, handler


@handler
def describe_secondary_network_acl_entries(ctx: Context, params: dict[str, Any]
                                           ) -> dict[str, Any]:
    params = bounded(params, (5, 1000))
    return secondary_acls.describe_entries(ctx.world, ctx.part, params.get("Filters"),
                                           params.get("MaxResults"), params.get("NextToken"))
