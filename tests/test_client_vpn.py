"""Client VPN through boto3, in-process and against the server: endpoints, target networks,
routes, authorization rules, connections, revocation lists, configuration and policy; and a
Client VPN endpoint as the source of a Reachability Analyzer path."""
from __future__ import annotations

from typing import Any

import pytest

from helpers import fails
from topology.connect import client_vpn, client_vpn_networks
from topology.provision import state
from viz import render
from viz.snapshot import snapshot

CERT = "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
MUTUAL = [{"Type": "certificate-authentication",
           "MutualAuthentication": {"ClientRootCertificateChainArn": CERT}}]
NO_LOGS = {"Enabled": False}
MISSING = "cvpn-endpoint-0123456789abcdef0"
CRL = "-----BEGIN X509 CRL-----\nMIIBdummy\n-----END X509 CRL-----\n"


def new_endpoint(ec2: Any, **extra: Any) -> str:
    params = {"ClientCidrBlock": "172.16.0.0/22", "ServerCertificateArn": CERT,
              "AuthenticationOptions": MUTUAL, "ConnectionLogOptions": NO_LOGS, **extra}
    return ec2.create_client_vpn_endpoint(**params)["ClientVpnEndpointId"]


def endpoint(ec2: Any, cvpn: str) -> dict[str, Any]:
    return ec2.describe_client_vpn_endpoints(ClientVpnEndpointIds=[cvpn])[
        "ClientVpnEndpoints"][0]


def subnet_in(ec2: Any, vpc: str, cidr: str, zone: str) -> str:
    return ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone=f"us-east-1{zone}")[
        "Subnet"]["SubnetId"]


@pytest.fixture
def cvpn(ec2) -> str:
    return new_endpoint(ec2)


# -- endpoints ----------------------------------------------------------------------------------
def test_create_answers_pending_associate_and_describe_shows_the_settings(ec2):
    answer = ec2.create_client_vpn_endpoint(
        ClientCidrBlock="172.16.0.0/22", ServerCertificateArn=CERT,
        AuthenticationOptions=MUTUAL, ConnectionLogOptions=NO_LOGS, TransportProtocol="tcp",
        VpnPort=1194, SplitTunnel=True, DnsServers=["10.0.0.2"], Description="remote",
        TagSpecifications=[{"ResourceType": "client-vpn-endpoint",
                            "Tags": [{"Key": "Name", "Value": "vpn"}]}])
    cvpn = answer["ClientVpnEndpointId"]
    assert cvpn.startswith("cvpn-endpoint-")
    assert answer["Status"] == {"Code": "pending-associate"}
    assert answer["DnsName"] == f"*.{cvpn}.prod.clientvpn.us-east-1.amazonaws.com"
    shown = endpoint(ec2, cvpn)
    assert shown["Status"] == {"Code": "pending-associate"}
    assert (shown["ClientCidrBlock"], shown["TransportProtocol"], shown["VpnPort"],
            shown["SplitTunnel"], shown["DnsServers"], shown["VpnProtocol"]) == \
        ("172.16.0.0/22", "tcp", 1194, True, ["10.0.0.2"], "openvpn")
    assert shown["AuthenticationOptions"] == [{"Type": "certificate-authentication",
                                               "MutualAuthentication": {
                                                   "ClientRootCertificateChain": CERT}}]
    assert shown["Tags"] == [{"Key": "Name", "Value": "vpn"}]
    assert shown["AssociatedTargetNetworks"] == [] and shown["SecurityGroupIds"] == []
    assert shown["SessionTimeoutHours"] == 24


