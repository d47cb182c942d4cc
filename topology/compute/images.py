"""Images (AMIs): who sees and may launch which image, DescribeImages, image attributes and
launch permissions, and the view and filters. How images are made and removed (register,
copy, create from an instance, deregister) is `image_builds`.

Where images live: an account's images are `image` nodes of its partition; the public images
every account of a region sees (`image_catalogue`) are nodes of the region's public
partition, once per region. An image's launch permissions are its `permissions` field
(`{"UserId"}`, `{"Group": "all"}`, `{"OrganizationArn"}`, `{"OrganizationalUnitArn"}`),
mirrored in the public partition's "launch-permission" value index (`all` and account ids),
which is how DescribeImages finds the public and shared images of a region without a scan.

Who sees what, as on AWS: the owner sees an image; another account of its region sees it
if it is public or shared with that account. DescribeImages leaves out the images it does
not see, and names unknown ids in `InvalidAMIID.NotFound`; launching an image that exists
but is not shared is `AuthFailure` ("Not authorized for images"); only the owner may
deregister an image or read and change its attributes ("Not authorized for image").
Deprecated images are hidden from DescribeImages unless asked for, named by id, or owned.
"""
from __future__ import annotations

import copy as _copy
import datetime as dt
from collections.abc import Iterable
from typing import Any

from ..catalogue import image_catalogue as catalogue
from ..core import tags as tagging
from ..core.clock import stamp
from ..core.errors import (InvalidParameterCombination, InvalidParameterValue, MissingParameter,
                           NotFound, TopologyError)
from ..core.family import declare_actions
from ..core.filters import Filter, field, ident
from ..core.permissions import ALL, permission_item
from ..core.world import Partition, World, is_id_of, not_found
from . import image_settings

NAME_INDEX, SNAPSHOT_INDEX = "image-name", "snapshot-user"   # claims (see `image_builds`)
# ids of images the account deregistered: AWS's DescribeImages gives "empty results" for
# them (Ansible's ec2_ami re-run of state=absent relies on it), not InvalidAMIID.NotFound
DEREGISTERED = "deregistered-image"
LAUNCH_INDEX = catalogue.LAUNCH_INDEX
OWNER_ALIASES = ("amazon", "aws-marketplace", "aws-backup-vault")
SELF = "self"


def _auth_failure(image_id: str) -> TopologyError:
    return TopologyError(f"Not authorized for image:{image_id}", "AuthFailure")


# -- who sees what ----------------------------------------------------------------------------
def is_public(node: dict[str, Any]) -> bool:
    return any(p.get("Group") == ALL for p in node.get("permissions", ()))


def shared_with(node: dict[str, Any], account: str) -> bool:
    return any(p.get("UserId") == account for p in node.get("permissions", ()))


def sees(node: dict[str, Any], account: str, region: str) -> bool:
    """Whether `account` in `region` may see and launch the image `node`."""
    return in_region(node, region) and (
        node["account"] == account or is_public(node) or shared_with(node, account))


def in_region(node: dict[str, Any], region: str) -> bool:
    """Whether an image is one of `region`'s (its own, or one of every region's)."""
    return node["region"] == region or node["region"] == catalogue.EVERYWHERE


def image_node(world: World, region: str, image_id: str) -> dict[str, Any] | None:
    """The live image `image_id` of `region`, whoever owns it, or None."""
    node = world.node(image_id)
    if node is None or node["kind"] != "image" or not in_region(node, region):
        return None
    return node


def find(world: World, account: str, region: str, image_id: str) -> dict[str, Any]:
    """An image `account` sees in `region`; anything else is `InvalidAMIID.*`."""
    catalogue.public_partition(world, region)
    node = image_node(world, region, image_id)
    if node is None or not sees(node, account, region):
        raise not_found("image", image_id)
    return node


