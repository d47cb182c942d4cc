"""Network ACL operations through boto3, in-process and against the server."""
from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from topology.network import network_acls
from helpers import default_vpc, error


def deny(rule: int, egress: bool, v6: bool = False) -> dict[str, Any]:
    block = {"Ipv6CidrBlock": "::/0"} if v6 else {"CidrBlock": "0.0.0.0/0"}
    return {**block, "Egress": egress, "Protocol": "-1", "RuleAction": "deny", "RuleNumber": rule}


def allow_all(rule: int, egress: bool, v6: bool = False) -> dict[str, Any]:
    return {**deny(rule, egress, v6), "RuleAction": "allow"}


def acls(ec2: Any, **kwargs: Any) -> list[dict[str, Any]]:
    return ec2.describe_network_acls(**kwargs)["NetworkAcls"]


def acl(ec2: Any, acl_id: str) -> dict[str, Any]:
    return acls(ec2, NetworkAclIds=[acl_id])[0]


def default_acl(ec2: Any, vpc_id: str) -> dict[str, Any]:
    return acls(ec2, Filters=[{"Name": "vpc-id", "Values": [vpc_id]},
                              {"Name": "default", "Values": ["true"]}])[0]


def new_acl(ec2: Any, vpc_id: str | None = None, **kwargs: Any) -> str:
    return ec2.create_network_acl(VpcId=vpc_id or default_vpc(ec2), **kwargs)["NetworkAcl"]["NetworkAclId"]


def tcp_rule(acl_id: str, rule: int = 100, egress: bool = False, **extra: Any) -> dict[str, Any]:
    return {"NetworkAclId": acl_id, "RuleNumber": rule, "Protocol": "6", "RuleAction": "allow",
            "Egress": egress, "CidrBlock": "10.0.0.0/8", "PortRange": {"From": 22, "To": 22},
            **extra}


def expect(ec2: Any, call: str, code: str, message: str | None = None, **kwargs: Any) -> None:
    """`call` fails with `code` (and `message`) and leaves every ACL as it was."""
    before = acls(ec2)
    with pytest.raises(ClientError) as exc:
        getattr(ec2, call)(**kwargs)
    assert error(exc)[0] == code, error(exc)
    if message is not None:
        assert error(exc)[1] == message
    assert acls(ec2) == before


# -- defaults --------------------------------------------------------------------------------
def test_default_vpc_has_allow_all_default_acl_on_every_default_subnet(ec2):
    vpc_id = default_vpc(ec2)
    found = default_acl(ec2, vpc_id)
    assert found["IsDefault"] is True and found["OwnerId"] == "123456789012"
    assert found["Entries"] == [allow_all(100, True), deny(32767, True),
                                allow_all(100, False), deny(32767, False)]
    assoc_subnets = {a["SubnetId"] for a in found["Associations"]}
    assert len(assoc_subnets) == 6  # one default subnet per us-east-1 zone
    assert all(a["NetworkAclAssociationId"].startswith("aclassoc-") for a in found["Associations"])
    assert all(a["NetworkAclId"] == found["NetworkAclId"] for a in found["Associations"])
    assert found["Tags"] == []


