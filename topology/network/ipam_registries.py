"""IPAM internet registry associations: an IPAM's link to a Regional Internet Registry (RIR)
for RPKI, and the routing policy registrations (ROAs) it publishes there.

An `ipam-internet-registry-association` node goes with its IPAM (an ASSOCIATED edge to it)
and holds `IpamId`, `Rir`, `OrganizationHandle`, `Description`, `State`, `ChildRequestXml`
(what the customer uploads to the RIR to delegate RPKI), the BPKI details Enable gives
(`rpki`), `registrations` (CIDR -> the registration) and `deltas` (the changes published,
oldest first). Both internal fields are replaced whole, so undo is a field restore.

The life AWS describes: created `pending-enable` (answered `create-in-progress`); enabled
with the RIR's parent response (`enable-in-progress`, then `enable-complete`); only then
may it publish ROAs. Each create, modify or delete of a registration is a delta, answered
`pending` and published at once; a ROA is one (prefix, ASN, max length) of a registration.
The ASNs and CIDRs the registry knows for the handle are the account's BYOASNs and BYOIP
ranges (`GetIpamInternetRegistryAssociationAsns/Cidrs`), observed now.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from netaddr import IPNetwork

from ..core import clock
from ..core import filters as filtering
from ..core import schema
from ..core import tags as tagging
from ..core.errors import IncorrectState, InvalidParameterValue
from ..core.family import Family, declare, removed
from ..core.filters import Filter, field, ident
from ..core.world import Partition, World
from . import byoasn, byoip
from . import ipam_discoveries as discoveries
from .ipam_tokens import ipam_fields
from .prefix_lists import page_rows

KIND = "ipam-internet-registry-association"
ENABLED = "enable-complete"


# -- the association --------------------------------------------------------------------------
def create(world: World, part: Partition, ipam_id: str, rir: str, organization_handle: str,
           description: str | None = None, *, tags: dict[str, str] | None = None) -> str:
    """CreateIpamInternetRegistryAssociation (an IPAM of the advanced tier)."""
    ipam = world.get(part, "ipam", ipam_id)
    if ipam.get("Tier") == "free":
        raise IncorrectState("RPKI management requires an IPAM in the advanced tier.",
                             "UnsupportedOperation")
    if not organization_handle.strip():
        raise InvalidParameterValue("Value () for parameter organizationHandle is invalid.")
    rid = world.new_id("ipam-ira")
    child = (f'<child_request xmlns="http://www.hactrn.net/uris/rpki/rpki-setup/" '
             f'version="1" child_handle="{part.account}-{rid}"><child_bpki_ta>'
             f'{world.rng.getrandbits(256):064x}</child_bpki_ta></child_request>')
    fields: dict[str, Any] = {"IpamId": ipam_id, "Rir": rir,
                              "OrganizationHandle": organization_handle,
                              "State": "pending-enable", "ChildRequestXml": child,
                              "registrations": {}, "deltas": ()}
    if description is not None:
        fields["Description"] = description
    world.add(part, KIND, rid, **fields)
    world.link(rid, ipam_id, schema.ASSOCIATED)
    tagging.apply(world, rid, tags or {})
    return rid


def enable(world: World, part: Partition, ipam_internet_registry_association_id: str,
           rpki_version: str, service_uri: str, child_handle: str, parent_handle: str,
           parent_bpki_ta: str) -> dict[str, Any]:
    """EnableIpamInternetRegistryAssociation: RPKI on, from the RIR's parent response."""
    rid = ipam_internet_registry_association_id
    node = world.get(part, KIND, rid)
    if node["State"] != "pending-enable":
        raise IncorrectState(f"The internet registry association {rid} is {node['State']} "
                             "and cannot be enabled.", "IncorrectState")
    if not service_uri.startswith(("https://", "rsync://")):
        raise InvalidParameterValue(f"Value ({service_uri}) for parameter serviceUri is "
                                    "invalid. Expecting an https:// or rsync:// URI.")
    if "BEGIN CERTIFICATE" not in parent_bpki_ta:
        raise InvalidParameterValue("Value for parameter parentBpkiTa is invalid. Expecting a "
                                    "PEM certificate.")
    world.update(rid, State=ENABLED, rpki={"RpkiVersion": rpki_version,
                                           "ServiceUri": service_uri,
                                           "ChildHandle": child_handle,
                                           "ParentHandle": parent_handle})
    return {**view(world, rid), "State": "enable-in-progress"}


