"""Durable state (`ec2sim serve --state PATH`): acknowledged changes survive `kill -9`, and a
restart answers every describe call as before, ids included, without reusing ids."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3
import botocore.exceptions
import botocore.parsers
import pytest
from botocore.config import Config

from api import dispatch, mock_ec2, protocol
from examples import three_tier
from topology.provision import state
from topology.provision.store import Store, StoreError, open_world

REGION = "us-east-1"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# answers that are not state: they change with the clock or are computed per call
VOLATILE = {"describe_spot_price_history"}


class Server:
    """An `ec2sim serve --state PATH` subprocess that a test can kill -9."""

    def __init__(self, path: str, *args: str) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(path + f".{self.port}.log", "wb")  # noqa: SIM115 - closed in stop
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "serve", "--port", str(self.port),
             "--state", path, *args], cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(self.url + "/", timeout=1) as answer:
                    answer.read()
                return
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    with open(self.log.name, "rb") as log:
                        raise RuntimeError(f"ec2sim serve did not start: {log.read().decode()}")
                time.sleep(0.1)

    def client(self) -> Any:
        return boto3.client("ec2", region_name=REGION, endpoint_url=self.url,
                            aws_access_key_id="testing", aws_secret_access_key="testing",
                            config=Config(retries={"max_attempts": 1}, read_timeout=30))

    def kill9(self) -> None:
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


@contextmanager
def serving(path: str, *args: str) -> Iterator[Server]:
    server = Server(path, *args)
    try:
        yield server
    finally:
        server.stop()


def _describe_calls() -> list[str]:
    """Every implemented describe call that needs no parameters."""
    names = []
    ops = dispatch.handlers()
    for action in sorted(ops):
        op = protocol.operation(action, "ec2")
        name = ops[action].__name__
        if name.startswith("describe_") and name not in VOLATILE and op is not None and (
                op.input_shape is None or not op.input_shape.required_members):
            names.append(name)
    return names


def everything(ec2: Any) -> dict[str, Any]:
    """Every parameterless describe call's answer (errors included, as code and message)."""
    answers: dict[str, Any] = {}
    for name in _describe_calls():
        try:
            answer = getattr(ec2, name)()
        except botocore.exceptions.ClientError as err:
            answers[name] = ("error", err.response["Error"]["Code"])
            continue
        answer.pop("ResponseMetadata", None)
        answers[name] = answer
    return answers


def _ids(answers: Any) -> set[str]:
    """Every AWS-shaped id string anywhere in `answers`."""
    found: set[str] = set()
    stack = [answers]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
        elif isinstance(item, str) and "-" in item and item.split("-")[-1].isalnum() \
                and len(item.split("-")[-1]) == 17:
            found.add(item)
    return found


def test_restart_answers_every_describe_the_same(tmp_path: Any) -> None:
    path = str(tmp_path / "state.db")
    with serving(path, "--seed", "3") as server:
        ec2 = server.client()
        built = three_tier.build(ec2)
        before = everything(ec2)
    assert before["describe_instances"]["Reservations"], "the example launched nothing"
    assert len(_describe_calls()) > 40
    with serving(path) as server:
        ec2 = server.client()
        after = everything(ec2)
        assert sorted(after) == sorted(before)
        for name in before:
            assert after[name] == before[name], name
        # the id generator goes on: nothing new reuses an id seen before
        vpc = ec2.create_vpc(CidrBlock="10.99.0.0/16")["Vpc"]["VpcId"]
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.99.0.0/24")["Subnet"]["SubnetId"]
        assert {vpc, subnet}.isdisjoint(_ids(before))
        assert ec2.describe_vpcs(VpcIds=[built["vpc"]])["Vpcs"][0]["VpcId"] == built["vpc"]


