"""Nested containment layout: a box for every node of a scene, the same boxes every time.

Boxes are sized bottom-up from their labels and children and placed top-down, in the
scene's (sorted) order, with no randomness and no text measuring by a renderer:

* a subnet lays its resources out in a grid of equal cells;
* a zone stacks its subnets; a VPC puts its zones side by side, its gateways astride its
  top border and its transit gateway attachments astride the border facing the bus;
* an account/region box draws each transit gateway as a bus, with the VPCs attached to it
  in a row above and a row below so that every attachment taps the bus straight up or down;
  the other VPCs follow in rows about as wide as the bands; customer gateways and peers
  outside the picture close the box;
* account/region boxes are stacked.

Coordinates are points, x to the right and y downwards from the top-left corner.
"""
from __future__ import annotations

import math
from typing import NamedTuple

from .edges import LANE_CLEAR, LANE_GAP, peering_lanes
from .geometry import Box
from .scene import BORDER, BUS, Scene
from .style import BAND_GAP, GAP, LEAF_MIN_WIDTH, MARGIN, PAD, font_size, label, text_size
from .zoom import collapse

LEAF_PAD = 4.0
CELL_GAP = 6.0
SHELF_AT_LEAST = 4      # VPCs that always fit side by side in a row


def layout(scene: Scene, *, budget: int = 400, seed: int = 0,
           zoom: str | None = None) -> dict[str, Box]:
    """Positions for the nodes of `viz.collapse(scene, budget=budget, zoom=zoom)`.

    Parameters
    ----------
    scene : what `viz.snapshot` read.
    budget : the most nodes to draw; beyond it the scene is folded (see `viz.zoom`).
    seed : accepted as networkx layouts accept it; this layout draws no random numbers,
        so every seed gives the same boxes.
    zoom : force a zoom level instead of choosing one by the budget.

    Returns
    -------
    dict mapping node id to `Box`; call `collapse` with the same arguments for the nodes.
    """
    return position(collapse(scene, budget=budget, zoom=zoom), seed=seed)


def position(scene: Scene, *, seed: int = 0) -> dict[str, Box]:
    """Boxes for exactly the nodes of `scene` (no folding)."""
    del seed        # deterministic by construction
    return _Layout(scene).run()


def bounds(pos: dict[str, Box]) -> tuple[float, float]:
    """Width and height of the picture holding every box, margins included."""
    if not pos:
        return 2 * MARGIN, 2 * MARGIN
    return (max(b.right for b in pos.values()) + MARGIN,
            max(b.bottom for b in pos.values()) + MARGIN)


def header_top(scene: Scene, pos: dict[str, Box], node_id: str) -> float:
    """Where a container's label starts: below the halves of its top-border nodes."""
    box = pos[node_id]
    top = box.y + PAD
    for kid in scene.kids(node_id):
        kbox = pos.get(kid)
        if kbox is not None and scene.nodes[kid].role == BORDER and kbox.y < box.y:
            top = max(top, kbox.bottom + 3)
    return top


class _Arranged(NamedTuple):
    w: float
    h: float
    offsets: dict[str, tuple[float, float]]     # child -> offset of its box in this one
    above: float = 0.0                           # how far border nodes stick out on top
    below: float = 0.0                           # ... and at the bottom


