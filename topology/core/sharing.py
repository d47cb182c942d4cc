"""What one account shares with others, as AWS RAM grants it, and the AWS Organizations
those accounts belong to.

RAM and Organizations are other services; ec2sim keeps only what EC2 sees of them: which
accounts form an organization, and which principals (account ids, an organization) a
resource is shared with. A shared resource stays in its owner's partition; the consumer
account of the same region sees it in its describes (`OwnerId` is the owner's) and may use
it where AWS lets a participant (`can_use`, `usable`). Inside an organization RAM accepts
shares by itself (sharing with AWS Organizations enabled), so a grant takes effect at once.

Storage is the world's own, so snapshots and state files keep it: organization membership
is a value claim in the pseudo-partition (`organizations`, `global`); a grant is the
resource's `SharedWith` field plus a claim per principal in the region's pseudo-partition
(`shares`, region), the index `shared_into` reads instead of scanning.

>>> principal("arn:aws:organizations::111122223333:organization/o-exampleorgid")
'o-exampleorgid'
>>> principal("444455556666")
'444455556666'
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from .errors import InvalidParameterValue
from .partition import Partition
from .world import World, not_found

ORGS, GLOBAL = "organizations", "global"   # pseudo-partition: account -> organization
SHARES = "shares"                          # pseudo-partition per region: grants by principal
MEMBER = "organization-member"             # value index: account id -> organization id
MANAGER = "organization-management"        # value index: organization id -> management account

# The kinds whose families honour a grant (describe and use by the participant).
SHAREABLE = frozenset({"transit-gateway", "ipam-pool", "traffic-mirror-target",
                       "verified-access-group", "local-gateway-route-table", "coip-pool",
                       "ipam-resource-discovery", "capacity-reservation"})

_ACCOUNT = re.compile(r"\d{12}")
_ORG_ID = re.compile(r"o-[a-z0-9]{10,32}")
_ORG_ARN = re.compile(r"arn:aws[\w-]*:organizations::\d{12}:(?:organization|ou)/(o-[a-z0-9]{10,32})"
                      r"(?:/ou-[a-z0-9-]+)?")


def principal(text: str) -> str:
    """An account id or an organization id, from an account id, organization id, or an
    organization or organizational-unit ARN (an OU is taken as its whole organization)."""
    if _ACCOUNT.fullmatch(text) or _ORG_ID.fullmatch(text):
        return text
    match = _ORG_ARN.fullmatch(text)
    if match:
        return match.group(1)
    raise InvalidParameterValue(
        f"Value ({text}) for parameter principal is invalid. Expecting a 12-digit account id, "
        "an organization id (o-...) or an organization or organizational unit ARN.")


def _orgs(world: World) -> Partition:
    return world.partition(ORGS, GLOBAL, setup=_nothing)


def _shares(world: World, region: str) -> Partition:
    return world.partition(SHARES, region, setup=_nothing)


def _nothing(world: World, part: Partition) -> None:
    """A pseudo-partition starts empty (no default VPC)."""


# -- organizations ----------------------------------------------------------------------------
def join(world: World, org_id: str, accounts: Iterable[str], management: str) -> None:
    """Make `accounts` (and the management account) members of organization `org_id`.
    An account belongs to one organization at a time."""
    if not _ORG_ID.fullmatch(org_id):
        raise InvalidParameterValue(
            f"Value ({org_id}) for parameter organization id is invalid. Expecting o- and "
            "10 to 32 lowercase letters or digits.")
    members = list(dict.fromkeys([management, *accounts]))
    for account in members:
        if not _ACCOUNT.fullmatch(account):
            raise InvalidParameterValue(
                f"Value ({account}) for parameter account is invalid. Expecting 12 digits.")
        current = organization_of(world, account)
        if current not in (None, org_id):
            raise InvalidParameterValue(
                f"The account {account} is already a member of organization {current}.")
    orgs = _orgs(world)
    held = world.claimed(orgs, MANAGER, org_id)
    if held and management not in held:
        raise InvalidParameterValue(
            f"The organization {org_id} is managed by {next(iter(held))}, not {management}.")
    world.claim(orgs, MANAGER, org_id, management)
    for account in members:
        world.claim(orgs, MEMBER, account, org_id)


def organization_of(world: World, account: str) -> str | None:
    held = world.claimed(_orgs(world), MEMBER, account)
    return next(iter(held), None)


def management_account(world: World, org_id: str) -> str | None:
    return next(iter(world.claimed(_orgs(world), MANAGER, org_id)), None)


def delegated_admin(world: World, org_id: str, service: str) -> str | None:
    """The member account the organization made `service`'s delegated administrator."""
    return next(iter(world.claimed(_orgs(world), f"delegated:{service}", org_id)), None)


