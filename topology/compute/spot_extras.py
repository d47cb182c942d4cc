"""The Spot data feed subscription and Spot placement scores.

An account has at most one data feed subscription per region (AWS: "one data feed per
account"); creating another replaces it. It is a partition attribute, so it is journaled
and saved with the state. Its bucket must be a valid S3 bucket name (ec2sim cannot see S3,
so any well-named bucket is taken as existing); AWS delivers the feed to
`s3://{bucket}/{prefix}`.

Placement scores (GetSpotPlacementScores) are drawn from the catalogue: each Region (or,
with SingleAvailabilityZone, each zone) gets a stable 1..10 for how likely the request is to
succeed: the spare capacity of its pools for the requested types (`spot_prices.unit`, the
same draw that orders Spot Fleet pools by depth) against the target capacity.
"""
from __future__ import annotations

import re
from typing import Any

from ..catalogue import instance_requirements, instance_types, spot_prices
from ..core import paging, regions
from ..core.errors import (InvalidParameterCombination, InvalidParameterValue, NotFound,
                           TopologyError)
from ..core.family import declare_actions
from ..core.world import Partition, World

DATAFEED = "spot-datafeed-subscription"
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_IP = re.compile(r"^\d+\.\d+\.\d+\.\d+$")
MAX_TARGET = 2_000_000          # AWS's bound on TargetCapacity
SCORE_RESULTS = (10, 1000)      # AWS's bounds on MaxResults
POOL_UNITS = 400                # what a fully deep pool of one type holds, in units


# -- the Spot data feed --------------------------------------------------------------------
def create_datafeed(world: World, part: Partition, bucket: str, prefix: str | None = None
                    ) -> dict[str, Any]:
    """CreateSpotDatafeedSubscription: AWS's `Active` subscription of the account."""
    if not _BUCKET.match(bucket) or ".." in bucket or _IP.match(bucket):
        raise TopologyError(f"Invalid bucket name: {bucket}.", "InvalidParameterValue")
    found = {"Bucket": bucket, "OwnerId": part.account, "State": "Active"}
    if prefix:
        found["Prefix"] = prefix
    world.set_attribute(part, DATAFEED, found)
    return dict(found)


def describe_datafeed(world: World, part: Partition) -> dict[str, Any]:
    found = part.attributes.get(DATAFEED)
    if found is None:
        raise NotFound("Spot datafeed subscription does not exist.",
                       "InvalidSpotDatafeed.NotFound")
    return dict(found)


def delete_datafeed(world: World, part: Partition) -> None:
    describe_datafeed(world, part)
    world.set_attribute(part, DATAFEED, None)


# -- GetSpotPlacementScores -----------------------------------------------------------------
def placement_scores(params: dict[str, Any]) -> dict[str, Any]:
    """Scores per Region (or zone), best first, paged."""
    types = _types(params)
    target = params["TargetCapacity"]
    if not 1 <= target <= MAX_TARGET:
        raise InvalidParameterValue(f"TargetCapacity must be between 1 and {MAX_TARGET}.")
    low, high = SCORE_RESULTS
    size = params.get("MaxResults")
    if size is not None and not low <= size <= high:
        raise InvalidParameterValue(
            f"Value ( {size} ) for parameter maxResults is invalid. Parameter must be between "
            f"{low} and {high}.")
    names = params.get("RegionNames") or [r.name for r in regions.REGIONS]
    for name in names:
        if name not in regions.by_name():
            raise InvalidParameterValue(f"Invalid region name: {name}")
    unit = params.get("TargetCapacityUnitType") or "units"
    rows = []
    for name in dict.fromkeys(names):
        for zone in regions.zones(name):
            rows.append((name, zone["ZoneId"], _score(name, zone["ZoneName"], types, target,
                                                       unit)))
    if not params.get("SingleAvailabilityZone"):
        best: dict[str, int] = {}
        for name, _, score in rows:
            best[name] = max(best.get(name, 0), score)
        rows = [(name, None, score) for name, score in best.items()]
    rows.sort(key=lambda row: (-row[2], row[0], row[1] or ""))
    return _page(rows, size or high, params.get("NextToken"))


def _types(params: dict[str, Any]) -> list[str]:
    given, req = params.get("InstanceTypes"), params.get("InstanceRequirementsWithMetadata")
    if bool(given) == bool(req):
        raise InvalidParameterCombination(
            "You must specify either InstanceTypes or InstanceRequirementsWithMetadata, but "
            "not both.")
    if given:
        for name in given:
            if instance_types.get(name) is None:
                raise InvalidParameterValue(f"The instance type '{name}' does not exist.")
        return list(dict.fromkeys(given))
    if not req.get("InstanceRequirements"):
        raise TopologyError("The request must contain the parameter "
                            "InstanceRequirementsWithMetadata.InstanceRequirements",
                            "MissingParameter")
    return instance_requirements.matching(req["InstanceRequirements"],
                                          req.get("ArchitectureTypes"),
                                          req.get("VirtualizationTypes"))


def _score(region: str, zone: str, types: list[str], target: int, unit: str) -> int:
    """1..10: the zone's spare capacity for these types against the target."""
    room = 0.0
    for name in types:
        if not instance_types.offered(region, "availability-zone", zone, name):
            continue
        info = instance_types.get(name)
        assert info is not None
        size = {"vcpu": info["VCpuInfo"]["DefaultVCpus"],
                "memory-mib": info["MemoryInfo"]["SizeInMiB"]}.get(unit, 1)
        room += spot_prices.unit(region, zone, name, "depth") * POOL_UNITS * size
    return max(1, min(10, 1 + int(9 * min(1.0, room / target))))


def _page(rows: list[tuple[str, str | None, int]], size: int, token: str | None
          ) -> dict[str, Any]:
    first = paging.decode(token, "spot-placement-scores", lambda p: isinstance(p, int)) \
        if token else 0
    chosen = rows[first:first + size]
    out = [{"Region": name, **({"AvailabilityZoneId": zone} if zone else {}), "Score": score}
           for name, zone, score in chosen]
    more = first + size < len(rows)
    return {"SpotPlacementScores": out,
            "NextToken": paging.encode("spot-placement-scores", first + size) if more else None}


# -- GetInstanceTypesFromInstanceRequirements -----------------------------------------------
def types_from_requirements(params: dict[str, Any]) -> dict[str, Any]:
    """The catalogue's types meeting the requirements, by name, paged."""
    size = params.get("MaxResults")
    if size is not None and size < 1:
        raise InvalidParameterValue(f"Value ( {size} ) for parameter maxResults is invalid. "
                                    "Expecting a value greater than 0.")
    found = sorted(instance_requirements.matching(
        params["InstanceRequirements"], params["ArchitectureTypes"],
        params["VirtualizationTypes"]))
    first = paging.decode(params["NextToken"], "instance-requirements",
                          lambda p: isinstance(p, int)) if params.get("NextToken") else 0
    size = size or len(found) or 1
    chosen = found[first:first + size]
    more = first + size < len(found)
    return {"InstanceTypes": [{"InstanceType": name} for name in chosen],
            "NextToken": paging.encode("instance-requirements", first + size) if more else None}


# these operations are bound from the functions above (docs/families.md); the subscription
# is an account setting with no resource kind of its own
declare_actions("spot-datafeed", {"CreateSpotDatafeedSubscription": create_datafeed,
                                  "DescribeSpotDatafeedSubscription": describe_datafeed,
                                  "DeleteSpotDatafeedSubscription": delete_datafeed})
