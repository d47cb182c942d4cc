"""Optional SigV4 verification for `ec2sim serve --verify-signatures`.

By default the simulator trusts whatever credential scope a request names (tests and tools
use dummy keys). With verification on, every Query request must carry a valid AWS Signature
Version 4 — in the `Authorization` header or in a presigned URL's query — made with a secret
the server knows. The canonical request is built the way botocore builds it (and AWS checks
it): method, normalised and quoted path, sorted and re-quoted query (without
`X-Amz-Signature`), the signed headers trimmed, the signed header names, and the payload
hash (`X-Amz-Content-SHA256`, else the SHA-256 of the body).

Credentials come from a JSON file (`{"AKID": "secret", ...}` or
`{"AKID": {"secret": "..."}}`), an INI file (sections with `aws_access_key_id` and
`aws_secret_access_key`, like ~/.aws/credentials, or `AKID = secret` lines), and the
environment's `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY` pair as a default.
"""
from __future__ import annotations

import configparser
import hashlib
import hmac
import json
import os
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote

ALGORITHM = "AWS4-HMAC-SHA256"
_AUTH = re.compile(r"^AWS4-HMAC-SHA256\s+(.*)$", re.S)
_FIELD = re.compile(r"(Credential|SignedHeaders|Signature)=([^,\s]*)")
# environ keys of headers that WSGI does not prefix with HTTP_
_PLAIN_HEADERS = {"content-type": "CONTENT_TYPE", "content-length": "CONTENT_LENGTH"}


@dataclass(frozen=True)
class AuthError(Exception):
    """A request that fails verification: AWS's code, message and HTTP status."""

    code: str
    message: str
    status: int


def _missing() -> AuthError:
    return AuthError("MissingAuthenticationToken", "The request must contain either a valid "
                     "(registered) AWS access key ID or X.509 certificate.", 401)


def _incomplete(what: str) -> AuthError:
    return AuthError("IncompleteSignature", f"The request signature does not conform to AWS "
                     f"standards: {what}.", 400)


UNKNOWN_KEY = AuthError("AuthFailure",
                        "AWS was not able to validate the provided access credentials", 401)
BAD_SIGNATURE = AuthError(
    "SignatureDoesNotMatch", "The request signature we calculated does not match the signature "
    "you provided. Check your AWS Secret Access Key and signing method. Consult the service "
    "documentation for details.", 403)


