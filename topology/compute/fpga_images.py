"""Amazon FPGA Images (AFIs): CreateFpgaImage, CopyFpgaImage, DeleteFpgaImage,
DescribeFpgaImages and the attribute operations (name, description, loadPermission,
productCodes).

An AFI has a regional id (`afi-`) and a global one (`agfi-`, which a copy keeps: it names
the same design in every region). It is `pending` when created or copied and `available`
when described later (`task_progress`: the simulator builds no bitstream). Load permissions
(account ids, or the group `all` for a public AFI) are its `permissions` field; the owner
sees its AFIs, every account of the region the public ones and those shared with it.

As the AWS FPGA HDK documents it (aws/aws-fpga hdk/docs): only the owner may copy an AFI, and
only an `available` one; a copy across regions is not validated when the call returns, so
the new AFI settles `failed` with `NOT_FOUND: ...` or `INVALID_STATE: ...` instead. A public
or shared AFI cannot be deleted (`OperationNotPermitted`).
"""
from __future__ import annotations

import re
from typing import Any

from ..core import clock, regions
from ..core import tags as tagging
from ..core.errors import (InvalidParameterCombination, InvalidParameterValue, Malformed,
                           MissingParameter, TopologyError)
from ..core.filters import Filter, field, ident, owner
from ..core.permissions import ALL
from ..core.world import Partition, World, is_id_of, not_found
from . import task_progress

KIND = "fpga-image"
SHELL_VERSION = "0x04261818"
PCI_ID = {"DeviceId": "0xf000", "VendorId": "0x1d0f", "SubsystemId": "0x1d51",
          "SubsystemVendorId": "0xfedd"}
INSTANCE_TYPES = ["f1.2xlarge", "f1.4xlarge", "f1.16xlarge"]
OWNER_ALIASES = ("amazon", "aws-marketplace")
COPY_FAILURES = {
    "missing": "NOT_FOUND: Source image is not found or the user ID is not authorized to copy "
               "source image.",
    "state": "INVALID_STATE: Source image is not in a suitable state to allow copying."}
_PRODUCT_CODE = re.compile(r"[a-z0-9]{25}")


def _location(world: World, part: Partition, location: dict[str, Any] | None,
              member: str) -> dict[str, str]:
    if not location:
        raise MissingParameter(f"The request must contain the parameter {member}")
    return {"Bucket": task_progress.bucket(world, part, location.get("Bucket"),
                                          f"{member}.Bucket"),
            "Key": task_progress.check_key(location.get("Key"), f"{member}.Key")}


def _add(world: World, part: Partition, global_id: str, fields: dict[str, Any],
         tags: dict[str, str] | None) -> str:
    afi_id = world.new_id("afi")
    now = clock.now()
    world.add(part, KIND, afi_id, FpgaImageGlobalId=global_id, CreateTime=now, UpdateTime=now,
              Code="pending", settled=False, permissions=[], ProductCodes=[],
              **{k: v for k, v in fields.items() if v is not None})
    tagging.apply(world, afi_id, tags or {})
    return afi_id


def create(world: World, part: Partition, input_storage_location: dict[str, Any], *,
           logs_storage_location: dict[str, Any] | None = None, name: str | None = None,
           description: str | None = None, tags: dict[str, str] | None = None) -> str:
    """CreateFpgaImage from a design checkpoint tarball in S3; returns the AFI id."""
    source = _location(world, part, input_storage_location, "InputStorageLocation")
    logs = _location(world, part, logs_storage_location, "LogsStorageLocation") \
        if logs_storage_location else None
    global_id = world.new_id("agfi")
    return _add(world, part, global_id, {"Name": name, "Description": description,
                                         "input": source, "logs": logs}, tags)


def copy(world: World, part: Partition, source_fpga_image_id: str, source_region: str, *,
         name: str | None = None, description: str | None = None) -> str:
    """CopyFpgaImage into the caller's region; returns the new id. The source must be the
    caller's own and `available`; else the copy settles `failed` (within a region an AFI
    the caller cannot see is `InvalidFpgaImageID.NotFound` at once)."""
    if source_region not in regions.by_name():
        raise InvalidParameterValue(f"Value ({source_region}) for parameter sourceRegion is "
                                    "invalid. The region does not exist.")
    if source_region == part.region:
        _visible(world, part.account, part.region, source_fpga_image_id)
    source = world.node(source_fpga_image_id)
    usable = source is not None and source["kind"] == KIND and \
        source["region"] == source_region and source["account"] == part.account
    failure = None if usable and _available(source) else "state" if usable else "missing"
    fields = {"Name": name, "Description": description, "copy_failure": failure}
    if usable:
        fields.update(Name=source.get("Name") if name is None else name,
                      Description=source.get("Description") if description is None
                      else description)
    global_id = source["FpgaImageGlobalId"] if usable else world.new_id("agfi")
    return _add(world, part, global_id, fields, None)


