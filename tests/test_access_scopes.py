"""Network Access Analyzer operations through boto3: access scopes, analyses and findings.

Scope evaluation is tested with a stand-in engine (reachable exactly where the test says);
the end-to-end test with the real `routing.reachability` skips until the engine is present.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest
from botocore.exceptions import ClientError

import routing
from topology.analysis import scope_evaluation
from helpers import default_igw, error

AMI = "ami-057c3ffbeeff55523"
IGW_TYPE = {"ResourceStatement": {"ResourceTypes": ["AWS::EC2::InternetGateway"]}}
ENI_TYPE = {"ResourceStatement": {"ResourceTypes": ["AWS::EC2::NetworkInterface"]}}


def ssh_from_internet(**extra: Any) -> dict[str, Any]:
    """The scope "what can the internet reach on port 22"."""
    return {"MatchPaths": [{"Source": IGW_TYPE, "Destination": {
        **ENI_TYPE, "PacketHeaderStatement": {"DestinationPorts": ["22"],
                                              "Protocols": ["tcp"]}}}], **extra}


def new_scope(ec2: Any, **params: Any) -> str:
    params = params or ssh_from_internet()
    return ec2.create_network_insights_access_scope(**params)["NetworkInsightsAccessScope"][
        "NetworkInsightsAccessScopeId"]


def new_eni(ec2: Any, subnet: str | None = None) -> str:
    subnet = subnet or ec2.describe_subnets()["Subnets"][0]["SubnetId"]
    return ec2.create_network_interface(SubnetId=subnet)["NetworkInterface"][
        "NetworkInterfaceId"]


@dataclass
class FakeAnalysis:
    network_path_found: bool
    forward_path: list[dict[str, Any]] = field(default_factory=list)
    return_path: list[dict[str, Any]] = field(default_factory=list)
    explanations: list[dict[str, Any]] = field(default_factory=list)


class Engine:
    """A stand-in engine: `open` holds the (source, destination, port) triples that are
    reachable (port None: any); it records every question."""

    def __init__(self) -> None:
        self.open: set[tuple[str, str, int | None]] = set()
        self.asked: list[tuple[str, str, dict[str, Any]]] = []

    def __call__(self, world: Any, source: str, destination: str | None = None, **kw: Any):
        self.asked.append((source, destination, kw))
        port = kw.get("destination_port")
        if (source, destination, port) in self.open or (source, destination, None) in self.open:
            hops = [{"SequenceNumber": 1, "Component": {"Id": source}},
                    {"SequenceNumber": 2, "Component": {"Id": destination}}]
            return FakeAnalysis(True, hops)
        return FakeAnalysis(False, explanations=[{"ExplanationCode": "NO_PATH"}])


@pytest.fixture
def engine(monkeypatch: pytest.MonkeyPatch) -> Engine:
    fake = Engine()
    monkeypatch.setattr(routing, "reachability", fake, raising=False)
    return fake


def run(ec2: Any, scope_id: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Start an analysis; its described state and all its findings."""
    started = ec2.start_network_insights_access_scope_analysis(
        NetworkInsightsAccessScopeId=scope_id)["NetworkInsightsAccessScopeAnalysis"]
    analysis_id = started["NetworkInsightsAccessScopeAnalysisId"]
    described = ec2.describe_network_insights_access_scope_analyses(
        NetworkInsightsAccessScopeAnalysisIds=[analysis_id])[
        "NetworkInsightsAccessScopeAnalyses"][0]
    findings = ec2.get_network_insights_access_scope_analysis_findings(
        NetworkInsightsAccessScopeAnalysisId=analysis_id)["AnalysisFindings"]
    return described, findings


