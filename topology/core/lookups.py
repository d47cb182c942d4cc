"""Read-only questions every layer asks of a partition, answered from the graph alone."""
from __future__ import annotations

from .schema import CONTAINS
from .world import Partition, World


def default_vpc(world: World, part: Partition) -> str | None:
    """The partition's default VPC, if it has one (a handful of VPCs at most to look at)."""
    for vpc_id in part.ids("vpc"):
        if world.graph.nodes[vpc_id]["IsDefault"]:
            return vpc_id
    return None


def vpc_of(world: World, rid: str) -> str:
    """The VPC that CONTAINS `rid` (a subnet, route table, network ACL, security group...)."""
    return world.into(rid, CONTAINS, "vpc")[0][0]
