"""Block public access for EBS snapshots: an account's setting in one region.

`block-new-sharing` refuses new public shares (ModifySnapshotAttribute adding the group
`all`); `block-all-sharing` refuses them too and hides the snapshots already public from
other accounts; `unblocked` (DisableSnapshotBlockPublicAccess) allows public sharing. The
state is the partition attribute `STATE`, journaled through `World.set_attribute`.
"""
from __future__ import annotations

from typing import Any

from ..core.errors import TopologyError
from ..core.family import declare_actions
from ..core.world import Partition, World

STATE = "snapshot-block-public-access"    # Partition.attributes key
UNBLOCKED = "unblocked"


def state(part: Partition) -> str:
    return str(part.attributes.get(STATE) or UNBLOCKED)


def enable(world: World, part: Partition, state: str) -> str:
    """EnableSnapshotBlockPublicAccess; returns the state now in force."""
    world.set_attribute(part, STATE, None if state == UNBLOCKED else state)
    return state


def disable(world: World, part: Partition) -> str:
    world.set_attribute(part, STATE, None)
    return UNBLOCKED


def get_state(part: Partition) -> dict[str, Any]:
    """GetSnapshotBlockPublicAccessState: set by the account (no declarative policy here)."""
    return {"State": state(part), "ManagedBy": "account"}


def check_sharing(part: Partition) -> None:
    """ModifySnapshotAttribute adding the group `all` while public sharing is blocked."""
    if state(part) != UNBLOCKED:
        raise TopologyError("You can't publicly share this snapshot because block public "
                            "access for snapshots is enabled for this account. To publicly "
                            "share the snapshot, you must call the "
                            "DisableSnapshotBlockPublicAccess API.", "OperationNotPermitted")


# bound from the functions above (docs/families.md); the setting has no resource kind
declare_actions("snapshot-block-public-access", {
    "EnableSnapshotBlockPublicAccess": enable,
    "DisableSnapshotBlockPublicAccess": disable,
    "GetSnapshotBlockPublicAccessState": get_state})
