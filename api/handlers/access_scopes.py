"""Network Access Analyzer operations with logic of their own: access scopes (create), their
analyses and findings (GetNetworkInsightsAccessScopeContent and the deletes are bound).

StartNetworkInsightsAccessScopeAnalysis evaluates the scope synchronously with
`routing.reachability` (`topology.scope_evaluation`): the start call answers `running`, as
AWS's does, and the analysis is `succeeded` with its findings when next described.
"""
from __future__ import annotations

import logging
from typing import Any

import routing
from topology.analysis import access_scopes, scope_evaluation
from topology.core import tags
from topology.core.world import Partition, World

from ..operations import Context, handler
from .insights import describe_runs

log = logging.getLogger("ec2sim")


@handler
def create_network_insights_access_scope(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    new_tags = tags.from_specifications(params.get("TagSpecifications"), access_scopes.SCOPE)
    scope_id = access_scopes.create_scope(ctx.world, ctx.part, params, tags=new_tags)
    return {"NetworkInsightsAccessScope": access_scopes.scope_view(ctx.world, scope_id),
            "NetworkInsightsAccessScopeContent": access_scopes.content_view(ctx.world, scope_id)}


@handler
def start_network_insights_access_scope_analysis(ctx: Context, params: dict[str, Any]
                                                 ) -> dict[str, Any]:
    new_tags = tags.from_specifications(params.get("TagSpecifications"),
                                        access_scopes.SCOPE_ANALYSIS)
    world = ctx.world
    analysis_id = access_scopes.start_analysis(world, ctx.part,
                                               params["NetworkInsightsAccessScopeId"],
                                               tags=new_tags)
    started = access_scopes.analysis_view(world, analysis_id)
    analyze(world, ctx.part, analysis_id)
    return {"NetworkInsightsAccessScopeAnalysis": started}


@handler
def describe_network_insights_access_scope_analyses(ctx: Context, params: dict[str, Any]
                                                    ) -> dict[str, Any]:
    scope_id = params.get("NetworkInsightsAccessScopeId")
    scoped = None
    if scope_id is not None:
        ctx.world.get(ctx.part, access_scopes.SCOPE, scope_id)
        scoped = access_scopes.analyses_of(ctx.world, scope_id)
    return describe_runs(ctx, params, kind=access_scopes.SCOPE_ANALYSIS,
                         table=access_scopes.ANALYSIS_FILTERS, view=access_scopes.analysis_view,
                         output="NetworkInsightsAccessScopeAnalyses",
                         ids=params.get("NetworkInsightsAccessScopeAnalysisIds"), scoped=scoped,
                         begin=params.get("AnalysisStartTimeBegin"),
                         end=params.get("AnalysisStartTimeEnd"))


@handler
def get_network_insights_access_scope_analysis_findings(ctx: Context, params: dict[str, Any]
                                                        ) -> dict[str, Any]:
    analysis_id = params["NetworkInsightsAccessScopeAnalysisId"]
    node, page, token = access_scopes.findings_page(ctx.world, ctx.part, analysis_id,
                                                    params.get("MaxResults"),
                                                    params.get("NextToken"))
    return {"NetworkInsightsAccessScopeAnalysisId": analysis_id,
            "AnalysisStatus": node["Status"], "AnalysisFindings": page, "NextToken": token}


def analyze(world: World, part: Partition, analysis_id: str) -> None:
    """Evaluate the analysis's scope with the reachability engine and record the findings."""
    scope_id = access_scopes.scope_of(world, analysis_id)
    outcome = scope_evaluation.evaluate(world, part, scope_id, routing.reachability)
    if outcome.calls and outcome.errors == outcome.calls:
        access_scopes.fail(world, analysis_id, "An internal error occurred during the analysis.")
        return
    access_scopes.complete(world, analysis_id, outcome.findings,
                           analyzed_enis=outcome.analyzed_enis, warning=outcome.warning)
