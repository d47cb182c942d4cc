"""VM Import/Export, AMI store/restore and bundle tasks through boto3, in-process and against
the server: each task answers in progress and is done when described later (its AMI,
snapshot or volume then exists); a task still in progress may be cancelled, a done one not."""
from __future__ import annotations

import pytest

from helpers import fails

AMI = "ami-057c3ffbeeff55523"          # al2023 x86_64, public catalogue of us-east-1
DISK = {"Format": "ova", "UserBucket": {"S3Bucket": "my-import-bucket",
                                        "S3Key": "vms/my-server-vm.ova"}}
MANIFEST = "https://s3.amazonaws.com/my-import-bucket/m.xml"


def _image_tasks(ec2, **kwargs) -> list[dict]:
    return ec2.describe_import_image_tasks(**kwargs)["ImportImageTasks"]


def _own_images(ec2) -> list[str]:
    return [i["ImageId"] for i in ec2.describe_images(Owners=["self"])["Images"]]


def _instance(ec2) -> str:
    return ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, InstanceType="t3.micro")[
        "Instances"][0]["InstanceId"]


# -- ImportImage ------------------------------------------------------------------------------
def test_import_image_is_active_then_completed_with_an_ami(ec2):
    started = ec2.import_image(DiskContainers=[DISK], Description="web", TagSpecifications=[
        {"ResourceType": "import-image-task", "Tags": [{"Key": "team", "Value": "a"}]}])
    task_id = started["ImportTaskId"]
    assert task_id.startswith("import-ami-")
    assert (started["Status"], started["StatusMessage"], started["Progress"]) == (
        "active", "pending", "2")
    assert "ImageId" not in started
    assert started["SnapshotDetails"][0]["UserBucket"] == DISK["UserBucket"]
    assert started["Tags"] == [{"Key": "team", "Value": "a"}]

    done = _image_tasks(ec2, ImportTaskIds=[task_id])[0]
    assert done["Status"] == "completed" and "Progress" not in done
    detail = done["SnapshotDetails"][0]
    assert detail["Status"] == "completed" and detail["DiskImageSize"] > 0
    image = ec2.describe_images(ImageIds=[done["ImageId"]])["Images"][0]
    assert image["Name"] == task_id and image["State"] == "available"
    assert image["RootDeviceName"] == "/dev/sda1"
    assert image["BlockDeviceMappings"][0]["Ebs"]["SnapshotId"] == detail["SnapshotId"]
    snap = ec2.describe_snapshots(SnapshotIds=[detail["SnapshotId"]])["Snapshots"][0]
    assert snap["Description"] == f"Created by AWS-VMImport service for {task_id}"
    assert snap["VolumeId"] == "vol-ffffffff"
    # described again: the same AMI, nothing more made
    assert _image_tasks(ec2)[0]["ImageId"] == done["ImageId"]
    assert _own_images(ec2) == [done["ImageId"]]


def test_import_image_from_a_snapshot_takes_its_size(ec2):
    vol = ec2.create_volume(AvailabilityZone="us-east-1a", Size=20)["VolumeId"]
    snap = ec2.create_snapshot(VolumeId=vol)["SnapshotId"]
    task_id = ec2.import_image(DiskContainers=[{"SnapshotId": snap}], Platform="Windows",
                               Architecture="x86_64")["ImportTaskId"]
    done = _image_tasks(ec2, ImportTaskIds=[task_id])[0]
    assert done["Platform"] == "Windows"
    image = ec2.describe_images(ImageIds=[done["ImageId"]])["Images"][0]
    assert image["Platform"] == "windows" and image["PlatformDetails"] == "Windows"
    assert image["BlockDeviceMappings"][0]["Ebs"]["VolumeSize"] == 20
    assert image["BlockDeviceMappings"][0]["Ebs"]["SnapshotId"] != snap


