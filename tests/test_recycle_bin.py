"""The Recycle Bin: rules through the rbin service (REST-JSON, in-process and against the
server), and deleted snapshots, images and volumes kept, listed and restored."""
from __future__ import annotations

from typing import Any

import boto3
import pytest

from api import mock_ec2
from helpers import fails, server_client

DAYS = {"RetentionPeriodValue": 7, "RetentionPeriodUnit": "DAYS"}
AMI = "ami-057c3ffbeeff55523"


@pytest.fixture
def rbin(mock: mock_ec2) -> Any:
    return boto3.client("rbin", region_name="us-east-1")


def _snapshot(ec2: Any, tags: dict[str, str] | None = None) -> str:
    vol = ec2.create_volume(AvailabilityZone="us-east-1a", Size=2)["VolumeId"]
    spec = [{"ResourceType": "snapshot", "Tags": [{"Key": k, "Value": v}
                                                  for k, v in tags.items()]}] if tags else []
    return ec2.create_snapshot(VolumeId=vol, TagSpecifications=spec)["SnapshotId"]


def test_rule_crud_as_terraform_reads_it(rbin: Any) -> None:
    rule = rbin.create_rule(ResourceType="EBS_SNAPSHOT", RetentionPeriod=DAYS,
                            Description="keep", Tags=[{"Key": "team", "Value": "a"}])
    assert rule["ResponseMetadata"]["HTTPStatusCode"] == 201
    rule_id = rule["Identifier"]
    assert len(rule_id) == 11 and rule["Status"] == "available"
    assert rule["RuleArn"] == f"arn:aws:rbin:us-east-1:123456789012:rule/{rule_id}"
    got = rbin.get_rule(Identifier=rule_id)
    assert (got["Description"], got["LockState"], got["RetentionPeriod"]) == \
        ("keep", "unlocked", DAYS)
    assert [r["Identifier"] for r in rbin.list_rules(ResourceType="EBS_SNAPSHOT")["Rules"]] \
        == [rule_id]
    assert rbin.list_rules(ResourceType="EC2_IMAGE")["Rules"] == []
    rbin.update_rule(Identifier=rule_id, Description="changed",
                     RetentionPeriod={"RetentionPeriodValue": 30, "RetentionPeriodUnit": "DAYS"})
    assert rbin.get_rule(Identifier=rule_id)["RetentionPeriod"]["RetentionPeriodValue"] == 30
    rbin.untag_resource(ResourceArn=rule["RuleArn"], TagKeys=["team"])
    rbin.tag_resource(ResourceArn=rule["RuleArn"], Tags=[{"Key": "x", "Value": "y"}])
    assert rbin.list_tags_for_resource(ResourceArn=rule["RuleArn"])["Tags"] == \
        [{"Key": "x", "Value": "y"}]
    assert rbin.delete_rule(Identifier=rule_id)["ResponseMetadata"]["HTTPStatusCode"] == 204
    # Terraform's finder takes ResourceNotFoundException for gone
    assert fails(rbin.get_rule, Identifier=rule_id)[0] == "ResourceNotFoundException"


def test_rule_validation(rbin: Any) -> None:
    tag = [{"ResourceTagKey": "k", "ResourceTagValue": "v"}]
    assert fails(rbin.create_rule, ResourceType="EBS_SNAPSHOT", RetentionPeriod=DAYS,
                 ResourceTags=tag, ExcludeResourceTags=tag)[0] == "ValidationException"
    lock = {"UnlockDelay": {"UnlockDelayValue": 7, "UnlockDelayUnit": "DAYS"}}
    assert fails(rbin.create_rule, ResourceType="EBS_SNAPSHOT", RetentionPeriod=DAYS,
                 ResourceTags=tag, LockConfiguration=lock)[0] == "ValidationException"
    assert rbin.list_rules(ResourceType="EBS_SNAPSHOT")["Rules"] == []


