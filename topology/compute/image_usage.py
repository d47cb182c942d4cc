"""Who uses an image, read from the graph.

* Image usage reports (Create/Delete/DescribeImageUsageReports, ...Entries): the owner of an
  image asks which other accounts of the region use it, and how: instances launched from it
  (not terminated) and launch templates whose recent versions name it (`version-depth`,
  default 20). The report (`image-usage-report` node) is computed when it is created; AWS
  answers its id at once and the report is `available` when described (AWS builds it in
  minutes). Reports expire 30 days after creation.
* DescribeImageReferences: the caller's own instances and launch templates that name the
  images (Image Builder recipes and SSM parameters of the account: ec2sim keeps none).
* DescribeInstanceImageMetadata: the image each of the caller's instances was launched from,
  as it is now or, deregistered, as DeregisterImage recorded it (`image_lineage.known`).
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from ..core import lookups, paging
from ..core import tags as tagging
from ..core.errors import InvalidParameterValue, MissingParameter
from ..core.family import declare_actions
from ..core.filters import Filter, field, ident, select, select_rows
from ..core.world import Partition, World, is_id_of, not_found
from . import image_lineage, image_settings, images, instances, launch_templates

KIND = "image-usage-report"
INSTANCE, TEMPLATE = "ec2:Instance", "ec2:LaunchTemplate"
REPORT_TYPES = (INSTANCE, TEMPLATE, "imagebuilder:ImageRecipe", "imagebuilder:ContainerRecipe")
REFERENCE_TYPES = (INSTANCE, TEMPLATE, "ssm:Parameter", "imagebuilder:ImageRecipe",
                   "imagebuilder:ContainerRecipe")
DEFAULT_DEPTH, MAX_DEPTH = 20, 10000
EXPIRY = dt.timedelta(days=30)
_ACCOUNT = re.compile(r"\d{12}")


# -- what uses an image -----------------------------------------------------------------------
def _options(spec: dict[str, Any]) -> dict[str, list[str]]:
    return {o.get("OptionName"): list(o.get("OptionValues") or [])
            for o in spec.get("ResourceTypeOptions") or []}


def _depth(options: dict[str, list[str]]) -> int:
    values = options.get("version-depth") or [str(DEFAULT_DEPTH)]
    try:
        depth = int(values[0])
    except ValueError:
        depth = 0
    if not 1 <= depth <= MAX_DEPTH:
        raise InvalidParameterValue(f"Value ({values[0]}) for option version-depth is invalid. "
                                    f"It must be between 1 and {MAX_DEPTH}.")
    return depth


def _instances(world: World, part: Partition, image_ids: set[str],
               states: list[str] | None = None) -> Iterable[tuple[str, str]]:
    nodes = world.graph.nodes
    for rid in part.ids("instance"):
        name = instances.state_name(world, rid)
        wanted = name in states if states else name != "terminated"
        if wanted and nodes[rid].get("ImageId") in image_ids:
            yield rid, nodes[rid]["ImageId"]


def _templates(world: World, part: Partition, image_ids: set[str],
               depth: int) -> Iterable[tuple[str, str]]:
    for lt_id in part.ids("launch-template"):
        versions = launch_templates.versions(world, lt_id)
        recent = sorted(versions, reverse=True)[:depth]
        named = [versions[n]["LaunchTemplateData"].get("ImageId") for n in recent]
        for image_id in dict.fromkeys(i for i in named if i in image_ids):
            yield lt_id, image_id


def _check_types(specs: list[dict[str, Any]], valid: tuple[str, ...]) -> None:
    for spec in specs:
        if spec.get("ResourceType") not in valid:
            raise InvalidParameterValue(f"Value ({spec.get('ResourceType')}) for parameter "
                                        "ResourceType is invalid. Valid values: "
                                        + ", ".join(valid))
        for name in _options(spec):
            if name not in ("state-name", "version-depth"):
                raise InvalidParameterValue(f"Value ({name}) for parameter OptionName is "
                                            "invalid.")


# -- usage reports ----------------------------------------------------------------------------
def create_image_usage_report(world: World, part: Partition, image_id: str,
                              resource_types: list[dict[str, Any]],
                              account_ids: list[str] | None = None,
                              tags: dict[str, str] | None = None) -> str:
    """CreateImageUsageReport (owner only): answers the new report's id."""
    images.owned(world, part, image_id)
    _check_types(resource_types, REPORT_TYPES)
    if not resource_types:
        raise MissingParameter("The request must contain the parameter ResourceTypes")
    for account in account_ids or []:
        if not _ACCOUNT.fullmatch(account):
            raise InvalidParameterValue(f"Value ({account}) for parameter AccountIds is "
                                        "invalid. Account IDs must be 12 digits.")
    now = dt.datetime.now(dt.timezone.utc)
    entries = _entries(world, part, image_id, resource_types, account_ids, now)
    report_id = world.new_id("amiur")
    world.add(part, KIND, report_id, ImageId=image_id,
              ResourceTypes=[dict(s) for s in resource_types],
              AccountIds=list(account_ids or []) or None, State="available",
              CreationTime=now, ExpirationTime=now + EXPIRY, entries=entries)
    tagging.apply(world, report_id, tags or {})
    return report_id


