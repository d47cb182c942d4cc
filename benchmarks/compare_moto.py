"""ec2sim against moto and against botocore's own floor, on one boto3 workload.

The workload: one VPC, 100 subnets in it, 100 filtered `describe_subnets` (by VPC and CIDR
block), and 1,000 `describe_vpcs`. It runs

* in-process: ec2sim's `mock_ec2` and moto's `mock_aws`;
* the botocore floor: a `before-send` hook answering `describe_vpcs` with a canned response
  (the very body ec2sim gives for that call), i.e. what boto3 costs with no simulator at all;
* over HTTP: `ec2sim serve` and `moto_server`, each a subprocess on a free local port.

Modes take turns, round by round, on fresh state, so that a busy machine disturbs them
alike; each phase keeps its best round. `--clock wall` (the default) times with the wall
clock; `--clock cpu` counts CPU seconds instead (this process's, plus the server's for the
HTTP modes), which other load on a shared machine hardly disturbs.

It prints calls/s per phase and mode, then the ratios and their targets:

* ec2sim in-process / moto in-process, calls/s (target >= 3);
* ec2sim in-process `describe_vpcs` time per call / the floor's (target <= 1.3);
* ec2sim server / moto_server, calls/s (target >= 3).

Run: `python3 -m pip install -e '.[bench]' && python3 benchmarks/compare_moto.py`.
"""
from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import boto3
from botocore.awsrequest import AWSResponse
from botocore.config import Config

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REGION = "us-east-1"
SUBNETS = 100          # create_subnet calls, then as many filtered describe_subnets
DESCRIBES = 1000       # describe_vpcs calls
PHASES = ("create", "describe_subnets", "describe_vpcs")
MODES = ("ec2sim-inproc", "moto-inproc", "botocore-floor", "ec2sim-server", "moto-server")
Timings = dict[str, tuple[int, float]]   # phase -> (calls, seconds)
Clock = Callable[[], float]

os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
                  AWS_DEFAULT_REGION=REGION, AWS_CONFIG_FILE=os.devnull,
                  AWS_SHARED_CREDENTIALS_FILE=os.devnull)


def make_client(endpoint_url: str | None = None) -> Any:
    return boto3.client("ec2", region_name=REGION, endpoint_url=endpoint_url,
                        config=Config(retries={"max_attempts": 1}))


def workload(ec2: Any, clock: Clock) -> Timings:
    """The measured calls, timed per phase."""
    out: Timings = {}
    start = clock()
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    for i in range(SUBNETS):
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24")
    out["create"] = (1 + SUBNETS, clock() - start)

    start = clock()
    for i in range(SUBNETS):
        found = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]},
                                              {"Name": "cidr-block", "Values": [f"10.0.{i}.0/24"]}])
        assert len(found["Subnets"]) == 1, found
    out["describe_subnets"] = (SUBNETS, clock() - start)

    start = clock()
    for _ in range(DESCRIBES):
        ec2.describe_vpcs()
    out["describe_vpcs"] = (DESCRIBES, clock() - start)
    return out


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


# -- modes: each gives a function running the workload once on fresh state -------------------
def ec2sim_inproc(stack: ExitStack, clock: Callable[..., Clock]) -> Callable[[], Timings]:
    from api import mock_ec2

    def run() -> Timings:
        with mock_ec2():
            return workload(make_client(), clock())
    return run


def moto_inproc(stack: ExitStack, clock: Callable[..., Clock]) -> Callable[[], Timings]:
    from moto import mock_aws

    def run() -> Timings:
        with mock_aws():
            return workload(make_client(), clock())
    return run


class _Canned:
    """A raw body botocore can read, again and again."""

    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.body

    def read(self, *_: Any) -> bytes:
        return self.body


def canned_describe_vpcs() -> tuple[bytes, dict[str, str]]:
    """ec2sim's answer to describe_vpcs in the workload's state (the default VPC and one)."""
    from api import dispatch, mock_ec2

    with mock_ec2() as mock:
        make_client().create_vpc(CidrBlock="10.0.0.0/16")
        headers = {"Authorization": "AWS4-HMAC-SHA256 Credential=testing/20240101/"
                                    f"{REGION}/ec2/aws4_request, Signature=0"}
        reply = dispatch.handle(mock.world, {"Action": "DescribeVpcs", "Version": "2016-11-15"},
                                headers)
    return reply.body, reply.headers


