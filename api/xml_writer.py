"""Responses in the EC2 Query protocol's XML, written from botocore's output shapes.

`serialize(op, result, request_id)` writes the body answering `op` with `result` (a dict in
boto3's member names, None values skipped); `serialize_error` writes EC2's error envelope.
The EC2 quirks: the root is `<ActionResponse>` with `<requestId>` first and no result
wrapper; an output member's element is its `locationName`; a list's items are its
member's `locationName` (`item`), or the list's own name over and over when flattened.

Each output structure compiles once, on first use, into straight-line Python: one
`value.get` and one append per member, strings escaped only when they hold markup. A
generic walk of the shape (a dict lookup, a type switch and a call per value) cost as
much as the rest of a request in the server. Members are written in the model's order.
"""
from __future__ import annotations

import base64
import datetime as dt
import re
from collections.abc import Callable, Mapping
from functools import lru_cache, partial
from typing import Any

from botocore.model import OperationModel, Shape

import api.compiled as compiled

EC2_XMLNS = "http://ec2.amazonaws.com/doc/2016-11-15/"
Writer = Callable[[Any, list[str]], None]   # writes a value's XML onto a list of strings

# what text content cannot hold as is: markup, CR (a parser would read it as LF), and the
# characters XML 1.0 forbids outright (requests carrying them are refused in `dispatch`)
_UNSAFE = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_ENTITY = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"}


def serialize(op: OperationModel, result: Mapping[str, Any] | None, request_id: str) -> bytes:
    """The XML body answering `op` with `result` (a dict in boto3's member names)."""
    return _envelope(op)(result or {}, request_id).encode("utf-8")


def serialize_error(code: str, message: str, request_id: str) -> bytes:
    """The EC2 error envelope that botocore's `EC2QueryParser` and the JS SDK read."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Response><Errors><Error><Code>{text(code)}</Code>"
        f"<Message>{text(message)}</Message></Error></Errors>"
        f"<RequestID>{request_id}</RequestID></Response>"
    ).encode("utf-8")


def text(value: Any) -> str:
    """`value` as XML text content."""
    value = value if isinstance(value, str) else str(value)
    if _UNSAFE.search(value) is None:
        return value
    return _UNSAFE.sub(lambda m: _ENTITY.get(m.group(), "\ufffd"), value)


def timestamp(value: dt.datetime | str) -> str:
    """AWS's wire form of a time: `2024-01-02T03:04:05.000Z`."""
    if isinstance(value, str):
        return text(value)
    value = value.astimezone(dt.timezone.utc)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def _blob(value: Any) -> str:
    raw = value.encode("utf-8") if isinstance(value, str) else value
    return base64.b64encode(raw).decode("ascii")


@lru_cache(maxsize=None)
def _envelope(op: OperationModel) -> Callable[[Mapping[str, Any], str], str]:
    """The function writing a whole response to `op`."""
    action, shape = op.name, op.output_shape
    members = structure_writer(shape) if shape is not None else None
    decl = '<?xml version="1.0" encoding="UTF-8"?>\n'
    if op.metadata["protocol"] == "ec2":
        head = f'{decl}<{action}Response xmlns="{EC2_XMLNS}"><requestId>'
        tail = f"</{action}Response>"

        def ec2(value: Mapping[str, Any], request_id: str) -> str:
            if members is None:
                return f"{head}{request_id}</requestId><return>true</return>{tail}"
            out = [head, request_id, "</requestId>"]
            members(value, out)
            out.append(tail)
            return "".join(out)
        return ec2
    # the query protocol (STS): members sit in an <ActionResult> wrapper, the id comes last
    xmlns = op.metadata.get("xmlNamespace", "")
    wrapper = shape.serialization.get("resultWrapper", f"{action}Result") if shape else None

    def query(value: Mapping[str, Any], request_id: str) -> str:
        out = [f'{decl}<{action}Response xmlns="{xmlns}">']
        if wrapper:
            out.append(f"<{wrapper}>")
            if members is not None:
                members(value, out)
            out.append(f"</{wrapper}>")
        out.append(f"<ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata>"
                   f"</{action}Response>")
        return "".join(out)
    return query


# -- compiling a structure's writer ----------------------------------------------------------
@lru_cache(maxsize=None)
def structure_writer(shape: Shape) -> Writer:
    """Writes a structure's members (not its own element), skipping None values; a member
    the model does not know is our bug (TypeError, a 500)."""
    code = _Code(shape)
    lines = ["def write(value, out):",
             "    if not value.keys() <= known:",
             "        unknown(value)",
             "    get, append = value.get, out.append"]
    for name, member in shape.members.items():
        lines += [f"    v = get({name!r})", "    if v is not None:"]
        lines += code.element(member, member.serialization.get("name", name), "v", "        ")
    return code.function(lines)


class _Code:
    """The source of one structure's writer and the names it uses."""

    def __init__(self, shape: Shape) -> None:
        self.shape = shape
        self.names: dict[str, Any] = {
            "known": frozenset(shape.members), "unknown": partial(compiled.unknown_member, shape),
            "search": _UNSAFE.search, "text": text, "timestamp": timestamp, "blob": _blob}
        self.nested: dict[str, str] = {}     # nested structure's name -> its writer's name

    def element(self, shape: Shape, tag: str, var: str, indent: str) -> list[str]:
        """Lines appending `<tag>{var}</tag>` for a value of `shape`."""
        kind, open_, close = shape.type_name, f"<{tag}>", f"</{tag}>"
        if kind == "string":     # most of an answer: escaped only when it needs it
            return [f"{indent}append({open_!r} + ({var} if type({var}) is str and "
                    f"search({var}) is None else text({var})) + {close!r})"]
        if kind == "boolean":
            return [f"{indent}append({open_ + 'true' + close!r} if {var} else "
                    f"{open_ + 'false' + close!r})"]
        if kind in ("timestamp", "blob"):
            return [f"{indent}append({open_!r} + {kind}({var}) + {close!r})"]
        if kind == "structure":
            members = self._nested(shape)
            return [f"{indent}append({open_!r})", f"{indent}{members}({var}, out)",
                    f"{indent}append({close!r})"]
        if kind == "list":
            return self._list(shape, tag, var, indent)
        return [f"{indent}append({open_!r} + str({var}) + {close!r})"]   # numbers

    def _list(self, shape: Shape, tag: str, var: str, indent: str) -> list[str]:
        flattened = bool(shape.serialization.get("flattened"))
        item_tag = tag if flattened else shape.member.serialization.get("name", "member")
        one = f"x{len(indent)}"     # a loop variable of its own at each depth
        lines = [] if flattened else [f"{indent}append({f'<{tag}>'!r})"]
        lines.append(f"{indent}for {one} in {var}:")
        lines += self.element(shape.member, item_tag, one, indent + "    ")
        if not flattened:
            lines.append(f"{indent}append({f'</{tag}>'!r})")
        return lines

    def _nested(self, shape: Shape) -> str:
        """The name under which the writer of a nested structure is called (bound on its
        first call, `compiled.bound_later`)."""
        name = self.nested.get(shape.name)
        if name is None:
            name = self.nested[shape.name] = f"s{len(self.nested)}"
            self.names[name] = compiled.bound_later(self.names, name,
                                                    partial(structure_writer, shape))
        return name

    def function(self, lines: list[str]) -> Writer:
        writer: Writer = compiled.function("write", lines, self.names,
                                           f"writer of {self.shape.name}")
        return writer
