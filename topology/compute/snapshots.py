"""EBS snapshots: point-in-time copies of volumes, multi-volume snapshot sets of an instance,
copies across regions, and who may see them.

A snapshot node holds its fields in boto3 member names (`VolumeId`, `VolumeSize`, `State`,
`StartTime`, `Progress`, `Description`, `Encrypted`, `KmsKeyId`, `StorageTier`). It is
claimed under "snapshot-volume" by its volume id (the `volume-id` filter). An image whose
block device mappings use a snapshot claims it under "snapshot-user" (the images family
calls `world.claim(part, "snapshot-user", snap_id, image_id)`), which is what keeps
DeleteSnapshot from removing it.

AWS's rules: a snapshot inherits its volume's size and encryption (and key); a copy is
encrypted if its source is, if asked to, or if the destination region encrypts by default,
and its source volume id is the arbitrary `vol-ffffffff`; keys are regional, so a copy to
another region uses the given key or the destination's default. The simulator completes
snapshots at once: the create calls answer `pending` as AWS does, describe shows them
`completed` at 100%.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..core import clock, regions
from ..core import tags as tagging
from ..core.errors import (InvalidParameterCombination, InvalidParameterValue, MissingParameter,
                           TopologyError)
from ..core import retention
from ..core.family import Family, declare
from ..core.filters import Filter, field, ident, owner
from ..core.permissions import ALL, permission_item
from ..core.world import Partition, World
from . import ebs_encryption, snapshot_locks, snapshot_public_access, volumes

COPY_VOLUME_ID = "vol-ffffffff"    # AWS: "Snapshots copies have an arbitrary source volume ID"
SELF = "self"


def create(world: World, part: Partition, vol_id: str, *, description: str = "",
           tags: dict[str, str] | None = None) -> str:
    """Snapshot a volume (attached or not); returns the snapshot id."""
    vol = world.get(part, "volume", vol_id)
    return _add(world, part, vol_id, vol["Size"], vol["Encrypted"], vol.get("KmsKeyId"),
                description, tags)


def _add(world: World, part: Partition, vol_id: str, size: int, encrypted: bool,
         key: str | None, description: str, tags: dict[str, str] | None,
         **extra: Any) -> str:
    snap_id = world.new_id("snap")
    started = clock.now()
    fields = {"VolumeId": vol_id, "VolumeSize": size, "State": "completed",
              "StartTime": started, "CompletionTime": started, "Progress": "100%",
              "Description": description, "Encrypted": encrypted, "StorageTier": "standard",
              "KmsKeyId": key if encrypted else None, **extra}
    world.add(part, "snapshot", snap_id, **{k: v for k, v in fields.items() if v is not None})
    world.claim(part, "snapshot-volume", vol_id, snap_id)
    tagging.apply(world, snap_id, tags or {})
    return snap_id


def create_imported(world: World, part: Partition, size: int, *, encrypted: bool = False,
                    kms_key_id: str | None = None, description: str = "",
                    tags: dict[str, str] | None = None) -> str:
    """A snapshot VM Import made from a disk image (no volume: AWS gives `vol-ffffffff`)."""
    return _add(world, part, COPY_VOLUME_ID, size, encrypted, kms_key_id, description, tags)


def create_for_instance(world: World, part: Partition, instance_id: str, *,
                        exclude_boot: bool = False, exclude: Iterable[str] = (),
                        description: str = "", tags: dict[str, str] | None = None,
                        copy_volume_tags: bool = False) -> list[str]:
    """CreateSnapshots: one crash-consistent snapshot per volume attached to the instance,
    less the root volume (`exclude_boot`) and the data volumes in `exclude`."""
    world.get(part, "instance", instance_id)
    root = volumes.root_volume(world, instance_id)
    excluded = set()
    for vol_id in exclude:
        world.get(part, "volume", vol_id)
        if vol_id == root:
            raise InvalidParameterValue(
                f"The root volume {vol_id} cannot be excluded with ExcludeDataVolumeIds. Use "
                "ExcludeBootVolume to exclude the root volume.")
        excluded.add(vol_id)
    chosen = [v for v, _ in volumes.attached_volumes(world, instance_id)
              if v not in excluded and not (exclude_boot and v == root)]
    made = []
    for vol_id in chosen:
        own = dict(world.tags(vol_id)) if copy_volume_tags else {}
        made.append(create(world, part, vol_id, description=description,
                           tags={**own, **(tags or {})}))
    return made


def copy(world: World, part: Partition, source_region: str, source_id: str, *,
         description: str | None = None, encrypted: bool | None = None,
         kms_key_id: str | None = None, tags: dict[str, str] | None = None) -> str:
    """CopySnapshot into the caller's region; returns the new snapshot id."""
    if source_region not in regions.by_name():
        raise InvalidParameterValue(
            f"Value ({source_region}) for parameter sourceRegion is invalid. The region "
            "does not exist.")
    source_part = part if source_region == part.region else world.partition(part.account,
                                                                             source_region)
    source = world.get(source_part, "snapshot", source_id)
    source_key = None
    if source.get("Encrypted"):
        # keys are regional: a copy to another region takes the destination's default key
        source_key = source.get("KmsKeyId") if source_part is part else ebs_encryption.key_arn(part)
    is_encrypted, key = ebs_encryption.encryption(part, encrypted, kms_key_id, source_key)
    text = f"[Copied {source_id} from {source_region}]" if description is None else description
    return _add(world, part, COPY_VOLUME_ID, source["VolumeSize"], is_encrypted, key, text,
                tags, TransferType="standard")


