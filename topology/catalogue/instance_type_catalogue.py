"""The instance type catalogue: AWS's published facts for the common families, as tables.

Only data lives here; `topology.instance_types` turns it into boto3's `InstanceTypeInfo`.
Facts are AWS's (EC2 instance type specifications, the "Maximum IP addresses per network
interface" table, the EBS-optimized table, DescribeInstanceTypes answers). Families are current
generation in AWS's instance type documentation, but for the previous generations AWS still
lists and launches and that code still names (t1.micro, m1.small — RunInstances' documented
default —, m1.medium, c4.*, the first Graviton's a1.*), which older regions alone offer. Free Tier: t2.micro, and t3.micro
where t2.micro is unavailable (AWS's Free Tier terms for EC2).

`FAMILIES` holds what a whole family shares; `SIZES` one row per size, columns:

    size  vCPUs  cores  threads/core  memory MiB  network  ENIs  IPv4/ENI  IPv6/ENI
    EBS baseline Mbps  baseline IOPS  maximum Mbps  maximum IOPS  max EBS volumes
    network card baseline Gbps  peak Gbps  valid core counts  flags

`-` means "not applicable". Network codes: `low-mod` "Low to Moderate", `mod` "Moderate",
`uN` "Up to N Gigabit", `N` "N Gigabit", `very-low`, `low`, `high` (previous generations). Valid cores: `lo-hi` (step 1), `lo-hi:step`, or a
comma list. Flags: `i386` (32-bit AMIs too), `od-only` (no Spot), `efa`, `srd` (ENA Express),
`+dh`/`-dh` (Dedicated Hosts unlike the family), `ft` (Free Tier), `disk=NxGB` (NVMe SSD
instance store), `hdd=NxGB` (magnetic instance store), `gpu=N`, `ghz=X` (a sustained clock speed other than the family's).

`ZONE_LIMITS` and `REGION_LIMITS` say where families are not offered (see
`topology.instance_types.offered`): AWS does not offer every type in every zone.
"""
from __future__ import annotations

from typing import NamedTuple


class Family(NamedTuple):
    """What every size of a family shares."""

    cpu: str                  # "intel" | "amd" | "graviton"
    clock: float              # sustained clock speed, GHz
    hypervisor: str           # "nitro" | "xen" (bare metal sizes have none)
    ena: str                  # ENA support: "required" | "supported" | "unsupported"
    ebs_optimized: str        # "default" | "unsupported"
    ebs_nvme: str             # EBS NVMe support: "required" | "supported" | "unsupported"
    dedicated_hosts: bool
    auto_recovery: bool
    hibernation: bool         # where memory < 150 GiB and not bare metal (AWS's rule)
    in_transit: bool          # encryption in transit between instances
    burstable: bool = False   # T family: credits, no cluster placement groups
    ebs_attachments: str = "shared"   # EBS attachment limit shared with ENIs, or dedicated
    gpu: tuple[str, str, int, tuple[str, ...]] | None = None   # name, maker, MiB/GPU, workloads
    current: bool = True      # current generation (else previous generation)
    virtualization: tuple[str, ...] = ("hvm",)
    nitro_tpm: bool = True    # NitroTPM where Nitro (the first Nitro families lack it)
    enclaves: bool = True     # Nitro Enclaves where Nitro and large enough
    boot_modes: tuple[str, ...] | None = None   # when not the rule of `instance_types`


CPUS = {  # cpu -> (manufacturer, architectures)
    "intel": ("Intel", ("x86_64",)),
    "amd": ("AMD", ("x86_64",)),
    "graviton": ("AWS", ("arm64",)),
}

_NITRO_INTEL = dict(hypervisor="nitro", ena="required", ebs_optimized="default",
                    ebs_nvme="required", auto_recovery=True)

_PREVIOUS_XEN = dict(hypervisor="xen", ena="unsupported", ebs_nvme="unsupported",
                     dedicated_hosts=False, hibernation=False, in_transit=False, current=False)

