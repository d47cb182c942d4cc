"""Launch templates and their versions through boto3, in-process and against the server."""
from __future__ import annotations

import datetime as dt

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from topology.compute import launch_template_data, launch_templates
from helpers import error

NAME_RULE = ("A launch template name must be between 3 and 128 characters, and may contain "
             "letters, numbers, and the following characters: - ( ) . / _.'")


def create(ec2, name: str = "web", data: dict | None = None, **kwargs) -> dict:
    return ec2.create_launch_template(LaunchTemplateName=name,
                                      LaunchTemplateData=data or {"InstanceType": "t3.micro"},
                                      **kwargs)


def template_names(ec2, **kwargs) -> list[str]:
    return [t["LaunchTemplateName"]
            for t in ec2.describe_launch_templates(**kwargs)["LaunchTemplates"]]


def version_numbers(ec2, **kwargs) -> list[int]:
    return [v["VersionNumber"]
            for v in ec2.describe_launch_template_versions(**kwargs)["LaunchTemplateVersions"]]


def image_id(ec2) -> str:
    return ec2.describe_images(Owners=["amazon"], Filters=[
        {"Name": "architecture", "Values": ["x86_64"]}])["Images"][0]["ImageId"]


# -- create -----------------------------------------------------------------------------------
def test_create_returns_version_one_as_default(ec2):
    before = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    answer = create(ec2, "web-(v1)/a_b.c", VersionDescription="first", TagSpecifications=[
        {"ResourceType": "launch-template", "Tags": [{"Key": "team", "Value": "a&b"}]}])
    template = answer["LaunchTemplate"]
    assert template["LaunchTemplateId"].startswith("lt-")
    assert len(template["LaunchTemplateId"]) == 20
    assert (template["DefaultVersionNumber"], template["LatestVersionNumber"]) == (1, 1)
    assert template["CreatedBy"] == "arn:aws:iam::123456789012:root"
    assert template["CreateTime"] >= before
    assert template["Tags"] == [{"Key": "team", "Value": "a&b"}]
    assert "Warning" not in answer
    described = ec2.describe_launch_templates(
        LaunchTemplateIds=[template["LaunchTemplateId"]])["LaunchTemplates"]
    assert described == [template]
    version = ec2.describe_launch_template_versions(
        LaunchTemplateId=template["LaunchTemplateId"])["LaunchTemplateVersions"]
    assert [(v["VersionNumber"], v["VersionDescription"], v["DefaultVersion"],
             v["LaunchTemplateData"]) for v in version] == [
        (1, "first", True, {"InstanceType": "t3.micro"})]


def test_created_by_names_the_calling_account(mock):
    other = boto3.client("ec2", region_name="us-east-1", aws_access_key_id="210987654321",
                         aws_secret_access_key="x")
    assert create(other)["LaunchTemplate"]["CreatedBy"] == "arn:aws:iam::210987654321:root"


def unchecked() -> object:
    """A client that sends what boto3 itself would refuse (AWS answers those too)."""
    return boto3.client("ec2", region_name="us-east-1", config=Config(parameter_validation=False))


@pytest.mark.parametrize("name", ["ab", "x" * 129, "has space", "bad!", "ünï"])
def test_malformed_names(ec2, name):
    with pytest.raises(ClientError) as exc:
        create(unchecked(), name)
    assert error(exc) == ("InvalidLaunchTemplateName.MalformedException", NAME_RULE)
    assert ec2.describe_launch_templates()["LaunchTemplates"] == []


def test_name_is_unique_per_account_and_region_and_freed_by_delete(ec2, mock):
    first = create(ec2)["LaunchTemplate"]["LaunchTemplateId"]
    with pytest.raises(ClientError) as exc:
        create(ec2, data={"InstanceType": "m5.large"})
    assert error(exc) == ("InvalidLaunchTemplateName.AlreadyExistsException",
                          "Launch template name already in use.")
    assert template_names(ec2) == ["web"]
    assert create(boto3.client("ec2", region_name="eu-west-1"))["LaunchTemplate"]
    ec2.delete_launch_template(LaunchTemplateId=first)
    again = create(ec2)["LaunchTemplate"]["LaunchTemplateId"]
    assert again != first


def test_data_is_required(ec2):
    with pytest.raises(ClientError) as exc:
        ec2.create_launch_template(LaunchTemplateName="web", LaunchTemplateData={})
    assert error(exc)[0] == "MissingParameter"