def test_new_vpc_gets_a_default_acl_and_ipv6_vpc_gets_ipv6_rules(ec2):
    vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    assert default_acl(ec2, vpc_id)["Entries"] == [allow_all(100, True), deny(32767, True),
                                                   allow_all(100, False), deny(32767, False)]
    v6 = ec2.create_vpc(CidrBlock="10.1.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]["VpcId"]
    assert default_acl(ec2, v6)["Entries"] == [
        allow_all(100, True), allow_all(101, True, v6=True), deny(32767, True),
        deny(32768, True, v6=True), allow_all(100, False), allow_all(101, False, v6=True),
        deny(32767, False), deny(32768, False, v6=True)]


# -- create / delete -------------------------------------------------------------------------
def test_create_network_acl_is_deny_all_with_tags_and_no_associations(ec2):
    vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    made = ec2.create_network_acl(VpcId=vpc_id, TagSpecifications=[
        {"ResourceType": "network-acl", "Tags": [{"Key": "Name", "Value": "web<&>"}]}])["NetworkAcl"]
    assert made["NetworkAclId"].startswith("acl-") and len(made["NetworkAclId"]) == 21
    assert made["VpcId"] == vpc_id and made["IsDefault"] is False
    assert made["Associations"] == []
    assert made["Entries"] == [deny(32767, True), deny(32767, False)]
    assert made["Tags"] == [{"Key": "Name", "Value": "web<&>"}]
    assert acl(ec2, made["NetworkAclId"]) == made


def test_create_network_acl_client_token_is_idempotent(ec2):
    vpc_id = default_vpc(ec2)
    first = ec2.create_network_acl(VpcId=vpc_id, ClientToken="tok-1")
    again = ec2.create_network_acl(VpcId=vpc_id, ClientToken="tok-1")
    assert first["NetworkAcl"]["NetworkAclId"] == again["NetworkAcl"]["NetworkAclId"]
    assert first["ClientToken"] == "tok-1"
    assert len(acls(ec2, Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])) == 2
    other_vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    expect(ec2, "create_network_acl", "IdempotentParameterMismatch", VpcId=other_vpc,
           ClientToken="tok-1")


def test_create_network_acl_errors_change_nothing(ec2):
    expect(ec2, "create_network_acl", "InvalidVpcID.NotFound",
           "The vpc ID 'vpc-12345678' does not exist", VpcId="vpc-12345678")
    expect(ec2, "create_network_acl", "InvalidParameterValue",
           "'vpc' is not a valid taggable resource type for this operation.",
           VpcId=default_vpc(ec2),
           TagSpecifications=[{"ResourceType": "vpc", "Tags": [{"Key": "a", "Value": "b"}]}])
    expect(ec2, "create_network_acl", "DryRunOperation",
           "Request would have succeeded, but DryRun flag is set.", VpcId=default_vpc(ec2),
           DryRun=True)


def test_delete_network_acl(ec2):
    acl_id = new_acl(ec2)
    ec2.delete_network_acl(NetworkAclId=acl_id)
    with pytest.raises(ClientError) as exc:
        acls(ec2, NetworkAclIds=[acl_id])
    assert error(exc) == ("InvalidNetworkAclID.NotFound",
                          f"The networkAcl ID '{acl_id}' does not exist")


def test_delete_default_or_unknown_acl_is_refused(ec2):
    default_id = default_acl(ec2, default_vpc(ec2))["NetworkAclId"]
    expect(ec2, "delete_network_acl", "InvalidParameterValue",
           f"cannot delete default network ACL {default_id}", NetworkAclId=default_id)
    expect(ec2, "delete_network_acl", "InvalidNetworkAclID.NotFound",
           "The networkAcl ID 'acl-12345678' does not exist", NetworkAclId="acl-12345678")
    expect(ec2, "delete_network_acl", "InvalidNetworkAclID.Malformed", NetworkAclId="nonsense")


def test_delete_associated_acl_is_a_dependency_violation(ec2):
    vpc_id = default_vpc(ec2)
    acl_id = new_acl(ec2, vpc_id)
    assoc = default_acl(ec2, vpc_id)["Associations"][0]["NetworkAclAssociationId"]
    new_assoc = ec2.replace_network_acl_association(AssociationId=assoc,
                                                    NetworkAclId=acl_id)["NewAssociationId"]
    expect(ec2, "delete_network_acl", "DependencyViolation",
           f"The networkAcl '{acl_id}' has dependencies and cannot be deleted.",
           NetworkAclId=acl_id)
    default_id = default_acl(ec2, vpc_id)["NetworkAclId"]
    ec2.replace_network_acl_association(AssociationId=new_assoc, NetworkAclId=default_id)
    ec2.delete_network_acl(NetworkAclId=acl_id)


def test_vpc_with_custom_acl_cannot_be_deleted_until_acl_goes(ec2):
    vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    acl_id = new_acl(ec2, vpc_id)
    with pytest.raises(ClientError) as exc:
        ec2.delete_vpc(VpcId=vpc_id)
    assert error(exc)[0] == "DependencyViolation"
    ec2.delete_network_acl(NetworkAclId=acl_id)
    ec2.delete_vpc(VpcId=vpc_id)
    assert acls(ec2, Filters=[{"Name": "vpc-id", "Values": [vpc_id]}]) == []


