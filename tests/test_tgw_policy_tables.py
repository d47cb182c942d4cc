"""Transit gateway policy tables and prefix-list references through boto3, in-process and
against the server: associations, entries and their filters, the routes a reference stands
for, states and errors."""
from __future__ import annotations

import pytest

from helpers import fails


def setup(ec2) -> dict:
    tgw = ec2.create_transit_gateway()["TransitGateway"]
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    attach = ec2.create_transit_gateway_vpc_attachment(
        TransitGatewayId=tgw["TransitGatewayId"], VpcId=vpc, SubnetIds=[subnet])[
        "TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
    ptb = ec2.create_transit_gateway_policy_table(TransitGatewayId=tgw["TransitGatewayId"])[
        "TransitGatewayPolicyTable"]
    pl = ec2.create_managed_prefix_list(
        PrefixListName="partners", MaxEntries=5, AddressFamily="IPv4",
        Entries=[{"Cidr": "192.168.0.0/24"}, {"Cidr": "172.16.0.0/12"}])["PrefixList"]
    return {"tgw": tgw["TransitGatewayId"], "vpc": vpc, "attach": attach,
            "rtb": tgw["Options"]["AssociationDefaultRouteTableId"], "ptb": ptb,
            "ptb_id": ptb["TransitGatewayPolicyTableId"], "pl": pl["PrefixListId"]}


@pytest.fixture
def net(ec2) -> dict:
    return setup(ec2)


# -- policy tables -----------------------------------------------------------------------------
def test_policy_table_created_pending_then_available(ec2, net):
    assert (net["ptb"]["State"], net["ptb"]["TransitGatewayId"]) == ("pending", net["tgw"])
    found = ec2.describe_transit_gateway_policy_tables(Filters=[
        {"Name": "transit-gateway-id", "Values": [net["tgw"]]}])["TransitGatewayPolicyTables"]
    assert [(t["TransitGatewayPolicyTableId"], t["State"]) for t in found] == [
        (net["ptb_id"], "available")]
    code, _ = fails(ec2.create_transit_gateway_policy_table,
                    TransitGatewayId="tgw-0123456789abcdef0")
    assert code == "InvalidTransitGatewayID.NotFound"


def test_associate_once_list_and_disassociate(ec2, net):
    # Terraform's policy table association disassociates the route table first: AWS refuses
    # both on one attachment
    code, message = fails(ec2.associate_transit_gateway_policy_table,
                          TransitGatewayPolicyTableId=net["ptb_id"],
                          TransitGatewayAttachmentId=net["attach"])
    assert (code, message) == ("IncorrectState", "Cannot have both PolicyTableAssociation and "
                               "RouteTableAssociation on the same TransitGateway Attachment")
    ec2.disassociate_transit_gateway_route_table(TransitGatewayRouteTableId=net["rtb"],
                                                 TransitGatewayAttachmentId=net["attach"])
    answer = ec2.associate_transit_gateway_policy_table(
        TransitGatewayPolicyTableId=net["ptb_id"], TransitGatewayAttachmentId=net["attach"])
    assert answer["Association"] == {
        "TransitGatewayPolicyTableId": net["ptb_id"], "TransitGatewayAttachmentId": net["attach"],
        "ResourceId": net["vpc"], "ResourceType": "vpc", "State": "associating"}
    code, _ = fails(ec2.associate_transit_gateway_policy_table,
                    TransitGatewayPolicyTableId=net["ptb_id"],
                    TransitGatewayAttachmentId=net["attach"])
    assert code == "Resource.AlreadyAssociated"
    rows = ec2.get_transit_gateway_policy_table_associations(
        TransitGatewayPolicyTableId=net["ptb_id"])["Associations"]
    assert [(r["TransitGatewayAttachmentId"], r["State"]) for r in rows] == [
        (net["attach"], "associated")]
    code, _ = fails(ec2.associate_transit_gateway_route_table,
                    TransitGatewayRouteTableId=net["rtb"], TransitGatewayAttachmentId=net["attach"])
    assert code == "IncorrectState"
    shown = ec2.describe_transit_gateway_attachments(TransitGatewayAttachmentIds=[net["attach"]])
    assert shown["TransitGatewayAttachments"][0]["Association"] == {
        "TransitGatewayPolicyTableId": net["ptb_id"], "State": "associated"}
    code, _ = fails(ec2.delete_transit_gateway_policy_table,
                    TransitGatewayPolicyTableId=net["ptb_id"])
    assert code == "IncorrectState"
    answer = ec2.disassociate_transit_gateway_policy_table(
        TransitGatewayPolicyTableId=net["ptb_id"], TransitGatewayAttachmentId=net["attach"])
    assert answer["Association"]["State"] == "disassociating"
    code, _ = fails(ec2.disassociate_transit_gateway_policy_table,
                    TransitGatewayPolicyTableId=net["ptb_id"],
                    TransitGatewayAttachmentId=net["attach"])
    assert code == "InvalidTransitGatewayPolicyTableAssociation.NotFound"
    answer = ec2.delete_transit_gateway_policy_table(TransitGatewayPolicyTableId=net["ptb_id"])
    assert answer["TransitGatewayPolicyTable"]["State"] == "deleting"
    code, _ = fails(ec2.describe_transit_gateway_policy_tables,
                    TransitGatewayPolicyTableIds=[net["ptb_id"]])
    assert code == "InvalidTransitGatewayPolicyTableId.NotFound"


def test_association_goes_with_a_deleted_attachment(ec2, net):
    ec2.disassociate_transit_gateway_route_table(TransitGatewayRouteTableId=net["rtb"],
                                                 TransitGatewayAttachmentId=net["attach"])
    ec2.associate_transit_gateway_policy_table(
        TransitGatewayPolicyTableId=net["ptb_id"], TransitGatewayAttachmentId=net["attach"])
    ec2.delete_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=net["attach"])
    assert ec2.get_transit_gateway_policy_table_associations(
        TransitGatewayPolicyTableId=net["ptb_id"])["Associations"] == []
    ec2.delete_transit_gateway_policy_table(TransitGatewayPolicyTableId=net["ptb_id"])