def delete(world: World, part: Partition, rid: str) -> dict[str, Any]:
    """DeleteIpamInternetRegistryAssociation: its ROAs are withdrawn with it."""
    world.get(part, KIND, rid)
    return removed(world, rid, view, "delete-in-progress")


def view(world: World, rid: str) -> dict[str, Any]:
    """The association as boto3's `IpamInternetRegistryAssociation`."""
    node = world.graph.nodes[rid]
    fields = ipam_fields(world, node["IpamId"])
    out: dict[str, Any] = {
        "OwnerId": node["account"], "IpamInternetRegistryAssociationId": rid,
        "IpamInternetRegistryAssociationArn": discoveries.arn(node, KIND, rid),
        "IpamId": fields["IpamId"], "IpamRegion": fields["IpamRegion"], "Rir": node["Rir"],
        "OrganizationHandle": node["OrganizationHandle"]}
    if "Description" in node:
        out["Description"] = node["Description"]
    out.update(State=node["State"], ChildRequestXml=node["ChildRequestXml"],
               Tags=tagging.listed(node["tags"]))
    return out


def created_view(world: World, rid: str) -> dict[str, Any]:
    return {**view(world, rid), "State": "create-in-progress"}


FILTERS: dict[str, Filter] = {
    "ipam-internet-registry-association-id": ident(),
    "ipam-id": field("IpamId"), "rir": field("Rir"),
    "organization-handle": field("OrganizationHandle"), "state": field("State"),
}


# -- routing policy registrations (ROAs) ------------------------------------------------------
def _enabled(world: World, part: Partition, rid: str) -> dict[str, Any]:
    node = world.get(part, KIND, rid)
    if node["State"] != ENABLED:
        raise IncorrectState(f"The internet registry association {rid} is not enabled. "
                             "Enable it before you publish ROAs.", "IncorrectState")
    return node


def _registration(cidr: str, asns: list[str], permit: bool | None, max_length: int | None,
                  description: str | None) -> dict[str, Any]:
    """A registration, checked: a public CIDR, public ASNs, a max length the prefix allows."""
    net = byoip.parse_cidr(cidr)
    if not net.ip.is_global():
        raise InvalidParameterValue(f"The CIDR {net} is not public address space.")
    if not asns:
        raise InvalidParameterValue("Value for parameter asns is invalid. Specify at least "
                                    "one ASN.")
    top = 32 if net.version == 4 else 128
    length = net.prefixlen if max_length is None else max_length
    if not net.prefixlen <= length <= top:
        raise InvalidParameterValue(
            f"Value ({max_length}) for parameter maxLength is invalid. Expecting a value from "
            f"{net.prefixlen} to {top}.")
    out = {"Cidr": str(net), "Asns": [byoasn.check_asn(a) for a in dict.fromkeys(asns)],
           "PermitMoreSpecificAnnouncements": bool(permit), "MaxLength": length}
    if description is not None:
        out["Description"] = description
    return out


def _publish(world: World, rid: str, changes: list[tuple[str, dict[str, Any]]]
             ) -> dict[str, Any]:
    """Apply (action, registration) changes as one delta; answered `pending`."""
    node = world.graph.nodes[rid]
    registrations = dict(node["registrations"])
    delta_id = f"delta-{world.rng.getrandbits(68):017x}"
    for action, reg in changes:
        present = reg["Cidr"] in registrations
        if action == "create" and present or action != "create" and not present:
            raise InvalidParameterValue(
                f"The CIDR {reg['Cidr']} {'already has' if present else 'has no'} routing "
                "policy registration.")
        if action == "delete":
            del registrations[reg["Cidr"]]
        else:
            registrations[reg["Cidr"]] = {**reg, "LatestDeltaId": delta_id}
    delta_json = json.dumps([{"Action": a, **r} for a, r in changes], separators=(",", ":"))
    delta = {"DeltaId": delta_id, "DeltaJson": delta_json, "State": "published",
             "at": clock.now()}
    world.update(rid, registrations=registrations, deltas=(*node["deltas"], delta))
    return {"DeltaId": delta_id, "DeltaJson": delta_json, "State": "pending"}


