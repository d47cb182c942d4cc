"""Network interface operations through boto3, in-process and against the server."""
from __future__ import annotations

import re

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from netaddr import IPAddress, IPNetwork

from topology.network import network_interfaces as enis
from helpers import available, error

ACCOUNT = "123456789012"


@pytest.fixture
def subnet6(ec2) -> str:
    """A dual-stack subnet (its VPC has an Amazon IPv6 /56; the subnet its first /64)."""
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]
    block = IPNetwork(vpc["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"])
    return ec2.create_subnet(VpcId=vpc["VpcId"], CidrBlock="10.1.0.0/24",
                             Ipv6CidrBlock=str(IPNetwork((block.first, 64), version=6)),
                             AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]


def create(ec2, subnet: str, **kwargs) -> dict:
    return ec2.create_network_interface(SubnetId=subnet, **kwargs)["NetworkInterface"]


def describe(ec2, eni_id: str) -> dict:
    return ec2.describe_network_interfaces(NetworkInterfaceIds=[eni_id])["NetworkInterfaces"][0]


def ids(ec2, **kwargs) -> list[str]:
    return [n["NetworkInterfaceId"]
            for n in ec2.describe_network_interfaces(**kwargs)["NetworkInterfaces"]]


def launch(mock, ec2, subnet: str, *, state: str = "running",
           instance_type: str = "t3.micro") -> tuple[str, str]:
    """A minimal instance in `subnet` with a primary interface at device index 0, built in
    the world directly (these tests are about interfaces, not RunInstances)."""
    world = mock.world
    part = world.partition(ACCOUNT, "us-east-1")
    zone = ec2.describe_subnets(SubnetIds=[subnet])["Subnets"][0]["AvailabilityZone"]
    instance_id = world.new_id("i")
    world.add(part, "instance", instance_id, InstanceType=instance_type,
              Placement={"AvailabilityZone": zone}, State={"Code": 16, "Name": state})
    eni_id = enis.create(world, part, subnet)
    enis.attach(world, part, eni_id, instance_id, 0, delete_on_termination=True, launching=True)
    return instance_id, eni_id


# -- create ---------------------------------------------------------------------------------
def test_create_network_interface_like_aws(ec2, vpc, subnet):
    eni = create(ec2, subnet, Description="web", TagSpecifications=[
        {"ResourceType": "network-interface", "Tags": [{"Key": "Name", "Value": "a"}]}])
    assert re.fullmatch(r"eni-[0-9a-f]{17}", eni["NetworkInterfaceId"])
    assert eni["Status"] == "pending"               # the create answer; describe says available
    assert eni["PrivateIpAddress"] == "10.0.0.4"    # the first address AWS does not reserve
    assert eni["PrivateDnsName"] == "ip-10-0-0-4.ec2.internal"
    assert eni["PrivateIpAddresses"] == [{"Primary": True, "PrivateIpAddress": "10.0.0.4",
                                          "PrivateDnsName": "ip-10-0-0-4.ec2.internal"}]
    default = ec2.describe_security_groups(Filters=[
        {"Name": "vpc-id", "Values": [vpc]}, {"Name": "group-name", "Values": ["default"]}]
    )["SecurityGroups"][0]["GroupId"]
    assert eni["Groups"] == [{"GroupId": default, "GroupName": "default"}]
    assert (eni["VpcId"], eni["SubnetId"], eni["AvailabilityZone"]) == (vpc, subnet, "us-east-1a")
    assert eni["AvailabilityZoneId"] == "use1-az1"
    assert eni["Description"] == "web" and eni["InterfaceType"] == "interface"
    assert eni["RequesterManaged"] is False and eni["SourceDestCheck"] is True
    assert eni["OwnerId"] == ACCOUNT and eni["Ipv6Addresses"] == []
    assert eni["TagSet"] == [{"Key": "Name", "Value": "a"}]
    assert "Attachment" not in eni and "Association" not in eni
    mac = eni["MacAddress"]
    assert re.fullmatch(r"([0-9a-f]{2}:){5}[0-9a-f]{2}", mac)
    assert int(mac[:2], 16) & 0x03 == 0x02           # unicast, locally administered
    assert describe(ec2, eni["NetworkInterfaceId"]) == {**eni, "Status": "available"}


def test_private_dns_name_outside_us_east_1():
    from api import mock_ec2

    with mock_ec2():
        ec2 = boto3.client("ec2", region_name="eu-west-1")
        subnet = ec2.describe_subnets()["Subnets"][0]
        eni = create(ec2, subnet["SubnetId"])
        ip = eni["PrivateIpAddress"]
        assert eni["PrivateDnsName"] == f"ip-{ip.replace('.', '-')}.eu-west-1.compute.internal"


def test_addresses_come_in_order_and_never_twice(ec2, subnet):
    first = [create(ec2, subnet)["PrivateIpAddress"] for _ in range(3)]
    assert first == ["10.0.0.4", "10.0.0.5", "10.0.0.6"]
    eni = create(ec2, subnet, PrivateIpAddress="10.0.0.8")
    assert create(ec2, subnet)["PrivateIpAddress"] == "10.0.0.7"
    assert create(ec2, subnet)["PrivateIpAddress"] == "10.0.0.9"    # 10.0.0.8 is taken
    ec2.delete_network_interface(NetworkInterfaceId=eni["NetworkInterfaceId"])
    assert available(ec2, subnet) == 251 - 5


