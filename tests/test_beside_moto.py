"""ec2sim beside moto: EC2 (and SSM's public image parameters) answered by ec2sim, S3, IAM and
the rest by moto, in-process (`mock_ec2` nested with `mock_aws`, both ways round) and as
servers (`AWS_ENDPOINT_URL_EC2` at `ec2sim serve --beside`, `AWS_ENDPOINT_URL` at a
`moto_server`). Instance profiles and flow log buckets are IAM's and S3's, as on AWS."""
from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import boto3
import pytest
from botocore.exceptions import ClientError

from api import mock_ec2
from processes import free_port, running
from helpers import error

moto = pytest.importorskip("moto")
mock_aws = moto.mock_aws

AL2023 = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"


@contextmanager
def nested(order: str, *, wire: bool = False) -> Iterator[mock_ec2]:
    """`mock_ec2` inside `mock_aws` ("ec2sim-inside") or around it ("ec2sim-outside")."""
    with ExitStack() as stack:
        if order == "ec2sim-inside":
            stack.enter_context(mock_aws())
            yield stack.enter_context(mock_ec2(wire=wire))
        else:
            sim = stack.enter_context(mock_ec2(wire=wire))
            stack.enter_context(mock_aws())
            yield sim


ORDERS = pytest.mark.parametrize("order", ["ec2sim-inside", "ec2sim-outside"])


def client(service: str):
    return boto3.client(service, region_name="us-east-1")


# -- in-process -------------------------------------------------------------------------------
@ORDERS
def test_ec2_is_ec2sims_and_the_rest_motos(order):
    with nested(order) as sim:
        vpc_id = client("ec2").create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
        assert sim.world.node(vpc_id)["kind"] == "vpc"          # ec2sim answered EC2
        client("s3").create_bucket(Bucket="beside")
        assert [b["Name"] for b in client("s3").list_buckets()["Buckets"]] == ["beside"]
        iam = client("iam")
        iam.create_role(RoleName="app", AssumeRolePolicyDocument="{}")
        assert iam.get_role(RoleName="app")["Role"]["RoleName"] == "app"
        sts = client("sts")
        assert sts.get_caller_identity()["Account"] == "123456789012"
        creds = sts.assume_role(RoleArn="arn:aws:iam::123456789012:role/app",
                                RoleSessionName="beside")["Credentials"]  # moto's, not a 501
        assert creds["AccessKeyId"]


@ORDERS
def test_ssm_public_parameters_are_ec2sims_own_parameters_motos(order):
    with nested(order):
        ssm, ec2 = client("ssm"), client("ec2")
        ssm.put_parameter(Name="/app/size", Value="3", Type="String")
        assert ssm.get_parameter(Name="/app/size")["Parameter"]["Value"] == "3"
        image_id = ssm.get_parameter(Name=AL2023)["Parameter"]["Value"]
        [image] = ec2.describe_images(ImageIds=[image_id])["Images"]
        assert image["Name"].startswith("al2023-ami-2023.")
        [inst] = ec2.run_instances(ImageId=image_id, MinCount=1, MaxCount=1)["Instances"]
        assert inst["ImageId"] == image_id
        # a parameter outside AWS's public image trees is moto's
        region = ssm.get_parameter(
            Name="/aws/service/global-infrastructure/regions/us-west-1/longName")
        assert region["Parameter"]["Value"] == "US West (N. California)"


@ORDERS
def test_the_whole_wire_route_shares_the_same_way(order):
    with nested(order, wire=True) as sim:
        vpc_id = client("ec2").create_vpc(CidrBlock="10.8.0.0/16")["Vpc"]["VpcId"]
        assert sim.world.node(vpc_id) is not None
        ssm = client("ssm")
        ssm.put_parameter(Name="/app/mode", Value="wire", Type="String")
        assert ssm.get_parameter(Name="/app/mode")["Parameter"]["Value"] == "wire"
        image_id = ssm.get_parameter(Name=AL2023)["Parameter"]["Value"]
        assert client("ec2").describe_images(ImageIds=[image_id])["Images"]
        assert client("sts").assume_role(RoleArn="arn:aws:iam::123456789012:role/r",
                                         RoleSessionName="wire")["Credentials"]


