"""What startup costs a user: the first call in a fresh process, a fresh mock per test, and a
server's time to its first answer, ec2sim beside moto in one run.

(a) **First call**: a fresh `python3 -c` process imports boto3, imports the mock, enters it,
    makes an EC2 client and calls `describe_vpcs` once. Each phase is timed inside the child
    (`python` is the interpreter's own start, from the parent's spawn to the child's first
    line). Beside ec2sim's `mock_ec2` and moto's `mock_aws` runs the **botocore floor**: the
    same client and call answered by a `before-send` hook with a canned body, i.e. what boto3
    costs with no simulator at all.
    Printed: everything after `import boto3` until the first answer is in hand (importing
    the mock, entering it, making the client and the call: the whole wait a user feels), and
    ec2sim's part of it, which the target (< 0.3 s) is on: that wait minus the floor's client
    and call, which boto3 costs with or without a simulator.
(b) **Mock per test**: in one fresh process per backend, 50 times: enter the mock, make a
    client, `create_vpc`, `describe_vpcs`, exit (as a test decorated with the mock does). The
    first round is the first call's story (a) and is left out; the median of the rest is
    printed (target: moto / ec2sim >= 30).
(c) **Server ready**: from spawning `ec2sim serve` (resp. `moto_server`) to the first HTTP 200
    answer to a `DescribeVpcs` on one keep-alive connection, polled every 5 ms (target: < 1 s).

Each measure is the median of `--repeat` fresh processes (default 5), the backends taking
turns so that a busy machine disturbs them alike. The children read compiled bytecode, as
an installed package has it (moto's and botocore's come with theirs), from a cache in a
temporary directory that one unmeasured run of each fills, even where PYTHONDONTWRITEBYTECODE
is set; `--no-bytecode` compiles every source module in every process instead (ec2sim's
editable checkout then pays for compiling its modules, the site-packages do not). `--clock cpu` times (a) and (b) in CPU
seconds of the measured process (its interpreter start included in `python`), which other
load on a shared machine hardly disturbs; (c) is always wall time (a server's readiness is a
moment), with the server's CPU seconds until then printed beside it.

Run: `python3 benchmarks/startup.py` (`--only first pertest ready` picks parts; `--port N`
the first of the ports the servers take, one per run).
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from children import stop   # beside this file

ROOT = Path(__file__).resolve().parent.parent
REGION = "us-east-1"
PER_TEST_ROUNDS = 50
SOURCE = [ROOT]        # the checkout whose ec2sim is measured (`--source`)
PARTS = ("first", "pertest", "ready")
BACKENDS = ("ec2sim", "moto", "floor")
ENV = {**os.environ, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
       "AWS_DEFAULT_REGION": REGION, "AWS_CONFIG_FILE": os.devnull,
       "AWS_SHARED_CREDENTIALS_FILE": os.devnull}


def use_bytecode(cache: str) -> None:
    """Children read and write compiled bytecode in `cache`, as an installed package has it
    (even where PYTHONDONTWRITEBYTECODE is set), without writing into the source tree."""
    ENV.pop("PYTHONDONTWRITEBYTECODE", None)
    ENV["PYTHONPYCACHEPREFIX"] = cache

# -- (a) the first call ------------------------------------------------------------------------
# The child's phases: each line after the first is timed; CLOCK is time.perf_counter or
# time.process_time, SPAWNED the parent's time.time() at spawn.
_FIRST = """\
import time, json
_born, _t = time.time(), [CLOCK()]
def _mark(out, name):
    now = CLOCK(); out[name] = now - _t[0]; _t[0] = now
out = {"python": _born - SPAWNED} if CLOCK is time.perf_counter else {"python": _t[0]}
import boto3
_mark(out, "boto3")
IMPORT
_mark(out, "import")
SETUP
_mark(out, "setup")
ec2 = boto3.client("ec2", region_name="us-east-1")
HOOK
_mark(out, "client")
vpcs = ec2.describe_vpcs()["Vpcs"]
_mark(out, "call")
assert len(vpcs) == 1, vpcs
print(json.dumps(out))
"""
_CANNED = (b'<?xml version="1.0" encoding="UTF-8"?><DescribeVpcsResponse xmlns='
           b'"http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId><vpcSet><item>'
           b'<vpcId>vpc-1</vpcId><cidrBlock>172.31.0.0/16</cidrBlock><isDefault>true</isDefault>'
           b'</item></vpcSet></DescribeVpcsResponse>')
_FLOOR_HOOK = f"""\
from botocore.awsrequest import AWSResponse
class _Raw:
    def __init__(self, body): self.body = body
    def stream(self, **_): yield self.body
    def read(self, *_): return self.body
