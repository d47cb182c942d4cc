"""What IPAM sees of the network, computed from the graph at each request (never stored):
GetIpamResourceCidrs (compliance, management and overlap status per scope),
GetIpamDiscoveredResourceCidrs/Accounts/PublicAddresses and GetIpamAddressHistory.

An IPAM (or resource discovery) sees its own account's resources in its operating regions,
and every member account's when its account is the organization's delegated IPAM
administrator (`ipam_discoveries.admin_of`). ModifyIpamResourceCidr stores only what the
graph cannot tell: the resource CIDRs the IPAM ignores (`IgnoredCidrs`) and those moved to
another scope (`ScopedCidrs`), fields of the IPAM node.
"""
from __future__ import annotations

from typing import Any

from netaddr import IPAddress, IPNetwork

from ..core import clock, lookups, paging, schema, sharing
from ..core import filters as filtering
from ..core import tags as tagging
from ..core.errors import InvalidParameterValue
from ..core.filters import Filter
from ..core.world import Partition, World, not_found
from . import elastic_ips
from . import network_interfaces as enis
from . import ipam_allocations as allocs
from . import ipam_discoveries as discoveries
from . import ipam_pools as pools
from . import ipams, subnets

ROW_KEYS = ("IpamId", "IpamScopeId", "IpamPoolId", "ResourceRegion", "ResourceOwnerId",
            "ResourceId", "ResourceName", "ResourceCidr", "ResourceType", "ResourceTags",
            "IpUsage", "ComplianceStatus", "ManagementState", "OverlapStatus", "VpcId",
            "AvailabilityZoneId")


def _usage(world: World, kind: str, rid: str, cidr: str) -> float:
    net = IPNetwork(cidr)
    if kind == "subnet":
        if net.version == 6:
            return 0.0
        return round(len(subnets.used_addresses(world, rid)) / max(net.size - 5, 1), 4)
    inside = [IPNetwork(world.graph.nodes[s]["CidrBlock"])
              for s in subnets.subnet_ids(world, rid)
              if world.graph.nodes[s].get("CidrBlock")
              and IPNetwork(world.graph.nodes[s]["CidrBlock"]) in net]
    return round(sum(s.size for s in inside) / net.size, 4) if net.version == 4 else 0.0


def resources(world: World, part: Partition) -> list[dict[str, Any]]:
    """The VPC, subnet and Elastic IP CIDRs of one account and region, as IPAM reads them."""
    nodes = world.graph.nodes
    rows: list[dict[str, Any]] = []
    for vpc_id in part.ids("vpc"):
        for assoc, _, _ in world.out(vpc_id, schema.CONTAINS, "vpc-cidr-assoc"):
            block = nodes[assoc]
            cidr = block.get("CidrBlock") or block.get("Ipv6CidrBlock")
            rows.append(_row(world, part, "vpc", vpc_id, cidr, vpc_id, assoc,
                             public=block.get("Ipv6AddressAttribute") == "public"))
        for subnet_id in subnets.subnet_ids(world, vpc_id):
            node = nodes[subnet_id]
            zone = node.get("AvailabilityZoneId")
            if node.get("CidrBlock"):
                rows.append(_row(world, part, "subnet", subnet_id, node["CidrBlock"], vpc_id,
                                 subnet_id, zone=zone))
            for assoc, _, _ in world.out(subnet_id, schema.CONTAINS, "subnet-cidr-assoc"):
                block = nodes[assoc]
                if block["Ipv6CidrBlockState"]["State"] == "associated":
                    rows.append(_row(world, part, "subnet", subnet_id, block["Ipv6CidrBlock"],
                                     vpc_id, subnet_id, zone=zone, public=True))
    for eip in part.ids("elastic-ip"):
        if not nodes[eip].get("PublicIp"):          # a customer-owned (CoIP) address
            continue
        rows.append(_row(world, part, "eip", eip, f"{nodes[eip]['PublicIp']}/32", None, eip,
                         public=True))
    return rows


