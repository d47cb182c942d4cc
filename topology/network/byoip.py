"""Bring your own IP addresses (BYOIP): address ranges an account proves it owns, provisions
to AWS, advertises from AWS and withdraws.

A `byoip-cidr` node (an internal id: AWS names the range by its CIDR, the value index
`byoip-cidr` finds it) holds `Cidr`, `State`, `Description`, `NetworkBorderGroup` and `PoolId`,
the address pool ProvisionByoipCidr makes for it (`public_ipv4_pools.py`: an `ipv4pool-ec2`
for IPv4, an `ipv6pool-ec2` for IPv6). An ASN brought to IPAM is associated with a range by
an ASSOCIATED edge ipam-byoasn -> byoip-cidr (`byoasn.py`), shown in `AsnAssociations`.

AWS's rules kept here: the most specific prefix is /24 for IPv4, /48 for advertisable IPv6
and /56 for IPv6 that is not; the range is public address space, nobody else's, and
overlaps no range brought to any Region; the CIDR authorization context's message is
`1|aws|<account>|<cidr>|<YYYYMMDD expiry>|SHA256|RSAPSS`, signed; five ranges per Region.
The transitions AWS reports while they settle — pending-provision → provisioned (or
provisioned-not-publicly-advertisable), pending-advertising → advertised,
pending-withdrawal → provisioned, pending-deprovision → gone — are answered in their
transient state and land at once. A range can be deprovisioned only when it is not
advertised and no address of its pool is allocated.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from netaddr import AddrFormatError, IPNetwork

from ..core import addressing, clock, schema
from ..core import tags as tagging
from ..core.errors import (IncorrectState, InvalidParameterValue, LimitExceeded,
                           MissingParameter, NotFound, TopologyError)
from ..core.family import Action, Family, declare
from ..core.registry import Registry
from ..core.world import Partition, World
from . import public_ipv4_pools as pools

KIND = "byoip-cidr"
CIDR = "byoip-cidr"          # value index: CIDR -> the range's node
MAX_RANGES = 5               # AWS's default quota of BYOIP CIDRs per Region
AMAZON_ASNS = ("16509", "14618")
PROVISIONED = "provisioned"
NOT_ADVERTISABLE = "provisioned-not-publicly-advertisable"


# -- validation -------------------------------------------------------------------------------
def parse_cidr(text: str) -> IPNetwork:
    """A CIDR as AWS takes it: a network address with its prefix length."""
    try:
        net = IPNetwork(text)
    except (AddrFormatError, ValueError, TypeError):
        net = None
    if net is None or "/" not in text or net.ip != net.network:
        raise InvalidParameterValue(f"Value ({text}) for parameter cidr is invalid. This is "
                                    "not a valid CIDR block.")
    return net


def _check_shape(net: IPNetwork, advertisable: bool) -> None:
    longest = 24 if net.version == 4 else (48 if advertisable else 56)
    if net.prefixlen > longest:
        raise InvalidParameterValue(
            f"The CIDR {net} is too specific. The most specific prefix you can bring is "
            f"/{longest}.")
    if not net.ip.is_global() or any(net in block or block in net for block in _amazons()):
        raise InvalidParameterValue(f"The CIDR {net} is not a public range you can bring to "
                                    "AWS.")


def _amazons() -> list[IPNetwork]:
    """The blocks ec2sim hands Amazon-provided public addresses from, in every Region."""
    blocks = {*addressing.DEFAULT_PUBLIC_POOL,
              *(b for pool in addressing.PUBLIC_POOLS.values() for b in pool)}
    return [IPNetwork(b) for b in sorted(blocks)]


def _check_context(part: Partition, net: IPNetwork, context: dict[str, Any] | None) -> None:
    """The signed authorization message AWS documents for BYOIP."""
    if context is None:
        raise MissingParameter("The request must contain the parameter "
                               "CidrAuthorizationContext")
    fields = context["Message"].split("|")
    if (len(fields) != 7 or fields[:2] != ["1", "aws"] or fields[5:] != ["SHA256", "RSAPSS"]
            or fields[2] != part.account or fields[3] != str(net)
            or not unexpired(fields[4]) or not context["Signature"].strip()):
        raise InvalidParameterValue(
            "The CIDR authorization context is invalid: the message must be "
            f"1|aws|{part.account}|{net}|YYYYMMDD|SHA256|RSAPSS (an expiry date to come), "
            "signed with the key of the range's RDAP record.")


def unexpired(text: str) -> bool:
    try:
        expiry = dt.datetime.strptime(text, "%Y%m%d").replace(tzinfo=dt.timezone.utc)
    except ValueError:
        return False
    return expiry.date() >= clock.now().date()


def _check_free(world: World, net: IPNetwork) -> None:
    """No range brought to any account or Region overlaps `net`."""
    for part in world.partitions():
        for rid in part.ids(KIND):
            other = IPNetwork(world.graph.nodes[rid]["Cidr"])
            if other.version == net.version and (net in other or other in net):
                raise InvalidParameterValue(
                    f"The CIDR {net} overlaps the BYOIP CIDR {other}, which is already "
                    "provisioned.")


# where else a partition's BYOIP ranges come from (`byoip_ipam`: CIDRs brought to IPAM)
SOURCES: Registry[Callable[[World, Partition], None]] = Registry(
    "bring the partition's BYOIP ranges from another source up to date")


def refresh(world: World, part: Partition) -> None:
    """Bring the ranges other sources hold (IPAM pools) up to date."""
    for _, source in SOURCES.items():
        source(world, part)


def find(world: World, part: Partition, cidr: str) -> str:
    """The range provisioned as exactly `cidr` in the partition."""
    net = parse_cidr(cidr)
    refresh(world, part)
    for rid in world.claimed(part, CIDR, str(net)):
        return rid
    raise NotFound(f"The CIDR '{cidr}' does not exist", "InvalidByoipCidr.NotFound")


# -- the operations ---------------------------------------------------------------------------
def provision(world: World, part: Partition, cidr: str, *,
              cidr_authorization_context: dict[str, Any] | None = None,
              publicly_advertisable: bool | None = None, description: str | None = None,
              pool_tag_specifications: list[dict[str, Any]] | None = None,
              multi_region: bool | None = None,
              network_border_group: str | None = None) -> str:
    """ProvisionByoipCidr: the range and its address pool."""
    net = parse_cidr(cidr)
    kind = pools.KIND if net.version == 4 else pools.V6_KIND
    if publicly_advertisable is False and net.version == 4:
        raise InvalidParameterValue("PubliclyAdvertisable can only be specified for IPv6 "
                                    "ranges.")
    advertisable = publicly_advertisable is not False
    pool_tags = tagging.from_specifications(pool_tag_specifications, kind)
    _check_shape(net, advertisable)
    pools.check_border_group(part, network_border_group)
    _check_context(part, net, cidr_authorization_context)
    _check_free(world, net)
    if len(part.ids(KIND)) >= MAX_RANGES:
        raise LimitExceeded("The number of BYOIP CIDRs for this account has reached the "
                            "maximum allowed limit.", "ResourceLimitExceeded")
    pool_id = pools.new_pool(world, part, kind, description=description,
                             border_group=network_border_group, tags=pool_tags)
    pools.add_cidr(world, pool_id, str(net))
    world.update(pool_id, byoip=True)
    rid = world.new_id("byoip")
    fields: dict[str, Any] = {"Cidr": str(net), "PoolId": pool_id,
                              "State": PROVISIONED if advertisable else NOT_ADVERTISABLE}
    if description:
        fields["Description"] = description
    if net.version == 4:
        fields["NetworkBorderGroup"] = network_border_group or part.region
    world.add(part, KIND, rid, **fields)
    world.claim(part, CIDR, str(net), rid)
    return rid


def advertise(world: World, part: Partition, cidr: str, *, asn: str | None = None,
              network_border_group: str | None = None) -> str:
    """AdvertiseByoipCidr: from AWS's ASNs, or an ASN of yours associated with the range."""
    rid = find(world, part, cidr)
    node = world.graph.nodes[rid]
    pools.check_border_group(part, network_border_group)
    if node["State"] == NOT_ADVERTISABLE:
        raise IncorrectState(f"The CIDR {node['Cidr']} was provisioned as not publicly "
                             "advertisable.", "IncorrectState")
    if node["State"] != PROVISIONED:
        raise IncorrectState(f"The CIDR {node['Cidr']} is {node['State']} and cannot be "
                             "advertised.", "IncorrectState")
    if asn is not None and asn not in AMAZON_ASNS and asn not in asns_of(world, rid):
        raise InvalidParameterValue(f"The ASN {asn} is not associated with the CIDR "
                                    f"{node['Cidr']}.")
    world.update(rid, State="advertised", Asn=asn)
    return rid


