"""Policy assertions over a world: segmentation rules checked with the engine, for CI.

A policy (docs/policies.md) is a list of assertions, each a name and one kind:

* `deny`: nothing selected by `from` reaches anything selected by `to` on the protocol/ports;
* `only`: the destinations `to` are reached only from the sources `allowed` (any other
  instance that reaches them is a violation);
* `reach` (or `allow`): every source `from` reaches every destination `to`;
* `isolated`: the instances of two selections reach each other on nothing, both ways.

Selectors pick the ends: `internet`, `instances` (all), `vpc: ID`, `subnet: ID`,
`instance: ID`, `security-group: ID` (an instance with an interface in the group), `tag: {KEY: VALUE}` (an instance's own tag or its subnet's; shell-style
wildcards in the value). The ends are instances (terminated ones left out) and the internet:
the internet as a source enters through each internet gateway; as a destination it is a
public address (`INTERNET_ADDRESS`). Each pair is one `routing.reachability` walk, so a
violation comes with a concrete source, destination, protocol, port and the path (or, for
a missing `reach`, the blocking component and its explanation code).

`parse` raises `PolicyError` for a malformed policy; `evaluate` reads the world only.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any

from topology.compute import instances
from topology.core import schema
from topology.core.world import World
from topology.network import network_interfaces

from .analysis import reachability

__all__ = ["Assertion", "Counterexample", "INTERNET", "INTERNET_ADDRESS", "KINDS", "PolicyError",
           "Result", "evaluate", "parse"]

INTERNET = "internet"
INTERNET_ADDRESS = "8.8.8.8"          # stands for "somewhere on the internet" as a destination
KINDS = ("deny", "only", "reach", "allow", "isolated")
SELECTOR_KEYS = ("vpc", "subnet", "instance", "security-group", "tag")
PROTOCOLS = ("tcp", "udp", "icmp", "-1")
MAX_EXAMPLES = 5                      # counterexamples kept per assertion


class PolicyError(ValueError):
    """A malformed policy: what is wrong and where."""


@dataclass(frozen=True)
class Assertion:
    name: str
    kind: str
    sources: tuple[Any, ...]          # selectors
    destinations: tuple[Any, ...]
    allowed: tuple[Any, ...] = ()     # `only`: the sources that may reach
    protocol: str = "tcp"
    ports: tuple[int | None, ...] = (None,)


@dataclass
class Counterexample:
    source: str
    destination: str
    protocol: str
    port: int | None
    reachable: bool
    path: list[str] = field(default_factory=list)        # component ids, forward path
    code: str | None = None                              # what blocks, when unreachable
    component: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class Result:
    assertion: Assertion
    passed: bool
    checked: int = 0                  # pairs evaluated
    counterexamples: list[Counterexample] = field(default_factory=list)
    violations: int = 0


# -- parsing -----------------------------------------------------------------------------------
def parse(data: Any) -> list[Assertion]:
    """The assertions of a loaded policy document (`{"assertions": [...]}` or a list)."""
    items = data.get("assertions") if isinstance(data, dict) else data
    if not isinstance(items, list) or not items:
        raise PolicyError("a policy is a mapping with a non-empty list `assertions`")
    found = [_assertion(n, item) for n, item in enumerate(items, 1)]
    names = [a.name for a in found]
    duplicate = next((n for n in names if names.count(n) > 1), None)
    if duplicate:
        raise PolicyError(f"assertion name {duplicate!r} is used twice")
    return found


def _assertion(number: int, item: Any) -> Assertion:
    where = f"assertion {number}"
    if not isinstance(item, dict) or not isinstance(item.get("name"), str):
        raise PolicyError(f"{where}: a mapping with a `name` string")
    where = f"assertion {item['name']!r}"
    kinds = [k for k in KINDS if k in item]
    if len(kinds) != 1:
        raise PolicyError(f"{where}: exactly one of {', '.join(KINDS)}")
    kind, body = kinds[0], item[kinds[0]]
    if not isinstance(body, dict):
        raise PolicyError(f"{where}: `{kind}` is a mapping")
    known = {"from", "to", "allowed", "protocol", "ports", "port", "between"}
    unknown = set(body) - known
    if unknown:
        raise PolicyError(f"{where}: unknown key(s) {', '.join(sorted(map(str, unknown)))}")
    protocol = str(body.get("protocol", "tcp")).lower()
    if protocol not in PROTOCOLS:
        raise PolicyError(f"{where}: protocol is one of {', '.join(PROTOCOLS)}")
    ports = _ports(where, body.get("ports", body.get("port")))
    if kind == "isolated":
        pair = body.get("between")
        if not isinstance(pair, list) or len(pair) != 2:
            raise PolicyError(f"{where}: `isolated` needs `between: [SELECTOR, SELECTOR]`")
        a, b = (_selectors(where, s) for s in pair)
        return Assertion(item["name"], kind, a, b, (), protocol if "protocol" in body else "-1",
                         ports)
    for key in ("to",) + (("allowed",) if kind == "only" else ("from",)):
        if key not in body:
            raise PolicyError(f"{where}: `{kind}` needs `{key}`")
    sources = _selectors(where, body["from"]) if "from" in body else ()
    allowed = _selectors(where, body["allowed"]) if kind == "only" else ()
    return Assertion(item["name"], "reach" if kind == "allow" else kind, sources,
                     _selectors(where, body["to"]), allowed, protocol, ports)


def _ports(where: str, value: Any) -> tuple[int | None, ...]:
    if value is None:
        return (None,)
    values = value if isinstance(value, list) else [value]
    out: list[int | None] = []
    for v in values:
        if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= 65535:
            raise PolicyError(f"{where}: ports are integers from 0 to 65535 (got {v!r})")
        out.append(v)
    return tuple(out) or (None,)


def _selectors(where: str, value: Any) -> tuple[Any, ...]:
    values = value if isinstance(value, list) else [value]
    for v in values:
        if v in (INTERNET, "instances"):
            continue
        if not (isinstance(v, dict) and len(v) == 1 and next(iter(v)) in SELECTOR_KEYS):
            raise PolicyError(f"{where}: a selector is `internet`, `instances` or one of "
                              f"{', '.join(k + ': ...' for k in SELECTOR_KEYS)} (got {v!r})")
        if "tag" in v and not (isinstance(v["tag"], dict) and v["tag"]):
            raise PolicyError(f"{where}: `tag` is a mapping of KEY: VALUE")
    return tuple(values)


# -- selection ---------------------------------------------------------------------------------
def _instances(world: World) -> list[str]:
    return [rid for rid, data in world.graph.nodes(data=True)
            if data.get("kind") == "instance"
            and data.get("State", {}).get("Name") not in ("terminated", "shutting-down")
            and instances.subnet_of(world, rid) is not None]


def _matches(world: World, iid: str, selector: Any) -> bool:
    if selector == "instances":
        return True
    key, value = next(iter(selector.items()))
    subnet = instances.subnet_of(world, iid)
    if key == "instance":
        return iid == value
    if key == "subnet":
        return subnet == value
    if key == "vpc":
        return instances.vpc_of(world, iid) == value
    if key == "security-group":
        return any(value in network_interfaces.groups(world, eni)
                   for eni, _ in instances.interfaces(world, iid))
    return any(all(k in tags and fnmatchcase(tags[k], str(v)) for k, v in value.items())
               for tags in (world.tags(iid), world.tags(subnet) if subnet else {}))


def select(world: World, selectors: tuple[Any, ...]) -> list[str]:
    """The ends the selectors pick: instance ids, and `internet` when it is selected."""
    chosen = [INTERNET] if INTERNET in selectors else []
    rest = [s for s in selectors if s != INTERNET]
    return chosen + [i for i in _instances(world) if any(_matches(world, i, s) for s in rest)]


# -- evaluation --------------------------------------------------------------------------------
def evaluate(world: World, policy: list[Assertion]) -> list[Result]:
    """Each assertion's result against `world`."""
    memo: dict[tuple[str, str, str, int | None], Counterexample] = {}
    with world.lock:
        return [_evaluate(world, a, memo) for a in policy]


