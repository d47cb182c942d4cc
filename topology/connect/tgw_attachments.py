"""Transit gateway attachments: VPC, VPN and peering attachments, and their views.

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

AWS's rules kept here: one non-deleted VPC attachment per VPC and gateway
(`DuplicateTransitGatewayAttachment`), subnets of that VPC in distinct zones
(`DuplicateSubnetsInSameZone`), at least one subnet left after a modify; a peering request is
accepted or rejected only by the accepter, only while `pendingAcceptance`; either side may
delete it. Deleted (and rejected) attachments stay visible in their last state: they keep
their gateway edges, drop their VPC and subnet edges (and interfaces) and remember those in
the internal `former` field for their views.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from typing import Any

from ..core import tags as tagging
from ..core import regions, schema
from ..core.described import Import, when_or_now
from ..network import network_interfaces, routes, subnets
from . import tgw_route_tables
from . import transit_gateways as gateways
from ..core.errors import IncorrectState, InvalidParameterValue, Malformed, NotFound, TopologyError
from ..core.filters import Filter, FilterTable, field, ident
from ..core.world import Partition, World, is_id_of, not_found as kind_not_found

KIND = "transit-gateway-attachment"
PREFIX = "tgw-attach"
TYPE_INDEX = "tgw-attachment-type"        # value index: ResourceType -> attachment ids
RESOURCE_INDEX = "tgw-attachment-resource"  # value index: VPC/VPN/peer gateway -> attachments
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
ACCOUNT = re.compile(r"\d{12}")


# -- lookups ----------------------------------------------------------------------------------
def not_found(attach_id: str, label: str = GENERIC) -> NotFound | Malformed:
    if not is_id_of(PREFIX, attach_id):
        return Malformed(f"Invalid Transit Gateway Attachment id {attach_id}.",
                         "InvalidTransitGatewayAttachmentID.Malformed")
    return NotFound(f"{label} {attach_id} was deleted or does not exist.",
                    "InvalidTransitGatewayAttachmentID.NotFound")


def _home(node: dict[str, Any]) -> tuple[str, str]:
    return node["account"], node["region"]


def _mine(part: Partition) -> tuple[str, str]:
    return part.account, part.region


def peer_gateway(world: World, attach_id: str) -> str | None:
    found = [v for v, disc, _ in world.out(attach_id, schema.ASSOCIATED, gateways.KIND)
             if disc == "peer"]
    return found[0] if found else None


def gateway_of(world: World, attach_id: str) -> str | None:
    found = world.out(attach_id, schema.ATTACHED, gateways.KIND)
    return found[0][0] if found else None


def visible(world: World, part: Partition, attach_id: str) -> bool:
    """The caller's own attachment, or a peering attachment to one of its gateways."""
    node = world.graph.nodes[attach_id]
    if _home(node) == _mine(part):
        return True
    peer = peer_gateway(world, attach_id)
    return peer is not None and _home(world.graph.nodes[peer]) == _mine(part)


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
    """Peering attachments other accounts or regions requested to the caller's gateways."""
    found = []
    for tgw in part.ids(gateways.KIND):
        for attach_id, disc, _ in world.into(tgw, schema.ASSOCIATED, KIND):
            if disc == "peer" and _home(world.graph.nodes[attach_id]) != _mine(part):
                found.append(attach_id)
    return found


# -- creation and retirement --------------------------------------------------------------------
def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def _add(world: World, part: Partition, tgw_id: str, rtype: str, *, state: str,
         tags: dict[str, str] | None = None, **fields: Any) -> str:
    attach_id = world.new_id(PREFIX)
    world.add(part, KIND, attach_id, ResourceType=rtype, State=state, CreationTime=_now(),
              **fields)
    world.claim(part, TYPE_INDEX, rtype, attach_id)
    world.link(attach_id, tgw_id, schema.ATTACHED)
    tagging.apply(world, attach_id, tags or {})
    return attach_id


