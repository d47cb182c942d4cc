"""`ec2sim snapshot save|load`: move a world's JSON snapshot between a file and a running
server (`GET`/`POST /_ec2sim/state`) or a server's SQLite state file (`serve --state`).

Errors are `TopologyError`s with a code and a message the CLI prints; nothing half-done:
a snapshot the server refuses leaves the server's world as it was.
"""
from __future__ import annotations

import json
import os
import sqlite3
import urllib.error
import urllib.request
from typing import Any

from topology.core.errors import TopologyError
from topology.core.world import World
from topology.provision import state, store

STATE_PATH = "/_ec2sim/state"


def fetch(endpoint_url: str) -> dict[str, Any]:
    """The snapshot a running server holds."""
    return _call(urllib.request.Request(endpoint_url.rstrip("/") + STATE_PATH), endpoint_url)


def push(endpoint_url: str, data: dict[str, Any]) -> dict[str, Any]:
    """Replace a running server's world with `data`; the server's answer."""
    body = json.dumps(data, separators=(",", ":")).encode("utf-8")
    request = urllib.request.Request(endpoint_url.rstrip("/") + STATE_PATH, data=body,
                                     method="POST",
                                     headers={"Content-Type": "application/json"})
    return _call(request, endpoint_url)


def _call(request: urllib.request.Request, endpoint_url: str) -> dict[str, Any]:
    try:
        with urllib.request.urlopen(request, timeout=300) as answer:
            return json.loads(answer.read())
    except urllib.error.HTTPError as err:
        try:
            error = json.loads(err.read())["error"]
        except (ValueError, KeyError, TypeError):
            error = {"code": f"HTTP{err.code}", "message": str(err.reason)}
        raise TopologyError(error["message"], error["code"]) from None
    except (urllib.error.URLError, OSError, ValueError) as err:
        raise TopologyError(f"cannot reach {endpoint_url}: {err}", "EndpointError") from None


def read_file(path: str) -> dict[str, Any]:
    try:
        return state.read_data(path)
    except OSError as err:
        raise TopologyError(f"cannot read {path}: {err.strerror or err}", "InvalidState") from None
    except state.StateError as err:
        raise TopologyError(f"cannot read {path}: {err}", "InvalidState") from None


def write_file(path: str, data: dict[str, Any]) -> None:
    text = json.dumps(data, sort_keys=True, separators=(",", ":"))
    try:
        with open(path, "w", encoding="utf-8") as out:
            out.write(text)
    except OSError as err:
        raise TopologyError(f"cannot write {path}: {err.strerror or err}", "InvalidState") from None


def from_state_file(path: str) -> dict[str, Any]:
    """The snapshot of the world in a SQLite state file."""
    if not os.path.exists(path):
        raise TopologyError(f"cannot read {path}: no such state file", "InvalidState")
    try:
        db = store.Store(path)
        try:
            data = db.snapshot()
        finally:
            db.close()
    except (store.StoreError, OSError, sqlite3.Error) as err:
        raise TopologyError(f"cannot read {path}: {err}", "InvalidState") from None
    if data is None:
        raise TopologyError(f"{path} holds no saved world yet", "InvalidState")
    return data


def to_state_file(path: str, data: dict[str, Any]) -> None:
    """Replace the world in a SQLite state file with the snapshot `data` (the server that
    uses the file must be stopped: it would not see the change)."""
    state.check(data)
    state.load(data)            # a broken snapshot fails here, before the file changes
    try:
        world = store.open_world(path)
        try:
            state.load_into(world, data)
            world.persister.save(world)
        finally:
            world.persister.close()
    except (store.StoreError, OSError, sqlite3.Error) as err:
        raise TopologyError(f"cannot write {path}: {err}", "InvalidState") from None


def world_of(data: Any, where: str) -> World:
    """A fresh world from the snapshot `data` read from `where`; a snapshot of another
    format or a damaged one is an `InvalidState` error naming `where`."""
    try:
        return state.load(data)
    except state.StateError as err:
        raise TopologyError(f"cannot load {where}: {err}", "InvalidState") from None
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        raise TopologyError(f"cannot load {where}: the snapshot is damaged: {err!r}",
                            "InvalidState") from None


def add_world_arguments(parser: Any) -> None:
    """The one world a command reads: `--endpoint-url`, `--state` or `--snapshot`."""
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--endpoint-url", help="a running `ec2sim serve`")
    where.add_argument("--state", help="the SQLite state file of `ec2sim serve --state`")
    where.add_argument("--snapshot", help="a snapshot file (`ec2sim snapshot save`)")


def world_of_args(args: Any) -> World:
    """The world `add_world_arguments`' options name."""
    if args.snapshot:
        return world_of(read_file(args.snapshot), args.snapshot)
    if args.state:
        return world_of(from_state_file(args.state), args.state)
    return world_of(fetch(args.endpoint_url), args.endpoint_url)


def save(path: str, *, endpoint_url: str | None = None, state_file: str | None = None) -> int:
    """Write the snapshot of a server or state file to `path`; the number of nodes."""
    data = fetch(endpoint_url) if endpoint_url else from_state_file(state_file or "")
    write_file(path, data)
    return len(data.get("nodes", ()))


def load(path: str, *, endpoint_url: str | None = None, state_file: str | None = None) -> int:
    """Put the snapshot in `path` into a server or state file; the number of nodes."""
    data = read_file(path)
    if endpoint_url:
        push(endpoint_url, data)
    else:
        to_state_file(state_file or "", data)
    return len(data.get("nodes", ()))
