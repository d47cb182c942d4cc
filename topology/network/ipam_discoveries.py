"""IPAM resource discoveries, their associations with IPAMs, and IPAM's delegated
administrator of an organization.

A resource discovery (`ipam-resource-discovery`) names the operating regions whose
resources IPAM watches; an IPAM sees what the discoveries associated with it see. Every
IPAM gets a default discovery and a default association when it is created (`ipams`), which
go with it; others are created and associated here. An association is an
`ipam-resource-discovery-association` node with ASSOCIATED edges to its IPAM (`ipam`) and
its discovery (`discovery`).

AWS answers a create, delete, associate or disassociate in a transient state
(`create-in-progress`, `associate-in-progress`...) and describes the settled one.
"""
from __future__ import annotations

from typing import Any

from ..core import regions, schema, sharing
from ..core import tags as tagging
from ..core.errors import InvalidParameterValue, TopologyError
from ..core.family import removed
from ..core.filters import Filter, field, ident, owner
from ..core.world import Partition, World, not_found

KIND = "ipam-resource-discovery"
ASSOC = "ipam-resource-discovery-association"
SERVICE = "ipam.amazonaws.com"       # the service an organization delegates to its admin


# -- shared by the IPAM modules ---------------------------------------------------------------
def arn(node: dict[str, Any], kind: str, rid: str) -> str:
    """IPAM's ARNs are global: no region (`arn:aws:ec2::111122223333:ipam/ipam-...`)."""
    return f"arn:aws:ec2::{node['account']}:{kind}/{rid}"


def region_names(entries: list[dict[str, Any]] | None, member: str = "OperatingRegions"
                 ) -> list[str]:
    """The region names of an `[{RegionName}]` list, checked against the catalogue."""
    names: list[str] = []
    for entry in entries or []:
        name = entry.get("RegionName")
        if not name or name not in regions.by_name():
            raise InvalidParameterValue(
                f"The Region '{name}' in {member} is invalid or not supported.")
        if name not in names:
            names.append(name)
    return names


def operating(home: str, entries: list[dict[str, Any]] | None) -> list[str]:
    """A new IPAM's (or discovery's) operating regions: the home region is always one."""
    names = region_names(entries)
    return names if home in names else [home, *names]


def changed_regions(current: list[str], home: str, add: list[dict[str, Any]] | None,
                    remove: list[dict[str, Any]] | None) -> list[str]:
    """Operating regions after a modify; the home region cannot be removed."""
    dropped = region_names(remove, "RemoveOperatingRegions")
    if home in dropped:
        raise InvalidParameterValue(
            f"The home Region {home} cannot be removed from the operating Regions.")
    added = region_names(add, "AddOperatingRegions")
    return [r for r in current if r not in dropped] + [
        r for r in added if r not in current and r not in dropped]


def watched(world: World, account: str) -> list[str]:
    """The accounts an IPAM (or discovery) of `account` sees: its own, or its organization's
    when it is the organization's delegated IPAM administrator."""
    org_id = admin_of(world, account)
    if org_id is None:
        return [account]
    members = next((o["Accounts"] for o in sharing.organizations(world) if o["Id"] == org_id),
                   [])
    return [account, *[a for a in members if a != account]]


def partitions(world: World, owners: list[str], regions_: list[str]) -> list[Partition]:
    """The existing partitions of those accounts and regions (none is created by looking)."""
    return [p for p in world.partitions() if p.account in owners and p.region in regions_]


def seen(world: World, ipam_id: str) -> list[Partition]:
    """The accounts and regions an IPAM sees: those of each discovery associated with it
    (its default one, and others', shared with it through RAM), in the IPAM's operating
    regions."""
    regions_ = world.graph.nodes[ipam_id]["OperatingRegions"]
    owners: dict[str, None] = {}
    for disco_id in discoveries(world, ipam_id):
        owners.update(dict.fromkeys(watched(world, world.graph.nodes[disco_id]["account"])))
    return partitions(world, list(owners), regions_)


# -- resource discoveries ---------------------------------------------------------------------
def create(world: World, part: Partition, description: str | None = None,
           operating_regions: list[dict[str, Any]] | None = None, *,
           tags: dict[str, str] | None = None, default: bool = False) -> str:
    """A resource discovery watching `operating_regions` (the home region always)."""
    names = operating(part.region, operating_regions)
    disco_id = world.new_id("ipam-res-disco")
    fields: dict[str, Any] = {"OperatingRegions": names, "IsDefault": default,
                              "State": "create-complete", "OrganizationalUnitExclusions": []}
    if description is not None:
        fields["Description"] = description
    world.add(part, KIND, disco_id, **fields)
    tagging.apply(world, disco_id, tags or {})
    return disco_id


