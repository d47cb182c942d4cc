"""Build a world from EC2 describe outputs (AWS itself, another emulator, `aws ec2 describe-*`).

`build(responses, account=..., region=...)` takes the answers of the describe calls, keyed by
the call (`DescribeVpcs`, `describe-vpcs` or `describe_vpcs`: any spelling), each one answer
dict or a list of pages, and writes nodes and edges straight through `World`'s primitives in
the graph model of docs/architecture.md, so every id, address and relationship is kept as
described. Nothing here calls the API (no boto3): `api/importing.py` does the reading.

Built: DHCP options, VPCs, subnets, gateways, security groups and rules, network ACLs,
instances and interfaces, Elastic IPs, NAT gateways, VPC peering connections,
customer-managed prefix lists (entries from GetManagedPrefixListEntries, `PER_RESOURCE`),
VPC endpoints to AWS's services, transit gateways with their VPC and peering attachments
and route tables (associations, propagations and static routes from the per-table calls of
`PER_RESOURCE`), route tables. VPN connections are not built yet.

What the graph cannot hold (a route to a target that was not described, a VPN
connection, …) is counted in `Report.skipped` with the reason: nothing is
dropped silently. `progress(kind, done, total)` is called as each family is built.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ..core import schema
from ..core.world import DEFAULT_ACCOUNT, Partition, World

Progress = Callable[[str, int, int], None]

# describe call -> the member of its answer that lists the resources
RESULT_KEYS: dict[str, str] = {
    "DescribeDhcpOptions": "DhcpOptions",
    "DescribeVpcs": "Vpcs",
    "DescribeSubnets": "Subnets",
    "DescribeInternetGateways": "InternetGateways",
    "DescribeEgressOnlyInternetGateways": "EgressOnlyInternetGateways",
    "DescribeSecurityGroups": "SecurityGroups",
    "DescribeNetworkAcls": "NetworkAcls",
    "DescribeNetworkInterfaces": "NetworkInterfaces",
    "DescribeInstances": "Reservations",
    "DescribeAddresses": "Addresses",
    "DescribeRouteTables": "RouteTables",
    "DescribeNatGateways": "NatGateways",
    "DescribeVpcPeeringConnections": "VpcPeeringConnections",
    "DescribeTransitGateways": "TransitGateways",
    "DescribeTransitGatewayVpcAttachments": "TransitGatewayVpcAttachments",
    "DescribeTransitGatewayAttachments": "TransitGatewayAttachments",
    "DescribeTransitGatewayRouteTables": "TransitGatewayRouteTables",
    "DescribeVpcEndpoints": "VpcEndpoints",
    "DescribeManagedPrefixLists": "PrefixLists",
    "DescribeVpnConnections": "VpnConnections",
}
# calls asked once per resource -> (the describe call listing them, the id member each
# page of the answer carries (ec2sim's reader adds it; a `<call>.<id>.json` file names it),
# the answer's list member)
PER_RESOURCE: dict[str, tuple[str, str, str]] = {
    "GetManagedPrefixListEntries": ("DescribeManagedPrefixLists", "PrefixListId", "Entries"),
    "GetTransitGatewayRouteTableAssociations": (
        "DescribeTransitGatewayRouteTables", "TransitGatewayRouteTableId", "Associations"),
    "GetTransitGatewayRouteTablePropagations": (
        "DescribeTransitGatewayRouteTables", "TransitGatewayRouteTableId",
        "TransitGatewayRouteTablePropagations"),
    "SearchTransitGatewayRoutes": (
        "DescribeTransitGatewayRouteTables", "TransitGatewayRouteTableId", "Routes"),
}
# the extra arguments a PER_RESOURCE call is asked with (propagated routes are derived)
PER_RESOURCE_ARGS: dict[str, dict[str, Any]] = {
    "SearchTransitGatewayRoutes": {"Filters": [{"Name": "type", "Values": ["static"]}]},
}
# families the graph could hold but this importer does not build yet: counted, not dropped
NOT_MODELED = {
    "DescribeVpnConnections": "vpn-connection",
}
# a describe-route's target member -> the node kind it names
ROUTE_TARGETS = {
    "GatewayId": None,      # igw-, vgw-, vpce- or "local": told by the id's prefix
    "EgressOnlyInternetGatewayId": "egress-only-internet-gateway",
    "NatGatewayId": "nat-gateway", "TransitGatewayId": "transit-gateway",
    "VpcPeeringConnectionId": "vpc-peering-connection", "NetworkInterfaceId": "network-interface",
    "CarrierGatewayId": "carrier-gateway", "LocalGatewayId": "local-gateway",
    "InstanceId": "instance",
}
DESTINATIONS = ("DestinationCidrBlock", "DestinationIpv6CidrBlock", "DestinationPrefixListId")
INSTANCE_STATES = {"pending": 0, "running": 16, "shutting-down": 32, "terminated": 48,
                   "stopping": 64, "stopped": 80}


@dataclass
class Report:
    """What an import built, and what it could not."""

    built: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)   # "what: why" -> count

    def skip(self, what: str, why: str, count: int = 1) -> None:
        if count:
            self.skipped[f"{what}: {why}"] += count

    def lines(self) -> list[str]:
        out = [f"imported {n} {kind}" for kind, n in sorted(self.built.items())]
        out += [f"not imported: {n} x {what}" for what, n in sorted(self.skipped.items())]
        return out


def call_name(name: str) -> str:
    """`describe-vpcs`, `describe_vpcs`, `DescribeVpcs` (a file stem too) -> `DescribeVpcs`."""
    parts = [p for p in re.split(r"[-_\s.]+", name) if p]
    if len(parts) == 1:
        return parts[0][0].upper() + parts[0][1:]
    return "".join(p[0].upper() + p[1:].lower() for p in parts)


def items(responses: dict[str, Any], call: str) -> list[dict[str, Any]]:
    """Every resource the answers of `call` list, pages joined."""
    answer = responses.get(call)
    if answer is None:
        return []
    pages = answer if isinstance(answer, list) else [answer]
    key = RESULT_KEYS[call]
    return [item for page in pages for item in page.get(key) or []]


def resource_ids(responses: dict[str, Any], call: str) -> list[str]:
    """The ids `call` (a PER_RESOURCE call) is asked for: the resources its describe call
    listed that the importer builds (not AWS-managed prefix lists)."""
    source, member, _key = PER_RESOURCE[call]
    return [item[member] for item in items(responses, source)
            if item.get(member) and item.get("OwnerId") != "AWS"]


def per_resource(responses: dict[str, Any], call: str) -> dict[str, list[dict[str, Any]]]:
    """id -> the items the answers of `call` list for it, pages joined."""
    _source, member, key = PER_RESOURCE[call]
    answer = responses.get(call) or []
    out: dict[str, list[dict[str, Any]]] = {}
    for page in answer if isinstance(answer, list) else [answer]:
        if page.get(member):
            out.setdefault(page[member], []).extend(page.get(key) or [])
    return out


def normalise(responses: dict[str, Any]) -> dict[str, Any]:
    """Key the answers by their canonical call names."""
    return {call_name(name): answer for name, answer in responses.items()}


def build(responses: dict[str, Any], *, account: str | None = None, region: str = "us-east-1",
          world: World | None = None, progress: Progress | None = None) -> tuple[World, Report]:
    """A world holding what the describe answers show (see the module docstring)."""
    responses = normalise(responses)
    report = Report()
    for call in responses:
        if call not in RESULT_KEYS and call not in PER_RESOURCE:
            report.skip(call, "describe call not understood by the importer",
                        _count_any(responses[call]))
    owner = account or _owner(responses) or DEFAULT_ACCOUNT
    world = world if world is not None else World()
    with world.lock:
        part = world.partition(owner, region, setup=_empty)
        builder = _Builder(world, part, report, progress)
        builder.run(responses)
    return world, report


def _count_any(answer: Any) -> int:
    pages = answer if isinstance(answer, list) else [answer]
    return sum(len(v) for page in pages if isinstance(page, dict)
               for v in page.values() if isinstance(v, list)) or 1


def _owner(responses: dict[str, Any]) -> str | None:
    for vpc in items(responses, "DescribeVpcs"):
        if vpc.get("OwnerId"):
            return str(vpc["OwnerId"])
    return None


def _empty(world: World, part: Partition) -> None:
    """An imported partition starts empty: its resources are the ones described."""


def _tags(item: dict[str, Any]) -> dict[str, str]:
    return {t["Key"]: t.get("Value", "") for t in item.get("Tags") or [] if "Key" in t}


class _Builder:
    """One import: the describe answers, family by family, into one partition."""

    def __init__(self, world: World, part: Partition, report: Report,
                 progress: Progress | None) -> None:
        self.world, self.part, self.report = world, part, report
        self.progress = progress or (lambda kind, done, total: None)
        self.pending: list[dict[str, Any]] = []     # interfaces read from instances

    # -- plumbing --------------------------------------------------------------------------
    def run(self, responses: dict[str, Any]) -> None:
        self.tgw_rows = {call: per_resource(responses, call) for call in (
            "GetTransitGatewayRouteTableAssociations", "GetTransitGatewayRouteTablePropagations",
            "SearchTransitGatewayRoutes")}
        self.prefix_lists(items(responses, "DescribeManagedPrefixLists"),
                          per_resource(responses, "GetManagedPrefixListEntries"))
        for call, build_one in (
                ("DescribeDhcpOptions", self.dhcp_options), ("DescribeVpcs", self.vpc),
                ("DescribeSubnets", self.subnet), ("DescribeInternetGateways", self.igw),
                ("DescribeEgressOnlyInternetGateways", self.eigw),
                ("DescribeSecurityGroups", self.security_group),
                ("DescribeNetworkAcls", self.network_acl),
                ("DescribeInstances", self.reservation),
                ("DescribeNetworkInterfaces", self.interface),
                ("", self.interface),       # instances' interfaces not listed on their own
                ("DescribeAddresses", self.address),
                ("DescribeNatGateways", self.nat_gateway),
                ("DescribeVpcPeeringConnections", self.peering),
                ("DescribeVpcEndpoints", self.endpoint),
                ("DescribeTransitGateways", self.transit_gateway),
                ("DescribeTransitGatewayVpcAttachments", self.tgw_vpc_attachment),
                ("DescribeTransitGatewayAttachments", self.tgw_attachment),
                ("DescribeTransitGatewayRouteTables", self.tgw_route_table),
                ("DescribeRouteTables", self.route_table)):
            found = items(responses, call) if call else self.pending
            for n, item in enumerate(found, 1):
                build_one(item)
                if n % 200 == 0 or n == len(found):
                    self.progress(RESULT_KEYS.get(call, "instance interfaces"), n, len(found))
        self.security_group_rules(items(responses, "DescribeSecurityGroups"))
        for call, kind in NOT_MODELED.items():
            found = items(responses, call)
            self.report.skip(kind, "not modelled by the importer yet", len(found))

    def add(self, kind: str, rid: str, item: dict[str, Any] | None = None,
            **fields: Any) -> bool:
        if rid in self.world.graph:
            return False            # listed twice (pages overlap, or an instance's ENI)
        self.world.add(self.part, kind, rid, **fields)
        for key, value in _tags(item or {}).items():
            self.world.tag(rid, key, value)
        self.report.built[kind] += 1
        return True

    def has(self, rid: str | None, kind: str | None = None) -> bool:
        node = self.world.graph.nodes.get(rid) if rid else None
        return node is not None and (kind is None or node["kind"] == kind)

    def link(self, u: str, v: str, etype: str, disc: Any = None, *, what: str,
             **data: Any) -> None:
        """Link `u -> v` if both were described; count the relationship otherwise."""
        if self.has(u) and self.has(v):
            self.world.link(u, v, etype, disc, **data)
        else:
            self.report.skip(what, f"{v if self.has(u) else u} was not described")

    # -- families --------------------------------------------------------------------------
    def dhcp_options(self, item: dict[str, Any]) -> None:
        config: dict[str, list[str]] = {}
        for entry in item.get("DhcpConfigurations") or []:
            config[entry["Key"]] = [v.get("Value", "") for v in entry.get("Values") or []]
        self.add("dhcp-options", item["DhcpOptionsId"], item, config=config, default=False)

    def vpc(self, item: dict[str, Any]) -> None:
        vpc_id = item["VpcId"]
        default = bool(item.get("IsDefault"))
        if not self.add("vpc", vpc_id, item, State=item.get("State", "available"),
                        InstanceTenancy=item.get("InstanceTenancy", "default"), IsDefault=default,
                        EnableDnsSupport=True, EnableDnsHostnames=default,
                        EnableNetworkAddressUsageMetrics=False, ClassicLinkEnabled=False,
                        ClassicLinkDnsSupported=False):
            return
        blocks = list(item.get("CidrBlockAssociationSet") or [])
        if not blocks and item.get("CidrBlock"):
            blocks = [{"AssociationId": self.world.new_id("vpc-cidr-assoc"),
                       "CidrBlock": item["CidrBlock"]}]
        for block in blocks:
            self._block(vpc_id, block, "CidrBlock", "CidrBlockState")
        for block in item.get("Ipv6CidrBlockAssociationSet") or []:
            self._block(vpc_id, block, "Ipv6CidrBlock", "Ipv6CidrBlockState",
                        extra=("Ipv6Pool", "NetworkBorderGroup"))
        dopt = item.get("DhcpOptionsId")
        if dopt and dopt != "default":
            self.link(dopt, vpc_id, schema.ASSOCIATED, what="VPC's DHCP options")

    def _block(self, owner: str, block: dict[str, Any], member: str, state: str,
               extra: tuple[str, ...] = (), kind: str = "vpc-cidr-assoc") -> None:
        status = (block.get(state) or {}).get("State", "associated")
        if status not in ("associated", "associating"):
            return          # a disassociated block is history, not topology
        fields = {member: block[member], state: {"State": status}}
        fields.update({k: block[k] for k in extra if k in block})
        assoc_id = block.get("AssociationId") or self.world.new_id(kind)
        if self.add(kind, assoc_id, None, **fields):
            self.world.link(owner, assoc_id, schema.CONTAINS)

    def subnet(self, item: dict[str, Any]) -> None:
        subnet_id, vpc_id = item["SubnetId"], item.get("VpcId", "")
        if not self.has(vpc_id, "vpc"):
            self.report.skip("subnet", "its VPC was not described")
            return
        fields: dict[str, Any] = {k: item[k] for k in (
            "CidrBlock", "AvailabilityZone", "AvailabilityZoneId", "State", "DefaultForAz",
            "MapPublicIpOnLaunch", "AssignIpv6AddressOnCreation", "MapCustomerOwnedIpOnLaunch",
            "EnableDns64", "Ipv6Native", "PrivateDnsNameOptionsOnLaunch") if k in item}
        defaults: dict[str, Any] = {"State": "available", "DefaultForAz": False, "MapPublicIpOnLaunch": False,
                    "AssignIpv6AddressOnCreation": False, "MapCustomerOwnedIpOnLaunch": False,
                    "EnableDns64": False, "Ipv6Native": False,
                    "PrivateDnsNameOptionsOnLaunch": {"HostnameType": "ip-name",
                                                      "EnableResourceNameDnsARecord": False,
                                                      "EnableResourceNameDnsAAAARecord": False}}
        if "AvailabilityZoneId" not in fields:
            from ..core import regions

            found = regions.zone(self.part.region, item.get("AvailabilityZone"))
            fields["AvailabilityZoneId"] = found["ZoneId"] if found else ""
        if not self.add("subnet", subnet_id, item, **{**defaults, **fields}):
            return
        self.world.link(vpc_id, subnet_id, schema.CONTAINS)
        for block in item.get("Ipv6CidrBlockAssociationSet") or []:
            self._block(subnet_id, block, "Ipv6CidrBlock", "Ipv6CidrBlockState",
                        kind="subnet-cidr-assoc")

    def _gateway(self, kind: str, rid: str, item: dict[str, Any]) -> None:
        if not self.add(kind, rid, item):
            return
        for attachment in item.get("Attachments") or []:
            state = attachment.get("State", "available")
            if state in ("attached", "available"):
                self.link(rid, attachment["VpcId"], schema.ATTACHED,
                          what=f"{kind} attachment", State="available")

    def igw(self, item: dict[str, Any]) -> None:
        self._gateway("internet-gateway", item["InternetGatewayId"], item)

    def eigw(self, item: dict[str, Any]) -> None:
        self._gateway("egress-only-internet-gateway", item["EgressOnlyInternetGatewayId"], item)

    def security_group(self, item: dict[str, Any]) -> None:
        sg_id, vpc_id = item["GroupId"], item.get("VpcId", "")
        if not self.has(vpc_id, "vpc"):
            self.report.skip("security-group", "its VPC was not described")
            return
        if self.add("security-group", sg_id, item, GroupName=item["GroupName"],
                    Description=item.get("Description", ""),
                    IsDefault=item["GroupName"] == "default"):
            self.world.link(vpc_id, sg_id, schema.CONTAINS)

    def security_group_rules(self, groups: list[dict[str, Any]]) -> None:
        """After every group exists, so a rule may name any of them."""
        for group in groups:
            if not self.has(group["GroupId"], "security-group"):
                continue
            for egress, member in ((False, "IpPermissions"), (True, "IpPermissionsEgress")):
                for perm in group.get(member) or []:
                    self._permission(group["GroupId"], perm, egress)

    def _permission(self, sg_id: str, perm: dict[str, Any], egress: bool) -> None:
        proto = str(perm.get("IpProtocol", "-1"))
        proto = {"6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6"}.get(proto, proto)
        ports = {"FromPort": perm.get("FromPort", -1), "ToPort": perm.get("ToPort", -1)}
        if proto == "-1":
            ports = {"FromPort": -1, "ToPort": -1}
        base = {"IsEgress": egress, "IpProtocol": proto, **ports}
        for member, peer in (("IpRanges", "CidrIp"), ("Ipv6Ranges", "CidrIpv6")):
            for entry in perm.get(member) or []:
                key = "CidrIpv4" if peer == "CidrIp" else "CidrIpv6"
                self._rule(sg_id, {**base, key: entry[peer]}, entry)
        for entry in perm.get("UserIdGroupPairs") or []:
            self._rule(sg_id, base, entry, entry.get("GroupId"), entry.get("UserId"))
        for entry in perm.get("PrefixListIds") or []:
            self._rule(sg_id, base, entry, entry.get("PrefixListId"))

    def _rule(self, sg_id: str, fields: dict[str, Any], entry: dict[str, Any],
              peer: str | None = None, owner: str | None = None) -> None:
        if peer is not None and not self.has(peer):
            self.report.skip("security-group-rule", "it names a group or prefix list that "
                             "was not described")
            return
        if entry.get("Description"):
            fields = {**fields, "Description": entry["Description"]}
        rule_id = self.world.new_id("sgr")
        self.add("security-group-rule", rule_id, None, **fields)
        self.world.link(sg_id, rule_id, schema.CONTAINS)
        if peer is not None:
            self.world.link(rule_id, peer, schema.REFERENCES, UserId=owner or self.part.account)

    def network_acl(self, item: dict[str, Any]) -> None:
        acl_id, vpc_id = item["NetworkAclId"], item.get("VpcId", "")
        if not self.has(vpc_id, "vpc"):
            self.report.skip("network-acl", "its VPC was not described")
            return
        entries: dict[tuple[bool, int], dict[str, Any]] = {}
        for entry in item.get("Entries") or []:
            number, egress = int(entry["RuleNumber"]), bool(entry.get("Egress"))
            if number == 32767:
                continue        # the implicit deny-all every ACL ends with; views add it
            entries[(egress, number)] = {k: entry[k] for k in (
                "RuleNumber", "Protocol", "RuleAction", "Egress", "CidrBlock", "Ipv6CidrBlock",
                "IcmpTypeCode", "PortRange") if k in entry}
        if not self.add("network-acl", acl_id, item, IsDefault=bool(item.get("IsDefault")),
                        entries=entries):
            return
        self.world.link(vpc_id, acl_id, schema.CONTAINS)
        for assoc in item.get("Associations") or []:
            self.link(acl_id, assoc["SubnetId"], schema.ASSOCIATED, what="network ACL association",
                      id=assoc["NetworkAclAssociationId"])

    # -- instances and their interfaces -----------------------------------------------------
    def reservation(self, item: dict[str, Any]) -> None:
        for instance in item.get("Instances") or []:
            self.instance(instance, item.get("ReservationId"))

    def instance(self, item: dict[str, Any], reservation: str | None) -> None:
        from ..compute.instance_view import OWN_FIELDS
        from ..compute.instances import RESERVATION_INDEX, STATE_INDEX, TYPE_INDEX

        state = dict(item.get("State") or {"Name": "running"})
        state.setdefault("Code", INSTANCE_STATES.get(state.get("Name", ""), 16))
        fields = {k: item[k] for k in OWN_FIELDS if k in item}
        fields.update(State=state, AmiLaunchIndex=item.get("AmiLaunchIndex", 0))
        if "LaunchTime" in fields:
            fields["LaunchTime"] = _time(fields["LaunchTime"])
        fields.setdefault("Monitoring", {"State": "disabled"})
        fields.setdefault("ProductCodes", [])
        placement = {k: v for k, v in (item.get("Placement") or {}).items()
                     if k in ("AvailabilityZone", "AvailabilityZoneId", "Tenancy")}
        placement.setdefault("Tenancy", "default")
        instance_id = item["InstanceId"]
        if not self.add("instance", instance_id, item, Placement=placement, user_data=None,
                        api_termination_disabled=False, api_stop_disabled=False,
                        shutdown_behavior="stop", cpu_credits="standard",
                        reservation=reservation, **fields):
            return
        self.world.claim(self.part, TYPE_INDEX, fields.get("InstanceType"), instance_id)
        self.world.claim(self.part, STATE_INDEX, state.get("Name"), instance_id)
        if reservation:
            self.world.claim(self.part, RESERVATION_INDEX, reservation, instance_id)
        self.report.skip("volume", "EBS volumes are not network topology (the instance "
                         "keeps no block device mappings)", len(item.get("BlockDeviceMappings") or []))
        for eni in item.get("NetworkInterfaces") or []:
            self.pending.append({**eni, "AvailabilityZone": placement.get("AvailabilityZone"),
                            "Attachment": {**(eni.get("Attachment") or {}),
                                           "InstanceId": instance_id}})

    def interface(self, item: dict[str, Any]) -> None:
        from ..network.network_interfaces import IPV6, PRIVATE_IP, PUBLIC_IP

        eni_id, subnet_id = item["NetworkInterfaceId"], item.get("SubnetId", "")
        if self.has(eni_id):
            self._attach(eni_id, item)      # seen in an instance: its attachment may be new
            return
        if not self.has(subnet_id, "subnet"):
            self.report.skip("network-interface", "its subnet was not described")
            return
        subnet = self.world.graph.nodes[subnet_id]
        addresses = sorted(item.get("PrivateIpAddresses") or [],
                           key=lambda a: not a.get("Primary"))
        ips = [a["PrivateIpAddress"] for a in addresses] or (
            [item["PrivateIpAddress"]] if item.get("PrivateIpAddress") else [])
        v6 = [a["Ipv6Address"] for a in item.get("Ipv6Addresses") or []]
        self.add("network-interface", eni_id, {"Tags": item.get("TagSet") or item.get("Tags")},
                 Description=item.get("Description", ""),
                 InterfaceType=item.get("InterfaceType", "interface"),
                 RequesterManaged=bool(item.get("RequesterManaged")),
                 SourceDestCheck=item.get("SourceDestCheck", True),
                 MacAddress=item.get("MacAddress", ""),
                 AvailabilityZone=subnet["AvailabilityZone"],
                 AvailabilityZoneId=subnet["AvailabilityZoneId"], ips=ips, ipv6s=v6)
        self.world.link(subnet_id, eni_id, schema.CONTAINS)
        if item.get("RequesterId"):
            self.world.update(eni_id, RequesterId=item["RequesterId"])
        self._service_attachment(eni_id, item.get("Attachment") or {})
        for ip in ips:
            self.world.claim(self.part, PRIVATE_IP, ip, eni_id)
        for ip in v6:
            self.world.claim(self.part, IPV6, ip, eni_id)
        for group in item.get("Groups") or []:
            self.link(eni_id, group["GroupId"], schema.ASSOCIATED, what="interface's group")
        public = {a["PrivateIpAddress"]: a["Association"]["PublicIp"] for a in addresses
                  if (a.get("Association") or {}).get("PublicIp")}
        if not public and (item.get("Association") or {}).get("PublicIp") and ips:
            public = {ips[0]: item["Association"]["PublicIp"]}
        primary_public = public.get(ips[0]) if ips else None
        # taken as auto-assigned; `address` moves it to its Elastic IP if one owns it (the
        # secondary addresses' public IPv4s are Elastic IPs: their associations carry them)
        if primary_public:
            self.world.update(eni_id, wants_public=True, auto_ip=primary_public)
            self.world.claim(self.part, PUBLIC_IP, primary_public, eni_id)
        self._attach(eni_id, item)

    def _service_attachment(self, eni_id: str, attachment: dict[str, Any]) -> None:
        """An `ela-attach-…` attachment: the interface belongs to a service (NAT gateway,
        endpoint), which the ENI records in `ela` rather than as an edge."""
        from ..network.network_interfaces import SERVICE_ATTACHMENT

        ela_id = attachment.get("AttachmentId") or ""
        if not ela_id.startswith("ela-attach-"):
            return
        self.world.update(eni_id, ela={"AttachmentId": ela_id,
                                       "AttachTime": _time(attachment.get("AttachTime"))})
        self.world.claim(self.part, SERVICE_ATTACHMENT, ela_id, eni_id)

    def _attach(self, eni_id: str, item: dict[str, Any]) -> None:
        attachment = item.get("Attachment") or {}
        instance_id = attachment.get("InstanceId")
        if not instance_id or not attachment.get("AttachmentId"):
            return
        if not self.has(instance_id, "instance"):
            self.report.skip("network interface attachment", f"{instance_id} was not described")
            return
        if self.world.out(eni_id, schema.ATTACHED, "instance"):
            return
        data = {"id": attachment["AttachmentId"],
                "DeviceIndex": attachment.get("DeviceIndex", 0),
                "NetworkCardIndex": attachment.get("NetworkCardIndex", 0),
                "DeleteOnTermination": attachment.get("DeleteOnTermination", True),
                "Status": attachment.get("Status", "attached")}
        if attachment.get("AttachTime") is not None:
            data["AttachTime"] = _time(attachment["AttachTime"])
        self.world.link(eni_id, instance_id, schema.ATTACHED, **data)

    def address(self, item: dict[str, Any]) -> None:
        from ..network.network_interfaces import PUBLIC_IP

        alloc_id = item.get("AllocationId")
        if not alloc_id:
            self.report.skip("elastic-ip", "EC2-Classic address without an allocation id")
            return
        if not self.add("elastic-ip", alloc_id, item, PublicIp=item["PublicIp"], Domain="vpc",
                        PublicIpv4Pool=item.get("PublicIpv4Pool", "amazon"),
                        NetworkBorderGroup=item.get("NetworkBorderGroup", self.part.region)):
            return
        eni_id = item.get("NetworkInterfaceId")
        for rid in list(self.world.claimed(self.part, PUBLIC_IP, item["PublicIp"])):
            self.world.unclaim(self.part, PUBLIC_IP, item["PublicIp"], rid)
            self.world.update(rid, auto_ip=None, wants_public=None)
        self.world.claim(self.part, PUBLIC_IP, item["PublicIp"], alloc_id)
        if eni_id and item.get("AssociationId"):
            if not self.has(eni_id, "network-interface"):
                self.report.skip("elastic IP association", f"{eni_id} was not described")
                return
            private = item.get("PrivateIpAddress") or self.world.graph.nodes[eni_id]["ips"][0]
            self.world.link(alloc_id, eni_id, schema.ASSOCIATED, id=item["AssociationId"],
                            PrivateIpAddress=private)

    # -- NAT gateways -----------------------------------------------------------------------
    def nat_gateway(self, item: dict[str, Any]) -> None:
        """A NAT gateway (`nat_gateways`): its subnet CONTAINS a live one, its interface is
        ATTACHED to it; a failed or deleted one keeps its home and its last address set."""
        from ..network import nat_gateways as nat

        nat_id, subnet_id = item["NatGatewayId"], item.get("SubnetId", "")
        vpc_id = item.get("VpcId", "")
        state = item.get("State", nat.LIVE)
        live = state in ("pending", "available", "deleting")
        eni_id = next((a["NetworkInterfaceId"] for a in item.get("NatGatewayAddresses") or []
                       if a.get("NetworkInterfaceId")), None)
        if live and not (self.has(subnet_id, "subnet") and self.has(eni_id, "network-interface")):
            self.report.skip("nat-gateway", "its subnet or interface was not described")
            return
        fields: dict[str, Any] = {
            "State": "available" if state == "pending" else state,
            "ConnectivityType": item.get("ConnectivityType", "public"),
            "AvailabilityMode": item.get("AvailabilityMode", "zonal"),
            "CreateTime": _time(item.get("CreateTime")) or _now(), "home": (subnet_id, vpc_id)}
        fields.update({k: _time(item[k]) if k == "DeleteTime" else item[k]
                       for k in ("DeleteTime", "FailureCode", "FailureMessage") if k in item})
        if not live:
            fields["addresses"] = [{k: v for k, v in a.items() if k != "AssociationId"}
                                   for a in item.get("NatGatewayAddresses") or []]
        if not self.add(nat.KIND, nat_id, item, **fields):
            return
        self.world.claim(self.part, nat.BY_SUBNET, subnet_id, nat_id)
        self.world.claim(self.part, nat.BY_VPC, vpc_id, nat_id)
        if live:
            assert eni_id is not None
            self.world.link(subnet_id, nat_id, schema.CONTAINS)
            self.world.link(eni_id, nat_id, schema.ATTACHED)
            zone = self.world.graph.nodes[subnet_id]["AvailabilityZone"]
            self.world.claim(self.part, nat.BY_ZONE, zone, nat_id)

    # -- managed prefix lists ---------------------------------------------------------------
    def prefix_lists(self, found: list[dict[str, Any]],
                     entries: dict[str, list[dict[str, Any]]]) -> None:
        """Customer-managed lists (`prefix_lists`) at their current version, with the entries
        GetManagedPrefixListEntries gave; AWS-managed ones are ec2sim's own."""
        from ..network import prefix_lists as pl

        for item in found:
            pl_id = item.get("PrefixListId", "")
            if item.get("OwnerId") == pl.PUBLIC:
                self.report.skip("prefix-list", "AWS-managed (ec2sim provides its own for "
                                 "the region)")
                continue
            if pl_id not in entries and item.get("MaxEntries"):
                self.report.skip("prefix-list entries", f"{pl_id}: GetManagedPrefixListEntries "
                                 "was not given (the list is imported empty)")
            version = int(item.get("Version") or 1)
            current = pl._sorted((e["Cidr"], e.get("Description"))
                                 for e in entries.get(pl_id, []))
            fields = {k: item[k] for k in ("PrefixListName", "AddressFamily", "MaxEntries",
                                           "State", "StateMessage") if k in item}
            self.add(pl.KIND, pl_id, item, **{"AddressFamily": "IPv4", "MaxEntries": 0,
                                              "State": "create-complete", **fields},
                     Version=version, versions={version: current})
        self.progress("PrefixLists", len(found), len(found))

    # -- VPC peering --------------------------------------------------------------------------
    def peering(self, item: dict[str, Any]) -> None:
        """A peering connection (`peering`): its sides as described (`peers`), an edge to
        each side's VPC that was described, visible to the importing partition."""
        from ..connect import peering as pcx
        from ..compute.images import stamp

        pcx_id = item["VpcPeeringConnectionId"]
        infos = {pcx.REQUESTER: item.get("RequesterVpcInfo") or {},
                 pcx.ACCEPTER: item.get("AccepterVpcInfo") or {}}
        peers = {role: {"VpcId": info.get("VpcId", ""),
                        "OwnerId": info.get("OwnerId", self.part.account),
                        "Region": info.get("Region", self.part.region)}
                 for role, info in infos.items()}
        options = {role: {**dict.fromkeys(pcx.OPTIONS, False),
                          **{k: v for k, v in (info.get("PeeringOptions") or {}).items()
                             if k in pcx.OPTIONS}}
                   for role, info in infos.items()}
        fields: dict[str, Any] = {
            "peers": peers, "options": options,
            "Status": dict(item.get("Status") or {"Code": "active", "Message": "Active"}),
            # AWS shows the accepter's blocks and options only once accepted
            "accepted": bool(infos[pcx.ACCEPTER].get("PeeringOptions")
                             or infos[pcx.ACCEPTER].get("CidrBlock"))}
        if item.get("ExpirationTime"):
            fields["ExpirationTime"] = stamp(_time(item["ExpirationTime"]))
        if not self.add(pcx.KIND, pcx_id, item, **fields):
            return
        for role, peer in peers.items():
            if self.has(peer["VpcId"], "vpc"):
                self.world.link(pcx_id, peer["VpcId"], schema.ASSOCIATED, role)
            elif pcx.status_code(fields["Status"]) in pcx.LIVE:
                self.report.skip("vpc-peering-connection side", f"{peer['VpcId']} was not "
                                 "described (another account or Region)")
        self.world.claim(self.part, pcx.VISIBLE, pcx.ALL, pcx_id)

    # -- VPC endpoints ------------------------------------------------------------------------
    def endpoint(self, item: dict[str, Any]) -> None:
        """An endpoint (`endpoints`) to one of AWS's services: its VPC CONTAINS it, it is
        ASSOCIATED with the service (a gateway one with the service's prefix list, an
        interface one with its groups), its interfaces are ATTACHED to it. A gateway
        endpoint's routes come with the route tables (`GatewayId` vpce-…)."""
        from ..connect import endpoint_services as services
        from ..connect import endpoints as vpce
        from ..network import prefix_lists
        from ..core.errors import TopologyError

        vpce_id, vpc_id = item["VpcEndpointId"], item.get("VpcId", "")
        etype = item.get("VpcEndpointType", "Gateway")
        if not self.has(vpc_id, "vpc"):
            self.report.skip(vpce.KIND, "its VPC was not described")
            return
        try:
            svc_id = services.resolve(self.world, self.part, item.get("ServiceName", ""), etype)
        except TopologyError:
            self.report.skip(vpce.KIND, "its service is not one of ec2sim's AWS services")
            return
        enis = [e for e in item.get("NetworkInterfaceIds") or []]
        if any(not self.has(e, "network-interface") for e in enis):
            self.report.skip(vpce.KIND, "its network interfaces were not described")
            return
        label = next((e["DnsName"].split(".")[0][len(vpce_id) + 1:]
                      for e in item.get("DnsEntries") or []
                      if e.get("DnsName", "").startswith(f"{vpce_id}-")), "")
        fields: dict[str, Any] = {
            "VpcEndpointType": etype, "ServiceName": item.get("ServiceName"),
            "ServiceRegion": item.get("ServiceRegion", self.part.region),
            "CreationTimestamp": _time(item.get("CreationTimestamp")) or _now(),
            "State": item.get("State", "available"),
            "PrivateDnsEnabled": bool(item.get("PrivateDnsEnabled")), "dns_label": label}
        fields.update({k: item[k] for k in ("PolicyDocument", "IpAddressType", "DnsOptions")
                       if k in item})
        if not self.add(vpce.KIND, vpce_id, item, **fields):
            return
        self.world.link(vpc_id, vpce_id, schema.CONTAINS)
        self.world.link(vpce_id, svc_id, schema.ASSOCIATED)
        if etype == "Gateway":
            pl_id = prefix_lists.aws_managed(self.world, self.part.region,
                                             self.world.graph.nodes[svc_id]["ServiceName"])
            if pl_id is not None:
                self.world.link(vpce_id, pl_id, schema.ASSOCIATED)
        for group in item.get("Groups") or []:
            self.link(vpce_id, group["GroupId"], schema.ASSOCIATED, what="endpoint's group")
        for eni in enis:
            self.world.link(eni, vpce_id, schema.ATTACHED)

    # -- transit gateways ---------------------------------------------------------------------
    def transit_gateway(self, item: dict[str, Any]) -> None:
        """A gateway (`transit_gateways`) with its options; its default tables are flagged
        on the tables themselves (`tgw_route_table`)."""
        from ..connect import transit_gateways as tgw

        given = item.get("Options") or {}
        opts = {**tgw.DEFAULT_OPTIONS, **{k: given[k] for k in tgw.DEFAULT_OPTIONS if k in given}}
        opts.update({k: given[k] for k in ("TransitGatewayCidrBlocks", "EncryptionSupport")
                     if k in given})
        fields: dict[str, Any] = {"State": item.get("State", "available"),
                                  "CreationTime": _time(item.get("CreationTime")) or _now(),
                                  "Options": opts}
        if "Description" in item:
            fields["Description"] = item["Description"]
        self.add(tgw.KIND, item["TransitGatewayId"], item, **fields)

    def _tgw_attachment(self, attach_id: str, tgw_id: str, rtype: str, item: dict[str, Any],
                        **fields: Any) -> bool:
        """The attachment node on its gateway (`tgw_attachments._add`)."""
        from ..connect import tgw_attachments as tga

        if not self.has(tgw_id, "transit-gateway"):
            self.report.skip(tga.KIND, f"its transit gateway {tgw_id} was not described")
            return False
        if not self.add(tga.KIND, attach_id, item, ResourceType=rtype,
                        State=item.get("State", "available"),
                        CreationTime=_time(item.get("CreationTime")) or _now(), **fields):
            return False
        self.world.claim(self.part, tga.TYPE_INDEX, rtype, attach_id)
        self.world.link(attach_id, tgw_id, schema.ATTACHED)
        return True

    def tgw_vpc_attachment(self, item: dict[str, Any]) -> None:
        """A VPC attachment: ASSOCIATED with its VPC ("vpc") and each subnet (keyed by its id),
        its requester-managed interfaces (one a subnet) ATTACHED to it."""
        from ..connect import tgw_attachments as tga

        attach_id, vpc_id = item["TransitGatewayAttachmentId"], item.get("VpcId", "")
        subnet_ids = list(item.get("SubnetIds") or [])
        if item.get("State") in tga.GONE or item.get("State") in ("failed", "rejected"):
            self.report.skip(tga.KIND, "a retired attachment is history, not topology")
            return
        if not self.has(vpc_id, "vpc") or not all(self.has(s, "subnet") for s in subnet_ids):
            self.report.skip(tga.KIND, "its VPC or subnets were not described")
            return
        options = {**tga.VPC_OPTIONS, **(item.get("Options") or {})}
        if not self._tgw_attachment(attach_id, item.get("TransitGatewayId", ""), "vpc", item,
                                    Options=options):
            return
        self.world.link(attach_id, vpc_id, schema.ASSOCIATED, "vpc")
        self.world.claim(self.part, tga.RESOURCE_INDEX, vpc_id, attach_id)
        for subnet_id in subnet_ids:
            self.world.link(attach_id, subnet_id, schema.ASSOCIATED, subnet_id)
            self._tgw_interface(attach_id, subnet_id)

    def _tgw_interface(self, attach_id: str, subnet_id: str) -> None:
        """The attachment's interface in the subnet: the described one (told by its
        description), else a new one as CreateTransitGatewayVpcAttachment makes."""
        from ..network import network_interfaces
        from ..connect.tgw_attachments import ENI_DESCRIPTION

        text = ENI_DESCRIPTION.format(id=attach_id)
        nodes = self.world.graph.nodes
        eni = next((e for e, _, _ in self.world.out(subnet_id, schema.CONTAINS,
                                                     "network-interface")
                    if nodes[e].get("Description") == text), None)
        if eni is None:
            eni = network_interfaces.create(
                self.world, self.part, subnet_id, group_ids=[], ipv6_count=0, description=text,
                interface_type="transit_gateway", requester_managed=True,
                service_attachment=True)
            self.report.built["network-interface"] += 1
        self.world.link(eni, attach_id, schema.ATTACHED)

    def tgw_attachment(self, item: dict[str, Any]) -> None:
        """From DescribeTransitGatewayAttachments: a peering attachment whose two gateways
        were both described (ASSOCIATED "peer" with the other one); VPC attachments come from
        their own call, other types are counted."""
        from ..connect import tgw_attachments as tga

        attach_id, rtype = item["TransitGatewayAttachmentId"], item.get("ResourceType", "")
        if rtype == "vpc" or self.has(attach_id):
            if not self.has(attach_id) and item.get("State") not in tga.GONE:
                self.report.skip(tga.KIND, "its VPC attachment was not described")
            return
        if rtype != "peering":
            self.report.skip(tga.KIND, f"{rtype} attachments are not modelled by the "
                             "importer yet")
            return
        peer = item.get("ResourceId", "")
        if item.get("State") in tga.GONE or not self.has(peer, "transit-gateway"):
            self.report.skip(tga.KIND, "a peering attachment needs both gateways described "
                             "and live")
            return
        if self._tgw_attachment(attach_id, item.get("TransitGatewayId", ""), "peering", item,
                                Options={"DynamicRouting": "disable"}):
            self.world.link(attach_id, peer, schema.ASSOCIATED, "peer")
            self.world.claim(self.part, tga.RESOURCE_INDEX, peer, attach_id)

    def tgw_route_table(self, item: dict[str, Any]) -> None:
        """A gateway's table (`tgw_route_tables`): CONTAINS from its gateway, its default
        flags, and what the per-table calls gave: associations, propagations (in order) and
        static routes (a blackhole points at the table itself)."""
        from ..connect import tgw_route_tables as rt

        rtb_id, tgw_id = item["TransitGatewayRouteTableId"], item.get("TransitGatewayId", "")
        if item.get("State") in ("deleting", "deleted"):
            return
        if not self.has(tgw_id, "transit-gateway"):
            self.report.skip(rt.KIND, "its transit gateway was not described")
            return
        if not self.add(rt.KIND, rtb_id, item, State=item.get("State", "available"),
                        CreationTime=_time(item.get("CreationTime")) or _now(),
                        **{rt.ASSOCIATION_FLAG: bool(item.get(rt.ASSOCIATION_FLAG)),
                           rt.PROPAGATION_FLAG: bool(item.get(rt.PROPAGATION_FLAG))}):
            return
        self.world.link(tgw_id, rtb_id, schema.CONTAINS)
        rows = {call: found.get(rtb_id, []) for call, found in self.tgw_rows.items()}
        for row in rows["GetTransitGatewayRouteTableAssociations"]:
            if row.get("State", "associated") in ("associated", "associating"):
                self._tgw_member(rtb_id, row, schema.ASSOCIATED, "association",
                                 State="associated")
        for order, row in enumerate(rows["GetTransitGatewayRouteTablePropagations"], 1):
            if row.get("State", "enabled") in ("enabled", "enabling"):
                self._tgw_member(rtb_id, row, schema.PROPAGATES, "propagation",
                                 State="enabled", order=order)
        for route in rows["SearchTransitGatewayRoutes"]:
            self._tgw_route(rtb_id, route)

    def _tgw_member(self, rtb_id: str, row: dict[str, Any], etype: str, what: str,
                    **data: Any) -> None:
        attach_id = row.get("TransitGatewayAttachmentId", "")
        if self.has(attach_id, "transit-gateway-attachment"):
            self.world.link(rtb_id, attach_id, etype, **data)
        else:
            self.report.skip(f"transit gateway route table {what}",
                             f"{attach_id} was not built")

    def _tgw_route(self, rtb_id: str, route: dict[str, Any]) -> None:
        dest = route.get("DestinationCidrBlock")
        if route.get("Type", "static") != "static" or not dest:
            if not dest:
                self.report.skip("transit gateway route", "no destination (prefix list "
                                 "routes are not modelled)")
            return
        targets = [a.get("TransitGatewayAttachmentId") for a in
                   route.get("TransitGatewayAttachments") or []]
        if not targets and route.get("State") == "blackhole":
            self.world.link(rtb_id, rtb_id, schema.ROUTE, dest, DestinationCidrBlock=dest,
                            Type="static", blackhole=True)
        elif targets and self.has(targets[0], "transit-gateway-attachment"):
            self.world.link(rtb_id, targets[0], schema.ROUTE, dest, DestinationCidrBlock=dest,
                            Type="static")
        else:
            self.report.skip("transit gateway route", "its attachment was not built")

    # -- route tables -------------------------------------------------------------------------
    def route_table(self, item: dict[str, Any]) -> None:
        rtb_id, vpc_id = item["RouteTableId"], item.get("VpcId", "")
        if not self.has(vpc_id, "vpc"):
            self.report.skip("route-table", "its VPC was not described")
            return
        if not self.add("route-table", rtb_id, item):
            return
        self.world.link(vpc_id, rtb_id, schema.CONTAINS)
        for route in item.get("Routes") or []:
            self._route(rtb_id, vpc_id, route)
        for assoc in item.get("Associations") or []:
            state = (assoc.get("AssociationState") or {}).get("State", "associated")
            if state not in ("associated", "associating"):
                continue
            if assoc.get("Main"):
                self.world.link(rtb_id, vpc_id, schema.ASSOCIATED,
                                id=assoc["RouteTableAssociationId"], Main=True)
            else:
                target = assoc.get("SubnetId") or assoc.get("GatewayId")
                self.link(rtb_id, target or "?", schema.ASSOCIATED,
                          what="route table association", id=assoc["RouteTableAssociationId"])

    def _route(self, rtb_id: str, vpc_id: str, route: dict[str, Any]) -> None:
        dest = next(((m, route[m]) for m in DESTINATIONS if route.get(m)), None)
        if dest is None:
            self.report.skip("route", "no destination")
            return
        member, destination = dest
        if route.get("Origin") == "EnableVgwRoutePropagation":
            self.report.skip("route", "propagated routes are derived, not stored")
            return
        target = self._route_target(route, vpc_id)
        if target is None:
            self.report.skip("route", "its target was not described or is not modelled")
            return
        origin = "CreateRouteTable" if target == vpc_id else route.get("Origin", "CreateRoute")
        self.world.link(rtb_id, target, schema.ROUTE, destination,
                        **{member: destination}, Origin=origin)

    def _route_target(self, route: dict[str, Any], vpc_id: str) -> str | None:
        if route.get("GatewayId") == "local":
            return vpc_id
        for member in ROUTE_TARGETS:
            value = route.get(member)
            if not value:
                continue
            if member == "InstanceId" and route.get("NetworkInterfaceId"):
                continue        # the interface is the target AWS stores
            if member == "InstanceId" and self.has(value, "instance"):
                enis = self.world.into(value, schema.ATTACHED, "network-interface")
                return enis[0][0] if len(enis) == 1 else None
            return value if self.has(value) else None
        return None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def _time(value: Any) -> Any:
    """A timestamp as a datetime (JSON files carry them as ISO 8601 text)."""
    if isinstance(value, str):
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value


def from_pages(pages: Iterable[tuple[str, dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """`(call, page)` pairs -> the `responses` dict `build` takes."""
    out: dict[str, list[dict[str, Any]]] = {}
    for call, page in pages:
        out.setdefault(call_name(call), []).append(page)
    return out
