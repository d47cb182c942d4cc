"""Where application status checks apply, and what they report per instance.

Associations: an ASSOCIATED edge check -> instance (data `AssociatedAt`) for an instance id,
or a `{Key, Value}` in the check's `TargetTagAssociations` for a tag rule (it monitors every
current and future instance carrying that tag). AWS's rules: either tags or instance ids,
never both (`InvalidParameterCombination`); no blank tag key; 50 associations per check.
Per-item problems (an unknown instance, an association that already exists or does not)
are answered in `UnsuccessfulResults` with a reason, not as an error.

Suppression is per instance: a partition attribute maps instance id -> (SuppressAt,
ResumeAt or None for indefinitely); 100 instances per request.

Nothing runs HTTP here, so a check's result follows the instance: `initializing` while it is
pending or within the check's grace period after launch (and for the first evaluations
after the association: SuccessThreshold intervals), `passed` (ResponseCodeMatched, the
matcher's first code) while it runs, `failed` (ConnectionTimeout) once it stops. The
instance's status is AWS's aggregate of its included checks: `suppressed`, else
`not-applicable` (no included check), `impaired`, `initializing`, `insufficient-data`,
`ok`.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from ..core import clock, paging, schema
from ..core import filters as filtering
from ..core import tags as tagging
from ..core.errors import (InvalidParameterCombination, InvalidParameterValue, LimitExceeded,
                           MissingParameter)
from ..core.family import declare_actions
from ..core.filters import Filter
from ..core.world import Partition, World
from . import application_status_checks as checks

MAX_ASSOCIATIONS = 50          # per check (tag rules and instance ids together)
MAX_SUPPRESS = 100             # instance ids per suppression request
SUPPRESSION = "application-status-suppression"   # Partition.attributes key
GONE = ("terminated",)


# -- associations ---------------------------------------------------------------------------
def _targets(target_tag_associations: list[dict[str, Any]] | None,
             instance_ids: list[str] | None) -> None:
    if target_tag_associations and instance_ids:
        raise InvalidParameterCombination(
            "You must specify either TargetTagAssociations or InstanceIds, but not both.")
    if not target_tag_associations and not instance_ids:
        raise MissingParameter(
            "The request must contain the parameter TargetTagAssociations or InstanceIds.")
    for tag in target_tag_associations or []:
        if not (tag.get("Key") or "").strip():
            raise InvalidParameterValue("Tag keys must not be blank.")


def _instance(world: World, part: Partition, iid: str) -> str | None:
    """Why `iid` cannot be monitored, or None."""
    node = world.node(iid)
    if node is None or node["kind"] != "instance" or node["account"] != part.account \
            or node["region"] != part.region:
        return f"The instance ID '{iid}' does not exist"
    if node["State"]["Name"] in GONE:
        return f"The instance '{iid}' is terminated"
    return None


def _tag_value(tag: dict[str, Any]) -> str:
    return f"{tag['Key']}={tag.get('Value') or ''}"


def _tag(tag: dict[str, Any]) -> dict[str, str]:
    return {"Key": tag["Key"], "Value": tag.get("Value") or ""}


def _results(check_id: str, done: list[tuple[str, str]], failed: list[tuple[str, str, str]]
             ) -> dict[str, Any]:
    return {"SuccessfulResults": [{"ApplicationStatusCheckId": check_id, "AssociationType": t,
                                   "AssociationValue": v} for t, v in done],
            "UnsuccessfulResults": [{"ApplicationStatusCheckId": check_id,
                                     "AssociationType": t, "AssociationValue": v,
                                     "Reason": why} for t, v, why in failed]}


def associate(world: World, part: Partition, application_status_check_id: str,
              target_tag_associations: list[dict[str, Any]] | None = None,
              instance_ids: list[str] | None = None) -> dict[str, Any]:
    """Associate the check with instances or tag rules; per-item results."""
    check_id = application_status_check_id
    node = checks.live(world, part, check_id)
    _targets(target_tag_associations, instance_ids)
    linked = {iid for iid, _, _ in world.out(check_id, schema.ASSOCIATED, "instance")}
    rules = [_tag(t) for t in node["TargetTagAssociations"]]
    done: list[tuple[str, str]] = []
    failed: list[tuple[str, str, str]] = []
    for iid in dict.fromkeys(instance_ids or []):
        why = _instance(world, part, iid) or (
            "The application status check is already associated with the instance."
            if iid in linked else None)
        if why:
            failed.append(("instance-id", iid, why))
            continue
        linked.add(iid)
        done.append(("instance-id", iid))
    new_rules = []
    for tag in map(_tag, target_tag_associations or []):
        if tag in rules or tag in new_rules:
            failed.append(("tag", _tag_value(tag),
                           "The application status check is already associated with the tag."))
            continue
        new_rules.append(tag)
        done.append(("tag", _tag_value(tag)))
    if len(linked) + len(rules) + len(new_rules) > MAX_ASSOCIATIONS:
        raise LimitExceeded(f"An application status check can have at most "
                            f"{MAX_ASSOCIATIONS} associations.",
                            "ApplicationStatusCheckAssociationLimitExceeded")
    now = clock.now()
    for kind, value in done:
        if kind == "instance-id":
            world.link(check_id, value, schema.ASSOCIATED, AssociatedAt=now)
    if new_rules:
        world.update(check_id, TargetTagAssociations=rules + new_rules)
    return _results(check_id, done, failed)


def disassociate(world: World, part: Partition, application_status_check_id: str,
                 target_tag_associations: list[dict[str, Any]] | None = None,
                 instance_ids: list[str] | None = None) -> dict[str, Any]:
    """Remove associations of the check; per-item results."""
    check_id = application_status_check_id
    node = checks.live(world, part, check_id)
    _targets(target_tag_associations, instance_ids)
    linked = {iid for iid, _, _ in world.out(check_id, schema.ASSOCIATED, "instance")}
    rules = [_tag(t) for t in node["TargetTagAssociations"]]
    done: list[tuple[str, str]] = []
    failed: list[tuple[str, str, str]] = []
    for iid in dict.fromkeys(instance_ids or []):
        if iid not in linked:
            failed.append(("instance-id", iid, _instance(world, part, iid) or
                           "The application status check is not associated with the "
                           "instance."))
            continue
        world.unlink(check_id, iid, schema.ASSOCIATED)
        done.append(("instance-id", iid))
    for tag in map(_tag, target_tag_associations or []):
        if tag not in rules:
            failed.append(("tag", _tag_value(tag),
                           "The application status check is not associated with the tag."))
            continue
        rules.remove(tag)
        done.append(("tag", _tag_value(tag)))
    if len(rules) != len(node["TargetTagAssociations"]):
        world.update(check_id, TargetTagAssociations=rules)
    return _results(check_id, done, failed)


ASSOCIATION_FILTERS = {"association-type": Filter(lambda w, rid, row: row["AssociationType"])}


def describe_associations(world: World, part: Partition,
                          application_status_check_ids: list[str] | None = None,
                          filters: list[dict[str, Any]] | None = None,
                          max_results: int | None = None, next_token: str | None = None
                          ) -> dict[str, Any]:
    """DescribeApplicationStatusCheckAssociations: one row per instance id and tag rule."""
    if max_results is not None and max_results < 5:
        raise InvalidParameterValue(f"Value ( {max_results} ) for parameter maxResults is "
                                    "invalid. Expecting a value greater than 5.")
    ids = [checks.live(world, part, rid) and rid
           for rid in dict.fromkeys(application_status_check_ids or [])] \
        or checks.live_ids(world, part)
    rows = []
    for check_id in ids:
        for iid, _, _ in world.out(check_id, schema.ASSOCIATED, "instance"):
            rows.append({"ApplicationStatusCheckId": check_id, "AssociationType": "instance-id",
                         "Value": iid})
        for tag in world.graph.nodes[check_id]["TargetTagAssociations"]:
            rows.append({"ApplicationStatusCheckId": check_id, "AssociationType": "tag",
                         "Key": tag["Key"], "Value": tag["Value"]})
    rows = filtering.select_rows(ASSOCIATION_FILTERS, filters, rows, taggable=False)
    page, token = paging.rows(rows, "application-status-check-associations",
                              min(max_results, 1000) if max_results else None, next_token)
    return {"Associations": page, "NextToken": token}


# -- suppression ----------------------------------------------------------------------------
def _suppressions(part: Partition) -> dict[str, tuple[dt.datetime, dt.datetime | None]]:
    return dict(part.attributes.get(SUPPRESSION) or {})


def _suppress_ids(instance_ids: list[str] | None) -> list[str]:
    if not instance_ids:
        raise MissingParameter("The request must contain the parameter InstanceIds.")
    if len(instance_ids) > MAX_SUPPRESS:
        raise InvalidParameterValue(
            f"You can specify a maximum of {MAX_SUPPRESS} instance IDs for each request.")
    return list(dict.fromkeys(instance_ids))


def enable_suppression(world: World, part: Partition, instance_ids: list[str] | None = None,
                       duration_seconds: int | None = None) -> dict[str, Any]:
    """Suppress the instances' application status (for `duration_seconds`, else until
    disabled)."""
    ids = _suppress_ids(instance_ids)
    if duration_seconds is not None and duration_seconds < 1:
        raise InvalidParameterValue(f"Value ({duration_seconds}) for parameter "
                                    "DurationSeconds is invalid. Expecting a value greater "
                                    "than 0.")
    now = clock.now()
    resume = now + dt.timedelta(seconds=duration_seconds) if duration_seconds else None
    table = _suppressions(part)
    done, failed = [], []
    for iid in ids:
        why = _instance(world, part, iid)
        if why:
            failed.append({"InstanceId": iid, "Reason": why})
            continue
        table[iid] = (now, resume)
        done.append({"InstanceId": iid, "SuppressAt": now, "ResumeAt": resume})
    world.set_attribute(part, SUPPRESSION, table)
    return {"SuccessfulResults": done, "UnsuccessfulResults": failed}


def disable_suppression(world: World, part: Partition, instance_ids: list[str] | None = None
                        ) -> dict[str, Any]:
    """End the instances' suppression."""
    ids = _suppress_ids(instance_ids)
    table = _suppressions(part)
    now = clock.now()
    done, failed = [], []
    for iid in ids:
        active = _active(table.get(iid), now)
        if active is None:
            failed.append({"InstanceId": iid, "Reason": _instance(world, part, iid) or
                           f"Application status checks are not suppressed for '{iid}'."})
            continue
        del table[iid]
        done.append({"InstanceId": iid, "SuppressAt": active[0], "ResumeAt": now})
    world.set_attribute(part, SUPPRESSION, table)
    return {"SuccessfulResults": done, "UnsuccessfulResults": failed}


