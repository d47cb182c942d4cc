"""What ec2sim computes with `cryptography`: key pairs made, imported and fingerprinted;
Windows passwords encrypted for a key pair; NitroTPM endorsement keys.

Its own module so that `cryptography` (~25 ms to import) loads with the first key a process
makes or reads, not with every process that starts ec2sim: `key_pairs` and
`instance_secrets` reach it through `key_pairs.crypto()` (and the family loader, which
imports every topology module, passes over modules named `_x`).
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import struct
from typing import Any

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization as ser
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa

from ..core.errors import TopologyError

RSA_BITS = 2048
MIN_IMPORTED_RSA_BITS = 1024
PPK_MAC_KEY = hashlib.sha1(b"putty-private-key-file-mac-key").digest()  # empty passphrase
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

PublicKey = rsa.RSAPublicKey | ed25519.Ed25519PublicKey


# -- fingerprints -----------------------------------------------------------------------------
def _colon_hex(digest: bytes) -> str:
    return ":".join(f"{b:02x}" for b in digest)


def created_rsa_fingerprint(key: rsa.RSAPrivateKey) -> str:
    """SHA-1 of the DER PKCS#8 private key (`openssl pkcs8 -topk8 -nocrypt -outform DER |
    openssl sha1 -c`)."""
    der = key.private_bytes(ser.Encoding.DER, ser.PrivateFormat.PKCS8, ser.NoEncryption())
    return _colon_hex(hashlib.sha1(der).digest())


def imported_rsa_fingerprint(key: rsa.RSAPublicKey) -> str:
    """MD5 of the DER public key (`openssl pkey -pubout -outform DER | openssl md5 -c`)."""
    der = key.public_bytes(ser.Encoding.DER, ser.PublicFormat.SubjectPublicKeyInfo)
    return _colon_hex(hashlib.md5(der, usedforsecurity=False).digest())


def ed25519_fingerprint(key: ed25519.Ed25519PublicKey) -> str:
    """Base64 SHA-256 of the OpenSSH key blob, padded (ssh-keygen's SHA256: form plus `=`)."""
    return base64.b64encode(hashlib.sha256(_blob(key)).digest()).decode()


def _blob(key: PublicKey) -> bytes:
    """The SSH wire form of a public key (RFC 4253 section 6.6)."""
    line = key.public_bytes(ser.Encoding.OpenSSH, ser.PublicFormat.OpenSSH)
    return base64.b64decode(line.split()[1])


def _openssh(key: PublicKey) -> str:
    return key.public_bytes(ser.Encoding.OpenSSH, ser.PublicFormat.OpenSSH).decode()


# -- key material -----------------------------------------------------------------------------
def generate(key_type: str, key_format: str, name: str) -> tuple[str, str, str]:
    """A new key pair: (private key material, fingerprint, OpenSSH public key)."""
    public, pem, fingerprint, secret = (_ed25519 if key_type == "ed25519" else _rsa)()
    material = pem.rstrip("\n") if key_format == "pem" else \
        ppk(_openssh(public).split()[0], _blob(public), secret, name)
    return material, fingerprint, _openssh(public)


def _ed25519() -> tuple[PublicKey, str, str, bytes]:
    """(public key, OpenSSH PEM, fingerprint, PuTTY private blob) of a new ED25519 key."""
    private = ed25519.Ed25519PrivateKey.generate()
    pem = private.private_bytes(ser.Encoding.PEM, ser.PrivateFormat.OpenSSH, ser.NoEncryption())
    public = private.public_key()
    return (public, pem.decode(), ed25519_fingerprint(public),
            _ssh_string(_unsigned_le(private.private_bytes_raw())))


def _rsa() -> tuple[PublicKey, str, str, bytes]:
    """(public key, PKCS#1 PEM, fingerprint, PuTTY private blob) of a new 2048-bit RSA key."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)
    pem = private.private_bytes(ser.Encoding.PEM, ser.PrivateFormat.TraditionalOpenSSL,
                                ser.NoEncryption())
    n = private.private_numbers()
    secret = b"".join(_mpint(x) for x in (n.d, n.p, n.q, n.iqmp))
    return private.public_key(), pem.decode(), created_rsa_fingerprint(private), secret


def _ssh_string(data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + data


def _mpint(value: int) -> bytes:
    """RFC 4251 mpint: big-endian two's complement, a zero byte before a high bit."""
    raw = value.to_bytes((value.bit_length() + 8) // 8, "big") if value else b""
    return _ssh_string(raw)


def _unsigned_le(seed: bytes) -> bytes:
    """PuTTY keeps an EdDSA private key as an unsigned little-endian integer, minimal length."""
    return seed.rstrip(b"\0")


def ppk(algorithm: str, public_blob: bytes, private_blob: bytes, comment: str) -> str:
    """An unencrypted PuTTY key file, format 2 (HMAC-SHA-1 over the five fields)."""
    signed = b"".join(_ssh_string(part) for part in (
        algorithm.encode(), b"none", comment.encode(), public_blob, private_blob))
    mac = hmac.new(PPK_MAC_KEY, signed, hashlib.sha1).hexdigest()
    lines = [f"PuTTY-User-Key-File-2: {algorithm}", "Encryption: none", f"Comment: {comment}"]
    for label, blob in (("Public", public_blob), ("Private", private_blob)):
        text = base64.b64encode(blob).decode()
        chunks = [text[i:i + 64] for i in range(0, len(text), 64)]
        lines += [f"{label}-Lines: {len(chunks)}", *chunks]
    lines.append(f"Private-MAC: {mac}")
    return "\n".join(lines) + "\n"


def imported(material: bytes) -> tuple[str, str, str, str | None]:
    """An ImportKeyPair blob's (key type, fingerprint, OpenSSH public key, comment)."""
    key, comment = parse_public(material)
    if isinstance(key, ed25519.Ed25519PublicKey):
        key_type, fingerprint = "ed25519", ed25519_fingerprint(key)
    else:
        key_type, fingerprint = "rsa", imported_rsa_fingerprint(key)
    return key_type, fingerprint, _openssh(key), comment


def _invalid_format() -> TopologyError:
    return TopologyError("Key is not in valid OpenSSH public key format", "InvalidKey.Format")


def parse_public(material: bytes) -> tuple[PublicKey, str | None]:
    """The public key (and its OpenSSH comment) in an ImportKeyPair blob.

    Raises `InvalidKey.Format` for anything but an RSA or ED25519 OpenSSH key, or an RSA key
    as PEM, DER (raw or base64) or RFC 4716.
    """
    try:
        text = material.decode("ascii").strip()
    except UnicodeDecodeError:
        return _rsa_only(_load(ser.load_der_public_key, material)), None
    if text.startswith("---- BEGIN SSH2 PUBLIC KEY ----"):
        return _rsa_only(_load(_ssh_blob, _rfc4716_blob(text))), None
    if text.startswith("-----BEGIN"):
        return _rsa_only(_load(ser.load_pem_public_key, text.encode())), None
    fields = text.split(None, 2)
    if len(fields) >= 2 and fields[0] in ("ssh-rsa", "ssh-ed25519"):
        key = _load(ser.load_ssh_public_key, f"{fields[0]} {fields[1]}".encode())
        return _supported(key), (fields[2].strip() if len(fields) == 3 else None)
    try:
        der = base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        raise _invalid_format()
    return _rsa_only(_load(ser.load_der_public_key, der)), None


def _load(loader: Any, data: bytes) -> Any:
    try:
        return loader(data)
    except (ValueError, TypeError, UnsupportedAlgorithm, IndexError):
        raise _invalid_format()


def _ssh_blob(blob: bytes) -> Any:
    """A public key from its SSH wire form (the body of an RFC 4716 file)."""
    if len(blob) < 4:
        raise ValueError("short blob")
    kind = blob[4:4 + int.from_bytes(blob[:4], "big")]
    return ser.load_ssh_public_key(kind + b" " + base64.b64encode(blob))


def _rfc4716_blob(text: str) -> bytes:
    """The key blob of an RFC 4716 file: header lines (`Tag: value`, `\\`-continued) skipped."""
    lines = [line.strip() for line in text.splitlines()]
    if not lines or lines[-1] != "---- END SSH2 PUBLIC KEY ----":
        raise _invalid_format()
    body, continued = [], False
    for line in lines[1:-1]:
        if continued or ":" in line:
            continued = line.endswith("\\")
            continue
        body.append(line)
    try:
        return base64.b64decode("".join(body), validate=True)
    except (binascii.Error, ValueError):
        raise _invalid_format()


def _supported(key: Any) -> PublicKey:
    if isinstance(key, ed25519.Ed25519PublicKey):
        return key
    return _rsa_only(key)


def _rsa_only(key: Any) -> rsa.RSAPublicKey:
    if not isinstance(key, rsa.RSAPublicKey) or key.key_size < MIN_IMPORTED_RSA_BITS:
        raise _invalid_format()
    return key


# -- instance secrets -------------------------------------------------------------------------
def encrypted_for(public_line: str, secret: str) -> str | None:
    """`secret` encrypted with an OpenSSH RSA public key (PKCS#1 v1.5, base64), or None for
    a key that is not RSA."""
    fields = public_line.split()
    key = ser.load_ssh_public_key(f"{fields[0]} {fields[1]}".encode())
    if not isinstance(key, rsa.RSAPublicKey):
        return None
    return base64.b64encode(key.encrypt(secret.encode(), padding.PKCS1v15())).decode()


def ek_public(der_base64: str, key_format: str) -> str:
    """An endorsement key's public half as GetInstanceTpmEkPub gives it: DER, or TPMT_PUBLIC."""
    raw = base64.b64decode(der_base64)
    return base64.b64encode(raw if key_format == "der"
                            else _tpmt(ser.load_der_public_key(raw))).decode()


def new_ek(key_type: str) -> str:
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
