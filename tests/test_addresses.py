"""Elastic IP operations through boto3, in-process and against the server."""
from __future__ import annotations

import re

import boto3
import pytest
from botocore.exceptions import ClientError
from netaddr import IPAddress, IPNetwork

from topology.network import network_interfaces as enis
from helpers import error

ACCOUNT = "123456789012"
US_EAST_1 = [IPNetwork("3.80.0.0/12"), IPNetwork("54.144.0.0/14")]


@pytest.fixture
def net(ec2) -> tuple[str, str]:
    """A VPC with an internet gateway attached, and a subnet of it in us-east-1a."""
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/24",
                               AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    return vpc, subnet


def eni(ec2, subnet: str, **kwargs) -> str:
    return ec2.create_network_interface(SubnetId=subnet, **kwargs)["NetworkInterface"][
        "NetworkInterfaceId"]


def describe_eni(ec2, eni_id: str) -> dict:
    return ec2.describe_network_interfaces(NetworkInterfaceIds=[eni_id])["NetworkInterfaces"][0]


def address(ec2, alloc_id: str) -> dict:
    return ec2.describe_addresses(AllocationIds=[alloc_id])["Addresses"][0]


def launch(mock, ec2, subnet: str, *, state: str = "running") -> tuple[str, str]:
    """A minimal instance with its primary interface, built in the world directly."""
    world = mock.world
    part = world.partition(ACCOUNT, "us-east-1")
    zone = ec2.describe_subnets(SubnetIds=[subnet])["Subnets"][0]["AvailabilityZone"]
    instance_id = world.new_id("i")
    world.add(part, "instance", instance_id, InstanceType="t3.micro",
              Placement={"AvailabilityZone": zone}, State={"Code": 16, "Name": state})
    eni_id = enis.create(world, part, subnet)
    enis.attach(world, part, eni_id, instance_id, 0, delete_on_termination=True, launching=True)
    return instance_id, eni_id


# -- allocate -------------------------------------------------------------------------------
def test_allocate_address_like_aws(ec2):
    out = ec2.allocate_address(Domain="vpc", TagSpecifications=[
        {"ResourceType": "elastic-ip", "Tags": [{"Key": "Name", "Value": "web"}]}])
    assert re.fullmatch(r"eipalloc-[0-9a-f]{17}", out["AllocationId"])
    assert (out["Domain"], out["PublicIpv4Pool"], out["NetworkBorderGroup"]) == (
        "vpc", "amazon", "us-east-1")
    assert any(IPAddress(out["PublicIp"]) in block for block in US_EAST_1)
    assert address(ec2, out["AllocationId"]) == {
        "AllocationId": out["AllocationId"], "PublicIp": out["PublicIp"], "Domain": "vpc",
        "PublicIpv4Pool": "amazon", "NetworkBorderGroup": "us-east-1",
        "Tags": [{"Key": "Name", "Value": "web"}]}


def test_addresses_are_unique_and_limited_to_five(ec2):
    made = [ec2.allocate_address() for _ in range(5)]
    assert len({a["PublicIp"] for a in made}) == 5
    with pytest.raises(ClientError) as exc:
        ec2.allocate_address()
    assert error(exc) == ("AddressLimitExceeded",
                          "The maximum number of addresses has been reached.")
    assert len(ec2.describe_addresses()["Addresses"]) == 5
    oregon = IPAddress(boto3.client("ec2", region_name="us-west-2").allocate_address()["PublicIp"])
    assert any(oregon in IPNetwork(b) for b in ("34.208.0.0/12", "54.184.0.0/13"))


def test_allocate_refusals(ec2):
    cases = [
        ({"PublicIpv4Pool": "ipv4pool-ec2-0123456789abcdef0"}, "InvalidPublicIpv4PoolID.NotFound"),
        ({"NetworkBorderGroup": "us-west-2"}, "InvalidParameterValue"),
        ({"Address": "3.80.0.10"}, "AuthFailure"),
        ({"Address": "nonsense"}, "InvalidParameterValue"),
        ({"TagSpecifications": [{"ResourceType": "instance", "Tags": [{"Key": "a"}]}]},
         "InvalidParameterValue"),
        ({"IpamPoolId": "ipam-pool-0123456789abcdef0"}, "InvalidIpamPoolId.NotFound"),
    ]
    for kwargs, code in cases:
        with pytest.raises(ClientError) as exc:
            ec2.allocate_address(**kwargs)
        assert error(exc)[0] == code, kwargs
    with pytest.raises(ClientError) as exc:
        ec2.allocate_address(DryRun=True)
    assert error(exc)[0] == "DryRunOperation"
    assert ec2.describe_addresses()["Addresses"] == []


