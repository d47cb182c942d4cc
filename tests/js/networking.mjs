// Issue 14's networking families through the AWS SDK for JavaScript v3 against `ec2sim serve`
// (tests/test_clients_issue14.py): IPAM, transit gateway Connect, Client VPN, traffic mirroring.
// Usage: node networking.mjs ENDPOINT IMAGE_ID CERT_ARN; prints one JSON object of what the SDK parsed.
import {
  CreateIpamCommand, CreateIpamPoolCommand, ProvisionIpamPoolCidrCommand,
  CreateVpcCommand, CreateSubnetCommand, CreateTransitGatewayCommand,
  CreateTransitGatewayVpcAttachmentCommand, CreateTransitGatewayConnectCommand,
  CreateTransitGatewayConnectPeerCommand, CreateClientVpnEndpointCommand,
  AssociateClientVpnTargetNetworkCommand, AuthorizeClientVpnIngressCommand,
  CreateTrafficMirrorFilterCommand, CreateTrafficMirrorFilterRuleCommand,
  CreateTrafficMirrorTargetCommand, CreateTrafficMirrorSessionCommand, RunInstancesCommand,
  DescribeIpamPoolsCommand, GetIpamPoolCidrsCommand, DescribeClientVpnEndpointsCommand,
  paginateDescribeIpamPools, paginateDescribeClientVpnEndpoints,
  paginateDescribeClientVpnAuthorizationRules, paginateDescribeTrafficMirrorSessions,
  paginateDescribeTrafficMirrorFilters, paginateDescribeTransitGatewayConnects,
  paginateDescribeTransitGatewayConnectPeers, paginateDescribeClientVpnTargetNetworks,
} from "@aws-sdk/client-ec2";
import { client, failureOf, tags } from "./client.mjs";

const [endpoint, imageId, cert] = process.argv.slice(2);
const ec2 = client(endpoint);
const send = (command) => ec2.send(command);
const failure = (command) => failureOf(ec2, command);

// Every page a paginator yields, as lists of KEY's items.
async function pages(paginate, input, key, pageSize = 5) {
  const all = [];
  for await (const page of paginate({ client: ec2, pageSize }, input)) all.push(page[key] ?? []);
  return all;
}

const out = {};

// IPAM: an IPAM, two pools in its private scope, a provisioned CIDR, a VPC drawn from it.
const ipam = (await send(new CreateIpamCommand({
  OperatingRegions: [{ RegionName: "us-east-1" }], TagSpecifications: tags("ipam", "js"),
}))).Ipam;
const scope = ipam.PrivateDefaultScopeId;
const pool = (await send(new CreateIpamPoolCommand({
  IpamScopeId: scope, AddressFamily: "ipv4", Locale: "us-east-1",
  TagSpecifications: tags("ipam-pool", "js-pool"),
}))).IpamPool;
const others = [];
for (let n = 0; n < 5; n++) {
  others.push((await send(new CreateIpamPoolCommand({
    IpamScopeId: scope, AddressFamily: "ipv4", Locale: "us-east-1",
  }))).IpamPool);
}
const other = others[0];
const provisioned = (await send(new ProvisionIpamPoolCidrCommand({
  IpamPoolId: pool.IpamPoolId, Cidr: "10.40.0.0/16",
}))).IpamPoolCidr;
const vpc = (await send(new CreateVpcCommand({
  Ipv4IpamPoolId: pool.IpamPoolId, Ipv4NetmaskLength: 20,
}))).Vpc;
out.ipam = {
  id: ipam.IpamId, scope, pool: pool.IpamPoolId, others: others.map((x) => x.IpamPoolId),
  poolState: pool.State, poolTags: pool.Tags, provisioned: { cidr: provisioned.Cidr,
                                                             state: provisioned.State },
  vpc: { id: vpc.VpcId, cidr: vpc.CidrBlock },
  pages: (await pages(paginateDescribeIpamPools, {
    Filters: [{ Name: "ipam-scope-id", Values: [scope] }] }, "IpamPools")).map(
    (p) => p.map((x) => x.IpamPoolId)),
  named: (await send(new DescribeIpamPoolsCommand({
    Filters: [{ Name: "tag:Name", Values: ["js-pool"] }] }))).IpamPools.map((x) => x.IpamPoolId),
  cidrs: (await send(new GetIpamPoolCidrsCommand({ IpamPoolId: pool.IpamPoolId }))).IpamPoolCidrs
    .map((c) => ({ cidr: c.Cidr, state: c.State })),
  overlap: await failure(new ProvisionIpamPoolCidrCommand({
    IpamPoolId: other.IpamPoolId, Cidr: "10.40.0.0/24" })),
};

