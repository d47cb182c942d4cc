"""`ec2sim diff BEFORE AFTER`: the flows that opened and closed between two states.

Each side is a snapshot file (`ec2sim snapshot save`), `sqlite:PATH` (a `serve --state`
database) or `http(s)://...` (a running server, whose snapshot is fetched as `ec2sim snapshot
save` does); `--before-state`/`--after-state` and `--before-endpoint-url`/`--after-endpoint-url`
say the same explicitly. The answer is `routing.diff`'s, as text, JSON or JUnit XML.
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any
from xml.etree import ElementTree

import api.state_cli as state_cli
import routing
from routing.diff import KINDS, Diff, Flow
from topology.core.errors import TopologyError
from topology.core.world import World

FORMATS = ("text", "json", "junit")


def add_parser(commands: Any) -> None:
    """The `diff` subcommand's arguments."""
    cmd = commands.add_parser(
        "diff", help="the flows that opened and closed between two states",
        description="Compare the reachability of two states: snapshot files, sqlite:PATH "
                    "state databases or http://HOST:PORT servers. Exit 0 when nothing "
                    "changed, 1 otherwise, 2 on error.")
    cmd.add_argument("before", nargs="?", metavar="BEFORE")
    cmd.add_argument("after", nargs="?", metavar="AFTER")
    for side in ("before", "after"):
        cmd.add_argument(f"--{side}-state", metavar="PATH", help=f"{side}: a state database")
        cmd.add_argument(f"--{side}-endpoint-url", metavar="URL", help=f"{side}: a server")
    cmd.add_argument("--protocol", default="tcp", help="tcp, udp, icmp or -1 (default tcp)")
    cmd.add_argument("--port", action="append", metavar="PORT|LOW-HIGH",
                     help="destination port or range, repeatable (default: every port)")
    cmd.add_argument("--ip-version", type=int, choices=(4, 6), default=4,
                     help="compare over IPv4 (default) or IPv6")
    cmd.add_argument("--kind", choices=KINDS, default="all",
                     help="compare subnets, security groups or both (default all)")
    cmd.add_argument("--format", choices=FORMATS, default="text")


def run(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    """Load both sides, diff, print; the exit status."""
    sides = _sides(parser, args)       # usage errors before any loading
    try:
        before, after = (load_side(where) for where in sides)
        answer = routing.diff(before, after, protocol=args.protocol, ports=args.port,
                              kind=args.kind, ip_version=args.ip_version)
    except TopologyError as err:
        print(f"error: {err.code}: {err.message}", file=sys.stderr)
        return 2
    sys.stdout.write(render(answer, args.format))
    return 1 if answer else 0


def _sides(parser: argparse.ArgumentParser, args: argparse.Namespace) -> list[str]:
    """What names each side, as `load_side` takes it. A side given by option takes no
    positional, so the positionals fill the other sides in order."""
    positional = [v for v in (args.before, args.after) if v]
    sides = []
    for side in ("before", "after"):
        state_file, url = getattr(args, f"{side}_state"), getattr(args, f"{side}_endpoint_url")
        if state_file and url:
            parser.error(f"give --{side}-state or --{side}-endpoint-url, not both")
        sides.append("sqlite:" + state_file if state_file else url or
                     (positional.pop(0) if positional else ""))
    if positional or not all(sides):
        parser.error("give BEFORE and AFTER once each: a snapshot file, sqlite:PATH, a URL, "
                     "--before-state/--after-state or --before-endpoint-url/--after-endpoint-url")
    return sides


def load_side(where: str) -> World:
    """The world a side names: `sqlite:PATH`, `http(s)://URL` or a snapshot file."""
    if where.startswith("sqlite:"):
        data = state_cli.from_state_file(where[len("sqlite:"):])
    elif where.startswith(("http://", "https://")):
        data = state_cli.fetch(where)
    else:
        data = state_cli.read_file(where)
    return state_cli.world_of(data, where)


# -- output -----------------------------------------------------------------------------------
def render(answer: Diff, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(answer.as_dict(), indent=2, sort_keys=True) + "\n"
    if fmt == "junit":
        return junit(answer)
    return "\n".join(text(answer)) + "\n"


def text(answer: Diff) -> list[str]:
    """Per group a headline, then each flow with its path or what blocks it."""
    if not answer:
        return ["no change"]
    lines = [f"{len(answer.opened)} opened, {len(answer.closed)} closed"]
    for (kind, src, dst, protocol, ports), flows in answer.groups().items():
        lines.append(f"{kind} {src} -> {dst} {protocol} {ports}:")
        lines += [f"  {_line(f)}" for f in flows]
    return lines


def _line(flow: Flow) -> str:
    ends = (f"{rid} ({name})" if name else rid for rid, name in (
        (flow.source, flow.source_name), (flow.destination, flow.destination_name)))
    head = f"{'opened' if flow.opened else 'closed'} {' -> '.join(ends)}"
    where = f" at {flow.blocker}" if flow.blocker else ""
    shut = f"{'before' if flow.opened else 'after'}: blocked{where} [{flow.code or '?'}]"
    path = f"; path: {' -> '.join(flow.path)}" if flow.path else ""
    return f"{head} ({shut}{path})"


def junit(answer: Diff) -> str:
    """One testcase per changed flow, each failing: CI shows what the change did."""
    suite = ElementTree.Element("testsuite", name="ec2sim diff", tests=str(len(answer.flows)),
                                failures=str(len(answer.flows)))
    for flow in answer.flows:
        group = f"{flow.kind}.{flow.source_class}.{flow.destination_class}"
        case = ElementTree.SubElement(
            suite, "testcase", classname=group,
            name=f"{flow.source} -> {flow.destination} {flow.protocol} {flow.ports}")
        failure = ElementTree.SubElement(
            case, "failure", type="opened" if flow.opened else "closed",
            message=_line(flow))
        failure.text = json.dumps(flow.as_dict(), sort_keys=True)
    return ElementTree.tostring(suite, encoding="unicode", xml_declaration=True) + "\n"
