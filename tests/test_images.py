"""Image (AMI) operations through boto3: the public catalogue, DescribeImages' scoping and
filters, register/deregister, copy, create from an instance, attributes and sharing."""
from __future__ import annotations

import hashlib
import re

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from api import mock_ec2
from topology.compute import images
from topology.core.errors import TopologyError
from helpers import error

AMI_ID = re.compile(r"ami-([0-9a-f]{8}|[0-9a-f]{17})")   # old images (moto's examples) have 8
ME, FRIEND, STRANGER = "123456789012", "111122223333", "444455556666"
AL2023 = "al2023-ami-2023.6.20250107.0-kernel-6.1-x86_64"
DEPRECATED = "al2023-ami-2023.5.20240624.0-kernel-6.1-x86_64"


def client(account: str = ME, region: str = "us-east-1", **config):
    return boto3.client("ec2", region_name=region, aws_access_key_id=account,
                        aws_secret_access_key="x", config=Config(**config) if config else None)


def ids(answer) -> list[str]:
    return [i["ImageId"] for i in answer["Images"]]


def image_named(ec2, name: str) -> dict:
    [found] = ec2.describe_images(Filters=[{"Name": "name", "Values": [name]}],
                                  IncludeDeprecated=True)["Images"]
    return found


def snapshot(ec2, size: int = 8, **extra) -> str:
    zone = ec2.meta.region_name + "a"
    vol = ec2.create_volume(AvailabilityZone=zone, Size=size, **extra)["VolumeId"]
    return ec2.create_snapshot(VolumeId=vol)["SnapshotId"]


def register(ec2, name: str = "my-ami", snap: str | None = None, **extra) -> str:
    snap = snap or snapshot(ec2)
    return ec2.register_image(
        Name=name, RootDeviceName="/dev/xvda", Architecture="x86_64",
        VirtualizationType="hvm", EnaSupport=True,
        BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"SnapshotId": snap}}],
        **extra)["ImageId"]


def own_names(ec2) -> list[str]:
    return [i["Name"] for i in ec2.describe_images(Owners=["self"])["Images"]]


# -- the public catalogue ---------------------------------------------------------------------
def test_a_fresh_account_sees_the_public_catalogue(ec2):
    found = ec2.describe_images()["Images"]
    assert len(found) >= 10
    assert all(AMI_ID.fullmatch(i["ImageId"]) for i in found)
    assert all(i["Public"] is True and i["State"] == "available" for i in found)
    assert {i["OwnerId"] for i in found} >= {"137112412989", "099720109477", "801119661308",
                                             "136693071363"}
    assert DEPRECATED not in {i["Name"] for i in found}     # deprecated: hidden by default
    assert ec2.describe_images(Owners=["self"])["Images"] == []


def test_catalogue_images_look_like_amazons(ec2):
    al = image_named(ec2, AL2023)
    assert al["ImageOwnerAlias"] == "amazon" and al["OwnerId"] == "137112412989"
    assert al["Architecture"] == "x86_64" and al["RootDeviceName"] == "/dev/xvda"
    assert al["RootDeviceType"] == "ebs" and al["VirtualizationType"] == "hvm"
    assert al["EnaSupport"] is True and al["PlatformDetails"] == "Linux/UNIX"
    assert al["UsageOperation"] == "RunInstances" and al["ImageType"] == "machine"
    assert al["ImageLocation"] == f"amazon/{AL2023}"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", al["CreationDate"])
    [root] = al["BlockDeviceMappings"]
    assert root["DeviceName"] == "/dev/xvda"
    assert re.fullmatch(r"snap-[0-9a-f]{17}", root["Ebs"]["SnapshotId"])
    assert (root["Ebs"]["VolumeSize"], root["Ebs"]["VolumeType"],
            root["Ebs"]["DeleteOnTermination"]) == (8, "gp3", True)
    windows = ec2.describe_images(Filters=[{"Name": "platform", "Values": ["windows"]},
                                          {"Name": "name", "Values": ["Windows_Server-2022-*"]}])
    [win] = windows["Images"]
    assert (win["PlatformDetails"], win["UsageOperation"]) == ("Windows", "RunInstances:0002")
    assert win["ImageOwnerAlias"] == "amazon" and win["RootDeviceName"] == "/dev/sda1"
    ubuntu = ec2.describe_images(Owners=["099720109477"])["Images"]
    assert ubuntu and all("ImageOwnerAlias" not in i for i in ubuntu)
    assert all(i["RootDeviceName"] == "/dev/sda1" for i in ubuntu)


def test_catalogue_ids_are_stable_across_accounts_and_runs_but_not_regions(ec2):
    mine = image_named(ec2, AL2023)["ImageId"]
    assert image_named(client(FRIEND), AL2023)["ImageId"] == mine
    other_region = image_named(client(ME, "eu-west-1"), AL2023)["ImageId"]
    assert other_region != mine and AMI_ID.fullmatch(other_region)
    expected = "ami-" + hashlib.sha256(f"us-east-1/{AL2023}".encode()).hexdigest()[:17]
    assert mine == expected
    with mock_ec2():                                   # a new world, same ids
        assert image_named(boto3.client("ec2", region_name="us-east-1"), AL2023)["ImageId"] == mine


def test_owners_scope_the_results(ec2):
    amazon = ec2.describe_images(Owners=["amazon"])["Images"]
    assert amazon and all(i["ImageOwnerAlias"] == "amazon" for i in amazon)
    canonical = ec2.describe_images(Owners=["099720109477"])["Images"]
    assert canonical and all(i["OwnerId"] == "099720109477" for i in canonical)
    both = ids(ec2.describe_images(Owners=["amazon", "099720109477"]))
    assert sorted(both) == sorted(ids({"Images": amazon + canonical}))
    assert ec2.describe_images(Owners=["aws-marketplace"])["Images"] == []
    mine = register(ec2)
    assert ids(ec2.describe_images(Owners=["self"])) == [mine]
    assert ids(ec2.describe_images(Owners=[ME])) == [mine]
    assert mine in ids(ec2.describe_images())


