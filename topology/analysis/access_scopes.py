"""Network Access Analyzer's resources: access scopes and their analyses.

A Network Access Scope (`network-insights-access-scope`, `nis-…`) holds one or more
`MatchPaths` and any number of `ExcludePaths`; each path has a `Source` and a `Destination`
(a `ResourceStatement` of resource ids/ARNs or resource types, and a `PacketHeaderStatement`
of addresses, ports, prefix lists and protocols) and `ThroughResources`. A scope analysis
(`network-insights-access-scope-analysis`, `nisa-…`) ASSOCIATED-links to its scope and keeps
its findings in the internal `findings` field; deleting a scope deletes its analyses.

AWS's rules kept here (Network Access Analyzer guide): a resource statement lists resource
ids or resource types, not both; some types serve only as sources and destinations (internet
gateways, VPN gateways, network interfaces…) and some only as through resources (NAT
gateways, load balancers, firewalls); source addresses exclude source prefix lists (and the
same for destinations); ports are `N` or `N-M`; protocols are `tcp` and `udp`.

The evaluation (which needs the reachability engine) is `topology.scope_evaluation`'s.
"""
from __future__ import annotations

from typing import Any

from netaddr import AddrFormatError, IPNetwork

from ..core import paging, schema
from ..core import tags as tagging
from ..core.errors import InvalidParameterCombination, InvalidParameterValue, MissingParameter
from ..core.family import Family, declare
from ..core.filters import Filter, ident
from ..core.world import Partition, World
from .insights import ARN, arn_of, now

SCOPE, SCOPE_ANALYSIS = "network-insights-access-scope", "network-insights-access-scope-analysis"
SOURCE, DESTINATION, THROUGH = "Source", "Destination", "ThroughResources"
ENDS, ALL_ROLES = frozenset({SOURCE, DESTINATION}), frozenset({SOURCE, DESTINATION, THROUGH})
# resource type -> (graph kind or None when ec2sim has no such resource, roles it may play)
RESOURCE_TYPES: dict[str, tuple[str | None, frozenset[str]]] = {
    "AWS::EC2::InternetGateway": ("internet-gateway", ENDS),
    "AWS::EC2::VPNGateway": ("vpn-gateway", ENDS),
    "AWS::EC2::NetworkInterface": ("network-interface", ENDS),
    "AWS::EC2::Instance": ("instance", ENDS),
    "AWS::EC2::Subnet": ("subnet", ENDS),
    "AWS::EC2::VPC": ("vpc", ENDS),
    "AWS::EC2::SecurityGroup": ("security-group", ENDS),
    "AWS::EC2::NatGateway": ("nat-gateway", frozenset({THROUGH})),
    "AWS::EC2::TransitGateway": ("transit-gateway", frozenset({THROUGH})),
    "AWS::EC2::TransitGatewayAttachment": ("transit-gateway-attachment", ALL_ROLES),
    "AWS::EC2::VPCEndpoint": ("vpc-endpoint", frozenset({DESTINATION, THROUGH})),
    "AWS::EC2::VPCEndpointService": ("vpc-endpoint-service", ALL_ROLES),
    "AWS::EC2::VPCPeeringConnection": ("vpc-peering-connection", ALL_ROLES),
    "AWS::ElasticLoadBalancing::LoadBalancer": (None, frozenset({THROUGH})),
    "AWS::ElasticLoadBalancingV2::LoadBalancer": (None, frozenset({THROUGH})),
    "AWS::NetworkFirewall::Firewall": (None, frozenset({THROUGH})),
}
# kinds a resource statement may name by id
ID_KINDS = frozenset(kind for kind, _ in RESOURCE_TYPES.values() if kind is not None)
HEADER_LISTS = ("SourceAddresses", "DestinationAddresses", "SourcePorts", "DestinationPorts",
                "SourcePrefixLists", "DestinationPrefixLists", "Protocols")