@pytest.mark.parametrize("ip, code, message", [
    ("10.0.1.5", "InvalidParameterValue",
     "Address does not fall within the subnet's address range"),
    ("10.0.0.2", "InvalidParameterValue", "Address is in subnet's reserved address range"),
    ("10.0.0.255", "InvalidParameterValue", "Address is in subnet's reserved address range"),
    ("nonsense", "InvalidParameterValue",
     "Value (nonsense) for parameter privateIpAddress is invalid. This is not a valid IP address."),
])
def test_explicit_address_must_be_usable(ec2, subnet, ip, code, message):
    with pytest.raises(ClientError) as exc:
        create(ec2, subnet, PrivateIpAddress=ip)
    assert error(exc) == (code, message)
    assert ids(ec2, Filters=[{"Name": "subnet-id", "Values": [subnet]}]) == []


def test_explicit_address_in_use(ec2, subnet):
    create(ec2, subnet, PrivateIpAddress="10.0.0.5")
    with pytest.raises(ClientError) as exc:
        create(ec2, subnet, PrivateIpAddress="10.0.0.5")
    assert error(exc) == ("InvalidIPAddress.InUse", "The specified address is already in use.")
    with pytest.raises(ClientError) as exc:
        create(ec2, subnet, PrivateIpAddresses=[{"PrivateIpAddress": "10.0.0.20", "Primary": True},
                                                {"PrivateIpAddress": "10.0.0.5"}])
    assert error(exc) == ("InvalidParameterValue", "Address 10.0.0.5 is in use.")
    assert len(ids(ec2, Filters=[{"Name": "subnet-id", "Values": [subnet]}])) == 1
    assert available(ec2, subnet) == 250


def test_same_address_in_another_vpc(ec2, subnet):
    other_vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    other = ec2.create_subnet(VpcId=other_vpc, CidrBlock="10.0.0.0/24")["Subnet"]["SubnetId"]
    a = create(ec2, subnet, PrivateIpAddress="10.0.0.50")
    b = create(ec2, other, PrivateIpAddress="10.0.0.50")
    found = ids(ec2, Filters=[{"Name": "private-ip-address", "Values": ["10.0.0.50"]}])
    assert found == [a["NetworkInterfaceId"], b["NetworkInterfaceId"]]


def test_secondary_addresses(ec2, subnet):
    eni = create(ec2, subnet, SecondaryPrivateIpAddressCount=2)
    assert [(p["PrivateIpAddress"], p["Primary"]) for p in eni["PrivateIpAddresses"]] == [
        ("10.0.0.4", True), ("10.0.0.5", False), ("10.0.0.6", False)]
    listed = create(ec2, subnet, PrivateIpAddresses=[
        {"PrivateIpAddress": "10.0.0.30"}, {"PrivateIpAddress": "10.0.0.31", "Primary": True}])
    assert listed["PrivateIpAddress"] == "10.0.0.31"
    assert [p["PrivateIpAddress"] for p in listed["PrivateIpAddresses"]] == ["10.0.0.31",
                                                                             "10.0.0.30"]
    both = create(ec2, subnet, PrivateIpAddress="10.0.0.40",
                  PrivateIpAddresses=[{"PrivateIpAddress": "10.0.0.41"}])
    assert [p["PrivateIpAddress"] for p in both["PrivateIpAddresses"]] == ["10.0.0.40", "10.0.0.41"]
    assert available(ec2, subnet) == 251 - 7


def test_secondary_combinations_refused(ec2, subnet):
    with pytest.raises(ClientError) as exc:
        create(ec2, subnet, SecondaryPrivateIpAddressCount=1, PrivateIpAddresses=[
            {"PrivateIpAddress": "10.0.0.30"}, {"PrivateIpAddress": "10.0.0.31"}])
    assert error(exc)[0] == "InvalidParameterCombination"
    with pytest.raises(ClientError) as exc:
        create(ec2, subnet, PrivateIpAddresses=[
            {"PrivateIpAddress": "10.0.0.30", "Primary": True},
            {"PrivateIpAddress": "10.0.0.31", "Primary": True}])
    assert error(exc)[0] == "InvalidParameterValue"
    with pytest.raises(ClientError) as exc:
        create(ec2, subnet, SecondaryPrivateIpAddressCount=60)
    assert error(exc) == ("PrivateIpAddressLimitExceeded",
                          "Number of private addresses will exceed limit.")
    assert available(ec2, subnet) == 251


def test_full_subnet(ec2, vpc):
    small = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.9.0/28")["Subnet"]["SubnetId"]
    made = [create(ec2, small)["NetworkInterfaceId"] for _ in range(11)]
    assert available(ec2, small) == 0
    with pytest.raises(ClientError) as exc:
        create(ec2, small)
    assert error(exc)[0] == "InsufficientFreeAddressesInSubnet"
    with pytest.raises(ClientError) as exc:
        ec2.assign_private_ip_addresses(NetworkInterfaceId=made[0],
                                        SecondaryPrivateIpAddressCount=1)
    assert error(exc)[0] == "InsufficientFreeAddressesInSubnet"
    ec2.delete_network_interface(NetworkInterfaceId=made[3])
    assert available(ec2, small) == 1
    assert create(ec2, small)["PrivateIpAddress"] == "10.0.9.7"
    addresses = [p["PrivateIpAddress"] for n in ec2.describe_network_interfaces(
        Filters=[{"Name": "subnet-id", "Values": [small]}])["NetworkInterfaces"]
        for p in n["PrivateIpAddresses"]]
    assert sorted(addresses, key=IPAddress) == [f"10.0.9.{i}" for i in range(4, 15)]


