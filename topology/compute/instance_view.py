"""How an instance reads: boto3's `Instance`, joined from the node and the graph.

The network half of the view (subnet, VPC, addresses, DNS names, groups, source/dest check)
is the primary network interface's, as `network_interfaces.instance_view` gives it; block
device mappings are `volumes.instance_mappings`; the placement group and the IAM instance
profile come from ASSOCIATED edges. A terminated instance has none of these left, so it reads
as AWS shows one: no subnet, VPC, addresses or interfaces.
"""
from __future__ import annotations

from typing import Any

from ..core import tags as tagging
from ..core.described import Import, when
from ..core.world import World
from ..network import interface_views, secondary_interfaces
from . import placement_groups, volumes
from .capacity_reservation_launch import reservation_of
from .instances import (RESERVATION_INDEX, STATE_CODES, STATE_INDEX, TYPE_INDEX, interfaces,
                        profile_association)

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
    cr_id = reservation_of(world, instance_id)
    if cr_id is not None:
        out["CapacityReservationId"] = cr_id
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
    secondary = secondary_interfaces.instance_views(world, instance_id)
    if secondary:
        out["SecondaryInterfaces"] = secondary
    out["BlockDeviceMappings"] = block_devices(world, instance_id)
    profile = iam_profile(world, instance_id)
    if profile is not None:
        out["IamInstanceProfile"] = profile
    if node["tags"]:
        out["Tags"] = tagging.listed(node["tags"])
    return out


# -- import: one described item into the graph (topology/provision/importer.py) -------------
def imported_reservation(imp: Import, item: dict[str, Any]) -> None:
    """A described reservation's instances; their interfaces wait in `imp.pending` for the
    subnets and groups (`network_interfaces.imported`)."""
    for instance in item.get("Instances") or []:
        _imported(imp, instance, item.get("ReservationId"))


def _imported(imp: Import, item: dict[str, Any], reservation: str | None) -> None:
    """One instance with its own fields (`OWN_FIELDS`), claimed in the instance indexes."""
    world, part = imp.world, imp.part
    state = dict(item.get("State") or {"Name": "running"})
    state.setdefault("Code", STATE_CODES.get(state.get("Name", ""), 16))
    fields = {k: item[k] for k in OWN_FIELDS if k in item}
    fields.update(State=state, AmiLaunchIndex=item.get("AmiLaunchIndex", 0))
    if "LaunchTime" in fields:
        fields["LaunchTime"] = when(fields["LaunchTime"])
    fields.setdefault("Monitoring", {"State": "disabled"})
    fields.setdefault("ProductCodes", [])
    placement = {k: v for k, v in (item.get("Placement") or {}).items()
                 if k in ("AvailabilityZone", "AvailabilityZoneId", "Tenancy")}
    placement.setdefault("Tenancy", "default")
    instance_id = item["InstanceId"]
    if not imp.add("instance", instance_id, item, Placement=placement, user_data=None,
                   api_termination_disabled=False, api_stop_disabled=False,
                   shutdown_behavior="stop", cpu_credits="standard", reservation=reservation,
                   **fields):
        return
    world.claim(part, TYPE_INDEX, fields.get("InstanceType"), instance_id)
    world.claim(part, STATE_INDEX, state.get("Name"), instance_id)
    if reservation:
        world.claim(part, RESERVATION_INDEX, reservation, instance_id)
    imp.skip("volume", "EBS volumes are not network topology (the instance keeps no block "
             "device mappings)", len(item.get("BlockDeviceMappings") or []))
    for eni in item.get("NetworkInterfaces") or []:
        imp.pending.append({**eni, "AvailabilityZone": placement.get("AvailabilityZone"),
                            "Attachment": {**(eni.get("Attachment") or {}),
                                           "InstanceId": instance_id}})
