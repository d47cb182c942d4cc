"""Regions, availability zones and account attributes through boto3."""
from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError

from helpers import error


def zone_names(ec2, **kwargs) -> list[str]:
    return [z["ZoneName"] for z in ec2.describe_availability_zones(**kwargs)["AvailabilityZones"]]


# -- availability zones ---------------------------------------------------------------------
def test_zones_of_the_callers_region(ec2):
    zones = ec2.describe_availability_zones()["AvailabilityZones"]
    assert [z["ZoneName"] for z in zones] == [f"us-east-1{c}" for c in "abcdef"]
    assert [z["ZoneId"] for z in zones] == [f"use1-az{i}" for i in range(1, 7)]
    assert zones[0] == {
        "State": "available", "OptInStatus": "opt-in-not-required", "Messages": [],
        "RegionName": "us-east-1", "ZoneName": "us-east-1a", "ZoneId": "use1-az1",
        "GroupName": "us-east-1-zg-1", "GroupLongName": "US East (N. Virginia) 1",
        "NetworkBorderGroup": "us-east-1", "ZoneType": "availability-zone"}
    assert zone_names(ec2, AllAvailabilityZones=True) == [z["ZoneName"] for z in zones]


def test_zones_follow_the_region(mock):
    west = boto3.client("ec2", region_name="us-west-2")
    zones = west.describe_availability_zones()["AvailabilityZones"]
    assert [(z["ZoneName"], z["ZoneId"]) for z in zones] == [
        ("us-west-2a", "usw2-az1"), ("us-west-2b", "usw2-az2"), ("us-west-2c", "usw2-az3"),
        ("us-west-2d", "usw2-az4")]
    assert {z["RegionName"] for z in zones} == {"us-west-2"}
    # the subnets of the default VPC sit in exactly these zones
    subnet_zones = {s["AvailabilityZone"] for s in west.describe_subnets()["Subnets"]}
    assert subnet_zones == {z["ZoneName"] for z in zones}


def test_zones_by_name_and_id(ec2):
    assert zone_names(ec2, ZoneNames=["us-east-1c", "us-east-1a"]) == ["us-east-1a", "us-east-1c"]
    assert zone_names(ec2, ZoneIds=["use1-az2"]) == ["us-east-1b"]
    assert zone_names(ec2, ZoneNames=["us-east-1a"], ZoneIds=["use1-az2"]) == \
        ["us-east-1a", "us-east-1b"]
    with pytest.raises(ClientError) as exc:
        ec2.describe_availability_zones(ZoneNames=["us-east-1a", "us-east-1z"])
    assert error(exc) == ("InvalidParameterValue", "The zone 'us-east-1z' does not exist")
    with pytest.raises(ClientError) as exc:   # a zone of another region is not ours
        ec2.describe_availability_zones(ZoneNames=["us-west-2a"])
    assert error(exc) == ("InvalidParameterValue", "The zone 'us-west-2a' does not exist")
    with pytest.raises(ClientError) as exc:
        ec2.describe_availability_zones(ZoneIds=["use1-az99"])
    assert error(exc) == ("InvalidParameterValue", "The zone ID 'use1-az99' does not exist")


@pytest.mark.parametrize("name, values, expected", [
    ("zone-name", ["us-east-1b", "us-east-1d"], ["us-east-1b", "us-east-1d"]),
    ("zone-name", ["us-east-1[ab]"], []),
    ("zone-name", ["*-1?"], [f"us-east-1{c}" for c in "abcdef"]),
    ("zone-id", ["use1-az3"], ["us-east-1c"]),
    ("region-name", ["us-east-1"], [f"us-east-1{c}" for c in "abcdef"]),
    ("region-name", ["us-west-2"], []),
    ("state", ["available"], [f"us-east-1{c}" for c in "abcdef"]),
    ("state", ["unavailable"], []),
    ("zone-type", ["availability-zone"], [f"us-east-1{c}" for c in "abcdef"]),
    ("zone-type", ["local-zone"], []),
    ("group-name", ["us-east-1-zg-1"], [f"us-east-1{c}" for c in "abcdef"]),
    ("group-long-name", ["US East (N. Virginia) 1"], [f"us-east-1{c}" for c in "abcdef"]),
    ("opt-in-status", ["opt-in-not-required"], [f"us-east-1{c}" for c in "abcdef"]),
    ("opt-in-status", ["opted-in"], []),
    ("network-border-group", ["us-east-1"], [f"us-east-1{c}" for c in "abcdef"]),
    ("message", ["*"], []),
    ("parent-zone-id", ["use1-az1"], []),
    ("parent-zone-name", ["us-east-1a"], []),
])
def test_zone_filters(ec2, name, values, expected):
    assert zone_names(ec2, Filters=[{"Name": name, "Values": values}]) == expected


def test_zone_filters_combine_and_reject_unknown(ec2):
    assert zone_names(ec2, Filters=[{"Name": "zone-id", "Values": ["use1-az1", "use1-az2"]},
                                    {"Name": "zone-name", "Values": ["us-east-1b"]}]) == ["us-east-1b"]
    for bad in ("zone", "tag:Name", "tag-key"):
        with pytest.raises(ClientError) as exc:
            ec2.describe_availability_zones(Filters=[{"Name": bad, "Values": ["x"]}])
        assert error(exc) == ("InvalidParameterValue", f"The filter '{bad}' is invalid")


