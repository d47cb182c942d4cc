"""EBS snapshot operations through boto3: create (one volume or an instance's set), copy,
delete, describe; in-process and against the server."""
from __future__ import annotations

import re
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from helpers import error, fails

ACCOUNT = "123456789012"
KEY_ARN = re.compile(r"arn:aws:kms:us-east-1:123456789012:key/[0-9a-f-]{36}")


def add_instance(mock, zone: str = "us-east-1a", root: str = "/dev/xvda") -> str:
    """A minimal running instance node (the instances family owns the real ones)."""
    world = mock.world
    part = world.partition(ACCOUNT, "us-east-1")
    instance_id = world.new_id("i")
    world.add(part, "instance", instance_id, Placement={"AvailabilityZone": zone},
              State={"Code": 16, "Name": "running"}, RootDeviceName=root)
    return instance_id


def volume(ec2, **kwargs: Any) -> str:
    params = {"AvailabilityZone": "us-east-1a", "Size": 10, **kwargs}
    return ec2.create_volume(**params)["VolumeId"]


def snapshot(ec2, vol_id: str, **kwargs: Any) -> str:
    return ec2.create_snapshot(VolumeId=vol_id, **kwargs)["SnapshotId"]


def described(ec2, snap_id: str) -> dict[str, Any]:
    return ec2.describe_snapshots(SnapshotIds=[snap_id])["Snapshots"][0]


def ids(ec2, **kwargs: Any) -> list[str]:
    return [s["SnapshotId"] for s in ec2.describe_snapshots(**kwargs)["Snapshots"]]


def in_use_by(mock, snap_id: str, image_id: str = "ami-0123456789abcdef0") -> str:
    """What the images family does when an image's block device mappings name a snapshot."""
    world = mock.world
    part = world.partition(ACCOUNT, "us-east-1")
    world.add(part, "image", image_id)
    world.claim(part, "snapshot-user", snap_id, image_id)
    return image_id


# -- create ---------------------------------------------------------------------------------
def test_create_snapshot_answers_pending_and_describes_completed(ec2):
    vol_id = volume(ec2, Size=30)
    created = ec2.create_snapshot(VolumeId=vol_id, Description="nightly")
    assert created["SnapshotId"].startswith("snap-") and len(created["SnapshotId"]) == 22
    assert (created["State"], created["Progress"], created["Tags"]) == ("pending", "", [])
    assert (created["VolumeId"], created["VolumeSize"], created["OwnerId"]) == (vol_id, 30, ACCOUNT)
    assert (created["Description"], created["Encrypted"]) == ("nightly", False)
    assert created["StartTime"].tzinfo is not None
    found = described(ec2, created["SnapshotId"])
    assert (found["State"], found["Progress"], found["StorageTier"]) == ("completed", "100%", "standard")
    assert found["StartTime"] == created["StartTime"]
    assert "KmsKeyId" not in found and "Tags" not in found


def test_snapshot_of_encrypted_volume_is_encrypted_with_its_key(ec2):
    key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    vol_id = volume(ec2, Encrypted=True, KmsKeyId=key)
    found = described(ec2, snapshot(ec2, vol_id))
    assert (found["Encrypted"], found["KmsKeyId"]) == (True, key)


def test_create_snapshot_errors(ec2):
    assert fails(ec2.create_snapshot, VolumeId="vol-0123456789abcdef0") == (
        "InvalidVolume.NotFound", "The volume 'vol-0123456789abcdef0' does not exist.")
    vol_id = volume(ec2)
    assert fails(ec2.create_snapshot, VolumeId=vol_id, TagSpecifications=[
        {"ResourceType": "volume", "Tags": [{"Key": "a", "Value": "b"}]}]) == (
        "InvalidParameterValue", "'volume' is not a valid taggable resource type for this operation.")
    assert fails(ec2.create_snapshot, VolumeId=vol_id, DryRun=True)[0] == "DryRunOperation"
    assert ids(ec2) == []


def test_create_snapshot_with_tags_and_of_an_attached_volume(ec2, mock):
    instance_id = add_instance(mock)
    vol_id = volume(ec2)
    ec2.attach_volume(VolumeId=vol_id, InstanceId=instance_id, Device="/dev/sdf")
    created = ec2.create_snapshot(VolumeId=vol_id, TagSpecifications=[
        {"ResourceType": "snapshot", "Tags": [{"Key": "Name", "Value": "a&b"}]}])
    assert created["Tags"] == [{"Key": "Name", "Value": "a&b"}]
    assert described(ec2, created["SnapshotId"])["Tags"] == created["Tags"]