def test_deprecated_images_need_include_deprecated_or_their_id(ec2):
    def names(**kw) -> set[str]:
        return {i["Name"] for i in ec2.describe_images(**kw)["Images"]}
    assert DEPRECATED not in names()
    assert DEPRECATED in names(IncludeDeprecated=True)
    old = image_named(ec2, DEPRECATED)
    assert old["DeprecationTime"] < old["CreationDate"].replace("2024-06", "2024-10")
    assert ids(ec2.describe_images(ImageIds=[old["ImageId"]])) == [old["ImageId"]]


@pytest.mark.parametrize("name, values, expected", [
    ("architecture", ["arm64"], {"arm64"}),
    ("name", ["al2023-ami-2023.6.*-x86_64"], {AL2023}),
    ("owner-alias", ["amazon"], {"amazon"}),
    ("is-public", ["true"], None),
    ("root-device-name", ["/dev/sda1"], {"/dev/sda1"}),
    ("block-device-mapping.volume-size", ["30"], {30}),
    ("block-device-mapping.volume-type", ["gp3"], {"gp3"}),
    ("block-device-mapping.device-name", ["/dev/sdb"], {"/dev/sdb"}),
    ("platform-details", ["Red Hat Enterprise Linux"], {"Red Hat Enterprise Linux"}),
    ("usage-operation", ["RunInstances:0010"], {"RunInstances:0010"}),
    ("creation-date", ["2025-01-12T*"], {"2025-01-12"}),
    ("description", ["Debian 12*"], {"Debian 12 (20250112-1990)"}),
])
def test_describe_images_filters(ec2, name, values, expected):
    found = ec2.describe_images(Filters=[{"Name": name, "Values": values}])["Images"]
    assert found
    every = len(ec2.describe_images()["Images"])
    pick = {
        "architecture": lambda i: i["Architecture"],
        "name": lambda i: i["Name"],
        "owner-alias": lambda i: i.get("ImageOwnerAlias"),
        "is-public": lambda i: None,
        "root-device-name": lambda i: i["RootDeviceName"],
        "block-device-mapping.volume-size": lambda i: i["BlockDeviceMappings"][0]["Ebs"]["VolumeSize"],
        "block-device-mapping.volume-type": lambda i: i["BlockDeviceMappings"][0]["Ebs"]["VolumeType"],
        "block-device-mapping.device-name": lambda i: "/dev/sdb" if any(
            m["DeviceName"] == "/dev/sdb" for m in i["BlockDeviceMappings"]) else None,
        "platform-details": lambda i: i["PlatformDetails"],
        "usage-operation": lambda i: i["UsageOperation"],
        "creation-date": lambda i: i["CreationDate"][:10],
        "description": lambda i: i["Description"],
    }[name]
    if expected is None:
        assert len(found) == every
    else:
        assert {pick(i) for i in found} == expected
        assert len(found) < every


def test_filters_combine_and_unknown_filters_fail(ec2):
    found = ec2.describe_images(Filters=[
        {"Name": "architecture", "Values": ["arm64"]},
        {"Name": "owner-id", "Values": ["137112412989", "136693071363"]}])["Images"]
    assert found and all(i["Architecture"] == "arm64" for i in found)
    assert {i["OwnerId"] for i in found} == {"137112412989", "136693071363"}
    assert ec2.describe_images(Filters=[{"Name": "is-public", "Values": ["false"]}])["Images"] == []
    with pytest.raises(ClientError) as exc:
        ec2.describe_images(Filters=[{"Name": "colour", "Values": ["blue"]}])
    assert error(exc) == ("InvalidParameterValue", "The filter 'colour' is invalid")


def test_unknown_and_malformed_image_ids(ec2):
    known = image_named(ec2, AL2023)["ImageId"]
    with pytest.raises(ClientError) as exc:
        ec2.describe_images(ImageIds=[known, "ami-0123456789abcdef0"])
    assert error(exc) == ("InvalidAMIID.NotFound",
                          "The image id '[ami-0123456789abcdef0]' does not exist")
    with pytest.raises(ClientError) as exc:
        ec2.describe_images(ImageIds=["ami-0123456789abcdef0", "ami-12345678"])
    assert error(exc) == ("InvalidAMIID.NotFound",
                          "The image ids '[ami-0123456789abcdef0, ami-12345678]' do not exist")
    with pytest.raises(ClientError) as exc:
        ec2.describe_images(ImageIds=["image-1"])
    assert error(exc) == ("InvalidAMIID.Malformed", 'Invalid id: "image-1" (expecting "ami-...")')
    west = image_named(client(ME, "us-west-2"), AL2023)["ImageId"]   # ids are regional
    with pytest.raises(ClientError) as exc:
        ec2.describe_images(ImageIds=[west])
    assert error(exc)[0] == "InvalidAMIID.NotFound"


def test_pagination_walks_every_image_once(ec2):
    register(ec2, "mine-1")
    everything = ids(ec2.describe_images())
    seen, token = [], None
    while True:
        kwargs = {"MaxResults": 5, **({"NextToken": token} if token else {})}
        page = ec2.describe_images(**kwargs)
        assert len(page["Images"]) <= 5
        seen += ids(page)
        token = page.get("NextToken")
        if not token:
            break
    assert sorted(seen) == sorted(everything) and len(seen) == len(set(seen))
    paginated = [i for p in ec2.get_paginator("describe_images").paginate(
        PaginationConfig={"PageSize": 4}) for i in ids(p)]
    assert sorted(paginated) == sorted(everything)


