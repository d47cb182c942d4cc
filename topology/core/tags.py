"""Tags: AWS's rules for keys and values, TagSpecifications on create, CreateTags/DeleteTags,
and DescribeTags answered from the partition's tag index.

Tags live on the node (`node["tags"]`) and in the partition's `by_tag[key][value] -> ids`
index, which `World.tag`/`World.untag` keep in step. DescribeTags never walks the graph: its
candidates come from that index (or the named resources), so it costs the size of its answer.
A resource two partitions see, each from its own side (`OTHER_SIDES`: a transit gateway
attachment's creator and the gateway's owner or peering accepter), keeps the other sides' tags
in its `side_tags`, which CreateTags/DeleteTags from such a side change (DescribeTags and `tag:`
filters read the owner's tags only).

AWS's rules: at most 50 tags per resource (overwriting a key does not count twice); keys are
1-128 characters, values 0-256; the `aws:` prefix is reserved; a tag given without a value
gets the empty string. DeleteTags removes a key whatever its value, or only when the value
matches if one is given (`""` matches only an empty value), and with no tags at all removes
every user tag.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from . import filters, paging, schema
from .errors import InvalidParameterValue, LimitExceeded, TopologyError
from .family import declare_actions
from .registry import Registry
from .world import Partition, World, is_id_of, not_found

MAX_TAGS = 50
MAX_KEY, MAX_VALUE = 128, 256
RESERVED_PREFIX = "aws:"

# node kind -> the `ResourceType` AWS names it with (TagSpecification / DescribeTags)
RESOURCE_TYPES: dict[str, str] = {
    "nat-gateway": "natgateway",
    "spot-instance-request": "spot-instances-request",
    "flow-log": "vpc-flow-log",
    "address": "elastic-ip",
    "eip": "elastic-ip",
}
# kind -> whether a partition that does not own a resource of the kind sees it from a side of
# its own, with tags of its own (a transit gateway attachment: the gateway's owner, a peering
# accepter); the owner's tags stay on the node, each other side's in its `side_tags`
OTHER_SIDES: Registry[Callable[[World, Partition, str], bool]] = Registry(
    "whether a partition tags its own side of a resource another one owns")
# kinds that are sub-resources without tags of their own (CreateTags calls their ids invalid)
UNTAGGABLE = frozenset({"vpc-cidr-assoc", "subnet-cidr-assoc", "route-table-assoc",
                        "network-acl-assoc"})


def _limit_exceeded() -> LimitExceeded:
    return LimitExceeded("The maximum number of Tags for a resource has been reached.",
                         "TagLimitExceeded")


def _check_key(key: Any, *, named: bool) -> str:
    """A tag key AWS accepts; `named` errors name the `key` parameter (CreateTags style)."""
    if key is None or key == "":
        raise InvalidParameterValue("Tag key cannot be null or empty")
    prefix = f"Value ( {key} ) for parameter key is invalid. " if named else ""
    if len(key) > MAX_KEY:
        raise InvalidParameterValue(
            f"{prefix}Tag key exceeds the maximum length of {MAX_KEY} characters")
    if key.lower().startswith(RESERVED_PREFIX):
        raise InvalidParameterValue(
            f"{prefix}Tag keys starting with 'aws:' are reserved for internal use")
    return key


def _check_value(key: str, value: Any) -> str:
    value = "" if value is None else value
    if len(value) > MAX_VALUE:
        raise InvalidParameterValue(
            f"Value ( {value} ) for parameter value is invalid. Tag value for key '{key}' "
            f"exceeds the maximum length of {MAX_VALUE} characters")
    return value


def validate(tags: Iterable[dict[str, Any]], *, named: bool = False) -> dict[str, str]:
    """Check a list of `{Key, Value}` against AWS's rules; return them as a dict.

    >>> validate([{"Key": "Name", "Value": "web"}, {"Key": "empty"}])
    {'Name': 'web', 'empty': ''}
    """
    out: dict[str, str] = {}
    for tag in tags:
        key = _check_key(tag.get("Key"), named=named)
        out[key] = _check_value(key, tag.get("Value"))
    return out


# AWS's words for two specifications of one resource type (RunInstances, checked with DryRun)
DUPLICATE_TYPE = "The same resource type may not be specified more than once in tag specifications"


def from_specifications(specs: list[dict[str, Any]] | None, resource_type: str
                        ) -> dict[str, str]:
    """The tags that `TagSpecifications` give a new resource of `resource_type`.

    Raises `InvalidParameterValue` for a spec naming another resource type, repeating one,
    or carrying no tags; `TagLimitExceeded` past 50 tags.
    """
    tags: dict[str, str] = {}
    seen: set[str] = set()
    for spec in specs or []:
        rtype = spec.get("ResourceType")
        if rtype is None:
            raise InvalidParameterValue("Tag specification resource type must have a value")
        if rtype != resource_type:
            raise InvalidParameterValue(
                f"'{rtype}' is not a valid taggable resource type for this operation.")
        if rtype in seen:
            raise InvalidParameterValue(DUPLICATE_TYPE)
        seen.add(rtype)
        if not spec.get("Tags"):
            raise InvalidParameterValue("Tag specification must have at least one tag")
        tags.update(validate(spec["Tags"]))
    if len(tags) > MAX_TAGS:
        raise _limit_exceeded()
    return tags


def by_type(specs: list[dict[str, Any]] | None, types: Sequence[str], *, fallback: str,
            in_order: bool = False) -> dict[str, dict[str, str]]:
    """For a call whose `TagSpecifications` tag several resource types (RunInstances: the
    instance, its volumes and interfaces; CreateImage: the image and its snapshots): the tags
    of each type the specs name. A spec of a type not in `types` fails as a spec of
    `fallback` would; the groups are checked in the order the specs first name them, or in
    the order of `types` if `in_order`."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for spec in specs or []:
        rtype = spec.get("ResourceType")
        if rtype not in types:
            from_specifications([spec], fallback)   # AWS's error for that spec
        grouped.setdefault(rtype, []).append(spec)
    order = [t for t in types if t in grouped] if in_order else list(grouped)
    return {rtype: from_specifications(grouped[rtype], rtype) for rtype in order}


