"""IAM instance profile association operations with logic of their own: describe. Associate,
replace (answered `associating`) and disassociate are bound from
topology/compute/instance_profiles.py."""
from __future__ import annotations

from typing import Any

from topology.compute import instance_profiles
from topology.core import filters, paging

from ..operations import Context, handler


@handler
def describe_iam_instance_profile_associations(ctx: Context, params: dict[str, Any]
                                               ) -> dict[str, Any]:
    world, part = ctx.world, ctx.part
    ids = params.get("AssociationIds")
    if ids:
        ids = list(dict.fromkeys(ids))
        for assoc_id in ids:
            world.get(part, instance_profiles.KIND, assoc_id)
    chosen = filters.select(world, part, instance_profiles.KIND, instance_profiles.FILTERS,
                            params.get("Filters"), ids)
    page, token = paging.page(world, chosen, params.get("MaxResults"), params.get("NextToken"))
    return {"IamInstanceProfileAssociations": [instance_profiles.view(world, a) for a in page],
            "NextToken": token}
