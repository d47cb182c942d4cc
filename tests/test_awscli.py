"""The AWS CLI (awscli from PyPI) against `ec2sim serve`: a short scenario and an error."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest

pytestmark = [pytest.mark.cli, pytest.mark.server]


@pytest.fixture
def aws(server_ec2: Any, server_url: str, tmp_path: Any) -> Any:
    """Run `aws ARGS` against the (freshly reset) server; returns the finished process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
               AWS_DEFAULT_REGION="us-east-1", AWS_CONFIG_FILE=os.devnull,
               AWS_SHARED_CREDENTIALS_FILE=os.devnull, AWS_PAGER="", HOME=str(tmp_path))

    def run(*args: str, region: str = "us-east-1") -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "awscli", *args, "--endpoint-url",
                               server_url, "--region", region, "--output", "json"],
                              env=env, capture_output=True, text=True, timeout=120,
                              stdin=subprocess.DEVNULL)
    return run


def ok(done: subprocess.CompletedProcess[str]) -> Any:
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout) if done.stdout.strip() else None


def test_scenario(aws: Any) -> None:
    vpc = ok(aws("ec2", "create-vpc", "--cidr-block", "10.0.0.0/16", "--tag-specifications",
                 "ResourceType=vpc,Tags=[{Key=Name,Value=cli}]"))["Vpc"]
    assert vpc["CidrBlock"] == "10.0.0.0/16" and vpc["VpcId"].startswith("vpc-")
    subnet = ok(aws("ec2", "create-subnet", "--vpc-id", vpc["VpcId"], "--cidr-block",
                    "10.0.1.0/24"))["Subnet"]
    assert subnet["VpcId"] == vpc["VpcId"] and subnet["AvailableIpAddressCount"] == 251
    found = ok(aws("ec2", "describe-subnets", "--filters",
                   f"Name=vpc-id,Values={vpc['VpcId']}"))["Subnets"]
    assert [s["SubnetId"] for s in found] == [subnet["SubnetId"]]
    named = ok(aws("ec2", "describe-vpcs", "--filters", "Name=tag:Name,Values=cli"))["Vpcs"]
    assert [v["VpcId"] for v in named] == [vpc["VpcId"]]
    assert ok(aws("ec2", "describe-vpcs", "--filters", "Name=tag:Name,Values=cli",
                  region="us-west-2"))["Vpcs"] == []
    ok(aws("ec2", "delete-subnet", "--subnet-id", subnet["SubnetId"]))
    ok(aws("ec2", "delete-vpc", "--vpc-id", vpc["VpcId"]))
    assert len(ok(aws("ec2", "describe-vpcs"))["Vpcs"]) == 1


def test_error_exit_code_and_message(aws: Any) -> None:
    done = aws("ec2", "describe-vpcs", "--vpc-ids", "vpc-12345678")
    assert done.returncode in (254, 255)
    assert "InvalidVpcID.NotFound" in done.stderr
    assert "The vpc ID 'vpc-12345678' does not exist" in done.stderr


def test_dry_run_is_reported(aws: Any) -> None:
    done = aws("ec2", "create-vpc", "--cidr-block", "10.0.0.0/16", "--dry-run")
    assert done.returncode in (254, 255)
    assert "DryRunOperation" in done.stderr
    assert len(ok(aws("ec2", "describe-vpcs"))["Vpcs"]) == 1


def test_sts_get_caller_identity(aws: Any) -> None:
    assert ok(aws("sts", "get-caller-identity"))["Account"] == "123456789012"


def test_ipam_plans_a_vpc(aws: Any) -> None:
    """Issue 14: an IPAM pool hands the CLI's create-vpc a CIDR, and takes it back."""
    ipam = ok(aws("ec2", "create-ipam", "--operating-regions", "RegionName=us-east-1"))["Ipam"]
    pool = ok(aws("ec2", "create-ipam-pool", "--ipam-scope-id", ipam["PrivateDefaultScopeId"],
                  "--address-family", "ipv4", "--locale", "us-east-1"))["IpamPool"]
    ok(aws("ec2", "provision-ipam-pool-cidr", "--ipam-pool-id", pool["IpamPoolId"],
           "--cidr", "10.64.0.0/14"))
    vpc = ok(aws("ec2", "create-vpc", "--ipv4-ipam-pool-id", pool["IpamPoolId"],
                 "--ipv4-netmask-length", "16"))["Vpc"]
    assert vpc["CidrBlock"] == "10.64.0.0/16"
    allocations = ok(aws("ec2", "get-ipam-pool-allocations", "--ipam-pool-id",
                         pool["IpamPoolId"]))["IpamPoolAllocations"]
    assert [(a["ResourceId"], a["Cidr"]) for a in allocations] == [(vpc["VpcId"],
                                                                   "10.64.0.0/16")]
    too_big = aws("ec2", "create-vpc", "--ipv4-ipam-pool-id", pool["IpamPoolId"],
                  "--ipv4-netmask-length", "13")
    assert too_big.returncode != 0 and "(InvalidParameterValue)" in too_big.stderr \
        or "(InsufficientCidrBlocks)" in too_big.stderr, too_big.stderr
    ok(aws("ec2", "delete-vpc", "--vpc-id", vpc["VpcId"]))
    assert ok(aws("ec2", "get-ipam-pool-allocations", "--ipam-pool-id",
                  pool["IpamPoolId"]))["IpamPoolAllocations"] == []


def test_an_ipv6_network_insights_path(aws: Any, server_ec2: Any) -> None:
    """The CLI sends an IPv6 destination address unchanged; the analysis runs over IPv6."""
    from test_routing_ipv6 import build
    net = build(server_ec2)
    made = aws("ec2", "create-network-insights-path", "--source", net.igw, "--destination",
               net.web, "--protocol", "tcp", "--destination-port", "443", "--destination-ip",
               net.web_ip6)
    assert made.returncode == 0, made.stderr
    path = json.loads(made.stdout)["NetworkInsightsPath"]
    assert path["DestinationIp"] == net.web_ip6
    started = aws("ec2", "start-network-insights-analysis", "--network-insights-path-id",
                  path["NetworkInsightsPathId"])
    assert started.returncode == 0, started.stderr
    nia = json.loads(started.stdout)["NetworkInsightsAnalysis"]["NetworkInsightsAnalysisId"]
    done = aws("ec2", "describe-network-insights-analyses", "--network-insights-analysis-ids",
               nia)
    found = json.loads(done.stdout)["NetworkInsightsAnalyses"][0]
    assert found["Status"] == "succeeded" and found["NetworkPathFound"] is True
    assert net.web in [c["Component"]["Id"] for c in found["ForwardPathComponents"]]
