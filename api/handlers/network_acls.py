"""Network ACL operations: the ACLs, their entries, and their subnet associations."""
from __future__ import annotations

from typing import Any

from topology.network import network_acls

from ..operations import Context, handler


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