def get(world: World, part: Partition, image_id: str) -> dict[str, Any]:
    """The image `image_id` as the caller may launch it: own, public or shared.

    Raises `InvalidAMIID.Malformed`/`.NotFound` for an id that is no image of the region,
    `AuthFailure` for an image that exists but is not shared with the caller.
    """
    catalogue.public_partition(world, part.region)
    node = image_node(world, part.region, image_id)
    if node is None:
        raise not_found("image", image_id)
    if not sees(node, part.account, part.region):
        raise TopologyError(f"Not authorized for images: [{image_id}]", "AuthFailure")
    return node


def owned(world: World, part: Partition, image_id: str) -> dict[str, Any]:
    """An image of the caller's: one it sees but does not own is `AuthFailure`."""
    node = find(world, part.account, part.region, image_id)
    if node["account"] != part.account:
        raise _auth_failure(image_id)
    return node


def block_device_mappings(world: World, image_id: str) -> list[dict[str, Any]]:
    """The image's block device mappings (boto3 `BlockDeviceMapping`), root device first."""
    node = world.graph.nodes[image_id]
    root = node.get("RootDeviceName")
    mappings = _copy.deepcopy(node.get("BlockDeviceMappings", []))
    return sorted(mappings, key=lambda m: m.get("DeviceName") != root)


def root_device_name(world: World, image_id: str) -> str:
    return world.graph.nodes[image_id].get("RootDeviceName", "/dev/xvda")


def mark_launched(world: World, image_id: str, when: dt.datetime | None = None) -> None:
    """Record a launch from the image (its `lastLaunchedTime` attribute)."""
    world.update(image_id, LastLaunchedTime=stamp(when or dt.datetime.now(dt.timezone.utc)))


# -- describe ---------------------------------------------------------------------------------
def describe(world: World, part: Partition, *, ids: list[str] | None = None,
             owners: list[str] | None = None, executable_users: list[str] | None = None,
             include_deprecated: bool = False, include_disabled: bool = False) -> list[str]:
    """The images a DescribeImages call selects before filters, in creation order.

    Named ids must be images of the region (`InvalidAMIID.*` naming all unknown ones); those
    the caller does not see, or deregistered, are left out. Without ids: the caller's images,
    the public ones and those shared with it.
    """
    pubs = catalogue.public_partitions(world, part.region)
    if ids:
        chosen = _named(world, part, ids)
    else:
        pool = dict.fromkeys(part.ids("image"))
        for pub in pubs:
            for value in (ALL, part.account):
                pool.update(dict.fromkeys(world.claimed(pub, LAUNCH_INDEX, value)))
        chosen = [rid for rid in pool if world.node(rid) is not None]
    nodes = world.graph.nodes
    keep = [rid for rid in chosen if _owner_matches(nodes[rid], part.account, owners)
            and _executable_by(nodes[rid], part.account, executable_users)
            and (include_disabled or nodes[rid].get("State") != "disabled")
            and not image_settings.hidden(part, nodes[rid])
            and (ids or include_deprecated or nodes[rid]["account"] == part.account
                 or not deprecated(nodes[rid]))]
    return sorted(keep, key=lambda rid: nodes[rid]["seq"])


def _named(world: World, part: Partition, ids: list[str]) -> list[str]:
    ids = list(dict.fromkeys(ids))
    for rid in ids:
        if not is_id_of("ami", rid):
            raise not_found("image", rid)
    missing = [rid for rid in ids if image_node(world, part.region, rid) is None
               and not world.claimed(part, DEREGISTERED, rid)]
    if len(missing) == 1:
        raise not_found("image", missing[0])
    if missing:
        raise NotFound(f"The image ids '[{', '.join(missing)}]' do not exist",
                       "InvalidAMIID.NotFound")
    nodes = world.graph.nodes
    return [rid for rid in ids if rid in nodes and sees(nodes[rid], part.account, part.region)]


def _owner_matches(node: dict[str, Any], account: str, owners: list[str] | None) -> bool:
    if not owners:
        return True
    return any((o == SELF and node["account"] == account) or o == node.get("OwnerId")
               or (o in OWNER_ALIASES and o == node.get("ImageOwnerAlias")) for o in owners)


