"""Ansible against `ec2sim serve`: amazon.aws ec2_instance launches onto a Dedicated Host
(placement host_id, tenancy host, affinity host), idempotently, and the host's capacity
shows the instance."""
from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.ansible, pytest.mark.server]


def test_instance_on_a_dedicated_host(playbook: Any, server_ec2: Any) -> None:
    [host_id] = server_ec2.allocate_hosts(AvailabilityZone="us-east-1a",
                                          InstanceType="m5.large")["HostIds"]
    out = playbook("dedicated_host.yml", host_id=host_id)
    assert out["launch on host"]["changed"] is True
    assert out["launch again"]["changed"] is False
    [instance] = out["info"]["instances"]
    assert instance["placement"]["host_id"] == host_id
    assert (instance["placement"]["tenancy"], instance["placement"]["affinity"]) == \
        ("host", "host")
    found = server_ec2.describe_hosts(HostIds=[host_id])["Hosts"][0]
    assert [i["InstanceId"] for i in found["Instances"]] == [instance["instance_id"]]
    assert found["AvailableCapacity"]["AvailableVCpus"] == 94