# -- entries ---------------------------------------------------------------------------------
def test_create_entry_normalises_protocol_and_cidr(ec2):
    acl_id = new_acl(ec2)
    ec2.create_network_acl_entry(**tcp_rule(acl_id, CidrBlock="100.68.0.18/18", Protocol="tcp"))
    ec2.create_network_acl_entry(NetworkAclId=acl_id, RuleNumber=90, Protocol="udp",
                                 RuleAction="deny", Egress=True, CidrBlock="0.0.0.0/0",
                                 PortRange={"From": 53, "To": 53})
    assert acl(ec2, acl_id)["Entries"] == [
        {"CidrBlock": "0.0.0.0/0", "Egress": True, "PortRange": {"From": 53, "To": 53},
         "Protocol": "17", "RuleAction": "deny", "RuleNumber": 90},
        deny(32767, True),
        {"CidrBlock": "100.68.0.0/18", "Egress": False, "PortRange": {"From": 22, "To": 22},
         "Protocol": "6", "RuleAction": "allow", "RuleNumber": 100},
        deny(32767, False)]


def test_entries_sort_by_rule_number_within_each_direction(ec2):
    acl_id = new_acl(ec2)
    for rule in (300, 100, 200):
        ec2.create_network_acl_entry(**tcp_rule(acl_id, rule))
    numbers = [(e["Egress"], e["RuleNumber"]) for e in acl(ec2, acl_id)["Entries"]]
    assert numbers == [(True, 32767), (False, 100), (False, 200), (False, 300), (False, 32767)]


def test_duplicate_entry_is_refused_but_other_direction_is_fine(ec2):
    acl_id = new_acl(ec2)
    ec2.create_network_acl_entry(**tcp_rule(acl_id))
    expect(ec2, "create_network_acl_entry", "NetworkAclEntryAlreadyExists",
           "The network acl entry identified by 100 already exists.",
           **tcp_rule(acl_id, PortRange={"From": 80, "To": 80}))
    ec2.create_network_acl_entry(**tcp_rule(acl_id, egress=True))
    assert len(acl(ec2, acl_id)["Entries"]) == 4


@pytest.mark.parametrize("rule", [0, -1, 32767, 40000])
def test_rule_number_out_of_range(ec2, rule):
    acl_id = new_acl(ec2)
    expect(ec2, "create_network_acl_entry", "InvalidParameterValue",
           f"Value ({rule}) for parameter ruleNumber is invalid. "
           "Rule number must be between 1 and 32766.", **tcp_rule(acl_id, rule))


@pytest.mark.parametrize("protocol", ["foo", "256", "-2", "", "6x"])
def test_unknown_protocol(ec2, protocol):
    acl_id = new_acl(ec2)
    expect(ec2, "create_network_acl_entry", "InvalidParameterValue",
           f"Invalid value '{protocol}' for IP protocol. Unknown protocol.",
           **tcp_rule(acl_id, Protocol=protocol))


def test_cidr_rules(ec2):
    acl_id = new_acl(ec2)
    rule = tcp_rule(acl_id)
    del rule["CidrBlock"]
    expect(ec2, "create_network_acl_entry", "MissingParameter",
           "The request must contain the parameter cidrBlock or ipv6CidrBlock", **rule)
    expect(ec2, "create_network_acl_entry", "InvalidParameterCombination",
           **tcp_rule(acl_id, Ipv6CidrBlock="::/0"))
    for bad in ("10.0.0.0/33", "10.0.0/8", "nonsense", "::/0"):
        expect(ec2, "create_network_acl_entry", "InvalidParameterValue",
               f"CIDR block {bad} is malformed", **tcp_rule(acl_id, CidrBlock=bad))
    expect(ec2, "create_network_acl_entry", "InvalidParameterValue",
           "CIDR block 10.0.0.0/8 is malformed", **{**rule, "Ipv6CidrBlock": "10.0.0.0/8"})


