"""Security groups and their rules through boto3, in-process and against the server."""
from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from topology.core import schema
from helpers import default_vpc, error, fails

CHARSET = "a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*"


def tcp(port: int, *cidrs: str, to: int | None = None, **extra: Any) -> dict[str, Any]:
    return {"IpProtocol": "tcp", "FromPort": port, "ToPort": port if to is None else to,
            "IpRanges": [{"CidrIp": c} for c in cidrs], **extra}


def vpc(ec2: Any, cidr: str = "10.0.0.0/16", **kwargs: Any) -> str:
    return ec2.create_vpc(CidrBlock=cidr, **kwargs)["Vpc"]["VpcId"]


def group(ec2: Any, vpc_id: str | None = None, name: str = "web", **kwargs: Any) -> str:
    if vpc_id is not None:
        kwargs["VpcId"] = vpc_id
    return ec2.create_security_group(GroupName=name, Description=f"{name} tier",
                                     **kwargs)["GroupId"]


def described(ec2: Any, sg_id: str) -> dict[str, Any]:
    return ec2.describe_security_groups(GroupIds=[sg_id])["SecurityGroups"][0]


def rules_of(ec2: Any, sg_id: str) -> list[dict[str, Any]]:
    return ec2.describe_security_group_rules(
        Filters=[{"Name": "group-id", "Values": [sg_id]}])["SecurityGroupRules"]


def default_group(ec2: Any, vpc_id: str) -> str:
    return ec2.describe_security_groups(Filters=[
        {"Name": "vpc-id", "Values": [vpc_id]},
        {"Name": "group-name", "Values": ["default"]}])["SecurityGroups"][0]["GroupId"]


# -- create -------------------------------------------------------------------------------
def test_create_without_vpc_goes_to_default_vpc_with_allow_all_egress(ec2):
    out = ec2.create_security_group(GroupName="web", Description="web tier")
    sg_id = out["GroupId"]
    assert sg_id.startswith("sg-") and len(sg_id) == 20
    assert out["SecurityGroupArn"] == f"arn:aws:ec2:us-east-1:123456789012:security-group/{sg_id}"
    assert "Tags" not in out
    found = described(ec2, sg_id)
    assert found["VpcId"] == default_vpc(ec2)
    assert (found["GroupName"], found["Description"], found["OwnerId"]) == \
        ("web", "web tier", "123456789012")
    assert found["IpPermissions"] == []
    assert found["IpPermissionsEgress"] == [{
        "IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [],
        "PrefixListIds": [], "UserIdGroupPairs": []}]


def test_create_in_ipv6_vpc_also_allows_all_ipv6_egress(ec2):
    vpc_id = vpc(ec2, AmazonProvidedIpv6CidrBlock=True)
    egress = described(ec2, group(ec2, vpc_id))["IpPermissionsEgress"]
    assert [(p["IpRanges"], p["Ipv6Ranges"]) for p in egress] == \
        [([{"CidrIp": "0.0.0.0/0"}], [{"CidrIpv6": "::/0"}])]


def test_every_vpc_has_a_default_group_that_admits_itself(ec2):
    vpc_id = vpc(ec2)
    sg_id = default_group(ec2, vpc_id)
    found = described(ec2, sg_id)
    assert found["Description"] == "default VPC security group"
    assert found["IpPermissions"] == [{
        "IpProtocol": "-1", "IpRanges": [], "Ipv6Ranges": [], "PrefixListIds": [],
        "UserIdGroupPairs": [{"GroupId": sg_id, "UserId": "123456789012"}]}]


def test_create_with_tags(ec2):
    out = ec2.create_security_group(GroupName="web", Description="d", TagSpecifications=[
        {"ResourceType": "security-group", "Tags": [{"Key": "Name", "Value": "a&b"}]}])
    assert out["Tags"] == [{"Key": "Name", "Value": "a&b"}]
    assert described(ec2, out["GroupId"])["Tags"] == [{"Key": "Name", "Value": "a&b"}]
    code, message = fails(ec2.create_security_group, GroupName="x", Description="d",
                          TagSpecifications=[{"ResourceType": "vpc", "Tags": [
                              {"Key": "k", "Value": "v"}]}])
    assert code == "InvalidParameterValue" and "'vpc'" in message


def test_group_names_are_unique_per_vpc_case_insensitively(ec2):
    vpc_id = vpc(ec2)
    group(ec2, vpc_id, "web")
    for name in ("web", "WEB"):
        assert fails(ec2.create_security_group, GroupName=name, Description="d",
                     VpcId=vpc_id) == ("InvalidGroup.Duplicate",
                                       f"The security group '{name}' already exists for VPC "
                                       f"'{vpc_id}'")
    other = group(ec2, vpc(ec2, "10.1.0.0/16"), "web")     # another VPC may reuse it
    assert described(ec2, other)["GroupName"] == "web"


@pytest.mark.parametrize("name, description, message", [
    ("sg-web", "d", "Value (sg-web) for parameter GroupName is invalid. "
                    "Group names may not be in the format sg-*."),
    ("default", "d", "Cannot use reserved security group name: default"),
    ("web", "caf\u00e9", "Value (caf\u00e9) for parameter GroupDescription is invalid. "
                         "Character sets beyond ASCII are not supported."),
    ("web", "it's", "Invalid security group description. Valid descriptions are strings "
                    f"less than 256 characters from the following set:  {CHARSET}"),
    ("w" * 256, "d", "Invalid security group name. Valid names are strings less than 256 "
                     f"characters from the following set:  {CHARSET}"),
])
def test_create_rejects_bad_names_and_descriptions(ec2, name, description, message):
    before = ec2.describe_security_groups()["SecurityGroups"]
    assert fails(ec2.create_security_group, GroupName=name,
                 Description=description) == ("InvalidParameterValue", message)
    assert ec2.describe_security_groups()["SecurityGroups"] == before


def test_create_names_allow_awss_characters(ec2):
    name = "a-zA-Z 0.9_:/()#,@[]+=&;{}!$*"
    assert described(ec2, group(ec2, name=name))["GroupName"] == name


def test_create_in_unknown_vpc(ec2):
    assert fails(ec2.create_security_group, GroupName="w", Description="d",
                 VpcId="vpc-12345678") == ("InvalidVpcID.NotFound",
                                           "The vpc ID 'vpc-12345678' does not exist")


def test_create_without_vpc_when_there_is_no_default_vpc(ec2, mock):
    mock.world.update(default_vpc(ec2), IsDefault=False)
    assert fails(ec2.create_security_group, GroupName="w", Description="d") == \
        ("VPCIdNotSpecified", "No default VPC for this user")


def test_create_dry_run(ec2):
    before = ec2.describe_security_groups()["SecurityGroups"]
    assert fails(ec2.create_security_group, GroupName="w", Description="d", DryRun=True) == \
        ("DryRunOperation", "Request would have succeeded, but DryRun flag is set.")
    assert fails(ec2.create_security_group, GroupName="sg-w", Description="d",
                 DryRun=True)[0] == "InvalidParameterValue"
    assert ec2.describe_security_groups()["SecurityGroups"] == before