@pytest.mark.parametrize("extra, code", [
    ({"ClientCidrBlock": "172.16.0.0/23"}, "InvalidParameterValue"),     # smaller than /22
    ({"ClientCidrBlock": "172.0.0.0/11"}, "InvalidParameterValue"),      # larger than /12
    ({"ClientCidrBlock": "not-a-cidr"}, "InvalidParameterValue"),
    ({"ServerCertificateArn": "arn:aws:iam::123456789012:server-certificate/x"},
     "InvalidParameterValue"),
    ({"VpnPort": 8443}, "InvalidParameterValue"),
    ({"DnsServers": ["1.1.1.1", "8.8.8.8", "9.9.9.9"]}, "InvalidParameterValue"),
    ({"ConnectionLogOptions": {"Enabled": True}}, "InvalidParameterValue"),
    ({"SessionTimeoutHours": 5}, "InvalidParameterValue"),
    ({"SecurityGroupIds": ["sg-0123456789abcdef0"]}, "InvalidParameterValue"),  # no VpcId
    ({"SelfServicePortal": "enabled"}, "InvalidParameterValue"),   # needs federated auth
    ({"AuthenticationOptions": [{"Type": "certificate-authentication"}]}, "MissingParameter"),
    ({"AuthenticationOptions": [
        {"Type": "directory-service-authentication", "ActiveDirectory": {"DirectoryId": "d-1"}},
        {"Type": "federated-authentication", "FederatedAuthentication": {
            "SAMLProviderArn": "arn:aws:iam::123456789012:saml-provider/okta"}}]},
     "InvalidParameterValue"),
])
def test_create_refuses_bad_settings_and_makes_nothing(ec2, extra, code):
    assert fails(new_endpoint, ec2, **extra)[0] == code
    assert ec2.describe_client_vpn_endpoints()["ClientVpnEndpoints"] == []


def test_client_range_may_not_overlap_the_vpc(ec2, vpc):
    code, _ = fails(new_endpoint, ec2, ClientCidrBlock="10.0.0.0/22", VpcId=vpc)
    assert code == "InvalidClientVpnSubnetId.OverlappingCidr"


def test_vpc_alone_gets_its_default_group(ec2, vpc):
    default = ec2.describe_security_groups(Filters=[
        {"Name": "vpc-id", "Values": [vpc]}, {"Name": "group-name", "Values": ["default"]}])[
        "SecurityGroups"][0]["GroupId"]
    shown = endpoint(ec2, new_endpoint(ec2, VpcId=vpc))
    assert (shown["VpcId"], shown["SecurityGroupIds"]) == (vpc, [default])


def test_describe_filters_pages_and_unknown_ids(ec2):
    made = [new_endpoint(ec2, TransportProtocol=p) for p in ("udp", "tcp", "udp")]
    by_protocol = ec2.describe_client_vpn_endpoints(
        Filters=[{"Name": "transport-protocol", "Values": ["tcp"]}])["ClientVpnEndpoints"]
    assert [e["ClientVpnEndpointId"] for e in by_protocol] == [made[1]]
    assert fails(ec2.describe_client_vpn_endpoints, ClientVpnEndpointIds=[MISSING])[0] == \
        "InvalidClientVpnEndpointId.NotFound"
    assert ec2.describe_client_vpn_endpoints(
        Filters=[{"Name": "endpoint-id", "Values": [made[2]]}])["ClientVpnEndpoints"][0][
        "ClientVpnEndpointId"] == made[2]


def test_modify_changes_what_it_names(ec2, vpc, cvpn):
    group = ec2.create_security_group(GroupName="vpn", Description="d", VpcId=vpc)["GroupId"]
    assert ec2.modify_client_vpn_endpoint(
        ClientVpnEndpointId=cvpn, Description="new", SplitTunnel=True, VpnPort=1194,
        DnsServers={"CustomDnsServers": ["10.0.0.2"], "Enabled": True},
        SecurityGroupIds=[group], VpcId=vpc)["Return"] is True
    shown = endpoint(ec2, cvpn)
    assert (shown["Description"], shown["SplitTunnel"], shown["VpnPort"], shown["DnsServers"],
            shown["SecurityGroupIds"], shown["VpcId"]) == \
        ("new", True, 1194, ["10.0.0.2"], [group], vpc)
    assert fails(ec2.modify_client_vpn_endpoint, ClientVpnEndpointId=cvpn, VpnPort=22)[0] == \
        "InvalidParameterValue"
    assert endpoint(ec2, cvpn)["VpnPort"] == 1194


