"""VPC endpoint connection notifications, payer responsibility, and the DNS-name options of
instances and network interfaces, through boto3 in-process and against the server."""
from __future__ import annotations

from typing import Any

import pytest

from helpers import fails

NLB = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/web/0123456789abcdef"
TOPIC = "arn:aws:sns:us-east-1:123456789012:endpoint-events"
AMI = "ami-057c3ffbeeff55523"
MISSING = "vpce-nfn-0123456789abcdef0"


def new_service(ec2: Any) -> str:
    return ec2.create_vpc_endpoint_service_configuration(NetworkLoadBalancerArns=[NLB])[
        "ServiceConfiguration"]["ServiceId"]


def notify(ec2: Any, **target: Any) -> dict[str, Any]:
    return ec2.create_vpc_endpoint_connection_notification(
        ConnectionNotificationArn=TOPIC, ConnectionEvents=["Accept", "Reject"], **target)[
        "ConnectionNotification"]


def notifications(ec2: Any, **kwargs: Any) -> list[dict[str, Any]]:
    return ec2.describe_vpc_endpoint_connection_notifications(**kwargs)[
        "ConnectionNotificationSet"]


@pytest.fixture
def interface_endpoint(ec2, vpc, subnet) -> str:
    return ec2.create_vpc_endpoint(VpcId=vpc, VpcEndpointType="Interface", SubnetIds=[subnet],
                                   ServiceName="com.amazonaws.us-east-1.ec2",
                                   PrivateDnsEnabled=False)["VpcEndpoint"][
        "VpcEndpointId"]


def test_notification_for_a_service(ec2):
    svc = new_service(ec2)
    made = notify(ec2, ServiceId=svc)
    assert made["ConnectionNotificationId"].startswith("vpce-nfn-")
    assert (made["ServiceId"], made["ConnectionNotificationArn"], made["ConnectionEvents"],
            made["ConnectionNotificationType"], made["ConnectionNotificationState"]) == \
        (svc, TOPIC, ["Accept", "Reject"], "Topic", "Enabled")
    assert "VpcEndpointId" not in made
    assert notifications(ec2) == [made]


def test_notification_for_an_interface_endpoint(ec2, interface_endpoint):
    made = notify(ec2, VpcEndpointId=interface_endpoint)
    assert made["VpcEndpointId"] == interface_endpoint
    found = notifications(ec2, Filters=[{"Name": "vpc-endpoint-id",
                                         "Values": [interface_endpoint]}])
    assert [n["ConnectionNotificationId"] for n in found] == [made["ConnectionNotificationId"]]
    # the notification goes with the endpoint it watches
    ec2.delete_vpc_endpoints(VpcEndpointIds=[interface_endpoint])
    assert notifications(ec2) == []


def test_create_refuses_and_makes_nothing(ec2, vpc, interface_endpoint):
    svc = new_service(ec2)
    create = ec2.create_vpc_endpoint_connection_notification
    assert fails(create, ConnectionNotificationArn=TOPIC, ConnectionEvents=["Accept"])[0] == \
        "InvalidParameterCombination"
    assert fails(create, ConnectionNotificationArn=TOPIC, ConnectionEvents=["Accept"],
                 ServiceId=svc, VpcEndpointId=interface_endpoint)[0] == \
        "InvalidParameterCombination"
    assert fails(create, ConnectionNotificationArn="arn:aws:sqs:us-east-1:123456789012:q",
                 ConnectionEvents=["Accept"], ServiceId=svc)[0] == "InvalidParameterValue"
    assert fails(create, ConnectionNotificationArn=TOPIC, ConnectionEvents=["Explode"],
                 ServiceId=svc)[0] == "InvalidParameterValue"
    assert fails(create, ConnectionNotificationArn=TOPIC, ConnectionEvents=["Connect"],
                 VpcEndpointId=interface_endpoint)[0] == "InvalidParameterValue"
    gateway = ec2.create_vpc_endpoint(VpcId=vpc, ServiceName="com.amazonaws.us-east-1.s3")[
        "VpcEndpoint"]["VpcEndpointId"]
    assert fails(create, ConnectionNotificationArn=TOPIC, ConnectionEvents=["Accept"],
                 VpcEndpointId=gateway)[0] == "InvalidParameterValue"
    assert fails(create, ConnectionNotificationArn=TOPIC, ConnectionEvents=["Accept"],
                 ServiceId="vpce-svc-0123456789abcdef0")[0] == \
        "InvalidVpcEndpointServiceId.NotFound"
    assert notifications(ec2) == []


def test_modify_and_delete(ec2):
    nfn = notify(ec2, ServiceId=new_service(ec2))["ConnectionNotificationId"]
    assert ec2.modify_vpc_endpoint_connection_notification(
        ConnectionNotificationId=nfn, ConnectionEvents=["Connect", "Delete"])["ReturnValue"]
    assert notifications(ec2, ConnectionNotificationId=nfn)[0]["ConnectionEvents"] == [
        "Connect", "Delete"]
    assert fails(ec2.modify_vpc_endpoint_connection_notification,
                 ConnectionNotificationId=MISSING, ConnectionEvents=["Accept"])[0] == \
        "InvalidConnectionNotification"
    failed = ec2.delete_vpc_endpoint_connection_notifications(
        ConnectionNotificationIds=[nfn, MISSING])["Unsuccessful"]
    assert [(f["ResourceId"], f["Error"]["Code"]) for f in failed] == [
        (MISSING, "InvalidConnectionNotification")]
    assert notifications(ec2) == []
    assert fails(notifications, ec2, ConnectionNotificationId=nfn)[0] == \
        "InvalidConnectionNotification"


