"""Shared fixtures: boto3 against the in-process mock and against a real `ec2sim serve`.

* `ec2` / `sts`: clients served in-process by `mock_ec2` (a fresh simulator per test);
* `server_url`: one `ec2sim serve` subprocess for the session (reset before each test that
  uses `server_ec2`);
* `server_ec2`: a boto3 client pointed at that server;
* `start_server`: start further servers with their own arguments (e.g. `--seed`);
* `vpc` / `subnet`: a VPC 10.0.0.0/16 and a subnet 10.0.0.0/24 of it, in-process.

Plain helpers (error codes, builders, clients) live in `helpers.py`: `from helpers import ...`.
"""
from __future__ import annotations

import os
import sys
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import boto3
import pytest

from api import mock_ec2
from helpers import server_client
from processes import free_port, running

REGION = "us-east-1"
# every in-process answer is also written as XML and parsed by botocore: the two must agree
os.environ.setdefault("EC2SIM_MOCK_VERIFY", "1")


@pytest.fixture
def mock() -> Iterator[mock_ec2]:
    with mock_ec2() as active:
        yield active


@pytest.fixture
def ec2(mock: mock_ec2) -> Any:
    return boto3.client("ec2", region_name=REGION)


@pytest.fixture
def sts(mock: mock_ec2) -> Any:
    return boto3.client("sts", region_name=REGION)


@pytest.fixture
def vpc(ec2: Any) -> str:
    """A VPC 10.0.0.0/16 (a file that needs more, e.g. an attached gateway, overrides it)."""
    return ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]


@pytest.fixture
def subnet(ec2: Any, vpc: str) -> str:
    """A subnet 10.0.0.0/24 of `vpc` in us-east-1a."""
    return ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/24",
                             AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]


@contextmanager
def ec2sim_server(*args: str) -> Iterator[str]:
    """Run `ec2sim serve ARGS` on a free port until the block ends; yields its URL."""
    port = free_port()
    with running([sys.executable, "-m", "api.cli", "serve", "--port", str(port), *args],
                 port) as url:
        yield url


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    with ec2sim_server() as url:
        yield url


@pytest.fixture
def start_server() -> Iterator[Callable[..., str]]:
    """Start extra servers (e.g. `start_server("--seed", "7")`); all stop after the test."""
    with ExitStack() as stack:
        yield lambda *args: stack.enter_context(ec2sim_server(*args))


def reset(url: str) -> None:
    request = urllib.request.Request(url + "/moto-api/reset", method="POST")
    with urllib.request.urlopen(request) as answer:
        answer.read()


@pytest.fixture
def server_ec2(server_url: str) -> Any:
    reset(server_url)
    return server_client(server_url)


@pytest.fixture(autouse=True)
def _no_real_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never reach AWS: fake credentials, no config files."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)


pytest_plugins = ["ansible_runner"]
