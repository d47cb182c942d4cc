"""Managed prefix list operations with logic of their own (describe, entries by version,
associations) and DescribePrefixLists, which shows the AWS-managed lists of the region.
Create, delete, modify and restore are bound from topology/network/prefix_lists.py."""
from __future__ import annotations

from typing import Any

from topology.core import filters, paging
from topology.network import prefix_lists

from ..operations import Context, handler


@handler
def describe_managed_prefix_lists(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    world, part = ctx.world, ctx.part
    ids = params.get("PrefixListIds")
    if ids:
        pool = list(dict.fromkeys(ids))
        for pl in pool:
            prefix_lists.find(world, part, pl)
    else:
        pool = list(part.ids(prefix_lists.KIND)) + prefix_lists.aws_ids(world, part.region)
    chosen = filters.select(world, part, prefix_lists.KIND, prefix_lists.FILTERS,
                            params.get("Filters"), pool)
    page, token = paging.page(world, chosen, params.get("MaxResults"), params.get("NextToken"))
    return {"PrefixLists": [prefix_lists.view(world, pl) for pl in page], "NextToken": token}


@handler
def get_managed_prefix_list_entries(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    rows = prefix_lists.entries(ctx.world, ctx.part, params["PrefixListId"],
                                params.get("TargetVersion"))
    page, token = prefix_lists.page_rows(rows, params.get("MaxResults"), params.get("NextToken"))
    return {"Entries": page, "NextToken": token}


@handler
def describe_prefix_lists(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    world, part = ctx.world, ctx.part
    pool = prefix_lists.aws_ids(world, part.region)
    ids = params.get("PrefixListIds")
    if ids:
        for pl in dict.fromkeys(ids):
            if pl not in pool:
                raise prefix_lists.not_found(prefix_lists.KIND, pl)
        pool = [pl for pl in pool if pl in ids]
    chosen = filters.select(world, part, prefix_lists.KIND, prefix_lists.SERVICE_FILTERS,
                            params.get("Filters"), pool)
    page, token = paging.page(world, chosen, params.get("MaxResults"), params.get("NextToken"))
    return {"PrefixLists": [prefix_lists.service_view(world, pl) for pl in page],
            "NextToken": token}


@handler
def get_managed_prefix_list_associations(ctx: Context, params: dict[str, Any]
                                         ) -> dict[str, Any]:
    rows = prefix_lists.associations(ctx.world, ctx.part, params["PrefixListId"])
    page, token = prefix_lists.page_rows(rows, params.get("MaxResults"), params.get("NextToken"))
    return {"PrefixListAssociations": page, "NextToken": token}
