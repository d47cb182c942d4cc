"""Internet gateway operations through boto3, in-process and against the server."""
from __future__ import annotations

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from topology.network import subnets
from helpers import error

MISSING_IGW = "igw-0123456789abcdef0"


def igws(ec2, **kwargs) -> dict[str, dict]:
    return {g["InternetGatewayId"]: g for g in ec2.describe_internet_gateways(**kwargs)[
        "InternetGateways"]}


@pytest.fixture
def igw(ec2) -> str:
    return ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]


def test_default_vpc_has_an_attached_gateway(ec2):
    default_vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])[
        "Vpcs"][0]["VpcId"]
    found = list(igws(ec2).values())
    assert len(found) == 1
    assert found[0]["Attachments"] == [{"State": "available", "VpcId": default_vpc}]
    assert found[0]["OwnerId"] == "123456789012"


def test_create_gateway_with_tags(ec2):
    gateway = ec2.create_internet_gateway(TagSpecifications=[
        {"ResourceType": "internet-gateway", "Tags": [{"Key": "Name", "Value": "edge"}]}])[
        "InternetGateway"]
    assert gateway["InternetGatewayId"].startswith("igw-")
    assert len(gateway["InternetGatewayId"]) == len("igw-") + 17
    assert gateway["Attachments"] == []
    assert gateway["Tags"] == [{"Key": "Name", "Value": "edge"}]
    assert igws(ec2)[gateway["InternetGatewayId"]]["Tags"] == [{"Key": "Name", "Value": "edge"}]


def test_create_gateway_rejects_wrong_tag_resource_type(ec2):
    with pytest.raises(ClientError) as exc:
        ec2.create_internet_gateway(TagSpecifications=[
            {"ResourceType": "vpc", "Tags": [{"Key": "a", "Value": "b"}]}])
    assert error(exc)[0] == "InvalidParameterValue"
    assert len(igws(ec2)) == 1


def test_attach_and_detach(ec2, vpc, igw):
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    assert igws(ec2)[igw]["Attachments"] == [{"State": "available", "VpcId": vpc}]
    ec2.detach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    assert igws(ec2)[igw]["Attachments"] == []
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)   # and again
    assert igws(ec2)[igw]["Attachments"] == [{"State": "available", "VpcId": vpc}]


def test_gateway_attaches_to_one_vpc_only(ec2, vpc, igw):
    other = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    for target in (other, vpc):
        with pytest.raises(ClientError) as exc:
            ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=target)
        assert error(exc) == ("Resource.AlreadyAssociated",
                              f"resource {igw} is already attached to network {vpc}")
    assert igws(ec2)[igw]["Attachments"] == [{"State": "available", "VpcId": vpc}]


def test_vpc_takes_one_gateway_only(ec2, vpc, igw):
    second = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    with pytest.raises(ClientError) as exc:
        ec2.attach_internet_gateway(InternetGatewayId=second, VpcId=vpc)
    assert error(exc) == ("InvalidParameterValue",
                          f"Network {vpc} already has an internet gateway attached")
    assert igws(ec2)[second]["Attachments"] == []


def test_attach_unknown_ids(ec2, vpc, igw):
    with pytest.raises(ClientError) as exc:
        ec2.attach_internet_gateway(InternetGatewayId=MISSING_IGW, VpcId=vpc)
    assert error(exc) == ("InvalidInternetGatewayID.NotFound",
                          f"The internetGateway ID '{MISSING_IGW}' does not exist")
    with pytest.raises(ClientError) as exc:
        ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId="vpc-0123456789abcdef0")
    assert error(exc) == ("InvalidVpcID.NotFound",
                          "The vpc ID 'vpc-0123456789abcdef0' does not exist")
    assert igws(ec2)[igw]["Attachments"] == []


def test_detach_requires_the_attachment(ec2, vpc, igw):
    with pytest.raises(ClientError) as exc:
        ec2.detach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    assert error(exc) == ("Gateway.NotAttached", f"resource {igw} is not attached to network {vpc}")
    other = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=other)
    with pytest.raises(ClientError) as exc:
        ec2.detach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    assert error(exc) == ("Gateway.NotAttached", f"resource {igw} is not attached to network {vpc}")
    assert igws(ec2)[igw]["Attachments"] == [{"State": "available", "VpcId": other}]


def test_detach_refused_while_public_addresses_are_mapped(ec2, mock, vpc, igw):
    # Network interfaces are another family; plant one holding a public address.
    world = mock.world
    part = world.partition("123456789012", "us-east-1")
    subnet = subnets.create(world, part, vpc, "10.0.1.0/24", zone="us-east-1a")
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    world.add(part, "network-interface", "eni-0123456789abcdef0", Status="in-use",
              Association={"PublicIp": "3.3.3.3"})
    world.link(subnet, "eni-0123456789abcdef0", "contains")
    with pytest.raises(ClientError) as exc:
        ec2.detach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    assert error(exc) == ("DependencyViolation",
                          f"Network {vpc} has some mapped public address(es). Please unmap those "
                          "public address(es) before detaching the gateway.")
    assert igws(ec2)[igw]["Attachments"] == [{"State": "available", "VpcId": vpc}]
    world.update("eni-0123456789abcdef0", Association=None)
    ec2.detach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    assert igws(ec2)[igw]["Attachments"] == []


def test_delete_gateway(ec2, vpc, igw):
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    with pytest.raises(ClientError) as exc:
        ec2.delete_internet_gateway(InternetGatewayId=igw)
    assert error(exc) == ("DependencyViolation",
                          f"The internetGateway '{igw}' has dependencies and cannot be deleted.")
    assert igw in igws(ec2)
    ec2.detach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    ec2.delete_internet_gateway(InternetGatewayId=igw)
    assert igw not in igws(ec2)
    with pytest.raises(ClientError) as exc:
        ec2.delete_internet_gateway(InternetGatewayId=igw)
    assert error(exc) == ("InvalidInternetGatewayID.NotFound",
                          f"The internetGateway ID '{igw}' does not exist")


