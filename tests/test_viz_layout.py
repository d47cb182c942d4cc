"""Layout (`viz.layout`): nested boxes, siblings apart, gateways on borders, buses and their
taps, peering lanes, labels inside their boxes, and the same boxes every time."""
from __future__ import annotations

from collections.abc import Iterator
from itertools import combinations
from typing import Any

import boto3
import pytest

import viz
from api import mock_ec2
from test_viz_scene import REGION, WEST, network
from topology.core.world import World
from viz.edges import route
from viz.layout import Box, header_top

EPS = 0.01


@pytest.fixture
def world() -> Iterator[World]:
    world = World(seed=9)
    with mock_ec2(world):
        yield world


@pytest.fixture
def ids(world: World) -> dict[str, Any]:
    return network(boto3.client("ec2", region_name=REGION), boto3.client("ec2", region_name=WEST))


def inside(inner: Box, outer: Box) -> bool:
    return (outer.x - EPS <= inner.x and inner.right <= outer.right + EPS
            and outer.y - EPS <= inner.y and inner.bottom <= outer.bottom + EPS)


def overlap(a: Box, b: Box) -> bool:
    return (a.x < b.right - EPS and b.x < a.right - EPS
            and a.y < b.bottom - EPS and b.y < a.bottom - EPS)


def crosses(points: list[tuple[float, float]], box: Box) -> bool:
    """Whether a polyline passes through the inside of `box` (sampled)."""
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        for i in range(101):
            t = i / 100
            x, y = x0 + (x1 - x0) * t, y0 + (y1 - y0) * t
            if box.x + 1 < x < box.right - 1 and box.y + 1 < y < box.bottom - 1:
                return True
    return False


def test_every_node_gets_a_box(world, ids):
    scene = viz.snapshot(world)
    pos = viz.layout(scene)
    assert set(pos) == set(scene.nodes)
    assert all(b.w > 0 and b.h > 0 for b in pos.values())


def test_children_lie_inside_their_parents(world, ids):
    scene = viz.snapshot(world)
    pos = viz.layout(scene)
    for node in scene.nodes.values():
        if node.parent is None or node.role == "border":
            continue
        assert inside(pos[node.id], pos[node.parent]), (node.id, node.parent)


def test_border_nodes_straddle_their_vpc_border(world, ids):
    scene = viz.snapshot(world)
    pos = viz.layout(scene)
    for node in scene.nodes.values():
        if node.role != "border":
            continue
        box, vpc = pos[node.id], pos[node.parent]
        assert vpc.x <= box.x and box.right <= vpc.right
        assert abs(box.cy - vpc.y) < EPS or abs(box.cy - vpc.bottom) < EPS, node.id
    # gateways on top; the attachment on the side facing its bus
    assert abs(pos[ids["igw"]].cy - pos[ids["app"]].y) < EPS
    attachment, tgw = pos[ids["attach"][ids["app"]]], pos[ids["tgw"]]
    vpc = pos[ids["app"]]
    facing = vpc.bottom if tgw.y > vpc.y else vpc.y
    assert abs(attachment.cy - facing) < EPS


def test_siblings_never_overlap(world, ids):
    scene = viz.snapshot(world)
    pos = viz.layout(scene)
    for parent, kids in scene.children.items():
        for a, b in combinations(kids, 2):
            assert not overlap(pos[a], pos[b]), (parent, a, b)


def test_gateways_do_not_cover_the_vpc_label(world, ids):
    scene = viz.snapshot(world)
    pos = viz.layout(scene)
    assert header_top(scene, pos, ids["app"]) > pos[ids["igw"]].bottom


def test_zones_are_side_by_side_and_subnets_stacked(world, ids):
    scene = viz.snapshot(world)
    pos = viz.layout(scene)
    a, b = pos[f"az.{ids['app']}.us-east-1a"], pos[f"az.{ids['app']}.us-east-1b"]
    assert a.right < b.x and abs(a.y - b.y) < EPS and abs(a.h - b.h) < EPS
    default_zone = f"az.{ids['default']}.us-east-1a"
    assert len(scene.kids(default_zone)) == 1


def test_taps_drop_straight_onto_the_bus_without_crossing_vpcs(world, ids):
    scene = viz.snapshot(world)
    pos = viz.layout(scene)
    lines = route(scene, pos)
    bus = pos[ids["tgw"]]
    vpcs = [n.id for n in scene.nodes.values() if n.kind == "vpc"]
    for attachment in ids["attach"].values():
        points = lines[f"{attachment}.tap"]
        assert len(points) == 2 and abs(points[0][0] - points[1][0]) < EPS      # vertical
        assert abs(points[1][1] - bus.y) < EPS or abs(points[1][1] - bus.bottom) < EPS
        assert bus.x <= points[1][0] <= bus.right
        for vpc in vpcs:
            assert not crosses(points, pos[vpc]), (attachment, vpc)