@ORDERS
def test_instance_profiles_are_iams(order):
    with nested(order):
        iam, ec2 = client("iam"), client("ec2")
        prof = iam.create_instance_profile(InstanceProfileName="web", Path="/app/")[
            "InstanceProfile"]
        want = {"Arn": prof["Arn"], "Id": prof["InstanceProfileId"]}
        by_name = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1,
                                    IamInstanceProfile={"Name": "web"})["Instances"][0]
        assert by_name["IamInstanceProfile"] == want
        by_arn = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1,
                                   IamInstanceProfile={"Arn": prof["Arn"]})["Instances"][0]
        assert by_arn["IamInstanceProfile"] == want
        count = len(ec2.describe_instances()["Reservations"])
        with pytest.raises(ClientError) as exc:
            ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1,
                              IamInstanceProfile={"Name": "nope"})
        assert error(exc) == ("InvalidParameterValue", "Value (nope) for parameter "
                              "iamInstanceProfile.name is invalid. Invalid IAM Instance "
                              "Profile name")
        wrong_path = "arn:aws:iam::123456789012:instance-profile/web"
        with pytest.raises(ClientError) as exc:
            ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1,
                              IamInstanceProfile={"Arn": wrong_path})
        assert error(exc)[0] == "InvalidParameterValue" and wrong_path in error(exc)[1]
        assert len(ec2.describe_instances()["Reservations"]) == count    # nothing launched
        plain = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1)[
            "Instances"][0]["InstanceId"]
        assoc = ec2.associate_iam_instance_profile(
            InstanceId=plain, IamInstanceProfile={"Name": "web"})["IamInstanceProfileAssociation"]
        assert assoc["IamInstanceProfile"] == want
        with pytest.raises(ClientError) as exc:
            ec2.replace_iam_instance_profile_association(
                AssociationId=assoc["AssociationId"], IamInstanceProfile={"Name": "gone"})
        assert error(exc)[0] == "InvalidParameterValue"


@ORDERS
def test_flow_logs_go_to_s3s_buckets(order):
    with nested(order):
        ec2 = client("ec2")
        client("s3").create_bucket(Bucket="flows")
        vpc_id = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
        made = ec2.create_flow_logs(ResourceIds=[vpc_id], ResourceType="VPC",
                                    TrafficType="ALL", LogDestinationType="s3",
                                    LogDestination="arn:aws:s3:::flows/vpc")
        assert len(made["FlowLogIds"]) == 1 and made["Unsuccessful"] == []
        missing = ec2.create_flow_logs(ResourceIds=[vpc_id], ResourceType="VPC",
                                       TrafficType="REJECT", LogDestinationType="s3",
                                       LogDestination="arn:aws:s3:::no-such-bucket")
        assert missing["FlowLogIds"] == []
        assert missing["Unsuccessful"] == [{"Error": {
            "Code": "400", "Message": "LogDestination: no-such-bucket does not exist."},
            "ResourceId": vpc_id}]
        [log] = ec2.describe_flow_logs()["FlowLogs"]
        assert log["LogDestination"] == "arn:aws:s3:::flows/vpc"


def test_without_moto_names_are_taken_as_given(ec2):
    vpc_id = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    made = ec2.create_flow_logs(ResourceIds=[vpc_id], ResourceType="VPC", TrafficType="ALL",
                                LogDestinationType="s3", LogDestination="arn:aws:s3:::any")
    assert len(made["FlowLogIds"]) == 1
    [inst] = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1,
                               IamInstanceProfile={"Name": "whatever"})["Instances"]
    assert inst["IamInstanceProfile"]["Arn"] == (
        "arn:aws:iam::123456789012:instance-profile/whatever")
    assert inst["IamInstanceProfile"]["Id"].startswith("AIPA")


