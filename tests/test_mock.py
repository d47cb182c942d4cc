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
from api.mock import _before_call, _before_send


def ec2_client(**kwargs: Any) -> Any:
    return boto3.client("ec2", region_name="us-east-1", **kwargs)


def vpc_ids(ec2: Any) -> list[str]:
    return [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"]]


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