def _executable_by(node: dict[str, Any], account: str, users: list[str] | None) -> bool:
    """ExecutableUsers: `all` (public), `self` or an account id (explicitly shared)."""
    if not users:
        return True
    return any((u == ALL and is_public(node))
               or shared_with(node, account if u == SELF else u) for u in users)


def deprecated(node: dict[str, Any]) -> bool:
    when = node.get("DeprecationTime")
    return when is not None and when <= stamp(dt.datetime.now(dt.timezone.utc))


# -- attributes and launch permissions --------------------------------------------------------
ATTRIBUTES: dict[str, str] = {   # DescribeImageAttribute's Attribute -> output member
    "description": "Description", "kernel": "KernelId", "ramdisk": "RamdiskId",
    "sriovNetSupport": "SriovNetSupport", "bootMode": "BootMode", "tpmSupport": "TpmSupport",
    "uefiData": "UefiData", "lastLaunchedTime": "LastLaunchedTime",
    "imdsSupport": "ImdsSupport", "deregistrationProtection": "DeregistrationProtection",
}


def attribute(world: World, part: Partition, image_id: str, attribute: str) -> dict[str, Any]:
    """DescribeImageAttribute (owner only): `{ImageId, <member>: ...}`."""
    node = owned(world, part, image_id)
    out: dict[str, Any] = {"ImageId": image_id}
    if attribute == "blockDeviceMapping":   # deprecated: AWS refuses it outright
        raise TopologyError("Unauthorized attempt to access restricted resource",
                            "AuthFailure")
    if attribute == "launchPermission":
        out["LaunchPermissions"] = _copy.deepcopy(node.get("permissions", []))
    elif attribute == "productCodes":
        out["ProductCodes"] = _copy.deepcopy(node.get("ProductCodes", []))
    else:
        member = ATTRIBUTES[attribute]
        value = node.get(member)
        out[member] = {} if value is None else {"Value": value}
    return out


MODIFIABLE = ("description", "launchPermission", "imdsSupport")


def modify(world: World, part: Partition, image_id: str, params: dict[str, Any]) -> None:
    """ModifyImageAttribute (owner only): one of description, imdsSupport, launchPermission,
    named by `Attribute` (with `Value`, `OperationType`, `UserIds`, ...) or by its own member."""
    node = owned(world, part, image_id)
    name, value = _which(params)
    if name == "description":
        world.update(image_id, Description=value or "")
    elif name == "imdsSupport":
        if value != "v2.0":
            raise InvalidParameterValue(
                f"Value ({value}) for parameter imdsSupport is invalid. Valid values: v2.0")
        world.update(image_id, ImdsSupport=value)
    else:
        _set_permissions(world, part, image_id, node, value)


def _which(params: dict[str, Any]) -> tuple[str, Any]:
    """The one attribute a ModifyImageAttribute request changes, and its new value."""
    attr = params.get("Attribute")
    # AWS takes the name in any case: Ansible's ec2_ami sends "Description", "LaunchPermission"
    attr = next((m for m in MODIFIABLE if attr and m.lower() == attr.lower()), attr)
    if attr is not None and attr not in MODIFIABLE:
        raise InvalidParameterValue(
            f"Value ({attr}) for parameter attribute is invalid. Valid values: "
            + ", ".join(MODIFIABLE))
    if params.get("ProductCodes"):
        raise InvalidParameterValue("Product codes cannot be added to an image.")
    given = {}
    if params.get("Description") is not None:
        given["description"] = params["Description"].get("Value")
    if params.get("ImdsSupport") is not None:
        given["imdsSupport"] = params["ImdsSupport"].get("Value")
    if params.get("LaunchPermission") is not None:
        given["launchPermission"] = params["LaunchPermission"]
    if attr is not None and attr not in given:
        given[attr] = _attribute_value(attr, params)
    if not given:
        raise InvalidParameterCombination("No attributes specified.")
    if len(given) > 1:
        raise InvalidParameterCombination(
            "Fields for multiple attribute types specified: " + ", ".join(given))
    return next(iter(given.items()))


