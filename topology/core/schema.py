"""Node kinds, their id prefixes and error vocabulary, and the edge types between them.

Tables, not branches: adding a resource kind is adding a row to `KINDS`.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    """What the graph knows about one resource kind."""

    name: str            # node `kind` attribute, e.g. "vpc"
    prefix: str          # id prefix, e.g. "vpc"
    label: str           # how AWS names it in messages: "The vpc ID 'vpc-1' does not exist"
    not_found: str       # error code for an unknown id
    malformed: str       # error code for an id of the wrong shape
    message: str = "The {label} ID '{id}' does not exist"   # AWS's not-found wording
    # an edge type: a node of this kind goes when the node it has such an edge to is removed
    # (a flow log with the resource it watches)
    lives_on: str | None = None


def _kind(name: str, prefix: str, label: str, code: str) -> Kind:
    return Kind(name, prefix, label, f"{code}.NotFound", f"{code}.Malformed")


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        _kind("vpc", "vpc", "vpc", "InvalidVpcID"),
        _kind("subnet", "subnet", "subnet", "InvalidSubnetID"),
        _kind("route-table", "rtb", "routeTable", "InvalidRouteTableID"),
        _kind("internet-gateway", "igw", "internetGateway", "InvalidInternetGatewayID"),
        Kind("security-group", "sg", "security group", "InvalidGroup.NotFound",
             "InvalidGroupId.Malformed"),
        _kind("security-group-rule", "sgr", "security group rule", "InvalidSecurityGroupRuleId"),
        _kind("network-acl", "acl", "networkAcl", "InvalidNetworkAclID"),
        Kind("dhcp-options", "dopt", "dhcpOption", "InvalidDhcpOptionID.NotFound",
             "InvalidDhcpOptionsId.Malformed"),   # AWS's error-code list spells them so
        _kind("vpc-cidr-assoc", "vpc-cidr-assoc", "vpc cidr association", "InvalidVpcCidrBlockAssociationID"),
        _kind("subnet-cidr-assoc", "subnet-cidr-assoc", "subnet cidr association",
              "InvalidSubnetCidrBlockAssociationID"),
        _kind("route-table-assoc", "rtbassoc", "association", "InvalidAssociationID"),
        _kind("network-acl-assoc", "aclassoc", "association", "InvalidAssociationID"),
        _kind("network-interface", "eni", "networkInterface", "InvalidNetworkInterfaceID"),
        _kind("instance", "i", "instance", "InvalidInstanceID"),
        _kind("nat-gateway", "nat", "natGateway", "InvalidNatGatewayID"),
        Kind("vpc-peering-connection", "pcx", "vpcPeeringConnection",
             "InvalidVpcPeeringConnectionID.NotFound", "InvalidVpcPeeringConnectionId.Malformed"),
        Kind("transit-gateway", "tgw", "transitGateway", "InvalidTransitGatewayID.NotFound",
             "InvalidTransitGatewayID.Malformed", "The transitGateway ID '{id}' does not exist."),
        _kind("vpn-gateway", "vgw", "vpnGateway", "InvalidVpnGatewayID"),
        _kind("egress-only-internet-gateway", "eigw", "egressOnlyInternetGateway",
              "InvalidEgressOnlyInternetGatewayId"),
        _kind("carrier-gateway", "cagw", "carrierGateway", "InvalidCarrierGatewayID"),
        _kind("local-gateway", "lgw", "localGateway", "InvalidLocalGatewayID"),
        Kind("vpc-endpoint", "vpce", "Vpc Endpoint", "InvalidVpcEndpointId.NotFound",
             "InvalidVpcEndpointId.Malformed", "The Vpc Endpoint Id '{id}' does not exist"),
        Kind("prefix-list", "pl", "prefix list", "InvalidPrefixListID.NotFound",
             "InvalidPrefixListId.Malformed"),
        _kind("core-network", "core-network", "coreNetwork", "InvalidCoreNetworkArn"),
        Kind("elastic-ip", "eipalloc", "allocation", "InvalidAllocationID.NotFound",
             "InvalidAllocationID.Malformed"),
        Kind("volume", "vol", "volume", "InvalidVolume.NotFound", "InvalidVolumeID.Malformed",
             "The volume '{id}' does not exist."),
        Kind("snapshot", "snap", "snapshot", "InvalidSnapshot.NotFound",
             "InvalidSnapshotID.Malformed", "The snapshot '{id}' does not exist."),
        Kind("image", "ami", "image", "InvalidAMIID.NotFound", "InvalidAMIID.Malformed",
             "The image id '[{id}]' does not exist"),
        Kind("key-pair", "key", "key pair", "InvalidKeyPair.NotFound", "InvalidKeyPair.Malformed",
             "The key pair '{id}' does not exist"),
        Kind("launch-template", "lt", "launch template", "InvalidLaunchTemplateId.NotFound",
             "InvalidLaunchTemplateId.Malformed",
             "The specified launch template, with template ID {id}, does not exist."),
        _kind("spot-instance-request", "sir", "spot instance request",
              "InvalidSpotInstanceRequestID"),
        Kind("spot-fleet-request", "sfr", "Spot Fleet request", "InvalidSpotFleetRequestId.NotFound",
             "InvalidSpotFleetRequestId.Malformed"),
        Kind("placement-group", "pg", "Placement Group", "InvalidPlacementGroup.Unknown",
             "InvalidPlacementGroupId.Malformed", "The Placement Group '{id}' is unknown."),
        Kind("transit-gateway-attachment", "tgw-attach", "Transit Gateway Attachment",
             "InvalidTransitGatewayAttachmentID.NotFound",
             "InvalidTransitGatewayAttachmentID.Malformed",
             "Transit Gateway Attachment {id} was deleted or does not exist."),
        Kind("transit-gateway-route-table", "tgw-rtb", "Transit Gateway Route Table",
             "InvalidRouteTableID.NotFound", "InvalidRouteTableID.Malformed",
             "Transit Gateway Route Table {id} was deleted or does not exist."),
        Kind("customer-gateway", "cgw", "customerGateway", "InvalidCustomerGatewayID.NotFound",
             "InvalidCustomerGatewayId.Malformed"),
        _kind("vpn-connection", "vpn", "vpnConnection", "InvalidVpnConnectionID"),
        Kind("flow-log", "fl", "flow log", "InvalidFlowLogId.NotFound",
             "InvalidFlowLogId.Malformed", "Flow log {id} does not exist",
             lives_on="associated"),
        Kind("vpc-endpoint-service", "vpce-svc", "VPC endpoint service",
             "InvalidVpcEndpointServiceId.NotFound", "InvalidVpcEndpointServiceId.Malformed",
             "The Vpc Endpoint Service Id '{id}' does not exist"),
        Kind("iam-instance-profile-association", "iip-assoc", "association",
             "InvalidAssociationID.NotFound", "InvalidAssociationID.Malformed",
             "An association with ID {id} could not be found."),
        _kind("network-insights-path", "nip", "networkInsightsPath", "InvalidNetworkInsightsPathId"),
        _kind("network-insights-analysis", "nia", "networkInsightsAnalysis",
              "InvalidNetworkInsightsAnalysisId"),
        _kind("network-insights-access-scope", "nis", "networkInsightsAccessScope",
              "InvalidNetworkInsightsAccessScopeId"),
        _kind("network-insights-access-scope-analysis", "nisa",
              "networkInsightsAccessScopeAnalysis", "InvalidNetworkInsightsAccessScopeAnalysisId"),
        # -- issue 14 A ipam --
        # -- issue 14 B ipam-extras --
        # -- issue 14 C transit-gateway --
        # -- issue 14 D client-vpn --
        # -- issue 14 E verified-access --
        # -- issue 14 F mirror-route-server --
        # -- issue 14 G1 vpc-controls --
        # -- issue 14 G2 local-gateway-edge --
    )
}

KIND_BY_PREFIX: dict[str, Kind] = {k.prefix: k for k in KINDS.values()}

# Edge types (MultiDiGraph keys are `(type, discriminator)` tuples so one pair of nodes can
# hold several relationships, e.g. two routes from one table to one gateway).
CONTAINS = "contains"          # vpc -> subnet/route-table/sg/acl/cidr-assoc; subnet -> eni; sg -> rule
ATTACHED = "attached"          # gateway -> vpc (data: State); eni/volume -> instance
ASSOCIATED = "associated"      # route-table/network-acl/dhcp-options -> subnet/gateway/vpc;
                               # eni -> security-group; elastic-ip -> eni; instance -> placement-group
ROUTE = "route"                # route-table -> target, discriminated by destination
REFERENCES = "references"      # security-group-rule -> the security group or prefix list it names
PROPAGATES = "propagates"      # route table -> what it learns routes from (vgw; tgw attachment)