def test_ports_are_required_and_checked_for_tcp_and_udp(ec2):
    acl_id = new_acl(ec2)
    rule = tcp_rule(acl_id)
    del rule["PortRange"]
    expect(ec2, "create_network_acl_entry", "MissingParameter",
           "The request must contain the parameter portRange.from", **rule)
    expect(ec2, "create_network_acl_entry", "MissingParameter",
           "The request must contain the parameter portRange.to",
           **tcp_rule(acl_id, Protocol="17", PortRange={"From": 53}))
    expect(ec2, "create_network_acl_entry", "InvalidParameterValue",
           **tcp_rule(acl_id, PortRange={"From": 1, "To": 65536}))
    expect(ec2, "create_network_acl_entry", "InvalidParameterValue",
           **tcp_rule(acl_id, PortRange={"From": 100, "To": 99}))


def test_icmp_needs_type_and_code(ec2):
    acl_id = new_acl(ec2)
    base = {"NetworkAclId": acl_id, "RuleNumber": 10, "Protocol": "1", "RuleAction": "allow",
            "Egress": False, "CidrBlock": "0.0.0.0/0"}
    expect(ec2, "create_network_acl_entry", "MissingParameter",
           "The request must contain the parameter icmpTypeCode.type", **base)
    expect(ec2, "create_network_acl_entry", "MissingParameter",
           "The request must contain the parameter icmpTypeCode.code",
           **base, IcmpTypeCode={"Type": 8})
    expect(ec2, "create_network_acl_entry", "InvalidParameterValue",
           **base, IcmpTypeCode={"Type": 300, "Code": 0})
    ec2.create_network_acl_entry(**base, IcmpTypeCode={"Type": 8, "Code": -1})
    # ICMPv6 needs a type and code only with an IPv6 block
    v6 = {**base, "RuleNumber": 20, "Protocol": "58"}
    ec2.create_network_acl_entry(**v6)
    del v6["CidrBlock"]
    expect(ec2, "create_network_acl_entry", "MissingParameter",
           "The request must contain the parameter icmpTypeCode.type",
           **{**v6, "RuleNumber": 30, "Ipv6CidrBlock": "::/0"})
    ingress = [e for e in acl(ec2, acl_id)["Entries"] if not e["Egress"]]
    assert ingress[0]["IcmpTypeCode"] == {"Type": 8, "Code": -1}
    assert "IcmpTypeCode" not in ingress[1] and ingress[1]["Protocol"] == "58"


def test_fields_that_do_not_apply_to_the_protocol_are_dropped(ec2):
    acl_id = new_acl(ec2)
    ec2.create_network_acl_entry(NetworkAclId=acl_id, RuleNumber=10, Protocol="-1",
                                 RuleAction="allow", Egress=False, CidrBlock="10.0.0.0/8",
                                 PortRange={"From": 1, "To": 2},
                                 IcmpTypeCode={"Type": 1, "Code": 1})
    ec2.create_network_acl_entry(NetworkAclId=acl_id, RuleNumber=20, Protocol="all",
                                 RuleAction="allow", Egress=False, CidrBlock="10.0.0.0/8")
    rows = [e for e in acl(ec2, acl_id)["Entries"] if e["RuleNumber"] in (10, 20)]
    assert rows == [allow_all(10, False) | {"CidrBlock": "10.0.0.0/8"},
                    allow_all(20, False) | {"CidrBlock": "10.0.0.0/8"}]


def test_ipv6_entry_brings_the_ipv6_catch_all(ec2):
    acl_id = new_acl(ec2)
    ec2.create_network_acl_entry(NetworkAclId=acl_id, RuleNumber=5, Protocol="6",
                                 RuleAction="allow", Egress=False, Ipv6CidrBlock="2001:DB8::/32",
                                 PortRange={"From": 443, "To": 443})
    entries = acl(ec2, acl_id)["Entries"]
    assert entries[-3:] == [
        {"Egress": False, "Ipv6CidrBlock": "2001:db8::/32", "PortRange": {"From": 443, "To": 443},
         "Protocol": "6", "RuleAction": "allow", "RuleNumber": 5},
        deny(32767, False), deny(32768, False, v6=True)]
    assert deny(32768, True, v6=True) in entries


