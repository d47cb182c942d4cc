"""The public images every account of a region sees: Amazon Linux, Ubuntu, Windows, Debian, RHEL.

They live once per region, in a partition of the pseudo-account `PUBLIC`, built on first use
(`public_partition`) outside any request, so no error or DryRun can undo them. Their ids are
derived from a hash of region and name: the same in every account and every run, different
in every region, as on AWS. Each is `Public` (launch permission group `all`), so the public
partition's "launch-permission" index lists it with the public images accounts share.

Fields follow what DescribeImages shows for the real images: owners (Amazon 137112412989 with
alias `amazon`, Windows 801119661308 also `amazon`, Canonical 099720109477, Debian
136693071363, Red Hat 309956199498, the last three without alias), root devices (`/dev/xvda`
for Amazon Linux and Debian, `/dev/sda1` for Ubuntu, Windows and RHEL), EBS root volumes
with a snapshot, billing codes (`Linux/UNIX` `RunInstances`, `Windows` `RunInstances:0002`,
`Red Hat Enterprise Linux` `RunInstances:0010`), boot modes and IMDS support. One superseded
Amazon Linux 2023 build is deprecated, to show how DescribeImages hides deprecated images.
"""
from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from importlib import resources
from typing import Any

from ..core.world import Partition, World

PUBLIC = "amazon"              # the pseudo-account holding a region's public images
LAUNCH_INDEX = "launch-permission"   # value index in PUBLIC: "all" / account id -> image ids
AMAZON, WINDOWS, CANONICAL, DEBIAN, REDHAT = (
    "137112412989", "801119661308", "099720109477", "136693071363", "309956199498")
ALIASES = {AMAZON: "amazon", WINDOWS: "amazon"}
EVERYWHERE = "*"               # the region of images that exist in every region (moto's examples)
# owners of moto's examples that AWS shows with the `amazon` alias (Deep Learning AMIs, SUSE)
EXAMPLE_ALIASES = {**ALIASES, "898082745236": "amazon", "013907871322": "amazon"}
EPHEMERAL = ({"DeviceName": "/dev/sdb", "VirtualName": "ephemeral0"},
             {"DeviceName": "/dev/sdc", "VirtualName": "ephemeral1"})
LINUX = ("Linux/UNIX", "RunInstances")

