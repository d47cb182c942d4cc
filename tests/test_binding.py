"""The operations made from family declarations (api/binding.py, docs/families.md)."""
from __future__ import annotations

from typing import Any

import pytest

from api import binding, protocol
from api.dispatch import handlers
from topology.core.family import ACTIONS, FAMILIES, Attribute, Family

from helpers import fails


def bound() -> set[str]:
    return {name for name, fn in handlers().items() if getattr(fn, "bound", False)}


def test_plain_operations_are_bound_and_hand_written_ones_win() -> None:
    made = bound()
    assert {"CreateInternetGateway", "DeleteInternetGateway", "DescribeInternetGateways",
            "DescribeVpcs", "DeleteVpc", "DeleteNatGateway", "DeleteCarrierGateway",
            "AssociateRouteTable", "DeleteTransitGatewayVpcAttachment"} <= made
    # these have real logic: their families declare no such function, or a handler answers
    assert not {"CreateVpc", "DescribeSecurityGroups", "CreateRouteTable",
                "DescribeNatGateways"} & made
    # each comes from a family, or from actions a family's other modules declare
    assert all(FAMILIES.get(fn.__qualname__.partition(":")[0]) is not None or name in ACTIONS
               for name, fn in handlers().items() if name in made)


def _view(world: Any, rid: str) -> dict[str, Any]:
    return {}


def test_a_declaration_the_model_cannot_carry_fails_at_load() -> None:
    def create(world: Any, part: Any, colour: str) -> str:
        return "igw-1"

    family = Family("internet-gateway", view=_view, create=create)
    with pytest.raises(binding.BindingError, match="colour"):
        binding._create(family, protocol.operation("CreateInternetGateway"))


def test_an_action_named_like_the_family_describe_is_bound_as_the_action() -> None:
    """A kind whose noun makes `Describe{noun}` an operation it declares as an action (the
    id-format settings' DescribeIdFormat) gets that action, not an empty family Describe."""
    def read(world: Any, part: Any) -> dict[str, Any]:
        return {}

    family = Family("id-format", view=_view, actions={"DescribeIdFormat": read})
    made = [build for name, build in binding._operations(family) if name == "DescribeIdFormat"]
    assert made == [binding._action]


def test_create_fills_parameters_by_member_name_and_echoes_the_token(ec2, vpc) -> None:
    made = ec2.create_egress_only_internet_gateway(VpcId=vpc, ClientToken="tok-1")
    assert made["ClientToken"] == "tok-1"
    gateway = made["EgressOnlyInternetGateway"]
    assert gateway["Attachments"] == [{"State": "attached", "VpcId": vpc}]
    assert ec2.delete_egress_only_internet_gateway(
        EgressOnlyInternetGatewayId=gateway["EgressOnlyInternetGatewayId"])["ReturnCode"] is True


def test_describe_pages_with_the_one_codec(ec2) -> None:
    made = [ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
            for _ in range(7)]
    seen, token, pages = [], None, 0
    while True:
        page = ec2.describe_internet_gateways(
            MaxResults=5, **({"NextToken": token} if token else {}),
            Filters=[{"Name": "internet-gateway-id", "Values": made}])
        seen += [g["InternetGatewayId"] for g in page["InternetGateways"]]
        pages += 1
        token = page.get("NextToken")
        if not token:
            break
    assert seen == made and pages == 2


def test_actions_and_attributes_are_bound_from_declarations() -> None:
    made = bound()
    assert {"AttachInternetGateway", "CreateNetworkAclEntry", "StartInstances", "CreateTags",
            "DescribeVpcAttribute", "ModifyVpcAttribute", "ModifyNetworkInterfaceAttribute",
            "DescribeSnapshotAttribute", "GetEbsDefaultKmsKeyId"} <= made
    # real logic keeps its handler: RunInstances, a create answered in another state
    assert not {"RunInstances", "CreateVpcEndpoint", "AttachNetworkInterface"} & made


def test_an_action_the_model_cannot_carry_fails_at_load() -> None:
    def attach(world: Any, part: Any, internet_gateway_id: str, colour: str) -> None:
        return None

    def answers(world: Any, part: Any, instance_ids: list[str]) -> None:
        return None

    with pytest.raises(binding.BindingError, match="colour"):
        binding._action(Family("internet-gateway", view=_view,
                               actions={"AttachInternetGateway": attach}),
                        protocol.operation("AttachInternetGateway"))
    with pytest.raises(binding.BindingError, match="returns nothing"):
        binding._action(Family("instance", view=_view, actions={"StartInstances": answers}),
                        protocol.operation("StartInstances"))


def test_attributes_must_cover_the_models() -> None:
    partial = (Attribute("EnableDnsSupport", "enableDnsSupport"),)
    with pytest.raises(binding.BindingError, match="enableDnsHostnames"):
        binding._describe_attribute(Family("vpc", view=_view, attributes=partial),
                                    protocol.operation("DescribeVpcAttribute"))
    with pytest.raises(binding.BindingError, match="EnableDnsHostnames"):
        binding._modify_attribute(Family("vpc", view=_view, attributes=partial),
                                  protocol.operation("ModifyVpcAttribute"))


def test_an_action_answers_from_the_output_shape(ec2, vpc) -> None:
    gateway = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    attached = ec2.attach_internet_gateway(InternetGatewayId=gateway, VpcId=vpc)
    assert set(attached) == {"ResponseMetadata"}                  # the output has no members
    table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    assert ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0",
                            GatewayId=gateway)["Return"] is True  # Return: true
    key_id = ec2.create_key_pair(KeyName="bound")["KeyPairId"]
    deleted = ec2.delete_key_pair(KeyName="bound")                 # the one member it fills
    assert deleted["Return"] is True and deleted["KeyPairId"] == key_id


def test_attributes_wrap_values_and_take_one_at_a_time(ec2, vpc) -> None:
    answer = ec2.describe_vpc_attribute(VpcId=vpc, Attribute="enableDnsSupport")
    assert answer["VpcId"] == vpc and answer["EnableDnsSupport"] == {"Value": True}
    assert fails(ec2.modify_vpc_attribute, VpcId=vpc, EnableDnsSupport={"Value": False},
                 EnableDnsHostnames={"Value": False}) == (
        "InvalidParameterCombination",
        "Fields for multiple attribute types specified: enableDnsSupport, enableDnsHostnames")
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsSupport={"Value": False})
    assert fails(ec2.modify_vpc_attribute, VpcId=vpc, EnableDnsHostnames={"Value": True}) == (
        "InvalidParameterValue",
        "Cannot enable DNS hostnames when DNS support is disabled for the VPC.")
    assert fails(ec2.modify_vpc_attribute, VpcId="vpc-12345678",
                 EnableDnsSupport={"Value": True})[0] == "InvalidVpcID.NotFound"
