"""What an instance keeps secret or signed: its Windows administrator password, its NitroTPM
endorsement key, its UEFI variable store.

GetPasswordData: only Windows instances have password data, and only once Windows has set
the password (minutes after launch on AWS): the first call finds none yet (empty
`PasswordData`), as AWS answers early, and from then on the password is there, a random
password encrypted with the RSA public key of the instance's key pair (PKCS#1 v1.5,
base64), which `aws ec2 get-password-data --priv-launch-key` decrypts. An instance without a
key pair, or with an ED25519 one, never gets password data.

GetInstanceTpmEkPub answers for instances with NitroTPM (an image with `TpmSupport`
`v2.0`): the public endorsement key, RSA 2048 or ECC P-384, as DER (SubjectPublicKeyInfo) or
as a TPM 2.0 `TPMT_PUBLIC` structure, base64; a key is made per instance and key type on the
first request and kept. GetInstanceUefiData answers for instances booted in UEFI mode: the
image's UEFI data, or an empty variable store (AWS's `AMZNUEFI` format).
"""
from __future__ import annotations

import base64
import secrets
import string
import struct
import zlib
from typing import Any

from ..core.clock import now
from ..core.errors import IncorrectState, TopologyError
from ..core.family import declare_actions
from ..core.world import Partition, World
from . import key_pairs
from .instances import state_name

PASSWORD_LENGTH = 32
PASSWORD_ALPHABET = string.ascii_letters + string.digits + "!$%&()*;.?@"
UEFI_MAGIC = b"AMZNUEFI"


def _instance(world: World, part: Partition, instance_id: str) -> dict[str, Any]:
    node = world.get(part, "instance", instance_id)
    if state_name(world, instance_id) in ("shutting-down", "terminated"):
        raise IncorrectState(f"The instance '{instance_id}' is not in a valid state for this "
                             "operation.", "IncorrectInstanceState")
    return node


# -- the Windows password ---------------------------------------------------------------------
def password_data(world: World, part: Partition, instance_id: str) -> dict[str, Any]:
    """GetPasswordData: empty until Windows has set its password, then the password
    encrypted with the key pair's public key."""
    node = world.get(part, "instance", instance_id)
    if node.get("Platform") != "windows":
        return {"InstanceId": instance_id, "Timestamp": now(), "PasswordData": ""}
    kept = node.get("password_data")
    if kept is None:   # Windows sets its password now; the next call finds it
        world.update(instance_id, password_data=_encrypted_password(world, part, node),
                     password_time=now())
        return {"InstanceId": instance_id, "Timestamp": now(), "PasswordData": ""}
    return {"InstanceId": instance_id, "Timestamp": node["password_time"],
            "PasswordData": kept}


def _encrypted_password(world: World, part: Partition, node: dict[str, Any]) -> str:
    """A new password encrypted for the instance's key pair ("" without an RSA key)."""
    name = node.get("KeyName")
    found = world.claimed(part, key_pairs.NAME_INDEX, name) if name else set()
    if not found:
        return ""
    password = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_LENGTH))
    public = world.graph.nodes[next(iter(found))]["PublicKey"]
    return key_pairs.crypto().encrypted_for(public, password) or ""


# -- NitroTPM ---------------------------------------------------------------------------------
def tpm_ek_pub(world: World, part: Partition, instance_id: str, key_type: str,
               key_format: str) -> str:
    """GetInstanceTpmEkPub's `KeyValue`: the instance's public endorsement key, base64."""
    node = _instance(world, part, instance_id)
    if node.get("TpmSupport") != "v2.0":
        raise TopologyError(f"The instance '{instance_id}' does not have NitroTPM enabled.",
                            "UnsupportedOperation")
    keys = dict(node.get("tpm_ek") or {})
    if key_type not in keys:
        keys[key_type] = key_pairs.crypto().new_ek(key_type)
        world.update(instance_id, tpm_ek=keys)
    return key_pairs.crypto().ek_public(keys[key_type], key_format)


# -- UEFI -------------------------------------------------------------------------------------
def uefi_data(world: World, part: Partition, instance_id: str) -> str:
    """GetInstanceUefiData's `UefiData`: the instance's UEFI variable store, base64."""
    node = _instance(world, part, instance_id)
    if node.get("CurrentInstanceBootMode") != "uefi":
        raise TopologyError(f"The instance '{instance_id}' is not booted in UEFI mode.",
                            "UnsupportedOperation")
    image = world.node(node["ImageId"]) or {}
    return image.get("UefiData") or _empty_store()


def _empty_store() -> str:
    """An empty variable store: magic, CRC-32 of the body, then the zlib-compressed
    variable list (a count of zero)."""
    body = zlib.compress(struct.pack("<Q", 0))
    return base64.b64encode(UEFI_MAGIC + struct.pack("<I", zlib.crc32(body)) + body).decode()


# these operations are bound from the functions above (docs/families.md)
declare_actions("instance", {"GetPasswordData": password_data,
                             "GetInstanceTpmEkPub": tpm_ek_pub,
                             "GetInstanceUefiData": uefi_data})
