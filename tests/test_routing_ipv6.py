"""IPv6 through the reachability engine: built with boto3 as a user would, asked through the
Network Insights API (in-process and against `ec2sim serve`), `routing.reachability`,
`routing.matrix` and `ec2sim reach`.

The network: a dual-stack VPC with a public subnet (::/0 to the internet gateway) and a
private one (::/0 to an egress-only internet gateway), a second dual-stack VPC peered with
it, and security groups and network ACLs with IPv6 rules.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from botocore.exceptions import ClientError
from netaddr import IPNetwork

import routing
from topology.provision import state
from helpers import ec2sim_cli

AMI = "ami-057c3ffbeeff55523"
INTERNET6 = "2001:4860:4860::8888"


@dataclass
class Net:
    vpc: str
    public: str
    private: str
    igw: str
    eigw: str
    web: str           # instance in the public subnet
    worker: str        # instance in the private subnet
    web_sg: str
    worker_sg: str
    web_ip6: str
    worker_ip6: str


def _subnet6(ec2: Any, vpc: str, block: str, cidr: str, index: int) -> str:
    net6 = str(list(IPNetwork(block).subnet(64, count=index + 1))[index])
    return str(ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, Ipv6CidrBlock=net6)
               ["Subnet"]["SubnetId"])


def _group(ec2: Any, vpc: str, name: str, ingress: list[dict[str, Any]]) -> str:
    sg = ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc)["GroupId"]
    if ingress:
        ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=ingress)
    return str(sg)


def _instance(ec2: Any, subnet: str, sg: str) -> tuple[str, str]:
    inst = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, InstanceType="t3.micro",
                             SubnetId=subnet, SecurityGroupIds=[sg],
                             Ipv6AddressCount=1)["Instances"][0]
    ip6 = inst["NetworkInterfaces"][0]["Ipv6Addresses"][0]["Ipv6Address"]
    return str(inst["InstanceId"]), str(ip6)


def build(ec2: Any) -> Net:
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]
    vpc_id = vpc["VpcId"]
    block = ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"][0][
        "Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"]
    public = _subnet6(ec2, vpc_id, block, "10.0.1.0/24", 1)
    private = _subnet6(ec2, vpc_id, block, "10.0.2.0/24", 2)
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc_id)
    eigw = ec2.create_egress_only_internet_gateway(VpcId=vpc_id)[
        "EgressOnlyInternetGateway"]["EgressOnlyInternetGatewayId"]
    for subnet, target in ((public, {"GatewayId": igw}),
                           (private, {"EgressOnlyInternetGatewayId": eigw})):
        rtb = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
        ec2.create_route(RouteTableId=rtb, DestinationIpv6CidrBlock="::/0", **target)
        ec2.associate_route_table(RouteTableId=rtb, SubnetId=subnet)
    https = {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
             "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}
    web_sg = _group(ec2, vpc_id, "web", [https])
    worker_sg = _group(ec2, vpc_id, "worker", [dict(https)])
    web, web_ip6 = _instance(ec2, public, web_sg)
    worker, worker_ip6 = _instance(ec2, private, worker_sg)
    return Net(vpc_id, public, private, igw, eigw, web, worker, web_sg, worker_sg, web_ip6,
               worker_ip6)


@pytest.fixture
def net(ec2: Any) -> Net:
    return build(ec2)


def analyse(ec2: Any, source: str, destination: str | None = None, **path: Any
            ) -> dict[str, Any]:
    """Create a path, analyse it, and answer the analysis, through boto3."""
    args: dict[str, Any] = {"Source": source, "Protocol": path.pop("Protocol", "tcp"), **path}
    if destination is not None:
        args["Destination"] = destination
    nip = ec2.create_network_insights_path(**args)["NetworkInsightsPath"]
    nia = ec2.start_network_insights_analysis(
        NetworkInsightsPathId=nip["NetworkInsightsPathId"])["NetworkInsightsAnalysis"]
    found = dict(ec2.describe_network_insights_analyses(
        NetworkInsightsAnalysisIds=[nia["NetworkInsightsAnalysisId"]])[
        "NetworkInsightsAnalyses"][0])
    assert found["Status"] == "succeeded", found.get("StatusMessage")
    return found


def ids(components: list[dict[str, Any]]) -> list[str]:
    return [c["Component"]["Id"] for c in components]


def codes(analysis: dict[str, Any]) -> list[str]:
    return [e["ExplanationCode"] for e in analysis.get("Explanations", [])]


# -- the internet over IPv6 ----------------------------------------------------------------------
def test_internet_reaches_a_public_ipv6_address_untranslated(ec2: Any, net: Net) -> None:
    found = analyse(ec2, net.igw, net.web, DestinationPort=443, DestinationIp=net.web_ip6)
    assert found["NetworkPathFound"] is True, codes(found)
    forward = found["ForwardPathComponents"]
    assert ids(forward)[0] == net.igw and net.web in ids(forward)
    headers = [c["OutboundHeader"] for c in forward if "OutboundHeader" in c]
    # no translation on the way in: the instance's own IPv6 address is the destination
    assert all(h["DestinationAddresses"] == [net.web_ip6] for h in headers)
    assert found["ReturnPathComponents"], "the reply goes back out through the gateway"


def test_the_security_group_ipv6_rule_decides_the_port(ec2: Any, net: Net) -> None:
    found = analyse(ec2, net.igw, net.web, DestinationPort=22, DestinationIp=net.web_ip6)
    assert found["NetworkPathFound"] is False
    assert codes(found) == ["ENI_SG_RULES_MISMATCH"]


def test_an_ipv4_rule_does_not_open_ipv6(ec2: Any, net: Net) -> None:
    ec2.authorize_security_group_ingress(GroupId=net.web_sg, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    found = analyse(ec2, net.igw, net.web, DestinationPort=22, DestinationIp=net.web_ip6)
    assert found["NetworkPathFound"] is False


def test_the_egress_only_gateway_lets_replies_in_only(ec2: Any, mock: Any, net: Net) -> None:
    out = routing.reachability(mock.world, net.worker, destination_ip=INTERNET6,
                               destination_port=443)
    assert out.network_path_found, out.explanations
    assert net.eigw in ids(out.forward_path) and net.eigw in ids(out.return_path)
    # nothing on the internet starts a connection to it: the VPC's internet gateway has no
    # route into the private subnet's address... it holds it, but the only way back in is
    # through the internet gateway, whose walk meets the private subnet's group: allowed;
    # what stops the internet is the egress-only gateway's subnet having no IGW route back
    inbound = analyse(ec2, net.igw, net.worker, DestinationPort=443,
                      DestinationIp=net.worker_ip6)
    assert inbound["NetworkPathFound"] is False
    assert net.eigw in ids(inbound.get("ReturnPathComponents") or []) or codes(inbound)


def test_an_ipv4_path_through_the_same_network_is_unchanged(ec2: Any, mock: Any, net: Net
                                                            ) -> None:
    # the private subnet has no IPv4 route out at all: IPv6 leaves, IPv4 does not
    v4 = routing.reachability(mock.world, net.worker, destination_ip="8.8.8.8",
                              destination_port=443)
    assert not v4.network_path_found
    assert [e["ExplanationCode"] for e in v4.explanations] == ["NO_ROUTE_TO_DESTINATION"]


def test_icmp_over_ipv6_is_icmpv6(ec2: Any, mock: Any, net: Net) -> None:
    ping6 = {"IpProtocol": "icmpv6", "FromPort": -1, "ToPort": -1,
             "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}
    before = routing.reachability(mock.world, net.web, net.worker, protocol="icmp",
                                  ip_version=6)
    assert not before.network_path_found
    ec2.authorize_security_group_ingress(GroupId=net.worker_sg, IpPermissions=[ping6])
    after = routing.reachability(mock.world, net.web, net.worker, protocol="icmp", ip_version=6)
    assert after.network_path_found, after.explanations
    # an ICMPv6 rule does not answer IPv4 pings
    assert not routing.reachability(mock.world, net.web, net.worker,
                                    protocol="icmp").network_path_found


def test_network_acl_ipv6_entries_are_checked(ec2: Any, mock: Any, net: Net) -> None:
    acl = ec2.describe_network_acls(Filters=[
        {"Name": "association.subnet-id", "Values": [net.private]}])["NetworkAcls"][0]
    ec2.create_network_acl_entry(NetworkAclId=acl["NetworkAclId"], RuleNumber=50,
                                 Protocol="6", RuleAction="deny", Egress=True,
                                 Ipv6CidrBlock="::/0", PortRange={"From": 443, "To": 443})
    out = routing.reachability(mock.world, net.worker, destination_ip=INTERNET6,
                               destination_port=443)
    assert not out.network_path_found
    blocked = out.explanations[0]
    assert blocked["ExplanationCode"] == "SUBNET_ACL_RESTRICTION"
    assert blocked["AclRule"]["Cidr"] == "::/0" and blocked["AclRule"]["RuleNumber"] == 50
    # the IPv4 side of the same ACL is untouched
    ec2.authorize_security_group_ingress(GroupId=net.worker_sg, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
        "IpRanges": [{"CidrIp": "10.0.0.0/16"}]}])
    v4 = routing.reachability(mock.world, net.web, net.worker, destination_port=443)
    assert v4.network_path_found, v4.explanations


def test_addresses_of_two_families_are_refused(ec2: Any, mock: Any, net: Net) -> None:
    with pytest.raises(ClientError) as err:
        ec2.create_network_insights_path(Source=net.web, Destination=net.worker, Protocol="tcp",
                                         SourceIp="10.0.1.9", DestinationIp=net.worker_ip6)
    assert err.value.response["Error"]["Code"] == "InvalidParameterCombination"
    with pytest.raises(ClientError) as err:
        ec2.create_network_insights_path(Source=net.web, Destination=net.worker, Protocol="tcp",
                                         DestinationIp="2600:zz::1")
    assert err.value.response["Error"]["Code"] == "InvalidParameterValue"
    assert ec2.describe_network_insights_paths()["NetworkInsightsPaths"] == []


def test_a_unique_local_address_never_reaches_the_internet(ec2: Any, mock: Any, net: Net
                                                          ) -> None:
    out = routing.reachability(mock.world, net.web, destination_ip="fd12:3456::1",
                               destination_port=443)
    assert not out.network_path_found
    assert out.explanations[0]["ExplanationCode"] == \
        "IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS"


# -- between VPCs --------------------------------------------------------------------------------
def _second_vpc(ec2: Any) -> tuple[str, str, str, str]:
    """A dual-stack VPC with one subnet and an instance open on tcp/443 over IPv6."""
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]["VpcId"]
    block = ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"][0][
        "Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"]
    subnet = _subnet6(ec2, vpc, block, "10.1.1.0/24", 1)
    sg = _group(ec2, vpc, "db", [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
                                  "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}])
    inst, ip6 = _instance(ec2, subnet, sg)
    return vpc, subnet, block, inst


def _route6(ec2: Any, subnet: str, cidr: str, **target: str) -> None:
    rtb = ec2.describe_route_tables(Filters=[
        {"Name": "association.subnet-id", "Values": [subnet]}])["RouteTables"]
    if not rtb:
        rtb = ec2.describe_route_tables(Filters=[
            {"Name": "vpc-id", "Values": [ec2.describe_subnets(SubnetIds=[subnet])[
                "Subnets"][0]["VpcId"]]}, {"Name": "association.main", "Values": ["true"]}])[
            "RouteTables"]
    ec2.create_route(RouteTableId=rtb[0]["RouteTableId"], DestinationIpv6CidrBlock=cidr,
                     **target)


def test_ipv6_over_a_peering_connection(ec2: Any, mock: Any, net: Net) -> None:
    vpc2, subnet2, block2, db = _second_vpc(ec2)
    block1 = ec2.describe_vpcs(VpcIds=[net.vpc])["Vpcs"][0][
        "Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"]
    pcx = ec2.create_vpc_peering_connection(VpcId=net.vpc, PeerVpcId=vpc2)[
        "VpcPeeringConnection"]["VpcPeeringConnectionId"]
    ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    before = routing.reachability(mock.world, net.worker, db, destination_port=443,
                                  ip_version=6)
    assert not before.network_path_found      # ::/0 goes to the egress-only gateway
    _route6(ec2, net.private, block2, VpcPeeringConnectionId=pcx)
    _route6(ec2, subnet2, block1, VpcPeeringConnectionId=pcx)
    after = routing.reachability(mock.world, net.worker, db, destination_port=443, ip_version=6)
    assert after.network_path_found, after.explanations
    assert pcx in ids(after.forward_path) and pcx in ids(after.return_path)
    # the IPv4 side has no route over the peering: still closed
    assert not routing.reachability(mock.world, net.worker, db,
                                    destination_port=443).network_path_found


def test_ipv6_through_a_transit_gateway_needs_ipv6_support(ec2: Any, mock: Any, net: Net
                                                           ) -> None:
    vpc2, subnet2, block2, db = _second_vpc(ec2)
    block1 = ec2.describe_vpcs(VpcIds=[net.vpc])["Vpcs"][0][
        "Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"]
    tgw = ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    attach = {}
    for vpc, subnet in ((net.vpc, net.private), (vpc2, subnet2)):
        attach[vpc] = ec2.create_transit_gateway_vpc_attachment(
            TransitGatewayId=tgw, VpcId=vpc, SubnetIds=[subnet])[
            "TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
    _route6(ec2, net.private, block2, TransitGatewayId=tgw)
    _route6(ec2, subnet2, block1, TransitGatewayId=tgw)
    closed = routing.reachability(mock.world, net.worker, db, destination_port=443,
                                  ip_version=6)
    assert not closed.network_path_found
    assert closed.explanations[0]["ExplanationCode"] == "BAD_STATE_ATTACHMENT"
    for vpc in attach:
        ec2.modify_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=attach[vpc],
                                                  Options={"Ipv6Support": "enable"})
    opened = routing.reachability(mock.world, net.worker, db, destination_port=443,
                                  ip_version=6)
    assert opened.network_path_found, opened.explanations
    assert tgw in ids(opened.forward_path)


# -- the matrix ----------------------------------------------------------------------------------
def test_the_ipv6_matrix_follows_ipv6_rules_only(ec2: Any, mock: Any, net: Net) -> None:
    acl = ec2.create_network_acl(VpcId=net.vpc)["NetworkAcl"]["NetworkAclId"]
    for egress in (False, True):
        ec2.create_network_acl_entry(NetworkAclId=acl, RuleNumber=100, Protocol="-1",
                                     RuleAction="allow", Egress=egress, CidrBlock="0.0.0.0/0")
    assoc = ec2.describe_network_acls(Filters=[
        {"Name": "association.subnet-id", "Values": [net.private]}])["NetworkAcls"][0][
        "Associations"]
    ec2.replace_network_acl_association(AssociationId=next(
        a["NetworkAclAssociationId"] for a in assoc if a["SubnetId"] == net.private),
        NetworkAclId=acl)
    v4 = routing.matrix(mock.world, port=443, vpc=net.vpc)
    v6 = routing.matrix(mock.world, port=443, vpc=net.vpc, ip_version=6)
    assert v4[(net.public, net.private)] and v4[(net.private, net.public)]
    # the new ACL has no IPv6 rule: its implicit IPv6 deny closes the private subnet
    assert not v6[(net.public, net.private)] and not v6[(net.private, net.public)]
    assert v6.blocked_by[(net.public, net.private)] == "SUBNET_ACL_RESTRICTION"
    assert v6[(net.public, net.public)]
    # the matrix agrees with the engine, pair by pair
    for (a, b), found in v6.items():
        src = net.web if a == net.public else net.worker
        dst = net.worker if b == net.private else net.web
        if src != dst:
            assert routing.reachability(mock.world, src, dst, destination_port=443,
                                        ip_version=6).network_path_found == found


def test_a_subnet_without_ipv6_is_left_out_of_the_ipv6_matrix(ec2: Any, mock: Any, net: Net
                                                              ) -> None:
    only4 = ec2.create_subnet(VpcId=net.vpc, CidrBlock="10.0.9.0/24")["Subnet"]["SubnetId"]
    v6 = routing.matrix(mock.world, vpc=net.vpc, ip_version=6)
    assert {a for a, _ in v6} == {net.public, net.private}
    assert only4 in {a for a, _ in routing.matrix(mock.world, vpc=net.vpc)}


def test_the_security_group_matrix_over_ipv6(ec2: Any, mock: Any, net: Net) -> None:
    v6 = routing.matrix(mock.world, "security-group", port=443, vpc=net.vpc, ip_version=6)
    assert v6[(net.web_sg, net.worker_sg)]
    v6_22 = routing.matrix(mock.world, "security-group", port=22, vpc=net.vpc, ip_version=6)
    assert not v6_22[(net.web_sg, net.worker_sg)]
    assert v6_22.blocked_by[(net.web_sg, net.worker_sg)] == "ENI_SG_RULES_MISMATCH"


# -- real clients --------------------------------------------------------------------------------
def test_network_insights_over_ipv6_against_a_server(server_ec2: Any) -> None:
    net = build(server_ec2)
    found = analyse(server_ec2, net.igw, net.web, DestinationPort=443,
                    DestinationIp=net.web_ip6)
    assert found["NetworkPathFound"] is True
    path = server_ec2.describe_network_insights_paths(NetworkInsightsPathIds=[
        found["NetworkInsightsPathId"]])["NetworkInsightsPaths"][0]
    assert path["DestinationIp"] == net.web_ip6
    blocked = analyse(server_ec2, net.igw, net.worker, DestinationPort=443,
                      DestinationIp=net.worker_ip6)
    assert blocked["NetworkPathFound"] is False


def test_ec2sim_reach_takes_ipv6_addresses(ec2: Any, mock: Any, net: Net, tmp_path: Any) -> None:
    saved = tmp_path / "state.json"
    state.save(mock.world, str(saved))
    done = ec2sim_cli("reach", "--state", str(saved), "--from", net.worker, "--to", INTERNET6,
                      "--port", "443")
    assert done.returncode == 0, done.stdout + done.stderr
    assert net.eigw in done.stdout
    done = ec2sim_cli("reach", "--state", str(saved), "--from", net.igw, "--to", net.worker_ip6,
                      "--port", "443")
    assert done.returncode == 1, done.stdout + done.stderr


def test_block_public_access_holds_back_the_egress_only_gateway(ec2: Any, mock: Any, net: Net
                                                                ) -> None:
    def out() -> Any:
        return routing.reachability(mock.world, net.worker, destination_ip=INTERNET6,
                                    destination_port=443)

    ec2.modify_vpc_block_public_access_options(InternetGatewayBlockMode="block-ingress")
    assert out().network_path_found          # ingress-only lets outbound-only gateways be
    ec2.modify_vpc_block_public_access_options(InternetGatewayBlockMode="block-bidirectional")
    blocked = out()
    assert not blocked.network_path_found
    assert blocked.explanations[0]["ExplanationCode"] == "VPC_BLOCK_PUBLIC_ACCESS_ENABLED"
    assert blocked.explanations[0]["Component"]["Id"] == net.eigw
