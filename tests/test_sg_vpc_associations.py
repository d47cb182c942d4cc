"""Security group VPC associations: associate a group with another VPC, describe them, the
groups a VPC may use, and reachability through an associated group."""
from __future__ import annotations

import pytest

from helpers import fails
from test_routing_lab import Lab, codes, lab  # noqa: F401  (lab is a fixture)


@pytest.fixture
def two(ec2) -> dict[str, str]:
    home = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    away = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    sg = ec2.create_security_group(GroupName="shared", Description="shared group",
                                   VpcId=home)["GroupId"]
    return {"home": home, "away": away, "sg": sg}


def associations(ec2, **kwargs) -> list[dict]:
    return ec2.describe_security_group_vpc_associations(**kwargs)["SecurityGroupVpcAssociations"]


def test_associate_and_describe(ec2, two):
    answer = ec2.associate_security_group_vpc(GroupId=two["sg"], VpcId=two["away"])
    assert answer["State"] == "associating"
    assert associations(ec2) == [{"GroupId": two["sg"], "VpcId": two["away"],
                                  "VpcOwnerId": "123456789012", "State": "associated",
                                  "GroupOwnerId": "123456789012"}]
    assert associations(ec2, Filters=[{"Name": "vpc-id", "Values": [two["home"]]}]) == []
    assert len(associations(ec2, Filters=[{"Name": "group-id", "Values": [two["sg"]]},
                                          {"Name": "state", "Values": ["associated"]}])) == 1


def test_association_refusals(ec2, two):
    default = ec2.describe_security_groups(Filters=[
        {"Name": "vpc-id", "Values": [two["home"]]},
        {"Name": "group-name", "Values": ["default"]}])["SecurityGroups"][0]["GroupId"]
    assert fails(ec2.associate_security_group_vpc, GroupId=default,
                 VpcId=two["away"])[0] == "InvalidParameterValue"
    assert fails(ec2.associate_security_group_vpc, GroupId=two["sg"],
                 VpcId=two["home"])[0] == "InvalidParameterValue"
    assert fails(ec2.associate_security_group_vpc, GroupId=two["sg"],
                 VpcId="vpc-0123456789abcdef0")[0] == "InvalidVpcID.NotFound"
    assert fails(ec2.associate_security_group_vpc, GroupId="sg-0123456789abcdef0",
                 VpcId=two["away"])[0] == "InvalidGroup.NotFound"
    assert fails(ec2.associate_security_group_vpc, GroupId=two["sg"], VpcId=two["away"],
                 DryRun=True)[0] == "DryRunOperation"
    assert associations(ec2) == []
    ec2.associate_security_group_vpc(GroupId=two["sg"], VpcId=two["away"])
    assert fails(ec2.associate_security_group_vpc, GroupId=two["sg"],
                 VpcId=two["away"])[0] == "InvalidGroup.AlreadyAssociated"


def test_associated_group_on_an_interface_of_the_other_vpc(ec2, two):
    subnet = ec2.create_subnet(VpcId=two["away"], CidrBlock="10.1.0.0/24")["Subnet"]["SubnetId"]
    assert fails(ec2.create_network_interface, SubnetId=subnet,
                 Groups=[two["sg"]])[0] == "InvalidGroup.NotFound"
    ec2.associate_security_group_vpc(GroupId=two["sg"], VpcId=two["away"])
    eni = ec2.create_network_interface(SubnetId=subnet, Groups=[two["sg"]])[
        "NetworkInterface"]
    assert [g["GroupId"] for g in eni["Groups"]] == [two["sg"]]
    # in use there: no disassociation, and the group cannot be deleted while associated
    assert fails(ec2.disassociate_security_group_vpc, GroupId=two["sg"],
                 VpcId=two["away"])[0] == "DependencyViolation"
    assert fails(ec2.delete_security_group, GroupId=two["sg"])[0] == "DependencyViolation"
    ec2.delete_network_interface(NetworkInterfaceId=eni["NetworkInterfaceId"])
    answer = ec2.disassociate_security_group_vpc(GroupId=two["sg"], VpcId=two["away"])
    assert answer["State"] == "disassociating"
    assert associations(ec2) == []
    assert fails(ec2.disassociate_security_group_vpc, GroupId=two["sg"],
                 VpcId=two["away"])[0] == "InvalidGroup.NotAssociated"
    ec2.delete_security_group(GroupId=two["sg"])


