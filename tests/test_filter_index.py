"""Filters answered from indexes (`Filter(index=...)`, the tag index, edges) agree with a scan.

A describe filtered by exact values is answered from the partition's indexes, costing the
size of its answer; a wildcard value is answered by a scan. Whichever way, the answer is
AWS's: values of one filter OR'ed, filters AND'ed, `*` and `?` wildcards, creation order.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api import mock_ec2
from topology.core.world import World, texts
from topology.provision import invariants

from conftest import REGION

NAMES = ("vpc-id", "cidr-block", "availability-zone", "availability-zone-id", "state",
         "default-for-az", "subnet-id", "tag:Name", "tag-key", "tag-value")


def _values(subnet: dict[str, Any], name: str) -> list[str]:
    """What a filter reads from a described subnet, as AWS documents each filter."""
    tags = {t["Key"]: t["Value"] for t in subnet.get("Tags", [])}
    if name == "tag:Name":
        return [tags["Name"]] if "Name" in tags else []
    if name == "tag-key":
        return list(tags)
    if name == "tag-value":
        return list(tags.values())
    member = {"vpc-id": "VpcId", "cidr-block": "CidrBlock", "availability-zone":
              "AvailabilityZone", "availability-zone-id": "AvailabilityZoneId",
              "state": "State", "default-for-az": "DefaultForAz", "subnet-id": "SubnetId"}[name]
    return texts(subnet[member])


def _matches(pattern: str, value: str) -> bool:
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, re.DOTALL) is not None


@pytest.fixture(scope="module")
def subnets() -> Iterator[tuple[Any, list[dict[str, Any]]]]:
    """Subnets of the default VPC and of two more, tagged, retagged, one deleted; and the
    full (unfiltered) answer."""
    with mock_ec2(seed=3):
        ec2 = boto3.client("ec2", region_name=REGION)
        zones = ["us-east-1a", "us-east-1b", "us-east-1c"]
        made = []
        for v, cidr in enumerate(("10.0.0.0/16", "10.1.0.0/16")):
            vpc = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
            for i in range(6):
                made.append(ec2.create_subnet(
                    VpcId=vpc, CidrBlock=f"10.{v}.{i}.0/24", AvailabilityZone=zones[i % 3],
                    TagSpecifications=[{"ResourceType": "subnet", "Tags": [
                        {"Key": "Name", "Value": f"net-{i % 4}"}]}])["Subnet"]["SubnetId"])
        ec2.create_tags(Resources=made[::3], Tags=[{"Key": "env", "Value": "prod"}])
        ec2.create_tags(Resources=made[1:3], Tags=[{"Key": "Name", "Value": "renamed"}])
        ec2.delete_tags(Resources=made[4:5], Tags=[{"Key": "Name"}])
        ec2.delete_subnet(SubnetId=made[5])
        every = ec2.describe_subnets()["Subnets"]
        yield ec2, every


def _filters(every: list[dict[str, Any]]) -> st.SearchStrategy[list[dict[str, Any]]]:
    def one(name: str) -> st.SearchStrategy[dict[str, Any]]:
        seen = sorted({v for s in every for v in _values(s, name)}) or ["none"]
        exact = st.sampled_from([*seen, "missing"])
        wild = exact.flatmap(lambda v: st.sampled_from(
            [v[:len(v) // 2] + "*", "?" + v[1:], "*"]))
        return st.lists(st.one_of(exact, exact, wild), min_size=1, max_size=3).map(
            lambda values: {"Name": name, "Values": values})
    return st.lists(st.sampled_from(NAMES).flatmap(one), min_size=1, max_size=3)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_filtered_describe_subnets_is_the_scan_of_the_full_answer(subnets, data):
    ec2, every = subnets
    filters = data.draw(_filters(every))
    found = ec2.describe_subnets(Filters=filters)["Subnets"]
    expected = [s["SubnetId"] for s in every
                if all(any(_matches(p, v) for v in _values(s, f["Name"]) for p in f["Values"])
                       for f in filters)]
    assert [s["SubnetId"] for s in found] == expected


def test_vpc_and_cidr_block_pick_one_subnet_and_wildcards_still_match(subnets):
    ec2, every = subnets
    first = next(s for s in every if s["CidrBlock"] == "10.1.2.0/24")
    one = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [first["VpcId"]]},
                                        {"Name": "cidr-block", "Values": ["10.1.2.0/24"]}])
    assert [s["SubnetId"] for s in one["Subnets"]] == [first["SubnetId"]]
    wild = ec2.describe_subnets(Filters=[{"Name": "cidr-block", "Values": ["10.1.?.0/24"]}])
    assert sorted(s["CidrBlock"] for s in wild["Subnets"]) == [
        f"10.1.{i}.0/24" for i in range(6)]
    defaults = ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])
    assert defaults["Subnets"] and all(s["DefaultForAz"] for s in defaults["Subnets"])
    assert ec2.describe_subnets(Filters=[{"Name": "default-for-az",
                                          "Values": ["True"]}])["Subnets"] == []


# -- the field index follows every change, undone ones included ------------------------------
STATES = ("on", "off", "gone")
Step = tuple[str, int, Any]


def _steps() -> st.SearchStrategy[list[Step]]:
    value = st.one_of(st.sampled_from(STATES), st.none(), st.booleans(),
                      st.lists(st.sampled_from(STATES), max_size=2))
    step = st.tuples(st.sampled_from(["add", "update", "remove", "fail", "ask"]),
                     st.integers(0, 5), value)
    return st.lists(step, max_size=25)


def _scan(world: World, part: Any, value: str) -> set[str]:
    nodes = world.graph.nodes
    return {rid for rid in part.ids("thing") if value in texts(nodes[rid].get("State"))}


@settings(max_examples=200, deadline=None)
@given(steps=_steps())
def test_field_index_is_the_scan_after_any_changes(steps):
    world = World(seed=1)
    part = world.partition("111111111111", "eu-west-1", setup=lambda w, p: None)
    universe = [*STATES, "true", "false"]
    made: list[str] = []

    def live(i: int) -> str | None:
        alive = [rid for rid in made if rid in part.ids("thing")]
        return alive[i % len(alive)] if alive else None

    for verb, i, value in steps:
        if verb == "ask":     # builds the index now, to be kept by the steps after
            probe = universe[i % len(universe)]
            assert set(world.having(part, "thing", "State", probe)) == _scan(world, part, probe)
        elif verb == "add":
            with world.request():
                made.append(f"thing-{len(made)}")
                world.add(part, "thing", made[-1], **({} if value is None else {"State": value}))
        elif (rid := live(i)) is None:
            continue
        elif verb == "update":
            with world.request():
                world.update(rid, State=value)
        elif verb == "remove":
            with world.request():
                world.remove(rid)
        else:   # a request that changes things, then fails: all of it is undone
            with pytest.raises(RuntimeError), world.request():
                world.update(rid, State=value)
                world.add(part, "thing", f"thing-doomed-{len(made)}", State="on")
                world.remove(rid)
                raise RuntimeError("undo")
    for probe in universe:
        assert set(world.having(part, "thing", "State", probe)) == _scan(world, part, probe)


def test_field_indexes_follow_creates_deletes_and_failed_requests(ec2, mock, vpc):
    """Indexes built by a first filtered describe are kept by the calls after it (a failed
    call changes nothing), as `invariants.field_index` checks."""
    def by_cidr(cidr: str) -> list[str]:
        return [s["SubnetId"] for s in ec2.describe_subnets(
            Filters=[{"Name": "cidr-block", "Values": [cidr]},
                     {"Name": "state", "Values": ["available"]}])["Subnets"]]

    assert by_cidr("10.0.1.0/24") == []
    one = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    assert by_cidr("10.0.1.0/24") == [one]
    with pytest.raises(ClientError) as refused:
        ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/25")   # overlaps: refused
    assert refused.value.response["Error"]["Code"] == "InvalidSubnet.Conflict"
    ec2.delete_subnet(SubnetId=one)
    assert by_cidr("10.0.1.0/24") == []
    two = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    assert by_cidr("10.0.1.0/24") == [two]
    assert invariants.field_index(mock.world) == []