def test_volume_from_snapshot(ec2):
    vol_id = volume(ec2, Size=30, Encrypted=True)
    snap_id = snapshot(ec2, vol_id)
    restored = ec2.create_volume(AvailabilityZone="us-east-1b", SnapshotId=snap_id)
    assert (restored["Size"], restored["SnapshotId"], restored["Encrypted"]) == (30, snap_id, True)
    assert restored["KmsKeyId"] == described(ec2, snap_id)["KmsKeyId"]
    bigger = ec2.create_volume(AvailabilityZone="us-east-1a", SnapshotId=snap_id, Size=40,
                               VolumeType="gp3")
    assert bigger["Size"] == 40
    assert fails(ec2.create_volume, AvailabilityZone="us-east-1a", SnapshotId=snap_id, Size=29) == (
        "InvalidParameterValue",
        f"Volume of size 29GB is smaller than snapshot '{snap_id}', expect size >= 30GB")
    assert fails(ec2.create_volume, AvailabilityZone="us-east-1a",
                 SnapshotId="snap-0123456789abcdef0") == (
        "InvalidSnapshot.NotFound", "The snapshot 'snap-0123456789abcdef0' does not exist.")
    assert [v["VolumeId"] for v in ec2.describe_volumes(
        Filters=[{"Name": "snapshot-id", "Values": [snap_id]}])["Volumes"]] == \
        [restored["VolumeId"], bigger["VolumeId"]]
    ec2.delete_snapshot(SnapshotId=snap_id)        # volumes made from it do not hold it
    assert ec2.describe_volumes(VolumeIds=[restored["VolumeId"]])["Volumes"][0]["SnapshotId"] == snap_id


def test_initialization_rate_range(ec2):
    snap_id = snapshot(ec2, volume(ec2))
    assert fails(ec2.create_volume, AvailabilityZone="us-east-1a", SnapshotId=snap_id,
                 VolumeInitializationRate=99) == (
        "InvalidParameterValue",
        "The value specified for VolumeInitializationRate is not in the allowed range.")
    assert ec2.create_volume(AvailabilityZone="us-east-1a", SnapshotId=snap_id,
                             VolumeInitializationRate=300)["Size"] == 10


# -- create_snapshots -----------------------------------------------------------------------
def test_create_snapshots_of_an_instance(ec2, mock):
    instance_id = add_instance(mock, root="/dev/xvda")
    root = volume(ec2, Size=8)
    data = volume(ec2, Size=20, TagSpecifications=[
        {"ResourceType": "volume", "Tags": [{"Key": "role", "Value": "data"}]}])
    logs = volume(ec2, Size=30)
    for vol_id, device in ((root, "/dev/xvda"), (data, "/dev/sdf"), (logs, "/dev/sdg")):
        ec2.attach_volume(VolumeId=vol_id, InstanceId=instance_id, Device=device)
    made = ec2.create_snapshots(InstanceSpecification={"InstanceId": instance_id},
                                Description="set")["Snapshots"]
    assert [(s["VolumeId"], s["VolumeSize"], s["State"], s["Description"]) for s in made] == [
        (root, 8, "pending", "set"), (data, 20, "pending", "set"), (logs, 30, "pending", "set")]
    assert all(s["OwnerId"] == ACCOUNT and s["SnapshotId"].startswith("snap-") for s in made)
    partial = ec2.create_snapshots(
        InstanceSpecification={"InstanceId": instance_id, "ExcludeBootVolume": True,
                               "ExcludeDataVolumeIds": [logs]},
        CopyTagsFromSource="volume",
        TagSpecifications=[{"ResourceType": "snapshot", "Tags": [{"Key": "set", "Value": "2"}]}],
    )["Snapshots"]
    assert [s["VolumeId"] for s in partial] == [data]
    assert sorted((t["Key"], t["Value"]) for t in partial[0]["Tags"]) == [("role", "data"),
                                                                         ("set", "2")]
    assert len(ids(ec2)) == 4


