"""Policy checks (`routing.assertions`, `ec2sim check`): each assertion kind holding and
violated, with the counterexample's source, destination, port and path or blocking code."""
from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import boto3
import pytest

from api import mock_ec2
from helpers import EXAMPLES, ROOT, ec2sim_cli, load_example
from processes import running
from routing import assertions
from topology.provision import state

ANYWHERE = [{"CidrIp": "0.0.0.0/0"}]


def image(ec2: Any) -> str:
    return ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]


def launch(ec2: Any, subnet: str, group: str, name: str, public: bool = False) -> str:
    return ec2.run_instances(
        ImageId=image(ec2), MinCount=1, MaxCount=1, InstanceType="t3.micro",
        NetworkInterfaces=[{"DeviceIndex": 0, "SubnetId": subnet, "Groups": [group],
                            "AssociatePublicIpAddress": public}],
        TagSpecifications=[{"ResourceType": "instance",
                            "Tags": [{"Key": "Name", "Value": name}]}])["Instances"][0][
        "InstanceId"]


def allow(ec2: Any, group: str, port: int, **peer: Any) -> None:
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, **peer}])


@pytest.fixture
def net(mock: mock_ec2, ec2: Any) -> dict[str, Any]:
    """VPC a: a public web subnet (tier=web) behind an internet gateway, private app and
    data subnets (tier=app, tier=data); VPC b, unconnected, with one instance."""
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    public = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=public, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    out: dict[str, Any] = {"vpc": vpc, "igw": igw, "world": mock.world}
    for n, tier in enumerate(("web", "app", "data")):
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{n}.0/24", TagSpecifications=[
            {"ResourceType": "subnet", "Tags": [{"Key": "tier", "Value": tier}]}])[
            "Subnet"]["SubnetId"]
        if tier == "web":
            ec2.associate_route_table(RouteTableId=public, SubnetId=subnet)
        group = ec2.create_security_group(GroupName=tier, Description=tier, VpcId=vpc)[
            "GroupId"]
        out[f"{tier}-sg"] = group
        out[tier] = launch(ec2, subnet, group, tier, public=tier == "web")
    allow(ec2, out["web-sg"], 443, IpRanges=ANYWHERE)
    allow(ec2, out["data-sg"], 5432, UserIdGroupPairs=[{"GroupId": out["app-sg"]}])
    other = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=other, CidrBlock="10.1.0.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="b", Description="b", VpcId=other)["GroupId"]
    out.update({"other": other, "other-subnet": subnet, "other-sg": group,
                "b": launch(ec2, subnet, group, "b")})
    return out


def check(world: Any, **assertion: Any) -> assertions.Result:
    (result,) = assertions.evaluate(world, assertions.parse(
        {"assertions": [{"name": "it", **assertion}]}))
    return result


def only_example(result: assertions.Result) -> assertions.Counterexample:
    assert not result.passed and result.counterexamples
    return result.counterexamples[0]


# -- deny --------------------------------------------------------------------------------------
def test_deny_holds_when_nothing_opens_ssh(net):
    result = check(net["world"], deny={"from": "internet", "to": "instances", "port": 22})
    assert result.passed and result.checked == 4 and not result.counterexamples


def test_deny_fails_with_the_path_of_an_open_port(net, ec2):
    allow(ec2, net["web-sg"], 22, IpRanges=ANYWHERE)
    found = only_example(check(net["world"], deny={"from": "internet", "to": "instances",
                                                    "ports": [22]}))
    assert (found.source, found.destination, found.protocol, found.port) == (
        "internet", net["web"], "tcp", 22)
    assert found.reachable and found.path[0] == net["igw"] and found.path[-1] == net["web"]
    assert net["web-sg"] in found.path


# -- only --------------------------------------------------------------------------------------
def test_only_holds_when_data_admits_the_app_tier_alone(net):
    result = check(net["world"], only={"to": {"tag": {"tier": "data"}},
                                       "allowed": {"tag": {"tier": "app"}}, "port": 5432})
    assert result.passed and result.checked > 0


