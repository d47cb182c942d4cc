"""A security group's rules as requests change them, and as `SecurityGroupRule`s.

Requests name rules as `IpPermission`s or `SecurityGroupRuleRequest`s; `parse` checks them
against the graph (a group named must be in the same VPC or a peered one, a prefix list must
exist) and `authorize`, `revoke` and `modify` place rule nodes in their group with AWS's
quotas and duplicate checks. What a rule is lives in `security_group_rules`; the group itself
and reading its stored rules in `security_groups`.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ..core import schema
from ..core import tags as tagging
from ..core.errors import (InvalidParameterValue, LimitExceeded, Malformed, MissingParameter,
                           NotFound)
from ..core.family import Family, declare
from ..core.filters import Filter, ident
from ..core.lookups import group_usable_in, vpc_of
from ..core.registry import Registry
from ..core.world import Partition, World, is_id_of, not_found
from . import prefix_lists
from . import security_group_rules as sgr
from .security_group_rules import CIDR4, CIDR6, GROUP, PREFIX_LIST, Rule
from .security_groups import (DIRECTIONS, RULES_PER_DIRECTION, add, arn, by_name, get, group_of,
                              rules, stored, unknown)

# Whether two VPCs are joined so that a rule of one may name the other's groups, by the
# joining kind: answered by the families that join VPCs (an active peering connection).
PEERED: Registry[Callable[[World, str, str], bool]] = Registry("whether two VPCs are peered")


# -- rules: reading requests ---------------------------------------------------------------
def parse(world: World, part: Partition, sg_id: str, perms: Iterable[dict[str, Any]]
          ) -> list[Rule]:
    """The rules `perms` (boto3 `IpPermission`s) stand for in group `sg_id`, checked."""
    vpc_id = vpc_of(world, sg_id)
    return [rule for perm in perms for rule in sgr.from_permission(
        perm, pair=lambda item: _pair(world, part, vpc_id, item),
        prefix_list=lambda pl_id: _prefix_list(world, part, pl_id))]


def parse_request(world: World, part: Partition, sg_id: str, request: dict[str, Any]) -> Rule:
    """The rule a `SecurityGroupRuleRequest` describes for group `sg_id`, checked."""
    vpc_id = vpc_of(world, sg_id)
    return sgr.from_request(request, pair=lambda item: _pair(world, part, vpc_id, item),
                            prefix_list=lambda pl_id: _prefix_list(world, part, pl_id))


def _pair(world: World, part: Partition, vpc_id: str, item: dict[str, Any]) -> tuple[str, str]:
    """(group id, owner) of a `UserIdGroupPair`, which must name a group AWS would let
    `vpc_id`'s groups reference: in the same VPC or a peered one."""
    group_id, owner = item.get("GroupId"), item.get("UserId") or part.account
    if group_id:
        node = world.node(group_id)
        if node is None or node["kind"] != "security-group" or \
                (node["account"], node["region"]) != (owner, part.region):
            raise unknown(group_id)
    elif item.get("GroupName"):
        group_id, owner = by_name(world, part, item["GroupName"]), part.account
    else:
        raise MissingParameter("The request must contain the parameter groupId or groupName")
    other = vpc_of(world, group_id)
    if not group_usable_in(world, group_id, vpc_id) and not _peered(world, vpc_id, other):
        raise NotFound("You have specified two resources that belong to different networks.",
                       "InvalidGroup.NotFound")
    return group_id, owner


def _peered(world: World, vpc_a: str, vpc_b: str) -> bool:
    """Whether the two VPCs are joined so that their groups may name each other."""
    return any(joined(world, vpc_a, vpc_b) for _, joined in PEERED.items())


def _prefix_list(world: World, part: Partition, pl_id: str) -> None:
    prefix_lists.find(world, part, pl_id)   # the caller's own lists and AWS-managed ones


