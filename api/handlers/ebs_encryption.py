"""EBS encryption by default and the default KMS key, per account and region."""
from __future__ import annotations

from typing import Any

from topology.compute import ebs_encryption

from ..operations import Context, handler


@handler
def enable_ebs_encryption_by_default(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ebs_encryption.set_encryption_by_default(ctx.world, ctx.part, True)
    return {"EbsEncryptionByDefault": True}


@handler
def disable_ebs_encryption_by_default(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ebs_encryption.set_encryption_by_default(ctx.world, ctx.part, False)
    return {"EbsEncryptionByDefault": False}


@handler
def get_ebs_encryption_by_default(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return {"EbsEncryptionByDefault": ebs_encryption.encryption_by_default(ctx.part)}


@handler
def get_ebs_default_kms_key_id(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return {"KmsKeyId": ebs_encryption.default_key_id(ctx.part)}


@handler
def modify_ebs_default_kms_key_id(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return {"KmsKeyId": ebs_encryption.set_default_key(ctx.world, ctx.part, params["KmsKeyId"])}


@handler
def reset_ebs_default_kms_key_id(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return {"KmsKeyId": ebs_encryption.set_default_key(ctx.world, ctx.part, None)}