def test_only_fails_naming_the_outsider_that_gets_in(net, ec2):
    allow(ec2, net["data-sg"], 5432, IpRanges=[{"CidrIp": "10.0.0.0/16"}])
    result = check(net["world"], only={"to": {"tag": {"tier": "data"}},
                                       "allowed": {"tag": {"tier": "app"}}, "port": 5432})
    found = only_example(result)
    assert (found.source, found.destination, found.port) == (net["web"], net["data"], 5432)
    assert found.reachable and found.path[-1] == net["data"]
    assert result.violations == 1      # the app tier is allowed; the internet does not get in


# -- reach -------------------------------------------------------------------------------------
def test_reach_holds_for_the_public_web_tier(net):
    assert check(net["world"], reach={"from": {"tag": {"Name": "web"}}, "to": "internet",
                                      "port": 443}).passed


def test_reach_fails_with_the_blocking_component_and_code(net):
    found = only_example(check(net["world"], allow={"from": {"vpc": net["vpc"]},
                                                    "to": "internet", "port": 443}))
    assert found.source in (net["app"], net["data"]) and found.destination == "internet"
    assert found.port == 443 and not found.reachable
    assert found.code == "NO_ROUTE_TO_DESTINATION" and found.component.startswith("rtb-")


# -- isolated ----------------------------------------------------------------------------------
def test_isolated_holds_between_unconnected_vpcs(net):
    result = check(net["world"], isolated={"between": [{"vpc": net["vpc"]},
                                                       {"vpc": net["other"]}]})
    assert result.passed and result.checked == 6     # three instances in a, one in b, both ways


def test_isolated_fails_once_peered(net, ec2):
    pcx = ec2.create_vpc_peering_connection(VpcId=net["vpc"], PeerVpcId=net["other"])[
        "VpcPeeringConnection"]["VpcPeeringConnectionId"]
    ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    main = ec2.describe_route_tables(Filters=[
        {"Name": "vpc-id", "Values": [net["other"]]}])["RouteTables"][0]["RouteTableId"]
    ec2.create_route(RouteTableId=main, DestinationCidrBlock="10.0.0.0/16",
                     VpcPeeringConnectionId=pcx)
    tables = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [net["vpc"]]}])
    for table in tables["RouteTables"]:
        ec2.create_route(RouteTableId=table["RouteTableId"], DestinationCidrBlock="10.1.0.0/16",
                         VpcPeeringConnectionId=pcx)
    allow(ec2, net["other-sg"], 8080, IpRanges=[{"CidrIp": "10.0.0.0/16"}])
    found = only_example(check(net["world"], isolated={
        "between": [{"vpc": net["vpc"]}, {"vpc": net["other"]}]}))
    assert found.destination == net["b"] and found.reachable and pcx in found.path
    assert found.port is None and found.protocol == "-1"


# -- the policy format -------------------------------------------------------------------------
@pytest.mark.parametrize("bad", [
    {}, {"assertions": []}, {"assertions": [{"deny": {"from": "internet", "to": "instances"}}]},
    {"assertions": [{"name": "x", "deny": {"from": "internet"}}]},
    {"assertions": [{"name": "x", "deny": {"from": "moon", "to": "instances"}}]},
    {"assertions": [{"name": "x", "deny": {"from": "internet", "to": "instances",
                                           "port": 70000}}]},
    {"assertions": [{"name": "x", "deny": {}, "reach": {}}]},
    {"assertions": [{"name": "x", "isolated": {"between": [{"vpc": "vpc-1"}]}}]},
])
def test_a_malformed_policy_is_refused(bad):
    with pytest.raises(assertions.PolicyError):
        assertions.parse(bad)


