"""EC2 Instance Connect Endpoints through boto3, in-process and against the server."""
from __future__ import annotations

from typing import Any

import pytest

from helpers import fails

MISSING = "eice-0123456789abcdef0"


def endpoints(ec2: Any, **kwargs: Any) -> list[dict[str, Any]]:
    return ec2.describe_instance_connect_endpoints(**kwargs)["InstanceConnectEndpoints"]


def interfaces_in(ec2: Any, subnet: str) -> list[dict[str, Any]]:
    return ec2.describe_network_interfaces(Filters=[
        {"Name": "subnet-id", "Values": [subnet]}])["NetworkInterfaces"]


def test_create_answers_in_progress_with_an_interface_in_the_subnet(ec2, vpc, subnet):
    answer = ec2.create_instance_connect_endpoint(
        SubnetId=subnet, TagSpecifications=[{"ResourceType": "instance-connect-endpoint",
                                             "Tags": [{"Key": "Name", "Value": "ssh"}]}])
    made = answer["InstanceConnectEndpoint"]
    eice = made["InstanceConnectEndpointId"]
    assert eice.startswith("eice-")
    assert made["State"] == "create-in-progress"
    assert (made["VpcId"], made["SubnetId"], made["AvailabilityZone"]) == \
        (vpc, subnet, "us-east-1a")
    assert made["PreserveClientIp"] is False and made["IpAddressType"] == "ipv4"
    assert made["InstanceConnectEndpointArn"] == \
        f"arn:aws:ec2:us-east-1:123456789012:instance-connect-endpoint/{eice}"
    assert made["Tags"] == [{"Key": "Name", "Value": "ssh"}]
    [eni] = interfaces_in(ec2, subnet)
    assert made["NetworkInterfaceIds"] == [eni["NetworkInterfaceId"]]
    assert eni["RequesterManaged"] is True
    assert eni["InterfaceType"] == "ec2_instance_connect_endpoint"
    default = eni["Groups"][0]["GroupId"]
    assert made["SecurityGroupIds"] == [default]
    [shown] = endpoints(ec2)
    assert shown["State"] == "create-complete"
    assert fails(ec2.delete_subnet, SubnetId=subnet)[0] == "DependencyViolation"


def test_create_refuses_and_makes_nothing(ec2, vpc, subnet):
    create = ec2.create_instance_connect_endpoint
    assert fails(create, SubnetId="subnet-0123456789abcdef0")[0] == "InvalidSubnetID.NotFound"
    assert fails(create, SubnetId=subnet, SecurityGroupIds=["sg-0123456789abcdef0"])[0] == \
        "InvalidGroup.NotFound"
    assert fails(create, SubnetId=subnet, IpAddressType="ipv6")[0] == "InvalidParameterValue"
    assert endpoints(ec2) == [] and interfaces_in(ec2, subnet) == []
    create(SubnetId=subnet)
    other = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24",
                              AvailabilityZone="us-east-1b")["Subnet"]["SubnetId"]
    assert fails(create, SubnetId=other)[0] == "ResourceLimitExceeded"   # one per VPC


def test_modify_groups_and_client_ip(ec2, vpc, subnet):
    eice = ec2.create_instance_connect_endpoint(SubnetId=subnet)["InstanceConnectEndpoint"][
        "InstanceConnectEndpointId"]
    group = ec2.create_security_group(GroupName="eice", Description="d", VpcId=vpc)["GroupId"]
    assert ec2.modify_instance_connect_endpoint(
        InstanceConnectEndpointId=eice, SecurityGroupIds=[group],
        PreserveClientIp=True)["Return"] is True
    [shown] = endpoints(ec2, InstanceConnectEndpointIds=[eice])
    assert (shown["SecurityGroupIds"], shown["PreserveClientIp"]) == ([group], True)
    assert [g["GroupId"] for g in interfaces_in(ec2, subnet)[0]["Groups"]] == [group]
    assert fails(ec2.modify_instance_connect_endpoint, InstanceConnectEndpointId=eice,
                 IpAddressType="dualstack")[0] in ("InvalidParameterValue",
                                                   "InvalidParameterCombination")
    assert fails(ec2.modify_instance_connect_endpoint, InstanceConnectEndpointId=MISSING,
                 PreserveClientIp=False)[0] == "InvalidInstanceConnectEndpointId.NotFound"


def test_delete_answers_in_progress_and_removes_the_interface(ec2, subnet):
    eice = ec2.create_instance_connect_endpoint(SubnetId=subnet)["InstanceConnectEndpoint"][
        "InstanceConnectEndpointId"]
    gone = ec2.delete_instance_connect_endpoint(InstanceConnectEndpointId=eice)[
        "InstanceConnectEndpoint"]
    assert (gone["InstanceConnectEndpointId"], gone["State"]) == (eice, "delete-in-progress")
    assert endpoints(ec2) == [] and interfaces_in(ec2, subnet) == []
    assert fails(ec2.delete_instance_connect_endpoint, InstanceConnectEndpointId=eice)[0] == \
        "InvalidInstanceConnectEndpointId.NotFound"
    assert fails(ec2.delete_instance_connect_endpoint, InstanceConnectEndpointId="eice-1")[0] \
        == "InvalidInstanceConnectEndpointId.Malformed"
    ec2.delete_subnet(SubnetId=subnet)


@pytest.mark.parametrize("name, value", [("state", "create-complete"), ("subnet-id", None),
                                         ("tag:team", "blue")])
def test_describe_filters(ec2, subnet, name, value):
    eice = ec2.create_instance_connect_endpoint(SubnetId=subnet, TagSpecifications=[
        {"ResourceType": "instance-connect-endpoint",
         "Tags": [{"Key": "team", "Value": "blue"}]}])["InstanceConnectEndpoint"][
        "InstanceConnectEndpointId"]
    found = endpoints(ec2, Filters=[{"Name": name, "Values": [value or subnet]}])
    assert [e["InstanceConnectEndpointId"] for e in found] == [eice]
    assert endpoints(ec2, Filters=[{"Name": name, "Values": ["nothing"]}]) == []


def test_against_the_server(server_ec2):
    ec2 = server_ec2
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    sub = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/24")["Subnet"]["SubnetId"]
    eice = ec2.create_instance_connect_endpoint(SubnetId=sub, PreserveClientIp=True)[
        "InstanceConnectEndpoint"]
    assert eice["State"] == "create-in-progress" and eice["PreserveClientIp"] is True
    assert endpoints(ec2)[0]["State"] == "create-complete"
    assert fails(ec2.describe_instance_connect_endpoints,
                 InstanceConnectEndpointIds=[MISSING])[0] == \
        "InvalidInstanceConnectEndpointId.NotFound"
    ec2.delete_instance_connect_endpoint(
        InstanceConnectEndpointId=eice["InstanceConnectEndpointId"])
    assert endpoints(ec2) == []
