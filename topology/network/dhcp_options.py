"""DHCP options sets and their association with VPCs (an ASSOCIATED edge dopt -> vpc).

Each partition has AWS's default set (`domain-name` is `ec2.internal` in us-east-1 and
`<region>.compute.internal` elsewhere, `domain-name-servers` is `AmazonProvidedDNS`);
new VPCs get it. Associating `default` means "no DHCP options".

AWS's rules for a set's options (`config`, key -> values, as given):

* `domain-name`: one value, domain names (several, space-separated, are allowed);
* `domain-name-servers`: up to four IP addresses, or `AmazonProvidedDNS`;
* `ntp-servers`: up to four IPv4 and four IPv6 addresses;
* `netbios-name-servers`: up to four IPv4 addresses;
* `netbios-node-type`: one of 1, 2, 4, 8;
* `ipv6-address-preferred-lease-time`: seconds, 140 to 2147483647.

Server lists may also come comma-separated in one value, as AWS's documentation shows.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from netaddr import AddrFormatError, IPAddress

from ..core import schema
from ..core import tags as tagging
from ..core.described import Import
from ..core.errors import DependencyViolation, InvalidParameterValue
from ..core.family import Family, declare
from ..core.filters import Filter, ident, owner
from ..core.world import Partition, World

AMAZON_DNS = "AmazonProvidedDNS"
MAX_SERVERS = 4
_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)")


def default_domain(region: str) -> str:
    return "ec2.internal" if region == "us-east-1" else f"{region}.compute.internal"


# -- validation: one checker per key -------------------------------------------------------
def _address(value: str, versions: tuple[int, ...]) -> int | None:
    try:
        if ":" not in value and value.count(".") != 3:  # netaddr would take "10"
            return None
        version = IPAddress(value).version
    except (AddrFormatError, ValueError, TypeError):
        return None
    return version if version in versions else None


def _servers(versions: tuple[int, ...], *, amazon: bool = False, total: int | None = None
             ) -> Callable[[list[str]], bool]:
    """IP addresses of `versions` (or AmazonProvidedDNS), four per family, `total` at most."""
    def check(values: list[str]) -> bool:
        kinds = [AMAZON_DNS if amazon and v == AMAZON_DNS else _address(v, versions)
                 for v in values]
        if not kinds or None in kinds or (total is not None and len(kinds) > total):
            return False
        return all(kinds.count(version) <= MAX_SERVERS for version in (4, 6))
    return check


def _domain(values: list[str]) -> bool:
    if len(values) != 1 or not values[0].strip() or len(values[0]) > 255:
        return False
    return all(all(_LABEL.fullmatch(label) for label in name.rstrip(".").split("."))
               for name in values[0].split())


def _node_type(values: list[str]) -> bool:
    return len(values) == 1 and values[0] in ("1", "2", "4", "8")


def _lease_time(values: list[str]) -> bool:
    return len(values) == 1 and values[0].isdigit() and 140 <= int(values[0]) <= 2147483647


CHECKS: dict[str, Callable[[list[str]], bool]] = {
    "domain-name": _domain,
    "domain-name-servers": _servers((4, 6), amazon=True, total=MAX_SERVERS),
    "ntp-servers": _servers((4, 6)),
    "netbios-name-servers": _servers((4,), total=MAX_SERVERS),
    "netbios-node-type": _node_type,
    "ipv6-address-preferred-lease-time": _lease_time,
}
SPLIT_ON_COMMAS = ("domain-name-servers", "ntp-servers", "netbios-name-servers")


def parse_configurations(configurations: list[dict[str, Any]]) -> dict[str, list[str]]:
    """boto3's `DhcpConfigurations` (`[{Key, Values}]`) checked against AWS's rules.

    Raises `InvalidParameterValue` naming the unknown key or the invalid values.

    >>> parse_configurations([{"Key": "domain-name-servers", "Values": ["10.0.0.2, 10.0.0.3"]}])
    {'domain-name-servers': ['10.0.0.2', '10.0.0.3']}
    """
    config: dict[str, list[str]] = {}
    for item in configurations:
        key = item.get("Key") or ""
        if key not in CHECKS:
            raise InvalidParameterValue(
                f"Value ({key}) for parameter name is invalid. Unknown DHCP option")
        values = [str(v) for v in item.get("Values") or []]
        if key in SPLIT_ON_COMMAS:
            values = [part.strip() for v in values for part in v.split(",")]
        config.setdefault(key, []).extend(values)
    for key, values in config.items():
        if not CHECKS[key](values):
            raise InvalidParameterValue(f"Value ({','.join(values)}) for parameter value is "
                                        "invalid. Invalid DHCP option value.")
    return config


# -- operations --------------------------------------------------------------------------
def create(world: World, part: Partition, configurations: list[dict[str, Any]],
           *, tags: dict[str, str] | None = None, default: bool = False) -> str:
    """A new DHCP options set from boto3's `DhcpConfigurations` (`{Key, Values}`)."""
    config = parse_configurations(configurations)
    dopt_id = world.new_id("dopt")
    world.add(part, "dhcp-options", dopt_id, config=config, default=default)
    tagging.apply(world, dopt_id, tags or {})
    return dopt_id