def _attribute_value(attr: str, params: dict[str, Any]) -> Any:
    """The value that `Attribute` with `Value` / `OperationType` and lists describe."""
    if attr != "launchPermission":
        return params.get("Value")
    items = [{"UserId": u} for u in params.get("UserIds") or []]
    items += [{"Group": g} for g in params.get("UserGroups") or []]
    items += [{"OrganizationArn": a} for a in params.get("OrganizationArns") or []]
    items += [{"OrganizationalUnitArn": a} for a in params.get("OrganizationalUnitArns") or []]
    if not items:
        raise MissingParameter("The request must contain the parameter LaunchPermission")
    operation = params.get("OperationType")
    if operation is None:
        raise MissingParameter("The request must contain the parameter OperationType")
    return {"Add" if operation == "add" else "Remove": items}


def _check_permission(item: dict[str, Any]) -> dict[str, str]:
    """One LaunchPermission item, checked: exactly one of its four members."""
    key, value = permission_item(item, "launch permission", _LAUNCH_MEMBERS)
    if key in ("OrganizationArn", "OrganizationalUnitArn") and \
            not value.startswith("arn:aws:organizations::"):
        raise InvalidParameterValue(f"Value ({value}) for parameter {key} is invalid.")
    return {key: value}


_LAUNCH_MEMBERS = ("UserId", "Group", "OrganizationArn", "OrganizationalUnitArn")


def _set_permissions(world: World, part: Partition, image_id: str, node: dict[str, Any],
                     change: dict[str, Any]) -> None:
    add = [_check_permission(i) for i in change.get("Add") or []]
    remove = [_check_permission(i) for i in change.get("Remove") or []]
    if not add and not remove:
        raise MissingParameter("The request must contain the parameter LaunchPermission")
    if add and node.get("State") == "disabled":   # DisableImage: a disabled AMI is not shared
        raise TopologyError(f"The image {image_id} is disabled and can't be shared.",
                            "InvalidAMIID.Unavailable")
    if {"Group": ALL} in add and not is_public(node):
        image_settings.check_sharing(part)
    old = node.get("permissions", [])
    new = [p for p in old if p not in remove]
    new += [p for p in add if p not in new]
    world.update(image_id, permissions=new)
    pub = catalogue.public_partition(world, part.region)
    before, after = set(index_values(old)), set(index_values(new))
    for value in before - after:
        world.unclaim(pub, LAUNCH_INDEX, value, image_id)
    for value in after - before:
        world.claim(pub, LAUNCH_INDEX, value, image_id)


def index_values(permissions: Iterable[dict[str, str]]) -> list[str]:
    """What the launch-permission index holds for these permissions: `all`, account ids."""
    return [p.get("Group") or p["UserId"] for p in permissions
            if p.get("Group") or p.get("UserId")]


# -- views and filters ------------------------------------------------------------------------
VIEW_FIELDS = ("Architecture", "CreationDate", "ImageLocation", "ImageType", "State", "OwnerId",
               "ImageOwnerAlias", "Name", "Description", "RootDeviceName", "RootDeviceType",
               "VirtualizationType", "Hypervisor", "EnaSupport", "SriovNetSupport", "BootMode",
               "TpmSupport", "ImdsSupport", "Platform", "PlatformDetails", "UsageOperation",
               "KernelId", "RamdiskId", "DeprecationTime", "DeregistrationProtection",
               "LastLaunchedTime", "SourceInstanceId", "SourceImageId", "SourceImageRegion",
               "FreeTierEligible", "StateReason", "ImageWatermarks", "InstanceTypeSpecification")


def view(world: World, image_id: str, account: str | None = None) -> dict[str, Any]:
    """The image as boto3's `Image` (as `account` sees it: tags are the owner's own)."""
    node = world.graph.nodes[image_id]
    out: dict[str, Any] = {"ImageId": image_id,
                           **{k: node[k] for k in VIEW_FIELDS if node.get(k) is not None},
                           "Public": is_public(node),
                           "BlockDeviceMappings": block_device_mappings(world, image_id)}
    if node.get("ProductCodes"):
        out["ProductCodes"] = _copy.deepcopy(node["ProductCodes"])
    if node["tags"] and account in (None, node["account"]):
        out["Tags"] = tagging.listed(node["tags"])
    return out