# -- rules: changing ---------------------------------------------------------------------
def _check_room(world: World, sg_id: str, new: list[Rule], *, egress: bool,
                replacing: frozenset[str] = frozenset()) -> None:
    """AWS's duplicate and quota checks for adding `new` (in place of `replacing`)."""
    kept = [stored(world, r) for r in rules(world, sg_id, egress=egress) if r not in replacing]
    seen = {rule.key() for rule in kept}
    for rule in new:
        if rule.key() in seen:
            raise sgr.duplicate(rule)
        seen.add(rule.key())
    for family in (0, 1):
        if sum(rule.counts()[family] for rule in kept + new) > RULES_PER_DIRECTION:
            raise LimitExceeded("The maximum number of rules per security group has been "
                                "reached.", "RulesPerSecurityGroupLimitExceeded")


def authorize(world: World, part: Partition, sg_id: str, new: list[Rule], *, egress: bool,
              tags: dict[str, str] | None = None) -> list[str]:
    """Add `new` to the group, all or none; returns the new rule ids."""
    _check_room(world, sg_id, new, egress=egress)
    return [add(world, part, sg_id, rule, egress=egress, tags=tags) for rule in new]


def revoke(world: World, part: Partition, sg_id: str, wanted: list[Rule], *, egress: bool
           ) -> tuple[list[dict[str, Any]], list[Rule]]:
    """Remove the group's rules matching `wanted`; returns (revoked rules, unknown rules).

    In the default VPC AWS revokes what matches and reports the rest; elsewhere a rule the
    group does not have is `InvalidPermission.NotFound` and nothing is revoked.
    """
    by_key = {stored(world, r).key(): r for r in rules(world, sg_id, egress=egress)}
    found: list[str] = []
    missing: list[Rule] = []
    for rule in wanted:
        rule_id = by_key.get(rule.key())
        if rule_id is None:
            missing.append(rule)
        elif rule_id not in found:
            found.append(rule_id)
    if missing and not world.graph.nodes[vpc_of(world, sg_id)]["IsDefault"]:
        raise sgr.not_found()
    return _remove(world, found), missing


def revoke_ids(world: World, part: Partition, sg_id: str, rule_ids: list[str], *,
               egress: bool) -> list[dict[str, Any]]:
    """Remove the group's rules `rule_ids` (all of one direction of this group)."""
    for rule_id in rule_ids:
        _own_rule(world, part, sg_id, rule_id, egress)
    return _remove(world, list(dict.fromkeys(rule_ids)))


def _remove(world: World, rule_ids: list[str]) -> list[dict[str, Any]]:
    views = [revoked_view(world, r) for r in rule_ids]
    for rule_id in rule_ids:
        world.remove(rule_id)
    return views


def _own_rule(world: World, part: Partition, sg_id: str, rule_id: str,
              egress: bool | None) -> dict[str, Any]:
    """The rule node `rule_id`, which must belong to `sg_id` (and `egress`'s direction)."""
    node = world.get(part, "security-group-rule", rule_id)
    if group_of(world, rule_id) != sg_id or egress not in (None, node["IsEgress"]):
        raise not_found("security-group-rule", rule_id)
    return node


def set_descriptions(world: World, part: Partition, sg_id: str, wanted: list[Rule], *,
                     egress: bool) -> None:
    """Give the group's rules matching `wanted` their descriptions (none removes one)."""
    by_key = {stored(world, r).key(): r for r in rules(world, sg_id, egress=egress)}
    targets = []
    for rule in wanted:
        if rule.key() not in by_key:
            raise sgr.not_found()
        targets.append((by_key[rule.key()], rule.description))
    for rule_id, text in targets:
        world.update(rule_id, Description=text)


def set_descriptions_by_id(world: World, part: Partition, sg_id: str,
                           items: list[dict[str, Any]], *, egress: bool) -> None:
    """Set descriptions from `SecurityGroupRuleDescription`s (rule id and description)."""
    targets = []
    for item in items:
        rule_id = item.get("SecurityGroupRuleId") or ""
        _own_rule(world, part, sg_id, rule_id, egress)
        targets.append((rule_id, sgr.description(item.get("Description"))))
    for rule_id, text in targets:
        world.update(rule_id, Description=text)


