"""EBS volumes: creation rules per volume type, attachments to instances, volume status.
The account's encryption settings are `ebs_encryption`; ModifyVolume is `volume_modifications`.

A volume node holds its own settings in boto3 member names (`Size`, `VolumeType`, `Iops`,
`Throughput`, `Encrypted`, `KmsKeyId`, `AvailabilityZone`, `State`, `CreateTime`, ...). Each
attachment is an edge `volume -[ATTACHED]-> instance` carrying `Device`,
`DeleteOnTermination`, `AttachTime` and `State`; a Multi-Attach volume has one edge per
instance. Volumes made from a snapshot are claimed under "volume-snapshot" (the
`snapshot-id` filter); modified volumes under "volume-modification".

AWS's rules (EBS User Guide, CreateVolume/ModifyVolume API reference):

* sizes: gp2 1-16384 GiB, gp3 1-65536, io1 4-16384, io2 4-65536, st1/sc1 125-16384,
  standard 1-1024; from a snapshot the size defaults to, and may not be below, its size;
* IOPS: required for io1 (100-64000, at most 50 per GiB) and io2 (100-256000, 1000 per GiB);
  optional for gp3 (3000-80000, default 3000, above 3000 at most 500 per GiB); refused for
  the other types, whose IOPS follow from the size (gp2: 3 per GiB, 100 to 16000);
* throughput: gp3 only, 125-2000 MiB/s (default 125), at most 0.25 MiB/s per IOPS;
* Multi-Attach: io1/io2 only, up to 16 instances in the volume's zone;
* encryption: a volume is encrypted if asked to, if made from an encrypted snapshot, or if
  the account enabled encryption by default in the region; `KmsKeyId` needs
  `Encrypted=true`; without one the account's default key (`alias/aws/ebs`) is used
  (`ebs_encryption.encryption`);
* a volume attaches to a running or stopped instance in its zone, on a free device name.
The simulator completes creations at once: CreateVolume answers `creating` as AWS does,
describe calls show the volume `available`.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from ..core import clock, regions, retention, schema
from ..core import tags as tagging
from ..core.errors import (IncorrectState, InvalidParameterCombination, InvalidParameterValue,
                           MissingParameter, TopologyError)
from ..core.family import Family, declare
from ..core.filters import Filter, field, ident
from ..core.world import Partition, World
from .ebs_encryption import encryption
from .fast_snapshot_restores import fast_restored

MAX_ATTACHMENTS = 16            # Multi-Attach: instances per volume


@dataclass(frozen=True)
class VolumeType:
    """What one EBS volume type allows."""

    name: str
    min_size: int
    max_size: int
    iops: tuple[int, int] | None = None    # provisionable IOPS, None: IOPS not accepted
    iops_per_gib: int = 0                  # most IOPS per GiB of size
    iops_required: bool = False
    throughput: tuple[int, int] | None = None
    multi_attach: bool = False


TYPES: dict[str, VolumeType] = {t.name: t for t in (
    VolumeType("gp2", 1, 16384),
    VolumeType("gp3", 1, 65536, iops=(3000, 80000), iops_per_gib=500, throughput=(125, 2000)),
    VolumeType("io1", 4, 16384, iops=(100, 64000), iops_per_gib=50, iops_required=True,
               multi_attach=True),
    VolumeType("io2", 4, 65536, iops=(100, 256000), iops_per_gib=1000, iops_required=True,
               multi_attach=True),
    VolumeType("st1", 125, 16384),
    VolumeType("sc1", 125, 16384),
    VolumeType("standard", 1, 1024),
)}
GP3_BASELINE_IOPS, GP3_BASELINE_THROUGHPUT = 3000, 125
THROUGHPUT_PER_IOPS = 0.25

# Device names an EBS volume may take (Linux /dev/sd[a-z], /dev/xvd[a-z], /dev/xvd[a-d][a-z],
# the root /dev/sda1; Windows xvd[a-z], xvd[a-d][a-z]).
_DEVICE = re.compile(r"/dev/sd[a-z]|/dev/sda1|(/dev/)?xvd([a-z]|[a-d][a-z])")


def _now_ms() -> dt.datetime:
    """The current time, to the millisecond like a volume's `CreateTime`."""
    stamp = dt.datetime.now(dt.timezone.utc)
    return stamp.replace(microsecond=stamp.microsecond // 1000 * 1000)


# -- creation ---------------------------------------------------------------------------------
def zone_of(part: Partition, name: str | None, zone_id: str | None) -> dict[str, str]:
    """The zone a CreateVolume request names by `AvailabilityZone` or `AvailabilityZoneId`."""
    if not name and not zone_id:
        raise MissingParameter("The request must contain the parameter zone")
    if name and zone_id:
        raise InvalidParameterCombination(
            "AvailabilityZone and AvailabilityZoneId can't be used together. Specify only one "
            "of these parameters.")
    found = regions.zone(part.region, zone_name=name, zone_id=zone_id)
    if found is None:
        raise TopologyError(f"The zone '{name or zone_id}' does not exist.",
                            "InvalidZone.NotFound")
    return found


def check_settings(vtype: str, size: int, iops: int | None, throughput: int | None,
                   multi_attach: bool) -> tuple[int | None, int | None]:
    """Check a type/size/IOPS/throughput/Multi-Attach combination against AWS's rules.

    Returns the (Iops, Throughput) the volume gets (None: not reported for its type).

    >>> check_settings("gp2", 100, None, None, False)
    (300, None)
    >>> check_settings("gp3", 1, None, None, False)
    (3000, 125)
    >>> check_settings("io1", 10, 600, None, False)
    Traceback (most recent call last):
    ...
    topology.core.errors.InvalidParameterValue: Iops to volume size ratio of 60.000000 is too high; ...
    """
    spec = TYPES[vtype]
    if spec.iops_required and iops is None:
        raise InvalidParameterCombination(
            f"The parameter iops must be specified for {vtype} volumes.")
    if spec.iops is None and iops is not None:
        raise InvalidParameterCombination(
            f"The parameter iops is not supported for {vtype} volumes.")
    if spec.throughput is None and throughput is not None:
        raise InvalidParameterCombination(
            f"The parameter throughput is not supported for {vtype} volumes.")
    if multi_attach and not spec.multi_attach:
        raise InvalidParameterCombination(
            f"The parameter multiAttachEnabled is not supported for {vtype} volumes.")
    _check_size(spec, size)
    if spec.iops is None:
        return (max(100, min(16000, 3 * size)) if vtype == "gp2" else None), None
    iops = GP3_BASELINE_IOPS if iops is None else iops
    _check_iops(spec, size, iops)
    if spec.throughput is None:
        return iops, None
    throughput = GP3_BASELINE_THROUGHPUT if throughput is None else throughput
    _check_throughput(spec, iops, throughput)
    return iops, throughput


def _check_size(spec: VolumeType, size: int) -> None:
    if size < spec.min_size:
        raise InvalidParameterValue(
            f"The volume size is invalid for {spec.name} volumes: {size} GiB. {spec.name} "
            f"volumes must be at least {spec.min_size} GiB in size. Please specify a volume "
            "size above the minimum limit.")
    if size > spec.max_size:
        raise InvalidParameterValue(
            f"Volume of {size}GiB is too large for volume type {spec.name}; maximum is "
            f"{spec.max_size}GiB")


def _check_iops(spec: VolumeType, size: int, iops: int) -> None:
    low, high = spec.iops or (0, 0)
    if iops < low:
        raise InvalidParameterValue(f"Volume iops of {iops} is too low; minimum is {low}.")
    if iops > high:
        raise InvalidParameterValue(f"Volume iops of {iops} is too high; maximum is {high}.")
    baseline = GP3_BASELINE_IOPS if spec.name == "gp3" else 0   # gp3's baseline fits any size
    if iops > max(baseline, size * spec.iops_per_gib):
        raise InvalidParameterValue(
            f"Iops to volume size ratio of {iops / size:.6f} is too high; maximum is "
            f"{spec.iops_per_gib}")


def _check_throughput(spec: VolumeType, iops: int, throughput: int) -> None:
    low, high = spec.throughput or (0, 0)
    if throughput < low:
        raise InvalidParameterValue(
            f"Volume throughput of {throughput} is too low; minimum is {low}.")
    if throughput > high:
        raise InvalidParameterValue(
            f"Volume throughput of {throughput} is too high; maximum is {high}.")
    if throughput > iops * THROUGHPUT_PER_IOPS:
        raise InvalidParameterValue(
            f"Throughput (MiBps) to iops ratio of {throughput / iops:.6f} is too high; maximum "
            f"is {THROUGHPUT_PER_IOPS:.6f} MiBps per iops")


def create(world: World, part: Partition, *, zone: str, size: int | None = None,
           snapshot_id: str | None = None, volume_type: str | None = "gp2",
           iops: int | None = None, throughput: int | None = None,
           encrypted: bool | None = None, kms_key_id: str | None = None,
           multi_attach: bool = False, tags: dict[str, str] | None = None,
           snapshot_size: int | None = None) -> str:
    """Create an `available` volume in `zone` (a zone name of the region).

    `snapshot_id` must be a snapshot of the partition, unless `snapshot_size` is given: then
    it names the snapshot of a catalogue image (not a node) whose size that is.
    Raises AWS's errors for every rule in the module docstring.
    """
    found = zone_of(part, zone, None)
    vtype = volume_type or "gp2"
    source_size, source_key = _source(world, part, snapshot_id, snapshot_size)
    if size is None and source_size is None:
        raise MissingParameter("The request must contain the parameter size/snapshot")
    size = source_size if size is None else size
    vol_iops, vol_throughput = check_settings(vtype, size, iops, throughput, multi_attach)
    if source_size is not None and size < source_size:
        raise InvalidParameterValue(
            f"Volume of size {size}GB is smaller than snapshot '{snapshot_id}', expect size "
            f">= {source_size}GB")
    is_encrypted, key = encryption(part, encrypted, kms_key_id, source_key)
    vol_id = world.new_id("vol")
    fields: dict[str, Any] = {
        "Size": size, "SnapshotId": snapshot_id or "", "AvailabilityZone": found["ZoneName"],
        "AvailabilityZoneId": found["ZoneId"], "State": "available", "CreateTime": _now_ms(),
        "VolumeType": vtype, "Encrypted": is_encrypted, "MultiAttachEnabled": multi_attach,
        "Iops": vol_iops, "Throughput": vol_throughput, "KmsKeyId": key,
    }
    if snapshot_id:
        fields["FastRestored"] = fast_restored(world, snapshot_id, found["ZoneName"])
    world.add(part, "volume", vol_id, **{k: v for k, v in fields.items() if v is not None})
    if snapshot_id:
        world.claim(part, "volume-snapshot", snapshot_id, vol_id)
    tagging.apply(world, vol_id, tags or {})
    return vol_id


def _source(world: World, part: Partition, snapshot_id: str | None, snapshot_size: int | None
            ) -> tuple[int | None, str | None]:
    """(VolumeSize, KmsKeyId) of the snapshot a volume is made from."""
    if not snapshot_id:
        return None, None
    if snapshot_size is not None:
        return snapshot_size, None
    snap = world.get(part, "snapshot", snapshot_id)
    if snap.get("StorageTier") == "archive" and not snap.get("RestoreExpiryTime"):
        raise IncorrectState(f"Snapshot {snapshot_id} is in the archive tier. Restore it "
                             "before creating a volume from it.", "IncorrectState")
    return snap["VolumeSize"], snap.get("KmsKeyId") if snap.get("Encrypted") else None


def delete(world: World, part: Partition, vol_id: str) -> None:
    """Delete a volume; AWS refuses while it is attached."""
    world.get(part, "volume", vol_id)
    attached = _attachments(world, vol_id)
    if attached:
        raise TopologyError(f"Volume {vol_id} is currently attached to {attached[0][0]}",
                            "VolumeInUse")
    retention.discard(world, part, vol_id)     # or into the Recycle Bin


# -- attachments ------------------------------------------------------------------------------
def _attachments(world: World, vol_id: str) -> list[tuple[str, Any, dict[str, Any]]]:
    """The volume's attachment edges as (instance, discriminator, data), oldest first."""
    found = world.out(vol_id, schema.ATTACHED, "instance")
    return sorted(found, key=lambda e: (e[2]["AttachTime"], world.graph.nodes[e[0]]["seq"]))


def attached_volumes(world: World, instance_id: str) -> list[tuple[str, dict[str, Any]]]:
    """The volumes attached to an instance as (volume id, attachment data), oldest first."""
    found = [(v, data) for v, _, data in world.into(instance_id, schema.ATTACHED, "volume")]
    return sorted(found, key=lambda e: (e[1]["AttachTime"], world.graph.nodes[e[0]]["seq"]))


def check_device(device: str) -> None:
    if not _DEVICE.fullmatch(device):
        raise InvalidParameterValue(
            f"Value ({device}) for parameter device is invalid. {device} is not a valid EBS "
            "device name.")


def attach(world: World, part: Partition, volume_id: str, instance_id: str, device: str, *,
           delete_on_termination: bool = False, at_launch: bool = False) -> dict[str, Any]:
    """Attach a volume to an instance of its zone on a free device; returns the attachment
    (boto3 `VolumeAttachment`, `attaching`). `at_launch`: the instance is being launched
    (still `pending`), as RunInstances attaches its block device mappings."""
    node = world.get(part, "volume", volume_id)
    instance = world.get(part, "instance", instance_id)
    check_device(device)
    if not at_launch and _state(instance) not in ("running", "stopped"):
        raise IncorrectState(f"Instance '{instance_id}' is not 'running'.", "IncorrectState")
    if _zone(instance) != node["AvailabilityZone"]:
        raise TopologyError(
            f"The volume '{volume_id}' is not in the same availability zone as instance "
            f"'{instance_id}'", "InvalidVolume.ZoneMismatch")
    attached = _attachments(world, volume_id)
    if attached and (not node.get("MultiAttachEnabled") or len(attached) >= MAX_ATTACHMENTS
                     or any(i == instance_id for i, _, _ in attached)):
        raise TopologyError(f"{volume_id} is already attached to an instance", "VolumeInUse")
    if any(data["Device"] == device for _, data in attached_volumes(world, instance_id)):
        raise InvalidParameterValue(
            f"Invalid value '{device}' for unixDevice. Attachment point {device} is already "
            "in use")
    world.link(volume_id, instance_id, schema.ATTACHED, Device=device,
               DeleteOnTermination=delete_on_termination, AttachTime=clock.now(),
               State="attached")
    world.update(volume_id, State="in-use")
    view = attachment_view(world, volume_id, instance_id)
    view.pop("DeleteOnTermination")
    return {**view, "State": "attaching"}


def _state(instance: dict[str, Any]) -> str | None:
    return (instance.get("State") or {}).get("Name")


def _zone(instance: dict[str, Any]) -> str | None:
    return (instance.get("Placement") or {}).get("AvailabilityZone")


def detach(world: World, part: Partition, volume_id: str, *, instance_id: str | None = None,
           device: str | None = None, force: bool = False) -> dict[str, Any]:
    """Detach a volume (from `instance_id`, required for a Multi-Attach volume attached to
    several); returns the attachment as `detaching`. The root volume of a running instance
    stays, `force` or not: `force` only skips the guest's cooperation."""
    world.get(part, "volume", volume_id)
    if instance_id:
        world.get(part, "instance", instance_id)
    attached = _attachments(world, volume_id)
    if not attached:
        raise IncorrectState(f"Volume '{volume_id}' is in the 'available' state.",
                             "IncorrectState")
    if instance_id is None and len(attached) > 1:
        raise MissingParameter("The request must contain the parameter instanceId")
    target = next((a for a in attached if instance_id in (None, a[0])), None)
    if target is None:
        raise TopologyError(f"Volume '{volume_id}' is not attached to instance '{instance_id}'",
                            "InvalidAttachment.NotFound")
    inst_id, _, data = target
    if device is not None and device != data["Device"]:
        # AWS's words are not on record; these are moto's, so code written against it runs
        raise TopologyError(f"The volume {volume_id} is not attached to instance {inst_id} as "
                            f"device {device}", "InvalidAttachment.NotFound")
    instance = world.graph.nodes[inst_id]
    state = _state(instance)
    if data["Device"] == instance.get("RootDeviceName") and state != "stopped":
        raise IncorrectState(f"Unable to detach root volume '{volume_id}' from instance "
                             f"'{inst_id}'", "IncorrectState")
    if state in ("pending", "stopping", "shutting-down") and not force:
        raise TopologyError(
            f"Unable to detach volume '{volume_id}' from instance '{inst_id}'. The instance is "
            "not in a state in which volumes can be detached.", "IncorrectInstanceState")
    view = attachment_view(world, volume_id, inst_id)
    _unlink(world, volume_id, inst_id)
    view.pop("DeleteOnTermination")
    return {**view, "State": "detaching"}


def _unlink(world: World, vol_id: str, instance_id: str) -> None:
    world.unlink(vol_id, instance_id, schema.ATTACHED)
    if not _attachments(world, vol_id):
        world.update(vol_id, State="available")


def release_instance(world: World, part: Partition, instance_id: str) -> list[str]:
    """What terminating an instance does to its volumes: each is detached, and deleted if
    its attachment says `DeleteOnTermination` (and no other instance holds it). Returns the
    deleted volume ids."""
    deleted = []
    for vol_id, data in attached_volumes(world, instance_id):
        _unlink(world, vol_id, instance_id)
        if data["DeleteOnTermination"] and not _attachments(world, vol_id):
            retention.discard(world, part, vol_id)
            deleted.append(vol_id)
    return deleted


def set_delete_on_termination(world: World, instance_id: str, device: str, flag: bool) -> str:
    """Change the `DeleteOnTermination` of the volume on `device` (ModifyInstanceAttribute);
    returns the volume id. Raises `InvalidInstanceAttributeValue` when no volume is there."""
    for vol_id, data in attached_volumes(world, instance_id):
        if data["Device"] == device:
            world.link(vol_id, instance_id, schema.ATTACHED,
                       **{**data, "DeleteOnTermination": flag})
            return vol_id
    raise TopologyError(f"No device is currently mapped at {device}",
                        "InvalidInstanceAttributeValue")


def attachment_view(world: World, vol_id: str, instance_id: str) -> dict[str, Any]:
    """One attachment as boto3's `VolumeAttachment`."""
    data = world.graph.edges[vol_id, instance_id, (schema.ATTACHED, None)]
    return {"AttachTime": data["AttachTime"], "Device": data["Device"],
            "InstanceId": instance_id, "State": data["State"], "VolumeId": vol_id,
            "DeleteOnTermination": data["DeleteOnTermination"]}


def instance_mappings(world: World, instance_id: str) -> list[dict[str, Any]]:
    """The instance's EBS volumes as boto3 `InstanceBlockDeviceMapping`s (describe_instances)."""
    return [{"DeviceName": data["Device"],
             "Ebs": {"AttachTime": data["AttachTime"],
                     "DeleteOnTermination": data["DeleteOnTermination"],
                     "Status": data["State"], "VolumeId": vol_id}}
            for vol_id, data in attached_volumes(world, instance_id)]


def root_volume(world: World, instance_id: str) -> str | None:
    """The volume on the instance's root device, if any."""
    root = world.graph.nodes[instance_id].get("RootDeviceName")
    return next((v for v, data in attached_volumes(world, instance_id)
                 if data["Device"] == root), None)


# -- views and filters ------------------------------------------------------------------------
_OWN_FIELDS = ("AvailabilityZone", "AvailabilityZoneId", "CreateTime", "Encrypted", "KmsKeyId",
               "Size", "SnapshotId", "State", "VolumeType", "Iops", "Throughput",
               "MultiAttachEnabled", "FastRestored", "SourceVolumeId")


def view(world: World, vol_id: str) -> dict[str, Any]:
    """The volume as boto3's `Volume`."""
    node = world.graph.nodes[vol_id]
    out: dict[str, Any] = {"VolumeId": vol_id, **{k: node[k] for k in _OWN_FIELDS if k in node}}
    out["Attachments"] = [attachment_view(world, vol_id, i)
                          for i, _, _ in _attachments(world, vol_id)]
    if node["tags"]:
        out["Tags"] = tagging.listed(node["tags"])
    return out


def created_view(world: World, vol_id: str) -> dict[str, Any]:
    """The volume as CreateVolume answers: still `creating`, no attachments yet."""
    out = view(world, vol_id)
    del out["Attachments"]
    return {**out, "State": "creating"}


def status_view(world: World, vol_id: str) -> dict[str, Any]:
    """The volume as boto3's `VolumeStatusItem`: checks pass, no events, no actions."""
    node = world.graph.nodes[vol_id]
    return {"VolumeId": vol_id, "AvailabilityZone": node["AvailabilityZone"],
            "AvailabilityZoneId": node["AvailabilityZoneId"],
            "VolumeStatus": {"Status": "ok", "Details": _status_details(node)},
            "Events": [], "Actions": []}


def _status_details(node: dict[str, Any]) -> list[dict[str, str]]:
    # io-performance is measured for provisioned-IOPS volumes only
    performance = "normal" if node["VolumeType"] in ("io1", "io2") else "not-applicable"
    return [{"Name": "io-enabled", "Status": "passed"},
            {"Name": "io-performance", "Status": performance}]


def attached_to(world: World, part: Partition, value: str) -> list[str]:
    """Candidates for `attachment.instance-id`: the volumes attached to that instance."""
    return [v for v, _, _ in world.into(value, schema.ATTACHED, "volume")]


def claimed(name: str):
    def candidates(world: World, part: Partition, value: str) -> list[str]:
        return list(world.claimed(part, name, value))
    return candidates


def _attached(key: str, convert=lambda v: v):
    return Filter(lambda w, rid, n: [convert(data[key]) for _, _, data in _attachments(w, rid)])


FILTERS: dict[str, Filter] = {
    "attachment.attach-time": _attached("AttachTime", clock.stamp),
    "attachment.delete-on-termination": _attached("DeleteOnTermination"),
    "attachment.device": _attached("Device"),
    "attachment.instance-id": Filter(lambda w, rid, n: [i for i, _, _ in _attachments(w, rid)],
                                     attached_to, exact=True),
    "attachment.status": _attached("State"),
    "availability-zone": field("AvailabilityZone", index=True),
    "availability-zone-id": field("AvailabilityZoneId", index=True),
    "create-time": Filter(lambda w, rid, n: clock.stamp(n["CreateTime"])),
    "encrypted": field("Encrypted"),
    "fast-restored": Filter(lambda w, rid, n: bool(n.get("FastRestored"))),
    "multi-attach-enabled": field("MultiAttachEnabled"),
    "operator.managed": Filter(lambda w, rid, n: False),
    "operator.principal": Filter(lambda w, rid, n: None),
    "size": field("Size"),
    "snapshot-id": Filter(lambda w, rid, n: n["SnapshotId"] or None,
                          claimed("volume-snapshot"), exact=True),
    "status": field("State", index=True),
    "volume-id": ident(),
    "volume-type": field("VolumeType"),
}


def _status(get):
    return Filter(lambda w, rid, n: get(n))


STATUS_FILTERS: dict[str, Filter] = {
    "action.code": _status(lambda n: []),
    "action.description": _status(lambda n: []),
    "action.event-id": _status(lambda n: []),
    "availability-zone": field("AvailabilityZone", index=True),
    "event.description": _status(lambda n: []),
    "event.event-id": _status(lambda n: []),
    "event.event-type": _status(lambda n: []),
    "event.not-after": _status(lambda n: []),
    "event.not-before": _status(lambda n: []),
    "volume-status.details-name": _status(lambda n: [d["Name"] for d in _status_details(n)]),
    "volume-status.details-status": _status(lambda n: [d["Status"] for d in _status_details(n)]),
    "volume-status.status": _status(lambda n: "ok"),
}


# -- the family: its plain Create/Delete/Describe operations are bound from this (docs/families.md)
FAMILY = declare(Family("volume", view=view, filters=FILTERS, delete=delete,
                        max_results=(5, 500), ids_set="volumeSet",
                        actions={"AttachVolume": attach, "DetachVolume": detach}))