def test_replace_entry(ec2):
    acl_id = new_acl(ec2)
    ec2.create_network_acl_entry(**tcp_rule(acl_id))
    ec2.replace_network_acl_entry(NetworkAclId=acl_id, RuleNumber=100, Protocol="-1",
                                  RuleAction="deny", Egress=False, CidrBlock="192.168.0.0/16")
    assert acl(ec2, acl_id)["Entries"][1] == {**deny(100, False), "CidrBlock": "192.168.0.0/16"}


def test_replace_entry_errors_change_nothing(ec2):
    acl_id = new_acl(ec2)
    ec2.create_network_acl_entry(**tcp_rule(acl_id))
    expect(ec2, "replace_network_acl_entry", "InvalidNetworkAclEntry.NotFound",
           "no ingress entry with number 50", **tcp_rule(acl_id, 50))
    expect(ec2, "replace_network_acl_entry", "InvalidNetworkAclEntry.NotFound",
           "no egress entry with number 100", **tcp_rule(acl_id, egress=True))
    expect(ec2, "replace_network_acl_entry", "InvalidParameterValue",
           **tcp_rule(acl_id, Protocol="bogus"))
    expect(ec2, "replace_network_acl_entry", "InvalidNetworkAclID.NotFound",
           **tcp_rule("acl-12345678"))
    expect(ec2, "replace_network_acl_entry", "DryRunOperation", **tcp_rule(acl_id, DryRun=True))


def test_delete_entry(ec2):
    acl_id = new_acl(ec2)
    ec2.create_network_acl_entry(**tcp_rule(acl_id))
    ec2.create_network_acl_entry(**tcp_rule(acl_id, egress=True))
    expect(ec2, "delete_network_acl_entry", "InvalidNetworkAclEntry.NotFound",
           "no ingress entry with number 7", NetworkAclId=acl_id, RuleNumber=7, Egress=False)
    expect(ec2, "delete_network_acl_entry", "InvalidParameterValue",
           NetworkAclId=acl_id, RuleNumber=32767, Egress=False)
    expect(ec2, "delete_network_acl_entry", "DryRunOperation",
           NetworkAclId=acl_id, RuleNumber=100, Egress=False, DryRun=True)
    ec2.delete_network_acl_entry(NetworkAclId=acl_id, RuleNumber=100, Egress=False)
    assert [(e["Egress"], e["RuleNumber"]) for e in acl(ec2, acl_id)["Entries"]] == [
        (True, 100), (True, 32767), (False, 32767)]


def test_editing_one_default_acl_leaves_the_others_alone(ec2):
    vpc_a = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    vpc_b = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    acl_a = default_acl(ec2, vpc_a)["NetworkAclId"]
    ec2.delete_network_acl_entry(NetworkAclId=acl_a, RuleNumber=100, Egress=True)
    assert default_acl(ec2, vpc_a)["Entries"] == [deny(32767, True), allow_all(100, False),
                                                  deny(32767, False)]
    assert len(default_acl(ec2, vpc_b)["Entries"]) == 4


def test_rules_per_acl_quota_counts_the_catch_all_and_each_family_apart(ec2):
    acl_id = new_acl(ec2)
    for rule in range(1, 20):
        ec2.create_network_acl_entry(**tcp_rule(acl_id, rule))
    expect(ec2, "create_network_acl_entry", "NetworkAclEntryLimitExceeded",
           **tcp_rule(acl_id, 20))
    ec2.create_network_acl_entry(**tcp_rule(acl_id, 20, egress=True))
    v6 = tcp_rule(acl_id, 21)
    del v6["CidrBlock"]
    ec2.create_network_acl_entry(**v6, Ipv6CidrBlock="::/0")
    # replacing within a full list is still fine
    ec2.replace_network_acl_entry(**tcp_rule(acl_id, 19, PortRange={"From": 1, "To": 9}))


