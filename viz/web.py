"""The web page: an index of accounts, regions and VPCs, topology views, a page per resource.

A Flask Blueprint (`blueprint`) that `api.app.create_app` registers; it only reads the world
(under its lock, since the server is threaded) and never changes it. Routes:

* `/ui` — the index (`viz.index`): accounts, regions and VPCs;
* `/ui/<account>/<region>` and `/ui/<account>/<region>/<vpc_id>` — a topology view: the
  diagram `viz.render` draws, inlined as SVG, each resource group made a link to its page
  with a `<title>` tooltip (the browser's own), and the region's VPCs / the VPC's contents
  as tables;
* `/ui/resource/<id>` — one resource: its graph fields, tags and edges, linking neighbours;
* `/ui/diff` — change impact between two saved snapshots (`viz.diff_page`): files of the
  `--snapshots` directory picked by a GET form, or two files uploaded by a POST form.

The topology views carry a reachability form (`viz.reach_form`): a GET with `from`, `to`,
`protocol` and `port` asks the engine and draws the path on the diagram (its resources'
links get the class `on-path`), or marks what blocks it (`blocker`) with the explanation's
code and words; bad input is the page with AWS's error code and message and a 400.

Unknown accounts, regions and ids are 404s. Templates autoescape everything; the only markup
that goes in unescaped is the SVG, which is re-serialized here from a parse, so tag values
in it stay text.
"""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from flask import (Blueprint, Request, abort, current_app, redirect, render_template, request,
                   url_for)
from markupsafe import Markup
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from topology.compute import instance_view, placement_groups, snapshots, volumes
from topology.connect import (customer_gateways, endpoint_views, peering, tgw_route_tables,
                              transit_gateways, vpn_connections)
from topology.connect import client_vpn, instance_connect_endpoints, verified_access_endpoints
from topology.core import schema
from topology.core.errors import TopologyError
from topology.core.world import Partition, World
from topology.network import (dhcp_options, egress_gateways, elastic_ips, flow_logs,
                              interface_views, internet_gateways, nat_gateways, network_acls,
                              prefix_lists, route_tables, security_groups, subnets)
from topology.network import vpcs as vpc_family
from topology.network import route_server_endpoints, vpn_gateways

from . import diff_page, reach_form
from .render import render
from .snapshot import index as region_index

blueprint = Blueprint("ui", __name__, template_folder="templates")

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
EDGE_LIMIT = 200        # edges shown per direction on a resource page (a VPC can have thousands)
CONTENT_LIMIT = 200     # rows per kind in a VPC's contents table
TOOLTIP_LINES = 8
VALUE_CHARS = 4000      # longer field values (user data, key material) are cut
MAX_ZOOM = 1.5          # how far a small diagram may grow to fill the page

# The describe view of each kind, for tooltips and the resource page.
VIEWS: dict[str, Callable[[World, str], dict[str, Any]]] = {
    "vpc": vpc_family.view,
    "subnet": subnets.view,
    "route-table": route_tables.view,
    "internet-gateway": internet_gateways.view,
    "egress-only-internet-gateway": egress_gateways.egress_only_view,
    "carrier-gateway": egress_gateways.carrier_view,
    "nat-gateway": nat_gateways.view,
    "security-group": security_groups.view,
    "network-acl": network_acls.view,
    "dhcp-options": dhcp_options.view,
    "network-interface": interface_views.view,
    "instance": instance_view.view,
    "elastic-ip": elastic_ips.view,
    "vpc-peering-connection": peering.view,
    "vpc-endpoint": endpoint_views.view,
    "transit-gateway": transit_gateways.view,
    "transit-gateway-route-table": tgw_route_tables.view,
    "vpn-gateway": vpn_gateways.view,
    "customer-gateway": customer_gateways.view,
    "vpn-connection": vpn_connections.view,
    "volume": volumes.view,
    "snapshot": snapshots.view,
    "placement-group": placement_groups.view,
    "prefix-list": prefix_lists.view,
    "flow-log": flow_logs.view,
    "route-server-endpoint": route_server_endpoints.view,
    "client-vpn-endpoint": client_vpn.view,
    "instance-connect-endpoint": instance_connect_endpoints.view,
    "verified-access-endpoint": verified_access_endpoints.view,
}
# What a tooltip shows first, when the view has it; other scalar members follow.
TOOLTIP_FIRST = ("CidrBlock", "Ipv6CidrBlock", "State", "AvailabilityZone", "PrivateIpAddress",
                 "PublicIp", "InstanceType", "GroupName", "Description", "ConnectivityType",
                 "IsDefault", "DefaultForAz", "MapPublicIpOnLaunch", "AvailableIpAddressCount")