def _ebs(key: str):
    def values(world: World, rid: str, node: dict[str, Any]) -> list[Any]:
        return [m["Ebs"].get(key) for m in node.get("BlockDeviceMappings", ()) if "Ebs" in m]
    return Filter(values)


def _watermarks(key: str) -> Filter:
    return Filter(lambda w, rid, n: [m.get(key) for m in n.get("ImageWatermarks") or ()])


_NOT_SCANNED = Filter(lambda w, rid, n: [])   # Amazon Inspector scans nothing here


def _codes(key: str) -> Filter:
    return Filter(lambda w, rid, n: [c.get(key) for c in n.get("ProductCodes") or ()])


FILTERS: dict[str, Filter] = {
    "architecture": field("Architecture"),
    "block-device-mapping.delete-on-termination": _ebs("DeleteOnTermination"),
    "block-device-mapping.device-name": Filter(
        lambda w, rid, n: [m["DeviceName"] for m in n.get("BlockDeviceMappings", ())]),
    "block-device-mapping.snapshot-id": _ebs("SnapshotId"),
    "block-device-mapping.volume-size": _ebs("VolumeSize"),
    "block-device-mapping.volume-type": _ebs("VolumeType"),
    "block-device-mapping.encrypted": _ebs("Encrypted"),
    "creation-date": field("CreationDate"),
    "description": field("Description"),
    "ena-support": field("EnaSupport"),
    "free-tier-eligible": field("FreeTierEligible"),
    "hypervisor": field("Hypervisor"),
    "image-id": ident(),
    "image-watermark.source-image-creation-time": _watermarks("SourceImageCreationTime"),
    "image-watermark.source-image-id": _watermarks("SourceImageId"),
    "image-watermark.source-image-region": _watermarks("SourceImageRegion"),
    "image-watermark.watermark-creation-time": _watermarks("WatermarkCreationTime"),
    "image-watermark.watermark-key": _watermarks("WatermarkKey"),
    "image-type": field("ImageType"),
    "is-public": Filter(lambda w, rid, n: is_public(n)),
    "kernel-id": field("KernelId"),
    "manifest-location": field("ImageLocation"),
    "name": field("Name"),
    "owner-alias": field("ImageOwnerAlias"),
    "owner-id": field("OwnerId"),
    "platform": field("Platform"),
    "platform-details": field("PlatformDetails"),
    "product-code": _codes("ProductCodeId"),
    "product-code.type": _codes("ProductCodeType"),
    "ramdisk-id": field("RamdiskId"),
    "root-device-name": field("RootDeviceName"),
    "root-device-type": field("RootDeviceType"),
    "source-image-id": field("SourceImageId"),
    "source-image-region": field("SourceImageRegion"),
    "source-instance-id": field("SourceInstanceId"),
    "state": field("State"),
    "state-reason-code": Filter(lambda w, rid, n: (n.get("StateReason") or {}).get("Code")),
    "state-reason-message": Filter(
        lambda w, rid, n: (n.get("StateReason") or {}).get("Message")),
    "scan-result.critical-fix-available-since": _NOT_SCANNED,
    "scan-result.finding-scan-date": _NOT_SCANNED,
    "scan-result.high-fix-available-since": _NOT_SCANNED,
    "scan-result.highest-finding-severity-label": _NOT_SCANNED,
    "scan-result.informational-fix-available-since": _NOT_SCANNED,
    "scan-result.low-fix-available-since": _NOT_SCANNED,
    "scan-result.medium-fix-available-since": _NOT_SCANNED,
    "sriov-net-support": field("SriovNetSupport"),
    "usage-operation": field("UsageOperation"),
    "virtualization-type": field("VirtualizationType"),
}

# the attribute operations are bound from these (docs/families.md); DescribeImages has a
# handler of its own (owners, executable users, the caller's view)
declare_actions("image", {"DescribeImageAttribute": attribute, "ModifyImageAttribute": modify})
