"""Managed prefix lists: customer-managed lists with versioned entries, and the AWS-managed
lists of a region (`com.amazonaws.<region>.s3` and `.dynamodb`).

A list is a `prefix-list` node. Its entries are the internal field `versions`
(version number -> tuple of `(cidr, description)`), replaced copy-on-write so that undo and
DryRun work; `Version` names the current one. Only adding or removing entries makes a new
version; renaming or resizing does not.

AWS-managed lists live once per region in the partition of the pseudo-account `AWS`, built on
first use outside any request (like the public AMI catalogue). Their ids are stable per
region: the real ones where we know them (us-east-1), a hash of region and name elsewhere.
Every account of the region sees them; nobody may modify or delete them, and AWS shows no
version or size for them.

Who uses a list: security group rules (REFERENCES edges), gateway endpoints (ASSOCIATED
edges) and routes, whose destination names the list (a route edge is discriminated by the
list id, not linked to it). Deleting a list that is still used is accepted, as on AWS, but
the list stays, in `delete-failed` with a state message naming what uses it.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from netaddr import AddrFormatError, IPNetwork

from ..core import paging, schema
from ..core import tags as tagging
from ..core.described import Import
from ..core.errors import InvalidParameterCombination, InvalidParameterValue, TopologyError
from ..core.family import Action, Family, declare
from ..core.filters import Filter, field, ident
from ..core.registry import Registry
from ..core.world import Partition, World, not_found

KIND = "prefix-list"
PUBLIC = "AWS"                      # pseudo-account owning the AWS-managed lists
FAMILIES = {"IPv4": 4, "IPv6": 6}
MAX_ENTRIES = 1000                  # AWS's quota of entries per customer-managed list
MAX_CHANGES = 100                   # AddEntries / RemoveEntries items per request
MAX_NAME = 255
RESERVED_NAMES = ("com.amazonaws.", "com.amazon.", "com.aws.")
AWS_SERVICES = ("s3", "dynamodb")   # services with an AWS-managed list (gateway endpoints)

# AWS's own ids and ranges where we know them; other regions derive theirs (`_aws_list`)
KNOWN: dict[tuple[str, str], tuple[str, tuple[str, ...]]] = {
    ("us-east-1", "s3"): ("pl-63a5400a", (
        "3.5.0.0/19", "16.15.176.0/20", "16.182.0.0/16", "18.34.0.0/19", "18.34.232.0/21",
        "52.216.0.0/15", "54.231.0.0/16")),
    ("us-east-1", "dynamodb"): ("pl-02cd2c6b", (
        "3.218.180.0/22", "3.218.184.0/22", "52.94.0.0/22", "52.119.224.0/20")),
}


# -- the AWS-managed lists ----------------------------------------------------------------------
def aws_name(region: str, service: str) -> str:
    return f"com.amazonaws.{region}.{service}"


def _aws_list(region: str, service: str) -> tuple[str, tuple[str, ...]]:
    """(id, CIDRs) of the AWS-managed list of `service` in `region`: stable per region.

    >>> _aws_list("us-east-1", "s3")[0]
    'pl-63a5400a'
    >>> _aws_list("eu-west-3", "s3") == _aws_list("eu-west-3", "s3")
    True
    """
    known = KNOWN.get((region, service))
    if known is not None:
        return known
    digest = hashlib.sha256(f"{region}/{service}".encode()).hexdigest()
    h = int(digest[8:16], 16)
    if service == "s3":
        cidrs = (f"3.5.{32 * (h % 8)}.0/19", f"16.{12 + (h >> 3) % 200}.{16 * (h % 16)}.0/20",
                 f"52.{92 + 2 * ((h >> 5) % 60)}.0.0/15")
    else:
        cidrs = (f"52.94.{4 * (h % 64)}.0/22", f"52.119.{16 * ((h >> 6) % 16)}.0/20")
    return f"pl-{digest[:8]}", cidrs


def install(world: World, part: Partition) -> None:
    """Add the region's AWS-managed lists to the public partition (its `setup`)."""
    for service in AWS_SERVICES:
        pl_id, cidrs = _aws_list(part.region, service)
        entries = tuple((c, None) for c in cidrs)
        world.add(part, KIND, pl_id, PrefixListName=aws_name(part.region, service),
                  AddressFamily="IPv4", State="create-complete", Version=1,
                  MaxEntries=len(cidrs), versions={1: entries})
        world.claim(part, "prefix-list-name", aws_name(part.region, service), pl_id)