# -- delete -------------------------------------------------------------------------------
def test_delete_by_id_removes_group_and_rules(ec2):
    sg_id = group(ec2, vpc(ec2))
    ec2.authorize_security_group_ingress(GroupId=sg_id, IpPermissions=[tcp(22, "10.0.0.0/8")])
    rule_ids = [r["SecurityGroupRuleId"] for r in rules_of(ec2, sg_id)]
    out = ec2.delete_security_group(GroupId=sg_id)
    assert (out["Return"], out["GroupId"]) == (True, sg_id)
    assert fails(ec2.describe_security_groups, GroupIds=[sg_id]) == \
        ("InvalidGroup.NotFound", f"The security group '{sg_id}' does not exist")
    assert fails(ec2.describe_security_group_rules, SecurityGroupRuleIds=rule_ids[:1]) == \
        ("InvalidSecurityGroupRuleId.NotFound",
         f"The security group rule ID '{rule_ids[0]}' does not exist")
    assert fails(ec2.delete_security_group, GroupId=sg_id) == \
        ("InvalidGroup.NotFound", f"The security group '{sg_id}' does not exist")


def test_delete_default_group_is_refused(ec2):
    sg_id = default_group(ec2, vpc(ec2))
    assert fails(ec2.delete_security_group, GroupId=sg_id) == (
        "CannotDelete", f'the specified group: "{sg_id}" name: "default" cannot be deleted '
                        "by a user")
    assert fails(ec2.delete_security_group, GroupName="default")[0] == "CannotDelete"


def test_delete_group_named_by_another_groups_rule(ec2):
    vpc_id = vpc(ec2)
    db, app = group(ec2, vpc_id, "db"), group(ec2, vpc_id, "app")
    pair = {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432,
            "UserIdGroupPairs": [{"GroupId": app}]}
    ec2.authorize_security_group_ingress(GroupId=db, IpPermissions=[pair])
    assert fails(ec2.delete_security_group, GroupId=app) == \
        ("DependencyViolation", f"resource {app} has a dependent object")
    assert described(ec2, app)["GroupId"] == app
    ec2.revoke_security_group_ingress(GroupId=db, IpPermissions=[pair])
    ec2.delete_security_group(GroupId=app)


def test_delete_group_that_names_itself(ec2):
    sg_id = group(ec2, vpc(ec2))
    ec2.authorize_security_group_ingress(GroupId=sg_id, IpPermissions=[
        {"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": sg_id}]}])
    ec2.delete_security_group(GroupId=sg_id)


def test_delete_group_in_use_by_a_network_interface(ec2, mock):
    vpc_id = vpc(ec2)
    sg_id = group(ec2, vpc_id)
    world = mock.world
    part = world.partition("123456789012", "us-east-1")
    world.add(part, "network-interface", "eni-0123456789abcdef0")
    world.link("eni-0123456789abcdef0", sg_id, schema.ASSOCIATED)
    assert fails(ec2.delete_security_group, GroupId=sg_id) == \
        ("DependencyViolation", f"resource {sg_id} has a dependent object")
    world.remove("eni-0123456789abcdef0")
    ec2.delete_security_group(GroupId=sg_id)


def test_delete_by_name_looks_in_the_default_vpc(ec2):
    in_default = group(ec2, name="web")
    group(ec2, vpc(ec2), name="app")
    assert ec2.delete_security_group(GroupName="web")["GroupId"] == in_default
    assert fails(ec2.delete_security_group, GroupName="app") == (
        "InvalidGroup.NotFound",
        f"The security group 'app' does not exist in default VPC '{default_vpc(ec2)}'")


def test_delete_needs_a_group_and_a_well_formed_id(ec2):
    assert fails(ec2.delete_security_group) == \
        ("MissingParameter", "The request must contain the parameter groupName or groupId")
    assert fails(ec2.delete_security_group, GroupId="web") == \
        ("InvalidGroupId.Malformed", 'Invalid id: "web" (expecting "sg-...")')


