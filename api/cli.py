"""The `ec2sim` command: `serve` the endpoint, list `operations` coverage, `reach`, `draw`,
`snapshot save|load`, `import`."""
from __future__ import annotations

import argparse
import configparser
import gc
import json
import os
import sqlite3
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

import boto3
import botocore.exceptions

import api.check_cli as check_cli
import api.diff_cli as diff_cli
import api.dispatch as dispatch
import api.http_server as http_server
import api.importing as importing
import api.matrix_cli as matrix_cli
import api.reach as reach
import api.state_cli as state_cli
import routing
import viz
from topology.core.errors import TopologyError
from topology.core.world import DEFAULT_ACCOUNT, World
from topology.provision import state
from topology.provision.store import open_world
from viz import diff_page

from .app import create_app
from .coverage import render
from .files import BadRequest, parse_tags
from .sigv4 import Verifier, load_credentials


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ec2sim", description="EC2 network-topology simulator")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve the EC2 Query API over HTTP")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=5000)
    serve.add_argument("--seed", type=int, default=None, help="seed for reproducible ids")
    serve.add_argument("--threads", type=int, default=8,
                       help="requests answered at once (each connection has its own thread)")
    serve.add_argument("--state", metavar="PATH",
                       help="keep state in this SQLite database: every acknowledged change "
                            "survives a crash, a restart goes on from it (default: in memory)")
    serve.add_argument("--verify-signatures", action="store_true",
                       help="check SigV4 signatures against known credentials (default: trust "
                            "any key)")
    serve.add_argument("--credentials", metavar="FILE",
                       help="access key id -> secret (JSON or INI) for --verify-signatures; "
                            "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY are added as a default")
    serve.add_argument("--beside", metavar="URL",
                       help="an emulator of the other services (e.g. moto_server) to ask about "
                            "the IAM instance profiles and S3 buckets EC2 calls name "
                            "(default: take them as given)")
    serve.add_argument("--snapshots", metavar="DIR",
                       help="a directory of snapshot files (`ec2sim snapshot save`) the web "
                            "page's change impact (/ui/diff) lists and compares")

    ops = commands.add_parser("operations", help="which EC2 operations are implemented")
    ops.add_argument("--format", choices=("text", "markdown"), default="text")
    _reach_parser(commands)
    _draw_parser(commands)
    _snapshot_parser(commands)
    _import_parser(commands)
    check_cli.add_parser(commands)
    diff_cli.add_parser(commands)
    matrix_cli.add_parser(commands)

    args = parser.parse_args(argv)
    if args.command == "check":
        return check_cli.run(args)
    if args.command == "diff":
        return diff_cli.run(parser, args)
    if args.command == "matrix":
        return matrix_cli.run(args)
    if args.command == "snapshot":
        return _snapshot(args)
    if args.command == "import":
        return _import(parser, args)
    if args.command == "reach":
        return _reach(parser, args)
    if args.command == "draw":
        return _draw(parser, args)
    if args.command == "serve":
        if args.credentials and not args.verify_signatures:
            parser.error("--credentials needs --verify-signatures")
        return _serve(args)
    return _operations(args)


def _serve(args: argparse.Namespace) -> int:
    config = {}
    if args.verify_signatures:
        try:
            keys = load_credentials(args.credentials)
        except (OSError, ValueError, configparser.Error) as err:
            print(f"error: cannot read credentials {args.credentials}: {err}", file=sys.stderr)
            return 2
        if not keys:
            print("error: --verify-signatures needs --credentials FILE or AWS_ACCESS_KEY_ID and "
                  "AWS_SECRET_ACCESS_KEY", file=sys.stderr)
            return 2
        config["EC2SIM_VERIFIER"] = Verifier(keys)
    if args.beside:
        config["EC2SIM_BESIDE"] = args.beside
    if args.snapshots:
        if not os.path.isdir(args.snapshots):
            print(f"error: --snapshots {args.snapshots} is not a directory", file=sys.stderr)
            return 2
        config[diff_page.SNAPSHOTS] = os.path.abspath(args.snapshots)
    try:
        world = _world(args)
    except (OSError, ValueError, sqlite3.Error) as err:
        print(f"error: cannot open state {args.state}: {err}", file=sys.stderr)
        return 2
    app = create_app(world, config)
    _load_before_serving()
    print(f"ec2sim serving the EC2 API on http://{args.host}:{args.port}", flush=True)
    serve_wsgi(app, args.host, args.port, args.threads)
    return 0


def _load_before_serving() -> None:
    """Load what every request needs (the handlers, the EC2 model) before the first one, and
    take it out of the cyclic collector's sight: a full collection walks botocore's parsed
    models (~150,000 objects, 60-80 ms a pass), and without this one ran every few hundred
    changes, stalling the request that triggered it."""
    dispatch.handlers()
    gc.freeze()


