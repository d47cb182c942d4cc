"""IPAM pools: the address space a scope plans, in a hierarchy.

An `ipam-pool` node lives in its IPAM's home region; its scope CONTAINS it. It holds
`AddressFamily`, an optional `Locale` (an operating region of the IPAM: the only region
whose VPCs may draw from it), `SourceIpamPoolId` (the parent it draws its CIDRs from; a
top-level pool has none), `PoolDepth`, the allocation rules (`AllocationMin/Max/
DefaultNetmaskLength`, `AllocationResourceTags`), `AutoImport`, and for public IPv6 pools
`PubliclyAdvertisable`, `AwsService`, `PublicIpSource`. Its CIDRs and allocations are
`ipam_cidrs`'s. Pools may be shared with other accounts of an organization
(`core.sharing`): a participant sees them and draws from them.
"""
from __future__ import annotations

from typing import Any

from ..core import schema, sharing
from ..core import tags as tagging
from ..core.errors import InvalidParameterCombination, InvalidParameterValue
from ..core.filters import Filter, field, ident, owner
from ..core.world import Partition, World, not_found
from . import ipam_discoveries as discoveries
from . import ipams

KIND = "ipam-pool"
BITS = {"ipv4": 32, "ipv6": 128}
NETMASKS = ("AllocationMinNetmaskLength", "AllocationDefaultNetmaskLength",
            "AllocationMaxNetmaskLength")


def scope_of(world: World, pool_id: str) -> str:
    return next(u for u, _, _ in world.into(pool_id, schema.CONTAINS, ipams.SCOPE))


def ipam_of(world: World, pool_id: str) -> str:
    return ipams.ipam_of(world, scope_of(world, pool_id))


def children(world: World, pool_id: str) -> list[str]:
    """The pools whose source is `pool_id`."""
    return [p for p in ipams.pools(world, scope_of(world, pool_id))
            if world.graph.nodes[p].get("SourceIpamPoolId") == pool_id]


def usable(world: World, part: Partition, pool_id: str) -> dict[str, Any]:
    """A pool `part`'s account owns or has shared with it (through its organization), in
    any region: a pool lives in its IPAM's home region and serves its locale."""
    node = world.node(pool_id)
    if node is not None and node["kind"] == KIND:
        granted = node.get("SharedWith") or ()
        if node["account"] == part.account or part.account in granted or \
                sharing.organization_of(world, part.account) in granted:
            return node
    raise not_found(KIND, pool_id)


# -- create -----------------------------------------------------------------------------------
def _netmasks(family: str, values: dict[str, int | None]) -> dict[str, int]:
    """The allocation netmask rules, checked: within the family's bits, min <= default <= max."""
    top = BITS[family]
    for member, value in values.items():
        if value is not None and not 0 <= value <= top:
            raise InvalidParameterValue(
                f"The {member} must be between 0 and {top} for address family {family}.")
    low, default, high = (values[m] for m in NETMASKS)
    if low is not None and high is not None and low > high:
        raise InvalidParameterValue("AllocationMinNetmaskLength must be less than or equal "
                                    "to AllocationMaxNetmaskLength.")
    if default is not None and ((low is not None and default < low)
                                or (high is not None and default > high)):
        raise InvalidParameterValue(
            "AllocationDefaultNetmaskLength must be between AllocationMinNetmaskLength and "
            "AllocationMaxNetmaskLength.")
    rules = {"AllocationMinNetmaskLength": 0 if low is None else low,
             "AllocationMaxNetmaskLength": top if high is None else high}
    if default is not None:
        rules["AllocationDefaultNetmaskLength"] = default
    return rules


def _resource_tags(tags: list[dict[str, Any]] | None) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for tag in tags or []:
        if not tag.get("Key"):
            raise InvalidParameterValue("An allocation resource tag must have a key.")
        entry = {"Key": tag["Key"], "Value": tag.get("Value", "")}
        if entry not in out:
            out.append(entry)
    return out


