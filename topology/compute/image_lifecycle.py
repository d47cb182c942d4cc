"""An image's lifecycle switches, as AWS keeps them on the AMI itself.

* DisableImage / EnableImage: a disabled image (`State` `disabled`) loses every launch
  permission (it becomes private), cannot be launched or shared, and is hidden from
  DescribeImages unless `IncludeDisabled` (`images.describe`); EnableImage makes it
  `available` again, still private.
* EnableImageDeprecation / DisableImageDeprecation: `DeprecationTime`, rounded to the nearest
  minute, no earlier than now and no later than ten years ahead (two years after its
  creation for a public image).
* Enable/DisableImageDeregistrationProtection: `DeregistrationProtection` is `disabled`,
  `enabled-without-cooldown` or `enabled-with-cooldown`; disabling the latter leaves the image
  protected for 24 hours more (`disabled-until <time>`). `check_deregistrable` is what
  DeregisterImage asks.
* ResetImageAttribute (launchPermission): the image becomes private again.
* CancelImageLaunchPermission: an account leaves the launch permissions of an image shared
  with it.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from ..catalogue import image_catalogue as catalogue
from ..core.clock import stamp
from ..core.errors import IncorrectState, InvalidParameterValue, TopologyError
from ..core.family import declare_actions
from ..core.world import Partition, World
from . import image_lineage, image_settings, images

COOLDOWN = dt.timedelta(hours=24)
DISABLED_UNTIL = "disabled-until "
_MAX_AHEAD = dt.timedelta(days=3652)       # ten years
_MAX_PUBLIC = dt.timedelta(days=730)       # two years after creation, for a public image


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _parse(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%f%z")


def clear_permissions(world: World, part: Partition, image_id: str) -> None:
    """Remove every launch permission of the image (and its entries in the region's index)."""
    node = world.graph.nodes[image_id]
    pub = catalogue.public_partition(world, part.region)
    for value in images.index_values(node.get("permissions", [])):
        world.unclaim(pub, catalogue.LAUNCH_INDEX, value, image_id)
    world.update(image_id, permissions=[])


# -- disable / enable -------------------------------------------------------------------------
def disable_image(world: World, part: Partition, image_id: str) -> None:
    """DisableImage (owner only): `disabled` and private."""
    node = images.owned(world, part, image_id)
    if node.get("State") != "available":
        raise IncorrectState(f"The image '{image_id}' is in the '{node.get('State')}' state "
                             "and cannot be disabled.", "IncorrectState")
    clear_permissions(world, part, image_id)
    world.update(image_id, State="disabled")


def enable_image(world: World, part: Partition, image_id: str) -> None:
    """EnableImage (owner only): a disabled image is `available` again, still private."""
    node = images.owned(world, part, image_id)
    if node.get("State") != "disabled":
        raise IncorrectState(f"The image '{image_id}' is not disabled.", "IncorrectState")
    world.update(image_id, State="available")


def check_launch(part: Partition, image: dict[str, Any], image_id: str, type_name: str
                 ) -> None:
    """What RunInstances asks of the image beyond seeing it: Allowed AMIs (`enabled`), its
    state (a disabled image cannot be launched) and its instance type specification."""
    image_settings.check_launch(part, image, image_id)
    if image.get("State", "available") != "available":
        raise TopologyError(f"The image id '[{image_id}]' is {image.get('State')} and cannot "
                            "be used to launch instances.", "InvalidAMIID.Unavailable")
    image_lineage.check_type(image, image_id, type_name)


# -- deprecation ------------------------------------------------------------------------------
def enable_image_deprecation(world: World, part: Partition, image_id: str,
                             deprecate_at: Any) -> None:
    """EnableImageDeprecation (owner only): `DeprecationTime` at the nearest minute."""
    node = images.owned(world, part, image_id)
    when = deprecate_at if isinstance(deprecate_at, dt.datetime) else \
        dt.datetime.fromisoformat(str(deprecate_at).replace("Z", "+00:00"))
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    when = (when + dt.timedelta(seconds=30)).replace(second=0, microsecond=0)
    now = _now()
    if when < now.replace(second=0, microsecond=0):
        raise InvalidParameterValue("The deprecation time can't be in the past. Specify a "
                                    "deprecation time that is in the future.")
    limit = now + _MAX_AHEAD
    if images.is_public(node) and node.get("CreationDate"):
        limit = min(limit, _parse(node["CreationDate"]) + _MAX_PUBLIC)
    if when > limit:
        raise InvalidParameterValue(
            f"The deprecation time can't be later than {stamp(limit)}. Specify an earlier "
            "deprecation time.")
    world.update(image_id, DeprecationTime=stamp(when))


def disable_image_deprecation(world: World, part: Partition, image_id: str) -> None:
    images.owned(world, part, image_id)
    world.update(image_id, DeprecationTime=None)


# -- deregistration protection ----------------------------------------------------------------
def enable_image_deregistration_protection(world: World, part: Partition, image_id: str,
                                           with_cooldown: bool | None = None) -> str:
    """EnableImageDeregistrationProtection: answers the protection now in force."""
    images.owned(world, part, image_id)
    value = "enabled-with-cooldown" if with_cooldown else "enabled-without-cooldown"
    world.update(image_id, DeregistrationProtection=value)
    return value


def disable_image_deregistration_protection(world: World, part: Partition,
                                            image_id: str) -> str:
    """DisableImageDeregistrationProtection: with a cooldown, the image stays protected
    for 24 hours (`disabled-until <time>`)."""
    node = images.owned(world, part, image_id)
    current = node.get("DeregistrationProtection") or "disabled"
    if current == "enabled-with-cooldown":
        world.update(image_id, DeregistrationProtection=DISABLED_UNTIL + stamp(_now() + COOLDOWN))
    elif current.startswith("enabled"):
        world.update(image_id, DeregistrationProtection="disabled")
    return "disabled"


def protected(node: dict[str, Any]) -> bool:
    """Whether deregistration protection (or its cooldown) is in force."""
    value = node.get("DeregistrationProtection") or "disabled"
    if value.startswith(DISABLED_UNTIL):
        return _parse(value[len(DISABLED_UNTIL):]) > _now()
    return value.startswith("enabled")


def check_deregistrable(node: dict[str, Any], image_id: str) -> None:
    """DeregisterImage's refusal of a protected image."""
    if protected(node):
        raise TopologyError(f"Image {image_id} has deregistration protection enabled. Disable "
                            "deregistration protection and try again.",
                            "OperationNotPermitted")


# -- launch permissions -----------------------------------------------------------------------
def reset_image_attribute(world: World, part: Partition, image_id: str,
                          attribute: str) -> None:
    """ResetImageAttribute: `launchPermission`, the only one AWS resets (the model's enum)."""
    images.owned(world, part, image_id)
    clear_permissions(world, part, image_id)


def cancel_image_launch_permission(world: World, part: Partition, image_id: str) -> None:
    """CancelImageLaunchPermission: the caller leaves an image shared with its account."""
    node = images.find(world, part.account, part.region, image_id)
    if node["account"] == part.account:
        raise InvalidParameterValue(f"You can't cancel launch permissions for your own AMI "
                                    f"{image_id}.")
    mine = {"UserId": part.account}
    if mine not in node.get("permissions", []):
        raise InvalidParameterValue(f"The AMI {image_id} is not shared with your account "
                                    "through its launch permissions.")
    world.update(image_id, permissions=[p for p in node["permissions"] if p != mine])
    pub = catalogue.public_partition(world, part.region)
    world.unclaim(pub, catalogue.LAUNCH_INDEX, part.account, image_id)


declare_actions("image", {
    "DisableImage": disable_image, "EnableImage": enable_image,
    "EnableImageDeprecation": enable_image_deprecation,
    "DisableImageDeprecation": disable_image_deprecation,
    "EnableImageDeregistrationProtection": enable_image_deregistration_protection,
    "DisableImageDeregistrationProtection": disable_image_deregistration_protection,
    "ResetImageAttribute": reset_image_attribute,
    "CancelImageLaunchPermission": cancel_image_launch_permission})
