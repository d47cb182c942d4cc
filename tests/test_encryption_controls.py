"""VPC encryption controls: per VPC and for the account, and the resources that keep a VPC
from enforcement."""
from __future__ import annotations

import pytest

from helpers import fails


@pytest.fixture
def control(ec2, vpc) -> str:
    return ec2.create_vpc_encryption_control(VpcId=vpc)["VpcEncryptionControl"][
        "VpcEncryptionControlId"]


def described(ec2, **kwargs) -> list[dict]:
    return ec2.describe_vpc_encryption_controls(**kwargs)["VpcEncryptionControls"]


def blocking(ec2, vpc) -> list[dict]:
    return ec2.get_vpc_resources_blocking_encryption_enforcement(VpcId=vpc)[
        "NonCompliantResources"]


def test_create_answers_creating_then_available(ec2, vpc):
    made = ec2.create_vpc_encryption_control(VpcId=vpc, TagSpecifications=[
        {"ResourceType": "vpc-encryption-control", "Tags": [{"Key": "a", "Value": "b"}]}])[
        "VpcEncryptionControl"]
    assert made["VpcEncryptionControlId"].startswith("vpcec-")
    assert made["State"] == "creating" and made["Mode"] == "monitor"
    assert made["ResourceExclusions"]["InternetGateway"] == {"State": "disabled"}
    found = described(ec2, VpcIds=[vpc])
    assert [(c["State"], c["Mode"], c["VpcId"]) for c in found] == [("available", "monitor", vpc)]
    assert found[0]["Tags"] == [{"Key": "a", "Value": "b"}]
    assert fails(ec2.create_vpc_encryption_control, VpcId=vpc)[0] == "IncorrectState"
    assert fails(ec2.create_vpc_encryption_control,
                 VpcId="vpc-0123456789abcdef0")[0] == "InvalidVpcID.NotFound"


def test_enforce_with_and_without_blocking_resources(ec2, vpc, control):
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    assert [(r["Id"], r["Type"]) for r in blocking(ec2, vpc)] == [(igw, "internet-gateway")]
    answer = ec2.modify_vpc_encryption_control(VpcEncryptionControlId=control,
                                               Mode="enforce")["VpcEncryptionControl"]
    assert answer["State"] == "enforce-in-progress"
    failed = described(ec2, VpcEncryptionControlIds=[control])[0]
    assert (failed["State"], failed["Mode"]) == ("enforce-failed", "monitor")
    excluded = ec2.modify_vpc_encryption_control(
        VpcEncryptionControlId=control, InternetGatewayExclusion="enable")[
        "VpcEncryptionControl"]
    assert excluded["ResourceExclusions"]["InternetGateway"] == {"State": "enabling"}
    assert blocking(ec2, vpc) == []
    ec2.modify_vpc_encryption_control(VpcEncryptionControlId=control, Mode="enforce")
    done = described(ec2)[0]
    assert (done["State"], done["Mode"]) == ("available", "enforce")
    assert done["ResourceExclusions"]["InternetGateway"] == {"State": "enabled"}


def test_old_instance_types_block(ec2, vpc, subnet):
    ec2.run_instances(ImageId="ami-057c3ffbeeff55523", MinCount=1, MaxCount=1,
                      InstanceType="t2.micro", SubnetId=subnet)
    ec2.run_instances(ImageId="ami-057c3ffbeeff55523", MinCount=1, MaxCount=1,
                      InstanceType="m6i.large", SubnetId=subnet)
    found = blocking(ec2, vpc)
    assert [(r["Type"], r["IsExcludable"]) for r in found] == [("instance", False)]


def test_delete_and_errors(ec2, vpc, control):
    gone = ec2.delete_vpc_encryption_control(VpcEncryptionControlId=control)[
        "VpcEncryptionControl"]
    assert gone["State"] == "deleting"
    # then gone: Terraform's delete waiter goes from `deleting` to not found, and its delete
    # takes NotFound for "already deleted"
    assert fails(ec2.describe_vpc_encryption_controls, VpcEncryptionControlIds=[control])[0] \
        == "InvalidVpcEncryptionControlId.NotFound"
    assert described(ec2) == []
    assert fails(ec2.delete_vpc_encryption_control,
                 VpcEncryptionControlId=control)[0] == "InvalidVpcEncryptionControlId.NotFound"
    assert fails(ec2.describe_vpc_encryption_controls,
                 VpcEncryptionControlIds=["vpcec-0123456789abcdef0"])[0] == \
        "InvalidVpcEncryptionControlId.NotFound"
    assert fails(ec2.modify_vpc_encryption_control,
                 VpcEncryptionControlId="vpcec-0123456789abcdef0",
                 Mode="enforce")[0] == "InvalidVpcEncryptionControlId.NotFound"
    ec2.create_vpc_encryption_control(VpcId=vpc)      # a new one after the deleted one
    assert len(described(ec2, Filters=[{"Name": "state", "Values": ["available"]}])) == 1


def test_account_control(ec2):
    found = ec2.describe_account_vpc_encryption_control()["AccountVpcEncryptionControl"]
    assert (found["State"], found["Mode"]) == ("default-state", "unmanaged")
    assert found["Exclusions"]["NatGateway"] == "disabled"
    answer = ec2.modify_account_vpc_encryption_control(Mode="attempt-monitor",
                                                       NatGateway="enable")[
        "AccountVpcEncryptionControl"]
    assert answer["State"] == "transitions-in-progress"
    assert answer["Exclusions"]["NatGateway"] == "enabling"
    found = ec2.describe_account_vpc_encryption_control()["AccountVpcEncryptionControl"]
    assert (found["State"], found["Mode"]) == ("transitions-successful", "attempt-monitor")
    assert found["Exclusions"]["NatGateway"] == "enabled"


def test_over_the_server(server_ec2):
    vpc = server_ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    made = server_ec2.create_vpc_encryption_control(VpcId=vpc)["VpcEncryptionControl"]
    assert described(server_ec2)[0]["VpcEncryptionControlId"] == made["VpcEncryptionControlId"]
    assert blocking(server_ec2, vpc) == []


def test_describe_vpcs_shows_the_control(ec2, vpc, control):
    found = ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"][0]["EncryptionControl"]
    assert found["VpcEncryptionControlId"] == control and found["Mode"] == "monitor"


def test_control_goes_with_its_vpc(ec2):
    vpc = ec2.create_vpc(CidrBlock="10.5.0.0/16")["Vpc"]["VpcId"]
    ec = ec2.create_vpc_encryption_control(VpcId=vpc)["VpcEncryptionControl"][
        "VpcEncryptionControlId"]
    ec2.delete_vpc(VpcId=vpc)
    assert fails(ec2.describe_vpc_encryption_controls, VpcEncryptionControlIds=[ec])[0] == \
        "InvalidVpcEncryptionControlId.NotFound"
