"""`ec2sim serve` as a real HTTP endpoint: health, reset, STS, who is calling, threads, seeds."""
from __future__ import annotations

import json
import threading
import urllib.request
from typing import Any
from urllib.parse import parse_qsl

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from hypothesis import given, settings
from hypothesis import strategies as st

from api.app import form_fields
from helpers import vpc_ids

pytestmark = pytest.mark.server


def client(url: str, service: str = "ec2", region: str = "us-east-1",
           key: str = "testing") -> Any:
    return boto3.client(service, region_name=region, endpoint_url=url, aws_access_key_id=key,
                        aws_secret_access_key="testing",
                        config=Config(retries={"max_attempts": 1}, max_pool_connections=16))


def post(url: str) -> tuple[int, Any]:
    request = urllib.request.Request(url, method="POST", data=b"")
    with urllib.request.urlopen(request, timeout=10) as answer:
        return answer.status, json.loads(answer.read())


def test_get_root_answers_2xx(server_url: str) -> None:
    with urllib.request.urlopen(server_url + "/", timeout=10) as answer:
        assert 200 <= answer.status < 300
        answer.read()


@pytest.mark.parametrize("path", ["/moto-api/reset", "/_ec2sim/reset"])
def test_reset_wipes_state(server_ec2: Any, server_url: str, path: str) -> None:
    default = vpc_ids(server_ec2)
    assert len(default) == 1
    vpc = server_ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    west = client(server_url, region="us-west-2")
    west.create_vpc(CidrBlock="10.1.0.0/16")
    assert len(vpc_ids(server_ec2)) == 2
    status, _ = post(server_url + path)
    assert status == 200
    after = vpc_ids(server_ec2)
    assert vpc not in after and len(after) == 1     # a fresh default VPC, nothing else
    assert len(vpc_ids(west)) == 1
    with pytest.raises(ClientError) as exc:
        server_ec2.describe_vpcs(VpcIds=[vpc])
    assert exc.value.response["Error"]["Code"] == "InvalidVpcID.NotFound"


def test_sts_get_caller_identity(server_url: str) -> None:
    identity = client(server_url, "sts").get_caller_identity()
    assert identity["Account"] == "123456789012"
    assert identity["Arn"] == "arn:aws:iam::123456789012:root"
    other = client(server_url, "sts", key="111122223333").get_caller_identity()
    assert other["Account"] == "111122223333"


def test_region_comes_from_the_signature(server_ec2: Any, server_url: str) -> None:
    west = client(server_url, region="us-west-2")
    vpc = west.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    assert vpc in vpc_ids(west)
    assert vpc not in vpc_ids(server_ec2)
    with pytest.raises(ClientError) as exc:
        server_ec2.describe_vpcs(VpcIds=[vpc])
    assert exc.value.response["Error"]["Code"] == "InvalidVpcID.NotFound"
    # each region has its own default VPC
    assert vpc_ids(server_ec2)[0] not in vpc_ids(west)


def test_account_comes_from_a_numeric_access_key(server_ec2: Any, server_url: str) -> None:
    mine = client(server_url, key="111122223333")
    vpc = mine.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]
    assert vpc["OwnerId"] == "111122223333"
    assert vpc["VpcId"] in vpc_ids(mine)
    assert vpc["VpcId"] not in vpc_ids(server_ec2)    # "testing" is account 123456789012
    default = server_ec2.describe_vpcs()["Vpcs"]
    assert [v["OwnerId"] for v in default] == ["123456789012"]
    other = client(server_url, key="AKIAIOSFODNN7EXAMPLE")  # not 12 digits: default account
    assert vpc_ids(other) == vpc_ids(server_ec2)


def test_threads_create_subnets_concurrently(server_ec2: Any, server_url: str) -> None:
    vpc = server_ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    threads, per_thread = 8, 8
    clients = [client(server_url) for _ in range(threads)]
    created: list[list[str]] = [[] for _ in range(threads)]
    errors: list[BaseException] = []
    start = threading.Barrier(threads)

    def work(t: int) -> None:
        try:
            start.wait()
            for i in range(per_thread):
                subnet = clients[t].create_subnet(VpcId=vpc, CidrBlock=f"10.0.{t * 16 + i}.0/24")
                created[t].append(subnet["Subnet"]["SubnetId"])
                clients[t].describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])
        except BaseException as exc:  # collected, reported by the main thread
            errors.append(exc)

    pool = [threading.Thread(target=work, args=(t,)) for t in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=120)
    assert errors == []
    ids = [sid for chunk in created for sid in chunk]
    assert len(ids) == threads * per_thread == len(set(ids))
    described = server_ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])
    assert sorted(s["SubnetId"] for s in described["Subnets"]) == sorted(ids)
    assert len({s["CidrBlock"] for s in described["Subnets"]}) == len(ids)


def test_threads_racing_for_one_cidr_get_one_subnet(server_ec2: Any, server_url: str) -> None:
    vpc = server_ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    clients = [client(server_url) for _ in range(8)]
    outcomes: list[str] = []
    start = threading.Barrier(len(clients))

    def work(ec2: Any) -> None:
        start.wait()
        try:
            outcomes.append(ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"])
        except ClientError as exc:
            outcomes.append(exc.response["Error"]["Code"])

    pool = [threading.Thread(target=work, args=(ec2,)) for ec2 in clients]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=60)
    assert sorted(outcomes)[:-1] == ["InvalidSubnet.Conflict"] * 7
    assert sorted(outcomes)[-1].startswith("subnet-")
    described = server_ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])
    assert [s["SubnetId"] for s in described["Subnets"]] == [sorted(outcomes)[-1]]


def _ids_of_a_session(url: str) -> list[str]:
    ec2 = client(url)
    ids = vpc_ids(ec2)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]
    ids += [vpc["VpcId"], vpc["CidrBlockAssociationSet"][0]["AssociationId"]]
    ids += vpc_ids(client(url, region="eu-west-1"))
    return ids


def test_seed_gives_reproducible_ids(start_server: Any) -> None:
    first = _ids_of_a_session(start_server("--seed", "7"))
    second = _ids_of_a_session(start_server("--seed", "7"))
    other = _ids_of_a_session(start_server("--seed", "8"))
    assert first == second
    assert all(a != b for a, b in zip(first, other))
    assert all(len(i.rpartition("-")[2]) == 17 for i in first)


@settings(max_examples=500, deadline=None)
@given(st.text(st.sampled_from(list("ab=&%+ 2F0é;x")), max_size=40))
def test_form_fields_read_a_body_as_parse_qsl_does(text: str) -> None:
    """The server's form reader decodes only what needs it, and reads what parse_qsl reads."""
    assert list(form_fields(text)) == parse_qsl(text, keep_blank_values=True)
