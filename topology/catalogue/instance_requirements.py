"""Attribute-based instance type selection: which catalogue types an `InstanceRequirements`
asks for.

AWS's semantics (the EC2 User Guide, "attribute-based instance type selection"): every
range is inclusive and an absent bound is no limit; `BareMetal` and `BurstablePerformance`
default to `excluded`, `LocalStorage` to `included`; `InstanceGenerations` absent takes
both; `ExcludedInstanceTypes` and `AllowedInstanceTypes` take `*` wildcards and exclude each
other; accelerator ranges count GPUs (the only accelerators the catalogue carries), and an
accelerator filter leaves out the types without one. The price-protection members
(`...PricePercentageOverLowestPrice`) decide among pools at launch, not what matches.

>>> sorted(matching({"VCpuCount": {"Min": 2, "Max": 2}, "MemoryMiB": {"Min": 16384,
...                  "Max": 16384}}, ["arm64"], ["hvm"]))
['r6g.large', 'r7g.large']
"""
from __future__ import annotations

import fnmatch
from typing import Any, Iterable

from ..core.errors import InvalidParameterCombination, InvalidParameterValue
from . import instance_types

# AWS's CpuManufacturers names -> the catalogue's ProcessorInfo.Manufacturer
MANUFACTURERS = {"intel": "Intel", "amd": "AMD", "amazon-web-services": "AWS",
                 "apple": "Apple"}
RANGES = ("VCpuCount", "MemoryMiB", "MemoryGiBPerVCpu", "NetworkInterfaceCount",
          "TotalLocalStorageGB", "BaselineEbsBandwidthMbps", "AcceleratorCount",
          "AcceleratorTotalMemoryMiB", "NetworkBandwidthGbps")
MAX_PATTERNS = 400          # AWS: up to 400 entries in Excluded/AllowedInstanceTypes


def check(req: dict[str, Any]) -> None:
    """AWS's refusals of a requirements structure (before anything changes)."""
    for name in RANGES:
        bounds = req.get(name)
        if bounds is None:
            continue
        low, high = bounds.get("Min"), bounds.get("Max")
        if (low is not None and low < 0) or (high is not None and high < 0):
            raise InvalidParameterValue(f"The value for {name} must be non-negative.")
        if low is not None and high is not None and low > high:
            raise InvalidParameterValue(
                f"The minimum value for {name} ({low}) cannot be greater than its maximum "
                f"value ({high}).")
    if req.get("ExcludedInstanceTypes") and req.get("AllowedInstanceTypes"):
        raise InvalidParameterCombination(
            "You can't specify both AllowedInstanceTypes and ExcludedInstanceTypes.")
    for name in ("ExcludedInstanceTypes", "AllowedInstanceTypes"):
        if len(req.get(name) or []) > MAX_PATTERNS:
            raise InvalidParameterValue(f"You can specify up to {MAX_PATTERNS} {name}.")
    if req.get("SpotMaxPricePercentageOverLowestPrice") is not None and \
            req.get("MaxSpotPriceAsPercentageOfOptimalOnDemandPrice") is not None:
        raise InvalidParameterCombination(
            "You can't specify both SpotMaxPricePercentageOverLowestPrice and "
            "MaxSpotPriceAsPercentageOfOptimalOnDemandPrice.")


def matching(req: dict[str, Any], architectures: Iterable[str] | None = None,
             virtualization: Iterable[str] | None = None) -> list[str]:
    """The catalogue's types that meet `req` (and run one of `architectures` and
    `virtualization` types, when given), in catalogue order."""
    check(req)
    archs, virts = set(architectures or ()), set(virtualization or ())
    out = []
    for name in instance_types.names():
        info = instance_types.get(name)
        assert info is not None
        if archs and not archs & set(info["ProcessorInfo"]["SupportedArchitectures"]):
            continue
        if virts and not virts & set(info["SupportedVirtualizationTypes"]):
            continue
        if meets(info, req):
            out.append(name)
    return out


def meets(info: dict[str, Any], req: dict[str, Any]) -> bool:
    """Whether one catalogue type (DescribeInstanceTypes' shape) meets `req`."""
    name = info["InstanceType"]
    facts = _facts(info)
    for member, value in facts.items():
        if not _within(value, req.get(member)):
            return False
    return (_names_ok(name, req) and _choices_ok(info, req) and _accelerators_ok(info, req)
            and _flags_ok(info, req))


