"""What an image carries from where it came: ancestry, watermarks, what it runs on.

* Ancestry (GetImageAncestry): CopyImage and CreateImage record `SourceImageId` and
  `SourceImageRegion` (`image_builds`); the chain follows them back to a root image. A
  deregistered image is still known by what DeregisterImage recorded of it (`record`), kept
  in its region's public partition, so ancestry and DescribeInstanceImageMetadata still
  name it.
* Watermarks (Attach/DetachImageWatermark): `ImageWatermarks` on the image, `account:name`
  keys; images made from it (CreateImage, CopyImage) inherit them (`image_builds.INHERITED`);
  detaching leaves its derivatives' marks alone. Not on public images.
* Instance type specification (ReplaceImageInstanceTypeSpecification): supported and
  unsupported type patterns (`*` wildcards) that RunInstances checks (`check_type`).
* Findings (GetImageFindings): Amazon Inspector scans nothing in the simulator: none.
"""
from __future__ import annotations

import datetime as dt
import fnmatch
import re
from typing import Any

from ..catalogue import image_catalogue as catalogue
from ..core import paging
from ..core.clock import stamp
from ..core.errors import InvalidParameterCombination, InvalidParameterValue, TopologyError
from ..core.family import declare_actions
from ..core.world import Partition, World
from . import images

RECORD = "deregistered-image:"        # public partition attribute key prefix
RECORDED = ("ImageId", "Name", "OwnerId", "ImageOwnerAlias", "CreationDate", "DeprecationTime",
            "ImageWatermarks", "SourceImageId", "SourceImageRegion", "State")
_NAME = re.compile(r"[A-Za-z0-9()\[\] ./\-'@_]{3,128}")


# -- what DeregisterImage keeps ---------------------------------------------------------------
def record(world: World, image_id: str) -> None:
    """Keep what AWS still tells of a deregistered image (DeregisterImage, before removal)."""
    node = world.graph.nodes[image_id]
    kept = {k: node.get(k) for k in RECORDED if node.get(k) is not None}
    kept.update(ImageId=image_id, State="deregistered", account=node["account"],
                IsPublic=images.is_public(node))
    pub = catalogue.public_partition(world, node["region"])
    world.set_attribute(pub, RECORD + image_id, kept)


def known(world: World, region: str, image_id: str) -> dict[str, Any] | None:
    """The image (live, or as deregistered) of `region`: its fields, or None."""
    node = images.image_node(world, region, image_id)
    if node is not None:
        return {**node, "ImageId": image_id, "IsPublic": images.is_public(node)}
    return catalogue.public_partition(world, region).attributes.get(RECORD + image_id)


# -- ancestry ---------------------------------------------------------------------------------
def get_image_ancestry(world: World, part: Partition, image_id: str) -> list[dict[str, Any]]:
    """The image, then its source, its source's source ... back to the root."""
    node = images.find(world, part.account, part.region, image_id)
    chain: list[dict[str, Any]] = []
    current: dict[str, Any] | None = {**node, "ImageId": image_id}
    seen: set[str] = set()
    while current is not None and current["ImageId"] not in seen:
        seen.add(current["ImageId"])
        entry = {k: current.get(k) for k in ("ImageId", "ImageOwnerAlias", "SourceImageId",
                                              "SourceImageRegion") if current.get(k)}
        if current.get("CreationDate"):
            entry["CreationDate"] = dt.datetime.strptime(current["CreationDate"],
                                                         "%Y-%m-%dT%H:%M:%S.%f%z")
        chain.append(entry)
        source = current.get("SourceImageId")
        current = known(world, current.get("SourceImageRegion") or part.region, source) \
            if source else None
    return chain


