"""Installing an Outpost: what AWS sets up with an Outpost rack and the EC2 API cannot create.

`install(world, part, spec)` adds, in one partition, an Outpost with its local gateway, the
gateway's default route table, LAGs with their service link virtual interfaces, and virtual
interface groups with their virtual interfaces (associated with the default table, as AWS
sets them up). Everything else (more route tables, VPC associations, routes, CoIP pools) is
then made through the EC2 API. The spec is plain JSON (docs/outposts.md):

    {"AvailabilityZone": "us-east-1a",                     # required
     "OutpostArn": "arn:aws:outposts:...:outpost/op-...",  # optional: made up
     "RouteTableMode": "direct-vpc-routing",               # or "coip"
     "Tags": {"Name": "rack-1"},                           # on the local gateway
     "Lags": [{"ServiceLinkVirtualInterfaces": [{"Vlan": 100, "LocalAddress": "...",
                                                 "PeerAddress": "...", "PeerBgpAsn": 65000}]}],
     "VirtualInterfaceGroups": [{"LocalBgpAsn": 65010, "VirtualInterfaces": [
         {"Lag": 0, "Vlan": 2410, "LocalAddress": "10.255.0.1/30",
          "PeerAddress": "10.255.0.2/30", "PeerBgpAsn": 65000}]}]}

Without `Lags` there is one LAG with one service link interface; without
`VirtualInterfaceGroups`, one group (ASN 65010) with one interface on the first LAG.
Returns the ids made. A bad spec raises `InvalidParameterValue` and (inside a request)
changes nothing.
"""
from __future__ import annotations

import re
from typing import Any

from ..core import regions, schema
from ..core import tags as tagging
from ..core.errors import InvalidParameterValue
from ..core.world import Partition, World
from . import local_gateway_route_tables as tables
from . import local_gateway_vifs as vifs
from . import outposts

ARN = re.compile(r"^arn:aws[a-z-]*:outposts:([a-z0-9-]+):(\d{12}):outpost/(op-[0-9a-f]{8,17})$")
DEFAULT_LAG = {"ServiceLinkVirtualInterfaces": [
    {"Vlan": 100, "LocalAddress": "169.254.100.1/30", "PeerAddress": "169.254.100.2/30",
     "PeerBgpAsn": 65000}]}
DEFAULT_GROUP = {"LocalBgpAsn": 65010, "VirtualInterfaces": [
    {"Lag": 0, "Vlan": 2410, "LocalAddress": "10.255.0.1/30", "PeerAddress": "10.255.0.2/30",
     "PeerBgpAsn": 65000}]}


def _bad(message: str) -> InvalidParameterValue:
    return InvalidParameterValue(f"Outpost spec: {message}")


def _arn(world: World, part: Partition, spec: dict[str, Any]) -> tuple[str, str]:
    """(Outpost id, ARN) of the spec, checked against the partition; made up when absent."""
    text = spec.get("OutpostArn")
    if text is None:
        outpost = world.new_id("op")
        return outpost, outposts.outpost_arn(part, outpost)
    found = ARN.match(str(text))
    if found is None:
        raise _bad(f"OutpostArn {text!r} is not an Outpost ARN "
                   "(arn:aws:outposts:<region>:<account>:outpost/op-<hex>)")
    if (found.group(1), found.group(2)) != (part.region, part.account):
        raise _bad(f"OutpostArn {text} is not of account {part.account} in {part.region}")
    if outposts.outpost_by_arn(world, part, str(text)) is not None or found.group(3) in \
            world.graph:
        raise _bad(f"the Outpost {text} is already installed")
    return found.group(3), str(text)


def _zone(part: Partition, spec: dict[str, Any]) -> str:
    zone = spec.get("AvailabilityZone")
    names = [z["ZoneName"] for z in regions.zones(part.region)]
    if zone not in names:
        raise _bad(f"AvailabilityZone must be one of {', '.join(names)}")
    return str(zone)


def _list(spec: dict[str, Any], name: str, default: dict[str, Any]) -> list[dict[str, Any]]:
    items = spec.get(name, [default])
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise _bad(f"{name} must be a list of objects")
    return items