def default_for(world: World, part: Partition) -> str:
    """The partition's default options set, made on first use."""
    existing = part.attributes.get("default-dhcp-options")
    if existing is None or world.node(existing) is None:
        existing = create(world, part, [
            {"Key": "domain-name", "Values": [default_domain(part.region)]},
            {"Key": "domain-name-servers", "Values": [AMAZON_DNS]},
        ], default=True)
        part.attributes["default-dhcp-options"] = existing
    return existing


def associate(world: World, part: Partition, vpc_id: str, dhcp_options_id: str) -> None:
    """Give `vpc_id` the set `dhcp_options_id` (or none, for `default`)."""
    world.get(part, "vpc", vpc_id)
    if dhcp_options_id != "default":
        world.get(part, "dhcp-options", dhcp_options_id)
    current = world.into(vpc_id, schema.ASSOCIATED, "dhcp-options")
    if [u for u, _, _ in current] == ([] if dhcp_options_id == "default" else [dhcp_options_id]):
        return
    for old, _, _ in current:
        world.unlink(old, vpc_id, schema.ASSOCIATED)
    if dhcp_options_id != "default":
        world.link(dhcp_options_id, vpc_id, schema.ASSOCIATED)


def delete(world: World, part: Partition, dopt_id: str) -> None:
    """Delete a set no VPC uses."""
    world.get(part, "dhcp-options", dopt_id)
    if world.out(dopt_id, schema.ASSOCIATED, "vpc"):
        raise DependencyViolation(f"The dhcpOptions '{dopt_id}' has dependencies and "
                                  "cannot be deleted.")
    world.remove(dopt_id)


def view(world: World, dopt_id: str) -> dict[str, Any]:
    """The set as boto3's `DhcpOptions`, options in the order AWS lists them (CHECKS order:
    `ntp-servers` before `netbios-name-servers`, as Ansible's ec2_vpc_dhcp_option compares)."""
    node = world.graph.nodes[dopt_id]
    return {
        "DhcpOptionsId": dopt_id,
        "OwnerId": node["account"],
        "DhcpConfigurations": [{"Key": k, "Values": [{"Value": v} for v in node["config"][k]]}
                               for k in CHECKS if k in node["config"]],
        "Tags": tagging.listed(node["tags"]),
    }


FILTERS: dict[str, Filter] = {
    "dhcp-options-id": ident(),
    "key": Filter(lambda w, rid, n: list(n["config"])),
    "value": Filter(lambda w, rid, n: [v for vs in n["config"].values() for v in vs]),
    "owner-id": owner(),
}


# -- import: one described item into the graph (topology/provision/importer.py) -------------
def imported(imp: Import, item: dict[str, Any]) -> None:
    """A described option set, its configuration as given."""
    config: dict[str, list[str]] = {}
    for entry in item.get("DhcpConfigurations") or []:
        config[entry["Key"]] = [v.get("Value", "") for v in entry.get("Values") or []]
    imp.add("dhcp-options", item["DhcpOptionsId"], item, config=config, default=False)


# -- the family: its plain Create/Delete/Describe operations are bound from this (docs/families.md)
FAMILY = declare(Family("dhcp-options", view=view, filters=FILTERS, create=create,
                        arguments={"configurations": "DhcpConfigurations"}, delete=delete,
                        actions={"AssociateDhcpOptions": associate}))
