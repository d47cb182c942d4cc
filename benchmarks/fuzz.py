"""Model-driven fuzzing of every EC2 operation, from botocore's own service model.

Hypothesis strategies are built by walking each operation's input shape (structures, lists,
maps, scalars honouring enums and min/max), in three modes:

* `typed`: well-typed inputs, string members biased toward the live world (existing ids of
  the right prefix, CIDRs inside existing VPCs, addresses inside existing subnets, real zones)
  so handlers get past validation and mutate state;
* `boundary`: the same, with scalars sometimes replaced by edge values (empty and huge
  strings, unicode, negative and huge numbers, empty lists);
* `malformed`: a typed request serialized, then broken on the wire (wrong types, bad ids, bad
  CIDRs, a required member dropped, unknown parameters, bad list indexes).

Requests are serialized with botocore's `EC2Serializer` and sent as form fields to an
`ec2sim serve` (`HttpTarget`) or straight to `dispatch.handle` on an in-process world
(`WorldTarget`). Every answer must: not be a 5xx (501 only for an operation with no
handler), parse with botocore's parser for that operation, and carry an error code of AWS's
shape (`Word[.Word]`) when it is an error. After the run the world's invariants
(`topology.invariants`) must hold.

Run the long fuzz: `python3 benchmarks/fuzz.py --examples 20` (see `--help`).
"""
from __future__ import annotations

import argparse
import datetime as dt
import http.client
import ipaddress
import json
import os
import re
import sys
import time
import urllib.parse
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from botocore.model import OperationModel, Shape  # noqa: E402
from botocore.parsers import ResponseParserError, create_parser  # noqa: E402
from botocore.serialize import create_serializer  # noqa: E402
import hypothesis  # noqa: E402
from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

from api import dispatch, protocol  # noqa: E402
from topology.core import schema
from topology.provision import invariants, state  # noqa: E402
from topology.core.world import World  # noqa: E402

MODES = ("typed", "boundary", "malformed")
ERROR_CODE = re.compile(r"[A-Z][A-Za-z0-9]*(\.[A-Z][A-Za-z0-9]*)*")
ZONES = [f"us-east-1{z}" for z in "abcdef"]
ZONE_IDS = [f"use1-az{n}" for n in range(1, 7)]
MAX_DEPTH = 5
# optional in the model, but what most real calls send (CreateSubnet needs one of CidrBlock or
# an IPAM pool; RunInstances needs an image): always drawn, so handlers get past validation
LIKELY = frozenset({"CidrBlock", "ImageId", "DestinationCidrBlock", "GroupName", "Description"})
_SERIALIZER = create_serializer("ec2", include_validation=False)
_PARSER = create_parser("ec2")


# -- targets --------------------------------------------------------------------------------
class HttpTarget:
    """A running `ec2sim serve`, over one keep-alive connection."""

    def __init__(self, url: str) -> None:
        self.url = urllib.parse.urlsplit(url)
        self.conn = http.client.HTTPConnection(self.url.hostname, self.url.port, timeout=60)

    def _call(self, method: str, path: str, body: bytes | None, headers: dict[str, str]
              ) -> tuple[int, bytes]:
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                answer = self.conn.getresponse()
                return answer.status, answer.read()
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> HttpTarget:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def send(self, form: dict[str, str]) -> tuple[int, bytes]:
        body = urllib.parse.urlencode(form).encode()
        return self._call("POST", "/", body, {"Content-Type": "application/x-www-form-urlencoded"})

    def dump(self) -> dict[str, Any]:
        status, body = self._call("GET", "/_ec2sim/state", None, {})
        if status != 200:
            raise RuntimeError(f"GET /_ec2sim/state answered {status}")
        return json.loads(body)

    def world(self) -> World:
        """The server's world, rebuilt from its state snapshot."""
        return state.load(self.dump())


