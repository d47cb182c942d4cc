"""Hostile input: oversized requests, markup and odd characters in every user string, the web
page's escaping, and the server listening on loopback unless told otherwise.

What AWS does with characters XML 1.0 cannot carry (C0 controls other than tab, LF and CR,
U+FFFE/U+FFFF): its Query API answers in XML, so it cannot echo them; ec2sim refuses such a
request with `InvalidParameterValue` before any handler runs, so no answer is ever invalid
XML. Markup characters, quotes, CR and any other Unicode round-trip exactly.
"""
from __future__ import annotations

import socket
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from flask.testing import FlaskClient

from api import dispatch, mock_ec2
from api.app import MAX_BODY, create_app
from api.cli import main
from topology.core.world import World

REGION = "us-east-1"
NASTY = [
    '<script>alert("x")</script>',
    "a & b &amp; c ]]> <![CDATA[ x ]]>",
    "quotes \" and ' and `back`",
    "unicode ünïcødé 日本語 😀 \u200b\u2028",
    "tab\tnewline\ncarriage\rreturn\r\n",
    "\x7f delete and \x85 next-line",
]
CONTROL = ["nul\x00", "bell\x07", "esc\x1b[31m", "vt\x0b", "\ufffe", "\uffff"]
EVIL = '<script>alert("x")</script>'


def _tags(kind: str, value: str) -> list[dict[str, Any]]:
    return [{"ResourceType": kind, "Tags": [{"Key": f"k{value}", "Value": value}]}]


# -- XML: escaping and refusal ----------------------------------------------------------------
@pytest.mark.parametrize("value", NASTY)
def test_user_strings_round_trip_through_the_xml(ec2: Any, value: str) -> None:
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", TagSpecifications=_tags("vpc", value))["Vpc"]
    assert vpc["Tags"] == [{"Key": f"k{value}", "Value": value}]
    subnet = ec2.create_subnet(VpcId=vpc["VpcId"], CidrBlock="10.0.0.0/24")["Subnet"]["SubnetId"]
    eni = ec2.create_network_interface(SubnetId=subnet, Description=value)["NetworkInterface"]
    assert eni["Description"] == value
    [seen] = ec2.describe_network_interfaces(
        NetworkInterfaceIds=[eni["NetworkInterfaceId"]])["NetworkInterfaces"]
    assert seen["Description"] == value
    tags = ec2.describe_tags(Filters=[{"Name": "resource-id", "Values": [vpc["VpcId"]]}])
    assert [t["Value"] for t in tags["Tags"]] == [value]
    # and as a filter value: it matches exactly itself
    found = ec2.describe_vpcs(Filters=[{"Name": f"tag:k{value}", "Values": [value]}])["Vpcs"]
    assert [v["VpcId"] for v in found] == [vpc["VpcId"]]


@pytest.mark.parametrize("value", CONTROL)
def test_characters_xml_cannot_carry_are_refused(ec2: Any, value: str) -> None:
    before = ec2.describe_vpcs()["Vpcs"]
    with pytest.raises(ClientError) as exc:
        ec2.create_vpc(CidrBlock="10.0.0.0/16", TagSpecifications=_tags("vpc", value))
    error = exc.value.response["Error"]
    assert error["Code"] == "InvalidParameterValue"
    assert error["Message"].startswith("The parameter TagSpecification.1.Tag.1.Key contains a "
                                       "character that is not valid (U+")
    assert ec2.describe_vpcs()["Vpcs"] == before


def test_a_control_character_in_a_parameter_name_is_refused_without_echoing_it() -> None:
    reply = dispatch.handle(World(), {"Action": "DescribeVpcs", "Bad\x01Name": "x"}, {})
    assert reply.status == 400
    root = ET.fromstring(reply.body)
    assert root.findtext("./Errors/Error/Code") == "InvalidParameterValue"
    assert "Bad?Name" in (root.findtext("./Errors/Error/Message") or "")


def test_every_answer_is_well_formed_xml() -> None:
    """Straight through the dispatcher: the raw body parses, and the text is what was sent."""
    world = World()
    for value in NASTY:
        form = {"Action": "CreateVpc", "CidrBlock": "10.0.0.0/16",
                "TagSpecification.1.ResourceType": "vpc",
                "TagSpecification.1.Tag.1.Key": "k", "TagSpecification.1.Tag.1.Value": value}
        reply = dispatch.handle(world, form, {})
        assert reply.status == 200, reply.body
        vpc = ET.fromstring(reply.body).findtext("{*}vpc/{*}vpcId")
        described = dispatch.handle(world, {"Action": "DescribeVpcs", "VpcId.1": vpc or ""}, {})
        text = ET.fromstring(described.body).findtext(".//{*}tagSet/{*}item/{*}value")
        assert text == value
    # an error message quoting the caller's input is escaped too
    reply = dispatch.handle(world, {"Action": "DescribeVpcs", "VpcId.1": "<x>&\"'\r"}, {})
    assert reply.status == 400 and ET.fromstring(reply.body).findtext(".//Code")


