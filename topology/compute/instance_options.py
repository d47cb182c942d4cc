"""Instance options with AWS's defaults and rules: a new instance's fields, tenancy, EBS
optimization, CPU options, CPU credits of burstable types, instance metadata (IMDS) options,
monitoring, console output.

AWS's rules: a VPC with dedicated tenancy launches dedicated instances; EBS optimization is
on by default where the type has it by default, and refused where the type lacks it; CPU
options must be among the type's valid core counts and threads per core; a credit
specification is for burstable (T) types only, `standard` by default for T2 and `unlimited`
for later generations; the metadata hop limit is 1 to 64, and an image that requires IMDSv2
makes tokens `required` with a hop limit of 2; user data is base64 of at most 16 KB.
"""
from __future__ import annotations

import base64
import binascii
from typing import Any

from ..core import regions
from ..core.errors import (IncorrectState, InvalidParameterCombination, InvalidParameterValue,
                           TopologyError)
from ..core.family import declare_actions
from ..core.world import Partition, World
from ..network import subnets
from .instances import get_all, gmt, state_name

HOP_LIMITS = (1, 64)
CREDIT_OPTIONS = ("standard", "unlimited")
MAX_USER_DATA = 16 * 1024
# account-level defaults (Partition.attributes keys), written by credit_specifications and
# metadata_defaults, read here when a launch names none
DEFAULT_CREDITS = "default-credits:{}"          # per instance family: standard / unlimited
METADATA_DEFAULTS = "instance-metadata-defaults"  # IMDS options by member name
TOKENS_ENFORCED = "instance-metadata-tokens-enforced"   # `enabled`: IMDSv2 required at launch


def tenancy(world: World, placement: dict[str, Any], subnet_id: str) -> str:
    vpc = world.graph.nodes[subnets.vpc_of(world, subnet_id)]
    if vpc.get("InstanceTenancy") == "dedicated":
        return "dedicated"
    return placement.get("Tenancy") or "default"


def ebs_optimized(p: dict[str, Any], type_name: str, info: dict[str, Any]) -> bool:
    support = (info.get("EbsInfo") or {}).get("EbsOptimizedSupport", "unsupported")
    asked = p.get("EbsOptimized")
    if asked and support == "unsupported":
        raise InvalidParameterCombination(
            "EBS-optimized instances are not supported for your requested configuration. "
            "Please check the documentation for supported configurations.")
    return support == "default" if asked is None else bool(asked) or support == "default"


def cpu_options(asked: dict[str, Any] | None, type_name: str, info: dict[str, Any]
                ) -> dict[str, int]:
    vcpu = info.get("VCpuInfo") or {}
    cores = vcpu.get("DefaultCores") or vcpu.get("DefaultVCpus") or 1
    threads = vcpu.get("DefaultThreadsPerCore") or 1
    asked = asked or {}
    if asked.get("CoreCount") is not None:
        valid = vcpu.get("ValidCores") or [cores]
        if asked["CoreCount"] not in valid:
            raise InvalidParameterValue(
                f"CPU Options: the specified core count ({asked['CoreCount']}) is not valid "
                f"for instance type '{type_name}'. Valid core counts are: "
                f"{', '.join(map(str, valid))}.")
        cores = asked["CoreCount"]
    if asked.get("ThreadsPerCore") is not None:
        valid = vcpu.get("ValidThreadsPerCore") or [threads]
        if asked["ThreadsPerCore"] not in valid:
            raise InvalidParameterValue(
                f"CPU Options: the specified threads per core ({asked['ThreadsPerCore']}) is "
                f"not valid for instance type '{type_name}'. Valid values are: "
                f"{', '.join(map(str, valid))}.")
        threads = asked["ThreadsPerCore"]
    return {"CoreCount": cores, "ThreadsPerCore": threads}


def burstable(type_name: str, info: dict[str, Any]) -> bool:
    if "BurstablePerformanceSupported" in info:
        return bool(info["BurstablePerformanceSupported"])
    return type_name.startswith("t") and "." in type_name