def _load(server: Server, vpc: str, worker: int, acked: list[tuple[str, str, str]],
          stop: threading.Event, phase: int) -> None:
    """Create subnets and tagged security groups until the server dies or `stop` is set;
    `acked` gets (kind, id, tag value) for every create the server answered."""
    ec2 = server.client()
    n = 0
    while not stop.is_set():
        label = f"p{phase}-w{worker}-{n}"
        try:
            group = ec2.create_security_group(
                GroupName=label, Description="load", VpcId=vpc, TagSpecifications=[
                    {"ResourceType": "security-group", "Tags": [{"Key": "load", "Value": label}]}]
            )["GroupId"]
            acked.append(("sg", group, label))
            subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.{40 + worker}.{n + 128 * phase}.0/24"
                                       )["Subnet"]["SubnetId"]
            acked.append(("subnet", subnet, ""))
            ec2.create_tags(Resources=[subnet], Tags=[{"Key": "load", "Value": label}])
            acked.append(("subnet-tag", subnet, label))
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError,
                botocore.parsers.ResponseParserError, OSError):   # the kill cuts answers off
            return
        n += 1
        if n == LOAD_PER_WORKER[phase]:   # stay under the 200-subnets-per-VPC quota
            return


LOAD_PER_WORKER = {0: 10, 1: 30}   # creates per worker and phase: 4 x 40 subnets in all


CORE = {      # describe call, its list member, and the id member of one item
    "vpcs": ("describe_vpcs", "Vpcs", "VpcId"),
    "subnets": ("describe_subnets", "Subnets", "SubnetId"),
    "route_tables": ("describe_route_tables", "RouteTables", "RouteTableId"),
    "groups": ("describe_security_groups", "SecurityGroups", "GroupId"),
    "rules": ("describe_security_group_rules", "SecurityGroupRules", "SecurityGroupRuleId"),
    "instances": ("describe_instances", "Reservations", "ReservationId"),
    "interfaces": ("describe_network_interfaces", "NetworkInterfaces", "NetworkInterfaceId"),
}


def _core(ec2: Any) -> dict[str, dict[str, Any]]:
    """The core describe answers by id, and every tag as (resource, key, value)."""
    answers: dict[str, Any] = {}
    for name, (call, member, key) in CORE.items():
        answers[name] = {item[key]: item for item in getattr(ec2, call)()[member]}
    pages = ec2.get_paginator("describe_tags").paginate()
    answers["tags"] = {(t["ResourceId"], t["Key"], t["Value"])
                       for page in pages for t in page["Tags"]}
    return answers


def test_kill_9_under_load_keeps_every_acknowledged_change(tmp_path: Any) -> None:
    path = str(tmp_path / "state.db")
    acked: list[tuple[str, str, str]] = []
    with serving(path, "--seed", "5") as server:
        ec2 = server.client()
        built = three_tier.build(ec2)
        vpc = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
        ec2.associate_vpc_cidr_block(VpcId=vpc, CidrBlock="10.41.0.0/16")
        ec2.associate_vpc_cidr_block(VpcId=vpc, CidrBlock="10.42.0.0/16")
        ec2.associate_vpc_cidr_block(VpcId=vpc, CidrBlock="10.43.0.0/16")
        stop = threading.Event()
        workers = [threading.Thread(target=_load, args=(server, vpc, i, acked, stop, 0))
                   for i in range(4)]
        for worker in workers:
            worker.start()
        time.sleep(1.0)
        stop.set()                      # a quiet moment: what every acknowledged change made
        for worker in workers:
            worker.join()
        before = _core(ec2)
        stop.clear()
        workers = [threading.Thread(target=_load, args=(server, vpc, i, acked, stop, 1))
                   for i in range(4)]
        for worker in workers:
            worker.start()
        deadline = time.monotonic() + 60    # enough load to mean something, however busy the box
        while time.monotonic() < deadline and len(
                {label for _, _, label in list(acked) if label.startswith("p1-")}) < 12:
            time.sleep(0.05)
        server.kill9()                  # mid-load: requests in flight are cut off
        for worker in workers:
            worker.join(timeout=30)
        assert not any(worker.is_alive() for worker in workers)
    assert len({label for _, _, label in acked if label.startswith("p1-")}) > 8, \
        "the load after the quiet moment made too few requests to mean anything"
    with serving(path) as server:
        ec2 = server.client()
        after = _core(ec2)
        # everything acknowledged before the quiet moment answers exactly as it did
        assert before["tags"] <= after["tags"]
        for name in CORE:
            for rid, item in before[name].items():
                assert after[name].get(rid) == item, (name, rid)
        # every acknowledged change is there, the ones after the quiet moment too
        groups, subnets = after["groups"], after["subnets"]
        for kind, rid, label in acked:
            if kind == "sg":
                assert {"Key": "load", "Value": label} in groups[rid]["Tags"], rid
                assert groups[rid]["GroupName"] == label
            elif kind == "subnet":
                assert subnets[rid]["VpcId"] == vpc
            else:
                assert {"Key": "load", "Value": label} in subnets[rid]["Tags"], rid
        # new ids collide with none made before the kill
        seen = {rid for _, rid, _ in acked} | _ids([after[name] for name in CORE])
        fresh = [ec2.create_security_group(GroupName=f"after-{i}", Description="x", VpcId=vpc)[
            "GroupId"] for i in range(20)]
        assert seen.isdisjoint(fresh)
        assert ec2.describe_instances(InstanceIds=[built["instances"]["web"][0]])["Reservations"]


