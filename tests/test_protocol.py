"""The EC2 Query protocol layer against botocore's own serializer and parser, for every operation.

(a) requests that botocore's `EC2Serializer` builds from generated parameters (every member of
    every input shape) parse with `api.protocol.parse` back to those parameters;
(b) responses that `api.xml_writer.serialize` writes from generated output dicts parse with
    botocore's `EC2QueryParser` back to those dicts.

Then targeted tests of the wire details: sparse and out-of-order indices, the errors for
unknown, missing and malformed parameters, escaping, booleans, timestamps, the error
envelope and the request id, GET requests, unknown and unimplemented actions.
"""
from __future__ import annotations

import base64
import datetime as dt
import re
import xml.etree.ElementTree as ET
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

import botocore.session
import pytest
from botocore.model import OperationModel, Shape
from botocore.parsers import create_parser
from botocore.serialize import create_serializer

from api import dispatch, protocol, xml_writer
from api.app import create_app
from topology.core.errors import InvalidParameterValue, MissingParameter
from topology.core.world import World

MODEL = botocore.session.get_session().get_service_model("ec2")
OPERATIONS = sorted(MODEL.operation_names)
SERIALIZER = create_serializer("ec2", include_validation=False)
PARSER = create_parser("ec2")
TRICKY = "a&b<c>d\"e'f é€😀 %+=/?#;"   # escaping, unicode and URL-reserved characters


# -- example values from the model -----------------------------------------------------------
class Examples:
    """Deterministic example values for any shape: every member, typed by the model.

    `variant` 0 fills lists with two items, 1 with one item and (for lists of structures)
    an empty structure before it, which botocore skips, so its indices arrive sparse;
    enums, ints, booleans and timestamps take different values per variant.
    """

    def __init__(self, variant: int, *, output: bool = False) -> None:
        self.variant = variant
        self.output = output
        self.counter = 0

    def value(self, shape: Shape, name: str, stack: tuple[str, ...] = ()) -> Any:
        self.counter += 1
        kind = shape.type_name
        if kind == "structure":
            return self.structure(shape, stack)
        if kind == "list":
            return self.list(shape, name, stack)
        return getattr(self, "_" + kind)(shape, name)

    def structure(self, shape: Shape, stack: tuple[str, ...]) -> dict[str, Any]:
        out = {}
        for member_name, member in shape.members.items():
            if member.name in stack and member_name not in shape.required_members:
                continue  # recursive shapes: stop at the first repetition
            out[member_name] = self.value(member, member_name, stack + (shape.name,))
        return out

    def list(self, shape: Shape, name: str, stack: tuple[str, ...]) -> list[Any]:
        member = shape.member
        if self.variant == 0:
            return [self.value(member, name, stack), self.value(member, name, stack)]
        if self.output and self.counter % 3 == 0:
            return []  # an empty list is an empty element on output
        if member.type_name == "structure" and not self.output:
            return [{}, self.value(member, name, stack)]
        return [self.value(member, name, stack)]

    def _string(self, shape: Shape, name: str) -> str:
        if shape.enum:
            return shape.enum[(self.counter + self.variant) % len(shape.enum)]
        if self.counter % 4 == 0:
            return f"{name}-{TRICKY}-{self.counter}"
        return f"{name}-{self.counter}"

    def _integer(self, shape: Shape, name: str) -> int:
        low, high = shape.metadata.get("min"), shape.metadata.get("max")
        if self.variant == 0:
            return low if low is not None else (high if high is not None else 7 + self.counter)
        if high is not None:
            return high
        return (low or 0) + 1000 + self.counter

    def _long(self, shape: Shape, name: str) -> int:
        value = self._integer(shape, name)
        return value if shape.metadata.get("max") is not None else value + 2 ** 40

    def _boolean(self, shape: Shape, name: str) -> bool:
        return (self.counter + self.variant) % 2 == 0

    def _double(self, shape: Shape, name: str) -> float:
        return 0.5 + self.counter

    _float = _double

    def _timestamp(self, shape: Shape, name: str) -> dt.datetime:
        micro = 123000 if self.variant == 0 else 0   # `.123Z` and whole seconds
        return dt.datetime(2024, 1, 2, 3, 4, 5, micro, tzinfo=dt.timezone.utc) + \
            dt.timedelta(days=self.counter)

    def _blob(self, shape: Shape, name: str) -> bytes:
        return bytes(range(self.counter % 7, 256, 3))


