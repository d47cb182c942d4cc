"""ec2sim against moto and against the floors of boto3 and of the HTTP server, on one workload.

The workload (issue 17): one VPC (untimed), then 100 `create_subnet` in it, 200
`describe_subnets` filtered by `vpc-id` and `cidr-block`, and 1,000 `describe_vpcs`. It runs

* in-process: ec2sim's `mock_ec2` and moto's `mock_aws`;
* the botocore floor: a `before-send` hook answering each call with a canned response (the
  very body ec2sim gives for that call), i.e. what boto3 costs with no simulator at all;
* over HTTP: `ec2sim serve` and `moto_server`, each a subprocess on a free local port;
* the server floor: the same HTTP server `ec2sim serve` runs (`api.cli.serve_wsgi`), with the
  same settings, serving a WSGI app that answers every call of the workload with a canned
  body (the very bodies ec2sim gives, captured once): what boto3 and that server cost with
  no simulator behind them.

Modes take turns, round by round, on fresh state, each next to those it is compared with;
every other round runs them in the opposite order. A shared VM's speed drifts by tens of
percent from one second to the next, so each ratio is taken within a round and the median
of the rounds' ratios is judged against its target. The three servers run side by side:
each makes its VPC, then takes its turn at each operation's block of calls (who goes first
changes with each operation), so the blocks compared are less than a second apart. Calls
are not interleaved one by one: switching clients at every call leaves the client's caches
cold for the next, a cost a client of one server never pays, and it would shrink every
ratio towards 1. `--clock wall` (the default) times with the wall clock; `--clock cpu`
counts CPU seconds instead (this process's, plus the server's for the HTTP modes).

It prints calls/s per operation and mode (each operation's best round), then per operation
the ratios (the median of the rounds', their range, and the ratio of the best rounds) and
their targets:

* ec2sim in-process / moto in-process, calls/s (target >= 15);
* ec2sim in-process `describe_vpcs` time per call / the botocore floor's (target <= 1.3);
* ec2sim server / moto_server, calls/s (target >= 5);
* ec2sim server time per call / the server floor's (target <= 1.3).

`--profile DIR` runs the HTTP servers of ec2sim and of the floor under cProfile (every
thread) and writes `DIR/<mode>.pstats` when they stop (timings then mean little).

Run: `python3 -m pip install -e '.[bench]' && python3 benchmarks/compare_moto.py`.
"""
from __future__ import annotations

import argparse
import os
import pickle
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
from botocore.awsrequest import AWSResponse
from botocore.config import Config
from children import stop   # beside this file

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REGION = "us-east-1"
SUBNETS = 100          # create_subnet calls
SUBNET_QUERIES = 200   # describe_subnets calls filtered by vpc-id and cidr-block
DESCRIBES = 1000       # describe_vpcs calls
PHASES = ("create_subnet", "describe_subnets", "describe_vpcs")
MODES = ("ec2sim-inproc", "moto-inproc", "botocore-floor", "ec2sim-server", "moto-server",
         "server-floor")
# a round, in turn (reversed every other round): each mode beside those it is compared with
# (see CHECKS); the servers run together, taking turns operation by operation (`workload`)
ROUND = (("botocore-floor",), ("ec2sim-inproc",), ("moto-inproc",),
         ("moto-server", "ec2sim-server", "server-floor"))
Timings = dict[str, tuple[int, float]]   # phase -> (calls, seconds)
Clock = Callable[[], float]

os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
                  AWS_DEFAULT_REGION=REGION, AWS_CONFIG_FILE=os.devnull,
                  AWS_SHARED_CREDENTIALS_FILE=os.devnull)


def make_client(endpoint_url: str | None = None) -> Any:
    return boto3.client("ec2", region_name=REGION, endpoint_url=endpoint_url,
                        config=Config(retries={"max_attempts": 1}))


@dataclass
class Lane:
    """One mode's client, ready for one run of the workload on fresh state."""
    mode: str
    ec2: Any
    clock: Clock


