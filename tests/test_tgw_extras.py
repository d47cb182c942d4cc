"""Transit gateway route table announcements, metering policies, network function
attachments, peering attachment options and attachment NAT configuration through boto3, in
process and against the server."""
from __future__ import annotations

import boto3
import pytest

from helpers import fails

GWLB = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/gwy/fw/0123456789abcdef"


def peered(ec2, endpoint_url: str | None = None) -> dict:
    west = boto3.client("ec2", region_name="us-west-2", endpoint_url=endpoint_url,
                        aws_access_key_id="testing", aws_secret_access_key="testing")
    tgw = ec2.create_transit_gateway()["TransitGateway"]
    west_tgw = west.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    attach = ec2.create_transit_gateway_peering_attachment(
        TransitGatewayId=tgw["TransitGatewayId"], PeerTransitGatewayId=west_tgw,
        PeerAccountId="123456789012", PeerRegion="us-west-2")[
        "TransitGatewayPeeringAttachment"]["TransitGatewayAttachmentId"]
    return {"tgw": tgw["TransitGatewayId"], "west": west, "west_tgw": west_tgw,
            "attach": attach, "rtb": tgw["Options"]["AssociationDefaultRouteTableId"]}


@pytest.fixture
def net(ec2) -> dict:
    return peered(ec2)


# -- route table announcements ---------------------------------------------------------------------
def announce(ec2, net) -> dict:
    return ec2.create_transit_gateway_route_table_announcement(
        TransitGatewayRouteTableId=net["rtb"], PeeringAttachmentId=net["attach"])[
        "TransitGatewayRouteTableAnnouncement"]


def test_announcement_needs_an_accepted_peering(ec2, net):
    code, _ = fails(announce, ec2, net)
    assert code == "IncorrectState"
    net["west"].accept_transit_gateway_peering_attachment(TransitGatewayAttachmentId=net["attach"])
    made = announce(ec2, net)
    assert (made["State"], made["TransitGatewayId"], made["PeerTransitGatewayId"],
            made["AnnouncementDirection"]) == ("pending", net["tgw"], net["west_tgw"], "outgoing")
    ann = made["TransitGatewayRouteTableAnnouncementId"]
    found = ec2.describe_transit_gateway_route_table_announcements(Filters=[
        {"Name": "peering-attachment-id", "Values": [net["attach"]]}])[
        "TransitGatewayRouteTableAnnouncements"]
    assert [(a["TransitGatewayRouteTableAnnouncementId"], a["State"]) for a in found] == [
        (ann, "available")]
    gone = ec2.delete_transit_gateway_route_table_announcement(
        TransitGatewayRouteTableAnnouncementId=ann)["TransitGatewayRouteTableAnnouncement"]
    assert gone["State"] == "deleting"
    code, _ = fails(ec2.delete_transit_gateway_route_table_announcement,
                    TransitGatewayRouteTableAnnouncementId=ann)
    assert code == "InvalidTransitGatewayRouteTableAnnouncementId.NotFound"


def test_announcement_goes_with_its_route_table(ec2, net):
    net["west"].accept_transit_gateway_peering_attachment(TransitGatewayAttachmentId=net["attach"])
    rtb = ec2.create_transit_gateway_route_table(TransitGatewayId=net["tgw"])[
        "TransitGatewayRouteTable"]["TransitGatewayRouteTableId"]
    ann = ec2.create_transit_gateway_route_table_announcement(
        TransitGatewayRouteTableId=rtb, PeeringAttachmentId=net["attach"])[
        "TransitGatewayRouteTableAnnouncement"]["TransitGatewayRouteTableAnnouncementId"]
    ec2.delete_transit_gateway_route_table(TransitGatewayRouteTableId=rtb)
    assert ec2.describe_transit_gateway_route_table_announcements()[
        "TransitGatewayRouteTableAnnouncements"] == []
    code, _ = fails(ec2.create_transit_gateway_route_table_announcement,
                    TransitGatewayRouteTableId=net["rtb"], PeeringAttachmentId="tgw-attach-x")
    assert code == "InvalidTransitGatewayAttachmentID.Malformed"
    assert ann


