"""Longer resource ids: the settings AWS kept while accounts moved to 17-character ids.

Every deadline has passed (instances, reservations, volumes and snapshots on 2016-12-15,
every other type on 2018-08-15), so every resource type uses long ids for every principal,
whatever ModifyIdFormat / ModifyIdentityIdFormat ask; the describes answer AWS's list of
types with `UseLongIds` true and the deadline. The requests are still checked: a resource
type AWS does not list, or a principal that is no IAM user, role or root ARN, is refused.
A principal whose format was set is listed by DescribePrincipalIdFormat beside the root.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ..core import paging
from ..core.errors import InvalidParameterValue
from ..core.family import declare_actions
from ..core.world import Partition, World

FIRST_WAVE = ("instance", "reservation", "snapshot", "volume")
RESOURCES = (
    "bundle", "conversion-task", "customer-gateway", "dhcp-options", "elastic-ip-allocation",
    "elastic-ip-association", "export-task", "flow-log", "image", "import-task", "instance",
    "internet-gateway", "network-acl", "network-acl-association", "network-interface",
    "network-interface-attachment", "prefix-list", "reservation", "route-table",
    "route-table-association", "security-group", "snapshot", "subnet",
    "subnet-cidr-block-association", "volume", "vpc", "vpc-cidr-block-association",
    "vpc-endpoint", "vpc-peering-connection", "vpn-connection", "vpn-gateway")
ALL_CURRENT = "all-current"
DEADLINES = {"first": dt.datetime(2016, 12, 15, tzinfo=dt.timezone.utc),
             "second": dt.datetime(2018, 8, 15, tzinfo=dt.timezone.utc)}
PRINCIPALS = "id-format-principals"     # Partition.attributes key: ARNs that set a format
_PRINCIPAL = re.compile(r"arn:aws[a-z-]*:iam::(\d{12}):(root|user/.+|role/.+)")
MAX_RESULTS = (1, 1000)


def _check_resource(resource: str, *, modify: bool = False) -> list[str]:
    """The resource types a `Resource` member names."""
    if modify and resource == ALL_CURRENT:
        return list(RESOURCES)
    if resource not in RESOURCES:
        raise InvalidParameterValue(f"Invalid value '{resource}' for resource. Valid values "
                                    f"are: {', '.join(RESOURCES)}")
    return [resource]


def _check_principal(arn: str, *, modify: bool = False) -> str:
    if modify and arn == "all":
        return arn
    if not _PRINCIPAL.fullmatch(arn):
        raise InvalidParameterValue(f"Invalid principal ARN: '{arn}'. Specify the ARN of an "
                                    "IAM user, an IAM role or the root user.")
    return arn


def statuses(resources: list[str]) -> list[dict[str, Any]]:
    """boto3's `IdFormat`s of the resource types."""
    return [{"Deadline": DEADLINES["first" if r in FIRST_WAVE else "second"], "Resource": r,
             "UseLongIds": True} for r in resources]


def describe(world: World, part: Partition, resource: str | None = None
             ) -> list[dict[str, Any]]:
    """DescribeIdFormat: the caller's settings."""
    return statuses(_check_resource(resource) if resource else list(RESOURCES))


def describe_identity(world: World, part: Partition, principal_arn: str,
                      resource: str | None = None) -> list[dict[str, Any]]:
    """DescribeIdentityIdFormat: a principal's settings."""
    _check_principal(principal_arn)
    return statuses(_check_resource(resource) if resource else list(RESOURCES))


def describe_aggregate(world: World, part: Partition) -> dict[str, Any]:
    """DescribeAggregateIdFormat: the region's settings, all long."""
    return {"UseLongIdsAggregated": True, "Statuses": statuses(list(RESOURCES))}


def describe_principals(world: World, part: Partition, resources: list[str] | None = None,
                        max_results: int | None = None, next_token: str | None = None
                        ) -> dict[str, Any]:
    """DescribePrincipalIdFormat: the root user's and every principal that set a format."""
    chosen = [r for name in resources or [] for r in _check_resource(name)] or list(RESOURCES)
    if max_results is not None and not MAX_RESULTS[0] <= max_results <= MAX_RESULTS[1]:
        raise InvalidParameterValue(f"Value ( {max_results} ) for parameter maxResults is "
                                    f"invalid. Expecting a value between {MAX_RESULTS[0]} "
                                    f"and {MAX_RESULTS[1]}.")
    arns = [f"arn:aws:iam::{part.account}:root",
            *sorted(part.attributes.get(PRINCIPALS) or [])]
    page, token = paging.rows(list(dict.fromkeys(arns)), "principal-id-format", max_results,
                              next_token)
    return {"Principals": [{"Arn": arn, "Statuses": statuses(chosen)} for arn in page],
            "NextToken": token}


def modify(world: World, part: Partition, resource: str, use_long_ids: bool) -> None:
    """ModifyIdFormat: checked; every type is long for good."""
    _check_resource(resource, modify=True)


def modify_identity(world: World, part: Partition, resource: str, use_long_ids: bool,
                    principal_arn: str) -> None:
    """ModifyIdentityIdFormat: checked; the principal is listed from now on."""
    _check_resource(resource, modify=True)
    _check_principal(principal_arn, modify=True)
    known = list(part.attributes.get(PRINCIPALS) or [])
    if principal_arn != "all" and principal_arn not in known:
        world.set_attribute(part, PRINCIPALS, [*known, principal_arn])


# these operations are bound from the functions above (docs/families.md); the account
# setting has no resource kind of its own
declare_actions("longer-ids", {"DescribeIdFormat": describe,
                               "DescribeIdentityIdFormat": describe_identity,
                               "DescribeAggregateIdFormat": describe_aggregate,
                               "DescribePrincipalIdFormat": describe_principals,
                               "ModifyIdFormat": modify,
                               "ModifyIdentityIdFormat": modify_identity})
