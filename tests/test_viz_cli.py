"""`ec2sim draw` (from a state file and from a running server) and the HTTP routes
`GET /_ec2sim/draw.<fmt>` and `GET /_ec2sim/state`."""
from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from flask.testing import FlaskClient

import viz
from api import mock_ec2
from api.app import create_app
from api.cli import main
from test_viz_scene import AMI, REGION, named
from topology.provision import state
from topology.core.world import World

ROOT = Path(__file__).resolve().parent.parent
SIGNATURES = {"svg": b"<?xml", "png": b"\x89PNG", "pdf": b"%PDF-", "dot": b'digraph "ec2sim"',
              "json": b"{"}


@pytest.fixture
def world() -> Iterator[World]:
    world = World(seed=12)
    with mock_ec2(world):
        yield world


def build(ec2: Any) -> dict[str, str]:
    """Two VPCs; `front` has a web and an app instance, app admitting web on 8080 only."""
    made = {}
    for name, cidr in (("front", "10.40.0.0/16"), ("back", "10.41.0.0/16")):
        made[name] = ec2.create_vpc(CidrBlock=cidr, TagSpecifications=named(
            "vpc", name, team=name))["Vpc"]["VpcId"]
        made[f"{name}_subnet"] = ec2.create_subnet(
            VpcId=made[name], CidrBlock=cidr.replace("0.0/16", "1.0/24"),
            AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    groups = {t: ec2.create_security_group(GroupName=t, Description=t, VpcId=made["front"])[
        "GroupId"] for t in ("web", "app")}
    ec2.authorize_security_group_ingress(GroupId=groups["app"], IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080,
         "UserIdGroupPairs": [{"GroupId": groups["web"]}]}])
    for tier in ("web", "app"):
        made[tier] = ec2.run_instances(
            ImageId=AMI, MinCount=1, MaxCount=1, InstanceType="t3.micro",
            SubnetId=made["front_subnet"], SecurityGroupIds=[groups[tier]])[
            "Instances"][0]["InstanceId"]
    return made


@pytest.fixture
def made(world: World) -> dict[str, str]:
    return build(boto3.client("ec2", region_name=REGION))


@pytest.fixture
def saved(world: World, made: dict[str, str], tmp_path: Path) -> Path:
    path = tmp_path / "state.json"
    state.save(world, path)
    return path


def svg_ids(data: bytes) -> set[str]:
    return {g.get("id", "") for g in ET.fromstring(data).iter("{http://www.w3.org/2000/svg}g")}


# -- ec2sim draw --state --------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", sorted(SIGNATURES))
def test_draw_a_state_file_in_the_format_of_the_suffix(saved, made, tmp_path, fmt):
    out = tmp_path / f"net.{fmt}"
    assert main(["draw", "--state", str(saved), "-o", str(out)]) == 0
    data = out.read_bytes()
    assert data.startswith(SIGNATURES[fmt])
    if fmt in ("svg", "dot", "json"):
        assert made["front"].encode() in data and made["web"].encode() in data


def test_draw_is_the_same_file_as_render(world, saved, tmp_path):
    out = tmp_path / "net.svg"
    main(["draw", "--state", str(saved), "-o", str(out)])
    assert out.read_bytes() == viz.render(world, "svg")


def test_draw_filters_by_vpc_region_and_tag(saved, made, tmp_path):
    out = tmp_path / "net.svg"
    main(["draw", "--state", str(saved), "-o", str(out), "--vpc", made["back"]])
    ids = svg_ids(out.read_bytes())
    assert made["back"] in ids and made["front"] not in ids
    main(["draw", "--state", str(saved), "-o", str(out), "--vpc", made["back"],
          "--vpc", made["front"]])
    assert {made["back"], made["front"]} <= svg_ids(out.read_bytes())
    main(["draw", "--state", str(saved), "-o", str(out), "--tag", "team=front"])
    ids = svg_ids(out.read_bytes())
    assert made["front"] in ids and made["back"] not in ids
    main(["draw", "--state", str(saved), "-o", str(out), "--region", "eu-west-1"])
    assert made["front"] not in svg_ids(out.read_bytes())


def test_draw_highlights_a_reachability_path(saved, made, tmp_path):
    out = tmp_path / "path.svg"
    assert main(["draw", "--state", str(saved), "-o", str(out), "--vpc", made["front"],
                 "--highlight", made["web"], made["app"], "8080"]) == 0
    ids = svg_ids(out.read_bytes())
    assert f"hop.1.{made['web']}" in ids and not any(i.startswith("blocked.") for i in ids)
    assert main(["draw", "--state", str(saved), "-o", str(out), "--vpc", made["front"],
                 "--highlight", made["app"], made["web"], "22"]) == 0
    assert f"blocked.{made['web']}" in svg_ids(out.read_bytes())