def entry(ec2, net, number: str, **rule) -> dict:
    return ec2.create_transit_gateway_policy_table_entry(
        TransitGatewayPolicyTableId=net["ptb_id"], PolicyRuleNumber=number,
        PolicyRule=rule, TargetRouteTableId=net["rtb"])["TransitGatewayPolicyTableEntry"]


def test_entries_create_filter_modify_delete(ec2, net):
    made = entry(ec2, net, "100", DestinationCidrBlock="10.1.0.0/16", Protocol="6",
                 DestinationPortRange="443", MetaData={"MetaDataKey": "segment",
                                                       "MetaDataValue": "prod"})
    assert made == {"PolicyRuleNumber": "100", "TargetRouteTableId": net["rtb"],
                    "State": "active", "PolicyRule": {      # AWS never answers the metadata
                        "SourceCidrBlock": "*", "SourcePortRange": "*",   # nor leaves one out
                        "DestinationCidrBlock": "10.1.0.0/16", "DestinationPortRange": "443",
                        "Protocol": "6"}}
    entry(ec2, net, "20", SourceCidrBlock="10.0.0.0/16", SourcePortRange="*")
    listed = ec2.get_transit_gateway_policy_table_entries(
        TransitGatewayPolicyTableId=net["ptb_id"])["TransitGatewayPolicyTableEntries"]
    assert [e["PolicyRuleNumber"] for e in listed] == ["20", "100"]      # by rule number
    found = ec2.get_transit_gateway_policy_table_entries(
        TransitGatewayPolicyTableId=net["ptb_id"], Filters=[
            {"Name": "policy-rule.meta-data.value", "Values": ["prod"]}])[
        "TransitGatewayPolicyTableEntries"]
    assert [e["PolicyRuleNumber"] for e in found] == ["100"]
    code, _ = fails(entry, ec2, net, "100", SourceCidrBlock="10.9.0.0/16")
    assert code == "InvalidTransitGatewayPolicyTableEntry.Duplicate"
    changed = ec2.modify_transit_gateway_policy_table_entry(
        TransitGatewayPolicyTableId=net["ptb_id"], PolicyRuleNumber="20",
        PolicyRule={"SourceCidrBlock": "10.2.0.0/16"})["TransitGatewayPolicyTableEntry"]
    assert changed["PolicyRule"] == {"SourceCidrBlock": "10.2.0.0/16", "SourcePortRange": "*",
                                     "DestinationCidrBlock": "*", "DestinationPortRange": "*",
                                     "Protocol": "*"}
    gone = ec2.delete_transit_gateway_policy_table_entry(
        TransitGatewayPolicyTableId=net["ptb_id"], PolicyRuleNumber="20")[
        "TransitGatewayPolicyTableEntry"]
    assert gone["State"] == "deleted"
    code, _ = fails(ec2.delete_transit_gateway_policy_table_entry,
                    TransitGatewayPolicyTableId=net["ptb_id"], PolicyRuleNumber="20")
    assert code == "InvalidTransitGatewayPolicyTableEntry.NotFound"


