"""Outposts as EC2 sees them: the Outpost, its local gateway, its link aggregation groups
(LAGs) and its service link virtual interfaces.

The EC2 API creates none of these: AWS installs them with the Outpost rack. ec2sim installs
them through `outpost_install.install` (served as `POST /_ec2sim/outposts`, docs/outposts.md),
and EC2 describes them (DescribeLocalGateways, DescribeOutpostLags,
DescribeServiceLinkVirtualInterfaces).

The graph:

* an `outpost` node (`op-...`) holds `OutpostArn` and `AvailabilityZone`;
* `outpost -[CONTAINS]-> local-gateway` (`State`), `outpost -[CONTAINS]-> outpost-lag`
  (`State`) and `outpost -[CONTAINS]-> service-link-virtual-interface` (`Vlan`,
  `LocalAddress`, `PeerAddress`, `PeerBgpAsn`, `ConfigurationState`);
* `service-link-virtual-interface -[ATTACHED]-> outpost-lag` and, from
  `local_gateway_vifs`, `local-gateway-virtual-interface -[ATTACHED]-> outpost-lag`.
"""
from __future__ import annotations

from typing import Any

from ..core import lookups, schema
from ..core import tags as tagging
from ..core.errors import InvalidParameterValue
from ..core.family import Family, declare
from ..core.filters import Filter, FilterTable, field, ident, owner
from ..core.world import Partition, World

OUTPOST, LGW, LAG, SLVIF = ("outpost", "local-gateway", "outpost-lag",
                            "service-link-virtual-interface")
ARN_INDEX = "outpost-arn"        # value index: Outpost ARN -> outpost node


ec2_arn = lookups.ec2_arn


def outpost_arn(part: Partition, outpost_id: str) -> str:
    return f"arn:aws:outposts:{part.region}:{part.account}:outpost/{outpost_id}"


def outpost_by_arn(world: World, part: Partition, arn: str) -> str | None:
    """The caller's Outpost with that ARN (None: no such Outpost here)."""
    found = world.claimed(part, ARN_INDEX, arn)
    return next(iter(found), None)


def check_outpost_arn(world: World, part: Partition, arn: str, *, zone: str | None = None
                      ) -> str:
    """The Outpost an `OutpostArn` parameter names (in `zone`, when given)."""
    outpost = outpost_by_arn(world, part, arn)
    if outpost is None:
        raise InvalidParameterValue(f"The Outpost ARN '{arn}' is not valid or does not exist "
                                    "in this account and Region.")
    there = world.graph.nodes[outpost]["AvailabilityZone"]
    if zone is not None and zone != there:
        raise InvalidParameterValue(f"The Outpost {arn} is in Availability Zone {there}, not "
                                    f"{zone}.")
    return outpost


def outpost_of(world: World, rid: str) -> str:
    """The Outpost a local gateway, LAG or service link interface belongs to."""
    return str(world.into(rid, schema.CONTAINS, OUTPOST)[0][0])


def arn_of(world: World, rid: str) -> str:
    """The ARN of the Outpost of `rid` (an Outpost's own, for an Outpost)."""
    node = world.graph.nodes[rid]
    if node["kind"] != OUTPOST:
        node = world.graph.nodes[outpost_of(world, rid)]
    return str(node["OutpostArn"])


def lgw_of_outpost(world: World, outpost: str) -> str | None:
    found = world.out(outpost, schema.CONTAINS, LGW)
    return found[0][0] if found else None


# -- views -----------------------------------------------------------------------------------
def _tags(node: dict[str, Any]) -> list[dict[str, str]]:
    return tagging.listed(node["tags"])


def view(world: World, lgw_id: str) -> dict[str, Any]:
    """The local gateway as boto3's `LocalGateway`."""
    node = world.graph.nodes[lgw_id]
    return {"LocalGatewayId": lgw_id, "OutpostArn": arn_of(world, lgw_id),
            "OwnerId": node["account"], "State": node["State"], "Tags": _tags(node)}