class _Layout:
    def __init__(self, scene: Scene) -> None:
        self.scene = scene
        self.done: dict[str, _Arranged] = {}
        self.size: dict[str, tuple[float, float]] = {}     # imposed sizes (grid cells, bus)
        self.side: dict[str, str] = {}                      # vpc -> side of its attachments
        self.pos: dict[str, Box] = {}

    def run(self) -> dict[str, Box]:
        y = MARGIN
        for root in self.scene.roots():
            arranged = self.arrange(root)
            self.place(root, MARGIN, y + arranged.above)
            y += arranged.above + arranged.h + arranged.below + 2 * GAP
        return self.pos

    # -- placing ------------------------------------------------------------------------------
    def place(self, nid: str, x: float, y: float) -> None:
        arranged = self.arrange(nid)
        w, h = self.size.get(nid, (arranged.w, arranged.h))
        self.pos[nid] = Box(x, y, w, h)
        for kid, (dx, dy) in arranged.offsets.items():
            self.place(kid, x + dx, y + dy)

    # -- sizing -------------------------------------------------------------------------------
    def arrange(self, nid: str) -> _Arranged:
        found = self.done.get(nid)
        if found is None:
            kind = self.scene.nodes[nid].kind
            method = _ARRANGERS.get(kind, _Layout.leaf)
            found = self.done[nid] = method(self, nid)
        return found

    def dims(self, nid: str) -> tuple[float, float]:
        arranged = self.arrange(nid)
        return self.size.get(nid, (arranged.w, arranged.h))

    def header(self, nid: str) -> tuple[float, float]:
        node = self.scene.nodes[nid]
        return text_size(label(node), font_size(node), bold_title=True)

    def leaf(self, nid: str) -> _Arranged:
        node = self.scene.nodes[nid]
        tw, th = text_size(label(node), font_size(node), bold_title=True)
        return _Arranged(max(LEAF_MIN_WIDTH, tw + 2 * LEAF_PAD), th + 2 * LEAF_PAD, {})

    def bus(self, nid: str) -> _Arranged:
        node = self.scene.nodes[nid]
        tw, th = text_size(label(node), font_size(node), bold_title=True)
        return _Arranged(tw + 4 * PAD, th + 2 * LEAF_PAD, {})

    def subnet(self, nid: str) -> _Arranged:
        kids = self.scene.kids(nid)
        hw, hh = self.header(nid)
        if not kids:
            return _Arranged(hw + 2 * PAD, hh + 2 * PAD, {})
        cells = [self.dims(k) for k in kids]
        cw, ch = max(c[0] for c in cells), max(c[1] for c in cells)
        cols = math.ceil(math.sqrt(len(kids)))
        rows = math.ceil(len(kids) / cols)
        top = PAD + hh + PAD
        offsets = {}
        for i, kid in enumerate(kids):
            self.size[kid] = (cw, ch)
            offsets[kid] = (PAD + (i % cols) * (cw + CELL_GAP), top + (i // cols) * (ch + CELL_GAP))
        width = max(hw, cols * cw + (cols - 1) * CELL_GAP) + 2 * PAD
        return _Arranged(width, top + rows * ch + (rows - 1) * CELL_GAP + PAD, offsets)

    def az(self, nid: str) -> _Arranged:
        kids = self.scene.kids(nid)
        hw, hh = self.header(nid)
        width = max([hw] + [self.dims(k)[0] for k in kids])
        y = PAD + hh + PAD
        offsets = {}
        for kid in kids:
            self.size[kid] = (width, self.dims(kid)[1])
            offsets[kid] = (PAD, y)
            y += self.dims(kid)[1] + CELL_GAP
        return _Arranged(width + 2 * PAD, y - (CELL_GAP if kids else 0) + PAD, offsets)

    def vpc(self, nid: str) -> _Arranged:
        scene = self.scene
        border = [k for k in scene.kids(nid) if scene.nodes[k].role == BORDER]
        inside = [k for k in scene.kids(nid) if scene.nodes[k].role != BORDER]
        facing = self.side.get(nid, "bottom")
        bottom = [k for k in border if scene.nodes[k].kind == "transit-gateway-attachment"
                  and facing == "bottom"]
        top = [k for k in border if k not in bottom]
        top_h = max((self.dims(k)[1] for k in top), default=0.0)
        bottom_h = max((self.dims(k)[1] for k in bottom), default=0.0)
        hw, hh = self.header(nid)
        y_label = top_h / 2 + 3 if top else PAD
        y = y_label + hh + PAD
        offsets: dict[str, tuple[float, float]] = {}
        x = PAD
        tallest = max((self.dims(k)[1] for k in inside), default=0.0)
        for kid in inside:
            w, _ = self.dims(kid)
            self.size[kid] = (w, tallest)
            offsets[kid] = (x, y)
            x += w + GAP
        inner_w = x - GAP + PAD if inside else 0.0
        height = y + (tallest + PAD if inside else 0.0) + bottom_h / 2
        width = max(hw + 2 * PAD, inner_w, _span(self, top), _span(self, bottom))
        for row, dy in ((top, None), (bottom, height)):
            x = 2 * PAD
            for kid in row:
                w, h = self.dims(kid)
                offsets[kid] = (x, -h / 2 if dy is None else dy - h / 2)
                x += w + GAP
        return _Arranged(width, height, offsets, top_h / 2, bottom_h / 2)

    def region(self, nid: str) -> _Arranged:
        scene = self.scene
        kids = scene.kids(nid)
        hw, hh = self.header(nid)
        buses = [k for k in kids if scene.nodes[k].role == BUS]
        bands = self._bands(nid, buses)
        banded = {m for members in bands.values() for row in members for m in row}
        vpcs = [k for k in kids if scene.nodes[k].kind == "vpc" and k not in banded]
        rest = [k for k in kids if k not in banded and k not in buses and k not in vpcs]
        for bus, (upper, lower) in bands.items():
            for vpc in upper:
                self.side[vpc] = "bottom"
            for vpc in lower:
                self.side[vpc] = "top"
        offsets: dict[str, tuple[float, float]] = {}
        y = PAD + hh + PAD
        widest = hw
        band_width = max([0.0] + [max(_row_width(self, up), _row_width(self, low))
                                  for up, low in bands.values()])
        target = max([band_width, _shelf_target(self, vpcs)])
        # customer gateways and peers outside the picture first: their links run down
        # to gateways on the top borders of the VPCs
        for row in _shelves(self, rest, max(target, widest)):
            widest = max(widest, _row_width(self, row))
            y = _row(self, row, y, offsets, align="top") + 2 * GAP
        for bus, (upper, lower) in bands.items():
            y = _row(self, upper, y, offsets, align="bottom") + BAND_GAP
            bus_w = max(band_width, self.dims(bus)[0])
            bus_h = self.dims(bus)[1]
            self.size[bus] = (bus_w, bus_h)
            offsets[bus] = (PAD, y)
            widest = max(widest, bus_w)
            y += bus_h + BAND_GAP
            y = _row(self, lower, y, offsets, align="top") + 2 * GAP
        for row in _shelves(self, vpcs, target):
            widest = max(widest, _row_width(self, row))
            y = _row(self, row, y, offsets, align="top") + 2 * GAP
        return _Arranged(widest + 2 * PAD, y - 2 * GAP + PAD, offsets)

    def _bands(self, nid: str, buses: list[str]) -> dict[str, tuple[list[str], list[str]]]:
        """Per bus, the members above and below it: the VPCs whose first attachment taps it
        (half above, half below) and, below, its attachments that live in the region."""
        scene = self.scene
        taps: dict[str, list[str]] = {}
        for edge in scene.edges:
            if edge.kind == "tap" and edge.target in buses:
                taps.setdefault(edge.source, []).append(edge.target)
        members: dict[str, list[str]] = {bus: [] for bus in buses}
        loose: dict[str, list[str]] = {bus: [] for bus in buses}
        for kid in scene.kids(nid):
            node = scene.nodes[kid]
            if node.kind == "vpc":
                tapped = [b for a in scene.kids(kid) for b in taps.get(a, ())]
                if tapped:
                    members[min(tapped, key=buses.index)].append(kid)
            elif kid in taps:
                loose[taps[kid][0]].append(kid)
        # a customer gateway follows the attachment its VPN connection ends on
        vpns = {e.source: e.target for e in scene.edges if e.kind == "vpn"}
        placed: set[str] = set()
        for bus in buses:
            for attachment in list(loose[bus]):
                peer = vpns.get(attachment)
                if peer is not None and scene.nodes[peer].parent == nid and peer not in placed:
                    loose[bus].insert(loose[bus].index(attachment) + 1, peer)
                    placed.add(peer)
        bands = {}
        for bus in buses:
            half = math.ceil(len(members[bus]) / 2)
            bands[bus] = (members[bus][:half], members[bus][half:] + loose[bus])
        return bands


def _span(lay: _Layout, row: list[str]) -> float:
    return sum(lay.dims(k)[0] for k in row) + GAP * (len(row) - 1) + 4 * PAD if row else 0.0


def _row_width(lay: _Layout, row: list[str]) -> float:
    return sum(lay.dims(k)[0] for k in row) + 2 * GAP * (len(row) - 1) if row else 0.0


def _row(lay: _Layout, row: list[str], y: float, offsets: dict[str, tuple[float, float]], *,
         align: str) -> float:
    """Lay `row` out left to right from `y`, boxes aligned by their top or bottom edge
    (border nodes sticking out included) under the lanes its peerings need; the y under
    the row."""
    if not row:
        return y
    above = max(lay.arrange(k).above for k in row)
    reach = max(lay.arrange(k).above + lay.dims(k)[1] for k in row)
    x = PAD
    boxes = {}
    for kid in row:
        w, h = lay.dims(kid)
        boxes[kid] = Box(x, above if align == "top" else reach - h, w, h)
        x += w + 2 * GAP
    lanes = peering_lanes(lay.scene, boxes)
    if lanes:
        y += LANE_CLEAR + LANE_GAP * (max(lane for lane, _, _ in lanes.values()) + 1)
    for kid, box in boxes.items():
        offsets[kid] = (box.x, y + box.y)
    return y + reach + max(lay.arrange(k).below for k in row)


def _shelf_target(lay: _Layout, items: list[str]) -> float:
    """How wide a shelf of `items` may grow: a landscape picture about twice as wide as
    high, never under the widest item, and room for the first few side by side."""
    if not items:
        return 0.0
    area = sum(lay.dims(k)[0] * lay.dims(k)[1] for k in items)
    return max(max(lay.dims(k)[0] for k in items), math.sqrt(area * 2),
               _row_width(lay, items[:SHELF_AT_LEAST]))


def _shelves(lay: _Layout, items: list[str], target: float) -> list[list[str]]:
    rows: list[list[str]] = []
    width = 0.0
    for kid in items:
        w = lay.dims(kid)[0]
        if rows and width + 2 * GAP + w <= target:
            rows[-1].append(kid)
            width += 2 * GAP + w
        else:
            rows.append([kid])
            width = w
    return rows


_ARRANGERS = {"region": _Layout.region, "vpc": _Layout.vpc, "az": _Layout.az,
              "subnet": _Layout.subnet, "transit-gateway": _Layout.bus}
