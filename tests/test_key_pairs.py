"""Key pair operations through boto3: create (RSA/ED25519, PEM/PPK), import (OpenSSH, PEM,
DER, RFC 4716), delete, describe; fingerprints recomputed here independently."""
from __future__ import annotations

import base64
import hashlib
import hmac
import re

import boto3
import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import serialization as ser
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from topology.compute import key_pairs
from helpers import error

KEY_ID = re.compile(r"key-[0-9a-f]{17}")


def colon_hex(digest: bytes) -> str:
    return ":".join(f"{b:02x}" for b in digest)


def openssh(key) -> str:
    return key.public_bytes(ser.Encoding.OpenSSH, ser.PublicFormat.OpenSSH).decode()


def blob(key) -> bytes:
    return base64.b64decode(openssh(key).split()[1])


def sha1_of_private(key: rsa.RSAPrivateKey) -> str:
    der = key.private_bytes(ser.Encoding.DER, ser.PrivateFormat.PKCS8, ser.NoEncryption())
    return colon_hex(hashlib.sha1(der).digest())


def md5_of_public(key: rsa.RSAPublicKey) -> str:
    der = key.public_bytes(ser.Encoding.DER, ser.PublicFormat.SubjectPublicKeyInfo)
    return colon_hex(hashlib.md5(der).digest())


def sha256_b64(key) -> str:
    return base64.b64encode(hashlib.sha256(blob(key)).digest()).decode()


def names(ec2, **kwargs) -> list[str]:
    return [k["KeyName"] for k in ec2.describe_key_pairs(**kwargs)["KeyPairs"]]


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def ed_key() -> ed25519.Ed25519PrivateKey:
    return ed25519.Ed25519PrivateKey.generate()


# -- CreateKeyPair ----------------------------------------------------------------------------
def test_create_rsa_pem_key_pair(ec2):
    made = ec2.create_key_pair(KeyName="web")
    material = made["KeyMaterial"]
    assert material.startswith("-----BEGIN RSA PRIVATE KEY-----\n")   # PKCS#1, unencrypted
    assert material.rstrip().endswith("-----END RSA PRIVATE KEY-----")
    private = ser.load_pem_private_key(material.encode(), password=None)
    assert isinstance(private, rsa.RSAPrivateKey) and private.key_size == 2048
    assert made["KeyFingerprint"] == sha1_of_private(private)
    assert len(made["KeyFingerprint"]) == 59                      # 20 bytes, colon-separated
    assert KEY_ID.fullmatch(made["KeyPairId"]) and made["KeyName"] == "web"
    assert "Tags" not in made                                     # no tag set when untagged
    [info] = ec2.describe_key_pairs(IncludePublicKey=True)["KeyPairs"]
    assert info["KeyPairId"] == made["KeyPairId"]
    assert info["KeyFingerprint"] == made["KeyFingerprint"] and info["KeyType"] == "rsa"
    assert info["PublicKey"] == f"{openssh(private.public_key())} web"
    assert info["Tags"] == [] and info["CreateTime"].year >= 2024


def test_create_ed25519_pem_key_pair(ec2):
    made = ec2.create_key_pair(KeyName="ed", KeyType="ed25519")
    assert made["KeyMaterial"].startswith("-----BEGIN OPENSSH PRIVATE KEY-----\n")
    private = ser.load_ssh_private_key(made["KeyMaterial"].encode(), password=None)
    assert isinstance(private, ed25519.Ed25519PrivateKey)
    # AWS keeps the base64 padding that ssh-keygen's SHA256: form drops
    assert made["KeyFingerprint"] == sha256_b64(private.public_key())
    assert made["KeyFingerprint"].endswith("=") and len(made["KeyFingerprint"]) == 44
    [info] = ec2.describe_key_pairs(KeyNames=["ed"])["KeyPairs"]
    assert info["KeyType"] == "ed25519" and "PublicKey" not in info


PPK_MAC_KEY = hashlib.sha1(b"putty-private-key-file-mac-key").digest()