def test_ipv6_addresses(ec2, subnet6, subnet):
    net = IPNetwork(ec2.describe_subnets(SubnetIds=[subnet6])["Subnets"][0]
                    ["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"])
    eni = create(ec2, subnet6, Ipv6AddressCount=2)
    got = [a["Ipv6Address"] for a in eni["Ipv6Addresses"]]
    assert len(set(got)) == 2 and all(IPAddress(a) in net for a in got)
    assert all(a["IsPrimaryIpv6"] is False for a in eni["Ipv6Addresses"])
    chosen = str(IPAddress(net.first + 100, 6))
    explicit = create(ec2, subnet6, Ipv6Addresses=[{"Ipv6Address": chosen}])
    assert [a["Ipv6Address"] for a in explicit["Ipv6Addresses"]] == [chosen]
    with pytest.raises(ClientError) as exc:
        create(ec2, subnet6, Ipv6Addresses=[{"Ipv6Address": chosen}])
    assert error(exc) == ("InvalidIPAddress.InUse", f"Address {chosen} is in use.")
    with pytest.raises(ClientError) as exc:
        create(ec2, subnet6, Ipv6Addresses=[{"Ipv6Address": "2001:db8::5"}])
    assert error(exc) == ("InvalidParameterValue",
                          "Address does not fall within the subnet's address range")
    with pytest.raises(ClientError) as exc:
        create(ec2, subnet, Ipv6AddressCount=1)
    assert error(exc)[0] == "InvalidParameterValue" and subnet in error(exc)[1]
    assert ids(ec2, Filters=[{"Name": "ipv6-addresses.ipv6-address", "Values": [chosen]}]) == [
        explicit["NetworkInterfaceId"]]


def test_subnet_assigns_ipv6_on_creation(ec2, subnet6):
    ec2.modify_subnet_attribute(SubnetId=subnet6, AssignIpv6AddressOnCreation={"Value": True})
    assert len(create(ec2, subnet6)["Ipv6Addresses"]) == 1
    assert create(ec2, subnet6, Ipv6AddressCount=0)["Ipv6Addresses"] == []


def test_groups(ec2, vpc, subnet):
    sg = ec2.create_security_group(GroupName="web", Description="w", VpcId=vpc)["GroupId"]
    eni = create(ec2, subnet, Groups=[sg, sg])
    assert eni["Groups"] == [{"GroupId": sg, "GroupName": "web"}]
    other = ec2.create_vpc(CidrBlock="10.5.0.0/16")["Vpc"]["VpcId"]
    foreign = ec2.create_security_group(GroupName="x", Description="x", VpcId=other)["GroupId"]
    with pytest.raises(ClientError) as exc:
        create(ec2, subnet, Groups=[foreign])
    assert error(exc) == ("InvalidGroup.NotFound",
                          f"The security group '{foreign}' does not exist in this VPC.")
    with pytest.raises(ClientError) as exc:
        create(ec2, subnet, Groups=["sg-0123456789abcdef0"])
    assert error(exc) == ("InvalidGroup.NotFound",
                          "The security group 'sg-0123456789abcdef0' does not exist")
    many = [ec2.create_security_group(GroupName=f"g{i}", Description="g", VpcId=vpc)["GroupId"]
            for i in range(6)]
    with pytest.raises(ClientError) as exc:
        create(ec2, subnet, Groups=many)
    assert error(exc)[0] == "SecurityGroupsPerInterfaceLimitExceeded"
    assert ids(ec2, Filters=[{"Name": "subnet-id", "Values": [subnet]}]) == [
        eni["NetworkInterfaceId"]]
    with pytest.raises(ClientError) as exc:
        ec2.delete_security_group(GroupId=sg)
    assert error(exc)[0] == "DependencyViolation"


def test_create_validates_before_changing_anything(ec2, subnet):
    with pytest.raises(ClientError) as exc:
        create(ec2, subnet, TagSpecifications=[{"ResourceType": "instance",
                                                "Tags": [{"Key": "a", "Value": "b"}]}])
    assert error(exc)[0] == "InvalidParameterValue"
    with pytest.raises(ClientError) as exc:
        create(ec2, "subnet-0123456789abcdef0")
    assert error(exc) == ("InvalidSubnetID.NotFound",
                          "The subnet ID 'subnet-0123456789abcdef0' does not exist")
    with pytest.raises(ClientError) as exc:
        create(ec2, subnet, DryRun=True)
    assert error(exc)[0] == "DryRunOperation"
    assert ids(ec2, Filters=[{"Name": "subnet-id", "Values": [subnet]}]) == []
    assert available(ec2, subnet) == 251
    assert create(ec2, subnet)["PrivateIpAddress"] == "10.0.0.4"


def test_client_token_is_idempotent(ec2, subnet):
    first = ec2.create_network_interface(SubnetId=subnet, ClientToken="tok")
    again = ec2.create_network_interface(SubnetId=subnet, ClientToken="tok")
    assert first["NetworkInterface"]["NetworkInterfaceId"] == \
        again["NetworkInterface"]["NetworkInterfaceId"]
    assert first["ClientToken"] == "tok"
    with pytest.raises(ClientError) as exc:
        ec2.create_network_interface(SubnetId=subnet, ClientToken="tok", Description="x")
    assert error(exc)[0] == "IdempotentParameterMismatch"
    assert len(ids(ec2, Filters=[{"Name": "subnet-id", "Values": [subnet]}])) == 1


