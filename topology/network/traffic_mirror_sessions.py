"""Traffic Mirror sessions: copy the packets of a source interface to a target.

A `traffic-mirror-session` node holds `SessionNumber`, `VirtualNetworkId`, `PacketLength`
(absent: the whole packet) and `Description`; ASSOCIATED edges name its source interface
(`source`), its target (`target`) and its filter (`filter`). The session goes with its source
interface (`lives_on`): deleting the interface deletes it.

AWS's rules kept here: the source must be attached to an instance on the Nitro system (the
instance type's `Hypervisor` in the catalogue) and may not be the target's own interface;
session numbers 1-32766, unique per source; at most 3 sessions per source
(`TrafficMirrorSessionsPerInterfaceLimitExceeded`) and 10 sources per interface target
(`TrafficMirrorSourcesPerTargetLimitExceeded`); packet lengths 1-8500; a VXLAN id
(0-16777215) chosen at random, unique in the account, when none is given; the target in the
source's VPC, or joined to it by a peering connection or transit gateway (not checked:
reachability is the analyser's).
"""
from __future__ import annotations

from typing import Any

from ..catalogue import instance_types
from ..core import schema, sharing
from ..core import tags as tagging
from ..core.errors import InvalidParameterCombination, InvalidParameterValue, TopologyError
from ..core.family import Family, declare
from ..core.filters import Filter, field, ident, owner
from ..core.world import Partition, World
from . import traffic_mirror_filters as mirror_filters
from . import traffic_mirror_targets as targets

KIND = "traffic-mirror-session"
MAX_PER_SOURCE = 3
MAX_SOURCES_PER_TARGET = 10
MAX_VNI = 16777215
VNI = "traffic-mirror-vni"          # value index: VXLAN id -> session (unique per account)
REMOVABLE = {"packet-length": "PacketLength", "description": "Description",
             "virtual-network-id": "VirtualNetworkId"}


def _linked(world: World, tms_id: str, role: str) -> str:
    return next(v for v, disc, _ in world.out(tms_id, schema.ASSOCIATED) if disc == role)


def source(world: World, tms_id: str) -> str:
    return _linked(world, tms_id, "source")


def sessions_from(world: World, eni_id: str) -> list[str]:
    return [s for s, disc, _ in world.into(eni_id, schema.ASSOCIATED, KIND) if disc == "source"]


def _check_source(world: World, part: Partition, eni_id: str) -> None:
    world.get(part, "network-interface", eni_id)
    instances = world.out(eni_id, schema.ATTACHED, "instance")
    itype = world.graph.nodes[instances[0][0]].get("InstanceType") if instances else None
    info = instance_types.get(itype) if itype else None
    if info is None or info.get("Hypervisor") != "nitro" and not info.get("BareMetal"):
        raise InvalidParameterValue(
            f"{eni_id} must be attached to a supported instance. Traffic mirroring is "
            "supported on instances built on the Nitro System.")


def _check_number(value: int) -> None:
    if not 1 <= value <= 32766:
        raise InvalidParameterValue(
            f"Value ({value}) for parameter sessionNumber is invalid. Session number must be "
            "between 1 and 32766.")


def _check_length(value: int | None) -> None:
    if value is not None and not 1 <= value <= 8500:
        raise InvalidParameterValue(
            f"Value ({value}) for parameter packetLength is invalid. Packet length must be "
            "between 1 and 8500.")


def _vni(world: World, part: Partition, value: int | None, tms_id: str | None = None) -> int:
    """The requested VXLAN id (checked unique in the account), else a free random one."""
    if value is None:
        while True:
            value = world.rng.randrange(1, MAX_VNI + 1)
            if not world.claimed(part, VNI, value):
                return value
    if not 0 <= value <= MAX_VNI:
        raise InvalidParameterValue(
            f"Value ({value}) for parameter virtualNetworkId is invalid. The VXLAN id must be "
            f"between 0 and {MAX_VNI}.")
    if world.claimed(part, VNI, value) - {tms_id}:
        raise InvalidParameterValue(
            f"The virtual network ID {value} is already in use by another session.")
    return value


def _check_target(world: World, eni_id: str, tmt_id: str, tms_id: str | None = None) -> None:
    if targets.destination(world, tmt_id) == eni_id:
        raise InvalidParameterCombination(
            "The source network interface cannot be the traffic mirror target.")
    if world.graph.nodes[tmt_id]["Type"] != "network-interface":
        return
    sources = {source(world, s) for s in targets.sessions_of(world, tmt_id) if s != tms_id}
    if eni_id not in sources and len(sources) >= MAX_SOURCES_PER_TARGET:
        raise TopologyError(f"Sources per interface-target limit reached "
                            f"({MAX_SOURCES_PER_TARGET}).",
                            "TrafficMirrorSourcesPerTargetLimitExceeded")


def _check_slot(world: World, eni_id: str, number: int, tms_id: str | None = None) -> None:
    others = [s for s in sessions_from(world, eni_id) if s != tms_id]
    if any(world.graph.nodes[s]["SessionNumber"] == number for s in others):
        raise InvalidParameterValue(
            f"Session number {number} is already in use for network interface {eni_id}.")
    if len(others) >= MAX_PER_SOURCE:
        raise TopologyError(f"The maximum number of sessions ({MAX_PER_SOURCE}) for "
                            f"network interface {eni_id} has been reached.",
                            "TrafficMirrorSessionsPerInterfaceLimitExceeded")