# -- watermarks -------------------------------------------------------------------------------
def attach_image_watermark(world: World, part: Partition, image_id: str,
                           watermark_name: str) -> str:
    """AttachImageWatermark (owner only, not public): answers the key `account:name`."""
    node = images.owned(world, part, image_id)
    if not _NAME.fullmatch(watermark_name):
        raise InvalidParameterValue(
            f"Value ({watermark_name}) for parameter WatermarkName is invalid. It must be 3 "
            "to 128 characters: letters, numbers, '(', ')', '[', ']', ' ', '.', '/', '-', "
            "''', '@' and '_'.")
    if images.is_public(node):
        raise TopologyError(f"You can't add a watermark to public AMI {image_id}.",
                            "InvalidParameterValue")
    key = f"{part.account}:{watermark_name}"
    marks = list(node.get("ImageWatermarks") or [])
    if all(m["WatermarkKey"] != key for m in marks):
        marks.append({"WatermarkKey": key, "SourceImageRegion": part.region,
                      "SourceImageId": image_id,
                      "SourceImageCreationTime": node.get("CreationDate"),
                      "WatermarkCreationTime": stamp(dt.datetime.now(dt.timezone.utc))})
        world.update(image_id, ImageWatermarks=marks)
    return key


def detach_image_watermark(world: World, part: Partition, image_id: str,
                           watermark_key: str) -> None:
    """DetachImageWatermark (owner only): idempotent; derivatives keep theirs."""
    node = images.owned(world, part, image_id)
    marks = [m for m in node.get("ImageWatermarks") or [] if m["WatermarkKey"] != watermark_key]
    world.update(image_id, ImageWatermarks=marks or None)


# -- instance type specification --------------------------------------------------------------
def replace_image_instance_type_specification(
        world: World, part: Partition, image_id: str,
        instance_type_specification: dict[str, Any] | None = None) -> None:
    """Set (or, given none, remove) the types the image may be launched as."""
    node = images.owned(world, part, image_id)
    if node.get("ProductCodes"):
        raise InvalidParameterValue("You can't set an instance type specification on an AMI "
                                    "that is listed in AWS Marketplace.")
    given = {k: list(v) for k, v in (instance_type_specification or {}).items() if v}
    for pattern in (p for v in given.values() for p in v):
        if not pattern.strip():
            raise InvalidParameterValue(f"Value ({pattern}) for parameter InstanceType is "
                                        "invalid.")
    # kept as DescribeImages answers it: each type an `{InstanceType}` item
    spec = {k: [{"InstanceType": t} for t in v] for k, v in given.items()}
    world.update(image_id, InstanceTypeSpecification=spec or None)


def supports(node: dict[str, Any], type_name: str) -> bool:
    """Whether the image's instance type specification admits `type_name`."""
    spec = node.get("InstanceTypeSpecification") or {}
    def hit(key: str) -> bool:
        return any(fnmatch.fnmatchcase(type_name, p["InstanceType"]) for p in spec.get(key) or ())
    if spec.get("SupportedInstanceTypes") and not hit("SupportedInstanceTypes"):
        return False
    return not hit("UnsupportedInstanceTypes")


def check_type(node: dict[str, Any], image_id: str, type_name: str) -> None:
    if not supports(node, type_name):
        raise InvalidParameterCombination(
            f"The instance type '{type_name}' is not supported by the instance type "
            f"specification of AMI '{image_id}'.")


# -- findings ---------------------------------------------------------------------------------
def get_image_findings(world: World, part: Partition, image_id: str,
                       max_results: int | None = None, next_token: str | None = None
                       ) -> dict[str, Any]:
    """GetImageFindings: the image must be one the caller sees; nothing was scanned."""
    images.find(world, part.account, part.region, image_id)
    rows, token = paging.rows([], f"findings:{image_id}", max_results, next_token)
    return {"ImageFindings": rows, "NextToken": token}


declare_actions("image", {
    "GetImageAncestry": get_image_ancestry,
    "AttachImageWatermark": attach_image_watermark,
    "DetachImageWatermark": detach_image_watermark,
    "ReplaceImageInstanceTypeSpecification": replace_image_instance_type_specification,
    "GetImageFindings": get_image_findings})