# -- delete ---------------------------------------------------------------------------------
def test_delete_releases_addresses(ec2, subnet):
    eni = create(ec2, subnet, SecondaryPrivateIpAddressCount=3)["NetworkInterfaceId"]
    assert available(ec2, subnet) == 247
    ec2.delete_network_interface(NetworkInterfaceId=eni)
    assert available(ec2, subnet) == 251
    with pytest.raises(ClientError) as exc:
        describe(ec2, eni)
    assert error(exc) == ("InvalidNetworkInterfaceID.NotFound",
                          f"The networkInterface ID '{eni}' does not exist")
    assert ids(ec2, Filters=[{"Name": "private-ip-address", "Values": ["10.0.0.5"]}]) == []
    ec2.delete_subnet(SubnetId=subnet)


def test_delete_unknown_or_malformed(ec2):
    with pytest.raises(ClientError) as exc:
        ec2.delete_network_interface(NetworkInterfaceId="eni-0123456789abcdef0")
    assert error(exc) == ("InvalidNetworkInterfaceID.NotFound",
                          "The networkInterface ID 'eni-0123456789abcdef0' does not exist")
    with pytest.raises(ClientError) as exc:
        ec2.delete_network_interface(NetworkInterfaceId="nonsense")
    assert error(exc)[0] == "InvalidNetworkInterfaceID.Malformed"


def test_subnet_with_interface_cannot_be_deleted(ec2, subnet):
    create(ec2, subnet)
    with pytest.raises(ClientError) as exc:
        ec2.delete_subnet(SubnetId=subnet)
    assert error(exc)[0] == "DependencyViolation"


# -- attach / detach ------------------------------------------------------------------------
def test_attach_and_detach(mock, ec2, subnet):
    instance, primary = launch(mock, ec2, subnet)
    eni = create(ec2, subnet)["NetworkInterfaceId"]
    out = ec2.attach_network_interface(NetworkInterfaceId=eni, InstanceId=instance, DeviceIndex=1)
    assert re.fullmatch(r"eni-attach-[0-9a-f]{17}", out["AttachmentId"])
    assert out["NetworkCardIndex"] == 0
    found = describe(ec2, eni)
    assert found["Status"] == "in-use"
    attachment = found["Attachment"]
    assert attachment["AttachmentId"] == out["AttachmentId"]
    assert (attachment["InstanceId"], attachment["InstanceOwnerId"]) == (instance, ACCOUNT)
    assert (attachment["DeviceIndex"], attachment["Status"]) == (1, "attached")
    assert attachment["DeleteOnTermination"] is False and attachment["NetworkCardIndex"] == 0
    assert attachment["AttachTime"].tzinfo is not None
    assert describe(ec2, primary)["Attachment"]["DeleteOnTermination"] is True
    ec2.detach_network_interface(AttachmentId=out["AttachmentId"])
    found = describe(ec2, eni)
    assert found["Status"] == "available" and "Attachment" not in found
    ec2.delete_network_interface(NetworkInterfaceId=eni)


def test_attach_refusals(mock, ec2, vpc, subnet):
    instance, primary = launch(mock, ec2, subnet)
    eni = create(ec2, subnet)["NetworkInterfaceId"]
    with pytest.raises(ClientError) as exc:
        ec2.attach_network_interface(NetworkInterfaceId=eni, InstanceId=instance, DeviceIndex=0)
    assert error(exc) == ("InvalidParameterValue", f"Instance '{instance}' already has an "
                          "interface attached at device index '0'.")
    with pytest.raises(ClientError) as exc:
        ec2.attach_network_interface(NetworkInterfaceId=primary, InstanceId=instance,
                                     DeviceIndex=2)
    assert error(exc) == ("InvalidNetworkInterface.InUse", f"Interface: [{primary}] in use.")
    with pytest.raises(ClientError) as exc:
        ec2.attach_network_interface(NetworkInterfaceId=eni, InstanceId="i-0123456789abcdef0",
                                     DeviceIndex=1)
    assert error(exc) == ("InvalidInstanceID.NotFound",
                          "The instance ID 'i-0123456789abcdef0' does not exist")
    elsewhere = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.7.0/24",
                                  AvailabilityZone="us-east-1b")["Subnet"]["SubnetId"]
    far = create(ec2, elsewhere)["NetworkInterfaceId"]
    with pytest.raises(ClientError) as exc:
        ec2.attach_network_interface(NetworkInterfaceId=far, InstanceId=instance, DeviceIndex=1)
    assert error(exc)[0] == "InvalidParameterValue" and "availability zone" in error(exc)[1]
    with pytest.raises(ClientError) as exc:
        ec2.attach_network_interface(NetworkInterfaceId=eni, InstanceId=instance, DeviceIndex=1,
                                     DryRun=True)
    assert error(exc)[0] == "DryRunOperation"
    assert describe(ec2, eni)["Status"] == "available"
    with pytest.raises(ClientError) as exc:
        ec2.delete_network_interface(NetworkInterfaceId=primary)
    assert error(exc) == ("InvalidParameterValue",
                          f"Network interface '{primary}' is currently in use.")


def test_instance_type_limits_interfaces(mock, ec2, subnet):
    instance, _ = launch(mock, ec2, subnet, instance_type="t2.micro")   # two interfaces
    second = create(ec2, subnet)["NetworkInterfaceId"]
    ec2.attach_network_interface(NetworkInterfaceId=second, InstanceId=instance, DeviceIndex=1)
    third = create(ec2, subnet)["NetworkInterfaceId"]
    with pytest.raises(ClientError) as exc:
        ec2.attach_network_interface(NetworkInterfaceId=third, InstanceId=instance, DeviceIndex=2)
    assert error(exc) == ("AttachmentLimitExceeded", "Interface count 3 exceeds the limit for "
                          "t2.micro")
    with pytest.raises(ClientError) as exc:   # t2.micro: two addresses per interface
        ec2.assign_private_ip_addresses(NetworkInterfaceId=second,
                                        SecondaryPrivateIpAddressCount=2)
    assert error(exc)[0] == "PrivateIpAddressLimitExceeded"


