"""Transit gateway policy tables: rules that pick the route table for a packet arriving from
an attachment, by its addresses, ports and protocol (AWS uses them for Cloud WAN peering).

* `tgw -[CONTAINS]-> tgw-ptb`; the table holds `State`, `CreationTime` and its entries
  (`entries`: rule number -> `{PolicyRule, TargetRouteTableId}`, rows of the table as a
  network ACL's are);
* `tgw-ptb -[ASSOCIATED]-> attachment`: the table decides for packets arriving from that
  attachment (one policy table per attachment).

A packet arriving from an attachment associated with a policy table is routed by the route
table of the first entry (lowest rule number) it matches (`route_table_for`); none matching
drops it. A table with associations cannot be deleted.
"""
from __future__ import annotations

from typing import Any

from netaddr import AddrFormatError, IPNetwork

from ..core import schema
from ..core import tags as tagging
from ..core.clock import now
from ..core.errors import IncorrectState, InvalidParameterValue, NotFound, TopologyError
from ..core.family import Family, declare, removed
from ..core.filters import Filter, FilterTable, field, ident, select_rows
from ..core.world import Partition, World, not_found
from ..network.prefix_lists import page_rows
from . import tgw_route_tables as rtbs
from . import transit_gateways as gateways

KIND = "transit-gateway-policy-table"
ATTACHMENT = "transit-gateway-attachment"
PROTOCOLS = {"tcp": "6", "udp": "17", "icmp": "1", "all": "-1"}


# -- tables ---------------------------------------------------------------------------------------
def gateway_of(world: World, ptb_id: str) -> str:
    return world.into(ptb_id, schema.CONTAINS, gateways.KIND)[0][0]


def create(world: World, part: Partition, transit_gateway_id: str, *,
           tags: dict[str, str] | None = None) -> str:
    gateways.get(world, part, transit_gateway_id)
    ptb_id = world.new_id("tgw-ptb")
    world.add(part, KIND, ptb_id, State="available", CreationTime=now(), entries={})
    world.link(transit_gateway_id, ptb_id, schema.CONTAINS)
    tagging.apply(world, ptb_id, tags or {})
    return ptb_id


def delete(world: World, part: Partition, ptb_id: str) -> dict[str, Any]:
    world.get(part, KIND, ptb_id)
    if world.out(ptb_id, schema.ASSOCIATED, ATTACHMENT):
        raise IncorrectState(f"{ptb_id} has non-deleted associations", "IncorrectState")
    return removed(world, ptb_id, view, "deleting")


def view(world: World, ptb_id: str) -> dict[str, Any]:
    """boto3's `TransitGatewayPolicyTable`."""
    node = world.graph.nodes[ptb_id]
    return {"TransitGatewayPolicyTableId": ptb_id, "TransitGatewayId": gateway_of(world, ptb_id),
            "State": node["State"], "CreationTime": node["CreationTime"],
            "Tags": tagging.listed(node["tags"])}


FILTERS: FilterTable = {
    "state": field("State"),
    "transit-gateway-id": Filter(lambda w, rid, n: gateway_of(w, rid)),
    "transit-gateway-policy-table-id": ident(),
}


# -- associations ----------------------------------------------------------------------------------
def policy_table_of(world: World, attach_id: str) -> str | None:
    found = world.into(attach_id, schema.ASSOCIATED, KIND)
    return found[0][0] if found else None


def associate(world: World, part: Partition, transit_gateway_policy_table_id: str,
              transit_gateway_attachment_id: str) -> None:
    ptb_id, attach_id = transit_gateway_policy_table_id, transit_gateway_attachment_id
    world.get(part, KIND, ptb_id)
    tgw_id = gateway_of(world, ptb_id)
    rtbs.attachment(world, attach_id)
    if tgw_id not in rtbs.gateways_of_attachment(world, attach_id):
        raise InvalidParameterValue(
            f"Transit Gateway Attachment {attach_id} does not belong to Transit Gateway "
            f"{tgw_id}.")
    rtbs.check_usable(world, attach_id)
    if policy_table_of(world, attach_id) is not None:
        raise TopologyError(
            f"Transit Gateway Attachment {attach_id} is already associated to a policy table.",
            "Resource.AlreadyAssociated")
    if rtbs.associated_table(world, attach_id, tgw_id) is not None:
        raise rtbs.both_tables()
    world.link(ptb_id, attach_id, schema.ASSOCIATED)


