"""Issue 14's networking families (IPAM, transit gateway Connect, Client VPN, traffic
mirroring, VPN tunnel options) driven by the other clients users run against a real
`ec2sim serve`: the AWS SDK for JavaScript v3 (its paginators and error objects), the AWS
CLI (automatic pagination, --dry-run, --filters shorthand, waiters) and Ansible amazon.aws.
The state each client leaves is checked through boto3."""
from __future__ import annotations

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
