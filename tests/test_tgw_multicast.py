"""Transit gateway multicast domains through boto3: domains on multicast gateways, subnet
associations (and another account's, waiting for acceptance), group members and sources,
the searches and their filters."""
from __future__ import annotations

import boto3
import pytest

from helpers import fails

GROUP = "224.0.0.251"
OWNER, PARTICIPANT = "123456789012", "111122223333"


def setup(ec2, **options) -> dict:
    tgw = ec2.create_transit_gateway(Options={"MulticastSupport": "enable"})["TransitGateway"][
        "TransitGatewayId"]
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{n}.0/24",
                                 AvailabilityZone=f"us-east-1{zone}")["Subnet"]["SubnetId"]
               for n, zone in ((1, "a"), (2, "b"))]
    attach = ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw, VpcId=vpc,
                                                       SubnetIds=subnets)[
        "TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
    domain = ec2.create_transit_gateway_multicast_domain(
        TransitGatewayId=tgw, Options=options or {"Igmpv2Support": "enable"})[
        "TransitGatewayMulticastDomain"]
    return {"tgw": tgw, "vpc": vpc, "subnets": subnets, "attach": attach, "domain": domain,
            "id": domain["TransitGatewayMulticastDomainId"]}


@pytest.fixture
def mc(ec2) -> dict:
    return setup(ec2)


def associate(ec2, mc, subnets=None) -> dict:
    return ec2.associate_transit_gateway_multicast_domain(
        TransitGatewayMulticastDomainId=mc["id"], TransitGatewayAttachmentId=mc["attach"],
        SubnetIds=subnets or mc["subnets"][:1])["Associations"]


def test_domain_needs_a_multicast_gateway(ec2):
    plain = ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    code, message = fails(ec2.create_transit_gateway_multicast_domain, TransitGatewayId=plain)
    assert code == "IncorrectState" and plain in message
    code, _ = fails(ec2.create_transit_gateway_multicast_domain,
                    TransitGatewayId="tgw-0123456789abcdef0")
    assert code == "InvalidTransitGatewayID.NotFound"


def test_domain_created_pending_with_its_options(ec2, mc):
    made = mc["domain"]
    assert made["State"] == "pending"
    assert made["Options"] == {"Igmpv2Support": "enable", "StaticSourcesSupport": "disable",
                               "AutoAcceptSharedAssociations": "disable"}
    assert made["TransitGatewayMulticastDomainArn"] == (
        f"arn:aws:ec2:us-east-1:{OWNER}:transit-gateway-multicast-domain/{mc['id']}")
    found = ec2.describe_transit_gateway_multicast_domains(Filters=[
        {"Name": "transit-gateway-id", "Values": [mc["tgw"]]}])["TransitGatewayMulticastDomains"]
    assert [(d["TransitGatewayMulticastDomainId"], d["State"]) for d in found] == [
        (mc["id"], "available")]


def test_associate_subnets_of_the_attachment(ec2, mc):
    answer = associate(ec2, mc, mc["subnets"])
    assert answer["ResourceId"] == mc["vpc"] and answer["ResourceType"] == "vpc"
    assert answer["Subnets"] == [{"SubnetId": s, "State": "associating"} for s in mc["subnets"]]
    rows = ec2.get_transit_gateway_multicast_domain_associations(
        TransitGatewayMulticastDomainId=mc["id"])["MulticastDomainAssociations"]
    assert [(r["Subnet"]["SubnetId"], r["Subnet"]["State"]) for r in rows] == sorted(
        (s, "associated") for s in mc["subnets"])
    one = ec2.get_transit_gateway_multicast_domain_associations(
        TransitGatewayMulticastDomainId=mc["id"],
        Filters=[{"Name": "subnet-id", "Values": [mc["subnets"][1]]}])[
        "MulticastDomainAssociations"]
    assert [r["Subnet"]["SubnetId"] for r in one] == [mc["subnets"][1]]
    code, _ = fails(ec2.delete_transit_gateway_multicast_domain,
                    TransitGatewayMulticastDomainId=mc["id"])
    assert code == "IncorrectState"
    gone = ec2.disassociate_transit_gateway_multicast_domain(
        TransitGatewayMulticastDomainId=mc["id"], TransitGatewayAttachmentId=mc["attach"],
        SubnetIds=mc["subnets"])["Associations"]
    assert {s["State"] for s in gone["Subnets"]} == {"disassociating"}
    answer = ec2.delete_transit_gateway_multicast_domain(TransitGatewayMulticastDomainId=mc["id"])
    assert answer["TransitGatewayMulticastDomain"]["State"] == "deleting"


def test_associate_refuses_what_does_not_belong(ec2, mc):
    other = ec2.create_vpc(CidrBlock="10.5.0.0/16")["Vpc"]["VpcId"]
    stranger = ec2.create_subnet(VpcId=other, CidrBlock="10.5.1.0/24")["Subnet"]["SubnetId"]
    code, message = fails(associate, ec2, mc, [stranger])
    assert code == "InvalidParameterValue" and stranger in message
    code, _ = fails(associate, ec2, mc, ["subnet-0123456789abcdef0"])
    assert code == "InvalidSubnetID.NotFound"
    code, _ = fails(ec2.disassociate_transit_gateway_multicast_domain,
                    TransitGatewayMulticastDomainId=mc["id"],
                    TransitGatewayAttachmentId=mc["attach"], SubnetIds=mc["subnets"][:1])
    assert code == "InvalidTransitGatewayMulticastDomainAssociation.NotFound"
    code, _ = fails(ec2.associate_transit_gateway_multicast_domain,
                    TransitGatewayMulticastDomainId="tgw-mcast-domain-0123456789abcdef0",
                    TransitGatewayAttachmentId=mc["attach"], SubnetIds=mc["subnets"])
    assert code == "InvalidTransitGatewayMulticastDomainId.NotFound"
    assert ec2.get_transit_gateway_multicast_domain_associations(
        TransitGatewayMulticastDomainId=mc["id"])["MulticastDomainAssociations"] == []


def test_members_and_sources_register_search_deregister(ec2, mc):
    associate(ec2, mc)
    enis = [ec2.create_network_interface(SubnetId=mc["subnets"][0])["NetworkInterface"][
        "NetworkInterfaceId"] for _ in range(2)]
    answer = ec2.register_transit_gateway_multicast_group_members(
        TransitGatewayMulticastDomainId=mc["id"], GroupIpAddress=GROUP, NetworkInterfaceIds=enis)
    assert answer["RegisteredMulticastGroupMembers"]["RegisteredNetworkInterfaceIds"] == enis
    ec2.register_transit_gateway_multicast_group_sources(
        TransitGatewayMulticastDomainId=mc["id"], GroupIpAddress=GROUP,
        NetworkInterfaceIds=enis[:1])
    groups = ec2.search_transit_gateway_multicast_groups(
        TransitGatewayMulticastDomainId=mc["id"])["MulticastGroups"]
    # one row per registration: the first interface is a member row and a source row
    rows = sorted((g["NetworkInterfaceId"], g["GroupMember"], g["GroupSource"]) for g in groups)
    assert rows == sorted([(enis[0], True, False), (enis[0], False, True),
                           (enis[1], True, False)])
    by_eni = {g["NetworkInterfaceId"]: g for g in groups}
    assert by_eni[enis[1]]["SubnetId"] == mc["subnets"][0]
    assert by_eni[enis[1]]["TransitGatewayAttachmentId"] == mc["attach"]
    sources = ec2.search_transit_gateway_multicast_groups(
        TransitGatewayMulticastDomainId=mc["id"],
        Filters=[{"Name": "is-group-source", "Values": ["true"]}])["MulticastGroups"]
    assert [g["NetworkInterfaceId"] for g in sources] == enis[:1]
    gone = ec2.deregister_transit_gateway_multicast_group_members(
        TransitGatewayMulticastDomainId=mc["id"], GroupIpAddress=GROUP,
        NetworkInterfaceIds=enis[1:])["DeregisteredMulticastGroupMembers"]
    assert gone["DeregisteredNetworkInterfaceIds"] == enis[1:]
    code, _ = fails(ec2.deregister_transit_gateway_multicast_group_members,
                    TransitGatewayMulticastDomainId=mc["id"], GroupIpAddress=GROUP,
                    NetworkInterfaceIds=enis[1:])
    assert code == "TransitGatewayMulticastGroupMember.NotFound"
    code, _ = fails(ec2.deregister_transit_gateway_multicast_group_sources,
                    TransitGatewayMulticastDomainId=mc["id"], GroupIpAddress=GROUP,
                    NetworkInterfaceIds=enis[1:])
    assert code == "TransitGatewayMulticastGroupSource.NotFound"


def test_register_refuses_non_multicast_groups_and_foreign_interfaces(ec2, mc):
    associate(ec2, mc)
    inside = ec2.create_network_interface(SubnetId=mc["subnets"][0])["NetworkInterface"][
        "NetworkInterfaceId"]
    outside = ec2.create_network_interface(SubnetId=mc["subnets"][1])["NetworkInterface"][
        "NetworkInterfaceId"]
    code, _ = fails(ec2.register_transit_gateway_multicast_group_members,
                    TransitGatewayMulticastDomainId=mc["id"], GroupIpAddress="10.0.0.1",
                    NetworkInterfaceIds=[inside])
    assert code == "InvalidParameterValue"
    code, message = fails(ec2.register_transit_gateway_multicast_group_members,
                          TransitGatewayMulticastDomainId=mc["id"], GroupIpAddress=GROUP,
                          NetworkInterfaceIds=[outside])
    assert code == "InvalidParameterValue" and outside in message
    assert ec2.search_transit_gateway_multicast_groups(
        TransitGatewayMulticastDomainId=mc["id"])["MulticastGroups"] == []


def test_another_accounts_association_waits_for_acceptance(ec2, mock):
    tgw = ec2.create_transit_gateway(Options={"MulticastSupport": "enable"})["TransitGateway"][
        "TransitGatewayId"]
    domain = ec2.create_transit_gateway_multicast_domain(TransitGatewayId=tgw)[
        "TransitGatewayMulticastDomain"]["TransitGatewayMulticastDomainId"]
    mock.share(tgw, [PARTICIPANT])
    other = boto3.client("ec2", region_name="us-east-1", aws_access_key_id=PARTICIPANT,
                         aws_secret_access_key="testing")
    vpc = other.create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]["VpcId"]
    subnet = other.create_subnet(VpcId=vpc, CidrBlock="10.7.1.0/24")["Subnet"]["SubnetId"]
    attach = other.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw, VpcId=vpc,
                                                         SubnetIds=[subnet])[
        "TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
    ec2.accept_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=attach)
    answer = ec2.associate_transit_gateway_multicast_domain(
        TransitGatewayMulticastDomainId=domain, TransitGatewayAttachmentId=attach,
        SubnetIds=[subnet])["Associations"]
    assert answer["Subnets"] == [{"SubnetId": subnet, "State": "pendingAcceptance"}]
    assert answer["ResourceOwnerId"] == PARTICIPANT
    accepted = ec2.accept_transit_gateway_multicast_domain_associations(
        TransitGatewayMulticastDomainId=domain, TransitGatewayAttachmentId=attach,
        SubnetIds=[subnet])["Associations"]
    assert accepted["Subnets"] == [{"SubnetId": subnet, "State": "associating"}]
    code, _ = fails(ec2.reject_transit_gateway_multicast_domain_associations,
                    TransitGatewayMulticastDomainId=domain, TransitGatewayAttachmentId=attach,
                    SubnetIds=[subnet])
    assert code == "IncorrectState"
    rows = ec2.get_transit_gateway_multicast_domain_associations(
        TransitGatewayMulticastDomainId=domain)["MulticastDomainAssociations"]
    assert rows[0]["Subnet"] == {"SubnetId": subnet, "State": "associated"}