def _row(world: World, part: Partition, kind: str, rid: str, cidr: str, vpc_id: str | None,
         holder: str, *, zone: str | None = None, public: bool = False) -> dict[str, Any]:
    tags = world.graph.nodes[rid]["tags"]
    row: dict[str, Any] = {
        "ResourceRegion": part.region, "ResourceOwnerId": part.account, "ResourceId": rid,
        "ResourceCidr": cidr, "ResourceType": kind, "ResourceTags": tagging.listed(tags),
        "IpUsage": _usage(world, kind, rid, cidr) if kind != "eip" else 1.0,
        "public": public or kind == "eip", "holder": holder}
    if "Name" in tags:
        row["ResourceName"] = tags["Name"]
    if vpc_id is not None:
        row["VpcId"] = vpc_id
    if zone is not None:
        row["AvailabilityZoneId"] = zone
    return row


def _key(row: dict[str, Any]) -> str:
    return f"{row['ResourceId']}|{row['ResourceCidr']}"


def _pool_allocation(world: World, holder: str, cidr: str) -> str | None:
    for alloc, _, _ in world.into(holder, schema.ASSOCIATED, allocs.KIND):
        if world.graph.nodes[alloc]["Cidr"] == cidr:
            return alloc
    return None


def scope_rows(world: World, scope_id: str) -> list[dict[str, Any]]:
    """Every resource CIDR of an IPAM scope, with its status."""
    ipam_id = ipams.ipam_of(world, scope_id)
    ipam = world.graph.nodes[ipam_id]
    default = {world.graph.nodes[s]["IpamScopeType"]: s for s in ipams.scopes(world, ipam_id)
               if world.graph.nodes[s]["IsDefault"]}
    placed, ignored = ipam.get("ScopedCidrs") or {}, set(ipam.get("IgnoredCidrs") or [])
    auto = {holder: pool_id for pool_id in ipams.pools(world, scope_id)
            for holder, _ in allocs.imported(world, pool_id)}
    rows = []
    for part in discoveries.seen(world, ipam_id):
        for row in resources(world, part):
            home = placed.get(_key(row))
            if home is None or world.node(home) is None:     # never moved, or its scope gone
                home = default.get("public" if row["public"] else "private")
            if home == scope_id:
                rows.append(_status(world, ipam_id, scope_id, row, _key(row) in ignored,
                                    auto))
    _overlaps(rows)
    return rows


def _status(world: World, ipam_id: str, scope_id: str, row: dict[str, Any], ignored: bool,
            auto: dict[str, str]) -> dict[str, Any]:
    """The row with its management and compliance status (`auto`: the blocks auto-import
    pools of the scope take, by holder)."""
    row = {**row, "IpamId": ipam_id, "IpamScopeId": scope_id}
    holder = row.pop("holder")
    if ignored:
        return {**row, "ComplianceStatus": "ignored", "ManagementState": "ignored",
                "OverlapStatus": "ignored"}
    alloc = _pool_allocation(world, holder, row["ResourceCidr"])
    if alloc is None and holder not in auto:
        return {**row, "ComplianceStatus": "unmanaged", "ManagementState": "unmanaged"}
    pool_id = allocs.pool_of(world, alloc) if alloc else auto[holder]
    pool = world.graph.nodes[pool_id]
    prefixlen = IPNetwork(row["ResourceCidr"]).prefixlen
    tags = {t["Key"]: t["Value"] for t in row["ResourceTags"]}
    compliant = (pool["AllocationMinNetmaskLength"] <= prefixlen
                 <= pool["AllocationMaxNetmaskLength"]
                 and all(tags.get(t["Key"]) == t["Value"]
                         for t in pool["AllocationResourceTags"]))
    return {**row, "IpamPoolId": pool_id, "ManagementState": "managed",
            "ComplianceStatus": "compliant" if compliant else "noncompliant"}


def _overlaps(rows: list[dict[str, Any]]) -> None:
    """A CIDR overlaps when a CIDR of the same kind of another VPC (or address) in the scope,
    not ignored, shares addresses with it."""
    live = [r for r in rows if r.get("OverlapStatus") != "ignored"]
    for row in live:
        row["OverlapStatus"] = "overlapping" if any(
            _clash(row, other) for other in live if other is not row) else "nonoverlapping"