def on_the_wire(value: Any) -> Any:
    """What of `value` the Query wire can carry: botocore sends no empty lists or structures."""
    if isinstance(value, dict):
        out = {k: on_the_wire(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if v not in ({}, [])}
    if isinstance(value, list):
        out = [on_the_wire(v) for v in value]
        return [v for v in out if v not in ({}, [])]
    return value


def wire_form(params: dict[str, Any], op: OperationModel) -> dict[str, str]:
    """The form fields a server receives for `params`: serialized, URL-encoded and decoded."""
    body = SERIALIZER.serialize_to_request(params, op)["body"]
    return dict(parse_qsl(urlencode(body), keep_blank_values=True))


# -- (a) requests ----------------------------------------------------------------------------
@pytest.mark.parametrize("name", OPERATIONS)
def test_request_round_trip(name: str) -> None:
    op = MODEL.operation_model(name)
    if op.input_shape is None:
        assert protocol.parse(op, {"Action": name, "Version": "2016-11-15"}) == {}
        return
    for variant in (0, 1):
        params = Examples(variant).structure(op.input_shape, ())
        form = wire_form(params, op)
        shuffled = dict(reversed(list(form.items())))  # out of order: `.2` arrives before `.1`
        assert protocol.parse(op, shuffled) == on_the_wire(params), f"variant {variant}"


def test_generator_knows_every_type_in_the_model() -> None:
    """Every shape type of the EC2 model, input and output, has an example generator (no
    member is silently skipped), and the model has no maps (the parser has no map code)."""
    kinds: set[str] = set()
    seen: set[str] = set()

    def walk(shape: Shape) -> None:
        if shape.name in seen:
            return
        seen.add(shape.name)
        kinds.add(shape.type_name)
        for child in getattr(shape, "members", {}).values():
            walk(child)
        if shape.type_name == "list":
            walk(shape.member)

    for name in OPERATIONS:
        op = MODEL.operation_model(name)
        for shape in (op.input_shape, op.output_shape):
            if shape is not None:
                walk(shape)
    assert "map" not in kinds
    assert all(kind in ("structure", "list") or hasattr(Examples, "_" + kind) for kind in kinds)
    assert {"timestamp", "blob", "long", "double", "boolean"} <= kinds


# -- (b) responses ---------------------------------------------------------------------------
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


def check_strictly(shape: Shape, element: ET.Element) -> None:
    """What botocore forgives but the JavaScript SDK does not: exact element names
    (`item` for list members), lowercase booleans, `...000Z` timestamps."""
    kind = shape.type_name
    if kind == "structure":
        names = {m.serialization.get("name", n): m for n, m in shape.members.items()}
        for child in element:
            tag = child.tag.rpartition("}")[2]
            assert tag in names, f"{shape.name} has no element {tag}"
            check_strictly(names[tag], child)
    elif kind == "list":
        item = shape.member.serialization.get("name", "member")
        for child in element:
            assert child.tag.rpartition("}")[2] == item, f"{shape.name}: {child.tag} is not {item}"
            check_strictly(shape.member, child)
    else:
        assert len(element) == 0
        text = element.text or ""
        if kind == "boolean":
            assert text in ("true", "false"), text
        elif kind == "timestamp":
            assert TIMESTAMP.fullmatch(text), text


def parse_response(op: OperationModel, body: bytes, request_id: str = "req-1") -> dict[str, Any]:
    parsed = PARSER.parse({"body": body, "headers": {"x-amzn-requestid": request_id},
                           "status_code": 200}, op.output_shape)
    meta = parsed.pop("ResponseMetadata")
    assert meta["RequestId"] == request_id
    return parsed


@pytest.mark.parametrize("name", OPERATIONS)
def test_response_round_trip(name: str) -> None:
    op = MODEL.operation_model(name)
    if op.output_shape is None:
        body = xml_writer.serialize(op, None, "req-1")
        assert parse_response(op, body) == {}
        return
    for variant in (0, 1):
        result = Examples(variant, output=True).structure(op.output_shape, ())
        body = xml_writer.serialize(op, result, "req-1")
        root = ET.fromstring(body)
        assert root.tag == f"{{{xml_writer.EC2_XMLNS}}}{name}Response"
        assert root[0].tag == f"{{{xml_writer.EC2_XMLNS}}}requestId"
        assert root[0].text == "req-1"
        for child in root[1:]:
            tag = child.tag.rpartition("}")[2]
            member = next(m for n, m in op.output_shape.members.items()
                          if m.serialization.get("name", n) == tag)
            check_strictly(member, child)
        assert parse_response(op, body) == result, f"variant {variant}"


def test_response_round_trip_sts() -> None:
    sts = protocol.service_model("sts").operation_model("GetCallerIdentity")
    result = {"UserId": "111122223333", "Account": "111122223333",
              "Arn": "arn:aws:iam::111122223333:root"}
    parsed = create_parser("query").parse(
        {"body": xml_writer.serialize(sts, result, "req-9"), "headers": {}, "status_code": 200},
        sts.output_shape)
    assert parsed.pop("ResponseMetadata")["RequestId"] == "req-9"
    assert parsed == result


# -- targeted: requests ----------------------------------------------------------------------
def op_(name: str) -> OperationModel:
    return MODEL.operation_model(name)


def test_a_year_before_1000_parses_as_botocore_writes_it() -> None:
    """botocore writes `datetime(1, 1, 1)` as `1-01-01T00:00:00Z` (no zero padding)."""
    op = op_("DescribeSpotPriceHistory")
    when = dt.datetime(1, 1, 1, tzinfo=dt.timezone.utc)
    form = wire_form({"StartTime": when}, op)
    assert form["StartTime"].startswith("1-01-01")
    assert protocol.parse(op, form) == {"StartTime": when}


def test_sparse_and_out_of_order_indices() -> None:
    form = {"Action": "DescribeVpcs", "Filter.7.Name": "cidr", "Filter.7.Value.3": "c",
            "Filter.7.Value.1": "a", "Filter.2.Name": "state", "Filter.2.Value.9": "available",
            "VpcId.10": "vpc-10", "VpcId.2": "vpc-2", "VpcId.11": "vpc-11"}
    assert protocol.parse(op_("DescribeVpcs"), form) == {
        "Filters": [{"Name": "state", "Values": ["available"]},
                    {"Name": "cidr", "Values": ["a", "c"]}],
        "VpcIds": ["vpc-2", "vpc-10", "vpc-11"],    # numeric order, not string order
    }


def test_eleven_items_keep_numeric_order() -> None:
    ids = [f"vpc-{i:08x}" for i in range(11)]
    form = wire_form({"VpcIds": ids}, op_("DescribeVpcs"))
    assert protocol.parse(op_("DescribeVpcs"), dict(sorted(form.items()))) == {"VpcIds": ids}


def test_prefix_names_are_not_confused() -> None:
    """`Ipv6Prefix.N` and `Ipv6PrefixCount` are different members: keys split on `.`."""
    op = op_("AssignIpv6Addresses")
    form = {"Ipv6Prefix.1": "2001:db8::/80", "Ipv6PrefixCount": "2", "NetworkInterfaceId": "eni-1"}
    assert protocol.parse(op, form) == {"Ipv6Prefixes": ["2001:db8::/80"], "Ipv6PrefixCount": 2,
                                        "NetworkInterfaceId": "eni-1"}


@pytest.mark.parametrize("form, wire", [
    ({"Bogus": "1"}, "Bogus"),
    ({"Filter.1.Name": "x", "Filter.1.Bogus": "y"}, "Filter.1.Bogus"),
    ({"VpcId.x": "vpc-1"}, "VpcId.x"),
    ({"VpcId.0": "vpc-1"}, "VpcId.0"),
    ({"MaxResults.1": "5"}, "MaxResults.1"),
])
def test_unknown_parameter(form: dict[str, str], wire: str) -> None:
    with pytest.raises(protocol.UnknownParameter) as exc:
        protocol.parse(op_("DescribeVpcs"), form)
    assert exc.value.code == "UnknownParameter" and exc.value.status == 400
    assert exc.value.message == f"The parameter {wire} is not recognized"


def test_missing_required_parameter() -> None:
    with pytest.raises(MissingParameter) as exc:
        protocol.parse(op_("CreateSubnet"), {"CidrBlock": "10.0.0.0/24"})
    assert exc.value.code == "MissingParameter"
    assert exc.value.message == "The request must contain the parameter VpcId"
    # a nested required member is named by its wire path
    with pytest.raises(MissingParameter) as exc:
        protocol.parse(op_("CreateManagedPrefixList"), {
            "PrefixListName": "p", "MaxEntries": "5", "AddressFamily": "IPv4",
            "Entry.1.Cidr": "10.0.0.0/8", "Entry.2.Description": "no cidr"})
    assert exc.value.message == "The request must contain the parameter Entry.2.Cidr"
    # a required list that arrives empty is not sent at all: missing
    with pytest.raises(MissingParameter) as exc:
        protocol.parse(op_("CreateTags"), {"Tag.1.Key": "k"})
    assert exc.value.message == "The request must contain the parameter resourceIdSet"
    with pytest.raises(MissingParameter) as exc:
        protocol.parse(op_("AuthorizeSecurityGroupEgress"),
                       {"IpPermissions.1.FromPort": "1"})
    assert exc.value.message == "The request must contain the parameter GroupId"


@pytest.mark.parametrize("name, form, message", [
    ("DescribeVpcs", {"MaxResults": "ten"}, "Value (ten) for parameter MaxResults is invalid."),
    ("DescribeVpcs", {"MaxResults": "4"},
     "Value ( 4 ) for parameter MaxResults is invalid. Parameter must be between 5 and 1000."),
    ("DescribeVpcs", {"MaxResults": "1_0"}, "Value (1_0) for parameter MaxResults is invalid."),
    ("DescribeVpcs", {"MaxResults": " 10"}, "Value ( 10) for parameter MaxResults is invalid."),
    ("DescribeVpcs", {"MaxResults": ""}, "Value () for parameter MaxResults is invalid."),
    ("CreateVpc", {"CidrBlock": "10.0.0.0/16", "Ipv4NetmaskLength": "4294967296"},
     "Value (4294967296) for parameter Ipv4NetmaskLength is invalid."),
    ("DescribeVpcs", {"DryRun": "yes"}, "Value (yes) for parameter DryRun is invalid."),
    ("CreateVpc", {"CidrBlock": "10.0.0.0/16", "InstanceTenancy": "shared"},
     "Value (shared) for parameter InstanceTenancy is invalid. "
     "Valid values are: default, dedicated, host"),
])
def test_bad_values(name: str, form: dict[str, str], message: str) -> None:
    with pytest.raises(InvalidParameterValue) as exc:
        protocol.parse(op_(name), form)
    assert exc.value.code == "InvalidParameterValue" and exc.value.status == 400
    assert exc.value.message == message


def test_booleans_are_case_insensitive_on_input() -> None:
    op = op_("DescribeVpcs")
    assert protocol.parse(op, {"DryRun": "TRUE"}) == {"DryRun": True}
    assert protocol.parse(op, {"DryRun": "false"}) == {"DryRun": False}


def test_enum_values_fold_to_the_model_spelling() -> None:
    op = op_("CreateNetworkAclEntry")
    form = {"NetworkAclId": "acl-12345678", "RuleNumber": "10", "Protocol": "-1",
            "Egress": "false", "CidrBlock": "0.0.0.0/0"}
    assert protocol.parse(op, {**form, "RuleAction": "DENY"})["RuleAction"] == "deny"
    with pytest.raises(InvalidParameterValue):
        protocol.parse(op, {**form, "RuleAction": "drop"})


# -- targeted: responses ---------------------------------------------------------------------
def tag_body(value: str) -> bytes:
    return xml_writer.serialize(op_("DescribeTags"), {"Tags": [
        {"Key": "k", "Value": value, "ResourceId": "vpc-1", "ResourceType": "vpc"}]}, "r")


def test_escaping_and_unicode_in_tag_values() -> None:
    value = "a&b<c>d]]>e\"f'g é€😀"
    body = tag_body(value)
    assert b"&amp;" in body and b"&lt;" in body and b"&gt;" in body
    assert "é€😀".encode() in body   # UTF-8, not character references
    assert parse_response(op_("DescribeTags"), body, "r")["Tags"][0]["Value"] == value


def test_booleans_are_lowercase_and_timestamps_milliseconds() -> None:
    when = dt.datetime(2024, 1, 2, 3, 4, 5, 678901, tzinfo=dt.timezone.utc)
    body = xml_writer.serialize(op_("DescribeSnapshots"), {"Snapshots": [
        {"SnapshotId": "snap-1", "Encrypted": True, "StartTime": when},
        {"SnapshotId": "snap-2", "Encrypted": False,
         "StartTime": dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)}]}, "r").decode()
    assert "<encrypted>true</encrypted>" in body and "<encrypted>false</encrypted>" in body
    assert "<startTime>2024-01-02T03:04:05.678Z</startTime>" in body
    assert "<startTime>2024-01-02T03:04:05.000Z</startTime>" in body
    assert "True" not in body and "False" not in body


