"""The CIDRs provisioned to IPAM pools, and deleting pools and IPAMs with what they hold.

An `ipam-pool-cidr` node (its pool CONTAINS it) holds `Cidr`, `NetmaskLength` and `State`
(`provisioned`, then `deprovisioned`: AWS keeps listing a deprovisioned CIDR, until it is
provisioned again; `failed-deprovision`, still held, while allocations use it). A top-level
pool is provisioned with a CIDR of its own (a public pool's needs BYOIP authorization or is
Amazon's IPv6); a pool with a source pool draws each CIDR from its source (a given CIDR, or
the smallest fit of a netmask length) as an `ipam-pool` allocation held by the CIDR node.
ProvisionIpamPoolCidr answers `pending-provision`, DeprovisionIpamPoolCidr
`pending-deprovision`; describes show the settled states.
"""
from __future__ import annotations

import hashlib
from typing import Any

from netaddr import IPNetwork, IPSet

from ..core import addressing, paging, schema
from ..core import filters as filtering
from ..core.errors import (DependencyViolation, InvalidParameterCombination,
                           InvalidParameterValue, MissingParameter)
from ..core.filters import Filter, field, ident
from ..core.world import Partition, World
from . import ipam_allocations as allocs
from . import ipam_discoveries as discoveries
from . import ipam_pools as pools
from . import ipams

KIND = "ipam-pool-cidr"


def _version(pool: dict[str, Any]) -> int:
    return 4 if pool["AddressFamily"] == "ipv4" else 6


def _top_level_cidr(world: World, pool_id: str, cidr: str | None, netmask: int | None,
                    authorized: bool) -> IPNetwork:
    pool = world.graph.nodes[pool_id]
    scope = world.graph.nodes[pools.scope_of(world, pool_id)]
    if pool.get("PublicIpSource") == "amazon":
        if netmask is None:
            raise MissingParameter("The request must contain the parameter NetmaskLength")
        nodes = world.graph.nodes     # Amazon's IPv6 space: pools' and VPCs' blocks alike
        taken = [IPNetwork(nodes[c]["Cidr"]) for p in world.partitions() for c in p.ids(KIND)]
        taken += [IPNetwork(nodes[a]["Ipv6CidrBlock"]) for p in world.partitions()
                  for a in p.ids("vpc-cidr-assoc") if "Ipv6CidrBlock" in nodes[a]]
        return addressing.next_ipv6_block(world.rng.getrandbits(20), taken, netmask)
    if "SourceResource" in pool:
        return _planned_cidr(world, pool_id, cidr, netmask)
    if netmask is not None:
        raise InvalidParameterCombination(
            "The request can only contain a NetmaskLength for a pool with a source pool or "
            "an Amazon-provided IPv6 pool.")
    if cidr is None:
        raise MissingParameter("The request must contain the parameter Cidr")
    net = addressing.parse(cidr, param="cidr", version=_version(pool))
    if scope["IpamScopeType"] == "public" and not authorized:
        raise InvalidParameterCombination("The request must contain a CIDR Authorization "
                                          "Context.")
    siblings = [p for p in ipams.pools(world, pools.scope_of(world, pool_id))
                if "SourceIpamPoolId" not in world.graph.nodes[p]
                and "SourceResource" not in world.graph.nodes[p]]
    for other in siblings:
        for node_id in allocs.provisioned(world, other):
            if IPSet([net]) & IPSet([world.graph.nodes[node_id]["Cidr"]]):
                where = "the pool" if other == pool_id else f"the pool {other}"
                raise InvalidParameterValue(
                    f"The CIDR {net} overlaps the CIDR {world.graph.nodes[node_id]['Cidr']} "
                    f"provisioned to {where} in the same scope.")
    return net