def test_delete_endpoint(ec2, cvpn):
    assert ec2.delete_client_vpn_endpoint(ClientVpnEndpointId=cvpn)["Status"] == {
        "Code": "deleting"}
    assert fails(ec2.describe_client_vpn_endpoints, ClientVpnEndpointIds=[cvpn])[0] == \
        "InvalidClientVpnEndpointId.NotFound"
    assert fails(ec2.delete_client_vpn_endpoint, ClientVpnEndpointId="cvpn-endpoint-x")[0] == \
        "InvalidClientVpnEndpointId.Malformed"


# -- target networks and routes ----------------------------------------------------------------
def test_associating_makes_the_endpoint_available_with_a_route_to_the_vpc(ec2, vpc, subnet,
                                                                          cvpn):
    before = ec2.describe_subnets(SubnetIds=[subnet])["Subnets"][0]["AvailableIpAddressCount"]
    answer = ec2.associate_client_vpn_target_network(ClientVpnEndpointId=cvpn, SubnetId=subnet)
    assert answer["AssociationId"].startswith("cvpn-assoc-")
    assert answer["Status"] == {"Code": "associating"}
    shown = endpoint(ec2, cvpn)
    assert shown["Status"] == {"Code": "available"}
    assert shown["AssociatedTargetNetworks"] == [{"NetworkId": vpc, "NetworkType": "vpc"}]
    networks = ec2.describe_client_vpn_target_networks(ClientVpnEndpointId=cvpn)[
        "ClientVpnTargetNetworks"]
    assert [(n["AssociationId"], n["TargetNetworkId"], n["VpcId"], n["Status"]["Code"])
            for n in networks] == [(answer["AssociationId"], subnet, vpc, "associated")]
    routes = ec2.describe_client_vpn_routes(ClientVpnEndpointId=cvpn)["Routes"]
    assert [(r["DestinationCidr"], r["TargetSubnet"], r["Origin"], r["Type"]) for r in routes] \
        == [("10.0.0.0/16", subnet, "associate", "Nat")]
    # the endpoint's interface in the subnet, requester-managed, with the VPC's default group
    after = ec2.describe_subnets(SubnetIds=[subnet])["Subnets"][0]["AvailableIpAddressCount"]
    assert after == before - 1
    enis = ec2.describe_network_interfaces(Filters=[
        {"Name": "subnet-id", "Values": [subnet]}])["NetworkInterfaces"]
    assert [e["RequesterManaged"] for e in enis] == [True]
    assert fails(ec2.delete_subnet, SubnetId=subnet)[0] == "DependencyViolation"


def test_association_rules(ec2, vpc, subnet, cvpn):
    ec2.associate_client_vpn_target_network(ClientVpnEndpointId=cvpn, SubnetId=subnet)
    same_zone = subnet_in(ec2, vpc, "10.0.1.0/24", "a")
    other_vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    elsewhere = subnet_in(ec2, other_vpc, "10.1.0.0/24", "b")
    associate = ec2.associate_client_vpn_target_network
    assert fails(associate, ClientVpnEndpointId=cvpn, SubnetId=subnet)[0] == \
        "InvalidClientVpnDuplicateAssociationException"
    assert fails(associate, ClientVpnEndpointId=cvpn, SubnetId=same_zone)[0] == \
        "InvalidClientVpnSubnetId.DuplicateAz"
    assert fails(associate, ClientVpnEndpointId=cvpn, SubnetId=elsewhere)[0] == \
        "InvalidClientVpnSubnetId.NotFound"
    assert fails(associate, ClientVpnEndpointId=MISSING, SubnetId=subnet)[0] == \
        "InvalidClientVpnEndpointId.NotFound"
    assert fails(associate, ClientVpnEndpointId=cvpn, SubnetId="subnet-0123456789abcdef0")[
        0] == "InvalidSubnetID.NotFound"
    second = subnet_in(ec2, vpc, "10.0.2.0/24", "b")
    associate(ClientVpnEndpointId=cvpn, SubnetId=second)
    assert len(ec2.describe_client_vpn_target_networks(ClientVpnEndpointId=cvpn)[
        "ClientVpnTargetNetworks"]) == 2


