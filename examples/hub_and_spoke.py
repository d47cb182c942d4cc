"""Hub and spoke on a transit gateway, built in-process with boto3, and the routes it gives.

Three spoke VPCs and a shared-services VPC attach to one transit gateway. Two transit gateway
route tables keep the spokes apart:

* `spokes`: associated with the three spoke attachments; only the shared-services attachment
  propagates into it, and a static blackhole route for 10.0.0.0/8 drops whatever else a
  spoke sends (the shared-services /16 is the longer match), so a spoke can reach shared
  services and nothing else;
* `shared`: associated with the shared-services attachment; every spoke propagates into it,
  so shared services can reach (and answer) every spoke.

The gateway's default route table association and propagation are off, so nothing joins a
table unless the script says so. Each VPC's main route table sends the other VPCs' range
(10.0.0.0/8) to the transit gateway; the transit gateway route tables decide what goes through.

Run: python3 examples/hub_and_spoke.py
"""
from __future__ import annotations

from typing import Any

import boto3

from api import mock_ec2

REGION = "us-east-1"
SHARED_CIDR = "10.100.0.0/16"
SPOKES = {"spoke-a": "10.1.0.0/16", "spoke-b": "10.2.0.0/16", "spoke-c": "10.3.0.0/16"}
SUMMARY = "10.0.0.0/8"          # what every VPC sends to the transit gateway


def _tags(resource: str, name: str) -> list[dict[str, Any]]:
    return [{"ResourceType": resource, "Tags": [{"Key": "Name", "Value": name}]}]


def _vpc(ec2: Any, name: str, cidr: str) -> tuple[str, str]:
    """A VPC with one subnet for the attachment: (vpc id, subnet id)."""
    vpc = ec2.create_vpc(CidrBlock=cidr, TagSpecifications=_tags("vpc", name))["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=cidr.replace("0.0/16", "0.0/24"),
                               AvailabilityZone=f"{REGION}a")["Subnet"]["SubnetId"]
    return vpc, subnet


