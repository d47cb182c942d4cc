"""How an instance reads: boto3's `Instance`, joined from the node and the graph.

The network half of the view (subnet, VPC, addresses, DNS names, groups, source/dest check)
is the primary network interface's, as `network_interfaces.instance_view` gives it; block
device mappings are `volumes.instance_mappings`; the placement group and the IAM instance
profile come from ASSOCIATED edges. A terminated instance has none of these left, so it reads
as AWS shows one: no subnet, VPC, addresses or interfaces.
"""
from __future__ import annotations

from typing import Any

from ..network import interface_views
from . import placement_groups, volumes
from .instances import interfaces, profile_association
from ..core.world import World

# node fields copied as they are, when present, in boto3's order
OWN_FIELDS = (
    "AmiLaunchIndex", "ImageId", "InstanceType", "KernelId", "KeyName", "LaunchTime",
    "Monitoring", "Platform", "RamdiskId", "State", "StateTransitionReason", "Architecture",
    "ClientToken", "EbsOptimized", "EnaSupport", "Hypervisor", "InstanceLifecycle",
    "SpotInstanceRequestId", "ProductCodes", "RootDeviceName", "RootDeviceType",
    "SriovNetSupport", "StateReason", "VirtualizationType", "CpuOptions",
    "CapacityReservationSpecification", "HibernationOptions", "MetadataOptions",
    "EnclaveOptions", "BootMode", "PlatformDetails", "UsageOperation",
    "UsageOperationUpdateTime", "PrivateDnsNameOptions", "MaintenanceOptions",
    "CurrentInstanceBootMode", "NetworkPerformanceOptions", "Operator", "TpmSupport",
)


def network_views(world: World, instance_id: str) -> list[dict[str, Any]]:
    """The instance's network interfaces as boto3's `InstanceNetworkInterface`s."""
    return [interface_views.instance_view(world, eni)
            for eni, _ in interfaces(world, instance_id)]


def primary_view(nis: list[dict[str, Any]]) -> dict[str, Any] | None:
    for ni in nis:
        attachment = ni.get("Attachment") or {}
        if attachment.get("DeviceIndex") == 0 and attachment.get("NetworkCardIndex", 0) == 0:
            return ni
    return None


def placement(world: World, instance_id: str) -> dict[str, Any]:
    """boto3's `Placement`: the node's zone and tenancy, the group from the graph."""
    node = world.graph.nodes[instance_id]
    out = dict(node["Placement"])
    out.setdefault("GroupName", "")
    found = placement_groups.of_instance(world, instance_id)
    if found is not None:
        pg_id, data = found
        out["GroupName"] = world.graph.nodes[pg_id]["GroupName"]
        out["GroupId"] = pg_id
        if data.get("PartitionNumber") is not None:
            out["PartitionNumber"] = data["PartitionNumber"]
    return out


def iam_profile(world: World, instance_id: str) -> dict[str, Any] | None:
    assoc = profile_association(world, instance_id)
    if assoc is None:
        return None
    return dict(world.graph.nodes[assoc]["IamInstanceProfile"])


def block_devices(world: World, instance_id: str) -> list[dict[str, Any]]:
    return volumes.instance_mappings(world, instance_id)


def view(world: World, instance_id: str) -> dict[str, Any]:
    """The instance as boto3's `Instance`."""
    node = world.graph.nodes[instance_id]
    out: dict[str, Any] = {"InstanceId": instance_id}
    for key in OWN_FIELDS:
        value = node.get(key)
        if value is not None:
            out[key] = value
    out["Placement"] = placement(world, instance_id)
    nis = network_views(world, instance_id)
    primary = primary_view(nis)
    out["PrivateDnsName"] = ""
    out["PublicDnsName"] = ""
    if primary is not None:
        association = primary.get("Association") or {}
        for key in ("SubnetId", "VpcId", "PrivateIpAddress", "SourceDestCheck"):
            if primary.get(key) is not None:
                out[key] = primary[key]
        out["PrivateDnsName"] = primary.get("PrivateDnsName") or ""
        out["PublicDnsName"] = association.get("PublicDnsName") or ""
        if association.get("PublicIp"):
            out["PublicIpAddress"] = association["PublicIp"]
        primary_v6 = [a["Ipv6Address"] for a in primary.get("Ipv6Addresses") or []
                      if a.get("IsPrimaryIpv6")]
        if primary_v6:
            out["Ipv6Address"] = primary_v6[0]
    out["SecurityGroups"] = list(primary.get("Groups") or []) if primary else []
    out["NetworkInterfaces"] = nis
    out["BlockDeviceMappings"] = block_devices(world, instance_id)
    profile = iam_profile(world, instance_id)
    if profile is not None:
        out["IamInstanceProfile"] = profile
    if node["tags"]:
        out["Tags"] = [{"Key": k, "Value": v} for k, v in node["tags"].items()]
    return out
