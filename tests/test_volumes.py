"""EBS volume operations through boto3: create/delete/describe, attach/detach, modifications,
volume status and encryption by default; in-process and against the server."""
from __future__ import annotations

import re
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from helpers import error, fails

ACCOUNT = "123456789012"
KEY_ARN = re.compile(r"arn:aws:kms:us-east-1:123456789012:key/[0-9a-f-]{36}")


def add_instance(mock, zone: str = "us-east-1a", state: str = "running",
                 root: str = "/dev/xvda", region: str = "us-east-1") -> str:
    """A minimal instance node (the instances family owns the real ones)."""
    world = mock.world
    part = world.partition(ACCOUNT, region)
    instance_id = world.new_id("i")
    codes = {"pending": 0, "running": 16, "stopped": 80, "terminated": 48, "stopping": 64}
    world.add(part, "instance", instance_id, Placement={"AvailabilityZone": zone},
              State={"Code": codes[state], "Name": state}, RootDeviceName=root)
    return instance_id


def set_state(mock, instance_id: str, state: str) -> None:
    mock.world.graph.nodes[instance_id]["State"] = {"Code": 0, "Name": state}


def volume(ec2, **kwargs: Any) -> dict[str, Any]:
    params = {"AvailabilityZone": "us-east-1a", "Size": 10, **kwargs}
    return ec2.create_volume(**params)


def described(ec2, vol_id: str) -> dict[str, Any]:
    return ec2.describe_volumes(VolumeIds=[vol_id])["Volumes"][0]


def ids(ec2, **kwargs: Any) -> list[str]:
    return [v["VolumeId"] for v in ec2.describe_volumes(**kwargs)["Volumes"]]


# -- create ---------------------------------------------------------------------------------
def test_create_volume_answers_creating_and_describes_available(ec2):
    created = volume(ec2, Size=50)
    assert created["State"] == "creating"
    assert created["VolumeId"].startswith("vol-") and len(created["VolumeId"]) == 21
    assert (created["Size"], created["VolumeType"], created["Iops"]) == (50, "gp2", 150)
    assert (created["SnapshotId"], created["Encrypted"], created["MultiAttachEnabled"]) == \
        ("", False, False)
    assert (created["AvailabilityZone"], created["AvailabilityZoneId"]) == ("us-east-1a", "use1-az1")
    assert "KmsKeyId" not in created and "Throughput" not in created
    found = described(ec2, created["VolumeId"])
    assert (found["State"], found["Attachments"]) == ("available", [])
    assert found["CreateTime"] == created["CreateTime"]
    assert found["CreateTime"].tzinfo is not None


@pytest.mark.parametrize("size, iops", [(1, 100), (33, 100), (34, 102), (5334, 16000), (16384, 16000)])
def test_gp2_iops_follow_the_size(ec2, size, iops):
    assert volume(ec2, Size=size)["Iops"] == iops


def test_create_volume_by_zone_id(ec2):
    created = ec2.create_volume(AvailabilityZoneId="use1-az2", Size=1)
    assert (created["AvailabilityZone"], created["AvailabilityZoneId"]) == ("us-east-1b", "use1-az2")


def test_create_volume_zone_errors(ec2):
    assert fails(ec2.create_volume, Size=1) == (
        "MissingParameter", "The request must contain the parameter zone")
    assert fails(ec2.create_volume, Size=1, AvailabilityZone="us-east-1a",
                 AvailabilityZoneId="use1-az1") == (
        "InvalidParameterCombination", "AvailabilityZone and AvailabilityZoneId can't be used "
        "together. Specify only one of these parameters.")
    assert fails(ec2.create_volume, Size=1, AvailabilityZone="us-west-2a") == (
        "InvalidZone.NotFound", "The zone 'us-west-2a' does not exist.")
    assert fails(ec2.create_volume, Size=1, AvailabilityZoneId="use1-az9") == (
        "InvalidZone.NotFound", "The zone 'use1-az9' does not exist.")
    assert ids(ec2) == []


def test_create_volume_needs_size_or_snapshot(ec2):
    assert fails(ec2.create_volume, AvailabilityZone="us-east-1a") == (
        "MissingParameter", "The request must contain the parameter size/snapshot")


@pytest.mark.parametrize("vtype, small, large, low, high, extra", [
    ("gp2", 0, 16385, 1, 16384, {}),
    ("gp3", 0, 65537, 1, 65536, {}),
    ("io1", 3, 16385, 4, 16384, {"Iops": 100}),
    ("io2", 3, 65537, 4, 65536, {"Iops": 100}),
    ("st1", 124, 16385, 125, 16384, {}),
    ("sc1", 124, 16385, 125, 16384, {}),
    ("standard", 0, 1025, 1, 1024, {}),
])
def test_size_limits_per_type(ec2, vtype, small, large, low, high, extra):
    assert fails(volume, ec2, VolumeType=vtype, Size=small, **extra) == (
        "InvalidParameterValue",
        f"The volume size is invalid for {vtype} volumes: {small} GiB. {vtype} volumes must be "
        f"at least {low} GiB in size. Please specify a volume size above the minimum limit.")
    assert fails(volume, ec2, VolumeType=vtype, Size=large, **extra) == (
        "InvalidParameterValue",
        f"Volume of {large}GiB is too large for volume type {vtype}; maximum is {high}GiB")
    for size in (low, high):
        assert volume(ec2, VolumeType=vtype, Size=size, **extra)["Size"] == size
    assert len(ids(ec2)) == 2


