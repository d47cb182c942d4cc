"""Declarative policies account status reports: the EC2 settings that declarative policies
govern, as the accounts of an organization (or one account) have them.

A report is a `declarative-policies-report` node (`S3Bucket`, `S3Prefix`, `TargetId`,
`StartTime`, `EndTime`, `Status`, the target's `accounts`). StartDeclarativePoliciesReport
answers with the report `running`; the first describe (or summary) that reaches it completes
it (a journaled mutation, as for the other long tasks), computing its summary from the
accounts' settings at that moment; until then CancelDeclarativePoliciesReport may cancel it.

AWS's rules: only the management account or a delegated administrator of the organization
(service `ec2.amazonaws.com`) starts a report; the target is the organization's root
(`r-...`), an organizational unit (`ou-...`: ec2sim keeps no OU tree, so its whole
organization) or a member account; an account outside any organization may report on
itself. The summary counts, per attribute, the accounts whose value is the most frequent
one, overall and per region.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from typing import Any

from ..core import clock, sharing
from ..core import tags as tagging
from ..core.errors import IncorrectState, InvalidParameterValue, TopologyError
from ..core.family import Family, declare, declare_actions
from ..core.world import Partition, World
from ..network import block_public_access
from . import instance_options, snapshot_public_access

KIND = "declarative-policies-report"
SERVICE = "ec2.amazonaws.com"
_ROOT, _OU, _ACCOUNT = (re.compile(r"r-[0-9a-z]{4,32}"),
                        re.compile(r"ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}"), re.compile(r"\d{12}"))
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]")


def _attrs(part: Partition | None, key: str) -> Any:
    return part.attributes.get(key) if part is not None else None


# attribute -> its value in a partition (None: the account never used that region). The
# keys are those of the families that keep each setting (serial_console, image_settings,
# instance_options, network.block_public_access, snapshot_public_access).
ATTRIBUTES: dict[str, Callable[[Partition | None], str]] = {
    "serial_console_access":
        lambda p: "enabled" if _attrs(p, "serial-console-access") else "disabled",
    "image_block_public_access":
        lambda p: str(_attrs(p, "image-block-public-access") or "unblocked"),
    "snapshot_block_public_access":
        lambda p: snapshot_public_access.state(p) if p is not None else "unblocked",
    "vpc_block_public_access":
        lambda p: str((_attrs(p, block_public_access.OPTIONS) or {}).get(
            "InternetGatewayBlockMode", "off")),
    "instance_metadata_defaults":
        lambda p: str((_attrs(p, instance_options.METADATA_DEFAULTS) or {}).get(
            "HttpTokens", "no-preference")),
    "allowed_images_settings":
        lambda p: str((_attrs(p, "allowed-images-settings") or {}).get("State", "disabled")),
}


def start(world: World, part: Partition, s3_bucket: str, target_id: str,
          s3_prefix: str | None = None, tags: dict[str, str] | None = None) -> str:
    """StartDeclarativePoliciesReport; returns the report id."""
    if not _BUCKET.fullmatch(s3_bucket):
        raise InvalidParameterValue(f"Value ({s3_bucket}) for parameter S3Bucket is invalid. "
                                    "The bucket name is not valid.")
    accounts = _target(world, part, target_id)
    report_id = world.new_id("ec2-report")
    world.add(part, KIND, report_id, S3Bucket=s3_bucket, S3Prefix=s3_prefix,
              TargetId=target_id, StartTime=clock.now(), Status="running",
              accounts=accounts)
    tagging.apply(world, report_id, tags or {})
    return report_id


def _target(world: World, part: Partition, target_id: str) -> list[str]:
    """The accounts a report on `target_id` covers, checking that the caller may ask."""
    org = sharing.organization_of(world, part.account)
    if org is None:
        if target_id != part.account:
            raise TopologyError("The account must be the management account or a delegated "
                                "administrator of an organization to generate a report for "
                                f"{target_id}.", "UnauthorizedOperation")
        return [part.account]
    if part.account not in (sharing.management_account(world, org),
                            sharing.delegated_admin(world, org, SERVICE)):
        raise TopologyError("Only the management account or a delegated administrator of "
                            "the organization can generate a report.", "UnauthorizedOperation")
    members = next(o["Accounts"] for o in sharing.organizations(world) if o["Id"] == org)
    if _ROOT.fullmatch(target_id) or _OU.fullmatch(target_id):
        return list(members)
    if _ACCOUNT.fullmatch(target_id):
        if target_id not in members:
            raise InvalidParameterValue(f"The account {target_id} is not a member of the "
                                        f"organization {org}.")
        return [target_id]
    raise InvalidParameterValue(f"Value ({target_id}) for parameter TargetId is invalid. "
                                "Expecting a root ID, an organizational unit ID or an "
                                "account ID.")


def _settle(world: World, report_id: str) -> None:
    """A running report completes when first read, with its summary as of now."""
    node = world.graph.nodes[report_id]
    if node["Status"] == "running":
        world.update(report_id, Status="complete", EndTime=clock.now(),
                     summary=_summary(world, node["accounts"], node["region"]))


def _summary(world: World, accounts: list[str], region: str) -> list[dict[str, Any]]:
    parts = {(p.account, p.region): p for p in world.partitions() if p.account in accounts}
    regions = sorted({r for _, r in parts} | {region})
    out = []
    for name, read in ATTRIBUTES.items():
        values = {(a, r): read(parts.get((a, r))) for a in accounts for r in regions}
        top = Counter(values.values()).most_common(1)[0][0]
        matched = [a for a in accounts if all(values[(a, r)] == top for r in regions)]
        out.append({"AttributeName": name, "MostFrequentValue": top,
                    "NumberOfMatchedAccounts": len(matched),
                    "NumberOfUnmatchedAccounts": len(accounts) - len(matched),
                    "RegionalSummaries": [_regional(values, accounts, r, top) for r in regions]})
    return out


def _regional(values: dict[tuple[str, str], str], accounts: list[str], region: str,
              top: str) -> dict[str, Any]:
    matched = sum(values[(a, region)] == top for a in accounts)
    return {"RegionName": region, "NumberOfMatchedAccounts": matched,
            "NumberOfUnmatchedAccounts": len(accounts) - matched}


def cancel(world: World, part: Partition, report_id: str) -> bool:
    """CancelDeclarativePoliciesReport: only a running report."""
    node = world.get(part, KIND, report_id)
    if node["Status"] != "running":
        raise IncorrectState(f"The report {report_id} is {node['Status']} and can't be "
                             "cancelled. Only running reports can be cancelled.",
                             "IncorrectState")
    world.update(report_id, Status="cancelled", EndTime=clock.now())
    return True


def view(world: World, report_id: str) -> dict[str, Any]:
    """The report as boto3's `DeclarativePoliciesReport` (completing it if running)."""
    _settle(world, report_id)
    node = world.graph.nodes[report_id]
    out = {"ReportId": report_id, "S3Bucket": node["S3Bucket"], "S3Prefix": node.get("S3Prefix"),
           "TargetId": node["TargetId"], "StartTime": node["StartTime"],
           "EndTime": node.get("EndTime"), "Status": node["Status"],
           "Tags": tagging.listed(node["tags"])}
    return {k: v for k, v in out.items() if v is not None}


def summary(world: World, part: Partition, report_id: str) -> dict[str, Any]:
    """GetDeclarativePoliciesReportSummary: a complete report's counts."""
    world.get(part, KIND, report_id)
    report = view(world, report_id)
    if report["Status"] != "complete":
        raise IncorrectState(f"The report {report_id} is {report['Status']}. Only complete "
                             "reports have a summary.", "IncorrectState")
    node = world.graph.nodes[report_id]
    report.pop("Status")
    report.pop("Tags")
    return {**report, "NumberOfAccounts": len(node["accounts"]), "NumberOfFailedAccounts": 0,
            "AttributeSummaries": node["summary"]}


FAMILY = declare(Family(KIND, view=view, noun="DeclarativePoliciesReport"))
declare_actions(KIND, {"StartDeclarativePoliciesReport": start,
                       "CancelDeclarativePoliciesReport": cancel,
                       "GetDeclarativePoliciesReportSummary": summary})
