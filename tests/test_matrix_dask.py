"""The matrix and policy checks on a Dask cluster answer exactly as one process does.

One `LocalCluster` of two single-threaded worker processes serves the module. Worlds are
generated through the topology functions (`benchmarks/reachability.py`'s builder: a transit
gateway hub in three segments, peering, NACL variety, tiered groups) and built through boto3
(`test_routing_matrix`'s peered, hub and group worlds); each answer is compared pair for
pair, with `blocked_by`, in insertion order, with the single-process one.
"""
from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import routing
from routing import assertions, distributed
from routing.matrix import Matrix, Rows
from topology.core.world import World
from topology.provision import state
from test_routing_matrix import group_world, hub_world, peered_world

ROOT = Path(__file__).resolve().parent.parent
SCHEDULER_PORT = 18100


def _builder() -> Any:
    spec = importlib.util.spec_from_file_location("bench_reachability",
                                                  ROOT / "benchmarks" / "reachability.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BUILDER = _builder()


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    from distributed import Client, LocalCluster

    http = {"dashboard_address": f"127.0.0.1:{SCHEDULER_PORT + 1}"}    # not 8787
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      scheduler_port=SCHEDULER_PORT, dashboard_address=None,
                      scheduler_kwargs=http) as local, Client(local) as client:
        yield client


@pytest.fixture(scope="module")
def generated() -> dict[int, dict[str, Any]]:
    """Two generated worlds: 4 VPCs (one quarantine-free hub) and 7 (a quarantined VPC)."""
    return {count: BUILDER.build(vpc_count=count, instance_count=30 * count, seed=count)
            for count in (4, 7)}


def same(answer: Matrix, expected: Matrix) -> None:
    assert answer == expected
    assert answer.blocked_by == expected.blocked_by
    assert list(answer) == list(expected) and list(answer.blocked_by) == list(
        expected.blocked_by)
    assert answer.classes == expected.classes
    assert answer.walks >= expected.walks          # workers may repeat a shared approach


# -- the matrix --------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["subnet", "security-group"])
@pytest.mark.parametrize("protocol, port", [("tcp", 443), ("tcp", 5432), ("udp", 53),
                                            ("-1", None)])
def test_generated_matrix_on_two_workers_equals_one_process(cluster, generated, kind,
                                                             protocol, port):
    for made in generated.values():
        world = made["world"]
        expected = routing.matrix(world, kind, protocol=protocol, port=port)
        answer = distributed.matrix(world, kind, protocol=protocol, port=port, dask=cluster)
        same(answer, expected)
        assert answer.blocked_by
        if port == 443:
            assert 0 < sum(answer.values()) < len(answer) and answer.walks


def test_generated_matrix_in_a_scope(cluster, generated):
    made = generated[7]
    vpc = made["vpcs"][3]
    for kind in ("subnet", "security-group"):
        expected = routing.matrix(made["world"], kind, port=8080, vpc=vpc)
        same(distributed.matrix(made["world"], kind, port=8080, vpc=vpc, dask=cluster),
             expected)


@pytest.mark.parametrize("build", [peered_world, hub_world, group_world])
def test_boto3_worlds_on_two_workers_equal_one_process(cluster, ec2, mock, build):
    build(ec2)
    for kind in ("subnet", "security-group"):
        for port in (443, None):
            expected = routing.matrix(mock.world, kind, port=port)
            same(distributed.matrix(mock.world, kind, port=port, dask=cluster), expected)


def test_rows_in_any_parts_assemble_to_the_matrix(generated):
    """Each row evaluated by its own `Rows` (its own walks), backwards, assembles to the
    matrix of all protocols."""
    world = generated[4]["world"]
    rows = Rows(world, "subnet", protocol="-1")
    parts = {i: Rows(world, "subnet", protocol="-1").evaluate([i])[0]
             for i in reversed(range(rows.count))}
    answer = rows.assemble([parts[i] for i in range(rows.count)])
    expected = routing.matrix(world, "subnet", protocol="-1")
    assert answer == expected and answer.blocked_by == expected.blocked_by


def test_reading_copy_answers_alike(generated):
    world = generated[7]["world"]
    import pickle

    copy = World.reading_copy(pickle.loads(pickle.dumps(world.reading_state())))
    assert isinstance(copy, World) and copy is not world
    assert routing.matrix(copy, port=443) == routing.matrix(world, port=443)


def test_auto_stays_in_this_process_for_a_small_world(generated, monkeypatch):
    def refuse(_: Any) -> None:
        raise AssertionError("a cluster was started for a small world")

    monkeypatch.setattr(distributed, "connect", refuse)
    world = generated[4]["world"]
    same(distributed.matrix(world, port=443), routing.matrix(world, port=443))
    assert distributed.matrix(world, port=443, dask="none") == routing.matrix(world, port=443)


