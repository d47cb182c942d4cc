"""The AMI long tail through boto3: disable/enable, deprecation, deregistration protection,
launch permission reset and cancel, block public access, Allowed AMIs, watermarks, ancestry,
instance type specifications, fast launch, usage reports, references and instance image
metadata."""
from __future__ import annotations

import datetime as dt

import boto3
import pytest
from botocore.exceptions import ClientError

from helpers import error
from topology.compute import image_lifecycle

ME, FRIEND = "123456789012", "111122223333"
AL2023 = "al2023-ami-2023.6.20250107.0-kernel-6.1-x86_64"


def client(account: str = ME, region: str = "us-east-1"):
    return boto3.client("ec2", region_name=region, aws_access_key_id=account,
                        aws_secret_access_key="x")


def register(ec2, name: str = "my-ami") -> str:
    zone = ec2.meta.region_name + "a"
    vol = ec2.create_volume(AvailabilityZone=zone, Size=8)["VolumeId"]
    snap = ec2.create_snapshot(VolumeId=vol)["SnapshotId"]
    return ec2.register_image(
        Name=name, RootDeviceName="/dev/xvda", Architecture="x86_64",
        VirtualizationType="hvm",
        BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"SnapshotId": snap}}]
    )["ImageId"]


def public(ec2, name_glob: str, owner: str = "amazon") -> str:
    found = ec2.describe_images(Owners=[owner],
                                Filters=[{"Name": "name", "Values": [name_glob]}])["Images"]
    return found[0]["ImageId"]


def image(ec2, image_id: str, **extra) -> dict:
    [found] = ec2.describe_images(ImageIds=[image_id], **extra)["Images"]
    return found


def launch(ec2, image_id: str, **extra) -> str:
    return ec2.run_instances(ImageId=image_id, MinCount=1, MaxCount=1, InstanceType="t3.micro",
                             **extra)["Instances"][0]["InstanceId"]


def fails(call, **kwargs) -> tuple[str, str]:
    with pytest.raises(ClientError) as exc:
        call(**kwargs)
    return error(exc)


# -- disable / enable -------------------------------------------------------------------------
def test_a_disabled_image_is_private_hidden_and_not_launchable(ec2):
    image_id = register(ec2)
    ec2.modify_image_attribute(ImageId=image_id, LaunchPermission={"Add": [{"UserId": FRIEND}]})
    assert ec2.disable_image(ImageId=image_id)["Return"] is True
    assert ec2.describe_images(ImageIds=[image_id])["Images"] == []
    found = image(ec2, image_id, IncludeDisabled=True)
    assert (found["State"], found["Public"]) == ("disabled", False)
    attr = ec2.describe_image_attribute(ImageId=image_id, Attribute="launchPermission")
    assert attr["LaunchPermissions"] == []
    assert client(FRIEND).describe_images(ImageIds=[image_id])["Images"] == []
    code, _ = fails(ec2.run_instances, ImageId=image_id, MinCount=1, MaxCount=1)
    assert code == "InvalidAMIID.Unavailable"
    code, _ = fails(ec2.modify_image_attribute, ImageId=image_id,
                    LaunchPermission={"Add": [{"Group": "all"}]})
    assert code == "InvalidAMIID.Unavailable"
    assert fails(ec2.disable_image, ImageId=image_id)[0] == "IncorrectState"
    assert ec2.enable_image(ImageId=image_id)["Return"] is True
    assert image(ec2, image_id)["State"] == "available"
    assert fails(ec2.enable_image, ImageId=image_id)[0] == "IncorrectState"
    launch(ec2, image_id)


def test_only_the_owner_disables(ec2):
    image_id = register(ec2)
    ec2.modify_image_attribute(ImageId=image_id, LaunchPermission={"Add": [{"UserId": FRIEND}]})
    assert fails(client(FRIEND).disable_image, ImageId=image_id)[0] == "AuthFailure"
    assert fails(ec2.disable_image, ImageId="ami-0123456789abcdef0")[0] == "InvalidAMIID.NotFound"
    assert fails(ec2.disable_image, ImageId="ami-nope")[0] == "InvalidAMIID.Malformed"


