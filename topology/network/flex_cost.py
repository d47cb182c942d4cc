"""Networking Flexible Cost Allocation (FCA): policies that allocate a shared network
resource's charges, and their associations with resources.

An `fca-policy` node (`fcap-`) holds its network resource type (`natgw`, `pcx`, `ec2`), its
`versions` (each: the policy document of that type, showback, description, times) and its
description. An `fca-policy-association` node (`fcapassoc-`) is ASSOCIATED with its policy
and names the resource (`direct`) or scope (`scope`: an account, VPC or subnet) in
`NetworkResourceId`.

AWS's rules kept here (the model's documentation): the document matches the resource type
and only it is given; one reporting granularity (`peering-id` for `pcx` only); dimensions
`data-transfer` (and `data-processing` for NAT gateways); CIDR range specifications exactly
when the granularity is `cidr`; labels of letters, digits, `-` and `_`; 100 policies per
account and region, 100 versions per policy, 100 active associations per policy, 20
resources per request, one active association per resource across all policies. Batch
operations answer per-item failures (`ResourceNotFound`, `InvalidResourceState`,
`InvalidResource`, `ResourceAlreadyAssociated`) rather than failing the request. A policy
version takes effect at the start of the next hour (`ExpectedEffectiveAt`).
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ..core import addressing, clock, lookups, schema
from ..core import tags as tagging
from ..core.errors import (InvalidParameterCombination, InvalidParameterValue, LimitExceeded,
                           MissingParameter)
from ..core.filters import Filter, field, ident
from ..core.world import Partition, World, is_id_of

POLICY, ASSOC = "fca-policy", "fca-policy-association"
DOCUMENTS = {"natgw": "NatFcaPolicyDocument", "ec2": "InstanceFcaPolicyDocument",
             "pcx": "PcxFcaPolicyDocument"}
# resource type -> the graph kind (and id prefix) a direct association names
RESOURCE_KINDS = {"natgw": ("nat-gateway", "nat"), "ec2": ("instance", "i"),
                  "pcx": ("vpc-peering-connection", "pcx")}
DIMENSIONS = {"natgw": ("data-transfer", "data-processing"), "ec2": ("data-transfer",),
              "pcx": ("data-transfer",)}
MAX_POLICIES = MAX_VERSIONS = MAX_ASSOCIATIONS = 100
MAX_RESOURCES = 20
MAX_DESCRIPTION = 1024
_LABEL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
_ACCOUNT = re.compile(r"^\d{12}$")


def _effective(now: dt.datetime) -> dt.datetime:
    return now.replace(minute=0, second=0) + dt.timedelta(hours=1)


arn = lookups.ec2_arn


# -- documents --------------------------------------------------------------------------------
def _document(resource_type: str, params: dict[str, Any], *, required: bool
              ) -> dict[str, Any] | None:
    """The checked document of the policy's type (and no other type's)."""
    member = DOCUMENTS[resource_type]
    others = [m for m in DOCUMENTS.values() if m != member and params.get(m) is not None]
    if others:
        raise InvalidParameterCombination(f"{others[0]} cannot be specified for network "
                                          f"resource type {resource_type}; use {member}.")
    document = params.get(member)
    if document is None:
        if required:
            raise MissingParameter(f"The request must contain the parameter {member}")
        return None
    granularity = document["ReportingGranularity"]
    if len(granularity) != 1:
        raise InvalidParameterValue(f"{member}.ReportingGranularity must name exactly one "
                                    "value.")
    if granularity[0] == "peering-id" and resource_type != "pcx":
        raise InvalidParameterValue(f"Value (peering-id) for parameter {member}."
                                    "ReportingGranularity is invalid for network resource "
                                    f"type {resource_type}.")
    for dimension in document["Dimensions"]:
        if dimension not in DIMENSIONS[resource_type]:
            raise InvalidParameterValue(f"Value ({dimension}) for parameter {member}.Dimensions "
                                        f"is invalid for network resource type "
                                        f"{resource_type}.")
    if len(set(document["Dimensions"])) != len(document["Dimensions"]):
        raise InvalidParameterValue(f"{member}.Dimensions names a dimension twice.")
    cidrs = document.get("CidrRangeSpecifications")
    if (granularity[0] == "cidr") != (cidrs is not None):
        raise InvalidParameterCombination(
            f"{member}.CidrRangeSpecifications is required when ReportingGranularity is cidr, "
            "and not accepted otherwise.")
    out = {"ReportingGranularity": list(granularity), "Dimensions": list(document["Dimensions"])}
    if cidrs is not None:
        out["CidrRangeSpecifications"] = _cidr_ranges(cidrs, member)
    return {member: out}


def _cidr_ranges(spec: dict[str, Any], member: str) -> dict[str, Any]:
    if spec["PrefixesType"] not in ("source-prefixes", "destination-prefixes"):
        raise InvalidParameterValue(f"Value ({spec['PrefixesType']}) for parameter {member}."
                                    "CidrRangeSpecifications.PrefixesType is invalid. Valid "
                                    "values: source-prefixes | destination-prefixes")
    prefixes = []
    for mapping in spec["Prefixes"]:
        net = addressing.parse_any(mapping["CidrRange"], param=f"{member}."
                                   "CidrRangeSpecifications.Prefixes.CidrRange")
        if not _LABEL.match(mapping["CidrLabel"]):
            raise InvalidParameterValue(
                f"Value ({mapping['CidrLabel']}) for parameter CidrLabel is invalid. It can "
                "contain letters, numbers, hyphens and underscores, and must start with a "
                "letter or a number.")
        prefixes.append({"CidrRange": str(net), "CidrLabel": mapping["CidrLabel"]})
    return {"PrefixesType": spec["PrefixesType"], "Prefixes": prefixes}


def _description(text: str | None) -> str | None:
    if text is not None and len(text) > MAX_DESCRIPTION:
        raise InvalidParameterValue(f"The description can be up to {MAX_DESCRIPTION} "
                                    "characters long.")
    return text


# -- policies ---------------------------------------------------------------------------------
def create(world: World, part: Partition, params: dict[str, Any], *,
           tags: dict[str, str] | None = None) -> dict[str, Any]:
    """A policy and its first version."""
    resource_type = params["NetworkResourceType"]
    document = _document(resource_type, params, required=True)
    description = _description(params.get("Description"))
    if len(world.ids(part, POLICY)) >= MAX_POLICIES:
        raise LimitExceeded(f"You can have up to {MAX_POLICIES} flex cost allocation policies "
                            "per Region.", "PolicyLimitExceeded")
    now = clock.now()
    version = {"Version": 1, **(document or {}),
               "ShowBackEnabled": params.get("ShowBackEnabled", True),
               "CreatedAt": now, "ExpectedEffectiveAt": _effective(now)}
    if description is not None:
        version["Description"] = description
    fcap = world.new_id("fcap")
    world.add(part, POLICY, fcap, NetworkResourceType=resource_type, versions=[version],
              Description=description, PolicyCreatedAt=now, UpdatedAt=now)
    tagging.apply(world, fcap, tags or {})
    return {"FcaPolicyId": fcap, "FcaPolicyArn": arn(world, fcap), "CreatedAt": now,
            "ExpectedEffectiveAt": version["ExpectedEffectiveAt"]}


def modify(world: World, part: Partition, params: dict[str, Any]) -> dict[str, Any]:
    """A new version for a changed document or showback; a description alone makes none."""
    fcap = params["FcaPolicyId"]
    node = world.get(part, POLICY, fcap)
    document = _document(node["NetworkResourceType"], params, required=False)
    description = _description(params.get("Description"))
    showback = params.get("ShowBackEnabled")
    if document is None and showback is None and description is None:
        raise MissingParameter("The request must change the policy document, ShowBackEnabled "
                               "or Description.")
    now = clock.now()
    versions = list(node["versions"])
    latest = versions[-1]
    if document is not None or showback is not None:
        if len(versions) >= MAX_VERSIONS:
            raise LimitExceeded(f"The policy {fcap} has reached {MAX_VERSIONS} versions.",
                                "PolicyVersionLimitExceeded")
        latest = {**latest, **(document or {}), "Version": latest["Version"] + 1,
                  "CreatedAt": now, "ExpectedEffectiveAt": _effective(now)}
        if showback is not None:
            latest["ShowBackEnabled"] = showback
        versions.append(latest)
    if description is not None:
        latest["Description"] = description
        versions[-1] = latest
    world.update(fcap, versions=versions, UpdatedAt=now,
                 Description=description if description is not None else node["Description"])
    return {"FcaPolicyId": fcap, "UpdatedAt": now, "Version": latest["Version"],
            "VersionExpectedEffectiveAt": latest["ExpectedEffectiveAt"]}


def _failure(rid: str, code: str, reason: str) -> dict[str, str]:
    return {"ResourceId": rid, "FailureCode": code, "FailureReason": reason}


def _owned(world: World, part: Partition, kind: str, rid: str) -> bool:
    node = world.node(rid)
    return (node is not None and node["kind"] == kind and node["account"] == part.account
            and node["region"] == part.region)


def delete(world: World, part: Partition, fca_policy_ids: list[str]) -> dict[str, Any]:
    """Delete each policy without active associations; the rest are failures."""
    done, failed = [], []
    for fcap in dict.fromkeys(fca_policy_ids):
        if not _owned(world, part, POLICY, fcap):
            failed.append(_failure(fcap, "ResourceNotFound", f"The policy {fcap} does not "
                                   "exist or isn't owned by your account."))
        elif associations_of(world, fcap):
            failed.append(_failure(fcap, "InvalidResourceState", f"The policy {fcap} has "
                                   "active associations."))
        else:
            world.remove(fcap)
            done.append(fcap)
    return {"Successful": done, "Failed": failed}


def versions(world: World, part: Partition, fca_policy_id: str,
             versions_to_include: list[int] | None = None) -> list[dict[str, Any]]:
    node = world.get(part, POLICY, fca_policy_id)
    wanted = set(versions_to_include or [])
    return [{"FcaPolicyId": fca_policy_id, "NetworkResourceType": node["NetworkResourceType"],
             **{k: v for k, v in version.items()}}
            for version in node["versions"] if not wanted or version["Version"] in wanted]


def view(world: World, fcap: str) -> dict[str, Any]:
    node = world.graph.nodes[fcap]
    latest = node["versions"][-1]
    member = DOCUMENTS[node["NetworkResourceType"]]
    out: dict[str, Any] = {"FcaPolicyId": fcap, "FcaPolicyArn": arn(world, fcap),
                           "NetworkResourceType": node["NetworkResourceType"],
                           member: latest[member], "ShowBackEnabled": latest["ShowBackEnabled"],
                           "OwnerAccount": node["account"]}
    if node.get("Description") is not None:
        out["Description"] = node["Description"]
    out.update({"LatestVersion": latest["Version"],
                "VersionExpectedEffectiveAt": latest["ExpectedEffectiveAt"],
                "PolicyCreatedAt": node["PolicyCreatedAt"], "UpdatedAt": node["UpdatedAt"],
                "ManagedBy": "account"})
    if node["tags"]:
        out["Tags"] = tagging.listed(node["tags"])
    return out


# -- associations -----------------------------------------------------------------------------
def associations_of(world: World, fcap: str) -> list[str]:
    return [a for a, _, _ in world.into(fcap, schema.ASSOCIATED, ASSOC)]


def _associated(world: World, part: Partition) -> set[str]:
    return {world.graph.nodes[a]["NetworkResourceId"] for a in world.ids(part, ASSOC)}


def _targets(world: World, part: Partition, resource_type: str, params: dict[str, Any]
             ) -> tuple[list[tuple[str, str]], list[dict[str, str]]]:
    """The (resource id, mode) pairs to associate, and the ids that cannot be."""
    ids = list(dict.fromkeys(params.get("NetworkResourceIds") or []))
    scope = params.get("NetworkResourceScope")
    if not ids and scope is None:
        raise MissingParameter("You must specify NetworkResourceIds, NetworkResourceScope, or "
                               "both.")
    scoped = list(dict.fromkeys(scope["ResourceIds"])) if scope else []
    if len(ids) + len(scoped) > MAX_RESOURCES:
        raise InvalidParameterValue(f"A request can include at most {MAX_RESOURCES} distinct "
                                    "resources.")
    kind, prefix = RESOURCE_KINDS[resource_type]
    good, failed = [], []
    for rid in ids:
        if is_id_of(prefix, rid) and _owned(world, part, kind, rid):
            good.append((rid, "direct"))
        else:
            failed.append(_failure(rid, "InvalidResource", f"The resource {rid} is not a "
                                   f"{kind} of your account."))
    for rid in scoped:
        scope_kind = scope["ResourceType"]
        ok = (rid == part.account if scope_kind == "account"
              else _owned(world, part, scope_kind, rid))
        if ok:
            good.append((rid, "scope"))
        else:
            failed.append(_failure(rid, "InvalidResource", f"The scope {rid} is not a "
                                   f"{scope_kind} of your account."))
    return good, failed


def associate(world: World, part: Partition, params: dict[str, Any]) -> dict[str, Any]:
    fcap = params["FcaPolicyId"]
    node = world.get(part, POLICY, fcap)
    good, failed = _targets(world, part, node["NetworkResourceType"], params)
    taken = _associated(world, part)
    count = len(associations_of(world, fcap))
    made = []
    now = clock.now()
    for rid, mode in good:
        if rid in taken:
            failed.append(_failure(rid, "ResourceAlreadyAssociated", f"The resource {rid} "
                                   "already has an active association."))
            continue
        if count >= MAX_ASSOCIATIONS:
            raise LimitExceeded(f"The policy {fcap} has {MAX_ASSOCIATIONS} active "
                                "associations.", "AssociationLimitExceeded")
        assoc = world.new_id("fcapassoc")
        world.add(part, ASSOC, assoc, NetworkResourceId=rid, AssociationMode=mode,
                  AssociatedAt=now, ExpectedEffectiveAt=_effective(now))
        world.link(assoc, fcap, schema.ASSOCIATED)
        taken.add(rid)
        count += 1
        made.append(association_view(world, assoc))
    return {"FcaPolicyAssociations": made, "FcaPolicyAssociationFailures": failed}


def disassociate(world: World, part: Partition, fca_policy_association_ids: list[str]
                 ) -> dict[str, Any]:
    done, failed = [], []
    for assoc in dict.fromkeys(fca_policy_association_ids):
        if _owned(world, part, ASSOC, assoc):
            world.remove(assoc)
            done.append(assoc)
        else:
            failed.append(_failure(assoc, "InvalidResource", f"The association {assoc} does "
                                   "not exist or was already removed."))
    return {"FcaPolicyDisassociations": done, "FcaPolicyDisassociationFailures": failed}


def policy_of(world: World, assoc: str) -> str:
    return world.out(assoc, schema.ASSOCIATED, POLICY)[0][0]


def association_view(world: World, assoc: str) -> dict[str, Any]:
    node = world.graph.nodes[assoc]
    return {"FcaPolicyAssociationId": assoc, "FcaPolicyId": policy_of(world, assoc),
            "NetworkResourceId": node["NetworkResourceId"], "OwnerAccount": node["account"],
            "AssociatedAt": node["AssociatedAt"],
            "ExpectedEffectiveAt": node["ExpectedEffectiveAt"],
            "AssociationMode": node["AssociationMode"], "ManagedBy": "account"}


POLICY_FILTERS: dict[str, Filter] = {
    "fca-policy-id": ident(),
    "managed-by": Filter(lambda w, rid, n: "account"),
    "network-resource-type": field("NetworkResourceType"),
    "showback-enabled": Filter(lambda w, rid, n: n["versions"][-1]["ShowBackEnabled"]),
}
ASSOCIATION_FILTERS: dict[str, Filter] = {
    "fca-policy-id": Filter(lambda w, rid, n: policy_of(w, rid)),
    "managed-by": Filter(lambda w, rid, n: "account"),
    "resource-id": field("NetworkResourceId"),
}

from ..core.family import Family, declare  # noqa: E402  (kept beside the declaration)

# its describes have handlers (api/handlers/flex_cost.py): AWS's operation names are plural
FAMILY = declare(Family(
    POLICY, view=view, filters=POLICY_FILTERS, noun="NetworkingFlexCostAllocationPolicy",
    actions={"CreateNetworkingFlexCostAllocationPolicy": create,
             "ModifyNetworkingFlexCostAllocationPolicy": modify,
             "DeleteNetworkingFlexCostAllocationPolicies": delete,
             "GetNetworkingFlexCostAllocationPolicyVersions": versions,
             "AssociateNetworkingFlexCostAllocationPolicy": associate,
             "DisassociateNetworkingFlexCostAllocationPolicy": disassociate}))