def test_import_image_of_two_disks(ec2):
    second = {"Format": "VMDK", "Url": "s3://my-import-bucket/data.vmdk"}
    task_id = ec2.import_image(DiskContainers=[DISK, second])["ImportTaskId"]
    done = _image_tasks(ec2, ImportTaskIds=[task_id])[0]
    assert [d["Status"] for d in done["SnapshotDetails"]] == ["completed", "completed"]
    image = ec2.describe_images(ImageIds=[done["ImageId"]])["Images"][0]
    assert [(m["DeviceName"], m["Ebs"]["SnapshotId"]) for m in image[
        "BlockDeviceMappings"]] == [("/dev/sda1", done["SnapshotDetails"][0]["SnapshotId"]),
                                    ("/dev/sdb", done["SnapshotDetails"][1]["SnapshotId"])]


@pytest.mark.parametrize("containers, code", [
    ([], "MissingParameter"),
    ([{"Format": "ova"}], "MissingParameter"),
    ([{"Format": "ova", "Url": "s3://b/k", "UserBucket": {"S3Bucket": "bkt", "S3Key": "k"}}],
     "InvalidParameterCombination"),
    ([{"Format": "iso", "UserBucket": {"S3Bucket": "bucket", "S3Key": "k"}}],
     "InvalidParameterValue"),
    ([{"Format": "ova", "UserBucket": {"S3Bucket": "Bad_Bucket", "S3Key": "k"}}],
     "InvalidParameterValue"),
    ([{"Format": "ova", "Url": "ftp://host/disk.ova"}], "InvalidParameterValue"),
    ([{"SnapshotId": "snap-0123456789abcdef0"}], "InvalidSnapshot.NotFound"),
    ([{**DISK, "DeviceName": "/dev/sdb"}, {**DISK, "DeviceName": "/dev/sdb"}],
     "InvalidBlockDeviceMapping"),
])
def test_import_image_refuses_bad_disks_and_makes_nothing(ec2, containers, code):
    assert fails(ec2.import_image, DiskContainers=containers)[0] == code
    assert _image_tasks(ec2) == []


def test_import_image_checks_choices_and_encryption(ec2):
    assert fails(ec2.import_image, DiskContainers=[DISK], Platform="BeOS")[0] == \
        "InvalidParameterValue"
    assert fails(ec2.import_image, DiskContainers=[DISK], KmsKeyId="alias/aws/ebs")[0] == \
        "InvalidParameterDependency"
    encrypted = ec2.import_image(DiskContainers=[DISK], Encrypted=True)
    assert encrypted["Encrypted"] is True and encrypted["KmsKeyId"].startswith("arn:aws:kms:")
    assert fails(ec2.import_image, DiskContainers=[DISK], DryRun=True)[0] == "DryRunOperation"
    assert len(_image_tasks(ec2)) == 1


def test_an_imported_ami_appears_without_watching_the_task(ec2):
    """On AWS the AMI exists once the import completes, whoever looks: a
    `wait image-exists` by name after ImportImage succeeds without describing the task."""
    task_id = ec2.import_image(DiskContainers=[DISK])["ImportTaskId"]
    snap_task = ec2.import_snapshot(DiskContainer={"Format": "VMDK",
                                                   "Url": "s3://b-1/d.vmdk"})["ImportTaskId"]
    ec2.get_waiter("image_exists").wait(Filters=[{"Name": "name", "Values": [task_id]}])
    image = ec2.describe_images(Filters=[{"Name": "name", "Values": [task_id]}])["Images"][0]
    assert image["State"] == "available"
    made = ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"]
    assert any(snap["Description"].endswith(snap_task) for snap in made)
    assert _image_tasks(ec2, ImportTaskIds=[task_id])[0]["ImageId"] == image["ImageId"]


def test_cancel_import_task_before_it_completes(ec2):
    task_id = ec2.import_image(DiskContainers=[DISK])["ImportTaskId"]
    answer = ec2.cancel_import_task(ImportTaskId=task_id, CancelReason="wrong disk")
    answer.pop("ResponseMetadata")
    assert answer == {"ImportTaskId": task_id, "PreviousState": "active", "State": "deleting"}
    task = _image_tasks(ec2, ImportTaskIds=[task_id])[0]
    assert (task["Status"], task["StatusMessage"]) == ("deleted", "wrong disk")
    assert "ImageId" not in task and _own_images(ec2) == []
    code, message = fails(ec2.cancel_import_task, ImportTaskId=task_id)
    assert code == "IncorrectState" and task_id in message