def _planned_cidr(world: World, pool_id: str, cidr: str | None, netmask: int | None
                  ) -> IPNetwork:
    """A resource planning pool's CIDR: inside its VPC's blocks of the pool's family, not
    yet provisioned to it (a given CIDR, or the smallest fit of a netmask length)."""
    pool = world.graph.nodes[pool_id]
    vpc_id = pool["SourceResource"]["ResourceId"]
    key = "CidrBlock" if pool["AddressFamily"] == "ipv4" else "Ipv6CidrBlock"
    blocks = IPSet(world.graph.nodes[a][key]
                   for a, _, _ in world.out(vpc_id, schema.CONTAINS, "vpc-cidr-assoc")
                   if key in world.graph.nodes[a])
    free = blocks - IPSet(world.graph.nodes[c]["Cidr"] for c in allocs.provisioned(world,
                                                                                   pool_id))
    if cidr is None:
        if netmask is None:
            raise MissingParameter("The request must contain either a CIDR or a Netmask "
                                   "Length")
        found = allocs.smallest_fit(free, netmask)
        if found is None:
            raise InvalidParameterValue("The allocation size is too big for the pool.")
        return found
    net = addressing.parse(cidr, param="cidr", version=_version(pool))
    if not IPSet([net]).issubset(free):
        raise InvalidParameterValue(f"The CIDR {net} is not within a free CIDR of the source "
                                    f"resource {vpc_id}.")
    return net


def provision(world: World, part: Partition, ipam_pool_id: str, cidr: str | None = None,
              netmask_length: int | None = None,
              cidr_authorization_context: dict[str, Any] | None = None,
              verification_method: str | None = None,
              ipam_external_resource_verification_token_id: str | None = None
              ) -> dict[str, Any]:
    """Provision a CIDR to a pool: from its source pool if it has one."""
    pool = world.get(part, pools.KIND, ipam_pool_id)
    if cidr is not None and netmask_length is not None:
        raise InvalidParameterCombination(
            "The request can only contain a CIDR or a Netmask Length, not both.")
    source = pool.get("SourceIpamPoolId")
    if source:
        if cidr is None and netmask_length is None:
            raise MissingParameter("The request must contain either a CIDR or a Netmask "
                                   "Length")
        net = _from_source(world, source, cidr, netmask_length)
    else:
        net = _top_level_cidr(world, ipam_pool_id, cidr, netmask_length,
                              bool(cidr_authorization_context
                                   or ipam_external_resource_verification_token_id))
    _forget_deprovisioned(world, ipam_pool_id, net)
    cidr_id = world.new_id("ipam-pool-cidr")
    world.add(part, KIND, cidr_id, Cidr=str(net), NetmaskLength=net.prefixlen,
              State="provisioned")
    world.link(ipam_pool_id, cidr_id, schema.CONTAINS)
    if source:
        allocs.take(world, source, net, resource_type="ipam-pool", owner=part.account,
                    resource_id=ipam_pool_id, region=pool.get("Locale") or part.region,
                    holder=cidr_id)
    return {**cidr_view(world, cidr_id), "State": "pending-provision"}


def _forget_deprovisioned(world: World, pool_id: str, net: IPNetwork) -> None:
    """A CIDR provisioned again replaces its deprovisioned row: GetIpamPoolCidrs keeps one
    row per CIDR (Terraform finds a pool CIDR by its `cidr` filter and wants exactly one)."""
    for cidr_id, _, _ in world.out(pool_id, schema.CONTAINS, KIND):
        node = world.graph.nodes[cidr_id]
        if node["State"] == "deprovisioned" and node["Cidr"] == str(net):
            world.remove(cidr_id)


def _from_source(world: World, source: str, cidr: str | None, netmask: int | None
                 ) -> IPNetwork:
    """A child pool's CIDR from its source: free there, whatever the source's allocation
    netmask rules (they govern resources, not child pools)."""
    node = world.graph.nodes[source]
    free = allocs.free_space(world, source)
    if cidr is not None:
        net = addressing.parse(cidr, param="cidr", version=_version(node))
        if not IPSet([net]).issubset(free):
            raise InvalidParameterValue(
                f"The CIDR {net} is not available in the source pool {source}.")
        return net
    assert netmask is not None
    found = allocs.smallest_fit(free, netmask)
    if found is None:
        raise InvalidParameterValue("The allocation size is too big for the pool.")
    return found