# One entry per image: its own fields in boto3 member names, plus `root` (device, size GiB,
# volume type), `extra` (instance store mappings) and `billing` (PlatformDetails,
# UsageOperation; Linux/UNIX by default). `_fields` adds what all of them share.
_AL2023 = "Amazon Linux 2023 AMI 2023.6.20250107.0 {arch} {kind}HVM kernel-6.1"
CATALOGUE: tuple[dict[str, Any], ...] = (
    dict(Name="al2023-ami-2023.6.20250107.0-kernel-6.1-x86_64",
         Description=_AL2023.format(arch="x86_64", kind=""), OwnerId=AMAZON,
         Architecture="x86_64", root=("/dev/xvda", 8, "gp3"),
         CreationDate="2025-01-06T21:27:04.000Z", BootMode="uefi-preferred", ImdsSupport="v2.0"),
    dict(Name="al2023-ami-2023.6.20250107.0-kernel-6.1-arm64",
         Description=_AL2023.format(arch="arm64", kind=""), OwnerId=AMAZON,
         Architecture="arm64", root=("/dev/xvda", 8, "gp3"),
         CreationDate="2025-01-06T21:27:05.000Z", BootMode="uefi", ImdsSupport="v2.0"),
    dict(Name="al2023-ami-minimal-2023.6.20250107.0-kernel-6.1-x86_64",
         Description=_AL2023.format(arch="x86_64", kind="Minimal "), OwnerId=AMAZON,
         Architecture="x86_64", root=("/dev/xvda", 2, "gp3"),
         CreationDate="2025-01-06T21:27:04.000Z", BootMode="uefi-preferred", ImdsSupport="v2.0"),
    dict(Name="al2023-ami-minimal-2023.6.20250107.0-kernel-6.1-arm64",
         Description=_AL2023.format(arch="arm64", kind="Minimal "), OwnerId=AMAZON,
         Architecture="arm64", root=("/dev/xvda", 2, "gp3"),
         CreationDate="2025-01-06T21:27:05.000Z", BootMode="uefi", ImdsSupport="v2.0"),
    dict(Name="al2023-ami-2023.7.20250414.0-kernel-6.12-x86_64",
         Description="Amazon Linux 2023 AMI 2023.7.20250414.0 x86_64 HVM kernel-6.12",
         OwnerId=AMAZON, Architecture="x86_64", root=("/dev/xvda", 8, "gp3"),
         CreationDate="2025-04-11T21:12:09.000Z", BootMode="uefi-preferred", ImdsSupport="v2.0"),
    dict(Name="al2023-ami-2023.7.20250414.0-kernel-6.12-arm64",
         Description="Amazon Linux 2023 AMI 2023.7.20250414.0 arm64 HVM kernel-6.12",
         OwnerId=AMAZON, Architecture="arm64", root=("/dev/xvda", 8, "gp3"),
         CreationDate="2025-04-11T21:12:11.000Z", BootMode="uefi", ImdsSupport="v2.0"),
    dict(Name="al2023-ami-2023.5.20240624.0-kernel-6.1-x86_64",
         Description="Amazon Linux 2023 AMI 2023.5.20240624.0 x86_64 HVM kernel-6.1",
         OwnerId=AMAZON, Architecture="x86_64", root=("/dev/xvda", 8, "gp3"),
         CreationDate="2024-06-21T18:26:00.000Z", BootMode="uefi-preferred",
         ImdsSupport="v2.0", DeprecationTime="2024-09-19T18:26:00.000Z"),
    dict(Name="amzn2-ami-kernel-5.10-hvm-2.0.20250108.0-x86_64-gp2",
         Description="Amazon Linux 2 Kernel 5.10 AMI 2.0.20250108.0 x86_64 HVM gp2",
         OwnerId=AMAZON, Architecture="x86_64", root=("/dev/xvda", 8, "gp2"),
         CreationDate="2025-01-08T19:13:36.000Z"),
    dict(Name="amzn2-ami-kernel-5.10-hvm-2.0.20250108.0-arm64-gp2",
         Description="Amazon Linux 2 Kernel 5.10 AMI 2.0.20250108.0 arm64 HVM gp2",
         OwnerId=AMAZON, Architecture="arm64", root=("/dev/xvda", 8, "gp2"),
         CreationDate="2025-01-08T19:13:39.000Z", BootMode="uefi"),
    dict(Name="amzn2-ami-hvm-2.0.20250108.0-x86_64-gp2",
         Description="Amazon Linux 2 AMI 2.0.20250108.0 x86_64 HVM gp2",
         OwnerId=AMAZON, Architecture="x86_64", root=("/dev/xvda", 8, "gp2"),
         CreationDate="2025-01-08T19:13:30.000Z"),
    dict(Name="amzn2-ami-hvm-2.0.20250108.0-arm64-gp2",
         Description="Amazon Linux 2 AMI 2.0.20250108.0 arm64 HVM gp2",
         OwnerId=AMAZON, Architecture="arm64", root=("/dev/xvda", 8, "gp2"),
         CreationDate="2025-01-08T19:13:33.000Z", BootMode="uefi"),
    dict(Name="ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20250112",
         Description="Canonical, Ubuntu, 22.04 LTS, amd64 jammy image build on 2025-01-12",
         OwnerId=CANONICAL, Architecture="x86_64", root=("/dev/sda1", 8, "gp2"),
         CreationDate="2025-01-12T09:41:56.000Z", BootMode="uefi-preferred",
         extra=EPHEMERAL),
    dict(Name="ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-arm64-server-20250112",
         Description="Canonical, Ubuntu, 22.04 LTS, arm64 jammy image build on 2025-01-12",
         OwnerId=CANONICAL, Architecture="arm64", root=("/dev/sda1", 8, "gp2"),
         CreationDate="2025-01-12T09:42:12.000Z", BootMode="uefi", extra=EPHEMERAL),
    dict(Name="ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20250115",
         Description="Canonical, Ubuntu, 24.04, amd64 noble image",
         OwnerId=CANONICAL, Architecture="x86_64", root=("/dev/sda1", 8, "gp3"),
         CreationDate="2025-01-15T07:54:17.000Z", BootMode="uefi-preferred",
         extra=EPHEMERAL),
    dict(Name="ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-arm64-server-20250115",
         Description="Canonical, Ubuntu, 24.04, arm64 noble image",
         OwnerId=CANONICAL, Architecture="arm64", root=("/dev/sda1", 8, "gp3"),
         CreationDate="2025-01-15T07:54:33.000Z", BootMode="uefi", extra=EPHEMERAL),
    dict(Name="Windows_Server-2022-English-Full-Base-2025.01.15",
         Description="Microsoft Windows Server 2022 Full Locale English AMI provided by Amazon",
         OwnerId=WINDOWS, Architecture="x86_64", root=("/dev/sda1", 30, "gp2"),
         CreationDate="2025-01-15T04:32:11.000Z", Platform="windows",
         billing=("Windows", "RunInstances:0002")),
    dict(Name="Windows_Server-2019-English-Full-Base-2025.01.15",
         Description="Microsoft Windows Server 2019 with Desktop Experience Locale English AMI "
                     "provided by Amazon",
         OwnerId=WINDOWS, Architecture="x86_64", root=("/dev/sda1", 30, "gp2"),
         CreationDate="2025-01-15T04:33:40.000Z", Platform="windows",
         billing=("Windows", "RunInstances:0002")),
    dict(Name="debian-12-amd64-20250112-1990", Description="Debian 12 (20250112-1990)",
         OwnerId=DEBIAN, Architecture="x86_64", root=("/dev/xvda", 8, "gp2"),
         CreationDate="2025-01-12T04:18:26.000Z", BootMode="uefi-preferred"),
    dict(Name="debian-12-arm64-20250112-1990", Description="Debian 12 (20250112-1990)",
         OwnerId=DEBIAN, Architecture="arm64", root=("/dev/xvda", 8, "gp2"),
         CreationDate="2025-01-12T04:18:49.000Z", BootMode="uefi"),
    dict(Name="RHEL-9.5.0_HVM-20241211-x86_64-0-Hourly2-GP3",
         Description="Provided by Red Hat, Inc.", OwnerId=REDHAT, Architecture="x86_64",
         root=("/dev/sda1", 10, "gp3"), CreationDate="2024-12-11T13:04:48.000Z",
         BootMode="uefi-preferred", billing=("Red Hat Enterprise Linux", "RunInstances:0010")),
)