def _active(entry: tuple[dt.datetime, dt.datetime | None] | None, now: dt.datetime
            ) -> tuple[dt.datetime, dt.datetime | None] | None:
    if entry is None or (entry[1] is not None and entry[1] <= now):
        return None
    return entry


# -- status ---------------------------------------------------------------------------------
def monitoring(world: World, part: Partition, iid: str) -> dict[str, dt.datetime]:
    """The live checks that monitor instance `iid`, with when each began to."""
    node = world.graph.nodes[iid]
    found = {c: data["AssociatedAt"] for c, _, data in world.into(iid, schema.ASSOCIATED,
                                                                    checks.KIND)}
    for check_id in checks.live_ids(world, part):
        check = world.graph.nodes[check_id]
        if check_id not in found and any(
                node["tags"].get(t["Key"]) == t["Value"] for t in check["TargetTagAssociations"]):
            found[check_id] = check["LastUpdatedAt"]
    return found


def _detail(world: World, check_id: str, iid: str, since: dt.datetime, now: dt.datetime
            ) -> dict[str, Any]:
    check, inst = world.graph.nodes[check_id], world.graph.nodes[iid]
    state = inst["State"]["Name"]
    grace = max(check["InitializationGracePeriodSeconds"], 0)
    ready = max(inst["LaunchTime"] + dt.timedelta(seconds=grace),
                since + dt.timedelta(seconds=check["Interval"] * check["SuccessThreshold"]))
    reason: dict[str, Any] | None = None
    if state in ("pending",) or (state == "running" and now < ready):
        status, since = "initializing", since
    elif state == "running":
        status, since = "passed", ready
        code = int(check["StatusCodeMatcher"].split(",")[0].split("-")[0])
        reason = {"Code": "ResponseCodeMatched", "StatusCode": code,
                  "Protocol": check["Protocol"].upper()}
    else:
        status, reason = "failed", {"Code": "ConnectionTimeout"}
    return {"ApplicationStatusCheckId": check_id, "CheckUpdateTime": now,
            "Aggregation": check["Aggregation"], "Status": status, "StatusTimeStamp": now,
            "StatusSince": min(since, now), "Reason": reason}


