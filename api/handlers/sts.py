"""STS GetCallerIdentity: what SDK credential checks, Terraform and test fixtures ask first."""
from __future__ import annotations

from typing import Any

from ..operations import Context, handler


@handler
def get_caller_identity(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    """The caller as the account root user (ec2sim has no IAM)."""
    return {
        "UserId": ctx.account,
        "Account": ctx.account,
        "Arn": f"arn:aws:iam::{ctx.account}:root",
    }
