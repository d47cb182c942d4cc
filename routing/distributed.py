"""The matrix and policy checks on a Dask cluster, partitioned by source.

`matrix(world, kind, dask=...)` answers as `routing.matrix` does, pair for pair, with the same
`blocked_by`; `evaluate(world, policy, dask=...)` as `routing.assertions.evaluate`. `dask` is
a scheduler address (`tcp://host:8786`), `"local"` (a `distributed.LocalCluster`, one
single-threaded worker process per core), `"none"` (this process only), `"auto"` (local
when the work is big enough to pay for a cluster: `LOCAL_FROM_PAIRS` source by destination
classes for a matrix, `LOCAL_FROM_WALKS` walks for a check; else this process), or a
`distributed.Client`.

How: the world is shipped once per call, as a *reading copy* of its graph and indexes
(`World.reading_state`: a world holds a lock and counters, which do not pickle), pickled here in one go and
scattered to every worker (`client.scatter(..., broadcast=True)`); each worker unpickles it
once (`World.reading_copy`, with the cyclic collector off) and keeps it and its `matrix.Rows` between
tasks, so a worker's walks are shared by all the sources it evaluates. Measured on 10,000
instances: 0.8 s to pickle and unpickle, against 4.2 s to dump and load a JSON snapshot. A task evaluates the rows of a run of
consecutive sources — subnet forwarding classes, or security groups for the
`security-group` kind — against every destination, and returns compact rows (one cell per
destination class); this process expands them into the `Matrix` in source order
(`Rows.assemble`). A check's walks (one per class pair and port,
`routing.assertions.Context`) are partitioned by their source's class the same way, and
the policy is then evaluated here over their answers.

Dask is imported when a cluster is used, never at import time.
"""
from __future__ import annotations

import os
import pickle
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

from topology.core import collector
from topology.core.world import World

from . import assertions
from .assertions import Assertion, Counterexample, Result
from .matrix import Matrix, Rows
from .matrix import matrix as single_matrix

__all__ = ["LOCAL_FROM_PAIRS", "LOCAL_FROM_WALKS", "connect", "evaluate", "matrix"]

LOCAL_FROM_PAIRS = 250_000     # source x destination classes: about 15 s in one process
LOCAL_FROM_WALKS = 20_000      # a check's walks: about 10 s in one process
TASKS_PER_WORKER = 8           # runs of sources per worker: balance against per-task cost
Walk = tuple[str, str, str, int | None]     # a check's walk: source, destination, protocol, port
# no dashboard; the scheduler's HTTP routes on a free loopback port (by default they take
# 8787, and warn when another cluster holds it)
_NO_DASHBOARD = {"dashboard_address": "127.0.0.1:0"}

# a worker's state: the world it was sent (by token) and its matrices' rows
_WORLDS: dict[str, World] = {}
_ROWS: dict[tuple[Any, ...], Rows] = {}


# -- the public functions ----------------------------------------------------------------------
def matrix(world: World, kind: str = "subnet", *, dask: Any = "auto", protocol: str = "tcp",
           port: int | None = None, account: str | None = None, region: str | None = None,
           vpc: str | None = None, ip_version: int = 4,
           timings: dict[str, float] | None = None) -> Matrix:
    """`routing.matrix`, on the cluster `dask` names (see the module's docstring).
    `timings`, if given, receives the seconds of each phase: `scope` (the classes, here),
    `connect`, `World.reading_state` (pickling the world), `ship` (to every worker, rebuilt there with its
    classes), `evaluate` (the rows, on the workers) and `assemble` (here)."""
    spec = {"kind": kind, "protocol": protocol, "port": port, "account": account,
            "region": region, "vpc": vpc, "ip_version": ip_version}
    clock = _Clock(timings)
    rows = Rows(world, **spec)          # the scope here too: it numbers and expands the rows
    clock("scope")
    if _here(dask, rows.count ** 2, LOCAL_FROM_PAIRS):
        return single_matrix(world, **spec)
    with connect(dask) as client:
        clock("connect")
        packed = pickle.dumps(world.reading_state(), protocol=pickle.HIGHEST_PROTOCOL)
        clock("pack")
        shipped, token = ship(client, packed, spec)
        try:
            clock("ship")
            runs = _runs(rows.count, _workers(client))
            futures = [client.submit(_rows_task, shipped, token, spec, start, stop, pure=False)
                       for start, stop in runs]
            answers = sorted(client.gather(futures))
            clock("evaluate")
        finally:
            _forget(client, shipped, token)
    with collector.paused():
        answer = rows.assemble([row for _, part, _ in answers for row in part])
    answer.walks = sum(walks for _, _, walks in answers)
    clock("assemble")
    return answer


