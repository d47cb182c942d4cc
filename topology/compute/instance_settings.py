"""Instance settings changed on their own: CPU options, maintenance options, and
ResetInstanceAttribute.

AWS's rules: CPU options change only while the instance is stopped, to a core count and
threads per core that the type allows (`DescribeInstanceTypes`' `VCpuInfo`); an option not
named keeps its value, and the answer gives all of them. Maintenance options (simplified
automatic recovery, reboot migration) change in any state but terminated. Only `kernel`,
`ramdisk` (while stopped: back to the image's) and `sourceDestCheck` (back to `true`) can be
reset; any other attribute is refused.
"""
from __future__ import annotations

from typing import Any

from ..catalogue import instance_types
from ..core.errors import IncorrectState, InvalidParameterValue
from ..core.family import declare_actions
from ..core.world import Partition, World
from ..network import network_interfaces
from .instance_options import cpu_options
from .instances import primary_interface, state_name

RESETTABLE = ("kernel", "ramdisk", "sourceDestCheck")


def _not_stopped(instance_id: str) -> IncorrectState:
    return IncorrectState(f"The instance '{instance_id}' is not in the 'stopped' state.",
                          "IncorrectInstanceState")


def _check_live(world: World, instance_id: str) -> None:
    if state_name(world, instance_id) in ("shutting-down", "terminated"):
        raise IncorrectState(f"The instance '{instance_id}' is not in a valid state for this "
                             "operation.", "IncorrectInstanceState")


def modify_cpu_options(world: World, part: Partition, instance_id: str,
                       core_count: int | None = None, threads_per_core: int | None = None,
                       nested_virtualization: str | None = None) -> dict[str, Any]:
    """ModifyInstanceCpuOptions: the instance's CPU options as they are now."""
    node = world.get(part, "instance", instance_id)
    if core_count is None and threads_per_core is None and nested_virtualization is None:
        raise InvalidParameterValue("At least one of CoreCount, ThreadsPerCore or "
                                    "NestedVirtualization must be specified.")
    if state_name(world, instance_id) != "stopped":
        raise _not_stopped(instance_id)
    type_name = node["InstanceType"]
    current = dict(node.get("CpuOptions") or {})
    asked = {"CoreCount": current.get("CoreCount") if core_count is None else core_count,
             "ThreadsPerCore": current.get("ThreadsPerCore") if threads_per_core is None
             else threads_per_core}
    options = {**current, **cpu_options(asked, type_name, instance_types.get(type_name) or {})}
    if nested_virtualization is not None:
        options["NestedVirtualization"] = nested_virtualization
    world.update(instance_id, CpuOptions=options)
    return {"InstanceId": instance_id, "CoreCount": options["CoreCount"],
            "ThreadsPerCore": options["ThreadsPerCore"],
            **({"NestedVirtualization": options["NestedVirtualization"]}
               if "NestedVirtualization" in options else {})}


def modify_maintenance_options(world: World, part: Partition, instance_id: str,
                               auto_recovery: str | None = None,
                               reboot_migration: str | None = None) -> dict[str, Any]:
    """ModifyInstanceMaintenanceOptions: the instance's maintenance options as they are now."""
    node = world.get(part, "instance", instance_id)
    _check_live(world, instance_id)
    options = {"AutoRecovery": "default", "RebootMigration": "default",
               **(node.get("MaintenanceOptions") or {})}
    if auto_recovery is not None:
        options["AutoRecovery"] = auto_recovery
    if reboot_migration is not None:
        options["RebootMigration"] = reboot_migration
    world.update(instance_id, MaintenanceOptions=options)
    return {"InstanceId": instance_id, "AutoRecovery": options["AutoRecovery"],
            "RebootMigration": options["RebootMigration"]}


def reset_attribute(world: World, part: Partition, instance_id: str, attribute: str) -> None:
    """ResetInstanceAttribute: kernel and RAM disk back to the image's, source/destination
    checking back on."""
    node = world.get(part, "instance", instance_id)
    if attribute not in RESETTABLE:
        raise InvalidParameterValue(
            f"Value ({attribute}) for parameter attribute is invalid. Only {', '.join(RESETTABLE)} "
            "can be reset.")
    _check_live(world, instance_id)
    if attribute == "sourceDestCheck":
        eni = primary_interface(world, instance_id)
        if eni is not None:
            network_interfaces.set_source_dest_check(world, part, eni, True)
        return
    if state_name(world, instance_id) != "stopped":
        raise _not_stopped(instance_id)
    field = "KernelId" if attribute == "kernel" else "RamdiskId"
    image = world.node(node["ImageId"]) or {}
    world.update(instance_id, **{field: image.get(field)})


# these operations are bound from the functions above (docs/families.md)
declare_actions("instance", {"ModifyInstanceCpuOptions": modify_cpu_options,
                             "ModifyInstanceMaintenanceOptions": modify_maintenance_options,
                             "ResetInstanceAttribute": reset_attribute})