def public_partition(world: World, region: str) -> Partition:
    return world.partition(PUBLIC, region, setup=install)


def aws_managed(world: World, region: str, service_name: str) -> str | None:
    """The id of the AWS-managed list named `service_name` in `region`, if any."""
    pub = public_partition(world, region)
    found = world.claimed(pub, "prefix-list-name", service_name)
    return next(iter(found), None)


def aws_ids(world: World, region: str) -> list[str]:
    return list(public_partition(world, region).ids(KIND))


def is_aws_managed(node: dict[str, Any]) -> bool:
    return node["account"] == PUBLIC


# -- finding a list -------------------------------------------------------------------------------
def find(world: World, part: Partition, pl_id: str) -> dict[str, Any]:
    """A list the caller sees: its own or an AWS-managed list of its region."""
    public_partition(world, part.region)
    node = world.node(pl_id)
    if node is None or node["kind"] != KIND or node["region"] != part.region or \
            node["account"] not in (part.account, PUBLIC):
        raise not_found(KIND, pl_id)
    return node


def owned(world: World, part: Partition, pl_id: str, verb: str) -> dict[str, Any]:
    """A customer-managed list of the caller's, which it may change (`verb`: what it does)."""
    node = find(world, part, pl_id)
    if is_aws_managed(node):
        raise TopologyError(f"The prefix list {pl_id} is an AWS-managed prefix list and cannot "
                            f"be {verb}.", "UnsupportedOperation")
    return node


# what brings a list that something else manages up to date before its entries are read
# (`ipam_resolver_targets`: a list that follows an IPAM prefix list resolver)
FOLLOW: Registry[Callable[[World, str], None]] = Registry(
    "bring a managed prefix list up to date before its entries are read")


def current(node: dict[str, Any]) -> tuple[tuple[str, str | None], ...]:
    return node.get("versions", {}).get(node.get("Version"), ())


def cidrs(world: World, pl_id: str) -> list[str]:
    """The list's current CIDRs (what routes and rules that name it stand for)."""
    return [c for c, _ in current(world.graph.nodes[pl_id])]


# -- entries --------------------------------------------------------------------------------------
def _network(text: Any, family: str) -> str:
    """`text` as a canonical CIDR of `family`, or AWS's InvalidParameterValue."""
    version = FAMILIES[family]
    try:
        raw = str(text)
        if "/" not in raw:
            raise AddrFormatError(raw)
        net = IPNetwork(raw)
    except (AddrFormatError, ValueError, TypeError):
        raise InvalidParameterValue(f"The CIDR '{text}' is invalid.")
    if net.version != version:
        raise InvalidParameterValue(
            f"The CIDR '{text}' does not match the address family {family} of the prefix "
            "list.")
    return str(net.cidr)


def _entries(items: Iterable[dict[str, Any]], family: str) -> list[tuple[str, str | None]]:
    out: dict[str, str | None] = {}
    for item in items:
        cidr = _network(item.get("Cidr"), family)
        description = item.get("Description")
        if description is not None and len(description) > 255:
            raise InvalidParameterValue(
                f"The description for the entry {cidr} exceeds 255 characters.")
        if cidr in out:
            raise InvalidParameterValue(f"Request cannot contain duplicate Cidr {cidr}.")
        out[cidr] = description
    return list(out.items())


def _sorted(entries: Iterable[tuple[str, str | None]]) -> tuple[tuple[str, str | None], ...]:
    """Entries in address order, as AWS lists them."""
    return tuple(sorted(entries, key=lambda e: (IPNetwork(e[0]).version, IPNetwork(e[0]).first,
                                                IPNetwork(e[0]).prefixlen)))


def _too_many(count: int, most: int) -> TopologyError:
    return TopologyError(f"The prefix list has {count} entries, which exceeds its maximum of "
                         f"{most} entries.", "PrefixListMaxEntriesExceeded")


def _check_name(name: str) -> None:
    if not name or len(name) > MAX_NAME:
        raise InvalidParameterValue(
            f"The prefix list name must be between 1 and {MAX_NAME} characters long.")
    if name.startswith(RESERVED_NAMES):
        raise InvalidParameterValue("The prefix list name cannot begin with "
                                    f"({', '.join(RESERVED_NAMES)}).")


