"""IPAM prefix list resolver targets: a customer-managed prefix list that follows a resolver.

An `ipam-prefix-list-resolver-target` node goes with its resolver (an ASSOCIATED edge to it)
and REFERENCES its prefix list; it holds `PrefixListId`, `PrefixListRegion`,
`TrackLatestVersion`, `DesiredVersion`, `LastSyncedVersion` and `State`. Syncing writes the
resolver version's CIDRs into the list as a new list version (when they differ), so security
group rules and routes that name the list follow; the list stays at its entries when the
target goes. A version with more CIDRs than the list's `MaxEntries` leaves the target
`sync-failed` with AWS's message, the list unchanged.

AWS's rules kept here: the list is the caller's, customer-managed, of the resolver's address
family and followed by one target at most; `TrackLatestVersion` and `DesiredVersion` exclude
each other, and not tracking needs a desired version that exists. Create, Modify and Delete
answer `create-in-progress`, `modify-in-progress`, `delete-in-progress`.
"""
from __future__ import annotations

from typing import Any

from netaddr import IPNetwork

from ..core import schema
from ..core import tags as tagging
from ..core.errors import InvalidParameterCombination, InvalidParameterValue
from ..core.family import Action, Family, declare, removed
from ..core.filters import Filter, field, ident
from ..core.world import Partition, World
from . import ipam_discoveries as discoveries
from . import ipam_resolvers as resolvers
from . import prefix_lists

KIND = resolvers.TARGET
FAMILIES = {"ipv4": "IPv4", "ipv6": "IPv6"}


def _check_versions(world: World, resolver_id: str, desired: int | None,
                    track: bool) -> None:
    if track and desired is not None:
        raise InvalidParameterCombination("DesiredVersion cannot be specified when "
                                          "TrackLatestVersion is true.")
    if not track:
        if desired is None:
            raise InvalidParameterCombination("DesiredVersion is required when "
                                              "TrackLatestVersion is false.")
        resolvers.version(world, resolver_id, desired)


def create(world: World, part: Partition, ipam_prefix_list_resolver_id: str,
           prefix_list_id: str, prefix_list_region: str, track_latest_version: bool,
           desired_version: int | None = None, *, tags: dict[str, str] | None = None) -> str:
    """CreateIpamPrefixListResolverTarget."""
    resolver_id = ipam_prefix_list_resolver_id
    resolver = world.get(part, resolvers.KIND, resolver_id)
    resolvers.refresh(world, resolver_id)
    home = world.partition(part.account, prefix_list_region)
    plist = prefix_lists.owned(world, home, prefix_list_id, "managed by IPAM")
    if plist["AddressFamily"] != FAMILIES[resolver["AddressFamily"]]:
        raise InvalidParameterValue(f"The prefix list {prefix_list_id} is not an "
                                    f"{FAMILIES[resolver['AddressFamily']]} list.")
    if world.into(prefix_list_id, schema.REFERENCES, KIND):
        raise InvalidParameterValue(f"The prefix list {prefix_list_id} is already the target "
                                    "of a prefix list resolver.")
    _check_versions(world, resolver_id, desired_version, track_latest_version)
    rid = world.new_id("ipam-prefix-list-resolver-target")
    fields: dict[str, Any] = {"IpamPrefixListResolverId": resolver_id,
                              "PrefixListId": prefix_list_id,
                              "PrefixListRegion": prefix_list_region,
                              "TrackLatestVersion": track_latest_version,
                              "State": "create-complete"}
    if desired_version is not None:
        fields["DesiredVersion"] = desired_version
    world.add(part, KIND, rid, **fields)
    world.link(rid, resolver_id, schema.ASSOCIATED)
    world.link(rid, prefix_list_id, schema.REFERENCES)
    tagging.apply(world, rid, tags or {})
    sync(world, rid)
    return rid