def _default_routing(world: World, part: Partition, tgw_id: str, attach_id: str) -> None:
    """Associate with and propagate to the gateway's default tables, where those are on."""
    table = gateways.default_table(world, tgw_id, "DefaultRouteTableAssociation")
    if table is not None:
        tgw_route_tables.associate(world, part, table, attach_id)
    table = gateways.default_table(world, tgw_id, "DefaultRouteTablePropagation")
    if table is not None:
        tgw_route_tables.enable_propagation(world, part, table, attach_id)


def _retire(world: World, part: Partition, attach_id: str, state: str = "deleted") -> None:
    """Take an attachment out of service: associations and propagations go (its static routes
    read blackhole), its interfaces go, the node stays in its final state."""
    tgw_route_tables.release_attachment(world, part, attach_id)
    for eni, _, _ in world.into(attach_id, schema.ATTACHED, "network-interface"):
        network_interfaces.delete(world, part, eni, service=True)
    # what it connected, for its views once the VPC and subnets themselves are gone
    former = {"VpcId": vpc_of(world, attach_id), "SubnetIds": subnet_list(world, attach_id)}
    for target, disc, _ in world.out(attach_id, schema.ASSOCIATED):
        if disc != "peer":
            world.unlink(attach_id, target, schema.ASSOCIATED, disc)
    world.update(attach_id, State=state, former=former)


# -- VPC attachments ----------------------------------------------------------------------------
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


def _check_subnets(world: World, part: Partition, vpc_id: str, subnet_ids: Iterable[str],
                   zones: dict[str, str]) -> list[str]:
    """Subnets of `vpc_id`, in zones not yet in `zones` (which this fills)."""
    chosen = []
    for subnet_id in subnet_ids:
        node = world.node(subnet_id)
        if node is None or node["kind"] != "subnet" or _home(node) != _mine(part) \
                or subnets.vpc_of(world, subnet_id) != vpc_id:
            if not is_id_of("subnet", subnet_id):
                raise kind_not_found("subnet", subnet_id)
            raise NotFound(f"Subnet {subnet_id} was deleted or does not exist.",
                           "InvalidSubnetID.NotFound")
        zone = node["AvailabilityZone"]
        if zone in zones:
            raise TopologyError("Duplicate Subnets for same AZ", "DuplicateSubnetsInSameZone")
        zones[zone] = subnet_id
        chosen.append(subnet_id)
    return chosen


def _vpc_options(requested: dict[str, Any] | None, current: dict[str, str]) -> dict[str, str]:
    return {**current, **{k: v for k, v in (requested or {}).items()
                          if k in VPC_OPTIONS and v is not None}}


def create_vpc_attachment(world: World, part: Partition, tgw_id: str, vpc_id: str,
                          subnet_ids: list[str], *, options: dict[str, Any] | None = None,
                          tags: dict[str, str] | None = None) -> str:
    """Attach a VPC (same account and region) to a gateway through one subnet per zone."""
    gateways.get(world, part, tgw_id)
    world.get(part, "vpc", vpc_id)
    chosen = _check_subnets(world, part, vpc_id, subnet_ids, {})
    nodes = world.graph.nodes
    for other in gateways.live_attachments(world, tgw_id):
        if nodes[other].get("ResourceType") == "vpc" and vpc_of(world, other) == vpc_id:
            raise TopologyError(
                f"{tgw_id} has non-deleted Transit Gateway Attachments with same VPC ID.",
                "DuplicateTransitGatewayAttachment")
    attach_id = _add(world, part, tgw_id, "vpc", state="available", tags=tags,
                     Options=_vpc_options(options, VPC_OPTIONS))
    world.link(attach_id, vpc_id, schema.ASSOCIATED, "vpc")
    world.claim(part, RESOURCE_INDEX, vpc_id, attach_id)
    for subnet_id in chosen:
        _add_subnet(world, part, attach_id, subnet_id)
    _default_routing(world, part, tgw_id, attach_id)
    return attach_id


def _add_subnet(world: World, part: Partition, attach_id: str, subnet_id: str) -> None:
    world.link(attach_id, subnet_id, schema.ASSOCIATED, subnet_id)
    eni = network_interfaces.create(
        world, part, subnet_id, group_ids=[], ipv6_count=0,
        description=ENI_DESCRIPTION.format(id=attach_id), interface_type="transit_gateway",
        requester_managed=True, service_attachment=True)
    world.link(eni, attach_id, schema.ATTACHED)