def test_a_completed_import_cannot_be_cancelled(ec2):
    task_id = ec2.import_snapshot(DiskContainer={"Format": "VMDK", "Url": "s3://b-1/d.vmdk"})[
        "ImportTaskId"]
    ec2.get_waiter("snapshot_imported").wait(ImportTaskIds=[task_id])
    assert fails(ec2.cancel_import_task, ImportTaskId=task_id)[0] == "IncorrectState"
    assert fails(ec2.cancel_import_task, ImportTaskId="import-snap-0123456789abcdef0")[0] == \
        "InvalidConversionTaskId.Malformed"


def test_describe_import_image_tasks_filters_pages_and_ids(ec2):
    made = [ec2.import_image(DiskContainers=[DISK])["ImportTaskId"] for _ in range(3)]
    ec2.cancel_import_task(ImportTaskId=made[1])
    states = {t["ImportTaskId"]: t["Status"] for t in _image_tasks(ec2)}
    assert states == {made[0]: "completed", made[1]: "deleted", made[2]: "completed"}
    done = _image_tasks(ec2, Filters=[{"Name": "task-state", "Values": ["completed"]}])
    assert [t["ImportTaskId"] for t in done] == [made[0], made[2]]
    first = ec2.describe_import_image_tasks(MaxResults=2)
    rest = ec2.describe_import_image_tasks(MaxResults=2, NextToken=first["NextToken"])
    assert [t["ImportTaskId"] for t in first["ImportImageTasks"] + rest["ImportImageTasks"]] \
        == made
    assert fails(ec2.describe_import_image_tasks,
                 ImportTaskIds=["import-ami-0123456789abcdef0"])[0] == \
        "InvalidConversionTaskId.Malformed"
    assert fails(ec2.describe_import_image_tasks, Filters=[{"Name": "nope", "Values": ["x"]}])[
        0] == "InvalidParameterValue"


# -- ImportSnapshot (as Terraform's aws_ebs_snapshot_import drives it) ------------------------
def test_import_snapshot_as_terraform_drives_it(ec2):
    started = ec2.import_snapshot(
        Description="My server VMDK", RoleName="disk-image-import",
        DiskContainer={"Format": "VHD", "UserBucket": {"S3Bucket": "disk-images",
                                                        "S3Key": "source.vhd"}},
        TagSpecifications=[{"ResourceType": "import-snapshot-task",
                            "Tags": [{"Key": "Name", "Value": "HelloWorld"}]}])
    detail = started["SnapshotTaskDetail"]
    assert (detail["Status"], detail["StatusMessage"]) == ("active", "pending")
    ec2.get_waiter("snapshot_imported").wait(ImportTaskIds=[started["ImportTaskId"]],
                                             WaiterConfig={"Delay": 0, "MaxAttempts": 2})
    task = ec2.describe_import_snapshot_tasks(ImportTaskIds=[started["ImportTaskId"]])[
        "ImportSnapshotTasks"][0]
    snap_id = task["SnapshotTaskDetail"]["SnapshotId"]
    snap = ec2.describe_snapshots(SnapshotIds=[snap_id])["Snapshots"][0]
    assert snap["State"] == "completed"      # AWS describes it its own way (aws/aws-sdk#762)
    assert snap["Description"] == f"Created by AWS-VMImport service for {task['ImportTaskId']}"
    assert task["SnapshotTaskDetail"]["Description"] == "My server VMDK"
    ec2.create_tags(Resources=[snap_id], Tags=[{"Key": "Name", "Value": "HelloWorld"}])
    ec2.delete_snapshot(SnapshotId=snap_id)
    assert fails(ec2.describe_snapshots, SnapshotIds=[snap_id])[0] == "InvalidSnapshot.NotFound"