def test_overlapping_vpc_cannot_be_associated(ec2):
    vpc = ec2.create_vpc(CidrBlock="172.16.0.0/16")["Vpc"]["VpcId"]
    sub = subnet_in(ec2, vpc, "172.16.8.0/24", "a")
    cvpn = new_endpoint(ec2)
    assert fails(ec2.associate_client_vpn_target_network, ClientVpnEndpointId=cvpn,
                 SubnetId=sub)[0] == "InvalidClientVpnSubnetId.OverlappingCidr"


def test_routes_need_an_associated_subnet(ec2, vpc, subnet, cvpn):
    create = ec2.create_client_vpn_route
    assert fails(create, ClientVpnEndpointId=cvpn, DestinationCidrBlock="0.0.0.0/0",
                 TargetVpcSubnetId=subnet)[0] == "InvalidClientVpnActiveAssociationNotFound"
    ec2.associate_client_vpn_target_network(ClientVpnEndpointId=cvpn, SubnetId=subnet)
    other = subnet_in(ec2, vpc, "10.0.1.0/24", "b")
    assert fails(create, ClientVpnEndpointId=cvpn, DestinationCidrBlock="0.0.0.0/0",
                 TargetVpcSubnetId=other)[0] == "InvalidClientVpnActiveAssociationNotFound"
    assert create(ClientVpnEndpointId=cvpn, DestinationCidrBlock="0.0.0.0/0",
                  TargetVpcSubnetId=subnet, Description="internet")["Status"] == {
        "Code": "creating"}
    assert fails(create, ClientVpnEndpointId=cvpn, DestinationCidrBlock="0.0.0.0/0",
                 TargetVpcSubnetId=subnet)[0] == "InvalidClientVpnDuplicateRoute"
    routes = ec2.describe_client_vpn_routes(
        ClientVpnEndpointId=cvpn, Filters=[{"Name": "origin", "Values": ["add-route"]}])["Routes"]
    assert [(r["DestinationCidr"], r["Description"]) for r in routes] == [
        ("0.0.0.0/0", "internet")]
    delete = ec2.delete_client_vpn_route
    assert fails(delete, ClientVpnEndpointId=cvpn, DestinationCidrBlock="192.168.0.0/16")[0] \
        == "InvalidClientVpnRouteNotFound"
    assert delete(ClientVpnEndpointId=cvpn, DestinationCidrBlock="0.0.0.0/0",
                  TargetVpcSubnetId=subnet)["Status"] == {"Code": "deleting"}
    assert [r["Origin"] for r in ec2.describe_client_vpn_routes(ClientVpnEndpointId=cvpn)[
        "Routes"]] == ["associate"]


def test_route_and_rule_quotas(ec2, subnet, cvpn):
    ec2.associate_client_vpn_target_network(ClientVpnEndpointId=cvpn, SubnetId=subnet)
    for n in range(9):                    # with the association's route: ten
        ec2.create_client_vpn_route(ClientVpnEndpointId=cvpn,
                                    DestinationCidrBlock=f"192.168.{n}.0/24",
                                    TargetVpcSubnetId=subnet)
    assert fails(ec2.create_client_vpn_route, ClientVpnEndpointId=cvpn,
                 DestinationCidrBlock="192.168.99.0/24", TargetVpcSubnetId=subnet)[0] == \
        "ClientVpnRouteLimitExceeded"
    for n in range(50):
        ec2.authorize_client_vpn_ingress(ClientVpnEndpointId=cvpn,
                                         TargetNetworkCidr=f"10.{n}.0.0/16",
                                         AuthorizeAllGroups=True)
    assert fails(ec2.authorize_client_vpn_ingress, ClientVpnEndpointId=cvpn,
                 TargetNetworkCidr="10.99.0.0/16", AuthorizeAllGroups=True)[0] == \
        "ClientVpnAuthorizationRuleLimitExceeded"


