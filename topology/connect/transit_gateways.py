"""Transit gateways: create, modify, delete, and their options.

A transit gateway is a `transit-gateway` node holding `State`, `Description`, `CreationTime`
and `Options` (boto3's `TransitGatewayOptions` less the default route table ids, replaced
copy-on-write). Its route tables hang off `tgw -[CONTAINS]-> tgw-rtb`
(`topology.tgw_route_tables`); which of them is the default association (propagation)
table is a flag on the table, so `AssociationDefaultRouteTableId` and
`PropagationDefaultRouteTableId` are read from the tables, never copied. Attachments point
at it with `attachment -[ATTACHED]-> tgw` (`topology.tgw_attachments`).

AWS's rules kept here:

* defaults: ASN 64512, shared attachments not auto-accepted, default association and
  propagation on (then one default route table is created with the gateway and serves both),
  ECMP for VPN and DNS support on, security group referencing and multicast off;
* the Amazon side ASN is private: 64512-65534 or 4200000000-4294967294;
* CIDR blocks: IPv4 /24 or larger, IPv6 /64 or larger, at most five, none overlapping;
* a gateway with non-deleted attachments cannot be deleted (`IncorrectState`, naming them);
  a deleted gateway stays visible as `deleted`, its route tables (and the policy tables,
  multicast domains and metering policies it contains) go with it;
* ModifyTransitGateway moves a default flag and its table together: enabling needs a table
  (given, or still named), disabling takes none, the table must be one of the gateway's;
  the ASN cannot change while VPN, Direct Connect or Connect attachments exist.

The create/delete/modify calls answer the transitional state (`pending`, `deleting`,
`modifying`) as AWS does; describe answers the settled one.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from netaddr import AddrFormatError, IPNetwork

from ..core import schema, sharing
from ..core import tags as tagging
from ..core.described import Import, when_or_now
from ..core.errors import (IncorrectState, InvalidParameterCombination, InvalidParameterValue,
                           Malformed, NotFound)
from ..core.family import Family, declare
from ..core.filters import Filter, FilterTable, field, ident, owner
from ..core.world import Partition, World, is_id_of
from . import tgw_route_tables

KIND = "transit-gateway"
ATTACHMENT = "transit-gateway-attachment"
DEFAULT_ASN = 64512
ASN_RANGES = ((64512, 65534), (4200000000, 4294967294))
MAX_CIDR_BLOCKS = 5
GONE = {"deleting", "deleted"}
DEFAULT_OPTIONS: dict[str, Any] = {
    "AmazonSideAsn": DEFAULT_ASN,
    "AutoAcceptSharedAttachments": "disable",
    "DefaultRouteTableAssociation": "enable",
    "DefaultRouteTablePropagation": "enable",
    "VpnEcmpSupport": "enable",
    "DnsSupport": "enable",
    "SecurityGroupReferencingSupport": "disable",
    "MulticastSupport": "disable",
}
# plain enable/disable options ModifyTransitGateway may change
MODIFIABLE = ("VpnEcmpSupport", "DnsSupport", "SecurityGroupReferencingSupport",
              "AutoAcceptSharedAttachments")
# option flag -> (the route table id member, the table flag that records it)
DEFAULT_TABLES: dict[str, tuple[str, str]] = {
    "DefaultRouteTableAssociation": ("AssociationDefaultRouteTableId",
                                     tgw_route_tables.ASSOCIATION_FLAG),
    "DefaultRouteTablePropagation": ("PropagationDefaultRouteTableId",
                                     tgw_route_tables.PROPAGATION_FLAG),
}
# attachment types that keep a gateway alive, and how AWS names them when it refuses a delete
BLOCKING = {
    "vpc": "Transit Gateway Attachments",
    "vpn": "VPN Attachments",
    "direct-connect-gateway": "DirectConnect Gateway Attachments",
    "connect": "Connect Attachments",
    "peering": "Transit Gateway Cross Region Peering Attachments",
}
# attachment types whose presence freezes the Amazon side ASN
ASN_BOUND = {"vpn", "direct-connect-gateway", "connect"}
# attachment states that no longer hold a gateway
FINISHED = {"deleted", "rejected", "failed"}


# -- lookups ----------------------------------------------------------------------------------
def not_found(tgw_id: str) -> NotFound | Malformed:
    """AWS's error for a transit gateway id that names no gateway of the caller's."""
    if not is_id_of("tgw", tgw_id):
        return Malformed(f"Invalid Transit Gateway id {tgw_id}.",
                         "InvalidTransitGatewayID.Malformed")
    return NotFound(f"Transit Gateway {tgw_id} was deleted or does not exist.",
                    "InvalidTransitGatewayID.NotFound")


def get(world: World, part: Partition, tgw_id: str, *, live: bool = True) -> dict[str, Any]:
    """The caller's gateway `tgw_id`; `live` refuses a deleted one (AWS: "was deleted or
    does not exist")."""
    node = world.node(tgw_id)
    if node is None or node["kind"] != KIND or (node["account"], node["region"]) != (
            part.account, part.region) or (live and node["State"] in GONE):
        raise not_found(tgw_id)
    return node


