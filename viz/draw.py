"""Draw a laid-out scene with matplotlib: on an Axes, or to SVG, PNG or PDF bytes.

Each node is one group artist holding its box, its label and its children's groups, so
the SVG nests like the network does: `<g id="vpc-…" class="vpc container">` holds the
zones, which hold the subnets, which hold the instances. Group ids are the resources' AWS
ids (the `gid` of matplotlib's artists); classes say the kind, the role (`container`,
`border`, `bus`, `leaf`), flags (`public`, `default`) and the state. Links are groups in
`<g id="edges">`, a highlighted path in `<g id="highlight">`.

The same scene gives the same SVG bytes: a fixed `svg.hashsalt`, no date, text kept as
`<text>` in DejaVu Sans (shipped with matplotlib), and everything drawn in scene order.
matplotlib is imported only here, inside the functions, and no pyplot figure is made.
"""
from __future__ import annotations

import io
import threading
from typing import Any

from .edges import length, midpoint, route
from .layout import Box, bounds, header_top
from .overlay import Overlay
from .scene import BUS, CONTAINER, Node, Scene
from .style import (BLOCKED, CHAR, DASHED_EDGES, EDGE_COLORS, FONT, HIGHLIGHT, LINE, MARGIN, PAD,
                    colors, font_size, label)

IMAGE_FORMATS = ("svg", "png", "pdf")
MAX_PIXELS = 4096           # the longer side of a PNG, at most
PNG_DPI = 144               # two pixels per point when the picture is small enough
EDGE_TEXT = 6.0             # size of a link's label, drawn only where the link is longer
_RC: Any = {"svg.hashsalt": "ec2sim", "svg.fonttype": "none", "pdf.fonttype": 42,
       "font.family": [FONT], "path.simplify": False}
_lock = threading.Lock()        # rcParams are global; renders in server threads take turns
_group_type: Any = None


def draw(scene: Scene, pos: dict[str, Box], *, ax: Any = None,
         overlay: Overlay | None = None) -> Any:
    """Draw `scene` at `pos` (from `viz.layout`) on `ax`, or on a new figure's Axes sized
    one point per layout unit; returns the Axes."""
    # deferred: matplotlib takes about a second to import and only drawing needs it
    from matplotlib.figure import Figure

    width, height = bounds(pos)
    if ax is None:
        fig = Figure(figsize=(width / 72, height / 72), dpi=72)
        ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(height, 0)
    ax.set_axis_off()
    painter = _Painter(scene, pos, ax)
    for root in scene.roots():
        ax.add_artist(painter.node(root))
    if scene.edges:
        ax.add_artist(painter.links())
    if overlay is not None:
        ax.add_artist(painter.overlay(overlay))
    return ax


def image(scene: Scene, pos: dict[str, Box], fmt: str, *, overlay: Overlay | None = None) -> bytes:
    """The picture as SVG, PNG or PDF bytes."""
    # deferred: matplotlib takes about a second to import and only drawing needs it
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if fmt not in IMAGE_FORMATS:
        raise ValueError(f"unknown image format {fmt!r} (one of {', '.join(IMAGE_FORMATS)})")
    with _lock, matplotlib.rc_context(_RC):
        ax = draw(scene, pos, overlay=overlay)
        fig = ax.figure
        FigureCanvasAgg(fig)
        out = io.BytesIO()
        width, height = bounds(pos)
        options: dict[str, dict[str, Any]] = {
            "svg": {"metadata": {"Date": None}},
            "pdf": {"metadata": {"CreationDate": None, "ModDate": None}},
            "png": {"dpi": min(PNG_DPI, MAX_PIXELS * 72 / max(width, height)),
                    "metadata": {"Software": None}},
        }
        fig.savefig(out, format=fmt, **options[fmt])
    return out.getvalue()


