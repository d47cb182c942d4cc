"""SSM's public image parameters (GetParameter, GetParameters, GetParametersByPath) through
boto3, in-process and against `ec2sim serve`, and instances launched from what they name."""
from __future__ import annotations

import json
import re
import urllib.error
import urllib.request

import boto3
import pytest
from botocore.exceptions import ClientError

from topology.catalogue import public_parameters
from helpers import error

AL = "/aws/service/ami-amazon-linux-latest"
AL2023 = f"{AL}/al2023-ami-kernel-default-x86_64"
UBUNTU = "/aws/service/canonical/ubuntu/server"
# names code in the wild asks for (moto's aws_verified tests, AWS's and Canonical's docs)
KNOWN = (AL2023, f"{AL}/al2023-ami-kernel-6.1-x86_64", f"{AL}/al2023-ami-kernel-6.12-x86_64",
         f"{AL}/al2023-ami-kernel-default-arm64", f"{AL}/al2023-ami-minimal-kernel-default-x86_64",
         f"{AL}/amzn2-ami-hvm-x86_64-gp2", f"{AL}/amzn2-ami-kernel-5.10-hvm-x86_64-gp2",
         "/aws/service/ami-windows-latest/Windows_Server-2022-English-Full-Base",
         "/aws/service/ami-windows-latest/Windows_Server-2019-English-Full-Base",
         f"{UBUNTU}/22.04/stable/current/amd64/hvm/ebs-gp2/ami-id",
         f"{UBUNTU}/jammy/stable/current/arm64/hvm/ebs-gp2/ami-id",
         f"{UBUNTU}/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id",
         "/aws/service/debian/release/12/latest/amd64",
         "/aws/service/debian/release/bookworm/latest/arm64")


@pytest.fixture
def ssm(mock):
    return boto3.client("ssm", region_name="us-east-1")


def image_of(ec2, image_id: str) -> dict:
    [image] = ec2.describe_images(ImageIds=[image_id])["Images"]
    return image


# -- in-process -------------------------------------------------------------------------------
def test_latest_amazon_linux_is_an_image_the_region_launches(ssm, ec2):
    param = ssm.get_parameter(Name=AL2023)["Parameter"]
    assert param["Name"] == AL2023 and param["Type"] == "String"
    assert param["ARN"] == f"arn:aws:ssm:us-east-1::parameter{AL2023}"
    assert param["DataType"] == "text" and param["Version"] >= 1
    assert param["LastModifiedDate"].year >= 2024
    image = image_of(ec2, param["Value"])
    assert image["Name"].startswith("al2023-ami-2023.") and image["Architecture"] == "x86_64"
    assert image["OwnerId"] == "137112412989" and "minimal" not in image["Name"]
    [inst] = ec2.run_instances(ImageId=param["Value"], MinCount=1, MaxCount=1,
                               InstanceType="t3.micro")["Instances"]
    assert inst["ImageId"] == param["Value"]


def test_values_are_the_callers_regions_images(mock):
    values = {}
    for region in ("us-east-1", "eu-west-1"):
        ssm = boto3.client("ssm", region_name=region)
        ec2 = boto3.client("ec2", region_name=region)
        param = ssm.get_parameter(Name=AL2023)["Parameter"]
        assert param["ARN"].startswith(f"arn:aws:ssm:{region}::parameter/")
        assert image_of(ec2, param["Value"])["ImageId"] == param["Value"]
        values[region] = param["Value"]
    assert values["us-east-1"] != values["eu-west-1"]
    with pytest.raises(ClientError) as exc:   # another region's image is not this one's
        boto3.client("ec2", region_name="eu-west-1").describe_images(
            ImageIds=[values["us-east-1"]])
    assert error(exc)[0] == "InvalidAMIID.NotFound"


@pytest.mark.parametrize("name", KNOWN)
def test_names_code_uses_exist_and_match_their_image(ssm, ec2, name):
    param = ssm.get_parameter(Name=name)["Parameter"]
    image = image_of(ec2, param["Value"])
    arch = "arm64" if "arm64" in name else "x86_64"
    assert image["Architecture"] == arch
    owner = {"canonical": "099720109477", "debian": "136693071363"}.get(name.split("/")[3],
                                                                        None)
    if owner:
        assert image["OwnerId"] == owner
    else:
        assert image["ImageOwnerAlias"] == "amazon"
    assert ("windows" in name) == (image.get("Platform") == "windows")
    assert param["DataType"] == ("aws:ec2:image" if "canonical" in name else "text")