def disassociate(world: World, part: Partition, transit_gateway_policy_table_id: str,
                 transit_gateway_attachment_id: str) -> None:
    ptb_id, attach_id = transit_gateway_policy_table_id, transit_gateway_attachment_id
    world.get(part, KIND, ptb_id)
    if not world.graph.has_edge(ptb_id, attach_id, (schema.ASSOCIATED, None)):
        raise NotFound(
            f"Transit Gateway Attachment {attach_id} is not associated with Transit Gateway "
            f"Policy Table {ptb_id}.", "InvalidTransitGatewayPolicyTableAssociation.NotFound")
    world.unlink(ptb_id, attach_id, schema.ASSOCIATED)


def association_view(world: World, ptb_id: str, attach_id: str, state: str) -> dict[str, Any]:
    """boto3's `TransitGatewayPolicyTableAssociation`."""
    return {"TransitGatewayPolicyTableId": ptb_id,
            **rtbs.attachment_view(world, attach_id, gateway_of(world, ptb_id)), "State": state}


def _associating(world: World, part: Partition, transit_gateway_policy_table_id: str,
                 transit_gateway_attachment_id: str) -> dict[str, Any]:
    associate(world, part, transit_gateway_policy_table_id, transit_gateway_attachment_id)
    return association_view(world, transit_gateway_policy_table_id,
                            transit_gateway_attachment_id, "associating")


def _disassociating(world: World, part: Partition, transit_gateway_policy_table_id: str,
                    transit_gateway_attachment_id: str) -> dict[str, Any]:
    disassociate(world, part, transit_gateway_policy_table_id, transit_gateway_attachment_id)
    return association_view(world, transit_gateway_policy_table_id,
                            transit_gateway_attachment_id, "disassociating")


ASSOCIATION_FILTERS: FilterTable = {
    "resource-id": Filter(lambda w, rid, row: row.get("ResourceId")),
    "resource-type": Filter(lambda w, rid, row: row.get("ResourceType")),
    "state": Filter(lambda w, rid, row: row.get("State")),
    "transit-gateway-attachment-id": Filter(
        lambda w, rid, row: row.get("TransitGatewayAttachmentId")),
}


def associations(world: World, part: Partition, transit_gateway_policy_table_id: str,
                 filters: list[dict[str, Any]] | None = None, max_results: int | None = None,
                 next_token: str | None = None) -> dict[str, Any]:
    """GetTransitGatewayPolicyTableAssociations."""
    ptb_id = transit_gateway_policy_table_id
    world.get(part, KIND, ptb_id)
    nodes = world.graph.nodes
    attached = sorted((a for a, _, _ in world.out(ptb_id, schema.ASSOCIATED, ATTACHMENT)),
                      key=lambda a: nodes[a]["seq"])
    rows = [association_view(world, ptb_id, a, "associated") for a in attached]
    chosen = select_rows(ASSOCIATION_FILTERS, filters, rows, taggable=False)
    page, token = page_rows(chosen, max_results, next_token)
    return {"Associations": page, "NextToken": token}


# -- entries ------------------------------------------------------------------------------------
def _rule_number(text: Any) -> str:
    if not str(text).isdigit() or not 1 <= int(text) <= 32766:
        raise InvalidParameterValue(f"Value ({text}) for parameter policyRuleNumber is invalid. "
                                    "It must be an integer from 1 to 32766.")
    return str(int(text))


def _cidr(text: str | None, param: str) -> str | None:
    if text is None or text == WILDCARD:     # any address, as AWS answers it
        return None
    try:
        return str(IPNetwork(text).cidr)
    except (AddrFormatError, ValueError, TypeError):
        raise InvalidParameterValue(f"Value ({text}) for parameter {param} is invalid. This is "
                                    "not a valid CIDR block.")


def _port_range(text: str | None, param: str) -> str | None:
    if text is None or text == "*":      # "*": any port, as AWS writes it
        return text
    low, _, high = str(text).partition("-")
    if not low.isdigit() or (high and not high.isdigit()) or \
            not 0 <= int(low) <= int(high or low) <= 65535:
        raise InvalidParameterValue(f"Value ({text}) for parameter {param} is invalid. Expecting "
                                    "a port or a range low-high from 0 to 65535.")
    return text


