"""IPAMs (Amazon VPC IP Address Manager) and their scopes.

An `ipam` node lives in its home region and holds `OperatingRegions` (the regions whose
addresses it manages and where its pools may have a locale), `Tier` (free/advanced),
`EnablePrivateGua`, `MeteredAccount`, `State`. It CONTAINS its `ipam-scope` nodes; creating
it makes AWS's two default scopes (private and public) and its default resource discovery
and association (`ipam_discoveries`), which all go with it. A scope CONTAINS its pools
(`ipam_pools`). Counts (scopes, pools, discovery associations) are read from the graph.

AWS answers a create or modify in a transient state (`create-in-progress`,
`modify-in-progress`) and describes the settled one.
"""
from __future__ import annotations

from typing import Any

from ..core import schema
from ..core import tags as tagging
from ..core.errors import DependencyViolation, InvalidParameterValue, TopologyError
from ..core.family import removed
from ..core.filters import Filter, field, ident, owner
from ..core.world import Partition, World
from . import ipam_discoveries as discoveries

KIND, SCOPE = "ipam", "ipam-scope"
MAX_SCOPES = 5          # AWS's default quota of scopes per IPAM, the two defaults included


def create(world: World, part: Partition, description: str | None = None,
           operating_regions: list[dict[str, Any]] | None = None, tier: str | None = None,
           enable_private_gua: bool | None = None, metered_account: str | None = None, *,
           tags: dict[str, str] | None = None) -> str:
    """An IPAM with its default scopes, resource discovery and association."""
    names = discoveries.operating(part.region, operating_regions)
    ipam_id = world.new_id("ipam")
    fields: dict[str, Any] = {"OperatingRegions": names, "State": "create-complete",
                              "Tier": tier or "advanced",
                              "EnablePrivateGua": bool(enable_private_gua),
                              "MeteredAccount": metered_account or "ipam-owner"}
    if description is not None:
        fields["Description"] = description
    world.add(part, KIND, ipam_id, **fields)
    tagging.apply(world, ipam_id, tags or {})
    for scope_type in ("private", "public"):
        _add_scope(world, part, ipam_id, scope_type, default=True)
    disco_id = discoveries.create(world, part, None, operating_regions, default=True)
    discoveries.associate(world, part, ipam_id, disco_id, default=True)
    return ipam_id


def modify(world: World, part: Partition, ipam_id: str, description: str | None = None,
           add_operating_regions: list[dict[str, Any]] | None = None,
           remove_operating_regions: list[dict[str, Any]] | None = None,
           tier: str | None = None, enable_private_gua: bool | None = None,
           metered_account: str | None = None) -> str:
    node = world.get(part, KIND, ipam_id)
    names = discoveries.changed_regions(node["OperatingRegions"], part.region,
                                        add_operating_regions, remove_operating_regions)
    in_use = {world.graph.nodes[p].get("Locale") for s in scopes(world, ipam_id)
              for p in pools(world, s)}
    for gone in set(node["OperatingRegions"]) - set(names):
        if gone in in_use:
            raise TopologyError(
                f"The operating Region {gone} cannot be removed: a pool of {ipam_id} has it "
                "as its locale.", "InvalidParameterValue")
    if tier == "free" and node["Tier"] != "free":
        _check_free(world, ipam_id)
    fields: dict[str, Any] = {"OperatingRegions": names, "State": "modify-complete"}
    for key, value in (("Description", description), ("Tier", tier),
                       ("EnablePrivateGua", enable_private_gua),
                       ("MeteredAccount", metered_account)):
        if value is not None:
            fields[key] = value
    world.update(ipam_id, **fields)
    for assoc, _, _ in world.into(ipam_id, schema.ASSOCIATED, discoveries.ASSOC):
        if world.graph.nodes[assoc]["IsDefault"]:    # the default discovery follows the IPAM
            world.update(discoveries.discovery_of(world, assoc), OperatingRegions=names)
    return ipam_id


def free_tier(what: str) -> TopologyError:
    return TopologyError(f"{what} is not supported by an IPAM in the free tier. Upgrade the "
                         "IPAM to the advanced tier.", "UnsupportedOperation")


