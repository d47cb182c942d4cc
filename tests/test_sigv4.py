"""`ec2sim serve --verify-signatures`: SigV4 checked against configured credentials.

boto3, botocore, the AWS CLI and the JavaScript SDK sign; the server re-signs with botocore's
signer under the request's date, scope and signed headers and compares. The right secret
passes, a wrong one is `SignatureDoesNotMatch` (403), an unknown access key id `AuthFailure`
(401), an unsigned request `MissingAuthenticationToken`; presigned URLs are checked the same
way. Without the flag any key is trusted (the default every other test uses).
"""
from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import boto3
import botocore
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from api.sigv4 import AuthError, Verifier, load_credentials

REGION = "us-east-1"
SIGNATURE_MESSAGE = (
    "The request signature we calculated does not match the signature you provided. Check your "
    "AWS Secret Access Key and signing method. Consult the service documentation for details.")


def client(url: str, key: str, secret: str, region: str = REGION, service: str = "ec2",
           **config: Any) -> Any:
    return boto3.client(service, region_name=region, endpoint_url=url, aws_access_key_id=key,
                        aws_secret_access_key=secret, config=Config(retries={"max_attempts": 1},
                                                                    **config))


def fetch(request: Any) -> tuple[int, bytes]:
    """(status, body) of a plain HTTP request, every response closed."""
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as err:
        with err:
            return err.code, err.read()


def failure(call: Any) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as exc:
        call()
    response = exc.value.response
    return (response["Error"]["Code"], response["Error"]["Message"],
            response["ResponseMetadata"]["HTTPStatusCode"])


@pytest.fixture(scope="module")
def credentials_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("creds") / "credentials.json"
    path.write_text(json.dumps({"111122223333": "alpha/secret+1", "AKIAEXAMPLE": {"secret": "b"}}))
    return path


@pytest.fixture
def verifying(start_server: Any, credentials_file: Path) -> str:
    # the environment's pair (testing/testing, see conftest) is added as a default
    return str(start_server("--verify-signatures", "--credentials", str(credentials_file)))


def test_the_right_secret_passes_and_names_the_account(verifying: str) -> None:
    ec2 = client(verifying, "111122223333", "alpha/secret+1")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", TagSpecifications=[{
        "ResourceType": "vpc", "Tags": [{"Key": "a b/c~*", "Value": "x y&z=ü"}]}])["Vpc"]
    assert vpc["OwnerId"] == "111122223333"
    found = ec2.describe_vpcs(Filters=[{"Name": "tag:a b/c~*", "Values": ["x y&z=ü"]}])["Vpcs"]
    assert [v["VpcId"] for v in found] == [vpc["VpcId"]]
    assert client(verifying, "AKIAEXAMPLE", "b").describe_vpcs()["Vpcs"]
    assert client(verifying, "testing", "testing").describe_regions()["Regions"]
    # another region's scope signs with another key; STS is checked too
    assert client(verifying, "AKIAEXAMPLE", "b", region="eu-west-1").describe_vpcs()["Vpcs"]
    sts = client(verifying, "111122223333", "alpha/secret+1", service="sts")
    assert sts.get_caller_identity()["Account"] == "111122223333"


def test_a_wrong_secret_is_signature_does_not_match(verifying: str) -> None:
    ec2 = client(verifying, "111122223333", "alpha/secret+2")
    assert failure(ec2.describe_vpcs) == ("SignatureDoesNotMatch", SIGNATURE_MESSAGE, 403)
    assert failure(lambda: ec2.create_vpc(CidrBlock="10.0.0.0/16"))[0] == "SignatureDoesNotMatch"
    good = client(verifying, "111122223333", "alpha/secret+1")
    assert all(v["IsDefault"] for v in good.describe_vpcs()["Vpcs"])   # nothing was created
    sts = client(verifying, "111122223333", "nope", service="sts")
    assert failure(sts.get_caller_identity)[0] == "SignatureDoesNotMatch"


def test_an_unknown_access_key_is_auth_failure(verifying: str) -> None:
    ec2 = client(verifying, "999999999999", "alpha/secret+1")
    assert failure(ec2.describe_vpcs) == (
        "AuthFailure", "AWS was not able to validate the provided access credentials", 401)


