"""Transit gateway attachments: the node every type shares (lookups, creation, retirement,
DescribeTransitGatewayAttachments' view and filters) and VPN attachments, the VPN family's
contract. VPC attachments are made in `tgw_vpc_attachments`, peering ones in
`tgw_peering_attachments`.

An attachment is a `transit-gateway-attachment` node with `ResourceType` (`vpc`, `vpn`,
`peering`), `State`, `CreationTime` and `Options`; it hangs on its gateway with
`attachment -[ATTACHED]-> tgw` and is indexed in the partition's value indexes by type
(`TYPE_INDEX`) and by what it connects (`RESOURCE_INDEX`). What it connects:

* VPC: `attachment -[ASSOCIATED, "vpc"]-> vpc` and `-[ASSOCIATED, subnet_id]-> subnet`, one
  subnet per zone; in each subnet a requester-managed `transit_gateway` interface
  `eni -[ATTACHED]-> attachment` (so the subnet, hence the VPC, cannot be deleted under it);
* VPN: `vpn-connection -[ATTACHED]-> attachment` (`create_vpn_attachment`, the contract the
  VPN family calls);
* peering: `attachment -[ASSOCIATED, "peer"]-> the accepter's gateway`. One node serves both
  sides: it lives with the requester and the accepter sees it through its gateway, in its own
  account and region (views and filters take the caller's side).

Route tables associate with and propagate attachments (`topology.tgw_route_tables`): new VPC
and VPN attachments go to the gateway's default tables when those options are on; peering
attachments never do (their routes are static).

Deleted (and rejected) attachments stay visible in their last state: they keep
their gateway edges, drop their VPC and subnet edges (and interfaces) and remember those in
the internal `former` field for their views.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ..core import schema
from ..core import tags as tagging
from ..core.clock import now
from ..core.described import Import, when_or_now
from ..core.errors import Malformed, NotFound
from ..core.filters import Filter, FilterTable, field, ident
from ..core.world import Partition, World, is_id_of
from ..network import network_interfaces, routes
from . import tgw_route_tables
from . import transit_gateways as gateways

KIND = "transit-gateway-attachment"
PREFIX = "tgw-attach"
TYPE_INDEX = "tgw-attachment-type"        # value index: ResourceType -> attachment ids
RESOURCE_INDEX = "tgw-attachment-resource"  # value index: VPC/VPN/peer gateway -> attachments
POLICY_TABLE = "transit-gateway-policy-table"
GENERIC = "Transit Gateway Attachment"
VPC_LABEL = "Transit Gateway VPC Attachment"
PEERING_LABEL = "Transit Gateway Peering Attachment"
VPC_OPTIONS: dict[str, str] = {
    "DnsSupport": "enable",
    "SecurityGroupReferencingSupport": "enable",   # on for attachments, off for gateways
    "Ipv6Support": "disable",
    "ApplianceModeSupport": "disable",
}
GONE = {"deleting", "deleted"}
MODIFIABLE_STATES = {"available", "pending", "modifying"}
ENI_DESCRIPTION = "Network Interface for Transit Gateway Attachment {id}"
# what lets go of an attachment taken out of service (policy table and multicast domain
# associations, metering policies' middleboxes)
RELEASED_WITH = frozenset({"transit-gateway-policy-table", "transit-gateway-multicast-domain",
                           "transit-gateway-metering-policy"})


# -- lookups ----------------------------------------------------------------------------------
def not_found(attach_id: str, label: str = GENERIC) -> NotFound | Malformed:
    if not is_id_of(PREFIX, attach_id):
        return Malformed(f"Invalid Transit Gateway Attachment id {attach_id}.",
                         "InvalidTransitGatewayAttachmentID.Malformed")
    return NotFound(f"{label} {attach_id} was deleted or does not exist.",
                    "InvalidTransitGatewayAttachmentID.NotFound")


def home(node: dict[str, Any]) -> tuple[str, str]:
    return node["account"], node["region"]


def mine(part: Partition) -> tuple[str, str]:
    return part.account, part.region


def peer_gateway(world: World, attach_id: str) -> str | None:
    found = [v for v, disc, _ in world.out(attach_id, schema.ASSOCIATED, gateways.KIND)
             if disc == "peer"]
    return found[0] if found else None


def gateway_of(world: World, attach_id: str) -> str | None:
    found = world.out(attach_id, schema.ATTACHED, gateways.KIND)
    return found[0][0] if found else None


def visible(world: World, part: Partition, attach_id: str) -> bool:
    """The caller's own attachment, one on its gateway from another account (a shared
    gateway), or a peering attachment to one of its gateways."""
    node = world.graph.nodes[attach_id]
    if home(node) == mine(part):
        return True
    return any(g is not None and home(world.graph.nodes[g]) == mine(part)
               for g in (gateway_of(world, attach_id), peer_gateway(world, attach_id)))


# the gateway's owner (a shared gateway) and a peering accepter tag their own side of an
# attachment, as the Terraform accepter resources do (AWS keeps each side's tags apart)
tagging.OTHER_SIDES.add(KIND, visible)


def get(world: World, part: Partition, attach_id: str, *, rtype: str | None = None,
        label: str = GENERIC, live: bool = True) -> dict[str, Any]:
    """An attachment the caller can see, of `rtype` if given; `live` refuses a deleted one."""
    node = world.node(attach_id)
    if node is None or node["kind"] != KIND or not visible(world, part, attach_id) or (
            rtype is not None and node.get("ResourceType") != rtype) or (
            live and node["State"] in GONE):
        raise not_found(attach_id, label)
    return node


def of_type(world: World, part: Partition, rtype: str) -> list[str]:
    """The partition's own attachments of a type, in creation order."""
    nodes = world.graph.nodes
    return sorted(world.claimed(part, TYPE_INDEX, rtype), key=lambda a: nodes[a]["seq"])