FAMILIES: dict[str, Family] = {
    "t1": Family("intel", 2.0, **_PREVIOUS_XEN, ebs_optimized="unsupported",
                 auto_recovery=False, virtualization=("paravirtual",)),
    "m1": Family("intel", 2.0, **_PREVIOUS_XEN, ebs_optimized="supported",
                 auto_recovery=False, virtualization=("hvm", "paravirtual")),
    "c4": Family("intel", 2.9, "xen", "unsupported", "default", "unsupported",
                 dedicated_hosts=True, auto_recovery=True, hibernation=True,
                 in_transit=False, current=False),
    "t2": Family("intel", 2.5, "xen", "unsupported", "unsupported", "unsupported",
                 dedicated_hosts=False, auto_recovery=True, hibernation=True,
                 in_transit=False, burstable=True),
    "t3": Family("intel", 2.5, **_NITRO_INTEL, dedicated_hosts=True, hibernation=True,
                 in_transit=False, burstable=True),
    "t3a": Family("amd", 2.2, **_NITRO_INTEL, dedicated_hosts=False, hibernation=True,
                  in_transit=False, burstable=True),
    "t4g": Family("graviton", 2.5, **_NITRO_INTEL, dedicated_hosts=False, hibernation=True,
                  in_transit=False, burstable=True),
    "m5": Family("intel", 3.1, **_NITRO_INTEL, dedicated_hosts=True, hibernation=True,
                 in_transit=False),
    "m5a": Family("amd", 2.5, **_NITRO_INTEL, dedicated_hosts=False, hibernation=True,
                  in_transit=False),
    "m6i": Family("intel", 3.5, **_NITRO_INTEL, dedicated_hosts=True, hibernation=True,
                  in_transit=True),
    "m6g": Family("graviton", 2.5, **_NITRO_INTEL, dedicated_hosts=True, hibernation=True,
                  in_transit=False),
    "m7i": Family("intel", 3.2, **_NITRO_INTEL, dedicated_hosts=True, hibernation=True,
                  in_transit=True, ebs_attachments="dedicated"),
    "m7g": Family("graviton", 2.6, **_NITRO_INTEL, dedicated_hosts=True, hibernation=True,
                  in_transit=True),
    "c5": Family("intel", 3.4, **_NITRO_INTEL, dedicated_hosts=True, hibernation=True,
                 in_transit=False),
    "c6i": Family("intel", 3.5, **_NITRO_INTEL, dedicated_hosts=True, hibernation=True,
                  in_transit=True),
    "c6g": Family("graviton", 2.5, **_NITRO_INTEL, dedicated_hosts=True, hibernation=True,
                  in_transit=False),
    "c7g": Family("graviton", 2.6, **_NITRO_INTEL, dedicated_hosts=True, hibernation=True,
                  in_transit=True),
    "r5": Family("intel", 3.1, **_NITRO_INTEL, dedicated_hosts=True, hibernation=True,
                 in_transit=False),
    "r6i": Family("intel", 3.5, **_NITRO_INTEL, dedicated_hosts=True, hibernation=False,
                  in_transit=True),
    "r6g": Family("graviton", 2.5, **_NITRO_INTEL, dedicated_hosts=True, hibernation=True,
                  in_transit=False),
    "r7g": Family("graviton", 2.6, **_NITRO_INTEL, dedicated_hosts=True, hibernation=True,
                  in_transit=True),
    "i3": Family("intel", 2.3, "xen", "supported", "default", "supported",
                 dedicated_hosts=True, auto_recovery=False, hibernation=True, in_transit=False),
    "g4dn": Family("intel", 2.5, "nitro", "required", "default", "required",
                   dedicated_hosts=False, auto_recovery=False, hibernation=False,
                   in_transit=True, gpu=("T4", "NVIDIA", 16384, ("graphics", "ml-ai"))),
    "p3": Family("intel", 2.3, "xen", "supported", "default", "unsupported",
                 dedicated_hosts=True, auto_recovery=True, hibernation=False,
                 in_transit=False, gpu=("V100", "NVIDIA", 16384, ("ml-ai",))),
    "p3dn": Family("intel", 2.5, "nitro", "required", "default", "required",
                   dedicated_hosts=True, auto_recovery=False, hibernation=False,
                   in_transit=True, gpu=("V100", "NVIDIA", 32768, ("ml-ai",)), nitro_tpm=False),
    "g4ad": Family("amd", 3.0, "nitro", "required", "default", "required",
                   dedicated_hosts=True, auto_recovery=False, hibernation=False,
                   in_transit=True, gpu=("Radeon Pro V520", "AMD", 8192, ("graphics", "ml-ai")),
                   nitro_tpm=False, enclaves=False, boot_modes=("legacy-bios",)),
    # the accelerated families AWS sells as Capacity Blocks for ML (Trainium is no GPU:
    # DescribeInstanceTypes reports it under NeuronInfo, which this catalogue leaves out)
    "p4d": Family("intel", 3.0, "nitro", "required", "default", "required",
                  dedicated_hosts=False, auto_recovery=False, hibernation=False,
                  in_transit=True, gpu=("A100", "NVIDIA", 40960, ("ml-ai",))),
    "p4de": Family("intel", 3.0, "nitro", "required", "default", "required",
                   dedicated_hosts=False, auto_recovery=False, hibernation=False,
                   in_transit=True, gpu=("A100", "NVIDIA", 81920, ("ml-ai",))),
    "p5": Family("amd", 3.6, "nitro", "required", "default", "required",
                 dedicated_hosts=False, auto_recovery=False, hibernation=False,
                 in_transit=True, gpu=("H100", "NVIDIA", 81920, ("ml-ai",))),
    "p5e": Family("amd", 3.6, "nitro", "required", "default", "required",
                  dedicated_hosts=False, auto_recovery=False, hibernation=False,
                  in_transit=True, gpu=("H200", "NVIDIA", 144384, ("ml-ai",))),
    "p5en": Family("intel", 3.2, "nitro", "required", "default", "required",
                   dedicated_hosts=False, auto_recovery=False, hibernation=False,
                   in_transit=True, gpu=("H200", "NVIDIA", 144384, ("ml-ai",))),
    "trn1": Family("intel", 3.5, "nitro", "required", "default", "required",
                   dedicated_hosts=False, auto_recovery=False, hibernation=False,
                   in_transit=True),
    "trn2": Family("intel", 3.4, "nitro", "required", "default", "required",
                   dedicated_hosts=False, auto_recovery=False, hibernation=False,
                   in_transit=True),
    # previous generation: the first Graviton
    "a1": Family("graviton", 2.3, **_NITRO_INTEL, dedicated_hosts=True, hibernation=False,
                 in_transit=False, current=False, nitro_tpm=False, enclaves=False),
}