def test_invalid_launch_parameters_are_warnings_not_refusals(ec2):
    answer = create(ec2, data={"InstanceType": "t3.colossal", "ImageId": "ami-12345678",
                               "KeyName": "nokey", "SecurityGroupIds": ["sg-12345678"],
                               "Placement": {"AvailabilityZone": "us-east-1z"}})
    assert answer["Warning"]["Errors"] == [
        {"Code": "InvalidParameterValue", "Message": "Invalid value 't3.colossal' for InstanceType."},
        {"Code": "InvalidAMIID.NotFound", "Message": "The image id '[ami-12345678]' does not exist"},
        {"Code": "InvalidKeyPair.NotFound", "Message": "The key pair 'nokey' does not exist"},
        {"Code": "InvalidParameterValue", "Message": "Invalid availability zone: [us-east-1z]"},
        {"Code": "InvalidGroup.NotFound",
         "Message": "The security group ID 'sg-12345678' does not exist"},
    ]
    assert template_names(ec2) == ["web"]


def test_valid_references_give_no_warning(ec2):
    group = ec2.describe_security_groups()["SecurityGroups"][0]["GroupId"]
    subnet = ec2.describe_subnets()["Subnets"][0]["SubnetId"]
    ec2.create_key_pair(KeyName="mine")
    answer = create(ec2, data={"InstanceType": "t3.micro", "ImageId": image_id(ec2),
                               "KeyName": "mine", "NetworkInterfaces": [
                                   {"DeviceIndex": 0, "SubnetId": subnet, "Groups": [group]}]})
    assert "Warning" not in answer


def test_tag_specifications_are_checked(ec2):
    with pytest.raises(ClientError) as exc:
        create(ec2, TagSpecifications=[{"ResourceType": "instance",
                                        "Tags": [{"Key": "a", "Value": "b"}]}])
    assert error(exc) == ("InvalidParameterValue",
                          "'instance' is not a valid taggable resource type for this operation.")
    with pytest.raises(ClientError) as exc:
        create(ec2, data={"TagSpecifications": [{"ResourceType": "vpc",
                                                 "Tags": [{"Key": "a", "Value": "b"}]}]})
    assert error(exc) == ("InvalidParameterValue",
                          "'vpc' is not a valid taggable resource type for this operation.")
    with pytest.raises(ClientError) as exc:
        create(ec2, data={"TagSpecifications": [{"ResourceType": "instance",
                                                 "Tags": [{"Key": "aws:x", "Value": "b"}]}]})
    assert error(exc)[0] == "InvalidParameterValue"
    assert ec2.describe_launch_templates()["LaunchTemplates"] == []


def test_user_data_must_be_base64(ec2):
    with pytest.raises(ClientError) as exc:
        create(ec2, data={"UserData": "not base64 encoded"})
    assert error(exc) == ("InvalidUserData.Malformed", "Invalid BASE64 encoding of user data.")
    assert ec2.describe_launch_templates()["LaunchTemplates"] == []
    made = create(ec2, data={"UserData": "ZWNobw=="})
    [version] = ec2.describe_launch_template_versions(
        LaunchTemplateId=made["LaunchTemplate"]["LaunchTemplateId"])["LaunchTemplateVersions"]
    assert version["LaunchTemplateData"]["UserData"] == "ZWNobw=="


def test_dry_run_creates_nothing(ec2):
    with pytest.raises(ClientError) as exc:
        create(ec2, DryRun=True)
    assert error(exc) == ("DryRunOperation",
                          "Request would have succeeded, but DryRun flag is set.")
    with pytest.raises(ClientError) as exc:
        create(ec2, "bad name", DryRun=True)
    assert error(exc)[0] == "InvalidLaunchTemplateName.MalformedException"
    assert ec2.describe_launch_templates()["LaunchTemplates"] == []


def test_client_token_makes_create_idempotent(ec2):
    first = create(ec2, ClientToken="tok-1")["LaunchTemplate"]
    assert create(ec2, ClientToken="tok-1")["LaunchTemplate"] == first
    with pytest.raises(ClientError) as exc:
        create(ec2, "other", ClientToken="tok-1")
    assert error(exc)[0] == "IdempotentParameterMismatch"
    assert template_names(ec2) == ["web"]


# -- versions ---------------------------------------------------------------------------------
def test_new_version_from_source_merges_and_without_source_stands_alone(ec2):
    lt_id = create(ec2, data={"InstanceType": "t3.micro", "KeyName": "k1",
                              "EbsOptimized": True})["LaunchTemplate"]["LaunchTemplateId"]
    merged = ec2.create_launch_template_version(
        LaunchTemplateId=lt_id, SourceVersion="1", VersionDescription="bigger",
        LaunchTemplateData={"InstanceType": "m5.large"})["LaunchTemplateVersion"]
    assert merged["VersionNumber"] == 2 and merged["DefaultVersion"] is False
    assert merged["LaunchTemplateData"] == {"InstanceType": "m5.large", "KeyName": "k1",
                                            "EbsOptimized": True}
    alone = ec2.create_launch_template_version(
        LaunchTemplateName="web", LaunchTemplateData={"ImageId": "ami-12345678"})
    assert alone["LaunchTemplateVersion"]["LaunchTemplateData"] == {"ImageId": "ami-12345678"}
    assert alone["Warning"]["Errors"][0]["Code"] == "InvalidAMIID.NotFound"
    latest = ec2.create_launch_template_version(
        LaunchTemplateId=lt_id, SourceVersion="$Latest",
        LaunchTemplateData={"InstanceType": "c5.large"})["LaunchTemplateVersion"]
    assert latest["LaunchTemplateData"] == {"ImageId": "ami-12345678", "InstanceType": "c5.large"}
    template = ec2.describe_launch_templates(LaunchTemplateNames=["web"])["LaunchTemplates"][0]
    assert (template["DefaultVersionNumber"], template["LatestVersionNumber"]) == (1, 4)


