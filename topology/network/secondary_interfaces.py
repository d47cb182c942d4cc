"""Secondary interfaces: the interfaces an instance has in secondary subnets.

A `secondary-interface` node (`si-`) sits in its secondary subnet (CONTAINS edge subnet ->
interface) with its addresses (`ips`, `ipv6`) and, when attached, its `attachment`
(instance, device and card index, status). No operation in this family creates one: AWS
creates them for instances launched into secondary subnets, which ec2sim's RunInstances does
not offer yet, so DescribeSecondaryInterfaces lists what the graph holds (an imported or
loaded state) and otherwise nothing.
"""
from __future__ import annotations

from typing import Any

from ..core import schema
from ..core import tags as tagging
from ..core.filters import Filter, field, ident
from ..core.world import World
from .secondary_networks import arn, network_of

KIND = "secondary-interface"


def subnet_of(world: World, si: str) -> str:
    return world.into(si, schema.CONTAINS, "secondary-subnet")[0][0]


def view(world: World, si: str) -> dict[str, Any]:
    node = world.graph.nodes[si]
    ss = subnet_of(world, si)
    sn = network_of(world, ss)
    out: dict[str, Any] = {
        "AvailabilityZone": world.graph.nodes[ss]["AvailabilityZone"],
        "AvailabilityZoneId": world.graph.nodes[ss]["AvailabilityZoneId"]}
    if node.get("attachment"):
        out["Attachment"] = dict(node["attachment"])
    out.update({"MacAddress": node.get("MacAddress", ""), "OwnerId": node["account"],
                "PrivateIpv4Addresses": [{"PrivateIpAddress": ip}
                                         for ip in node.get("ips", [])],
                "SecondaryInterfaceId": si, "SecondaryInterfaceArn": arn(world, si),
                "SecondaryInterfaceType": "secondary", "SecondarySubnetId": ss,
                "SecondaryNetworkId": sn, "SecondaryNetworkType": world.graph.nodes[sn]["Type"],
                "SourceDestCheck": node.get("SourceDestCheck", True),
                "Status": "in-use" if node.get("attachment") else "available"})
    if node["tags"]:
        out["Tags"] = tagging.listed(node["tags"])
    if node.get("ipv6"):
        out["Ipv6Addresses"] = [{"Ipv6Address": ip} for ip in node["ipv6"]]
    if world.graph.nodes[sn].get("VlanMode"):
        out["VlanMode"] = world.graph.nodes[sn]["VlanMode"]
    return out


def _attached(key: str) -> Filter:
    return Filter(lambda w, rid, n: (n.get("attachment") or {}).get(key))


FILTERS: dict[str, Filter] = {
    "attachment.attachment-id": _attached("AttachmentId"),
    "attachment.ena-queue-count": _attached("EnaQueueCount"),
    "attachment.instance-id": _attached("InstanceId"),
    "attachment.instance-owner-id": _attached("InstanceOwnerId"),
    "attachment.status": _attached("Status"),
    "ipv6-addresses.ipv6-address": field("ipv6"),
    "private-ipv4-addresses.private-ip-address": field("ips"),
    "owner-id": Filter(lambda w, rid, n: n["account"]),
    "secondary-interface-arn": Filter(lambda w, rid, n: arn(w, rid)),
    "secondary-interface-id": ident(),
    "secondary-interface-type": Filter(lambda w, rid, n: "secondary"),
    "secondary-network-id": Filter(lambda w, rid, n: network_of(w, subnet_of(w, rid))),
    "secondary-network-type": Filter(
        lambda w, rid, n: w.graph.nodes[network_of(w, subnet_of(w, rid))]["Type"]),
    "secondary-subnet-id": Filter(lambda w, rid, n: subnet_of(w, rid)),
    "status": Filter(lambda w, rid, n: "in-use" if n.get("attachment") else "available"),
    "vlan-mode": Filter(lambda w, rid, n: w.graph.nodes[network_of(w, subnet_of(w, rid))].get(
        "VlanMode")),
}

from ..core.family import Family, declare  # noqa: E402  (kept beside the declaration)

FAMILY = declare(Family(KIND, view=view, filters=FILTERS, max_results=(5, 1000)))