# -- RegisterImage ----------------------------------------------------------------------------
def test_register_image_from_a_snapshot(ec2):
    snap = snapshot(ec2, size=10)
    image_id = ec2.register_image(
        Name="web-server (v1.0)", Description="built by hand", RootDeviceName="/dev/xvda",
        Architecture="arm64", VirtualizationType="hvm", EnaSupport=True, BootMode="uefi",
        ImdsSupport="v2.0",
        BlockDeviceMappings=[
            {"DeviceName": "/dev/xvda", "Ebs": {"SnapshotId": snap}},
            {"DeviceName": "/dev/sdf", "Ebs": {"VolumeSize": 20, "VolumeType": "gp3",
                                              "DeleteOnTermination": False}},
            {"DeviceName": "/dev/sdg", "VirtualName": "ephemeral0"}],
        TagSpecifications=[{"ResourceType": "image", "Tags": [{"Key": "Name", "Value": "web"}]}],
    )["ImageId"]
    assert AMI_ID.fullmatch(image_id)
    [image] = ec2.describe_images(ImageIds=[image_id])["Images"]
    assert image["Name"] == "web-server (v1.0)" and image["Description"] == "built by hand"
    assert image["OwnerId"] == ME and image["Public"] is False and "ImageOwnerAlias" not in image
    assert image["State"] == "available" and image["ImageLocation"] == f"{ME}/web-server (v1.0)"
    assert (image["Architecture"], image["BootMode"], image["ImdsSupport"]) == (
        "arm64", "uefi", "v2.0")
    assert image["RootDeviceType"] == "ebs" and image["Tags"] == [{"Key": "Name", "Value": "web"}]
    root, data, ephemeral = image["BlockDeviceMappings"]
    assert root == {"DeviceName": "/dev/xvda", "Ebs": {
        "DeleteOnTermination": True, "SnapshotId": snap, "VolumeSize": 10,
        "VolumeType": "gp2", "Encrypted": False}}
    assert data["Ebs"]["VolumeSize"] == 20 and data["Ebs"]["DeleteOnTermination"] is False
    assert data["Ebs"]["Iops"] == 3000 and data["Ebs"]["Throughput"] == 125
    assert ephemeral == {"DeviceName": "/dev/sdg", "VirtualName": "ephemeral0"}


def test_register_image_defaults_follow_the_api_reference(ec2):
    snap = snapshot(ec2)
    image_id = ec2.register_image(Name="bare", RootDeviceName="/dev/sda1", BlockDeviceMappings=[
        {"DeviceName": "/dev/sda1", "Ebs": {"SnapshotId": snap}}])["ImageId"]
    [image] = ec2.describe_images(ImageIds=[image_id])["Images"]
    assert image["Architecture"] == "i386" and image["VirtualizationType"] == "paravirtual"
    assert "Description" not in image


def test_a_registered_snapshot_cannot_be_deleted(ec2):
    snap = snapshot(ec2)
    image_id = register(ec2, snap=snap)
    with pytest.raises(ClientError) as exc:
        ec2.delete_snapshot(SnapshotId=snap)
    assert error(exc) == ("InvalidSnapshot.InUse",
                          f"The snapshot {snap} is currently in use by {image_id}")
    ec2.deregister_image(ImageId=image_id)
    ec2.delete_snapshot(SnapshotId=snap)


def test_register_image_names_are_unique_and_well_formed(ec2):
    image_id = register(ec2, "unique-name")
    with pytest.raises(ClientError) as exc:
        register(ec2, "unique-name")
    assert error(exc) == ("InvalidAMIName.Duplicate",
                          f"AMI name unique-name is already in use by AMI {image_id}")
    assert register(client(ME, "us-west-2"), "unique-name")   # per region
    raw = client(parameter_validation=False)   # botocore would catch the short name itself
    for bad in ("ab", "x" * 129, "semi;colon", "hash#tag"):
        with pytest.raises(ClientError) as exc:
            register(raw, bad)
        assert error(exc) == (
            "InvalidAMIName.Malformed",
            "AMI names must be between 3 and 128 characters long, and may contain letters, "
            "numbers, '(', ')', '.', '-', '/' and '_'"), bad
    assert register(ec2, "ok [x] @y 'z' a_b.c/d-e")
    assert sorted(own_names(ec2)) == ["ok [x] @y 'z' a_b.c/d-e", "unique-name"]