# -- scopes ----------------------------------------------------------------------------------
def test_create_scope_answers_scope_and_content(ec2):
    answer = ec2.create_network_insights_access_scope(
        **ssh_from_internet(ExcludePaths=[{"Destination": {"ResourceStatement": {
            "Resources": ["eni-0123456789abcdef0"]}}}]),
        TagSpecifications=[{"ResourceType": "network-insights-access-scope",
                            "Tags": [{"Key": "Name", "Value": "ssh"}]}])
    scope, content = answer["NetworkInsightsAccessScope"], answer[
        "NetworkInsightsAccessScopeContent"]
    scope_id = scope["NetworkInsightsAccessScopeId"]
    assert scope_id.startswith("nis-")
    assert scope["NetworkInsightsAccessScopeArn"] == (
        f"arn:aws:ec2:us-east-1:123456789012:network-insights-access-scope/{scope_id}")
    assert scope["CreatedDate"] == scope["UpdatedDate"]
    assert scope["Tags"] == [{"Key": "Name", "Value": "ssh"}]
    assert content["NetworkInsightsAccessScopeId"] == scope_id
    assert content["MatchPaths"] == ssh_from_internet()["MatchPaths"]
    assert content["ExcludePaths"] == [{"Destination": {"ResourceStatement": {
        "Resources": ["eni-0123456789abcdef0"]}}}]
    again = ec2.get_network_insights_access_scope_content(NetworkInsightsAccessScopeId=scope_id)
    assert again["NetworkInsightsAccessScopeContent"] == content


def test_through_resources_are_kept(ec2):
    scope_id = new_scope(ec2, MatchPaths=[{"Source": ENI_TYPE, "Destination": IGW_TYPE,
                                           "ThroughResources": [{"ResourceStatement": {
                                               "ResourceTypes": ["AWS::EC2::NatGateway"]}}]}])
    content = ec2.get_network_insights_access_scope_content(
        NetworkInsightsAccessScopeId=scope_id)["NetworkInsightsAccessScopeContent"]
    assert content["MatchPaths"][0]["ThroughResources"] == [
        {"ResourceStatement": {"ResourceTypes": ["AWS::EC2::NatGateway"]}}]
    assert "ExcludePaths" not in content


@pytest.mark.parametrize("params, code", [
    ({}, "MissingParameter"),
    ({"MatchPaths": [{"Source": {"ResourceStatement": {"ResourceTypes": ["AWS::EC2::Foo"]}}}]},
     "InvalidParameterValue"),
    ({"MatchPaths": [{"Source": {"ResourceStatement": {
        "ResourceTypes": ["AWS::EC2::NatGateway"]}}}]}, "InvalidParameterValue"),
    ({"MatchPaths": [{"Source": {"ResourceStatement": {
        "ResourceTypes": ["AWS::EC2::InternetGateway"], "Resources": ["igw-12345678"]}}}]},
     "InvalidParameterCombination"),
    ({"MatchPaths": [{"Source": {"ResourceStatement": {"Resources": ["bogus-1"]}}}]},
     "InvalidParameterValue"),
    ({"MatchPaths": [{"Destination": {"PacketHeaderStatement": {
        "DestinationPorts": ["70000"]}}}]}, "InvalidParameterValue"),
    ({"MatchPaths": [{"Destination": {"PacketHeaderStatement": {
        "DestinationPorts": ["443-80"]}}}]}, "InvalidParameterValue"),
    ({"MatchPaths": [{"Source": {"PacketHeaderStatement": {
        "SourceAddresses": ["10.0.0.0/33"]}}}]}, "InvalidParameterValue"),
    ({"MatchPaths": [{"Source": {"PacketHeaderStatement": {
        "SourceAddresses": ["10.0.0.0/8"], "SourcePrefixLists": ["pl-12345678"]}}}]},
     "InvalidParameterCombination"),
    ({"MatchPaths": [{"ThroughResources": [{"ResourceStatement": {
        "ResourceTypes": ["AWS::EC2::InternetGateway"]}}]}]}, "InvalidParameterValue"),
])
def test_create_scope_rejects_bad_content(ec2, params, code):
    with pytest.raises(ClientError) as exc:
        ec2.create_network_insights_access_scope(**params)
    assert error(exc)[0] == code
    assert ec2.describe_network_insights_access_scopes()["NetworkInsightsAccessScopes"] == []


