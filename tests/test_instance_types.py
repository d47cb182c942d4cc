"""Instance types and their offerings through boto3, in-process and against the server."""
from __future__ import annotations

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from topology.catalogue import instance_types
from helpers import error


def one(ec2, name: str) -> dict:
    found = ec2.describe_instance_types(InstanceTypes=[name])["InstanceTypes"]
    assert [t["InstanceType"] for t in found] == [name]
    return found[0]


def names(answer: dict) -> list[str]:
    return [t["InstanceType"] for t in answer["InstanceTypes"]]


def all_types(ec2, **kwargs) -> list[str]:
    pages = ec2.get_paginator("describe_instance_types").paginate(**kwargs)
    return [t["InstanceType"] for page in pages for t in page["InstanceTypes"]]


# -- facts ----------------------------------------------------------------------------------------
def test_t2_micro_is_aws_t2_micro(ec2):
    info = one(ec2, "t2.micro")
    assert info["VCpuInfo"] == {"DefaultVCpus": 1, "DefaultCores": 1, "DefaultThreadsPerCore": 1}
    assert info["MemoryInfo"] == {"SizeInMiB": 1024}
    assert info["Hypervisor"] == "xen"
    assert info["FreeTierEligible"] is True
    assert info["BurstablePerformanceSupported"] is True
    assert info["CurrentGeneration"] is True
    assert info["BareMetal"] is False
    assert info["ProcessorInfo"] == {"SupportedArchitectures": ["i386", "x86_64"],
                                     "SustainedClockSpeedInGhz": 2.5, "Manufacturer": "Intel"}
    assert info["SupportedUsageClasses"] == ["on-demand", "spot"]
    assert info["SupportedVirtualizationTypes"] == ["hvm"]
    assert info["EbsInfo"]["EbsOptimizedSupport"] == "unsupported"
    assert info["EbsInfo"]["EncryptionSupport"] == "supported"
    assert info["EbsInfo"]["NvmeSupport"] == "unsupported"
    net = info["NetworkInfo"]
    assert (net["NetworkPerformance"], net["MaximumNetworkInterfaces"],
            net["Ipv4AddressesPerInterface"], net["Ipv6AddressesPerInterface"],
            net["Ipv6Supported"], net["EnaSupport"]) == ("Low to Moderate", 2, 2, 2, True,
                                                         "unsupported")
    assert info["PlacementGroupInfo"]["SupportedStrategies"] == ["partition", "spread"]
    assert "InstanceStorageInfo" not in info and info["InstanceStorageSupported"] is False