# -- validation ------------------------------------------------------------------------------
def _resources(statement: dict[str, Any], role: str, where: str) -> dict[str, Any] | None:
    """A ResourceStatement validated for `role`, in the stored (response) shape."""
    resources = list(dict.fromkeys(statement.get("Resources") or []))
    types = list(dict.fromkeys(statement.get("ResourceTypes") or []))
    if resources and types:
        raise InvalidParameterCombination(
            f"{where}.ResourceStatement can specify either Resources or ResourceTypes, "
            "but not both.")
    for rtype in types:
        known = RESOURCE_TYPES.get(rtype)
        if known is None:
            raise InvalidParameterValue(
                f"Value ({rtype}) for parameter {where}.ResourceStatement.ResourceTypes is "
                "invalid. The resource type is not supported.")
        if role not in known[1]:
            raise InvalidParameterValue(
                f"The resource type {rtype} cannot be used in {where}.")
    for ref in resources:
        _check_reference(ref, where)
    out = {k: v for k, v in (("Resources", resources), ("ResourceTypes", types)) if v}
    return out or None


def _check_reference(ref: str, where: str) -> None:
    """A resource id of a kind a scope can name, or an ARN (load balancers, resource groups)."""
    if ref.startswith("arn:"):
        if ref.startswith("arn:aws") and ref.count(":") >= 5:
            return
    else:
        kind = schema.KIND_BY_PREFIX.get(ref.rpartition("-")[0])
        if kind is not None and kind.name in ID_KINDS:
            return
    raise InvalidParameterValue(
        f"Value ({ref}) for parameter {where}.ResourceStatement.Resources is invalid. The "
        "resource ID or ARN is not valid.")


def _check_port(text: str, where: str) -> None:
    low, sep, high = text.partition("-")
    try:
        ports = [int(low)] + ([int(high)] if sep else [])
    except ValueError:
        ports = []
    if not ports or any(p < 0 or p > 65535 for p in ports) or ports[0] > ports[-1]:
        raise InvalidParameterValue(
            f"Value ({text}) for parameter {where} is invalid. Specify a port (0-65535) or a "
            "port range (for example, 1024-65535).")


def _check_cidr(text: str, where: str) -> None:
    try:
        IPNetwork(text)
    except (AddrFormatError, ValueError, TypeError):
        raise InvalidParameterValue(
            f"Value ({text}) for parameter {where} is invalid. Specify an IP address or a "
            "CIDR block.") from None


def _header(statement: dict[str, Any], where: str) -> dict[str, Any] | None:
    """A PacketHeaderStatement validated, in the stored (response) shape."""
    out = {k: list(dict.fromkeys(statement[k])) for k in HEADER_LISTS if statement.get(k)}
    for side in ("Source", "Destination"):
        if out.get(f"{side}Addresses") and out.get(f"{side}PrefixLists"):
            raise InvalidParameterCombination(
                f"{where}.PacketHeaderStatement can specify either {side}Addresses or "
                f"{side}PrefixLists, but not both.")
        for text in out.get(f"{side}Addresses", []):
            _check_cidr(text, f"{where}.PacketHeaderStatement.{side}Addresses")
        for text in out.get(f"{side}Ports", []):
            _check_port(text, f"{where}.PacketHeaderStatement.{side}Ports")
        for ref in out.get(f"{side}PrefixLists", []):
            if not (ref.startswith("pl-") or ARN.match(ref)):
                raise InvalidParameterValue(
                    f"Value ({ref}) for parameter {where}.PacketHeaderStatement."
                    f"{side}PrefixLists is invalid. The prefix list ID or ARN is not valid.")
    return out or None


def _statement(statement: dict[str, Any] | None, role: str, where: str) -> dict[str, Any] | None:
    if not statement:
        return None
    out: dict[str, Any] = {}
    if statement.get("PacketHeaderStatement"):
        header = _header(statement["PacketHeaderStatement"], where)
        if header:
            out["PacketHeaderStatement"] = header
    if statement.get("ResourceStatement"):
        resources = _resources(statement["ResourceStatement"], role, where)
        if resources:
            out["ResourceStatement"] = resources
    return out or None