def _remove_subnet(world: World, part: Partition, attach_id: str, subnet_id: str) -> None:
    for eni, _, _ in world.into(attach_id, schema.ATTACHED, "network-interface"):
        if network_interfaces.subnet_of(world, eni) == subnet_id:
            network_interfaces.delete(world, part, eni, service=True)
    world.unlink(attach_id, subnet_id, schema.ASSOCIATED, subnet_id)


def modify_vpc_attachment(world: World, part: Partition, attach_id: str, *,
                          add: list[str] | None = None, remove: list[str] | None = None,
                          options: dict[str, Any] | None = None) -> None:
    """ModifyTransitGatewayVpcAttachment: subnets out, subnets in, options."""
    node = get(world, part, attach_id, rtype="vpc", label=VPC_LABEL)
    if node["State"] not in MODIFIABLE_STATES:
        raise IncorrectState(f"{attach_id} is in invalid state", "IncorrectState")
    vpc_id = vpc_of(world, attach_id)
    remaining = subnet_list(world, attach_id)
    removed = list(dict.fromkeys(remove or []))
    for subnet_id in removed:
        if subnet_id not in remaining:
            raise NotFound(f"{subnet_id} is not attached but supplied in RemoveSubnets",
                           "InvalidSubnetID.NotFound")
        remaining.remove(subnet_id)
    zones = {world.graph.nodes[s]["AvailabilityZone"]: s for s in remaining}
    added = _check_subnets(world, part, vpc_id or "", add or [], zones) if add else []
    if not remaining and not added:
        raise TopologyError("Insufficient Subnets", "InsufficientSubnetsException")
    new_options = _vpc_options(options, node["Options"])
    for subnet_id in removed:
        _remove_subnet(world, part, attach_id, subnet_id)
    for subnet_id in added:
        _add_subnet(world, part, attach_id, subnet_id)
    if new_options != node["Options"]:
        world.update(attach_id, Options=new_options)


def delete_vpc_attachment(world: World, part: Partition, attach_id: str) -> None:
    get(world, part, attach_id, rtype="vpc", label=VPC_LABEL)
    _retire(world, part, attach_id)


# -- VPN attachments (the VPN family's contract) --------------------------------------------------
def create_vpn_attachment(world: World, part: Partition, tgw_id: str, vpn_id: str) -> str:
    """Attach a VPN connection to a gateway; its id. The VPN node should exist already: it
    gets `vpn -[ATTACHED]-> attachment`. Default association and propagation apply."""
    gateways.get(world, part, tgw_id)
    attach_id = _add(world, part, tgw_id, "vpn", state="available", ResourceId=vpn_id)
    world.claim(part, RESOURCE_INDEX, vpn_id, attach_id)
    if world.node(vpn_id) is not None:
        world.link(vpn_id, attach_id, schema.ATTACHED)
    _default_routing(world, part, tgw_id, attach_id)
    return attach_id


def delete_vpn_attachment(world: World, part: Partition, attach_id: str) -> None:
    """Retire a VPN attachment (its VPN connection is being deleted)."""
    node = world.node(attach_id)
    if node is not None and node["kind"] == KIND and node["State"] not in GONE:
        _retire(world, part, attach_id)


