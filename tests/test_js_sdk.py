"""The AWS SDK for JavaScript v3 against a real `ec2sim serve`: its strict XML parsing, its
error mapping and its paginators, with the state it leaves checked through boto3.

The SDK is installed by `.ci/run` into tests/js (npm); without node or the SDK the test
skips, saying why.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

JS = Path(__file__).resolve().parent / "js"


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    if not (JS / "node_modules" / "@aws-sdk" / "client-ec2").is_dir():
        pytest.skip("the AWS SDK for JavaScript is not installed: (cd tests/js && npm install)")
    return node


def test_the_javascript_sdk_drives_the_server(server_url: str, server_ec2: Any) -> None:
    node = _node()
    image = sorted(i["ImageId"] for i in server_ec2.describe_images(
        Owners=["amazon"], Filters=[{"Name": "architecture", "Values": ["x86_64"]}])["Images"])[0]
    done = subprocess.run([node, str(JS / "session.mjs"), server_url, image], cwd=JS,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    js = json.loads(done.stdout)

    vpc = server_ec2.describe_vpcs(VpcIds=[js["vpc"]["id"]])["Vpcs"][0]
    assert js["vpc"] == {"id": vpc["VpcId"], "cidr": "10.7.0.0/16", "state": "pending",
                         "tags": [{"Key": "Name", "Value": 'js <&> "vpc"'}]}
    assert vpc["State"] == "available"
    assert js["subnet"]["free"] == 251

    ids = js["run"]["ids"]
    assert len(ids) == 7 and js["run"]["states"] == ["pending"] * 7
    assert js["run"]["launchTimeIsDate"] and js["run"]["ebsOptimized"] is True
    tagged = server_ec2.describe_instances(Filters=[{"Name": "tag:tier", "Values": ["js"]}])
    assert sorted(i["InstanceId"] for r in tagged["Reservations"] for i in r["Instances"]) == \
        sorted(ids)
    assert js["run"]["addresses"] == [f"10.7.1.{n}" for n in range(4, 11)]

    assert [len(page) for page in js["pages"]] == [5, 2]          # the paginator's NextToken
    assert sorted(sum(js["pages"], [])) == sorted(ids)

    assert js["described"]["state"] == "running"
    assert js["described"]["public"] == js["eip"] == js["interface"]["public"]
    assert js["described"]["groups"] == ["default"] and js["described"]["sourceDestCheck"]
    assert js["interface"] == {"public": js["eip"], "private": "10.7.1.4",
                               "attachment": "attached"}

    errors = js["errors"]
    assert errors["notFound"] == {
        "name": "InvalidVpcID.NotFound", "status": 400,
        "message": "The vpc ID 'vpc-0123456789abcdef0' does not exist"}
    assert errors["malformed"]["name"] == "InvalidVpcID.Malformed"
    assert errors["dryRun"]["name"] == "DryRunOperation" and errors["dryRun"]["status"] == 412
    assert errors["overlap"]["name"] == "InvalidSubnet.Conflict"
    assert len(server_ec2.describe_vpcs()["Vpcs"]) == 2           # the dry run made nothing