# -- who pays -------------------------------------------------------------------------------------
def test_payer_responsibility(ec2, interface_endpoint):
    svc = new_service(ec2)
    assert ec2.modify_vpc_endpoint_service_payer_responsibility(
        ServiceId=svc, PayerResponsibility="ServiceOwner")["ReturnValue"] is True
    assert fails(ec2.modify_vpc_endpoint_service_payer_responsibility,
                 ServiceId="vpce-svc-0123456789abcdef0",
                 PayerResponsibility="ServiceOwner")[0] == "InvalidVpcEndpointServiceId.NotFound"
    answer = ec2.modify_vpc_endpoint_payer_responsibility(
        VpcEndpointId=interface_endpoint, PayerResponsibility="vpc-endpoint-service-account",
        Scope="vpc-endpoint-charges")
    assert answer["VpcEndpointId"] == interface_endpoint
    assert answer["PayerResponsibilities"] == [
        {"Scope": "vpc-endpoint-charges",
         "PayerResponsibilityType": "vpc-endpoint-service-account"}]
    assert fails(ec2.modify_vpc_endpoint_payer_responsibility,
                 VpcEndpointId=interface_endpoint, PayerResponsibility="resource-gateway-account",
                 Scope="vpc-endpoint-charges")[0] == "InvalidParameterValue"
    assert fails(ec2.modify_vpc_endpoint_payer_responsibility,
                 VpcEndpointId="vpce-0123456789abcdef0",
                 PayerResponsibility="vpc-endpoint-account",
                 Scope="vpc-endpoint-charges")[0] == "InvalidVpcEndpointId.NotFound"


# -- DNS-name options -----------------------------------------------------------------------------
def test_private_dns_name_options_of_an_instance(ec2, subnet):
    iid = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, SubnetId=subnet)[
        "Instances"][0]["InstanceId"]
    assert ec2.modify_private_dns_name_options(
        InstanceId=iid, EnableResourceNameDnsARecord=True)["Return"] is True

    def options() -> dict[str, Any]:
        return ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0][
            "PrivateDnsNameOptions"]
    assert options()["EnableResourceNameDnsARecord"] is True
    # the hostname type changes only while stopped
    assert fails(ec2.modify_private_dns_name_options, InstanceId=iid,
                 PrivateDnsHostnameType="resource-name")[0] == "IncorrectInstanceState"
    ec2.stop_instances(InstanceIds=[iid])
    ec2.modify_private_dns_name_options(InstanceId=iid, PrivateDnsHostnameType="resource-name")
    assert options()["HostnameType"] == "resource-name"
    assert fails(ec2.modify_private_dns_name_options, InstanceId=iid,
                 EnableResourceNameDnsAAAARecord=True)[0] == "InvalidParameterValue"  # no IPv6
    assert fails(ec2.modify_private_dns_name_options, InstanceId="i-0123456789abcdef0",
                 EnableResourceNameDnsARecord=True)[0] == "InvalidInstanceID.NotFound"


def test_public_ip_dns_name_options_of_an_interface(ec2, subnet):
    eni = ec2.create_network_interface(SubnetId=subnet)["NetworkInterface"]["NetworkInterfaceId"]
    assert ec2.modify_public_ip_dns_name_options(
        NetworkInterfaceId=eni, HostnameType="public-ipv4-dns-name")["Successful"] is True
    shown = ec2.describe_network_interfaces(NetworkInterfaceIds=[eni])["NetworkInterfaces"][0]
    assert shown["PublicIpDnsNameOptions"]["DnsHostnameType"] == "public-ipv4-dns-name"
    assert fails(ec2.modify_public_ip_dns_name_options, NetworkInterfaceId=eni,
                 HostnameType="public-ipv6-dns-name")[0] == "InvalidParameterValue"
    assert fails(ec2.modify_public_ip_dns_name_options, NetworkInterfaceId="eni-0123456789abcdef0",
                 HostnameType="public-ipv4-dns-name")[0] == "InvalidNetworkInterfaceID.NotFound"


def test_notifications_against_the_server(server_ec2):
    svc = new_service(server_ec2)
    nfn = notify(server_ec2, ServiceId=svc)["ConnectionNotificationId"]
    assert [n["ConnectionNotificationId"] for n in notifications(server_ec2)] == [nfn]
    assert server_ec2.delete_vpc_endpoint_connection_notifications(
        ConnectionNotificationIds=[nfn])["Unsuccessful"] == []


def test_describe_pages_and_filters(ec2):
    svc = new_service(ec2)
    made = [notify(ec2, ServiceId=svc)["ConnectionNotificationId"] for _ in range(3)]
    first = ec2.describe_vpc_endpoint_connection_notifications(MaxResults=2)
    rest = ec2.describe_vpc_endpoint_connection_notifications(MaxResults=2,
                                                              NextToken=first["NextToken"])
    walked = [n["ConnectionNotificationId"] for page in (first, rest)
              for n in page["ConnectionNotificationSet"]]
    assert walked == made and "NextToken" not in rest
    assert len(notifications(ec2, Filters=[{"Name": "service-id", "Values": [svc]}])) == 3
    assert notifications(ec2, Filters=[{"Name": "connection-notification-state",
                                        "Values": ["Disabled"]}]) == []
