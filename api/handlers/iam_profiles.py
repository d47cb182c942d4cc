"""IAM instance profile association operations with logic of their own: associate and replace
(answered `associating`), describe. Disassociate is bound from
topology/compute/instance_profiles.py."""
from __future__ import annotations

from typing import Any

from topology.compute import instance_profiles
from topology.core import filters, paging

from ..operations import Context, handler


def _answer(ctx: Context, assoc_id: str, state: str) -> dict[str, Any]:
    view = instance_profiles.view(ctx.world, assoc_id)
    return {"IamInstanceProfileAssociation": {**view, "State": state}}


@handler
def associate_iam_instance_profile(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    assoc_id = instance_profiles.associate(ctx.world, ctx.part, params["InstanceId"],
                                           params["IamInstanceProfile"])
    return _answer(ctx, assoc_id, "associating")


@handler
def replace_iam_instance_profile_association(ctx: Context, params: dict[str, Any]
                                             ) -> dict[str, Any]:
    assoc_id = instance_profiles.replace(ctx.world, ctx.part, params["AssociationId"],
                                         params["IamInstanceProfile"])
    return _answer(ctx, assoc_id, "associating")


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
