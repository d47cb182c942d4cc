"""CPU credits of burstable instances: the account's default per instance family, and an
instance's own option.

GetDefaultCreditSpecification / ModifyDefaultCreditSpecification keep one partition
attribute per family (`instance_options.DEFAULT_CREDITS`), which RunInstances reads when a
launch names no credit specification: AWS's defaults are `standard` for T2 and `unlimited`
for every later family. ModifyInstanceCreditSpecification answers each instance on its own:
a malformed or unknown id, a terminated instance or a type without credits is an
`Unsuccessful` item, the others change and are `Successful`.
"""
from __future__ import annotations

from typing import Any

from ..catalogue import instance_types
from ..core.errors import MissingParameter, TopologyError
from ..core.family import declare_actions
from ..core.world import Partition, World, is_id_of
from .instance_options import CREDIT_OPTIONS, DEFAULT_CREDITS, burstable, default_credits
from .instances import state_name


def _check_credits(value: str | None) -> str:
    if value is None:
        raise MissingParameter("The request must contain the parameter CpuCredits")
    if value not in CREDIT_OPTIONS:
        raise TopologyError(f"The specified CpuCredit value '{value}' is invalid. Valid values "
                            "are standard and unlimited.", "InvalidCpuCredits")
    return value


def get_default(world: World, part: Partition, instance_family: str) -> dict[str, Any]:
    """GetDefaultCreditSpecification: `{InstanceFamily, CpuCredits}`."""
    return {"InstanceFamily": instance_family,
            "CpuCredits": default_credits(f"{instance_family}.", part)}


def modify_default(world: World, part: Partition, instance_family: str, cpu_credits: str
                   ) -> dict[str, Any]:
    """ModifyDefaultCreditSpecification: the family's new default, kept for later launches."""
    _check_credits(cpu_credits)
    world.set_attribute(part, DEFAULT_CREDITS.format(instance_family), cpu_credits)
    return get_default(world, part, instance_family)


def _refusal(world: World, part: Partition, instance_id: str) -> tuple[str, str] | None:
    """(code, message) if the instance's credit option cannot change, else None."""
    if not is_id_of("i", instance_id):
        return "InvalidInstanceID.Malformed", f"Invalid id: \"{instance_id}\""
    node = world.node(instance_id)
    if node is None or node.get("kind") != "instance" or node.get("account") != part.account \
            or node.get("region") != part.region:
        return ("InvalidInstanceID.NotFound",
                f"The instance ID '{instance_id}' does not exist")
    if state_name(world, instance_id) in ("shutting-down", "terminated"):
        return ("IncorrectInstanceState",
                f"The instance '{instance_id}' is not in a valid state for this operation.")
    type_name = node["InstanceType"]
    if not burstable(type_name, instance_types.get(type_name) or {}):
        return ("InstanceCreditSpecification.NotSupported",
                f"The instance type {type_name} does not support the credit specification "
                "option.")
    return None


def modify_instances(world: World, part: Partition,
                     instance_credit_specifications: list[dict[str, Any]]) -> dict[str, Any]:
    """ModifyInstanceCreditSpecification: each instance succeeds or fails on its own."""
    seen: set[str] = set()
    for item in instance_credit_specifications:
        _check_credits(item.get("CpuCredits"))
        if item["InstanceId"] in seen:
            raise TopologyError("The request may not contain duplicate instance IDs: "
                                f"'{item['InstanceId']}'.",
                                "InvalidInstanceCreditSpecification.DuplicateInstanceId")
        seen.add(item["InstanceId"])
    done, failed = [], []
    for item in instance_credit_specifications:
        instance_id = item["InstanceId"]
        refusal = _refusal(world, part, instance_id)
        if refusal is not None:
            failed.append({"InstanceId": instance_id,
                           "Error": {"Code": refusal[0], "Message": refusal[1]}})
            continue
        world.update(instance_id, cpu_credits=item["CpuCredits"])
        done.append({"InstanceId": instance_id})
    return {"SuccessfulInstanceCreditSpecifications": done,
            "UnsuccessfulInstanceCreditSpecifications": failed}


# these operations are bound from the functions above (docs/families.md)
declare_actions("instance", {"GetDefaultCreditSpecification": get_default,
                             "ModifyDefaultCreditSpecification": modify_default,
                             "ModifyInstanceCreditSpecification": modify_instances})
