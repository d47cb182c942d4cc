"""`ec2sim reach` and `GET /_ec2sim/reach`.

The plumbing (argument checks, address resolution, the server round trip, the JSON and the
words) is tested in-process with a stand-in engine; the end-to-end tests against a real
`ec2sim serve` and a saved state file use the real `routing.reachability` and skip until it
is present.
"""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any

import pytest

import routing
from api import cli, reach
from api.app import create_app
from topology.provision import state
from helpers import ec2sim_cli

AMI = "ami-057c3ffbeeff55523"
real_engine = pytest.mark.skipif(not hasattr(routing, "reachability"),
                                 reason="routing.reachability is not there yet")


@dataclass
class FakeAnalysis:
    network_path_found: bool
    forward_path: list[dict[str, Any]] = field(default_factory=list)
    return_path: list[dict[str, Any]] = field(default_factory=list)
    explanations: list[dict[str, Any]] = field(default_factory=list)


class Engine:
    """Reachable unless the destination port is 22, which a security group blocks."""

    def __init__(self) -> None:
        self.asked: list[tuple[Any, ...]] = []
        self.group = "sg-0123456789abcdef0"

    def __call__(self, world: Any, source: str, destination: str | None = None, **kw: Any):
        self.asked.append((source, destination, kw))
        if kw.get("destination_port") == 22:
            return FakeAnalysis(False, explanations=[{
                "ExplanationCode": "ENI_SG_RULES_MISMATCH", "Direction": "ingress",
                "SecurityGroups": [{"Id": self.group}],
                "NetworkInterface": {"Id": destination or "?"}}])
        hops = [{"SequenceNumber": 1, "Component": {"Id": source}},
                {"SequenceNumber": 2, "Component": {"Id": "rtb-0123456789abcdef0"},
                 "RouteTableRoute": {"DestinationCidr": "0.0.0.0/0",
                                     "GatewayId": "igw-0123456789abcdef0"}},
                {"SequenceNumber": 3, "Component": {"Id": destination or kw["destination_ip"]}}]
        return FakeAnalysis(True, hops)


@pytest.fixture
def engine(monkeypatch: pytest.MonkeyPatch) -> Engine:
    fake = Engine()
    monkeypatch.setattr(routing, "reachability", fake, raising=False)
    return fake


def interface(ec2: Any) -> dict[str, Any]:
    subnet = ec2.describe_subnets()["Subnets"][0]["SubnetId"]
    return ec2.create_network_interface(SubnetId=subnet)["NetworkInterface"]


# -- words ---------------------------------------------------------------------------------
def test_describe_lists_the_hops():
    lines = reach.describe({"NetworkPathFound": True, "ForwardPathComponents": [
        {"SequenceNumber": 1, "Component": {"Id": "igw-0123456789abcdef0"}},
        {"SequenceNumber": 2, "Component": {"Id": "acl-0123456789abcdef0"},
         "AclRule": {"RuleNumber": 100, "RuleAction": "allow", "Egress": False,
                     "Cidr": "0.0.0.0/0"}},
        {"SequenceNumber": 3, "Component": {"Id": "eni-0123456789abcdef0"}}]},
        "igw-0123456789abcdef0", "eni-0123456789abcdef0", "tcp", 443)
    assert lines[0] == "reachable: igw-0123456789abcdef0 -> eni-0123456789abcdef0 (tcp port 443)"
    assert lines[1] == "  1. igw-0123456789abcdef0 (internet gateway)"
    assert "network ACL rule 100 (inbound) allows 0.0.0.0/0" in lines[2]
    assert lines[3] == "  3. eni-0123456789abcdef0 (network interface)"


def test_describe_names_the_blocker():
    lines = reach.describe({"NetworkPathFound": False, "Explanations": [
        {"ExplanationCode": "SUBNET_ACL_RESTRICTION", "Acl": {"Id": "acl-0123456789abcdef0"},
         "AclRule": {"RuleNumber": 32767}, "Direction": "ingress"}]},
        "i-0123456789abcdef0", "10.0.0.9", "udp", None)
    assert lines[0] == "not reachable: i-0123456789abcdef0 -> 10.0.0.9 (udp)"
    assert "blocked at acl-0123456789abcdef0 (network acl)" in lines[1]
    assert "network ACL denies" in lines[1] and "rule 32767" in lines[1]


