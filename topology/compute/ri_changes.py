"""What becomes of a Reserved Instance after purchase: listings, modifications, exchanges.

* A listing (`reserved-instances-listing`, UUID id) offers some of a standard RI's instances
  on the Reserved Instance Marketplace: `active` with those instances `available`, until it is
  cancelled (`cancelled`, the instances counted `cancelled`). Convertible RIs cannot be listed.
* A modification (`reserved-instances-modification`, `rimod-` id) splits or moves active RIs:
  zone or scope, instance count, or (Linux/UNIX) an instance type of the same family, keeping
  the normalized footprint (AWS's size factors). It is `processing` until a
  DescribeReservedInstancesModifications has shown it so; then it is `fulfilled`: the
  originals are retired and new RIs (`ModificationResults`) hold the target configurations.
* An exchange trades convertible RIs for convertible offerings of at least the same value;
  the quote prices both sides, the accepted exchange (`riex-` id) retires the originals.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from ..catalogue import instance_types, reserved_offerings
from ..core import regions
from ..core.clock import now, stamp
from ..core.errors import (IncorrectState, InvalidParameterCombination, InvalidParameterValue,
                           MissingParameter, TopologyError)
from ..core.family import declare_actions
from ..core.filters import Filter, field, select_rows
from ..core.world import Partition, World
from . import reserved_instances as ri

LISTING = "reserved-instances-listing"
MODIFICATION = "reserved-instances-modification"
EXCHANGE = "reserved-instances-exchange"
# AWS's normalization factors by size (instance size flexibility)
FACTORS = {"nano": 0.25, "micro": 0.5, "small": 1, "medium": 2, "large": 4, "xlarge": 8}


def factor(type_name: str) -> float:
    size = type_name.split(".", 1)[1]
    if size in FACTORS:
        return FACTORS[size]
    if size.endswith("xlarge"):
        return 8 * float(size[:-6])
    vcpus = instance_types.catalogue()[type_name]["VCpuInfo"]["DefaultVCpus"]
    return 4 * vcpus          # metal sizes: by their vCPUs (a large has 2)


def _active(world: World, part: Partition, rid: str) -> dict[str, Any]:
    node = ri.get(world, part, rid)
    if ri.state(node) != "active":
        raise IncorrectState(f"Reserved Instances '{rid}' are not active.",
                             "InvalidReservedInstancesState")
    return node


# -- listings ------------------------------------------------------------------------------------
def create_listing(world: World, part: Partition, reserved_instances_id: str,
                   instance_count: int, price_schedules: list[dict[str, Any]],
                   client_token: str) -> list[dict[str, Any]]:
    node = _active(world, part, reserved_instances_id)
    if node["OfferingClass"] != "standard":
        raise InvalidParameterValue("Only Standard Reserved Instances can be listed on the "
                                    "Reserved Instance Marketplace.")
    listed = _listed(world, part, reserved_instances_id)
    if not 1 <= instance_count <= node["InstanceCount"] - listed:
        raise InvalidParameterValue(
            f"Value ({instance_count}) for parameter instanceCount is invalid. The Reserved "
            f"Instances have {node['InstanceCount'] - listed} instances available to list.")
    schedules = _schedules(price_schedules, node)
    lid = ri.new_uuid(world)
    world.add(part, LISTING, lid, ReservedInstancesId=reserved_instances_id, Status="active",
              StatusMessage="active", CreateDate=now(), UpdateDate=now(),
              ClientToken=client_token, PriceSchedules=schedules, count=instance_count)
    return [listing_view(world, lid)]


def _listed(world: World, part: Partition, rid: str) -> int:
    """How many of the RI's instances active listings offer."""
    nodes = world.graph.nodes
    return sum(nodes[lid]["count"] for lid in part.ids(LISTING)
               if nodes[lid]["ReservedInstancesId"] == rid and nodes[lid]["Status"] == "active")


