"""Issue 15's compute and storage families (EC2 Fleet, capacity reservations, Dedicated Hosts,
Reserved Instances, VM Import, fast snapshot restore, snapshot locks, password data) driven by
the clients users run: the AWS SDK for JavaScript v3 (paginators, its waiter, error objects),
the AWS CLI (automatic pagination, --filters, --cli-input-json, waiters, --dry-run), boto3's
waiters in-process and over HTTP, and Ansible amazon.aws. The state each client leaves is
checked through boto3."""
from __future__ import annotations

import json
import subprocess
from typing import Any

import pytest

from test_awscli import aws, ok  # noqa: F401  (the CLI fixture)
from test_clients_issue14 import fails_with
from test_js_sdk import JS, _node

AMI = "ami-057c3ffbeeff55523"          # al2023 x86_64, public catalogue of us-east-1
DISK = {"Format": "ova", "UserBucket": {"S3Bucket": "my-import-bucket", "S3Key": "vm.ova"}}
FAST = {"Delay": 1, "MaxAttempts": 3}


@pytest.mark.server
def test_javascript_sdk_drives_the_compute_families(server_url: str, server_ec2: Any) -> None:
    node = _node()
    done = subprocess.run([node, str(JS / "compute.mjs"), server_url, AMI], cwd=JS,
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    js = json.loads(done.stdout)

    fleet = js["fleet"]
    assert fleet["errors"] == [] and len(fleet["launched"]) == 1
    launched = fleet["launched"][0]
    assert (launched["lifecycle"], launched["type"], len(launched["ids"])) == (
        "on-demand", "t3.micro", 2)
    assert fleet["described"] == {"state": "active", "type": "instant", "createTimeIsDate": True,
                                  "tags": [{"Key": "Name", "Value": "js-instant"}],
                                  "instances": launched["ids"]}
    assert fleet["instantInstances"]["name"] == "Unsupported"
    assert fleet["instantInstances"]["status"] == 400
    assert [(i["type"], i["health"]) for i in fleet["active"]] == [("t3.micro", "healthy")] * 3
    running = server_ec2.describe_instances(Filters=[
        {"Name": "tag:aws:ec2:fleet-id", "Values": [fleet["maintain"]]}])["Reservations"]
    assert sorted(i["InstanceId"] for r in running for i in r["Instances"]) == sorted(
        i["id"] for i in fleet["active"])

    cr = js["reservation"]
    assert (cr["state"], cr["available"]) == ("active", 2)
    assert cr["tags"] == [{"Key": "Name", "Value": "js-cr"}]
    assert cr["instance"] == {"zone": "us-east-1a", "reservation": cr["id"]}
    assert cr["after"] == {"available": 1, "total": 2}
    assert [len(page) for page in cr["pages"]] == [5, 1] and cr["pages"][0][0] == cr["id"]
    assert cr["filtered"] == [["us-east-1b"] * 5]
    assert cr["wrongTarget"]["name"] == "InvalidParameterValue"
    assert server_ec2.describe_capacity_reservations(CapacityReservationIds=[cr["id"]])[
        "CapacityReservations"][0]["AvailableInstanceCount"] == 1   # the refusal used none

    hosts = js["hosts"]
    assert (hosts["state"], hosts["autoPlacement"]) == ("available", "on")
    assert hosts["properties"]["type"] == "c5.large"
    assert hosts["capacity"][0]["type"] == "c5.large"
    assert hosts["capacity"][0]["available"] == hosts["capacity"][0]["total"] > 0
    assert hosts["allocationTimeIsDate"] and hosts["pages"] == [hosts["ids"]]
    assert hosts["notFound"]["name"] == "InvalidHostID.NotFound"

    offerings = sum(js["offerings"], [])
    assert [len(page) for page in js["offerings"]][:-1] == [10] * (len(js["offerings"]) - 1)
    assert len({o["id"] for o in offerings}) == len(offerings) > 10
    assert {(o["type"], o["duration"], o["product"]) for o in offerings} == {
        ("t3.micro", 31536000, "Linux/UNIX")}
    assert {o["offeringType"] for o in offerings} == {"No Upfront", "Partial Upfront",
                                                      "All Upfront"}
    assert all((o["scope"] == "Region") == (o["zone"] is None) for o in offerings)
    assert all(o["fixed"] == 0 for o in offerings if o["offeringType"] == "No Upfront")
    assert all(o["hourly"] == [] for o in offerings if o["offeringType"] == "All Upfront")

    imported = js["import"]
    assert imported["started"] == "active" and imported["waiter"] == "SUCCESS"
    assert (imported["status"], imported["format"]) == ("completed", "VMDK")
    assert imported["tags"] == [{"Key": "Name", "Value": "js-import"}]
    snap = server_ec2.describe_snapshots(SnapshotIds=[imported["snapshot"]])["Snapshots"][0]
    assert snap["State"] == "completed"

    storage = js["storage"]
    assert storage["enabled"] == [["us-east-1a", "enabling"], ["us-east-1b", "enabling"]]
    assert storage["later"] == [["us-east-1a", "enabled"], ["us-east-1b", "enabled"]]
    assert storage["unsuccessful"] == []
    assert storage["badZone"] == [[["us-east-1z", "InvalidParameterValue"]]]
    assert storage["lock"] == {"state": "governance", "duration": 1, "createdIsDate": True,
                               "expiresIsDate": True}
    assert storage["locked"] == [[imported["snapshot"], "governance"]]
    assert storage["deleteLocked"]["name"] == "SnapshotLocked"
    assert server_ec2.describe_snapshots(SnapshotIds=[imported["snapshot"]])["Snapshots"]

    errors = js["errors"]
    assert errors["linuxPassword"] == ""
    assert errors["passwordNotFound"]["name"] == "InvalidInstanceID.NotFound"
    for name in ("dryRunFleet", "dryRunReservation", "dryRunLock"):
        assert (errors[name]["name"], errors[name]["status"]) == ("DryRunOperation", 412)
    assert errors["fleetNotFound"]["name"] == "InvalidFleetId.NotFound"
    assert errors["reservationNotFound"]["name"] == "InvalidCapacityReservationId.NotFound"
    assert all(e["status"] == 400 for e in (errors["passwordNotFound"], errors["fleetNotFound"],
                                            errors["reservationNotFound"]))
    assert len(server_ec2.describe_capacity_reservations()["CapacityReservations"]) == 6
    # the dry run made none; an instant fleet is listed only when named (AWS's documentation)
    assert [f["FleetId"] for f in server_ec2.describe_fleets()["Fleets"]] == [fleet["maintain"]]


# -- boto3's waiters over the new families, in-process and over HTTP ---------------------------

@pytest.fixture(params=["ec2", "server_ec2"])
def client(request: pytest.FixtureRequest) -> Any:
    return request.getfixturevalue(request.param)


def windows_instance(ec2: Any) -> str:
    ec2.create_key_pair(KeyName="admin")
    image = ec2.describe_images(Filters=[{"Name": "name", "Values": [
        "Windows_Server-2022*"]}])["Images"][0]["ImageId"]
    return ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, InstanceType="t3.large",
                             KeyName="admin")["Instances"][0]["InstanceId"]


