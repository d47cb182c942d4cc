"""Instance types: the catalogue as boto3's `InstanceTypeInfo`, where each type is offered,
the DescribeInstanceTypes / DescribeInstanceTypeOfferings filters, and paging over them.

The facts are tables in `topology.instance_type_catalogue`; this module derives what AWS
derives from them (documented rules, not per-type data):

* bare metal sizes (`metal`, `metal-24xl`) have no hypervisor and boot legacy BIOS (x86) or
  UEFI (Graviton); other Nitro x86 types boot either, Xen types legacy BIOS only;
* NitroTPM 2.0 on every virtualized Nitro type; Nitro Enclaves on virtualized, non-burstable
  Nitro types with at least 4 vCPUs (2 on Graviton);
* On-Demand hibernation where the family supports it, memory is under 150 GiB and the type is
  not bare metal; burstable (T) types cannot join cluster placement groups.

Offerings are deterministic: a type is offered in every zone of every region, except where
`ZONE_LIMITS`, `REGION_LIMITS` and `REGIONS_ONLY` of the catalogue say otherwise (AWS's own
gaps: us-east-1e offers only t2 and i3 of these families, eu-north-1 never had t2, ...).
Catalogue order (family, then size) is the order of every answer.

>>> get("t3.micro")["VCpuInfo"]
{'DefaultVCpus': 2, 'DefaultCores': 1, 'DefaultThreadsPerCore': 2, 'ValidCores': [1], 'ValidThreadsPerCore': [1, 2]}
>>> offered("us-east-1", "availability-zone", "us-east-1e", "t3.micro")
False
>>> zones_offering("us-east-1", "t3.micro")[:2]
['us-east-1a', 'us-east-1b']
"""
from __future__ import annotations

import copy
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from ..core import paging, regions
from ..core.filters import Filter, FilterTable
from .instance_type_catalogue import (BANDWIDTH_WEIGHTING_FAMILIES, BANDWIDTH_WEIGHTINGS, CPUS,
                                      FAMILIES, REGION_LIMITS, REGIONS_ONLY, SIZES, ZONE_LIMITS,
                                      Family)

GIB = 1024
HIBERNATION_MEMORY_LIMIT_MIB = 150 * GIB   # AWS: instance RAM must be less than 150 GiB
CONNECTION_TRACKING = {"DefaultTcpEstablishedTimeout": 432000, "DefaultUdpStreamTimeout": 180,
                       "DefaultUdpTimeout": 30}
LOCATION_TYPES = ("region", "availability-zone", "availability-zone-id", "outpost")


# -- the catalogue ----------------------------------------------------------------------------
def get(name: str) -> dict[str, Any] | None:
    """The type as boto3's `InstanceTypeInfo` (a copy), or None for a type AWS does not have."""
    info = _catalogue().get(name)
    return copy.deepcopy(info) if info is not None else None


def catalogue() -> dict[str, dict[str, Any]]:
    """Every type's `InstanceTypeInfo` by name, shared and read-only (never mutate it): for
    answers that only read the catalogue, without copying it per request."""
    return _catalogue()


def names() -> list[str]:
    """Every type in the catalogue, in catalogue order."""
    return list(_catalogue())


def family(name: str) -> str:
    return name.partition(".")[0]


@lru_cache(maxsize=1)
def _catalogue() -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for fam, table in SIZES.items():
        for line in table.strip().splitlines():
            info = _info(fam, FAMILIES[fam], line.split())
            out[info["InstanceType"]] = info
    return out


def _number(text: str) -> int | float | None:
    if text == "-":
        return None
    value = float(text)
    return int(value) if value.is_integer() else value


_NAMED_SPEEDS = {"low-mod": "Low to Moderate", "very-low": "Very Low", "low": "Low", "mod": "Moderate", "high": "High"}


def _network(code: str) -> str:
    if code in _NAMED_SPEEDS:
        return _NAMED_SPEEDS[code]
    if code.startswith("u"):
        return f"Up to {code[1:]} Gigabit"
    return f"{code} Gigabit"


def _cores(spec: str) -> list[int] | None:
    """`1-4` -> [1, 2, 3, 4]; `2-8:2` -> [2, 4, 6, 8]; `12,18` -> [12, 18]; `-` -> None."""
    if spec == "-":
        return None
    out: list[int] = []
    for item in spec.split(","):
        bounds, _, step = item.partition(":")
        low, _, high = bounds.partition("-")
        out.extend(range(int(low), int(high or low) + 1, int(step or 1)))
    return out


