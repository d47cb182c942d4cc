"""ACM for Nitro Enclaves: IAM roles associated with ACM certificates.

Associating a role with a certificate makes AWS copy the certificate, its chain and its
encrypted private key to an S3 bucket of its own (`aws-ec2-enclave-certificate-{region}`)
under the key `{role ARN}/{certificate ARN}`, encrypted with a KMS key AWS owns; the role
may read them. An account's associations are a partition attribute (certificate ARN ->
role ARNs, in the order they were made). The certificate must be an ACM certificate ARN
of the caller's Region and the role an IAM role ARN (ec2sim cannot see ACM or IAM, so any
well-formed ones are taken as existing).
"""
from __future__ import annotations

import re
import uuid
from typing import Any

from ..core.errors import InvalidParameterValue
from ..core.family import declare_actions
from ..core.world import Partition, World

ROLES = "enclave-certificate-roles"       # Partition.attributes key
_CERT = re.compile(r"^arn:aws[a-z-]*:acm:([a-z0-9-]+):(\d{12}):certificate/[0-9a-f-]{36}$")
_ROLE = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}$")


def _check(part: Partition, certificate_arn: str, role_arn: str | None = None) -> None:
    found = _CERT.match(certificate_arn)
    if not found or found.group(1) != part.region:
        raise InvalidParameterValue(f"The certificate ARN '{certificate_arn}' is not valid.")
    if role_arn is not None and not _ROLE.match(role_arn):
        raise InvalidParameterValue(f"The role ARN '{role_arn}' is not valid.")


def _where(part: Partition, certificate_arn: str, role_arn: str) -> dict[str, str]:
    kms = uuid.uuid5(uuid.NAMESPACE_URL, f"enclave-kms:{part.account}:{certificate_arn}")
    return {"CertificateS3BucketName": f"aws-ec2-enclave-certificate-{part.region}",
            "CertificateS3ObjectKey": f"{role_arn}/{certificate_arn}",
            "EncryptionKmsKeyId": str(kms)}


def associate(world: World, part: Partition, certificate_arn: str, role_arn: str
              ) -> dict[str, str]:
    """AssociateEnclaveCertificateIamRole (associating again answers the same place)."""
    _check(part, certificate_arn, role_arn)
    table: dict[str, list[str]] = dict(part.attributes.get(ROLES) or {})
    roles = list(table.get(certificate_arn, []))
    if role_arn not in roles:
        table[certificate_arn] = [*roles, role_arn]
        world.set_attribute(part, ROLES, table)
    return _where(part, certificate_arn, role_arn)


def disassociate(world: World, part: Partition, certificate_arn: str, role_arn: str) -> None:
    _check(part, certificate_arn, role_arn)
    table: dict[str, list[str]] = dict(part.attributes.get(ROLES) or {})
    roles = table.get(certificate_arn, [])
    if role_arn not in roles:
        raise InvalidParameterValue(f"The IAM role '{role_arn}' is not associated with the "
                                    f"certificate '{certificate_arn}'.")
    kept = [r for r in roles if r != role_arn]
    if kept:
        table[certificate_arn] = kept
    else:
        del table[certificate_arn]
    world.set_attribute(part, ROLES, table or None)


def associated(world: World, part: Partition, certificate_arn: str) -> list[dict[str, Any]]:
    """GetAssociatedEnclaveCertificateIamRoles."""
    _check(part, certificate_arn)
    roles = (part.attributes.get(ROLES) or {}).get(certificate_arn, [])
    return [{"AssociatedRoleArn": role, **_where(part, certificate_arn, role)}
            for role in roles]


# these operations are bound from the functions above (docs/families.md); the associations
# are an account setting with no resource kind of their own
declare_actions("enclave-certificate", {
    "AssociateEnclaveCertificateIamRole": associate,
    "DisassociateEnclaveCertificateIamRole": disassociate,
    "GetAssociatedEnclaveCertificateIamRoles": associated})