@pytest.mark.parametrize("vtype", ["gp2", "st1", "sc1", "standard"])
def test_iops_refused_for_types_without_provisioned_iops(ec2, vtype):
    assert fails(volume, ec2, VolumeType=vtype, Size=500, Iops=3000) == (
        "InvalidParameterCombination", f"The parameter iops is not supported for {vtype} volumes.")


@pytest.mark.parametrize("vtype", ["st1", "sc1", "standard"])
def test_hdd_and_magnetic_volumes_report_no_iops(ec2, vtype):
    created = volume(ec2, VolumeType=vtype, Size=500)
    assert "Iops" not in created and "Iops" not in described(ec2, created["VolumeId"])


@pytest.mark.parametrize("vtype, ratio, most", [("io1", 50, 64000), ("io2", 1000, 256000)])
def test_provisioned_iops_rules(ec2, vtype, ratio, most):
    assert fails(volume, ec2, VolumeType=vtype, Size=100) == (
        "InvalidParameterCombination", f"The parameter iops must be specified for {vtype} volumes.")
    assert fails(volume, ec2, VolumeType=vtype, Size=100, Iops=99) == (
        "InvalidParameterValue", "Volume iops of 99 is too low; minimum is 100.")
    assert fails(volume, ec2, VolumeType=vtype, Size=10000, Iops=most + 1) == (
        "InvalidParameterValue", f"Volume iops of {most + 1} is too high; maximum is {most}.")
    assert fails(volume, ec2, VolumeType=vtype, Size=10, Iops=10 * ratio + 10) == (
        "InvalidParameterValue",
        f"Iops to volume size ratio of {ratio + 1:.6f} is too high; maximum is {ratio}")
    created = volume(ec2, VolumeType=vtype, Size=10, Iops=10 * ratio)
    assert (created["Iops"], created["VolumeType"]) == (10 * ratio, vtype)
    assert "Throughput" not in created


def test_gp3_defaults_and_limits(ec2):
    created = volume(ec2, VolumeType="gp3", Size=1)
    assert (created["Iops"], created["Throughput"]) == (3000, 125)   # baseline at any size
    tuned = volume(ec2, VolumeType="gp3", Size=100, Iops=16000, Throughput=1000)
    assert (tuned["Iops"], tuned["Throughput"]) == (16000, 1000)
    assert fails(volume, ec2, VolumeType="gp3", Size=100, Iops=2999) == (
        "InvalidParameterValue", "Volume iops of 2999 is too low; minimum is 3000.")
    assert fails(volume, ec2, VolumeType="gp3", Size=200, Iops=80001) == (
        "InvalidParameterValue", "Volume iops of 80001 is too high; maximum is 80000.")
    assert fails(volume, ec2, VolumeType="gp3", Size=7, Iops=4000) == (
        "InvalidParameterValue", "Iops to volume size ratio of 571.428571 is too high; maximum is 500")
    assert fails(volume, ec2, VolumeType="gp3", Size=100, Throughput=124) == (
        "InvalidParameterValue", "Volume throughput of 124 is too low; minimum is 125.")
    assert fails(volume, ec2, VolumeType="gp3", Size=100, Iops=10000, Throughput=2001) == (
        "InvalidParameterValue", "Volume throughput of 2001 is too high; maximum is 2000.")
    assert fails(volume, ec2, VolumeType="gp3", Size=100, Throughput=1000) == (
        "InvalidParameterValue", "Throughput (MiBps) to iops ratio of 0.333333 is too high; "
        "maximum is 0.250000 MiBps per iops")
    assert len(ids(ec2)) == 2


@pytest.mark.parametrize("vtype, extra", [("gp2", {}), ("io1", {"Iops": 100})])
def test_throughput_only_for_gp3(ec2, vtype, extra):
    assert fails(volume, ec2, VolumeType=vtype, Size=100, Throughput=200, **extra) == (
        "InvalidParameterCombination", f"The parameter throughput is not supported for {vtype} volumes.")


def test_multi_attach_only_for_provisioned_iops(ec2):
    assert fails(volume, ec2, VolumeType="gp3", MultiAttachEnabled=True) == (
        "InvalidParameterCombination",
        "The parameter multiAttachEnabled is not supported for gp3 volumes.")
    created = volume(ec2, VolumeType="io2", Iops=100, MultiAttachEnabled=True)
    assert created["MultiAttachEnabled"] is True


def test_create_volume_tags_and_their_rules(ec2):
    created = volume(ec2, TagSpecifications=[
        {"ResourceType": "volume", "Tags": [{"Key": "Name", "Value": "data & <logs>"}]}])
    assert created["Tags"] == [{"Key": "Name", "Value": "data & <logs>"}]
    assert described(ec2, created["VolumeId"])["Tags"] == created["Tags"]
    assert fails(volume, ec2, TagSpecifications=[
        {"ResourceType": "snapshot", "Tags": [{"Key": "a", "Value": "b"}]}]) == (
        "InvalidParameterValue", "'snapshot' is not a valid taggable resource type for this operation.")
    assert ids(ec2) == [created["VolumeId"]]


