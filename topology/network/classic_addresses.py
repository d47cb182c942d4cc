"""Moving Elastic IP addresses between EC2-Classic and a VPC (MoveAddressToVpc,
RestoreAddressToClassic, DescribeMovingAddresses), as AWS answers an account without
EC2-Classic today.

EC2-Classic is retired: the calls exist only in the regions that had it (elsewhere
`UnsupportedOperation`), every address of the account is a VPC address allocated as one, so
none can be moved either way, and no address is ever moving.
"""
from __future__ import annotations

from typing import Any

from ..core import paging
from ..core.errors import InvalidParameterValue
from ..core.family import declare_actions
from ..core.filters import Filter, FilterTable, select_rows
from ..core.world import Partition, World
from . import elastic_ips, vpcs

FILTERS: FilterTable = {"moving-status": Filter(lambda w, rid, row: row.get("MoveStatus"))}


def move_to_vpc(world: World, part: Partition, public_ip: str) -> dict[str, Any]:
    vpcs.require_classic_region(part)
    elastic_ips.by_public_ip(world, part, public_ip)
    raise InvalidParameterValue(f"The address {public_ip} is already in the VPC domain.")


def restore_to_classic(world: World, part: Partition, public_ip: str) -> dict[str, Any]:
    vpcs.require_classic_region(part)
    elastic_ips.by_public_ip(world, part, public_ip)
    raise InvalidParameterValue(f"The address {public_ip} was allocated for use in a VPC and "
                                "cannot be restored to EC2-Classic.")


def describe_moving(world: World, part: Partition, public_ips: list[str] | None = None,
                    filters: list[dict[str, Any]] | None = None,
                    max_results: int | None = None, next_token: str | None = None
                    ) -> dict[str, Any]:
    vpcs.require_classic_region(part)
    for ip in public_ips or []:
        elastic_ips.by_public_ip(world, part, ip)
    found, token = paging.rows(select_rows(FILTERS, filters, [], taggable=False),
                               "moving-addresses", max_results, next_token)
    return {"MovingAddressStatuses": found, "NextToken": token}


declare_actions("elastic-ip", {"MoveAddressToVpc": move_to_vpc,
                               "RestoreAddressToClassic": restore_to_classic})