TOOLTIP_SKIP = {"OwnerId", "RequesterId", "Tags", "ClientToken", "AmiLaunchIndex"}
# A VPC view's tables: heading, and the edges that find the rows (type, direction, kind).
VPC_CONTENTS: tuple[tuple[str, str, str, str | None], ...] = (
    ("Subnets", schema.CONTAINS, "out", "subnet"),
    ("Gateways", schema.ATTACHED, "in", None),
    ("Route tables", schema.CONTAINS, "out", "route-table"),
    ("Network ACLs", schema.CONTAINS, "out", "network-acl"),
    ("Security groups", schema.CONTAINS, "out", "security-group"),
)
# Graph bookkeeping shown in the page header rather than the fields table.
NODE_META = ("kind", "account", "region", "seq", "tags", "deleted")
FORMATS = ("svg", "png", "pdf", "dot", "json")


def wants_html(req: Request) -> bool:
    """Whether a request to `/` is a browser's: it prefers HTML to JSON (tools send `*/*`)."""
    return req.accept_mimetypes.best_match(("application/json", "text/html")) == "text/html"


def _world() -> World:
    world: World = current_app.extensions["ec2sim.world"]
    return world


# -- routes -------------------------------------------------------------------------------
@blueprint.get("/ui/")
@blueprint.get("/ui")      # registered first, so the one `url_for` builds
def index() -> str:
    world = _world()
    with world.lock:
        entries = region_index(world)
    return render_template("index.html", entries=entries,
                           accounts=len({e["account"] for e in entries}),
                           vpcs=sum(len(e["vpcs"]) for e in entries))


@blueprint.get("/ui/<account>/<region>")
def region_view(account: str, region: str) -> tuple[str, int]:
    world = _world()
    with world.lock:
        _partition_or_404(world, account, region)
        vpcs = _region_vpcs(world, account, region)
    form, status = reach_form.form(world, _partition(world, account, region), request.args)
    svg = _diagram(world, account=account, region=region, path=form["answer"])
    return render_template("topology.html", account=account, region=region, vpc=None,
                           svg=svg, vpcs=vpcs, contents=(), reach=form, downloads=_downloads(
                               account=account, region=region)), status


@blueprint.get("/ui/<account>/<region>/<vpc_id>")
def vpc_view(account: str, region: str, vpc_id: str) -> tuple[str, int]:
    world = _world()
    with world.lock:
        _partition_or_404(world, account, region)
        node = world.node(vpc_id)
        if node is None or node["kind"] != "vpc" or node["account"] != account \
                or node["region"] != region:
            abort(404, f"No VPC {vpc_id} in account {account}, region {region}.")
        vpc = _row(world, vpc_id)
        contents = [(heading, *_contents(world, vpc_id, etype, direction, kind))
                    for heading, etype, direction, kind in VPC_CONTENTS]
    form, status = reach_form.form(world, _partition(world, account, region), request.args,
                                   vpc_id)
    svg = _diagram(world, account=account, region=region, vpc=vpc_id, path=form["answer"])
    return render_template("topology.html", account=account, region=region, vpc=vpc,
                           svg=svg, vpcs=(), contents=contents, reach=form, downloads=_downloads(
                               account=account, region=region, vpc=vpc_id)), status