def test_every_public_parameter_names_an_image(ssm, ec2):
    names = []
    for root in public_parameters.ROOTS:
        pages = ssm.get_paginator("get_parameters_by_path").paginate(Path=root, Recursive=True)
        names += [p["Name"] for page in pages for p in page["Parameters"]]
    assert names == list(public_parameters.tree())
    values = {p["Value"] for chunk in range(0, len(names), 10)
              for p in ssm.get_parameters(Names=names[chunk:chunk + 10])["Parameters"]}
    assert {i["ImageId"] for i in ec2.describe_images(ImageIds=sorted(values))["Images"]} == values


def test_unknown_names_are_not_found(ssm):
    with pytest.raises(ClientError) as exc:
        ssm.get_parameter(Name=f"{AL}/al2099-ami-kernel-default-x86_64")
    assert error(exc) == ("ParameterNotFound", "")
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    with pytest.raises(ssm.exceptions.ParameterNotFound):
        ssm.get_parameter(Name=AL)      # a path is no parameter
    answer = ssm.get_parameters(Names=[AL2023, f"{AL}/nope", AL2023])
    assert [p["Name"] for p in answer["Parameters"]] == [AL2023]
    assert answer["InvalidParameters"] == [f"{AL}/nope"]


def test_a_version_selector_names_the_current_version(ssm):
    version = ssm.get_parameter(Name=AL2023)["Parameter"]["Version"]
    param = ssm.get_parameter(Name=f"{AL2023}:{version}")["Parameter"]
    assert param["Selector"] == f":{version}" and param["Name"] == AL2023
    with pytest.raises(ClientError) as exc:
        ssm.get_parameter(Name=f"{AL2023}:{version + 1}")
    assert error(exc)[0] == "ParameterVersionNotFound"
    answer = ssm.get_parameters(Names=[f"{AL2023}:{version + 1}"])
    assert answer["Parameters"] == [] and answer["InvalidParameters"] == [f"{AL2023}:{version + 1}"]


def test_by_path_lists_one_level_unless_recursive(ssm):
    flat = ssm.get_parameters_by_path(Path="/aws/service/ami-windows-latest")["Parameters"]
    assert [p["Name"].rsplit("/", 1)[1] for p in flat] == [
        "Windows_Server-2019-English-Full-Base", "Windows_Server-2022-English-Full-Base"]
    assert ssm.get_parameters_by_path(Path="/aws/service/debian")["Parameters"] == []
    deep = ssm.get_parameters_by_path(Path="/aws/service/debian/", Recursive=True, MaxResults=10)
    assert len(deep["Parameters"]) == 8 and "NextToken" not in deep
    assert all(p["Name"].startswith("/aws/service/debian/release/") for p in deep["Parameters"])


