"""Network ACL operations: the ACLs, their entries, and their subnet associations."""
from __future__ import annotations

from typing import Any

from topology.core import tags
from topology.network import network_acls

from ..dispatch import Context, handler
from ._describe import describe


@handler
def create_network_acl(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    new_tags = tags.from_specifications(params.get("TagSpecifications"), "network-acl")
    acl_id = network_acls.create(ctx.world, ctx.part, params["VpcId"], tags=new_tags)
    return {"NetworkAcl": network_acls.view(ctx.world, acl_id),
            "ClientToken": params.get("ClientToken")}


@handler
def delete_network_acl(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    network_acls.delete(ctx.world, ctx.part, params["NetworkAclId"])
    return {}


@handler
def describe_network_acls(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return describe(ctx, params, kind="network-acl", table=network_acls.FILTERS,
                    view=network_acls.view, output="NetworkAcls", ids=params.get("NetworkAclIds"))


@handler
def create_network_acl_entry(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    network_acls.add_entry(ctx.world, ctx.part, params["NetworkAclId"], params)
    return {}


@handler
def replace_network_acl_entry(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    network_acls.add_entry(ctx.world, ctx.part, params["NetworkAclId"], params, replace=True)
    return {}


@handler
def delete_network_acl_entry(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    network_acls.delete_entry(ctx.world, ctx.part, params["NetworkAclId"], params["RuleNumber"],
                              params["Egress"])
    return {}


@handler
def replace_network_acl_association(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    new_id = network_acls.replace_association(ctx.world, ctx.part, params["AssociationId"],
                                              params["NetworkAclId"])
    return {"NewAssociationId": new_id}