ec2.meta.events.register("before-send.ec2", lambda request, **_: AWSResponse(
    request.url, 200, {{"Content-Type": "text/xml;charset=UTF-8"}}, _Raw({_CANNED!r})))"""
FIRST_CALL = {
    "ec2sim": ("from api import mock_ec2", "mock_ec2().start()", ""),
    "moto": ("from moto import mock_aws", "mock_aws().start()", ""),
    "floor": ("", "", _FLOOR_HOOK),
}


def first_call(backend: str, clock: str) -> dict[str, float]:
    """One fresh process's phases (seconds)."""
    imp, setup, hook = FIRST_CALL[backend]
    program = (_FIRST.replace("CLOCK", "time.perf_counter" if clock == "wall"
                              else "time.process_time")
               .replace("IMPORT", imp or "pass").replace("SETUP", setup or "pass")
               .replace("HOOK", hook or "pass"))
    program = program.replace("SPAWNED", repr(time.time()))
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                          cwd=SOURCE[0], env=ENV, timeout=300, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{backend} first call failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- (b) a fresh mock per test -----------------------------------------------------------------
_PER_TEST = """\
import json, statistics, time, boto3
IMPORT
def test():
    with MOCK():
        ec2 = boto3.client("ec2", region_name="us-east-1")
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        assert vpc in [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"]]
times = []
for _ in range(ROUNDS + 1):
    start = CLOCK()
    test()
    times.append(CLOCK() - start)
print(json.dumps(times[1:]))
"""
PER_TEST = {"ec2sim": ("from api import mock_ec2", "mock_ec2"),
            "moto": ("from moto import mock_aws", "mock_aws")}


def per_test(backend: str, clock: str) -> list[float]:
    """Seconds per test, after the first, in one fresh process."""
    imp, mock = PER_TEST[backend]
    program = (_PER_TEST.replace("IMPORT", imp).replace("MOCK", mock)
               .replace("ROUNDS", str(PER_TEST_ROUNDS))
               .replace("CLOCK", "time.perf_counter" if clock == "wall"
                        else "time.process_time"))
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                          cwd=SOURCE[0], env=ENV, timeout=900, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{backend} per-test failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- (c) a server ready to answer --------------------------------------------------------------
_AUTH = ("AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/ec2/aws4_request, "
         "SignedHeaders=host;x-amz-date, Signature=0")
_BODY = "Action=DescribeVpcs&Version=2016-11-15"


def _command(backend: str, port: int) -> list[str]:
    if backend == "ec2sim":
        script = shutil.which("ec2sim")
        argv = [script] if script else [sys.executable, "-m", "api.cli"]
        return [*argv, "serve", "--port", str(port)]
    script = shutil.which("moto_server")
    argv = [script] if script else [sys.executable, "-m", "moto.server"]
    return [*argv, "-H", "127.0.0.1", "-p", str(port)]