# -- the command, in-process ------------------------------------------------------------------
def test_reach_needs_a_server_or_a_state(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["reach", "--from", "i-1", "--to", "i-2"])
    assert exc.value.code == 2
    assert "--endpoint-url" in capsys.readouterr().err


def test_reach_through_the_api_reachable(mock, ec2, engine, capsys):
    eni = interface(ec2)
    igw = ec2.describe_internet_gateways()["InternetGateways"][0]["InternetGatewayId"]
    # any endpoint URL: the in-process mock answers every boto3 call
    code = cli.main(["reach", "--endpoint-url", "http://ec2sim.invalid", "--from", igw,
                     "--to", eni["PrivateIpAddress"], "--port", "443"])
    out = capsys.readouterr().out
    assert code == 0
    assert out.splitlines()[0] == f"reachable: {igw} -> {eni['PrivateIpAddress']} (tcp port 443)"
    assert "route 0.0.0.0/0 -> igw-0123456789abcdef0" in out
    source, destination, kw = engine.asked[0]
    assert (source, destination, kw["destination_ip"], kw["destination_port"]) == (
        igw, eni["NetworkInterfaceId"], eni["PrivateIpAddress"], 443)
    # the path and analysis it made are cleaned up
    assert ec2.describe_network_insights_paths()["NetworkInsightsPaths"] == []
    assert ec2.describe_network_insights_analyses()["NetworkInsightsAnalyses"] == []


def test_reach_through_the_api_blocked_names_the_blocker(mock, ec2, engine, capsys):
    eni = interface(ec2)["NetworkInterfaceId"]
    code = cli.main(["reach", "--endpoint-url", "http://ec2sim.invalid", "--from", eni,
                     "--to", "203.0.113.7", "--port", "22", "--keep"])
    out = capsys.readouterr().out
    assert code == 1
    assert out.startswith(f"not reachable: {eni} -> 203.0.113.7 (tcp port 22)")
    assert engine.group in out and "no security group rule allows" in out
    (path,) = ec2.describe_network_insights_paths()["NetworkInsightsPaths"]   # --keep
    assert path["FilterAtSource"] == {"DestinationAddress": "203.0.113.7",
                                      "DestinationPortRange": {"FromPort": 22, "ToPort": 22}}


def test_reach_reports_api_errors(mock, ec2, engine, capsys):
    eni = interface(ec2)["NetworkInterfaceId"]
    code = cli.main(["reach", "--endpoint-url", "http://ec2sim.invalid",
                     "--from", "i-0123456789abcdef0", "--to", eni])
    err = capsys.readouterr().err
    assert code == 2
    assert "InvalidInstanceID.NotFound" in err and "i-0123456789abcdef0" in err
    code = cli.main(["reach", "--endpoint-url", "http://ec2sim.invalid",
                     "--from", "198.51.100.1", "--to", eni])
    assert code == 2 and "198.51.100.1" in capsys.readouterr().err
    assert engine.asked == []


def test_reach_a_state_file(mock, ec2, engine, tmp_path, capsys):
    eni = interface(ec2)
    igw = ec2.describe_internet_gateways()["InternetGateways"][0]["InternetGatewayId"]
    saved = tmp_path / "world.json"
    state.save(mock.world, saved)
    code = cli.main(["reach", "--state", str(saved), "--from", igw, "--to",
                     eni["NetworkInterfaceId"], "--port", "22"])
    assert code == 1 and engine.group in capsys.readouterr().out
    code = cli.main(["reach", "--state", str(saved), "--from", eni["PrivateIpAddress"],
                     "--to", "8.8.8.8", "--protocol", "udp", "--port", "53"])
    assert code == 0
    source, destination, kw = engine.asked[-1]
    assert (source, destination, kw["source_ip"], kw["destination_ip"], kw["protocol"]) == (
        eni["NetworkInterfaceId"], None, eni["PrivateIpAddress"], "8.8.8.8", "udp")
    code = cli.main(["reach", "--state", str(tmp_path / "missing.json"), "--from", igw,
                     "--to", "8.8.8.8"])
    assert code == 2


