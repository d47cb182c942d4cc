"""Instances at scale: ec2sim and moto side by side, both in-process through boto3.

The workload: one VPC with 100 /24 subnets; 10,000 instances launched 100 per
`run_instances` call, batch k into subnet k with the tag `batch=k`. At 1,000, 5,000 and
10,000 instances it times three filtered `describe_instances` calls, each answered by a
fixed number of instances whatever the total:

* `subnet-id` = the first batch's subnet (100 instances);
* `tag:batch` = 0 (the same 100);
* `private-ip-address` = one instance's address (1 instance).

Times are CPU seconds of this process by default (`--clock wall` for elapsed time), since
other load on a shared machine disturbs the wall clock. It prints the launch cost per
instance for each range of batches (the target: flat as the count grows), each describe's
latency at each size (the target: near-flat from 1k to 10k, because a filtered describe
should cost the size of its answer), and ec2sim's speed-up over moto at 10k (target:
>= 10x). For ec2sim it also shows the part spent inside its dispatcher (`dispatch.answer`);
the rest is boto3 serializing the request and ec2sim building the dict boto3 returns (its
in-process route writes and parses no XML; moto's answers go through botocore's parser).

Run: `python3 -m pip install -e '.[bench]' && python3 benchmarks/scale_instances.py`
(`--instances 2000 --only ec2sim` for a quick look).
"""
from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REGION = "us-east-1"
BATCH = 100
SUBNETS = 100
CHECKPOINTS = (1000, 5000, 10000)
QUERIES = ("subnet-id", "tag:batch", "private-ip-address")
CLOCKS: dict[str, Callable[[], float]] = {"cpu": time.process_time, "wall": time.perf_counter}
clock = time.process_time    # CPU seconds: other load on a shared machine hardly disturbs them
CLOCK_NAME = {time.process_time: "CPU", time.perf_counter: "wall-clock"}

os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
                  AWS_DEFAULT_REGION=REGION, AWS_CONFIG_FILE=os.devnull,
                  AWS_SHARED_CREDENTIALS_FILE=os.devnull)


SIMULATOR = [0.0]   # clock seconds spent inside ec2sim's dispatcher (not in boto3)


@contextmanager
def ec2sim() -> Iterator[None]:
    from api import dispatch, mock_ec2

    answer = dispatch.answer

    def timed(*args: Any, **kwargs: Any) -> Any:
        start = clock()
        try:
            return answer(*args, **kwargs)
        finally:
            SIMULATOR[0] += clock() - start
    dispatch.answer = timed
    try:
        with mock_ec2(verify=False):
            yield
    finally:
        dispatch.answer = answer


@contextmanager
def moto() -> Iterator[None]:
    from moto import mock_aws

    with mock_aws():
        yield


BACKENDS: dict[str, Callable[[], Any]] = {"ec2sim": ec2sim, "moto": moto}


def client() -> Any:
    return boto3.client("ec2", region_name=REGION, config=Config(retries={"max_attempts": 1}))


def image(ec2: Any) -> str:
    """An x86_64 Amazon image the backend knows."""
    images = ec2.describe_images(Owners=["amazon"], Filters=[
        {"Name": "architecture", "Values": ["x86_64"]}])["Images"]
    return sorted(images, key=lambda i: i["ImageId"])[0]["ImageId"]


def setup(ec2: Any) -> list[str]:
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    return [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24",
                              AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
            for i in range(SUBNETS)]


def launch(ec2: Any, ami: str, subnet: str, batch: int) -> list[dict[str, Any]]:
    return ec2.run_instances(
        ImageId=ami, InstanceType="t3.micro", MinCount=BATCH, MaxCount=BATCH, SubnetId=subnet,
        TagSpecifications=[{"ResourceType": "instance",
                            "Tags": [{"Key": "batch", "Value": str(batch)}]}])["Instances"]


def timed_describe(ec2: Any, filters: list[dict[str, Any]], expect: int, repeat: int
                   ) -> tuple[float, float]:
    """The best of `repeat` runs of one filtered describe_instances, in seconds: the whole
    call, and the part spent in ec2sim's dispatcher (0 for moto)."""
    best, inside = float("inf"), float("inf")
    for _ in range(repeat):
        start, sim = clock(), SIMULATOR[0]
        found = ec2.describe_instances(Filters=filters)["Reservations"]
        best = min(best, clock() - start)
        inside = min(inside, SIMULATOR[0] - sim)
        got = sum(len(r["Instances"]) for r in found)
        assert got == expect, (filters, got, expect)
    return best, inside