@blueprint.get("/ui/resource/<rid>")
def resource(rid: str) -> str | Response:
    world = _world()
    with world.lock:
        node = world.node(rid)
        if node is None:
            edge = world.edge(rid)      # an association id: show the resource that owns it
            if edge is not None and world.node(edge[0]) is not None:
                return redirect(url_for("ui.resource", rid=edge[0], _anchor=rid))
            abort(404, f"No resource {rid}.")
        page = {
            "id": rid,
            "node": node,
            "name": node["tags"].get("Name", ""),
            "tags": sorted(node["tags"].items()),
            "fields": [(k, _show(v)) for k, v in sorted(node.items()) if k not in NODE_META],
            "view": _show(_view(world, rid)),
            "vpc": _vpc_of(world, rid),
            "outgoing": _edges(world, world.graph.out_edges(rid, keys=True, data=True), 1),
            "incoming": _edges(world, world.graph.in_edges(rid, keys=True, data=True), 0),
            "out_total": world.graph.out_degree(rid),
            "in_total": world.graph.in_degree(rid),
        }
    return render_template("resource.html", **page)


@blueprint.get("/ui/diff")
def diff_view() -> tuple[str, int]:
    """The change-impact page; `?before=NAME&after=NAME` compares two files of the
    `--snapshots` directory."""
    names = [request.args.get(side, "").strip() for side in ("before", "after")]
    if not any(names):
        return _diff_page()
    directory = current_app.config.get(diff_page.SNAPSHOTS)

    def sides(load: diff_page.Loader) -> list[tuple[str, World]]:
        for side, name in zip(("before", "after"), names):
            if not name:
                raise TopologyError(f"The request must contain the parameter {side}",
                                    "MissingParameter")
        return [(name, diff_page.from_directory(directory, name, load)) for name in names]
    return _diff_page(sides)


@blueprint.post("/ui/diff")
def diff_upload() -> tuple[str, int]:
    """The change impact between two uploaded snapshot files (`before`, `after`)."""
    if request.content_length is None or request.content_length > diff_page.MAX_UPLOAD:
        return _diff_page(error=TopologyError(
            f"Upload two snapshot files of at most {diff_page.MAX_UPLOAD >> 20} MiB together.",
            "RequestEntityTooLarge"), status=413)

    def sides(load: diff_page.Loader) -> list[tuple[str, World]]:
        found = []
        for side in ("before", "after"):
            upload = request.files.get(side)
            if upload is None or not upload.filename:
                raise TopologyError(f"The request must contain the parameter {side}",
                                    "MissingParameter")
            found.append((upload.filename, diff_page.from_bytes(upload.read(), upload.filename,
                                                                load)))
        return found
    return _diff_page(sides)


def _diff_page(sides: diff_page.Sides | None = None, *, error: TopologyError | None = None,
               status: int = 400) -> tuple[str, int]:
    """The change-impact page (`viz.diff_page.page`) for this request."""
    page, status = diff_page.page(current_app.config.get(diff_page.SNAPSHOTS),
                                  current_app.extensions.get(diff_page.LOADER), request.values,
                                  sides, error=error, status=status)
    return render_template("diff.html", **page), status


@blueprint.errorhandler(404)
def not_found(error: HTTPException) -> tuple[str, int]:
    return render_template("not_found.html", message=error.description), 404


# -- reads --------------------------------------------------------------------------------
def _partition_or_404(world: World, account: str, region: str) -> None:
    """404 unless the world has that partition (a page never creates one)."""
    if not any(p.account == account and p.region == region for p in world.partitions()):
        abort(404, f"No account {account} in region {region} has any resources yet.")


def _partition(world: World, account: str, region: str) -> Partition:
    """The partition a view shows (it exists: `_partition_or_404` said so)."""
    return next(p for p in world.partitions() if p.account == account and p.region == region)


def _row(world: World, rid: str) -> dict[str, Any]:
    """What a table row shows of a resource: id, kind, Name tag and one-line summary."""
    node = world.graph.nodes[rid]
    return {"id": rid, "kind": node["kind"], "name": node["tags"].get("Name", ""),
            "summary": ", ".join(_details(world, rid)[:3])}


def _region_vpcs(world: World, account: str, region: str) -> list[dict[str, Any]]:
    return [_row(world, vpc_id) for vpc_id in world.ids(_partition(world, account, region), "vpc")]