# -- HTTP ------------------------------------------------------------------------------------
def test_http_reach_json(mock, ec2, engine):
    client = create_app(mock.world).test_client()
    eni = interface(ec2)["NetworkInterfaceId"]
    igw = ec2.describe_internet_gateways()["InternetGateways"][0]["InternetGatewayId"]
    answer = client.get(f"/_ec2sim/reach?from={igw}&to={eni}&protocol=tcp&port=443")
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["reachable"] is True and body["NetworkPathFound"] is True
    assert [c["Component"]["Id"] for c in body["ForwardPathComponents"]][0] == igw
    assert body["summary"][0] == f"reachable: {igw} -> {eni} (tcp port 443)"
    assert (body["protocol"], body["port"]) == ("tcp", 443)
    blocked = client.get(f"/_ec2sim/reach?from={igw}&to={eni}&port=22").get_json()
    assert blocked["reachable"] is False and engine.group in " ".join(blocked["summary"])
    assert blocked["Explanations"][0]["ExplanationCode"] == "ENI_SG_RULES_MISMATCH"


@pytest.mark.parametrize("query, code", [
    ("to=eni-0123456789abcdef0", "MissingParameter"),
    ("from=igw-0123456789abcdef0&to=eni-0123456789abcdef0", "InvalidInternetGatewayID.NotFound"),
    ("from=igw-x&to=eni-y&protocol=icmp", "InvalidParameterValue"),
    ("from=igw-x&to=eni-y&port=70000", "InvalidParameterValue"),
    ("from=10.9.9.9&to=8.8.8.8", "InvalidParameterValue"),
])
def test_http_reach_rejects_bad_questions(mock, engine, query, code):
    client = create_app(mock.world).test_client()
    answer = client.get(f"/_ec2sim/reach?{query}")
    assert answer.status_code == 400
    assert answer.get_json()["error"]["code"] == code
    assert engine.asked == []


def test_http_reach_on_the_server(server_url, server_ec2):
    try:
        urllib.request.urlopen(f"{server_url}/_ec2sim/reach?to=8.8.8.8")
    except urllib.error.HTTPError as err:
        assert err.code == 400
        assert json.loads(err.read())["error"]["code"] == "MissingParameter"
    else:
        pytest.fail("a question without `from` was answered")


# -- end to end, the real engine ---------------------------------------------------------------
def web_server(ec2: Any, port: int) -> tuple[str, str, str]:
    """(instance, its group, the internet gateway): a public instance open on `port`."""
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    group = ec2.create_security_group(GroupName=f"web{port}", Description="web",
                                      VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": port, "ToPort": port,
         "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    instance = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, InstanceType="t3.micro",
                                 SecurityGroupIds=[group])["Instances"][0]["InstanceId"]
    igw = ec2.describe_internet_gateways()["InternetGateways"][0]["InternetGatewayId"]
    return instance, group, igw


@real_engine
def test_cli_against_a_real_server(server_url, server_ec2):
    instance, group, igw = web_server(server_ec2, 443)
    done = ec2sim_cli("reach", "--endpoint-url", server_url, "--from", igw, "--to", instance,
                      "--protocol", "tcp", "--port", "443")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"reachable: {igw} -> {instance}")
    assert instance in done.stdout.split("\n", 1)[1]      # the hops name it
    blocked = ec2sim_cli("reach", "--endpoint-url", server_url, "--from", igw, "--to", instance,
                         "--port", "22")
    assert blocked.returncode == 1, blocked.stderr
    assert blocked.stdout.startswith("not reachable:")
    assert group in blocked.stdout


@real_engine
def test_cli_with_a_state_file(mock, ec2, tmp_path):
    instance, group, igw = web_server(ec2, 80)
    saved = tmp_path / "world.json"
    state.save(mock.world, saved)
    done = ec2sim_cli("reach", "--state", str(saved), "--from", igw, "--to", instance,
                      "--port", "80")
    assert done.returncode == 0, done.stdout + done.stderr
    blocked = ec2sim_cli("reach", "--state", str(saved), "--from", igw, "--to", instance,
                         "--port", "3389")
    assert blocked.returncode == 1 and group in blocked.stdout


@real_engine
def test_http_reach_with_the_engine(server_url, server_ec2):
    instance, group, igw = web_server(server_ec2, 8080)
    with urllib.request.urlopen(
            f"{server_url}/_ec2sim/reach?from={igw}&to={instance}&port=8080") as answer:
        body = json.loads(answer.read())
    assert body["reachable"] is True and body["ForwardPathComponents"]
    with urllib.request.urlopen(
            f"{server_url}/_ec2sim/reach?from={igw}&to={instance}&port=22") as answer:
        body = json.loads(answer.read())
    assert body["reachable"] is False and group in json.dumps(body["Explanations"])
