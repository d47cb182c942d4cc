"""Placement groups through boto3: create, describe, delete, and launching into them."""
from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from helpers import error

AMI = "ami-057c3ffbeeff55523"     # al2023 x86_64 in the public catalogue of us-east-1


def names(ec2, **kwargs) -> list[str]:
    return [g["GroupName"] for g in ec2.describe_placement_groups(**kwargs)["PlacementGroups"]]


def test_create_each_strategy_with_aws_defaults(ec2):
    cluster = ec2.create_placement_group(GroupName="c", Strategy="cluster")["PlacementGroup"]
    spread = ec2.create_placement_group(GroupName="s", Strategy="spread")["PlacementGroup"]
    part = ec2.create_placement_group(GroupName="p", Strategy="partition")["PlacementGroup"]
    assert cluster["State"] == "available" and cluster["GroupId"].startswith("pg-")
    assert cluster["GroupArn"] == "arn:aws:ec2:us-east-1:123456789012:placement-group/c"
    assert "PartitionCount" not in cluster and "SpreadLevel" not in cluster
    assert spread["SpreadLevel"] == "rack"
    assert part["PartitionCount"] == 2
    host = ec2.create_placement_group(GroupName="h", Strategy="spread", SpreadLevel="host")
    assert host["PlacementGroup"]["SpreadLevel"] == "host"
    seven = ec2.create_placement_group(GroupName="p7", Strategy="partition", PartitionCount=7)
    assert seven["PlacementGroup"]["PartitionCount"] == 7
    assert names(ec2) == ["c", "s", "p", "h", "p7"]


@pytest.mark.parametrize("kwargs, code, message", [
    ({"GroupName": "x", "Strategy": "partition", "PartitionCount": 8}, "InvalidParameterValue",
     "Value (8) for parameter partitionCount is invalid. The partition count must be between "
     "1 and 7."),
    ({"GroupName": "x", "Strategy": "partition", "PartitionCount": 0}, "InvalidParameterValue",
     "Value (0) for parameter partitionCount is invalid. The partition count must be between "
     "1 and 7."),
    ({"GroupName": "x", "Strategy": "cluster", "PartitionCount": 2},
     "InvalidParameterCombination",
     "The parameter partitionCount can only be used with the partition strategy."),
    ({"GroupName": "x", "Strategy": "cluster", "SpreadLevel": "host"},
     "InvalidParameterCombination",
     "The parameter spreadLevel can only be used with the spread strategy."),
    ({"Strategy": "cluster"}, "MissingParameter",
     "The request must contain the parameter groupName"),
])
def test_create_rejects_bad_settings(ec2, kwargs, code, message):
    with pytest.raises(ClientError) as exc:
        ec2.create_placement_group(**kwargs)
    assert error(exc) == (code, message)
    assert names(ec2) == []


def test_names_are_unique(ec2):
    ec2.create_placement_group(GroupName="dup", Strategy="cluster")
    with pytest.raises(ClientError) as exc:
        ec2.create_placement_group(GroupName="dup", Strategy="spread")
    assert error(exc) == ("InvalidPlacementGroup.Duplicate",
                          "The placement group 'dup' already exists.")
    assert names(ec2) == ["dup"]


def test_tags_and_filters(ec2):
    ec2.create_placement_group(GroupName="a", Strategy="cluster", TagSpecifications=[
        {"ResourceType": "placement-group", "Tags": [{"Key": "team", "Value": "red"}]}])
    ec2.create_placement_group(GroupName="b", Strategy="spread")
    ec2.create_placement_group(GroupName="c", Strategy="partition", PartitionCount=3)
    assert names(ec2, Filters=[{"Name": "strategy", "Values": ["spread", "partition"]}]) == \
        ["b", "c"]
    assert names(ec2, Filters=[{"Name": "tag:team", "Values": ["red"]}]) == ["a"]
    assert names(ec2, Filters=[{"Name": "tag-key", "Values": ["team"]}]) == ["a"]
    assert names(ec2, Filters=[{"Name": "group-name", "Values": ["c"]}]) == ["c"]
    assert names(ec2, Filters=[{"Name": "state", "Values": ["available"]}]) == ["a", "b", "c"]
    assert names(ec2, Filters=[{"Name": "spread-level", "Values": ["rack"]}]) == ["b"]
    arn = "arn:aws:ec2:us-east-1:123456789012:placement-group/b"
    assert names(ec2, Filters=[{"Name": "group-arn", "Values": [arn]}]) == ["b"]
    tagged = ec2.describe_placement_groups(GroupNames=["a"])["PlacementGroups"][0]
    assert tagged["Tags"] == [{"Key": "team", "Value": "red"}]
    with pytest.raises(ClientError) as exc:
        ec2.describe_placement_groups(Filters=[{"Name": "bogus", "Values": ["x"]}])
    assert error(exc) == ("InvalidParameterValue", "The filter 'bogus' is invalid")


