"""Run Ansible playbooks (amazon.aws modules) against a real `ec2sim serve`.

A playbook under `tests/ansible/` runs on localhost as a new user would run it: the modules
find ec2sim through `AWS_ENDPOINT_URL`, with fake credentials and no config files. The JSON
callback gives every task's result back to the test, keyed by task name, so tests assert the
values the modules return; a failed task fails the test with the module's message.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

PLAYBOOKS = Path(__file__).parent / "ansible"


def available() -> bool:
    """True where ansible-playbook and the amazon.aws collection are installed."""
    try:
        import ansible_collections.amazon.aws  # noqa: F401  (the collection ships in `ansible`)
    except ImportError:
        return False
    return _executable() is not None


def _executable() -> str | None:
    """ansible-playbook beside this Python (the one pip installed with it), else on PATH."""
    beside = Path(sys.executable).parent / "ansible-playbook"
    return str(beside) if beside.exists() else shutil.which("ansible-playbook")


class PlaybookFailed(AssertionError):
    """A task failed (or the run broke); the message names the task and the module's words."""


def run(server_url: str, playbook: str, home: Path, *, region: str = "us-east-1",
        **extra_vars: Any) -> dict[str, Any]:
    """Run `tests/ansible/PLAYBOOK` against SERVER_URL; returns {task name: result}.

    A task that loops keeps the result of its last item (with `results` for all of them);
    a task name that repeats keeps a list of its results in order.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ANSIBLE_"))}
    env.update(AWS_ENDPOINT_URL=server_url, AWS_ACCESS_KEY_ID="testing",
               AWS_SECRET_ACCESS_KEY="testing", AWS_REGION=region, AWS_DEFAULT_REGION=region,
               AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull,
               HOME=str(home), ANSIBLE_LOCAL_TEMP=str(home / "tmp"),
               ANSIBLE_STDOUT_CALLBACK="ansible.posix.json", ANSIBLE_NOCOLOR="1",
               ANSIBLE_PYTHON_INTERPRETER=sys.executable, ANSIBLE_HOST_KEY_CHECKING="False",
               ANSIBLE_LOCALHOST_WARNING="False", ANSIBLE_INVENTORY_UNPARSED_WARNING="False",
               ANSIBLE_DEPRECATION_WARNINGS="False")
    command = [_executable() or "ansible-playbook", "-i", "localhost,",
               "-c", "local", str(PLAYBOOKS / playbook),
               "-e", json.dumps({"ansible_python_interpreter": sys.executable, **extra_vars})]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600,
                          stdin=subprocess.DEVNULL)
    try:
        report = json.loads(done.stdout[done.stdout.index("{"):])
    except ValueError:
        raise PlaybookFailed(f"ansible-playbook printed no report (exit {done.returncode}):\n"
                             f"{done.stdout[-4000:]}\n{done.stderr[-4000:]}") from None
    results = _results(report)
    if done.returncode != 0:
        failed = [f"{name}: {_reason(result)}" for name, result in _flat(results)
                  if result.get("failed") or result.get("unreachable")]
        raise PlaybookFailed(f"{playbook} failed (exit {done.returncode}):\n" +
                             "\n".join(failed or [done.stderr[-4000:]]))
    return results


def _results(report: dict[str, Any]) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for play in report.get("plays", []):
        for task in play.get("tasks", []):
            name = task["task"]["name"]
            result = task["hosts"].get("localhost", {})
            if name in results:
                previous = results[name]
                results[name] = (previous if isinstance(previous, list) else [previous]) + [result]
            else:
                results[name] = result
    return results


def _flat(results: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(name, r) for name, value in results.items()
            for r in (value if isinstance(value, list) else [value])]


def _reason(result: dict[str, Any]) -> str:
    if "results" in result:
        return "; ".join(_reason(r) for r in result["results"] if r.get("failed"))
    message = result.get("msg", "")
    error = result.get("error") or result.get("exception", "")
    return f"{message} {json.dumps(error)[:1500] if error else ''}".strip()


@pytest.fixture
def playbook(server_ec2: Any, server_url: str, tmp_path: Path) -> Any:
    """`playbook("vpc.yml", var=value)`: run it against the freshly reset server."""
    if not available():
        pytest.skip("ansible-playbook with the amazon.aws collection is not installed "
                    "(pip install ansible)")
    (tmp_path / "tmp").mkdir(exist_ok=True)
    return lambda name, **extra: run(server_url, name, tmp_path, **extra)
