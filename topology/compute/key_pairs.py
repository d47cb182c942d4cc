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

import datetime as dt
from types import ModuleType
from typing import Any

from ..core import tags as tagging
from ..core.errors import Conflict, InvalidParameterValue, MissingParameter, NotFound
from ..core.family import declare_actions
from ..core.filters import Filter, field, ident
from ..core.world import Partition, World

MAX_NAME = 255
NAME_INDEX = "key-name"


def crypto() -> ModuleType:
    """`_key_crypto`, imported on first use: `cryptography` costs ~25 ms to import, which a
    process that never makes or reads a key should not pay at its first call."""
    from . import _key_crypto
    return _key_crypto


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
    material, fingerprint, public = crypto().generate(key_type, key_format, name)
    return _add(world, part, name, fingerprint, key_type, f"{public} {name}", tags), material


def import_(world: World, part: Partition, name: str, material: bytes, *,
            tags: dict[str, str] | None = None) -> str:
    """Import a public key; returns the key pair id. Raises like `create`, and
    `InvalidKey.Format` for material that is not a supported public key."""
    check_name(world, part, name)
    key_type, fingerprint, public, comment = crypto().imported(material)
    return _add(world, part, name, fingerprint, key_type, f"{public} {comment or name}", tags)


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