def test_a_locked_rule_stays_until_its_unlock_delay_passes(rbin: Any) -> None:
    lock = {"UnlockDelay": {"UnlockDelayValue": 7, "UnlockDelayUnit": "DAYS"}}
    rule_id = rbin.create_rule(ResourceType="EC2_IMAGE", RetentionPeriod=DAYS,
                               LockConfiguration=lock)["Identifier"]
    assert rbin.get_rule(Identifier=rule_id)["LockState"] == "locked"
    assert fails(rbin.delete_rule, Identifier=rule_id)[0] == "ConflictException"
    assert fails(rbin.update_rule, Identifier=rule_id, RetentionPeriod=DAYS)[0] == \
        "ConflictException"
    unlocked = rbin.unlock_rule(Identifier=rule_id)
    assert unlocked["LockState"] == "pending_unlock" and "LockEndTime" in unlocked
    assert fails(rbin.delete_rule, Identifier=rule_id)[0] == "ConflictException"


def test_a_deleted_snapshot_waits_in_the_bin_and_comes_back(ec2: Any, rbin: Any) -> None:
    rbin.create_rule(ResourceType="EBS_SNAPSHOT", RetentionPeriod=DAYS)
    snap = _snapshot(ec2, {"Name": "kept"})
    ec2.delete_snapshot(SnapshotId=snap)
    assert fails(ec2.describe_snapshots, SnapshotIds=[snap])[0] == "InvalidSnapshot.NotFound"
    binned = ec2.list_snapshots_in_recycle_bin()["Snapshots"]
    assert [s["SnapshotId"] for s in binned] == [snap]
    days = binned[0]["RecycleBinExitTime"] - binned[0]["RecycleBinEnterTime"]
    assert days.days == 7
    assert ec2.restore_snapshot_from_recycle_bin(SnapshotId=snap)["State"] == "recovering"
    back = ec2.describe_snapshots(SnapshotIds=[snap])["Snapshots"][0]
    assert back["State"] == "completed" and back["Tags"] == [{"Key": "Name", "Value": "kept"}]
    assert ec2.list_snapshots_in_recycle_bin()["Snapshots"] == []
    assert fails(ec2.restore_snapshot_from_recycle_bin, SnapshotId=snap)[0] == \
        "InvalidSnapshot.NotFound"


def test_tag_rules_and_exclusions_choose_what_is_kept(ec2: Any, rbin: Any) -> None:
    rbin.create_rule(ResourceType="EBS_SNAPSHOT", RetentionPeriod=DAYS,
                     ResourceTags=[{"ResourceTagKey": "keep", "ResourceTagValue": "yes"}])
    kept, gone = _snapshot(ec2, {"keep": "yes"}), _snapshot(ec2, {"keep": "no"})
    ec2.delete_snapshot(SnapshotId=kept)
    ec2.delete_snapshot(SnapshotId=gone)
    assert [s["SnapshotId"] for s in ec2.list_snapshots_in_recycle_bin()["Snapshots"]] == [kept]
    assert fails(ec2.restore_snapshot_from_recycle_bin, SnapshotId=gone)[0] == \
        "InvalidSnapshot.NotFound"


def test_region_rule_with_exclusion(ec2: Any, rbin: Any) -> None:
    rbin.create_rule(ResourceType="EBS_VOLUME", RetentionPeriod=DAYS,
                     ExcludeResourceTags=[{"ResourceTagKey": "scratch"}])
    kept = ec2.create_volume(AvailabilityZone="us-east-1a", Size=3)["VolumeId"]
    scratch = ec2.create_volume(AvailabilityZone="us-east-1a", Size=3, TagSpecifications=[
        {"ResourceType": "volume", "Tags": [{"Key": "scratch", "Value": "1"}]}])["VolumeId"]
    ec2.delete_volume(VolumeId=kept)
    ec2.delete_volume(VolumeId=scratch)
    listed = ec2.list_volumes_in_recycle_bin()["Volumes"]
    assert [(v["VolumeId"], v["Size"], v["State"]) for v in listed] == [(kept, 3, "deleted")]
    assert ec2.restore_volume_from_recycle_bin(VolumeId=kept)["Return"] is True
    assert ec2.describe_volumes(VolumeIds=[kept])["Volumes"][0]["State"] == "available"