# -- ImportVolume / ImportInstance ------------------------------------------------------------
def _import_volume(ec2, size: int = 10) -> str:
    return ec2.import_volume(AvailabilityZone="us-east-1b", Volume={"Size": size}, Image={
        "Format": "VMDK", "Bytes": 1300687360, "ImportManifestUrl": MANIFEST})[
        "ConversionTask"]["ConversionTaskId"]


def test_import_volume_ends_in_a_volume(ec2):
    task_id = _import_volume(ec2)
    assert task_id.startswith("import-vol-")
    ec2.get_waiter("conversion_task_completed").wait(ConversionTaskIds=[task_id])
    task = ec2.describe_conversion_tasks(ConversionTaskIds=[task_id])["ConversionTasks"][0]
    vol_id = task["ImportVolume"]["Volume"]["Id"]
    assert task["ImportVolume"]["BytesConverted"] == 1300687360
    vol = ec2.describe_volumes(VolumeIds=[vol_id])["Volumes"][0]
    assert (vol["Size"], vol["AvailabilityZone"]) == (10, "us-east-1b")


def test_cancel_conversion_task(ec2):
    task_id = _import_volume(ec2)
    ec2.cancel_conversion_task(ConversionTaskId=task_id, ReasonMessage="not needed")
    ec2.get_waiter("conversion_task_cancelled").wait(ConversionTaskIds=[task_id])
    assert ec2.describe_volumes()["Volumes"] == []
    assert fails(ec2.cancel_conversion_task, ConversionTaskId=task_id)[0] == "IncorrectState"
    assert fails(ec2.describe_conversion_tasks,
                 ConversionTaskIds=["import-i-0123456789abcdef0"])[0] == \
        "InvalidConversionTaskId"
    assert fails(ec2.cancel_conversion_task, ConversionTaskId="nonsense")[0] == \
        "InvalidConversionTaskId.Malformed"


def test_import_volume_checks_its_disk(ec2):
    assert fails(ec2.import_volume, AvailabilityZone="us-east-1a", Volume={"Size": 10},
                 Image={"Format": "VMDK", "Bytes": 1, "ImportManifestUrl": "nope"})[0] == \
        "InvalidParameterValue"
    assert fails(ec2.import_volume, AvailabilityZone="us-east-9z", Volume={"Size": 10},
                 Image={"Format": "VMDK", "Bytes": 1, "ImportManifestUrl": MANIFEST})[0] == \
        "InvalidZone.NotFound"
    assert ec2.describe_conversion_tasks()["ConversionTasks"] == []


def test_import_instance_in_a_subnet_zone(ec2, subnet):
    zone = ec2.describe_subnets(SubnetIds=[subnet])["Subnets"][0]["AvailabilityZone"]
    task = ec2.import_instance(Platform="Windows", Description="rhel", LaunchSpecification={
        "SubnetId": subnet, "InstanceType": "m5.large", "Architecture": "x86_64"},
        DiskImages=[{"Image": {"Format": "VMDK", "Bytes": 2048, "ImportManifestUrl": MANIFEST},
                     "Volume": {"Size": 16}}])["ConversionTask"]
    assert task["ConversionTaskId"].startswith("import-i-") and task["State"] == "active"
    done = ec2.describe_conversion_tasks()["ConversionTasks"][0]
    volume = done["ImportInstance"]["Volumes"][0]
    assert (done["State"], volume["Status"], volume["AvailabilityZone"]) == (
        "completed", "completed", zone)
    assert ec2.describe_volumes(VolumeIds=[volume["Volume"]["Id"]])["Volumes"][0]["Size"] == 16


