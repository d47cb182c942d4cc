"""Reachability at scale: one query and the matrices on a generated 10,000-instance world.

The world is built straight through the topology functions (no boto3, so it takes seconds):

* 50 VPCs, 10.<v>.0.0/16, each with 10 /24 subnets across two zones; per zone an edge subnet
  (the transit gateway attachment's), two app subnets, a data subnet and an ops subnet;
* a transit gateway hub with three route tables: `shared` (VPC 1, shared services, is
  associated with it and every VPC propagates into it), `prod` (odd VPCs) and `dev` (even
  VPCs), each learning its own segment and shared services; `dev` blackholes one prod range;
* VPC peering between VPC v and v + 25 for v = 1..10, routed from both sides;
* two route tables per VPC: the main one (10.0.0.0/8 to the hub, peer /16 over peering) and
  a data table (local and peering only), so data subnets are cut off from the hub;
* NACL variety: the default ACL (edge and ops subnets), an app ACL (admits TCP and DNS from
  10.0.0.0/8 but denies one quarantined VPC), a data ACL (PostgreSQL and return traffic from
  its own VPC only);
* security groups web/app/db/ops per VPC referencing each other, and instances launched
  with `instance_launch.launch` (20 per subnet for 10,000), some with two groups.

It then measures one `routing.reachability` query (median and p95 of 100 random instance
pairs, each on the port its destination serves; target < 20 ms), the subnet matrix (the 500
subnets and the default VPC's 6; target < 30 s) and the security group matrix, printing
their numbers of forwarding classes and engine walks: at 2,000 and 10,000 instances (same
classes, so the same cost) and with 25 VPCs (half the classes, about a quarter the walks).

Run: python3 benchmarks/reachability.py [--instances 2000 10000] [--vpcs 50]
[--fewer-vpcs 25] [--queries 100]
"""
from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from topology.compute import images, instance_launch
from topology.connect import (peering, tgw_route_tables, tgw_routes, tgw_vpc_attachments,
    transit_gateways)
from topology.network import (group_rules, network_acls, route_tables, routes, security_groups,
                              subnets, vpcs)
from topology.core.world import DEFAULT_ACCOUNT, Partition, World  # noqa: E402

REGION = "us-east-1"
ZONES = ("us-east-1a", "us-east-1b")
ROLES = ("edge", "app", "app", "data", "ops")     # subnet role by index within its zone
SUBNETS_PER_VPC = 2 * len(ROLES)
PEERINGS = 10                                     # VPC v peers with v + (VPC count) / 2
SHARED = 1                                        # the shared-services VPC's number
TARGETS = {"query_ms": 20.0, "matrix_s": 30.0}
PORTS = {"edge": 443, "app": 8080, "data": 5432, "ops": 22}   # what each role serves


def cidr(v: int, j: int | None = None) -> str:
    return f"10.{v}.0.0/16" if j is None else f"10.{v}.{j}.0/24"


# -- the world ----------------------------------------------------------------------------------
def build(*, vpc_count: int = 50, instance_count: int = 10_000, seed: int = 5) -> dict[str, Any]:
    """Build the benchmark's world; returns it with the ids of what was made."""
    world = World(seed)
    part = world.partition(DEFAULT_ACCOUNT, REGION)
    numbers = range(1, vpc_count + 1)
    made: dict[str, Any] = {"world": world, "part": part, "vpcs": {}, "subnets": {},
                            "groups": {}, "route_tables": {}, "acls": {}}
    for v in numbers:
        made["vpcs"][v] = vpcs.create(world, part, cidr(v), tags={"Name": f"vpc-{v}"})
        _network(world, part, v, made)
    _hub(world, part, numbers, made)
    _peerings(world, part, numbers, made)
    _launch(world, part, instance_count, made)
    return made


