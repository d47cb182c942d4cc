"""Amazon FPGA Images through boto3, in-process and against the server: `pending` when
created, `available` when described later; load permissions share them; copies keep the
global id; only the owner changes or deletes one."""
from __future__ import annotations

import boto3
import pytest

from helpers import fails

DCP = {"Bucket": "my-fpga-bucket", "Key": "dcp/design.tar"}
OTHER = "210987654321"


def _create(ec2, **kwargs) -> dict:
    return ec2.create_fpga_image(InputStorageLocation=DCP, **kwargs)


def _images(ec2, **kwargs) -> dict[str, dict]:
    return {i["FpgaImageId"]: i for i in ec2.describe_fpga_images(**kwargs)["FpgaImages"]}


def _other(region: str = "us-east-1"):
    return boto3.client("ec2", region_name=region, aws_access_key_id=OTHER,
                        aws_secret_access_key="testing")


def test_create_then_available(ec2):
    made = _create(ec2, Name="my-afi", Description="adder", LogsStorageLocation={
        "Bucket": "my-fpga-bucket", "Key": "logs/"}, TagSpecifications=[
        {"ResourceType": "fpga-image", "Tags": [{"Key": "team", "Value": "hw"}]}])
    assert made["FpgaImageId"].startswith("afi-")
    assert made["FpgaImageGlobalId"].startswith("agfi-")
    afi = _images(ec2)[made["FpgaImageId"]]
    assert afi["State"] == {"Code": "available"}
    assert (afi["Name"], afi["Description"], afi["OwnerId"], afi["Public"]) == (
        "my-afi", "adder", "123456789012", False)
    assert afi["Tags"] == [{"Key": "team", "Value": "hw"}]
    assert afi["FpgaImageGlobalId"] == made["FpgaImageGlobalId"]


def test_create_checks_its_storage_locations(ec2):
    assert fails(ec2.create_fpga_image, InputStorageLocation={"Bucket": "Bad_Bucket",
                                                              "Key": "k"})[0] == \
        "InvalidParameterValue"
    assert fails(ec2.create_fpga_image, InputStorageLocation={"Bucket": "good-bucket"})[0] == \
        "MissingParameter"
    assert fails(ec2.create_fpga_image, InputStorageLocation=DCP, DryRun=True)[0] == \
        "DryRunOperation"
    assert _images(ec2) == {}


def test_describe_filters_owners_and_paging(ec2):
    ids = [_create(ec2, Name=f"afi{n}")["FpgaImageId"] for n in range(6)]
    assert list(_images(ec2, Filters=[{"Name": "name", "Values": ["afi3"]}])) == [ids[3]]
    assert list(_images(ec2, Filters=[{"Name": "state", "Values": ["available"]}])) == ids
    assert list(_images(ec2, Owners=["self"])) == ids
    assert _images(ec2, Owners=["amazon"]) == {}
    first = ec2.describe_fpga_images(MaxResults=5)
    rest = ec2.describe_fpga_images(MaxResults=5, NextToken=first["NextToken"])
    assert [i["FpgaImageId"] for i in first["FpgaImages"] + rest["FpgaImages"]] == ids
    assert fails(ec2.describe_fpga_images, FpgaImageIds=["afi-0123456789abcdef0"])[0] == \
        "InvalidFpgaImageID.NotFound"
    assert fails(ec2.describe_fpga_images, FpgaImageIds=["nonsense"])[0] == \
        "InvalidFpgaImageID.Malformed"


def test_attributes(ec2):
    afi = _create(ec2, Name="first", Description="one")["FpgaImageId"]

    def attribute(name: str) -> dict:
        return ec2.describe_fpga_image_attribute(FpgaImageId=afi, Attribute=name)[
            "FpgaImageAttribute"]
    assert attribute("name") == {"FpgaImageId": afi, "Name": "first"}
    changed = ec2.modify_fpga_image_attribute(FpgaImageId=afi, Description="two")
    assert changed["FpgaImageAttribute"] == {"FpgaImageId": afi, "Description": "two"}
    ec2.modify_fpga_image_attribute(FpgaImageId=afi, Attribute="loadPermission",
                                    OperationType="add", UserIds=[OTHER])
    ec2.modify_fpga_image_attribute(FpgaImageId=afi, LoadPermission={"Add": [{"Group": "all"}]})
    assert attribute("loadPermission")["LoadPermissions"] == [{"UserId": OTHER},
                                                              {"Group": "all"}]
    assert _images(ec2)[afi]["Public"] is True
    assert fails(ec2.modify_fpga_image_attribute, FpgaImageId=afi, Name="n",
                 Description="d")[0] == "InvalidParameterCombination"
    assert fails(ec2.modify_fpga_image_attribute, FpgaImageId=afi)[0] == \
        "InvalidParameterCombination"
    ec2.modify_fpga_image_attribute(FpgaImageId=afi, Attribute="productCodes",
                                    ProductCodes=["abcdefghijklmnopqrstuvwxy"])
    assert attribute("productCodes")["ProductCodes"] == [
        {"ProductCodeId": "abcdefghijklmnopqrstuvwxy", "ProductCodeType": "marketplace"}]
    assert ec2.reset_fpga_image_attribute(FpgaImageId=afi, Attribute="loadPermission")[
        "Return"] is True
    assert attribute("loadPermission")["LoadPermissions"] == []


