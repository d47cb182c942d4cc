"""Durable state: a `World` kept in an embedded SQLite database (`ec2sim serve --state PATH`).

The database holds the snapshot of `topology.provision.state` split into rows: one per node (its
encoded fields, tags and tombstone flag included), per edge, per value claim, and per
partition entry the graph cannot rebuild (account settings, ClientToken answers, allocation
hints), plus the id generator's state. Values are encoded exactly as snapshots encode them,
and a restart assembles a snapshot from the rows and loads it with `state.load`, so the two
formats never drift apart.

Saving is incremental. The world notes the keys its mutation primitives touch
(`World.changes`); at the end of every request that changed something, inside the world's
lock and before the answer is sent, `Store.save` writes each touched key's current state (or
deletes its row) in one transaction. Cost follows what the request changed, not the world's
size.

Durability: the database runs in WAL mode with `synchronous=NORMAL` by default. A commit has
been written to the WAL file (handed to the operating system) before the request is
answered, so every acknowledged mutation survives the process being killed (`kill -9`, a
crash); only an operating-system crash or power loss can lose the last commits, because
NORMAL does not fsync each one. `synchronous="FULL"` fsyncs every commit (power-loss safe,
slower).
"""
from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable
from typing import Any

from ..core import collector
from ..core.world import Partition, World
from . import state

FORMAT = "ec2sim-store"
VERSION = 1
_MISSING = object()

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS partitions (
    n INTEGER PRIMARY KEY AUTOINCREMENT, account TEXT NOT NULL, region TEXT NOT NULL,
    UNIQUE (account, region));