def test_by_path_pages_with_max_results_and_next_token(ssm):
    every = [p["Name"] for p in public_parameters.under("us-east-1", UBUNTU, recursive=True)]
    seen, token, pages = [], None, 0
    while True:
        kwargs = {"NextToken": token} if token else {}
        page = ssm.get_parameters_by_path(Path=UBUNTU, Recursive=True, MaxResults=3, **kwargs)
        assert len(page["Parameters"]) <= 3
        seen += [p["Name"] for p in page["Parameters"]]
        pages += 1
        token = page.get("NextToken")
        if not token:
            break
    assert seen == every and pages == -(-len(every) // 3)
    with pytest.raises(ClientError) as exc:
        ssm.get_parameters_by_path(Path=UBUNTU, NextToken="not-a-token")
    assert error(exc) == ("InvalidNextToken", "The specified token isn't valid.")
    with pytest.raises(ClientError) as exc:
        ssm.get_parameters_by_path(Path=UBUNTU, MaxResults=11)
    assert error(exc)[0] in ("ValidationException", "ParamValidation")


def test_by_path_filters(ssm):
    image_typed = [{"Key": "DataType", "Values": ["aws:ec2:image"]}]
    canonical = ssm.get_parameters_by_path(Path="/aws/service/canonical/ubuntu", Recursive=True,
                                           ParameterFilters=image_typed)
    assert canonical["Parameters"] and all(
        p["DataType"] == "aws:ec2:image" for p in canonical["Parameters"])
    assert ssm.get_parameters_by_path(Path="/aws/service/debian", Recursive=True,
                                      ParameterFilters=image_typed)["Parameters"] == []
    typed = ssm.get_parameters_by_path(
        Path=AL, ParameterFilters=[{"Key": "Type", "Option": "Equals", "Values": ["String"]}])
    assert len(typed["Parameters"]) == 10
    with pytest.raises(ClientError) as exc:
        ssm.get_parameters_by_path(Path=AL, ParameterFilters=[{"Key": "Name", "Values": ["x"]}])
    assert error(exc)[0] == "InvalidFilterKey"


# -- against the server -----------------------------------------------------------------------
def _server_client(service: str, url: str, region: str = "us-east-1"):
    return boto3.client(service, region_name=region, endpoint_url=url,
                        aws_access_key_id="testing", aws_secret_access_key="testing")


@pytest.mark.server
def test_parameters_against_server(server_url):
    ssm, ec2 = _server_client("ssm", server_url, "us-west-2"), _server_client("ec2", server_url,
                                                                            "us-west-2")
    param = ssm.get_parameter(Name=f"{UBUNTU}/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id"
                              )["Parameter"]
    assert param["ARN"].startswith("arn:aws:ssm:us-west-2::parameter/aws/service/canonical/")
    [inst] = ec2.run_instances(ImageId=param["Value"], MinCount=1, MaxCount=1)["Instances"]
    assert inst["ImageId"] == param["Value"]
    assert image_of(ec2, param["Value"])["Name"].startswith("ubuntu/images/hvm-ssd-gp3/")
    pages = list(ssm.get_paginator("get_parameters_by_path").paginate(Path=AL))
    assert sum(len(p["Parameters"]) for p in pages) == 14 and len(pages) == 2
    answer = ssm.get_parameters(Names=[AL2023, "/my/own"])
    assert answer["InvalidParameters"] == ["/my/own"]
    with pytest.raises(ClientError) as exc:
        ssm.get_parameter(Name="/my/own")     # a server answers every name it is asked
    assert error(exc) == ("ParameterNotFound", "")


@pytest.mark.server
def test_other_ssm_operations_are_named_as_not_implemented(server_url):
    ssm = _server_client("ssm", server_url)
    with pytest.raises(ClientError) as exc:
        ssm.put_parameter(Name="/x", Value="y", Type="String")
    assert error(exc) == ("NotImplemented", "The operation PutParameter is not implemented by ec2sim.")
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501


def _raw(url: str, target: str, body: bytes, service: str = "ssm") -> tuple[int, dict, str]:
    request = urllib.request.Request(url + "/", data=body, method="POST", headers={
        "X-Amz-Target": target, "Content-Type": "application/x-amz-json-1.1",
        "Authorization": f"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250101/us-east-1/{service}/"
                         "aws4_request, SignedHeaders=host, Signature=0"})
    try:
        with urllib.request.urlopen(request) as answer:
            return answer.status, json.loads(answer.read()), answer.headers["Content-Type"]
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read()), err.headers["Content-Type"]


@pytest.mark.server
def test_raw_json_requests_get_awss_errors(server_url):
    status, body, kind = _raw(server_url, "AmazonSSM.GetParameter", b"{}")
    assert (status, body["__type"], kind) == (400, "ValidationException",
                                              "application/x-amz-json-1.1")
    assert re.fullmatch(r"1 validation error detected: Value null at 'name' .*", body["message"])
    status, body, _ = _raw(server_url, "AmazonSSM.GetParameter", b"[not json")
    assert (status, body["__type"]) == (400, "SerializationException")
    status, body, _ = _raw(server_url, "AmazonSSM.NoSuchThing", b"{}")
    assert (status, body["__type"]) == (400, "UnknownOperationException")
    status, body, _ = _raw(server_url, "AmazonSSM.DescribeParameters", b"{}")
    assert (status, body["__type"]) == (501, "NotImplemented")
    assert "DescribeParameters" in body["message"]
    status, body, _ = _raw(server_url, "AmazonSSM.GetParameter",
                           json.dumps({"Name": AL2023}).encode())
    assert status == 200 and body["Parameter"]["Name"] == AL2023
    assert isinstance(body["Parameter"]["LastModifiedDate"], (int, float))


@pytest.mark.server
def test_signed_requests_are_checked_and_refused_in_json(start_server):
    url = start_server("--verify-signatures")     # the conftest's testing/testing key
    assert _server_client("ssm", url).get_parameter(Name=AL2023)["Parameter"]["Name"] == AL2023
    forged = boto3.client("ssm", region_name="us-east-1", endpoint_url=url,
                          aws_access_key_id="testing", aws_secret_access_key="wrong")
    with pytest.raises(ClientError) as exc:
        forged.get_parameter(Name=AL2023)
    assert error(exc)[0] == "SignatureDoesNotMatch"
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