def read_ppk(text: str) -> dict:
    """Parse an unencrypted PPK format 2 file and check its MAC (written from PuTTY's spec)."""
    lines = text.splitlines()
    head = dict(line.split(": ", 1) for line in lines[:3])
    algorithm = lines[0].split(": ", 1)[1]
    assert lines[0].startswith("PuTTY-User-Key-File-2: ")
    assert head["Encryption"] == "none"
    n_pub = int(lines[3].split(": ")[1])
    public = base64.b64decode("".join(lines[4:4 + n_pub]))
    at = 4 + n_pub
    assert lines[at].startswith("Private-Lines: ")
    n_priv = int(lines[at].split(": ")[1])
    private = base64.b64decode("".join(lines[at + 1:at + 1 + n_priv]))
    mac_line = lines[at + 1 + n_priv]
    assert mac_line.startswith("Private-MAC: ")

    def string(b: bytes) -> bytes:
        return len(b).to_bytes(4, "big") + b
    signed = b"".join(string(x) for x in (algorithm.encode(), b"none",
                                           head["Comment"].encode(), public, private))
    assert mac_line.split(": ")[1] == hmac.new(PPK_MAC_KEY, signed, hashlib.sha1).hexdigest()
    assert all(len(line) <= 64 for line in lines[4:at])
    return {"algorithm": algorithm, "comment": head["Comment"], "public": public,
            "private": private}


def ssh_fields(data: bytes) -> list[bytes]:
    out = []
    while data:
        size = int.from_bytes(data[:4], "big")
        out.append(data[4:4 + size])
        data = data[4 + size:]
    return out


def test_create_rsa_ppk_key_pair(ec2):
    made = ec2.create_key_pair(KeyName="putty", KeyFormat="ppk")
    ppk = read_ppk(made["KeyMaterial"])
    assert ppk["algorithm"] == "ssh-rsa" and ppk["comment"] == "putty"
    kind, e, n = ssh_fields(ppk["public"])
    d, p, q, iqmp = (int.from_bytes(x, "big") for x in ssh_fields(ppk["private"]))
    e, n = int.from_bytes(e, "big"), int.from_bytes(n, "big")
    assert kind == b"ssh-rsa" and p * q == n and (q * iqmp) % p == 1
    numbers = rsa.RSAPrivateNumbers(p, q, d, d % (p - 1), d % (q - 1), iqmp,
                                    rsa.RSAPublicNumbers(e, n))
    private = numbers.private_key()
    assert private.key_size == 2048
    assert made["KeyFingerprint"] == sha1_of_private(private)   # same rule as for PEM
    [info] = ec2.describe_key_pairs(KeyNames=["putty"], IncludePublicKey=True)["KeyPairs"]
    assert info["PublicKey"].split()[1] == base64.b64encode(ppk["public"]).decode()


def test_create_ed25519_ppk_key_pair(ec2):
    made = ec2.create_key_pair(KeyName="putty-ed", KeyType="ed25519", KeyFormat="ppk")
    ppk = read_ppk(made["KeyMaterial"])
    assert ppk["algorithm"] == "ssh-ed25519"
    [secret] = ssh_fields(ppk["private"])            # little-endian, unsigned
    private = ed25519.Ed25519PrivateKey.from_private_bytes(secret.ljust(32, b"\0"))
    assert blob(private.public_key()) == ppk["public"]
    assert made["KeyFingerprint"] == sha256_b64(private.public_key())


def test_create_key_pair_with_tags(ec2):
    made = ec2.create_key_pair(KeyName="tagged", TagSpecifications=[
        {"ResourceType": "key-pair", "Tags": [{"Key": "team", "Value": "a&b"}]}])
    assert made["Tags"] == [{"Key": "team", "Value": "a&b"}]
    assert names(ec2, Filters=[{"Name": "tag:team", "Values": ["a&b"]}]) == ["tagged"]
    rows = ec2.describe_tags(Filters=[{"Name": "resource-id", "Values": [made["KeyPairId"]]}])
    assert [(t["ResourceType"], t["Key"]) for t in rows["Tags"]] == [("key-pair", "team")]
    with pytest.raises(ClientError) as exc:
        ec2.create_key_pair(KeyName="other", TagSpecifications=[
            {"ResourceType": "instance", "Tags": [{"Key": "k", "Value": "v"}]}])
    assert error(exc) == ("InvalidParameterValue",
                          "'instance' is not a valid taggable resource type for this operation.")
    assert names(ec2) == ["tagged"]


