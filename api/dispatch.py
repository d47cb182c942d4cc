"""From a Query request to a reply: who is calling, which handler, and every error's wire form.

Both doors use this one function: the Flask app (`api.app`) and the in-process mock
(`api.mock`). It does the cross-cutting work once, so handlers never repeat it:

* caller: region from the SigV4 credential scope, account from a 12-digit access key id;
* parsing and serialization through the model (`api.protocol`);
* DryRun: the request runs with the world in dry-run mode, which raises `DryRunOperation`
  at the first mutation (or after a read-only handler), i.e. after validation;
* ClientToken idempotency for every operation whose model marks an idempotency token;
* errors: `TopologyError` -> its code and 4xx; an unimplemented operation -> 501 naming it;
  anything else is our bug -> 500 `InternalError`.

Besides EC2 (the `ec2` Query protocol) it serves STS `GetCallerIdentity` (the `query`
protocol) and a read-only slice of SSM (the JSON protocol, `api.json_protocol`): requests are
told apart by the SigV4 scope's service (and `X-Amz-Target` for JSON). In-process, where
something else may answer (moto's `mock_aws`, or AWS itself), a request to another service
that ec2sim does not serve is passed on (`Outcome.passed`) instead of refused.
"""
from __future__ import annotations

import logging
import os
import random
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import api.json_protocol as json_protocol
import api.protocol as protocol
import api.rest_json as rest_json
import api.xml_writer as xml_writer
from topology.core.errors import DryRunOperation, TopologyError
from topology.core.world import DEFAULT_ACCOUNT, World

from .handlers import load_all
from .operations import HANDLERS, Context, Handler, name_others

log = logging.getLogger("ec2sim")

JSON_SERVICES = {"AmazonSSM": "ssm"}       # X-Amz-Target prefix -> service, for JSON requests
REST_SERVICES = ("rbin",)                  # REST-JSON services, told by the SigV4 scope
_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/[^/]*/([^/]+)/([^/]+)/")
_loaded = _named = False
_loading = threading.RLock()
# characters XML 1.0 cannot carry: a value holding one could never be answered, so refuse it
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _handler_for(service: str, action: str) -> Handler | None:
    fn = (_ec2_handlers() if service == "ec2" else handlers()).get(action)
    return fn if fn is not None and getattr(fn, "service", None) == service else None


def handlers() -> dict[str, Handler]:
    """The registry, importing the handler modules on first use (not at import time)."""
    registry = _ec2_handlers()
    if not _named:
        with _loading:
            _name_others()
    return registry


def _ec2_handlers() -> dict[str, Handler]:
    """The registry with EC2's handlers at least (those of other services may wait for
    their models)."""
    global _loaded
    if not _loaded:
        with _loading:      # a server's first requests may come at once
            if not _loaded:
                load_all()
                _loaded = True
    return HANDLERS


def _name_others() -> None:
    global _named
    if not _named:
        name_others()
        _named = True


@dataclass
class Reply:
    status: int
    body: bytes
    headers: dict[str, str]


@dataclass
class Outcome:
    """A request's answer before it takes a form: the handler's result (status 200) or an
    error's code and message. `handle` writes it as XML; the in-process mock hands it to
    boto3 as the dict botocore would have parsed (`api.protocol.parsed`)."""

    request_id: str
    status: int = 200
    op: Any = None
    result: Any = None
    code: str = ""
    message: str = ""
    passed: bool = False      # in-process: not ec2sim's to answer (see `answer`'s `others`)

    def failed(self, status: int, code: str, message: str) -> "Outcome":
        self.status, self.code, self.message, self.result = status, code, message, None
        return self

    def internal_error(self) -> "Outcome":
        log.exception("internal error in %s", self.op.name if self.op else "(none)")
        return self.failed(500, "InternalError", "An internal error has occurred.")


def request_id() -> str:
    """A fresh request id, a random UUID (version 4) as AWS's are. Drawn from a generator
    seeded once from the OS rather than `uuid.uuid4()`'s OS call per request: an id needs
    to be unique, not unpredictable."""
    digits = f"{_REQUEST_IDS.getrandbits(128) & _RANDOM_BITS | _UUID4:032x}"
    return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"


_REQUEST_IDS = random.Random()     # seeded from os.urandom; never the world's seeded rng
os.register_at_fork(after_in_child=_REQUEST_IDS.seed)    # a forked server's own ids
_UUID4 = (4 << 76) | (2 << 62)     # the version (4) and variant (RFC 4122) bits
_RANDOM_BITS = ((1 << 128) - 1) & ~((0xF << 76) | (0x3 << 62))


