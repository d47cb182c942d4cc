"""Verified Access groups and the Cedar policies of groups and endpoints.

A `verified-access-group` node (`vagr-`) sits in its instance (CONTAINS edge instance ->
group) and holds the group's policy (`policy`: the document, `PolicyEnabled`). Endpoints are
CONTAINS edges group -> endpoint (`verified_access_endpoints`).

AWS's rules kept here: a group needs a live instance; moving a group to another instance
(ModifyVerifiedAccessGroup's `VerifiedAccessInstanceId`) is allowed only while it has no
endpoints; a group with endpoints cannot be deleted; a group shared through AWS RAM
(`core.sharing`) is listed to the accounts it is shared with, which may create endpoints in
it (the group and its policy stay its owner's to change); a policy document must be Cedar
statements (`permit(...)` or `forbid(...)`, optionally with `when`/`unless` blocks, each
ending with `;`), and enabling a policy needs a document.
"""
from __future__ import annotations

import re
from typing import Any

from ..core import schema
from ..core import tags as tagging
from ..core.errors import DependencyViolation, InvalidParameterValue, MissingParameter
from ..core.filters import Filter, field, ident
from ..core.world import Partition, World
from .verified_access import INSTANCE, arn, sse, stamp

GROUP = "verified-access-group"
MAX_POLICY = 20000
_STATEMENT = re.compile(r"\s*(permit|forbid)\s*\(", re.S)


def check_policy(document: str) -> str:
    """`document` if it reads as Cedar statements, else AWS's InvalidParameterValue."""
    if len(document) > MAX_POLICY:
        raise InvalidParameterValue(f"The policy document exceeds {MAX_POLICY} characters.")
    text = re.sub(r'"(\\.|[^"\\])*"', '""', document)    # strings may hold any bracket
    text = re.sub(r"//[^\n]*", "", text)
    *statements, tail = text.split(";")
    if statements and not tail.strip() and all(_STATEMENT.match(s) for s in statements) \
            and _balanced(text):
        return document
    raise InvalidParameterValue(
        "The policy document is invalid: it must contain Cedar permit or forbid statements, "
        "each ending with a semicolon.")


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"(": 1, "{": 1, "[": 1, ")": -1, "}": -1, "]": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def policy_fields(document: str | None, enabled: bool | None, current: dict[str, Any]
                  ) -> dict[str, Any]:
    """The policy after a change: the document (checked) and whether it is enabled."""
    policy = dict(current)
    if document is not None:
        policy["PolicyDocument"] = check_policy(document) if document else ""
    if enabled is not None:
        policy["PolicyEnabled"] = enabled
    elif document is not None:
        policy["PolicyEnabled"] = bool(document)
    if policy.get("PolicyEnabled") and not policy.get("PolicyDocument"):
        raise MissingParameter("A policy document is required to enable the policy.")
    return policy


def policy_answer(node: dict[str, Any]) -> dict[str, Any]:
    policy = node["policy"]
    out: dict[str, Any] = {"PolicyEnabled": bool(policy.get("PolicyEnabled"))}
    if policy.get("PolicyDocument"):
        out["PolicyDocument"] = policy["PolicyDocument"]
    return out


# -- groups -----------------------------------------------------------------------------------
def create(world: World, part: Partition, verified_access_instance_id: str,
           description: str | None = None, policy_document: str | None = None,
           sse_specification: dict[str, Any] | None = None, *,
           tags: dict[str, str] | None = None) -> str:
    """A group in the instance; returns its id."""
    world.get(part, INSTANCE, verified_access_instance_id)
    policy = policy_fields(policy_document, None, {"PolicyEnabled": False})
    encryption = sse(sse_specification)
    vagr = world.new_id("vagr")
    now = stamp()
    world.add(part, GROUP, vagr, Description=description or "", CreationTime=now,
              LastUpdatedTime=now, SseSpecification=encryption, policy=policy)
    world.link(verified_access_instance_id, vagr, schema.CONTAINS)
    tagging.apply(world, vagr, tags or {})
    return vagr


