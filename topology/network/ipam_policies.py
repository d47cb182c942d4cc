"""IPAM policies: which IPAM pools AWS services draw public IPv4 addresses from.

An `ipam-policy` node goes with its IPAM (an ASSOCIATED edge to it) and holds `IpamId`,
`State`, `rules` (`"<locale>/<resource type>"` -> the source pool ids, in order) and
`targets` (the AWS Organizations targets it is enabled for). Enabling a policy for the
account itself, or for an account of the organization, is that account's partition setting
`ipam-policy` (`{IpamPolicyId, ManagedBy}`), which GetEnabledIpamPolicy reads.

AWS's rules kept here: a rule's pools are IPv4 pools of the policy's IPAM in its public
scope, and its locale is an operating Region of the IPAM; an organization target needs the
account to be in an organization; a policy still enabled cannot be deleted. Create and
Delete answer `create-in-progress` / `delete-in-progress`; the change lands at once.
"""
from __future__ import annotations

import re
from typing import Any

from ..core import filters as filtering
from ..core import schema, sharing
from ..core import tags as tagging
from ..core.errors import IncorrectState, InvalidParameterValue
from ..core.family import Family, declare, removed
from ..core.filters import Filter, field, ident
from ..core.world import Partition, World
from . import ipam_discoveries as discoveries
from . import ipam_pools
from .prefix_lists import page_rows

KIND = "ipam-policy"
ENABLED = "ipam-policy"          # partition setting: the enabled policy
_TARGET = re.compile(r"\d{12}|ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32}")


def create(world: World, part: Partition, ipam_id: str, *,
           tags: dict[str, str] | None = None) -> str:
    """CreateIpamPolicy."""
    world.get(part, "ipam", ipam_id)
    rid = world.new_id("ipam-policy")
    world.add(part, KIND, rid, IpamId=ipam_id, State="create-complete", rules={},
              targets=())
    world.link(rid, ipam_id, schema.ASSOCIATED)
    tagging.apply(world, rid, tags or {})
    return rid


def delete(world: World, part: Partition, rid: str) -> dict[str, Any]:
    """DeleteIpamPolicy: not while it is enabled."""
    node = world.get(part, KIND, rid)
    if node["targets"] or (part.attributes.get(ENABLED) or {}).get("IpamPolicyId") == rid:
        raise IncorrectState(f"The IPAM policy {rid} is enabled. Disable it before you "
                             "delete it.", "IncorrectState")
    return removed(world, rid, view, "delete-in-progress")


def _target_partition(world: World, part: Partition, target: str) -> Partition | None:
    """The partition an organization target names, when it is one account."""
    return world.partition(target, part.region) if re.fullmatch(r"\d{12}", target) else None


def enable(world: World, part: Partition, ipam_policy_id: str,
           organization_target_id: str | None = None) -> None:
    """EnableIpamPolicy: for this account, or for a target of its organization."""
    node = world.get(part, KIND, ipam_policy_id)
    if organization_target_id is None:
        world.set_attribute(part, ENABLED, {"IpamPolicyId": ipam_policy_id,
                                            "ManagedBy": "account"})
        return
    org = sharing.organization_of(world, part.account)
    if org is None:
        raise InvalidParameterValue("OrganizationTargetId applies only when IPAM is "
                                    "integrated with AWS Organizations.")
    target = organization_target_id
    if not _TARGET.fullmatch(target) or (target.isdigit()
                                         and sharing.organization_of(world, target) != org):
        raise InvalidParameterValue(f"The organization target {target} is not an account, "
                                    "organizational unit or root of your organization.")
    if target not in node["targets"]:
        world.update(ipam_policy_id, targets=(*node["targets"], target))
    member = _target_partition(world, part, target)
    if member is not None:
        world.set_attribute(member, ENABLED, {"IpamPolicyId": ipam_policy_id,
                                              "ManagedBy": "delegated-administrator-for-ipam"})


def disable(world: World, part: Partition, ipam_policy_id: str,
            organization_target_id: str | None = None) -> None:
    """DisableIpamPolicy."""
    node = world.get(part, KIND, ipam_policy_id)
    if organization_target_id is None:
        if (part.attributes.get(ENABLED) or {}).get("IpamPolicyId") != ipam_policy_id:
            raise IncorrectState(f"The IPAM policy {ipam_policy_id} is not enabled.",
                                 "IncorrectState")
        world.set_attribute(part, ENABLED, None)
        return
    if organization_target_id not in node["targets"]:
        raise InvalidParameterValue(f"The IPAM policy {ipam_policy_id} is not enabled for "
                                    f"{organization_target_id}.")
    world.update(ipam_policy_id, targets=tuple(t for t in node["targets"]
                                               if t != organization_target_id))
    member = _target_partition(world, part, organization_target_id)
    if member is not None and (member.attributes.get(ENABLED) or {}).get(
            "IpamPolicyId") == ipam_policy_id:
        world.set_attribute(member, ENABLED, None)


def enabled(world: World, part: Partition) -> dict[str, Any]:
    """GetEnabledIpamPolicy."""
    setting = part.attributes.get(ENABLED)
    if not setting or world.node(setting["IpamPolicyId"]) is None:   # (gone with its IPAM)
        return {"IpamPolicyEnabled": False}
    return {"IpamPolicyEnabled": True, **setting}


