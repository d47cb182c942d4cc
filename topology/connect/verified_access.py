"""AWS Verified Access instances and trust providers.

A `verified-access-instance` node (`vai-`) evaluates application requests; a
`verified-access-trust-provider` node (`vatp-`) is the identity (user: IAM Identity Center or
OIDC) or device (Jamf, CrowdStrike, JumpCloud) source it trusts. Attaching is an ATTACHED
edge trust provider -> instance. Groups (`verified_access_groups`) are CONTAINS edges from
the instance.

AWS's rules kept here: a user provider names its `UserTrustProviderType` (and, for OIDC, its
`OidcOptions`), a device provider its `DeviceTrustProviderType`; options of the other type
are refused; an instance holds at most one user provider and one provider of each device
type; an attached provider cannot be deleted; an instance with groups cannot be deleted
(deleting one without groups detaches its providers, as its answer shows). Times are AWS's second-precision strings (`2023-08-25T18:40:36`).
"""
from __future__ import annotations

import re
from typing import Any

from ..core import clock, lookups, schema
from ..core import tags as tagging
from ..core.errors import (DependencyViolation, IncorrectState, InvalidParameterCombination,
                           InvalidParameterValue, MissingParameter)
from ..core.filters import Filter, field, ident
from ..core.world import Partition, World

INSTANCE, PROVIDER = "verified-access-instance", "verified-access-trust-provider"
_REFERENCE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,99}$")
_OIDC_URLS = ("Issuer", "AuthorizationEndpoint", "TokenEndpoint", "UserInfoEndpoint")
_OIDC_REQUIRED = (*_OIDC_URLS, "ClientId", "ClientSecret", "Scope")
_KMS = re.compile(r"^arn:aws[\w-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)/[\w/+=,.@-]+$")
_SUBDOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def stamp() -> str:
    """Now, as Verified Access writes its times."""
    return clock.now().strftime("%Y-%m-%dT%H:%M:%S")


arn = lookups.ec2_arn


def sse(spec: dict[str, Any] | None) -> dict[str, Any]:
    """A validated `SseSpecification` as the response shows it."""
    spec = spec or {}
    enabled = bool(spec.get("CustomerManagedKeyEnabled"))
    key = spec.get("KmsKeyArn")
    if enabled and not key:
        raise MissingParameter("KmsKeyArn is required when CustomerManagedKeyEnabled is true.")
    if key and not enabled:
        raise InvalidParameterCombination(
            "KmsKeyArn can be specified only when CustomerManagedKeyEnabled is true.")
    if key and not _KMS.match(key):
        raise InvalidParameterValue(f"Value ({key}) for parameter KmsKeyArn is invalid.")
    return {"CustomerManagedKeyEnabled": enabled, **({"KmsKeyArn": key} if key else {})}


def _check_subdomain(value: str | None) -> None:
    if value is not None and not _SUBDOMAIN.match(value):
        raise InvalidParameterValue(
            f"Value ({value}) for parameter CidrEndpointsCustomSubDomain is invalid. It must "
            "be a valid DNS domain name.")


# -- instances --------------------------------------------------------------------------------
DEFAULT_LOGS: dict[str, Any] = {
    "S3": {"Enabled": False}, "CloudWatchLogs": {"Enabled": False},
    "KinesisDataFirehose": {"Enabled": False}, "LogVersion": "ocsf-0.1",
    "IncludeTrustContext": False}


def create_instance(world: World, part: Partition, description: str | None = None,
                    fips_enabled: bool | None = None,
                    cidr_endpoints_custom_sub_domain: str | None = None, *,
                    tags: dict[str, str] | None = None) -> str:
    """A Verified Access instance; returns its id."""
    _check_subdomain(cidr_endpoints_custom_sub_domain)
    vai = world.new_id("vai")
    now = stamp()
    world.add(part, INSTANCE, vai, Description=description or "",
              FipsEnabled=bool(fips_enabled), CreationTime=now, LastUpdatedTime=now,
              sub_domain=cidr_endpoints_custom_sub_domain, logs=DEFAULT_LOGS)
    tagging.apply(world, vai, tags or {})
    return vai


