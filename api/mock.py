"""In-process mode: boto3 EC2 (and STS GetCallerIdentity, SSM's public image parameters, the
Recycle Bin's `rbin` rules) calls answered without a socket.

A `before-call` hook answers each call the way botocore's `Stubber` does: botocore has
validated and serialized the parameters; the hook runs those form fields through the same
dispatcher as the server (`dispatch.answer`) and returns the dict botocore's parser would
have read from the server's XML (`protocol.parsed`), errors as `ClientError` with the same
code, message, status and `ResponseMetadata`. The caller's account comes from the client's
access key id and its region from the client's signing region, as the server reads them
from the SigV4 header. Skipping the XML both ways (and dateutil parsing each timestamp)
makes an in-process call several times cheaper than a round trip through the parser.

Before answering, the hook checks the serialized form against the operation model botocore
passed it: a body whose `Action` or `Version` is not the model's is a bug somewhere between
botocore and here, raised as `MockError` rather than answered as another operation.

`mock_ec2(wire=True)` sends calls through the whole wire instead: a `before-send` hook gets
the signed HTTP request and returns the XML the server would (for code that hooks botocore's
HTTP-level events; docs/mock.md lists which events fire on which route).

Verification writes an in-process answer as XML, parses it with botocore and raises
`MockError` if the two differ. By default the first answer of each operation in the process
(its first success and its first error) is verified, which costs one XML round trip per
operation; `verify=True` or `EC2SIM_MOCK_VERIFY=1` verifies every answer (the test suite runs
this way), `verify=False` or `EC2SIM_MOCK_VERIFY=0` none.

`mock_ec2` is a decorator and a context manager; mocks nest (the innermost serves) and each
gets a fresh simulator. It decorates functions (`@mock_ec2` or `@mock_ec2(seed=1)`), test
classes (each `test*` method) and `unittest.TestCase`s (one mock from `setUp` to the test's
cleanups).

Only a client *made while a mock is active* is served, and only until the outermost mock
active at that moment exits; then it is left to botocore for good (it goes to its endpoint),
even inside a later mock. While a mock is active, a `creating-client-class` hook (in botocore's
built-in handler list, so in every session made meanwhile, and on boto3's default session)
gives each new EC2, STS or SSM client its own `before-call`/`before-send` hooks, bound to that
outermost mock's lifetime. A client made before the mock, or after it from a session made
inside it, never carries a live hook.

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
from typing import Any, Literal, TypeVar
from urllib.parse import parse_qsl, unquote, urlsplit

import boto3
import botocore.handlers
from botocore.awsrequest import AWSResponse
from botocore.parsers import create_parser

import api.dispatch as dispatch
import api.protocol as protocol
import api.xml_writer as xml_writer
from topology.core.outside import Outside
from topology.core.world import World
from topology.provision import state

from .beside import Beside

F = TypeVar("F", bound=Callable[..., Any])
_SERVICES = ("ec2", "sts", "ssm", "rbin")
_FAKE_ENV = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
             "AWS_DEFAULT_REGION": "us-east-1"}
_lock = threading.Lock()
_active: list["mock_ec2"] = []
_checked: set[tuple[str, str, bool]] = set()   # (service, operation, ok) verified once


class MockError(AssertionError):
    """ec2sim's in-process route caught itself out: a call whose serialized body names another
    operation than its model, or an answer that differs from the wire answer."""


class _Scope:
    """The life of the outermost mock: clients made during it are served until it ends."""

    __slots__ = ("live",)

    def __init__(self) -> None:
        self.live = True


_scope: _Scope | None = None


class _Served:
    """Mixed into the class of a client made while a mock is active: the client gets its own
    hooks, bound to that mock's scope, so they die with it."""

    _ec2sim_scope: _Scope
    meta: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        protocol.share(self.meta.service_model)    # parsed once per process, not twice
        service = self.meta.service_model.service_id.hyphenize()
        for event, hook in (("before-call", _before_call), ("before-send", _before_send)):
            self.meta.events.register(f"{event}.{service}",
                                      functools.partial(hook, scope=self._ec2sim_scope),
                                      unique_id=f"ec2sim-{event}")


def _on_client_class(class_attributes: dict[str, Any], base_classes: list[type],
                     **_: Any) -> None:
    """`creating-client-class`: a client made while a mock is active is served by it."""
    scope = _scope
    if scope is None or _Served in base_classes:   # a session may hold this hook twice
        return
    base_classes.insert(0, _Served)
    class_attributes["_ec2sim_scope"] = scope


class _Body(io.BytesIO):
    """The raw body botocore reads an `AWSResponse` from."""

    def stream(self, **_: Any) -> Iterator[bytes]:
        chunk = self.read()
        while chunk:
            yield chunk
            chunk = self.read()


def _current(scope: _Scope) -> "mock_ec2 | None":
    """The mock that serves a client of `scope`: the innermost, while the scope lives."""
    with _lock:
        return _active[-1] if scope.live and _active else None