def test_released_address_can_be_recovered(ec2):
    first = ec2.allocate_address()
    ec2.release_address(AllocationId=first["AllocationId"])
    assert ec2.describe_addresses()["Addresses"] == []
    again = ec2.allocate_address(Address=first["PublicIp"])
    assert again["PublicIp"] == first["PublicIp"]
    assert again["AllocationId"] != first["AllocationId"]
    with pytest.raises(ClientError) as exc:       # it is allocated again: nothing to recover
        ec2.allocate_address(Address=first["PublicIp"])
    assert error(exc)[0] == "AuthFailure"


# -- describe -------------------------------------------------------------------------------
def test_describe_addresses_by_id_and_ip(ec2):
    a, b = ec2.allocate_address(), ec2.allocate_address()
    assert [x["AllocationId"] for x in ec2.describe_addresses(PublicIps=[b["PublicIp"]])[
        "Addresses"]] == [b["AllocationId"]]
    assert [x["AllocationId"] for x in ec2.describe_addresses()["Addresses"]] == [
        a["AllocationId"], b["AllocationId"]]
    with pytest.raises(ClientError) as exc:
        ec2.describe_addresses(PublicIps=["198.51.100.7"])
    assert error(exc) == ("InvalidAddress.NotFound", "Address '198.51.100.7' not found.")
    with pytest.raises(ClientError) as exc:
        ec2.describe_addresses(AllocationIds=["eipalloc-0123456789abcdef0"])
    assert error(exc) == ("InvalidAllocationID.NotFound",
                          "The allocation ID 'eipalloc-0123456789abcdef0' does not exist")
    with pytest.raises(ClientError) as exc:
        ec2.describe_addresses(AllocationIds=["nonsense"])
    assert error(exc)[0] == "InvalidAllocationID.Malformed"
    with pytest.raises(ClientError) as exc:
        ec2.describe_addresses(Filters=[{"Name": "bogus", "Values": ["x"]}])
    assert error(exc) == ("InvalidParameterValue", "The filter 'bogus' is invalid")


def test_describe_addresses_filters(mock, ec2, net):
    _, subnet = net
    instance, primary = launch(mock, ec2, subnet)
    free = ec2.allocate_address(TagSpecifications=[
        {"ResourceType": "elastic-ip", "Tags": [{"Key": "role", "Value": "spare"}]}])
    used = ec2.allocate_address()
    assoc = ec2.associate_address(AllocationId=used["AllocationId"], InstanceId=instance)[
        "AssociationId"]
    private = describe_eni(ec2, primary)["PrivateIpAddress"]
    cases = {
        "allocation-id": ([free["AllocationId"]], [free]),
        "association-id": ([assoc], [used]),
        "domain": (["vpc"], [free, used]),
        "instance-id": ([instance], [used]),
        "network-border-group": (["us-east-1"], [free, used]),
        "network-interface-id": ([primary], [used]),
        "network-interface-owner-id": ([ACCOUNT], [used]),
        "private-ip-address": ([private], [used]),
        "public-ip": ([free["PublicIp"]], [free]),
        "tag:role": (["spare"], [free]),
        "tag-key": (["role"], [free]),
        "tag-value": (["sp*"], [free]),
    }
    for name, (values, expected) in cases.items():
        found = ec2.describe_addresses(Filters=[{"Name": name, "Values": values}])["Addresses"]
        assert [a["AllocationId"] for a in found] == [e["AllocationId"] for e in expected], name


