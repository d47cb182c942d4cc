"""Transit gateway VPC attachments: a VPC joined to a gateway through one subnet per zone.

The attachment (`tgw_attachments`: node, lookups, retirement) is ASSOCIATED with its VPC
(`"vpc"`) and with each subnet (keyed by the subnet's id); in each subnet a requester-managed
`transit_gateway` interface is ATTACHED to it (so the subnet, hence the VPC, cannot be
deleted under it). New attachments go to the gateway's default tables when those options
are on.

AWS's rules kept here: one non-deleted VPC attachment per VPC and gateway
(`DuplicateTransitGatewayAttachment`), subnets of that VPC in distinct zones
(`DuplicateSubnetsInSameZone`), at least one subnet left after a modify
(`InsufficientSubnetsException`).
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..core import schema
from ..core.described import Import
from ..core.errors import IncorrectState, NotFound, TopologyError
from ..core.family import Action, declare_actions
from ..core.filters import Filter, FilterTable, field, ident
from ..core.world import Partition, World, is_id_of
from ..core.world import not_found as kind_not_found
from ..network import network_interfaces, subnets
from . import tgw_connect
from . import transit_gateways as gateways
from .tgw_attachments import (ENI_DESCRIPTION, GONE, KIND, MODIFIABLE_STATES, RESOURCE_INDEX,
                              TYPE_FILTER, VPC_LABEL, VPC_OPTIONS, add_node, by_type,
                              default_routing, gateway_of, get, home, imported_node, mine,
                              on_gateway, owner_of, retire, subnet_list, tag_list, vpc_of,
                              with_resource)


def _check_subnets(world: World, part: Partition, vpc_id: str, subnet_ids: Iterable[str],
                   zones: dict[str, str]) -> list[str]:
    """Subnets of `vpc_id`, in zones not yet in `zones` (which this fills)."""
    chosen = []
    for subnet_id in subnet_ids:
        node = world.node(subnet_id)
        if node is None or node["kind"] != "subnet" or home(node) != mine(part) \
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
    """Attach a VPC (same account and region) to a gateway through one subnet per zone. On
    a gateway another account shares, the attachment waits in `pendingAcceptance` for the
    owner unless the gateway auto-accepts shared attachments."""
    tgw = gateways.usable(world, part, tgw_id)
    world.get(part, "vpc", vpc_id)
    chosen = _check_subnets(world, part, vpc_id, subnet_ids, {})
    nodes = world.graph.nodes
    for other in gateways.live_attachments(world, tgw_id):
        if nodes[other].get("ResourceType") == "vpc" and vpc_of(world, other) == vpc_id:
            raise TopologyError(
                f"{tgw_id} has non-deleted Transit Gateway Attachments with same VPC ID.",
                "DuplicateTransitGatewayAttachment")
    waits = tgw["account"] != part.account and \
        gateways.options(world, tgw_id)["AutoAcceptSharedAttachments"] != "enable"
    attach_id = add_node(world, part, tgw_id, "vpc",
                         state="pendingAcceptance" if waits else "available", tags=tags,
                         Options=_vpc_options(options, VPC_OPTIONS))
    world.link(attach_id, vpc_id, schema.ASSOCIATED, "vpc")
    world.claim(part, RESOURCE_INDEX, vpc_id, attach_id)
    for subnet_id in chosen:
        _add_subnet(world, part, attach_id, subnet_id)
    if not waits:
        default_routing(world, part, tgw_id, attach_id)
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
    node = get(world, part, attach_id, rtype="vpc", label=VPC_LABEL)
    tgw_connect.check_transport_free(world, attach_id)
    # the gateway's owner may delete another account's attachment: its interfaces live there
    retire(world, world.partition(*home(node)), attach_id)


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
        out["VpcOwnerId"] = owner_of(world, vpc, node["account"])
    out["State"] = node["State"]
    out["SubnetIds"] = subnet_list(world, attach_id)
    out["CreationTime"] = node["CreationTime"]
    out["Options"] = dict(node["Options"])
    if node["tags"]:   # AWS leaves an untagged VPC attachment's tag set out (aws_verified)
        out["Tags"] = tag_list(node)
    return out


VPC_FILTERS: FilterTable = {
    "state": field("State"),
    "transit-gateway-attachment-id": ident(),
    "transit-gateway-id": Filter(lambda w, rid, n: gateway_of(w, rid), on_gateway, exact=True),
    "vpc-id": Filter(lambda w, rid, n: vpc_of(w, rid), with_resource, exact=True),
    TYPE_FILTER: by_type(),
}


def imported(imp: Import, item: dict[str, Any]) -> None:
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
    if not imported_node(imp, attach_id, item.get("TransitGatewayId", ""), "vpc", item,
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


_ATTACHMENT = {"attach_id": "TransitGatewayAttachmentId", "tgw_id": "TransitGatewayId",
               "add": "AddSubnetIds", "remove": "RemoveSubnetIds"}
declare_actions(KIND, {
    "CreateTransitGatewayVpcAttachment": Action(
        create_vpc_attachment, state="pending", view=vpc_view, arguments=_ATTACHMENT),
    "ModifyTransitGatewayVpcAttachment": Action(
        modify_vpc_attachment, state="modifying", view=vpc_view, arguments=_ATTACHMENT),
    "DeleteTransitGatewayVpcAttachment": Action(
        delete_vpc_attachment, state="deleting", view=vpc_view, arguments=_ATTACHMENT)})