def test_terminated_instance_takes_no_interface(mock, ec2, subnet):
    instance, _ = launch(mock, ec2, subnet, state="terminated")
    eni = create(ec2, subnet)["NetworkInterfaceId"]
    with pytest.raises(ClientError) as exc:
        ec2.attach_network_interface(NetworkInterfaceId=eni, InstanceId=instance, DeviceIndex=1)
    assert error(exc) == ("IncorrectInstanceState", f"The instance '{instance}' is not in a "
                          "valid state for this operation.")


def test_detach_refusals(mock, ec2, subnet):
    _, primary = launch(mock, ec2, subnet)
    attachment = describe(ec2, primary)["Attachment"]["AttachmentId"]
    for force in (False, True):
        with pytest.raises(ClientError) as exc:
            ec2.detach_network_interface(AttachmentId=attachment, Force=force)
        # AWS's words, as the console and users quote them
        assert error(exc) == ("OperationNotPermitted", "The network interface at device index 0 "
                              "and networkCard index 0 cannot be detached.")
    with pytest.raises(ClientError) as exc:
        ec2.detach_network_interface(AttachmentId="eni-attach-0123456789abcdef0")
    assert error(exc) == ("InvalidAttachmentID.NotFound",
                          "The attachment ID 'eni-attach-0123456789abcdef0' does not exist")
    with pytest.raises(ClientError) as exc:
        ec2.detach_network_interface(AttachmentId="eni-0123456789abcdef0")
    assert error(exc)[0] == "InvalidNetworkInterfaceAttachmentId.Malformed"
    assert describe(ec2, primary)["Status"] == "in-use"


def test_service_managed_interface(mock, ec2, subnet):
    world = mock.world
    part = world.partition(ACCOUNT, "us-east-1")
    eni = enis.create(world, part, subnet, requester_managed=True, requester_id="amazon-elb",
                      interface_type="interface", service_attachment=True)
    found = describe(ec2, eni)
    assert found["Status"] == "in-use" and found["RequesterManaged"] is True
    assert found["RequesterId"] == "amazon-elb"
    attachment = found["Attachment"]
    assert attachment["AttachmentId"].startswith("ela-attach-")
    assert attachment["InstanceOwnerId"] == "amazon-aws" and "InstanceId" not in attachment
    with pytest.raises(ClientError) as exc:
        ec2.detach_network_interface(AttachmentId=attachment["AttachmentId"])
    assert error(exc) == ("OperationNotPermitted",
                          "You are not allowed to manage 'ela-attach' attachments.")
    with pytest.raises(ClientError) as exc:
        ec2.delete_network_interface(NetworkInterfaceId=eni)
    assert error(exc)[0] == "InvalidParameterValue"
    assert ids(ec2, Filters=[{"Name": "requester-managed", "Values": ["true"]}]) == [eni]
    enis.delete(world, part, eni, service=True)
    assert ids(ec2, Filters=[{"Name": "requester-managed", "Values": ["true"]}]) == []


# -- attributes -----------------------------------------------------------------------------
def test_modify_and_describe_attributes(mock, ec2, vpc, subnet):
    eni = create(ec2, subnet, Description="one")["NetworkInterfaceId"]

    def attribute(name: str) -> dict:
        out = ec2.describe_network_interface_attribute(NetworkInterfaceId=eni, Attribute=name)
        assert out["NetworkInterfaceId"] == eni
        return out

    assert attribute("description")["Description"] == {"Value": "one"}
    ec2.modify_network_interface_attribute(NetworkInterfaceId=eni, Description={"Value": "two"})
    assert attribute("description")["Description"] == {"Value": "two"}
    ec2.modify_network_interface_attribute(NetworkInterfaceId=eni,
                                           SourceDestCheck={"Value": False})
    assert attribute("sourceDestCheck")["SourceDestCheck"] == {"Value": False}
    sg = ec2.create_security_group(GroupName="web", Description="w", VpcId=vpc)["GroupId"]
    ec2.modify_network_interface_attribute(NetworkInterfaceId=eni, Groups=[sg])
    assert attribute("groupSet")["Groups"] == [{"GroupId": sg, "GroupName": "web"}]
    assert "Attachment" not in attribute("attachment")
    assert attribute("associatePublicIpAddress")["AssociatePublicIpAddress"] is False
    instance, _ = launch(mock, ec2, subnet)
    attachment_id = ec2.attach_network_interface(NetworkInterfaceId=eni, InstanceId=instance,
                                                 DeviceIndex=1)["AttachmentId"]
    ec2.modify_network_interface_attribute(NetworkInterfaceId=eni, Attachment={
        "AttachmentId": attachment_id, "DeleteOnTermination": True})
    found = attribute("attachment")["Attachment"]
    assert (found["AttachmentId"], found["DeleteOnTermination"]) == (attachment_id, True)
    assert found["InstanceId"] == instance and found["DeviceIndex"] == 1
    assert describe(ec2, eni)["SourceDestCheck"] is False


