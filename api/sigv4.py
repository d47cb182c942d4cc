"""Optional SigV4 verification for `ec2sim serve --verify-signatures`.

By default the simulator trusts whatever credential scope a request names (tests and tools
use dummy keys). With verification on, every Query request must carry a valid AWS Signature
Version 4 — in the `Authorization` header or in a presigned URL's query — made with a secret
the server knows. The request is re-signed with botocore's own signer (`SigV4Auth`) under
the request's X-Amz-Date, credential scope and signed headers, and the signatures compared:
botocore canonicalises the path, query and headers and hashes the payload
(`X-Amz-Content-SHA256` if signed, else the body) exactly as the SDKs do when they sign.

Credentials come from a JSON file (`{"AKID": "secret", ...}` or
`{"AKID": {"secret": "..."}}`), an INI file (sections with `aws_access_key_id` and
`aws_secret_access_key`, like ~/.aws/credentials, or `AKID = secret` lines), and the
environment's `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY` pair as a default.
"""
from __future__ import annotations

import configparser
import hmac
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.compat import HTTPHeaders
from botocore.credentials import Credentials

ALGORITHM = "AWS4-HMAC-SHA256"
_AUTH = re.compile(r"^AWS4-HMAC-SHA256\s+(.*)$", re.S)
_FIELD = re.compile(r"(Credential|SignedHeaders|Signature)=([^,\s]*)")


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
class _Resigner(SigV4Auth):
    """botocore's SigV4 signer, signing exactly the headers the client listed (botocore on its
    own drops some, such as User-Agent, and adds Host when missing)."""

    def headers_to_sign(self, request: AWSRequest) -> HTTPHeaders:
        return request.headers


class Verifier:
    """Checks requests' SigV4 signatures against known access key ids."""

    def __init__(self, credentials: Mapping[str, str]) -> None:
        self.credentials = dict(credentials)

    def verify(self, environ: Mapping[str, Any], body: bytes) -> None:
        """Raise `AuthError` unless the WSGI request is signed with a known key's secret:
        re-sign it with botocore under the request's own date, scope and signed headers."""
        # decoded as the dispatcher decodes them, so the signature covers what it reads
        query = parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        header = environ.get("HTTP_AUTHORIZATION", "")
        if header:
            fields = _header_auth(header, environ)
        elif any(key == "X-Amz-Signature" for key, _ in query):
            fields = _query_auth(dict(query))
        else:
            raise _missing()
        scope = fields["Credential"].split("/")
        if len(scope) != 5 or scope[4] != "aws4_request":
            raise _incomplete("malformed Credential scope")
        secret = self.credentials.get(scope[0])
        if secret is None:
            raise UNKNOWN_KEY
        names = [name for name in fields["SignedHeaders"].split(";") if name]
        # the Host that counts is the signed header; the URL's never reaches the signer
        request = AWSRequest(
            method=environ.get("REQUEST_METHOD", "GET").upper(),
            url="http://localhost" + _wire_path(environ), data=body,
            params=[pair for pair in query if pair[0] != "X-Amz-Signature"],
            headers={name: str(environ.get(_environ_key(name), "")) for name in names})
        request.context["timestamp"] = fields["Date"]   # botocore's clock would be now
        signer = _Resigner(Credentials(scope[0], secret), scope[3], scope[2])
        expected = signer.signature(
            signer.string_to_sign(request, signer.canonical_request(request)), request)
        if not hmac.compare_digest(expected.encode(), fields["Signature"].encode()):
            raise BAD_SIGNATURE


def _header_auth(header: str, environ: Mapping[str, Any]) -> dict[str, str]:
    match = _AUTH.match(header.strip())
    if match is None:
        raise _incomplete("unsupported Authorization scheme")
    fields = dict(_FIELD.findall(match.group(1)))
    for name in ("Credential", "SignedHeaders", "Signature"):
        if not fields.get(name):
            raise _incomplete(f"Authorization header requires '{name}' parameter")
    fields["Date"] = environ.get("HTTP_X_AMZ_DATE", "")
    if not fields["Date"]:
        raise _incomplete("Authorization header requires existence of the 'X-Amz-Date' header")
    return fields


def _query_auth(values: dict[str, str]) -> dict[str, str]:
    if values.get("X-Amz-Algorithm") != ALGORITHM:
        raise _incomplete("X-Amz-Algorithm must be AWS4-HMAC-SHA256")
    fields = {name: values.get(f"X-Amz-{name}", "")
              for name in ("Credential", "SignedHeaders", "Signature", "Date")}
    if not all(fields.values()):
        raise _incomplete("a presigned request needs X-Amz-Credential, X-Amz-Date, "
                          "X-Amz-SignedHeaders and X-Amz-Signature")
    return fields


def _wire_path(environ: Mapping[str, Any]) -> str:
    """The path as the client sent it (botocore encodes it once more, as clients do when
    signing); WSGI's PATH_INFO is decoded, so it is re-encoded when the raw URI is missing."""
    raw = str(environ.get("REQUEST_URI", "")).partition("?")[0]
    return raw if raw.startswith("/") else quote(environ.get("PATH_INFO") or "/")


def _environ_key(header: str) -> str:
    """Where WSGI keeps a header (Content-Type and Content-Length are not HTTP_ prefixed)."""
    name = header.upper().replace("-", "_")
    return name if name in ("CONTENT_TYPE", "CONTENT_LENGTH") else "HTTP_" + name