@pytest.mark.parametrize("rule", [{"SourceCidrBlock": "nope"}, {"DestinationPortRange": "9-1"},
                                  {"Protocol": "tcpish"}])
def test_entry_refuses_bad_rules(ec2, net, rule):
    code, _ = fails(entry, ec2, net, "10", **rule)
    assert code == "InvalidParameterValue"
    code, _ = fails(entry, ec2, net, "0", SourceCidrBlock="10.0.0.0/8")
    assert code == "InvalidParameterValue"
    code, _ = fails(ec2.create_transit_gateway_policy_table_entry,
                    TransitGatewayPolicyTableId=net["ptb_id"], PolicyRuleNumber="10",
                    TargetRouteTableId="tgw-rtb-0123456789abcdef0")
    assert code == "InvalidRouteTableID.NotFound"
    assert ec2.get_transit_gateway_policy_table_entries(
        TransitGatewayPolicyTableId=net["ptb_id"])["TransitGatewayPolicyTableEntries"] == []


# -- prefix-list references ----------------------------------------------------------------------
def reference(ec2, net, **target) -> dict:
    return ec2.create_transit_gateway_prefix_list_reference(
        TransitGatewayRouteTableId=net["rtb"], PrefixListId=net["pl"], **target)[
        "TransitGatewayPrefixListReference"]


def routes(ec2, net) -> dict[str, dict]:
    found = ec2.search_transit_gateway_routes(
        TransitGatewayRouteTableId=net["rtb"],
        Filters=[{"Name": "prefix-list-id", "Values": [net["pl"]]}])["Routes"]
    return {r["DestinationCidrBlock"]: r for r in found}


def test_reference_routes_each_cidr_of_the_list(ec2, net):
    made = reference(ec2, net, TransitGatewayAttachmentId=net["attach"])
    assert made == {"TransitGatewayRouteTableId": net["rtb"], "PrefixListId": net["pl"],
                    "PrefixListOwnerId": "123456789012", "State": "pending", "Blackhole": False,
                    "TransitGatewayAttachment": {"TransitGatewayAttachmentId": net["attach"],
                                                 "ResourceType": "vpc",
                                                 "ResourceId": net["vpc"]}}
    found = routes(ec2, net)
    assert sorted(found) == ["172.16.0.0/12", "192.168.0.0/24"]
    assert {(r["Type"], r["State"], r["PrefixListId"]) for r in found.values()} == {
        ("static", "active", net["pl"])}
    # the list changes, the routes follow
    version = ec2.describe_managed_prefix_lists(PrefixListIds=[net["pl"]])["PrefixLists"][0][
        "Version"]
    ec2.modify_managed_prefix_list(PrefixListId=net["pl"], CurrentVersion=version,
                                   AddEntries=[{"Cidr": "198.51.100.0/24"}])
    assert "198.51.100.0/24" in routes(ec2, net)
    # a list in use cannot be deleted
    assert ec2.delete_managed_prefix_list(PrefixListId=net["pl"])["PrefixList"]["State"] == \
        "delete-in-progress"
    state = ec2.describe_managed_prefix_lists(PrefixListIds=[net["pl"]])["PrefixLists"][0]
    assert state["State"] == "delete-failed" and net["rtb"] in state["StateMessage"]


def test_reference_modify_to_blackhole_get_and_delete(ec2, net):
    reference(ec2, net, TransitGatewayAttachmentId=net["attach"])
    code, _ = fails(reference, ec2, net, Blackhole=True)
    assert code == "RouteAlreadyExists"
    changed = ec2.modify_transit_gateway_prefix_list_reference(
        TransitGatewayRouteTableId=net["rtb"], PrefixListId=net["pl"], Blackhole=True)[
        "TransitGatewayPrefixListReference"]
    assert (changed["State"], changed["Blackhole"]) == ("modifying", True)
    assert "TransitGatewayAttachment" not in changed
    assert {r["State"] for r in routes(ec2, net).values()} == {"blackhole"}
    listed = ec2.get_transit_gateway_prefix_list_references(
        TransitGatewayRouteTableId=net["rtb"],
        Filters=[{"Name": "is-blackhole", "Values": ["true"]}])[
        "TransitGatewayPrefixListReferences"]
    assert [(r["PrefixListId"], r["State"]) for r in listed] == [(net["pl"], "available")]
    gone = ec2.delete_transit_gateway_prefix_list_reference(
        TransitGatewayRouteTableId=net["rtb"], PrefixListId=net["pl"])[
        "TransitGatewayPrefixListReference"]
    assert gone["State"] == "deleting"
    assert routes(ec2, net) == {}
    code, _ = fails(ec2.delete_transit_gateway_prefix_list_reference,
                    TransitGatewayRouteTableId=net["rtb"], PrefixListId=net["pl"])
    assert code == "InvalidPrefixListID.NotFound"