def install(world: World, part: Partition, spec: dict[str, Any]) -> dict[str, Any]:
    """Install an Outpost in `part` as `spec` describes; returns the ids made."""
    if not isinstance(spec, dict):
        raise _bad("the body must be a JSON object")
    outpost, arn = _arn(world, part, spec)
    zone = _zone(part, spec)
    mode = spec.get("RouteTableMode", tables.MODES[0])
    if mode not in tables.MODES:
        raise _bad(f"RouteTableMode must be one of {', '.join(tables.MODES)}")
    new_tags = tagging.validate([{"Key": k, "Value": v}
                                 for k, v in (spec.get("Tags") or {}).items()])
    world.add(part, outposts.OUTPOST, outpost, OutpostArn=arn, AvailabilityZone=zone)
    world.claim(part, outposts.ARN_INDEX, arn, outpost)
    lgw = world.new_id("lgw")
    world.add(part, outposts.LGW, lgw, State="available")
    world.link(outpost, lgw, schema.CONTAINS)
    tagging.apply(world, lgw, new_tags)
    table = tables.add_table(world, part, lgw, mode)
    made: dict[str, Any] = {"OutpostId": outpost, "OutpostArn": arn, "AvailabilityZone": zone,
                            "LocalGatewayId": lgw, "LocalGatewayRouteTableId": table,
                            "OutpostLagIds": [], "ServiceLinkVirtualInterfaceIds": [],
                            "LocalGatewayVirtualInterfaceGroupIds": [],
                            "LocalGatewayVirtualInterfaceIds": []}
    for lag_spec in _list(spec, "Lags", DEFAULT_LAG):
        _lag(world, part, outpost, lag_spec, made)
    for group_spec in _list(spec, "VirtualInterfaceGroups", DEFAULT_GROUP):
        _group(world, part, lgw, table, group_spec, made)
    return made


def _lag(world: World, part: Partition, outpost: str, spec: dict[str, Any],
         made: dict[str, Any]) -> None:
    lag = world.new_id("op-lag")
    world.add(part, outposts.LAG, lag, State="available")
    world.link(outpost, lag, schema.CONTAINS)
    made["OutpostLagIds"].append(lag)
    for vif in spec.get("ServiceLinkVirtualInterfaces", []):
        try:
            vlan, local, peer, asn = (int(vif["Vlan"]), str(vif["LocalAddress"]),
                                      str(vif["PeerAddress"]), int(vif["PeerBgpAsn"]))
        except (KeyError, TypeError, ValueError):
            raise _bad("a service link interface needs Vlan, LocalAddress, PeerAddress and "
                       "PeerBgpAsn")
        vifs.check_vlan(world, lag, vlan)
        slvif = world.new_id("sl-vif")
        world.add(part, outposts.SLVIF, slvif, Vlan=vlan, LocalAddress=local,
                  PeerAddress=peer, PeerBgpAsn=asn, ConfigurationState="available")
        world.link(outpost, slvif, schema.CONTAINS)
        world.link(slvif, lag, schema.ATTACHED)
        made["ServiceLinkVirtualInterfaceIds"].append(slvif)


def _group(world: World, part: Partition, lgw: str, table: str, spec: dict[str, Any],
           made: dict[str, Any]) -> None:
    group = vifs.create_group(world, part, lgw, spec.get("LocalBgpAsn"),
                              spec.get("LocalBgpAsnExtended"))
    made["LocalGatewayVirtualInterfaceGroupIds"].append(group)
    for vif in spec.get("VirtualInterfaces", []):
        lags = made["OutpostLagIds"]
        index = vif.get("Lag", 0)
        if not isinstance(index, int) or not 0 <= index < len(lags):
            raise _bad(f"Lag {index!r} is not the index of one of the {len(lags)} LAGs")
        try:
            made["LocalGatewayVirtualInterfaceIds"].append(vifs.create_interface(
                world, part, group, lags[index], int(vif["Vlan"]), str(vif["LocalAddress"]),
                str(vif["PeerAddress"]), vif.get("PeerBgpAsn"), vif.get("PeerBgpAsnExtended")))
        except (KeyError, TypeError, ValueError):
            raise _bad("a virtual interface needs Vlan, LocalAddress, PeerAddress and "
                       "PeerBgpAsn")
    tables.associate_group(world, part, table, group)
