"""Instance settings: ResetInstanceAttribute, CPU and maintenance options, CPU credits
(account defaults and per instance), and the account's instance metadata defaults."""
from __future__ import annotations

from typing import Any

import pytest

from helpers import fails

MISSING = "i-0123456789abcdef0"


def launch(ec2: Any, **params: Any) -> dict[str, Any]:
    # Debian's image does not require IMDSv2, so the account's defaults show
    image_id = ec2.describe_images(Filters=[{"Name": "name", "Values": ["debian-12-amd64*"]}])[
        "Images"][0]["ImageId"]
    params = {"ImageId": image_id, "MinCount": 1, "MaxCount": 1, **params}
    return ec2.run_instances(**params)["Instances"][0]


def stopped(ec2: Any, **params: Any) -> str:
    iid = launch(ec2, **params)["InstanceId"]
    ec2.stop_instances(InstanceIds=[iid])
    return iid


# -- ResetInstanceAttribute ---------------------------------------------------------------------
def test_reset_source_dest_check_while_running(ec2):
    iid = launch(ec2)["InstanceId"]
    ec2.modify_instance_attribute(InstanceId=iid, SourceDestCheck={"Value": False})
    ec2.reset_instance_attribute(InstanceId=iid, Attribute="sourceDestCheck")
    assert ec2.describe_instance_attribute(InstanceId=iid, Attribute="sourceDestCheck")[
        "SourceDestCheck"] == {"Value": True}


def test_reset_kernel_needs_a_stopped_instance(ec2):
    iid = launch(ec2)["InstanceId"]
    assert fails(ec2.reset_instance_attribute, InstanceId=iid, Attribute="kernel") == (
        "IncorrectInstanceState", f"The instance '{iid}' is not in the 'stopped' state.")
    ec2.stop_instances(InstanceIds=[iid])
    ec2.modify_instance_attribute(InstanceId=iid, Kernel={"Value": "aki-12345678"})
    ec2.reset_instance_attribute(InstanceId=iid, Attribute="kernel")
    assert ec2.describe_instance_attribute(InstanceId=iid, Attribute="kernel")["KernelId"] == {}


@pytest.mark.parametrize("attribute", ["userData", "disableApiStop", "instanceType"])
def test_only_kernel_ramdisk_and_source_dest_check_reset(ec2, attribute):
    iid = stopped(ec2)
    code, message = fails(ec2.reset_instance_attribute, InstanceId=iid, Attribute=attribute)
    assert code == "InvalidParameterValue" and attribute in message


def test_reset_unknown_instance(ec2):
    assert fails(ec2.reset_instance_attribute, InstanceId=MISSING,
                 Attribute="kernel")[0] == "InvalidInstanceID.NotFound"


# -- CPU options --------------------------------------------------------------------------------
def test_cpu_options_change_while_stopped_within_the_type(ec2):
    iid = launch(ec2, InstanceType="m5.xlarge")["InstanceId"]
    assert fails(ec2.modify_instance_cpu_options, InstanceId=iid, CoreCount=1)[0] == \
        "IncorrectInstanceState"
    ec2.stop_instances(InstanceIds=[iid])
    answer = ec2.modify_instance_cpu_options(InstanceId=iid, ThreadsPerCore=1)
    assert (answer["CoreCount"], answer["ThreadsPerCore"]) == (2, 1)
    code, message = fails(ec2.modify_instance_cpu_options, InstanceId=iid, CoreCount=7)
    assert code == "InvalidParameterValue" and "Valid core counts are: 2" in message
    described = ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0]
    assert described["CpuOptions"]["ThreadsPerCore"] == 1


# -- maintenance options ------------------------------------------------------------------------
def test_maintenance_options(ec2):
    iid = launch(ec2)["InstanceId"]
    answer = ec2.modify_instance_maintenance_options(InstanceId=iid, AutoRecovery="disabled")
    assert (answer["AutoRecovery"], answer["RebootMigration"]) == ("disabled", "default")
    answer = ec2.modify_instance_maintenance_options(InstanceId=iid, RebootMigration="disabled")
    assert (answer["AutoRecovery"], answer["RebootMigration"]) == ("disabled", "disabled")
    described = ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0]
    assert described["MaintenanceOptions"]["AutoRecovery"] == "disabled"
    ec2.terminate_instances(InstanceIds=[iid])
    assert fails(ec2.modify_instance_maintenance_options, InstanceId=iid,
                 AutoRecovery="default")[0] == "IncorrectInstanceState"


# -- CPU credits --------------------------------------------------------------------------------
@pytest.mark.parametrize("family, credits", [("t2", "standard"), ("t3", "unlimited"),
                                             ("t3a", "unlimited"), ("t4g", "unlimited")])
def test_default_credit_specification_per_family(ec2, family, credits):
    got = ec2.get_default_credit_specification(InstanceFamily=family)
    assert got["InstanceFamilyCreditSpecification"] == {"InstanceFamily": family,
                                                        "CpuCredits": credits}


