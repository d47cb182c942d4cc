"""DescribeInstanceAttribute and ModifyInstanceAttribute: one attribute at a time.

Attributes read from the node, except `sourceDestCheck` and `groupSet` (the primary network
interface's) and `blockDeviceMapping` (the volumes ATTACHED to the instance).

AWS's rules for changes: one attribute per call; the instance type, kernel, RAM disk, user
data, EBS optimization, SR-IOV and ENA support change only while the instance is stopped
("The instance 'i-...' is not in the 'stopped' state."); the shutdown behavior is `stop` or
`terminate`; a block device mapping change names a device the instance has; the root
device name, product codes and enclave options cannot be changed.
"""
from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

from ..catalogue import instance_types
from ..core.errors import (IncorrectState, InvalidParameterCombination, InvalidParameterValue,
                           MissingParameter, TopologyError)
from ..core.family import declare_actions
from ..core.world import Partition, World
from ..network import interface_views, network_interfaces
from . import volumes
from .instance_options import (MAX_USER_DATA, bandwidth_weighting, burstable, cpu_options,
                               default_credits)
from .instances import TYPE_INDEX, primary_interface, state_name

Reader = Callable[[World, str, dict[str, Any]], dict[str, Any]]


def _value(value: Any) -> dict[str, Any]:
    """boto3's `AttributeValue`: empty when there is nothing to say."""
    return {} if value is None else {"Value": value}


def _primary(world: World, instance_id: str) -> dict[str, Any] | None:
    eni = primary_interface(world, instance_id)
    return interface_views.instance_view(world, eni) if eni is not None else None


def _source_dest(world: World, instance_id: str, node: dict[str, Any]) -> dict[str, Any]:
    primary = _primary(world, instance_id)
    return {"SourceDestCheck": _value(primary.get("SourceDestCheck") if primary else None)}


def _groups(world: World, instance_id: str, node: dict[str, Any]) -> dict[str, Any]:
    primary = _primary(world, instance_id)
    return {"Groups": list(primary.get("Groups") or []) if primary else []}


def _mappings(world: World, instance_id: str, node: dict[str, Any]) -> dict[str, Any]:
    return {"BlockDeviceMappings": volumes.instance_mappings(world, instance_id)}


READERS: dict[str, Reader] = {
    "instanceType": lambda w, i, n: {"InstanceType": _value(n["InstanceType"])},
    "kernel": lambda w, i, n: {"KernelId": _value(n.get("KernelId"))},
    "ramdisk": lambda w, i, n: {"RamdiskId": _value(n.get("RamdiskId"))},
    "userData": lambda w, i, n: {"UserData": _value(n.get("user_data"))},
    "disableApiTermination": lambda w, i, n: {
        "DisableApiTermination": _value(bool(n.get("api_termination_disabled")))},
    "instanceInitiatedShutdownBehavior": lambda w, i, n: {
        "InstanceInitiatedShutdownBehavior": _value(n.get("shutdown_behavior", "stop"))},
    "rootDeviceName": lambda w, i, n: {"RootDeviceName": _value(n.get("RootDeviceName"))},
    "blockDeviceMapping": _mappings,
    "productCodes": lambda w, i, n: {"ProductCodes": list(n.get("ProductCodes") or [])},
    "sourceDestCheck": _source_dest,
    "groupSet": _groups,
    "ebsOptimized": lambda w, i, n: {"EbsOptimized": _value(bool(n.get("EbsOptimized")))},
    "sriovNetSupport": lambda w, i, n: {"SriovNetSupport": _value(n.get("SriovNetSupport"))},
    "enaSupport": lambda w, i, n: {"EnaSupport": _value(bool(n.get("EnaSupport")))},
    "enclaveOptions": lambda w, i, n: {"EnclaveOptions": dict(n.get("EnclaveOptions") or {
        "Enabled": False})},
    "disableApiStop": lambda w, i, n: {"DisableApiStop": _value(bool(n.get("api_stop_disabled")))},
}


