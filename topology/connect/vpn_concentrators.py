"""VPN concentrators: one transit gateway attachment (type `vpn-concentrator`) that
aggregates many Site-to-Site VPN connections to a transit gateway.

A `vpn-concentrator` node (`Type`, `State`) is ATTACHED to its transit gateway attachment,
which the TGW family makes like a VPN's (`tgw_attachments.add_node`, default association and
propagation). CreateVpnConcentrator answers `pending` and the concentrator is `available`
at once; DeleteVpnConcentrator retires the attachment and leaves the concentrator on show as
`deleted`.
"""
from __future__ import annotations

from typing import Any

from ..core import schema
from ..core import tags as tagging
from ..core.errors import IncorrectState, MissingParameter
from ..core.family import Family, declare
from ..core.filters import Filter, field, ident
from ..core.world import Partition, World
from . import tgw_attachments, transit_gateways

KIND = "vpn-concentrator"
RESOURCE_TYPE = "vpn-concentrator"


def create(world: World, part: Partition, concentrator_type: str,
           transit_gateway_id: str | None = None, *, tags: dict[str, str] | None = None) -> str:
    if not transit_gateway_id:
        # AWS's words (terraform-provider-aws#45175), though the model calls it optional
        raise MissingParameter("The request must contain the parameter transitGatewayId")
    transit_gateways.get(world, part, transit_gateway_id)
    vcn = world.new_id("vcn")
    world.add(part, KIND, vcn, Type=concentrator_type, State="available")
    attach = tgw_attachments.add_node(world, part, transit_gateway_id, RESOURCE_TYPE,
                                      state="available", ResourceId=vcn)
    world.claim(part, tgw_attachments.RESOURCE_INDEX, vcn, attach)
    world.link(vcn, attach, schema.ATTACHED)
    tgw_attachments.default_routing(world, part, transit_gateway_id, attach)
    tagging.apply(world, vcn, tags or {})
    return vcn


def attachment_of(world: World, vcn: str) -> str | None:
    found = world.out(vcn, schema.ATTACHED, "transit-gateway-attachment")
    return found[0][0] if found else world.graph.nodes[vcn].get("attachment")


def delete(world: World, part: Partition, vcn: str) -> None:
    node = world.get(part, KIND, vcn)
    if node["State"] == "deleted":
        raise IncorrectState(f"The VPN concentrator {vcn} is already deleted.",
                             "IncorrectState")
    carried = [v for v, _, _ in world.into(vcn, schema.ATTACHED, "vpn-connection")]
    if carried:   # as a transit gateway with VPN attachments refuses deletion
        raise IncorrectState(f"{vcn} has non-deleted VPN connections: {', '.join(carried)}.",
                             "IncorrectState")
    attach = attachment_of(world, vcn)
    tgw = tgw_attachments.gateway_of(world, attach) if attach else None
    if attach is not None:
        world.unlink(vcn, attach, schema.ATTACHED)
        tgw_attachments.retire(world, part, attach)
    world.update(vcn, State="deleted", attachment=attach, tgw=tgw)


def view(world: World, vcn: str) -> dict[str, Any]:
    node = world.graph.nodes[vcn]
    attach = attachment_of(world, vcn)
    tgw = (tgw_attachments.gateway_of(world, attach) if node["State"] != "deleted" and attach
           else node.get("tgw"))
    out: dict[str, Any] = {"VpnConcentratorId": vcn, "State": node["State"],
                           "TransitGatewayId": tgw, "TransitGatewayAttachmentId": attach,
                           "Type": node["Type"]}
    out["Tags"] = tagging.listed(node["tags"])
    return out


def created_view(world: World, vcn: str) -> dict[str, Any]:
    return {**view(world, vcn), "State": "pending"}


FILTERS: dict[str, Filter] = {
    "vpn-concentrator-id": ident(),
    "state": field("State"),
    "type": field("Type"),
    "transit-gateway-id": Filter(lambda w, rid, n: view(w, rid)["TransitGatewayId"]),
    "transit-gateway-attachment-id": Filter(lambda w, rid, n: attachment_of(w, rid)),
}

FAMILY = declare(Family(KIND, view=view, filters=FILTERS, create=create,
                        created_view=created_view, delete=delete, max_results=(200, 1000),
                        arguments={"concentrator_type": "Type"}))