def test_new_version_of_missing_template(ec2):
    with pytest.raises(ClientError) as exc:
        ec2.create_launch_template_version(LaunchTemplateId="lt-0123456789abcdef0",
                                           LaunchTemplateData={"InstanceType": "t3.micro"})
    assert error(exc) == ("InvalidLaunchTemplateId.NotFound",
                          "The specified launch template, with template ID lt-0123456789abcdef0, "
                          "does not exist.")
    with pytest.raises(ClientError) as exc:
        ec2.create_launch_template_version(LaunchTemplateName="nope",
                                           LaunchTemplateData={"InstanceType": "t3.micro"})
    assert error(exc) == ("InvalidLaunchTemplateName.NotFoundException",
                          "The specified launch template, with template name nope, does not "
                          "exist.")
    with pytest.raises(ClientError) as exc:
        ec2.create_launch_template_version(LaunchTemplateId="lt-nope",
                                           LaunchTemplateData={"InstanceType": "t3.micro"})
    assert error(exc)[0] == "InvalidLaunchTemplateId.Malformed"
    with pytest.raises(ClientError) as exc:
        ec2.create_launch_template_version(LaunchTemplateData={"InstanceType": "t3.micro"})
    assert error(exc) == ("MissingParameter", "The request must contain the parameter "
                                              "LaunchTemplateName or LaunchTemplateId")


def test_missing_source_version_changes_nothing(ec2):
    lt_id = create(ec2)["LaunchTemplate"]["LaunchTemplateId"]
    with pytest.raises(ClientError) as exc:
        ec2.create_launch_template_version(LaunchTemplateId=lt_id, SourceVersion="7",
                                           LaunchTemplateData={"InstanceType": "m5.large"})
    assert error(exc) == ("InvalidLaunchTemplateId.VersionNotFound",
                          f"Could not find the specified version 7 for the launch template "
                          f"with ID {lt_id}.")
    assert version_numbers(ec2, LaunchTemplateId=lt_id) == [1]
    assert ec2.create_launch_template_version(
        LaunchTemplateId=lt_id, LaunchTemplateData={"InstanceType": "m5.large"}
    )["LaunchTemplateVersion"]["VersionNumber"] == 2


def test_describe_versions_selects_and_orders_newest_first(ec2):
    lt_id = create(ec2)["LaunchTemplate"]["LaunchTemplateId"]
    for itype in ("t3.small", "t3.medium", "t3.large"):
        ec2.create_launch_template_version(LaunchTemplateId=lt_id,
                                           LaunchTemplateData={"InstanceType": itype})
    ec2.modify_launch_template(LaunchTemplateId=lt_id, DefaultVersion="2")
    assert version_numbers(ec2, LaunchTemplateId=lt_id) == [4, 3, 2, 1]
    assert version_numbers(ec2, LaunchTemplateName="web", Versions=["$Latest"]) == [4]
    assert version_numbers(ec2, LaunchTemplateName="web", Versions=["$Default", "1"]) == [2, 1]
    assert version_numbers(ec2, LaunchTemplateId=lt_id, MinVersion="2", MaxVersion="3") == [3, 2]
    assert version_numbers(ec2, LaunchTemplateId=lt_id, MinVersion="3") == [4, 3]
    default = ec2.describe_launch_template_versions(
        LaunchTemplateId=lt_id, Filters=[{"Name": "is-default-version", "Values": ["true"]}])
    assert [v["LaunchTemplateData"]["InstanceType"]
            for v in default["LaunchTemplateVersions"]] == ["t3.small"]
    assert version_numbers(ec2, LaunchTemplateId=lt_id, Filters=[
        {"Name": "instance-type", "Values": ["t3.m*", "t3.large"]}]) == [4, 3, 1]
    with pytest.raises(ClientError) as exc:
        ec2.describe_launch_template_versions(LaunchTemplateId=lt_id, Versions=["9"])
    assert error(exc) == ("InvalidLaunchTemplateId.VersionNotFound",
                          f"Could not find the specified version 9 for the launch template "
                          f"with ID {lt_id}.")
    with pytest.raises(ClientError) as exc:
        ec2.describe_launch_template_versions(LaunchTemplateId=lt_id, Filters=[
            {"Name": "bogus", "Values": ["x"]}])
    assert error(exc) == ("InvalidParameterValue", "The filter 'bogus' is invalid")


