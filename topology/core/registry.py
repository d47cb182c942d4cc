"""Questions a lower layer asks about kinds that higher layers define.

Imports only point down (`core` < `catalogue` < `network` < `compute`, `connect` <
`analysis` < `provision`), so a route table cannot import `peering` to ask whether a peering
connection is active, and `world` cannot import `defaults` to build a fresh partition. The
lower module declares the question as a `Registry`; the higher family answers it when it is
imported (`@routes.TARGETS.register("vpc-peering-connection")`). Importing `topology` loads
every family, so the registries are full before any request runs.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

V = TypeVar("V")


class Registry(Generic[V]):
    """Answers to one question, by key (usually a resource kind).

    >>> hooks: Registry[int] = Registry("what each kind weighs")
    >>> hooks.add("vpc", 3)
    >>> hooks.get("vpc"), hooks.get("subnet")
    (3, None)
    """

    __slots__ = ("question", "_answers")

    def __init__(self, question: str) -> None:
        self.question = question
        self._answers: dict[str, V] = {}

    def add(self, key: str, answer: V) -> None:
        if key in self._answers and self._answers[key] is not answer:
            raise ValueError(f"{self.question}: {key!r} answered twice")
        self._answers[key] = answer

    def register(self, key: str) -> Callable[[V], V]:
        """Decorator form of `add`."""
        def mark(answer: V) -> V:
            self.add(key, answer)
            return answer
        return mark

    def get(self, key: str) -> V | None:
        return self._answers.get(key)

    def items(self) -> Iterator[tuple[str, V]]:
        return iter(list(self._answers.items()))

    def __contains__(self, key: object) -> bool:
        return key in self._answers

    def __len__(self) -> int:
        return len(self._answers)

    def __repr__(self) -> str:
        return f"Registry({self.question!r}: {sorted(self._answers)})"
