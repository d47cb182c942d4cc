"""Reachability Analyzer operations through boto3: network insights paths and analyses.

The analysis plumbing (what is stored, what the engine is asked, FilterInArns) is tested with
a stand-in engine; the end-to-end tests with the real `routing.reachability` skip until the
engine is present.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest
from botocore.exceptions import ClientError

import routing
from helpers import default_igw, error

AMI = "ami-057c3ffbeeff55523"          # al2023 x86_64, public catalogue of us-east-1
OTHER = "111122223333"


def new_eni(ec2: Any) -> str:
    subnet = ec2.describe_subnets()["Subnets"][0]["SubnetId"]
    return ec2.create_network_interface(SubnetId=subnet)["NetworkInterface"][
        "NetworkInterfaceId"]


def new_path(ec2: Any, **extra: Any) -> dict[str, Any]:
    args = {"Source": default_igw(ec2), "Destination": new_eni(ec2), "Protocol": "tcp", **extra}
    return ec2.create_network_insights_path(**args)["NetworkInsightsPath"]


@dataclass
class FakeAnalysis:
    network_path_found: bool
    forward_path: list[dict[str, Any]] = field(default_factory=list)
    return_path: list[dict[str, Any]] = field(default_factory=list)
    explanations: list[dict[str, Any]] = field(default_factory=list)


@pytest.fixture
def engine(monkeypatch: pytest.MonkeyPatch) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    """A stand-in reachability engine: reachable through the source and destination only;
    records what it was asked."""
    calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = []

    def reachability(world: Any, source: str, destination: str | None = None, **kw: Any):
        calls.append(((source, destination), kw))
        hops = [{"SequenceNumber": n, "Component": {"Id": rid}}
                for n, rid in enumerate([source, destination], 1) if rid]
        return FakeAnalysis(True, hops, list(reversed(hops)))
    monkeypatch.setattr(routing, "reachability", reachability, raising=False)
    return calls


real_engine = pytest.mark.skipif(not hasattr(routing, "reachability"),
                                 reason="routing.reachability is not there yet")


# -- create ---------------------------------------------------------------------------------
def test_create_path_answers_aws_shape(ec2):
    igw, eni = default_igw(ec2), new_eni(ec2)
    path = ec2.create_network_insights_path(
        Source=igw, Destination=eni, Protocol="tcp", DestinationPort=22,
        TagSpecifications=[{"ResourceType": "network-insights-path",
                            "Tags": [{"Key": "Name", "Value": "ssh"}]}])["NetworkInsightsPath"]
    assert path["NetworkInsightsPathId"].startswith("nip-")
    assert path["NetworkInsightsPathArn"] == (
        f"arn:aws:ec2:us-east-1:123456789012:network-insights-path/{path['NetworkInsightsPathId']}")
    assert (path["Source"], path["Destination"], path["Protocol"], path["DestinationPort"]) == (
        igw, eni, "tcp", 22)
    assert path["SourceArn"] == f"arn:aws:ec2:us-east-1:123456789012:internet-gateway/{igw}"
    assert path["DestinationArn"].endswith(f":network-interface/{eni}")
    assert path["Tags"] == [{"Key": "Name", "Value": "ssh"}]
    assert isinstance(path["CreatedDate"], dt.datetime)
    assert "SourceIp" not in path and "FilterAtSource" not in path


def test_source_by_arn_is_stored_as_its_id(ec2):
    igw = default_igw(ec2)
    arn = f"arn:aws:ec2:us-east-1:123456789012:internet-gateway/{igw}"
    path = new_path(ec2, Source=arn)
    assert (path["Source"], path["SourceArn"]) == (igw, arn)


def test_destination_address_without_destination(ec2):
    eni = new_eni(ec2)
    path = ec2.create_network_insights_path(
        Source=eni, Protocol="udp",
        FilterAtSource={"DestinationAddress": "8.8.8.8",
                        "DestinationPortRange": {"FromPort": 53, "ToPort": 53}})[
        "NetworkInsightsPath"]
    assert "Destination" not in path
    assert path["FilterAtSource"] == {"DestinationAddress": "8.8.8.8",
                                      "DestinationPortRange": {"FromPort": 53, "ToPort": 53}}


def test_destination_ip_alone_is_not_a_destination(ec2):
    # AWS (seen through terraform's provider): DestinationIp does not replace Destination
    with pytest.raises(ClientError) as exc:
        ec2.create_network_insights_path(Source=new_eni(ec2), Protocol="tcp",
                                         DestinationIp="10.0.0.1", DestinationPort=443)
    assert error(exc) == (
        "MissingParameter", "The request must include either the Destination parameter or the "
        "FilterAtSource.DestinationAddress parameter. Add the required parameter and retry the "
        "request.")
    assert ec2.describe_network_insights_paths()["NetworkInsightsPaths"] == []


@pytest.mark.parametrize("extra", [
    {"SourceIp": "10.0.0.5", "FilterAtSource": {"SourceAddress": "10.0.0.6"}},
    {"DestinationPort": 22, "FilterAtSource": {"SourceAddress": "10.0.0.6"}},
    {"DestinationIp": "172.31.0.9", "FilterAtDestination": {"DestinationAddress": "172.31.0.9"}},
])
def test_filters_exclude_their_plain_counterparts(ec2, extra):
    with pytest.raises(ClientError) as exc:
        new_path(ec2, **extra)
    assert error(exc)[0] == "InvalidParameterCombination"
    assert ec2.describe_network_insights_paths()["NetworkInsightsPaths"] == []


def test_unknown_and_malformed_sources(ec2):
    eni = new_eni(ec2)
    with pytest.raises(ClientError) as exc:
        ec2.create_network_insights_path(Source="i-0123456789abcdef0", Destination=eni,
                                         Protocol="tcp")
    assert error(exc) == ("InvalidInstanceID.NotFound",
                          "The instance ID 'i-0123456789abcdef0' does not exist")
    with pytest.raises(ClientError) as exc:
        ec2.create_network_insights_path(Source=eni, Destination="igw-nothex", Protocol="tcp")
    assert error(exc)[0] == "InvalidInternetGatewayID.Malformed"


@pytest.mark.parametrize("source", [
    "subnet", "nonsense", "arn:aws:ec2:us-east-1:123456789012:subnet/subnet-0123456789abcdef0"])
def test_unsupported_source_types(ec2, source):
    if source == "subnet":
        source = ec2.describe_subnets()["Subnets"][0]["SubnetId"]
    with pytest.raises(ClientError) as exc:
        ec2.create_network_insights_path(Source=source, Destination=new_eni(ec2), Protocol="tcp")
    code, message = error(exc)
    assert code == "InvalidParameterValue" and source in message and "Source" in message


def test_bad_addresses_and_port_ranges(ec2):
    with pytest.raises(ClientError) as exc:
        new_path(ec2, SourceIp="10.0.0.300")
    assert error(exc)[0] == "InvalidParameterValue" and "10.0.0.300" in error(exc)[1]
    with pytest.raises(ClientError) as exc:
        new_path(ec2, FilterAtDestination={"DestinationPortRange": {"FromPort": 90, "ToPort": 80}})
    assert error(exc)[0] == "InvalidParameterValue"


def test_same_source_and_destination_is_refused(ec2):
    eni = new_eni(ec2)
    with pytest.raises(ClientError) as exc:
        ec2.create_network_insights_path(Source=eni, Destination=eni, Protocol="tcp")
    assert error(exc)[0] == "InvalidParameterValue"


def test_other_accounts_resources_by_arn_only(ec2):
    import boto3

    other = boto3.client("ec2", region_name="us-east-1", aws_access_key_id=OTHER,
                         aws_secret_access_key="x")
    their_eni = new_eni(other)
    mine = new_eni(ec2)
    with pytest.raises(ClientError) as exc:
        ec2.create_network_insights_path(Source=mine, Destination=their_eni, Protocol="tcp")
    assert error(exc)[0] == "InvalidNetworkInterfaceID.NotFound"
    arn = f"arn:aws:ec2:us-east-1:{OTHER}:network-interface/{their_eni}"
    path = ec2.create_network_insights_path(Source=mine, Destination=arn, Protocol="tcp")[
        "NetworkInsightsPath"]
    assert (path["Destination"], path["DestinationArn"]) == (their_eni, arn)
    with pytest.raises(ClientError) as exc:     # the ARN must name the right account
        ec2.create_network_insights_path(Source=mine, Protocol="tcp", Destination=arn.replace(
            OTHER, "123456789012"))
    assert error(exc)[0] == "InvalidNetworkInterfaceID.NotFound"


def test_dry_run_and_client_token(ec2):
    igw, eni = default_igw(ec2), new_eni(ec2)
    with pytest.raises(ClientError) as exc:
        ec2.create_network_insights_path(Source=igw, Destination=eni, Protocol="tcp",
                                         DryRun=True)
    assert error(exc)[0] == "DryRunOperation"
    assert ec2.describe_network_insights_paths()["NetworkInsightsPaths"] == []
    first = ec2.create_network_insights_path(Source=igw, Destination=eni, Protocol="tcp",
                                             ClientToken="tok")["NetworkInsightsPath"]
    again = ec2.create_network_insights_path(Source=igw, Destination=eni, Protocol="tcp",
                                             ClientToken="tok")["NetworkInsightsPath"]
    assert first["NetworkInsightsPathId"] == again["NetworkInsightsPathId"]
    with pytest.raises(ClientError) as exc:
        ec2.create_network_insights_path(Source=igw, Destination=eni, Protocol="udp",
                                         ClientToken="tok")
    assert error(exc)[0] == "IdempotentParameterMismatch"
    assert len(ec2.describe_network_insights_paths()["NetworkInsightsPaths"]) == 1


# -- describe / delete paths ------------------------------------------------------------------
def test_describe_paths_filters(ec2):
    igw, eni = default_igw(ec2), new_eni(ec2)
    ssh = ec2.create_network_insights_path(Source=igw, Destination=eni, Protocol="tcp",
                                           DestinationPort=22)["NetworkInsightsPath"]
    dns = ec2.create_network_insights_path(
        Source=eni, Protocol="udp", FilterAtSource={
            "DestinationAddress": "8.8.8.8",
            "DestinationPortRange": {"FromPort": 53, "ToPort": 53}},
        TagSpecifications=[{"ResourceType": "network-insights-path",
                            "Tags": [{"Key": "team", "Value": "net"}]}])["NetworkInsightsPath"]

    def ids(*filters: tuple[str, list[str]]) -> list[str]:
        found = ec2.describe_network_insights_paths(
            Filters=[{"Name": n, "Values": v} for n, v in filters])["NetworkInsightsPaths"]
        return [p["NetworkInsightsPathId"] for p in found]
    one, two = ssh["NetworkInsightsPathId"], dns["NetworkInsightsPathId"]
    assert ids(("source", [igw])) == [one]
    assert ids(("source", [eni])) == [two]
    assert ids(("destination", [eni])) == [one]
    assert ids(("destination", [ssh["DestinationArn"]])) == [one]
    assert ids(("protocol", ["udp"])) == [two]
    assert ids(("destination-port", ["22"])) == [one]
    assert ids(("filter-at-source.destination-address", ["8.8.8.8"])) == [two]
    assert ids(("filter-at-source.destination-port-range", ["53-53"])) == [two]
    assert ids(("tag:team", ["net"])) == [two]
    assert ids(("protocol", ["tcp", "udp"]), ("source", [eni])) == [two]
    with pytest.raises(ClientError) as exc:
        ids(("bogus", ["x"]))
    assert error(exc) == ("InvalidParameterValue", "The filter 'bogus' is invalid")


def test_describe_paths_by_id_and_pages(ec2):
    made = [new_path(ec2)["NetworkInsightsPathId"] for _ in range(3)]
    page = ec2.describe_network_insights_paths(MaxResults=2)
    rest = ec2.describe_network_insights_paths(MaxResults=2, NextToken=page["NextToken"])
    assert [p["NetworkInsightsPathId"] for p in page["NetworkInsightsPaths"]
            + rest["NetworkInsightsPaths"]] == made
    assert "NextToken" not in rest
    found = ec2.describe_network_insights_paths(NetworkInsightsPathIds=[made[1]])
    assert [p["NetworkInsightsPathId"] for p in found["NetworkInsightsPaths"]] == [made[1]]
    with pytest.raises(ClientError) as exc:
        ec2.describe_network_insights_paths(NetworkInsightsPathIds=["nip-0123456789abcdef0"])
    assert error(exc) == ("InvalidNetworkInsightsPathId.NotFound",
                          "The networkInsightsPath ID 'nip-0123456789abcdef0' does not exist")
    with pytest.raises(ClientError) as exc:
        ec2.describe_network_insights_paths(NetworkInsightsPathIds=["nip-123"])
    assert error(exc)[0] == "InvalidNetworkInsightsPathId.Malformed"


def test_delete_path(ec2):
    path_id = new_path(ec2)["NetworkInsightsPathId"]
    answer = ec2.delete_network_insights_path(NetworkInsightsPathId=path_id)
    assert answer["NetworkInsightsPathId"] == path_id
    assert ec2.describe_network_insights_paths()["NetworkInsightsPaths"] == []
    with pytest.raises(ClientError) as exc:
        ec2.delete_network_insights_path(NetworkInsightsPathId=path_id)
    assert error(exc)[0] == "InvalidNetworkInsightsPathId.NotFound"


def test_path_tags_work_with_tag_operations(ec2):
    path_id = new_path(ec2)["NetworkInsightsPathId"]
    ec2.create_tags(Resources=[path_id], Tags=[{"Key": "env", "Value": "prod"}])
    tags = ec2.describe_tags(Filters=[{"Name": "resource-id", "Values": [path_id]}])["Tags"]
    assert tags == [{"Key": "env", "ResourceId": path_id,
                     "ResourceType": "network-insights-path", "Value": "prod"}]


# -- analyses (stand-in engine) ----------------------------------------------------------------
def test_start_answers_running_and_describe_shows_the_result(ec2, engine):
    path = new_path(ec2, DestinationPort=443)
    started = ec2.start_network_insights_analysis(
        NetworkInsightsPathId=path["NetworkInsightsPathId"],
        TagSpecifications=[{"ResourceType": "network-insights-analysis",
                            "Tags": [{"Key": "k", "Value": "v"}]}])["NetworkInsightsAnalysis"]
    assert started["Status"] == "running"
    assert "NetworkPathFound" not in started
    assert started["NetworkInsightsAnalysisArn"].endswith(
        f":network-insights-analysis/{started['NetworkInsightsAnalysisId']}")
    done = ec2.describe_network_insights_analyses(
        NetworkInsightsAnalysisIds=[started["NetworkInsightsAnalysisId"]])[
        "NetworkInsightsAnalyses"][0]
    assert done["Status"] == "succeeded"
    assert done["NetworkPathFound"] is True
    assert [c["Component"]["Id"] for c in done["ForwardPathComponents"]] == [
        path["Source"], path["Destination"]]
    assert [c["Component"]["Id"] for c in done["ReturnPathComponents"]] == [
        path["Destination"], path["Source"]]
    assert done["Explanations"] == [] and done["Tags"] == [{"Key": "k", "Value": "v"}]
    assert done["StartDate"] == started["StartDate"]
    (source, destination), kw = engine[0]
    assert (source, destination) == (path["Source"], path["Destination"])
    assert kw["protocol"] == "tcp" and kw["destination_port"] == 443
    assert (kw["account"], kw["region"]) == ("123456789012", "us-east-1")


def test_engine_gets_the_paths_filters(ec2, engine):
    eni = new_eni(ec2)
    path = ec2.create_network_insights_path(
        Source=eni, Protocol="udp", FilterAtSource={
            "SourceAddress": ec2.describe_network_interfaces(NetworkInterfaceIds=[eni])[
                "NetworkInterfaces"][0]["PrivateIpAddress"],
            "DestinationAddress": "1.1.1.1",
            "SourcePortRange": {"FromPort": 1000, "ToPort": 2000},
            "DestinationPortRange": {"FromPort": 53, "ToPort": 53}})["NetworkInsightsPath"]
    ec2.start_network_insights_analysis(NetworkInsightsPathId=path["NetworkInsightsPathId"])
    (source, destination), kw = engine[0]
    assert (source, destination) == (eni, None)
    assert (kw["destination_ip"], kw["destination_port"], kw["source_port"]) == (
        "1.1.1.1", 53, 1000)
    assert kw["source_ip"] == path["FilterAtSource"]["SourceAddress"]


def test_filter_in_arns_not_on_the_path(ec2, engine):
    path = new_path(ec2)
    elsewhere = "arn:aws:ec2:us-east-1:123456789012:transit-gateway/tgw-0123456789abcdef0"
    started = ec2.start_network_insights_analysis(
        NetworkInsightsPathId=path["NetworkInsightsPathId"], FilterInArns=[elsewhere])[
        "NetworkInsightsAnalysis"]
    assert started["FilterInArns"] == [elsewhere]
    done = ec2.describe_network_insights_analyses(
        NetworkInsightsPathId=path["NetworkInsightsPathId"])["NetworkInsightsAnalyses"][0]
    assert done["NetworkPathFound"] is False and done["ForwardPathComponents"] == []
    assert done["Explanations"] == [{"ExplanationCode": "COMPONENT_FILTER_RESTRICTION",
                                     "Component": {"Id": "tgw-0123456789abcdef0",
                                                   "Arn": elsewhere}}]
    on_path = ec2.start_network_insights_analysis(
        NetworkInsightsPathId=path["NetworkInsightsPathId"],
        FilterInArns=[path["DestinationArn"]])["NetworkInsightsAnalysis"]
    again = ec2.describe_network_insights_analyses(
        NetworkInsightsAnalysisIds=[on_path["NetworkInsightsAnalysisId"]])[
        "NetworkInsightsAnalyses"][0]
    assert again["NetworkPathFound"] is True


def test_start_validates_before_creating(ec2, engine):
    with pytest.raises(ClientError) as exc:
        ec2.start_network_insights_analysis(NetworkInsightsPathId="nip-0123456789abcdef0")
    assert error(exc)[0] == "InvalidNetworkInsightsPathId.NotFound"
    path_id = new_path(ec2)["NetworkInsightsPathId"]
    for bad in ({"FilterInArns": ["not-an-arn"]}, {"AdditionalAccounts": ["12"]}):
        with pytest.raises(ClientError) as exc:
            ec2.start_network_insights_analysis(NetworkInsightsPathId=path_id, **bad)
        assert error(exc)[0] == "InvalidParameterValue"
    with pytest.raises(ClientError) as exc:
        ec2.start_network_insights_analysis(NetworkInsightsPathId=path_id, DryRun=True)
    assert error(exc)[0] == "DryRunOperation"
    assert ec2.describe_network_insights_analyses()["NetworkInsightsAnalyses"] == []
    assert engine == []


def test_analysis_of_a_path_whose_end_is_gone_fails(ec2, engine):
    path = new_path(ec2)
    ec2.delete_network_interface(NetworkInterfaceId=path["Destination"])
    started = ec2.start_network_insights_analysis(
        NetworkInsightsPathId=path["NetworkInsightsPathId"])["NetworkInsightsAnalysis"]
    done = ec2.describe_network_insights_analyses(
        NetworkInsightsAnalysisIds=[started["NetworkInsightsAnalysisId"]])[
        "NetworkInsightsAnalyses"][0]
    assert done["Status"] == "failed" and path["Destination"] in done["StatusMessage"]
    assert "NetworkPathFound" not in done and engine == []


def test_describe_analyses_filters_and_window(ec2, engine):
    first, second = new_path(ec2), new_path(ec2)
    a = ec2.start_network_insights_analysis(NetworkInsightsPathId=first["NetworkInsightsPathId"])[
        "NetworkInsightsAnalysis"]
    b = ec2.start_network_insights_analysis(
        NetworkInsightsPathId=second["NetworkInsightsPathId"], FilterInArns=[
            "arn:aws:ec2:us-east-1:123456789012:vpc-peering-connection/pcx-0123456789abcdef0"])[
        "NetworkInsightsAnalysis"]

    def ids(**kw: Any) -> list[str]:
        return [x["NetworkInsightsAnalysisId"] for x in
                ec2.describe_network_insights_analyses(**kw)["NetworkInsightsAnalyses"]]
    one, two = a["NetworkInsightsAnalysisId"], b["NetworkInsightsAnalysisId"]
    assert ids() == [one, two]
    assert ids(NetworkInsightsPathId=second["NetworkInsightsPathId"]) == [two]
    assert ids(Filters=[{"Name": "path-found", "Values": ["true"]}]) == [one]
    assert ids(Filters=[{"Name": "path-found", "Values": ["false"]}]) == [two]
    assert ids(Filters=[{"Name": "status", "Values": ["succeeded"]}]) == [one, two]
    assert ids(Filters=[{"Name": "status", "Values": ["running"]}]) == []
    later = b["StartDate"] + dt.timedelta(seconds=5)
    assert ids(AnalysisStartTime=later) == []
    assert ids(AnalysisEndTime=later) == [one, two]
    same_moment = [one] + ([two] if b["StartDate"] == a["StartDate"] else [])
    assert ids(AnalysisStartTime=a["StartDate"], AnalysisEndTime=a["StartDate"]) == same_moment
    assert ids(MaxResults=1) == [one]
    with pytest.raises(ClientError) as exc:
        ids(NetworkInsightsPathId="nip-0123456789abcdef0")
    assert error(exc)[0] == "InvalidNetworkInsightsPathId.NotFound"
    with pytest.raises(ClientError) as exc:
        ids(NetworkInsightsAnalysisIds=["nia-0123456789abcdef0"])
    assert error(exc) == ("InvalidNetworkInsightsAnalysisId.NotFound",
                          "The networkInsightsAnalysis ID 'nia-0123456789abcdef0' does not exist")


def test_path_with_analyses_cannot_be_deleted(ec2, engine):
    path_id = new_path(ec2)["NetworkInsightsPathId"]
    analysis_id = ec2.start_network_insights_analysis(NetworkInsightsPathId=path_id)[
        "NetworkInsightsAnalysis"]["NetworkInsightsAnalysisId"]
    with pytest.raises(ClientError) as exc:
        ec2.delete_network_insights_path(NetworkInsightsPathId=path_id)
    assert error(exc)[0] == "AnalysisExistsForNetworkInsightsPath"
    assert len(ec2.describe_network_insights_paths()["NetworkInsightsPaths"]) == 1
    answer = ec2.delete_network_insights_analysis(NetworkInsightsAnalysisId=analysis_id)
    assert answer["NetworkInsightsAnalysisId"] == analysis_id
    with pytest.raises(ClientError) as exc:
        ec2.delete_network_insights_analysis(NetworkInsightsAnalysisId=analysis_id)
    assert error(exc)[0] == "InvalidNetworkInsightsAnalysisId.NotFound"
    ec2.delete_network_insights_path(NetworkInsightsPathId=path_id)
    assert ec2.describe_network_insights_paths()["NetworkInsightsPaths"] == []


def test_paths_are_per_account_and_region(ec2):
    import boto3

    path_id = new_path(ec2)["NetworkInsightsPathId"]
    west = boto3.client("ec2", region_name="us-west-2")
    assert west.describe_network_insights_paths()["NetworkInsightsPaths"] == []
    with pytest.raises(ClientError) as exc:
        west.delete_network_insights_path(NetworkInsightsPathId=path_id)
    assert error(exc)[0] == "InvalidNetworkInsightsPathId.NotFound"


# -- the real engine ---------------------------------------------------------------------------
def open_instance(ec2: Any, port: int) -> tuple[str, str]:
    """A public instance in the default VPC whose group admits `port` from anywhere."""
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    group = ec2.create_security_group(GroupName=f"open-{port}", Description="web",
                                      VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": port, "ToPort": port,
         "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    instance = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, InstanceType="t3.micro",
                                 SecurityGroupIds=[group])["Instances"][0]
    return instance["InstanceId"], group


def analysed(ec2: Any, **path: Any) -> dict[str, Any]:
    path_id = ec2.create_network_insights_path(**path)["NetworkInsightsPath"][
        "NetworkInsightsPathId"]
    analysis_id = ec2.start_network_insights_analysis(NetworkInsightsPathId=path_id)[
        "NetworkInsightsAnalysis"]["NetworkInsightsAnalysisId"]
    return ec2.describe_network_insights_analyses(NetworkInsightsAnalysisIds=[analysis_id])[
        "NetworkInsightsAnalyses"][0]


@real_engine
def test_internet_reaches_an_open_port(ec2):
    instance, _ = open_instance(ec2, 443)
    done = analysed(ec2, Source=default_igw(ec2), Destination=instance, Protocol="tcp",
                    DestinationPort=443)
    assert done["Status"] == "succeeded" and done["NetworkPathFound"] is True
    ids = [c["Component"]["Id"] for c in done["ForwardPathComponents"]]
    assert ids[0] == default_igw(ec2) and instance in ids


@real_engine
def test_closed_port_is_explained(ec2):
    instance, group = open_instance(ec2, 443)
    done = analysed(ec2, Source=default_igw(ec2), Destination=instance, Protocol="tcp",
                    DestinationPort=22)
    assert done["Status"] == "succeeded" and done["NetworkPathFound"] is False
    assert done["Explanations"]
    assert group in str(done["Explanations"])


@real_engine
def test_analysis_against_the_server(server_ec2):
    instance, _ = open_instance(server_ec2, 80)
    done = analysed(server_ec2, Source=default_igw(server_ec2), Destination=instance,
                    Protocol="tcp", DestinationPort=80)
    assert done["NetworkPathFound"] is True


def test_paths_against_the_server(server_ec2):
    path = new_path(server_ec2, DestinationPort=22)
    found = server_ec2.describe_network_insights_paths(
        Filters=[{"Name": "destination-port", "Values": ["22"]}])["NetworkInsightsPaths"]
    assert [p["NetworkInsightsPathId"] for p in found] == [path["NetworkInsightsPathId"]]
    server_ec2.delete_network_insights_path(NetworkInsightsPathId=path["NetworkInsightsPathId"])
    assert server_ec2.describe_network_insights_paths()["NetworkInsightsPaths"] == []