def _clash(row: dict[str, Any], other: dict[str, Any]) -> bool:
    if other["ResourceType"] != row["ResourceType"] or \
            other.get("VpcId", other["ResourceId"]) == row.get("VpcId", row["ResourceId"]):
        return False
    a, b = IPNetwork(row["ResourceCidr"]), IPNetwork(other["ResourceCidr"])
    return a.version == b.version and a.first <= b.last and b.first <= a.last


def _public(row: dict[str, Any]) -> dict[str, Any]:
    return {k: row[k] for k in ROW_KEYS if k in row}


def _row_filter(key: str) -> Filter:
    return Filter(lambda w, rid, n: n.get(key))


RESOURCE_FILTERS: dict[str, Filter] = {
    name: _row_filter(key) for name, key in (
        ("resource-id", "ResourceId"), ("resource-type", "ResourceType"),
        ("resource-owner-id", "ResourceOwnerId"), ("resource-region", "ResourceRegion"),
        ("resource-cidr", "ResourceCidr"), ("resource-name", "ResourceName"),
        ("compliance-status", "ComplianceStatus"), ("management-state", "ManagementState"),
        ("overlap-status", "OverlapStatus"), ("vpc-id", "VpcId"), ("ipam-pool-id", "IpamPoolId"),
        ("availability-zone-id", "AvailabilityZoneId"))}


def _tagged(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "tags": {t["Key"]: t["Value"] for t in row.get("ResourceTags", [])}}


def get_resource_cidrs(world: World, part: Partition, ipam_scope_id: str,
                       filters: list[dict[str, Any]] | None = None,
                       max_results: int | None = None, next_token: str | None = None,
                       ipam_pool_id: str | None = None, resource_id: str | None = None,
                       resource_type: str | None = None,
                       resource_tag: dict[str, Any] | None = None,
                       resource_owner: str | None = None) -> dict[str, Any]:
    world.get(part, ipams.SCOPE, ipam_scope_id)
    if ipam_pool_id is not None:
        pools.usable(world, part, ipam_pool_id)
    rows = scope_rows(world, ipam_scope_id)
    wanted = {"IpamPoolId": ipam_pool_id, "ResourceId": resource_id,
              "ResourceType": resource_type, "ResourceOwnerId": resource_owner}
    rows = [r for r in rows if all(v is None or r.get(k) == v for k, v in wanted.items())]
    if resource_tag:
        rows = [r for r in rows if {"Key": resource_tag.get("Key"),
                                    "Value": resource_tag.get("Value", "")} in r["ResourceTags"]]
    chosen = filtering.select_rows(RESOURCE_FILTERS, filters, [_tagged(r) for r in rows])
    page, token = paging.rows(chosen, "ipam-resource-cidrs", max_results, next_token)
    return {"IpamResourceCidrs": [_public(r) for r in page], "NextToken": token}


def modify_resource_cidr(world: World, part: Partition, resource_id: str, resource_cidr: str,
                         resource_region: str, current_ipam_scope_id: str, monitored: bool,
                         destination_ipam_scope_id: str | None = None) -> dict[str, Any]:
    """Ignore (or monitor again) a resource CIDR, or move it to another scope of the IPAM."""
    world.get(part, ipams.SCOPE, current_ipam_scope_id)
    ipam_id = ipams.ipam_of(world, current_ipam_scope_id)
    row = next((r for r in scope_rows(world, current_ipam_scope_id)
                if r["ResourceId"] == resource_id and r["ResourceCidr"] == resource_cidr
                and r["ResourceRegion"] == resource_region), None)
    if row is None:
        raise InvalidParameterValue(
            f"The resource CIDR {resource_cidr} of {resource_id} in {resource_region} is not "
            f"in the scope {current_ipam_scope_id}.")
    key = _key(row)
    ipam = world.graph.nodes[ipam_id]
    ignored = [k for k in ipam.get("IgnoredCidrs") or [] if k != key]
    if not monitored:
        ignored.append(key)
    fields: dict[str, Any] = {"IgnoredCidrs": ignored or None}
    scope_id = current_ipam_scope_id
    if destination_ipam_scope_id is not None and destination_ipam_scope_id != scope_id:
        destination = world.get(part, ipams.SCOPE, destination_ipam_scope_id)
        if ipams.ipam_of(world, destination_ipam_scope_id) != ipam_id or \
                destination["IpamScopeType"] != world.graph.nodes[scope_id]["IpamScopeType"]:
            raise InvalidParameterValue(
                f"The scope {destination_ipam_scope_id} is not a scope of {ipam_id} of the "
                "same type.")
        fields["ScopedCidrs"] = {**(ipam.get("ScopedCidrs") or {}),
                                 key: destination_ipam_scope_id}
        scope_id = destination_ipam_scope_id
    world.update(ipam_id, **fields)
    found = next(r for r in scope_rows(world, scope_id) if _key(r) == key)
    return _public(found)