@pytest.mark.server
def test_server_domain_and_members(server_ec2):
    mc = setup(server_ec2)
    associate(server_ec2, mc)
    eni = server_ec2.create_network_interface(SubnetId=mc["subnets"][0])["NetworkInterface"][
        "NetworkInterfaceId"]
    server_ec2.register_transit_gateway_multicast_group_members(
        TransitGatewayMulticastDomainId=mc["id"], GroupIpAddress=GROUP, NetworkInterfaceIds=[eni])
    groups = server_ec2.search_transit_gateway_multicast_groups(
        TransitGatewayMulticastDomainId=mc["id"],
        Filters=[{"Name": "group-ip-address", "Values": [GROUP]}])["MulticastGroups"]
    assert [(g["NetworkInterfaceId"], g["MemberType"]) for g in groups] == [(eni, "static")]


def _registration(ec2, mc, eni: str, member: bool) -> list[dict]:
    """Terraform's find of one registration: the group, is-group-member and is-group-source
    given as a true/false pair, then the interface among the rows."""
    flags = ("true", "false") if member else ("false", "true")
    rows = ec2.search_transit_gateway_multicast_groups(
        TransitGatewayMulticastDomainId=mc["id"], Filters=[
            {"Name": "group-ip-address", "Values": [GROUP]},
            {"Name": "is-group-member", "Values": [flags[0]]},
            {"Name": "is-group-source", "Values": [flags[1]]}])["MulticastGroups"]
    return [r for r in rows if r["NetworkInterfaceId"] == eni]


