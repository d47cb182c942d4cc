"""The Flask app: EC2 Query requests at `/` (and JSON-protocol SSM requests, told by their
`X-Amz-Target`; REST-JSON Recycle Bin requests, told by their SigV4 scope `rbin`),
moto-compatible reset, a health answer, the web page.

`create_app(world)` wires the state in explicitly; nothing is built at import time.

Query requests (anything carrying an `Action`, and every POST to a path other than the reset
routes) take a WSGI fast path straight to the dispatcher: Flask's request and response
objects cost more per call than the simulator itself. Everything else (health, reset, 404s)
is ordinary Flask.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import parse_qsl, unquote_plus

from flask import Flask, Response, jsonify, redirect, request, url_for

import api.check_http as check_http
import api.diff_http as diff_http
import api.dispatch as dispatch
import api.files as files
import api.json_protocol as json_protocol
import api.outposts as outposts
import api.reach_http as reach_http
import api.shares as shares
import api.state_cli as state_cli
import api.xml_writer as xml_writer
from topology.core.world import World
from viz import diff_page, web

from .beside import Beside
from .http_server import StartResponse, WsgiApp
from .sigv4 import AuthError, Verifier

RESET_PATHS = ("/moto-api/reset", "/_ec2sim/reset")
# POSTs that are not EC2 Query requests: moto's reset, everything under /_ec2sim/ and the
# web page's forms
FLASK_POSTS, OWN_PREFIX = RESET_PATHS, ("/_ec2sim/", "/ui/")
MAX_BODY = 1 << 20      # a Query request body larger than 1 MiB is refused (413)
_REASONS = {200: "OK", 201: "Created", 204: "No Content", 400: "Bad Request",
            401: "Unauthorized", 402: "Payment Required", 403: "Forbidden",
            404: "Not Found", 409: "Conflict", 412: "Precondition Failed",
            413: "Request Entity Too Large",
            500: "Internal Server Error", 501: "Not Implemented", 503: "Service Unavailable"}


def create_app(world: World | None = None, config: dict[str, Any] | None = None) -> Flask:
    """A Flask app serving `world` (a fresh one if not given)."""
    # rooted here, not in the working directory: its templates/ and static/ are not ours
    app = Flask("ec2sim", root_path=os.path.dirname(os.path.abspath(__file__)))
    app.config.update(config or {})
    world = world if world is not None else World()
    if app.config.get("EC2SIM_BESIDE"):   # the URL of an emulator of IAM and S3 (moto_server)
        world.outside = Beside(app.config["EC2SIM_BESIDE"])
    app.extensions["ec2sim.world"] = world
    # the web page's change impact reads snapshots as the rest of the api does; its files are
    # those of `serve --snapshots DIR` (app.config[diff_page.SNAPSHOTS])
    app.extensions[diff_page.LOADER] = state_cli.world_of

    @app.get("/")
    def health() -> Response:
        if web.wants_html(request):     # a browser: the web page; tools get the JSON
            return redirect(url_for("ui.index"))
        return jsonify(service="ec2sim", status="running")

    @app.post(RESET_PATHS[0])
    @app.post(RESET_PATHS[1])
    def reset() -> Response:
        world.reset()
        return jsonify(status="ok")

    app.register_blueprint(web.blueprint)
    reach_http.register(app, world)      # GET /_ec2sim/reach (JSON)
    diff_http.register(app, world)       # POST /_ec2sim/diff (JSON)
    check_http.register(app, world)      # POST /_ec2sim/check (a YAML/JSON policy)
    files.register(app, world)           # GET /_ec2sim/draw.<fmt>, /_ec2sim/state
    shares.register(app, world)          # /_ec2sim/organizations, /_ec2sim/shares
    outposts.register(app, world)        # /_ec2sim/outposts (docs/outposts.md)
    # `verifier`: a sigv4.Verifier when serving with --verify-signatures
    app.wsgi_app = QueryRoute(world, app.wsgi_app,  # type: ignore[method-assign]
                              app.config.get("EC2SIM_VERIFIER"))
    return app


class QueryRoute:
    """WSGI middleware answering EC2 Query requests through `dispatch.handle`."""

    def __init__(self, world: World, fallback: WsgiApp, verifier: Verifier | None = None) -> None:
        self.world = world
        self.fallback = fallback
        self.verifier = verifier

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "/")
        if path != "/" and path not in FLASK_POSTS and not path.startswith(OWN_PREFIX):
            service = dispatch.caller({"Authorization": environ.get("HTTP_AUTHORIZATION", "")})
            if service[2] in dispatch.REST_SERVICES:   # the Recycle Bin's rules (REST-JSON)
                return self._rest(environ, start_response, method, path)
        if method not in ("GET", "POST") or path in FLASK_POSTS or path.startswith(OWN_PREFIX):
            return self.fallback(environ, start_response)
        form = dict(form_fields(environ.get("QUERY_STRING", "")))
        body: bytes | None = _body(environ) if method == "POST" else b""
        if body is None:
            return _refuse(start_response, 413, "RequestEntityTooLarge",
                           f"Request body must be no larger than {MAX_BODY} bytes.")
        target = environ.get("HTTP_X_AMZ_TARGET") if method == "POST" else None
        if method == "POST" and not target:
            if body:
                form.update(form_fields(body.decode("utf-8", "replace")))
            form.setdefault("Action", "")   # a POST without an Action is an InvalidAction
        elif method == "GET" and "Action" not in form:
            return self.fallback(environ, start_response)
        if self.verifier is not None:
            try:
                self.verifier.verify(environ, body)
            except AuthError as err:
                return _refuse(start_response, err.status, err.code, err.message,
                               json=bool(target))
        # the caller is in the SigV4 Authorization header, or in a presigned URL's query
        auth = environ.get("HTTP_AUTHORIZATION") or (
            f"Credential={form['X-Amz-Credential']}" if "X-Amz-Credential" in form else "")
        headers = {"Authorization": auth}
        if target:   # the JSON protocol (SSM): the operation is in X-Amz-Target
            reply = dispatch.handle_json(self.world, target, body or b"", headers)
        else:
            reply = dispatch.handle(self.world, form, headers)
        start_response(f"{reply.status} {_REASONS.get(reply.status, 'Error')}",
                       [*reply.headers.items(), ("Content-Length", str(len(reply.body)))])
        return [reply.body]

    def _rest(self, environ: dict[str, Any], start_response: StartResponse, method: str,
              path: str) -> Iterable[bytes]:
        body = _body(environ)
        if body is None:
            return _refuse(start_response, 413, "RequestEntityTooLarge",
                           f"Request body must be no larger than {MAX_BODY} bytes.", json=True)
        if self.verifier is not None:
            try:
                self.verifier.verify(environ, body)
            except AuthError as err:
                return _refuse(start_response, err.status, err.code, err.message, json=True)
        query = parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        account, region, service = dispatch.caller(
            {"Authorization": environ.get("HTTP_AUTHORIZATION", "")})
        reply = dispatch.rest_reply(dispatch.answer_rest(self.world, method, path, query, body,
                                                         account, region, service))
        start_response(f"{reply.status} {_REASONS.get(reply.status, 'Error')}",
                       [*reply.headers.items(), ("Content-Length", str(len(reply.body)))])
        return [reply.body]


def form_fields(text: str) -> Iterator[tuple[str, str]]:
    """The fields of a form-encoded text, as `parse_qsl(text, keep_blank_values=True)` reads
    them, decoding only the fields that need it (most of an SDK's are plain)."""
    if not text:
        return
    for pair in text.split("&"):
        if not pair:
            continue
        key, _, value = pair.partition("=")
        if "%" in pair or "+" in pair:
            key, value = unquote_plus(key), unquote_plus(value)
        yield key, value


def _refuse(start_response: StartResponse, status: int, code: str, message: str, *,
            json: bool = False) -> list[bytes]:
    """An error from the door itself (before any dispatch): EC2's envelope, or the JSON
    protocol's for a JSON request."""
    request_id = dispatch.request_id()
    if json:
        body, kind = json_protocol.serialize_error(code, message), json_protocol.CONTENT_TYPE
    else:
        body, kind = xml_writer.serialize_error(code, message, request_id), "text/xml;charset=UTF-8"
    start_response(f"{status} {_REASONS.get(status, 'Error')}",
                   [("Content-Type", kind), ("x-amzn-RequestId", request_id),
                    ("Content-Length", str(len(body)))])
    return [body]


def _body(environ: dict[str, Any]) -> bytes | None:
    """The request body, or None if it is larger than MAX_BODY (read no further than that)."""
    stream = environ.get("wsgi.input")
    if stream is None:
        return b""
    length = environ.get("CONTENT_LENGTH")
    if length:
        if not length.isdigit() or int(length) > MAX_BODY:
            return None
        return stream.read(int(length))
    if environ.get("wsgi.input_terminated"):   # a chunked body the server has de-chunked
        body = stream.read(MAX_BODY + 1)
        return None if len(body) > MAX_BODY else body
    return b""
