"""Issue 15's families as Terraform's AWS provider drives them (internal/service/ec2: its
finders, status functions and waiters), in-process and over HTTP: each resource reaches the
state the provider's create waiter targets, is read back with the attributes it sets, and
after deletion shows what its finder takes for gone (a state, or the NotFound code)."""
from __future__ import annotations

import datetime as dt
from typing import Any

import boto3
import pytest

from helpers import fails

AMI = "ami-057c3ffbeeff55523"          # al2023 x86_64, public catalogue of us-east-1


@pytest.fixture(params=["ec2", "server_ec2"])
def client(request: pytest.FixtureRequest) -> Any:
    return request.getfixturevalue(request.param)


def _fsr(ec2: Any, zone: str, snap: str) -> list[str]:
    """aws_ebs_fast_snapshot_restore's finder: filters availability-zone and snapshot-id."""
    return [r["State"] for r in ec2.describe_fast_snapshot_restores(Filters=[
        {"Name": "availability-zone", "Values": [zone]},
        {"Name": "snapshot-id", "Values": [snap]}])["FastSnapshotRestores"]]


def test_fast_snapshot_restore_is_described_disabled_after_disable(client: Any) -> None:
    # Terraform's delete waits for `disabled` and fails on an empty answer
    ec2 = client
    vol = ec2.create_volume(AvailabilityZone="us-east-1a", Size=8)["VolumeId"]
    snap = ec2.create_snapshot(VolumeId=vol)["SnapshotId"]
    enabled = ec2.enable_fast_snapshot_restores(SourceSnapshotIds=[snap],
                                                AvailabilityZones=["us-east-1a"])
    assert [s["State"] for s in enabled["Successful"]] == ["enabling"]
    assert _fsr(ec2, "us-east-1a", snap) == ["enabled"]
    assert ec2.create_volume(AvailabilityZone="us-east-1a", SnapshotId=snap)["FastRestored"]
    disabled = ec2.disable_fast_snapshot_restores(SourceSnapshotIds=[snap],
                                                  AvailabilityZones=["us-east-1a"])
    assert [s["State"] for s in disabled["Successful"]] == ["disabling"]
    assert _fsr(ec2, "us-east-1a", snap) == ["disabled"]
    shown = ec2.describe_fast_snapshot_restores(Filters=[
        {"Name": "state", "Values": ["disabled"]}])["FastSnapshotRestores"][0]
    assert shown["DisabledTime"] >= shown["EnabledTime"]
    assert not ec2.create_volume(AvailabilityZone="us-east-1a", SnapshotId=snap)[
        "FastRestored"]
    ec2.enable_fast_snapshot_restores(SourceSnapshotIds=[snap], AvailabilityZones=["us-east-1a"])
    assert _fsr(ec2, "us-east-1a", snap) == ["enabled"]             # enabled again


def test_host_capacity_reservation_and_fleet_gone_states(client: Any) -> None:
    ec2 = client
    host = ec2.allocate_hosts(AvailabilityZone="us-east-1a", InstanceType="c5.large",
                              Quantity=1, HostRecovery="on")["HostIds"][0]
    shown = ec2.describe_hosts(HostIds=[host])["Hosts"][0]
    assert (shown["State"], shown["HostRecovery"], shown["AutoPlacement"]) == (
        "available", "on", "off")
    assert shown["HostProperties"]["InstanceType"] == "c5.large"    # the finder requires it
    ec2.release_hosts(HostIds=[host])
    assert ec2.describe_hosts(HostIds=[host])["Hosts"][0]["State"] in (
        "released", "released-permanent-failure")

    cr = ec2.create_capacity_reservation(
        InstanceType="t3.micro", InstancePlatform="Linux/UNIX", AvailabilityZone="us-east-1a",
        InstanceCount=1, EndDateType="unlimited")["CapacityReservation"]
    assert cr["State"] == "active" and cr["CapacityReservationArn"].endswith(
        cr["CapacityReservationId"])
    ec2.cancel_capacity_reservation(CapacityReservationId=cr["CapacityReservationId"])
    assert ec2.describe_capacity_reservations(CapacityReservationIds=[
        cr["CapacityReservationId"]])["CapacityReservations"][0]["State"] == "cancelled"
    assert fails(ec2.describe_capacity_reservations,
                 CapacityReservationIds=["cr-0123456789abcdef0"])[0] == \
        "InvalidCapacityReservationId.NotFound"

    template = ec2.create_launch_template(LaunchTemplateName="tf-fleet", LaunchTemplateData={
        "ImageId": AMI, "InstanceType": "t3.micro"})["LaunchTemplate"]["LaunchTemplateId"]
    fleet = ec2.create_fleet(Type="maintain", LaunchTemplateConfigs=[
        {"LaunchTemplateSpecification": {"LaunchTemplateId": template, "Version": "1"}}],
        TargetCapacitySpecification={"TotalTargetCapacity": 1,
                                     "DefaultTargetCapacityType": "on-demand"})["FleetId"]
    assert ec2.describe_fleets(FleetIds=[fleet])["Fleets"][0]["FleetState"] == "active"
    ec2.modify_fleet(FleetId=fleet, TargetCapacitySpecification={"TotalTargetCapacity": 2})
    assert ec2.describe_fleets(FleetIds=[fleet])["Fleets"][0]["FleetState"] in (
        "modifying", "active")
    ec2.delete_fleets(FleetIds=[fleet], TerminateInstances=True)
    assert ec2.describe_fleets(FleetIds=[fleet])["Fleets"][0]["FleetState"] in (
        "deleted", "deleted_terminating")
    assert fails(ec2.describe_fleets, FleetIds=["fleet-01234567-89ab-cdef-0123-456789abcdef"]
                 )[0] == "InvalidFleetId.NotFound"


