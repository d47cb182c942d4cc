"""Port classes: destination ports the world's rules cannot tell apart.

Only security group rules and network ACL entries look at ports (`routing.policy`), and
each matches a contiguous range. Between two consecutive range edges (a rule's first port,
or the port after its last) every port meets the same rules the same way, so one port of
each interval answers for all of it. `diff` and the policy checks evaluate a port range
interval by interval instead of port by port.

>>> intervals([22, 26, 80, 81], 0, 65535)
[(0, 21), (22, 25), (26, 79), (80, 80), (81, 65535)]
>>> intervals([22, 26], 20, 23)
[(20, 21), (22, 23)]
"""
from __future__ import annotations

from collections.abc import Iterable

from topology.core import schema
from topology.core.world import World

__all__ = ["PortRange", "edges", "intervals", "label", "parse_range"]

PortRange = tuple[int, int]
MAX_PORT = 65535
# the rule protocols (names or numbers) that match a packet of each request protocol
_MATCHING = {"tcp": ("tcp", "6"), "udp": ("udp", "17"), "-1": ("tcp", "6", "udp", "17")}


def edges(world: World, protocol: str, *, groups: bool = True) -> set[int]:
    """The ports where some network ACL entry's (and, with `groups`, some security group
    rule's) range of `protocol` starts or ends + 1. Empty for a protocol without ports.
    Only rules that some packet can meet count: those of ACLs associated with a subnet and
    of groups holding an interface (accounts keep many unused groups)."""
    wanted = _MATCHING.get(str(protocol).lower(), ())
    found: set[int] = set()
    if not wanted:
        return found
    for rid, data in world.graph.nodes(data=True):
        kind = data.get("kind")
        if kind == "network-acl" and world.out(rid, schema.ASSOCIATED, "subnet"):
            for entry in data.get("entries", {}).values():
                span = entry.get("PortRange")
                if span is not None and entry.get("Protocol") in wanted:
                    found.update((span["From"], span["To"] + 1))
        elif groups and kind == "security-group-rule" and data.get("IpProtocol") in wanted \
                and _in_use(world, rid):
            found.update((data["FromPort"], data["ToPort"] + 1))
    return found


def _in_use(world: World, rule: str) -> bool:
    """Whether the rule's group holds a network interface."""
    return any(world.into(sg, schema.ASSOCIATED, "network-interface")
               for sg, _, _ in world.into(rule, schema.CONTAINS, "security-group"))


def intervals(cuts: Iterable[int], low: int = 0, high: int = MAX_PORT) -> list[PortRange]:
    """`low..high` split at every edge in `cuts` (an edge starts a new interval)."""
    inner = sorted({c for c in cuts if low < c <= high})
    starts = [low, *inner]
    return [(a, b - 1) for a, b in zip(starts, [*inner, high + 1])]


def label(span: PortRange | None) -> str:
    """`all`, `22` or `1000-2000`."""
    if span is None or span == (0, MAX_PORT):
        return "all"
    return str(span[0]) if span[0] == span[1] else f"{span[0]}-{span[1]}"


def parse_range(value: object) -> PortRange:
    """A port (`22`) or a range (`"1000-2000"`, `[1000, 2000]`) as (low, high); ValueError
    for anything else, outside 0-65535, or reversed."""
    if isinstance(value, bool):
        raise ValueError(f"not a port or port range: {value!r}")
    if isinstance(value, int):
        low = high = value
    elif isinstance(value, (list, tuple)) and len(value) == 2 \
            and all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        low, high = value
    elif isinstance(value, str) and value.strip():
        parts = value.strip().split("-")
        if len(parts) > 2 or not all(p.strip().isdigit() for p in parts):
            raise ValueError(f"not a port or port range: {value!r}")
        low, high = int(parts[0]), int(parts[-1])
    else:
        raise ValueError(f"not a port or port range: {value!r}")
    if not 0 <= low <= high <= MAX_PORT:
        raise ValueError(f"ports are from 0 to {MAX_PORT}, low to high (got {value!r})")
    return low, high
