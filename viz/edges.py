"""Where links run: the polyline of each edge of a scene, from the boxes of its ends.

Taps drop straight from an attachment onto its bus; a peering connection between VPCs of
one row runs in a lane above the row (the layout leaves room for the lanes), other
peerings bow in an arc from border to border; the rest are straight, border to border.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from .geometry import Box, Point
from .scene import BORDER, Edge, Scene

ARC_SAMPLES = 24
ARC_BOW = 0.22          # control point offset, as a share of the distance between centres
LANE_GAP = 10.0         # between peering lanes above a row of VPCs
LANE_CLEAR = 8.0        # between the row (and its gateways) and the nearest lane
PORT_INSET = 14.0       # where the first peering leaves a VPC, from its right edge
PORT_GAP = 10.0


def route(scene: Scene, pos: dict[str, Box]) -> dict[str, list[Point]]:
    """The polyline of every edge of `scene`, by edge id.

    A peering between two VPCs of one row runs in a lane above the row: up from the
    VPC's top border, across, and down (lanes nest so that they do not cross); other
    peerings bow in an arc; taps drop straight onto the bus; the rest are straight.
    """
    lanes = peering_lanes(scene, pos)
    tops = _row_tops(scene, pos)
    corner = (min((b.x for b in pos.values()), default=0.0),
              min((b.y for b in pos.values()), default=0.0))
    out = {}
    for edge in scene.edges:
        a, b = pos[edge.source], pos[edge.target]
        if edge.id in lanes:
            lane, xa, xb = lanes[edge.id]
            y = tops[_row_key(scene, edge.source, a)] - LANE_CLEAR - LANE_GAP * lane
            out[edge.id] = [(xa, a.y), (xa, y), (xb, y), (xb, b.y)]
        elif edge.kind == "tap":
            out[edge.id] = _tap(a, b)
        elif edge.kind == "peering":
            out[edge.id] = _arc(a, b, corner)
        else:
            out[edge.id] = _straight(a, b)
    return out


def peering_lanes(scene: Scene, boxes: Mapping[str, Box]) -> dict[str, tuple[int, float, float]]:
    """For each peering between VPCs whose boxes (of `boxes`) share a top edge in one
    region: its lane (0 nearest the row) and the x of its port on each VPC.

    Ports sit on the right of each VPC's top border, links going left before links going
    right and, each way, the farther peer first, so that nested links do not cross; the
    shortest links take the lowest lanes, each the lowest lane where it overlaps no other.
    """
    rowed = [e for e in scene.edges if e.kind == "peering" and _in_row(scene, boxes, e)]
    rowed.sort(key=lambda e: (abs(boxes[e.source].x - boxes[e.target].x), e.id))
    at: dict[str, list[tuple[Edge, str]]] = {}
    for edge in rowed:
        at.setdefault(edge.source, []).append((edge, edge.target))
        at.setdefault(edge.target, []).append((edge, edge.source))
    port: dict[tuple[str, str], float] = {}
    for vpc, links in at.items():
        here = boxes[vpc].x
        links.sort(key=lambda link: (boxes[link[1]].x > here, -boxes[link[1]].x, link[0].id))
        right = boxes[vpc].x + boxes[vpc].w - PORT_INSET
        for i, (edge, _) in enumerate(links):
            port[(edge.id, vpc)] = right - PORT_GAP * (len(links) - 1 - i)
    ports = {e.id: (port[(e.id, e.source)], port[(e.id, e.target)]) for e in rowed}
    taken: dict[tuple[Any, int], list[tuple[float, float]]] = {}
    out = {}
    for edge in rowed:
        xa, xb = ports[edge.id]
        span = (min(xa, xb) - 2, max(xa, xb) + 2)
        row = _row_key(scene, edge.source, boxes[edge.source])
        lane = 0
        while any(lo < span[1] and span[0] < hi for lo, hi in taken.get((row, lane), ())):
            lane += 1
        taken.setdefault((row, lane), []).append(span)
        out[edge.id] = (lane, xa, xb)
    return out


def _in_row(scene: Scene, boxes: Mapping[str, Box], edge: Edge) -> bool:
    a, b = boxes.get(edge.source), boxes.get(edge.target)
    return (a is not None and b is not None and edge.source != edge.target
            and scene.nodes[edge.source].kind == scene.nodes[edge.target].kind == "vpc"
            and abs(a.y - b.y) < 0.01
            and _row_key(scene, edge.source, a) == _row_key(scene, edge.target, b))


def _row_key(scene: Scene, vpc: str, box: Box) -> tuple[str | None, float]:
    return scene.nodes[vpc].parent, round(box.y, 2)


def _row_tops(scene: Scene, pos: Mapping[str, Box]) -> dict[tuple[str | None, float], float]:
    """Per row of VPCs, the highest point of its VPCs and the gateways on their borders."""
    tops: dict[tuple[str | None, float], float] = {}
    for nid, node in scene.nodes.items():
        if node.kind != "vpc" or nid not in pos:
            continue
        box = pos[nid]
        top = min([box.y] + [pos[k].y for k in scene.kids(nid)
                             if k in pos and scene.nodes[k].role == BORDER and pos[k].y < box.y])
        key = _row_key(scene, nid, box)
        tops[key] = min(tops.get(key, top), top)
    return tops


def length(line: list[Point]) -> float:
    return sum(math.dist(p, q) for p, q in zip(line, line[1:]))


def midpoint(line: list[Point]) -> Point:
    """Where a link's label goes: halfway along the polyline."""
    lengths = [math.dist(p, q) for p, q in zip(line, line[1:])]
    left = sum(lengths) / 2
    for (p, q), length in zip(zip(line, line[1:]), lengths):
        if left <= length and length > 0:
            t = left / length
            return p[0] + (q[0] - p[0]) * t, p[1] + (q[1] - p[1]) * t
        left -= length
    return line[len(line) // 2]


def _inside(box: Box, p: Point) -> bool:
    return box.x < p[0] < box.right and box.y < p[1] < box.bottom


def _exit(box: Box, p: Point, q: Point) -> Point:
    """Where the segment from `p` (inside `box`) to `q` crosses the border of `box`."""
    dx, dy = q[0] - p[0], q[1] - p[1]
    t = 1.0
    for delta, start, low, high in ((dx, p[0], box.x, box.right), (dy, p[1], box.y, box.bottom)):
        if delta > 0:
            t = min(t, (high - start) / delta)
        elif delta < 0:
            t = min(t, (low - start) / delta)
    t = max(0.0, t)
    return p[0] + dx * t, p[1] + dy * t


def _straight(a: Box, b: Box) -> list[Point]:
    pa, pb = (a.cx, a.cy), (b.cx, b.cy)
    return [_exit(a, pa, pb), _exit(b, pb, pa)]


def _tap(attachment: Box, bus: Box) -> list[Point]:
    x = min(max(attachment.cx, bus.x + 2), bus.right - 2)
    above = attachment.cy < bus.cy
    start = (attachment.cx, attachment.bottom if above else attachment.y)
    end = (x, bus.y if above else bus.bottom)
    if attachment.x <= x <= attachment.right:
        return [(x, start[1]), end]
    return [_exit(attachment, (attachment.cx, attachment.cy), end), end]


def _arc(a: Box, b: Box, corner: Point) -> list[Point]:
    """A quadratic curve bowing up (or left), or the other way if that would leave the
    picture (whose top-left corner is `corner`)."""
    p0, p2 = (a.cx, a.cy), (b.cx, b.cy)
    dx, dy = p2[0] - p0[0], p2[1] - p0[1]
    dist = math.hypot(dx, dy)
    if dist == 0:
        return [p0, p2]
    nx, ny = -dy / dist, dx / dist
    if ny > 0 or (ny == 0 and nx > 0):
        nx, ny = -nx, -ny
    mid = ((p0[0] + p2[0]) / 2, (p0[1] + p2[1]) / 2)
    c = (mid[0] + nx * ARC_BOW * dist, mid[1] + ny * ARC_BOW * dist)
    if c[0] < corner[0] or c[1] < corner[1]:
        c = (mid[0] - nx * ARC_BOW * dist, mid[1] - ny * ARC_BOW * dist)
    curve = [_bezier(p0, c, p2, i / ARC_SAMPLES) for i in range(ARC_SAMPLES + 1)]
    first = next((i for i, p in enumerate(curve) if not _inside(a, p)), len(curve) - 1)
    last = next((i for i in range(len(curve) - 1, -1, -1) if not _inside(b, curve[i])), 0)
    if first > last:
        return _straight(a, b)
    middle = curve[first:last + 1]
    start = _exit(a, curve[first - 1], curve[first]) if first > 0 else curve[0]
    end = _exit(b, curve[last + 1], curve[last]) if last < len(curve) - 1 else curve[-1]
    return [start, *middle, end]


def _bezier(p0: Point, c: Point, p2: Point, t: float) -> Point:
    u = 1 - t
    return (u * u * p0[0] + 2 * u * t * c[0] + t * t * p2[0],
            u * u * p0[1] + 2 * u * t * c[1] + t * t * p2[1])
