"""The import rules hold: layers import only down, no cycles, no lazy imports of our own code.

`lint-imports` checks the contracts in pyproject.toml (`[tool.importlinter]`): api > viz >
routing > topology; inside topology provision > analysis > compute | connect > network >
catalogue > core; no cycles among the modules of any package (function-level imports count).
"""
from __future__ import annotations

import ast
import pathlib
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
PACKAGES = ("topology", "api", "routing", "viz")
# Function-level imports of our own modules, each with its reason. Anything else is a cycle
# held apart by hand, which the layers make unnecessary.
ALLOWED: dict[tuple[str, str], str] = {
    ("api", ".mock"): "pytest loads api.pytest_plugin in every project that installs ec2sim: "
                      "`import api` must not import botocore's machinery and the simulator",
    ("api", ".app"): "likewise for Flask",
    ("api.pytest_plugin", ".mock"): "the plugin itself: only a test that asks for the "
                                    "`ec2sim_mock` fixture pays for the simulator",
    ("api.mock", ".shares"): "mock_ec2.organization/share: the module carries the Flask "
                             "routes of shares, and Flask would add a twentieth of a second "
                             "to every process's first call",
    ("api.mock", ".outposts"): "mock_ec2.outpost: likewise (the Flask routes of outposts)",
    ("topology.compute.key_pairs", "._key_crypto"): "cryptography takes ~25 ms to import: the "
                                                   "first key made or read pays, not every "
                                                   "process's first call",
}


def test_the_import_contracts_hold() -> None:
    command = shutil.which("lint-imports") or str(pathlib.Path(sys.executable).with_name("lint-imports"))
    done = subprocess.run([command, "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "BROKEN" not in done.stdout and "KEPT" in done.stdout


def _lazy_imports() -> list[tuple[str, str]]:
    """(module, what it imports) for every import of our own code inside a function."""
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
            for node in ast.walk(ast.parse(path.read_text())):
                if not isinstance(node, (ast.Import, ast.ImportFrom)) or node.col_offset == 0:
                    continue
                if isinstance(node, ast.ImportFrom):
                    target = "." * node.level + (node.module or ", ".join(a.name for a in node.names))
                    ours = node.level > 0 or target.split(".")[0] in PACKAGES
                else:
                    target = ", ".join(a.name for a in node.names)
                    ours = any(a.name.split(".")[0] in PACKAGES for a in node.names)
                if ours:
                    found.append((name, target))
    return found


def test_no_function_imports_our_own_code_without_a_reason() -> None:
    unexplained = [pair for pair in _lazy_imports() if pair not in ALLOWED]
    assert unexplained == []


def test_every_reason_is_still_needed() -> None:
    assert set(ALLOWED) <= set(_lazy_imports())
