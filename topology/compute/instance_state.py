"""The instance lifecycle: start, stop (and hibernate), reboot, terminate.

States and codes are AWS's: pending 0, running 16, shutting-down 32, terminated 48,
stopping 64, stopped 80. The simulator has no clock, so a transition completes within the
call: the answer shows the transitional state (`pending`, `stopping`, `shutting-down`) as
`CurrentState`, and the next describe shows where it lands (`running`, `stopped`,
`terminated`). Asking for the state an instance is already in answers that state twice.

AWS's rules: only stopped (or already running) instances start; terminated ones do not
stop; instances with an instance-store root cannot be stopped; termination protection
(`disableApiTermination`) and stop protection (`disableApiStop`) refuse the whole request;
stopping releases the auto-assigned public IPv4 (Elastic IPs stay) and starting assigns a
new one; terminating deletes the network interfaces and volumes marked DeleteOnTermination,
detaches the others, and ends the IAM instance profile association. A terminated instance
stays visible, with no network left.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..core.clock import now
from ..core.errors import IncorrectState, TopologyError
from ..core.family import declare_actions
from ..core.registry import Registry
from ..core.world import Partition, World
from ..network import network_interfaces, secondary_interfaces
from . import capacity_reservation_launch, volumes
from .instances import (get_all, gmt, interfaces, primary_interface, profile_association,
                        set_state, state, state_name)

SHUTDOWN = {"Code": "Client.UserInitiatedShutdown",
            "Message": "Client.UserInitiatedShutdown: User initiated shutdown"}
HIBERNATE = {"Code": "Client.UserInitiatedHibernate",
             "Message": "Client.UserInitiatedHibernate: User initiated hibernate"}
# what a family that hosts instances (Dedicated Hosts) checks before a stopped instance
# starts, raising AWS's error; it returns what then places the instance (or None)
STARTERS: Registry[Callable[[World, Partition, str], Callable[[], None] | None]] = Registry(
    "what a family checks before a stopped instance starts, and how it places it")


def change(instance_id: str, previous: str, current: str) -> dict[str, Any]:
    """boto3's `InstanceStateChange`."""
    return {"InstanceId": instance_id, "CurrentState": state(current),
            "PreviousState": state(previous)}


def _wrong_state(instance_id: str, verb: str) -> IncorrectState:
    return IncorrectState(f"The instance '{instance_id}' is not in a state from which it can "
                          f"be {verb}.", "IncorrectInstanceState")


def _reason() -> str:
    return f"User initiated ({gmt(now())})"


# -- start ------------------------------------------------------------------------------------
def start(world: World, part: Partition, instance_ids: list[str]) -> list[dict[str, Any]]:
    instance_ids = get_all(world, part, instance_ids)
    for instance_id in instance_ids:
        if state_name(world, instance_id) not in ("stopped", "pending", "running"):
            raise _wrong_state(instance_id, "started")
    out = []
    for instance_id in instance_ids:
        previous = state_name(world, instance_id)
        if previous != "stopped":
            out.append(change(instance_id, previous, previous))
            continue
        _place(world, part, instance_id)   # after the ones before it: they hold capacity
        capacity_reservation_launch.restart(world, part, instance_id)
        set_state(world, part, instance_id, "running", StateTransitionReason="",
                  StateReason=None)
        _restore_public_ip(world, part, instance_id)
        out.append(change(instance_id, previous, "pending"))
    return out


def _place(world: World, part: Partition, instance_id: str) -> None:
    """Where a stopped instance starts, as `STARTERS` answer (raising AWS's error)."""
    for _, check in STARTERS.items():
        placer = check(world, part, instance_id)
        if placer is not None:
            placer()


def _restore_public_ip(world: World, part: Partition, instance_id: str) -> None:
    eni = primary_interface(world, instance_id)
    if eni is not None and world.graph.nodes[eni].get("wants_public") \
            and network_interfaces.public_ip(world, eni) is None:
        network_interfaces.assign_public_ip(world, part, eni)


