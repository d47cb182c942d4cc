"""The catalogue of regions and availability zones, with zone ids, and their describe views.

AWS maps zone names to zone ids per account; we use one fixed mapping so that runs are
reproducible: the n-th zone of a region (a, b, c, ...) has zone id `<code>-az<n>`, except in
regions whose zone ids have gaps (us-west-1 has usw1-az1 and usw1-az3, no az2), which list
their ids in zone order. A region outside the catalogue gets three zones and AWS's region code: the
country, then the initials of the direction words, then the number (ap-southeast-5 →
apse5, cn-northwest-1 → cnnw1, us-gov-west-1 → usgw1).
Opt-in regions (launched after March 2019) are not enabled for an account: they show up in
`describe_regions` only with `AllRegions`, as `not-opted-in`. Regions that existed before
December 2013 had EC2-Classic, which is what ClassicLink calls depend on.

>>> [z["ZoneName"] for z in zones("us-east-2")]
['us-east-2a', 'us-east-2b', 'us-east-2c']
>>> zone("us-east-2", zone_id="use2-az2")["ZoneName"]
'us-east-2b'
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any


@dataclass(frozen=True)
class Region:
    name: str
    code: str             # zone-id prefix, e.g. "use1"
    zones: str            # zone letters, e.g. "abcdef"
    long_name: str        # e.g. "US East (N. Virginia)"
    opt_in: bool = False  # opt-in region (not enabled by default)
    classic: bool = False  # had EC2-Classic, so ClassicLink calls are available
    zone_ids: tuple[int, ...] = ()  # the zones' id numbers where they are not 1, 2, 3, ...

    @property
    def endpoint(self) -> str:
        return f"ec2.{self.name}.amazonaws.com"


REGIONS: tuple[Region, ...] = (
    Region("us-east-1", "use1", "abcdef", "US East (N. Virginia)", classic=True),
    Region("us-east-2", "use2", "abc", "US East (Ohio)"),
    Region("us-west-1", "usw1", "ab", "US West (N. California)", classic=True,
           zone_ids=(3, 1)),
    Region("us-west-2", "usw2", "abcd", "US West (Oregon)", classic=True),
    Region("ca-central-1", "cac1", "abd", "Canada (Central)", zone_ids=(1, 2, 4)),
    Region("sa-east-1", "sae1", "abc", "South America (Sao Paulo)", classic=True),
    Region("eu-west-1", "euw1", "abc", "Europe (Ireland)", classic=True),
    Region("eu-west-2", "euw2", "abc", "Europe (London)"),
    Region("eu-west-3", "euw3", "abc", "Europe (Paris)"),
    Region("eu-central-1", "euc1", "abc", "Europe (Frankfurt)"),
    Region("eu-north-1", "eun1", "abc", "Europe (Stockholm)"),
    Region("ap-northeast-1", "apne1", "acd", "Asia Pacific (Tokyo)", classic=True,
           zone_ids=(4, 1, 2)),
    Region("ap-northeast-2", "apne2", "abcd", "Asia Pacific (Seoul)"),
    Region("ap-northeast-3", "apne3", "abc", "Asia Pacific (Osaka)"),
    Region("ap-south-1", "aps1", "abc", "Asia Pacific (Mumbai)"),
    Region("ap-southeast-1", "apse1", "abc", "Asia Pacific (Singapore)", classic=True),
    Region("ap-southeast-2", "apse2", "abc", "Asia Pacific (Sydney)", classic=True),
    Region("af-south-1", "afs1", "abc", "Africa (Cape Town)", opt_in=True),
    Region("ap-east-1", "ape1", "abc", "Asia Pacific (Hong Kong)", opt_in=True),
    Region("ap-south-2", "aps2", "abc", "Asia Pacific (Hyderabad)", opt_in=True),
    Region("ap-southeast-3", "apse3", "abc", "Asia Pacific (Jakarta)", opt_in=True),
    Region("ap-southeast-4", "apse4", "abc", "Asia Pacific (Melbourne)", opt_in=True),
    Region("ca-west-1", "caw1", "abc", "Canada West (Calgary)", opt_in=True),
    Region("eu-south-1", "eus1", "abc", "Europe (Milan)", opt_in=True),
    Region("eu-south-2", "eus2", "abc", "Europe (Spain)", opt_in=True),
    Region("eu-central-2", "euc2", "abc", "Europe (Zurich)", opt_in=True),
    Region("il-central-1", "ilc1", "abc", "Israel (Tel Aviv)", opt_in=True),
    Region("me-south-1", "mes1", "abc", "Middle East (Bahrain)", opt_in=True),
    Region("me-central-1", "mec1", "abc", "Middle East (UAE)", opt_in=True),
)


@lru_cache(maxsize=None)
def by_name() -> dict[str, Region]:
    return {r.name: r for r in REGIONS}


def region(name: str) -> Region:
    """The catalogue entry for `name`; unknown regions get three zones, like most regions."""
    known = by_name().get(name)
    return known or Region(name, _code(name), "abc", name)


_DIRECTIONS = ("north", "south", "east", "west", "central")


def _code(name: str) -> str:
    """AWS's zone-id prefix for a region name: `ap-southeast-5` → `apse5`."""
    country, *words = name.split("-")
    initials = []
    for word in words:
        while word:   # `southeast` is two direction words
            head = next((d for d in _DIRECTIONS if word.startswith(d)), word)
            initials.append(head[0])
            word = word[len(head):]
    return country + "".join(initials)


def zones(name: str) -> list[dict[str, str]]:
    """The zones of region `name` as `{ZoneName, ZoneId}`, in order."""
    r = region(name)
    numbers = r.zone_ids or range(1, len(r.zones) + 1)
    return [{"ZoneName": f"{r.name}{z}", "ZoneId": f"{r.code}-az{n}"}
            for z, n in zip(r.zones, numbers)]


def zone(region_name: str, zone_name: str | None = None, zone_id: str | None = None
         ) -> dict[str, str] | None:
    """The zone of `region_name` with that name or id, or None."""
    for z in zones(region_name):
        if z["ZoneName"] == zone_name or z["ZoneId"] == zone_id:
            return z
    return None


def zone_view(region_name: str, found: dict[str, str]) -> dict[str, Any]:
    """A zone as boto3's `AvailabilityZone` (an Availability Zone, never a Local Zone)."""
    r = region(region_name)
    return {
        "State": "available",
        "OptInStatus": "opt-in-not-required",
        "Messages": [],
        "RegionName": r.name,
        "ZoneName": found["ZoneName"],
        "ZoneId": found["ZoneId"],
        "GroupName": f"{r.name}-zg-1",
        "GroupLongName": f"{r.long_name} 1",
        "NetworkBorderGroup": r.name,
        "ZoneType": "availability-zone",
    }


def opt_in_status(r: Region) -> str:
    return "not-opted-in" if r.opt_in else "opt-in-not-required"


def region_view(r: Region) -> dict[str, Any]:
    """A region as boto3's `Region`."""
    return {"RegionName": r.name, "Endpoint": r.endpoint, "OptInStatus": opt_in_status(r)}
