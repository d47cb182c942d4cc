"""EC2 High Availability for SQL Server: standby detection on instances, and its states.

Enabling an instance registers it (`sql_ha` on its node: the Secrets Manager credentials,
when given, and when it was enabled) and answers it `processing`. Once registered, AWS's
Systems Manager agent reads the SQL Server metadata; ec2sim decides as the agent would from
what the graph knows: a running Windows instance is a node of the cluster, the earliest
enabled one `active` (its SQL Server license `full`) and the others `standby` (license
`waived`: the point of the feature); any other instance is `invalid` (not running SQL
Server on Windows). Every state an instance reports is kept in its history (`sql_ha_history`),
which DescribeInstanceSqlHaHistoryStates reads between StartTime and EndTime; disabling
answers `processing` and forgets the registration, not the history.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ..core import paging
from ..core.errors import InvalidParameterValue
from ..core.family import declare_actions
from ..core.filters import Filter, select_rows
from ..core.world import Partition, World
from . import instances

FILTERS = {"haStatus": Filter(lambda w, r, row: row["HaStatus"]),
           "sqlServerLicenseUsage": Filter(lambda w, r, row: row["SqlServerLicenseUsage"])}
MAX_RESULTS = 1000
# the model's pattern for SqlServerCredentials
SECRET = re.compile(r"^(?=.{20,2048}$)arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:"
                    r"[a-zA-Z0-9/_+=.@-]+")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _registered(world: World, part: Partition) -> list[str]:
    nodes = world.graph.nodes
    return [iid for iid in part.ids("instance") if nodes[iid].get("sql_ha")]


def _status(world: World, part: Partition, iid: str) -> tuple[str, str]:
    """(HaStatus, ProcessingStatus) of a registered instance, as the agent reads it."""
    node = world.graph.nodes[iid]
    if (node.get("Platform") or "").lower() != "windows" or \
            instances.state_name(world, iid) != "running":
        return "invalid", "The instance is not a running Windows instance with SQL Server."
    peers = [i for i in _registered(world, part)
             if (world.graph.nodes[i].get("Platform") or "").lower() == "windows"
             and instances.state_name(world, i) == "running"]
    first = min(peers, key=lambda i: world.graph.nodes[i]["sql_ha"]["since"])
    return ("active" if iid == first else "standby"), "SQL Server standby detection enabled"


def _row(world: World, iid: str, status: str, processing: str, when: dt.datetime
         ) -> dict[str, Any]:
    node = world.graph.nodes[iid]
    row = {"InstanceId": iid, "SqlServerLicenseUsage": "waived" if status == "standby"
           else "full", "HaStatus": status, "ProcessingStatus": processing,
           "LastUpdatedTime": when, "Tags": [{"Key": k, "Value": v}
                                             for k, v in node["tags"].items()],
           "tags": dict(node["tags"])}
    credentials = (node.get("sql_ha") or {}).get("SqlServerCredentials")
    if credentials:
        row["SqlServerCredentials"] = credentials
    return row


def _record(world: World, iid: str, row: dict[str, Any]) -> None:
    history = list(world.graph.nodes[iid].get("sql_ha_history") or [])
    world.update(iid, sql_ha_history=[*history, (row["LastUpdatedTime"], row["HaStatus"],
                                                 row["ProcessingStatus"],
                                                 row["SqlServerLicenseUsage"])])


def _shown(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in row.items() if k != "tags"} for row in rows]


# -- enable / disable ----------------------------------------------------------------------
def enable(world: World, part: Partition, instance_ids: list[str],
           sql_server_credentials: str | None = None) -> list[dict[str, Any]]:
    """EnableInstanceSqlHaStandbyDetections: each instance answered `processing`."""
    if sql_server_credentials is not None and not SECRET.match(sql_server_credentials):
        raise InvalidParameterValue(f"The value '{sql_server_credentials}' for "
                                    "SqlServerCredentials is not a valid Secrets Manager "
                                    "secret ARN.")
    ids = instances.get_all(world, part, instance_ids)
    for iid in ids:
        if instances.state_name(world, iid) in ("shutting-down", "terminated"):
            raise InvalidParameterValue(f"The instance '{iid}' is terminated.")
    now, rows = _now(), []
    for iid in ids:
        since = (world.graph.nodes[iid].get("sql_ha") or {}).get("since", now)
        world.update(iid, sql_ha={"since": since, "SqlServerCredentials":
                                  sql_server_credentials})
        row = _row(world, iid, "processing", "Enabling SQL Server standby detection", now)
        _record(world, iid, row)
        status, processing = _status(world, part, iid)
        _record(world, iid, _row(world, iid, status, processing, now))
        rows.append(row)
    return _shown(rows)


def disable(world: World, part: Partition, instance_ids: list[str]) -> list[dict[str, Any]]:
    """DisableInstanceSqlHaStandbyDetections: each instance answered `processing`."""
    ids = instances.get_all(world, part, instance_ids)
    for iid in ids:
        if not world.graph.nodes[iid].get("sql_ha"):
            raise InvalidParameterValue(f"The instance '{iid}' is not enabled for SQL Server "
                                        "High Availability standby detection.")
    now, rows = _now(), []
    for iid in ids:
        row = _row(world, iid, "processing", "Disabling SQL Server standby detection", now)
        _record(world, iid, row)
        world.update(iid, sql_ha=None)
        rows.append(row)
    return _shown(rows)


# -- describes -----------------------------------------------------------------------------
def _chosen(world: World, part: Partition, ids: list[str] | None, *, history: bool
            ) -> list[str]:
    if ids:
        known = instances.get_all(world, part, ids)
    else:
        known = part.ids("instance")
    field = "sql_ha_history" if history else "sql_ha"
    return [iid for iid in known if world.graph.nodes[iid].get(field)]


def states(world: World, part: Partition, params: dict[str, Any]) -> dict[str, Any]:
    """DescribeInstanceSqlHaStates: the registered instances' current states."""
    rows = []
    for iid in _chosen(world, part, params.get("InstanceIds"), history=False):
        status, processing = _status(world, part, iid)
        last = world.graph.nodes[iid]["sql_ha_history"][-1]
        if last[1:3] != (status, processing):     # the agent saw a change: keep it
            _record(world, iid, _row(world, iid, status, processing, _now()))
        rows.append(_row(world, iid, status, processing,
                         world.graph.nodes[iid]["sql_ha_history"][-1][0]))
    return _page(select_rows(FILTERS, params.get("Filters"), rows), params, "sql-ha-states")


