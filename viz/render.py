"""One call from the world to a file's bytes, in any of the diagram formats."""
from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from topology.core.world import World

from .dot import to_dot
from .draw import IMAGE_FORMATS, image
from .export import to_json
from .layout import position
from .overlay import overlay
from .scene import Scene
from .snapshot import snapshot
from .zoom import collapse

FORMATS = ("svg", "png", "pdf", "dot", "json")
CONTENT_TYPES = {"svg": "image/svg+xml", "png": "image/png", "pdf": "application/pdf",
                 "dot": "text/vnd.graphviz; charset=utf-8", "json": "application/json"}


class FormatError(ValueError):
    """A format the renderers do not write."""


def render(world: World, fmt: str, *, account: str | None = None, region: str | None = None,
           vpc: str | Iterable[str] | None = None, tags: dict[str, str | None] | None = None,
           highlight: Any = None, budget: int = 400, zoom: str | None = None) -> bytes:
    """The diagram of `world` (narrowed as `viz.snapshot` narrows it) as `fmt` bytes.

    `fmt` is one of svg, png, pdf, dot, json; `highlight` a reachability analysis (see
    `viz.overlay`), a resource id, or None; `budget` and `zoom` as in `viz.collapse`.
    Raises `FormatError` for another format, `viz.zoom.ZoomError` for an unknown level.
    """
    check_format(fmt)
    with world.lock:    # read the scene whole under the server's lock; drawing it needs none
        scene = snapshot(world, account=account, region=region, vpc=vpc, tags=tags)
    return render_scene(scene, fmt, highlight=highlight, budget=budget, zoom=zoom)


def render_scene(scene: Scene, fmt: str, *, highlight: Any = None, budget: int = 400,
                 zoom: str | None = None) -> bytes:
    """`render` for a scene already read."""
    check_format(fmt)
    shown = collapse(scene, budget=budget, zoom=zoom)
    marks = overlay(shown, highlight)
    if fmt == "dot":
        return to_dot(shown, overlay=marks).encode("utf-8")
    pos = position(shown)
    if fmt == "json":
        data = to_json(shown, pos, overlay=marks)
        return json.dumps(data, indent=1, sort_keys=True).encode("utf-8") + b"\n"
    return image(shown, pos, fmt, overlay=marks)


def check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise FormatError(f"unknown diagram format {fmt!r} (one of {', '.join(FORMATS)})")


assert set(IMAGE_FORMATS) <= set(FORMATS)