def lag_view(world: World, lag_id: str) -> dict[str, Any]:
    """The LAG as boto3's `OutpostLag`."""
    node = world.graph.nodes[lag_id]
    on = [v for v, _, _ in world.into(lag_id, schema.ATTACHED)]
    kinds = world.graph.nodes
    return {"OutpostArn": arn_of(world, lag_id), "OwnerId": node["account"],
            "State": node["State"], "OutpostLagId": lag_id,
            "LocalGatewayVirtualInterfaceIds": [
                v for v in on if kinds[v]["kind"] == "local-gateway-virtual-interface"],
            "ServiceLinkVirtualInterfaceIds": [v for v in on if kinds[v]["kind"] == SLVIF],
            "Tags": _tags(node)}


def slvif_view(world: World, vif_id: str) -> dict[str, Any]:
    """The interface as boto3's `ServiceLinkVirtualInterface`."""
    node = world.graph.nodes[vif_id]
    outpost = outpost_of(world, vif_id)
    lag = world.out(vif_id, schema.ATTACHED, LAG)
    return {"ServiceLinkVirtualInterfaceId": vif_id,
            "ServiceLinkVirtualInterfaceArn": ec2_arn(world, vif_id,
                                                      "service-link-virtual-interface"),
            "OutpostId": outpost, "OutpostArn": arn_of(world, outpost),
            "OwnerId": node["account"], "LocalAddress": node["LocalAddress"],
            "PeerAddress": node["PeerAddress"], "PeerBgpAsn": node["PeerBgpAsn"],
            "Vlan": node["Vlan"], "OutpostLagId": lag[0][0] if lag else None,
            "Tags": _tags(node), "ConfigurationState": node["ConfigurationState"]}


# -- filters ---------------------------------------------------------------------------------

def _outpost_arn() -> Filter:
    return Filter(lambda w, rid, n: arn_of(w, rid))


FILTERS: FilterTable = {
    "local-gateway-id": ident(),
    "outpost-arn": _outpost_arn(),
    "owner-id": owner(),
    "state": field("State"),
}


def _slvifs(world: World, lag_id: str) -> list[str]:
    return [v for v, _, _ in world.into(lag_id, schema.ATTACHED, SLVIF)]


def _of_slvifs(read: Any) -> Filter:
    """A LAG filter on a field of its service link interfaces."""
    return Filter(lambda w, rid, n: [read(w, v, w.graph.nodes[v]) for v in _slvifs(w, rid)])


LAG_FILTERS: FilterTable = {
    "service-link-virtual-interface-id": Filter(lambda w, rid, n: _slvifs(w, rid)),
    "service-link-virtual-interface-arn": _of_slvifs(
        lambda w, v, n: ec2_arn(w, v, "service-link-virtual-interface")),
    "outpost-id": Filter(lambda w, rid, n: outpost_of(w, rid)),
    "outpost-arn": _outpost_arn(),
    "owner-id": owner(),
    "vlan": _of_slvifs(lambda w, v, n: n["Vlan"]),
    "local-address": _of_slvifs(lambda w, v, n: n["LocalAddress"]),
    "peer-address": _of_slvifs(lambda w, v, n: n["PeerAddress"]),
    "peer-bgp-asn": _of_slvifs(lambda w, v, n: n["PeerBgpAsn"]),
    "outpost-lag-id": ident(),
    "configuration-state": _of_slvifs(lambda w, v, n: n["ConfigurationState"]),
}


def _lag_of(w: World, rid: str) -> list[str]:
    return [lag for lag, _, _ in w.out(rid, schema.ATTACHED, LAG)]


SLVIF_FILTERS: FilterTable = {
    "outpost-lag-id": Filter(lambda w, rid, n: _lag_of(w, rid)),
    "outpost-arn": _outpost_arn(),
    "owner-id": owner(),
    "state": field("ConfigurationState"),
    "vlan": field("Vlan"),
    "service-link-virtual-interface-id": ident(),
    # the documented name: the local gateway interfaces sharing the interface's LAG
    "local-gateway-virtual-interface-id": Filter(lambda w, rid, n: [
        v for lag in _lag_of(w, rid)
        for v, _, _ in w.into(lag, schema.ATTACHED, "local-gateway-virtual-interface")]),
}


# -- the families: Describe only (AWS installs these with the Outpost) -----------------------
FAMILY = declare(Family(LGW, view=view, filters=FILTERS))
LAG_FAMILY = declare(Family(LAG, view=lag_view, filters=LAG_FILTERS))
SLVIF_FAMILY = declare(Family(SLVIF, view=slvif_view, filters=SLVIF_FILTERS))
