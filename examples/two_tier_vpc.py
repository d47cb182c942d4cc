"""Build a two-tier VPC in-process and print what boto3 sees.

Run: python3 examples/two_tier_vpc.py
"""
from __future__ import annotations

import boto3

from api import mock_ec2


def main() -> None:
    with mock_ec2(seed=7):
        ec2 = boto3.client("ec2", region_name="us-east-1")
        vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        public = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.0.0.0/24",
                                   AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
        private = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.0.1.0/24",
                                    AvailabilityZone="us-east-1b")["Subnet"]["SubnetId"]
        igw_id = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
        ec2.attach_internet_gateway(InternetGatewayId=igw_id, VpcId=vpc_id)
        rtb_id = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
        ec2.create_route(RouteTableId=rtb_id, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw_id)
        ec2.associate_route_table(RouteTableId=rtb_id, SubnetId=public)
        web = ec2.create_security_group(GroupName="web", Description="web tier",
                                        VpcId=vpc_id)["GroupId"]
        ec2.authorize_security_group_ingress(GroupId=web, IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
             "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
        for table in ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])[
                "RouteTables"]:
            routes = [(r.get("DestinationCidrBlock"), r.get("GatewayId"), r["State"])
                      for r in table["Routes"]]
            print(table["RouteTableId"], routes)
        print("public subnet", public, "private subnet", private)


if __name__ == "__main__":
    main()