# -- associate ------------------------------------------------------------------------------
def test_associate_with_an_interface(ec2, net):
    _, subnet = net
    target = eni(ec2, subnet)
    eip = ec2.allocate_address()
    out = ec2.associate_address(AllocationId=eip["AllocationId"], NetworkInterfaceId=target)
    assert re.fullmatch(r"eipassoc-[0-9a-f]{17}", out["AssociationId"])
    found = address(ec2, eip["AllocationId"])
    assert found["AssociationId"] == out["AssociationId"]
    assert found["NetworkInterfaceId"] == target and found["NetworkInterfaceOwnerId"] == ACCOUNT
    assert found["PrivateIpAddress"] == "10.0.0.4" and "InstanceId" not in found
    view = describe_eni(ec2, target)
    association = {"AllocationId": eip["AllocationId"], "AssociationId": out["AssociationId"],
                   "IpOwnerId": ACCOUNT, "PublicIp": eip["PublicIp"], "PublicDnsName": ""}
    assert view["Association"] == association
    assert view["PrivateIpAddresses"][0]["Association"] == association
    for name, value in (("association.allocation-id", eip["AllocationId"]),
                        ("association.association-id", out["AssociationId"]),
                        ("association.public-ip", eip["PublicIp"]),
                        ("addresses.association.public-ip", eip["PublicIp"]),
                        ("association.ip-owner-id", ACCOUNT),
                        ("addresses.association.owner-id", ACCOUNT)):
        found = ec2.describe_network_interfaces(Filters=[{"Name": name, "Values": [value]}])
        assert [n["NetworkInterfaceId"] for n in found["NetworkInterfaces"]] == [target], name
    again = ec2.associate_address(AllocationId=eip["AllocationId"], NetworkInterfaceId=target)
    assert again["AssociationId"] == out["AssociationId"]      # idempotent


def test_public_dns_name_when_the_vpc_has_hostnames(ec2, net):
    vpc, subnet = net
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    target = eni(ec2, subnet)
    eip = ec2.allocate_address()
    ec2.associate_address(AllocationId=eip["AllocationId"], NetworkInterfaceId=target)
    dashed = eip["PublicIp"].replace(".", "-")
    assert describe_eni(ec2, target)["Association"]["PublicDnsName"] == \
        f"ec2-{dashed}.compute-1.amazonaws.com"


def test_associate_needs_an_internet_gateway(ec2):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/24")["Subnet"]["SubnetId"]
    target = eni(ec2, subnet)
    eip = ec2.allocate_address()
    with pytest.raises(ClientError) as exc:
        ec2.associate_address(AllocationId=eip["AllocationId"], NetworkInterfaceId=target)
    assert error(exc) == ("Gateway.NotAttached",
                          f"Network {vpc} is not attached to any internet gateway")
    assert "AssociationId" not in address(ec2, eip["AllocationId"])
    assert "Association" not in describe_eni(ec2, target)


def test_associate_a_secondary_address(ec2, net):
    _, subnet = net
    target = eni(ec2, subnet, SecondaryPrivateIpAddressCount=1)
    eip = ec2.allocate_address()
    ec2.associate_address(AllocationId=eip["AllocationId"], NetworkInterfaceId=target,
                          PrivateIpAddress="10.0.0.5")
    view = describe_eni(ec2, target)
    assert "Association" not in view                     # the primary address has none
    assert view["PrivateIpAddresses"][1]["Association"]["PublicIp"] == eip["PublicIp"]
    with pytest.raises(ClientError) as exc:
        ec2.associate_address(AllocationId=eip["AllocationId"], NetworkInterfaceId=target,
                              PrivateIpAddress="10.0.0.99")
    assert error(exc)[0] == "InvalidParameterValue"
    ec2.unassign_private_ip_addresses(NetworkInterfaceId=target, PrivateIpAddresses=["10.0.0.5"])
    assert "AssociationId" not in address(ec2, eip["AllocationId"])