def test_timestamp_from_other_zone_is_written_in_utc() -> None:
    plus2 = dt.timezone(dt.timedelta(hours=2))
    assert xml_writer.timestamp(dt.datetime(2024, 1, 2, 5, 0, 0, tzinfo=plus2)) == \
        "2024-01-02T03:00:00.000Z"


def test_empty_list_and_none_members() -> None:
    body = xml_writer.serialize(op_("DescribeVpcs"), {"Vpcs": [], "NextToken": None}, "r")
    assert b"<vpcSet></vpcSet>" in body and b"nextToken" not in body
    assert parse_response(op_("DescribeVpcs"), body, "r") == {"Vpcs": []}


def test_members_are_written_in_the_models_order_whatever_the_dicts() -> None:
    vpc = {"State": "available", "VpcId": "vpc-1", "OwnerId": "111122223333",
           "Tags": [{"Value": "v", "Key": "k"}]}
    body = xml_writer.serialize(op_("DescribeVpcs"), {"Vpcs": [vpc]}, "r").decode()
    model = [op_("DescribeVpcs").output_shape.members["Vpcs"].member.members[name]
             .serialization["name"] for name in op_("DescribeVpcs").output_shape
             .members["Vpcs"].member.members if name in vpc]
    assert sorted(model, key=lambda tag: body.index(f"<{tag}>")) == model
    assert body.index("<key>") < body.index("<value>")