def _flags(text: str) -> dict[str, str]:
    """`efa,disk=1x475` -> {"efa": "", "disk": "1x475"}."""
    return dict(item.partition("=")[::2] for item in text.split(",") if item)


def _info(fam: str, spec: Family, row: list[str]) -> dict[str, Any]:
    (size, vcpus, cores, threads, memory, net, enis, ipv4, ipv6, ebs_base, iops_base, ebs_max,
     iops_max, volumes, card_base, card_peak, valid_cores) = row[:17]
    flags = _flags(row[17] if len(row) > 17 else "")
    vcpus_n, memory_n = int(vcpus), int(memory)
    metal = size.startswith("metal")
    nitro = spec.hypervisor == "nitro"
    manufacturer, arches = CPUS[spec.cpu]
    info: dict[str, Any] = {
        "InstanceType": f"{fam}.{size}",
        "CurrentGeneration": spec.current,
        "FreeTierEligible": "ft" in flags,
        "SupportedUsageClasses": ["on-demand"] if "od-only" in flags else ["on-demand", "spot"],
        "SupportedRootDeviceTypes": ["ebs"],
        "SupportedVirtualizationTypes": list(spec.virtualization),
        "BareMetal": metal,
    }
    if not metal:
        info["Hypervisor"] = spec.hypervisor
    info["ProcessorInfo"] = {
        "SupportedArchitectures": (["i386"] if "i386" in flags else []) + list(arches),
        "SustainedClockSpeedInGhz": float(flags.get("ghz") or spec.clock),
        "Manufacturer": manufacturer,
    }
    info["VCpuInfo"] = _vcpu_info(vcpus_n, int(cores), int(threads), _cores(valid_cores))
    info["MemoryInfo"] = {"SizeInMiB": memory_n}
    disk = flags.get("disk") or flags.get("hdd")
    info["InstanceStorageSupported"] = disk is not None
    if disk is not None:
        count, _, size_gb = disk.partition("x")
        nvme = "disk" in flags
        info["InstanceStorageInfo"] = {
            "TotalSizeInGB": int(count) * int(size_gb),
            "Disks": [{"SizeInGB": int(size_gb), "Count": int(count),
                       "Type": "ssd" if nvme else "hdd"}],
            "NvmeSupport": "required" if nvme else "unsupported",
            "EncryptionSupport": "required" if nvme else "unsupported"}
    info["EbsInfo"] = _ebs_info(spec, [_number(x) for x in (ebs_base, iops_base, ebs_max,
                                                             iops_max)], int(volumes))
    info["NetworkInfo"] = _network_info(spec, flags, _network(net), int(enis), int(ipv4),
                                        int(ipv6), _number(card_base), _number(card_peak))
    if fam in BANDWIDTH_WEIGHTING_FAMILIES:
        info["NetworkInfo"]["BandwidthWeightings"] = list(BANDWIDTH_WEIGHTINGS)
    if spec.gpu is not None:
        name, maker, gpu_memory, workloads = spec.gpu
        count = int(flags.get("gpu", "1"))
        info["GpuInfo"] = {"Gpus": [{"Name": name, "Manufacturer": maker, "Count": count,
                                     "LogicalGpuCount": count, "GpuPartitionSize": 1.0,
                                     "Workloads": list(workloads),
                                     "MemoryInfo": {"SizeInMiB": gpu_memory}}],
                           "TotalGpuMemoryInMiB": count * gpu_memory}
    info["PlacementGroupInfo"] = {"SupportedStrategies": (
        ["partition", "spread"] if spec.burstable else ["cluster", "partition", "spread"])}
    info["HibernationSupported"] = (spec.hibernation and not metal
                                    and memory_n < HIBERNATION_MEMORY_LIMIT_MIB)
    info["BurstablePerformanceSupported"] = spec.burstable
    info["DedicatedHostsSupported"] = ("+dh" in flags) or (spec.dedicated_hosts
                                                          and "-dh" not in flags)
    info["AutoRecoverySupported"] = spec.auto_recovery
    info["SupportedBootModes"] = _boot_modes(spec, metal)
    enclave_vcpus = 2 if spec.cpu == "graviton" else 4
    info["NitroEnclavesSupport"] = "supported" if (
        spec.enclaves and nitro and not metal and not spec.burstable
        and vcpus_n >= enclave_vcpus) else "unsupported"
    tpm = spec.nitro_tpm and nitro and not metal
    info["NitroTpmSupport"] = "supported" if tpm else "unsupported"
    if tpm:
        info["NitroTpmInfo"] = {"SupportedVersions": ["2.0"]}
    return info