# -- credentials ------------------------------------------------------------------------------
def load_credentials(path: str | None = None,
                     environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """Access key id -> secret: the environment's pair, then the file's (JSON or INI)."""
    environ = os.environ if environ is None else environ
    keys: dict[str, str] = {}
    if environ.get("AWS_ACCESS_KEY_ID") and environ.get("AWS_SECRET_ACCESS_KEY"):
        keys[environ["AWS_ACCESS_KEY_ID"]] = environ["AWS_SECRET_ACCESS_KEY"]
    if path:
        with open(path, encoding="utf-8") as source:
            text = source.read()
        keys.update(_from_json(text) if text.lstrip().startswith("{") else _from_ini(text))
    return keys


def _from_json(text: str) -> dict[str, str]:
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError("a credentials JSON file must be an object of access key id -> secret")
    keys = {}
    for key_id, value in data.items():
        secret = value.get("secret") if isinstance(value, dict) else value
        if not isinstance(secret, str):
            raise ValueError(f"no secret for access key id {key_id!r}")
        keys[str(key_id)] = secret
    return keys


def _from_ini(text: str) -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str   # type: ignore[assignment,method-assign]  # key ids are case-sensitive
    parser.read_string(text)
    keys = {}
    for name in parser.sections():
        section = parser[name]
        if "aws_access_key_id" in section and "aws_secret_access_key" in section:
            keys[section["aws_access_key_id"]] = section["aws_secret_access_key"]
        else:
            keys.update(section.items())
    return keys


# -- verification -----------------------------------------------------------------------------
class Verifier:
    """Checks requests' SigV4 signatures against known access key ids."""

    def __init__(self, credentials: Mapping[str, str]) -> None:
        self.credentials = dict(credentials)

    def verify(self, environ: Mapping[str, Any], body: bytes) -> None:
        """Raise `AuthError` unless the WSGI request is signed with a known key's secret."""
        query = _query_pairs(environ.get("QUERY_STRING", ""))
        header = environ.get("HTTP_AUTHORIZATION", "")
        if header:
            fields, date, payload = _header_auth(header, environ, body)
        elif any(key == "X-Amz-Signature" for key, _ in query):
            fields, date, payload = _query_auth(query, body)
        else:
            raise _missing()
        scope = fields["Credential"].split("/")
        if len(scope) != 5 or scope[4] != "aws4_request":
            raise _incomplete("malformed Credential scope")
        secret = self.credentials.get(scope[0])
        if secret is None:
            raise UNKNOWN_KEY
        signed = [name for name in fields["SignedHeaders"].split(";") if name]
        canonical = "\n".join([
            environ.get("REQUEST_METHOD", "GET").upper(),
            _canonical_path(environ.get("PATH_INFO", "") or "/"),
            _canonical_query([pair for pair in query if pair[0] != "X-Amz-Signature"]),
            "".join(f"{name}:{_header(environ, name)}\n" for name in signed),
            ";".join(signed),
            payload,
        ])
        to_sign = "\n".join([ALGORITHM, date, "/".join(scope[1:]),
                             hashlib.sha256(canonical.encode("utf-8")).hexdigest()])
        key = _signing_key(secret, *scope[1:4])
        expected = hmac.new(key, to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, fields["Signature"]):
            raise BAD_SIGNATURE


def _header_auth(header: str, environ: Mapping[str, Any],
                 body: bytes) -> tuple[dict[str, str], str, str]:
    match = _AUTH.match(header.strip())
    if match is None:
        raise _incomplete("unsupported Authorization scheme")
    fields = dict(_FIELD.findall(match.group(1)))
    for name in ("Credential", "SignedHeaders", "Signature"):
        if not fields.get(name):
            raise _incomplete(f"Authorization header requires '{name}' parameter")
    date = environ.get("HTTP_X_AMZ_DATE", "")
    if not date:
        raise _incomplete("Authorization header requires existence of the 'X-Amz-Date' header")
    payload = environ.get("HTTP_X_AMZ_CONTENT_SHA256") or hashlib.sha256(body).hexdigest()
    return fields, date, payload


def _query_auth(query: list[tuple[str, str]], body: bytes) -> tuple[dict[str, str], str, str]:
    values = dict(query)
    if values.get("X-Amz-Algorithm") != ALGORITHM:
        raise _incomplete("X-Amz-Algorithm must be AWS4-HMAC-SHA256")
    fields = {"Credential": values.get("X-Amz-Credential", ""),
              "SignedHeaders": values.get("X-Amz-SignedHeaders", ""),
              "Signature": values.get("X-Amz-Signature", "")}
    date = values.get("X-Amz-Date", "")
    if not all(fields.values()) or not date:
        raise _incomplete("a presigned request needs X-Amz-Credential, X-Amz-Date, "
                          "X-Amz-SignedHeaders and X-Amz-Signature")
    return fields, date, hashlib.sha256(body).hexdigest()


def _query_pairs(text: str) -> list[tuple[str, str]]:
    """The raw query's pairs, percent-decoded (not `+` as space: SigV4 encodes spaces %20)."""
    pairs = []
    for part in text.split("&"):
        if part:
            key, _, value = part.partition("=")
            pairs.append((unquote(key), unquote(value)))
    return pairs


def _canonical_query(pairs: list[tuple[str, str]]) -> str:
    encoded = sorted((quote(key, safe="-_.~"), quote(value, safe="-_.~")) for key, value in pairs)
    return "&".join(f"{key}={value}" for key, value in encoded)


def _canonical_path(path: str) -> str:
    """Dot segments removed, a trailing slash kept, then URI-encoded (`/` and `~` kept)."""
    normal = posixpath.normpath(path) if path not in ("", "/") else "/"
    if path.endswith("/") and normal != "/":
        normal += "/"
    normal = "/" + normal.lstrip("/")   # normpath keeps a leading '//'
    return quote(normal, safe="/~")


def _header(environ: Mapping[str, Any], name: str) -> str:
    key = "HTTP_HOST" if name == "host" else _PLAIN_HEADERS.get(
        name, "HTTP_" + name.upper().replace("-", "_"))
    return " ".join(str(environ.get(key, "")).split())


def _signing_key(secret: str, date: str, region: str, service: str) -> bytes:
    key = ("AWS4" + secret).encode("utf-8")
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode("utf-8"), hashlib.sha256).digest()
    return key