# type, vCPUs, cores, threads, MiB, network, ENIs, IPv4/ENI, IPv6/ENI, architecture, hypervisor
FACTS = [
    ("t2.nano", 1, 1, 1, 512, "Low to Moderate", 2, 2, 2, "x86_64", "xen"),
    ("t2.2xlarge", 8, 8, 1, 32768, "Moderate", 3, 15, 15, "x86_64", "xen"),
    ("t3.micro", 2, 1, 2, 1024, "Up to 5 Gigabit", 2, 2, 2, "x86_64", "nitro"),
    ("t3.xlarge", 4, 2, 2, 16384, "Up to 5 Gigabit", 4, 15, 15, "x86_64", "nitro"),
    ("t3a.small", 2, 1, 2, 2048, "Up to 5 Gigabit", 2, 4, 4, "x86_64", "nitro"),
    ("t4g.large", 2, 2, 1, 8192, "Up to 5 Gigabit", 3, 12, 12, "arm64", "nitro"),
    ("m5.large", 2, 1, 2, 8192, "Up to 10 Gigabit", 3, 10, 10, "x86_64", "nitro"),
    ("m5.4xlarge", 16, 8, 2, 65536, "Up to 10 Gigabit", 8, 30, 30, "x86_64", "nitro"),
    ("m5a.2xlarge", 8, 4, 2, 32768, "Up to 10 Gigabit", 4, 15, 15, "x86_64", "nitro"),
    ("m6i.xlarge", 4, 2, 2, 16384, "Up to 12.5 Gigabit", 4, 15, 15, "x86_64", "nitro"),
    ("m6g.medium", 1, 1, 1, 4096, "Up to 10 Gigabit", 2, 4, 4, "arm64", "nitro"),
    ("m7i.large", 2, 1, 2, 8192, "Up to 12.5 Gigabit", 3, 10, 10, "x86_64", "nitro"),
    ("m7g.xlarge", 4, 4, 1, 16384, "Up to 12.5 Gigabit", 4, 15, 15, "arm64", "nitro"),
    ("c5.large", 2, 1, 2, 4096, "Up to 10 Gigabit", 3, 10, 10, "x86_64", "nitro"),
    ("c5.9xlarge", 36, 18, 2, 73728, "12 Gigabit", 8, 30, 30, "x86_64", "nitro"),
    ("c6i.2xlarge", 8, 4, 2, 16384, "Up to 12.5 Gigabit", 4, 15, 15, "x86_64", "nitro"),
    ("c6g.large", 2, 2, 1, 4096, "Up to 10 Gigabit", 3, 10, 10, "arm64", "nitro"),
    ("c7g.4xlarge", 16, 16, 1, 32768, "Up to 15 Gigabit", 8, 30, 30, "arm64", "nitro"),
    ("r5.large", 2, 1, 2, 16384, "Up to 10 Gigabit", 3, 10, 10, "x86_64", "nitro"),
    ("r6i.4xlarge", 16, 8, 2, 131072, "Up to 12.5 Gigabit", 8, 30, 30, "x86_64", "nitro"),
    ("r6g.xlarge", 4, 4, 1, 32768, "Up to 10 Gigabit", 4, 15, 15, "arm64", "nitro"),
    ("r7g.2xlarge", 8, 8, 1, 65536, "Up to 15 Gigabit", 4, 15, 15, "arm64", "nitro"),
    ("m5.16xlarge", 64, 32, 2, 262144, "20 Gigabit", 15, 50, 50, "x86_64", "nitro"),
    ("i3.large", 2, 1, 2, 15616, "Up to 10 Gigabit", 3, 10, 10, "x86_64", "xen"),
    ("g4dn.xlarge", 4, 2, 2, 16384, "Up to 25 Gigabit", 3, 10, 10, "x86_64", "nitro"),
    ("g4dn.2xlarge", 8, 4, 2, 32768, "Up to 25 Gigabit", 3, 10, 10, "x86_64", "nitro"),
    ("p3.2xlarge", 8, 4, 2, 62464, "Up to 10 Gigabit", 4, 15, 15, "x86_64", "xen"),
]


@pytest.mark.parametrize("name, vcpus, cores, threads, mib, network, enis, ipv4, ipv6, arch, hv",
                         FACTS)
def test_catalogue_holds_aws_facts(ec2, name, vcpus, cores, threads, mib, network, enis, ipv4,
                                   ipv6, arch, hv):
    info = one(ec2, name)
    cpu, net = info["VCpuInfo"], info["NetworkInfo"]
    assert (cpu["DefaultVCpus"], cpu["DefaultCores"], cpu["DefaultThreadsPerCore"]) == \
        (vcpus, cores, threads)
    assert info["MemoryInfo"]["SizeInMiB"] == mib
    assert net["NetworkPerformance"] == network
    assert (net["MaximumNetworkInterfaces"], net["Ipv4AddressesPerInterface"],
            net["Ipv6AddressesPerInterface"]) == (enis, ipv4, ipv6)
    assert arch in info["ProcessorInfo"]["SupportedArchitectures"]
    assert info["Hypervisor"] == hv