def test_dry_run_and_client_token(ec2):
    with pytest.raises(ClientError) as exc:
        ec2.create_network_insights_access_scope(**ssh_from_internet(), DryRun=True)
    assert error(exc)[0] == "DryRunOperation"
    assert ec2.describe_network_insights_access_scopes()["NetworkInsightsAccessScopes"] == []
    one = new_scope(ec2, **ssh_from_internet(ClientToken="t1"))
    assert new_scope(ec2, **ssh_from_internet(ClientToken="t1")) == one
    with pytest.raises(ClientError) as exc:
        new_scope(ec2, MatchPaths=[{"Source": ENI_TYPE}], ClientToken="t1")
    assert error(exc)[0] == "IdempotentParameterMismatch"


def test_describe_scopes(ec2):
    first, second = new_scope(ec2), new_scope(ec2, **ssh_from_internet(TagSpecifications=[
        {"ResourceType": "network-insights-access-scope", "Tags": [{"Key": "t", "Value": "1"}]}]))

    def ids(**kw: Any) -> list[str]:
        return [s["NetworkInsightsAccessScopeId"] for s in
                ec2.describe_network_insights_access_scopes(**kw)["NetworkInsightsAccessScopes"]]
    assert ids() == [first, second]
    assert ids(NetworkInsightsAccessScopeIds=[second]) == [second]
    assert ids(Filters=[{"Name": "tag:t", "Values": ["1"]}]) == [second]
    page = ec2.describe_network_insights_access_scopes(MaxResults=1)
    assert [s["NetworkInsightsAccessScopeId"] for s in page["NetworkInsightsAccessScopes"]] == [
        first]
    assert ids(MaxResults=1, NextToken=page["NextToken"]) == [second]
    with pytest.raises(ClientError) as exc:
        ids(NetworkInsightsAccessScopeIds=["nis-0123456789abcdef0"])
    assert error(exc) == ("InvalidNetworkInsightsAccessScopeId.NotFound",
                          "The networkInsightsAccessScope ID 'nis-0123456789abcdef0' does not "
                          "exist")
    with pytest.raises(ClientError) as exc:
        ec2.get_network_insights_access_scope_content(NetworkInsightsAccessScopeId="nis-1")
    assert error(exc)[0] == "InvalidNetworkInsightsAccessScopeId.Malformed"


def test_delete_scope_takes_its_analyses(ec2, engine):
    scope_id = new_scope(ec2)
    run(ec2, scope_id)
    answer = ec2.delete_network_insights_access_scope(NetworkInsightsAccessScopeId=scope_id)
    assert answer["NetworkInsightsAccessScopeId"] == scope_id
    assert ec2.describe_network_insights_access_scopes()["NetworkInsightsAccessScopes"] == []
    assert ec2.describe_network_insights_access_scope_analyses()[
        "NetworkInsightsAccessScopeAnalyses"] == []
    with pytest.raises(ClientError) as exc:
        ec2.delete_network_insights_access_scope(NetworkInsightsAccessScopeId=scope_id)
    assert error(exc)[0] == "InvalidNetworkInsightsAccessScopeId.NotFound"


# -- analyses and findings (stand-in engine) ---------------------------------------------------
def test_internet_to_port_22_finds_the_open_interface(ec2, engine):
    igw = default_igw(ec2)
    open_eni, closed_eni = new_eni(ec2), new_eni(ec2)
    engine.open.add((igw, open_eni, 22))
    scope_id = new_scope(ec2)
    started = ec2.start_network_insights_access_scope_analysis(
        NetworkInsightsAccessScopeId=scope_id, TagSpecifications=[
            {"ResourceType": "network-insights-access-scope-analysis",
             "Tags": [{"Key": "run", "Value": "1"}]}])["NetworkInsightsAccessScopeAnalysis"]
    assert started["Status"] == "running" and "FindingsFound" not in started
    analysis_id = started["NetworkInsightsAccessScopeAnalysisId"]
    assert analysis_id.startswith("nisa-")
    described = ec2.describe_network_insights_access_scope_analyses(
        NetworkInsightsAccessScopeId=scope_id)["NetworkInsightsAccessScopeAnalyses"]
    assert len(described) == 1
    done = described[0]
    assert (done["Status"], done["FindingsFound"]) == ("succeeded", "true")
    assert done["AnalyzedEniCount"] == len(ec2.describe_network_interfaces()["NetworkInterfaces"])
    assert done["EndDate"] >= done["StartDate"] and done["Tags"] == [{"Key": "run", "Value": "1"}]
    answer = ec2.get_network_insights_access_scope_analysis_findings(
        NetworkInsightsAccessScopeAnalysisId=analysis_id)
    assert answer["AnalysisStatus"] == "succeeded"
    (finding,) = answer["AnalysisFindings"]
    assert finding["NetworkInsightsAccessScopeAnalysisId"] == analysis_id
    assert finding["NetworkInsightsAccessScopeId"] == scope_id
    assert finding["FindingId"]
    assert [c["Component"]["Id"] for c in finding["FindingComponents"]] == [igw, open_eni]
    asked = {(s, d, kw["protocol"], kw["destination_port"]) for s, d, kw in engine.asked}
    assert asked == {(igw, open_eni, "tcp", 22), (igw, closed_eni, "tcp", 22)}


