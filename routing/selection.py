"""Route selection: which route of a VPC or transit gateway route table carries a packet.

VPC route tables (AWS's priorities, DESIGN §5):

* the subnet's explicitly associated table, else its VPC's main table; a gateway (edge)
  table for traffic entering through the internet or virtual private gateway it is
  associated with;
* the longest prefix that contains the destination wins; for equal prefixes a static route
  beats a prefix-list route, which beats a propagated route (`PRIORITY`);
* a propagated route never hides `local` (`vpn_gateways.propagated_routes(effective=True)`
  leaves those out), while a more specific static route inside the VPC (a middlebox) wins
  by prefix length like any other;
* a chosen route that reads `blackhole` drops the packet: there is no fallback to a shorter
  prefix (`Choice.state`).

Transit gateway route tables: the longest prefix among the table's static and propagated
routes (`tgw_routes.routes`, where a static route already hides a propagated one for
the same prefix); a blackhole route drops.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from netaddr import IPSet

from topology.connect import tgw_routes
from topology.core import schema
from topology.core.world import World
from topology.network import prefix_lists, route_server_routes, route_tables, routes, vpn_gateways

from .packet import span, text_of

STATIC, PREFIX_LIST, PROPAGATED = 0, 1, 2     # equal prefixes: the lowest wins
PRIORITY_NAMES = {STATIC: "static", PREFIX_LIST: "prefix-list", PROPAGATED: "propagated"}
# Route members that boto3's AnalysisRouteTableRoute has (the destination is renamed)
ANALYSIS_ROUTE_MEMBERS = ("DestinationPrefixListId", "EgressOnlyInternetGatewayId", "GatewayId",
                          "InstanceId", "NatGatewayId", "NetworkInterfaceId", "Origin",
                          "TransitGatewayId", "VpcPeeringConnectionId", "State",
                          "CarrierGatewayId", "CoreNetworkArn", "LocalGatewayId")


@dataclass(frozen=True)
class Choice:
    """The route that carries a packet: its table, destination (CIDR or prefix list id),
    target node, edge data and priority class."""

    rtb: str
    destination: str
    target: str
    data: dict[str, Any]
    priority: int
    prefixlen: int

    def state(self, world: World) -> str:
        if self.data.get("Origin") == route_server_routes.ORIGIN:   # an interface may be down
            return routes.route_state(world, self.rtb, self.target)
        if self.priority == PROPAGATED:
            return "active"            # propagated only while the gateway is attached
        return routes.route_state(world, self.rtb, self.target)

    def view(self, world: World) -> dict[str, Any]:
        """The route as boto3's `AnalysisRouteTableRoute`."""
        if self.priority == PROPAGATED:     # from a VGW, or a route server (to an interface)
            member = ("NetworkInterfaceId" if self.data.get("Origin") == route_server_routes.ORIGIN
                      else "GatewayId")
            route = {**self.data, member: self.target, "State": self.state(world)}
        else:
            route = routes.route_view(world, self.rtb, self.destination, self.target, self.data)
        out = {k: route[k] for k in ANALYSIS_ROUTE_MEMBERS if k in route}
        cidr = route.get("DestinationCidrBlock") or route.get("DestinationIpv6CidrBlock")
        if cidr:
            out["DestinationCidr"] = cidr
        return out


def subnet_table(world: World, subnet: str) -> str | None:
    return route_tables.table_for_subnet(world, subnet)


def gateway_table(world: World, gateway: str) -> str | None:
    """The gateway route table (edge association) of an internet or virtual private gateway."""
    found = world.into(gateway, schema.ASSOCIATED, "route-table")
    return found[0][0] if found else None


Row = tuple[int, int, int, int, str, str, dict[str, Any]]


def candidates(world: World, rtb: str) -> list[Row]:
    """Every route of the table (both families) as (first, last, prefix length, priority, destination,
    target, data): static routes, each CIDR of a prefix-list route, propagated routes."""
    found: list[Row] = []
    for target, dest, data in world.out(rtb, schema.ROUTE):
        if "DestinationPrefixListId" in data:
            if world.node(dest) is None:
                continue
            for cidr in prefix_lists.cidrs(world, dest):
                bounds = span(cidr)
                if bounds is not None:
                    found.append((*bounds, PREFIX_LIST, dest, target, data))
            continue
        bounds = span(dest)
        if bounds is not None:
            found.append((*bounds, STATIC, dest, target, data))
    for dest, vgw, data in vpn_gateways.propagated_routes(world, rtb, effective=True):
        bounds = span(dest)
        if bounds is not None:
            found.append((*bounds, PROPAGATED, dest, vgw, data))
    for dest, eni, data in route_server_routes.installed(world, rtb):
        bounds = span(dest)
        if bounds is not None:
            found.append((*bounds, PROPAGATED, dest, eni, data))
    return found


def select(world: World, rtb: str, addr: int) -> Choice | None:
    """The route of `rtb` that carries a packet to `addr`, if any."""
    best: Row | None = None
    for row in candidates(world, rtb):
        first, last, length, priority = row[0], row[1], row[2], row[3]
        if not first <= addr <= last:
            continue
        if best is None or (length, -priority) > (best[2], -best[3]):
            best = row
    if best is None:
        return None
    return Choice(rtb, best[4], best[5], best[6], best[3], best[2])


def targets_of(world: World, rtb: str, target: str) -> list[str]:
    """The destination CIDRs of the table's routes to `target` (prefix lists expanded)."""
    return [f"{text_of(first)}/{length}" for first, _, length, _, _, t, _ in candidates(world, rtb)
            if t == target]


def free_part(world: World, rtb: str, cidr: str) -> IPSet:
    """The addresses of `cidr` that no more specific route of `rtb` takes away."""
    bounds = span(cidr)
    if bounds is None:
        return IPSet()
    found = IPSet([cidr])
    for first, last, length, _, _, _, _ in candidates(world, rtb):
        if length > bounds[2] and first <= bounds[1] and bounds[0] <= last:
            found.remove(f"{text_of(first)}/{length}")
    return found


# -- transit gateway route tables ------------------------------------------------------------
def tgw_select(world: World, tgw_rtb: str, addr: int) -> dict[str, Any] | None:
    """The transit gateway route (a `tgw_routes.routes` row) for `addr`, if any."""
    best: dict[str, Any] | None = None
    for row in tgw_routes.routes(world, tgw_rtb):
        bounds = span(str(row["net"]))
        if bounds is not None and bounds[0] <= addr <= bounds[1] and (
                best is None or bounds[2] > best["net"].prefixlen):
            best = row
    return best


def tgw_route_view(row: dict[str, Any]) -> dict[str, Any]:
    """A transit gateway route as boto3's `TransitGatewayRouteTableRoute`."""
    out: dict[str, Any] = {"DestinationCidr": row["DestinationCidrBlock"], "State": row["State"],
                           "RouteOrigin": row["Type"]}
    attachments = row.get("TransitGatewayAttachments") or []
    if attachments:
        first = attachments[0]
        out["AttachmentId"] = first["TransitGatewayAttachmentId"]
        for key in ("ResourceId", "ResourceType"):
            if key in first:
                out[key] = first[key]
    return out
