"""Reachability Analyzer's resources: network insights paths and their analyses.

A path (`network-insights-path`, `nip-…`) names a source, a destination (a resource, or an
address given by `FilterAtSource.DestinationAddress`), a protocol and optional addresses,
port and filters; an analysis (`network-insights-analysis`, `nia-…`) is one run of the
reachability engine over a path, kept with its result. An analysis ASSOCIATED-links to its
path, so a path with analyses is found from the index and cannot be deleted
(`AnalysisExistsForNetworkInsightsPath`, as terraform's AWS provider knows it).

The path's source and destination are kept as ids (and ARNs) in fields, not edges: AWS keeps
a path whose endpoints were deleted since (its analyses then fail), so the ids must outlive
the resources.

This module stores and validates; it never runs the engine (`topology` does not import
`routing`): the API layer runs `routing.reachability` and hands the result to `complete`.

AWS's rules kept here: the source and destination are instances, network interfaces,
internet gateways, transit gateways and their attachments, VPC endpoints and endpoint
services, VPC peering connections or VPN gateways, given by id (this account) or ARN;
without a `Destination` the path needs `FilterAtSource.DestinationAddress`;
`FilterAtSource` excludes `SourceIp` and `DestinationPort`, `FilterAtDestination` excludes
`DestinationIp`. Addresses may be IPv6 too (an extension: AWS's model declares IPv4 only;
docs/compatibility.md), which makes the analysis an IPv6 one.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from typing import Any

from netaddr import AddrFormatError, IPAddress

from ..core import lookups, schema
from ..core import tags as tagging
from ..core.errors import (InvalidParameterCombination, InvalidParameterValue, MissingParameter,
                           TopologyError)
from ..core.family import Family, declare
from ..core.filters import Filter, ident
from ..core.world import Partition, World, is_id_of, not_found

PATH, ANALYSIS = "network-insights-path", "network-insights-analysis"
# what Reachability Analyzer takes as a source or destination
ENDPOINT_KINDS = ("instance", "network-interface", "internet-gateway", "transit-gateway",
                  "transit-gateway-attachment", "vpc-endpoint", "vpc-endpoint-service",
                  "vpc-peering-connection", "vpn-gateway",
                  "client-vpn-endpoint",        # a source only (routing.client_vpn)
                  "instance-connect-endpoint")  # a source only: its interface sends
ARN = re.compile(r"^arn:aws[\w-]*:ec2:([a-z0-9-]*):(\d{12}|):([a-z-]+)/([\w-]+)$")
RESULT_FIELDS = ("NetworkPathFound", "ForwardPathComponents", "ReturnPathComponents",
                 "Explanations", "AlternatePathHints", "SuggestedAccounts")


def now() -> dt.datetime:
    """The current time at AWS's millisecond precision."""
    stamp = dt.datetime.now(dt.timezone.utc)
    return stamp.replace(microsecond=stamp.microsecond // 1000 * 1000)


arn_of = lookups.ec2_arn     # the ARN of a graph node: arn:aws:ec2:<region>:<account>:<kind>/<id>


# -- resolving a resource named by id or ARN ---------------------------------------------------
def resolve(world: World, part: Partition, ref: str, *, member: str,
            kinds: Iterable[str] = ENDPOINT_KINDS) -> str:
    """The id of the live resource `ref` names (an id in `part`, or an ARN in any account of
    the region), which must be of one of `kinds`.

    Raises the kind's `NotFound`/`Malformed` for an unknown id and `InvalidParameterValue`
    for a reference of no supported type (`member` names the parameter in the message).
    """
    kinds = tuple(kinds)
    match = ARN.match(ref)
    if match is None:
        kind = _kind_of_id(ref)
        if kind not in kinds:
            raise _unsupported(ref, member)
        world.get(part, kind, ref)
        return ref
    region, account, kind, rid = match.groups()
    if kind not in kinds or not is_id_of(schema.KINDS[kind].prefix, rid):
        raise _unsupported(ref, member)
    node = world.find(kind, rid)
    if node["region"] != part.region or (region and region != part.region) \
            or (account and node["account"] != account):
        raise not_found(kind, rid)
    return rid


def _kind_of_id(ref: str) -> str | None:
    kind = schema.KIND_BY_PREFIX.get(ref.rpartition("-")[0])
    return kind.name if kind is not None else None


def _unsupported(ref: str, member: str) -> InvalidParameterValue:
    return InvalidParameterValue(
        f"Value ({ref}) for parameter {member} is invalid. The resource is not a supported "
        "source or destination type.")


def check_ip(value: str | None, member: str) -> str | None:
    """An IPv4 address as AWS takes it (`IpAddress`), or an IPv6 one (canonical), else
    `InvalidParameterValue`."""
    if value is None:
        return None
    try:
        address = IPAddress(value, flags=0)
    except (AddrFormatError, ValueError, TypeError):
        address = None
    if address is None or (address.version == 4 and value.count(".") != 3) \
            or (address.version == 6 and ":" not in value):
        raise InvalidParameterValue(
            f"Value ({value}) for parameter {member} is invalid. The value is not a valid IPv4 "
            "address.")
    return str(address)


# -- paths ---------------------------------------------------------------------------------
def _check_filter(flt: dict[str, Any] | None, member: str) -> dict[str, Any] | None:
    """A PathRequestFilter validated and stored in the response's shape (`PathFilter`)."""
    if not flt:
        return None
    out: dict[str, Any] = {}
    for key in ("SourceAddress", "DestinationAddress"):
        if flt.get(key) is not None:
            out[key] = check_ip(flt[key], f"{member}.{key}")
    for key in ("SourcePortRange", "DestinationPortRange"):
        span = flt.get(key)
        if not span:
            continue
        low, high = span.get("FromPort"), span.get("ToPort")
        low = high if low is None else low
        high = low if high is None else high
        if low is not None and high is not None and low > high:
            raise InvalidParameterValue(
                f"The {member}.{key} is invalid: FromPort {low} is greater than ToPort {high}.")
        out[key] = {k: v for k, v in (("FromPort", low), ("ToPort", high)) if v is not None}
    return out or None


def _check_families(addresses: list[str | None]) -> None:
    """A path's addresses are all IPv4 or all IPv6."""
    if len({IPAddress(a).version for a in addresses if a}) > 1:
        raise InvalidParameterCombination(
            "The addresses of a path must all be IPv4 addresses or all IPv6 addresses.")


def create_path(world: World, part: Partition, params: dict[str, Any], *,
                tags: dict[str, str] | None = None) -> str:
    """CreateNetworkInsightsPath: validate everything, then add the path node."""
    at_source = _check_filter(params.get("FilterAtSource"), "FilterAtSource")
    at_dest = _check_filter(params.get("FilterAtDestination"), "FilterAtDestination")
    if params.get("FilterAtSource") and (params.get("SourceIp") is not None
                                         or params.get("DestinationPort") is not None):
        raise InvalidParameterCombination(
            "FilterAtSource cannot be specified together with SourceIp or DestinationPort.")
    if params.get("FilterAtDestination") and params.get("DestinationIp") is not None:
        raise InvalidParameterCombination(
            "FilterAtDestination cannot be specified together with DestinationIp.")
    if not params.get("Destination") and not (at_source or {}).get("DestinationAddress"):
        raise MissingParameter(
            "The request must include either the Destination parameter or the "
            "FilterAtSource.DestinationAddress parameter. Add the required parameter and "
            "retry the request.")
    source_ip = check_ip(params.get("SourceIp"), "SourceIp")
    dest_ip = check_ip(params.get("DestinationIp"), "DestinationIp")
    _check_families([source_ip, dest_ip, *(f.get(k) for f in (at_source or {}, at_dest or {})
                                           for k in ("SourceAddress", "DestinationAddress"))])
    source = resolve(world, part, params["Source"], member="Source")
    dest = resolve(world, part, params["Destination"], member="Destination") \
        if params.get("Destination") else None
    if dest is not None and dest == source:
        raise InvalidParameterValue("The source and destination must be different resources.")
    path_id = world.new_id("nip")
    fields: dict[str, Any] = {
        "CreatedDate": now(), "Source": source, "SourceArn": arn_of(world, source),
        "Destination": dest, "DestinationArn": arn_of(world, dest) if dest else None,
        "SourceIp": source_ip, "DestinationIp": dest_ip, "Protocol": params["Protocol"],
        "DestinationPort": params.get("DestinationPort"),
        "FilterAtSource": at_source, "FilterAtDestination": at_dest,
    }
    world.add(part, PATH, path_id, **{k: v for k, v in fields.items() if v is not None})
    tagging.apply(world, path_id, tags or {})
    return path_id


def delete_path(world: World, part: Partition, path_id: str) -> None:
    """A path with analyses cannot go: AWS asks for its analyses to be deleted first."""
    world.get(part, PATH, path_id)
    if analyses_of(world, path_id):
        raise TopologyError(
            f"The network insights path {path_id} has one or more network insights analyses. "
            "Delete the analyses and try again.", "AnalysisExistsForNetworkInsightsPath")
    world.remove(path_id)


def analyses_of(world: World, path_id: str) -> list[str]:
    return [u for u, _, _ in world.into(path_id, schema.ASSOCIATED, ANALYSIS)]


_PATH_MEMBERS = ("CreatedDate", "Source", "Destination", "SourceArn", "DestinationArn",
                 "SourceIp", "DestinationIp", "Protocol", "DestinationPort",
                 "FilterAtSource", "FilterAtDestination")


def path_view(world: World, path_id: str) -> dict[str, Any]:
    """The path as boto3's `NetworkInsightsPath`."""
    node = world.graph.nodes[path_id]
    out: dict[str, Any] = {"NetworkInsightsPathId": path_id,
                           "NetworkInsightsPathArn": arn_of(world, path_id)}
    out.update((k, node[k]) for k in _PATH_MEMBERS if k in node)
    out["Tags"] = tagging.listed(node["tags"])
    return out


def _span(member: str, key: str) -> Callable[[World, str, dict[str, Any]], list[str]]:
    """A filter on a path filter's port range: `22` for a single port, else `22-25`."""
    def values(world: World, rid: str, node: dict[str, Any]) -> list[str]:
        span = (node.get(member) or {}).get(key)
        if not span:
            return []
        low, high = span.get("FromPort"), span.get("ToPort")
        return [f"{low}-{high}", str(low)] if low == high else [f"{low}-{high}"]
    return values


def _filter_members(prefix: str, member: str) -> dict[str, Filter]:
    return {
        f"{prefix}.source-address": Filter(lambda w, r, n: (n.get(member) or {}).get(
            "SourceAddress")),
        f"{prefix}.destination-address": Filter(lambda w, r, n: (n.get(member) or {}).get(
            "DestinationAddress")),
        f"{prefix}.source-port-range": Filter(_span(member, "SourcePortRange")),
        f"{prefix}.destination-port-range": Filter(_span(member, "DestinationPortRange")),
    }


def _either(id_member: str, arn_member: str) -> Filter:
    """A filter on an endpoint, matching its id or its ARN."""
    return Filter(lambda w, r, n: [n.get(id_member), n.get(arn_member)])


PATH_FILTERS: dict[str, Filter] = {
    "network-insights-path-id": ident(),
    "source": _either("Source", "SourceArn"),
    "destination": _either("Destination", "DestinationArn"),
    "source-ip": Filter(lambda w, r, n: n.get("SourceIp")),
    "destination-ip": Filter(lambda w, r, n: n.get("DestinationIp")),
    "protocol": Filter(lambda w, r, n: n["Protocol"]),
    "destination-port": Filter(lambda w, r, n: n.get("DestinationPort")),
    **_filter_members("filter-at-source", "FilterAtSource"),
    **_filter_members("filter-at-destination", "FilterAtDestination"),
}


# -- analyses ------------------------------------------------------------------------------
def check_arns(arns: list[str] | None, member: str) -> list[str]:
    """ARNs as `FilterInArns`/`FilterOutArns` take them (any AWS ARN)."""
    for value in arns or []:
        if not value.startswith("arn:aws") or value.count(":") < 5:
            raise InvalidParameterValue(f"Value ({value}) for parameter {member} is invalid. "
                                        "The value is not a valid ARN.")
    return list(dict.fromkeys(arns or []))


def start_analysis(world: World, part: Partition, path_id: str, params: dict[str, Any], *,
                   tags: dict[str, str] | None = None) -> str:
    """Add a `running` analysis of `path_id`; the caller runs the engine and `complete`s it."""
    world.get(part, PATH, path_id)
    filter_in = check_arns(params.get("FilterInArns"), "FilterInArns")
    filter_out = check_arns(params.get("FilterOutArns"), "FilterOutArns")
    accounts = list(dict.fromkeys(params.get("AdditionalAccounts") or []))
    for account in accounts:
        if not (len(account) == 12 and account.isdigit()):
            raise InvalidParameterValue(
                f"Value ({account}) for parameter AdditionalAccounts is invalid. The value is "
                "not a valid account ID.")
    analysis_id = world.new_id("nia")
    fields = {"StartDate": now(), "Status": "running", "FilterInArns": filter_in,
              "FilterOutArns": filter_out, "AdditionalAccounts": accounts}
    world.add(part, ANALYSIS, analysis_id, **{k: v for k, v in fields.items() if v})
    world.link(analysis_id, path_id, schema.ASSOCIATED)
    tagging.apply(world, analysis_id, tags or {})
    return analysis_id


def complete(world: World, analysis_id: str, *, found: bool, forward: list[dict[str, Any]],
             back: list[dict[str, Any]], explanations: list[dict[str, Any]]) -> None:
    """Record a finished run: `succeeded` with the engine's answer."""
    world.update(analysis_id, Status="succeeded", NetworkPathFound=found,
                 ForwardPathComponents=forward, ReturnPathComponents=back,
                 Explanations=explanations, AlternatePathHints=[])


def fail(world: World, analysis_id: str, message: str) -> None:
    world.update(analysis_id, Status="failed", StatusMessage=message)


def path_of(world: World, analysis_id: str) -> str:
    return world.out(analysis_id, schema.ASSOCIATED, PATH)[0][0]


def delete_analysis(world: World, part: Partition, analysis_id: str) -> None:
    world.get(part, ANALYSIS, analysis_id)
    world.remove(analysis_id)


_ANALYSIS_MEMBERS = ("AdditionalAccounts", "FilterInArns", "FilterOutArns", "StartDate",
                     "Status", "StatusMessage", "WarningMessage", *RESULT_FIELDS)


def analysis_view(world: World, analysis_id: str) -> dict[str, Any]:
    """The analysis as boto3's `NetworkInsightsAnalysis`."""
    node = world.graph.nodes[analysis_id]
    out: dict[str, Any] = {"NetworkInsightsAnalysisId": analysis_id,
                           "NetworkInsightsAnalysisArn": arn_of(world, analysis_id),
                           "NetworkInsightsPathId": path_of(world, analysis_id)}
    out.update((k, node[k]) for k in _ANALYSIS_MEMBERS if k in node)
    out["Tags"] = tagging.listed(node["tags"])
    return out


def _of_path(world: World, part: Partition, path_id: str) -> list[str]:
    return analyses_of(world, path_id)


ANALYSIS_FILTERS: dict[str, Filter] = {
    "network-insights-analysis-id": ident(),
    "network-insights-path-id": Filter(lambda w, r, n: path_of(w, r), _of_path, exact=True),
    "path-found": Filter(lambda w, r, n: n.get("NetworkPathFound")),
    "status": Filter(lambda w, r, n: n["Status"]),
}


def started_between(world: World, ids: list[str], begin: dt.datetime | None,
                    end: dt.datetime | None) -> list[str]:
    """The analyses (or scope analyses) of `ids` whose StartDate lies in [begin, end]."""
    nodes = world.graph.nodes
    return [rid for rid in ids
            if (begin is None or nodes[rid]["StartDate"] >= begin)
            and (end is None or nodes[rid]["StartDate"] <= end)]


# -- the family: its plain Create/Delete/Describe operations are bound from this (docs/families.md)
PATH_FAMILY = declare(Family(PATH, view=path_view, filters=PATH_FILTERS, create=create_path,
                             delete=delete_path))
ANALYSIS_FAMILY = declare(Family(ANALYSIS, view=analysis_view, filters=ANALYSIS_FILTERS,
                                 delete=delete_analysis))