def test_no_findings(ec2, engine):
    new_eni(ec2)
    done, findings = run(ec2, new_scope(ec2))
    assert (done["Status"], done["FindingsFound"], findings) == ("succeeded", "false", [])


def test_exclude_paths_remove_findings(ec2, engine):
    igw, first, second = default_igw(ec2), new_eni(ec2), new_eni(ec2)
    engine.open |= {(igw, first, 22), (igw, second, 22)}
    scope_id = new_scope(ec2, **ssh_from_internet(ExcludePaths=[
        {"Destination": {"ResourceStatement": {"Resources": [second]}}}]))
    _, findings = run(ec2, scope_id)
    assert [f["FindingComponents"][-1]["Component"]["Id"] for f in findings] == [first]
    # an exclusion whose packet header does not cover the finding leaves it
    scope_id = new_scope(ec2, **ssh_from_internet(ExcludePaths=[
        {"Destination": {"PacketHeaderStatement": {"DestinationPorts": ["443"]}}}]))
    _, findings = run(ec2, scope_id)
    assert len(findings) == 2


def test_through_resources_must_be_on_the_path(ec2, engine):
    igw, eni = default_igw(ec2), new_eni(ec2)
    engine.open.add((eni, igw, None))
    through_nat = {"MatchPaths": [{"Source": ENI_TYPE, "Destination": IGW_TYPE,
                                   "ThroughResources": [{"ResourceStatement": {
                                       "ResourceTypes": ["AWS::EC2::NatGateway"]}}]}]}
    assert run(ec2, new_scope(ec2, **through_nat))[1] == []
    through_igw_itself = {"MatchPaths": [{"Source": ENI_TYPE, "Destination": IGW_TYPE,
                                          "ThroughResources": [{"ResourceStatement": {
                                              "Resources": [igw]}}]}]}
    findings = run(ec2, new_scope(ec2, **through_igw_itself))[1]
    assert len(findings) == 2              # one per protocol: the scope names none


def test_port_ranges_are_probed(ec2, engine):
    igw, eni = default_igw(ec2), new_eni(ec2)
    engine.open.add((igw, eni, 22))
    scope_id = new_scope(ec2, MatchPaths=[{"Source": IGW_TYPE, "Destination": {
        "ResourceStatement": {"Resources": [eni]},
        "PacketHeaderStatement": {"DestinationPorts": ["20-25"]}}}])
    _, findings = run(ec2, scope_id)
    assert len(findings) == 2              # port 22, over tcp and over udp
    ports = {kw["destination_port"] for _, _, kw in engine.asked}
    protocols = {kw["protocol"] for _, _, kw in engine.asked}
    assert ports == {20, 22, 25} and protocols == {"tcp", "udp"}


def test_gateways_pair_only_with_their_vpc(ec2, engine):
    vpc = ec2.create_vpc(CidrBlock="10.5.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.5.1.0/24")["Subnet"]["SubnetId"]
    elsewhere, home = new_eni(ec2, subnet), new_eni(ec2)
    run(ec2, new_scope(ec2))
    destinations = {d for _, d, _ in engine.asked}
    assert home in destinations and elsewhere not in destinations