def workload(lanes: list[Lane]) -> dict[str, Timings]:
    """The measured calls, each operation's calls timed as one block per lane. Lanes take
    turns operation by operation (who goes first changes with each), so that each block of
    one lane runs within a second of the others' blocks of that operation."""
    vpcs = {lane.mode: lane.ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
            for lane in lanes}
    out: dict[str, Timings] = {lane.mode: {} for lane in lanes}
    for turn, (phase, count, call) in enumerate(CALLS):
        for lane in lanes[turn % len(lanes):] + lanes[:turn % len(lanes)]:
            ec2, vpc = lane.ec2, vpcs[lane.mode]
            start = lane.clock()
            for i in range(count):
                call(ec2, vpc, i)
            out[lane.mode][phase] = (count, lane.clock() - start)
    return out


def create_subnet(ec2: Any, vpc: str, i: int) -> None:
    ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24")


def describe_subnets(ec2: Any, vpc: str, i: int) -> None:
    found = ec2.describe_subnets(Filters=subnet_filters(vpc, i % SUBNETS))
    assert len(found["Subnets"]) == 1, found


def describe_vpcs(ec2: Any, _vpc: str, _i: int) -> None:
    ec2.describe_vpcs()


CALLS = (("create_subnet", SUBNETS, create_subnet),
         ("describe_subnets", SUBNET_QUERIES, describe_subnets),
         ("describe_vpcs", DESCRIBES, describe_vpcs))


def subnet_filters(vpc: str, i: int) -> list[dict[str, Any]]:
    return [{"Name": "vpc-id", "Values": [vpc]},
            {"Name": "cidr-block", "Values": [f"10.0.{i}.0/24"]}]


# -- clocks ----------------------------------------------------------------------------------
def wall_clock(_pid: int | None = None) -> Clock:
    return time.perf_counter


def cpu_clock(pid: int | None = None) -> Clock:
    """CPU seconds of this process, plus those of the server process `pid` if given."""
    ticks = os.sysconf("SC_CLK_TCK")

    def server_cpu() -> float:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / ticks   # utime, stime

    if pid is None:
        return time.process_time
    return lambda: time.process_time() + server_cpu()


# -- modes: each gives a fresh lane per round, valid inside its context ------------------------
Runner = Callable[[], AbstractContextManager[Lane]]


def ec2sim_inproc(setup: Setup) -> Runner:
    from api import mock_ec2

    @contextmanager
    def lane() -> Iterator[Lane]:
        with mock_ec2():
            yield Lane("ec2sim-inproc", make_client(), setup.clock())
    return lane


def moto_inproc(setup: Setup) -> Runner:
    from moto import mock_aws

    @contextmanager
    def lane() -> Iterator[Lane]:
        with mock_aws():
            yield Lane("moto-inproc", make_client(), setup.clock())
    return lane


class _Canned:
    """A raw body botocore can read, again and again."""

    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.body

    def read(self, *_: Any) -> bytes:
        return self.body


Answers = dict[str, tuple[bytes, dict[str, str]]]   # Action -> (body, headers)


def canned_answers() -> Answers:
    """ec2sim's wire answer to each call of the workload, captured once on a fresh world: a
    VPC, a subnet in it, that subnet found by the workload's filters, and describe_vpcs (the
    default VPC and the new one)."""
    from botocore.serialize import create_serializer

    from api import dispatch, protocol
    from topology.core.world import DEFAULT_ACCOUNT, World

    world, answers, serializer = World(), {}, create_serializer("ec2")

    def call(action: str, params: dict[str, Any]) -> Any:
        form = serializer.serialize_to_request(params, protocol.operation(action))["body"]
        outcome = dispatch.answer(world, form, DEFAULT_ACCOUNT, REGION)
        reply = dispatch.reply(outcome)
        assert reply.status == 200, reply.body
        answers[action] = (reply.body, reply.headers)
        return outcome.result

    vpc = call("CreateVpc", {"CidrBlock": "10.0.0.0/16"})["Vpc"]["VpcId"]
    call("CreateSubnet", {"VpcId": vpc, "CidrBlock": "10.0.0.0/24"})
    call("DescribeSubnets", {"Filters": subnet_filters(vpc, 0)})
    call("DescribeVpcs", {})
    return answers