def test_a_vpc_goes_only_after_its_own_groups_and_takes_its_default_group(ec2):
    vpc_id = vpc(ec2)
    sg_id, default = group(ec2, vpc_id), default_group(ec2, vpc_id)
    assert fails(ec2.delete_vpc, VpcId=vpc_id)[0] == "DependencyViolation"
    ec2.delete_security_group(GroupId=sg_id)
    ec2.delete_vpc(VpcId=vpc_id)
    assert fails(ec2.describe_security_groups, GroupIds=[default])[0] == "InvalidGroup.NotFound"
    assert ec2.describe_security_groups(
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["SecurityGroups"] == []


# -- authorize ----------------------------------------------------------------------------
def test_authorize_fans_out_one_rule_per_peer_and_groups_them_back(ec2):
    vpc_id = vpc(ec2)
    sg_id, other = group(ec2, vpc_id), group(ec2, vpc_id, "other")
    perm = {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 443,
            "IpRanges": [{"CidrIp": "10.0.0.0/8", "Description": "corp"},
                         {"CidrIp": "192.168.0.0/16"}],
            "Ipv6Ranges": [{"CidrIpv6": "2001:db8::/32"}],
            "UserIdGroupPairs": [{"GroupId": other, "Description": "from other"}]}
    out = ec2.authorize_security_group_ingress(GroupId=sg_id, IpPermissions=[perm])
    assert out["Return"] is True
    created = out["SecurityGroupRules"]
    assert len({r["SecurityGroupRuleId"] for r in created}) == 4
    assert all(r["SecurityGroupRuleId"].startswith("sgr-") for r in created)
    assert [(r["GroupId"], r["IsEgress"], r["IpProtocol"], r["FromPort"], r["ToPort"])
            for r in created] == [(sg_id, False, "tcp", 80, 443)] * 4
    assert [r.get("CidrIpv4") or r.get("CidrIpv6") or r["ReferencedGroupInfo"]["GroupId"]
            for r in created] == ["10.0.0.0/8", "192.168.0.0/16", "2001:db8::/32", other]
    assert created[0]["Description"] == "corp" and "Description" not in created[1]
    assert created[3]["ReferencedGroupInfo"] == {"GroupId": other, "UserId": "123456789012"}
    assert described(ec2, sg_id)["IpPermissions"] == [{
        "IpProtocol": "tcp", "FromPort": 80, "ToPort": 443,
        "IpRanges": [{"CidrIp": "10.0.0.0/8", "Description": "corp"},
                     {"CidrIp": "192.168.0.0/16"}],
        "Ipv6Ranges": [{"CidrIpv6": "2001:db8::/32"}], "PrefixListIds": [],
        "UserIdGroupPairs": [{"GroupId": other, "UserId": "123456789012",
                              "Description": "from other"}]}]
    assert sorted(r["SecurityGroupRuleId"] for r in rules_of(ec2, sg_id) if not r["IsEgress"]) \
        == sorted(r["SecurityGroupRuleId"] for r in created)


@pytest.mark.parametrize("given, stored, ports", [
    ("tcp", "tcp", (22, 22)), ("TCP", "tcp", (22, 22)), ("6", "tcp", (22, 22)),
    ("17", "udp", (22, 22)), ("Udp", "udp", (22, 22)), ("1", "icmp", (8, 0)),
    ("58", "icmpv6", (128, 0)), ("-1", "-1", None), ("50", "50", None), ("0", "0", None),
])
def test_authorize_protocols_read_back_as_aws_names(ec2, given, stored, ports):
    sg_id = group(ec2, vpc(ec2))
    low, high = ports or (22, 80)
    out = ec2.authorize_security_group_ingress(GroupId=sg_id, IpPermissions=[{
        "IpProtocol": given, "FromPort": low, "ToPort": high,
        "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}])
    rule = out["SecurityGroupRules"][0]
    assert rule["IpProtocol"] == stored
    assert (rule["FromPort"], rule["ToPort"]) == (ports or (-1, -1))
    perm = described(ec2, sg_id)["IpPermissions"][0]
    assert perm["IpProtocol"] == stored
    assert (perm.get("FromPort"), perm.get("ToPort")) == (ports or (None, None))


@pytest.mark.parametrize("perm, message", [
    ({"IpProtocol": "all"}, "Invalid value 'all' for IP protocol. Unknown protocol."),
    ({"IpProtocol": "256"}, "Invalid value '256' for IP protocol. Unknown protocol."),
    ({"IpProtocol": "gre"}, "Invalid value 'gre' for IP protocol. Unknown protocol."),
    ({}, "Invalid value 'null' for protocol. VPC security group rules must specify "
         "protocols explicitly."),
    ({"IpProtocol": "tcp", "ToPort": 22},
     "Invalid value for portRange. Must specify both from and to ports with TCP/UDP."),
    ({"IpProtocol": "udp"},
     "Invalid value for portRange. Must specify both from and to ports with TCP/UDP."),
    ({"IpProtocol": "tcp", "FromPort": -1, "ToPort": -1}, "TCP/UDP (from) port (-1) out of range"),
    ({"IpProtocol": "tcp", "FromPort": 0, "ToPort": 65536}, "TCP/UDP (to) port (65536) out of range"),
    ({"IpProtocol": "tcp", "FromPort": 23, "ToPort": 22}, "Invalid TCP/UDP port range (23:22)"),
    ({"IpProtocol": "icmp"},
     "Invalid value for portRange. Must specify both from and to ports with ICMP."),
    ({"IpProtocol": "icmp", "FromPort": 256, "ToPort": 0}, "ICMP type (256) out of range"),
    ({"IpProtocol": "icmpv6", "FromPort": 1, "ToPort": -2}, "ICMPv6 code (-2) out of range"),
    ({"IpProtocol": "icmp", "FromPort": -1, "ToPort": 3},
     "Invalid value for portRange. If you specify all ICMP types, you must specify all "
     "ICMP codes."),
])
def test_authorize_rejects_bad_protocols_and_ports(ec2, perm, message):
    sg_id = group(ec2, vpc(ec2))
    perm = {**perm, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}
    assert fails(ec2.authorize_security_group_ingress, GroupId=sg_id,
                 IpPermissions=[perm]) == ("InvalidParameterValue", message)
    assert described(ec2, sg_id)["IpPermissions"] == []


def test_authorize_icmp_all_types_and_all_protocols(ec2):
    sg_id = group(ec2, vpc(ec2))
    ec2.authorize_security_group_ingress(GroupId=sg_id, IpPermissions=[
        {"IpProtocol": "icmp", "FromPort": -1, "ToPort": -1, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
        {"IpProtocol": "-1", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}])
    perms = described(ec2, sg_id)["IpPermissions"]
    assert [(p["IpProtocol"], p.get("FromPort"), p.get("ToPort")) for p in perms] == \
        [("icmp", -1, -1), ("-1", None, None)]


def test_authorize_canonicalises_cidrs_and_rejects_malformed_ones(ec2):
    sg_id = group(ec2, vpc(ec2))
    out = ec2.authorize_security_group_ingress(GroupId=sg_id, IpPermissions=[
        tcp(22, "100.68.0.18/18", Ipv6Ranges=[{"CidrIpv6": "2001:db8::1/32"}])])
    assert [r.get("CidrIpv4") or r.get("CidrIpv6") for r in out["SecurityGroupRules"]] == \
        ["100.68.0.0/18", "2001:db8::/32"]
    assert fails(ec2.authorize_security_group_ingress, GroupId=sg_id,
                 IpPermissions=[tcp(22, "100.68.0.0/18")]) == (
        "InvalidPermission.Duplicate",
        'the specified rule "peer: 100.68.0.0/18, TCP, from port: 22, to port: 22, ALLOW" '
        "already exists")
    for bad in ("::/0", "10.0.0.0/33", "10.0.0.1", "nonsense"):
        assert fails(ec2.authorize_security_group_ingress, GroupId=sg_id,
                     IpPermissions=[tcp(22, bad)]) == ("InvalidParameterValue",
                                                        f"CIDR block {bad} is malformed")
    assert fails(ec2.authorize_security_group_ingress, GroupId=sg_id, IpPermissions=[
        {"IpProtocol": "-1", "Ipv6Ranges": [{"CidrIpv6": "0.0.0.0/0"}]}]) == \
        ("InvalidParameterValue", "CIDR block 0.0.0.0/0 is malformed")


def test_duplicate_messages_name_the_rule_as_aws_does(ec2):
    vpc_id = vpc(ec2)
    sg_id, other = group(ec2, vpc_id), group(ec2, vpc_id, "other")
    assert fails(ec2.authorize_security_group_egress, GroupId=sg_id, IpPermissions=[
        {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]) == (
        "InvalidPermission.Duplicate",
        'the specified rule "peer: 0.0.0.0/0, ALL, ALLOW" already exists')
    udp = {"IpProtocol": "udp", "FromPort": 0, "ToPort": 65535,
           "UserIdGroupPairs": [{"GroupId": other}]}
    ec2.authorize_security_group_ingress(GroupId=sg_id, IpPermissions=[udp])
    assert fails(ec2.authorize_security_group_ingress, GroupId=sg_id, IpPermissions=[udp])[1] == \
        f'the specified rule "peer: {other}, UDP, from port: 0, to port: 65535, ALLOW" ' \
        "already exists"


def test_duplicate_within_one_request(ec2):
    sg_id = group(ec2, vpc(ec2))
    code, _ = fails(ec2.authorize_security_group_ingress, GroupId=sg_id,
                    IpPermissions=[tcp(22, "10.0.0.0/8", "10.0.0.0/8")])
    assert code == "InvalidPermission.Duplicate"
    assert described(ec2, sg_id)["IpPermissions"] == []


def test_a_description_does_not_make_a_rule_new(ec2):
    sg_id = group(ec2, vpc(ec2))
    ec2.authorize_security_group_ingress(GroupId=sg_id, IpPermissions=[tcp(22, "10.0.0.0/8")])
    perm = {**tcp(22), "IpRanges": [{"CidrIp": "10.0.0.0/8", "Description": "again"}]}
    assert fails(ec2.authorize_security_group_ingress, GroupId=sg_id,
                 IpPermissions=[perm])[0] == "InvalidPermission.Duplicate"


def test_failed_multi_rule_authorize_changes_nothing(ec2):
    sg_id = group(ec2, vpc(ec2))
    ec2.authorize_security_group_ingress(GroupId=sg_id, IpPermissions=[tcp(443, "0.0.0.0/0")])
    before_group, before_rules = described(ec2, sg_id), rules_of(ec2, sg_id)
    for last in (tcp(443, "0.0.0.0/0"), tcp(70000, "1.0.0.0/8"), tcp(22, "bad/8")):
        with pytest.raises(ClientError):
            ec2.authorize_security_group_ingress(GroupId=sg_id, IpPermissions=[
                tcp(80, "10.0.0.0/8", "10.1.0.0/16"), tcp(8080, "10.2.0.0/16"), last])
    assert described(ec2, sg_id) == before_group
    assert rules_of(ec2, sg_id) == before_rules


def test_authorize_dry_run(ec2):
    sg_id = group(ec2, vpc(ec2))
    assert fails(ec2.authorize_security_group_ingress, GroupId=sg_id, DryRun=True,
                 IpPermissions=[tcp(22, "10.0.0.0/8")])[0] == "DryRunOperation"
    assert fails(ec2.authorize_security_group_ingress, GroupId=sg_id, DryRun=True,
                 IpPermissions=[tcp(22, "10.0.0.0/99")])[0] == "InvalidParameterValue"
    assert described(ec2, sg_id)["IpPermissions"] == []


def test_rule_quota_is_60_per_direction_and_address_family(ec2):
    sg_id = group(ec2, vpc(ec2))
    ec2.authorize_security_group_ingress(GroupId=sg_id, IpPermissions=[
        tcp(port, "10.0.0.0/8") for port in range(1, 61)])
    limit = ("RulesPerSecurityGroupLimitExceeded",
             "The maximum number of rules per security group has been reached.")
    assert fails(ec2.authorize_security_group_ingress, GroupId=sg_id,
                 IpPermissions=[tcp(61, "10.0.0.0/8")]) == limit
    # IPv6 rules have a quota of their own, but a group reference counts in both
    ec2.authorize_security_group_ingress(GroupId=sg_id, IpPermissions=[
        {**tcp(port), "Ipv6Ranges": [{"CidrIpv6": "::/0"}]} for port in range(1, 60)])
    assert fails(ec2.authorize_security_group_ingress, GroupId=sg_id, IpPermissions=[
        {**tcp(1), "UserIdGroupPairs": [{"GroupId": sg_id}]}]) == limit
    # egress is counted apart from ingress
    ec2.authorize_security_group_egress(GroupId=sg_id, IpPermissions=[tcp(22, "10.0.0.0/8")])
    assert len(rules_of(ec2, sg_id)) == 60 + 59 + 2


def test_group_references(ec2):
    vpc_id = vpc(ec2)
    sg_id, same_vpc = group(ec2, vpc_id), group(ec2, vpc_id, "app")
    elsewhere = group(ec2, vpc(ec2, "10.1.0.0/16"), "app")
    in_default = group(ec2, name="lb")
    assert fails(ec2.authorize_security_group_ingress, GroupId=sg_id, IpPermissions=[
        {**tcp(22), "UserIdGroupPairs": [{"GroupId": elsewhere}]}]) == (
        "InvalidGroup.NotFound", "You have specified two resources that belong to different "
                                 "networks.")
    assert fails(ec2.authorize_security_group_ingress, GroupId=sg_id, IpPermissions=[
        {**tcp(22), "UserIdGroupPairs": [{"GroupId": "sg-12345678"}]}]) == (
        "InvalidGroup.NotFound", "The security group 'sg-12345678' does not exist")
    out = ec2.authorize_security_group_ingress(GroupId=sg_id, IpPermissions=[
        {**tcp(22), "UserIdGroupPairs": [{"GroupId": same_vpc}]}])
    assert out["SecurityGroupRules"][0]["ReferencedGroupInfo"]["GroupId"] == same_vpc
    # a bare name is looked up in the default VPC
    default_sg = group(ec2, name="web")
    out = ec2.authorize_security_group_ingress(GroupId=default_sg, IpPermissions=[
        {**tcp(22), "UserIdGroupPairs": [{"GroupName": "lb"}]}])
    assert out["SecurityGroupRules"][0]["ReferencedGroupInfo"]["GroupId"] == in_default
    assert fails(ec2.authorize_security_group_ingress, GroupId=default_sg, IpPermissions=[
        {**tcp(22), "UserIdGroupPairs": [{"GroupName": "nope"}]}]) == (
        "InvalidGroup.NotFound",
        f"The security group 'nope' does not exist in default VPC '{default_vpc(ec2)}'")


def test_group_references_across_a_peering_connection(ec2, mock):
    vpc_a, vpc_b = vpc(ec2), vpc(ec2, "10.1.0.0/16")
    sg_a, sg_b = group(ec2, vpc_a), group(ec2, vpc_b)
    world = mock.world
    part = world.partition("123456789012", "us-east-1")
    world.add(part, "vpc-peering-connection", "pcx-0123456789abcdef0",
              Status={"Code": "active"})
    world.link("pcx-0123456789abcdef0", vpc_a, schema.ASSOCIATED, "requester")
    world.link("pcx-0123456789abcdef0", vpc_b, schema.ASSOCIATED, "accepter")
    out = ec2.authorize_security_group_ingress(GroupId=sg_a, IpPermissions=[
        {**tcp(22), "UserIdGroupPairs": [{"GroupId": sg_b}]}])
    assert out["SecurityGroupRules"][0]["ReferencedGroupInfo"]["GroupId"] == sg_b


def test_cross_account_reference_needs_the_owner_and_a_peering(ec2, mock):
    other = boto3.client("ec2", region_name="us-east-1", aws_access_key_id="111122223333",
                         aws_secret_access_key="x")
    theirs = group(other, vpc(other))
    sg_id = group(ec2, vpc(ec2))
    pair = {**tcp(22), "UserIdGroupPairs": [{"GroupId": theirs}]}
    assert fails(ec2.authorize_security_group_ingress, GroupId=sg_id,
                 IpPermissions=[pair])[0] == "InvalidGroup.NotFound"
    pair["UserIdGroupPairs"][0]["UserId"] = "111122223333"
    assert fails(ec2.authorize_security_group_ingress, GroupId=sg_id, IpPermissions=[pair])[1] \
        == "You have specified two resources that belong to different networks."


def test_prefix_list_peers(ec2, mock):
    sg_id = group(ec2, vpc(ec2))
    assert fails(ec2.authorize_security_group_egress, GroupId=sg_id, IpPermissions=[
        {**tcp(443), "PrefixListIds": [{"PrefixListId": "pl-12345678"}]}]) == \
        ("InvalidPrefixListID.NotFound", "The prefix list ID 'pl-12345678' does not exist")
    world = mock.world
    world.add(world.partition("123456789012", "us-east-1"), "prefix-list", "pl-63a5400a")
    out = ec2.authorize_security_group_egress(GroupId=sg_id, IpPermissions=[
        {**tcp(443), "PrefixListIds": [{"PrefixListId": "pl-63a5400a", "Description": "s3"}]}])
    assert out["SecurityGroupRules"][0]["PrefixListId"] == "pl-63a5400a"
    assert described(ec2, sg_id)["IpPermissionsEgress"][1]["PrefixListIds"] == \
        [{"PrefixListId": "pl-63a5400a", "Description": "s3"}]


def test_legacy_flat_parameters(ec2):
    sg_id = group(ec2, name="web")
    ec2.authorize_security_group_ingress(GroupId=sg_id, CidrIp="10.0.0.0/8", IpProtocol="tcp",
                                         FromPort=22, ToPort=22)
    group(ec2, name="lb")
    ec2.authorize_security_group_ingress(GroupName="web", SourceSecurityGroupName="lb")
    perms = described(ec2, sg_id)["IpPermissions"]
    assert [(p["IpProtocol"], p["FromPort"], p["ToPort"], len(p["IpRanges"]),
             len(p["UserIdGroupPairs"])) for p in perms] == [
        ("tcp", 22, 22, 1, 0), ("tcp", 0, 65535, 0, 1), ("udp", 0, 65535, 0, 1),
        ("icmp", -1, -1, 0, 1)]
    code, _ = fails(ec2.authorize_security_group_ingress, GroupId=sg_id,
                    SourceSecurityGroupName="lb", IpProtocol="tcp")
    assert code == "InvalidParameterCombination"
    assert fails(ec2.authorize_security_group_ingress, GroupId=sg_id, CidrIp="10.0.0.0/8",
                 IpPermissions=[tcp(1, "10.0.0.0/8")])[0] == "InvalidParameterCombination"
    assert fails(ec2.authorize_security_group_ingress, GroupId=sg_id) == \
        ("MissingParameter", "The request must contain the parameter ipPermissions")


def test_rule_descriptions_are_checked(ec2):
    sg_id = group(ec2, vpc(ec2))
    assert fails(ec2.authorize_security_group_ingress, GroupId=sg_id, IpPermissions=[
        {**tcp(22), "IpRanges": [{"CidrIp": "10.0.0.0/8", "Description": "Let's go"}]}]) == (
        "InvalidParameterValue", "Invalid rule description. Valid descriptions are strings "
                                 f"less than 256 characters from the following set:  {CHARSET}")


def test_authorize_tags_the_new_rules(ec2):
    sg_id = group(ec2, vpc(ec2))
    out = ec2.authorize_security_group_ingress(
        GroupId=sg_id, IpPermissions=[tcp(22, "10.0.0.0/8", "10.1.0.0/16")],
        TagSpecifications=[{"ResourceType": "security-group-rule",
                            "Tags": [{"Key": "team", "Value": "net"}]}])
    assert [r["Tags"] for r in out["SecurityGroupRules"]] == [[{"Key": "team", "Value": "net"}]] * 2
    found = ec2.describe_security_group_rules(
        Filters=[{"Name": "tag:team", "Values": ["net"]}])["SecurityGroupRules"]
    assert sorted(r["SecurityGroupRuleId"] for r in found) == \
        sorted(r["SecurityGroupRuleId"] for r in out["SecurityGroupRules"])
    assert fails(ec2.authorize_security_group_ingress, GroupId=sg_id,
                 IpPermissions=[tcp(23, "10.0.0.0/8")],
                 TagSpecifications=[{"ResourceType": "security-group", "Tags": [
                     {"Key": "a", "Value": "b"}]}])[0] == "InvalidParameterValue"


def test_authorize_by_group_name_and_unknown_group(ec2):
    sg_id = group(ec2, name="web")
    ec2.authorize_security_group_ingress(GroupName="web", IpPermissions=[tcp(22, "1.2.3.4/32")])
    assert len(described(ec2, sg_id)["IpPermissions"]) == 1
    assert fails(ec2.authorize_security_group_ingress, GroupId="sg-12345678",
                 IpPermissions=[tcp(22, "1.2.3.4/32")]) == \
        ("InvalidGroup.NotFound", "The security group 'sg-12345678' does not exist")


def test_rules_take_tags_like_any_resource(ec2):
    sg_id = group(ec2, vpc(ec2))
    [rule] = ec2.authorize_security_group_ingress(
        GroupId=sg_id, IpPermissions=[tcp(22, "10.0.0.0/8")])["SecurityGroupRules"]
    rule_id = rule["SecurityGroupRuleId"]
    ec2.create_tags(Resources=[rule_id], Tags=[{"Key": "Name", "Value": "ssh"}])
    [found] = ec2.describe_security_group_rules(
        Filters=[{"Name": "tag:Name", "Values": ["ssh"]}])["SecurityGroupRules"]
    assert (found["SecurityGroupRuleId"], found["Tags"]) == (rule_id, [{"Key": "Name", "Value": "ssh"}])


# -- revoke -------------------------------------------------------------------------------
def test_revoke_by_permissions_needs_an_exact_match_outside_the_default_vpc(ec2):
    sg_id = group(ec2, vpc(ec2))
    ec2.authorize_security_group_ingress(GroupId=sg_id, IpPermissions=[
        {**tcp(22), "IpRanges": [{"CidrIp": "10.0.0.0/8", "Description": "ssh"}]},
        tcp(80, "0.0.0.0/0")])
    before = described(ec2, sg_id)
    for missing in (tcp(22, "10.0.0.0/16"), tcp(22, "10.0.0.0/8", to=23)):
        assert fails(ec2.revoke_security_group_ingress, GroupId=sg_id,
                     IpPermissions=[tcp(80, "0.0.0.0/0"), missing]) == (
            "InvalidPermission.NotFound",
            "The specified rule does not exist in this security group.")
    assert described(ec2, sg_id) == before
    out = ec2.revoke_security_group_ingress(GroupId=sg_id, IpPermissions=[tcp(22, "10.0.0.0/8")])
    assert out["Return"] is True and "UnknownIpPermissions" not in out
    [revoked] = out["RevokedSecurityGroupRules"]
    assert (revoked["CidrIpv4"], revoked["FromPort"], revoked["Description"], revoked["IsEgress"]) \
        == ("10.0.0.0/8", 22, "ssh", False)
    assert [p["FromPort"] for p in described(ec2, sg_id)["IpPermissions"]] == [80]


def test_revoke_in_the_default_vpc_reports_unknown_permissions(ec2):
    sg_id = group(ec2)
    ec2.authorize_security_group_ingress(GroupId=sg_id, IpPermissions=[tcp(22, "10.0.0.0/8")])
    out = ec2.revoke_security_group_ingress(GroupId=sg_id, IpPermissions=[
        tcp(22, "10.0.0.0/8", "10.9.0.0/16")])
    assert out["Return"] is True
    assert [r["CidrIpv4"] for r in out["RevokedSecurityGroupRules"]] == ["10.0.0.0/8"]
    assert out["UnknownIpPermissions"] == [{
        "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
        "IpRanges": [{"CidrIp": "10.9.0.0/16"}], "Ipv6Ranges": [], "PrefixListIds": [],
        "UserIdGroupPairs": []}]
    assert described(ec2, sg_id)["IpPermissions"] == []


def test_revoke_by_rule_ids(ec2):
    vpc_id = vpc(ec2)
    sg_id, other = group(ec2, vpc_id), group(ec2, vpc_id, "other")
    rules = ec2.authorize_security_group_ingress(GroupId=sg_id, IpPermissions=[
        tcp(22, "10.0.0.0/8"), {**tcp(80), "UserIdGroupPairs": [{"GroupId": other}]}]
    )["SecurityGroupRules"]
    egress_id = rules_of(ec2, sg_id)[0]["SecurityGroupRuleId"]
    other_rule = rules_of(ec2, other)[0]["SecurityGroupRuleId"]
    for wrong in ("sgr-0123456789abcdef0", egress_id, other_rule):
        assert fails(ec2.revoke_security_group_ingress, GroupId=sg_id,
                     SecurityGroupRuleIds=[rules[0]["SecurityGroupRuleId"], wrong]) == (
            "InvalidSecurityGroupRuleId.NotFound",
            f"The security group rule ID '{wrong}' does not exist")
    assert fails(ec2.revoke_security_group_ingress, GroupId=sg_id,
                 SecurityGroupRuleIds=["rule-1"]) == (
        "InvalidSecurityGroupRuleId.Malformed", 'Invalid id: "rule-1" (expecting "sgr-...")')
    assert len(described(ec2, sg_id)["IpPermissions"]) == 2
    out = ec2.revoke_security_group_ingress(GroupId=sg_id, SecurityGroupRuleIds=[
        r["SecurityGroupRuleId"] for r in rules])
    assert [r.get("CidrIpv4") or r["ReferencedGroupId"]
            for r in out["RevokedSecurityGroupRules"]] == ["10.0.0.0/8", other]
    assert described(ec2, sg_id)["IpPermissions"] == []
    ec2.revoke_security_group_egress(GroupId=sg_id, SecurityGroupRuleIds=[egress_id])
    assert described(ec2, sg_id)["IpPermissionsEgress"] == []


def test_revoke_the_default_egress_rule(ec2):
    sg_id = group(ec2, vpc(ec2))
    out = ec2.revoke_security_group_egress(GroupId=sg_id, IpPermissions=[
        {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    assert out["RevokedSecurityGroupRules"][0]["IsEgress"] is True
    assert described(ec2, sg_id)["IpPermissionsEgress"] == []
    assert fails(ec2.revoke_security_group_egress, GroupId=sg_id, IpPermissions=[
        {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])[0] == \
        "InvalidPermission.NotFound"


def test_revoke_dry_run_keeps_the_rule(ec2):
    sg_id = group(ec2, vpc(ec2))
    ec2.authorize_security_group_ingress(GroupId=sg_id, IpPermissions=[tcp(22, "10.0.0.0/8")])
    assert fails(ec2.revoke_security_group_ingress, GroupId=sg_id, DryRun=True,
                 IpPermissions=[tcp(22, "10.0.0.0/8")])[0] == "DryRunOperation"
    assert len(described(ec2, sg_id)["IpPermissions"]) == 1


# -- descriptions -------------------------------------------------------------------------
def test_update_descriptions_by_permissions(ec2):
    sg_id = group(ec2, vpc(ec2))
    ec2.authorize_security_group_ingress(GroupId=sg_id, IpPermissions=[tcp(22, "10.0.0.0/8")])
    out = ec2.update_security_group_rule_descriptions_ingress(GroupId=sg_id, IpPermissions=[
        {**tcp(22), "IpRanges": [{"CidrIp": "10.0.0.0/8", "Description": "ssh from corp"}]}])
    assert out["Return"] is True
    assert described(ec2, sg_id)["IpPermissions"][0]["IpRanges"] == \
        [{"CidrIp": "10.0.0.0/8", "Description": "ssh from corp"}]
    ec2.update_security_group_rule_descriptions_ingress(GroupId=sg_id,
                                                        IpPermissions=[tcp(22, "10.0.0.0/8")])
    assert described(ec2, sg_id)["IpPermissions"][0]["IpRanges"] == [{"CidrIp": "10.0.0.0/8"}]
    assert fails(ec2.update_security_group_rule_descriptions_ingress, GroupId=sg_id,
                 IpPermissions=[tcp(23, "10.0.0.0/8")]) == (
        "InvalidPermission.NotFound", "The specified rule does not exist in this security group.")
    ec2.update_security_group_rule_descriptions_egress(GroupId=sg_id, IpPermissions=[
        {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "out"}]}])
    assert described(ec2, sg_id)["IpPermissionsEgress"][0]["IpRanges"] == \
        [{"CidrIp": "0.0.0.0/0", "Description": "out"}]


def test_update_descriptions_by_rule_id(ec2):
    sg_id = group(ec2, vpc(ec2))
    [rule] = ec2.authorize_security_group_ingress(
        GroupId=sg_id, IpPermissions=[tcp(22, "10.0.0.0/8")])["SecurityGroupRules"]
    ec2.update_security_group_rule_descriptions_ingress(GroupId=sg_id, SecurityGroupRuleDescriptions=[
        {"SecurityGroupRuleId": rule["SecurityGroupRuleId"], "Description": "by id"}])
    [found] = ec2.describe_security_group_rules(
        SecurityGroupRuleIds=[rule["SecurityGroupRuleId"]])["SecurityGroupRules"]
    assert found["Description"] == "by id"
    assert fails(ec2.update_security_group_rule_descriptions_egress, GroupId=sg_id,
                 SecurityGroupRuleDescriptions=[
                     {"SecurityGroupRuleId": rule["SecurityGroupRuleId"], "Description": "x"}]
                 )[0] == "InvalidSecurityGroupRuleId.NotFound"
    assert fails(ec2.update_security_group_rule_descriptions_ingress, GroupId=sg_id,
                 SecurityGroupRuleDescriptions=[
                     {"SecurityGroupRuleId": rule["SecurityGroupRuleId"], "Description": "caf\u00e9"}]
                 )[0] == "InvalidParameterValue"
    assert fails(ec2.update_security_group_rule_descriptions_ingress, GroupId=sg_id)[0] == \
        "MissingParameter"


# -- modify -------------------------------------------------------------------------------
def test_modify_replaces_a_rules_content_and_keeps_its_id(ec2):
    sg_id = group(ec2, vpc(ec2))
    [rule] = ec2.authorize_security_group_ingress(GroupId=sg_id, IpPermissions=[
        {**tcp(22), "IpRanges": [{"CidrIp": "10.0.0.0/8", "Description": "old"}]}]
    )["SecurityGroupRules"]
    rule_id = rule["SecurityGroupRuleId"]
    out = ec2.modify_security_group_rules(GroupId=sg_id, SecurityGroupRules=[
        {"SecurityGroupRuleId": rule_id, "SecurityGroupRule": {
            "IpProtocol": "udp", "FromPort": 53, "ToPort": 53, "CidrIpv4": "172.16.1.1/12"}}])
    assert out["Return"] is True
    [found] = ec2.describe_security_group_rules(SecurityGroupRuleIds=[rule_id])["SecurityGroupRules"]
    assert (found["IpProtocol"], found["FromPort"], found["ToPort"], found["CidrIpv4"]) == \
        ("udp", 53, 53, "172.16.0.0/12")
    assert "Description" not in found


def test_modify_a_group_reference(ec2):
    vpc_id = vpc(ec2)
    sg_id, a, b = group(ec2, vpc_id), group(ec2, vpc_id, "a"), group(ec2, vpc_id, "b")
    [rule] = ec2.authorize_security_group_ingress(GroupId=sg_id, IpPermissions=[
        {**tcp(22), "UserIdGroupPairs": [{"GroupId": a}]}])["SecurityGroupRules"]
    ec2.modify_security_group_rules(GroupId=sg_id, SecurityGroupRules=[
        {"SecurityGroupRuleId": rule["SecurityGroupRuleId"], "SecurityGroupRule": {
            "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "ReferencedGroupId": b}}])
    assert described(ec2, sg_id)["IpPermissions"][0]["UserIdGroupPairs"][0]["GroupId"] == b
    ec2.delete_security_group(GroupId=a)        # nothing names `a` any more
    assert fails(ec2.delete_security_group, GroupId=b)[0] == "DependencyViolation"


def test_modify_refusals_change_nothing(ec2):
    vpc_id = vpc(ec2)
    sg_id, other = group(ec2, vpc_id), group(ec2, vpc_id, "other")
    rules = ec2.authorize_security_group_ingress(GroupId=sg_id, IpPermissions=[
        tcp(22, "10.0.0.0/8"), tcp(80, "10.0.0.0/8")])["SecurityGroupRules"]
    first = rules[0]["SecurityGroupRuleId"]
    before = rules_of(ec2, sg_id)

    def modify(rule_id: str, **request: Any) -> tuple[str, str]:
        return fails(ec2.modify_security_group_rules, GroupId=sg_id, SecurityGroupRules=[
            {"SecurityGroupRuleId": rule_id, "SecurityGroupRule": request}])
    assert modify(first, IpProtocol="tcp", FromPort=80, ToPort=80, CidrIpv4="10.0.0.0/8")[0] == \
        "InvalidPermission.Duplicate"
    assert modify(first, IpProtocol="tcp", FromPort=22, ToPort=22, ReferencedGroupId=other)[0] \
        == "InvalidParameterValue"
    assert modify(first, IpProtocol="tcp", FromPort=22, ToPort=22) == (
        "MissingParameter", "The request must contain exactly one of: cidrIp, cidrIpv6, "
        "prefixListId, or referencedGroupId")
    assert modify(first, IpProtocol="tcp", FromPort=22, ToPort=22, CidrIpv4="1.0.0.0/8",
                  CidrIpv6="::/0") == (
        "InvalidParameterCombination",
        "Only one of cidrIp, cidrIpv6, prefixListId, or referencedGroupId can be specified")
    other_rule = rules_of(ec2, other)[0]["SecurityGroupRuleId"]
    assert modify(other_rule, IpProtocol="-1", CidrIpv4="1.0.0.0/8") == (
        "InvalidSecurityGroupRuleId.NotFound",
        f"The security group rule ID '{other_rule}' does not exist")
    assert rules_of(ec2, sg_id) == before


# -- describe -----------------------------------------------------------------------------
@pytest.fixture
def three_groups(ec2: Any) -> dict[str, str]:
    vpc_id = vpc(ec2)
    web, app = group(ec2, vpc_id, "web"), group(ec2, vpc_id, "app",
                                                TagSpecifications=[{
                                                    "ResourceType": "security-group",
                                                    "Tags": [{"Key": "tier", "Value": "app"}]}])
    db = group(ec2, vpc(ec2, "10.1.0.0/16"), "db")
    ec2.authorize_security_group_ingress(GroupId=web, IpPermissions=[
        tcp(443, "0.0.0.0/0", Ipv6Ranges=[{"CidrIpv6": "::/0"}])])
    ec2.authorize_security_group_ingress(GroupId=app, IpPermissions=[
        {**tcp(8080), "UserIdGroupPairs": [{"GroupId": web}]},
        {"IpProtocol": "udp", "FromPort": 53, "ToPort": 53, "IpRanges": [{"CidrIp": "10.0.0.0/16"}]}])
    ec2.authorize_security_group_egress(GroupId=web, IpPermissions=[
        {**tcp(8080), "UserIdGroupPairs": [{"GroupId": app}]}])
    return {"vpc": vpc_id, "web": web, "app": app, "db": db}


@pytest.mark.parametrize("name, values, expected", [
    ("ip-permission.cidr", ["0.0.0.0/0"], ["web"]),
    ("ip-permission.cidr", ["10.0.*"], ["app"]),
    ("ip-permission.ipv6-cidr", ["::/0"], ["web"]),
    ("ip-permission.group-id", ["{web}"], ["app"]),
    ("ip-permission.group-name", ["web"], []),   # named in the default VPC only
    ("ip-permission.user-id", ["123456789012"], ["app", "default", "default"]),
    ("ip-permission.protocol", ["udp"], ["app"]),
    ("ip-permission.protocol", ["6"], ["web", "app"]),
    ("ip-permission.from-port", ["443"], ["web"]),
    ("ip-permission.to-port", ["53", "8080"], ["app"]),
    ("egress.ip-permission.group-id", ["{app}"], ["web"]),
    ("egress.ip-permission.group-name", ["app"], []),
    ("egress.ip-permission.to-port", ["8080"], ["web"]),
    ("egress.ip-permission.protocol", ["-1"], ["web", "app", "db", "default", "default"]),
    ("egress.ip-permission.cidr", ["0.0.0.0/0"], ["web", "app", "db", "default", "default"]),
    ("egress.ip-permission.ipv6-cidr", ["::/0"], []),
    ("egress.ip-permission.prefix-list-id", ["pl-12345678"], []),
    ("egress.ip-permission.user-id", ["123456789012"], ["web"]),
    ("ip-permission.prefix-list-id", ["pl-*"], []),
    ("group-name", ["web", "db"], ["web", "db"]),
    ("group-id", ["{db}"], ["db"]),
    ("description", ["app tier"], ["app"]),
    ("vpc-id", ["{vpc}"], ["default", "web", "app"]),
    ("owner-id", ["123456789012"], ["web", "app", "db", "default", "default"]),
    ("tag:tier", ["app"], ["app"]),
    ("tag-key", ["tier"], ["app"]),
    ("tag-value", ["ap?"], ["app"]),
])
def test_describe_filters(ec2, three_groups, name, values, expected):
    ids = {v: k for k, v in three_groups.items()}
    found = ec2.describe_security_groups(Filters=[
        {"Name": name, "Values": [v.format(**three_groups) for v in values]},
        {"Name": "vpc-id", "Values": [three_groups["vpc"], ec2.describe_security_groups(
            GroupIds=[three_groups["db"]])["SecurityGroups"][0]["VpcId"]]}])["SecurityGroups"]
    names = [ids.get(g["GroupId"], g["GroupName"]) for g in found]
    assert sorted(names) == sorted(expected)


def test_group_name_filters_find_referenced_groups_of_the_default_vpc_only(ec2):
    # A rule names the group it references only in the default VPC (UserIdGroupPair.GroupName)
    web, app = group(ec2, name="web"), group(ec2, name="app")
    ec2.authorize_security_group_ingress(GroupId=app, IpPermissions=[
        {**tcp(8080), "UserIdGroupPairs": [{"GroupId": web}]}])
    ec2.authorize_security_group_egress(GroupId=web, IpPermissions=[
        {**tcp(8080), "UserIdGroupPairs": [{"GroupId": app}]}])
    for name, value, expected in (("ip-permission.group-name", "web", [app]),
                                  ("egress.ip-permission.group-name", "app", [web])):
        found = ec2.describe_security_groups(Filters=[{"Name": name, "Values": [value]}])
        assert [g["GroupId"] for g in found["SecurityGroups"]] == expected


def test_describe_filters_on_rules_may_match_different_rules(ec2, three_groups):
    # AWS: "any combination of rules - not necessarily a single rule - match all filters"
    found = ec2.describe_security_groups(Filters=[
        {"Name": "ip-permission.protocol", "Values": ["udp"]},
        {"Name": "ip-permission.from-port", "Values": ["8080"]}])["SecurityGroups"]
    assert [g["GroupId"] for g in found] == [three_groups["app"]]


def test_describe_by_ids_and_names(ec2, three_groups):
    in_default = group(ec2, name="lb")
    found = ec2.describe_security_groups(GroupIds=[three_groups["web"]],
                                         GroupNames=["lb"])["SecurityGroups"]
    assert sorted(g["GroupId"] for g in found) == sorted([three_groups["web"], in_default])
    assert fails(ec2.describe_security_groups, GroupNames=["web"]) == (
        "InvalidGroup.NotFound",
        f"The security group 'web' does not exist in default VPC '{default_vpc(ec2)}'")
    assert fails(ec2.describe_security_groups, GroupIds=["sg-0123456789abcdef0"]) == (
        "InvalidGroup.NotFound", "The security group 'sg-0123456789abcdef0' does not exist")
    assert fails(ec2.describe_security_groups, GroupIds=["web"]) == (
        "InvalidGroupId.Malformed", 'Invalid id: "web" (expecting "sg-...")')
    assert fails(ec2.describe_security_groups, Filters=[
        {"Name": "ip-permission.port", "Values": ["1"]}]) == \
        ("InvalidParameterValue", "The filter 'ip-permission.port' is invalid")


def test_describe_pages(ec2):
    vpc_id = vpc(ec2)
    for i in range(6):
        group(ec2, vpc_id, f"g{i}")
    seen, token = [], None
    while True:
        kwargs = {"NextToken": token} if token else {}
        page = ec2.describe_security_groups(MaxResults=5, **kwargs)
        seen += [g["GroupId"] for g in page["SecurityGroups"]]
        token = page.get("NextToken")
        if not token:
            break
    everything = [g["GroupId"] for g in ec2.describe_security_groups()["SecurityGroups"]]
    assert len(everything) == 8 and seen == everything
    unchecked = boto3.client("ec2", region_name="us-east-1",
                             config=Config(parameter_validation=False))
    assert fails(unchecked.describe_security_groups, MaxResults=4)[0] == "InvalidParameterValue"


def test_describe_security_group_rules(ec2, three_groups):
    web_rules = rules_of(ec2, three_groups["web"])
    assert sorted((r["IsEgress"], r.get("CidrIpv4") or r.get("CidrIpv6") or
                   r["ReferencedGroupInfo"]["GroupId"]) for r in web_rules) == sorted([
        (True, "0.0.0.0/0"), (False, "0.0.0.0/0"), (False, "::/0"), (True, three_groups["app"])])
    one = web_rules[1]["SecurityGroupRuleId"]
    assert ec2.describe_security_group_rules(Filters=[
        {"Name": "security-group-rule-id", "Values": [one]}])["SecurityGroupRules"] == [web_rules[1]]
    assert ec2.describe_security_group_rules(SecurityGroupRuleIds=[one])["SecurityGroupRules"] == \
        [web_rules[1]]
    assert web_rules[1]["SecurityGroupRuleArn"] == \
        f"arn:aws:ec2:us-east-1:123456789012:security-group-rule/{one}"
    assert fails(ec2.describe_security_group_rules, Filters=[
        {"Name": "vpc-id", "Values": ["x"]}]) == ("InvalidParameterValue",
                                                  "The filter 'vpc-id' is invalid")
    # a group-id that cannot be a group's id is refused; an unknown one matches nothing
    assert fails(ec2.describe_security_group_rules, Filters=[
        {"Name": "group-id", "Values": ["foobar"]}]) == (
        "InvalidGroupId.Malformed", "The security group ID 'foobar' is malformed")
    assert ec2.describe_security_group_rules(Filters=[
        {"Name": "group-id", "Values": ["sg-005216b55886f0fdc"]}])["SecurityGroupRules"] == []
    every = ec2.describe_security_group_rules()["SecurityGroupRules"]
    paged = ec2.describe_security_group_rules(MaxResults=5)
    assert paged["SecurityGroupRules"] == every[:5] and paged["NextToken"]


# -- against the server -------------------------------------------------------------------
@pytest.mark.server
def test_security_group_round_trip_against_server(server_ec2):
    vpc_id = server_ec2.create_vpc(CidrBlock="10.5.0.0/16")["Vpc"]["VpcId"]
    sg_id = server_ec2.create_security_group(GroupName="web", Description="web & {tier}",
                                             VpcId=vpc_id)["GroupId"]
    out = server_ec2.authorize_security_group_ingress(GroupId=sg_id, IpPermissions=[
        {**tcp(22), "IpRanges": [{"CidrIp": "10.0.0.0/8", "Description": "ssh"}]},
        {"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": sg_id}]}])
    assert len(out["SecurityGroupRules"]) == 2
    found = server_ec2.describe_security_groups(GroupIds=[sg_id])["SecurityGroups"][0]
    assert found["Description"] == "web & {tier}"
    assert [p["IpProtocol"] for p in found["IpPermissions"]] == ["tcp", "-1"]
    revoked = server_ec2.revoke_security_group_ingress(
        GroupId=sg_id, SecurityGroupRuleIds=[out["SecurityGroupRules"][1]["SecurityGroupRuleId"]])
    assert revoked["RevokedSecurityGroupRules"][0]["ReferencedGroupId"] == sg_id
    assert server_ec2.delete_security_group(GroupId=sg_id)["Return"] is True


@pytest.mark.server
def test_security_group_errors_against_server(server_ec2):
    sg_id = server_ec2.create_security_group(GroupName="web", Description="d")["GroupId"]
    server_ec2.authorize_security_group_ingress(GroupId=sg_id, IpPermissions=[tcp(22, "0.0.0.0/0")])
    with pytest.raises(ClientError) as exc:
        server_ec2.authorize_security_group_ingress(GroupId=sg_id,
                                                    IpPermissions=[tcp(22, "0.0.0.0/0")])
    assert error(exc)[0] == "InvalidPermission.Duplicate"
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    with pytest.raises(ClientError) as exc:
        server_ec2.describe_security_groups(GroupIds=["sg-12345678"])
    assert error(exc) == ("InvalidGroup.NotFound", "The security group 'sg-12345678' does not exist")
