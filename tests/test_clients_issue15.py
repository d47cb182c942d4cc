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

from helpers import fails
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


# -- the AWS CLI -------------------------------------------------------------------------------

def test_cli_reserved_instance_offerings_paginate_and_filter(aws: Any) -> None:
    common = ["--instance-type", "t3.micro", "--product-description", "Linux/UNIX"]
    every = ok(aws("ec2", "describe-reserved-instances-offerings", *common, "--page-size", "7",
                   "--query", "ReservedInstancesOfferings[].ReservedInstancesOfferingId"))
    assert len(every) == len(set(every)) > 7                 # several pages, joined
    first = ok(aws("ec2", "describe-reserved-instances-offerings", *common, "--max-items", "3"))
    assert [o["ReservedInstancesOfferingId"] for o in first["ReservedInstancesOfferings"]] == \
        every[:3]
    rest = ok(aws("ec2", "describe-reserved-instances-offerings", *common, "--starting-token",
                  first["NextToken"], "--query",
                  "ReservedInstancesOfferings[].ReservedInstancesOfferingId"))
    assert rest == every[3:]
    regional = ok(aws("ec2", "describe-reserved-instances-offerings", *common, "--filters",
                      "Name=scope,Values=Region", "Name=duration,Values=94608000", "--query",
                      "ReservedInstancesOfferings[].[OfferingClass,OfferingType,Duration,Scope]"))
    assert sorted(regional) == sorted(
        [c, t, 94608000, "Region"] for c in ("standard", "convertible")
        for t in ("No Upfront", "Partial Upfront", "All Upfront"))
    one = ok(aws("ec2", "describe-reserved-instances-offerings", *common, "--filters",
                 "Name=scope,Values=Region", "Name=duration,Values=94608000",
                 "--offering-class", "standard", "--offering-type", "All Upfront", "--query",
                 "ReservedInstancesOfferings[0].ReservedInstancesOfferingId"))
    dry = aws("ec2", "purchase-reserved-instances-offering", "--reserved-instances-offering-id",
              one, "--instance-count", "1", "--dry-run")
    fails_with(dry, "DryRunOperation")
    assert ok(aws("ec2", "describe-reserved-instances"))["ReservedInstances"] == []


