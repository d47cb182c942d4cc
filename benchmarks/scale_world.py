"""A world of 100,000 instances in 500 VPCs, built through boto3 in-process: what it costs.

The workload: 500 VPCs (a /20 each) with two /24 subnets each, then instances launched 100
per `run_instances` call, batch k into subnet k (so the 1,000 subnets fill one after the
other and every batch carries the tag `batch=k`). At a tenth, a quarter, half and all of the
instances (10k, 25k, 50k, 100k by default; 10k always when it is reached) it prints:

* the build time per instance of each range (target: flat);
* the process's resident memory (RSS, from /proc/self/status after a full collection) per
  instance, counted from the world with its VPCs and subnets and no instance yet, and the
  graph's nodes and edges per instance;
* filtered `describe_instances` latency (best of `--repeat`): `subnet-id` = the first
  subnet (100 instances at any size), `vpc-id` = the first VPC (200), and one
  `private-ip-address` (1). Target: flat from the first checkpoint to the last, because a
  filtered describe should cost the size of its answer, not of the world.

Then, with the whole world: a JSON snapshot (`topology.provision.state.save`, its size, and
`state.read` back), and the SQLite durable store (`ec2sim serve --state`): the snapshot
written into a fresh store (`store.open_world` + `state.load_into`, which loads and then
saves every row) and the store opened again (`store.open_world`, a server's restart).

moto beside it (`--moto`, the default when it is affordable) runs the same workload up to
10,000 instances in a child process (moto at 100k would take tens of minutes: its filtered
describes scan every instance) and the ratios are printed at 10k.

Times are CPU seconds of this process (`--clock wall` for elapsed time). Run:
`python3 benchmarks/scale_world.py` (100k, a few minutes and about 3 GB), or
`--instances 10000 --no-moto` for a quick look.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scale_instances import client, image  # noqa: E402  (beside this script)

REGION = "us-east-1"
BATCH = 100
VPCS = 500
SUBNETS_PER_VPC = 2
MOTO_LIMIT = 10_000
QUERIES = ("subnet-id", "vpc-id", "private-ip-address")
CLOCKS: dict[str, Callable[[], float]] = {"cpu": time.process_time, "wall": time.perf_counter}
clock = time.process_time

os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
                  AWS_DEFAULT_REGION=REGION, AWS_CONFIG_FILE=os.devnull,
                  AWS_SHARED_CREDENTIALS_FILE=os.devnull)


def rss_mb() -> float:
    """Resident memory of this process now, in MB (after a full collection)."""
    gc.collect()
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


@contextmanager
def backend(name: str) -> Iterator[Any]:
    """The in-process simulator `name`; yields its world (ec2sim) or None (moto)."""
    if name == "ec2sim":
        from api import mock_ec2
        with mock_ec2(verify=False) as mock:
            yield mock
    else:
        from moto import mock_aws
        with mock_aws():
            yield None


def network(ec2: Any) -> tuple[list[str], list[str]]:
    """500 VPCs and their subnets: (VPC ids, subnet ids, subnet k in VPC k // 2)."""
    vpcs, subnets = [], []
    for v in range(VPCS):
        base = f"10.{v // 16}.{(v % 16) * 16}"
        vpc = ec2.create_vpc(CidrBlock=f"{base}.0/20")["Vpc"]["VpcId"]
        vpcs.append(vpc)
        for s in range(SUBNETS_PER_VPC):
            subnets.append(ec2.create_subnet(
                VpcId=vpc, CidrBlock=f"10.{v // 16}.{(v % 16) * 16 + s}.0/24",
                AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"])
    return vpcs, subnets


def checkpoints(total: int) -> list[int]:
    marks = {total // 10, total // 4, total // 2, total}
    if total >= 10_000:
        marks.add(10_000)
    return sorted({m - m % BATCH for m in marks if m >= BATCH})


def timed_describe(ec2: Any, filters: list[dict[str, Any]], expect: int, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = clock()
        found = ec2.describe_instances(Filters=filters)["Reservations"]
        best = min(best, clock() - start)
        got = sum(len(r["Instances"]) for r in found)
        assert got == expect, (filters, got, expect)
    return best


def build(name: str, total: int, repeat: int) -> dict[str, Any]:
    """Build the world on backend `name`, measuring at each checkpoint; with ec2sim, then
    time snapshots of the whole world."""
    marks = checkpoints(total)
    out: dict[str, Any] = {"marks": [], "snapshots": {}}
    with backend(name) as mock:
        ec2 = client()
        ami = image(ec2)
        start = clock()
        vpcs, subnets = network(ec2)
        out["network_seconds"] = clock() - start
        base_rss = rss_mb()
        graph = mock.world.graph if mock else None
        base_nodes = (graph.number_of_nodes(), graph.number_of_edges()) if graph else (0, 0)
        first_ip = ""
        built = 0.0
        for batch in range(total // BATCH):
            start = clock()
            launched = ec2.run_instances(
                ImageId=ami, InstanceType="t3.micro", MinCount=BATCH, MaxCount=BATCH,
                SubnetId=subnets[batch % len(subnets)],
                TagSpecifications=[{"ResourceType": "instance",
                                    "Tags": [{"Key": "batch", "Value": str(batch)}]}]
            )["Instances"]
            built += clock() - start
            if batch == 0:
                first_ip = launched[0]["PrivateIpAddress"]
            count = (batch + 1) * BATCH
            if count not in marks:
                continue
            mark: dict[str, Any] = {"instances": count, "build_seconds": built,
                                    "rss_mb": rss_mb() - base_rss}
            if graph is not None:
                mark["nodes"] = graph.number_of_nodes() - base_nodes[0]
                mark["edges"] = graph.number_of_edges() - base_nodes[1]
            queries = {
                "subnet-id": ([{"Name": "subnet-id", "Values": [subnets[0]]}],
                              min(count, BATCH)),
                "vpc-id": ([{"Name": "vpc-id", "Values": [vpcs[0]]}],
                           min(count, BATCH * SUBNETS_PER_VPC)),
                "private-ip-address": ([{"Name": "private-ip-address",
                                         "Values": [first_ip]}], 1),
            }
            mark["describes"] = {q: timed_describe(ec2, f, n, repeat)
                                 for q, (f, n) in queries.items()}
            out["marks"].append(mark)
            print(f"  {name}: {count} instances, {built:.1f}s", file=sys.stderr, flush=True)
        if mock is not None:
            out["snapshots"] = snapshots(mock.world, STORE[0])
    return out


STORE = [True]     # time the SQLite durable store too (`--no-store` clears it)


def snapshots(world: Any, with_store: bool) -> dict[str, float]:
    """Seconds to save the world as a JSON snapshot and read it back, and (with_store) to
    fill a fresh SQLite store with it and to open that store again."""
    from topology.provision import state, store

    times: dict[str, float] = {}
    nodes = len(world.graph)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "world.json")
        start = clock()
        state.save(world, path)
        times["json save"] = clock() - start
        times["json MB"] = os.path.getsize(path) / 2**20
        start = clock()
        copy = state.read(path)
        times["json read"] = clock() - start
        assert len(copy.graph) == nodes
        del copy
        gc.collect()
        if not with_store:
            return times
        db = os.path.join(tmp, "world.db")
        data = state.read_data(path)
        start = clock()
        durable = store.open_world(db)
        state.load_into(durable, data)
        times["store fill"] = clock() - start
        del data
        durable.persister.close()
        del durable
        gc.collect()
        times["store MB"] = sum(os.path.getsize(os.path.join(tmp, f)) for f in os.listdir(tmp)
                                if f.startswith("world.db")) / 2**20
        start = clock()
        reopened = store.open_world(db)
        times["store open"] = clock() - start
        assert len(reopened.graph) == nodes
        reopened.persister.close()
    return times


def moto_leg(total: int, repeat: int, clock_name: str) -> dict[str, Any] | None:
    """The same workload in moto, in a child process (its memory apart from ours)."""
    proc = subprocess.run(
        [sys.executable, __file__, "--child", "moto", "--instances", str(total),
         "--repeat", str(repeat), "--clock", clock_name],
        capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        print(f"moto leg failed:\n{proc.stderr[-2000:]}", file=sys.stderr)
        return None
    return json.loads(proc.stdout.strip().splitlines()[-1])


def report(sim: dict[str, Any], moto: dict[str, Any] | None, clock_name: str) -> None:
    unit = "CPU" if clock_name == "cpu" else "wall-clock"
    print(f"\nWorld: {VPCS} VPCs, {VPCS * SUBNETS_PER_VPC} subnets "
          f"(built in {sim['network_seconds']:.1f}s), instances {BATCH} per run_instances "
          f"call; times are {unit} seconds")
    print(f"\n{'instances':>10} {'build s':>8} {'ms/inst':>8} {'RSS MB':>8} {'KB/inst':>8} "
          f"{'nodes/i':>8} {'edges/i':>8}  " + " ".join(f"{q + ' ms':>22}" for q in QUERIES))
    previous = (0, 0.0)
    for mark in sim["marks"]:
        n = mark["instances"]
        per = 1000 * (mark["build_seconds"] - previous[1]) / (n - previous[0])
        previous = (n, mark["build_seconds"])
        print(f"{n:>10} {mark['build_seconds']:8.1f} {per:8.3f} {mark['rss_mb']:8.0f} "
              f"{1024 * mark['rss_mb'] / n:8.2f} {mark.get('nodes', 0) / n:8.2f} "
              f"{mark.get('edges', 0) / n:8.2f}  "
              + " ".join(f"{1000 * mark['describes'][q]:22.2f}" for q in QUERIES))
    first, last = sim["marks"][0], sim["marks"][-1]
    print(f"\nflatness, {last['instances']} / {first['instances']} instances (target ~1):")
    for q in QUERIES:
        print(f"  describe {q}: {last['describes'][q] / first['describes'][q]:.2f}")
    if sim["snapshots"]:
        s = sim["snapshots"]
        print(f"\nsnapshots of the whole world ({last['instances']} instances, {unit} s):")
        print(f"  JSON save (state.save) {s['json save']:.1f}s, {s['json MB']:.0f} MB; "
              f"read (state.read) {s['json read']:.1f}s")
        if "store fill" in s:
            print(f"  SQLite store: filled (open_world + load_into) {s['store fill']:.1f}s, "
                  f"{s['store MB']:.0f} MB; reopened (open_world) {s['store open']:.1f}s")
    if moto is None:
        return
    mo = moto["marks"][-1]
    here = next(m for m in sim["marks"] if m["instances"] == mo["instances"])
    print(f"\nmoto beside it at {mo['instances']} instances (a child process):")
    print(f"  build: moto {mo['build_seconds']:.1f}s, ec2sim {here['build_seconds']:.1f}s "
          f"({mo['build_seconds'] / here['build_seconds']:.1f}x)")
    print(f"  RSS per instance: moto {1024 * mo['rss_mb'] / mo['instances']:.1f} KB, ec2sim "
          f"{1024 * here['rss_mb'] / here['instances']:.1f} KB")
    for q in QUERIES:
        print(f"  describe {q}: moto {1000 * mo['describes'][q]:.2f} ms, ec2sim "
              f"{1000 * here['describes'][q]:.2f} ms "
              f"({mo['describes'][q] / here['describes'][q]:.1f}x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instances", type=int, default=100_000,
                        help="instances to launch (rounded down to a multiple of 100)")
    parser.add_argument("--repeat", type=int, default=5,
                        help="runs of each describe per checkpoint (the best is kept)")
    parser.add_argument("--clock", choices=list(CLOCKS), default="cpu")
    parser.add_argument("--no-moto", action="store_true", help="skip moto's leg")
    parser.add_argument("--no-store", action="store_true", help="skip the SQLite store")
    parser.add_argument("--child", choices=("moto",), help=argparse.SUPPRESS)
    args = parser.parse_args()
    global clock
    clock = CLOCKS[args.clock]
    STORE[0] = not args.no_store
    total = args.instances - args.instances % BATCH
    if args.child:
        print(json.dumps(build(args.child, total, args.repeat)))
        return
    with open("/proc/loadavg", encoding="ascii") as load:
        print(f"load average: {' '.join(load.read().split()[:3])}, {os.cpu_count()} cores")
    sim = build("ec2sim", total, args.repeat)
    moto = None
    if args.no_moto:
        print("moto: skipped (--no-moto)")
    else:
        print(f"moto: the same workload to {min(total, MOTO_LIMIT)} instances (beyond "
              f"{MOTO_LIMIT} it would take too long: each filtered describe scans them all)",
              file=sys.stderr)
        moto = moto_leg(min(total, MOTO_LIMIT), args.repeat, args.clock)
    report(sim, moto, args.clock)


if __name__ == "__main__":
    main()
