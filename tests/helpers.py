"""Helpers the test files share (one copy each); fixtures built on them live in conftest.py.

Import them by name (`from helpers import error, fails`): the tests folder is on `sys.path`
as pytest's rootdir-relative conftest folder.
"""
from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

REGION = "us-east-1"
ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def error(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    """The AWS error code and message of a raised `ClientError`."""
    return exc.value.response["Error"]["Code"], exc.value.response["Error"]["Message"]


def fails(call: Any, *args: Any, **kwargs: Any) -> tuple[str, str]:
    """Call, expecting a `ClientError`; its code and message."""
    with pytest.raises(ClientError) as exc:
        call(*args, **kwargs)
    return error(exc)


def server_client(url: str, region: str = REGION) -> Any:
    """A boto3 EC2 client for the server at `url`, with the fake credentials tests use."""
    return boto3.client("ec2", region_name=region, endpoint_url=url,
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def ec2sim_cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run `ec2sim ARGS` (the command line) to the end; its output as text."""
    return subprocess.run([sys.executable, "-m", "api.cli", *args], capture_output=True,
                          text=True, timeout=timeout)


def load_example(name: str) -> ModuleType:
    """The module `examples/NAME.py`, imported afresh."""
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_example(script: str) -> str:
    """Run `examples/SCRIPT` as a script from the repository root; what it printed."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, str(EXAMPLES / script)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def default_vpc(ec2: Any) -> str:
    return ec2.describe_vpcs(
        Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]


def default_igw(ec2: Any) -> str:
    """The first internet gateway described (in a fresh region: the default VPC's)."""
    return ec2.describe_internet_gateways()["InternetGateways"][0]["InternetGatewayId"]


def main_table(ec2: Any, vpc_id: str) -> str:
    """The main route table of a VPC."""
    return ec2.describe_route_tables(Filters=[
        {"Name": "vpc-id", "Values": [vpc_id]},
        {"Name": "association.main", "Values": ["true"]}])["RouteTables"][0]["RouteTableId"]


def available(ec2: Any, subnet: str) -> int:
    """A subnet's `AvailableIpAddressCount`."""
    return ec2.describe_subnets(SubnetIds=[subnet])["Subnets"][0]["AvailableIpAddressCount"]


def vpc_ids(ec2: Any) -> list[str]:
    """The ids of every VPC the client sees, in the order described."""
    return [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"]]