# -- peering attachments --------------------------------------------------------------------------
def create_peering_attachment(world: World, part: Partition, tgw_id: str, peer_tgw_id: str,
                              peer_account: str, peer_region: str, *,
                              options: dict[str, Any] | None = None,
                              tags: dict[str, str] | None = None) -> str:
    """Request peering between the caller's gateway and another (any account and region)."""
    gateways.get(world, part, tgw_id)
    if not ACCOUNT.fullmatch(peer_account or ""):
        raise InvalidParameterValue(
            f"Value ({peer_account}) for parameter peerAccountId is invalid. The account ID "
            "must be a 12-digit number.")
    if peer_region not in regions.by_name():
        raise InvalidParameterValue(
            f"Value ({peer_region}) for parameter peerRegion is invalid. The region is not "
            "valid.")
    gateways.find_anywhere(world, peer_tgw_id, peer_account, peer_region)
    if peer_tgw_id == tgw_id:
        raise InvalidParameterValue(
            f"Transit Gateway {tgw_id} cannot be peered with itself.")
    for other in gateways.live_attachments(world, tgw_id):
        if world.graph.nodes[other].get("ResourceType") == "peering" and peer_tgw_id in (
                gateway_of(world, other), peer_gateway(world, other)):
            raise TopologyError(
                f"{tgw_id} has non-deleted Transit Gateway Peering Attachments with the same "
                f"peer Transit Gateway {peer_tgw_id}.", "DuplicateTransitGatewayAttachment")
    wanted = {k: v for k, v in (options or {}).items() if v is not None}
    attach_id = _add(world, part, tgw_id, "peering", state="pendingAcceptance", tags=tags,
                     Options={"DynamicRouting": wanted.get("DynamicRouting", "disable")})
    world.link(attach_id, peer_tgw_id, schema.ASSOCIATED, "peer")
    world.claim(part, RESOURCE_INDEX, peer_tgw_id, attach_id)
    return attach_id


def is_accepter(world: World, part: Partition, attach_id: str) -> bool:
    peer = peer_gateway(world, attach_id)
    return peer is not None and _home(world.graph.nodes[peer]) == _mine(part)


def _answer(world: World, part: Partition, attach_id: str, verb: str) -> dict[str, Any]:
    node = get(world, part, attach_id, rtype="peering", label=PEERING_LABEL)
    if not is_accepter(world, part, attach_id):
        raise InvalidParameterValue(
            f"Cannot {verb} {attach_id} as the source of the peering request.")
    if node["State"] != "pendingAcceptance":
        raise IncorrectState(f"{attach_id} is in invalid state", "IncorrectState")
    return node


def accept_peering_attachment(world: World, part: Partition, attach_id: str) -> None:
    _answer(world, part, attach_id, "accept")
    world.update(attach_id, State="available")


def reject_peering_attachment(world: World, part: Partition, attach_id: str) -> None:
    _answer(world, part, attach_id, "reject")
    _retire(world, part, attach_id, "rejected")


def delete_peering_attachment(world: World, part: Partition, attach_id: str) -> None:
    """Either side deletes a peering attachment (a pending request, too)."""
    get(world, part, attach_id, rtype="peering", label=PEERING_LABEL)
    _retire(world, part, attach_id)


# -- views ----------------------------------------------------------------------------------------
def _tags(node: dict[str, Any]) -> list[dict[str, str]]:
    return tagging.listed(node["tags"])


def vpc_view(world: World, attach_id: str) -> dict[str, Any]:
    """boto3's `TransitGatewayVpcAttachment`."""
    node = world.graph.nodes[attach_id]
    out: dict[str, Any] = {"TransitGatewayAttachmentId": attach_id}
    tgw = gateway_of(world, attach_id)
    if tgw is not None:
        out["TransitGatewayId"] = tgw
    vpc = vpc_of(world, attach_id)
    if vpc is not None:
        out["VpcId"] = vpc
        out["VpcOwnerId"] = _owner(world, vpc, node["account"])
    out["State"] = node["State"]
    out["SubnetIds"] = subnet_list(world, attach_id)
    out["CreationTime"] = node["CreationTime"]
    out["Options"] = dict(node["Options"])
    if node["tags"]:   # AWS leaves an untagged VPC attachment's tag set out (aws_verified)
        out["Tags"] = _tags(node)
    return out


def status_message(state: str) -> str:
    """AWS's status message for a state: `pendingAcceptance` -> `Pending Acceptance`."""
    words = re.sub(r"([A-Z])", r" \1", state)
    return words[:1].upper() + words[1:]


def _tgw_info(world: World, tgw_id: str | None) -> dict[str, Any]:
    if tgw_id is None:
        return {}
    node = world.graph.nodes[tgw_id]
    return {"TransitGatewayId": tgw_id, "OwnerId": node["account"], "Region": node["region"]}


