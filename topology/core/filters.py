"""One filter engine for every describe call.

A family declares a table `{filter name: Filter(values, candidates)}`: `values(world, id, node)`
gives the node's values for that filter (a scalar, an iterable, or None), and the optional
`candidates(world, part, value)` answers one exact value from an index (the graph's edges or
a `World.claim` index), or `index` names the node field whose values these are, answered
from the partition's index of that field (`World.having`), so that a filtered describe costs
the size of its answer. Tag filters (`tag:K`, `tag-key`, `tag-value`) are built in and
answered from the tag index. A value with a wildcard is answered by a scan.

Semantics are AWS's: values of one filter are OR'ed, filters are AND'ed, `*` and `?` are
wildcards (`\\` escapes them), matching is case-sensitive, booleans read `true`/`false`.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .errors import InvalidParameterValue
from .world import Partition, World, texts

Values = Callable[[World, str, dict[str, Any]], Any]
Candidates = Callable[[World, Partition, str], Iterable[str]]


@dataclass(frozen=True)
class Filter:
    values: Values
    candidates: Candidates | None = None
    exact: bool = False   # candidates are exactly the matches, so the check can be skipped
    # refuses a value AWS rejects outright (raises its error) rather than matching nothing
    validate: Callable[[str], None] | None = None
    # the node field `values` reads (as it is), for an exact value answered from that field's
    # index (`World.having`) instead of a scan; "" for none
    index: str = ""


def field(name: str, *, index: bool = False) -> Filter:
    """A filter on a node's own field; `index=True` answers exact values from an index of
    the field (for fields filters often narrow by: a state, a zone, a CIDR block)."""
    return Filter(lambda w, rid, node: node.get(name), index=name if index else "")


def owner() -> Filter:
    """`owner-id`: the account that owns the resource (a shared one is another's)."""
    return Filter(lambda w, rid, node: node["account"])


def ident() -> Filter:
    """A filter on the resource id itself."""
    return Filter(lambda w, rid, node: rid, lambda w, part, value: [value], exact=True)


FilterTable = Mapping[str, Filter]


def select(world: World, part: Partition, kind: str, table: FilterTable,
           filters: list[dict[str, Any]] | None, ids: Iterable[str] | None = None) -> list[str]:
    """The ids of `kind` in `part` (or among `ids`) that pass every filter, in creation order.

    Raises `InvalidParameterValue` for a filter name the table does not know.
    """
    checks = [_compile(table, f) for f in filters or []]
    if ids is not None:
        pool: Iterable[str] = ids
    else:
        pool, used = _narrow(world, part, kind, checks)
        if used is not None and checks[used][3]:  # an exact index: no need to test again
            checks = checks[:used] + checks[used + 1:]
    tests = [check for _, check, _, _ in checks]
    result = []
    for rid in pool:
        node = world.node(rid)
        if node is None or node["kind"] != kind:
            continue
        for test in tests:
            if not test(world, rid, node):
                break
        else:
            result.append(rid)
    return result


def select_rows(table: FilterTable, specs: list[dict[str, Any]] | None,
                rows: Iterable[dict[str, Any]], *, taggable: bool = True
                ) -> list[dict[str, Any]]:
    """The plain rows (not graph nodes: tag rows, zones, regions) that pass every filter,
    with the same semantics and errors. A row's `tags` feed the `tag:` filters; rows that
    cannot carry tags (`taggable=False`: zones, regions, instance types) refuse them."""
    if not taggable:
        for spec in specs or []:
            name = spec.get("Name") or ""
            if name.startswith("tag:") or name in ("tag-key", "tag-value"):
                raise InvalidParameterValue(f"The filter '{name}' is invalid")
    checks = [_compile(table, spec) for spec in specs or []]
    return [row for row in rows
            if all(check(None, "", {"tags": {}, **row}) for _, check, _, _ in checks)]


# candidates few enough to check rather than compute another index for
_FEW = 16


def _narrow(world: World, part: Partition, kind: str, checks: list
            ) -> tuple[list[str], int | None]:
    """The smallest candidate set an index can give (and which check gave it), else all ids
    of `kind`. Index answers are exact, so the caller may skip that check. The kept indexes
    (fields, tags) are asked first; the computed ones (`candidates`) only while the best so
    far is more than a few ids."""
    best: AbstractSet[str] | None = None
    used: int | None = None
    indexed = [(position, c[2]) for position, c in enumerate(checks) if c[2] is not None]
    if len(indexed) > 1:
        indexed.sort(key=_computed)
    for position, index in indexed:
        if best is not None and len(best) <= _FEW:
            break
        found = index(world, part, kind)
        if best is None or len(found) < len(best):
            best, used = found, position
    everything = part.ids(kind)
    if best is None:
        return list(everything), None
    found = [rid for rid in best if rid in everything]
    if len(found) > 1:
        nodes = world.graph._node      # the plain dict (a NodeView lookup costs a call)
        found.sort(key=lambda r: nodes[r]["seq"])
    return found, used


def _computed(entry: tuple[int, Any]) -> bool:
    """Sort key: a kept index (fields, tags) before a computed one."""
    return not getattr(entry[1], "kept", False)


def _compile(table: FilterTable, spec: dict[str, Any]):
    name = spec.get("Name")
    values = [str(v) for v in spec.get("Values") or []]
    if not name:
        raise InvalidParameterValue("The filter 'null' is invalid")
    if name.startswith("tag:"):
        key = name[4:]
        return name, _tag_check(key, values), _tag_index(key, values), True
    if name == "tag-key":
        return (name, _any_check(lambda w, rid, node: node["tags"].keys(), values),
                _tag_key_index(values), True)
    if name == "tag-value":
        return name, _any_check(lambda w, rid, node: node["tags"].values(), values), None, False
    flt = table.get(name) or table.get(_kebab(name))
    if flt is None:
        raise InvalidParameterValue(f"The filter '{name}' is invalid")
    if flt.validate is not None:
        for value in values:
            flt.validate(value)
    return (name, *_compiled(flt, tuple(values)))


@lru_cache(maxsize=4096)
def _compiled(flt: Filter, values: tuple[str, ...]) -> tuple[Any, Any, bool]:
    """A table filter's (check, index, exact) for `values`: closures of nothing else, so
    made once for a filter asked again (clients poll with the same filters)."""
    if flt.index:
        return _any_check(flt.values, values), _field_index(flt.index, values), True
    return _any_check(flt.values, values), _value_index(flt.candidates, values), flt.exact


@lru_cache(maxsize=512)
def _kebab(name: str) -> str:
    """AWS still takes the older camelCase spelling of a filter, named like the response
    element (`isDefault`, `cidrBlock`, `defaultForAz`): the same filter in kebab case."""
    return _CAMEL.sub(lambda m: "-" + m.group(0).lower(), name)


_CAMEL = re.compile(r"(?<=[a-z0-9])[A-Z]")


def _value_index(cand: Candidates | None, values: Sequence[str]):
    """An index lookup for exact values, or None when there is no index or a wildcard."""
    if cand is None or not values or any(_is_pattern(v) for v in values):
        return None

    def indexed(world: World, part: Partition, kind: str) -> set[str]:
        return {rid for v in values for rid in cand(world, part, v)}
    return indexed


def _field_index(name: str, values: Sequence[str]):
    """The ids whose field `name` reads one of `values`, from the field's index (None for
    a wildcard value: a scan answers those)."""
    if not values or any(_is_pattern(v) for v in values):
        return None

    def indexed(world: World, part: Partition, kind: str) -> AbstractSet[str]:
        if len(values) == 1:
            return world.having(part, kind, name, values[0])
        return {rid for v in values for rid in world.having(part, kind, name, v)}
    indexed.kept = True  # type: ignore[attr-defined]
    return indexed


def _any_check(get: Values, values: Sequence[str]):
    if not any(_is_pattern(v) for v in values):
        wanted = frozenset(values)     # exact values: one set lookup per value the node has

        def check_exact(world: World, rid: str, node: dict[str, Any]) -> bool:
            return not wanted.isdisjoint(_strings(get(world, rid, node)))
        return check_exact
    patterns = [_matcher(v) for v in values]

    def check(world: World, rid: str, node: dict[str, Any]) -> bool:
        return any(p(s) for s in _strings(get(world, rid, node)) for p in patterns)
    return check


def _tag_check(key: str, values: list[str]):
    patterns = [_matcher(v) for v in values]

    def check(world: World, rid: str, node: dict[str, Any]) -> bool:
        value = node["tags"].get(key)
        return value is not None and any(p(value) for p in patterns)
    return check


def _tag_index(key: str, values: list[str]):
    if not values or any(_is_pattern(v) for v in values):
        return None

    def indexed(world: World, part: Partition, kind: str) -> set[str]:
        by_value = part.by_tag.get(key, {})
        return {rid for v in values for rid in by_value.get(v, ())}
    indexed.kept = True  # type: ignore[attr-defined]
    return indexed


def _tag_key_index(keys: list[str]):
    """`tag-key`: the ids carrying one of `keys` (any value), from the tag index."""
    if not keys or any(_is_pattern(k) for k in keys):
        return None

    def indexed(world: World, part: Partition, kind: str) -> set[str]:
        return {rid for k in keys for ids in part.by_tag.get(k, {}).values() for rid in ids}
    indexed.kept = True  # type: ignore[attr-defined]
    return indexed


_strings = texts    # a filter reads a node's values as the field indexes keep them


def _is_pattern(value: str) -> bool:
    return "*" in value or "?" in value


@lru_cache(maxsize=4096)
def _matcher(value: str) -> Callable[[str], bool]:
    if not _is_pattern(value):
        return value.__eq__
    out, i = [], 0
    while i < len(value):
        c = value[i]
        if c == "\\" and i + 1 < len(value):
            out.append(re.escape(value[i + 1]))
            i += 2
            continue
        out.append(".*" if c == "*" else "." if c == "?" else re.escape(c))
        i += 1
    regex = re.compile("".join(out), re.DOTALL)
    return lambda s: regex.fullmatch(s) is not None
