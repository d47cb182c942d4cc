"""Recycle Bin retention rules (the `rbin` service): which deleted snapshots, images or volumes
of an account and region wait in the Recycle Bin, and for how long.

A rule is a `recycle-bin-rule` node whose id is AWS's 11-character identifier; its fields
are rbin's member names (`ResourceType`, `RetentionPeriod`, `ResourceTags`,
`ExcludeResourceTags`, `Description`, `LockConfiguration`, `LockState`, `LockEndTime`).

AWS's rules: a rule keeps one resource type; a tag-level rule names `ResourceTags` (a
resource with any of them matches; a tag without a value matches any value), a
Region-level rule names none and keeps every resource of the type, less those with any of
its `ExcludeResourceTags`; a rule has resource tags or exclusion tags, not both. Only a
Region-level rule can be locked; a locked rule cannot be deleted or have its retention,
type or tags changed; unlocking starts the unlock delay (`pending_unlock`), after which the
rule is `unlocked`. When several rules match, the longest retention wins.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ..core import clock, paging
from ..core.errors import TopologyError
from ..core.world import Partition, World

KIND = "recycle-bin-rule"
RESOURCE_TYPES = {"snapshot": "EBS_SNAPSHOT", "image": "EC2_IMAGE", "volume": "EBS_VOLUME"}
MAX_RULES = 250                  # Recycle Bin quota: retention rules per Region
_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_IDENTIFIER = re.compile(r"[0-9a-zA-Z]{11}")


class ValidationException(TopologyError):
    code = "ValidationException"


class ResourceNotFoundException(TopologyError):
    code, status = "ResourceNotFoundException", 404


class ConflictException(TopologyError):
    code, status = "ConflictException", 409


class ServiceQuotaExceededException(TopologyError):
    code, status = "ServiceQuotaExceededException", 402


# -- rules ------------------------------------------------------------------------------------
def create(world: World, part: Partition, params: dict[str, Any]) -> dict[str, Any]:
    """CreateRule: a new rule, `available` at once; returns CreateRule's answer."""
    _check_tags(params)
    lock = params.get("LockConfiguration")
    if lock is not None and params.get("ResourceTags"):
        raise ValidationException("Only Region-level retention rules can be locked. Remove "
                                  "the resource tags to lock the rule.")
    if len(part.ids(KIND)) >= MAX_RULES:
        raise ServiceQuotaExceededException(
            f"You have reached the maximum number of retention rules ({MAX_RULES}) in this "
            "Region.")
    rule_id = _new_id(world)
    world.add(part, KIND, rule_id, ResourceType=params["ResourceType"],
              RetentionPeriod=params["RetentionPeriod"],
              Description=params.get("Description", ""),
              ResourceTags=params.get("ResourceTags") or [],
              ExcludeResourceTags=params.get("ExcludeResourceTags") or [],
              LockConfiguration=lock, LockState="locked" if lock else "unlocked")
    for tag in params.get("Tags") or []:
        world.tag(rule_id, tag["Key"], tag["Value"])
    out = view(world, rule_id)
    out.pop("LockEndTime", None)
    return {**out, "Tags": [{"Key": k, "Value": v} for k, v in world.tags(rule_id).items()]}


def _new_id(world: World) -> str:
    while True:
        rule_id = "".join(_ALPHABET[world.rng.randrange(len(_ALPHABET))] for _ in range(11))
        if rule_id not in world.graph:
            return rule_id


def _check_tags(params: dict[str, Any]) -> None:
    if params.get("ResourceTags") and params.get("ExcludeResourceTags"):
        raise ValidationException("A retention rule can have either resource tags or "
                                  "exclusion tags, but not both.")


