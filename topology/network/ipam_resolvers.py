"""IPAM prefix list resolvers: rules that select CIDRs from what IPAM knows, versioned.

An `ipam-prefix-list-resolver` node goes with its IPAM (an ASSOCIATED edge to it) and holds
`IpamId`, `AddressFamily`, `Description`, `State`, `rules` (the CIDR selection rules as
given, checked) and `versions` (a tuple of `(number, CIDRs)`, replaced whole). A version is
a snapshot of what the rules select: the CIDRs are computed from the graph
(`ipam_selection.selected`), and a new version is cut whenever they differ from the
latest's — when the resolver is created or modified, and whenever it is read (its versions,
entries or targets), as AWS cuts one when the infrastructure changes. Its targets
(`ipam_resolver_targets`) follow the versions into customer-managed prefix lists.

Create, Modify and Delete answer `create-in-progress`, `modify-in-progress` and
`delete-in-progress`; the change lands at once. A resolver with targets cannot be deleted.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from netaddr import AddrFormatError, IPNetwork

from ..core import filters as filtering
from ..core import schema
from ..core import tags as tagging
from ..core.errors import DependencyViolation, InvalidParameterValue
from ..core.family import Action, Family, declare, removed
from ..core.filters import Filter, field, ident
from ..core.registry import Registry
from ..core.world import Partition, World
from . import ipam_discoveries as discoveries
from . import ipam_selection as selection
from . import ipams
from .ipam_tokens import ipam_fields
from .prefix_lists import page_rows

KIND = "ipam-prefix-list-resolver"
TARGET = "ipam-prefix-list-resolver-target"
_CONDITION_FIELDS = ("IpamPoolId", "ResourceId", "ResourceOwner", "ResourceRegion",
                     "ResourceTag", "Cidr")


# -- rules ------------------------------------------------------------------------------------
def _check_cidr(text: str, family: str, member: str) -> str:
    try:
        net = IPNetwork(text)
    except (AddrFormatError, ValueError, TypeError):
        net = None
    if net is None or net.version != (4 if family == "ipv4" else 6):
        raise InvalidParameterValue(f"Value ({text}) for parameter {member} is invalid. "
                                    f"Expecting an {family} CIDR.")
    return str(net.cidr)


def _check_condition(condition: dict[str, Any], family: str) -> dict[str, Any]:
    given = [f for f in _CONDITION_FIELDS if condition.get(f) is not None]
    if len(given) != 1:
        raise InvalidParameterValue("Each condition takes exactly one of "
                                    + ", ".join(_CONDITION_FIELDS) + ".")
    operation = condition["Operation"]
    if (operation == "subnet-of") != (given[0] == "Cidr"):
        raise InvalidParameterValue("The operation subnet-of applies to Cidr, and Cidr only "
                                    "to subnet-of.")
    out = {"Operation": operation, given[0]: condition[given[0]]}
    if given[0] == "Cidr":
        out["Cidr"] = _check_cidr(condition["Cidr"], family, "Cidr")
    return out


def check_rules(world: World, part: Partition, ipam_id: str, family: str,
                rules: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """The CIDR selection rules, checked: each type's members, the scope of this IPAM."""
    checked = []
    for rule in rules or []:
        kind = rule["RuleType"]
        if kind == "static-cidr":
            if rule.get("StaticCidr") is None or any(
                    rule.get(m) for m in ("IpamScopeId", "ResourceType", "Conditions")):
                raise InvalidParameterValue("A static-cidr rule takes StaticCidr only.")
            checked.append({"RuleType": kind,
                            "StaticCidr": _check_cidr(rule["StaticCidr"], family,
                                                      "StaticCidr")})
            continue
        scope_id = rule.get("IpamScopeId")
        if scope_id is None or rule.get("StaticCidr") is not None:
            raise InvalidParameterValue(f"A {kind} rule takes an IpamScopeId and no "
                                        "StaticCidr.")
        world.get(part, ipams.SCOPE, scope_id)
        if ipams.ipam_of(world, scope_id) != ipam_id:
            raise InvalidParameterValue(f"The scope {scope_id} is not a scope of {ipam_id}.")
        if (kind == "ipam-resource-cidr") != (rule.get("ResourceType") is not None):
            raise InvalidParameterValue("An ipam-resource-cidr rule takes a ResourceType; an "
                                        "ipam-pool-cidr rule does not.")
        out: dict[str, Any] = {"RuleType": kind, "IpamScopeId": scope_id}
        if rule.get("ResourceType") is not None:
            out["ResourceType"] = rule["ResourceType"]
        out["Conditions"] = [_check_condition(c, family) for c in rule.get("Conditions") or []]
        checked.append(out)
    return checked


