"""VPC peering operations with logic of their own: request, accept and describe connections
(a view seen from the caller's side), their options, and stale security group rules. Reject,
delete and DescribeSecurityGroupReferences are bound from topology/connect."""
from __future__ import annotations

from typing import Any

from topology.connect import peered_groups, peering
from topology.core import paging, tags

from ..operations import Context, handler

PROVISIONING = {"Code": "provisioning", "Message": "Provisioning"}


@handler
def create_vpc_peering_connection(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    new_tags = tags.from_specifications(params.get("TagSpecifications"), "vpc-peering-connection")
    pcx_id, new = peering.create(ctx.world, ctx.part, params["VpcId"], params.get("PeerVpcId"),
                                 peer_owner=params.get("PeerOwnerId"),
                                 peer_region=params.get("PeerRegion"), tags=new_tags)
    node = ctx.world.graph.nodes[pcx_id]
    status = None
    if new and peering.status_code(node) == "pending-acceptance":
        # the request is still on its way to the accepter when the call answers
        accepter = node["peers"][peering.ACCEPTER]["OwnerId"]
        status = {"Code": "initiating-request", "Message": f"Initiating Request to {accepter}"}
    return {"VpcPeeringConnection": peering.view(ctx.world, pcx_id, ctx.part, status=status)}


@handler
def accept_vpc_peering_connection(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    pcx_id = params["VpcPeeringConnectionId"]
    peering.accept(ctx.world, ctx.part, pcx_id)
    return {"VpcPeeringConnection": peering.view(ctx.world, pcx_id, ctx.part,
                                                 status=PROVISIONING)}


@handler
def describe_vpc_peering_connections(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    world, part = ctx.world, ctx.part
    ids = params.get("VpcPeeringConnectionIds")
    if ids:
        ids = list(dict.fromkeys(ids))
        for pcx_id in ids:
            peering.visible(world, part, pcx_id)
    chosen = peering.select(world, part, params.get("Filters"), ids or None)
    page, token = paging.page(world, chosen, params.get("MaxResults"), params.get("NextToken"))
    return {"VpcPeeringConnections": [peering.view(world, p, part) for p in page],
            "NextToken": token}


@handler
def modify_vpc_peering_connection_options(ctx: Context, params: dict[str, Any]
                                          ) -> dict[str, Any]:
    changed = peering.modify_options(ctx.world, ctx.part, params["VpcPeeringConnectionId"], {
        peering.ACCEPTER: params.get("AccepterPeeringConnectionOptions"),
        peering.REQUESTER: params.get("RequesterPeeringConnectionOptions")})
    members = {peering.ACCEPTER: "AccepterPeeringConnectionOptions",
               peering.REQUESTER: "RequesterPeeringConnectionOptions"}
    return {members[role]: options for role, options in changed.items()}


@handler
def describe_stale_security_groups(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    world, vpc_id = ctx.world, params["VpcId"]
    world.get(ctx.part, "vpc", vpc_id)
    groups = peered_groups.stale_groups(world, vpc_id)
    page, token = paging.page(world, groups, params.get("MaxResults"), params.get("NextToken"))
    return {"StaleSecurityGroupSet": [peered_groups.stale_view(world, g) for g in page],
            "NextToken": token}
