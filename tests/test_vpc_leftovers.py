"""Operations with little left to do today: EC2-Classic's ClassicLink and address moves (an
account without EC2-Classic), VPC endpoint associations, the flow log Athena integration
template and security group quota validation."""
from __future__ import annotations

import datetime as dt
import json

import boto3
import pytest

from helpers import fails

AMI = "ami-057c3ffbeeff55523"
BUCKET = "arn:aws:s3:::my-flow-logs"


@pytest.fixture
def instance(ec2, subnet) -> str:
    return ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, InstanceType="t3.micro",
                             SubnetId=subnet)["Instances"][0]["InstanceId"]


# -- ClassicLink --------------------------------------------------------------------------------
def test_vpc_instances_are_not_linkable(ec2, vpc, instance):
    sg = ec2.create_security_group(GroupName="g", Description="g", VpcId=vpc)["GroupId"]
    assert fails(ec2.attach_classic_link_vpc, InstanceId=instance, VpcId=vpc,
                 Groups=[sg])[0] == "InvalidInstanceID.NotLinkable"
    assert fails(ec2.detach_classic_link_vpc, InstanceId=instance, VpcId=vpc)[0] == \
        "InvalidInstanceID.NotLinkable"
    assert fails(ec2.attach_classic_link_vpc, InstanceId="i-0123456789abcdef0", VpcId=vpc,
                 Groups=[sg])[0] == "InvalidInstanceID.NotFound"
    assert fails(ec2.attach_classic_link_vpc, InstanceId=instance,
                 VpcId="vpc-0123456789abcdef0", Groups=[sg])[0] == "InvalidVpcID.NotFound"
    assert fails(ec2.attach_classic_link_vpc, InstanceId=instance, VpcId=vpc,
                 Groups=["sg-0123456789abcdef0"])[0] == "InvalidGroup.NotFound"


def test_no_instance_is_linked(ec2, instance):
    assert ec2.describe_classic_link_instances()["Instances"] == []
    assert ec2.describe_classic_link_instances(InstanceIds=[instance])["Instances"] == []
    assert ec2.describe_classic_link_instances(
        Filters=[{"Name": "vpc-id", "Values": ["vpc-1"]}])["Instances"] == []
    assert fails(ec2.describe_classic_link_instances,
                 InstanceIds=["i-0123456789abcdef0"])[0] == "InvalidInstanceID.NotFound"
    assert fails(ec2.describe_classic_link_instances,
                 Filters=[{"Name": "colour", "Values": ["x"]}])[0] == "InvalidParameterValue"


def test_classic_calls_are_unknown_in_newer_regions(mock):
    ohio = boto3.client("ec2", region_name="us-east-2")
    assert fails(ohio.describe_classic_link_instances)[0] == "UnsupportedOperation"
    assert fails(ohio.describe_moving_addresses)[0] == "UnsupportedOperation"


# -- moving addresses ---------------------------------------------------------------------------
def test_vpc_addresses_cannot_move(ec2):
    ip = ec2.allocate_address(Domain="vpc")["PublicIp"]
    assert fails(ec2.move_address_to_vpc, PublicIp=ip)[0] == "InvalidParameterValue"
    assert fails(ec2.restore_address_to_classic, PublicIp=ip)[0] == "InvalidParameterValue"
    assert fails(ec2.move_address_to_vpc, PublicIp="198.51.100.1")[0] == \
        "InvalidAddress.NotFound"
    assert ec2.describe_moving_addresses()["MovingAddressStatuses"] == []
    assert ec2.describe_moving_addresses(PublicIps=[ip])["MovingAddressStatuses"] == []
    assert ec2.describe_moving_addresses(Filters=[
        {"Name": "moving-status", "Values": ["movingToVpc"]}])["MovingAddressStatuses"] == []


