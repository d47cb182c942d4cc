"""Change impact: `routing.diff` and `ec2sim diff` between a world and a changed copy.

The world: VPC A (subnets a1, a2) peered with VPC B (subnet b1), routes both ways; an
interface in a1 (group `admin`) and one in a2 (group `web`, no ingress). The "before" world is
a snapshot of it; the change is made through boto3 on the live world.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from netaddr import IPNetwork

import routing
from api import diff_cli
from api import state_cli
from api.app import create_app
from api.cli import main
from helpers import main_table
from topology.core.world import World
from topology.provision import state


def build(ec2: Any) -> dict[str, str]:
    a = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    b = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    ids = {"vpc_a": a, "vpc_b": b}
    for name, vpc, cidr in (("a1", a, "10.0.1.0/24"), ("a2", a, "10.0.2.0/24"),
                            ("b1", b, "10.1.1.0/24")):
        ids[name] = ec2.create_subnet(VpcId=vpc, CidrBlock=cidr,
                                      AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    pcx = ec2.create_vpc_peering_connection(VpcId=a, PeerVpcId=b)["VpcPeeringConnection"][
        "VpcPeeringConnectionId"]
    ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    ids["table_a"] = main_table(ec2, a)
    ec2.create_route(RouteTableId=ids["table_a"], DestinationCidrBlock="10.1.0.0/16",
                     VpcPeeringConnectionId=pcx)
    ec2.create_route(RouteTableId=main_table(ec2, b), DestinationCidrBlock="10.0.0.0/16",
                     VpcPeeringConnectionId=pcx)
    for name, subnet in (("admin", "a1"), ("web", "a2")):
        ids[name] = ec2.create_security_group(GroupName=name, Description=name,
                                              VpcId=a)["GroupId"]
        ec2.create_network_interface(SubnetId=ids[subnet], Groups=[ids[name]])
    return ids


def open_ssh(ec2: Any, ids: dict[str, str]) -> None:
    ec2.authorize_security_group_ingress(GroupId=ids["web"], IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
         "IpRanges": [{"CidrIp": "10.0.1.0/24"}]}])


def drop_peer_route(ec2: Any, ids: dict[str, str]) -> None:
    ec2.delete_route(RouteTableId=ids["table_a"], DestinationCidrBlock="10.1.0.0/16")


def default_acl(ec2: Any, side: str, ids: dict[str, str]) -> str:
    return str(ec2.describe_network_acls(Filters=[
        {"Name": "vpc-id", "Values": [ids[f"vpc_{side}"]]},
        {"Name": "default", "Values": ["true"]}])["NetworkAcls"][0]["NetworkAclId"])


@pytest.fixture
def worlds(mock: Any, ec2: Any) -> tuple[World, World, dict[str, str], Any]:
    """(before, after, ids, ec2): `after` is the live world the test changes."""
    ids = build(ec2)
    return state.load(state.dump(mock.world)), mock.world, ids, ec2


# -- routing.diff ---------------------------------------------------------------------------
def test_no_change_is_empty(worlds: Any) -> None:
    before, after, _, _ = worlds
    answer = routing.diff(before, after, kind="all", port=22)
    assert not answer and answer.flows == []
    assert diff_cli.render(answer, "text") == "no change\n"


def test_security_group_rule_opens_ssh(worlds: Any) -> None:
    before, after, ids, ec2 = worlds
    open_ssh(ec2, ids)
    answer = routing.diff(before, after, kind="security-group", port=22)
    assert [(f.source, f.destination, f.opened) for f in answer.flows] == [
        (ids["admin"], ids["web"], True)]
    flow = answer.flows[0]
    assert flow.code == "ENI_SG_RULES_MISMATCH"      # what blocked it before
    assert flow.blocker == ids["web"]
    assert flow.path and flow.path[-1].startswith("eni-")
    assert flow.group == ("security-group", ids["vpc_a"], ids["vpc_a"], "tcp", "22")
    assert (flow.source_name, flow.destination_name) == ("admin", "web")
    assert f"opened {ids['admin']} (admin) -> {ids['web']} (web) (before: blocked at" in \
        diff_cli.render(answer, "text")
    # the subnet matrix leaves groups aside: nothing changed there; another port neither
    assert not routing.diff(before, after, kind="subnet", port=22)
    assert not routing.diff(before, after, kind="security-group", port=80)


def test_removing_a_route_closes_flows(worlds: Any) -> None:
    before, after, ids, ec2 = worlds
    drop_peer_route(ec2, ids)
    answer = routing.diff(before, after, port=443)
    pairs = {(f.source, f.destination) for f in answer.closed}
    assert pairs == {(ids[s], ids["b1"]) for s in ("a1", "a2")} | \
        {(ids["b1"], ids[s]) for s in ("a1", "a2")}
    assert answer.opened == []
    forward = next(f for f in answer.flows if f.source == ids["a1"])
    assert forward.code == "NO_ROUTE_TO_DESTINATION"
    assert forward.blocker == ids["table_a"]           # the table that lost the route
    assert forward.path[-2:] and any(c.startswith("pcx-") for c in forward.path)
    groups = answer.groups()
    a, b = (f"{ids[f'vpc_{v}']}/{main_table(ec2, ids[f'vpc_{v}'])}/{default_acl(ec2, v, ids)}"
            for v in "ab")
    assert set(groups) == {("subnet", a, b, "tcp", "443"), ("subnet", b, a, "tcp", "443")}
    assert all(len(flows) == 2 for flows in groups.values())
    back = routing.diff(after, before, port=443)       # the other way round: all open
    assert {(f.source, f.destination) for f in back.opened} == pairs and not back.closed


def test_a_subnet_only_in_one_world(worlds: Any) -> None:
    before, after, ids, ec2 = worlds
    new = ec2.create_subnet(VpcId=ids["vpc_b"], CidrBlock="10.1.2.0/24",
                            AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    answer = routing.diff(before, after, port=443)
    assert answer.closed == []
    assert {ids["b1"], ids["a1"], ids["a2"], new} == \
        {f.source for f in answer.flows} | {f.destination for f in answer.flows}
    assert all(f.code == "ABSENT" for f in answer.flows)
    assert all(new in (f.source, f.destination) for f in answer.flows)


# -- output formats and exit status ---------------------------------------------------------
def _save(world: World, path: Path) -> str:
    state.save(world, path)
    return str(path)


def test_formats_and_exit_status(worlds: Any, tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    before, after, ids, ec2 = worlds
    first = _save(before, tmp_path / "before.json")
    assert main(["diff", first, first]) == 0
    assert capsys.readouterr().out == "no change\n"
    open_ssh(ec2, ids)
    drop_peer_route(ec2, ids)
    second = _save(after, tmp_path / "after.json")
    assert main(["diff", first, second, "--port", "22", "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert (data["changed"], data["opened"], data["closed"]) == (True, 1, 4)
    sg = next(g for g in data["groups"] if g["kind"] == "security-group")
    assert sg["flows"][0]["change"] == "opened" and sg["ports"] == "22"
    assert main(["diff", first, second, "--port", "22", "--format", "junit"]) == 1
    suite = ElementTree.fromstring(capsys.readouterr().out.encode())
    cases = suite.findall("testcase")
    assert len(cases) == 5 and suite.get("failures") == "5"
    types = sorted(c.find("failure").get("type") for c in cases)     # type: ignore[union-attr]
    assert types == ["closed"] * 4 + ["opened"]
    assert main(["diff", first, second, "--port", "22"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("1 opened, 4 closed\n") and "NO_ROUTE_TO_DESTINATION" in out
    assert main(["diff", first, second, "--port", "22", "--port", "80", "--format",
                 "json"]) == 1               # port 80 stays shut to the group: route flows only
    data = json.loads(capsys.readouterr().out)
    assert (data["opened"], data["closed"]) == (1, 8)
    assert sorted({g["ports"] for g in data["groups"]}) == ["22", "80"]


def test_bad_sides(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", str(tmp_path / "missing.json"), str(tmp_path / "x.json")]) == 2
    assert "InvalidState" in capsys.readouterr().err
    damaged = tmp_path / "damaged.json"
    data = state.dump(World(1))
    damaged.write_text(json.dumps({**data, "nodes": [{"x": 1}]}))
    assert main(["diff", str(damaged), str(damaged)]) == 2
    assert "damaged" in capsys.readouterr().err
    empty = _save(World(1), tmp_path / "empty.json")
    assert main(["diff", empty, empty, "--protocol", "gre"]) == 2
    assert "InvalidParameterValue" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["diff", "a.json"])              # AFTER missing


def test_cli_on_saved_snapshots(worlds: Any, tmp_path: Path) -> None:
    before, after, ids, ec2 = worlds
    first = _save(before, tmp_path / "before.json")
    drop_peer_route(ec2, ids)
    second = _save(after, tmp_path / "after.json")
    done = subprocess.run([sys.executable, "-m", "api.cli", "diff", first, second,
                           "--kind", "subnet", "--format", "json"],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1, done.stderr
    data = json.loads(done.stdout)
    assert (data["opened"], data["closed"]) == (0, 4)


def test_state_databases(worlds: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
                         ) -> None:
    before, after, ids, ec2 = worlds
    first, second = str(tmp_path / "before.db"), str(tmp_path / "after.db")
    state_cli.to_state_file(first, state.dump(before))
    drop_peer_route(ec2, ids)
    state_cli.to_state_file(second, state.dump(after))
    assert main(["diff", f"sqlite:{first}", "--after-state", second, "--kind", "subnet",
                 "--port", "443", "--format", "json"]) == 1
    assert json.loads(capsys.readouterr().out)["closed"] == 4
    assert main(["diff", "--before-state", first, f"sqlite:{first}"]) == 0


# -- HTTP -----------------------------------------------------------------------------------
def test_post_diff(worlds: Any) -> None:
    before, after, ids, ec2 = worlds
    open_ssh(ec2, ids)
    client = create_app(after).test_client()
    answer = client.post("/_ec2sim/diff", json={"before": state.dump(before), "port": 22,
                                                  "kind": "security-group"})
    assert answer.status_code == 200
    data = answer.get_json()
    assert (data["opened"], data["closed"]) == (1, 0)
    assert data["groups"][0]["flows"][0]["source"] == ids["admin"]
    same = client.post("/_ec2sim/diff", json={"after": state.dump(after), "port": 22})
    assert same.get_json()["changed"] is False
    bad = client.post("/_ec2sim/diff", json={"before": state.dump(before), "port": 70000})
    assert bad.status_code == 400
    assert bad.get_json()["error"]["code"] == "InvalidParameterValue"
    assert client.post("/_ec2sim/diff", data="x").status_code == 400


def test_endpoint_url_side(worlds: Any, tmp_path: Path, start_server: Any,
                           capsys: pytest.CaptureFixture[str]) -> None:
    before, after, ids, ec2 = worlds
    drop_peer_route(ec2, ids)
    url = start_server()
    state_cli.push(url, state.dump(after))
    first = _save(before, tmp_path / "before.json")
    assert main(["diff", first, "--after-endpoint-url", url, "--port", "443",
                 "--kind", "subnet"]) == 1
    assert capsys.readouterr().out.startswith("0 opened, 4 closed\n")
    assert main(["diff", url, "--after-endpoint-url", url]) == 0


# -- port ranges -----------------------------------------------------------------------------
ANYWHERE = [{"CidrIp": "0.0.0.0/0"}]


def open_ports(ec2: Any, ids: dict[str, str], low: int, high: int) -> None:
    ec2.authorize_security_group_ingress(GroupId=ids["web"], IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": low, "ToPort": high,
         "IpRanges": [{"CidrIp": "10.0.1.0/24"}]}])


def test_adjacent_ports_that_changed_alike_merge_into_ranges(worlds: Any, monkeypatch: Any
                                                             ) -> None:
    before, after, ids, ec2 = worlds
    open_ports(ec2, ids, 22, 25)
    open_ports(ec2, ids, 1000, 2000)
    unused = ec2.create_security_group(GroupName="unused", Description="no member",
                                       VpcId=ids["vpc_a"])["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=unused, IpPermissions=[   # splits nothing
        {"IpProtocol": "tcp", "FromPort": 5000, "ToPort": 6000, "IpRanges": ANYWHERE}])
    calls: list[Any] = []
    real = routing.diff.__globals__["matrix"]
    monkeypatch.setitem(routing.diff.__globals__, "matrix",
                        lambda *a, **k: calls.append(k["port"]) or real(*a, **k))
    answer = routing.diff(before, after, kind="security-group")      # every port
    assert [(f.source, f.destination, f.ports, f.port_range) for f in answer.flows] == [
        (ids["admin"], ids["web"], "22-25", (22, 25)),
        (ids["admin"], ids["web"], "1000-2000", (1000, 2000))]
    # one matrix per port class and world: 0-21, 22-25, 26-999, 1000-2000, 2001-65535
    assert sorted(set(calls)) == [0, 22, 26, 1000, 2001] and len(calls) == 10
    assert all(f.code == "ENI_SG_RULES_MISMATCH" and f.opened for f in answer.flows)
    ranged = routing.diff(before, after, kind="security-group", ports=["20-23", 24, "80"])
    assert [f.ports for f in ranged.flows] == ["22-24"]               # 20-24 asked, 22-24 moved
    assert routing.diff(before, after, kind="security-group", ports=[(2001, 65535)]).flows == []
    with pytest.raises(Exception, match="InvalidParameterValue|invalid"):
        routing.diff(before, after, ports=["25-20"])


def test_cli_port_ranges_text_and_json(worlds: Any, tmp_path: Path) -> None:
    before, after, ids, ec2 = worlds
    first = _save(before, tmp_path / "before.json")
    open_ports(ec2, ids, 1000, 2000)
    second = _save(after, tmp_path / "after.json")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "api.cli", "diff", first, second,
                               "--kind", "security-group", *args],
                              capture_output=True, text=True, timeout=120, check=False)

    done = run()
    assert done.returncode == 1, done.stderr
    assert f"security-group {ids['vpc_a']} -> {ids['vpc_a']} tcp 1000-2000:" in done.stdout
    done = run("--port", "500-1500", "--port", "1501-1600", "--format", "json")
    (group,) = json.loads(done.stdout)["groups"]
    (flow,) = group["flows"]
    assert (group["ports"], flow["from_port"], flow["to_port"]) == ("1000-1600", 1000, 1600)
    assert run("--port", "3000-4000").returncode == 0
    bad = run("--port", "10-x")
    assert bad.returncode == 2 and "InvalidParameterValue" in bad.stderr


# -- classes ---------------------------------------------------------------------------------
def test_flows_group_by_subnet_class_labels(mock: Any, ec2: Any) -> None:
    ids = build(ec2)
    ec2.create_tags(Resources=[ids["a1"], ids["a2"]], Tags=[{"Key": "tier", "Value": "front"}])
    a3 = ec2.create_subnet(VpcId=ids["vpc_a"], CidrBlock="10.0.3.0/24",
                           AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    ec2.create_nat_gateway(SubnetId=a3, ConnectivityType="private")   # a3: a class of its own
    before = state.load(state.dump(mock.world))
    drop_peer_route(ec2, ids)
    answer = routing.diff(before, mock.world, kind="subnet", port=443)
    base = f"{ids['vpc_a']}/{ids['table_a']}/{default_acl(ec2, 'a', ids)}"
    b = f"{ids['vpc_b']}/{main_table(ec2, ids['vpc_b'])}/{default_acl(ec2, 'b', ids)}"
    members = {(g[1], g[2]): sorted(f.source for f in flows)
               for g, flows in answer.groups().items() if g[2] == b}
    assert members == {(f"{base}@{ids['a1']} [tier=front]", b): sorted([ids["a1"], ids["a2"]]),
                       (f"{base}@{a3}", b): [a3]}
    text = diff_cli.render(answer, "text")
    assert f"subnet {base}@{ids['a1']} [tier=front] -> {b} tcp 443:" in text


def test_post_diff_port_ranges(worlds: Any) -> None:
    before, after, ids, ec2 = worlds
    open_ports(ec2, ids, 1000, 2000)
    client = create_app(after).test_client()
    answer = client.post("/_ec2sim/diff", json={"before": state.dump(before),
                                                  "ports": ["900-1100", 1101],
                                                  "kind": "security-group"})
    assert answer.status_code == 200
    (group,) = answer.get_json()["groups"]
    assert group["ports"] == "1000-1101"
    bad = client.post("/_ec2sim/diff", json={"before": state.dump(before), "ports": ["x"]})
    assert bad.status_code == 400
    assert bad.get_json()["error"]["code"] == "InvalidParameterValue"


# -- IPv6 ------------------------------------------------------------------------------------
def test_an_ipv6_rule_opens_flows_over_ipv6_only(mock: Any, ec2: Any, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"][
        "VpcId"]
    block = ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"][0]["Ipv6CidrBlockAssociationSet"][0][
        "Ipv6CidrBlock"]
    halves = list(IPNetwork(block).subnet(64, count=2))
    groups = {}
    for n, name in enumerate(("client", "server")):
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{n}.0/24",
                                   Ipv6CidrBlock=str(halves[n]))["Subnet"]["SubnetId"]
        groups[name] = ec2.create_security_group(GroupName=name, Description=name,
                                                 VpcId=vpc)["GroupId"]
        ec2.create_network_interface(SubnetId=subnet, Groups=[groups[name]],
                                     Ipv6AddressCount=1)
    before = state.load(state.dump(mock.world))
    ec2.authorize_security_group_ingress(GroupId=groups["server"], IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
         "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}])
    answer = routing.diff(before, mock.world, kind="security-group", ip_version=6)
    assert [(f.source, f.destination, f.ports, f.ip_version) for f in answer.flows] == [
        (groups["client"], groups["server"], "22", 6)]
    assert answer.flows[0].path and answer.flows[0].blocker == groups["server"]
    assert not routing.diff(before, mock.world, kind="security-group")      # IPv4: no change
    first, second = _save(before, tmp_path / "a.json"), _save(mock.world, tmp_path / "b.json")
    assert main(["diff", first, second, "--ip-version", "6", "--format", "json"]) == 1
    assert json.loads(capsys.readouterr().out)["opened"] == 1
    assert main(["diff", first, second]) == 0


@pytest.mark.parametrize("name", ["routing.diff", "routing.ports"])
def test_docstring_examples(name: str) -> None:
    import doctest
    import importlib
    failed, tried = doctest.testmod(importlib.import_module(name))
    assert failed == 0 and tried > 0


def test_one_state_twice_is_answered_without_matrices(worlds: Any, monkeypatch: Any) -> None:
    before, _, _, _ = worlds
    again = state.load(state.dump(before))
    calls: list[Any] = []
    real = routing.diff.__globals__["matrix"]
    monkeypatch.setitem(routing.diff.__globals__, "matrix",
                        lambda *a, **k: calls.append(k.get("vpc")) or real(*a, **k))
    assert not routing.diff(before, again, kind="all")
    assert calls == [""]                          # the parameters' check only
    with pytest.raises(Exception, match="protocol"):
        routing.diff(before, again, protocol="gre")


def test_the_internet_is_an_end_of_security_group_flows(mock: Any, ec2: Any) -> None:
    """Opening SSH to the world on a lone public instance changes no group pair, but it
    opens a flow from the internet; dropping the default route closes its way out."""
    vpc = ec2.create_vpc(CidrBlock="10.4.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.4.1.0/24")["Subnet"]["SubnetId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    table = main_table(ec2, vpc)
    ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    sg = ec2.create_security_group(GroupName="bastion", Description="b", VpcId=vpc)["GroupId"]
    ec2.run_instances(ImageId="ami-057c3ffbeeff55523", MinCount=1, MaxCount=1,
                      NetworkInterfaces=[{"DeviceIndex": 0, "SubnetId": subnet, "Groups": [sg],
                                          "AssociatePublicIpAddress": True}])
    before = state.load(state.dump(mock.world))
    ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    opened = routing.diff(before, mock.world, kind="security-group", port=22)
    assert [(f.source, f.destination, f.opened) for f in opened.flows] == [
        ("internet", sg, True)]
    flow = opened.flows[0]
    assert flow.code == "ENI_SG_RULES_MISMATCH" and flow.blocker == sg
    assert flow.path[0] == igw and flow.path[-1].startswith("i-")
    middle = state.load(state.dump(mock.world))
    ec2.delete_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0")
    closed = routing.diff(middle, mock.world, kind="security-group", port=443)
    assert {(f.source, f.destination, f.opened) for f in closed.flows} == {
        (sg, "internet", False)}
    assert closed.flows[0].code == "NO_ROUTE_TO_DESTINATION"
    assert closed.flows[0].blocker == table