# -- deprecation ------------------------------------------------------------------------------
def test_deprecation_rounds_to_the_minute_and_hides_from_others(ec2):
    image_id = register(ec2)
    ec2.modify_image_attribute(ImageId=image_id, LaunchPermission={"Add": [{"UserId": FRIEND}]})
    soon = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=2)).replace(second=40)
    assert ec2.enable_image_deprecation(ImageId=image_id, DeprecateAt=soon)["Return"] is True
    expected = (soon + dt.timedelta(seconds=20)).strftime("%Y-%m-%dT%H:%M:00.000Z")
    assert image(ec2, image_id)["DeprecationTime"] == expected
    past = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=1)
    code, _ = fails(ec2.enable_image_deprecation, ImageId=image_id, DeprecateAt=past)
    assert code == "InvalidParameterValue"
    far = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=3700)
    assert fails(ec2.enable_image_deprecation, ImageId=image_id,
                 DeprecateAt=far)[0] == "InvalidParameterValue"
    ec2.disable_image_deprecation(ImageId=image_id)
    assert "DeprecationTime" not in image(ec2, image_id)


# -- deregistration protection ----------------------------------------------------------------
def test_deregistration_protection_and_its_cooldown(ec2):
    image_id = register(ec2)
    answer = ec2.enable_image_deregistration_protection(ImageId=image_id)
    assert answer["Return"] == "enabled-without-cooldown"
    assert image(ec2, image_id)["DeregistrationProtection"] == "enabled-without-cooldown"
    code, _ = fails(ec2.deregister_image, ImageId=image_id)
    assert code == "OperationNotPermitted"
    assert ec2.disable_image_deregistration_protection(ImageId=image_id)["Return"] == "disabled"
    assert image(ec2, image_id)["DeregistrationProtection"] == "disabled"
    other = register(ec2, "cooled")
    answer = ec2.enable_image_deregistration_protection(ImageId=other, WithCooldown=True)
    assert answer["Return"] == "enabled-with-cooldown"
    ec2.disable_image_deregistration_protection(ImageId=other)
    assert image(ec2, other)["DeregistrationProtection"].startswith("disabled-until ")
    assert fails(ec2.deregister_image, ImageId=other)[0] == "OperationNotPermitted"
    ec2.deregister_image(ImageId=image_id)
    assert ec2.describe_images(ImageIds=[image_id])["Images"] == []


def test_the_cooldown_ends_after_24_hours(ec2, monkeypatch):
    image_id = register(ec2)
    ec2.enable_image_deregistration_protection(ImageId=image_id, WithCooldown=True)
    ec2.disable_image_deregistration_protection(ImageId=image_id)
    attr = ec2.describe_image_attribute(ImageId=image_id, Attribute="deregistrationProtection")
    assert attr["DeregistrationProtection"]["Value"].startswith("disabled-until ")
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=24, minutes=1)
    monkeypatch.setattr(image_lifecycle, "_now", lambda: later)
    ec2.deregister_image(ImageId=image_id)
    assert ec2.describe_images(ImageIds=[image_id])["Images"] == []


# -- launch permissions -----------------------------------------------------------------------
def test_reset_and_cancel_launch_permissions(ec2):
    image_id = register(ec2)
    ec2.modify_image_attribute(ImageId=image_id, LaunchPermission={
        "Add": [{"UserId": FRIEND}, {"Group": "all"}]})
    ec2.reset_image_attribute(ImageId=image_id, Attribute="launchPermission")
    assert image(ec2, image_id)["Public"] is False
    assert client(FRIEND).describe_images(ImageIds=[image_id])["Images"] == []
    ec2.modify_image_attribute(ImageId=image_id, LaunchPermission={"Add": [{"UserId": FRIEND}]})
    friend = client(FRIEND)
    assert friend.cancel_image_launch_permission(ImageId=image_id)["Return"] is True
    assert friend.describe_images(ImageIds=[image_id])["Images"] == []
    assert ec2.describe_image_attribute(ImageId=image_id, Attribute="launchPermission")[
        "LaunchPermissions"] == []
    assert fails(ec2.cancel_image_launch_permission,
                 ImageId=image_id)[0] == "InvalidParameterValue"
    assert fails(friend.cancel_image_launch_permission,
                 ImageId=image_id)[0] == "InvalidAMIID.NotFound"