def test_client_token_makes_create_volume_idempotent(ec2):
    first = volume(ec2, ClientToken="token-1")
    again = volume(ec2, ClientToken="token-1")
    assert again["VolumeId"] == first["VolumeId"]
    assert fails(volume, ec2, ClientToken="token-1", Size=11)[0] == "IdempotentParameterMismatch"
    assert ids(ec2) == [first["VolumeId"]]


def test_dry_run_validates_and_creates_nothing(ec2):
    assert fails(volume, ec2, DryRun=True) == (
        "DryRunOperation", "Request would have succeeded, but DryRun flag is set.")
    assert fails(volume, ec2, DryRun=True, Size=0)[0] == "InvalidParameterValue"
    assert ids(ec2) == []


def test_initialization_rate_needs_a_snapshot(ec2):
    assert fails(volume, ec2, VolumeInitializationRate=200) == (
        "InvalidParameterCombination",
        "You can't specify VolumeInitializationRate for volumes that are not created from a "
        "snapshot.")


# -- encryption -----------------------------------------------------------------------------
def test_encrypted_volume_uses_the_aws_managed_key(ec2):
    first = volume(ec2, Encrypted=True)
    second = volume(ec2, Encrypted=True)
    assert first["Encrypted"] is True
    assert KEY_ARN.fullmatch(first["KmsKeyId"])
    assert second["KmsKeyId"] == first["KmsKeyId"]          # one AWS managed key per region
    west = boto3.client("ec2", region_name="us-west-2")
    other = west.create_volume(AvailabilityZone="us-west-2a", Size=1, Encrypted=True)
    assert other["KmsKeyId"].startswith("arn:aws:kms:us-west-2:123456789012:key/")


def test_kms_key_needs_encrypted(ec2):
    key = "1234abcd-12ab-34cd-56ef-1234567890ab"
    assert fails(volume, ec2, KmsKeyId=key) == (
        "InvalidParameterDependency", "The parameter KmsKeyId requires the parameter Encrypted to be set.")
    assert fails(volume, ec2, KmsKeyId=key, Encrypted=False)[0] == "InvalidParameterDependency"
    assert ids(ec2) == []


@pytest.mark.parametrize("given, expected", [
    ("1234abcd-12ab-34cd-56ef-1234567890ab",
     "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"),
    ("arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
     "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"),
])
def test_kms_key_id_forms(ec2, given, expected):
    assert volume(ec2, Encrypted=True, KmsKeyId=given)["KmsKeyId"] == expected


def test_aliases_resolve_to_key_arns(ec2):
    by_alias = volume(ec2, Encrypted=True, KmsKeyId="alias/mine")["KmsKeyId"]
    by_alias_arn = volume(ec2, Encrypted=True,
                          KmsKeyId="arn:aws:kms:us-east-1:123456789012:alias/mine")["KmsKeyId"]
    assert KEY_ARN.fullmatch(by_alias) and by_alias == by_alias_arn
    default = volume(ec2, Encrypted=True)["KmsKeyId"]
    assert volume(ec2, Encrypted=True, KmsKeyId="alias/aws/ebs")["KmsKeyId"] == default
    assert by_alias != default


def test_encryption_by_default_per_region(ec2):
    assert ec2.get_ebs_encryption_by_default()["EbsEncryptionByDefault"] is False
    assert ec2.enable_ebs_encryption_by_default()["EbsEncryptionByDefault"] is True
    assert ec2.get_ebs_encryption_by_default()["EbsEncryptionByDefault"] is True
    forced = volume(ec2, Encrypted=False)
    assert forced["Encrypted"] is True and KEY_ARN.fullmatch(forced["KmsKeyId"])
    west = boto3.client("ec2", region_name="us-west-2")
    assert west.get_ebs_encryption_by_default()["EbsEncryptionByDefault"] is False
    assert west.create_volume(AvailabilityZone="us-west-2a", Size=1)["Encrypted"] is False
    assert ec2.disable_ebs_encryption_by_default()["EbsEncryptionByDefault"] is False
    assert volume(ec2)["Encrypted"] is False


def test_encryption_by_default_per_account(ec2):
    ec2.enable_ebs_encryption_by_default()
    other = boto3.client("ec2", region_name="us-east-1", aws_access_key_id="111122223333",
                         aws_secret_access_key="x")
    assert other.get_ebs_encryption_by_default()["EbsEncryptionByDefault"] is False


def test_encryption_by_default_dry_run_changes_nothing(ec2):
    assert fails(ec2.enable_ebs_encryption_by_default, DryRun=True)[0] == "DryRunOperation"
    assert ec2.get_ebs_encryption_by_default()["EbsEncryptionByDefault"] is False
    assert fails(ec2.get_ebs_encryption_by_default, DryRun=True)[0] == "DryRunOperation"