# -- versions ---------------------------------------------------------------------------------
def refresh(world: World, rid: str) -> int:
    """Cut a new version if the rules select other CIDRs than the latest; its number."""
    node = world.graph.nodes[rid]
    cidrs = selection.selected(world, node)
    versions = node["versions"]
    if versions and tuple(versions[-1][1]) == cidrs:     # (a stored state gives lists)
        return versions[-1][0]
    number = versions[-1][0] + 1 if versions else 1
    world.update(rid, versions=(*versions, (number, cidrs)))
    follow = SYNC.get(TARGET)
    for target, _, _ in world.into(rid, schema.ASSOCIATED, TARGET):
        if follow is not None:
            follow(world, target)
    return number


def version(world: World, rid: str, number: int) -> tuple[str, ...]:
    for found, cidrs in world.graph.nodes[rid]["versions"]:
        if found == number:
            return tuple(cidrs)
    raise InvalidParameterValue(f"The prefix list resolver {rid} has no version {number}.")


# how a target follows its resolver's new version (ipam_resolver_targets answers it)
SYNC: Registry[Callable[[World, str], None]] = Registry(
    "how a prefix list resolver target follows a new version")


# -- the resolver -----------------------------------------------------------------------------
def create(world: World, part: Partition, ipam_id: str, address_family: str,
           description: str | None = None, rules: list[dict[str, Any]] | None = None, *,
           tags: dict[str, str] | None = None) -> str:
    """CreateIpamPrefixListResolver."""
    world.get(part, "ipam", ipam_id)
    checked = check_rules(world, part, ipam_id, address_family, rules)
    rid = world.new_id("ipam-prefix-list-resolver")
    fields: dict[str, Any] = {"IpamId": ipam_id, "AddressFamily": address_family,
                              "State": "create-complete", "rules": checked, "versions": ()}
    if description is not None:
        fields["Description"] = description
    world.add(part, KIND, rid, **fields)
    world.link(rid, ipam_id, schema.ASSOCIATED)
    tagging.apply(world, rid, tags or {})
    refresh(world, rid)
    return rid


def modify(world: World, part: Partition, ipam_prefix_list_resolver_id: str,
           description: str | None = None, rules: list[dict[str, Any]] | None = None) -> str:
    """ModifyIpamPrefixListResolver: a new description and/or rules (a new version)."""
    rid = ipam_prefix_list_resolver_id
    node = world.get(part, KIND, rid)
    fields: dict[str, Any] = {"State": "modify-complete"}
    if rules is not None:
        fields["rules"] = check_rules(world, part, node["IpamId"], node["AddressFamily"], rules)
    if description is not None:
        fields["Description"] = description
    world.update(rid, **fields)
    refresh(world, rid)
    return rid


def delete(world: World, part: Partition, rid: str) -> dict[str, Any]:
    """DeleteIpamPrefixListResolver: one without targets."""
    world.get(part, KIND, rid)
    if world.into(rid, schema.ASSOCIATED, TARGET):
        raise DependencyViolation(f"The prefix list resolver {rid} has targets. Delete them "
                                  "first.")
    return removed(world, rid, view, "delete-in-progress")