def _registering(action: str, doc: str) -> Callable[..., dict[str, Any]]:
    """Create/ModifyIpamRoutingPolicyRegistration: the same request, published as `action`."""
    def register(world: World, part: Partition, ipam_internet_registry_association_id: str,
                 cidr: str, asns: list[str],
                 permit_more_specific_announcements: bool | None = None,
                 max_length: int | None = None, description: str | None = None,
                 force: bool | None = None) -> dict[str, Any]:
        rid = ipam_internet_registry_association_id
        _enabled(world, part, rid)
        reg = _registration(cidr, asns, permit_more_specific_announcements, max_length,
                            description)
        return _publish(world, rid, [(action, reg)])
    register.__doc__ = doc
    return register


create_registration = _registering("create", "CreateIpamRoutingPolicyRegistration.")
modify_registration = _registering("update", "ModifyIpamRoutingPolicyRegistration.")


def delete_registration(world: World, part: Partition,
                        ipam_internet_registry_association_id: str, cidr: str,
                        force: bool | None = None) -> dict[str, Any]:
    """DeleteIpamRoutingPolicyRegistration."""
    rid = ipam_internet_registry_association_id
    _enabled(world, part, rid)
    return _publish(world, rid, [("delete", {"Cidr": str(byoip.parse_cidr(cidr))})])


def batch_modify(world: World, part: Partition, ipam_internet_registry_association_id: str,
                 delta_json: str, force: bool | None = None) -> dict[str, Any]:
    """BatchModifyIpamRoutingPolicyRegistrations: a JSON list of
    `{"Action": "create"|"update"|"delete", "Cidr", "Asns", "MaxLength", ...}` (the shape a
    delta's `DeltaJson` has), applied as one delta."""
    rid = ipam_internet_registry_association_id
    _enabled(world, part, rid)
    try:
        items = json.loads(delta_json)
    except ValueError:
        items = None
    if not isinstance(items, list) or not items or not all(isinstance(i, dict) for i in items):
        raise InvalidParameterValue("Value for parameter deltaJson is invalid. Expecting a "
                                    "JSON list of changes.")
    changes: list[tuple[str, dict[str, Any]]] = []
    for item in items:
        action = item.get("Action")
        if action not in ("create", "update", "delete") or not isinstance(item.get("Cidr"),
                                                                          str):
            raise InvalidParameterValue(f"Value for parameter deltaJson is invalid: {item}.")
        if action == "delete":
            changes.append((action, {"Cidr": str(byoip.parse_cidr(item["Cidr"]))}))
        else:
            changes.append((action, _registration(
                item["Cidr"], [str(a) for a in item.get("Asns") or []],
                item.get("PermitMoreSpecificAnnouncements"), item.get("MaxLength"),
                item.get("Description"))))
    return _publish(world, rid, changes)


def _page(rows: list[Any], max_results: int | None, next_token: str | None,
          out: str) -> dict[str, Any]:
    chosen, token = page_rows(rows, max_results, next_token)
    return {out: chosen, "NextToken": token}


def _matching(node: dict[str, Any], cidr: str | None) -> list[dict[str, Any]]:
    regs = list(node["registrations"].values())
    if cidr is None:
        return regs
    wanted = str(byoip.parse_cidr(cidr))
    return [r for r in regs if r["Cidr"] == wanted]


def registrations(world: World, part: Partition, ipam_internet_registry_association_id: str,
                  cidr: str | None = None, max_results: int | None = None,
                  next_token: str | None = None) -> dict[str, Any]:
    """GetIpamRoutingPolicyRegistrations."""
    node = world.get(part, KIND, ipam_internet_registry_association_id)
    rows = [{**r, "State": "create-complete"} for r in _matching(node, cidr)]
    return _page(rows, max_results, next_token, "IpamRoutingPolicyRegistrations")


def route_origin_authorizations(world: World, part: Partition,
                                ipam_internet_registry_association_id: str,
                                cidr: str | None = None, max_results: int | None = None,
                                next_token: str | None = None) -> dict[str, Any]:
    """GetIpamRouteOriginAuthorizations: one ROA per (prefix, ASN) registered."""
    node = world.get(part, KIND, ipam_internet_registry_association_id)
    rows = [{"Cidr": r["Cidr"], "Asn": asn, "MaxLength": r["MaxLength"]}
            for r in _matching(node, cidr) for asn in r["Asns"]]
    return _page(rows, max_results, next_token, "IpamRouteOriginAuthorizations")