def test_default_kms_key_can_be_changed_and_reset(ec2):
    assert ec2.get_ebs_default_kms_key_id()["KmsKeyId"] == "alias/aws/ebs"
    managed = volume(ec2, Encrypted=True)["KmsKeyId"]
    key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    assert ec2.modify_ebs_default_kms_key_id(KmsKeyId=key)["KmsKeyId"] == key
    assert ec2.get_ebs_default_kms_key_id()["KmsKeyId"] == key
    assert volume(ec2, Encrypted=True)["KmsKeyId"] == key
    assert ec2.reset_ebs_default_kms_key_id()["KmsKeyId"] == managed
    assert ec2.get_ebs_default_kms_key_id()["KmsKeyId"] == "alias/aws/ebs"
    assert volume(ec2, Encrypted=True)["KmsKeyId"] == managed


# -- delete ---------------------------------------------------------------------------------
def test_delete_volume(ec2):
    vol_id = volume(ec2)["VolumeId"]
    ec2.delete_volume(VolumeId=vol_id)
    assert ids(ec2) == []
    assert fails(ec2.delete_volume, VolumeId=vol_id) == (
        "InvalidVolume.NotFound", f"The volume '{vol_id}' does not exist.")
    assert fails(ec2.describe_volumes, VolumeIds=[vol_id]) == (
        "InvalidVolume.NotFound", f"The volume '{vol_id}' does not exist.")
    assert fails(ec2.delete_volume, VolumeId="vol-nothex") == (
        "InvalidVolumeID.Malformed", 'Invalid id: "vol-nothex" (expecting "vol-...")')


def test_attached_volume_cannot_be_deleted(ec2, mock):
    instance_id = add_instance(mock)
    vol_id = volume(ec2)["VolumeId"]
    ec2.attach_volume(VolumeId=vol_id, InstanceId=instance_id, Device="/dev/sdf")
    assert fails(ec2.delete_volume, VolumeId=vol_id) == (
        "VolumeInUse", f"Volume {vol_id} is currently attached to {instance_id}")
    assert described(ec2, vol_id)["State"] == "in-use"


# -- attach / detach --------------------------------------------------------------------------
def test_attach_and_detach(ec2, mock):
    instance_id = add_instance(mock)
    vol_id = volume(ec2)["VolumeId"]
    attached = ec2.attach_volume(VolumeId=vol_id, InstanceId=instance_id, Device="/dev/sdf")
    assert (attached["State"], attached["Device"], attached["InstanceId"], attached["VolumeId"]) \
        == ("attaching", "/dev/sdf", instance_id, vol_id)
    assert attached["AttachTime"].tzinfo is not None
    found = described(ec2, vol_id)
    assert found["State"] == "in-use"
    assert found["Attachments"] == [{
        "AttachTime": attached["AttachTime"], "Device": "/dev/sdf", "InstanceId": instance_id,
        "State": "attached", "VolumeId": vol_id, "DeleteOnTermination": False}]
    detached = ec2.detach_volume(VolumeId=vol_id)
    assert (detached["State"], detached["InstanceId"], detached["Device"]) == \
        ("detaching", instance_id, "/dev/sdf")
    found = described(ec2, vol_id)
    assert (found["State"], found["Attachments"]) == ("available", [])
    ec2.attach_volume(VolumeId=vol_id, InstanceId=instance_id, Device="/dev/sdf")   # free again


def test_attach_errors_leave_state_unchanged(ec2, mock):
    here = add_instance(mock)
    elsewhere = add_instance(mock, zone="us-east-1b")
    vol_id = volume(ec2)["VolumeId"]
    other_id = volume(ec2)["VolumeId"]
    assert fails(ec2.attach_volume, VolumeId=vol_id, InstanceId=elsewhere, Device="/dev/sdf") == (
        "InvalidVolume.ZoneMismatch",
        f"The volume '{vol_id}' is not in the same availability zone as instance '{elsewhere}'")
    assert fails(ec2.attach_volume, VolumeId=vol_id, InstanceId="i-0123456789abcdef0",
                 Device="/dev/sdf") == (
        "InvalidInstanceID.NotFound", "The instance ID 'i-0123456789abcdef0' does not exist")
    assert fails(ec2.attach_volume, VolumeId="vol-0123456789abcdef0", InstanceId=here,
                 Device="/dev/sdf") == (
        "InvalidVolume.NotFound", "The volume 'vol-0123456789abcdef0' does not exist.")
    ec2.attach_volume(VolumeId=vol_id, InstanceId=here, Device="/dev/sdf")
    assert fails(ec2.attach_volume, VolumeId=vol_id, InstanceId=here, Device="/dev/sdg") == (
        "VolumeInUse", f"{vol_id} is already attached to an instance")
    assert fails(ec2.attach_volume, VolumeId=other_id, InstanceId=here, Device="/dev/sdf") == (
        "InvalidParameterValue",
        "Invalid value '/dev/sdf' for unixDevice. Attachment point /dev/sdf is already in use")
    assert described(ec2, other_id)["State"] == "available"
    assert [a["Device"] for a in described(ec2, vol_id)["Attachments"]] == ["/dev/sdf"]


