"""Verified Access describes with selectors of their own: groups and endpoints by instance
(and group), and the instances' logging configurations (the rest is bound from
topology/connect/verified_access*.py)."""
from __future__ import annotations

from typing import Any

from topology.connect import (verified_access, verified_access_config, verified_access_endpoints,
                              verified_access_groups)
from topology.core import sharing
from topology.core.errors import InvalidParameterValue

from ..binding import bounded, describe
from ..operations import Context, handler


def _scoped(params: dict[str, Any], selectors: dict[str, str]) -> dict[str, Any]:
    """`params` with each selector member given turned into the filter of that name (AWS
    checks the selected instance or group exists)."""
    extra = [{"Name": name, "Values": [params[member]]}
             for member, name in selectors.items() if params.get(member)]
    return {**params, "Filters": list(params.get("Filters") or []) + extra}


def _check_instance(ctx: Context, vai: str) -> None:
    """The instance exists in the account, or holds a group shared with it."""
    shared = sharing.shared_into(ctx.world, ctx.part, verified_access_groups.GROUP)
    if not any(verified_access_groups.instance_of(ctx.world, g) == vai for g in shared):
        ctx.world.get(ctx.part, verified_access.INSTANCE, vai)


@handler
def describe_verified_access_groups(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    if params.get("VerifiedAccessInstanceId"):
        _check_instance(ctx, params["VerifiedAccessInstanceId"])
    params = _scoped(bounded(params, (5, 1000)),
                     {"VerifiedAccessInstanceId": "verified-access-instance-id"})
    return describe(ctx, params, kind=verified_access_groups.GROUP,
                    table=verified_access_groups.FILTERS, view=verified_access_groups.view,
                    output="VerifiedAccessGroups", ids=params.get("VerifiedAccessGroupIds"),
                    shared=True)


def _endpoints_page(params: dict[str, Any]) -> dict[str, Any]:
    """AWS refuses MaxResults outside 5..200 here, though the model documents 1000 (Steampipe's
    aws_vpc_verified_access_endpoint table records the answer)."""
    limit = params.get("MaxResults")
    if limit is not None and not 5 <= limit <= 200:
        raise InvalidParameterValue("The parameter MaxResults must be between 5 and 200")
    return params


@handler
def describe_verified_access_endpoints(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    if params.get("VerifiedAccessInstanceId"):
        _check_instance(ctx, params["VerifiedAccessInstanceId"])
    if params.get("VerifiedAccessGroupId"):
        sharing.usable(ctx.world, ctx.part, verified_access_groups.GROUP,
                       params["VerifiedAccessGroupId"])
    params = _scoped(_endpoints_page(params),
                     {"VerifiedAccessInstanceId": "verified-access-instance-id",
                      "VerifiedAccessGroupId": "verified-access-group-id"})
    return describe(ctx, params, kind=verified_access_endpoints.ENDPOINT,
                    table=verified_access_endpoints.FILTERS, view=verified_access_endpoints.view,
                    output="VerifiedAccessEndpoints",
                    ids=params.get("VerifiedAccessEndpointIds"))


@handler
def describe_verified_access_instance_logging_configurations(
        ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return describe(ctx, bounded(params, (1, 10)), kind=verified_access.INSTANCE,
                    table=verified_access.INSTANCE_FILTERS,
                    view=verified_access_config.logging_view, output="LoggingConfigurations",
                    ids=params.get("VerifiedAccessInstanceIds"))