def _here(dask: Any, work: int, threshold: int) -> bool:
    """Whether to stay in this process: asked to, or `auto` with little work (or one
    core, where a local cluster cannot help)."""
    return dask == "none" or (dask == "auto" and (work < threshold
                                                  or (os.cpu_count() or 1) < 2))


class _Clock:
    """Seconds since the last phase, into `timings` (when asked for)."""

    def __init__(self, timings: dict[str, float] | None) -> None:
        self.timings, self.last = timings, time.perf_counter()

    def __call__(self, phase: str) -> None:
        now = time.perf_counter()
        if self.timings is not None:
            self.timings[phase] = now - self.last
        self.last = now


def evaluate(world: World, policy: list[Assertion], *, dask: Any = "auto") -> list[Result]:
    """`routing.assertions.evaluate`, its walks on the cluster `dask` names: every class
    pair and port the policy asks about is planned here (`_Planner`), the walks are
    partitioned by their source's class and taken in two rounds (first each pair on any
    port, then port by port only where that got through, as `Context.failing` asks), and
    the assertions are then answered here from the walks' verdicts."""
    with world.lock:
        planner = _Planner(world)
        for a in policy:
            assertions.evaluate_one(planner, a)
    if _here(dask, len(planner.first), LOCAL_FROM_WALKS):
        return assertions.evaluate(world, policy)
    with connect(dask) as client:
        packed = pickle.dumps(world.reading_state(), protocol=pickle.HIGHEST_PROTOCOL)
        shipped, token = ship(client, packed)
        try:
            walked = _walk(client, shipped, token, planner.first)
            then = {key: walk for key, (walk, on) in planner.then.items()
                    if key not in planner.first and walked[planner.first[on]].reachable}
            walked.update(_walk(client, shipped, token, then))
        finally:
            _forget(client, shipped, token)
    with world.lock:
        context = assertions.Context(world)
        context.walks.update(walked)
        context.verdicts.update({key: walked[walk].reachable
                                 for key, walk in {**planner.first, **then}.items()})
        return [assertions.evaluate_one(context, a) for a in policy]


class _Planner(assertions.Context):
    """An evaluation that walks nothing: it notes every (class pair, protocol, port) a
    policy asks about with the pair of ends that would be walked for it (the first asked,
    as the single-process evaluation walks it) — `first`: walks always taken (a span's
    any-port walk, or its one port); `then`: a span's port-by-port walks, each with the
    any-port key it waits on — and lets every assertion hold."""

    def __init__(self, world: World) -> None:
        super().__init__(world)
        self.first: dict[tuple[Any, ...], Walk] = {}
        self.then: dict[tuple[Any, ...], tuple[Walk, tuple[Any, ...]]] = {}

    def failing(self, keys: tuple[Any, ...], pair: tuple[str, str], protocol: str,
                span: Any, want: bool) -> int | None:
        ports = self.plan(protocol, span)
        if len(ports) > 1:                  # any port first, then each port class
            on = (*keys, protocol, ports[0])
            self.first.setdefault(on, (*pair, protocol, ports[0]))
            for port in ports[1:]:
                self.then.setdefault((*keys, protocol, port), ((*pair, protocol, port), on))
        else:
            for port in ports:
                self.first.setdefault((*keys, protocol, port), (*pair, protocol, port))
        return assertions.HOLDS


def _walk(client: Any, shipped: Any, token: str, wanted: dict[tuple[Any, ...], Walk]
          ) -> dict[Walk, Counterexample]:
    """The walks of `wanted` on the cluster, partitioned by their source's class."""
    by_source: dict[Any, list[Walk]] = {}
    for key, walk in wanted.items():
        by_source.setdefault(key[0], []).append(walk)
    groups = list(by_source.values())
    futures = [client.submit(_walks_task, shipped, token,
                             [w for g in groups[start:stop] for w in g], pure=False)
               for start, stop in _runs(len(groups), _workers(client))]
    return {walk: found for part in client.gather(futures) for walk, found in part}