def foreign_peerings(world: World, part: Partition) -> list[str]:
    """Attachments other accounts or regions made to the caller's gateways: peering
    requests, and VPC attachments on a gateway it shares."""
    found = []
    for tgw in part.ids(gateways.KIND):
        edges = [(a, disc) for a, disc, _ in world.into(tgw, schema.ASSOCIATED, KIND)
                 if disc == "peer"]
        edges += [(a, None) for a, _, _ in world.into(tgw, schema.ATTACHED, KIND)]
        for attach_id, _ in edges:
            if home(world.graph.nodes[attach_id]) != mine(part):
                found.append(attach_id)
    return found


# -- creation and retirement --------------------------------------------------------------------
def add_node(world: World, part: Partition, tgw_id: str, rtype: str, *, state: str,
         tags: dict[str, str] | None = None, **fields: Any) -> str:
    attach_id = world.new_id(PREFIX)
    world.add(part, KIND, attach_id, ResourceType=rtype, State=state, CreationTime=now(),
              **fields)
    world.claim(part, TYPE_INDEX, rtype, attach_id)
    world.link(attach_id, tgw_id, schema.ATTACHED)
    tagging.apply(world, attach_id, tags or {})
    return attach_id


def default_routing(world: World, part: Partition, tgw_id: str, attach_id: str) -> None:
    """Associate with and propagate to the gateway's default tables, where those are on."""
    table = gateways.default_table(world, tgw_id, "DefaultRouteTableAssociation")
    if table is not None:
        tgw_route_tables.associate(world, part, table, attach_id)
    table = gateways.default_table(world, tgw_id, "DefaultRouteTablePropagation")
    if table is not None:
        tgw_route_tables.enable_propagation(world, part, table, attach_id)


def retire(world: World, part: Partition, attach_id: str, state: str = "deleted") -> None:
    """Take an attachment out of service: associations and propagations go (its static routes
    read blackhole), its interfaces go, the node stays in its final state."""
    tgw_route_tables.release_attachment(world, part, attach_id)
    for holder, disc, _ in list(world.into(attach_id, schema.ASSOCIATED)):
        if world.graph.nodes[holder]["kind"] in RELEASED_WITH:
            world.unlink(holder, attach_id, schema.ASSOCIATED, disc)
    for eni, _, _ in world.into(attach_id, schema.ATTACHED, "network-interface"):
        network_interfaces.delete(world, part, eni, service=True)
    # what it connected, for its views once the VPC and subnets themselves are gone
    former = {"VpcId": vpc_of(world, attach_id), "SubnetIds": subnet_list(world, attach_id)}
    for target, disc, _ in world.out(attach_id, schema.ASSOCIATED):
        if disc != "peer":
            world.unlink(attach_id, target, schema.ASSOCIATED, disc)
    world.update(attach_id, State=state, former=former)