def _contents(world: World, vpc_id: str, etype: str, direction: str, kind: str | None
              ) -> tuple[list[dict[str, Any]], int]:
    """The first `CONTENT_LIMIT` live peers of the VPC along those edges, and their number."""
    edges = (world.out if direction == "out" else world.into)(vpc_id, etype, kind)
    ids = [peer for peer in dict.fromkeys(p for p, _, _ in edges) if world.node(peer)]
    return [_row(world, rid) for rid in ids[:CONTENT_LIMIT]], len(ids)


def _edges(world: World, edges: Iterator[tuple[str, str, Any, dict[str, Any]]],
           peer_at: int) -> list[dict[str, Any]]:
    """Edge rows: type, discriminator, the peer (linked if live) and the edge's data."""
    rows = []
    for n, (u, v, key, data) in enumerate(edges):
        if n == EDGE_LIMIT:
            break
        peer = (u, v)[peer_at]
        node = world.node(peer)
        rows.append({"type": key[0], "key": "" if key[1] is None else str(key[1]),
                     "peer": peer, "live": node is not None,
                     "kind": world.graph.nodes[peer]["kind"],
                     "name": node["tags"].get("Name", "") if node else "(deleted)",
                     "data": _compact(data), "data_id": data.get("id")})
    return rows


def _vpc_of(world: World, rid: str) -> str | None:
    """The VPC a resource lives in, if any: up `contains` edges and along attachments
    (instance <- interface <- subnet <- VPC is the longest way)."""
    frontier, seen = [rid], {rid}
    for _ in range(4):
        for r in frontier:
            if world.graph.nodes[r]["kind"] == "vpc":
                return r
        nearer = [*(p for r in frontier for p, _, _ in world.into(r, schema.CONTAINS)),
                  *(p for r in frontier for p, _, _ in world.out(r, schema.ATTACHED, "vpc")),
                  *(p for r in frontier
                    for p, _, _ in world.into(r, schema.ATTACHED, "network-interface"))]
        frontier = [p for p in dict.fromkeys(nearer) if p not in seen]
        seen.update(frontier)
    return None


def _view(world: World, rid: str) -> dict[str, Any] | None:
    """The resource as its describe call returns it, when the kind has a view."""
    view = VIEWS.get(world.graph.nodes[rid]["kind"])
    if view is None:
        return None
    return view(world, rid)


def _tooltip(world: World, rid: str) -> str:
    """A resource in a few lines: id and kind, Name, then its most telling members."""
    node = world.graph.nodes[rid]
    name = node["tags"].get("Name")
    head = [f"{rid} ({node['kind']})", *([f"Name: {name}"] if name else [])]
    return "\n".join([*head, *_details(world, rid)][:TOOLTIP_LINES])


def _details(world: World, rid: str) -> list[str]:
    """`Member: value` lines of a resource's scalar members, the telling ones first."""
    node = world.graph.nodes[rid]
    members = _view(world, rid) or {k: v for k, v in node.items() if k[:1].isupper()}
    order = [k for k in TOOLTIP_FIRST if k in members] + [
        k for k in members if k not in TOOLTIP_FIRST and k not in TOOLTIP_SKIP]
    lines = []
    for key in order:
        value = members[key]
        if isinstance(value, dict) and isinstance(value.get("Name"), str):
            value = value["Name"]            # instance State {"Code": 16, "Name": "running"}
        elif isinstance(value, list):
            value = len(value) or None       # Attachments: 1, Routes: 3
        elif value is False:
            value = None                     # flags say something only when set
        if isinstance(value, (str, int, float)) and value != "" \
                and not key.endswith(("Id", "Arn")):
            lines.append(f"{key}: {value}")
            if len(lines) == TOOLTIP_LINES:
                break
    return lines


