"""Read-only questions every layer asks of a partition, answered from the graph alone."""
from __future__ import annotations

from .schema import ASSOCIATED, CONTAINS
from .world import Partition, World


def default_vpc(world: World, part: Partition) -> str | None:
    """The partition's default VPC, if it has one (a handful of VPCs at most to look at)."""
    for vpc_id in part.ids("vpc"):
        if world.graph.nodes[vpc_id]["IsDefault"]:
            return vpc_id
    return None


def vpc_of(world: World, rid: str) -> str:
    """The VPC that CONTAINS `rid` (a subnet, route table, network ACL, security group...)."""
    vpc = world.holder(rid, CONTAINS, "vpc")
    if vpc is None:
        raise IndexError(f"{rid} is in no VPC")     # as `into(...)[0][0]` did
    return vpc


def group_usable_in(world: World, sg_id: str, vpc_id: str) -> bool:
    """Whether interfaces (and rules) of `vpc_id` may use security group `sg_id`: its own
    VPC's, or one associated with the VPC (AssociateSecurityGroupVpc)."""
    return vpc_of(world, sg_id) == vpc_id or any(
        peer == vpc_id and data.get("State") == "associated"
        for peer, _disc, data in world.out(sg_id, ASSOCIATED, "vpc"))


def ec2_arn(world: World, rid: str, resource: str | None = None) -> str:
    """`arn:aws:ec2:<region>:<account>:<resource>/<id>` of a node (`resource`: its kind)."""
    node = world.graph.nodes[rid]
    return f"arn:aws:ec2:{node['region']}:{node['account']}:{resource or node['kind']}/{rid}"