def _check_free(world: World, ipam_id: str) -> None:
    """What AWS asks to delete before an IPAM moves to the free tier: private scope pools,
    further private scopes, pools of other locales than the home region, further resource
    discovery associations."""
    nodes = world.graph.nodes
    home = nodes[ipam_id]["region"]
    owned = scopes(world, ipam_id)
    if any(not nodes[s]["IsDefault"] for s in owned):
        raise free_tier("A non-default scope")
    for scope_id in owned:
        for pool_id in pools(world, scope_id):
            if nodes[scope_id]["IpamScopeType"] == "private":
                raise free_tier("A pool in the private scope")
            if nodes[pool_id].get("Locale") not in (None, home):
                raise free_tier("A pool with a locale other than the home Region")
    if any(not nodes[a]["IsDefault"]
           for a, _, _ in world.into(ipam_id, schema.ASSOCIATED, discoveries.ASSOC)):
        raise free_tier("A non-default resource discovery association")


def scopes(world: World, ipam_id: str) -> list[str]:
    return [v for v, _, _ in world.out(ipam_id, schema.CONTAINS, SCOPE)]


def pools(world: World, scope_id: str) -> list[str]:
    return [v for v, _, _ in world.out(scope_id, schema.CONTAINS, "ipam-pool")]


def ipam_of(world: World, scope_id: str) -> str:
    return next(u for u, _, _ in world.into(scope_id, schema.CONTAINS, KIND))


def view(world: World, ipam_id: str) -> dict[str, Any]:
    node = world.graph.nodes[ipam_id]
    by_type = {world.graph.nodes[s]["IpamScopeType"]: s for s in scopes(world, ipam_id)
               if world.graph.nodes[s]["IsDefault"]}
    assocs = world.into(ipam_id, schema.ASSOCIATED, discoveries.ASSOC)
    default = next((a for a, _, _ in assocs if world.graph.nodes[a]["IsDefault"]), None)
    out: dict[str, Any] = {
        "OwnerId": node["account"], "IpamId": ipam_id,
        "IpamArn": discoveries.arn(node, KIND, ipam_id), "IpamRegion": node["region"],
        "PublicDefaultScopeId": by_type.get("public"),
        "PrivateDefaultScopeId": by_type.get("private"),
        "ScopeCount": len(scopes(world, ipam_id))}
    if "Description" in node:
        out["Description"] = node["Description"]
    out.update({
        "OperatingRegions": [{"RegionName": r} for r in node["OperatingRegions"]],
        "State": node["State"], "Tags": tagging.listed(node["tags"]),
        "DefaultResourceDiscoveryId": (discoveries.discovery_of(world, default)
                                       if default else None),
        "DefaultResourceDiscoveryAssociationId": default,
        "ResourceDiscoveryAssociationCount": len(assocs), "Tier": node["Tier"],
        "EnablePrivateGua": node["EnablePrivateGua"], "MeteredAccount": node["MeteredAccount"]})
    return out


def created_view(world: World, ipam_id: str) -> dict[str, Any]:
    return {**view(world, ipam_id), "State": "create-in-progress"}


FILTERS: dict[str, Filter] = {
    "ipam-id": ident(),
    "owner-id": owner(),
    "ipam-region": Filter(lambda w, rid, n: n["region"]),
    "operating-region": Filter(lambda w, rid, n: n["OperatingRegions"]),
    "state": field("State"),
    "tier": field("Tier"),
    "description": field("Description"),
    "metered-account": field("MeteredAccount"),
}


# -- scopes -----------------------------------------------------------------------------------
def _add_scope(world: World, part: Partition, ipam_id: str, scope_type: str, *,
               default: bool, description: str | None = None) -> str:
    scope_id = world.new_id("ipam-scope")
    fields: dict[str, Any] = {"IpamScopeType": scope_type, "IsDefault": default,
                              "State": "create-complete"}
    if description is not None:
        fields["Description"] = description
    world.add(part, SCOPE, scope_id, **fields)
    world.link(ipam_id, scope_id, schema.CONTAINS)
    return scope_id


def _external(config: dict[str, Any] | None) -> dict[str, Any] | None:
    if config is None:
        return None
    if config.get("Type") != "infoblox" or not config.get("ExternalResourceIdentifier"):
        raise InvalidParameterValue(
            "The external authority configuration requires Type infoblox and an "
            "ExternalResourceIdentifier.")
    return {"Type": "infoblox",
            "ExternalResourceIdentifier": config["ExternalResourceIdentifier"]}