def _cpu_of(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def ready(backend: str, port: int) -> tuple[float, float]:
    """(seconds from spawn to the first 200 DescribeVpcs, the server's CPU seconds by then)."""
    if not _port_free(port):
        raise RuntimeError(f"port {port} is taken")
    start = time.perf_counter()
    proc = subprocess.Popen(_command(backend, port), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                            cwd=SOURCE[0], env=ENV)
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            try:
                conn.request("POST", "/", body=_BODY, headers={
                    "Authorization": _AUTH, "X-Amz-Date": "20260101T000000Z",
                    "Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
                answer = conn.getresponse()
                body = answer.read()
                if answer.status == 200 and b"vpcId" in body:
                    elapsed = time.perf_counter() - start
                    return elapsed, _cpu_of(proc.pid)
                raise RuntimeError(f"{backend} answered {answer.status}: {body[:300]!r}")
            except (http.client.HTTPException, OSError) as err:
                if proc.poll() is not None:
                    raise RuntimeError(f"{backend} did not start ({err})") from err
                if time.perf_counter() - start > 60:
                    raise RuntimeError(f"{backend} not ready after 60 s") from err
                conn.close()
                time.sleep(0.005)
    finally:
        stop(proc)


# -- report ------------------------------------------------------------------------------------
def _median_phases(runs: list[dict[str, float]]) -> dict[str, float]:
    return {name: statistics.median(run[name] for run in runs) for name in runs[0]}


def report_first(runs: dict[str, list[dict[str, float]]]) -> list[str]:
    lines = ["(a) first call in a fresh process, median of "
             f"{len(next(iter(runs.values())))} (ms)",
             f"{'':8}{'python':>8}{'boto3':>8}{'import':>8}{'setup':>8}{'client':>8}"
             f"{'call':>8}{'after boto3':>13}{'total':>8}"]
    after: dict[str, float] = {}
    for backend, phases in runs.items():
        m = _median_phases(phases)
        after[backend] = statistics.median(
            p["import"] + p["setup"] + p["client"] + p["call"] for p in phases)
        total = statistics.median(sum(p.values()) for p in phases)
        lines.append(f"{backend:8}" + "".join(f"{m[k] * 1000:8.0f}" for k in
                                              ("python", "boto3", "import", "setup", "client",
                                               "call"))
                     + f"{after[backend] * 1000:13.0f}{total * 1000:8.0f}")
    if "ec2sim" in after:
        lines.append(f"ec2sim after import boto3 (import + setup + client + first call): "
                     f"{after['ec2sim']:.3f} s")
        if "floor" in after:
            own = after["ec2sim"] - after["floor"]
            lines.append(f"ec2sim's part, beyond the botocore floor's client + call "
                         f"({after['floor']:.3f} s): {own:.3f} s (target < 0.3 s: "
                         f"{'met' if own < 0.3 else 'NOT met'})")
    if "ec2sim" in after and "moto" in after:
        lines.append(f"moto after import boto3: {after['moto']:.3f} s "
                     f"({after['moto'] / after['ec2sim']:.1f}x ec2sim's)")
    return lines


def report_per_test(runs: dict[str, list[list[float]]]) -> list[str]:
    med = {backend: statistics.median(statistics.median(r) for r in rs)
           for backend, rs in runs.items()}
    lines = [f"(b) a fresh mock per test (enter, client, create_vpc, describe_vpcs, exit), "
             f"median of {PER_TEST_ROUNDS} tests, median of {len(next(iter(runs.values())))} "
             "processes"]
    lines += [f"{backend:8}{med[backend] * 1000:8.1f} ms/test" for backend in med]
    if "ec2sim" in med and "moto" in med:
        ratio = med["moto"] / med["ec2sim"]
        lines.append(f"moto / ec2sim: {ratio:.1f}x (target >= 30: "
                     f"{'met' if ratio >= 30 else 'NOT met'})")
    return lines


def report_ready(runs: dict[str, list[tuple[float, float]]]) -> list[str]:
    lines = ["(c) server: spawn to the first 200 DescribeVpcs (keep-alive), median of "
             f"{len(next(iter(runs.values())))}"]
    for backend, rs in runs.items():
        lines.append(f"{backend:8}{statistics.median(r[0] for r in rs):8.3f} s "
                     f"(server CPU {statistics.median(r[1] for r in rs):.3f} s)")
    if "ec2sim" in runs:
        wait = statistics.median(r[0] for r in runs["ec2sim"])
        lines.append(f"ec2sim serve ready: {wait:.3f} s (target < 1 s: "
                     f"{'met' if wait < 1 else 'NOT met'})")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="fresh processes per measure")
    parser.add_argument("--only", nargs="*", choices=PARTS, default=list(PARTS))
    parser.add_argument("--backends", nargs="*", choices=BACKENDS, default=list(BACKENDS))
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall")
    parser.add_argument("--port", type=int, default=18600, help="first port for the servers")
    parser.add_argument("--source", metavar="DIR",
                        help="measure the ec2sim of another checkout (e.g. an older commit's "
                             "`git archive`), through PYTHONPATH")
    parser.add_argument("--no-bytecode", action="store_true",
                        help="compile every module from source in every process (as with "
                             "PYTHONDONTWRITEBYTECODE=1 and no __pycache__)")
    args = parser.parse_args(argv)
    backends = args.backends
    if args.source:
        SOURCE[0] = Path(args.source).resolve()
        ENV["PYTHONPATH"] = str(SOURCE[0])
    with tempfile.TemporaryDirectory(prefix="startup-pyc-") as cache:
        if not args.no_bytecode:
            use_bytecode(cache)
        out = [f"clock: {args.clock}; bytecode: {'none' if args.no_bytecode else 'cached'}; "
               f"load: {os.getloadavg()[0]:.2f} (1 min), {os.cpu_count()} cores"]
        out += run(args, backends)
    print("\n".join(out))
    return 0


def run(args: argparse.Namespace, backends: list[str]) -> list[str]:
    out: list[str] = []
    if not args.no_bytecode:   # one unmeasured run of each fills the bytecode cache
        print("warming the bytecode cache", file=sys.stderr, flush=True)
        for backend in backends:
            first_call(backend, args.clock)
    if "first" in args.only:
        firsts: dict[str, list[dict[str, float]]] = {b: [] for b in backends}
        for i in range(args.repeat):
            for backend in backends:
                print(f"first call {i + 1}/{args.repeat}: {backend}", file=sys.stderr, flush=True)
                firsts[backend].append(first_call(backend, args.clock))
        out += report_first(firsts)
    mocks = [b for b in backends if b in PER_TEST]
    if "pertest" in args.only and mocks:
        tests: dict[str, list[list[float]]] = {b: [] for b in mocks}
        for i in range(max(1, args.repeat // 2)):
            for backend in mocks:
                print(f"per test {i + 1}: {backend}", file=sys.stderr, flush=True)
                tests[backend].append(per_test(backend, args.clock))
        out += report_per_test(tests)
    if "ready" in args.only and mocks:
        readies: dict[str, list[tuple[float, float]]] = {b: [] for b in mocks}
        port = args.port
        for backend in mocks:      # unmeasured: the servers' own modules compiled
            ready(backend, port)
            port += 1
        for i in range(args.repeat):
            for backend in mocks:
                print(f"server ready {i + 1}/{args.repeat}: {backend}", file=sys.stderr,
                      flush=True)
                readies[backend].append(ready(backend, port))
                port += 1
        out += report_ready(readies)
    return out


if __name__ == "__main__":
    raise SystemExit(main())