def test_describe_versions_of_missing_template(ec2):
    with pytest.raises(ClientError) as exc:
        ec2.describe_launch_template_versions(LaunchTemplateName="timski")
    assert error(exc) == ("InvalidLaunchTemplateName.NotFoundException",
                          "The specified launch template, with template name timski, does not "
                          "exist.")


def test_latest_and_default_versions_of_every_template(ec2):
    a = create(ec2, "aaa")["LaunchTemplate"]["LaunchTemplateId"]
    b = create(ec2, "bbb")["LaunchTemplate"]["LaunchTemplateId"]
    ec2.create_launch_template_version(LaunchTemplateId=a,
                                       LaunchTemplateData={"InstanceType": "m5.large"})
    found = ec2.describe_launch_template_versions(Versions=["$Latest"])["LaunchTemplateVersions"]
    assert [(v["LaunchTemplateId"], v["VersionNumber"]) for v in found] == [(a, 2), (b, 1)]
    found = ec2.describe_launch_template_versions(
        Versions=["$Latest", "$Default"])["LaunchTemplateVersions"]
    assert [(v["LaunchTemplateId"], v["VersionNumber"]) for v in found] == [(a, 2), (a, 1), (b, 1)]
    with pytest.raises(ClientError) as exc:
        ec2.describe_launch_template_versions(Versions=["1"])
    assert error(exc)[0] == "InvalidParameterValue"
    with pytest.raises(ClientError) as exc:
        ec2.describe_launch_template_versions()
    assert error(exc)[0] == "MissingParameter"


def test_describe_versions_paging(ec2, mock):
    lt_id = create(ec2)["LaunchTemplate"]["LaunchTemplateId"]
    for _ in range(4):
        ec2.create_launch_template_version(LaunchTemplateId=lt_id, SourceVersion="1",
                                           LaunchTemplateData={"EbsOptimized": True})
    pages = ec2.get_paginator("describe_launch_template_versions").paginate(
        LaunchTemplateId=lt_id, PaginationConfig={"PageSize": 2})
    seen = [[v["VersionNumber"] for v in page["LaunchTemplateVersions"]] for page in pages]
    assert seen == [[5, 4], [3, 2], [1]]
    with pytest.raises(ClientError) as exc:
        unchecked().describe_launch_template_versions(LaunchTemplateId=lt_id, MaxResults=201)
    assert error(exc) == ("InvalidParameterValue", "Value ( 201 ) for parameter maxResults is "
                                                   "invalid. Parameter must be between 1 and 200.")


def test_version_filters_on_launch_data(ec2):
    lt_id = create(ec2, data={"ImageId": "ami-11111111", "EbsOptimized": True,
                              "MetadataOptions": {"HttpTokens": "required"},
                              "RamDiskId": "ari-12345678"})["LaunchTemplate"]["LaunchTemplateId"]
    ec2.create_launch_template_version(LaunchTemplateId=lt_id, LaunchTemplateData={
        "ImageId": "ami-22222222", "NetworkInterfaces": [{"DeviceIndex": 0,
                                                          "NetworkCardIndex": 0}]})
    for name, value, expected in [("image-id", "ami-2*", [2]), ("ebs-optimized", "true", [1]),
                                  ("http-tokens", "required", [1]),
                                  ("ram-disk-id", "ari-12345678", [1]),
                                  ("network-card-index", "0", [2]),
                                  ("is-default-version", "false", [2])]:
        assert version_numbers(ec2, LaunchTemplateId=lt_id,
                               Filters=[{"Name": name, "Values": [value]}]) == expected, name


# -- modify, delete -----------------------------------------------------------------------------
def test_modify_sets_the_default_version(ec2):
    lt_id = create(ec2)["LaunchTemplate"]["LaunchTemplateId"]
    ec2.create_launch_template_version(LaunchTemplateId=lt_id,
                                       LaunchTemplateData={"InstanceType": "m5.large"})
    answer = ec2.modify_launch_template(LaunchTemplateName="web", DefaultVersion="2")
    assert answer["LaunchTemplate"]["DefaultVersionNumber"] == 2
    for bad in ("666", "$Latest", "x"):
        with pytest.raises(ClientError) as exc:
            ec2.modify_launch_template(LaunchTemplateId=lt_id, DefaultVersion=bad)
        assert error(exc) == ("InvalidLaunchTemplateId.VersionNotFound",
                              f"The launch template version {bad} is not found for the "
                              "specified launch template.")
    template = ec2.describe_launch_templates()["LaunchTemplates"][0]
    assert template["DefaultVersionNumber"] == 2
    with pytest.raises(ClientError) as exc:
        ec2.modify_launch_template(LaunchTemplateId=lt_id, LaunchTemplateName="web",
                                   DefaultVersion="1")
    assert error(exc)[0] == "InvalidParameterCombination"


