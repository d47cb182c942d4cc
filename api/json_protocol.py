"""The AWS JSON protocol (awsJson1.1: SSM), driven by botocore's service model.

A request is a POST whose `X-Amz-Target` header names `<targetPrefix>.<Operation>` and whose
body is a JSON object of the input shape's members; the answer is a JSON object of the output
shape's members, timestamps as epoch seconds; an error is `{"__type": code, "message": ...}`
with its HTTP status. `parse` checks what botocore's own validation checks (required members,
types, lengths, ranges, enums), so a raw request gets the `ValidationException` AWS gives;
members the model does not name are ignored, as AWS's JSON services do.
"""
from __future__ import annotations

import datetime as dt
import json
from typing import Any

from botocore.model import OperationModel, ServiceModel, Shape

import api.compiled as compiled
from topology.core.errors import TopologyError

CONTENT_TYPE = "application/x-amz-json-1.1"


class ValidationException(TopologyError):
    code = "ValidationException"


class SerializationException(TopologyError):
    code = "SerializationException"


def operation_of(model: ServiceModel, target: str) -> OperationModel | None:
    """The operation an `X-Amz-Target` value names, or None if it names none of `model`'s."""
    prefix, _, name = target.partition(".")
    if prefix != model.metadata.get("targetPrefix") or name not in model.operation_names:
        return None
    return model.operation_model(name)


def action_of(target: str) -> str:
    """The operation name in an `X-Amz-Target` value (for errors naming it)."""
    return target.partition(".")[2] or target


# -- requests --------------------------------------------------------------------------------
def parse(op: OperationModel, body: bytes) -> dict[str, Any]:
    """The boto3-shaped parameters of a request to `op` from its JSON body."""
    try:
        raw = json.loads(body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise SerializationException("Start of structure or map found where not expected.")
    if not isinstance(raw, dict):
        raise SerializationException("Start of structure or map found where not expected.")
    if op.input_shape is None:
        return {}
    errors: list[str] = []
    out = _value(op.input_shape, raw, "", errors)
    if errors:
        count = f"{len(errors)} validation error{'s' if len(errors) > 1 else ''} detected: "
        raise ValidationException(count + "; ".join(errors))
    return out


def _value(shape: Shape, raw: Any, path: str, errors: list[str]) -> Any:
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(raw, dict):
            raise SerializationException(f"Unexpected value type for {path or 'input'}.")
        out = {name: _value(shape.members[name], item, _path(path, name), errors)
               for name, item in raw.items() if name in shape.members and item is not None}
        for name in shape.required_members:
            if name not in out:
                errors.append(f"Value null at '{_path(path, name)}' failed to satisfy "
                              "constraint: Member must not be null")
        return out
    if kind == "list":
        if not isinstance(raw, list):
            raise SerializationException(f"Unexpected value type for {path}.")
        _check_size(shape, len(raw), raw, path, errors, "length")
        return [_value(shape.member, item, path, errors) for item in raw]
    return _scalar(shape, raw, path, errors)


_TYPES: dict[str, tuple[type, ...]] = {"string": (str,), "boolean": (bool,),
                                        "integer": (int,), "long": (int,),
                                        "float": (int, float), "double": (int, float)}


def _scalar(shape: Shape, raw: Any, path: str, errors: list[str]) -> Any:
    kind = shape.type_name
    wanted = _TYPES.get(kind)
    if wanted is not None and (not isinstance(raw, wanted)
                               or (kind != "boolean" and isinstance(raw, bool))):
        raise SerializationException(f"Unexpected value type for {path}.")
    if kind == "string":
        _check_size(shape, len(raw), raw, path, errors, "length")
        if shape.enum and raw not in shape.enum:
            errors.append(f"Value '{raw}' at '{path}' failed to satisfy constraint: Member "
                          f"must satisfy enum value set: [{', '.join(shape.enum)}]")
    elif kind in ("integer", "long"):
        _check_size(shape, raw, raw, path, errors, "value")
    return raw


def _check_size(shape: Shape, size: int, raw: Any, path: str, errors: list[str],
                what: str) -> None:
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    shown = raw if isinstance(raw, (str, int)) else "[" + ", ".join(map(str, raw)) + "]"
    if low is not None and size < low:
        errors.append(f"Value '{shown}' at '{path}' failed to satisfy constraint: Member must "
                      f"have {what} greater than or equal to {low}")
    if high is not None and size > high:
        errors.append(f"Value '{shown}' at '{path}' failed to satisfy constraint: Member must "
                      f"have {what} less than or equal to {high}")


def _path(prefix: str, name: str) -> str:
    """AWS's path of a member in validation messages: camelCase, dotted."""
    member = name[0].lower() + name[1:]
    return f"{prefix}.{member}" if prefix else member


# -- answers ---------------------------------------------------------------------------------
def serialize(op: OperationModel, result: dict[str, Any] | None) -> bytes:
    """The JSON body answering `op` with `result` (a dict in boto3's member names)."""
    shape = op.output_shape
    out = _plain(shape, result or {}) if shape is not None else {}
    return json.dumps(out, separators=(",", ":")).encode("utf-8")


def _plain(shape: Shape, value: Any) -> Any:
    kind = shape.type_name
    if kind == "structure":
        if not value.keys() <= shape.members.keys():
            compiled.unknown_member(shape, value)
        return {name: _plain(shape.members[name], item) for name, item in value.items()
                if item is not None}
    if kind == "list":
        return [_plain(shape.member, item) for item in value]
    if kind == "timestamp":
        when = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(
            str(value).replace("Z", "+00:00"))
        return round(when.timestamp(), 3)
    return value


def serialize_error(code: str, message: str) -> bytes:
    """The JSON error body botocore's and the SDKs' JSON parsers read (no message: none)."""
    body: dict[str, str] = {"__type": code}
    if message:
        body["message"] = message
    return json.dumps(body).encode("utf-8")
