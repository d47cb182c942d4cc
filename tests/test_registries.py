"""`import topology` fills every registry a lower layer asks through (docs/architecture.md):
a module that answers one must be imported by topology/__init__.py, or a user of the Python
API (no handlers loaded) would get a half-answered question."""
from __future__ import annotations

import subprocess
import sys

# Every family declares itself in these two; the binding walks the package for them.
WALKED = {"FAMILIES", "ACTIONS"}

_PROGRAM = """
import importlib, pkgutil, sys
import topology
from topology.core.registry import Registry

def answers():
    found = {}
    for name, module in list(sys.modules.items()):
        if not name.startswith("topology"):
            continue
        for attr, value in vars(module).items():
            if isinstance(value, Registry) and attr not in %r:
                found[f"{value.question}"] = sorted(value._answers)
    return found

before = answers()
for info in pkgutil.walk_packages(topology.__path__, "topology."):
    importlib.import_module(info.name)
after = answers()
missing = {q: sorted(set(after[q]) - set(before.get(q, []))) for q in after}
print({q: keys for q, keys in missing.items() if keys})
"""


def test_importing_topology_answers_every_registry() -> None:
    done = subprocess.run([sys.executable, "-c", _PROGRAM % (WALKED,)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "{}", (
        "answers only a full walk of topology gives (import their modules in "
        f"topology/__init__.py): {done.stdout}")
