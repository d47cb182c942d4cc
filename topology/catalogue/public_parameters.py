"""AWS's public image parameters (Systems Manager Parameter Store): "the latest Amazon Linux".

Code that launches the current image of a distribution asks SSM for a public parameter, e.g.
`/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64`, and launches the AMI
id it holds. ec2sim answers four of AWS's public trees (`ROOTS`): Amazon Linux, Windows,
Ubuntu (Canonical) and Debian. Each parameter names an image of the public catalogue
(`image_catalogue`), so its value is that image's id *in the caller's region*, which
DescribeImages and RunInstances accept there.

Nothing is stored: a parameter's fields follow from its name and the region, as on AWS a
public parameter is the same for every account. Fields are AWS's: `Type` "String", `Version`,
`LastModifiedDate` (the image's creation), `ARN` with no account
(`arn:aws:ssm:<region>::parameter/aws/service/...`) and `DataType` ("aws:ec2:image" for
Canonical's, "text" for the others).
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

from . import image_catalogue as catalogue

ROOTS = ("/aws/service/ami-amazon-linux-latest", "/aws/service/ami-windows-latest",
         "/aws/service/canonical/ubuntu", "/aws/service/debian")
TEXT, IMAGE = "text", "aws:ec2:image"

_AL2023 = "al2023-ami-{kind}2023.6.20250107.0-kernel-6.1-{arch}"
_AL2023_612 = "al2023-ami-2023.7.20250414.0-kernel-6.12-{arch}"
_AMZN2 = "amzn2-ami-hvm-2.0.20250108.0-{arch}-gp2"
_AMZN2_510 = "amzn2-ami-kernel-5.10-hvm-2.0.20250108.0-{arch}-gp2"
# Ubuntu: (release number, code name, volume type, build serial, image name pattern)
_UBUNTU = (("22.04", "jammy", "ebs-gp2", "20250112",
            "ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-{arch}-server-20250112"),
           ("24.04", "noble", "ebs-gp3", "20250115",
            "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-{arch}-server-20250115"))
_DEBIAN = (("12", "bookworm", "20250112-1990", "debian-12-{arch}-20250112-1990"),)
_ARCHES = (("x86_64", "amd64"), ("arm64", "arm64"))   # Amazon's name, Debian/Ubuntu's name


@lru_cache(maxsize=1)
def tree() -> dict[str, tuple[str, str, int]]:
    """Every public parameter: name -> (image name, DataType, Version), sorted by name."""
    out: dict[str, tuple[str, str, int]] = {}
    al = ROOTS[0]
    for arch, _ in _ARCHES:
        for kernel in ("default", "6.1"):
            out[f"{al}/al2023-ami-kernel-{kernel}-{arch}"] = (
                _AL2023.format(kind="", arch=arch), TEXT, 104)
            out[f"{al}/al2023-ami-minimal-kernel-{kernel}-{arch}"] = (
                _AL2023.format(kind="minimal-", arch=arch), TEXT, 104)
        out[f"{al}/al2023-ami-kernel-6.12-{arch}"] = (_AL2023_612.format(arch=arch), TEXT, 12)
        out[f"{al}/amzn2-ami-hvm-{arch}-gp2"] = (_AMZN2.format(arch=arch), TEXT, 132)
        out[f"{al}/amzn2-ami-kernel-5.10-hvm-{arch}-gp2"] = (
            _AMZN2_510.format(arch=arch), TEXT, 87)
    for year in ("2019", "2022"):
        out[f"{ROOTS[1]}/Windows_Server-{year}-English-Full-Base"] = (
            f"Windows_Server-{year}-English-Full-Base-2025.01.15", TEXT, 95)
    for number, code, volume, serial, pattern in _UBUNTU:
        for release in (number, code):
            for build in ("current", serial):
                for _, arch in _ARCHES:
                    name = (f"{ROOTS[2]}/server/{release}/stable/{build}/{arch}/hvm/{volume}"
                            "/ami-id")
                    out[name] = (pattern.format(arch=arch), IMAGE, 1 if build == serial else 61)
    for number, code, serial, pattern in _DEBIAN:
        for release in (number, code):
            for build in ("latest", serial):
                for _, arch in _ARCHES:
                    out[f"{ROOTS[3]}/release/{release}/{build}/{arch}"] = (
                        pattern.format(arch=arch), TEXT, 1 if build == serial else 28)
    return dict(sorted(out.items()))


def serves(name: str) -> bool:
    """Whether `name` (a parameter name or path) lies in one of the public trees ec2sim
    answers for.

    >>> serves("/aws/service/debian/release/12/latest/amd64"), serves("/app/db-password")
    (True, False)
    """
    return any(name == root or name.startswith(root + "/") for root in ROOTS)


def get(region: str, name: str) -> dict[str, Any] | None:
    """The parameter `name` as boto3's `Parameter` in `region`, or None if there is none."""
    found = tree().get(name)
    if found is None:
        return None
    image_name, data_type, version = found
    created = _created(image_name)
    return {"Name": name, "Type": "String", "Value": catalogue.hashed_id("ami", region, image_name),
            "Version": version, "LastModifiedDate": created, "ARN": arn(region, name),
            "DataType": data_type}


def under(region: str, path: str, *, recursive: bool = False) -> list[dict[str, Any]]:
    """The parameters below `path` (directly below it unless `recursive`), sorted by name.

    >>> [p["Name"].rsplit("/", 1)[1] for p in under("us-east-1", "/aws/service/ami-windows-latest")]
    ['Windows_Server-2019-English-Full-Base', 'Windows_Server-2022-English-Full-Base']
    """
    prefix = path.rstrip("/") + "/"
    names = [n for n in tree() if n.startswith(prefix)
             and (recursive or "/" not in n[len(prefix):])]
    return [p for p in (get(region, n) for n in names) if p is not None]


def arn(region: str, name: str) -> str:
    """A public parameter's ARN: no account, as AWS writes them."""
    partition = ("aws-cn" if region.startswith("cn-")
                 else "aws-us-gov" if region.startswith("us-gov-") else "aws")
    return f"arn:{partition}:ssm:{region}::parameter{name}"


@lru_cache(maxsize=None)
def _created(image_name: str) -> dt.datetime:
    """When the image a parameter names was made (the parameter changed then)."""
    entry = next(e for e in catalogue.CATALOGUE if e["Name"] == image_name)
    return dt.datetime.fromisoformat(entry["CreationDate"].replace("Z", "+00:00"))
