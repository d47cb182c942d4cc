"""The world: one networkx graph holding every account's and region's resources.

Nodes are keyed by AWS id and carry `kind`, `account`, `region`, `tags` and the resource's own
fields in boto3 member names. Relationships are typed edges (`topology.schema`). Each
(account, region) is a `Partition` holding the indexes that describe calls and filters need:
ids by kind (in creation order) and ids by tag.

Every mutation goes through the methods of `World`, which is what makes two guarantees cheap:

* a failed request leaves state untouched: mutations are journaled and undone on error;
* DryRun validates and changes nothing: the first mutation of a dry run raises
  `DryRunOperation`, so a handler's validation (done before it mutates) has already passed.
"""
from __future__ import annotations

import itertools
import random
import re
import threading
import uuid
from collections.abc import Callable, Iterable, Mapping
from collections.abc import Set as AbstractSet
from typing import Any

import networkx as nx

from . import schema
from .errors import DryRunOperation, Malformed, NotFound
from .outside import Outside
from .partition import Changes, Partition
from .registry import Registry

DEFAULT_ACCOUNT = "123456789012"
_MISSING = object()
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_EMPTY: frozenset[str] = frozenset()
# one shared copy of each small tuple that every edge repeats (an edge key `(etype, None)`,
# a typed-adjacency group `(etype, kind)`): bounded by edge types x kinds, and one object
# instead of one per edge is some 500 bytes per instance in a 100k-instance world
_SHARED: dict[tuple[str, Any], tuple[str, Any]] = {}

# What a fresh (account, region) holds: AWS's defaults, which build on the network families
# (`provision.defaults` answers). Without an answer a partition starts empty.
NEW_PARTITION: Registry[Callable[[World, Partition], None]] = Registry(
    "what a fresh partition holds")


def _file(index: dict[Any, set[str]], key: Any, rid: str, present: bool) -> None:
    """Put `rid` under `key` in a value -> holders index, or take it out (an empty entry
    goes)."""
    if present:
        index.setdefault(key, set()).add(rid)
        return
    holders = index.get(key)
    if holders is not None:
        holders.discard(rid)
        if not holders:
            del index[key]