def test_modify_attribute_refusals(ec2, vpc, subnet):
    eni = create(ec2, subnet)["NetworkInterfaceId"]
    cases = [
        ({}, "InvalidParameterCombination"),
        ({"Description": {}}, "InvalidParameterCombination"),
        ({"Description": {"Value": "x"}, "SourceDestCheck": {"Value": False}},
         "InvalidParameterCombination"),
        ({"Attachment": {"AttachmentId": "eni-attach-0123456789abcdef0"}}, "MissingParameter"),
        ({"Attachment": {"AttachmentId": "eni-attach-0123456789abcdef0",
                         "DeleteOnTermination": True}}, "InvalidAttachmentID.NotFound"),
        ({"Groups": ["sg-0123456789abcdef0"]}, "InvalidGroup.NotFound"),
    ]
    for kwargs, code in cases:
        with pytest.raises(ClientError) as exc:
            ec2.modify_network_interface_attribute(NetworkInterfaceId=eni, **kwargs)
        assert error(exc)[0] == code, kwargs
    with pytest.raises(ClientError) as exc:
        ec2.describe_network_interface_attribute(NetworkInterfaceId=eni)
    assert error(exc)[0] == "InvalidParameterCombination"
    with pytest.raises(ClientError) as exc:
        ec2.describe_network_interface_attribute(NetworkInterfaceId="eni-0123456789abcdef0",
                                                 Attribute="description")
    assert error(exc)[0] == "InvalidNetworkInterfaceID.NotFound"
    found = describe(ec2, eni)
    assert found["Description"] == "" and found["SourceDestCheck"] is True
    assert [g["GroupName"] for g in found["Groups"]] == ["default"]


# -- private IPv4 and IPv6 addresses --------------------------------------------------------
def test_assign_and_unassign_private_addresses(ec2, subnet):
    eni = create(ec2, subnet)["NetworkInterfaceId"]
    out = ec2.assign_private_ip_addresses(NetworkInterfaceId=eni, SecondaryPrivateIpAddressCount=2)
    assert out["AssignedPrivateIpAddresses"] == [{"PrivateIpAddress": "10.0.0.5"},
                                                 {"PrivateIpAddress": "10.0.0.6"}]
    ec2.assign_private_ip_addresses(NetworkInterfaceId=eni, PrivateIpAddresses=["10.0.0.20"])
    assert [p["PrivateIpAddress"] for p in describe(ec2, eni)["PrivateIpAddresses"]] == [
        "10.0.0.4", "10.0.0.5", "10.0.0.6", "10.0.0.20"]
    assert available(ec2, subnet) == 247
    ec2.unassign_private_ip_addresses(NetworkInterfaceId=eni,
                                      PrivateIpAddresses=["10.0.0.5", "10.0.0.20"])
    assert [p["PrivateIpAddress"] for p in describe(ec2, eni)["PrivateIpAddresses"]] == [
        "10.0.0.4", "10.0.0.6"]
    assert available(ec2, subnet) == 249
    with pytest.raises(ClientError) as exc:
        ec2.unassign_private_ip_addresses(NetworkInterfaceId=eni, PrivateIpAddresses=["10.0.0.4"])
    assert error(exc) == ("InvalidParameterValue", "Value (10.0.0.4) for parameter "
                          "PrivateIpAddresses is invalid. Primary IP address cannot be unassigned")
    with pytest.raises(ClientError) as exc:
        ec2.unassign_private_ip_addresses(NetworkInterfaceId=eni, PrivateIpAddresses=["10.0.0.99"])
    assert error(exc) == ("InvalidParameterValue", "Some of the specified addresses are not "
                          f"assigned to interface {eni}")
    with pytest.raises(ClientError) as exc:
        ec2.assign_private_ip_addresses(NetworkInterfaceId=eni)
    assert error(exc)[0] == "MissingParameter"
    with pytest.raises(ClientError) as exc:
        ec2.assign_private_ip_addresses(NetworkInterfaceId=eni, PrivateIpAddresses=["10.0.0.30"],
                                        SecondaryPrivateIpAddressCount=1)
    assert error(exc)[0] == "InvalidParameterCombination"
    assert available(ec2, subnet) == 249


def test_reassignment_moves_an_address(ec2, subnet):
    a = create(ec2, subnet, SecondaryPrivateIpAddressCount=1)["NetworkInterfaceId"]   # .4 .5
    b = create(ec2, subnet)["NetworkInterfaceId"]                                    # .6
    with pytest.raises(ClientError) as exc:
        ec2.assign_private_ip_addresses(NetworkInterfaceId=b, PrivateIpAddresses=["10.0.0.5"])
    assert error(exc) == ("InvalidIPAddress.InUse", "Address 10.0.0.5 is in use.")
    with pytest.raises(ClientError) as exc:
        ec2.assign_private_ip_addresses(NetworkInterfaceId=b, PrivateIpAddresses=["10.0.0.4"],
                                        AllowReassignment=True)
    assert error(exc)[0] == "InvalidParameterValue"           # a primary address never moves
    ec2.assign_private_ip_addresses(NetworkInterfaceId=b, PrivateIpAddresses=["10.0.0.5"],
                                    AllowReassignment=True)
    assert [p["PrivateIpAddress"] for p in describe(ec2, a)["PrivateIpAddresses"]] == ["10.0.0.4"]
    assert [p["PrivateIpAddress"] for p in describe(ec2, b)["PrivateIpAddresses"]] == [
        "10.0.0.6", "10.0.0.5"]
    assert ids(ec2, Filters=[{"Name": "addresses.private-ip-address", "Values": ["10.0.0.5"]}]) \
        == [b]
    assert available(ec2, subnet) == 248