def test_draw_to_stdout_needs_a_format(saved, capsysbinary):
    assert main(["draw", "--state", str(saved), "-o", "-", "--format", "dot"]) == 0
    assert capsysbinary.readouterr().out.startswith(b'digraph "ec2sim"')


def test_draw_zoom_and_budget(saved, made, tmp_path):
    out = tmp_path / "net.json"
    main(["draw", "--state", str(saved), "-o", str(out), "--zoom", "vpc"])
    data = json.loads(out.read_text())
    assert data["zoom"] == "vpc" and made["web"] not in {n["id"] for n in data["nodes"]}
    main(["draw", "--state", str(saved), "-o", str(out), "--budget", "3"])
    assert json.loads(out.read_text())["zoom"] == "account"


@pytest.mark.parametrize("args, message", [
    (["-o", "net.gif"], "cannot tell the format of 'net.gif'"),
    (["-o", "net.svg", "--highlight", "i-1", "i-2", "http"], "PORT must be from 0 to 65535"),
    (["-o", "net.svg", "--budget", "0"], "--budget must be at least 1"),
])
def test_draw_refuses_bad_arguments(saved, capsys, args, message):
    with pytest.raises(SystemExit) as done:
        main(["draw", "--state", str(saved), *args])
    assert done.value.code == 2 and message in capsys.readouterr().err


def test_draw_needs_a_source(capsys):
    with pytest.raises(SystemExit):
        main(["draw", "-o", "net.svg"])
    assert "one of the arguments --endpoint-url --state is required" in capsys.readouterr().err


def test_draw_reports_an_unreadable_state(tmp_path, capsys):
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "something"}')
    assert main(["draw", "--state", str(broken), "-o", str(tmp_path / "x.svg")]) == 2
    assert "InvalidState" in capsys.readouterr().err and not (tmp_path / "x.svg").exists()
    assert main(["draw", "--state", str(tmp_path / "missing.json"), "-o",
                 str(tmp_path / "x.svg")]) == 2


def test_draw_says_why_there_is_no_path_when_an_end_is_unknown(saved, tmp_path):
    out = tmp_path / "x.svg"
    code = main(["draw", "--state", str(saved), "-o", str(out),
                 "--highlight", "i-0123456789abcdef0", "i-0123456789abcdef1", "80"])
    assert code == 0
    assert "blocked" in svg_ids(out.read_bytes())
    assert b"no path: UNKNOWN_RESOURCE: i-0123456789abcdef0" in out.read_bytes()


# -- HTTP routes ----------------------------------------------------------------------------------
@pytest.fixture
def client(world: World) -> FlaskClient:
    return create_app(world).test_client()


@pytest.mark.parametrize("fmt", sorted(SIGNATURES))
def test_draw_route_serves_each_format_with_its_content_type(client, world, made, fmt):
    answer = client.get(f"/_ec2sim/draw.{fmt}")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].split(";")[0] == viz.CONTENT_TYPES[fmt].split(";")[0]
    assert answer.data == viz.render(world, fmt)


def test_draw_route_takes_the_filters(client, made):
    ids = svg_ids(client.get(f"/_ec2sim/draw.svg?vpc={made['back']}").data)
    assert made["back"] in ids and made["front"] not in ids
    ids = svg_ids(client.get(f"/_ec2sim/draw.svg?vpc={made['back']}&vpc={made['front']}").data)
    assert {made["back"], made["front"]} <= ids
    ids = svg_ids(client.get("/_ec2sim/draw.svg?tag=team=back&region=us-east-1").data)
    assert made["back"] in ids and made["front"] not in ids
    data = json.loads(client.get("/_ec2sim/draw.json?zoom=vpc&account=123456789012").data)
    assert data["zoom"] == "vpc"
    assert json.loads(client.get("/_ec2sim/draw.json?budget=2").data)["zoom"] == "account"


def test_draw_route_highlights_a_path(client, made):
    answer = client.get(f"/_ec2sim/draw.svg?vpc={made['front']}"
                        f"&highlight={made['app']},{made['web']},22")
    assert answer.status_code == 200 and f"blocked.{made['web']}" in svg_ids(answer.data)
    answer = client.get(f"/_ec2sim/draw.json?highlight={made['web']},{made['app']},8080")
    assert json.loads(answer.data)["highlight"]["found"] is True