def subnet_list(world: World, attach_id: str) -> list[str]:
    """The attachment's subnets, in the order they were attached (a retired attachment:
    the ones it had)."""
    former = world.graph.nodes[attach_id].get("former")
    if former is not None:
        return list(former["SubnetIds"])
    return [s for s, _, _ in world.out(attach_id, schema.ASSOCIATED, "subnet")]


def vpc_of(world: World, attach_id: str) -> str | None:
    former = world.graph.nodes[attach_id].get("former")
    if former is not None:
        return former["VpcId"]
    found = [v for v, disc, _ in world.out(attach_id, schema.ASSOCIATED, "vpc") if disc == "vpc"]
    return found[0] if found else None


def vpc_attached(world: World, tgw_id: str, vpc_id: str) -> bool:
    """Whether the VPC has a non-deleted attachment to the gateway (what a VPC route to the
    gateway needs)."""
    nodes = world.graph.nodes
    return any(disc == "vpc" and nodes[a]["State"] not in gateways.FINISHED | GONE
               and gateway_of(world, a) == tgw_id
               for a, disc, _ in world.into(vpc_id, schema.ASSOCIATED, KIND))


def check_route(world: World, rtb_id: str, vpc_id: str, tgw_id: str) -> None:
    """A route to a transit gateway needs the VPC attached to it: until then AWS answers as
    if the gateway did not exist."""
    if not vpc_attached(world, tgw_id, vpc_id):
        raise NotFound(f"The transitGateway ID '{tgw_id}' does not exist.",
                       "InvalidTransitGatewayID.NotFound")


routes.TARGETS.add("transit-gateway", routes.RouteTarget(check_route, vpc_attached))


# -- VPN attachments (the VPN family's contract) --------------------------------------------------
def create_vpn_attachment(world: World, part: Partition, tgw_id: str, vpn_id: str) -> str:
    """Attach a VPN connection to a gateway; its id. The VPN node should exist already: it
    gets `vpn -[ATTACHED]-> attachment`. Default association and propagation apply."""
    gateways.get(world, part, tgw_id)
    attach_id = add_node(world, part, tgw_id, "vpn", state="available", ResourceId=vpn_id)
    world.claim(part, RESOURCE_INDEX, vpn_id, attach_id)
    if world.node(vpn_id) is not None:
        world.link(vpn_id, attach_id, schema.ATTACHED)
    default_routing(world, part, tgw_id, attach_id)
    return attach_id


def delete_vpn_attachment(world: World, part: Partition, attach_id: str) -> None:
    """Retire a VPN attachment (its VPN connection is being deleted)."""
    node = world.node(attach_id)
    if node is not None and node["kind"] == KIND and node["State"] not in GONE:
        retire(world, part, attach_id)




# -- views ----------------------------------------------------------------------------------------
def tag_list(node: dict[str, Any]) -> list[dict[str, str]]:
    return tagging.listed(node["tags"])


def sides(world: World, part: Partition, attach_id: str) -> tuple[str | None, str | None]:
    """(local gateway, remote end) of an attachment as the caller sees it: for a peering
    attachment seen by its accepter, the accepter's gateway and the requester's."""
    own, peer = gateway_of(world, attach_id), peer_gateway(world, attach_id)
    if peer is not None and home(world.graph.nodes[attach_id]) != mine(part) \
            and home(world.graph.nodes[peer]) == mine(part):
        return peer, own
    return own, peer


def resource_of(world: World, part: Partition, attach_id: str) -> str | None:
    """The attached resource's id: the VPC, the VPN connection, or the other gateway."""
    rtype = world.graph.nodes[attach_id].get("ResourceType")
    if rtype == "vpc":
        return vpc_of(world, attach_id)
    if rtype == "peering":
        return sides(world, part, attach_id)[1]
    found = world.into(attach_id, schema.ATTACHED, "vpn-connection")
    return found[0][0] if found else world.graph.nodes[attach_id].get("ResourceId")


def owner_of(world: World, rid: str | None, fallback: str) -> str:
    node = world.graph.nodes.get(rid) if rid is not None else None
    return node["account"] if node is not None else fallback


def association(world: World, part: Partition, attach_id: str) -> dict[str, Any] | None:
    local = sides(world, part, attach_id)[0]
    if local is None:
        return None
    rtb = tgw_route_tables.associated_table(world, attach_id, local)
    if rtb is None:
        # or a policy table of the gateway (`tgw_policy_tables`)
        policy = [p for p, _, _ in world.into(attach_id, schema.ASSOCIATED, POLICY_TABLE)
                  if world.into(p, schema.CONTAINS, gateways.KIND)[0][0] == local]
        return {"TransitGatewayPolicyTableId": policy[0], "State": "associated"} \
            if policy else None
    data = world.graph.edges[rtb, attach_id, (schema.ASSOCIATED, None)]
    return {"TransitGatewayRouteTableId": rtb, "State": data.get("State", "associated")}