# -- the command line --------------------------------------------------------------------------
def test_check_on_a_snapshot_exits_1_and_writes_junit(net, ec2, tmp_path):
    allow(ec2, net["web-sg"], 22, IpRanges=ANYWHERE)
    snapshot = tmp_path / "world.json"
    state.save(net["world"], snapshot)
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        "assertions:\n"
        "  - name: no ssh\n    deny: {from: internet, to: instances, port: 22}\n"
        "  - name: web out\n    reach: {from: {tag: {tier: web}}, to: internet, port: 443}\n")
    report = tmp_path / "out.xml"
    done = ec2sim_cli("check", str(policy), "--snapshot", str(snapshot), "--junit", str(report))
    assert done.returncode == 1, done.stderr
    assert "FAIL no ssh" in done.stdout and "PASS web out" in done.stdout
    assert f"internet -> {net['web']} tcp port 22: reachable via {net['igw']}" in done.stdout
    suite = ET.parse(report).getroot().find("testsuite")
    assert suite is not None and (suite.get("tests"), suite.get("failures")) == ("2", "1")
    cases = {c.get("name"): c for c in suite.findall("testcase")}
    failure = cases["no ssh"].find("failure")
    assert failure is not None and net["web"] in (failure.text or "")
    assert cases["web out"].find("failure") is None


def test_check_refuses_a_malformed_policy_with_status_2(tmp_path):
    policy = tmp_path / "policy.yaml"
    policy.write_text("assertions:\n  - name: x\n    deny: {from: moon, to: instances}\n")
    snapshot = tmp_path / "world.json"
    with mock_ec2() as mock:
        state.save(mock.world, snapshot)
    done = ec2sim_cli("check", str(policy), "--snapshot", str(snapshot))
    assert done.returncode == 2 and "malformed policy" in done.stderr and "moon" in done.stderr


def test_the_example_policy_holds_for_the_three_tier_example(tmp_path):
    three_tier = load_example("three_tier")
    with mock_ec2(seed=3) as mock:
        three_tier.build(boto3.client("ec2", region_name="us-east-1"))
        snapshot = tmp_path / "three_tier.json"
        state.save(mock.world, snapshot)
    done = ec2sim_cli("check", str(EXAMPLES / "policy.yaml"), "--snapshot", str(snapshot))
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("PASS ") == 6 and "6 passed, 0 failed" in done.stdout
    assert Path(ROOT / "docs" / "policies.md").exists()


POLICY = "assertions:\n  - name: no ssh\n    deny: {from: internet, to: instances, port: 22}\n"


@pytest.fixture
def open_ssh(net, ec2, tmp_path) -> tuple[Path, Path]:
    """(policy, snapshot) where the web server is open to SSH from anywhere."""
    allow(ec2, net["web-sg"], 22, IpRanges=ANYWHERE)
    snapshot, policy = tmp_path / "world.json", tmp_path / "policy.yaml"
    state.save(net["world"], snapshot)
    policy.write_text(POLICY)
    return policy, snapshot


def test_check_reads_a_serve_state_database(net, open_ssh, tmp_path):
    policy, snapshot = open_ssh
    database = tmp_path / "ec2sim.db"
    assert ec2sim_cli("snapshot", "load", str(snapshot), "--state", str(database)).returncode == 0
    done = ec2sim_cli("check", str(policy), "--state", str(database))
    assert done.returncode == 1 and f"internet -> {net['web']} tcp port 22" in done.stdout


def test_check_asks_a_running_server(net, open_ssh):
    policy, snapshot = open_ssh
    port = 18312
    with running([sys.executable, "-m", "api.cli", "serve", "--port", str(port)], port) as url:
        assert ec2sim_cli("snapshot", "load", str(snapshot), "--endpoint-url", url
                          ).returncode == 0
        done = ec2sim_cli("check", str(policy), "--endpoint-url", url)
    assert done.returncode == 1 and f"internet -> {net['web']} tcp port 22" in done.stdout


def test_check_without_a_policy_file_or_world_exits_2(tmp_path):
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY)
    done = ec2sim_cli("check", str(tmp_path / "absent.yaml"), "--snapshot", "x.json")
    assert done.returncode == 2 and "malformed policy" in done.stderr
    done = ec2sim_cli("check", str(policy), "--snapshot", str(tmp_path / "absent.json"))
    assert done.returncode == 2 and "InvalidState" in done.stderr


def test_check_prints_json(net, open_ssh):
    policy, snapshot = open_ssh
    done = ec2sim_cli("check", str(policy), "--snapshot", str(snapshot), "--format", "json")
    assert done.returncode == 1, done.stderr
    (answer,) = json.loads(done.stdout)
    assert (answer["name"], answer["kind"], answer["passed"], answer["violations"]) == (
        "no ssh", "deny", False, 1)
    example = answer["counterexamples"][0]
    assert (example["source"], example["destination"], example["port"]) == (
        "internet", net["web"], 22)
    assert example["reachable"] and example["path"][0] == net["igw"]