@pytest.mark.parametrize("device", ["/dev/sdi1", "/dev/sdba", "/dev/xvdeo", "/dev/nvme1n1",
                                    "Disk_D", "sdf", "/dev/sd"])
def test_invalid_device_names(ec2, mock, device):
    instance_id = add_instance(mock)
    vol_id = volume(ec2)["VolumeId"]
    assert fails(ec2.attach_volume, VolumeId=vol_id, InstanceId=instance_id, Device=device) == (
        "InvalidParameterValue",
        f"Value ({device}) for parameter device is invalid. {device} is not a valid EBS device name.")


@pytest.mark.parametrize("device", ["/dev/sdf", "/dev/sdp", "/dev/sda1", "/dev/xvdh",
                                    "/dev/xvdba", "xvdh", "xvdcz"])
def test_valid_device_names(ec2, mock, device):
    instance_id = add_instance(mock, root="/dev/other")
    vol_id = volume(ec2)["VolumeId"]
    assert ec2.attach_volume(VolumeId=vol_id, InstanceId=instance_id, Device=device)["Device"] == device


def test_attach_needs_a_running_or_stopped_instance(ec2, mock):
    vol_id = volume(ec2)["VolumeId"]
    pending = add_instance(mock, state="pending")
    assert fails(ec2.attach_volume, VolumeId=vol_id, InstanceId=pending, Device="/dev/sdf") == (
        "IncorrectState", f"Instance '{pending}' is not 'running'.")
    stopped = add_instance(mock, state="stopped")
    assert ec2.attach_volume(VolumeId=vol_id, InstanceId=stopped, Device="/dev/sdf")["State"] == \
        "attaching"


def test_multi_attach_volume_attaches_to_several_instances(ec2, mock):
    first, second = add_instance(mock), add_instance(mock)
    vol_id = volume(ec2, VolumeType="io2", Iops=1000, MultiAttachEnabled=True)["VolumeId"]
    ec2.attach_volume(VolumeId=vol_id, InstanceId=first, Device="/dev/sdf")
    ec2.attach_volume(VolumeId=vol_id, InstanceId=second, Device="/dev/sdg")
    assert fails(ec2.attach_volume, VolumeId=vol_id, InstanceId=first, Device="/dev/sdh")[0] == \
        "VolumeInUse"
    found = described(ec2, vol_id)
    assert sorted(a["InstanceId"] for a in found["Attachments"]) == sorted([first, second])
    assert fails(ec2.detach_volume, VolumeId=vol_id) == (
        "MissingParameter", "The request must contain the parameter instanceId")
    ec2.detach_volume(VolumeId=vol_id, InstanceId=first)
    found = described(ec2, vol_id)
    assert ([a["InstanceId"] for a in found["Attachments"]], found["State"]) == ([second], "in-use")
    ec2.detach_volume(VolumeId=vol_id)
    assert described(ec2, vol_id)["State"] == "available"


def test_detach_errors(ec2, mock):
    instance_id, other = add_instance(mock), add_instance(mock)
    vol_id = volume(ec2)["VolumeId"]
    assert fails(ec2.detach_volume, VolumeId=vol_id) == (
        "IncorrectState", f"Volume '{vol_id}' is in the 'available' state.")
    ec2.attach_volume(VolumeId=vol_id, InstanceId=instance_id, Device="/dev/sdf")
    assert fails(ec2.detach_volume, VolumeId=vol_id, InstanceId=other) == (
        "InvalidAttachment.NotFound", f"Volume '{vol_id}' is not attached to instance '{other}'")
    assert fails(ec2.detach_volume, VolumeId=vol_id, Device="/dev/sdg") == (
        "InvalidAttachment.NotFound",
        f"The volume {vol_id} is not attached to instance {instance_id} as device /dev/sdg")
    assert fails(ec2.detach_volume, VolumeId=vol_id, InstanceId="i-0123456789abcdef0")[0] == \
        "InvalidInstanceID.NotFound"
    assert fails(ec2.detach_volume, VolumeId=vol_id, DryRun=True)[0] == "DryRunOperation"
    assert described(ec2, vol_id)["State"] == "in-use"
    assert ec2.detach_volume(VolumeId=vol_id, InstanceId=instance_id, Device="/dev/sdf",
                             Force=True)["State"] == "detaching"


def test_root_volume_detaches_only_from_a_stopped_instance(ec2, mock):
    instance_id = add_instance(mock, root="/dev/xvda")
    vol_id = volume(ec2)["VolumeId"]
    ec2.attach_volume(VolumeId=vol_id, InstanceId=instance_id, Device="/dev/xvda")
    for force in (False, True):
        assert fails(ec2.detach_volume, VolumeId=vol_id, Force=force) == (
            "IncorrectState", f"Unable to detach root volume '{vol_id}' from instance '{instance_id}'")
    set_state(mock, instance_id, "stopped")
    assert ec2.detach_volume(VolumeId=vol_id)["State"] == "detaching"


