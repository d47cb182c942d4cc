"""moto's own EC2 tests, run against `moto_server` and against `ec2sim serve`, side by side.

moto's test decorators have a *server mode*: with `TEST_SERVER_MODE=true` and
`TEST_SERVER_MODE_ENDPOINT=http://127.0.0.1:PORT` every boto3 client they make talks to that
endpoint, and each test starts by `POST /moto-api/reset` (ec2sim serves that route). So the
same tests can judge both servers. Tests marked `aws_verified` were also run against real AWS
by moto's authors, which makes them the strongest evidence of AWS behaviour in the suite.

The script takes moto's sdist (`--sdist PATH`, a `.tar.gz` or an unpacked directory; without
it, `pip download --no-deps --no-binary :all: moto==<installed version>` into `--cache`),
unpacks it, starts both servers on free loopback ports, runs `tests/test_ec2` (or the files
you name) under pytest from the sdist root (moto's tests import its `tests` package), reads
the junit XML and prints, per file, passed on moto_server / on ec2sim / on both / only moto /
only ec2sim, then the `aws_verified` subset the same way. `--failures OUT.json` writes the
tests moto_server passes and ec2sim fails, each with the first line of its error, for triage.
`--keep DIR` keeps logs and junit XML; with `--only ec2sim` and a `--keep DIR` an earlier run
filled, the tables compare against moto_server's results kept there (moto's side is slow and
does not change while you work on ec2sim).

Extra test dependencies moto's EC2 tests import and moto[server] does not bring:
`freezegun` (test_instances.py), and `pytest-timeout` for the per-test timeout (without it,
each pytest run gets one overall timeout instead):

    python3 -m pip install freezegun pytest-timeout

Run: `python3 benchmarks/moto_suite.py [FILE ...] [-k EXPR] [--verified-only]`, e.g.
`python3 benchmarks/moto_suite.py test_vpcs.py --failures /tmp/vpc-gaps.json`.
"""
from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import os
import shutil
import socket
import subprocess
import sys
import tarfile
import tempfile
import xml.etree.ElementTree as ET
from contextlib import ExitStack
from pathlib import Path

from compare_moto import server   # the same way to run a server until it answers

ROOT = Path(__file__).resolve().parent.parent
TARGETS = ("moto", "ec2sim")
# A pytest plugin (loaded with -p) that lists the collected tests marked aws_verified.
PLUGIN = '''
import json, os

def pytest_collection_modifyitems(session, config, items):
    verified = [item.nodeid for item in items if item.get_closest_marker("aws_verified")]
    with open(os.environ["MOTO_SUITE_VERIFIED"], "w") as out:
        json.dump(verified, out)
'''
Results = dict[str, tuple[bool, str]]   # test id -> (passed, first error line)


def fetch_sdist(cache: Path) -> Path:
    """moto's sdist for the installed version, downloaded into `cache` once."""
    version = importlib.metadata.version("moto")
    found = sorted(cache.glob(f"moto-{version}.tar.gz"))
    if not found:
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary",
                        ":all:", f"moto=={version}", "-d", str(cache)], check=True)
        found = sorted(cache.glob(f"moto-{version}.tar.gz"))
    return found[0]


def unpack(sdist: Path, cache: Path) -> Path:
    """The sdist's root directory (the one holding `tests/`), unpacking a tarball if needed."""
    if sdist.is_dir():
        return sdist
    target = cache / sdist.name.removesuffix(".tar.gz")
    if not (target / "tests" / "test_ec2").is_dir():
        with tarfile.open(sdist) as archive:
            archive.extractall(cache, filter="data")
    return target


def free_port(low: int | None, high: int | None, taken: set[int]) -> int:
    """A free loopback port in [low, high], or any free one if no range is given."""
    for port in range(low, high + 1) if low is not None and high is not None else [0]:
        if port in taken:
            continue
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            chosen: int = sock.getsockname()[1]
            taken.add(chosen)
            return chosen
    raise RuntimeError(f"no free port in {low}-{high}")