# -- the Get operations -----------------------------------------------------------------------
RULE_FILTERS: dict[str, Filter] = {"rule-type": field("RuleType"),
                                   "ipam-scope-id": field("IpamScopeId"),
                                   "resource-type": field("ResourceType"),
                                   "static-cidr": field("StaticCidr")}


def get_rules(world: World, part: Partition, ipam_prefix_list_resolver_id: str,
              filters: list[dict[str, Any]] | None = None, max_results: int | None = None,
              next_token: str | None = None) -> dict[str, Any]:
    """GetIpamPrefixListResolverRules."""
    node = world.get(part, KIND, ipam_prefix_list_resolver_id)
    rows = filtering.select_rows(RULE_FILTERS, filters, node["rules"], taggable=False)
    chosen, token = page_rows(rows, max_results, next_token)
    return {"Rules": chosen, "NextToken": token}


def get_versions(world: World, part: Partition, ipam_prefix_list_resolver_id: str,
                 ipam_prefix_list_resolver_versions: list[int] | None = None,
                 max_results: int | None = None, filters: list[dict[str, Any]] | None = None,
                 next_token: str | None = None) -> dict[str, Any]:
    """GetIpamPrefixListResolverVersions (a version is cut first if the CIDRs changed)."""
    rid = ipam_prefix_list_resolver_id
    world.get(part, KIND, rid)
    refresh(world, rid)
    wanted = set(ipam_prefix_list_resolver_versions or ())
    rows = [{"Version": n} for n, _ in world.graph.nodes[rid]["versions"]
            if not wanted or n in wanted]
    rows = filtering.select_rows({"version": field("Version")}, filters, rows, taggable=False)
    chosen, token = page_rows(rows, max_results, next_token)
    return {"IpamPrefixListResolverVersions": chosen, "NextToken": token}


def get_entries(world: World, part: Partition, ipam_prefix_list_resolver_id: str,
                ipam_prefix_list_resolver_version: int, max_results: int | None = None,
                next_token: str | None = None) -> dict[str, Any]:
    """GetIpamPrefixListResolverVersionEntries."""
    rid = ipam_prefix_list_resolver_id
    world.get(part, KIND, rid)
    refresh(world, rid)
    rows = [{"Cidr": c} for c in version(world, rid, ipam_prefix_list_resolver_version)]
    chosen, token = page_rows(rows, max_results, next_token)
    return {"Entries": chosen, "NextToken": token}


# -- views ------------------------------------------------------------------------------------
def view(world: World, rid: str) -> dict[str, Any]:
    """The resolver as boto3's `IpamPrefixListResolver`."""
    node = world.graph.nodes[rid]
    fields = ipam_fields(world, node["IpamId"])
    out: dict[str, Any] = {"OwnerId": node["account"], "IpamPrefixListResolverId": rid,
                           "IpamPrefixListResolverArn": discoveries.arn(node, KIND, rid),
                           "IpamArn": fields["IpamArn"], "IpamRegion": fields["IpamRegion"]}
    if "Description" in node:
        out["Description"] = node["Description"]
    out.update(AddressFamily=node["AddressFamily"], State=node["State"],
               Tags=tagging.listed(node["tags"]), LastVersionCreationStatus="success")
    return out


def created_view(world: World, rid: str) -> dict[str, Any]:
    return {**view(world, rid), "State": "create-in-progress"}


FILTERS: dict[str, Filter] = {"ipam-prefix-list-resolver-id": ident(),
                              "ipam-id": field("IpamId"),
                              "address-family": field("AddressFamily"),
                              "state": field("State")}

FAMILY = declare(Family(KIND, view=view, filters=FILTERS, create=create, delete=delete,
                        created_view=created_view, actions={
    "ModifyIpamPrefixListResolver": Action(modify, state="modify-in-progress"),
    "GetIpamPrefixListResolverRules": get_rules,
    "GetIpamPrefixListResolverVersions": get_versions,
    "GetIpamPrefixListResolverVersionEntries": get_entries}))