def delete(world: World, part: Partition, snapshot_id: str) -> None:
    """Delete a snapshot; AWS refuses while a registered image uses it or a lock holds it."""
    node = world.get(part, "snapshot", snapshot_id)
    snapshot_locks.check_deletable(snapshot_id, node)
    users = world.claimed(part, "snapshot-user", snapshot_id)
    if users:
        raise TopologyError(f"The snapshot {snapshot_id} is currently in use by {min(users)}",
                            "InvalidSnapshot.InUse")
    retention.discard(world, part, snapshot_id)     # or into the Recycle Bin


def visible_to(part: Partition, node: dict[str, Any], owners: list[str] | None,
               restorable: list[str] | None) -> bool:
    """Whether DescribeSnapshots' `OwnerIds` and `RestorableByUserIds` keep a snapshot.

    Owners are account ids, `self` or an Amazon alias; restorable users are account ids,
    `self` (owned, or shared with you) or `all` (public). Shares are the node's
    `create_volume_permissions` (account ids, `all`).
    """
    mine = node["account"] == part.account
    if owners and not ((mine and (SELF in owners or part.account in owners))
                       or node["account"] in owners or node.get("OwnerAlias") in owners):
        return False
    if not restorable:
        return True
    wanted = set(restorable)
    shared = set(node.get("create_volume_permissions", ()))
    if mine and wanted & {SELF, part.account}:     # owners may always restore their own
        return True
    return bool(wanted & shared) or (SELF in wanted and part.account in shared)


# -- attributes: create volume permissions ----------------------------------------------------
def attribute(world: World, part: Partition, snapshot_id: str, attribute: str) -> dict[str, Any]:
    """DescribeSnapshotAttribute (owner only): `{SnapshotId, <member>: [...]}`."""
    node = world.get(part, "snapshot", snapshot_id)
    if attribute == "productCodes":    # ec2sim's snapshots carry no Marketplace product codes
        return {"SnapshotId": snapshot_id, "ProductCodes": []}
    return {"SnapshotId": snapshot_id, "CreateVolumePermissions": [
        {"Group": ALL} if who == ALL else {"UserId": who}
        for who in node.get("create_volume_permissions", ())]}


def modify(world: World, part: Partition, snapshot_id: str, params: dict[str, Any]) -> None:
    """ModifySnapshotAttribute: add or remove accounts (or the group `all`) that may create
    volumes from the snapshot, given as `CreateVolumePermission` or as `OperationType` with
    `UserIds` / `GroupNames`."""
    node = world.get(part, "snapshot", snapshot_id)
    if params.get("Attribute", "createVolumePermission") != "createVolumePermission":
        raise InvalidParameterValue(
            f"Value ({params['Attribute']}) for parameter attribute is invalid. Only "
            "createVolumePermission can be modified.")
    add, remove = _changes(params)
    who = list(node.get("create_volume_permissions", ()))
    for value in add:
        _check_share(part, node, value)
    new = [w for w in who if w not in remove] + [w for w in dict.fromkeys(add) if w not in who]
    world.update(snapshot_id, create_volume_permissions=new)


def reset(world: World, part: Partition, snapshot_id: str, attribute: str) -> None:
    """ResetSnapshotAttribute: the snapshot is private again (only its owner may use it)."""
    world.get(part, "snapshot", snapshot_id)
    if attribute != "createVolumePermission":
        raise InvalidParameterValue(
            f"Value ({attribute}) for parameter attribute is invalid. Only createVolumePermission "
            "can be reset.")
    world.update(snapshot_id, create_volume_permissions=[])