def test_describe_unknown_and_malformed_ids(ec2, igw):
    with pytest.raises(ClientError) as exc:
        ec2.describe_internet_gateways(InternetGatewayIds=[igw, MISSING_IGW])
    assert error(exc) == ("InvalidInternetGatewayID.NotFound",
                          f"The internetGateway ID '{MISSING_IGW}' does not exist")
    with pytest.raises(ClientError) as exc:
        ec2.describe_internet_gateways(InternetGatewayIds=["vpc-0123456789abcdef0"])
    assert error(exc)[0] == "InvalidInternetGatewayID.Malformed"
    assert list(igws(ec2, InternetGatewayIds=[igw])) == [igw]


def test_dry_run_changes_nothing(ec2, vpc, igw):
    for call, kwargs in ((ec2.create_internet_gateway, {}),
                         (ec2.attach_internet_gateway, {"InternetGatewayId": igw, "VpcId": vpc}),
                         (ec2.delete_internet_gateway, {"InternetGatewayId": igw}),
                         (ec2.describe_internet_gateways, {})):
        with pytest.raises(ClientError) as exc:
            call(DryRun=True, **kwargs)
        assert error(exc)[0] == "DryRunOperation"
    assert igws(ec2)[igw]["Attachments"] == []
    assert len(igws(ec2)) == 2
    with pytest.raises(ClientError) as exc:   # validation runs before the dry-run answer
        ec2.detach_internet_gateway(InternetGatewayId=igw, VpcId=vpc, DryRun=True)
    assert error(exc)[0] == "Gateway.NotAttached"


@pytest.fixture
def tagged(ec2, vpc):
    """Three gateways: `a` attached to `vpc`, `b` and `c` detached, with tags."""
    made = {}
    for name, team in (("a", "red"), ("b", "blue"), ("c", "red")):
        made[name] = ec2.create_internet_gateway(TagSpecifications=[
            {"ResourceType": "internet-gateway",
             "Tags": [{"Key": "Name", "Value": name}, {"Key": "team", "Value": team}]}])[
            "InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=made["a"], VpcId=vpc)
    return made


@pytest.mark.parametrize("name, values, expected", [
    ("tag:team", ["red"], {"a", "c"}),
    ("tag:team", ["r*"], {"a", "c"}),
    ("tag-key", ["team"], {"a", "b", "c"}),
    ("tag-value", ["blue"], {"b"}),
    ("attachment.state", ["available"], {"a", "default"}),
    ("owner-id", ["123456789012"], {"a", "b", "c", "default"}),
    ("owner-id", ["999999999999"], set()),
])
def test_describe_filters(ec2, tagged, name, values, expected):
    default = next(g for g in igws(ec2) if g not in tagged.values())
    names = {**{v: k for k, v in tagged.items()}, default: "default"}
    found = igws(ec2, Filters=[{"Name": name, "Values": values}])
    assert {names[g] for g in found} == expected


def test_describe_filters_by_vpc_and_id(ec2, vpc, tagged):
    found = igws(ec2, Filters=[{"Name": "attachment.vpc-id", "Values": [vpc]}])
    assert list(found) == [tagged["a"]]
    found = igws(ec2, Filters=[{"Name": "internet-gateway-id", "Values": [tagged["b"]]}])
    assert list(found) == [tagged["b"]]
    found = igws(ec2, Filters=[{"Name": "attachment.vpc-id", "Values": [vpc]},
                               {"Name": "tag:team", "Values": ["blue"]}])
    assert found == {}


def test_describe_rejects_unknown_filter(ec2):
    with pytest.raises(ClientError) as exc:
        ec2.describe_internet_gateways(Filters=[{"Name": "vpc-id", "Values": ["x"]}])
    assert error(exc) == ("InvalidParameterValue", "The filter 'vpc-id' is invalid")


def test_describe_pages(ec2):
    made = [ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
            for _ in range(6)]
    seen, token = [], None
    while True:
        kwargs = {"MaxResults": 5, **({"NextToken": token} if token else {})}
        page = ec2.describe_internet_gateways(**kwargs)
        assert len(page["InternetGateways"]) <= 5
        seen += [g["InternetGatewayId"] for g in page["InternetGateways"]]
        token = page.get("NextToken")
        if not token:
            break
    assert len(seen) == 7 and set(made) <= set(seen)
    unchecked = boto3.client("ec2", region_name="us-east-1",
                             config=Config(parameter_validation=False))
    for bad in (4, 1001):
        with pytest.raises(ClientError) as exc:
            unchecked.describe_internet_gateways(MaxResults=bad)
        assert error(exc)[0] == "InvalidParameterValue"


def test_gateway_round_trip_against_server(server_ec2):
    vpc_id = server_ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    igw_id = server_ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    server_ec2.attach_internet_gateway(InternetGatewayId=igw_id, VpcId=vpc_id)
    found = server_ec2.describe_internet_gateways(
        Filters=[{"Name": "attachment.vpc-id", "Values": [vpc_id]}])["InternetGateways"]
    assert [g["InternetGatewayId"] for g in found] == [igw_id]
    with pytest.raises(ClientError) as exc:
        server_ec2.delete_internet_gateway(InternetGatewayId=igw_id)
    assert error(exc)[0] == "DependencyViolation"
    server_ec2.detach_internet_gateway(InternetGatewayId=igw_id, VpcId=vpc_id)
    server_ec2.delete_internet_gateway(InternetGatewayId=igw_id)
