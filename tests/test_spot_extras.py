"""The Spot data feed subscription, Spot placement scores and attribute-based instance type
selection (GetInstanceTypesFromInstanceRequirements), through boto3."""
from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from helpers import error

REQUIREMENTS = {"VCpuCount": {"Min": 2, "Max": 2}, "MemoryMiB": {"Min": 16384, "Max": 16384}}


def fails(call, **kwargs) -> tuple[str, str]:
    with pytest.raises(ClientError) as exc:
        call(**kwargs)
    return error(exc)


# == the data feed ============================================================================
def test_datafeed_lifecycle(ec2):
    assert fails(ec2.describe_spot_datafeed_subscription) == (
        "InvalidSpotDatafeed.NotFound", "Spot datafeed subscription does not exist.")
    made = ec2.create_spot_datafeed_subscription(Bucket="my-feed", Prefix="spot/")
    assert made["SpotDatafeedSubscription"] == {"Bucket": "my-feed", "OwnerId": "123456789012",
                                                "Prefix": "spot/", "State": "Active"}
    ec2.create_spot_datafeed_subscription(Bucket="other-feed")     # one an account: replaced
    assert ec2.describe_spot_datafeed_subscription()["SpotDatafeedSubscription"] == {
        "Bucket": "other-feed", "OwnerId": "123456789012", "State": "Active"}
    ec2.delete_spot_datafeed_subscription()
    assert fails(ec2.delete_spot_datafeed_subscription)[0] == "InvalidSpotDatafeed.NotFound"


@pytest.mark.parametrize("bucket", ["My_Bucket", "ab", "-bucket", "192.168.1.1", "a..b"])
def test_datafeed_needs_a_valid_bucket_name(ec2, bucket):
    assert fails(ec2.create_spot_datafeed_subscription, Bucket=bucket)[0] == \
        "InvalidParameterValue"
    assert fails(ec2.describe_spot_datafeed_subscription)[0] == "InvalidSpotDatafeed.NotFound"


# == placement scores =========================================================================
def test_placement_scores_are_stable_and_bounded(ec2):
    ask = {"InstanceTypes": ["m5.large", "c5.large", "r5.large"], "TargetCapacity": 100,
           "RegionNames": ["us-east-1", "eu-west-1", "us-west-2"]}
    first = ec2.get_spot_placement_scores(**ask)["SpotPlacementScores"]
    assert first == ec2.get_spot_placement_scores(**ask)["SpotPlacementScores"]
    assert {s["Region"] for s in first} == {"us-east-1", "eu-west-1", "us-west-2"}
    assert all(1 <= s["Score"] <= 10 for s in first)
    assert [s["Score"] for s in first] == sorted((s["Score"] for s in first), reverse=True)
    big = ec2.get_spot_placement_scores(**{**ask, "TargetCapacity": 1_000_000})
    assert all(s["Score"] == 1 for s in big["SpotPlacementScores"])
    zones = ec2.get_spot_placement_scores(**{**ask, "SingleAvailabilityZone": True,
                                             "RegionNames": ["us-east-1"]})
    assert {s["AvailabilityZoneId"] for s in zones["SpotPlacementScores"]} == {
        f"use1-az{n}" for n in range(1, 7)}


def test_placement_scores_by_requirements_and_errors(ec2):
    by_req = ec2.get_spot_placement_scores(TargetCapacity=4, RegionNames=["us-east-1"],
                                           InstanceRequirementsWithMetadata={
                                               "ArchitectureTypes": ["x86_64"],
                                               "InstanceRequirements": REQUIREMENTS})
    assert by_req["SpotPlacementScores"][0]["Region"] == "us-east-1"
    assert fails(ec2.get_spot_placement_scores, TargetCapacity=1)[0] == \
        "InvalidParameterCombination"
    assert fails(ec2.get_spot_placement_scores, TargetCapacity=1, InstanceTypes=["m5.large"],
                 RegionNames=["mars-1"])[0] == "InvalidParameterValue"
    assert fails(ec2.get_spot_placement_scores, TargetCapacity=1,
                 InstanceTypes=["m5.huge"])[0] == "InvalidParameterValue"