def test_a_security_group_selector_picks_its_members(net, ec2):
    allow(ec2, net["web-sg"], 22, IpRanges=ANYWHERE)
    assert check(net["world"], deny={"from": "internet",
                                     "to": {"security-group": net["app-sg"]}, "port": 22}).passed
    found = only_example(check(net["world"], deny={
        "from": "internet", "to": {"security-group": net["web-sg"]}, "port": 22}))
    assert found.destination == net["web"]


# -- CIDR selectors and port ranges ------------------------------------------------------------
def test_a_cidr_selector_picks_instances_by_address(net, ec2):
    assert not check(net["world"], deny={"from": "internet", "to": {"cidr": "10.0.0.0/24"},
                                         "port": 443}).passed      # the web subnet
    assert check(net["world"], deny={"from": "internet", "to": {"cidr": "10.0.1.0/24"},
                                     "port": 443}).passed          # the app subnet
    result = check(net["world"], isolated={"between": [{"cidr": "10.1.0.0/16"},
                                                       {"cidr": "10.0.0.0/16"}]})
    assert result.passed and result.checked == 6                   # b <-> web, app, data
    public = ec2.describe_instances(InstanceIds=[net["web"]])["Reservations"][0][
        "Instances"][0]["PublicIpAddress"]
    found = only_example(check(net["world"], deny={"from": "internet",
                                                   "to": {"cidr": f"{public}/32"}, "port": 443}))
    assert found.destination == net["web"]                          # by its public address


def test_a_port_range_names_the_first_open_port(net):
    found = only_example(check(net["world"], deny={"from": "internet", "to": "instances",
                                                   "ports": "400-500"}))
    assert (found.destination, found.port, found.reachable) == (net["web"], 443, True)
    assert check(net["world"], deny={"from": "internet", "to": "instances",
                                     "ports": ["444-65535", "0-442"]}).passed
    missing = only_example(check(net["world"], reach={"from": "internet",
                                                      "to": {"tag": {"tier": "web"}},
                                                      "ports": "440-445"}))
    assert (missing.port, missing.reachable, missing.code) == (
        440, False, "ENI_SG_RULES_MISMATCH")
    assert check(net["world"], reach={"from": "internet", "to": {"tag": {"tier": "web"}},
                                      "ports": ["443-443"]}).passed


@pytest.mark.parametrize("bad", [{"ports": "500-400"}, {"ports": "1-2-3"}, {"ports": [22, "x"]},
                                 {"ports": [1, 70000]}, {"to": {"cidr": "10.0.0.0"}},
                                 {"to": {"cidr": "10.0.0.0/33"}}])
def test_bad_ranges_and_blocks_are_refused(bad):
    with pytest.raises(assertions.PolicyError):
        assertions.parse({"assertions": [
            {"name": "x", "deny": {"from": "internet", "to": "instances", **bad}}]})


def test_routing_check_takes_a_policy_document(net):
    import routing
    (result,) = routing.check(net["world"], {"assertions": [
        {"name": "web", "reach": {"from": "internet", "to": {"tag": {"tier": "web"}},
                                  "port": 443}}]})
    assert result.passed and result.checked == 1
    with pytest.raises(routing.PolicyError):
        routing.check(net["world"], {"assertions": [{"name": "x"}]})