def test_a_member_the_model_lacks_is_our_bug() -> None:
    with pytest.raises(TypeError, match="Vpc has no member 'Colour'"):
        xml_writer.serialize(op_("DescribeVpcs"), {"Vpcs": [{"VpcId": "v", "Colour": "red"}]},
                             "r")


def test_in_process_answers_come_in_the_models_order_as_botocore_parses_them() -> None:
    op = op_("DescribeVpcs")
    vpc = {"State": "available", "VpcId": "vpc-1", "OwnerId": "111122223333",
           "Tags": [{"Value": "v", "Key": "k"}], "IsDefault": False}
    mine = protocol.parsed(op, {"Vpcs": [vpc]})
    theirs = parse_response(op, xml_writer.serialize(op, {"Vpcs": [vpc]}, "r"), "r")
    assert mine == theirs
    assert list(mine["Vpcs"][0]) == list(theirs["Vpcs"][0]) != list(vpc)
    assert list(mine["Vpcs"][0]["Tags"][0]) == ["Key", "Value"]


def test_a_member_the_model_lacks_is_our_bug_in_process_too() -> None:
    with pytest.raises(TypeError, match="Vpc has no member 'Colour'"):
        protocol.parsed(op_("DescribeVpcs"), {"Vpcs": [{"VpcId": "v", "Colour": "red"}]})