def test_source_addresses_choose_interfaces(ec2, engine):
    first, second = new_eni(ec2), new_eni(ec2)
    ip = ec2.describe_network_interfaces(NetworkInterfaceIds=[first])["NetworkInterfaces"][0][
        "PrivateIpAddress"]
    engine.open.add((first, second, None))
    scope_id = new_scope(ec2, MatchPaths=[{
        "Source": {**ENI_TYPE, "PacketHeaderStatement": {"SourceAddresses": [f"{ip}/32"]}},
        "Destination": {"ResourceStatement": {"Resources": [second]}}}])
    _, findings = run(ec2, scope_id)
    assert len(findings) == 2            # tcp and udp, any port
    assert {s for s, _, _ in engine.asked} == {first}
    assert {kw["source_ip"] for _, _, kw in engine.asked} == {ip}


def test_findings_are_paged(ec2, engine):
    igw = default_igw(ec2)
    for _ in range(3):
        engine.open.add((igw, new_eni(ec2), 22))
    started = ec2.start_network_insights_access_scope_analysis(
        NetworkInsightsAccessScopeId=new_scope(ec2))["NetworkInsightsAccessScopeAnalysis"]
    analysis_id = started["NetworkInsightsAccessScopeAnalysisId"]
    first = ec2.get_network_insights_access_scope_analysis_findings(
        NetworkInsightsAccessScopeAnalysisId=analysis_id, MaxResults=2)
    rest = ec2.get_network_insights_access_scope_analysis_findings(
        NetworkInsightsAccessScopeAnalysisId=analysis_id, MaxResults=2,
        NextToken=first["NextToken"])
    assert len(first["AnalysisFindings"]) == 2 and len(rest["AnalysisFindings"]) == 1
    assert "NextToken" not in rest
    ids = {f["FindingId"] for f in first["AnalysisFindings"] + rest["AnalysisFindings"]}
    assert len(ids) == 3
    with pytest.raises(ClientError) as exc:
        ec2.get_network_insights_access_scope_analysis_findings(
            NetworkInsightsAccessScopeAnalysisId=analysis_id, NextToken="garbage")
    assert error(exc)[0] == "InvalidPaginationToken"


def test_scope_analyses_describe_and_delete(ec2, engine):
    scope_a, scope_b = new_scope(ec2), new_scope(ec2)
    one = ec2.start_network_insights_access_scope_analysis(
        NetworkInsightsAccessScopeId=scope_a)["NetworkInsightsAccessScopeAnalysis"]
    two = ec2.start_network_insights_access_scope_analysis(
        NetworkInsightsAccessScopeId=scope_b)["NetworkInsightsAccessScopeAnalysis"]

    def ids(**kw: Any) -> list[str]:
        return [a["NetworkInsightsAccessScopeAnalysisId"] for a in
                ec2.describe_network_insights_access_scope_analyses(**kw)[
                    "NetworkInsightsAccessScopeAnalyses"]]
    a, b = one["NetworkInsightsAccessScopeAnalysisId"], two["NetworkInsightsAccessScopeAnalysisId"]
    assert ids() == [a, b]
    assert ids(NetworkInsightsAccessScopeId=scope_b) == [b]
    later = two["StartDate"] + dt.timedelta(seconds=5)
    assert ids(AnalysisStartTimeBegin=later) == []
    assert ids(AnalysisStartTimeEnd=later) == [a, b]
    assert ids(AnalysisStartTimeBegin=one["StartDate"], AnalysisStartTimeEnd=later) == [a, b]
    with pytest.raises(ClientError) as exc:
        ids(NetworkInsightsAccessScopeAnalysisIds=["nisa-0123456789abcdef0"])
    assert error(exc) == ("InvalidNetworkInsightsAccessScopeAnalysisId.NotFound",
                          "The networkInsightsAccessScopeAnalysis ID 'nisa-0123456789abcdef0' "
                          "does not exist")
    answer = ec2.delete_network_insights_access_scope_analysis(
        NetworkInsightsAccessScopeAnalysisId=a)
    assert answer["NetworkInsightsAccessScopeAnalysisId"] == a
    assert ids() == [b]
    with pytest.raises(ClientError) as exc:
        ec2.get_network_insights_access_scope_analysis_findings(
            NetworkInsightsAccessScopeAnalysisId=a)
    assert error(exc)[0] == "InvalidNetworkInsightsAccessScopeAnalysisId.NotFound"