class World:
    """Every simulated account and region, one lock and one graph."""

    def __init__(self, seed: int | None = None) -> None:
        self.seed = seed
        self.lock = threading.RLock()
        self.changes = Changes()
        # a durable store (`topology.store.Store`): `save(world)` after every request that
        # changed something, `clear()` on reset; None keeps the world in memory only
        self.persister: Any = None
        # the services beside EC2 (IAM, S3), as the door knows them (`topology.outside`)
        self.outside = Outside()
        self.reset()

    # -- lifecycle -------------------------------------------------------------------------
    def reset(self) -> None:
        """Forget everything (moto's `/moto-api/reset`); ids restart from the seed."""
        with self.lock:
            self.graph = nx.MultiDiGraph()
            self.rng = random.Random(self.seed)
            self._parts: dict[tuple[str, str], Partition] = {}
            # typed adjacency: node -> (edge type, peer kind) -> {peer: number of such edges}
            self._out: dict[str, dict[tuple[str, str], dict[str, int]]] = {}
            self._in: dict[str, dict[tuple[str, str], dict[str, int]]] = {}
            self._seq = itertools.count()
            self.edge_ids: dict[str, tuple[str, str, tuple[str, str]]] = {}
            self._journal: list[tuple[Any, ...]] | None = None
            self._dry_run = False
            # link order, to replay edges into the same adjacency order (`edge_order`)
            self._links = itertools.count()
            # (epoch, link), or the bare int when they are equal (most edges: their pair's first)
            self._edge_order: dict[tuple[str, str, tuple[str, Any]],
                                   int | tuple[int, int]] = {}
            # what a family derives from the graph and checks against it at each use (a
            # VPC's subnet blocks, `subnets.sibling_blocks`): gone with the graph it read
            self.derived: dict[Any, Any] = {}
            self.changes.clear()
            if self.persister is not None:
                self.persister.clear(self.seed)

    def partition(self, account: str, region: str,
                  setup: Callable[[World, Partition], None] | None = None) -> Partition:
        """The partition for (account, region), created with AWS's defaults on first use
        (or with `setup` instead, for a region-wide pseudo-account such as public images)."""
        key = (account, region)
        part = self._parts.get(key)
        if part is None:
            with self.lock:
                part = self._parts.get(key)
                if part is None:
                    part = Partition(account, region, self.changes)
                    self._parts[key] = part
                    self.changes.parts.add(key)
                    self._outside_request(lambda: (setup or _create_defaults)(self, part))
                    if self._journal is None:   # not inside a request: save it now
                        self.commit()
        return part

    def partitions(self) -> list[Partition]:
        return list(self._parts.values())

    # -- a reading copy (shipped to other processes: `routing.distributed`) ------------------
    def reading_state(self) -> tuple[Any, ...]:
        """What a reading copy needs, picklable (a world holds a lock, which does not
        pickle): the graph, the typed adjacency and the partitions' indexes; no store,
        journal, id counters or ClientToken answers."""
        with self.lock:
            parts = [(p.account, p.region, p.by_kind, p.by_tag, dict(p.attributes), p.by_value,
                      p.claims_of, dict(p.hints)) for p in self._parts.values()]
            return (self.seed, self.graph, self._out, self._in, self.edge_ids, parts)

    @classmethod
    def reading_copy(cls, state: tuple[Any, ...]) -> World:
        """A world for reading (the engine, matrices, checks) from `reading_state`."""
        seed, graph, out, into, edge_ids, parts = state
        world = cls(seed)
        world.graph, world._out, world._in, world.edge_ids = graph, out, into, edge_ids
        for account, region, by_kind, by_tag, attributes, by_value, claims_of, hints in parts:
            part = Partition(account, region, world.changes)
            part.by_kind, part.by_tag, part.by_value, part.claims_of = (by_kind, by_tag,
                                                                        by_value, claims_of)
            dict.update(part.attributes, attributes)    # as they were, not noted as changes
            dict.update(part.hints, hints)
            world._parts[(account, region)] = part
        return world

    def request(self, *, dry_run: bool = False) -> _Request:
        """Run one API request (`with world.request(): ...`): serialized, journaled,
        undone on any error."""
        return _Request(self, dry_run)

    def commit(self) -> None:
        """Save what changed since the last save to the durable store, if there is one
        (without one, just forget the noted changes)."""
        with self.lock:
            if self.persister is None:
                self.changes.clear()
            elif self.changes:
                self.persister.save(self)
                self.changes.clear()

    def edge_order(self, u: str, v: str, key: tuple[str, Any]) -> tuple[int, int]:
        """Where the edge sits in adjacency order: (when its (u, v) pair got its first live
        edge, when it was linked). Replaying live edges sorted by this rebuilds the same
        successor, predecessor and key order."""
        order = self._edge_order[(u, v, key)]
        return (order, order) if type(order) is int else order  # type: ignore[return-value]

    def continue_seq(self, after: int) -> None:
        """Number new nodes after `after` (a restored world's highest seq ever given)."""
        nxt = next(self._seq)
        self._seq = itertools.count(max(nxt, after + 1))

    def resume_edge_order(self, order: Mapping[tuple[str, str, tuple[str, Any]],
                                               tuple[int, int]]) -> None:
        """Take back the saved `edge_order` of replayed edges (same relative order, the
        store's numbers), and number new links after them."""
        self._edge_order.update({edge: epoch if epoch == link else (epoch, link)
                                 for edge, (epoch, link) in order.items()})
        last = max((link for _, link in order.values()), default=-1)
        self._links = itertools.count(max(last + 1, next(self._links)))

    def next_seq(self) -> int:
        """The seq the next node will get (without taking it)."""
        nxt = next(self._seq)
        self._seq = itertools.count(nxt)
        return nxt

    def _undo(self) -> None:
        journal, self._journal, self._dry_run = self._journal or [], None, False
        for primitive, *args in reversed(journal):
            getattr(self, primitive)(*args)

    def _outside_request(self, fn: Callable[[], None]) -> None:
        saved = self._journal, self._dry_run
        self._journal, self._dry_run = None, False
        try:
            fn()
        finally:
            self._journal, self._dry_run = saved

    def _mutating(self, *undo: Any) -> None:
        """Journal how to undo the mutation about to happen: a primitive's name and its
        arguments, as one flat tuple rather than a closure. A launch of 100 instances
        journals some 1,400 steps; tuples of plain values drop out of the garbage
        collector's sight, closures (a function and its cells each) would be walked."""
        if self._dry_run:
            raise DryRunOperation()
        if self._journal is not None:
            self._journal.append(undo)

    # -- ids -------------------------------------------------------------------------------
    def new_id(self, prefix: str) -> str:
        """A fresh AWS-shaped id: the prefix and 17 lowercase hex digits, seedable."""
        while True:
            rid = f"{prefix}-{self.rng.getrandbits(68):017x}"
            if rid not in self.graph._node and rid not in self.edge_ids:
                return rid

    def new_uuid_id(self, prefix: str) -> str:
        """A fresh id of a kind AWS names by UUID (`fleet-<uuid4>`), seedable."""
        while True:
            rid = f"{prefix}-{uuid.UUID(int=self.rng.getrandbits(128), version=4)}"
            if rid not in self.graph:
                return rid

    # -- reads -----------------------------------------------------------------------------
    def node(self, rid: str) -> dict[str, Any] | None:
        data = self.graph._node.get(rid)
        if data is None or data.get("deleted"):
            return None
        return data

    def get(self, part: Partition, kind: str, rid: str) -> dict[str, Any]:
        """The live node `rid` of `kind` in `part`.

        Raises `Malformed` for an id that cannot be of that kind, `NotFound` otherwise.
        """
        data = self.lookup(part, kind, rid)
        if data is None:
            raise not_found(kind, rid)
        return data

    def lookup(self, part: Partition, kind: str, rid: str) -> dict[str, Any] | None:
        """The live node `rid` of `kind` in `part`, or None (for per-item answers)."""
        data = self.node(rid)
        if data is not None and data["kind"] == kind and data["account"] == part.account \
                and data["region"] == part.region:
            return data
        return None

    def find(self, kind: str, rid: str) -> dict[str, Any]:
        """A live node of `kind` in any partition (for cross-account/region links)."""
        data = self.node(rid)
        if data is None or data["kind"] != kind:
            raise not_found(kind, rid)
        return data

    def ids(self, part: Partition, kind: str) -> list[str]:
        return list(part.ids(kind))

    def out(self, rid: str, etype: str, kind: str | None = None) -> list[tuple[str, Any, dict]]:
        """Edges `rid -> v` of `etype` as `(v, discriminator, data)`, optionally to live `kind` nodes.

        Costs the number of such edges, not the node's degree: a VPC with hundreds of subnets
        finds its one CIDR association directly, through the typed adjacency index.
        """
        return self._typed(self._out, self.graph._succ, rid, etype, kind)

    def into(self, rid: str, etype: str, kind: str | None = None) -> list[tuple[str, Any, dict]]:
        """Edges `u -> rid` of `etype` as `(u, discriminator, data)`."""
        return self._typed(self._in, self.graph._pred, rid, etype, kind)

    def peers(self, rid: str, etype: str, kind: str) -> dict[str, dict[str, Any]]:
        """The live `kind` nodes `rid` has `etype` edges to, id -> node data, in link order:
        `out` without the edges (cheaper where only the nodes matter, as a VPC's subnets)."""
        group = self._out.get(rid, {}).get((etype, kind))
        if not group:
            return {}
        nodes = self.graph._node
        return {peer: nodes[peer] for peer in group if not nodes[peer].get("deleted")}

    def holder(self, rid: str, etype: str, kind: str) -> str | None:
        """The first live `kind` node with an `etype` edge into `rid` (its VPC, for a
        subnet), or None: `into(...)[0][0]` without listing the edges."""
        group = self._in.get(rid, {}).get((etype, kind))
        if group:
            nodes = self.graph._node
            for peer in group:
                if not nodes[peer].get("deleted"):
                    return peer
        return None

    def peer_ids(self, rid: str, etype: str, kind: str) -> AbstractSet[str]:
        """The ids of `rid`'s `etype` peers of `kind` as the adjacency index holds them:
        `peers` without reading the nodes (a live view: don't keep it across mutations)."""
        group = self._out.get(rid, {}).get((etype, kind))
        return group.keys() if group else _EMPTY

    def _typed(self, index: dict, adjacency: dict, rid: str, etype: str, kind: str | None
               ) -> list[tuple[str, Any, dict]]:
        groups = index.get(rid)
        if not groups:
            return []
        nodes = self.graph._node     # the plain dict (a NodeView lookup costs a call)
        edges = adjacency[rid]
        found = []
        if kind is not None:         # one group: (etype, kind), its live peers
            for peer in groups.get((etype, kind), ()):
                if not nodes[peer].get("deleted"):
                    for key, data in edges[peer].items():
                        if key[0] == etype:
                            found.append((peer, key[1], data))
            return found
        for group, peers in groups.items():
            if group[0] == etype:
                for peer in peers:
                    for key, data in edges[peer].items():
                        if key[0] == etype:
                            found.append((peer, key[1], data))
        return found

    def _is(self, rid: str, kind: str) -> bool:
        data = self.graph._node[rid]
        return data["kind"] == kind and not data.get("deleted")

    def edge(self, edge_id: str) -> tuple[str, str, dict] | None:
        """The edge that carries the sub-resource id `edge_id` (an association), if any."""
        where = self.edge_ids.get(edge_id)
        if where is None:
            return None
        u, v, key = where
        return u, v, self.graph.edges[u, v, key]

    def claimed(self, part: Partition, name: str, value: Any) -> AbstractSet[str]:
        """The ids holding `value` in the partition's value index `name` (don't mutate)."""
        return part.by_value.get(name, {}).get(value, _EMPTY)

    def having(self, part: Partition, kind: str, name: str, value: str) -> AbstractSet[str]:
        """The live ids of `kind` in `part` whose field `name` reads `value` (as `texts`
        gives it), from an index of that field: built on its first use, kept by the
        mutation primitives after that. What an indexed filter (`Filter(index=...)`)
        answers from instead of a scan (don't mutate).

        >>> world = World(seed=1)
        >>> part = world.partition("111111111111", "eu-west-1", setup=lambda w, p: None)
        >>> world.add(part, "thing", "thing-1", State="on")["State"]
        'on'
        >>> sorted(world.having(part, "thing", "State", "on"))
        ['thing-1']
        >>> world.update("thing-1", State="off")
        >>> sorted(world.having(part, "thing", "State", "on"))
        []
        """
        index = part.by_field.get(kind, {}).get(name)
        if index is None:
            index = self._field_index(part, kind, name)
        return index.get(value, _EMPTY)

    def _field_index(self, part: Partition, kind: str, name: str) -> dict[str, set[str]]:
        """Build (once) the index of field `name` of the live `kind` nodes of `part`."""
        with self.lock:
            fields = part.by_field.setdefault(kind, {})
            index = fields.get(name)
            if index is None:
                index = {}
                nodes = self.graph._node
                for rid in part.ids(kind):
                    for key in texts(nodes[rid].get(name)):
                        index.setdefault(key, set()).add(rid)
                fields[name] = index
            return index

    def tags(self, rid: str) -> dict[str, str]:
        return self.graph._node[rid]["tags"]

    # -- mutations -------------------------------------------------------------------------
    def add(self, part: Partition, kind: str, rid: str, **fields: Any) -> dict[str, Any]:
        """Add a resource node of `kind` to `part` and index it."""
        self._mutating("_drop_node", rid)
        self.graph.add_node(rid, kind=kind, account=part.account, region=part.region,
                            seq=next(self._seq), tags={}, **fields)
        part.index_of(kind)[rid] = None
        self.changes.nodes.add(rid)
        data = self.graph._node[rid]
        self._index_fields(part, rid, data, True)
        return data

    def update(self, rid: str, **fields: Any) -> None:
        """Set fields of a node (a value of None deletes the field)."""
        data = self.graph._node[rid]
        old = {k: data.get(k, _MISSING) for k in fields}
        self._mutating("_restore_fields", rid, old)
        self._restore_fields(rid, fields)

    def remove(self, rid: str) -> None:
        """Delete a resource. One that routes still point at stays as a tombstone, so those
        routes show `blackhole` like AWS's do after their target is deleted."""
        for u, _, key in list(self.graph.in_edges(rid, keys=True)):
            kind = schema.KINDS.get(self.graph._node[u]["kind"])
            if kind is not None and kind.lives_on == key[0]:
                self.remove(u)                # what lives on this node goes with it
        data = self.graph._node[rid]
        part = self._part_of(data)
        for name, value in list(part.claims_of.get(rid, ())):
            self.unclaim(part, name, value, rid)
        if any(key[0] == schema.ROUTE for _, _, key in self.graph.in_edges(rid, keys=True)):
            for u, v, key in list(self.graph.out_edges(rid, keys=True)) + [
                    e for e in self.graph.in_edges(rid, keys=True) if e[2][0] != schema.ROUTE]:
                self.unlink(u, v, key[0], key[1])
            for k in list(data["tags"]):
                self.untag(rid, k)
            self.update(rid, deleted=True)
            return
        for u, v, key in list(self.graph.in_edges(rid, keys=True)) + list(
                self.graph.out_edges(rid, keys=True)):
            self.unlink(u, v, key[0], key[1])
        for k in list(data["tags"]):
            self.untag(rid, k)
        self._mutating("_readd_node", rid, dict(data))
        self._drop_node(rid)

    def link(self, u: str, v: str, etype: str, disc: Any = None, **data: Any) -> None:
        """Add (or replace) the edge `u -[etype, disc]-> v`; an `id` in `data` is indexed."""
        key = (etype, disc)
        if disc is None:
            key = _SHARED.setdefault(key, key)
        pair = self.graph._succ[u].get(v)      # has_edge, without its calls
        if pair is not None and key in pair:
            self.unlink(u, v, etype, disc)
        self._mutating("_drop_edge", u, v, key)
        self.graph.add_edge(u, v, key=key, **data)
        self._count_edge(u, v, etype, +1)
        self._order_edge(u, v, key)
        if "id" in data:
            self.edge_ids[data["id"]] = (u, v, key)

    def unlink(self, u: str, v: str, etype: str, disc: Any = None) -> None:
        key = (etype, disc)
        data = dict(self.graph.edges[u, v, key])
        self._mutating("_relink", u, v, etype, disc, data)
        self._drop_edge(u, v, key)
        # a tombstone nobody routes to any more can go
        node = self.graph._node[v]
        if node.get("deleted") and etype == schema.ROUTE and not any(
                group[0] == schema.ROUTE for group in self._in.get(v, ())):
            self._mutating("_readd_node", v, dict(node))
            self._forget_node(v)

    def tag(self, rid: str, key: str, value: str) -> None:
        data = self.graph._node[rid]
        old = data["tags"].get(key, _MISSING)
        self._mutating("_set_tag", rid, key, old)
        self._set_tag(rid, key, value)

    def untag(self, rid: str, key: str) -> None:
        old = self.graph._node[rid]["tags"].get(key, _MISSING)
        if old is _MISSING:
            return
        self._mutating("_set_tag", rid, key, old)
        self._set_tag(rid, key, _MISSING)

    def remember(self, part: Partition, key: tuple[str, str], request: Any, answer: Any
                 ) -> None:
        """Keep a ClientToken's request and answer (`Partition.remember`), journaled: a
        request undone after this (a failed save) forgets its token again."""
        self._mutating("_forget_token", part.account, part.region, key)
        part.remember(key, request, answer)

    def set_attribute(self, part: Partition, key: str, value: Any) -> None:
        """Set an account-level setting of the partition (None deletes it), journaled."""
        old = part.attributes.get(key)
        self._mutating("_set_attribute_in", part.account, part.region, key, old)
        self._set_attribute(part, key, value)

    def claim(self, part: Partition, name: str, value: Any, rid: str) -> None:
        """Record that `rid` holds `value` in the value index `name` (an address, a name):
        what describe filters and uniqueness checks look up instead of scanning nodes."""
        self._mutating("_index_value_in", part.account, part.region, name, value, rid, False)
        self._index_value(part, name, value, rid, True)

    def unclaim(self, part: Partition, name: str, value: Any, rid: str) -> None:
        if rid not in self.claimed(part, name, value):
            return
        self._mutating("_index_value_in", part.account, part.region, name, value, rid, True)
        self._index_value(part, name, value, rid, False)

    def restore(self, nodes: Iterable[tuple[str, dict[str, Any]]]) -> None:
        """Put saved nodes back as they were (fields, `seq`, tags, tombstones), indexed, and
        number new ones after them: how `topology.provision.state.load` refills a fresh world. Their
        partitions must exist; nothing is journaled, so call it outside a request."""
        last = -1
        self.derived.clear()
        for rid, fields in sorted(nodes, key=lambda item: item[1]["seq"]):
            self.graph.add_node(rid, **{**fields, "tags": {}})
            if not fields.get("deleted"):
                part = self._part_of(fields)
                part.index_of(fields["kind"])[rid] = None
                self._index_fields(part, rid, self.graph._node[rid], True)
            for key, value in fields.get("tags", {}).items():
                self._set_tag(rid, key, value)
            self.changes.nodes.add(rid)
            last = max(last, fields["seq"])
        self._seq = itertools.count(max(last + 1, next(self._seq)))

    # -- primitives (not journaled; each notes what it touched in `changes`) ---------------
    def _set_attribute(self, part: Partition, key: str, value: Any) -> None:
        _set_or_pop(part.attributes, key, value)     # noted by `_Noted`

    def _part_of(self, data: dict[str, Any]) -> Partition:
        return self._parts[(data["account"], data["region"])]

    def _restore_fields(self, rid: str, fields: dict[str, Any]) -> None:
        data = self.graph._node[rid]
        self.changes.nodes.add(rid)
        was_deleted = bool(data.get("deleted"))
        part = self._part_of(data)
        indexed = part.by_field.get(data["kind"])
        touched = [k for k in fields if k in indexed] if indexed and not was_deleted else []
        if touched:
            self._index_fields(part, rid, data, False, touched)
        for k, v in fields.items():
            if v is None or v is _MISSING:
                data.pop(k, None)
            else:
                data[k] = v
        if bool(data.get("deleted")) != was_deleted:
            if data.get("deleted"):
                part.index_of(data["kind"]).pop(rid, None)
                self._index_fields(part, rid, data, False)
            else:
                self._reindex(rid)
        elif touched:
            self._index_fields(part, rid, data, True, touched)

    @staticmethod
    def _index_fields(part: Partition, rid: str, data: dict[str, Any], present: bool,
                      names: Iterable[str] | None = None) -> None:
        """Put `rid` into (or take it out of) its kind's field indexes, all or `names`, by
        the node's values now."""
        fields = part.by_field.get(data["kind"])
        if not fields:
            return
        for name in fields if names is None else names:
            index = fields[name]
            for key in texts(data.get(name)):
                _file(index, key, rid, present)

    def _set_tag(self, rid: str, key: str, value: Any) -> None:
        data = self.graph._node[rid]
        self.changes.nodes.add(rid)
        index = self._part_of(data).by_tag
        old = data["tags"].get(key, _MISSING)
        if old is not _MISSING:
            holders = index[key][old]
            holders.discard(rid)
            if not holders:
                del index[key][old]
                if not index[key]:
                    del index[key]
        if value is _MISSING:
            data["tags"].pop(key, None)
        else:
            data["tags"][key] = value
            index.setdefault(key, {}).setdefault(value, set()).add(rid)

    def _relink(self, u: str, v: str, etype: str, disc: Any, data: dict[str, Any]) -> None:
        self.link(u, v, etype, disc, **data)

    def _forget_token(self, account: str, region: str, key: tuple[str, str]) -> None:
        part = self._parts[(account, region)]
        if part.client_tokens.pop(key, None) is not None:
            part.changed("token", key)

    def _set_attribute_in(self, account: str, region: str, key: str, value: Any) -> None:
        self._set_attribute(self._parts[(account, region)], key, value)

    def _index_value_in(self, account: str, region: str, name: str, value: Any, rid: str,
                        present: bool) -> None:
        self._index_value(self._parts[(account, region)], name, value, rid, present)

    @staticmethod
    def _index_value(part: Partition, name: str, value: Any, rid: str, present: bool) -> None:
        part.changes.claims.add(((part.account, part.region), name, value, rid))
        _file(part.by_value.setdefault(name, {}), value, rid, present)
        if present:
            part.claims_of.setdefault(rid, set()).add((name, value))
            return
        mine = part.claims_of.get(rid)
        if mine is not None:
            mine.discard((name, value))
            if not mine:
                del part.claims_of[rid]

    def _drop_node(self, rid: str) -> None:
        data = self.graph._node[rid]
        part = self._part_of(data)
        part.index_of(data["kind"]).pop(rid, None)
        self._index_fields(part, rid, data, False)
        for key, value in list(data["tags"].items()):
            self._set_tag(rid, key, _MISSING)
        self._forget_node(rid)

    def _forget_node(self, rid: str) -> None:
        """Take an edgeless node out of the graph."""
        self.graph.remove_node(rid)
        self.changes.nodes.add(rid)
        self._out.pop(rid, None)
        self._in.pop(rid, None)

    def _readd_node(self, rid: str, snapshot: dict[str, Any]) -> None:
        tags = snapshot.get("tags", {})
        self.graph.add_node(rid, **{**snapshot, "tags": {}})
        self.changes.nodes.add(rid)
        if not snapshot.get("deleted"):
            self._reindex(rid)
        for key, value in tags.items():
            self._set_tag(rid, key, value)

    def _reindex(self, rid: str) -> None:
        """Put a node back in its kind index, keeping creation order (undo is rare)."""
        data = self.graph._node[rid]
        part = self._part_of(data)
        self._index_fields(part, rid, data, True)
        ids = part.index_of(data["kind"])
        ids[rid] = None
        ordered = sorted(ids, key=lambda r: self.graph._node[r]["seq"])
        if list(ids) != ordered:
            ids.clear()
            ids.update(dict.fromkeys(ordered))

    def _drop_edge(self, u: str, v: str, key: tuple[str, Any]) -> None:
        data = self.graph.edges[u, v, key]
        if "id" in data:
            self.edge_ids.pop(data["id"], None)
        self.graph.remove_edge(u, v, key=key)
        self._count_edge(u, v, key[0], -1)
        self._edge_order.pop((u, v, key), None)
        self.changes.edges.add((u, v, key))

    def _order_edge(self, u: str, v: str, key: tuple[str, Any]) -> None:
        link = next(self._links)
        pair = self.graph._succ[u][v]
        first = next(iter(pair))      # the pair's oldest live edge decides its place
        epoch = link if first == key else self.edge_order(u, v, first)[0]
        self._edge_order[(u, v, key)] = link if epoch == link else (epoch, link)
        self.changes.edges.add((u, v, key))

    def _count_edge(self, u: str, v: str, etype: str, delta: int) -> None:
        nodes = self.graph._node
        for index, node, peer in ((self._out, u, v), (self._in, v, u)):
            groups = index.get(node)
            if groups is None:
                groups = index[node] = {}
            group = (etype, nodes[peer]["kind"])
            group = _SHARED.setdefault(group, group)
            peers = groups.get(group)
            if peers is None:
                peers = groups[group] = {}
            count = peers.get(peer, 0) + delta
            if count:
                peers[peer] = count
            else:
                del peers[peer]
                if not peers:
                    del groups[group]