def test_register_image_block_device_mapping_errors(ec2):
    snap = snapshot(ec2, size=10)

    def attempt(mappings, root="/dev/xvda"):
        with pytest.raises(ClientError) as exc:
            ec2.register_image(Name="bad", RootDeviceName=root, BlockDeviceMappings=mappings)
        return error(exc)

    assert attempt([{"DeviceName": "/dev/xvda", "Ebs": {"SnapshotId": "snap-0123456789abcdef0"}}]
                   )[0] == "InvalidSnapshot.NotFound"
    assert attempt([{"DeviceName": "/dev/xvda", "Ebs": {"SnapshotId": snap, "VolumeSize": 4}}]) \
        == ("InvalidBlockDeviceMapping",
            f"Volume of size 4GB is smaller than snapshot '{snap}', expect size >= 10GB")
    assert attempt([{"DeviceName": "/dev/xvda", "Ebs": {"SnapshotId": snap, "Encrypted": True}}]) \
        == ("InvalidBlockDeviceMapping", "the encrypted flag cannot be specified since device "
            "/dev/xvda has a snapshot specified.")
    assert attempt([{"DeviceName": "/dev/xvda", "Ebs": {"SnapshotId": snap}},
                    {"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 5}}]) == (
        "InvalidBlockDeviceMapping",
        "The device '/dev/xvda' is used in more than one block-device mapping")
    assert attempt([{"DeviceName": "/dev/sdb", "Ebs": {"DeleteOnTermination": True}}]) == (
        "InvalidBlockDeviceMapping", "Either snapshot ID or volume size must be provided for: "
        "/dev/sdb")
    assert attempt([{"DeviceName": "/dev/sdb", "Ebs": {"SnapshotId": snap}}])[0] == \
        "InvalidBlockDeviceMapping"       # no snapshot for the root device
    with pytest.raises(ClientError) as exc:
        ec2.register_image(Name="nothing")
    assert error(exc) == ("MissingParameter",
                          "The request must contain the parameter ImageLocation")
    assert own_names(ec2) == []


def test_register_instance_store_image_from_a_manifest(ec2):
    image_id = ec2.register_image(Name="s3-backed", ImageLocation="my-bucket/image.manifest.xml",
                                  Architecture="x86_64")["ImageId"]
    [image] = ec2.describe_images(ImageIds=[image_id])["Images"]
    assert image["RootDeviceType"] == "instance-store"
    assert image["ImageLocation"] == "my-bucket/image.manifest.xml"
    assert ids(ec2.describe_images(Filters=[
        {"Name": "manifest-location", "Values": ["my-bucket/*"]}])) == [image_id]


def test_dry_run_registers_nothing(ec2):
    snap = snapshot(ec2)
    with pytest.raises(ClientError) as exc:
        register(ec2, snap=snap, DryRun=True)
    assert error(exc)[0] == "DryRunOperation"
    assert own_names(ec2) == []
    with pytest.raises(ClientError) as exc:
        register(ec2, "bad#name", snap=snap, DryRun=True)    # validation first
    assert error(exc)[0] == "InvalidAMIName.Malformed"


# -- DeregisterImage --------------------------------------------------------------------------
def test_deregister_image(ec2):
    image_id = register(ec2, "short-lived")
    answer = ec2.deregister_image(ImageId=image_id)
    assert answer["Return"] is True and "DeleteSnapshotResults" not in answer
    assert own_names(ec2) == []
    # AWS: "Recently deregistered images ... return empty results" (no clock: they stay so)
    assert ec2.describe_images(ImageIds=[image_id])["Images"] == []
    with pytest.raises(ClientError) as exc:
        ec2.describe_images(ImageIds=[image_id, "ami-0123456789abcdef0"])
    assert error(exc) == ("InvalidAMIID.NotFound",
                          "The image id '[ami-0123456789abcdef0]' does not exist")
    with pytest.raises(ClientError) as exc:
        client(STRANGER).describe_images(ImageIds=[image_id])
    assert error(exc)[0] == "InvalidAMIID.NotFound"
    with pytest.raises(ClientError) as exc:
        ec2.deregister_image(ImageId=image_id)
    assert error(exc) == ("InvalidAMIID.NotFound", f"The image id '[{image_id}]' does not exist")
    assert register(ec2, "short-lived")              # the name is free again


def test_deregister_with_its_snapshots(ec2):
    shared_snap, own_snap = snapshot(ec2), snapshot(ec2)
    keeper = register(ec2, "keeper", snap=shared_snap)
    doomed = ec2.register_image(
        Name="doomed", RootDeviceName="/dev/xvda", BlockDeviceMappings=[
            {"DeviceName": "/dev/xvda", "Ebs": {"SnapshotId": own_snap}},
            {"DeviceName": "/dev/sdb", "Ebs": {"SnapshotId": shared_snap}}])["ImageId"]
    answer = ec2.deregister_image(ImageId=doomed, DeleteAssociatedSnapshots=True)
    assert sorted((r["SnapshotId"], r["ReturnCode"]) for r in answer["DeleteSnapshotResults"]) \
        == sorted([(own_snap, "success"), (shared_snap, "skipped")])
    left = [s["SnapshotId"] for s in ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"]]
    assert left == [shared_snap]
    assert ids(ec2.describe_images(Owners=["self"])) == [keeper]


def test_only_the_owner_may_deregister(ec2):
    public = image_named(ec2, AL2023)["ImageId"]
    with pytest.raises(ClientError) as exc:
        ec2.deregister_image(ImageId=public)
    assert error(exc) == ("AuthFailure", f"Not authorized for image:{public}")
    assert image_named(ec2, AL2023)["ImageId"] == public
    private = register(ec2)
    with pytest.raises(ClientError) as exc:
        client(FRIEND).deregister_image(ImageId=private)
    assert error(exc)[0] == "InvalidAMIID.NotFound"    # not shared: not even visible


# -- sharing: launch permissions --------------------------------------------------------------
def test_share_with_an_account(ec2):
    image_id = register(ec2, TagSpecifications=[
        {"ResourceType": "image", "Tags": [{"Key": "secret", "Value": "owner-only"}]}])
    friend, stranger = client(FRIEND), client(STRANGER)
    assert image_id not in ids(friend.describe_images())
    assert friend.describe_images(ImageIds=[image_id])["Images"] == []   # exists, not shared
    ec2.modify_image_attribute(ImageId=image_id,
                               LaunchPermission={"Add": [{"UserId": FRIEND}]})
    assert image_id in ids(friend.describe_images())
    assert ids(friend.describe_images(ExecutableUsers=["self"])) == [image_id]
    assert ids(friend.describe_images(Owners=[ME])) == [image_id]
    assert image_id not in ids(stranger.describe_images())
    assert ids(ec2.describe_images(ExecutableUsers=[FRIEND])) == [image_id]
    attr = ec2.describe_image_attribute(ImageId=image_id, Attribute="launchPermission")
    assert attr["LaunchPermissions"] == [{"UserId": FRIEND}]
    [seen] = friend.describe_images(ImageIds=[image_id])["Images"]
    assert seen["OwnerId"] == ME and seen["Public"] is False
    assert "Tags" not in seen                     # the owner's tags are the owner's
    assert ec2.describe_images(ImageIds=[image_id])["Images"][0]["Tags"] == [
        {"Key": "secret", "Value": "owner-only"}]
    ec2.modify_image_attribute(ImageId=image_id, Attribute="launchPermission",
                               OperationType="remove", UserIds=[FRIEND])
    assert image_id not in ids(friend.describe_images())
    assert ec2.describe_image_attribute(ImageId=image_id,
                                        Attribute="launchPermission")["LaunchPermissions"] == []


def test_make_public_and_private_again(ec2):
    image_id = register(ec2)
    ec2.modify_image_attribute(ImageId=image_id, Attribute="launchPermission",
                               OperationType="add", UserGroups=["all"])
    [image] = ec2.describe_images(ImageIds=[image_id])["Images"]
    assert image["Public"] is True
    stranger = client(STRANGER)
    assert image_id in ids(stranger.describe_images())
    assert image_id in ids(stranger.describe_images(ExecutableUsers=["all"]))
    assert image_id in ids(ec2.describe_images(Filters=[{"Name": "is-public",
                                                         "Values": ["true"]}]))
    assert image_id not in ids(client(STRANGER, "us-west-2").describe_images())
    ec2.modify_image_attribute(ImageId=image_id, LaunchPermission={"Remove": [{"Group": "all"}]})
    assert image_id not in ids(stranger.describe_images())
    assert ec2.describe_images(ImageIds=[image_id])["Images"][0]["Public"] is False


def test_deregistering_a_shared_image_hides_it_from_everyone(ec2):
    image_id = register(ec2)
    ec2.modify_image_attribute(ImageId=image_id, LaunchPermission={
        "Add": [{"Group": "all"}, {"UserId": FRIEND}]})
    ec2.deregister_image(ImageId=image_id)
    for account in (FRIEND, STRANGER):
        assert image_id not in ids(client(account).describe_images())


def test_launch_permission_errors(ec2):
    image_id = register(ec2)
    with pytest.raises(ClientError) as exc:
        ec2.modify_image_attribute(ImageId=image_id,
                                   LaunchPermission={"Add": [{"UserId": "not-an-account"}]})
    assert error(exc) == ("InvalidAMIAttributeItemValue",
                          'Invalid attribute item value "not-an-account" for userId item type.')
    with pytest.raises(ClientError) as exc:
        ec2.modify_image_attribute(ImageId=image_id)
    assert error(exc) == ("InvalidParameterCombination", "No attributes specified.")
    with pytest.raises(ClientError) as exc:
        ec2.modify_image_attribute(ImageId=image_id, Description={"Value": "d"},
                                   LaunchPermission={"Add": [{"Group": "all"}]})
    assert error(exc)[0] == "InvalidParameterCombination"
    with pytest.raises(ClientError) as exc:
        ec2.modify_image_attribute(ImageId=image_id, Attribute="launchPermission",
                                   OperationType="add")
    assert error(exc) == ("MissingParameter",
                          "The request must contain the parameter LaunchPermission")
    with pytest.raises(ClientError) as exc:
        ec2.modify_image_attribute(ImageId=image_id, Attribute="kernel", Value="aki-12345678")
    assert error(exc)[0] == "InvalidParameterValue"
    assert ec2.describe_images(ImageIds=[image_id])["Images"][0]["Public"] is False


def test_only_the_owner_reads_and_changes_attributes(ec2):
    public = image_named(ec2, AL2023)["ImageId"]
    for call in (lambda: ec2.describe_image_attribute(ImageId=public, Attribute="description"),
                 lambda: ec2.modify_image_attribute(ImageId=public,
                                                    Description={"Value": "mine now"})):
        with pytest.raises(ClientError) as exc:
            call()
        assert error(exc) == ("AuthFailure", f"Not authorized for image:{public}")
    shared = register(ec2)
    ec2.modify_image_attribute(ImageId=shared, LaunchPermission={"Add": [{"UserId": FRIEND}]})
    with pytest.raises(ClientError) as exc:
        client(FRIEND).modify_image_attribute(ImageId=shared, LaunchPermission={
            "Add": [{"Group": "all"}]})
    assert error(exc) == ("AuthFailure", f"Not authorized for image:{shared}")
    assert ec2.describe_images(ImageIds=[shared])["Images"][0]["Public"] is False


# -- attributes -------------------------------------------------------------------------------
def test_describe_and_modify_attributes(ec2):
    image_id = register(ec2, BootMode="uefi-preferred")
    assert ec2.describe_image_attribute(ImageId=image_id, Attribute="description")[
        "Description"] == {}
    ec2.modify_image_attribute(ImageId=image_id, Description={"Value": "first"})
    ec2.modify_image_attribute(ImageId=image_id, Attribute="description", Value="second")
    attr = ec2.describe_image_attribute(ImageId=image_id, Attribute="description")
    assert attr["ImageId"] == image_id and attr["Description"] == {"Value": "second"}
    assert ec2.describe_images(ImageIds=[image_id])["Images"][0]["Description"] == "second"
    assert ec2.describe_image_attribute(ImageId=image_id, Attribute="bootMode")[
        "BootMode"] == {"Value": "uefi-preferred"}
    assert ec2.describe_image_attribute(ImageId=image_id, Attribute="kernel")["KernelId"] == {}
    assert ec2.describe_image_attribute(ImageId=image_id, Attribute="deregistrationProtection")[
        "DeregistrationProtection"] == {"Value": "disabled"}
    assert ec2.describe_image_attribute(ImageId=image_id, Attribute="productCodes")[
        "ProductCodes"] == []
    ec2.modify_image_attribute(ImageId=image_id, ImdsSupport={"Value": "v2.0"})
    assert ec2.describe_image_attribute(ImageId=image_id, Attribute="imdsSupport")[
        "ImdsSupport"] == {"Value": "v2.0"}
    with pytest.raises(ClientError) as exc:
        ec2.describe_image_attribute(ImageId=image_id, Attribute="blockDeviceMapping")
    assert error(exc) == ("AuthFailure", "Unauthorized attempt to access restricted resource")
    with pytest.raises(ClientError) as exc:
        ec2.describe_image_attribute(ImageId="ami-0123456789abcdef0", Attribute="description")
    assert error(exc)[0] == "InvalidAMIID.NotFound"


def test_modify_takes_attribute_names_in_any_case(ec2):
    """Ansible's ec2_ami sends `Attribute="Description"` and `"LaunchPermission"`."""
    image_id = register(ec2)
    ec2.modify_image_attribute(ImageId=image_id, Attribute="Description",
                               Description={"Value": "cased"})
    ec2.modify_image_attribute(ImageId=image_id, Attribute="LaunchPermission",
                               LaunchPermission={"Add": [{"UserId": "111122223333"}]})
    assert ec2.describe_image_attribute(ImageId=image_id, Attribute="description")[
        "Description"] == {"Value": "cased"}
    assert ec2.describe_image_attribute(ImageId=image_id, Attribute="launchPermission")[
        "LaunchPermissions"] == [{"UserId": "111122223333"}]
    with pytest.raises(ClientError) as exc:
        ec2.modify_image_attribute(ImageId=image_id, Attribute="Kernel", Value="aki-1")
    assert error(exc) == ("InvalidParameterValue", "Value (Kernel) for parameter attribute is "
                          "invalid. Valid values: description, launchPermission, imdsSupport")


def test_modify_dry_run_changes_nothing(ec2):
    image_id = register(ec2)
    with pytest.raises(ClientError) as exc:
        ec2.modify_image_attribute(ImageId=image_id, DryRun=True,
                                   LaunchPermission={"Add": [{"Group": "all"}]})
    assert error(exc)[0] == "DryRunOperation"
    assert image_id not in ids(client(STRANGER).describe_images())


# -- CopyImage --------------------------------------------------------------------------------
def test_copy_own_image_to_another_region(ec2):
    source = register(ec2, "to-copy", Description="original", TagSpecifications=[
        {"ResourceType": "image", "Tags": [{"Key": "team", "Value": "blue"}]}])
    west = client(ME, "us-west-2")
    copied = west.copy_image(SourceRegion="us-east-1", SourceImageId=source, Name="copied",
                             CopyImageTags=True, TagSpecifications=[
                                 {"ResourceType": "snapshot",
                                  "Tags": [{"Key": "copy", "Value": "yes"}]}])["ImageId"]
    assert copied != source and AMI_ID.fullmatch(copied)
    [image] = west.describe_images(ImageIds=[copied])["Images"]
    assert (image["Name"], image["Description"], image["OwnerId"]) == ("copied", "original", ME)
    assert (image["SourceImageId"], image["SourceImageRegion"]) == (source, "us-east-1")
    assert image["Tags"] == [{"Key": "team", "Value": "blue"}]
    [root] = image["BlockDeviceMappings"]
    [snap] = west.describe_snapshots(OwnerIds=["self"])["Snapshots"]
    assert root["Ebs"]["SnapshotId"] == snap["SnapshotId"]
    assert snap["Tags"] == [{"Key": "copy", "Value": "yes"}]
    assert copied in snap["Description"] and source in snap["Description"]
    assert ids(ec2.describe_images(Owners=["self"])) == [source]


def test_copy_a_public_image_encrypted(ec2):
    public = image_named(ec2, AL2023)
    copied = ec2.copy_image(SourceRegion="us-east-1", SourceImageId=public["ImageId"],
                            Name="my-al2023", Encrypted=True)["ImageId"]
    [image] = ec2.describe_images(ImageIds=[copied])["Images"]
    assert image["OwnerId"] == ME and image["Public"] is False
    assert image["Architecture"] == "x86_64" and image["BootMode"] == "uefi-preferred"
    [root] = image["BlockDeviceMappings"]
    assert root["Ebs"]["Encrypted"] is True
    assert root["Ebs"]["SnapshotId"] != public["BlockDeviceMappings"][0]["Ebs"]["SnapshotId"]


def test_copy_image_errors(ec2):
    source = register(ec2, "source")
    with pytest.raises(ClientError) as exc:
        ec2.copy_image(SourceRegion="us-east-1", SourceImageId="ami-0123456789abcdef0",
                       Name="x-copy")
    assert error(exc)[0] == "InvalidAMIID.NotFound"
    with pytest.raises(ClientError) as exc:
        ec2.copy_image(SourceRegion="mars-north-1", SourceImageId=source, Name="x-copy")
    assert error(exc) == ("InvalidParameterValue", "Value (mars-north-1) for parameter "
                          "sourceRegion is invalid. The region does not exist.")
    with pytest.raises(ClientError) as exc:
        ec2.copy_image(SourceRegion="us-east-1", SourceImageId=source, Name="source")
    assert error(exc)[0] == "InvalidAMIName.Duplicate"
    with pytest.raises(ClientError) as exc:
        ec2.copy_image(SourceRegion="us-east-1", SourceImageId=source, Name="x-copy",
                       KmsKeyId="alias/mine")
    assert error(exc)[0] == "InvalidParameterDependency"
    with pytest.raises(ClientError) as exc:
        client(FRIEND).copy_image(SourceRegion="us-east-1", SourceImageId=source, Name="stolen")
    assert error(exc)[0] == "InvalidAMIID.NotFound"      # not shared with the friend
    assert own_names(ec2) == ["source"]


def test_copy_image_client_token_is_idempotent(ec2):
    source = register(ec2, "source")
    first = ec2.copy_image(SourceRegion="us-east-1", SourceImageId=source, Name="copy-1",
                           ClientToken="token-1")["ImageId"]
    again = ec2.copy_image(SourceRegion="us-east-1", SourceImageId=source, Name="copy-1",
                           ClientToken="token-1")["ImageId"]
    assert again == first and sorted(own_names(ec2)) == ["copy-1", "source"]
    with pytest.raises(ClientError) as exc:
        ec2.copy_image(SourceRegion="us-east-1", SourceImageId=source, Name="copy-2",
                       ClientToken="token-1")
    assert error(exc)[0] == "IdempotentParameterMismatch"


# -- CreateImage ------------------------------------------------------------------------------
def launch(ec2, **extra) -> str:
    ami = image_named(ec2, AL2023)["ImageId"]
    return ec2.run_instances(ImageId=ami, MinCount=1, MaxCount=1, InstanceType="t3.micro",
                             **extra)["Instances"][0]["InstanceId"]


def test_create_image_from_an_instance(ec2):
    instance = launch(ec2, BlockDeviceMappings=[
        {"DeviceName": "/dev/sdf", "Ebs": {"VolumeSize": 5, "DeleteOnTermination": False}}])
    image_id = ec2.create_image(
        InstanceId=instance, Name="golden", Description="from a running instance",
        NoReboot=True,
        TagSpecifications=[{"ResourceType": "image", "Tags": [{"Key": "k", "Value": "ami"}]},
                           {"ResourceType": "snapshot", "Tags": [{"Key": "k", "Value": "snap"}]}],
    )["ImageId"]
    [image] = ec2.describe_images(ImageIds=[image_id])["Images"]
    assert image["Name"] == "golden" and image["SourceInstanceId"] == instance
    assert image["Tags"] == [{"Key": "k", "Value": "ami"}]
    assert image["RootDeviceName"] == "/dev/xvda" and image["Architecture"] == "x86_64"
    devices = {m["DeviceName"]: m["Ebs"] for m in image["BlockDeviceMappings"]}
    assert list(devices) == ["/dev/xvda", "/dev/sdf"]
    assert devices["/dev/xvda"]["VolumeSize"] == 8 and devices["/dev/sdf"]["VolumeSize"] == 5
    assert devices["/dev/sdf"]["DeleteOnTermination"] is False
    snaps = {s["SnapshotId"]: s for s in ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"]}
    assert set(snaps) == {e["SnapshotId"] for e in devices.values()}
    for snap in snaps.values():
        assert snap["Description"] == f"Created by CreateImage({instance}) for {image_id}"
        assert snap["Tags"] == [{"Key": "k", "Value": "snap"}]


def test_create_image_mappings_change_what_the_image_gets(ec2):
    instance = launch(ec2, BlockDeviceMappings=[
        {"DeviceName": "/dev/sdf", "Ebs": {"VolumeSize": 5}}])
    image_id = ec2.create_image(InstanceId=instance, Name="trimmed", BlockDeviceMappings=[
        {"DeviceName": "/dev/sdf", "NoDevice": ""},
        {"DeviceName": "/dev/xvda", "Ebs": {"DeleteOnTermination": False}},
        {"DeviceName": "/dev/sdh", "Ebs": {"VolumeSize": 50, "VolumeType": "gp3"}},
    ])["ImageId"]
    [image] = ec2.describe_images(ImageIds=[image_id])["Images"]
    devices = {m["DeviceName"]: m["Ebs"] for m in image["BlockDeviceMappings"]}
    assert sorted(devices) == ["/dev/sdh", "/dev/xvda"]
    assert devices["/dev/xvda"]["DeleteOnTermination"] is False
    assert devices["/dev/sdh"]["VolumeSize"] == 50 and "SnapshotId" not in devices["/dev/sdh"]
    assert len(ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"]) == 1


def test_create_image_errors(ec2):
    with pytest.raises(ClientError) as exc:
        ec2.create_image(InstanceId="i-0123456789abcdef0", Name="nothing")
    assert error(exc)[0] == "InvalidInstanceID.NotFound"
    instance = launch(ec2)
    ec2.create_image(InstanceId=instance, Name="taken")
    with pytest.raises(ClientError) as exc:
        ec2.create_image(InstanceId=instance, Name="taken")
    assert error(exc)[0] == "InvalidAMIName.Duplicate"
    with pytest.raises(ClientError) as exc:
        ec2.create_image(InstanceId=instance, Name="no-root",
                         BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "NoDevice": ""}])
    assert error(exc)[0] == "InvalidBlockDeviceMapping"
    ec2.terminate_instances(InstanceIds=[instance])
    with pytest.raises(ClientError) as exc:
        ec2.create_image(InstanceId=instance, Name="too-late")
    assert error(exc) == ("IncorrectInstanceState", f"The instance '{instance}' is not in a "
                          "state from which it can be imaged.")
    assert own_names(ec2) == ["taken"]
    assert len(ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"]) == 1


def test_an_image_can_be_launched_and_shared_images_launched_by_friends(ec2):
    image_id = ec2.create_image(InstanceId=launch(ec2), Name="launchable")["ImageId"]
    friend = client(FRIEND)
    with pytest.raises(ClientError) as exc:
        friend.run_instances(ImageId=image_id, MinCount=1, MaxCount=1, InstanceType="t3.micro")
    assert error(exc) == ("AuthFailure", f"Not authorized for images: [{image_id}]")
    assert ec2.describe_image_attribute(ImageId=image_id, Attribute="lastLaunchedTime")[
        "LastLaunchedTime"] == {}
    own = ec2.run_instances(ImageId=image_id, MinCount=1, MaxCount=1, InstanceType="t3.micro")
    assert own["Instances"][0]["ImageId"] == image_id
    launched = ec2.describe_image_attribute(ImageId=image_id, Attribute="lastLaunchedTime")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z",
                        launched["LastLaunchedTime"]["Value"])


# -- the contract other families use ----------------------------------------------------------
def test_get_and_mapping_contract(mock, ec2):
    world = mock.world
    part = world.partition(ME, "us-east-1")
    public = image_named(ec2, "ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20250112")
    node = images.get(world, part, public["ImageId"])
    assert node["Name"].startswith("ubuntu/images/")
    mappings = images.block_device_mappings(world, public["ImageId"])
    assert mappings[0]["DeviceName"] == images.root_device_name(world, public["ImageId"]) \
        == "/dev/sda1"
    assert [m.get("VirtualName") for m in mappings[1:]] == ["ephemeral0", "ephemeral1"]
    mappings[0]["Ebs"]["VolumeSize"] = 999                          # a copy, not the node
    assert images.block_device_mappings(world, public["ImageId"])[0]["Ebs"]["VolumeSize"] == 8
    private = register(client(FRIEND), "friends-only")
    with pytest.raises(TopologyError) as exc:
        images.get(world, part, private)
    assert (exc.value.code, exc.value.message) == ("AuthFailure",
                                                    f"Not authorized for images: [{private}]")
    with pytest.raises(TopologyError) as exc:
        images.get(world, part, "ami-0123456789abcdef0")
    assert exc.value.code == "InvalidAMIID.NotFound"


# -- against the server -----------------------------------------------------------------------
@pytest.mark.server
def test_images_against_server(server_ec2):
    public = server_ec2.describe_images(Owners=["amazon"],
                                        Filters=[{"Name": "architecture", "Values": ["arm64"]}])
    assert public["Images"] and all(i["Architecture"] == "arm64" for i in public["Images"])
    vol = server_ec2.create_volume(AvailabilityZone="us-east-1a", Size=8)["VolumeId"]
    snap = server_ec2.create_snapshot(VolumeId=vol)["SnapshotId"]
    image_id = register(server_ec2, "server-ami", snap=snap)
    server_ec2.modify_image_attribute(ImageId=image_id, Description={"Value": "a & b <c>"})
    [image] = server_ec2.describe_images(ImageIds=[image_id])["Images"]
    assert image["Description"] == "a & b <c>" and image["Name"] == "server-ami"
    assert server_ec2.deregister_image(ImageId=image_id)["Return"] is True
    assert server_ec2.describe_images(Owners=["self"])["Images"] == []


# -- moto's example images, in every region ---------------------------------------------------
# ids that code written for moto hard-codes (moto's tests: EXAMPLE_AMI_ID, EXAMPLE_AMI_ID2,
# EXAMPLE_AMI_PARAVIRTUAL, EXAMPLE_AMI_WINDOWS)
MOTO_WINDOWS_2008, MOTO_NANO, MOTO_PV, MOTO_SQL = (
    "ami-12c6146b", "ami-03cf127a", "ami-fa7cdd89", "ami-f4cf1d8d")


@pytest.mark.parametrize("region", ["us-east-1", "eu-west-1", "ap-southeast-2"])
def test_moto_example_images_exist_in_every_region(mock, region):
    ec2 = client(region=region)
    found = {i["ImageId"]: i for i in ec2.describe_images(
        ImageIds=[MOTO_WINDOWS_2008, MOTO_NANO, MOTO_PV])["Images"]}
    assert set(found) == {MOTO_WINDOWS_2008, MOTO_NANO, MOTO_PV}
    win = found[MOTO_WINDOWS_2008]
    assert win["Name"] == "Windows_Server-2008-R2_SP1-English-64Bit-Base-2017.10.13"
    assert (win["OwnerId"], win["ImageOwnerAlias"], win["Platform"]) == (
        "801119661308", "amazon", "windows")
    assert (win["PlatformDetails"], win["UsageOperation"]) == ("Windows", "RunInstances:0002")
    assert win["Public"] is True and win["State"] == "available"
    [root] = win["BlockDeviceMappings"]
    assert root["DeviceName"] == win["RootDeviceName"] == "/dev/sda1"
    assert root["Ebs"]["VolumeSize"] == 30 and root["Ebs"]["SnapshotId"].startswith("snap-")
    pv = found[MOTO_PV]
    assert (pv["VirtualizationType"], pv["OwnerId"], pv["Architecture"]) == (
        "paravirtual", "013907871322", "x86_64")
    assert "Platform" not in pv and pv["PlatformDetails"] == "SUSE Linux"


def test_moto_examples_answer_filters_and_owners(ec2):
    by_name = ec2.describe_images(Filters=[{"Name": "name", "Values": ["amzn-ami-hvm-*"]}])
    assert ids(by_name) == ["ami-760aaa0f"]
    windows = ids(ec2.describe_images(Owners=["801119661308"]))
    assert MOTO_WINDOWS_2008 in windows and MOTO_SQL in windows
    aliased = ec2.describe_images(Filters=[{"Name": "owner-alias", "Values": ["amazon"]},
                                           {"Name": "owner-id", "Values": ["801119661308"]}])
    assert sorted(ids(aliased)) == sorted(windows)
    [sql] = ec2.describe_images(ImageIds=[MOTO_SQL])["Images"]
    assert (sql["PlatformDetails"], sql["UsageOperation"]) == (
        "Windows with SQL Server Standard", "RunInstances:0006")
    redhat = ec2.describe_images(Owners=["309956199498"])["Images"]
    assert "ami-bb9a6bc2" in ids({"Images": redhat})
    assert all("ImageOwnerAlias" not in i for i in redhat)
    # ids moto's tests use as *unknown* stay unknown
    with pytest.raises(ClientError) as exc:
        ec2.describe_images(ImageIds=["ami-abcd1234", "ami-1234abcd"])
    assert error(exc) == ("InvalidAMIID.NotFound",
                          "The image ids '[ami-abcd1234, ami-1234abcd]' do not exist")


def test_instances_launch_from_moto_examples_in_any_region(mock):
    for region in ("us-east-1", "eu-central-1"):
        ec2 = client(region=region)
        [inst] = ec2.run_instances(ImageId=MOTO_WINDOWS_2008, MinCount=1, MaxCount=1,
                                   InstanceType="t3.micro")["Instances"]
        assert inst["ImageId"] == MOTO_WINDOWS_2008 and inst["Platform"] == "windows"
        [desc] = ec2.describe_instances(InstanceIds=[inst["InstanceId"]]
                                        )["Reservations"][0]["Instances"]
        assert desc["RootDeviceName"] == "/dev/sda1"
        assert desc["BlockDeviceMappings"][0]["DeviceName"] == "/dev/sda1"
    # an account's own images are still its region's only
    ec2 = client()
    mine = register(ec2, "regional")
    with pytest.raises(ClientError) as exc:
        client(region="eu-central-1").describe_images(ImageIds=[mine])
    assert error(exc)[0] == "InvalidAMIID.NotFound"


def test_moto_examples_are_read_only_for_accounts(ec2):
    with pytest.raises(ClientError) as exc:
        ec2.deregister_image(ImageId=MOTO_NANO)
    assert error(exc) == ("AuthFailure", f"Not authorized for image:{MOTO_NANO}")
    assert ids(ec2.describe_images(ImageIds=[MOTO_NANO])) == [MOTO_NANO]


@pytest.mark.server
def test_moto_examples_against_server(server_url):
    for region in ("us-east-1", "eu-west-1"):
        ec2 = boto3.client("ec2", region_name=region, endpoint_url=server_url,
                           aws_access_key_id="testing", aws_secret_access_key="testing")
        assert ids(ec2.describe_images(ImageIds=[MOTO_NANO])) == [MOTO_NANO]
        [inst] = ec2.run_instances(ImageId=MOTO_NANO, MinCount=1, MaxCount=1)["Instances"]
        assert inst["ImageId"] == MOTO_NANO
        names = [i["Name"] for i in ec2.describe_images(
            Owners=["amazon"], Filters=[{"Name": "name", "Values": ["Windows_Server-2016-*"]}]
        )["Images"]]
        assert "Windows_Server-2016-English-Nano-Base-2017.10.13" in names