def _facts(info: dict[str, Any]) -> dict[str, float]:
    vcpus = info["VCpuInfo"]["DefaultVCpus"]
    mib = info["MemoryInfo"]["SizeInMiB"]
    network = info["NetworkInfo"]
    cards = network.get("NetworkCards") or [{}]
    ebs = (info.get("EbsInfo") or {}).get("EbsOptimizedInfo") or {}
    gpus = (info.get("GpuInfo") or {})
    return {"VCpuCount": vcpus, "MemoryMiB": mib, "MemoryGiBPerVCpu": mib / 1024 / vcpus,
            "NetworkInterfaceCount": network["MaximumNetworkInterfaces"],
            "TotalLocalStorageGB": (info.get("InstanceStorageInfo") or {}).get(
                "TotalSizeInGB", 0),
            "BaselineEbsBandwidthMbps": ebs.get("BaselineBandwidthInMbps", 0),
            "AcceleratorCount": sum(g.get("Count", 0) for g in gpus.get("Gpus", [])),
            "AcceleratorTotalMemoryMiB": gpus.get("TotalGpuMemoryInMiB", 0),
            "NetworkBandwidthGbps": sum(c.get("BaselineBandwidthInGbps", 0) for c in cards)}


def _within(value: float, bounds: dict[str, Any] | None) -> bool:
    if not bounds:
        return True
    low, high = bounds.get("Min"), bounds.get("Max")
    return (low is None or value >= low) and (high is None or value <= high)


def _names_ok(name: str, req: dict[str, Any]) -> bool:
    allowed = req.get("AllowedInstanceTypes")
    if allowed and not any(fnmatch.fnmatchcase(name, p) for p in allowed):
        return False
    return not any(fnmatch.fnmatchcase(name, p) for p in req.get("ExcludedInstanceTypes") or [])


def _choices_ok(info: dict[str, Any], req: dict[str, Any]) -> bool:
    makers = req.get("CpuManufacturers")
    if makers and info["ProcessorInfo"].get("Manufacturer") not in {
            MANUFACTURERS.get(m, m) for m in makers}:
        return False
    generations = req.get("InstanceGenerations")
    if generations and ("current" if info["CurrentGeneration"] else "previous") \
            not in generations:
        return False
    disks = {d["Type"] for d in (info.get("InstanceStorageInfo") or {}).get("Disks", [])}
    kinds = req.get("LocalStorageTypes")
    return not (kinds and disks and not disks & set(kinds))


def _accelerators_ok(info: dict[str, Any], req: dict[str, Any]) -> bool:
    gpus = (info.get("GpuInfo") or {}).get("Gpus", [])
    wanted = ("AcceleratorTypes", "AcceleratorManufacturers", "AcceleratorNames")
    if not any(req.get(k) for k in wanted):
        return True
    if not gpus:
        return False
    if req.get("AcceleratorTypes") and "gpu" not in req["AcceleratorTypes"]:
        return False
    makers = {g.get("Manufacturer", "").lower() for g in gpus}
    if req.get("AcceleratorManufacturers") and not makers & set(req["AcceleratorManufacturers"]):
        return False
    names = {g.get("Name", "").lower() for g in gpus}
    return not (req.get("AcceleratorNames") and not names & set(req["AcceleratorNames"]))


def _flags_ok(info: dict[str, Any], req: dict[str, Any]) -> bool:
    rules = (("BareMetal", info["BareMetal"], "excluded"),
             ("BurstablePerformance", info["BurstablePerformanceSupported"], "excluded"),
             ("LocalStorage", bool(info.get("InstanceStorageSupported")), "included"))
    for member, has, default in rules:
        choice = req.get(member) or default
        if (choice == "excluded" and has) or (choice == "required" and not has):
            return False
    if req.get("RequireHibernateSupport") and not info.get("HibernationSupported"):
        return False
    return not (req.get("RequireEncryptionInTransit") and
                not info["NetworkInfo"].get("EncryptionInTransitSupported"))