CREATE TABLE IF NOT EXISTS nodes (id TEXT PRIMARY KEY, seq INTEGER NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS edges (
    u TEXT NOT NULL, v TEXT NOT NULL, key TEXT NOT NULL,
    epoch INTEGER NOT NULL, link INTEGER NOT NULL, edge TEXT NOT NULL,
    PRIMARY KEY (u, v, key)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS claims (
    account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL,
    rid TEXT NOT NULL, PRIMARY KEY (account, region, name, value, rid)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS items (
    n INTEGER PRIMARY KEY AUTOINCREMENT,
    account TEXT NOT NULL, region TEXT NOT NULL, what TEXT NOT NULL, key TEXT NOT NULL,
    value TEXT NOT NULL, UNIQUE (account, region, what, key));
"""
_TABLES = ("meta", "partitions", "nodes", "edges", "claims", "items")


class StoreError(ValueError):
    """The file is not an ec2sim state database this version can read."""


def _text(value: Any) -> str:
    """Compact JSON of an encoded value (keys sorted: one key, one text)."""
    return json.dumps(state.encode(value), sort_keys=True, separators=(",", ":"))


def _rng_text(rng: tuple[Any, ...]) -> str:
    """`random.Random.getstate()` as `_text` gives it, without walking its 625 ints one by
    one (the generator moves on every request that mints an id)."""
    version, internal, gauss = rng
    return json.dumps({"$tuple": [version, {"$tuple": list(internal)}, gauss]},
                      separators=(",", ":"))


def _value(text: str) -> Any:
    return json.loads(text)


class Store:
    """One SQLite database holding one world; used only under the world's lock."""

    def __init__(self, path: str | os.PathLike[str], synchronous: str = "NORMAL") -> None:
        if synchronous.upper() not in ("NORMAL", "FULL"):
            raise ValueError(f"synchronous must be NORMAL or FULL, not {synchronous!r}")
        self.path = os.fspath(path)
        # autocommit mode: transactions are the explicit BEGIN ... COMMIT of `_transaction`
        self.db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute(f"PRAGMA synchronous={synchronous.upper()}")
        self.db.executescript(_SCHEMA)
        self._rng: Any = None        # the generator state last saved (skip it if unchanged)
        self._check()

    def close(self) -> None:
        self.db.close()

    def _check(self) -> None:
        meta = dict(self.db.execute("SELECT key, value FROM meta"))
        if meta and (meta.get("format") != json.dumps(FORMAT)
                     or meta.get("version") != json.dumps(VERSION)):
            raise StoreError(f"{self.path}: not an ec2sim state database of version {VERSION}")

    # -- saving ----------------------------------------------------------------------------
    def save(self, world: World) -> None:
        """Write what `world.changes` names, as it is now, in one transaction."""
        changes = world.changes
        parts = {(p.account, p.region): p for p in world.partitions()}
        db = self.db
        db.execute("BEGIN")
        try:
            db.executemany("INSERT OR IGNORE INTO partitions (account, region) VALUES (?, ?)",
                           [key for key in changes.parts if key in parts])
            self._save_nodes(world, changes.nodes)
            self._save_edges(world, changes.edges)
            self._save_claims(parts, changes.claims)
            self._save_items(parts, changes.items)
            rng = world.rng.getstate()
            meta = [("seq", json.dumps(world.next_seq()))]
            if rng != self._rng:
                meta.append(("rng", _rng_text(rng)))
            db.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", meta)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        self._rng = rng

    def _save_nodes(self, world: World, ids: Iterable[str]) -> None:
        nodes = world.graph.nodes
        rows, gone = [], []
        for rid in ids:
            data = nodes.get(rid)
            if data is None:
                gone.append((rid,))
            else:
                rows.append((rid, data["seq"], _text(data)))
        self.db.executemany("DELETE FROM nodes WHERE id = ?", gone)
        self.db.executemany("INSERT OR REPLACE INTO nodes (id, seq, data) VALUES (?, ?, ?)", rows)

    def _save_edges(self, world: World, keys: Iterable[tuple[str, str, tuple[str, Any]]]) -> None:
        graph = world.graph
        rows, gone = [], []
        for u, v, key in keys:
            ktext = _text(key)
            if graph.has_edge(u, v, key):
                epoch, link = world.edge_order(u, v, key)
                edge = state.dump_edge(u, v, key, graph.edges[u, v, key])
                rows.append((u, v, ktext, epoch, link,
                             json.dumps(edge, sort_keys=True, separators=(",", ":"))))
            else:
                gone.append((u, v, ktext))
        self.db.executemany("DELETE FROM edges WHERE u = ? AND v = ? AND key = ?", gone)
        self.db.executemany("INSERT OR REPLACE INTO edges (u, v, key, epoch, link, edge) "
                            "VALUES (?, ?, ?, ?, ?, ?)", rows)

    def _save_claims(self, parts: dict[tuple[str, str], Partition],
                     keys: Iterable[tuple[tuple[str, str], str, Any, str]]) -> None:
        rows: list[tuple[Any, ...]] = []
        gone: list[tuple[Any, ...]] = []
        for where, name, value, rid in keys:
            part = parts.get(where)
            row = (*where, name, _text(value), rid)
            held = part is not None and rid in part.by_value.get(name, {}).get(value, ())
            (rows if held else gone).append(row)
        self.db.executemany("DELETE FROM claims WHERE account = ? AND region = ? AND name = ? "
                            "AND value = ? AND rid = ?", gone)
        self.db.executemany("INSERT OR IGNORE INTO claims VALUES (?, ?, ?, ?, ?)", rows)

    def _save_items(self, parts: dict[tuple[str, str], Partition],
                    keys: Iterable[tuple[tuple[str, str], str, Any]]) -> None:
        rows: list[tuple[Any, ...]] = []
        gone: list[tuple[Any, ...]] = []
        for where, what, key in keys:
            part = parts.get(where)
            value = _MISSING if part is None else _ITEMS[what](part).get(key, _MISSING)
            row = (*where, what, _text(key))
            if value is _MISSING:
                gone.append(row)
            else:
                rows.append((*row, _text(value)))
        self.db.executemany("DELETE FROM items WHERE account = ? AND region = ? AND what = ? "
                            "AND key = ?", gone)
        self.db.executemany("INSERT OR REPLACE INTO items (account, region, what, key, value) "
                            "VALUES (?, ?, ?, ?, ?)", rows)

    def clear(self, seed: int | None = None) -> None:
        """Forget everything (`World.reset`), keeping the format marks."""
        db = self.db
        db.execute("BEGIN")
        try:
            for table in _TABLES:
                db.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
            db.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", [
                ("format", json.dumps(FORMAT)), ("version", json.dumps(VERSION)),
                ("seed", json.dumps(seed))])
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        self._rng = None

    # -- loading ---------------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any] | None:
        """The saved world as a `topology.provision.state` snapshot (None if nothing is saved)."""
        db = self.db
        meta = {key: json.loads(value) for key, value in db.execute("SELECT key, value FROM meta")}
        if "rng" not in meta:
            return None
        parts = {}
        for account, region in db.execute("SELECT account, region FROM partitions ORDER BY n"):
            parts[(account, region)] = {"account": account, "region": region, "claims": [],
                                        "attributes": {"$map": []}, "client_tokens": [],
                                        "hints": {"$map": []}}
        for account, region, name, value, rid in db.execute(
                "SELECT account, region, name, value, rid FROM claims"):
            parts[(account, region)]["claims"].append([name, _value(value), rid])
        for account, region, what, key, value in db.execute(
                "SELECT account, region, what, key, value FROM items ORDER BY n"):
            saved = parts[(account, region)]
            pair = [_value(key), _value(value)]
            if what == "token":
                saved["client_tokens"].append(pair)
            else:
                saved["attributes" if what == "attr" else "hints"]["$map"].append(pair)
        return {
            "format": state.FORMAT, "version": state.VERSION, "seed": meta.get("seed"),
            "rng": meta["rng"], "seq": meta.get("seq", 0),
            "partitions": list(parts.values()),
            "nodes": [{"id": rid, "data": _value(data)}
                      for rid, data in db.execute("SELECT id, data FROM nodes ORDER BY seq")],
            "edges": [json.loads(edge) for (edge,) in
                      db.execute("SELECT edge FROM edges ORDER BY epoch, link")],
        }

    def edge_order(self) -> dict[tuple[str, str, tuple[str, Any]], tuple[int, int]]:
        return {(u, v, state.decode(_value(key))): (epoch, link) for u, v, key, epoch, link
                in self.db.execute("SELECT u, v, key, epoch, link FROM edges")}


_ITEMS = {
    "attr": lambda part: part.attributes,
    "token": lambda part: part.client_tokens,
    "hint": lambda part: part.hints,
}


def open_world(path: str | os.PathLike[str], seed: int | None = None,
               synchronous: str = "NORMAL") -> World:
    """The world saved in the database at `path` (a new one, seeded with `seed`, if the
    database is new or empty), saving every change from now on."""
    store = Store(path, synchronous)
    with collector.paused():       # a world's worth of rows made into containers
        data = store.snapshot()
        if data is None:
            world = World(seed)
            store.clear(seed)
        else:
            world = state.load(data)
            world.continue_seq(data["seq"] - 1)
            world.resume_edge_order(store.edge_order())
    world.changes.clear()        # what loading touched is what the database holds
    world.persister = store
    return world
