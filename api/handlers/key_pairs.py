"""Key pair operations with logic of their own: create, import (answers without an empty tag
set), describe (names or ids, public keys on request). DeleteKeyPair is bound from
topology/compute/key_pairs.py."""
from __future__ import annotations

from functools import partial
from typing import Any

from topology.compute import key_pairs
from topology.core import filters, tags

from ..operations import Context, handler


def _created(ctx: Context, key_id: str) -> dict[str, Any]:
    """The create/import answer: like AWS's, it leaves the tag set out when there is none
    (DescribeKeyPairs lists it, empty or not)."""
    view = key_pairs.view(ctx.world, key_id)
    return {k: view[k] for k in ("KeyPairId", "KeyName", "KeyFingerprint", "Tags")
            if k != "Tags" or view[k]}


@handler
def create_key_pair(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    new_tags = tags.from_specifications(params.get("TagSpecifications"), "key-pair")
    key_id, material = key_pairs.create(
        ctx.world, ctx.part, params["KeyName"], key_type=params.get("KeyType", "rsa"),
        key_format=params.get("KeyFormat", "pem"), tags=new_tags)
    return {**_created(ctx, key_id), "KeyMaterial": material}


@handler
def import_key_pair(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    new_tags = tags.from_specifications(params.get("TagSpecifications"), "key-pair")
    key_id = key_pairs.import_(ctx.world, ctx.part, params["KeyName"],
                               params["PublicKeyMaterial"], tags=new_tags)
    return _created(ctx, key_id)


@handler
def describe_key_pairs(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ids = key_pairs.select(ctx.world, ctx.part, params.get("KeyNames"), params.get("KeyPairIds"))
    chosen = filters.select(ctx.world, ctx.part, "key-pair", key_pairs.FILTERS,
                            params.get("Filters"), ids)
    view = partial(key_pairs.view, include_public_key=bool(params.get("IncludePublicKey")))
    return {"KeyPairs": [view(ctx.world, key_id) for key_id in chosen]}