# -- ExportImage / CreateInstanceExportTask ---------------------------------------------------
def test_export_image(ec2):
    image_id = ec2.create_image(InstanceId=_instance(ec2), Name="to-export")["ImageId"]
    started = ec2.export_image(ImageId=image_id, DiskImageFormat="VMDK", S3ExportLocation={
        "S3Bucket": "my-export-bucket", "S3Prefix": "exports/"})
    assert (started["Status"], started["StatusMessage"], started["RoleName"]) == (
        "active", "validating", "vmimport")
    tasks = ec2.describe_export_image_tasks()["ExportImageTasks"]
    assert [(t["ExportImageTaskId"], t["Status"]) for t in tasks] == [
        (started["ExportImageTaskId"], "completed")]
    assert fails(ec2.export_image, ImageId=AMI, DiskImageFormat="VMDK",
                 S3ExportLocation={"S3Bucket": "my-export-bucket"})[0] == "AuthFailure"
    assert fails(ec2.describe_export_image_tasks, MaxResults=501)[0] == "InvalidParameterValue"


def test_an_image_vm_export_cannot_export_fails(ec2):
    vol = ec2.create_volume(AvailabilityZone="us-east-1a", Size=8, Encrypted=True)["VolumeId"]
    snap = ec2.create_snapshot(VolumeId=vol)["SnapshotId"]
    image_id = ec2.register_image(Name="sealed", RootDeviceName="/dev/xvda", BlockDeviceMappings=[
        {"DeviceName": "/dev/xvda", "Ebs": {"SnapshotId": snap}}])["ImageId"]
    task_id = ec2.export_image(ImageId=image_id, DiskImageFormat="VMDK", S3ExportLocation={
        "S3Bucket": "my-export-bucket"})["ExportImageTaskId"]
    task = ec2.describe_export_image_tasks(ExportImageTaskIds=[task_id])["ExportImageTasks"][0]
    assert task["Status"] == "deleted" and "encrypted" in task["StatusMessage"]


def test_cancel_an_image_export(ec2):
    image_id = ec2.create_image(InstanceId=_instance(ec2), Name="to-export")["ImageId"]
    task_id = ec2.export_image(ImageId=image_id, DiskImageFormat="RAW", S3ExportLocation={
        "S3Bucket": "my-export-bucket"})["ExportImageTaskId"]
    ec2.cancel_export_task(ExportTaskId=task_id)
    assert ec2.describe_export_image_tasks(ExportImageTaskIds=[task_id])[
        "ExportImageTasks"][0]["Status"] == "deleted"


def test_instance_export_completes_and_cancels(ec2):
    instance = _instance(ec2)
    task = ec2.create_instance_export_task(
        InstanceId=instance, TargetEnvironment="vmware", Description="RHEL5 instance",
        ExportToS3Task={"S3Bucket": "myexportbucket", "S3Prefix": "RHEL5export-",
                        "DiskImageFormat": "VMDK", "ContainerFormat": "ova"})["ExportTask"]
    assert task["State"] == "active"
    assert task["ExportToS3Task"]["S3Key"] == f"RHEL5export-{task['ExportTaskId']}.ova"
    assert task["InstanceExportDetails"] == {"InstanceId": instance,
                                             "TargetEnvironment": "vmware"}
    ec2.get_waiter("export_task_completed").wait(ExportTaskIds=[task["ExportTaskId"]])
    assert fails(ec2.cancel_export_task, ExportTaskId=task["ExportTaskId"])[0] == \
        "IncorrectState"
    other = ec2.create_instance_export_task(
        InstanceId=instance, TargetEnvironment="citrix",
        ExportToS3Task={"S3Bucket": "myexportbucket", "DiskImageFormat": "VHD"})["ExportTask"]
    ec2.cancel_export_task(ExportTaskId=other["ExportTaskId"])
    ec2.get_waiter("export_task_cancelled").wait(ExportTaskIds=[other["ExportTaskId"]])
    assert fails(ec2.describe_export_tasks, ExportTaskIds=["export-i-0123456789abcdef0"])[
        0] == "InvalidExportTaskID.NotFound"


