"""Model-driven fuzzing (bounded, for CI) and the checks it relies on.

Every operation of botocore's EC2 model gets a few hypothesis-drawn inputs of each mode
(well-typed, boundary, malformed on the wire) against a real `ec2sim serve`, and a few more
in-process, where the world's live indexes can be checked too. Invariants: no 5xx (501 only
for an operation with no handler), every answer parses with botocore's parser, every error
code has AWS's shape, and `topology.invariants` holds after the run. The long run is
`python3 benchmarks/fuzz.py`.
"""
from __future__ import annotations

import importlib.util
import os
import sys
import urllib.request
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from hypothesis import given, settings
from netaddr import IPNetwork

from api import dispatch, protocol
from topology.core import schema
from topology.provision import invariants
from topology.core.world import World

from conftest import REGION, reset

_PATH = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                     "benchmarks", "fuzz.py")
_SPEC = importlib.util.spec_from_file_location("ec2sim_fuzz", _PATH)
fuzz = importlib.util.module_from_spec(_SPEC)
sys.modules[_SPEC.name] = fuzz        # dataclasses look their module up there
_SPEC.loader.exec_module(fuzz)  # type: ignore[union-attr]

ALL_OPERATIONS = set(protocol.service_model().operation_names)


def _findings(stats: Any, broken: list[str]) -> str:
    return "\n".join([str(f) for f in stats.findings[:20]] + broken[:20])


# -- the bounded run -------------------------------------------------------------------------
@pytest.mark.server
def test_every_operation_against_a_server(server_url: str) -> None:
    reset(server_url)
    with fuzz.HttpTarget(server_url) as target:
        # operations with no handler: one mode is enough to see the parser answer 400 or 501
        stats, broken = fuzz.run(target, examples=1, unimplemented_modes=("malformed",))
    assert stats.operations == ALL_OPERATIONS
    assert not stats.findings and not broken, _findings(stats, broken)
    assert stats.server_errors == 0
    # 501 only for operations with no handler (none today: every operation of the model)
    assert not stats.not_implemented & set(dispatch.handlers())
    assert stats.not_implemented == ALL_OPERATIONS - set(dispatch.handlers())
    assert len(stats.succeeded) > 80        # the bias toward live ids gets handlers to act
    reset(server_url)


def test_every_operation_in_process_keeps_the_live_indexes_sound() -> None:
    target = fuzz.WorldTarget(World(seed=3))
    stats, broken = fuzz.run(target, examples=1, modes=("typed",))
    assert not stats.findings and not broken, _findings(stats, broken)
    assert stats.inputs >= len(ALL_OPERATIONS)
    defaults = len(World(seed=3).partition("123456789012", REGION).by_kind)
    kinds = target.live.partition("123456789012", REGION).by_kind
    assert len([k for k, ids in kinds.items() if ids]) > defaults + 5   # it built, not only read


def test_a_network_workload_mutates_and_stays_sound() -> None:
    target = fuzz.WorldTarget(World(seed=5))
    operations = ["CreateVpc", "CreateSubnet", "CreateSubnet", "CreateNetworkInterface",
                  "AssignPrivateIpAddresses", "CreateSecurityGroup", "CreateRouteTable",
                  "CreateInternetGateway", "AttachInternetGateway", "CreateRoute",
                  "AssociateRouteTable", "CreateTags", "RunInstances", "AllocateAddress",
                  "AssociateAddress", "UnassignPrivateIpAddresses", "DeleteNetworkInterface",
                  "TerminateInstances", "DeleteSubnet", "DeleteRouteTable", "DeleteVpc"]
    stats, broken = fuzz.run(target, examples=4, modes=("typed", "boundary"),
                             operations=operations)
    assert not stats.findings and not broken, _findings(stats, broken)
    assert {"CreateVpc", "CreateSubnet", "CreateNetworkInterface"} <= stats.succeeded


# -- the checks can fail -----------------------------------------------------------------------
def test_check_answer_rejects_5xx_unparsable_and_odd_codes(
        monkeypatch: pytest.MonkeyPatch) -> None:
    op = protocol.operation("DescribeVpcs")
    error = (b'<?xml version="1.0"?><Response><Errors><Error><Code>%s</Code>'
             b'<Message>m</Message></Error></Errors><RequestID>r</RequestID></Response>')
    assert fuzz.check_answer(op, 400, error % b"InvalidVpcID.NotFound") == (
        None, "InvalidVpcID.NotFound")
    assert "HTTP 500" in fuzz.check_answer(op, 500, error % b"InternalError")[0]
    assert "AWS's shape" in fuzz.check_answer(op, 400, error % b"invalid vpc")[0]
    assert "cannot parse" in fuzz.check_answer(op, 200, b"<DescribeVpcsResponse><oops")[0]
    # 501 is allowed for an operation with no handler, never for one that has a handler
    assert "HTTP 501" in fuzz.check_answer(op, 501, error % b"NotImplemented")[0]
    missing = "DescribeElasticGpus"   # taken out, as an operation of a newer botocore would be
    monkeypatch.delitem(dispatch.handlers(), missing, raising=False)
    assert fuzz.check_answer(protocol.operation(missing), 501, error % b"NotImplemented") == (
        None, "NotImplemented")