def workload(name: str, total: int, repeat: int, freeze: bool = False) -> dict[str, Any]:
    """Launch `total` instances on backend `name`; launch seconds per batch and describe
    seconds per (checkpoint, query). `freeze` moves everything alive into the garbage
    collector's permanent generation after each batch (untimed), so that full collections
    stop growing with the heap: what is left is the backend's own cost."""
    with BACKENDS[name]():
        ec2 = client()
        ami = image(ec2)
        subnets = setup(ec2)
        batch_seconds: list[float] = []
        batch_inside: list[float] = []
        describes: dict[tuple[int, str], float] = {}
        inside: dict[tuple[int, str], float] = {}
        first: dict[str, Any] = {}
        for batch in range(total // BATCH):
            start, sim = clock(), SIMULATOR[0]
            launched = launch(ec2, ami, subnets[batch % SUBNETS], batch)
            batch_seconds.append(clock() - start)
            batch_inside.append(SIMULATOR[0] - sim)
            if freeze:
                gc.freeze()
            if batch == 0:
                first = launched[0]
            count = (batch + 1) * BATCH
            if count in CHECKPOINTS:
                queries = {
                    "subnet-id": ([{"Name": "subnet-id", "Values": [subnets[0]]}], BATCH),
                    "tag:batch": ([{"Name": "tag:batch", "Values": ["0"]}], BATCH),
                    "private-ip-address": ([{"Name": "private-ip-address",
                                             "Values": [first["PrivateIpAddress"]]}], 1),
                }
                for query, (filters, expect) in queries.items():
                    describes[(count, query)], inside[(count, query)] = timed_describe(
                        ec2, filters, expect, repeat)
                print(f"  {name}: {count} instances", file=sys.stderr, flush=True)
    gc.unfreeze()
    return {"batches": batch_seconds, "describes": describes, "inside": batch_inside,
            "describes_inside": inside}


def ranges(total: int) -> list[tuple[int, int]]:
    """Batch ranges (first, last instance count) the launch cost is reported for."""
    edges = [0] + [c for c in CHECKPOINTS if c <= total]
    if edges[-1] != total:
        edges.append(total)
    return list(zip(edges, edges[1:]))


def per_instance_ms(result: dict[str, Any], low: int, high: int, key: str = "batches"
                    ) -> float:
    batches = result[key][low // BATCH:high // BATCH]
    return 1000 * statistics.mean(batches) / BATCH


def report(results: dict[str, dict[str, Any]], total: int) -> None:
    names = list(results)
    print(f"\nLaunch cost per instance (ms of {CLOCK_NAME[clock]} time), {BATCH} per "
          "run_instances call")
    inner = "ec2sim" in results
    print(f"{'instances':>14} " + " ".join(f"{n:>10}" for n in names)
          + (f" {'(ec2sim in dispatcher)':>24}" if inner else ""))
    for low, high in ranges(total):
        cells = " ".join(f"{per_instance_ms(results[n], low, high):10.3f}" for n in names)
        if inner:
            cells += f" {per_instance_ms(results['ec2sim'], low, high, 'inside'):24.3f}"
        print(f"{low + 1:>6}-{high:<7} {cells}")
    checkpoints = [c for c in CHECKPOINTS if c <= total]
    print(f"\nFiltered describe_instances latency (ms of {CLOCK_NAME[clock]} time, best of "
          "runs)")
    print(f"{'query':>20} {'instances':>9} " + " ".join(f"{n:>10}" for n in names)
          + (f" {'(ec2sim in dispatcher)':>24}" if inner else ""))
    for query in QUERIES:
        for count in checkpoints:
            cells = " ".join(f"{1000 * results[n]['describes'][(count, query)]:10.2f}"
                             for n in names)
            if inner:
                cells += f" {1000 * results['ec2sim']['describes_inside'][(count, query)]:24.2f}"
            print(f"{query:>20} {count:>9} {cells}")
    if "ec2sim" in results:
        sim = results["ec2sim"]
        print("\nec2sim flatness")
        spans = ranges(total)
        print(f"  launch cost, last range / first range: "
              f"{per_instance_ms(sim, *spans[-1]) / per_instance_ms(sim, *spans[0]):.2f}"
              " (target ~1)")
        for query in QUERIES:
            ratio = sim["describes"][(checkpoints[-1], query)] / \
                sim["describes"][(checkpoints[0], query)]
            print(f"  {query} describe, {checkpoints[-1]} / {checkpoints[0]}: {ratio:.2f} "
                  "(target ~1)")
    if set(results) == {"ec2sim", "moto"}:
        sim, mo = results["ec2sim"], results["moto"]
        last = checkpoints[-1]
        print(f"\nec2sim speed-up over moto at {last} instances (target >= 10)")
        low, high = ranges(total)[-1]
        print(f"  launch, instances {low + 1}-{high}: "
              f"{per_instance_ms(mo, low, high) / per_instance_ms(sim, low, high):.1f}x")
        for query in QUERIES:
            ratio = mo["describes"][(last, query)] / sim["describes"][(last, query)]
            print(f"  describe {query}: {ratio:.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instances", type=int, default=10000,
                        help="instances to launch (a multiple of 100; default 10000)")
    parser.add_argument("--repeat", type=int, default=5,
                        help="runs of each describe per checkpoint (the best is kept)")
    parser.add_argument("--only", nargs="+", choices=list(BACKENDS), default=list(BACKENDS))
    parser.add_argument("--gc", choices=("default", "freeze"), default="default",
                        help="freeze: gc.freeze() after each batch, for both backends (shows "
                             "the cost that the garbage collector's full passes add)")
    parser.add_argument("--clock", choices=list(CLOCKS), default="cpu",
                        help="cpu (default): this process's CPU seconds; wall: elapsed time")
    args = parser.parse_args()
    global clock
    clock = CLOCKS[args.clock]
    total = args.instances - args.instances % BATCH
    results = {name: workload(name, total, args.repeat, args.gc == "freeze")
               for name in args.only}
    report(results, total)


if __name__ == "__main__":
    main()
