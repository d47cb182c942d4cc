"""Traffic Mirror filters: which packets of a source a session copies.

A `traffic-mirror-filter` node holds `Description` and `NetworkServices` (`amazon-dns`:
mirror the traffic of the VPC's DNS resolver too). Its rules are `traffic-mirror-filter-rule`
nodes it CONTAINS (`traffic_mirror_rules`); the filter's view lists them by direction, in
rule-number order. By default a filter with no rules mirrors nothing.

AWS's rules kept here: a filter a session uses cannot be deleted (`TrafficMirrorFilterInUse`);
deleting a filter deletes its rules; a network service added twice (or removed when absent)
changes nothing.
"""
from __future__ import annotations

from typing import Any

from ..core import schema
from ..core import tags as tagging
from ..core.errors import TopologyError
from ..core.family import Family, declare
from ..core.filters import Filter, field, ident
from ..core.world import Partition, World

KIND = "traffic-mirror-filter"
RULE = "traffic-mirror-filter-rule"


def create(world: World, part: Partition, description: str | None = None, *,
           tags: dict[str, str] | None = None) -> str:
    tmf_id = world.new_id("tmf")
    fields: dict[str, Any] = {"NetworkServices": []}
    if description is not None:
        fields["Description"] = description
    world.add(part, KIND, tmf_id, **fields)
    tagging.apply(world, tmf_id, tags or {})
    return tmf_id


def rules_of(world: World, tmf_id: str) -> list[str]:
    return [r for r, _, _ in world.out(tmf_id, schema.CONTAINS, RULE)]


def sessions_of(world: World, tmf_id: str) -> list[str]:
    return [s for s, _, _ in world.into(tmf_id, schema.ASSOCIATED, "traffic-mirror-session")]


def delete(world: World, part: Partition, tmf_id: str) -> None:
    world.get(part, KIND, tmf_id)
    if sessions_of(world, tmf_id):
        raise TopologyError(f"Traffic mirror filter {tmf_id} is in use by one or more "
                            "sessions.", "TrafficMirrorFilterInUse")
    for rule in rules_of(world, tmf_id):
        world.remove(rule)
    world.remove(tmf_id)


def modify_network_services(world: World, part: Partition, traffic_mirror_filter_id: str,
                            add_network_services: list[str] | None = None,
                            remove_network_services: list[str] | None = None) -> str:
    """Add and remove mirrored network services (the model's enum: `amazon-dns`)."""
    node = world.get(part, KIND, traffic_mirror_filter_id)
    services = [s for s in node["NetworkServices"] if s not in (remove_network_services or [])]
    for service in add_network_services or []:
        if service not in services:
            services.append(service)
    world.update(traffic_mirror_filter_id, NetworkServices=services)
    return traffic_mirror_filter_id


def filter_of(world: World, rule_id: str) -> str:
    return world.into(rule_id, schema.CONTAINS, KIND)[0][0]


def rule_view(world: World, rule_id: str) -> dict[str, Any]:
    """A rule as boto3's `TrafficMirrorFilterRule`."""
    node = world.graph.nodes[rule_id]
    out: dict[str, Any] = {"TrafficMirrorFilterRuleId": rule_id,
                           "TrafficMirrorFilterId": filter_of(world, rule_id)}
    for key in ("TrafficDirection", "RuleNumber", "RuleAction", "Protocol",
                "DestinationPortRange", "SourcePortRange", "DestinationCidrBlock",
                "SourceCidrBlock", "Description"):
        if node.get(key) is not None:
            out[key] = node[key]
    out["Tags"] = tagging.listed(node["tags"])
    return out


def _rules(world: World, tmf_id: str, direction: str) -> list[dict[str, Any]]:
    nodes = world.graph.nodes
    chosen = [r for r in rules_of(world, tmf_id) if nodes[r]["TrafficDirection"] == direction]
    return [rule_view(world, r) for r in sorted(chosen, key=lambda r: nodes[r]["RuleNumber"])]


def view(world: World, tmf_id: str) -> dict[str, Any]:
    """The filter as boto3's `TrafficMirrorFilter`."""
    node = world.graph.nodes[tmf_id]
    out: dict[str, Any] = {"TrafficMirrorFilterId": tmf_id,
                           "IngressFilterRules": _rules(world, tmf_id, "ingress"),
                           "EgressFilterRules": _rules(world, tmf_id, "egress"),
                           "NetworkServices": list(node["NetworkServices"])}
    if node.get("Description") is not None:
        out["Description"] = node["Description"]
    out["Tags"] = tagging.listed(node["tags"])
    return out


FILTERS: dict[str, Filter] = {
    "description": field("Description"),
    "traffic-mirror-filter-id": ident(),
}

FAMILY = declare(Family(KIND, view=view, filters=FILTERS, create=create, delete=delete,
                        actions={"ModifyTrafficMirrorFilterNetworkServices":
                                 modify_network_services}))