def serve_wsgi(app: Any, host: str, port: int, threads: int = 8) -> None:
    """Serve the WSGI `app` until stopped: the HTTP server of `ec2sim serve` (the benchmark's
    server floor serves its canned app with this very function)."""
    http_server.serve(app, host, port, threads=threads)


def _world(args: argparse.Namespace) -> Any:
    """The served world: in memory, or durable in the `--state` database."""
    if not args.state:
        return World(args.seed)
    return open_world(args.state, args.seed)


def _operations(args: argparse.Namespace) -> int:
    sys.stdout.write(render(markdown=args.format == "markdown"))
    return 0


# -- reach ------------------------------------------------------------------------------------
def _reach_parser(commands: Any) -> None:
    reach = commands.add_parser(
        "reach", help="is a destination reachable from a source? (exit 0 yes, 1 no)",
        description="Analyse one path like Reachability Analyzer and print its hops or what "
                    "blocks it. Ends are resource ids/ARNs or IPv4 addresses.")
    reach.add_argument("--from", dest="source", required=True, metavar="ID|IP")
    reach.add_argument("--to", dest="destination", required=True, metavar="ID|IP")
    reach.add_argument("--protocol", choices=("tcp", "udp"), default="tcp")
    reach.add_argument("--port", type=int, default=None, help="destination port")
    reach.add_argument("--endpoint-url", help="a running `ec2sim serve` to ask (through boto3)")
    reach.add_argument("--state", help="a saved state file to analyse instead of a server")
    reach.add_argument("--region", default=None, help="region (default: us-east-1)")
    reach.add_argument("--account", default=None, help="account of a --state world")
    reach.add_argument("--keep", action="store_true",
                       help="keep the path and analysis created on the server")


