"""Spot operations with logic of their own: Spot Instance requests (request, describe), the
Spot price history and Spot Fleets (request, describe, their instances). Cancelling requests
and fleets and modifying a fleet are bound from topology/compute/spot.py and spot_fleets.py."""
from __future__ import annotations

from typing import Any

from topology.catalogue import spot_prices
from topology.compute import spot, spot_fleets
from topology.core import paging
from topology.core.errors import TopologyError

from ..binding import describe
from ..operations import Context, handler


# -- Spot Instance requests --------------------------------------------------------------------
@handler
def request_spot_instances(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ids = spot.request(ctx.world, ctx.part, params)
    return {"SpotInstanceRequests": [spot.submitted_view(ctx.world, rid) for rid in ids]}


@handler
def describe_spot_instance_requests(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ids = params.get("SpotInstanceRequestIds")
    for rid in ids or []:
        spot.get(ctx.world, ctx.part, rid)    # AWS's wording for an unknown request id
    return describe(ctx, params, kind=spot.KIND, table=spot.FILTERS, view=spot.view,
                    output="SpotInstanceRequests", ids=ids)


@handler
def describe_spot_price_history(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    rows, token = spot_prices.history(ctx.region, params)
    return {"SpotPriceHistory": rows, "NextToken": token}


# -- Spot Fleets -------------------------------------------------------------------------------
@handler
def request_spot_fleet(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    config = params["SpotFleetRequestConfig"]
    token = config.get("ClientToken")
    if token:   # the fleet's idempotency token sits inside its configuration
        seen = ctx.part.client_tokens.get(("RequestSpotFleet", token))
        if seen is not None:
            if seen[0] != config:
                raise TopologyError(
                    "Arguments on this idempotent request are inconsistent with arguments "
                    "used in previous request(s).", "IdempotentParameterMismatch")
            return seen[1]
    result = {"SpotFleetRequestId": spot_fleets.request(ctx.world, ctx.part, config)}
    if token:
        ctx.part.remember(("RequestSpotFleet", token), config, result)
    return result


@handler
def describe_spot_fleet_requests(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    world, part = ctx.world, ctx.part
    ids = list(dict.fromkeys(params.get("SpotFleetRequestIds") or []))
    for fid in ids:
        spot_fleets.get(world, part, fid)
    chosen = ids or list(part.ids(spot_fleets.KIND))
    for fid in chosen:
        spot_fleets.settle(world, part, fid)
    page, token = paging.page(world, chosen, params.get("MaxResults"), params.get("NextToken"))
    return {"SpotFleetRequestConfigs": [spot_fleets.view(world, fid) for fid in page],
            "NextToken": token}


@handler
def describe_spot_fleet_instances(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    world, fid = ctx.world, params["SpotFleetRequestId"]
    spot_fleets.get(world, ctx.part, fid)
    spot_fleets.settle(world, ctx.part, fid)
    ids = [iid for iid, _ in spot_fleets.members(world, fid)]
    page, token = paging.page(world, ids, params.get("MaxResults"), params.get("NextToken"))
    return {"SpotFleetRequestId": fid, "NextToken": token,
            "ActiveInstances": [spot_fleets.instance_view(world, iid) for iid in page]}
