"""Snapshots: `ec2sim snapshot save|load` against a real server, `POST /_ec2sim/state`,
`mock_ec2(state=...)`, the `ec2sim_state` marker, and the format's version checks."""
from __future__ import annotations

import json
import tempfile
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import boto3
import pytest

from api import mock_ec2
from api.app import create_app
from topology.provision import state
from topology.core.world import World
from helpers import ec2sim_cli, server_client

REGION = "us-east-1"


def vpc_ids(ec2: Any) -> list[str]:
    return sorted(v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"])


def snapshot_with_vpc(path: Path) -> str:
    world = World(seed=3)
    with mock_ec2(world):
        vpc_id = boto3.client("ec2", region_name=REGION).create_vpc(
            CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    state.save(world, path)
    return vpc_id


def test_save_then_load_through_the_cli_round_trips(start_server, tmp_path):
    url = start_server("--seed", "5")
    ec2 = server_client(url)
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    ec2.create_subnet(VpcId=vpc, CidrBlock="10.1.1.0/24")
    before = vpc_ids(ec2), ec2.describe_subnets()["Subnets"]
    path = tmp_path / "snap.json"
    done = ec2sim_cli("snapshot", "save", str(path), "--endpoint-url", url)
    assert done.returncode == 0, done.stderr
    data = json.loads(path.read_text())
    assert (data["format"], data["version"]) == ("ec2sim-snapshot", 1)
    urllib.request.urlopen(urllib.request.Request(url + "/moto-api/reset", method="POST"))
    assert vpc not in vpc_ids(ec2)
    done = ec2sim_cli("snapshot", "load", str(path), "--endpoint-url", url)
    assert done.returncode == 0, done.stderr
    assert (vpc_ids(ec2), ec2.describe_subnets()["Subnets"]) == before


def test_loading_a_foreign_file_fails_and_changes_nothing(start_server, tmp_path):
    url = start_server()
    ec2 = server_client(url)
    before = vpc_ids(ec2)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "ec2sim-snapshot", "version": 7}))
    done = ec2sim_cli("snapshot", "load", str(bad), "--endpoint-url", url)
    assert done.returncode == 2
    assert "unsupported ec2sim state version 7" in done.stderr
    assert "upgrade ec2sim" in done.stderr
    assert vpc_ids(ec2) == before


def test_the_server_refuses_a_body_that_is_not_a_snapshot(start_server):
    url = start_server()
    before = vpc_ids(server_client(url))
    for body in (b"{not json", json.dumps({"hello": 1}).encode()):
        request = urllib.request.Request(url + "/_ec2sim/state", data=body, method="POST",
                                         headers={"Content-Type": "application/json"})
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(request)
        assert err.value.code == 400
        assert json.loads(err.value.read())["error"]["code"] == "InvalidState"
    assert vpc_ids(server_client(url)) == before


def test_post_state_replaces_the_world_in_place():
    world = World(seed=1)
    app = create_app(world).test_client()
    other = World(seed=2)
    with mock_ec2(other):
        vpc = boto3.client("ec2", region_name=REGION).create_vpc(
            CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    answer = app.post("/_ec2sim/state", json=state.dump(other))
    assert answer.status_code == 200 and answer.get_json()["status"] == "ok"
    assert vpc in world.graph
    assert state.dump(world) == state.dump(other)


def test_the_old_format_name_still_loads():
    data = state.dump(World(seed=1))
    data["format"] = "ec2sim-state"
    assert state.dump(state.load(data))["format"] == "ec2sim-snapshot"


def test_the_cli_names_an_unreadable_file(tmp_path):
    done = ec2sim_cli("snapshot", "load", str(tmp_path / "missing.json"),
                      "--endpoint-url", "http://127.0.0.1:9")
    assert done.returncode == 2 and "cannot read" in done.stderr


def test_save_and_load_a_state_file(tmp_path):
    pytest.importorskip("topology.provision.store")
    source = tmp_path / "in.json"
    vpc = snapshot_with_vpc(source)
    db, out = tmp_path / "state.db", tmp_path / "out.json"
    done = ec2sim_cli("snapshot", "load", str(source), "--state", str(db))
    assert done.returncode == 0, done.stderr
    done = ec2sim_cli("snapshot", "save", str(out), "--state", str(db))
    assert done.returncode == 0, done.stderr
    assert vpc in state.read(out).graph
    assert state.dump(state.read(out))["nodes"] == state.dump(state.read(source))["nodes"]


def test_saving_a_missing_state_file_says_so(tmp_path):
    done = ec2sim_cli("snapshot", "save", str(tmp_path / "s.json"), "--state",
                      str(tmp_path / "x.db"))
    assert done.returncode == 2 and "no such state file" in done.stderr
    assert not (tmp_path / "x.db").exists()


def test_mock_ec2_starts_from_a_snapshot(tmp_path):
    path = tmp_path / "topology.json"
    vpc = snapshot_with_vpc(path)
    with mock_ec2(state=str(path)) as mock:
        assert vpc in vpc_ids(boto3.client("ec2", region_name=REGION))
        assert mock.world.graph.nodes[vpc]["kind"] == "vpc"
    with mock_ec2():
        assert vpc not in vpc_ids(boto3.client("ec2", region_name=REGION))


def test_mock_ec2_refuses_a_file_that_is_not_a_snapshot(tmp_path):
    path = tmp_path / "nope.json"
    path.write_text("[]")
    with pytest.raises(state.StateError, match="not an ec2sim state snapshot"):
        mock_ec2(state=path).start()


_MARKED = Path(tempfile.mkdtemp(prefix="ec2sim-marker-")) / "marked.json"
_MARKED_VPC = snapshot_with_vpc(_MARKED)


@pytest.mark.ec2sim_state(str(_MARKED))
def test_the_marker_loads_the_snapshot_into_the_fixture(ec2_client):
    assert _MARKED_VPC in vpc_ids(ec2_client)


def test_without_the_marker_the_fixture_is_fresh(ec2_client):
    assert _MARKED_VPC not in vpc_ids(ec2_client)