# -- evaluation by class -----------------------------------------------------------------------
@pytest.fixture
def crowd(net, ec2):
    """Six web and six app instances beside the three tiers: some with public addresses,
    one web instance admitted to the databases by its own /32 (so it differs from its class
    mates), a port range rule from web to app."""
    subnets = {t["Value"]: s["SubnetId"] for s in ec2.describe_subnets(
        Filters=[{"Name": "vpc-id", "Values": [net["vpc"]]}])["Subnets"] for t in s["Tags"]}
    made = []
    for n in range(6):
        made.append(launch(ec2, subnets["web"], net["web-sg"], f"web{n}", public=n % 2 == 0))
        made.append(launch(ec2, subnets["app"], net["app-sg"], f"app{n}"))
    special = ec2.describe_instances(InstanceIds=[made[2]])["Reservations"][0]["Instances"][0][
        "PrivateIpAddress"]
    allow(ec2, net["data-sg"], 5432, IpRanges=[{"CidrIp": f"{special}/32"}])
    ec2.authorize_security_group_ingress(GroupId=net["app-sg"], IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 8000, "ToPort": 8100,
         "UserIdGroupPairs": [{"GroupId": net["web-sg"]}]}])
    return {**net, "made": made, "special": made[2]}


CROWD_POLICY = {"assertions": [
    {"name": "no ssh", "deny": {"from": "internet", "to": "instances", "ports": [22, "444-450"]}},
    {"name": "data from app", "only": {"to": {"tag": {"tier": "data"}},
                                       "allowed": {"tag": {"tier": "app"}}, "port": 5432}},
    {"name": "web to app", "reach": {"from": {"tag": {"tier": "web"}},
                                     "to": {"tag": {"tier": "app"}}, "ports": "7990-8200"}},
    {"name": "web out", "reach": {"from": {"tag": {"tier": "web"}}, "to": "internet",
                                  "port": 443}},
    {"name": "apart", "isolated": {"between": [{"vpc": "VPC"}, {"cidr": "10.1.0.0/16"}]}},
]}


def test_class_evaluation_agrees_with_walking_every_pair(crowd):
    world = crowd["world"]
    policy = assertions.parse(json.loads(json.dumps(CROWD_POLICY).replace("VPC", crowd["vpc"])))
    context = assertions.Context(world)
    fast = [assertions.evaluate_one(context, a) for a in policy]
    slow = assertions.evaluate(world, policy, by_class=False)
    summary = [(r.assertion.name, r.passed, r.checked, r.violations) for r in fast]
    assert summary == [(r.assertion.name, r.passed, r.checked, r.violations) for r in slow]
    assert [s[1] for s in summary] == [True, False, False, False, True]
    outsider = next(r for r in fast if r.assertion.name == "data from app").counterexamples
    assert [(c.source, c.destination) for c in outsider] == [(crowd["special"], crowd["data"])]
    brute = assertions.Context(world, by_class=False)
    for a in policy:
        assertions.evaluate_one(brute, a)
    assert len(context.walks) * 3 < len(brute.walks)
    for r in fast:                  # every counterexample is true of its own pair
        for c in r.counterexamples:
            assert brute.walks[(c.source, c.destination, c.protocol, c.port)].reachable \
                == c.reachable


# -- over HTTP -----------------------------------------------------------------------------------
def test_post_check_on_a_running_server(net, open_ssh):
    import urllib.error
    import urllib.request
    policy, snapshot = open_ssh
    port = 18311

    def post(body: str, kind: str, query: str = "") -> tuple[int, Any]:
        request = urllib.request.Request(f"{url}/_ec2sim/check{query}", data=body.encode(),
                                         method="POST", headers={"Content-Type": kind})
        try:
            with urllib.request.urlopen(request) as answer:
                data = answer.read()
                return answer.status, data if query else json.loads(data)
        except urllib.error.HTTPError as err:
            return err.code, json.loads(err.read())

    with running([sys.executable, "-m", "api.cli", "serve", "--port", str(port)], port) as url:
        assert ec2sim_cli("snapshot", "load", str(snapshot), "--endpoint-url", url
                          ).returncode == 0
        status, answer = post(policy.read_text(), "application/yaml")
        assert status == 200 and answer["passed"] is False and answer["failed_count"] == 1
        (result,) = answer["results"]
        assert result["counterexamples"][0]["destination"] == net["web"]
        assert result["counterexamples"][0]["port"] == 22
        status, answer = post(json.dumps({"assertions": [{"name": "web", "reach": {
            "from": "internet", "to": {"tag": {"tier": "web"}}, "ports": "443"}}]}),
            "application/json")
        assert status == 200 and answer["passed"] is True and answer["passed_count"] == 1
        for bad in ("assertions: [{name: x, deny: {from: moon, to: instances}}]", "{", ""):
            status, answer = post(bad, "application/yaml")
            assert status == 400 and answer["error"]["code"] == "MalformedPolicy"
        assert "moon" in post("assertions: [{name: x, deny: {from: moon, to: instances}}]",
                              "text/plain")[1]["error"]["message"]
        status, xml = post(policy.read_text(), "application/yaml", "?format=junit")
        suite = ET.fromstring(xml).find("testsuite")
        assert status == 200 and suite is not None and suite.get("failures") == "1"
        assert post(policy.read_text(), "application/yaml", "?format=html")[0] == 400


