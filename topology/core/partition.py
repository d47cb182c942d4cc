"""One account in one region: the indexes a world keeps for its resources, and what changed.

A `Partition` holds ids by kind (creation order), ids by tag, value indexes (`World.claim`),
field indexes (`World.having`),
ClientToken answers, account attributes and allocation hints. `Changes` collects the keys the
world's mutation primitives touched since the last save to a durable store.
"""
from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

_NO_IDS: Mapping[str, None] = MappingProxyType({})
TOKENS_KEPT = 2000


class Changes:
    """What changed since the last save to a durable store (`World.persister`): the keys
    the mutation primitives touched. A saver writes each key's *current* state (or deletes
    its row if it is gone), so a key touched twice, or touched and undone, costs one row."""

    __slots__ = ("nodes", "edges", "claims", "items", "parts")

    def __init__(self) -> None:
        self.nodes: set[str] = set()
        self.edges: set[tuple[str, str, tuple[str, Any]]] = set()
        self.claims: set[tuple[tuple[str, str], str, Any, str]] = set()
        # partition entries the graph can't rebuild: ((account, region), "attr"|"token"|"hint", key)
        self.items: set[tuple[tuple[str, str], str, Any]] = set()
        self.parts: set[tuple[str, str]] = set()

    def __bool__(self) -> bool:
        return bool(self.nodes or self.edges or self.claims or self.items or self.parts)

    def clear(self) -> None:
        for keys in (self.nodes, self.edges, self.claims, self.items, self.parts):
            keys.clear()


class _Noted(dict):  # type: ignore[type-arg]
    """A partition dict that notes which keys changed, so a durable store sees writes that
    bypass the primitives (allocation hints are set directly; a cached setting may be)."""

    def __init__(self, part: Partition, what: str) -> None:
        super().__init__()
        self._part, self._what = part, what

    def __setitem__(self, key: Any, value: Any) -> None:
        super().__setitem__(key, value)
        self._part.changed(self._what, key)

    def __delitem__(self, key: Any) -> None:
        super().__delitem__(key)
        self._part.changed(self._what, key)

    def pop(self, key: Any, *default: Any) -> Any:
        self._part.changed(self._what, key)
        return super().pop(key, *default)

    def setdefault(self, key: Any, default: Any = None) -> Any:
        if key not in self:
            self[key] = default
        return self[key]

    def update(self, *args: Any, **kwargs: Any) -> None:
        for key, value in dict(*args, **kwargs).items():
            self[key] = value


class Partition:
    """One account in one region: the indexes for its resources."""

    def __init__(self, account: str, region: str, changes: Changes | None = None) -> None:
        self.account = account
        self.region = region
        self.by_kind: dict[str, dict[str, None]] = {}
        self.by_tag: dict[str, dict[str, set[str]]] = {}
        self.client_tokens: dict[tuple[str, str], tuple[Any, Any]] = {}
        self.attributes: dict[str, Any] = _Noted(self, "attr")
        # value indexes (`World.claim`): name -> value -> ids, e.g. "private-ip" -> "10.0.0.5"
        self.by_value: dict[str, dict[Any, set[str]]] = {}
        self.claims_of: dict[str, set[tuple[str, Any]]] = {}   # id -> its (name, value)s
        # field indexes (`World.having`): kind -> field -> value as text -> ids; each built
        # on its first use by a filter and kept by the mutation primitives after that
        self.by_field: dict[str, dict[str, dict[str, set[str]]]] = {}
        # where address allocators last stopped (a hint only: never journaled)
        self.hints: dict[Any, int] = _Noted(self, "hint")
        self.changes = changes if changes is not None else Changes()

    def changed(self, what: str, key: Any) -> None:
        """Note that entry `key` of `what` ("attr", "token", "hint") changed."""
        self.changes.items.add(((self.account, self.region), what, key))

    def ids(self, kind: str) -> Mapping[str, None]:
        """The live ids of `kind`, in creation order (read-only: reads never add entries)."""
        return self.by_kind.get(kind, _NO_IDS)

    def index_of(self, kind: str) -> dict[str, None]:
        """The writable kind index (World's mutation primitives only)."""
        return self.by_kind.setdefault(kind, {})

    def remember(self, key: tuple[str, str], request: Any, answer: Any) -> None:
        """Keep a ClientToken's request and answer; the oldest go past `TOKENS_KEPT` (AWS
        honours a token for a while, not forever, and boto3 sends one with every
        RunInstances, so an unbounded cache would grow with every launch)."""
        self.client_tokens[key] = (request, answer)
        self.changed("token", key)
        if len(self.client_tokens) > TOKENS_KEPT:
            oldest = next(iter(self.client_tokens))
            del self.client_tokens[oldest]
            self.changed("token", oldest)