def test_entry_on_unknown_acl(ec2):
    expect(ec2, "create_network_acl_entry", "InvalidNetworkAclID.NotFound",
           "The networkAcl ID 'acl-0123456789abcdef0' does not exist",
           **tcp_rule("acl-0123456789abcdef0"))
    expect(ec2, "delete_network_acl_entry", "InvalidNetworkAclID.NotFound",
           NetworkAclId="acl-0123456789abcdef0", RuleNumber=1, Egress=True)


def test_create_entry_dry_run(ec2):
    acl_id = new_acl(ec2)
    expect(ec2, "create_network_acl_entry", "DryRunOperation", **tcp_rule(acl_id, DryRun=True))
    expect(ec2, "create_network_acl_entry", "InvalidParameterValue",
           **tcp_rule(acl_id, 0, DryRun=True))


def test_ipv6_block_added_later_extends_only_unmodified_directions(ec2, mock):
    vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    acl_id = default_acl(ec2, vpc_id)["NetworkAclId"]
    ec2.create_network_acl_entry(**tcp_rule(acl_id, 50, egress=True))
    with mock.world.request():
        network_acls.add_ipv6_defaults(mock.world, vpc_id)
    entries = acl(ec2, acl_id)["Entries"]
    assert [(e["Egress"], e["RuleNumber"]) for e in entries] == [
        (True, 50), (True, 100), (True, 32767), (True, 32768),
        (False, 100), (False, 101), (False, 32767), (False, 32768)]
    assert entries[5] == allow_all(101, False, v6=True)


# -- associations ----------------------------------------------------------------------------
def test_replace_association_moves_the_subnet(ec2):
    vpc_id = default_vpc(ec2)
    default = default_acl(ec2, vpc_id)
    old = default["Associations"][0]
    acl_id = new_acl(ec2, vpc_id)
    new_id = ec2.replace_network_acl_association(
        AssociationId=old["NetworkAclAssociationId"], NetworkAclId=acl_id)["NewAssociationId"]
    assert new_id.startswith("aclassoc-") and new_id != old["NetworkAclAssociationId"]
    assert acl(ec2, acl_id)["Associations"] == [
        {"NetworkAclAssociationId": new_id, "NetworkAclId": acl_id, "SubnetId": old["SubnetId"]}]
    assert old["SubnetId"] not in {a["SubnetId"] for a in acl(ec2, default["NetworkAclId"])["Associations"]}
    expect(ec2, "replace_network_acl_association", "InvalidAssociationID.NotFound",
           f"The association ID '{old['NetworkAclAssociationId']}' does not exist",
           AssociationId=old["NetworkAclAssociationId"], NetworkAclId=acl_id)


def test_replace_association_errors_change_nothing(ec2):
    vpc_id = default_vpc(ec2)
    assoc = default_acl(ec2, vpc_id)["Associations"][0]
    other_vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    foreign = new_acl(ec2, other_vpc)
    expect(ec2, "replace_network_acl_association", "InvalidAssociationID.NotFound",
           "The association ID 'aclassoc-12345678' does not exist",
           AssociationId="aclassoc-12345678", NetworkAclId=foreign)
    expect(ec2, "replace_network_acl_association", "InvalidParameterValue",
           f"Network ACL {foreign} and subnet {assoc['SubnetId']} belong to different networks",
           AssociationId=assoc["NetworkAclAssociationId"], NetworkAclId=foreign)
    expect(ec2, "replace_network_acl_association", "InvalidNetworkAclID.NotFound",
           AssociationId=assoc["NetworkAclAssociationId"], NetworkAclId="acl-12345678")
    expect(ec2, "replace_network_acl_association", "DryRunOperation",
           AssociationId=assoc["NetworkAclAssociationId"], NetworkAclId=new_acl(ec2, vpc_id),
           DryRun=True)