# -- peering attachment options -----------------------------------------------------------------
def test_modify_peering_multipath_resilience_each_side(ec2, net):
    net["west"].accept_transit_gateway_peering_attachment(TransitGatewayAttachmentId=net["attach"])
    answer = ec2.modify_transit_gateway_peering_attachment(
        TransitGatewayAttachmentId=net["attach"], Options={"AllowMultipathResilience": True})[
        "TransitGatewayPeeringAttachment"]
    assert answer["State"] == "modifying"
    assert answer["Options"]["RequesterAllowMultipathResilience"] is True
    assert answer["Options"]["MultipathResilienceStatus"] == "disabled"   # the accepter has not
    net["west"].modify_transit_gateway_peering_attachment(
        TransitGatewayAttachmentId=net["attach"], Options={"AllowMultipathResilience": True})
    found = ec2.describe_transit_gateway_peering_attachments(
        TransitGatewayAttachmentIds=[net["attach"]])["TransitGatewayPeeringAttachments"][0]
    assert found["Options"]["AccepterAllowMultipathResilience"] is True
    assert found["Options"]["MultipathResilienceStatus"] == "enabled"
    code, _ = fails(ec2.modify_transit_gateway_peering_attachment,
                    TransitGatewayAttachmentId="tgw-attach-0123456789abcdef0")
    assert code == "InvalidTransitGatewayAttachmentID.NotFound"


# -- metering policies ---------------------------------------------------------------------------
def test_metering_policy_lifecycle(ec2, net):
    made = ec2.create_transit_gateway_metering_policy(
        TransitGatewayId=net["tgw"], MiddleboxAttachmentIds=[net["attach"]])[
        "TransitGatewayMeteringPolicy"]
    policy = made["TransitGatewayMeteringPolicyId"]
    assert (made["State"], made["MiddleboxAttachmentIds"]) == ("pending", [net["attach"]])
    entry = ec2.create_transit_gateway_metering_policy_entry(
        TransitGatewayMeteringPolicyId=policy, PolicyRuleNumber=10,
        MeteredAccount="destination-attachment-owner", SourceCidrBlock="10.0.0.0/8",
        Protocol="6")["TransitGatewayMeteringPolicyEntry"]
    assert (entry["PolicyRuleNumber"], entry["State"], entry["MeteringPolicyRule"]) == (
        "10", "available", {"SourceCidrBlock": "10.0.0.0/8", "Protocol": "6"})
    code, _ = fails(ec2.create_transit_gateway_metering_policy_entry,
                    TransitGatewayMeteringPolicyId=policy, PolicyRuleNumber=10,
                    MeteredAccount="transit-gateway-owner")
    assert code == "InvalidTransitGatewayMeteringPolicyEntry.Duplicate"
    listed = ec2.get_transit_gateway_metering_policy_entries(
        TransitGatewayMeteringPolicyId=policy)["TransitGatewayMeteringPolicyEntries"]
    assert [e["PolicyRuleNumber"] for e in listed] == ["10"]
    changed = ec2.modify_transit_gateway_metering_policy(
        TransitGatewayMeteringPolicyId=policy, RemoveMiddleboxAttachmentIds=[net["attach"]])[
        "TransitGatewayMeteringPolicy"]
    assert (changed["State"], changed["MiddleboxAttachmentIds"]) == ("modifying", [])
    gone = ec2.delete_transit_gateway_metering_policy_entry(
        TransitGatewayMeteringPolicyId=policy, PolicyRuleNumber=10)[
        "TransitGatewayMeteringPolicyEntry"]
    assert gone["State"] == "deleted"
    # an entry already gone: AWS's InvalidParameterValue, as Terraform's delete matches it
    code, message = fails(ec2.delete_transit_gateway_metering_policy_entry,
                          TransitGatewayMeteringPolicyId=policy, PolicyRuleNumber=10)
    assert code == "InvalidParameterValue" and "RuleNumber provided does not exists" in message
    found = ec2.describe_transit_gateway_metering_policies(
        TransitGatewayMeteringPolicyIds=[policy])["TransitGatewayMeteringPolicies"]
    assert found[0]["State"] == "available"
    ec2.delete_transit_gateway_metering_policy(TransitGatewayMeteringPolicyId=policy)
    code, _ = fails(ec2.describe_transit_gateway_metering_policies,
                    TransitGatewayMeteringPolicyIds=[policy])
    assert code == "InvalidTransitGatewayMeteringPolicyId.NotFound"


