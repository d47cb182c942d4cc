"""The EC2 Query protocol, driven by botocore's own service model.

Requests are flat form fields (`Filter.1.Value.2=x`); `parse` walks the operation's input
shape to turn them into the dict boto3 would have been given (`{"Filters": [{"Values": [..]}]}`),
rejecting what AWS rejects: unknown parameters, missing required members, values that are
not of their type, enum or range. `parsed` gives what botocore would read from a response
(the in-process mock's shortcut); `api.xml_writer` writes the response itself. No operation
has wire code of its own.

The EC2 quirks of requests (botocore's `EC2Serializer`) sit here: input names are
`queryName`, else the capitalised `locationName`, else the member name; lists are `Name.N`
with no `.member`.
"""
from __future__ import annotations

import base64
import datetime as dt
import re
import threading
import time
from collections.abc import Callable, Mapping
from functools import lru_cache, partial
from typing import Any

import botocore.loaders
import botocore.session
from botocore.model import OperationModel, ServiceModel, Shape
from botocore.utils import parse_timestamp
from dateutil.tz import tzlocal, tzutc

import api.compiled as compiled
from topology.core.errors import (InvalidParameterCombination, InvalidParameterValue,
                                  MissingParameter, TopologyError)

_INTEGER = re.compile(r"[+-]?[0-9]+")          # int() would also take "1_0", " 5", "５"
_NUMBER = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")
_BITS = {"integer": 31, "long": 63}              # AWS's Integer and Long are 32/64-bit signed
# Enums that are catalogues, not vocabularies: AWS answers an unknown instance type with the
# operation's own error (InvalidInstanceType, ...), which the owning family raises; likewise
# an unknown instance attribute ("... for parameter attribute is invalid. Unknown attribute.").
# EC2 Fleet's allocation strategies and excess capacity policy also take older spellings
# (`lowestPrice`, `terminate`, which moto's AWS-verified tests send), so
# topology/compute/fleet_pools.py checks them.
_OPEN_ENUMS = frozenset({"InstanceType", "InstanceAttributeName", "SpotAllocationStrategy",
                         "FleetOnDemandAllocationStrategy",
                         "FleetExcessCapacityTerminationPolicy"})


class UnknownParameter(TopologyError):
    code = "UnknownParameter"


# -- the model -------------------------------------------------------------------------------
_models: dict[str, ServiceModel] = {}
_models_lock = threading.Lock()


def service_model(name: str = "ec2") -> ServiceModel:
    """botocore's model of `name`, loaded once (or the one `share` was given)."""
    model = _models.get(name)
    if model is None:
        with _models_lock:
            model = _models.get(name)
            if model is None:
                model = _models[name] = _session().get_service_model(name)
    return model


@lru_cache(maxsize=None)
def _session() -> botocore.session.Session:
    """One session for every model ec2sim loads: its loader lists botocore's data once."""
    return botocore.session.get_session()


def share(model: ServiceModel) -> None:
    """Take a client's model of its service as ec2sim's, unless one is loaded already.

    In-process, the client has just parsed botocore's model from the very files ec2sim would
    parse (EC2's is megabytes of JSON, a tenth of a second): one model per process is
    enough. A client pinned to an older API version keeps its model to itself."""
    name = model.service_name
    if name in _models:
        return
    if model.api_version != _latest_version(name):
        return
    with _models_lock:
        _models.setdefault(name, model)


@lru_cache(maxsize=None)
def _latest_version(name: str) -> str:
    return botocore.loaders.create_loader().determine_latest_version(name, "service-2")


@lru_cache(maxsize=None)
def operation(action: str, service: str = "ec2") -> OperationModel | None:
    """The operation model for a wire `Action`, or None if the service has no such action."""
    model = service_model(service)
    return model.operation_model(action) if action in model.operation_names else None


@lru_cache(maxsize=None)
def snake_names(service: str = "ec2") -> dict[str, str]:
    """boto3 method name -> wire Action, for every operation of `service`."""
    from botocore import xform_name

    return {xform_name(name): name for name in service_model(service).operation_names}


