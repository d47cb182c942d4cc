"""Graphviz DOT: containers as nested clusters, resources as nodes, links as edges.

For Graphviz to lay out (`dot -Tsvg net.dot`), so no positions are written. A container
that a link ends on (a VPC joined by peering) gets an invisible anchor node named by its
id, and the edge is clipped to the cluster (`compound=true`, `lhead`/`ltail`).
"""
from __future__ import annotations

from .overlay import Overlay
from .scene import CONTAINER, Scene
from .style import BLOCKED, DASHED_EDGES, EDGE_COLORS, FONT, HIGHLIGHT, colors, label


def to_dot(scene: Scene, *, overlay: Overlay | None = None) -> str:
    """The scene as a DOT digraph (the same scene, the same text)."""
    anchored = {end for e in scene.edges for end in (e.source, e.target)
                if scene.nodes[end].role == CONTAINER}
    marks = _marks(overlay)
    title = _q(_title(scene, overlay))
    out = ['digraph "ec2sim" {',
           f'  graph [compound=true, newrank=true, fontname={_q(FONT)}, label={title}, '
           'labelloc=t];',
           f'  node [shape=box, style="rounded,filled", fontname={_q(FONT)}, fontsize=9];',
           f'  edge [fontname={_q(FONT)}, fontsize=8, dir=none];']
    for root in scene.roots():
        out.extend(_emit(scene, root, anchored, marks, "  "))
    for edge in scene.edges:
        attrs = {"id": edge.id, "class": f"edge {edge.kind}",
                 "color": marks.get(edge.id, EDGE_COLORS.get(edge.kind, "#545b64")),
                 "style": "dashed" if edge.kind in DASHED_EDGES else "solid"}
        if edge.label():
            attrs["label"] = edge.label()
        if edge.source in anchored:
            attrs["ltail"] = f"cluster_{edge.source}"
        if edge.target in anchored:
            attrs["lhead"] = f"cluster_{edge.target}"
        if edge.id in marks:
            attrs["penwidth"] = "3"
        out.append(f"  {_q(edge.source)} -> {_q(edge.target)} {_attrs(attrs)};")
    out.append("}")
    return "\n".join(out) + "\n"


def _title(scene: Scene, overlay: Overlay | None = None) -> str:
    scope = ", ".join(f"{k}={v}" for k, v in sorted(scene.filters.items()))
    title = f"ec2sim ({scene.zoom} level{'; ' + scope if scope else ''})"
    if overlay is not None and overlay.reason:
        title += f"\nblocked: {overlay.reason}"
    return title


def _marks(overlay: Overlay | None) -> dict[str, str]:
    """Node and edge id -> highlight colour."""
    if overlay is None:
        return {}
    marks = {rid: HIGHLIGHT for rid in (*overlay.hops, *overlay.links)}
    if overlay.blocked is not None:
        marks[overlay.blocked] = BLOCKED
    return marks


def _emit(scene: Scene, nid: str, anchored: set[str], marks: dict[str, str],
          indent: str) -> list[str]:
    node = scene.nodes[nid]
    edge, face = colors(node)
    text = "\n".join(label(node))
    css = " ".join([node.kind, scene.role(nid), *node.flags])
    if node.role != CONTAINER:
        attrs = {"id": nid, "class": css, "label": text, "color": marks.get(nid, edge),
                 "fillcolor": face if face != "none" else "white"}
        if node.kind == "transit-gateway":
            attrs.update(style="filled", fontcolor="white", width="4")
        if nid in marks:
            attrs["penwidth"] = "3"
        return [f"{indent}{_q(nid)} {_attrs(attrs)};"]
    lines = [f"{indent}subgraph {_q('cluster_' + nid)} {{"]
    inner = indent + "  "
    graph = {"id": nid, "class": css, "label": text, "labeljust": "l",
             "color": marks.get(nid, edge), "style": "rounded,filled" if face != "none"
             else "rounded,dashed", "fillcolor": face if face != "none" else "white"}
    if nid in marks:
        graph["penwidth"] = "3"
    lines.append(f"{inner}graph {_attrs(graph)};")
    if nid in anchored:
        lines.append(f'{inner}{_q(nid)} [shape=point, style=invis, width=0.01, label=""];')
    for kid in scene.kids(nid):
        lines.extend(_emit(scene, kid, anchored, marks, inner))
    lines.append(f"{indent}}}")
    return lines


def _attrs(attrs: dict[str, str]) -> str:
    return "[" + ", ".join(f"{k}={_q(v)}" for k, v in attrs.items()) + "]"


def _q(text: str) -> str:
    """A DOT quoted string (backslashes, quotes and newlines escaped)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'
