"""Instance types: describe_instance_types and describe_instance_type_offerings, answered from
the static catalogue (`topology.instance_types`) with AWS's filters and paging."""
from __future__ import annotations

from typing import Any

from topology.catalogue import instance_types
from topology.core import filters
from topology.core.errors import TopologyError

from ..operations import Context, handler

TYPES_PAGE, OFFERINGS_PAGE = 100, 1000   # AWS's page sizes when MaxResults is not given


@handler
def describe_instance_types(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    everywhere = bool(params.get("IncludeUnsupportedInRegion"))
    wanted = list(dict.fromkeys(params.get("InstanceTypes") or []))

    def listed(name: str) -> bool:
        return everywhere or instance_types.in_region(ctx.region, name)

    catalogue = instance_types.catalogue()
    unknown = [n for n in wanted if n not in catalogue or not listed(n)]
    if unknown:
        raise TopologyError("The following supplied instance types do not exist: "
                            f"[{', '.join(unknown)}]", "InvalidInstanceType")
    chosen = set(wanted)
    rows, order = [], []
    for position, (name, info) in enumerate(catalogue.items()):
        if (not wanted or name in chosen) and listed(name):
            if everywhere:   # a copy: the catalogue is shared
                info = {**info, "SupportedInRegion": instance_types.in_region(ctx.region, name)}
            rows.append(info)
            order.append(position)
    keyed = dict(zip((r["InstanceType"] for r in rows), order))
    kept = filters.select_rows(instance_types.FILTERS, params.get("Filters"), rows, taggable=False)
    page, token = instance_types.page(
        kept, [keyed[r["InstanceType"]] for r in kept], params.get("MaxResults"),
        params.get("NextToken"), scope="instance-types", default_max=TYPES_PAGE)
    return {"InstanceTypes": page, "NextToken": token}


@handler
def describe_instance_type_offerings(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    location_type = params.get("LocationType") or "region"   # the enum is the protocol's
    rows = instance_types.offerings(ctx.region, location_type)
    kept = filters.select_rows(instance_types.OFFERING_FILTERS, params.get("Filters"),
                               rows, taggable=False)
    page, token = instance_types.page(
        kept, [r["order"] for r in kept], params.get("MaxResults"), params.get("NextToken"),
        scope=f"offerings-{location_type}", default_max=OFFERINGS_PAGE)
    return {"InstanceTypeOfferings": [{k: r[k] for k in ("InstanceType", "LocationType",
                                                         "Location")} for r in page],
            "NextToken": token}