def test_cli_capacity_reservations_and_a_fleet_from_json(aws: Any, tmp_path: Any) -> None:
    made = {}
    for zone, kind, count in (("us-east-1a", "t3.micro", 2), ("us-east-1b", "t3.micro", 1),
                              ("us-east-1a", "m5.large", 3)):
        made[(zone, kind)] = ok(aws(
            "ec2", "create-capacity-reservation", "--instance-type", kind,
            "--instance-platform", "Linux/UNIX", "--availability-zone", zone,
            "--instance-count", str(count), "--tag-specifications",
            f"ResourceType=capacity-reservation,Tags=[{{Key=zone,Value={zone}}}]"))[
            "CapacityReservation"]["CapacityReservationId"]
    found = ok(aws("ec2", "describe-capacity-reservations", "--filters",
                   "Name=instance-type,Values=t3.micro", "Name=state,Values=active",
                   "--query", "CapacityReservations[].CapacityReservationId"))
    assert found == [made[("us-east-1a", "t3.micro")], made[("us-east-1b", "t3.micro")]]
    tagged = ok(aws("ec2", "describe-capacity-reservations", "--filters",
                    "Name=tag:zone,Values=us-east-1a", "Name=instance-match-criteria,Values=open",
                    "--query", "CapacityReservations[].[InstanceType,TotalInstanceCount]"))
    assert tagged == [["t3.micro", 2], ["m5.large", 3]]
    paged = ok(aws("ec2", "describe-capacity-reservations", "--max-items", "1"))
    assert len(paged["CapacityReservations"]) == 1 and paged["NextToken"]
    dry = aws("ec2", "create-capacity-reservation", "--instance-type", "t3.micro",
              "--instance-platform", "Linux/UNIX", "--availability-zone", "us-east-1a",
              "--instance-count", "1", "--dry-run")
    fails_with(dry, "DryRunOperation")

    template = ok(aws("ec2", "create-launch-template", "--launch-template-name", "cli-fleet",
                      "--launch-template-data",
                      json.dumps({"ImageId": AMI, "InstanceType": "t3.micro"})))[
        "LaunchTemplate"]["LaunchTemplateId"]
    request = tmp_path / "fleet.json"
    request.write_text(json.dumps({
        "Type": "instant",
        "LaunchTemplateConfigs": [{"LaunchTemplateSpecification": {
            "LaunchTemplateId": template, "Version": "$Default"},
            "Overrides": [{"AvailabilityZone": "us-east-1a"}]}],
        "TargetCapacitySpecification": {"TotalTargetCapacity": 2,
                                        "DefaultTargetCapacityType": "on-demand"},
        "OnDemandOptions": {"CapacityReservationOptions": {
            "UsageStrategy": "use-capacity-reservations-first"}},
        "TagSpecifications": [{"ResourceType": "fleet",
                               "Tags": [{"Key": "Name", "Value": "cli-fleet"}]}]}))
    fleet = ok(aws("ec2", "create-fleet", "--cli-input-json", f"file://{request}"))
    ids = fleet["Instances"][0]["InstanceIds"]
    assert fleet["Errors"] == [] and len(ids) == 2
    placed = ok(aws("ec2", "describe-instances", "--instance-ids", *ids, "--query",
                    "Reservations[].Instances[].[Placement.AvailabilityZone,"
                    "CapacityReservationId]"))
    assert placed == [["us-east-1a", made[("us-east-1a", "t3.micro")]]] * 2
    used = ok(aws("ec2", "describe-capacity-reservations", "--capacity-reservation-ids",
                  made[("us-east-1a", "t3.micro")], "--query",
                  "CapacityReservations[0].AvailableInstanceCount"))
    assert used == 0
    shown = ok(aws("ec2", "describe-fleets", "--fleet-ids", fleet["FleetId"], "--query",
                   "Fleets[0].[Type,FleetState,Tags[0].Value]"))
    assert shown == ["instant", "active", "cli-fleet"]


def test_cli_waiters_over_imports_and_password_data(aws: Any, server_ec2: Any) -> None:
    snap_task = ok(aws("ec2", "import-snapshot", "--disk-container",
                       "Format=VMDK,Url=s3://cli-imports/disk.vmdk"))["ImportTaskId"]
    ok(aws("ec2", "wait", "snapshot-imported", "--import-task-ids", snap_task))
    image_task = ok(aws("ec2", "import-image", "--disk-containers",
                        "Format=ova,UserBucket={S3Bucket=cli-imports,S3Key=vm.ova}"))
    assert image_task["Status"] == "active"
    image_id = ok(aws("ec2", "describe-import-image-tasks", "--import-task-ids",
                      image_task["ImportTaskId"], "--query", "ImportImageTasks[0].ImageId"))
    ok(aws("ec2", "wait", "image-available", "--image-ids", image_id))
    ok(aws("ec2", "wait", "image-exists", "--image-ids", image_id))
    stored = ok(aws("ec2", "create-store-image-task", "--image-id", image_id, "--bucket",
                    "cli-amis"))["ObjectKey"]
    ok(aws("ec2", "wait", "store-image-task-complete", "--image-ids", image_id))
    assert stored == f"{image_id}.bin"

    iid = windows_instance(server_ec2)
    ok(aws("ec2", "wait", "password-data-available", "--instance-id", iid))
    data = ok(aws("ec2", "get-password-data", "--instance-id", iid))
    assert data["InstanceId"] == iid and data["PasswordData"]
    dry = aws("ec2", "get-password-data", "--instance-id", iid, "--dry-run")
    fails_with(dry, "DryRunOperation")
    missing = aws("ec2", "get-password-data", "--instance-id", "i-0123456789abcdef0")
    fails_with(missing, "InvalidInstanceID.NotFound")