AGGREGATE = (("failed", "impaired"), ("initializing", "initializing"),
             ("insufficient-data", "insufficient-data"))


def instance_status(world: World, part: Partition, iid: str) -> dict[str, Any]:
    """The instance's row of DescribeApplicationStatus."""
    now = clock.now()
    details = [_detail(world, c, iid, since, now)
               for c, since in sorted(monitoring(world, part, iid).items())]
    included = [d for d in details if d["Aggregation"] == "included"]
    suppressed = _active(_suppressions(part).get(iid), now)
    status = "ok"
    if suppressed:
        status = "suppressed"
    elif not included:
        status = "not-applicable"
    else:
        states = {d["Status"] for d in included}
        status = next((agg for each, agg in AGGREGATE if each in states), "ok")
    node = world.graph.nodes[iid]
    since = max((d["StatusSince"] for d in included), default=node["LaunchTime"])
    return {"InstanceId": iid, "AvailabilityZone": node["Placement"]["AvailabilityZone"],
            "AvailabilityZoneId": node["Placement"].get("AvailabilityZoneId"),
            "ApplicationStatus": {"Status": status, "StatusTimeStamp": now,
                                  "StatusSince": suppressed[0] if suppressed else since,
                                  "ResumeAt": suppressed[1] if suppressed else None,
                                  "Details": details},
            "Tags": tagging.listed(node["tags"])}


