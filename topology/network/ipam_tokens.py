"""IPAM external resource verification tokens: random values an IPAM hands out so an account
can prove it controls an address range outside AWS (a DNS TXT record or RDAP remark holding
the token), as BYOIP to IPAM asks.

An `ipam-external-resource-verification-token` node lives in its IPAM's home region and
holds `IpamId`, `TokenName`, `TokenValue`, `NotAfter` and `State`; `Status` (valid or
expired) is read from the clock. Create answers `create-in-progress` and Delete
`delete-in-progress`; the token settles (or goes) at once. A token goes with its IPAM.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from ..core import clock, schema
from ..core import tags as tagging
from ..core.family import Family, declare, removed
from ..core.filters import Filter, field, ident
from ..core.world import Partition, World
from . import ipam_discoveries as discoveries

KIND = "ipam-external-resource-verification-token"
TOKEN_NAME = "_aws-ipam-verification"
VALID_FOR = dt.timedelta(hours=72)


def ipam_fields(world: World, ipam_id: str) -> dict[str, Any]:
    """The `IpamId`, `IpamArn` and `IpamRegion` members of a resource of an IPAM."""
    node = world.graph.nodes[ipam_id]
    return {"IpamId": ipam_id, "IpamArn": discoveries.arn(node, "ipam", ipam_id),
            "IpamRegion": node["region"]}


def create(world: World, part: Partition, ipam_id: str, *,
           tags: dict[str, str] | None = None) -> str:
    """CreateIpamExternalResourceVerificationToken."""
    world.get(part, "ipam", ipam_id)
    token_id = world.new_id("ipam-ext-res-ver-token")
    world.add(part, KIND, token_id, IpamId=ipam_id, TokenName=TOKEN_NAME,
              TokenValue=f"{world.rng.getrandbits(256):064x}", NotAfter=clock.now() + VALID_FOR,
              State="create-complete")
    world.link(token_id, ipam_id, schema.ASSOCIATED)
    tagging.apply(world, token_id, tags or {})
    return token_id


def delete(world: World, part: Partition, token_id: str) -> dict[str, Any]:
    """DeleteIpamExternalResourceVerificationToken: answered as `delete-in-progress`."""
    world.get(part, KIND, token_id)
    return removed(world, token_id, view, "delete-in-progress")


def _status(node: dict[str, Any]) -> str:
    return "valid" if node["NotAfter"] > clock.now() else "expired"


def view(world: World, token_id: str) -> dict[str, Any]:
    """The token as boto3's `IpamExternalResourceVerificationToken`."""
    node = world.graph.nodes[token_id]
    return {"IpamExternalResourceVerificationTokenId": token_id,
            "IpamExternalResourceVerificationTokenArn": discoveries.arn(node, KIND, token_id),
            **ipam_fields(world, node["IpamId"]), "TokenValue": node["TokenValue"],
            "TokenName": node["TokenName"], "NotAfter": node["NotAfter"],
            "Status": _status(node), "Tags": tagging.listed(node["tags"]),
            "State": node["State"]}


def created_view(world: World, token_id: str) -> dict[str, Any]:
    return {**view(world, token_id), "State": "create-in-progress"}


FILTERS: dict[str, Filter] = {
    "ipam-arn": Filter(lambda w, rid, n: ipam_fields(w, n["IpamId"])["IpamArn"]),
    "ipam-external-resource-verification-token-arn": Filter(
        lambda w, rid, n: discoveries.arn(n, KIND, rid)),
    "ipam-external-resource-verification-token-id": ident(),
    "ipam-id": field("IpamId"),
    "ipam-region": Filter(lambda w, rid, n: w.graph.nodes[n["IpamId"]]["region"]),
    "state": field("State"),
    "status": Filter(lambda w, rid, n: _status(n)),
    "token-name": field("TokenName"),
    "token-value": field("TokenValue"),
}

FAMILY = declare(Family(KIND, view=view, filters=FILTERS, create=create, delete=delete,
                        created_view=created_view))