def test_reference_errors_leave_nothing(ec2, net):
    code, _ = fails(reference, ec2, net)
    assert code == "MissingParameter"
    code, _ = fails(reference, ec2, net, TransitGatewayAttachmentId=net["attach"], Blackhole=True)
    assert code == "InvalidParameterCombination"
    code, _ = fails(ec2.create_transit_gateway_prefix_list_reference,
                    TransitGatewayRouteTableId=net["rtb"], PrefixListId="pl-0123456789abcdef0",
                    Blackhole=True)
    assert code == "InvalidPrefixListID.NotFound"
    code, _ = fails(reference, ec2, net, Blackhole=True, DryRun=True)
    assert code == "DryRunOperation"
    assert ec2.get_transit_gateway_prefix_list_references(
        TransitGatewayRouteTableId=net["rtb"])["TransitGatewayPrefixListReferences"] == []


def test_reference_reads_blackhole_once_its_attachment_is_deleted(ec2, net):
    reference(ec2, net, TransitGatewayAttachmentId=net["attach"])
    ec2.delete_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=net["attach"])
    assert {r["State"] for r in routes(ec2, net).values()} == {"blackhole"}


@pytest.mark.server
def test_server_policy_entry_and_reference(server_ec2):
    net = setup(server_ec2)
    assert entry(server_ec2, net, "5", Protocol="17")["State"] == "active"
    reference(server_ec2, net, Blackhole=True)
    listed = server_ec2.get_transit_gateway_prefix_list_references(
        TransitGatewayRouteTableId=net["rtb"])["TransitGatewayPrefixListReferences"]
    assert [r["Blackhole"] for r in listed] == [True]


def test_server_route_table_and_policy_table_exclude_each_other(server_ec2):
    net = setup(server_ec2)
    code, message = fails(server_ec2.associate_transit_gateway_policy_table,
                          TransitGatewayPolicyTableId=net["ptb_id"],
                          TransitGatewayAttachmentId=net["attach"])
    assert code == "IncorrectState" and "Cannot have both PolicyTableAssociation" in message
    assert server_ec2.get_transit_gateway_policy_table_associations(
        TransitGatewayPolicyTableId=net["ptb_id"])["Associations"] == []
    server_ec2.disassociate_transit_gateway_route_table(
        TransitGatewayRouteTableId=net["rtb"], TransitGatewayAttachmentId=net["attach"])
    server_ec2.associate_transit_gateway_policy_table(
        TransitGatewayPolicyTableId=net["ptb_id"], TransitGatewayAttachmentId=net["attach"])
    code, _ = fails(server_ec2.associate_transit_gateway_route_table,
                    TransitGatewayRouteTableId=net["rtb"], TransitGatewayAttachmentId=net["attach"])
    assert code == "IncorrectState"
    assert server_ec2.get_transit_gateway_route_table_associations(
        TransitGatewayRouteTableId=net["rtb"])["Associations"] == []


@pytest.mark.parametrize("over_http", [False, True])
def test_entry_reports_criteria_left_out_as_wildcards(ec2, server_ec2, over_http):
    client = server_ec2 if over_http else ec2
    net = setup(client)
    made = entry(client, net, "7", DestinationCidrBlock="10.1.0.0/16")
    wild = {"SourceCidrBlock": "*", "SourcePortRange": "*", "DestinationPortRange": "*",
            "Protocol": "*"}
    assert made["PolicyRule"] == {**wild, "DestinationCidrBlock": "10.1.0.0/16"}
    bare = client.create_transit_gateway_policy_table_entry(
        TransitGatewayPolicyTableId=net["ptb_id"], PolicyRuleNumber="8",
        TargetRouteTableId=net["rtb"])["TransitGatewayPolicyTableEntry"]
    assert bare["PolicyRule"] == {**wild, "DestinationCidrBlock": "*"}
    # what AWS answers is accepted back
    again = client.modify_transit_gateway_policy_table_entry(
        TransitGatewayPolicyTableId=net["ptb_id"], PolicyRuleNumber="8",
        PolicyRule=bare["PolicyRule"])["TransitGatewayPolicyTableEntry"]
    assert again["PolicyRule"] == bare["PolicyRule"]
    found = client.get_transit_gateway_policy_table_entries(
        TransitGatewayPolicyTableId=net["ptb_id"], Filters=[
            {"Name": "policy-rule.protocol", "Values": ["*"]}])["TransitGatewayPolicyTableEntries"]
    assert [e["PolicyRuleNumber"] for e in found] == ["7", "8"]
