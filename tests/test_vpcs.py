"""VPC operations through boto3, in-process and against the server."""
from __future__ import annotations

import pytest
from botocore.exceptions import ClientError


def error(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    return exc.value.response["Error"]["Code"], exc.value.response["Error"]["Message"]


def test_fresh_region_has_one_default_vpc(ec2):
    vpcs = ec2.describe_vpcs()["Vpcs"]
    assert [(v["CidrBlock"], v["IsDefault"]) for v in vpcs] == [("172.31.0.0/16", True)]


def test_create_vpc_is_described_with_tags(ec2):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", TagSpecifications=[
        {"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "a&b<c>"}]}])["Vpc"]
    found = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["a&b*"]}])["Vpcs"]
    assert [v["VpcId"] for v in found] == [vpc["VpcId"]]
    assert found[0]["Tags"] == [{"Key": "Name", "Value": "a&b<c>"}]


@pytest.mark.parametrize("cidr, code", [("10.0.0.0/8", "InvalidVpc.Range"),
                                        ("10.0.0.0/29", "InvalidVpc.Range"),
                                        ("10.0.0.1/16", "InvalidParameterValue"),
                                        ("nonsense", "InvalidParameterValue")])
def test_create_vpc_rejects_bad_blocks(ec2, cidr, code):
    with pytest.raises(ClientError) as exc:
        ec2.create_vpc(CidrBlock=cidr)
    assert error(exc)[0] == code
    assert len(ec2.describe_vpcs()["Vpcs"]) == 1


def test_dry_run_validates_and_changes_nothing(ec2):
    with pytest.raises(ClientError) as exc:
        ec2.create_vpc(CidrBlock="10.1.0.0/16", DryRun=True)
    assert error(exc) == ("DryRunOperation", "Request would have succeeded, but DryRun flag is set.")
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 412
    with pytest.raises(ClientError) as exc:
        ec2.create_vpc(CidrBlock="10.0.0.0/8", DryRun=True)
    assert error(exc)[0] == "InvalidVpc.Range"
    assert len(ec2.describe_vpcs()["Vpcs"]) == 1


def test_unknown_vpc_and_filter(ec2):
    with pytest.raises(ClientError) as exc:
        ec2.describe_vpcs(VpcIds=["vpc-12345678"])
    assert error(exc) == ("InvalidVpcID.NotFound", "The vpc ID 'vpc-12345678' does not exist")
    with pytest.raises(ClientError) as exc:
        ec2.describe_vpcs(Filters=[{"Name": "bogus", "Values": ["x"]}])
    assert error(exc) == ("InvalidParameterValue", "The filter 'bogus' is invalid")


def test_delete_vpc(ec2):
    vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    ec2.delete_vpc(VpcId=vpc_id)
    assert [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"]] != [vpc_id]
    assert len(ec2.describe_vpcs()["Vpcs"]) == 1


def test_vpc_round_trip_against_server(server_ec2):
    vpc_id = server_ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    found = server_ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"]
    assert found[0]["CidrBlock"] == "10.9.0.0/16"