# -- VPC endpoint associations ------------------------------------------------------------------
def test_endpoint_associations(ec2, vpc):
    vpce = ec2.create_vpc_endpoint(VpcId=vpc, ServiceName="com.amazonaws.us-east-1.s3")[
        "VpcEndpoint"]["VpcEndpointId"]
    assert ec2.describe_vpc_endpoint_associations(VpcEndpointIds=[vpce])[
        "VpcEndpointAssociations"] == []
    assert fails(ec2.describe_vpc_endpoint_associations,
                 VpcEndpointIds=["vpce-0123456789abcdef0"])[0] == "InvalidVpcEndpointId.NotFound"
    assert fails(ec2.describe_vpc_endpoint_associations,
                 Filters=[{"Name": "nonsense", "Values": ["x"]}])[0] == "InvalidParameterValue"


# -- flow log integration template --------------------------------------------------------------
def test_flow_logs_integration_template(ec2, vpc):
    fl = ec2.create_flow_logs(ResourceIds=[vpc], ResourceType="VPC", TrafficType="ALL",
                              LogDestinationType="s3", LogDestination=BUCKET)["FlowLogIds"][0]
    athena = {"AthenaIntegrations": [{
        "IntegrationResultS3DestinationArn": BUCKET + "/results",
        "PartitionLoadFrequency": "daily",
        "PartitionStartDate": dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc),
        "PartitionEndDate": dt.datetime(2024, 2, 1, tzinfo=dt.timezone.utc)}]}
    result = ec2.get_flow_logs_integration_template(
        FlowLogId=fl, ConfigDeliveryS3DestinationArn=BUCKET + "/cfn",
        IntegrateServices=athena)["Result"]
    template = json.loads(result)
    kinds = {r["Type"] for r in template["Resources"].values()}
    assert kinds == {"AWS::Glue::Table", "AWS::Lambda::Function", "AWS::Athena::NamedQuery"}
    table = template["Resources"]["AthenaTable1"]["Properties"]["TableInput"]
    assert "srcaddr" in [c["Name"] for c in table["StorageDescriptor"]["Columns"]]
    assert fails(ec2.get_flow_logs_integration_template, FlowLogId=fl,
                 ConfigDeliveryS3DestinationArn="not-an-arn",
                 IntegrateServices=athena)[0] == "InvalidParameterValue"
    assert fails(ec2.get_flow_logs_integration_template, FlowLogId="fl-0123456789abcdef0",
                 ConfigDeliveryS3DestinationArn=BUCKET,
                 IntegrateServices=athena)[0] == "InvalidFlowLogId.NotFound"


def test_integration_template_needs_s3_delivery(ec2, vpc):
    fl = ec2.create_flow_logs(ResourceIds=[vpc], ResourceType="VPC", TrafficType="ALL",
                              LogGroupName="g",
                              DeliverLogsPermissionArn="arn:aws:iam::123456789012:role/fl")[
        "FlowLogIds"][0]
    assert fails(ec2.get_flow_logs_integration_template, FlowLogId=fl,
                 ConfigDeliveryS3DestinationArn=BUCKET, IntegrateServices={
                     "AthenaIntegrations": [{"IntegrationResultS3DestinationArn": BUCKET,
                                             "PartitionLoadFrequency": "none"}]})[0] == \
        "InvalidParameterValue"


# -- security group quotas ----------------------------------------------------------------------
def test_validate_security_group_quotas(ec2, vpc):
    groups = [ec2.create_security_group(GroupName=f"g{n}", Description="g", VpcId=vpc)["GroupId"]
              for n in range(6)]
    assert ec2.validate_security_group_quotas_for_interface(
        SecurityGroupIds=groups[:5])["Valid"] is True
    assert fails(ec2.validate_security_group_quotas_for_interface,
                 SecurityGroupIds=groups)[0] == "SecurityGroupsPerInterfaceLimitExceeded"
    assert fails(ec2.validate_security_group_quotas_for_interface,
                 SecurityGroupIds=[groups[0], groups[0]])[0] == "InvalidParameterValue"
    assert fails(ec2.validate_security_group_quotas_for_interface,
                 SecurityGroupIds=["sg-0123456789abcdef0"])[0] == "InvalidGroup.NotFound"


def test_leftovers_over_the_server(server_ec2):
    assert server_ec2.describe_moving_addresses()["MovingAddressStatuses"] == []
    assert server_ec2.describe_classic_link_instances()["Instances"] == []
    assert server_ec2.describe_vpc_endpoint_associations()["VpcEndpointAssociations"] == []
