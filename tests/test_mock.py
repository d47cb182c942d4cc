"""The in-process mode: `mock_ec2` as decorator and context manager, nesting, clean exit,
threads, the in-process answer against the wire answer, and the pytest plugin's fixtures."""
from __future__ import annotations

import datetime
import os
import socket
import subprocess
import sys
import textwrap
import threading
import unittest
from pathlib import Path
from typing import Any

import boto3
import botocore.handlers
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, EndpointConnectionError

from api import mock_ec2
from api import protocol
from api import mock as mock_module
from api.mock import MockError, _before_call, _before_send, _on_client_class
from helpers import vpc_ids


def ec2_client(**kwargs: Any) -> Any:
    return boto3.client("ec2", region_name="us-east-1", **kwargs)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]      # nobody listens there once the socket closes


def assert_goes_to_the_network(ec2: Any) -> None:
    """A call reaches the (closed) endpoint: a connection error, not an ec2sim answer."""
    with pytest.raises(EndpointConnectionError):
        ec2.describe_vpcs()


def offline_client() -> Any:
    return ec2_client(endpoint_url=f"http://127.0.0.1:{closed_port()}",
                      config=Config(retries={"max_attempts": 1}, connect_timeout=2))


def test_context_manager() -> None:
    with mock_ec2() as mock:
        ec2 = ec2_client()
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        assert vpc in vpc_ids(ec2)
        assert mock.world.node(vpc)["kind"] == "vpc"


def test_decorator_gives_each_call_a_fresh_simulator() -> None:
    seen: list[list[str]] = []

    @mock_ec2()
    def create_and_list() -> None:
        ec2 = ec2_client()
        ec2.create_vpc(CidrBlock="10.0.0.0/16")
        seen.append(vpc_ids(ec2))

    create_and_list()
    create_and_list()
    assert [len(ids) for ids in seen] == [2, 2]
    assert_goes_to_the_network(offline_client())


def test_bare_decorator_and_return_value() -> None:
    @mock_ec2
    def count() -> int:
        return len(vpc_ids(ec2_client()))

    assert count() == 1
    assert count.__name__ == "count"


def test_seeded_mocks_give_the_same_ids() -> None:
    runs = []
    for _ in range(2):
        with mock_ec2(seed=42):
            ec2 = ec2_client()
            runs.append(vpc_ids(ec2) + [ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]])
    assert runs[0] == runs[1]


def test_nesting_inner_is_fresh_and_outer_comes_back() -> None:
    with mock_ec2():
        outer = ec2_client()
        mine = outer.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        with mock_ec2():
            inner = ec2_client()
            assert mine not in vpc_ids(inner) and len(vpc_ids(inner)) == 1
            theirs = inner.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
            assert mine not in vpc_ids(outer)       # the innermost mock serves every client
        assert mine in vpc_ids(outer) and theirs not in vpc_ids(outer)
        assert mine in vpc_ids(inner)
    assert_goes_to_the_network(offline_client())


def test_botocore_is_restored_after_exit() -> None:
    builtin = list(botocore.handlers.BUILTIN_HANDLERS)
    env = {k: os.environ.get(k) for k in ("AWS_ACCESS_KEY_ID", "AWS_DEFAULT_REGION")}
    with mock_ec2():
        made_inside = offline_client()
        assert len(vpc_ids(made_inside)) == 1     # served in-process despite its endpoint
    assert botocore.handlers.BUILTIN_HANDLERS == builtin
    assert not {_before_call, _before_send} & {entry[1] for entry in botocore.handlers.BUILTIN_HANDLERS}
    assert {k: os.environ.get(k) for k in env} == env
    assert_goes_to_the_network(made_inside)       # a client from inside the mock, used after
    assert_goes_to_the_network(offline_client())  # a client made after


def test_restored_after_an_exception() -> None:
    with pytest.raises(RuntimeError):
        with mock_ec2():
            raise RuntimeError("boom")
    assert not {_before_call, _before_send} & {entry[1] for entry in botocore.handlers.BUILTIN_HANDLERS}
    assert_goes_to_the_network(offline_client())