# -- block public access ----------------------------------------------------------------------
def test_block_public_access_refuses_making_an_image_public(ec2):
    state = ec2.get_image_block_public_access_state()
    assert (state["ImageBlockPublicAccessState"], state["ManagedBy"]) == ("unblocked", "account")
    already = register(ec2, "already-public")
    ec2.modify_image_attribute(ImageId=already, LaunchPermission={"Add": [{"Group": "all"}]})
    answer = ec2.enable_image_block_public_access(ImageBlockPublicAccessState="block-new-sharing")
    assert answer["ImageBlockPublicAccessState"] == "block-new-sharing"
    assert ec2.get_image_block_public_access_state()[
        "ImageBlockPublicAccessState"] == "block-new-sharing"
    image_id = register(ec2)
    code, _ = fails(ec2.modify_image_attribute, ImageId=image_id,
                    LaunchPermission={"Add": [{"Group": "all"}]})
    assert code == "OperationNotPermitted"
    assert image(ec2, image_id)["Public"] is False
    assert image(ec2, already)["Public"] is True                   # already public stays
    ec2.modify_image_attribute(ImageId=image_id, LaunchPermission={"Add": [{"UserId": FRIEND}]})
    assert ec2.disable_image_block_public_access()["ImageBlockPublicAccessState"] == "unblocked"
    ec2.modify_image_attribute(ImageId=image_id, LaunchPermission={"Add": [{"Group": "all"}]})
    assert image(ec2, image_id)["Public"] is True
    code, _ = fails(ec2.enable_image_block_public_access, ImageBlockPublicAccessState="nope")
    assert code == "InvalidParameterValue"


# -- Allowed AMIs -----------------------------------------------------------------------------
def test_allowed_images_settings_audit_then_enabled(ec2):
    assert ec2.get_allowed_images_settings()["State"] == "disabled"
    amazon = public(ec2, AL2023)
    canonical = public(ec2, "ubuntu/*", "099720109477")
    mine = register(ec2)
    assert "ImageAllowed" not in image(ec2, amazon)
    ec2.replace_image_criteria_in_allowed_images_settings(ImageCriteria=[
        {"ImageProviders": ["amazon"]}, {"ImageNames": ["golden-*"]}])
    assert ec2.enable_allowed_images_settings(
        AllowedImagesSettingsState="audit-mode")["AllowedImagesSettingsState"] == "audit-mode"
    settings = ec2.get_allowed_images_settings()
    assert settings["State"] == "audit-mode"
    assert settings["ImageCriteria"] == [{"ImageProviders": ["amazon"]},
                                         {"ImageNames": ["golden-*"]}]
    assert image(ec2, amazon)["ImageAllowed"] is True
    assert image(ec2, canonical)["ImageAllowed"] is False
    assert image(ec2, mine)["ImageAllowed"] is True                # own images always are
    allowed = ec2.describe_images(Filters=[{"Name": "image-allowed", "Values": ["false"]}])
    assert canonical in [i["ImageId"] for i in allowed["Images"]]
    launch(ec2, canonical)                                         # audit mode: no limits
    ec2.enable_allowed_images_settings(AllowedImagesSettingsState="enabled")
    assert ec2.describe_images(ImageIds=[canonical])["Images"] == []
    code, _ = fails(ec2.run_instances, ImageId=canonical, MinCount=1, MaxCount=1)
    assert code == "InvalidAMIID.NotFound"
    launch(ec2, amazon)
    assert ec2.disable_allowed_images_settings()["AllowedImagesSettingsState"] == "disabled"
    launch(ec2, canonical)


