"""Network interface permissions, trunk interface associations and
ResetNetworkInterfaceAttribute."""
from __future__ import annotations

import boto3
import pytest

from helpers import fails

OTHER = "210987654321"


@pytest.fixture
def eni(ec2, subnet) -> str:
    return ec2.create_network_interface(SubnetId=subnet)["NetworkInterface"]["NetworkInterfaceId"]


def permissions(ec2, **kwargs) -> list[dict]:
    return ec2.describe_network_interface_permissions(**kwargs)["NetworkInterfacePermissions"]


# -- permissions --------------------------------------------------------------------------------
def test_grant_describe_and_revoke(ec2, eni):
    made = ec2.create_network_interface_permission(
        NetworkInterfaceId=eni, AwsAccountId=OTHER, Permission="INSTANCE-ATTACH")[
        "InterfacePermission"]
    assert made["NetworkInterfacePermissionId"].startswith("eni-perm-")
    assert made["PermissionState"] == {"State": "granted"}
    assert made["AwsAccountId"] == OTHER and made["NetworkInterfaceId"] == eni
    assert permissions(ec2) == [made]
    assert permissions(ec2, Filters=[{"Name": "network-interface-permission.permission",
                                      "Values": ["EIP-ASSOCIATE"]}]) == []
    assert permissions(ec2, Filters=[{"Name": "network-interface-permission.network-interface-id",
                                      "Values": [eni]}]) == [made]
    assert ec2.delete_network_interface_permission(
        NetworkInterfacePermissionId=made["NetworkInterfacePermissionId"])["Return"] is True
    assert permissions(ec2) == []
    assert fails(ec2.delete_network_interface_permission,
                 NetworkInterfacePermissionId=made["NetworkInterfacePermissionId"])[0] == \
        "InvalidPermissionID.NotFound"


def test_grant_refusals(ec2, eni):
    assert fails(ec2.create_network_interface_permission, NetworkInterfaceId=eni,
                 Permission="INSTANCE-ATTACH")[0] == "MissingParameter"
    assert fails(ec2.create_network_interface_permission, NetworkInterfaceId=eni,
                 AwsAccountId=OTHER, AwsService="ec2.amazonaws.com",
                 Permission="INSTANCE-ATTACH")[0] == "InvalidParameterCombination"
    assert fails(ec2.create_network_interface_permission, NetworkInterfaceId=eni,
                 AwsAccountId="12", Permission="INSTANCE-ATTACH")[0] == "InvalidParameterValue"
    assert fails(ec2.create_network_interface_permission, NetworkInterfaceId=eni,
                 AwsAccountId=OTHER, Permission="EVERYTHING")[0] == "InvalidParameterValue"
    assert fails(ec2.create_network_interface_permission,
                 NetworkInterfaceId="eni-0123456789abcdef0", AwsAccountId=OTHER,
                 Permission="INSTANCE-ATTACH")[0] == "InvalidNetworkInterfaceID.NotFound"
    ec2.create_network_interface_permission(NetworkInterfaceId=eni, AwsAccountId=OTHER,
                                            Permission="INSTANCE-ATTACH")
    assert fails(ec2.create_network_interface_permission, NetworkInterfaceId=eni,
                 AwsAccountId="111122223333", Permission="INSTANCE-ATTACH")[0] == \
        "InvalidPermission.Duplicate"
    ec2.create_network_interface_permission(NetworkInterfaceId=eni, AwsAccountId=OTHER,
                                            Permission="EIP-ASSOCIATE")
    assert len(permissions(ec2)) == 2


def test_permissions_go_with_their_interface(ec2, eni):
    ec2.create_network_interface_permission(NetworkInterfaceId=eni, AwsAccountId=OTHER,
                                            Permission="INSTANCE-ATTACH")
    ec2.delete_network_interface(NetworkInterfaceId=eni)
    assert permissions(ec2) == []


def test_permissions_over_the_server(server_ec2):
    vpc = server_ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = server_ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/24")["Subnet"]["SubnetId"]
    eni = server_ec2.create_network_interface(SubnetId=subnet)["NetworkInterface"][
        "NetworkInterfaceId"]
    made = server_ec2.create_network_interface_permission(
        NetworkInterfaceId=eni, AwsService="ec2.amazonaws.com", Permission="EIP-ASSOCIATE")[
        "InterfacePermission"]
    assert permissions(server_ec2)[0]["AwsService"] == "ec2.amazonaws.com"
    assert server_ec2.delete_network_interface_permission(
        NetworkInterfacePermissionId=made["NetworkInterfacePermissionId"], Force=True)["Return"]


# -- reset --------------------------------------------------------------------------------------
def test_reset_source_dest_check(ec2, eni):
    ec2.modify_network_interface_attribute(NetworkInterfaceId=eni,
                                           SourceDestCheck={"Value": False})
    ec2.reset_network_interface_attribute(NetworkInterfaceId=eni, SourceDestCheck="sourceDestCheck")
    assert ec2.describe_network_interface_attribute(
        NetworkInterfaceId=eni, Attribute="sourceDestCheck")["SourceDestCheck"] == {"Value": True}
    assert fails(ec2.reset_network_interface_attribute, NetworkInterfaceId=eni)[0] == \
        "MissingParameter"
    assert fails(ec2.reset_network_interface_attribute, NetworkInterfaceId="eni-0123456789abcdef0",
                 SourceDestCheck="sourceDestCheck")[0] == "InvalidNetworkInterfaceID.NotFound"


# -- trunks -------------------------------------------------------------------------------------
@pytest.fixture
def trunk(ec2, subnet) -> str:
    return ec2.create_network_interface(SubnetId=subnet, InterfaceType="trunk")[
        "NetworkInterface"]["NetworkInterfaceId"]