def test_create_snapshots_errors(ec2, mock):
    instance_id = add_instance(mock, root="/dev/xvda")
    root = volume(ec2)
    ec2.attach_volume(VolumeId=root, InstanceId=instance_id, Device="/dev/xvda")
    assert fails(ec2.create_snapshots, InstanceSpecification={"InstanceId": "i-0123456789abcdef0"}) \
        == ("InvalidInstanceID.NotFound", "The instance ID 'i-0123456789abcdef0' does not exist")
    assert fails(ec2.create_snapshots, InstanceSpecification={
        "InstanceId": instance_id, "ExcludeDataVolumeIds": [root]}) == (
        "InvalidParameterValue",
        f"The root volume {root} cannot be excluded with ExcludeDataVolumeIds. Use "
        "ExcludeBootVolume to exclude the root volume.")
    assert fails(ec2.create_snapshots, InstanceSpecification={
        "InstanceId": instance_id, "ExcludeDataVolumeIds": ["vol-0123456789abcdef0"]})[0] == \
        "InvalidVolume.NotFound"
    assert ids(ec2) == []


# -- copy -----------------------------------------------------------------------------------
def test_copy_snapshot_within_the_region(ec2):
    source = snapshot(ec2, volume(ec2, Size=12))
    copied = ec2.copy_snapshot(SourceRegion="us-east-1", SourceSnapshotId=source)
    assert set(copied) - {"ResponseMetadata"} == {"SnapshotId"}
    found = described(ec2, copied["SnapshotId"])
    assert (found["VolumeId"], found["VolumeSize"], found["Encrypted"], found["State"]) == \
        ("vol-ffffffff", 12, False, "completed")
    assert found["Description"] == f"[Copied {source} from us-east-1]"
    named = ec2.copy_snapshot(SourceRegion="us-east-1", SourceSnapshotId=source,
                              Description="mine", TagSpecifications=[
                                  {"ResourceType": "snapshot", "Tags": [{"Key": "k", "Value": "v"}]}])
    assert named["Tags"] == [{"Key": "k", "Value": "v"}]
    assert described(ec2, named["SnapshotId"])["Description"] == "mine"


def test_copy_snapshot_across_regions(ec2):
    source = snapshot(ec2, volume(ec2, Size=5))
    west = boto3.client("ec2", region_name="us-west-2")
    copied = west.copy_snapshot(SourceRegion="us-east-1", SourceSnapshotId=source)["SnapshotId"]
    assert [s["SnapshotId"] for s in west.describe_snapshots()["Snapshots"]] == [copied]
    assert ids(ec2) == [source]
    restored = west.create_volume(AvailabilityZone="us-west-2b", SnapshotId=copied)
    assert restored["Size"] == 5


def test_copy_snapshot_encryption(ec2):
    plain = snapshot(ec2, volume(ec2))
    encrypted = ec2.copy_snapshot(SourceRegion="us-east-1", SourceSnapshotId=plain,
                                  Encrypted=True)["SnapshotId"]
    found = described(ec2, encrypted)
    assert found["Encrypted"] is True and KEY_ARN.fullmatch(found["KmsKeyId"])
    key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    keyed = ec2.copy_snapshot(SourceRegion="us-east-1", SourceSnapshotId=plain, Encrypted=True,
                              KmsKeyId=key)["SnapshotId"]
    assert described(ec2, keyed)["KmsKeyId"] == key
    again = ec2.copy_snapshot(SourceRegion="us-east-1", SourceSnapshotId=keyed)["SnapshotId"]
    assert (described(ec2, again)["Encrypted"], described(ec2, again)["KmsKeyId"]) == (True, key)
    west = boto3.client("ec2", region_name="us-west-2")
    moved = west.copy_snapshot(SourceRegion="us-east-1", SourceSnapshotId=keyed)["SnapshotId"]
    west_key = west.describe_snapshots(SnapshotIds=[moved])["Snapshots"][0]["KmsKeyId"]
    assert west_key.startswith("arn:aws:kms:us-west-2:123456789012:key/")   # keys are regional
    assert fails(ec2.copy_snapshot, SourceRegion="us-east-1", SourceSnapshotId=plain,
                 KmsKeyId=key) == (
        "InvalidParameterDependency", "The parameter KmsKeyId requires the parameter Encrypted to be set.")
    ec2.enable_ebs_encryption_by_default()
    forced = ec2.copy_snapshot(SourceRegion="us-east-1", SourceSnapshotId=plain)["SnapshotId"]
    assert described(ec2, forced)["Encrypted"] is True


