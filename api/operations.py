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
# handlers that are not EC2's, until `name_others` reads the other services' models: an
# EC2 call never waits for them (SSM's model alone is a megabyte of JSON)
_others: list[Handler] = []


def handler(fn: Handler) -> Handler:
    """Register `fn` for the operation whose boto3 name is `fn.__name__` (of EC2, STS, the
    Recycle Bin or SSM; an EC2 operation wins a name they share). Another service's handler
    is registered when `name_others` runs."""
    action = protocol.snake_names("ec2").get(fn.__name__)
    if action is None:
        _others.append(fn)
    else:
        _register(fn, "ec2", action)
    return fn


def name_others() -> None:
    """Register the handlers of the services besides EC2 (`LookupError` for a handler that
    names no operation of any)."""
    while _others:
        fn = _others.pop(0)
        for service in SERVICES[1:]:
            action = protocol.snake_names(service).get(fn.__name__)
            if action is not None:
                _register(fn, service, action)
                break
        else:
            raise LookupError(f"{fn.__name__} is not an operation of {', '.join(SERVICES)}")


def _register(fn: Handler, service: str, action: str) -> None:
    fn.service = service  # type: ignore[attr-defined]
    HANDLERS[action] = fn


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
