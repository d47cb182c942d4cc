"""The diagram as JSON: nodes with their boxes, links with their polylines, containment.

For programs (the web page, tests, other renderers): everything the picture shows, in the
scene's order, with the zoom level and filters it was drawn with.
"""
from __future__ import annotations

from typing import Any

from .edges import route
from .layout import Box, bounds
from .overlay import Overlay
from .scene import Scene
from .style import label

FORMAT = "ec2sim-diagram"
VERSION = 1


def to_json(scene: Scene, pos: dict[str, Box], *, overlay: Overlay | None = None
            ) -> dict[str, Any]:
    """A JSON-ready dict: `nodes` (id, kind, role, parent, name, cidrs, state, flags,
    counts, label lines, box), `edges` (id, kind, source, target, name, state, points),
    `containment` (parent id -> child ids; `roots` for the top), and `highlight`."""
    width, height = bounds(pos)
    routes = route(scene, pos)
    return {
        "format": FORMAT,
        "version": VERSION,
        "zoom": scene.zoom,
        "filters": scene.filters,
        "size": {"width": round(width, 2), "height": round(height, 2)},
        "roots": scene.roots(),
        "containment": {parent: kids for parent, kids in scene.children.items()
                        if parent is not None},
        "nodes": [_node(scene, nid, pos) for nid in scene.nodes],
        "edges": [{"id": e.id, "kind": e.kind, "source": e.source, "target": e.target,
                   "name": e.name, "state": e.state,
                   "points": [[round(x, 2), round(y, 2)]
                              for x, y in routes[e.id]]}
                  for e in scene.edges],
        "highlight": None if overlay is None else {
            "hops": list(overlay.hops), "links": list(overlay.links),
            "route": list(overlay.route), "blocked": overlay.blocked,
            "reason": overlay.reason, "found": overlay.found},
    }


def _node(scene: Scene, nid: str, pos: dict[str, Box]) -> dict[str, Any]:
    node = scene.nodes[nid]
    box = pos[nid]
    return {"id": nid, "kind": node.kind, "role": scene.role(nid), "parent": node.parent,
            "name": node.name, "cidrs": list(node.cidrs), "state": node.state,
            "flags": list(node.flags), "counts": dict(node.counts), "label": label(node),
            "box": {"x": round(box.x, 2), "y": round(box.y, 2), "w": round(box.w, 2),
                    "h": round(box.h, 2)}}
