"""Windows fast launch: pre-provisioned snapshots for a Windows AMI.

An account's fast-launch configurations are a `Partition.attributes` entry (image id ->
configuration), for the Windows images it owns or that are shared with it. EnableFastLaunch
answers `enabling` and DescribeFastLaunchImages then shows `enabled` (AWS's pre-provisioning
takes minutes; the simulator's is done at once); DisableFastLaunch answers `disabling`, after
which the image is no longer listed. Linux images are refused.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from ..core import paging
from ..core.errors import (InvalidParameterCombination, InvalidParameterValue, MissingParameter,
                           TopologyError)
from ..core.family import declare_actions
from ..core.filters import Filter, field, select_rows
from ..core.world import Partition, World
from . import images, launch_templates

CONFIGS = "fast-launch"               # Partition.attributes key
MIN_PARALLEL = 6
DEFAULT_TARGET = 5


def _configs(part: Partition) -> dict[str, dict[str, Any]]:
    return dict(part.attributes.get(CONFIGS) or {})


def _windows(world: World, part: Partition, image_id: str) -> dict[str, Any]:
    node = images.find(world, part.account, part.region, image_id)
    if (node.get("Platform") or "").lower() != "windows":
        raise TopologyError(f"The image {image_id} is not a Windows AMI. Windows fast launch "
                            "is supported only for Windows AMIs.", "UnsupportedOperation")
    return node


def _template(world: World, part: Partition, spec: dict[str, Any] | None
              ) -> dict[str, str] | None:
    if not spec:
        return None
    if spec.get("LaunchTemplateId") and spec.get("LaunchTemplateName"):
        raise InvalidParameterCombination("You can specify either the launch template ID or "
                                          "the launch template name, but not both.")
    if not spec.get("Version"):
        raise MissingParameter("The request must contain the parameter LaunchTemplate.Version")
    lt_id, _ = launch_templates.locate(world, part, spec)
    node = world.graph.nodes[lt_id]
    return {"LaunchTemplateId": lt_id, "LaunchTemplateName": node["LaunchTemplateName"],
            "Version": spec["Version"]}


def enable_fast_launch(world: World, part: Partition, image_id: str,
                       resource_type: str | None = None,
                       snapshot_configuration: dict[str, Any] | None = None,
                       launch_template: dict[str, Any] | None = None,
                       max_parallel_launches: int | None = None) -> dict[str, Any]:
    """EnableFastLaunch: the configuration, answered `enabling`."""
    node = _windows(world, part, image_id)
    if (resource_type or "snapshot") != "snapshot":
        raise InvalidParameterValue(f"Value ({resource_type}) for parameter ResourceType is "
                                    "invalid. Valid values: snapshot")
    parallel = MIN_PARALLEL if max_parallel_launches is None else max_parallel_launches
    if parallel < MIN_PARALLEL:
        raise InvalidParameterValue(f"Value ({parallel}) for parameter MaxParallelLaunches is "
                                    f"invalid. It must be {MIN_PARALLEL} or greater.")
    target = (snapshot_configuration or {}).get("TargetResourceCount") or DEFAULT_TARGET
    if target < 1:
        raise InvalidParameterValue(f"Value ({target}) for parameter TargetResourceCount is "
                                    "invalid. It must be 1 or greater.")
    config = {"ImageId": image_id, "ResourceType": "snapshot",
              "SnapshotConfiguration": {"TargetResourceCount": target},
              "MaxParallelLaunches": parallel, "OwnerId": node["OwnerId"],
              "StateTransitionReason": "Client.UserInitiated",
              "StateTransitionTime": dt.datetime.now(dt.timezone.utc)}
    template = _template(world, part, launch_template)
    if template:
        config["LaunchTemplate"] = template
    world.set_attribute(part, CONFIGS, {**_configs(part), image_id: config})
    return {**config, "State": "enabling"}


def disable_fast_launch(world: World, part: Partition, image_id: str,
                        force: bool | None = None) -> dict[str, Any]:
    """DisableFastLaunch: answered `disabling`; the image then leaves the list."""
    _windows(world, part, image_id)
    configs = _configs(part)
    config = configs.pop(image_id, None)
    if config is None:
        raise InvalidParameterValue(f"Windows fast launch is not enabled for image "
                                    f"{image_id}.")
    world.set_attribute(part, CONFIGS, configs or None)
    return {**config, "State": "disabling",
            "StateTransitionTime": dt.datetime.now(dt.timezone.utc)}


FILTERS: dict[str, Filter] = {"resource-type": field("ResourceType"),
                              "owner-id": field("OwnerId"), "state": field("State")}


def describe_fast_launch_images(world: World, part: Partition,
                                image_ids: list[str] | None = None,
                                filters: list[dict[str, Any]] | None = None,
                                max_results: int | None = None,
                                next_token: str | None = None) -> dict[str, Any]:
    """DescribeFastLaunchImages: the account's configurations, `enabled`."""
    for image_id in image_ids or []:
        images.find(world, part.account, part.region, image_id)
    rows = [{**c, "State": "enabled"} for rid, c in _configs(part).items()
            if not image_ids or rid in image_ids]
    chosen = select_rows(FILTERS, filters, rows, taggable=False)
    if max_results is not None and not 1 <= max_results <= 200:
        raise InvalidParameterValue(f"Value ( {max_results} ) for parameter maxResults is "
                                    "invalid. Expecting a value between 1 and 200.")
    page, token = paging.rows(chosen, "fast-launch", max_results, next_token)
    return {"FastLaunchImages": page, "NextToken": token}


declare_actions("image", {
    "EnableFastLaunch": enable_fast_launch, "DisableFastLaunch": disable_fast_launch,
    "DescribeFastLaunchImages": describe_fast_launch_images})
