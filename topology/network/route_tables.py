"""Route tables and their associations.

A route table is a node its VPC CONTAINS; its routes are ROUTE edges (`topology.routes`).
An association is an edge `rtb -[ASSOCIATED]-> subnet | gateway | vpc` with the association
id in `id`; the edge to the VPC with `Main=True` is the main association. A subnet has at
most one explicit table (else it uses the main one); a table associated with an internet or
virtual private gateway is a *gateway route table* (edge association), holding only routes
into the VPC to interfaces or Gateway Load Balancer endpoints, and never the main table.

Every operation validates first and mutates last, so DryRun and undo-on-error hold.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from netaddr import IPNetwork

from ..core import schema
from ..core import tags as tagging
from ..core.described import Import
from ..core.errors import (DependencyViolation, InvalidParameterCombination, InvalidParameterValue,
                           MissingParameter, NotFound, TopologyError)
from ..core.family import Action, Family, declare
from ..core.filters import Filter, ident, owner
from ..core.world import Partition, World
from . import route_server_routes, vpc_blocks, vpn_gateways
from .routes import EDGE_GATEWAYS, EDGE_TARGETS
from .routes import add_local_route as add_local_route  # re-exported for vpcs/defaults
from .routes import add_route as add_route
from .routes import create_route, delete_route, home_vpc, is_gateway_table, replace_route
from .routes import route_state as route_state
from .routes import route_view as route_view
from .routes import route_views
from .routes import table_routes as routes
from .routes import vpc_of as vpc_of

__all__ = ["FILTERS", "add_local_route", "add_route", "all_route_views", "associate",
           "association", "create", "delete", "disassociate", "main_table", "replace_association",
           "route_state", "route_view", "routes", "table_for_subnet", "view", "vpc_of"]


# -- tables ----------------------------------------------------------------------------------
def create(world: World, part: Partition, vpc_id: str, *, main: bool = False,
           tags: dict[str, str] | None = None) -> str:
    """A route table in `vpc_id` holding a local route for each of the VPC's blocks."""
    rtb_id = world.new_id("rtb")
    world.add(part, "route-table", rtb_id)
    world.link(vpc_id, rtb_id, schema.CONTAINS)
    for block in vpc_blocks.blocks(world, vpc_id):
        add_local_route(world, rtb_id, vpc_id, str(block), "DestinationCidrBlock")
    for block in vpc_blocks.blocks(world, vpc_id, version=6):
        add_local_route(world, rtb_id, vpc_id, str(block), "DestinationIpv6CidrBlock")
    if main:
        world.link(rtb_id, vpc_id, schema.ASSOCIATED, id=world.new_id("rtbassoc"), Main=True)
    tagging.apply(world, rtb_id, tags or {})
    return rtb_id


def delete(world: World, part: Partition, rtb_id: str) -> None:
    """Delete a table; AWS refuses the main table and any table still associated."""
    world.get(part, "route-table", rtb_id)
    if world.out(rtb_id, schema.ASSOCIATED):
        raise DependencyViolation(
            f"The routeTable '{rtb_id}' has dependencies and cannot be deleted.")
    world.remove(rtb_id)


def main_table(world: World, vpc_id: str) -> str | None:
    for rtb, _, data in world.into(vpc_id, schema.ASSOCIATED, "route-table"):
        if data.get("Main"):
            return rtb
    return None


def table_for_subnet(world: World, subnet_id: str) -> str | None:
    """The subnet's explicitly associated table, else its VPC's main table."""
    explicit = world.into(subnet_id, schema.ASSOCIATED, "route-table")
    if explicit:
        return explicit[0][0]
    vpc = world.into(subnet_id, schema.CONTAINS, "vpc")
    return main_table(world, vpc[0][0]) if vpc else None


# -- associations ----------------------------------------------------------------------------
def associate(world: World, part: Partition, rtb_id: str, *, subnet_id: str | None = None,
              gateway_id: str | None = None, public_ipv4_pool: str | None = None) -> str:
    """Associate the table with a subnet or (edge association) a gateway; returns the id."""
    if subnet_id is not None and gateway_id is not None:
        raise InvalidParameterCombination(
            "Only one of subnetId or gatewayId may be specified.")
    if subnet_id is None and gateway_id is None:
        raise MissingParameter("Either subnetId or gatewayId must be specified.")
    world.get(part, "route-table", rtb_id)
    vpc_id = vpc_of(world, rtb_id)
    if subnet_id is not None:
        target = _subnet_target(world, part, rtb_id, vpc_id, subnet_id)
    else:
        assert gateway_id is not None
        target = _gateway_target(world, part, rtb_id, vpc_id, gateway_id)
    if world.into(target, schema.ASSOCIATED, "route-table"):
        raise TopologyError(f"the specified association for route table {rtb_id} conflicts with "
                            "an existing association", "Resource.AlreadyAssociated")
    assoc_id = world.new_id("rtbassoc")
    extra = {"PublicIpv4Pool": public_ipv4_pool} if public_ipv4_pool and gateway_id else {}
    world.link(rtb_id, target, schema.ASSOCIATED, id=assoc_id, **extra)
    return assoc_id