@ORDERS
def test_leaving_both_mocks_restores_everything(order):
    before = {k: os.environ.get(k) for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")}
    with nested(order):
        pass
    assert {k: os.environ.get(k) for k in before} == before
    from botocore.handlers import BUILTIN_HANDLERS

    from api.mock import _before_call
    assert all(entry[1] is not _before_call for entry in BUILTIN_HANDLERS)
    with nested(order):       # and they start again cleanly
        assert len(client("ec2").describe_vpcs()["Vpcs"]) == 1


# -- servers ----------------------------------------------------------------------------------
@pytest.fixture
def beside_servers(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, str]]:
    """A moto_server and an `ec2sim serve --beside` it; AWS_ENDPOINT_URL points at moto and
    AWS_ENDPOINT_URL_EC2 at ec2sim, as a user would set them."""
    with ExitStack() as stack:
        moto_port, sim_port = free_port(), free_port()
        moto_url = stack.enter_context(running(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(moto_port)],
            moto_port))
        sim_url = stack.enter_context(running(
            [sys.executable, "-m", "api.cli", "serve", "--beside", moto_url,
             "--port", str(sim_port)], sim_port))
        monkeypatch.setenv("AWS_ENDPOINT_URL", moto_url)
        monkeypatch.setenv("AWS_ENDPOINT_URL_EC2", sim_url)
        yield moto_url, sim_url


def _at(service: str, url: str):
    return boto3.client(service, region_name="us-east-1", endpoint_url=url)


@pytest.mark.server
def test_servers_side_by_side_through_endpoint_variables(beside_servers, monkeypatch):
    moto_url, sim_url = beside_servers
    ec2, s3, iam = client("ec2"), client("s3"), client("iam")
    assert (ec2.meta.endpoint_url, s3.meta.endpoint_url) == (sim_url, moto_url)
    vpc_id = ec2.create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]["VpcId"]
    assert _at("ec2", sim_url).describe_vpcs(VpcIds=[vpc_id])["Vpcs"]
    with pytest.raises(ClientError):                 # moto's EC2 never saw it
        _at("ec2", moto_url).describe_vpcs(VpcIds=[vpc_id])
    s3.create_bucket(Bucket="flows")
    prof = iam.create_instance_profile(InstanceProfileName="web")["InstanceProfile"]
    [inst] = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1,
                               IamInstanceProfile={"Name": "web"})["Instances"]
    assert inst["IamInstanceProfile"] == {"Arn": prof["Arn"], "Id": prof["InstanceProfileId"]}
    with pytest.raises(ClientError) as exc:
        ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1,
                          IamInstanceProfile={"Name": "nope"})
    assert error(exc)[0] == "InvalidParameterValue"
    made = ec2.create_flow_logs(ResourceIds=[vpc_id], ResourceType="VPC", TrafficType="ALL",
                                LogDestinationType="s3", LogDestination="arn:aws:s3:::flows")
    assert len(made["FlowLogIds"]) == 1
    missing = ec2.create_flow_logs(ResourceIds=[vpc_id], ResourceType="VPC",
                                   TrafficType="ACCEPT", LogDestinationType="s3",
                                   LogDestination="arn:aws:s3:::nope")
    assert missing["Unsuccessful"][0]["Error"]["Message"] == "LogDestination: nope does not exist."
    # SSM's public image parameters from ec2sim: AWS_ENDPOINT_URL_SSM at it
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSM", sim_url)
    ssm = client("ssm")
    assert ssm.meta.endpoint_url == sim_url
    image_id = ssm.get_parameter(Name=AL2023)["Parameter"]["Value"]
    assert ec2.run_instances(ImageId=image_id, MinCount=1, MaxCount=1)["Instances"]


@pytest.mark.server
def test_ec2sim_served_alone_takes_names_as_given(start_server):
    url = start_server()
    ec2 = _at("ec2", url)
    [inst] = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1,
                               IamInstanceProfile={"Name": "anything"})["Instances"]
    assert inst["IamInstanceProfile"]["Arn"].endswith(":instance-profile/anything")