def test_sharing_by_load_permission(ec2, mock):
    afi = _create(ec2)["FpgaImageId"]
    other = _other()
    assert _images(other) == {}
    assert fails(other.describe_fpga_images, FpgaImageIds=[afi])[0] == \
        "InvalidFpgaImageID.NotFound"
    ec2.modify_fpga_image_attribute(FpgaImageId=afi, Attribute="loadPermission",
                                    OperationType="add", UserIds=[OTHER])
    seen = _images(other)[afi]
    assert seen["OwnerId"] == "123456789012" and "Tags" not in seen
    assert fails(other.delete_fpga_image, FpgaImageId=afi)[0] == "AuthFailure"
    assert fails(other.describe_fpga_image_attribute, FpgaImageId=afi,
                 Attribute="name")[0] == "AuthFailure"


def test_copy_across_regions_keeps_the_global_id(ec2, mock):
    made = _create(ec2, Name="east")
    _images(ec2)                                   # available now: copies may be made
    west = boto3.client("ec2", region_name="us-west-2")
    copied = west.copy_fpga_image(SourceFpgaImageId=made["FpgaImageId"],
                                  SourceRegion="us-east-1", Description="copy")["FpgaImageId"]
    assert copied != made["FpgaImageId"]
    afi = _images(west)[copied]
    assert (afi["FpgaImageGlobalId"], afi["Name"], afi["Description"]) == (
        made["FpgaImageGlobalId"], "east", "copy")
    assert fails(west.copy_fpga_image, SourceFpgaImageId=made["FpgaImageId"],
                 SourceRegion="us-west-2") == (
        "InvalidFpgaImageID.NotFound", f"Image ID '{made['FpgaImageId']}' not found")
    assert fails(west.copy_fpga_image, SourceFpgaImageId=made["FpgaImageId"],
                 SourceRegion="mars-1")[0] == "InvalidParameterValue"


def test_a_copy_that_cannot_be_made_settles_failed(ec2, mock):
    """Across regions the call cannot check its source: the copy fails when described
    (only the owner may copy, and only an available AFI), as the AWS FPGA HDK shows."""
    pending = _create(ec2)["FpgaImageId"]          # not yet described: still pending
    west = boto3.client("ec2", region_name="us-west-2")
    early = west.copy_fpga_image(SourceFpgaImageId=pending, SourceRegion="us-east-1")
    ec2.modify_fpga_image_attribute(FpgaImageId=pending, Attribute="loadPermission",
                                    OperationType="add", UserIds=[OTHER])
    theirs = _other("us-west-2").copy_fpga_image(SourceFpgaImageId=pending,
                                                 SourceRegion="us-east-1")
    ghost = west.copy_fpga_image(SourceFpgaImageId="afi-0123456789abcdef0",
                                 SourceRegion="us-east-1")
    states = {i: a["State"] for i, a in _images(west).items()}
    assert states[early["FpgaImageId"]] == {"Code": "failed", "Message": (
        "INVALID_STATE: Source image is not in a suitable state to allow copying.")}
    assert states[ghost["FpgaImageId"]]["Message"].startswith("NOT_FOUND: ")
    assert _images(_other("us-west-2"))[theirs["FpgaImageId"]]["State"]["Code"] == "failed"
    assert list(_images(west, Filters=[{"Name": "state", "Values": ["failed"]}])) == [
        early["FpgaImageId"], ghost["FpgaImageId"]]


def test_a_shared_or_public_afi_cannot_be_deleted(ec2):
    afi = _create(ec2)["FpgaImageId"]
    ec2.modify_fpga_image_attribute(FpgaImageId=afi, Attribute="loadPermission",
                                    OperationType="add", UserIds=[OTHER])
    assert fails(ec2.delete_fpga_image, FpgaImageId=afi) == (
        "OperationNotPermitted", "Operation not permitted for shared AFI")
    ec2.modify_fpga_image_attribute(FpgaImageId=afi, LoadPermission={"Add": [{"Group": "all"}]})
    assert fails(ec2.delete_fpga_image, FpgaImageId=afi) == (
        "OperationNotPermitted", "Operation not permitted for public AFI")
    ec2.reset_fpga_image_attribute(FpgaImageId=afi, Attribute="loadPermission")
    assert ec2.delete_fpga_image(FpgaImageId=afi)["Return"] is True


def test_describe_refuses_malformed_owners_and_ids(ec2):
    assert fails(ec2.describe_fpga_images, Owners=["12345"]) == (
        "InvalidUserID.Malformed", "User ID '12345' is invalid")
    assert fails(ec2.describe_fpga_images, FpgaImageIds=["afi-06d0ffc989feeeXXX"]) == (
        "InvalidFpgaImageID.Malformed", "Image ID 'afi-06d0ffc989feeeXXX' is invalid")
    assert fails(ec2.describe_fpga_images, Filters=[{"Name": "bad-filter", "Values": ["v"]}]) \
        == ("InvalidParameterValue", "The filter 'bad-filter' is invalid")


def test_delete(ec2):
    afi = _create(ec2)["FpgaImageId"]
    assert ec2.delete_fpga_image(FpgaImageId=afi)["Return"] is True
    assert fails(ec2.delete_fpga_image, FpgaImageId=afi)[0] == "InvalidFpgaImageID.NotFound"
    assert _images(ec2) == {}


@pytest.mark.server
def test_server_fpga_image_flow(server_ec2):
    made = server_ec2.create_fpga_image(InputStorageLocation=DCP, Name="srv")
    afi = _images(server_ec2, FpgaImageIds=[made["FpgaImageId"]])[made["FpgaImageId"]]
    assert afi["State"]["Code"] == "available"
    server_ec2.modify_fpga_image_attribute(FpgaImageId=made["FpgaImageId"], Name="renamed")
    assert server_ec2.describe_fpga_image_attribute(
        FpgaImageId=made["FpgaImageId"], Attribute="name")["FpgaImageAttribute"]["Name"] == \
        "renamed"
    assert server_ec2.delete_fpga_image(FpgaImageId=made["FpgaImageId"])["Return"] is True