# -- artists ----------------------------------------------------------------------------------
def _group(gid: str, css: str, members: list[Any]) -> Any:
    """An artist drawing `members` inside one `<g id=gid class=css>` (in SVG; other
    backends just draw the members)."""
    global _group_type
    if _group_type is None:
        # deferred: matplotlib takes about a second to import and only drawing needs it
        from matplotlib.artist import Artist

        class Group(Artist):
            def __init__(self, gid: str, css: str, members: list[Any]) -> None:
                super().__init__()
                self.set_gid(gid)
                self.css = css
                self.members = members

            def get_children(self) -> list[Any]:
                return list(self.members)

            def draw(self, renderer: Any) -> None:
                writer = getattr(renderer, "writer", None)     # the SVG backend's XML writer
                if writer is not None:
                    writer.start("g", attrib={"id": self.get_gid(), "class": self.css})
                else:
                    renderer.open_group("g", gid=self.get_gid())
                for member in self.members:
                    member.draw(renderer)
                renderer.close_group("g")

        _group_type = Group
    return _group_type(gid, css, members)


def css_classes(scene: Scene, node: Node) -> str:
    """The classes of a node's group: kind, role, flags, state."""
    role = scene.role(node.id)
    extra = ["vpc-endpoint"] if node.kind == "gateway-endpoint" else []
    state = [node.state] if node.state and node.state.replace("-", "").isalnum() else []
    return " ".join([node.kind, *extra, role, *node.flags, *state])


