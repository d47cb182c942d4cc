"""VPC peering connections: request, accept, reject, delete, options; and what the other
families read about peering (which VPCs a connection joins, whether it is active). The
security group rules a connection's end leaves stale are `peered_groups`'.

A connection is a `vpc-peering-connection` node in the requester's partition with an edge
to each VPC it joins: pcx -[ASSOCIATED, "requester"]-> vpc and pcx -[ASSOCIATED,
"accepter"]-> vpc, so "the connections of this VPC" is an edge lookup and the CIDR blocks in
its views are always the VPCs' current ones. The node also keeps what the request named
(`peers`: role -> VpcId, OwnerId, Region), because a connection outlives its VPCs (AWS
keeps deleted connections visible) and a failed request may name a VPC that does not exist.
Its `Status` is AWS's {Code, Message}; per-side `options` hold the peering options.

Both owners see a connection, from both regions of a cross-region one: each of those
partitions holds a claim (`World.claim`) on it, which is the describe call's index. Tags are
the requester's (AWS keeps each account's tags apart): other partitions see none.

AWS's rules kept here (API reference, VPC peering guide, errors AWS returns):

* a request goes `initiating-request` (what CreateVpcPeeringConnection answers) to
  `pending-acceptance` ("Pending Acceptance by <accepter account>"), expiring in 7 days;
* overlapping IPv4 (or IPv6) blocks, or a peer VPC that does not exist in the named account
  and Region, make a connection `failed` ("Failed due to incorrect VPC-ID, Account ID, or
  overlapping CIDR range"); but a peer VPC of the caller's own account and Region is looked
  up at once (`InvalidVpcID.NotFound`);
* asking again for a live connection between the same two VPCs answers the existing one;
* only the accepter account accepts or rejects, in the accepter's Region, and only a
  `pending-acceptance` connection (AcceptVpcPeeringConnection answers `provisioning`);
* either owner deletes an active connection; a pending one only its requester; a
  `rejected`, `failed`, `deleted` or `expired` one cannot be deleted;
* options change only on active connections, each side by its owner (in its Region, for a
  cross-region connection, where the ClassicLink options are not supported); resolving the
  peer's DNS names needs DNS support and hostnames enabled in both VPCs;
* deleting a VPC ends its connections, but not while another account's request to it waits
  for acceptance.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from ..core import filters, regions, schema
from ..core import tags as tagging
from ..core.clock import stamp
from ..core.described import Import, when
from ..core.errors import (DependencyViolation, InvalidParameterValue, MissingParameter,
                           TopologyError)
from ..core.family import declare_actions
from ..core.filters import Filter, ident
from ..core.world import Partition, World, not_found
from ..network import group_rules, routes, security_groups, vpcs

KIND = "vpc-peering-connection"
REQUESTER, ACCEPTER = "requester", "accepter"
ROLES = (REQUESTER, ACCEPTER)
VISIBLE, ALL = "vpc-peering-connection", "visible"       # claim (name, value) per partition
LIVE = frozenset({"initiating-request", "pending-acceptance", "provisioning", "active"})
ENDED = frozenset({"deleted", "deleting", "rejected", "failed", "expired"})
FAILED = "Failed due to incorrect VPC-ID, Account ID, or overlapping CIDR range"
EXPIRY = dt.timedelta(days=7)
DNS = "AllowDnsResolutionFromRemoteVpc"
CLASSIC_OPTIONS = ("AllowEgressFromLocalClassicLinkToRemoteVpc",
                   "AllowEgressFromLocalVpcToRemoteClassicLink")
OPTIONS = (DNS, *CLASSIC_OPTIONS)
TAG_FILTERS = ("tag-key", "tag-value")


def _status(code: str, message: str) -> dict[str, str]:
    return {"Code": code, "Message": message}


def _not_permitted(message: str) -> TopologyError:
    return TopologyError(message, "OperationNotPermitted")


def _transition(pcx_id: str, current: str, target: str) -> TopologyError:
    return TopologyError(f"Invalid state transition for {pcx_id}, attempted to transition from "
                         f"{current} to {target}", "InvalidStateTransition")


# -- what other families read ------------------------------------------------------------
def status_code(node: dict[str, Any]) -> str | None:
    return (node.get("Status") or {}).get("Code")


def vpcs_of(world: World, pcx_id: str) -> dict[str, str]:
    """role -> VPC id, for the sides whose VPC still exists (the ASSOCIATED edges)."""
    return {role: vpc for vpc, role, _ in world.out(pcx_id, schema.ASSOCIATED, "vpc")}


def connections(world: World, vpc_id: str) -> list[tuple[str, str]]:
    """(connection id, the VPC's role in it) for every connection naming the VPC."""
    return [(pcx, role) for pcx, role, _ in world.into(vpc_id, schema.ASSOCIATED, KIND)]


def between(world: World, vpc_a: str, vpc_b: str) -> list[str]:
    """Connections joining the two VPCs (either direction), oldest first."""
    found = [pcx for pcx, _ in connections(world, vpc_a)
             if set(vpcs_of(world, pcx).values()) == {vpc_a, vpc_b} and vpc_a != vpc_b]
    return sorted(set(found), key=lambda p: world.graph.nodes[p]["seq"])


def active_between(world: World, vpc_a: str, vpc_b: str) -> str | None:
    """The active connection joining the two VPCs, if there is one."""
    for pcx in between(world, vpc_a, vpc_b):
        if status_code(world.graph.nodes[pcx]) == "active":
            return pcx
    return None


@group_rules.PEERED.register("vpc-peering-connection")
def peered(world: World, vpc_a: str, vpc_b: str) -> bool:
    """Whether an active peering connection joins the two VPCs (either direction)."""
    return active_between(world, vpc_a, vpc_b) is not None


def joins_active(world: World, pcx_id: str, vpc_id: str) -> bool:
    """Whether `pcx_id` is active and joins `vpc_id` (what a route through it needs)."""
    return status_code(world.graph.nodes[pcx_id]) == "active" and \
        vpc_id in vpcs_of(world, pcx_id).values()


def owners(world: World, pcx_id: str) -> set[str]:
    """The accounts that own a side of the connection."""
    node = world.graph.nodes[pcx_id]
    found = {node["account"]} | {p["OwnerId"] for p in node.get("peers", {}).values()}
    return found | {world.graph.nodes[v]["account"] for v in vpcs_of(world, pcx_id).values()}


def check_route(world: World, rtb_id: str, vpc_id: str, pcx_id: str) -> None:
    """A route may name a peering connection of the table's VPC that has not ended (while
    it awaits acceptance the route reads `blackhole`); its destination may be any block,
    inside the peer VPC or not (reachability, not CreateRoute, needs it to be)."""
    node = world.graph.nodes[pcx_id]
    if status_code(node) in ENDED or \
            world.graph.nodes[rtb_id]["account"] not in owners(world, pcx_id):
        raise not_found(node["kind"], pcx_id)
    if vpc_id not in vpcs_of(world, pcx_id).values():
        raise InvalidParameterValue(
            f"route table {rtb_id} and network gateway {pcx_id} belong to different networks")


routes.TARGETS.add("vpc-peering-connection", routes.RouteTarget(check_route, joins_active))


# -- visibility --------------------------------------------------------------------------
def visible(world: World, part: Partition, pcx_id: str) -> dict[str, Any]:
    """The connection `pcx_id` as the caller's partition sees it, else AWS's NotFound."""
    node = world.node(pcx_id)
    if node is None or node["kind"] != KIND or pcx_id not in world.claimed(part, VISIBLE, ALL):
        raise not_found(KIND, pcx_id)
    return node


def visible_ids(world: World, part: Partition) -> list[str]:
    """The connections the partition sees, in creation order."""
    nodes = world.graph.nodes
    return sorted(world.claimed(part, VISIBLE, ALL), key=lambda p: nodes[p]["seq"])


def _is_home(node: dict[str, Any], part: Partition | None) -> bool:
    return part is None or (node["account"], node["region"]) == (part.account, part.region)


def _show_to(world: World, pcx_id: str, peers: dict[str, dict[str, str]], found: bool) -> None:
    """Claim the connection in each partition that sees it: both owners, both Regions (only
    the requester's, when the peer VPC was not found)."""
    sides = [peers[REQUESTER]] + ([peers[ACCEPTER]] if found else [])
    accounts = dict.fromkeys(s["OwnerId"] for s in sides)
    places = dict.fromkeys(s["Region"] for s in sides)
    for account in accounts:
        for region in places:
            world.claim(world.partition(account, region), VISIBLE, ALL, pcx_id)


# -- create ------------------------------------------------------------------------------
def create(world: World, part: Partition, vpc_id: str, peer_vpc_id: str | None, *,
           peer_owner: str | None = None, peer_region: str | None = None,
           tags: dict[str, str] | None = None) -> tuple[str, bool]:
    """Request a connection from `vpc_id` to `peer_vpc_id`; (its id, whether it is new).

    A live connection between the two VPCs in the same direction is answered instead of a
    new one; the other direction fails, as do overlapping blocks and unknown peers.
    """
    if not peer_vpc_id:
        raise MissingParameter("The request must contain the parameter peerVpcId")
    world.get(part, "vpc", vpc_id)
    owner, region = peer_owner or part.account, peer_region or part.region
    _check_region(part, region)
    peer = _peer_vpc(world, part, peer_vpc_id, owner, region)
    if peer is not None:
        for pcx in between(world, vpc_id, peer):
            node = world.graph.nodes[pcx]
            if status_code(node) in LIVE and vpcs_of(world, pcx).get(REQUESTER) == vpc_id:
                return pcx, False
    failed = peer is None or _overlap(world, vpc_id, peer) or any(
        status_code(world.graph.nodes[p]) in LIVE for p in between(world, vpc_id, peer))
    peers = {REQUESTER: {"VpcId": vpc_id, "OwnerId": part.account, "Region": part.region},
             ACCEPTER: {"VpcId": peer_vpc_id, "OwnerId": owner, "Region": region}}
    pcx_id = world.new_id("pcx")
    expires = stamp(dt.datetime.now(dt.timezone.utc) + EXPIRY)
    world.add(part, KIND, pcx_id, peers=peers,
              Status=_status("failed", FAILED) if failed else
              _status("pending-acceptance", f"Pending Acceptance by {owner}"),
              **({} if failed else {"ExpirationTime": expires}),
              options={role: dict.fromkeys(OPTIONS, False) for role in ROLES})
    world.link(pcx_id, vpc_id, schema.ASSOCIATED, REQUESTER)
    if peer is not None:
        world.link(pcx_id, peer, schema.ASSOCIATED, ACCEPTER)
    _show_to(world, pcx_id, peers, peer is not None)
    tagging.apply(world, pcx_id, tags or {})
    return pcx_id, True


def _check_region(part: Partition, region: str) -> None:
    known = regions.by_name().get(region)
    if known is None or known.opt_in:
        raise InvalidParameterValue(f"You cannot create a VPC peering connection between the "
                                    f"{part.region} and {region} regions.")


def _peer_vpc(world: World, part: Partition, vpc_id: str, owner: str, region: str) -> str | None:
    """The peer VPC, or None when it is not where the request says (the connection fails).
    One in the caller's own account and Region is looked up at once, like the requester's."""
    if (owner, region) == (part.account, part.region):
        world.get(part, "vpc", vpc_id)
        return vpc_id
    node = world.node(vpc_id)
    if node is None or node["kind"] != "vpc" or \
            (node["account"], node["region"]) != (owner, region):
        return None
    return vpc_id


def _overlap(world: World, vpc_a: str, vpc_b: str) -> bool:
    return any(a.first <= b.last and b.first <= a.last
               for version in (4, 6)
               for a in vpcs.blocks(world, vpc_a, version=version)
               for b in vpcs.blocks(world, vpc_b, version=version))


# -- accept, reject, delete ----------------------------------------------------------------
def _accepter_call(part: Partition, node: dict[str, Any], pcx_id: str, verb: str,
                   where: str) -> None:
    """Only the accepter account, in the accepter's Region, accepts or rejects."""
    accepter = node["peers"][ACCEPTER]
    if part.account != accepter["OwnerId"]:
        raise _not_permitted(f"User {part.account} cannot {verb} peering {pcx_id}")
    if part.region != accepter["Region"]:
        raise _not_permitted(
            f"Incorrect region ({part.region}) specified for this request. VPC peering "
            f"connection {pcx_id} must be {where} in region {accepter['Region']}")


def accept(world: World, part: Partition, pcx_id: str) -> None:
    node = visible(world, part, pcx_id)
    _accepter_call(part, node, pcx_id, "accept", "accepted")
    if status_code(node) != "pending-acceptance":
        raise _transition(pcx_id, status_code(node) or "", "provisioning")
    world.update(pcx_id, Status=_status("active", "Active"), ExpirationTime=None, accepted=True)


def reject(world: World, part: Partition, vpc_peering_connection_id: str) -> None:
    node = visible(world, part, vpc_peering_connection_id)
    _accepter_call(part, node, vpc_peering_connection_id, "reject", "accepted or rejected")
    if status_code(node) != "pending-acceptance":
        raise _transition(vpc_peering_connection_id, status_code(node) or "", "rejecting")
    world.update(vpc_peering_connection_id,
                 Status=_status("rejected", f"Rejected by {part.account}"), ExpirationTime=None)


def delete(world: World, part: Partition, vpc_peering_connection_id: str) -> None:
    """Either owner deletes an active connection; only the requester a pending one."""
    node = visible(world, part, vpc_peering_connection_id)
    code = status_code(node) or ""
    if code in ENDED:
        raise _transition(vpc_peering_connection_id, code, "deleting")
    if code == "pending-acceptance" and part.account != node["peers"][REQUESTER]["OwnerId"]:
        raise _not_permitted(
            f"User {part.account} cannot delete peering {vpc_peering_connection_id}")
    _end(world, vpc_peering_connection_id, part.account)


def _vpc_in_use(vpc_id: str) -> DependencyViolation:
    return DependencyViolation(f"The vpc '{vpc_id}' has dependencies and cannot be deleted.")


def _end(world: World, pcx_id: str, account: str) -> None:
    world.update(pcx_id, Status=_status("deleted", f"Deleted by {account}"), ExpirationTime=None)


@vpcs.RELEASE.register("vpc-peering-connection")
def release_vpc(world: World, vpc_id: str) -> None:
    """What deleting `vpc_id` does to peering: its live connections end (deleted); refused
    while another account's request to it waits, or while a peer's rule names its groups
    (that rule would name a group that no longer exists)."""
    node = world.graph.nodes[vpc_id]
    live = []
    for pcx, role in connections(world, vpc_id):
        pcx_node = world.graph.nodes[pcx]
        code = status_code(pcx_node)
        if code == "pending-acceptance" and role == ACCEPTER and \
                pcx_node["peers"][REQUESTER]["OwnerId"] != node["account"]:
            raise _vpc_in_use(vpc_id)
        if code in LIVE:
            live.append(pcx)
    for sg, _, _ in world.out(vpc_id, schema.CONTAINS, "security-group"):
        for rule, _, _ in world.into(sg, schema.REFERENCES, "security-group-rule"):
            if security_groups.vpc_of(world, security_groups.group_of(world, rule)) != vpc_id:
                raise _vpc_in_use(vpc_id)
    for pcx in live:
        _end(world, pcx, node["account"])


# -- options -------------------------------------------------------------------------------
def modify_options(world: World, part: Partition, pcx_id: str,
                   wanted: dict[str, dict[str, Any] | None]) -> dict[str, dict[str, bool]]:
    """Set each side's options (`wanted`: role -> PeeringConnectionOptionsRequest); returns
    the new options of the sides changed."""
    node = visible(world, part, pcx_id)
    given = {role: opts for role, opts in wanted.items() if opts is not None}
    if not given:
        raise MissingParameter("The request must contain the parameter "
                               "accepterPeeringConnectionOptions or "
                               "requesterPeeringConnectionOptions")
    if status_code(node) != "active":
        raise _not_permitted(f"Peering {pcx_id} is not active. Peering options can be added "
                             "only to active peerings.")
    peers = node["peers"]
    cross_region = peers[REQUESTER]["Region"] != peers[ACCEPTER]["Region"]
    for role, opts in given.items():
        if part.account != peers[role]["OwnerId"]:
            raise _not_permitted(f"User {part.account} does not have permission to modify the "
                                 f"{role} side peering options")
        if cross_region and part.region != peers[role]["Region"]:
            raise _not_permitted(f"{role.capitalize()}'s VPC Peering connection options cannot "
                                 "be modified for a different region")
        if cross_region and any(k in opts for k in CLASSIC_OPTIONS):
            raise _not_permitted(
                "Modifying VPC peering connection options " + ", ".join(CLASSIC_OPTIONS)
                + " is not supported for cross-region VPC peering connections")
    if any(opts.get(DNS) for opts in given.values()):
        _check_dns(world, pcx_id)
    options = {role: dict(node["options"][role]) for role in ROLES}
    for role, opts in given.items():
        options[role].update({k: bool(v) for k, v in opts.items() if k in OPTIONS})
    world.update(pcx_id, options=options)
    return {role: dict(options[role]) for role in given}


def _check_dns(world: World, pcx_id: str) -> None:
    """Resolving a peer's DNS names needs DNS support and hostnames in both VPCs."""
    for vpc in vpcs_of(world, pcx_id).values():
        node = world.graph.nodes[vpc]
        if not (node.get("EnableDnsHostnames") and node.get("EnableDnsSupport")):
            raise TopologyError(
                "To enable DNS hostname resolution for the VPC peering connection, DNS "
                "hostname support must be enabled for the VPCs.",
                "InvalidVpcPeeringConnectionState.DnsHostnamesDisabled")


# -- views and filters ---------------------------------------------------------------------
def view(world: World, pcx_id: str, part: Partition | None = None, *,
         status: dict[str, str] | None = None) -> dict[str, Any]:
    """The connection as boto3's `VpcPeeringConnection`, as `part` sees it (`status`: the
    transitional status a create or accept call answers with)."""
    node = world.graph.nodes[pcx_id]
    out: dict[str, Any] = {
        "VpcPeeringConnectionId": pcx_id,
        "RequesterVpcInfo": _vpc_info(world, pcx_id, node, REQUESTER),
        "AccepterVpcInfo": _vpc_info(world, pcx_id, node, ACCEPTER),
        "Status": dict(status or node["Status"]),
        "Tags": tagging.listed(node["tags"])
        if _is_home(node, part) else [],
    }
    if node.get("ExpirationTime"):
        out["ExpirationTime"] = node["ExpirationTime"]
    return out


def _shows_blocks(node: dict[str, Any], role: str) -> bool:
    """AWS shows the accepter's blocks and options only once the connection was accepted."""
    return role == REQUESTER or bool(node.get("accepted"))


def _vpc_info(world: World, pcx_id: str, node: dict[str, Any], role: str) -> dict[str, Any]:
    peer = node["peers"][role]
    info: dict[str, Any] = {"OwnerId": peer["OwnerId"], "VpcId": peer["VpcId"],
                            "Region": peer["Region"]}
    vpc = vpcs_of(world, pcx_id).get(role)
    if vpc is not None and _shows_blocks(node, role):
        v4 = [str(b) for b in vpcs.blocks(world, vpc)]
        info["CidrBlock"] = v4[0]
        info["CidrBlockSet"] = [{"CidrBlock": b} for b in v4]
        info["Ipv6CidrBlockSet"] = [{"Ipv6CidrBlock": str(b)}
                                    for b in vpcs.blocks(world, vpc, version=6)]
    if _shows_blocks(node, role):
        info["PeeringOptions"] = dict(node["options"][role])
    return info


def _blocks(role: str):
    def values(world: World, pcx_id: str, node: dict[str, Any]) -> list[str]:
        vpc = vpcs_of(world, pcx_id).get(role)
        if vpc is None or not _shows_blocks(node, role):
            return []
        return [str(b) for b in vpcs.blocks(world, vpc)]
    return values


def _peer(role: str, key: str) -> Filter:
    return Filter(lambda w, rid, n: n["peers"][role][key])


FILTERS: dict[str, Filter] = {
    "accepter-vpc-info.cidr-block": Filter(_blocks(ACCEPTER)),
    "accepter-vpc-info.owner-id": _peer(ACCEPTER, "OwnerId"),
    "accepter-vpc-info.vpc-id": _peer(ACCEPTER, "VpcId"),
    "expiration-time": Filter(lambda w, rid, n: n.get("ExpirationTime")),
    "requester-vpc-info.cidr-block": Filter(_blocks(REQUESTER)),
    "requester-vpc-info.owner-id": _peer(REQUESTER, "OwnerId"),
    "requester-vpc-info.vpc-id": _peer(REQUESTER, "VpcId"),
    "status-code": Filter(lambda w, rid, n: status_code(n)),
    "status-message": Filter(lambda w, rid, n: n["Status"].get("Message")),
    "vpc-peering-connection-id": ident(),
}


def select(world: World, part: Partition, specs: list[dict[str, Any]] | None,
           ids: list[str] | None = None) -> list[str]:
    """The connections the partition sees (or those of `ids`) that pass every filter.
    Tag filters match only in the requester's partition: elsewhere a connection has no tags."""
    pool = ids if ids is not None else visible_ids(world, part)
    tagged = any((s.get("Name") or "").startswith("tag:") or s.get("Name") in TAG_FILTERS
                 for s in specs or [])
    nodes = world.graph.nodes
    chosen = filters.select(world, part, KIND, FILTERS, specs, pool)
    return [p for p in chosen if not tagged or _is_home(nodes[p], part)]


# -- import (topology/provision/importer.py) -------------------------------------------------
def imported(imp: Import, item: dict[str, Any]) -> None:
    """A described connection: its sides as described (`peers`), an edge to each side's VPC
    that was described, visible to the importing partition."""
    part = imp.part
    pcx_id = item["VpcPeeringConnectionId"]
    infos = {REQUESTER: item.get("RequesterVpcInfo") or {},
             ACCEPTER: item.get("AccepterVpcInfo") or {}}
    peers = {role: {"VpcId": info.get("VpcId", ""),
                    "OwnerId": info.get("OwnerId", part.account),
                    "Region": info.get("Region", part.region)}
             for role, info in infos.items()}
    options = {role: {**dict.fromkeys(OPTIONS, False),
                      **{k: v for k, v in (info.get("PeeringOptions") or {}).items()
                         if k in OPTIONS}}
               for role, info in infos.items()}
    fields: dict[str, Any] = {
        "peers": peers, "options": options,
        "Status": dict(item.get("Status") or {"Code": "active", "Message": "Active"}),
        # AWS shows the accepter's blocks and options only once accepted
        "accepted": bool(infos[ACCEPTER].get("PeeringOptions")
                         or infos[ACCEPTER].get("CidrBlock"))}
    if item.get("ExpirationTime"):
        fields["ExpirationTime"] = stamp(when(item["ExpirationTime"]))
    if not imp.add(KIND, pcx_id, item, **fields):
        return
    for role, peer in peers.items():
        if imp.has(peer["VpcId"], "vpc"):
            imp.world.link(pcx_id, peer["VpcId"], schema.ASSOCIATED, role)
        elif status_code(fields) in LIVE:
            imp.skip("vpc-peering-connection side", f"{peer['VpcId']} was not described "
                     "(another account or Region)")
    imp.world.claim(part, VISIBLE, ALL, pcx_id)

# these operations are bound from the functions above (docs/families.md); the others answer
# a view seen from the caller's side, in handlers of their own
declare_actions("vpc-peering-connection", {"RejectVpcPeeringConnection": reject,
                                           "DeleteVpcPeeringConnection": delete})