def test_snapshot_import_then_archive_tier(client: Any) -> None:
    # aws_ebs_snapshot_import: the task's SnapshotTaskDetail.Status reaches `completed`, the
    # snapshot is tagged, and storage_tier = "archive" waits for the tier status to say so
    ec2 = client
    task = ec2.import_snapshot(DiskContainer={"Format": "VHD", "UserBucket": {
        "S3Bucket": "tf-imports", "S3Key": "disk.vhd"}}, RoleName="vmimport")
    assert task["SnapshotTaskDetail"]["Status"] == "active"
    detail = ec2.describe_import_snapshot_tasks(ImportTaskIds=[task["ImportTaskId"]])[
        "ImportSnapshotTasks"][0]["SnapshotTaskDetail"]
    assert detail["Status"] == "completed"
    snap = detail["SnapshotId"]
    ec2.create_tags(Resources=[snap], Tags=[{"Key": "Name", "Value": "tf"}])
    shown = ec2.describe_snapshots(SnapshotIds=[snap])["Snapshots"][0]
    assert shown["State"] == "completed" and shown["Tags"] == [{"Key": "Name", "Value": "tf"}]
    ec2.modify_snapshot_tier(SnapshotId=snap, StorageTier="archive")
    tier = ec2.describe_snapshot_tier_status(Filters=[{"Name": "snapshot-id", "Values": [
        snap]}])["SnapshotTierStatuses"]
    assert [t["StorageTier"] for t in tier] == ["archive"]


def test_ami_settings_read_back(client: Any) -> None:
    # aws_ami / aws_ami_launch_permission: deprecation time, deregistration protection and
    # launch permissions as the provider reads them; a deregistered image is no longer listed
    ec2 = client
    iid = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, InstanceType="t3.micro")[
        "Instances"][0]["InstanceId"]
    image = ec2.create_image(InstanceId=iid, Name="tf-image")["ImageId"]
    when = dt.datetime(2030, 1, 2, 3, 4, tzinfo=dt.timezone.utc)
    ec2.enable_image_deprecation(ImageId=image, DeprecateAt=when)
    ec2.enable_image_deregistration_protection(ImageId=image, WithCooldown=False)
    ec2.modify_image_attribute(ImageId=image, LaunchPermission={"Add": [
        {"UserId": "210987654321"}]})
    shown = ec2.describe_images(ImageIds=[image])["Images"][0]
    assert shown["DeprecationTime"] == "2030-01-02T03:04:00.000Z"
    assert shown["DeregistrationProtection"] == "enabled-without-cooldown"
    assert ec2.describe_image_attribute(ImageId=image, Attribute="launchPermission")[
        "LaunchPermissions"] == [{"UserId": "210987654321"}]
    assert fails(ec2.deregister_image, ImageId=image)[0] == "OperationNotPermitted"
    assert ec2.describe_images(ImageIds=[image])["Images"]          # protected: still there
    ec2.disable_image_deregistration_protection(ImageId=image)
    ec2.deregister_image(ImageId=image)
    assert ec2.describe_images(ImageIds=[image])["Images"] == []


@pytest.mark.parametrize("where", ["mock", "server"])
def test_recycle_bin_rule_lifecycle(where: str, request: pytest.FixtureRequest) -> None:
    # aws_rbin_rule: GetRule's Status `available`, ResourceNotFoundException once deleted
    if where == "mock":
        request.getfixturevalue("mock")
        rbin = boto3.client("rbin", region_name="us-east-1")
    else:
        request.getfixturevalue("server_ec2")
        rbin = boto3.client("rbin", region_name="us-east-1",
                            endpoint_url=request.getfixturevalue("server_url"))
    rule = rbin.create_rule(ResourceType="EBS_SNAPSHOT", RetentionPeriod={
        "RetentionPeriodValue": 7, "RetentionPeriodUnit": "DAYS"}, Description="tf",
        Tags=[{"Key": "Name", "Value": "tf"}])
    got = rbin.get_rule(Identifier=rule["Identifier"])
    assert got["Status"] == "available" and got["LockState"] == "unlocked"
    assert rbin.list_tags_for_resource(ResourceArn=got["RuleArn"])["Tags"] == [
        {"Key": "Name", "Value": "tf"}]
    rbin.delete_rule(Identifier=rule["Identifier"])
    with pytest.raises(rbin.exceptions.ResourceNotFoundException):
        rbin.get_rule(Identifier=rule["Identifier"])