def _network(world: World, part: Partition, v: int, made: dict[str, Any]) -> None:
    """One VPC's subnets, route tables, ACLs and groups."""
    vpc = made["vpcs"][v]
    main = route_tables.main_table(world, vpc)
    data = route_tables.create(world, part, vpc, tags={"Name": f"data-{v}"})
    made["route_tables"][v] = {"main": main, "data": data}
    default = network_acls.default_acl(world, vpc)
    acls = {"edge": default, "ops": default, "data": _data_acl(world, part, vpc, v),
            "app": _app_acl(world, part, vpc, v, len(made["vpcs"]))}
    made["acls"][v] = acls
    for j in range(SUBNETS_PER_VPC):
        zone, role = ZONES[j // len(ROLES)], ROLES[j % len(ROLES)]
        subnet = subnets.create(world, part, vpc, cidr(v, j), zone=zone,
                                tags={"Name": f"{role}-{v}-{j}", "role": role})
        made["subnets"][subnet] = (v, role, zone)
        if role == "data":
            route_tables.associate(world, part, data, subnet_id=subnet)
        if role in ("app", "data"):
            network_acls.associate(world, acls[role], subnet)
    made["groups"][v] = _groups(world, part, vpc, v)


def _entry(world: World, part: Partition, acl: str, rule: int, egress: bool, action: str,
           block: str, protocol: str = "-1", ports: tuple[int, int] | None = None) -> None:
    spec: dict[str, Any] = {"RuleNumber": rule, "Protocol": protocol, "RuleAction": action,
                            "Egress": egress, "CidrBlock": block}
    if ports is not None:
        spec["PortRange"] = {"From": ports[0], "To": ports[1]}
    network_acls.add_entry(world, part, acl, spec)


def _app_acl(world: World, part: Partition, vpc: str, v: int, count: int) -> str:
    """TCP and DNS from the 10/8 network, except a quarantined VPC; anything out."""
    acl = network_acls.create(world, part, vpc, tags={"Name": f"app-{v}"})
    quarantined = v % count + 1 if v % 7 == 0 else None
    if quarantined is not None:
        _entry(world, part, acl, 90, False, "deny", cidr(quarantined))
    _entry(world, part, acl, 100, False, "allow", "10.0.0.0/8", "6", (0, 65535))
    _entry(world, part, acl, 110, False, "allow", "10.0.0.0/8", "17", (53, 53))
    _entry(world, part, acl, 100, True, "allow", "0.0.0.0/0")
    return acl


def _data_acl(world: World, part: Partition, vpc: str, v: int) -> str:
    """PostgreSQL and return traffic within the VPC only."""
    acl = network_acls.create(world, part, vpc, tags={"Name": f"data-{v}"})
    _entry(world, part, acl, 100, False, "allow", cidr(v), "6", (5432, 5432))
    _entry(world, part, acl, 110, False, "allow", cidr(v), "6", (1024, 65535))
    _entry(world, part, acl, 100, True, "allow", cidr(v), "6", (0, 65535))
    return acl


def _groups(world: World, part: Partition, vpc: str, v: int) -> dict[str, str]:
    """web <- 10/8 on 443; app <- web on 8080, ops on 22; db <- app on 5432; ops <- 10/8 on 22."""
    names = ("web", "app", "db", "ops")
    groups = {n: security_groups.create_group(world, part, f"{n}-{v}", f"{n} tier", vpc_id=vpc)
              for n in names}

    def allow(group: str, port: int, *, source: str) -> None:
        peer = ({"IpRanges": [{"CidrIp": source}]} if "/" in source
                else {"UserIdGroupPairs": [{"GroupId": groups[source]}]})
        perm = {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, **peer}
        rules = group_rules.parse(world, part, groups[group], [perm])
        group_rules.authorize(world, part, groups[group], rules, egress=False)

    allow("web", 443, source="10.0.0.0/8")
    allow("app", 8080, source="web")
    allow("app", 22, source="ops")
    allow("db", 5432, source="app")
    allow("ops", 22, source="10.0.0.0/8")
    return groups


def _hub(world: World, part: Partition, numbers: range, made: dict[str, Any]) -> None:
    """A transit gateway joining every VPC through its edge subnets, in three segments."""
    tgw = transit_gateways.create(world, part, description="hub", requested={
        "DefaultRouteTableAssociation": "disable", "DefaultRouteTablePropagation": "disable"})
    tables = {name: tgw_route_tables.create(world, part, tgw, tags={"Name": name})
              for name in ("shared", "prod", "dev")}
    edge = {v: [s for s, (n, role, _) in made["subnets"].items() if n == v and role == "edge"]
            for v in numbers}
    attachments = {}
    for v in numbers:
        attach = tgw_vpc_attachments.create_vpc_attachment(world, part, tgw, made["vpcs"][v],
                                                           edge[v])
        attachments[v] = attach
        segment = "shared" if v == SHARED else ("prod" if v % 2 else "dev")
        tgw_route_tables.associate(world, part, tables[segment], attach)
        into = ("prod", "dev") if v == SHARED else ("shared", segment)
        for name in into:
            tgw_route_tables.enable_propagation(world, part, tables[name], attach)
        routes.create_route(world, part, made["route_tables"][v]["main"], {
            "DestinationCidrBlock": "10.0.0.0/8", "TransitGatewayId": tgw})
    # dev may not reach the last prod VPC, even though nothing propagates it there
    prod = [v for v in numbers if v % 2 and v != SHARED]
    if prod:
        tgw_routes.create_route(world, part, tables["dev"], {
            "DestinationCidrBlock": cidr(prod[-1]), "Blackhole": True})
    made.update(tgw=tgw, tgw_tables=tables, attachments=attachments)


def _peerings(world: World, part: Partition, numbers: range, made: dict[str, Any]) -> None:
    """VPC v <-> v + half, routed from both main and data tables."""
    half = len(numbers) // 2
    made["peerings"] = {}
    for v in list(numbers)[:min(PEERINGS, half)]:
        w = v + half
        pcx, _ = peering.create(world, part, made["vpcs"][v], made["vpcs"][w])
        peering.accept(world, part, pcx)
        made["peerings"][(v, w)] = pcx
        for near, far in ((v, w), (w, v)):
            for table in made["route_tables"][near].values():
                routes.create_route(world, part, table, {
                    "DestinationCidrBlock": cidr(far), "VpcPeeringConnectionId": pcx})


def _image(world: World, part: Partition) -> str:
    nodes = world.graph.nodes
    found = [i for i in images.describe(world, part, owners=["amazon"])
             if nodes[i].get("Architecture") == "x86_64"]
    return sorted(found)[0]


def _launch(world: World, part: Partition, count: int, made: dict[str, Any]) -> None:
    """`count` instances spread evenly over the subnets, in their role's groups."""
    image = _image(world, part)
    ids: list[str] = []
    roles: dict[str, str] = {}
    per_role = {"edge": ("web",), "app": ("app",), "data": ("db",), "ops": ("ops",)}
    subnet_ids = list(made["subnets"])
    base, extra = divmod(count, len(subnet_ids))
    for index, subnet in enumerate(subnet_ids):
        v, role, _ = made["subnets"][subnet]
        n = base + (index < extra)
        groups = [made["groups"][v][g] for g in per_role[role]]
        for batch, size in enumerate((n - n // 4, n // 4)):
            if not size:
                continue
            # a quarter of the app servers are also managed hosts: a second group
            chosen = groups + [made["groups"][v]["ops"]] if batch and role == "app" else groups
            _, launched = instance_launch.launch(world, part, {
                "ImageId": image, "InstanceType": "t3.micro", "MinCount": size,
                "MaxCount": size, "SubnetId": subnet, "SecurityGroupIds": chosen})
            ids += launched
            roles.update(dict.fromkeys(launched, role))
    made["instances"], made["roles"] = ids, roles


# -- measurements -------------------------------------------------------------------------------
def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def time_queries(made: dict[str, Any], count: int, seed: int = 11) -> dict[str, float]:
    """Median and p95 (ms) of `count` reachability queries between random instances, each
    on the port the destination's role serves."""
    import routing

    rng = random.Random(seed)
    world, ids = made["world"], made["instances"]
    times, found = [], 0
    for _ in range(count):
        src, dst = rng.sample(ids, 2)
        port = PORTS[made["roles"][dst]]
        start = time.perf_counter()
        answer = routing.reachability(world, src, dst, protocol="tcp", destination_port=port)
        times.append((time.perf_counter() - start) * 1000)
        found += answer.network_path_found
    return {"median_ms": statistics.median(times), "p95_ms": percentile(times, 0.95),
            "reachable": found, "queries": count}


def time_matrix(made: dict[str, Any], kind: str = "subnet", port: int = 443) -> dict[str, Any]:
    """One matrix: seconds, its size, how many pairs reach, its classes and engine walks."""
    import routing

    gc.collect()
    start = time.perf_counter()
    answer = routing.matrix(made["world"], kind, protocol="tcp", port=port, region=REGION)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "pairs": len(answer), "reachable": sum(answer.values()),
            "classes": answer.classes, "walks": answer.walks,
            "side": round(len(answer) ** 0.5)}


def run(plan: list[tuple[int, int]], queries: int) -> None:
    """Build and measure each (VPCs, instances) of the plan."""
    rows = []
    for vpc_count, count in plan:
        start = time.perf_counter()
        made = build(vpc_count=vpc_count, instance_count=count)
        built = time.perf_counter() - start
        print(f"{vpc_count} VPCs, {len(made['subnets'])} subnets, {len(made['instances'])} "
              f"instances (built in {built:.1f} s)", flush=True)
        query = time_queries(made, queries)
        print(f"  one query: median {query['median_ms']:.2f} ms, p95 {query['p95_ms']:.2f} ms "
              f"over {query['queries']} random instance pairs ({query['reachable']} reachable;"
              f" target < {TARGETS['query_ms']:.0f} ms)", flush=True)
        matrix = time_matrix(made)      # the default VPC's subnets are in it too
        print(f"  subnet matrix {matrix['side']} x {matrix['side']} on tcp/443: "
              f"{matrix['seconds']:.2f} s (target < {TARGETS['matrix_s']:.0f} s); "
              f"{matrix['classes']} forwarding classes, {matrix['walks']} engine walks, "
              f"{matrix['reachable']} of {matrix['pairs']} pairs reachable", flush=True)
        groups = time_matrix(made, "security-group")
        print(f"  security group matrix {groups['side']} x {groups['side']} on tcp/443: "
              f"{groups['seconds']:.2f} s; {groups['classes']} interface classes, "
              f"{groups['walks']} engine walks, {groups['reachable']} pairs reachable",
              flush=True)
        rows.append((vpc_count, count, matrix))
        del made
        gc.collect()
    _compare(rows)


def _compare(rows: list[tuple[int, int, dict[str, Any]]]) -> None:
    """How the matrix's time moved with instances (same classes) and with classes."""
    for (v1, n1, m1), (v2, n2, m2) in zip(rows, rows[1:]):
        print(f"{v1} VPCs/{n1} instances -> {v2} VPCs/{n2} instances: instances x"
              f"{n2 / n1:.1f}, classes x{m2['classes'] / m1['classes']:.2f}, walks x"
              f"{m2['walks'] / m1['walks']:.2f}, matrix time x{m2['seconds'] / m1['seconds']:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, nargs="+", default=[2000, 10_000],
                        help="instance counts to measure with --vpcs VPCs")
    parser.add_argument("--vpcs", type=int, default=50)
    parser.add_argument("--fewer-vpcs", type=int, default=25,
                        help="a last run with this many VPCs (fewer classes) at the largest "
                             "instance count; 0 to skip")
    parser.add_argument("--queries", type=int, default=100)
    args = parser.parse_args()
    plan = [(args.vpcs, n) for n in args.instances]
    if args.fewer_vpcs:
        plan.append((args.fewer_vpcs, max(args.instances)))
    run(plan, args.queries)


if __name__ == "__main__":
    main()