// Transit gateway Connect over a VPC attachment, and a Connect peer.
const subnet = (await send(new CreateSubnetCommand({
  VpcId: vpc.VpcId, CidrBlock: vpc.CidrBlock.replace(/\/20$/, "/24"),
  AvailabilityZone: "us-east-1a",
}))).Subnet;
const tgw = (await send(new CreateTransitGatewayCommand({
  Options: { TransitGatewayCidrBlocks: ["192.0.2.0/24"] },
}))).TransitGateway;
const transport = (await send(new CreateTransitGatewayVpcAttachmentCommand({
  TransitGatewayId: tgw.TransitGatewayId, VpcId: vpc.VpcId, SubnetIds: [subnet.SubnetId],
}))).TransitGatewayVpcAttachment;
const connect = (await send(new CreateTransitGatewayConnectCommand({
  TransportTransitGatewayAttachmentId: transport.TransitGatewayAttachmentId,
  Options: { Protocol: "gre" }, TagSpecifications: tags("transit-gateway-attachment", "js-gre"),
}))).TransitGatewayConnect;
const peer = (await send(new CreateTransitGatewayConnectPeerCommand({
  TransitGatewayAttachmentId: connect.TransitGatewayAttachmentId,
  PeerAddress: subnet.CidrBlock.replace(/0\/24$/, "10"), InsideCidrBlocks: ["169.254.6.0/29"],
  BgpOptions: { PeerAsn: 65000 },
}))).TransitGatewayConnectPeer;
const peerConfig = peer.ConnectPeerConfiguration;
out.connect = {
  tgw: tgw.TransitGatewayId, transport: transport.TransitGatewayAttachmentId,
  id: connect.TransitGatewayAttachmentId, protocol: connect.Options?.Protocol,
  state: connect.State, tags: connect.Tags,
  peer: { id: peer.TransitGatewayConnectPeerId, state: peer.State,
          protocol: peerConfig?.Protocol, peerAddress: peerConfig?.PeerAddress,
          tgwAddress: peerConfig?.TransitGatewayAddress,
          inside: peerConfig?.InsideCidrBlocks,
          bgp: (peerConfig?.BgpConfigurations ?? []).map((b) => ({
            tgwAsn: b.TransitGatewayAsn, peerAsn: b.PeerAsn, tgwAddress: b.TransitGatewayAddress,
            peerAddress: b.PeerAddress, status: b.BgpStatus })) },
  pages: (await pages(paginateDescribeTransitGatewayConnects, {
    Filters: [{ Name: "transport-transit-gateway-attachment-id",
                Values: [transport.TransitGatewayAttachmentId] }] },
  "TransitGatewayConnects")).map((p) => p.map((x) => x.TransitGatewayAttachmentId)),
  peers: (await pages(paginateDescribeTransitGatewayConnectPeers, {
    Filters: [{ Name: "transit-gateway-attachment-id",
                Values: [connect.TransitGatewayAttachmentId] }] },
  "TransitGatewayConnectPeers")).map((p) => p.map((x) => x.TransitGatewayConnectPeerId)),
};

// Client VPN: two endpoints, a target network and an authorization rule on the first.
const auth = [{ Type: "certificate-authentication",
                MutualAuthentication: { ClientRootCertificateChainArn: cert } }];
const cvpn = await send(new CreateClientVpnEndpointCommand({
  ClientCidrBlock: "172.16.0.0/22", ServerCertificateArn: cert, AuthenticationOptions: auth,
  ConnectionLogOptions: { Enabled: false }, SplitTunnel: true, VpcId: vpc.VpcId,
  TagSpecifications: tags("client-vpn-endpoint", "js-vpn"),
}));
const cvpn2 = await send(new CreateClientVpnEndpointCommand({
  ClientCidrBlock: "172.20.0.0/22", ServerCertificateArn: cert, AuthenticationOptions: auth,
  ConnectionLogOptions: { Enabled: false },
}));
const cvpnId = cvpn.ClientVpnEndpointId;
const target = await send(new AssociateClientVpnTargetNetworkCommand({
  ClientVpnEndpointId: cvpnId, SubnetId: subnet.SubnetId,
}));
const rule = await send(new AuthorizeClientVpnIngressCommand({
  ClientVpnEndpointId: cvpnId, TargetNetworkCidr: vpc.CidrBlock, AuthorizeAllGroups: true,
}));
const shown = (await send(new DescribeClientVpnEndpointsCommand({
  ClientVpnEndpointIds: [cvpnId] }))).ClientVpnEndpoints[0];
