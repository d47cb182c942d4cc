"""An IPAM-planned network for an organization of three accounts, joined by a shared transit
gateway, and what can reach what — built in-process with boto3, as each account would.

* The **network** account (123456789012, the organization's management account) runs IPAM:
  a top-level pool 10.0.0.0/8 in the private scope, and a us-east-1 pool with 10.16.0.0/12
  provisioned from it, shared with the organization. It owns the transit gateway, shared
  with the organization too (shared attachments wait for its acceptance), and a
  shared-services VPC whose CIDR IPAM chooses.
* The **prod** (444455556666) and **dev** (777788889999) accounts each create a VPC from
  the shared pool without naming a CIDR (IPAM hands out non-overlapping /16s), a subnet,
  and attach their VPC to the shared transit gateway; the network account accepts.
* Transit gateway route tables keep prod and dev apart: both reach shared services, shared
  services reaches both, and a blackhole for 10.0.0.0/8 in the spokes' table drops
  spoke-to-spoke traffic.

It prints the CIDRs IPAM allocated, then the management account, having trusted Reachability
Analyzer with the organization, asks it (the Network Insights API, resources named by ARN)
about tcp/443 between the accounts' servers.

Run: python3 examples/ipam_organization.py
"""
from __future__ import annotations

from typing import Any

import boto3

from api import mock_ec2

REGION = "us-east-1"
ORG = "o-exampleorg01"
ACCOUNTS = {"network": "123456789012", "prod": "444455556666", "dev": "777788889999"}
SUMMARY = "10.0.0.0/8"


def client(account: str) -> Any:
    """An EC2 client acting as `account` (ec2sim takes a 12-digit access key id as it)."""
    return boto3.client("ec2", region_name=REGION, aws_access_key_id=account,
                        aws_secret_access_key="testing")


def _tags(resource: str, name: str) -> list[dict[str, Any]]:
    return [{"ResourceType": resource, "Tags": [{"Key": "Name", "Value": name}]}]


def plan_addresses(net: Any) -> str:
    """IPAM in the network account: the regional pool the organization draws from."""
    ipam = net.create_ipam(OperatingRegions=[{"RegionName": REGION}])["Ipam"]
    scope = ipam["PrivateDefaultScopeId"]
    top = net.create_ipam_pool(IpamScopeId=scope, AddressFamily="ipv4",
                               TagSpecifications=_tags("ipam-pool", "top"))["IpamPool"]
    net.provision_ipam_pool_cidr(IpamPoolId=top["IpamPoolId"], Cidr=SUMMARY)
    regional = net.create_ipam_pool(
        IpamScopeId=scope, AddressFamily="ipv4", Locale=REGION,
        SourceIpamPoolId=top["IpamPoolId"], AllocationDefaultNetmaskLength=16,
        AllocationMinNetmaskLength=16, AllocationMaxNetmaskLength=24,
        TagSpecifications=_tags("ipam-pool", REGION))["IpamPool"]["IpamPoolId"]
    net.provision_ipam_pool_cidr(IpamPoolId=regional, Cidr="10.16.0.0/12")
    return regional


def vpc_from_pool(ec2: Any, pool: str, name: str) -> tuple[str, str, str]:
    """A /16 VPC drawn from the pool and a /24 subnet in it: (vpc, cidr, subnet)."""
    vpc = ec2.create_vpc(Ipv4IpamPoolId=pool, Ipv4NetmaskLength=16,
                         TagSpecifications=_tags("vpc", name))["Vpc"]
    base = vpc["CidrBlock"].split("/")[0]
    subnet = ec2.create_subnet(VpcId=vpc["VpcId"], CidrBlock=f"{base}/24",
                               AvailabilityZone=f"{REGION}a",
                               TagSpecifications=_tags("subnet", name))["Subnet"]["SubnetId"]
    return vpc["VpcId"], vpc["CidrBlock"], subnet


def server(ec2: Any, vpc: str, subnet: str, name: str) -> str:
    """An interface admitting HTTPS from the organization's 10.0.0.0/8."""
    group = ec2.create_security_group(GroupName=f"{name}-https", Description="HTTPS",
                                      VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
        "IpRanges": [{"CidrIp": SUMMARY}]}])
    return ec2.create_network_interface(
        SubnetId=subnet, Groups=[group],
        TagSpecifications=_tags("network-interface", name))["NetworkInterface"][
        "NetworkInterfaceId"]


