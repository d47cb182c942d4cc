"""Concurrency: 16 boto3 clients at once against one real `ec2sim serve`.

Each thread builds and partly tears down its own slice of a topology (VPC, subnets, security
groups and rules, interfaces, instances, tags) while every thread also allocates interfaces
and instances in one shared subnet (contending for its addresses) and describes as it goes.
Afterwards: no request failed (no exception, no 5xx), every acknowledged create that the test
did not delete is visible and every delete is gone (no lost write), no id or private address
was handed out twice, and the server's state passes the graph invariants
(`topology.invariants`, on the `GET /_ec2sim/state` snapshot).
"""
from __future__ import annotations

import json
import threading
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest

from topology.provision import invariants, state
from helpers import server_client

THREADS = 16
ROUNDS = 5
AMI = "ami-057c3ffbeeff55523"          # al2023 x86_64, public catalogue of us-east-1
REGION = "us-east-1"


def reset(url: str) -> None:
    request = urllib.request.Request(url + "/_ec2sim/reset", method="POST")
    with urllib.request.urlopen(request) as answer:
        answer.read()


@dataclass
class Ledger:
    """What one thread was told: ids created and deleted, addresses handed out, calls made."""

    created: dict[str, str] = field(default_factory=dict)      # id -> kind
    deleted: set[str] = field(default_factory=set)
    tags: dict[str, tuple[str, str]] = field(default_factory=dict)
    addresses: list[tuple[str, str]] = field(default_factory=list)  # (address, owner id)
    requests: int = 0
    errors: list[str] = field(default_factory=list)


class Worker:
    """One client thread: every call counted, every failure recorded, never raised."""

    def __init__(self, client: Any, index: int, shared_subnet: str, shared_sg: str) -> None:
        self.ec2, self.index = client, index
        self.shared_subnet, self.shared_sg = shared_subnet, shared_sg
        self.ledger = Ledger()

    def call(self, name: str, **kwargs: Any) -> dict[str, Any]:
        self.ledger.requests += 1
        return getattr(self.ec2, name)(**kwargs)  # type: ignore[no-any-return]

    def made(self, rid: str, kind: str) -> str:
        self.ledger.created[rid] = kind
        return rid

    def run(self) -> None:
        try:
            for round_ in range(ROUNDS):
                self.round(round_)
        except Exception as err:  # recorded, asserted on by the test
            self.ledger.errors.append(f"thread {self.index}: {type(err).__name__}: {err}")

    def round(self, round_: int) -> None:
        i, n = self.index, round_
        vpc = self.made(self.call("create_vpc", CidrBlock=f"10.{i * ROUNDS + n}.0.0/16")
                        ["Vpc"]["VpcId"], "vpc")
        subnets = [self.made(self.call("create_subnet", VpcId=vpc,
                                       CidrBlock=f"10.{i * ROUNDS + n}.{k}.0/24")
                             ["Subnet"]["SubnetId"], "subnet") for k in range(2)]
        sg = self.made(self.call("create_security_group", GroupName=f"t{i}-{n}",
                                 Description=f"thread {i} round {n}", VpcId=vpc)["GroupId"],
                       "security-group")
        rules = self.call("authorize_security_group_ingress", GroupId=sg, IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
             "IpRanges": [{"CidrIp": f"10.{i}.0.0/16"}]},
            {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
             "UserIdGroupPairs": [{"GroupId": sg}]}])["SecurityGroupRules"]
        for rule in rules:
            self.made(rule["SecurityGroupRuleId"], "security-group-rule")
        own_eni = self.interface(subnets[0], sg)
        shared_eni = self.interface(self.shared_subnet, self.shared_sg)
        instance = self.instance()
        key, value = f"owner-{i}", f"round-{n}"
        self.call("create_tags", Resources=[vpc, sg, own_eni, instance],
                  Tags=[{"Key": key, "Value": value}])
        for rid in (vpc, sg, own_eni, instance):
            self.ledger.tags[rid] = (key, value)
        self.describe_own(vpc, subnets, sg)
        # tear down part of it: an interface, a subnet, a rule, the shared interface
        self.call("delete_network_interface", NetworkInterfaceId=own_eni)
        self.call("delete_subnet", SubnetId=subnets[1])
        self.call("revoke_security_group_ingress", GroupId=sg,
                  SecurityGroupRuleIds=[rules[0]["SecurityGroupRuleId"]])
        if n % 2:
            self.call("delete_network_interface", NetworkInterfaceId=shared_eni)
            self.ledger.deleted.add(shared_eni)
        self.ledger.deleted.update({own_eni, subnets[1], rules[0]["SecurityGroupRuleId"]})

    def interface(self, subnet: str, sg: str) -> str:
        eni = self.call("create_network_interface", SubnetId=subnet, Groups=[sg])[
            "NetworkInterface"]
        self.ledger.addresses.append((eni["PrivateIpAddress"], eni["NetworkInterfaceId"]))
        return self.made(eni["NetworkInterfaceId"], "network-interface")

    def instance(self) -> str:
        found = self.call("run_instances", ImageId=AMI, MinCount=1, MaxCount=1,
                          InstanceType="t3.micro", SubnetId=self.shared_subnet,
                          SecurityGroupIds=[self.shared_sg])["Instances"][0]
        self.ledger.addresses.append((found["PrivateIpAddress"], found["InstanceId"]))
        self.made(found["NetworkInterfaces"][0]["NetworkInterfaceId"], "network-interface")
        return self.made(found["InstanceId"], "instance")

    def describe_own(self, vpc: str, subnets: list[str], sg: str) -> None:
        """Read-your-writes: what this thread just made is visible to it at once."""
        seen = self.call("describe_subnets", Filters=[{"Name": "vpc-id", "Values": [vpc]}])
        got = {s["SubnetId"] for s in seen["Subnets"]}
        if got != set(subnets):
            self.ledger.errors.append(f"thread {self.index}: subnets of {vpc}: {got}")
        groups = self.call("describe_security_groups", GroupIds=[sg])["SecurityGroups"]
        if [g["GroupId"] for g in groups] != [sg]:
            self.ledger.errors.append(f"thread {self.index}: group {sg} not visible")
        self.call("describe_instances", Filters=[{"Name": "subnet-id",
                                                  "Values": [self.shared_subnet]}])


