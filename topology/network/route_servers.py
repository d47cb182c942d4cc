"""VPC Route Server: BGP route servers, their VPC associations and route table propagations.

A `route-server` node holds `AmazonSideAsn`, `PersistRoutesState` (`enabled`/`disabled`),
`PersistRoutesDuration` (minutes, while enabled), `SnsNotificationsEnabled` and, when
enabled, `SnsTopicArn`. Its association with a VPC is an ASSOCIATED edge route-server -> vpc;
a route table that receives its routes has a PROPAGATES edge route-table -> route-server.
`route_server_associations` makes and ends associations. Endpoints
(`route_server_endpoints`) and peers (`route_server_peers`) hang below; the
routes the peers advertise, and where they are installed, are derived
(`route_server_routes`).

AWS's rules kept here: the ASN is 1-4294967295; the persist duration 1-5 minutes (1 by
default); `reset` is a modification, not a creation value; a route server is associated
with one VPC and a VPC with one route server; a route server with an association cannot be
deleted, nor an association with endpoints in the VPC be removed; propagation needs the
route server associated with the table's VPC and is not for a table associated with a
virtual private gateway. Creates, modifies and deletes answer the transitional state
(`pending`, `modifying`, `deleting`), associations `associating`/`disassociating`,
propagations `pending`/`deleting`; describes show them settled. A deleted route server,
endpoint or peer stays in describes as `deleted` (`retire`); acting on it is IncorrectState.
"""
from __future__ import annotations

import dataclasses
from typing import Any, Callable

from ..core import schema
from ..core import tags as tagging
from ..core.errors import IncorrectState, InvalidParameterValue, TopologyError
from ..core.family import Action, Family, declare
from ..core.filters import Filter, field, ident
from ..core.lookups import vpc_of
from ..core.world import Partition, World

KIND = "route-server"
MAX_ASN = 4294967295
PERSIST = {"enable": "enabled", "disable": "disabled"}


def _check_asn(asn: int) -> None:
    if not 1 <= asn <= MAX_ASN:
        raise InvalidParameterValue(
            f"Value ({asn}) for parameter amazonSideAsn is invalid. The ASN must be between 1 "
            f"and {MAX_ASN}.")


def _persistence(persist: str | None, duration: int | None, current: str = "disabled"
                 ) -> dict[str, Any]:
    """The persistence fields a request sets (`reset` keeps the current state)."""
    if duration is not None and not 1 <= duration <= 5:
        raise InvalidParameterValue(
            f"Value ({duration}) for parameter persistRoutesDuration is invalid. The duration "
            "must be between 1 and 5 minutes.")
    state = current if persist in (None, "reset") else PERSIST[persist]
    if duration is not None and state != "enabled":
        raise InvalidParameterValue(
            "persistRoutesDuration can be specified only when persistRoutes is enabled.")
    return {"PersistRoutesState": state,
            "PersistRoutesDuration": (duration or 1) if state == "enabled" else None}


def _sns(world: World, rs_id: str, enabled: bool) -> dict[str, Any]:
    node = world.graph.nodes[rs_id]
    arn = (f"arn:aws:sns:{node['region']}:{node['account']}:route-server-{rs_id}"
           if enabled else None)
    return {"SnsNotificationsEnabled": enabled, "SnsTopicArn": arn}


def create(world: World, part: Partition, amazon_side_asn: int,
           persist_routes: str | None = None, persist_routes_duration: int | None = None,
           sns_notifications_enabled: bool | None = None, *,
           tags: dict[str, str] | None = None) -> str:
    """A route server with the given BGP ASN; its id."""
    _check_asn(amazon_side_asn)
    if persist_routes == "reset":
        raise InvalidParameterValue(
            "Value (reset) for parameter persistRoutes is invalid. Allowed values are enable "
            "and disable.")
    fields = _persistence(persist_routes, persist_routes_duration)
    rs_id = world.new_id("rs")
    world.add(part, KIND, rs_id, AmazonSideAsn=amazon_side_asn, State="available",
              **{k: v for k, v in fields.items() if v is not None})
    world.update(rs_id, **_sns(world, rs_id, bool(sns_notifications_enabled)))
    tagging.apply(world, rs_id, tags or {})
    return rs_id