def _subnet_target(world: World, part: Partition, rtb_id: str, vpc_id: str, subnet_id: str
                   ) -> str:
    world.get(part, "subnet", subnet_id)
    if home_vpc(world, subnet_id) != vpc_id:
        raise InvalidParameterValue(
            f"route table {rtb_id} and subnet {subnet_id} belong to different networks")
    return subnet_id


def _gateway_target(world: World, part: Partition, rtb_id: str, vpc_id: str, gateway_id: str
                    ) -> str:
    kind = EDGE_GATEWAYS.get(gateway_id.rpartition("-")[0])
    if kind is None:
        raise InvalidParameterValue(f"invalid value for parameter gateway-id: {gateway_id}")
    world.get(part, kind, gateway_id)
    if not any(v == vpc_id for v, _, _ in world.out(gateway_id, schema.ATTACHED, "vpc")):
        raise InvalidParameterValue(
            f"route table {rtb_id} and network gateway {gateway_id} belong to different networks")
    check_edge_table(world, rtb_id, vpc_id)
    return gateway_id


def check_edge_table(world: World, rtb_id: str, vpc_id: str) -> None:
    """AWS's conditions for a table to become a gateway route table."""
    if main_table(world, vpc_id) == rtb_id:
        raise InvalidParameterValue(
            f"The main route table {rtb_id} cannot be associated with a gateway.")
    if world.out(rtb_id, schema.PROPAGATES):
        raise InvalidParameterValue(
            f"Route table {rtb_id} has route propagation enabled and cannot be associated with "
            "a gateway.")
    for dest, target, data in routes(world, rtb_id):
        kind = world.graph.nodes[target]["kind"]
        net = None if "DestinationPrefixListId" in data else IPNetwork(dest)
        if (kind != "vpc" and kind not in EDGE_TARGETS) or net is None or not any(
                net in b for b in vpc_blocks.blocks(world, vpc_id, version=net.version)):
            raise InvalidParameterValue(
                f"Route table {rtb_id} contains a route to {dest} that a gateway route table "
                "cannot hold: only routes within the VPC to local, a network interface or a "
                "Gateway Load Balancer endpoint are supported.")


def association(world: World, part: Partition, assoc_id: str) -> tuple[str, str, dict[str, Any]]:
    """(route table, associated resource, edge data) of a route table association id."""
    found = world.edge(assoc_id)
    if found is None or world.graph.nodes[found[0]]["kind"] != "route-table" or (
            world.graph.nodes[found[0]]["account"], world.graph.nodes[found[0]]["region"]) != (
            part.account, part.region):
        raise NotFound(f"The association ID '{assoc_id}' does not exist",
                       "InvalidAssociationID.NotFound")
    return found


def disassociate(world: World, part: Partition, association_id: str) -> None:
    """Remove a subnet or gateway association; the main association stays."""
    rtb_id, target, data = association(world, part, association_id)
    if data.get("Main"):
        raise InvalidParameterValue(
            f"cannot disassociate the main route table association {association_id}")
    world.unlink(rtb_id, target, schema.ASSOCIATED)


def replace_association(world: World, part: Partition, assoc_id: str, rtb_id: str) -> str:
    """Move an association (subnet, gateway or the VPC's main one) to `rtb_id`; its id."""
    old_rtb, target, data = association(world, part, assoc_id)
    world.get(part, "route-table", rtb_id)
    vpc_id = vpc_of(world, rtb_id)
    kind = world.graph.nodes[target]["kind"]
    if home_vpc(world, target) != vpc_id:
        label = {"subnet": "subnet", "vpc": "network"}.get(kind, "network gateway")
        raise InvalidParameterValue(
            f"route table {rtb_id} and {label} {target} belong to different networks")
    if kind == "vpc" and is_gateway_table(world, rtb_id):
        raise InvalidParameterValue(
            f"Route table {rtb_id} is a gateway route table and cannot be the main route table.")
    if kind in EDGE_GATEWAYS.values() and rtb_id != old_rtb:
        check_edge_table(world, rtb_id, vpc_id)
    if rtb_id == old_rtb:   # no evidence of AWS's answer; moto keeps the association
        return assoc_id
    new_id = world.new_id("rtbassoc")
    world.unlink(old_rtb, target, schema.ASSOCIATED)
    world.link(rtb_id, target, schema.ASSOCIATED, **{**data, "id": new_id})
    return new_id