def test_copy_snapshot_errors(ec2):
    source = snapshot(ec2, volume(ec2))
    assert fails(ec2.copy_snapshot, SourceRegion="us-east-1",
                 SourceSnapshotId="snap-0123456789abcdef0") == (
        "InvalidSnapshot.NotFound", "The snapshot 'snap-0123456789abcdef0' does not exist.")
    assert fails(ec2.copy_snapshot, SourceRegion="us-west-2", SourceSnapshotId=source)[0] == \
        "InvalidSnapshot.NotFound"
    assert fails(ec2.copy_snapshot, SourceRegion="mars-north-1", SourceSnapshotId=source) == (
        "InvalidParameterValue",
        "Value (mars-north-1) for parameter sourceRegion is invalid. The region does not exist.")
    assert fails(ec2.copy_snapshot, SourceRegion="us-east-1", SourceSnapshotId=source,
                 DryRun=True)[0] == "DryRunOperation"
    assert ids(ec2) == [source]


# -- delete ---------------------------------------------------------------------------------
def test_delete_snapshot(ec2):
    snap_id = snapshot(ec2, volume(ec2))
    ec2.delete_snapshot(SnapshotId=snap_id)
    assert ids(ec2) == []
    assert fails(ec2.delete_snapshot, SnapshotId=snap_id) == (
        "InvalidSnapshot.NotFound", f"The snapshot '{snap_id}' does not exist.")
    assert fails(ec2.delete_snapshot, SnapshotId="snap-zz") == (
        "InvalidSnapshotID.Malformed", 'Invalid id: "snap-zz" (expecting "snap-...")')


def test_snapshot_of_a_registered_image_cannot_be_deleted(ec2, mock):
    snap_id = snapshot(ec2, volume(ec2))
    image_id = in_use_by(mock, snap_id)
    assert fails(ec2.delete_snapshot, SnapshotId=snap_id) == (
        "InvalidSnapshot.InUse", f"The snapshot {snap_id} is currently in use by {image_id}")
    assert ids(ec2) == [snap_id]
    world = mock.world
    with world.request():
        world.remove(image_id)           # deregistering releases the claim
    ec2.delete_snapshot(SnapshotId=snap_id)
    assert ids(ec2) == []


def test_delete_snapshot_dry_run(ec2):
    snap_id = snapshot(ec2, volume(ec2))
    assert fails(ec2.delete_snapshot, SnapshotId=snap_id, DryRun=True)[0] == "DryRunOperation"
    assert ids(ec2) == [snap_id]


# -- describe -------------------------------------------------------------------------------
def test_describe_snapshots_filters(ec2):
    small, big = volume(ec2, Size=10), volume(ec2, Size=50, Encrypted=True)
    first = snapshot(ec2, small, Description="daily backup", TagSpecifications=[
        {"ResourceType": "snapshot", "Tags": [{"Key": "env", "Value": "prod"}]}])
    second = snapshot(ec2, big, Description="weekly")
    copied = ec2.copy_snapshot(SourceRegion="us-east-1", SourceSnapshotId=first)["SnapshotId"]
    started = described(ec2, first)["StartTime"]
    assert started.microsecond == 0     # to the second, as every StartTime AWS's CLI shows
    start = started.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    cases = {
        "description": (["daily*"], [first]),
        "encrypted": (["true"], [second]),
        "owner-id": ([ACCOUNT], [first, second, copied]),
        "owner-alias": (["amazon"], []),
        "progress": (["100%"], [first, second, copied]),
        "snapshot-id": ([second], [second]),
        "start-time": (["1999-*"], []),
        "status": (["completed"], [first, second, copied]),
        "storage-tier": (["standard"], [first, second, copied]),
        "transfer-type": (["standard"], [copied]),
        "volume-id": ([small], [first]),
        "volume-size": (["50"], [second]),
        "tag:env": (["prod"], [first]),
        "tag-key": (["env"], [first]),
        "tag-value": (["pr*"], [first]),
    }
    for name, (values, expected) in cases.items():
        assert ids(ec2, Filters=[{"Name": name, "Values": values}]) == expected, name
    assert first in ids(ec2, Filters=[{"Name": "start-time", "Values": [start]}])
    assert ids(ec2, Filters=[{"Name": "volume-id", "Values": ["vol-ffffffff"]},
                             {"Name": "volume-size", "Values": ["10"]}]) == [copied]
    assert fails(ec2.describe_snapshots, Filters=[{"Name": "size", "Values": ["1"]}]) == (
        "InvalidParameterValue", "The filter 'size' is invalid")