def _rule(rule: dict[str, Any] | None) -> dict[str, Any]:
    rule = rule or {}
    out: dict[str, Any] = {}
    for member, check in (("SourceCidrBlock", _cidr), ("SourcePortRange", _port_range),
                          ("DestinationCidrBlock", _cidr), ("DestinationPortRange", _port_range)):
        value = check(rule.get(member), member[0].lower() + member[1:])
        if value is not None:
            out[member] = value
    protocol = rule.get("Protocol")
    if protocol is not None and protocol != WILDCARD:
        number = PROTOCOLS.get(str(protocol).lower(), str(protocol))
        if not number.lstrip("-").isdigit() or not -1 <= int(number) <= 255:
            raise InvalidParameterValue(f"Value ({protocol}) for parameter protocol is invalid.")
        out["Protocol"] = number
    meta = rule.get("MetaData")
    if meta:
        out["MetaData"] = {k: meta[k] for k in ("MetaDataKey", "MetaDataValue") if k in meta}
    return out


def _target(world: World, ptb_id: str, rtb_id: str) -> str:
    node = world.node(rtb_id)
    if node is None or node["kind"] != rtbs.KIND or \
            rtbs.gateway_of(world, rtb_id) != gateway_of(world, ptb_id):
        raise not_found(rtbs.KIND, rtb_id)
    return rtb_id


# the match criteria of a policy rule, which AWS reports as "*" when they were not given
CRITERIA = ("SourceCidrBlock", "SourcePortRange", "DestinationCidrBlock",
            "DestinationPortRange", "Protocol")
WILDCARD = "*"


def entry_view(number: str, entry: dict[str, Any], state: str = "active") -> dict[str, Any]:
    """boto3's `TransitGatewayPolicyTableEntry`. AWS never answers a rule's metadata, and
    answers every criterion left out (or the whole rule) as "*" (the Terraform provider,
    written against AWS, restores the one and reads the other as absence); the meta-data
    filters still read the metadata."""
    given = entry["PolicyRule"]
    rule = {k: given.get(k, WILDCARD) for k in CRITERIA}
    return {"PolicyRuleNumber": number, "PolicyRule": rule,
            "TargetRouteTableId": entry["TargetRouteTableId"], "State": state}


def _missing(number: str, ptb_id: str) -> NotFound:
    return NotFound(f"Policy rule {number} does not exist in Transit Gateway Policy Table "
                    f"{ptb_id}.", "InvalidTransitGatewayPolicyTableEntry.NotFound")


def create_entry(world: World, part: Partition, transit_gateway_policy_table_id: str,
                 policy_rule_number: str, target_route_table_id: str, *,
                 policy_rule: dict[str, Any] | None = None) -> dict[str, Any]:
    ptb_id = transit_gateway_policy_table_id
    node = world.get(part, KIND, ptb_id)
    number = _rule_number(policy_rule_number)
    rule = _rule(policy_rule)
    target = _target(world, ptb_id, target_route_table_id)
    if number in node["entries"]:
        raise TopologyError(f"Policy rule {number} already exists in Transit Gateway Policy "
                            f"Table {ptb_id}.", "InvalidTransitGatewayPolicyTableEntry.Duplicate")
    entry = {"PolicyRule": rule, "TargetRouteTableId": target}
    world.update(ptb_id, entries={**node["entries"], number: entry})
    return entry_view(number, entry)


def modify_entry(world: World, part: Partition, transit_gateway_policy_table_id: str,
                 policy_rule_number: str, *, policy_rule: dict[str, Any] | None = None,
                 target_route_table_id: str | None = None) -> dict[str, Any]:
    ptb_id = transit_gateway_policy_table_id
    node = world.get(part, KIND, ptb_id)
    number = _rule_number(policy_rule_number)
    if number not in node["entries"]:
        raise _missing(number, ptb_id)
    entry = dict(node["entries"][number])
    if policy_rule is not None:
        entry["PolicyRule"] = _rule(policy_rule)
    if target_route_table_id is not None:
        entry["TargetRouteTableId"] = _target(world, ptb_id, target_route_table_id)
    world.update(ptb_id, entries={**node["entries"], number: entry})
    return entry_view(number, entry)


