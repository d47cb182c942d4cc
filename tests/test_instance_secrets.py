"""What an instance shows of itself: Windows password data (decrypted with the key pair, by
boto3 + cryptography and by `aws ec2 get-password-data --priv-launch-key`), NitroTPM and
UEFI data, console screenshots, diagnostic interrupts, status reports, product codes."""
from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization as ser
from cryptography.hazmat.primitives.asymmetric import padding

from helpers import fails

MISSING = "i-0123456789abcdef0"


def image_named(ec2: Any, pattern: str) -> str:
    return ec2.describe_images(Filters=[{"Name": "name", "Values": [pattern]}])["Images"][0][
        "ImageId"]


def launch(ec2: Any, image_id: str, **params: Any) -> str:
    return ec2.run_instances(ImageId=image_id, MinCount=1, MaxCount=1, **params)[
        "Instances"][0]["InstanceId"]


def windows(ec2: Any, key_name: str | None = "admin") -> str:
    extra = {"KeyName": key_name} if key_name else {}
    return launch(ec2, image_named(ec2, "Windows_Server-2022*"), InstanceType="t3.large",
                  **extra)


def decrypt(key_material: str, data: str) -> str:
    private = ser.load_pem_private_key(key_material.encode(), None)
    return private.decrypt(base64.b64decode(data), padding.PKCS1v15()).decode()


# -- GetPasswordData ----------------------------------------------------------------------------
def test_windows_password_is_empty_at_first_then_decrypts_with_the_key(ec2):
    key = ec2.create_key_pair(KeyName="admin")["KeyMaterial"]
    iid = windows(ec2)
    first = ec2.get_password_data(InstanceId=iid)
    assert first["InstanceId"] == iid and first["PasswordData"] == ""
    ready = ec2.get_password_data(InstanceId=iid)["PasswordData"]
    password = decrypt(key, ready)
    assert len(password) >= 8
    # the same password on every later call
    assert decrypt(key, ec2.get_password_data(InstanceId=iid)["PasswordData"]) == password


def test_linux_and_keyless_instances_have_no_password(ec2):
    linux = launch(ec2, image_named(ec2, "debian-12-amd64*"))
    assert ec2.get_password_data(InstanceId=linux)["PasswordData"] == ""
    assert ec2.get_password_data(InstanceId=linux)["PasswordData"] == ""
    keyless = windows(ec2, key_name=None)
    for _ in range(2):
        assert ec2.get_password_data(InstanceId=keyless)["PasswordData"] == ""
    assert fails(ec2.get_password_data, InstanceId=MISSING)[0] == "InvalidInstanceID.NotFound"


def test_password_data_dry_run_makes_no_password(ec2):
    ec2.create_key_pair(KeyName="admin")
    iid = windows(ec2)
    assert fails(ec2.get_password_data, InstanceId=iid, DryRun=True)[0] == "DryRunOperation"
    assert ec2.get_password_data(InstanceId=iid)["PasswordData"] == ""


@pytest.mark.cli
@pytest.mark.server
def test_aws_cli_decrypts_the_password(server_ec2, server_url, tmp_path):
    key = server_ec2.create_key_pair(KeyName="admin")["KeyMaterial"]
    pem = tmp_path / "admin.pem"
    pem.write_text(key)
    iid = windows(server_ec2)
    server_ec2.get_password_data(InstanceId=iid)   # Windows sets its password meanwhile
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
               AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull,
               AWS_PAGER="", HOME=str(tmp_path))
    done = subprocess.run([sys.executable, "-m", "awscli", "ec2", "get-password-data",
                           "--instance-id", iid, "--priv-launch-key", str(pem),
                           "--endpoint-url", server_url, "--region", "us-east-1",
                           "--output", "json"], env=env, capture_output=True, text=True,
                          timeout=120, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    password = json.loads(done.stdout)["PasswordData"]
    encrypted = server_ec2.get_password_data(InstanceId=iid)["PasswordData"]
    assert password == decrypt(key, encrypted)


# -- NitroTPM and UEFI --------------------------------------------------------------------------
def uefi_image(ec2: Any, **extra: Any) -> str:
    volume = ec2.create_volume(AvailabilityZone="us-east-1a", Size=8)["VolumeId"]
    snapshot = ec2.create_snapshot(VolumeId=volume)["SnapshotId"]
    return ec2.register_image(
        Name="uefi-tpm", Architecture="x86_64", RootDeviceName="/dev/xvda",
        VirtualizationType="hvm", EnaSupport=True, BootMode="uefi",
        BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"SnapshotId": snapshot}}],
        **extra)["ImageId"]


