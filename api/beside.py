"""ec2sim beside an emulator of the other AWS services (moto): asking it about the IAM instance
profiles and S3 buckets that EC2 requests name (`topology.outside`).

Two ways to run beside moto, and how each finds it:

* in-process, `mock_ec2` inside or around moto's `mock_aws`: `Beside()` asks moto through
  boto3 while a moto mock is active (moto answers the calls itself; with no moto mock active
  it asks nothing, so nothing ever goes to AWS);
* as servers, `ec2sim serve --beside URL` (e.g. a `moto_server`): `Beside(URL)` asks the
  emulator at URL.

The questions go in the caller's account (moto reads it from the `x-moto-account-id` header)
and region. Anything but a clear answer (the emulator does not run, does not know the
operation, times out) is "cannot tell", and ec2sim takes the name as given, as without it.
"""
from __future__ import annotations

import logging
import sys
import threading
from typing import Any

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from topology.core.outside import Outside

log = logging.getLogger("ec2sim")
_CONFIG = Config(retries={"max_attempts": 1}, connect_timeout=2, read_timeout=10,
                 s3={"addressing_style": "path"})


def moto_active() -> bool:
    """Whether one of moto's in-process mocks is active (without importing moto)."""
    models = sys.modules.get("moto.core.models")
    stubber = getattr(models, "botocore_stubber", None)
    return bool(getattr(stubber, "enabled", False))


class Beside(Outside):
    """The services beside ec2sim: the emulator at `endpoint_url`, or in-process moto."""

    def __init__(self, endpoint_url: str | None = None) -> None:
        self.endpoint_url = endpoint_url
        self._session: Any = None
        self._clients: dict[tuple[str, str, str], Any] = {}
        self._lock = threading.Lock()

    def instance_profile(self, account: str, region: str, name: str,
                         arn: str | None = None) -> dict[str, str] | None:
        try:
            iam = self._client("iam", account, region)
            if iam is None:
                return None
            found = iam.get_instance_profile(InstanceProfileName=name)["InstanceProfile"]
        except ClientError as err:
            return {} if err.response["Error"]["Code"] == "NoSuchEntity" else None
        except BotoCoreError as err:
            log.warning("cannot ask IAM beside ec2sim about instance profile %s: %s", name, err)
            return None
        if arn is not None and found["Arn"] != arn:
            return {}
        return {"Arn": found["Arn"], "Id": found["InstanceProfileId"]}

    def bucket_exists(self, account: str, region: str, bucket: str) -> bool | None:
        try:
            s3 = self._client("s3", account, region)
            if s3 is None:
                return None
            s3.head_bucket(Bucket=bucket)
            return True
        except ClientError as err:
            status = err.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            return False if status == 404 else True if status == 403 else None
        except BotoCoreError as err:
            log.warning("cannot ask S3 beside ec2sim about bucket %s: %s", bucket, err)
            return None

    def _client(self, service: str, account: str, region: str) -> Any:
        """A client of `service` as `account`, or None when nothing beside can answer."""
        if self.endpoint_url is None and not moto_active():
            return None
        key = (service, account, region)
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                client = self._new_client(service, account, region)
                self._clients[key] = client
        return client

    def _new_client(self, service: str, account: str, region: str) -> Any:
        import botocore.session

        if self._session is None:   # made late: moto hooks sessions made after its import
            self._session = botocore.session.Session()
        client = self._session.create_client(
            service, region_name=region, endpoint_url=self.endpoint_url,
            aws_access_key_id="ec2sim-beside", aws_secret_access_key="ec2sim-beside",
            config=_CONFIG)

        def in_account(request: Any, **_: Any) -> None:
            request.headers["x-moto-account-id"] = account
        client.meta.events.register("before-sign", in_account)
        return client
