"""pytest fixtures, registered through the `pytest11` entry point.

* `ec2sim_mock`: an active `mock_ec2` (its `.world` is the simulator); a test marked
  `@pytest.mark.ec2sim_state("topology.json")` starts it from that snapshot (a path
  relative to the test's file, or absolute; docs/snapshots.md);
* `ec2_client`: a boto3 EC2 client in us-east-1 served by that mock.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "ec2sim_state(path): start the ec2sim_mock fixture from "
                            "this snapshot file (relative to the test file)")


@pytest.fixture
def ec2sim_mock(request: pytest.FixtureRequest) -> Iterator[Any]:
    from .mock import mock_ec2  # deferred: pytest loads this plugin in every project

    marker = request.node.get_closest_marker("ec2sim_state")
    saved = None
    if marker is not None:
        if len(marker.args) != 1:
            raise pytest.UsageError("@pytest.mark.ec2sim_state takes one snapshot path")
        saved = Path(request.path).parent / marker.args[0]
    with mock_ec2(state=saved) as mock:
        yield mock


@pytest.fixture
def ec2_client(ec2sim_mock: Any) -> Any:
    import boto3

    return boto3.client("ec2", region_name="us-east-1")