def modify_instance(world: World, part: Partition, verified_access_instance_id: str,
                    description: str | None = None,
                    cidr_endpoints_custom_sub_domain: str | None = None) -> str:
    world.get(part, INSTANCE, verified_access_instance_id)
    _check_subdomain(cidr_endpoints_custom_sub_domain)
    changes: dict[str, Any] = {"LastUpdatedTime": stamp()}
    if description is not None:
        changes["Description"] = description
    if cidr_endpoints_custom_sub_domain is not None:
        changes["sub_domain"] = cidr_endpoints_custom_sub_domain
    world.update(verified_access_instance_id, **changes)
    return verified_access_instance_id


def delete_instance(world: World, part: Partition, vai: str) -> dict[str, Any]:
    """Delete an instance that has no groups (its trust providers are detached)."""
    world.get(part, INSTANCE, vai)
    if world.out(vai, schema.CONTAINS, "verified-access-group"):
        raise DependencyViolation(
            f"The Verified Access instance {vai} has Verified Access groups and cannot be "
            "deleted.")
    for vatp, _, _ in world.into(vai, schema.ATTACHED, PROVIDER):
        world.unlink(vatp, vai, schema.ATTACHED)
    world.update(vai, LastUpdatedTime=stamp())
    answer = instance_view(world, vai)
    world.remove(vai)
    return answer


def providers_of(world: World, vai: str) -> list[str]:
    return [vatp for vatp, _, _ in world.into(vai, schema.ATTACHED, PROVIDER)]


def instance_view(world: World, vai: str) -> dict[str, Any]:
    node = world.graph.nodes[vai]
    out: dict[str, Any] = {
        "VerifiedAccessInstanceId": vai, "Description": node["Description"],
        "VerifiedAccessTrustProviders": [_condensed(world, p) for p in providers_of(world, vai)],
        "CreationTime": node["CreationTime"], "LastUpdatedTime": node["LastUpdatedTime"],
        "FipsEnabled": node["FipsEnabled"]}
    if node["tags"]:
        out["Tags"] = tagging.listed(node["tags"])
    if node.get("sub_domain"):
        out["CidrEndpointsCustomSubDomain"] = {
            "SubDomain": node["sub_domain"],
            "Nameservers": [f"ns-{n}.verified-access.{node['region']}.amazonaws.com"
                            for n in (1, 2)]}
    return out


def _condensed(world: World, vatp: str) -> dict[str, Any]:
    node = world.graph.nodes[vatp]
    out = {"VerifiedAccessTrustProviderId": vatp, "Description": node["Description"],
           "TrustProviderType": node["TrustProviderType"]}
    for key in ("UserTrustProviderType", "DeviceTrustProviderType"):
        if node.get(key):
            out[key] = node[key]
    return out


# -- trust providers --------------------------------------------------------------------------
def _oidc(options: dict[str, Any] | None, member: str, *, required: bool) -> dict[str, Any]:
    options = dict(options or {})
    if required:
        for key in _OIDC_REQUIRED:
            if not options.get(key):
                raise MissingParameter(f"The request must contain the parameter "
                                       f"{member}.{key}")
    for key in _OIDC_URLS + ("PublicSigningKeyEndpoint",):
        url = options.get(key)
        if url is not None and not url.startswith("https://"):
            raise InvalidParameterValue(
                f"Value ({url}) for parameter {member}.{key} is invalid. It must be an "
                "https URL.")
    return options


def _provider_fields(params: dict[str, Any]) -> dict[str, Any]:
    """The checked type and options of a new trust provider."""
    kind = params["TrustProviderType"]
    user, device = params.get("UserTrustProviderType"), params.get("DeviceTrustProviderType")
    oidc, device_options = params.get("OidcOptions"), params.get("DeviceOptions")
    native = params.get("NativeApplicationOidcOptions")
    fields: dict[str, Any] = {"TrustProviderType": kind}
    if kind == "user":
        if user is None:
            raise MissingParameter("The request must contain the parameter "
                                   "UserTrustProviderType when TrustProviderType is user.")
        if device is not None or device_options is not None:
            raise InvalidParameterCombination(
                "DeviceTrustProviderType and DeviceOptions cannot be specified for a user "
                "trust provider.")
        if user == "iam-identity-center" and (oidc is not None or native is not None):
            raise InvalidParameterCombination(
                "OidcOptions cannot be specified for an iam-identity-center trust provider.")
        fields["UserTrustProviderType"] = user
        if user == "oidc":
            fields["OidcOptions"] = _oidc(oidc, "OidcOptions", required=True)
            if native is not None:
                fields["NativeApplicationOidcOptions"] = _oidc(
                    native, "NativeApplicationOidcOptions", required=False)
        return fields
    if device is None:
        raise MissingParameter("The request must contain the parameter "
                               "DeviceTrustProviderType when TrustProviderType is device.")
    if user is not None or oidc is not None or native is not None:
        raise InvalidParameterCombination(
            "UserTrustProviderType and OidcOptions cannot be specified for a device trust "
            "provider.")
    if device in ("jamf", "jumpcloud") and not (device_options or {}).get("TenantId"):
        raise MissingParameter(f"The request must contain the parameter DeviceOptions.TenantId "
                               f"for a {device} trust provider.")
    fields["DeviceTrustProviderType"] = device
    if device_options:
        fields["DeviceOptions"] = dict(device_options)
    return fields


