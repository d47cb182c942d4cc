"""In-process mode: boto3 EC2 (and STS GetCallerIdentity) calls answered without a socket.

Works like botocore's `Stubber`: a `before-send` hook returns an `AWSResponse` built by the
same dispatcher the server uses, so the request is signed, serialized and parsed by botocore
exactly as against a real endpoint. `mock_ec2` is a decorator and a context manager;
mocks nest (the innermost serves) and each gets a fresh simulator. It decorates functions
(`@mock_ec2` or `@mock_ec2(seed=1)`), test classes (each `test*` method) and
`unittest.TestCase`s (one mock from `setUp` to the test's cleanups).

Clients are hooked through botocore's built-in handler list, so clients created *while a mock
is active* (or from a session created while one is) are intercepted; the hook stays inert
and is removed when the last mock exits.

`mock_ec2(state="topology.json")` starts each fresh simulator from a saved snapshot
(`ec2sim snapshot save`, `ec2sim import`, `topology.state.save`; see docs/snapshots.md);
`state` may also be the snapshot dict itself.
"""
from __future__ import annotations

import functools
import inspect
import io
import os
import threading
import unittest
from collections.abc import Callable, Iterator
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlsplit

import botocore.handlers
from botocore.awsrequest import AWSResponse

from topology.world import World

from . import dispatch

F = TypeVar("F", bound=Callable[..., Any])
_EVENTS = ("before-send.ec2", "before-send.sts")
_FAKE_ENV = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
             "AWS_DEFAULT_REGION": "us-east-1"}
_lock = threading.Lock()
_active: list["mock_ec2"] = []


class _Body(io.BytesIO):
    """The raw body botocore reads an `AWSResponse` from."""

    def stream(self, **_: Any) -> Iterator[bytes]:
        chunk = self.read()
        while chunk:
            yield chunk
            chunk = self.read()


def _before_send(request: Any, **_: Any) -> AWSResponse | None:
    # botocore runs every before-send handler; a client may hold this hook twice (from the
    # built-in list and from the default session), so answer each request once.
    done = getattr(request, "_ec2sim_response", None)
    if done is not None:
        return done
    with _lock:
        current = _active[-1] if _active else None
    if current is None:
        return None
    url = request.url
    form = dict(parse_qsl(urlsplit(url).query, keep_blank_values=True)) if "?" in url else {}
    body = request.body
    if hasattr(body, "read"):
        body = body.read()
    if isinstance(body, bytes):
        body = body.decode("utf-8")
    if body:
        form.update(parse_qsl(body, keep_blank_values=True))
    reply = dispatch.handle(current.world, form, request.headers)
    response = AWSResponse(url, reply.status, reply.headers, _Body(reply.body))
    request._ec2sim_response = response
    return response


class mock_ec2:
    """Send boto3's EC2 calls to a fresh in-process simulator while active.

    >>> import boto3
    >>> with mock_ec2():
    ...     ec2 = boto3.client("ec2", region_name="us-east-1")
    ...     len(ec2.describe_vpcs()["Vpcs"])
    1
    """

    def __init__(self, world: World | None = None, *, seed: int | None = None,
                 state: str | os.PathLike[str] | dict[str, Any] | None = None) -> None:
        if world is not None and state is not None:
            raise ValueError("mock_ec2 takes a world or a state snapshot, not both")
        self._given = world
        self.seed = seed
        self.state = state
        self.world = world if world is not None else World(seed)
        self._saved_env: dict[str, str | None] = {}

    # -- context manager -------------------------------------------------------------------
    def start(self) -> "mock_ec2":
        if self._given is None:
            self.world = World(self.seed)
            if self.state is not None:
                _load_state(self.world, self.state)
        with _lock:
            if not _active:
                _install()
            _active.append(self)
        self._saved_env = {k: os.environ.get(k) for k in _FAKE_ENV}
        for key, value in _FAKE_ENV.items():
            os.environ.setdefault(key, value)
        return self

    def stop(self) -> None:
        for key, value in self._saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        with _lock:
            if self in _active:
                _active.remove(self)
            if not _active:
                _uninstall()

    def reset(self) -> None:
        """Forget all state, like `POST /moto-api/reset`."""
        self.world.reset()

    def __enter__(self) -> "mock_ec2":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # -- decorator -------------------------------------------------------------------------
    def __new__(cls, world: Any = None, **kwargs: Any) -> Any:
        # bare `@mock_ec2` on a function or class: decorate it with a default mock
        if world is not None and not isinstance(world, World) and callable(world):
            return cls()(world)
        return super().__new__(cls)

    def __call__(self, target: F) -> F:
        if inspect.isclass(target):
            return self._decorate_class(target)  # type: ignore[return-value]

        @functools.wraps(target)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with mock_ec2(self._given, seed=self.seed, state=self.state):
                return target(*args, **kwargs)
        return wrapper  # type: ignore[return-value]

    def _decorate_class(self, cls: type) -> type:
        """A `unittest.TestCase` gets one mock from setUp to its cleanups (so setUp's state
        is the test's); any other class gets each `test*` method wrapped."""
        if issubclass(cls, unittest.TestCase):
            setup = cls.setUp
            given, seed, saved = self._given, self.seed, self.state

            @functools.wraps(setup)
            def set_up(case: unittest.TestCase) -> None:
                active = mock_ec2(given, seed=seed, state=saved).start()
                case.addCleanup(active.stop)
                setup(case)
            cls.setUp = set_up  # type: ignore[method-assign]
            return cls
        for name, value in list(vars(cls).items()):
            if name.startswith("test") and inspect.isfunction(value):
                setattr(cls, name, self(value))
        return cls


def _load_state(world: World, saved: str | os.PathLike[str] | dict[str, Any]) -> None:
    """Fill a fresh world from a snapshot file or dict (`StateError` if it is not one)."""
    from topology import state

    data = saved if isinstance(saved, dict) else state.read_data(saved)
    state.load_into(world, data)


def _install() -> None:
    for event in _EVENTS:
        botocore.handlers.BUILTIN_HANDLERS.append((event, _before_send))
    session = _default_botocore_session()
    if session is not None:
        for event in _EVENTS:
            session.register(event, _before_send, unique_id=f"ec2sim-{event}")


def _uninstall() -> None:
    for event in _EVENTS:
        try:
            botocore.handlers.BUILTIN_HANDLERS.remove((event, _before_send))
        except ValueError:
            pass
    session = _default_botocore_session()
    if session is not None:
        for event in _EVENTS:
            session.unregister(event, unique_id=f"ec2sim-{event}")


def _default_botocore_session() -> Any:
    import boto3

    default = boto3.DEFAULT_SESSION
    return default._session if default is not None else None