def _schedules(schedules: list[dict[str, Any]], node: dict[str, Any]) -> list[dict[str, Any]]:
    months_left = max(1, int((node["End"] - now()).days // 30))
    if not schedules:
        raise MissingParameter("The request must contain the parameter priceSchedules")
    out = []
    for s in sorted(schedules, key=lambda s: -s["Term"]):
        if not 1 <= s["Term"] <= months_left or s["Price"] < 0:
            raise InvalidParameterValue(
                f"Invalid price schedule: term {s['Term']} (1-{months_left} months left), "
                f"price {s['Price']}.")
        out.append({"Term": s["Term"], "Price": s["Price"],
                    "CurrencyCode": s.get("CurrencyCode") or "USD", "Active": not out})
    return out


def cancel_listing(world: World, part: Partition, reserved_instances_listing_id: str
                   ) -> list[dict[str, Any]]:
    lid = reserved_instances_listing_id
    node = world.node(lid)
    if node is None or node["kind"] != LISTING or node["account"] != part.account:
        raise TopologyError(f"Reserved Instances listing ID '{lid}' is not valid.",
                            "InvalidReservedInstancesListingId")
    if node["Status"] != "active":
        raise IncorrectState(f"The listing '{lid}' is {node['Status']} and cannot be "
                             "cancelled.", "InvalidState")
    world.update(lid, Status="cancelled", StatusMessage="cancelled", UpdateDate=now())
    return [listing_view(world, lid)]


def listing_view(world: World, lid: str) -> dict[str, Any]:
    node = world.graph.nodes[lid]
    counts = {"available": 0, "sold": 0, "cancelled": 0, "pending": 0}
    counts["available" if node["Status"] == "active" else "cancelled"] = node["count"]
    return {"ClientToken": node["ClientToken"], "CreateDate": node["CreateDate"],
            "InstanceCounts": [{"InstanceCount": n, "State": s} for s, n in counts.items()],
            "PriceSchedules": [dict(s) for s in node["PriceSchedules"]],
            "ReservedInstancesId": node["ReservedInstancesId"],
            "ReservedInstancesListingId": lid, "Status": node["Status"],
            "StatusMessage": node["StatusMessage"], "Tags": [],
            "UpdateDate": node["UpdateDate"]}


LISTING_FILTERS: dict[str, Filter] = {
    "reserved-instances-id": field("ReservedInstancesId"),
    "reserved-instances-listing-id": field("ReservedInstancesListingId"),
    "status": field("Status"), "status-message": field("StatusMessage")}


def describe_listings(world: World, part: Partition, reserved_instances_id: str | None = None,
                      reserved_instances_listing_id: str | None = None,
                      filters: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    rows = [listing_view(world, lid) for lid in part.ids(LISTING)]
    rows = [r for r in rows if reserved_instances_id in (None, r["ReservedInstancesId"])
            and reserved_instances_listing_id in (None, r["ReservedInstancesListingId"])]
    return select_rows(LISTING_FILTERS, filters, rows, taggable=False)


# -- modifications -------------------------------------------------------------------------------
def modify(world: World, part: Partition, reserved_instances_ids: list[str],
           target_configurations: list[dict[str, Any]], client_token: str | None = None) -> str:
    """ModifyReservedInstances: checked whole; `processing` until described."""
    nodes = [_active(world, part, rid) for rid in dict.fromkeys(reserved_instances_ids)]
    for rid in reserved_instances_ids:
        if _listed(world, part, rid):
            raise InvalidParameterValue(f"Reserved Instances '{rid}' are listed on the Reserved "
                                        "Instance Marketplace and cannot be modified.")
    _same_terms(nodes)
    if not target_configurations:
        raise MissingParameter("The request must contain the parameter targetConfigurations")
    base = nodes[0]
    targets = [_target(part, base, t) for t in target_configurations]
    have = sum(factor(n["InstanceType"]) * n["InstanceCount"] for n in nodes)
    want = sum(factor(t["InstanceType"]) * t["InstanceCount"] for t in targets)
    if have != want:
        raise InvalidParameterValue(
            "The requested configuration does not match the instance size footprint of the "
            f"Reserved Instances ({have:g} normalized units requested as {want:g}).")
    mod_id = world.new_id("rimod")
    world.add(part, MODIFICATION, mod_id, ReservedInstancesIds=list(dict.fromkeys(
        reserved_instances_ids)), targets=targets, Status="processing",
        StatusMessage="", CreateDate=now(), UpdateDate=now(), ClientToken=client_token,
        results=[])
    return mod_id


def _same_terms(nodes: list[dict[str, Any]]) -> None:
    keys = ("Duration", "OfferingType", "OfferingClass", "InstanceTenancy")
    if len({tuple(n[k] for k in keys) + (n["End"].date(),) for n in nodes}) > 1 or \
            len({instance_types.family(n["InstanceType"]) for n in nodes}) > 1:
        raise InvalidParameterCombination(
            "Reserved Instances modified together must share their term, end date, payment "
            "option, class, tenancy and instance family.")


def _target(part: Partition, base: dict[str, Any], target: dict[str, Any]) -> dict[str, Any]:
    type_name = target.get("InstanceType") or base["InstanceType"]
    if instance_types.family(type_name) != instance_types.family(base["InstanceType"]):
        raise InvalidParameterValue(
            f"The instance type {type_name} is not in the family of {base['InstanceType']}.")
    if type_name != base["InstanceType"] and not base["ProductDescription"].startswith("Linux"):
        raise InvalidParameterValue("Only Linux/UNIX Reserved Instances can change instance "
                                    "type.")
    scope = target.get("Scope") or base["Scope"]
    zone = target.get("AvailabilityZone")
    if target.get("AvailabilityZoneId") and not zone:
        found = regions.zone(part.region, zone_id=target["AvailabilityZoneId"])
        zone = found["ZoneName"] if found else "?"
    if scope == "Availability Zone":
        zone = zone or base.get("AvailabilityZone")
        found = regions.zone(part.region, zone_name=zone) if zone else None
        if found is None:
            raise InvalidParameterValue(f"Invalid availability zone: [{zone}]")
    elif zone:
        raise InvalidParameterCombination("A regional Reserved Instance has no Availability "
                                          "Zone.")
    count = target.get("InstanceCount")
    if count is None or count < 1:
        raise InvalidParameterValue(f"Value ({count}) for parameter instanceCount is invalid.")
    out = {"InstanceType": type_name, "InstanceCount": count, "Scope": scope,
           "Platform": target.get("Platform") or base["ProductDescription"]}
    if scope == "Availability Zone":
        out["AvailabilityZone"] = zone
    return out


def settle(world: World, part: Partition, mod_id: str) -> None:
    """Fulfil a processing modification: retire the originals, create the targets."""
    node = world.graph.nodes[mod_id]
    originals = [world.graph.nodes[r] for r in node["ReservedInstancesIds"]]
    if any(ri.state(o) != "active" for o in originals):
        world.update(mod_id, Status="failed", StatusMessage="Reserved Instances not active",
                     UpdateDate=now())
        return
    base = originals[0]
    results = []
    for target in node["targets"]:
        row = {**{k: base[k] for k in ri.TERMS if k in base}, **{
            k: target[k] for k in ("InstanceType", "Scope")}}
        row.pop("AvailabilityZone", None)
        row.pop("AvailabilityZoneId", None)
        if "AvailabilityZone" in target:
            found = regions.zone(part.region, zone_name=target["AvailabilityZone"]) or {}
            row.update(AvailabilityZone=target["AvailabilityZone"],
                       AvailabilityZoneId=found.get("ZoneId"))
        row["ReservedInstancesOfferingId"] = base["offering"]
        new = ri.create(world, part, row, target["InstanceCount"], now(), end=base["End"],
                        made_by=mod_id)
        results.append({"ReservedInstancesId": new, "TargetConfiguration": dict(target)})
    for rid in node["ReservedInstancesIds"]:
        ri.retire(world, rid)
    world.update(mod_id, Status="fulfilled", StatusMessage="", results=results,
                 UpdateDate=now(), EffectiveDate=now())


def settle_all(world: World, part: Partition) -> None:
    for mod_id in part.ids(MODIFICATION):
        if world.graph.nodes[mod_id]["Status"] == "processing":
            settle(world, part, mod_id)


def modification_view(world: World, mod_id: str) -> dict[str, Any]:
    node = world.graph.nodes[mod_id]
    out: dict[str, Any] = {
        "ReservedInstancesModificationId": mod_id, "CreateDate": node["CreateDate"],
        "UpdateDate": node["UpdateDate"], "Status": node["Status"],
        "ReservedInstancesIds": [{"ReservedInstancesId": r}
                                 for r in node["ReservedInstancesIds"]],
        "ModificationResults": [
            {"ReservedInstancesId": r["ReservedInstancesId"],
             "TargetConfiguration": dict(r["TargetConfiguration"])}
            for r in node["results"]] or [
            {"TargetConfiguration": dict(t)} for t in node["targets"]]}
    for key in ("ClientToken", "EffectiveDate", "StatusMessage"):
        if node.get(key):
            out[key] = node[key]
    return out


def _result(key: str):
    return Filter(lambda w, rid, n: [r.get("TargetConfiguration", r).get(key)
                                     for r in n["results"] or n["targets"]])


MODIFICATION_FILTERS: dict[str, Filter] = {
    "client-token": field("ClientToken"),
    "create-date": Filter(lambda w, rid, n: stamp(n["CreateDate"])),
    "effective-date": Filter(lambda w, rid, n: stamp(n["EffectiveDate"])
                             if n.get("EffectiveDate") else None),
    "modification-result.reserved-instances-id": Filter(
        lambda w, rid, n: [r["ReservedInstancesId"] for r in n["results"]]),
    "modification-result.target-configuration.availability-zone": _result("AvailabilityZone"),
    "modification-result.target-configuration.availability-zone-id": _result(
        "AvailabilityZoneId"),
    "modification-result.target-configuration.instance-count": _result("InstanceCount"),
    "modification-result.target-configuration.instance-type": _result("InstanceType"),
    "reserved-instances-id": field("ReservedInstancesIds"),
    "reserved-instances-modification-id": Filter(lambda w, rid, n: rid),
    "status": field("Status"),
    "status-message": field("StatusMessage"),
    "update-date": Filter(lambda w, rid, n: stamp(n["UpdateDate"])),
}


# -- exchanges -----------------------------------------------------------------------------------
def _value(fixed: float, hourly: float, count: int, start: dt.datetime, end: dt.datetime,
           at: dt.datetime) -> tuple[float, float, float]:
    """(hourly, remaining upfront, remaining total) of a reservation at `at`."""
    term = max((end - start).total_seconds(), 1.0)
    left = max((end - at).total_seconds(), 0.0)
    upfront = fixed * count * left / term
    return hourly * count, upfront, upfront + hourly * count * left / 3600


def _money(value: dict[str, float]) -> dict[str, str]:
    return {"HourlyPrice": f"{value['HourlyPrice']:.4f}",
            "RemainingUpfrontValue": f"{value['RemainingUpfrontValue']:.2f}",
            "RemainingTotalValue": f"{value['RemainingTotalValue']:.2f}"}


def _as_value(t: tuple[float, float, float]) -> dict[str, float]:
    return {"HourlyPrice": t[0], "RemainingUpfrontValue": t[1], "RemainingTotalValue": t[2]}


def _hourly(node: dict[str, Any]) -> float:
    return sum(c["Amount"] for c in node["RecurringCharges"])


def quote(world: World, part: Partition, reserved_instance_ids: list[str],
          target_configurations: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """GetReservedInstancesExchangeQuote: both sides valued; whether AWS would accept."""
    at = now()
    nodes = [(rid, ri.get(world, part, rid)) for rid in dict.fromkeys(reserved_instance_ids)]
    reason = _exchange_refusal(nodes)
    sources = [(rid, _value(n["FixedPrice"], _hourly(n), n["InstanceCount"], n["Start"],
                            n["End"], at)) for rid, n in nodes]
    expires = max(n["End"] for _, n in nodes)
    targets = []
    for t in target_configurations or []:
        row = ri._offering(part, t["OfferingId"])
        if row["OfferingClass"] != "convertible":
            reason = reason or "Only convertible Reserved Instance offerings can be targets."
        expires = max(expires, at + dt.timedelta(seconds=row["Duration"]))
        targets.append((t, row))
    target_values = [(t, _value(row["FixedPrice"], sum(c["Amount"] for c in
                                                        row["RecurringCharges"]),
                                t.get("InstanceCount") or 1, at,
                                at + dt.timedelta(seconds=row["Duration"]), at))
                     for t, row in targets]
    have = _rollup([v for _, v in sources])
    want = _rollup([v for _, v in target_values])
    if not targets:
        reason = reason or "No target configuration was specified."
    elif want["RemainingTotalValue"] < have["RemainingTotalValue"]:
        reason = reason or ("The target configuration is worth less than the Reserved "
                            "Instances exchanged; add instances to it.")
    due = max(want["RemainingUpfrontValue"] - have["RemainingUpfrontValue"], 0)
    out: dict[str, Any] = {
        "CurrencyCode": "USD", "IsValidExchange": reason is None,
        "OutputReservedInstancesWillExpireAt": expires, "PaymentDue": f"{due:.2f}",
        "ReservedInstanceValueRollup": _money(have),
        "ReservedInstanceValueSet": [{"ReservationValue": _money(_as_value(v)),
                                      "ReservedInstanceId": rid} for rid, v in sources],
        "TargetConfigurationValueRollup": _money(want),
        "TargetConfigurationValueSet": [
            {"ReservationValue": _money(_as_value(v)),
             "TargetConfiguration": {"InstanceCount": t.get("InstanceCount") or 1,
                                     "OfferingId": t["OfferingId"]}}
            for t, v in target_values]}
    if reason:
        out["ValidationFailureReason"] = reason
    return out


def _rollup(values: list[tuple[float, float, float]]) -> dict[str, float]:
    return {"HourlyPrice": sum(v[0] for v in values),
            "RemainingUpfrontValue": sum(v[1] for v in values),
            "RemainingTotalValue": sum(v[2] for v in values)}


def _exchange_refusal(nodes: list[tuple[str, dict[str, Any]]]) -> str | None:
    for rid, node in nodes:
        if node["OfferingClass"] != "convertible":
            return f"Reserved Instances '{rid}' are not convertible; only convertible " \
                   "Reserved Instances can be exchanged."
        if ri.state(node) != "active":
            return f"Reserved Instances '{rid}' are not active."
    return None


def accept(world: World, part: Partition, reserved_instance_ids: list[str],
           target_configurations: list[dict[str, Any]] | None = None) -> str:
    """AcceptReservedInstancesExchangeQuote: the originals retired, the targets bought."""
    answer = quote(world, part, reserved_instance_ids, target_configurations)
    if not answer["IsValidExchange"]:
        raise InvalidParameterValue(answer["ValidationFailureReason"])
    exchange_id = "riex-" + ri.new_uuid(world)
    expires = answer["OutputReservedInstancesWillExpireAt"]
    made = []
    for t in target_configurations or []:
        row = reserved_offerings.offering(part.region, t["OfferingId"])
        assert row is not None
        made.append(ri.create(world, part, row, t.get("InstanceCount") or 1, now(),
                              end=expires, made_by=exchange_id))
    for rid in dict.fromkeys(reserved_instance_ids):
        ri.retire(world, rid)
    world.add(part, EXCHANGE, exchange_id, sources=list(reserved_instance_ids), made=made)
    return exchange_id


declare_actions(ri.KIND, {"CreateReservedInstancesListing": create_listing,
                          "DescribeReservedInstancesListings": describe_listings,
                          "CancelReservedInstancesListing": cancel_listing,
                          "ModifyReservedInstances": modify,
                          "GetReservedInstancesExchangeQuote": quote,
                          "AcceptReservedInstancesExchangeQuote": accept})
