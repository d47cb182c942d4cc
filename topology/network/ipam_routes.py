"""The BGP routes IPAM sees and how well RPKI protects them, computed from the graph.

GetIpamDiscoveredRoutes: the BYOIP ranges advertised from AWS (`byoip.py`) in the accounts a
resource discovery watches — its owner's, and every account of the organization when the
owner is the organization's delegated IPAM administrator — in one of its operating Regions.
The origin ASN is the one the range is advertised from (AWS's 16509 by default).

GetIpamRouteProtectionFindings: the same routes for an IPAM's accounts and operating Regions,
each checked against the ROAs the account publishes through its internet registry
associations (`ipam_registries.roas`), as RFC 6811 route origin validation does: `valid` if a
ROA covering the prefix names the origin ASN with a max length the prefix fits, `invalid`
if ROAs cover the prefix but none matches, `unknown` if none covers it.
"""
from __future__ import annotations

from typing import Any

from netaddr import IPNetwork

from ..core import clock, sharing
from ..core import filters as filtering
from ..core.errors import InvalidParameterValue
from ..core.family import declare_actions
from ..core.filters import Filter, field
from ..core.world import Partition, World
from . import byoip
from . import ipam_discoveries as discoveries
from . import ipam_registries as registries
from .prefix_lists import page_rows

AMAZON_ASN = byoip.AMAZON_ASNS[0]


def _accounts(world: World, owner: str) -> set[str]:
    """The owner, and its organization's accounts if it administers the organization's IPAM."""
    org = discoveries.admin_of(world, owner)
    if org is None:
        return {owner}
    return {owner} | {p.account for p in world.partitions()
                      if sharing.organization_of(world, p.account) == org}


def _routes(world: World, accounts: set[str], regions: list[str]) -> list[dict[str, Any]]:
    """The advertised BYOIP ranges of those accounts and Regions, as route rows."""
    rows = []
    for part in world.partitions():
        if part.account not in accounts or part.region not in regions:
            continue
        for rid in part.ids(byoip.KIND):
            node = world.graph.nodes[rid]
            if node["State"] != "advertised":
                continue
            row: dict[str, Any] = {"ResourceRegion": part.region, "ResourceOwnerId": part.account,
                                   "Cidr": node["Cidr"], "Asn": node.get("Asn") or AMAZON_ASN,
                                   "State": node["State"], "AdvertisementType": "regional"}
            for member in ("NetworkBorderGroup", "PoolId", "IpamPoolId"):
                if member in node:
                    row[member] = node[member]
            rows.append(row)
    return rows


ROUTE_FILTERS: dict[str, Filter] = {
    "cidr": field("Cidr"), "asn": field("Asn"), "state": field("State"),
    "resource-owner-id": field("ResourceOwnerId"), "resource-region": field("ResourceRegion"),
    "rpki-status": field("RpkiStatus"),
}


def _page(rows: list[dict[str, Any]], filters: list[dict[str, Any]] | None,
          max_results: int | None, next_token: str | None, out: str) -> dict[str, Any]:
    if filters:
        rows = filtering.select_rows(ROUTE_FILTERS, filters, rows, taggable=False)
    chosen, token = page_rows(rows, max_results, next_token)
    return {out: chosen, "NextToken": token}


def discovered_routes(world: World, part: Partition, ipam_resource_discovery_id: str,
                      resource_region: str, filters: list[dict[str, Any]] | None = None,
                      next_token: str | None = None, max_results: int | None = None
                      ) -> dict[str, Any]:
    """GetIpamDiscoveredRoutes."""
    disco = world.get(part, discoveries.KIND, ipam_resource_discovery_id)
    if resource_region not in disco["OperatingRegions"]:
        raise InvalidParameterValue(f"The Region {resource_region} is not an operating Region "
                                    f"of {ipam_resource_discovery_id}.")
    now = clock.now()
    rows = [{"IpamResourceDiscoveryId": ipam_resource_discovery_id, **row, "SampleTime": now}
            for row in _routes(world, _accounts(world, part.account), [resource_region])]
    return _page(rows, filters, max_results, next_token, "IpamDiscoveredRoutes")


def validate(world: World, owner: str, cidr: str, asn: str) -> dict[str, Any]:
    """Route origin validation of (prefix, origin ASN) against the owner's published ROAs."""
    net = IPNetwork(cidr)
    covering = [r for r in registries.roas(world, owner) if registries.covers(r, net)]
    now = clock.now()
    roas = [{"Asn": r["Asn"], "Prefix": r["Prefix"], "MaxLength": r["MaxLength"],
             "Match": r["Asn"] == asn and net.prefixlen <= r["MaxLength"]} for r in covering]
    status = "unknown" if not roas else ("valid" if any(r["Match"] for r in roas)
                                         else "invalid")
    return {"RpkiStatus": status, "RpkiStrength": "strict", "Roas": roas,
            "RouteOverlaps": [], "RoaSampleTime": now}


def route_protection_findings(world: World, part: Partition, ipam_id: str,
                              filters: list[dict[str, Any]] | None = None,
                              next_token: str | None = None, max_results: int | None = None
                              ) -> dict[str, Any]:
    """GetIpamRouteProtectionFindings."""
    ipam = world.get(part, "ipam", ipam_id)
    now = clock.now()
    rows = []
    for route in _routes(world, _accounts(world, part.account), ipam["OperatingRegions"]):
        found = {k: v for k, v in route.items() if k != "Asn"}
        rows.append({**found, "Asn": route["Asn"],
                     **validate(world, route["ResourceOwnerId"], route["Cidr"], route["Asn"]),
                     "SampleTime": now})
    out = _page(rows, filters, max_results, next_token, "RouteProtectionFindings")
    return {"IpamId": ipam_id, **out}


declare_actions(discoveries.KIND, {"GetIpamDiscoveredRoutes": discovered_routes})
declare_actions("ipam", {"GetIpamRouteProtectionFindings": route_protection_findings})