out.clientVpn = {
  id: cvpnId, other: cvpn2.ClientVpnEndpointId, status: cvpn.Status?.Code,
  dnsName: cvpn.DnsName,
  target: { id: target.AssociationId, status: target.Status?.Code },
  rule: rule.Status?.Code,
  shown: { status: shown.Status?.Code, splitTunnel: shown.SplitTunnel, vpc: shown.VpcId,
           cidr: shown.ClientCidrBlock, tags: shown.Tags,
           auth: shown.AuthenticationOptions?.[0]?.Type },
  pages: (await pages(paginateDescribeClientVpnEndpoints, {}, "ClientVpnEndpoints", 5)).map(
    (p) => p.map((x) => x.ClientVpnEndpointId)),
  tagged: (await pages(paginateDescribeClientVpnEndpoints, {
    Filters: [{ Name: "tag:Name", Values: ["js-vpn"] }] }, "ClientVpnEndpoints", 5)).map(
    (p) => p.map((x) => x.ClientVpnEndpointId)),
  targets: (await pages(paginateDescribeClientVpnTargetNetworks, {
    ClientVpnEndpointId: cvpnId }, "ClientVpnTargetNetworks", 5)).flat().map((t) => ({
    subnet: t.TargetNetworkId, vpc: t.VpcId, status: t.Status?.Code })),
  rules: (await pages(paginateDescribeClientVpnAuthorizationRules, {
    ClientVpnEndpointId: cvpnId }, "AuthorizationRules", 5)).flat().map((r) => ({
    cidr: r.DestinationCidr, all: r.AccessAll, status: r.Status?.Code })),
  notFound: await failure(new DescribeClientVpnEndpointsCommand({
    ClientVpnEndpointIds: ["cvpn-endpoint-0123456789abcdef0"] })),
};

// Traffic mirroring: a filter with a rule, an interface target, sessions from two sources.
const run = await send(new RunInstancesCommand({
  ImageId: imageId, InstanceType: "t3.micro", MinCount: 7, MaxCount: 7,
  SubnetId: subnet.SubnetId,
}));
const [sensor, ...sources] = run.Instances.map((i) => i.NetworkInterfaces[0].NetworkInterfaceId);
const filter = (await send(new CreateTrafficMirrorFilterCommand({
  Description: "js", TagSpecifications: tags("traffic-mirror-filter", "js-filter"),
}))).TrafficMirrorFilter;
await send(new CreateTrafficMirrorFilterCommand({}));
const mirrorRule = (await send(new CreateTrafficMirrorFilterRuleCommand({
  TrafficMirrorFilterId: filter.TrafficMirrorFilterId, TrafficDirection: "ingress",
  RuleNumber: 100, RuleAction: "accept", Protocol: 6, DestinationCidrBlock: "0.0.0.0/0",
  SourceCidrBlock: "0.0.0.0/0", DestinationPortRange: { FromPort: 443, ToPort: 443 },
}))).TrafficMirrorFilterRule;
const mirrorTarget = (await send(new CreateTrafficMirrorTargetCommand({
  NetworkInterfaceId: sensor, Description: "sensor",
}))).TrafficMirrorTarget;
const sessions = [];
for (const [n, source] of sources.entries()) {
  sessions.push((await send(new CreateTrafficMirrorSessionCommand({
    NetworkInterfaceId: source, TrafficMirrorTargetId: mirrorTarget.TrafficMirrorTargetId,
    TrafficMirrorFilterId: filter.TrafficMirrorFilterId, SessionNumber: n + 1,
  }))).TrafficMirrorSession);
}
out.mirror = {
  filter: filter.TrafficMirrorFilterId, filterTags: filter.Tags,
  rule: { id: mirrorRule.TrafficMirrorFilterRuleId, protocol: mirrorRule.Protocol,
          ports: mirrorRule.DestinationPortRange, direction: mirrorRule.TrafficDirection },
  target: { id: mirrorTarget.TrafficMirrorTargetId, type: mirrorTarget.Type,
            eni: mirrorTarget.NetworkInterfaceId },
  sessions: sessions.map((s) => ({ id: s.TrafficMirrorSessionId, eni: s.NetworkInterfaceId,
                                   number: s.SessionNumber, vni: s.VirtualNetworkId })),
  sources,
  pages: (await pages(paginateDescribeTrafficMirrorSessions, {
    Filters: [{ Name: "traffic-mirror-target-id",
                Values: [mirrorTarget.TrafficMirrorTargetId] }] },
  "TrafficMirrorSessions")).map((p) => p.map((x) => x.TrafficMirrorSessionId)),
  filters: (await pages(paginateDescribeTrafficMirrorFilters, {
    Filters: [{ Name: "description", Values: ["js"] }] }, "TrafficMirrorFilters")).map(
    (p) => p.map((x) => ({ id: x.TrafficMirrorFilterId,
                           ingress: (x.IngressFilterRules ?? []).map((r) => r.RuleNumber) }))),
  duplicate: await failure(new CreateTrafficMirrorSessionCommand({
    NetworkInterfaceId: sources[0], TrafficMirrorTargetId: mirrorTarget.TrafficMirrorTargetId,
    TrafficMirrorFilterId: filter.TrafficMirrorFilterId, SessionNumber: 1,
  })),
};

out.errors = {
  poolNotFound: await failure(new DescribeIpamPoolsCommand({
    IpamPoolIds: ["ipam-pool-0123456789abcdef0"] })),
  dryRun: await failure(new CreateIpamPoolCommand({
    DryRun: true, IpamScopeId: scope, AddressFamily: "ipv4" })),
};
console.log(JSON.stringify(out));