class _Request:
    """`World.request`'s context: a class, not a generator (@contextmanager costs a
    microsecond more, on every request)."""

    __slots__ = ("world", "dry_run")

    def __init__(self, world: World, dry_run: bool) -> None:
        self.world, self.dry_run = world, dry_run

    def __enter__(self) -> None:
        world = self.world
        world.lock.acquire()
        world._journal, world._dry_run = [], self.dry_run

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: Any) -> None:
        world = self.world
        try:
            if kind is None:
                try:
                    world.commit()   # before the answer goes out: acknowledged => saved
                except BaseException:
                    world._undo()
                    raise
            else:
                # undone, memory is as the store has it; the touched keys stay noted and
                # are rewritten (unchanged) with the next save
                world._undo()
        finally:
            world._journal, world._dry_run = None, False
            world.lock.release()


def texts(value: Any) -> list[str]:
    """A field's values as filters read them: text (`true`/`false` for a boolean), each
    item of a list, none for None.

    >>> texts(True), texts("a"), texts(["b", None, 3]), texts(None)
    (['true'], ['a'], ['b', '3'], [])
    """
    if value is None:
        return []
    if isinstance(value, (str, bool, int, float)):
        return [_text(value)]
    return [_text(v) for v in value if v is not None]


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _set_or_pop(mapping: dict[str, Any], key: str, value: Any) -> None:
    if value is None:
        mapping.pop(key, None)
    else:
        mapping[key] = value


def not_found(kind: str, rid: str) -> NotFound | Malformed:
    """The error AWS gives for an id of `kind` that does not exist (or cannot exist)."""
    k = schema.KINDS[kind]
    if not (is_uuid_id_of if k.uuid_ids else is_id_of)(k.prefix, rid):
        return Malformed(f'Invalid id: "{rid}" (expecting "{k.prefix}-...")', k.malformed)
    return NotFound(k.message.format(label=k.label, id=rid), k.not_found)


def is_uuid_id_of(prefix: str, rid: str) -> bool:
    """Whether `rid` has the shape of an id `prefix-` and a lowercase UUID."""
    return rid.startswith(prefix + "-") and _UUID.fullmatch(rid, len(prefix) + 1) is not None


def is_id_of(prefix: str, rid: str) -> bool:
    """Whether `rid` has the shape of an id with `prefix`: 8 or 17 lowercase hex digits."""
    head, sep, tail = rid.rpartition("-")
    return (sep == "-" and head == prefix and len(tail) in (8, 17)
            and all(c in "0123456789abcdef" for c in tail))


def _create_defaults(world: World, part: Partition) -> None:
    build = NEW_PARTITION.get("defaults")
    if build is not None:
        build(world, part)
