"""Ansible against `ec2sim serve`: a Windows instance's password (community.aws
ec2_win_password waits for GetPasswordData and decrypts it with the key pair)."""
from __future__ import annotations

import base64
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization as ser
from cryptography.hazmat.primitives.asymmetric import padding

pytestmark = [pytest.mark.ansible, pytest.mark.server]


def test_windows_password_through_ec2_win_password(playbook: Any, server_ec2: Any) -> None:
    out = playbook("instance_windows.yml")
    instance_id = out["launch windows"]["instance_ids"][0]
    result = out["windows password"]
    assert result["win_password"] and result["elapsed"] >= 0
    private = ser.load_pem_private_key(out["create key"]["key"]["private_key"].encode(), None)
    encrypted = server_ec2.get_password_data(InstanceId=instance_id)["PasswordData"]
    assert private.decrypt(base64.b64decode(encrypted), padding.PKCS1v15()).decode() == \
        result["win_password"]