def test_delete_versions_refuses_the_default(ec2):
    lt_id = create(ec2)["LaunchTemplate"]["LaunchTemplateId"]
    for itype in ("m5.large", "c5.large"):
        ec2.create_launch_template_version(LaunchTemplateId=lt_id,
                                           LaunchTemplateData={"InstanceType": itype})
    answer = ec2.delete_launch_template_versions(LaunchTemplateId=lt_id,
                                                 Versions=["1", "3", "8", "x"])
    assert answer["SuccessfullyDeletedLaunchTemplateVersions"] == [
        {"LaunchTemplateId": lt_id, "LaunchTemplateName": "web", "VersionNumber": 3}]
    failed = answer["UnsuccessfullyDeletedLaunchTemplateVersions"]
    assert [(f.get("VersionNumber"), f["ResponseError"]["Code"]) for f in failed] == [
        (1, "launchTemplateVersionIsDefault"), (8, "launchTemplateVersionDoesNotExist"),
        (None, "launchTemplateVersionDoesNotExist")]
    assert all(f["LaunchTemplateId"] == lt_id for f in failed)
    assert version_numbers(ec2, LaunchTemplateId=lt_id) == [2, 1]
    template = ec2.describe_launch_templates()["LaunchTemplates"][0]
    assert template["LatestVersionNumber"] == 2
    # numbers are never reused
    assert ec2.create_launch_template_version(
        LaunchTemplateId=lt_id, LaunchTemplateData={"InstanceType": "r5.large"}
    )["LaunchTemplateVersion"]["VersionNumber"] == 4


def test_delete_versions_of_missing_templates(ec2):
    answer = ec2.delete_launch_template_versions(LaunchTemplateName="ghost", Versions=["2"])
    assert answer["SuccessfullyDeletedLaunchTemplateVersions"] == []
    assert [(f["LaunchTemplateName"], f["VersionNumber"], f["ResponseError"]["Code"])
            for f in answer["UnsuccessfullyDeletedLaunchTemplateVersions"]] == [
        ("ghost", 2, "launchTemplateNameDoesNotExist")]
    answer = ec2.delete_launch_template_versions(LaunchTemplateId="lt-0123456789abcdef0",
                                                 Versions=["2"])
    assert answer["UnsuccessfullyDeletedLaunchTemplateVersions"][0]["ResponseError"][
        "Code"] == "launchTemplateIdDoesNotExist"


def test_delete_template(ec2):
    lt_id = create(ec2)["LaunchTemplate"]["LaunchTemplateId"]
    ec2.create_launch_template_version(LaunchTemplateId=lt_id,
                                       LaunchTemplateData={"InstanceType": "m5.large"})
    gone = ec2.delete_launch_template(LaunchTemplateName="web")["LaunchTemplate"]
    assert (gone["LaunchTemplateId"], gone["LaunchTemplateName"],
            gone["DefaultVersionNumber"], gone["LatestVersionNumber"]) == (lt_id, "web", 1, 2)
    assert ec2.describe_launch_templates()["LaunchTemplates"] == []
    with pytest.raises(ClientError) as exc:
        ec2.delete_launch_template(LaunchTemplateId=lt_id)
    assert error(exc) == ("InvalidLaunchTemplateId.NotFound",
                          f"The specified launch template, with template ID {lt_id}, does not "
                          "exist.")


# -- describe_launch_templates ------------------------------------------------------------------
def test_describe_templates_by_name_id_and_filters(ec2):
    a = create(ec2, "alpha", TagSpecifications=[{"ResourceType": "launch-template", "Tags": [
        {"Key": "env", "Value": "prod"}]}])["LaunchTemplate"]
    create(ec2, "beta", TagSpecifications=[{"ResourceType": "launch-template", "Tags": [
        {"Key": "env", "Value": "dev"}, {"Key": "team", "Value": "x"}]}])
    create(ec2, "gamma")
    assert template_names(ec2) == ["alpha", "beta", "gamma"]
    assert sorted(template_names(ec2, LaunchTemplateNames=["gamma", "alpha"])) == ["alpha",
                                                                                   "gamma"]
    assert template_names(ec2, LaunchTemplateIds=[a["LaunchTemplateId"]]) == ["alpha"]
    assert template_names(ec2, Filters=[{"Name": "launch-template-name",
                                         "Values": ["beta", "gamma"]}]) == ["beta", "gamma"]
    assert template_names(ec2, Filters=[{"Name": "launch-template-name",
                                         "Values": ["?lpha"]}]) == ["alpha"]
    assert template_names(ec2, Filters=[{"Name": "tag:env", "Values": ["prod"]}]) == ["alpha"]
    assert template_names(ec2, Filters=[{"Name": "tag-key", "Values": ["team"]}]) == ["beta"]
    assert template_names(ec2, Filters=[{"Name": "tag-value", "Values": ["dev"]}]) == ["beta"]
    stamp = a["CreateTime"].astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    assert "alpha" in template_names(ec2, Filters=[{"Name": "create-time", "Values": [stamp]}])
    assert template_names(ec2, Filters=[{"Name": "create-time", "Values": ["1999-*"]}]) == []
    pages = ec2.get_paginator("describe_launch_templates").paginate(
        PaginationConfig={"PageSize": 2})
    assert [[t["LaunchTemplateName"] for t in p["LaunchTemplates"]] for p in pages] == [
        ["alpha", "beta"], ["gamma"]]


