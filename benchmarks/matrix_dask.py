"""The all-pairs matrix on a Dask cluster: 1 worker against 2, at organisation scale.

The world (500 VPCs, 5,000 subnets, 100,000 instances by default) is built straight through
the topology functions with `benchmarks/reachability.py`'s builder parts: each VPC a /17
(500 /16s do not fit 10.0.0.0/8) with ten /24 subnets in two zones (edge, app, app, data,
ops), a main and a data route table, the default, an app and a data network ACL, tiered
security groups (web, app, db, ops); VPCs past 250 in a second account (an account has at
most 2,500 security groups in a region). The first fifth of the VPCs (`--hub`) are on a
transit gateway hub in three segments (their subnets split by zone and attachment: eight
classes per VPC), the rest in blocks of 50 with ten peerings per block (three classes per
VPC); a quarantined VPC per seven; instances spread evenly, a quarter of the app servers
with a second group.

It times `routing.distributed.matrix` (the subnet matrix on tcp/443; with `--security-groups`
the security-group matrix too) on a `LocalCluster` of 1 worker process and of 2, checks the
two answers agree, and prints per run the phases (scope and expansion here, pickling and
shipping the world, evaluating rows on the workers), the speedup (target: 2 workers >= 1.7x
faster than 1), the peak RSS of this process and the RSS of each worker, how many cores two
CPU-bound processes get (a busy machine cannot show 2x), and a projection to N workers by
Amdahl's law from the 1-worker run's serial fraction (everything but the evaluation).

Run: python3 benchmarks/matrix_dask.py [--small] [--vpcs 500] [--instances 100000]
[--hub 0.2] [--security-groups]
"""
from __future__ import annotations

import argparse
import gc
import resource
import sys
import time
from collections import Counter
from itertools import islice
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import reachability as base  # noqa: E402

from topology.core.world import DEFAULT_ACCOUNT, World  # noqa: E402
from topology.network import vpcs  # noqa: E402

TARGET = 1.7
BLOCK = 50                 # VPCs per peering block
ACCOUNTS = (DEFAULT_ACCOUNT, "210987654321")
ACCOUNT_VPCS = 250
PORT = 443


def halves(v: int, j: int | None = None) -> str:
    """VPC v's /17 (or its j-th /24): 10.(v // 2).(0 or 128).0/17, so 500 VPCs fit 10/8."""
    third = (v % 2) * 128
    return f"10.{v // 2}.{third}.0/17" if j is None else f"10.{v // 2}.{third + j}.0/24"