def get(world: World, part: Partition, rule_id: str) -> dict[str, Any]:
    """The rule node, or rbin's ResourceNotFoundException (ValidationException for an
    identifier of the wrong shape)."""
    if not _IDENTIFIER.fullmatch(rule_id):
        raise ValidationException(f"1 validation error detected: Value '{rule_id}' at "
                                  "'identifier' failed to satisfy constraint: Member must "
                                  "satisfy regular expression pattern: [0-9a-zA-Z]{11}")
    node = world.node(rule_id)
    if node is None or node["kind"] != KIND or node["account"] != part.account \
            or node["region"] != part.region:
        raise ResourceNotFoundException(f"Rule {rule_id} not found.")
    return node


def view(world: World, rule_id: str) -> dict[str, Any]:
    """The rule as GetRule answers it."""
    node = world.graph.nodes[rule_id]
    state, ends = lock_state(node)
    out = {"Identifier": rule_id, "Description": node["Description"],
           "ResourceType": node["ResourceType"], "RetentionPeriod": node["RetentionPeriod"],
           "ResourceTags": node["ResourceTags"], "Status": "available",
           "LockConfiguration": node.get("LockConfiguration"), "LockState": state,
           "LockEndTime": ends, "RuleArn": arn(node, rule_id),
           "ExcludeResourceTags": node["ExcludeResourceTags"]}
    return {k: v for k, v in out.items() if v is not None}


def arn(node: dict[str, Any], rule_id: str) -> str:
    return f"arn:aws:rbin:{node['region']}:{node['account']}:rule/{rule_id}"


def lock_state(node: dict[str, Any]) -> tuple[str, dt.datetime | None]:
    """(LockState, LockEndTime): a pending unlock is over once its delay has passed."""
    ends = node.get("LockEndTime")
    if node["LockState"] == "pending_unlock" and ends is not None and clock.now() >= ends:
        return "unlocked", None
    return node["LockState"], ends


def summary(world: World, rule_id: str) -> dict[str, Any]:
    """The rule as ListRules lists it (`RuleSummary`)."""
    out = view(world, rule_id)
    keep = ("Identifier", "Description", "RetentionPeriod", "LockState", "RuleArn")
    return {k: out[k] for k in keep if k in out}


def listed(world: World, part: Partition, params: dict[str, Any]) -> dict[str, Any]:
    """ListRules: the rules of one resource type, narrowed by tags and lock state."""
    chosen = [r for r in part.ids(KIND) if _listed(world.graph.nodes[r], params)]
    try:
        page, token = paging.page(world, chosen, params.get("MaxResults"),
                                  params.get("NextToken"))
    except TopologyError:
        raise ValidationException("The specified pagination token is not valid.")
    return {"Rules": [summary(world, r) for r in page], "NextToken": token}


def _listed(node: dict[str, Any], params: dict[str, Any]) -> bool:
    if node["ResourceType"] != params["ResourceType"]:
        return False
    if "LockState" in params and lock_state(node)[0] != params["LockState"]:
        return False
    for member in ("ResourceTags", "ExcludeResourceTags"):
        wanted = params.get(member)
        if wanted and not all(tag in node[member] for tag in wanted):
            return False
    return True


def update(world: World, part: Partition, params: dict[str, Any]) -> dict[str, Any]:
    """UpdateRule: a locked rule takes a new description only."""
    rule_id = params["Identifier"]
    node = get(world, part, rule_id)
    _check_tags(params)
    changes = {k: params[k] for k in ("RetentionPeriod", "ResourceType", "ResourceTags",
                                      "ExcludeResourceTags") if k in params}
    if changes and lock_state(node)[0] != "unlocked":
        raise ConflictException(f"Rule {rule_id} is locked: only its description can be "
                                "changed.")
    if changes.get("ResourceTags") and node["ExcludeResourceTags"] \
            and "ExcludeResourceTags" not in changes:
        changes["ExcludeResourceTags"] = []
    if changes.get("ExcludeResourceTags") and node["ResourceTags"] \
            and "ResourceTags" not in changes:
        changes["ResourceTags"] = []
    if "Description" in params:
        changes["Description"] = params["Description"]
    world.update(rule_id, **changes)
    out = view(world, rule_id)
    out.pop("LockConfiguration", None)
    return out