def test_disassociating_removes_routes_and_the_interface(ec2, subnet, cvpn):
    assoc = ec2.associate_client_vpn_target_network(ClientVpnEndpointId=cvpn,
                                                    SubnetId=subnet)["AssociationId"]
    ec2.create_client_vpn_route(ClientVpnEndpointId=cvpn, DestinationCidrBlock="0.0.0.0/0",
                                TargetVpcSubnetId=subnet)
    assert fails(ec2.delete_client_vpn_endpoint, ClientVpnEndpointId=cvpn)[0] == "InvalidState"
    answer = ec2.disassociate_client_vpn_target_network(ClientVpnEndpointId=cvpn,
                                                        AssociationId=assoc)
    assert (answer["AssociationId"], answer["Status"]) == (assoc, {"Code": "disassociating"})
    assert ec2.describe_client_vpn_routes(ClientVpnEndpointId=cvpn)["Routes"] == []
    assert endpoint(ec2, cvpn)["Status"] == {"Code": "pending-associate"}
    assert ec2.describe_network_interfaces(Filters=[
        {"Name": "subnet-id", "Values": [subnet]}])["NetworkInterfaces"] == []
    assert fails(ec2.disassociate_client_vpn_target_network, ClientVpnEndpointId=cvpn,
                 AssociationId=assoc)[0] == "InvalidClientVpnAssociationIdNotFound"
    ec2.delete_subnet(SubnetId=subnet)
    ec2.delete_client_vpn_endpoint(ClientVpnEndpointId=cvpn)


def test_security_groups_apply_to_the_interfaces(ec2, vpc, subnet, cvpn):
    ec2.associate_client_vpn_target_network(ClientVpnEndpointId=cvpn, SubnetId=subnet)
    group = ec2.create_security_group(GroupName="vpn", Description="d", VpcId=vpc)["GroupId"]
    assert ec2.apply_security_groups_to_client_vpn_target_network(
        ClientVpnEndpointId=cvpn, VpcId=vpc, SecurityGroupIds=[group])["SecurityGroupIds"] == \
        [group]
    eni = ec2.describe_network_interfaces(Filters=[
        {"Name": "subnet-id", "Values": [subnet]}])["NetworkInterfaces"][0]
    assert [g["GroupId"] for g in eni["Groups"]] == [group]
    assert ec2.describe_client_vpn_target_networks(ClientVpnEndpointId=cvpn)[
        "ClientVpnTargetNetworks"][0]["SecurityGroups"] == [group]
    assert fails(ec2.apply_security_groups_to_client_vpn_target_network,
                 ClientVpnEndpointId=cvpn, VpcId=vpc,
                 SecurityGroupIds=["sg-0123456789abcdef0"])[0] == "InvalidGroup.NotFound"