def test_assign_and_unassign_ipv6(ec2, subnet6):
    eni = create(ec2, subnet6)["NetworkInterfaceId"]
    out = ec2.assign_ipv6_addresses(NetworkInterfaceId=eni, Ipv6AddressCount=2)
    assert out["NetworkInterfaceId"] == eni and len(out["AssignedIpv6Addresses"]) == 2
    assert [a["Ipv6Address"] for a in describe(ec2, eni)["Ipv6Addresses"]] == \
        out["AssignedIpv6Addresses"]
    gone = ec2.unassign_ipv6_addresses(NetworkInterfaceId=eni,
                                       Ipv6Addresses=out["AssignedIpv6Addresses"][:1])
    assert gone["UnassignedIpv6Addresses"] == out["AssignedIpv6Addresses"][:1]
    assert [a["Ipv6Address"] for a in describe(ec2, eni)["Ipv6Addresses"]] == \
        out["AssignedIpv6Addresses"][1:]
    with pytest.raises(ClientError) as exc:
        ec2.unassign_ipv6_addresses(NetworkInterfaceId=eni,
                                    Ipv6Addresses=out["AssignedIpv6Addresses"][:1])
    assert error(exc)[0] == "InvalidParameterValue"
    with pytest.raises(ClientError) as exc:
        ec2.assign_ipv6_addresses(NetworkInterfaceId=eni)
    assert error(exc)[0] == "MissingParameter"


def test_assign_ipv6_needs_an_ipv6_subnet(ec2, subnet):
    eni = create(ec2, subnet)["NetworkInterfaceId"]
    with pytest.raises(ClientError) as exc:
        ec2.assign_ipv6_addresses(NetworkInterfaceId=eni, Ipv6AddressCount=1)
    assert error(exc)[0] == "InvalidParameterValue"
    assert describe(ec2, eni)["Ipv6Addresses"] == []


# -- public IPv4 ----------------------------------------------------------------------------
def test_auto_assigned_public_ip(mock, ec2):
    default_subnet = ec2.describe_subnets(Filters=[
        {"Name": "default-for-az", "Values": ["true"]}])["Subnets"][0]["SubnetId"]
    instance, eni = launch(mock, ec2, default_subnet)
    world = mock.world
    part = world.partition(ACCOUNT, "us-east-1")
    public = enis.assign_public_ip(world, part, eni)
    assert any(IPAddress(public) in IPNetwork(b) for b in ("3.80.0.0/12", "54.144.0.0/14"))
    association = describe(ec2, eni)["Association"]
    dashed = public.replace(".", "-")
    assert association == {"IpOwnerId": "amazon", "PublicIp": public,
                           "PublicDnsName": f"ec2-{dashed}.compute-1.amazonaws.com"}
    assert describe(ec2, eni)["PrivateIpAddresses"][0]["Association"] == association
    assert ids(ec2, Filters=[{"Name": "association.public-ip", "Values": [public]}]) == [eni]
    assert ids(ec2, Filters=[{"Name": "association.ip-owner-id", "Values": ["amazon"]}]) == [eni]
    vpc = ec2.describe_subnets(SubnetIds=[default_subnet])["Subnets"][0]["VpcId"]
    igw = ec2.describe_internet_gateways()["InternetGateways"][0]["InternetGatewayId"]
    with pytest.raises(ClientError) as exc:
        ec2.detach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    assert error(exc)[0] == "DependencyViolation"
    enis.release_public_ip(world, part, eni)
    assert "Association" not in describe(ec2, eni)
    ec2.detach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)


# -- describe -------------------------------------------------------------------------------
def test_describe_filters(mock, ec2, vpc, subnet):
    sg = ec2.create_security_group(GroupName="web", Description="w", VpcId=vpc)["GroupId"]
    a = create(ec2, subnet, Description="alpha one", Groups=[sg], SecondaryPrivateIpAddressCount=1,
               TagSpecifications=[{"ResourceType": "network-interface",
                                   "Tags": [{"Key": "role", "Value": "db"}]}])
    b = create(ec2, subnet, Description="beta")
    instance, primary = launch(mock, ec2, subnet)
    attachment = ec2.attach_network_interface(NetworkInterfaceId=b["NetworkInterfaceId"],
                                              InstanceId=instance, DeviceIndex=1)["AttachmentId"]
    ec2.modify_network_interface_attribute(NetworkInterfaceId=b["NetworkInterfaceId"],
                                           SourceDestCheck={"Value": False})
    a_id, b_id = a["NetworkInterfaceId"], b["NetworkInterfaceId"]
    times = [describe(ec2, e)["Attachment"]["AttachTime"].strftime("%Y-%m-%dT%H:%M:%S.000Z")
             for e in (b_id, primary)]
    cases = {
        "addresses.private-ip-address": (["10.0.0.5"], [a_id]),
        "private-ip-address": (["10.0.0.4", "10.0.0.6"], [a_id, b_id]),
        "addresses.primary": (["false"], [a_id]),
        "subnet-id": ([subnet], [a_id, b_id, primary]),
        "vpc-id": ([vpc], [a_id, b_id, primary]),
        "group-id": ([sg], [a_id]),
        "group-name": (["default"], [b_id, primary]),
        "description": (["alpha*"], [a_id]),
        "attachment.instance-id": ([instance], [b_id, primary]),
        "attachment.device-index": (["1"], [b_id]),
        "attachment.attachment-id": ([attachment], [b_id]),
        "attachment.status": (["attached"], [b_id, primary]),
        "attachment.delete-on-termination": (["true"], [primary]),
        "attachment.instance-owner-id": ([ACCOUNT], [b_id, primary]),
        "attachment.attach-time": (times, [b_id, primary]),
        "status": (["available"], [a_id]),
        "availability-zone": (["us-east-1a"], [a_id, b_id, primary]),
        "availability-zone-id": (["use1-az1"], [a_id, b_id, primary]),
        "mac-address": ([a["MacAddress"]], [a_id]),
        "owner-id": ([ACCOUNT], [a_id, b_id, primary]),
        "requester-managed": (["false"], [a_id, b_id, primary]),
        "source-dest-check": (["false"], [b_id]),
        "interface-type": (["interface"], [a_id, b_id, primary]),
        "private-dns-name": (["ip-10-0-0-6.ec2.internal"], [b_id]),
        "network-interface-id": ([a_id], [a_id]),
        "tag:role": (["db"], [a_id]),
        "tag-key": (["role"], [a_id]),
        "tag-value": (["d?"], [a_id]),
        "association.public-ip": (["3.80.0.1"], []),
        "ipv6-addresses.ipv6-address": (["2600:1f10::1"], []),
    }
    for name, (values, expected) in cases.items():
        found = ids(ec2, Filters=[{"Name": name, "Values": values},
                                  {"Name": "vpc-id", "Values": [vpc]}])
        assert found == expected, name
    assert ids(ec2, Filters=[{"Name": "subnet-id", "Values": [subnet]},
                             {"Name": "status", "Values": ["in-use"]}]) == [b_id, primary]
    with pytest.raises(ClientError) as exc:
        ec2.describe_network_interfaces(Filters=[{"Name": "bogus", "Values": ["x"]}])
    assert error(exc) == ("InvalidParameterValue", "The filter 'bogus' is invalid")