def test_instance_contract_functions(ec2, mock):
    from topology.compute import volumes

    world = mock.world
    part = world.partition(ACCOUNT, "us-east-1")
    instance_id = add_instance(mock, state="pending")
    with world.request():
        root = volumes.create(world, part, zone="us-east-1a", size=8, volume_type="gp3")
        volumes.attach(world, part, root, instance_id, "/dev/xvda", delete_on_termination=True,
                       at_launch=True)
        data = volumes.create(world, part, zone="us-east-1a", snapshot_id="snap-0123456789abcdef0",
                              snapshot_size=20)
        volumes.attach(world, part, data, instance_id, "/dev/sdf", at_launch=True)
    mappings = volumes.instance_mappings(world, instance_id)
    assert [(m["DeviceName"], m["Ebs"]["VolumeId"], m["Ebs"]["DeleteOnTermination"],
             m["Ebs"]["Status"]) for m in mappings] == [
        ("/dev/xvda", root, True, "attached"), ("/dev/sdf", data, False, "attached")]
    assert described(ec2, data)["Size"] == 20
    assert volumes.root_volume(world, instance_id) == root
    with world.request():
        volumes.set_delete_on_termination(world, instance_id, "/dev/sdf", True)
        volumes.set_delete_on_termination(world, instance_id, "/dev/xvda", False)
        assert volumes.release_instance(world, part, instance_id) == [data]
    assert ids(ec2) == [root]
    assert described(ec2, root)["State"] == "available"


# -- describe -------------------------------------------------------------------------------
def test_describe_volumes_filters(ec2, mock):
    instance_id = add_instance(mock)
    gp3 = volume(ec2, VolumeType="gp3", Size=20, Encrypted=True, TagSpecifications=[
        {"ResourceType": "volume", "Tags": [{"Key": "team", "Value": "blue"}]}])["VolumeId"]
    io2 = volume(ec2, VolumeType="io2", Iops=500, Size=8, AvailabilityZone="us-east-1b",
                 MultiAttachEnabled=True)["VolumeId"]
    gp2 = volume(ec2, Size=10)["VolumeId"]
    attached = ec2.attach_volume(VolumeId=gp2, InstanceId=instance_id, Device="/dev/sdh")
    cases = {
        "attachment.instance-id": ([instance_id], [gp2]),
        "attachment.device": (["/dev/sdh"], [gp2]),
        "attachment.status": (["attached"], [gp2]),
        "attachment.delete-on-termination": (["false"], [gp2]),
        # AWS gives attachment times to the whole second (every AttachTime the AWS CLI
        # reference shows ends in .000Z), so the time as written matches
        "attachment.attach-time": ([attached["AttachTime"].strftime("%Y-%m-%dT%H:%M:%S.000Z")],
                                   [gp2]),
        "availability-zone": (["us-east-1b"], [io2]),
        "availability-zone-id": (["use1-az1"], [gp3, gp2]),
        "encrypted": (["true"], [gp3]),
        "multi-attach-enabled": (["true"], [io2]),
        "fast-restored": (["false"], [gp3, io2, gp2]),
        "size": (["20", "10"], [gp3, gp2]),
        "status": (["in-use"], [gp2]),
        "volume-id": ([io2], [io2]),
        "volume-type": (["gp*"], [gp3, gp2]),
        "tag:team": (["blue"], [gp3]),
        "tag-key": (["team"], [gp3]),
        "tag-value": (["bl?e"], [gp3]),
        "create-time": (["20*"], [gp3, io2, gp2]),
        "snapshot-id": (["snap-0123456789abcdef0"], []),
    }
    for name, (values, expected) in cases.items():
        assert ids(ec2, Filters=[{"Name": name, "Values": values}]) == expected, name
    assert ids(ec2, Filters=[{"Name": "volume-type", "Values": ["gp2", "gp3"]},
                             {"Name": "status", "Values": ["available"]}]) == [gp3]
    assert ids(ec2, Filters=[{"Name": "attachment.instance-id",
                              "Values": ["i-0123456789abcdef0"]}]) == []
    assert fails(ec2.describe_volumes, Filters=[{"Name": "bogus", "Values": ["x"]}]) == (
        "InvalidParameterValue", "The filter 'bogus' is invalid")


def test_describe_volumes_pagination(ec2):
    made = [volume(ec2, Size=i + 1)["VolumeId"] for i in range(7)]
    first = ec2.describe_volumes(MaxResults=5)
    assert [v["VolumeId"] for v in first["Volumes"]] == made[:5]
    ec2.delete_volume(VolumeId=made[5])
    rest = ec2.describe_volumes(MaxResults=5, NextToken=first["NextToken"])
    assert [v["VolumeId"] for v in rest["Volumes"]] == [made[6]]
    assert "NextToken" not in rest
    paginator = ec2.get_paginator("describe_volumes")
    assert [v["VolumeId"] for page in paginator.paginate(PaginationConfig={"PageSize": 5})
            for v in page["Volumes"]] == made[:5] + [made[6]]
    assert len(ec2.describe_volumes(MaxResults=1000)["Volumes"]) == 6   # capped at 500
    assert fails(ec2.describe_volumes, MaxResults=4) == (
        "InvalidParameterValue",
        "Value ( 4 ) for parameter maxResults is invalid. Expecting a value greater than 5.")
    assert fails(ec2.describe_volumes, VolumeIds=[made[0]], MaxResults=5) == (
        "InvalidParameterCombination", "The parameter volumeSet cannot be used with the parameter maxResults")