# -- requests --------------------------------------------------------------------------------
@lru_cache(maxsize=None)
def _input_members(shape: Shape) -> dict[str, tuple[str, Shape]]:
    """wire name -> (member name, member shape) for an input structure."""
    out = {}
    for name, member in shape.members.items():
        ser = member.serialization
        if "queryName" in ser:
            wire = ser["queryName"]
        elif "name" in ser:
            wire = ser["name"][0].upper() + ser["name"][1:]
        else:
            wire = name
        out[wire] = (name, member)
    return out


def parse(op: OperationModel, form: Mapping[str, str]) -> dict[str, Any]:
    """The boto3-shaped parameters of a request to `op` from its form fields."""
    tree: dict[str, Any] = {}
    for key, value in form.items():
        if key in ("Action", "Version") or key.startswith(("X-Amz-", "AWSAccessKeyId")):
            continue
        if "." not in key:        # a top-level member
            if type(tree.get(key)) is dict:
                raise UnknownParameter(f"The parameter {key} is not recognized")
            tree[key] = value
            continue
        node = tree
        parents, last = _path(key)
        for part in parents:      # the tree's inner nodes are dicts, its leaves strings
            child = node.get(part)
            if child is None:
                child = node[part] = {}
            elif type(child) is not dict:
                raise UnknownParameter(f"The parameter {key} is not recognized")
            node = child
        if type(node.get(last)) is dict:
            raise UnknownParameter(f"The parameter {key} is not recognized")
        node[last] = value
    if op.input_shape is None:
        if tree:
            raise UnknownParameter(f"The parameter {next(iter(tree))} is not recognized")
        return {}
    return _parser(op.input_shape)(tree, "")


@lru_cache(maxsize=4096)
def _path(key: str) -> tuple[tuple[str, ...], str]:
    """A dotted form key's inner parts and its last (keys repeat from request to request)."""
    *parents, last = key.split(".")
    return tuple(parents), last


# Each input shape compiles once into a parser, a closure taking (raw, path) (the form's
# tree below the shape, and its wire path for error messages), as `xml_writer` compiles
# output: walking the model per request (a type switch and a member lookup per value)
# cost more than the values' own checks.
Parser = Callable[[Any, str], Any]


@lru_cache(maxsize=None)
def _parser(shape: Shape) -> Parser:
    kind = shape.type_name
    if kind == "structure":
        return _structure_parser(shape)
    if kind == "list":
        return _list_parser(shape)
    return _scalar_parser(shape)


def _structure_parser(shape: Shape) -> Parser:
    table: tuple[dict[str, tuple[str, Parser]], list[tuple[str, str]]] | None = None

    def parse_structure(raw: Any, path: str) -> dict[str, Any]:
        nonlocal table
        if not isinstance(raw, dict):
            raise InvalidParameterValue(f"Invalid value for parameter {path}")
        if table is None:   # built on first use: shapes may refer to themselves
            wires = _input_members(shape)
            table = ({wire: (name, _parser(member)) for wire, (name, member) in wires.items()},
                     [(name, next(w for w, (n, _) in wires.items() if n == name))
                      for name in shape.required_members])
        members, required = table
        prefix = path + "." if path else ""
        out: dict[str, Any] = {}
        for wire, value in raw.items():
            found = members.get(wire)
            if found is None:
                raise UnknownParameter(f"The parameter {prefix}{wire} is not recognized")
            name, parse_member = found
            out[name] = parse_member(value, prefix + wire)
        for name, wire in required:
            if name not in out:
                special = _MISSING.get((shape.name, name))
                if special is not None:
                    error, message = special
                    raise error(message)
                raise MissingParameter(f"The request must contain the parameter {prefix}{wire}")
        return out
    return parse_structure


# where AWS answers a missing required member otherwise than "must contain the parameter
# <wire name>" (an SDK's empty list sends nothing): (error, message)
_MISSING: dict[tuple[str, str], tuple[type[TopologyError], str]] = {
    # AWS names the internal list
    ("CreateTagsRequest", "Resources"):
        (MissingParameter, "The request must contain the parameter resourceIdSet"),
    ("DeleteTagsRequest", "Resources"):
        (MissingParameter, "The request must contain the parameter resourceIdSet"),
    # cloud-nuke #731 quotes AWS's answer
    ("TerminateInstancesRequest", "InstanceIds"):
        (InvalidParameterCombination, "No instances specified"),
}