# family -> its sizes, one row each (columns in the module docstring)
SIZES: dict[str, str] = {
    "t2": """
    nano       1   1  1 512     low-mod 2  2  2  -     -      -     -      40  0.032 0.512 -              i386,od-only,ghz=2.4
    micro      1   1  1 1024    low-mod 2  2  2  -     -      -     -      40  0.064 1.024 -              i386,ft
    small      1   1  1 2048    low-mod 3  4  4  -     -      -     -      40  0.128 1.024 -              i386
    medium     2   2  1 4096    low-mod 3  6  6  -     -      -     -      40  0.256 1.024 -              i386,ghz=2.3
    large      2   2  1 8192    low-mod 3  12 12 -     -      -     -      40  0.512 1.024 -              ghz=2.3
    xlarge     4   4  1 16384   mod     3  15 15 -     -      -     -      40  0.75  1.024 -              ghz=2.3
    2xlarge    8   8  1 32768   mod     3  15 15 -     -      -     -      40  1     1.024 -              ghz=2.3
    """,
    "t3": """
    nano       2   1  2 512     u5      2  2  2  43    250    2085  11800  27  0.032 5     1
    micro      2   1  2 1024    u5      2  2  2  87    500    2085  11800  27  0.064 5     1              ft
    small      2   1  2 2048    u5      3  4  4  174   1000   2085  11800  27  0.128 5     1
    medium     2   1  2 4096    u5      3  6  6  347   2000   2085  11800  27  0.256 5     1
    large      2   1  2 8192    u5      3  12 12 695   4000   2780  15700  27  0.512 5     1
    xlarge     4   2  2 16384   u5      4  15 15 695   4000   2780  15700  27  1.024 5     2
    2xlarge    8   4  2 32768   u5      4  15 15 695   4000   2780  15700  27  2.048 5     2-4:2
    """,
    "t3a": """
    nano       2   1  2 512     u5      2  2  2  45    250    2085  11800  27  0.032 5     1
    micro      2   1  2 1024    u5      2  2  2  90    500    2085  11800  27  0.064 5     1
    small      2   1  2 2048    u5      2  4  4  175   1000   2085  11800  27  0.128 5     1
    medium     2   1  2 4096    u5      3  6  6  350   2000   2085  11800  27  0.256 5     1
    large      2   1  2 8192    u5      3  12 12 695   4000   2780  15700  27  0.512 5     1
    xlarge     4   2  2 16384   u5      4  15 15 695   4000   2780  15700  27  1.024 5     2
    2xlarge    8   4  2 32768   u5      4  15 15 695   4000   2780  15700  27  2.048 5     2-4:2
    """,
    "t4g": """
    nano       2   2  1 512     u5      2  2  2  43    250    2085  11800  27  0.032 5     1-2
    micro      2   2  1 1024    u5      2  2  2  87    500    2085  11800  27  0.064 5     1-2
    small      2   2  1 2048    u5      3  4  4  174   1000   2085  11800  27  0.128 5     1-2
    medium     2   2  1 4096    u5      3  6  6  347   2000   2085  11800  27  0.256 5     1-2
    large      2   2  1 8192    u5      3  12 12 695   4000   2780  15700  27  0.512 5     1-2
    xlarge     4   4  1 16384   u5      4  15 15 695   4000   2780  15700  27  1.024 5     1-4
    2xlarge    8   8  1 32768   u5      4  15 15 695   4000   2780  15700  27  2.048 5     1-8
    """,
    "m5": """
    large      2   1  2 8192    u10     3  10 10 650   3600   4750  18750  27  0.75  10    1
    xlarge     4   2  2 16384   u10     4  15 15 1150  6000   4750  18750  27  1.25  10    2
    2xlarge    8   4  2 32768   u10     4  15 15 2300  12000  4750  18750  27  2.5   10    2-4:2
    4xlarge    16  8  2 65536   u10     8  30 30 4750  18750  4750  18750  27  5     10    2-8:2
    8xlarge    32  16 2 131072  10      8  30 30 6800  30000  6800  30000  27  10    10    2-16:2
    12xlarge   48  24 2 196608  12      8  30 30 9500  40000  9500  40000  27  12    12    2-24:2
    16xlarge   64  32 2 262144  20      15 50 50 13600 60000  13600 60000  27  20    20    2-32:2
    24xlarge   96  48 2 393216  25      15 50 50 19000 80000  19000 80000  27  25    25    4-48:2
    metal      96  48 2 393216  25      15 50 50 19000 80000  19000 80000  31  25    25    -
    """,
    "m5a": """
    large      2   1  2 8192    u10     3  10 10 650   3600   2880  16000  27  0.75  10    1
    xlarge     4   2  2 16384   u10     4  15 15 1085  6000   2880  16000  27  1.25  10    2
    2xlarge    8   4  2 32768   u10     4  15 15 1580  8333   2880  16000  27  2.5   10    2-4:2
    4xlarge    16  8  2 65536   u10     8  30 30 2880  16000  2880  16000  27  5     10    2-8:2
    8xlarge    32  16 2 131072  u10     8  30 30 4750  20000  4750  20000  27  7.5   10    4-16:2
    12xlarge   48  24 2 196608  10      8  30 30 6780  30000  6780  30000  27  10    10    6-24:6
    16xlarge   64  32 2 262144  12      15 50 50 9500  40000  9500  40000  27  12    12    8-32:2
    24xlarge   96  48 2 393216  20      15 50 50 13750 60000  13750 60000  27  20    20    12,18,24,36,48
    """,
    "m6i": """
    large      2   1  2 8192    u12.5   3  10 10 650   3600   10000 40000  27  0.781 12.5  1
    xlarge     4   2  2 16384   u12.5   4  15 15 1250  6000   10000 40000  27  1.562 12.5  1-2
    2xlarge    8   4  2 32768   u12.5   4  15 15 2500  12000  10000 40000  27  3.125 12.5  2-4:2
    4xlarge    16  8  2 65536   u12.5   8  30 30 5000  20000  10000 40000  27  6.25  12.5  2-8:2
    8xlarge    32  16 2 131072  12.5    8  30 30 10000 40000  10000 40000  27  12.5  12.5  2-16:2         srd
    12xlarge   48  24 2 196608  18.75   8  30 30 15000 60000  15000 60000  27  18.75 18.75 2-24:2         srd
    16xlarge   64  32 2 262144  25      15 50 50 20000 80000  20000 80000  27  25    25    2-32:2         srd
    24xlarge   96  48 2 393216  37.5    15 50 50 30000 120000 30000 120000 27  37.5  37.5  2-48:2         srd
    32xlarge   128 64 2 524288  50      15 50 50 40000 160000 40000 160000 27  50    50    2-64:2         efa,srd
    metal      128 64 2 524288  50      15 50 50 40000 160000 40000 160000 31  50    50    -              efa,srd
    """,
    "m6g": """
    medium     1   1  1 4096    u10     2  4  4  315   2500   4750  20000  27  0.5   10    -
    large      2   2  1 8192    u10     3  10 10 630   3600   4750  20000  27  0.75  10    1-2
    xlarge     4   4  1 16384   u10     4  15 15 1188  6000   4750  20000  27  1.25  10    1-4
    2xlarge    8   8  1 32768   u10     4  15 15 2375  12000  4750  20000  27  2.5   10    1-8
    4xlarge    16  16 1 65536   u10     8  30 30 4750  20000  4750  20000  27  5     10    1-16
    8xlarge    32  32 1 131072  12      8  30 30 9500  40000  9500  40000  27  12    12    1-32
    12xlarge   48  48 1 196608  20      8  30 30 14250 50000  14250 50000  27  20    20    1-48
    16xlarge   64  64 1 262144  25      15 50 50 19000 80000  19000 80000  27  25    25    1-64
    metal      64  64 1 262144  25      15 50 50 19000 80000  19000 80000  31  25    25    -
    """,
    "m7i": """
    large      2   1  2 8192    u12.5   3  10 10 650   3600   10000 40000  32  0.781 12.5  1
    xlarge     4   2  2 16384   u12.5   4  15 15 1250  6000   10000 40000  32  1.562 12.5  1-2
    2xlarge    8   4  2 32768   u12.5   4  15 15 2500  12000  10000 40000  32  3.125 12.5  1-4
    4xlarge    16  8  2 65536   u12.5   8  30 30 5000  20000  10000 40000  32  6.25  12.5  1-8
    8xlarge    32  16 2 131072  12.5    8  30 30 10000 40000  10000 40000  32  12.5  12.5  1-16
    12xlarge   48  24 2 196608  18.75   8  30 30 15000 60000  15000 60000  32  18.75 18.75 1-24           srd
    16xlarge   64  32 2 262144  25      15 50 50 20000 80000  20000 80000  48  25    25    1-32           srd
    24xlarge   96  48 2 393216  37.5    15 50 50 30000 120000 30000 120000 64  37.5  37.5  1-48           srd,-dh
    48xlarge   192 96 2 786432  50      15 50 50 40000 240000 40000 240000 128 50    50    4-96:2         efa,srd,-dh
    metal-24xl 96  48 2 393216  37.5    15 50 50 30000 120000 30000 120000 39  37.5  37.5  -              srd,-dh
    metal-48xl 192 96 2 786432  50      15 50 50 40000 240000 40000 240000 79  50    50    -              efa,srd
    """,
    "m7g": """
    medium     1   1  1 4096    u12.5   2  4  4  315   2500   10000 40000  27  0.52  12.5  -
    large      2   2  1 8192    u12.5   3  10 10 630   3600   10000 40000  27  0.937 12.5  1-2
    xlarge     4   4  1 16384   u12.5   4  15 15 1250  6000   10000 40000  27  1.876 12.5  1-4
    2xlarge    8   8  1 32768   u15     4  15 15 2500  12000  10000 40000  27  3.75  15    1-8
    4xlarge    16  16 1 65536   u15     8  30 30 5000  20000  10000 40000  27  7.5   15    1-16
    8xlarge    32  32 1 131072  15      8  30 30 10000 40000  10000 40000  27  15    15    1-32
    12xlarge   48  48 1 196608  22.5    8  30 30 15000 60000  15000 60000  27  22.5  22.5  1-48           srd
    16xlarge   64  64 1 262144  30      15 50 50 20000 80000  20000 80000  27  30    30    1-64           efa,srd
    metal      64  64 1 262144  30      15 50 50 20000 80000  20000 80000  31  30    30    -              efa,srd
    """,
    "c5": """
    large      2   1  2 4096    u10     3  10 10 650   4000   4750  20000  27  0.75  10    1
    xlarge     4   2  2 8192    u10     4  15 15 1150  6000   4750  20000  27  1.25  10    2
    2xlarge    8   4  2 16384   u10     4  15 15 2300  10000  4750  20000  27  2.5   10    2-4:2
    4xlarge    16  8  2 32768   u10     8  30 30 4750  20000  4750  20000  27  5     10    2-8:2
    9xlarge    36  18 2 73728   12      8  30 30 9500  40000  9500  40000  27  12    12    2-18:2
    12xlarge   48  24 2 98304   12      8  30 30 9500  40000  9500  40000  27  12    12    2-24:2         ghz=3.6
    18xlarge   72  36 2 147456  25      15 50 50 19000 80000  19000 80000  27  25    25    4-36:2
    24xlarge   96  48 2 196608  25      15 50 50 19000 80000  19000 80000  27  25    25    2-48:2         -dh,ghz=3.6
    metal      96  48 2 196608  25      15 50 50 19000 80000  19000 80000  31  25    25    -              -dh,ghz=3.6
    """,
    "c6i": """
    large      2   1  2 4096    u12.5   3  10 10 650   3600   10000 40000  27  0.781 12.5  1
    xlarge     4   2  2 8192    u12.5   4  15 15 1250  6000   10000 40000  27  1.562 12.5  1-2
    2xlarge    8   4  2 16384   u12.5   4  15 15 2500  12000  10000 40000  27  3.125 12.5  2-4:2
    4xlarge    16  8  2 32768   u12.5   8  30 30 5000  20000  10000 40000  27  6.25  12.5  2-8:2
    8xlarge    32  16 2 65536   12.5    8  30 30 10000 40000  10000 40000  27  12.5  12.5  2-16:2         srd
    12xlarge   48  24 2 98304   18.75   8  30 30 15000 60000  15000 60000  27  18.75 18.75 2-24:2         srd
    16xlarge   64  32 2 131072  25      15 50 50 20000 80000  20000 80000  27  25    25    2-32:2         srd
    24xlarge   96  48 2 196608  37.5    15 50 50 30000 120000 30000 120000 27  37.5  37.5  2-48:2         srd
    32xlarge   128 64 2 262144  50      15 50 50 40000 160000 40000 160000 27  50    50    2-64:2         efa,srd
    metal      128 64 2 262144  50      15 50 50 40000 160000 40000 160000 31  50    50    -              efa,srd
    """,
    "c6g": """
    medium     1   1  1 2048    u10     2  4  4  315   2500   4750  20000  27  0.5   10    -
    large      2   2  1 4096    u10     3  10 10 630   3600   4750  20000  27  0.75  10    1-2
    xlarge     4   4  1 8192    u10     4  15 15 1188  6000   4750  20000  27  1.25  10    1-4
    2xlarge    8   8  1 16384   u10     4  15 15 2375  12000  4750  20000  27  2.5   10    1-8
    4xlarge    16  16 1 32768   u10     8  30 30 4750  20000  4750  20000  27  5     10    1-16
    8xlarge    32  32 1 65536   12      8  30 30 9500  40000  9500  40000  27  12    12    1-32
    12xlarge   48  48 1 98304   20      8  30 30 14250 50000  14250 50000  27  20    20    1-48
    16xlarge   64  64 1 131072  25      15 50 50 19000 80000  19000 80000  27  25    25    1-64
    metal      64  64 1 131072  25      15 50 50 19000 80000  19000 80000  31  25    25    -
    """,
    "c7g": """
    medium     1   1  1 2048    u12.5   2  4  4  315   2500   10000 40000  27  0.52  12.5  -
    large      2   2  1 4096    u12.5   3  10 10 630   3600   10000 40000  27  0.937 12.5  1-2
    xlarge     4   4  1 8192    u12.5   4  15 15 1250  6000   10000 40000  27  1.876 12.5  1-4
    2xlarge    8   8  1 16384   u15     4  15 15 2500  12000  10000 40000  27  3.75  15    1-8
    4xlarge    16  16 1 32768   u15     8  30 30 5000  20000  10000 40000  27  7.5   15    1-16
    8xlarge    32  32 1 65536   15      8  30 30 10000 40000  10000 40000  27  15    15    1-32
    12xlarge   48  48 1 98304   22.5    8  30 30 15000 60000  15000 60000  27  22.5  22.5  1-48           srd
    16xlarge   64  64 1 131072  30      15 50 50 20000 80000  20000 80000  27  30    30    1-64           efa,srd
    metal      64  64 1 131072  30      15 50 50 20000 80000  20000 80000  31  30    30    -              efa,srd
    """,
    "r5": """
    large      2   1  2 16384   u10     3  10 10 650   3600   4750  18750  27  0.75  10    1
    xlarge     4   2  2 32768   u10     4  15 15 1150  6000   4750  18750  27  1.25  10    2
    2xlarge    8   4  2 65536   u10     4  15 15 2300  12000  4750  18750  27  2.5   10    2-4:2
    4xlarge    16  8  2 131072  u10     8  30 30 4750  18750  4750  18750  27  5     10    2-8:2
    8xlarge    32  16 2 262144  10      8  30 30 6800  30000  6800  30000  27  10    10    2-16:2
    12xlarge   48  24 2 393216  12      8  30 30 9500  40000  9500  40000  27  12    12    2-24:2
    16xlarge   64  32 2 524288  20      15 50 50 13600 60000  13600 60000  27  20    20    2-32:2
    24xlarge   96  48 2 786432  25      15 50 50 19000 80000  19000 80000  27  25    25    4-48:2
    metal      96  48 2 786432  25      15 50 50 19000 80000  19000 80000  31  25    25    -
    """,
    "r6i": """
    large      2   1  2 16384   u12.5   3  10 10 650   3600   10000 40000  27  0.781 12.5  1
    xlarge     4   2  2 32768   u12.5   4  15 15 1250  6000   10000 40000  27  1.562 12.5  1-2
    2xlarge    8   4  2 65536   u12.5   4  15 15 2500  12000  10000 40000  27  3.125 12.5  2-4:2
    4xlarge    16  8  2 131072  u12.5   8  30 30 5000  20000  10000 40000  27  6.25  12.5  2-8:2
    8xlarge    32  16 2 262144  12.5    8  30 30 10000 40000  10000 40000  27  12.5  12.5  2-16:2         srd
    12xlarge   48  24 2 393216  18.75   8  30 30 15000 60000  15000 60000  27  18.75 18.75 2-24:2         srd
    16xlarge   64  32 2 524288  25      15 50 50 20000 80000  20000 80000  27  25    25    2-32:2         srd
    24xlarge   96  48 2 786432  37.5    15 50 50 30000 120000 30000 120000 27  37.5  37.5  2-48:2         srd
    32xlarge   128 64 2 1048576 50      15 50 50 40000 160000 40000 160000 27  50    50    2-64:2         efa,srd
    metal      128 64 2 1048576 50      15 50 50 40000 160000 40000 160000 31  50    50    -              efa,srd
    """,
    "r6g": """
    medium     1   1  1 8192    u10     2  4  4  315   2500   4750  20000  27  0.5   10    -
    large      2   2  1 16384   u10     3  10 10 630   3600   4750  20000  27  0.75  10    1-2
    xlarge     4   4  1 32768   u10     4  15 15 1188  6000   4750  20000  27  1.25  10    1-4
    2xlarge    8   8  1 65536   u10     4  15 15 2375  12000  4750  20000  27  2.5   10    1-8
    4xlarge    16  16 1 131072  u10     8  30 30 4750  20000  4750  20000  27  5     10    1-16
    8xlarge    32  32 1 262144  12      8  30 30 9500  40000  9500  40000  27  12    12    1-32
    12xlarge   48  48 1 393216  20      8  30 30 14250 50000  14250 50000  27  20    20    1-48
    16xlarge   64  64 1 524288  25      15 50 50 19000 80000  19000 80000  27  25    25    1-64
    metal      64  64 1 524288  25      15 50 50 19000 80000  19000 80000  31  25    25    -
    """,
    "r7g": """
    medium     1   1  1 8192    u12.5   2  4  4  315   2500   10000 40000  27  0.52  12.5  -
    large      2   2  1 16384   u12.5   3  10 10 630   3600   10000 40000  27  0.937 12.5  1-2
    xlarge     4   4  1 32768   u12.5   4  15 15 1250  6000   10000 40000  27  1.876 12.5  1-4
    2xlarge    8   8  1 65536   u15     4  15 15 2500  12000  10000 40000  27  3.75  15    1-8
    4xlarge    16  16 1 131072  u15     8  30 30 5000  20000  10000 40000  27  7.5   15    1-16
    8xlarge    32  32 1 262144  15      8  30 30 10000 40000  10000 40000  27  15    15    1-32
    12xlarge   48  48 1 393216  22.5    8  30 30 15000 60000  15000 60000  27  22.5  22.5  1-48           srd
    16xlarge   64  64 1 524288  30      15 50 50 20000 80000  20000 80000  27  30    30    1-64           efa,srd
    metal      64  64 1 524288  30      15 50 50 20000 80000  20000 80000  31  30    30    -              efa,srd
    """,
    "i3": """
    large      2   1  2 15616   u10     3  10 10 425   3000   425   3000   40  0.75  10    1              disk=1x475
    xlarge     4   2  2 31232   u10     4  15 15 850   6000   850   6000   40  1.25  10    1-2            disk=1x950
    2xlarge    8   4  2 62464   u10     4  15 15 1700  12000  1700  12000  40  2.5   10    1-4            disk=1x1900
    4xlarge    16  8  2 124928  u10     8  30 30 3500  16000  3500  16000  40  5     10    1-8            disk=2x1900
    8xlarge    32  16 2 249856  10      8  30 30 7000  32500  7000  32500  40  12    12    1-16           disk=4x1900
    16xlarge   64  32 2 499712  25      15 50 50 14000 65000  14000 65000  40  25    25    2-32:2         disk=8x1900
    """,
    "g4dn": """
    xlarge     4   2  2 16384   u25     3  10 10 950   3000   3500  20000  25  5     25    2              disk=1x125,gpu=1
    2xlarge    8   4  2 32768   u25     3  10 10 1150  6000   3500  20000  25  10    25    2-4:2          disk=1x225,gpu=1
    4xlarge    16  8  2 65536   u25     3  10 10 4750  20000  4750  20000  25  20    25    2-8:2          disk=1x225,gpu=1
    8xlarge    32  16 2 131072  50      4  15 15 9500  40000  9500  40000  25  50    50    2-16:2         efa,disk=1x900,gpu=1
    12xlarge   48  24 2 196608  50      8  30 30 9500  40000  9500  40000  22  50    50    2-24:2         efa,+dh,disk=1x900,gpu=4
    16xlarge   64  32 2 262144  50      4  15 15 9500  40000  9500  40000  25  50    50    2-32:2         efa,disk=1x900,gpu=1
    metal      96  48 2 393216  100     15 50 50 19000 80000  19000 80000  31  100   100   -              efa,+dh,disk=2x900,gpu=8
    """,
    "p3": """
    2xlarge    8   4  2 62464   u10     4  15 15 1750  10000  1750  10000  40  2.5   10    1-4            gpu=1
    """,
    "p3dn": """
    24xlarge   96  48 2 786432  100     15 50 50 19000 80000  19000 80000  17  100   100   4-48:2         efa,disk=2x900,gpu=8
    """,
    "p4d": """
    24xlarge   96  48 2 1179648 400     60 50 50 19000 80000  19000 80000  28  100   100   -              od-only,efa,disk=8x1000,gpu=8
    """,
    "p4de": """
    24xlarge   96  48 2 1179648 400     60 50 50 19000 80000  19000 80000  28  100   100   -              od-only,efa,disk=8x1000,gpu=8
    """,
    "p5": """
    48xlarge   192 96 2 2097152 3200    64 50 50 80000 260000 80000 260000 32  100   100   -              od-only,efa,disk=8x3840,gpu=8
    """,
    "p5e": """
    48xlarge   192 96 2 2097152 3200    64 50 50 80000 260000 80000 260000 32  100   100   -              od-only,efa,disk=8x3840,gpu=8
    """,
    "p5en": """
    48xlarge   192 96 2 2097152 3200    64 50 50 100000 400000 100000 400000 32 200  200   -              od-only,efa,disk=8x3840,gpu=8
    """,
    "trn1": """
    32xlarge   128 64 2 524288  800     40 50 50 80000 260000 80000 260000 28  100   100   -              od-only,efa,disk=4x1900
    """,
    "trn2": """
    48xlarge   192 96 2 2097152 3200    64 50 50 80000 260000 80000 260000 32  200   200   -              od-only,efa,disk=4x1900
    """,
    "g4ad": """
    8xlarge    32  16 2 131072  15      4  15 15 3170  13333  3170  13333  24  15    15    2,4,8,16       disk=1x1200,gpu=2
    """,
    "a1": """
    medium     1   1  1 2048    u10     2  4  4  300   2500   3500  20000  27  0.5   10    -
    large      2   2  1 4096    u10     3  10 10 525   4000   3500  20000  27  0.75  10    -
    xlarge     4   4  1 8192    u10     4  15 15 800   6000   3500  20000  27  1.25  10    -
    2xlarge    8   8  1 16384   u10     4  15 15 1750  10000  3500  20000  27  2.5   10    -
    4xlarge    16  16 1 32768   u10     8  30 30 3500  20000  3500  20000  27  5     10    -
    metal      16  16 1 32768   u10     8  30 30 3500  20000  3500  20000  31  5     10    -
    """,
    # previous generations
    "t1": """
    micro      1   1  1 627     very-low 2 2  0  -     -      -     -      40  0.1   0.1   -              i386
    """,
    "m1": """
    small      1   1  1 1740    low     2  4  0  -     -      -     -      40  0.3   0.3   -              i386,hdd=1x160
    medium     1   1  1 3788    mod     2  6  0  -     -      -     -      40  0.5   0.5   -              i386,hdd=1x410
    large      2   2  1 7680    mod     3  10 0  500   4000   500   4000   40  0.5   0.5   -              hdd=2x420
    xlarge     4   4  1 15360   high    4  15 0  1000  8000   1000  8000   40  1     1     -              hdd=4x420
    """,
    "c4": """
    large      2   1  2 3840    mod     3  10 10 500   4000   500   4000   40  0.625 0.625 1
    xlarge     4   2  2 7680    high    4  15 15 750   6000   750   6000   40  1.25  1.25  1-2
    2xlarge    8   4  2 15360   high    4  15 15 1000  8000   1000  8000   40  2.5   2.5   1-4
    4xlarge    16  8  2 30720   high    8  30 30 2000  16000  2000  16000  40  5     5     1-8
    8xlarge    36  18 2 61440   10      8  30 30 4000  32000  4000  32000  40  10    10    1-18
    """,
}