def _entries(world: World, part: Partition, image_id: str, specs: list[dict[str, Any]],
             accounts: list[str] | None, now: dt.datetime) -> list[dict[str, Any]]:
    """One entry per (account, resource type) that uses the image: other accounts only."""
    out = []
    for other in world.partitions():
        if other.region != part.region or other.account == part.account \
                or not _ACCOUNT.fullmatch(other.account) \
                or (accounts and other.account not in accounts):
            continue
        for spec in specs:
            count = _count(world, other, image_id, spec)
            if count:
                out.append({"ResourceType": spec["ResourceType"], "UsageCount": count,
                            "AccountId": other.account, "ImageId": image_id,
                            "ReportCreationTime": now})
    return out


def _count(world: World, part: Partition, image_id: str, spec: dict[str, Any]) -> int:
    if spec["ResourceType"] == INSTANCE:
        return sum(1 for _ in _instances(world, part, {image_id}))
    if spec["ResourceType"] == TEMPLATE:
        depth = _depth(_options(spec))
        return sum(1 for _ in _templates(world, part, {image_id}, depth))
    return 0


def delete_image_usage_report(world: World, part: Partition, report_id: str) -> None:
    world.get(part, KIND, report_id)
    world.remove(report_id)


def report_view(world: World, report_id: str) -> dict[str, Any]:
    node = world.graph.nodes[report_id]
    return {"ImageId": node["ImageId"], "ReportId": report_id,
            "ResourceTypes": node["ResourceTypes"], "AccountIds": node.get("AccountIds"),
            "State": node["State"], "CreationTime": node["CreationTime"],
            "ExpirationTime": node["ExpirationTime"],
            "Tags": tagging.listed(node["tags"]) or None}


def _created(w: World, rid: str, node: dict[str, Any]) -> Any:
    return _iso(node["CreationTime"])