def test_nitro_and_xen_storage_and_gpu_facts(ec2):
    m5 = one(ec2, "m5.large")
    assert m5["EbsInfo"]["EbsOptimizedSupport"] == "default"
    assert m5["EbsInfo"]["NvmeSupport"] == "required"
    assert m5["NetworkInfo"]["EnaSupport"] == "required"
    assert m5["EbsInfo"]["EbsOptimizedInfo"] == {
        "BaselineBandwidthInMbps": 650, "BaselineThroughputInMBps": 81.25, "BaselineIops": 3600,
        "MaximumBandwidthInMbps": 4750, "MaximumThroughputInMBps": 593.75, "MaximumIops": 18750}
    assert m5["ProcessorInfo"]["SustainedClockSpeedInGhz"] == 3.1
    assert m5["SupportedBootModes"] == ["legacy-bios", "uefi"]
    i3 = one(ec2, "i3.4xlarge")
    assert i3["InstanceStorageSupported"] is True
    assert i3["InstanceStorageInfo"] == {"TotalSizeInGB": 3800, "Disks": [
        {"SizeInGB": 1900, "Count": 2, "Type": "ssd"}], "NvmeSupport": "required",
        "EncryptionSupport": "required"}
    assert i3["NetworkInfo"]["EnaSupport"] == "supported"
    g4 = one(ec2, "g4dn.xlarge")
    assert g4["GpuInfo"]["Gpus"] == [{"Name": "T4", "Manufacturer": "NVIDIA", "Count": 1,
                                      "LogicalGpuCount": 1, "GpuPartitionSize": 1.0,
                                      "Workloads": ["graphics", "ml-ai"],
                                      "MemoryInfo": {"SizeInMiB": 16384}}]
    assert g4["InstanceStorageInfo"]["TotalSizeInGB"] == 125
    p3 = one(ec2, "p3.2xlarge")
    assert p3["GpuInfo"]["Gpus"][0]["Name"] == "V100"
    graviton = one(ec2, "m6g.large")
    assert graviton["ProcessorInfo"]["Manufacturer"] == "AWS"
    assert graviton["SupportedBootModes"] == ["uefi"]
    assert graviton["VCpuInfo"]["ValidThreadsPerCore"] == [1]
    metal = one(ec2, "m5.metal")
    assert metal["BareMetal"] is True and "Hypervisor" not in metal


def test_derived_rules(ec2):
    # hibernation needs less than 150 GiB of memory; enclaves need 4 vCPUs on x86
    assert one(ec2, "m5.8xlarge")["HibernationSupported"] is True
    assert one(ec2, "m5.12xlarge")["HibernationSupported"] is False
    assert one(ec2, "m5.large")["NitroEnclavesSupport"] == "unsupported"
    assert one(ec2, "m5.xlarge")["NitroEnclavesSupport"] == "supported"
    assert one(ec2, "c6g.large")["NitroEnclavesSupport"] == "supported"
    assert one(ec2, "t3.2xlarge")["NitroEnclavesSupport"] == "unsupported"
    assert one(ec2, "t3.micro")["NitroTpmSupport"] == "supported"
    assert one(ec2, "t2.micro")["NitroTpmSupport"] == "unsupported"
    assert one(ec2, "m5.2xlarge")["VCpuInfo"]["ValidCores"] == [2, 4]
    assert one(ec2, "t2.nano")["SupportedUsageClasses"] == ["on-demand"]


def test_several_types_in_catalogue_order_and_duplicates_once(ec2):
    found = names(ec2.describe_instance_types(InstanceTypes=["m5.large", "t2.micro",
                                                             "m5.large"]))
    assert found == ["t2.micro", "m5.large"]


def test_unknown_types_are_named(ec2):
    with pytest.raises(ClientError) as exc:
        ec2.describe_instance_types(InstanceTypes=["t2.micro", "t2.gigantic", "x9.large"])
    assert error(exc) == ("InvalidInstanceType",
                          "The following supplied instance types do not exist: "
                          "[t2.gigantic, x9.large]")
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_dry_run(ec2):
    with pytest.raises(ClientError) as exc:
        ec2.describe_instance_types(DryRun=True)
    assert error(exc)[0] == "DryRunOperation"


# -- filters --------------------------------------------------------------------------------------
def in_us_east_1() -> list[str]:
    """The catalogue's types us-east-1 offers (a few, such as p5e and trn2, it does not)."""
    return [n for n in instance_types.names() if instance_types.in_region("us-east-1", n)]


