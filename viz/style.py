"""How the diagram looks: font sizes, text metrics, spacing and colours per kind.

The layout sizes boxes from these metrics (no renderer is asked to measure text, so the
layout needs no matplotlib and gives the same positions everywhere); the renderers draw
with the same sizes. Lengths are in points (1/72 inch).
"""
from __future__ import annotations

from .scene import Node

FONT = "DejaVu Sans"            # ships with matplotlib: the same glyphs on every machine
CHAR = 0.64                     # DejaVu Sans advance, in ems, a little over its digits' 0.636
BOLD_CHAR = 0.72
LINE = 1.3                      # line height, in ems
MAX_CHARS = 44                  # longer label lines are cut with an ellipsis

SIZES = {"region": 10.0, "vpc": 8.0, "az": 7.0, "subnet": 7.0, "bus": 7.0}
LEAF_SIZE = 6.5
PAD = 6.0                       # inside a box, around its label and children
GAP = 10.0                      # between siblings
LEAF_MIN_WIDTH = 86.0
BAND_GAP = 26.0                 # between a row of VPCs and a transit gateway's bus
MARGIN = 12.0                   # around the whole picture

# kind -> (edge colour, face colour); faces of "none" leave the parent's colour
COLORS: dict[str, tuple[str, str]] = {
    "region": ("#232f3e", "#ffffff"),
    "vpc": ("#8c4fff", "#f8f4ff"),
    "az": ("#5a6b86", "none"),
    "subnet": ("#147eba", "#e9f3fa"),
    "subnet public": ("#3f8624", "#eef6e8"),
    "instance": ("#d86613", "#ffffff"),
    "instances": ("#d86613", "#fdf0e6"),
    "network-interface": ("#8c4fff", "#ffffff"),
    "nat-gateway": ("#8c4fff", "#efe6ff"),
    "vpc-endpoint": ("#8c4fff", "#efe6ff"),
    "gateway-endpoint": ("#8c4fff", "#efe6ff"),
    "internet-gateway": ("#8c4fff", "#efe6ff"),
    "egress-only-internet-gateway": ("#8c4fff", "#efe6ff"),
    "vpn-gateway": ("#8c4fff", "#efe6ff"),
    "carrier-gateway": ("#8c4fff", "#efe6ff"),
    "transit-gateway": ("#8c4fff", "#8c4fff"),
    "transit-gateway-attachment": ("#8c4fff", "#ffffff"),
    "customer-gateway": ("#545b64", "#f2f3f3"),
    "client-vpn-endpoint": ("#8c4fff", "#efe6ff"),
    "instance-connect-endpoint": ("#8c4fff", "#efe6ff"),
    "verified-access-endpoint": ("#dd344c", "#fdeaed"),
    "external": ("#879196", "#ffffff"),
}
DEFAULT_COLORS = ("#545b64", "#ffffff")
MUTED = ("#879196", "#f2f3f3")          # stopped instances, pending connections
EDGE_COLORS = {"peering": "#1d8102", "tap": "#8c4fff", "tgw-peering": "#8c4fff",
               "vpn": "#545b64", "interface": "#8c4fff", "bgp": "#8c4fff"}
DASHED_EDGES = {"vpn", "tgw-peering", "bgp"}
HIGHLIGHT = "#ff9900"
BLOCKED = "#d13212"
MUTED_STATES = {"stopped", "stopping", "pending", "pending-acceptance", "pendingAcceptance",
                "initiating-request", "provisioning", "detached", "available-pending"}


def font_size(node: Node) -> float:
    return SIZES.get(node.kind, LEAF_SIZE)


def colors(node: Node) -> tuple[str, str]:
    """(edge, face) colours of a node's box."""
    if node.state in MUTED_STATES:
        return MUTED
    if node.kind == "subnet" and "public" in node.flags:
        return COLORS["subnet public"]
    return COLORS.get(node.kind, DEFAULT_COLORS)


def label(node: Node) -> list[str]:
    """The label's lines, long ones cut; a bus reads on one line."""
    lines = [_cut(line) for line in node.lines()]
    if node.kind == "transit-gateway":
        return ["  ·  ".join(lines)]
    return lines


def _cut(line: str) -> str:
    return line if len(line) <= MAX_CHARS else line[:MAX_CHARS - 1] + "…"


def text_size(lines: list[str], size: float, *, bold_title: bool) -> tuple[float, float]:
    """Width and height of a block of label lines at `size` points, the first bold if
    `bold_title` (what the renderers do for containers)."""
    if not lines:
        return 0.0, 0.0
    widths = [len(line) * size * CHAR for line in lines]
    if bold_title:
        widths[0] = len(lines[0]) * size * BOLD_CHAR
    return max(widths), len(lines) * size * LINE