# -- which clients are served: those made while a mock is active, until its outermost ends ----
def hooks_left() -> set[Any]:
    return {_before_call, _before_send, _on_client_class} & {
        entry[1] for entry in botocore.handlers.BUILTIN_HANDLERS}


def test_a_client_made_before_the_mock_is_never_served() -> None:
    before = offline_client()
    with mock_ec2():
        assert_goes_to_the_network(before)
        assert len(vpc_ids(offline_client())) == 1        # one made now is
    assert_goes_to_the_network(before)


def test_a_client_from_inside_a_mock_is_not_served_by_a_later_one() -> None:
    with mock_ec2():
        inside = offline_client()
        session = boto3.Session()
        assert len(vpc_ids(inside)) == 1
    made_after = session.client("ec2", region_name="us-east-1",
                                endpoint_url=f"http://127.0.0.1:{closed_port()}",
                                config=Config(retries={"max_attempts": 1}, connect_timeout=2))
    assert hooks_left() == set()
    assert_goes_to_the_network(inside)
    assert_goes_to_the_network(made_after)        # built outside every mock, from its session
    with mock_ec2():
        assert_goes_to_the_network(inside)        # its mock is gone: never served again
        assert_goes_to_the_network(made_after)
        assert len(vpc_ids(offline_client())) == 1


def test_a_session_made_in_one_mock_serves_clients_made_in_a_later_one() -> None:
    """What counts is when the client is made, not where its session came from."""
    with mock_ec2():
        session = boto3.Session()
    with mock_ec2() as later:
        ec2 = session.client("ec2", region_name="us-east-1")
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        assert later.world.node(vpc)["kind"] == "vpc"


def test_a_session_made_before_any_mock_is_not_hooked() -> None:
    """The documented limit: a session made before the mock never saw the hook (boto3's
    default session does, whenever it was made)."""
    session = boto3.Session()
    boto3.client("ec2", region_name="us-east-1")       # the default session exists before
    with mock_ec2():
        assert_goes_to_the_network(session.client(
            "ec2", region_name="us-east-1", endpoint_url=f"http://127.0.0.1:{closed_port()}",
            config=Config(retries={"max_attempts": 1}, connect_timeout=2)))
        assert len(vpc_ids(ec2_client())) == 1


def test_a_client_made_in_an_inner_mock_lives_as_long_as_the_outer_one() -> None:
    with mock_ec2() as outer:
        with mock_ec2() as inner:
            ec2 = offline_client()
            made = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
            assert inner.world.node(made) is not None
        assert made not in vpc_ids(ec2) and len(vpc_ids(ec2)) == 1    # the outer serves it
        assert outer.world.node(made) is None
    assert_goes_to_the_network(ec2)
    assert hooks_left() == set()


def test_a_client_made_in_a_thread_is_not_served_after_the_mock() -> None:
    made = threading.Event()
    mock_gone = threading.Event()
    results: list[Any] = []

    def work() -> None:
        ec2 = offline_client()
        results.append(len(vpc_ids(ec2)))
        made.set()
        mock_gone.wait(timeout=30)
        try:
            ec2.describe_vpcs()
            results.append("served")
        except EndpointConnectionError:
            results.append("network")
        try:
            offline_client().describe_vpcs()      # and one made once the mock is gone
            results.append("served")
        except EndpointConnectionError:
            results.append("network")

    with mock_ec2():
        thread = threading.Thread(target=work)
        thread.start()
        assert made.wait(timeout=30)
    mock_gone.set()
    thread.join(timeout=60)
    assert results == [1, "network", "network"]


def test_threads_starting_and_stopping_mocks_never_leave_a_hook() -> None:
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def work() -> None:
        try:
            start.wait()
            for _ in range(5):
                with mock_ec2():
                    assert vpc_ids(ec2_client())
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    pool = [threading.Thread(target=work) for _ in range(4)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=120)
    assert errors == [] and hooks_left() == set()
    assert_goes_to_the_network(offline_client())