# -- what a resource discovery sees ------------------------------------------------------------
def _discovery(world: World, part: Partition, disco_id: str, region: str) -> dict[str, Any]:
    node = world.node(disco_id)
    if node is None or node["kind"] != discoveries.KIND or not sharing.can_use(
            world, part, disco_id):
        raise not_found(discoveries.KIND, disco_id)
    if region not in node["OperatingRegions"]:
        raise InvalidParameterValue(f"The Region {region} is not an operating Region of the "
                                    f"resource discovery {disco_id}.")
    return node


def get_discovered_resource_cidrs(world: World, part: Partition,
                                  ipam_resource_discovery_id: str, resource_region: str,
                                  filters: list[dict[str, Any]] | None = None,
                                  max_results: int | None = None,
                                  next_token: str | None = None) -> dict[str, Any]:
    node = _discovery(world, part, ipam_resource_discovery_id, resource_region)
    sampled = clock.now()
    rows = []
    for p in discoveries.partitions(world, discoveries.watched(world, node["account"]), [resource_region]):
        for row in resources(world, p):
            out = {"IpamResourceDiscoveryId": ipam_resource_discovery_id,
                   **{k: row[k] for k in ("ResourceRegion", "ResourceId", "ResourceOwnerId",
                                          "ResourceCidr")},
                   "IpSource": "amazon" if row["public"] else "none",
                   "ResourceType": row["ResourceType"], "ResourceTags": row["ResourceTags"],
                   "IpUsage": row["IpUsage"]}
            if "VpcId" in row:
                out["VpcId"] = row["VpcId"]
            if row["ResourceType"] == "subnet":
                out["SubnetId"] = row["ResourceId"]
            out["SampleTime"] = sampled
            if "AvailabilityZoneId" in row:
                out["AvailabilityZoneId"] = row["AvailabilityZoneId"]
            rows.append(out)
        rows += _interface_rows(world, p, ipam_resource_discovery_id, sampled)
    chosen = filtering.select_rows(RESOURCE_FILTERS, filters, [_tagged(r) for r in rows])
    page, token = paging.rows(chosen, "ipam-discovered-cidrs", max_results, next_token)
    return {"IpamDiscoveredResourceCidrs": [{k: v for k, v in r.items() if k != "tags"}
                                            for r in page], "NextToken": token}


def _interface_rows(world: World, part: Partition, disco_id: str, sampled: Any
                    ) -> list[dict[str, Any]]:
    """Network interfaces as a discovery lists them (ResourceType `eni`): one row per
    address the interface holds, a private IPv4 /32 or an IPv6 /128, with whether the
    interface is attached (`in-use`) or not (`available`)."""
    rows = []
    for eni in part.ids("network-interface"):
        node = world.graph.nodes[eni]
        subnet = next((u for u, _, _ in world.into(eni, schema.CONTAINS, "subnet")), None)
        if subnet is None:
            continue
        status = "in-use" if enis.in_use(world, eni) else "available"
        addresses = [(f"{ip}/32", "none") for ip in node.get("ips", ())]
        addresses += [(f"{ip}/128", "amazon") for ip in node.get("ipv6s", ())]
        for cidr, source in addresses:
            rows.append({"IpamResourceDiscoveryId": disco_id, "ResourceRegion": part.region,
                         "ResourceId": eni, "ResourceOwnerId": part.account,
                         "ResourceCidr": cidr, "IpSource": source, "ResourceType": "eni",
                         "ResourceTags": tagging.listed(node["tags"]),
                         "VpcId": lookups.vpc_of(world, subnet), "SubnetId": subnet,
                         "NetworkInterfaceAttachmentStatus": status, "SampleTime": sampled,
                         "AvailabilityZoneId": node.get("AvailabilityZoneId")
                         or world.graph.nodes[subnet]["AvailabilityZoneId"]})
    return rows