def peering_view(world: World, attach_id: str) -> dict[str, Any]:
    """boto3's `TransitGatewayPeeringAttachment` (the same from either side)."""
    node = world.graph.nodes[attach_id]
    return {
        "TransitGatewayAttachmentId": attach_id,
        "AccepterTransitGatewayAttachmentId": attach_id,
        "RequesterTgwInfo": _tgw_info(world, gateway_of(world, attach_id)),
        "AccepterTgwInfo": _tgw_info(world, peer_gateway(world, attach_id)),
        "Options": dict(node["Options"]),
        "Status": {"Code": node["State"], "Message": status_message(node["State"])},
        "State": node["State"],
        "CreationTime": node["CreationTime"],
        "Tags": _tags(node),
    }


def sides(world: World, part: Partition, attach_id: str) -> tuple[str | None, str | None]:
    """(local gateway, remote end) of an attachment as the caller sees it: for a peering
    attachment seen by its accepter, the accepter's gateway and the requester's."""
    own, peer = gateway_of(world, attach_id), peer_gateway(world, attach_id)
    if peer is not None and _home(world.graph.nodes[attach_id]) != _mine(part) \
            and _home(world.graph.nodes[peer]) == _mine(part):
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


def _owner(world: World, rid: str | None, fallback: str) -> str:
    node = world.graph.nodes.get(rid) if rid is not None else None
    return node["account"] if node is not None else fallback


def association(world: World, part: Partition, attach_id: str) -> dict[str, Any] | None:
    local = sides(world, part, attach_id)[0]
    if local is None:
        return None
    rtb = tgw_route_tables.associated_table(world, attach_id, local)
    if rtb is None:
        return None
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
    out["ResourceOwnerId"] = _owner(world, resource, node["account"])
    out["ResourceType"] = node["ResourceType"]
    if resource is not None:
        out["ResourceId"] = resource
    out["State"] = node["State"]
    found = association(world, part, attach_id)
    if found is not None:
        out["Association"] = found
    out["CreationTime"] = node["CreationTime"]
    out["Tags"] = _tags(node)
    return out


# -- filters --------------------------------------------------------------------------------------
TYPE_FILTER = "ec2sim:resource-type"     # internal: restricts a describe to one type


def _by_type() -> Filter:
    return Filter(lambda w, rid, n: n.get("ResourceType"),
                  lambda w, part, value: w.claimed(part, TYPE_INDEX, value), exact=True)


def _on_gateway(world: World, part: Partition, value: str) -> list[str]:
    return [a for a, _, _ in world.into(value, schema.ATTACHED, KIND)] if value in world.graph \
        else []


def _with_resource(world: World, part: Partition, value: str) -> Iterable[str]:
    """The partition's attachments of a VPC, VPN connection or peer gateway, deleted ones
    included (the index outlives the edges)."""
    return world.claimed(part, RESOURCE_INDEX, value)


def _in_table(world: World, part: Partition, value: str) -> list[str]:
    if value not in world.graph:
        return []
    return [a for a, _, _ in world.out(value, schema.ASSOCIATED, KIND)]


VPC_FILTERS: FilterTable = {
    "state": field("State"),
    "transit-gateway-attachment-id": ident(),
    "transit-gateway-id": Filter(lambda w, rid, n: gateway_of(w, rid), _on_gateway, exact=True),
    "vpc-id": Filter(lambda w, rid, n: vpc_of(w, rid), _with_resource, exact=True),
    TYPE_FILTER: _by_type(),
}


def peering_filters(part: Partition) -> FilterTable:
    """DescribeTransitGatewayPeeringAttachments' filters, owners seen from the caller's side."""
    def owners(world: World, rid: str) -> tuple[str, str]:
        local, remote = sides(world, part, rid)
        return _owner(world, local, ""), _owner(world, remote, "")

    return {
        "transit-gateway-attachment-id": ident(),
        "local-owner-id": Filter(lambda w, rid, n: owners(w, rid)[0]),
        "remote-owner-id": Filter(lambda w, rid, n: owners(w, rid)[1]),
        "state": field("State"),
        "transit-gateway-id": Filter(
            lambda w, rid, n: [gateway_of(w, rid), peer_gateway(w, rid)]),
        TYPE_FILTER: _by_type(),
    }


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
            assoc("TransitGatewayRouteTableId"), _in_table),
        "resource-id": Filter(resource, _with_resource, exact=True),
        "resource-owner-id": Filter(
            lambda w, rid, n: _owner(w, resource(w, rid, n), n["account"])),
        "resource-type": _by_type(),
        "state": field("State"),
        "transit-gateway-attachment-id": ident(),
        "transit-gateway-id": Filter(local, _on_gateway, exact=True),
        "transit-gateway-owner-id": Filter(lambda w, rid, n: _owner(w, local(w, rid, n), "")),
    }