def test_an_unsigned_request_fails(verifying: str) -> None:
    ec2 = client(verifying, "x", "y", signature_version=botocore.UNSIGNED)
    code, _, status = failure(ec2.describe_vpcs)
    assert (code, status) == ("MissingAuthenticationToken", 401)
    # a forged header with a known key but no valid signature
    request = urllib.request.Request(
        verifying + "/?Action=DescribeVpcs&Version=2016-11-15", headers={
            "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20240101/us-east-1/ec2/"
                             "aws4_request, SignedHeaders=host, Signature=" + "0" * 64,
            "X-Amz-Date": "20240101T000000Z"})
    status, body = fetch(request)
    assert status == 403 and b"<Code>SignatureDoesNotMatch</Code>" in body


def test_presigned_urls_are_verified(verifying: str) -> None:
    ec2 = client(verifying, "111122223333", "alpha/secret+1")
    url = ec2.generate_presigned_url("describe_vpcs", HttpMethod="GET",
                                     Params={"Filters": [{"Name": "is-default",
                                                          "Values": ["true"]}]})
    status, body = fetch(url)
    assert status == 200 and b"<isDefault>true</isDefault>" in body
    tampered = url.replace("Values.1=true", "Values.1=false").replace("Value.1=true",
                                                                        "Value.1=false")
    assert tampered != url
    assert fetch(tampered)[0] == 403
    wrong = client(verifying, "111122223333", "other").generate_presigned_url(
        "describe_vpcs", HttpMethod="GET")
    assert fetch(wrong)[0] == 403


def test_without_the_flag_any_key_is_trusted(server_url: str) -> None:
    assert client(server_url, "111122223333", "whatever").describe_vpcs()["Vpcs"]


def test_serve_refuses_verification_without_credentials(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from api.cli import main
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    assert main(["serve", "--verify-signatures"]) == 2
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]")
    assert main(["serve", "--verify-signatures", "--credentials", str(bad)]) == 2