def test_accounts_and_regions_are_isolated(ec2):
    vol_id = volume(ec2)["VolumeId"]
    west = boto3.client("ec2", region_name="us-west-2")
    assert west.describe_volumes()["Volumes"] == []
    assert fails(west.describe_volumes, VolumeIds=[vol_id])[0] == "InvalidVolume.NotFound"
    other = boto3.client("ec2", region_name="us-east-1", aws_access_key_id="111122223333",
                         aws_secret_access_key="x")
    assert other.describe_volumes()["Volumes"] == []
    assert fails(other.delete_volume, VolumeId=vol_id)[0] == "InvalidVolume.NotFound"


# -- modify ---------------------------------------------------------------------------------
def test_modify_volume_size_and_type(ec2):
    vol_id = volume(ec2, Size=10)["VolumeId"]
    change = ec2.modify_volume(VolumeId=vol_id, Size=100, VolumeType="gp3")["VolumeModification"]
    assert change["ModificationState"] == "modifying" and change["Progress"] == 0
    assert (change["OriginalSize"], change["OriginalVolumeType"], change["OriginalIops"]) == \
        (10, "gp2", 100)
    assert (change["TargetSize"], change["TargetVolumeType"], change["TargetIops"],
            change["TargetThroughput"]) == (100, "gp3", 3000, 125)
    assert "EndTime" not in change
    found = described(ec2, vol_id)
    assert (found["Size"], found["VolumeType"], found["Iops"], found["Throughput"]) == \
        (100, "gp3", 3000, 125)
    [done] = ec2.describe_volumes_modifications(VolumeIds=[vol_id])["VolumesModifications"]
    assert (done["ModificationState"], done["Progress"]) == ("completed", 100)
    assert done["StartTime"] == change["StartTime"] and "EndTime" in done
    # gp3 -> gp3 keeps IOPS and throughput unless given
    ec2.modify_volume(VolumeId=vol_id, Iops=6000, Throughput=500)
    ec2.modify_volume(VolumeId=vol_id, Size=200)
    found = described(ec2, vol_id)
    assert (found["Size"], found["Iops"], found["Throughput"]) == (200, 6000, 500)
    # back to gp2: IOPS follow the size, throughput goes away
    ec2.modify_volume(VolumeId=vol_id, VolumeType="gp2")
    found = described(ec2, vol_id)
    assert (found["VolumeType"], found["Iops"]) == ("gp2", 600) and "Throughput" not in found


def test_modify_volume_errors_change_nothing(ec2):
    vol_id = volume(ec2, Size=20)["VolumeId"]
    assert fails(ec2.modify_volume, VolumeId=vol_id, Size=19) == (
        "InvalidParameterValue", "New size cannot be smaller than existing size")
    assert fails(ec2.modify_volume, VolumeId=vol_id) == (
        "InvalidParameterValue",
        "Invalid input: Must specify at least one of size, type, iops, throughput or multi-attach.")
    assert fails(ec2.modify_volume, VolumeId=vol_id, Iops=3000) == (
        "InvalidParameterCombination", "The parameter iops is not supported for gp2 volumes.")
    assert fails(ec2.modify_volume, VolumeId=vol_id, VolumeType="io1") == (   # 3000 IOPS default
        "InvalidParameterValue", "Iops to volume size ratio of 150.000000 is too high; maximum is 50")
    assert fails(ec2.modify_volume, VolumeId=vol_id, VolumeType="st1") == (
        "InvalidParameterValue",
        "The volume size is invalid for st1 volumes: 20 GiB. st1 volumes must be at least 125 GiB "
        "in size. Please specify a volume size above the minimum limit.")
    assert fails(ec2.modify_volume, VolumeId=vol_id, MultiAttachEnabled=True) == (
        "InvalidParameterCombination",
        "The parameter multiAttachEnabled is not supported for gp2 volumes.")
    assert fails(ec2.modify_volume, VolumeId="vol-0123456789abcdef0", Size=30)[0] == \
        "InvalidVolume.NotFound"
    assert fails(ec2.modify_volume, VolumeId=vol_id, Size=30, DryRun=True)[0] == "DryRunOperation"
    found = described(ec2, vol_id)
    assert (found["Size"], found["VolumeType"]) == (20, "gp2")
    assert fails(ec2.describe_volumes_modifications, VolumeIds=[vol_id]) == (
        "InvalidVolumeModification.NotFound", f"Modification for volume '{vol_id}' does not exist.")
    assert ec2.describe_volumes_modifications()["VolumesModifications"] == []


def test_modify_volume_to_io1_with_iops(ec2):
    vol_id = volume(ec2, Size=100)["VolumeId"]
    change = ec2.modify_volume(VolumeId=vol_id, VolumeType="io1", Iops=5000)["VolumeModification"]
    assert (change["TargetVolumeType"], change["TargetIops"]) == ("io1", 5000)
    ec2.modify_volume(VolumeId=vol_id, MultiAttachEnabled=True)
    assert described(ec2, vol_id)["MultiAttachEnabled"] is True