def modify(world: World, part: Partition, ipam_resource_discovery_id: str,
           description: str | None = None,
           add_operating_regions: list[dict[str, Any]] | None = None,
           remove_operating_regions: list[dict[str, Any]] | None = None,
           add_organizational_unit_exclusions: list[dict[str, Any]] | None = None,
           remove_organizational_unit_exclusions: list[dict[str, Any]] | None = None) -> str:
    node = world.get(part, KIND, ipam_resource_discovery_id)
    names = changed_regions(node["OperatingRegions"], part.region, add_operating_regions,
                            remove_operating_regions)
    gone = {e.get("OrganizationsEntityPath") for e in remove_organizational_unit_exclusions or []}
    exclusions = [e for e in node["OrganizationalUnitExclusions"]
                  if e["OrganizationsEntityPath"] not in gone]
    for entry in add_organizational_unit_exclusions or []:
        path = entry.get("OrganizationsEntityPath")
        if not path or not path.startswith("o-"):
            raise InvalidParameterValue(
                f"The organizations entity path '{path}' is invalid.")
        if path not in gone and all(e["OrganizationsEntityPath"] != path for e in exclusions):
            exclusions.append({"OrganizationsEntityPath": path})
    fields: dict[str, Any] = {"OperatingRegions": names, "State": "modify-complete",
                              "OrganizationalUnitExclusions": exclusions}
    if description is not None:
        fields["Description"] = description
    world.update(ipam_resource_discovery_id, **fields)
    return ipam_resource_discovery_id


def delete(world: World, part: Partition, disco_id: str) -> dict[str, Any]:
    """Delete a discovery no IPAM uses; a default one goes only with its IPAM."""
    node = world.get(part, KIND, disco_id)
    if node["IsDefault"]:
        raise TopologyError("The default resource discovery cannot be deleted.",
                            "InvalidParameterValue")
    if world.into(disco_id, schema.ASSOCIATED, ASSOC):
        raise TopologyError(
            f"The resource discovery {disco_id} is associated with an IPAM. Disassociate it "
            "first.", "InvalidParameterValue")
    return removed(world, disco_id, view, "delete-in-progress")


def view(world: World, disco_id: str) -> dict[str, Any]:
    node = world.graph.nodes[disco_id]
    out: dict[str, Any] = {
        "OwnerId": node["account"], "IpamResourceDiscoveryId": disco_id,
        "IpamResourceDiscoveryArn": arn(node, KIND, disco_id),
        "IpamResourceDiscoveryRegion": node["region"]}
    if "Description" in node:
        out["Description"] = node["Description"]
    out["OperatingRegions"] = [{"RegionName": r} for r in node["OperatingRegions"]]
    out.update({"IsDefault": node["IsDefault"], "State": node["State"],
                "Tags": tagging.listed(node["tags"]),
                "OrganizationalUnitExclusions": list(node["OrganizationalUnitExclusions"])})
    return out


def created_view(world: World, disco_id: str) -> dict[str, Any]:
    return {**view(world, disco_id), "State": "create-in-progress"}


FILTERS: dict[str, Filter] = {
    "ipam-resource-discovery-id": ident(),
    "owner-id": owner(),
    "ipam-resource-discovery-region": Filter(lambda w, rid, n: n["region"]),
    "is-default": field("IsDefault"),
    "operating-region": Filter(lambda w, rid, n: n["OperatingRegions"]),
    "state": field("State"),
    "description": field("Description"),
}


# -- associations -----------------------------------------------------------------------------
def associate(world: World, part: Partition, ipam_id: str, ipam_resource_discovery_id: str, *,
              tags: dict[str, str] | None = None, default: bool = False) -> str:
    """Associate a discovery (the account's own, or one shared with it) with an IPAM."""
    ipam = world.get(part, "ipam", ipam_id)
    if ipam["Tier"] == "free" and not default:
        raise TopologyError("A non-default resource discovery association is not supported "
                            "by an IPAM in the free tier. Upgrade the IPAM to the advanced "
                            "tier.", "UnsupportedOperation")
    disco_id = ipam_resource_discovery_id
    disco = world.node(disco_id)
    if disco is None or disco["kind"] != KIND or not sharing.can_use(world, part, disco_id):
        raise not_found(KIND, disco_id)
    for assoc, _, _ in world.into(disco_id, schema.ASSOCIATED, ASSOC):
        if any(v == ipam_id for v, _, _ in world.out(assoc, schema.ASSOCIATED, "ipam")):
            raise TopologyError(
                f"The resource discovery {disco_id} is already associated with {ipam_id}.",
                "InvalidParameterValue")
    assoc_id = world.new_id("ipam-res-disco-assoc")
    world.add(part, ASSOC, assoc_id, IsDefault=default, State="associate-complete")
    world.link(assoc_id, ipam_id, schema.ASSOCIATED, "ipam")
    world.link(assoc_id, disco_id, schema.ASSOCIATED, "discovery")
    tagging.apply(world, assoc_id, tags or {})
    return assoc_id


def disassociate(world: World, part: Partition, ipam_resource_discovery_association_id: str
                 ) -> dict[str, Any]:
    """End an association (not a default one: it goes with its IPAM); answered
    `disassociate-in-progress`."""
    assoc_id = ipam_resource_discovery_association_id
    node = world.get(part, ASSOC, assoc_id)
    if node["IsDefault"]:
        raise TopologyError("The default resource discovery association cannot be "
                            "disassociated.", "InvalidParameterValue")
    return removed(world, assoc_id, assoc_view, "disassociate-in-progress")


