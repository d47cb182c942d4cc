"""Organizations and RAM-style shares: `POST /_ec2sim/organizations` and `/_ec2sim/shares`
against a real server, and `mock_ec2().organization/share` in-process."""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import boto3
import pytest

from api import mock_ec2
from topology.core import sharing

OWNER, MEMBER, STRANGER = "123456789012", "444455556666", "777788889999"
ORG = "o-exampleorg01"


def _call(url: str, method: str, path: str, body: dict[str, Any] | None = None
          ) -> tuple[int, dict[str, Any]]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url + path, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req) as reply:
            return reply.status, json.loads(reply.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def test_organization_and_share_over_http(server_url: str, server_ec2: Any) -> None:
    tgw = server_ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    status, org = _call(server_url, "POST", "/_ec2sim/organizations",
                        {"Id": ORG, "ManagementAccountId": OWNER, "Accounts": [MEMBER]})
    assert status == 200 and org == {"Id": ORG, "ManagementAccountId": OWNER,
                                     "Accounts": sorted([OWNER, MEMBER])}
    status, shared = _call(server_url, "POST", "/_ec2sim/shares",
                           {"ResourceId": tgw, "Principals": [
                               f"arn:aws:organizations::{OWNER}:organization/{ORG}"]})
    assert status == 200 and shared == {"ResourceId": tgw, "OwnerId": OWNER,
                                        "Principals": [ORG]}
    assert _call(server_url, "GET", f"/_ec2sim/shares?resource={tgw}")[1]["Principals"] == [ORG]
    status, _ = _call(server_url, "DELETE", "/_ec2sim/shares",
                      {"ResourceId": tgw, "Principals": [ORG]})
    assert status == 200
    assert _call(server_url, "GET", f"/_ec2sim/shares?resource={tgw}")[1]["Principals"] == []


@pytest.mark.parametrize("path,body,code", [
    ("/_ec2sim/organizations", {"Id": "org-1", "ManagementAccountId": OWNER},
     "InvalidParameterValue"),
    ("/_ec2sim/organizations", {"Accounts": [MEMBER]}, "MissingParameter"),
    ("/_ec2sim/shares", {"ResourceId": "tgw-0123456789abcdef0", "Principals": [MEMBER]},
     "InvalidParameterValue"),
    ("/_ec2sim/shares", {"Principals": [MEMBER]}, "MissingParameter"),
])
def test_bad_requests_are_400s(server_url: str, server_ec2: Any, path: str,
                               body: dict[str, Any], code: str) -> None:
    status, answer = _call(server_url, "POST", path, body)
    assert status == 400 and answer["error"]["code"] == code


def test_share_refuses_a_kind_nobody_honours_and_changes_nothing() -> None:
    with mock_ec2() as mock:
        ec2 = boto3.client("ec2", region_name="us-east-1")
        vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
        with pytest.raises(Exception, match="cannot be shared"):
            mock.share(vpc, [MEMBER])
        assert sharing.shared_with(mock.world, vpc) == []


def test_an_account_in_two_organizations_is_refused() -> None:
    with mock_ec2() as mock:
        mock.organization(ORG, [MEMBER], OWNER)
        with pytest.raises(Exception, match="already a member"):
            mock.organization("o-otherorg0001", [MEMBER], STRANGER)
        assert sharing.organization_of(mock.world, MEMBER) == ORG
        assert sharing.organization_of(mock.world, STRANGER) is None


def test_use_follows_the_organization_and_the_region() -> None:
    with mock_ec2() as mock:
        ec2 = boto3.client("ec2", region_name="us-east-1")
        tgw = ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
        mock.organization(ORG, [MEMBER], OWNER)
        world = mock.world
        member, stranger = (world.partition(a, "us-east-1") for a in (MEMBER, STRANGER))
        elsewhere = world.partition(MEMBER, "eu-west-1")
        assert not sharing.can_use(world, member, tgw)
        mock.share(tgw, [ORG])
        assert sharing.can_use(world, member, tgw)
        assert not sharing.can_use(world, stranger, tgw)
        assert not sharing.can_use(world, elsewhere, tgw)
        assert sharing.shared_into(world, member, "transit-gateway") == [tgw]
        assert sharing.shared_into(world, stranger, "transit-gateway") == []
        mock.share(tgw, [STRANGER])
        assert sharing.shared_into(world, stranger, "transit-gateway") == [tgw]