def default_credits(type_name: str, part: Partition | None = None) -> str:
    """The account's default credit option for the type's family (AWS's own: `standard` for
    T2, `unlimited` for later generations)."""
    family = type_name.split(".")[0]
    chosen = part.attributes.get(DEFAULT_CREDITS.format(family)) if part is not None else None
    return chosen or ("standard" if family == "t2" else "unlimited")


def check_credits(asked: dict[str, Any] | None, type_name: str, info: dict[str, Any],
                  part: Partition | None = None) -> str | None:
    """The CPU credit option a new instance gets (None for a type that has no credits)."""
    value = (asked or {}).get("CpuCredits")
    if not burstable(type_name, info):
        if value is not None:
            raise InvalidParameterCombination(
                f"The parameter CreditSpecification is not supported for {type_name} "
                "instances.")
        return None
    if value is None:
        return default_credits(type_name, part)
    if value not in CREDIT_OPTIONS:
        raise InvalidParameterValue(f"Value ({value}) for parameter "
                                    "creditSpecification.cpuCredits is invalid. Valid values "
                                    "are: standard, unlimited")
    return value


def bandwidth_weighting(type_name: str, info: dict[str, Any], value: str | None) -> str:
    """The weighting asked for, if the type offers it (DescribeInstanceTypes'
    `BandwidthWeightings`); `default` is every type's own configuration."""
    value = value or "default"
    offered = (info.get("NetworkInfo") or {}).get("BandwidthWeightings") or ["default"]
    if value not in offered:
        raise TopologyError(f"The instance type '{type_name}' does not support bandwidth "
                            f"weighting '{value}'.", "UnsupportedOperation")
    return value


def metadata_options(asked: dict[str, Any] | None, image: dict[str, Any],
                     account: dict[str, Any] | None = None) -> dict[str, Any]:
    """IMDS options at launch, by AWS's order of precedence: the request's, then the
    account's defaults (ModifyInstanceMetadataDefaults), then the image's (IMDSv2-only
    images), then AWS's defaults."""
    v2 = image.get("ImdsSupport") == "v2.0"
    out = {"State": "applied", "HttpTokens": "required" if v2 else "optional",
           "HttpPutResponseHopLimit": 2 if v2 else 1, "HttpEndpoint": "enabled",
           "HttpProtocolIpv6": "disabled", "InstanceMetadataTags": "disabled"}
    return {**out, **(account or {}), **_checked_metadata(asked or {})}


def _enforced(part: Partition, options: dict[str, Any]) -> dict[str, Any]:
    """The options, unless the account enforces IMDSv2 and they leave tokens optional."""
    if part.attributes.get(TOKENS_ENFORCED) == "enabled" and options["HttpTokens"] != "required":
        raise InvalidParameterCombination(
            "The account enforces IMDSv2 (HttpTokensEnforced): launch with HttpTokens set to "
            "required.")
    return options


def _checked_metadata(asked: dict[str, Any]) -> dict[str, Any]:
    keys = ("HttpTokens", "HttpPutResponseHopLimit", "HttpEndpoint", "HttpProtocolIpv6",
            "InstanceMetadataTags")
    given = {k: asked[k] for k in keys if asked.get(k) is not None}
    hops = given.get("HttpPutResponseHopLimit")
    if hops is not None and not HOP_LIMITS[0] <= hops <= HOP_LIMITS[1]:
        raise InvalidParameterValue(
            f"The HttpPutResponseHopLimit value {hops} is not valid. Specify a value between "
            f"{HOP_LIMITS[0]} and {HOP_LIMITS[1]}.")
    return given


def modify_metadata(world: World, part: Partition, instance_id: str,
                    params: dict[str, Any]) -> dict[str, Any]:
    """Change IMDS options; the answer shows them `pending` (describe shows `applied`)."""
    node = world.get(part, "instance", instance_id)
    given = _checked_metadata(params)
    _check_live(world, instance_id)
    options = {**node["MetadataOptions"], **given, "State": "applied"}
    world.update(instance_id, MetadataOptions=options)
    return {**options, "State": "pending"}


