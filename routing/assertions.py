"""Policy assertions over a world: segmentation rules checked with the engine, for CI.

A policy (docs/policies.md) is a list of assertions, each a name and one kind:

* `deny`: nothing selected by `from` reaches anything selected by `to` on the protocol/ports;
* `only`: the destinations `to` are reached only from the sources `allowed` (any other
  instance that reaches them is a violation);
* `reach` (or `allow`): every source `from` reaches every destination `to`;
* `isolated`: the instances of two selections reach each other on nothing, both ways.

Selectors pick the ends: `internet`, `instances` (all), `vpc: ID`, `subnet: ID`,
`instance: ID`, `security-group: ID` (an instance with an interface in the group),
`cidr: BLOCK` (an instance with an address in it), `tag: {KEY: VALUE}` (an instance's own tag
or its subnet's; shell-style wildcards in the value). The ends are instances (terminated ones
left out) and the internet: the internet as a source enters through each internet gateway;
as a destination it is a public address (`INTERNET_ADDRESS`). Ports are single ports or
ranges (`1000-2000`).

Evaluation is by class (`Context`): two instances the network and the security groups cannot
tell apart (the same `routing.classes` interface class for their primary interfaces, the same
kind of public address) answer alike, so each class pair (and whether the two share a subnet)
is walked once, with `routing.reachability` on one concrete pair; a port range is walked once
per port class (`routing.ports`: ports no rule tells apart). A violation still comes with a
concrete source, destination, protocol, port and the path (or, for a missing `reach`, the
blocking component and its explanation code), from a walk of that very pair.

`parse` raises `PolicyError` for a malformed policy; `evaluate` reads the world only.
"""
from __future__ import annotations

from collections.abc import Hashable, Iterator
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any

from netaddr import AddrFormatError, IPAddress, IPNetwork

from topology.compute import instances
from topology.core import schema
from topology.core.world import World
from topology.network import network_interfaces

from .analysis import reachability
from .classes import Prefixes, Scope
from .ports import PortRange, intervals, parse_range
from .ports import edges as port_edges

__all__ = ["Assertion", "Context", "Counterexample", "INTERNET", "INTERNET_ADDRESS", "KINDS",
           "PolicyError", "Result", "check", "evaluate", "parse", "select"]

INTERNET = "internet"
INTERNET_ADDRESS = "8.8.8.8"          # stands for "somewhere on the internet" as a destination
INTERNET_ADDRESS6 = "2001:4860:4860::8888"    # the same over IPv6
KINDS = ("deny", "only", "reach", "allow", "isolated")
SELECTOR_KEYS = ("vpc", "subnet", "instance", "security-group", "cidr", "tag")
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
    ports: tuple[PortRange | None, ...] = (None,)     # None: any port
    ip_version: int = 4               # the family the walks use


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
    ip_version: int = 4

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class Result:
    assertion: Assertion
    passed: bool
    checked: int = 0                  # (source, destination, port or range) evaluated
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
    known = {"from", "to", "allowed", "protocol", "ports", "port", "between", "ip_version"}
    unknown = set(body) - known
    if unknown:
        raise PolicyError(f"{where}: unknown key(s) {', '.join(sorted(map(str, unknown)))}")
    protocol = str(body.get("protocol", "tcp")).lower()
    if protocol not in PROTOCOLS:
        raise PolicyError(f"{where}: protocol is one of {', '.join(PROTOCOLS)}")
    ports = _ports(where, body.get("ports", body.get("port")))
    version = body.get("ip_version", 4)
    if version not in (4, 6) or isinstance(version, bool):
        raise PolicyError(f"{where}: ip_version is 4 or 6 (got {version!r})")
    if kind == "isolated":
        pair = body.get("between")
        if not isinstance(pair, list) or len(pair) != 2:
            raise PolicyError(f"{where}: `isolated` needs `between: [SELECTOR, SELECTOR]`")
        a, b = (_selectors(where, s) for s in pair)
        return Assertion(item["name"], kind, a, b, (), protocol if "protocol" in body else "-1",
                         ports, version)
    for key in ("to",) + (("allowed",) if kind == "only" else ("from",)):
        if key not in body:
            raise PolicyError(f"{where}: `{kind}` needs `{key}`")
    sources = _selectors(where, body["from"]) if "from" in body else ()
    allowed = _selectors(where, body["allowed"]) if kind == "only" else ()
    return Assertion(item["name"], "reach" if kind == "allow" else kind, sources,
                     _selectors(where, body["to"]), allowed, protocol, ports, version)


