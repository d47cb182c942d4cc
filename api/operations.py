"""The operation registry: what a handler is, the handlers by wire action, the marks a
handler module puts on its functions (`handler`, `passes`, `remembered_as`) and the `Context`
a handler gets.

Handler modules (`api.handlers`) and the bindings made from family declarations
(`api.binding`) fill the registry when they load; `api.dispatch`, above them, loads them and
runs requests through it.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import api.protocol as protocol
from topology.core.world import Partition, World

Handler = Callable[["Context", dict[str, Any]], "dict[str, Any] | None"]
HANDLERS: dict[str, Handler] = {}          # wire Action -> handler, filled by `handler`
# whose operations handlers implement (rbin before ssm: both name a ListTagsForResource)
SERVICES = ("ec2", "sts", "rbin", "ssm")


def handler(fn: Handler) -> Handler:
    """Register `fn` for the operation whose boto3 name is `fn.__name__` (of EC2, STS or SSM:
    no two of them share an operation name)."""
    for service in SERVICES:
        action = protocol.snake_names(service).get(fn.__name__)
        if action is not None:
            fn.service = service  # type: ignore[attr-defined]
            HANDLERS[action] = fn
            return fn
    raise LookupError(f"{fn.__name__} is not an operation of {', '.join(SERVICES)}")


def passes(claims: Callable[[dict[str, Any]], bool]) -> Callable[[Handler], Handler]:
    """For a handler of another service than EC2 that answers only part of its operation
    (SSM's public parameters): in-process, a request `claims(params)` is false for goes to
    whatever else answers that service. A server answers every request it gets."""
    def mark(fn: Handler) -> Handler:
        fn.claims = claims  # type: ignore[attr-defined]
        return fn
    return mark


def remembered_as(keep: Callable[[dict[str, Any]], Any],
                  replay: Callable[["Context", Any], dict[str, Any]]) -> Callable[[Handler], Handler]:
    """For a handler whose answer is big: its ClientToken keeps only `keep(answer)` (small,
    plain data) and a retry answers `replay(ctx, kept)`, the resources as they are now. AWS
    says a retry's answer "might contain updated information, such as the current creation
    status"; and a RunInstances answer kept whole is hundreds of objects per instance that
    every full garbage collection would walk for as long as the token is kept."""
    def mark(fn: Handler) -> Handler:
        fn.remembered = (keep, replay)  # type: ignore[attr-defined]
        return fn
    return mark


@dataclass
class Context:
    """What a handler gets besides its parameters."""

    world: World
    part: Partition
    action: str
    request_id: str
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def account(self) -> str:
        return self.part.account

    @property
    def region(self) -> str:
        return self.part.region