def apply(world: World, rid: str, tags: dict[str, str]) -> None:
    """Add or overwrite tags, keeping the 50-tag limit (an overwritten key counts once)."""
    if len(set(world.tags(rid)) | set(tags)) > MAX_TAGS:
        raise _limit_exceeded()
    for key, value in tags.items():
        world.tag(rid, key, value)


def as_list(world: World, rid: str) -> list[dict[str, str]]:
    """The node's tags as boto3's `[{Key, Value}]`."""
    return listed(world.tags(rid))


def listed(tags: dict[str, str]) -> list[dict[str, str]]:
    """Tags (a node's `tags`) as boto3's `[{Key, Value}]`, in the order they were set.

    >>> listed({"Name": "web", "env": ""})
    [{'Key': 'Name', 'Value': 'web'}, {'Key': 'env', 'Value': ''}]
    """
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def other_side(world: World, part: Partition, rid: str) -> bool:
    """Whether `part` sees `rid`, which another partition owns, from a side of its own."""
    node = world.node(rid)
    if node is None or (node["account"], node["region"]) == (part.account, part.region):
        return False
    sees = OTHER_SIDES.get(node["kind"])
    return sees is not None and sees(world, part, rid)


def _side(part: Partition) -> str:
    return f"{part.account}/{part.region}"


def tags_of(world: World, part: Partition, rid: str) -> dict[str, str]:
    """The tags `part` sees on `rid`: its own side's, or the node's."""
    if other_side(world, part, rid):
        return dict(world.graph.nodes[rid].get("side_tags", {}).get(_side(part), {}))
    return world.tags(rid)


def _set_side(world: World, part: Partition, rid: str, tags: dict[str, str]) -> None:
    sides = dict(world.graph.nodes[rid].get("side_tags", {}))
    sides[_side(part)] = tags
    world.update(rid, side_tags=sides)


def taggable(world: World, part: Partition, rid: str) -> str:
    """The kind of resource `rid` in `part` (or seen from its own side), for
    create/delete_tags; raises like AWS.

    An id of a known kind that does not exist is that kind's `.NotFound`; an id of no
    taggable shape at all is `InvalidID`.
    """
    node = world.node(rid)
    if node is not None and node["kind"] not in UNTAGGABLE and (
            (node["account"] == part.account and node["region"] == part.region)
            or other_side(world, part, rid)):
        return node["kind"]
    kind = schema.KIND_BY_PREFIX.get(rid.rpartition("-")[0])
    if kind is not None and kind.name not in UNTAGGABLE and is_id_of(kind.prefix, rid):
        raise not_found(kind.name, rid)
    raise TopologyError(f"The ID '{rid}' is not valid", "InvalidID")


def resource_type(kind: str) -> str:
    """The `ResourceType` AWS reports in describe_tags for a node kind."""
    return RESOURCE_TYPES.get(kind, kind)


# -- CreateTags / DeleteTags ------------------------------------------------------------------
def create(world: World, part: Partition, resources: list[str], tags: list[dict[str, Any]]
           ) -> None:
    """Tag every resource with every tag, all validated before anything changes."""
    wanted = validate(tags, named=True)
    ids = list(dict.fromkeys(resources))
    for rid in ids:
        taggable(world, part, rid)
    for rid in ids:
        if len(set(tags_of(world, part, rid)) | set(wanted)) > MAX_TAGS:
            raise _limit_exceeded()
    for rid in ids:
        if other_side(world, part, rid):
            _set_side(world, part, rid, {**tags_of(world, part, rid), **wanted})
        else:
            apply(world, rid, wanted)