def _before_call(model: Any, params: dict[str, Any], request_signer: Any, *, scope: _Scope,
                 **_: Any) -> tuple[AWSResponse, dict[str, Any]] | None:
    """Answer a call from its serialized parameters, as botocore would have parsed it."""
    current = _current(scope)
    if current is None or current.wire:
        return None
    if model.metadata["protocol"] == "json":
        return _json_call(current, model, params, request_signer)
    if model.metadata["protocol"] == "rest-json":
        return _rest_call(current, model, params, request_signer)
    form = _form(model, params)
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
    _check(current.verify, model, outcome, parsed)
    return AWSResponse(params.get("url", ""), outcome.status, headers, _Body(b"")), parsed


def _form(model: Any, params: dict[str, Any]) -> dict[str, str]:
    """The call's form fields as the server would read them, after checking that they are the
    operation the model names (botocore answers a call by its model, so must we)."""
    body = params.get("body")
    if isinstance(body, bytes):
        body = body.decode("utf-8")
    if isinstance(body, str):
        fields: Any = parse_qsl(body, keep_blank_values=True)
    elif isinstance(body, dict):
        fields = body.items()
    else:
        raise MockError(f"ec2sim: the body of a {model.name} call is a {type(body).__name__}, "
                        "not the form botocore's query serializer writes")
    query = params.get("query_string")
    form = {key: _text(value) for key, value in (query.items() if isinstance(query, dict)
                                                 else ())}
    form.update({key: value if type(value) is str else _text(value) for key, value in fields})
    said = (form.get("Action"), form.get("Version"))
    model_says = (model.name, model.service_model.api_version)
    if said != model_says:
        raise MockError(f"ec2sim: a {model.name} call (API version {model_says[1]}) carries "
                        f"Action={said[0]!r} Version={said[1]!r} in its body; something "
                        "rewrote the serialized request, and ec2sim will not answer another "
                        "operation than the one called")
    return form


def _text(value: Any) -> str:
    """A form value as urlencode writes it."""
    if isinstance(value, bytes):
        return value.decode("utf-8")
    return value if isinstance(value, str) else str(value)


def _check(mode: bool | Literal["first"], model: Any, outcome: dispatch.Outcome,
           parsed: dict[str, Any]) -> None:
    """Verify the answer against the wire if `mode` asks: every answer (True), or the first
    success and first error of each operation in this process ("first")."""
    if mode is False:
        return
    key = (model.service_model.service_name, model.name, outcome.status == 200)
    if mode == "first":
        if key in _checked:     # the usual case, read without the lock (a set read is atomic)
            return
        with _lock:
            if key in _checked:
                return
            _checked.add(key)
    try:
        _verify(model, outcome, parsed)
    except MockError:
        with _lock:   # verify it again next time: a wrong answer keeps failing
            _checked.discard(key)
        raise


def _json_call(current: "mock_ec2", model: Any, params: dict[str, Any],
               request_signer: Any) -> tuple[AWSResponse, dict[str, Any]] | None:
    """A JSON-protocol call (SSM): answered through its wire body, which botocore's own
    parser reads (these calls are few and small), or passed on if ec2sim does not serve it."""
    target = (params.get("headers") or {}).get("X-Amz-Target", "")
    if target.rpartition(".")[2] != model.name:
        raise MockError(f"ec2sim: a {model.name} call carries X-Amz-Target {target!r}; "
                        "something rewrote the serialized request")
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


def _rest_call(current: "mock_ec2", model: Any, params: dict[str, Any],
               request_signer: Any) -> tuple[AWSResponse, dict[str, Any]]:
    """A REST-JSON call (the Recycle Bin's rules): answered through its wire body, which
    botocore's own parser reads."""
    query = [(key, _text(v)) for key, value in (params.get("query_string") or {}).items()
             for v in (value if isinstance(value, list) else [value])]
    body = params.get("body") or b""
    outcome = dispatch.answer_rest(
        current.world, params.get("method", "GET"), unquote(params.get("url_path", "/")), query,
        body.encode() if isinstance(body, str) else body, _account(request_signer),
        request_signer.region_name, model.service_model.service_name)
    reply = dispatch.rest_reply(outcome)
    headers = {key.lower(): value for key, value in reply.headers.items()}
    parsed = create_parser("rest-json").parse(
        {"status_code": reply.status, "headers": headers, "body": reply.body},
        model.output_shape)
    parsed["ResponseMetadata"].update(HTTPHeaders=headers, RetryAttempts=0)
    return AWSResponse(params.get("url", ""), reply.status, reply.headers, _Body(reply.body)), parsed


def _account(request_signer: Any) -> str:
    """The account of the client's credentials (the default account without any)."""
    credentials = getattr(request_signer, "_credentials", None)
    if credentials is None:
        return dispatch.DEFAULT_ACCOUNT
    # the key id alone (a refreshing credential refreshes on reading it); not the frozen
    # triple, which costs a tuple per call
    return dispatch.account_of(credentials.access_key)