def hashed_id(prefix: str, *parts: str) -> str:
    """A stable AWS-shaped id from a hash of `parts`.

    >>> hashed_id("ami", "us-east-1", "x") == hashed_id("ami", "us-east-1", "x")
    True
    >>> len(hashed_id("ami", "us-east-1", "x"))
    21
    """
    return f"{prefix}-{hashlib.sha256('/'.join(parts).encode()).hexdigest()[:17]}"


def _fields(region: str, entry: dict[str, Any]) -> dict[str, Any]:
    """An image node's fields for a catalogue entry in `region`."""
    entry = dict(entry)
    device, size, volume_type = entry.pop("root")
    extra = entry.pop("extra", ())
    platform_details, usage = entry.pop("billing", LINUX)
    owner, name = entry["OwnerId"], entry["Name"]
    root = {"DeviceName": device, "Ebs": {
        "DeleteOnTermination": True, "SnapshotId": hashed_id("snap", region, name, device),
        "VolumeSize": size, "VolumeType": volume_type, "Encrypted": False}}
    if volume_type == "gp3":
        root["Ebs"].update(Iops=3000, Throughput=125)
    alias = ALIASES.get(owner)
    return {**entry, "ImageLocation": f"{alias or owner}/{name}", "ImageType": "machine",
            "State": "available", "RootDeviceName": device, "RootDeviceType": "ebs",
            "VirtualizationType": "hvm", "Hypervisor": "xen", "EnaSupport": True,
            "SriovNetSupport": "simple", "PlatformDetails": platform_details,
            "UsageOperation": usage, "DeregistrationProtection": "disabled",
            "FreeTierEligible": True, "BlockDeviceMappings": [root, *map(dict, extra)],
            "permissions": [{"Group": "all"}], "ProductCodes": [],
            **({"ImageOwnerAlias": alias} if alias else {})}


