"""The Recycle Bin's retention rules (the `rbin` service, REST-JSON): what
`topology.compute.recycle_bin_rules` keeps, one handler per operation."""
from __future__ import annotations

from typing import Any

from topology.compute import recycle_bin_rules as rules

from ..operations import Context, handler


@handler
def create_rule(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return rules.create(ctx.world, ctx.part, params)


@handler
def get_rule(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    rules.get(ctx.world, ctx.part, params["Identifier"])
    return rules.view(ctx.world, params["Identifier"])


@handler
def list_rules(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return rules.listed(ctx.world, ctx.part, params)


@handler
def update_rule(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return rules.update(ctx.world, ctx.part, params)


@handler
def delete_rule(ctx: Context, params: dict[str, Any]) -> None:
    rules.delete(ctx.world, ctx.part, params["Identifier"])


@handler
def lock_rule(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return rules.lock(ctx.world, ctx.part, params["Identifier"], params["LockConfiguration"])


@handler
def unlock_rule(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return rules.unlock(ctx.world, ctx.part, params["Identifier"])


@handler
def list_tags_for_resource(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return {"Tags": rules.tags_of(ctx.world, ctx.part, params["ResourceArn"])}


@handler
def tag_resource(ctx: Context, params: dict[str, Any]) -> None:
    rules.tag(ctx.world, ctx.part, params["ResourceArn"], params["Tags"])


@handler
def untag_resource(ctx: Context, params: dict[str, Any]) -> None:
    rules.untag(ctx.world, ctx.part, params["ResourceArn"], params["TagKeys"])