def _vcpu_info(vcpus: int, cores: int, threads: int, valid: list[int] | None) -> dict[str, Any]:
    out: dict[str, Any] = {"DefaultVCpus": vcpus, "DefaultCores": cores,
                           "DefaultThreadsPerCore": threads}
    if valid is not None:   # types whose CPU options can be set
        out["ValidCores"] = valid
        out["ValidThreadsPerCore"] = [1, 2] if threads == 2 else [1]
    return out


def _ebs_info(spec: Family, numbers: list[Any], volumes: int) -> dict[str, Any]:
    out: dict[str, Any] = {"EbsOptimizedSupport": spec.ebs_optimized,
                           "EncryptionSupport": "supported"}
    base, base_iops, peak, peak_iops = numbers
    if base is not None:
        out["EbsOptimizedInfo"] = {
            "BaselineBandwidthInMbps": base, "BaselineThroughputInMBps": base / 8,
            "BaselineIops": base_iops, "MaximumBandwidthInMbps": peak,
            "MaximumThroughputInMBps": peak / 8, "MaximumIops": peak_iops}
    out["NvmeSupport"] = spec.ebs_nvme
    out["MaximumEbsAttachments"] = volumes
    out["AttachmentLimitType"] = spec.ebs_attachments
    return out


def _network_info(spec: Family, flags: dict[str, str], performance: str, enis: int, ipv4: int,
                  ipv6: int, card_base: Any, card_peak: Any) -> dict[str, Any]:
    card = {"NetworkCardIndex": 0, "NetworkPerformance": performance,
            "MaximumNetworkInterfaces": enis, "BaselineBandwidthInGbps": card_base,
            "PeakBandwidthInGbps": card_peak}
    out: dict[str, Any] = {
        "NetworkPerformance": performance,
        "MaximumNetworkInterfaces": enis,
        "MaximumNetworkCards": 1,
        "DefaultNetworkCardIndex": 0,
        "NetworkCards": [card],
        "Ipv4AddressesPerInterface": ipv4,
        "Ipv6AddressesPerInterface": ipv6,
        "Ipv6Supported": ipv6 > 0,
        "EnaSupport": spec.ena,
        "EfaSupported": "efa" in flags,
    }
    if "efa" in flags:
        out["EfaInfo"] = {"MaximumEfaInterfaces": 1}
    out["EncryptionInTransitSupported"] = spec.in_transit
    out["EnaSrdSupported"] = "srd" in flags
    out["FlexibleEnaQueuesSupport"] = "unsupported"
    out["ConnectionTrackingConfiguration"] = dict(CONNECTION_TRACKING)
    return out


def _boot_modes(spec: Family, metal: bool) -> list[str]:
    if spec.boot_modes is not None:
        return list(spec.boot_modes)
    if spec.cpu == "graviton":
        return ["uefi"]
    if spec.hypervisor == "nitro" and not metal:
        return ["legacy-bios", "uefi"]
    return ["legacy-bios"]


# -- offerings --------------------------------------------------------------------------------
def in_region(region: str, name: str) -> bool:
    """Whether `region` offers the type at all (in at least one of its zones)."""
    return bool(_zones_offering(region, name))


def zones_offering(region: str, name: str) -> list[str]:
    """The zone names of `region` that offer type `name`, in zone order."""
    return list(_zones_offering(region, name))


@lru_cache(maxsize=8192)
def _zones_offering(region: str, name: str) -> tuple[str, ...]:
    fam = family(name)
    if name not in _catalogue() or region in REGION_LIMITS.get(fam, ()) or (
            fam in REGIONS_ONLY and region not in REGIONS_ONLY[fam]):
        return ()
    return tuple(z["ZoneName"] for z in regions.zones(region)
                 if fam not in ZONE_LIMITS.get(z["ZoneName"], ()))


def offered(region: str, location_type: str, location: str, name: str) -> bool:
    """Whether type `name` is offered at `location` (a region, zone name or zone id) of
    `region`. Outposts are not simulated, so nothing is offered on one."""
    zones = _zones_offering(region, name)
    if location_type == "region":
        return location == region and bool(zones)
    if location_type == "availability-zone":
        return location in zones
    if location_type == "availability-zone-id":
        found = regions.zone(region, zone_id=location)
        return found is not None and found["ZoneName"] in zones
    return False