def botocore_floor(setup: Setup) -> Runner:
    """The workload through boto3 with the network replaced by canned answers."""
    answers = {action: (headers, _Canned(body))
               for action, (body, headers) in canned_answers().items()}
    ec2 = make_client()   # made outside any mock: nothing but the canned hook answers it

    def answer(request: Any, **_: Any) -> AWSResponse:
        headers, body = answers[_action(request.body)]
        return AWSResponse(request.url, 200, headers, body)

    ec2.meta.events.register_first("before-send.ec2", answer)
    assert len(ec2.describe_vpcs()["Vpcs"]) == 2

    @contextmanager
    def lane() -> Iterator[Lane]:
        yield Lane("botocore-floor", ec2, setup.clock())
    return lane


def _free_port(ports: range | None) -> int:
    """A port free on the loopback: the first in `ports`, else one the system picks."""
    for port in ports or (0,):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise RuntimeError(f"no free port in {ports}")


@contextmanager
def server(command: list[str], port: int, log_path: Path | None = None
           ) -> Iterator[tuple[str, int]]:
    """Run a server subprocess until it answers on `port`; yields its URL and pid. Its
    output goes to `log_path`, or to a temporary file shown if it fails to start."""
    url = f"http://127.0.0.1:{port}"
    with (open(log_path, "w+b") if log_path else tempfile.TemporaryFile()) as log:
        proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, cwd=ROOT)
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=1):
                        break
                except OSError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        log.seek(0)
                        raise RuntimeError(f"{command[0]} did not start: {log.read().decode()}")
                    time.sleep(0.1)
            yield url, proc.pid
        finally:
            stop(proc)


@dataclass
class Setup:
    stack: ExitStack
    clock: Callable[..., Clock]
    ports: range | None = None
    profile: Path | None = None   # write the servers' profiles here

    def port(self) -> int:
        port = _free_port(self.ports)
        if self.ports is not None:   # not twice
            self.ports = range(port + 1, self.ports.stop)
        return port

    def profiled(self, mode: str) -> list[str]:
        """The start of a command running what follows under `profiled_main`, if profiling."""
        if self.profile is None:
            return []
        return [sys.executable, str(Path(__file__).resolve()), "--profiled",
                str(self.profile / f"{mode}.pstats")]


def over_http(mode: str, command: list[str], port: int, setup: Setup) -> Runner:
    url, pid = setup.stack.enter_context(server(command, port))
    ec2 = make_client(url)
    ec2.describe_vpcs()  # warm: the server builds its defaults on first use

    @contextmanager
    def lane() -> Iterator[Lane]:
        request = urllib.request.Request(url + "/moto-api/reset", method="POST", data=b"")
        with urllib.request.urlopen(request, timeout=30) as answer:
            answer.read()
        yield Lane(mode, ec2, setup.clock(pid))
    return lane


def ec2sim_server(setup: Setup) -> Runner:
    port = setup.port()
    serve = ["serve", "--port", str(port)]
    command = ([*setup.profiled("ec2sim-server"), *serve] if setup.profile
               else [sys.executable, "-m", "api.cli", *serve])
    return over_http("ec2sim-server", command, port, setup)


def moto_server(setup: Setup) -> Runner:
    port = setup.port()
    command = shutil.which("moto_server")
    argv = [command] if command else [sys.executable, "-m", "moto.server"]
    return over_http("moto-server", [*argv, "-p", str(port)], port, setup)


def server_floor(setup: Setup) -> Runner:
    """The canned answers served by `ec2sim serve`'s HTTP server (`serve_floor`)."""
    folder = Path(setup.stack.enter_context(tempfile.TemporaryDirectory()))
    (folder / "answers.pickle").write_bytes(pickle.dumps(canned_answers()))
    port = setup.port()
    floor = ["--serve-floor", str(port), str(folder / "answers.pickle")]
    command = ([*setup.profiled("server-floor"), *floor] if setup.profile
               else [sys.executable, str(Path(__file__).resolve()), *floor])
    return over_http("server-floor", command, port, setup)


