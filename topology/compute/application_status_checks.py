"""Application status checks: HTTP(S) health checks of the applications on instances.

A check is an `application-status-check` node (`asc-...`) holding its configuration in
boto3 member names. AWS's rules (the model's documentation and the user guide): 50 checks
per account; `Interval` is 60; `Timeout` 1-30 and below `Interval`; thresholds above 0;
`Path` starts with `/`; `StatusCodeMatcher` is a comma-separated list of codes or ranges
(the first of a range below the second), at most 64 characters; the grace period 1-600
seconds; defaults: included, `/`, ipv4, private, device 0, 60/6 seconds, 2/2, `200`, 300.
Health check paths name subnets and security groups that must exist (a source's group in
its subnet's VPC).

A deleted check keeps its node with `DeletionTime` during AWS's deletion grace period, so
DescribeApplicationStatusChecks with `IncludeAll` still lists it; everything else treats it
as gone (`live`). Associations are `application_status` 's.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..core import clock, schema
from ..core import tags as tagging
from ..core.errors import InvalidParameterValue, LimitExceeded
from ..core.filters import field, ident
from ..core.world import Partition, World, not_found

KIND = "application-status-check"
MAX_CHECKS = 50
MAX_MATCHER = 64
DEFAULTS: dict[str, Any] = {
    "Aggregation": "included", "Path": "/", "DeviceIndex": 0, "IpVersion": "ipv4",
    "IpScope": "private", "Interval": 60, "Timeout": 6, "FailureThreshold": 2,
    "SuccessThreshold": 2, "StatusCodeMatcher": "200", "InitializationGracePeriodSeconds": 300}
# the members a create or modify sets, in the output's order
SETTINGS = ("Aggregation", "HealthCheckPaths", "Protocol", "Port", "Path", "DeviceIndex",
            "IpVersion", "IpScope", "Interval", "Timeout", "FailureThreshold",
            "SuccessThreshold", "StatusCodeMatcher", "InitializationGracePeriodSeconds")


def live(world: World, part: Partition, check_id: str) -> dict[str, Any]:
    """The check `check_id` unless it is deleted (NotFound / Malformed otherwise)."""
    node = world.get(part, KIND, check_id)
    if node.get("DeletionTime") is not None:
        raise not_found(KIND, check_id)
    return node


def live_ids(world: World, part: Partition) -> list[str]:
    return [rid for rid in part.ids(KIND)
            if world.graph.nodes[rid].get("DeletionTime") is None]


# -- validation ------------------------------------------------------------------------------
def _invalid(member: str, value: Any, why: str) -> InvalidParameterValue:
    return InvalidParameterValue(f"Value ({value}) for parameter {member} is invalid. {why}")


def _check_matcher(text: str) -> None:
    if not text or len(text) > MAX_MATCHER:
        raise _invalid("StatusCodeMatcher", text, f"Expecting 1 to {MAX_MATCHER} characters.")
    for part in text.split(","):
        low, _, high = part.strip().partition("-")
        try:
            codes = [int(low)] + ([int(high)] if high else [])
        except ValueError:
            raise _invalid("StatusCodeMatcher", text,
                           "Expecting HTTP status codes or ranges such as 200,202,300-399."
                           ) from None
        if any(not 100 <= c <= 599 for c in codes):
            raise _invalid("StatusCodeMatcher", text, "HTTP status codes are 100 to 599.")
        if high and codes[0] >= codes[1]:
            raise _invalid("StatusCodeMatcher", text,
                           "The first value of a range must be less than the second.")


def _check_paths(world: World, part: Partition, paths: list[dict[str, Any]]) -> None:
    for path in paths:
        source = path.get("Source") or {}
        if not source.get("SubnetId") or not source.get("SecurityGroupId"):
            raise InvalidParameterValue(
                "A health check path source must specify a SubnetId and a SecurityGroupId.")
        if not path.get("Destinations"):
            raise InvalidParameterValue("A health check path must specify destinations.")
        for end in (source, *path["Destinations"]):
            if end.get("SubnetId"):
                world.get(part, "subnet", end["SubnetId"])
            if end.get("SecurityGroupId"):
                world.get(part, "security-group", end["SecurityGroupId"])
        vpc = {v for v, _, _ in world.into(source["SubnetId"], schema.CONTAINS, "vpc")}
        group_vpc = {v for v, _, _ in world.into(source["SecurityGroupId"], schema.CONTAINS,
                                                 "vpc")}
        if vpc != group_vpc:
            raise InvalidParameterValue(
                f"Security group {source['SecurityGroupId']} and subnet "
                f"{source['SubnetId']} belong to different networks.")


def _validated(world: World, part: Partition, config: dict[str, Any]) -> dict[str, Any]:
    """`config` (create's members, defaults filled) checked by AWS's documented rules."""
    if not config["Path"].startswith("/"):
        raise _invalid("Path", config["Path"], "The path must start with '/'.")
    if config["Interval"] != 60:
        raise _invalid("Interval", config["Interval"], "The only valid value is 60.")
    if not 1 <= config["Timeout"] <= 30 or config["Timeout"] >= config["Interval"]:
        raise _invalid("Timeout", config["Timeout"],
                       "Expecting 1 to 30 seconds, less than the interval.")
    for member in ("FailureThreshold", "SuccessThreshold"):
        if config[member] < 1:
            raise _invalid(member, config[member], "Expecting a value greater than 0.")
    if config["DeviceIndex"] < 0:
        raise _invalid("DeviceIndex", config["DeviceIndex"],
                       "Expecting a value greater than or equal to 0.")
    grace = config["InitializationGracePeriodSeconds"]
    if grace == 0:
        raise _invalid("InitializationGracePeriodSeconds", grace, "Expecting 1 to 600.")
    _check_matcher(config["StatusCodeMatcher"])
    _check_paths(world, part, config.get("HealthCheckPaths") or [])
    return config


def _given(params: dict[str, Any]) -> dict[str, Any]:
    return {k: params[k] for k in SETTINGS if params.get(k) is not None}


# -- create, modify, delete -----------------------------------------------------------------
def create(world: World, part: Partition, params: dict[str, Any], *,
           tags: dict[str, str] | None = None) -> str:
    """A new check from CreateApplicationStatusCheck's members; returns its id."""
    config = _validated(world, part, {**DEFAULTS, **_given(params)})
    if len(live_ids(world, part)) >= MAX_CHECKS:
        raise LimitExceeded(f"You have reached the limit of {MAX_CHECKS} application status "
                            "checks for this account.", "ApplicationStatusCheckLimitExceeded")
    check_id = world.new_id("asc")
    now = clock.now()
    world.add(part, KIND, check_id, **{"HealthCheckPaths": None, **config},
              TargetTagAssociations=[], CreationTime=now, ModifyTime=now, LastUpdatedAt=now,
              DeletionTime=None)
    tagging.apply(world, check_id, tags or {})
    return check_id


def modify(world: World, part: Partition, application_status_check_id: str,
           params: dict[str, Any]) -> str:
    """Change the settings ModifyApplicationStatusCheck names; returns the check's id."""
    node = live(world, part, application_status_check_id)
    changes = _given(params)
    config = _validated(world, part, {**{k: node.get(k) for k in SETTINGS}, **changes})
    now = clock.now()
    world.update(application_status_check_id, **{k: config[k] for k in changes},
                 ModifyTime=now, LastUpdatedAt=now)
    return application_status_check_id


def delete(world: World, part: Partition, application_status_check_id: str
           ) -> dict[str, Any]:
    """Delete the check and its associations; answers the check as it was, with its
    `DeletionTime` (it stays listed by IncludeAll for AWS's grace period)."""
    live(world, part, application_status_check_id)
    for iid, _, _ in list(world.out(application_status_check_id, schema.ASSOCIATED,
                                    "instance")):
        world.unlink(application_status_check_id, iid, schema.ASSOCIATED)
    now = clock.now()
    world.update(application_status_check_id, DeletionTime=now, TargetTagAssociations=[],
                 LastUpdatedAt=now)
    return view(world, application_status_check_id)


# -- view and filters -----------------------------------------------------------------------
def _paths(paths: Iterable[dict[str, Any]] | None) -> list[dict[str, Any]] | None:
    if paths is None:
        return None
    return [{"Source": dict(p["Source"]), "Destinations": [dict(d) for d in p["Destinations"]]}
            for p in paths]


def view(world: World, check_id: str) -> dict[str, Any]:
    node = world.graph.nodes[check_id]
    out: dict[str, Any] = {"ApplicationStatusCheckId": check_id}
    out.update({k: node.get(k) for k in SETTINGS})
    out["HealthCheckPaths"] = _paths(node.get("HealthCheckPaths"))
    out["LastUpdatedAt"] = node["LastUpdatedAt"]
    out["TargetTagAssociations"] = [dict(t) for t in node["TargetTagAssociations"]]
    out["Tags"] = tagging.listed(node["tags"])
    out.update(CreationTime=node["CreationTime"], ModifyTime=node["ModifyTime"],
               DeletionTime=node.get("DeletionTime"))
    return out


FILTERS = {"application-status-check-id": ident(), "aggregation": field("Aggregation")}

from ..core.family import Family, declare  # noqa: E402  (kept beside the declaration)

FAMILY = declare(Family(KIND, view=view, filters=FILTERS, create=create, delete=delete,
                        actions={"ModifyApplicationStatusCheck": modify},
                        max_results=(5, 100)))