def modify(world: World, part: Partition, route_server_id: str,
           persist_routes: str | None = None, persist_routes_duration: int | None = None,
           sns_notifications_enabled: bool | None = None) -> str:
    node = live(world, part, KIND, route_server_id)
    if persist_routes is not None or persist_routes_duration is not None:
        fields = _persistence(persist_routes, persist_routes_duration,
                              node["PersistRoutesState"])
        if fields["PersistRoutesState"] == "enabled" and persist_routes_duration is None:
            fields["PersistRoutesDuration"] = node.get("PersistRoutesDuration") or 1
        world.update(route_server_id, **fields)
    if sns_notifications_enabled is not None:
        world.update(route_server_id, **_sns(world, route_server_id, sns_notifications_enabled))
    return route_server_id


def delete(world: World, part: Partition, route_server_id: str) -> dict[str, Any]:
    """Delete a route server no VPC is associated with; the answer shows it `deleting`."""
    live(world, part, KIND, route_server_id)
    if associated_vpc(world, route_server_id):
        raise IncorrectState(f"Route server {route_server_id} is associated with a VPC and "
                             "cannot be deleted.", "IncorrectState")
    answer = {**view(world, route_server_id), "State": "deleting"}
    retire(world, route_server_id)
    return answer


# -- deleted resources -----------------------------------------------------------------------
# AWS goes on describing a deleted route server, endpoint or peer as `deleted` (Terraform's
# finders skip those, aws-nuke filters them out) and refuses to act on one (IncorrectState).
def live(world: World, part: Partition, kind: str, rid: str) -> dict[str, Any]:
    """The node of `kind`, refused with IncorrectState once it is deleted."""
    node = world.get(part, kind, rid)
    if node.get("State") == "deleted":
        label = schema.KINDS[kind].label
        raise IncorrectState(f"The {label} {rid} is in the deleted state.", "IncorrectState")
    return node


def retire(world: World, rid: str, final: dict[str, Any] | None = None) -> None:
    """Keep `rid` as AWS shows it once deleted: `deleted`, joined to nothing, and (for a kind
    whose view reads its neighbours) the members it had, `final`."""
    graph = world.graph
    for u, v, (etype, disc) in [*graph.in_edges(rid, keys=True),
                                *graph.out_edges(rid, keys=True)]:
        world.unlink(u, v, etype, disc)
    world.update(rid, State="deleted", final=final and {**final, "State": "deleted"})


def settled(view_fn: Callable[[World, str], dict[str, Any]]
            ) -> Callable[[World, str], dict[str, Any]]:
    """`view_fn`, or the final members of a deleted resource (with its tags)."""
    def shown(world: World, rid: str) -> dict[str, Any]:
        node = world.graph.nodes[rid]
        if node.get("final") is None:
            return view_fn(world, rid)
        return {**node["final"], "Tags": tagging.listed(node["tags"])}
    return shown


def settled_filters(table: dict[str, Filter], members: dict[str, str]) -> dict[str, Filter]:
    """`table`, each filter reading a deleted resource's final member (`members`: filter
    name -> member) instead of neighbours it no longer has."""
    def kept(name: str, flt: Filter) -> Filter:
        def values(world: World, rid: str, node: dict[str, Any]) -> Any:
            if node.get("final") is None:
                return flt.values(world, rid, node)
            return node["final"].get(members[name]) if name in members else None
        return dataclasses.replace(flt, values=values)
    return {name: kept(name, flt) for name, flt in table.items()}


# -- associations ----------------------------------------------------------------------------
def associated_vpc(world: World, rs_id: str) -> str | None:
    found = world.out(rs_id, schema.ASSOCIATED, "vpc")
    return found[0][0] if found else None


def server_of_vpc(world: World, vpc_id: str) -> str | None:
    found = world.into(vpc_id, schema.ASSOCIATED, KIND)
    return found[0][0] if found else None