@pytest.mark.parametrize("query, status, code", [
    ("highlight=i-1,i-2", 400, "InvalidParameterValue"),
    ("highlight=i-1,i-2,99999", 400, "InvalidParameterValue"),
    ("budget=none", 400, "InvalidParameterValue"),
    ("zoom=street", 400, "InvalidParameterValue"),
    ("tag==x", 400, "InvalidParameterValue"),
])
def test_draw_route_refuses_bad_parameters(client, made, world, query, status, code):
    before = state.dump(world)
    answer = client.get(f"/_ec2sim/draw.svg?{query}")
    assert answer.status_code == status
    error = answer.get_json()["error"]
    assert error["message"] and error["code"] == code
    assert state.dump(world) == before


def test_draw_route_of_an_unknown_format_is_a_404(client):
    answer = client.get("/_ec2sim/draw.gif")
    assert answer.status_code == 404 and answer.get_json()["error"]["code"] == "InvalidFormat"


def test_draw_route_with_an_unknown_path_end_still_draws(client, made):
    answer = client.get("/_ec2sim/draw.json?highlight=i-0123456789abcdef0,"
                        f"{made['web']},80")
    assert answer.status_code == 200
    highlight = json.loads(answer.data)["highlight"]
    assert highlight["blocked"] is None and highlight["found"] is False
    assert highlight["reason"] == "UNKNOWN_RESOURCE: i-0123456789abcdef0"


def test_draw_route_never_creates_state():
    world = World(seed=1)
    create_app(world).test_client().get("/_ec2sim/draw.svg")
    assert world.partitions() == []


# -- ec2sim draw --endpoint-url, against a real server --------------------------------------------
def test_draw_what_a_server_holds(server_ec2, server_url, tmp_path):
    made = build(server_ec2)
    out = tmp_path / "net.svg"
    assert main(["draw", "--endpoint-url", server_url, "-o", str(out), "--vpc", made["front"],
                 "--highlight", made["web"], made["app"], "8080"]) == 0
    ids = svg_ids(out.read_bytes())
    assert made["front"] in ids and made["back"] not in ids and f"hop.2.{made['app']}" in ids
    # the file drawn from the server's saved state is the same picture
    saved = tmp_path / "state.json"
    import urllib.request

    with urllib.request.urlopen(f"{server_url}/_ec2sim/state") as answer:
        saved.write_bytes(answer.read())
    again = tmp_path / "again.svg"
    main(["draw", "--state", str(saved), "-o", str(again), "--vpc", made["front"],
          "--highlight", made["web"], made["app"], "8080"])
    assert again.read_bytes() == out.read_bytes()


def test_draw_reports_server_errors(server_ec2, server_url, tmp_path, capsys):
    assert main(["draw", "--endpoint-url", server_url, "-o", str(tmp_path / "x.svg"),
                 "--tag", "=x"]) == 2
    assert "error: InvalidParameterValue: Value (=x) for parameter tag is invalid" in \
        capsys.readouterr().err
    assert not (tmp_path / "x.svg").exists()
    assert main(["draw", "--endpoint-url", "http://127.0.0.1:9", "-o",
                 str(tmp_path / "x.svg")]) == 2
    assert "EndpointError" in capsys.readouterr().err


def test_the_ec2sim_command_draws(saved, tmp_path):
    out = tmp_path / "net.png"
    done = subprocess.run([sys.executable, "-m", "api.cli", "draw", "--state", str(saved),
                           "-o", str(out)], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"\x89PNG")


# -- the examples write their diagrams ------------------------------------------------------------
@pytest.mark.parametrize("name", ["hub_and_spoke", "peering_triangle", "three_tier"])
def test_examples_write_their_diagram_next_to_themselves(name, tmp_path):
    import shutil

    copy = tmp_path / f"{name}.py"
    shutil.copy(ROOT / "examples" / f"{name}.py", copy)
    done = subprocess.run([sys.executable, str(copy)], cwd=ROOT, capture_output=True, text=True,
                          timeout=180, env={**__import__("os").environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    svg = (tmp_path / f"{name}.svg").read_bytes()
    ids = svg_ids(svg)
    assert any(i.startswith("vpc-") for i in ids) and not any(
        "default" in (g.get("class") or "") for g in ET.fromstring(svg).iter())
    if name == "hub_and_spoke":
        assert any(i.startswith("tgw-") and not i.startswith("tgw-attach") for i in ids)
    if name == "peering_triangle":
        assert sum(i.startswith("pcx-") for i in ids) == 3


def test_the_readme_picture_is_the_three_tier_example():
    readme = (ROOT / "README.md").read_text()
    assert "docs/img/three_tier.svg" in readme
    picture = (ROOT / "docs" / "img" / "three_tier.svg").read_bytes()
    assert any(i.startswith("subnet-") for i in svg_ids(picture))