# -- store and restore ------------------------------------------------------------------------
def test_store_and_restore_an_ami(ec2):
    image_id = ec2.create_image(InstanceId=_instance(ec2), Name="golden")["ImageId"]
    key = ec2.create_store_image_task(ImageId=image_id, Bucket="my-ami-bucket")["ObjectKey"]
    assert key == f"{image_id}.bin"
    ec2.get_waiter("store_image_task_complete").wait(ImageIds=[image_id])
    result = ec2.describe_store_image_tasks(ImageIds=[image_id])["StoreImageTaskResults"][0]
    assert (result["StoreTaskState"], result["ProgressPercentage"], result["Bucket"]) == (
        "Completed", 100, "my-ami-bucket")
    # the original keeps its name: restoring under it again is AWS's duplicate-name error
    assert fails(ec2.create_restore_image_task, Bucket="my-ami-bucket", ObjectKey=key)[0] == \
        "InvalidAMIName.Duplicate"
    restored = ec2.create_restore_image_task(
        Bucket="my-ami-bucket", ObjectKey=key, Name="golden-restored", TagSpecifications=[
            {"ResourceType": "image", "Tags": [{"Key": "of", "Value": "ami"}]},
            {"ResourceType": "snapshot", "Tags": [{"Key": "of", "Value": "snap"}]}])["ImageId"]
    image = ec2.describe_images(ImageIds=[restored])["Images"][0]
    assert image["Tags"] == [{"Key": "of", "Value": "ami"}]
    snap = ec2.describe_snapshots(SnapshotIds=[image["BlockDeviceMappings"][0]["Ebs"][
        "SnapshotId"]])["Snapshots"][0]
    assert snap["Tags"] == [{"Key": "of", "Value": "snap"}]
    original = ec2.describe_images(ImageIds=[image_id])["Images"][0]
    assert image["Name"] == "golden-restored"
    assert image["BlockDeviceMappings"][0]["Ebs"]["SnapshotId"] != \
        original["BlockDeviceMappings"][0]["Ebs"]["SnapshotId"]
    assert fails(ec2.create_restore_image_task, Bucket="my-ami-bucket",
                 ObjectKey="ami-0123456789abcdef0.bin")[0] == "InvalidParameterValue"


def test_describe_store_image_tasks_rules(ec2):
    image_id = ec2.create_image(InstanceId=_instance(ec2), Name="golden")["ImageId"]
    ec2.create_store_image_task(ImageId=image_id, Bucket="bucket-one")
    assert fails(ec2.describe_store_image_tasks, ImageIds=[image_id], MaxResults=5)[0] == \
        "InvalidParameterCombination"
    found = ec2.describe_store_image_tasks(Filters=[{"Name": "bucket",
                                                     "Values": ["bucket-one"]}])
    assert [r["AmiId"] for r in found["StoreImageTaskResults"]] == [image_id]
    assert ec2.describe_store_image_tasks(Filters=[{"Name": "task-state", "Values": [
        "InProgress"]}])["StoreImageTaskResults"] == []
    assert fails(ec2.create_store_image_task, ImageId=AMI, Bucket="bucket-one")[0] == \
        "AuthFailure"
    assert fails(ec2.create_store_image_task, ImageId=image_id, Bucket="x")[0] == \
        "InvalidParameterValue"


# -- bundles ----------------------------------------------------------------------------------
def test_bundle_a_windows_instance_store_instance(ec2, mock):
    image_id = ec2.register_image(Name="win-store", ImageLocation="my-bucket/win.manifest.xml")[
        "ImageId"]
    mock.world.update(image_id, Platform="windows")     # the EC2 API cannot make one so
    instance = ec2.run_instances(ImageId=image_id, MinCount=1, MaxCount=1,
                                 InstanceType="m1.small")["Instances"][0]["InstanceId"]
    task = ec2.bundle_instance(InstanceId=instance, Storage={"S3": {
        "Bucket": "bundletasks", "Prefix": "winami"}})["BundleTask"]
    assert task["BundleId"].startswith("bun-") and task["State"] == "pending"
    ec2.get_waiter("bundle_task_complete").wait(BundleIds=[task["BundleId"]])
    assert fails(ec2.cancel_bundle_task, BundleId=task["BundleId"])[0] == "IncorrectState"
    other = ec2.bundle_instance(InstanceId=instance, Storage={"S3": {
        "Bucket": "bundletasks", "Prefix": "winami2"}})["BundleTask"]
    assert ec2.cancel_bundle_task(BundleId=other["BundleId"])["BundleTask"]["State"] == \
        "cancelling"
    states = {t["BundleId"]: t["State"] for t in ec2.describe_bundle_tasks(Filters=[
        {"Name": "s3-bucket", "Values": ["bundletasks"]}])["BundleTasks"]}
    assert states == {task["BundleId"]: "complete", other["BundleId"]: "failed"}
    assert fails(ec2.describe_bundle_tasks, BundleIds=["bun-0123456789abcdef0"])[0] == \
        "InvalidBundleID.NotFound"


