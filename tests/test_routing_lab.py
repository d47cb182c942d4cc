"""The routing tests' lab (tiny networks built through boto3) and the checks that every
answer has AWS's shapes: path components and explanations are botocore's `PathComponent` and
`Explanation`, explanation codes are AWS's.

Other `test_routing_*` modules import `Lab` and the `lab` fixture from here.
"""
from __future__ import annotations

import doctest
import importlib
from pathlib import Path
from typing import Any

import botocore.session
import pytest

import routing
from routing.explanations import VOCABULARY

AMI = "ami-057c3ffbeeff55523"          # al2023 x86_64, public catalogue of us-east-1
ZONE_A, ZONE_B = "us-east-1a", "us-east-1b"
MODEL = botocore.session.get_session().get_service_model("ec2")
CODES_FILE = Path("/work/shared/reachability-explanation-codes.txt")


class Lab:
    """Builds small networks with boto3 and asks the engine about them."""

    def __init__(self, ec2: Any, world: Any) -> None:
        self.ec2, self.world = ec2, world

    # -- building --------------------------------------------------------------------------
    def vpc(self, cidr: str = "10.0.0.0/16") -> str:
        return self.ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]

    def subnet(self, vpc: str, cidr: str, zone: str = ZONE_A) -> str:
        return self.ec2.create_subnet(VpcId=vpc, CidrBlock=cidr,
                                      AvailabilityZone=zone)["Subnet"]["SubnetId"]

    def group(self, vpc: str, name: str, *ingress: tuple[str, int, str],
              egress: list[tuple[str, int, str]] | None = None) -> str:
        """A group allowing `ingress` (protocol, port, CIDR or group id); all egress unless
        `egress` is given (then exactly those)."""
        sg = self.ec2.create_security_group(GroupName=name, Description=name,
                                            VpcId=vpc)["GroupId"]
        if ingress:
            self.ec2.authorize_security_group_ingress(
                GroupId=sg, IpPermissions=[permission(*rule) for rule in ingress])
        if egress is not None:
            self.ec2.revoke_security_group_egress(GroupId=sg, IpPermissions=[
                {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
            if egress:
                self.ec2.authorize_security_group_egress(
                    GroupId=sg, IpPermissions=[permission(*rule) for rule in egress])
        return sg

    def instance(self, subnet: str, *groups: str, public: bool = False) -> tuple[str, str]:
        """(instance id, primary interface id)."""
        nic: dict[str, Any] = {"DeviceIndex": 0, "SubnetId": subnet,
                               "AssociatePublicIpAddress": public}
        if groups:
            nic["Groups"] = list(groups)
        found = self.ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1,
                                       InstanceType="t3.micro", NetworkInterfaces=[nic])
        instance = found["Instances"][0]
        return instance["InstanceId"], instance["NetworkInterfaces"][0]["NetworkInterfaceId"]

    def address_of(self, eni: str) -> str:
        return self.ec2.describe_network_interfaces(
            NetworkInterfaceIds=[eni])["NetworkInterfaces"][0]["PrivateIpAddress"]

    def table(self, vpc: str, *subnets: str) -> str:
        rtb = self.ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
        for subnet in subnets:
            self.ec2.associate_route_table(RouteTableId=rtb, SubnetId=subnet)
        return rtb

    def main_table(self, vpc: str) -> str:
        return self.ec2.describe_route_tables(Filters=[
            {"Name": "vpc-id", "Values": [vpc]},
            {"Name": "association.main", "Values": ["true"]}])["RouteTables"][0]["RouteTableId"]

    def route(self, rtb: str, cidr: str, **target: str) -> None:
        key = "DestinationPrefixListId" if cidr.startswith("pl-") else "DestinationCidrBlock"
        self.ec2.create_route(RouteTableId=rtb, **{key: cidr}, **target)

    def igw(self, vpc: str) -> str:
        igw = self.ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
        self.ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
        return igw

    def acl(self, vpc: str, subnet: str, *entries: tuple[int, bool, str, str, str, int, int]
            ) -> str:
        """A new ACL for `subnet` holding `entries`: (rule number, egress, protocol, action,
        CIDR, from port, to port)."""
        acl = self.ec2.create_network_acl(VpcId=vpc)["NetworkAcl"]["NetworkAclId"]
        for number, egress, protocol, action, cidr, low, high in entries:
            self.ec2.create_network_acl_entry(
                NetworkAclId=acl, RuleNumber=number, Egress=egress, Protocol=protocol,
                RuleAction=action, CidrBlock=cidr, PortRange={"From": low, "To": high})
        current = self.ec2.describe_network_acls(Filters=[
            {"Name": "association.subnet-id", "Values": [subnet]}])["NetworkAcls"][0]
        assoc = next(a["NetworkAclAssociationId"] for a in current["Associations"]
                     if a["SubnetId"] == subnet)
        self.ec2.replace_network_acl_association(AssociationId=assoc, NetworkAclId=acl)
        return acl

    # -- asking ----------------------------------------------------------------------------
    def reach(self, source: str, destination: str | None = None, **kwargs: Any
              ) -> routing.Analysis:
        answer = routing.reachability(self.world, source, destination, **kwargs)
        check_shapes(answer)
        return answer


def permission(protocol: str, port: int, peer: str) -> dict[str, Any]:
    perm: dict[str, Any] = {"IpProtocol": protocol}
    if protocol in ("tcp", "udp"):
        perm.update(FromPort=port, ToPort=port)
    elif protocol == "icmp":
        perm.update(FromPort=-1, ToPort=-1)
    if peer.startswith("sg-"):
        perm["UserIdGroupPairs"] = [{"GroupId": peer}]
    elif peer.startswith("pl-"):
        perm["PrefixListIds"] = [{"PrefixListId": peer}]
    else:
        perm["IpRanges"] = [{"CidrIp": peer}]
    return perm


def codes(answer: routing.Analysis) -> list[str]:
    return [e["ExplanationCode"] for e in answer.explanations]


def ids(path: list[dict[str, Any]]) -> list[str]:
    return [step["Component"]["Id"] for step in path]


def kinds(path: list[dict[str, Any]]) -> list[str]:
    return [step["Component"]["Id"].rsplit("-", 1)[0] for step in path]


# -- shapes ------------------------------------------------------------------------------------
def check_shapes(answer: routing.Analysis) -> None:
    """Every component and explanation is botocore's shape, numbered from 1, codes AWS's."""
    for path in (answer.forward_path, answer.return_path):
        assert [step["SequenceNumber"] for step in path] == list(range(1, len(path) + 1))
        for step in path:
            conforms(step, MODEL.shape_for("PathComponent"))
    for item in answer.explanations:
        conforms(item, MODEL.shape_for("Explanation"))
        assert item["ExplanationCode"] in VOCABULARY
    assert answer.network_path_found == (not answer.explanations)


def conforms(value: Any, shape: Any) -> None:
    if shape.type_name == "structure":
        assert isinstance(value, dict), (shape.name, value)
        unknown = set(value) - set(shape.members)
        assert not unknown, (shape.name, unknown)
        for key, item in value.items():
            conforms(item, shape.members[key])
    elif shape.type_name == "list":
        assert isinstance(value, list), (shape.name, value)
        for item in value:
            conforms(item, shape.member)
    elif shape.type_name == "integer":
        assert isinstance(value, int) and not isinstance(value, bool), (shape.name, value)
    elif shape.type_name == "boolean":
        assert isinstance(value, bool), (shape.name, value)
    else:
        assert isinstance(value, str), (shape.name, value)
        if shape.name == "IpAddress":
            assert "/" not in value and value.count(".") == 3, value


@pytest.fixture
def lab(ec2: Any, mock: Any) -> Lab:
    return Lab(ec2, mock.world)


# -- tests of the shapes themselves ------------------------------------------------------------
@pytest.mark.skipif(not CODES_FILE.exists(), reason="the shared vocabulary file is not here")
def test_vocabulary_is_the_documented_one():
    documented = {line.strip() for line in CODES_FILE.read_text().splitlines()
                  if line.strip() and not line.startswith("#")}
    assert VOCABULARY == documented


def test_unknown_explanation_code_is_refused():
    with pytest.raises(ValueError):
        routing.explanations.explanation("BLACKHOLE_ROUTE")


def test_shape_checker_catches_a_stray_member():
    with pytest.raises(AssertionError):
        conforms({"Component": {"Id": "i-1"}, "Hop": 1}, MODEL.shape_for("PathComponent"))


@pytest.mark.parametrize("name", ["packet", "explanations"])
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(f"routing.{name}")
    failed, tried = doctest.testmod(module)
    assert tried and failed == 0