def deltas(world: World, part: Partition, ipam_internet_registry_association_id: str,
           delta_id: str | None = None, start_time: dt.datetime | None = None,
           end_time: dt.datetime | None = None, chronological_order: str | None = None,
           max_results: int | None = None, next_token: str | None = None) -> dict[str, Any]:
    """GetIpamRoutingPolicyRegistrationDeltas, oldest first unless `reverse`."""
    node = world.get(part, KIND, ipam_internet_registry_association_id)
    rows = [d for d in node["deltas"] if (delta_id is None or d["DeltaId"] == delta_id)
            and (start_time is None or d["at"] >= start_time)
            and (end_time is None or d["at"] <= end_time)]
    if chronological_order == "reverse":
        rows.reverse()
    shown = [{k: v for k, v in d.items() if k != "at"} for d in rows]
    return _page(shown, max_results, next_token, "IpamRoutingPolicyRegistrationDeltas")


def roas(world: World, account: str) -> list[dict[str, Any]]:
    """Every ROA published by the account's enabled associations (route protection reads
    them)."""
    found = []
    for part in world.partitions():
        if part.account != account:
            continue
        for rid in part.ids(KIND):
            node = world.graph.nodes[rid]
            if node["State"] == ENABLED:
                found += [{"Prefix": r["Cidr"], "Asn": a, "MaxLength": r["MaxLength"]}
                          for r in node["registrations"].values() for a in r["Asns"]]
    return found


# -- what the registry knows of the handle ----------------------------------------------------
ROW_FILTERS: dict[str, Filter] = {"asn": field("Asn"), "cidr": field("Cidr")}


def registry_asns(world: World, part: Partition, ipam_internet_registry_association_id: str,
                  max_results: int | None = None, next_token: str | None = None,
                  filters: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """GetIpamInternetRegistryAssociationAsns: the account's BYOASNs, observed now."""
    world.get(part, KIND, ipam_internet_registry_association_id)
    now = clock.now()
    rows = [{"Asn": world.graph.nodes[a]["Asn"], "LastObservedAt": now}
            for p in world.partitions() if p.account == part.account
            for a in p.ids(byoasn.KIND)]
    rows = filters_rows(rows, filters)
    return _page(rows, max_results, next_token, "IpamInternetRegistryAssociationAsns")


def registry_cidrs(world: World, part: Partition, ipam_internet_registry_association_id: str,
                   max_results: int | None = None, next_token: str | None = None,
                   filters: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """GetIpamInternetRegistryAssociationCidrs: the account's BYOIP ranges, observed now."""
    world.get(part, KIND, ipam_internet_registry_association_id)
    now = clock.now()
    rows = [{"Cidr": world.graph.nodes[r]["Cidr"], "LastObservedAt": now}
            for p in world.partitions() if p.account == part.account
            for r in p.ids(byoip.KIND)]
    rows = filters_rows(rows, filters)
    return _page(rows, max_results, next_token, "IpamInternetRegistryAssociationCidrs")


def filters_rows(rows: list[dict[str, Any]], specs: list[dict[str, Any]] | None
                 ) -> list[dict[str, Any]]:
    return filtering.select_rows(ROW_FILTERS, specs, rows, taggable=False) if specs else rows


def covers(roa: dict[str, Any], net: IPNetwork) -> bool:
    return net in IPNetwork(roa["Prefix"])


FAMILY = declare(Family(KIND, view=view, filters=FILTERS, create=create, delete=delete,
                        created_view=created_view, actions={
    "EnableIpamInternetRegistryAssociation": enable,
    "CreateIpamRoutingPolicyRegistration": create_registration,
    "ModifyIpamRoutingPolicyRegistration": modify_registration,
    "DeleteIpamRoutingPolicyRegistration": delete_registration,
    "BatchModifyIpamRoutingPolicyRegistrations": batch_modify,
    "GetIpamRoutingPolicyRegistrations": registrations,
    "GetIpamRouteOriginAuthorizations": route_origin_authorizations,
    "GetIpamRoutingPolicyRegistrationDeltas": deltas,
    "GetIpamInternetRegistryAssociationAsns": registry_asns,
    "GetIpamInternetRegistryAssociationCidrs": registry_cidrs}))