def test_a_deregistered_image_waits_in_the_bin(ec2: Any, rbin: Any) -> None:
    rbin.create_rule(ResourceType="EC2_IMAGE", RetentionPeriod=DAYS)
    instance = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1,
                                 InstanceType="t3.micro")["Instances"][0]["InstanceId"]
    image = ec2.create_image(InstanceId=instance, Name="golden")["ImageId"]
    ec2.deregister_image(ImageId=image)
    assert ec2.describe_images(ImageIds=[image])["Images"] == []
    assert [(i["ImageId"], i["Name"]) for i in
            ec2.list_images_in_recycle_bin()["Images"]] == [(image, "golden")]
    assert ec2.restore_image_from_recycle_bin(ImageId=image)["Return"] is True
    assert ec2.describe_images(ImageIds=[image])["Images"][0]["Name"] == "golden"


def test_without_a_rule_deletion_is_final(ec2: Any) -> None:
    snap = _snapshot(ec2)
    ec2.delete_snapshot(SnapshotId=snap)
    assert ec2.list_snapshots_in_recycle_bin()["Snapshots"] == []
    assert fails(ec2.list_snapshots_in_recycle_bin, SnapshotIds=[snap])[0] == \
        "InvalidSnapshot.NotFound"


def test_the_bin_against_the_server(server_url: str) -> None:
    requests = __import__("urllib.request").request
    requests.urlopen(requests.Request(f"{server_url}/_ec2sim/reset", method="POST"))
    ec2 = server_client(server_url)
    rbin = boto3.client("rbin", region_name="us-east-1", endpoint_url=server_url,
                        aws_access_key_id="testing", aws_secret_access_key="testing")
    rule = rbin.create_rule(ResourceType="EBS_SNAPSHOT", RetentionPeriod=DAYS)
    assert rbin.get_rule(Identifier=rule["Identifier"])["Status"] == "available"
    assert rbin.list_tags_for_resource(ResourceArn=rule["RuleArn"])["Tags"] == []
    assert fails(rbin.get_rule, Identifier="abcdefghijk")[0] == "ResourceNotFoundException"
    assert fails(rbin.get_rule, Identifier="bad")[0] == "ValidationException"
    snap = _snapshot(ec2)
    ec2.delete_snapshot(SnapshotId=snap)
    assert [s["SnapshotId"] for s in ec2.list_snapshots_in_recycle_bin()["Snapshots"]] == [snap]
    ec2.restore_snapshot_from_recycle_bin(SnapshotId=snap)
    assert ec2.describe_snapshots(SnapshotIds=[snap])["Snapshots"][0]["SnapshotId"] == snap
    rbin.delete_rule(Identifier=rule["Identifier"])


def test_rules_over_the_wire_in_process() -> None:
    with mock_ec2(wire=True):
        rbin = boto3.client("rbin", region_name="us-east-1")
        rule = rbin.create_rule(ResourceType="EBS_VOLUME", RetentionPeriod=DAYS)
        rbin.tag_resource(ResourceArn=rule["RuleArn"], Tags=[{"Key": "a", "Value": "b"}])
        assert rbin.list_tags_for_resource(ResourceArn=rule["RuleArn"])["Tags"] == \
            [{"Key": "a", "Value": "b"}]
        rbin.untag_resource(ResourceArn=rule["RuleArn"], TagKeys=["a"])
        rbin.delete_rule(Identifier=rule["Identifier"])
        assert fails(rbin.get_rule, Identifier=rule["Identifier"])[0] == \
            "ResourceNotFoundException"
