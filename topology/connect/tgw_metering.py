"""Transit gateway metering policies: which account pays for traffic through a gateway.

A policy is a `transit-gateway-metering-policy` node (`tgw -[CONTAINS]-> policy`) naming its
middlebox attachments (`policy -[ASSOCIATED]-> attachment`, attachments of its gateway) and
holding its entries as rows (`entries`: rule number -> `{MeteredAccount,
MeteringPolicyRule}`), matched lowest number first."""
from __future__ import annotations

from typing import Any

from netaddr import AddrFormatError, IPNetwork

from ..core import schema
from ..core import tags as tagging
from ..core.clock import now
from ..core.errors import InvalidParameterValue, TopologyError
from ..core.family import Action, Family, declare, removed
from ..core.filters import Filter, FilterTable, field, ident, select_rows
from ..core.world import Partition, World
from ..network.prefix_lists import page_rows
from . import tgw_route_tables as rtbs
from . import transit_gateways as gateways

KIND = "transit-gateway-metering-policy"
ATTACHMENT = "transit-gateway-attachment"
RULE_MEMBERS = ("SourceTransitGatewayAttachmentId", "SourceTransitGatewayAttachmentType",
                "SourceCidrBlock", "SourcePortRange", "DestinationTransitGatewayAttachmentId",
                "DestinationTransitGatewayAttachmentType", "DestinationCidrBlock",
                "DestinationPortRange", "Protocol")


def gateway_of(world: World, policy_id: str) -> str:
    return world.into(policy_id, schema.CONTAINS, gateways.KIND)[0][0]


def _middleboxes(world: World, tgw_id: str, attach_ids: list[str]) -> list[str]:
    for attach_id in attach_ids:
        rtbs.attachment(world, attach_id)
        if tgw_id not in rtbs.gateways_of_attachment(world, attach_id):
            raise InvalidParameterValue(f"Transit Gateway Attachment {attach_id} does not "
                                        f"belong to Transit Gateway {tgw_id}.")
    return list(dict.fromkeys(attach_ids))


def middleboxes(world: World, policy_id: str) -> list[str]:
    nodes = world.graph.nodes
    return sorted((a for a, _, _ in world.out(policy_id, schema.ASSOCIATED, ATTACHMENT)),
                  key=lambda a: nodes[a]["seq"])


def create(world: World, part: Partition, transit_gateway_id: str, *,
           middlebox_attachment_ids: list[str] | None = None,
           tags: dict[str, str] | None = None) -> str:
    gateways.get(world, part, transit_gateway_id)
    chosen = _middleboxes(world, transit_gateway_id, middlebox_attachment_ids or [])
    policy_id = world.new_id("tgw-mp")
    world.add(part, KIND, policy_id, State="available", UpdateEffectiveAt=now(), entries={})
    world.link(transit_gateway_id, policy_id, schema.CONTAINS)
    for attach_id in chosen:
        world.link(policy_id, attach_id, schema.ASSOCIATED)
    tagging.apply(world, policy_id, tags or {})
    return policy_id


def modify(world: World, part: Partition, transit_gateway_metering_policy_id: str, *,
           add_middlebox_attachment_ids: list[str] | None = None,
           remove_middlebox_attachment_ids: list[str] | None = None) -> None:
    policy_id = transit_gateway_metering_policy_id
    world.get(part, KIND, policy_id)
    current = middleboxes(world, policy_id)
    removed = list(dict.fromkeys(remove_middlebox_attachment_ids or []))
    for attach_id in removed:
        if attach_id not in current:
            raise InvalidParameterValue(f"Transit Gateway Attachment {attach_id} is not a "
                                        f"middlebox attachment of {policy_id}.")
    added = _middleboxes(world, gateway_of(world, policy_id), add_middlebox_attachment_ids or [])
    for attach_id in removed:
        world.unlink(policy_id, attach_id, schema.ASSOCIATED)
    for attach_id in added:
        if attach_id not in current:
            world.link(policy_id, attach_id, schema.ASSOCIATED)
    world.update(policy_id, UpdateEffectiveAt=now())


def delete(world: World, part: Partition, policy_id: str) -> dict[str, Any]:
    world.get(part, KIND, policy_id)
    return removed(world, policy_id, view, "deleting")


def view(world: World, policy_id: str) -> dict[str, Any]:
    """boto3's `TransitGatewayMeteringPolicy`."""
    node = world.graph.nodes[policy_id]
    return {"TransitGatewayMeteringPolicyId": policy_id,
            "TransitGatewayId": gateway_of(world, policy_id),
            "MiddleboxAttachmentIds": middleboxes(world, policy_id), "State": node["State"],
            "UpdateEffectiveAt": node["UpdateEffectiveAt"], "Tags": tagging.listed(node["tags"])}


FILTERS: FilterTable = {
    "state": field("State"),
    "transit-gateway-id": Filter(lambda w, rid, n: gateway_of(w, rid)),
    "transit-gateway-metering-policy-id": ident(),
}


