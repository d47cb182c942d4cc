"""`ec2sim check POLICY.yaml`: evaluate a policy's assertions (docs/policies.md) against a
world read from a snapshot file, a `serve --state` database or a running server.

Prints PASS/FAIL per assertion with counterexamples, optionally writes JUnit XML for CI;
exit status 0 when every assertion holds, 1 on any violation, 2 on a malformed policy or a
world that cannot be read.
"""
from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ET
from typing import Any

import yaml

import api.state_cli as state_cli
from api.matrix_cli import add_dask_argument
from routing import assertions, distributed
from routing.assertions import Counterexample, Result
from topology.core.errors import TopologyError


def add_parser(commands: Any) -> None:
    check = commands.add_parser(
        "check", help="check a policy of reachability assertions (exit 0 holds, 1 violated)",
        description="Evaluate the assertions of a policy file (docs/policies.md) against a "
                    "world and print PASS/FAIL with counterexamples.")
    check.add_argument("policy", metavar="POLICY.yaml")
    state_cli.add_world_arguments(check)
    check.add_argument("--junit", metavar="FILE", help="also write JUnit XML to FILE")
    check.add_argument("--format", choices=("text", "json"), default="text",
                       help="what to print: PASS/FAIL lines (default) or JSON")
    add_dask_argument(check)


def run(args: Any) -> int:
    try:
        policy = load_policy(args.policy)
    except assertions.PolicyError as err:
        print(f"error: malformed policy {args.policy}: {err}", file=sys.stderr)
        return 2
    try:
        world = state_cli.world_of_args(args)
    except TopologyError as err:
        print(f"error: {err.code}: {err.message}", file=sys.stderr)
        return 2
    try:
        results = distributed.evaluate(world, policy, dask=args.dask)
    except OSError as err:           # a scheduler that cannot be reached
        print(f"error: Dask cluster {args.dask}: {err}", file=sys.stderr)
        return 2
    if args.format == "json":
        print(json.dumps(as_json(results), indent=2))
    else:
        print("\n".join(text(results)))
    if args.junit:
        with open(args.junit, "wb") as out:
            out.write(junit(results, args.policy))
    return 0 if all(r.passed for r in results) else 1


def load_policy(path: str) -> list[assertions.Assertion]:
    """The parsed assertions of a YAML policy file; `PolicyError` when it is not one."""
    try:
        with open(path, encoding="utf-8") as source:
            text = source.read()
    except (OSError, UnicodeDecodeError) as err:
        raise assertions.PolicyError(f"cannot read it: {getattr(err, 'strerror', None) or err}"
                                     ) from None
    return parse_policy(text)


def parse_policy(text: str) -> list[assertions.Assertion]:
    """The parsed assertions of a policy document's text (YAML, or JSON, which is YAML)."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise assertions.PolicyError(f"not YAML: {err}") from None
    return assertions.parse(data)




# -- output ------------------------------------------------------------------------------------
def describe(example: Counterexample) -> str:
    """A counterexample in one line."""
    port = "all ports" if example.port is None else f"port {example.port}"
    family = " over IPv6" if example.ip_version == 6 else ""
    head = f"{example.source} -> {example.destination} {example.protocol} {port}{family}"
    if example.reachable:
        return f"{head}: reachable via {' -> '.join(example.path)}"
    where = f" at {example.component}" if example.component else ""
    return f"{head}: blocked{where} [{example.code or 'NO_PATH'}]"


def text(results: list[Result]) -> list[str]:
    lines = []
    for r in results:
        verdict = "PASS" if r.passed else "FAIL"
        lines.append(f"{verdict} {r.assertion.name} ({r.assertion.kind}, {r.checked} checked"
                     + (f", {r.violations} violations)" if r.violations else ")"))
        lines += [f"  {describe(c)}" for c in r.counterexamples]
        if r.violations > len(r.counterexamples):
            lines.append(f"  ... and {r.violations - len(r.counterexamples)} more")
    failed = sum(not r.passed for r in results)
    lines.append(f"{len(results) - failed} passed, {failed} failed")
    return lines


def as_json(results: list[Result]) -> list[dict[str, Any]]:
    """One object per assertion: name, kind, passed, counts and counterexamples."""
    return [{"name": r.assertion.name, "kind": r.assertion.kind, "passed": r.passed,
             "ip_version": r.assertion.ip_version, "checked": r.checked,
             "violations": r.violations,
             "counterexamples": [c.as_dict() for c in r.counterexamples]} for r in results]


def junit(results: list[Result], policy: str) -> bytes:
    """JUnit XML: one testsuite (the policy), one testcase per assertion."""
    failed = sum(not r.passed for r in results)
    suite = ET.Element("testsuite", name=f"ec2sim check {policy}", tests=str(len(results)),
                       failures=str(failed), errors="0")
    for r in results:
        case = ET.SubElement(suite, "testcase", classname="ec2sim.policy",
                             name=r.assertion.name)
        if not r.passed:
            failure = ET.SubElement(case, "failure", type=r.assertion.kind,
                                    message=f"{r.violations} violations")
            failure.text = "\n".join(describe(c) for c in r.counterexamples)
    root = ET.Element("testsuites", tests=str(len(results)), failures=str(failed))
    root.append(suite)
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))