def delete(world: World, part: Partition, resources: list[str],
           tags: list[dict[str, Any]] | None) -> None:
    """Remove tags from every resource: a key alone removes it whatever its value, a key with
    a value only when the value matches; no tags at all removes every user tag."""
    selectors = [(_check_key(t.get("Key"), named=True), t.get("Value")) for t in tags or []]
    ids = list(dict.fromkeys(resources))
    for rid in ids:
        taggable(world, part, rid)
    for rid in ids:
        current = tags_of(world, part, rid)
        if tags is None:
            doomed = [k for k in current if not k.lower().startswith(RESERVED_PREFIX)]
        else:
            doomed = [k for k, v in selectors if k in current and (v is None or current[k] == v)]
        if other_side(world, part, rid):
            _set_side(world, part, rid, {k: v for k, v in current.items() if k not in doomed})
            continue
        for key in doomed:
            world.untag(rid, key)


# -- DescribeTags -----------------------------------------------------------------------------
def _row(world: World, rid: str, key: str, value: str) -> dict[str, Any]:
    node = world.graph.nodes[rid]
    return {"ResourceId": rid, "ResourceType": resource_type(node["kind"]), "Key": key,
            "Value": value, "tags": node["tags"], "seq": node["seq"]}


FILTERS: filters.FilterTable = {
    "key": filters.Filter(lambda w, rid, row: row["Key"]),
    "value": filters.Filter(lambda w, rid, row: row["Value"]),
    "resource-id": filters.Filter(lambda w, rid, row: row["ResourceId"]),
    "resource-type": filters.Filter(lambda w, rid, row: row["ResourceType"]),
}


def _exact(specs: list[dict[str, Any]], name: str) -> list[str] | None:
    """The values of filter `name` if every one is exact (no wildcard), else None."""
    for spec in specs:
        if spec.get("Name") == name:
            values = [str(v) for v in spec.get("Values") or []]
            if values and not any("*" in v or "?" in v for v in values):
                return values
    return None


def _candidates(world: World, part: Partition, specs: list[dict[str, Any]]) -> set[str]:
    """The tagged resources the filters can possibly match, from the index alone."""
    index = part.by_tag
    choices: list[set[str]] = []
    named = _exact(specs, "resource-id")
    if named is not None:
        choices.append({rid for rid in named if world.node(rid) is not None
                        and world.graph.nodes[rid]["tags"] and rid in part.ids(
                            world.graph.nodes[rid]["kind"])})
    keys = _exact(specs, "key")
    if keys is not None:
        choices.append({rid for k in keys for ids in index.get(k, {}).values() for rid in ids})
    for spec in specs:
        name = spec.get("Name") or ""
        if name.startswith("tag:"):
            values = _exact(specs, name)
            if values is not None:
                by_value = index.get(name[4:], {})
                choices.append({rid for v in values for rid in by_value.get(v, ())})
    values = _exact(specs, "value")
    if values is not None:
        choices.append({rid for by_value in index.values() for v in values
                        for rid in by_value.get(v, ())})
    if choices:
        return min(choices, key=len)
    return {rid for by_value in index.values() for ids in by_value.values() for rid in ids}


def describe(world: World, part: Partition, specs: list[dict[str, Any]] | None
             ) -> list[dict[str, Any]]:
    """Rows `{ResourceId, ResourceType, Key, Value}` (plus `seq`) matching every filter,
    ordered by resource creation and key."""
    specs = specs or []
    rows = [_row(world, rid, k, v) for rid in _candidates(world, part, specs)
            for k, v in world.graph.nodes[rid]["tags"].items()]
    return sorted(filters.select_rows(FILTERS, specs, rows), key=lambda r: (r["seq"], r["Key"]))


def page(rows: list[dict[str, Any]], max_results: int | None, token: str | None
         ) -> tuple[list[dict[str, Any]], str | None]:
    """A page of DescribeTags rows and the token for the next (robust to changes between
    calls: it names the last row's resource sequence number and key)."""
    if token:
        seq, key = paging.decode(token, "tags", _is_position)
        rows = [r for r in rows if (r["seq"], r["Key"]) > (seq, key)]
    if not max_results or len(rows) <= max_results:
        return rows, None
    chosen = rows[:max_results]
    last = chosen[-1]
    return chosen, paging.encode("tags", [last["seq"], last["Key"]])


def _is_position(position: Any) -> bool:
    """A DescribeTags position: [resource seq, key]."""
    return (isinstance(position, list) and len(position) == 2 and isinstance(position[0], int)
            and isinstance(position[1], str))


def tag_view(row: dict[str, Any]) -> dict[str, str]:
    return {k: row[k] for k in ("ResourceId", "ResourceType", "Key", "Value")}

# CreateTags and DeleteTags are bound from these (docs/families.md)
declare_actions("tag", {"CreateTags": create, "DeleteTags": delete})
