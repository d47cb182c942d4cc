"""Where a deleted snapshot, image or volume goes: into the Recycle Bin when a retention rule
of its account and region keeps it, else nowhere.

DeleteSnapshot, DeregisterImage and DeleteVolume call `discard` instead of `World.remove`;
the Recycle Bin (`compute.recycle_bin`, a higher layer) answers `RETAIN` for the kinds it
keeps, so the families that delete need not know it.
"""
from __future__ import annotations

from collections.abc import Callable

from .registry import Registry
from .world import Partition, World

# kind -> keep(world, part, rid): True if the resource went to the Recycle Bin
RETAIN: Registry[Callable[[World, Partition, str], bool]] = Registry(
    "whether a deleted resource waits in the Recycle Bin")


def discard(world: World, part: Partition, rid: str) -> None:
    """Delete `rid`, unless a retention rule keeps it in the Recycle Bin."""
    keep = RETAIN.get(world.graph.nodes[rid]["kind"])
    if keep is None or not keep(world, part, rid):
        world.remove(rid)