def offerings(region: str, location_type: str) -> list[dict[str, Any]]:
    """boto3's `InstanceTypeOffering` rows for every location of `location_type` in `region`,
    by location then catalogue order (each with an `order` key for paging)."""
    if location_type == "region":
        places = [(region, None)]
    elif location_type in ("availability-zone", "availability-zone-id"):
        key = "ZoneName" if location_type == "availability-zone" else "ZoneId"
        places = [(z[key], z["ZoneName"]) for z in regions.zones(region)]
    else:
        places = []
    rows = []
    for place_index, (place, zone) in enumerate(places):
        for type_index, name in enumerate(_catalogue()):
            zones = _zones_offering(region, name)
            if (zone is None and zones) or zone in zones:
                rows.append({"InstanceType": name, "LocationType": location_type,
                             "Location": place, "order": (place_index, type_index)})
    return rows


# -- filters ----------------------------------------------------------------------------------
def _path(*keys: str) -> Filter:
    """A filter on a nested member of `InstanceTypeInfo`; lists give each element."""
    def values(world: Any, rid: str, row: dict[str, Any]) -> Any:
        found: list[Any] = [row]
        for key in keys:
            nxt: list[Any] = []
            for item in found:
                value = item.get(key) if isinstance(item, dict) else None
                if isinstance(value, list):
                    nxt.extend(value)
                elif value is not None:
                    nxt.append(value)
            found = nxt
        return [_text(v) for v in found]
    return Filter(values)