def test_allowed_images_criteria_are_checked(ec2):
    for criteria in ([{"ImageProviders": ["someone"]}],
                     [{"ImageProviders": ["none", "amazon"]}]):
        code, _ = fails(ec2.replace_image_criteria_in_allowed_images_settings,
                        ImageCriteria=criteria)
        assert code == "InvalidParameterValue"
    code, _ = fails(ec2.enable_allowed_images_settings, AllowedImagesSettingsState="on")
    assert code == "InvalidParameterValue"
    assert "ImageCriteria" not in ec2.get_allowed_images_settings()


# -- watermarks, ancestry, instance types -----------------------------------------------------
def test_watermarks_propagate_to_copies_and_ancestry_traces_them(ec2):
    source = register(ec2)
    key = ec2.attach_image_watermark(ImageId=source, WatermarkName="approved")["WatermarkKey"]
    assert key == f"{ME}:approved"
    [mark] = image(ec2, source)["ImageWatermarks"]
    assert (mark["WatermarkKey"], mark["SourceImageId"]) == (key, source)
    copied = ec2.copy_image(SourceRegion="us-east-1", SourceImageId=source,
                            Name="copy")["ImageId"]
    instance = launch(ec2, copied)
    made = ec2.create_image(InstanceId=instance, Name="from-instance")["ImageId"]
    assert [m["WatermarkKey"] for m in image(ec2, made)["ImageWatermarks"]] == [key]
    ec2.detach_image_watermark(ImageId=source, WatermarkKey=key)
    ec2.detach_image_watermark(ImageId=source, WatermarkKey=key)         # idempotent
    assert "ImageWatermarks" not in image(ec2, source)
    assert image(ec2, copied)["ImageWatermarks"][0]["WatermarkKey"] == key
    marked = ec2.describe_images(Owners=["self"], Filters=[
        {"Name": "image-watermark.watermark-key", "Values": [key]}])["Images"]
    assert sorted(i["ImageId"] for i in marked) == sorted([copied, made])
    chain = ec2.get_image_ancestry(ImageId=made)["ImageAncestryEntries"]
    assert [e["ImageId"] for e in chain] == [made, copied, source]
    assert chain[0]["SourceImageId"] == copied and "SourceImageId" not in chain[2]
    ec2.deregister_image(ImageId=copied)                                  # still traced
    chain = ec2.get_image_ancestry(ImageId=made)["ImageAncestryEntries"]
    assert [e["ImageId"] for e in chain] == [made, copied, source]
    code, _ = fails(ec2.attach_image_watermark, ImageId=source, WatermarkName="bad#name")
    assert code == "InvalidParameterValue"


def test_no_watermark_on_a_public_image(ec2):
    image_id = register(ec2)
    ec2.modify_image_attribute(ImageId=image_id, LaunchPermission={"Add": [{"Group": "all"}]})
    code, _ = fails(ec2.attach_image_watermark, ImageId=image_id, WatermarkName="mark")
    assert code == "InvalidParameterValue"


def test_instance_type_specification_limits_launches(ec2):
    image_id = register(ec2)
    ec2.replace_image_instance_type_specification(ImageId=image_id, InstanceTypeSpecification={
        "SupportedInstanceTypes": ["t3.*"], "UnsupportedInstanceTypes": ["t3.nano"]})
    assert image(ec2, image_id)["InstanceTypeSpecification"] == {
        "SupportedInstanceTypes": [{"InstanceType": "t3.*"}],
        "UnsupportedInstanceTypes": [{"InstanceType": "t3.nano"}]}
    launch(ec2, image_id)
    for bad in ("t3.nano", "m5.large"):
        code, _ = fails(ec2.run_instances, ImageId=image_id, MinCount=1, MaxCount=1,
                        InstanceType=bad)
        assert code == "InvalidParameterCombination"
    ec2.replace_image_instance_type_specification(ImageId=image_id)
    assert "InstanceTypeSpecification" not in image(ec2, image_id)
    ec2.run_instances(ImageId=image_id, MinCount=1, MaxCount=1, InstanceType="m5.large")