def test_reassociation(ec2, net):
    _, subnet = net
    a, b = eni(ec2, subnet), eni(ec2, subnet)
    eip, other = ec2.allocate_address(), ec2.allocate_address()
    first = ec2.associate_address(AllocationId=eip["AllocationId"], NetworkInterfaceId=a)
    with pytest.raises(ClientError) as exc:
        ec2.associate_address(AllocationId=eip["AllocationId"], NetworkInterfaceId=b,
                              AllowReassociation=False)
    assert error(exc) == ("Resource.AlreadyAssociated", f"resource {eip['AllocationId']} is "
                          f"already associated with associate-id {first['AssociationId']}")
    with pytest.raises(ClientError) as exc:   # the target address already has one
        ec2.associate_address(AllocationId=other["AllocationId"], NetworkInterfaceId=a,
                              AllowReassociation=False)
    assert error(exc)[0] == "Resource.AlreadyAssociated"
    assert address(ec2, eip["AllocationId"])["NetworkInterfaceId"] == a
    moved = ec2.associate_address(AllocationId=eip["AllocationId"], NetworkInterfaceId=b)
    assert address(ec2, eip["AllocationId"])["NetworkInterfaceId"] == b
    assert "Association" not in describe_eni(ec2, a)
    replaced = ec2.associate_address(AllocationId=other["AllocationId"], NetworkInterfaceId=b)
    assert "AssociationId" not in address(ec2, eip["AllocationId"])
    assert describe_eni(ec2, b)["Association"]["AssociationId"] == replaced["AssociationId"]
    assert moved["AssociationId"] != replaced["AssociationId"]


def test_associate_with_an_instance(mock, ec2, net):
    _, subnet = net
    instance, primary = launch(mock, ec2, subnet)
    eip = ec2.allocate_address()
    ec2.associate_address(AllocationId=eip["AllocationId"], InstanceId=instance)
    found = address(ec2, eip["AllocationId"])
    assert (found["InstanceId"], found["NetworkInterfaceId"]) == (instance, primary)
    second = eni(ec2, subnet)
    ec2.attach_network_interface(NetworkInterfaceId=second, InstanceId=instance, DeviceIndex=1)
    other = ec2.allocate_address()
    with pytest.raises(ClientError) as exc:
        ec2.associate_address(AllocationId=other["AllocationId"], InstanceId=instance)
    assert error(exc) == ("InvalidInstanceID", f"There are multiple interfaces attached to "
                          f"instance '{instance}'. Please specify an interface ID for the "
                          "operation instead.")
    with pytest.raises(ClientError) as exc:
        ec2.associate_address(AllocationId=other["AllocationId"], InstanceId=instance,
                              NetworkInterfaceId=second)
    assert error(exc)[0] == "InvalidParameterCombination"
    with pytest.raises(ClientError) as exc:
        ec2.associate_address(AllocationId=other["AllocationId"],
                              InstanceId="i-0123456789abcdef0")
    assert error(exc) == ("InvalidInstanceID.NotFound",
                          "The instance ID 'i-0123456789abcdef0' does not exist")
    with pytest.raises(ClientError) as exc:
        ec2.associate_address(AllocationId=other["AllocationId"])
    assert error(exc)[0] == "MissingParameter"
    with pytest.raises(ClientError) as exc:
        ec2.associate_address(AllocationId="eipalloc-0123456789abcdef0", NetworkInterfaceId=second)
    assert error(exc)[0] == "InvalidAllocationID.NotFound"
    ec2.associate_address(AllocationId=other["AllocationId"], NetworkInterfaceId=second)
    assert address(ec2, other["AllocationId"])["InstanceId"] == instance


def test_pending_instance_takes_no_address(mock, ec2, net):
    _, subnet = net
    instance, _ = launch(mock, ec2, subnet, state="pending")
    eip = ec2.allocate_address()
    with pytest.raises(ClientError) as exc:
        ec2.associate_address(AllocationId=eip["AllocationId"], InstanceId=instance)
    assert error(exc) == ("IncorrectInstanceState", f"The instance '{instance}' is not in a "
                          "valid state for this operation.")


def test_elastic_ip_replaces_the_automatic_public_ip(mock, ec2, net):
    _, subnet = net
    instance, primary = launch(mock, ec2, subnet)
    part = mock.world.partition(ACCOUNT, "us-east-1")
    automatic = enis.assign_public_ip(mock.world, part, primary)
    eip = ec2.allocate_address()
    assoc = ec2.associate_address(AllocationId=eip["AllocationId"], InstanceId=instance)[
        "AssociationId"]
    assert describe_eni(ec2, primary)["Association"]["PublicIp"] == eip["PublicIp"]
    assert ec2.describe_network_interfaces(Filters=[
        {"Name": "association.public-ip", "Values": [automatic]}])["NetworkInterfaces"] == []
    ec2.disassociate_address(AssociationId=assoc)
    fresh = describe_eni(ec2, primary)["Association"]
    assert fresh["IpOwnerId"] == "amazon" and fresh["PublicIp"] not in (eip["PublicIp"], None)
    assert "AllocationId" not in fresh
    assert "AssociationId" not in address(ec2, eip["AllocationId"])