def _check_max(value: int) -> None:
    if not 1 <= value <= MAX_ENTRIES:
        raise InvalidParameterValue(
            f"The value ({value}) for MaxEntries is invalid. It must be between 1 and "
            f"{MAX_ENTRIES}.")


# -- create / modify / delete ---------------------------------------------------------------------
def create(world: World, part: Partition, name: str, max_entries: int, family: str,
           entries: Sequence[dict[str, Any]] = (), tags: dict[str, str] | None = None) -> str:
    """CreateManagedPrefixList: a list at version 1 (entries validated against the family)."""
    _check_name(name)
    if family not in FAMILIES:
        raise InvalidParameterValue(
            f"The value ({family}) for AddressFamily is invalid. Valid values are IPv4 and "
            "IPv6.")
    _check_max(max_entries)
    parsed = _entries(entries, family)
    if len(parsed) > max_entries:
        raise _too_many(len(parsed), max_entries)
    pl_id = world.new_id("pl")
    world.add(part, KIND, pl_id, PrefixListName=name, AddressFamily=family,
              MaxEntries=max_entries, Version=1, State="create-complete",
              versions={1: _sorted(parsed)})
    tagging.apply(world, pl_id, tags or {})
    return pl_id


def modify(world: World, part: Partition, pl_id: str, params: dict[str, Any]) -> None:
    """ModifyManagedPrefixList: rename, resize, or add and remove entries (a new version)."""
    node = owned(world, part, pl_id, "modified")
    adds, removes = params.get("AddEntries") or [], params.get("RemoveEntries") or []
    max_entries, name = params.get("MaxEntries"), params.get("PrefixListName")
    if (adds or removes) and world.into(pl_id, schema.REFERENCES,
                                        "ipam-prefix-list-resolver-target"):
        raise TopologyError(f"The prefix list {pl_id} is managed by an IPAM prefix list "
                            "resolver: its entries follow the resolver.",
                            "InvalidPrefixListModification")
    if max_entries is not None and (adds or removes):
        raise InvalidParameterCombination(
            "You cannot modify the entries and the maximum number of entries for the prefix "
            "list in the same request.")
    version = params.get("CurrentVersion")
    if version is not None and version != node["Version"]:
        raise TopologyError("The prefix list has the incorrect version number.",
                            "PrefixListVersionMismatch")
    if len(adds) > MAX_CHANGES or len(removes) > MAX_CHANGES:
        raise InvalidParameterValue(
            f"The request cannot contain more than {MAX_CHANGES} entry additions or removals.")
    if name is not None:
        _check_name(name)
    fields: dict[str, Any] = {"State": "modify-complete"}
    if name is not None:
        fields["PrefixListName"] = name
    if max_entries is not None:
        _check_max(max_entries)
        if len(current(node)) > max_entries:
            raise _too_many(len(current(node)), max_entries)
        fields["MaxEntries"] = max_entries
    if adds or removes:
        entries = _changed(node, adds, removes)
        new = node["Version"] + 1
        fields.update(versions={**node["versions"], new: entries}, Version=new)
    world.update(pl_id, **fields)


def _changed(node: dict[str, Any], adds: list[dict[str, Any]], removes: list[dict[str, Any]]
             ) -> tuple[tuple[str, str | None], ...]:
    family = node["AddressFamily"]
    added = _entries(adds, family)
    removed = [_network(item.get("Cidr"), family) for item in removes]
    both = {c for c, _ in added} & set(removed)
    if both:
        raise InvalidParameterValue(
            f"Request cannot contain Cidr {sorted(both)[0]} in both AddPrefixListEntries and "
            "RemovePrefixListEntries")
    entries = dict(current(node))
    for cidr in removed:
        if cidr not in entries:
            raise TopologyError(f"The request cannot be completed. The entry {cidr} does not "
                                "exist.", "InvalidPrefixListModification")
        del entries[cidr]
    for cidr, description in added:
        if cidr in entries:
            raise TopologyError(f"The request cannot be completed. The entry {cidr} already "
                                "exists.", "InvalidPrefixListModification")
        entries[cidr] = description
    if len(entries) > node["MaxEntries"]:
        raise _too_many(len(entries), node["MaxEntries"])
    return _sorted(entries.items())


