"""Describes of hosts and reservations that the binding cannot make: ids named by a `*Set`
(DescribeHostReservations), a kind's subset (DescribeMacHosts), UUID ids and selectors beside
the filters (DescribeReservedInstances), a modification shown `processing` once before it is
fulfilled (DescribeReservedInstancesModifications)."""
from __future__ import annotations

from typing import Any

from topology.compute import host_reservations, hosts, mac_hosts, reserved_instances, ri_changes
from topology.core import filters, paging
from topology.core.errors import InvalidParameterValue

from ..binding import bounded, describe
from ..operations import Context, handler


def _bounds(value: int | None) -> None:
    """MaxResults between 5 and 500, an error beyond (DescribeHosts' family of calls)."""
    if value is not None and not 5 <= value <= 500:
        raise InvalidParameterValue(f"Value ( {value} ) for parameter maxResults is invalid. "
                                    "Expecting a value between 5 and 500.")


@handler
def describe_host_reservations(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    _bounds(params.get("MaxResults"))
    return describe(ctx, {**params, "Filters": params.get("Filter")},
                    kind=host_reservations.KIND, table=host_reservations.FILTERS,
                    view=host_reservations.view, output="HostReservationSet",
                    ids=params.get("HostReservationIdSet"))


@handler
def describe_mac_hosts(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    _bounds(params.get("MaxResults"))
    world, part = ctx.world, ctx.part
    ids = params.get("HostIds")
    for host_id in ids or []:
        world.get(part, hosts.KIND, host_id)
    pool = [h for h in (ids or part.ids(hosts.KIND)) if mac_hosts.is_mac_host(world, h)]
    return describe(ctx, params, kind=hosts.KIND, table=mac_hosts.MAC_HOST_FILTERS,
                    view=mac_hosts.mac_host_view, output="MacHosts", ids=pool) \
        if pool else {"MacHosts": [], "NextToken": None}


@handler
def describe_hosts(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    _bounds(params.get("MaxResults"))
    params = bounded(params, (5, 500), "HostIds", "hostIds")
    return describe(ctx, {**params, "Filters": params.get("Filter")}, kind=hosts.KIND,
                    table=hosts.FILTERS, view=hosts.view, output="Hosts",
                    ids=params.get("HostIds"))


@handler
def describe_reserved_instances(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    world, part = ctx.world, ctx.part
    ri_changes.settle_all(world, part)
    ids = params.get("ReservedInstancesIds")
    for rid in ids or []:
        reserved_instances.get(world, part, rid)
    chosen = filters.select(world, part, reserved_instances.KIND, reserved_instances.FILTERS,
                            params.get("Filters"), list(dict.fromkeys(ids)) if ids else None)
    nodes = world.graph.nodes
    chosen = [r for r in chosen
              if params.get("OfferingClass") in (None, nodes[r]["OfferingClass"])
              and params.get("OfferingType") in (None, nodes[r]["OfferingType"])]
    return {"ReservedInstances": [reserved_instances.view(world, r) for r in chosen]}


@handler
def describe_reserved_instances_modifications(ctx: Context, params: dict[str, Any]
                                              ) -> dict[str, Any]:
    world, part = ctx.world, ctx.part
    ids = params.get("ReservedInstancesModificationIds")
    for mod_id in ids or []:
        world.get(part, ri_changes.MODIFICATION, mod_id)
    chosen = filters.select(world, part, ri_changes.MODIFICATION,
                            ri_changes.MODIFICATION_FILTERS, params.get("Filters"),
                            list(dict.fromkeys(ids)) if ids else None)
    page, token = paging.page(world, chosen, None, params.get("NextToken"))
    answer = [ri_changes.modification_view(world, m) for m in page]
    for mod_id in page:     # shown processing once: fulfilled from the next call on
        if world.graph.nodes[mod_id]["Status"] == "processing":
            ri_changes.settle(world, part, mod_id)
    return {"ReservedInstancesModifications": answer, "NextToken": token}