# -- IPv6 --------------------------------------------------------------------------------------
def test_ipv6_assertions_see_what_ipv4_does_not(mock, ec2, tmp_path):
    """SSH open to ::/0 only: the IPv4 assertion holds, the IPv6 one names the way in."""
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"][
        "VpcId"]
    block = ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"][0]["Ipv6CidrBlockAssociationSet"][0][
        "Ipv6CidrBlock"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/24",
                               Ipv6CidrBlock=block.replace("/56", "/64"))["Subnet"]["SubnetId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    table = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}])[
        "RouteTables"][0]["RouteTableId"]
    ec2.create_route(RouteTableId=table, DestinationIpv6CidrBlock="::/0", GatewayId=igw)
    ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    group = ec2.create_security_group(GroupName="ssh6", Description="x", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
         "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}])
    made = ec2.run_instances(ImageId=image(ec2), MinCount=3, MaxCount=3, InstanceType="t3.micro",
                             NetworkInterfaces=[{"DeviceIndex": 0, "SubnetId": subnet,
                                                 "Groups": [group], "Ipv6AddressCount": 1,
                                                 "AssociatePublicIpAddress": True}])
    ids = sorted(i["InstanceId"] for i in made["Instances"])
    policy = {"assertions": [
        {"name": "v4", "deny": {"from": "internet", "to": "instances", "port": 22}},
        {"name": "v6", "deny": {"from": "internet", "to": "instances", "ports": "1-1024",
                                "ip_version": 6}}]}
    v4, v6 = assertions.check(mock.world, policy)
    assert v4.passed and v4.checked == 3
    assert not v6.passed and v6.violations == 3
    (found,) = v6.counterexamples                    # three alike instances: one class
    assert (found.source, found.port, found.ip_version) == ("internet", 22, 6)
    assert found.destination in ids and found.path[0] == igw and group in found.path
    brute = assertions.evaluate(mock.world, assertions.parse(policy), by_class=False)
    assert [(r.passed, r.checked, r.violations) for r in brute] == [(True, 3, 0), (False, 3, 3)]
    snapshot, path = tmp_path / "w.json", tmp_path / "p.yaml"
    state.save(mock.world, snapshot)
    path.write_text(json.dumps(policy))
    done = ec2sim_cli("check", str(path), "--snapshot", str(snapshot))
    assert done.returncode == 1 and "PASS v4" in done.stdout and "FAIL v6" in done.stdout
    assert "tcp port 22 over IPv6: reachable via " + igw in done.stdout
    with pytest.raises(assertions.PolicyError, match="ip_version"):
        assertions.parse({"assertions": [{"name": "x", "deny": {
            "from": "internet", "to": "instances", "ip_version": 5}}]})


def test_docstring_examples():
    import doctest
    failed, tried = doctest.testmod(assertions)
    assert failed == 0 and tried > 0


def test_a_plan_names_every_port_an_evaluation_walks(net, ec2):
    """What a planner (routing.distributed) walks ahead covers what the evaluation asks."""
    allow(ec2, net["web-sg"], 8000, IpRanges=ANYWHERE)
    context = assertions.Context(net["world"])
    (a,) = assertions.parse({"assertions": [{"name": "x", "deny": {
        "from": "internet", "to": "instances", "ports": "1-9000"}}]})
    planned = {p for span in a.ports for p in context.plan(a.protocol, span)}
    assert planned == {None, 1, 443, 444, 5432, 5433, 8000, 8001}
    assertions.evaluate_one(context, a)
    assert {port for (*_, port) in context.verdicts} <= planned