# The families whose types offer configurable bandwidth weighting (NetworkInfo's
# `BandwidthWeightings`: default, vpc-1, ebs-1), from AWS's "EC2 instance bandwidth weighting
# configuration" page; none of them is in `SIZES` yet, so no catalogued type offers it.
BANDWIDTH_WEIGHTING_FAMILIES = frozenset({
    "m8a", "m8g", "m8gd", "m8i", "m8id", "m8i-flex", "c8a", "c8g", "c8gd", "c8i", "c8id",
    "c8i-flex", "r8a", "r8g", "r8gd", "r8i", "r8id", "r8i-flex", "x8g", "x8aedz", "x8i"})
BANDWIDTH_WEIGHTINGS = ["default", "vpc-1", "ebs-1"]

# Where a family is not offered. Zone names, not ids: our zone ids are a fixed mapping
# (`topology.regions`), and AWS's well-known gaps are reported by name (e.g. us-east-1e,
# which offers only the older families).
ZONE_LIMITS: dict[str, frozenset[str]] = {   # zone -> families NOT offered there
    "us-east-1e": frozenset(FAMILIES) - {"t1", "m1", "c4", "t2", "i3"},
    "us-west-2d": frozenset({"t2", "g4dn", "p3"}),
    "ca-central-1d": frozenset({"t2", "t3a", "g4dn", "p3"}),
    "sa-east-1b": frozenset({"t2"}),
    "ap-south-1b": frozenset({"t2"}),
    "me-south-1a": frozenset({"g4dn"}),
}
# the regions that had EC2 before 2014: the only ones with the first generation (t1, m1)
_FIRST_REGIONS = frozenset({"us-east-1", "us-west-1", "us-west-2", "eu-west-1", "sa-east-1",
                            "ap-northeast-1", "ap-southeast-1", "ap-southeast-2"})