def test_modified_default_applies_to_later_launches(ec2):
    answer = ec2.modify_default_credit_specification(InstanceFamily="t3", CpuCredits="standard")
    assert answer["InstanceFamilyCreditSpecification"]["CpuCredits"] == "standard"
    iid = launch(ec2, InstanceType="t3.micro")["InstanceId"]
    t2 = launch(ec2, InstanceType="t2.micro")["InstanceId"]
    specs = ec2.describe_instance_credit_specifications(InstanceIds=[iid, t2])[
        "InstanceCreditSpecifications"]
    assert {s["InstanceId"]: s["CpuCredits"] for s in specs} == {iid: "standard",
                                                               t2: "standard"}
    assert fails(ec2.modify_default_credit_specification, InstanceFamily="t3",
                 CpuCredits="turbo")[0] == "InvalidCpuCredits"


def test_instance_credit_specification_items_succeed_or_fail_alone(ec2):
    burst = launch(ec2, InstanceType="t3.micro")["InstanceId"]
    steady = launch(ec2, InstanceType="m5.large")["InstanceId"]
    answer = ec2.modify_instance_credit_specification(InstanceCreditSpecifications=[
        {"InstanceId": burst, "CpuCredits": "standard"},
        {"InstanceId": steady, "CpuCredits": "standard"},
        {"InstanceId": MISSING, "CpuCredits": "standard"},
        {"InstanceId": "i-bad", "CpuCredits": "standard"}])
    assert answer["SuccessfulInstanceCreditSpecifications"] == [{"InstanceId": burst}]
    codes = {f["InstanceId"]: f["Error"]["Code"]
             for f in answer["UnsuccessfulInstanceCreditSpecifications"]}
    assert codes == {steady: "InstanceCreditSpecification.NotSupported",
                     MISSING: "InvalidInstanceID.NotFound",
                     "i-bad": "InvalidInstanceID.Malformed"}
    assert ec2.describe_instance_credit_specifications(InstanceIds=[burst])[
        "InstanceCreditSpecifications"][0]["CpuCredits"] == "standard"
    assert fails(ec2.modify_instance_credit_specification, InstanceCreditSpecifications=[
        {"InstanceId": burst, "CpuCredits": "unlimited"},
        {"InstanceId": burst, "CpuCredits": "unlimited"}])[0] == \
        "InvalidInstanceCreditSpecification.DuplicateInstanceId"


# -- instance metadata defaults -----------------------------------------------------------------
def test_metadata_defaults_apply_to_launches_that_name_none(ec2):
    assert ec2.get_instance_metadata_defaults()["AccountLevel"] == {"ManagedBy": "account"}
    assert ec2.modify_instance_metadata_defaults(HttpTokens="required",
                                                 HttpPutResponseHopLimit=2)["Return"] is True
    assert ec2.get_instance_metadata_defaults()["AccountLevel"] == {
        "HttpTokens": "required", "HttpPutResponseHopLimit": 2, "ManagedBy": "account"}
    options = launch(ec2)["MetadataOptions"]
    assert (options["HttpTokens"], options["HttpPutResponseHopLimit"]) == ("required", 2)
    own = launch(ec2, MetadataOptions={"HttpTokens": "optional"})["MetadataOptions"]
    assert (own["HttpTokens"], own["HttpPutResponseHopLimit"]) == ("optional", 2)
    ec2.modify_instance_metadata_defaults(HttpTokens="no-preference",
                                          HttpPutResponseHopLimit=-1)
    assert ec2.get_instance_metadata_defaults()["AccountLevel"] == {"ManagedBy": "account"}
    assert launch(ec2)["MetadataOptions"]["HttpTokens"] == "optional"


def test_metadata_defaults_refuse_a_bad_hop_limit(ec2):
    assert fails(ec2.modify_instance_metadata_defaults,
                 HttpPutResponseHopLimit=65)[0] == "InvalidParameterValue"
    assert ec2.get_instance_metadata_defaults()["AccountLevel"] == {"ManagedBy": "account"}


def test_enforced_imdsv2_refuses_optional_tokens(ec2):
    ec2.modify_instance_metadata_defaults(HttpTokensEnforced="enabled")
    assert ec2.get_instance_metadata_defaults()["AccountLevel"]["HttpTokensEnforced"] == \
        "enabled"
    assert fails(launch, ec2)[0] == "InvalidParameterCombination"
    assert launch(ec2, MetadataOptions={"HttpTokens": "required"})["MetadataOptions"][
        "HttpTokens"] == "required"


# -- against the server -------------------------------------------------------------------------
@pytest.mark.server
def test_settings_over_http(server_ec2):
    iid = stopped(server_ec2, InstanceType="t3.micro")
    answer = server_ec2.modify_instance_cpu_options(InstanceId=iid, ThreadsPerCore=1)
    assert answer["ThreadsPerCore"] == 1
    server_ec2.reset_instance_attribute(InstanceId=iid, Attribute="ramdisk")
    server_ec2.modify_default_credit_specification(InstanceFamily="t2", CpuCredits="unlimited")
    assert server_ec2.get_default_credit_specification(InstanceFamily="t2")[
        "InstanceFamilyCreditSpecification"]["CpuCredits"] == "unlimited"
    server_ec2.modify_instance_metadata_defaults(InstanceMetadataTags="enabled")
    assert server_ec2.get_instance_metadata_defaults()["AccountLevel"][
        "InstanceMetadataTags"] == "enabled"