def _world_with_subnet() -> tuple[World, Any, str, str]:
    from api import mock_ec2

    with mock_ec2(World(seed=9)) as mock:
        ec2 = boto3.client("ec2", region_name=REGION)
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
        ec2.create_network_interface(SubnetId=subnet, SecondaryPrivateIpAddressCount=2)
        ec2.create_tags(Resources=[vpc], Tags=[{"Key": "env", "Value": "prod"}])
    part = mock.world.partition("123456789012", REGION)
    return mock.world, part, vpc, subnet


def test_invariants_hold_for_a_real_world() -> None:
    world, _, _, _ = _world_with_subnet()
    assert invariants.violations(world) == []
    invariants.check(world)


@pytest.mark.parametrize("breakage, expected", [
    ("tag", "tag index disagrees"),
    ("kind", "kind index subnet disagrees"),
    ("overlap", "overlap"),
    ("duplicate", "held 2 times"),
    ("edge", "reaches a deleted node"),
    ("adjacency", "typed adjacency (out)"),
    ("claim", "value index"),
    ("partition", "belongs to no partition"),
])
def test_invariants_catch_each_breakage(breakage: str, expected: str) -> None:
    world, part, vpc, subnet = _world_with_subnet()
    eni = next(iter(part.ids("network-interface")))
    nodes = world.graph.nodes
    if breakage == "tag":
        nodes[subnet]["tags"]["x"] = "y"
    elif breakage == "kind":
        del part.by_kind["subnet"][subnet]
    elif breakage == "overlap":
        world.add(part, "subnet", "subnet-0123456789abcdef0", CidrBlock="10.0.1.128/25")
        world.link(vpc, "subnet-0123456789abcdef0", schema.CONTAINS)
    elif breakage == "duplicate":
        world.update(eni, ips=[*nodes[eni]["ips"], nodes[eni]["ips"][0]])
    elif breakage == "edge":
        nodes[subnet]["deleted"] = True
    elif breakage == "adjacency":
        world._out[vpc].clear()
    elif breakage == "claim":
        part.by_value.setdefault("private-ip", {})["10.9.9.9"] = {"eni-00000000000000000"}
    elif breakage == "partition":
        nodes[eni]["region"] = "eu-west-1"
    found = invariants.violations(world)
    assert any(expected in line for line in found), found
    with pytest.raises(invariants.InvariantError):
        invariants.check(world)


def test_available_count_must_match_free_addresses(monkeypatch: pytest.MonkeyPatch) -> None:
    world, _, _, subnet = _world_with_subnet()
    from topology.network import subnets

    monkeypatch.setattr(subnets, "available_count", lambda w, s: 251)
    assert any("AvailableIpAddressCount 251 but 248 addresses free" in line
               for line in invariants.violations(world))


# -- the strategies draw from the live world ----------------------------------------------------
def test_typed_inputs_use_live_ids_and_cidrs_inside_vpcs(server_url: str) -> None:
    reset(server_url)
    ec2 = boto3.client("ec2", region_name=REGION, endpoint_url=server_url)
    vpc = ec2.create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]["VpcId"]
    pool = fuzz.Pool()
    with fuzz.HttpTarget(server_url) as target:
        pool.refresh(target.dump())
    op = protocol.operation("CreateSubnet")
    blocks = [IPNetwork(b) for b in pool.vpc_blocks]
    assert IPNetwork("10.7.0.0/16") in blocks

    @settings(max_examples=25, database=None, derandomize=True)
    @given(fuzz.Strategies(pool, boundary=False).for_input(op))
    def check(params: dict[str, Any]) -> None:
        assert params["VpcId"] in pool.ids["vpc"]
        assert any(IPNetwork(params["CidrBlock"]) in block for block in blocks)

    check()
    assert vpc in pool.ids["vpc"]
    reset(server_url)


def test_state_route_serves_the_graph_the_invariants_read(server_url: str) -> None:
    reset(server_url)
    ec2 = boto3.client("ec2", region_name=REGION, endpoint_url=server_url)
    vpc = ec2.create_vpc(CidrBlock="10.8.0.0/16")["Vpc"]["VpcId"]
    with pytest.raises(ClientError):
        ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.0.0/24")
    with urllib.request.urlopen(server_url + "/_ec2sim/state") as answer:
        assert answer.status == 200
    with fuzz.HttpTarget(server_url) as target:
        world = target.world()
    assert world.node(vpc) is not None
    assert invariants.violations(world) == []
    reset(server_url)


# -- regressions the fuzzer found ----------------------------------------------------------------
@pytest.mark.parametrize("value", [-1, 0])
def test_describe_flow_logs_rejects_max_results_below_one(ec2: Any, value: int) -> None:
    # was a 500 (IndexError in paging.page) for a negative MaxResults on an empty answer
    with pytest.raises(ClientError) as err:
        ec2.describe_flow_logs(MaxResults=value)
    assert err.value.response["Error"]["Code"] == "InvalidParameterValue"
    assert err.value.response["Error"]["Message"] == (
        f"Value ( {value} ) for parameter maxResults is invalid. Expecting a value greater than 0.")
    assert ec2.describe_flow_logs(MaxResults=5)["FlowLogs"] == []
