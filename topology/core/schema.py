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
    uuid_ids: bool = False   # ids are the prefix and a UUID (`fleet-0f1e...`), not hex digits


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
             "InvalidSpotFleetRequestId.Malformed", uuid_ids=True),
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
        _kind("ipam", "ipam", "ipam", "InvalidIpamId"),
        _kind("ipam-scope", "ipam-scope", "ipam-scope", "InvalidIpamScopeId"),
        _kind("ipam-pool", "ipam-pool", "ipam-pool", "InvalidIpamPoolId"),
        _kind("ipam-pool-cidr", "ipam-pool-cidr", "ipam-pool-cidr", "InvalidIpamPoolCidrId"),
        # an allocation a VPC or subnet block holds goes with that block (ASSOCIATED edge)
        Kind("ipam-pool-allocation", "ipam-pool-alloc", "IPAM pool allocation",
             "InvalidIpamPoolAllocationId.NotFound", "InvalidIpamPoolAllocationId.Malformed",
             "The IPAM pool allocation ({id}) does not exist.", lives_on="associated"),
        _kind("ipam-resource-discovery", "ipam-res-disco", "ipam-resource-discovery",
              "InvalidIpamResourceDiscoveryId"),
        _kind("ipam-resource-discovery-association", "ipam-res-disco-assoc",
              "ipam-resource-discovery-association", "InvalidIpamResourceDiscoveryAssociationId"),
        # -- issue 14 B ipam-extras --
        Kind("ipv4pool-ec2", "ipv4pool-ec2", "pool", "InvalidPublicIpv4PoolID.NotFound",
             "InvalidPublicIpv4PoolID.Malformed", "The pool ID '{id}' does not exist"),
        Kind("ipv6pool-ec2", "ipv6pool-ec2", "pool", "InvalidPoolID.NotFound",
             "InvalidPoolID.Malformed", "The pool ID '{id}' does not exist"),
        # BYOIP CIDRs and BYOASNs have no AWS id: these internal ids are never shown
        Kind("byoip-cidr", "byoip", "CIDR", "InvalidByoipCidr.NotFound",
             "InvalidByoipCidr.NotFound", "The CIDR '{id}' does not exist"),
        Kind("ipam-byoasn", "byoasn", "ASN", "InvalidAsn.NotFound", "InvalidAsn.NotFound",
             "The ASN '{id}' does not exist"),
        # an IPAM's tokens, registry associations, policies and resolvers go with it
        # (an ASSOCIATED edge to the IPAM); a resolver's targets go with the resolver
        *(Kind(name, prefix, name, f"{code}.NotFound", f"{code}.Malformed",
               lives_on="associated") for name, prefix, code in (
            ("ipam-external-resource-verification-token", "ipam-ext-res-ver-token",
             "InvalidIpamExternalResourceVerificationTokenId"),
            ("ipam-internet-registry-association", "ipam-ira",
             "InvalidIpamInternetRegistryAssociationId"),
            ("ipam-policy", "ipam-policy", "InvalidIpamPolicyId"),
            ("ipam-prefix-list-resolver", "ipam-prefix-list-resolver",
             "InvalidIpamPrefixListResolverId"),
            ("ipam-prefix-list-resolver-target", "ipam-prefix-list-resolver-target",
             "InvalidIpamPrefixListResolverTargetId"))),
        # -- issue 14 C transit-gateway --
        Kind("transit-gateway-connect-peer", "tgw-connect-peer", "Transit Gateway Connect Peer",
             "InvalidTransitGatewayConnectPeerID.NotFound",
             "InvalidTransitGatewayConnectPeerID.Malformed",
             "Transit Gateway Connect Peer {id} was deleted or does not exist."),
        Kind("transit-gateway-multicast-domain", "tgw-mcast-domain",
             "Transit Gateway Multicast Domain", "InvalidTransitGatewayMulticastDomainId.NotFound",
             "InvalidTransitGatewayMulticastDomainId.Malformed",
             "Transit Gateway Multicast Domain {id} was deleted or does not exist."),
        Kind("transit-gateway-policy-table", "tgw-ptb", "Transit Gateway Policy Table",
             "InvalidTransitGatewayPolicyTableId.NotFound",
             "InvalidTransitGatewayPolicyTableId.Malformed",
             "Transit Gateway Policy Table {id} was deleted or does not exist."),
        Kind("transit-gateway-route-table-announcement", "tgw-rtb-ann",
             "Transit Gateway Route Table Announcement",
             "InvalidTransitGatewayRouteTableAnnouncementId.NotFound",
             "InvalidTransitGatewayRouteTableAnnouncementId.Malformed",
             "Transit Gateway Route Table Announcement {id} was deleted or does not exist.",
             lives_on="associated"),   # goes with its route table
        Kind("transit-gateway-metering-policy", "tgw-mp", "Transit Gateway Metering Policy",
             "InvalidTransitGatewayMeteringPolicyId.NotFound",
             "InvalidTransitGatewayMeteringPolicyId.Malformed",
             "Transit Gateway Metering Policy {id} was deleted or does not exist."),
        # -- issue 14 D client-vpn --
        Kind("client-vpn-endpoint", "cvpn-endpoint", "Client VPN endpoint",
             "InvalidClientVpnEndpointId.NotFound", "InvalidClientVpnEndpointId.Malformed",
             "Endpoint {id} does not exist"),
        Kind("instance-connect-endpoint", "eice", "EC2 Instance Connect Endpoint",
             "InvalidInstanceConnectEndpointId.NotFound",
             "InvalidInstanceConnectEndpointId.Malformed",
             "The EC2 Instance Connect Endpoint '{id}' does not exist"),
        Kind("vpc-endpoint-connection-notification", "vpce-nfn", "connection notification",
             "InvalidConnectionNotification", "InvalidConnectionNotification",
             "The connection notification '{id}' does not exist", lives_on="associated"),
        # -- issue 14 E verified-access --
        _kind("verified-access-instance", "vai", "Verified Access instance",
              "InvalidVerifiedAccessInstanceId"),
        _kind("verified-access-trust-provider", "vatp", "Verified Access trust provider",
              "InvalidVerifiedAccessTrustProviderId"),
        _kind("verified-access-group", "vagr", "Verified Access group",
              "InvalidVerifiedAccessGroupId"),
        _kind("verified-access-endpoint", "vae", "Verified Access endpoint",
              "InvalidVerifiedAccessEndpointId"),
        _kind("secondary-network", "sn", "secondary network", "InvalidSecondaryNetworkId"),
        _kind("secondary-subnet", "ss", "secondary subnet", "InvalidSecondarySubnetId"),
        _kind("secondary-network-acl", "snacl", "secondary network ACL",
              "InvalidSecondaryNetworkAclId"),
        _kind("secondary-network-acl-association", "snaclassoc",
              "secondary network ACL association", "InvalidSecondaryNetworkAclAssociationId"),
        _kind("secondary-interface", "si", "secondary interface", "InvalidSecondaryInterfaceId"),
        _kind("fca-policy", "fcap", "flex cost allocation policy", "InvalidFcaPolicyId"),
        _kind("fca-policy-association", "fcapassoc", "flex cost allocation policy association",
              "InvalidFcaPolicyAssociationId"),
        # -- issue 14 F mirror-route-server --
        Kind("traffic-mirror-filter", "tmf", "Traffic Mirror filter",
             "InvalidTrafficMirrorFilterId.NotFound", "InvalidTrafficMirrorFilterId.Malformed",
             "The Traffic Mirror filter '{id}' does not exist."),
        Kind("traffic-mirror-filter-rule", "tmfr", "Traffic Mirror filter rule",
             "InvalidTrafficMirrorFilterRuleId.NotFound",
             "InvalidTrafficMirrorFilterRuleId.Malformed",
             "The Traffic Mirror filter rule '{id}' does not exist."),
        Kind("traffic-mirror-session", "tms", "Traffic Mirror session",
             "InvalidTrafficMirrorSessionId.NotFound", "InvalidTrafficMirrorSessionId.Malformed",
             "The Traffic Mirror session '{id}' does not exist.",
             lives_on="associated"),      # goes with its source interface
        Kind("traffic-mirror-target", "tmt", "Traffic Mirror target",
             "InvalidTrafficMirrorTargetId.NotFound", "InvalidTrafficMirrorTargetId.Malformed",
             "The Traffic Mirror target '{id}' does not exist.",
             lives_on="associated"),      # goes with its interface or endpoint
        Kind("route-server", "rs", "route server", "InvalidRouteServerId.NotFound",
             "InvalidRouteServerId.Malformed", "The route server ID '{id}' does not exist"),
        Kind("route-server-endpoint", "rse", "route server endpoint",
             "InvalidRouteServerEndpointId.NotFound", "InvalidRouteServerEndpointId.Malformed",
             "The route server endpoint ID '{id}' does not exist"),
        Kind("route-server-peer", "rsp", "route server peer", "InvalidRouteServerPeerId.NotFound",
             "InvalidRouteServerPeerId.Malformed",
             "The route server peer ID '{id}' does not exist"),
        # -- issue 14 G1 vpc-controls --
        Kind("vpc-block-public-access-exclusion", "vpcbpa-exclude", "exclusion",
             "InvalidVpcBlockPublicAccessExclusionId.NotFound",
             "InvalidVpcBlockPublicAccessExclusionId.Malformed",
             "The exclusion ID '{id}' does not exist"),
        Kind("subnet-cidr-reservation", "scr", "subnetCidrReservation",
             "InvalidSubnetCidrReservationID.NotFound", "InvalidSubnetCidrReservationID.Malformed",
             lives_on="associated"),     # goes with its subnet
        Kind("vpc-encryption-control", "vpcec", "VPC encryption control",
             "InvalidVpcEncryptionControlId.NotFound", "InvalidVpcEncryptionControlId.Malformed",
             "The VPC encryption control ID '{id}' does not exist",
             lives_on="associated"),     # goes with its VPC
        Kind("vpn-concentrator", "vcn", "VPN concentrator", "InvalidVpnConcentratorId.NotFound",
             "InvalidVpnConcentratorId.Malformed", "The VPN concentrator ID '{id}' does not exist"),
        Kind("network-interface-permission", "eni-perm", "network interface permission",
             "InvalidPermissionID.NotFound", "InvalidPermissionID.Malformed",
             "The network interface permission ID '{id}' does not exist",
             lives_on="associated"),    # goes with its interface
        Kind("trunk-interface-association", "trunk-assoc", "association",
             "InvalidAssociationID.NotFound", "InvalidAssociationID.Malformed",
             "The association ID '{id}' does not exist", lives_on="associated"),
        # -- issue 14 G2 local-gateway-edge --
        # (the EC2 API names no outpost by id; ec2sim keeps one node per installed Outpost)
        Kind("outpost", "op", "Outpost", "InvalidOutpostArn.NotFound",
             "InvalidOutpostArn.Malformed", "The Outpost '{id}' does not exist"),
        _kind("outpost-lag", "op-lag", "outpostLag", "InvalidOutpostLagId"),
        _kind("service-link-virtual-interface", "sl-vif", "serviceLinkVirtualInterface",
              "InvalidServiceLinkVirtualInterfaceId"),
        _kind("local-gateway-route-table", "lgw-rtb", "localGatewayRouteTable",
              "InvalidLocalGatewayRouteTableID"),
        _kind("local-gateway-virtual-interface-group", "lgw-vif-grp",
              "localGatewayVirtualInterfaceGroup", "InvalidLocalGatewayVirtualInterfaceGroupID"),
        _kind("local-gateway-virtual-interface", "lgw-vif", "localGatewayVirtualInterface",
              "InvalidLocalGatewayVirtualInterfaceID"),
        _kind("local-gateway-route-table-vpc-association", "lgw-vpc-assoc",
              "localGatewayRouteTableVpcAssociation",
              "InvalidLocalGatewayRouteTableVpcAssociationID"),
        _kind("local-gateway-route-table-virtual-interface-group-association",
              "lgw-vif-grp-assoc", "localGatewayRouteTableVirtualInterfaceGroupAssociation",
              "InvalidLocalGatewayRouteTableVirtualInterfaceGroupAssociationID"),
        _kind("coip-pool", "ipv4pool-coip", "coipPool", "InvalidCoipPoolId"),
        _kind("virtual-edge-network-gateway", "vegw", "virtualEdgeNetworkGateway",
              "InvalidVirtualEdgeNetworkGatewayId"),
        _kind("virtual-edge-network-gateway-route-table", "vegw-rtb",
              "virtualEdgeNetworkGatewayRouteTable", "InvalidVirtualEdgeNetworkGatewayRouteTableId"),
        _kind("virtual-edge-network-gateway-route-table-association", "vegw-rtb-assoc",
              "virtualEdgeNetworkGatewayRouteTableAssociation",
              "InvalidVirtualEdgeNetworkGatewayRouteTableAssociationId"),
        _kind("virtual-edge-network-route-server-peer", "vegw-rsp",
              "virtualEdgeNetworkRouteServerPeer", "InvalidVirtualEdgeNetworkRouteServerPeerId"),
        # -- issue 15 cr --
        Kind("capacity-reservation", "cr", "capacity reservation",
             "InvalidCapacityReservationId.NotFound", "InvalidCapacityReservationId.Malformed",
             "The capacity reservation ID '{id}' does not exist"),
        Kind("capacity-reservation-fleet", "crf", "capacity reservation fleet",
             "InvalidCapacityReservationFleetId.NotFound",
             "InvalidCapacityReservationFleetId.Malformed",
             "The capacity reservation fleet ID '{id}' does not exist"),
        # -- issue 15 capacity --
        _kind("metric-category", "mc", "metric category", "InvalidMetricCategoryId"),
        Kind("application-status-check", "asc", "application status check",
             "InvalidApplicationStatusCheckId.NotFound",
             "InvalidApplicationStatusCheckId.Malformed",
             "The application status check ID '{id}' does not exist"),
        Kind("capacity-manager-data-export", "cmde", "capacity manager data export",
             "InvalidCapacityManagerDataExportId.NotFound",
             "InvalidCapacityManagerDataExportId.Malformed",
             "The capacity manager data export ID '{id}' does not exist"),
        Kind("capacity-block", "cb", "capacity block", "InvalidCapacityBlockId.NotFound",
             "InvalidCapacityBlockId.Malformed", "The capacity block ID '{id}' does not exist"),
        # -- issue 15 fleet --
        Kind("fleet", "fleet", "fleet", "InvalidFleetId.NotFound", "InvalidFleetId.Malformed",
             "The fleet ID '{id}' does not exist", uuid_ids=True),
        Kind("scheduled-instance", "sci", "Scheduled Instance",
             "InvalidScheduledInstance.NotFound", "InvalidScheduledInstanceId.Malformed",
             "The Scheduled Instance ID '{id}' does not exist"),
        # -- issue 15 hosts --
        Kind("dedicated-host", "h", "host", "InvalidHostID.NotFound", "InvalidHostID.Malformed",
             "The host ID '{id}' does not exist"),
        Kind("host-reservation", "hr", "host reservation", "InvalidHostReservationId.NotFound",
             "InvalidHostReservationId.Malformed",
             "The host reservation ID '{id}' does not exist"),
        # Reserved Instances and their listings are named by UUIDs (not prefixed ids)
        Kind("reserved-instances", "ri", "Reserved Instances", "InvalidReservedInstancesId",
             "InvalidReservedInstancesId", "Reserved Instances ID '{id}' not found"),
        Kind("reserved-instances-listing", "ril", "Reserved Instances listing",
             "InvalidReservedInstancesListingId", "InvalidReservedInstancesListingId",
             "Reserved Instances listing ID '{id}' not found"),
        Kind("reserved-instances-modification", "rimod", "Reserved Instances modification",
             "InvalidReservedInstancesModificationId", "InvalidReservedInstancesModificationId",
             "Reserved Instances modification ID '{id}' not found"),
        Kind("reserved-instances-exchange", "riex", "Reserved Instances exchange",
             "InvalidReservedInstancesExchangeId", "InvalidReservedInstancesExchangeId"),
        Kind("mac-modification-task", "macmodification", "Mac modification task",
             "InvalidMacModificationTaskId.NotFound", "InvalidMacModificationTaskId.Malformed",
             "The Mac modification task ID '{id}' does not exist"),
        # -- issue 15 images --
        Kind("image-usage-report", "amiur", "image usage report",
             "InvalidImageUsageReportId.NotFound", "InvalidImageUsageReportId.Malformed",
             "The image usage report ID '{id}' does not exist"),
        # -- issue 15 tasks --
        Kind("import-image-task", "import-ami", "import task", "InvalidConversionTaskId.Malformed",
             "InvalidConversionTaskId.Malformed", "The import task ID '{id}' does not exist"),
        Kind("import-snapshot-task", "import-snap", "import task",
             "InvalidConversionTaskId.Malformed", "InvalidConversionTaskId.Malformed",
             "The import task ID '{id}' does not exist"),
        Kind("import-instance-task", "import-i", "conversion task", "InvalidConversionTaskId",
             "InvalidConversionTaskId.Malformed", "The conversion task ID '{id}' does not exist"),
        Kind("import-volume-task", "import-vol", "conversion task", "InvalidConversionTaskId",
             "InvalidConversionTaskId.Malformed", "The conversion task ID '{id}' does not exist"),
        Kind("export-image-task", "export-ami", "export image task",
             "InvalidExportImageTaskId.NotFound", "InvalidExportImageTaskId.Malformed",
             "The export image task ID '{id}' does not exist"),
        Kind("export-instance-task", "export-i", "export task", "InvalidExportTaskID.NotFound",
             "InvalidExportTaskID.Malformed", "The export task ID '{id}' does not exist"),
        Kind("store-image-task", "store-ami", "store image task", "InvalidStoreImageTask.NotFound",
             "InvalidStoreImageTask.Malformed"),
        Kind("bundle-task", "bun", "bundle", "InvalidBundleID.NotFound", "InvalidBundleID.Malformed",
             "The bundle ID '{id}' does not exist"),
        Kind("fpga-image", "afi", "fpga image", "InvalidFpgaImageID.NotFound",
             "InvalidFpgaImageID.Malformed", "Image ID '{id}' not found"),   # aws-fpga docs
        # -- issue 15 storage --
        Kind("replace-root-volume-task", "replacevol", "replace root volume task",
             "InvalidReplaceRootVolumeTaskId.NotFound",
             "InvalidReplaceRootVolumeTaskId.Malformed",
             "The replace root volume task ID '{id}' does not exist."),
        Kind("declarative-policies-report", "ec2-report", "report",
             "InvalidDeclarativePoliciesReportId.NotFound",
             "InvalidDeclarativePoliciesReportId.Malformed",
             "The report ID '{id}' does not exist."),
        # a Recycle Bin retention rule (the rbin service; ids are 11 letters and digits)
        Kind("recycle-bin-rule", "rbin", "rule", "ResourceNotFoundException",
             "ValidationException", "Rule {id} not found."),
        # a deleted snapshot, image or volume waiting in the Recycle Bin, under its own id
        Kind("recycle-bin-entry", "rbin-entry", "resource", "ResourceNotFoundException",
             "ValidationException"),
        # -- issue 15 instances --
        _kind("instance-event-window", "iew", "instance event window",
              "InvalidInstanceEventWindowId"),
        _kind("elastic-gpu", "egpu", "elastic gpu", "InvalidElasticGpuID"),
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
