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

from cryptography.hazmat.primitives import serialization as ser
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from ..core.clock import now
from ..core.errors import IncorrectState, TopologyError
from ..core.family import declare_actions
from ..core.world import Partition, World
from . import key_pairs
from .instances import state_name

PASSWORD_LENGTH = 32
PASSWORD_ALPHABET = string.ascii_letters + string.digits + "!$%&()*;.?@"
EK_RSA_BITS = 2048
# TPM 2.0 algorithm ids and the EK templates' attributes (TCG EK Credential Profile)
TPM_ALG_RSA, TPM_ALG_ECC, TPM_ALG_SHA256, TPM_ALG_SHA384 = 0x0001, 0x0023, 0x000B, 0x000C
TPM_ALG_AES, TPM_ALG_CFB, TPM_ALG_NULL, TPM_ECC_NIST_P384 = 0x0006, 0x0043, 0x0010, 0x0004
EK_ATTRIBUTES = 0x000300B2
# the EK's policy: PolicySecret(TPM_RH_ENDORSEMENT), in the template's name algorithm
EK_POLICY_SHA256 = bytes.fromhex(
    "837197674484b3f81a90cc8d46a5d724fd52d76e06520b64f2a1da1b331469aa")
EK_POLICY_SHA384 = bytes.fromhex(
    "8bbf2266537c171cb56e403c4dc1d4b64f432611dc386e6f532050c3278c930e"
    "143e8bb1133824ccb431053871c6db53")
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
    line = world.graph.nodes[next(iter(found))]["PublicKey"].split()
    key = ser.load_ssh_public_key(f"{line[0]} {line[1]}".encode())
    if not isinstance(key, rsa.RSAPublicKey):
        return ""
    password = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_LENGTH))
    return base64.b64encode(key.encrypt(password.encode(), padding.PKCS1v15())).decode()


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
        keys[key_type] = _new_ek(key_type)
        world.update(instance_id, tpm_ek=keys)
    public = ser.load_der_public_key(base64.b64decode(keys[key_type]))
    raw = base64.b64decode(keys[key_type]) if key_format == "der" else _tpmt(public)
    return base64.b64encode(raw).decode()


def _new_ek(key_type: str) -> str:
    """A new endorsement key's public half, base64 DER."""
    private: Any = (rsa.generate_private_key(public_exponent=65537, key_size=EK_RSA_BITS)
                    if key_type == "rsa-2048" else ec.generate_private_key(ec.SECP384R1()))
    der = private.public_key().public_bytes(ser.Encoding.DER,
                                            ser.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(der).decode()


def _sized(data: bytes) -> bytes:
    """A TPM2B: a 16-bit size, then the bytes."""
    return struct.pack(">H", len(data)) + data


def _tpmt(public: Any) -> bytes:
    """The key as TPM 2.0 marshals a `TPMT_PUBLIC` of the EK templates (L-1 RSA, H-3 ECC)."""
    if isinstance(public, rsa.RSAPublicKey):
        modulus = public.public_numbers().n.to_bytes(EK_RSA_BITS // 8, "big")
        return (struct.pack(">HHI", TPM_ALG_RSA, TPM_ALG_SHA256, EK_ATTRIBUTES)
                + _sized(EK_POLICY_SHA256)
                + struct.pack(">HHHHHI", TPM_ALG_AES, 128, TPM_ALG_CFB, TPM_ALG_NULL,
                              EK_RSA_BITS, 0)
                + _sized(modulus))
    numbers = public.public_numbers()
    return (struct.pack(">HHI", TPM_ALG_ECC, TPM_ALG_SHA384, EK_ATTRIBUTES)
            + _sized(EK_POLICY_SHA384)
            + struct.pack(">HHHHHH", TPM_ALG_AES, 256, TPM_ALG_CFB, TPM_ALG_NULL,
                          TPM_ECC_NIST_P384, TPM_ALG_NULL)
            + _sized(numbers.x.to_bytes(48, "big")) + _sized(numbers.y.to_bytes(48, "big")))


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