def test_waiters_for_password_and_import_tasks(client: Any) -> None:
    ec2 = client
    iid = windows_instance(ec2)
    ec2.get_waiter("password_data_available").wait(InstanceId=iid, WaiterConfig=FAST)
    assert ec2.get_password_data(InstanceId=iid)["PasswordData"]

    snap_task = ec2.import_snapshot(DiskContainer={"Format": "VMDK",
                                                   "Url": "s3://b-1/d.vmdk"})["ImportTaskId"]
    ec2.get_waiter("snapshot_imported").wait(ImportTaskIds=[snap_task], WaiterConfig=FAST)
    image_task = ec2.import_image(DiskContainers=[DISK])["ImportTaskId"]
    image_id = ec2.describe_import_image_tasks(ImportTaskIds=[image_task])[
        "ImportImageTasks"][0]["ImageId"]
    ec2.get_waiter("image_exists").wait(ImageIds=[image_id], WaiterConfig=FAST)
    ec2.get_waiter("image_available").wait(ImageIds=[image_id], WaiterConfig=FAST)

    volume_task = ec2.import_volume(AvailabilityZone="us-east-1b", Volume={"Size": 10}, Image={
        "Format": "VMDK", "Bytes": 1024,
        "ImportManifestUrl": "https://s3.amazonaws.com/my-import-bucket/m.xml"})[
        "ConversionTask"]["ConversionTaskId"]
    ec2.get_waiter("conversion_task_completed").wait(ConversionTaskIds=[volume_task],
                                                     WaiterConfig=FAST)


def test_waiters_for_images_stored_copied_exported(client: Any) -> None:
    ec2 = client
    iid = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, InstanceType="t3.micro")[
        "Instances"][0]["InstanceId"]
    image_id = ec2.create_image(InstanceId=iid, Name="golden")["ImageId"]
    ec2.get_waiter("image_available").wait(ImageIds=[image_id], WaiterConfig=FAST)
    copied = ec2.copy_image(SourceImageId=image_id, SourceRegion="us-east-1",
                            Name="copied")["ImageId"]
    ec2.get_waiter("image_available").wait(ImageIds=[copied], WaiterConfig=FAST)
    key = ec2.create_store_image_task(ImageId=image_id, Bucket="my-ami-bucket")["ObjectKey"]
    ec2.get_waiter("store_image_task_complete").wait(ImageIds=[image_id], WaiterConfig=FAST)
    restored = ec2.create_restore_image_task(Bucket="my-ami-bucket", ObjectKey=key,
                                             Name="restored")["ImageId"]
    ec2.get_waiter("image_available").wait(ImageIds=[restored], WaiterConfig=FAST)
    report = ec2.create_image_usage_report(ImageId=image_id, ResourceTypes=[
        {"ResourceType": "ec2:Instance"}])["ReportId"]
    ec2.get_waiter("image_usage_report_available").wait(ReportIds=[report], WaiterConfig=FAST)
    export = ec2.create_instance_export_task(InstanceId=iid, TargetEnvironment="vmware",
                                             ExportToS3Task={
                                                 "DiskImageFormat": "vmdk",
                                                 "ContainerFormat": "ova",
                                                 "S3Bucket": "exp-bucket"})["ExportTask"]
    ec2.get_waiter("export_task_completed").wait(ExportTaskIds=[export["ExportTaskId"]],
                                                 WaiterConfig=FAST)
    volume = ec2.create_volume(AvailabilityZone="us-east-1a", Size=5)["VolumeId"]
    ec2.get_waiter("volume_available").wait(VolumeIds=[volume], WaiterConfig=FAST)
    snap = ec2.create_snapshot(VolumeId=volume)["SnapshotId"]
    ec2.get_waiter("snapshot_completed").wait(SnapshotIds=[snap], WaiterConfig=FAST)
