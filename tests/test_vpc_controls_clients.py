"""VPC Block Public Access, security group VPC associations, encryption controls and network
interface permissions as Terraform's AWS provider drives them: the ids and filters it reads
by, the states its waiters wait for, the error codes it takes for "already gone"; and AWS's
quota of VPC BPA exclusions."""
from __future__ import annotations

from typing import Any

import pytest

from helpers import fails


def _exclusion(ec2, rid: dict[str, str]) -> str:
    return ec2.create_vpc_block_public_access_exclusion(
        InternetGatewayExclusionMode="allow-egress", **rid)["VpcBlockPublicAccessExclusion"][
        "ExclusionId"]


def _exclusion_state(ec2, eid: str) -> str:
    return ec2.describe_vpc_block_public_access_exclusions(ExclusionIds=[eid])[
        "VpcBlockPublicAccessExclusions"][0]["State"]


def _terraform_exclusion_cycle(ec2) -> None:
    """Create (waits for create-complete by ExclusionIds), delete (waits for delete-complete,
    seen twice), delete again (InvalidParameterValue '... is in delete-complete state and
    cannot be deleted', which Terraform takes for gone)."""
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    eid = _exclusion(ec2, {"VpcId": vpc})
    assert _exclusion_state(ec2, eid) == "create-complete"
    ec2.delete_vpc_block_public_access_exclusion(ExclusionId=eid)
    assert [_exclusion_state(ec2, eid) for _ in range(2)] == ["delete-complete"] * 2
    code, message = fails(ec2.delete_vpc_block_public_access_exclusion, ExclusionId=eid)
    assert code == "InvalidParameterValue"
    assert "is in delete-complete state and cannot be deleted" in message
    code, _ = fails(ec2.modify_vpc_block_public_access_exclusion, ExclusionId=eid,
                    InternetGatewayExclusionMode="allow-bidirectional")
    assert code == "InvalidParameterValue"


def test_exclusion_as_terraform_drives_it(ec2):
    _terraform_exclusion_cycle(ec2)


def test_exclusion_as_terraform_drives_it_over_the_server(server_ec2):
    _terraform_exclusion_cycle(server_ec2)


def test_exclusion_quota(ec2):
    """50 exclusions an account and Region (Amazon VPC quotas); deleted ones do not count."""
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{n}.0/24")["Subnet"]["SubnetId"]
               for n in range(51)]
    made = [_exclusion(ec2, {"SubnetId": s}) for s in subnets[:50]]
    code, message = fails(ec2.create_vpc_block_public_access_exclusion,
                          InternetGatewayExclusionMode="allow-egress", SubnetId=subnets[50])
    assert code == "ResourceLimitExceeded" and "50" in message
    assert len(ec2.describe_vpc_block_public_access_exclusions()[
        "VpcBlockPublicAccessExclusions"]) == 50          # nothing was added
    ec2.delete_vpc_block_public_access_exclusion(ExclusionId=made[0])
    assert _exclusion(ec2, {"SubnetId": subnets[50]}).startswith("vpcbpa-exclude-")


# -- security group VPC associations ------------------------------------------------------------
def _two_vpcs(ec2) -> dict[str, str]:
    home = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    away = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    sg = ec2.create_security_group(GroupName="shared", Description="shared", VpcId=home)[
        "GroupId"]
    return {"home": home, "away": away, "sg": sg}


def _by_two_part_key(ec2, sg: str, vpc: str) -> list[dict[str, Any]]:
    """Terraform's finder: filters group-id and vpc-id, every page."""
    pages = ec2.get_paginator("describe_security_group_vpc_associations").paginate(Filters=[
        {"Name": "group-id", "Values": [sg]}, {"Name": "vpc-id", "Values": [vpc]}])
    return [row for page in pages for row in page["SecurityGroupVpcAssociations"]]


@pytest.mark.parametrize("client", ["ec2", "server_ec2"])
def test_association_as_terraform_drives_it(client, request):
    ec2 = request.getfixturevalue(client)
    net = _two_vpcs(ec2)
    assert ec2.associate_security_group_vpc(GroupId=net["sg"], VpcId=net["away"])[
        "State"] == "associating"
    assert [r["State"] for r in _by_two_part_key(ec2, net["sg"], net["away"])] == ["associated"]
    assert ec2.disassociate_security_group_vpc(GroupId=net["sg"], VpcId=net["away"])[
        "State"] == "disassociating"
    # the delete waiter's target is "not found": no row remains
    assert _by_two_part_key(ec2, net["sg"], net["away"]) == []
    ec2.delete_security_group(GroupId=net["sg"])
    assert fails(ec2.disassociate_security_group_vpc, GroupId=net["sg"],
                 VpcId=net["away"])[0] == "InvalidGroup.NotFound"   # Terraform: gone


# -- encryption controls and interface permissions ----------------------------------------------
@pytest.mark.parametrize("client", ["ec2", "server_ec2"])
def test_encryption_control_as_terraform_drives_it(client, request):
    ec2 = request.getfixturevalue(client)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    ec = ec2.create_vpc_encryption_control(VpcId=vpc)["VpcEncryptionControl"][
        "VpcEncryptionControlId"]
    found = ec2.describe_vpc_encryption_controls(VpcEncryptionControlIds=[ec])[
        "VpcEncryptionControls"]
    assert [c["State"] for c in found] == ["available"]
    assert ec2.delete_vpc_encryption_control(VpcEncryptionControlId=ec)[
        "VpcEncryptionControl"]["State"] == "deleting"
    for call in (ec2.describe_vpc_encryption_controls, ec2.delete_vpc_encryption_control):
        args = ({"VpcEncryptionControlIds": [ec]} if call == ec2.describe_vpc_encryption_controls
                else {"VpcEncryptionControlId": ec})
        assert fails(call, **args)[0] == "InvalidVpcEncryptionControlId.NotFound"
    assert "EncryptionControl" not in ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"][0]


@pytest.mark.parametrize("client", ["ec2", "server_ec2"])
def test_interface_permission_as_terraform_drives_it(client, request):
    ec2 = request.getfixturevalue(client)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    eni = ec2.create_network_interface(SubnetId=subnet)["NetworkInterface"]["NetworkInterfaceId"]
    made = ec2.create_network_interface_permission(
        NetworkInterfaceId=eni, AwsAccountId="210987654321", Permission="INSTANCE-ATTACH")[
        "InterfacePermission"]
    pid = made["NetworkInterfacePermissionId"]
    assert pid.startswith("eni-perm-")
    found = ec2.describe_network_interface_permissions(NetworkInterfacePermissionIds=[pid])[
        "NetworkInterfacePermissions"]
    assert [p["PermissionState"]["State"] for p in found] == ["granted"]
    assert ec2.delete_network_interface_permission(NetworkInterfacePermissionId=pid)["Return"]
    # the delete waiter's target is "not found"; a second delete is taken for gone
    assert fails(ec2.describe_network_interface_permissions,
                 NetworkInterfacePermissionIds=[pid])[0] == "InvalidPermissionID.NotFound"
    assert fails(ec2.delete_network_interface_permission,
                 NetworkInterfacePermissionId=pid)[0] == "InvalidPermissionID.NotFound"