def deprovision(world: World, part: Partition, ipam_pool_id: str, cidr: str | None = None
                ) -> dict[str, Any]:
    """Deprovision a CIDR no allocation uses; its source pool gets it back."""
    world.get(part, pools.KIND, ipam_pool_id)
    if cidr is None:
        raise MissingParameter("The request must contain the parameter Cidr")
    pool = world.graph.nodes[ipam_pool_id]
    net = addressing.parse(cidr, param="cidr", version=_version(pool))
    found = next((c for c in allocs.provisioned(world, ipam_pool_id)
                  if world.graph.nodes[c]["Cidr"] == str(net)), None)
    if found is None:
        raise InvalidParameterValue(f"The CIDR {net} is not provisioned to the pool "
                                    f"{ipam_pool_id}.")
    used = [a for a in allocs.allocations(world, ipam_pool_id)
            if IPNetwork(world.graph.nodes[a]["Cidr"]) in net]
    used += [h for h, block in allocs.imported(world, ipam_pool_id) if block in net]
    if used:
        # AWS accepts the request and the CIDR settles in failed-deprovision (still held),
        # the reason Terraform's waiter reports: "The CIDR has one or more allocations."
        world.update(found, State="failed-deprovision",
                     FailureReason={"Message": "The CIDR has one or more allocations."})
        return {**cidr_view(world, found), "State": "pending-deprovision"}
    for alloc, _, _ in world.into(found, schema.ASSOCIATED, allocs.KIND):
        world.remove(alloc)
    world.update(found, State="deprovisioned", FailureReason=None)
    return {**cidr_view(world, found), "State": "pending-deprovision"}


def cidr_view(world: World, cidr_id: str) -> dict[str, Any]:
    node = world.graph.nodes[cidr_id]
    out = {"Cidr": node["Cidr"], "State": node["State"]}
    if node.get("FailureReason"):
        out["FailureReason"] = dict(node["FailureReason"])
    return {**out, "IpamPoolCidrId": cidr_id, "NetmaskLength": node["NetmaskLength"]}


CIDR_FILTERS: dict[str, Filter] = {
    "cidr": field("Cidr"),
    "state": field("State"),
    "ipam-pool-cidr-id": ident(),
    "netmask-length": field("NetmaskLength"),
}


def get_cidrs(world: World, part: Partition, ipam_pool_id: str,
              filters: list[dict[str, Any]] | None = None, max_results: int | None = None,
              next_token: str | None = None) -> dict[str, Any]:
    """GetIpamPoolCidrs: every CIDR provisioned to the pool, deprovisioned ones too."""
    pools.usable(world, part, ipam_pool_id)
    ids = [v for v, _, _ in world.out(ipam_pool_id, schema.CONTAINS, KIND)]
    chosen = filtering.select(world, part, KIND, CIDR_FILTERS, filters, ids)
    page, token = paging.page(world, chosen, max_results, next_token)
    return {"IpamPoolCidrs": [cidr_view(world, c) for c in page], "NextToken": token}


def get_allocations(world: World, part: Partition, ipam_pool_id: str,
                    ipam_pool_allocation_id: str | None = None,
                    filters: list[dict[str, Any]] | None = None,
                    max_results: int | None = None, next_token: str | None = None
                    ) -> dict[str, Any]:
    """GetIpamPoolAllocations: the pool's allocations (or the one named), those it
    auto-imports included."""
    pools.usable(world, part, ipam_pool_id)
    rows = [{**allocs.view(world, a), "tags": world.tags(a)}
            for a in allocs.allocations(world, ipam_pool_id)]
    rows += [_imported_row(world, ipam_pool_id, holder, net)
             for holder, net in allocs.imported(world, ipam_pool_id)]
    if ipam_pool_allocation_id is not None:
        rows = [r for r in rows if r["IpamPoolAllocationId"] == ipam_pool_allocation_id]
        if not rows:
            world.find(allocs.KIND, ipam_pool_allocation_id)    # NotFound (or Malformed)
    chosen = filtering.select_rows(ALLOCATION_ROWS, filters, rows)
    page, token = paging.rows(chosen, "ipam-pool-allocations", max_results, next_token)
    return {"IpamPoolAllocations": [{k: v for k, v in r.items() if k != "tags"} for r in page],
            "NextToken": token}


def _imported_row(world: World, pool_id: str, holder: str, net: IPNetwork) -> dict[str, Any]:
    """An auto-imported VPC block as the pool lists it (its id derived from the block's, so
    it is the same at every request)."""
    vpc_id = world.into(holder, schema.CONTAINS, "vpc")[0][0]
    vpc = world.graph.nodes[vpc_id]
    digest = hashlib.sha256(f"{pool_id}|{holder}".encode()).hexdigest()[:17]
    return {"Cidr": str(net), "IpamPoolAllocationId": f"ipam-pool-alloc-{digest}",
            "ResourceId": vpc_id, "ResourceType": "vpc", "ResourceRegion": vpc["region"],
            "ResourceOwner": vpc["account"], "Tags": [], "tags": {}}