class WorldTarget:
    """An in-process world, called through `dispatch.handle` (checks its live indexes)."""

    def __init__(self, world: World | None = None) -> None:
        self.live = world if world is not None else World(seed=1)

    def send(self, form: dict[str, str]) -> tuple[int, bytes]:
        # the same decoding the server does: URL-encode, then parse back
        decoded = dict(urllib.parse.parse_qsl(urllib.parse.urlencode(form), keep_blank_values=True))
        reply = dispatch.handle(self.live, decoded, {})
        return reply.status, reply.body

    def dump(self) -> dict[str, Any]:
        return json.loads(json.dumps(state.dump(self.live)))

    def world(self) -> World:
        return self.live


# -- the live world, as values to draw from --------------------------------------------------
def _compact(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


_KIND_BY_COMPACT = {_compact(k): k for k in schema.KINDS}
_ALIASES = {"group": "security-group", "allocation": "elastic-ip", "image": "image",
            "sourceimage": "image", "peeringconnection": "vpc-peering-connection",
            "keypair": "key-pair", "sourcesnapshot": "snapshot", "natgateway": "nat-gateway",
            "attachment": "transit-gateway-attachment", "sourcesecuritygroup": "security-group"}


def kind_for(member: str) -> str | None:
    """The resource kind a member named like `VpcId`/`SubnetIds` holds, if any."""
    name = _compact(member)
    for suffix in ("ids", "id", "set"):
        if name.endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
            break
    if name in _ALIASES:
        return _ALIASES[name]
    best = None
    for compact, kind in _KIND_BY_COMPACT.items():
        if name.endswith(compact) and (best is None or len(compact) > len(_compact(best))):
            best = kind
    return best


@dataclass
class Pool:
    """Ids, CIDRs and addresses of the live world, refreshed from a state snapshot."""

    ids: dict[str, list[str]] = field(default_factory=dict)     # kind -> live ids
    assoc_ids: list[str] = field(default_factory=list)          # association (edge) ids
    vpc_blocks: list[str] = field(default_factory=list)
    ipv6_blocks: list[str] = field(default_factory=list)
    subnet_blocks: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)              # key pair / group names
    blocks_of: dict[str, list[str]] = field(default_factory=dict)   # vpc -> IPv4 blocks
    subnet_block: dict[str, str] = field(default_factory=dict)      # subnet -> IPv4 block

    def align(self, params: dict[str, Any]) -> dict[str, Any]:
        """Move a drawn CIDR into the drawn VPC, and a drawn address into the drawn subnet
        (the two were drawn independently; AWS wants them to agree)."""
        vpc, cidr = params.get("VpcId"), params.get("CidrBlock")
        if isinstance(vpc, str) and isinstance(cidr, str) and self.blocks_of.get(vpc):
            params["CidrBlock"] = self._cidr_in(self.blocks_of[vpc],
                                                zlib.crc32(cidr.encode()) & 0xFFFF)
        low, high = params.get("MinCount"), params.get("MaxCount")
        if isinstance(low, int) and isinstance(high, int) and 0 < high < low:
            params["MinCount"], params["MaxCount"] = high, low
        subnet, ip = params.get("SubnetId"), params.get("PrivateIpAddress")
        if isinstance(subnet, str) and isinstance(ip, str) and subnet in self.subnet_block:
            params["PrivateIpAddress"] = self._address_in(self.subnet_block[subnet],
                                                          zlib.crc32(ip.encode()) & 0xFFFF)
        return params

    def refresh(self, dump: dict[str, Any]) -> None:
        ids: dict[str, list[str]] = {}
        vpc_blocks, ipv6, subnets, names = [], [], [], []
        owners: dict[str, str] = {}     # vpc-cidr-assoc id -> its IPv4 block
        for node in dump["nodes"]:
            data = node["data"]
            if data.get("deleted"):
                continue
            ids.setdefault(data["kind"], []).append(node["id"])
            if data["kind"] == "vpc-cidr-assoc" and data.get("CidrBlock"):
                owners[node["id"]] = data["CidrBlock"]
            if data["kind"] == "vpc-cidr-assoc":
                (vpc_blocks if data.get("CidrBlock") else ipv6).append(
                    data.get("CidrBlock") or data.get("Ipv6CidrBlock"))
            elif data["kind"] == "subnet" and data.get("CidrBlock"):
                subnets.append(data["CidrBlock"])
            for key in ("KeyName", "GroupName", "LaunchTemplateName"):
                if isinstance(data.get(key), str):
                    names.append(data[key])
        self.ids = ids
        self.blocks_of = {}
        for edge in dump["edges"]:
            if edge["type"] == schema.CONTAINS and edge["to"] in owners:
                self.blocks_of.setdefault(edge["from"], []).append(owners[edge["to"]])
        self.subnet_block = {n["id"]: n["data"]["CidrBlock"] for n in dump["nodes"]
                             if n["data"].get("kind") == "subnet" and n["data"].get("CidrBlock")
                             and not n["data"].get("deleted")}
        self.assoc_ids = [e["data"]["id"] for e in dump["edges"]
                          if isinstance(e.get("data"), dict) and "id" in e["data"]]
        self.vpc_blocks = [b for b in vpc_blocks if b] or ["10.0.0.0/16"]
        self.ipv6_blocks = [b for b in ipv6 if b] or ["2600:1f18:1234:5600::/56"]
        self.subnet_blocks = subnets or ["172.31.0.0/20"]
        self.names = names or ["default"]

    # the pickers take a drawn integer, so hypothesis can shrink the choice
    def id_of(self, kind: str | None, n: int) -> str:
        if kind in ("vpc-cidr-assoc", "subnet-cidr-assoc", "route-table-assoc",
                    "network-acl-assoc") or (kind is None and n % 3 == 0):
            choices = self.assoc_ids + self.ids.get(kind or "", [])
        else:
            choices = self.ids.get(kind or "", [])
            if not choices and kind in schema.KINDS:   # none yet: a well-formed unknown id
                return f"{schema.KINDS[kind].prefix}-{n:017x}"
            choices = choices or [i for v in self.ids.values() for i in v]
        return choices[n % len(choices)] if choices else "vpc-00000000"

    def cidr(self, ipv6: bool, n: int) -> str:
        if ipv6:
            block = ipaddress.ip_network(self.ipv6_blocks[n % len(self.ipv6_blocks)])
            if block.prefixlen >= 64:
                return str(block)
            count = 1 << min(64 - block.prefixlen, 16)
            start = int(block.network_address) + (((n // 7) % count) << 64)
            return str(ipaddress.ip_network((start, 64)))
        return self._cidr_in(self.vpc_blocks, n)

    @staticmethod
    def _cidr_in(blocks: list[str], n: int) -> str:
        block = ipaddress.ip_network(blocks[n % len(blocks)])
        sub = min(28, block.prefixlen + 1 + (n // 3) % 10)
        count = 1 << (sub - block.prefixlen)
        start = int(block.network_address) + (((n // 31) % count) << (32 - sub))
        return str(ipaddress.ip_network((start, sub)))

    def address(self, n: int) -> str:
        return self._address_in(self.subnet_blocks[n % len(self.subnet_blocks)], n)

    @staticmethod
    def _address_in(cidr: str, n: int) -> str:
        block = ipaddress.ip_network(cidr)
        return str(block.network_address + 4 + (n // 5) % max(block.num_addresses - 5, 1))

    def name(self, n: int) -> str:
        return self.names[n % len(self.names)]


# -- strategies ------------------------------------------------------------------------------
_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)
_HUGE = st.integers(5000, 20000).map(lambda n: "A" * n)
_BOUNDARY_TEXT = st.sampled_from(["", " ", "ü∂ 😀 \u202e", "\x00", "a" * 256, "-1", "null",
                                  "<x>&amp;</x>", "%00", "0.0.0.0/0"]) | _HUGE | _TEXT
_BOUNDARY_INT = st.sampled_from([0, -1, -(2 ** 31), 2 ** 31 - 1, 2 ** 31, 2 ** 63 - 1, 2 ** 63,
                                 10 ** 30])
_FILTER_NAMES = ["vpc-id", "subnet-id", "group-id", "state", "tag:Name", "tag-key",
                 "cidr-block", "owner-id", "availability-zone", "instance-id", "bogus-filter"]
# realistic values for members whose name says what they hold (first: what most calls send)
_HINTS = {"protocol": ["tcp", "udp", "icmp", "-1", "6"], "ipprotocol": ["tcp", "udp", "-1"],
          "type": ["ipsec.1", "gp3", "instant", "maintain", "request"],
          "addressfamily": ["IPv4", "IPv6"], "domain": ["vpc"], "ruleaction": ["allow", "deny"],
          "servicename": ["com.amazonaws.us-east-1.s3", "com.amazonaws.us-east-1.ec2"],
          "devicename": ["/dev/sdf", "/dev/xvdb"], "publicip": ["198.51.100.7"],
          "strategy": ["cluster", "spread", "partition"], "tenancy": ["default"]}
_WORDS = ["web", "test-1", "fuzz-name", "prod", "a1b2c3", "My description"]
_INSTANCE_TYPES = ["t3.micro", "t2.nano", "m5.large", "c5.xlarge", "t3.nano"]


def _string(pool: Pool, member: str, shape: Shape) -> st.SearchStrategy[str]:
    """A realistic string for `member`, drawn from the live world when its name says what."""
    if shape.enum:
        return st.sampled_from(shape.enum)
    pick = st.integers(0, 2 ** 16)
    low = member.lower()
    if low in ("name",) and shape.name == "String":
        return st.sampled_from(_FILTER_NAMES) | _TEXT
    if "cidr" in low or low in ("destination", "source"):
        return pick.map(lambda n: pool.cidr("ipv6" in low, n))
    if "ipaddress" in low or low.endswith("privateip") or low == "ip":
        return pick.map(pool.address)
    if "availabilityzone" in low:
        return st.sampled_from(ZONE_IDS if low.endswith("id") else ZONES)
    if low in ("region", "regionname", "peerregion"):
        return st.just("us-east-1")
    if low == "instancetype":
        return st.sampled_from(_INSTANCE_TYPES)
    if low in ("keyname", "groupname", "launchtemplatename"):
        return st.sampled_from(_WORDS) | pick.map(pool.name)
    if low in ("resource", "resources", "resourceid", "resourceids"):
        return pick.map(lambda n: pool.id_of(None, n))
    if low.endswith("id") or low.endswith("ids"):
        kind = kind_for(member)
        return pick.map(lambda n: pool.id_of(kind, n))
    if low in _HINTS:
        return st.sampled_from(_HINTS[low]) | _TEXT
    if low in ("key", "value", "description", "values"):
        return st.sampled_from(["Name", "env", "prod", "web"]) | _TEXT
    low_len = shape.metadata.get("min", 0)
    return st.sampled_from(_WORDS) | st.text(
        alphabet=st.characters(min_codepoint=32, max_codepoint=126),
        min_size=max(min(low_len, 8), 1), max_size=max(min(low_len, 8), 16))


def _number(shape: Shape) -> st.SearchStrategy[Any]:
    low = shape.metadata.get("min")
    high = shape.metadata.get("max")
    if shape.type_name in ("float", "double"):
        return st.floats(low if low is not None else 0, high if high is not None else 1000)
    low = int(low) if low is not None else 1       # counts, rule numbers: 0 is rarely valid
    high = int(high) if high is not None else max(low, 0) + 4096
    # mostly small: counts, indexes and sizes that handlers accept
    return st.integers(low, min(high, low + 4)) | st.integers(low, high)


class Strategies:
    """Hypothesis strategies for an operation's input shape, in one mode."""

    def __init__(self, pool: Pool, boundary: bool) -> None:
        self.pool = pool
        self.boundary = boundary

    def for_input(self, op: OperationModel) -> st.SearchStrategy[dict[str, Any]]:
        if op.input_shape is None:
            return st.just({})
        return self.structure(op.input_shape, 0)

    def structure(self, shape: Shape, depth: int) -> st.SearchStrategy[dict[str, Any]]:
        """Required members always; a few optional ones (many at once rarely pass validation
        together, and a handler that rejects the request mutates nothing)."""
        required = set(shape.required_members)
        must = {name: self.value(name, member, depth + 1)
                for name, member in shape.members.items() if name in required or name in LIKELY}
        may = {name: (st.sampled_from([False, False, False, True]) if name == "DryRun"
                      else self.value(name, member, depth + 1))
               for name, member in shape.members.items()
               if name not in required and name not in LIKELY and depth < MAX_DEPTH}
        if not may:
            return st.fixed_dictionaries(must).map(self.pool.align)
        names = sorted(may)
        chosen = st.lists(st.sampled_from(names), max_size=min(len(names), 3), unique=True)
        return st.tuples(st.fixed_dictionaries(must), chosen.flatmap(
            lambda picked: st.fixed_dictionaries({n: may[n] for n in picked}))).map(
            lambda pair: self.pool.align({**pair[0], **pair[1]}))

    def value(self, name: str, shape: Shape, depth: int) -> st.SearchStrategy[Any]:
        kind = shape.type_name
        if kind == "structure":
            return self.structure(shape, depth)
        if kind == "list":
            # well-typed lists hold something (empty ones are boundary inputs)
            low = shape.metadata.get("min", 0 if self.boundary else 1)
            elem = self.value(name, shape.member, depth)
            lists = st.lists(elem, min_size=low, max_size=max(low, 3))
            return (st.just([]) | lists) if self.boundary else lists
        if kind == "map":
            return st.dictionaries(self.value("key", shape.key, depth),
                                   self.value("value", shape.value, depth), max_size=2)
        typed = self.scalar(name, shape)
        if not self.boundary:
            return typed
        if kind == "string":
            return typed | _BOUNDARY_TEXT
        if kind in ("integer", "long"):
            return typed | _BOUNDARY_INT
        return typed

    def scalar(self, name: str, shape: Shape) -> st.SearchStrategy[Any]:
        kind = shape.type_name
        if kind == "string":
            return _string(self.pool, name, shape)
        if name in ("MinCount", "MaxCount"):
            return st.integers(1, 3)
        if kind in ("integer", "long", "float", "double"):
            return _number(shape)
        if kind == "boolean":
            return st.booleans()
        if kind == "timestamp":
            return st.datetimes(dt.datetime(2000, 1, 1), dt.datetime(2040, 1, 1),
                                timezones=st.just(dt.timezone.utc))
        if kind == "blob":
            return st.binary(max_size=32)
        return st.none()


# -- wire --------------------------------------------------------------------------------------
def serialize(op: OperationModel, params: dict[str, Any]) -> dict[str, str]:
    """The form fields botocore sends for `params`."""
    request = _SERIALIZER.serialize_to_request(params, op)
    return {k: str(v) for k, v in request["body"].items() if k not in ("Action", "Version")}


_BAD_VALUES = ["notanumber", "maybe", "1.5.3", "vpc-XYZ!!", "subnet-1234", "i-", "10.0.0.0/33",
               "300.1.1.1/16", "banana", "10.0.0.0/8/8", "::::/64", "", "-", "1e999",
               "2024-13-45T99:00:00Z", "[object Object]", "\x00", "A" * 70000]


@st.composite
def malformed(draw: Callable[..., Any], op: OperationModel, typed: st.SearchStrategy[Any]
              ) -> dict[str, str]:
    """A typed request's form fields, broken in one of the ways a bad client breaks them."""
    form = serialize(op, draw(typed))
    how = draw(st.sampled_from(["value", "value", "drop", "unknown", "index", "nest", "none"]))
    keys = sorted(form)
    if how == "value" and keys:
        form[draw(st.sampled_from(keys))] = draw(st.sampled_from(_BAD_VALUES))
    elif how == "drop" and keys:
        victim = draw(st.sampled_from(keys)).split(".")[0]
        form = {k: v for k, v in form.items() if k.split(".")[0] != victim}
    elif how == "unknown":
        form[draw(st.sampled_from(["Bogus", "Filter.1.Bogus", "VpcId.1", "X.Y.Z", "Action2",
                                   ".", "..", "Filter..Name", "Tag.1.Key.Extra"]))] = "x"
    elif how == "index" and keys:
        key = draw(st.sampled_from(keys))
        bad = draw(st.sampled_from(["0", "-1", "x", "", "99999999999999999999", "1.5"]))
        parts = key.split(".")
        form[".".join([parts[0], bad, *parts[1:]])] = form.pop(key)
    elif how == "nest" and keys:
        key = draw(st.sampled_from(keys))
        form[key + ".1"] = "x"
    return form


def well_formed(op: OperationModel, strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return strategy.map(lambda params: serialize(op, params))


# -- checks ------------------------------------------------------------------------------------
@dataclass
class Finding:
    operation: str
    mode: str
    problem: str
    form: dict[str, str]

    def __str__(self) -> str:
        shown = {k: (v if len(v) < 80 else v[:40] + f"...({len(v)} chars)")
                 for k, v in self.form.items()}
        return f"{self.operation} [{self.mode}]: {self.problem}\n    {shown}"


@dataclass
class Stats:
    inputs: int = 0
    operations: set[str] = field(default_factory=set)
    statuses: Counter = field(default_factory=Counter)
    codes: Counter = field(default_factory=Counter)
    not_implemented: set[str] = field(default_factory=set)
    succeeded: set[str] = field(default_factory=set)
    findings: list[Finding] = field(default_factory=list)
    server_errors: int = 0


def check_answer(op: OperationModel, status: int, body: bytes) -> tuple[str | None, str | None]:
    """(problem, error code) for one answer: a 5xx, an unparsable body, a malformed code."""
    implemented = op.name in dispatch.handlers()
    try:
        parsed = _PARSER.parse({"status_code": status, "headers": {}, "body": body},
                               op.output_shape)
    except ResponseParserError as err:
        return f"HTTP {status}: botocore cannot parse the answer: {err}", None
    code = parsed.get("Error", {}).get("Code") if status >= 300 else None
    if status == 501 and code == "NotImplemented" and not implemented:
        return None, code
    if status >= 500:
        return f"HTTP {status} {code}: {body[:300]!r}", code
    if status >= 300 and (not code or not ERROR_CODE.fullmatch(code)):
        return f"HTTP {status}: error code {code!r} is not of AWS's shape", code
    if status < 300 and "Error" in parsed:
        return "HTTP 200 carrying an error", None
    return None, code


def fuzz_operation(target: HttpTarget | WorldTarget, pool: Pool, op: OperationModel, mode: str,
                   examples: int, stats: Stats, seed: int | None = None) -> None:
    """Send `examples` hypothesis-drawn inputs of `mode` to `op`, recording into `stats`."""
    typed = Strategies(pool, boundary=(mode == "boundary")).for_input(op)
    forms = malformed(op, typed) if mode == "malformed" else well_formed(op, typed)
    stats.operations.add(op.name)

    @settings(max_examples=examples, database=None, deadline=None, derandomize=seed is None,
              suppress_health_check=list(HealthCheck), phases=["generate"])
    @given(forms)
    def run(form: dict[str, str]) -> None:
        form = {"Action": op.name, "Version": "2016-11-15", **form}
        status, body = target.send(form)
        stats.inputs += 1
        stats.statuses[status] += 1
        problem, code = check_answer(op, status, body)
        if code:
            stats.codes[code] += 1
        if status == 501 and code == "NotImplemented":
            stats.not_implemented.add(op.name)
        if status < 300:
            stats.succeeded.add(op.name)
        if status >= 500 and not (status == 501 and op.name not in dispatch.handlers()):
            stats.server_errors += 1
        if problem:
            stats.findings.append(Finding(op.name, mode, problem, form))

    if seed is not None:
        run = hypothesis.seed(seed)(run)
    run()


def ordered_operations() -> list[str]:
    """Every EC2 operation, creators first and destroyers last, so the middle finds things."""
    first = ("Create", "Allocate", "Run", "Request", "Import", "Register", "Associate",
             "Attach", "Copy", "Purchase", "Provision")
    last = ("Delete", "Release", "Terminate", "Deregister", "Disassociate", "Detach",
            "Cancel", "Reject", "Deprovision", "Disable", "Unassign", "Revoke")
    names = sorted(protocol.service_model().operation_names)

    def rank(name: str) -> int:
        return 0 if name.startswith(first) else 2 if name.startswith(last) else 1
    return sorted(names, key=rank)


def run(target: HttpTarget | WorldTarget, examples: int, modes: tuple[str, ...] = MODES,
        operations: list[str] | None = None, seed: int | None = None,
        progress: Callable[[str], None] | None = None,
        unimplemented_modes: tuple[str, ...] | None = None) -> tuple[Stats, list[str]]:
    """Fuzz `operations` (default: all) in `modes` (`unimplemented_modes` for those with no
    handler, if given); then check the world's invariants."""
    stats = Stats()
    pool = Pool()
    model = protocol.service_model()
    # build the partition, and the public AMI catalogue's (so ImageId draws real images)
    target.send({"Action": "DescribeVpcs", "Version": "2016-11-15"})
    target.send({"Action": "DescribeImages", "Version": "2016-11-15", "Owner.1": "amazon"})
    names = operations or ordered_operations()
    for i, name in enumerate(names):
        pool.refresh(target.dump())
        op = model.operation_model(name)
        implemented = name in dispatch.handlers()
        started = time.monotonic()
        for mode in modes if implemented or unimplemented_modes is None else unimplemented_modes:
            fuzz_operation(target, pool, op, mode, examples, stats, seed)
        took = time.monotonic() - started
        if progress and took > 10:
            progress(f"{name}: {took:.0f} s")
        if progress and (i + 1) % 50 == 0:
            progress(f"{i + 1}/{len(names)} operations, {stats.inputs} inputs, "
                     f"{stats.server_errors} 5xx")
    return stats, invariants.violations(target.world())


# -- the long run --------------------------------------------------------------------------------
def report(stats: Stats, broken: list[str], seconds: float) -> str:
    lines = [
        f"operations fuzzed: {len(stats.operations)}",
        f"inputs tried: {stats.inputs}",
        f"5xx seen: {stats.server_errors}",
        f"operations answering 2xx at least once: {len(stats.succeeded)}",
        f"operations with no handler (501 NotImplemented): {len(stats.not_implemented)}",
        "status histogram: " + ", ".join(f"{s}: {n}" for s, n in sorted(stats.statuses.items())),
        "top error codes: " + ", ".join(f"{c} {n}" for c, n in stats.codes.most_common(12)),
        f"findings (5xx, unparsable, bad codes): {len(stats.findings)}",
        f"invariant violations after the run: {len(broken)}",
        f"time: {seconds:.1f} s",
    ]
    lines += [str(f) for f in stats.findings[:50]]
    lines += broken[:50]
    return "\n".join(lines)


def _server() -> Any:
    """The tests' `ec2sim serve` context manager (a subprocess on a free port), reused."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                    "tests"))
    from conftest import ec2sim_server

    return ec2sim_server()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--examples", type=int, default=20, help="inputs per operation and mode")
    parser.add_argument("--modes", nargs="+", choices=MODES, default=list(MODES))
    parser.add_argument("--only", nargs="+", metavar="OPERATION", help="fuzz only these")
    parser.add_argument("--url", help="fuzz this running server instead of starting one")
    parser.add_argument("--in-process", action="store_true",
                        help="fuzz an in-process world (also checks its live indexes)")
    parser.add_argument("--seed", type=int, help="random (not derandomized) run with this seed")
    parser.add_argument("--not-implemented", action="store_true",
                        help="list the operations that answered 501 NotImplemented")
    args = parser.parse_args(argv)
    started = time.monotonic()

    def go(target: HttpTarget | WorldTarget) -> tuple[Stats, list[str]]:
        return run(target, args.examples, tuple(args.modes), args.only, args.seed,
                   progress=lambda line: print(line, file=sys.stderr, flush=True))

    if args.in_process:
        stats, broken = go(WorldTarget())
    elif args.url:
        with HttpTarget(args.url) as target:
            stats, broken = go(target)
    else:
        with _server() as url, HttpTarget(url) as target:
            stats, broken = go(target)
    print(report(stats, broken, time.monotonic() - started))
    if args.not_implemented:
        print("not implemented: " + " ".join(sorted(stats.not_implemented)))
    return 1 if stats.findings or broken else 0


if __name__ == "__main__":
    sys.exit(main())
