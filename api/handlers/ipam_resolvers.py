"""DescribeIpamPrefixListResolverTargets: the family's describe, narrowed to one resolver
when the request names it (`IpamPrefixListResolverId`, a selector beside the ids and filters
that the bound describe does not read)."""
from __future__ import annotations

from typing import Any

from topology.network import ipam_resolver_targets as targets
from topology.network import ipam_resolvers as resolvers

from ..binding import describe
from ..operations import Context, handler


@handler
def describe_ipam_prefix_list_resolver_targets(ctx: Context, params: dict[str, Any]
                                               ) -> dict[str, Any]:
    for rid in ctx.part.ids(resolvers.KIND):      # versions cut, targets synced, first
        resolvers.refresh(ctx.world, rid)
    resolver = params.get("IpamPrefixListResolverId")
    if resolver is not None:
        ctx.world.get(ctx.part, resolvers.KIND, resolver)
        params = {**params, "Filters": [*(params.get("Filters") or []), {
            "Name": "ipam-prefix-list-resolver-id", "Values": [resolver]}]}
    return describe(ctx, params, kind=targets.KIND, table=targets.FILTERS, view=targets.view,
                    output="IpamPrefixListResolverTargets",
                    ids=params.get("IpamPrefixListResolverTargetIds"))