def test_start_on_unknown_scope_changes_nothing(ec2, engine):
    with pytest.raises(ClientError) as exc:
        ec2.start_network_insights_access_scope_analysis(
            NetworkInsightsAccessScopeId="nis-0123456789abcdef0")
    assert error(exc)[0] == "InvalidNetworkInsightsAccessScopeId.NotFound"
    scope_id = new_scope(ec2)
    with pytest.raises(ClientError) as exc:
        ec2.start_network_insights_access_scope_analysis(NetworkInsightsAccessScopeId=scope_id,
                                                         DryRun=True)
    assert error(exc)[0] == "DryRunOperation"
    assert ec2.describe_network_insights_access_scope_analyses()[
        "NetworkInsightsAccessScopeAnalyses"] == []
    assert engine.asked == []


def test_budget_stops_the_evaluation_with_a_warning(mock, ec2):
    igw = default_igw(ec2)
    enis = [new_eni(ec2) for _ in range(3)]
    fake = Engine()
    fake.open.add((igw, enis[0], 22))
    scope_id = new_scope(ec2)
    part = mock.world.partition("123456789012", "us-east-1")
    outcome = scope_evaluation.evaluate(mock.world, part, scope_id, fake, budget=2)
    assert outcome.calls == 2 and outcome.warning and "2" in outcome.warning
    assert len(outcome.findings) == 1


def test_over_budget_groups_alike_interfaces(mock, ec2):
    igw = default_igw(ec2)
    enis = [new_eni(ec2) for _ in range(4)]     # one subnet, one group: one signature
    fake = Engine()
    scope_id = new_scope(ec2)
    part = mock.world.partition("123456789012", "us-east-1")
    outcome = scope_evaluation.evaluate(mock.world, part, scope_id, fake, budget=3)
    assert outcome.calls == 1 and outcome.warning is None   # the representative said no
    fake.open |= {(igw, e, 22) for e in enis}
    fake.asked.clear()
    outcome = scope_evaluation.evaluate(mock.world, part, scope_id, fake, budget=3)
    assert outcome.calls == 3 and outcome.warning is not None and len(outcome.findings) == 3


def test_scopes_against_the_server(server_ec2):
    scope_id = new_scope(server_ec2)
    content = server_ec2.get_network_insights_access_scope_content(
        NetworkInsightsAccessScopeId=scope_id)["NetworkInsightsAccessScopeContent"]
    assert content["MatchPaths"] == ssh_from_internet()["MatchPaths"]
    server_ec2.delete_network_insights_access_scope(NetworkInsightsAccessScopeId=scope_id)
    assert server_ec2.describe_network_insights_access_scopes()[
        "NetworkInsightsAccessScopes"] == []


# -- the real engine ---------------------------------------------------------------------------
@pytest.mark.skipif(not hasattr(routing, "reachability"),
                    reason="routing.reachability is not there yet")
@pytest.mark.parametrize("client", ["ec2", "server_ec2"])
def test_ssh_from_the_internet_with_the_engine(client, request):
    ec2 = request.getfixturevalue(client)
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    group = ec2.create_security_group(GroupName="ssh", Description="ssh", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    open_one = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, InstanceType="t3.micro",
                                 SecurityGroupIds=[group])["Instances"][0]
    ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, InstanceType="t3.micro")
    done, findings = run(ec2, new_scope(ec2))
    assert done["Status"] == "succeeded" and done["FindingsFound"] == "true"
    ends = {f["FindingComponents"][-1]["Component"]["Id"] for f in findings}
    eni = open_one["NetworkInterfaces"][0]["NetworkInterfaceId"]
    assert ends & {eni, open_one["InstanceId"]}
    assert len(findings) == 1