def botocore_floor(stack: ExitStack, clock: Callable[..., Clock]) -> Callable[[], Timings]:
    """describe_vpcs through boto3 with the network replaced by a canned answer."""
    body, headers = canned_describe_vpcs()
    ec2 = make_client()   # made outside any mock: nothing but the canned hook answers it

    def answer(request: Any, **_: Any) -> AWSResponse:
        return AWSResponse(request.url, 200, headers, _Canned(body))

    ec2.meta.events.register_first("before-send.ec2.DescribeVpcs", answer)
    assert len(ec2.describe_vpcs()["Vpcs"]) == 2

    def run() -> Timings:
        tick = clock()
        start = tick()
        for _ in range(DESCRIBES):
            ec2.describe_vpcs()
        return {"describe_vpcs": (DESCRIBES, tick() - start)}
    return run


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def over_http(command: list[str], port: int, stack: ExitStack,
              clock: Callable[..., Clock]) -> Callable[[], Timings]:
    url, pid = stack.enter_context(server(command, port))
    ec2 = make_client(url)
    ec2.describe_vpcs()  # warm: the server builds its defaults on first use

    def run() -> Timings:
        request = urllib.request.Request(url + "/moto-api/reset", method="POST", data=b"")
        with urllib.request.urlopen(request, timeout=30) as answer:
            answer.read()
        return workload(ec2, clock(pid))
    return run


def ec2sim_server(stack: ExitStack, clock: Callable[..., Clock]) -> Callable[[], Timings]:
    port = _free_port()
    return over_http([sys.executable, "-m", "api.cli", "serve", "--port", str(port)], port,
                     stack, clock)


def moto_server(stack: ExitStack, clock: Callable[..., Clock]) -> Callable[[], Timings]:
    port = _free_port()
    command = shutil.which("moto_server")
    argv = [command] if command else [sys.executable, "-m", "moto.server"]
    return over_http([*argv, "-p", str(port)], port, stack, clock)


SETUP = {"ec2sim-inproc": ec2sim_inproc, "moto-inproc": moto_inproc,
         "botocore-floor": botocore_floor, "ec2sim-server": ec2sim_server,
         "moto-server": moto_server}


# -- report ----------------------------------------------------------------------------------
def best(runs: list[Timings]) -> Timings:
    return {phase: min((run[phase] for run in runs), key=lambda cs: cs[1]) for phase in runs[0]}


def rate(timings: Timings) -> float:
    return sum(c for c, _ in timings.values()) / sum(s for _, s in timings.values())


def per_call_us(timings: Timings, phase: str) -> float:
    calls, seconds = timings[phase]
    return seconds / calls * 1e6


def report(results: dict[str, Timings], clock: str) -> list[str]:
    lines = [f"calls/s by the {clock} clock (best of the rounds for each phase)",
             f"{'mode':16s}" + "".join(f"{p:>18s}" for p in PHASES) + f"{'all':>10s}"]
    for mode, timings in results.items():
        cells = "".join(f"{timings[p][0] / timings[p][1]:18.0f}" if p in timings else f"{'-':>18s}"
                        for p in PHASES)
        lines.append(f"{mode:16s}{cells}{rate(timings):10.0f}")
    lines.append("")
    checks: list[tuple[str, float, str, bool]] = []
    if "ec2sim-inproc" in results and "moto-inproc" in results:
        ratio = rate(results["ec2sim-inproc"]) / rate(results["moto-inproc"])
        checks.append(("ec2sim-inproc / moto-inproc (calls/s)", ratio, ">= 3", ratio >= 3))
    if "ec2sim-inproc" in results and "botocore-floor" in results:
        mine = per_call_us(results["ec2sim-inproc"], "describe_vpcs")
        floor = per_call_us(results["botocore-floor"], "describe_vpcs")
        checks.append((f"ec2sim-inproc / botocore-floor (describe_vpcs: {mine:.0f} us vs "
                       f"{floor:.0f} us per call)", mine / floor, "<= 1.3", mine / floor <= 1.3))
    if "ec2sim-server" in results and "moto-server" in results:
        ratio = rate(results["ec2sim-server"]) / rate(results["moto-server"])
        checks.append(("ec2sim-server / moto_server (calls/s)", ratio, ">= 3", ratio >= 3))
    for label, ratio, target, met in checks:
        lines.append(f"{label}: {ratio:.2f}  target {target}  {'met' if met else 'MISSED'}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="rounds (each phase keeps its best)")
    parser.add_argument("--only", nargs="*", choices=MODES, default=list(MODES))
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall")
    args = parser.parse_args(argv)
    clock = wall_clock if args.clock == "wall" else cpu_clock
    modes = [mode for mode in MODES if mode in args.only]
    runs: dict[str, list[Timings]] = {mode: [] for mode in modes}
    with ExitStack() as stack:
        runners = {mode: SETUP[mode](stack, clock) for mode in modes}
        for round_ in range(args.repeat):
            for mode in modes:
                print(f"round {round_ + 1}/{args.repeat}: {mode}", file=sys.stderr, flush=True)
                runs[mode].append(runners[mode]())
    print("\n".join(report({mode: best(r) for mode, r in runs.items()}, args.clock)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