def test_describe_by_name_and_id(ec2):
    pg = ec2.create_placement_group(GroupName="a", Strategy="cluster")["PlacementGroup"]
    ec2.create_placement_group(GroupName="b", Strategy="cluster")
    assert names(ec2, GroupNames=["a"]) == ["a"]
    assert names(ec2, GroupIds=[pg["GroupId"]]) == ["a"]
    with pytest.raises(ClientError) as exc:
        ec2.describe_placement_groups(GroupNames=["nope"])
    assert error(exc) == ("InvalidPlacementGroup.Unknown", "The Placement Group 'nope' is unknown.")
    with pytest.raises(ClientError) as exc:
        ec2.describe_placement_groups(GroupIds=["pg-0123456789abcdef0"])
    assert error(exc) == ("InvalidPlacementGroup.Unknown",
                          "The Placement Group 'pg-0123456789abcdef0' is unknown.")


def test_delete(ec2):
    ec2.create_placement_group(GroupName="a", Strategy="cluster")
    ec2.delete_placement_group(GroupName="a")
    assert names(ec2) == []
    with pytest.raises(ClientError) as exc:
        ec2.delete_placement_group(GroupName="a")
    assert error(exc) == ("InvalidPlacementGroup.Unknown", "The Placement Group 'a' is unknown.")
    ec2.create_placement_group(GroupName="a", Strategy="spread")   # the name is free again
    assert names(ec2) == ["a"]


def test_group_in_use_cannot_be_deleted_until_its_instances_terminate(ec2):
    ec2.create_placement_group(GroupName="web", Strategy="partition", PartitionCount=3)
    ids = [i["InstanceId"] for i in ec2.run_instances(
        ImageId=AMI, MinCount=4, MaxCount=4, InstanceType="m5.large",
        Placement={"GroupName": "web"})["Instances"]]
    found = ec2.describe_instances(InstanceIds=ids)["Reservations"][0]["Instances"]
    assert [i["Placement"]["GroupName"] for i in found] == ["web"] * 4
    assert [i["Placement"]["PartitionNumber"] for i in found] == [1, 2, 3, 1]
    by_group = ec2.describe_instances(Filters=[{"Name": "placement-group-name",
                                                "Values": ["web"]}])
    assert len(by_group["Reservations"][0]["Instances"]) == 4
    with pytest.raises(ClientError) as exc:
        ec2.delete_placement_group(GroupName="web")
    assert error(exc) == ("InvalidPlacementGroup.InUse",
                          "The placement group 'web' is in use and may not be deleted.")
    ec2.terminate_instances(InstanceIds=ids)
    ec2.delete_placement_group(GroupName="web")
    assert names(ec2) == []


def test_launch_rules(ec2):
    ec2.create_placement_group(GroupName="c", Strategy="cluster")
    ec2.create_placement_group(GroupName="p", Strategy="partition", PartitionCount=2)
    ec2.create_placement_group(GroupName="s", Strategy="spread")
    with pytest.raises(ClientError) as exc:
        ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, InstanceType="m5.large",
                          Placement={"GroupName": "nope"})
    assert error(exc) == ("InvalidPlacementGroup.Unknown", "The Placement Group 'nope' is unknown.")
    with pytest.raises(ClientError) as exc:
        ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, InstanceType="t3.micro",
                          Placement={"GroupName": "c"})
    assert error(exc) == ("InvalidParameterCombination",
                          "Placement groups may not be used with instances of type 't3.micro'.")
    with pytest.raises(ClientError) as exc:
        ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, InstanceType="m5.large",
                          Placement={"GroupName": "p", "PartitionNumber": 3})
    assert error(exc)[0] == "InvalidParameterValue"
    with pytest.raises(ClientError) as exc:
        ec2.run_instances(ImageId=AMI, MinCount=8, MaxCount=8, InstanceType="m5.large",
                          Placement={"GroupName": "s"})
    assert error(exc)[0] == "InsufficientInstanceCapacity"
    one = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, InstanceType="m5.large",
                            Placement={"GroupName": "p", "PartitionNumber": 2})["Instances"][0]
    assert one["Placement"]["PartitionNumber"] == 2
    # a cluster group lives in one zone
    ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, InstanceType="m5.large",
                      Placement={"GroupName": "c", "AvailabilityZone": "us-east-1a"})
    with pytest.raises(ClientError) as exc:
        ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, InstanceType="m5.large",
                          Placement={"GroupName": "c", "AvailabilityZone": "us-east-1b"})
    assert error(exc) == ("InvalidPlacementGroup.InUse", "The placement group 'c' is in use in "
                          "another availability zone: us-east-1a")
    assert len(ec2.describe_instances()["Reservations"]) == 2


def test_against_server(server_ec2):
    server_ec2.create_placement_group(GroupName="srv", Strategy="partition", PartitionCount=4)
    found = server_ec2.describe_placement_groups(GroupNames=["srv"])["PlacementGroups"]
    assert (found[0]["Strategy"], found[0]["PartitionCount"]) == ("partition", 4)
    server_ec2.delete_placement_group(GroupName="srv")
    assert server_ec2.describe_placement_groups()["PlacementGroups"] == []