def test_new_subnet_joins_the_default_acl_and_deleting_it_frees_a_custom_acl(ec2):
    vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    default = default_acl(ec2, vpc_id)
    [assoc] = default["Associations"]
    assert assoc["SubnetId"] == subnet_id
    assert _names(acls(ec2, Filters=[{"Name": "association.subnet-id",
                                      "Values": [subnet_id]}])) == {default["NetworkAclId"]}
    custom = new_acl(ec2, vpc_id)
    ec2.replace_network_acl_association(AssociationId=assoc["NetworkAclAssociationId"],
                                        NetworkAclId=custom)
    assert default_acl(ec2, vpc_id)["Associations"] == []
    ec2.delete_subnet(SubnetId=subnet_id)
    assert acl(ec2, custom)["Associations"] == []
    ec2.delete_network_acl(NetworkAclId=custom)

# -- describe --------------------------------------------------------------------------------
def _names(found: list[dict[str, Any]]) -> set[str]:
    return {a["NetworkAclId"] for a in found}


def test_describe_filters(ec2):
    vpc_id = default_vpc(ec2)
    default = default_acl(ec2, vpc_id)
    web = new_acl(ec2, vpc_id, TagSpecifications=[
        {"ResourceType": "network-acl", "Tags": [{"Key": "tier", "Value": "web"}]}])
    db = new_acl(ec2, vpc_id)
    ec2.create_network_acl_entry(**tcp_rule(web, 10, PortRange={"From": 80, "To": 81}))
    ec2.create_network_acl_entry(NetworkAclId=db, RuleNumber=20, Protocol="1",
                                 RuleAction="deny", Egress=True, Ipv6CidrBlock="2001:db8::/64",
                                 IcmpTypeCode={"Type": 3, "Code": 4})
    assoc = default["Associations"][0]
    moved = ec2.replace_network_acl_association(
        AssociationId=assoc["NetworkAclAssociationId"], NetworkAclId=web)["NewAssociationId"]
    other = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    other_default = default_acl(ec2, other)["NetworkAclId"]

    def f(name: str, *values: str) -> set[str]:
        return _names(acls(ec2, Filters=[{"Name": name, "Values": list(values)}]))

    d = default["NetworkAclId"]
    assert f("vpc-id", vpc_id) == {d, web, db}
    assert f("vpc-id", other) == {other_default}
    assert f("default", "false") == {web, db}
    assert f("default", "true") == {d, other_default}
    assert f("network-acl-id", web, db) == {web, db}
    assert f("association.subnet-id", assoc["SubnetId"]) == {web}
    assert f("association.association-id", moved) == {web}
    assert f("association.association-id", assoc["NetworkAclAssociationId"]) == set()
    assert f("association.network-acl-id", web, db) == {web}
    assert f("entry.cidr", "10.0.0.0/8") == {web}
    assert f("entry.cidr", "0.0.0.0/0") == {d, web, db, other_default}
    assert f("entry.ipv6-cidr", "2001:db8::/64") == {db}
    assert f("entry.ipv6-cidr", "::/0") == {db}
    assert f("entry.icmp.type", "3") == {db}
    assert f("entry.icmp.code", "4") == {db}
    assert f("entry.port-range.from", "80") == {web}
    assert f("entry.port-range.to", "81") == {web}
    assert f("entry.protocol", "6") == {web}
    assert f("entry.protocol", "tcp") == {web}
    assert f("entry.protocol", "icmp") == {db}
    assert f("entry.rule-action", "allow") == {d, web, other_default}
    assert f("entry.egress", "true") == {d, web, db, other_default}
    assert f("entry.rule-number", "20") == {db}
    assert f("entry.rule-number", "1?") == {web}
    assert f("owner-id", "123456789012") == {d, web, db, other_default}
    assert f("tag:tier", "web") == {web}
    assert f("tag:tier", "w*") == {web}
    assert f("tag-key", "tier") == {web}
    assert f("tag-value", "web") == {web}
    # filters AND, values OR
    both = acls(ec2, Filters=[{"Name": "vpc-id", "Values": [vpc_id]},
                              {"Name": "default", "Values": ["false"]},
                              {"Name": "entry.protocol", "Values": ["6", "1"]}])
    assert _names(both) == {web, db}
    assert _names(acls(ec2, NetworkAclIds=[web, db],
                       Filters=[{"Name": "tag-key", "Values": ["tier"]}])) == {web}


