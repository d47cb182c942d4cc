"""What the per-shape functions compiled from botocore's model share: `xml_writer` writes
each output structure with one, `protocol.parsed` reads each with another.

A shape's function is Python source made once, on first use, and compiled (`function`).
A nested shape's function is called by a name bound on its first call (`bound_later`): shapes
may hold themselves, and most members are never set. A value carrying a member its shape
lacks is our bug, said the same way by every wire format (`unknown_member`).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NoReturn

from botocore.model import Shape


def function(name: str, lines: list[str], names: dict[str, Any], label: str) -> Any:
    """The function `name` that `lines` define, compiled with `names` as its globals;
    `label` names its source in tracebacks (`<writer of Vpc>`)."""
    exec(compile("\n".join(lines), f"<{label}>", "exec"), names)
    return names[name]


def bound_later(names: dict[str, Any], key: str, make: Callable[[], Callable[..., Any]]
                ) -> Callable[..., Any]:
    """A stand-in for `names[key]`: its first call makes the function, puts it in its
    place, and calls it."""
    def first(*args: Any) -> Any:
        names[key] = made = make()
        return made(*args)
    return first


def unknown_member(shape: Shape, value: Mapping[str, Any]) -> NoReturn:
    """Raise the TypeError (a 500: our bug) for a value holding a member `shape` lacks."""
    extra = sorted(set(value) - set(shape.members))
    raise TypeError(f"{shape.name} has no member {extra[0]!r}")