def delete_entry(world: World, part: Partition, transit_gateway_policy_table_id: str,
                 policy_rule_number: str) -> dict[str, Any]:
    ptb_id = transit_gateway_policy_table_id
    node = world.get(part, KIND, ptb_id)
    number = _rule_number(policy_rule_number)
    if number not in node["entries"]:
        raise _missing(number, ptb_id)
    entry = node["entries"][number]
    world.update(ptb_id, entries={k: v for k, v in node["entries"].items() if k != number})
    return entry_view(number, entry, "deleted")


def _rule_field(name: str) -> Filter:
    return Filter(lambda w, rid, row: row["PolicyRule"].get(name))


ENTRY_FILTERS: FilterTable = {
    "policy-rule-number": Filter(lambda w, rid, row: row["PolicyRuleNumber"]),
    "target-route-table-id": Filter(lambda w, rid, row: row["TargetRouteTableId"]),
    "policy-rule.source-ip": _rule_field("SourceCidrBlock"),
    "policy-rule.destination-ip": _rule_field("DestinationCidrBlock"),
    "policy-rule.source-port": _rule_field("SourcePortRange"),
    "policy-rule.destination-port": _rule_field("DestinationPortRange"),
    "policy-rule.protocol": _rule_field("Protocol"),
    "policy-rule.meta-data.key": Filter(
        lambda w, rid, row: (row["rule"]["PolicyRule"].get("MetaData") or {}).get("MetaDataKey")),
    "policy-rule.meta-data.value": Filter(lambda w, rid, row: (
        row["rule"]["PolicyRule"].get("MetaData") or {}).get("MetaDataValue")),
}


def ordered_entries(world: World, ptb_id: str) -> list[dict[str, Any]]:
    entries = world.graph.nodes[ptb_id]["entries"]
    # each with its whole entry (`rule`, internal) for the meta-data filters and matching
    return [{**entry_view(n, entries[n]), "rule": entries[n]} for n in sorted(entries, key=int)]


def entries(world: World, part: Partition, transit_gateway_policy_table_id: str,
            filters: list[dict[str, Any]] | None = None, max_results: int | None = None,
            next_token: str | None = None) -> dict[str, Any]:
    """GetTransitGatewayPolicyTableEntries."""
    world.get(part, KIND, transit_gateway_policy_table_id)
    rows = select_rows(ENTRY_FILTERS, filters, ordered_entries(world,
                       transit_gateway_policy_table_id), taggable=False)
    page, token = page_rows(rows, max_results, next_token)
    return {"TransitGatewayPolicyTableEntries": [{k: v for k, v in row.items() if k != "rule"}
                                                 for row in page], "NextToken": token}


# -- what reachability asks -----------------------------------------------------------------------
def _in_cidr(text: str | None, addr: int) -> bool:
    if text is None:
        return True
    net = IPNetwork(text)
    return net.version == 4 and net.first <= addr <= net.last


def _in_ports(text: str | None, port: int | None) -> bool:
    if text is None or text == "*" or port is None:
        return True
    low, _, high = text.partition("-")
    return int(low) <= port <= int(high or low)


def matching_entry(world: World, ptb_id: str, src: int, dst: int, protocol: str,
                   src_port: int | None, dst_port: int | None) -> dict[str, Any] | None:
    """The first entry (by rule number) a packet matches, if any."""
    for row in ordered_entries(world, ptb_id):
        rule = row["rule"]["PolicyRule"]
        if _in_cidr(rule.get("SourceCidrBlock"), src) and \
                _in_cidr(rule.get("DestinationCidrBlock"), dst) and \
                rule.get("Protocol") in (None, "-1", protocol) and \
                _in_ports(rule.get("SourcePortRange"), src_port) and \
                _in_ports(rule.get("DestinationPortRange"), dst_port):
            return row
    return None


FAMILY = declare(Family(
    KIND, view=view, filters=FILTERS, create=create,
    created_view=lambda world, rid: {**view(world, rid), "State": "pending"}, delete=delete,
    max_results=(5, 1000),
    actions={"AssociateTransitGatewayPolicyTable": _associating,
             "DisassociateTransitGatewayPolicyTable": _disassociating,
             "CreateTransitGatewayPolicyTableEntry": create_entry,
             "ModifyTransitGatewayPolicyTableEntry": modify_entry,
             "DeleteTransitGatewayPolicyTableEntry": delete_entry}))