def test_tpm_endorsement_key_as_der_and_tpmt(ec2):
    iid = launch(ec2, uefi_image(ec2, TpmSupport="v2.0"), InstanceType="m5.large")
    der = ec2.get_instance_tpm_ek_pub(InstanceId=iid, KeyType="rsa-2048", KeyFormat="der")
    assert (der["KeyType"], der["KeyFormat"]) == ("rsa-2048", "der")
    key = ser.load_der_public_key(base64.b64decode(der["KeyValue"]))
    assert key.key_size == 2048
    again = ec2.get_instance_tpm_ek_pub(InstanceId=iid, KeyType="rsa-2048", KeyFormat="der")
    assert again["KeyValue"] == der["KeyValue"]
    tpmt = base64.b64decode(ec2.get_instance_tpm_ek_pub(
        InstanceId=iid, KeyType="rsa-2048", KeyFormat="tpmt")["KeyValue"])
    modulus = key.public_numbers().n.to_bytes(256, "big")
    assert tpmt[:2] == b"\x00\x01" and tpmt.endswith(modulus)
    ecc = ec2.get_instance_tpm_ek_pub(InstanceId=iid, KeyType="ecc-sec-p384", KeyFormat="der")
    assert ser.load_der_public_key(base64.b64decode(ecc["KeyValue"])).curve.name == "secp384r1"


def test_tpm_and_uefi_need_instances_that_have_them(ec2):
    legacy = launch(ec2, image_named(ec2, "Windows_Server-2022*"), InstanceType="m5.large")
    assert fails(ec2.get_instance_tpm_ek_pub, InstanceId=legacy, KeyType="rsa-2048",
                 KeyFormat="der")[0] == "UnsupportedOperation"
    assert fails(ec2.get_instance_uefi_data, InstanceId=legacy)[0] == "UnsupportedOperation"


def test_uefi_data_of_a_uefi_instance(ec2):
    iid = launch(ec2, uefi_image(ec2), InstanceType="m5.large")
    data = base64.b64decode(ec2.get_instance_uefi_data(InstanceId=iid)["UefiData"])
    assert data.startswith(b"AMZNUEFI")


# -- console screenshot, diagnostics, status reports, product codes -----------------------------
def test_console_screenshot_is_a_jpeg_of_a_running_instance(ec2):
    iid = launch(ec2, image_named(ec2, "debian-12-amd64*"), InstanceType="t3.micro")
    shot = ec2.get_console_screenshot(InstanceId=iid, WakeUp=True)
    assert shot["InstanceId"] == iid
    assert base64.b64decode(shot["ImageData"])[:3] == b"\xff\xd8\xff"
    ec2.stop_instances(InstanceIds=[iid])
    assert fails(ec2.get_console_screenshot, InstanceId=iid)[0] == "IncorrectInstanceState"


def test_diagnostic_interrupt_needs_nitro(ec2):
    image = image_named(ec2, "debian-12-amd64*")
    nitro = launch(ec2, image, InstanceType="m5.large")
    ec2.send_diagnostic_interrupt(InstanceId=nitro)
    xen = launch(ec2, image, InstanceType="t2.micro")
    assert fails(ec2.send_diagnostic_interrupt, InstanceId=xen)[0] == "UnsupportedOperation"


def test_report_instance_status(ec2):
    iid = launch(ec2, image_named(ec2, "debian-12-amd64*"))
    ec2.report_instance_status(Instances=[iid], Status="impaired",
                               ReasonCodes=["unresponsive", "performance-network"])
    assert fails(ec2.report_instance_status, Instances=[MISSING], Status="ok",
                 ReasonCodes=["other"])[0] == "InvalidInstanceID.NotFound"
    assert fails(ec2.report_instance_status, Instances=[iid], Status="ok",
                 ReasonCodes=["no-such-reason"])[0] == "InvalidParameterValue"


def test_confirm_product_instance(ec2):
    iid = launch(ec2, image_named(ec2, "debian-12-amd64*"))
    answer = ec2.confirm_product_instance(InstanceId=iid, ProductCode="a1b2c3d4e5f6g7h8")
    assert answer["Return"] is False and "OwnerId" not in answer
    assert fails(ec2.confirm_product_instance, InstanceId=MISSING,
                 ProductCode="x")[0] == "InvalidInstanceID.NotFound"


@pytest.mark.server
def test_diagnostics_over_http(server_ec2):
    iid = launch(server_ec2, image_named(server_ec2, "debian-12-amd64*"),
                 InstanceType="m5.large")
    assert base64.b64decode(server_ec2.get_console_screenshot(InstanceId=iid)["ImageData"])[
        :2] == b"\xff\xd8"
    server_ec2.send_diagnostic_interrupt(InstanceId=iid)
    assert server_ec2.confirm_product_instance(InstanceId=iid, ProductCode="abc")[
        "Return"] is False