# -- allocation rules -------------------------------------------------------------------------
def _check_pools(world: World, part: Partition, node: dict[str, Any],
                 rules: list[dict[str, Any]]) -> list[str]:
    chosen = []
    for rule in rules:
        pool_id = rule.get("SourceIpamPoolId")
        if pool_id is None:
            raise InvalidParameterValue("Each allocation rule needs a SourceIpamPoolId.")
        pool = ipam_pools.usable(world, part, pool_id)
        scope = world.graph.nodes[ipam_pools.scope_of(world, pool_id)]
        if ipam_pools.ipam_of(world, pool_id) != node["IpamId"] or \
                pool["AddressFamily"] != "ipv4" or scope["IpamScopeType"] != "public":
            raise InvalidParameterValue(f"The pool {pool_id} is not an IPv4 pool in the "
                                        "public scope of the policy's IPAM.")
        chosen.append(pool_id)
    return chosen


def modify_rules(world: World, part: Partition, ipam_policy_id: str, locale: str,
                 resource_type: str, allocation_rules: list[dict[str, Any]] | None = None
                 ) -> dict[str, Any]:
    """ModifyIpamPolicyAllocationRules: the rules of one locale and resource type."""
    node = world.get(part, KIND, ipam_policy_id)
    regions = world.graph.nodes[node["IpamId"]].get("OperatingRegions") or []
    if locale not in regions:
        raise InvalidParameterValue(f"The locale {locale} is not an operating Region of the "
                                    "IPAM.")
    pools = _check_pools(world, part, node, allocation_rules or [])
    rules = dict(node["rules"])
    key = f"{locale}/{resource_type}"
    if pools:
        rules[key] = pools
    else:
        rules.pop(key, None)
    world.update(ipam_policy_id, rules=rules, State="modify-complete")
    return _document(ipam_policy_id, key, pools)


def _document(rid: str, key: str, pools: list[str]) -> dict[str, Any]:
    locale, _, resource_type = key.rpartition("/")
    return {"IpamPolicyId": rid, "Locale": locale, "ResourceType": resource_type,
            "AllocationRules": [{"SourceIpamPoolId": p} for p in pools]}


DOCUMENT_FILTERS: dict[str, Filter] = {"locale": field("Locale"),
                                       "resource-type": field("ResourceType")}


def get_rules(world: World, part: Partition, ipam_policy_id: str,
              filters: list[dict[str, Any]] | None = None, locale: str | None = None,
              resource_type: str | None = None, max_results: int | None = None,
              next_token: str | None = None) -> dict[str, Any]:
    """GetIpamPolicyAllocationRules."""
    node = world.get(part, KIND, ipam_policy_id)
    rows = [_document(ipam_policy_id, k, v) for k, v in node["rules"].items()]
    rows = [r for r in rows if (locale is None or r["Locale"] == locale)
            and (resource_type is None or r["ResourceType"] == resource_type)]
    if filters:
        rows = filtering.select_rows(DOCUMENT_FILTERS, filters, rows, taggable=False)
    chosen, token = page_rows(rows, max_results, next_token)
    return {"IpamPolicyDocuments": chosen, "NextToken": token}


def organization_targets(world: World, part: Partition, ipam_policy_id: str,
                         max_results: int | None = None, next_token: str | None = None,
                         filters: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """GetIpamPolicyOrganizationTargets."""
    node = world.get(part, KIND, ipam_policy_id)
    rows = [{"OrganizationTargetId": t} for t in node["targets"]]
    if filters:
        rows = filtering.select_rows({"organization-target-id": field("OrganizationTargetId")},
                                   filters, rows, taggable=False)
    chosen, token = page_rows(rows, max_results, next_token)
    return {"OrganizationTargets": chosen, "NextToken": token}


# -- views ------------------------------------------------------------------------------------
def view(world: World, rid: str) -> dict[str, Any]:
    """The policy as boto3's `IpamPolicy`."""
    node = world.graph.nodes[rid]
    return {"OwnerId": node["account"], "IpamPolicyId": rid,
            "IpamPolicyArn": discoveries.arn(node, KIND, rid), "IpamPolicyRegion": node["region"],
            "State": node["State"], "Tags": tagging.listed(node["tags"]), "IpamId": node["IpamId"]}


def created_view(world: World, rid: str) -> dict[str, Any]:
    return {**view(world, rid), "State": "create-in-progress"}


FILTERS: dict[str, Filter] = {"ipam-policy-id": ident(), "ipam-id": field("IpamId"),
                              "state": field("State")}

FAMILY = declare(Family(KIND, view=view, filters=FILTERS, create=create, delete=delete,
                        created_view=created_view, actions={
    "EnableIpamPolicy": enable, "DisableIpamPolicy": disable,
    "GetEnabledIpamPolicy": enabled,
    "ModifyIpamPolicyAllocationRules": modify_rules,
    "GetIpamPolicyAllocationRules": get_rules,
    "GetIpamPolicyOrganizationTargets": organization_targets}))