def test_four_modifications_per_day(ec2):
    vol_id = volume(ec2, Size=10)["VolumeId"]
    for size in (11, 12, 13, 14):
        ec2.modify_volume(VolumeId=vol_id, Size=size)
    code, message = fails(ec2.modify_volume, VolumeId=vol_id, Size=15)
    assert code == "VolumeModificationRateExceeded"
    assert re.fullmatch(r"You've reached the maximum modification rate per volume limit\. Wait "
                        r"until \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z before you can issue the "
                        r"next modification request for this volume\.", message)
    assert described(ec2, vol_id)["Size"] == 14


def test_describe_volumes_modifications_filters(ec2):
    small = volume(ec2, Size=10)["VolumeId"]
    big = volume(ec2, Size=50)["VolumeId"]
    volume(ec2)
    ec2.modify_volume(VolumeId=small, Size=20)
    ec2.modify_volume(VolumeId=big, VolumeType="gp3")

    def modified(**kwargs: Any) -> list[str]:
        return [m["VolumeId"] for m in
                ec2.describe_volumes_modifications(**kwargs)["VolumesModifications"]]
    assert modified() == [small, big]
    for name, values, expected in (("target-size", ["20"], [small]),
                                   ("original-size", ["50"], [big]),
                                   ("target-volume-type", ["gp3"], [big]),
                                   ("original-volume-type", ["gp2"], [small, big]),
                                   ("modification-state", ["completed"], [small, big]),
                                   ("target-iops", ["3000"], [big]),
                                   ("volume-id", [small], [small])):
        assert modified(Filters=[{"Name": name, "Values": values}]) == expected, name
    assert modified(MaxResults=1) == [small]


# -- status ---------------------------------------------------------------------------------
def test_describe_volume_status(ec2):
    gp2 = volume(ec2)["VolumeId"]
    io1 = volume(ec2, VolumeType="io1", Iops=100, AvailabilityZone="us-east-1c")["VolumeId"]
    statuses = {s["VolumeId"]: s for s in ec2.describe_volume_status()["VolumeStatuses"]}
    assert set(statuses) == {gp2, io1}
    item = statuses[gp2]
    assert (item["AvailabilityZone"], item["Events"], item["Actions"]) == ("us-east-1a", [], [])
    assert item["VolumeStatus"] == {"Status": "ok", "Details": [
        {"Name": "io-enabled", "Status": "passed"},
        {"Name": "io-performance", "Status": "not-applicable"}]}
    assert statuses[io1]["VolumeStatus"]["Details"][1] == {"Name": "io-performance",
                                                          "Status": "normal"}

    def status_ids(**kwargs: Any) -> list[str]:
        return [s["VolumeId"] for s in ec2.describe_volume_status(**kwargs)["VolumeStatuses"]]
    assert status_ids(VolumeIds=[io1]) == [io1]
    assert status_ids(Filters=[{"Name": "availability-zone", "Values": ["us-east-1c"]}]) == [io1]
    assert status_ids(Filters=[{"Name": "volume-status.status", "Values": ["ok"]}]) == [gp2, io1]
    assert status_ids(Filters=[{"Name": "volume-status.details-status",
                                "Values": ["normal"]}]) == [io1]
    assert status_ids(Filters=[{"Name": "event.event-type", "Values": ["*"]}]) == []
    assert fails(ec2.describe_volume_status, Filters=[{"Name": "size", "Values": ["1"]}]) == (
        "InvalidParameterValue", "The filter 'size' is invalid")
    assert fails(ec2.describe_volume_status, VolumeIds=["vol-0123456789abcdef0"])[0] == \
        "InvalidVolume.NotFound"


# -- against the server ---------------------------------------------------------------------
def test_volume_round_trip_against_server(server_ec2):
    created = server_ec2.create_volume(AvailabilityZone="us-east-1a", Size=8, VolumeType="gp3",
                                       TagSpecifications=[{"ResourceType": "volume", "Tags": [
                                           {"Key": "Name", "Value": "<data>"}]}])
    assert created["State"] == "creating"
    found = server_ec2.describe_volumes(Filters=[{"Name": "tag:Name", "Values": ["<data>"]}])
    [vol] = found["Volumes"]
    assert (vol["VolumeId"], vol["State"], vol["Throughput"]) == (created["VolumeId"], "available", 125)
    server_ec2.modify_volume(VolumeId=vol["VolumeId"], Size=16)
    assert server_ec2.describe_volumes()["Volumes"][0]["Size"] == 16
    server_ec2.delete_volume(VolumeId=vol["VolumeId"])
    with pytest.raises(ClientError) as exc:
        server_ec2.delete_volume(VolumeId=vol["VolumeId"])
    assert error(exc)[0] == "InvalidVolume.NotFound"


def test_encryption_by_default_against_server(server_ec2):
    assert server_ec2.enable_ebs_encryption_by_default()["EbsEncryptionByDefault"] is True
    created = server_ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)
    assert created["Encrypted"] is True and KEY_ARN.fullmatch(created["KmsKeyId"])
    assert server_ec2.disable_ebs_encryption_by_default()["EbsEncryptionByDefault"] is False