def test_errors_are_client_errors_with_aws_codes() -> None:
    with mock_ec2():
        ec2 = ec2_client()
        with pytest.raises(ClientError) as exc:
            ec2.describe_vpcs(VpcIds=["vpc-12345678"])
        assert exc.value.response["Error"] == {
            "Code": "InvalidVpcID.NotFound", "Message": "The vpc ID 'vpc-12345678' does not exist"}
        assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
        assert exc.value.response["ResponseMetadata"]["RequestId"]


def test_sts_and_resource_api() -> None:
    with mock_ec2():
        assert boto3.client("sts", region_name="us-east-1").get_caller_identity()["Account"] == \
            "123456789012"
        vpc = boto3.resource("ec2", region_name="eu-west-1").create_vpc(CidrBlock="10.0.0.0/16")
        assert vpc.id in vpc_ids(boto3.client("ec2", region_name="eu-west-1"))
        assert vpc.id not in vpc_ids(ec2_client())


def test_threads_share_one_mock() -> None:
    with mock_ec2():
        clients = [ec2_client() for _ in range(6)]
        made: list[str] = []
        errors: list[BaseException] = []
        start = threading.Barrier(len(clients))

        def work(ec2: Any, n: int) -> None:
            try:
                start.wait()
                for i in range(4):
                    tag = [{"ResourceType": "vpc", "Tags": [{"Key": "t", "Value": f"{n}-{i}"}]}]
                    made.append(ec2.create_vpc(CidrBlock=f"10.{n}.{i}.0/24",
                                               TagSpecifications=tag)["Vpc"]["VpcId"])
                    vpc_ids(ec2)
            except BaseException as exc:  # reported by the main thread
                errors.append(exc)

        pool = [threading.Thread(target=work, args=(c, n)) for n, c in enumerate(clients)]
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join(timeout=60)
        assert errors == []
        assert len(made) == len(set(made)) == 24
        listed = clients[0].describe_vpcs(Filters=[{"Name": "tag-key", "Values": ["t"]}])["Vpcs"]
        assert sorted(v["VpcId"] for v in listed) == sorted(made)


def test_threads_started_inside_see_the_mock_and_stop_cleanly() -> None:
    answers: list[int] = []
    with mock_ec2():
        thread = threading.Thread(target=lambda: answers.append(len(vpc_ids(ec2_client()))))
        thread.start()
        thread.join(timeout=30)
    assert answers == [1]


@mock_ec2
class TestDecoratedClass:
    """Decorating a class mocks each test method, each with a fresh simulator."""

    def test_one(self) -> None:
        ec2_client().create_vpc(CidrBlock="10.0.0.0/16")
        assert len(vpc_ids(ec2_client())) == 2

    def test_two(self) -> None:
        assert len(vpc_ids(ec2_client())) == 1


@mock_ec2
class DecoratedTestCase(unittest.TestCase):
    """A decorated `unittest.TestCase`: setUp runs inside the same mock as the test."""

    def setUp(self) -> None:
        self.vpc = ec2_client().create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]

    def test_setup_state_is_visible(self) -> None:
        self.assertIn(self.vpc, vpc_ids(ec2_client()))
        self.assertEqual(len(vpc_ids(ec2_client())), 2)


# -- in-process answers and wire answers ---------------------------------------------------
def _session(ec2: Any) -> list[Any]:
    """One scripted session: creations, a launch, filtered describes, errors; its answers."""
    answers: list[Any] = []

    def call(name: str, **params: Any) -> Any:
        try:
            answers.append(getattr(ec2, name)(**params))
        except ClientError as err:
            answers.append(err.response)
        return answers[-1]

    vpc = call("create_vpc", CidrBlock="10.1.0.0/16",
               TagSpecifications=[{"ResourceType": "vpc", "Tags": [{"Key": "Name",
                                                                     "Value": "a <b> & \"c\"\r"}]}])
    subnet = call("create_subnet", VpcId=vpc["Vpc"]["VpcId"], CidrBlock="10.1.1.0/24")
    image = sorted(i["ImageId"] for i in call("describe_images", Owners=["amazon"])["Images"])[0]
    call("run_instances", ImageId=image, MinCount=3, MaxCount=3, InstanceType="t3.micro",
         SubnetId=subnet["Subnet"]["SubnetId"], ClientToken="same-token")
    call("describe_instances", Filters=[{"Name": "subnet-id",
                                         "Values": [subnet["Subnet"]["SubnetId"]]}])
    call("describe_network_interfaces", MaxResults=5)
    call("describe_vpcs", VpcIds=["vpc-12345678"])
    call("create_vpc", CidrBlock="10.9.0.0/16", DryRun=True)
    call("create_key_pair", KeyName="k", KeyType="ed25519")
    call("describe_instance_types", InstanceTypes=["t3.micro"])
    call("delete_vpc", VpcId=vpc["Vpc"]["VpcId"])
    return answers