@pytest.mark.parametrize("filters, expected", [
    ([{"Name": "instance-type", "Values": ["t3.*"]}],
     ["t3.nano", "t3.micro", "t3.small", "t3.medium", "t3.large", "t3.xlarge", "t3.2xlarge"]),
    ([{"Name": "free-tier-eligible", "Values": ["true"]}], ["t2.micro", "t3.micro"]),
    ([{"Name": "instance-type", "Values": ["t2.nano", "p3.2xlarge"]}], ["t2.nano", "p3.2xlarge"]),
    ([{"Name": "instance-storage-supported", "Values": ["true"]},
      {"Name": "instance-storage-info.disk.count", "Values": ["8"]},
      {"Name": "instance-type", "Values": ["i*"]}], ["i3.16xlarge"]),
    ([{"Name": "memory-info.size-in-mib", "Values": ["512"]},
      {"Name": "processor-info.supported-architecture", "Values": ["arm64"]}], ["t4g.nano"]),
    ([{"Name": "network-info.maximum-network-interfaces", "Values": ["2"]},
      {"Name": "hypervisor", "Values": ["xen"]}],
     ["t2.nano", "t2.micro", "t1.micro", "m1.small", "m1.medium"]),
    ([{"Name": "vcpu-info.default-vcpus", "Values": ["36"]}], ["c5.9xlarge", "c4.8xlarge"]),
    ([{"Name": "processor-info.sustained-clock-speed-in-ghz", "Values": ["2.2"]}],
     ["t3a.nano", "t3a.micro", "t3a.small", "t3a.medium", "t3a.large", "t3a.xlarge",
      "t3a.2xlarge"]),
    ([{"Name": "network-info.ipv4-addresses-per-interface", "Values": ["6"]},
      {"Name": "vcpu-info.default-cores", "Values": ["1"]}],
     ["t3.medium", "t3a.medium", "m1.medium"]),
    ([{"Name": "instance-type", "Values": ["g4dn.*"]},
      {"Name": "network-info.efa-supported", "Values": ["true"]},
      {"Name": "bare-metal", "Values": ["false"]}],
     ["g4dn.8xlarge", "g4dn.12xlarge", "g4dn.16xlarge"]),
    ([{"Name": "ebs-info.ebs-optimized-info.baseline-throughput-in-mbps", "Values": ["81.25"]},
      {"Name": "instance-type", "Values": ["m5.*"]}], ["m5.large"]),
    ([{"Name": "vcpu-info.valid-threads-per-core", "Values": ["1,2"]},
      {"Name": "instance-type", "Values": ["c6i.l*"]}], ["c6i.large"]),
])
def test_filters(ec2, filters, expected):
    assert all_types(ec2, Filters=filters) == expected


def test_boolean_and_enum_filters_partition_the_catalogue(ec2):
    every = all_types(ec2)
    burst = all_types(ec2, Filters=[{"Name": "burstable-performance-supported",
                                     "Values": ["true"]}])
    steady = all_types(ec2, Filters=[{"Name": "burstable-performance-supported",
                                      "Values": ["false"]}])
    assert sorted(burst + steady) == sorted(every)
    assert {n.split(".")[0] for n in burst} == {"t2", "t3", "t3a", "t4g"}
    xen = all_types(ec2, Filters=[{"Name": "hypervisor", "Values": ["xen"]}])
    assert {n.split(".")[0] for n in xen} == {"t1", "m1", "c4", "t2", "i3", "p3"}
    arm = all_types(ec2, Filters=[{"Name": "processor-info.supported-architecture",
                                   "Values": ["arm64"]}])
    assert {n.split(".")[0] for n in arm} == {"a1", "t4g", "m6g", "m7g", "c6g", "c7g", "r6g",
                                              "r7g"}
    metal = all_types(ec2, Filters=[{"Name": "bare-metal", "Values": ["true"]}])
    assert metal and all("metal" in n for n in metal)
    spot = all_types(ec2, Filters=[{"Name": "supported-usage-class", "Values": ["spot"]}])
    assert "t2.nano" not in spot and "t2.micro" in spot