def test_no_fresh_public_ip_with_several_interfaces(mock, ec2, net):
    _, subnet = net
    instance, primary = launch(mock, ec2, subnet)
    part = mock.world.partition(ACCOUNT, "us-east-1")
    enis.assign_public_ip(mock.world, part, primary)
    second = eni(ec2, subnet)
    ec2.attach_network_interface(NetworkInterfaceId=second, InstanceId=instance, DeviceIndex=1)
    eip = ec2.allocate_address()
    assoc = ec2.associate_address(AllocationId=eip["AllocationId"], NetworkInterfaceId=primary)[
        "AssociationId"]
    ec2.disassociate_address(AssociationId=assoc)
    assert "Association" not in describe_eni(ec2, primary)


# -- disassociate and release ---------------------------------------------------------------
def test_disassociate(ec2, net):
    vpc, subnet = net
    target = eni(ec2, subnet)
    eip = ec2.allocate_address()
    assoc = ec2.associate_address(AllocationId=eip["AllocationId"], NetworkInterfaceId=target)[
        "AssociationId"]
    igw = ec2.describe_internet_gateways(Filters=[
        {"Name": "attachment.vpc-id", "Values": [vpc]}])["InternetGateways"][0]["InternetGatewayId"]
    with pytest.raises(ClientError) as exc:
        ec2.detach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    assert error(exc)[0] == "DependencyViolation"
    with pytest.raises(ClientError) as exc:
        ec2.disassociate_address(AssociationId=assoc, DryRun=True)
    assert error(exc)[0] == "DryRunOperation"
    assert address(ec2, eip["AllocationId"])["AssociationId"] == assoc
    ec2.disassociate_address(AssociationId=assoc)
    ec2.disassociate_address(AssociationId=assoc)            # AWS: idempotent
    assert "AssociationId" not in address(ec2, eip["AllocationId"])
    assert "Association" not in describe_eni(ec2, target)
    ec2.detach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    with pytest.raises(ClientError) as exc:
        ec2.disassociate_address(AssociationId="eipassoc-0123456789abcdef0")
    assert error(exc) == ("InvalidAssociationID.NotFound",
                          "The association ID 'eipassoc-0123456789abcdef0' does not exist")
    with pytest.raises(ClientError) as exc:
        ec2.disassociate_address()
    assert error(exc)[0] == "MissingParameter"
    with pytest.raises(ClientError) as exc:
        ec2.disassociate_address(PublicIp=eip["PublicIp"])
    assert error(exc)[0] == "InvalidParameterValue"


def test_release(ec2, net):
    _, subnet = net
    target = eni(ec2, subnet)
    eip = ec2.allocate_address()
    ec2.associate_address(AllocationId=eip["AllocationId"], NetworkInterfaceId=target)
    with pytest.raises(ClientError) as exc:
        ec2.release_address(AllocationId=eip["AllocationId"])
    assert error(exc) == ("InvalidIPAddress.InUse", f"Address {eip['PublicIp']} is in use.")
    with pytest.raises(ClientError) as exc:
        ec2.release_address(AllocationId=eip["AllocationId"], NetworkBorderGroup="us-west-2")
    assert error(exc)[0] == "InvalidAddress.NotFound"
    with pytest.raises(ClientError) as exc:
        ec2.release_address(PublicIp=eip["PublicIp"])
    assert error(exc)[0] == "InvalidParameterValue"
    with pytest.raises(ClientError) as exc:
        ec2.release_address()
    assert error(exc)[0] == "MissingParameter"
    with pytest.raises(ClientError) as exc:
        ec2.release_address(AllocationId="eipalloc-0123456789abcdef0")
    assert error(exc) == ("InvalidAllocationID.NotFound",
                          "The allocation ID 'eipalloc-0123456789abcdef0' does not exist")
    assert address(ec2, eip["AllocationId"])["NetworkInterfaceId"] == target
    ec2.disassociate_address(AssociationId=address(ec2, eip["AllocationId"])["AssociationId"])
    ec2.release_address(AllocationId=eip["AllocationId"])
    assert ec2.describe_addresses()["Addresses"] == []
    with pytest.raises(ClientError) as exc:
        ec2.release_address(AllocationId=eip["AllocationId"])
    assert error(exc)[0] == "InvalidAllocationID.NotFound"