@contextmanager
def connect(dask: Any) -> Iterator[Any]:
    """A `distributed.Client` for `dask`: the client itself, `"local"` or `"auto"` (a
    `LocalCluster` of one single-threaded worker process per core, closed on exit), or a
    scheduler address."""
    if not isinstance(dask, str):
        with nullcontext(dask) as given:
            yield given
        return
    from distributed import Client, LocalCluster

    if dask in ("local", "auto"):
        with LocalCluster(n_workers=os.cpu_count() or 1, threads_per_worker=1,
                          processes=True, host="127.0.0.1", dashboard_address=None,
                          scheduler_kwargs=_NO_DASHBOARD
                          ) as cluster, \
                Client(cluster) as client:
            yield client
    else:
        with Client(dask, timeout="10s") as client:
            yield client


# -- shipping the world ------------------------------------------------------------------------
def ship(client: Any, packed: bytes, spec: dict[str, Any] | None = None) -> tuple[Any, str]:
    """Send a world's `reading_state`, pickled (here, in one go: dask would walk the graph's
    dicts itself) to every worker once and have each rebuild it (and the matrix's classes,
    for `spec`): its future and the token workers know it by."""
    shipped = client.scatter(packed, broadcast=True, hash=False)
    token = uuid.uuid4().hex
    client.gather([client.submit(_prepare, shipped, token, spec, workers=[address],
                                 allow_other_workers=False, pure=False)
                   for address in client.scheduler_info(n_workers=-1).get("workers", {})])
    return shipped, token


def _forget(client: Any, shipped: Any, token: str) -> None:
    client.cancel(shipped)
    client.run(_drop, token)


def _drop(token: str) -> None:
    """On a worker: forget a world and its rows."""
    _WORLDS.pop(token, None)
    for key in [k for k in _ROWS if k[0] == token]:
        del _ROWS[key]


def _world(token: str, packed: bytes) -> World:
    found = _WORLDS.get(token)
    if found is None:
        _WORLDS.clear()            # a worker keeps the latest world only
        _ROWS.clear()
        with collector.paused():
            found = _WORLDS[token] = World.reading_copy(pickle.loads(packed))
    return found


# -- tasks -------------------------------------------------------------------------------------
def _prepare(packed: bytes, token: str, spec: dict[str, Any] | None) -> None:
    """On a worker: rebuild the world, and the matrix's classes."""
    world = _world(token, packed)
    if spec is not None:
        _rows(world, token, spec)


def _rows(world: World, token: str, spec: dict[str, Any]) -> Rows:
    key = (token, *sorted(spec.items()))
    found = _ROWS.get(key)
    if found is None:
        found = _ROWS[key] = Rows(world, **spec)
    return found


def _rows_task(packed: bytes, token: str, spec: dict[str, Any], start: int,
               stop: int) -> tuple[int, list[list[Any]], int]:
    """On a worker: the rows of sources start..stop-1, and the walks they took."""
    rows = _rows(_world(token, packed), token, spec)
    before = rows.walks
    found = rows.evaluate(range(start, stop))
    return start, found, rows.walks - before


def _walks_task(packed: bytes, token: str, walks: list[Walk]
                ) -> list[tuple[Walk, Counterexample]]:
    """On a worker: a check's walks, each with its answer."""
    context = assertions.Context(_world(token, packed))
    return [(walk, context.walk(*walk)) for walk in walks]


def _workers(client: Any) -> int:
    return max(1, len(client.scheduler_info(n_workers=-1).get("workers", {})))


def _runs(count: int, workers: int) -> list[tuple[int, int]]:
    """`count` sources cut into runs of consecutive ones, about `TASKS_PER_WORKER` per
    worker (consecutive classes share a VPC, so their walks overlap)."""
    size = max(1, -(-count // (workers * TASKS_PER_WORKER)))
    return [(start, min(start + size, count)) for start in range(0, count, size)]