def _changes(params: dict[str, Any]) -> tuple[list[str], list[str]]:
    """The accounts (or `all`) a modification adds and removes, each item checked."""
    given = params.get("CreateVolumePermission")
    if given is not None:
        add = [_permission(i) for i in given.get("Add") or []]
        remove = [_permission(i) for i in given.get("Remove") or []]
    else:
        items = [_permission({"UserId": u}) for u in params.get("UserIds") or []]
        items += [_permission({"Group": g}) for g in params.get("GroupNames") or []]
        operation = params.get("OperationType")
        if items and operation is None:
            raise MissingParameter("The request must contain the parameter OperationType")
        add, remove = (items, []) if operation == "add" else ([], items)
    if not add and not remove:
        raise MissingParameter("The request must contain the parameter createVolumePermission")
    if add and remove:    # AWS: "you cannot do both in a single operation"
        raise InvalidParameterCombination(
            "Create volume permissions cannot be added and removed in the same request.")
    return add, remove


def _permission(item: dict[str, Any]) -> str:
    """One CreateVolumePermission item as the value kept: an account id or `all`."""
    return permission_item(item, "create volume permission", ("UserId", "Group"))[1]


def _check_share(part: Partition, node: dict[str, Any], value: str) -> None:
    """AWS's sharing rules: encrypted snapshots never go public, and snapshots under the
    AWS managed key are not shared at all; nothing goes public while public access is
    blocked."""
    if value == ALL:
        snapshot_public_access.check_sharing(part)
    if not node.get("Encrypted"):
        return
    if value == ALL:
        raise TopologyError("Encrypted snapshots can’t be shared publicly. Specify another "
                            "snapshot.", "UnsupportedOperation")
    if node.get("KmsKeyId") == ebs_encryption.key_arn(part, ebs_encryption.AWS_MANAGED_ALIAS):
        raise TopologyError("Snapshots encrypted with the AWS Managed CMK can’t be shared. "
                            "Specify another snapshot.", "InvalidParameter")


# -- views and filters ------------------------------------------------------------------------
_OWN_FIELDS = ("VolumeId", "VolumeSize", "State", "StartTime", "CompletionTime", "Progress",
               "Description", "Encrypted", "KmsKeyId", "StorageTier", "TransferType",
               "OwnerAlias", "RestoreExpiryTime", "AssociatedKmsKeys")


def view(world: World, snap_id: str) -> dict[str, Any]:
    """The snapshot as boto3's `Snapshot`."""
    node = world.graph.nodes[snap_id]
    out: dict[str, Any] = {"SnapshotId": snap_id, "OwnerId": node["account"],
                           **{k: node[k] for k in _OWN_FIELDS if k in node}}
    if node["tags"]:
        out["Tags"] = tagging.listed(node["tags"])
    return out


def created_view(world: World, snap_id: str) -> dict[str, Any]:
    """The snapshot as CreateSnapshot answers: `pending`, no progress yet."""
    out = view(world, snap_id)
    out.pop("CompletionTime", None)
    out.pop("StorageTier", None)
    return {**out, "State": "pending", "Progress": "", "Tags": out.get("Tags", [])}


def info_view(world: World, snap_id: str) -> dict[str, Any]:
    """The snapshot as boto3's `SnapshotInfo` (CreateSnapshots)."""
    out = created_view(world, snap_id)
    keep = ("Description", "Tags", "Encrypted", "VolumeId", "State", "VolumeSize", "StartTime",
            "Progress", "OwnerId", "SnapshotId")
    return {k: out[k] for k in keep if k in out}


def _by_volume(world: World, part: Partition, value: str) -> list[str]:
    return list(world.claimed(part, "snapshot-volume", value))


FILTERS: dict[str, Filter] = {
    "description": field("Description"),
    "encrypted": field("Encrypted"),
    "owner-alias": field("OwnerAlias"),
    "owner-id": owner(),
    "progress": field("Progress"),
    "snapshot-id": ident(),
    "start-time": Filter(lambda w, rid, n: clock.stamp(n["StartTime"])),
    "status": field("State"),
    "storage-tier": field("StorageTier"),
    "transfer-type": field("TransferType"),
    "volume-id": Filter(lambda w, rid, n: n["VolumeId"], _by_volume, exact=True),
    "volume-size": field("VolumeSize"),
}


# -- the family: DeleteSnapshot and the attribute operations are bound from this
# (docs/families.md); Create/Copy/Describe have handlers of their own
FAMILY = declare(Family("snapshot", view=view, filters=FILTERS, delete=delete, actions={
    "DescribeSnapshotAttribute": attribute, "ModifySnapshotAttribute": modify,
    "ResetSnapshotAttribute": reset}))
