"""The catalogue of regions and availability zones, with zone ids.

AWS maps zone names to zone ids per account; we use one fixed mapping so that runs are
reproducible: the n-th zone of a region (a, b, c, ...) has zone id `<code>-az<n>`.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Region:
    name: str
    code: str            # zone-id prefix, e.g. "use1"
    zones: str           # zone letters, e.g. "abcdef"
    opt_in: bool = False  # opt-in region (not enabled by default)

    @property
    def endpoint(self) -> str:
        return f"ec2.{self.name}.amazonaws.com"


REGIONS: tuple[Region, ...] = (
    Region("us-east-1", "use1", "abcdef"),
    Region("us-east-2", "use2", "abc"),
    Region("us-west-1", "usw1", "bc"),
    Region("us-west-2", "usw2", "abcd"),
    Region("ca-central-1", "cac1", "abd"),
    Region("sa-east-1", "sae1", "abc"),
    Region("eu-west-1", "euw1", "abc"),
    Region("eu-west-2", "euw2", "abc"),
    Region("eu-west-3", "euw3", "abc"),
    Region("eu-central-1", "euc1", "abc"),
    Region("eu-north-1", "eun1", "abc"),
    Region("ap-northeast-1", "apne1", "acd"),
    Region("ap-northeast-2", "apne2", "abcd"),
    Region("ap-northeast-3", "apne3", "abc"),
    Region("ap-south-1", "aps1", "abc"),
    Region("ap-southeast-1", "apse1", "abc"),
    Region("ap-southeast-2", "apse2", "abc"),
    Region("af-south-1", "afs1", "abc", opt_in=True),
    Region("ap-east-1", "ape1", "abc", opt_in=True),
    Region("eu-south-1", "eus1", "abc", opt_in=True),
    Region("me-south-1", "mes1", "abc", opt_in=True),
)


@lru_cache(maxsize=None)
def by_name() -> dict[str, Region]:
    return {r.name: r for r in REGIONS}


def region(name: str) -> Region:
    """The catalogue entry for `name`; unknown regions get three zones, like most regions."""
    known = by_name().get(name)
    return known or Region(name, "".join(p[:2] if i == 0 else p[0] for i, p in
                                         enumerate(name.split("-"))), "abc")


def zones(name: str) -> list[dict[str, str]]:
    """The zones of region `name` as `{ZoneName, ZoneId}`, in order."""
    r = region(name)
    return [{"ZoneName": f"{r.name}{z}", "ZoneId": f"{r.code}-az{i + 1}"}
            for i, z in enumerate(r.zones)]


def zone(region_name: str, zone_name: str | None = None, zone_id: str | None = None
         ) -> dict[str, str] | None:
    """The zone of `region_name` with that name or id, or None."""
    for z in zones(region_name):
        if z["ZoneName"] == zone_name or z["ZoneId"] == zone_id:
            return z
    return None