def usable(world: World, part: Partition, tgw_id: str) -> dict[str, Any]:
    """A live gateway the caller owns or has shared with it (AWS RAM): what
    CreateTransitGatewayVpcAttachment may name."""
    node = world.node(tgw_id)
    if node is None or node["kind"] != KIND or node["State"] in GONE \
            or not sharing.can_use(world, part, tgw_id):
        raise not_found(tgw_id)
    return node


def find_anywhere(world: World, tgw_id: str, account: str, region: str) -> dict[str, Any]:
    """A live gateway in another account or region (a peering request's peer)."""
    node = world.node(tgw_id)
    if node is None or node["kind"] != KIND or (node["account"], node["region"]) != (
            account, region) or node["State"] in GONE:
        raise not_found(tgw_id)
    return node


def options(world: World, tgw_id: str) -> dict[str, Any]:
    return world.graph.nodes[tgw_id]["Options"]


def default_table(world: World, tgw_id: str, flag: str) -> str | None:
    """The gateway's default association (or propagation) route table, if enabled.

    `flag` is an option name: `DefaultRouteTableAssociation` or `DefaultRouteTablePropagation`.
    """
    if options(world, tgw_id).get(flag) != "enable":
        return None
    return tgw_route_tables.default_table(world, tgw_id, DEFAULT_TABLES[flag][1])


def attachments(world: World, tgw_id: str) -> list[str]:
    """Every attachment on the gateway, its own and peering attachments that name it as peer,
    deleted ones included, in creation order."""
    own = [a for a, _, _ in world.into(tgw_id, schema.ATTACHED, ATTACHMENT)]
    peers = [a for a, disc, _ in world.into(tgw_id, schema.ASSOCIATED, ATTACHMENT)
             if disc == "peer"]
    found = dict.fromkeys(own + peers)
    return sorted(found, key=lambda a: world.graph.nodes[a]["seq"])


def live_attachments(world: World, tgw_id: str) -> list[str]:
    nodes = world.graph.nodes
    return [a for a in attachments(world, tgw_id) if nodes[a]["State"] not in FINISHED]


# -- validation -----------------------------------------------------------------------------------
def check_asn(asn: Any) -> int:
    """An Amazon side ASN in AWS's private ranges."""
    value = int(asn)
    if not any(low <= value <= high for low, high in ASN_RANGES):
        raise InvalidParameterValue(
            f"The Amazon side ASN {value} is invalid. It must be in the range 64512 to 65534 "
            "or 4200000000 to 4294967294.")
    return value


def parse_cidr_block(text: str) -> IPNetwork:
    """A transit gateway CIDR block: IPv4 /24 or larger, IPv6 /64 or larger."""
    try:
        if "/" not in text:
            raise AddrFormatError(text)
        net = IPNetwork(text)
        if net.version == 4 and text.partition("/")[0].count(".") != 3:
            raise AddrFormatError(text)
    except (AddrFormatError, ValueError, TypeError):
        raise InvalidParameterValue(
            f"Value ({text}) for parameter transitGatewayCidrBlocks is invalid. This is not "
            "a valid CIDR block.")
    if net.prefixlen > (24 if net.version == 4 else 64):
        raise InvalidParameterValue(
            f"The CIDR block {text} is invalid. A transit gateway CIDR block must be a /24 "
            "or larger for IPv4, or a /64 or larger for IPv6.")
    return net.cidr