def known(attribute: str) -> str:
    """The attribute, checked before the instance is. Unlike enum values, AWS takes the
    names in their own case only (`Kernel`, `userdata` are unknown)."""
    if attribute not in READERS:
        raise InvalidParameterValue(
            f"Value ({attribute}) for parameter attribute is invalid. Unknown attribute.")
    return attribute


def describe(world: World, part: Partition, instance_id: str, attribute: str) -> dict[str, Any]:
    attribute = known(attribute)
    node = world.get(part, "instance", instance_id)
    return {"InstanceId": instance_id, **READERS[attribute](world, instance_id, node)}


# -- modify -----------------------------------------------------------------------------------
# ModifyInstanceAttribute member -> the attribute it changes
MEMBERS = {
    "SourceDestCheck": "sourceDestCheck", "DisableApiStop": "disableApiStop",
    "DisableApiTermination": "disableApiTermination", "InstanceType": "instanceType",
    "Kernel": "kernel", "Ramdisk": "ramdisk", "UserData": "userData",
    "InstanceInitiatedShutdownBehavior": "instanceInitiatedShutdownBehavior",
    "Groups": "groupSet", "EbsOptimized": "ebsOptimized", "SriovNetSupport": "sriovNetSupport",
    "EnaSupport": "enaSupport", "BlockDeviceMappings": "blockDeviceMapping",
}
BOOLEAN = {"sourceDestCheck", "disableApiStop", "disableApiTermination", "ebsOptimized",
           "enaSupport"}
WHILE_STOPPED = {"instanceType", "kernel", "ramdisk", "userData", "ebsOptimized",
                 "sriovNetSupport", "enaSupport"}
FIXED = {"rootDeviceName", "productCodes", "enclaveOptions"}


def requested(params: dict[str, Any]) -> tuple[str, Any]:
    """The one (attribute, value) a ModifyInstanceAttribute request asks for."""
    given: dict[str, Any] = {}
    for member, attribute in MEMBERS.items():
        if member not in params:
            continue
        raw = params[member]
        given[attribute] = raw.get("Value") if isinstance(raw, dict) else raw
    if params.get("Attribute"):
        attribute = known(params["Attribute"])
        if "Value" in params:
            given[attribute] = _from_text(attribute, params["Value"])
        elif attribute not in given:
            raise MissingParameter("The request must contain the parameter value")
    if not given:
        raise MissingParameter("The request must contain the parameter attribute")
    if len(given) > 1:
        raise InvalidParameterCombination(
            "Fields for multiple attribute types specified: " + ", ".join(given))
    attribute, value = next(iter(given.items()))
    if value is None and attribute != "blockDeviceMapping":
        raise MissingParameter("The request must contain the parameter value")
    return attribute, value


def _from_text(attribute: str, text: str) -> Any:
    if attribute in BOOLEAN:
        if text.lower() not in ("true", "false"):
            raise InvalidParameterValue(f"Value ({text}) for parameter {attribute} is invalid.")
        return text.lower() == "true"
    if attribute == "userData":
        return text.encode()
    if attribute == "groupSet":
        return [text]
    return text


def modify(world: World, part: Partition, instance_id: str, params: dict[str, Any]) -> None:
    attribute, value = requested(params)
    world.get(part, "instance", instance_id)
    current = state_name(world, instance_id)
    if attribute in FIXED:
        raise InvalidParameterValue(f"Value ({attribute}) for parameter attribute is invalid. "
                                    "This attribute cannot be modified.")
    if current in ("shutting-down", "terminated"):
        raise IncorrectState(f"The instance '{instance_id}' is not in a valid state for this "
                             "operation.", "IncorrectInstanceState")
    if attribute in WHILE_STOPPED and current != "stopped":
        raise IncorrectState(f"The instance '{instance_id}' is not in the 'stopped' state.",
                             "IncorrectInstanceState")
    WRITERS[attribute](world, part, instance_id, value)


def _set(field: str, convert: Callable[[Any], Any] = lambda v: v):
    def write(world: World, part: Partition, instance_id: str, value: Any) -> None:
        world.update(instance_id, **{field: convert(value)})
    return write


