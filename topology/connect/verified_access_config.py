"""A Verified Access instance's access-log configuration and exported client configuration.

The logging configuration lives on the instance node (`logs`): each destination (S3,
CloudWatch Logs, Kinesis Data Firehose) is enabled or not, an enabled one names its bucket,
log group or delivery stream and reports a `success` delivery status; the log version is
`ocsf-0.1` or `ocsf-1.0.0-rc.2`. A modify replaces the destinations it names and keeps the
others.

The client configuration (ExportVerifiedAccessInstanceClientConfiguration) is read from the
graph: the attached user trust provider's OIDC settings, the attached device providers'
types, and one OpenVPN configuration routing the CIDRs of the instance's `cidr` endpoints.
"""
from __future__ import annotations

import base64
import re
from typing import Any

from netaddr import IPNetwork

from ..core import schema
from ..core.errors import InvalidParameterValue, MissingParameter
from ..core.family import declare_actions
from ..core.world import Partition, World
from .verified_access import INSTANCE, providers_of, stamp
from .verified_access_endpoints import ENDPOINT
from .verified_access_groups import GROUP

LOG_VERSIONS = ("ocsf-0.1", "ocsf-1.0.0-rc.2")
# destination -> the member an enabled one must name
DESTINATIONS = {"S3": "BucketName", "CloudWatchLogs": "LogGroup",
                "KinesisDataFirehose": "DeliveryStream"}
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_ACCOUNT = re.compile(r"^\d{12}$")


def _destination(name: str, given: dict[str, Any]) -> dict[str, Any]:
    required = DESTINATIONS[name]
    if not given.get("Enabled"):
        return {"Enabled": False}
    if not given.get(required):
        raise MissingParameter(f"The request must contain the parameter "
                               f"AccessLogs.{name}.{required} when logging is enabled.")
    if name == "S3":
        if not _BUCKET.match(given["BucketName"]):
            raise InvalidParameterValue(f"Value ({given['BucketName']}) for parameter "
                                        "AccessLogs.S3.BucketName is invalid.")
        if given.get("BucketOwner") is not None and not _ACCOUNT.match(given["BucketOwner"]):
            raise InvalidParameterValue(f"Value ({given['BucketOwner']}) for parameter "
                                        "AccessLogs.S3.BucketOwner is invalid.")
    kept = {k: v for k, v in given.items() if k != "Enabled" and v is not None}
    return {"Enabled": True, "DeliveryStatus": {"Code": "success"}, **kept}


def modify_logging(world: World, part: Partition, verified_access_instance_id: str,
                   access_logs: dict[str, Any]) -> dict[str, Any]:
    """Set the instance's log destinations, version and trust-context option."""
    vai = verified_access_instance_id
    node = world.get(part, INSTANCE, vai)
    logs = {**node["logs"]}
    for name in DESTINATIONS:
        if access_logs.get(name) is not None:
            logs[name] = _destination(name, access_logs[name])
    version = access_logs.get("LogVersion")
    if version is not None:
        if version not in LOG_VERSIONS:
            raise InvalidParameterValue(
                f"Value ({version}) for parameter AccessLogs.LogVersion is invalid. Valid "
                f"values: {' | '.join(LOG_VERSIONS)}")
        logs["LogVersion"] = version
    if access_logs.get("IncludeTrustContext") is not None:
        logs["IncludeTrustContext"] = access_logs["IncludeTrustContext"]
    world.update(vai, logs=logs, LastUpdatedTime=stamp())
    return logging_view(world, vai)


def logging_view(world: World, vai: str) -> dict[str, Any]:
    logs = world.graph.nodes[vai]["logs"]
    return {"VerifiedAccessInstanceId": vai,
            "AccessLogs": {k: (dict(v) if isinstance(v, dict) else v) for k, v in logs.items()}}


# -- the client configuration ----------------------------------------------------------------
def cidr_routes(world: World, vai: str) -> list[str]:
    """The CIDRs of the instance's network CIDR endpoints, in creation order."""
    found = []
    for vagr, _, _ in world.out(vai, schema.CONTAINS, GROUP):
        for vae, _, _ in world.out(vagr, schema.CONTAINS, ENDPOINT):
            node = world.graph.nodes[vae]
            if node["EndpointType"] == "cidr":
                found.append(node["options"]["Cidr"])
    return list(dict.fromkeys(found))


def _user_provider(world: World, vatp: str) -> dict[str, Any]:
    node = world.graph.nodes[vatp]
    out: dict[str, Any] = {"Type": node["UserTrustProviderType"]}
    oidc = node.get("NativeApplicationOidcOptions") or node.get("OidcOptions") or {}
    for member, key in (("Scopes", "Scope"), ("Issuer", "Issuer"),
                        ("AuthorizationEndpoint", "AuthorizationEndpoint"),
                        ("PublicSigningKeyEndpoint", "PublicSigningKeyEndpoint"),
                        ("TokenEndpoint", "TokenEndpoint"),
                        ("UserInfoEndpoint", "UserInfoEndpoint"), ("ClientId", "ClientId"),
                        ("ClientSecret", "ClientSecret")):
        if oidc.get(key):
            out[member] = oidc[key]
    out["PkceEnabled"] = True
    return out


def export_client_configuration(world: World, part: Partition,
                                verified_access_instance_id: str) -> dict[str, Any]:
    vai = verified_access_instance_id
    world.get(part, INSTANCE, vai)
    providers = [world.graph.nodes[p] | {"id": p} for p in providers_of(world, vai)]
    out: dict[str, Any] = {"Version": "1.0", "Region": part.region,
                           "DeviceTrustProviders": [p["DeviceTrustProviderType"]
                                                    for p in providers
                                                    if p["TrustProviderType"] == "device"]}
    users = [p["id"] for p in providers if p["TrustProviderType"] == "user"]
    if users:
        out["UserTrustProvider"] = _user_provider(world, users[0])
    routes = cidr_routes(world, vai)
    out["OpenVpnConfigurations"] = [{
        "Config": base64.b64encode(_openvpn(vai, part.region, routes).encode()).decode(),
        "Routes": [{"Cidr": cidr} for cidr in routes]}] if routes else []
    return out


def _openvpn(vai: str, region: str, routes: list[str]) -> str:
    lines = ["client", "dev tun", "proto udp",
             f"remote {vai}.prod.verified-access.{region}.amazonaws.com 443",
             "nobind", "persist-key", "persist-tun", "cipher AES-256-GCM", "verb 3"]
    nets = [IPNetwork(cidr) for cidr in routes]
    return "\n".join(lines + [f"route {net.network} {net.netmask}" for net in nets]) + "\n"


declare_actions(INSTANCE, {
    "ModifyVerifiedAccessInstanceLoggingConfiguration": modify_logging,
    "ExportVerifiedAccessInstanceClientConfiguration": export_client_configuration})