def delete(world: World, part: Partition, rule_id: str) -> None:
    """DeleteRule: refused while the rule is locked or its unlock delay runs."""
    node = get(world, part, rule_id)
    if lock_state(node)[0] != "unlocked":
        raise ConflictException(f"Rule {rule_id} is locked and cannot be deleted.")
    world.remove(rule_id)


def lock(world: World, part: Partition, rule_id: str, config: dict[str, Any]
         ) -> dict[str, Any]:
    """LockRule: a Region-level rule only."""
    node = get(world, part, rule_id)
    if node["ResourceTags"]:
        raise ValidationException("Only Region-level retention rules can be locked.")
    if lock_state(node)[0] == "locked":
        raise ConflictException(f"Rule {rule_id} is already locked.")
    world.update(rule_id, LockConfiguration=config, LockState="locked", LockEndTime=None)
    out = view(world, rule_id)
    out.pop("LockEndTime", None)
    return out


def unlock(world: World, part: Partition, rule_id: str) -> dict[str, Any]:
    """UnlockRule: the rule stays locked for its unlock delay (`pending_unlock`)."""
    node = get(world, part, rule_id)
    if lock_state(node)[0] != "locked":
        raise ConflictException(f"Rule {rule_id} is not locked.")
    delay = node["LockConfiguration"]["UnlockDelay"]["UnlockDelayValue"]
    world.update(rule_id, LockState="pending_unlock",
                 LockEndTime=clock.now() + dt.timedelta(days=delay))
    return view(world, rule_id)


# -- tags -------------------------------------------------------------------------------------
def by_arn(world: World, part: Partition, rule_arn: str) -> str:
    prefix = f"arn:aws:rbin:{part.region}:{part.account}:rule/"
    rule_id = rule_arn[len(prefix):] if rule_arn.startswith(prefix) else rule_arn
    if not rule_arn.startswith(prefix):
        raise ResourceNotFoundException(f"Resource {rule_arn} not found.")
    get(world, part, rule_id)
    return rule_id


def tags_of(world: World, part: Partition, rule_arn: str) -> list[dict[str, str]]:
    rule_id = by_arn(world, part, rule_arn)
    return [{"Key": k, "Value": v} for k, v in world.tags(rule_id).items()]


def tag(world: World, part: Partition, rule_arn: str, tags: list[dict[str, str]]) -> None:
    rule_id = by_arn(world, part, rule_arn)
    if len({**world.tags(rule_id), **{t["Key"]: t["Value"] for t in tags}}) > 50:
        raise ServiceQuotaExceededException("A rule can have at most 50 tags.")
    for item in tags:
        world.tag(rule_id, item["Key"], item["Value"])


def untag(world: World, part: Partition, rule_arn: str, keys: list[str]) -> None:
    rule_id = by_arn(world, part, rule_arn)
    for key in keys:
        if key in world.tags(rule_id):
            world.untag(rule_id, key)


# -- matching ---------------------------------------------------------------------------------
def retention(world: World, part: Partition, rid: str) -> tuple[str, int] | None:
    """(rule id, days) of the rule that keeps `rid` when it is deleted: the longest of the
    rules matching its type and tags; None if none does."""
    node = world.graph.nodes[rid]
    wanted = RESOURCE_TYPES.get(node["kind"])
    best: tuple[str, int] | None = None
    for rule_id in part.ids(KIND):
        rule = world.graph.nodes[rule_id]
        if rule["ResourceType"] != wanted or not _matches(rule, node["tags"]):
            continue
        days = rule["RetentionPeriod"]["RetentionPeriodValue"]
        if best is None or days > best[1]:
            best = (rule_id, days)
    return best


def _matches(rule: dict[str, Any], tags: dict[str, str]) -> bool:
    def has(tag: dict[str, str]) -> bool:
        key = tag["ResourceTagKey"]
        return key in tags and tag.get("ResourceTagValue") in (None, "", tags[key])
    if rule["ResourceTags"]:
        return any(has(t) for t in rule["ResourceTags"])
    return not any(has(t) for t in rule["ExcludeResourceTags"])