def withdraw(world: World, part: Partition, cidr: str) -> str:
    """WithdrawByoipCidr: stop advertising an advertised range."""
    rid = find(world, part, cidr)
    node = world.graph.nodes[rid]
    if node["State"] != "advertised":
        raise IncorrectState(f"The CIDR {node['Cidr']} is not advertised.", "IncorrectState")
    world.update(rid, State=PROVISIONED, Asn=None)
    return rid


def deprovision(world: World, part: Partition, cidr: str) -> dict[str, Any]:
    """DeprovisionByoipCidr: the range and its pool go; answered as pending-deprovision."""
    rid = find(world, part, cidr)
    node = world.graph.nodes[rid]
    if node.get("from_ipam"):
        raise InvalidParameterValue(f"The CIDR {node['Cidr']} was provisioned through IPAM. "
                                    "Deprovision it from its IPAM pool.")
    if node["State"] == "advertised":
        raise IncorrectState(f"The CIDR {node['Cidr']} is advertised. Withdraw it before "
                             "you deprovision it.", "IncorrectState")
    pool_id = node.get("PoolId")
    if pool_id and (pools.in_use(world, part, pool_id, node["Cidr"])
                    or pools.drawn_blocks(world, part, pool_id)):
        raise TopologyError(f"The CIDR {node['Cidr']} has allocated addresses. Release them "
                            "before you deprovision it.", "InvalidByoipCidr.InUse")
    if asns_of(world, rid):
        raise TopologyError(f"The CIDR {node['Cidr']} is associated with an ASN. Disassociate "
                            "it before you deprovision it.", "InvalidByoipCidr.InUse")
    answer = {**view(world, rid), "State": "pending-deprovision"}
    world.remove(rid)
    if pool_id:
        world.remove(pool_id)
    return answer