def _comparable(value: Any) -> Any:
    """An answer without what differs from run to run: request ids, times, key material."""
    if isinstance(value, dict):
        return {k: _comparable(v) for k, v in value.items()
                if k not in ("RequestId", "HTTPHeaders", "KeyMaterial", "KeyFingerprint")}
    if isinstance(value, list):
        return [_comparable(v) for v in value]
    if isinstance(value, datetime.datetime):
        return ("time", type(value.tzinfo).__name__)
    return value


def test_in_process_answers_equal_the_wire_answers() -> None:
    """The default in-process route (no XML) and `wire=True` (signed request, XML answer
    parsed by botocore) give the same answers, errors included."""
    with mock_ec2(seed=5, verify=False):
        fast = _session(ec2_client())
    with mock_ec2(seed=5, wire=True):
        wire = _session(ec2_client())
    assert len(fast) == len(wire) == 11
    assert _comparable(fast) == _comparable(wire)
    assert [list(a) for a in fast] == [list(a) for a in wire]       # members in the same order
    assert fast[3]["Instances"][0]["LaunchTime"].tzinfo is not None
    assert fast[6]["Error"]["Code"] == "InvalidVpcID.NotFound"
    assert fast[7]["ResponseMetadata"]["HTTPStatusCode"] == 412
    assert fast[0]["Vpc"]["Tags"] == [{"Key": "Name", "Value": 'a <b> & "c"\r'}]


def test_only_the_wire_route_sends_http() -> None:
    """Hooks on botocore's HTTP events see requests with `wire=True` only."""
    for wire in (False, True):
        sent: list[str] = []
        with mock_ec2(wire=wire):
            ec2 = ec2_client()
            ec2.meta.events.register("before-send.ec2",
                                     lambda request, **_: sent.append(request.method))
            ec2.describe_vpcs()
        assert sent == (["POST"] if wire else [])


def test_verify_fails_a_call_whose_answers_differ(monkeypatch: pytest.MonkeyPatch) -> None:
    real = protocol.parsed

    def wrong(op: Any, result: Any) -> dict[str, Any]:
        answer = real(op, result)
        answer["Vpcs"][0]["CidrBlock"] = "10.9.9.0/24"
        return answer

    monkeypatch.setattr(protocol, "parsed", wrong)
    with mock_ec2(verify=True):
        with pytest.raises(AssertionError, match="DescribeVpcs answers differently"):
            ec2_client().describe_vpcs()
    with mock_ec2(verify=False):
        assert ec2_client().describe_vpcs()["Vpcs"][0]["CidrBlock"] == "10.9.9.0/24"