# family -> regions where it is not offered at all (regions opened after it was superseded)
REGION_LIMITS: dict[str, frozenset[str]] = {
    "c4": frozenset({"eu-north-1", "eu-south-1", "eu-south-2", "eu-central-2", "af-south-1",
                     "ap-east-1", "ap-south-2", "ap-southeast-3", "ap-southeast-4",
                     "ap-northeast-3", "me-south-1", "me-central-1", "il-central-1",
                     "ca-west-1"}),
    "t2": frozenset({"eu-north-1", "me-south-1", "me-central-1", "il-central-1",
                     "ap-southeast-4", "eu-central-2", "eu-south-2", "ap-south-2",
                     "ca-west-1"}),
    "t3a": frozenset({"eu-north-1", "me-south-1"}),
    "m5a": frozenset({"eu-north-1", "me-south-1"}),
    "m7i": frozenset({"me-south-1"}),
}
# the only regions that offer a family (where not every region does)
REGIONS_ONLY: dict[str, frozenset[str]] = {
    "t1": _FIRST_REGIONS,
    "m1": _FIRST_REGIONS,
    "p3": frozenset({"us-east-1", "us-east-2", "us-west-2", "ca-central-1", "eu-central-1",
                     "eu-west-1", "eu-west-2", "ap-northeast-1", "ap-northeast-2",
                     "ap-southeast-1", "ap-southeast-2"}),
    "p3dn": frozenset({"us-east-1", "us-west-2", "eu-west-1", "ap-northeast-1"}),
    # the regions AWS lists for Capacity Blocks of each family
    "p4d": frozenset({"us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1",
                      "ap-northeast-1", "ap-northeast-2", "ap-southeast-1"}),
    "p4de": frozenset({"us-east-1", "us-west-2"}),
    "p5": frozenset({"us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-north-1",
                     "eu-west-2", "ap-northeast-1", "ap-south-1", "ap-southeast-2",
                     "ap-southeast-3", "sa-east-1"}),
    "p5e": frozenset({"us-east-2", "us-west-2"}),
    "p5en": frozenset({"us-east-1", "us-east-2", "us-west-2", "ap-northeast-1",
                       "ap-southeast-3", "eu-north-1"}),
    "trn1": frozenset({"us-east-1", "us-east-2", "us-west-2", "ap-northeast-1",
                       "ap-south-1", "eu-north-1"}),
    "trn2": frozenset({"us-east-2", "us-west-2"}),
    "g4ad": frozenset({"us-east-1", "us-east-2", "us-west-2", "ca-central-1", "eu-central-1",
                       "eu-west-1", "eu-west-2", "ap-northeast-1"}),
    "a1": frozenset({"us-east-1", "us-east-2", "us-west-2", "eu-central-1", "eu-west-1",
                     "ap-northeast-1", "ap-south-1", "ap-southeast-1", "ap-southeast-2"}),
}