def _visible(ec2: Any) -> dict[str, set[str]]:
    """Every id of the kinds the test creates, as describe calls show them (paginated)."""
    def pages(op: str, key: str, member: str | None = None, **kw: Any) -> list[Any]:
        out = []
        for page in ec2.get_paginator(op).paginate(**kw):
            out.extend(page[key])
        return out
    instances = [i for r in pages("describe_instances", "Reservations") for i in r["Instances"]
                 if i["State"]["Name"] != "terminated"]
    return {
        "vpc": {v["VpcId"] for v in pages("describe_vpcs", "Vpcs")},
        "subnet": {s["SubnetId"] for s in pages("describe_subnets", "Subnets")},
        "security-group": {g["GroupId"] for g in pages("describe_security_groups",
                                                       "SecurityGroups")},
        "security-group-rule": {r["SecurityGroupRuleId"] for r in pages(
            "describe_security_group_rules", "SecurityGroupRules")},
        "network-interface": {e["NetworkInterfaceId"] for e in pages(
            "describe_network_interfaces", "NetworkInterfaces")},
        "instance": {i["InstanceId"] for i in instances},
    }


def test_sixteen_clients_lose_nothing(server_url: str) -> None:
    reset(server_url)
    setup = server_client(server_url)
    hub = setup.create_vpc(CidrBlock="172.16.0.0/16")["Vpc"]["VpcId"]
    shared_subnet = setup.create_subnet(VpcId=hub, CidrBlock="172.16.0.0/24",
                                        AvailabilityZone="us-east-1a")["Subnet"][
        "SubnetId"]
    shared_sg = setup.create_security_group(GroupName="shared", Description="shared",
                                            VpcId=hub)["GroupId"]
    workers = [Worker(server_client(server_url), i, shared_subnet, shared_sg)
               for i in range(THREADS)]
    threads = [threading.Thread(target=w.run) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(t.is_alive() for t in threads), "a client thread hung"
    errors = [e for w in workers for e in w.ledger.errors]
    assert errors == []

    created = Counter(rid for w in workers for rid in w.ledger.created)
    duplicates = [rid for rid, count in created.items() if count > 1]
    addresses = Counter(addr for w in workers for addr, owner in w.ledger.addresses
                        if owner.startswith("i-") or owner not in w.ledger.deleted)
    reused = [addr for addr, count in addresses.items() if count > 1]
    visible = _visible(setup)
    lost, undead = [], []
    for w in workers:
        for rid, kind in w.ledger.created.items():
            if rid in w.ledger.deleted:
                if rid in visible[kind]:
                    undead.append(rid)
            elif rid not in visible[kind]:
                lost.append(rid)
    tagged = {t["ResourceId"]: (t["Key"], t["Value"]) for page in setup.get_paginator(
        "describe_tags").paginate(Filters=[{"Name": "key", "Values": ["owner-*"]}])
        for t in page["Tags"]}
    lost_tags = [rid for w in workers for rid, tag in w.ledger.tags.items()
                 if rid not in w.ledger.deleted and tagged.get(rid) != tag]
    requests = sum(w.ledger.requests for w in workers)
    print(f"\nconcurrency: {THREADS} threads, {requests} requests, {len(created)} ids created, "
          f"{len(lost)} lost writes, {len(lost_tags)} lost tags, {len(undead)} undeleted, "
          f"{len(duplicates)} duplicate ids, {len(reused)} duplicate addresses, "
          f"{len(errors)} errors")
    assert (lost, lost_tags, undead, duplicates, reused) == ([], [], [], [], [])
    assert requests >= THREADS * ROUNDS * 15

    with urllib.request.urlopen(server_url + "/_ec2sim/state") as answer:
        world = state.load(json.loads(answer.read()))
    invariants.check(world)


@pytest.mark.parametrize("kind", ["create", "delete"])
def test_concurrent_conflicts_resolve_to_one_winner(server_url: str, kind: str) -> None:
    """16 racing requests for one name / one deletion: exactly one succeeds, the rest get
    the AWS error, never a 5xx and never two winners."""
    reset(server_url)
    clients = [server_client(server_url) for _ in range(THREADS)]
    vpc = clients[0].create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    target = clients[0].create_security_group(GroupName="victim", Description="d",
                                              VpcId=vpc)["GroupId"]
    outcomes: list[str] = []
    barrier = threading.Barrier(THREADS)

    def race(ec2: Any) -> None:
        barrier.wait()
        try:
            if kind == "create":
                ec2.create_security_group(GroupName="same", Description="d", VpcId=vpc)
            else:
                ec2.delete_security_group(GroupId=target)
            outcomes.append("ok")
        except ec2.exceptions.ClientError as err:
            outcomes.append(err.response["Error"]["Code"])
    threads = [threading.Thread(target=race, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    loser = "InvalidGroup.Duplicate" if kind == "create" else "InvalidGroup.NotFound"
    assert Counter(outcomes) == {"ok": 1, loser: THREADS - 1}