STATUS_FILTERS = {
    "availability-zone-id": Filter(lambda w, rid, row: row["AvailabilityZoneId"]),
    "status": Filter(lambda w, rid, row: row["ApplicationStatus"]["Status"])}


def describe_status(world: World, part: Partition, instance_ids: list[str] | None = None,
                    filters: list[dict[str, Any]] | None = None,
                    max_results: int | None = None, next_token: str | None = None
                    ) -> dict[str, Any]:
    """DescribeApplicationStatus: the named instances, else every instance a check
    monitors (terminated ones are left out)."""
    if instance_ids:
        ids = [iid for iid in dict.fromkeys(instance_ids)
               if world.get(part, "instance", iid)["State"]["Name"] not in GONE]
    else:
        ids = [iid for iid in part.ids("instance")
               if world.graph.nodes[iid]["State"]["Name"] not in GONE
               and monitoring(world, part, iid)]
    rows = [instance_status(world, part, iid) for iid in ids]
    rows = filtering.select_rows(STATUS_FILTERS, filters, rows, taggable=False)
    page, token = paging.rows(rows, "application-status", max_results, next_token)
    return {"ApplicationStatuses": {"Instances": page}, "NextToken": token}


declare_actions(checks.KIND, {
    "AssociateApplicationStatusCheck": associate,
    "DisassociateApplicationStatusCheck": disassociate,
    "DescribeApplicationStatusCheckAssociations": describe_associations,
    "EnableApplicationStatusCheckSuppression": enable_suppression,
    "DisableApplicationStatusCheckSuppression": disable_suppression,
    "DescribeApplicationStatus": describe_status,
})