def create_provider(world: World, part: Partition, params: dict[str, Any], *,
                    tags: dict[str, str] | None = None) -> str:
    """A trust provider; returns its id."""
    fields = _provider_fields(params)
    reference = params["PolicyReferenceName"]
    if not _REFERENCE.match(reference):
        raise InvalidParameterValue(
            f"Value ({reference}) for parameter PolicyReferenceName is invalid. It must begin "
            "with a letter or underscore and contain only letters, digits and underscores.")
    encryption = sse(params.get("SseSpecification"))
    vatp = world.new_id("vatp")
    now = stamp()
    world.add(part, PROVIDER, vatp, Description=params.get("Description") or "",
              PolicyReferenceName=reference, CreationTime=now, LastUpdatedTime=now,
              SseSpecification=encryption, **fields)
    tagging.apply(world, vatp, tags or {})
    return vatp


def modify_provider(world: World, part: Partition, verified_access_trust_provider_id: str,
                    params: dict[str, Any]) -> str:
    """Change a provider's options of its own type, description or encryption."""
    vatp = verified_access_trust_provider_id
    node = world.get(part, PROVIDER, vatp)
    changes: dict[str, Any] = {"LastUpdatedTime": stamp()}
    oidc, device = params.get("OidcOptions"), params.get("DeviceOptions")
    native = params.get("NativeApplicationOidcOptions")
    if (oidc is not None or native is not None) and node.get("UserTrustProviderType") != "oidc":
        raise InvalidParameterCombination(
            "OidcOptions can be modified only for an oidc user trust provider.")
    if device is not None and node["TrustProviderType"] != "device":
        raise InvalidParameterCombination(
            "DeviceOptions can be modified only for a device trust provider.")
    if oidc is not None:
        changes["OidcOptions"] = {**node["OidcOptions"],
                                  **_oidc(oidc, "OidcOptions", required=False)}
    if native is not None:
        changes["NativeApplicationOidcOptions"] = {
            **node.get("NativeApplicationOidcOptions", {}),
            **_oidc(native, "NativeApplicationOidcOptions", required=False)}
    if device is not None:
        changes["DeviceOptions"] = {**node.get("DeviceOptions", {}), **device}
    if params.get("Description") is not None:
        changes["Description"] = params["Description"]
    if params.get("SseSpecification") is not None:
        changes["SseSpecification"] = sse(params["SseSpecification"])
    world.update(vatp, **changes)
    return vatp


def delete_provider(world: World, part: Partition, vatp: str) -> dict[str, Any]:
    """Delete a provider no instance has attached."""
    world.get(part, PROVIDER, vatp)
    attached = world.out(vatp, schema.ATTACHED, INSTANCE)
    if attached:
        raise IncorrectState(
            f"The trust provider {vatp} is attached to Verified Access instance "
            f"{attached[0][0]}. Detach it before deleting it.", "InvalidState")
    answer = provider_view(world, vatp)
    world.remove(vatp)
    return answer


def provider_view(world: World, vatp: str) -> dict[str, Any]:
    node = world.graph.nodes[vatp]
    out: dict[str, Any] = {"VerifiedAccessTrustProviderId": vatp,
                           "Description": node["Description"],
                           "TrustProviderType": node["TrustProviderType"]}
    for key in ("UserTrustProviderType", "DeviceTrustProviderType"):
        if node.get(key):
            out[key] = node[key]
    if "OidcOptions" in node:    # the client secret is never shown
        out["OidcOptions"] = {k: v for k, v in node["OidcOptions"].items()
                              if k != "ClientSecret"}
    if "DeviceOptions" in node:
        out["DeviceOptions"] = dict(node["DeviceOptions"])
    out.update({"PolicyReferenceName": node["PolicyReferenceName"],
                "CreationTime": node["CreationTime"],
                "LastUpdatedTime": node["LastUpdatedTime"]})
    if node["tags"]:
        out["Tags"] = tagging.listed(node["tags"])
    out["SseSpecification"] = dict(node["SseSpecification"])
    if "NativeApplicationOidcOptions" in node:
        out["NativeApplicationOidcOptions"] = {
            k: v for k, v in node["NativeApplicationOidcOptions"].items() if k != "ClientSecret"}
    return out


# -- attaching --------------------------------------------------------------------------------
def _slot(node: dict[str, Any]) -> str:
    """What an instance holds one of: the user provider, or one device provider per type."""
    return node.get("DeviceTrustProviderType") or "user"


def attach(world: World, part: Partition, verified_access_instance_id: str,
           verified_access_trust_provider_id: str) -> dict[str, Any]:
    vai, vatp = verified_access_instance_id, verified_access_trust_provider_id
    world.get(part, INSTANCE, vai)
    node = world.get(part, PROVIDER, vatp)
    current = world.out(vatp, schema.ATTACHED, INSTANCE)
    if current:
        raise IncorrectState(f"The trust provider {vatp} is already attached to Verified "
                             f"Access instance {current[0][0]}.", "InvalidState")
    for other in providers_of(world, vai):
        if _slot(world.graph.nodes[other]) == _slot(node):
            raise InvalidParameterValue(
                f"The Verified Access instance {vai} already has a "
                f"{'user' if _slot(node) == 'user' else _slot(node) + ' device'} trust "
                f"provider attached ({other}).")
    world.link(vatp, vai, schema.ATTACHED)
    world.update(vai, LastUpdatedTime=stamp())
    return {"VerifiedAccessTrustProvider": provider_view(world, vatp),
            "VerifiedAccessInstance": instance_view(world, vai)}


def detach(world: World, part: Partition, verified_access_instance_id: str,
           verified_access_trust_provider_id: str) -> dict[str, Any]:
    vai, vatp = verified_access_instance_id, verified_access_trust_provider_id
    world.get(part, INSTANCE, vai)
    world.get(part, PROVIDER, vatp)
    if vatp not in providers_of(world, vai):
        # Terraform's detach tolerates InvalidParameterValue "... is not attached to instance"
        raise InvalidParameterValue(f"Trust provider {vatp} is not attached to instance {vai}.")
    world.unlink(vatp, vai, schema.ATTACHED)
    world.update(vai, LastUpdatedTime=stamp())
    return {"VerifiedAccessTrustProvider": provider_view(world, vatp),
            "VerifiedAccessInstance": instance_view(world, vai)}


# -- filters and the families (docs/families.md) -----------------------------------------------
# AWS documents no filter names for these describes; the ids and the types answer
INSTANCE_FILTERS: dict[str, Filter] = {
    "verified-access-instance-id": ident(),
    "description": field("Description"),
    "fips-enabled": field("FipsEnabled"),
    "verified-access-trust-provider-id": Filter(lambda w, rid, n: providers_of(w, rid)),
}
PROVIDER_FILTERS: dict[str, Filter] = {
    "verified-access-trust-provider-id": ident(),
    "trust-provider-type": field("TrustProviderType"),
    "user-trust-provider-type": field("UserTrustProviderType"),
    "device-trust-provider-type": field("DeviceTrustProviderType"),
    "policy-reference-name": field("PolicyReferenceName"),
    "description": field("Description"),
}

from ..core.family import Family, declare  # noqa: E402  (kept beside the declaration)

INSTANCE_FAMILY = declare(Family(
    INSTANCE, view=instance_view, filters=INSTANCE_FILTERS, create=create_instance,
    delete=delete_instance, max_results=(5, 200),
    actions={"ModifyVerifiedAccessInstance": modify_instance,
             "AttachVerifiedAccessTrustProvider": attach,
             "DetachVerifiedAccessTrustProvider": detach}))
PROVIDER_FAMILY = declare(Family(
    PROVIDER, view=provider_view, filters=PROVIDER_FILTERS, create=create_provider,
    delete=delete_provider, max_results=(5, 200),
    actions={"ModifyVerifiedAccessTrustProvider": modify_provider}))
