"""In-process mode: boto3 EC2 (and STS GetCallerIdentity, SSM's public image parameters) calls
answered without a socket.

A `before-call` hook answers each call the way botocore's `Stubber` does: botocore has
validated and serialized the parameters; the hook runs those form fields through the same
dispatcher as the server (`dispatch.answer`) and returns the dict botocore's parser would
have read from the server's XML (`protocol.parsed`), errors as `ClientError` with the same
code, message, status and `ResponseMetadata`. The caller's account comes from the client's
access key id and its region from the client's signing region, as the server reads them
from the SigV4 header. Skipping the XML both ways (and dateutil parsing each timestamp)
makes an in-process call several times cheaper than a round trip through the parser.

`mock_ec2(wire=True)` sends calls through the whole wire instead: a `before-send` hook gets
the signed HTTP request and returns the XML the server would (for code that hooks botocore's
HTTP-level events). `mock_ec2(verify=True)`, or `EC2SIM_MOCK_VERIFY=1` in the environment,
also writes every answer as XML, parses it with botocore and fails the call if the two
differ (the test suite runs this way).

`mock_ec2` is a decorator and a context manager; mocks nest (the innermost serves) and each
gets a fresh simulator. It decorates functions (`@mock_ec2` or `@mock_ec2(seed=1)`), test
classes (each `test*` method) and `unittest.TestCase`s (one mock from `setUp` to the test's
cleanups).

Clients are hooked through botocore's built-in handler list, so clients created *while a mock
is active* (or from a session created while one is) are intercepted; the hook stays inert
and is removed when the last mock exits.

Calls to STS and SSM that ec2sim does not serve (AssumeRole, PutParameter, a parameter
outside AWS's public image trees) are not answered here: botocore goes on to whatever else
answers them, moto's `mock_aws` when `mock_ec2` runs inside or around it, else the real
endpoint. EC2 calls are always ec2sim's, whichever way the two mocks nest. While a moto mock
is active, ec2sim asks moto's IAM and S3 about the instance profiles and flow log buckets EC2
calls name (`api.beside`), as AWS's EC2 asks its IAM and S3.

`mock_ec2(state="topology.json")` starts each fresh simulator from a saved snapshot
(`ec2sim snapshot save`, `ec2sim import`, `topology.state.save`; see docs/snapshots.md);
`state` may also be the snapshot dict itself.
"""
from __future__ import annotations

import datetime as dt
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

from topology.core.outside import Outside
from topology.core.world import World

from . import dispatch, protocol
from .beside import Beside

F = TypeVar("F", bound=Callable[..., Any])
_SERVICES = ("ec2", "sts", "ssm")
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


def _current() -> "mock_ec2 | None":
    with _lock:
        return _active[-1] if _active else None


def _before_call(model: Any, params: dict[str, Any], request_signer: Any,
                 **_: Any) -> tuple[AWSResponse, dict[str, Any]] | None:
    """Answer a call from its serialized parameters, as botocore would have parsed it."""
    current = _current()
    if current is None or current.wire:
        return None
    if model.metadata["protocol"] == "json":
        return _json_call(current, model, params, request_signer)
    body = params.get("body")
    form = {key: value if isinstance(value, str) else str(value)   # as urlencode writes them
            for key, value in (body.items() if isinstance(body, dict) else ())}
    outcome = dispatch.answer(current.world, form, _account(request_signer),
                              request_signer.region_name, model.service_model.service_name,
                              others=True)
    if outcome.passed:
        return None
    if outcome.status == 200:
        try:
            parsed = protocol.parsed(outcome.op, outcome.result)
        except Exception:  # a result the model cannot carry: our bug, as on the wire
            outcome.internal_error()
    if outcome.status != 200:
        parsed = {"Error": protocol.parsed_error(outcome.code, outcome.message)}
    headers = dispatch.headers_of(outcome)
    parsed["ResponseMetadata"] = {
        "RequestId": outcome.request_id, "HTTPStatusCode": outcome.status,
        "HTTPHeaders": {key.lower(): value for key, value in headers.items()},
        "RetryAttempts": 0}
    if current.verify:
        _verify(model, outcome, parsed)
    return AWSResponse(params.get("url", ""), outcome.status, headers, _Body(b"")), parsed