# -- views ------------------------------------------------------------------------------------
def asns_of(world: World, rid: str) -> list[str]:
    """The ASNs brought to IPAM that are associated with the range."""
    nodes = world.graph.nodes
    return [nodes[a]["Asn"] for a, _, _ in world.into(rid, schema.ASSOCIATED, "ipam-byoasn")]


def view(world: World, rid: str) -> dict[str, Any]:
    """The range as boto3's `ByoipCidr`."""
    node = world.graph.nodes[rid]
    out: dict[str, Any] = {"Cidr": node["Cidr"]}
    if "Description" in node:
        out["Description"] = node["Description"]
    out["AsnAssociations"] = [{"Asn": world.graph.nodes[a]["Asn"], "Cidr": node["Cidr"],
                               "State": data.get("State", "associated")}
                              for a, _, data in world.into(rid, schema.ASSOCIATED,
                                                           "ipam-byoasn")]
    out["State"] = node["State"]
    for member in ("NetworkBorderGroup", "PoolId", "IpamPoolId"):
        if member in node:
            out[member] = node[member]
    return out


FAMILY = declare(Family(KIND, view=view, noun="ByoipCidr", actions={
    "ProvisionByoipCidr": Action(provision, state="pending-provision"),
    "AdvertiseByoipCidr": Action(advertise, state="pending-advertising"),
    "WithdrawByoipCidr": Action(withdraw, state="pending-withdrawal"),
    "DeprovisionByoipCidr": deprovision}))