def caller(headers: Mapping[str, str]) -> tuple[str, str, str]:
    """(account, region, service) of a request, from its SigV4 `Authorization` header."""
    auth = headers.get("Authorization") or headers.get("authorization") or ""
    if isinstance(auth, bytes):  # botocore's prepared requests may carry bytes
        auth = auth.decode("latin-1")
    match = _CREDENTIAL.search(auth)
    if match is None:
        return DEFAULT_ACCOUNT, "us-east-1", "ec2"
    key_id, region, service = match.groups()
    return account_of(key_id), region, service


def account_of(key_id: str | None) -> str:
    """The account a caller's access key id names: itself if 12 digits (moto's rule)."""
    return key_id if key_id and len(key_id) == 12 and key_id.isdigit() else DEFAULT_ACCOUNT


def handle(world: World, form: Mapping[str, str], headers: Mapping[str, str]) -> Reply:
    """Answer one Query request (`form` holds its decoded fields) in its wire form."""
    return reply(answer(world, form, *caller(headers)))


def reply(outcome: Outcome) -> Reply:
    """A Query request's outcome in its wire form."""
    if outcome.status == 200:
        try:
            body = xml_writer.serialize(outcome.op, outcome.result, outcome.request_id)
            return Reply(200, body, headers_of(outcome))
        except Exception:  # a result the model cannot carry: our bug
            outcome.internal_error()
    return Reply(outcome.status, xml_writer.serialize_error(outcome.code, outcome.message,
                                                            outcome.request_id),
                 headers_of(outcome))


def answer(world: World, form: Mapping[str, str], account: str, region: str,
           service: str = "ec2", *, others: bool = False) -> Outcome:
    """Run one Query request from `account` in `region` and say how it went.

    `others`: something else answers what ec2sim does not (in-process); then a request to
    another service than EC2 that ec2sim does not serve is `passed`, not refused."""
    outcome = Outcome(request_id())
    action = form.get("Action", "")
    try:
        _check_characters(form)
        service = "sts" if service == "sts" or action == "GetCallerIdentity" else "ec2"
        op = protocol.operation(action, service) if action else None
        if op is None:
            raise TopologyError(f"The action {action or '(none)'} is not valid for this web service.",
                                "InvalidAction")
        outcome.op = op
        return _call(world, outcome, service, protocol.parse(op, form), account, region, others)
    except TopologyError as err:
        return outcome.failed(err.status, err.code, err.message)
    except Exception:  # our bug: say so, and never as a client error
        return outcome.internal_error()


def answer_json(world: World, target: str, body: bytes, account: str, region: str,
                service: str, *, others: bool = False) -> Outcome:
    """Run one JSON-protocol request (`X-Amz-Target: target`) like `answer`."""
    outcome = Outcome(request_id())
    action = json_protocol.action_of(target)
    try:
        service = JSON_SERVICES.get(target.partition(".")[0], service)
        if service not in JSON_SERVICES.values():
            if others:
                outcome.passed = True
                return outcome
            return outcome.failed(501, "NotImplemented",
                                  f"The operation {action} of {service} is not implemented "
                                  "by ec2sim.")
        op = json_protocol.operation_of(protocol.service_model(service), target)
        if op is None:
            raise TopologyError(f"The operation {action} is not valid for this service.",
                                "UnknownOperationException")
        outcome.op = op
        return _call(world, outcome, service, json_protocol.parse(op, body), account, region,
                     others)
    except TopologyError as err:
        return outcome.failed(err.status, err.code, err.message)
    except Exception:  # our bug: say so, and never as a client error
        return outcome.internal_error()


def _call(world: World, outcome: Outcome, service: str, params: dict[str, Any],
          account: str, region: str, others: bool) -> Outcome:
    action = outcome.op.name
    fn = _handler_for(service, action)
    claims = getattr(fn, "claims", None)
    if others and service != "ec2" and (fn is None or (claims is not None
                                                      and not claims(params))):
        outcome.passed = True
        return outcome
    if fn is None:
        return outcome.failed(501, "NotImplemented",
                              f"The operation {action} is not implemented by ec2sim.")
    outcome.result = _run(world, fn, outcome.op, params, Context(
        world, world.partition(account, region), action, outcome.request_id))
    return outcome