def restore(world: World, part: Partition, pl_id: str, previous: int, version: int) -> None:
    """RestoreManagedPrefixListVersion: the entries of `previous` become a new version."""
    node = owned(world, part, pl_id, "modified")
    if version != node["Version"]:
        raise TopologyError("The prefix list has the incorrect version number.",
                            "PrefixListVersionMismatch")
    entries = node["versions"].get(previous)
    if entries is None or previous == version:
        raise InvalidParameterValue(
            f"The prefix list {pl_id} does not have a version {previous} to restore.")
    if len(entries) > node["MaxEntries"]:
        raise _too_many(len(entries), node["MaxEntries"])
    new = version + 1
    world.update(pl_id, versions={**node["versions"], new: entries}, Version=new,
                 State="restore-complete")


def associations(world: World, part: Partition, pl_id: str) -> list[dict[str, str]]:
    """GetManagedPrefixListAssociations: the security groups and route tables using a list."""
    owned(world, part, pl_id, "inspected")
    nodes = world.graph.nodes
    return [{"ResourceId": rid, "ResourceOwner": nodes[rid]["account"]}
            for rid in references(world, pl_id)
            if nodes[rid]["kind"] in ("security-group", "route-table")]


def references(world: World, pl_id: str) -> list[str]:
    """What uses the list: security groups (through their rules), route tables, endpoints.

    Routes name a list as their destination (the route edge's discriminator) rather than
    linking to it, so the route tables of the list's partition are read here; deleting a
    list is rare, and the tables are found through the partition's index.
    """
    node = world.graph.nodes[pl_id]
    users: dict[str, None] = {}
    for rule, _, _ in world.into(pl_id, schema.REFERENCES, "security-group-rule"):
        for sg, _, _ in world.into(rule, schema.CONTAINS, "security-group"):
            users[sg] = None
    for vpce, _, _ in world.into(pl_id, schema.ASSOCIATED, "vpc-endpoint"):
        users[vpce] = None
    for tgw_rtb, _, _ in world.into(pl_id, schema.REFERENCES, "transit-gateway-route-table"):
        users[tgw_rtb] = None
    part = world.partition(node["account"], node["region"])
    for rtb in part.ids("route-table"):
        if any(disc == pl_id for _, disc, _ in world.out(rtb, schema.ROUTE)):
            users[rtb] = None
    return list(users)


def delete(world: World, part: Partition, pl_id: str) -> dict[str, Any]:
    """DeleteManagedPrefixList; the list as the call reports it (`delete-in-progress`).

    A list still referenced stays, `delete-failed`, with a message naming its users: AWS
    accepts the call and fails the deletion afterwards.
    """
    owned(world, part, pl_id, "deleted")
    reported = view(world, pl_id, state="delete-in-progress")
    users = references(world, pl_id)
    if users:
        world.update(pl_id, State="delete-failed",
                     StateMessage=f"The prefix list {pl_id} is referenced by the following "
                                  f"resources: {', '.join(users[:10])}.")
    else:
        world.remove(pl_id)
    return reported


def entries(world: World, part: Partition, pl_id: str, version: int | None = None
            ) -> list[dict[str, str]]:
    """GetManagedPrefixListEntries: the entries of the current (or a given) version."""
    node = find(world, part, pl_id)
    for _, follow in FOLLOW.items():       # a list IPAM manages catches up first
        follow(world, pl_id)
    chosen = node["Version"] if version is None or is_aws_managed(node) else version
    found = node.get("versions", {}).get(chosen)
    if found is None:
        raise InvalidParameterValue(
            f"The prefix list {pl_id} does not have a version {version}.")
    return [{"Cidr": c, **({"Description": d} if d is not None else {})} for c, d in found]


# -- views and filters ------------------------------------------------------------------------------
def arn(node: dict[str, Any], pl_id: str) -> str:
    owner = "aws" if is_aws_managed(node) else node["account"]
    return f"arn:aws:ec2:{node['region']}:{owner}:prefix-list/{pl_id}"


def owner_id(node: dict[str, Any]) -> str:
    return "AWS" if is_aws_managed(node) else node["account"]


