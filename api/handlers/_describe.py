"""The one describe routine: ids, filters, pagination and views for any resource kind."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from topology import filters, paging
from topology.errors import InvalidParameterCombination, InvalidParameterValue
from topology.world import World

from ..dispatch import Context

View = Callable[[World, str], dict[str, Any]]


def describe(ctx: Context, params: dict[str, Any], *, kind: str, table: filters.FilterTable,
             view: View, output: str, ids: list[str] | None = None,
             ids_exclude_max: bool = False) -> dict[str, Any]:
    """Answer a `Describe*` call: the named ids (all must exist), filtered, paged, viewed."""
    world, part = ctx.world, ctx.part
    if ids and ids_exclude_max and params.get("MaxResults") is not None:
        raise InvalidParameterCombination(
            "The parameter MaxResults cannot be used with the ids parameter.")
    if ids:
        ids = list(dict.fromkeys(ids))
        for rid in ids:
            world.get(part, kind, rid)
    chosen = filters.select(world, part, kind, table, params.get("Filters"), ids)
    page, token = paging.page(world, chosen, params.get("MaxResults"), params.get("NextToken"))
    return {output: [view(world, rid) for rid in page], "NextToken": token}


def bounded(params: dict[str, Any], limits: tuple[int, int], ids_member: str | None = None,
            wire_set: str = "") -> dict[str, Any]:
    """`params` with MaxResults checked against AWS's documented bounds and capped."""
    limit = params.get("MaxResults")
    if limit is None:
        return params
    if ids_member and params.get(ids_member):
        raise InvalidParameterCombination(
            f"The parameter {wire_set} cannot be used with the parameter maxResults")
    low, high = limits
    if limit < low:
        raise InvalidParameterValue(
            # sic: AWS says "greater than 5" and accepts 5
            f"Value ( {limit} ) for parameter maxResults is invalid. Expecting a value greater "
            f"than {low}.")
    return {**params, "MaxResults": min(limit, high)}