# -- Ansible amazon.aws ------------------------------------------------------------------------

@pytest.mark.server
@pytest.mark.ansible
def test_ansible_instance_volume_snapshot_and_image_settings(playbook: Any,
                                                             server_ec2: Any) -> None:
    ec2 = server_ec2
    out = playbook("issue15.yml", image_id=AMI)
    iid = out["launch instance"]["instance_ids"][0]
    assert out["launch instance"]["changed"] and not out["launch instance again"]["changed"]
    assert out["change settings"]["changed"]
    shown = ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0]
    assert shown["CpuOptions"] == {"CoreCount": 1, "ThreadsPerCore": 1}
    metadata = shown["MetadataOptions"]
    assert (metadata["HttpTokens"], metadata["HttpPutResponseHopLimit"],
            metadata["InstanceMetadataTags"]) == ("optional", 3, "disabled")
    assert ec2.describe_instance_attribute(InstanceId=iid, Attribute="disableApiTermination")[
        "DisableApiTermination"]["Value"] is False
    assert ec2.describe_instance_attribute(
        InstanceId=iid, Attribute="instanceInitiatedShutdownBehavior")[
        "InstanceInitiatedShutdownBehavior"]["Value"] == "terminate"
    info = out["instance info"]["instances"][0]
    assert info["cpu_options"] == {"core_count": 1, "threads_per_core": 1}
    burst = out["launch burstable instance"]["instance_ids"][0]
    assert ec2.describe_instance_credit_specifications(InstanceIds=[burst])[
        "InstanceCreditSpecifications"] == [{"InstanceId": burst, "CpuCredits": "unlimited"}]

    vol_id = out["create gp3 volume"]["volume_id"]
    assert not out["create gp3 volume again"]["changed"] and out["raise throughput"]["changed"]
    vol = ec2.describe_volumes(VolumeIds=[vol_id])["Volumes"][0]
    assert (vol["VolumeType"], vol["Iops"], vol["Throughput"]) == ("gp3", 4000, 500)
    assert vol["Attachments"][0]["DeleteOnTermination"] is True
    change = ec2.describe_volumes_modifications(VolumeIds=[vol_id])["VolumesModifications"][0]
    assert (change["OriginalThroughput"], change["TargetThroughput"]) == (250, 500)
    shared = ec2.describe_volumes(VolumeIds=[out["create multi-attach volume"]["volume_id"]])[
        "Volumes"][0]
    assert (shared["VolumeType"], shared["MultiAttachEnabled"]) == ("io2", True)
    assert sorted(v["id"] for v in out["volume info"]["volumes"]) == sorted(
        [vol_id, shared["VolumeId"]])

    snap = out["snapshot device"]["snapshot_id"]
    assert ec2.describe_snapshots(SnapshotIds=[snap])["Snapshots"][0]["VolumeId"] == vol_id
    assert out["share snapshot with all"]["changed"] and out["purge snapshot permissions"][
        "changed"]
    assert ec2.describe_snapshot_attribute(SnapshotId=snap, Attribute="createVolumePermission")[
        "CreateVolumePermissions"] == []
    assert [s["snapshot_id"] for s in out["snapshot info"]["snapshots"]] == [snap]

    image = out["register ami"]["image_id"]
    assert out["register ami again"]["failed"]                   # the name is taken
    assert fails(ec2.register_image, Name="issue15-uefi", RootDeviceName="/dev/xvda",
                 BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {
                     "SnapshotId": snap}}])[0] == "InvalidAMIName.Duplicate"
    registered = ec2.describe_images(ImageIds=[image])["Images"][0]
    assert (registered["BootMode"], registered["TpmSupport"], registered["EnaSupport"]) == (
        "uefi", "v2.0", True)
    assert registered["Public"] is False                          # made private again
    assert ec2.describe_image_attribute(ImageId=image, Attribute="launchPermission")[
        "LaunchPermissions"] == [{"UserId": "111122223333"}]
    assert out["ami info"]["images"][0]["launch_permissions"] == [{"user_id": "111122223333"}]
