"""One contract for every resource kind that has a Describe operation.

The operations come from data: botocore's EC2 model names each `Describe*` operation with a
list of ids (`VpcIds`), its list output, its `Filters`, whether it pages (`MaxResults`) and
whether its create operation takes `TagSpecifications`; `topology.core.schema.KINDS` gives the
kind an id prefix names and AWS's codes for an unknown or malformed id of it. All that is
written by hand is `RECIPES`, how to make one of each kind, and `NOT_COVERED`, the describe
operations (and kinds) this contract leaves out, each with its reason.

For every recipe, in-process: an unknown well-formed id gives the kind's `*.NotFound` (or no
item, where AWS answers so); a malformed id its `*.Malformed`; DryRun on the describe gives
DryRunOperation (HTTP 412), and on the create DryRunOperation with nothing made; paging walks
every item once; tags given at creation show in the describe and `tag:Key` finds them. A sample
of kinds runs the id and DryRun checks against a real server too.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Any

import boto3
import botocore.session
import pytest
from botocore import xform_name
from botocore.exceptions import ClientError

from api import dispatch
from api import mock as api_mock
from helpers import error
from topology.core.schema import KIND_BY_PREFIX, KINDS

AMI = "ami-057c3ffbeeff55523"          # al2023 x86_64, public catalogue of us-east-1
NLB = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/web/0123456789abcdef"
BUCKET = "arn:aws:s3:::contract-flow-logs"
KEY = "contract"
DRY_RUN = ("DryRunOperation", "Request would have succeeded, but DryRun flag is set.", 412)


class Setting:
    """What the recipes build on, made on first use in the client's account."""

    def __init__(self, ec2: Any) -> None:
        self.ec2 = ec2

    @cached_property
    def vpc(self) -> str:
        return self.ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]

    @cached_property
    def subnet(self) -> str:
        return self.ec2.create_subnet(VpcId=self.vpc, CidrBlock="10.0.0.0/24",
                                      AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]

    @cached_property
    def group(self) -> str:
        return self.ec2.create_security_group(GroupName="contract", Description="contract",
                                              VpcId=self.vpc)["GroupId"]

    @cached_property
    def instance(self) -> str:
        return self.ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, InstanceType="t3.micro",
                                      SubnetId=self.subnet)["Instances"][0]["InstanceId"]

    @cached_property
    def volume(self) -> str:
        return self.ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)["VolumeId"]

    @cached_property
    def tgw(self) -> str:
        return self.ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]

    @cached_property
    def igw(self) -> str:
        igw = self.ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
        self.ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=self.vpc)
        return igw

    @cached_property
    def eni(self) -> str:
        return self.ec2.create_network_interface(SubnetId=self.subnet)["NetworkInterface"][
            "NetworkInterfaceId"]

    @cached_property
    def path(self) -> str:
        return self.ec2.create_network_insights_path(
            Source=self.igw, Destination=self.eni, Protocol="tcp")["NetworkInsightsPath"][
            "NetworkInsightsPathId"]

    @cached_property
    def scope(self) -> str:
        return self.ec2.create_network_insights_access_scope(
            ClientToken="contract-scope", MatchPaths=[{"Source": {"ResourceStatement": {
                "ResourceTypes": ["AWS::EC2::InternetGateway"]}}}])[
            "NetworkInsightsAccessScope"]["NetworkInsightsAccessScopeId"]

    @cached_property
    def cgw(self) -> str:
        return self.ec2.create_customer_gateway(Type="ipsec.1", PublicIp="203.0.113.9",
                                                BgpAsn=65000)["CustomerGateway"][
            "CustomerGatewayId"]

    @cached_property
    def vgw(self) -> str:
        return self.ec2.create_vpn_gateway(Type="ipsec.1")["VpnGateway"]["VpnGatewayId"]

    def west_tgw(self) -> str:
        """A new transit gateway in us-west-2, through the same endpoint as `ec2`."""
        west = boto3.client("ec2", region_name="us-west-2",
                            endpoint_url=self.ec2.meta.endpoint_url,
                            aws_access_key_id="testing", aws_secret_access_key="testing")
        return west.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]

    def zone_subnet(self, n: int) -> str:
        """The n-th subnet of `vpc`, in the zones in turn (for kinds limited per zone)."""
        zone = "abcdef"[n % 6]
        return self.ec2.create_subnet(VpcId=self.vpc, CidrBlock=f"10.0.{n + 100}.0/24",
                                      AvailabilityZone=f"us-east-1{zone}")["Subnet"]["SubnetId"]


Params = Callable[[Setting, int], dict[str, Any]]


@dataclass(frozen=True)
class Recipe:
    """How to make the n-th resource of a kind: the create operation, its parameters, where
    its answer holds the new id, and the `ResourceType` its tags are given under."""

    create: str
    params: Params
    answer: tuple[str, ...]
    tag_type: str
    scope: dict[str, Any] = field(default_factory=dict)   # describe parameters it needs
    unknown: str = ""        # a well-formed id nothing has, where not `<prefix>-` + 17 hex digits


def _cidr(n: int) -> str:
    return f"10.{n + 1}.0.0/16"