def test_metering_policy_refuses_strangers(ec2, net):
    other = ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    code, _ = fails(ec2.create_transit_gateway_metering_policy, TransitGatewayId=other,
                    MiddleboxAttachmentIds=[net["attach"]])
    assert code == "InvalidParameterValue"
    assert ec2.describe_transit_gateway_metering_policies()["TransitGatewayMeteringPolicies"] == []


# -- network function attachments ------------------------------------------------------------------
def service(ec2, **extra) -> str:
    return ec2.create_vpc_endpoint_service_configuration(GatewayLoadBalancerArns=[GWLB], **extra)[
        "ServiceConfiguration"]["ServiceName"]


def test_network_function_attachment_lifecycle(ec2, net):
    name = service(ec2)
    made = ec2.create_transit_gateway_network_function_attachment(
        TransitGatewayId=net["tgw"], ServiceName=name, AvailabilityZones=["us-east-1a"])[
        "TransitGatewayNetworkFunctionAttachment"]
    attach = made["TransitGatewayAttachmentId"]
    assert (made["State"], made["ResourceId"], made["AvailabilityZones"]) == (
        "pending", name, ["us-east-1a"])
    zone_id = ec2.describe_availability_zones(ZoneNames=["us-east-1a"])["AvailabilityZones"][0][
        "ZoneId"]
    assert made["AvailabilityZoneIds"] == [zone_id]
    code, _ = fails(ec2.create_transit_gateway_network_function_attachment,
                    TransitGatewayId=net["tgw"], ServiceName=name, AvailabilityZones=["us-east-1b"])
    assert code == "DuplicateTransitGatewayAttachment"
    changed = ec2.modify_transit_gateway_network_function_attachment(
        TransitGatewayAttachmentId=attach, AddAvailabilityZones=["us-east-1b"],
        RemoveAvailabilityZones=["us-east-1a"])["TransitGatewayNetworkFunctionAttachment"]
    assert (changed["State"], changed["AvailabilityZones"]) == ("modifying", ["us-east-1b"])
    found = ec2.describe_transit_gateway_network_function_attachments(Filters=[
        {"Name": "service-name", "Values": [name]}])["TransitGatewayNetworkFunctionAttachments"]
    assert [(a["TransitGatewayAttachmentId"], a["State"]) for a in found] == [(attach, "available")]
    generic = ec2.describe_transit_gateway_attachments(TransitGatewayAttachmentIds=[attach])[
        "TransitGatewayAttachments"][0]
    assert generic["ResourceType"] == "network-function"
    gone = ec2.delete_transit_gateway_network_function_attachment(
        TransitGatewayAttachmentId=attach)["TransitGatewayNetworkFunctionAttachment"]
    assert gone["State"] == "deleting"


def test_network_function_attachment_errors(ec2, net):
    code, _ = fails(ec2.create_transit_gateway_network_function_attachment,
                    TransitGatewayId=net["tgw"], ServiceName="com.amazonaws.vpce.nope",
                    AvailabilityZones=["us-east-1a"])
    assert code == "InvalidServiceName"
    name = service(ec2)
    code, _ = fails(ec2.create_transit_gateway_network_function_attachment,
                    TransitGatewayId=net["tgw"], ServiceName=name)
    assert code == "MissingParameter"
    code, _ = fails(ec2.create_transit_gateway_network_function_attachment,
                    TransitGatewayId=net["tgw"], ServiceName=name, AvailabilityZones=["mars-1a"])
    assert code == "InvalidParameterValue"
    assert ec2.describe_transit_gateway_network_function_attachments()[
        "TransitGatewayNetworkFunctionAttachments"] == []


