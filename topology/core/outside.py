"""The services beside EC2 whose resources EC2 requests name: IAM instance profiles, S3 buckets.

ec2sim simulates EC2 only. On its own it knows nothing of IAM or S3, so it takes such names as
given: an instance profile named by name gets an ARN in the caller's account and an id derived
from that ARN; any well-formed bucket ARN is a flow log destination. When it runs beside an
emulator of the other services (moto), the door (`api.beside`) gives the `World` an `Outside`
that asks that emulator, so ec2sim answers as AWS would: a profile or bucket that does not
exist there is refused, and a profile's id is IAM's own.

Each question answers None for "cannot tell" (nothing beside, or it did not answer), and the
caller then takes the name as given.
"""
from __future__ import annotations


class Outside:
    """What ec2sim knows of the services beside it: by default, nothing."""

    def instance_profile(self, account: str, region: str, name: str,
                         arn: str | None = None) -> dict[str, str] | None:
        """IAM's `{"Arn", "Id"}` of `account`'s instance profile `name` (which must have ARN
        `arn` if given); `{}` if IAM has no such profile, None if it cannot tell."""
        return None

    def bucket_exists(self, account: str, region: str, bucket: str) -> bool | None:
        """Whether S3 has `bucket`, None if it cannot tell."""
        return None
