"""pytest fixtures, registered through the `pytest11` entry point.

* `ec2sim_mock`: an active `mock_ec2` (its `.world` is the simulator);
* `ec2_client`: a boto3 EC2 client in us-east-1 served by that mock.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture
def ec2sim_mock() -> Iterator[Any]:
    from .mock import mock_ec2

    with mock_ec2() as mock:
        yield mock


@pytest.fixture
def ec2_client(ec2sim_mock: Any) -> Any:
    import boto3

    return boto3.client("ec2", region_name="us-east-1")
