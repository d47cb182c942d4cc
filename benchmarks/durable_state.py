"""What durable state costs: a create-heavy boto3 workload against `ec2sim serve` in memory
and against `ec2sim serve --state FILE` (SQLite, WAL), and the ratio of their times.

Workload: one VPC, then N subnets and N security groups (each created with a tag) and a
CreateTags call adding a second tag to each pair — 3N + 1 mutating requests.

Run: python3 benchmarks/durable_state.py [--count 200] [--repeat 3]
"""
from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3
from children import stop   # beside this file

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@contextmanager
def server(*args: str) -> Iterator[str]:
    """`ec2sim serve ARGS` on a free port until the block ends; yields its URL."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "api.cli", "serve", "--port", str(port), *args],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(url + "/", timeout=1):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("ec2sim serve did not start") from None
                time.sleep(0.1)
        yield url
    finally:
        stop(proc)


def workload(url: str, count: int) -> float:
    """Seconds for the create-heavy workload against the server at `url`."""
    ec2: Any = boto3.client("ec2", region_name="us-east-1", endpoint_url=url,
                            aws_access_key_id="testing", aws_secret_access_key="testing")
    ec2.describe_vpcs()        # warm up: the partition's defaults, boto3's model
    start = time.perf_counter()
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    for i in range(count):
        subnet = ec2.create_subnet(
            VpcId=vpc, CidrBlock=f"10.0.{i}.0/24",
            TagSpecifications=[{"ResourceType": "subnet", "Tags": [{"Key": "n", "Value": str(i)}]}]
        )["Subnet"]["SubnetId"]
        group = ec2.create_security_group(
            GroupName=f"g{i}", Description="bench", VpcId=vpc,
            TagSpecifications=[{"ResourceType": "security-group",
                                "Tags": [{"Key": "n", "Value": str(i)}]}])["GroupId"]
        ec2.create_tags(Resources=[subnet, group], Tags=[{"Key": "bench", "Value": "yes"}])
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the best counts")
    args = parser.parse_args()
    memory, durable = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(args.repeat):     # interleaved, so machine noise hits both alike
            with server("--seed", "1") as url:
                memory.append(workload(url, args.count))
            with server("--seed", "1", "--state", os.path.join(tmp, f"s{run}.db")) as url:
                durable.append(workload(url, args.count))
    best_memory, best_durable = min(memory), min(durable)
    requests = 3 * args.count + 1
    print(f"in memory: {best_memory:.2f}s  ({1000 * best_memory / requests:.2f} ms/request)")
    print(f"--state:   {best_durable:.2f}s  ({1000 * best_durable / requests:.2f} ms/request)")
    print(f"ratio:     {best_durable / best_memory:.2f}x")


if __name__ == "__main__":
    main()
