"""Snapshots of the whole world as JSON: save a simulator's state, load it back elsewhere.

`dump(world)` gives a JSON-ready dict: every node with its fields (tombstones included),
every typed edge with its data, and per partition what the graph cannot say on its own —
account settings, value claims (`World.claim`: addresses, names, released IPs),
idempotency tokens and allocation hints — plus the id generator's state, so a loaded
world goes on minting the ids the saved one would have. `load(data)` builds a fresh
`World` from it; the kind, tag, edge-id and adjacency indexes are never saved, they are
rebuilt through `World`'s own methods (`restore`, `link`, `claim`, `set_attribute`).

Values JSON has no type for are tagged one-key objects: `{"$datetime": "2024-05-01T12:00:00+00:00"}`
(ISO 8601), `{"$tuple": [...]}`, `{"$set": [...]}`, `{"$bytes": "<base64>"}`, and
`{"$map": [[key, value], ...]}` for a dict whose keys are not all plain strings (a
network ACL's entries are keyed by `(egress, rule number)`).
"""
from __future__ import annotations

import base64
import datetime as dt
import json
import os
from collections.abc import Callable
from typing import Any

from ..core import collector, schema
from ..core.world import Partition, World

FORMAT = "ec2sim-snapshot"
VERSION = 1
# formats older ec2sims wrote that this one still reads: (format, version) -> note
LEGACY = {("ec2sim-state", 1): "the pre-snapshot name of version 1, read as it is"}


class StateError(ValueError):
    """The data is not an ec2sim state snapshot this version can read."""


# -- values ------------------------------------------------------------------------------
# what JSON holds as it is: most values of a world are these, passed over without a call
_PLAIN = frozenset({str, int, bool, float, type(None)})


def _encode(value: Any) -> Any:
    if type(value) in _PLAIN:
        return value
    if isinstance(value, list):
        return [v if type(v) in _PLAIN else _encode(v) for v in value]
    if isinstance(value, dict):
        if all(isinstance(k, str) and k[:1] != "$" for k in value):
            return {k: v if type(v) in _PLAIN else _encode(v) for k, v in value.items()}
        return {"$map": [[_encode(k), _encode(v)] for k, v in value.items()]}
    if isinstance(value, tuple):
        return {"$tuple": [_encode(v) for v in value]}
    if isinstance(value, (set, frozenset)):
        return {"$set": sorted((_encode(v) for v in value), key=_sort_key)}
    if isinstance(value, (dt.datetime, dt.date)):
        tag = "$datetime" if isinstance(value, dt.datetime) else "$date"
        return {tag: value.isoformat()}
    if isinstance(value, bytes):
        return {"$bytes": base64.b64encode(value).decode("ascii")}
    if isinstance(value, (bool, int, float, str)):    # a subclass (an enum's value, say)
        return value
    raise TypeError(f"cannot save a {type(value).__name__} in a state snapshot: {value!r}")


def _sort_key(encoded: Any) -> str:
    return json.dumps(encoded, sort_keys=True)


_DECODERS: dict[str, Callable[[Any], Any]] = {
    "$datetime": dt.datetime.fromisoformat,
    "$date": dt.date.fromisoformat,
    "$tuple": lambda items: tuple(_decode(v) for v in items),
    "$set": lambda items: {_decode(v) for v in items},
    "$bytes": lambda text: base64.b64decode(text),
    "$map": lambda pairs: {_decode(k): _decode(v) for k, v in pairs},
}


def _decode(value: Any) -> Any:
    kind = type(value)
    if kind is list:
        return [v if type(v) in _PLAIN else _decode(v) for v in value]
    if kind is dict:
        if len(value) == 1:
            (tag, inner), = value.items()
            decoder = _DECODERS.get(tag)
            if decoder is not None:
                return decoder(inner)
        return {k: v if type(v) in _PLAIN else _decode(v) for k, v in value.items()}
    return value


def encode(value: Any) -> Any:
    """`value` in JSON-ready form (the tagged objects above); shared with `topology.store`."""
    return _encode(value)


def decode(value: Any) -> Any:
    """The value `encode` gave `value` for."""
    return _decode(value)


# -- the world ---------------------------------------------------------------------------
def dump(world: World) -> dict[str, Any]:
    """The whole world as a JSON-ready dict (nodes in creation order).

    >>> from topology.core.world import World
    >>> world = World(seed=1)
    >>> _ = world.partition("123456789012", "us-east-1")      # AWS's defaults
    >>> data = dump(world)
    >>> data["format"], data["version"], len(data["nodes"]) == len(world.graph)
    ('ec2sim-snapshot', 1, True)
    """
    with world.lock, collector.paused():      # a world's worth of containers, no garbage
        nodes = sorted(world.graph.nodes(data=True), key=lambda item: item[1]["seq"])
        return {
            "format": FORMAT,
            "version": VERSION,
            "seed": world.seed,
            "rng": _encode(world.rng.getstate()),
            "partitions": [_dump_partition(part) for part in world.partitions()],
            "nodes": [{"id": rid, "data": _encode(data)} for rid, data in nodes],
            # by source in creation order, each source's edges as its adjacency holds them:
            # replaying them in this order rebuilds the same adjacency order
            "edges": [dump_edge(u, v, key, data) for u, _ in nodes
                      for _, v, key, data in world.graph.out_edges(u, keys=True, data=True)],
        }