def test_image_findings_are_empty_for_a_visible_image(ec2):
    assert ec2.get_image_findings(ImageId=public(ec2, AL2023))["ImageFindings"] == []
    assert fails(ec2.get_image_findings,
                 ImageId="ami-0123456789abcdef0")[0] == "InvalidAMIID.NotFound"


# -- fast launch ------------------------------------------------------------------------------
def test_fast_launch_for_windows_images_only(ec2):
    windows = public(ec2, "Windows_Server-2022-*")
    answer = ec2.enable_fast_launch(ImageId=windows, MaxParallelLaunches=8)
    assert (answer["State"], answer["MaxParallelLaunches"], answer["ResourceType"]) == (
        "enabling", 8, "snapshot")
    [row] = ec2.describe_fast_launch_images()["FastLaunchImages"]
    assert (row["ImageId"], row["State"]) == (windows, "enabled")
    assert ec2.describe_fast_launch_images(Filters=[
        {"Name": "state", "Values": ["enabling"]}])["FastLaunchImages"] == []
    assert ec2.disable_fast_launch(ImageId=windows)["State"] == "disabling"
    assert ec2.describe_fast_launch_images()["FastLaunchImages"] == []
    code, _ = fails(ec2.enable_fast_launch, ImageId=public(ec2, AL2023))
    assert code == "UnsupportedOperation"
    code, _ = fails(ec2.enable_fast_launch, ImageId=windows, MaxParallelLaunches=2)
    assert code == "InvalidParameterValue"
    assert fails(ec2.disable_fast_launch, ImageId=windows)[0] == "InvalidParameterValue"


# -- usage ------------------------------------------------------------------------------------
def test_usage_report_counts_other_accounts_instances_and_templates(ec2):
    image_id = register(ec2)
    ec2.modify_image_attribute(ImageId=image_id, LaunchPermission={"Add": [{"UserId": FRIEND}]})
    friend = client(FRIEND)
    launch(friend, image_id)
    launch(friend, image_id)
    friend.create_launch_template(LaunchTemplateName="uses-it",
                                  LaunchTemplateData={"ImageId": image_id})
    launch(ec2, image_id)                                     # the owner's own: not counted
    report_id = ec2.create_image_usage_report(
        ImageId=image_id, ResourceTypes=[{"ResourceType": "ec2:Instance"},
                                         {"ResourceType": "ec2:LaunchTemplate"}],
        TagSpecifications=[{"ResourceType": "image-usage-report",
                            "Tags": [{"Key": "k", "Value": "v"}]}])["ReportId"]
    [report] = ec2.describe_image_usage_reports(ReportIds=[report_id])["ImageUsageReports"]
    assert (report["ImageId"], report["State"], report["Tags"]) == (
        image_id, "available", [{"Key": "k", "Value": "v"}])
    entries = ec2.describe_image_usage_report_entries(ImageIds=[image_id])[
        "ImageUsageReportEntries"]
    assert sorted((e["AccountId"], e["ResourceType"], e["UsageCount"]) for e in entries) == [
        (FRIEND, "ec2:Instance", 2), (FRIEND, "ec2:LaunchTemplate", 1)]
    only = ec2.describe_image_usage_report_entries(Filters=[
        {"Name": "resource-type", "Values": ["ec2:Instance"]}])["ImageUsageReportEntries"]
    assert [e["UsageCount"] for e in only] == [2]
    assert ec2.delete_image_usage_report(ReportId=report_id)["Return"] is True
    code, _ = fails(ec2.describe_image_usage_reports, ReportIds=[report_id])
    assert code == "InvalidImageUsageReportId.NotFound"
    code, _ = fails(friend.create_image_usage_report, ImageId=image_id,
                    ResourceTypes=[{"ResourceType": "ec2:Instance"}])
    assert code == "AuthFailure"
    code, _ = fails(ec2.create_image_usage_report, ImageId=image_id,
                    ResourceTypes=[{"ResourceType": "ec2:Volume"}])
    assert code == "InvalidParameterValue"


