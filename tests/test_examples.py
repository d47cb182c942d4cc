"""The examples run, as scripts and in-process, and build what they say they build."""
from __future__ import annotations

import pytest

from helpers import load_example, run_example


@pytest.mark.parametrize("script", ["three_tier.py", "two_tier_vpc.py"])
def test_example_runs_as_a_script(script):
    assert run_example(script).strip()


def test_three_tier_script_prints_every_instance():
    lines = run_example("three_tier.py").splitlines()
    rows = [line.split() for line in lines if line.split()[0] in ("web", "app", "data")
            and line.split()[1] != "subnets"]
    assert [(r[0], r[1]) for r in rows] == [("web", "web-1"), ("web", "web-2"),
                                            ("app", "app-1"), ("app", "app-2"),
                                            ("data", "data-1"), ("data", "data-2")]
    assert all(r[5] != "-" for r in rows[:2]) and all(r[5] == "-" for r in rows[2:])


def test_three_tier_topology(ec2):
    example = load_example("three_tier")
    built = example.build(ec2)
    vpc = built["vpc"]
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]
    assert sorted(s["CidrBlock"] for s in subnets) == [
        f"10.20.{n}.0/24" for n in (0, 1, 10, 11, 20, 21)]
    zones = {s["SubnetId"]: s["AvailabilityZone"] for s in subnets}
    for tier in ("web", "app", "data"):
        assert sorted(zones[s] for s in built["subnets"][tier]) == ["us-east-1a", "us-east-1b"]

    # routing: only the web tier reaches the internet gateway
    tables = {t["RouteTableId"]: t for t in ec2.describe_route_tables(
        Filters=[{"Name": "vpc-id", "Values": [vpc]}])["RouteTables"]}
    for tier, table_id in built["route_tables"].items():
        routes = {r["DestinationCidrBlock"]: r.get("GatewayId") for r in tables[table_id]["Routes"]}
        assert routes["10.20.0.0/16"] == "local"
        assert routes.get("0.0.0.0/0") == (built["igw"] if tier == "web" else None)
        associated = {a["SubnetId"] for a in tables[table_id]["Associations"] if "SubnetId" in a}
        assert associated == set(built["subnets"][tier])

    # security groups reference the tier in front of them
    groups = {g["GroupName"]: g for g in ec2.describe_security_groups(
        GroupIds=list(built["groups"].values()))["SecurityGroups"]}
    web, app, data = groups["web-tier"], groups["app-tier"], groups["data-tier"]
    assert sorted(p["FromPort"] for p in web["IpPermissions"]) == [80, 443]
    assert [pair["GroupId"] for p in app["IpPermissions"] for pair in p["UserIdGroupPairs"]] \
        == [web["GroupId"]]
    assert [p["FromPort"] for p in data["IpPermissions"]] == [5432]
    assert [pair["GroupId"] for p in data["IpPermissions"] for pair in p["UserIdGroupPairs"]] \
        == [app["GroupId"]]

    # instances: two per tier, in their tier's subnets and group; public IPs on the web tier
    for tier, ids in built["instances"].items():
        found = [i for r in ec2.describe_instances(InstanceIds=ids)["Reservations"]
                 for i in r["Instances"]]
        assert len(found) == 2
        assert {i["SubnetId"] for i in found} == set(built["subnets"][tier])
        assert {g["GroupId"] for i in found for g in i["SecurityGroups"]} == \
            {built["groups"][tier]}
        assert all(("PublicIpAddress" in i) == (tier == "web") for i in found)
        assert all(i["State"]["Name"] == "running" for i in found)
        if tier == "web":
            assert all(i["PublicDnsName"].endswith(".compute-1.amazonaws.com") for i in found)
    in_vpc = ec2.describe_instances(Filters=[{"Name": "vpc-id", "Values": [vpc]}])
    assert sum(len(r["Instances"]) for r in in_vpc["Reservations"]) == 6
    data_tier = ec2.describe_instances(Filters=[
        {"Name": "instance.group-id", "Values": [data["GroupId"]]}])["Reservations"]
    assert sorted(i["InstanceId"] for r in data_tier for i in r["Instances"]) == \
        sorted(built["instances"]["data"])
    volumes = ec2.describe_volumes(Filters=[{"Name": "tag:tier", "Values": ["data"]}])["Volumes"]
    assert sorted(v["Size"] for v in volumes) == [8, 8, 100, 100]
    assert example.report(ec2, built)[0].startswith("web     web-1")