def _verify(model: Any, outcome: dispatch.Outcome, parsed: dict[str, Any]) -> None:
    """Fail unless botocore parses the wire answer of `outcome` into exactly `parsed`."""
    if outcome.status == 200:
        body = xml_writer.serialize(outcome.op, outcome.result, outcome.request_id)
    else:
        body = xml_writer.serialize_error(outcome.code, outcome.message, outcome.request_id)
    headers = dispatch.headers_of(outcome)
    wire = create_parser(model.metadata["protocol"]).parse(
        {"status_code": outcome.status, "headers": headers, "body": body},
        model.output_shape)
    wire["ResponseMetadata"]["HTTPHeaders"] = {k.lower(): v for k, v in headers.items()}
    wire["ResponseMetadata"]["RetryAttempts"] = 0
    if not _same(wire, parsed):
        raise MockError(f"ec2sim: {model.name} answers differently in-process and on "
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


def _before_send(request: Any, *, scope: _Scope, **_: Any) -> AWSResponse | None:
    """`wire=True`: answer the signed HTTP request with the server's XML."""
    current = _current(scope)
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
    account, region, service = dispatch.caller(request.headers)
    if service in dispatch.REST_SERVICES:   # the Recycle Bin's rules (REST-JSON)
        parts = urlsplit(url)
        reply = dispatch.rest_reply(dispatch.answer_rest(
            current.world, request.method, unquote(parts.path),
            parse_qsl(parts.query, keep_blank_values=True), (body or "").encode(),
            account, region, service))
        return AWSResponse(url, reply.status, reply.headers, _Body(reply.body))
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
    return AWSResponse(url, reply.status, reply.headers, _Body(reply.body))


_HOOKS = tuple((f"creating-client-class.{service}", _on_client_class) for service in _SERVICES)


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
                 wire: bool = False, verify: bool | Literal["first"] | None = None) -> None:
        if world is not None and state is not None:
            raise ValueError("mock_ec2 takes a world or a state snapshot, not both")
        self._given = world
        self.seed = seed
        self.state = state
        self.world = world if world is not None else World(seed)
        self.wire = wire
        self.verify: bool | Literal["first"] = _verify_mode() if verify is None else verify
        self._saved_env: dict[str, str | None] = {}

    # -- context manager -------------------------------------------------------------------
    def start(self) -> "mock_ec2":
        if self._given is None:
            self.world = World(self.seed)
            if self.state is not None:
                _load_state(self.world, self.state)
        if type(self.world.outside) is Outside:    # ask moto's IAM and S3 while it runs
            self.world.outside = Beside()
        global _scope
        with _lock:
            if not _active:
                _scope = _Scope()
                _install()
            _active.append(self)
        self._saved_env = {k: os.environ.get(k) for k in _FAKE_ENV}
        for key, value in _FAKE_ENV.items():
            os.environ.setdefault(key, value)
        return self

    def stop(self) -> None:
        global _scope
        for key, value in self._saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        with _lock:
            if self in _active:
                _active.remove(self)
            if not _active:
                if _scope is not None:   # its clients are never served again
                    _scope.live = False
                    _scope = None
                _uninstall()

    def reset(self) -> None:
        """Forget all state, like `POST /moto-api/reset`."""
        self.world.reset()

    def organization(self, org_id: str, accounts: list[str], management: str
                     ) -> dict[str, Any]:
        """Make `accounts` members of AWS Organization `org_id` (`POST /_ec2sim/organizations`)."""
        from .shares import organize   # beside its Flask routes: imported when first used

        return organize(self.world, {"Id": org_id, "Accounts": accounts,
                                     "ManagementAccountId": management})

    def share(self, resource_id: str, principals: list[str]) -> dict[str, Any]:
        """Share a resource with accounts or organizations, as AWS RAM would
        (`POST /_ec2sim/shares`)."""
        from .shares import grant

        return grant(self.world, {"ResourceId": resource_id, "Principals": principals})

    def outpost(self, spec: dict[str, Any]) -> dict[str, Any]:
        """Install an Outpost with its local gateway (`POST /_ec2sim/outposts`,
        docs/outposts.md); the ids made."""
        from .outposts import install   # beside its Flask routes: imported when first used

        return install(self.world, spec)

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


def _verify_mode() -> bool | Literal["first"]:
    """`EC2SIM_MOCK_VERIFY`: unset -> "first" (each operation's first answers), 0 -> off,
    any other value -> every answer."""
    value = os.environ.get("EC2SIM_MOCK_VERIFY", "")
    if value in ("", "first"):
        return "first"
    return value != "0"


def _load_state(world: World, saved: str | os.PathLike[str] | dict[str, Any]) -> None:
    """Fill a fresh world from a snapshot file or dict (`StateError` if it is not one)."""
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
    default = boto3.DEFAULT_SESSION
    return default._session if default is not None else None