def test_release_in_the_default_vpc_disassociates(ec2):
    subnet = ec2.describe_subnets(Filters=[
        {"Name": "default-for-az", "Values": ["true"]}])["Subnets"][0]["SubnetId"]
    target = eni(ec2, subnet)
    eip = ec2.allocate_address()
    ec2.associate_address(AllocationId=eip["AllocationId"], NetworkInterfaceId=target)
    ec2.release_address(AllocationId=eip["AllocationId"])
    assert ec2.describe_addresses()["Addresses"] == []
    assert "Association" not in describe_eni(ec2, target)


def test_deleting_the_interface_keeps_the_address(ec2, net):
    _, subnet = net
    target = eni(ec2, subnet)
    eip = ec2.allocate_address()
    ec2.associate_address(AllocationId=eip["AllocationId"], NetworkInterfaceId=target)
    ec2.delete_network_interface(NetworkInterfaceId=target)
    found = address(ec2, eip["AllocationId"])
    assert found["PublicIp"] == eip["PublicIp"] and "AssociationId" not in found


def test_reassigned_address_takes_its_elastic_ip_along(ec2, net):
    _, subnet = net
    a = eni(ec2, subnet, SecondaryPrivateIpAddressCount=1)          # 10.0.0.4, 10.0.0.5
    b = eni(ec2, subnet)
    eip = ec2.allocate_address()
    ec2.associate_address(AllocationId=eip["AllocationId"], NetworkInterfaceId=a,
                          PrivateIpAddress="10.0.0.5")
    ec2.assign_private_ip_addresses(NetworkInterfaceId=b, PrivateIpAddresses=["10.0.0.5"],
                                    AllowReassignment=True)
    found = address(ec2, eip["AllocationId"])
    assert (found["NetworkInterfaceId"], found["PrivateIpAddress"]) == (b, "10.0.0.5")
    assert describe_eni(ec2, b)["PrivateIpAddresses"][1]["Association"]["PublicIp"] == \
        eip["PublicIp"]


# -- against the server ---------------------------------------------------------------------
def test_elastic_ip_round_trip_against_server(server_ec2):
    subnet = server_ec2.describe_subnets(Filters=[
        {"Name": "default-for-az", "Values": ["true"]}])["Subnets"][0]["SubnetId"]
    target = server_ec2.create_network_interface(SubnetId=subnet)["NetworkInterface"][
        "NetworkInterfaceId"]
    eip = server_ec2.allocate_address(Domain="vpc")
    assoc = server_ec2.associate_address(AllocationId=eip["AllocationId"],
                                         NetworkInterfaceId=target)["AssociationId"]
    found = server_ec2.describe_addresses(PublicIps=[eip["PublicIp"]])["Addresses"]
    assert [(a["AssociationId"], a["NetworkInterfaceId"]) for a in found] == [(assoc, target)]
    with pytest.raises(ClientError) as exc:
        server_ec2.describe_addresses(PublicIps=["198.51.100.9"])
    assert error(exc)[0] == "InvalidAddress.NotFound"
    server_ec2.disassociate_address(AssociationId=assoc)
    server_ec2.release_address(AllocationId=eip["AllocationId"])
    assert server_ec2.describe_addresses()["Addresses"] == []


