"""A reachability path over a scene: which boxes and links it runs through, where it stops.

Takes the routing engine's answer (`routing.Analysis`, or anything with `forward_path` and
`explanations`, or a NetworkInsightsAnalysis-shaped dict with `ForwardPathComponents` and
`Explanations`): lists of AWS `PathComponent` / `Explanation` dicts whose components carry
their id at `["Component"]["Id"]`. Components the picture does not draw (security groups,
network ACLs, route tables, a folded instance) land on the node that stands for them
(`Scene.resolve`). A bare resource id highlights that one resource.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .scene import LEAF, Scene

# Where an explanation names the component that blocks, most telling first.
BLOCKING_KEYS = ("Component", "Acl", "SecurityGroup", "RouteTable", "SubnetRouteTable",
                 "InternetGateway", "NatGateway", "VpcPeeringConnection", "VpcEndpoint",
                 "VpnConnection", "VpnGateway", "TransitGateway", "TransitGatewayRouteTable",
                 "TransitGatewayAttachment", "CustomerGateway", "NetworkInterface",
                 "Subnet", "Vpc", "Destination", "DestinationVpc")
# Keys naming where a blocking component sits, to mark a subnet rather than its whole VPC
CONTEXT_KEYS = ("Subnet", "NetworkInterface")


@dataclass(frozen=True)
class Overlay:
    """What to highlight: `hops` (node ids in path order, repeats merged), `links` (ids
    of the scene's edges the path uses: peering connections, VPN connections), `route`
    (the hops drawn: containers that merely hold another hop are left out), and the node
    the path is `blocked` at with the `reason` (the explanation's code and ids)."""

    hops: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    route: tuple[str, ...] = ()
    blocked: str | None = None
    reason: str = ""
    found: bool | None = None


def overlay(scene: Scene, highlight: Any) -> Overlay | None:
    """The overlay of `highlight` on `scene`; None for no highlight (or nothing drawn).

    `highlight` is None, a resource id, or an analysis (see the module docstring).
    """
    if highlight is None:
        return None
    if isinstance(highlight, str):
        node = scene.resolve(highlight)
        return Overlay(hops=(node,), route=(node,)) if node else None
    path = _get(highlight, "forward_path", "ForwardPathComponents") or []
    explanations = _get(highlight, "explanations", "Explanations") or []
    found = _get(highlight, "network_path_found", "NetworkPathFound")
    edge_ids = {e.id for e in scene.edges}
    hops: list[str] = []
    links: list[str] = []
    for component in sorted(path, key=lambda c: c.get("SequenceNumber", 0)):
        for rid in _ids(component):
            if rid in edge_ids:
                links.append(rid)
            node = scene.resolve(rid)
            if node is not None and (not hops or hops[-1] != node):
                hops.append(node)
    blocked, reason = _blocking(scene, explanations) if found is not True else (None, "")
    route = [h for h in hops if not any(h in scene.ancestors(o) for o in hops if o != h)]
    return Overlay(tuple(hops), tuple(dict.fromkeys(links)), tuple(route), blocked, reason,
                   found if isinstance(found, bool) else None)


def _get(source: Any, attr: str, key: str) -> Any:
    if isinstance(source, Mapping):
        return source.get(attr, source.get(key))
    return getattr(source, attr, None)


def _ids(component: Mapping[str, Any]) -> Iterable[str]:
    """The component's own id, then what it is attached to."""
    for key in ("Component", "AttachedTo"):
        inner = component.get(key)
        if isinstance(inner, Mapping) and isinstance(inner.get("Id"), str):
            yield inner["Id"]


def _blocking(scene: Scene, explanations: list[Mapping[str, Any]]) -> tuple[str | None, str]:
    """The node the first explanation blames, and why (no node if the picture does not
    show what it blames: an unknown resource, another account's)."""
    for explanation in explanations:
        named = [(key, explanation[key]["Id"]) for key in BLOCKING_KEYS
                 if isinstance(explanation.get(key), Mapping) and "Id" in explanation[key]]
        for key, rid in named:
            node = scene.resolve(rid)
            if node is None:
                continue
            node = _narrower(scene, node, explanation)
            groups = [g["Id"] for g in explanation.get("SecurityGroups") or ()
                      if isinstance(g, Mapping) and "Id" in g]
            code = explanation.get("ExplanationCode", "")
            what = rid + (f" ({', '.join(groups)})" if groups else "")
            return node, f"{code}: {what}" if code else what
    if explanations:
        first = explanations[0]
        named = [first[k]["Id"] for k in BLOCKING_KEYS
                 if isinstance(first.get(k), Mapping) and "Id" in first[k]]
        return None, ": ".join(x for x in (first.get("ExplanationCode", ""), *named[:1]) if x)
    return None, ""


def _narrower(scene: Scene, node: str, explanation: Mapping[str, Any]) -> str:
    """A subnet (or interface) the explanation names inside the container `node` stands
    for: a network ACL blocks at its subnet, not across its VPC."""
    if scene.nodes[node].role == LEAF:
        return node
    for key in CONTEXT_KEYS:
        inner = explanation.get(key)
        if isinstance(inner, Mapping) and isinstance(inner.get("Id"), str):
            deeper = scene.resolve(inner["Id"])
            if deeper is not None and node in scene.ancestors(deeper):
                return deeper
    return node