def test_reset_clears_the_database(tmp_path: Any) -> None:
    path = str(tmp_path / "state.db")
    with serving(path, "--seed", "1") as server:
        ec2 = server.client()
        vpc = ec2.create_vpc(CidrBlock="10.5.0.0/16")["Vpc"]["VpcId"]
        request = urllib.request.Request(server.url + "/moto-api/reset", method="POST")
        with urllib.request.urlopen(request) as answer:
            answer.read()
        server.kill9()
    with serving(path) as server:
        ec2 = server.client()
        with pytest.raises(botocore.exceptions.ClientError) as err:
            ec2.describe_vpcs(VpcIds=[vpc])
        assert err.value.response["Error"]["Code"] == "InvalidVpcID.NotFound"
        assert [v["IsDefault"] for v in ec2.describe_vpcs()["Vpcs"]] == [True]


def test_failed_and_dry_run_requests_change_nothing_saved(tmp_path: Any) -> None:
    path = str(tmp_path / "state.db")
    world = open_world(path, seed=2)
    with mock_ec2(world):
        ec2 = boto3.client("ec2", region_name=REGION)
        vpc = ec2.create_vpc(CidrBlock="10.6.0.0/16")["Vpc"]["VpcId"]
        saved = state.dump(world)
        with pytest.raises(botocore.exceptions.ClientError) as err:
            ec2.create_subnet(VpcId=vpc, CidrBlock="10.7.0.0/24")
        assert err.value.response["Error"]["Code"] == "InvalidSubnet.Range"
        with pytest.raises(botocore.exceptions.ClientError) as err:
            ec2.create_subnet(VpcId=vpc, CidrBlock="10.6.0.0/24", DryRun=True)
        assert err.value.response["Error"]["Code"] == "DryRunOperation"
    world.persister.close()
    reopened = open_world(path)
    assert state.dump(reopened) == saved


def test_in_place_snapshot_load_is_saved(tmp_path: Any) -> None:
    """`POST /_ec2sim/state` (state.load_into) replaces the saved world too."""
    source = open_world(str(tmp_path / "a.db"), seed=4)
    with mock_ec2(source):
        boto3.client("ec2", region_name=REGION).create_vpc(CidrBlock="10.8.0.0/16")
    target = open_world(str(tmp_path / "b.db"), seed=9)
    state.load_into(target, state.dump(source))
    target.persister.close()
    assert state.dump(open_world(str(tmp_path / "b.db"))) == state.dump(source)


def test_not_a_state_database(tmp_path: Any) -> None:
    path = str(tmp_path / "other.db")
    store = Store(path)
    store.db.execute("INSERT INTO meta VALUES ('format', '\"something-else\"')")
    store.close()
    with pytest.raises(StoreError, match="not an ec2sim state database"):
        Store(path)
    answer = subprocess.run([sys.executable, "-m", "api.cli", "serve", "--state", path,
                             "--port", "1"], cwd=ROOT, capture_output=True, text=True,
                            timeout=60)
    assert answer.returncode == 2
    assert "cannot open state" in answer.stderr