def test_operation_without_output_answers_return_true() -> None:
    op = next(MODEL.operation_model(n) for n in OPERATIONS
              if MODEL.operation_model(n).output_shape is None)
    assert b"<return>true</return>" in xml_writer.serialize(op, None, "r")


# -- through the dispatcher and the app ------------------------------------------------------
AUTH = ("AWS4-HMAC-SHA256 Credential=testing/20240101/us-east-1/ec2/aws4_request, "
        "SignedHeaders=host, Signature=0")


@pytest.fixture
def app_client() -> Any:
    return create_app(World(seed=1)).test_client()


def error_of(body: bytes) -> tuple[str, str, str]:
    root = ET.fromstring(body)
    assert root.tag == "Response"
    assert [child.tag for child in root] == ["Errors", "RequestID"]
    (error,) = root.find("Errors")
    assert [child.tag for child in error] == ["Code", "Message"]
    return error.findtext("Code"), error.findtext("Message"), root.findtext("RequestID")


def post(client: Any, form: dict[str, str]) -> Any:
    return client.post("/", data=urlencode(form), headers={
        "Authorization": AUTH, "Content-Type": "application/x-www-form-urlencoded"})


def test_error_envelope_and_request_id_header(app_client: Any) -> None:
    answer = post(app_client, {"Action": "DescribeVpcs", "Version": "2016-11-15", "Bogus": "1"})
    assert answer.status_code == 400
    code, message, request_id = error_of(answer.data)
    assert (code, message) == ("UnknownParameter", "The parameter Bogus is not recognized")
    assert answer.headers["x-amzn-RequestId"] == request_id and request_id
    parsed = PARSER.parse({"body": answer.data, "headers": dict(answer.headers),
                           "status_code": 400}, op_("DescribeVpcs").output_shape)
    assert parsed["Error"]["Code"] == "UnknownParameter"
    assert parsed["ResponseMetadata"]["RequestId"] == request_id


