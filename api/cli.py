"""The `ec2sim` command: `serve` the endpoint, list `operations` coverage."""
from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ec2sim", description="EC2 network-topology simulator")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve the EC2 Query API over HTTP")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=5000)
    serve.add_argument("--seed", type=int, default=None, help="seed for reproducible ids")
    serve.add_argument("--threads", type=int, default=8)

    ops = commands.add_parser("operations", help="which EC2 operations are implemented")
    ops.add_argument("--format", choices=("text", "markdown"), default="text")

    args = parser.parse_args(argv)
    if args.command == "serve":
        return _serve(args)
    return _operations(args)


def _serve(args: argparse.Namespace) -> int:
    import waitress

    from topology.world import World

    from .app import create_app

    app = create_app(World(args.seed))
    print(f"ec2sim serving the EC2 API on http://{args.host}:{args.port}", flush=True)
    waitress.serve(app, host=args.host, port=args.port, threads=args.threads, ident="ec2sim",
                   _quiet=True)
    return 0


def _operations(args: argparse.Namespace) -> int:
    from .coverage import render

    sys.stdout.write(render(markdown=args.format == "markdown"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