def test_describe_templates_that_do_not_exist(ec2):
    create(ec2)
    with pytest.raises(ClientError) as exc:
        ec2.describe_launch_templates(LaunchTemplateNames=["web", "nope"])
    assert error(exc) == ("InvalidLaunchTemplateName.NotFoundException",
                          "At least one of the launch templates specified in the request does "
                          "not exist.")
    with pytest.raises(ClientError) as exc:
        ec2.describe_launch_templates(LaunchTemplateIds=["lt-0123456789abcdef0"])
    assert error(exc) == ("InvalidLaunchTemplateId.NotFound",
                          "The specified launch template, with template ID lt-0123456789abcdef0, "
                          "does not exist.")
    with pytest.raises(ClientError) as exc:
        ec2.describe_launch_templates(LaunchTemplateIds=["web"])
    assert error(exc)[0] == "InvalidLaunchTemplateId.Malformed"
    with pytest.raises(ClientError) as exc:
        ec2.describe_launch_templates(Filters=[{"Name": "owner-id", "Values": ["x"]}])
    assert error(exc) == ("InvalidParameterValue", "The filter 'owner-id' is invalid")


# -- resolve (RunInstances) and get_launch_template_data -----------------------------------------
def test_resolve_gives_run_instances_parameter_names(ec2, mock):
    lt_id = create(ec2, data={
        "InstanceType": "t3.micro", "RamDiskId": "ari-12345678", "SecurityGroupIds": ["sg-1"],
        "ElasticGpuSpecifications": [{"Type": "eg1.medium"}],
        "InstanceRequirements": {"VCpuCount": {"Min": 1}, "MemoryMiB": {"Min": 512}},
        "TagSpecifications": [{"ResourceType": "instance", "Tags": [{"Key": "a", "Value": "b"}]}],
        "NetworkInterfaces": [{"DeviceIndex": 0, "AssociatePublicIpAddress": True}],
    })["LaunchTemplate"]["LaunchTemplateId"]
    ec2.create_launch_template_version(LaunchTemplateId=lt_id,
                                       LaunchTemplateData={"InstanceType": "m5.large"})
    world = mock.world
    part = world.partition("123456789012", "us-east-1")
    params = launch_templates.resolve(world, part, {"LaunchTemplateId": lt_id})
    assert params == {
        "InstanceType": "t3.micro", "RamdiskId": "ari-12345678", "SecurityGroupIds": ["sg-1"],
        "ElasticGpuSpecification": [{"Type": "eg1.medium"}],
        "TagSpecifications": [{"ResourceType": "instance", "Tags": [{"Key": "a", "Value": "b"}]}],
        "NetworkInterfaces": [{"DeviceIndex": 0, "AssociatePublicIpAddress": True}],
    }
    params["SecurityGroupIds"].append("sg-2")   # a copy: the template is immutable
    assert launch_templates.resolve(world, part, {"LaunchTemplateName": "web", "Version": "1"})[
        "SecurityGroupIds"] == ["sg-1"]
    assert launch_templates.resolve(world, part, {"LaunchTemplateName": "web",
                                                  "Version": "$Latest"}) == {
        "InstanceType": "m5.large"}
    assert launch_templates.locate(world, part, {"LaunchTemplateName": "web"}) == (lt_id, 1)


def test_run_instances_from_a_template(ec2):
    image = image_id(ec2)
    create(ec2, data={"InstanceType": "t3.small", "ImageId": image})
    ec2.create_launch_template_version(LaunchTemplateName="web", SourceVersion="1",
                                       LaunchTemplateData={"InstanceType": "t3.large"})
    by_default = ec2.run_instances(MinCount=1, MaxCount=1,
                                   LaunchTemplate={"LaunchTemplateName": "web"})["Instances"][0]
    assert by_default["InstanceType"] == "t3.small" and by_default["ImageId"] == image
    latest = ec2.run_instances(MinCount=1, MaxCount=1, LaunchTemplate={
        "LaunchTemplateName": "web", "Version": "$Latest"})["Instances"][0]
    assert latest["InstanceType"] == "t3.large"
    explicit = ec2.run_instances(MinCount=1, MaxCount=1, InstanceType="t3.micro",
                                 LaunchTemplate={"LaunchTemplateName": "web"})["Instances"][0]
    assert explicit["InstanceType"] == "t3.micro"
    with pytest.raises(ClientError) as exc:
        ec2.run_instances(MinCount=1, MaxCount=1, LaunchTemplate={"LaunchTemplateName": "web",
                                                                  "Version": "5"})
    assert error(exc)[0] == "InvalidLaunchTemplateId.VersionNotFound"