def test_duplicate_names_are_refused_per_account_and_region(ec2, ed_key):
    ec2.create_key_pair(KeyName="dup")
    for call in (lambda: ec2.create_key_pair(KeyName="dup", KeyType="ed25519"),
                 lambda: ec2.import_key_pair(KeyName="dup",
                                             PublicKeyMaterial=openssh(ed_key.public_key()))):
        with pytest.raises(ClientError) as exc:
            call()
        assert error(exc) == ("InvalidKeyPair.Duplicate", "The keypair 'dup' already exists.")
    assert names(ec2) == ["dup"]
    west = boto3.client("ec2", region_name="us-west-2")
    other = boto3.client("ec2", region_name="us-east-1", aws_access_key_id="111122223333",
                         aws_secret_access_key="x")
    assert west.create_key_pair(KeyName="dup")["KeyName"] == "dup"
    assert other.create_key_pair(KeyName="dup")["KeyName"] == "dup"
    assert names(ec2) == ["dup"] and names(west) == ["dup"] and names(other) == ["dup"]


@pytest.mark.parametrize("name, message", [
    ("x" * 256, f"Value ({'x' * 256}) for parameter KeyName is invalid. "
                "Length exceeds maximum of 255."),
    ("clé", "Value (clé) for parameter KeyName is invalid. "
            "Character sets beyond ASCII are not supported."),
])
def test_key_names_aws_refuses(ec2, name, message):
    with pytest.raises(ClientError) as exc:
        ec2.create_key_pair(KeyName=name)
    assert error(exc) == ("InvalidParameterValue", message)
    assert names(ec2) == []
    assert ec2.create_key_pair(KeyName="x" * 255)["KeyName"] == "x" * 255


def test_dry_run_creates_nothing(ec2):
    with pytest.raises(ClientError) as exc:
        ec2.create_key_pair(KeyName="dry", DryRun=True)
    assert error(exc)[0] == "DryRunOperation"
    assert names(ec2) == []
    ec2.create_key_pair(KeyName="dry")
    with pytest.raises(ClientError) as exc:
        ec2.delete_key_pair(KeyName="dry", DryRun=True)
    assert error(exc)[0] == "DryRunOperation"
    assert names(ec2) == ["dry"]


# -- ImportKeyPair ----------------------------------------------------------------------------
def test_import_openssh_rsa_key_uses_md5_of_the_public_key(ec2, rsa_key):
    line = f"{openssh(rsa_key.public_key())} me@laptop\n"
    made = ec2.import_key_pair(KeyName="mine", PublicKeyMaterial=line.encode())
    assert made["KeyFingerprint"] == md5_of_public(rsa_key.public_key())
    assert KEY_ID.fullmatch(made["KeyPairId"]) and "KeyMaterial" not in made
    [info] = ec2.describe_key_pairs(KeyPairIds=[made["KeyPairId"]],
                                    IncludePublicKey=True)["KeyPairs"]
    assert info["KeyType"] == "rsa"
    assert info["PublicKey"] == line.strip()


def test_import_ed25519_key(ec2, ed_key):
    made = ec2.import_key_pair(KeyName="ed", PublicKeyMaterial=openssh(ed_key.public_key()))
    assert made["KeyFingerprint"] == sha256_b64(ed_key.public_key())
    assert ec2.describe_key_pairs()["KeyPairs"][0]["KeyType"] == "ed25519"


def rfc4716(key) -> str:
    body = base64.b64encode(blob(key)).decode()
    lines = [body[i:i + 70] for i in range(0, len(body), 70)]
    return "\n".join(["---- BEGIN SSH2 PUBLIC KEY ----",
                      'Comment: "2048-bit RSA, converted by me@laptop from Open\\',
                      'SSH"', *lines, "---- END SSH2 PUBLIC KEY ----", ""])