def _json_call(current: "mock_ec2", model: Any, params: dict[str, Any],
               request_signer: Any) -> tuple[AWSResponse, dict[str, Any]] | None:
    """A JSON-protocol call (SSM): answered through its wire body, which botocore's own
    parser reads (these calls are few and small), or passed on if ec2sim does not serve it."""
    from botocore.parsers import create_parser

    target = (params.get("headers") or {}).get("X-Amz-Target", "")
    body = params.get("body") or b""
    outcome = dispatch.answer_json(current.world, target,
                                   body.encode() if isinstance(body, str) else body,
                                   _account(request_signer), request_signer.region_name,
                                   model.service_model.service_name, others=True)
    if outcome.passed:
        return None
    reply = dispatch.json_reply(outcome)
    headers = {key.lower(): value for key, value in reply.headers.items()}   # as urllib3 has them
    parsed = create_parser("json").parse(
        {"status_code": reply.status, "headers": headers, "body": reply.body},
        model.output_shape)
    parsed["ResponseMetadata"].update(HTTPHeaders=headers, RetryAttempts=0)
    return AWSResponse(params.get("url", ""), reply.status, reply.headers, _Body(reply.body)), parsed


def _account(request_signer: Any) -> str:
    """The account of the client's credentials (the default account without any)."""
    credentials = getattr(request_signer, "_credentials", None)
    if credentials is None:
        return dispatch.DEFAULT_ACCOUNT
    return dispatch.account_of(credentials.get_frozen_credentials().access_key)


def _verify(model: Any, outcome: dispatch.Outcome, parsed: dict[str, Any]) -> None:
    """Fail unless botocore parses the wire answer of `outcome` into exactly `parsed`."""
    from botocore.parsers import create_parser

    if outcome.status == 200:
        body = protocol.serialize(outcome.op, outcome.result, outcome.request_id)
    else:
        body = protocol.serialize_error(outcome.code, outcome.message, outcome.request_id)
    headers = dispatch.headers_of(outcome)
    wire = create_parser(model.metadata["protocol"]).parse(
        {"status_code": outcome.status, "headers": headers, "body": body},
        model.output_shape)
    wire["ResponseMetadata"]["HTTPHeaders"] = {k.lower(): v for k, v in headers.items()}
    wire["ResponseMetadata"]["RetryAttempts"] = 0
    if not _same(wire, parsed):
        raise AssertionError(f"ec2sim: {model.name} answers differently in-process and on "
                             f"the wire:\n in-process: {parsed!r}\n wire: {wire!r}")


def _same(a: Any, b: Any) -> bool:
    """Equal values of equal types, dict keys in the same order (tz-aware times by instant
    and by their tzinfo's type)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(map(_same, a, b))
    if isinstance(a, dt.datetime):
        return a == b and type(a.tzinfo) is type(b.tzinfo)
    return a == b


def _before_send(request: Any, **_: Any) -> AWSResponse | None:
    """`wire=True`: answer the signed HTTP request with the server's XML."""
    # botocore runs every before-send handler; a client may hold this hook twice (from the
    # built-in list and from the default session), so answer each request once.
    done = getattr(request, "_ec2sim_response", None)
    if done is not None:
        return done
    current = _current()
    if current is None or not current.wire:
        return None
    url = request.url
    form = dict(parse_qsl(urlsplit(url).query, keep_blank_values=True)) if "?" in url else {}
    body = request.body
    if hasattr(body, "read"):
        body = body.read()
    if isinstance(body, bytes):
        body = body.decode("utf-8")
    target = request.headers.get("X-Amz-Target")
    if isinstance(target, bytes):   # botocore keeps some header values as bytes
        target = target.decode("latin-1")
    if target:   # the JSON protocol (SSM)
        outcome = dispatch.answer_json(current.world, target, (body or "").encode(),
                                       *dispatch.caller(request.headers), others=True)
        if outcome.passed:
            return None
        reply = dispatch.json_reply(outcome)
    else:
        if body:
            form.update(parse_qsl(body, keep_blank_values=True))
        outcome = dispatch.answer(current.world, form, *dispatch.caller(request.headers),
                                  others=True)
        if outcome.passed:
            return None
        reply = dispatch.reply(outcome)
    response = AWSResponse(url, reply.status, reply.headers, _Body(reply.body))
    request._ec2sim_response = response
    return response