def _ports(where: str, value: Any) -> tuple[PortRange | None, ...]:
    """Ports and ranges: `22`, `"1000-2000"`, or a list of them."""
    if value is None:
        return (None,)
    values = value if isinstance(value, list) else [value]
    out: list[PortRange | None] = []
    for v in values:
        try:
            out.append(parse_range(v))
        except ValueError:
            raise PolicyError(f"{where}: ports are integers from 0 to 65535 or ranges LOW-HIGH "
                              f"(got {v!r})") from None
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
        if "cidr" in v:
            _cidr(where, v["cidr"])
    return tuple(values)


def _cidr(where: str, value: Any) -> IPNetwork:
    try:
        if not isinstance(value, str) or "/" not in value:
            raise ValueError(value)
        return IPNetwork(value)
    except (AddrFormatError, ValueError):
        raise PolicyError(f"{where}: `cidr` is a CIDR block such as 10.0.0.0/16 "
                          f"(got {value!r})") from None


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
    if key == "cidr":
        block = IPNetwork(value)
        return any(IPAddress(ip).version == block.version and IPAddress(ip) in block
                   for ip in _addresses(world, iid))
    return any(all(k in tags and fnmatchcase(tags[k], str(v)) for k, v in value.items())
               for tags in (world.tags(iid), world.tags(subnet) if subnet else {}))


def _addresses(world: World, iid: str) -> Iterator[str]:
    """The instance's private IPv4 and IPv6 addresses and its public IPv4 ones."""
    for eni, _ in instances.interfaces(world, iid):
        node = world.graph.nodes[eni]
        yield from node.get("ips", ())
        yield from node.get("ipv6s", ())
        yield from network_interfaces.public_ips(world, eni).values()


def select(world: World, selectors: tuple[Any, ...], among: list[str] | None = None
           ) -> list[str]:
    """The ends the selectors pick: instance ids (of `among`, default every instance that
    counts), and `internet` when it is selected."""
    chosen = [INTERNET] if INTERNET in selectors else []
    rest = [s for s in selectors if s != INTERNET]
    pool = _instances(world) if among is None else among
    return chosen + [i for i in pool if any(_matches(world, i, s) for s in rest)]


# -- evaluation --------------------------------------------------------------------------------
def check(world: World, policy: Any) -> list[Result]:
    """Each assertion's result: `policy` is a policy document as loaded from YAML or JSON
    (`{"assertions": [...]}`) or `parse`'s assertions. Raises `PolicyError` for a malformed
    one.

    >>> from topology.core.world import World
    >>> [r.passed for r in check(World(seed=1), {"assertions": [
    ...     {"name": "no ssh", "deny": {"from": "internet", "to": "instances", "port": 22}}]})]
    [True]
    """
    parsed = policy if isinstance(policy, list) and policy and all(
        isinstance(a, Assertion) for a in policy) else parse(policy)
    return evaluate(world, parsed)


Pair = tuple[str, str]
Members = dict["str | None", list[str]]        # subnet (None: the internet) -> ends in it
HOLDS = -2                                     # `Context.failing`: no port violates


def evaluate(world: World, policy: list[Assertion], *, by_class: bool = True) -> list[Result]:
    """Each assertion's result against `world`. With `by_class` False every pair is walked
    (the reference the class evaluation is tested against)."""
    with world.lock:
        context = Context(world, by_class=by_class)
        return [evaluate_one(context, a) for a in policy]