@pytest.mark.parametrize("form", ["pem-spki", "pem-pkcs1", "der", "base64-der", "rfc4716"])
def test_import_rsa_in_other_formats_gives_the_same_fingerprint(ec2, rsa_key, form):
    public = rsa_key.public_key()
    material = {
        "pem-spki": lambda: public.public_bytes(ser.Encoding.PEM,
                                                ser.PublicFormat.SubjectPublicKeyInfo),
        "pem-pkcs1": lambda: public.public_bytes(ser.Encoding.PEM, ser.PublicFormat.PKCS1),
        "der": lambda: public.public_bytes(ser.Encoding.DER,
                                           ser.PublicFormat.SubjectPublicKeyInfo),
        "base64-der": lambda: base64.b64encode(public.public_bytes(
            ser.Encoding.DER, ser.PublicFormat.SubjectPublicKeyInfo)),
        "rfc4716": lambda: rfc4716(public).encode(),
    }[form]()
    made = ec2.import_key_pair(KeyName=form, PublicKeyMaterial=material)
    assert made["KeyFingerprint"] == md5_of_public(public)
    [info] = ec2.describe_key_pairs(KeyNames=[form], IncludePublicKey=True)["KeyPairs"]
    assert info["PublicKey"].split()[:2] == openssh(public).split()


def test_reimporting_a_created_key_changes_its_fingerprint(ec2):
    made = ec2.create_key_pair(KeyName="created")
    private = ser.load_pem_private_key(made["KeyMaterial"].encode(), password=None)
    again = ec2.import_key_pair(KeyName="again",
                                PublicKeyMaterial=openssh(private.public_key()))
    assert made["KeyFingerprint"] == sha1_of_private(private)
    assert again["KeyFingerprint"] == md5_of_public(private.public_key())
    assert again["KeyFingerprint"] != made["KeyFingerprint"]


def _invalid_materials(rsa_key):
    ecdsa = ec.generate_private_key(ec.SECP256R1())
    small = rsa.RSAPublicNumbers(65537, (1 << 767) | 1).public_key()   # 768 bits: too short
    return {
        "garbage": b"hello world",
        "truncated": openssh(rsa_key.public_key())[:40].encode(),
        "ecdsa": openssh(ecdsa.public_key()).encode(),
        "private-key": rsa_key.private_bytes(ser.Encoding.PEM, ser.PrivateFormat.PKCS8,
                                             ser.NoEncryption()),
        "ed25519-pem": ed25519.Ed25519PrivateKey.generate().public_key().public_bytes(
            ser.Encoding.PEM, ser.PublicFormat.SubjectPublicKeyInfo),
        "rsa-768": openssh(small).encode(),
        "binary": bytes(range(256)),
    }


def test_import_refuses_what_is_no_supported_public_key(ec2, rsa_key):
    for label, material in _invalid_materials(rsa_key).items():
        with pytest.raises(ClientError) as exc:
            ec2.import_key_pair(KeyName=label, PublicKeyMaterial=material)
        assert error(exc) == ("InvalidKey.Format",
                              "Key is not in valid OpenSSH public key format"), label
    assert names(ec2) == []


# -- DescribeKeyPairs -------------------------------------------------------------------------
def test_describe_unknown_names_and_ids(ec2):
    made = ec2.create_key_pair(KeyName="known")
    with pytest.raises(ClientError) as exc:
        ec2.describe_key_pairs(KeyNames=["known", "missing"])
    assert error(exc) == ("InvalidKeyPair.NotFound", "The key pair 'missing' does not exist")
    with pytest.raises(ClientError) as exc:
        ec2.describe_key_pairs(KeyPairIds=["key-0123456789abcdef0"])
    assert error(exc)[0] == "InvalidKeyPair.NotFound"
    assert "key-0123456789abcdef0" in error(exc)[1]
    with pytest.raises(ClientError) as exc:
        ec2.describe_key_pairs(KeyPairIds=["nonsense"])
    assert error(exc)[0] == "InvalidKeyPair.Malformed"
    both = ec2.describe_key_pairs(KeyNames=["known"], KeyPairIds=[made["KeyPairId"]])
    assert [k["KeyName"] for k in both["KeyPairs"]] == ["known"]