_HOOKS = tuple((f"{event}.{service}", hook) for service in _SERVICES
               for event, hook in (("before-call", _before_call), ("before-send", _before_send)))


class mock_ec2:
    """Send boto3's EC2 calls to a fresh in-process simulator while active.

    >>> import boto3
    >>> with mock_ec2():
    ...     ec2 = boto3.client("ec2", region_name="us-east-1")
    ...     len(ec2.describe_vpcs()["Vpcs"])
    1
    """

    def __init__(self, world: World | None = None, *, seed: int | None = None,
                 state: str | os.PathLike[str] | dict[str, Any] | None = None,
                 wire: bool = False, verify: bool | None = None) -> None:
        if world is not None and state is not None:
            raise ValueError("mock_ec2 takes a world or a state snapshot, not both")
        self._given = world
        self.seed = seed
        self.state = state
        self.world = world if world is not None else World(seed)
        self.wire = wire
        self.verify = (os.environ.get("EC2SIM_MOCK_VERIFY", "") not in ("", "0")
                       if verify is None else verify)
        self._saved_env: dict[str, str | None] = {}

    # -- context manager -------------------------------------------------------------------
    def start(self) -> "mock_ec2":
        if self._given is None:
            self.world = World(self.seed)
            if self.state is not None:
                _load_state(self.world, self.state)
        if type(self.world.outside) is Outside:    # ask moto's IAM and S3 while it runs
            self.world.outside = Beside()
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
            with mock_ec2(self._given, seed=self.seed, state=self.state, wire=self.wire,
                          verify=self.verify):
                return target(*args, **kwargs)
        return wrapper  # type: ignore[return-value]

    def _decorate_class(self, cls: type) -> type:
        """A `unittest.TestCase` gets one mock from setUp to its cleanups (so setUp's state
        is the test's); any other class gets each `test*` method wrapped."""
        if issubclass(cls, unittest.TestCase):
            setup = cls.setUp
            given, seed, saved, wire, verify = (self._given, self.seed, self.state, self.wire,
                                                self.verify)

            @functools.wraps(setup)
            def set_up(case: unittest.TestCase) -> None:
                active = mock_ec2(given, seed=seed, state=saved, wire=wire,
                                  verify=verify).start()
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
    from topology.provision import state

    data = saved if isinstance(saved, dict) else state.read_data(saved)
    state.load_into(world, data)


def _install() -> None:
    botocore.handlers.BUILTIN_HANDLERS.extend(_HOOKS)
    session = _default_botocore_session()
    if session is not None:
        for event, hook in _HOOKS:
            session.register(event, hook, unique_id=f"ec2sim-{event}")


def _uninstall() -> None:
    for pair in _HOOKS:
        try:
            botocore.handlers.BUILTIN_HANDLERS.remove(pair)
        except ValueError:
            pass
    session = _default_botocore_session()
    if session is not None:
        for event, _ in _HOOKS:
            session.unregister(event, unique_id=f"ec2sim-{event}")


def _default_botocore_session() -> Any:
    import boto3

    default = boto3.DEFAULT_SESSION
    return default._session if default is not None else None
