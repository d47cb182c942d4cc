"""DescribeTags (from the partition's tag index, with AWS's MaxResults bounds). CreateTags and
DeleteTags are bound from topology/core/tags.py."""
from __future__ import annotations

from typing import Any

from topology.core import tags
from topology.core.errors import InvalidParameterValue

from ..operations import Context, handler

MIN_RESULTS, MAX_RESULTS = 5, 1000


@handler
def describe_tags(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    limit = params.get("MaxResults")
    if limit is not None and not MIN_RESULTS <= limit <= MAX_RESULTS:
        # the model sets no bounds here, but AWS documents (and enforces) 5..1000
        raise InvalidParameterValue(
            f"Value ( {limit} ) for parameter MaxResults is invalid. "
            f"Parameter must be between {MIN_RESULTS} and {MAX_RESULTS}.")
    rows = tags.describe(ctx.world, ctx.part, params.get("Filters"))
    page, token = tags.page(rows, limit, params.get("NextToken"))
    return {"Tags": [tags.tag_view(row) for row in page], "NextToken": token}