def test_describe_filters(ec2, ed_key):
    rsa_made = ec2.create_key_pair(KeyName="app-rsa", TagSpecifications=[
        {"ResourceType": "key-pair", "Tags": [{"Key": "env", "Value": "prod"}]}])
    ed_made = ec2.import_key_pair(KeyName="app-ed",
                                  PublicKeyMaterial=openssh(ed_key.public_key()))
    ec2.create_key_pair(KeyName="other")

    def by(name: str, *values: str) -> list[str]:
        return sorted(names(ec2, Filters=[{"Name": name, "Values": list(values)}]))
    assert by("key-name", "app-*") == ["app-ed", "app-rsa"]
    assert by("key-name", "other") == ["other"]
    assert by("key-pair-id", ed_made["KeyPairId"]) == ["app-ed"]
    assert by("fingerprint", rsa_made["KeyFingerprint"]) == ["app-rsa"]
    assert by("key-type", "ed25519") == ["app-ed"]
    assert by("tag-key", "env") == ["app-rsa"]
    assert by("tag-value", "prod") == ["app-rsa"]
    assert by("tag:env", "dev") == []
    assert sorted(names(ec2, KeyNames=["app-rsa", "other"],
                        Filters=[{"Name": "key-type", "Values": ["rsa"]}])) == ["app-rsa", "other"]
    with pytest.raises(ClientError) as exc:
        ec2.describe_key_pairs(Filters=[{"Name": "owner-id", "Values": ["x"]}])
    assert error(exc) == ("InvalidParameterValue", "The filter 'owner-id' is invalid")


# -- DeleteKeyPair ----------------------------------------------------------------------------
def test_delete_by_name_and_by_id(ec2):
    first = ec2.create_key_pair(KeyName="first")
    second = ec2.create_key_pair(KeyName="second")
    answer = ec2.delete_key_pair(KeyName="first")
    assert answer["Return"] is True and answer["KeyPairId"] == first["KeyPairId"]
    answer = ec2.delete_key_pair(KeyPairId=second["KeyPairId"])
    assert answer["KeyPairId"] == second["KeyPairId"]
    assert names(ec2) == []
    assert ec2.create_key_pair(KeyName="first")["KeyPairId"] != first["KeyPairId"]


def test_deleting_a_missing_name_succeeds_but_a_missing_id_does_not(ec2):
    answer = ec2.delete_key_pair(KeyName="never-was")
    assert answer["Return"] is True and "KeyPairId" not in answer
    with pytest.raises(ClientError) as exc:
        ec2.delete_key_pair(KeyPairId="key-0123456789abcdef0")
    assert error(exc)[0] == "InvalidKeyPair.NotFound"
    with pytest.raises(ClientError) as exc:
        ec2.delete_key_pair()
    assert error(exc) == ("MissingParameter",
                          "The request must contain the parameter KeyName or KeyPairId")


def test_by_name_contract(mock, ec2):
    made = ec2.create_key_pair(KeyName="used-by-instances")
    part = mock.world.partition("123456789012", "us-east-1")
    assert key_pairs.by_name(mock.world, part, "used-by-instances") == made["KeyPairId"]
    with pytest.raises(key_pairs.NotFound) as exc:
        key_pairs.by_name(mock.world, part, "nope")
    assert (exc.value.code, exc.value.message) == (
        "InvalidKeyPair.NotFound", "The key pair 'nope' does not exist")


# -- against the server -----------------------------------------------------------------------
@pytest.mark.server
def test_key_pairs_against_server(server_ec2, ed_key):
    made = server_ec2.create_key_pair(KeyName="srv", KeyType="ed25519", KeyFormat="ppk")
    assert made["KeyMaterial"].startswith("PuTTY-User-Key-File-2: ssh-ed25519\n")
    imported = server_ec2.import_key_pair(KeyName="srv-imported",
                                          PublicKeyMaterial=openssh(ed_key.public_key()))
    assert imported["KeyFingerprint"] == sha256_b64(ed_key.public_key())
    listed = server_ec2.describe_key_pairs(IncludePublicKey=True)["KeyPairs"]
    assert sorted(k["KeyName"] for k in listed) == ["srv", "srv-imported"]
    assert server_ec2.delete_key_pair(KeyName="srv")["Return"] is True
    assert [k["KeyName"] for k in server_ec2.describe_key_pairs()["KeyPairs"]] == ["srv-imported"]