def _available(node: dict[str, Any]) -> bool:
    return bool(node["Code"] == "available")


def delete(world: World, part: Partition, fpga_image_id: str) -> None:
    """DeleteFpgaImage (owner only; not while public or shared)."""
    node = _owned(world, part, fpga_image_id)
    who = node.get("permissions", ())
    if who:
        raise TopologyError(f"Operation not permitted for {'public' if ALL in who else 'shared'}"
                            " AFI", "OperationNotPermitted")
    world.remove(fpga_image_id)


def _finish(world: World, part: Partition, afi_id: str) -> None:
    failure = world.graph.nodes[afi_id].get("copy_failure")
    if failure:
        world.update(afi_id, Code="failed", Message=COPY_FAILURES[failure],
                     UpdateTime=clock.now())
    else:
        world.update(afi_id, Code="available", UpdateTime=clock.now())


def settle(world: World, part: Partition) -> None:
    task_progress.settle(world, part, KIND, _finish)


# -- who sees what ----------------------------------------------------------------------------
def _sees(node: dict[str, Any], account: str) -> bool:
    who = node.get("permissions", ())
    return node["account"] == account or ALL in who or account in who


def _visible(world: World, account: str, region: str, afi_id: str) -> dict[str, Any]:
    node = world.node(afi_id)
    if node is None or node["kind"] != KIND or node["region"] != region \
            or not _sees(node, account):
        if not is_id_of("afi", afi_id):    # AWS's words (aws/aws-fpga hdk/docs)
            raise Malformed(f"Image ID '{afi_id}' is invalid", "InvalidFpgaImageID.Malformed")
        raise not_found(KIND, afi_id)
    return node


def _owned(world: World, part: Partition, afi_id: str) -> dict[str, Any]:
    node = _visible(world, part.account, part.region, afi_id)
    if node["account"] != part.account:
        raise TopologyError(f"Not authorized for fpga image: {afi_id}", "AuthFailure")
    return node


def visible(world: World, part: Partition, ids: list[str] | None,
            owners: list[str] | None) -> list[str]:
    """The AFIs a describe may list: the named ones (each must be visible), else the
    caller's, the public ones and those shared with it; narrowed by `Owners`."""
    for who in owners or ():
        if who not in ("self", *OWNER_ALIASES) and not re.fullmatch(r"\d{12}", who):
            raise TopologyError(f"User ID '{who}' is invalid", "InvalidUserID.Malformed")
    if ids:
        chosen = [_visible(world, part.account, part.region, i) and i
                  for i in dict.fromkeys(ids)]
    else:
        chosen = [rid for p in world.partitions() if p.region == part.region
                  for rid in p.ids(KIND) if _sees(world.graph.nodes[rid], part.account)]
    nodes = world.graph.nodes
    return [rid for rid in chosen if not owners or any(
        nodes[rid]["account"] == (part.account if o == "self" else o) for o in owners)]


# -- attributes -------------------------------------------------------------------------------
def _load_permissions(node: dict[str, Any]) -> list[dict[str, str]]:
    return [{"Group": ALL} if who == ALL else {"UserId": who}
            for who in node.get("permissions", ())]


def attribute(world: World, part: Partition, fpga_image_id: str, attribute: str
              ) -> dict[str, Any]:
    """DescribeFpgaImageAttribute (owner only): `{FpgaImageId, <member>}`."""
    node = _owned(world, part, fpga_image_id)
    out: dict[str, Any] = {"FpgaImageId": fpga_image_id}
    if attribute == "loadPermission":
        out["LoadPermissions"] = _load_permissions(node)
    elif attribute == "productCodes":
        out["ProductCodes"] = [dict(c) for c in node.get("ProductCodes", ())]
    else:
        member = attribute.capitalize()
        if node.get(member) is not None:
            out[member] = node[member]
    return out


def modify(world: World, part: Partition, params: dict[str, Any]) -> dict[str, Any]:
    """ModifyFpgaImageAttribute: the name, the description, load permissions (accounts or
    the group `all`) or product codes (added only). Answers the changed attribute."""
    afi_id = params["FpgaImageId"]
    node = _owned(world, part, afi_id)
    name = _which(params)
    if name == "name":
        world.update(afi_id, Name=params.get("Name") or "")
    elif name == "description":
        world.update(afi_id, Description=params.get("Description") or "")
    elif name == "productCodes":
        _add_codes(world, afi_id, node, params.get("ProductCodes") or [])
    else:
        _set_permissions(world, afi_id, node, params)
    return attribute(world, part, afi_id, name)