def _evaluate(world: World, a: Assertion, memo: dict[Any, Counterexample]) -> Result:
    result = Result(a, True)
    if a.kind == "isolated":
        one, two = select(world, a.sources), select(world, a.destinations)
        pairs = [(s, d) for s in one for d in two] + [(d, s) for s in one for d in two]
        _expect(world, a, memo, result, pairs, want=False)
    elif a.kind == "deny":
        _expect(world, a, memo, result, _pairs(world, a.sources, a.destinations), want=False)
    elif a.kind == "reach":
        _expect(world, a, memo, result, _pairs(world, a.sources, a.destinations), want=True)
    else:     # only: every source outside `allowed` must not reach
        allowed = set(select(world, a.allowed))
        outsiders = [s for s in [INTERNET, *_instances(world)] if s not in allowed]
        pairs = [(s, d) for s in outsiders for d in select(world, a.destinations)]
        _expect(world, a, memo, result, pairs, want=False)
    result.passed = result.violations == 0
    return result


def _pairs(world: World, sources: tuple[Any, ...], destinations: tuple[Any, ...]
           ) -> list[tuple[str, str]]:
    return [(s, d) for s in select(world, sources) for d in select(world, destinations)]


def _expect(world: World, a: Assertion, memo: dict[Any, Counterexample], result: Result,
            pairs: list[tuple[str, str]], want: bool) -> None:
    """Walk each pair on each port (once per policy: `memo`); count what is not `want`."""
    for src, dst in pairs:
        if src == dst or (src == INTERNET and dst == INTERNET):
            continue
        for port in a.ports:
            result.checked += 1
            key = (src, dst, a.protocol, port)
            found = memo.get(key) or memo.setdefault(key, _probe(world, src, dst, a.protocol,
                                                                   port))
            if found.reachable != want:
                result.violations += 1
                if len(result.counterexamples) < MAX_EXAMPLES:
                    result.counterexamples.append(found)


def _probe(world: World, src: str, dst: str, protocol: str, port: int | None
           ) -> Counterexample:
    """One walk (from the internet: one per internet gateway, the first that gets in)."""
    starts = _gateways(world, dst) if src == INTERNET else [src]
    first: Counterexample | None = None
    for start in starts:
        answer = reachability(world, start, None if dst == INTERNET else dst,
                              protocol=protocol, destination_port=port,
                              destination_ip=INTERNET_ADDRESS if dst == INTERNET else None)
        found = Counterexample(src, dst, protocol, port, bool(answer.network_path_found))
        if found.reachable:
            found.path = [c["Component"]["Id"] for c in answer.forward_path
                          if isinstance(c.get("Component"), dict)]
            return found
        if answer.explanations:
            why = answer.explanations[0]
            found.code = why.get("ExplanationCode")
            found.component = (why.get("Component") or {}).get("Id")
        first = first or found
    return first or Counterexample(src, dst, protocol, port, False, code="NO_PATH")


def _gateways(world: World, dst: str) -> list[str]:
    """The internet gateways attached to the destination's VPC: the internet's way in."""
    vpc = instances.vpc_of(world, dst)
    return [rid for rid, data in world.graph.nodes(data=True)
            if data.get("kind") == "internet-gateway"
            and any(v == vpc for v, _, _ in world.out(rid, schema.ATTACHED, "vpc"))]
