"""Read a `Scene` from the graph: what to draw for some accounts, regions and VPCs.

Everything is found through partition indexes and typed edges (`World.out` / `World.into`),
never by scanning the graph, and sorted, so the same state always gives the same scene.
Resources on their way out (`deleted`, `failed`, `rejected`... states) are left out.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from topology.connect import local_gateway_route_tables as lgw_tables
from topology.core import addressing, schema
from topology.core.world import Partition, World
from topology.network import block_public_access as bpa
from topology.network import network_interfaces as enis
from topology.network import route_server_peers
from topology.network import subnets as subnet_family
from topology.network import vpcs as vpc_family

from .scene import Edge, Node, Scene

GONE = {"deleting", "deleted", "rejected", "failed", "expired", "terminated", "shutting-down"}
# gateways drawn on a VPC's border: the kinds attached to it
BORDER_GATEWAYS = ("internet-gateway", "egress-only-internet-gateway", "vpn-gateway",
                   "carrier-gateway")
# what a subnet holds, in drawing order
LEAF_ORDER = {"nat-gateway": 0, "vpc-endpoint": 1, "route-server-endpoint": 2, "instance": 3,
              "network-interface": 4, "client-vpn-endpoint": 1, "instance-connect-endpoint": 1,
              "verified-access-endpoint": 1}
# resources a VPC contains that are not drawn: a path through them lands on the VPC
VPC_HIDDEN = ("route-table", "network-acl", "security-group", "vpc-cidr-assoc")


def snapshot(world: World, *, account: str | None = None, region: str | None = None,
             vpc: str | Iterable[str] | None = None,
             tags: dict[str, str | None] | None = None) -> Scene:
    """What to draw of `world`, nested account/region › VPC › zone › subnet › resources.

    Parameters
    ----------
    account, region : only this account / region (default: every one with resources).
    vpc : one VPC id or several: only those VPCs, the transit gateways they attach to and
        the customer gateways their VPN connections reach.
    tags : only VPCs carrying all these tags (`{"env": "prod"}`; a value of None matches
        any value of the key), with the same companions as `vpc`.

    Returns
    -------
    Scene, at the `instance` zoom level (everything); `viz.collapse` folds it to a budget.
    Never creates state: regions the world has not used yet are simply absent.
    """
    wanted = {vpc} if isinstance(vpc, str) else (set(vpc) if vpc is not None else None)
    filters = {k: v for k, v in (("account", account), ("region", region),
                                 ("vpc", sorted(wanted) if wanted else None),
                                 ("tags", dict(tags) if tags else None)) if v is not None}
    with world.lock:
        reader = _Reader(world, wanted, tags, narrowed=wanted is not None or bool(tags))
        for part in sorted(world.partitions(), key=lambda p: (p.account, p.region)):
            if not part.account.isdigit():      # AWS's own pseudo-accounts
                continue
            if (account and part.account != account) or (region and part.region != region):
                continue
            reader.region(part)
        reader.links()
    nodes = reader.nodes
    edges = {e.id: e for e in reader.edges if e.source in nodes and e.target in nodes}
    return Scene(nodes, sorted(edges.values(), key=lambda e: (e.kind, e.id)), reader.aliases,
                 "instance", filters)


def index(world: World) -> list[dict[str, Any]]:
    """Every account and region with VPCs, for the web page's index: one dict per
    (account, region) — `account`, `region`, `vpcs` — and per VPC its `id`, `name` (or
    ""), `cidr` (the primary block), `cidrs`, `default` and `counts` (`{"subnets": 2,
    "instances": 5, ...}`; zero counts other than subnets and instances are left out)."""
    out: list[dict[str, Any]] = []
    with world.lock:
        for part in sorted(world.partitions(), key=lambda p: (p.account, p.region)):
            if not part.account.isdigit():
                continue
            rows: list[dict[str, Any]] = [_vpc_row(world, v)
                                          for v in _live(world, world.ids(part, "vpc"))]
            if rows:
                out.append({"account": part.account, "region": part.region,
                            "vpcs": sorted(rows, key=lambda r: (r["default"], r["name"] == "",
                                                                r["name"], r["id"]))})
    return out


def _vpc_row(world: World, vpc_id: str) -> dict[str, Any]:
    node = world.graph.nodes[vpc_id]
    cidrs = _vpc_cidrs(world, vpc_id)
    subnets = [s for s, _, _ in world.out(vpc_id, schema.CONTAINS, "subnet")]
    counts = {"subnets": len(subnets), "instances": sum(
        len(_instances_of(world, s)) for s in subnets)}
    nats = sum(1 for s in subnets for n, _, _ in world.out(s, schema.CONTAINS, "nat-gateway")
               if _alive(world.graph.nodes[n]))
    endpoints = sum(1 for e, _, _ in world.out(vpc_id, schema.CONTAINS, "vpc-endpoint")
                    if _alive(world.graph.nodes[e]))
    counts.update({k: n for k, n in (("NAT gateways", nats), ("endpoints", endpoints)) if n})
    return {"id": vpc_id, "name": node["tags"].get("Name", ""), "cidr": cidrs[0] if cidrs else "",
            "cidrs": cidrs, "default": bool(node.get("IsDefault")), "counts": counts}


def _instances_of(world: World, subnet_id: str) -> set[str]:
    return {i for eni, _, _ in world.out(subnet_id, schema.CONTAINS, "network-interface")
            for i, _, data in world.out(eni, schema.ATTACHED, "instance")
            if data.get("DeviceIndex") == 0 and _alive(world.graph.nodes[i])}


# -- helpers ----------------------------------------------------------------------------------
def _state(node: dict[str, Any]) -> str | None:
    state = node.get("State")
    if isinstance(state, dict):                 # instances: {"Code": 16, "Name": "running"}
        state = state.get("Name")
    if state is None and isinstance(node.get("Status"), dict):    # peering connections
        state = node["Status"].get("Code")
    return state if isinstance(state, str) else None


def _alive(node: dict[str, Any]) -> bool:
    return not node.get("deleted") and _state(node) not in GONE


def _live(world: World, ids: Iterable[str]) -> list[str]:
    return [i for i in ids if _alive(world.graph.nodes[i])]


def _name(node: dict[str, Any]) -> str | None:
    return node["tags"].get("Name") or None


def _vpc_cidrs(world: World, vpc_id: str) -> list[str]:
    return [str(b) for version in (4, 6) for b in vpc_family.blocks(world, vpc_id, version=version)]


def _matches(node: dict[str, Any], tags: dict[str, str | None]) -> bool:
    have = node["tags"]
    return all(k in have and (v is None or have[k] == v) for k, v in tags.items())


class _Reader:
    """Accumulates nodes, edges and aliases region by region."""

    def __init__(self, world: World, wanted: set[str] | None,
                 tags: dict[str, str | None] | None, *, narrowed: bool) -> None:
        self.world = world
        self.wanted = wanted
        self.tags = tags or {}
        self.narrowed = narrowed
        self.nodes: dict[str, Node] = {}
        self.edges: list[Edge] = []
        self.aliases: dict[str, str] = {}
        self.taps: dict[str, list[str]] = {}        # tgw -> attachment nodes drawn

    @property
    def graph(self) -> Any:
        return self.world.graph.nodes

    def add(self, node: Node) -> None:
        self.nodes[node.id] = node

    # -- account/region ---------------------------------------------------------------------
    def region(self, part: Partition) -> None:
        world = self.world
        vpcs = [v for v in _live(world, world.ids(part, "vpc"))
                if (self.wanted is None or v in self.wanted)
                and _matches(self.graph[v], self.tags)]
        if self.narrowed and not vpcs:
            return
        rid = f"region.{part.account}.{part.region}"
        self.add(Node(rid, "region", None, name=part.region, detail=(f"account {part.account}",)))
        order = sorted(vpcs, key=lambda v: (bool(self.graph[v].get("IsDefault")),
                                            _name(self.graph[v]) is None,
                                            _name(self.graph[v]) or "", v))
        for vpc_id in order:
            self.vpc(vpc_id, rid)
        self.transit_gateways(part, rid)
        self.customer_gateways(part, rid)

    # -- VPCs -------------------------------------------------------------------------------
    def vpc(self, vpc_id: str, parent: str) -> None:
        world, node = self.world, self.graph[vpc_id]
        default = bool(node.get("IsDefault"))
        self.add(Node(vpc_id, "vpc", parent, _name(node), tuple(_vpc_cidrs(world, vpc_id)),
                      ("default VPC",) * default + _blocked(world, vpc_id), _state(node),
                      flags=("default",) if default else ()))
        for kind in VPC_HIDDEN:
            for rid, _, _ in world.out(vpc_id, schema.CONTAINS, kind):
                self.aliases[rid] = vpc_id
        self.border(vpc_id)
        zones: dict[str, list[str]] = {}
        for sid, _, _ in world.out(vpc_id, schema.CONTAINS, "subnet"):
            zones.setdefault(self.graph[sid]["AvailabilityZone"], []).append(sid)
        for zone in sorted(zones):
            az = f"az.{vpc_id}.{zone}"
            self.add(Node(az, "az", vpc_id, name=zone))
            for sid in sorted(zones[zone], key=self._subnet_key):
                self.subnet(sid, az)

    def _subnet_key(self, sid: str) -> tuple[int, str]:
        block = self.graph[sid].get("CidrBlock")
        return (int(addressing.network(block).first) if block else -1, sid)

    def border(self, vpc_id: str) -> None:
        world = self.world
        gateways = [(g, self.graph[g]) for g, _, _ in world.into(vpc_id, schema.ATTACHED)
                    if self.graph[g]["kind"] in BORDER_GATEWAYS]
        for gid, node in sorted(gateways, key=lambda g: (BORDER_GATEWAYS.index(g[1]["kind"]),
                                                         g[0])):
            if _alive(node):
                self.add(Node(gid, node["kind"], vpc_id, _name(node), state=_state(node)))
        for eid in sorted(e for e, _, _ in world.out(vpc_id, schema.CONTAINS, "vpc-endpoint")):
            node = self.graph[eid]
            self.aliases[eid] = vpc_id
            if node.get("VpcEndpointType") == "Gateway" and _alive(node):
                self.add(Node(eid, "gateway-endpoint", vpc_id, _name(node),
                              detail=(_service(node),), state=_state(node)))
        attachments = [a for a, disc, _ in world.into(vpc_id, schema.ASSOCIATED,
                                                      "transit-gateway-attachment")
                       if disc == "vpc"]
        for aid in sorted(attachments):
            node = self.graph[aid]
            if _alive(node):
                self.add(Node(aid, "transit-gateway-attachment", vpc_id, _name(node),
                              state=_state(node)))
                self.tap(aid)
                self.connects(vpc_id, aid)
        self.local_gateways(vpc_id)

    def connects(self, vpc_id: str, transport: str) -> None:
        """Connect attachments ride their transport on the VPC's border (GRE to the peers'
        appliances, whose addresses the detail gives)."""
        world = self.world
        for cid in sorted(c for c, _, _ in world.into(transport, schema.ATTACHED,
                                                      "transit-gateway-attachment")):
            node = self.graph[cid]
            if node.get("ResourceType") != "connect" or not _alive(node):
                continue
            peers = [self.graph[p]["PeerAddress"] for p, _, _ in
                     world.into(cid, schema.ATTACHED, "transit-gateway-connect-peer")]
            self.add(Node(cid, "transit-gateway-attachment", vpc_id, _name(node),
                          detail=("connect", f"GRE to {', '.join(peers) or 'no peer'}"),
                          state=_state(node)))
            self.tap(cid)

    def local_gateways(self, vpc_id: str) -> None:
        """A local gateway on the border of each VPC associated with one of its route tables
        (drawn once under its own id, then under the id of each further association)."""
        for assoc in sorted(a for a, _, _ in self.world.into(vpc_id, schema.ASSOCIATED,
                                                             lgw_tables.VPC_ASSOC)):
            lgw = lgw_tables.gateway_of(self.world, lgw_tables.table_of(self.world, assoc))
            nid = assoc if lgw in self.nodes else lgw
            self.add(Node(nid, "local-gateway", vpc_id, _name(self.graph[lgw]),
                          detail=(lgw,) if nid != lgw else (), state=_state(self.graph[lgw])))

    def tap(self, attach_id: str) -> None:
        for tgw, _, _ in self.world.out(attach_id, schema.ATTACHED, "transit-gateway"):
            self.taps.setdefault(tgw, []).append(attach_id)

    # -- subnets ----------------------------------------------------------------------------
    def subnet(self, sid: str, parent: str) -> None:
        world, node = self.world, self.graph[sid]
        cidrs = [node["CidrBlock"]] if node.get("CidrBlock") else []
        cidrs += [str(block) for block in subnet_family.ipv6_blocks(world, sid)]
        public = self._public(sid)
        self.add(Node(sid, "subnet", parent, _name(node), tuple(cidrs), state=_state(node),
                      detail=_blocked(world, sid), flags=("public",) if public else ("private",)))
        for a, _, _ in world.out(sid, schema.CONTAINS, "subnet-cidr-assoc"):
            self.aliases[a] = sid
        leaves: list[Node] = []
        for nat, _, _ in world.out(sid, schema.CONTAINS, "nat-gateway"):
            nat_node = self.graph[nat]
            if _alive(nat_node):
                leaves.append(Node(nat, "nat-gateway", sid, _name(nat_node),
                                   detail=(nat_node.get("ConnectivityType", "public"),),
                                   state=_state(nat_node)))
        for eni, _, _ in world.out(sid, schema.CONTAINS, "network-interface"):
            leaves.extend(self.interface(eni, sid))
        leaves.extend(self.verified_access(sid))
        for leaf in sorted(leaves, key=lambda n: (LEAF_ORDER[n.kind], n.name is None,
                                                  n.name or "", n.id)):
            self.add(leaf)

    def _public(self, sid: str) -> bool:
        """Whether the subnet's route table (its own, else the VPC's main one) sends
        anything to an internet gateway."""
        world = self.world
        tables = [t for t, _, _ in world.into(sid, schema.ASSOCIATED, "route-table")]
        if not tables:
            vpc_id = world.into(sid, schema.CONTAINS, "vpc")[0][0]
            tables = [t for t, _, data in world.into(vpc_id, schema.ASSOCIATED, "route-table")
                      if data.get("Main")]
        return any(world.out(t, schema.ROUTE, "internet-gateway") for t in tables)

    def interface(self, eni: str, sid: str) -> list[Node]:
        """The nodes an interface brings into its subnet (none if its owner is drawn
        elsewhere): its instance (for a primary interface), an endpoint, or itself."""
        world, node = self.world, self.graph[eni]
        ips = node.get("ips") or []
        for owner, _, data in world.out(eni, schema.ATTACHED):
            owner_node = self.graph[owner]
            kind = owner_node["kind"]
            if kind == "instance" and data.get("DeviceIndex") == 0:
                self.aliases[eni] = owner
                if not _alive(owner_node):
                    return []
                return [self.instance(owner, sid, eni, ips)]
            if kind == "instance":
                self.edges.append(Edge(f"{owner}.{eni}", "interface", owner, eni))
            elif kind == "vpc-endpoint":
                return self.endpoint(owner, eni, sid)
            elif kind == "route-server-endpoint":
                return self.route_server_endpoint(owner, eni, sid, ips)
            elif kind in ("client-vpn-endpoint", "instance-connect-endpoint"):
                return self.entry_point(owner, eni, sid)
            elif kind in ("nat-gateway", "transit-gateway-attachment"):
                self.aliases[eni] = owner
                return []
        detail = tuple(x for x in (", ".join(ips[:2]), node.get("InterfaceType", "interface")
                                   if node.get("InterfaceType", "interface") != "interface"
                                   else "") if x)
        return [Node(eni, "network-interface", sid, _name(node), detail=detail,
                     state=node.get("Status"))]

    def instance(self, iid: str, sid: str, eni: str, ips: list[str]) -> Node:
        node = self.graph[iid]
        address = ips[0] if ips else ""
        public = enis.public_ips(self.world, eni).get(address)
        line = "  ".join(x for x in (address, public, node.get("InstanceType")) if x)
        return Node(iid, "instance", sid, _name(node), detail=(line,) if line else (),
                    state=_state(node))

    def endpoint(self, vpce: str, eni: str, sid: str) -> list[Node]:
        """An interface endpoint appears in each of its subnets: under its own id in the
        first (by subnet id), under its interface's id in the others."""
        node = self.graph[vpce]
        if not _alive(node):
            return []
        subnets = sorted(s for e, _, _ in self.world.into(vpce, schema.ATTACHED,
                                                          "network-interface")
                         for s, _, _ in self.world.into(e, schema.CONTAINS, "subnet"))
        if subnets and subnets[0] == sid and vpce not in self.nodes:
            self.aliases[eni] = vpce
            return [Node(vpce, "vpc-endpoint", sid, _name(node), detail=(_service(node),),
                         state=_state(node))]
        return [Node(eni, "vpc-endpoint", sid, _name(node), detail=(_service(node), vpce),
                     state=_state(node))]

    def entry_point(self, owner: str, eni: str, sid: str) -> list[Node]:
        """Where remote users come in: a Client VPN endpoint (in each target subnet, under its
        own id in the first drawn, its interface's in the others) or an Instance Connect
        Endpoint."""
        node = self.graph[owner]
        kind = node["kind"]
        detail = (node["ClientCidrBlock"],) if node.get("ClientCidrBlock") else ()
        if owner not in self.nodes:
            self.aliases[eni] = owner
            return [Node(owner, kind, sid, _name(node), detail=detail, state=_state(node))]
        return [Node(eni, kind, sid, _name(node), detail=(*detail, owner), state=_state(node))]

    def verified_access(self, sid: str) -> list[Node]:
        """The Verified Access endpoints whose first subnet (by id) this is: a subnet they
        name, or the subnet of the interface they name; each drawn once, with its type."""
        world, found = self.world, []
        endpoints = {vae for vae, _, _ in world.into(sid, schema.ASSOCIATED,
                                                     "verified-access-endpoint")}
        for eni, _, _ in world.out(sid, schema.CONTAINS, "network-interface"):
            endpoints.update(v for v, _, _ in world.into(eni, schema.ASSOCIATED,
                                                         "verified-access-endpoint"))
        for vae in sorted(endpoints):
            homes = sorted(s for rid, kind, _ in world.out(vae, schema.ASSOCIATED)
                           if kind in ("subnet", "network-interface")
                           for s in ([rid] if kind == "subnet" else
                                     [x for x, _, _ in world.into(rid, schema.CONTAINS,
                                                                  "subnet")]))
            if homes and homes[0] == sid and vae not in self.nodes:
                node = self.graph[vae]
                found.append(Node(vae, "verified-access-endpoint", sid, _name(node),
                                  detail=(node["EndpointType"],)))
        return found

    def route_server_endpoint(self, rse: str, eni: str, sid: str, ips: list[str]) -> list[Node]:
        """A route server endpoint in its subnet, with a `bgp` edge to each peer's device
        (the instance whose primary interface holds the peer address, else the interface)."""
        node = self.graph[rse]
        self.aliases[eni] = rse
        if not _alive(node):
            return []
        for rsp, _, _ in self.world.into(rse, schema.ASSOCIATED, "route-server-peer"):
            device = route_server_peers.device(self.world, rsp)
            if device is not None:
                owner = [i for i, _, d in self.world.out(device, schema.ATTACHED, "instance")
                         if d.get("DeviceIndex") == 0]
                self.edges.append(Edge(rsp, "bgp", rse, owner[0] if owner else device,
                                       _name(self.graph[rsp])))
        server = self.world.out(rse, schema.ASSOCIATED, "route-server")[0][0]
        return [Node(rse, "route-server-endpoint", sid, _name(node),
                     detail=tuple(x for x in (", ".join(ips[:1]), server) if x),
                     state=_state(node))]

    # -- what lives in the region, outside VPCs ---------------------------------------------
    def transit_gateways(self, part: Partition, parent: str) -> None:
        world = self.world
        for tgw in sorted(_live(world, world.ids(part, "transit-gateway"))):
            if self.narrowed and tgw not in self.taps:
                continue
            node = self.graph[tgw]
            asn = (node.get("Options") or {}).get("AmazonSideAsn")
            self.add(Node(tgw, "transit-gateway", parent, _name(node),
                          detail=(f"ASN {asn}",) if asn else (), state=_state(node)))
            for rtb, _, _ in world.out(tgw, schema.CONTAINS, "transit-gateway-route-table"):
                self.aliases[rtb] = tgw
            for aid in sorted(a for a, _, _ in world.into(tgw, schema.ATTACHED,
                                                          "transit-gateway-attachment")):
                anode = self.graph[aid]
                # VPC attachments are on their VPCs' borders; VPN and peering ones live
                # in the region (unless the picture is narrowed to some VPCs)
                if anode.get("ResourceType") in ("vpc", "connect") or not _alive(anode) \
                        or self.narrowed:
                    continue
                self.add(Node(aid, "transit-gateway-attachment", parent, _name(anode),
                              detail=(anode.get("ResourceType", ""),), state=_state(anode)))
                self.taps.setdefault(tgw, []).append(aid)

    def customer_gateways(self, part: Partition, parent: str) -> None:
        world = self.world
        for vpn in sorted(_live(world, world.ids(part, "vpn-connection"))):
            cgws = [c for c, _, _ in world.out(vpn, schema.ASSOCIATED, "customer-gateway")]
            gws = [g for g, _, _ in world.out(vpn, schema.ATTACHED)]
            for cgw in cgws:
                for gw in gws:
                    if gw in self.nodes or not self.narrowed:
                        self.edges.append(Edge(vpn, "vpn", gw, cgw, _name(self.graph[vpn]),
                                               _state(self.graph[vpn])))
                        self.aliases.setdefault(vpn, gw)
        wanted = {e.target for e in self.edges if e.kind == "vpn"}
        for cgw in sorted(_live(world, world.ids(part, "customer-gateway"))):
            if self.narrowed and cgw not in wanted:
                continue
            node = self.graph[cgw]
            self.add(Node(cgw, "customer-gateway", parent, _name(node),
                          detail=tuple(x for x in (node.get("IpAddress"),
                                                   f"ASN {node.get('BgpAsn')}") if x),
                          state=_state(node)))

    # -- links across the picture -----------------------------------------------------------
    def links(self) -> None:
        """Peering connections and attachment taps, once every region is read; a peer VPC
        outside the picture gets a stub in the region box of the VPC that is in it."""
        for tgw, attachments in self.taps.items():
            for aid in attachments:
                if tgw in self.nodes and aid in self.nodes:
                    self.edges.append(Edge(f"{aid}.tap", "tap", aid, tgw,
                                           _name(self.graph[aid]), _state(self.graph[aid])))
                elif aid in self.nodes:
                    self.edges.append(Edge(f"{aid}.tap", "tap", aid, self.external(tgw, aid),
                                           _name(self.graph[aid])))
        self.tgw_peerings()
        vpcs = [n.id for n in self.nodes.values() if n.kind == "vpc"]
        seen: set[str] = set()
        for vpc_id in vpcs:
            for pcx, _, _ in self.world.into(vpc_id, schema.ASSOCIATED, "vpc-peering-connection"):
                if pcx in seen or not _alive(self.graph[pcx]):
                    continue
                seen.add(pcx)
                self.peering(pcx, vpc_id)

    def peering(self, pcx: str, here: str) -> None:
        sides = {role: v for v, role, _ in self.world.out(pcx, schema.ASSOCIATED, "vpc")}
        if "requester" not in sides or "accepter" not in sides:
            return
        ends = [v if v in self.nodes else self.external(v, here)
                for v in (sides["requester"], sides["accepter"])]
        node = self.graph[pcx]
        self.edges.append(Edge(pcx, "peering", ends[0], ends[1], _name(node), _state(node)))
        self.aliases[pcx] = here

    def tgw_peerings(self) -> None:
        """Peered gateways, drawn once; a peer outside the picture (another region or
        account) is a stub naming its account and region."""
        for tgw in [n.id for n in self.nodes.values() if n.kind == "transit-gateway"]:
            for aid, _, _ in self.world.into(tgw, schema.ATTACHED, "transit-gateway-attachment"):
                for peer, disc, _ in self.world.out(aid, schema.ASSOCIATED, "transit-gateway"):
                    if disc == "peer" and _alive(self.graph[aid]):
                        end = peer if peer in self.nodes else self.external(peer, tgw)
                        self.edges.append(Edge(f"{aid}.peer", "tgw-peering", tgw, end,
                                               _name(self.graph[aid]), _state(self.graph[aid])))
            for aid, disc, _ in self.world.into(tgw, schema.ASSOCIATED,
                                                "transit-gateway-attachment"):
                owners = [g for g, _, _ in self.world.out(aid, schema.ATTACHED, "transit-gateway")]
                if disc == "peer" and owners and owners[0] not in self.nodes \
                        and _alive(self.graph[aid]):
                    self.edges.append(Edge(f"{aid}.peer", "tgw-peering",
                                           self.external(owners[0], tgw), tgw,
                                           _name(self.graph[aid]), _state(self.graph[aid])))

    def external(self, rid: str, near: str) -> str:
        """A stub for `rid` (a VPC or gateway outside the picture) in `near`'s region box."""
        stub = f"external.{rid}"
        if stub not in self.nodes:
            region = self.nodes[near].id if self.nodes[near].kind == "region" else next(
                a for a in _ancestors(self.nodes, near) if self.nodes[a].kind == "region")
            node = self.graph[rid]
            where = f"{node['account']} {node['region']}"
            self.add(Node(stub, "external", region, _name(node) or f"peer {node['kind']}",
                          detail=(rid, where)))
            self.aliases.setdefault(rid, stub)
        return stub


def _blocked(world: World, rid: str) -> tuple[str, ...]:
    """A VPC's or subnet's VPC Block Public Access mode, when it blocks anything."""
    mode = bpa.states(world, rid)["InternetGatewayBlockMode"]
    return () if mode == "off" else (f"BPA {mode}",)


def _ancestors(nodes: dict[str, Node], node_id: str) -> list[str]:
    out, parent = [], nodes[node_id].parent
    while parent is not None:
        out.append(parent)
        parent = nodes[parent].parent
    return out


def _service(node: dict[str, Any]) -> str:
    """`s3` for `com.amazonaws.us-east-1.s3`; the whole name for other services."""
    name = str(node.get("ServiceName", ""))
    return name.rsplit(".", 1)[-1] if name.startswith("com.amazonaws.") else name