def _path(path: dict[str, Any], where: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for role in (SOURCE, DESTINATION):
        statement = _statement(path.get(role), role, f"{where}.{role}")
        if statement:
            out[role] = statement
    through = []
    for n, item in enumerate(path.get(THROUGH) or [], 1):
        resources = _resources(item.get("ResourceStatement") or {}, THROUGH,
                               f"{where}.{THROUGH}.{n}")
        if resources:
            through.append({"ResourceStatement": resources})
    if through:
        out[THROUGH] = through
    return out


def check_content(params: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The scope's MatchPaths and ExcludePaths, validated and in the stored shape."""
    if not params.get("MatchPaths"):
        raise MissingParameter("The request must contain the parameter MatchPath")
    match = [_path(p, f"MatchPath.{n}") for n, p in enumerate(params["MatchPaths"], 1)]
    exclude = [_path(p, f"ExcludePath.{n}")
               for n, p in enumerate(params.get("ExcludePaths") or [], 1)]
    return match, exclude


# -- scopes ----------------------------------------------------------------------------------
def create_scope(world: World, part: Partition, params: dict[str, Any], *,
                 tags: dict[str, str] | None = None) -> str:
    match, exclude = check_content(params)
    scope_id = world.new_id("nis")
    created = now()
    world.add(part, SCOPE, scope_id, CreatedDate=created, UpdatedDate=created,
              MatchPaths=match, ExcludePaths=exclude)
    tagging.apply(world, scope_id, tags or {})
    return scope_id


def delete_scope(world: World, part: Partition, scope_id: str) -> None:
    """Delete the scope and its analyses."""
    world.get(part, SCOPE, scope_id)
    for analysis_id in analyses_of(world, scope_id):
        world.remove(analysis_id)
    world.remove(scope_id)


def analyses_of(world: World, scope_id: str) -> list[str]:
    return [u for u, _, _ in world.into(scope_id, schema.ASSOCIATED, SCOPE_ANALYSIS)]


def scope_view(world: World, scope_id: str) -> dict[str, Any]:
    """The scope as boto3's `NetworkInsightsAccessScope`."""
    node = world.graph.nodes[scope_id]
    return {"NetworkInsightsAccessScopeId": scope_id,
            "NetworkInsightsAccessScopeArn": arn_of(world, scope_id),
            "CreatedDate": node["CreatedDate"], "UpdatedDate": node["UpdatedDate"],
            "Tags": tagging.listed(node["tags"])}


def content(world: World, part: Partition, network_insights_access_scope_id: str
            ) -> dict[str, Any]:
    """GetNetworkInsightsAccessScopeContent: the content of a scope of the caller's."""
    world.get(part, SCOPE, network_insights_access_scope_id)
    return content_view(world, network_insights_access_scope_id)


def content_view(world: World, scope_id: str) -> dict[str, Any]:
    """The scope's paths as boto3's `NetworkInsightsAccessScopeContent`."""
    node = world.graph.nodes[scope_id]
    out: dict[str, Any] = {"NetworkInsightsAccessScopeId": scope_id,
                           "MatchPaths": node["MatchPaths"]}
    if node["ExcludePaths"]:
        out["ExcludePaths"] = node["ExcludePaths"]
    return out


SCOPE_FILTERS: dict[str, Filter] = {"network-insights-access-scope-id": ident()}


# -- scope analyses --------------------------------------------------------------------------
def start_analysis(world: World, part: Partition, scope_id: str, *,
                   tags: dict[str, str] | None = None) -> str:
    """Add a `running` analysis of the scope; the caller evaluates it and `complete`s it."""
    world.get(part, SCOPE, scope_id)
    analysis_id = world.new_id("nisa")
    world.add(part, SCOPE_ANALYSIS, analysis_id, StartDate=now(), Status="running")
    world.link(analysis_id, scope_id, schema.ASSOCIATED)
    tagging.apply(world, analysis_id, tags or {})
    return analysis_id


def complete(world: World, analysis_id: str, findings: list[dict[str, Any]], *,
             analyzed_enis: int, warning: str | None = None) -> None:
    """Record a finished evaluation (each finding: `FindingId`, `FindingComponents`)."""
    world.update(analysis_id, Status="succeeded", EndDate=now(),
                 FindingsFound="true" if findings else "false", AnalyzedEniCount=analyzed_enis,
                 WarningMessage=warning, findings=findings)


def fail(world: World, analysis_id: str, message: str) -> None:
    world.update(analysis_id, Status="failed", StatusMessage=message, EndDate=now(),
                 FindingsFound="unknown")


def scope_of(world: World, analysis_id: str) -> str:
    return world.out(analysis_id, schema.ASSOCIATED, SCOPE)[0][0]


def delete_analysis(world: World, part: Partition, analysis_id: str) -> None:
    world.get(part, SCOPE_ANALYSIS, analysis_id)
    world.remove(analysis_id)


_ANALYSIS_MEMBERS = ("Status", "StatusMessage", "WarningMessage", "StartDate", "EndDate",
                     "FindingsFound", "AnalyzedEniCount")


def analysis_view(world: World, analysis_id: str) -> dict[str, Any]:
    """The analysis as boto3's `NetworkInsightsAccessScopeAnalysis`."""
    node = world.graph.nodes[analysis_id]
    out: dict[str, Any] = {
        "NetworkInsightsAccessScopeAnalysisId": analysis_id,
        "NetworkInsightsAccessScopeAnalysisArn": arn_of(world, analysis_id),
        "NetworkInsightsAccessScopeId": scope_of(world, analysis_id)}
    out.update((k, node[k]) for k in _ANALYSIS_MEMBERS if k in node)
    out["Tags"] = tagging.listed(node["tags"])
    return out


ANALYSIS_FILTERS: dict[str, Filter] = {
    "network-insights-access-scope-analysis-id": ident(),
    "network-insights-access-scope-id": Filter(
        lambda w, r, n: scope_of(w, r), lambda w, part, v: analyses_of(w, v), exact=True),
    "status": Filter(lambda w, r, n: n["Status"]),
    "findings-found": Filter(lambda w, r, n: n.get("FindingsFound")),
}


def findings_page(world: World, part: Partition, analysis_id: str, max_results: int | None,
                  token: str | None) -> tuple[dict[str, Any], list[dict[str, Any]], str | None]:
    """The analysis node, one page of its findings (as `AccessScopeAnalysisFinding`s) and
    the next token (an offset: findings never change once recorded)."""
    node = world.get(part, SCOPE_ANALYSIS, analysis_id)
    scope_id = scope_of(world, analysis_id)
    found = node.get("findings") or []
    start = paging.decode(token, "findings", _is_offset) if token else 0
    end = len(found) if not max_results else min(len(found), start + max_results)
    page = [{"NetworkInsightsAccessScopeAnalysisId": analysis_id,
             "NetworkInsightsAccessScopeId": scope_id, **item} for item in found[start:end]]
    following = paging.encode("findings", end) if end < len(found) else None
    return node, page, following


def _is_offset(position: Any) -> bool:
    return isinstance(position, int) and not isinstance(position, bool) and position >= 0


# -- the family: its plain Create/Delete/Describe operations are bound from this (docs/families.md)
SCOPE_FAMILY = declare(Family(SCOPE, view=scope_view, filters=SCOPE_FILTERS,
                              delete=delete_scope,
                              actions={"GetNetworkInsightsAccessScopeContent": content}))
SCOPE_ANALYSIS_FAMILY = declare(Family(SCOPE_ANALYSIS, view=analysis_view,
                                       filters=ANALYSIS_FILTERS, delete=delete_analysis))