def test_describe_snapshots_owners_and_restorable_users(ec2):
    snap_id = snapshot(ec2, volume(ec2))
    assert ids(ec2, OwnerIds=["self"]) == [snap_id]
    assert ids(ec2, OwnerIds=[ACCOUNT]) == [snap_id]
    assert ids(ec2, OwnerIds=["amazon"]) == []
    assert ids(ec2, OwnerIds=["111122223333"]) == []
    assert ids(ec2, OwnerIds=["amazon", "self"]) == [snap_id]
    assert ids(ec2, RestorableByUserIds=["self"]) == [snap_id]
    assert ids(ec2, RestorableByUserIds=[ACCOUNT]) == [snap_id]
    assert ids(ec2, RestorableByUserIds=["all"]) == []            # not public
    assert ids(ec2, RestorableByUserIds=["111122223333"]) == []   # not shared
    assert ids(ec2, SnapshotIds=[snap_id], OwnerIds=["amazon"]) == []


def permissions(ec2, snap_id: str) -> list[dict[str, str]]:
    return ec2.describe_snapshot_attribute(SnapshotId=snap_id, Attribute="createVolumePermission")[
        "CreateVolumePermissions"]


def test_share_snapshot_with_accounts_and_publicly(ec2):
    snap_id = snapshot(ec2, volume(ec2))
    assert ec2.describe_snapshot_attribute(SnapshotId=snap_id, Attribute="createVolumePermission")[
        "SnapshotId"] == snap_id
    assert permissions(ec2, snap_id) == []
    assert ec2.describe_snapshot_attribute(SnapshotId=snap_id, Attribute="productCodes")[
        "ProductCodes"] == []
    ec2.modify_snapshot_attribute(SnapshotId=snap_id, Attribute="createVolumePermission",
                                  OperationType="add", UserIds=["111122223333", "444455556666"])
    ec2.modify_snapshot_attribute(SnapshotId=snap_id,
                                  CreateVolumePermission={"Add": [{"Group": "all"}]})
    assert permissions(ec2, snap_id) == [{"UserId": "111122223333"}, {"UserId": "444455556666"},
                                         {"Group": "all"}]
    assert ids(ec2, RestorableByUserIds=["all"]) == [snap_id]
    assert ids(ec2, RestorableByUserIds=["111122223333"]) == [snap_id]
    ec2.modify_snapshot_attribute(SnapshotId=snap_id, OperationType="remove",
                                  UserIds=["111122223333"], GroupNames=["all"])
    assert permissions(ec2, snap_id) == [{"UserId": "444455556666"}]
    ec2.reset_snapshot_attribute(SnapshotId=snap_id, Attribute="createVolumePermission")
    assert permissions(ec2, snap_id) == []


def test_snapshot_attribute_errors(ec2):
    snap_id = snapshot(ec2, volume(ec2))
    assert fails(ec2.modify_snapshot_attribute, SnapshotId=snap_id, OperationType="add",
                 UserIds=["12345"]) == (
        "InvalidAMIAttributeItemValue",
        'Invalid attribute item value "12345" for userId item type.')
    assert fails(ec2.modify_snapshot_attribute, SnapshotId=snap_id, OperationType="add",
                 GroupNames=["everyone"]) == (
        "InvalidAMIAttributeItemValue",
        'Invalid attribute item value "everyone" for UserGroup item type.')
    assert fails(ec2.modify_snapshot_attribute, SnapshotId=snap_id,
                 UserIds=["111122223333"])[0] == "MissingParameter"
    assert fails(ec2.modify_snapshot_attribute, SnapshotId=snap_id, CreateVolumePermission={
        "Add": [{"UserId": "111122223333"}], "Remove": [{"Group": "all"}]})[0] == \
        "InvalidParameterCombination"
    assert fails(ec2.modify_snapshot_attribute, SnapshotId=snap_id, Attribute="productCodes",
                 OperationType="add", UserIds=["111122223333"])[0] == "InvalidParameterValue"
    assert fails(ec2.describe_snapshot_attribute, SnapshotId="snap-0123456789abcdef0",
                 Attribute="createVolumePermission")[0] == "InvalidSnapshot.NotFound"
    assert fails(ec2.reset_snapshot_attribute, SnapshotId=snap_id,
                 Attribute="productCodes")[0] == "InvalidParameterValue"
    assert fails(ec2.modify_snapshot_attribute, SnapshotId=snap_id, OperationType="add",
                 GroupNames=["all"], DryRun=True)[0] == "DryRunOperation"
    assert permissions(ec2, snap_id) == []


