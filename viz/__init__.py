"""Topology diagrams: what to draw, where, and in which format.

The pipeline, each step a plain function (matplotlib is imported only when drawing):

* `snapshot(world, account=, region=, vpc=, tags=)` reads a `Scene` from the graph:
  account/region › VPC › zone › subnet › resources, with gateways, attachments, peering
  and VPN links, and aliases for what is not drawn;
* `collapse(scene, budget=)` folds it to a node budget (zoom levels instance, subnet, vpc,
  account); `layout(scene, budget=, seed=)` gives each node of the folded scene a `Box`;
* `draw(scene, pos, ax=None)` draws on matplotlib; `to_dot`, `to_json` write text;
* `render(world, fmt, ...)` does it all and returns svg/png/pdf/dot/json bytes, with an
  optional reachability path (`highlight`) drawn over it;
* `index(world)` lists accounts, regions and VPCs for the web page.

The web page itself is `viz.web` (a Flask blueprint).
"""
from __future__ import annotations

from .dot import to_dot
from .draw import draw, image
from .export import to_json
from .layout import Box, bounds, layout, position
from .overlay import Overlay, overlay
from .render import CONTENT_TYPES, FORMATS, FormatError, render, render_scene
from .scene import Edge, Node, Scene
from .snapshot import index, snapshot
from .zoom import LEVELS, ZoomError, collapse

__all__ = ["Box", "CONTENT_TYPES", "Edge", "FORMATS", "FormatError", "LEVELS", "Node",
           "Overlay", "Scene", "ZoomError", "bounds", "collapse", "draw", "image", "index",
           "layout", "overlay", "position", "render", "render_scene", "snapshot", "to_dot",
           "to_json"]