RECIPES: dict[str, Recipe] = {
    "DescribeVpcs": Recipe("CreateVpc", lambda s, n: {"CidrBlock": _cidr(n)}, ("Vpc", "VpcId"),
                           "vpc"),
    "DescribeSubnets": Recipe(
        "CreateSubnet", lambda s, n: {"VpcId": s.vpc, "CidrBlock": f"10.0.{n + 10}.0/24"},
        ("Subnet", "SubnetId"), "subnet"),
    "DescribeRouteTables": Recipe("CreateRouteTable", lambda s, n: {"VpcId": s.vpc},
                                  ("RouteTable", "RouteTableId"), "route-table"),
    "DescribeNetworkAcls": Recipe("CreateNetworkAcl", lambda s, n: {"VpcId": s.vpc},
                                  ("NetworkAcl", "NetworkAclId"), "network-acl"),
    "DescribeSecurityGroups": Recipe(
        "CreateSecurityGroup",
        lambda s, n: {"VpcId": s.vpc, "GroupName": f"g{n}", "Description": "contract"},
        ("GroupId",), "security-group"),
    "DescribeSecurityGroupRules": Recipe(
        "AuthorizeSecurityGroupIngress",
        lambda s, n: {"GroupId": s.group, "IpPermissions": [
            {"IpProtocol": "tcp", "FromPort": n, "ToPort": n,
             "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]},
        ("SecurityGroupRules", 0, "SecurityGroupRuleId"), "security-group-rule"),
    "DescribeInternetGateways": Recipe("CreateInternetGateway", lambda s, n: {},
                                       ("InternetGateway", "InternetGatewayId"),
                                       "internet-gateway"),
    "DescribeEgressOnlyInternetGateways": Recipe(
        "CreateEgressOnlyInternetGateway", lambda s, n: {"VpcId": s.vpc},
        ("EgressOnlyInternetGateway", "EgressOnlyInternetGatewayId"),
        "egress-only-internet-gateway"),
    "DescribeCarrierGateways": Recipe("CreateCarrierGateway", lambda s, n: {"VpcId": s.vpc},
                                      ("CarrierGateway", "CarrierGatewayId"), "carrier-gateway"),
    "DescribeDhcpOptions": Recipe(
        "CreateDhcpOptions", lambda s, n: {"DhcpConfigurations": [
            {"Key": "domain-name", "Values": [f"d{n}.example.com"]}]},
        ("DhcpOptions", "DhcpOptionsId"), "dhcp-options"),
    "DescribeNetworkInterfaces": Recipe("CreateNetworkInterface",
                                        lambda s, n: {"SubnetId": s.subnet},
                                        ("NetworkInterface", "NetworkInterfaceId"),
                                        "network-interface"),
    "DescribeAddresses": Recipe("AllocateAddress", lambda s, n: {"Domain": "vpc"},
                                ("AllocationId",), "elastic-ip"),
    "DescribeNatGateways": Recipe(
        "CreateNatGateway",   # five at most in one zone: each in the next zone
        lambda s, n: {"SubnetId": s.zone_subnet(n), "ConnectivityType": "private"},
        ("NatGateway", "NatGatewayId"), "natgateway"),
    "DescribeVpcPeeringConnections": Recipe(
        "CreateVpcPeeringConnection", lambda s, n: {"VpcId": s.vpc, "PeerVpcId": s.ec2.create_vpc(
            CidrBlock=_cidr(n + 100))["Vpc"]["VpcId"]},
        ("VpcPeeringConnection", "VpcPeeringConnectionId"), "vpc-peering-connection"),
    "DescribeVpcEndpoints": Recipe(
        "CreateVpcEndpoint", lambda s, n: {"VpcId": s.ec2.create_vpc(CidrBlock=_cidr(n))["Vpc"][
            "VpcId"], "ServiceName": "com.amazonaws.us-east-1.s3"},
        ("VpcEndpoint", "VpcEndpointId"), "vpc-endpoint"),
    "DescribeVpcEndpointServiceConfigurations": Recipe(
        "CreateVpcEndpointServiceConfiguration",
        lambda s, n: {"NetworkLoadBalancerArns": [NLB.replace("web", f"web{n}")]},
        ("ServiceConfiguration", "ServiceId"), "vpc-endpoint-service"),
    "DescribeManagedPrefixLists": Recipe(
        "CreateManagedPrefixList",
        lambda s, n: {"PrefixListName": f"pl{n}", "MaxEntries": 5, "AddressFamily": "IPv4"},
        ("PrefixList", "PrefixListId"), "prefix-list", {"Filters": [
            {"Name": "owner-id", "Values": ["123456789012"]}]}),
    "DescribeFlowLogs": Recipe(
        "CreateFlowLogs", lambda s, n: {
            "ResourceIds": [s.vpc], "ResourceType": "VPC", "TrafficType": "ALL",
            "LogDestinationType": "s3", "LogDestination": f"{BUCKET}/{n}"},
        ("FlowLogIds", 0), "vpc-flow-log"),
    "DescribeInstances": Recipe(
        "RunInstances", lambda s, n: {"ImageId": AMI, "MinCount": 1, "MaxCount": 1,
                                      "InstanceType": "t3.micro", "SubnetId": s.subnet},
        ("Instances", 0, "InstanceId"), "instance"),
    "DescribeVolumes": Recipe("CreateVolume",
                              lambda s, n: {"AvailabilityZone": "us-east-1a", "Size": n + 1},
                              ("VolumeId",), "volume"),
    "DescribeSnapshots": Recipe("CreateSnapshot", lambda s, n: {"VolumeId": s.volume},
                                ("SnapshotId",), "snapshot", {"OwnerIds": ["self"]}),
    "DescribeImages": Recipe("CreateImage", lambda s, n: {"InstanceId": s.instance,
                                                          "Name": f"image-{n}"},
                             ("ImageId",), "image", {"Owners": ["self"]}),
    "DescribeKeyPairs": Recipe("CreateKeyPair", lambda s, n: {"KeyName": f"key{n}"},
                               ("KeyPairId",), "key-pair"),
    "DescribeLaunchTemplates": Recipe(
        "CreateLaunchTemplate",
        lambda s, n: {"LaunchTemplateName": f"lt{n}",
                      "LaunchTemplateData": {"InstanceType": "t3.micro"}},
        ("LaunchTemplate", "LaunchTemplateId"), "launch-template"),
    "DescribePlacementGroups": Recipe(
        "CreatePlacementGroup", lambda s, n: {"GroupName": f"pg{n}", "Strategy": "cluster"},
        ("PlacementGroup", "GroupId"), "placement-group"),
    "DescribeSpotInstanceRequests": Recipe(
        "RequestSpotInstances", lambda s, n: {"LaunchSpecification": {
            "ImageId": AMI, "InstanceType": "t3.micro"}},
        ("SpotInstanceRequests", 0, "SpotInstanceRequestId"), "spot-instances-request"),
    "DescribeTransitGateways": Recipe("CreateTransitGateway", lambda s, n: {},
                                      ("TransitGateway", "TransitGatewayId"), "transit-gateway"),
    "DescribeTransitGatewayRouteTables": Recipe(
        "CreateTransitGatewayRouteTable", lambda s, n: {"TransitGatewayId": s.tgw},
        ("TransitGatewayRouteTable", "TransitGatewayRouteTableId"),
        "transit-gateway-route-table"),
    "DescribeTransitGatewayVpcAttachments": Recipe(
        "CreateTransitGatewayVpcAttachment",
        lambda s, n: {"TransitGatewayId": s.tgw, "VpcId": (vpc := s.ec2.create_vpc(
            CidrBlock=_cidr(n))["Vpc"]["VpcId"]), "SubnetIds": [s.ec2.create_subnet(
                VpcId=vpc, CidrBlock=_cidr(n).replace("/16", "/24"))["Subnet"]["SubnetId"]]},
        ("TransitGatewayVpcAttachment", "TransitGatewayAttachmentId"),
        "transit-gateway-attachment"),
    "DescribeCustomerGateways": Recipe(
        "CreateCustomerGateway",
        lambda s, n: {"Type": "ipsec.1", "PublicIp": f"203.0.113.{n + 10}", "BgpAsn": 65000},
        ("CustomerGateway", "CustomerGatewayId"), "customer-gateway"),
    "DescribeVpnGateways": Recipe("CreateVpnGateway", lambda s, n: {"Type": "ipsec.1"},
                                  ("VpnGateway", "VpnGatewayId"), "vpn-gateway"),
    "DescribeVpnConnections": Recipe(
        "CreateVpnConnection", lambda s, n: {"Type": "ipsec.1", "CustomerGatewayId": s.cgw,
                                             "VpnGatewayId": s.ec2.create_vpn_gateway(
                                                 Type="ipsec.1")["VpnGateway"]["VpnGatewayId"]},
        ("VpnConnection", "VpnConnectionId"), "vpn-connection"),
    "DescribeNetworkInsightsPaths": Recipe(
        "CreateNetworkInsightsPath",
        lambda s, n: {"Source": s.igw, "Destination": s.eni, "Protocol": "tcp",
                      "DestinationPort": n + 1},
        ("NetworkInsightsPath", "NetworkInsightsPathId"), "network-insights-path"),
    "DescribeNetworkInsightsAnalyses": Recipe(
        "StartNetworkInsightsAnalysis", lambda s, n: {"NetworkInsightsPathId": s.path},
        ("NetworkInsightsAnalysis", "NetworkInsightsAnalysisId"), "network-insights-analysis"),
    "DescribeNetworkInsightsAccessScopes": Recipe(
        "CreateNetworkInsightsAccessScope",
        lambda s, n: {"ClientToken": f"scope-{n}", "MatchPaths": [{"Source": {
            "ResourceStatement": {"ResourceTypes": ["AWS::EC2::InternetGateway"]}}}]},
        ("NetworkInsightsAccessScope", "NetworkInsightsAccessScopeId"),
        "network-insights-access-scope"),
    "DescribeNetworkInsightsAccessScopeAnalyses": Recipe(
        "StartNetworkInsightsAccessScopeAnalysis",
        lambda s, n: {"NetworkInsightsAccessScopeId": s.scope, "ClientToken": f"a-{n}"},
        ("NetworkInsightsAccessScopeAnalysis", "NetworkInsightsAccessScopeAnalysisId"),
        "network-insights-access-scope-analysis"),
}

RECIPES["DescribeSpotFleetRequests"] = Recipe(
    "RequestSpotFleet", lambda s, n: {"SpotFleetRequestConfig": {
        "IamFleetRole": "arn:aws:iam::123456789012:role/aws-ec2-spot-fleet-tagging-role",
        "TargetCapacity": 1, "LaunchSpecifications": [
            {"ImageId": AMI, "InstanceType": "t3.micro"}]}},
    ("SpotFleetRequestId",), "spot-fleet-request",
    unknown="sfr-12345678-1234-4234-8234-123456789012")   # fleet ids are UUIDs
RECIPES["DescribeTransitGatewayPeeringAttachments"] = Recipe(
    "CreateTransitGatewayPeeringAttachment",   # one peering a pair: a new peer each time
    lambda s, n: {"TransitGatewayId": s.tgw, "PeerTransitGatewayId": s.west_tgw(),
                  "PeerAccountId": "123456789012", "PeerRegion": "us-west-2"},
    ("TransitGatewayPeeringAttachment", "TransitGatewayAttachmentId"),
    "transit-gateway-attachment")
# every attachment, whatever it joins, is listed by DescribeTransitGatewayAttachments too
RECIPES["DescribeTransitGatewayAttachments"] = RECIPES["DescribeTransitGatewayVpcAttachments"]

# -- issue 14 A ipam
def _ipam(s: Setting) -> dict[str, Any]:
    """The setting's IPAM and a pool of it with 10.0.0.0/8 provisioned."""
    if "ipam" not in s.__dict__:
        ipam = s.ec2.create_ipam()["Ipam"]
        pool = s.ec2.create_ipam_pool(IpamScopeId=ipam["PrivateDefaultScopeId"],
                                      AddressFamily="ipv4")["IpamPool"]["IpamPoolId"]
        s.ec2.provision_ipam_pool_cidr(IpamPoolId=pool, Cidr="10.0.0.0/8")
        s.__dict__["ipam"] = {**ipam, "pool": pool}
    return s.__dict__["ipam"]


def _ipams(s: Setting, index: int) -> str:
    """The setting's index-th IPAM (made on first use)."""
    made = s.__dict__.setdefault("ipams", [])
    while len(made) <= index:
        made.append(s.ec2.create_ipam()["Ipam"]["IpamId"])
    return str(made[index])


RECIPES["DescribeIpams"] = Recipe("CreateIpam", lambda s, n: {}, ("Ipam", "IpamId"), "ipam")
RECIPES["DescribeIpamScopes"] = Recipe(   # five scopes an IPAM: three more each
    "CreateIpamScope", lambda s, n: {"IpamId": _ipams(s, n // 3)}, ("IpamScope", "IpamScopeId"),
    "ipam-scope")
RECIPES["DescribeIpamPools"] = Recipe(
    "CreateIpamPool", lambda s, n: {"IpamScopeId": _ipam(s)["PrivateDefaultScopeId"],
                                    "AddressFamily": "ipv4"},
    ("IpamPool", "IpamPoolId"), "ipam-pool")
RECIPES["DescribeIpamPoolAllocations"] = Recipe(
    "AllocateIpamPoolCidr", lambda s, n: {"IpamPoolId": _ipam(s)["pool"], "NetmaskLength": 24},
    ("IpamPoolAllocation", "IpamPoolAllocationId"), "ipam-pool-allocation")
RECIPES["DescribeIpamResourceDiscoveries"] = Recipe(
    "CreateIpamResourceDiscovery", lambda s, n: {},
    ("IpamResourceDiscovery", "IpamResourceDiscoveryId"), "ipam-resource-discovery")
RECIPES["DescribeIpamResourceDiscoveryAssociations"] = Recipe(
    "AssociateIpamResourceDiscovery",
    lambda s, n: {"IpamId": _ipam(s)["IpamId"],
                  "IpamResourceDiscoveryId": s.ec2.create_ipam_resource_discovery()[
                      "IpamResourceDiscovery"]["IpamResourceDiscoveryId"]},
    ("IpamResourceDiscoveryAssociation", "IpamResourceDiscoveryAssociationId"),
    "ipam-resource-discovery-association")
# -- issue 14 G1 vpc-controls
RECIPES["DescribeVpcBlockPublicAccessExclusions"] = Recipe(
    "CreateVpcBlockPublicAccessExclusion",    # one exclusion a subnet
    lambda s, n: {"SubnetId": s.zone_subnet(n), "InternetGatewayExclusionMode": "allow-egress"},
    ("VpcBlockPublicAccessExclusion", "ExclusionId"), "vpc-block-public-access-exclusion")
RECIPES["DescribeVpcEncryptionControls"] = Recipe(
    "CreateVpcEncryptionControl",               # one control a VPC
    lambda s, n: {"VpcId": s.ec2.create_vpc(CidrBlock=_cidr(n))["Vpc"]["VpcId"]},
    ("VpcEncryptionControl", "VpcEncryptionControlId"), "vpc-encryption-control")
RECIPES["DescribeVpnConcentrators"] = Recipe(
    "CreateVpnConcentrator", lambda s, n: {"Type": "ipsec.1", "TransitGatewayId": s.tgw},
    ("VpnConcentrator", "VpnConcentratorId"), "vpn-concentrator")

# -- issue 14 C transit-gateway
def _transport(s: Setting) -> str:
    """A VPC attachment of `vpc` to a gateway with a CIDR block (Connect attachments ride
    it; Connect peers take their GRE addresses from the block), made once."""
    if "transport" not in s.__dict__:
        tgw = s.ec2.create_transit_gateway(Options={"TransitGatewayCidrBlocks": [
            "192.0.2.0/24"]})["TransitGateway"]["TransitGatewayId"]
        s.__dict__["transport_tgw"] = tgw
        s.__dict__["transport"] = s.ec2.create_transit_gateway_vpc_attachment(
            TransitGatewayId=tgw, VpcId=s.vpc, SubnetIds=[s.subnet])[
            "TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
    return str(s.__dict__["transport"])


def _connect(s: Setting) -> str:
    return s.ec2.create_transit_gateway_connect(
        TransportTransitGatewayAttachmentId=_transport(s), Options={"Protocol": "gre"})[
        "TransitGatewayConnect"]["TransitGatewayAttachmentId"]


RECIPES["DescribeTransitGatewayConnects"] = Recipe(
    "CreateTransitGatewayConnect",
    lambda s, n: {"TransportTransitGatewayAttachmentId": _transport(s),
                  "Options": {"Protocol": "gre"}},
    ("TransitGatewayConnect", "TransitGatewayAttachmentId"), "transit-gateway-attachment")
RECIPES["DescribeTransitGatewayConnectPeers"] = Recipe(
    "CreateTransitGatewayConnectPeer",        # at most four a Connect attachment: one each
    lambda s, n: {"TransitGatewayAttachmentId": _connect(s), "PeerAddress": "10.0.0.10",
                  "InsideCidrBlocks": [f"169.254.{n + 10}.0/29"]},
    ("TransitGatewayConnectPeer", "TransitGatewayConnectPeerId"),
    "transit-gateway-connect-peer")
RECIPES["DescribeTransitGatewayPolicyTables"] = Recipe(
    "CreateTransitGatewayPolicyTable", lambda s, n: {"TransitGatewayId": s.tgw},
    ("TransitGatewayPolicyTable", "TransitGatewayPolicyTableId"), "transit-gateway-policy-table")

# -- issue 14 F mirror-route-server
def _mirror_source(s: Setting) -> str:
    """A new Nitro instance's interface (three sessions at most per source)."""
    return s.ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, InstanceType="t3.micro",
                               SubnetId=s.subnet)["Instances"][0]["NetworkInterfaces"][0][
        "NetworkInterfaceId"]


def _mirror_kit(s: Setting) -> tuple[str, str]:
    """(target, filter) shared by the sessions, made once."""
    if "mirror_kit" not in s.__dict__:
        target = s.ec2.create_traffic_mirror_target(NetworkInterfaceId=s.eni)[
            "TrafficMirrorTarget"]["TrafficMirrorTargetId"]
        tmf = s.ec2.create_traffic_mirror_filter()["TrafficMirrorFilter"]["TrafficMirrorFilterId"]
        s.__dict__["mirror_kit"] = (target, tmf)
    return s.__dict__["mirror_kit"]


def _route_server_endpoint(s: Setting) -> str:
    """An endpoint of a route server associated with `vpc`, made once."""
    if "rse" not in s.__dict__:
        rs = s.ec2.create_route_server(AmazonSideAsn=65000)["RouteServer"]["RouteServerId"]
        s.ec2.associate_route_server(RouteServerId=rs, VpcId=s.vpc)
        s.__dict__["rse"] = s.ec2.create_route_server_endpoint(
            RouteServerId=rs, SubnetId=s.subnet)["RouteServerEndpoint"]["RouteServerEndpointId"]
    return s.__dict__["rse"]


RECIPES["DescribeTrafficMirrorFilters"] = Recipe(
    "CreateTrafficMirrorFilter", lambda s, n: {"Description": f"f{n}"},
    ("TrafficMirrorFilter", "TrafficMirrorFilterId"), "traffic-mirror-filter")
RECIPES["DescribeTrafficMirrorFilterRules"] = Recipe(
    "CreateTrafficMirrorFilterRule",
    lambda s, n: {"TrafficMirrorFilterId": _mirror_kit(s)[1], "TrafficDirection": "egress"
                  if n % 2 else "ingress", "RuleNumber": n + 1, "RuleAction": "accept",
                  "DestinationCidrBlock": "0.0.0.0/0", "SourceCidrBlock": "10.0.0.0/8"},
    ("TrafficMirrorFilterRule", "TrafficMirrorFilterRuleId"), "traffic-mirror-filter-rule")
RECIPES["DescribeTrafficMirrorTargets"] = Recipe(
    "CreateTrafficMirrorTarget", lambda s, n: {"NetworkLoadBalancerArn": NLB.replace(
        "web", f"web{n}")},
    ("TrafficMirrorTarget", "TrafficMirrorTargetId"), "traffic-mirror-target")
RECIPES["DescribeTrafficMirrorSessions"] = Recipe(
    "CreateTrafficMirrorSession",
    lambda s, n: {"NetworkInterfaceId": _mirror_source(s), "SessionNumber": n + 1,
                  "TrafficMirrorTargetId": _mirror_kit(s)[0],
                  "TrafficMirrorFilterId": _mirror_kit(s)[1]},
    ("TrafficMirrorSession", "TrafficMirrorSessionId"), "traffic-mirror-session")
RECIPES["DescribeRouteServers"] = Recipe(
    "CreateRouteServer", lambda s, n: {"AmazonSideAsn": 65000 + n},
    ("RouteServer", "RouteServerId"), "route-server")
RECIPES["DescribeRouteServerEndpoints"] = Recipe(
    "CreateRouteServerEndpoint",
    lambda s, n: {"RouteServerId": s.ec2.describe_route_server_endpoints(
        RouteServerEndpointIds=[_route_server_endpoint(s)])["RouteServerEndpoints"][0][
        "RouteServerId"], "SubnetId": s.subnet},
    ("RouteServerEndpoint", "RouteServerEndpointId"), "route-server-endpoint")
RECIPES["DescribeRouteServerPeers"] = Recipe(
    "CreateRouteServerPeer",
    lambda s, n: {"RouteServerEndpointId": _route_server_endpoint(s),
                  "PeerAddress": f"10.0.0.{n + 100}", "BgpOptions": {"PeerAsn": 65001}},
    ("RouteServerPeer", "RouteServerPeerId"), "route-server-peer")



def _once(s: Setting, name: str, make: Callable[[], str]) -> str:
    if name not in s.__dict__:
        s.__dict__[name] = make()
    return str(s.__dict__[name])


def _peering(s: Setting) -> str:
    """An accepted peering attachment of `tgw` to a gateway in us-west-2."""
    def make() -> str:
        west = boto3.client("ec2", region_name="us-west-2", endpoint_url=s.ec2.meta.endpoint_url,
                            aws_access_key_id="testing", aws_secret_access_key="testing")
        attach = s.ec2.create_transit_gateway_peering_attachment(
            TransitGatewayId=s.tgw, PeerTransitGatewayId=s.west_tgw(),
            PeerAccountId="123456789012", PeerRegion="us-west-2")[
            "TransitGatewayPeeringAttachment"]["TransitGatewayAttachmentId"]
        west.accept_transit_gateway_peering_attachment(TransitGatewayAttachmentId=attach)
        return str(attach)
    return _once(s, "peering", make)


def _gwlb_service(s: Setting) -> str:
    arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/gwy/fw/0123456789abcdef"
    return _once(s, "gwlb_service", lambda: s.ec2.create_vpc_endpoint_service_configuration(
        GatewayLoadBalancerArns=[arn])["ServiceConfiguration"]["ServiceName"])


RECIPES["DescribeTransitGatewayMulticastDomains"] = Recipe(
    "CreateTransitGatewayMulticastDomain",
    lambda s, n: {"TransitGatewayId": _once(s, "mcast_tgw", lambda: s.ec2.create_transit_gateway(
        Options={"MulticastSupport": "enable"})["TransitGateway"]["TransitGatewayId"])},
    ("TransitGatewayMulticastDomain", "TransitGatewayMulticastDomainId"),
    "transit-gateway-multicast-domain")
RECIPES["DescribeTransitGatewayRouteTableAnnouncements"] = Recipe(
    "CreateTransitGatewayRouteTableAnnouncement",
    lambda s, n: {"PeeringAttachmentId": _peering(s), "TransitGatewayRouteTableId": _once(
        s, "announced", lambda: s.ec2.create_transit_gateway_route_table(
            TransitGatewayId=s.tgw)["TransitGatewayRouteTable"]["TransitGatewayRouteTableId"])},
    ("TransitGatewayRouteTableAnnouncement", "TransitGatewayRouteTableAnnouncementId"),
    "transit-gateway-route-table-announcement")
RECIPES["DescribeTransitGatewayMeteringPolicies"] = Recipe(
    "CreateTransitGatewayMeteringPolicy", lambda s, n: {"TransitGatewayId": s.tgw},
    ("TransitGatewayMeteringPolicy", "TransitGatewayMeteringPolicyId"),
    "transit-gateway-metering-policy")
RECIPES["DescribeTransitGatewayNetworkFunctionAttachments"] = Recipe(
    "CreateTransitGatewayNetworkFunctionAttachment",   # one a gateway and service: a gateway each
    lambda s, n: {"TransitGatewayId": s.ec2.create_transit_gateway()["TransitGateway"][
        "TransitGatewayId"], "ServiceName": _gwlb_service(s), "AvailabilityZones": ["us-east-1a"]},
    ("TransitGatewayNetworkFunctionAttachment", "TransitGatewayAttachmentId"),
    "transit-gateway-attachment")

# Describe operations with an id list that the contract leaves out, and why.
# -- issue 14 D client-vpn
CERT = "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
RECIPES["DescribeClientVpnEndpoints"] = Recipe(
    "CreateClientVpnEndpoint",
    lambda s, n: {"ClientCidrBlock": f"172.{16 + n}.0.0/22", "ServerCertificateArn": CERT,
                  "AuthenticationOptions": [{"Type": "certificate-authentication",
                                             "MutualAuthentication": {
                                                 "ClientRootCertificateChainArn": CERT}}],
                  "ConnectionLogOptions": {"Enabled": False}},
    ("ClientVpnEndpointId",), "client-vpn-endpoint")
RECIPES["DescribeInstanceConnectEndpoints"] = Recipe(
    "CreateInstanceConnectEndpoint",            # one endpoint a VPC
    lambda s, n: {"SubnetId": s.ec2.create_subnet(
        VpcId=s.ec2.create_vpc(CidrBlock=_cidr(n))["Vpc"]["VpcId"],
        CidrBlock=_cidr(n).replace("/16", "/24"))["Subnet"]["SubnetId"]},
    ("InstanceConnectEndpoint", "InstanceConnectEndpointId"), "instance-connect-endpoint")


# -- issue 15 storage
RECIPES["DescribeReplaceRootVolumeTasks"] = Recipe(
    "CreateReplaceRootVolumeTask", lambda s, n: {"InstanceId": s.instance},
    ("ReplaceRootVolumeTask", "ReplaceRootVolumeTaskId"), "replace-root-volume-task")
RECIPES["DescribeDeclarativePoliciesReports"] = Recipe(
    "StartDeclarativePoliciesReport",
    lambda s, n: {"S3Bucket": "contract-reports", "TargetId": "123456789012"},
    ("ReportId",), "declarative-policies-report")

NOT_COVERED: dict[str, str] = {
    "DescribeNetworkInterfacePermissions": "not taggable (its item has no Tags): "
                                           "tests/test_interface_permissions.py",
    "DescribeTrunkInterfaceAssociations": "not taggable (its item has no Tags): "
                                          "tests/test_interface_permissions.py",
    "DescribeClassicLinkInstances": "EC2-Classic is retired: no instance is linked "
                                    "(tests/test_vpc_leftovers.py)",
    "DescribeVpcEndpointAssociations": "service-network endpoints are not made: nothing to "
                                       "list (tests/test_vpc_leftovers.py)",
    "DescribeClientVpnTargetNetworks": "associations of one Client VPN endpoint (it is "
                                       "required), not taggable: tests/test_client_vpn.py",
    "DescribeAvailabilityZones": "zones are AWS's catalogue, not a resource kind with ids",
    "DescribeAddressesAttribute": "an attribute view of addresses; DescribeAddresses covers "
                                  "the kind",
    "DescribeInstanceStatus": "a view of instances; DescribeInstances covers the kind",
    "DescribeInstanceTopology": "a view of running instances of a few types, not taggable: "
                                "tests/test_account_network_settings.py",
    "DescribeInstanceCreditSpecifications": "a view of instances; DescribeInstances covers "
                                            "the kind",
    "DescribeVolumeStatus": "a view of volumes; DescribeVolumes covers the kind",
    "DescribeVolumesModifications": "a view of volume modifications, keyed by volume id",
    "DescribeVpcClassicLink": "EC2-Classic is retired: answers about VPCs, no kind of its own",
    "DescribeVpcClassicLinkDnsSupport": "EC2-Classic is retired: answers about VPCs",
    "DescribePrefixLists": "AWS-owned prefix lists: nothing to create, not taggable",
    "DescribeIamInstanceProfileAssociations": "an association made by "
                                              "AssociateIamInstanceProfile: not taggable, and "
                                              "one an instance (paging needs an instance each)",
}

# AWS answers these with no item for an unknown well-formed id (a malformed one is an error).
UNKNOWN_IDS_EMPTY = {"DescribeEgressOnlyInternetGateways", "DescribeFlowLogs"}
# ... and these with no item for a malformed one too: FlowLogIds only select (no reference
# page, client or SDK test names an `InvalidFlowLogId.Malformed` answer to DescribeFlowLogs).
MALFORMED_IDS_EMPTY = {"DescribeFlowLogs"}
# ... and the malformed id to send where the model's length or pattern keeps the SDK from
# sending "nonsense" (botocore refuses it before any request)
MALFORMED_IDS: dict[str, str] = {}

# Operations whose unknown and malformed ids have codes of their own rather than the kind's
# `Invalid<Kind>ID.*` (the Terraform AWS provider reads `NatGatewayNotFound`).
OWN_CODES = {"DescribeNatGateways": ("NatGatewayNotFound", "NatGatewayMalformed")}

# Kinds no recipe makes, and why (mostly sub-resources read through their parent).
KINDS_NOT_COVERED = {
    "vpc-cidr-assoc": "read in DescribeVpcs' CidrBlockAssociationSet",
    "subnet-cidr-assoc": "read in DescribeSubnets' Ipv6CidrBlockAssociationSet",
    "route-table-assoc": "read in DescribeRouteTables' Associations",
    "network-acl-assoc": "read in DescribeNetworkAcls' Associations",
    "local-gateway": "installed with an Outpost (POST /_ec2sim/outposts), not by EC2",
    "core-network": "Cloud WAN: ec2sim knows the ARN shape only",
    "iam-instance-profile-association": NOT_COVERED["DescribeIamInstanceProfileAssociations"],
    "subnet-cidr-reservation": "read by GetSubnetCidrReservations, which takes a subnet, "
                               "not ids (tests/test_subnet_cidr_reservations.py)",
    "network-interface-permission": "not taggable (its item has no Tags): "
                                    "tests/test_interface_permissions.py",
    "trunk-interface-association": "not taggable (its item has no Tags): "
                                   "tests/test_interface_permissions.py",
}

# -- issue 14 A ipam (a kind read through its pool)
KINDS_NOT_COVERED["ipam-pool-cidr"] = "read through GetIpamPoolCidrs: tests/test_ipam.py"

# -- issue 14 D client-vpn (a kind whose describe takes one id)
KINDS_NOT_COVERED["vpc-endpoint-connection-notification"] = (
    "DescribeVpcEndpointConnectionNotifications takes one id, not a list, and the kind is not "
    "taggable: tests/test_endpoint_notifications.py")

# -- issue 14 G2 local-gateway-edge
def _outpost(s: Setting) -> dict[str, Any]:
    """An Outpost installed in the client's account through the active in-process mock (the
    EC2 API cannot make one; docs/outposts.md), made once."""
    if "outpost" not in s.__dict__:
        s.__dict__["outpost"] = api_mock._active[-1].outpost({"AvailabilityZone": "us-east-1a"})
    return s.__dict__["outpost"]


def _lgw_table(s: Setting, mode: str = "direct-vpc-routing") -> str:
    return s.ec2.create_local_gateway_route_table(LocalGatewayId=_outpost(s)["LocalGatewayId"],
                                                  Mode=mode)["LocalGatewayRouteTable"][
        "LocalGatewayRouteTableId"]


def _lgw_group(s: Setting, n: int) -> str:
    return s.ec2.create_local_gateway_virtual_interface_group(
        LocalGatewayId=_outpost(s)["LocalGatewayId"], LocalBgpAsn=65100 + n)[
        "LocalGatewayVirtualInterfaceGroup"]["LocalGatewayVirtualInterfaceGroupId"]


RECIPES["DescribeLocalGatewayRouteTables"] = Recipe(
    "CreateLocalGatewayRouteTable", lambda s, n: {"LocalGatewayId": _outpost(s)[
        "LocalGatewayId"]},
    ("LocalGatewayRouteTable", "LocalGatewayRouteTableId"), "local-gateway-route-table")
RECIPES["DescribeLocalGatewayVirtualInterfaceGroups"] = Recipe(
    "CreateLocalGatewayVirtualInterfaceGroup",
    lambda s, n: {"LocalGatewayId": _outpost(s)["LocalGatewayId"], "LocalBgpAsn": 65100 + n},
    ("LocalGatewayVirtualInterfaceGroup", "LocalGatewayVirtualInterfaceGroupId"),
    "local-gateway-virtual-interface-group")
RECIPES["DescribeLocalGatewayVirtualInterfaces"] = Recipe(
    "CreateLocalGatewayVirtualInterface",
    lambda s, n: {"LocalGatewayVirtualInterfaceGroupId": _outpost(s)[
        "LocalGatewayVirtualInterfaceGroupIds"][0], "OutpostLagId": _outpost(s)[
        "OutpostLagIds"][0], "Vlan": 3000 + n, "LocalAddress": f"10.254.{n}.1/30",
        "PeerAddress": f"10.254.{n}.2/30", "PeerBgpAsn": 65000},
    ("LocalGatewayVirtualInterface", "LocalGatewayVirtualInterfaceId"),
    "local-gateway-virtual-interface")
RECIPES["DescribeLocalGatewayRouteTableVpcAssociations"] = Recipe(
    "CreateLocalGatewayRouteTableVpcAssociation",      # one association a VPC
    lambda s, n: {"LocalGatewayRouteTableId": _outpost(s)["LocalGatewayRouteTableId"],
                  "VpcId": s.ec2.create_vpc(CidrBlock=_cidr(n))["Vpc"]["VpcId"]},
    ("LocalGatewayRouteTableVpcAssociation", "LocalGatewayRouteTableVpcAssociationId"),
    "local-gateway-route-table-vpc-association")
RECIPES["DescribeLocalGatewayRouteTableVirtualInterfaceGroupAssociations"] = Recipe(
    "CreateLocalGatewayRouteTableVirtualInterfaceGroupAssociation",   # one table a group
    lambda s, n: {"LocalGatewayRouteTableId": _outpost(s)["LocalGatewayRouteTableId"],
                  "LocalGatewayVirtualInterfaceGroupId": _lgw_group(s, n)},
    ("LocalGatewayRouteTableVirtualInterfaceGroupAssociation",
     "LocalGatewayRouteTableVirtualInterfaceGroupAssociationId"),
    "local-gateway-route-table-virtual-interface-group-association")
RECIPES["DescribeCoipPools"] = Recipe(
    "CreateCoipPool", lambda s, n: {"LocalGatewayRouteTableId": _lgw_table(s, "coip")},
    ("CoipPool", "PoolId"), "coip-pool")
def _edge_network(s: Setting) -> tuple[str, str]:
    """(virtual-edge secondary network, its gateway), made once."""
    if "edge" not in s.__dict__:
        sn = s.ec2.create_secondary_network(NetworkType="virtual-edge", VlanMode="access",
                                            AvailabilityZone="us-east-1a")[
            "SecondaryNetwork"]["SecondaryNetworkId"]
        gw = s.ec2.create_virtual_edge_network_gateway(SecondaryNetworkId=sn)[
            "VirtualEdgeNetworkGateway"]["VirtualEdgeNetworkGatewayId"]
        s.__dict__["edge"] = (sn, gw)
    return s.__dict__["edge"]


def _edge_subnet(s: Setting, n: int) -> str:
    return s.ec2.create_secondary_subnet(
        SecondaryNetworkId=_edge_network(s)[0], AvailabilityZone="us-east-1a",
        Ipv4CidrBlock=f"10.{60 + n}.0.0/24")["SecondarySubnet"]["SecondarySubnetId"]


RECIPES["DescribeVirtualEdgeNetworkGateways"] = Recipe(
    "CreateVirtualEdgeNetworkGateway",          # one gateway a network
    lambda s, n: {"SecondaryNetworkId": s.ec2.create_secondary_network(
        NetworkType="virtual-edge", VlanMode="access", AvailabilityZone="us-east-1a")[
        "SecondaryNetwork"]["SecondaryNetworkId"]},
    ("VirtualEdgeNetworkGateway", "VirtualEdgeNetworkGatewayId"), "virtual-edge-network-gateway")
RECIPES["DescribeVirtualEdgeNetworkGatewayRouteTables"] = Recipe(
    "CreateVirtualEdgeNetworkGatewayRouteTable",
    lambda s, n: {"VirtualEdgeNetworkGatewayId": _edge_network(s)[1]},
    ("VirtualEdgeNetworkGatewayRouteTable", "VirtualEdgeNetworkGatewayRouteTableId"),
    "virtual-edge-network-gateway-route-table")
RECIPES["DescribeVirtualEdgeNetworkGatewayRouteTableAssociations"] = Recipe(
    "CreateVirtualEdgeNetworkGatewayRouteTableAssociation",     # one table a subnet
    lambda s, n: {"VirtualEdgeNetworkGatewayRouteTableId": s.ec2.
                  create_virtual_edge_network_gateway_route_table(
                      VirtualEdgeNetworkGatewayId=_edge_network(s)[1])[
                      "VirtualEdgeNetworkGatewayRouteTable"][
                      "VirtualEdgeNetworkGatewayRouteTableId"],
                  "SecondarySubnetId": _edge_subnet(s, n)},
    ("VirtualEdgeNetworkGatewayRouteTableAssociation",
     "VirtualEdgeNetworkGatewayRouteTableAssociationId"),
    "virtual-edge-network-gateway-route-table-association")
RECIPES["DescribeVirtualEdgeNetworkRouteServerPeers"] = Recipe(
    "CreateVirtualEdgeNetworkRouteServerPeer",
    lambda s, n: {"SecondarySubnetId": _edge_subnet(s, n), "AmazonSideAsn": 64512,
                  "BgpOptions": {"PeerAsn": 65001},
                  "Ipv4PeerAddressRange": f"10.{60 + n}.0.0/28"},
    ("VirtualEdgeNetworkRouteServerPeer", "VirtualEdgeNetworkRouteServerPeerId"),
    "virtual-edge-network-route-server-peer")
NOT_COVERED.update({
    "DescribeLocalGateways": "installed with an Outpost (POST /_ec2sim/outposts), not by EC2: "
                             "tests/test_local_gateways.py",
    "DescribeOutpostLags": "installed with an Outpost: tests/test_local_gateways.py",
    "DescribeServiceLinkVirtualInterfaces": "installed with an Outpost: "
                                            "tests/test_local_gateways.py",
})
KINDS_NOT_COVERED.update({
    "outpost": "the EC2 API names no Outpost by id: POST /_ec2sim/outposts installs one",
    "outpost-lag": NOT_COVERED["DescribeOutpostLags"],
    "service-link-virtual-interface": NOT_COVERED["DescribeServiceLinkVirtualInterfaces"],
})

# -- issue 14 E verified-access
def _made(s: Setting, key: str, make: Callable[[], str]) -> str:
    """One resource of the setting, made on first use."""
    if key not in s.__dict__:
        s.__dict__[key] = make()
    return s.__dict__[key]


def _va_group(s: Setting) -> str:
    vai = _made(s, "e-vai", lambda: s.ec2.create_verified_access_instance()[
        "VerifiedAccessInstance"]["VerifiedAccessInstanceId"])
    return _made(s, "e-vagr", lambda: s.ec2.create_verified_access_group(
        VerifiedAccessInstanceId=vai)["VerifiedAccessGroup"]["VerifiedAccessGroupId"])


def _edge(s: Setting) -> str:
    return _made(s, "e-edge", lambda: s.ec2.create_secondary_network(
        NetworkType="virtual-edge", VlanMode="access", AvailabilityZone="us-east-1a")[
        "SecondaryNetwork"]["SecondaryNetworkId"])


def _edge_acl(s: Setting) -> str:
    return _made(s, "e-edge-acl", lambda: s.ec2.create_secondary_network_acl(
        SecondaryNetworkId=_edge(s))["SecondaryNetworkAcl"]["SecondaryNetworkAclId"])


RECIPES["DescribeVerifiedAccessInstances"] = Recipe(
    "CreateVerifiedAccessInstance", lambda s, n: {"Description": f"i{n}"},
    ("VerifiedAccessInstance", "VerifiedAccessInstanceId"), "verified-access-instance")
RECIPES["DescribeVerifiedAccessTrustProviders"] = Recipe(
    "CreateVerifiedAccessTrustProvider",
    lambda s, n: {"TrustProviderType": "user", "UserTrustProviderType": "iam-identity-center",
                  "PolicyReferenceName": f"idc{n}"},
    ("VerifiedAccessTrustProvider", "VerifiedAccessTrustProviderId"),
    "verified-access-trust-provider")
RECIPES["DescribeVerifiedAccessGroups"] = Recipe(
    "CreateVerifiedAccessGroup", lambda s, n: {"VerifiedAccessInstanceId": _made(
        s, "e-vai", lambda: s.ec2.create_verified_access_instance()["VerifiedAccessInstance"][
            "VerifiedAccessInstanceId"])},
    ("VerifiedAccessGroup", "VerifiedAccessGroupId"), "verified-access-group")
RECIPES["DescribeVerifiedAccessEndpoints"] = Recipe(
    "CreateVerifiedAccessEndpoint",
    lambda s, n: {"VerifiedAccessGroupId": _va_group(s), "EndpointType": "cidr",
                  "AttachmentType": "vpc", "SecurityGroupIds": [s.group],
                  "CidrOptions": {"Cidr": "10.0.0.0/24", "Protocol": "tcp",
                                  "SubnetIds": [s.subnet],
                                  "PortRanges": [{"FromPort": n + 1, "ToPort": n + 1}]}},
    ("VerifiedAccessEndpoint", "VerifiedAccessEndpointId"), "verified-access-endpoint")
RECIPES["DescribeSecondaryNetworks"] = Recipe(
    "CreateSecondaryNetwork",
    lambda s, n: {"NetworkType": "rdma", "Ipv4CidrBlock": f"10.{n + 100}.0.0/16"},
    ("SecondaryNetwork", "SecondaryNetworkId"), "secondary-network")
RECIPES["DescribeSecondarySubnets"] = Recipe(
    "CreateSecondarySubnet",
    lambda s, n: {"SecondaryNetworkId": _made(s, "e-rdma", lambda: s.ec2.create_secondary_network(
        NetworkType="rdma", Ipv4CidrBlock="10.200.0.0/16")["SecondaryNetwork"][
        "SecondaryNetworkId"]), "Ipv4CidrBlock": f"10.200.{n}.0/24",
        "AvailabilityZone": "us-east-1a"},
    ("SecondarySubnet", "SecondarySubnetId"), "secondary-subnet")
RECIPES["DescribeSecondaryNetworkAcls"] = Recipe(
    "CreateSecondaryNetworkAcl", lambda s, n: {"SecondaryNetworkId": _edge(s)},
    ("SecondaryNetworkAcl", "SecondaryNetworkAclId"), "secondary-network-acl")
RECIPES["DescribeSecondaryNetworkAclAssociations"] = Recipe(
    "CreateSecondaryNetworkAclAssociation",     # one association a secondary subnet
    lambda s, n: {"SecondaryNetworkAclId": _edge_acl(s),
                  "SecondarySubnetId": s.ec2.create_secondary_subnet(
                      SecondaryNetworkId=_edge(s), Ipv4CidrBlock=f"192.168.{n}.0/24",
                      AvailabilityZone="us-east-1a")["SecondarySubnet"]["SecondarySubnetId"]},
    ("SecondaryNetworkAclAssociation", "SecondaryNetworkAclAssociationId"),
    "secondary-network-acl-association")
RECIPES["DescribeNetworkingFlexCostAllocationPolicies"] = Recipe(
    "CreateNetworkingFlexCostAllocationPolicy",
    lambda s, n: {"NetworkResourceType": "natgw", "NatFcaPolicyDocument": {
        "ReportingGranularity": ["vpc"], "Dimensions": ["data-transfer"]}},
    ("FcaPolicyId",), "fca-policy")
MALFORMED_IDS["DescribeNetworkingFlexCostAllocationPolicies"] = "fcaq-0123456789abcdef0"  # 22
NOT_COVERED.update({
    "DescribeVerifiedAccessInstanceLoggingConfigurations": "a view of Verified Access "
                                                           "instances (their access logs)",
    "DescribeSecondaryInterfaces": "made by AWS for instances in secondary subnets, which "
                                   "ec2sim does not launch: tests/test_secondary_networks.py",
    "DescribeNetworkingFlexCostAllocationPolicyAssociations": "made by "
        "AssociateNetworkingFlexCostAllocationPolicy, not taggable: tests/test_flex_cost.py",
})
KINDS_NOT_COVERED.update({
    "secondary-interface": NOT_COVERED["DescribeSecondaryInterfaces"],
    "fca-policy-association": NOT_COVERED[
        "DescribeNetworkingFlexCostAllocationPolicyAssociations"],
})

# -- issue 14 B ipam-extras
def _b_ipam(s: Setting) -> str:
    """One IPAM of the setting (its tokens, registries, policies and resolvers need one)."""
    if "b-ipam" not in s.__dict__:
        s.__dict__["b-ipam"] = s.ec2.create_ipam()["Ipam"]["IpamId"]
    return str(s.__dict__["b-ipam"])


def _b_resolver(s: Setting) -> str:
    if "b-resolver" not in s.__dict__:
        s.__dict__["b-resolver"] = s.ec2.create_ipam_prefix_list_resolver(
            IpamId=_b_ipam(s), AddressFamily="ipv4")["IpamPrefixListResolver"][
            "IpamPrefixListResolverId"]
    return str(s.__dict__["b-resolver"])


RECIPES["DescribePublicIpv4Pools"] = Recipe("CreatePublicIpv4Pool", lambda s, n: {},
                                            ("PoolId",), "ipv4pool-ec2")
RECIPES["DescribeIpamExternalResourceVerificationTokens"] = Recipe(
    "CreateIpamExternalResourceVerificationToken", lambda s, n: {"IpamId": _b_ipam(s)},
    ("IpamExternalResourceVerificationToken", "IpamExternalResourceVerificationTokenId"),
    "ipam-external-resource-verification-token")
RECIPES["DescribeIpamInternetRegistryAssociations"] = Recipe(
    "CreateIpamInternetRegistryAssociation",
    lambda s, n: {"IpamId": _b_ipam(s), "Rir": "ripe", "OrganizationHandle": f"ORG-{n}-RIPE"},
    ("IpamInternetRegistryAssociation", "IpamInternetRegistryAssociationId"),
    "ipam-internet-registry-association")
RECIPES["DescribeIpamPolicies"] = Recipe(
    "CreateIpamPolicy", lambda s, n: {"IpamId": _b_ipam(s)}, ("IpamPolicy", "IpamPolicyId"),
    "ipam-policy")
RECIPES["DescribeIpamPrefixListResolvers"] = Recipe(
    "CreateIpamPrefixListResolver", lambda s, n: {"IpamId": _b_ipam(s), "AddressFamily": "ipv4"},
    ("IpamPrefixListResolver", "IpamPrefixListResolverId"), "ipam-prefix-list-resolver")
RECIPES["DescribeIpamPrefixListResolverTargets"] = Recipe(   # one target a prefix list
    "CreateIpamPrefixListResolverTarget",
    lambda s, n: {"IpamPrefixListResolverId": _b_resolver(s), "PrefixListRegion": "us-east-1",
                  "TrackLatestVersion": True,
                  "PrefixListId": s.ec2.create_managed_prefix_list(
                      PrefixListName=f"b-{n}", MaxEntries=5, AddressFamily="IPv4")[
                      "PrefixList"]["PrefixListId"]},
    ("IpamPrefixListResolverTarget", "IpamPrefixListResolverTargetId"),
    "ipam-prefix-list-resolver-target")
NOT_COVERED.update({
    "DescribeIpv6Pools": "made by ProvisionByoipCidr for an IPv6 range (a signed range each, "
                         "five a Region): tests/test_byoip.py",
    "DescribeAddressTransfers": "a view of Elastic IP addresses (their transfer offers): "
                                "tests/test_byoip.py",
})

# -- issue 15 capacity --
RECIPES["DescribeMetricCategories"] = Recipe(
    "CreateMetricCategory", lambda s, n: {"Metrics": [f"Metric{n}"]},
    ("MetricCategory", "MetricCategoryId"), "metric-category")
RECIPES["DescribeApplicationStatusChecks"] = Recipe(
    "CreateApplicationStatusCheck", lambda s, n: {"Protocol": "http", "Port": 8000 + n},
    ("ApplicationStatusCheck", "ApplicationStatusCheckId"), "application-status-check")
NOT_COVERED.update({
    "DescribeApplicationStatusCheckAssociations": "a view of application status checks "
                                                  "(untagged rows): "
                                                  "tests/test_application_status_checks.py",
    "DescribeApplicationStatus": "a view of instances (their checks' results): "
                                 "tests/test_application_status_checks.py",
    "DescribeCapacityBlocks": "bought with an offering id DescribeCapacityBlockOfferings "
                              "gives: tests/test_capacity_blocks.py",
    "DescribeCapacityBlockStatus": "a view of active Capacity Blocks: "
                                   "tests/test_capacity_blocks.py",
    "DescribeCapacityBlockExtensionHistory": "a view of Capacity Block extensions: "
                                             "tests/test_capacity_blocks.py",
    "DescribeCapacityManagerDataExports": "made once EnableCapacityManager has run: "
                                          "tests/test_capacity_manager.py",
})
KINDS_NOT_COVERED["capacity-block"] = NOT_COVERED["DescribeCapacityBlocks"]
KINDS_NOT_COVERED["capacity-manager-data-export"] = NOT_COVERED[
    "DescribeCapacityManagerDataExports"]
KINDS_NOT_COVERED.update({
    "ipv6pool-ec2": NOT_COVERED["DescribeIpv6Pools"],
    "byoip-cidr": "named by its CIDR (no id): DescribeByoipCidrs, tests/test_byoip.py",
    "ipam-byoasn": "named by its ASN (no id): DescribeIpamByoasn, tests/test_byoip.py",
})

# -- issue 15 hosts --
NOT_COVERED.update({
    "DescribeHosts": "AllocateHosts takes no DryRun: tests/test_hosts.py",
    "DescribeMacHosts": "a view of Mac Dedicated Hosts: tests/test_hosts.py",
    "DescribeReservedInstancesOfferings": "a catalogue (UUID ids): "
                                          "tests/test_reserved_instances.py",
    "DescribeMacModificationTasks": "made for Mac instances: tests/test_hosts.py",
    "DescribeReservedInstances": "bought from a catalogue offering (UUID ids): "
                                 "tests/test_reserved_instances.py",
    "DescribeReservedInstancesModifications": "made by ModifyReservedInstances (untagged): "
                                              "tests/test_reserved_instances.py",
})
KINDS_NOT_COVERED.update({
    "dedicated-host": NOT_COVERED["DescribeHosts"],
    # DescribeHostReservations names its ids by HostReservationIdSet (no *Ids list)
    "host-reservation": "bought for hosts from a catalogue offering: "
                        "tests/test_host_reservations.py",
    "mac-modification-task": NOT_COVERED["DescribeMacModificationTasks"],
    "reserved-instances": NOT_COVERED["DescribeReservedInstances"],
    "reserved-instances-modification": NOT_COVERED["DescribeReservedInstancesModifications"],
    "reserved-instances-listing": "listed for sale from a Reserved Instance (UUID ids): "
                                  "tests/test_reserved_instances.py",
    "reserved-instances-exchange": "made by AcceptReservedInstancesExchangeQuote, never "
                                   "described: tests/test_reserved_instances.py",
})


SERVER_SAMPLE = ["DescribeVpcs", "DescribeSubnets", "DescribeInstances", "DescribeVolumes",
                 "DescribeNatGateways", "DescribeEgressOnlyInternetGateways"]


@dataclass(frozen=True)
class Operation:
    """What botocore's model says about one Describe operation."""

    name: str
    ids: str                 # the id list input member, e.g. "VpcIds"
    output: str              # the list output member, e.g. "Vpcs"
    filters: str | None      # "Filters" (or "Filter" for DescribeFlowLogs)
    pages: bool
    page_min: int            # the least MaxResults the model allows (5 where it is silent)
    tags: str                # the item's list of tags: "Tags" (or "TagSet")

    @property
    def method(self) -> str:
        return xform_name(self.name)


@cache
def _model() -> Any:
    return botocore.session.get_session().get_service_model("ec2")


@cache
def _operation(name: str) -> Operation:
    shape = _model().operation_model(name)
    members = shape.input_shape.members
    ids = [m for m, s in members.items() if m.endswith("Ids") and s.type_name == "list"]
    if len(ids) > 1:   # DescribeSnapshots: OwnerIds, RestorableByUserIds, SnapshotIds
        ids = [m for m in ids if name.removeprefix("Describe").startswith(m[:-4])]
    outputs = [m for m, s in shape.output_shape.members.items() if s.type_name == "list"]
    filters = next((m for m, s in members.items()
                    if s.type_name == "list" and s.member.name == "Filter"), None)
    limit = members.get("MaxResults")
    item = shape.output_shape.members[outputs[0]].member
    if outputs[0] == "Reservations":
        item = item.members["Instances"].member
    tags = next(m for m, s in item.members.items()
                if s.type_name == "list" and s.member.name == "Tag")
    return Operation(name, ids[0], outputs[0], filters, limit is not None,
                     (limit.metadata.get("min", 5) if limit is not None else 0), tags)


def _describes_with_ids() -> list[str]:
    """Every Describe operation ec2sim answers whose input takes a list of ids."""
    model = _model()
    found = []
    for name in sorted(dispatch.handlers()):
        if not name.startswith("Describe") or name not in model.operation_names:
            continue
        members = model.operation_model(name).input_shape.members
        if any(m.endswith("Ids") and s.type_name == "list" for m, s in members.items()):
            found.append(name)
    return found


def _dig(answer: Any, path: tuple[str | int, ...]) -> Any:
    for step in path:
        answer = answer[step]
    return answer


def _items(op: Operation, answer: dict[str, Any]) -> list[dict[str, Any]]:
    """The described items, with DescribeInstances' reservations opened."""
    items = answer[op.output]
    if op.output == "Reservations":
        return [i for r in items for i in r["Instances"]]
    return items


def _id_member(op: Operation) -> str:
    return op.ids[:-1]


class Contract:
    """One Describe operation, its recipe and a client."""

    def __init__(self, ec2: Any, name: str) -> None:
        self.ec2, self.op, self.recipe = ec2, _operation(name), RECIPES[name]
        self.setting = Setting(ec2)
        create_input = _model().operation_model(self.recipe.create).input_shape.members
        self.tags_at_creation = "TagSpecifications" in create_input

    def create(self, n: int = 0, tags: dict[str, str] | None = None, **extra: Any) -> str:
        params = {**self.recipe.params(self.setting, n), **extra}
        if tags and self.tags_at_creation:
            params["TagSpecifications"] = [{"ResourceType": self.recipe.tag_type, "Tags": [
                {"Key": k, "Value": v} for k, v in tags.items()]}]
        rid = _dig(getattr(self.ec2, xform_name(self.recipe.create))(**params),
                   self.recipe.answer)
        if tags and not self.tags_at_creation:
            self.ec2.create_tags(Resources=[rid], Tags=[{"Key": k, "Value": v}
                                                        for k, v in tags.items()])
        return rid

    def describe(self, **params: Any) -> dict[str, Any]:
        """Describe with the recipe's scope (a filter in it joins the caller's filters)."""
        merged = {**self.recipe.scope, **params}
        for member, scoped in self.recipe.scope.items():
            if isinstance(scoped, list) and member in params:
                merged[member] = scoped + params[member]
        return getattr(self.ec2, self.op.method)(**merged)

    def ids(self, **params: Any) -> list[str]:
        return [i[_id_member(self.op)] for i in _items(self.op, self.describe(**params))]

    def codes(self) -> tuple[str, str, str]:
        """The codes of an unknown and of a malformed id, and a well-formed unknown id."""
        kind = self.made_kind()
        not_found, malformed = OWN_CODES.get(self.op.name, (kind.not_found, kind.malformed))
        return not_found, malformed, self.recipe.unknown or f"{kind.prefix}-0123456789abcdef0"

    def made_kind(self) -> Any:
        """The schema's kind of a new resource, by its id's prefix."""
        rid = self.create()
        prefix = max((p for p in KIND_BY_PREFIX if rid.startswith(p + "-")), key=len)
        return KIND_BY_PREFIX[prefix]


def _expect(call: Callable[..., Any], **params: Any) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as exc:
        call(**params)
    code, message = error(exc)
    return code, message, exc.value.response["ResponseMetadata"]["HTTPStatusCode"]


# -- issue 15 tasks (VM Import/Export, FPGA images)
def _task_disk(n: int) -> dict[str, Any]:
    return {"Format": "VMDK", "UserBucket": {"S3Bucket": "contract-bucket",
                                             "S3Key": f"disks/{n}.vmdk"}}


RECIPES["DescribeImportImageTasks"] = Recipe(
    "ImportImage", lambda s, n: {"DiskContainers": [_task_disk(n)]}, ("ImportTaskId",),
    "import-image-task")
RECIPES["DescribeImportSnapshotTasks"] = Recipe(
    "ImportSnapshot", lambda s, n: {"DiskContainer": _task_disk(n)}, ("ImportTaskId",),
    "import-snapshot-task")
RECIPES["DescribeExportImageTasks"] = Recipe(
    "ExportImage", lambda s, n: {"ImageId": _once(s, "export_ami", lambda: s.ec2.create_image(
        InstanceId=s.instance, Name="contract-export")["ImageId"]), "DiskImageFormat": "VMDK",
        "S3ExportLocation": {"S3Bucket": "contract-bucket", "S3Prefix": f"exports/{n}/"}},
    ("ExportImageTaskId",), "export-image-task")
RECIPES["DescribeConversionTasks"] = Recipe(     # ImportVolume takes no tags: CreateTags
    "ImportVolume", lambda s, n: {"AvailabilityZone": "us-east-1a", "Volume": {"Size": 1 + n},
                                  "Image": {"Format": "VMDK", "Bytes": 1024,
                                            "ImportManifestUrl": "https://s3.amazonaws.com/"
                                                                 "contract-bucket/m.xml"}},
    ("ConversionTask", "ConversionTaskId"), "import-volume-task")
RECIPES["DescribeFpgaImages"] = Recipe(
    "CreateFpgaImage", lambda s, n: {"InputStorageLocation": {"Bucket": "contract-bucket",
                                                              "Key": f"dcp/{n}.tar"}},
    ("FpgaImageId",), "fpga-image")
NOT_COVERED.update({
    "DescribeExportTasks": "CreateInstanceExportTask takes no DryRun: tests/test_vm_tasks.py",
    "DescribeBundleTasks": "bundling needs an instance store-backed Windows instance (no "
                           "public image gives one) and a bundle task has no tags: "
                           "tests/test_vm_tasks.py",
    "DescribeStoreImageTasks": "ImageIds names AMIs, not tasks, and results carry no tags: "
                               "tests/test_vm_tasks.py",
})
KINDS_NOT_COVERED.update({
    "import-instance-task": "ImportInstance's tasks, read with ImportVolume's by "
                            "DescribeConversionTasks: tests/test_vm_tasks.py",
    "export-instance-task": NOT_COVERED["DescribeExportTasks"],
    "bundle-task": NOT_COVERED["DescribeBundleTasks"],
    "store-image-task": NOT_COVERED["DescribeStoreImageTasks"],
})

# -- issue 15 images --
NOT_COVERED.update({
    "DescribeFastLaunchImages": "ImageIds names AMIs, not fast-launch configurations, which "
                                "carry no tags: tests/test_image_lifecycle.py",
    "DescribeInstanceImageMetadata": "a view of instances (the images they were launched "
                                     "from): tests/test_image_lifecycle.py",
    "DescribeImageUsageReports": "made for an image of the account (ReportIds and ImageIds "
                                 "select): tests/test_image_lifecycle.py",
    "DescribeImageUsageReportEntries": "rows of usage reports (untagged): "
                                       "tests/test_image_lifecycle.py",
    "DescribeImageReferences": "ImageIds names AMIs, and answers are rows naming what "
                               "uses them: tests/test_image_lifecycle.py",
})
KINDS_NOT_COVERED["image-usage-report"] = NOT_COVERED["DescribeImageUsageReports"]

# -- issue 15 instances --
RECIPES["DescribeInstanceEventWindows"] = Recipe(
    "CreateInstanceEventWindow", lambda s, n: {"Name": f"window-{n}",
                                               "CronExpression": "* 0-4 * * 1"},
    ("InstanceEventWindow", "InstanceEventWindowId"), "instance-event-window")
NOT_COVERED["DescribeElasticGpus"] = ("Elastic Graphics is retired: nothing can make one "
                                      "(tests/test_account_settings.py)")
KINDS_NOT_COVERED["elastic-gpu"] = NOT_COVERED["DescribeElasticGpus"]
NOT_COVERED["DescribeLockedSnapshots"] = ("a view of snapshots (their locks); DescribeSnapshots "
                                          "covers the kind: tests/test_storage.py")
KINDS_NOT_COVERED["recycle-bin-rule"] = "the rbin service's rules, not EC2's: tests/test_storage.py"
KINDS_NOT_COVERED["recycle-bin-entry"] = ("what the Recycle Bin keeps of a deleted resource, listed "
                                          "by List*InRecycleBin: tests/test_storage.py")

# -- issue 15 fleet
def _fleet_template(s: Setting) -> str:
    return _once(s, "fleet_lt", lambda: s.ec2.create_launch_template(
        LaunchTemplateName="contract-fleet", LaunchTemplateData={
            "ImageId": AMI, "InstanceType": "t3.micro"})["LaunchTemplate"]["LaunchTemplateId"])


RECIPES["DescribeFleets"] = Recipe(     # a maintain fleet of no capacity launches nothing
    "CreateFleet", lambda s, n: {"LaunchTemplateConfigs": [{"LaunchTemplateSpecification": {
        "LaunchTemplateId": _fleet_template(s), "Version": "1"}}],
        "TargetCapacitySpecification": {"TotalTargetCapacity": 0}},
    ("FleetId",), "fleet", unknown="fleet-12345678-1234-4234-8234-123456789012")
NOT_COVERED["DescribeScheduledInstances"] = (
    "bought from the schedule catalogue (PurchaseScheduledInstances takes no tags): "
    "tests/test_scheduled_instances.py")
KINDS_NOT_COVERED["scheduled-instance"] = NOT_COVERED["DescribeScheduledInstances"]
NOT_COVERED["DescribeInstanceSqlHaStates"] = ("a view of instances (their SQL Server HA "
                                              "registration): tests/test_instance_sql_ha.py")
NOT_COVERED["DescribeInstanceSqlHaHistoryStates"] = NOT_COVERED["DescribeInstanceSqlHaStates"]

# -- issue 15 cr (capacity reservations)
RECIPES["DescribeCapacityReservations"] = Recipe(
    "CreateCapacityReservation", lambda s, n: {
        "InstanceType": "t3.micro", "InstancePlatform": "Linux/UNIX",
        "AvailabilityZone": "us-east-1a", "InstanceCount": n + 1},
    ("CapacityReservation", "CapacityReservationId"), "capacity-reservation")
RECIPES["DescribeCapacityReservationFleets"] = Recipe(
    "CreateCapacityReservationFleet", lambda s, n: {
        "TotalTargetCapacity": n + 1, "InstanceTypeSpecifications": [{
            "InstanceType": "t3.micro", "InstancePlatform": "Linux/UNIX",
            "AvailabilityZone": "us-east-1a"}]},
    ("CapacityReservationFleetId",), "capacity-reservation-fleet")
NOT_COVERED.update({
    "DescribeCapacityReservationTopology": "a view of capacity reservations (untagged rows): "
                                           "tests/test_capacity_reservations.py",
    "DescribeCapacityReservationBillingRequests": "a view of capacity reservations (their "
                                                  "billing requests, untagged): "
                                                  "tests/test_capacity_reservations.py",
    "DescribeCapacityReservationCancellationQuotes": "quotes kept on a future-dated "
                                                     "reservation: "
                                                     "tests/test_capacity_reservations.py",
    "DescribeCapacityReservationDateChangeQuotes": "quotes kept on a future-dated reservation: "
                                                   "tests/test_capacity_reservations.py",
})


COVERED = sorted(RECIPES)


# -- the lists are complete ---------------------------------------------------------------------
def test_every_describe_with_ids_is_covered_or_excused():
    found = set(_describes_with_ids())
    assert found - set(RECIPES) - set(NOT_COVERED) == set()
    assert set(RECIPES) | set(NOT_COVERED) <= found   # nothing listed that is not answered


def test_every_kind_is_covered_or_excused(ec2):
    """Each recipe makes an id of a kind (its prefix says which); with the kinds that have no
    describe of their own, that is every kind the schema knows."""
    made = {Contract(ec2, name).made_kind().name for name in RECIPES}
    assert set(KINDS) - made - set(KINDS_NOT_COVERED) == set()


# -- per kind ------------------------------------------------------------------------------------
def check_ids(contract: Contract) -> None:
    """An unknown well-formed id: the kind's NotFound (or no item); a malformed id: its
    Malformed (or no item); the message names the id."""
    not_found, malformed, unknown = contract.codes()
    for rid, code, empty in ((unknown, not_found, UNKNOWN_IDS_EMPTY),
                             (MALFORMED_IDS.get(contract.op.name, "nonsense"), malformed,
                              MALFORMED_IDS_EMPTY)):
        if contract.op.name in empty:
            assert contract.ids(**{contract.op.ids: [rid]}) == [], rid
            continue
        answer = _expect(contract.describe, **{contract.op.ids: [rid]})
        assert (answer[0], answer[2]) == (code, 400), rid
        assert rid in answer[1]


def check_dry_runs(contract: Contract) -> None:
    """DryRun: the describe and the create answer DryRunOperation (HTTP 412); nothing made."""
    # not every describe takes DryRun (DescribePublicIpv4Pools does not)
    if "DryRun" in _model().operation_model(contract.op.name).input_shape.members:
        assert _expect(contract.describe, DryRun=True) == DRY_RUN
    before = contract.ids()
    assert _expect(contract.create, n=1, DryRun=True) == DRY_RUN
    assert contract.ids() == before


@pytest.mark.parametrize("name", COVERED)
def test_unknown_and_malformed_ids(ec2, name):
    check_ids(Contract(ec2, name))


@pytest.mark.parametrize("name", COVERED)
def test_dry_run_describes_and_creates_nothing(ec2, name):
    contract = Contract(ec2, name)
    contract.create()                      # the setting (VPC, subnet, ...) exists beforehand
    check_dry_runs(contract)


@pytest.mark.parametrize("name", [n for n in COVERED if _operation(n).pages])
def test_paging_walks_every_item_once(ec2, name):
    contract = Contract(ec2, name)
    page = contract.op.page_min
    made = [contract.create(n) for n in range(page + 1)]
    walked, pages, token = [], 0, None
    while True:
        answer = contract.describe(MaxResults=page, **({"NextToken": token} if token else {}))
        items = [i[_id_member(contract.op)] for i in _items(contract.op, answer)]
        assert len(items) <= page
        walked += items
        pages += 1
        token = answer.get("NextToken")
        if not token:
            break
    assert pages >= 2
    assert len(walked) == len(set(walked))
    assert sorted(walked) == sorted(contract.ids())
    assert set(made) <= set(walked)


@pytest.mark.parametrize("name", COVERED)
def test_tags_show_and_filter(ec2, name):
    contract = Contract(ec2, name)
    tagged = contract.create(0, tags={KEY: "yes", "Name": name})
    contract.create(1, tags={KEY: "no"})
    contract.create(2)
    item = _items(contract.op, contract.describe(**{contract.op.ids: [tagged]}))[0]
    tags = item[contract.op.tags]
    assert {"Key": KEY, "Value": "yes"} in tags
    assert {"Key": "Name", "Value": name} in tags
    if not contract.op.filters:            # DescribeSpotFleetRequests takes none
        return
    found = contract.ids(**{contract.op.filters: [{"Name": f"tag:{KEY}", "Values": ["yes"]}]})
    assert found == [tagged]
    assert len(contract.ids(**{contract.op.filters: [{"Name": "tag-key", "Values": [KEY]}]})) == 2


# -- against a real server ------------------------------------------------------------------------
@pytest.mark.server
@pytest.mark.parametrize("name", SERVER_SAMPLE)
def test_server_ids_and_dry_run(server_ec2, name):
    contract = Contract(server_ec2, name)
    check_ids(contract)
    check_dry_runs(contract)
