"""How images come to be and go: RegisterImage, CopyImage, CreateImage, DeregisterImage.

A new image is a private, `available` node of the caller's partition (`_add`), its name
claimed under "image-name" and each of its snapshots under "snapshot-user". Names follow
AWS's rules (3 to 128 letters, digits and `()[] ./-'@_`, unique per account and region);
block device mappings follow EBS's (a snapshot of the account, or a size; a volume no smaller
than its snapshot; no encryption flag beside a snapshot; each device once).

* RegisterImage: an EBS-backed image whose root device maps a snapshot, or an instance-store
  image from an S3 manifest;
* CreateImage: one new snapshot per EBS volume of a running or stopped instance;
* CopyImage: into the caller's region, from an image it sees in the source region; the
  snapshots of its own images are copied (`snapshots.copy`), those of public or shared
  images (which the caller cannot read) become new snapshot ids;
* DeregisterImage: owner only; optionally deletes the snapshots no other image uses.
"""
from __future__ import annotations

import copy as _copy
import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from ..catalogue import image_catalogue as catalogue
from ..core import regions, retention
from ..core import tags as tagging
from ..core.clock import stamp
from ..core.errors import InvalidParameterValue, MissingParameter, NotFound, TopologyError
from ..core.world import Partition, World
from . import (ebs_encryption, image_lifecycle, image_lineage, images, instances, snapshots,
               volumes)

NAME_INDEX, SNAPSHOT_INDEX = images.NAME_INDEX, images.SNAPSHOT_INDEX
_NAME = re.compile(r"[A-Za-z0-9()\[\] ./\-'@_]{3,128}")


# -- names and block device mappings ----------------------------------------------------------
def check_name(world: World, part: Partition, name: str | None) -> str:
    """An AMI name AWS accepts that no image of the account and region has yet."""
    if not name:
        raise MissingParameter("The request must contain the parameter name")
    if not _NAME.fullmatch(name):
        raise TopologyError(
            "AMI names must be between 3 and 128 characters long, and may contain letters, "
            "numbers, '(', ')', '.', '-', '/' and '_'", "InvalidAMIName.Malformed")
    for other in world.claimed(part, NAME_INDEX, name):
        raise TopologyError(f"AMI name {name} is already in use by AMI {other}",
                            "InvalidAMIName.Duplicate")
    return name


def _bdm_error(message: str) -> TopologyError:
    return TopologyError(message, "InvalidBlockDeviceMapping")