def server_command(target: str, port: int) -> list[str]:
    if target == "ec2sim":
        return [sys.executable, "-m", "api.cli", "serve", "--host", "127.0.0.1",
                "--port", str(port)]
    moto = shutil.which("moto_server")
    return [*([moto] if moto else [sys.executable, "-m", "moto.server"]),
            "-H", "127.0.0.1", "-p", str(port)]


def pytest_command(args: argparse.Namespace, junit: Path) -> list[str]:
    files = [f"tests/test_ec2/{name}" for name in args.files] or ["tests/test_ec2"]
    command = [sys.executable, "-m", "pytest", *files, "-q", "-p", "no:cacheprovider",
               "-p", "moto_suite_plugin", "-o", "addopts=", f"--junitxml={junit}",
               "-o", "junit_family=xunit1"]
    if importlib.util.find_spec("pytest_timeout"):
        command.append(f"--timeout={args.timeout}")
    if args.k:
        command += ["-k", args.k]
    if args.verified_only:
        command += ["-m", "aws_verified"]
    return command


def start_run(args: argparse.Namespace, target: str, url: str,
              work: Path) -> subprocess.Popen[bytes]:
    """Start moto's tests against `url` in a pytest subprocess (output in work/<target>.log)."""
    env = {**os.environ, "TEST_SERVER_MODE": "true", "TEST_SERVER_MODE_ENDPOINT": url,
           "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
           "AWS_DEFAULT_REGION": "us-east-1", "AWS_CONFIG_FILE": os.devnull,
           "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
           "MOTO_SUITE_VERIFIED": str(work / f"{target}-verified.json"),
           "PYTHONPATH": os.pathsep.join([str(work), os.environ.get("PYTHONPATH", "")])}
    env.pop("MOTO_TEST_ALLOW_AWS_REQUEST", None)
    log = open(work / f"{target}.log", "wb")
    return subprocess.Popen(pytest_command(args, work / f"{target}.xml"), cwd=args.root, env=env,
                            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)


def wait_run(proc: subprocess.Popen[bytes], args: argparse.Namespace) -> None:
    """Wait for a pytest run; without pytest-timeout, bound the whole run instead."""
    limit = None if importlib.util.find_spec("pytest_timeout") else args.run_timeout
    try:
        proc.wait(timeout=limit)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def read_junit(path: Path) -> Results:
    """Test id (file::name) -> (passed, first line of the failure or error message)."""
    results: Results = {}
    if not path.exists():
        return results
    for case in ET.parse(path).getroot().iter("testcase"):
        module = case.get("classname", "").split(".")
        # classname is tests.test_ec2.test_x or tests.test_ec2.test_x.TestClass
        index = next((i for i, part in enumerate(module) if part.startswith("test_")
                      and i > 1), len(module) - 1)
        file = module[index] + ".py"
        name = "::".join([*module[index + 1:], case.get("name", "")])
        problem = next((child for child in case if child.tag in ("failure", "error", "skipped")),
                       None)
        message = "" if problem is None else (problem.get("message") or problem.text or "")
        first = message.strip().splitlines()[0] if message.strip() else (
            problem.tag if problem is not None else "")
        results[f"{file}::{name}"] = (problem is None, first[:300])
    return results


def verified_ids(work: Path) -> set[str]:
    """Test ids (file::name) marked aws_verified, from whichever run collected them."""
    ids: set[str] = set()
    for target in TARGETS:
        path = work / f"{target}-verified.json"
        if path.exists():
            for nodeid in json.loads(path.read_text()):
                ids.add(nodeid.removeprefix("tests/test_ec2/"))
    return ids


