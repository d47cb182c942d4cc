"""EC2 Fleet operations (topology/compute/fleets.py) and the fleet histories, the Spot
Fleet's included: each call first lets time act on the fleets it reads (`fleets.settle`:
a maintain fleet replaces what it lost)."""
from __future__ import annotations

from typing import Any

from topology.compute import fleet_events, fleets, spot_fleets
from topology.core import filters, paging

from ..binding import describe
from ..operations import Context, handler


INSTANCE_FILTERS = {"instance-type": filters.field("InstanceType")}


@handler
def create_fleet(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return fleets.create(ctx.world, ctx.part, params)


@handler
def describe_fleets(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    world, part = ctx.world, ctx.part
    ids = params.get("FleetIds")
    for fid in ids or []:
        fleets.get(world, part, fid)
    # AWS lists an instant fleet only when it is named
    chosen = ids or [fid for fid in part.ids(fleets.KIND)
                     if world.graph.nodes[fid]["config"]["Type"] != "instant"]
    for fid in dict.fromkeys(chosen):
        fleets.settle(world, part, fid)
    if not chosen:
        return {"Fleets": [], "NextToken": None}
    return describe(ctx, params, kind=fleets.KIND, table=fleets.FILTERS, view=fleets.view,
                    output="Fleets", ids=list(chosen))


@handler
def describe_fleet_instances(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    world, fid = ctx.world, params["FleetId"]
    fleets.get(world, ctx.part, fid)
    fleets.settle(world, ctx.part, fid)
    ids = fleets.instances(world, ctx.part, fid)
    kept = filters.select(world, ctx.part, "instance", INSTANCE_FILTERS, params.get("Filters"),
                          ids) if ids else []
    page, token = paging.page(world, kept, params.get("MaxResults"), params.get("NextToken"))
    return {"FleetId": fid, "NextToken": token,
            "ActiveInstances": [spot_fleets.instance_view(world, iid) for iid in page]}


@handler
def describe_fleet_history(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    world, fid = ctx.world, params["FleetId"]
    fleets.get(world, ctx.part, fid)
    fleets.settle(world, ctx.part, fid)
    out = fleet_events.history(world, fid, "ec2", params["StartTime"], params.get("EventType"),
                               params.get("MaxResults"), params.get("NextToken"))
    return {**out, "FleetId": fid, "StartTime": params["StartTime"]}


@handler
def describe_spot_fleet_request_history(ctx: Context, params: dict[str, Any]
                                        ) -> dict[str, Any]:
    world, fid = ctx.world, params["SpotFleetRequestId"]
    spot_fleets.get(world, ctx.part, fid)
    out = fleet_events.history(world, fid, "spot", params["StartTime"],
                               params.get("EventType"), params.get("MaxResults"),
                               params.get("NextToken"))
    return {**out, "SpotFleetRequestId": fid, "StartTime": params["StartTime"]}


@handler
def modify_fleet(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    fleets.get(ctx.world, ctx.part, params["FleetId"])
    fleets.settle(ctx.world, ctx.part, params["FleetId"])
    fleets.modify(ctx.world, ctx.part, params)
    return {"Return": True}


@handler
def delete_fleets(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return fleets.delete(ctx.world, ctx.part, params["FleetIds"], params["TerminateInstances"])