def test_credentials_files_json_ini_and_environment(tmp_path: Path) -> None:
    ini = tmp_path / "credentials"
    ini.write_text("[default]\naws_access_key_id = AKIAONE\naws_secret_access_key = s1\n\n"
                   "[keys]\nAKIATWO = s2\n")
    env = {"AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "se"}
    assert load_credentials(str(ini), env) == {"AKIAENV": "se", "AKIAONE": "s1", "AKIATWO": "s2"}
    doc = tmp_path / "creds.json"
    doc.write_text(json.dumps({"AKIAENV": "override", "AKIA3": {"secret": "s3"}}))
    assert load_credentials(str(doc), env) == {"AKIAENV": "override", "AKIA3": "s3"}
    assert load_credentials(None, {}) == {}


def test_the_verifier_matches_botocore_on_a_prepared_request() -> None:
    """Directly, without a server: botocore's signer and ours agree (and disagree on a change)."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    body = b"Action=DescribeVpcs&Version=2016-11-15&Filter.1.Name=tag%3AName&Filter.1.Value.1=a%20b"
    request = AWSRequest(method="POST", url="http://localhost:5000/some/../path/", data=body,
                         headers={"Content-Type": "application/x-www-form-urlencoded; "
                                                  "charset=utf-8"})
    SigV4Auth(Credentials("AKID", "sekrit"), "ec2", "eu-west-1").add_auth(request)
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/some/../path/", "QUERY_STRING": "",
               "HTTP_HOST": "localhost:5000", "CONTENT_TYPE": request.headers["Content-Type"],
               "HTTP_X_AMZ_DATE": request.headers["X-Amz-Date"],
               "HTTP_AUTHORIZATION": request.headers["Authorization"]}
    Verifier({"AKID": "sekrit"}).verify(environ, body)
    from api.sigv4 import AuthError
    with pytest.raises(AuthError) as exc:
        Verifier({"AKID": "sekrit"}).verify(environ, body + b"&DryRun=true")
    assert exc.value.code == "SignatureDoesNotMatch"


# -- clients signing for themselves against a verifying server ----------------------------------
ODD_KEY, ODD_VALUE = "a b/c~+ü", "x y/z~+ü*&="
ALPHA = ("111122223333", "alpha/secret+1")


class _SignsEveryHeader(SigV4Auth):
    """A client that signs User-Agent too (botocore's own signer leaves it out)."""

    def headers_to_sign(self, request: AWSRequest) -> Any:
        headers = super().headers_to_sign(request)
        headers["user-agent"] = request.headers["User-Agent"]
        return headers


def signed(url: str, method: str = "POST", body: str = "", params: Any = None,
           key: tuple[str, str] = ALPHA, signer: type[SigV4Auth] = SigV4Auth,
           **headers: str) -> urllib.request.Request:
    """A request signed by botocore's signer (or a subclass), ready for urllib."""
    request = AWSRequest(method=method, url=url + "/", data=body.encode(), params=params or {},
                         headers=({"Content-Type": "application/x-www-form-urlencoded; "
                                   "charset=utf-8"} if body else {}) | headers)
    signer(Credentials(*key), "ec2", REGION).add_auth(request)
    prepared = request.prepare()
    return urllib.request.Request(prepared.url, data=prepared.body or None, method=method,
                                  headers=dict(prepared.headers.items()))


@pytest.mark.server
def test_botocore_signs_a_query_string_with_odd_characters(verifying: str) -> None:
    ec2 = client(verifying, *ALPHA)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", TagSpecifications=[{
        "ResourceType": "vpc", "Tags": [{"Key": ODD_KEY, "Value": ODD_VALUE}]}])["Vpc"]["VpcId"]
    query = [("Action", "DescribeVpcs"), ("Version", "2016-11-15"),
             ("Filter.1.Name", f"tag:{ODD_KEY}"), ("Filter.1.Value.1", ODD_VALUE)]
    # botocore sends spaces as '+' and signs them as %20: the server reads both the same way
    request = signed(verifying, "GET", params=query)
    assert "+" in request.full_url and "%2B" in request.full_url
    status, body = fetch(request)
    assert status == 200 and f"<vpcId>{vpc}</vpcId>".encode() in body
    tampered = urllib.request.Request(request.full_url.replace("z~", "q~"),
                                      headers=request.headers)
    assert fetch(tampered)[0] == 403
    url = ec2.generate_presigned_url("describe_vpcs", HttpMethod="GET", Params={
        "Filters": [{"Name": f"tag:{ODD_KEY}", "Values": [ODD_VALUE]}]})
    status, body = fetch(url)
    assert status == 200 and f"<vpcId>{vpc}</vpcId>".encode() in body


@pytest.mark.server
def test_a_tampered_body_or_date_is_refused_and_changes_nothing(verifying: str) -> None:
    honest = signed(verifying, body="Action=CreateVpc&Version=2016-11-15&CidrBlock=10.9.0.0/16")
    assert isinstance(honest.data, bytes)
    body = honest.data.replace(b"10.9.", b"10.8.")
    status, answer = fetch(urllib.request.Request(honest.full_url, data=body,
                                                  headers=honest.headers))
    assert status == 403 and b"<Code>SignatureDoesNotMatch</Code>" in answer
    date = honest.headers["X-amz-date"]
    later = date[:-3] + ("00Z" if date[-3:] != "00Z" else "01Z")
    assert fetch(urllib.request.Request(honest.full_url, data=honest.data, headers={
        **honest.headers, "X-amz-date": later}))[0] == 403
    cidrs = {v["CidrBlock"] for v in client(verifying, *ALPHA).describe_vpcs()["Vpcs"]}
    assert "10.8.0.0/16" not in cidrs and "10.9.0.0/16" not in cidrs
    assert fetch(honest)[0] == 200
    cidrs = {v["CidrBlock"] for v in client(verifying, *ALPHA).describe_vpcs()["Vpcs"]}
    assert "10.9.0.0/16" in cidrs and "10.8.0.0/16" not in cidrs


