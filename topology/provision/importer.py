"""Build a world from EC2 describe outputs (AWS itself, another emulator, `aws ec2 describe-*`).

`build(responses, account=..., region=...)` takes the answers of the describe calls, keyed by
the call (`DescribeVpcs`, `describe-vpcs` or `describe_vpcs`: any spelling), each one answer
dict or a list of pages, and writes nodes and edges straight through `World`'s primitives in
the graph model of docs/architecture.md, so every id, address and relationship is kept as
described. Nothing here calls the API (no boto3): `api/importing.py` does the reading.

This module is the orchestration only: which calls are read, in which order (`BUILDERS`),
and which family function builds one item of each answer; the builders live with their
families (`vpcs.imported`, `peering.imported`, ...) and write through
`topology.core.described.Import`.

Built: DHCP options, VPCs, subnets, gateways, security groups and rules, network ACLs,
instances and interfaces, Elastic IPs, NAT gateways, VPC peering connections,
customer-managed prefix lists (entries from GetManagedPrefixListEntries, `PER_RESOURCE`),
VPC endpoints to AWS's services, transit gateways with their VPC and peering attachments
and route tables (associations, propagations and static routes from the per-table calls of
`PER_RESOURCE`), route tables. VPN connections are not built yet.

What the graph cannot hold (a route to a target that was not described, a VPN
connection, …) is counted in `Report.skipped` with the reason: nothing is
dropped silently. `progress(kind, done, total)` is called as each family is built.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from ..compute import instance_view
from ..connect import (endpoints, peering, tgw_peering_attachments, tgw_route_tables,
                       tgw_vpc_attachments, transit_gateways)
from ..core.described import Import, Report
from ..core.world import DEFAULT_ACCOUNT, Partition, World
from ..network import (dhcp_options, egress_gateways, elastic_ips, internet_gateways, nat_gateways,
                       network_acls, network_interfaces, prefix_lists, route_tables,
                       security_groups, subnets, vpcs)

Progress = Callable[[str, int, int], None]

# describe call -> the member of its answer that lists the resources
RESULT_KEYS: dict[str, str] = {
    "DescribeDhcpOptions": "DhcpOptions",
    "DescribeVpcs": "Vpcs",
    "DescribeSubnets": "Subnets",
    "DescribeInternetGateways": "InternetGateways",
    "DescribeEgressOnlyInternetGateways": "EgressOnlyInternetGateways",
    "DescribeSecurityGroups": "SecurityGroups",
    "DescribeNetworkAcls": "NetworkAcls",
    "DescribeNetworkInterfaces": "NetworkInterfaces",
    "DescribeInstances": "Reservations",
    "DescribeAddresses": "Addresses",
    "DescribeRouteTables": "RouteTables",
    "DescribeNatGateways": "NatGateways",
    "DescribeVpcPeeringConnections": "VpcPeeringConnections",
    "DescribeTransitGateways": "TransitGateways",
    "DescribeTransitGatewayVpcAttachments": "TransitGatewayVpcAttachments",
    "DescribeTransitGatewayAttachments": "TransitGatewayAttachments",
    "DescribeTransitGatewayRouteTables": "TransitGatewayRouteTables",
    "DescribeVpcEndpoints": "VpcEndpoints",
    "DescribeManagedPrefixLists": "PrefixLists",
    "DescribeVpnConnections": "VpnConnections",
}
# calls asked once per resource -> (the describe call listing them, the id member each
# page of the answer carries (ec2sim's reader adds it; a `<call>.<id>.json` file names it),
# the answer's list member)
PER_RESOURCE: dict[str, tuple[str, str, str]] = {
    "GetManagedPrefixListEntries": ("DescribeManagedPrefixLists", "PrefixListId", "Entries"),
    "GetTransitGatewayRouteTableAssociations": (
        "DescribeTransitGatewayRouteTables", "TransitGatewayRouteTableId", "Associations"),
    "GetTransitGatewayRouteTablePropagations": (
        "DescribeTransitGatewayRouteTables", "TransitGatewayRouteTableId",
        "TransitGatewayRouteTablePropagations"),
    "SearchTransitGatewayRoutes": (
        "DescribeTransitGatewayRouteTables", "TransitGatewayRouteTableId", "Routes"),
}
# the extra arguments a PER_RESOURCE call is asked with (propagated routes are derived)
PER_RESOURCE_ARGS: dict[str, dict[str, Any]] = {
    "SearchTransitGatewayRoutes": {"Filters": [{"Name": "type", "Values": ["static"]}]},
}
# families the graph could hold but this importer does not build yet: counted, not dropped
NOT_MODELED = {
    "DescribeVpnConnections": "vpn-connection",
}
def call_name(name: str) -> str:
    """`describe-vpcs`, `describe_vpcs`, `DescribeVpcs` (a file stem too) -> `DescribeVpcs`."""
    parts = [p for p in re.split(r"[-_\s.]+", name) if p]
    if len(parts) == 1:
        return parts[0][0].upper() + parts[0][1:]
    return "".join(p[0].upper() + p[1:].lower() for p in parts)


def items(responses: dict[str, Any], call: str) -> list[dict[str, Any]]:
    """Every resource the answers of `call` list, pages joined."""
    answer = responses.get(call)
    if answer is None:
        return []
    pages = answer if isinstance(answer, list) else [answer]
    key = RESULT_KEYS[call]
    return [item for page in pages for item in page.get(key) or []]


def resource_ids(responses: dict[str, Any], call: str) -> list[str]:
    """The ids `call` (a PER_RESOURCE call) is asked for: the resources its describe call
    listed that the importer builds (not AWS-managed prefix lists)."""
    source, member, _key = PER_RESOURCE[call]
    return [item[member] for item in items(responses, source)
            if item.get(member) and item.get("OwnerId") != "AWS"]


def per_resource(responses: dict[str, Any], call: str) -> dict[str, list[dict[str, Any]]]:
    """id -> the items the answers of `call` list for it, pages joined."""
    _source, member, key = PER_RESOURCE[call]
    answer = responses.get(call) or []
    out: dict[str, list[dict[str, Any]]] = {}
    for page in answer if isinstance(answer, list) else [answer]:
        if page.get(member):
            out.setdefault(page[member], []).extend(page.get(key) or [])
    return out


def normalise(responses: dict[str, Any]) -> dict[str, Any]:
    """Key the answers by their canonical call names."""
    return {call_name(name): answer for name, answer in responses.items()}


def build(responses: dict[str, Any], *, account: str | None = None, region: str = "us-east-1",
          world: World | None = None, progress: Progress | None = None) -> tuple[World, Report]:
    """A world holding what the describe answers show (see the module docstring)."""
    responses = normalise(responses)
    report = Report()
    for call in responses:
        if call not in RESULT_KEYS and call not in PER_RESOURCE:
            report.skip(call, "describe call not understood by the importer",
                        _count_any(responses[call]))
    owner = account or _owner(responses) or DEFAULT_ACCOUNT
    world = world if world is not None else World()
    with world.lock:
        part = world.partition(owner, region, setup=_empty)
        rows = {call: per_resource(responses, call) for call in PER_RESOURCE}
        _run(Import(world, part, report, rows), responses,
             progress or (lambda kind, done, total: None))
    return world, report


def _count_any(answer: Any) -> int:
    pages = answer if isinstance(answer, list) else [answer]
    return sum(len(v) for page in pages if isinstance(page, dict)
               for v in page.values() if isinstance(v, list)) or 1


def _owner(responses: dict[str, Any]) -> str | None:
    for vpc in items(responses, "DescribeVpcs"):
        if vpc.get("OwnerId"):
            return str(vpc["OwnerId"])
    return None


def _empty(world: World, part: Partition) -> None:
    """An imported partition starts empty: its resources are the ones described."""


Builder = Callable[[Import, dict[str, Any]], None]
PENDING = ""        # the interfaces instances listed that DescribeNetworkInterfaces did not

# the describe calls in the order their items are built (what an item names is built before
# it), each with the family function that builds one item
BUILDERS: tuple[tuple[str, Builder], ...] = (
    ("DescribeManagedPrefixLists", prefix_lists.imported),
    ("DescribeDhcpOptions", dhcp_options.imported),
    ("DescribeVpcs", vpcs.imported),
    ("DescribeSubnets", subnets.imported),
    ("DescribeInternetGateways", internet_gateways.imported),
    ("DescribeEgressOnlyInternetGateways", egress_gateways.imported),
    ("DescribeSecurityGroups", security_groups.imported),
    ("DescribeNetworkAcls", network_acls.imported),
    ("DescribeInstances", instance_view.imported_reservation),
    ("DescribeNetworkInterfaces", network_interfaces.imported),
    (PENDING, network_interfaces.imported),
    ("DescribeAddresses", elastic_ips.imported),
    ("DescribeNatGateways", nat_gateways.imported),
    ("DescribeVpcPeeringConnections", peering.imported),
    ("DescribeVpcEndpoints", endpoints.imported),
    ("DescribeTransitGateways", transit_gateways.imported),
    ("DescribeTransitGatewayVpcAttachments", tgw_vpc_attachments.imported),
    ("DescribeTransitGatewayAttachments", tgw_peering_attachments.imported),
    ("DescribeTransitGatewayRouteTables", tgw_route_tables.imported),
    ("DescribeRouteTables", route_tables.imported),
)
# passes over an answer once every item of `BUILDERS` exists: a rule may name any group
AFTERWARDS: tuple[tuple[str, Builder], ...] = (
    ("DescribeSecurityGroups", security_groups.imported_rules),
)


def _run(imp: Import, responses: dict[str, Any], progress: Progress) -> None:
    """Build every item of every answer, family by family (`BUILDERS`)."""
    for call, build_one in BUILDERS:
        found = items(responses, call) if call else imp.pending
        for n, item in enumerate(found, 1):
            build_one(imp, item)
            if n % 200 == 0 or n == len(found):
                progress(RESULT_KEYS.get(call, "instance interfaces"), n, len(found))
    for call, build_one in AFTERWARDS:
        for item in items(responses, call):
            build_one(imp, item)
    for call, kind in NOT_MODELED.items():
        imp.skip(kind, "not modelled by the importer yet", len(items(responses, call)))


def from_pages(pages: Iterable[tuple[str, dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """`(call, page)` pairs -> the `responses` dict `build` takes."""
    out: dict[str, list[dict[str, Any]]] = {}
    for call, page in pages:
        out.setdefault(call_name(call), []).append(page)
    return out