def _dump_partition(part: Partition) -> dict[str, Any]:
    claims = sorted(([name, _encode(value), rid] for rid, held in part.claims_of.items()
                     for name, value in held), key=_sort_key)
    return {
        "account": part.account,
        "region": part.region,
        "attributes": _encode(part.attributes),
        "claims": claims,
        "client_tokens": [[_encode(key), _encode(answer)]
                          for key, answer in part.client_tokens.items()],
        "hints": _encode(part.hints),
    }


def dump_edge(u: str, v: str, key: tuple[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """One edge as the snapshot's "edges" hold it (also a `topology.store` row)."""
    edge: dict[str, Any] = {"from": u, "to": v, "type": key[0]}
    if key[1] is not None:
        edge["key"] = _encode(key[1])
    if data:
        edge["data"] = _encode(data)
    return edge


def load(data: dict[str, Any]) -> World:
    """A fresh `World` holding what `dump` saved, its indexes rebuilt.

    Raises `StateError` if `data` is not a snapshot of this format and version.

    >>> from topology.core.world import World
    >>> world = World(seed=1)
    >>> _ = world.partition("123456789012", "us-east-1")
    >>> copy = load(dump(world))
    >>> dump(copy) == dump(world)
    True
    """
    check(data)
    world = World(data.get("seed"))
    _fill(world, data)
    return world


def check(data: Any) -> None:
    """Raise `StateError` unless `data` is a snapshot this version of ec2sim reads."""
    if not isinstance(data, dict) or data.get("format") not in (FORMAT, *(f for f, _ in LEGACY)):
        raise StateError("not an ec2sim state snapshot (no \"format\": \"ec2sim-snapshot\")")
    version = data.get("version")
    if data["format"] == FORMAT and version == VERSION or (data["format"], version) in LEGACY:
        return
    newer = isinstance(version, int) and version > VERSION
    raise StateError(f"unsupported ec2sim state version {version!r} "
                     f"(this ec2sim reads version {VERSION}"
                     + ("; the snapshot is newer: upgrade ec2sim to load it)" if newer else ")"))


def load_into(world: World, data: dict[str, Any]) -> None:
    """Replace everything `world` holds with the snapshot `data`, in place (a server's
    routes keep their reference to `world`). The snapshot is loaded into a scratch world
    first, so a broken one raises `StateError` and leaves `world` as it was."""
    load(data)
    with world.lock:
        world.seed = data.get("seed")
        world.reset()
        _fill(world, data)
        world.commit()      # a durable world (`topology.store`) saves what was loaded


# node fields older snapshots carry that are now derived from the graph: dropped on load
_DERIVED = {"network-interface": ("public",)}   # public IPv4s: Elastic IP edges and auto_ip


def _fields(fields: dict[str, Any]) -> dict[str, Any]:
    for name in _DERIVED.get(fields.get("kind", ""), ()):
        fields.pop(name, None)
    return fields


def _fill(world: World, data: dict[str, Any]) -> None:
    with world.lock, collector.paused():
        world.rng.setstate(_decode(data["rng"]))
        parts = [_load_partition(world, saved) for saved in data["partitions"]]
        world.restore((node["id"], _fields(_decode(node["data"]))) for node in data["nodes"])
        for edge in data["edges"]:
            etype = edge["type"]
            if etype not in _EDGE_TYPES:
                raise StateError(f"unknown edge type {etype!r}")
            world.link(edge["from"], edge["to"], etype, _decode(edge.get("key")),
                       **_decode(edge.get("data", {})))
        for part, saved in zip(parts, data["partitions"]):
            for name, value, rid in saved.get("claims", ()):
                world.claim(part, name, _decode(value), rid)


_EDGE_TYPES = {schema.CONTAINS, schema.ATTACHED, schema.ASSOCIATED, schema.ROUTE,
               schema.REFERENCES, schema.PROPAGATES}


def _load_partition(world: World, saved: dict[str, Any]) -> Partition:
    part = world.partition(saved["account"], saved["region"], setup=_as_saved)
    for key, value in _decode(saved.get("attributes", {})).items():
        world.set_attribute(part, key, value)
    for key, answer in saved.get("client_tokens", ()):
        part.client_tokens[_decode(key)] = _decode(answer)
    part.hints.update(_decode(saved.get("hints", {})))
    return part


def _as_saved(world: World, part: Partition) -> None:
    """A loaded partition starts empty: its resources come from the snapshot, not defaults."""


# -- files -------------------------------------------------------------------------------
def save(world: World, path: str | os.PathLike[str]) -> None:
    """Write `dump(world)` to `path` as JSON (keys sorted: the same state, the same bytes)."""
    with collector.paused():
        text = json.dumps(dump(world), sort_keys=True, separators=(",", ":"))
    with open(path, "w", encoding="utf-8") as out:
        out.write(text)


def read(path: str | os.PathLike[str]) -> World:
    """The world saved at `path` by `save` (or fetched from `GET /_ec2sim/state`)."""
    return load(read_data(path))


def read_data(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The checked snapshot dict in the file `path` (`StateError` if it is not one)."""
    with open(path, encoding="utf-8") as src, collector.paused():
        try:
            data = json.load(src)
        except json.JSONDecodeError as err:
            raise StateError(f"{path}: not JSON ({err})") from None
        except UnicodeDecodeError:
            raise StateError(f"{path}: not JSON (not UTF-8 text)") from None
    check(data)
    return data
