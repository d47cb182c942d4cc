"""Route tables: routes as ROUTE edges, associations as ASSOCIATED edges.

* A route is an edge `rtb -[ROUTE, destination]-> target` whose data holds the destination
  member (`DestinationCidrBlock`, `DestinationIpv6CidrBlock` or `DestinationPrefixListId`)
  and `Origin`. The `local` route points at the VPC itself. The target's id member
  (`GatewayId`, `NatGatewayId`, ...) follows from the target's kind; a route whose target
  was deleted (a tombstone node) or is not usable from this VPC is a `blackhole`.
* An association is an edge `rtb -[ASSOCIATED]-> subnet | gateway | vpc` with the
  association id in `id`; the edge to the VPC with `Main=True` is the main association.
"""
from __future__ import annotations

from typing import Any

from . import schema
from .world import Partition, World

# target kind -> the Route member naming it
TARGET_MEMBER: dict[str, str] = {
    "vpc": "GatewayId",                       # the local route: GatewayId "local"
    "internet-gateway": "GatewayId",
    "vpn-gateway": "GatewayId",
    "vpc-endpoint": "GatewayId",
    "nat-gateway": "NatGatewayId",
    "vpc-peering-connection": "VpcPeeringConnectionId",
    "transit-gateway": "TransitGatewayId",
    "network-interface": "NetworkInterfaceId",
    "instance": "InstanceId",
    "egress-only-internet-gateway": "EgressOnlyInternetGatewayId",
    "carrier-gateway": "CarrierGatewayId",
    "local-gateway": "LocalGatewayId",
    "core-network": "CoreNetworkArn",
}
DESTINATION_MEMBERS = ("DestinationCidrBlock", "DestinationIpv6CidrBlock", "DestinationPrefixListId")


def create(world: World, part: Partition, vpc_id: str, *, main: bool = False,
           tags: dict[str, str] | None = None) -> str:
    """A route table in `vpc_id` holding a local route for each of the VPC's blocks."""
    from . import vpcs

    rtb_id = world.new_id("rtb")
    world.add(part, "route-table", rtb_id)
    world.link(vpc_id, rtb_id, schema.CONTAINS)
    for block in vpcs.blocks(world, vpc_id):
        add_local_route(world, rtb_id, vpc_id, str(block), "DestinationCidrBlock")
    for block in vpcs.blocks(world, vpc_id, version=6):
        add_local_route(world, rtb_id, vpc_id, str(block), "DestinationIpv6CidrBlock")
    if main:
        world.link(rtb_id, vpc_id, schema.ASSOCIATED, id=world.new_id("rtbassoc"), Main=True)
    for key, value in (tags or {}).items():
        world.tag(rtb_id, key, value)
    return rtb_id


def add_local_route(world: World, rtb_id: str, vpc_id: str, destination: str, member: str) -> None:
    world.link(rtb_id, vpc_id, schema.ROUTE, destination, **{member: destination},
               Origin="CreateRouteTable")


def add_route(world: World, rtb_id: str, target_id: str, destination: str, member: str,
              *, origin: str = "CreateRoute") -> None:
    """Add the route `destination -> target_id` (validation is the caller's)."""
    world.link(rtb_id, target_id, schema.ROUTE, destination, **{member: destination},
               Origin=origin)


def vpc_of(world: World, rtb_id: str) -> str:
    return world.into(rtb_id, schema.CONTAINS, "vpc")[0][0]


def routes(world: World, rtb_id: str) -> list[tuple[str, str, dict[str, Any]]]:
    """(destination, target id, edge data) for each route of the table."""
    return [(dest, target, data) for target, dest, data in world.out(rtb_id, schema.ROUTE)]


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


def route_state(world: World, rtb_id: str, target: str) -> str:
    """`active`, or `blackhole` when the target is gone or not usable from this VPC."""
    node = world.graph.nodes[target]
    if node.get("deleted"):
        return "blackhole"
    kind = node["kind"]
    if kind in ("internet-gateway", "vpn-gateway", "egress-only-internet-gateway"):
        attached = world.out(target, schema.ATTACHED)
        return "active" if any(v == vpc_of(world, rtb_id) for v, _, _ in attached) else "blackhole"
    if node.get("State") in ("deleted", "deleting", "failed", "rejected", "expired"):
        return "blackhole"
    return "active"


def route_view(world: World, rtb_id: str, destination: str, target: str,
               data: dict[str, Any]) -> dict[str, Any]:
    node = world.graph.nodes[target]
    out = {k: data[k] for k in DESTINATION_MEMBERS if k in data}
    member = TARGET_MEMBER[node["kind"]]
    if node["kind"] == "vpc":
        out[member] = "local"
    else:
        out[member] = node.get("Arn", target) if member == "CoreNetworkArn" else target
    if node["kind"] == "network-interface" and not node.get("deleted"):
        attached = world.out(target, schema.ATTACHED, "instance")
        if attached:
            out["InstanceId"] = attached[0][0]
            out["InstanceOwnerId"] = node["account"]
    out["Origin"] = data["Origin"]
    out["State"] = route_state(world, rtb_id, target)
    return out


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
    return out


def view(world: World, rtb_id: str) -> dict[str, Any]:
    """The route table as boto3's `RouteTable`."""
    node = world.graph.nodes[rtb_id]
    out: dict[str, Any] = {
        "RouteTableId": rtb_id,
        "VpcId": vpc_of(world, rtb_id),
        "OwnerId": node["account"],
        "Routes": [route_view(world, rtb_id, d, t, data) for d, t, data in routes(world, rtb_id)],
        "Associations": [association_view(world, rtb_id, t, data)
                         for t, _, data in world.out(rtb_id, schema.ASSOCIATED)],
        "PropagatingVgws": [{"GatewayId": g} for g in node.get("propagating", [])],
    }
    if node["tags"]:
        out["Tags"] = [{"Key": k, "Value": v} for k, v in node["tags"].items()]
    return out
