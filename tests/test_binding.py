"""The operations made from family declarations (api/binding.py, docs/families.md)."""
from __future__ import annotations

from typing import Any

import pytest

from api import binding, protocol
from api.dispatch import handlers
from topology.core.family import ACTIONS, FAMILIES, Family


def bound() -> set[str]:
    return {name for name, fn in handlers().items() if getattr(fn, "bound", False)}


def test_plain_operations_are_bound_and_hand_written_ones_win() -> None:
    made = bound()
    assert {"CreateInternetGateway", "DeleteInternetGateway", "DescribeInternetGateways",
            "DescribeVpcs", "DeleteVpc", "DeleteNatGateway"} <= made
    # these have real logic: their families declare no such function, or a handler answers
    assert not {"CreateVpc", "DescribeSecurityGroups", "DeleteCarrierGateway",
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