def _attach(ec2: Any, tgw: str, name: str, vpc: str, subnet: str) -> str:
    answer = ec2.create_transit_gateway_vpc_attachment(
        TransitGatewayId=tgw, VpcId=vpc, SubnetIds=[subnet],
        TagSpecifications=_tags("transit-gateway-attachment", name))
    return answer["TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]


def _table(ec2: Any, tgw: str, name: str) -> str:
    answer = ec2.create_transit_gateway_route_table(
        TransitGatewayId=tgw, TagSpecifications=_tags("transit-gateway-route-table", name))
    return answer["TransitGatewayRouteTable"]["TransitGatewayRouteTableId"]


def _route_to_gateway(ec2: Any, vpc: str, tgw: str) -> str:
    """Point the VPC's main route table's 10.0.0.0/8 at the transit gateway."""
    main = ec2.describe_route_tables(Filters=[
        {"Name": "vpc-id", "Values": [vpc]},
        {"Name": "association.main", "Values": ["true"]}])["RouteTables"][0]["RouteTableId"]
    ec2.create_route(RouteTableId=main, DestinationCidrBlock=SUMMARY, TransitGatewayId=tgw)
    return main


def build(ec2: Any) -> dict[str, Any]:
    """Build the hub and spoke; returns the ids it made."""
    tgw = ec2.create_transit_gateway(
        Description="hub and spoke",
        Options={"DefaultRouteTableAssociation": "disable",
                 "DefaultRouteTablePropagation": "disable"},
        TagSpecifications=_tags("transit-gateway", "hub"))["TransitGateway"]["TransitGatewayId"]
    vpcs, attachments, tables_of_vpc = {}, {}, {}
    for name, cidr in {"shared": SHARED_CIDR, **SPOKES}.items():
        vpc, subnet = _vpc(ec2, name, cidr)
        vpcs[name] = vpc
        attachments[name] = _attach(ec2, tgw, name, vpc, subnet)
    tables = {"spokes": _table(ec2, tgw, "spokes"), "shared": _table(ec2, tgw, "shared")}
    for name, attach in attachments.items():
        table = tables["shared"] if name == "shared" else tables["spokes"]
        ec2.associate_transit_gateway_route_table(TransitGatewayRouteTableId=table,
                                                  TransitGatewayAttachmentId=attach)
        # shared services propagate to the spokes; each spoke only to shared services
        into = tables["spokes"] if name == "shared" else tables["shared"]
        ec2.enable_transit_gateway_route_table_propagation(TransitGatewayRouteTableId=into,
                                                           TransitGatewayAttachmentId=attach)
    # spoke-to-spoke traffic matches only the summary, which goes nowhere
    ec2.create_transit_gateway_route(TransitGatewayRouteTableId=tables["spokes"],
                                     DestinationCidrBlock=SUMMARY, Blackhole=True)
    for name, vpc in vpcs.items():
        tables_of_vpc[name] = _route_to_gateway(ec2, vpc, tgw)
    return {"tgw": tgw, "vpcs": vpcs, "attachments": attachments, "tables": tables,
            "vpc_route_tables": tables_of_vpc}


def routes(ec2: Any, table: str) -> list[dict[str, Any]]:
    """Every route of a transit gateway route table."""
    return ec2.search_transit_gateway_routes(
        TransitGatewayRouteTableId=table,
        Filters=[{"Name": "state", "Values": ["active", "blackhole"]}])["Routes"]


def report(ec2: Any, built: dict[str, Any]) -> list[str]:
    """One line per transit gateway route: table, destination, type, where it goes."""
    names = {a: n for n, a in built["attachments"].items()}
    lines = []
    for label, table in built["tables"].items():
        for route in routes(ec2, table):
            targets = [names[a["TransitGatewayAttachmentId"]]
                       for a in route.get("TransitGatewayAttachments", [])]
            lines.append(f"{label:<7} {route['DestinationCidrBlock']:<14} {route['Type']:<10} "
                         f"{route['State']:<9} {','.join(targets) or '-'}")
    return lines


def main() -> None:
    with mock_ec2(seed=7) as mock:
        ec2 = boto3.client("ec2", region_name=REGION)
        built = build(ec2)
        print(f"transit gateway {built['tgw']}")
        for line in report(ec2, built):
            print(line)
        # the diagram of the hub and its spokes, next to this script
        from pathlib import Path

        import viz

        diagram = Path(__file__).with_suffix(".svg")
        diagram.write_bytes(viz.render(mock.world, "svg", vpc=list(built["vpcs"].values())))
        print(f"diagram {diagram}")
        # reachability questions, answered by the engine (`routing.reachability`): one
        # interface per VPC, in a group admitting HTTPS from the 10.0.0.0/8 network
        import routing

        def named(c: dict[str, str]) -> str:
            return f"{c['Id']} ({c['Name']})" if "Name" in c else c["Id"]

        probes = {}
        for name, vpc in built["vpcs"].items():
            group = ec2.create_security_group(GroupName="probe", Description="probe",
                                              VpcId=vpc)["GroupId"]
            ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[{
                "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
                "IpRanges": [{"CidrIp": SUMMARY}]}])
            subnet = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])[
                "Subnets"][0]["SubnetId"]
            probes[name] = ec2.create_network_interface(SubnetId=subnet, Groups=[group])[
                "NetworkInterface"]["NetworkInterfaceId"]
        print("reachability, as the engine answers it:")
        for src, dst in (("spoke-a", "shared"), ("shared", "spoke-c"), ("spoke-a", "spoke-b")):
            answer = routing.reachability(mock.world, probes[src], probes[dst],
                                          destination_port=443)
            if answer.network_path_found:
                hops = dict.fromkeys(named(c["Component"]) for c in answer.forward_path
                                     if c["Component"]["Id"].startswith(("rtb-", "tgw-")))
                words = "reachable via " + " → ".join(hops)
            else:
                why = answer.explanations[0]
                words = f"blocked by {why['ExplanationCode']} at {named(why['Component'])}"
            print(f"  {src} → {dst} on tcp/443: {words}")


if __name__ == "__main__":
    main()