def verifications(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Start this process's record of verified operations afresh; list each verification."""
    done: list[tuple[str, int]] = []
    real = mock_module._verify

    def spy(model: Any, outcome: Any, parsed: Any) -> None:
        done.append((model.name, outcome.status))
        real(model, outcome, parsed)

    monkeypatch.setattr(mock_module, "_checked", set())
    monkeypatch.setattr(mock_module, "_verify", spy)
    return done


def some_calls(ec2: Any) -> None:
    for _ in range(3):
        vpc_ids(ec2)
    for _ in range(2):
        with pytest.raises(ClientError):
            ec2.describe_vpcs(VpcIds=["vpc-12345678"])
    ec2.create_vpc(CidrBlock="10.0.0.0/16")


def test_by_default_the_first_answers_of_each_operation_are_verified(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EC2SIM_MOCK_VERIFY", raising=False)
    done = verifications(monkeypatch)
    with mock_ec2() as mock:
        assert mock.verify == "first"
        some_calls(ec2_client())
    assert done == [("DescribeVpcs", 200), ("DescribeVpcs", 400), ("CreateVpc", 200)]
    with mock_ec2():                              # once per process, not per mock
        some_calls(ec2_client())
    assert len(done) == 3


@pytest.mark.parametrize(("env", "mode", "count"), [("1", True, 6), ("0", False, 0),
                                                    ("", "first", 3)])
def test_the_environment_sets_how_much_is_verified(monkeypatch: pytest.MonkeyPatch, env: str,
                                                   mode: Any, count: int) -> None:
    monkeypatch.setenv("EC2SIM_MOCK_VERIFY", env)
    done = verifications(monkeypatch)
    with mock_ec2() as mock:
        assert mock.verify == mode
        some_calls(ec2_client())
    assert len(done) == count


def test_a_first_answer_that_differs_raises_and_keeps_raising(
        monkeypatch: pytest.MonkeyPatch) -> None:
    verifications(monkeypatch)
    real = protocol.parsed

    def wrong(op: Any, result: Any) -> dict[str, Any]:
        answer = real(op, result)
        if op.name == "DescribeVpcs":
            answer["Vpcs"][0]["IsDefault"] = False
        return answer

    monkeypatch.setattr(protocol, "parsed", wrong)
    with mock_ec2(verify="first"):
        ec2 = ec2_client()
        for _ in range(2):
            with pytest.raises(MockError, match="DescribeVpcs answers differently in-process "
                                                "and on the wire"):
                ec2.describe_vpcs()
        assert ec2.describe_subnets()["Subnets"]          # other operations unaffected


def test_first_answers_are_verified_once_across_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    done = verifications(monkeypatch)
    errors: list[BaseException] = []
    with mock_ec2(verify="first"):
        clients = [ec2_client() for _ in range(8)]
        start = threading.Barrier(len(clients))

        def work(ec2: Any) -> None:
            try:
                start.wait()
                for _ in range(5):
                    vpc_ids(ec2)
            except BaseException as exc:  # reported by the main thread
                errors.append(exc)

        pool = [threading.Thread(target=work, args=(c,)) for c in clients]
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join(timeout=60)
    assert errors == [] and done == [("DescribeVpcs", 200)]


# -- the body is checked against the operation model ------------------------------------------
def tamper(ec2: Any, change: Any) -> None:
    """Rewrite the serialized body of every EC2 call before ec2sim sees it."""
    def handler(params: dict[str, Any], **_: Any) -> None:
        change(params)
    ec2.meta.events.register_first("before-call.ec2", handler)


def test_a_body_naming_another_operation_is_refused_not_answered() -> None:
    with mock_ec2():
        ec2 = ec2_client()
        tamper(ec2, lambda params: params["body"].update(Action="CreateVpc",
                                                         CidrBlock="10.0.0.0/16"))
        with pytest.raises(MockError, match="a DescribeVpcs call .* carries "
                                            "Action='CreateVpc' Version='2016-11-15'"):
            ec2.describe_vpcs()
        assert len(vpc_ids(ec2_client())) == 1                # nothing was created


def test_a_body_of_another_api_version_or_shape_is_refused() -> None:
    with mock_ec2():
        ec2 = ec2_client()
        tamper(ec2, lambda params: params["body"].update(Version="2014-10-01"))
        with pytest.raises(MockError, match="Version='2014-10-01'"):
            ec2.describe_vpcs()
        ec2 = ec2_client()
        tamper(ec2, lambda params: params.update(body=["Action", "DescribeVpcs"]))
        with pytest.raises(MockError, match="body of a DescribeVpcs call is a list"):
            ec2.describe_vpcs()


def test_a_stubber_on_a_mocked_client_answers_first() -> None:
    """botocore's `Stubber` registers its `before-call` hook after the client exists; it
    still answers before ec2sim, as a user who activates one expects."""
    from botocore.stub import Stubber

    with mock_ec2():
        ec2 = ec2_client()
        with Stubber(ec2) as stub:
            stub.add_response("describe_vpcs", {"Vpcs": []})
            assert ec2.describe_vpcs()["Vpcs"] == []
        assert len(vpc_ids(ec2)) == 1


def test_a_json_call_whose_target_names_another_operation_is_refused() -> None:
    with mock_ec2():
        ssm = boto3.client("ssm", region_name="us-east-1")
        ssm.meta.events.register_first("before-call.ssm", lambda params, **_: params[
            "headers"].update({"X-Amz-Target": "AmazonSSM.GetParametersByPath"}))
        with pytest.raises(MockError, match="a GetParameter call carries X-Amz-Target "
                                            "'AmazonSSM.GetParametersByPath'"):
            ssm.get_parameter(Name="/aws/service/ami-amazon-linux-latest/"
                                   "al2023-ami-kernel-default-x86_64")


def test_an_encoded_body_is_read_like_the_form() -> None:
    """A body already urlencoded (as a before-call hook may leave it) reads as the server
    would read it."""
    from urllib.parse import urlencode

    with mock_ec2():
        ec2 = ec2_client()
        tamper(ec2, lambda params: params.update(body=urlencode(params["body"]).encode()))
        made = ec2.create_vpc(CidrBlock="10.3.0.0/16")["Vpc"]
        assert made["CidrBlock"] == "10.3.0.0/16" and made["VpcId"] in vpc_ids(ec2_client())


@pytest.mark.parametrize(("zone", "tzinfo"), [("UTC", "tzlocal"), ("Europe/London", "tzutc"),
                                              ("America/New_York", "tzutc")])
def test_times_come_back_as_botocore_parses_them_in_any_local_zone(zone: str, tzinfo: str
                                                                   ) -> None:
    """dateutil reads the "Z" of a wire timestamp as the local zone where that zone is named
    UTC, else as tzutc: the in-process answer follows it (and `verify` checks it)."""
    script = textwrap.dedent("""
        import boto3
        from api import mock_ec2
        with mock_ec2(verify=True):
            ec2 = boto3.client("ec2", region_name="us-east-1")
            ec2.create_key_pair(KeyName="k")
            key = ec2.describe_key_pairs()["KeyPairs"][0]
            print(type(key["CreateTime"].tzinfo).__name__, key["CreateTime"].microsecond % 1000)
    """)
    env = {**os.environ, "TZ": zone}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                          text=True, timeout=120, cwd=Path(__file__).resolve().parent.parent)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [tzinfo, "0"]


def test_the_account_is_the_access_key_and_the_region_the_clients() -> None:
    with mock_ec2():
        mine = ec2_client()
        theirs = boto3.client("ec2", region_name="us-east-1", aws_access_key_id="111122223333",
                              aws_secret_access_key="x")
        west = boto3.client("ec2", region_name="us-west-2")
        vpc = mine.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]
        assert vpc["OwnerId"] == "123456789012"
        assert vpc["VpcId"] not in vpc_ids(theirs) and vpc["VpcId"] not in vpc_ids(west)
        assert theirs.describe_vpcs()["Vpcs"][0]["OwnerId"] == "111122223333"
        assert west.describe_availability_zones()["AvailabilityZones"][0]["RegionName"] == \
            "us-west-2"


# -- the pytest plugin (registered through the pytest11 entry point) -------------------------
def test_plugin_fixtures(ec2sim_mock: Any, ec2_client: Any) -> None:
    vpc = ec2_client.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    assert ec2sim_mock.world.node(vpc)["kind"] == "vpc"
    assert ec2_client.meta.region_name == "us-east-1"
    ec2sim_mock.reset()
    assert vpc not in vpc_ids(ec2_client)


def test_plugin_works_in_a_foreign_project(tmp_path: Path) -> None:
    """The fixtures come from the installed entry point, not from this repository's conftest."""
    (tmp_path / "test_uses_fixtures.py").write_text(textwrap.dedent("""
        def test_vpc(ec2_client, ec2sim_mock):
            vpc = ec2_client.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
            assert vpc in [v["VpcId"] for v in ec2_client.describe_vpcs()["Vpcs"]]
    """))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           str(tmp_path)], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout
