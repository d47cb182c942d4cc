"""Client VPN endpoints: where remote users' OpenVPN sessions land in a VPC.

A `client-vpn-endpoint` node holds what CreateClientVpnEndpoint sets (`ClientCidrBlock`,
`ServerCertificateArn`, `AuthenticationOptions`, `ConnectionLogOptions`, transport, port,
split tunnel, DNS servers, session and banner options...), `CreationTime`, and internal
fields: `crl` (the imported client certificate revocation list), `policy` (the endpoint's
authorization policy), `rules` (authorization rules) and `connections`.

Relationships are edges, never copied into fields: the endpoint is ASSOCIATED with its VPC
(discriminator "vpc") and its security groups (in order); its target network associations,
routes and the interfaces it puts in subnets are `client_vpn_networks`'.

AWS's rules kept here: the client range is an IPv4 block from /12 to /22; the server and
client root certificates are ACM ARNs; one or two authentication options (mutual certificate
authentication, or Active Directory / federated, each optionally with mutual); connection
logging needs a log group when enabled; port 443 or 1194; at most two DNS servers; security
groups need the VPC they belong to; the self-service portal needs federated authentication;
an endpoint with target networks cannot be deleted. `Status` is `pending-associate` until a
target network is associated, then `available`.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from netaddr import INET_PTON, AddrFormatError, IPAddress, IPNetwork, IPSet

from ..core import schema
from ..core import tags as tagging
from ..core.clock import now
from ..core.errors import InvalidParameterValue, TopologyError
from ..core.family import Family, declare
from ..core.filters import Filter, field, ident
from ..core.world import Partition, World
from ..network import network_interfaces, vpc_blocks
from . import tgw_other_attachments as tgw_attachments
from . import transit_gateways as gateways

KIND = "client-vpn-endpoint"
VPC = "vpc"                       # discriminator of the ASSOCIATED edge endpoint -> its VPC
PORTS = (443, 1194)
SESSION_HOURS = (8, 10, 12, 24)
MAX_BANNER = 1400
ACM_ARN = re.compile(r"^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate/[A-Za-z0-9-]+$")
SAML_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:saml-provider/.+$")
AUTH_MEMBERS = {"certificate-authentication": ("MutualAuthentication",
                                              "ClientRootCertificateChainArn"),
                "directory-service-authentication": ("ActiveDirectory", "DirectoryId"),
                "federated-authentication": ("FederatedAuthentication", "SAMLProviderArn")}
DEFAULT_POLICY_STATUS = "active"


def _invalid(message: str) -> InvalidParameterValue:
    return InvalidParameterValue(message)


# -- checks ------------------------------------------------------------------------------------
def client_block(text: str | None) -> str:
    """The client range: an IPv4 CIDR from /12 to /22 (AWS's bounds), normalised."""
    if text is None:
        raise TopologyError("The request must contain the parameter ClientCidrBlock",
                            "MissingParameter")
    try:
        net = IPNetwork(text)
    except (AddrFormatError, ValueError):
        raise _invalid(f"Value ({text}) for parameter clientCidrBlock is invalid. "
                       "Invalid CIDR block.") from None
    if net.version != 4 or "/" not in text:
        raise _invalid(f"Value ({text}) for parameter clientCidrBlock is invalid. "
                       "Invalid CIDR block.")
    if not 12 <= net.prefixlen <= 22:
        raise _invalid(f"Client CIDR block {text} is invalid. The CIDR block size must be "
                       "between /12 and /22.")
    return str(net.cidr)


def certificate(arn: str, member: str) -> str:
    if not ACM_ARN.match(arn):
        raise _invalid(f"Value ({arn}) for parameter {member} is invalid. The ARN is not a "
                       "valid ACM certificate ARN.")
    return arn


def _authentication(options: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The options as DescribeClientVpnEndpoints shows them (its member names differ)."""
    if not 1 <= len(options) <= 2:
        raise _invalid("You must specify one or two authentication options.")
    types = [o["Type"] if "Type" in o else "" for o in options]
    if len(set(types)) != len(types) or {"directory-service-authentication",
                                         "federated-authentication"} <= set(types):
        raise _invalid("The specified combination of authentication options is not "
                       "supported.")
    if len(types) == 2 and "certificate-authentication" not in types:
        raise _invalid("The specified combination of authentication options is not "
                       "supported.")
    return [_one_option(o) for o in options]


def _one_option(option: dict[str, Any]) -> dict[str, Any]:
    kind = option.get("Type")
    if kind is None:
        raise TopologyError("The request must contain the parameter AuthenticationOptions.Type",
                            "MissingParameter")
    struct, member = AUTH_MEMBERS[kind]
    value = (option.get(struct) or {}).get(member)
    if not value:
        raise TopologyError(f"The request must contain the parameter {struct}.{member} for "
                            f"authentication type {kind}", "MissingParameter")
    if kind == "certificate-authentication":
        return {"Type": kind, "MutualAuthentication": {
            "ClientRootCertificateChain": certificate(value, "clientRootCertificateChainArn")}}
    if kind == "directory-service-authentication":
        return {"Type": kind, "ActiveDirectory": {"DirectoryId": value}}
    if not SAML_ARN.match(value):
        raise _invalid(f"Value ({value}) for parameter SAMLProviderArn is invalid.")
    shown = {"SamlProviderArn": value}
    portal = option["FederatedAuthentication"].get("SelfServiceSAMLProviderArn")
    if portal:
        shown["SelfServiceSamlProviderArn"] = portal
    return {"Type": kind, "FederatedAuthentication": shown}


def _logging(options: dict[str, Any]) -> dict[str, Any]:
    if "Enabled" not in options:
        raise TopologyError("The request must contain the parameter "
                            "ConnectionLogOptions.Enabled", "MissingParameter")
    if options["Enabled"] and not options.get("CloudwatchLogGroup"):
        raise _invalid("A CloudWatch log group is required when connection logging is "
                       "enabled.")
    if not options["Enabled"] and (options.get("CloudwatchLogGroup")
                                   or options.get("CloudwatchLogStream")):
        raise _invalid("A CloudWatch log group and stream can be specified only when "
                       "connection logging is enabled.")
    return {"Enabled": options["Enabled"], **{k: options[k] for k in (
        "CloudwatchLogGroup", "CloudwatchLogStream", "IncludeAuthorizationPolicyContext")
        if k in options}}


def _dns_servers(servers: list[str]) -> list[str]:
    if len(servers) > 2:
        raise _invalid("You can specify up to two DNS servers.")
    for ip in servers:
        try:
            IPAddress(ip, flags=INET_PTON)
        except (AddrFormatError, ValueError):
            raise _invalid(f"Value ({ip}) for parameter dnsServers is invalid.") from None
    return list(servers)


def _port(port: int) -> int:
    if port not in PORTS:
        raise _invalid(f"Value ({port}) for parameter vpnPort is invalid. Valid values are "
                       "443 and 1194.")
    return port


def _session_hours(hours: int) -> int:
    if hours not in SESSION_HOURS:
        raise _invalid(f"Value ({hours}) for parameter sessionTimeoutHours is invalid. Valid "
                       "values are 8, 10, 12 and 24.")
    return hours


def _banner(options: dict[str, Any]) -> dict[str, Any]:
    text = options.get("BannerText")
    if options.get("Enabled") and not text:
        raise _invalid("Banner text is required when the client login banner is enabled.")
    if text is not None and len(text) > MAX_BANNER:
        raise _invalid(f"The banner text can be at most {MAX_BANNER} characters.")
    return {"Enabled": bool(options.get("Enabled")), **({"BannerText": text} if text else {})}


def _lambda(options: dict[str, Any]) -> dict[str, Any]:
    arn = options.get("LambdaFunctionArn")
    if options.get("Enabled") and not arn:
        raise _invalid("A Lambda function ARN is required when client connect is enabled.")
    return {"Enabled": bool(options.get("Enabled")), **({"LambdaFunctionArn": arn} if arn
                                                        else {})}


def groups_for(world: World, part: Partition, vpc_id: str | None,
               group_ids: list[str] | None) -> tuple[str | None, list[str]]:
    """(VPC, security groups) of an endpoint: groups need their VPC; a VPC alone gets its
    default group."""
    if group_ids and vpc_id is None:
        raise _invalid("VpcId must be specified when SecurityGroupIds are specified.")
    if vpc_id is None:
        return None, []
    world.get(part, "vpc", vpc_id)
    return vpc_id, network_interfaces.check_groups(world, part, vpc_id, group_ids)


def _portal(value: str | None, authentication: list[dict[str, Any]]) -> str:
    if value == "enabled" and not any(o["Type"] == "federated-authentication"
                                      for o in authentication):
        raise _invalid("The self-service portal can be enabled only for an endpoint that "
                       "uses federated authentication.")
    return value or "disabled"


# -- create, modify, delete --------------------------------------------------------------------
def create(world: World, part: Partition, params: dict[str, Any], *,
           tags: dict[str, str] | None = None) -> str:
    """A new endpoint, `pending-associate` until a target network is associated."""
    ipv6_only = params.get("TrafficIpAddressType") == "ipv6"
    cidr = None if ipv6_only and "ClientCidrBlock" not in params else \
        client_block(params.get("ClientCidrBlock"))
    transit = params.get("TransitGatewayConfiguration") or {}
    if transit.get("TransitGatewayId"):          # the caller's, or one shared with it
        gateways.usable(world, part, transit["TransitGatewayId"])
    server = certificate(params["ServerCertificateArn"], "serverCertificateArn")
    authentication = _authentication(params["AuthenticationOptions"])
    fields: dict[str, Any] = {
        "ClientCidrBlock": cidr, "ServerCertificateArn": server,
        "AuthenticationOptions": authentication,
        "ConnectionLogOptions": _logging(params["ConnectionLogOptions"]),
        "DnsServers": _dns_servers(params.get("DnsServers") or []),
        "TransportProtocol": params.get("TransportProtocol", "udp"),
        "VpnPort": _port(params.get("VpnPort", 443)),
        "SplitTunnel": bool(params.get("SplitTunnel", False)),
        "Description": params.get("Description", ""),
        "SessionTimeoutHours": _session_hours(params.get("SessionTimeoutHours", 24)),
        "SelfServicePortal": _portal(params.get("SelfServicePortal"), authentication),
        "ClientConnectOptions": _lambda(params.get("ClientConnectOptions") or {}),
        "ClientLoginBannerOptions": _banner(params.get("ClientLoginBannerOptions") or {}),
        "ClientRouteEnforcementOptions": {"Enforced": bool(
            (params.get("ClientRouteEnforcementOptions") or {}).get("Enforced"))},
        "DisconnectOnSessionTimeout": bool(params.get("DisconnectOnSessionTimeout", True)),
        "EndpointIpAddressType": params.get("EndpointIpAddressType", "ipv4"),
        "TrafficIpAddressType": params.get("TrafficIpAddressType", "ipv4"),
        "VpnProtocol": "openvpn", "CreationTime": timestamp(now()),
        "crl": None, "policy": None, "rules": [], "connections": []}
    vpc_id, sgs = groups_for(world, part, params.get("VpcId"), params.get("SecurityGroupIds"))
    if vpc_id is not None and cidr is not None:
        overlapping(world, cidr, vpc_id)
    cvpn_id = world.new_id("cvpn-endpoint")
    world.add(part, KIND, cvpn_id, **fields)
    if vpc_id is not None:
        set_groups(world, cvpn_id, vpc_id, sgs)
    if transit.get("TransitGatewayId"):
        _attach(world, part, cvpn_id, transit)
    tagging.apply(world, cvpn_id, tags or {})
    return cvpn_id


def _attach(world: World, part: Partition, cvpn_id: str, transit: dict[str, Any]) -> None:
    """An endpoint naming a transit gateway gets a `client-vpn` attachment on it (the
    transit gateway family's contract), through which its clients' traffic goes."""
    attach_id = tgw_attachments.create_client_vpn_attachment(
        world, part, transit["TransitGatewayId"], cvpn_id)
    world.update(cvpn_id, transit={
        "TransitGatewayId": transit["TransitGatewayId"],
        "TransitGatewayAttachmentId": attach_id,
        "AvailabilityZones": list(transit.get("AvailabilityZones") or []),
        "AvailabilityZoneIds": list(transit.get("AvailabilityZoneIds") or [])})


def overlapping(world: World, cidr: str | None, vpc_id: str) -> None:
    """The client range may not overlap the VPC's blocks (AWS's rule)."""
    if cidr is None:            # an IPv6-only endpoint: AWS assigns client addresses
        return
    client = IPSet([cidr])
    for block in vpc_blocks.blocks(world, vpc_id):
        if client & IPSet([str(block)]):
            raise TopologyError(
                f"Client CIDR block {cidr} overlaps with the CIDR block {block} of VPC "
                f"{vpc_id}.", "InvalidClientVpnSubnetId.OverlappingCidr")


def set_groups(world: World, cvpn_id: str, vpc_id: str, sgs: list[str]) -> None:
    """Point the endpoint at `vpc_id` and its groups (replacing any before)."""
    for old, _, _ in world.out(cvpn_id, schema.ASSOCIATED, "security-group"):
        world.unlink(cvpn_id, old, schema.ASSOCIATED)
    world.link(cvpn_id, vpc_id, schema.ASSOCIATED, VPC)
    for sg in sgs:
        world.link(cvpn_id, sg, schema.ASSOCIATED)


def get(world: World, part: Partition, cvpn_id: str) -> dict[str, Any]:
    return world.get(part, KIND, cvpn_id)


def vpc_of(world: World, cvpn_id: str) -> str | None:
    found = world.out(cvpn_id, schema.ASSOCIATED, "vpc")
    return found[0][0] if found else None


def groups(world: World, cvpn_id: str) -> list[str]:
    return [sg for sg, _, _ in world.out(cvpn_id, schema.ASSOCIATED, "security-group")]


def target_subnets(world: World, cvpn_id: str) -> list[str]:
    """The associated subnets (the target network associations)."""
    return [s for s, _, _ in world.out(cvpn_id, schema.ASSOCIATED, "subnet")]


def status(world: World, cvpn_id: str) -> str:
    """`available` once it has a target network (or a transit gateway)."""
    ready = target_subnets(world, cvpn_id) or world.graph.nodes[cvpn_id].get("transit")
    return "available" if ready else "pending-associate"


def modify(world: World, part: Partition, params: dict[str, Any]) -> None:
    """ModifyClientVpnEndpoint: each member given replaces the setting."""
    cvpn_id = params["ClientVpnEndpointId"]
    node = get(world, part, cvpn_id)
    changes: dict[str, Any] = {}
    if "ServerCertificateArn" in params:
        changes["ServerCertificateArn"] = certificate(params["ServerCertificateArn"],
                                                      "serverCertificateArn")
    if "ConnectionLogOptions" in params:
        changes["ConnectionLogOptions"] = _logging(params["ConnectionLogOptions"])
    if "DnsServers" in params:
        dns = params["DnsServers"]
        changes["DnsServers"] = _dns_servers(dns.get("CustomDnsServers") or []) \
            if dns.get("Enabled", True) else []
    if "VpnPort" in params:
        changes["VpnPort"] = _port(params["VpnPort"])
    if "SessionTimeoutHours" in params:
        changes["SessionTimeoutHours"] = _session_hours(params["SessionTimeoutHours"])
    if "SelfServicePortal" in params:
        changes["SelfServicePortal"] = _portal(params["SelfServicePortal"],
                                               node["AuthenticationOptions"])
    if "ClientLoginBannerOptions" in params:
        changes["ClientLoginBannerOptions"] = _banner(params["ClientLoginBannerOptions"])
    if "ClientConnectOptions" in params:
        changes["ClientConnectOptions"] = _lambda(params["ClientConnectOptions"])
    for key in ("Description", "SplitTunnel", "DisconnectOnSessionTimeout"):
        if key in params:
            changes[key] = params[key]
    if "ClientRouteEnforcementOptions" in params:
        changes["ClientRouteEnforcementOptions"] = {"Enforced": bool(
            params["ClientRouteEnforcementOptions"].get("Enforced"))}
    regroup = "SecurityGroupIds" in params or "VpcId" in params
    if regroup:
        _check_regroup(world, part, cvpn_id, params)
    world.update(cvpn_id, **changes)
    if regroup:
        apply_groups(world, part, cvpn_id, params.get("VpcId") or vpc_of(world, cvpn_id),
                     params.get("SecurityGroupIds"))


def _check_regroup(world: World, part: Partition, cvpn_id: str, params: dict[str, Any]
                   ) -> None:
    vpc_id = params.get("VpcId") or vpc_of(world, cvpn_id)
    if vpc_id is None:
        raise _invalid("VpcId must be specified when SecurityGroupIds are specified.")
    current = vpc_of(world, cvpn_id)
    if current is not None and vpc_id != current and target_subnets(world, cvpn_id):
        raise _invalid(f"The VPC {vpc_id} cannot be changed while target networks of VPC "
                       f"{current} are associated with the Client VPN endpoint.")


def apply_groups(world: World, part: Partition, cvpn_id: str, vpc_id: str | None,
                 group_ids: list[str] | None) -> list[str]:
    """Give the endpoint (and its interfaces in target subnets) these groups of `vpc_id`;
    none named keeps those it has in that VPC, else takes the VPC's default group."""
    kept = groups(world, cvpn_id) if group_ids is None and vpc_of(world, cvpn_id) == vpc_id \
        else []
    vpc_id, sgs = groups_for(world, part, vpc_id, group_ids)
    assert vpc_id is not None
    sgs = kept or sgs
    overlapping(world, world.graph.nodes[cvpn_id].get("ClientCidrBlock"), vpc_id)
    set_groups(world, cvpn_id, vpc_id, sgs)
    for eni, _, _ in world.into(cvpn_id, schema.ATTACHED, "network-interface"):
        network_interfaces.set_groups(world, part, eni, sgs)
    return sgs


def delete(world: World, part: Partition, cvpn_id: str) -> dict[str, Any]:
    """Delete an endpoint with no target networks (AWS answers `deleting`)."""
    node = get(world, part, cvpn_id)
    if target_subnets(world, cvpn_id):
        raise TopologyError(
            f"Client VPN endpoint {cvpn_id} has target network associations. Disassociate "
            "all target networks before deleting the endpoint.", "InvalidState")
    attach_id = (node.get("transit") or {}).get("TransitGatewayAttachmentId")
    attachment = world.node(attach_id) if attach_id else None
    if attachment is not None and attachment["State"] not in ("deleting", "deleted"):
        tgw_attachments.delete_client_vpn(world, part, attach_id)
    world.remove(cvpn_id)
    return {"Code": "deleting"}


# -- revocation list, configuration, authorization policy ------------------------------------
CRL = re.compile(r"^-----BEGIN X509 CRL-----\s.+\s-----END X509 CRL-----\s*$", re.S)


def import_crl(world: World, part: Partition, client_vpn_endpoint_id: str,
               certificate_revocation_list: str) -> None:
    get(world, part, client_vpn_endpoint_id)
    if not CRL.match(certificate_revocation_list):
        raise _invalid("The certificate revocation list is not a valid PEM-encoded X.509 "
                       "CRL.")
    world.update(client_vpn_endpoint_id, crl=certificate_revocation_list)


def export_crl(world: World, part: Partition, client_vpn_endpoint_id: str
               ) -> dict[str, Any]:
    """The imported list (`active`), or an empty one (`pending`)."""
    crl = get(world, part, client_vpn_endpoint_id).get("crl")
    if crl is None:
        return {"CertificateRevocationList": "", "Status": {"Code": "pending"}}
    return {"CertificateRevocationList": crl, "Status": {"Code": "active"}}


def export_configuration(world: World, part: Partition, client_vpn_endpoint_id: str) -> str:
    """The OpenVPN client configuration file AWS gives for the endpoint."""
    node = get(world, part, client_vpn_endpoint_id)
    host = dns_name(world, client_vpn_endpoint_id).replace("*.", "")
    lines = ["client", "dev tun", f"proto {node['TransportProtocol']}",
             f"remote {host} {node['VpnPort']}", "remote-random-hostname",
             "resolv-retry infinite", "nobind", "remote-cert-tls server", "cipher AES-256-GCM",
             "verb 3", "<ca>", "-----BEGIN CERTIFICATE-----", "(the server certificate chain)",
             "-----END CERTIFICATE-----", "</ca>", "", "reneg-sec 0", ""]
    if any(o["Type"] == "federated-authentication" for o in node["AuthenticationOptions"]):
        lines.insert(-1, "auth-federate")
    return "\n".join(lines)


def get_policy(world: World, part: Partition, client_vpn_endpoint_id: str) -> dict[str, Any]:
    policy = get(world, part, client_vpn_endpoint_id).get("policy") or {}
    return {"ClientVpnEndpointId": client_vpn_endpoint_id, **policy,
            **({"Status": DEFAULT_POLICY_STATUS} if policy else {})}


def modify_policy(world: World, part: Partition, params: dict[str, Any]) -> str:
    cvpn_id = params["ClientVpnEndpointId"]
    old = get(world, part, cvpn_id).get("policy") or {}
    policy = {k: params[k] if k in params else old.get(k)
              for k in ("PolicyDocument", "Description", "ShadowMode")}
    policy = {k: v for k, v in policy.items() if v is not None}
    if "PolicyDocument" not in policy:
        raise TopologyError("The request must contain the parameter PolicyDocument",
                            "MissingParameter")
    world.update(cvpn_id, policy=policy)
    return "updating" if old else "creating"


def delete_policy(world: World, part: Partition, client_vpn_endpoint_id: str) -> str:
    if get(world, part, client_vpn_endpoint_id).get("policy") is None:
        raise TopologyError(f"Client VPN endpoint {client_vpn_endpoint_id} has no "
                            "authorization policy.", "InvalidParameterValue")
    world.update(client_vpn_endpoint_id, policy=None)
    return "deleting"


# -- views and filters ---------------------------------------------------------------------------
SHOWN = ("Description", "CreationTime", "ClientCidrBlock", "DnsServers", "SplitTunnel",
         "VpnProtocol", "TransportProtocol", "VpnPort", "ServerCertificateArn",
         "AuthenticationOptions", "ConnectionLogOptions")
LATER = ("SessionTimeoutHours", "ClientLoginBannerOptions", "ClientRouteEnforcementOptions",
         "DisconnectOnSessionTimeout", "EndpointIpAddressType", "TrafficIpAddressType")


def timestamp(when: dt.datetime) -> str:
    """A time as Client VPN's string members show it."""
    return when.strftime("%Y-%m-%dT%H:%M:%S")


def dns_name(world: World, cvpn_id: str) -> str:
    return f"*.{cvpn_id}.prod.clientvpn.{world.graph.nodes[cvpn_id]['region']}.amazonaws.com"


def view(world: World, cvpn_id: str) -> dict[str, Any]:
    """The endpoint as boto3's `ClientVpnEndpoint`."""
    node = world.graph.nodes[cvpn_id]
    out: dict[str, Any] = {"ClientVpnEndpointId": cvpn_id,
                           "Status": {"Code": status(world, cvpn_id)},
                           "DnsName": dns_name(world, cvpn_id)}
    out.update({k: node[k] for k in SHOWN if k in node})
    vpc_id = vpc_of(world, cvpn_id)
    out["AssociatedTargetNetworks"] = [{"NetworkId": vpc_id, "NetworkType": "vpc"}] \
        if vpc_id and target_subnets(world, cvpn_id) else []
    out["Tags"] = tagging.listed(node["tags"])
    out["SecurityGroupIds"] = groups(world, cvpn_id)
    if vpc_id is not None:
        out["VpcId"] = vpc_id
    if node["SelfServicePortal"] == "enabled":
        out["SelfServicePortalUrl"] = \
            f"https://self-service.clientvpn.amazonaws.com/endpoints/{cvpn_id}"
    out["ClientConnectOptions"] = {**node["ClientConnectOptions"],
                                   "Status": {"Code": "applied"}}
    out.update({k: node[k] for k in LATER})
    if node.get("transit"):
        out["TransitGatewayConfiguration"] = dict(node["transit"])
    return out


def created_view(world: World, cvpn_id: str) -> dict[str, Any]:
    """What CreateClientVpnEndpoint answers."""
    return {"ClientVpnEndpointId": cvpn_id, "Status": {"Code": "pending-associate"},
            "DnsName": dns_name(world, cvpn_id)}


FILTERS: dict[str, Filter] = {
    "endpoint-id": ident(),
    "transport-protocol": field("TransportProtocol"),
}


# -- the family: Describe/Delete and the plain actions are bound from this (docs/families.md);
# CreateClientVpnEndpoint answers three members and has a handler (api/handlers/client_vpn.py)
FAMILY = declare(Family(
    KIND, view=view, filters=FILTERS, noun="ClientVpnEndpoint", delete=delete,
    max_results=(5, 1000),
    actions={"ModifyClientVpnEndpoint": modify,
             "ImportClientVpnClientCertificateRevocationList": import_crl,
             "ExportClientVpnClientCertificateRevocationList": export_crl,
             "ExportClientVpnClientConfiguration": export_configuration,
             "GetClientVpnEndpointAuthorizationPolicy": get_policy,
             "ModifyClientVpnEndpointAuthorizationPolicy": modify_policy,
             "DeleteClientVpnEndpointAuthorizationPolicy": delete_policy}))