@pytest.mark.parametrize("over_http", [False, True])
def test_member_and_source_of_one_interface_are_found_apart(ec2, server_ec2, over_http):
    client = server_ec2 if over_http else ec2
    mc = setup(client)
    associate(client, mc)
    eni = client.create_network_interface(SubnetId=mc["subnets"][0])["NetworkInterface"][
        "NetworkInterfaceId"]
    for register in (client.register_transit_gateway_multicast_group_members,
                     client.register_transit_gateway_multicast_group_sources):
        register(TransitGatewayMulticastDomainId=mc["id"], GroupIpAddress=GROUP,
                 NetworkInterfaceIds=[eni])
    member, source = _registration(client, mc, eni, True), _registration(client, mc, eni, False)
    assert [(r["GroupMember"], r["GroupSource"], r.get("MemberType")) for r in member] == [
        (True, False, "static")]
    assert [(r["GroupMember"], r["GroupSource"], r.get("SourceType")) for r in source] == [
        (False, True, "static")]
    client.deregister_transit_gateway_multicast_group_members(
        TransitGatewayMulticastDomainId=mc["id"], GroupIpAddress=GROUP, NetworkInterfaceIds=[eni])
    assert _registration(client, mc, eni, True) == []
    assert len(_registration(client, mc, eni, False)) == 1    # the source registration stays