# -- entries ---------------------------------------------------------------------------------------
def _check_rule(world: World, policy_id: str, rule: dict[str, Any]) -> dict[str, Any]:
    tgw_id = gateway_of(world, policy_id)
    for side in ("Source", "Destination"):
        attach = rule.get(f"{side}TransitGatewayAttachmentId")
        if attach is not None:
            _middleboxes(world, tgw_id, [attach])
        cidr = rule.get(f"{side}CidrBlock")
        if cidr is not None:
            try:
                rule[f"{side}CidrBlock"] = str(IPNetwork(cidr).cidr)
            except (AddrFormatError, ValueError, TypeError):
                raise InvalidParameterValue(f"Value ({cidr}) for parameter {side.lower()}"
                                            "CidrBlock is invalid. This is not a valid CIDR block.")
    return rule


def entry_view(number: int, entry: dict[str, Any], state: str = "available") -> dict[str, Any]:
    """boto3's `TransitGatewayMeteringPolicyEntry`."""
    return {"PolicyRuleNumber": str(number), "MeteredAccount": entry["MeteredAccount"],
            "State": state, "UpdatedAt": entry["UpdatedAt"],
            "UpdateEffectiveAt": entry["UpdatedAt"],
            "MeteringPolicyRule": dict(entry["MeteringPolicyRule"])}


def create_entry(world: World, part: Partition, transit_gateway_metering_policy_id: str,
                 policy_rule_number: int, metered_account: str,
                 params: dict[str, Any]) -> dict[str, Any]:
    policy_id = transit_gateway_metering_policy_id
    node = world.get(part, KIND, policy_id)
    if not 1 <= policy_rule_number <= 32766:
        raise InvalidParameterValue(f"Value ({policy_rule_number}) for parameter "
                                    "policyRuleNumber is invalid. It must be from 1 to 32766.")
    rule = _check_rule(world, policy_id, {m: params[m] for m in RULE_MEMBERS if m in params})
    key = str(policy_rule_number)
    if key in node["entries"]:
        raise TopologyError(f"Policy rule {policy_rule_number} already exists in {policy_id}.",
                            "InvalidTransitGatewayMeteringPolicyEntry.Duplicate")
    entry = {"MeteredAccount": metered_account, "MeteringPolicyRule": rule,
             "UpdatedAt": now()}
    world.update(policy_id, entries={**node["entries"], key: entry})
    return entry_view(policy_rule_number, entry)


def delete_entry(world: World, part: Partition, transit_gateway_metering_policy_id: str,
                 policy_rule_number: int) -> dict[str, Any]:
    policy_id = transit_gateway_metering_policy_id
    node = world.get(part, KIND, policy_id)
    key = str(policy_rule_number)
    if key not in node["entries"]:
        # AWS's answer as the Terraform provider matches it when the entry is already gone
        raise InvalidParameterValue(f"RuleNumber provided does not exists: "
                                    f"{policy_rule_number}")
    entry = node["entries"][key]
    world.update(policy_id, entries={k: v for k, v in node["entries"].items() if k != key})
    return entry_view(policy_rule_number, entry, "deleted")


def _rule(name: str) -> Filter:
    return Filter(lambda w, rid, row: row["MeteringPolicyRule"].get(name))


ENTRY_FILTERS: FilterTable = {
    "policy-rule-number": Filter(lambda w, rid, row: row["PolicyRuleNumber"]),
    "metered-account": Filter(lambda w, rid, row: row["MeteredAccount"]),
    "state": Filter(lambda w, rid, row: row["State"]),
    "source-transit-gateway-attachment-id": _rule("SourceTransitGatewayAttachmentId"),
    "destination-transit-gateway-attachment-id": _rule("DestinationTransitGatewayAttachmentId"),
    "source-cidr-block": _rule("SourceCidrBlock"),
    "destination-cidr-block": _rule("DestinationCidrBlock"),
    "protocol": _rule("Protocol"),
}


def entries(world: World, part: Partition, policy_id: str, filters: list[dict[str, Any]] | None,
            max_results: int | None, next_token: str | None) -> dict[str, Any]:
    """GetTransitGatewayMeteringPolicyEntries."""
    node = world.get(part, KIND, policy_id)
    rows = [entry_view(int(k), node["entries"][k]) for k in sorted(node["entries"], key=int)]
    chosen = select_rows(ENTRY_FILTERS, filters, rows, taggable=False)
    page, token = page_rows(chosen, max_results, next_token)
    return {"TransitGatewayMeteringPolicyEntries": page, "NextToken": token}


FAMILY = declare(Family(
    KIND, view=view, filters=FILTERS, create=create,
    created_view=lambda world, rid: {**view(world, rid), "State": "pending"}, delete=delete,
    max_results=(5, 1000),
    actions={"ModifyTransitGatewayMeteringPolicy": Action(modify, state="modifying"),
             "CreateTransitGatewayMeteringPolicyEntry": create_entry,
             "DeleteTransitGatewayMeteringPolicyEntry": delete_entry}))
