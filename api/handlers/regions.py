"""Where the caller is: describe_availability_zones, describe_regions, and the account's
attributes (describe_account_attributes)."""
from __future__ import annotations

from typing import Any

from topology.core import filters, lookups, regions
from topology.core.errors import InvalidParameterValue
from topology.core.filters import Filter, FilterTable

from ..operations import Context, handler


def _row(key: str) -> Filter:
    return Filter(lambda w, rid, row: row.get(key))


ZONE_FILTERS: FilterTable = {
    "group-long-name": _row("GroupLongName"),
    "group-name": _row("GroupName"),
    "message": Filter(lambda w, rid, row: [m["Message"] for m in row["Messages"]]),
    "network-border-group": _row("NetworkBorderGroup"),
    "opt-in-status": _row("OptInStatus"),
    "parent-zone-id": _row("ParentZoneId"),
    "parent-zone-name": _row("ParentZoneName"),
    "region-name": _row("RegionName"),
    "state": _row("State"),
    "zone-id": _row("ZoneId"),
    "zone-name": _row("ZoneName"),
    "zone-type": _row("ZoneType"),
}
REGION_FILTERS: FilterTable = {
    "endpoint": _row("Endpoint"),
    "opt-in-status": _row("OptInStatus"),
    "region-name": _row("RegionName"),
}
# describe_account_attributes, in the order AWS lists them
MAX_INSTANCES, MAX_SECURITY_GROUPS_PER_ENI, MAX_ELASTIC_IPS = 20, 5, 5


@handler
def describe_availability_zones(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    zones = regions.zones(ctx.region)
    names, ids = params.get("ZoneNames") or [], params.get("ZoneIds") or []
    for wanted, key, label in ((names, "ZoneName", "zone"), (ids, "ZoneId", "zone ID")):
        known = {z[key] for z in zones}
        for value in wanted:
            if value not in known:
                raise InvalidParameterValue(f"The {label} '{value}' does not exist")
    if names or ids:
        zones = [z for z in zones if z["ZoneName"] in names or z["ZoneId"] in ids]
    rows = [regions.zone_view(ctx.region, z) for z in zones]
    chosen = filters.select_rows(ZONE_FILTERS, params.get("Filters"), rows, taggable=False)
    return {"AvailabilityZones": chosen}


@handler
def describe_regions(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    names = params.get("RegionNames") or []
    catalogue = regions.by_name()
    unknown = [n for n in names if n not in catalogue]
    if unknown:
        raise InvalidParameterValue(f"Invalid region: [{', '.join(unknown)}]")
    if names:
        chosen = [catalogue[n] for n in dict.fromkeys(names)]
    else:
        chosen = [r for r in regions.REGIONS if params.get("AllRegions") or not r.opt_in]
    rows = [regions.region_view(r) for r in sorted(chosen, key=lambda r: r.name)]
    return {"Regions": filters.select_rows(REGION_FILTERS, params.get("Filters"), rows,
                                           taggable=False)}


@handler
def describe_account_attributes(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    default = lookups.default_vpc(ctx.world, ctx.part) or "none"
    attributes = {
        "vpc-max-security-groups-per-interface": [str(MAX_SECURITY_GROUPS_PER_ENI)],
        "max-instances": [str(MAX_INSTANCES)],
        "supported-platforms": ["VPC"],
        "default-vpc": [default],
        "max-elastic-ips": [str(MAX_ELASTIC_IPS)],
        "vpc-max-elastic-ips": [str(MAX_ELASTIC_IPS)],
    }
    names = list(dict.fromkeys(params.get("AttributeNames") or attributes))  # enum-checked
    return {"AccountAttributes": [
        {"AttributeName": name,
         "AttributeValues": [{"AttributeValue": v} for v in attributes[name]]}
        for name in names]}