def _source(world: World, part: Partition, source_id: str, scope_id: str, family: str,
            locale: str | None) -> dict[str, Any]:
    source = world.get(part, KIND, source_id)
    if scope_of(world, source_id) != scope_id:
        raise InvalidParameterValue(f"The source pool {source_id} is not in the scope "
                                    f"{scope_id}.")
    if source["AddressFamily"] != family:
        raise InvalidParameterValue(f"The source pool {source_id} has address family "
                                    f"{source['AddressFamily']}, not {family}.")
    if source.get("Locale") and locale != source["Locale"]:
        raise InvalidParameterValue(f"The locale must be {source['Locale']}, the locale of "
                                    f"the source pool {source_id}.")
    return source


def _planned(world: World, part: Partition, resource: dict[str, Any],
             source_pool: str | None) -> dict[str, Any]:
    """A resource planning pool's source: a VPC of the account (its region the pool's
    locale), never with a source pool."""
    if source_pool is not None:
        raise InvalidParameterCombination(
            "The request can only contain one of SourceIpamPoolId and SourceResource.")
    vpc_id = resource.get("ResourceId") or ""
    if resource.get("ResourceType", "vpc") != "vpc":
        raise InvalidParameterValue("The source resource type must be vpc.")
    node = world.node(vpc_id)
    region = resource.get("ResourceRegion") or part.region
    owner = resource.get("ResourceOwner") or part.account
    if node is None or node["kind"] != "vpc" or node["region"] != region \
            or node["account"] != owner:
        raise not_found("vpc", vpc_id)
    return {"ResourceId": vpc_id, "ResourceType": "vpc", "ResourceRegion": region,
            "ResourceOwner": owner}


def _public_options(scope_type: str, family: str, advertisable: bool | None,
                    aws_service: str | None, ip_source: str | None) -> dict[str, Any]:
    if advertisable is not None and not (family == "ipv6" and scope_type == "public"
                                         and ip_source in (None, "byoip")):
        raise InvalidParameterCombination(
            "The request can only contain PubliclyAdvertisable if the AddressFamily is IPv6 "
            "and PublicIpSource is byoip.")
    if (aws_service is not None or ip_source is not None) and scope_type != "public":
        raise InvalidParameterCombination(
            "The request can only contain AwsService and PublicIpSource for a pool in a "
            "public scope.")
    if ip_source == "amazon" and family != "ipv6":
        raise InvalidParameterCombination(
            "The request can only contain PublicIpSource amazon if the AddressFamily is IPv6.")
    out: dict[str, Any] = {}
    if family == "ipv6":
        out["PubliclyAdvertisable"] = bool(advertisable) if scope_type == "public" else False
    if aws_service is not None:
        out["AwsService"] = aws_service
    if scope_type == "public" and family == "ipv6":
        out["PublicIpSource"] = ip_source or "byoip"
    elif ip_source is not None:
        out["PublicIpSource"] = ip_source
    return out