def test_encrypted_snapshots_are_never_public_nor_shared_under_the_aws_managed_key(ec2):
    managed = snapshot(ec2, volume(ec2, Encrypted=True))
    assert fails(ec2.modify_snapshot_attribute, SnapshotId=managed, OperationType="add",
                 GroupNames=["all"]) == (
        "UnsupportedOperation",
        "Encrypted snapshots can\u2019t be shared publicly. Specify another snapshot.")
    assert fails(ec2.modify_snapshot_attribute, SnapshotId=managed, OperationType="add",
                 UserIds=["111122223333"])[0] == "InvalidParameter"
    own_key = snapshot(ec2, volume(ec2, Encrypted=True, KmsKeyId="alias/mine"))
    ec2.modify_snapshot_attribute(SnapshotId=own_key, OperationType="add",
                                  UserIds=["111122223333"])
    assert permissions(ec2, own_key) == [{"UserId": "111122223333"}]
    assert permissions(ec2, managed) == []


def test_describe_snapshots_unknown_ids(ec2):
    assert fails(ec2.describe_snapshots, SnapshotIds=["snap-0123456789abcdef0"]) == (
        "InvalidSnapshot.NotFound", "The snapshot 'snap-0123456789abcdef0' does not exist.")


def test_describe_snapshots_pagination(ec2):
    vol_id = volume(ec2)
    made = [snapshot(ec2, vol_id) for _ in range(7)]
    first = ec2.describe_snapshots(MaxResults=5)
    assert [s["SnapshotId"] for s in first["Snapshots"]] == made[:5]
    rest = ec2.describe_snapshots(MaxResults=5, NextToken=first["NextToken"])
    assert [s["SnapshotId"] for s in rest["Snapshots"]] == made[5:] and "NextToken" not in rest
    paginator = ec2.get_paginator("describe_snapshots")
    assert [s["SnapshotId"] for page in paginator.paginate(OwnerIds=["self"],
                                                           PaginationConfig={"PageSize": 5})
            for s in page["Snapshots"]] == made
    assert fails(ec2.describe_snapshots, MaxResults=4)[0] == "InvalidParameterValue"
    assert fails(ec2.describe_snapshots, SnapshotIds=[made[0]], MaxResults=5) == (
        "InvalidParameterCombination",
        "The parameter snapshotSet cannot be used with the parameter maxResults")


def test_snapshots_are_per_account_and_region(ec2):
    snap_id = snapshot(ec2, volume(ec2))
    other = boto3.client("ec2", region_name="us-east-1", aws_access_key_id="111122223333",
                         aws_secret_access_key="x")
    assert other.describe_snapshots()["Snapshots"] == []
    assert fails(other.delete_snapshot, SnapshotId=snap_id)[0] == "InvalidSnapshot.NotFound"
    west = boto3.client("ec2", region_name="us-west-2")
    assert west.describe_snapshots()["Snapshots"] == []


# -- against the server ---------------------------------------------------------------------
def test_snapshot_round_trip_against_server(server_ec2):
    vol_id = server_ec2.create_volume(AvailabilityZone="us-east-1a", Size=3)["VolumeId"]
    created = server_ec2.create_snapshot(VolumeId=vol_id, Description="<nightly> & co")
    assert created["State"] == "pending"
    [found] = server_ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"]
    assert (found["SnapshotId"], found["Description"], found["State"]) == \
        (created["SnapshotId"], "<nightly> & co", "completed")
    copied = server_ec2.copy_snapshot(SourceRegion="us-east-1",
                                      SourceSnapshotId=created["SnapshotId"])["SnapshotId"]
    assert re.fullmatch(r"snap-[0-9a-f]{17}", copied)
    server_ec2.delete_snapshot(SnapshotId=copied)
    with pytest.raises(ClientError) as exc:
        server_ec2.delete_snapshot(SnapshotId=copied)
    assert error(exc)[0] == "InvalidSnapshot.NotFound"