# -- NAT configuration -----------------------------------------------------------------------------
def test_nat_configuration(ec2):
    tgw = ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    attach = ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw, VpcId=vpc,
                                                       SubnetIds=[subnet])[
        "TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
    start = ec2.get_transit_gateway_attachment_nat_configuration(TransitGatewayAttachmentId=attach)
    assert (start["NatGatewaySupport"], start["NatSystemRouteSupport"], start["NatGatewayRules"]) \
        == ("disabled", "enable", [])
    code, _ = fails(ec2.modify_transit_gateway_attachment_nat_configuration,
                    TransitGatewayAttachmentId=attach, NatGatewaySupport="enable")
    assert code == "InvalidParameterValue"             # no rule to translate with
    rules = [{"RuleNumber": 10, "MatchSourceCidr": "10.0.0.0/24", "NatCidr": "100.64.0.0/24"}]
    answer = ec2.modify_transit_gateway_attachment_nat_configuration(
        TransitGatewayAttachmentId=attach, NatGatewaySupport="enable", NatGatewayRules=rules)
    assert answer["NatGatewaySupport"] == "enabling"
    now = ec2.get_transit_gateway_attachment_nat_configuration(TransitGatewayAttachmentId=attach)
    assert now["NatGatewaySupport"] == "enabled"
    assert now["NatGatewayRules"] == [{**rules[0], "State": "activated"}]
    code, _ = fails(ec2.modify_transit_gateway_attachment_nat_configuration,
                    TransitGatewayAttachmentId=attach, NatGatewayRules=rules,
                    ResetNatGatewayRules=True)
    assert code == "InvalidParameterCombination"
    code, _ = fails(ec2.modify_transit_gateway_attachment_nat_configuration,
                    TransitGatewayAttachmentId=attach, NatSystemRouteSupport="disable")
    assert code == "InvalidParameterValue"             # VPC attachments always install them
    code, _ = fails(ec2.modify_transit_gateway_attachment_nat_configuration,
                    TransitGatewayAttachmentId=attach, NatGatewayRules=[
                        {"RuleNumber": 1, "MatchSourceCidr": "10.0.0.0/24",
                         "NatCidr": "100.64.0.0/23"}])
    assert code == "InvalidParameterValue"             # sizes differ
    off = ec2.modify_transit_gateway_attachment_nat_configuration(
        TransitGatewayAttachmentId=attach, NatGatewaySupport="disable", ResetNatGatewayRules=True)
    assert (off["NatGatewaySupport"], off["NatGatewayRules"]) == ("disabling", [])


@pytest.mark.server
def test_server_announcement_and_metering(server_ec2):
    net = peered(server_ec2, server_ec2.meta.endpoint_url)
    net["west"].accept_transit_gateway_peering_attachment(TransitGatewayAttachmentId=net["attach"])
    assert announce(server_ec2, net)["State"] == "pending"
    policy = server_ec2.create_transit_gateway_metering_policy(TransitGatewayId=net["tgw"])[
        "TransitGatewayMeteringPolicy"]["TransitGatewayMeteringPolicyId"]
    found = server_ec2.describe_transit_gateway_metering_policies()[
        "TransitGatewayMeteringPolicies"]
    assert [p["TransitGatewayMeteringPolicyId"] for p in found] == [policy]
    code, message = fails(server_ec2.delete_transit_gateway_metering_policy_entry,
                          TransitGatewayMeteringPolicyId=policy, PolicyRuleNumber=10)
    assert code == "InvalidParameterValue" and "RuleNumber provided does not exists" in message


def test_gateway_deleted_with_what_it_contains(ec2):
    tgw = ec2.create_transit_gateway(Options={"MulticastSupport": "enable"})["TransitGateway"][
        "TransitGatewayId"]
    ec2.create_transit_gateway_policy_table(TransitGatewayId=tgw)
    ec2.create_transit_gateway_multicast_domain(TransitGatewayId=tgw)
    ec2.create_transit_gateway_metering_policy(TransitGatewayId=tgw)
    ec2.delete_transit_gateway(TransitGatewayId=tgw)
    assert ec2.describe_transit_gateway_policy_tables()["TransitGatewayPolicyTables"] == []
    assert ec2.describe_transit_gateway_multicast_domains()["TransitGatewayMulticastDomains"] == []
    assert ec2.describe_transit_gateway_metering_policies()["TransitGatewayMeteringPolicies"] == []
