"""GetLaunchTemplateData: the launch parameters that would launch an instance like this one.

They are read from the instance as boto3 shows it (`instance_view.view`), its node's own
attributes (termination and stop protection, shutdown behaviour, CPU credits, user data) and
its volumes' nodes, in boto3's `ResponseLaunchTemplateData` member names.
"""
from __future__ import annotations

from typing import Any

from ..core.family import declare_actions
from ..core.world import Partition, World
from . import instance_view, volumes

# Instance members copied into launch parameters as they are (same shape in both)
_SAME = ("ImageId", "InstanceType", "KeyName", "KernelId", "EbsOptimized")
_OPTIONS = {  # Instance member -> the members a launch template keeps of it
    "CpuOptions": ("CoreCount", "ThreadsPerCore", "AmdSevSnp"),
    "CapacityReservationSpecification": ("CapacityReservationPreference",
                                         "CapacityReservationTarget"),
    "HibernationOptions": ("Configured",),
    "MetadataOptions": ("HttpTokens", "HttpPutResponseHopLimit", "HttpEndpoint",
                        "HttpProtocolIpv6", "InstanceMetadataTags"),
    "EnclaveOptions": ("Enabled",),
    "MaintenanceOptions": ("AutoRecovery",),
    "PrivateDnsNameOptions": ("HostnameType", "EnableResourceNameDnsARecord",
                              "EnableResourceNameDnsAAAARecord"),
}


def instance_data(world: World, part: Partition, instance_id: str) -> dict[str, Any]:
    """GetLaunchTemplateData: launch parameters that would launch an instance like this one."""
    world.get(part, "instance", instance_id)
    node = world.graph.nodes[instance_id]
    return data_from_instance(instance_view.view(world, instance_id), node,
                              _volume_views(world, instance_id))


def _volume_views(world: World, instance_id: str) -> dict[str, dict[str, Any]]:
    found = {}
    for vol_id, _ in volumes.attached_volumes(world, instance_id):
        found[vol_id] = world.graph.nodes[vol_id]
    return found


def data_from_instance(instance: dict[str, Any], node: dict[str, Any],
                       vols: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Launch parameters (boto3's `ResponseLaunchTemplateData`) from boto3's `Instance`, the
    instance node's attributes (`api_termination_disabled`, `shutdown_behavior`,
    `cpu_credits`, `user_data`) and its volumes' nodes (by id)."""
    monitoring = (instance.get("Monitoring") or {}).get("State") in ("enabled", "pending")
    out: dict[str, Any] = {"Monitoring": {"Enabled": True} if monitoring else {}}
    for key in _SAME:
        if instance.get(key) is not None:
            out[key] = instance[key]
    if instance.get("RamdiskId"):
        out["RamDiskId"] = instance["RamdiskId"]
    if instance.get("IamInstanceProfile", {}).get("Arn"):
        out["IamInstanceProfile"] = {"Arn": instance["IamInstanceProfile"]["Arn"]}
    mappings = [_mapping(m, vols) for m in instance.get("BlockDeviceMappings") or []]
    if mappings:
        out["BlockDeviceMappings"] = mappings
    placement = instance.get("Placement") or {}
    out["Placement"] = {k: placement[k] for k in ("AvailabilityZone", "GroupName", "Tenancy")
                        if placement.get(k) is not None}
    nis = sorted(instance.get("NetworkInterfaces") or [],
                 key=lambda ni: (ni.get("Attachment") or {}).get("DeviceIndex", 0))
    if nis:
        out["NetworkInterfaces"] = [_interface(ni) for ni in nis]
    for member, keys in _OPTIONS.items():
        given = instance.get(member)
        if isinstance(given, dict):
            kept = {k: given[k] for k in keys if given.get(k) is not None}
            if kept:
                out[member] = kept
    if node.get("api_termination_disabled"):
        out["DisableApiTermination"] = True
    if node.get("api_stop_disabled"):
        out["DisableApiStop"] = True
    if node.get("shutdown_behavior") == "terminate":
        out["InstanceInitiatedShutdownBehavior"] = "terminate"
    if node.get("user_data"):
        out["UserData"] = node["user_data"]
    if node.get("cpu_credits"):
        out["CreditSpecification"] = {"CpuCredits": node["cpu_credits"]}
    own_tags = [t for t in instance.get("Tags") or [] if not t["Key"].startswith("aws:")]
    if own_tags:   # the instance's tags, to tag what the template launches
        out["TagSpecifications"] = [{"ResourceType": "instance", "Tags": own_tags}]
    return out


def _mapping(mapping: dict[str, Any], vols: dict[str, dict[str, Any]]) -> dict[str, Any]:
    ebs = mapping.get("Ebs") or {}
    vol = vols.get(ebs.get("VolumeId") or "") or {}
    out_ebs: dict[str, Any] = {}
    for key in ("Encrypted", "DeleteOnTermination", "Iops", "KmsKeyId", "SnapshotId"):
        value = ebs.get(key) if key == "DeleteOnTermination" else vol.get(key)
        if value not in (None, ""):
            out_ebs[key] = value
    for key, source in (("VolumeSize", "Size"), ("VolumeType", "VolumeType"),
                        ("Throughput", "Throughput")):
        if vol.get(source) is not None:
            out_ebs[key] = vol[source]
    return {"DeviceName": mapping.get("DeviceName"), "Ebs": out_ebs}


def _interface(ni: dict[str, Any]) -> dict[str, Any]:
    attachment = ni.get("Attachment") or {}
    out: dict[str, Any] = {}
    if attachment.get("DeleteOnTermination") is not None:
        out["DeleteOnTermination"] = attachment["DeleteOnTermination"]
    out["Description"] = ni.get("Description") or ""
    if attachment.get("DeviceIndex") is not None:
        out["DeviceIndex"] = attachment["DeviceIndex"]
    out["Groups"] = [g["GroupId"] for g in ni.get("Groups") or []]
    if ni.get("InterfaceType") and ni["InterfaceType"] != "interface":
        out["InterfaceType"] = ni["InterfaceType"]
    out["Ipv6Addresses"] = [{"Ipv6Address": a["Ipv6Address"]}
                            for a in ni.get("Ipv6Addresses") or []]
    out["NetworkInterfaceId"] = ni.get("NetworkInterfaceId")
    out["PrivateIpAddress"] = ni.get("PrivateIpAddress")
    out["PrivateIpAddresses"] = [{"Primary": a.get("Primary", False),
                                  "PrivateIpAddress": a["PrivateIpAddress"]}
                                 for a in ni.get("PrivateIpAddresses") or []]
    out["SubnetId"] = ni.get("SubnetId")
    if attachment.get("NetworkCardIndex") is not None:
        out["NetworkCardIndex"] = attachment["NetworkCardIndex"]
    return {k: v for k, v in out.items() if v is not None}


# GetLaunchTemplateData is bound from `instance_data` (docs/families.md)
declare_actions("instance", {"GetLaunchTemplateData": instance_data})