def create(world: World, part: Partition, ipam_scope_id: str, address_family: str,
           locale: str | None = None, source_ipam_pool_id: str | None = None,
           description: str | None = None, auto_import: bool | None = None,
           publicly_advertisable: bool | None = None,
           allocation_min_netmask_length: int | None = None,
           allocation_max_netmask_length: int | None = None,
           allocation_default_netmask_length: int | None = None,
           allocation_resource_tags: list[dict[str, Any]] | None = None,
           aws_service: str | None = None, public_ip_source: str | None = None,
           source_resource: dict[str, Any] | None = None, *,
           tags: dict[str, str] | None = None) -> str:
    """A pool in a scope of an IPAM of this account, under `source_ipam_pool_id` if given."""
    scope = world.get(part, ipams.SCOPE, ipam_scope_id)
    ipam = world.graph.nodes[ipams.ipam_of(world, ipam_scope_id)]
    if locale == "None":
        locale = None
    if ipam["Tier"] == "free":
        if scope["IpamScopeType"] == "private":
            raise ipams.free_tier("A pool in the private scope")
        if locale not in (None, ipam["region"]):
            raise ipams.free_tier("A pool with a locale other than the home Region")
    if locale is not None and locale not in ipam["OperatingRegions"]:
        raise InvalidParameterValue(
            f"The locale {locale} is not one of the operating Regions of the IPAM.")
    source = (_source(world, part, source_ipam_pool_id, ipam_scope_id, address_family, locale)
              if source_ipam_pool_id else None)
    if source_resource is not None:
        source_resource = _planned(world, part, source_resource, source_ipam_pool_id)
        locale = locale or source_resource["ResourceRegion"]
        if locale != source_resource["ResourceRegion"]:
            raise InvalidParameterValue(f"The locale must be {source_resource['ResourceRegion']}"
                                        ", the Region of the source resource.")
    rules = _netmasks(address_family, {
        "AllocationMinNetmaskLength": allocation_min_netmask_length,
        "AllocationDefaultNetmaskLength": allocation_default_netmask_length,
        "AllocationMaxNetmaskLength": allocation_max_netmask_length})
    fields: dict[str, Any] = {
        "AddressFamily": address_family, "State": "create-complete",
        "PoolDepth": source["PoolDepth"] + 1 if source else 1,
        "AutoImport": bool(auto_import),
        "AllocationResourceTags": _resource_tags(allocation_resource_tags), **rules,
        **_public_options(scope["IpamScopeType"], address_family, publicly_advertisable,
                          aws_service, public_ip_source)}
    optional = {"Locale": locale, "SourceIpamPoolId": source_ipam_pool_id,
                "Description": description, "SourceResource": source_resource}
    fields.update({k: v for k, v in optional.items() if v is not None})
    pool_id = world.new_id("ipam-pool")
    world.add(part, KIND, pool_id, **fields)
    world.link(ipam_scope_id, pool_id, schema.CONTAINS)
    tagging.apply(world, pool_id, tags or {})
    return pool_id


def modify(world: World, part: Partition, ipam_pool_id: str, description: str | None = None,
           auto_import: bool | None = None,
           allocation_min_netmask_length: int | None = None,
           allocation_max_netmask_length: int | None = None,
           allocation_default_netmask_length: int | None = None,
           clear_allocation_default_netmask_length: bool | None = None,
           add_allocation_resource_tags: list[dict[str, Any]] | None = None,
           remove_allocation_resource_tags: list[dict[str, Any]] | None = None) -> str:
    node = world.get(part, KIND, ipam_pool_id)
    if allocation_default_netmask_length is not None and clear_allocation_default_netmask_length:
        raise InvalidParameterCombination(
            "AllocationDefaultNetmaskLength and ClearAllocationDefaultNetmaskLength cannot "
            "both be given.")
    given = (description, auto_import, allocation_min_netmask_length,
             allocation_max_netmask_length, allocation_default_netmask_length,
             clear_allocation_default_netmask_length, add_allocation_resource_tags,
             remove_allocation_resource_tags)
    if all(v is None for v in given):
        raise InvalidParameterCombination("The request must contain a modification to the "
                                          "ipam pool")
    default = (None if clear_allocation_default_netmask_length else
               node.get("AllocationDefaultNetmaskLength")
               if allocation_default_netmask_length is None
               else allocation_default_netmask_length)
    rules = _netmasks(node["AddressFamily"], {
        "AllocationMinNetmaskLength": node["AllocationMinNetmaskLength"]
        if allocation_min_netmask_length is None else allocation_min_netmask_length,
        "AllocationDefaultNetmaskLength": default,
        "AllocationMaxNetmaskLength": node["AllocationMaxNetmaskLength"]
        if allocation_max_netmask_length is None else allocation_max_netmask_length})
    gone = _resource_tags(remove_allocation_resource_tags)
    kept = [t for t in node["AllocationResourceTags"] if t not in gone]
    kept += [t for t in _resource_tags(add_allocation_resource_tags) if t not in kept]
    fields: dict[str, Any] = {**rules, "AllocationResourceTags": kept,
                              "State": "modify-complete"}
    if "AllocationDefaultNetmaskLength" not in rules:
        fields["AllocationDefaultNetmaskLength"] = None
    if description is not None:
        fields["Description"] = description
    if auto_import is not None:
        fields["AutoImport"] = auto_import
    world.update(ipam_pool_id, **fields)
    return ipam_pool_id


