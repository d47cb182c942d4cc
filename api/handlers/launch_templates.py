"""Launch templates with logic of their own: create/describe/modify/delete templates (by id
or name, with warnings) and their versions. GetLaunchTemplateData is bound from
topology/compute/launch_template_data.py."""
from __future__ import annotations

from typing import Any

from topology.catalogue import instance_types
from topology.compute import launch_templates as lt
from topology.core import filters, tags
from topology.core.errors import (InvalidParameterCombination, InvalidParameterValue,
                                  MissingParameter)

from ..binding import describe
from ..operations import Context, handler

ALIASES = (lt.LATEST, lt.DEFAULT)
# AWS's words (with its typographic quotes) for a versions request naming no template
ALL_VERSIONS_HELP = (
    "To describe the launch template data for all your launch templates, for \u2018--versions\u2019 "
    "specify \u2018$Latest\u2019, \u2018$Default\u2019, or both, and omit \u2018--launch-template-id\u2019, "
    "\u2018--launch-template-name\u2019, and version numbers. To describe the launch template data "
    "for a specific launch template, specify \u2018--launch-template-id\u2019 or "
    "\u2018--launch-template-name\u2019, and for \u2018--versions\u2019 specify one or more of the "
    "following values: \u2018$Latest\u2019, \u2018$Default\u2019, or one or more version numbers.")


def _with_warning(out: dict[str, Any], problems: list[dict[str, str]]) -> dict[str, Any]:
    if problems:
        out["Warning"] = {"Errors": problems}
    return out


@handler
def create_launch_template(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    data = params["LaunchTemplateData"]
    new_tags = tags.from_specifications(params.get("TagSpecifications"), "launch-template")
    problems = lt.warnings(ctx.world, ctx.part, data)
    lt_id = lt.create(ctx.world, ctx.part, params["LaunchTemplateName"], data,
                      description=params.get("VersionDescription"), new_tags=new_tags)
    return _with_warning({"LaunchTemplate": lt.view(ctx.world, lt_id)}, problems)


@handler
def create_launch_template_version(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    lt_id = lt.find(ctx.world, ctx.part, params.get("LaunchTemplateId"),
                    params.get("LaunchTemplateName"))
    data = params["LaunchTemplateData"]
    problems = lt.warnings(ctx.world, ctx.part, data)
    number = lt.create_version(ctx.world, ctx.part, lt_id, data,
                               source=params.get("SourceVersion"),
                               description=params.get("VersionDescription"))
    return _with_warning({"LaunchTemplateVersion": lt.version_view(ctx.world, lt_id, number)},
                         problems)


@handler
def describe_launch_templates(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    world, part = ctx.world, ctx.part
    ids = list(params.get("LaunchTemplateIds") or [])
    names = params.get("LaunchTemplateNames") or []
    for name in dict.fromkeys(names):
        found = lt.by_name(world, part, name)
        if found is None:
            raise lt.some_not_found("InvalidLaunchTemplateName.NotFoundException")
        ids.append(found)
    return describe(ctx, params, kind=lt.KIND, table=lt.FILTERS, view=lt.view,
                    output="LaunchTemplates", ids=ids or None)


@handler
def describe_launch_template_versions(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    world, part = ctx.world, ctx.part
    lt.check_max_results(params.get("MaxResults"))
    wanted = list(dict.fromkeys(params.get("Versions") or []))
    low, high = params.get("MinVersion"), params.get("MaxVersion")
    if wanted and (low is not None or high is not None):
        raise InvalidParameterCombination(
            "The parameters Versions and MinVersion or MaxVersion cannot be used together.")
    if params.get("LaunchTemplateId") or params.get("LaunchTemplateName"):
        lt_id = lt.find(world, part, params.get("LaunchTemplateId"),
                        params.get("LaunchTemplateName"))
        pairs = _one_template(world, lt_id, wanted, low, high)
    else:
        pairs = _every_template(world, part, wanted)
    rows = [lt.version_view(world, lt_id, n) for lt_id, n in pairs]
    kept = filters.select_rows(lt.VERSION_FILTERS, params.get("Filters"), rows)
    order = [(world.graph.nodes[r["LaunchTemplateId"]]["seq"], -r["VersionNumber"])
             for r in kept]
    page, token = instance_types.page(kept, order, params.get("MaxResults"),
                                      params.get("NextToken"), scope="launch-template-versions",
                                      default_max=lt.MAX_RESULTS[1])
    return {"LaunchTemplateVersions": page, "NextToken": token}


def _bound(value: str | None, lt_id: str) -> int | None:
    if value is None:
        return None
    if not str(value).strip().isdigit():
        raise lt.version_not_found(value, lt_id)
    return int(value)


def _one_template(world: Any, lt_id: str, wanted: list[str], low: str | None,
                  high: str | None) -> list[tuple[str, int]]:
    """(template, version) pairs of one template, newest first."""
    if wanted:
        numbers = {lt.version_number(world, lt_id, v) for v in wanted}
    else:
        lo, hi = _bound(low, lt_id), _bound(high, lt_id)
        numbers = {n for n in lt.versions(world, lt_id)
                   if (lo is None or n >= lo) and (hi is None or n <= hi)}
    return [(lt_id, n) for n in sorted(numbers, reverse=True)]


def _every_template(world: Any, part: Any, wanted: list[str]) -> list[tuple[str, int]]:
    """The latest and/or default version of every template in the account and region."""
    if not wanted:
        raise MissingParameter(ALL_VERSIONS_HELP)
    if any(v not in ALIASES for v in wanted):
        raise InvalidParameterValue(ALL_VERSIONS_HELP)
    pairs: list[tuple[str, int]] = []
    for lt_id in world.ids(part, lt.KIND):
        numbers = {lt.version_number(world, lt_id, v) for v in wanted}
        pairs += [(lt_id, n) for n in sorted(numbers, reverse=True)]
    return pairs


@handler
def modify_launch_template(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    lt_id = lt.find(ctx.world, ctx.part, params.get("LaunchTemplateId"),
                    params.get("LaunchTemplateName"), wording="modify")
    if params.get("DefaultVersion") is not None:
        lt.set_default(ctx.world, lt_id, params["DefaultVersion"])
    return {"LaunchTemplate": lt.view(ctx.world, lt_id)}


@handler
def delete_launch_template(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    lt_id = lt.find(ctx.world, ctx.part, params.get("LaunchTemplateId"),
                    params.get("LaunchTemplateName"), wording="delete")
    return {"LaunchTemplate": lt.delete(ctx.world, lt_id)}


@handler
def delete_launch_template_versions(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    done, failed = lt.delete_versions(ctx.world, ctx.part, params.get("LaunchTemplateId"),
                                      params.get("LaunchTemplateName"), params["Versions"])
    return {"SuccessfullyDeletedLaunchTemplateVersions": done,
            "UnsuccessfullyDeletedLaunchTemplateVersions": failed}
