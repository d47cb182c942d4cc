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