def test_unknown_and_tag_filters_are_invalid(ec2):
    for name in ("bogus", "tag:Name", "tag-key"):
        with pytest.raises(ClientError) as exc:
            ec2.describe_instance_types(Filters=[{"Name": name, "Values": ["x"]}])
        assert error(exc) == ("InvalidParameterValue", f"The filter '{name}' is invalid")


# -- paging ---------------------------------------------------------------------------------------
def test_default_page_is_100_with_a_token(ec2):
    first = ec2.describe_instance_types()
    assert len(first["InstanceTypes"]) == 100 and first["NextToken"]
    assert names(first)[0] == "t2.nano"
    rest = ec2.describe_instance_types(NextToken=first["NextToken"])
    assert "NextToken" not in rest
    assert len(names(first) + names(rest)) == len(set(names(first) + names(rest)))
    assert sorted(names(first) + names(rest)) == sorted(in_us_east_1())


def test_small_pages_cover_everything_once(ec2):
    seen, token, pages = [], None, 0
    while True:
        kwargs = {"MaxResults": 7, **({"NextToken": token} if token else {})}
        answer = ec2.describe_instance_types(
            Filters=[{"Name": "instance-type", "Values": ["m*"]}], **kwargs)
        assert len(answer["InstanceTypes"]) <= 7
        seen += names(answer)
        pages += 1
        token = answer.get("NextToken")
        if not token:
            break
    expected = [n for n in instance_types.names() if n.startswith("m")]
    assert seen == expected and pages == -(-len(expected) // 7)


@pytest.mark.parametrize("value", [4, 101])
def test_max_results_bounds(mock, value):
    unchecked = boto3.client("ec2", region_name="us-east-1",
                             config=Config(parameter_validation=False))
    with pytest.raises(ClientError) as exc:
        unchecked.describe_instance_types(MaxResults=value)
    assert error(exc) == ("InvalidParameterValue",
                          f"Value ( {value} ) for parameter MaxResults is invalid. "
                          "Parameter must be between 5 and 100.")


def test_bad_token(ec2):
    for token in ("garbage", ec2.describe_instance_type_offerings(MaxResults=5)["NextToken"]):
        with pytest.raises(ClientError) as exc:
            ec2.describe_instance_types(NextToken=token)
        assert error(exc) == ("InvalidPaginationToken",
                              "The specified pagination token is not valid or is expired.")


# -- regions and offerings ------------------------------------------------------------------------
def test_types_a_region_does_not_offer(mock):
    stockholm = boto3.client("ec2", region_name="eu-north-1")
    assert "t2.micro" not in all_types(stockholm)
    assert "t3.micro" in all_types(stockholm)
    with pytest.raises(ClientError) as exc:
        stockholm.describe_instance_types(InstanceTypes=["t2.micro"])
    assert error(exc) == ("InvalidInstanceType",
                          "The following supplied instance types do not exist: [t2.micro]")
    found = stockholm.describe_instance_types(InstanceTypes=["t2.micro", "t3.micro"],
                                              IncludeUnsupportedInRegion=True)["InstanceTypes"]
    assert [(t["InstanceType"], t["SupportedInRegion"]) for t in found] == [
        ("t2.micro", False), ("t3.micro", True)]


def test_region_offerings_by_default(ec2):
    offers = ec2.describe_instance_type_offerings()["InstanceTypeOfferings"]
    assert {(o["LocationType"], o["Location"]) for o in offers} == {("region", "us-east-1")}
    assert sorted(o["InstanceType"] for o in offers) == sorted(in_us_east_1())


def test_zone_offerings_leave_gaps_like_aws(ec2):
    offers = ec2.describe_instance_type_offerings(
        LocationType="availability-zone",
        Filters=[{"Name": "instance-type", "Values": ["t3.micro", "t2.micro"]}],
    )["InstanceTypeOfferings"]
    by_zone: dict[str, set[str]] = {}
    for o in offers:
        assert o["LocationType"] == "availability-zone"
        by_zone.setdefault(o["Location"], set()).add(o["InstanceType"])
    assert by_zone["us-east-1a"] == {"t2.micro", "t3.micro"}
    assert by_zone["us-east-1e"] == {"t2.micro"}
    assert len(by_zone) == 6


def test_zone_id_offerings_and_location_filter(ec2):
    offers = ec2.describe_instance_type_offerings(
        LocationType="availability-zone-id",
        Filters=[{"Name": "location", "Values": ["use1-az1"]},
                 {"Name": "instance-type", "Values": ["c7g.*"]}])["InstanceTypeOfferings"]
    assert [o["Location"] for o in offers] == ["use1-az1"] * 9
    assert offers[0] == {"InstanceType": "c7g.medium", "LocationType": "availability-zone-id",
                         "Location": "use1-az1"}
    elsewhere = ec2.describe_instance_type_offerings(
        Filters=[{"Name": "location", "Values": ["eu-west-1"]}])["InstanceTypeOfferings"]
    assert elsewhere == []
    assert ec2.describe_instance_type_offerings(LocationType="outpost")[
        "InstanceTypeOfferings"] == []


def test_offerings_paging_and_errors(ec2):
    seen, token = [], None
    while True:
        answer = ec2.describe_instance_type_offerings(
            LocationType="availability-zone", MaxResults=100,
            **({"NextToken": token} if token else {}))
        seen += [(o["Location"], o["InstanceType"]) for o in answer["InstanceTypeOfferings"]]
        token = answer.get("NextToken")
        if not token:
            break
    everything = ec2.describe_instance_type_offerings(LocationType="availability-zone",
                                                      MaxResults=1000)
    assert seen == [(o["Location"], o["InstanceType"])
                    for o in everything["InstanceTypeOfferings"]]
    assert len(seen) == len(set(seen)) > 100
    with pytest.raises(ClientError) as exc:
        ec2.describe_instance_type_offerings(LocationType="galaxy")
    assert error(exc)[0] == "InvalidParameterValue"
    with pytest.raises(ClientError) as exc:
        ec2.describe_instance_type_offerings(Filters=[{"Name": "zone", "Values": ["x"]}])
    assert error(exc) == ("InvalidParameterValue", "The filter 'zone' is invalid")


# -- the contract other families call ----------------------------------------------------------
def test_contract_functions():
    info = instance_types.get("t3.micro")
    assert info["InstanceType"] == "t3.micro"
    info["MemoryInfo"]["SizeInMiB"] = 1
    assert instance_types.get("t3.micro")["MemoryInfo"]["SizeInMiB"] == 1024   # a copy
    assert instance_types.get("t3.gigantic") is None
    assert "p3.2xlarge" in instance_types.names()
    assert instance_types.offered("us-east-1", "region", "us-east-1", "t3.micro")
    assert not instance_types.offered("us-east-1", "region", "us-west-2", "t3.micro")
    assert instance_types.offered("us-east-1", "availability-zone", "us-east-1a", "t3.micro")
    assert not instance_types.offered("us-east-1", "availability-zone", "us-east-1e", "t3.micro")
    assert instance_types.offered("us-east-1", "availability-zone-id", "use1-az1", "m7g.large")
    assert not instance_types.offered("us-east-1", "availability-zone-id", "use1-az5", "m7g.large")
    assert not instance_types.offered("eu-north-1", "availability-zone", "eu-north-1a", "t2.micro")
    assert not instance_types.offered("us-east-1", "availability-zone", "us-east-1a", "t3.nope")
    assert instance_types.zones_offering("us-west-2", "g4dn.xlarge") == [
        "us-west-2a", "us-west-2b", "us-west-2c"]


def test_describe_against_server(server_ec2):
    info = server_ec2.describe_instance_types(InstanceTypes=["c6g.large"])["InstanceTypes"][0]
    assert info["ProcessorInfo"]["SupportedArchitectures"] == ["arm64"]
    assert info["ProcessorInfo"]["SustainedClockSpeedInGhz"] == 2.5
    assert all_types(server_ec2) == in_us_east_1()
    offers = server_ec2.describe_instance_type_offerings(
        LocationType="availability-zone",
        Filters=[{"Name": "location", "Values": ["us-east-1e"]}])["InstanceTypeOfferings"]
    assert {o["InstanceType"].split(".")[0] for o in offers} == {"t1", "m1", "c4", "t2", "i3"}


def test_previous_generations_aws_still_launches(ec2):
    """t1.micro, m1.small (RunInstances' default), m1.medium and c4 are listed and launch."""
    infos = {i["InstanceType"]: i for i in ec2.describe_instance_types(
        InstanceTypes=["t1.micro", "m1.small", "m1.medium", "c4.large"])["InstanceTypes"]}
    assert infos["t1.micro"]["CurrentGeneration"] is False
    assert infos["t1.micro"]["SupportedVirtualizationTypes"] == ["paravirtual"]
    assert infos["t1.micro"]["MemoryInfo"]["SizeInMiB"] == 627
    assert infos["m1.small"]["InstanceStorageInfo"]["Disks"] == [
        {"SizeInGB": 160, "Count": 1, "Type": "hdd"}]
    assert infos["m1.small"]["NetworkInfo"]["Ipv6Supported"] is False
    assert infos["m1.medium"]["NetworkInfo"]["NetworkPerformance"] == "Moderate"
    assert infos["c4.large"]["VCpuInfo"]["DefaultVCpus"] == 2
    old = ec2.describe_instance_types(
        Filters=[{"Name": "current-generation", "Values": ["false"]}])["InstanceTypes"]
    assert {i["InstanceType"].split(".")[0] for i in old} == {"t1", "m1", "c4", "a1"}
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    default = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1)["Instances"][0]
    assert default["InstanceType"] == "m1.small"
    for name in ("t1.micro", "m1.medium", "c4.xlarge"):
        launched = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1,
                                     InstanceType=name)["Instances"][0]
        assert launched["InstanceType"] == name


