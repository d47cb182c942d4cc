"""What a diagram shows: nodes nested by containment, the links between them, and aliases.

A `Scene` is plain data, read from the graph once (`viz.snapshot`) and then laid out and
rendered without the world. Containment is a tree: an account/region box holds VPCs,
transit gateways, customer gateways and peers outside the picture; a VPC holds its
Availability Zones and, on its border, its gateways and transit gateway attachments; a
zone holds subnets; a subnet holds instances, interfaces, NAT gateways and endpoints.
Links (`Edge`) are what containment cannot say: peering connections between VPC borders,
attachment taps onto a transit gateway's bus, VPN connections, an instance's extra
interfaces. `aliases` maps the ids of resources that are not drawn (route tables, network
ACLs, security groups, an instance's primary interface, what a zoom level folded away) to
the node that stands for them, so a reachability path can be drawn over any scene.

Node ids are AWS ids; the boxes with no AWS id of their own get dotted names that are valid
XML ids: `region.<account>.<region>`, `az.<vpc>.<zone>`, `instances.<subnet>`,
`external.<vpc>`.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

# What each kind of node is to the layout: a box holding others, a box on its parent's
# border, a bar other nodes tap onto, or a leaf.
CONTAINER, BORDER, BUS, LEAF = "container", "border", "bus", "leaf"
ROLES: dict[str, str] = {
    "region": CONTAINER,
    "vpc": CONTAINER,
    "az": CONTAINER,
    "subnet": CONTAINER,
    "internet-gateway": BORDER,
    "egress-only-internet-gateway": BORDER,
    "vpn-gateway": BORDER,
    "carrier-gateway": BORDER,
    "local-gateway": BORDER,
    "gateway-endpoint": BORDER,
    "transit-gateway-attachment": BORDER,
    "transit-gateway": BUS,
}

# How a node kind reads in a label and a count ("3 instances").
NOUNS: dict[str, tuple[str, str]] = {
    "region": ("region", "regions"),
    "vpc": ("VPC", "VPCs"),
    "az": ("zone", "zones"),
    "subnet": ("subnet", "subnets"),
    "instance": ("instance", "instances"),
    "network-interface": ("ENI", "ENIs"),
    "nat-gateway": ("NAT gateway", "NAT gateways"),
    "vpc-endpoint": ("endpoint", "endpoints"),
    "gateway-endpoint": ("gateway endpoint", "gateway endpoints"),
    "internet-gateway": ("internet gateway", "internet gateways"),
    "egress-only-internet-gateway": ("egress-only gateway", "egress-only gateways"),
    "vpn-gateway": ("VPN gateway", "VPN gateways"),
    "carrier-gateway": ("carrier gateway", "carrier gateways"),
    "local-gateway": ("local gateway", "local gateways"),
    "transit-gateway": ("transit gateway", "transit gateways"),
    "transit-gateway-attachment": ("TGW attachment", "TGW attachments"),
    "customer-gateway": ("customer gateway", "customer gateways"),
    "route-server-endpoint": ("route server endpoint", "route server endpoints"),
    "client-vpn-endpoint": ("Client VPN endpoint", "Client VPN endpoints"),
    "instance-connect-endpoint": ("Instance Connect endpoint", "Instance Connect endpoints"),
    "verified-access-endpoint": ("Verified Access endpoint", "Verified Access endpoints"),
    "external": ("peer outside the picture", "peers outside the picture"),
    "instances": ("instance group", "instance groups"),
}


def plural(kind: str, n: int) -> str:
    """`3 instances`, `1 subnet`."""
    one, many = NOUNS.get(kind, (kind, kind + "s"))
    return f"{n} {one if n == 1 else many}"


@dataclass(frozen=True)
class Node:
    """One box of the diagram.

    `kind` is the resource kind (`vpc`, `subnet`, `instance`, ...) or one of the diagram's
    own: `region` (an account in a region), `az`, `instances` (a subnet's instances folded
    into one node), `external` (a peer outside the picture), `gateway-endpoint` (a
    gateway endpoint, drawn on its VPC's border).
    `counts` says what a folded node stands for, as `(kind, n)` pairs in a fixed order.
    `flags` are facts the picture shows by style: `public` / `private` (a subnet with or
    without a route to an internet gateway), `default` (a default VPC).
    """

    id: str
    kind: str
    parent: str | None
    name: str | None = None
    cidrs: tuple[str, ...] = ()
    detail: tuple[str, ...] = ()
    state: str | None = None
    counts: tuple[tuple[str, int], ...] = ()
    flags: tuple[str, ...] = ()

    @property
    def role(self) -> str:
        return ROLES.get(self.kind, LEAF)

    def lines(self) -> list[str]:
        """The label, first line first: the Name tag (or the kind), the id, then the CIDRs,
        then details and counts."""
        counted = ", ".join(plural(kind, n) for kind, n in self.counts)
        if self.kind == "instances":
            return [counted]
        out = [self.name or _TITLES.get(self.kind) or self.kind]
        if not self.id.startswith(_SYNTHETIC):
            out.append(self.id)
        if self.cidrs:
            out.append("  ".join(self.cidrs))
        out.extend(self.detail)
        if counted:
            out.append(counted)
        return out


# synthetic ids (no AWS id of their own) are not repeated in the label
_SYNTHETIC = ("region.", "az.", "instances.", "external.")
_TITLES = {"internet-gateway": "Internet gateway", "egress-only-internet-gateway":
           "Egress-only IGW", "vpn-gateway": "VPN gateway", "carrier-gateway": "Carrier gateway",
           "nat-gateway": "NAT gateway", "transit-gateway": "Transit gateway",
           "transit-gateway-attachment": "TGW attachment", "customer-gateway": "Customer gateway",
           "network-interface": "ENI", "vpc-endpoint": "Endpoint",
           "gateway-endpoint": "Gateway endpoint", "instance": "Instance", "vpc": "VPC",
           "subnet": "Subnet", "route-server-endpoint": "Route server endpoint",
           "client-vpn-endpoint": "Client VPN endpoint",
           "instance-connect-endpoint": "Instance Connect endpoint",
           "verified-access-endpoint": "Verified Access endpoint"}


@dataclass(frozen=True)
class Edge:
    """A link that containment does not show.

    `kind`: `peering` (VPC to VPC, `id` the connection), `tap` (a transit gateway attachment
    onto its gateway's bus), `tgw-peering` (gateway to gateway), `vpn` (a VPN connection,
    gateway to customer gateway), `interface` (an instance to an extra interface), `bgp` (a
    route server endpoint to a peer's device, `id` the peer).
    """

    id: str
    kind: str
    source: str
    target: str
    name: str | None = None
    state: str | None = None

    def label(self) -> str:
        # the resource's id (an edge id adds a dotted suffix where a node has that id)
        text = self.id.partition(".")[0] if self.kind in ("peering", "vpn", "tgw-peering") else ""
        if self.name and text:
            text = f"{self.name} {text}"
        return text


@dataclass
class Scene:
    """Nodes in drawing order (a parent before its children, siblings sorted), edges
    sorted, aliases, and the zoom level the scene is drawn at."""

    nodes: dict[str, Node]
    edges: list[Edge] = field(default_factory=list)
    aliases: dict[str, str] = field(default_factory=dict)
    zoom: str = "instance"
    filters: dict[str, Any] = field(default_factory=dict)
    children: dict[str | None, list[str]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.children = {}
        for node in self.nodes.values():
            self.children.setdefault(node.parent, []).append(node.id)

    def roots(self) -> list[str]:
        return self.children.get(None, [])

    def kids(self, node_id: str) -> list[str]:
        return self.children.get(node_id, [])

    def walk(self, node_id: str | None = None) -> Iterator[Node]:
        """The nodes under `node_id` (all of them for None), parents first."""
        for child in self.children.get(node_id, []):
            yield self.nodes[child]
            yield from self.walk(child)

    def role(self, node_id: str) -> str:
        """The node's role here: a border kind off a VPC's border (a VPN attachment in its
        region) is a plain leaf."""
        node = self.nodes[node_id]
        if node.role == BORDER and (node.parent is None
                                    or self.nodes[node.parent].kind != "vpc"):
            return LEAF
        return node.role

    def resolve(self, rid: str) -> str | None:
        """The node drawn for resource `rid`: itself, or what stands for it."""
        seen = set()
        while rid not in self.nodes:
            if rid in seen or rid not in self.aliases:
                return None
            seen.add(rid)
            rid = self.aliases[rid]
        return rid

    def ancestors(self, node_id: str) -> list[str]:
        """The node's containers, nearest first."""
        out = []
        parent = self.nodes[node_id].parent
        while parent is not None:
            out.append(parent)
            parent = self.nodes[parent].parent
        return out
