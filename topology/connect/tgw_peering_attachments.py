"""Transit gateway peering attachments: two gateways, of any accounts and regions, peered.

One node serves both sides (`tgw_attachments`): it lives with the requester and is
ASSOCIATED (`"peer"`) with the accepter's gateway, which sees it in its own account and
region; views and filters take the caller's side. A peering request is accepted or rejected
only by the accepter, only while `pendingAcceptance`; either side may delete it. Peering
attachments never go to default route tables (their routes are static).
"""
from __future__ import annotations

import re
from typing import Any

from ..core import regions, schema
from ..core.described import Import
from ..core.errors import IncorrectState, InvalidParameterValue, TopologyError
from ..core.family import Action, declare_actions
from ..core.filters import Filter, FilterTable, field, ident
from ..core.world import Partition, World
from . import transit_gateways as gateways
from .tgw_attachments import (GONE, KIND, PEERING_LABEL, RESOURCE_INDEX, TYPE_FILTER, add_node,
                              by_type, gateway_of, get, home, imported_node, mine, owner_of,
                              peer_gateway, retire, sides, tag_list)

ACCOUNT = re.compile(r"\d{12}")


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
    attach_id = add_node(world, part, tgw_id, "peering", state="pendingAcceptance", tags=tags,
                     Options={"DynamicRouting": wanted.get("DynamicRouting", "disable")})
    world.link(attach_id, peer_tgw_id, schema.ASSOCIATED, "peer")
    world.claim(part, RESOURCE_INDEX, peer_tgw_id, attach_id)
    return attach_id


def is_accepter(world: World, part: Partition, attach_id: str) -> bool:
    peer = peer_gateway(world, attach_id)
    return peer is not None and home(world.graph.nodes[peer]) == mine(part)


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
    retire(world, part, attach_id, "rejected")


def delete_peering_attachment(world: World, part: Partition, attach_id: str) -> None:
    """Either side deletes a peering attachment (a pending request, too)."""
    get(world, part, attach_id, rtype="peering", label=PEERING_LABEL)
    retire(world, part, attach_id)


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
        "Tags": tag_list(node),
    }


def peering_filters(part: Partition) -> FilterTable:
    """DescribeTransitGatewayPeeringAttachments' filters, owners seen from the caller's side."""
    def owners(world: World, rid: str) -> tuple[str, str]:
        local, remote = sides(world, part, rid)
        return owner_of(world, local, ""), owner_of(world, remote, "")

    return {
        "transit-gateway-attachment-id": ident(),
        "local-owner-id": Filter(lambda w, rid, n: owners(w, rid)[0]),
        "remote-owner-id": Filter(lambda w, rid, n: owners(w, rid)[1]),
        "state": field("State"),
        "transit-gateway-id": Filter(
            lambda w, rid, n: [gateway_of(w, rid), peer_gateway(w, rid)]),
        TYPE_FILTER: by_type(),
    }


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
    if imported_node(imp, attach_id, item.get("TransitGatewayId", ""), "peering", item,
                      Options={"DynamicRouting": "disable"}):
        imp.world.link(attach_id, peer, schema.ASSOCIATED, "peer")
        imp.world.claim(imp.part, RESOURCE_INDEX, peer, attach_id)


def _in_state(fn: Any, state: str) -> Action:
    """`fn` answered with the attachment in `state`, its Status too (while it settles)."""
    def view(world: World, attach_id: str) -> dict[str, Any]:
        return {**peering_view(world, attach_id), "State": state,
                "Status": {"Code": state, "Message": status_message(state)}}
    return Action(fn, state=state, view=view, arguments={
        "attach_id": "TransitGatewayAttachmentId", "tgw_id": "TransitGatewayId",
        "peer_tgw_id": "PeerTransitGatewayId", "peer_account": "PeerAccountId"})


declare_actions(KIND, {
    "CreateTransitGatewayPeeringAttachment": _in_state(create_peering_attachment,
                                                       "initiatingRequest"),
    "AcceptTransitGatewayPeeringAttachment": _in_state(accept_peering_attachment, "pending"),
    "RejectTransitGatewayPeeringAttachment": _in_state(reject_peering_attachment, "rejecting"),
    "DeleteTransitGatewayPeeringAttachment": _in_state(delete_peering_attachment, "deleting")})
