"""Bring your own ASN (BYOASN): a public Autonomous System Number an account proves it owns,
provisioned to one of its IPAMs and associated with its BYOIP CIDRs, so AWS can advertise
those ranges from that ASN.

An `ipam-byoasn` node (an internal id; the value index `byoasn` finds it by ASN) holds `Asn`,
`IpamId` and `State`. An association is an ASSOCIATED edge ipam-byoasn -> byoip-cidr with
data `{State}`, which DescribeByoipCidrs shows as the range's `AsnAssociations`.

AWS's rules kept here: the ASN is public (not 0, 23456, 65535, 4294967295 nor a private
range: 64512-65534 and 4200000000-4294967294); the authorization message is
`1|aws|<account>|<asn>|<YYYYMMDD expiry>|SHA256|RSAPSS`, signed; an ASN is provisioned once;
it is deprovisioned only when no range is associated with it, and disassociated only from a
range it does not advertise. Answers carry the transient states (pending-provision,
pending-deprovision, pending-association, pending-disassociation) and the change lands at once.
"""
from __future__ import annotations

from typing import Any

from ..core import schema
from ..core.errors import IncorrectState, InvalidParameterValue, NotFound, TopologyError
from ..core.family import Action, Family, declare, removed
from ..core.world import Partition, World
from . import byoip

KIND = "ipam-byoasn"
ASN = "byoasn"                 # value index: ASN -> its node
_RESERVED = {0, 23456, 65535, 4294967295}
_PRIVATE = ((64512, 65534), (4200000000, 4294967294))


def check_asn(text: str) -> str:
    try:
        number = int(text)
    except (TypeError, ValueError):
        number = -1
    if not text.isdigit() or not 0 < number < 2 ** 32 or number in _RESERVED or any(
            low <= number <= high for low, high in _PRIVATE):
        raise InvalidParameterValue(f"Value ({text}) for parameter asn is invalid. Specify a "
                                    "public 2-byte or 4-byte ASN.")
    return str(number)


def _check_context(part: Partition, asn: str, context: dict[str, Any]) -> None:
    fields = context["Message"].split("|")
    if (len(fields) != 7 or fields[:2] != ["1", "aws"] or fields[5:] != ["SHA256", "RSAPSS"]
            or fields[2] != part.account or fields[3] != asn
            or not byoip.unexpired(fields[4]) or not context["Signature"].strip()):
        raise InvalidParameterValue(
            "The ASN authorization context is invalid: the message must be "
            f"1|aws|{part.account}|{asn}|YYYYMMDD|SHA256|RSAPSS (an expiry date to come), "
            "signed with the key of the ASN's RDAP record.")


def find(world: World, part: Partition, asn: str) -> str:
    """The ASN provisioned in this account and Region."""
    for rid in world.claimed(part, ASN, asn):
        return rid
    raise NotFound(f"The ASN {asn} is not provisioned.", "InvalidAsn.NotFound")


def provision(world: World, part: Partition, ipam_id: str, asn: str,
              asn_authorization_context: dict[str, Any]) -> str:
    """ProvisionIpamByoasn."""
    world.get(part, "ipam", ipam_id)
    asn = check_asn(asn)
    _check_context(part, asn, asn_authorization_context)
    if any(world.claimed(p, ASN, asn) for p in world.partitions()):
        raise InvalidParameterValue(f"The ASN {asn} is already provisioned.")
    rid = world.new_id("byoasn")
    world.add(part, KIND, rid, Asn=asn, IpamId=ipam_id, State="provisioned")
    world.claim(part, ASN, asn, rid)
    return rid


def deprovision(world: World, part: Partition, ipam_id: str, asn: str) -> dict[str, Any]:
    """DeprovisionIpamByoasn: an ASN no range is associated with."""
    world.get(part, "ipam", ipam_id)
    rid = find(world, part, asn)
    if world.graph.nodes[rid]["IpamId"] != ipam_id:
        raise NotFound(f"The ASN {asn} is not provisioned to {ipam_id}.",
                       "InvalidAsn.NotFound")
    if world.out(rid, schema.ASSOCIATED, byoip.KIND):
        raise TopologyError(f"The ASN {asn} is associated with a BYOIP CIDR. Disassociate "
                            "it first.", "InvalidAsn.InUse")
    return removed(world, rid, view, "pending-deprovision")


def associate(world: World, part: Partition, asn: str, cidr: str) -> dict[str, Any]:
    """AssociateIpamByoasn: the ASN may advertise the range."""
    rid = find(world, part, check_asn(asn))
    range_id = byoip.find(world, part, cidr)
    cidr = world.graph.nodes[range_id]["Cidr"]
    if any(r == range_id for r, _, _ in world.out(rid, schema.ASSOCIATED, byoip.KIND)):
        raise InvalidParameterValue(f"The ASN {asn} is already associated with {cidr}.")
    world.link(rid, range_id, schema.ASSOCIATED, State="associated")
    return {"Asn": world.graph.nodes[rid]["Asn"], "Cidr": cidr, "State": "pending-association"}


def disassociate(world: World, part: Partition, asn: str, cidr: str) -> dict[str, Any]:
    """DisassociateIpamByoasn: not while the range is advertised from this ASN."""
    rid = find(world, part, check_asn(asn))
    range_id = byoip.find(world, part, cidr)
    node = world.graph.nodes[range_id]
    if not any(r == range_id for r, _, _ in world.out(rid, schema.ASSOCIATED, byoip.KIND)):
        raise InvalidParameterValue(f"The ASN {asn} is not associated with {node['Cidr']}.")
    if node["State"] == "advertised" and node.get("Asn") == world.graph.nodes[rid]["Asn"]:
        raise IncorrectState(f"The CIDR {node['Cidr']} is advertised from ASN {asn}. Withdraw "
                             "it first.", "IncorrectState")
    world.unlink(rid, range_id, schema.ASSOCIATED)
    return {"Asn": world.graph.nodes[rid]["Asn"], "Cidr": node["Cidr"],
            "State": "pending-disassociation"}


def view(world: World, rid: str) -> dict[str, Any]:
    """The ASN as boto3's `Byoasn`."""
    node = world.graph.nodes[rid]
    return {"Asn": node["Asn"], "IpamId": node["IpamId"], "State": node["State"]}


FAMILY = declare(Family(KIND, view=view, noun="IpamByoasn", actions={
    "ProvisionIpamByoasn": Action(provision, state="pending-provision"),
    "DeprovisionIpamByoasn": deprovision,
    "AssociateIpamByoasn": associate, "DisassociateIpamByoasn": disassociate}))
