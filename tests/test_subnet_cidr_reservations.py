"""Subnet CIDR reservations: create, get, delete; AWS's checks; what they keep out of
automatic address assignment."""
from __future__ import annotations

from helpers import fails


def reserve(ec2, subnet, cidr="10.0.0.16/28", kind="explicit", **kwargs) -> dict:
    return ec2.create_subnet_cidr_reservation(SubnetId=subnet, Cidr=cidr, ReservationType=kind,
                                              **kwargs)["SubnetCidrReservation"]


def listed(ec2, subnet, **kwargs) -> dict:
    return ec2.get_subnet_cidr_reservations(SubnetId=subnet, **kwargs)


def test_create_get_delete(ec2, subnet):
    made = reserve(ec2, subnet, Description="appliances", TagSpecifications=[
        {"ResourceType": "subnet-cidr-reservation", "Tags": [{"Key": "k", "Value": "v"}]}])
    assert made["SubnetCidrReservationId"].startswith("scr-")
    assert made == {"SubnetCidrReservationId": made["SubnetCidrReservationId"],
                    "SubnetId": subnet, "Cidr": "10.0.0.16/28", "ReservationType": "explicit",
                    "OwnerId": "123456789012", "Description": "appliances",
                    "Tags": [{"Key": "k", "Value": "v"}]}
    found = listed(ec2, subnet)
    assert found["SubnetIpv4CidrReservations"] == [made]
    assert found["SubnetIpv6CidrReservations"] == []
    gone = ec2.delete_subnet_cidr_reservation(
        SubnetCidrReservationId=made["SubnetCidrReservationId"])["DeletedSubnetCidrReservation"]
    assert gone["Cidr"] == "10.0.0.16/28"
    assert listed(ec2, subnet)["SubnetIpv4CidrReservations"] == []
    assert fails(ec2.delete_subnet_cidr_reservation,
                 SubnetCidrReservationId=made["SubnetCidrReservationId"])[0] == \
        "InvalidSubnetCidrReservationID.NotFound"


def test_checks(ec2, subnet):
    assert fails(reserve, ec2, subnet, "10.0.1.0/28")[0] == "InvalidParameterValue"
    assert fails(reserve, ec2, subnet, "not-a-cidr")[0] == "InvalidParameterValue"
    assert fails(reserve, ec2, subnet, "2600:1f18::/64")[0] == "InvalidParameterValue"
    assert fails(reserve, ec2, subnet, kind="sometimes")[0] == "InvalidParameterValue"
    assert fails(reserve, ec2, "subnet-0123456789abcdef0")[0] == "InvalidSubnetID.NotFound"
    assert fails(reserve, ec2, subnet, DryRun=True)[0] == "DryRunOperation"
    reserve(ec2, subnet, "10.0.0.16/28")
    assert fails(reserve, ec2, subnet, "10.0.0.0/27")[0] == "InvalidParameterValue"
    reserve(ec2, subnet, "10.0.0.32/28", "prefix")
    assert len(listed(ec2, subnet)["SubnetIpv4CidrReservations"]) == 2


def test_filters_and_paging(ec2, subnet):
    for n in range(6):
        reserve(ec2, subnet, f"10.0.0.{16 * (n + 1)}/28", "prefix" if n % 2 else "explicit")
    only = listed(ec2, subnet, Filters=[{"Name": "reservationType", "Values": ["prefix"]}])
    assert len(only["SubnetIpv4CidrReservations"]) == 3
    first = listed(ec2, subnet, MaxResults=5)
    assert len(first["SubnetIpv4CidrReservations"]) == 5
    rest = listed(ec2, subnet, MaxResults=5, NextToken=first["NextToken"])
    assert len(rest["SubnetIpv4CidrReservations"]) == 1


def test_reserved_range_is_not_assigned_automatically(ec2, subnet):
    reserve(ec2, subnet, "10.0.0.0/26")
    eni = ec2.create_network_interface(SubnetId=subnet)["NetworkInterface"]
    assert eni["PrivateIpAddress"] == "10.0.0.64"
    # an explicit address inside the reservation is still allowed
    named = ec2.create_network_interface(SubnetId=subnet, PrivateIpAddress="10.0.0.10")
    assert named["NetworkInterface"]["PrivateIpAddress"] == "10.0.0.10"


def test_reservations_go_with_their_subnet(ec2, vpc, subnet):
    made = reserve(ec2, subnet)
    ec2.delete_subnet(SubnetId=subnet)
    again = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/24")["Subnet"]["SubnetId"]
    assert listed(ec2, again)["SubnetIpv4CidrReservations"] == []
    assert fails(ec2.delete_subnet_cidr_reservation,
                 SubnetCidrReservationId=made["SubnetCidrReservationId"])[0] == \
        "InvalidSubnetCidrReservationID.NotFound"


def test_over_the_server(server_ec2):
    vpc = server_ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = server_ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/24")["Subnet"]["SubnetId"]
    made = reserve(server_ec2, subnet)
    assert listed(server_ec2, subnet)["SubnetIpv4CidrReservations"][0][
        "SubnetCidrReservationId"] == made["SubnetCidrReservationId"]
    assert fails(reserve, server_ec2, subnet, "10.9.0.0/28")[0] == "InvalidParameterValue"