# -- authorization rules -------------------------------------------------------------------------
def test_authorization_rules(ec2, cvpn):
    authorize = ec2.authorize_client_vpn_ingress
    assert authorize(ClientVpnEndpointId=cvpn, TargetNetworkCidr="10.0.0.0/16",
                     AuthorizeAllGroups=True, Description="all")["Status"] == {
        "Code": "authorizing"}
    authorize(ClientVpnEndpointId=cvpn, TargetNetworkCidr="10.0.1.0/24", AccessGroupId="ops")
    assert fails(authorize, ClientVpnEndpointId=cvpn, TargetNetworkCidr="10.0.0.0/16",
                 AuthorizeAllGroups=True)[0] == "InvalidClientVpnDuplicateAuthorizationRule"
    assert fails(authorize, ClientVpnEndpointId=cvpn, TargetNetworkCidr="10.0.2.0/24")[0] == \
        "InvalidParameterCombination"
    rules = ec2.describe_client_vpn_authorization_rules(ClientVpnEndpointId=cvpn)[
        "AuthorizationRules"]
    assert [(r["DestinationCidr"], r["AccessAll"], r["GroupId"], r["Status"]["Code"])
            for r in rules] == [("10.0.0.0/16", True, "", "active"),
                                ("10.0.1.0/24", False, "ops", "active")]
    ops = ec2.describe_client_vpn_authorization_rules(
        ClientVpnEndpointId=cvpn, Filters=[{"Name": "group-id", "Values": ["ops"]}])[
        "AuthorizationRules"]
    assert [r["DestinationCidr"] for r in ops] == ["10.0.1.0/24"]
    revoke = ec2.revoke_client_vpn_ingress
    assert revoke(ClientVpnEndpointId=cvpn, TargetNetworkCidr="10.0.1.0/24",
                  AccessGroupId="ops")["Status"] == {"Code": "revoking"}
    assert fails(revoke, ClientVpnEndpointId=cvpn, TargetNetworkCidr="10.0.1.0/24",
                 AccessGroupId="ops")[0] == "InvalidClientVpnEndpointAuthorizationRuleNotFound"
    revoke(ClientVpnEndpointId=cvpn, TargetNetworkCidr="10.0.0.0/16", RevokeAllGroups=True)
    assert ec2.describe_client_vpn_authorization_rules(ClientVpnEndpointId=cvpn)[
        "AuthorizationRules"] == []


def test_describe_rules_pages(ec2, cvpn):
    for n in range(7):
        ec2.authorize_client_vpn_ingress(ClientVpnEndpointId=cvpn,
                                         TargetNetworkCidr=f"10.{n}.0.0/16",
                                         AuthorizeAllGroups=True)
    first = ec2.describe_client_vpn_authorization_rules(ClientVpnEndpointId=cvpn, MaxResults=5)
    rest = ec2.describe_client_vpn_authorization_rules(ClientVpnEndpointId=cvpn, MaxResults=5,
                                                       NextToken=first["NextToken"])
    assert len(first["AuthorizationRules"]) == 5 and len(rest["AuthorizationRules"]) == 2
    assert "NextToken" not in rest
    assert fails(ec2.describe_client_vpn_authorization_rules, ClientVpnEndpointId=cvpn,
                 NextToken="garbage")[0] == "InvalidPaginationToken"


# -- connections -------------------------------------------------------------------------------
def test_connections_and_terminating_them(ec2, mock, subnet, cvpn):
    assert ec2.describe_client_vpn_connections(ClientVpnEndpointId=cvpn)["Connections"] == []
    assert fails(ec2.terminate_client_vpn_connections, ClientVpnEndpointId=cvpn,
                 Username="alice")[0] == "InvalidClientVpnConnection.UserNotFound"
    ec2.associate_client_vpn_target_network(ClientVpnEndpointId=cvpn, SubnetId=subnet)
    world = mock.world
    part = world.partition("123456789012", "us-east-1")
    with world.request():
        conn = client_vpn_networks.connect(world, part, cvpn, username="alice")
    shown = ec2.describe_client_vpn_connections(ClientVpnEndpointId=cvpn)["Connections"]
    assert [(c["ConnectionId"], c["Username"], c["ClientIp"], c["Status"]["Code"])
            for c in shown] == [(conn, "alice", "172.16.0.1", "active")]
    answer = ec2.terminate_client_vpn_connections(ClientVpnEndpointId=cvpn, Username="alice")
    assert answer["ConnectionStatuses"] == [{"ConnectionId": conn,
                                             "PreviousStatus": {"Code": "active"},
                                             "CurrentStatus": {"Code": "terminating"}}]
    assert ec2.describe_client_vpn_connections(ClientVpnEndpointId=cvpn)["Connections"][0][
        "Status"] == {"Code": "terminated"}
    assert fails(ec2.terminate_client_vpn_connections, ClientVpnEndpointId=cvpn,
                 ConnectionId=conn, Username="alice")[0] == "InvalidParameterCombination"