def attachment_view(world: World, part: Partition, attach_id: str) -> dict[str, Any]:
    """boto3's `TransitGatewayAttachment`, from the caller's side."""
    node = world.graph.nodes[attach_id]
    local = sides(world, part, attach_id)[0]
    resource = resource_of(world, part, attach_id)
    out: dict[str, Any] = {"TransitGatewayAttachmentId": attach_id}
    if local is not None:
        out["TransitGatewayId"] = local
        out["TransitGatewayOwnerId"] = world.graph.nodes[local]["account"]
    out["ResourceOwnerId"] = owner_of(world, resource, node["account"])
    out["ResourceType"] = node["ResourceType"]
    if resource is not None:
        out["ResourceId"] = resource
    out["State"] = node["State"]
    found = association(world, part, attach_id)
    if found is not None:
        out["Association"] = found
    out["CreationTime"] = node["CreationTime"]
    out["Tags"] = tagging.listed(tagging.tags_of(world, part, attach_id))
    return out


# -- filters --------------------------------------------------------------------------------------
TYPE_FILTER = "ec2sim:resource-type"     # internal: restricts a describe to one type


def by_type() -> Filter:
    return Filter(lambda w, rid, n: n.get("ResourceType"),
                  lambda w, part, value: w.claimed(part, TYPE_INDEX, value), exact=True)


def on_gateway(world: World, part: Partition, value: str) -> list[str]:
    return [a for a, _, _ in world.into(value, schema.ATTACHED, KIND)] if value in world.graph \
        else []


def with_resource(world: World, part: Partition, value: str) -> Iterable[str]:
    """The partition's attachments of a VPC, VPN connection or peer gateway, deleted ones
    included (the index outlives the edges)."""
    return world.claimed(part, RESOURCE_INDEX, value)


def in_table(world: World, part: Partition, value: str) -> list[str]:
    if value not in world.graph:
        return []
    return [a for a, _, _ in world.out(value, schema.ASSOCIATED, KIND)]


def attachment_filters(part: Partition) -> FilterTable:
    """DescribeTransitGatewayAttachments' filters, seen from the caller's side."""
    def assoc(name: str) -> Callable[[World, str, dict[str, Any]], Any]:
        def values(world: World, rid: str, node: dict[str, Any]) -> Any:
            found = association(world, part, rid)
            return found[name] if found else None
        return values

    def local(world: World, rid: str, node: dict[str, Any]) -> str | None:
        return sides(world, part, rid)[0]

    def resource(world: World, rid: str, node: dict[str, Any]) -> str | None:
        return resource_of(world, part, rid)

    return {
        "association.state": Filter(assoc("State")),
        "association.transit-gateway-route-table-id": Filter(
            assoc("TransitGatewayRouteTableId"), in_table),
        "resource-id": Filter(resource, with_resource, exact=True),
        "resource-owner-id": Filter(
            lambda w, rid, n: owner_of(w, resource(w, rid, n), n["account"])),
        "resource-type": by_type(),
        "state": field("State"),
        "transit-gateway-attachment-id": ident(),
        "transit-gateway-id": Filter(local, on_gateway, exact=True),
        "transit-gateway-owner-id": Filter(lambda w, rid, n: owner_of(w, local(w, rid, n), "")),
    }


# -- import (topology/provision/importer.py) -------------------------------------------------
def imported_node(imp: Import, attach_id: str, tgw_id: str, rtype: str,
                   item: dict[str, Any], **fields: Any) -> bool:
    """The attachment node on its gateway (as `_add` makes it)."""
    if not imp.has(tgw_id, "transit-gateway"):
        imp.skip(KIND, f"its transit gateway {tgw_id} was not described")
        return False
    if not imp.add(KIND, attach_id, item, ResourceType=rtype,
                   State=item.get("State", "available"),
                   CreationTime=when_or_now(item.get("CreationTime")), **fields):
        return False
    imp.world.claim(imp.part, TYPE_INDEX, rtype, attach_id)
    imp.world.link(attach_id, tgw_id, schema.ATTACHED)
    return True