def test_success_request_id_header_matches_body(app_client: Any) -> None:
    answer = post(app_client, {"Action": "DescribeVpcs", "Version": "2016-11-15"})
    assert answer.status_code == 200
    root = ET.fromstring(answer.data)
    assert root.findtext(f"{{{xml_writer.EC2_XMLNS}}}requestId") == answer.headers["x-amzn-RequestId"]
    assert answer.headers["Content-Type"].startswith("text/xml")


def test_get_with_query_string(app_client: Any) -> None:
    query = urlencode({"Action": "DescribeVpcs", "Version": "2016-11-15",
                       "Filter.1.Name": "cidr", "Filter.1.Value.1": "172.31.0.0/16"})
    answer = app_client.get("/?" + query, headers={"Authorization": AUTH})
    assert answer.status_code == 200, answer.data
    parsed = parse_response(op_("DescribeVpcs"), answer.data, answer.headers["x-amzn-RequestId"])
    assert [v["CidrBlock"] for v in parsed["Vpcs"]] == ["172.31.0.0/16"]


def test_query_string_and_body_merge(app_client: Any) -> None:
    answer = app_client.post("/?Action=DescribeVpcs&Version=2016-11-15",
                             data="Filter.1.Name=cidr&Filter.1.Value.1=" + quote("10.9.0.0/16"),
                             headers={"Authorization": AUTH,
                                      "Content-Type": "application/x-www-form-urlencoded"})
    assert answer.status_code == 200, answer.data
    assert parse_response(op_("DescribeVpcs"), answer.data,
                          answer.headers["x-amzn-RequestId"]) == {"Vpcs": []}