def _reach(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    if args.port is not None and not 0 <= args.port <= 65535:
        parser.error("--port must be from 0 to 65535")
    if bool(args.endpoint_url) == bool(args.state):
        parser.error("reach needs exactly one of --endpoint-url URL or --state FILE")
    try:
        result = _reach_remote(args) if args.endpoint_url else _reach_local(args)
    except TopologyError as err:
        print(f"error: {err.code}: {err.message}", file=sys.stderr)
        return 2
    lines = reach.describe(result, args.source, args.destination, args.protocol, args.port)
    print("\n".join(lines))
    return 0 if result["NetworkPathFound"] else 1


def _reach_local(args: argparse.Namespace) -> dict[str, Any]:
    try:
        world = state.read(args.state)
    except (OSError, ValueError) as err:
        raise TopologyError(f"cannot read {args.state}: {err}", "InvalidState") from None
    part = world.partition(args.account or DEFAULT_ACCOUNT, args.region or "us-east-1")
    return reach.analyze_world(world, part, args.source, args.destination,
                               protocol=args.protocol, port=args.port)


def _reach_remote(args: argparse.Namespace) -> dict[str, Any]:
    """Create a path, start an analysis and read it back from the server, through boto3."""
    session = boto3.Session()
    keys = {} if session.get_credentials() is not None else {
        "aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    ec2 = session.client("ec2", endpoint_url=args.endpoint_url,
                         region_name=args.region or session.region_name or "us-east-1", **keys)
    try:
        return _remote_analysis(ec2, args)
    except botocore.exceptions.ClientError as err:
        error = err.response.get("Error", {})
        raise TopologyError(error.get("Message", str(err)), error.get("Code", "Error")) from None
    except botocore.exceptions.BotoCoreError as err:
        raise TopologyError(str(err), "EndpointError") from None


def _remote_end(ec2: Any, text: str, role: str) -> tuple[str | None, str | None]:
    """(resource id, address) of one end, an address resolved to the interface holding it."""
    if not reach.is_address(text):
        return text, None
    for name in ("addresses.private-ip-address", "association.public-ip"):
        found = ec2.describe_network_interfaces(
            Filters=[{"Name": name, "Values": [text]}])["NetworkInterfaces"]
        if found:
            return found[0]["NetworkInterfaceId"], text
    if role == "source":
        raise TopologyError(f"No network interface holds the address {text}; a source must "
                            "be a resource.", "InvalidParameterValue")
    return None, text


def _remote_analysis(ec2: Any, args: argparse.Namespace) -> dict[str, Any]:
    source, source_ip = _remote_end(ec2, args.source, "source")
    dest, dest_ip = _remote_end(ec2, args.destination, "destination")
    request: dict[str, Any] = {"Source": source, "Protocol": args.protocol}
    if source_ip:
        request["SourceIp"] = source_ip
    if dest is not None:
        request.update({"Destination": dest, **({"DestinationIp": dest_ip} if dest_ip else {}),
                        **({"DestinationPort": args.port} if args.port is not None else {})})
    else:     # an address alone: AWS takes it as the destination filter at the source
        span = {"FromPort": args.port, "ToPort": args.port} if args.port is not None else None
        request["FilterAtSource"] = {"DestinationAddress": dest_ip,
                                     **({"DestinationPortRange": span} if span else {})}
    path_id = ec2.create_network_insights_path(**request)["NetworkInsightsPath"][
        "NetworkInsightsPathId"]
    analysis_id = None
    try:
        analysis_id = ec2.start_network_insights_analysis(NetworkInsightsPathId=path_id)[
            "NetworkInsightsAnalysis"]["NetworkInsightsAnalysisId"]
        deadline = time.monotonic() + 60
        while True:
            analysis = ec2.describe_network_insights_analyses(
                NetworkInsightsAnalysisIds=[analysis_id])["NetworkInsightsAnalyses"][0]
            if analysis["Status"] != "running" or time.monotonic() > deadline:
                break
            time.sleep(0.5)
    finally:
        if not args.keep:
            if analysis_id is not None:
                ec2.delete_network_insights_analysis(NetworkInsightsAnalysisId=analysis_id)
            ec2.delete_network_insights_path(NetworkInsightsPathId=path_id)
    if analysis["Status"] != "succeeded":
        raise TopologyError(analysis.get("StatusMessage") or f"analysis {analysis['Status']}",
                            "AnalysisFailed")
    return {key: analysis.get(key) for key in reach.RESULT}


# -- draw -------------------------------------------------------------------------------------
DRAW_FORMATS = ("svg", "png", "pdf", "dot", "json")


def _draw_parser(commands: Any) -> None:
    draw = commands.add_parser(
        "draw", help="draw the topology to svg, png, pdf, dot or json",
        description="Draw what a running server holds (--endpoint-url) or a saved state "
                    "(--state): account/region, VPCs, zones, subnets, instances, gateways, "
                    "peering and transit gateways, optionally with a reachability path.")
    where = draw.add_mutually_exclusive_group(required=True)
    where.add_argument("--endpoint-url", help="a running `ec2sim serve`")
    where.add_argument("--state", help="a state file (`GET /_ec2sim/state`, topology.provision.state.save)")
    draw.add_argument("-o", "--output", required=True,
                      help="the file to write; its suffix says the format (- for stdout)")
    draw.add_argument("--format", choices=DRAW_FORMATS, help="the format, if not the suffix's")
    draw.add_argument("--account", help="only this account")
    draw.add_argument("--region", help="only this region")
    draw.add_argument("--vpc", action="append", help="only this VPC (repeatable)")
    draw.add_argument("--tag", action="append", metavar="KEY[=VALUE]",
                      help="only VPCs with this tag (repeatable)")
    draw.add_argument("--highlight", nargs=3, metavar=("FROM", "TO", "PORT"),
                      help="draw the reachability path from FROM to TO on PORT")
    draw.add_argument("--protocol", choices=("tcp", "udp"), default="tcp",
                      help="protocol of the --highlight path (default tcp)")
    draw.add_argument("--budget", type=int, default=400,
                      help="most nodes to draw before folding (default 400)")
    draw.add_argument("--zoom", choices=("instance", "subnet", "vpc", "account"),
                      help="force a zoom level instead of choosing one by the budget")


def _draw(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    fmt = args.format or args.output.rpartition(".")[2].lower()
    if fmt not in DRAW_FORMATS:
        parser.error(f"cannot tell the format of {args.output!r}: give a .svg, .png, .pdf, "
                     ".dot or .json file, or --format")
    if args.highlight and args.highlight[2] and not (
            args.highlight[2].isdigit() and int(args.highlight[2]) <= 65535):
        parser.error("--highlight PORT must be from 0 to 65535")
    if args.budget < 1:
        parser.error("--budget must be at least 1")
    try:
        body = _draw_remote(args, fmt) if args.endpoint_url else _draw_local(args, fmt)
    except TopologyError as err:
        print(f"error: {err.code}: {err.message}", file=sys.stderr)
        return 2
    if args.output == "-":
        sys.stdout.buffer.write(body)
        sys.stdout.flush()
    else:
        with open(args.output, "wb") as out:
            out.write(body)
    return 0


def _draw_local(args: argparse.Namespace, fmt: str) -> bytes:
    try:
        world = state.read(args.state)
    except (OSError, ValueError) as err:
        raise TopologyError(f"cannot read {args.state}: {err}", "InvalidState") from None
    try:
        tags = parse_tags(args.tag or [])
    except BadRequest as err:
        raise TopologyError(err.message, err.code) from None
    highlight = None
    if args.highlight:
        source, destination, port = args.highlight
        highlight = routing.reachability(world, source, destination, protocol=args.protocol,
                                         destination_port=int(port) if port else None,
                                         account=args.account, region=args.region)
    vpc = args.vpc[0] if args.vpc and len(args.vpc) == 1 else args.vpc
    return viz.render(world, fmt, account=args.account, region=args.region, vpc=vpc,
                      tags=tags or None, highlight=highlight, budget=args.budget,
                      zoom=args.zoom)


def _draw_remote(args: argparse.Namespace, fmt: str) -> bytes:
    """Ask the server for the file (`GET /_ec2sim/draw.<fmt>`): it draws what it holds."""
    query: list[tuple[str, str]] = [(k, v) for k, v in (
        ("account", args.account), ("region", args.region), ("zoom", args.zoom),
        ("budget", str(args.budget)), ("protocol", args.protocol)) if v]
    query += [("vpc", v) for v in args.vpc or ()] + [("tag", t) for t in args.tag or ()]
    if args.highlight:
        query.append(("highlight", ",".join(args.highlight)))
    url = f"{args.endpoint_url.rstrip('/')}/_ec2sim/draw.{fmt}?{urlencode(query)}"
    try:
        with urllib.request.urlopen(url, timeout=120) as answer:
            return bytes(answer.read())
    except urllib.error.HTTPError as err:
        try:
            error = json.loads(err.read())["error"]
        except (ValueError, KeyError, TypeError):
            error = {"code": f"HTTP{err.code}", "message": str(err.reason)}
        raise TopologyError(error["message"], error["code"]) from None
    except (urllib.error.URLError, OSError) as err:
        raise TopologyError(f"cannot reach {args.endpoint_url}: {err}", "EndpointError") from None


# -- snapshot / import -----------------------------------------------------------------------
def _snapshot_parser(commands: Any) -> None:
    snap = commands.add_parser("snapshot", help="save or load a JSON snapshot of the world",
                               description="Move a snapshot (docs/snapshots.md) between a file "
                                           "and a running server or a state file.")
    actions = snap.add_subparsers(dest="action", required=True)
    for name, text in (("save", "write the world of a server or state file to FILE"),
                       ("load", "replace the world of a server or state file with FILE")):
        action = actions.add_parser(name, help=text, description=text)
        action.add_argument("file", metavar="FILE")
        where = action.add_mutually_exclusive_group(required=True)
        where.add_argument("--endpoint-url", help="a running `ec2sim serve`")
        where.add_argument("--state", help="the SQLite state file of `ec2sim serve --state`")


def _snapshot(args: argparse.Namespace) -> int:
    run = state_cli.save if args.action == "save" else state_cli.load
    try:
        nodes = run(args.file, endpoint_url=args.endpoint_url, state_file=args.state)
    except TopologyError as err:
        print(f"error: {err.code}: {err.message}", file=sys.stderr)
        return 2
    verb = "saved" if args.action == "save" else "loaded"
    print(f"{verb} {nodes} resources", file=sys.stderr)
    return 0


def _import_parser(commands: Any) -> None:
    imp = commands.add_parser(
        "import", help="build a snapshot from any EC2 endpoint or describe-*.json files",
        description="Read VPCs, subnets, route tables, gateways, security groups, network "
                    "ACLs, DHCP options, interfaces, instances and addresses through describe "
                    "calls and write them, ids kept, as a snapshot.")
    source = imp.add_mutually_exclusive_group(required=True)
    source.add_argument("--endpoint-url", help="the EC2 endpoint to read (AWS's own if "
                        "'aws'); needs --region")
    source.add_argument("--from-json", metavar="DIR",
                        help="a directory of `aws ec2 describe-* --output json` files, one per "
                             "call, named by it (describe-vpcs.json)")
    imp.add_argument("--region", default=None, help="region to read (default: us-east-1)")
    imp.add_argument("--profile", help="AWS profile for the endpoint's credentials")
    imp.add_argument("--account", help="account to file the resources under (default: the "
                     "VPCs' owner)")
    imp.add_argument("-o", "--output", help="the snapshot file to write")
    imp.add_argument("--into", metavar="URL", help="load the snapshot into this running server")


def _import(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    if not args.output and not args.into:
        parser.error("import needs -o FILE and/or --into URL")
    endpoint = None if args.endpoint_url == "aws" else args.endpoint_url
    try:
        importing.run(endpoint_url=endpoint, region=args.region or "us-east-1",
                      profile=args.profile, from_json=args.from_json, account=args.account,
                      output=args.output, into=args.into)
    except TopologyError as err:
        print(f"error: {err.code}: {err.message}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