def _check_live(world: World, instance_id: str) -> None:
    if state_name(world, instance_id) in ("shutting-down", "terminated"):
        raise IncorrectState(f"The instance '{instance_id}' is not in a valid state for this "
                             "operation.", "IncorrectInstanceState")


# -- a new instance's own fields -------------------------------------------------------------
def launch_fields(world: World, part: Partition, p: dict[str, Any], image: dict[str, Any],
                  type_name: str, info: dict[str, Any], zone: str, subnet_id: str
                  ) -> dict[str, Any]:
    """The node fields of a new instance: AWS's defaults, the image's, the request's."""
    placement = p.get("Placement") or {}
    found = regions.zone(part.region, zone_name=zone) or {}
    fields: dict[str, Any] = {
        "ImageId": p["ImageId"], "InstanceType": type_name,
        "Placement": {"AvailabilityZone": zone, "AvailabilityZoneId": found.get("ZoneId"),
                      "Tenancy": tenancy(world, placement, subnet_id)},
        "Monitoring": {"State": "enabled" if (p.get("Monitoring") or {}).get("Enabled")
                       else "disabled"},
        "ProductCodes": list(image.get("ProductCodes") or []),
        "Architecture": image.get("Architecture", "x86_64"),
        "RootDeviceName": image.get("RootDeviceName", "/dev/xvda"),
        "RootDeviceType": image.get("RootDeviceType", "ebs"),
        "VirtualizationType": image.get("VirtualizationType", "hvm"),
        "Hypervisor": image.get("Hypervisor", "xen"),
        "EnaSupport": image.get("EnaSupport", True),
        "EbsOptimized": ebs_optimized(p, type_name, info),
        "ClientToken": p.get("ClientToken") or "",
        "CpuOptions": cpu_options(p.get("CpuOptions"), type_name, info),
        "CapacityReservationSpecification": {"CapacityReservationPreference": (
            p.get("CapacityReservationSpecification") or {}).get(
                "CapacityReservationPreference", "open")},
        "HibernationOptions": {"Configured": bool(
            (p.get("HibernationOptions") or {}).get("Configured"))},
        "MetadataOptions": _enforced(part, metadata_options(
            p.get("MetadataOptions"), image, part.attributes.get(METADATA_DEFAULTS))),
        "EnclaveOptions": {"Enabled": bool((p.get("EnclaveOptions") or {}).get("Enabled"))},
        "PlatformDetails": image.get("PlatformDetails", "Linux/UNIX"),
        "UsageOperation": image.get("UsageOperation", "RunInstances"),
        "PrivateDnsNameOptions": _dns_options(world, p, subnet_id),
        "MaintenanceOptions": {"AutoRecovery": (p.get("MaintenanceOptions") or {}).get(
            "AutoRecovery", "default"), "RebootMigration": "default"},
        "CurrentInstanceBootMode": _boot_mode(image, info),
        "NetworkPerformanceOptions": {"BandwidthWeighting": bandwidth_weighting(
            type_name, info, (p.get("NetworkPerformanceOptions") or {}).get(
                "BandwidthWeighting"))},
        "Operator": {"Managed": False},
        "user_data": user_data(p.get("UserData")),
        "api_termination_disabled": bool(p.get("DisableApiTermination")),
        "api_stop_disabled": bool(p.get("DisableApiStop")),
        "shutdown_behavior": p.get("InstanceInitiatedShutdownBehavior") or "stop",
        "cpu_credits": check_credits(p.get("CreditSpecification"), type_name, info, part),
    }
    for key in ("Platform", "BootMode", "TpmSupport", "SriovNetSupport"):
        if image.get(key):
            fields[key] = image[key]
    for key, member in (("KernelId", "KernelId"), ("RamdiskId", "RamdiskId")):
        if p.get(member) or image.get(key):
            fields[key] = p.get(member) or image.get(key)
    if p.get("KeyName"):
        fields["KeyName"] = p["KeyName"]
    if (p.get("InstanceMarketOptions") or {}).get("MarketType") == "spot":
        fields["InstanceLifecycle"] = "spot"
    return fields


