"""Dedicated Host configurations: what one physical server of a family holds.

AWS publishes, per instance family, the sockets, physical cores and vCPUs of its Dedicated
Hosts ("Amazon EC2 Dedicated Hosts: instance type configurations"). Here a family's host is
its largest size that supports Dedicated Hosts in the instance type catalogue (the metal size
where there is one: m5 48 cores, 96 vCPUs), two sockets for Intel and AMD servers, one for
Graviton; `OVERRIDES` holds the published figures the rule misses. Mac hosts are AWS's
`mac*.metal` servers: one socket, one instance per host.

>>> properties("m5")
{'Sockets': 2, 'Cores': 48, 'TotalVCpus': 96}
>>> capacity("m5", "m5.large")
48
>>> properties("mac2.metal")["TotalVCpus"]
8
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from . import instance_types

# family -> (sockets, cores, vCPUs) where the largest size is not the whole server
OVERRIDES: dict[str, tuple[int, int, int]] = {"t3": (2, 48, 96), "c5": (2, 36, 72)}
# Mac hosts: instance type -> (cores, vCPUs, macOS versions the host supports, newest first)
MAC_TYPES: dict[str, tuple[int, int, tuple[str, ...]]] = {
    "mac1.metal": (6, 12, ("15.5", "14.7.6", "13.7.6")),
    "mac2.metal": (8, 8, ("15.5", "14.7.6", "13.7.6")),
    "mac2-m2.metal": (8, 8, ("15.5", "14.7.6", "13.7.6")),
    "mac2-m2pro.metal": (12, 12, ("15.5", "14.7.6", "13.7.6")),
    "mac2-m1ultra.metal": (20, 20, ("15.5", "14.7.6")),
}


def is_mac(type_name: str) -> bool:
    return type_name in MAC_TYPES


@lru_cache(maxsize=None)
def _families() -> dict[str, tuple[int, int, int]]:
    """family -> (sockets, cores, vCPUs) of its Dedicated Host."""
    best: dict[str, dict[str, Any]] = {}
    for name, info in instance_types.catalogue().items():
        if not info.get("DedicatedHostsSupported"):
            continue
        fam = instance_types.family(name)
        held = best.get(fam)
        if held is None or info["VCpuInfo"]["DefaultVCpus"] > held["VCpuInfo"]["DefaultVCpus"]:
            best[fam] = info
    out = {}
    for fam, info in best.items():
        vcpu = info["VCpuInfo"]
        sockets = 1 if info["ProcessorInfo"].get("Manufacturer") == "AWS" else 2
        out[fam] = OVERRIDES.get(fam, (sockets, vcpu.get("DefaultCores", vcpu["DefaultVCpus"]),
                                       vcpu["DefaultVCpus"]))
    return out


def families() -> list[str]:
    """Families a Dedicated Host can be allocated for, in catalogue order."""
    return list(_families())


def supported(type_name: str) -> bool:
    """Whether an instance type can run on (and a host be allocated for) a Dedicated Host."""
    if is_mac(type_name):
        return True
    info = instance_types.catalogue().get(type_name)
    return bool(info and info.get("DedicatedHostsSupported"))


def vcpus(type_name: str) -> int:
    """The vCPUs one instance of the type takes on a host."""
    if is_mac(type_name):
        return MAC_TYPES[type_name][1]
    return int(instance_types.catalogue()[type_name]["VCpuInfo"]["DefaultVCpus"])


def family_of(type_name: str) -> str:
    return type_name if is_mac(type_name) else instance_types.family(type_name)


def properties(family_or_type: str) -> dict[str, int]:
    """Sockets, cores and total vCPUs of a host of a family (or of a Mac type)."""
    if is_mac(family_or_type):
        cores, total, _ = MAC_TYPES[family_or_type]
        return {"Sockets": 1, "Cores": cores, "TotalVCpus": total}
    sockets, cores, total = _families()[family_or_type]
    return {"Sockets": sockets, "Cores": cores, "TotalVCpus": total}


def capacity(family: str, type_name: str) -> int:
    """How many instances of `type_name` an empty host of `family` holds."""
    if is_mac(type_name):
        return 1
    return properties(family)["TotalVCpus"] // vcpus(type_name)


def sizes(family: str) -> list[str]:
    """The family's types a host of it runs, smallest first."""
    if is_mac(family):
        return [family]
    return sorted((n for n in instance_types.names() if instance_types.family(n) == family
                   and supported(n)), key=vcpus)