def test_importing_routing_imports_no_dask():
    code = ("import sys, routing, routing.distributed, api.cli; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


# -- policy checks -----------------------------------------------------------------------------
def policy(made: dict[str, Any]) -> list[assertions.Assertion]:
    return assertions.parse({"assertions": [
        {"name": "no ssh from the internet",
         "deny": {"from": "internet", "to": "instances", "port": 22}},
        {"name": "data only from app",
         "only": {"to": {"tag": {"role": "data"}}, "allowed": {"tag": {"role": "app"}},
                  "port": 5432}},
        {"name": "everyone reaches the edge",
         "reach": {"from": "instances", "to": {"tag": {"role": "edge"}}, "port": [443, 22]}},
        {"name": "2 and 3 isolated",
         "isolated": {"between": [{"vpc": made["vpcs"][2]}, {"vpc": made["vpcs"][3]}]}},
        {"name": "edge to data on a range",     # several port classes: any port, then each
         "deny": {"from": {"tag": {"role": "edge"}}, "to": {"tag": {"role": "data"}},
                  "ports": ["5000-6000", "20-8080"]}},
        {"name": "edge reaches app on a range",    # 8080 only, and within a VPC
         "reach": {"from": {"tag": {"role": "edge"}}, "to": {"tag": {"role": "app"}},
                   "ports": "8000-8100"}},
    ]})


def test_check_on_two_workers_equals_one_process(cluster, generated):
    for made in generated.values():
        rules = policy(made)
        expected = assertions.evaluate(made["world"], rules)
        answer = distributed.evaluate(made["world"], rules, dask=cluster)
        assert answer == expected
        assert [r.passed for r in answer][:3] == [True, True, False]
        assert all(r.checked for r in answer) and answer[2].counterexamples


# -- the command line --------------------------------------------------------------------------
def ec2sim(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "api.cli", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=300)


@pytest.fixture(scope="module")
def snapshot(generated, tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("matrix") / "world.json"
    state.save(generated[4]["world"], path)
    return str(path)


def test_cli_matrix_on_a_local_cluster_equals_one_process(snapshot, generated):
    args = ["matrix", "--snapshot", snapshot, "--kind", "security-group", "--port", "443",
            "--format", "json"]
    local, alone = ec2sim(*args, "--dask", "local"), ec2sim(*args, "--no-dask")
    assert local.returncode == alone.returncode == 0, local.stderr + alone.stderr
    found, expected = json.loads(local.stdout), json.loads(alone.stdout)
    assert found["pairs"] == expected["pairs"] and found["classes"] == expected["classes"]
    reference = routing.matrix(generated[4]["world"], "security-group", port=443)
    assert [(s, d, ok, reference.blocked_by.get((s, d))) for (s, d), ok in reference.items()] \
        == [tuple(p) for p in found["pairs"]]


def test_cli_matrix_on_a_scheduler_address(cluster, snapshot):
    args = ["matrix", "--snapshot", snapshot, "--port", "5432", "--protocol", "tcp"]
    remote = ec2sim(*args, "--dask", f"tcp://127.0.0.1:{SCHEDULER_PORT}")
    alone = ec2sim(*args, "--dask", "none")
    assert remote.returncode == alone.returncode == 0, remote.stderr
    head, *pairs = remote.stdout.splitlines()
    assert pairs == alone.stdout.splitlines()[1:]
    assert "subnets" in head and "pairs reachable on tcp port 5432" in head
    assert any(p.endswith("reachable") for p in pairs) and any("blocked [" in p for p in pairs)


def test_cli_check_on_a_local_cluster_equals_one_process(snapshot, generated, tmp_path):
    rules = tmp_path / "policy.yaml"
    rules.write_text(json.dumps({"assertions": [
        {"name": "no ssh from the internet",
         "deny": {"from": "internet", "to": "instances", "port": 22}},
        {"name": "everyone reaches the edge",
         "reach": {"from": "instances", "to": {"tag": {"role": "edge"}}, "port": 443}}]}))
    args = ["check", str(rules), "--snapshot", snapshot, "--format", "json"]
    local, alone = ec2sim(*args, "--dask", "local"), ec2sim(*args, "--dask", "none")
    assert local.returncode == alone.returncode == 1, local.stderr
    assert json.loads(local.stdout) == json.loads(alone.stdout)
    assert [r["passed"] for r in json.loads(local.stdout)] == [True, False]


def test_cli_refuses_bad_arguments(snapshot):
    bad = ec2sim("matrix", "--snapshot", snapshot, "--protocol", "gre")
    assert bad.returncode == 2 and "InvalidParameterValue" in bad.stderr
    missing = ec2sim("matrix", "--snapshot", snapshot + ".gone")
    assert missing.returncode == 2 and "InvalidState" in missing.stderr
