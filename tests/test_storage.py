"""The EBS long tail: snapshot locks, fast snapshot restores, the archive tier, snapshot block
public access, associated KMS keys, volume attributes and copies, replace root volume tasks,
declarative policies reports (in-process and against the server)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from api import mock_ec2
from helpers import fails

AMI = "ami-057c3ffbeeff55523"
ZONE = "us-east-1a"


def _snapshot(ec2: Any, **volume: Any) -> str:
    vol = ec2.create_volume(AvailabilityZone=ZONE, Size=2, **volume)["VolumeId"]
    return ec2.create_snapshot(VolumeId=vol)["SnapshotId"]


def _instance(ec2: Any) -> str:
    return ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1,
                             InstanceType="t3.micro")["Instances"][0]["InstanceId"]


# -- snapshot locks ---------------------------------------------------------------------------
def test_a_governance_lock_keeps_a_snapshot_until_unlocked(ec2: Any) -> None:
    snap = _snapshot(ec2)
    locked = ec2.lock_snapshot(SnapshotId=snap, LockMode="governance", LockDuration=3)
    assert (locked["LockState"], locked["LockDuration"]) == ("governance", 3)
    assert locked["LockExpiresOn"] - locked["LockCreatedOn"] == dt.timedelta(days=3)
    code, message = fails(ec2.delete_snapshot, SnapshotId=snap)
    assert code == "SnapshotLocked" and snap in message
    listed = ec2.describe_locked_snapshots(SnapshotIds=[snap])["Snapshots"]
    assert [(s["SnapshotId"], s["LockState"], s["OwnerId"]) for s in listed] == \
        [(snap, "governance", "123456789012")]
    assert ec2.unlock_snapshot(SnapshotId=snap)["SnapshotId"] == snap
    ec2.delete_snapshot(SnapshotId=snap)


def test_compliance_locks_cool_off_then_only_extend(ec2: Any) -> None:
    cooling, fixed = _snapshot(ec2), _snapshot(ec2)
    out = ec2.lock_snapshot(SnapshotId=cooling, LockMode="compliance", CoolOffPeriod=24,
                            LockDuration=10)
    assert out["LockState"] == "compliance-cooloff" and out["CoolOffPeriod"] == 24
    ec2.lock_snapshot(SnapshotId=fixed, LockMode="compliance", LockDuration=10)
    states = {s["SnapshotId"]: s["LockState"] for s in ec2.describe_locked_snapshots(
        Filters=[{"Name": "lock-state", "Values": ["compliance"]}])["Snapshots"]}
    assert states == {fixed: "compliance"}
    assert fails(ec2.unlock_snapshot, SnapshotId=fixed)[0] == "IncorrectState"
    assert fails(ec2.lock_snapshot, SnapshotId=fixed, LockMode="compliance",
                 LockDuration=5)[0] == "IncorrectState"
    assert fails(ec2.lock_snapshot, SnapshotId=fixed, LockMode="governance",
                 LockDuration=20)[0] == "IncorrectState"
    assert ec2.lock_snapshot(SnapshotId=fixed, LockMode="compliance",
                             LockDuration=20)["LockDuration"] == 20
    ec2.unlock_snapshot(SnapshotId=cooling)     # still cooling off


def test_lock_parameters_are_checked(ec2: Any) -> None:
    snap = _snapshot(ec2)
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=5)
    assert fails(ec2.lock_snapshot, SnapshotId=snap, LockMode="governance", LockDuration=1,
                 ExpirationDate=later)[0] == "InvalidParameterCombination"
    assert fails(ec2.lock_snapshot, SnapshotId=snap, LockMode="governance")[0] == \
        "MissingParameter"
    assert fails(ec2.lock_snapshot, SnapshotId=snap, LockMode="governance", CoolOffPeriod=2,
                 LockDuration=1)[0] == "InvalidParameterCombination"
    assert fails(ec2.lock_snapshot, SnapshotId=snap, LockMode="compliance", CoolOffPeriod=73,
                 LockDuration=1)[0] == "InvalidParameterValue"
    assert fails(ec2.lock_snapshot, SnapshotId="snap-12345678901234567", LockMode="governance",
                 LockDuration=1)[0] == "InvalidSnapshot.NotFound"
    assert ec2.describe_locked_snapshots()["Snapshots"] == []
    by_date = ec2.lock_snapshot(SnapshotId=snap, LockMode="governance", ExpirationDate=later)
    assert "LockDuration" not in by_date and by_date["LockExpiresOn"] > later - \
        dt.timedelta(seconds=1)


# -- fast snapshot restores -------------------------------------------------------------------
def test_fast_snapshot_restore_as_terraform_waits_for_it(ec2: Any) -> None:
    snap = _snapshot(ec2)
    out = ec2.enable_fast_snapshot_restores(SourceSnapshotIds=[snap], AvailabilityZones=[ZONE])
    assert [(i["SnapshotId"], i["AvailabilityZone"], i["State"]) for i in out["Successful"]] \
        == [(snap, ZONE, "enabling")] and out["Unsuccessful"] == []
    # Terraform's finder: snapshot-id and availability-zone filters, waiting for `enabled`
    found = ec2.describe_fast_snapshot_restores(Filters=[
        {"Name": "snapshot-id", "Values": [snap]},
        {"Name": "availability-zone", "Values": [ZONE]}])["FastSnapshotRestores"]
    assert [(f["State"], f["AvailabilityZoneId"]) for f in found] == [("enabled", "use1-az1")]
    restored = ec2.create_volume(AvailabilityZone=ZONE, SnapshotId=snap)
    other = ec2.create_volume(AvailabilityZone="us-east-1b", SnapshotId=snap)
    assert (restored["FastRestored"], other["FastRestored"]) == (True, False)
    gone = ec2.disable_fast_snapshot_restores(SourceSnapshotIds=[snap], AvailabilityZones=[ZONE])
    assert gone["Successful"][0]["State"] == "disabling"
    # described `disabled` (AWS lists them; Terraform's delete waits for that state)
    assert [f["State"] for f in ec2.describe_fast_snapshot_restores()[
        "FastSnapshotRestores"]] == ["disabled"]


def test_fast_snapshot_restore_errors_are_per_item(ec2: Any) -> None:
    snap = _snapshot(ec2)
    out = ec2.enable_fast_snapshot_restores(
        SourceSnapshotIds=[snap, "snap-12345678901234567"],
        AvailabilityZones=[ZONE, "us-east-1z"])
    assert len(out["Successful"]) == 1
    errors = {(u["SnapshotId"], e["AvailabilityZone"]): e["Error"]["Code"]
              for u in out["Unsuccessful"] for e in u["FastSnapshotRestoreStateErrors"]}
    assert errors == {(snap, "us-east-1z"): "InvalidParameterValue",
                      ("snap-12345678901234567", ZONE): "InvalidSnapshot.NotFound",
                      ("snap-12345678901234567", "us-east-1z"): "InvalidSnapshot.NotFound"}
    assert fails(ec2.enable_fast_snapshot_restores, SourceSnapshotIds=[snap],
                 AvailabilityZones=[ZONE], AvailabilityZoneIds=["use1-az1"])[0] == \
        "InvalidParameterCombination"


# -- the archive tier -------------------------------------------------------------------------
def test_archive_and_restore(ec2: Any) -> None:
    snap = _snapshot(ec2)
    by_id = [{"Name": "snapshot-id", "Values": [snap]}]
    # Terraform's finder reads any snapshot's tier through DescribeSnapshotTierStatus
    assert [s["StorageTier"] for s in ec2.describe_snapshot_tier_status(Filters=by_id)[
        "SnapshotTierStatuses"]] == ["standard"]
    assert fails(ec2.restore_snapshot_tier, SnapshotId=snap, PermanentRestore=True)[0] == \
        "IncorrectState"
    assert "TieringStartTime" in ec2.modify_snapshot_tier(SnapshotId=snap, StorageTier="archive")
    assert ec2.describe_snapshots(SnapshotIds=[snap])["Snapshots"][0]["StorageTier"] == "archive"
    assert fails(ec2.modify_snapshot_tier, SnapshotId=snap)[0] == "IncorrectState"
    status = ec2.describe_snapshot_tier_status(
        Filters=[{"Name": "snapshot-id", "Values": [snap]}])["SnapshotTierStatuses"]
    assert [(s["StorageTier"], s["LastTieringOperationStatus"]) for s in status] == \
        [("archive", "archival-completed")]
    temporary = ec2.restore_snapshot_tier(SnapshotId=snap, TemporaryRestoreDays=5)
    assert (temporary["RestoreDuration"], temporary["IsPermanentRestore"]) == (5, False)
    assert "RestoreExpiryTime" in ec2.describe_snapshots(SnapshotIds=[snap])["Snapshots"][0]
    assert fails(ec2.restore_snapshot_tier, SnapshotId=snap, TemporaryRestoreDays=2,
                 PermanentRestore=True)[0] == "InvalidParameterCombination"
    assert ec2.restore_snapshot_tier(SnapshotId=snap, PermanentRestore=True)[
        "IsPermanentRestore"] is True
    back = ec2.describe_snapshots(SnapshotIds=[snap])["Snapshots"][0]
    assert back["StorageTier"] == "standard" and "RestoreExpiryTime" not in back
    assert ec2.describe_snapshot_tier_status(Filters=[
        {"Name": "last-tiering-operation", "Values": ["permanent-restore-completed"]}])[
        "SnapshotTierStatuses"][0]["SnapshotId"] == snap


def test_a_fast_restored_snapshot_is_not_archived(ec2: Any) -> None:
    snap = _snapshot(ec2)
    ec2.enable_fast_snapshot_restores(SourceSnapshotIds=[snap], AvailabilityZones=[ZONE])
    assert fails(ec2.modify_snapshot_tier, SnapshotId=snap)[0] == "IncorrectState"


# -- block public access, associated keys ---------------------------------------------------------
def test_snapshot_block_public_access(ec2: Any) -> None:
    snap = _snapshot(ec2)
    assert ec2.get_snapshot_block_public_access_state()["State"] == "unblocked"
    assert ec2.enable_snapshot_block_public_access(State="block-new-sharing")["State"] == \
        "block-new-sharing"
    got = ec2.get_snapshot_block_public_access_state()
    assert (got["State"], got["ManagedBy"]) == ("block-new-sharing", "account")
    code, _ = fails(ec2.modify_snapshot_attribute, SnapshotId=snap,
                    Attribute="createVolumePermission", OperationType="add", GroupNames=["all"])
    assert code == "OperationNotPermitted"
    ec2.modify_snapshot_attribute(SnapshotId=snap, Attribute="createVolumePermission",
                                  OperationType="add", UserIds=["111122223333"])
    assert ec2.disable_snapshot_block_public_access()["State"] == "unblocked"
    ec2.modify_snapshot_attribute(SnapshotId=snap, Attribute="createVolumePermission",
                                  OperationType="add", GroupNames=["all"])


def test_associated_kms_keys(ec2: Any) -> None:
    plain, secret = _snapshot(ec2), _snapshot(ec2, Encrypted=True)
    assert fails(ec2.associate_kms_key_id, SnapshotId=plain, KmsKeyId="alias/extra")[0] == \
        "InvalidParameterValue"
    assert ec2.associate_kms_key_id(SnapshotId=secret, KmsKeyId="alias/extra")["Return"] is True
    keys = ec2.describe_snapshots(SnapshotIds=[secret])["Snapshots"][0]["AssociatedKmsKeys"]
    assert len(keys) == 1 and keys[0]["KmsKeyId"].startswith("arn:aws:kms:us-east-1:")
    assert fails(ec2.associate_kms_key_id, SnapshotId=secret, KmsKeyId="alias/extra")[0] == \
        "InvalidParameterValue"
    ec2.disassociate_kms_key_id(SnapshotId=secret, KmsKeyId=keys[0]["KmsKeyId"])
    assert "AssociatedKmsKeys" not in ec2.describe_snapshots(SnapshotIds=[secret])["Snapshots"][0]


# -- volumes ----------------------------------------------------------------------------------
def test_volume_attributes_and_io(ec2: Any) -> None:
    vol = ec2.create_volume(AvailabilityZone=ZONE, Size=1)["VolumeId"]
    assert ec2.describe_volume_attribute(VolumeId=vol, Attribute="autoEnableIO")[
        "AutoEnableIO"] == {"Value": False}
    ec2.modify_volume_attribute(VolumeId=vol, AutoEnableIO={"Value": True})
    assert ec2.describe_volume_attribute(VolumeId=vol, Attribute="autoEnableIO")[
        "AutoEnableIO"] == {"Value": True}
    assert ec2.describe_volume_attribute(VolumeId=vol, Attribute="productCodes")[
        "ProductCodes"] == []
    ec2.enable_volume_io(VolumeId=vol)
    assert fails(ec2.enable_volume_io, VolumeId="vol-12345678901234567")[0] == \
        "InvalidVolume.NotFound"


def test_copy_volumes(ec2: Any) -> None:
    source = ec2.create_volume(AvailabilityZone=ZONE, Size=8, Encrypted=True)
    copies = ec2.copy_volumes(SourceVolumeId=source["VolumeId"], VolumeType="gp3", Size=10,
                              TagSpecifications=[{"ResourceType": "volume",
                                                  "Tags": [{"Key": "copy", "Value": "1"}]}])
    copy = copies["Volumes"][0]
    assert (copy["State"], copy["SourceVolumeId"], copy["Size"], copy["Iops"]) == \
        ("creating", source["VolumeId"], 10, 3000)
    assert copy["Encrypted"] and copy["KmsKeyId"] == source["KmsKeyId"]
    described = ec2.describe_volumes(VolumeIds=[copy["VolumeId"]])["Volumes"][0]
    assert (described["State"], described["AvailabilityZone"]) == ("available", ZONE)
    assert fails(ec2.copy_volumes, SourceVolumeId=source["VolumeId"], Size=4)[0] == \
        "InvalidParameterValue"
    assert fails(ec2.copy_volumes, SourceVolumeId=source["VolumeId"], VolumeType="io2")[0] \
        == "InvalidParameterCombination"      # io2 needs its IOPS


def test_failover_volumes(ec2: Any) -> None:
    vol = ec2.create_volume(AvailabilityZone=ZONE, Size=1)["VolumeId"]
    assert fails(ec2.failover_volumes, VolumeId=vol,
                 SourceActiveAvailabilityZone=ZONE)[0] == "InvalidParameterValue"
    assert fails(ec2.failover_volumes, SourceActiveAvailabilityZone=ZONE)[0] == \
        "MissingParameter"
    assert fails(ec2.failover_volumes, VolumeId=vol, SourceActiveAvailabilityZone=ZONE,
                 SourceActiveAvailabilityZoneId="use1-az1")[0] == "InvalidParameterCombination"
    instance = _instance(ec2)
    zone = ec2.describe_instances(InstanceIds=[instance])["Reservations"][0]["Instances"][0][
        "Placement"]["AvailabilityZone"]
    assert ec2.failover_volumes(InstanceId=instance, SourceActiveAvailabilityZone=zone)[
        "VolumeFailovers"] == []


# -- replace root volume tasks ----------------------------------------------------------------
def _root(ec2: Any, instance: str) -> str:
    found = ec2.describe_instances(InstanceIds=[instance])["Reservations"][0]["Instances"][0]
    return next(m["Ebs"]["VolumeId"] for m in found["BlockDeviceMappings"]
                if m["DeviceName"] == found["RootDeviceName"])


def test_replace_root_volume_from_a_snapshot(ec2: Any) -> None:
    instance = _instance(ec2)
    old = _root(ec2, instance)
    snap = ec2.create_snapshot(VolumeId=old)["SnapshotId"]
    task = ec2.create_replace_root_volume_task(InstanceId=instance, SnapshotId=snap,
                                               DeleteReplacedRootVolume=True)[
        "ReplaceRootVolumeTask"]
    assert task["ReplaceRootVolumeTaskId"].startswith("replacevol-")
    assert (task["TaskState"], task["SnapshotId"]) == ("pending", snap)
    new = _root(ec2, instance)
    assert new != old
    assert ec2.describe_volumes(VolumeIds=[new])["Volumes"][0]["SnapshotId"] == snap
    assert fails(ec2.describe_volumes, VolumeIds=[old])[0] == "InvalidVolume.NotFound"
    done = ec2.describe_replace_root_volume_tasks(
        Filters=[{"Name": "instance-id", "Values": [instance]}])["ReplaceRootVolumeTasks"]
    assert [(t["TaskState"], "CompleteTime" in t) for t in done] == [("succeeded", True)]


def test_replace_root_volume_keeps_the_old_one_unless_asked(ec2: Any) -> None:
    instance = _instance(ec2)
    old = _root(ec2, instance)
    ec2.create_replace_root_volume_task(InstanceId=instance)
    assert ec2.describe_volumes(VolumeIds=[old])["Volumes"][0]["State"] == "available"
    assert fails(ec2.create_replace_root_volume_task, InstanceId=instance, SnapshotId="snap-1",
                 ImageId=AMI)[0] == "InvalidParameterCombination"
    ec2.stop_instances(InstanceIds=[instance])
    assert fails(ec2.create_replace_root_volume_task, InstanceId=instance)[0] == \
        "IncorrectInstanceState"
    assert fails(ec2.describe_replace_root_volume_tasks,
                 ReplaceRootVolumeTaskIds=["replacevol-12345678901234567"])[0] == \
        "InvalidReplaceRootVolumeTaskId.NotFound"


# -- declarative policies reports -------------------------------------------------------------
def test_a_report_summarises_the_organization(mock: mock_ec2, ec2: Any) -> None:
    mock.organization("o-abcdefghij", ["111111111111", "222222222222"], "123456789012")
    ec2.enable_snapshot_block_public_access(State="block-all-sharing")
    report = ec2.start_declarative_policies_report(S3Bucket="reports-bucket",
                                                   TargetId="r-ab12")["ReportId"]
    assert report.startswith("ec2-report-")
    summary = ec2.get_declarative_policies_report_summary(ReportId=report)
    assert summary["NumberOfAccounts"] == 3 and summary["TargetId"] == "r-ab12"
    by_name = {a["AttributeName"]: a for a in summary["AttributeSummaries"]}
    snapshots = by_name["snapshot_block_public_access"]
    assert (snapshots["MostFrequentValue"], snapshots["NumberOfMatchedAccounts"],
            snapshots["NumberOfUnmatchedAccounts"]) == ("unblocked", 2, 1)
    listed = ec2.describe_declarative_policies_reports(ReportIds=[report])["Reports"][0]
    assert (listed["Status"], listed["S3Bucket"]) == ("complete", "reports-bucket")
    assert fails(ec2.cancel_declarative_policies_report, ReportId=report)[0] == "IncorrectState"


def test_a_running_report_can_be_cancelled(mock: mock_ec2, ec2: Any) -> None:
    report = ec2.start_declarative_policies_report(S3Bucket="reports-bucket",
                                                   TargetId="123456789012")["ReportId"]
    assert ec2.cancel_declarative_policies_report(ReportId=report)["Return"] is True
    assert ec2.describe_declarative_policies_reports()["Reports"][0]["Status"] == "cancelled"
    assert fails(ec2.get_declarative_policies_report_summary, ReportId=report)[0] == \
        "IncorrectState"
    assert fails(ec2.start_declarative_policies_report, S3Bucket="reports-bucket",
                 TargetId="r-ab12")[0] == "UnauthorizedOperation"


# -- over the server --------------------------------------------------------------------------
def test_storage_operations_against_the_server(server_ec2: Any) -> None:
    snap = _snapshot(server_ec2)
    server_ec2.lock_snapshot(SnapshotId=snap, LockMode="governance", LockDuration=1)
    assert fails(server_ec2.delete_snapshot, SnapshotId=snap)[0] == "SnapshotLocked"
    server_ec2.unlock_snapshot(SnapshotId=snap)
    server_ec2.enable_fast_snapshot_restores(SourceSnapshotIds=[snap], AvailabilityZones=[ZONE])
    assert server_ec2.describe_fast_snapshot_restores()["FastSnapshotRestores"][0]["State"] \
        == "enabled"
    server_ec2.disable_fast_snapshot_restores(SourceSnapshotIds=[snap], AvailabilityZones=[ZONE])
    server_ec2.modify_snapshot_tier(SnapshotId=snap)
    assert server_ec2.describe_snapshot_tier_status()["SnapshotTierStatuses"][0][
        "StorageTier"] == "archive"
    assert server_ec2.enable_snapshot_block_public_access(State="block-all-sharing")[
        "State"] == "block-all-sharing"
    instance = _instance(server_ec2)
    task = server_ec2.create_replace_root_volume_task(InstanceId=instance)
    assert task["ReplaceRootVolumeTask"]["TaskState"] == "pending"
    vol = server_ec2.create_volume(AvailabilityZone=ZONE, Size=1)["VolumeId"]
    assert server_ec2.copy_volumes(SourceVolumeId=vol)["Volumes"][0]["SourceVolumeId"] == vol
    report = server_ec2.start_declarative_policies_report(S3Bucket="reports-bucket",
                                                          TargetId="123456789012")["ReportId"]
    assert server_ec2.get_declarative_policies_report_summary(ReportId=report)[
        "NumberOfAccounts"] == 1


def test_an_archived_snapshot_makes_no_volume_until_restored(ec2: Any) -> None:
    snap = _snapshot(ec2)
    ec2.modify_snapshot_tier(SnapshotId=snap)
    assert fails(ec2.create_volume, AvailabilityZone=ZONE, SnapshotId=snap)[0] == \
        "IncorrectState"
    ec2.restore_snapshot_tier(SnapshotId=snap, TemporaryRestoreDays=1)
    assert ec2.create_volume(AvailabilityZone=ZONE, SnapshotId=snap)["SnapshotId"] == snap


def test_replace_root_volume_from_an_image_or_a_foreign_snapshot(ec2: Any) -> None:
    instance = _instance(ec2)
    first = _root(ec2, instance)
    ec2.create_replace_root_volume_task(InstanceId=instance, ImageId=AMI)
    assert _root(ec2, instance) != first
    # a snapshot of the instance's earlier root volume still restores it
    earlier = ec2.create_snapshot(VolumeId=first)["SnapshotId"]
    ec2.create_replace_root_volume_task(InstanceId=instance, SnapshotId=earlier)
    foreign = _snapshot(ec2)
    assert fails(ec2.create_replace_root_volume_task, InstanceId=instance,
                 SnapshotId=foreign)[0] == "InvalidParameterValue"
