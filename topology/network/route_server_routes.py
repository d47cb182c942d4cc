"""A route server's routing database (RIB and FIB) and the routes it installs in route tables.

Nothing here is stored: the routes follow from the graph each time they are read.

**What a peer advertises (ec2sim's convention).** ec2sim runs no BGP, so a peer's
announcements are tags on the `route-server-peer`, set like any tag (TagSpecifications on
CreateRouteServerPeer, CreateTags, DeleteTags):

* `ec2sim:advertise`: the prefixes the device advertises, IPv4 or IPv6 CIDRs separated by
  commas or spaces (`"192.168.10.0/24, 10.99.0.0/16"`); text that is no CIDR is ignored, as a
  route server ignores a malformed announcement;
* `ec2sim:med`: the Multi-Exit Discriminator of those routes (an integer, 0 by default).

Each advertised prefix becomes a RIB route of the peer, with the peer's address as next
hop and the peer's ASN as AS path, while the peer's BGP session is up
(`route_server_peers.is_up`); with route persistence enabled, when every session is down
the routes stay (`AreRoutesPersisted`), pointing at interfaces that may be down
(`blackhole`). Per prefix, the best route (shortest AS path, then lowest MED,
then lowest peer address, BGP's order) is `in-fib`, the others `in-rib`.

**Installation.** Each FIB route is installed in every route table the route server
propagates to, with the interface that holds the next hop as target, `Origin`
`Advertisement` and the next hop as `IpAddress`, unless the table has a route of its own for
that destination (the `local` route included), in which
case the route is `rejected` in `RouteInstallationDetails`. CreateRoute's rules hold too
(`routes.refusal`): inside the VPC, only a subnet's block; in a gateway route table, only
destinations inside the VPC.
"""
from __future__ import annotations

import ipaddress
import re
from typing import Any

from netaddr import AddrFormatError, IPNetwork

from ..core import filters as filtering
from ..core import paging, schema
from ..core.family import declare_actions
from ..core.world import Partition, World
from . import route_server_endpoints as endpoints
from . import route_server_peers as peers
from . import route_servers, routes

ADVERTISE, MED = "ec2sim:advertise", "ec2sim:med"
ORIGIN = "Advertisement"


def advertised(world: World, rsp_id: str) -> list[str]:
    """The prefixes a peer advertises (its `ec2sim:advertise` tag), in canonical form."""
    found: list[str] = []
    for text in re.split(r"[,\s]+", world.graph.nodes[rsp_id]["tags"].get(ADVERTISE, "")):
        try:
            net = IPNetwork(text).cidr if "/" in text else None
        except (AddrFormatError, ValueError):
            net = None
        if net is not None and str(net) not in found:
            found.append(str(net))
    return found


def _med(world: World, rsp_id: str) -> int:
    text = world.graph.nodes[rsp_id]["tags"].get(MED, "0")
    return int(text) if text.isdigit() else 0


def _speakers(world: World, rs_id: str) -> tuple[list[tuple[str, str]], bool]:
    """The (endpoint, peer) pairs whose routes the route server holds, and whether they are
    persisted: the peers whose session is up; with route persistence enabled and every
    session down, all the peers (AWS keeps their routes in the RIB and FIB)."""
    pairs = [(rse, rsp) for rse in endpoints.endpoints_of(world, rs_id)
             for rsp in peers.peers_of(world, rse)]
    up = [(rse, rsp) for rse, rsp in pairs if peers.is_up(world, rsp)]
    if up or not pairs or world.graph.nodes[rs_id].get("PersistRoutesState") != "enabled":
        return up, False
    return pairs, True


def persisted(world: World, rs_id: str) -> bool:
    """Whether the route server holds routes only because route persistence keeps them."""
    return _speakers(world, rs_id)[1]


def rib(world: World, rs_id: str) -> list[dict[str, Any]]:
    """Every route the route server has learnt, with its status (`in-fib` for the best of
    each prefix): rows with `Prefix`, `peer`, `endpoint`, `NextHopIp`, `AsPaths`, `Med`."""
    rows: list[dict[str, Any]] = []
    for rse, rsp in _speakers(world, rs_id)[0]:
        node = world.graph.nodes[rsp]
        for prefix in advertised(world, rsp):
            rows.append({"Prefix": prefix, "peer": rsp, "endpoint": rse,
                         "NextHopIp": node["PeerAddress"],
                         "AsPaths": [str(node["BgpOptions"]["PeerAsn"])],
                         "Med": _med(world, rsp)})
    best: dict[str, dict[str, Any]] = {}
    for row in rows:
        held = best.get(row["Prefix"])
        if held is None or _rank(row) < _rank(held):
            best[row["Prefix"]] = row
    for row in rows:
        row["RouteStatus"] = "in-fib" if best[row["Prefix"]] is row else "in-rib"
    return rows