ACCOUNT_FILTERS: dict[str, Filter] = {"account-id": _row_filter("AccountId"),
                                      "discovery-region": _row_filter("DiscoveryRegion")}


def get_discovered_accounts(world: World, part: Partition, ipam_resource_discovery_id: str,
                            discovery_region: str,
                            filters: list[dict[str, Any]] | None = None,
                            max_results: int | None = None, next_token: str | None = None
                            ) -> dict[str, Any]:
    node = _discovery(world, part, ipam_resource_discovery_id, discovery_region)
    sampled = clock.now()
    rows = [{"AccountId": account, "DiscoveryRegion": discovery_region,
             "LastAttemptedDiscoveryTime": sampled, "LastSuccessfulDiscoveryTime": sampled}
            for account in discoveries.watched(world, node["account"])]
    chosen = filtering.select_rows(ACCOUNT_FILTERS, filters, rows, taggable=False)
    page, token = paging.rows(chosen, "ipam-discovered-accounts", max_results, next_token)
    return {"IpamDiscoveredAccounts": page, "NextToken": token}


ADDRESS_FILTERS: dict[str, Filter] = {
    name: _row_filter(key) for name, key in (
        ("address", "Address"), ("address-owner-id", "AddressOwnerId"),
        ("address-allocation-id", "AddressAllocationId"),
        ("association-status", "AssociationStatus"), ("address-type", "AddressType"),
        ("network-interface-id", "NetworkInterfaceId"), ("instance-id", "InstanceId"),
        ("vpc-id", "VpcId"), ("subnet-id", "SubnetId"),
        ("public-ipv4-pool-id", "PublicIpv4PoolId"),
        ("network-border-group", "NetworkBorderGroup"))}


def get_discovered_public_addresses(world: World, part: Partition,
                                    ipam_resource_discovery_id: str, address_region: str,
                                    filters: list[dict[str, Any]] | None = None,
                                    max_results: int | None = None,
                                    next_token: str | None = None) -> dict[str, Any]:
    node = _discovery(world, part, ipam_resource_discovery_id, address_region)
    sampled = clock.now()
    rows = []
    for p in discoveries.partitions(world, discoveries.watched(world, node["account"]), [address_region]):
        for eip in p.ids("elastic-ip"):
            address = elastic_ips.view(world, eip)
            if "PublicIp" not in address:           # a customer-owned (CoIP) address
                continue
            row: dict[str, Any] = {
                "IpamResourceDiscoveryId": ipam_resource_discovery_id,
                "AddressRegion": address_region, "Address": address["PublicIp"],
                "AddressOwnerId": p.account, "AddressAllocationId": eip,
                "AssociationStatus": "associated" if "AssociationId" in address
                else "disassociated",
                "AddressType": "amazon-owned-eip" if address["PublicIpv4Pool"] == "amazon"
                else "byoip", "Service": "other"}
            eni = address.get("NetworkInterfaceId")
            if eni:
                subnet = next((u for u, _, _ in world.into(eni, schema.CONTAINS, "subnet")),
                              None)
                row.update(NetworkInterfaceId=eni, SubnetId=subnet,
                           VpcId=world.graph.nodes[subnet].get("VpcId") if subnet else None)
                if "InstanceId" in address:
                    row["InstanceId"] = address["InstanceId"]
            row.update(PublicIpv4PoolId=address["PublicIpv4Pool"],
                       NetworkBorderGroup=address["NetworkBorderGroup"],
                       Tags={"EipTags": address.get("Tags", [])}, SampleTime=sampled)
            rows.append({k: v for k, v in row.items() if v is not None})
    chosen = filtering.select_rows(ADDRESS_FILTERS, filters, rows, taggable=False)
    page, token = paging.rows(chosen, "ipam-public-addresses", max_results, next_token)
    return {"IpamDiscoveredPublicAddresses": page, "OldestSampleTime": sampled,
            "NextToken": token}