def _show(value: Any) -> str:
    """A field value as text: strings as they are, anything else as indented JSON."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else json.dumps(_plain(value), indent=1,
                                                           sort_keys=True)
    return text if len(text) <= VALUE_CHARS else text[:VALUE_CHARS] + " …"


def _compact(data: dict[str, Any]) -> str:
    return ", ".join(f"{k}={_plain(v)}" for k, v in sorted(data.items()))


def _plain(value: Any) -> Any:
    """`value` as JSON can hold it: internal fields have tuple keys, sets, datetimes."""
    if isinstance(value, dict):
        return {k if isinstance(k, str) else str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((_plain(v) for v in value), key=str)
    if isinstance(value, datetime):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _downloads(**scope: str) -> list[tuple[str, str]]:
    """Links to the diagram in each format (the `/_ec2sim/draw.<fmt>` routes), same scope."""
    query = urlencode(scope)
    return [(fmt, f"{request.script_root}/_ec2sim/draw.{fmt}?{query}") for fmt in FORMATS]


# -- the diagram ----------------------------------------------------------------------------
def _diagram(world: World, account: str, region: str, vpc: str | None = None,
             path: dict[str, Any] | None = None) -> Markup:
    """The diagram of a region or VPC as inline SVG: each resource group a link with a
    tooltip; `path` (a reachability answer) drawn over it, else `?highlight=<id>` marks one
    resource. The world's lock is held to read the scene and to look up the tooltips, not
    while drawing (API calls need not wait)."""
    highlight: Any = request.args.get("highlight")
    with world.lock:
        if highlight is not None and world.node(highlight) is None:
            highlight = None
    if path is not None:
        highlight = path
    svg = render(world, "svg", account=account, region=region, vpc=vpc, highlight=highlight)
    with world.lock:
        return Markup(decorate(world, svg, lambda rid: url_for("ui.resource", rid=rid)))


def decorate(world: World, svg: bytes, href: Callable[[str], str]) -> str:
    """Make every group whose id is a live resource a link (`href(id)`) with a `<title>`
    tooltip, let the SVG scale to its container, and return it as markup to inline.

    The links of the resources a drawn reachability path runs through (and of the peering or
    VPN connections it crosses) get the class `on-path`, the one it is blocked at `blocker`
    (read from the overlay's `hop.N.<id>`, `link.<id>` and `blocked.<id>` groups, so the
    classes and the picture agree)."""
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    root = ET.fromstring(svg)
    for metadata in root.findall(f"{{{SVG_NS}}}metadata"):    # RDF about the file: not for a page
        root.remove(metadata)
    marks = _marks(root)
    for parent in list(root.iter()):
        for pos, child in enumerate(list(parent)):
            rid = child.get("id")
            if rid is None or parent.tag == f"{{{SVG_NS}}}a" or world.node(rid) is None:
                continue
            if child.find(f"{{{SVG_NS}}}title") is None:
                title = ET.Element(f"{{{SVG_NS}}}title")
                title.text = _tooltip(world, rid)
                child.insert(0, title)
            css = " ".join(("resource", *marks.get(rid, ())))
            link = ET.Element(f"{{{SVG_NS}}}a", {"href": href(rid), "class": css,
                                                  "data-id": rid})
            link.append(child)
            parent[pos] = link
    # fit the container, small diagrams at most MAX_ZOOM times their size (their text stays
    # in proportion to the page's); the viewBox keeps the aspect ratio
    natural = re.fullmatch(r"([0-9.]+)([a-z]*)", root.attrib.pop("width", ""))
    root.attrib.pop("height", None)
    root.set("width", "100%")
    if natural:
        size, unit = float(natural[1]) * MAX_ZOOM, natural[2]
        root.set("style", f"max-width: {size:.0f}{unit}")
    root.set("role", "img")
    root.set("aria-label", "topology diagram")
    return ET.tostring(root, encoding="unicode")


def _marks(root: ET.Element) -> dict[str, list[str]]:
    """Resource id -> the classes a drawn path gives its link (see `decorate`)."""
    marks: dict[str, list[str]] = {}
    for group in root.iter(f"{{{SVG_NS}}}g"):
        gid = group.get("id") or ""
        if gid.startswith("hop."):
            marks.setdefault(gid.split(".", 2)[-1], []).append("on-path")
        elif gid.startswith("link."):       # a peering or VPN connection the path crosses
            marks.setdefault(gid[len("link."):], []).append("on-path")
        elif gid.startswith("blocked."):
            marks.setdefault(gid[len("blocked."):], []).append("blocker")
    return marks
