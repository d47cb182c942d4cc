"""Traffic Mirror targets: where mirrored packets go (an interface, a Network Load Balancer or
a Gateway Load Balancer endpoint).

A `traffic-mirror-target` node holds `Type`, `Description` and, for a load balancer,
`NetworkLoadBalancerArn` (ec2sim has no Elastic Load Balancing: the ARN is taken as given
once its shape is a network load balancer's). An interface or endpoint target is an
ASSOCIATED edge target -> network-interface / vpc-endpoint, so its view reads the id from
the graph. Sessions name their target through an ASSOCIATED edge session -> target (`target`).

AWS's rules kept here: exactly one of the three destinations; the endpoint must be a Gateway
Load Balancer endpoint; a target a session uses cannot be deleted
(`TrafficMirrorTargetInUse`). The target goes with its interface or endpoint
(`lives_on`), and the sessions that use it with it. A target can be shared with other
accounts (AWS RAM, `core.sharing`): they see it in their describes and mirror to it.
"""
from __future__ import annotations

import re
from typing import Any

from ..core import schema
from ..core import tags as tagging
from ..core.errors import InvalidParameterValue, TopologyError
from ..core.family import Family, declare
from ..core.filters import Filter, field, ident, owner
from ..core.world import Partition, World

KIND = "traffic-mirror-target"
DESTINATIONS = {"NetworkInterfaceId": "network-interface",
                "NetworkLoadBalancerArn": "network-load-balancer",
                "GatewayLoadBalancerEndpointId": "gateway-load-balancer-endpoint"}
NLB_ARN = re.compile(r"^arn:aws[\w-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:"
                     r"loadbalancer/net/[A-Za-z0-9-]{1,32}/[0-9a-f]{16}$")


def _destination(params: dict[str, Any]) -> tuple[str, str]:
    """(member, value) of the one destination the request names."""
    given = [(m, params[m]) for m in DESTINATIONS if params.get(m)]
    if len(given) != 1:
        # moto's code and words (docs/compatibility.md: no evidence either way)
        raise TopologyError(
            "Invalid number of inputs. Only 1 of NetworkInterfaceId, NetworkLoadBalancerArn or "
            "GatewayLoadBalancerEndpointId required.", "InvalidInput")
    return given[0]


def create(world: World, part: Partition, params: dict[str, Any], *,
           tags: dict[str, str] | None = None) -> str:
    """A target for the interface, load balancer or endpoint the request names."""
    member, value = _destination(params)
    fields: dict[str, Any] = {"Type": DESTINATIONS[member],
                              "Description": params.get("Description")}
    linked = None
    if member == "NetworkInterfaceId":
        world.get(part, "network-interface", value)
        linked = value
    elif member == "GatewayLoadBalancerEndpointId":
        endpoint = world.get(part, "vpc-endpoint", value)
        if endpoint.get("VpcEndpointType") != "GatewayLoadBalancer":
            raise InvalidParameterValue(
                f"The VPC endpoint '{value}' is not a Gateway Load Balancer endpoint.")
        linked = value
    else:
        if not NLB_ARN.match(value):
            raise InvalidParameterValue(
                f"Value ({value}) for parameter networkLoadBalancerArn is invalid. The ARN is "
                "not a valid Network Load Balancer ARN.")
        fields["NetworkLoadBalancerArn"] = value
    tmt_id = world.new_id("tmt")
    world.add(part, KIND, tmt_id, **{k: v for k, v in fields.items() if v is not None})
    if linked:
        world.link(tmt_id, linked, schema.ASSOCIATED)
    tagging.apply(world, tmt_id, tags or {})
    return tmt_id


def sessions_of(world: World, tmt_id: str) -> list[str]:
    return [s for s, _, _ in world.into(tmt_id, schema.ASSOCIATED, "traffic-mirror-session")]


def delete(world: World, part: Partition, tmt_id: str) -> None:
    world.get(part, KIND, tmt_id)
    users = sessions_of(world, tmt_id)
    if users:       # the code and wording AWS answers (the API reference's list says ...Exception)
        raise TopologyError(f"Cannot delete {tmt_id}. Target is in use by {users[0]}",
                            "TrafficMirrorTargetInUse")
    world.remove(tmt_id)


def destination(world: World, tmt_id: str) -> str | None:
    """The interface or endpoint the target sends to (None for a load balancer)."""
    found = world.out(tmt_id, schema.ASSOCIATED)
    return found[0][0] if found else None


def vpc_of(world: World, tmt_id: str) -> str | None:
    """The VPC of the target's interface or endpoint."""
    dest = destination(world, tmt_id)
    if dest is None:
        return None
    holders = world.into(dest, schema.CONTAINS)
    while holders and world.graph.nodes[holders[0][0]]["kind"] != "vpc":
        holders = world.into(holders[0][0], schema.CONTAINS)
    return holders[0][0] if holders else None


def view(world: World, tmt_id: str) -> dict[str, Any]:
    """The target as boto3's `TrafficMirrorTarget`."""
    node = world.graph.nodes[tmt_id]
    out: dict[str, Any] = {"TrafficMirrorTargetId": tmt_id}
    dest = destination(world, tmt_id)
    if node["Type"] == "network-interface":
        out["NetworkInterfaceId"] = dest
    elif node["Type"] == "gateway-load-balancer-endpoint":
        out["GatewayLoadBalancerEndpointId"] = dest
    else:
        out["NetworkLoadBalancerArn"] = node["NetworkLoadBalancerArn"]
    out["Type"] = node["Type"]
    if node.get("Description") is not None:
        out["Description"] = node["Description"]
    out["OwnerId"] = node["account"]
    out["Tags"] = tagging.listed(node["tags"])
    return out


def _linked(kind: str) -> Filter:
    return Filter(lambda w, rid, n: destination(w, rid)
                  if n["Type"] == kind else None)


# the documented filters (DescribeTrafficMirrorTargets)
FILTERS: dict[str, Filter] = {
    "description": field("Description"),
    "network-interface-id": _linked("network-interface"),
    "network-load-balancer-arn": field("NetworkLoadBalancerArn"),
    "owner-id": owner(),
    "traffic-mirror-target-id": ident(),
}

FAMILY = declare(Family(KIND, view=view, filters=FILTERS, create=create, delete=delete,
                        shared=True))