def test_describe_availability_zones_dry_run(ec2):
    with pytest.raises(ClientError) as exc:
        ec2.describe_availability_zones(DryRun=True)
    assert error(exc) == ("DryRunOperation",
                          "Request would have succeeded, but DryRun flag is set.")


# -- regions --------------------------------------------------------------------------------
ENABLED = ["ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-southeast-1",
           "ap-southeast-2", "ca-central-1", "eu-central-1", "eu-north-1", "eu-west-1",
           "eu-west-2", "eu-west-3", "sa-east-1", "us-east-1", "us-east-2", "us-west-1",
           "us-west-2"]


def region_names(ec2, **kwargs) -> list[str]:
    return [r["RegionName"] for r in ec2.describe_regions(**kwargs)["Regions"]]


def test_enabled_regions(ec2):
    regions = ec2.describe_regions()["Regions"]
    assert [r["RegionName"] for r in regions] == ENABLED
    assert {r["OptInStatus"] for r in regions} == {"opt-in-not-required"}
    assert regions[ENABLED.index("eu-west-1")] == {
        "RegionName": "eu-west-1", "Endpoint": "ec2.eu-west-1.amazonaws.com",
        "OptInStatus": "opt-in-not-required"}


def test_all_regions_include_opt_in_ones(ec2):
    regions = ec2.describe_regions(AllRegions=True)["Regions"]
    names = [r["RegionName"] for r in regions]
    assert set(ENABLED) < set(names) and "af-south-1" in names and "me-south-1" in names
    status = {r["RegionName"]: r["OptInStatus"] for r in regions}
    assert status["af-south-1"] == "not-opted-in" and status["us-east-1"] == "opt-in-not-required"
    assert region_names(ec2, AllRegions=True, Filters=[
        {"Name": "opt-in-status", "Values": ["not-opted-in"]}]) == sorted(
            n for n, s in status.items() if s == "not-opted-in")


def test_regions_by_name_and_filter(ec2):
    assert region_names(ec2, RegionNames=["us-west-2", "af-south-1"]) == ["af-south-1", "us-west-2"]
    assert ec2.describe_regions(RegionNames=["af-south-1"])["Regions"][0]["OptInStatus"] == \
        "not-opted-in"
    assert region_names(ec2, Filters=[{"Name": "region-name", "Values": ["eu-*"]}]) == \
        ["eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2", "eu-west-3"]
    assert region_names(ec2, Filters=[
        {"Name": "endpoint", "Values": ["ec2.us-east-2.amazonaws.com"]}]) == ["us-east-2"]
    assert region_names(ec2, Filters=[
        {"Name": "opt-in-status", "Values": ["opt-in-not-required"]}]) == ENABLED
    with pytest.raises(ClientError) as exc:
        ec2.describe_regions(RegionNames=["us-east-1", "us-nowhere-9"])
    assert error(exc) == ("InvalidParameterValue", "Invalid region: [us-nowhere-9]")
    with pytest.raises(ClientError) as exc:
        ec2.describe_regions(Filters=[{"Name": "name", "Values": ["x"]}])
    assert error(exc) == ("InvalidParameterValue", "The filter 'name' is invalid")


# -- account attributes ---------------------------------------------------------------------
def attributes(ec2, **kwargs) -> dict[str, list[str]]:
    return {a["AttributeName"]: [v["AttributeValue"] for v in a["AttributeValues"]]
            for a in ec2.describe_account_attributes(**kwargs)["AccountAttributes"]}


def test_account_attributes(ec2):
    default = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]
    assert attributes(ec2) == {
        "vpc-max-security-groups-per-interface": ["5"], "max-instances": ["20"],
        "supported-platforms": ["VPC"], "default-vpc": [default["VpcId"]],
        "max-elastic-ips": ["5"], "vpc-max-elastic-ips": ["5"]}
    assert attributes(ec2, AttributeNames=["default-vpc"]) == {"default-vpc": [default["VpcId"]]}
    assert list(attributes(ec2, AttributeNames=["supported-platforms", "default-vpc"])) == \
        ["supported-platforms", "default-vpc"]


def test_default_vpc_attribute_follows_the_default_vpc(ec2, mock):
    default = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]
    with mock.world.request():     # as if the default VPC had been deleted
        mock.world.update(default["VpcId"], IsDefault=False)
    assert attributes(ec2, AttributeNames=["default-vpc"]) == {"default-vpc": ["none"]}
    new = ec2.create_default_vpc()["Vpc"]["VpcId"]
    assert attributes(ec2, AttributeNames=["default-vpc"]) == {"default-vpc": [new]}


def test_account_attributes_are_per_region(mock):
    east = boto3.client("ec2", region_name="us-east-1")
    west = boto3.client("ec2", region_name="eu-west-1")
    assert attributes(east)["default-vpc"] != attributes(west)["default-vpc"]
    west_default = west.describe_vpcs()["Vpcs"][0]["VpcId"]
    assert attributes(west)["default-vpc"] == [west_default]


# -- server ---------------------------------------------------------------------------------
def test_regions_and_zones_against_server(server_ec2):
    assert [z["ZoneName"] for z in server_ec2.describe_availability_zones(
        Filters=[{"Name": "zone-id", "Values": ["use1-az6"]}])["AvailabilityZones"]] == ["us-east-1f"]
    assert len(server_ec2.describe_regions()["Regions"]) == len(ENABLED)
    assert server_ec2.describe_account_attributes(AttributeNames=["supported-platforms"])[
        "AccountAttributes"] == [{"AttributeName": "supported-platforms",
                                  "AttributeValues": [{"AttributeValue": "VPC"}]}]
