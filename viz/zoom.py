"""Zoom levels: fold a scene until it fits a node budget.

Four levels, most detailed first:

* `instance` — everything;
* `subnet` — a subnet's instances and interfaces fold into one node with a count (the
  fullest subnets first, only as many as the budget needs: the others keep their instances);
* `vpc` — a VPC shows its gateways, attachments and peerings, and counts what it holds;
* `account` — one box per account and region, counting what it holds.

`collapse(scene, budget=...)` picks the most detailed level that fits; `zoom=` forces one.
Folded resources become aliases of the node that now stands for them, and links between
folded things move to those nodes (dropped when both ends land on the same node).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import replace

from .scene import LEAF, ROLES, Edge, Node, Scene

LEVELS = ("instance", "subnet", "vpc", "account")
FOLDABLE = ("instance", "network-interface")        # what a subnet folds into its count
# the order counts read in; kinds not listed are not counted
COUNTED = ("vpc", "subnet", "instance", "network-interface", "nat-gateway", "vpc-endpoint",
           "gateway-endpoint", "internet-gateway", "egress-only-internet-gateway",
           "vpn-gateway", "carrier-gateway", "transit-gateway", "customer-gateway")


class ZoomError(ValueError):
    """An unknown zoom level."""


def collapse(scene: Scene, *, budget: int = 400, zoom: str | None = None) -> Scene:
    """The scene at the most detailed level with at most `budget` nodes (or at `zoom`).

    Returns `scene` itself when it fits; otherwise a new scene whose `zoom` says the level.
    At the coarsest level the scene may still exceed the budget (one box per region).
    """
    if zoom is not None:
        if zoom not in LEVELS:
            raise ZoomError(f"unknown zoom level {zoom!r} (one of {', '.join(LEVELS)})")
        return _at(scene, zoom)
    if len(scene.nodes) <= budget:
        return scene
    folded = _fold_subnets(scene, _fullest(scene, len(scene.nodes) - budget))
    if len(folded.nodes) <= budget:
        return folded
    for level in ("vpc", "account"):
        folded = _at(scene, level)
        if len(folded.nodes) <= budget or level == "account":
            return folded
    raise AssertionError("unreachable")


def _at(scene: Scene, level: str) -> Scene:
    if level == "instance":
        return scene
    if level == "subnet":
        return _fold_subnets(scene, [n.id for n in scene.nodes.values() if n.kind == "subnet"
                                     and any(_foldable(scene, k) for k in scene.kids(n.id))])
    keep_kind = "vpc" if level == "vpc" else "region"
    return _fold_below(scene, keep_kind, level)


def _foldable(scene: Scene, node_id: str) -> bool:
    return scene.nodes[node_id].kind in FOLDABLE


def _fullest(scene: Scene, excess: int) -> list[str]:
    """Subnets to fold, the fullest first (ties by id), until `excess` nodes are saved."""
    sizes = sorted(((sum(_foldable(scene, k) for k in scene.kids(n.id)), n.id)
                    for n in scene.nodes.values() if n.kind == "subnet"),
                   key=lambda s: (-s[0], s[1]))
    chosen = []
    for size, sid in sizes:
        if excess <= 0 or size < 2:
            break
        chosen.append(sid)
        excess -= size - 1
    return chosen


def _fold_subnets(scene: Scene, subnets: list[str]) -> Scene:
    """Each of `subnets` gets one `instances.<subnet>` node for its instances and ENIs."""
    fold = set(subnets)
    nodes: dict[str, Node] = {}
    aliases = dict(scene.aliases)
    groups: dict[str, Counter[str]] = {}
    for node in scene.nodes.values():
        if node.parent in fold and node.kind in FOLDABLE:
            group = f"instances.{node.parent}"
            if group not in nodes:
                nodes[group] = Node(group, "instances", node.parent)
                groups[group] = Counter()
            groups[group][node.kind] += 1
            aliases[node.id] = group
            continue
        nodes[node.id] = node
    for group, counts in groups.items():
        nodes[group] = Node(group, "instances", nodes[group].parent, counts=_ordered(counts))
    return _rebuilt(scene, nodes, aliases, "subnet")


def _fold_below(scene: Scene, keep: str, level: str) -> Scene:
    """Drop what lies inside every `keep` node, except border nodes of kept VPCs and
    region-level nodes when keeping VPCs; the kept node counts what it lost."""
    nodes: dict[str, Node] = {}
    aliases = dict(scene.aliases)
    counts: dict[str, Counter[str]] = {}
    for node in scene.nodes.values():
        holder = _holder(scene, node, keep)
        if holder is None or (keep == "vpc" and _stays_at_vpc_zoom(scene, node)):
            nodes[node.id] = node
            continue
        aliases[node.id] = holder
        tally = counts.setdefault(holder, Counter())
        if node.kind == "instances":
            tally.update(dict(node.counts))
        else:
            tally[node.kind] += 1
    for holder, tally in counts.items():
        old = nodes[holder]
        nodes[holder] = replace(old, counts=_ordered(tally))
    return _rebuilt(scene, nodes, aliases, level)


def _holder(scene: Scene, node: Node, keep: str) -> str | None:
    """The nearest `keep` ancestor of `node`, if any."""
    for ancestor in scene.ancestors(node.id):
        if scene.nodes[ancestor].kind == keep:
            return ancestor
    return None


def _stays_at_vpc_zoom(scene: Scene, node: Node) -> bool:
    """Border nodes of VPCs, and region-level nodes, stay when VPCs are the leaves."""
    parent = scene.nodes[node.parent] if node.parent else None
    return parent is not None and parent.kind == "vpc" and ROLES.get(node.kind, LEAF) == "border"


def _ordered(tally: Counter[str]) -> tuple[tuple[str, int], ...]:
    return tuple((kind, tally[kind]) for kind in COUNTED if tally.get(kind))


def _rebuilt(scene: Scene, nodes: dict[str, Node], aliases: dict[str, str], level: str) -> Scene:
    """A scene of `nodes`, its edges moved onto what stands for their ends."""
    probe = Scene(nodes, [], aliases, level, scene.filters)
    moved: dict[tuple[str, str, str], Edge] = {}
    for edge in scene.edges:
        source, target = probe.resolve(edge.source), probe.resolve(edge.target)
        if source is None or target is None or source == target:
            continue
        low, high = sorted((source, target))
        key = (edge.kind, low, high)
        if key not in moved:
            moved[key] = _moved(edge, source, target)
    probe.edges = sorted(moved.values(), key=lambda e: (e.kind, e.id))
    return probe


def _moved(edge: Edge, source: str, target: str) -> Edge:
    if (source, target) == (edge.source, edge.target):
        return edge
    return Edge(edge.id, edge.kind, source, target, edge.name, edge.state)