class Context:
    """What one evaluation shares: the instances that count, each end's class key, the port
    classes per protocol, and the verdicts and walks made so far (a pair, class pair or port
    asked by several assertions is walked once)."""

    def __init__(self, world: World, *, by_class: bool = True, ip_version: int = 4) -> None:
        self.world, self.by_class, self.ip_version = world, by_class, ip_version
        self._families: dict[int, Context] = {}
        self.instances = _instances(world)
        self.verdicts: dict[tuple[Any, ...], bool] = {}
        self.walks: dict[tuple[str, str, str, int | None], Counterexample] = {}
        self._keys: dict[str, Hashable] = {}
        self._subnets: dict[str, str | None] = {INTERNET: None}
        self._edges: dict[str, set[int]] = {}
        self._classes: dict[str, int] | None = None
        self._prefixes: Prefixes | None = None

    def family(self, version: int) -> Context:
        """The evaluation of the same world over the other IP family (a plain `Context`)."""
        if version == self.ip_version:
            return self
        found = self._families.get(version)
        if found is None:
            found = self._families[version] = Context(self.world, by_class=self.by_class,
                                                      ip_version=version)
        return found

    # -- classes ---------------------------------------------------------------------------------
    def key(self, end: str) -> Hashable:
        """What the network and the groups see of an end: the internet; else the interface
        class of the instance's primary interface (`routing.classes`), which addresses of
        the world's prefixes its public address falls in (over IPv6: its first IPv6 address,
        public when global), and whether it has an address of the other family. An end
        outside every class (or with `by_class` off) is its own key."""
        found = self._keys.get(end)
        if found is None:
            found = self._keys[end] = end if end == INTERNET else self._key(end)
        return found

    def _key(self, iid: str) -> Hashable:
        eni = instances.primary_interface(self.world, iid)
        if not self.by_class or eni is None:
            return iid
        if self._classes is None:
            scope = Scope(self.world, None, None, None, self.ip_version)
            self._prefixes = scope.prefixes
            self._classes = {m: c.index for c in scope.interface_classes() for m in c.members()}
        index = self._classes.get(eni)
        if index is None or self._prefixes is None:
            return iid
        node = self.world.graph.nodes[eni]
        if self.ip_version == 6:
            public, other = (node.get("ipv6s") or [None])[0], node.get("ips")
        else:
            public, other = network_interfaces.public_ip(self.world, eni), node.get("ipv6s")
        bits = 32 if self.ip_version == 4 else 128
        sig = self._prefixes.signature(f"{public}/{bits}")[0] if public else None
        return index, sig, bool(other)

    def subnet(self, end: str) -> str | None:
        if end not in self._subnets:
            self._subnets[end] = instances.subnet_of(self.world, end)
        return self._subnets[end]

    def groups(self, ends: list[str]) -> dict[Hashable, Members]:
        """The ends by class key, each class's members by subnet (order kept)."""
        out: dict[Hashable, Members] = {}
        for end in ends:
            out.setdefault(self.key(end), {}).setdefault(self.subnet(end), []).append(end)
        return out

    # -- ports and walks -------------------------------------------------------------------------
    def ports(self, protocol: str, span: PortRange | None) -> list[int | None]:
        """One port per port class of `span` (None: any port, one walk)."""
        if span is None or protocol == "icmp":
            return [None]
        if protocol not in self._edges:
            self._edges[protocol] = port_edges(self.world, protocol)
        return [low for low, _ in intervals(self._edges[protocol], *span)]

    def plan(self, protocol: str, span: PortRange | None) -> list[int | None]:
        """Every port `failing` may walk for `span`, in its order (for a planner that walks
        ahead, e.g. on a cluster): any port first when the span holds several classes."""
        ports = self.ports(protocol, span)
        return [None, *ports] if len(ports) > 1 else ports

    def failing(self, keys: tuple[Hashable, Hashable, bool], pair: Pair, protocol: str,
                span: PortRange | None, want: bool) -> int | None:
        """The first port of `span` on which the class pair's reachability is not `want`
        (walking `pair` where no verdict is known yet), else `HOLDS`. A span of several
        port classes is first asked on any port: unreachable there, it is unreachable on
        each (most pairs of a segmented network), and one walk answers for all."""
        ports = self.ports(protocol, span)
        if len(ports) > 1 and not self.verdict(keys, pair, protocol, None):
            return ports[0] if want else HOLDS
        for port in ports:
            if self.verdict(keys, pair, protocol, port) != want:
                return port
        return HOLDS

    def verdict(self, keys: tuple[Hashable, Hashable, bool], pair: Pair, protocol: str,
                port: int | None) -> bool:
        """Whether the class pair reaches on `port` (None: on some port), from a walk of
        `pair` the first time it is asked."""
        key = (*keys, protocol, port)
        found = self.verdicts.get(key)
        if found is None:
            found = self.verdicts[key] = self.walk(*pair, protocol, port).reachable
        return found

    def walk(self, src: str, dst: str, protocol: str, port: int | None) -> Counterexample:
        key = (src, dst, protocol, port)
        found = self.walks.get(key)
        if found is None:
            found = self.walks[key] = _probe(self.world, src, dst, protocol, port,
                                             self.ip_version)
        return found