def install(world: World, part: Partition) -> None:
    """Add the catalogue to the public partition of `part.region` (its `setup`)."""
    for entry in CATALOGUE:
        image_id = hashed_id("ami", part.region, entry["Name"])
        world.add(part, "image", image_id, **_fields(part.region, entry))
        world.claim(part, LAUNCH_INDEX, "all", image_id)


def public_partition(world: World, region: str) -> Partition:
    """The region's public partition, with the catalogue in it (and, once per world, the
    partition of moto's example images, which every region shares)."""
    world.partition(PUBLIC, EVERYWHERE, setup=install_examples)
    return world.partition(PUBLIC, region, setup=install)


def public_partitions(world: World, region: str) -> tuple[Partition, Partition]:
    """Where the public images `region` sees live: its own catalogue, then the shared one."""
    return public_partition(world, region), world.partition(PUBLIC, EVERYWHERE)


# -- moto's example images ----------------------------------------------------------------------
# Code written against moto hard-codes moto's example AMI ids (`ami-12c6146b`, `ami-03cf127a`,
# ...), which exist in every region there. They live once per world, in the partition of
# region EVERYWHERE, with their own ids; `images.sees` lets every region see them. Their facts
# (id, name, owner, description, architecture, root device, virtualization, billing) are in
# data/example_images.json, read on first use.
@lru_cache(maxsize=1)
def examples() -> tuple[dict[str, Any], ...]:
    """moto's example images as entries of data/example_images.json."""
    text = resources.files("topology").joinpath("data", "example_images.json").read_text()
    return tuple(json.loads(text))


def _example_fields(entry: dict[str, Any]) -> dict[str, Any]:
    """An image node's fields for an example entry (its `ImageId` is the node's key)."""
    entry = dict(entry)
    image_id = entry.pop("ImageId")
    platform_details, usage = entry.pop("billing")
    alias = EXAMPLE_ALIASES.get(entry["OwnerId"])
    mappings = []
    if entry["RootDeviceType"] == "ebs":
        size = 30 if entry.get("Platform") == "windows" else 8
        mappings.append({"DeviceName": entry["RootDeviceName"], "Ebs": {
            "DeleteOnTermination": True, "SnapshotId": hashed_id("snap", EVERYWHERE, image_id),
            "VolumeSize": size, "VolumeType": "gp2", "Encrypted": False}})
    return {**entry, "ImageType": "machine", "State": "available", "Hypervisor": "xen",
            "EnaSupport": True, "SriovNetSupport": "simple", "PlatformDetails": platform_details,
            "UsageOperation": usage, "DeregistrationProtection": "disabled",
            "BlockDeviceMappings": mappings, "permissions": [{"Group": "all"}],
            "ProductCodes": [], **({"ImageOwnerAlias": alias} if alias else {})}


def install_examples(world: World, part: Partition) -> None:
    """Add moto's example images to the world-wide public partition (its `setup`)."""
    for entry in examples():
        world.add(part, "image", entry["ImageId"], **_example_fields(entry))
        world.claim(part, LAUNCH_INDEX, "all", entry["ImageId"])