def _text(value: Any) -> Any:
    """Numbers as AWS prints them in filters: 2.5, 850 (not 850.0)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


def _joined(*keys: str) -> Filter:
    """A list member matched as each element or as the comma-joined list ("1,2")."""
    inner = _path(*keys)

    def values(world: Any, rid: str, row: dict[str, Any]) -> Any:
        found = inner.values(world, rid, row)
        return [*found, ",".join(found)] if found else []
    return Filter(values)


EBS_OPT = ("EbsInfo", "EbsOptimizedInfo")
FILTERS: FilterTable = {
    "auto-recovery-supported": _path("AutoRecoverySupported"),
    "bare-metal": _path("BareMetal"),
    "burstable-performance-supported": _path("BurstablePerformanceSupported"),
    "current-generation": _path("CurrentGeneration"),
    "dedicated-hosts-supported": _path("DedicatedHostsSupported"),
    "ebs-info.attachment-limit-type": _path("EbsInfo", "AttachmentLimitType"),
    "ebs-info.maximum-ebs-attachments": _path("EbsInfo", "MaximumEbsAttachments"),
    "ebs-info.ebs-optimized-info.baseline-bandwidth-in-mbps": _path(*EBS_OPT, "BaselineBandwidthInMbps"),
    "ebs-info.ebs-optimized-info.baseline-iops": _path(*EBS_OPT, "BaselineIops"),
    "ebs-info.ebs-optimized-info.baseline-throughput-in-mbps": _path(*EBS_OPT, "BaselineThroughputInMBps"),
    "ebs-info.ebs-optimized-info.maximum-bandwidth-in-mbps": _path(*EBS_OPT, "MaximumBandwidthInMbps"),
    "ebs-info.ebs-optimized-info.maximum-iops": _path(*EBS_OPT, "MaximumIops"),
    "ebs-info.ebs-optimized-info.maximum-throughput-in-mbps": _path(*EBS_OPT, "MaximumThroughputInMBps"),
    "ebs-info.ebs-optimized-support": _path("EbsInfo", "EbsOptimizedSupport"),
    "ebs-info.encryption-support": _path("EbsInfo", "EncryptionSupport"),
    "ebs-info.nvme-support": _path("EbsInfo", "NvmeSupport"),
    "free-tier-eligible": _path("FreeTierEligible"),
    "hibernation-supported": _path("HibernationSupported"),
    "hypervisor": _path("Hypervisor"),
    "instance-storage-info.disk.count": _path("InstanceStorageInfo", "Disks", "Count"),
    "instance-storage-info.disk.size-in-gb": _path("InstanceStorageInfo", "Disks", "SizeInGB"),
    "instance-storage-info.disk.type": _path("InstanceStorageInfo", "Disks", "Type"),
    "instance-storage-info.encryption-support": _path("InstanceStorageInfo", "EncryptionSupport"),
    "instance-storage-info.nvme-support": _path("InstanceStorageInfo", "NvmeSupport"),
    "instance-storage-info.total-size-in-gb": _path("InstanceStorageInfo", "TotalSizeInGB"),
    "instance-storage-supported": _path("InstanceStorageSupported"),
    "instance-type": _path("InstanceType"),
    "memory-info.size-in-mib": _path("MemoryInfo", "SizeInMiB"),
    "network-info.bandwidth-weightings": _path("NetworkInfo", "BandwidthWeightings"),
    "network-info.efa-info.maximum-efa-interfaces": _path("NetworkInfo", "EfaInfo",
                                                          "MaximumEfaInterfaces"),
    "network-info.efa-supported": _path("NetworkInfo", "EfaSupported"),
    "network-info.ena-support": _path("NetworkInfo", "EnaSupport"),
    "network-info.flexible-ena-queues-support": _path("NetworkInfo", "FlexibleEnaQueuesSupport"),
    "network-info.encryption-in-transit-supported": _path("NetworkInfo",
                                                          "EncryptionInTransitSupported"),
    "network-info.ipv4-addresses-per-interface": _path("NetworkInfo", "Ipv4AddressesPerInterface"),
    "network-info.ipv6-addresses-per-interface": _path("NetworkInfo", "Ipv6AddressesPerInterface"),
    "network-info.ipv6-supported": _path("NetworkInfo", "Ipv6Supported"),
    "network-info.maximum-network-cards": _path("NetworkInfo", "MaximumNetworkCards"),
    "network-info.maximum-network-interfaces": _path("NetworkInfo", "MaximumNetworkInterfaces"),
    "network-info.network-performance": _path("NetworkInfo", "NetworkPerformance"),
    "nitro-enclaves-support": _path("NitroEnclavesSupport"),
    "nitro-tpm-support": _path("NitroTpmSupport"),
    "nitro-tpm-info.supported-versions": _path("NitroTpmInfo", "SupportedVersions"),
    "processor-info.supported-architecture": _path("ProcessorInfo", "SupportedArchitectures"),
    "processor-info.sustained-clock-speed-in-ghz": _path("ProcessorInfo",
                                                         "SustainedClockSpeedInGhz"),
    "processor-info.supported-features": _path("ProcessorInfo", "SupportedFeatures"),
    "reboot-migration-support": _path("RebootMigrationSupport"),   # not in the catalogue
    "supported-boot-mode": _path("SupportedBootModes"),
    "supported-root-device-type": _path("SupportedRootDeviceTypes"),
    "supported-usage-class": _path("SupportedUsageClasses"),
    "supported-virtualization-type": _path("SupportedVirtualizationTypes"),
    "vcpu-info.default-cores": _path("VCpuInfo", "DefaultCores"),
    "vcpu-info.default-threads-per-core": _path("VCpuInfo", "DefaultThreadsPerCore"),
    "vcpu-info.default-vcpus": _path("VCpuInfo", "DefaultVCpus"),
    "vcpu-info.valid-cores": _joined("VCpuInfo", "ValidCores"),
    "vcpu-info.valid-threads-per-core": _joined("VCpuInfo", "ValidThreadsPerCore"),
}
OFFERING_FILTERS: FilterTable = {
    "instance-type": _path("InstanceType"),
    "location": _path("Location"),
}


# -- paging over static lists ------------------------------------------------------------------
def page(rows: list[dict[str, Any]], order: Iterable[Any], max_results: int | None,
         token: str | None, *, scope: str, default_max: int
         ) -> tuple[list[dict[str, Any]], str | None]:
    """A page of `rows` (with their sort keys `order`, ascending) and the next token.

    The token names the last key returned and the list it belongs to (`scope`), so a token
    from another call or another list is refused with AWS's InvalidPaginationToken.
    """
    keyed = list(zip(order, rows))
    if token:
        after = paging.decode(token, scope, lambda position: isinstance(position, list))
        keyed = [(k, r) for k, r in keyed if list(_listify(k)) > after]
    limit = max_results or default_max
    if len(keyed) <= limit:
        return [r for _, r in keyed], None
    chosen = keyed[:limit]
    return [r for _, r in chosen], paging.encode(scope, list(_listify(chosen[-1][0])))


def _listify(key: Any) -> Iterable[Any]:
    return key if isinstance(key, (tuple, list)) else (key,)
