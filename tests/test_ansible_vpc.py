"""Ansible's amazon.aws.ec2_vpc_net against `ec2sim serve`."""
from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.server, pytest.mark.ansible]


def test_vpc_lifecycle(playbook: Any, server_ec2: Any) -> None:
    out = playbook("vpc.yml")
    vpc_id = out["create vpc"]["vpc"]["id"]
    assert out["update vpc in check mode"]["changed"] is True
    assert out["update vpc"]["changed"] is True
    assert out["update vpc"]["vpc"]["tags"] == {"Name": "ansible-net", "env": "prod"}
    [info] = out["vpc info"]["vpcs"]
    assert info["id"] == vpc_id and info["enable_dns_hostnames"] is True
    assert out["delete vpc"]["changed"] is True
    assert server_ec2.describe_vpcs(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Vpcs"] == []
