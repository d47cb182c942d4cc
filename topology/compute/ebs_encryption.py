"""EBS encryption settings of an account in a region, and the KMS key a new volume gets.

EnableEbsEncryptionByDefault and ModifyEbsDefaultKmsKeyId are partition attributes
(`ENCRYPTION_BY_DEFAULT`, `DEFAULT_KMS_KEY`, journaled through `World.set_attribute`). A
volume or snapshot copy is encrypted if asked to, if its source is encrypted, or if the
account enabled encryption by default; `KmsKeyId` needs `Encrypted=true`, and without one
the account's default key is used: its own, else the AWS managed key (`alias/aws/ebs`).
"""
from __future__ import annotations

import uuid

from ..core.errors import TopologyError
from ..core.family import declare_actions
from ..core.world import Partition, World

ENCRYPTION_BY_DEFAULT = "ebs-encryption-by-default"   # Partition.attributes keys
DEFAULT_KMS_KEY = "ebs-default-kms-key"
AWS_MANAGED_ALIAS = "alias/aws/ebs"
_KEY_NAMESPACE = uuid.UUID("5b1d7a9e-3c4f-4e8a-9d2b-6f0e1c2a3b4d")


def encryption_by_default(part: Partition) -> bool:
    return bool(part.attributes.get(ENCRYPTION_BY_DEFAULT))


def set_encryption_by_default(world: World, part: Partition, enabled: bool) -> None:
    world.set_attribute(part, ENCRYPTION_BY_DEFAULT, True if enabled else None)


def enable_by_default(world: World, part: Partition) -> bool:
    set_encryption_by_default(world, part, True)
    return True


def disable_by_default(world: World, part: Partition) -> bool:
    set_encryption_by_default(world, part, False)
    return False


def default_key_id(part: Partition) -> str:
    """The account's default key for EBS encryption as GetEbsDefaultKmsKeyId names it."""
    return part.attributes.get(DEFAULT_KMS_KEY) or AWS_MANAGED_ALIAS


def set_default_key(world: World, part: Partition, kms_key_id: str | None) -> str:
    """Make `kms_key_id` the default key (None: back to the AWS managed key, `alias/aws/ebs`);
    returns the ARN of the key now in use."""
    arn = key_arn(part, kms_key_id) if kms_key_id else None
    world.set_attribute(part, DEFAULT_KMS_KEY, arn)
    return arn or key_arn(part, AWS_MANAGED_ALIAS)


def reset_default_key(world: World, part: Partition) -> str:
    return set_default_key(world, part, None)


def key_arn(part: Partition, key_id: str | None = None) -> str:
    """The ARN of the KMS key that `key_id` names (a key id, key ARN, alias or alias ARN);
    None: the default key. Aliases resolve to a key id stable per account and region, and
    `alias/aws/ebs` to the AWS managed key. Text of no known form is kept as given: AWS
    checks keys asynchronously."""
    key_id = key_id or default_key_id(part)
    scope = f"arn:aws:kms:{part.region}:{part.account}"
    if key_id.startswith("arn:") and ":key/" in key_id:
        return key_id
    if key_id.startswith("arn:") and ":alias/" in key_id:
        scope, _, alias = key_id.partition(":alias/")
        key_id = "alias/" + alias
    if key_id.startswith("alias/"):
        return f"{scope}:key/{_alias_key(scope, key_id)}"
    try:
        return f"{scope}:key/{uuid.UUID(key_id)}"
    except ValueError:
        return key_id


def _alias_key(scope: str, alias: str) -> str:
    return str(uuid.uuid5(_KEY_NAMESPACE, f"{scope}|{alias}"))


def encryption(part: Partition, encrypted: bool | None, kms_key_id: str | None,
                source_key: str | None) -> tuple[bool, str | None]:
    """(Encrypted, KmsKeyId) of a new volume or snapshot copy, by AWS's outcome table."""
    if kms_key_id and not encrypted:
        raise TopologyError("The parameter KmsKeyId requires the parameter Encrypted to be set.",
                            "InvalidParameterDependency")
    if kms_key_id:
        return True, key_arn(part, kms_key_id)
    if source_key:
        return True, source_key
    if encrypted or encryption_by_default(part):
        return True, key_arn(part)
    return False, None


# these operations are bound from the functions above (docs/families.md); the account
# setting has no resource kind of its own
declare_actions("ebs-encryption", {
    "EnableEbsEncryptionByDefault": enable_by_default,
    "DisableEbsEncryptionByDefault": disable_by_default,
    "GetEbsDefaultKmsKeyId": default_key_id, "ModifyEbsDefaultKmsKeyId": set_default_key,
    "ResetEbsDefaultKmsKeyId": reset_default_key})