def delegate(world: World, org_id: str, service: str, account: str | None) -> None:
    """Make `account` (None: nobody) `service`'s delegated administrator for the
    organization, as Organizations' RegisterDelegatedAdministrator does."""
    orgs, name = _orgs(world), f"delegated:{service}"
    for held in list(world.claimed(orgs, name, org_id)):
        world.unclaim(orgs, name, org_id, held)
    if account is not None:
        world.claim(orgs, name, org_id, account)


def organizations(world: World) -> list[dict[str, Any]]:
    """Every organization: `{Id, ManagementAccountId, Accounts}`."""
    orgs = _orgs(world)
    members: dict[str, list[str]] = {}
    for account, held in sorted(orgs.by_value.get(MEMBER, {}).items()):
        for org_id in held:
            members.setdefault(org_id, []).append(account)
    return [{"Id": org_id, "ManagementAccountId": management_account(world, org_id),
             "Accounts": accounts} for org_id, accounts in sorted(members.items())]


# -- grants -----------------------------------------------------------------------------------
def share(world: World, owner: Partition, rid: str, principals: Iterable[str]) -> None:
    """Share the owner's resource `rid` with `principals` (account ids, organizations)."""
    node = _owned(world, owner, rid)
    granted = list(node.get("SharedWith") or [])
    shares = _shares(world, owner.region)
    for who in (principal(p) for p in principals):
        if who == owner.account or who in granted:
            continue
        granted.append(who)
        world.claim(shares, f"shared:{node['kind']}", who, rid)
    world.update(rid, SharedWith=granted or None)


def unshare(world: World, owner: Partition, rid: str, principals: Iterable[str]) -> None:
    """Stop sharing `rid` with `principals` (those it was not shared with are ignored)."""
    node = _owned(world, owner, rid)
    dropped = {principal(p) for p in principals}
    shares = _shares(world, owner.region)
    for who in dropped & set(node.get("SharedWith") or []):
        world.unclaim(shares, f"shared:{node['kind']}", who, rid)
    kept = [p for p in node.get("SharedWith") or [] if p not in dropped]
    world.update(rid, SharedWith=kept or None)


def _owned(world: World, owner: Partition, rid: str) -> dict[str, Any]:
    node = world.node(rid)
    if node is None or node["account"] != owner.account or node["region"] != owner.region:
        raise InvalidParameterValue(
            f"The resource {rid} does not exist in account {owner.account} in "
            f"{owner.region}, so that account cannot share it.")
    if node["kind"] not in SHAREABLE:
        raise InvalidParameterValue(
            f"The resource {rid} ({node['kind']}) cannot be shared; shareable kinds: "
            f"{', '.join(sorted(SHAREABLE))}.")
    return node


def shared_with(world: World, rid: str) -> list[str]:
    node = world.node(rid)
    return list(node.get("SharedWith") or []) if node else []


def can_use(world: World, part: Partition, rid: str) -> bool:
    """Whether `part`'s account owns `rid` or has it shared (directly or through its
    organization), in the same region."""
    node = world.node(rid)
    if node is None or node["region"] != part.region:
        return False
    if node["account"] == part.account:
        return True
    granted = node.get("SharedWith") or ()
    return part.account in granted or organization_of(world, part.account) in granted


def shared_into(world: World, part: Partition, kind: str) -> list[str]:
    """The ids of `kind` other accounts share with `part`'s account, in creation order."""
    shares = _shares(world, part.region)
    found = set(world.claimed(shares, f"shared:{kind}", part.account))
    org_id = organization_of(world, part.account)
    if org_id is not None:
        found |= world.claimed(shares, f"shared:{kind}", org_id)
    nodes = world.graph.nodes
    live = [rid for rid in found if world.node(rid) is not None
            and nodes[rid]["account"] != part.account]
    return sorted(live, key=lambda rid: nodes[rid]["seq"])


def usable(world: World, part: Partition, kind: str, rid: str) -> dict[str, Any]:
    """The live node `rid` of `kind` that `part`'s account owns or has shared; like
    `World.get`, `Malformed` or `NotFound` otherwise."""
    node = world.node(rid)
    if node is not None and node["kind"] == kind and can_use(world, part, rid):
        return node
    raise not_found(kind, rid)