# -- propagation -----------------------------------------------------------------------------
def propagating_tables(world: World, rs_id: str) -> list[str]:
    return [rtb for rtb, _, _ in world.into(rs_id, schema.PROPAGATES, "route-table")]


def servers_of_table(world: World, rtb_id: str) -> list[str]:
    return [rs for rs, _, _ in world.out(rtb_id, schema.PROPAGATES, KIND)]


def _propagation(rs_id: str, rtb_id: str, state: str) -> dict[str, Any]:
    return {"RouteServerId": rs_id, "RouteTableId": rtb_id, "State": state}


def enable_propagation(world: World, part: Partition, route_server_id: str,
                       route_table_id: str) -> dict[str, Any]:
    """Install the route server's best routes in the table (enabling twice: no change)."""
    live(world, part, KIND, route_server_id)
    world.get(part, "route-table", route_table_id)
    vpc_id = vpc_of(world, route_table_id)
    if associated_vpc(world, route_server_id) != vpc_id:
        raise TopologyError(f"Route server {route_server_id} is not associated with VPC "
                            f"{vpc_id}.", "InvalidRouteServerId.NotAssociated")
    if any(world.graph.nodes[g]["kind"] == "vpn-gateway"
           for g, _, _ in world.out(route_table_id, schema.ASSOCIATED)):
        raise InvalidParameterValue(
            f"Route table {route_table_id} is associated with a virtual private gateway; route "
            "server propagation is not supported for it.")
    if route_server_id not in servers_of_table(world, route_table_id):
        world.link(route_table_id, route_server_id, schema.PROPAGATES)
    return _propagation(route_server_id, route_table_id, "pending")


def disable_propagation(world: World, part: Partition, route_server_id: str,
                        route_table_id: str) -> dict[str, Any]:
    world.get(part, KIND, route_server_id)
    world.get(part, "route-table", route_table_id)
    if route_server_id not in servers_of_table(world, route_table_id):
        raise TopologyError(f"Route server {route_server_id} does not propagate to route "
                            f"table {route_table_id}.", "InvalidRouteServerId.NotPropagated")
    world.unlink(route_table_id, route_server_id, schema.PROPAGATES)
    return _propagation(route_server_id, route_table_id, "deleting")


def propagations(world: World, part: Partition, route_server_id: str,
                 route_table_id: str | None = None) -> list[dict[str, Any]]:
    world.get(part, KIND, route_server_id)
    if route_table_id is not None:
        world.get(part, "route-table", route_table_id)
    return [_propagation(route_server_id, rtb, "available")
            for rtb in propagating_tables(world, route_server_id)
            if route_table_id in (None, rtb)]


# -- views and filters -----------------------------------------------------------------------
MEMBERS = ("AmazonSideAsn", "State", "PersistRoutesState", "PersistRoutesDuration",
           "SnsNotificationsEnabled", "SnsTopicArn")


def view(world: World, rs_id: str) -> dict[str, Any]:
    """The route server as boto3's `RouteServer`."""
    node = world.graph.nodes[rs_id]
    out: dict[str, Any] = {"RouteServerId": rs_id}
    out.update({k: node[k] for k in MEMBERS if node.get(k) is not None})
    out["Tags"] = tagging.listed(node["tags"])
    return out


FILTERS: dict[str, Filter] = {
    "route-server-id": ident(),
    "amazon-side-asn": field("AmazonSideAsn"),
    "state": field("State"),
    "persist-routes-state": field("PersistRoutesState"),
    "sns-notifications-enabled": field("SnsNotificationsEnabled"),
    "vpc-id": Filter(lambda w, rid, n: associated_vpc(w, rid)),
}

FAMILY = declare(Family(
    KIND, view=view, filters=FILTERS, create=create, delete=delete,
    created_view=lambda world, rid: {**view(world, rid), "State": "pending"},
    actions={"ModifyRouteServer": Action(modify, state="modifying"),
             "EnableRouteServerPropagation": enable_propagation,
             "DisableRouteServerPropagation": disable_propagation,
             "GetRouteServerPropagations": propagations}))
