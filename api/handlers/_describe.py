"""The one describe routine: ids, filters, pagination and views for any resource kind."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from topology.core import filters, paging
from topology.core.errors import InvalidParameterCombination, InvalidParameterValue, NotFound
from topology.core.world import Partition, World

from ..dispatch import Context

View = Callable[[World, str], dict[str, Any]]


def describe(ctx: Context, params: dict[str, Any], *, kind: str, table: filters.FilterTable,
             view: View, output: str, ids: list[str] | None = None,
             ids_exclude_max: bool = False, unknown_ids_ok: bool = False) -> dict[str, Any]:
    """Answer a `Describe*` call: the named ids, filtered, paged, viewed.

    Every named id must exist, unless `unknown_ids_ok` (an operation AWS answers with no
    item for an unknown id; a malformed one is still an error).
    """
    world, part = ctx.world, ctx.part
    if ids and ids_exclude_max and params.get("MaxResults") is not None:
        raise InvalidParameterCombination(
            "The parameter MaxResults cannot be used with the ids parameter.")
    if ids:
        ids = [rid for rid in dict.fromkeys(ids) if _known(world, part, kind, rid, unknown_ids_ok)]
        if not ids:
            return {output: [], "NextToken": None}
    chosen = filters.select(world, part, kind, table, params.get("Filters"), ids)
    page, token = paging.page(world, chosen, params.get("MaxResults"), params.get("NextToken"))
    return {output: [view(world, rid) for rid in page], "NextToken": token}


def _known(world: World, part: Partition, kind: str, rid: str, unknown_ok: bool) -> bool:
    try:
        world.get(part, kind, rid)
    except NotFound:
        if not unknown_ok:
            raise
        return False
    return True


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