def _boot_mode(image: dict[str, Any], info: dict[str, Any]) -> str:
    """The boot mode an instance starts in: UEFI when the image asks for it, or prefers it
    and the type supports it; legacy BIOS otherwise."""
    wanted = image.get("BootMode")
    if wanted == "uefi" or (wanted == "uefi-preferred"
                            and "uefi" in (info.get("SupportedBootModes") or [])):
        return "uefi"
    return "legacy-bios"


def _dns_options(world: World, p: dict[str, Any], subnet_id: str) -> dict[str, Any]:
    base = dict(world.graph.nodes[subnet_id].get("PrivateDnsNameOptionsOnLaunch") or {
        "HostnameType": "ip-name", "EnableResourceNameDnsARecord": False,
        "EnableResourceNameDnsAAAARecord": False})
    base.update(p.get("PrivateDnsNameOptions") or {})
    return base


def user_data(text: str | None) -> str | None:
    """The base64 user data as given, after AWS's checks (valid base64, at most 16 KB)."""
    if not text:
        return None
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise TopologyError("Invalid BASE64 encoding of user data.",
                            "InvalidUserData.Malformed") from None
    if len(raw) > MAX_USER_DATA:
        raise InvalidParameterValue(f"User data is limited to {MAX_USER_DATA} bytes")
    return text


# -- monitoring and console output ------------------------------------------------------------
def set_monitoring(world: World, part: Partition, instance_ids: list[str], enabled: bool
                   ) -> list[dict[str, Any]]:
    """Turn detailed monitoring on or off; the answer shows the change under way."""
    instance_ids = get_all(world, part, instance_ids)
    for instance_id in instance_ids:
        _check_live(world, instance_id)
    out = []
    for instance_id in instance_ids:
        world.update(instance_id, Monitoring={"State": "enabled" if enabled else "disabled"})
        out.append({"InstanceId": instance_id,
                    "Monitoring": {"State": "pending" if enabled else "disabling"}})
    return out


def monitor(world: World, part: Partition, instance_ids: list[str]) -> list[dict[str, Any]]:
    return set_monitoring(world, part, instance_ids, True)


def unmonitor(world: World, part: Partition, instance_ids: list[str]) -> list[dict[str, Any]]:
    return set_monitoring(world, part, instance_ids, False)


def console_output(world: World, part: Partition, instance_id: str) -> dict[str, Any]:
    """A deterministic boot log for the instance, base64-encoded as AWS sends it."""
    node = world.get(part, "instance", instance_id)
    launched = node["LaunchTime"]
    lines = [
        f"[    0.000000] Linux version 6.1.0-ec2sim ({node['Architecture']})",
        f"[    0.000000] Command line: root={node.get('RootDeviceName', '/dev/xvda')} ro",
        f"[    1.204513] cloud-init: instance-id {instance_id}",
        f"[    1.204600] cloud-init: instance-type {node['InstanceType']}",
        f"[    1.204700] cloud-init: launched {gmt(launched)}",
        f"[    2.318117] cloud-init: state {state_name(world, instance_id)}",
        "[    3.000000] Reached target Multi-User System.",
    ]
    text = "\r\n".join(lines) + "\r\n"
    return {"InstanceId": instance_id, "Timestamp": launched,
            "Output": base64.b64encode(text.encode()).decode("ascii")}

# these operations are bound from the functions above (docs/families.md)
declare_actions("instance", {"MonitorInstances": monitor, "UnmonitorInstances": unmonitor,
                             "GetConsoleOutput": console_output,
                             "ModifyInstanceMetadataOptions": modify_metadata})
