"""Infrastructure Performance subscriptions and (synthetic) data, and an instance's bandwidth
weighting, through boto3 in-process and against the server."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from helpers import fails
from topology.catalogue import instance_types
from topology.analysis import network_performance as performance
from topology.provision import state

AMI = "ami-057c3ffbeeff55523"
ARM_AMI = "ami-346f9858c5cfba3fa"      # al2023 arm64
UTC = dt.timezone.utc
START, END = dt.datetime(2022, 10, 26, 12, 0, tzinfo=UTC), dt.datetime(2022, 10, 26, 12, 35,
                                                                         tzinfo=UTC)


def query(source: str = "us-east-1", destination: str = "eu-west-1", **kwargs: str) -> dict:
    return {"Source": source, "Destination": destination, "Metric": "aggregate-latency",
            "Statistic": "p50", **kwargs}


def test_subscriptions_enable_describe_disable(ec2):
    assert ec2.enable_aws_network_performance_metric_subscription(
        Source="us-east-1", Destination="eu-west-1", Metric="aggregate-latency",
        Statistic="p50")["Output"] is True
    ec2.enable_aws_network_performance_metric_subscription(Source="use1-az1",
                                                           Destination="use1-az2")
    subs = ec2.describe_aws_network_performance_metric_subscriptions()["Subscriptions"]
    assert subs[0] == {"Source": "us-east-1", "Destination": "eu-west-1",
                       "Metric": "aggregate-latency", "Statistic": "p50",
                       "Period": "five-minutes"}
    assert len(subs) == 2
    assert [s["Source"] for s in ec2.describe_aws_network_performance_metric_subscriptions(
        Filters=[{"Name": "source", "Values": ["use1-az1"]}])["Subscriptions"]] == ["use1-az1"]
    first = ec2.describe_aws_network_performance_metric_subscriptions(MaxResults=1)
    second = ec2.describe_aws_network_performance_metric_subscriptions(
        MaxResults=1, NextToken=first["NextToken"])
    assert [s["Source"] for s in first["Subscriptions"] + second["Subscriptions"]] == [
        "us-east-1", "use1-az1"]
    assert ec2.disable_aws_network_performance_metric_subscription(
        Source="us-east-1", Destination="eu-west-1")["Output"] is True
    assert ec2.disable_aws_network_performance_metric_subscription(
        Source="us-east-1", Destination="eu-west-1")["Output"] is False
    assert len(ec2.describe_aws_network_performance_metric_subscriptions()[
        "Subscriptions"]) == 1


def test_subscription_sources_and_destinations_are_checked(ec2):
    for source, destination in (("us-east-1", "mars-1"), ("use1-az1", "use2-az1"),
                                ("us-east-1", "use1-az1"), ("us-east-1", "us-east-1")):
        assert fails(ec2.enable_aws_network_performance_metric_subscription, Source=source,
                     Destination=destination)[0] == "InvalidParameterValue"
    assert fails(ec2.enable_aws_network_performance_metric_subscription,
                 Source="us-east-1")[0] == "MissingParameter"
    assert ec2.describe_aws_network_performance_metric_subscriptions()["Subscriptions"] == []


def test_data_points_follow_the_period_and_are_deterministic(ec2):
    answer = ec2.get_aws_network_performance_data(
        DataQueries=[query(Id="q1", Period="five-minutes"),
                     query("use1-az1", "use1-az2", Period="fifteen-minutes")],
        StartTime=START, EndTime=END)["DataResponses"]
    regions, zones = answer
    assert (regions["Id"], regions["Period"]) == ("q1", "five-minutes")
    points = regions["MetricPoints"]
    assert [p["StartDate"].minute for p in points] == [0, 5, 10, 15, 20, 25, 30]
    assert all(p["EndDate"] - p["StartDate"] == dt.timedelta(minutes=5) for p in points)
    assert {p["Status"] for p in points} == {"OK"}
    assert all(40 < p["Value"] < 80 for p in points)          # us-east-1 to Ireland
    assert [p["StartDate"].minute for p in zones["MetricPoints"]] == [0, 15, 30]
    assert all(p["Value"] < 2 for p in zones["MetricPoints"])   # two zones of one Region
    again = ec2.get_aws_network_performance_data(
        DataQueries=[query(Id="q1", Period="five-minutes")], StartTime=START, EndTime=END)
    assert again["DataResponses"][0]["MetricPoints"] == points
    far = ec2.get_aws_network_performance_data(
        DataQueries=[query("us-east-1", "ap-southeast-2")], StartTime=START, EndTime=END)
    assert far["DataResponses"][0]["MetricPoints"][0]["Value"] > points[0]["Value"]


def test_data_request_errors_and_pages(ec2):
    assert fails(ec2.get_aws_network_performance_data, DataQueries=[query()],
                 StartTime=END, EndTime=START)[0] == "InvalidParameterValue"
    assert fails(ec2.get_aws_network_performance_data,
                 DataQueries=[query(destination="nowhere")])[0] == "InvalidParameterValue"
    pages = ec2.get_aws_network_performance_data(
        DataQueries=[query(Id="a"), query(Id="b")], StartTime=START, EndTime=END,
        MaxResults=1)
    rest = ec2.get_aws_network_performance_data(
        DataQueries=[query(Id="a"), query(Id="b")], StartTime=START, EndTime=END,
        MaxResults=1, NextToken=pages["NextToken"])
    assert [r["Id"] for r in pages["DataResponses"] + rest["DataResponses"]] == ["a", "b"]


def weighted(monkeypatch: pytest.MonkeyPatch, type_name: str) -> None:
    """Give a catalogued type the weightings AWS's 8th-generation families offer (none of
    them is in the catalogue yet)."""
    monkeypatch.setitem(instance_types.catalogue()[type_name]["NetworkInfo"],
                        "BandwidthWeightings", ["default", "vpc-1", "ebs-1"])


def test_instance_bandwidth_weighting(ec2, monkeypatch):
    weighted(monkeypatch, "m7g.large")
    iid = ec2.run_instances(ImageId=ARM_AMI, MinCount=1, MaxCount=1, InstanceType="m7g.large",
                            NetworkPerformanceOptions={"BandwidthWeighting": "vpc-1"})[
        "Instances"][0]["InstanceId"]
    shown = ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0]
    assert shown["NetworkPerformanceOptions"] == {"BandwidthWeighting": "vpc-1"}
    answer = ec2.modify_instance_network_performance_options(InstanceId=iid,
                                                             BandwidthWeighting="ebs-1")
    assert (answer["InstanceId"], answer["BandwidthWeighting"]) == (iid, "ebs-1")
    shown = ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0]
    assert shown["NetworkPerformanceOptions"] == {"BandwidthWeighting": "ebs-1"}
    assert fails(ec2.modify_instance_network_performance_options,
                 InstanceId="i-0123456789abcdef0", BandwidthWeighting="vpc-1")[0] == \
        "InvalidInstanceID.NotFound"
    ec2.terminate_instances(InstanceIds=[iid])
    assert fails(ec2.modify_instance_network_performance_options, InstanceId=iid,
                 BandwidthWeighting="vpc-1")[0] == "IncorrectInstanceState"


def test_types_without_configurable_bandwidth_keep_the_default(ec2):
    """Only some types support bandwidth weighting (DescribeInstanceTypes lists theirs)."""
    assert "BandwidthWeightings" not in ec2.describe_instance_types(
        InstanceTypes=["t3.micro"])["InstanceTypes"][0]["NetworkInfo"]
    iid = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, InstanceType="t3.micro")[
        "Instances"][0]["InstanceId"]
    code, message = fails(ec2.modify_instance_network_performance_options, InstanceId=iid,
                          BandwidthWeighting="ebs-1")
    assert code == "UnsupportedOperation" and "t3.micro" in message
    shown = ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0]
    assert shown["NetworkPerformanceOptions"] == {"BandwidthWeighting": "default"}
    answer = ec2.modify_instance_network_performance_options(InstanceId=iid,
                                                             BandwidthWeighting="default")
    assert answer["BandwidthWeighting"] == "default"
    assert fails(ec2.run_instances, ImageId=AMI, MinCount=1, MaxCount=1,
                 InstanceType="t3.micro",
                 NetworkPerformanceOptions={"BandwidthWeighting": "vpc-1"})[0] == \
        "UnsupportedOperation"
    assert len(ec2.describe_instances()["Reservations"]) == 1


def test_subscriptions_survive_a_state_round_trip(mock, ec2):
    ec2.enable_aws_network_performance_metric_subscription(Source="us-east-1",
                                                           Destination="us-west-2")
    loaded = state.load(json.loads(json.dumps(state.dump(mock.world))))
    assert performance.subscriptions(loaded.partition("123456789012", "us-east-1")) == \
        ec2.describe_aws_network_performance_metric_subscriptions()["Subscriptions"]


def test_server_subscription_and_data(server_ec2):
    assert server_ec2.enable_aws_network_performance_metric_subscription(
        Source="us-west-2", Destination="us-east-1")["Output"] is True
    assert server_ec2.describe_aws_network_performance_metric_subscriptions()[
        "Subscriptions"][0]["Destination"] == "us-east-1"
    data = server_ec2.get_aws_network_performance_data(
        DataQueries=[query("us-west-2", "us-east-1", Period="one-hour")],
        StartTime=START, EndTime=START + dt.timedelta(hours=3))["DataResponses"][0]
    assert len(data["MetricPoints"]) == 3
    assert fails(server_ec2.enable_aws_network_performance_metric_subscription,
                 Source="us-west-2", Destination="us-east-1", DryRun=True)[0] == \
        "DryRunOperation"


def test_changing_type_needs_the_default_weighting_first(ec2, monkeypatch):
    """ModifyInstanceAttribute: a configured weighting the new type lacks must first go back
    to `default`."""
    weighted(monkeypatch, "m7g.large")
    iid = ec2.run_instances(ImageId=ARM_AMI, MinCount=1, MaxCount=1, InstanceType="m7g.large",
                            NetworkPerformanceOptions={"BandwidthWeighting": "ebs-1"})[
        "Instances"][0]["InstanceId"]
    ec2.stop_instances(InstanceIds=[iid])
    assert fails(ec2.modify_instance_attribute, InstanceId=iid,
                 InstanceType={"Value": "m6g.large"})[0] == "UnsupportedOperation"
    ec2.modify_instance_network_performance_options(InstanceId=iid,
                                                    BandwidthWeighting="default")
    ec2.modify_instance_attribute(InstanceId=iid, InstanceType={"Value": "m6g.large"})
    shown = ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0]
    assert shown["InstanceType"] == "m6g.large"