def modify(world: World, part: Partition, ipam_prefix_list_resolver_target_id: str,
           desired_version: int | None = None, track_latest_version: bool | None = None
           ) -> str:
    """ModifyIpamPrefixListResolverTarget: which version the list follows."""
    rid = ipam_prefix_list_resolver_target_id
    node = world.get(part, KIND, rid)
    resolvers.refresh(world, node["IpamPrefixListResolverId"])
    track = node["TrackLatestVersion"] if track_latest_version is None else track_latest_version
    desired = desired_version if desired_version is not None or track_latest_version is not None \
        else node.get("DesiredVersion")
    if track and track_latest_version is None and desired_version is not None:
        track = False               # naming a version stops tracking the latest
    _check_versions(world, node["IpamPrefixListResolverId"], desired, track)
    world.update(rid, TrackLatestVersion=track, DesiredVersion=desired, State="modify-complete")
    sync(world, rid)
    return rid


def delete(world: World, part: Partition, rid: str) -> dict[str, Any]:
    """DeleteIpamPrefixListResolverTarget: the list keeps its entries."""
    world.get(part, KIND, rid)
    return removed(world, rid, view, "delete-in-progress")


@resolvers.SYNC.register(KIND)
def sync(world: World, rid: str) -> None:
    """Write the version the target follows into its prefix list."""
    node = world.graph.nodes[rid]
    resolver_id = node["IpamPrefixListResolverId"]
    versions = world.graph.nodes[resolver_id]["versions"]
    number = versions[-1][0] if node["TrackLatestVersion"] else node["DesiredVersion"]
    cidrs = resolvers.version(world, resolver_id, number)
    plist = world.graph.nodes[node["PrefixListId"]]
    if len(cidrs) > plist["MaxEntries"]:
        world.update(rid, State="sync-failed",
                     StateMessage=f"The version has {len(cidrs)} CIDRs, more than the "
                                  f"{plist['MaxEntries']} entries the prefix list allows.")
        return
    entries = tuple((c, None) for c in sorted(cidrs, key=IPNetwork))
    if tuple(map(tuple, prefix_lists.current(plist))) != entries:
        new = plist["Version"] + 1
        world.update(node["PrefixListId"], versions={**plist["versions"], new: entries},
                     Version=new, State="modify-complete")
    world.update(rid, LastSyncedVersion=number, State="sync-complete", StateMessage=None)


@prefix_lists.FOLLOW.register(KIND)
def follow(world: World, pl_id: str) -> None:
    """Before a list's entries are read: its resolver cuts a version if the network changed
    (and the list, tracking it, follows)."""
    for target, _, _ in world.into(pl_id, schema.REFERENCES, KIND):
        resolvers.refresh(world, world.graph.nodes[target]["IpamPrefixListResolverId"])


def view(world: World, rid: str) -> dict[str, Any]:
    """The target as boto3's `IpamPrefixListResolverTarget`."""
    node = world.graph.nodes[rid]
    out: dict[str, Any] = {
        "IpamPrefixListResolverTargetId": rid,
        "IpamPrefixListResolverTargetArn": discoveries.arn(node, KIND, rid),
        "IpamPrefixListResolverId": node["IpamPrefixListResolverId"],
        "OwnerId": node["account"], "PrefixListId": node["PrefixListId"],
        "PrefixListRegion": node["PrefixListRegion"]}
    for member in ("DesiredVersion", "LastSyncedVersion"):
        if node.get(member) is not None:
            out[member] = node[member]
    out["TrackLatestVersion"] = node["TrackLatestVersion"]
    if node.get("StateMessage"):
        out["StateMessage"] = node["StateMessage"]
    out.update(State=node["State"], Tags=tagging.listed(node["tags"]))
    return out


def created_view(world: World, rid: str) -> dict[str, Any]:
    return {**view(world, rid), "State": "create-in-progress"}


FILTERS: dict[str, Filter] = {
    "ipam-prefix-list-resolver-target-id": ident(),
    "ipam-prefix-list-resolver-id": field("IpamPrefixListResolverId"),
    "prefix-list-id": field("PrefixListId"), "prefix-list-region": field("PrefixListRegion"),
    "state": field("State"),
}

FAMILY = declare(Family(KIND, view=view, filters=FILTERS, create=create, delete=delete,
                        created_view=created_view, actions={
    "ModifyIpamPrefixListResolverTarget": Action(modify, state="modify-in-progress")}))