def create(world: World, part: Partition, network_interface_id: str,
           traffic_mirror_target_id: str, traffic_mirror_filter_id: str, session_number: int,
           packet_length: int | None = None, virtual_network_id: int | None = None,
           description: str | None = None, *, tags: dict[str, str] | None = None) -> str:
    """A session mirroring the interface's traffic through the filter to the target."""
    _check_source(world, part, network_interface_id)
    sharing.usable(world, part, targets.KIND, traffic_mirror_target_id)   # own or shared
    world.get(part, mirror_filters.KIND, traffic_mirror_filter_id)
    _check_number(session_number)
    _check_length(packet_length)
    _check_target(world, network_interface_id, traffic_mirror_target_id)
    _check_slot(world, network_interface_id, session_number)
    vni = _vni(world, part, virtual_network_id)
    if packet_length is None and world.graph.nodes[traffic_mirror_target_id]["Type"] == \
            "network-load-balancer":
        packet_length = 8500        # AWS's default for a load balancer target
    tms_id = world.new_id("tms")
    fields = {"SessionNumber": session_number, "VirtualNetworkId": vni,
              "PacketLength": packet_length, "Description": description}
    world.add(part, KIND, tms_id, **{k: v for k, v in fields.items() if v is not None})
    world.claim(part, VNI, vni, tms_id)
    world.link(tms_id, network_interface_id, schema.ASSOCIATED, "source")
    world.link(tms_id, traffic_mirror_target_id, schema.ASSOCIATED, "target")
    world.link(tms_id, traffic_mirror_filter_id, schema.ASSOCIATED, "filter")
    tagging.apply(world, tms_id, tags or {})
    return tms_id


def delete(world: World, part: Partition, tms_id: str) -> None:
    world.get(part, KIND, tms_id)
    world.remove(tms_id)


def _relink(world: World, tms_id: str, role: str, new: str) -> None:
    world.unlink(tms_id, _linked(world, tms_id, role), schema.ASSOCIATED, role)
    world.link(tms_id, new, schema.ASSOCIATED, role)


def modify(world: World, part: Partition, traffic_mirror_session_id: str,
           params: dict[str, Any]) -> str:
    """Change the target, filter, number, length, VXLAN id or description; `RemoveFields`
    resets the packet length (whole packets), description or VXLAN id (a new random one)."""
    tms_id = traffic_mirror_session_id
    node = world.get(part, KIND, tms_id)
    removed = [REMOVABLE[f] for f in params.get("RemoveFields") or []]
    both = [m for m in removed if params.get(m) is not None]
    if both:
        raise InvalidParameterCombination(
            f"The parameter {both[0]} cannot be both set and removed in the same request.")
    eni_id = source(world, tms_id)
    target = params.get("TrafficMirrorTargetId")
    if target is not None:
        sharing.usable(world, part, targets.KIND, target)
        _check_target(world, eni_id, target, tms_id)
    tmf = params.get("TrafficMirrorFilterId")
    if tmf is not None:
        world.get(part, mirror_filters.KIND, tmf)
    number = params.get("SessionNumber")
    if number is not None:
        _check_number(number)
        _check_slot(world, eni_id, number, tms_id)
    _check_length(params.get("PacketLength"))
    vni = params.get("VirtualNetworkId")
    if vni is not None or "VirtualNetworkId" in removed:
        vni = _vni(world, part, vni, tms_id)
        world.unclaim(part, VNI, node["VirtualNetworkId"], tms_id)
        world.claim(part, VNI, vni, tms_id)
    changes = {k: params[k] for k in ("SessionNumber", "PacketLength", "Description")
               if params.get(k) is not None}
    changes.update({m: None for m in removed if m != "VirtualNetworkId"})
    if vni is not None:
        changes["VirtualNetworkId"] = vni
    world.update(tms_id, **changes)
    if target is not None:
        _relink(world, tms_id, "target", target)
    if tmf is not None:
        _relink(world, tms_id, "filter", tmf)
    return tms_id


def view(world: World, tms_id: str) -> dict[str, Any]:
    """The session as boto3's `TrafficMirrorSession`."""
    node = world.graph.nodes[tms_id]
    out: dict[str, Any] = {"TrafficMirrorSessionId": tms_id,
                           "TrafficMirrorTargetId": _linked(world, tms_id, "target"),
                           "TrafficMirrorFilterId": _linked(world, tms_id, "filter"),
                           "NetworkInterfaceId": source(world, tms_id),
                           "OwnerId": node["account"]}
    for key in ("PacketLength", "SessionNumber", "VirtualNetworkId", "Description"):
        if node.get(key) is not None:
            out[key] = node[key]
    out["Tags"] = tagging.listed(node["tags"])
    return out


def _edge(role: str) -> Filter:
    return Filter(lambda w, rid, n: _linked(w, rid, role))


FILTERS: dict[str, Filter] = {
    "description": field("Description"),
    "network-interface-id": _edge("source"),
    "owner-id": owner(),
    "packet-length": field("PacketLength"),
    "session-number": field("SessionNumber"),
    "traffic-mirror-filter-id": _edge("filter"),
    "traffic-mirror-session-id": ident(),
    "traffic-mirror-target-id": _edge("target"),
    "virtual-network-id": field("VirtualNetworkId"),
}

FAMILY = declare(Family(KIND, view=view, filters=FILTERS, create=create, delete=delete,
                        actions={"ModifyTrafficMirrorSession": modify}))