def test_describe_unknown_ids_and_filters(ec2):
    with pytest.raises(ClientError) as exc:
        acls(ec2, NetworkAclIds=["acl-12345678"])
    assert error(exc) == ("InvalidNetworkAclID.NotFound",
                          "The networkAcl ID 'acl-12345678' does not exist")
    with pytest.raises(ClientError) as exc:
        acls(ec2, Filters=[{"Name": "bogus", "Values": ["x"]}])
    assert error(exc) == ("InvalidParameterValue", "The filter 'bogus' is invalid")


def test_describe_pages(ec2):
    vpc_id = default_vpc(ec2)
    made = [new_acl(ec2, vpc_id) for _ in range(6)]
    everything = [a["NetworkAclId"] for a in acls(ec2)]
    page = ec2.describe_network_acls(MaxResults=5)
    seen = [a["NetworkAclId"] for a in page["NetworkAcls"]]
    assert len(seen) == 5 and page["NextToken"]
    ec2.delete_network_acl(NetworkAclId=made[-1])
    rest = ec2.describe_network_acls(MaxResults=5, NextToken=page["NextToken"])
    assert "NextToken" not in rest
    assert seen + [a["NetworkAclId"] for a in rest["NetworkAcls"]] == everything[:-1]
    unchecked = boto3.client("ec2", region_name="us-east-1",
                             config=Config(parameter_validation=False))
    with pytest.raises(ClientError) as exc:
        unchecked.describe_network_acls(MaxResults=4)
    assert error(exc)[0] == "InvalidParameterValue"
    paginator = ec2.get_paginator("describe_network_acls")
    pages = list(paginator.paginate(PaginationConfig={"PageSize": 5}))
    assert [a["NetworkAclId"] for p in pages for a in p["NetworkAcls"]] == everything[:-1]


def test_accounts_do_not_see_each_others_acls(mock):
    ours = boto3.client("ec2", region_name="us-east-1")
    theirs = boto3.client("ec2", region_name="us-east-1", aws_access_key_id="111122223333",
                          aws_secret_access_key="x")
    acl_id = new_acl(ours)
    with pytest.raises(ClientError) as exc:
        theirs.describe_network_acls(NetworkAclIds=[acl_id])
    assert error(exc)[0] == "InvalidNetworkAclID.NotFound"
    assert acl_id not in _names(acls(theirs))
    assert {a["OwnerId"] for a in acls(theirs)} == {"111122223333"}


# -- against a real server -------------------------------------------------------------------
@pytest.mark.server
def test_network_acl_round_trip_against_server(server_ec2):
    vpc_id = server_ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    acl_id = new_acl(server_ec2, vpc_id)
    server_ec2.create_network_acl_entry(**tcp_rule(acl_id, 10, Protocol="tcp"))
    entries = acl(server_ec2, acl_id)["Entries"]
    assert entries[1]["Protocol"] == "6" and entries[1]["PortRange"] == {"From": 22, "To": 22}
    with pytest.raises(ClientError) as exc:
        server_ec2.create_network_acl_entry(**tcp_rule(acl_id, 10, Protocol="tcp"))
    assert error(exc) == ("NetworkAclEntryAlreadyExists",
                          "The network acl entry identified by 10 already exists.")
    server_ec2.delete_network_acl(NetworkAclId=acl_id)


@pytest.mark.server
def test_replace_association_against_server(server_ec2):
    vpc_id = default_vpc(server_ec2)
    assoc = default_acl(server_ec2, vpc_id)["Associations"][0]
    acl_id = new_acl(server_ec2, vpc_id)
    new_id = server_ec2.replace_network_acl_association(
        AssociationId=assoc["NetworkAclAssociationId"], NetworkAclId=acl_id)["NewAssociationId"]
    found = acls(server_ec2, Filters=[{"Name": "association.association-id", "Values": [new_id]}])
    assert _names(found) == {acl_id}
    with pytest.raises(ClientError) as exc:
        server_ec2.delete_network_acl(NetworkAclId=acl_id)
    assert error(exc)[0] == "DependencyViolation"