def _action(body: bytes | str) -> str:
    """The Action of a Query body: botocore writes it first (`Action=DescribeVpcs&...`)."""
    raw = body if isinstance(body, bytes) else body.encode()
    return raw.partition(b"&")[0].partition(b"=")[2].decode()


def floor_app(answers: Answers) -> Callable[..., list[bytes]]:
    """A WSGI app answering each Action with its canned answer, anything else (the reset)
    with a small JSON body: no simulator, only what any app must do (read the body)."""
    other = (b'{"status": "ok"}', {"Content-Type": "application/json"})

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        length = environ.get("CONTENT_LENGTH")
        body = environ["wsgi.input"].read(int(length)) if length else b""
        body, headers = answers.get(_action(body), other)
        start_response("200 OK", [*headers.items(), ("Content-Length", str(len(body)))])
        return [body]
    return app


def serve_floor(port: int, answers_path: str) -> int:
    """Serve `floor_app` as `ec2sim serve --port PORT` serves ec2sim."""
    from api.cli import serve_wsgi

    serve_wsgi(floor_app(pickle.loads(Path(answers_path).read_bytes())), "127.0.0.1", port)
    return 0


def profiled_main(out: str, argv: list[str]) -> int:
    """Run `ec2sim ARGV` (or `--serve-floor ...`) with cProfile in every thread; on SIGTERM
    write the merged profile to `out` and exit."""
    import cProfile
    import pstats
    import signal
    import threading

    profiles = [cProfile.Profile()]
    thread_run = threading.Thread.run

    def run(self: threading.Thread) -> None:
        profile = cProfile.Profile()
        profiles.append(profile)
        profile.enable()
        thread_run(self)

    def stop(*_: Any) -> None:
        profiles[0].disable()
        pstats.Stats(*profiles).dump_stats(out)
        os._exit(0)

    threading.Thread.run = run  # type: ignore[method-assign]
    signal.signal(signal.SIGTERM, stop)
    profiles[0].enable()
    if argv[0] == "--serve-floor":
        return serve_floor(int(argv[1]), argv[2])
    from api.cli import main as ec2sim
    return ec2sim(argv)


SETUP: dict[str, Callable[[Setup], Runner]] = {
    "ec2sim-inproc": ec2sim_inproc, "moto-inproc": moto_inproc,
    "botocore-floor": botocore_floor, "ec2sim-server": ec2sim_server,
    "moto-server": moto_server, "server-floor": server_floor}


# -- report ----------------------------------------------------------------------------------
def best(runs: list[Timings]) -> Timings:
    return {phase: min((run[phase] for run in runs), key=lambda cs: cs[1]) for phase in runs[0]}


def rate(timings: Timings) -> float:
    return sum(c for c, _ in timings.values()) / sum(s for _, s in timings.values())


def per_call_us(timings: Timings, phase: str) -> float:
    calls, seconds = timings[phase]
    return seconds / calls * 1e6


# (numerator, denominator, "rate" (calls/s ratio, at least) or "time" (per call, at most),
#  target, phases compared)
CHECKS = (("ec2sim-inproc", "moto-inproc", "rate", 15.0, PHASES),
          ("ec2sim-inproc", "botocore-floor", "time", 1.3, ("describe_vpcs",)),
          ("ec2sim-server", "moto-server", "rate", 5.0, PHASES),
          ("ec2sim-server", "server-floor", "time", 1.3, PHASES))
# shown without a target: the floor's own ratio to moto_server, the most any server behind
# that HTTP stack could show against moto_server on this machine
CEILINGS = (("server-floor", "moto-server", "rate", PHASES),)


def ratio(kind: str, ours: float, theirs: float) -> float:
    """ec2sim's calls/s over theirs ("rate"), or its time per call over theirs ("time")."""
    return theirs / ours if kind == "rate" else ours / theirs


