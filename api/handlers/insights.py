"""Reachability Analyzer operations: network insights paths and analyses.

StartNetworkInsightsAnalysis runs `routing.reachability` synchronously: the start call answers
as AWS's does (`running`, no result yet) and the stored analysis is already `succeeded` (or
`failed`) when it is next described.
"""
from __future__ import annotations

import logging
from typing import Any

import routing
from topology.analysis import insights
from topology.core import filters, paging, tags
from topology.core.errors import TopologyError
from topology.core.world import World

from ..operations import Context, handler

log = logging.getLogger("ec2sim")


@handler
def start_network_insights_analysis(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    new_tags = tags.from_specifications(params.get("TagSpecifications"), insights.ANALYSIS)
    world = ctx.world
    analysis_id = insights.start_analysis(world, ctx.part, params["NetworkInsightsPathId"],
                                          params, tags=new_tags)
    started = insights.analysis_view(world, analysis_id)
    analyze(world, analysis_id)
    return {"NetworkInsightsAnalysis": started}


@handler
def describe_network_insights_analyses(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    path_id = params.get("NetworkInsightsPathId")
    scoped = None
    if path_id is not None:
        ctx.world.get(ctx.part, insights.PATH, path_id)
        scoped = insights.analyses_of(ctx.world, path_id)
    return describe_runs(ctx, params, kind=insights.ANALYSIS, table=insights.ANALYSIS_FILTERS,
                         view=insights.analysis_view, output="NetworkInsightsAnalyses",
                         ids=params.get("NetworkInsightsAnalysisIds"), scoped=scoped,
                         begin=params.get("AnalysisStartTime"),
                         end=params.get("AnalysisEndTime"))


def describe_runs(ctx: Context, params: dict[str, Any], *, kind: str,
                  table: filters.FilterTable, view: Any, output: str, ids: list[str] | None,
                  scoped: list[str] | None, begin: Any, end: Any) -> dict[str, Any]:
    """Describe analyses: named ids (all must exist), those of one path or scope (`scoped`),
    filters, a start-time window, pagination."""
    world, part = ctx.world, ctx.part
    pool: list[str] | None = None
    if ids:
        pool = list(dict.fromkeys(ids))
        for rid in pool:
            world.get(part, kind, rid)
    if scoped is not None:
        members = set(scoped)
        pool = [rid for rid in (pool if pool is not None else scoped) if rid in members]
    chosen = filters.select(world, part, kind, table, params.get("Filters"), pool)
    chosen = insights.started_between(world, chosen, begin, end)
    page, token = paging.page(world, chosen, params.get("MaxResults"), params.get("NextToken"))
    return {output: [view(world, rid) for rid in page], "NextToken": token}


# -- running the engine ----------------------------------------------------------------------
def analyze(world: World, analysis_id: str) -> None:
    """Run the reachability engine over the analysis's path and record the answer."""
    path = world.graph.nodes[insights.path_of(world, analysis_id)]
    analysis = world.graph.nodes[analysis_id]
    gone = [rid for rid in (path["Source"], path.get("Destination"))
            if rid and world.node(rid) is None]
    if gone:
        insights.fail(world, analysis_id, f"The resource {gone[0]} does not exist.")
        return
    try:
        # a source named by ARN may be another account's (a cross-account analysis):
        # CreateNetworkInsightsPath checked it, so it is the source's account that counts
        owner = world.graph.nodes[path["Source"]]["account"]
        result = routing.reachability(world, path["Source"], path.get("Destination"),
                                      account=owner, region=path["region"],
                                      **request_of(path))
    except TopologyError as err:
        insights.fail(world, analysis_id, err.message)
        return
    except Exception:   # the engine's bug: keep the API answering, say so in the analysis
        log.exception("reachability engine failed on %s", analysis_id)
        insights.fail(world, analysis_id, "An internal error occurred during the analysis.")
        return
    found, explanations = result.network_path_found, list(result.explanations)
    forward, back = list(result.forward_path), list(result.return_path)
    restriction = component_restriction(forward + back, analysis.get("FilterInArns") or [],
                                        analysis.get("FilterOutArns") or []) if found else None
    if restriction is not None:
        found, forward, back, explanations = False, [], [], [restriction]
    insights.complete(world, analysis_id, found=found, forward=forward, back=back,
                      explanations=explanations)


def request_of(path: dict[str, Any]) -> dict[str, Any]:
    """The engine's keyword arguments for a stored path (its IPs, ports and filters)."""
    at_source = path.get("FilterAtSource") or {}
    at_dest = path.get("FilterAtDestination") or {}

    def first(member: str) -> int | None:
        for flt in (at_source, at_dest):
            span = flt.get(member)
            if span and span.get("FromPort") is not None:
                return int(span["FromPort"])
        return None

    port = path.get("DestinationPort")
    return {
        "protocol": path["Protocol"],
        "destination_port": port if port is not None else first("DestinationPortRange"),
        "source_port": first("SourcePortRange"),
        "source_ip": path.get("SourceIp") or at_source.get("SourceAddress"),
        "destination_ip": (path.get("DestinationIp") or at_source.get("DestinationAddress")
                           or at_dest.get("DestinationAddress")),
    }


def component_ids(components: list[dict[str, Any]]) -> set[str]:
    """Every resource id and ARN a list of PathComponents names."""
    found: set[str] = set()
    for component in components:
        for value in component.values():
            if isinstance(value, dict):
                found.update(str(value[k]) for k in ("Id", "Arn") if value.get(k))
    return found


def component_restriction(components: list[dict[str, Any]], filter_in: list[str],
                          filter_out: list[str]) -> dict[str, Any] | None:
    """The explanation AWS gives when a found path misses a `FilterInArns` resource or
    crosses a `FilterOutArns` one (the engine gives the one shortest path only)."""
    seen = component_ids(components)
    for arn in filter_in:
        rid = arn.rpartition("/")[2]
        if arn not in seen and rid not in seen:
            return {"ExplanationCode": "COMPONENT_FILTER_RESTRICTION",
                    "Component": {"Id": rid, "Arn": arn}}
    for arn in filter_out:
        rid = arn.rpartition("/")[2]
        if arn in seen or rid in seen:
            return {"ExplanationCode": "COMPONENT_FILTER_RESTRICTION_REMOVED_COMPONENT",
                    "Component": {"Id": rid, "Arn": arn}}
    return None
