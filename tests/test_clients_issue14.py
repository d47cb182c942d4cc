"""Issue 14's networking families (IPAM, transit gateway Connect, Client VPN, traffic
mirroring, VPN tunnel options) driven by the other clients users run against a real
`ec2sim serve`: the AWS SDK for JavaScript v3 (its paginators and error objects), the AWS
CLI (automatic pagination, --dry-run, --filters shorthand, waiters) and Ansible amazon.aws.
The state each client leaves is checked through boto3."""
from __future__ import annotations

import ipaddress
import json
import subprocess
from typing import Any

import pytest

from test_awscli import aws, ok  # noqa: F401  (the CLI fixture)
from test_js_sdk import JS, _node

AMI = "ami-057c3ffbeeff55523"
CERT = "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"


def test_javascript_sdk_drives_the_networking_families(server_url: str,
                                                       server_ec2: Any) -> None:
    node = _node()
    done = subprocess.run([node, str(JS / "networking.mjs"), server_url, AMI, CERT], cwd=JS,
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    js = json.loads(done.stdout)

    ipam = js["ipam"]
    assert ipam["poolState"] == "create-in-progress"
    assert ipam["poolTags"] == [{"Key": "Name", "Value": "js-pool"}]
    assert ipam["provisioned"] == {"cidr": "10.40.0.0/16", "state": "pending-provision"}
    assert ipam["cidrs"] == [{"cidr": "10.40.0.0/16", "state": "provisioned"}]
    assert ipam["vpc"]["cidr"] == "10.40.0.0/20"
    assert [len(page) for page in ipam["pages"]] == [5, 1]        # MaxResults 5, NextToken
    assert sorted(sum(ipam["pages"], [])) == sorted([ipam["pool"], *ipam["others"]])
    assert ipam["named"] == [ipam["pool"]]
    assert ipam["overlap"]["name"] == "InvalidParameterValue"
    assert ipam["overlap"]["status"] == 400
    allocations = server_ec2.get_ipam_pool_allocations(IpamPoolId=ipam["pool"])[
        "IpamPoolAllocations"]
    assert [(a["Cidr"], a["ResourceId"], a["ResourceType"]) for a in allocations] == [
        ("10.40.0.0/20", ipam["vpc"]["id"], "vpc")]
    assert server_ec2.get_ipam_pool_cidrs(IpamPoolId=ipam["others"][0])["IpamPoolCidrs"] == []

    connect = js["connect"]
    assert connect["protocol"] == "gre" and connect["state"] == "pending"
    assert connect["tags"] == [{"Key": "Name", "Value": "js-gre"}]
    peer = connect["peer"]
    assert (peer["protocol"], peer["peerAddress"], peer["inside"]) == (
        "gre", "10.40.0.10", ["169.254.6.0/29"])
    assert peer["tgwAddress"] == "192.0.2.1"                      # from the gateway's CIDR block
    assert [(b["peerAddress"], b["tgwAddress"], b["peerAsn"]) for b in peer["bgp"]] == [
        ("169.254.6.1", "169.254.6.2", 65000), ("169.254.6.1", "169.254.6.3", 65000)]
    assert connect["pages"] == [[connect["id"]]] and connect["peers"] == [[peer["id"]]]
    shown = server_ec2.describe_transit_gateway_connects(
        TransitGatewayAttachmentIds=[connect["id"]])["TransitGatewayConnects"][0]
    assert shown["TransportTransitGatewayAttachmentId"] == connect["transport"]
    assert shown["TransitGatewayId"] == connect["tgw"]

    cvpn = js["clientVpn"]
    assert cvpn["status"] == "pending-associate"
    assert cvpn["dnsName"] == f"*.{cvpn['id']}.prod.clientvpn.us-east-1.amazonaws.com"
    assert cvpn["target"]["status"] == "associating" and cvpn["rule"] == "authorizing"
    assert cvpn["shown"] == {"status": "available", "splitTunnel": True,
                             "vpc": ipam["vpc"]["id"], "cidr": "172.16.0.0/22",
                             "tags": [{"Key": "Name", "Value": "js-vpn"}],
                             "auth": "certificate-authentication"}
    assert sorted(sum(cvpn["pages"], [])) == sorted([cvpn["id"], cvpn["other"]])
    assert cvpn["tagged"] == [[cvpn["id"]]]
    assert cvpn["targets"] == [{"subnet": cvpn["targets"][0]["subnet"],
                                "vpc": ipam["vpc"]["id"], "status": "associated"}]
    assert cvpn["rules"] == [{"cidr": "10.40.0.0/20", "all": True, "status": "active"}]
    assert cvpn["notFound"] == {
        "name": "InvalidClientVpnEndpointId.NotFound", "code":
        "InvalidClientVpnEndpointId.NotFound", "status": 400,
        "message": "Endpoint cvpn-endpoint-0123456789abcdef0 does not exist"}

    mirror = js["mirror"]
    assert mirror["filterTags"] == [{"Key": "Name", "Value": "js-filter"}]
    assert mirror["rule"]["id"].startswith("tmfr-")
    assert mirror["rule"]["protocol"] == 6 and mirror["rule"]["direction"] == "ingress"
    assert mirror["rule"]["ports"] == {"FromPort": 443, "ToPort": 443}
    assert mirror["target"]["type"] == "network-interface"
    assert [s["eni"] for s in mirror["sessions"]] == mirror["sources"]
    assert [s["number"] for s in mirror["sessions"]] == [1, 2, 3, 4, 5, 6]
    assert all(isinstance(s["vni"], int) for s in mirror["sessions"])
    assert [len(page) for page in mirror["pages"]] == [5, 1]
    assert sorted(sum(mirror["pages"], [])) == sorted(s["id"] for s in mirror["sessions"])
    assert mirror["filters"] == [[{"id": mirror["filter"], "ingress": [100]}]]
    assert mirror["duplicate"]["name"] == "InvalidParameterValue"
    assert len(server_ec2.describe_traffic_mirror_sessions()["TrafficMirrorSessions"]) == 6

    errors = js["errors"]
    assert errors["poolNotFound"] == {
        "name": "InvalidIpamPoolId.NotFound", "code": "InvalidIpamPoolId.NotFound",
        "status": 400, "message": "The ipam-pool ID 'ipam-pool-0123456789abcdef0' does not exist"}
    assert errors["dryRun"]["name"] == "DryRunOperation" and errors["dryRun"]["status"] == 412
    pools = server_ec2.describe_ipam_pools()["IpamPools"]
    assert len(pools) == 6                                         # the dry run made none


# -- the AWS CLI -------------------------------------------------------------------------------

def fails_with(done: subprocess.CompletedProcess[str], code: str) -> str:
    """The CLI's exit code and error for a refused call; returns its stderr."""
    assert done.returncode in (254, 255), done.stdout
    assert f"An error occurred ({code})" in done.stderr, done.stderr
    return done.stderr


def test_cli_ipam_pools_paginate_filter_and_dry_run(aws: Any, server_ec2: Any) -> None:
    ipam = ok(aws("ec2", "create-ipam", "--operating-regions", "RegionName=us-east-1"))["Ipam"]
    scope = ipam["PrivateDefaultScopeId"]
    dry = aws("ec2", "create-ipam-pool", "--ipam-scope-id", scope, "--address-family", "ipv4",
              "--dry-run")
    assert "Request would have succeeded, but DryRun flag is set." in fails_with(
        dry, "DryRunOperation")
    assert server_ec2.describe_ipam_pools()["IpamPools"] == []
    pools = [ok(aws("ec2", "create-ipam-pool", "--ipam-scope-id", scope, "--address-family",
                    "ipv4", "--locale", "us-east-1", "--tag-specifications",
                    f"ResourceType=ipam-pool,Tags=[{{Key=team,Value={team}}}]"))["IpamPool"][
        "IpamPoolId"] for team in ("net", "net", "app", "net", "app", "net")]

    first = ok(aws("ec2", "describe-ipam-pools", "--max-items", "2"))
    assert [p["IpamPoolId"] for p in first["IpamPools"]] == pools[:2]
    rest = ok(aws("ec2", "describe-ipam-pools", "--starting-token", first["NextToken"]))
    assert [p["IpamPoolId"] for p in rest["IpamPools"]] == pools[2:]
    assert "NextToken" not in rest
    walked = ok(aws("ec2", "describe-ipam-pools", "--page-size", "5"))  # MaxResults 5, 2 pages
    assert [p["IpamPoolId"] for p in walked["IpamPools"]] == pools
    small = aws("ec2", "describe-ipam-pools", "--page-size", "1")   # the CLI checks the model
    assert small.returncode == 255 and "valid min value: 5" in small.stderr
    net = ok(aws("ec2", "describe-ipam-pools", "--filters", "Name=tag:team,Values=net",
                 f"Name=ipam-scope-id,Values={scope}", "--query", "IpamPools[].IpamPoolId"))
    assert net == [pools[0], pools[1], pools[3], pools[5]]

    ok(aws("ec2", "provision-ipam-pool-cidr", "--ipam-pool-id", pools[0], "--cidr",
           "10.50.0.0/16"))
    vpc = ok(aws("ec2", "create-vpc", "--ipv4-ipam-pool-id", pools[0],
                 "--ipv4-netmask-length", "24"))["Vpc"]
    assert vpc["CidrBlock"] == "10.50.0.0/24"
    second = ok(aws("ec2", "create-vpc", "--ipv4-ipam-pool-id", pools[0],
                    "--ipv4-netmask-length", "24"))["Vpc"]
    assert second["CidrBlock"] == "10.50.1.0/24"                  # no overlap with the first
    allocated = ok(aws("ec2", "get-ipam-pool-allocations", "--ipam-pool-id", pools[0],
                       "--query", "IpamPoolAllocations[].[Cidr,ResourceId]"))
    assert sorted(allocated) == [["10.50.0.0/24", vpc["VpcId"]],
                                 ["10.50.1.0/24", second["VpcId"]]]
    ok(aws("ec2", "delete-vpc", "--vpc-id", vpc["VpcId"]))
    assert ok(aws("ec2", "get-ipam-pool-allocations", "--ipam-pool-id", pools[0], "--query",
                  "IpamPoolAllocations[].ResourceId")) == [second["VpcId"]]
    missing = aws("ec2", "delete-ipam-pool", "--ipam-pool-id", "ipam-pool-0123456789abcdef0")
    assert "The ipam-pool ID 'ipam-pool-0123456789abcdef0' does not exist" in fails_with(
        missing, "InvalidIpamPoolId.NotFound")


def test_cli_client_vpn_and_traffic_mirroring(aws: Any, server_ec2: Any) -> None:
    vpc = ok(aws("ec2", "create-vpc", "--cidr-block", "10.60.0.0/16"))["Vpc"]["VpcId"]
    subnet = ok(aws("ec2", "create-subnet", "--vpc-id", vpc, "--cidr-block", "10.60.1.0/24",
                    "--availability-zone", "us-east-1a"))["Subnet"]["SubnetId"]
    auth = ("Type=certificate-authentication,MutualAuthentication="
            f"{{ClientRootCertificateChainArn={CERT}}}")
    common = ["--server-certificate-arn", CERT, "--authentication-options", auth,
              "--connection-log-options", "Enabled=false"]
    dry = aws("ec2", "create-client-vpn-endpoint", "--client-cidr-block", "172.16.0.0/22",
              *common, "--dry-run")
    fails_with(dry, "DryRunOperation")
    endpoints = [ok(aws("ec2", "create-client-vpn-endpoint", "--client-cidr-block", cidr,
                        *common, "--split-tunnel", "--tag-specifications",
                        "ResourceType=client-vpn-endpoint,Tags=[{Key=Name,Value=cli}]"))[
        "ClientVpnEndpointId"] for cidr in ("172.16.0.0/22", "172.17.0.0/22", "172.18.0.0/22")]
    page = ok(aws("ec2", "describe-client-vpn-endpoints", "--max-items", "2", "--page-size",
                  "5"))
    assert [e["ClientVpnEndpointId"] for e in page["ClientVpnEndpoints"]] == endpoints[:2]
    assert page["NextToken"]
    rest = ok(aws("ec2", "describe-client-vpn-endpoints", "--starting-token",
                  page["NextToken"]))
    assert [e["ClientVpnEndpointId"] for e in rest["ClientVpnEndpoints"]] == endpoints[2:]
    assoc = ok(aws("ec2", "associate-client-vpn-target-network", "--client-vpn-endpoint-id",
                   endpoints[0], "--subnet-id", subnet))
    assert assoc["Status"]["Code"] == "associating"
    ok(aws("ec2", "authorize-client-vpn-ingress", "--client-vpn-endpoint-id", endpoints[0],
           "--target-network-cidr", "10.60.0.0/16", "--authorize-all-groups"))
    again = aws("ec2", "authorize-client-vpn-ingress", "--client-vpn-endpoint-id", endpoints[0],
                "--target-network-cidr", "10.60.0.0/16", "--authorize-all-groups")
    fails_with(again, "InvalidClientVpnDuplicateAuthorizationRule")
    shown = ok(aws("ec2", "describe-client-vpn-endpoints", "--filters",
                   f"Name=endpoint-id,Values={endpoints[0]}", "--query",
                   "ClientVpnEndpoints[0].[Status.Code,VpcId,SplitTunnel]"))
    assert shown == ["available", vpc, True]
    rules = ok(aws("ec2", "describe-client-vpn-authorization-rules", "--client-vpn-endpoint-id",
                   endpoints[0], "--query", "AuthorizationRules[].[DestinationCidr,Status.Code]"))
    assert rules == [["10.60.0.0/16", "active"]]
    routes = ok(aws("ec2", "describe-client-vpn-routes", "--client-vpn-endpoint-id",
                    endpoints[0], "--query", "Routes[].[DestinationCidr,TargetSubnet,Origin]"))
    assert routes == [["10.60.0.0/16", subnet, "associate"]]
    busy = aws("ec2", "delete-client-vpn-endpoint", "--client-vpn-endpoint-id", endpoints[0])
    fails_with(busy, "InvalidState")                       # a target network is associated

    instances = ok(aws("ec2", "run-instances", "--image-id", AMI, "--instance-type", "t3.micro",
                       "--count", "4", "--subnet-id", subnet))["Instances"]
    enis = [i["NetworkInterfaces"][0]["NetworkInterfaceId"] for i in instances]
    tmf = ok(aws("ec2", "create-traffic-mirror-filter", "--description", "cli"))[
        "TrafficMirrorFilter"]["TrafficMirrorFilterId"]
    rule = ok(aws("ec2", "create-traffic-mirror-filter-rule", "--traffic-mirror-filter-id", tmf,
                  "--traffic-direction", "egress", "--rule-number", "10", "--rule-action",
                  "reject", "--protocol", "17", "--destination-cidr-block", "10.0.0.0/8",
                  "--source-cidr-block", "0.0.0.0/0", "--destination-port-range",
                  "FromPort=53,ToPort=53"))["TrafficMirrorFilterRule"]
    assert rule["DestinationPortRange"] == {"FromPort": 53, "ToPort": 53}
    tmt = ok(aws("ec2", "create-traffic-mirror-target", "--network-interface-id", enis[0]))[
        "TrafficMirrorTarget"]["TrafficMirrorTargetId"]
    dry = aws("ec2", "create-traffic-mirror-session", "--network-interface-id", enis[1],
              "--traffic-mirror-target-id", tmt, "--traffic-mirror-filter-id", tmf,
              "--session-number", "1", "--dry-run")
    fails_with(dry, "DryRunOperation")
    sessions = [ok(aws("ec2", "create-traffic-mirror-session", "--network-interface-id", eni,
                       "--traffic-mirror-target-id", tmt, "--traffic-mirror-filter-id", tmf,
                       "--session-number", "1", "--packet-length", "100"))[
        "TrafficMirrorSession"]["TrafficMirrorSessionId"] for eni in enis[1:]]
    first = ok(aws("ec2", "describe-traffic-mirror-sessions", "--max-items", "1"))
    assert [s["TrafficMirrorSessionId"] for s in first["TrafficMirrorSessions"]] == sessions[:1]
    everything = ok(aws("ec2", "describe-traffic-mirror-sessions", "--page-size", "5",
                        "--filters", f"Name=traffic-mirror-filter-id,Values={tmf}",
                        "Name=packet-length,Values=100"))
    assert [s["TrafficMirrorSessionId"] for s in everything["TrafficMirrorSessions"]] == sessions
    by_eni = ok(aws("ec2", "describe-traffic-mirror-sessions", "--filters",
                    f"Name=network-interface-id,Values={enis[2]}", "--query",
                    "TrafficMirrorSessions[].TrafficMirrorSessionId"))
    assert by_eni == [sessions[1]]
    used = aws("ec2", "delete-traffic-mirror-target", "--traffic-mirror-target-id", tmt)
    assert "Target is in use by" in fails_with(used, "TrafficMirrorTargetInUse")
    assert len(server_ec2.describe_traffic_mirror_targets()["TrafficMirrorTargets"]) == 1


def test_cli_transit_gateway_connect_and_vpn_waiters(aws: Any, server_ec2: Any) -> None:
    tgw = ok(aws("ec2", "create-transit-gateway", "--options",
                 "TransitGatewayCidrBlocks=192.0.2.0/24"))["TransitGateway"]["TransitGatewayId"]
    vpc = ok(aws("ec2", "create-vpc", "--cidr-block", "10.70.0.0/16"))["Vpc"]["VpcId"]
    subnet = ok(aws("ec2", "create-subnet", "--vpc-id", vpc, "--cidr-block", "10.70.1.0/24"))[
        "Subnet"]["SubnetId"]
    transport = ok(aws("ec2", "create-transit-gateway-vpc-attachment", "--transit-gateway-id",
                       tgw, "--vpc-id", vpc, "--subnet-ids", subnet))[
        "TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
    connect = ok(aws("ec2", "create-transit-gateway-connect",
                     "--transport-transit-gateway-attachment-id", transport,
                     "--options", "Protocol=gre"))["TransitGatewayConnect"]
    peer = ok(aws("ec2", "create-transit-gateway-connect-peer", "--transit-gateway-attachment-id",
                  connect["TransitGatewayAttachmentId"], "--peer-address", "10.70.1.10",
                  "--inside-cidr-blocks", "169.254.10.0/29", "--bgp-options", "PeerAsn=65010"))[
        "TransitGatewayConnectPeer"]
    assert peer["ConnectPeerConfiguration"]["TransitGatewayAddress"] == "192.0.2.1"
    found = ok(aws("ec2", "describe-transit-gateway-connect-peers", "--filters",
                   f"Name=transit-gateway-attachment-id,Values={connect['TransitGatewayAttachmentId']}",
                   "--query", "TransitGatewayConnectPeers[].TransitGatewayConnectPeerId"))
    assert found == [peer["TransitGatewayConnectPeerId"]]
    busy = aws("ec2", "delete-transit-gateway-connect", "--transit-gateway-attachment-id",
               connect["TransitGatewayAttachmentId"])
    fails_with(busy, "IncorrectState")                             # its peer still exists

    cgw = ok(aws("ec2", "create-customer-gateway", "--type", "ipsec.1", "--public-ip",
                 "198.51.100.7", "--bgp-asn", "65000"))["CustomerGateway"]["CustomerGatewayId"]
    ok(aws("ec2", "wait", "customer-gateway-available", "--customer-gateway-ids", cgw))
    tunnels = ("TunnelOptions=[{TunnelInsideCidr=169.254.20.0/30,PreSharedKey=first_key1},"
               "{TunnelInsideCidr=169.254.21.0/30,IKEVersions=[{Value=ikev2}]}]")
    vpn = ok(aws("ec2", "create-vpn-connection", "--type", "ipsec.1", "--customer-gateway-id",
                 cgw, "--transit-gateway-id", tgw, "--options", tunnels))["VpnConnection"]
    vpn_id = vpn["VpnConnectionId"]
    ok(aws("ec2", "wait", "vpn-connection-available", "--vpn-connection-ids", vpn_id))
    options = ok(aws("ec2", "describe-vpn-connections", "--vpn-connection-ids", vpn_id,
                     "--query", "VpnConnections[0].Options.TunnelOptions"))
    assert [t["TunnelInsideCidr"] for t in options] == ["169.254.20.0/30", "169.254.21.0/30"]
    assert options[0]["PreSharedKey"] == "first_key1"
    assert options[1]["IkeVersions"] == [{"Value": "ikev2"}]
    outside = options[0]["OutsideIpAddress"]
    changed = ok(aws("ec2", "modify-vpn-tunnel-options", "--vpn-connection-id", vpn_id,
                     "--vpn-tunnel-outside-ip-address", outside, "--tunnel-options",
                     "DPDTimeoutSeconds=60,DPDTimeoutAction=restart"))["VpnConnection"]
    tunnel = next(t for t in changed["Options"]["TunnelOptions"]
                  if t["OutsideIpAddress"] == outside)
    assert (tunnel["DpdTimeoutSeconds"], tunnel["DpdTimeoutAction"]) == (60, "restart")
    taken = aws("ec2", "modify-vpn-tunnel-options", "--vpn-connection-id", vpn_id,
                "--vpn-tunnel-outside-ip-address", outside, "--tunnel-options",
                "TunnelInsideCidr=169.254.21.0/30")
    fails_with(taken, "InvalidParameterValue")
    ok(aws("ec2", "delete-vpn-connection", "--vpn-connection-id", vpn_id))
    ok(aws("ec2", "wait", "vpn-connection-deleted", "--vpn-connection-ids", vpn_id))
    assert server_ec2.describe_vpn_connections(VpnConnectionIds=[vpn_id])[
        "VpnConnections"][0]["State"] == "deleted"


# -- Ansible amazon.aws ------------------------------------------------------------------------

@pytest.mark.ansible
def test_ansible_vpn_to_a_transit_gateway_beside_an_ipam_vpc(playbook: Any,
                                                              server_ec2: Any) -> None:
    ipam = server_ec2.create_ipam(OperatingRegions=[{"RegionName": "us-east-1"}])["Ipam"]
    pool = server_ec2.create_ipam_pool(IpamScopeId=ipam["PrivateDefaultScopeId"],
                                       AddressFamily="ipv4", Locale="us-east-1")["IpamPool"]
    server_ec2.provision_ipam_pool_cidr(IpamPoolId=pool["IpamPoolId"], Cidr="10.80.0.0/16")
    vpc = server_ec2.create_vpc(Ipv4IpamPoolId=pool["IpamPoolId"], Ipv4NetmaskLength=22)["Vpc"]
    assert vpc["CidrBlock"] == "10.80.0.0/22"

    out = playbook("issue14.yml", vpc_id=vpc["VpcId"], subnet_cidr="10.80.1.0/24")
    assert out["ipam vpc info"]["vpcs"][0]["cidr_block"] == "10.80.0.0/22"
    tgw = out["create transit gateway"]["transit_gateway"]["transit_gateway_id"]
    attach = out["attach vpc"]["attachments"][0]
    assert out["attach vpc"]["changed"] and not out["attach vpc again"]["changed"]
    assert attach["vpc_id"] == vpc["VpcId"] and attach["transit_gateway_id"] == tgw

    assert out["create vpn in check mode"]["changed"]
    vpn = out["create vpn"]
    assert vpn["changed"] and not out["create vpn again"]["changed"]
    assert vpn["transit_gateway_id"] == tgw and vpn["state"] == "available"
    assert vpn["vpn_connection_id"] == out["create vpn again"]["vpn_connection_id"]
    shown = server_ec2.describe_vpn_connections(VpnConnectionIds=[vpn["vpn_connection_id"]])[
        "VpnConnections"][0]
    tunnels = shown["Options"]["TunnelOptions"]                   # AWS chose both tunnels'
    inside = [ipaddress.ip_network(t["TunnelInsideCidr"]) for t in tunnels]
    assert [n.prefixlen for n in inside] == [30, 30] and inside[0] != inside[1]
    assert all(n.subnet_of(ipaddress.ip_network("169.254.0.0/16")) for n in inside)
    assert all(len(t["PreSharedKey"]) >= 8 for t in tunnels)
    info = out["vpn info"]["vpn_connections"][0]["options"]["tunnel_options"]
    assert [t["tunnel_inside_cidr"] for t in info] == [t["TunnelInsideCidr"] for t in tunnels]
    assert shown["Tags"] == [{"Key": "Name", "Value": "ansible-14-vpn"}]
    listed = out["vpn info"]["vpn_connections"]
    assert [v["vpn_connection_id"] for v in listed] == [vpn["vpn_connection_id"]]
    assert [a["transit_gateway_attachment_id"] for a in out["attachment info"]["attachments"]
            ] == [attach["transit_gateway_attachment_id"]]
    vpn_attach = server_ec2.describe_transit_gateway_attachments(Filters=[
        {"Name": "resource-type", "Values": ["vpn"]}])["TransitGatewayAttachments"]
    assert [a["ResourceId"] for a in vpn_attach] == [vpn["vpn_connection_id"]]

    assert out["delete vpn"]["changed"] and out["delete attachment"]["changed"]
    assert server_ec2.describe_vpn_connections(VpnConnectionIds=[vpn["vpn_connection_id"]])[
        "VpnConnections"][0]["State"] in ("deleting", "deleted")
