"""DHCP options sets and their association with VPCs (an ASSOCIATED edge dopt -> vpc).

Each partition has AWS's default set (`domain-name` is `ec2.internal` in us-east-1 and
`<region>.compute.internal` elsewhere, `domain-name-servers` is `AmazonProvidedDNS`);
new VPCs get it. Associating `default` means "no DHCP options".
"""
from __future__ import annotations

from typing import Any

from . import schema
from .errors import DependencyViolation, InvalidParameterValue
from .filters import Filter, ident
from .world import Partition, World

KEYS = ("domain-name", "domain-name-servers", "ntp-servers", "netbios-name-servers",
        "netbios-node-type", "ipv6-address-preferred-lease-time")


def default_domain(region: str) -> str:
    return "ec2.internal" if region == "us-east-1" else f"{region}.compute.internal"


def create(world: World, part: Partition, configurations: list[dict[str, Any]],
           *, tags: dict[str, str] | None = None, default: bool = False) -> str:
    """A new DHCP options set from boto3's `DhcpConfigurations` (`{Key, Values}`)."""
    config: dict[str, list[str]] = {}
    for item in configurations:
        key, values = item.get("Key"), item.get("Values") or []
        if key not in KEYS:
            raise InvalidParameterValue(f"Value ({key}) for parameter name is invalid. "
                                        "Unknown DHCP option")
        if not values:
            raise InvalidParameterValue(f"Value for parameter {key} is missing.")
        if key == "netbios-node-type" and values[0] not in ("1", "2", "4", "8"):
            raise InvalidParameterValue(
                f"Value ({values[0]}) for parameter netbios-node-type is invalid.")
        config.setdefault(key, []).extend(values)
    dopt_id = world.new_id("dopt")
    world.add(part, "dhcp-options", dopt_id, config=config, default=default)
    for key, value in (tags or {}).items():
        world.tag(dopt_id, key, value)
    return dopt_id


def default_for(world: World, part: Partition) -> str:
    """The partition's default options set, made on first use."""
    existing = part.attributes.get("default-dhcp-options")
    if existing is None or world.node(existing) is None:
        existing = create(world, part, [
            {"Key": "domain-name", "Values": [default_domain(part.region)]},
            {"Key": "domain-name-servers", "Values": ["AmazonProvidedDNS"]},
        ], default=True)
        part.attributes["default-dhcp-options"] = existing
    return existing


def associate(world: World, part: Partition, vpc_id: str, dopt_id: str) -> None:
    """Give `vpc_id` the set `dopt_id` (or none, for `default`)."""
    world.get(part, "vpc", vpc_id)
    if dopt_id != "default":
        world.get(part, "dhcp-options", dopt_id)
    for old, _, _ in world.into(vpc_id, schema.ASSOCIATED, "dhcp-options"):
        world.unlink(old, vpc_id, schema.ASSOCIATED)
    if dopt_id != "default":
        world.link(dopt_id, vpc_id, schema.ASSOCIATED)


def delete(world: World, part: Partition, dopt_id: str) -> None:
    world.get(part, "dhcp-options", dopt_id)
    if world.out(dopt_id, schema.ASSOCIATED, "vpc"):
        raise DependencyViolation(f"The dhcpOptions '{dopt_id}' has dependencies and "
                                  "cannot be deleted.")
    world.remove(dopt_id)


def view(world: World, dopt_id: str) -> dict[str, Any]:
    node = world.graph.nodes[dopt_id]
    out: dict[str, Any] = {
        "DhcpOptionsId": dopt_id,
        "OwnerId": node["account"],
        "DhcpConfigurations": [{"Key": k, "Values": [{"Value": v} for v in values]}
                               for k, values in node["config"].items()],
    }
    if node["tags"]:
        out["Tags"] = [{"Key": k, "Value": v} for k, v in node["tags"].items()]
    return out


FILTERS: dict[str, Filter] = {
    "dhcp-options-id": ident(),
    "key": Filter(lambda w, rid, n: list(n["config"])),
    "value": Filter(lambda w, rid, n: [v for vs in n["config"].values() for v in vs]),
    "owner-id": Filter(lambda w, rid, n: n["account"]),
}