def instance_of(world: World, vagr: str) -> str:
    return world.into(vagr, schema.CONTAINS, INSTANCE)[0][0]


def endpoints_of(world: World, vagr: str) -> list[str]:
    return [vae for vae, _, _ in world.out(vagr, schema.CONTAINS, "verified-access-endpoint")]


def modify(world: World, part: Partition, verified_access_group_id: str,
           verified_access_instance_id: str | None = None,
           description: str | None = None) -> str:
    vagr = verified_access_group_id
    world.get(part, GROUP, vagr)
    changes: dict[str, Any] = {"LastUpdatedTime": stamp()}
    if description is not None:
        changes["Description"] = description
    target = verified_access_instance_id
    if target is not None and target != instance_of(world, vagr):
        world.get(part, INSTANCE, target)
        if endpoints_of(world, vagr):
            raise DependencyViolation(
                f"The Verified Access group {vagr} has endpoints and cannot be moved to "
                "another Verified Access instance.")
        world.unlink(instance_of(world, vagr), vagr, schema.CONTAINS)
        world.link(target, vagr, schema.CONTAINS)
    world.update(vagr, **changes)
    return vagr


def delete(world: World, part: Partition, vagr: str) -> dict[str, Any]:
    """Delete a group without endpoints; the answer carries its deletion time."""
    world.get(part, GROUP, vagr)
    if endpoints_of(world, vagr):
        raise DependencyViolation(f"The Verified Access group {vagr} has Verified Access "
                                  "endpoints and cannot be deleted.")
    answer = {**view(world, vagr), "DeletionTime": stamp()}
    world.remove(vagr)
    return answer


def view(world: World, vagr: str) -> dict[str, Any]:
    node = world.graph.nodes[vagr]
    out: dict[str, Any] = {
        "VerifiedAccessGroupId": vagr, "VerifiedAccessInstanceId": instance_of(world, vagr),
        "Description": node["Description"], "Owner": node["account"],
        "VerifiedAccessGroupArn": arn(world, vagr, GROUP),
        "CreationTime": node["CreationTime"], "LastUpdatedTime": node["LastUpdatedTime"]}
    if node["tags"]:
        out["Tags"] = tagging.listed(node["tags"])
    out["SseSpecification"] = dict(node["SseSpecification"])
    return out


# -- the group's policy -----------------------------------------------------------------------
def get_policy(world: World, part: Partition, verified_access_group_id: str
               ) -> dict[str, Any]:
    return policy_answer(world.get(part, GROUP, verified_access_group_id))


def modify_policy(world: World, part: Partition, verified_access_group_id: str,
                  policy_enabled: bool | None = None, policy_document: str | None = None,
                  sse_specification: dict[str, Any] | None = None) -> dict[str, Any]:
    node = world.get(part, GROUP, verified_access_group_id)
    policy = policy_fields(policy_document, policy_enabled, node["policy"])
    changes: dict[str, Any] = {"policy": policy, "LastUpdatedTime": stamp()}
    if sse_specification is not None:
        changes["SseSpecification"] = sse(sse_specification)
    world.update(verified_access_group_id, **changes)
    return {**policy_answer(node), "SseSpecification": dict(node["SseSpecification"])}


def _by_instance(world: World, part: Partition, value: str) -> list[str]:
    node = world.node(value)
    if node is None or node["kind"] != INSTANCE:
        return []
    return [g for g, _, _ in world.out(value, schema.CONTAINS, GROUP)]


FILTERS: dict[str, Filter] = {
    "verified-access-group-id": ident(),
    "verified-access-instance-id": Filter(lambda w, rid, n: instance_of(w, rid), _by_instance,
                                          exact=True),
    "description": field("Description"),
}

from ..core.family import Family, declare  # noqa: E402  (kept beside the declaration)

FAMILY = declare(Family(
    GROUP, view=view, filters=FILTERS, create=create, delete=delete, max_results=(5, 1000),
    shared=True,
    actions={"ModifyVerifiedAccessGroup": modify,
             "GetVerifiedAccessGroupPolicy": get_policy,
             "ModifyVerifiedAccessGroupPolicy": modify_policy}))