def test_get_launch_template_data_from_an_instance(ec2):
    image = image_id(ec2)
    subnet = ec2.describe_subnets(Filters=[{"Name": "availability-zone",
                                            "Values": ["us-east-1b"]}])["Subnets"][0]
    instance = ec2.run_instances(MinCount=1, MaxCount=1, ImageId=image, InstanceType="t3.micro",
                                 SubnetId=subnet["SubnetId"])["Instances"][0]
    data = ec2.get_launch_template_data(InstanceId=instance["InstanceId"])["LaunchTemplateData"]
    assert (data["ImageId"], data["InstanceType"]) == (image, "t3.micro")
    assert data["Placement"]["AvailabilityZone"] == "us-east-1b"
    assert data["Monitoring"] == {}
    eni = data["NetworkInterfaces"][0]
    assert eni["SubnetId"] == subnet["SubnetId"]
    assert eni["NetworkInterfaceId"] == instance["NetworkInterfaces"][0]["NetworkInterfaceId"]
    assert eni["PrivateIpAddress"] == instance["PrivateIpAddress"]
    assert eni["PrivateIpAddresses"] == [{"Primary": True,
                                          "PrivateIpAddress": instance["PrivateIpAddress"]}]
    assert eni["Groups"] == [g["GroupId"] for g in instance["SecurityGroups"]]
    assert data["BlockDeviceMappings"][0]["DeviceName"] == instance["RootDeviceName"]
    assert data["BlockDeviceMappings"][0]["Ebs"]["DeleteOnTermination"] is True
    assert "TagSpecifications" not in data    # an untagged instance
    ec2.create_tags(Resources=[instance["InstanceId"]], Tags=[{"Key": "team", "Value": "a"}])
    tagged = ec2.get_launch_template_data(InstanceId=instance["InstanceId"])["LaunchTemplateData"]
    assert tagged["TagSpecifications"] == [{"ResourceType": "instance",
                                            "Tags": [{"Key": "team", "Value": "a"}]}]
    # what it gives is what a template takes
    assert "Warning" not in create(ec2, "copy", data={
        k: v for k, v in data.items() if k != "NetworkInterfaces"})


def test_get_launch_template_data_of_missing_instance(ec2):
    with pytest.raises(ClientError) as exc:
        ec2.get_launch_template_data(InstanceId="i-0123456789abcdef0")
    assert error(exc) == ("InvalidInstanceID.NotFound",
                          "The instance ID 'i-0123456789abcdef0' does not exist")
    with pytest.raises(ClientError) as exc:
        ec2.get_launch_template_data(InstanceId="nope")
    assert error(exc)[0] == "InvalidInstanceID.Malformed"


def test_data_from_instance_maps_instance_members():
    instance = {
        "ImageId": "ami-1", "InstanceType": "m5.large", "KeyName": "k", "RamdiskId": "ari-1",
        "EbsOptimized": False, "Monitoring": {"State": "enabled"},
        "Placement": {"AvailabilityZone": "us-east-1a", "GroupName": "", "Tenancy": "default"},
        "IamInstanceProfile": {"Arn": "arn:aws:iam::1:instance-profile/p", "Id": "AIPA"},
        "MetadataOptions": {"State": "applied", "HttpTokens": "required"},
        "BlockDeviceMappings": [{"DeviceName": "/dev/xvda", "Ebs": {
            "VolumeId": "vol-1", "DeleteOnTermination": False, "Status": "attached"}}],
        "NetworkInterfaces": [
            {"NetworkInterfaceId": "eni-2", "SubnetId": "subnet-1", "Description": "b",
             "Attachment": {"DeviceIndex": 1, "DeleteOnTermination": False},
             "Groups": [{"GroupId": "sg-1", "GroupName": "g"}], "PrivateIpAddress": "10.0.0.6",
             "PrivateIpAddresses": [{"Primary": True, "PrivateIpAddress": "10.0.0.6"}],
             "Ipv6Addresses": [{"Ipv6Address": "2001:db8::1", "IsPrimaryIpv6": False}]},
            {"NetworkInterfaceId": "eni-1", "SubnetId": "subnet-1", "Description": "",
             "Attachment": {"DeviceIndex": 0, "DeleteOnTermination": True},
             "Groups": [], "PrivateIpAddress": "10.0.0.5",
             "PrivateIpAddresses": [{"Primary": True, "PrivateIpAddress": "10.0.0.5"}]}],
    }
    node = {"api_termination_disabled": True, "shutdown_behavior": "terminate",
            "user_data": "ZWNobw==", "cpu_credits": None}
    vols = {"vol-1": {"Size": 8, "VolumeType": "gp3", "Iops": 3000, "Throughput": 125,
                      "Encrypted": True, "KmsKeyId": "arn:key", "SnapshotId": ""}}
    data = launch_template_data.data_from_instance(instance, node, vols)
    assert data["Monitoring"] == {"Enabled": True}
    assert data["RamDiskId"] == "ari-1" and "RamdiskId" not in data
    assert data["IamInstanceProfile"] == {"Arn": "arn:aws:iam::1:instance-profile/p"}
    assert data["MetadataOptions"] == {"HttpTokens": "required"}
    assert data["BlockDeviceMappings"] == [{"DeviceName": "/dev/xvda", "Ebs": {
        "Encrypted": True, "DeleteOnTermination": False, "Iops": 3000, "KmsKeyId": "arn:key",
        "VolumeSize": 8, "VolumeType": "gp3", "Throughput": 125}}]
    assert [ni["DeviceIndex"] for ni in data["NetworkInterfaces"]] == [0, 1]
    assert data["NetworkInterfaces"][1]["Ipv6Addresses"] == [{"Ipv6Address": "2001:db8::1"}]
    assert data["NetworkInterfaces"][1]["Groups"] == ["sg-1"]
    assert (data["DisableApiTermination"], data["InstanceInitiatedShutdownBehavior"],
            data["UserData"]) == (True, "terminate", "ZWNobw==")
    assert "CreditSpecification" not in data