# -- import (topology/provision/importer.py) -------------------------------------------------
def _imported_node(imp: Import, attach_id: str, tgw_id: str, rtype: str,
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


def imported_vpc_attachment(imp: Import, item: dict[str, Any]) -> None:
    """A described VPC attachment: ASSOCIATED with its VPC ("vpc") and each subnet (keyed by
    its id), its requester-managed interfaces (one a subnet) ATTACHED to it."""
    attach_id, vpc_id = item["TransitGatewayAttachmentId"], item.get("VpcId", "")
    subnet_ids = list(item.get("SubnetIds") or [])
    if item.get("State") in GONE or item.get("State") in ("failed", "rejected"):
        imp.skip(KIND, "a retired attachment is history, not topology")
        return
    if not imp.has(vpc_id, "vpc") or not all(imp.has(s, "subnet") for s in subnet_ids):
        imp.skip(KIND, "its VPC or subnets were not described")
        return
    options = {**VPC_OPTIONS, **(item.get("Options") or {})}
    if not _imported_node(imp, attach_id, item.get("TransitGatewayId", ""), "vpc", item,
                          Options=options):
        return
    imp.world.link(attach_id, vpc_id, schema.ASSOCIATED, "vpc")
    imp.world.claim(imp.part, RESOURCE_INDEX, vpc_id, attach_id)
    for subnet_id in subnet_ids:
        imp.world.link(attach_id, subnet_id, schema.ASSOCIATED, subnet_id)
        _imported_interface(imp, attach_id, subnet_id)


def _imported_interface(imp: Import, attach_id: str, subnet_id: str) -> None:
    """The attachment's interface in the subnet: the described one (told by its
    description), else a new one as CreateTransitGatewayVpcAttachment makes."""
    world = imp.world
    text = ENI_DESCRIPTION.format(id=attach_id)
    nodes = world.graph.nodes
    eni = next((e for e, _, _ in world.out(subnet_id, schema.CONTAINS, "network-interface")
                if nodes[e].get("Description") == text), None)
    if eni is None:
        eni = network_interfaces.create(
            world, imp.part, subnet_id, group_ids=[], ipv6_count=0, description=text,
            interface_type="transit_gateway", requester_managed=True, service_attachment=True)
        imp.report.built["network-interface"] += 1
    world.link(eni, attach_id, schema.ATTACHED)


def imported(imp: Import, item: dict[str, Any]) -> None:
    """From DescribeTransitGatewayAttachments: a peering attachment whose two gateways were
    both described (ASSOCIATED "peer" with the other one); VPC attachments come from their
    own call, other types are counted."""
    attach_id, rtype = item["TransitGatewayAttachmentId"], item.get("ResourceType", "")
    if rtype == "vpc" or imp.has(attach_id):
        if not imp.has(attach_id) and item.get("State") not in GONE:
            imp.skip(KIND, "its VPC attachment was not described")
        return
    if rtype != "peering":
        imp.skip(KIND, f"{rtype} attachments are not modelled by the importer yet")
        return
    peer = item.get("ResourceId", "")
    if item.get("State") in GONE or not imp.has(peer, "transit-gateway"):
        imp.skip(KIND, "a peering attachment needs both gateways described and live")
        return
    if _imported_node(imp, attach_id, item.get("TransitGatewayId", ""), "peering", item,
                      Options={"DynamicRouting": "disable"}):
        imp.world.link(attach_id, peer, schema.ASSOCIATED, "peer")
        imp.world.claim(imp.part, RESOURCE_INDEX, peer, attach_id)