def _requested(mappings: Iterable[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """The request's mappings, each naming a device once."""
    seen: set[str] = set()
    out = []
    for m in mappings or []:
        device = m.get("DeviceName")
        if not device:
            raise MissingParameter(
                "The request must contain the parameter BlockDeviceMapping.DeviceName")
        if device in seen:
            raise _bdm_error(f"The device '{device}' is used in more than one block-device "
                             "mapping")
        seen.add(device)
        out.append(m)
    return out


def _new_ebs(world: World, part: Partition, device: str, ebs: dict[str, Any]) -> dict[str, Any]:
    """An image's EBS mapping from a request's: from a snapshot of the account, or empty."""
    snap_id, size = ebs.get("SnapshotId"), ebs.get("VolumeSize")
    out: dict[str, Any] = {"DeleteOnTermination": ebs.get("DeleteOnTermination", True)}
    encrypted = bool(ebs.get("Encrypted"))
    if snap_id:
        snap = world.get(part, "snapshot", snap_id)
        if ebs.get("Encrypted") is not None:
            raise _bdm_error(f"the encrypted flag cannot be specified since device {device} "
                             "has a snapshot specified.")
        if size is not None and size < snap["VolumeSize"]:
            raise _bdm_error(f"Volume of size {size}GB is smaller than snapshot '{snap_id}', "
                             f"expect size >= {snap['VolumeSize']}GB")
        size, encrypted = size or snap["VolumeSize"], bool(snap.get("Encrypted"))
        out["SnapshotId"] = snap_id
    elif size is None:
        raise _bdm_error(f"Either snapshot ID or volume size must be provided for: {device}")
    out.update(_volume_settings(ebs, size))
    out["Encrypted"] = encrypted
    return out


def _volume_settings(ebs: dict[str, Any], size: int) -> dict[str, Any]:
    """VolumeSize, VolumeType and (for provisioned types) Iops/Throughput, checked like
    a volume's."""
    vtype = ebs.get("VolumeType") or "gp2"
    iops, throughput = volumes.check_settings(vtype, size, ebs.get("Iops"),
                                              ebs.get("Throughput"), False)
    out: dict[str, Any] = {"VolumeSize": size, "VolumeType": vtype}
    if vtype != "gp2" and iops is not None:
        out["Iops"] = iops
    if throughput is not None:
        out["Throughput"] = throughput
    return out


def _mapping(world: World, part: Partition, m: dict[str, Any]) -> dict[str, Any]:
    device = m["DeviceName"]
    if "NoDevice" in m:
        return {"DeviceName": device, "NoDevice": ""}
    if m.get("VirtualName"):
        return {"DeviceName": device, "VirtualName": m["VirtualName"]}
    return {"DeviceName": device, "Ebs": _new_ebs(world, part, device, m.get("Ebs") or {})}


# -- creating images --------------------------------------------------------------------------
def _add(world: World, part: Partition, fields: dict[str, Any], tags: dict[str, str] | None,
         image_id: str | None = None) -> str:
    """Add an image of the caller's: private, `available`, name and snapshots claimed."""
    image_id = image_id or world.new_id("ami")
    name = fields["Name"]
    base = {"ImageType": "machine", "State": "available", "OwnerId": part.account,
            "CreationDate": stamp(dt.datetime.now(dt.timezone.utc)),
            "ImageLocation": f"{part.account}/{name}",
            "DeregistrationProtection": "disabled", "FreeTierEligible": False,
            "permissions": [], "ProductCodes": []}
    world.add(part, "image", image_id, **{**base, **{k: v for k, v in fields.items()
                                                     if v is not None}})
    world.claim(part, NAME_INDEX, name, image_id)
    for snap_id in _snapshot_ids(world.graph.nodes[image_id]):
        if _node_in(world, part, "snapshot", snap_id) is not None:
            world.claim(part, SNAPSHOT_INDEX, snap_id, image_id)
    tagging.apply(world, image_id, tags or {})
    return image_id


def _snapshot_ids(node: dict[str, Any]) -> list[str]:
    return [m["Ebs"]["SnapshotId"] for m in node.get("BlockDeviceMappings", ())
            if "SnapshotId" in (m.get("Ebs") or {})]


REGISTER_FIELDS = ("Description", "Architecture", "VirtualizationType", "SriovNetSupport",
                   "EnaSupport", "BootMode", "TpmSupport", "UefiData", "ImdsSupport")


def register(world: World, part: Partition, params: dict[str, Any],
             tags: dict[str, str] | None = None) -> str:
    """RegisterImage: an EBS-backed image from snapshots of the account (root device and
    block device mappings), or an instance-store image from an S3 manifest."""
    name = check_name(world, part, params.get("Name"))
    if params.get("BillingProducts"):
        raise TopologyError("You are not authorized to use the requested billing products.",
                            "AuthFailure")
    for member, kind in (("KernelId", "kernel"), ("RamdiskId", "RAM disk")):
        if params.get(member):   # no AKIs or ARIs are registered in the simulator
            raise NotFound(f"The {kind} ID '{params[member]}' does not exist",
                           "InvalidAMIID.NotFound")
    mappings = [_mapping(world, part, m) for m in _requested(params.get("BlockDeviceMappings"))]
    location = params.get("ImageLocation")
    root = params.get("RootDeviceName")
    if location is None:
        if not mappings:
            raise MissingParameter("The request must contain the parameter ImageLocation")
        if not root:
            raise MissingParameter("The request must contain the parameter rootDeviceName")
        if not any(m["DeviceName"] == root and "SnapshotId" in m.get("Ebs", {})
                   for m in mappings):
            raise _bdm_error(f"The root device '{root}' must have a block device mapping "
                             "with a snapshot.")
    fields = {k: params.get(k) for k in REGISTER_FIELDS}
    fields.update(Name=name, RootDeviceName=root or "/dev/sda1",
                  RootDeviceType="ebs" if location is None else "instance-store",
                  Architecture=params.get("Architecture") or "i386",
                  VirtualizationType=params.get("VirtualizationType") or "paravirtual",
                  Hypervisor="xen", PlatformDetails="Linux/UNIX", UsageOperation="RunInstances",
                  BlockDeviceMappings=sorted(mappings, key=lambda m: m["DeviceName"] != root))
    if location is not None:
        fields["ImageLocation"] = location
    return _add(world, part, fields, tags)


# fields an image made from another (an instance's image, or a copy) takes over
INHERITED = ("Architecture", "RootDeviceName", "RootDeviceType", "VirtualizationType",
             "Hypervisor", "EnaSupport", "SriovNetSupport", "BootMode", "TpmSupport",
             "UefiData", "ImdsSupport", "Platform", "PlatformDetails", "UsageOperation",
             "KernelId", "RamdiskId", "ImageWatermarks")


def copy(world: World, part: Partition, source_region: str, source_id: str, name: str, *,
         description: str | None = None, encrypted: bool | None = None,
         kms_key_id: str | None = None, copy_tags: bool = False,
         tags: dict[str, str] | None = None, snapshot_tags: dict[str, str] | None = None
         ) -> str:
    """CopyImage into the caller's region: a new private image of the caller's, with new
    snapshots (encrypted if asked, if the source's are, or by the region's default)."""
    if source_region not in regions.by_name():
        raise InvalidParameterValue(f"Value ({source_region}) for parameter sourceRegion is "
                                    "invalid. The region does not exist.")
    source = images.find(world, part.account, source_region, source_id)
    check_name(world, part, name)
    if kms_key_id and not encrypted:
        ebs_encryption.encryption(part, encrypted, kms_key_id, None)   # AWS's dependency error
    image_id = world.new_id("ami")
    mappings = [_copied(world, part, source, (source_region, source_id), m, image_id,
                        encrypted=encrypted, kms_key_id=kms_key_id, tags=snapshot_tags)
                for m in source.get("BlockDeviceMappings", [])]
    fields = {k: source.get(k) for k in INHERITED}
    fields.update(Name=name, BlockDeviceMappings=mappings, SourceImageId=source_id,
                  SourceImageRegion=source_region,
                  Description=source.get("Description") if description is None else description)
    own_tags = dict(source["tags"]) if copy_tags and source["account"] == part.account else {}
    return _add(world, part, fields, {**own_tags, **(tags or {})}, image_id)


def _copied(world: World, part: Partition, source: dict[str, Any], where: tuple[str, str],
            mapping: dict[str, Any], image_id: str, *, encrypted: bool | None,
            kms_key_id: str | None, tags: dict[str, str] | None) -> dict[str, Any]:
    """A mapping of the copy: a copy of the source's snapshot, or (for the snapshots of a
    public or shared image, which the caller cannot read) a new snapshot id."""
    mapping = _copy.deepcopy(mapping)
    ebs = mapping.get("Ebs")
    if not ebs or not ebs.get("SnapshotId"):
        return mapping
    old = ebs["SnapshotId"]
    source_region, source_id = where
    if source["account"] == part.account and world.node(old) is not None:
        text = f"Copied for DestinationAmi {image_id} from SourceAmi {source_id} for " \
               f"SourceSnapshot {old}"
        ebs["SnapshotId"] = snapshots.copy(world, part, source_region, old, encrypted=encrypted,
                                           kms_key_id=kms_key_id, description=text, tags=tags)
        ebs["Encrypted"] = bool(world.graph.nodes[ebs["SnapshotId"]].get("Encrypted"))
    else:
        ebs["SnapshotId"] = world.new_id("snap")
        ebs["Encrypted"] = bool(ebs.get("Encrypted")) or \
            ebs_encryption.encryption(part, encrypted, kms_key_id, None)[0]
    return mapping


def create_from_instance(world: World, part: Partition, instance_id: str, name: str, *,
                         description: str | None = None, no_reboot: bool = False,
                         block_device_mappings: list[dict[str, Any]] | None = None,
                         tags: dict[str, str] | None = None,
                         snapshot_tags: dict[str, str] | None = None) -> str:
    """CreateImage: an image of a running or stopped instance, one new snapshot per EBS
    volume attached to it. The request's mappings may change `DeleteOnTermination`, drop a
    device (`NoDevice`) or add volumes and instance store devices. (`no_reboot` changes
    nothing here: the simulated instance is running again at once.)"""
    instance = world.get(part, "instance", instance_id)
    if instances.state_name(world, instance_id) not in ("running", "stopped"):
        raise TopologyError(f"The instance '{instance_id}' is not in a state from which it "
                            "can be imaged.", "IncorrectInstanceState")
    check_name(world, part, name)
    requested = {m["DeviceName"]: m for m in _requested(block_device_mappings)}
    root = instance.get("RootDeviceName", "/dev/xvda")
    if "NoDevice" in requested.get(root, {}):
        raise _bdm_error("The root device of the instance cannot be suppressed.")
    current = _instance_volumes(world, instance_id)
    added = [_mapping(world, part, m) for d, m in requested.items()
             if d not in current and "NoDevice" not in m]
    image_id = world.new_id("ami")
    mappings = []
    for device, (vol_id, on_termination) in current.items():
        change = requested.get(device, {})
        if "NoDevice" in change:
            continue
        flag = (change.get("Ebs") or {}).get("DeleteOnTermination", on_termination)
        mappings.append({"DeviceName": device, "Ebs": _snapshot_of(
            world, part, vol_id, flag, f"Created by CreateImage({instance_id}) for {image_id}",
            snapshot_tags)})
    source = _source_image(world, part, instance.get("ImageId"))
    fields = {k: instance.get(k, source.get(k)) for k in INHERITED}
    fields.update(Name=name, Description=description, SourceInstanceId=instance_id,
                  SourceImageId=instance.get("ImageId"), SourceImageRegion=part.region,
                  RootDeviceName=root, RootDeviceType="ebs",
                  BlockDeviceMappings=sorted(mappings + added,
                                             key=lambda m: m["DeviceName"] != root))
    return _add(world, part, fields, tags, image_id)


def _instance_volumes(world: World, instance_id: str) -> dict[str, tuple[str, bool]]:
    """device -> (volume id, DeleteOnTermination) of the instance's attached volumes."""
    return {data["Device"]: (vol_id, bool(data.get("DeleteOnTermination")))
            for vol_id, data in volumes.attached_volumes(world, instance_id)}


def _snapshot_of(world: World, part: Partition, vol_id: str, delete_on_termination: bool,
                 description: str, tags: dict[str, str] | None) -> dict[str, Any]:
    """Snapshot a volume for an image; its EBS mapping."""
    vol = world.graph.nodes[vol_id]
    snap_id = snapshots.create(world, part, vol_id, description=description, tags=tags)
    out = {"DeleteOnTermination": delete_on_termination, "SnapshotId": snap_id,
           "VolumeSize": vol["Size"], "VolumeType": vol["VolumeType"],
           "Encrypted": bool(vol.get("Encrypted"))}
    if vol["VolumeType"] != "gp2" and vol.get("Iops") is not None:
        out["Iops"] = vol["Iops"]
    if vol.get("Throughput") is not None:
        out["Throughput"] = vol["Throughput"]
    return out


def _source_image(world: World, part: Partition, image_id: str | None) -> dict[str, Any]:
    """The image an instance was launched from, if it is still there."""
    node = images.image_node(world, part.region, image_id) if image_id else None
    return node or {}


def deregister(world: World, part: Partition, image_id: str, *,
               delete_snapshots: bool = False) -> list[dict[str, str]]:
    """DeregisterImage (owner only); with `delete_snapshots`, delete the snapshots no other
    image uses. Returns one `{SnapshotId, ReturnCode}` per snapshot of the image."""
    node = images.owned(world, part, image_id)
    image_lifecycle.check_deregistrable(node, image_id)
    snap_ids = _snapshot_ids(node)
    image_lineage.record(world, image_id)    # what DescribeInstanceImageMetadata still tells
    pub = catalogue.public_partition(world, part.region)
    for value in images.index_values(node.get("permissions", [])):
        world.unclaim(pub, catalogue.LAUNCH_INDEX, value, image_id)
    retention.discard(world, part, image_id)     # or into the Recycle Bin
    world.claim(part, images.DEREGISTERED, image_id, part.account)
    if not delete_snapshots:
        return []
    results = []
    for snap_id in snap_ids:
        if _node_in(world, part, "snapshot", snap_id) is None:
            code = "client-error"
        elif world.claimed(part, SNAPSHOT_INDEX, snap_id):
            code = "skipped"       # another image still uses it
        else:
            snapshots.delete(world, part, snap_id)
            code = "success"
        results.append({"SnapshotId": snap_id, "ReturnCode": code})
    return results


def _node_in(world: World, part: Partition, kind: str, rid: str) -> dict[str, Any] | None:
    node = world.node(rid)
    if node is None or node["kind"] != kind or node["account"] != part.account \
            or node["region"] != part.region:
        return None
    return node
