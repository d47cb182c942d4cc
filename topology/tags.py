"""Tags: AWS's rules for keys and values, TagSpecifications on create, and tag lookups.

Tags live on the node (`node["tags"]`) and in the partition's `by_tag` index, which
`World.tag`/`World.untag` keep in step.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from . import schema
from .errors import InvalidParameterValue, TopologyError
from .world import Partition, World, is_id_of, not_found

MAX_TAGS = 50
RESERVED_PREFIX = "aws:"


def validate(tags: Iterable[dict[str, Any]], *, creating: bool = True) -> dict[str, str]:
    """Check a list of `{Key, Value}` against AWS's rules; return them as a dict."""
    out: dict[str, str] = {}
    for tag in tags:
        key = tag.get("Key")
        value = tag.get("Value", "" if not creating else None)
        if key is None or key == "":
            raise InvalidParameterValue("Tag key must not be empty", "InvalidParameterValue")
        if len(key) > 128:
            raise InvalidParameterValue(
                f"Tag key exceeds the maximum length of 128 characters", "InvalidParameterValue")
        if key.lower().startswith(RESERVED_PREFIX):
            raise InvalidParameterValue(
                "Tag keys starting with 'aws:' are reserved for internal use")
        value = "" if value is None else value
        if len(value) > 256:
            raise InvalidParameterValue(
                "Tag value exceeds the maximum length of 256 characters")
        out[key] = value
    return out


def from_specifications(specs: list[dict[str, Any]] | None, resource_type: str
                        ) -> dict[str, str]:
    """The tags that `TagSpecifications` give a new resource of `resource_type`."""
    tags: dict[str, str] = {}
    seen: set[str] = set()
    for spec in specs or []:
        rtype = spec.get("ResourceType")
        if rtype is None:
            raise InvalidParameterValue(
                "Tag specification resource type must have a value")
        if rtype != resource_type:
            raise InvalidParameterValue(
                f"'{rtype}' is not a valid taggable resource type for this operation.")
        if rtype in seen:
            raise InvalidParameterValue(
                f"Tag specification must have only one entry for resource type '{rtype}'")
        seen.add(rtype)
        tags.update(validate(spec.get("Tags") or []))
    if len(tags) > MAX_TAGS:
        raise TopologyError("The number of tags specified exceeds the limit of 50.", "TagLimitExceeded")
    return tags


def apply(world: World, rid: str, tags: dict[str, str]) -> None:
    """Add or overwrite tags, keeping the 50-tag limit."""
    current = world.tags(rid)
    if len(set(current) | set(tags)) > MAX_TAGS:
        raise TopologyError(
            f"The number of tags on resource '{rid}' exceeds the limit of {MAX_TAGS}.",
            "TagLimitExceeded")
    for key, value in tags.items():
        world.tag(rid, key, value)


def as_list(world: World, rid: str) -> list[dict[str, str]]:
    """The node's tags as boto3's `[{Key, Value}]`."""
    return [{"Key": k, "Value": v} for k, v in world.tags(rid).items()]


def taggable(world: World, part: Partition, rid: str) -> str:
    """The kind of resource `rid` in `part`, for create/delete_tags; raises like AWS."""
    node = world.node(rid)
    if node is not None and node["account"] == part.account and node["region"] == part.region:
        return node["kind"]
    kind = schema.KIND_BY_PREFIX.get(rid.rpartition("-")[0])
    if kind is not None and is_id_of(kind.prefix, rid):
        raise not_found(kind.name, rid)
    raise TopologyError(f"The ID '{rid}' is not valid", "InvalidID")


def resource_type(kind: str) -> str:
    """The `ResourceType` AWS reports in describe_tags for a node kind."""
    return kind
