"""The AWS REST-JSON protocol (the Recycle Bin's `rbin`), driven by botocore's service model.

An operation is named by its HTTP method and path (`requestUri`, e.g. `GET /rules/{identifier}`):
path labels, query-string members and the JSON body together make the input, which is
checked as `api.json_protocol` checks a JSON request; the answer is the output's members as
a JSON body with the operation's `responseCode` (no body for 204); an error is
`{"__type": code, "message": ...}` with `x-amzn-ErrorType` and its HTTP status.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any
from urllib.parse import unquote

from botocore.model import OperationModel, ServiceModel

import api.json_protocol as json_protocol
from topology.core.errors import TopologyError

CONTENT_TYPE = "application/json"
_LABEL = re.compile(r"\{(\w+)\+?\}")


class UnknownOperationException(TopologyError):
    code, status = "UnknownOperationException", 404


@lru_cache(maxsize=None)
def _routes(model: ServiceModel) -> list[tuple[str, re.Pattern[str], OperationModel]]:
    """(method, path pattern, operation), the longest templates first: `/rules/{id}/lock`
    is tried before `/rules/{id}`, whose label may hold a slash (an ARN)."""
    routes = []
    for name in model.operation_names:
        op = model.operation_model(name)
        template = op.http["requestUri"].partition("?")[0]
        pattern = "".join(f"(?P<{m.group(1)}>.+?)" if m else re.escape(part)
                          for part, m in _pieces(template))
        routes.append((len(template), op.http["method"], re.compile(pattern), op))
    routes.sort(key=lambda r: -r[0])
    return [(method, pattern, op) for _, method, pattern, op in routes]


def _pieces(template: str) -> list[tuple[str, re.Match[str] | None]]:
    out: list[tuple[str, re.Match[str] | None]] = []
    at = 0
    for match in _LABEL.finditer(template):
        out.append((template[at:match.start()], None))
        out.append(("", match))
        at = match.end()
    out.append((template[at:], None))
    return [p for p in out if p[0] or p[1]]


def route(model: ServiceModel, method: str, path: str
          ) -> tuple[OperationModel, dict[str, str]] | None:
    """The operation `method path` names and its path labels (decoded), or None."""
    for wanted, pattern, op in _routes(model):
        match = pattern.fullmatch(path)
        if match and wanted == method:
            return op, {k: unquote(v) for k, v in match.groupdict().items()}
    return None


def parse(op: OperationModel, labels: dict[str, str], query: list[tuple[str, str]],
          body: bytes) -> dict[str, Any]:
    """The boto3-shaped input of `op` from its path labels, query string and JSON body."""
    try:
        raw = json.loads(body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise json_protocol.SerializationException("Could not parse the request body.")
    if not isinstance(raw, dict):
        raise json_protocol.SerializationException("The request body must be a JSON object.")
    shape = op.input_shape
    if shape is None:
        return {}
    for name, member in shape.members.items():
        where, wire = member.serialization.get("location"), member.serialization.get("name")
        if where == "uri" and wire in labels:
            raw[name] = labels[wire]
        elif where == "querystring":
            values = [v for k, v in query if k == wire]
            if values:
                raw[name] = values if member.type_name == "list" else _typed(member, values[0])
        elif where is not None:
            raw.pop(name, None)
    return json_protocol.parse(op, json.dumps(raw).encode())


def _typed(shape: Any, text: str) -> Any:
    if shape.type_name in ("integer", "long"):
        try:
            return int(text)
        except ValueError:
            raise json_protocol.SerializationException(f"Expected a number, got {text}.")
    if shape.type_name == "boolean":
        return text == "true"
    return text


def status_of(op: OperationModel) -> int:
    return int(op.http.get("responseCode", 200))


def serialize(op: OperationModel, result: dict[str, Any] | None) -> bytes:
    """The answer's body: none for a 204, else the output's members as JSON."""
    if status_of(op) == 204:
        return b""
    return json_protocol.serialize(op, result)