def _row(key: str) -> Filter:
    return Filter(lambda w, rid, row: row.get(key))


ALLOCATION_ROWS: dict[str, Filter] = {
    name: _row(key) for name, key in (
        ("ipam-pool-allocation-id", "IpamPoolAllocationId"), ("cidr", "Cidr"),
        ("description", "Description"), ("resource-id", "ResourceId"),
        ("resource-type", "ResourceType"), ("resource-region", "ResourceRegion"),
        ("resource-owner", "ResourceOwner"))}


# -- deleting pools and IPAMs -----------------------------------------------------------------
def _remove_pool(world: World, pool_id: str) -> None:
    """A pool, its child pools, CIDRs and allocations (their CIDRs go back to the source)."""
    for child in pools.children(world, pool_id):
        _remove_pool(world, child)
    for alloc in allocs.allocations(world, pool_id):
        world.remove(alloc)
    for cidr_id, _, _ in world.out(pool_id, schema.CONTAINS, KIND):
        world.remove(cidr_id)               # the source's allocation lives on it
    world.remove(pool_id)


def delete_pool(world: World, part: Partition, ipam_pool_id: str,
                cascade: bool | None = None) -> dict[str, Any]:
    world.get(part, pools.KIND, ipam_pool_id)
    if not cascade:
        if allocs.provisioned(world, ipam_pool_id):
            raise DependencyViolation(
                f"The specified action is not valid for {ipam_pool_id}. There are one or more "
                "pool cidrs provisioned in the pool.", "DependencyViolation")
        if pools.children(world, ipam_pool_id):
            raise DependencyViolation(
                f"The specified action is not valid for {ipam_pool_id}. There are one or more "
                "pools that use it as their source pool.", "DependencyViolation")
    answer = {**pools.view(world, ipam_pool_id), "State": "delete-in-progress"}
    _remove_pool(world, ipam_pool_id)
    return answer


def delete_ipam(world: World, part: Partition, ipam_id: str, cascade: bool | None = None
                ) -> dict[str, Any]:
    """Delete an IPAM with its default scopes and discovery; `cascade` also deletes its
    private scopes and their pools (never a public-scope pool)."""
    world.get(part, ipams.KIND, ipam_id)
    owned = ipams.scopes(world, ipam_id)
    nodes = world.graph.nodes
    public_pools = any(ipams.pools(world, s) for s in owned
                       if nodes[s]["IpamScopeType"] == "public")
    if public_pools or (not cascade and (any(ipams.pools(world, s) for s in owned)
                                         or any(not nodes[s]["IsDefault"] for s in owned))):
        raise DependencyViolation(
            f"The specified action is not valid for {ipam_id}. There are one or more "
            "non-default scopes or pools in the IPAM.", "DependencyViolation")
    answer = {**ipams.view(world, ipam_id), "State": "delete-in-progress"}
    for scope_id in owned:
        for pool_id in ipams.pools(world, scope_id):
            if world.node(pool_id) is not None:      # a child may have gone with its source
                _remove_pool(world, pool_id)
        world.remove(scope_id)
    for assoc, _, _ in world.into(ipam_id, schema.ASSOCIATED, discoveries.ASSOC):
        disco = discoveries.discovery_of(world, assoc)
        world.remove(assoc)
        if nodes[disco]["IsDefault"]:
            world.remove(disco)
    world.remove(ipam_id)
    return answer


# -- the operations bound from here (docs/families.md) ----------------------------------------
from ..core.family import Family, declare, declare_actions  # noqa: E402

declare_actions(pools.KIND, {"ProvisionIpamPoolCidr": provision,
                             "DeprovisionIpamPoolCidr": deprovision,
                             "GetIpamPoolCidrs": get_cidrs,
                             "GetIpamPoolAllocations": get_allocations,
                             "DeleteIpamPool": delete_pool})
declare_actions(ipams.KIND, {"DeleteIpam": delete_ipam})
ALLOCATION_FAMILY = declare(Family(allocs.KIND, view=allocs.view, filters=allocs.FILTERS,
                                   actions={"AllocateIpamPoolCidr": allocs.allocate,
                                            "ReleaseIpamPoolAllocation": allocs.release,
                                            "ModifyIpamPoolAllocation": allocs.modify}))