def table(title: str, moto: Results, ec2sim: Results, only: set[str] | None) -> None:
    """Print per-file counts: passed on each, on both, only on one."""
    ids = (set(moto) | set(ec2sim)) if only is None else only & (set(moto) | set(ec2sim))
    rows: dict[str, list[int]] = {}
    for test in ids:
        a, b = moto.get(test, (False, ""))[0], ec2sim.get(test, (False, ""))[0]
        row = rows.setdefault(test.split("::")[0], [0] * 6)
        for i, hit in enumerate((True, a, b, a and b, a and not b, b and not a)):
            row[i] += hit
    heads = ("tests", "moto", "ec2sim", "both", "only moto", "only ec2sim")
    width = max([len(title), *(len(name) for name in rows)]) + 2
    print(f"\n{title:<{width}}" + "".join(f"{h:>12}" for h in heads))
    total = [0] * 6
    for name in sorted(rows):
        print(f"{name:<{width}}" + "".join(f"{n:>12}" for n in rows[name]))
        total = [t + n for t, n in zip(total, rows[name])]
    print(f"{'total':<{width}}" + "".join(f"{n:>12}" for n in total))


def gaps(moto: Results, ec2sim: Results, verified: set[str]) -> list[dict[str, object]]:
    """Tests moto_server passes and ec2sim fails, with ec2sim's first error line."""
    return [{"test": test, "aws_verified": test in verified,
             "error": ec2sim.get(test, (False, "not run"))[1]}
            for test in sorted(moto) if moto[test][0] and not ec2sim.get(test, (False, ""))[0]]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", help="test files under tests/test_ec2 (default: all)")
    parser.add_argument("-k", help="pytest -k expression")
    parser.add_argument("--verified-only", action="store_true",
                        help="run only the tests marked aws_verified")
    parser.add_argument("--sdist", type=Path,
                        help="moto sdist (.tar.gz) or unpacked directory; default: download")
    parser.add_argument("--cache", type=Path,
                        default=Path.home() / ".cache" / "ec2sim" / "moto-suite")
    parser.add_argument("--timeout", type=int, default=60, help="seconds per test")
    parser.add_argument("--run-timeout", type=int, default=3600,
                        help="seconds per pytest run, used when pytest-timeout is missing")
    parser.add_argument("--ports", metavar="LOW-HIGH",
                        help="pick the servers' ports in this range (default: any free port)")
    parser.add_argument("--only", choices=TARGETS, help="run against one server only")
    parser.add_argument("--sequential", action="store_true",
                        help="run the two servers' tests one after the other, not at once")
    parser.add_argument("--failures", type=Path,
                        help="write 'moto passes, ec2sim fails' tests to this JSON file")
    parser.add_argument("--keep", type=Path, help="keep logs and junit XML in this directory")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    args.root = unpack(args.sdist or fetch_sdist(args.cache), args.cache)
    low, high = (int(p) for p in args.ports.split("-")) if args.ports else (None, None)
    targets = [args.only] if args.only else list(TARGETS)
    with ExitStack() as stack:
        work = args.keep or Path(stack.enter_context(tempfile.TemporaryDirectory()))
        work.mkdir(parents=True, exist_ok=True)
        (work / "moto_suite_plugin.py").write_text(PLUGIN)
        taken: set[int] = set()
        urls = {target: stack.enter_context(server(
            server_command(target, port := free_port(low, high, taken)), port,
            work / f"{target}-server.log"))[0] for target in targets}
        procs = {}
        for target in targets:
            procs[target] = start_run(args, target, urls[target], work)
            if args.sequential:
                wait_run(procs[target], args)
        for proc in procs.values():
            wait_run(proc, args)
        results = {target: read_junit(work / f"{target}.xml") for target in TARGETS}
        verified = verified_ids(work)
    moto, ec2sim = results["moto"], results["ec2sim"]
    if not args.verified_only:
        table("all tests", moto, ec2sim, None)
    table("aws_verified", moto, ec2sim, verified)
    if args.failures:
        args.failures.write_text(json.dumps(gaps(moto, ec2sim, verified), indent=1) + "\n")
        print(f"\nwrote {args.failures}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