# -- revocation list, configuration, authorization policy ----------------------------------------
def test_revocation_list_and_client_configuration(ec2, cvpn):
    export = ec2.export_client_vpn_client_certificate_revocation_list
    assert export(ClientVpnEndpointId=cvpn)["Status"] == {"Code": "pending"}
    assert fails(ec2.import_client_vpn_client_certificate_revocation_list,
                 ClientVpnEndpointId=cvpn, CertificateRevocationList="nonsense")[0] == \
        "InvalidParameterValue"
    assert ec2.import_client_vpn_client_certificate_revocation_list(
        ClientVpnEndpointId=cvpn, CertificateRevocationList=CRL)["Return"] is True
    answer = export(ClientVpnEndpointId=cvpn)
    assert (answer["CertificateRevocationList"], answer["Status"]) == (CRL, {"Code": "active"})
    config = ec2.export_client_vpn_client_configuration(ClientVpnEndpointId=cvpn)[
        "ClientConfiguration"]
    assert f"remote {cvpn}.prod.clientvpn.us-east-1.amazonaws.com 443" in config
    assert "proto udp" in config


def test_authorization_policy(ec2, cvpn):
    get = ec2.get_client_vpn_endpoint_authorization_policy
    assert "PolicyDocument" not in get(ClientVpnEndpointId=cvpn)
    assert fails(ec2.delete_client_vpn_endpoint_authorization_policy,
                 ClientVpnEndpointId=cvpn)[0] == "InvalidParameterValue"
    modify = ec2.modify_client_vpn_endpoint_authorization_policy
    assert modify(ClientVpnEndpointId=cvpn, PolicyDocument='{"Version":"2012-10-17"}',
                  ShadowMode="enabled")["Status"] == "creating"
    shown = get(ClientVpnEndpointId=cvpn)
    assert (shown["PolicyDocument"], shown["ShadowMode"], shown["Status"]) == \
        ('{"Version":"2012-10-17"}', "enabled", "active")
    assert modify(ClientVpnEndpointId=cvpn, Description="d")["Status"] == "updating"
    assert ec2.delete_client_vpn_endpoint_authorization_policy(
        ClientVpnEndpointId=cvpn)["Status"] == "deleting"
    assert "PolicyDocument" not in get(ClientVpnEndpointId=cvpn)


def test_dry_run_changes_nothing(ec2, subnet, cvpn):
    code, _ = fails(ec2.associate_client_vpn_target_network, ClientVpnEndpointId=cvpn,
                    SubnetId=subnet, DryRun=True)
    assert code == "DryRunOperation"
    assert endpoint(ec2, cvpn)["Status"] == {"Code": "pending-associate"}


# -- against the server -------------------------------------------------------------------------
def test_endpoint_life_against_the_server(server_ec2):
    ec2 = server_ec2
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    sub = subnet_in(ec2, vpc, "10.0.0.0/24", "a")
    cvpn = new_endpoint(ec2)
    assoc = ec2.associate_client_vpn_target_network(ClientVpnEndpointId=cvpn,
                                                    SubnetId=sub)["AssociationId"]
    ec2.authorize_client_vpn_ingress(ClientVpnEndpointId=cvpn, TargetNetworkCidr="10.0.0.0/16",
                                     AuthorizeAllGroups=True)
    assert endpoint(ec2, cvpn)["Status"] == {"Code": "available"}
    assert ec2.describe_client_vpn_routes(ClientVpnEndpointId=cvpn)["Routes"][0][
        "DestinationCidr"] == "10.0.0.0/16"
    assert fails(ec2.create_client_vpn_route, ClientVpnEndpointId=cvpn,
                 DestinationCidrBlock="10.0.0.0/16", TargetVpcSubnetId=sub)[0] == \
        "InvalidClientVpnDuplicateRoute"
    ec2.disassociate_client_vpn_target_network(ClientVpnEndpointId=cvpn, AssociationId=assoc)
    assert ec2.delete_client_vpn_endpoint(ClientVpnEndpointId=cvpn)["Status"]["Code"] == \
        "deleting"


