"""What the long-running VM Import/Export, store and bundle tasks share: where their files
are (S3 locations, checked for shape: the simulator has no S3) and how they progress.

A task answers its create call in progress (`active`, `pending`, `InProgress`...) and is
done when it is described later: the first describe that reaches a task `settle`s it (its
`settled` field goes true and its kind's `finish` does the work: an AMI registered, a
snapshot taken). Until then it may be cancelled; once settled it may not, as on AWS a
completed task cannot be. Settling is a mutation like any other (journaled, undone on error).
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from ..core.errors import InvalidParameterValue, MissingParameter
from ..core.world import Partition, World

Finish = Callable[[World, Partition, str], None]

# S3's bucket naming rules: 3-63 lowercase letters, digits, dots and hyphens, starting and
# ending with a letter or digit, not shaped like an IP address
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]")
_IP = re.compile(r"\d+\.\d+\.\d+\.\d+")
MAX_KEY = 1024
S3_OBJECTS = ("s3", "global")     # the pseudo-partition holding what store tasks wrote


def check_bucket(bucket: str | None, member: str = "S3Bucket") -> str:
    """A bucket name S3 would accept."""
    if not bucket:
        raise MissingParameter(f"The request must contain the parameter {member}")
    if not _BUCKET.fullmatch(bucket) or _IP.fullmatch(bucket) or ".." in bucket:
        raise InvalidParameterValue(
            f"Value ({bucket}) for parameter {member} is invalid. The bucket name is not "
            "valid.")
    return bucket


def bucket(world: World, part: Partition, name: str | None, member: str = "S3Bucket") -> str:
    """A bucket name S3 would accept, of a bucket that exists if the S3 beside ec2sim can
    tell (`core.outside`; on its own ec2sim takes any well-formed name as given)."""
    name = check_bucket(name, member)
    if world.outside.bucket_exists(part.account, part.region, name) is False:
        raise InvalidParameterValue(f"The specified S3 bucket {name} does not exist.")
    return name


def check_key(key: str | None, member: str = "S3Key") -> str:
    """An object key S3 would accept (1 to 1024 characters)."""
    if not key:
        raise MissingParameter(f"The request must contain the parameter {member}")
    if len(key.encode()) > MAX_KEY:
        raise InvalidParameterValue(
            f"Value for parameter {member} is invalid. Object keys are at most {MAX_KEY} "
            "bytes long.")
    return key


def check_url(url: str) -> str:
    """A disk image URL VM Import reads: `s3://bucket/key` or an `https://` address."""
    if url.startswith("s3://"):
        bucket, _, key = url[5:].partition("/")
        check_bucket(bucket, "Url")
        check_key(key, "Url")
        return url
    if re.fullmatch(r"https?://[^\s/]+(/\S*)?", url):
        return url
    raise InvalidParameterValue(f"Value ({url}) for parameter Url is invalid. The URL must be "
                                "an Amazon S3 URL (s3://bucket/key) or an HTTPS URL.")


def check_choice(value: str | None, member: str, choices: Iterable[str]) -> str | None:
    """`value`, one of `choices` (compared without case), in AWS's spelling; None stays None."""
    if value is None:
        return None
    for choice in choices:
        if value.lower() == choice.lower():
            return choice
    raise InvalidParameterValue(f"Value ({value}) for parameter {member} is invalid. Valid "
                                f"values: {', '.join(choices)}")


def settle(world: World, part: Partition, kind: str, finish: Finish,
           ids: Iterable[str] | None = None) -> None:
    """Finish every task of `kind` in `part` (or among `ids`) still in progress."""
    nodes = world.graph.nodes
    chosen = part.ids(kind) if ids is None else [i for i in ids if i in part.ids(kind)]
    for rid in list(chosen):
        if not nodes[rid].get("settled"):
            world.update(rid, settled=True)
            finish(world, part, rid)


def is_settled(node: dict[str, Any]) -> bool:
    return bool(node.get("settled"))