def test_bundle_refuses_an_ebs_linux_instance(ec2):
    assert fails(ec2.bundle_instance, InstanceId=_instance(ec2), Storage={"S3": {
        "Bucket": "bundletasks", "Prefix": "x"}})[0] == "UnsupportedOperation"
    assert ec2.describe_bundle_tasks()["BundleTasks"] == []


# -- against the server -----------------------------------------------------------------------
@pytest.mark.server
def test_server_import_export_and_store(server_ec2):
    ec2 = server_ec2
    task_id = ec2.import_image(DiskContainers=[DISK])["ImportTaskId"]
    image_id = _image_tasks(ec2, ImportTaskIds=[task_id])[0]["ImageId"]
    assert ec2.describe_images(ImageIds=[image_id])["Images"][0]["Name"] == task_id
    snap = ec2.import_snapshot(DiskContainer={"Format": "RAW", "Url": "s3://raw-disks/a.raw"})
    ec2.cancel_import_task(ImportTaskId=snap["ImportTaskId"])
    assert ec2.describe_import_snapshot_tasks()["ImportSnapshotTasks"][0][
        "SnapshotTaskDetail"]["Status"] == "deleted"
    key = ec2.create_store_image_task(ImageId=image_id, Bucket="srv-bucket")["ObjectKey"]
    ec2.get_waiter("store_image_task_complete").wait(ImageIds=[image_id])
    restored = ec2.create_restore_image_task(Bucket="srv-bucket", ObjectKey=key, Name="again")
    assert restored["ImageId"].startswith("ami-")
    assert fails(ec2.cancel_import_task, ImportTaskId="import-ami-0123456789abcdef0")[0] == \
        "InvalidConversionTaskId.Malformed"
    vol_task = _import_volume(ec2)
    assert ec2.describe_conversion_tasks(ConversionTaskIds=[vol_task])["ConversionTasks"][0][
        "State"] == "completed"


@pytest.mark.server
@pytest.mark.ansible
def test_ansible_ec2_import_image(playbook, server_ec2):
    out = playbook("vm_import.yml")
    assert out["import in check mode"]["changed"] is True
    made = out["import"]["import_image"]
    assert out["import"]["changed"] is True
    assert made["status"] == "completed" and made["image_id"].startswith("ami-")
    assert made["tags"] == {"Name": "clone-vm-import-image", "team": "infra"}
    # (Ansible masks s3_key: the module's s3_key option is no_log)
    assert made["snapshot_details"][0]["user_bucket"]["s3_bucket"] == "clone-vm-s3-bucket"
    again = out["import again"]
    assert again["changed"] is False
    assert again["import_image"]["import_task_id"] == made["import_task_id"]
    [info] = out["info"]["import_image"]
    assert (info["import_task_id"], info["image_id"]) == (made["import_task_id"],
                                                          made["image_id"])
    assert out["cancel a completed import"]["changed"] is False
    tasks = server_ec2.describe_import_image_tasks()["ImportImageTasks"]
    assert [t["ImportTaskId"] for t in tasks] == [made["import_task_id"]]   # check mode made none
    assert server_ec2.describe_images(ImageIds=[made["image_id"]])["Images"][0]["Name"] == \
        made["import_task_id"]
