"""Which HTTP server serves ec2sim best? boto3 `describe_vpcs` through several WSGI servers.

Each installed candidate (waitress, as `ec2sim serve` runs it; granian; gunicorn with threads;
cheroot) serves, in its own subprocess, ec2sim's app (`api.app.create_app`) and the canned app
of compare_moto.py's server floor. The servers take turns, round by round; the table gives
the best microseconds per call for each, and its ratio to waitress's. Candidates that are not
installed are skipped (`python3 -m pip install granian gunicorn cheroot` to try them all).

Run: `python3 benchmarks/http_servers.py [--rounds 5] [--calls 300] [--ports LOW-HIGH]`.
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import pickle
import signal
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import compare_moto as bench  # noqa: E402  (beside this file)

THREADS = 8   # ec2sim serve's default --threads
CANDIDATES = {"ec2sim": "api", "waitress": "waitress", "granian": "granian", "gunicorn": "gunicorn",
              "cheroot": "cheroot", "werkzeug": "werkzeug"}   # name -> module it needs


def serve(name: str, app: Any, port: int) -> None:
    """Serve `app` on 127.0.0.1:`port` with the server `name` until terminated."""
    if name == "ec2sim":   # api.http_server, as `ec2sim serve` runs it
        from api.cli import serve_wsgi
        serve_wsgi(app, "127.0.0.1", port, THREADS)
    elif name == "waitress":
        import waitress
        waitress.serve(app, host="127.0.0.1", port=port, threads=THREADS, _quiet=True)
    elif name == "granian":   # one worker process (the world lives in one process)
        from granian.constants import Interfaces
        from granian.server import MPServer
        MPServer("unused:app", address="127.0.0.1", port=port, interface=Interfaces.WSGI,
                 workers=1, blocking_threads=THREADS, log_enabled=False
                 ).serve(target_loader=lambda *_, **__: app, wrap_loader=False)
    elif name == "gunicorn":
        from gunicorn.app.base import BaseApplication

        class Gunicorn(BaseApplication):  # type: ignore[misc]
            def load_config(self) -> None:
                for key, value in {"bind": f"127.0.0.1:{port}", "workers": 1,
                                   "threads": THREADS, "worker_class": "gthread",
                                   "keepalive": 60, "loglevel": "warning"}.items():
                    self.cfg.set(key, value)

            def load(self) -> Any:
                return app
        Gunicorn().run()
    elif name == "cheroot":
        from cheroot.wsgi import Server
        signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
        Server(("127.0.0.1", port), app, numthreads=THREADS).start()
    elif name == "werkzeug":   # a thread per connection (moto_server's server)
        from werkzeug.serving import run_simple
        run_simple("127.0.0.1", port, app, threaded=True)


def app_of(kind: str, answers_path: str) -> Any:
    if kind == "floor":
        return bench.floor_app(pickle.loads(Path(answers_path).read_bytes()))
    from api.app import create_app
    return create_app()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--serve"]:   # a server subprocess: --serve NAME APP PORT ANSWERS
        serve(argv[1], app_of(argv[2], argv[4]), int(argv[3]))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--calls", type=int, default=300, help="describe_vpcs calls per round")
    parser.add_argument("--ports", metavar="LOW-HIGH", help="take the servers' ports here")
    args = parser.parse_args(argv)
    ports = None
    if args.ports:
        low, _, high = args.ports.partition("-")
        ports = range(int(low), int(high or low) + 1)
    names = [name for name, module in CANDIDATES.items() if importlib.util.find_spec(module)]
    best: dict[tuple[str, str], float] = {}
    with ExitStack() as stack:
        setup = bench.Setup(stack, bench.wall_clock, ports)
        answers = Path(stack.enter_context(tempfile.TemporaryDirectory())) / "answers.pickle"
        answers.write_bytes(pickle.dumps(bench.canned_answers()))
        clients = {}
        for name in names:
            for kind in ("ec2sim", "floor"):
                port = setup.port()
                command = [sys.executable, str(Path(__file__).resolve()), "--serve", name, kind,
                           str(port), str(answers)]
                url, _ = stack.enter_context(bench.server(command, port))
                clients[name, kind] = bench.make_client(url)
                clients[name, kind].describe_vpcs()   # warm
        for round_ in range(args.rounds):
            print(f"round {round_ + 1}/{args.rounds}", file=sys.stderr, flush=True)
            for key, ec2 in clients.items():
                start = time.perf_counter()
                for _ in range(args.calls):
                    ec2.describe_vpcs()
                took = (time.perf_counter() - start) / args.calls * 1e6
                best[key] = min(best.get(key, took), took)
    print(f"describe_vpcs through boto3, best us per call of {args.rounds} rounds "
          f"(ratio to waitress)")
    print(f"{'server':10s}{'ec2sim':>16s}{'floor':>16s}{'ec2sim/floor':>14s}")
    for name in names:
        cells = "".join(f"{best[name, kind]:8.0f} ({best[name, kind] / best['waitress', kind]:.2f})"
                        for kind in ("ec2sim", "floor"))
        print(f"{name:10s}{cells}{best[name, 'ec2sim'] / best[name, 'floor']:14.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
