"""A new subnet's overlap check (`subnets.SiblingBlocks`, kept per VPC instead of a scan of
the siblings) says what a scan says, through creates, deletes, undone requests and restored
snapshots."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from netaddr import IPNetwork

from topology.core import schema
from topology.core.errors import TopologyError
from topology.core.world import World
from topology.network import subnets, vpcs
from topology.provision import state

ACCOUNT, REGION = "123456789012", "eu-west-1"


def _block(prefixlen: int, offset: int) -> str:
    """An aligned block of 10.0.0.0/16 (the VPC's)."""
    size = 1 << (32 - prefixlen)
    start = (10 << 24) + (offset * size) % (1 << 16)
    return f"{start >> 24}.{start >> 16 & 255}.{start >> 8 & 255}.{start & 255}/{prefixlen}"


def _scan(world: World, vpc: str, cidr: str) -> bool:
    """Whether `cidr` overlaps a live subnet of `vpc`: every sibling read."""
    net = IPNetwork(cidr)
    return any(net.first <= IPNetwork(node["CidrBlock"]).last
               and IPNetwork(node["CidrBlock"]).first <= net.last
               for node in world.peers(vpc, schema.CONTAINS, "subnet").values()
               if node.get("CidrBlock"))


def _create(world: World, vpc: str, cidr: str) -> str | None:
    """The new subnet's id, or None when AWS refuses the block as a conflict."""
    part = world.partition(ACCOUNT, REGION)
    try:
        with world.request():
            return subnets.create(world, part, vpc, cidr)
    except TopologyError as err:
        assert err.code == "InvalidSubnet.Conflict"
        return None


STEP = st.one_of(
    st.tuples(st.just("create"), st.integers(16, 28), st.integers(0, 4095)),
    st.tuples(st.just("undone"), st.integers(16, 28), st.integers(0, 4095)),
    st.tuples(st.just("delete"), st.integers(0, 50)),
    st.tuples(st.just("restore")))


@settings(max_examples=60, deadline=None)
@given(st.lists(STEP, min_size=1, max_size=40))
def test_overlap_check_agrees_with_a_scan(steps: list[tuple]) -> None:
    world = World(seed=7)
    part = world.partition(ACCOUNT, REGION)
    with world.request():
        vpc = vpcs.create(world, part, "10.0.0.0/16")
    saved = state.dump(world)
    for step in steps:
        if step[0] in ("create", "undone"):
            cidr = _block(step[1], step[2])
            expected = _scan(world, vpc, cidr)
            if step[0] == "create":
                assert (_create(world, vpc, cidr) is None) == expected, cidr
                continue
            with pytest.raises(RuntimeError), world.request():   # made, then undone
                try:
                    subnets.create(world, part, vpc, cidr)
                except TopologyError as err:
                    assert expected and err.code == "InvalidSubnet.Conflict", cidr
                raise RuntimeError("a later step of the request failed")
        elif step[0] == "delete":
            ids = subnets.subnet_ids(world, vpc)
            if ids:
                with world.request():
                    subnets.delete(world, part, ids[step[1] % len(ids)])
        else:
            state.load_into(world, saved)     # back to the snapshot (ids may come again)
            part = world.partition(ACCOUNT, REGION)
            saved = state.dump(world)


def test_blocks_inside_and_around_a_new_one_conflict() -> None:
    world = World(seed=1)
    part = world.partition(ACCOUNT, REGION)
    with world.request():
        vpc = vpcs.create(world, part, "10.0.0.0/16")
    assert _create(world, vpc, "10.0.4.16/28") is not None
    assert _create(world, vpc, "10.0.4.0/24") is None          # holds the /28
    assert _create(world, vpc, "10.0.4.16/28") is None         # the same block
    assert _create(world, vpc, "10.0.4.0/28") is not None      # beside it
    assert _create(world, vpc, "10.0.0.0/20") is None          # holds both
    assert _create(world, vpc, "10.0.16.0/20") is not None
    assert _create(world, vpc, "10.0.17.0/24") is None         # inside the /20
    assert _create(world, vpc, "10.0.32.0/19") is not None     # after both


def test_a_subnet_reaches_boto3_in_the_models_order() -> None:
    """In-process, the answer's members come in the order botocore's parser gives them,
    whatever order `subnets.view` builds them in."""
    import botocore.session

    from api import protocol

    world = World(seed=2)
    part = world.partition(ACCOUNT, REGION)
    with world.request():
        vpc = vpcs.create(world, part, "10.0.0.0/16", ipv6=True)
        subnet = subnets.create(world, part, vpc, "10.0.1.0/24", tags={"Name": "a"})
        world.update(subnet, OutpostArn="arn:aws:outposts:eu-west-1:123456789012:outpost/op-1",
                     CustomerOwnedIpv4Pool="ipv4pool-coip-1", EnableLniAtDeviceIndex=1)
    shown = protocol.parsed(protocol.operation("CreateSubnet"),
                            {"Subnet": subnets.view(world, subnet)})["Subnet"]
    model = botocore.session.get_session().get_service_model("ec2")
    order = list(model.shape_for("Subnet").members)
    assert list(shown) == [name for name in order if name in shown]
    assert {"Tags", "OutpostArn", "CustomerOwnedIpv4Pool", "EnableLniAtDeviceIndex",
            "Ipv6CidrBlockAssociationSet", "BlockPublicAccessStates"} <= set(shown)