def report(runs: dict[str, list[Timings]], clock: str) -> list[str]:
    """The table of the best rounds, then each check: judged on the median of the ratios
    taken within each round, shown with their range and the best rounds' ratio."""
    results = {mode: best(rounds) for mode, rounds in runs.items()}
    lines = [f"calls/s by the {clock} clock (best of the rounds for each operation)",
             f"{'mode':16s}" + "".join(f"{p:>18s}" for p in PHASES) + f"{'all':>10s}"]
    for mode, timings in results.items():
        cells = "".join(f"{timings[p][0] / timings[p][1]:18.0f}" if p in timings else f"{'-':>18s}"
                        for p in PHASES)
        lines.append(f"{mode:16s}{cells}{rate(timings):10.0f}")
    lines += ["", "ratios: the median of the rounds' (each taken within one round), their range, "
                  "and the best rounds' (time per call)"]
    for mine, other, kind, target, phases in CHECKS:
        for phase, middle, text in compared(runs, results, mine, other, kind, phases):
            met = middle >= target if kind == "rate" else middle <= target
            lines.append(f"{text}  target {'>=' if kind == 'rate' else '<='} {target:g}  "
                         f"{'met' if met else 'MISSED'}")
    for mine, other, kind, phases in CEILINGS:
        lines += [f"{text}  (no server behind that HTTP stack could show more against {other})"
                  for _, _, text in compared(runs, results, mine, other, kind, phases)]
    return lines


def compared(runs: dict[str, list[Timings]], results: dict[str, Timings], mine: str, other: str,
             kind: str, phases: tuple[str, ...]) -> Iterator[tuple[str, float, str]]:
    """Per phase both modes ran: the median of the rounds' ratios, and the line showing it."""
    if mine not in results or other not in results:
        return
    for phase in phases:
        if phase not in results[mine] or phase not in results[other]:
            continue
        rounds = sorted(ratio(kind, per_call_us(a, phase), per_call_us(b, phase))
                        for a, b in zip(runs[mine], runs[other]))
        middle = statistics.median(rounds)
        label = f"{mine} / {other} {'calls/s' if kind == 'rate' else 'time per call'}"
        ours, theirs = per_call_us(results[mine], phase), per_call_us(results[other], phase)
        yield phase, middle, (f"{phase:17s} {label}: {middle:.2f} ({rounds[0]:.2f}-"
                              f"{rounds[-1]:.2f}; best {ours:.0f} vs {theirs:.0f} us: "
                              f"{ratio(kind, ours, theirs):.2f})")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--profiled"]:   # a server under cProfile (see Setup.profiled)
        return profiled_main(argv[1], argv[2:])
    if argv[:1] == ["--serve-floor"]:
        return serve_floor(int(argv[1]), argv[2])
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7,
                        help="rounds (the median of their ratios is judged)")
    parser.add_argument("--only", nargs="*", choices=MODES, default=list(MODES))
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall")
    parser.add_argument("--ports", metavar="LOW-HIGH", help="take the servers' ports here")
    parser.add_argument("--profile", metavar="DIR", type=Path,
                        help="profile the servers of ec2sim and of the floor into DIR")
    args = parser.parse_args(argv)
    ports = None
    if args.ports:
        low, _, high = args.ports.partition("-")
        ports = range(int(low), int(high or low) + 1)
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    runs: dict[str, list[Timings]] = {mode: [] for mode in MODES if mode in args.only}
    groups = [group for group in ([m for m in g if m in runs] for g in ROUND) if group]
    with ExitStack() as stack:
        setup = Setup(stack, wall_clock if args.clock == "wall" else cpu_clock, ports,
                      args.profile)
        runners = {mode: SETUP[mode](setup) for group in groups for mode in group}
        for round_ in range(args.repeat):
            for group in groups if round_ % 2 == 0 else groups[::-1]:
                print(f"round {round_ + 1}/{args.repeat}: {' + '.join(group)}", file=sys.stderr,
                      flush=True)
                if round_ % 2:
                    group = group[::-1]
                with ExitStack() as lanes:
                    timings = workload([lanes.enter_context(runners[m]()) for m in group])
                for mode in group:
                    runs[mode].append(timings[mode])
    print("\n".join(report(runs, args.clock)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
