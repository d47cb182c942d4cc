"""An account's image settings in a region: block public access for AMIs and Allowed AMIs.

Both are `Partition.attributes` of the account's partition, journaled like every mutation.

* Block public access (`block-new-sharing` or `unblocked`, the default): while it blocks,
  ModifyImageAttribute refuses to make an image public (`check_sharing`); images already
  public stay public.
* Allowed AMIs (`disabled`, the default; `audit-mode`; `enabled`) and their image criteria.
  An image is allowed if it is the account's own or matches one criterion, every member of
  which must match (`allowed`). Outside `disabled`, DescribeImages shows `ImageAllowed`; in
  `enabled` mode images not allowed are neither listed nor launchable.
"""
from __future__ import annotations

import datetime as dt
import fnmatch
import re
from typing import Any

from ..core.errors import InvalidParameterValue, NotFound, TopologyError
from ..core.family import declare_actions
from ..core.world import Partition, World

BLOCK_PUBLIC_ACCESS = "image-block-public-access"     # Partition.attributes keys
ALLOWED_IMAGES = "allowed-images-settings"
ALIASES = ("amazon", "aws-marketplace", "aws-backup-vault")
_ACCOUNT = re.compile(r"\d{12}")
MAX_CRITERIA, MAX_VALUES = 10, 200


# -- block public access ----------------------------------------------------------------------
def get_image_block_public_access_state(part: Partition) -> dict[str, str]:
    return {"ImageBlockPublicAccessState": part.attributes.get(BLOCK_PUBLIC_ACCESS)
            or "unblocked", "ManagedBy": "account"}


def enable_image_block_public_access(world: World, part: Partition,
                                     image_block_public_access_state: str) -> str:
    world.set_attribute(part, BLOCK_PUBLIC_ACCESS, image_block_public_access_state)
    return image_block_public_access_state


def disable_image_block_public_access(world: World, part: Partition) -> str:
    world.set_attribute(part, BLOCK_PUBLIC_ACCESS, None)
    return "unblocked"


def check_sharing(part: Partition) -> None:
    """ModifyImageAttribute adding the `all` group while public sharing is blocked."""
    if part.attributes.get(BLOCK_PUBLIC_ACCESS) == "block-new-sharing":
        raise TopologyError("You can\u2019t publicly share this image because block public access "
                            "for AMIs is enabled for this account. To publicly share the "
                            "image, you must call the DisableImageBlockPublicAccess API.",
                            "OperationNotPermitted")


# -- allowed AMIs -----------------------------------------------------------------------------
def _settings(part: Partition) -> dict[str, Any]:
    return part.attributes.get(ALLOWED_IMAGES) or {"State": "disabled", "ImageCriteria": []}


def allowed_state(part: Partition) -> str:
    return str(_settings(part)["State"])


def get_allowed_images_settings(part: Partition) -> dict[str, Any]:
    settings = _settings(part)
    out: dict[str, Any] = {"State": settings["State"], "ManagedBy": "account"}
    if settings["ImageCriteria"]:
        out["ImageCriteria"] = [dict(c) for c in settings["ImageCriteria"]]
    return out


def enable_allowed_images_settings(world: World, part: Partition,
                                   allowed_images_settings_state: str) -> str:
    world.set_attribute(part, ALLOWED_IMAGES,
                        {**_settings(part), "State": allowed_images_settings_state})
    return allowed_images_settings_state


def disable_allowed_images_settings(world: World, part: Partition) -> str:
    world.set_attribute(part, ALLOWED_IMAGES, {**_settings(part), "State": "disabled"})
    return "disabled"


def replace_image_criteria_in_allowed_images_settings(
        world: World, part: Partition, image_criteria: list[dict[str, Any]] | None = None
        ) -> None:
    """The new criteria replace the old ones whole (none: no criteria)."""
    criteria = [_checked(c) for c in image_criteria or []]
    if len(criteria) > MAX_CRITERIA:
        raise InvalidParameterValue(f"The number of image criteria ({len(criteria)}) exceeds "
                                    f"the maximum of {MAX_CRITERIA}.")
    world.set_attribute(part, ALLOWED_IMAGES, {**_settings(part), "ImageCriteria": criteria})