def test_vpcs_on_a_bus_sit_above_and_below_it(world, ids):
    scene = viz.snapshot(world)
    pos = viz.layout(scene)
    bus = pos[ids["tgw"]]
    app, db = pos[ids["app"]], pos[ids["db"]]
    assert app.bottom < bus.y < bus.bottom < db.y          # half above, half below
    assert bus.x <= min(app.x, db.x) and max(app.right, db.right) <= bus.right


def test_peering_in_a_row_runs_in_a_lane_above_it(world):
    ec2 = boto3.client("ec2", region_name=REGION)
    vpcs = [ec2.create_vpc(CidrBlock=f"10.{n}.0.0/16")["Vpc"]["VpcId"] for n in range(3)]
    pcx = {}
    for a, b in combinations(range(3), 2):
        pcx[(a, b)] = ec2.create_vpc_peering_connection(VpcId=vpcs[a], PeerVpcId=vpcs[b])[
            "VpcPeeringConnection"]["VpcPeeringConnectionId"]
        ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx[(a, b)])
    scene = viz.snapshot(world, vpc=vpcs)
    pos = viz.layout(scene)
    assert len({round(pos[v].y, 2) for v in vpcs}) == 1        # one row
    lines = route(scene, pos)
    tops = min(pos[v].y for v in vpcs)
    for edge_id in pcx.values():
        points = lines[edge_id]
        assert len(points) == 4 and points[1][1] < tops and points[1][1] == points[2][1]
        for v in vpcs:
            assert not crosses(points, pos[v])
    # the long link runs above the two short ones, and no lane leaves the region box
    lanes = {e: lines[e][1][1] for e in pcx.values()}
    assert lanes[pcx[(0, 2)]] < min(lanes[pcx[(0, 1)]], lanes[pcx[(1, 2)]])
    region = pos[scene.roots()[0]]
    assert all(region.y < y for y in lanes.values())
    # and no two lines cross
    segments = [(p, q) for e in pcx.values() for p, q in zip(lines[e], lines[e][1:])]
    for (p1, q1), (p2, q2) in combinations(segments, 2):
        assert not _proper_crossing(p1, q1, p2, q2)


def _proper_crossing(p1: Any, q1: Any, p2: Any, q2: Any) -> bool:
    def orient(a: Any, b: Any, c: Any) -> float:
        return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
    d1, d2 = orient(p2, q2, p1), orient(p2, q2, q1)
    d3, d4 = orient(p1, q1, p2), orient(p1, q1, q2)
    return d1 * d2 < 0 and d3 * d4 < 0


def test_regions_are_stacked_apart(world, ids):
    scene = viz.snapshot(world)
    pos = viz.layout(scene)
    east, west = (pos[r] for r in scene.roots())
    assert east.bottom < west.y


def test_same_scene_same_boxes_whatever_the_seed(world, ids):
    scene = viz.snapshot(world)
    assert viz.layout(scene) == viz.layout(scene) == viz.layout(scene, seed=42)
    assert viz.layout(scene) == viz.layout(viz.snapshot(world))


def test_layout_positions_the_folded_scene(world, ids):
    scene = viz.snapshot(world)
    for budget in (len(scene.nodes), len(scene.nodes) - 1, 12, 1):
        shown = viz.collapse(scene, budget=budget)
        assert set(viz.layout(scene, budget=budget)) == set(shown.nodes)
    assert set(viz.layout(scene, zoom="vpc")) == set(viz.collapse(scene, zoom="vpc").nodes)


def test_an_empty_scene_has_an_empty_layout():
    scene = viz.snapshot(World())
    assert viz.layout(scene) == {}
    assert viz.bounds({}) == (24.0, 24.0)


def test_labels_fit_their_boxes(world, ids):
    """Measured by matplotlib's own text engine: every label inside its node's box."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    scene = viz.snapshot(world)
    pos = viz.layout(scene)
    ax = viz.draw(scene, pos)
    canvas = FigureCanvasAgg(ax.figure)
    renderer = canvas.get_renderer()
    to_data = ax.transData.inverted()
    checked = 0
    for group in _groups(ax):
        nid = group.get_gid()
        if nid not in scene.nodes:
            continue
        box = pos[nid]
        for member in group.members:
            if type(member).__name__ != "Text":
                continue
            extent = member.get_window_extent(renderer)
            (x0, y0), (x1, y1) = to_data.transform([(extent.x0, extent.y0), (extent.x1, extent.y1)])
            assert box.x <= min(x0, x1) and max(x0, x1) <= box.right, (nid, member.get_text())
            assert box.y <= min(y0, y1) and max(y0, y1) <= box.bottom, (nid, member.get_text())
            checked += 1
    assert checked >= 2 * len(scene.nodes) - 20


def _groups(ax: Any) -> list[Any]:
    out, todo = [], [a for a in ax.artists]
    while todo:
        artist = todo.pop()
        if hasattr(artist, "members"):
            out.append(artist)
            todo.extend(artist.members)
    return out