def check_cidr_blocks(blocks: list[str]) -> list[str]:
    """The canonical blocks, refusing bad, overlapping or too many blocks."""
    nets: list[IPNetwork] = []
    for text in blocks:
        net = parse_cidr_block(text)
        for other in nets:
            if net.version == other.version and (net in other or other in net):
                raise InvalidParameterValue(
                    f"The CIDR block {net} overlaps with the CIDR block {other} of the transit "
                    "gateway.")
        nets.append(net)
    if len(nets) > MAX_CIDR_BLOCKS:
        raise InvalidParameterValue(
            f"A transit gateway can have at most {MAX_CIDR_BLOCKS} CIDR blocks.")
    return [str(n) for n in nets]


# -- create -------------------------------------------------------------------------------------
def create(world: World, part: Partition, *, description: str | None = None,
           requested: dict[str, Any] | None = None, tags: dict[str, str] | None = None) -> str:
    """Create a transit gateway (and its default route table when association or
    propagation is on); validates everything first."""
    requested = dict(requested or {})
    opts = {**DEFAULT_OPTIONS, **{k: v for k, v in requested.items() if k in DEFAULT_OPTIONS}}
    if "AmazonSideAsn" in requested:
        opts["AmazonSideAsn"] = check_asn(requested["AmazonSideAsn"])
    if requested.get("TransitGatewayCidrBlocks"):
        opts["TransitGatewayCidrBlocks"] = check_cidr_blocks(requested["TransitGatewayCidrBlocks"])
    tgw_id = world.new_id("tgw")
    fields: dict[str, Any] = {"State": "available", "CreationTime": _now(), "Options": opts}
    if description is not None:
        fields["Description"] = description
    world.add(part, KIND, tgw_id, **fields)
    tagging.apply(world, tgw_id, tags or {})
    wanted = {flag: opts[flag] == "enable" for flag in DEFAULT_TABLES}
    if any(wanted.values()):
        tgw_route_tables.create(world, part, tgw_id, default=True)
        for flag, on in wanted.items():
            if not on:
                tgw_route_tables.set_default(world, tgw_id, DEFAULT_TABLES[flag][1], None)
    return tgw_id


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


# -- delete -------------------------------------------------------------------------------------
def delete(world: World, part: Partition, tgw_id: str) -> dict[str, Any]:
    """Delete a gateway without attachments; its route tables go with it. Returns the view
    AWS answers (`deleting`, still naming its default tables)."""
    get(world, part, tgw_id)
    blocking: dict[str, list[str]] = {}
    for attach_id in live_attachments(world, tgw_id):
        rtype = world.graph.nodes[attach_id].get("ResourceType", "vpc")
        blocking.setdefault(rtype, []).append(attach_id)
    for rtype, label in BLOCKING.items():
        if rtype in blocking:
            raise IncorrectState(
                f"{tgw_id} has non-deleted {label}: {', '.join(blocking[rtype])}.",
                "IncorrectState")
    result = {**view(world, tgw_id), "State": "deleting"}
    tgw_route_tables.release_gateway(world, tgw_id)
    # policy tables, multicast domains and metering policies go with it, as its route tables do
    for child, _, _ in world.out(tgw_id, schema.CONTAINS):
        world.remove(child)
    world.update(tgw_id, State="deleted")
    return result