# -- the server: body limit, binding ----------------------------------------------------------
def _post(url: str, body: bytes, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url + "/", data=body, method="POST", headers={
        "Content-Type": "application/x-www-form-urlencoded", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as err:
        with err:
            return err.code, err.read()


def test_a_body_over_one_mebibyte_is_413_in_the_ec2_envelope(server_url: str) -> None:
    big = b"Action=DescribeVpcs&Version=2016-11-15&Filter.1.Name=tag:x&Filter.1.Value.1=" + (
        b"a" * MAX_BODY)
    status, body = _post(server_url, big)
    assert status == 413
    root = ET.fromstring(body)
    assert root.findtext("./Errors/Error/Code") == "RequestEntityTooLarge"
    assert root.findtext("./Errors/Error/Message") == (
        f"Request body must be no larger than {MAX_BODY} bytes.")
    assert root.findtext("./RequestID")
    # just under the limit is an ordinary request
    fits = b"Action=DescribeVpcs&Version=2016-11-15&Filter.1.Name=tag:x&Filter.1.Value.1="
    status, body = _post(server_url, fits + b"a" * (MAX_BODY - len(fits)))
    assert status == 200 and b"<vpcSet/>" in body.replace(b"<vpcSet></vpcSet>", b"<vpcSet/>")


def test_a_chunked_body_over_the_limit_is_413_too(server_url: str) -> None:
    host, port = server_url.removeprefix("http://").split(":")
    chunk = b"a" * 65536
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                     b"Content-Type: application/x-www-form-urlencoded\r\n\r\n")
        sock.sendall(b"%x\r\nAction=DescribeVpcs&X=\r\n" % len(b"Action=DescribeVpcs&X="))
        for _ in range(MAX_BODY // len(chunk) + 1):
            sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        sock.sendall(b"0\r\n\r\n")
        answer = b""
        while b"</Response>" not in answer:
            data = sock.recv(65536)
            if not data:
                break
            answer += data
    assert answer.startswith(b"HTTP/1.1 413 "), answer[:200]
    assert b"<Code>RequestEntityTooLarge</Code>" in answer


def test_serve_binds_loopback_by_default(start_server: Any) -> None:
    import argparse
    seen: dict[str, Any] = {}

    def fake_serve(args: argparse.Namespace) -> int:
        seen["host"] = args.host
        return 0
    from api import cli
    original = cli._serve
    cli._serve = fake_serve      # type: ignore[assignment]
    try:
        assert main(["serve"]) == 0
    finally:
        cli._serve = original    # type: ignore[assignment]
    assert seen["host"] == "127.0.0.1"
    # and the real server does not answer on this machine's other addresses
    url = start_server()
    port = int(url.rsplit(":", 1)[1])
    other = _non_loopback_address()
    if other is None:
        pytest.skip("this machine has no non-loopback IPv4 address to try")
    with pytest.raises(OSError):
        socket.create_connection((other, port), timeout=2).close()


def _non_loopback_address() -> str | None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))       # TEST-NET-1: no packet is sent for UDP
            address = str(probe.getsockname()[0])
        except OSError:
            return None
    return None if address.startswith("127.") or address == "0.0.0.0" else address


# -- the web page -----------------------------------------------------------------------------
@pytest.fixture
def web() -> Iterator[tuple[Any, FlaskClient]]:
    world = World(seed=7)
    with mock_ec2(world):
        yield boto3.client("ec2", region_name=REGION), create_app(world).test_client()


def test_web_page_escapes_descriptions_and_names(web: tuple[Any, FlaskClient]) -> None:
    ec2, client = web
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24",
                               TagSpecifications=_tags("subnet", EVIL))["Subnet"]["SubnetId"]
    # AWS allows no < > in group names and descriptions, but & and ; are allowed
    group = ec2.create_security_group(GroupName="g&amp;x", Description="d&lt;b&gt;x",
                                      VpcId=vpc)["GroupId"]
    rtb = ec2.create_route_table(VpcId=vpc, TagSpecifications=[{
        "ResourceType": "route-table", "Tags": [{"Key": "Name", "Value": EVIL}]}])[
        "RouteTable"]["RouteTableId"]
    eni = ec2.create_network_interface(SubnetId=subnet, Description=EVIL)["NetworkInterface"][
        "NetworkInterfaceId"]
    ec2.create_key_pair(KeyName=f"k{EVIL}")
    paths = ["/ui", f"/ui/123456789012/{REGION}", f"/ui/123456789012/{REGION}/{vpc}",
             *(f"/ui/resource/{rid}" for rid in (vpc, subnet, group, rtb, eni))]
    for path in paths:
        answer = client.get(path)
        assert answer.status_code == 200, path
        html = answer.get_data(as_text=True)
        assert "<script>alert" not in html and "<b>x</b>" not in html, path
    for rid in (subnet, rtb, eni):
        assert "&lt;script&gt;alert" in client.get(f"/ui/resource/{rid}").get_data(as_text=True)
    html = client.get(f"/ui/resource/{group}").get_data(as_text=True)
    assert "d&amp;lt;b&amp;gt;x" in html and "g&amp;amp;x" in html
