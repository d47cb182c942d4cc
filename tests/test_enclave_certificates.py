"""ACM for Nitro Enclaves: IAM roles associated with ACM certificates, through boto3."""
from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from helpers import error

CERT = "arn:aws:acm:us-east-1:123456789012:certificate/123abcde-cdef-abcd-1234-123abcdef012"
ROLE = "arn:aws:iam::123456789012:role/EnclaveRole"
OTHER = "arn:aws:iam::123456789012:role/Other"


def roles(ec2) -> list[dict]:
    return ec2.get_associated_enclave_certificate_iam_roles(CertificateArn=CERT)[
        "AssociatedRoles"]


def test_associate_get_disassociate(ec2):
    answer = ec2.associate_enclave_certificate_iam_role(CertificateArn=CERT, RoleArn=ROLE)
    assert answer["CertificateS3BucketName"] == "aws-ec2-enclave-certificate-us-east-1"
    assert answer["CertificateS3ObjectKey"] == f"{ROLE}/{CERT}"
    assert len(answer["EncryptionKmsKeyId"]) == 36
    ec2.associate_enclave_certificate_iam_role(CertificateArn=CERT, RoleArn=OTHER)
    ec2.associate_enclave_certificate_iam_role(CertificateArn=CERT, RoleArn=ROLE)  # again
    assert [r["AssociatedRoleArn"] for r in roles(ec2)] == [ROLE, OTHER]
    assert roles(ec2)[0]["CertificateS3ObjectKey"] == answer["CertificateS3ObjectKey"]
    assert ec2.disassociate_enclave_certificate_iam_role(CertificateArn=CERT,
                                                         RoleArn=ROLE)["Return"] is True
    assert [r["AssociatedRoleArn"] for r in roles(ec2)] == [OTHER]


@pytest.mark.parametrize("cert, role", [
    ("arn:aws:acm:us-west-2:123456789012:certificate/123abcde-cdef-abcd-1234-123abcdef012",
     ROLE),                                         # another Region's certificate
    ("arn:aws:s3:::bucket", ROLE),
    (CERT, "arn:aws:iam::123456789012:user/bob"),
])
def test_arns_are_checked(ec2, cert, role):
    with pytest.raises(ClientError) as exc:
        ec2.associate_enclave_certificate_iam_role(CertificateArn=cert, RoleArn=role)
    assert error(exc)[0] == "InvalidParameterValue"
    assert roles(ec2) == []


def test_disassociating_what_is_not_associated(ec2):
    with pytest.raises(ClientError) as exc:
        ec2.disassociate_enclave_certificate_iam_role(CertificateArn=CERT, RoleArn=ROLE)
    assert error(exc)[0] == "InvalidParameterValue"


def test_enclave_roles_against_server(server_ec2):
    server_ec2.associate_enclave_certificate_iam_role(CertificateArn=CERT, RoleArn=ROLE)
    assert [r["AssociatedRoleArn"] for r in roles(server_ec2)] == [ROLE]