def test_describe_unknown_ids_and_paging(ec2, subnet):
    made = [create(ec2, subnet)["NetworkInterfaceId"] for _ in range(7)]
    with pytest.raises(ClientError) as exc:
        ec2.describe_network_interfaces(NetworkInterfaceIds=[made[0], "eni-0123456789abcdef0"])
    assert error(exc) == ("InvalidNetworkInterfaceID.NotFound",
                          "The networkInterface ID 'eni-0123456789abcdef0' does not exist")
    pages = list(ec2.get_paginator("describe_network_interfaces").paginate(
        Filters=[{"Name": "subnet-id", "Values": [subnet]}], PaginationConfig={"PageSize": 5}))
    assert [len(p["NetworkInterfaces"]) for p in pages] == [5, 2]
    assert [n["NetworkInterfaceId"] for p in pages for n in p["NetworkInterfaces"]] == made
    with pytest.raises(ClientError) as exc:
        ec2.describe_network_interfaces(NetworkInterfaceIds=[made[0]], MaxResults=5)
    assert error(exc)[0] == "InvalidParameterCombination"
    unchecked = boto3.client("ec2", region_name="us-east-1",
                             config=Config(parameter_validation=False))
    with pytest.raises(ClientError) as exc:
        unchecked.describe_network_interfaces(MaxResults=4)
    assert error(exc)[0] == "InvalidParameterValue"


# -- against the server ---------------------------------------------------------------------
def test_network_interface_round_trip_against_server(server_ec2):
    vpc = server_ec2.create_vpc(CidrBlock="10.3.0.0/16")["Vpc"]["VpcId"]
    subnet = server_ec2.create_subnet(VpcId=vpc, CidrBlock="10.3.1.0/24")["Subnet"]["SubnetId"]
    eni = server_ec2.create_network_interface(
        SubnetId=subnet, PrivateIpAddress="10.3.1.10", SecondaryPrivateIpAddressCount=1,
        Description="a&b<c>")["NetworkInterface"]
    found = server_ec2.describe_network_interfaces(
        Filters=[{"Name": "private-ip-address", "Values": ["10.3.1.10"]}])["NetworkInterfaces"]
    assert [n["NetworkInterfaceId"] for n in found] == [eni["NetworkInterfaceId"]]
    assert found[0]["Description"] == "a&b<c>" and found[0]["Status"] == "available"
    assert [p["Primary"] for p in found[0]["PrivateIpAddresses"]] == [True, False]
    with pytest.raises(ClientError) as exc:
        server_ec2.create_network_interface(SubnetId=subnet, PrivateIpAddress="10.3.1.10")
    assert error(exc)[0] == "InvalidIPAddress.InUse"
    server_ec2.delete_network_interface(NetworkInterfaceId=eni["NetworkInterfaceId"])
    assert server_ec2.describe_network_interfaces(
        Filters=[{"Name": "vpc-id", "Values": [vpc]}])["NetworkInterfaces"] == []


def test_associate_public_ip_address_attribute(mock, ec2):
    default_subnet = ec2.describe_subnets(Filters=[
        {"Name": "default-for-az", "Values": ["true"]}])["Subnets"][0]["SubnetId"]
    _, eni = launch(mock, ec2, default_subnet)
    assert "Association" not in describe(ec2, eni)
    ec2.modify_network_interface_attribute(NetworkInterfaceId=eni, AssociatePublicIpAddress=True)
    assert describe(ec2, eni)["Association"]["IpOwnerId"] == "amazon"
    assert ec2.describe_network_interface_attribute(
        NetworkInterfaceId=eni, Attribute="associatePublicIpAddress")["AssociatePublicIpAddress"]
    ec2.modify_network_interface_attribute(NetworkInterfaceId=eni, AssociatePublicIpAddress=False)
    assert "Association" not in describe(ec2, eni)