def test_with_run_instances(ec2):
    image = ec2.describe_images(Owners=["amazon"], MaxResults=5)["Images"][0]["ImageId"]
    instance = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1,
                                 InstanceType="t3.micro")["Instances"][0]
    automatic = instance["PublicIpAddress"]
    eip = ec2.allocate_address()
    assoc = ec2.associate_address(AllocationId=eip["AllocationId"],
                                  InstanceId=instance["InstanceId"])["AssociationId"]
    described = ec2.describe_instances(InstanceIds=[instance["InstanceId"]])[
        "Reservations"][0]["Instances"][0]
    assert described["PublicIpAddress"] == eip["PublicIp"] != automatic
    assert described["NetworkInterfaces"][0]["Association"]["IpOwnerId"] == ACCOUNT
    assert address(ec2, eip["AllocationId"])["InstanceId"] == instance["InstanceId"]
    ec2.disassociate_address(AssociationId=assoc)
    described = ec2.describe_instances(InstanceIds=[instance["InstanceId"]])[
        "Reservations"][0]["Instances"][0]
    assert described["PublicIpAddress"] not in (None, eip["PublicIp"])
    ec2.associate_address(AllocationId=eip["AllocationId"], InstanceId=instance["InstanceId"])
    ec2.terminate_instances(InstanceIds=[instance["InstanceId"]])
    assert "AssociationId" not in address(ec2, eip["AllocationId"])


# -- reverse DNS: the domain-name attribute ----------------------------------------------------
def test_reverse_dns_record_set_and_reset(ec2):
    alloc = ec2.allocate_address()
    alloc_id, ip = alloc["AllocationId"], alloc["PublicIp"]
    aws_name = f"ec2-{ip.replace('.', '-')}.compute-1.amazonaws.com."
    other = ec2.allocate_address()["AllocationId"]
    assert ec2.describe_addresses_attribute(Attribute="domain-name")["Addresses"] == []
    changed = ec2.modify_address_attribute(AllocationId=alloc_id, DomainName="mail.example.com")
    assert changed["Address"] == {"PublicIp": ip, "AllocationId": alloc_id, "PtrRecord": aws_name,
                                  "PtrRecordUpdate": {"Value": "mail.example.com.",
                                                      "Status": "PENDING"}}
    # no clock: the update is in force at once, and only addresses with a record are listed
    listed = ec2.describe_addresses_attribute(Attribute="domain-name")["Addresses"]
    assert listed == [{"PublicIp": ip, "AllocationId": alloc_id, "PtrRecord": "mail.example.com."}]
    assert ec2.describe_addresses_attribute(AllocationIds=[other], Attribute="domain-name")[
        "Addresses"] == []
    reset = ec2.reset_address_attribute(AllocationId=alloc_id, Attribute="domain-name")["Address"]
    assert reset["PtrRecord"] == "mail.example.com."
    assert reset["PtrRecordUpdate"] == {"Value": aws_name, "Status": "PENDING"}
    assert ec2.describe_addresses_attribute(AllocationIds=[alloc_id])["Addresses"] == []


def test_reverse_dns_errors(ec2):
    alloc_id = ec2.allocate_address()["AllocationId"]
    cases = [
        (ec2.modify_address_attribute, {"AllocationId": alloc_id, "DomainName": "bad_name.com"},
         ("InvalidParameterValue", "Value (bad_name.com) for parameter domainName is invalid.")),
        (ec2.modify_address_attribute, {"AllocationId": alloc_id},
         ("MissingParameter", "The request must contain the parameter DomainName")),
        (ec2.modify_address_attribute, {"AllocationId": "eipalloc-0123456789abcdef0",
                                        "DomainName": "example.com"},
         ("InvalidAllocationID.NotFound", None)),
        (ec2.describe_addresses_attribute, {"AllocationIds": ["eipalloc-0123456789abcdef0"]},
         ("InvalidAllocationID.NotFound", None)),
        (ec2.modify_address_attribute, {"AllocationId": alloc_id, "DomainName": "example.com",
                                        "DryRun": True}, ("DryRunOperation", None)),
    ]
    for call, params, (code, message) in cases:
        with pytest.raises(ClientError) as exc:
            call(**params)
        assert error(exc)[0] == code, params
        assert message is None or error(exc)[1] == message
    assert ec2.describe_addresses_attribute()["Addresses"] == []


def test_associate_needs_an_instance_or_an_interface(ec2):
    alloc = ec2.allocate_address(Domain="vpc")["AllocationId"]
    with pytest.raises(ClientError) as exc:
        ec2.associate_address(AllocationId=alloc)
    assert error(exc) == ("MissingParameter",
                          "Invalid request, expect InstanceId/NetworkId parameter.")
