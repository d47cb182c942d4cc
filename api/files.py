"""Files of the running simulator over HTTP: its diagram and a snapshot of its state.

* `GET /_ec2sim/draw.<fmt>` — the diagram (`viz.render`) as svg, png, pdf, dot or json,
  with the right content type. Query parameters: `account`, `region`, `vpc` (repeatable),
  `tag` (`KEY=VALUE` or `KEY`, repeatable), `zoom`, `budget`, and `highlight=FROM,TO,PORT`
  (optionally `protocol`) to draw the reachability path from FROM to TO over it;
* `GET /_ec2sim/state` — the JSON snapshot of the whole world (`topology.provision.state.dump`),
  which `ec2sim draw --state FILE` and `topology.provision.state.read` load;
* `POST /_ec2sim/state` — replace the whole world with the JSON snapshot in the body
  (`ec2sim snapshot load`); a body that is not a snapshot this version reads is a 400 and
  changes nothing. Answers `{"status": "ok", "nodes": N}`.

The GETs carry no `Action`, and `api.app` routes the state POST past the Query fast path,
so Flask serves all of them. Bad
parameters are a 400 with `{"error": {"code", "message"}}`; nothing in the world changes.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Response, jsonify, request

import routing
import viz
from topology.core.errors import TopologyError
from topology.core.world import World
from topology.provision import state

DRAW_PATH = "/_ec2sim/draw.<fmt>"
STATE_PATH = "/_ec2sim/state"


class BadRequest(Exception):
    """A parameter the routes cannot use: (code, message)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def register(app: Flask, world: World) -> None:
    """Serve the diagram and state routes for `world` from `app`."""
    files = Blueprint("files", __name__)

    @files.get(DRAW_PATH)
    def draw(fmt: str) -> Response | tuple[Response, int]:
        if fmt not in viz.FORMATS:
            return _error("InvalidFormat", f"Unknown diagram format {fmt!r}; use one of "
                          f"{', '.join(viz.FORMATS)}.", 404)
        try:
            options = diagram_options(request.args)
            highlight = _highlight(world, request.args)
            body = viz.render(world, fmt, highlight=highlight, **options)
        except BadRequest as err:
            return _error(err.code, err.message)
        except TopologyError as err:
            return _error(err.code, err.message)
        except viz.ZoomError as err:
            return _error("InvalidParameterValue", str(err))
        return Response(body, content_type=viz.CONTENT_TYPES[fmt])

    @files.get(STATE_PATH)
    def snapshot() -> Response:
        return jsonify(state.dump(world))

    @files.post(STATE_PATH)
    def replace() -> Response | tuple[Response, int]:
        data = request.get_json(silent=True)
        if data is None:
            return _error("InvalidState", "The body is not JSON: send a snapshot saved by "
                          "`ec2sim snapshot save` or `GET /_ec2sim/state`.")
        try:
            state.load_into(world, data)
        except state.StateError as err:
            return _error("InvalidState", str(err))
        except (KeyError, TypeError, ValueError) as err:
            return _error("InvalidState", f"The snapshot is damaged: {err!r}")
        return jsonify(status="ok", nodes=len(world.graph))

    app.register_blueprint(files)


def diagram_options(args: Any) -> dict[str, Any]:
    """`viz.render` keyword arguments from query parameters (see the module docstring)."""
    options: dict[str, Any] = {"account": args.get("account") or None,
                               "region": args.get("region") or None,
                               "zoom": args.get("zoom") or None}
    vpcs = [v for v in args.getlist("vpc") if v]
    if vpcs:
        options["vpc"] = vpcs[0] if len(vpcs) == 1 else vpcs
    tags = parse_tags(args.getlist("tag"))
    if tags:
        options["tags"] = tags
    budget = args.get("budget")
    if budget:
        if not budget.isdigit() or int(budget) < 1:
            raise BadRequest("InvalidParameterValue",
                             f"Value ({budget}) for parameter budget is invalid. "
                             "It must be a positive whole number.")
        options["budget"] = int(budget)
    return options


def parse_tags(items: list[str]) -> dict[str, str | None]:
    """`["env=prod", "team"]` -> `{"env": "prod", "team": None}` (None: any value)."""
    tags: dict[str, str | None] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not key:
            raise BadRequest("InvalidParameterValue",
                             f"Value ({item}) for parameter tag is invalid. Use KEY=VALUE or KEY.")
        tags[key] = value if sep else None
    return tags


def parse_highlight(text: str) -> tuple[str, str, int | None]:
    """`FROM,TO,PORT` (the port may be empty) -> (from, to, port)."""
    parts = text.split(",")
    if len(parts) != 3 or not parts[0] or not parts[1]:
        raise BadRequest("InvalidParameterValue",
                         f"Value ({text}) for parameter highlight is invalid. "
                         "Use FROM,TO,PORT (resource ids and a port).")
    port = parts[2].strip()
    if port and (not port.isdigit() or int(port) > 65535):
        raise BadRequest("InvalidParameterValue",
                         f"Value ({port}) for parameter highlight is invalid. Specify a port "
                         "from 0 to 65535.")
    return parts[0].strip(), parts[1].strip(), int(port) if port else None


def _highlight(world: World, args: Any) -> Any:
    """The reachability analysis the `highlight` parameter asks for, or None."""
    text = args.get("highlight")
    if not text:
        return None
    source, destination, port = parse_highlight(text)
    return routing.reachability(world, source, destination,
                                protocol=args.get("protocol") or "tcp", destination_port=port)


def _error(code: str, message: str, status: int = 400) -> tuple[Response, int]:
    return jsonify(error={"code": code, "message": message}), status