def _which(params: dict[str, Any]) -> str:
    given = [a for a, member in (("name", "Name"), ("description", "Description"),
                                 ("productCodes", "ProductCodes"),
                                 ("loadPermission", "LoadPermission"))
             if params.get(member) is not None]
    if params.get("UserIds") or params.get("UserGroups"):
        given.append("loadPermission")
    given = list(dict.fromkeys(given))
    attr = params.get("Attribute")
    if attr is not None and attr not in given:
        given.insert(0, attr)
    if not given:
        raise InvalidParameterCombination("No attributes specified.")
    if len(given) > 1:
        raise InvalidParameterCombination(
            "Fields for multiple attribute types specified: " + ", ".join(given))
    return given[0]


def _add_codes(world: World, afi_id: str, node: dict[str, Any], codes: list[str]) -> None:
    if not codes:
        raise MissingParameter("The request must contain the parameter ProductCodes")
    for code in codes:
        if not _PRODUCT_CODE.fullmatch(code):
            raise InvalidParameterValue(f"Value ({code}) for parameter productCode is invalid.")
    old = list(node.get("ProductCodes", ()))
    known = {c["ProductCodeId"] for c in old}
    world.update(afi_id, ProductCodes=old + [
        {"ProductCodeId": c, "ProductCodeType": "marketplace"}
        for c in dict.fromkeys(codes) if c not in known])


def _who(item: dict[str, Any]) -> str:
    group, user = item.get("Group"), item.get("UserId")
    if bool(group) == bool(user):
        raise InvalidParameterCombination(
            "Each load permission must name exactly one of UserId or Group.")
    if group and group != ALL:
        raise InvalidParameterValue(f"Value ({group}) for parameter group is invalid. Valid "
                                    "values: all")
    if user and not re.fullmatch(r"\d{12}", user):
        raise InvalidParameterValue(f"Value ({user}) for parameter userId is invalid.")
    return group or user


def _set_permissions(world: World, afi_id: str, node: dict[str, Any],
                     params: dict[str, Any]) -> None:
    change = params.get("LoadPermission")
    if change is not None:
        add = [_who(i) for i in change.get("Add") or []]
        remove = [_who(i) for i in change.get("Remove") or []]
    else:
        items = [_who({"UserId": u}) for u in params.get("UserIds") or []]
        items += [_who({"Group": g}) for g in params.get("UserGroups") or []]
        operation = params.get("OperationType")
        if not items:
            raise MissingParameter("The request must contain the parameter LoadPermission")
        if operation is None:
            raise MissingParameter("The request must contain the parameter OperationType")
        add, remove = (items, []) if operation == "add" else ([], items)
    if not add and not remove:
        raise MissingParameter("The request must contain the parameter LoadPermission")
    old = list(node.get("permissions", ()))
    new = [w for w in old if w not in remove] + [w for w in dict.fromkeys(add) if w not in old]
    world.update(afi_id, permissions=new)


def reset(world: World, part: Partition, fpga_image_id: str, attribute: str | None) -> None:
    """ResetFpgaImageAttribute: only load permissions can be reset (the AFI is private)."""
    _owned(world, part, fpga_image_id)
    if attribute not in (None, "loadPermission"):
        raise InvalidParameterValue(f"Value ({attribute}) for parameter attribute is invalid. "
                                    "Only loadPermission can be reset.")
    world.update(fpga_image_id, permissions=[])


# -- view and filters -------------------------------------------------------------------------
def view(world: World, afi_id: str, account: str | None = None) -> dict[str, Any]:
    """The AFI as boto3's FpgaImage (tags are the owner's own)."""
    node = world.graph.nodes[afi_id]
    out: dict[str, Any] = {
        "FpgaImageId": afi_id, "FpgaImageGlobalId": node["FpgaImageGlobalId"],
        **{k: node[k] for k in ("Name", "Description") if node.get(k) is not None},
        "ShellVersion": SHELL_VERSION, "PciId": dict(PCI_ID),
        "State": {"Code": node["Code"], **({"Message": node["Message"]}
                                           if node.get("Message") else {})},
        "CreateTime": node["CreateTime"],
        "UpdateTime": node["UpdateTime"], "OwnerId": node["account"],
        "ProductCodes": [dict(c) for c in node.get("ProductCodes", ())],
        "Public": ALL in node.get("permissions", ()), "DataRetentionSupport": False,
        "InstanceTypes": list(INSTANCE_TYPES)}
    if node["tags"] and account in (None, node["account"]):
        out["Tags"] = tagging.listed(node["tags"])
    return out


FILTERS: dict[str, Filter] = {
    "create-time": Filter(lambda w, rid, n: clock.stamp(n["CreateTime"])),
    "fpga-image-id": ident(),
    "fpga-image-global-id": field("FpgaImageGlobalId"),
    "name": field("Name"),
    "owner-id": owner(),
    "product-code": Filter(lambda w, rid, n: [c["ProductCodeId"] for c in n["ProductCodes"]]),
    "shell-version": Filter(lambda w, rid, n: SHELL_VERSION),
    "state": field("Code"),
    "update-time": Filter(lambda w, rid, n: clock.stamp(n["UpdateTime"])),
}