def create_scope(world: World, part: Partition, ipam_id: str, description: str | None = None,
                 external_authority_configuration: dict[str, Any] | None = None, *,
                 tags: dict[str, str] | None = None) -> str:
    """A further private scope (AWS allows public scopes only as the default)."""
    ipam = world.get(part, KIND, ipam_id)
    external = _external(external_authority_configuration)
    if ipam["Tier"] == "free":
        raise free_tier("A non-default scope")
    if len(scopes(world, ipam_id)) >= MAX_SCOPES:
        raise TopologyError(f"The maximum number of scopes ({MAX_SCOPES}) for {ipam_id} has "
                            "been reached.", "ResourceLimitExceeded")
    scope_id = _add_scope(world, part, ipam_id, "private", default=False,
                          description=description)
    if external is not None:
        world.update(scope_id, ExternalAuthorityConfiguration=external)
    tagging.apply(world, scope_id, tags or {})
    return scope_id


def modify_scope(world: World, part: Partition, ipam_scope_id: str,
                 description: str | None = None,
                 external_authority_configuration: dict[str, Any] | None = None,
                 remove_external_authority_configuration: bool | None = None) -> str:
    world.get(part, SCOPE, ipam_scope_id)
    external = _external(external_authority_configuration)
    if external is not None and remove_external_authority_configuration:
        raise TopologyError("ExternalAuthorityConfiguration and "
                            "RemoveExternalAuthorityConfiguration cannot both be given.",
                            "InvalidParameterCombination")
    fields: dict[str, Any] = {"State": "modify-complete"}
    if description is not None:
        fields["Description"] = description
    if external is not None:
        fields["ExternalAuthorityConfiguration"] = external
    if remove_external_authority_configuration:
        fields["ExternalAuthorityConfiguration"] = None
    world.update(ipam_scope_id, **fields)
    return ipam_scope_id


def delete_scope(world: World, part: Partition, scope_id: str) -> dict[str, Any]:
    node = world.get(part, SCOPE, scope_id)
    if node["IsDefault"]:
        raise TopologyError(f"The specified action is not valid for {scope_id}. Default "
                            "scopes cannot be deleted.", "InvalidParameterValue")
    if pools(world, scope_id):
        raise DependencyViolation(f"The specified action is not valid for {scope_id}. There "
                                  "are one or more pools in the scope.", "DependencyViolation")
    return removed(world, scope_id, scope_view, "delete-in-progress")


def scope_view(world: World, scope_id: str) -> dict[str, Any]:
    node = world.graph.nodes[scope_id]
    ipam_id = ipam_of(world, scope_id)
    ipam = world.graph.nodes[ipam_id]
    out: dict[str, Any] = {
        "OwnerId": node["account"], "IpamScopeId": scope_id,
        "IpamScopeArn": discoveries.arn(node, SCOPE, scope_id),
        "IpamArn": discoveries.arn(ipam, KIND, ipam_id), "IpamRegion": ipam["region"],
        "IpamScopeType": node["IpamScopeType"], "IsDefault": node["IsDefault"]}
    if "Description" in node:
        out["Description"] = node["Description"]
    out.update({"PoolCount": len(pools(world, scope_id)), "State": node["State"],
                "Tags": tagging.listed(node["tags"])})
    if "ExternalAuthorityConfiguration" in node:
        out["ExternalAuthorityConfiguration"] = dict(node["ExternalAuthorityConfiguration"])
    return out


def created_scope_view(world: World, scope_id: str) -> dict[str, Any]:
    return {**scope_view(world, scope_id), "State": "create-in-progress"}


SCOPE_FILTERS: dict[str, Filter] = {
    "ipam-scope-id": ident(),
    "ipam-id": Filter(lambda w, rid, n: ipam_of(w, rid)),
    "ipam-arn": Filter(lambda w, rid, n: discoveries.arn(
        w.graph.nodes[ipam_of(w, rid)], KIND, ipam_of(w, rid))),
    "ipam-region": Filter(lambda w, rid, n: n["region"]),
    "ipam-scope-type": field("IpamScopeType"),
    "is-default": field("IsDefault"),
    "owner-id": owner(),
    "state": field("State"),
    "description": field("Description"),
}


# -- the families: their plain operations are bound from these (docs/families.md) ------------
from ..core.family import Action, Family, declare  # noqa: E402

FAMILY = declare(Family(KIND, view=view, filters=FILTERS, create=create,
                        created_view=created_view, actions={
                            "ModifyIpam": Action(modify, state="modify-in-progress")}))
SCOPE_FAMILY = declare(Family(SCOPE, view=scope_view, filters=SCOPE_FILTERS,
                              create=create_scope, created_view=created_scope_view,
                              delete=delete_scope, actions={
                                  "ModifyIpamScope": Action(modify_scope,
                                                            state="modify-in-progress")}))
