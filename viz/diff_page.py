"""The web page's change impact (`/ui/diff`): `routing.diff` between two saved snapshots.

The snapshots are files of the directory `ec2sim serve --snapshots DIR` names (the page lists
them; `?before=NAME&after=NAME` compares two, and only files of that directory can be
named), or two files uploaded with the page's POST form. viz sits below api, so it does not
turn a snapshot into a world itself: the api layer hands it the one function that does
(`api.state_cli.world_of`) in `app.extensions[LOADER]`, and the directory in
`app.config[SNAPSHOTS]`.
"""
from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import routing
from routing import words
from routing.diff import KINDS, Diff, Flow, port_spans
from topology.core.errors import TopologyError
from topology.core.world import World

LOADER = "ec2sim.load_snapshot"     # app.extensions: (snapshot data, where) -> World
SNAPSHOTS = "EC2SIM_SNAPSHOTS"      # app.config: the directory of snapshot files
PROTOCOLS = ("tcp", "udp", "icmp", "-1")
LISTED = 500                        # files listed at most
MAX_UPLOAD = 256 << 20              # bytes of the two uploaded snapshots together
# what a code the diff adds to AWS's vocabulary means
MEANINGS = {"ABSENT": "the end does not exist in this state"}

Loader = Callable[[Any, str], World]
Sides = Callable[[Loader], list[tuple[str, World]]]    # the two (name, world), read by a loader


@dataclass(frozen=True)
class Options:
    protocol: str = "tcp"
    ports: tuple[str, ...] = ()       # ports and ranges as asked ("22", "1000-2000"); none: all
    kind: str = "all"
    ip_version: int = 4

    @property
    def what(self) -> str:
        """`tcp 22, 1000-2000`, `udp all` (as `ec2sim diff` names a flow's ports), `IPv6`."""
        family = ", IPv6" if self.ip_version == 6 else ""
        return f"{self.protocol} {', '.join(self.ports) or 'all'}{family}"


def page(directory: str | None, load: Loader | None, args: Mapping[str, str],
         sides: Sides | None = None, *, error: TopologyError | None = None, status: int = 400
         ) -> tuple[dict[str, Any], int]:
    """What the page shows and its HTTP status: the form (the files of `directory`, the
    query `args`); with `sides`, the diff of the two worlds they read, or the error that
    stopped it (400); `error`, an error found before, is shown with `status`."""
    shown_page: dict[str, Any] = {
        "files": listing(directory), "directory": bool(directory),
        "args": {k: args.get(k, "") for k in ("before", "after", "protocol", "port", "kind",
                                               "ip_version")},
        "protocols": PROTOCOLS, "kinds": KINDS, "result": None, "error": None}
    if load is None and sides is not None:
        status, error = 501, TopologyError("This server cannot load snapshots (no loader was "
                                           "given to the web page).", "NotConfigured")
    if error is None and sides is not None and load is not None:
        try:
            opts = options(args)
            (before_name, before), (after_name, after) = sides(load)
            shown_page.update(result=shown(compare(before, after, opts)), options=opts,
                              names=(before_name, after_name))
        except TopologyError as err:
            error, status = err, 400
    if error is not None:
        shown_page["error"] = {"code": error.code, "message": error.message}
        return shown_page, status
    return shown_page, 200


def options(args: Mapping[str, str]) -> Options:
    """The comparison the form asks for. Raises `TopologyError` (InvalidParameterValue)."""
    protocol = (args.get("protocol") or "tcp").strip().lower()
    if protocol not in PROTOCOLS:
        raise _invalid("protocol", protocol, f"Valid values: {', '.join(PROTOCOLS)}.")
    # ports and ranges, as `ec2sim diff --port` takes them, separated by commas or spaces
    ports = tuple((args.get("port") or "").replace(",", " ").split())
    port_spans(ports=ports)         # InvalidParameterValue for one that is not a port or range
    kind = (args.get("kind") or "all").strip()
    if kind not in KINDS:
        raise _invalid("kind", kind, f"Valid values: {', '.join(KINDS)}.")
    version = (args.get("ip_version") or "4").strip()
    if version not in ("4", "6"):
        raise _invalid("ip_version", version, "Valid values: 4, 6.")
    return Options(protocol, ports, kind, int(version))


def _invalid(name: str, value: str, hint: str) -> TopologyError:
    return TopologyError(f"Value ({value}) for parameter {name} is invalid. {hint}",
                         "InvalidParameterValue")


def listing(directory: str | None) -> list[dict[str, Any]]:
    """The snapshot files (`*.json`) of `directory`, by name: name, size and time."""
    if not directory:
        return []
    try:
        names = sorted(n for n in os.listdir(directory) if n.endswith(".json"))[:LISTED]
    except OSError:
        return []
    files = []
    for name in names:
        try:
            stat = os.stat(os.path.join(directory, name))
        except OSError:
            continue
        files.append({"name": name, "size": stat.st_size, "time": datetime.fromtimestamp(
            stat.st_mtime, timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")})
    return files


def from_directory(directory: str | None, name: str, load: Loader) -> World:
    """The world of the snapshot file `name` of `directory`; only a file the directory lists
    can be named (no paths). Raises `TopologyError` (InvalidParameterValue, InvalidState)."""
    if not directory:
        raise TopologyError("The server lists no snapshots: start it with `ec2sim serve "
                            "--snapshots DIR`, or upload two snapshot files.",
                            "InvalidParameterValue")
    if name not in {f["name"] for f in listing(directory)}:
        raise TopologyError(f"No snapshot named {name} in the snapshots directory.",
                            "InvalidParameterValue")
    try:
        with open(os.path.join(directory, name), "rb") as src:
            body = src.read()
    except OSError as err:
        raise TopologyError(f"cannot read {name}: {err.strerror or err}",
                            "InvalidState") from None
    return from_bytes(body, name, load)


def from_bytes(body: bytes, where: str, load: Loader) -> World:
    """The world of a snapshot file's bytes. Raises `TopologyError` (InvalidState)."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as err:
        raise TopologyError(f"cannot load {where}: not JSON ({err})", "InvalidState") from None
    return load(data, where)


def compare(before: World, after: World, opts: Options) -> Diff:
    """`routing.diff` of the two worlds, as `opts` asks."""
    return routing.diff(before, after, protocol=opts.protocol, ports=opts.ports or None,
                        kind=opts.kind, ip_version=opts.ip_version)


def shown(answer: Diff) -> dict[str, Any]:
    """What the page lists: counts, then `routing.diff`'s groups with their flows."""
    return {"opened": len(answer.opened), "closed": len(answer.closed),
            "groups": [{"kind": kind, "source": src, "destination": dst, "protocol": protocol,
                        "ports": ports, "flows": [_flow(f) for f in flows]}
                       for (kind, src, dst, protocol, ports), flows in answer.groups().items()]}


def _flow(flow: Flow) -> dict[str, Any]:
    code = flow.code or ""
    return {"change": "opened" if flow.opened else "closed", "source": flow.source,
            "destination": flow.destination, "code": code,
            "meaning": MEANINGS.get(code) or (words.meaning(code) if code else ""),
            "blocker": flow.blocker or "", "blocker_label": words.label(flow.blocker)
            if flow.blocker else "", "path": list(flow.path),
            # the closed side: before for a flow that opened, after for one that closed
            "shut": "before" if flow.opened else "after",
            "open": "after" if flow.opened else "before"}
