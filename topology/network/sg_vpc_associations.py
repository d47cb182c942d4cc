"""Security group VPC associations: a group used by another VPC of the same account and
region (AssociateSecurityGroupVpc), and the groups a VPC may use (GetSecurityGroupsForVpc).

An association is an ASSOCIATED edge security-group -> vpc (discriminator `ASSOCIATION`,
data `State`). While it is `associated`, the VPC's interfaces may carry the group and the
VPC's groups' rules may name it (`core.lookups.group_usable_in`, asked by the interface,
instance and rule checks), so reachability follows from the interfaces' groups as usual.

AWS's rules kept here: not the group's own VPC, not a default group, not twice; the VPC must
be the caller's (or shared with it); disassociating is refused while an interface of that
VPC still uses the group, and a group with associations cannot be deleted (its edges count
as use in `security_groups.delete`). AssociateSecurityGroupVpc answers `associating` and
DisassociateSecurityGroupVpc `disassociating`; both settle at once.
"""
from __future__ import annotations

from typing import Any

from ..core import paging, schema, sharing
from ..core.errors import DependencyViolation, InvalidParameterValue, TopologyError
from ..core.family import declare_actions
from ..core.filters import Filter, FilterTable, select_rows
from ..core.lookups import group_usable_in, vpc_of
from ..core.world import Partition, World, not_found
from . import security_groups

ASSOCIATION = "vpc-association"       # edge discriminator


def _vpc(world: World, part: Partition, vpc_id: str) -> dict[str, Any]:
    node = world.node(vpc_id)
    if node is None or node["kind"] != "vpc" or node["region"] != part.region or \
            not (node["account"] == part.account or sharing.can_use(world, part, vpc_id)):
        raise not_found("vpc", vpc_id)
    return node


def _associated(world: World, sg_id: str, vpc_id: str) -> bool:
    return any(peer == vpc_id for peer, disc, _ in world.out(sg_id, schema.ASSOCIATED, "vpc")
               if disc == ASSOCIATION)


def associate(world: World, part: Partition, group_id: str, vpc_id: str) -> str:
    node = security_groups.get(world, part, group_id)
    _vpc(world, part, vpc_id)
    if node["IsDefault"]:
        raise InvalidParameterValue("You cannot associate a default security group with "
                                    "another VPC.")
    if vpc_of(world, group_id) == vpc_id:
        raise InvalidParameterValue(f"The security group {group_id} was created in VPC "
                                    f"{vpc_id} and cannot be associated with it.")
    if _associated(world, group_id, vpc_id):
        raise TopologyError(f"The security group {group_id} is already associated with VPC "
                            f"{vpc_id}.", "InvalidGroup.AlreadyAssociated")
    world.link(group_id, vpc_id, schema.ASSOCIATED, ASSOCIATION, State="associated")
    return "associating"


def disassociate(world: World, part: Partition, group_id: str, vpc_id: str) -> str:
    security_groups.get(world, part, group_id)
    if not _associated(world, group_id, vpc_id):
        raise TopologyError(f"The security group {group_id} is not associated with VPC "
                            f"{vpc_id}.", "InvalidGroup.NotAssociated")
    for eni, _, _ in world.into(group_id, schema.ASSOCIATED, "network-interface"):
        subnet = world.into(eni, schema.CONTAINS, "subnet")
        if subnet and vpc_of(world, subnet[0][0]) == vpc_id:
            raise DependencyViolation(f"The security group {group_id} is in use by network "
                                      f"interface {eni} in VPC {vpc_id}.")
    world.unlink(group_id, vpc_id, schema.ASSOCIATED, ASSOCIATION)
    return "disassociating"


# -- describing ----------------------------------------------------------------------------------
def rows(world: World, part: Partition) -> list[dict[str, Any]]:
    """The associations of the caller's groups, and of groups associated with its VPCs."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    groups = list(part.ids("security-group"))
    for vpc_id in part.ids("vpc"):
        groups += [sg for sg, disc, _ in world.into(vpc_id, schema.ASSOCIATED, "security-group")
                   if disc == ASSOCIATION]
    for sg in dict.fromkeys(groups):
        for vpc_id, disc, data in world.out(sg, schema.ASSOCIATED, "vpc"):
            if disc == ASSOCIATION:
                found[(sg, vpc_id)] = {
                    "GroupId": sg, "VpcId": vpc_id,
                    "VpcOwnerId": world.graph.nodes[vpc_id]["account"],
                    "State": data["State"], "GroupOwnerId": world.graph.nodes[sg]["account"]}
    return list(found.values())


def _row(member: str) -> Filter:
    return Filter(lambda w, rid, row: row.get(member))


ASSOCIATION_FILTERS: FilterTable = {
    "group-id": _row("GroupId"), "group-owner-id": _row("GroupOwnerId"),
    "state": _row("State"), "vpc-id": _row("VpcId"), "vpc-owner-id": _row("VpcOwnerId")}

GROUP_FILTERS: FilterTable = {
    "group-id": _row("GroupId"), "description": _row("Description"),
    "group-name": _row("GroupName"), "owner-id": _row("OwnerId"),
    "primary-vpc-id": _row("PrimaryVpcId")}


def describe(world: World, part: Partition, filters: list[dict[str, Any]] | None = None,
             max_results: int | None = None, next_token: str | None = None
             ) -> dict[str, Any]:
    chosen = select_rows(ASSOCIATION_FILTERS, filters, rows(world, part), taggable=False)
    found, token = paging.rows(chosen, "sg-vpc-associations", max_results, next_token)
    return {"SecurityGroupVpcAssociations": found, "NextToken": token}


def groups_for_vpc(world: World, part: Partition, vpc_id: str,
                   filters: list[dict[str, Any]] | None = None, max_results: int | None = None,
                   next_token: str | None = None) -> dict[str, Any]:
    """The caller's groups that interfaces of `vpc_id` may use: the VPC's own and the ones
    associated with it."""
    _vpc(world, part, vpc_id)
    candidates = [sg for sg, _, _ in world.out(vpc_id, schema.CONTAINS, "security-group")]
    candidates += [sg for sg, disc, _ in world.into(vpc_id, schema.ASSOCIATED, "security-group")
                   if disc == ASSOCIATION]
    items = []
    for sg in candidates:
        node = world.graph.nodes[sg]
        if node["account"] == part.account and group_usable_in(world, sg, vpc_id):
            items.append({"Description": node["Description"], "GroupName": node["GroupName"],
                          "OwnerId": node["account"], "GroupId": sg,
                          "PrimaryVpcId": vpc_of(world, sg),
                          "tags": node["tags"]})
    chosen = select_rows(GROUP_FILTERS, filters, items)
    found, token = paging.rows(chosen, "security-groups-for-vpc", max_results, next_token)
    for item in found:
        item["Tags"] = [{"Key": k, "Value": v} for k, v in item.pop("tags").items()]
    return {"SecurityGroupForVpcs": found, "NextToken": token}


# DescribeSecurityGroupVpcAssociations and GetSecurityGroupsForVpc page plain rows: their
# handlers are in api/handlers/vpc_controls.py
declare_actions("security-group", {
    "AssociateSecurityGroupVpc": associate, "DisassociateSecurityGroupVpc": disassociate})
