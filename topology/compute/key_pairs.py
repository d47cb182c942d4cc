"""Key pairs: create (RSA 2048 or ED25519, as PEM or PuTTY PPK), import, delete, describe.

A key pair is a `key-pair` node holding the public key and AWS's fingerprint; its name is
claimed in the partition's "key-name" value index, which answers uniqueness checks, the
`key-name` filter and `by_name` without a scan. Names are unique per account and region.

AWS computes fingerprints three ways (the "Verify the fingerprint of your key pair" guide):

* an RSA key pair EC2 *created*: SHA-1 of the DER PKCS#8 private key, hex with colons;
* an RSA public key *imported*: MD5 of the DER SubjectPublicKeyInfo, hex with colons (so a
  re-imported created key gets a different fingerprint);
* ED25519, created or imported: base64 of the SHA-256 of the OpenSSH key blob, with the `=`
  padding that ssh-keygen omits.

Created keys come back as an unencrypted PKCS#1 PEM (RSA), an OpenSSH PEM (ED25519), or an
unencrypted PuTTY key file (format 2). Imports take the OpenSSH `authorized_keys` line, and
for RSA also PEM, DER (raw or base64) and RFC 4716 ("SSH2") public keys; anything else is
`InvalidKey.Format`.
"""
from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
from typing import Any

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization as ser
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from ..core import tags as tagging
from ..core.errors import (Conflict, InvalidParameterValue, MissingParameter, NotFound,
                           TopologyError)
from ..core.family import declare_actions
from ..core.filters import Filter, field, ident
from ..core.world import Partition, World

MAX_NAME = 255
RSA_BITS = 2048
MIN_IMPORTED_RSA_BITS = 1024
NAME_INDEX = "key-name"
PPK_MAC_KEY = hashlib.sha1(b"putty-private-key-file-mac-key").digest()  # empty passphrase

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
def _generate(key_type: str, key_format: str, name: str) -> tuple[str, str, str]:
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


# -- operations -------------------------------------------------------------------------------
def check_name(world: World, part: Partition, name: str | None) -> str:
    """A key name AWS accepts that the partition does not use yet."""
    if not name:
        raise MissingParameter("The request must contain the parameter KeyName")
    if len(name) > MAX_NAME:
        raise InvalidParameterValue(
            f"Value ({name}) for parameter KeyName is invalid. "
            f"Length exceeds maximum of {MAX_NAME}.")
    if not name.isascii():
        raise InvalidParameterValue(
            f"Value ({name}) for parameter KeyName is invalid. "
            "Character sets beyond ASCII are not supported.")
    if world.claimed(part, NAME_INDEX, name):
        raise Conflict(f"The keypair '{name}' already exists.", "InvalidKeyPair.Duplicate")
    return name


def create(world: World, part: Partition, name: str, *, key_type: str = "rsa",
           key_format: str = "pem", tags: dict[str, str] | None = None) -> tuple[str, str]:
    """Create a key pair; returns (key pair id, private key material).

    Raises `InvalidKeyPair.Duplicate` for a name in use, `InvalidParameterValue` for a
    name AWS refuses.
    """
    check_name(world, part, name)
    material, fingerprint, public = _generate(key_type, key_format, name)
    return _add(world, part, name, fingerprint, key_type, f"{public} {name}", tags), material


def import_(world: World, part: Partition, name: str, material: bytes, *,
            tags: dict[str, str] | None = None) -> str:
    """Import a public key; returns the key pair id. Raises like `create`, and
    `InvalidKey.Format` for material that is not a supported public key."""
    check_name(world, part, name)
    key, comment = parse_public(material)
    if isinstance(key, ed25519.Ed25519PublicKey):
        key_type, fingerprint = "ed25519", ed25519_fingerprint(key)
    else:
        key_type, fingerprint = "rsa", imported_rsa_fingerprint(key)
    public = f"{_openssh(key)} {comment or name}"
    return _add(world, part, name, fingerprint, key_type, public, tags)


def _add(world: World, part: Partition, name: str, fingerprint: str, key_type: str,
         public: str, tags: dict[str, str] | None) -> str:
    key_id = world.new_id("key")
    world.add(part, "key-pair", key_id, KeyName=name, KeyFingerprint=fingerprint,
              KeyType=key_type, PublicKey=public,
              CreateTime=dt.datetime.now(dt.timezone.utc).replace(microsecond=0))
    world.claim(part, NAME_INDEX, name, key_id)
    tagging.apply(world, key_id, tags or {})
    return key_id


def by_name(world: World, part: Partition, name: str) -> str:
    """The id of the key pair named `name`; raises `InvalidKeyPair.NotFound`."""
    for key_id in world.claimed(part, NAME_INDEX, name):
        return key_id
    raise NotFound(f"The key pair '{name}' does not exist", "InvalidKeyPair.NotFound")


def delete(world: World, part: Partition, *, key_name: str | None = None,
           key_pair_id: str | None = None) -> str | None:
    """Delete a key pair by id (unknown: `InvalidKeyPair.NotFound`) or by name (unknown: a
    silent success, as on AWS). Returns the deleted id, if any."""
    if key_pair_id:
        world.get(part, "key-pair", key_pair_id)
    elif key_name:
        key_pair_id = next(iter(world.claimed(part, NAME_INDEX, key_name)), None)
    else:
        raise MissingParameter("The request must contain the parameter KeyName or KeyPairId")
    if key_pair_id is not None:
        world.remove(key_pair_id)
    return key_pair_id


def select(world: World, part: Partition, names: list[str] | None,
           ids: list[str] | None) -> list[str] | None:
    """The key pairs a describe call names (every name and id must exist), or None for all."""
    if not names and not ids:
        return None
    chosen = [by_name(world, part, name) for name in dict.fromkeys(names or [])]
    for key_id in dict.fromkeys(ids or []):
        world.get(part, "key-pair", key_id)
        chosen.append(key_id)
    return list(dict.fromkeys(chosen))


# -- views and filters ------------------------------------------------------------------------
def view(world: World, key_id: str, *, include_public_key: bool = False) -> dict[str, Any]:
    """The key pair as boto3's `KeyPairInfo`."""
    node = world.graph.nodes[key_id]
    out: dict[str, Any] = {
        "KeyPairId": key_id,
        "KeyFingerprint": node["KeyFingerprint"],
        "KeyName": node["KeyName"],
        "KeyType": node["KeyType"],
        "Tags": tagging.listed(node["tags"]),
        "CreateTime": node["CreateTime"],
    }
    if include_public_key:
        out["PublicKey"] = node["PublicKey"]
    return out


FILTERS: dict[str, Filter] = {
    "key-pair-id": ident(),
    "key-name": Filter(lambda w, rid, n: n["KeyName"],
                       lambda w, part, value: w.claimed(part, NAME_INDEX, value), exact=True),
    "fingerprint": field("KeyFingerprint"),
    "key-type": field("KeyType"),
}


# DeleteKeyPair is bound from `delete` (docs/families.md)
declare_actions("key-pair", {"DeleteKeyPair": delete})