# -- views -----------------------------------------------------------------------------------
def all_route_views(world: World, rtb_id: str) -> list[dict[str, Any]]:
    """The table's own routes, then those its virtual private gateways and route servers
    propagate (derived)."""
    return (route_views(world, rtb_id) + vpn_gateways.propagated_route_views(world, rtb_id)
            + route_server_routes.route_views(world, rtb_id))


def association_view(world: World, rtb_id: str, target: str, data: dict[str, Any]
                     ) -> dict[str, Any]:
    out: dict[str, Any] = {
        "Main": bool(data.get("Main")),
        "RouteTableAssociationId": data["id"],
        "RouteTableId": rtb_id,
        "AssociationState": {"State": "associated"},
    }
    kind = world.graph.nodes[target]["kind"]
    if kind == "subnet":
        out["SubnetId"] = target
    elif kind != "vpc":
        out["GatewayId"] = target
    if data.get("PublicIpv4Pool"):
        out["PublicIpv4Pool"] = data["PublicIpv4Pool"]
    return out


def associations(world: World, rtb_id: str) -> list[dict[str, Any]]:
    return [association_view(world, rtb_id, t, data)
            for t, _, data in world.out(rtb_id, schema.ASSOCIATED)]


def view(world: World, rtb_id: str) -> dict[str, Any]:
    """The route table as boto3's `RouteTable`."""
    node = world.graph.nodes[rtb_id]
    out: dict[str, Any] = {
        "RouteTableId": rtb_id,
        "VpcId": vpc_of(world, rtb_id),
        "OwnerId": node["account"],
        "Routes": all_route_views(world, rtb_id),
        "Associations": associations(world, rtb_id),
        "PropagatingVgws": [{"GatewayId": g} for g in vpn_gateways.propagating(world, rtb_id)],
    }
    # AWS lists an empty tag set (the CLI's create-route-table example; Ansible's route table info reads it)
    out["Tags"] = tagging.listed(node["tags"])
    return out


# -- filters ---------------------------------------------------------------------------------
def _assoc_values(key: str) -> Filter:
    """A filter on one member of each association."""
    return Filter(lambda w, rid, n: [a.get(key) for a in associations(w, rid)])


def _route_values(key: str) -> Filter:
    """A filter on one member of each route."""
    return Filter(lambda w, rid, n: [r.get(key) for r in all_route_views(w, rid)])


def _tables_associated_with(world: World, part: Partition, value: str) -> Iterable[str]:
    return [u for u, _, _ in world.into(value, schema.ASSOCIATED, "route-table")]


def _tables_by_association(world: World, part: Partition, value: str) -> Iterable[str]:
    found = world.edge(value)
    return [found[0]] if found is not None else []


def _tables_routing_to(world: World, part: Partition, value: str) -> Iterable[str]:
    if value == "local":   # every table has local routes
        return list(part.ids("route-table"))
    return {u for u, _, _ in world.into(value, schema.ROUTE, "route-table")} | {
        u for u, _, _ in world.into(value, schema.PROPAGATES, "route-table")}


def _routed_target(key: str) -> Filter:
    """A route target filter, answered from the targets' incoming ROUTE edges."""
    return Filter(_route_values(key).values, _tables_routing_to)


FILTERS: dict[str, Filter] = {
    "association.gateway-id": Filter(_assoc_values("GatewayId").values, _tables_associated_with),
    "association.route-table-association-id": Filter(
        _assoc_values("RouteTableAssociationId").values, _tables_by_association),
    "association.route-table-id": _assoc_values("RouteTableId"),
    "association.subnet-id": Filter(_assoc_values("SubnetId").values, _tables_associated_with),
    "association.main": _assoc_values("Main"),
    "owner-id": owner(),
    "route-table-id": ident(),
    "route.destination-cidr-block": _route_values("DestinationCidrBlock"),
    "route.destination-ipv6-cidr-block": _route_values("DestinationIpv6CidrBlock"),
    "route.destination-prefix-list-id": _route_values("DestinationPrefixListId"),
    "route.egress-only-internet-gateway-id": _routed_target("EgressOnlyInternetGatewayId"),
    "route.gateway-id": _routed_target("GatewayId"),
    "route.instance-id": _route_values("InstanceId"),
    "route.nat-gateway-id": _routed_target("NatGatewayId"),
    "route.transit-gateway-id": _routed_target("TransitGatewayId"),
    "route.origin": _route_values("Origin"),
    "route.state": _route_values("State"),
    "route.vpc-peering-connection-id": _routed_target("VpcPeeringConnectionId"),
    "vpc-id": Filter(lambda w, rid, n: vpc_of(w, rid), vpc_blocks.in_vpc("route-table"),
                     exact=True),
}


