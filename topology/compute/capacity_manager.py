"""EC2 Capacity Manager: its account settings, monitored tag keys, data exports and
supportability scores (its metrics are `capacity_metrics`).

The settings are a partition attribute (`SETTINGS`: status, Organizations access, when it
was enabled). Organizations access needs the account to be its organization's management
account or the delegated administrator for EC2 (`core.sharing`). Every other operation
needs Capacity Manager enabled. Ingestion has nothing to wait for here: data is computed
from the graph when asked, so it reads `ingestion-complete` from the start.

Monitored tag keys are a partition attribute (key -> when it was activated): a key reads
`activating` in the answer that activates it and `activated` afterwards; deactivating
removes it (answered `deactivating`).

A data export is a `capacity-manager-data-export` node (`cmde-`). There is no S3 in
ec2sim: the bucket name is checked for S3's naming rules and each export reads `pending`
until its first hourly delivery, then `delivered` with the object it would have written.

Supportability scores are deterministic: each (instance type, zone) pool has a capacity
from a hash (smaller for accelerated types, halved for Spot); a request for a fraction of
it scores high (up to a quarter), medium (up to 60 %), low (up to all of it), else
unsupported, as does a type the zone does not offer.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Any

from ..catalogue import instance_requirements, instance_types
from ..core import clock, paging, regions, sharing
from ..core import tags as tagging
from ..core.errors import (IncorrectState, InvalidParameterCombination, InvalidParameterValue,
                           MissingParameter, TopologyError)
from ..core.family import Family, declare
from ..core.filters import Filter, field, ident
from ..core.world import Partition, World

SETTINGS = "capacity-manager"              # Partition.attributes keys
TAG_KEYS = "capacity-manager-tag-keys"
EXPORT = "capacity-manager-data-export"
SERVICE = "ec2.amazonaws.com"              # the delegated administrator's service
HOUR = dt.timedelta(hours=1)
BUCKET = re.compile(r"(?!xn--|sthree-|amzn-s3-demo-)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
IP_LIKE = re.compile(r"\d+\.\d+\.\d+\.\d+")
MAX_EXPORTS = 50


# -- enable, disable, attributes --------------------------------------------------------------
def settings(part: Partition) -> dict[str, Any] | None:
    return part.attributes.get(SETTINGS)


def enabled(part: Partition) -> dict[str, Any]:
    """The settings of an account that enabled Capacity Manager (else AWS's refusal)."""
    found = settings(part)
    if not found:
        raise TopologyError("Capacity Manager is not enabled for this account. Enable it "
                            "with EnableCapacityManager first.", "UnsupportedOperation")
    return found


def _check_organizations(world: World, part: Partition) -> None:
    org = sharing.organization_of(world, part.account)
    if org is None:
        raise InvalidParameterValue("Organizations access requires the account to be a "
                                    "member of an organization in AWS Organizations.")
    if part.account not in (sharing.management_account(world, org),
                            sharing.delegated_admin(world, org, SERVICE)):
        raise TopologyError("Only the management account or the delegated administrator of "
                            "the organization can turn on Organizations access.",
                            "UnauthorizedOperation")


def _answer(part: Partition) -> dict[str, Any]:
    found = settings(part)
    return {"CapacityManagerStatus": "enabled" if found else "disabled",
            "OrganizationsAccess": bool(found and found["OrganizationsAccess"])}


def enable(world: World, part: Partition, organizations_access: bool | None = None
           ) -> dict[str, Any]:
    """EnableCapacityManager."""
    if settings(part):
        raise IncorrectState("Capacity Manager is already enabled for this account.",
                             "IncorrectState")
    if organizations_access:
        _check_organizations(world, part)
    world.set_attribute(part, SETTINGS, {"OrganizationsAccess": bool(organizations_access),
                                         "EnabledAt": clock.now()})
    return _answer(part)


def disable(world: World, part: Partition) -> dict[str, Any]:
    """DisableCapacityManager: Organizations access goes too; exports stay."""
    enabled(part)
    world.set_attribute(part, SETTINGS, None)
    return _answer(part)


def update_organizations_access(world: World, part: Partition, organizations_access: bool
                                ) -> str:
    """UpdateCapacityManagerOrganizationsAccess: the status (OrganizationsAccess is the
    request's, echoed)."""
    current = enabled(part)
    if organizations_access:
        _check_organizations(world, part)
    world.set_attribute(part, SETTINGS, {**current,
                                         "OrganizationsAccess": bool(organizations_access)})
    return "enabled"


def attributes(world: World, part: Partition) -> dict[str, Any]:
    """GetCapacityManagerAttributes."""
    out = {**_answer(part), "DataExportCount": len(part.ids(EXPORT))}
    found = settings(part)
    if found:
        latest = latest_datapoint()
        out.update(IngestionStatus="ingestion-complete",
                   IngestionStatusMessage="Capacity Manager data is up to date.",
                   EarliestDatapointTimestamp=min(found["EnabledAt"].replace(
                       minute=0, second=0, microsecond=0), latest),
                   LatestDatapointTimestamp=latest)
    return out


def latest_datapoint() -> dt.datetime:
    """The newest complete hour of data."""
    return clock.now().replace(minute=0, second=0, microsecond=0)


# -- monitored tag keys -----------------------------------------------------------------------
def _tag_row(key: str, since: dt.datetime, status: str) -> dict[str, Any]:
    return {"TagKey": key, "Status": status, "CapacityManagerProvided": False,
            "EarliestDatapointTimestamp": since}


def monitored_tag_keys(world: World, part: Partition, max_results: int | None = None,
                       next_token: str | None = None) -> dict[str, Any]:
    """GetCapacityManagerMonitoredTagKeys."""
    enabled(part)
    rows = [_tag_row(k, since, "activated")
            for k, since in sorted((part.attributes.get(TAG_KEYS) or {}).items())]
    page, token = paging.rows(rows, "capacity-manager-tag-keys", max_results, next_token)
    return {"CapacityManagerTagKeys": page, "NextToken": token}


def update_tag_keys(world: World, part: Partition, activate_tag_keys: list[str] | None = None,
                    deactivate_tag_keys: list[str] | None = None) -> list[dict[str, Any]]:
    """UpdateCapacityManagerMonitoredTagKeys: the keys it changed, in transition."""
    enabled(part)
    activate = list(dict.fromkeys(activate_tag_keys or []))
    deactivate = list(dict.fromkeys(deactivate_tag_keys or []))
    if not activate and not deactivate:
        raise MissingParameter("The request must contain the parameter ActivateTagKeys or "
                               "DeactivateTagKeys")
    both = sorted(set(activate) & set(deactivate))
    if both:
        raise InvalidParameterCombination(
            f"Tag keys cannot be both activated and deactivated: {', '.join(both)}.")
    for key in activate:
        tagging.validate([{"Key": key, "Value": ""}])
    keys = dict(part.attributes.get(TAG_KEYS) or {})
    missing = [k for k in deactivate if k not in keys]
    if missing:
        raise InvalidParameterValue(f"The tag keys are not monitored: {', '.join(missing)}.")
    now = latest_datapoint()
    changed = [_tag_row(k, keys.get(k, now), "activating") for k in activate]
    changed += [_tag_row(k, keys.pop(k), "deactivating") for k in deactivate]
    keys.update({k: keys.get(k, now) for k in activate})
    world.set_attribute(part, TAG_KEYS, keys)
    return changed


# -- data exports -----------------------------------------------------------------------------
def _check_bucket(name: str) -> None:
    if not BUCKET.fullmatch(name) or ".." in name or IP_LIKE.fullmatch(name) or \
            name.endswith(("-s3alias", "--ol-s3", ".mrap", "--x-s3")):
        raise InvalidParameterValue(f"The S3 bucket name '{name}' is not valid. Bucket names "
                                    "are 3-63 lowercase letters, digits, dots and hyphens.")


def create_export(world: World, part: Partition, s3_bucket_name: str, schedule: str,
                  output_format: str, s3_bucket_prefix: str | None = None, *,
                  tags: dict[str, str] | None = None) -> str:
    """CreateCapacityManagerDataExport; returns the export's id."""
    enabled(part)
    _check_bucket(s3_bucket_name)
    if s3_bucket_prefix is not None and (len(s3_bucket_prefix) > 1024
                                         or s3_bucket_prefix.startswith("/")):
        raise InvalidParameterValue(f"The S3 bucket prefix '{s3_bucket_prefix}' is not "
                                    "valid.")
    if len(part.ids(EXPORT)) >= MAX_EXPORTS:
        raise TopologyError(f"You can have up to {MAX_EXPORTS} data exports.",
                            "CapacityManagerDataExportLimitExceeded")
    export_id = world.new_id("cmde")
    world.add(part, EXPORT, export_id, S3BucketName=s3_bucket_name,
              S3BucketPrefix=s3_bucket_prefix, Schedule=schedule, OutputFormat=output_format,
              CreateTime=clock.now())
    tagging.apply(world, export_id, tags or {})
    return export_id


def delete_export(world: World, part: Partition, capacity_manager_data_export_id: str) -> None:
    world.get(part, EXPORT, capacity_manager_data_export_id)
    world.remove(capacity_manager_data_export_id)


def _delivery(node: dict[str, Any]) -> dt.datetime | None:
    """The last hourly delivery since the export was made (None before the first)."""
    last = latest_datapoint()
    return last if last > node["CreateTime"] else None


def export_view(world: World, export_id: str) -> dict[str, Any]:
    node = world.graph.nodes[export_id]
    out = {"CapacityManagerDataExportId": export_id, "S3BucketName": node["S3BucketName"],
           "S3BucketPrefix": node.get("S3BucketPrefix"), "Schedule": node["Schedule"],
           "OutputFormat": node["OutputFormat"], "CreateTime": node["CreateTime"],
           "LatestDeliveryStatus": "pending", "Tags": tagging.listed(node["tags"])}
    delivered = _delivery(node)
    if delivered is not None:
        prefix = f"{node['S3BucketPrefix'].rstrip('/')}/" if node.get("S3BucketPrefix") else ""
        ext = "csv" if node["OutputFormat"] == "csv" else "parquet"
        out.update(LatestDeliveryStatus="delivered",
                   LatestDeliveryStatusMessage="The export was delivered.",
                   LatestDeliveryS3LocationUri=(
                       f"s3://{node['S3BucketName']}/{prefix}{export_id}/"
                       f"{delivered:%Y/%m/%d/%H}/capacity-manager.{ext}"),
                   LatestDeliveryTime=delivered)
    return out


EXPORT_FILTERS = {
    "capacity-manager-data-export-id": ident(),
    "s3-bucket-name": field("S3BucketName"),
    "schedule": field("Schedule"), "output-format": field("OutputFormat"),
    "latest-delivery-status": Filter(lambda w, rid, n: export_view(w, rid)[
        "LatestDeliveryStatus"]),
    "creation-time": Filter(lambda w, rid, n: n["CreateTime"].isoformat()),
}


# -- supportability scores --------------------------------------------------------------------
SCORES = ((0.25, "high"), (0.6, "medium"), (1.0, "low"))


def _zone_by_id(zone_id: str) -> tuple[str, dict[str, str]] | None:
    for name in regions.by_name():
        found = regions.zone(name, zone_id=zone_id)
        if found is not None:
            return name, found
    return None


def _pool(region: str, zone: str, type_name: str, market: str) -> int:
    """The instances a (type, zone) pool can take now (a hash; fewer when accelerated)."""
    info = instance_types.get(type_name) or {}
    digest = hashlib.sha256(f"{region}|{zone}|{type_name}".encode()).digest()
    size = (40 if info.get("GpuInfo") or type_name.startswith("trn") else 2000)
    size = int(size * (0.5 + int.from_bytes(digest[:4], "big") / 2 ** 32))
    return size // 2 if market == "spot" else size


def _score(ratio: float) -> str:
    return next((name for limit, name in SCORES if ratio <= limit), "unsupported")


def _types(instance_types_: list[str] | None, requirements: dict[str, Any] | None) -> list[str]:
    if instance_types_ and requirements:
        raise InvalidParameterCombination(
            "Specify either InstanceTypes or InstanceRequirementsWithMetadata, not both.")
    if requirements:
        req = requirements.get("InstanceRequirements") or {}
        return instance_requirements.matching(req, requirements.get("ArchitectureTypes"),
                                              requirements.get("VirtualizationTypes"))
    if not instance_types_:
        raise MissingParameter("The request must contain the parameter InstanceTypes or "
                               "InstanceRequirementsWithMetadata")
    for name in instance_types_:
        if instance_types.get(name) is None:
            raise InvalidParameterValue(f"The instance type '{name}' does not exist.")
    return list(dict.fromkeys(instance_types_))


def supportability_scores(world: World, part: Partition, market_type: str,
                          capacity_amount: int, capacity_unit: str,
                          capacity_availability_zone_ids: list[str],
                          instance_types: list[str] | None = None,
                          instance_requirements_with_metadata: dict[str, Any] | None = None
                          ) -> dict[str, Any]:
    """GetCapacityManagerSupportabilityScores."""
    enabled(part)
    names = _types(instance_types, instance_requirements_with_metadata)
    if not capacity_availability_zone_ids:
        raise MissingParameter("The request must contain the parameter "
                               "CapacityAvailabilityZoneIds")
    zones = []
    for zone_id in dict.fromkeys(capacity_availability_zone_ids):
        found = _zone_by_id(zone_id)
        if found is None:
            raise InvalidParameterValue(f"Invalid Availability Zone ID: {zone_id}")
        zones.append(found)
    rows, total = [], 0.0
    for name in names:
        info = _info(name)
        per = info["VCpuInfo"]["DefaultVCpus"] if capacity_unit == "vcpus" else 1
        for region, zone in zones:
            offered = _offered(region, zone["ZoneName"], name)
            pool = _pool(region, zone["ZoneName"], name, market_type) * per if offered else 0
            total += pool
            rows.append({"InstanceType": name, "AvailabilityZoneId": zone["ZoneId"],
                         "Score": _score(capacity_amount / pool) if pool else "unsupported"})
    aggregate = _score(capacity_amount / total) if total else "unsupported"
    return {"AggregateScore": aggregate, "CapacityManagerSupportabilityScores": rows}


def _info(name: str) -> dict[str, Any]:
    found = instance_types.get(name)
    assert found is not None
    return found


def _offered(region: str, zone: str, name: str) -> bool:
    return instance_types.offered(region, "availability-zone", zone, name)


FAMILY = declare(Family(EXPORT, view=export_view, filters=EXPORT_FILTERS,
                        noun="CapacityManagerDataExport", delete=delete_export,
                        max_results=(1, 1000), actions={
                            # its answer is the id alone, no structure: an action
                            "CreateCapacityManagerDataExport": create_export,
                            "DisableCapacityManager": disable,
                            "UpdateCapacityManagerOrganizationsAccess":
                                update_organizations_access,
                            "GetCapacityManagerAttributes": attributes,
                            "GetCapacityManagerMonitoredTagKeys": monitored_tag_keys,
                            "UpdateCapacityManagerMonitoredTagKeys": update_tag_keys,
                            "GetCapacityManagerSupportabilityScores": supportability_scores}))