def build(mock: mock_ec2) -> dict[str, Any]:
    """The whole organization; returns the ids and CIDRs it made, by account name."""
    mock.organization(ORG, [ACCOUNTS["prod"], ACCOUNTS["dev"]], ACCOUNTS["network"])
    ec2 = {name: client(account) for name, account in ACCOUNTS.items()}
    net = ec2["network"]
    pool = plan_addresses(net)
    tgw = net.create_transit_gateway(
        Description="organization hub",
        Options={"DefaultRouteTableAssociation": "disable",
                 "DefaultRouteTablePropagation": "disable",
                 "AutoAcceptSharedAttachments": "disable"},
        TagSpecifications=_tags("transit-gateway", "hub"))["TransitGateway"]["TransitGatewayId"]
    mock.share(pool, [ORG])
    mock.share(tgw, [ORG])
    built: dict[str, Any] = {"pool": pool, "tgw": tgw, "vpcs": {}, "cidrs": {},
                             "attachments": {}, "servers": {}}
    for name in ("network", "prod", "dev"):
        vpc, cidr, subnet = vpc_from_pool(ec2[name], pool, name)
        attach = ec2[name].create_transit_gateway_vpc_attachment(
            TransitGatewayId=tgw, VpcId=vpc, SubnetIds=[subnet])[
            "TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
        if name != "network":     # a participant's attachment waits for the owner
            net.accept_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=attach)
        main = ec2[name].describe_route_tables(Filters=[
            {"Name": "vpc-id", "Values": [vpc]},
            {"Name": "association.main", "Values": ["true"]}])["RouteTables"][0]
        ec2[name].create_route(RouteTableId=main["RouteTableId"], DestinationCidrBlock=SUMMARY,
                               TransitGatewayId=tgw)
        built["vpcs"][name], built["cidrs"][name] = vpc, cidr
        built["attachments"][name] = attach
        built["servers"][name] = server(ec2[name], vpc, subnet, name)
    _segment(net, tgw, built["attachments"])
    return built


def _segment(net: Any, tgw: str, attachments: dict[str, str]) -> None:
    """Spokes reach shared services only; shared services reach every spoke."""
    tables = {label: net.create_transit_gateway_route_table(
        TransitGatewayId=tgw, TagSpecifications=_tags("transit-gateway-route-table", label))[
        "TransitGatewayRouteTable"]["TransitGatewayRouteTableId"]
        for label in ("spokes", "shared")}
    for name, attach in attachments.items():
        hub = name == "network"
        net.associate_transit_gateway_route_table(
            TransitGatewayRouteTableId=tables["shared" if hub else "spokes"],
            TransitGatewayAttachmentId=attach)
        net.enable_transit_gateway_route_table_propagation(
            TransitGatewayRouteTableId=tables["spokes" if hub else "shared"],
            TransitGatewayAttachmentId=attach)
    net.create_transit_gateway_route(TransitGatewayRouteTableId=tables["spokes"],
                                     DestinationCidrBlock=SUMMARY, Blackhole=True)


def arn(account: str, eni: str) -> str:
    return f"arn:aws:ec2:{REGION}:{account}:network-interface/{eni}"


def reach(ec2: Any, source: str, destination: str, port: int) -> dict[str, Any]:
    """Reachability Analyzer's answer for one path (resources named by ARN, as a
    cross-account analysis names them)."""
    path = ec2.create_network_insights_path(
        Source=source, Destination=destination, Protocol="tcp",
        DestinationPort=port)["NetworkInsightsPath"]["NetworkInsightsPathId"]
    analysis = ec2.start_network_insights_analysis(
        NetworkInsightsPathId=path)["NetworkInsightsAnalysis"]["NetworkInsightsAnalysisId"]
    return ec2.describe_network_insights_analyses(
        NetworkInsightsAnalysisIds=[analysis])["NetworkInsightsAnalyses"][0]


def named(component: dict[str, str]) -> str:
    return f"{component['Id']} ({component['Name']})" if "Name" in component else component["Id"]


def verdict(analysis: dict[str, Any]) -> str:
    """`reachable via` the route tables and the gateway, or `blocked:` and why."""
    if analysis["NetworkPathFound"]:
        hops = dict.fromkeys(named(c["Component"]) for c in analysis["ForwardPathComponents"]
                             if c["Component"]["Id"].startswith(("tgw-", "rtb-"))
                             and not c["Component"]["Id"].startswith("tgw-attach-"))
        return "reachable via " + " → ".join(hops)
    why = analysis["Explanations"][0]
    return f"blocked: {why['ExplanationCode']} at {named(why['Component'])}"


PROBES = (("prod", "network"), ("network", "dev"), ("prod", "dev"), ("dev", "prod"))


def main() -> None:
    with mock_ec2(seed=14) as mock:
        built = build(mock)
        print(f"IPAM pool {built['pool']} (10.16.0.0/12), transit gateway {built['tgw']}, "
              f"shared with {ORG}")
        for name, cidr in built["cidrs"].items():
            print(f"  {name:<8} {ACCOUNTS[name]}  {built['vpcs'][name]}  {cidr}")
        # the management account analyzes paths across the organization once it trusts
        # Reachability Analyzer with it
        net = client(ACCOUNTS["network"])
        net.enable_reachability_analyzer_organization_sharing()
        print("tcp/443, as Reachability Analyzer answers it:")
        for src, dst in PROBES:
            answer = reach(net, arn(ACCOUNTS[src], built["servers"][src]),
                           arn(ACCOUNTS[dst], built["servers"][dst]), 443)
            print(f"  {src} → {dst}: {verdict(answer)}")


if __name__ == "__main__":
    main()