def handle_json(world: World, target: str, body: bytes, headers: Mapping[str, str]) -> Reply:
    """Answer one JSON-protocol request in its wire form."""
    return json_reply(answer_json(world, target, body, *caller(headers)))


def json_reply(outcome: Outcome) -> Reply:
    """A JSON-protocol request's outcome in its wire form."""
    if outcome.status == 200:
        try:
            return Reply(200, json_protocol.serialize(outcome.op, outcome.result),
                         json_headers(outcome))
        except Exception:  # a result the model cannot carry: our bug
            outcome.internal_error()
    return Reply(outcome.status, json_protocol.serialize_error(outcome.code, outcome.message),
                 json_headers(outcome))


def answer_rest(world: World, method: str, path: str, query: list[tuple[str, str]],
                body: bytes, account: str, region: str, service: str) -> Outcome:
    """Run one REST-JSON request (the Recycle Bin's rules) like `answer`."""
    outcome = Outcome(request_id())
    try:
        found = rest_json.route(protocol.service_model(service), method, path)
        if found is None:
            raise rest_json.UnknownOperationException(
                f"No operation of {service} answers {method} {path}.")
        outcome.op, labels = found
        return _call(world, outcome, service, rest_json.parse(outcome.op, labels, query, body),
                     account, region, False)
    except TopologyError as err:
        return outcome.failed(err.status, err.code, err.message)
    except Exception:  # our bug: say so, and never as a client error
        return outcome.internal_error()


def rest_reply(outcome: Outcome) -> Reply:
    """A REST-JSON request's outcome in its wire form."""
    headers = {"Content-Type": rest_json.CONTENT_TYPE, "x-amzn-RequestId": outcome.request_id}
    if outcome.status == 200:
        try:
            return Reply(rest_json.status_of(outcome.op),
                         rest_json.serialize(outcome.op, outcome.result), headers)
        except Exception:  # a result the model cannot carry: our bug
            outcome.internal_error()
    headers["x-amzn-ErrorType"] = outcome.code
    return Reply(outcome.status, json_protocol.serialize_error(outcome.code, outcome.message),
                 headers)


def _check_characters(form: Mapping[str, str]) -> None:
    text = "".join(form) + "".join(form.values())
    if text.isascii() and text.isprintable():
        return       # the usual case, told at once (none of _NOT_XML's is printable ASCII)
    for name, value in form.items():
        bad = _NOT_XML.search(name) or _NOT_XML.search(value)
        if bad is not None:
            shown = _NOT_XML.sub("?", name)
            raise TopologyError(
                f"The parameter {shown} contains a character that is not valid "
                f"(U+{ord(bad.group()):04X}).", "InvalidParameterValue")


def _run(world: World, fn: Handler, op: Any, params: dict[str, Any], ctx: Context) -> Any:
    dry_run = bool(params.pop("DryRun", False))
    token_member = _token_member(op)
    token = params.get(token_member) if token_member and not dry_run else None
    with world.request(dry_run=dry_run):
        if token:
            seen = ctx.part.client_tokens.get((op.name, token))
            if seen is not None:
                if seen[0] != params:
                    raise TopologyError(
                        "Arguments on this idempotent request are inconsistent with arguments "
                        "used in previous request(s).", "IdempotentParameterMismatch")
                return _replayed(fn, ctx, seen[1])
        result = fn(ctx, params)
        if dry_run:
            raise DryRunOperation()
        if token:
            how = getattr(fn, "remembered", None)
            world.remember(ctx.part, (op.name, token), params, how[0](result) if how else result)
    return result


def _replayed(fn: Handler, ctx: Context, kept: Any) -> Any:
    how = getattr(fn, "remembered", None)
    if how is None or isinstance(kept, dict):   # kept whole (so were all answers before
        return kept                             # `remembered_as`, in older snapshots)
    return how[1](ctx, kept)


@lru_cache(maxsize=None)
def _token_member(op: Any) -> str | None:
    shape = op.input_shape
    if shape is None:
        return None
    for name, member in shape.members.items():
        if member.metadata.get("idempotencyToken") or name == "ClientToken":
            return name
    return None


def headers_of(outcome: Outcome) -> dict[str, str]:
    """The HTTP headers of an answer."""
    return {"Content-Type": "text/xml;charset=UTF-8", "x-amzn-RequestId": outcome.request_id}


def json_headers(outcome: Outcome) -> dict[str, str]:
    """The HTTP headers of a JSON-protocol answer."""
    return {"Content-Type": json_protocol.CONTENT_TYPE, "x-amzn-RequestId": outcome.request_id}