def evaluate_one(context: Context, a: Assertion) -> Result:
    """One assertion's result (over its IP family: `context.family`)."""
    context = context.family(a.ip_version)
    result = Result(a, True)
    world, pool = context.world, context.instances
    if a.kind == "isolated":
        one, two = select(world, a.sources, pool), select(world, a.destinations, pool)
        _expect(context, a, result, one, two, want=False)
        _expect(context, a, result, two, one, want=False)
    elif a.kind in ("deny", "reach"):
        _expect(context, a, result, select(world, a.sources, pool),
                select(world, a.destinations, pool), want=a.kind == "reach")
    else:     # only: every source outside `allowed` must not reach
        allowed = set(select(world, a.allowed, pool))
        outsiders = [s for s in [INTERNET, *pool] if s not in allowed]
        _expect(context, a, result, outsiders, select(world, a.destinations, pool), want=False)
    result.passed = result.violations == 0
    return result


def _expect(context: Context, a: Assertion, result: Result, sources: list[str],
            destinations: list[str], want: bool) -> None:
    """Count the pairs (distinct ends) whose reachability is not `want`, class pair by
    class pair; keep a concrete counterexample per violating class pair."""
    targets = context.groups(destinations)
    for skey, src in context.groups(sources).items():
        for dkey, dst in targets.items():
            for same, count, pair in _parts(src, dst):
                for span in a.ports:
                    result.checked += count
                    port = context.failing((skey, dkey, same), pair, a.protocol, span, want)
                    if port == HOLDS:
                        continue
                    result.violations += count
                    if len(result.counterexamples) < MAX_EXAMPLES:
                        result.counterexamples.append(context.walk(*pair, a.protocol, port))


def _parts(src: Members, dst: Members) -> Iterator[tuple[bool, int, Pair]]:
    """The pairs of distinct ends of two classes, split by whether the two share a subnet:
    (shared, how many, one of them)."""
    total = sum(map(len, src.values())) * sum(map(len, dst.values()))
    shared = 0
    for subnet, ones in src.items():
        others = dst.get(subnet)
        if not others:
            continue
        shared += len(ones) * len(others)
        count = len(ones) * len(others) - len(set(ones) & set(others))
        example = next(((s, d) for s in ones[:2] for d in others[:2] if s != d), None)
        if count and example is not None:
            yield True, count, example
    apart = next(((ones[0], others[0]) for s, ones in src.items() for t, others in dst.items()
                  if s != t), None)
    if apart is not None and total > shared:
        yield False, total - shared, apart


def _probe(world: World, src: str, dst: str, protocol: str, port: int | None,
           version: int = 4) -> Counterexample:
    """One walk (from the internet: one per internet gateway, the first that gets in)."""
    starts = _gateways(world, dst) if src == INTERNET else [src]
    internet = INTERNET_ADDRESS if version == 4 else INTERNET_ADDRESS6
    first: Counterexample | None = None
    for start in starts:
        answer = reachability(world, start, None if dst == INTERNET else dst,
                              protocol=protocol, destination_port=port,
                              destination_ip=internet if dst == INTERNET else None,
                              ip_version=version)
        found = Counterexample(src, dst, protocol, port, bool(answer.network_path_found),
                               ip_version=version)
        if found.reachable:
            found.path = [c["Component"]["Id"] for c in answer.forward_path
                          if isinstance(c.get("Component"), dict)]
            return found
        if answer.explanations:
            why = answer.explanations[0]
            found.code = why.get("ExplanationCode")
            found.component = (why.get("Component") or {}).get("Id")
        first = first or found
    return first or Counterexample(src, dst, protocol, port, False, code="NO_PATH",
                                   ip_version=version)


def _gateways(world: World, dst: str) -> list[str]:
    """The internet gateways attached to the destination's VPC: the internet's way in."""
    vpc = instances.vpc_of(world, dst)
    return [rid for rid, data in world.graph.nodes(data=True)
            if data.get("kind") == "internet-gateway"
            and any(v == vpc for v, _, _ in world.out(rid, schema.ATTACHED, "vpc"))]
