"""A Client VPN endpoint as the source of a path (Reachability Analyzer through boto3): a
remote user reaches an instance only through an authorization rule, an endpoint route to an
associated subnet, and then the VPC's own checks (the endpoint's security groups, network
ACLs, routes, the instance's groups)."""
from __future__ import annotations

from typing import Any

import pytest

CERT = "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
AMI = "ami-057c3ffbeeff55523"


def analyse(ec2: Any, source: str, destination: str, port: int = 22, **extra: Any
            ) -> dict[str, Any]:
    path = ec2.create_network_insights_path(Source=source, Destination=destination,
                                            Protocol="tcp", DestinationPort=port, **extra)[
        "NetworkInsightsPath"]["NetworkInsightsPathId"]
    nia = ec2.start_network_insights_analysis(NetworkInsightsPathId=path)[
        "NetworkInsightsAnalysis"]["NetworkInsightsAnalysisId"]
    return ec2.describe_network_insights_analyses(NetworkInsightsAnalysisIds=[nia])[
        "NetworkInsightsAnalyses"][0]


def codes(analysis: dict[str, Any]) -> list[str]:
    return [e["ExplanationCode"] for e in analysis.get("Explanations", [])]


def hops(analysis: dict[str, Any]) -> list[str]:
    return [c["Component"]["Id"] for c in analysis["ForwardPathComponents"]]


@pytest.fixture
def office(ec2) -> dict[str, str]:
    """A VPC with a server that admits SSH from its VPC, and a Client VPN endpoint associated
    with a second subnet that carries the endpoint's interface."""
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    servers = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24",
                                AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    landing = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.2.0/24",
                                AvailabilityZone="us-east-1b")["Subnet"]["SubnetId"]
    ssh = ec2.create_security_group(GroupName="ssh", Description="d", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=ssh, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
         "IpRanges": [{"CidrIp": "10.0.0.0/16"}]}])
    server = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, SubnetId=servers,
                               SecurityGroupIds=[ssh])["Instances"][0]["InstanceId"]
    cvpn = ec2.create_client_vpn_endpoint(
        ClientCidrBlock="172.16.0.0/22", ServerCertificateArn=CERT,
        AuthenticationOptions=[{"Type": "certificate-authentication", "MutualAuthentication": {
            "ClientRootCertificateChainArn": CERT}}],
        ConnectionLogOptions={"Enabled": False})["ClientVpnEndpointId"]
    ec2.associate_client_vpn_target_network(ClientVpnEndpointId=cvpn, SubnetId=landing)
    return {"vpc": vpc, "server": server, "cvpn": cvpn, "landing": landing, "ssh": ssh}


def authorize(ec2: Any, cvpn: str, cidr: str = "10.0.0.0/16") -> None:
    ec2.authorize_client_vpn_ingress(ClientVpnEndpointId=cvpn, TargetNetworkCidr=cidr,
                                     AuthorizeAllGroups=True)


def test_authorized_and_routed_client_reaches_the_server(ec2, office):
    authorize(ec2, office["cvpn"])
    answer = analyse(ec2, office["cvpn"], office["server"])
    assert answer["NetworkPathFound"] is True, codes(answer)
    path = answer["ForwardPathComponents"]
    assert hops(answer)[0] == office["cvpn"] and hops(answer)[-1] == office["server"]
    entry = path[0]
    assert entry["InboundHeader"]["SourceAddresses"] == ["172.16.0.1"]   # the client
    translated = entry["OutboundHeader"]["SourceAddresses"][0]           # the interface's
    assert translated.startswith("10.0.2.")
    assert answer["ReturnPathComponents"][-1]["Component"]["Id"].startswith("eni-")


def test_missing_authorization_rule_blocks(ec2, office):
    authorize(ec2, office["cvpn"], "192.168.0.0/16")       # a rule, but not for the VPC
    answer = analyse(ec2, office["cvpn"], office["server"])
    assert answer["NetworkPathFound"] is False
    assert codes(answer) == ["NO_PATH"]
    assert answer["Explanations"][0]["Component"]["Id"] == office["cvpn"]


def test_missing_route_blocks(ec2, office):
    other = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    ec2.create_vpc_peering_connection(VpcId=office["vpc"], PeerVpcId=other)
    sub = ec2.create_subnet(VpcId=other, CidrBlock="10.9.0.0/24")["Subnet"]["SubnetId"]
    far = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, SubnetId=sub)[
        "Instances"][0]["InstanceId"]
    authorize(ec2, office["cvpn"], "10.9.0.0/16")          # authorized, but no endpoint route
    answer = analyse(ec2, office["cvpn"], far)
    assert answer["NetworkPathFound"] is False
    assert codes(answer) == ["NO_ROUTE_TO_DESTINATION"]
    explained = answer["Explanations"][0]
    assert explained["Component"]["Id"] == office["cvpn"]
    assert explained["Address"].startswith("10.9.0.")