# -- views and filters ------------------------------------------------------------------------
ORDER = ("PoolDepth", "State", "StateMessage", "Description", "AutoImport",
         "PubliclyAdvertisable", "AddressFamily", "AllocationMinNetmaskLength",
         "AllocationMaxNetmaskLength", "AllocationDefaultNetmaskLength")   # AWS's member order


def view(world: World, pool_id: str) -> dict[str, Any]:
    node = world.graph.nodes[pool_id]
    scope_id = scope_of(world, pool_id)
    scope = world.graph.nodes[scope_id]
    ipam_id = ipams.ipam_of(world, scope_id)
    out: dict[str, Any] = {"OwnerId": node["account"], "IpamPoolId": pool_id}
    if "SourceIpamPoolId" in node:
        out["SourceIpamPoolId"] = node["SourceIpamPoolId"]
    out.update({"IpamPoolArn": discoveries.arn(node, KIND, pool_id),
                "IpamScopeArn": discoveries.arn(scope, ipams.SCOPE, scope_id),
                "IpamScopeType": scope["IpamScopeType"],
                "IpamArn": discoveries.arn(world.graph.nodes[ipam_id], ipams.KIND, ipam_id),
                "IpamRegion": node["region"], "Locale": node.get("Locale", "None")})
    out.update({k: node[k] for k in ORDER if k in node})
    out["AllocationResourceTags"] = [dict(t) for t in node["AllocationResourceTags"]]
    out["Tags"] = tagging.listed(node["tags"])
    for key in ("AwsService", "PublicIpSource", "SourceResource"):
        if key in node:
            out[key] = node[key]
    return out


def created_view(world: World, pool_id: str) -> dict[str, Any]:
    return {**view(world, pool_id), "State": "create-in-progress"}


FILTERS: dict[str, Filter] = {
    "ipam-pool-id": ident(),
    "owner-id": owner(),
    "ipam-scope-id": Filter(lambda w, rid, n: scope_of(w, rid),
                            lambda w, part, v: [p for p, _, _ in w.out(v, schema.CONTAINS, KIND)]),
    "ipam-scope-arn": Filter(lambda w, rid, n: view(w, rid)["IpamScopeArn"]),
    "ipam-scope-type": Filter(lambda w, rid, n: w.graph.nodes[scope_of(w, rid)]["IpamScopeType"]),
    "ipam-arn": Filter(lambda w, rid, n: view(w, rid)["IpamArn"]),
    "ipam-id": Filter(lambda w, rid, n: ipam_of(w, rid)),
    "ipam-region": Filter(lambda w, rid, n: n["region"]),
    "locale": Filter(lambda w, rid, n: n.get("Locale", "None")),
    "pool-depth": field("PoolDepth"),
    "state": field("State"),
    "description": field("Description"),
    "auto-import": field("AutoImport"),
    "publicly-advertisable": field("PubliclyAdvertisable"),
    "address-family": field("AddressFamily"),
    "source-ipam-pool-id": field("SourceIpamPoolId"),
    "aws-service": field("AwsService"),
    "public-ip-source": field("PublicIpSource"),
    "allocation-min-netmask-length": field("AllocationMinNetmaskLength"),
    "allocation-max-netmask-length": field("AllocationMaxNetmaskLength"),
    "allocation-default-netmask-length": field("AllocationDefaultNetmaskLength"),
    "allocation-resource-tag-key": Filter(
        lambda w, rid, n: [t["Key"] for t in n["AllocationResourceTags"]]),
}


# -- the family: its plain operations are bound from this (docs/families.md) ------------------
from ..core.family import Action, Family, declare  # noqa: E402

FAMILY = declare(Family(KIND, view=view, filters=FILTERS, create=create,
                        created_view=created_view, shared=True, actions={
                            "ModifyIpamPool": Action(modify, state="modify-in-progress")}))