def build(vpc_count: int, instance_count: int, hub: float = 0.2, seed: int = 5
          ) -> dict[str, Any]:
    """The world (see the module's docstring) and the ids of what was made."""
    base.cidr = halves          # the builder's parts read `cidr` when called
    world = World(seed)
    # an account holds 2,500 security groups per region: VPCs past ACCOUNT_VPCS go to a
    # second account (the hub's VPCs stay in the first)
    accounts = ACCOUNTS[:-(-vpc_count // ACCOUNT_VPCS)]
    parts = [world.partition(account, base.REGION) for account in accounts]
    made: dict[str, Any] = {"world": world, "part": parts[0], "vpcs": {}, "subnets": {},
                            "groups": {}, "route_tables": {}, "acls": {}}
    owner = {v: parts[min((v - 1) // ACCOUNT_VPCS, len(parts) - 1)]
             for v in range(1, vpc_count + 1)}
    for v in range(1, vpc_count + 1):
        made["vpcs"][v] = vpcs.create(world, owner[v], halves(v), tags={"Name": f"vpc-{v}"})
        base._network(world, owner[v], v, made)
    attached = min(max(2, round(vpc_count * hub)), ACCOUNT_VPCS)
    base._hub(world, parts[0], range(1, attached + 1), made)
    for start in range(attached + 1, vpc_count + 1, BLOCK):
        block = [v for v in range(start, min(start + BLOCK, vpc_count + 1))
                 if owner[v] is owner[start]]
        base._peerings(world, owner[start], range(block[0], block[-1] + 1), made)
    subnets, made["instances"], made["roles"] = made["subnets"], [], {}
    for part in parts:
        mine = {s: info for s, info in subnets.items() if owner[info[0]] is part}
        if mine:
            share = round(instance_count * len(mine) / len(subnets))
            launched = {**made, "subnets": mine}
            base._launch(world, part, share, launched)
            made["instances"] += launched["instances"]
            made["roles"].update(launched["roles"])
    return made


# -- measuring ---------------------------------------------------------------------------------
def peak_mb() -> float:
    """This process's peak resident set (Linux: ru_maxrss is in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    """This process's resident set now (a worker's peak is about its end: it keeps the
    world and its rows; ru_maxrss would include the parent it was forked from)."""
    import psutil

    return float(psutil.Process().memory_info().rss) / 2 ** 20


def spin(_: int) -> float:
    start = time.perf_counter()
    total = 0
    for i in range(10_000_000):
        total += i
    return time.perf_counter() - start


def capacity() -> float:
    """How many cores this machine gives two CPU-bound processes now (2.0 when idle)."""
    from multiprocessing import get_context

    alone = spin(0)
    with get_context("spawn").Pool(2) as pool:
        both = pool.map(spin, [0, 1])
    return 2 * alone / max(both)


def timed(world: World, kind: str, workers: int) -> tuple[Any, dict[str, float], list[float]]:
    """The matrix on a fresh LocalCluster of `workers` processes: the answer, its phases'
    seconds (`total` the whole call, cluster start excluded) and the workers' peak RSS."""
    from distributed import Client, LocalCluster

    from routing import distributed

    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      host="127.0.0.1", dashboard_address=None,
                      scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                      memory_limit=0) as cluster, Client(cluster) as client:
        phases: dict[str, float] = {}
        gc.collect()
        start = time.perf_counter()
        answer = distributed.matrix(world, kind, dask=client, protocol="tcp", port=PORT,
                                    timings=phases)
        phases["total"] = time.perf_counter() - start
        rss = sorted(client.run(rss_mb).values())
    return answer, phases, rss


def report(kind: str, one: dict[str, float], two: dict[str, float]) -> None:
    serial = one["total"] - one["evaluate"]
    fraction = serial / one["total"]
    speedup = one["total"] / two["total"]
    verdict = "met" if speedup >= TARGET else "NOT met"
    print(f"  {kind}: speedup 2 workers / 1 = {speedup:.2f}x (target >= {TARGET}x: {verdict})")
    print(f"  serial fraction (1 worker: scope + connect + pack + ship + assemble over total) = "
          f"{fraction:.3f}; Amdahl projection:")
    for n in (1, 2, 4, 8, 16, 32, 64):
        projected = serial + one["evaluate"] / n
        print(f"    {n:3d} workers: {projected:8.1f} s, {one['total'] / projected:5.2f}x")


def line(workers: int, answer: Any, phases: dict[str, float], rss: list[float]) -> str:
    parts = ", ".join(f"{k} {phases[k]:.1f}" for k in ("scope", "connect", "pack", "ship", "evaluate",
                                                        "assemble"))
    return (f"  {workers} worker{'s' if workers > 1 else ''}: {phases['total']:.1f} s ({parts}); "
            f"{answer.classes} classes, {answer.walks} walks, {len(answer)} pairs "
            f"({sum(answer.values())} reachable); peak RSS client {peak_mb():.0f} MB, "
            f"RSS workers {', '.join(f'{r:.0f}' for r in rss)} MB")


def fingerprint(answer: Any) -> tuple[Any, ...]:
    """The answer's size, reachable count, codes' counts and every 97th pair with its value
    and code, in order (keeping two 25M-pair matrices, or hashing all of one, would double
    the client's memory; tests/test_matrix_dask.py compares whole answers)."""
    sample = list(islice(answer, 0, None, 97))
    return (len(answer), sum(answer.values()), sorted(Counter(answer.blocked_by.values()).items()),
            hash(tuple((p, answer[p], answer.blocked_by.get(p)) for p in sample)))


def run(vpc_count: int, instance_count: int, hub: float, kinds: list[str]) -> None:
    start = time.perf_counter()
    made = build(vpc_count, instance_count, hub)
    world = made["world"]
    print(f"{vpc_count} VPCs ({round(vpc_count * hub)} on the hub), {len(made['subnets'])} "
          f"subnets, {len(made['instances'])} instances, {world.graph.number_of_nodes()} "
          f"nodes: built in {time.perf_counter() - start:.1f} s (peak RSS {peak_mb():.0f} MB)",
          flush=True)
    print(f"machine: two CPU-bound processes get {capacity():.2f} cores of 2 (less: the "
          f"machine is busy, and 2 workers cannot reach 2x)", flush=True)
    for kind in kinds:
        print(f"{kind} matrix on tcp/{PORT}:", flush=True)
        first, one, rss = timed(world, kind, 1)
        print(line(1, first, one, rss), flush=True)
        digest = fingerprint(first)
        del first
        gc.collect()
        second, two, rss = timed(world, kind, 2)
        print(line(2, second, two, rss), flush=True)
        print(f"  same answer on 1 and 2 workers: {fingerprint(second) == digest}")
        del second
        gc.collect()
        report(kind, one, two)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vpcs", type=int, default=500)
    parser.add_argument("--instances", type=int, default=100_000)
    parser.add_argument("--hub", type=float, default=0.2,
                        help="the fraction of the VPCs on the transit gateway (default 0.2)")
    parser.add_argument("--small", action="store_true",
                        help="a quick run: 50 VPCs, 500 subnets, 10,000 instances")
    parser.add_argument("--security-groups", action="store_true",
                        help="also time the security-group matrix (long at full size)")
    args = parser.parse_args()
    vpc_count, instances = (50, 10_000) if args.small else (args.vpcs, args.instances)
    run(vpc_count, instances, args.hub,
        ["subnet", "security-group"] if args.security_groups else ["subnet"])


if __name__ == "__main__":
    main()