def test_image_references_name_instances_and_templates(ec2):
    image_id = register(ec2)
    instance = launch(ec2, image_id)
    lt_id = ec2.create_launch_template(LaunchTemplateName="refs", LaunchTemplateData={
        "ImageId": image_id})["LaunchTemplate"]["LaunchTemplateId"]
    refs = ec2.describe_image_references(ImageIds=[image_id], IncludeAllResourceTypes=True)[
        "ImageReferences"]
    assert sorted((r["ResourceType"], r["Arn"].rsplit("/", 1)[1]) for r in refs) == [
        ("ec2:Instance", instance), ("ec2:LaunchTemplate", lt_id)]
    only = ec2.describe_image_references(ImageIds=[image_id], ResourceTypes=[
        {"ResourceType": "ec2:Instance",
         "ResourceTypeOptions": [{"OptionName": "state-name", "OptionValues": ["stopped"]}]}])
    assert only["ImageReferences"] == []
    code, _ = fails(ec2.describe_image_references, ImageIds=[image_id])
    assert code == "MissingParameter"


def test_instance_image_metadata_outlives_deregistration(ec2):
    image_id = register(ec2, "gone-soon")
    instance = launch(ec2, image_id)
    ec2.deregister_image(ImageId=image_id)
    [row] = ec2.describe_instance_image_metadata(InstanceIds=[instance])[
        "InstanceImageMetadata"]
    meta = row["ImageMetadata"]
    assert (row["InstanceId"], row["InstanceType"], row["State"]["Name"]) == (
        instance, "t3.micro", "running")
    assert (meta["ImageId"], meta["Name"], meta["State"], meta["OwnerId"]) == (
        image_id, "gone-soon", "deregistered", ME)
    by_type = ec2.describe_instance_image_metadata(Filters=[
        {"Name": "instance-type", "Values": ["m5.large"]}])["InstanceImageMetadata"]
    assert by_type == []
    code, _ = fails(ec2.describe_instance_image_metadata, InstanceIds=["i-0123456789abcdef0"])
    assert code == "InvalidInstanceID.NotFound"


# -- over HTTP --------------------------------------------------------------------------------
def test_lifecycle_and_settings_over_http(server_ec2):
    ec2 = server_ec2
    image_id = register(ec2)
    ec2.disable_image(ImageId=image_id)
    assert image(ec2, image_id, IncludeDisabled=True)["State"] == "disabled"
    ec2.enable_image(ImageId=image_id)
    assert ec2.enable_image_deregistration_protection(
        ImageId=image_id, WithCooldown=True)["Return"] == "enabled-with-cooldown"
    ec2.enable_image_block_public_access(ImageBlockPublicAccessState="block-new-sharing")
    assert ec2.get_image_block_public_access_state()[
        "ImageBlockPublicAccessState"] == "block-new-sharing"
    ec2.enable_allowed_images_settings(AllowedImagesSettingsState="audit-mode")
    assert image(ec2, image_id)["ImageAllowed"] is True
    key = ec2.attach_image_watermark(ImageId=image_id, WatermarkName="wm1")["WatermarkKey"]
    assert image(ec2, image_id)["ImageWatermarks"][0]["WatermarkKey"] == key
    chain = ec2.get_image_ancestry(ImageId=image_id)["ImageAncestryEntries"]
    assert [e["ImageId"] for e in chain] == [image_id]
    assert isinstance(chain[0]["CreationDate"], dt.datetime)
    report = ec2.create_image_usage_report(
        ImageId=image_id, ResourceTypes=[{"ResourceType": "ec2:Instance"}])["ReportId"]
    assert ec2.describe_image_usage_reports()["ImageUsageReports"][0]["ReportId"] == report
    with pytest.raises(ClientError) as exc:
        ec2.disable_image(ImageId=image_id, DryRun=True)
    assert error(exc)[0] == "DryRunOperation"