# -- modify -------------------------------------------------------------------------------------
def modify(world: World, part: Partition, tgw_id: str, *, description: str | None = None,
           changes: dict[str, Any] | None = None) -> None:
    """ModifyTransitGateway: the description and options, validated before anything changes."""
    get(world, part, tgw_id)
    changes = changes or {}
    opts = dict(options(world, tgw_id))
    for name in MODIFIABLE:
        if changes.get(name) is not None:
            opts[name] = changes[name]
    if changes.get("AmazonSideAsn") is not None:
        asn = check_asn(changes["AmazonSideAsn"])
        if asn != opts["AmazonSideAsn"]:
            _check_asn_free(world, tgw_id)
        opts["AmazonSideAsn"] = asn
    blocks = _new_cidr_blocks(tgw_id, opts.get("TransitGatewayCidrBlocks", []),
                              changes.get("AddTransitGatewayCidrBlocks") or [],
                              changes.get("RemoveTransitGatewayCidrBlocks") or [])
    if blocks:
        opts["TransitGatewayCidrBlocks"] = blocks
    else:
        opts.pop("TransitGatewayCidrBlocks", None)
    tables = {flag: _default_change(world, tgw_id, flag, changes) for flag in DEFAULT_TABLES}
    for flag, (enabled, _) in tables.items():
        opts[flag] = "enable" if enabled else "disable"
    encryption = changes.get("EncryptionSupport")
    if encryption is not None:
        opts["EncryptionSupport"] = {
            "EncryptionState": "enabled" if encryption == "enable" else "disabled"}
    if description is not None:
        world.update(tgw_id, Description=description)
    world.update(tgw_id, Options=opts)
    for flag, (enabled, rtb) in tables.items():
        table_flag = DEFAULT_TABLES[flag][1]
        target = rtb if enabled else None
        if tgw_route_tables.default_table(world, tgw_id, table_flag) != target:
            tgw_route_tables.set_default(world, tgw_id, table_flag, target)


def _check_asn_free(world: World, tgw_id: str) -> None:
    nodes = world.graph.nodes
    bound = [a for a in live_attachments(world, tgw_id)
             if nodes[a].get("ResourceType") in ASN_BOUND]
    if bound:
        raise IncorrectState(
            f"The Amazon side ASN of {tgw_id} cannot be modified while it has VPN, Direct "
            f"Connect gateway or Connect attachments: {', '.join(bound)}.", "IncorrectState")


def _new_cidr_blocks(tgw_id: str, current: list[str], add: list[str], remove: list[str]
                     ) -> list[str]:
    blocks = list(current)
    for text in remove:
        block = str(parse_cidr_block(text))
        if block not in blocks:
            raise InvalidParameterValue(
                f"The CIDR block {text} is not associated with transit gateway {tgw_id}.")
        blocks.remove(block)
    for text in add:
        block = str(parse_cidr_block(text))
        if block not in blocks:
            blocks.append(block)
    return check_cidr_blocks(blocks)


def _default_change(world: World, tgw_id: str, flag: str, changes: dict[str, Any]
                    ) -> tuple[bool, str | None]:
    """(enabled, table) for one default route table option after the request, with AWS's
    rules: the flag and its table move together and are judged against the gateway as it
    stands."""
    member = DEFAULT_TABLES[flag][0]
    asked, rtb = changes.get(flag), changes.get(member)
    current = options(world, tgw_id)[flag]
    effective = asked or current
    named = tgw_route_tables.default_table(world, tgw_id, DEFAULT_TABLES[flag][1])
    if effective != "enable":
        if rtb is not None:
            raise InvalidParameterCombination(f"disable {flag} conflicts with {member} {rtb}")
        return False, None
    if asked == "enable" and rtb is None and named is None:
        raise InvalidParameterCombination(f"enable {flag} conflicts with {member} null")
    if rtb is not None:
        _check_own_table(world, tgw_id, rtb)
    return True, rtb or named


def _check_own_table(world: World, tgw_id: str, rtb_id: str) -> None:
    node = world.node(rtb_id)
    if node is None or node["kind"] != tgw_route_tables.KIND:
        if not is_id_of(tgw_route_tables.PREFIX, rtb_id):
            raise Malformed(f"Invalid Transit Gateway Route Table id {rtb_id}.",
                            "InvalidRouteTableID.Malformed")
        raise NotFound(f"Transit Gateway Route Table {rtb_id} was deleted or does not exist.",
                       "InvalidRouteTableID.NotFound")
    if tgw_route_tables.gateway_of(world, rtb_id) != tgw_id:
        raise NotFound(f"Transit Gateway Route Table {rtb_id} was deleted or does not exist "
                       f"in Transit Gateway {tgw_id}.", "InvalidRouteTableID.NotFound")