def address_history(world: World, part: Partition, cidr: str, ipam_scope_id: str,
                    vpc_id: str | None = None, start_time: Any = None, end_time: Any = None,
                    max_results: int | None = None, next_token: str | None = None
                    ) -> dict[str, Any]:
    """The resources of the scope whose CIDRs fall in `cidr`, as sampled now: ec2sim keeps
    no past, so each record starts at the request and is still current."""
    world.get(part, ipams.SCOPE, ipam_scope_id)
    try:
        wanted = IPNetwork(cidr)
    except Exception:   # netaddr raises several types for bad text
        raise InvalidParameterValue(f"Value ({cidr}) for parameter cidr is invalid.") from None
    sampled = clock.now()
    records = []
    for row in scope_rows(world, ipam_scope_id):
        net = IPNetwork(row["ResourceCidr"])
        if net.version != wanted.version or not (net in wanted or wanted in net):
            continue
        if vpc_id is not None and row.get("VpcId") != vpc_id:
            continue
        record = {"ResourceOwnerId": row["ResourceOwnerId"],
                  "ResourceRegion": row["ResourceRegion"], "ResourceType": row["ResourceType"],
                  "ResourceId": row["ResourceId"], "ResourceCidr": row["ResourceCidr"]}
        if "ResourceName" in row:
            record["ResourceName"] = row["ResourceName"]
        record.update(ResourceComplianceStatus=row["ComplianceStatus"],
                      ResourceOverlapStatus=row["OverlapStatus"])
        if "VpcId" in row:
            record["VpcId"] = row["VpcId"]
        record["SampledStartTime"] = sampled
        records.append(record)
    records += _interface_records(world, ipam_scope_id, wanted, vpc_id, sampled)
    page, token = paging.rows(records, "ipam-address-history", max_results, next_token)
    return {"HistoryRecords": page, "NextToken": token}


def _interface_records(world: World, scope_id: str, wanted: IPNetwork, vpc_id: str | None,
                       sampled: Any) -> list[dict[str, Any]]:
    """The private addresses in `wanted` that interfaces (and the instances they are attached
    to) hold, in the private scope's accounts and regions."""
    if world.graph.nodes[scope_id]["IpamScopeType"] != "private":
        return []
    records = []
    for part in discoveries.seen(world, ipams.ipam_of(world, scope_id)):
        for eni in part.ids("network-interface"):
            node = world.graph.nodes[eni]
            subnet = next((u for u, _, _ in world.into(eni, schema.CONTAINS, "subnet")), None)
            owner = lookups.vpc_of(world, subnet) if subnet else None
            if owner is None or (vpc_id is not None and owner != vpc_id):
                continue
            attached = enis.attachment(world, eni)
            for ip in node.get("ips", ()):
                if wanted.version != 4 or IPAddress(ip) not in wanted:
                    continue
                for kind, rid in (("network-interface", eni),
                                  *([("instance", attached[0])] if attached else [])):
                    records.append({"ResourceOwnerId": part.account,
                                    "ResourceRegion": part.region, "ResourceType": kind,
                                    "ResourceId": rid, "ResourceCidr": f"{ip}/32",
                                    "VpcId": owner, "SampledStartTime": sampled})
    return records


# -- the operations bound from here (docs/families.md) ----------------------------------------
from ..core.family import declare_actions  # noqa: E402

declare_actions(ipams.SCOPE, {"GetIpamResourceCidrs": get_resource_cidrs,
                              "ModifyIpamResourceCidr": modify_resource_cidr,
                              "GetIpamAddressHistory": address_history})
declare_actions(discoveries.KIND, {
    "GetIpamDiscoveredResourceCidrs": get_discovered_resource_cidrs,
    "GetIpamDiscoveredAccounts": get_discovered_accounts,
    "GetIpamDiscoveredPublicAddresses": get_discovered_public_addresses})