# -- against the server ---------------------------------------------------------------------------
def test_round_trip_against_server(server_ec2):
    answer = server_ec2.create_launch_template(
        LaunchTemplateName="srv", VersionDescription="d",
        LaunchTemplateData={"InstanceType": "c6g.large", "UserData": "ZWNobyBoaQ==",
                            "BlockDeviceMappings": [{"DeviceName": "/dev/xvda", "Ebs": {
                                "VolumeSize": 20, "VolumeType": "gp3"}}]})
    lt_id = answer["LaunchTemplate"]["LaunchTemplateId"]
    server_ec2.create_launch_template_version(LaunchTemplateId=lt_id, SourceVersion="1",
                                              LaunchTemplateData={"InstanceType": "c7g.large"})
    server_ec2.modify_launch_template(LaunchTemplateId=lt_id, DefaultVersion="2")
    versions = server_ec2.describe_launch_template_versions(
        LaunchTemplateName="srv")["LaunchTemplateVersions"]
    assert [(v["VersionNumber"], v["DefaultVersion"], v["LaunchTemplateData"]["InstanceType"])
            for v in versions] == [(2, True, "c7g.large"), (1, False, "c6g.large")]
    assert versions[0]["LaunchTemplateData"]["BlockDeviceMappings"] == [
        {"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 20, "VolumeType": "gp3"}}]
    failed = server_ec2.delete_launch_template_versions(
        LaunchTemplateId=lt_id, Versions=["2"])["UnsuccessfullyDeletedLaunchTemplateVersions"]
    assert failed[0]["ResponseError"]["Code"] == "launchTemplateVersionIsDefault"
    with pytest.raises(ClientError) as exc:
        server_ec2.create_launch_template(LaunchTemplateName="srv",
                                          LaunchTemplateData={"InstanceType": "t3.micro"})
    assert error(exc)[0] == "InvalidLaunchTemplateName.AlreadyExistsException"
    server_ec2.delete_launch_template(LaunchTemplateId=lt_id)
    assert server_ec2.describe_launch_templates()["LaunchTemplates"] == []


def test_operations_word_their_template_errors_as_aws_does(ec2):
    lt_id = create(ec2)["LaunchTemplate"]["LaunchTemplateId"]
    with pytest.raises(ClientError) as exc:
        ec2.modify_launch_template(LaunchTemplateId=lt_id, LaunchTemplateName="web",
                                   DefaultVersion="1")
    assert error(exc) == ("InvalidParameterCombination", "Either provide launch template ID "
                          "or launch template name to modify the template.")
    with pytest.raises(ClientError) as exc:
        ec2.delete_launch_template()
    assert error(exc) == ("MissingParameter", "The request must contain the parameter launch "
                          "template ID or launch template name")
    for versions, code in (([], "MissingParameter"), (["1"], "InvalidParameterValue")):
        with pytest.raises(ClientError) as exc:
            ec2.describe_launch_template_versions(Versions=versions)
        assert error(exc)[0] == code
        assert error(exc)[1].startswith("To describe the launch template data for all your "
                                        "launch templates, for \u2018--versions\u2019 specify")
    assert [v["VersionNumber"] for v in ec2.describe_launch_template_versions(
        Versions=["$Latest"])["LaunchTemplateVersions"]] == [1]