def _list_parser(shape: Shape) -> Parser:
    item: Parser | None = None

    def parse_list(raw: Any, path: str) -> list[Any]:
        nonlocal item
        if not isinstance(raw, dict):
            raise InvalidParameterValue(f"Invalid value for parameter {path}")
        if item is None:
            item = _parser(shape.member)
        if len(raw) == 1 and "1" in raw:     # the usual one-item list
            return [item(raw["1"], path + ".1")]
        items = []
        for index, one in raw.items():
            number = int(index) if index.isdecimal() else 0   # "²" is a digit int() refuses
            if number < 1:
                raise UnknownParameter(f"The parameter {path}.{index} is not recognized")
            items.append((number, one))
        if len(items) > 1:
            items.sort(key=_first)   # indices may be sparse or out of order
        return [item(one, f"{path}.{i}") for i, one in items]
    return parse_list


def _first(pair: tuple[int, Any]) -> int:
    return pair[0]


def _scalar_parser(shape: Shape) -> Parser:
    plain = shape.type_name == "string" and not shape.enum

    def parse_scalar(raw: Any, path: str) -> Any:
        if isinstance(raw, dict):
            raise UnknownParameter(f"The parameter {path}.{next(iter(raw))} is not recognized")
        return raw if plain else _parse_scalar(shape, raw, path)
    return parse_scalar


def _parse_scalar(shape: Shape, raw: str, path: str) -> Any:
    kind = shape.type_name
    try:
        if kind in ("integer", "long"):
            if not _INTEGER.fullmatch(raw) or not -2 ** _BITS[kind] <= int(raw) < 2 ** _BITS[kind]:
                raise ValueError(raw)
            value: Any = int(raw)
            low, high = shape.metadata.get("min"), shape.metadata.get("max")
            if (low is not None and value < low) or (high is not None and value > high):
                raise InvalidParameterValue(
                    f"Value ( {value} ) for parameter {path} is invalid. "
                    f"Parameter must be between {low} and {high}.")
            return value
        if kind == "boolean":
            lowered = raw.lower()
            if lowered not in ("true", "false"):
                raise ValueError(raw)
            return lowered == "true"
        if kind in ("float", "double"):
            if not _NUMBER.fullmatch(raw):
                raise ValueError(raw)
            return float(raw)
        if kind == "timestamp":
            return _parse_timestamp(raw)
        if kind == "blob":
            return base64.b64decode(raw, validate=True)
    except (ValueError, TypeError, OverflowError):
        raise InvalidParameterValue(f"Value ({raw}) for parameter {path} is invalid.")
    enum = shape.enum
    if enum and raw not in enum and shape.name not in _OPEN_ENUMS:
        canonical = _enum_folded(shape).get(raw.lower())
        if canonical is not None:   # EC2 takes enum values in any case (`DENY`, `NoTermination`)
            return canonical
        raise InvalidParameterValue(
            f"Value ({raw}) for parameter {path} is invalid. "
            f"Valid values are: {', '.join(enum)}")
    return raw


@lru_cache(maxsize=None)
def _enum_folded(shape: Shape) -> dict[str, str]:
    """An enum's values by their lower-case form (the model's spelling wins)."""
    return {value.lower(): value for value in reversed(shape.enum)}


def _parse_timestamp(raw: str) -> dt.datetime:
    if raw.replace(".", "", 1).isdigit():
        return dt.datetime.fromtimestamp(float(raw), dt.timezone.utc)
    year, dash, rest = raw.partition("-")
    if dash and year.isdigit() and len(year) < 4:   # botocore writes year 1 as "1-01-01T..."
        raw = year.zfill(4) + dash + rest
    value = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


# -- responses as botocore reads them --------------------------------------------------------
# In-process clients skip the wire (`api.mock`): `parsed` gives what botocore's parser makes
# of `xml_writer.serialize`'s XML, built straight from the handler's result: members in the
# model's order, None skipped, scalars typed as the parser types them, timestamps cut to
# milliseconds in the zone dateutil reads "Z" as. Writing and re-reading the XML (and dateutil
# parsing every timestamp) cost most of an in-process call. `mock_ec2(verify=True)` checks
# the two routes agree on every call.
Reader = Callable[[Any], Any]