def history(world: World, part: Partition, params: dict[str, Any]) -> dict[str, Any]:
    """DescribeInstanceSqlHaHistoryStates: every state reported between the two times."""
    start, end = params.get("StartTime"), params.get("EndTime")
    if start is not None and end is not None and start > end:
        raise InvalidParameterValue("The start time must be before the end time.")
    rows = []
    for iid in _chosen(world, part, params.get("InstanceIds"), history=True):
        for when, status, processing, _license in world.graph.nodes[iid]["sql_ha_history"]:
            if (start is None or when >= start) and (end is None or when <= end):
                rows.append(_row(world, iid, status, processing, when))
    rows.sort(key=lambda row: row["LastUpdatedTime"])
    rows.reverse()                        # newest first; one moment's states newest first
    return _page(select_rows(FILTERS, params.get("Filters"), rows), params, "sql-ha-history")


def _page(rows: list[dict[str, Any]], params: dict[str, Any], scope: str) -> dict[str, Any]:
    token = params.get("NextToken")
    first = paging.decode(token, scope, lambda p: isinstance(p, int)) if token else 0
    size = params.get("MaxResults") or MAX_RESULTS
    more = first + size < len(rows)
    return {"Instances": _shown(rows[first:first + size]),
            "NextToken": paging.encode(scope, first + size) if more else None}


# these operations are bound from the functions above (docs/families.md)
declare_actions("instance", {"EnableInstanceSqlHaStandbyDetections": enable,
                             "DisableInstanceSqlHaStandbyDetections": disable})
