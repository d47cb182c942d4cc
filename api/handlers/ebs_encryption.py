"""GetEbsEncryptionByDefault (its SseType left out). The other EBS encryption settings are
bound from topology/compute/ebs_encryption.py."""
from __future__ import annotations

from typing import Any

from topology.compute import ebs_encryption

from ..operations import Context, handler


@handler
def get_ebs_encryption_by_default(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return {"EbsEncryptionByDefault": ebs_encryption.encryption_by_default(ctx.part)}