def parsed(op: OperationModel, result: Mapping[str, Any] | None) -> dict[str, Any]:
    """The dict botocore parses from `xml_writer.serialize(op, result, ...)`, without
    ResponseMetadata."""
    shape = op.output_shape
    return _structure_reader(shape)(result or {}) if shape is not None else {}


def parsed_error(code: str, message: str) -> dict[str, Any]:
    """The `Error` member botocore parses from `xml_writer.serialize_error(code, message,
    ...)`."""
    return {"Code": _native_string(code), "Message": _native_string(message)}


@lru_cache(maxsize=None)
def _structure_reader(shape: Shape) -> Reader:
    """Reads a structure into the dict botocore's parser would give: its members in the
    model's order, None values skipped, an empty flattened list left out (it writes no
    element). Compiled once into straight-line Python, one `value.get` per member, as
    `xml_writer` writes; a member the model lacks is our bug (TypeError, as in writing)."""
    names: dict[str, Any] = {"known": frozenset(shape.members), "native": _native_string,
                             "unknown": partial(compiled.unknown_member, shape)}
    lines = ["def read(value):",
             "    if not value.keys() <= known:",
             "        unknown(value)",
             "    get, out = value.get, {}"]
    for position, (name, member) in enumerate(shape.members.items()):
        lines.append(f"    v = get({name!r})")
        if member.type_name == "string":   # most members: printable text is read as it is
            lines += ["    if v is not None:",
                      f"        out[{name!r}] = v if type(v) is str and v.isprintable() "
                      "else native(v)"]
            continue
        flattened = member.type_name == "list" and member.serialization.get("flattened")
        names[f"r{position}"] = compiled.bound_later(names, f"r{position}",
                                                     partial(_reader, member))
        lines += [f"    if {'v' if flattened else 'v is not None'}:",
                  f"        out[{name!r}] = r{position}(v)"]
    lines.append("    return out")
    read: Reader = compiled.function("read", lines, names, f"reader of {shape.name}")
    return read


@lru_cache(maxsize=None)
def _reader(shape: Shape) -> Reader:
    kind = shape.type_name
    if kind == "structure":
        return _structure_reader(shape)
    if kind == "list":
        item = _reader(shape.member)
        return lambda value: [item(one) for one in value]
    return _SCALAR_READERS.get(kind, _native_string)


_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _native_string(value: Any) -> str:
    # markup and CR survive the round trip through their escapes; forbidden characters
    # come back as U+FFFD, as `xml_writer.text` writes them (none is printable: the quick test)
    value = value if type(value) is str else str(value)
    if value.isprintable() or _FORBIDDEN.search(value) is None:
        return value
    return _FORBIDDEN.sub("\ufffd", value)


def _native_timestamp(value: Any) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        return parse_timestamp(_native_string(value))  # written as is: botocore's own parser
    value = value.astimezone(dt.timezone.utc)
    naive = value.replace(microsecond=value.microsecond // 1000 * 1000, tzinfo=None)
    # dateutil reads the "Z" of `timestamp` as the zone named UTC: the machine's local zone
    # (tzlocal) where that is its name, else tzutc
    if "UTC" in time.tzname:
        aware = naive.replace(tzinfo=_local_zone(tuple(time.tzname)))
        if aware.tzname() == "UTC":
            return aware
    return naive.replace(tzinfo=_UTC)


_UTC = tzutc()


@lru_cache(maxsize=4)
def _local_zone(names: tuple[str, ...]) -> tzlocal:
    """One tzlocal per set of local zone names (a new one after `time.tzset`)."""
    return tzlocal()


def _native_blob(value: Any) -> bytes:
    return value.encode("utf-8") if isinstance(value, str) else bytes(value)


_SCALAR_READERS: dict[str, Reader] = {
    "string": _native_string,
    "boolean": bool,
    "integer": lambda value: value if type(value) is int else int(str(value)),
    "long": lambda value: value if type(value) is int else int(str(value)),
    "float": lambda value: float(str(value)),
    "double": lambda value: float(str(value)),
    "timestamp": _native_timestamp,
    "blob": _native_blob,
}