class _Painter:
    def __init__(self, scene: Scene, pos: dict[str, Box], ax: Any) -> None:
        self.scene = scene
        self.pos = pos
        self.ax = ax
        self.routes = route(scene, pos)

    def _own(self, artist: Any) -> Any:
        artist.set_figure(self.ax.figure)
        artist.axes = self.ax
        artist.set_transform(self.ax.transData)
        artist.set_clip_on(False)
        return artist

    def node(self, nid: str) -> Any:
        node = self.scene.nodes[nid]
        box = self.pos[nid]
        members = [self._box(node, box), *self._label(node, box)]
        members += [self.node(kid) for kid in self.scene.kids(nid)]
        return _group(nid, css_classes(self.scene, node), members)

    def _box(self, node: Node, box: Box) -> Any:
        # deferred: matplotlib takes about a second to import and only drawing needs it
        from matplotlib.patches import FancyBboxPatch, Rectangle

        edge, face = colors(node)
        if node.role == BUS:
            return self._own(Rectangle((box.x, box.y), box.w, box.h, facecolor=face,
                                       edgecolor=edge, linewidth=1.0))
        container = node.role == CONTAINER
        rounding = 4.0 if container else 2.5
        return self._own(FancyBboxPatch(
            (box.x, box.y), box.w, box.h, boxstyle=f"round,pad=0,rounding_size={rounding}",
            facecolor=face, edgecolor=edge,
            linewidth={"region": 1.6, "vpc": 1.4}.get(node.kind, 0.9),
            linestyle="--" if node.kind in ("az", "external") else "-"))

    def _label(self, node: Node, box: Box) -> list[Any]:
        # deferred: matplotlib takes about a second to import and only drawing needs it
        from matplotlib.text import Text

        lines = label(node)
        size = font_size(node)
        color = "#ffffff" if node.role == BUS else "#16191f"
        if node.role == BUS:
            x, y = box.x + 2 * PAD, box.y + box.h / 2
            return [self._own(Text(x, y, lines[0], fontsize=size, fontweight="bold",
                                   color=color, va="center", ha="left", parse_math=False))]
        if node.role == CONTAINER:
            x, y = box.x + PAD, header_top(self.scene, self.pos, node.id)
        else:
            x, y = box.x + 4, box.y + 4
        out = [self._own(Text(x, y, lines[0], fontsize=size, fontweight="bold", color=color,
                              va="top", ha="left", parse_math=False))]
        if len(lines) > 1:
            out.append(self._own(Text(x, y + size * LINE, "\n".join(lines[1:]), fontsize=size,
                                      color=color, va="top", ha="left", linespacing=1.05,
                                      parse_math=False)))
        return out

    def links(self) -> Any:
        # deferred: matplotlib takes about a second to import and only drawing needs it
        from matplotlib.lines import Line2D
        from matplotlib.text import Text

        groups = []
        for edge in self.scene.edges:
            line = self.routes[edge.id]
            color = EDGE_COLORS.get(edge.kind, "#545b64")
            members = [self._own(Line2D(
                [p[0] for p in line], [p[1] for p in line], color=color,
                linewidth=1.6 if edge.kind in ("peering", "tap") else 1.0,
                linestyle="--" if edge.kind in DASHED_EDGES or edge.state in (
                    "pending-acceptance", "pendingAcceptance", "initiating-request") else "-"))]
            text = edge.label()
            if text and length(line) > len(text) * EDGE_TEXT * CHAR:
                x, y = midpoint(line)
                members.append(self._own(Text(
                    x, y, text, fontsize=EDGE_TEXT, color=color, ha="center", va="center",
                    parse_math=False, bbox={"facecolor": "white", "edgecolor": "none",
                                            "pad": 1.0, "alpha": 0.85})))
            groups.append(_group(edge.id, f"edge {edge.kind}", members))
        return _group("edges", "edges", groups)

    def overlay(self, marks: Overlay) -> Any:
        # deferred: matplotlib takes about a second to import and only drawing needs it
        from matplotlib.lines import Line2D
        from matplotlib.patches import FancyArrowPatch, Rectangle
        from matplotlib.text import Text

        members = []
        for n, hop in enumerate(marks.route, start=1):
            box = self.pos[hop]
            members.append(_group(f"hop.{n}.{hop}", "hop", [self._own(Rectangle(
                (box.x - 2, box.y - 2), box.w + 4, box.h + 4, fill=False,
                edgecolor=HIGHLIGHT, linewidth=2.4))]))
        for a, b in zip(marks.route, marks.route[1:]):
            pa, pb = self.pos[a], self.pos[b]
            members.append(_group(f"step.{a}.{b}", "step", [self._own(FancyArrowPatch(
                (pa.cx, pa.cy), (pb.cx, pb.cy), arrowstyle="-|>", mutation_scale=10,
                color=HIGHLIGHT, linewidth=2.0, shrinkA=4, shrinkB=4))]))
        for link in marks.links:
            edge = next(e for e in self.scene.edges if e.id == link)
            line = self.routes[edge.id]
            members.append(_group(f"link.{link}", "link", [self._own(Line2D(
                [p[0] for p in line], [p[1] for p in line], color=HIGHLIGHT, linewidth=3.0,
                alpha=0.8))]))
        if marks.blocked is not None:
            box = self.pos[marks.blocked]
            blocked = [self._own(Rectangle((box.x - 3, box.y - 3), box.w + 6, box.h + 6,
                                           fill=False, edgecolor=BLOCKED, linewidth=2.8)),
                       self._own(Text(box.x - 3, box.y - 6, f"× blocked: {marks.reason}",
                                      fontsize=7, fontweight="bold", color=BLOCKED, va="bottom",
                                      ha="left", parse_math=False,
                                      bbox={"facecolor": "white", "edgecolor": BLOCKED,
                                            "pad": 1.5}))]
            last = marks.route[-1] if marks.route else None
            if last is not None and last != marks.blocked:      # how far the packet got
                pa = self.pos[last]
                blocked.insert(0, self._own(FancyArrowPatch(
                    (pa.cx, pa.cy), (box.cx, box.cy), arrowstyle="-|>", mutation_scale=10,
                    color=BLOCKED, linewidth=1.6, linestyle="--", shrinkA=4, shrinkB=4)))
            members.append(_group(f"blocked.{marks.blocked}", "blocked", blocked))
        elif marks.reason:          # what blocks is not in the picture: say so in a corner
            members.append(_group("blocked", "blocked", [self._own(Text(
                MARGIN, 2, f"× no path: {marks.reason}", fontsize=7, fontweight="bold",
                color=BLOCKED, va="top", ha="left", parse_math=False,
                bbox={"facecolor": "white", "edgecolor": BLOCKED, "pad": 1.5}))]))
        return _group("highlight", "highlight", members)
