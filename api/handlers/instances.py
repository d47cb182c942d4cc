"""Instance operations with logic of their own: run (and its retry), describe (instances by
reservation, status, credit specifications). Start/stop/reboot/terminate, the attributes,
metadata options, monitoring and console output are bound from topology/compute/instance_*."""
from __future__ import annotations

from typing import Any

from topology.compute import instance_filters, instance_launch, instance_status, instances
from topology.compute.instance_view import view
from topology.core import filters, paging
from topology.core.errors import InvalidParameterCombination, InvalidParameterValue

from ..operations import Context, handler, remembered_as

MIN_RESULTS, MAX_RESULTS = 5, 1000


def _limit(params: dict[str, Any], ids_member: str, wire: str) -> int | None:
    """MaxResults with AWS's bounds (5..1000), and never alongside instance ids."""
    limit = params.get("MaxResults")
    if limit is None:
        return None
    if params.get(ids_member):
        raise InvalidParameterCombination(
            f"The parameter {wire} cannot be used with the parameter maxResults")
    if limit < MIN_RESULTS:
        raise InvalidParameterValue(f"Value ( {limit} ) for parameter maxResults is invalid. "
                                    f"Expecting a value greater than {MIN_RESULTS}.")
    if limit > MAX_RESULTS:
        raise InvalidParameterValue(f"Value ( {limit} ) for parameter maxResults is invalid. "
                                    f"Expecting a value less than {MAX_RESULTS}.")
    return limit


def _select(ctx: Context, params: dict[str, Any], table: filters.FilterTable,
            ids: list[str] | None) -> list[str]:
    world, part = ctx.world, ctx.part
    named = instances.get_all(world, part, ids) if ids else None
    return filters.select(world, part, "instance", table, params.get("Filters"), named)


# -- run --------------------------------------------------------------------------------------
def _launched(answer: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
    return answer["ReservationId"], tuple(i["InstanceId"] for i in answer["Instances"])


def _launched_again(ctx: Context, kept: tuple[str, tuple[str, ...]]) -> dict[str, Any]:
    """A retried RunInstances: the same reservation, its instances as they are now."""
    reservation, ids = kept
    return {"ReservationId": reservation, "OwnerId": ctx.account, "Groups": [],
            "Instances": [view(ctx.world, i) for i in ids if ctx.world.node(i) is not None]}


@handler
@remembered_as(_launched, _launched_again)
def run_instances(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    reservation, ids = instance_launch.launch(ctx.world, ctx.part, params)
    return {"ReservationId": reservation, "OwnerId": ctx.account, "Groups": [],
            "Instances": [_pending(view(ctx.world, i)) for i in ids]}


def _pending(item: dict[str, Any]) -> dict[str, Any]:
    """An instance as RunInstances shows it, still pending: its volumes not attached yet (no
    block device mappings), its network interfaces attaching (AWS's documented examples)."""
    item["State"] = instances.state("pending")
    item["StateReason"] = {"Code": "pending", "Message": "pending"}
    item["MetadataOptions"] = {**item["MetadataOptions"], "State": "pending"}
    item["BlockDeviceMappings"] = []
    for interface in item.get("NetworkInterfaces", ()):
        interface["Attachment"] = {**interface["Attachment"], "Status": "attaching"}
    return item


# -- describe ---------------------------------------------------------------------------------
@handler
def describe_instances(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    world = ctx.world
    limit = _limit(params, "InstanceIds", "instancesSet")
    chosen = _select(ctx, params, instance_filters.FILTERS, params.get("InstanceIds"))
    page, token = paging.page(world, chosen, limit, params.get("NextToken"))
    reservations: dict[str, dict[str, Any]] = {}
    for instance_id in page:
        node = world.graph.nodes[instance_id]
        entry = reservations.get(node["reservation"])
        if entry is None:
            entry = reservations[node["reservation"]] = {
                "ReservationId": node["reservation"], "OwnerId": node["account"],
                "Groups": [], "Instances": []}
        entry["Instances"].append(view(world, instance_id))
    return {"Reservations": list(reservations.values()), "NextToken": token}


@handler
def describe_instance_status(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    limit = _limit(params, "InstanceIds", "instancesSet")
    chosen = _select(ctx, params, instance_status.FILTERS, params.get("InstanceIds"))
    if not params.get("IncludeAllInstances"):
        chosen = [i for i in chosen if instances.state_name(ctx.world, i) == "running"]
    page, token = paging.page(ctx.world, chosen, limit, params.get("NextToken"))
    return {"InstanceStatuses": [instance_status.view(ctx.world, i) for i in page],
            "NextToken": token}


CREDIT_FILTERS: filters.FilterTable = {"instance-id": instance_filters.FILTERS["instance-id"]}


@handler
def describe_instance_credit_specifications(ctx: Context, params: dict[str, Any]
                                            ) -> dict[str, Any]:
    world = ctx.world
    ids = params.get("InstanceIds")
    limit = _limit(params, "InstanceIds", "instanceId")
    chosen = _select(ctx, params, CREDIT_FILTERS, ids)
    # without ids AWS lists the instances with unlimited credits; with ids, every one named, a
    # type that earns no credits as `standard` (what AWS answers, though its reference says
    # "an error is returned")
    if not ids:
        chosen = [i for i in chosen if world.graph.nodes[i].get("cpu_credits") == "unlimited"]
    page, token = paging.page(world, chosen, limit, params.get("NextToken"))
    return {"InstanceCreditSpecifications": [
        {"InstanceId": i, "CpuCredits": world.graph.nodes[i].get("cpu_credits") or "standard"}
        for i in page], "NextToken": token}