def trunk_associations(ec2, **kwargs) -> list[dict]:
    return ec2.describe_trunk_interface_associations(**kwargs)["InterfaceAssociations"]


def test_associate_branch_with_trunk(ec2, eni, trunk):
    made = ec2.associate_trunk_interface(BranchInterfaceId=eni, TrunkInterfaceId=trunk,
                                         VlanId=100, ClientToken="tok-1")
    assert made["ClientToken"] == "tok-1"
    association = made["InterfaceAssociation"]
    assert association["AssociationId"].startswith("trunk-assoc-")
    assert association["InterfaceProtocol"] == "VLAN" and association["VlanId"] == 100
    assert trunk_associations(ec2) == [association]
    assert trunk_associations(ec2, Filters=[{"Name": "interface-protocol",
                                             "Values": ["GRE"]}]) == []
    assert ec2.disassociate_trunk_interface(
        AssociationId=association["AssociationId"])["Return"] is True
    assert trunk_associations(ec2) == []
    assert fails(ec2.disassociate_trunk_interface,
                 AssociationId=association["AssociationId"])[0] == "InvalidAssociationID.NotFound"


def test_trunk_refusals(ec2, subnet, eni, trunk):
    plain = ec2.create_network_interface(SubnetId=subnet)["NetworkInterface"][
        "NetworkInterfaceId"]
    assert fails(ec2.associate_trunk_interface, BranchInterfaceId=eni, TrunkInterfaceId=plain,
                 VlanId=1)[0] == "InvalidParameterValue"
    assert fails(ec2.associate_trunk_interface, BranchInterfaceId=eni,
                 TrunkInterfaceId=trunk)[0] == "MissingParameter"
    assert fails(ec2.associate_trunk_interface, BranchInterfaceId=eni, TrunkInterfaceId=trunk,
                 VlanId=1, GreKey=7)[0] == "InvalidParameterCombination"
    assert fails(ec2.associate_trunk_interface, BranchInterfaceId=eni, TrunkInterfaceId=trunk,
                 VlanId=5000)[0] == "InvalidParameterValue"
    ec2.associate_trunk_interface(BranchInterfaceId=eni, TrunkInterfaceId=trunk, VlanId=7)
    assert fails(ec2.associate_trunk_interface, BranchInterfaceId=plain, TrunkInterfaceId=trunk,
                 VlanId=7)[0] == "InvalidParameterValue"            # VLAN 7 is taken
    assert fails(ec2.associate_trunk_interface, BranchInterfaceId=eni, TrunkInterfaceId=trunk,
                 GreKey=9)[0] == "InvalidParameterValue"            # one trunk per branch
    gre = ec2.associate_trunk_interface(BranchInterfaceId=plain, TrunkInterfaceId=trunk,
                                        GreKey=9)["InterfaceAssociation"]
    assert gre["InterfaceProtocol"] == "GRE" and gre["GreKey"] == 9
    ec2.delete_network_interface(NetworkInterfaceId=plain)
    assert len(trunk_associations(ec2)) == 1


def test_granted_account_attaches_the_interface(ec2, eni):
    theirs = boto3.client("ec2", region_name="us-east-1", aws_access_key_id=OTHER,
                          aws_secret_access_key="testing")
    their_subnet = theirs.describe_subnets(Filters=[
        {"Name": "availability-zone", "Values": ["us-east-1a"]}])["Subnets"][0]["SubnetId"]
    instance = theirs.run_instances(ImageId="ami-057c3ffbeeff55523", MinCount=1, MaxCount=1,
                                    InstanceType="t3.micro", SubnetId=their_subnet)[
        "Instances"][0]["InstanceId"]
    assert fails(theirs.attach_network_interface, NetworkInterfaceId=eni, InstanceId=instance,
                 DeviceIndex=1)[0] == "InvalidNetworkInterfaceID.NotFound"
    ec2.create_network_interface_permission(NetworkInterfaceId=eni, AwsAccountId=OTHER,
                                            Permission="INSTANCE-ATTACH")
    attachment = theirs.attach_network_interface(NetworkInterfaceId=eni, InstanceId=instance,
                                                 DeviceIndex=1)["AttachmentId"]
    assert attachment.startswith("eni-attach-")
    found = ec2.describe_network_interfaces(NetworkInterfaceIds=[eni])["NetworkInterfaces"][0]
    assert found["Attachment"]["InstanceId"] == instance
    permission = permissions(ec2)[0]["NetworkInterfacePermissionId"]
    assert fails(ec2.delete_network_interface_permission,
                 NetworkInterfacePermissionId=permission)[0] == "InvalidPermission.InUse"
    assert ec2.delete_network_interface_permission(NetworkInterfacePermissionId=permission,
                                                   Force=True)["Return"]


def test_granted_account_associates_an_elastic_ip(ec2, vpc, eni):
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    theirs = boto3.client("ec2", region_name="us-east-1", aws_access_key_id=OTHER,
                          aws_secret_access_key="testing")
    alloc = theirs.allocate_address(Domain="vpc")["AllocationId"]
    assert fails(theirs.associate_address, AllocationId=alloc,
                 NetworkInterfaceId=eni)[0] == "InvalidNetworkInterfaceID.NotFound"
    ec2.create_network_interface_permission(NetworkInterfaceId=eni, AwsAccountId=OTHER,
                                            Permission="EIP-ASSOCIATE")
    assert theirs.associate_address(AllocationId=alloc, NetworkInterfaceId=eni)[
        "AssociationId"].startswith("eipassoc-")