# -- views and filters --------------------------------------------------------------------------
def arn(node: dict[str, Any], tgw_id: str) -> str:
    return f"arn:aws:ec2:{node['region']}:{node['account']}:transit-gateway/{tgw_id}"


def options_view(world: World, tgw_id: str) -> dict[str, Any]:
    """boto3's `TransitGatewayOptions`, the default table ids read from the tables."""
    opts = options(world, tgw_id)
    out: dict[str, Any] = {"AmazonSideAsn": opts["AmazonSideAsn"]}
    if opts.get("TransitGatewayCidrBlocks"):
        out["TransitGatewayCidrBlocks"] = list(opts["TransitGatewayCidrBlocks"])
    out["AutoAcceptSharedAttachments"] = opts["AutoAcceptSharedAttachments"]
    for flag, (member, _) in DEFAULT_TABLES.items():
        out[flag] = opts[flag]
        rtb = default_table(world, tgw_id, flag)
        if rtb is not None:
            out[member] = rtb
    for name in ("VpnEcmpSupport", "DnsSupport", "SecurityGroupReferencingSupport",
                 "MulticastSupport", "EncryptionSupport"):
        if name in opts:
            out[name] = opts[name]
    return out


def view(world: World, tgw_id: str) -> dict[str, Any]:
    """The gateway as boto3's `TransitGateway`."""
    node = world.graph.nodes[tgw_id]
    out: dict[str, Any] = {
        "TransitGatewayId": tgw_id,
        "TransitGatewayArn": arn(node, tgw_id),
        "State": node["State"],
        "OwnerId": node["account"],
    }
    if "Description" in node:
        out["Description"] = node["Description"]
    out["CreationTime"] = node["CreationTime"]
    out["Options"] = options_view(world, tgw_id)
    out["Tags"] = tagging.listed(node["tags"])
    return out


def _option(name: str) -> Filter:
    return Filter(lambda w, rid, n: n["Options"].get(name))


def _default_id(flag: str) -> Filter:
    return Filter(lambda w, rid, n: default_table(w, rid, flag))


FILTERS: FilterTable = {
    "options.propagation-default-route-table-id": _default_id("DefaultRouteTablePropagation"),
    "options.amazon-side-asn": _option("AmazonSideAsn"),
    "options.association-default-route-table-id": _default_id("DefaultRouteTableAssociation"),
    "options.auto-accept-shared-attachments": _option("AutoAcceptSharedAttachments"),
    "options.default-route-table-association": _option("DefaultRouteTableAssociation"),
    "options.default-route-table-propagation": _option("DefaultRouteTablePropagation"),
    "options.dns-support": _option("DnsSupport"),
    "options.vpn-ecmp-support": _option("VpnEcmpSupport"),
    "owner-id": owner(),
    "state": field("State"),
    "transit-gateway-id": ident(),
}


# -- import (topology/provision/importer.py) -------------------------------------------------
def imported(imp: Import, item: dict[str, Any]) -> None:
    """A described gateway with its options; its default tables are flagged on the tables
    themselves (`tgw_route_tables.imported`)."""
    given = item.get("Options") or {}
    opts = {**DEFAULT_OPTIONS, **{k: given[k] for k in DEFAULT_OPTIONS if k in given}}
    opts.update({k: given[k] for k in ("TransitGatewayCidrBlocks", "EncryptionSupport")
                 if k in given})
    fields: dict[str, Any] = {"State": item.get("State", "available"),
                              "CreationTime": when_or_now(item.get("CreationTime")),
                              "Options": opts}
    if "Description" in item:
        fields["Description"] = item["Description"]
    imp.add(KIND, item["TransitGatewayId"], item, **fields)


# -- the family: its plain Create/Delete/Describe operations are bound from this (docs/families.md)
FAMILY = declare(Family(
    KIND, view=view, filters=FILTERS, create=create, arguments={"requested": "Options"},
    created_view=lambda world, rid: {**view(world, rid), "State": "pending"}, delete=delete))