def _instance_type(world: World, part: Partition, instance_id: str, value: str) -> None:
    info = instance_types.get(value)
    if info is None:   # botocore: "the error returned is InvalidInstanceAttributeValue"
        raise TopologyError(f"Invalid value '{value}' for InstanceType.",
                            "InvalidInstanceAttributeValue")
    node = world.graph.nodes[instance_id]
    # a configured weighting must go back to `default` first if the new type lacks it
    # (ModifyInstanceAttribute's documentation)
    bandwidth_weighting(value, info, (node.get("NetworkPerformanceOptions") or {}).get(
        "BandwidthWeighting"))
    credits = node.get("cpu_credits")
    if burstable(value, info):
        credits = credits or default_credits(value, part)
    else:
        credits = None
    world.unclaim(part, TYPE_INDEX, node["InstanceType"], instance_id)
    world.claim(part, TYPE_INDEX, value, instance_id)
    world.update(instance_id, InstanceType=value, cpu_credits=credits,
                 CpuOptions=cpu_options(None, value, info))


def _shutdown(world: World, part: Partition, instance_id: str, value: str) -> None:
    if value not in ("stop", "terminate"):
        raise InvalidParameterValue(f"Value ({value}) for parameter "
                                    "instanceInitiatedShutdownBehavior is invalid. Valid values "
                                    "are: stop, terminate")
    world.update(instance_id, shutdown_behavior=value)


def _sriov(world: World, part: Partition, instance_id: str, value: str) -> None:
    if value != "simple":
        raise InvalidParameterValue(f"Value ({value}) for parameter sriovNetSupport is "
                                    "invalid. Valid values are: simple")
    world.update(instance_id, SriovNetSupport=value)


def _user_data(world: World, part: Partition, instance_id: str, value: bytes) -> None:
    if len(value) > MAX_USER_DATA:
        raise InvalidParameterValue(f"User data is limited to {MAX_USER_DATA} bytes")
    world.update(instance_id, user_data=base64.b64encode(value).decode("ascii") if value
                 else None)


def _source_dest_check(world: World, part: Partition, instance_id: str, value: bool) -> None:
    eni = primary_interface(world, instance_id)
    network_interfaces.set_source_dest_check(world, part, eni, bool(value))


def _group_set(world: World, part: Partition, instance_id: str, value: list[str]) -> None:
    eni = primary_interface(world, instance_id)
    network_interfaces.set_groups(world, part, eni, list(value))


def _block_devices(world: World, part: Partition, instance_id: str,
                   value: list[dict[str, Any]]) -> None:
    attached = {data["Device"]: vol for vol, data in volumes.attached_volumes(world, instance_id)}
    for mapping in value or []:
        device = mapping.get("DeviceName")
        ebs = mapping.get("Ebs") or {}
        if device in attached and ebs.get("VolumeId") not in (None, attached[device]):
            raise TopologyError(f"The volume '{ebs['VolumeId']}' is not attached at {device}",
                                "InvalidInstanceAttributeValue")
        if ebs.get("DeleteOnTermination") is not None or device not in attached:
            volumes.set_delete_on_termination(world, instance_id, device,
                                              bool(ebs.get("DeleteOnTermination")))


WRITERS: dict[str, Callable[[World, Partition, str, Any], None]] = {
    "instanceType": _instance_type,
    "kernel": _set("KernelId"),
    "ramdisk": _set("RamdiskId"),
    "userData": _user_data,
    "disableApiTermination": _set("api_termination_disabled", bool),
    "disableApiStop": _set("api_stop_disabled", bool),
    "instanceInitiatedShutdownBehavior": _shutdown,
    "ebsOptimized": _set("EbsOptimized", bool),
    "sriovNetSupport": _sriov,
    "enaSupport": _set("EnaSupport", bool),
    "sourceDestCheck": _source_dest_check,
    "groupSet": _group_set,
    "blockDeviceMapping": _block_devices,
}

# these operations are bound from the functions above (docs/families.md)
declare_actions("instance", {"DescribeInstanceAttribute": describe,
                             "ModifyInstanceAttribute": modify})