# -- stop -------------------------------------------------------------------------------------
def stop(world: World, part: Partition, instance_ids: list[str], *, hibernate: bool = False,
         force: bool = False) -> list[dict[str, Any]]:
    instance_ids = get_all(world, part, instance_ids)
    for instance_id in instance_ids:
        _check_stop(world, instance_id, hibernate)
    out = []
    for instance_id in instance_ids:
        previous = state_name(world, instance_id)
        if previous in ("stopped", "stopping"):
            out.append(change(instance_id, previous, previous))
            continue
        _release_public_ip(world, part, instance_id)
        set_state(world, part, instance_id, "stopped", StateTransitionReason=_reason(),
                  StateReason=dict(HIBERNATE if hibernate else SHUTDOWN))
        out.append(change(instance_id, previous, "stopping"))
    return out


def _check_stop(world: World, instance_id: str, hibernate: bool) -> None:
    node = world.graph.nodes[instance_id]
    if state_name(world, instance_id) in ("shutting-down", "terminated"):
        raise _wrong_state(instance_id, "stopped")
    if node.get("RootDeviceType") == "instance-store":
        raise TopologyError(f"The instance '{instance_id}' does not have an 'ebs' root device "
                            "type and cannot be stopped.", "UnsupportedOperation")
    if node.get("api_stop_disabled"):
        raise TopologyError(f"The instance '{instance_id}' may not be stopped. Modify its "
                            "'disableApiStop' instance attribute and try again.",
                            "OperationNotPermitted")
    if hibernate and not node["HibernationOptions"].get("Configured"):
        raise TopologyError(f"The instance '{instance_id}' is not enabled for hibernation.",
                            "UnsupportedHibernationConfiguration")


def _release_public_ip(world: World, part: Partition, instance_id: str) -> None:
    eni = primary_interface(world, instance_id)
    if eni is not None:
        network_interfaces.release_public_ip(world, part, eni)


# -- reboot -----------------------------------------------------------------------------------
def reboot(world: World, part: Partition, instance_ids: list[str]) -> None:
    """A reboot changes no state; only instances that are up can reboot."""
    for instance_id in get_all(world, part, instance_ids):
        if state_name(world, instance_id) not in ("pending", "running"):
            raise _wrong_state(instance_id, "rebooted")


# -- terminate --------------------------------------------------------------------------------
def terminate(world: World, part: Partition, instance_ids: list[str]) -> list[dict[str, Any]]:
    instance_ids = get_all(world, part, instance_ids)
    for instance_id in instance_ids:
        if world.graph.nodes[instance_id].get("api_termination_disabled") and \
                state_name(world, instance_id) != "terminated":
            raise TopologyError(
                f"The instance '{instance_id}' may not be terminated. Modify its "
                "'disableApiTermination' instance attribute and try again.",
                "OperationNotPermitted")
    out = []
    for instance_id in instance_ids:
        previous = state_name(world, instance_id)
        if previous in ("terminated", "shutting-down"):
            out.append(change(instance_id, previous, previous))
            continue
        _release_public_ip(world, part, instance_id)
        _let_go(world, part, instance_id)
        fields: dict[str, Any] = {"StateTransitionReason": _reason()}
        if previous != "stopped":
            fields["StateReason"] = dict(SHUTDOWN)
        set_state(world, part, instance_id, "terminated", **fields)
        out.append(change(instance_id, previous, "shutting-down"))
    return out


def _let_go(world: World, part: Partition, instance_id: str) -> None:
    """Delete or detach what the instance holds, as its DeleteOnTermination flags say."""
    for eni, data in interfaces(world, instance_id):
        network_interfaces.detach(world, part, data["id"], force=True)
        if data.get("DeleteOnTermination"):
            network_interfaces.delete(world, part, eni)
    secondary_interfaces.release_instance(world, instance_id)
    volumes.release_instance(world, part, instance_id)
    assoc = profile_association(world, instance_id)
    if assoc is not None:
        world.remove(assoc)


# these operations are bound from the functions above (docs/families.md)
declare_actions("instance", {"StartInstances": start, "StopInstances": stop,
                             "RebootInstances": reboot, "TerminateInstances": terminate})