@pytest.mark.server
def test_the_headers_checked_are_the_ones_the_client_signed(verifying: str) -> None:
    body = "Action=DescribeRegions&Version=2016-11-15"
    request = signed(verifying, body=body, signer=_SignsEveryHeader, **{"User-Agent": "one/1"})
    assert "user-agent" in request.headers["Authorization"]
    assert fetch(request)[0] == 200
    changed = urllib.request.Request(request.full_url, data=request.data,
                                     headers={**request.headers, "User-agent": "two/2"})
    assert fetch(changed)[0] == 403
    # botocore leaves User-Agent unsigned: then it may be anything
    plain = signed(verifying, body=body, **{"User-Agent": "one/1"})
    assert "user-agent" not in plain.headers["Authorization"]
    assert fetch(urllib.request.Request(plain.full_url, data=plain.data, headers={
        **plain.headers, "User-agent": "two/2", "X-Unsigned": "x"}))[0] == 200
    assert fetch(signed(verifying, body=body, key=("111122223333", "wrong")))[0] == 403


@pytest.mark.server
@pytest.mark.cli
def test_the_aws_cli_signs_for_a_verifying_server(verifying: str, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull, AWS_PAGER="",
               HOME=str(tmp_path), AWS_ACCESS_KEY_ID=ALPHA[0])

    def aws(secret: str, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "awscli", "ec2", *args, "--endpoint-url",
                               verifying, "--region", REGION, "--output", "json"],
                              env={**env, "AWS_SECRET_ACCESS_KEY": secret}, text=True,
                              capture_output=True, timeout=120, stdin=subprocess.DEVNULL)

    made = aws(ALPHA[1], "create-vpc", "--cidr-block", "10.3.0.0/16", "--tag-specifications",
               json.dumps([{"ResourceType": "vpc", "Tags": [{"Key": ODD_KEY,
                                                             "Value": ODD_VALUE}]}]))
    assert made.returncode == 0, made.stderr
    found = aws(ALPHA[1], "describe-vpcs", "--filters",
                json.dumps([{"Name": f"tag:{ODD_KEY}", "Values": [ODD_VALUE]}]))
    assert found.returncode == 0, found.stderr
    assert [v["CidrBlock"] for v in json.loads(found.stdout)["Vpcs"]] == ["10.3.0.0/16"]
    refused = aws("alpha/secret+2", "describe-vpcs")
    assert refused.returncode != 0 and "SignatureDoesNotMatch" in refused.stderr


@pytest.mark.server
def test_the_javascript_sdk_signs_for_a_verifying_server(start_server: Any) -> None:
    """SDK v3 also signs x-amz-content-sha256 (botocore does not, for EC2)."""
    from test_js_sdk import JS, _node
    node = _node()
    url = start_server("--verify-signatures")          # the conftest's testing/testing key
    ec2 = client(url, "testing", "testing")
    image = sorted(i["ImageId"] for i in ec2.describe_images(Owners=["amazon"])["Images"])[0]
    done = subprocess.run([node, str(JS / "session.mjs"), url, image], cwd=JS,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    vpc = json.loads(done.stdout)["vpc"]["id"]
    assert [v["VpcId"] for v in ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"]] == [vpc]


def test_the_signature_is_made_under_the_request_s_own_date(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Not the server's clock (clock skew is not checked today); hostile fields stay 4xx."""
    import botocore.auth
    monkeypatch.setattr(botocore.auth, "get_current_datetime",
                        lambda: datetime.datetime(2020, 2, 29, 23, 59, 59))
    request = AWSRequest(method="POST", url="http://h:1/", data=b"Action=DescribeVpcs")
    SigV4Auth(Credentials("AKID", "sekrit"), "ec2", "eu-west-1").add_auth(request)
    assert request.headers["X-Amz-Date"] == "20200229T235959Z"
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/", "REQUEST_URI": "/", "HTTP_HOST": "h:1",
               "HTTP_X_AMZ_DATE": request.headers["X-Amz-Date"],
               "HTTP_AUTHORIZATION": request.headers["Authorization"]}
    verifier = Verifier({"AKID": "sekrit"})
    verifier.verify(environ, b"Action=DescribeVpcs")
    hostile = [{"HTTP_X_AMZ_DATE": "20200301T000000Z"}, {"HTTP_HOST": "[::1"},
               {"REQUEST_URI": "//[x#y?z"},
               {"HTTP_AUTHORIZATION": request.headers["Authorization"][:-64] + "é" * 64}]
    for change in hostile:
        with pytest.raises(AuthError) as exc:
            verifier.verify({**environ, **change}, b"Action=DescribeVpcs")
        assert exc.value.code == "SignatureDoesNotMatch", change