def test_rules_of_the_other_vpc_may_name_the_associated_group(ec2, two):
    local = ec2.create_security_group(GroupName="local", Description="l",
                                      VpcId=two["away"])["GroupId"]
    rule = {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
            "UserIdGroupPairs": [{"GroupId": two["sg"]}]}
    assert fails(ec2.authorize_security_group_ingress, GroupId=local,
                 IpPermissions=[rule])[0] == "InvalidGroup.NotFound"
    ec2.associate_security_group_vpc(GroupId=two["sg"], VpcId=two["away"])
    ec2.authorize_security_group_ingress(GroupId=local, IpPermissions=[rule])


def test_groups_for_vpc(ec2, two):
    def listed(vpc, **kwargs):
        return ec2.get_security_groups_for_vpc(VpcId=vpc, **kwargs)["SecurityGroupForVpcs"]
    assert two["sg"] not in [g["GroupId"] for g in listed(two["away"])]
    ec2.associate_security_group_vpc(GroupId=two["sg"], VpcId=two["away"])
    found = {g["GroupId"]: g for g in listed(two["away"])}
    assert found[two["sg"]]["PrimaryVpcId"] == two["home"]
    assert found[two["sg"]]["GroupName"] == "shared"
    assert len(found) == 2          # the VPC's default group and the associated one
    only = listed(two["away"], Filters=[{"Name": "primary-vpc-id", "Values": [two["home"]]}])
    assert [g["GroupId"] for g in only] == [two["sg"]]
    page = ec2.get_security_groups_for_vpc(VpcId=two["away"], MaxResults=5)
    assert len(page["SecurityGroupForVpcs"]) == 2 and "NextToken" not in page
    assert fails(ec2.get_security_groups_for_vpc, VpcId="vpc-0123456789abcdef0")[0] == \
        "InvalidVpcID.NotFound"
    assert fails(ec2.get_security_groups_for_vpc, VpcId=two["away"],
                 NextToken="garbage")[0] == "InvalidPaginationToken"


def test_associations_over_the_server(server_ec2):
    home = server_ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    away = server_ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    sg = server_ec2.create_security_group(GroupName="s", Description="s", VpcId=home)["GroupId"]
    assert server_ec2.associate_security_group_vpc(GroupId=sg, VpcId=away)["State"] == \
        "associating"
    assert associations(server_ec2)[0]["State"] == "associated"
    assert fails(server_ec2.associate_security_group_vpc, GroupId=sg, VpcId=home)[0] == \
        "InvalidParameterValue"


# -- reachability ------------------------------------------------------------------------------
def test_associated_group_rules_govern_reachability(lab):
    home, away = lab.vpc("10.0.0.0/16"), lab.vpc("10.1.0.0/16")
    subnet = lab.subnet(away, "10.1.1.0/24")
    shared = lab.group(home, "ssh-from-vpc", ("tcp", 22, "10.1.0.0/16"))
    lab.ec2.associate_security_group_vpc(GroupId=shared, VpcId=away)
    client, _ = lab.instance(subnet, lab.group(away, "client"))
    server, _ = lab.instance(subnet, shared)
    assert lab.reach(client, server, destination_port=22).network_path_found
    assert codes(lab.reach(client, server, destination_port=80)) == ["ENI_SG_RULES_MISMATCH"]


def test_rule_referencing_an_associated_group(lab):
    home, away = lab.vpc("10.0.0.0/16"), lab.vpc("10.1.0.0/16")
    subnet = lab.subnet(away, "10.1.1.0/24")
    shared = lab.group(home, "clients")
    lab.ec2.associate_security_group_vpc(GroupId=shared, VpcId=away)
    guard = lab.group(away, "guard", ("tcp", 443, shared))
    server, _ = lab.instance(subnet, guard)
    member, _ = lab.instance(subnet, shared)
    stranger, _ = lab.instance(subnet, lab.group(away, "other"))
    assert lab.reach(member, server, destination_port=443).network_path_found
    assert codes(lab.reach(stranger, server, destination_port=443)) == [
        "ENI_SG_RULES_MISMATCH"]
