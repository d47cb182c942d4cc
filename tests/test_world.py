"""The world's guarantees: undo on error, DryRun before the first change, tombstones, indexes."""
from __future__ import annotations

import pytest

from topology.core import schema
from topology.core.errors import DryRunOperation, TopologyError
from topology.core.world import World


@pytest.fixture
def world() -> World:
    return World(seed=1)


def _snapshot(world: World):
    graph = world.graph
    return (sorted(graph.nodes), sorted((u, v, k) for u, v, k in graph.edges(keys=True)),
            {k: {v: set(ids) for v, ids in vs.items()} for part in world.partitions()
             for k, vs in part.by_tag.items()},
            {kind: list(ids) for part in world.partitions() for kind, ids in part.by_kind.items()})


def test_failed_request_is_undone(world):
    part = world.partition("123456789012", "us-east-1")
    vpc = next(iter(part.ids("vpc")))
    before = _snapshot(world)
    with pytest.raises(TopologyError):
        with world.request():
            world.add(part, "internet-gateway", "igw-0123456789abcdef0")
            world.link("igw-0123456789abcdef0", vpc, schema.ATTACHED, State="available")
            world.tag(vpc, "Name", "x")
            world.update(vpc, State="weird")
            raise TopologyError("boom")
    assert _snapshot(world) == before
    assert world.graph.nodes[vpc]["State"] == "available"


def test_an_undone_request_forgets_its_client_token(world):
    part = world.partition("123456789012", "us-east-1")
    with pytest.raises(TopologyError):
        with world.request():
            world.add(part, "internet-gateway", "igw-0123456789abcdef0")
            world.remember(part, ("CreateInternetGateway", "tok"), {}, {"made": True})
            raise TopologyError("boom")       # e.g. the durable store failed to save
    assert ("CreateInternetGateway", "tok") not in part.client_tokens
    with world.request():
        world.remember(part, ("CreateInternetGateway", "tok"), {}, {"made": True})
    assert part.client_tokens[("CreateInternetGateway", "tok")] == ({}, {"made": True})


def test_removal_is_undone_with_edges_and_tags(world):
    part = world.partition("123456789012", "us-east-1")
    subnet = next(iter(part.ids("subnet")))
    with world.request():
        world.tag(subnet, "team", "blue")
    before = _snapshot(world)
    with pytest.raises(TopologyError):
        with world.request():
            world.remove(subnet)
            assert subnet not in world.graph
            raise TopologyError("boom")
    assert _snapshot(world) == before
    assert part.by_tag["team"]["blue"] == {subnet}


def test_dry_run_raises_at_first_mutation(world):
    part = world.partition("123456789012", "us-east-1")
    before = _snapshot(world)
    with pytest.raises(DryRunOperation):
        with world.request(dry_run=True):
            world.add(part, "internet-gateway", "igw-0123456789abcdef0")
    assert _snapshot(world) == before


def test_route_target_becomes_tombstone_then_goes(world):
    part = world.partition("123456789012", "us-east-1")
    igw = next(iter(part.ids("internet-gateway")))
    vpc = next(iter(part.ids("vpc")))
    rtb = next(iter(part.ids("route-table")))
    with world.request():
        world.unlink(igw, vpc, schema.ATTACHED)
        world.remove(igw)
    assert world.node(igw) is None and igw in world.graph      # tombstone
    assert igw not in part.ids("internet-gateway")
    with world.request():
        world.unlink(rtb, igw, schema.ROUTE, "0.0.0.0/0")
    assert igw not in world.graph


def test_ids_are_reproducible_from_a_seed():
    assert World(seed=5).new_id("vpc") == World(seed=5).new_id("vpc")
    assert len(World(seed=5).new_id("vpc")) == len("vpc-") + 17


def test_partitions_are_isolated(world):
    east = world.partition("123456789012", "us-east-1")
    west = world.partition("123456789012", "us-west-2")
    other = world.partition("111122223333", "us-east-1")
    vpcs = [next(iter(p.ids("vpc"))) for p in (east, west, other)]
    assert len(set(vpcs)) == 3
    with pytest.raises(TopologyError) as exc:
        world.get(west, "vpc", vpcs[0])
    assert exc.value.code == "InvalidVpcID.NotFound"


def test_edge_order_survives_a_store_restart(tmp_path):
    """Edge order (kept compactly when an edge is its pair's first) reads the same after a
    durable store reopens, and rebuilds the same adjacency order."""
    from topology.provision.store import open_world

    world = open_world(tmp_path / "w.db", seed=1)
    part = world.partition("111111111111", "eu-west-1", setup=lambda w, p: None)
    with world.request():
        for rid in ("a", "b", "c"):
            world.add(part, "thing", rid)
        world.link("a", "b", schema.CONTAINS)
        world.link("a", "c", schema.CONTAINS)
        world.link("a", "b", schema.ASSOCIATED, "x")     # the pair's second edge
        world.link("a", "b", schema.CONTAINS)            # linked again: a new link
    order = {edge: world.edge_order(*edge) for edge in world.graph.edges(keys=True)}
    relinked, second = order[("a", "b", (schema.CONTAINS, None))], \
        order[("a", "b", (schema.ASSOCIATED, "x"))]
    assert relinked[0] == second[0] < second[1] < relinked[1]   # the pair keeps its place
    again = open_world(tmp_path / "w.db")
    assert {edge: again.edge_order(*edge) for edge in again.graph.edges(keys=True)} == order
    assert list(again.graph.edges(keys=True)) == list(world.graph.edges(keys=True))