# -- the diagram ---------------------------------------------------------------------------------
def test_diagram_shows_the_endpoint_in_each_target_subnet(ec2, mock, vpc, subnet, cvpn):
    other = subnet_in(ec2, vpc, "10.0.1.0/24", "b")
    for target in (subnet, other):
        ec2.associate_client_vpn_target_network(ClientVpnEndpointId=cvpn, SubnetId=target)
    scene = snapshot(mock.world, vpc=vpc)
    drawn = {n.parent: n for n in scene.nodes.values() if n.kind == "client-vpn-endpoint"}
    assert set(drawn) == {subnet, other}
    first, second = sorted(drawn.values(), key=lambda n: n.id != cvpn)
    assert first.id == cvpn and first.detail == ("172.16.0.0/22",)
    assert second.id.startswith("eni-") and second.detail == ("172.16.0.0/22", cvpn)
    assert b"Client VPN endpoint" in render(mock.world, "svg", vpc=vpc)


def test_ipv6_only_endpoint_needs_no_client_range_and_a_transit_gateway_must_exist(ec2):
    cvpn = ec2.create_client_vpn_endpoint(
        ServerCertificateArn=CERT, AuthenticationOptions=MUTUAL, ConnectionLogOptions=NO_LOGS,
        TrafficIpAddressType="ipv6", EndpointIpAddressType="dual-stack")["ClientVpnEndpointId"]
    shown = endpoint(ec2, cvpn)
    assert "ClientCidrBlock" not in shown
    assert (shown["TrafficIpAddressType"], shown["EndpointIpAddressType"]) == (
        "ipv6", "dual-stack")
    assert fails(new_endpoint, ec2, TransitGatewayConfiguration={
        "TransitGatewayId": "tgw-0123456789abcdef0"})[0] == "InvalidTransitGatewayID.NotFound"


def test_endpoints_survive_a_state_round_trip(ec2, mock, subnet, cvpn):
    ec2.associate_client_vpn_target_network(ClientVpnEndpointId=cvpn, SubnetId=subnet)
    ec2.authorize_client_vpn_ingress(ClientVpnEndpointId=cvpn, TargetNetworkCidr="10.0.0.0/16",
                                     AuthorizeAllGroups=True)
    loaded = state.load(state.dump(mock.world))
    for world in (mock.world, loaded):
        assert client_vpn.view(world, cvpn) == endpoint(ec2, cvpn)
        assert client_vpn_networks.network_rows(world, cvpn) == \
            ec2.describe_client_vpn_target_networks(ClientVpnEndpointId=cvpn)[
                "ClientVpnTargetNetworks"]
        assert client_vpn_networks.route_rows(world, cvpn) == \
            ec2.describe_client_vpn_routes(ClientVpnEndpointId=cvpn)["Routes"]


def test_endpoint_on_a_transit_gateway_gets_a_client_vpn_attachment(ec2):
    tgw = ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    cvpn = new_endpoint(ec2, TransitGatewayConfiguration={
        "TransitGatewayId": tgw, "AvailabilityZones": ["us-east-1a"]})
    shown = endpoint(ec2, cvpn)
    config = shown["TransitGatewayConfiguration"]
    assert (config["TransitGatewayId"], config["AvailabilityZones"]) == (tgw, ["us-east-1a"])
    attach = config["TransitGatewayAttachmentId"]
    assert shown["Status"] == {"Code": "available"}
    found = ec2.describe_transit_gateway_attachments(TransitGatewayAttachmentIds=[attach])[
        "TransitGatewayAttachments"]
    assert [(a["ResourceType"], a["ResourceId"], a["State"]) for a in found] == [
        ("client-vpn", cvpn, "available")]
    ec2.delete_client_vpn_endpoint(ClientVpnEndpointId=cvpn)
    after = ec2.describe_transit_gateway_attachments(TransitGatewayAttachmentIds=[attach])[
        "TransitGatewayAttachments"]
    assert [a["State"] for a in after] in ([], ["deleting"], ["deleted"])