def _checked(criterion: dict[str, Any]) -> dict[str, Any]:
    """One image criterion as AWS takes it: known providers, bounded lists, days >= 0."""
    out = {k: v for k, v in criterion.items() if v not in (None, [], {})}
    if not out:
        raise InvalidParameterValue("Each image criterion must specify at least one "
                                    "parameter.")
    providers = out.get("ImageProviders") or []
    for value in providers:
        if value not in (*ALIASES, "none") and not _ACCOUNT.fullmatch(value):
            raise InvalidParameterValue(f"The image provider '{value}' is not valid. Valid "
                                        "values: amazon, aws-marketplace, aws-backup-vault, "
                                        "none, or a 12-digit account ID.")
    if "none" in providers and len(providers) > 1:
        raise InvalidParameterValue("When you specify 'none' for ImageProviders, you can't "
                                    "specify other values.")
    count = sum(len(v) for v in out.values() if isinstance(v, list))
    if count > MAX_VALUES:
        raise InvalidParameterValue(f"The number of values in an image criterion ({count}) "
                                    f"exceeds the maximum of {MAX_VALUES}.")
    for cond in ("CreationDateCondition", "DeprecationTimeCondition"):
        for name, days in (out.get(cond) or {}).items():
            if days is not None and days < 0:
                raise InvalidParameterValue(f"Value ({days}) for parameter {name} is "
                                            "invalid. It must be 0 or greater.")
    if "ImageWatermarks" in out:   # the request shape and the response's are the same
        out["ImageWatermarks"] = [dict(w) for w in out["ImageWatermarks"]]
    return out


def _days_since(text: str | None) -> float | None:
    if not text:
        return None
    when = dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%f%z")
    return (dt.datetime.now(dt.timezone.utc) - when).total_seconds() / 86400


def _matches(criterion: dict[str, Any], node: dict[str, Any], account: str) -> bool:
    checks = {
        "ImageProviders": lambda vs: any(
            v == node.get("ImageOwnerAlias") or v == node.get("OwnerId")
            or (v == "none" and node["account"] == account) for v in vs),
        "MarketplaceProductCodes": lambda vs: any(
            c.get("ProductCodeId") in vs for c in node.get("ProductCodes") or ()),
        "ImageNames": lambda vs: any(fnmatch.fnmatchcase(node.get("Name") or "", v)
                                     for v in vs),
        "CreationDateCondition": lambda c: c.get("MaximumDaysSinceCreated") is None or (
            _days_since(node.get("CreationDate")) or 0) <= c["MaximumDaysSinceCreated"],
        "DeprecationTimeCondition": lambda c: _deprecation_ok(node, c),
        "ImageWatermarks": lambda ws: any(_watermark_ok(node, w) for w in ws),
    }
    # ScanResultCondition: the simulator scans nothing (GetImageFindings finds nothing)
    return all(check(criterion[k]) for k, check in checks.items() if k in criterion)


def _deprecation_ok(node: dict[str, Any], cond: dict[str, Any]) -> bool:
    since = _days_since(node.get("DeprecationTime"))
    limit = cond.get("MaximumDaysSinceDeprecated")
    return since is None or since < 0 or limit is None or since <= limit


def _watermark_ok(node: dict[str, Any], wanted: dict[str, Any]) -> bool:
    for mark in node.get("ImageWatermarks") or ():
        if wanted.get("WatermarkKey") not in (None, mark["WatermarkKey"]):
            continue
        if wanted.get("SourceImageRegion") not in (None, mark.get("SourceImageRegion")):
            continue
        return True
    return False


def allowed(part: Partition, node: dict[str, Any]) -> bool:
    """Whether the image meets the account's Allowed AMIs criteria (its own always do)."""
    if node["account"] == part.account:
        return True
    return any(_matches(c, node, part.account) for c in _settings(part)["ImageCriteria"])


def shown_allowed(part: Partition, node: dict[str, Any]) -> bool | None:
    """DescribeImages' `ImageAllowed`: None while Allowed AMIs is disabled."""
    return None if allowed_state(part) == "disabled" else allowed(part, node)


def hidden(part: Partition, node: dict[str, Any]) -> bool:
    """In `enabled` mode, images not allowed are not discoverable."""
    return allowed_state(part) == "enabled" and not allowed(part, node)


def check_launch(part: Partition, node: dict[str, Any], image_id: str) -> None:
    """RunInstances of an image Allowed AMIs (`enabled`) does not allow: as AWS, the image
    is not discoverable to the account."""
    if hidden(part, node):
        raise NotFound(f"The image id '[{image_id}]' does not exist", "InvalidAMIID.NotFound")


declare_actions("image-settings", {
    "GetImageBlockPublicAccessState": get_image_block_public_access_state,
    "EnableImageBlockPublicAccess": enable_image_block_public_access,
    "DisableImageBlockPublicAccess": disable_image_block_public_access,
    "GetAllowedImagesSettings": get_allowed_images_settings,
    "EnableAllowedImagesSettings": enable_allowed_images_settings,
    "DisableAllowedImagesSettings": disable_allowed_images_settings,
    "ReplaceImageCriteriaInAllowedImagesSettings":
        replace_image_criteria_in_allowed_images_settings})