def _iso(when: dt.datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


REPORT_FILTERS: dict[str, Filter] = {"creation-time": Filter(_created),
                                     "state": field("State"), "report-id": ident()}


def _reports(world: World, part: Partition, report_ids: list[str] | None,
             image_ids: list[str] | None) -> list[str]:
    ids = list(dict.fromkeys(report_ids or []))
    for rid in ids:
        world.get(part, KIND, rid)
    pool = ids or list(part.ids(KIND))
    nodes = world.graph.nodes
    return [rid for rid in pool if not image_ids or nodes[rid]["ImageId"] in image_ids]


def describe_image_usage_reports(world: World, part: Partition,
                                 image_ids: list[str] | None = None,
                                 report_ids: list[str] | None = None,
                                 filters: list[dict[str, Any]] | None = None,
                                 max_results: int | None = None,
                                 next_token: str | None = None) -> dict[str, Any]:
    pool = _reports(world, part, report_ids, image_ids)
    chosen = select(world, part, KIND, REPORT_FILTERS, filters, pool)
    page, token = paging.page(world, chosen, max_results, next_token)
    return {"ImageUsageReports": [report_view(world, rid) for rid in page], "NextToken": token}


ENTRY_FILTERS: dict[str, Filter] = {
    "account-id": field("AccountId"), "resource-type": field("ResourceType"),
    "creation-time": Filter(lambda w, rid, row: _iso(row["ReportCreationTime"]))}


def describe_image_usage_report_entries(world: World, part: Partition,
                                        image_ids: list[str] | None = None,
                                        report_ids: list[str] | None = None,
                                        filters: list[dict[str, Any]] | None = None,
                                        max_results: int | None = None,
                                        next_token: str | None = None) -> dict[str, Any]:
    nodes = world.graph.nodes
    rows = [{**e, "ReportId": rid} for rid in _reports(world, part, report_ids, image_ids)
            for e in nodes[rid]["entries"]]
    chosen = select_rows(ENTRY_FILTERS, filters, rows, taggable=False)
    page, token = paging.rows(chosen, "image-usage-entries", max_results, next_token)
    return {"ImageUsageReportEntries": page, "NextToken": token}


# -- references -------------------------------------------------------------------------------
def describe_image_references(world: World, part: Partition, image_ids: list[str],
                              include_all_resource_types: bool | None = None,
                              resource_types: list[dict[str, Any]] | None = None,
                              max_results: int | None = None,
                              next_token: str | None = None) -> dict[str, Any]:
    """The caller's resources that name the images."""
    for rid in image_ids:
        if not is_id_of("ami", rid):
            raise not_found("image", rid)
    specs = list(resource_types or [])
    _check_types(specs, REFERENCE_TYPES)
    if not include_all_resource_types and not specs:
        raise MissingParameter("Either IncludeAllResourceTypes or ResourceTypes must be "
                               "specified.")
    if include_all_resource_types:
        given = {s["ResourceType"] for s in specs}
        specs += [{"ResourceType": t} for t in (INSTANCE, TEMPLATE) if t not in given]
    if max_results is not None and max_results < 5:
        raise InvalidParameterValue(f"Value ( {max_results} ) for parameter maxResults is "
                                    "invalid. Expecting a value greater than 5.")
    wanted = set(image_ids)
    rows = []
    for spec in specs:
        options = _options(spec)
        if spec["ResourceType"] == INSTANCE:
            found = _instances(world, part, wanted, options.get("state-name") or
                               list(instances.STATE_CODES))
            rows += [(i, INSTANCE, lookups.ec2_arn(world, rid, "instance")) for rid, i in found]
        elif spec["ResourceType"] == TEMPLATE:
            found = _templates(world, part, wanted, _depth(options))
            rows += [(i, TEMPLATE, lookups.ec2_arn(world, rid, "launch-template"))
                     for rid, i in found]
    items = [{"ImageId": i, "ResourceType": t, "Arn": a} for i, t, a in rows]
    page, token = paging.rows(items, "image-references", max_results, next_token)
    return {"ImageReferences": page, "NextToken": token}


# -- instance image metadata ------------------------------------------------------------------
def _image_of(world: World, rid: str) -> dict[str, Any]:
    node = world.graph.nodes[rid]
    return image_lineage.known(world, node["region"], node.get("ImageId") or "") or {}


def _allowed(world: World, rid: str) -> bool | None:
    node = world.graph.nodes[rid]
    image = _image_of(world, rid)
    if not image or "account" not in image:
        return None
    part = world.partition(node["account"], node["region"])
    return image_settings.allowed(part, image)


METADATA_FILTERS: dict[str, Filter] = {
    "availability-zone": Filter(lambda w, rid, n: n["Placement"].get("AvailabilityZone")),
    "zone-id": Filter(lambda w, rid, n: n["Placement"].get("AvailabilityZoneId")),
    "instance-id": ident(),
    "image-allowed": Filter(lambda w, rid, n: _allowed(w, rid)),
    "instance-state-name": Filter(lambda w, rid, n: n["State"]["Name"]),
    "instance-type": field("InstanceType"),
    "launch-time": field("LaunchTime"),
    "owner-alias": Filter(lambda w, rid, n: _image_of(w, rid).get("ImageOwnerAlias")),
    "owner-id": Filter(lambda w, rid, n: _image_of(w, rid).get("OwnerId")),
}

METADATA_FIELDS = ("ImageId", "Name", "OwnerId", "State", "ImageOwnerAlias", "CreationDate",
                   "DeprecationTime", "ImageWatermarks")


def metadata_view(world: World, rid: str) -> dict[str, Any]:
    node = world.graph.nodes[rid]
    image = _image_of(world, rid)
    meta: dict[str, Any] = {"ImageId": node.get("ImageId")}
    meta.update({k: image[k] for k in METADATA_FIELDS if image.get(k) is not None})
    if image:
        meta["IsPublic"] = image.get("IsPublic", False)
        meta["ImageAllowed"] = _allowed(world, rid)
    placement = node["Placement"]
    return {"InstanceId": rid, "InstanceType": node.get("InstanceType"),
            "LaunchTime": node.get("LaunchTime"),
            "AvailabilityZone": placement.get("AvailabilityZone"),
            "ZoneId": placement.get("AvailabilityZoneId"), "State": dict(node["State"]),
            "OwnerId": node["account"], "Tags": tagging.listed(node["tags"]) or None,
            "ImageMetadata": meta}


def describe_instance_image_metadata(world: World, part: Partition,
                                     instance_ids: list[str] | None = None,
                                     filters: list[dict[str, Any]] | None = None,
                                     max_results: int | None = None,
                                     next_token: str | None = None) -> dict[str, Any]:
    ids = instances.get_all(world, part, instance_ids) if instance_ids else None
    chosen = select(world, part, "instance", METADATA_FILTERS, filters, ids)
    page, token = paging.page(world, chosen, max_results, next_token)
    return {"InstanceImageMetadata": [metadata_view(world, rid) for rid in page],
            "NextToken": token}


# bound as actions of a pseudo-kind: the binder would take DescribeImageUsageReports, which has
# two id lists, for a family Describe (CreateImageUsageReport, whose tags are the report's, is
# api/handlers/image_usage.py's)
declare_actions("image-usage", {
    "DeleteImageUsageReport": delete_image_usage_report,
    "DescribeImageUsageReports": describe_image_usage_reports,
    "DescribeImageUsageReportEntries": describe_image_usage_report_entries,
    "DescribeImageReferences": describe_image_references,
    "DescribeInstanceImageMetadata": describe_instance_image_metadata})