def modify(world: World, part: Partition, group_id: str,
           security_group_rules: list[dict[str, Any]]) -> None:
    """Replace rules' content (`SecurityGroupRuleUpdate`s); a rule keeps its id, direction
    and kind of peer."""
    get(world, part, group_id)
    plans: list[tuple[str, bool, Rule]] = []
    for update in security_group_rules:
        rule_id = update.get("SecurityGroupRuleId") or ""
        node = _own_rule(world, part, group_id, rule_id, None)
        if not update.get("SecurityGroupRule"):
            raise MissingParameter("The request must contain the parameter SecurityGroupRule")
        new = parse_request(world, part, group_id, update["SecurityGroupRule"])
        if new.peer.kind != stored(world, rule_id).peer.kind:
            raise InvalidParameterValue(
                f"The type of security group rule {rule_id} cannot be changed. Specify "
                "the same type of source or destination as the rule has.")
        plans.append((rule_id, node["IsEgress"], new))
    for egress in DIRECTIONS:
        mine = [(rule_id, new) for rule_id, e, new in plans if e == egress]
        _check_room(world, group_id, [new for _, new in mine], egress=egress,
                    replacing=frozenset(rule_id for rule_id, _ in mine))
    for rule_id, _, new in plans:
        _replace(world, part, rule_id, new)


def _replace(world: World, part: Partition, rule_id: str, new: Rule) -> None:
    peer = new.peer
    world.update(rule_id, IpProtocol=new.protocol, FromPort=new.from_port, ToPort=new.to_port,
                 CidrIpv4=peer.value if peer.kind == CIDR4 else None,
                 CidrIpv6=peer.value if peer.kind == CIDR6 else None,
                 Description=new.description)
    for target, _, _ in world.out(rule_id, schema.REFERENCES):
        world.unlink(rule_id, target, schema.REFERENCES)
    if peer.kind in (GROUP, PREFIX_LIST):
        world.link(rule_id, peer.value, schema.REFERENCES, UserId=peer.owner or part.account)


# -- views and filters ---------------------------------------------------------------------
def rule_view(world: World, rule_id: str) -> dict[str, Any]:
    """One rule as boto3's `SecurityGroupRule`."""
    node = world.graph.nodes[rule_id]
    rule = stored(world, rule_id)
    out: dict[str, Any] = {
        "SecurityGroupRuleId": rule_id,
        "GroupId": group_of(world, rule_id),
        "GroupOwnerId": node["account"],
        "IsEgress": node["IsEgress"],
        "IpProtocol": rule.protocol,
        "FromPort": rule.from_port,
        "ToPort": rule.to_port,
        "Tags": tagging.listed(node["tags"]),
        "SecurityGroupRuleArn": arn(node, "security-group-rule", rule_id),
    }
    if rule.peer.kind == GROUP:
        out["ReferencedGroupInfo"] = {"GroupId": rule.peer.value, "UserId": rule.peer.owner}
    else:
        out[rule.peer.kind] = rule.peer.value
    if rule.description:
        out["Description"] = rule.description
    return out


def revoked_view(world: World, rule_id: str) -> dict[str, Any]:
    """One rule as boto3's `RevokedSecurityGroupRule`."""
    view = rule_view(world, rule_id)
    out = {k: view[k] for k in ("SecurityGroupRuleId", "GroupId", "IsEgress", "IpProtocol",
                                "FromPort", "ToPort", CIDR4, CIDR6, PREFIX_LIST, "Description")
           if k in view}
    if "ReferencedGroupInfo" in view:
        out[GROUP] = view["ReferencedGroupInfo"]["GroupId"]
    return out


def _group_id_shape(value: str) -> None:
    """DescribeSecurityGroupRules refuses a `group-id` value that is no group id's shape."""
    if "*" not in value and "?" not in value and not is_id_of("sg", value):
        raise Malformed(f"The security group ID '{value}' is malformed",
                        "InvalidGroupId.Malformed")


RULE_FILTERS: dict[str, Filter] = {
    "group-id": Filter(lambda w, rid, n: group_of(w, rid),
                       lambda w, part, value: rules(w, value), validate=_group_id_shape),
    "security-group-rule-id": ident(),
}


# -- the family: its plain Create/Delete/Describe operations are bound from this (docs/families.md)
FAMILY = declare(Family("security-group-rule", view=rule_view, filters=RULE_FILTERS,
                        actions={"ModifySecurityGroupRules": modify}))
