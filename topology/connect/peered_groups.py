"""Security groups seen across VPC peering connections: the rules that went stale when a
connection ended or a peer's group went (DescribeStaleSecurityGroups), and the peered VPCs
whose groups' rules name a group (DescribeSecurityGroupReferences).

A rule naming a group is a `security-group-rule -[REFERENCES]-> security-group` edge, so both
questions read the references and ask `peering` which connection joins the two VPCs.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..core import schema
from ..core.family import declare_actions
from ..core.world import Partition, World
from ..network import security_group_rules as sgr
from ..network import security_groups
from .peering import active_between, between, status_code


def _group_vpc(world: World, sg_id: str) -> str | None:
    if world.node(sg_id) is None:
        return None
    found = world.into(sg_id, schema.CONTAINS, "vpc")
    return found[0][0] if found else None


def _latest_between(world: World, vpc_a: str, vpc_b: str | None) -> str | None:
    if vpc_b is None:
        return None
    found = between(world, vpc_a, vpc_b)
    return found[-1] if found else None


def _stale_pair(world: World, vpc_id: str, rule_id: str) -> dict[str, Any] | None:
    """The `UserIdGroupPair` of a rule naming a group it can no longer reach: a deleted
    group, or one in another VPC no active peering connection joins to this one."""
    ref = security_groups.referenced(world, rule_id)
    if ref is None or world.graph.nodes[ref[0]]["kind"] != "security-group":
        return None
    group = ref[0]
    other = _group_vpc(world, group)
    if other == vpc_id or (other is not None and active_between(world, vpc_id, other)):
        return None
    pair: dict[str, Any] = {"GroupId": group}
    if other is not None:
        pair["VpcId"] = other
    pcx = _latest_between(world, vpc_id, other)
    if pcx is not None:
        pair["VpcPeeringConnectionId"] = pcx
        pair["PeeringStatus"] = status_code(world.graph.nodes[pcx])
    description = world.graph.nodes[rule_id].get("Description")
    if description:
        pair["Description"] = description
    return pair


def _stale_permissions(world: World, vpc_id: str, sg_id: str, egress: bool
                       ) -> list[dict[str, Any]]:
    """The group's stale rules in one direction as `StaleIpPermission`s (grouped by
    protocol and ports, as IpPermissions are)."""
    grouped: dict[tuple[str, int, int], dict[str, Any]] = {}
    for rule_id in security_groups.rules(world, sg_id, egress=egress):
        pair = _stale_pair(world, vpc_id, rule_id)
        if pair is None:
            continue
        node = world.graph.nodes[rule_id]
        key = (node["IpProtocol"], node["FromPort"], node["ToPort"])
        perm = grouped.get(key)
        if perm is None:
            perm = grouped[key] = {"IpProtocol": key[0], "UserIdGroupPairs": []}
            if sgr.has_ports(key[0]):
                perm["FromPort"], perm["ToPort"] = key[1], key[2]
        perm["UserIdGroupPairs"].append(pair)
    return list(grouped.values())


def stale_groups(world: World, vpc_id: str) -> list[str]:
    """The VPC's groups that have a stale rule, in creation order."""
    groups = [sg for sg, _, _ in world.out(vpc_id, schema.CONTAINS, "security-group")]
    nodes = world.graph.nodes
    return sorted((sg for sg in groups
                   if any(_stale_pair(world, vpc_id, r) for r in security_groups.rules(world, sg))),
                  key=lambda s: nodes[s]["seq"])


def stale_view(world: World, sg_id: str) -> dict[str, Any]:
    """The group as boto3's `StaleSecurityGroup`."""
    node = world.graph.nodes[sg_id]
    vpc_id = _group_vpc(world, sg_id) or ""
    return {"Description": node["Description"], "GroupId": sg_id, "GroupName": node["GroupName"],
            "StaleIpPermissions": _stale_permissions(world, vpc_id, sg_id, False),
            "StaleIpPermissionsEgress": _stale_permissions(world, vpc_id, sg_id, True),
            "VpcId": vpc_id}


def group_references(world: World, part: Partition, group_id: Iterable[str]
                     ) -> list[dict[str, str]]:
    """For each group, the peered VPCs whose groups' rules name it, and the active connection
    they name it across (boto3's `SecurityGroupReference`)."""
    wanted = list(dict.fromkeys(group_id))
    for sg_id in wanted:
        security_groups.get(world, part, sg_id)
    out = []
    for sg_id in wanted:
        home = security_groups.vpc_of(world, sg_id)
        seen: set[str] = set()
        for rule, _, _ in world.into(sg_id, schema.REFERENCES, "security-group-rule"):
            other = security_groups.vpc_of(world, security_groups.group_of(world, rule))
            pcx = active_between(world, home, other) if other != home else None
            if pcx is not None and other not in seen:
                seen.add(other)
                out.append({"GroupId": sg_id, "ReferencingVpcId": other,
                            "VpcPeeringConnectionId": pcx})
    return out

# DescribeSecurityGroupReferences is bound from `group_references` (docs/families.md)
declare_actions("security-group", {"DescribeSecurityGroupReferences": group_references})