def test_the_endpoints_security_group_is_the_sources(ec2, office):
    """The server admits SSH only from the endpoint's group: the group the endpoint's interface
    carries is the one that counts."""
    vpn_group = ec2.create_security_group(GroupName="vpn", Description="d",
                                          VpcId=office["vpc"])["GroupId"]
    ec2.revoke_security_group_ingress(GroupId=office["ssh"], IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
         "IpRanges": [{"CidrIp": "10.0.0.0/16"}]}])
    ec2.authorize_security_group_ingress(GroupId=office["ssh"], IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
         "UserIdGroupPairs": [{"GroupId": vpn_group}]}])
    authorize(ec2, office["cvpn"])
    assert codes(analyse(ec2, office["cvpn"], office["server"])) == ["ENI_SG_RULES_MISMATCH"]
    ec2.apply_security_groups_to_client_vpn_target_network(
        ClientVpnEndpointId=office["cvpn"], VpcId=office["vpc"], SecurityGroupIds=[vpn_group])
    assert analyse(ec2, office["cvpn"], office["server"])["NetworkPathFound"] is True


def test_network_acl_of_the_landing_subnet_applies(ec2, office):
    authorize(ec2, office["cvpn"])
    acl = ec2.create_network_acl(VpcId=office["vpc"])["NetworkAcl"]["NetworkAclId"]
    assoc = next(a["NetworkAclAssociationId"] for a in ec2.describe_network_acls(Filters=[
        {"Name": "association.subnet-id", "Values": [office["landing"]]}])["NetworkAcls"][0][
        "Associations"] if a["SubnetId"] == office["landing"])
    ec2.replace_network_acl_association(AssociationId=assoc, NetworkAclId=acl)   # denies all
    assert codes(analyse(ec2, office["cvpn"], office["server"])) == ["SUBNET_ACL_RESTRICTION"]


def test_endpoint_without_target_network_is_in_a_bad_state(ec2, office):
    lonely = ec2.create_client_vpn_endpoint(
        ClientCidrBlock="172.20.0.0/22", ServerCertificateArn=CERT,
        AuthenticationOptions=[{"Type": "certificate-authentication", "MutualAuthentication": {
            "ClientRootCertificateChainArn": CERT}}],
        ConnectionLogOptions={"Enabled": False})["ClientVpnEndpointId"]
    answer = analyse(ec2, lonely, office["server"])
    assert (answer["NetworkPathFound"], codes(answer)) == (False, ["BAD_STATE"])


def test_source_address_must_be_a_client_address(ec2, office):
    authorize(ec2, office["cvpn"])
    reached = analyse(ec2, office["cvpn"], office["server"], SourceIp="172.16.1.9")
    assert reached["NetworkPathFound"] is True
    assert reached["ForwardPathComponents"][0]["InboundHeader"]["SourceAddresses"] == [
        "172.16.1.9"]
    answer = analyse(ec2, office["cvpn"], office["server"], SourceIp="10.0.2.9")
    assert codes(answer) == ["FILTER_AT_SOURCE_SOURCE_ADDRESS"]


# -- EC2 Instance Connect Endpoints ---------------------------------------------------------------
def test_instance_connect_endpoint_reaches_ssh_through_its_interface(ec2, office):
    eice = ec2.create_instance_connect_endpoint(SubnetId=office["landing"])[
        "InstanceConnectEndpoint"]
    answer = analyse(ec2, eice["InstanceConnectEndpointId"], office["server"])
    assert answer["NetworkPathFound"] is True, codes(answer)
    assert hops(answer)[0] == eice["NetworkInterfaceIds"][0]
    assert hops(answer)[-1] == office["server"]
    # the server admits SSH from the VPC only: RDP is refused by its group
    assert codes(analyse(ec2, eice["InstanceConnectEndpointId"], office["server"], port=3389)) \
        == ["ENI_SG_RULES_MISMATCH"]


def test_internet_through_a_public_target_subnet(ec2, office):
    """A 0.0.0.0/0 endpoint route and rule: the client's traffic leaves through the landing
    subnet's internet gateway, from the endpoint interface's public address."""
    cvpn, landing = office["cvpn"], office["landing"]
    ec2.authorize_client_vpn_ingress(ClientVpnEndpointId=cvpn, TargetNetworkCidr="0.0.0.0/0",
                                     AuthorizeAllGroups=True)
    ec2.create_client_vpn_route(ClientVpnEndpointId=cvpn, DestinationCidrBlock="0.0.0.0/0",
                                TargetVpcSubnetId=landing)
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=office["vpc"])
    assert codes(analyse(ec2, cvpn, igw, port=443)) == ["NO_ROUTE_TO_DESTINATION"]
    table = ec2.create_route_table(VpcId=office["vpc"])["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    ec2.associate_route_table(RouteTableId=table, SubnetId=landing)
    answer = analyse(ec2, cvpn, igw, port=443)
    assert answer["NetworkPathFound"] is True, codes(answer)
    assert hops(answer)[0] == cvpn and hops(answer)[-1] == igw