def view(world: World, pl_id: str, state: str | None = None) -> dict[str, Any]:
    """The list as boto3's `ManagedPrefixList` (AWS shows no size or version for its own)."""
    node = world.graph.nodes[pl_id]
    out: dict[str, Any] = {
        "PrefixListId": pl_id, "AddressFamily": node.get("AddressFamily", "IPv4"),
        "State": state or node.get("State", "create-complete"),
        "PrefixListArn": arn(node, pl_id), "PrefixListName": node.get("PrefixListName", ""),
        "Tags": tagging.listed(node["tags"]),
        "OwnerId": owner_id(node)}
    if node.get("StateMessage") and state is None:
        out["StateMessage"] = node["StateMessage"]
    if not is_aws_managed(node):
        out["MaxEntries"] = node.get("MaxEntries", 0)
        out["Version"] = node.get("Version", 1)
    return out


def service_view(world: World, pl_id: str) -> dict[str, Any]:
    """An AWS-managed list as boto3's `PrefixList` (DescribePrefixLists)."""
    node = world.graph.nodes[pl_id]
    return {"Cidrs": cidrs(world, pl_id), "PrefixListId": pl_id,
            "PrefixListName": node["PrefixListName"]}


SERVICE_FILTERS: dict[str, Filter] = {
    "prefix-list-id": ident(),
    "prefix-list-name": field("PrefixListName"),
}
FILTERS: dict[str, Filter] = {
    **SERVICE_FILTERS,
    "owner-id": Filter(lambda w, rid, n: owner_id(n)),
}


# -- paging plain lists (entries, permissions, service names) --------------------------------------
def page_rows(rows: Sequence[Any], max_results: int | None, token: str | None
              ) -> tuple[list[Any], str | None]:
    """A page of `rows` (a list that is not graph nodes) and the token for the next."""
    start = paging.decode(token, "offset", _is_offset) if token else 0
    end = len(rows) if not max_results else start + max_results
    chosen = list(rows[start:end])
    if end >= len(rows):
        return chosen, None
    return chosen, paging.encode("offset", end)


def _is_offset(position: Any) -> bool:
    return isinstance(position, int) and not isinstance(position, bool) and position >= 0


# -- import: one described item into the graph (topology/provision/importer.py) -------------
ENTRIES_CALL = "GetManagedPrefixListEntries"


def imported(imp: Import, item: dict[str, Any]) -> None:
    """A described customer-managed list at its current version, with the entries
    GetManagedPrefixListEntries gave; AWS-managed ones are ec2sim's own."""
    pl_id = item.get("PrefixListId", "")
    if item.get("OwnerId") == PUBLIC:
        imp.skip(KIND, "AWS-managed (ec2sim provides its own for the region)")
        return
    if not imp.asked(ENTRIES_CALL, pl_id) and item.get("MaxEntries"):
        imp.skip("prefix-list entries", f"{pl_id}: {ENTRIES_CALL} was not given (the list "
                 "is imported empty)")
    version = int(item.get("Version") or 1)
    current = _sorted((e["Cidr"], e.get("Description")) for e in imp.found(ENTRIES_CALL, pl_id))
    fields = {k: item[k] for k in ("PrefixListName", "AddressFamily", "MaxEntries", "State",
                                   "StateMessage") if k in item}
    imp.add(KIND, pl_id, item, **{"AddressFamily": "IPv4", "MaxEntries": 0,
                                  "State": "create-complete", **fields},
            Version=version, versions={version: current})


# -- the family: its plain Create/Delete/Describe operations are bound from this (docs/families.md)
FAMILY = declare(Family(
    KIND, view=view, filters=FILTERS, noun="ManagedPrefixList", create=create,
    arguments={"name": "PrefixListName", "family": "AddressFamily"},
    created_view=lambda world, rid: view(world, rid, state="create-in-progress"), delete=delete,
    actions={
        "ModifyManagedPrefixList": Action(
            modify, state="modify-in-progress", view=lambda world, rid: view(
                world, rid, state="modify-in-progress"), arguments={"pl_id": "PrefixListId"}),
        "RestoreManagedPrefixListVersion": Action(
            restore, state="restore-in-progress", view=lambda world, rid: view(
                world, rid, state="restore-in-progress"),
            arguments={"pl_id": "PrefixListId", "previous": "PreviousVersion",
                       "version": "CurrentVersion"})}))