def test_first_generation_only_in_the_first_regions(ec2):
    offered = lambda region: {o["InstanceType"] for o in boto3.client(  # noqa: E731
        "ec2", region_name=region).describe_instance_type_offerings(
        Filters=[{"Name": "instance-type", "Values": ["m1.small", "c4.large"]}]
    )["InstanceTypeOfferings"]}
    assert offered("us-east-1") == {"m1.small", "c4.large"}
    assert offered("eu-central-1") == {"c4.large"}
    assert offered("eu-north-1") == set()


def test_gpu_and_first_graviton_types_as_aws_describes_them(ec2):
    # AWS's DescribeInstanceTypes answers for p3dn.24xlarge, g4ad.8xlarge and the A1 family
    p3dn, g4ad = one(ec2, "p3dn.24xlarge"), one(ec2, "g4ad.8xlarge")
    assert p3dn["GpuInfo"] == {"Gpus": [{
        "Name": "V100", "Manufacturer": "NVIDIA", "Count": 8, "LogicalGpuCount": 8,
        "GpuPartitionSize": 1.0, "Workloads": ["ml-ai"], "MemoryInfo": {"SizeInMiB": 32768}}],
        "TotalGpuMemoryInMiB": 262144}
    assert p3dn["NetworkInfo"]["NetworkPerformance"] == "100 Gigabit"
    assert (p3dn["NitroTpmSupport"], p3dn["NitroEnclavesSupport"]) == ("unsupported", "supported")
    assert g4ad["GpuInfo"]["Gpus"][0]["Name"] == "Radeon Pro V520"
    assert g4ad["GpuInfo"]["TotalGpuMemoryInMiB"] == 16384
    assert g4ad["SupportedBootModes"] == ["legacy-bios"]
    assert g4ad["VCpuInfo"]["ValidCores"] == [2, 4, 8, 16]
    a1 = one(ec2, "a1.metal")
    assert a1["BareMetal"] is True and a1["CurrentGeneration"] is False
    assert a1["ProcessorInfo"]["SupportedArchitectures"] == ["arm64"]
    assert "a1.metal" in all_types(ec2, Filters=[{"Name": "bare-metal", "Values": ["true"]}])
    assert one(ec2, "a1.large")["NitroEnclavesSupport"] == "unsupported"
