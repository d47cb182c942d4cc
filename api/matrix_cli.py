"""`ec2sim matrix`: reachability between every ordered pair of subnets (or security groups)
of a world read from a snapshot file, a `serve --state` database or a running server.

The answer is `routing.matrix`'s, computed in this process or on a Dask cluster (`--dask`:
a scheduler address, `local`, `none`; by default a local cluster only for big worlds, see
`routing.distributed`). Text prints a summary and one line per pair; JSON gives the pairs as
`[source, destination, reachable, blocked_by]`. Exit status 0, or 2 when the world cannot be
read, an argument is refused or the cluster cannot be reached.
"""
from __future__ import annotations

import json
import sys
from typing import Any

import api.state_cli as state_cli
from routing import distributed
from routing.matrix import KINDS, Matrix
from topology.core.errors import TopologyError


def add_parser(commands: Any) -> None:
    cmd = commands.add_parser(
        "matrix", help="reachability between every pair of subnets or security groups",
        description="The all-pairs reachability matrix of a world's subnets (or security "
                    "groups), by forwarding class; optionally on a Dask cluster.")
    state_cli.add_world_arguments(cmd)
    cmd.add_argument("--kind", choices=KINDS, default="subnet",
                     help="pairs of subnets (default) or of security groups")
    cmd.add_argument("--protocol", default="tcp", help="tcp, udp, icmp or -1 (default tcp)")
    cmd.add_argument("--port", type=int, help="destination port (default: any port)")
    cmd.add_argument("--ip-version", type=int, choices=(4, 6), default=4,
                     help="between IPv4 (default) or IPv6 addresses")
    cmd.add_argument("--vpc", help="only this VPC's subnets or groups")
    cmd.add_argument("--region", help="only this region")
    cmd.add_argument("--account", help="only this account")
    cmd.add_argument("--format", choices=("text", "json"), default="text")
    add_dask_argument(cmd)


def add_dask_argument(cmd: Any) -> None:
    """`--dask`, shared with `ec2sim check`."""
    cmd.add_argument("--dask", metavar="ADDRESS|local|none", default="auto",
                     help="run on a Dask cluster: a scheduler address (tcp://HOST:8786), "
                          "`local` (a local cluster, one worker process per core) or `none` "
                          "(this process); default: local for big worlds only")
    cmd.add_argument("--no-dask", dest="dask", action="store_const", const="none",
                     help="same as --dask none")


def run(args: Any) -> int:
    try:
        world = state_cli.world_of_args(args)
        answer = distributed.matrix(world, args.kind, dask=args.dask, protocol=args.protocol,
                                    port=args.port, account=args.account, region=args.region,
                                    vpc=args.vpc, ip_version=args.ip_version)
    except TopologyError as err:
        print(f"error: {err.code}: {err.message}", file=sys.stderr)
        return 2
    except OSError as err:           # a scheduler that cannot be reached
        print(f"error: Dask cluster {args.dask}: {err}", file=sys.stderr)
        return 2
    if args.format == "json":
        print(json.dumps(as_json(answer, args)))
    else:
        sys.stdout.write("\n".join(text(answer, args)) + "\n")
    return 0




def _head(answer: Matrix, args: Any) -> str:
    port = "any port" if args.port is None else f"port {args.port}"
    members = "subnets" if args.kind == "subnet" else "security groups"
    side = len({src for src, _ in answer})
    return (f"{side} {members}, {answer.classes} forwarding classes, {answer.walks} walks; "
            f"{sum(answer.values())} of {len(answer)} pairs reachable on {args.protocol} {port}")


def text(answer: Matrix, args: Any) -> list[str]:
    """A summary, then `SOURCE -> DESTINATION reachable|blocked [CODE]` per pair."""
    lines = [_head(answer, args)]
    for (src, dst), passed in answer.items():
        code = answer.blocked_by.get((src, dst))
        lines.append(f"{src} -> {dst} " + ("reachable" if passed else
                                           f"blocked [{code}]" if code else "blocked"))
    return lines


def as_json(answer: Matrix, args: Any) -> dict[str, Any]:
    return {"kind": args.kind, "protocol": args.protocol, "port": args.port,
            "ip_version": args.ip_version,
            "classes": answer.classes, "walks": answer.walks,
            "pairs": [[src, dst, passed, answer.blocked_by.get((src, dst))]
                      for (src, dst), passed in answer.items()]}