def ipam_of(world: World, assoc_id: str) -> str:
    return next(v for v, _, _ in world.out(assoc_id, schema.ASSOCIATED, "ipam"))


def discovery_of(world: World, assoc_id: str) -> str:
    return next(v for v, _, _ in world.out(assoc_id, schema.ASSOCIATED, KIND))


def discoveries(world: World, ipam_id: str) -> list[str]:
    """The discoveries associated with an IPAM (its default first)."""
    assocs = sorted((u for u, _, _ in world.into(ipam_id, schema.ASSOCIATED, ASSOC)),
                    key=lambda a: world.graph.nodes[a]["seq"])
    return [discovery_of(world, a) for a in assocs]


def assoc_view(world: World, assoc_id: str) -> dict[str, Any]:
    node = world.graph.nodes[assoc_id]
    ipam_id, disco_id = ipam_of(world, assoc_id), discovery_of(world, assoc_id)
    ipam = world.graph.nodes[ipam_id]
    return {"OwnerId": node["account"], "IpamResourceDiscoveryAssociationId": assoc_id,
            "IpamResourceDiscoveryAssociationArn": arn(node, ASSOC, assoc_id),
            "IpamResourceDiscoveryId": disco_id, "IpamId": ipam_id,
            "IpamArn": arn(ipam, "ipam", ipam_id), "IpamRegion": ipam["region"],
            "IsDefault": node["IsDefault"], "ResourceDiscoveryStatus": "active",
            "State": node["State"], "Tags": tagging.listed(node["tags"])}


ASSOC_FILTERS: dict[str, Filter] = {
    "ipam-resource-discovery-association-id": ident(),
    "ipam-resource-discovery-id": Filter(lambda w, rid, n: discovery_of(w, rid)),
    "ipam-id": Filter(lambda w, rid, n: ipam_of(w, rid)),
    "ipam-arn": Filter(lambda w, rid, n: arn(w.graph.nodes[ipam_of(w, rid)], "ipam",
                                             ipam_of(w, rid))),
    "is-default": field("IsDefault"),
    "owner-id": owner(),
    "resource-discovery-status": Filter(lambda w, rid, n: "active"),
    "state": field("State"),
}


# -- the organization's delegated IPAM administrator -------------------------------------------
def _organization(world: World, part: Partition, delegated: str) -> str:
    org_id = sharing.organization_of(world, part.account)
    if org_id is None or sharing.management_account(world, org_id) != part.account:
        raise TopologyError("You must be the management account of an AWS Organization to "
                            "delegate an IPAM administrator.", "UnauthorizedOperation")
    if sharing.organization_of(world, delegated) != org_id:
        raise InvalidParameterValue(
            f"The account {delegated} is not a member of organization {org_id}.")
    return org_id


def enable_admin(world: World, part: Partition, delegated_admin_account_id: str) -> bool:
    """Make a member account the organization's IPAM administrator (one at a time)."""
    org_id = _organization(world, part, delegated_admin_account_id)
    current = sharing.delegated_admin(world, org_id, SERVICE)
    if current not in (None, delegated_admin_account_id):
        raise InvalidParameterValue(
            f"The organization {org_id} already has the delegated IPAM administrator "
            f"{current}.")
    sharing.delegate(world, org_id, SERVICE, delegated_admin_account_id)
    return True


def disable_admin(world: World, part: Partition, delegated_admin_account_id: str) -> bool:
    org_id = _organization(world, part, delegated_admin_account_id)
    if sharing.delegated_admin(world, org_id, SERVICE) != delegated_admin_account_id:
        raise InvalidParameterValue(
            f"The account {delegated_admin_account_id} is not the delegated IPAM "
            "administrator.")
    sharing.delegate(world, org_id, SERVICE, None)
    return True


def admin_of(world: World, account: str) -> str | None:
    """The organization whose IPAM `account` administers, if any."""
    org_id = sharing.organization_of(world, account)
    if org_id is None or sharing.delegated_admin(world, org_id, SERVICE) != account:
        return None
    return org_id


# -- the families: their plain operations are bound from these (docs/families.md) ------------
from ..core.family import Action, Family, declare  # noqa: E402

FAMILY = declare(Family(KIND, view=view, filters=FILTERS, create=create,
                        created_view=created_view, delete=delete, shared=True, actions={
                            "ModifyIpamResourceDiscovery": Action(modify,
                                                                  state="modify-in-progress"),
                            "EnableIpamOrganizationAdminAccount": enable_admin,
                            "DisableIpamOrganizationAdminAccount": disable_admin}))
ASSOC_FAMILY = declare(Family(ASSOC, view=assoc_view, filters=ASSOC_FILTERS, actions={
    "AssociateIpamResourceDiscovery": Action(associate, state="associate-in-progress"),
    "DisassociateIpamResourceDiscovery": disassociate}))