# == GetInstanceTypesFromInstanceRequirements ==================================================
def test_instance_types_from_requirements(ec2):
    arm = ec2.get_instance_types_from_instance_requirements(
        ArchitectureTypes=["arm64"], VirtualizationTypes=["hvm"],
        InstanceRequirements=REQUIREMENTS)["InstanceTypes"]
    assert arm == [{"InstanceType": "r6g.large"}, {"InstanceType": "r7g.large"}]
    burst = ec2.get_instance_types_from_instance_requirements(
        ArchitectureTypes=["x86_64"], VirtualizationTypes=["hvm"],
        InstanceRequirements={"VCpuCount": {"Min": 1, "Max": 1}, "MemoryMiB": {"Min": 0},
                              "BurstablePerformance": "required"})["InstanceTypes"]
    names = {t["InstanceType"] for t in burst}
    assert names and all(n[:2] in ("t1", "t2", "t3") for n in names)
    gpus = ec2.get_instance_types_from_instance_requirements(
        ArchitectureTypes=["x86_64"], VirtualizationTypes=["hvm"],
        InstanceRequirements={"VCpuCount": {"Min": 0}, "MemoryMiB": {"Min": 0},
                              "AcceleratorNames": ["t4"], "BareMetal": "excluded",
                              "ExcludedInstanceTypes": ["g4dn.1*"]})["InstanceTypes"]
    assert {t["InstanceType"] for t in gpus} == {"g4dn.xlarge", "g4dn.2xlarge", "g4dn.4xlarge",
                                                 "g4dn.8xlarge"}


def test_instance_types_from_requirements_pages_and_refuses(ec2):
    ask = {"ArchitectureTypes": ["x86_64"], "VirtualizationTypes": ["hvm"],
           "InstanceRequirements": {"VCpuCount": {"Min": 2, "Max": 8}, "MemoryMiB": {"Min": 0}}}
    first = ec2.get_instance_types_from_instance_requirements(**ask, MaxResults=3)
    rest = ec2.get_instance_types_from_instance_requirements(**ask,
                                                             NextToken=first["NextToken"])
    everything = ec2.get_instance_types_from_instance_requirements(**ask)["InstanceTypes"]
    assert first["InstanceTypes"] + rest["InstanceTypes"] == everything
    bad = {**ask, "InstanceRequirements": {"VCpuCount": {"Min": 4, "Max": 2},
                                           "MemoryMiB": {"Min": 0}}}
    assert fails(ec2.get_instance_types_from_instance_requirements, **bad)[0] == \
        "InvalidParameterValue"
    both = {**ask, "InstanceRequirements": {**ask["InstanceRequirements"],
                                            "AllowedInstanceTypes": ["m5.*"],
                                            "ExcludedInstanceTypes": ["c5.*"]}}
    assert fails(ec2.get_instance_types_from_instance_requirements, **both)[0] == \
        "InvalidParameterCombination"


def test_spot_extras_against_server(server_ec2):
    server_ec2.create_spot_datafeed_subscription(Bucket="feed-bucket")
    assert server_ec2.describe_spot_datafeed_subscription()["SpotDatafeedSubscription"][
        "Bucket"] == "feed-bucket"
    scores = server_ec2.get_spot_placement_scores(InstanceTypes=["m5.large"], TargetCapacity=5,
                                                  RegionNames=["us-east-1"])
    assert 1 <= scores["SpotPlacementScores"][0]["Score"] <= 10
    types = server_ec2.get_instance_types_from_instance_requirements(
        ArchitectureTypes=["arm64"], VirtualizationTypes=["hvm"],
        InstanceRequirements=REQUIREMENTS)["InstanceTypes"]
    assert types == [{"InstanceType": "r6g.large"}, {"InstanceType": "r7g.large"}]
