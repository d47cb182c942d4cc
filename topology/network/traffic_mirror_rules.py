"""Traffic Mirror filter rules: what one filter mirrors, inbound and outbound.

A `traffic-mirror-filter-rule` node holds boto3's members (`TrafficDirection`, `RuleNumber`,
`RuleAction`, `Protocol`, the port ranges, the two CIDR blocks, `Description`); its filter
CONTAINS it. Rules of one direction are evaluated in rule-number order.

AWS's rules kept here: rule numbers 1-32766, unique per filter and direction
(`TrafficMirrorFilterRuleAlreadyExists`); at most 10 rules per direction
(`TrafficMirrorFilterRuleLimitExceeded`); both CIDR blocks of one IP version; port ranges
only for TCP (6) and UDP (17); ModifyTrafficMirrorFilterRule's `RemoveFields` sets a
field back to its default and may not name a field the request also sets.
"""
from __future__ import annotations

from typing import Any

from ..core import addressing, schema
from ..core import tags as tagging
from ..core.errors import InvalidParameterCombination, InvalidParameterValue, TopologyError
from ..core.family import Family, declare
from ..core.filters import Filter, field, ident
from ..core.world import Partition, World
from . import traffic_mirror_filters as mirror_filters

KIND = "traffic-mirror-filter-rule"
MAX_RULES = 10                       # per filter and direction
PORTED = {6, 17}                     # TCP and UDP
# RemoveFields value -> the member it clears
REMOVABLE = {"destination-port-range": "DestinationPortRange",
             "source-port-range": "SourcePortRange", "protocol": "Protocol",
             "description": "Description"}
MEMBERS = ("TrafficDirection", "RuleNumber", "RuleAction", "Protocol", "DestinationPortRange",
           "SourcePortRange", "DestinationCidrBlock", "SourceCidrBlock", "Description")


def _ports(value: dict[str, Any] | None, param: str) -> dict[str, int] | None:
    if value is None:
        return None
    low, high = value.get("FromPort"), value.get("ToPort")
    low = 0 if low is None else low
    high = 65535 if high is None else high
    if not (0 <= low <= 65535 and 0 <= high <= 65535) or low > high:
        raise InvalidParameterValue(
            f"Value ({low}-{high}) for parameter {param} is invalid. Port ranges must be "
            "between 0 and 65535, and the start of the range no larger than its end.")
    return {"FromPort": low, "ToPort": high}


def _checked(fields: dict[str, Any]) -> dict[str, Any]:
    """The rule's members, validated together (AWS's checks across members)."""
    number = fields["RuleNumber"]
    if not 1 <= number <= 32766:
        raise InvalidParameterValue(
            f"Value ({number}) for parameter ruleNumber is invalid. Rule number must be "
            "between 1 and 32766.")
    protocol = fields.get("Protocol")
    if protocol is not None and not 0 <= protocol <= 255:
        raise InvalidParameterValue(
            f"Value ({protocol}) for parameter protocol is invalid. Protocol must be between "
            "0 and 255.")
    dest = addressing.parse_any(fields["DestinationCidrBlock"], param="destinationCidrBlock")
    source = addressing.parse_any(fields["SourceCidrBlock"], param="sourceCidrBlock")
    if dest.version != source.version:
        raise InvalidParameterCombination(
            "The destination CIDR block and the source CIDR block must be of the same IP "
            "address family.")
    out = {**fields, "DestinationCidrBlock": str(dest), "SourceCidrBlock": str(source),
           "DestinationPortRange": _ports(fields.get("DestinationPortRange"),
                                          "destinationPortRange"),
           "SourcePortRange": _ports(fields.get("SourcePortRange"), "sourcePortRange")}
    if (out["DestinationPortRange"] or out["SourcePortRange"]) and protocol not in PORTED:
        raise InvalidParameterCombination(
            "Port ranges can be specified only for the TCP (6) and UDP (17) protocols.")
    return out


def _check_slot(world: World, tmf_id: str, direction: str, number: int,
                rule_id: str | None = None) -> None:
    nodes = world.graph.nodes
    same = [r for r in mirror_filters.rules_of(world, tmf_id)
            if r != rule_id and nodes[r]["TrafficDirection"] == direction]
    if any(nodes[r]["RuleNumber"] == number for r in same):
        raise TopologyError(f"The Traffic Mirror filter rule with number {number} and "
                            f"direction {direction} already exists in {tmf_id}.",
                            "TrafficMirrorFilterRuleAlreadyExists")
    if len(same) >= MAX_RULES:
        raise TopologyError(f"The maximum number of {direction} rules ({MAX_RULES}) for "
                            f"filter {tmf_id} has been reached.",
                            "TrafficMirrorFilterRuleLimitExceeded")


def create(world: World, part: Partition, traffic_mirror_filter_id: str,
           params: dict[str, Any], *, tags: dict[str, str] | None = None) -> str:
    """A rule of the filter; its id."""
    world.get(part, mirror_filters.KIND, traffic_mirror_filter_id)
    fields = _checked({k: params.get(k) for k in MEMBERS})
    _check_slot(world, traffic_mirror_filter_id, fields["TrafficDirection"],
                fields["RuleNumber"])
    rule_id = world.new_id("tmfr")
    world.add(part, KIND, rule_id, **{k: v for k, v in fields.items() if v is not None})
    world.link(traffic_mirror_filter_id, rule_id, schema.CONTAINS)
    tagging.apply(world, rule_id, tags or {})
    return rule_id


def delete(world: World, part: Partition, rule_id: str) -> None:
    world.get(part, KIND, rule_id)
    world.remove(rule_id)


def modify(world: World, part: Partition, traffic_mirror_filter_rule_id: str,
           params: dict[str, Any]) -> str:
    """Change the members the request gives and reset those `RemoveFields` names."""
    rule_id = traffic_mirror_filter_rule_id
    node = world.get(part, KIND, rule_id)
    removed = [REMOVABLE[f] for f in params.get("RemoveFields") or []]
    both = [m for m in removed if params.get(m) is not None]
    if both:
        raise InvalidParameterCombination(
            f"The parameter {both[0]} cannot be both set and removed in the same request.")
    fields = {k: node.get(k) for k in MEMBERS}
    fields.update({k: params[k] for k in MEMBERS if params.get(k) is not None})
    fields.update({m: None for m in removed})
    fields = _checked(fields)
    _check_slot(world, mirror_filters.filter_of(world, rule_id), fields["TrafficDirection"],
                fields["RuleNumber"], rule_id)
    world.update(rule_id, **fields)       # None clears a field
    return rule_id


def _parent(world: World, part: Partition, value: str) -> list[str]:
    return mirror_filters.rules_of(world, value) if world.node(value) else []


FILTERS: dict[str, Filter] = {
    "traffic-mirror-filter-rule-id": ident(),
    "traffic-mirror-filter-id": Filter(lambda w, rid, n: mirror_filters.filter_of(w, rid),
                                       _parent, exact=True),
    "rule-number": field("RuleNumber"),
    "rule-action": field("RuleAction"),
    "traffic-direction": field("TrafficDirection"),
    "protocol": field("Protocol"),
    "source-cidr-block": field("SourceCidrBlock"),
    "destination-cidr-block": field("DestinationCidrBlock"),
    "description": field("Description"),
}

FAMILY = declare(Family(KIND, view=mirror_filters.rule_view, filters=FILTERS, create=create,
                        delete=delete, actions={"ModifyTrafficMirrorFilterRule": modify}))
