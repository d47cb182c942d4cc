"""Structural invariants of a world: what must hold after ANY sequence of requests.

`violations(world)` checks them all and returns what it found wrong, one line each (an empty
list means the world is sound); `check(world)` raises `InvariantError` with the lot. The
fuzzer (`benchmarks/fuzz.py`, `tests/test_fuzz.py`) runs them after random request streams;
any test may call them on its own world.

The checks recompute each fact from the graph itself, never through the index or helper they
are checking:

* addressing: no two subnets of a VPC overlap (IPv4 and IPv6); no private IPv4 address is
  held twice in a subnet, each lies inside the subnet's block and off AWS's reserved five;
  `AvailableIpAddressCount` (`subnets.available_count`) equals the free addresses;
* edges: every edge joins live nodes, except a route to a tombstone; a tombstone has at
  least one route still pointing at it; `World.edge_ids` names exactly the edges carrying `id`;
* indexes: each partition's kind index holds exactly its live nodes of that kind, in
  creation order, and only ids of its own account and region; the tag index agrees with the
  nodes' tags; the value index (`World.claim`) names live nodes (or the partition's account,
  for released addresses), and its two directions agree; the typed adjacency index counts
  exactly the graph's edges.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from netaddr import IPAddress, IPNetwork

from ..core import addressing, schema
from ..core.world import Partition, World, texts
from ..network import subnets


class InvariantError(AssertionError):
    """The world broke at least one invariant; the message lists every violation."""


def check(world: World) -> None:
    """Raise `InvariantError` if any invariant fails."""
    found = violations(world)
    if found:
        raise InvariantError(f"{len(found)} invariant violation(s):\n" + "\n".join(found))


def violations(world: World) -> list[str]:
    """Every invariant violation in `world` (empty when sound)."""
    with world.lock:
        found: list[str] = []
        for rule in RULES:
            found.extend(rule(world))
        return found


# -- addressing ---------------------------------------------------------------------------
def _live(world: World, kind: str) -> Iterable[str]:
    for part in world.partitions():
        yield from part.ids(kind)


def _children(world: World, rid: str, kind: str) -> list[str]:
    """What `rid` CONTAINS of `kind`, read from the graph (not the typed adjacency index)."""
    nodes = world.graph.nodes
    return [v for _, v, key in world.graph.out_edges(rid, keys=True)
            if key[0] == schema.CONTAINS and nodes[v]["kind"] == kind
            and not nodes[v].get("deleted")]


def _overlapping(nets: list[tuple[str, IPNetwork]]) -> Iterable[tuple[str, str]]:
    ordered = sorted(nets, key=lambda item: (item[1].version, item[1].first))
    for (a, net_a), (b, net_b) in zip(ordered, ordered[1:]):
        if net_a.version == net_b.version and net_b.first <= net_a.last:
            yield a, b


def subnet_overlaps(world: World) -> list[str]:
    found = []
    for vpc in _live(world, "vpc"):
        nets: list[tuple[str, IPNetwork]] = []
        for subnet in _children(world, vpc, "subnet"):
            data = world.graph.nodes[subnet]
            if data.get("CidrBlock"):
                nets.append((subnet, IPNetwork(data["CidrBlock"])))
            nets += [(subnet, block) for block in subnets.ipv6_blocks(world, subnet)]
        found += [f"{vpc}: subnets {a} and {b} overlap" for a, b in _overlapping(nets)
                  if a != b]
    return found


def subnet_addresses(world: World) -> list[str]:
    found = []
    for subnet in _live(world, "subnet"):
        data = world.graph.nodes[subnet]
        held = Counter(ip for _, child, key in world.graph.out_edges(subnet, keys=True)
                       if key[0] == schema.CONTAINS
                       and not world.graph.nodes[child].get("deleted")
                       for ip in world.graph.nodes[child].get("ips", ()))
        found += [f"{subnet}: private address {ip} held {n} times"
                  for ip, n in held.items() if n > 1]
        if not data.get("CidrBlock"):
            continue
        block = IPNetwork(data["CidrBlock"])
        reserved = addressing.reserved(block)
        outside = [ip for ip in held if IPAddress(ip) not in block or IPAddress(ip) in reserved]
        found += [f"{subnet}: address {ip} outside {block} or reserved" for ip in outside]
        free = addressing.usable_count(block) - sum(held.values())
        shown = subnets.available_count(world, subnet)
        if shown != free:
            found.append(f"{subnet}: AvailableIpAddressCount {shown} but {free} addresses free")
    return found


# -- edges --------------------------------------------------------------------------------
def edges_join_live_nodes(world: World) -> list[str]:
    found = []
    nodes = world.graph.nodes
    for u, v, key in world.graph.edges(keys=True):
        if nodes[u].get("deleted"):
            found.append(f"edge {u} -{key}-> {v} leaves a deleted node")
        if nodes[v].get("deleted") and key[0] != schema.ROUTE:
            found.append(f"edge {u} -{key}-> {v} reaches a deleted node")
    for rid, data in world.graph.nodes(data=True):
        if data.get("deleted") and not any(
                key[0] == schema.ROUTE for _, _, key in world.graph.in_edges(rid, keys=True)):
            found.append(f"tombstone {rid} has no route pointing at it")
        if "kind" not in data or data["kind"] not in schema.KINDS:
            found.append(f"node {rid} has unknown kind {data.get('kind')!r}")
    return found


def edge_ids(world: World) -> list[str]:
    carried = {data["id"]: (u, v, key)
               for u, v, key, data in world.graph.edges(keys=True, data=True) if "id" in data}
    found = [f"edge id {eid} not indexed" for eid in carried if eid not in world.edge_ids]
    found += [f"edge id {eid} indexed as {where} but the graph has {carried.get(eid)}"
              for eid, where in world.edge_ids.items() if carried.get(eid) != where]
    return found


# -- indexes ------------------------------------------------------------------------------
def _owned(world: World, part: Partition) -> list[tuple[str, dict[str, Any]]]:
    return [(rid, data) for rid, data in world.graph.nodes(data=True)
            if data.get("account") == part.account and data.get("region") == part.region]


def kind_index(world: World) -> list[str]:
    found = []
    seen: set[str] = set()
    for part in world.partitions():
        where = f"{part.account}/{part.region}"
        expected: dict[str, list[str]] = {}
        for rid, data in sorted(_owned(world, part), key=lambda item: item[1]["seq"]):
            seen.add(rid)
            if not data.get("deleted"):
                expected.setdefault(data["kind"], []).append(rid)
        for kind in set(expected) | set(part.by_kind):
            indexed = list(part.by_kind.get(kind, {}))
            if indexed != expected.get(kind, []):
                extra = set(indexed) - set(expected.get(kind, []))
                missing = set(expected.get(kind, [])) - set(indexed)
                found.append(f"{where}: kind index {kind} disagrees with the graph "
                             f"(extra {sorted(extra)}, missing {sorted(missing)}, "
                             f"order {'wrong' if not extra and not missing else '-'})")
    found += [f"node {rid} belongs to no partition" for rid in world.graph if rid not in seen]
    return found


def tag_index(world: World) -> list[str]:
    found = []
    for part in world.partitions():
        expected: dict[str, dict[str, set[str]]] = {}
        for rid, data in _owned(world, part):
            if data.get("deleted") and data["tags"]:
                found.append(f"tombstone {rid} keeps tags")
            for key, value in data["tags"].items():
                expected.setdefault(key, {}).setdefault(value, set()).add(rid)
        if expected != part.by_tag:
            found.append(f"{part.account}/{part.region}: tag index disagrees with the tags")
    return found


def value_index(world: World) -> list[str]:
    found = []
    for part in world.partitions():
        where = f"{part.account}/{part.region}"
        forward = {(name, value, rid) for name, values in part.by_value.items()
                   for value, ids in values.items() for rid in ids}
        backward = {(name, value, rid) for rid, held in part.claims_of.items()
                    for name, value in held}
        if forward != backward:
            found.append(f"{where}: value index directions disagree: "
                         f"{sorted(map(str, forward ^ backward))[:5]}")
        empty = [name for name, values in part.by_value.items()
                 for value, ids in values.items() if not ids]
        found += [f"{where}: value index {name} keeps an empty entry" for name in empty]
        # a holder is a live node (possibly of another partition: a peering is visible to
        # the accepter's, an endpoint service's principals sit in the public one) or the
        # account itself (addresses it released and may recover)
        found += [f"{where}: value index claims for {rid}, not a live node"
                  for rid in part.claims_of if rid != part.account and world.node(rid) is None]
    return found


def field_index(world: World) -> list[str]:
    """Every field index a filter has built (`World.having`) holds what a scan finds."""
    found = []
    for part in world.partitions():
        for kind, fields in part.by_field.items():
            for name, index in fields.items():
                expected: dict[str, set[str]] = {}
                for rid in part.ids(kind):
                    for key in texts(world.graph.nodes[rid].get(name)):
                        expected.setdefault(key, set()).add(rid)
                if expected != index:
                    found.append(f"{part.account}/{part.region}: field index {kind}.{name} "
                                 "disagrees with the nodes")
    return found


def _recount(world: World, outgoing: bool) -> dict[str, dict[tuple[str, str], dict[str, int]]]:
    counts: dict[str, dict[tuple[str, str], dict[str, int]]] = {}
    nodes = world.graph.nodes
    for u, v, key in world.graph.edges(keys=True):
        node, peer = (u, v) if outgoing else (v, u)
        group = counts.setdefault(node, {}).setdefault((key[0], nodes[peer]["kind"]), {})
        group[peer] = group.get(peer, 0) + 1
    return counts


def adjacency_index(world: World) -> list[str]:
    found = []
    for name, index, outgoing in (("out", world._out, True), ("in", world._in, False)):
        expected = _recount(world, outgoing)
        actual = {node: groups for node, groups in index.items() if groups}
        for node in set(expected) | set(actual):
            if expected.get(node, {}) != actual.get(node, {}):
                found.append(f"typed adjacency ({name}) of {node} disagrees with the graph")
        found += [f"typed adjacency ({name}) keeps removed node {node}"
                  for node in index if node not in world.graph]
    return found


RULES: tuple[Callable[[World], list[str]], ...] = (
    subnet_overlaps, subnet_addresses, edges_join_live_nodes, edge_ids,
    kind_index, tag_index, value_index, field_index, adjacency_index,
)