def _rank(row: dict[str, Any]) -> tuple[int, int, int]:
    return (len(row["AsPaths"]), row["Med"], int(ipaddress.ip_address(row["NextHopIp"])))


def _rejection(world: World, rtb_id: str, prefix: str, device: str) -> str | None:
    """Why the table cannot take the route to `device`, if it cannot: a route of its own for
    the destination (the local route included), or CreateRoute's rules."""
    if any(dest == prefix for dest, _, _ in routes.table_routes(world, rtb_id)):
        return "A route with the same destination already exists in the route table."
    return routes.refusal(world, rtb_id, prefix, device)


def installed(world: World, rtb_id: str) -> list[tuple[str, str, dict[str, Any]]]:
    """(destination, next-hop interface, route data) of the route server routes the table
    carries: the FIB routes of the route servers propagating into it, not rejected."""
    found: list[tuple[str, str, dict[str, Any]]] = []
    seen: set[str] = set()
    for rs in route_servers.servers_of_table(world, rtb_id):
        for row in rib(world, rs):
            prefix = row["Prefix"]
            eni = peers.device(world, row["peer"])
            if row["RouteStatus"] != "in-fib" or prefix in seen or eni is None \
                    or _rejection(world, rtb_id, prefix, eni):
                continue
            seen.add(prefix)
            member = "DestinationIpv6CidrBlock" if ":" in prefix else "DestinationCidrBlock"
            found.append((prefix, eni, {member: prefix, "Origin": ORIGIN,
                                        "IpAddress": row["NextHopIp"]}))
    return found


def route_views(world: World, rtb_id: str) -> list[dict[str, Any]]:
    """The installed routes as boto3's `Route`."""
    out = []
    for _, eni, data in installed(world, rtb_id):
        view: dict[str, Any] = {k: v for k, v in data.items() if k != "IpAddress"}
        view["NetworkInterfaceId"] = eni
        for instance, _, _ in world.out(eni, schema.ATTACHED, "instance"):
            view.update(InstanceId=instance,
                        InstanceOwnerId=world.graph.nodes[instance]["account"])
        view.update(Origin=ORIGIN, State=routes.route_state(world, rtb_id, eni),
                    IpAddress=data["IpAddress"])
        out.append(view)
    return out


# -- GetRouteServerRoutingDatabase -----------------------------------------------------------
def _row_view(world: World, rs_id: str, row: dict[str, Any]) -> dict[str, Any]:
    details = []
    eni = peers.device(world, row["peer"])
    if row["RouteStatus"] == "in-fib" and eni is not None:
        for rtb in route_servers.propagating_tables(world, rs_id):
            reason = _rejection(world, rtb, row["Prefix"], eni)
            detail = {"RouteTableId": rtb,
                      "RouteInstallationStatus": "rejected" if reason else "installed"}
            if reason:
                detail["RouteInstallationStatusReason"] = reason
            details.append(detail)
    return {"RouteServerEndpointId": row["endpoint"], "RouteServerPeerId": row["peer"],
            "RouteInstallationDetails": details, "RouteStatus": row["RouteStatus"],
            "Prefix": row["Prefix"], "AsPaths": list(row["AsPaths"]), "Med": row["Med"],
            "NextHopIp": row["NextHopIp"]}


ROW_FILTERS: dict[str, filtering.Filter] = {
    "route-search.exact-match": filtering.Filter(lambda w, rid, r: r["Prefix"]),
    "prefix": filtering.Filter(lambda w, rid, r: r["Prefix"]),
    "route-status": filtering.Filter(lambda w, rid, r: r["RouteStatus"]),
    "route-server-peer-id": filtering.Filter(lambda w, rid, r: r["RouteServerPeerId"]),
    "route-server-endpoint-id": filtering.Filter(lambda w, rid, r: r["RouteServerEndpointId"]),
    "next-hop-ip": filtering.Filter(lambda w, rid, r: r["NextHopIp"]),
}


def routing_database(world: World, part: Partition, route_server_id: str,
                     filters: list[dict[str, Any]] | None = None,
                     max_results: int | None = None, next_token: str | None = None
                     ) -> dict[str, Any]:
    """GetRouteServerRoutingDatabase: the RIB's routes, filtered and paged."""
    world.get(part, route_servers.KIND, route_server_id)
    rows = [_row_view(world, route_server_id, r) for r in rib(world, route_server_id)]
    rows = filtering.select_rows(ROW_FILTERS, filters, rows, taggable=False)
    start = 0
    if next_token:
        start = paging.decode(next_token, f"rs-rib:{route_server_id}",
                              lambda p: isinstance(p, int) and 0 <= p <= len(rows))
    end = len(rows) if max_results is None else start + max_results
    token = paging.encode(f"rs-rib:{route_server_id}", end) if end < len(rows) else None
    return {"AreRoutesPersisted": persisted(world, route_server_id), "Routes": rows[start:end],
            "NextToken": token}


declare_actions(route_servers.KIND, {"GetRouteServerRoutingDatabase": routing_database})
