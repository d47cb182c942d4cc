"""A volume's I/O settings and the operations that make a volume from another: volume
attributes (`autoEnableIO`, `productCodes`), EnableVolumeIO, CopyVolumes, FailoverVolumes.

AWS's rules: EBS disables a volume's I/O when its data may be inconsistent unless
`autoEnableIO` is set; EnableVolumeIO turns it back on (ec2sim's volumes are always
consistent, so their I/O is always enabled). CopyVolumes makes a crash-consistent copy in the
source's zone: the size defaults to, and may not be below, the source's; the type defaults
to gp2 and its settings are checked as a new volume's; a copy of an encrypted volume is
encrypted (under the source's key unless another is named). FailoverVolumes swaps the
active and standby zones of Multi-AZ volumes; ec2sim makes no Multi-AZ volume, so a named
volume is refused and an instance's failover moves none.
"""
from __future__ import annotations

from typing import Any

from ..core import regions
from ..core.errors import (InvalidParameterCombination, InvalidParameterValue,
                           MissingParameter, TopologyError)
from ..core.family import declare_actions
from ..core.world import Partition, World
from . import volumes
from .ebs_encryption import encryption


def attribute(world: World, part: Partition, volume_id: str, attribute: str
              ) -> dict[str, Any]:
    """DescribeVolumeAttribute: `autoEnableIO` or `productCodes` (ec2sim's volumes carry
    no Marketplace product codes)."""
    node = world.get(part, "volume", volume_id)
    if attribute == "productCodes":
        return {"ProductCodes": []}
    return {"AutoEnableIO": {"Value": bool(node.get("AutoEnableIO"))}}


def modify_attribute(world: World, part: Partition, volume_id: str,
                     auto_enable_io: dict[str, Any] | None = None) -> None:
    """ModifyVolumeAttribute: set `autoEnableIO`."""
    world.get(part, "volume", volume_id)
    if auto_enable_io is None or "Value" not in auto_enable_io:
        raise MissingParameter("The request must contain the parameter AutoEnableIO")
    world.update(volume_id, AutoEnableIO=bool(auto_enable_io["Value"]) or None)


def enable_io(world: World, part: Partition, volume_id: str) -> None:
    """EnableVolumeIO: the volume's I/O is enabled (it always is in ec2sim)."""
    world.get(part, "volume", volume_id)


def copy(world: World, part: Partition, source_volume_id: str, *, size: int | None = None,
         volume_type: str | None = None, iops: int | None = None,
         throughput: int | None = None, multi_attach_enabled: bool | None = None,
         encrypted: bool | None = None, kms_key_id: str | None = None,
         tags: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """CopyVolumes: one copy of the source volume, in its zone; answered `creating`."""
    source = world.get(part, "volume", source_volume_id)
    vtype = volume_type or "gp2"
    if vtype not in volumes.TYPES:
        raise InvalidParameterValue(
            f"Value ({vtype}) for parameter volumeType is invalid. Valid values are "
            f"{', '.join(volumes.TYPES)}.")
    if size is not None and size < source["Size"]:
        raise InvalidParameterValue(
            f"The size of the volume copy ({size} GiB) must be equal to or greater than the "
            f"size of the source volume ({source['Size']} GiB).")
    source_key = source.get("KmsKeyId") if source.get("Encrypted") else None
    is_encrypted, key = encryption(part, encrypted, kms_key_id, source_key)
    vol_id = volumes.create(world, part, zone=source["AvailabilityZone"],
                            size=size or source["Size"], volume_type=vtype, iops=iops,
                            throughput=throughput, encrypted=is_encrypted, kms_key_id=key,
                            multi_attach=bool(multi_attach_enabled), tags=tags)
    world.update(vol_id, SourceVolumeId=source_volume_id)
    out = volumes.created_view(world, vol_id)
    return [{**out, "SourceVolumeId": source_volume_id, "OwnerId": part.account}]


def failover(world: World, part: Partition, volume_id: str | None = None,
             instance_id: str | None = None, source_active_availability_zone: str | None = None,
             source_active_availability_zone_id: str | None = None) -> list[dict[str, Any]]:
    """FailoverVolumes: the Multi-AZ volumes failed over (none in ec2sim)."""
    if volume_id and instance_id:
        raise InvalidParameterCombination(
            "VolumeId and InstanceId can't be used together. Specify only one of these "
            "parameters.")
    if not volume_id and not instance_id:
        raise MissingParameter("The request must contain the parameter VolumeId or InstanceId")
    zone = _source_zone(part, source_active_availability_zone,
                        source_active_availability_zone_id)
    if volume_id:
        world.get(part, "volume", volume_id)
        raise InvalidParameterValue(f"The volume '{volume_id}' is not a Multi-AZ volume.")
    instance = world.get(part, "instance", instance_id or "")
    placed = (instance.get("Placement") or {}).get("AvailabilityZone")
    if placed != zone["ZoneName"]:
        raise InvalidParameterValue(
            f"The instance '{instance_id}' is not in Availability Zone {zone['ZoneName']}.")
    return []


def _source_zone(part: Partition, name: str | None, zone_id: str | None) -> dict[str, str]:
    if name and zone_id:
        raise InvalidParameterCombination(
            "SourceActiveAvailabilityZone and SourceActiveAvailabilityZoneId can't be used "
            "together. Specify only one of these parameters.")
    if not name and not zone_id:
        raise MissingParameter("The request must contain the parameter "
                               "SourceActiveAvailabilityZone or SourceActiveAvailabilityZoneId")
    found = regions.zone(part.region, zone_name=name, zone_id=zone_id)
    if found is None:
        raise TopologyError(f"The zone '{name or zone_id}' does not exist.",
                            "InvalidZone.NotFound")
    return found


declare_actions("volume", {
    "DescribeVolumeAttribute": attribute, "ModifyVolumeAttribute": modify_attribute,
    "EnableVolumeIO": enable_io, "CopyVolumes": copy, "FailoverVolumes": failover})