# -- import: one described item into the graph (topology/provision/importer.py) -------------
# a described route's target member -> the node kind it names
IMPORT_TARGETS = {
    "GatewayId": None,      # igw-, vgw-, vpce- or "local": told by the id's prefix
    "EgressOnlyInternetGatewayId": "egress-only-internet-gateway",
    "NatGatewayId": "nat-gateway", "TransitGatewayId": "transit-gateway",
    "VpcPeeringConnectionId": "vpc-peering-connection", "NetworkInterfaceId": "network-interface",
    "CarrierGatewayId": "carrier-gateway", "LocalGatewayId": "local-gateway",
    "InstanceId": "instance",
}
IMPORT_DESTINATIONS = ("DestinationCidrBlock", "DestinationIpv6CidrBlock",
                       "DestinationPrefixListId")


def imported(imp: Import, item: dict[str, Any]) -> None:
    """A described table its VPC CONTAINS, with its stored routes (propagated ones are
    derived) and associations (the main one ASSOCIATED with the VPC, `Main=True`)."""
    world = imp.world
    rtb_id, vpc_id = item["RouteTableId"], item.get("VpcId", "")
    if not imp.has(vpc_id, "vpc"):
        imp.skip("route-table", "its VPC was not described")
        return
    if not imp.add("route-table", rtb_id, item):
        return
    world.link(vpc_id, rtb_id, schema.CONTAINS)
    for route in item.get("Routes") or []:
        _imported_route(imp, rtb_id, vpc_id, route)
    for assoc in item.get("Associations") or []:
        state = (assoc.get("AssociationState") or {}).get("State", "associated")
        if state not in ("associated", "associating"):
            continue
        if assoc.get("Main"):
            world.link(rtb_id, vpc_id, schema.ASSOCIATED, id=assoc["RouteTableAssociationId"],
                       Main=True)
        else:
            target = assoc.get("SubnetId") or assoc.get("GatewayId")
            imp.link(rtb_id, target or "?", schema.ASSOCIATED, what="route table association",
                     id=assoc["RouteTableAssociationId"])


def _imported_route(imp: Import, rtb_id: str, vpc_id: str, route: dict[str, Any]) -> None:
    dest = next(((m, route[m]) for m in IMPORT_DESTINATIONS if route.get(m)), None)
    if dest is None:
        imp.skip("route", "no destination")
        return
    member, destination = dest
    if route.get("Origin") == "EnableVgwRoutePropagation":
        imp.skip("route", "propagated routes are derived, not stored")
        return
    target = _imported_target(imp, route, vpc_id)
    if target is None:
        imp.skip("route", "its target was not described or is not modelled")
        return
    origin = "CreateRouteTable" if target == vpc_id else route.get("Origin", "CreateRoute")
    imp.world.link(rtb_id, target, schema.ROUTE, destination, **{member: destination},
                   Origin=origin)


def _imported_target(imp: Import, route: dict[str, Any], vpc_id: str) -> str | None:
    if route.get("GatewayId") == "local":
        return vpc_id
    for member in IMPORT_TARGETS:
        value = route.get(member)
        if not value:
            continue
        if member == "InstanceId" and route.get("NetworkInterfaceId"):
            continue        # the interface is the target AWS stores
        if member == "InstanceId" and imp.has(value, "instance"):
            enis = imp.world.into(value, schema.ATTACHED, "network-interface")
            return enis[0][0] if len(enis) == 1 else None
        return value if imp.has(value) else None
    return None


__all__ += ["imported"]


# -- the family: its plain Create/Delete/Describe operations are bound from this (docs/families.md)
FAMILY = declare(Family("route-table", view=view, filters=FILTERS, delete=delete, actions={
    "CreateRoute": create_route, "ReplaceRoute": replace_route, "DeleteRoute": delete_route,
    "DisassociateRouteTable": disassociate,
    "AssociateRouteTable": Action(associate, state="associated",
                                  arguments={"rtb_id": "RouteTableId"}),
    "ReplaceRouteTableAssociation": Action(
        replace_association, state="associated",
        arguments={"assoc_id": "AssociationId", "rtb_id": "RouteTableId"})}))