def test_unknown_action(app_client: Any) -> None:
    answer = post(app_client, {"Action": "LaunchRockets", "Version": "2016-11-15"})
    assert answer.status_code == 400
    assert error_of(answer.data)[:2] == (
        "InvalidAction", "The action LaunchRockets is not valid for this web service.")


def test_post_without_action(app_client: Any) -> None:
    answer = post(app_client, {"Version": "2016-11-15"})
    assert answer.status_code == 400
    assert error_of(answer.data)[0] == "InvalidAction"


@pytest.fixture
def unimplemented(monkeypatch: pytest.MonkeyPatch) -> str:
    """An operation of the model with no handler: every one has a handler today, so one
    (with no required member) is taken out for the test, as a newer botocore's would be."""
    missing = [n for n in OPERATIONS if n not in dispatch.handlers()
               and op_(n).input_shape is not None and not op_(n).input_shape.required_members]
    name = missing[0] if missing else "DescribeElasticGpus"
    if not missing:
        monkeypatch.delitem(dispatch.handlers(), name)
    return name


def test_unimplemented_operation_is_501_naming_it(app_client: Any, unimplemented: str) -> None:
    answer = post(app_client, {"Action": unimplemented, "Version": "2016-11-15"})
    assert answer.status_code == 501
    code, message, _ = error_of(answer.data)
    assert code == "NotImplemented" and unimplemented in message


def test_parameters_are_checked_before_implementation(app_client: Any,
                                                      unimplemented: str) -> None:
    """A malformed request is the client's error (400) even for an unimplemented operation."""
    answer = post(app_client, {"Action": unimplemented, "Version": "2016-11-15", "Bogus": "1"})
    assert answer.status_code == 400
    assert error_of(answer.data)[0] == "UnknownParameter"


def test_blob_input_round_trip() -> None:
    op = next(MODEL.operation_model(n) for n in OPERATIONS
              if any(m.type_name == "blob" for m in (MODEL.operation_model(n).input_shape.members
                                                      if MODEL.operation_model(n).input_shape
                                                      else {}).values()))
    name = next(k for k, m in op.input_shape.members.items() if m.type_name == "blob")
    data = b"\x00\xff binary &<>"
    params = Examples(0).structure(op.input_shape, ())
    params[name] = data
    form = wire_form(params, op)
    assert base64.b64decode(next(v for k, v in form.items() if k.lower() == name.lower())) == data
    assert protocol.parse(op, form)[name] == data


def test_presigned_get_takes_the_caller_from_the_query(app_client: Any) -> None:
    """A presigned URL carries the SigV4 scope in `X-Amz-Credential`, not in a header."""
    def describe(region: str) -> Any:
        query = urlencode({"Action": "DescribeVpcs", "Version": "2016-11-15",
                           "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
                           "X-Amz-Credential": f"111122223333/20240101/{region}/ec2/aws4_request",
                           "X-Amz-Signature": "0", "X-Amz-SignedHeaders": "host"})
        answer = app_client.get("/?" + query)
        assert answer.status_code == 200, answer.data
        return parse_response(op_("DescribeVpcs"), answer.data,
                              answer.headers["x-amzn-RequestId"])["Vpcs"]

    west = describe("us-west-2")
    assert [v["OwnerId"] for v in west] == ["111122223333"]
    assert west != describe("eu-west-1")
