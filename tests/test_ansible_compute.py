"""Ansible's amazon.aws compute and account modules against `ec2sim serve`.

Each playbook runs a module family's life cycle (create, idempotent re-run, check mode,
update, `_info`, delete); the tests assert the values the modules document as returned and
check with boto3 that check mode created nothing and deletes took effect.
"""
from __future__ import annotations

import base64
import hashlib
from typing import Any

import pytest

pytestmark = [pytest.mark.server, pytest.mark.ansible]

PUBLIC_KEY = ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBrwiA3bLI2FaRFi+ZO0RxQdPSZn4NlOJt09utyZBq1z "
              "ansible@test")


def _no_tag(server_ec2: Any, describe: str, key: str, value: str) -> bool:
    """True when no resource that `describe` lists carries tag KEY=VALUE."""
    answer = getattr(server_ec2, describe)(Filters=[{"Name": f"tag:{key}", "Values": [value]}])
    listed = next(v for k, v in answer.items() if isinstance(v, list))
    return listed == []


def test_account_keys_and_placement_groups(playbook: Any, server_ec2: Any) -> None:
    out = playbook("account.yml", public_key=PUBLIC_KEY)
    caller = out["caller"]
    assert (caller["account"], caller["arn"]) == ("123456789012", "arn:aws:iam::123456789012:root")
    # ec2sim serves no IAM: ListAccountAliases fails, and the module leaves the alias out, as
    # it does on AWS for a caller without iam:ListAccountAliases
    assert "account_alias" not in caller
    assert {r["region_name"]: r["endpoint"] for r in out["regions"]["regions"]} == {
        "us-east-1": "ec2.us-east-1.amazonaws.com", "eu-west-1": "ec2.eu-west-1.amazonaws.com"}
    [zone] = out["zones"]["availability_zones"]
    assert (zone["zone_name"], zone["region_name"], zone["state"]) == \
        ("us-east-1a", "us-east-1", "available")

    made = out["create key"]["key"]
    assert made["name"] == "made-key" and made["id"].startswith("key-")
    assert made["private_key"].startswith("-----BEGIN RSA PRIVATE KEY-----")
    blob = base64.b64decode(PUBLIC_KEY.split()[1])
    imported = out["import key"]
    assert imported["changed"] and imported["key"]["name"] == "imported-key"
    sha256 = base64.b64encode(hashlib.sha256(blob).digest()).decode()   # AWS's ED25519 form
    assert imported["key"]["fingerprint"] == sha256
    assert out["import key again"]["changed"] is False
    assert out["import key again"]["key"]["id"] == imported["key"]["id"]
    assert out["create key in check mode"]["changed"] is True
    assert out["retag key"]["changed"] is True
    assert out["retag key"]["key"]["tags"] == {"env": "prod"}
    [info] = out["key info"]["keypairs"]
    assert (info["key_pair_id"], info["key_type"], info["tags"]) == \
        (made["id"], "rsa", {"env": "prod"})
    assert out["delete key"]["changed"] is True and out["delete key again"]["changed"] is False
    assert [k["KeyName"] for k in server_ec2.describe_key_pairs()["KeyPairs"]] == ["imported-key"]

    group = out["create placement group"]["placement_group"]
    assert (group["name"], group["strategy"], group["partition_count"], group["state"]) == \
        ("spread-pg", "partition", 3, "available")
    assert group["tags"] == {"env": "test"} and group["group_id"].startswith("pg-")
    assert out["create placement group again"]["changed"] is False
    assert out["create placement group in check mode"]["changed"] is True
    [listed] = out["placement group info"]["placement_groups"]
    assert (listed["name"], listed["strategy"]) == ("spread-pg", "partition")
    assert out["delete placement group"]["changed"] is True
    assert server_ec2.describe_placement_groups()["PlacementGroups"] == []


def test_instance_with_addresses_volumes_snapshots_and_images(playbook: Any,
                                                              server_ec2: Any) -> None:
    out = playbook("compute.yml")
    [launched] = out["launch instance"]["instances"]
    instance_id = launched["instance_id"]
    assert out["launch instance"]["changed"] is True
    assert (launched["state"]["name"], launched["instance_type"]) == ("running", "t3.micro")
    assert launched["tags"] == {"Name": "web", "env": "test"}
    assert launched["private_ip_address"].startswith("172.31.")
    assert launched["placement"]["availability_zone"] == "us-east-1a"   # the module's pick
    assert {b["device_name"]: b["ebs"]["delete_on_termination"]
            for b in launched["block_device_mappings"]} == {"/dev/xvda": True, "/dev/sdb": True}
    assert launched["monitoring"] == {"state": "enabled"}
    assert (launched["metadata_options"]["http_tokens"],
            launched["metadata_options"]["http_put_response_hop_limit"]) == ("required", 2)
    again = out["launch instance again"]
    assert again["changed"] is False and again["instance_ids"] == [instance_id]
    assert out["launch instance in check mode"]["changed"] is True
    assert out["protect instance"]["changes"] == [{"DisableApiTermination": {"Value": True}}]
    assert launched["iam_instance_profile"]["arn"].endswith(":instance-profile/web")
    protected = out["protect instance"]["instances"][0]
    assert protected["tags"]["env"] == "prod"
    assert protected["iam_instance_profile"]["arn"].endswith(":instance-profile/app")
    assert out["stop instance"]["changed"] is True
    resized = out["resize instance"]
    assert {"InstanceType": {"Value": "t3.small"}} in resized["changes"]
    assert resized["instances"][0]["instance_type"] == "t3.small"
    [info] = out["instance info"]["instances"]
    assert (info["instance_id"], info["state"]["name"]) == (instance_id, "running")
    attributes = info["attributes"]
    assert base64.b64decode(attributes["user_data"]["value"]) == b"#!/bin/sh\necho hello\n"
    assert attributes["instance_type"] == {"value": "t3.small"}
    assert attributes["disable_api_termination"] == {"value": False}
    assert [g["group_name"] for g in attributes["groups"]] == ["default"]

    eip = out["allocate eip"]
    assert eip["changed"] and eip["allocation_id"].startswith("eipalloc-")
    assert out["allocate eip again"]["changed"] is False
    assert out["allocate eip again"]["allocation_id"] == eip["allocation_id"]
    ptr = out["set reverse dns"]["update_reverse_dns_record_result"]["address"]
    assert ptr["ptr_record_update"] == {"value": "web.example.com.", "status": "PENDING"}
    assert out["set reverse dns again"]["changed"] is False
    assert out["set reverse dns again"]["update_reverse_dns_record_result"] == {
        "ptr_record": "web.example.com."}
    assert out["allocate eip in check mode"]["changed"] is True
    [address] = out["eip info"]["addresses"]
    assert (address["instance_id"], address["public_ip"], address["tags"]) == \
        (instance_id, eip["public_ip"], {"env": "test"})

    eni = out["create eni"]["interface"]
    assert (eni["description"], eni["status"], eni["tags"]) == \
        ("extra", "available", {"env": "test"})
    assert eni["subnet_id"] == launched["subnet_id"]
    assert out["create eni in check mode"]["changed"] is True
    attachment = out["attach eni"]["interface"]["attachment"]
    assert (attachment["instance_id"], attachment["device_index"]) == (instance_id, 1)
    assert out["attach eni again"]["changed"] is False
    [listed] = out["eni info"]["network_interfaces"]
    assert (listed["id"], listed["status"]) == (eni["id"], "in-use")

    vol = out["create volume"]
    assert (vol["volume"]["size"], vol["volume_type"], vol["device"]) == (5, "gp3", "/dev/sdf")
    assert vol["volume"]["attachment_set"][0]["instance_id"] == instance_id
    assert vol["volume"]["tags"] == {"Name": "data", "env": "test"}
    assert out["create volume again"]["changed"] is False
    assert out["create volume in check mode"]["changed"] is True
    grown = out["grow volume"]["volume"]
    assert (grown["size"], grown["iops"]) == (8, 4000)
    [vol_info] = out["volume info"]["volumes"]
    assert (vol_info["id"], vol_info["size"], vol_info["status"]) == (vol["volume_id"], 8, "in-use")

    snap = out["snapshot volume"]
    assert snap["changed"] and (snap["volume_id"], snap["volume_size"]) == (vol["volume_id"], 8)
    assert out["snapshot volume again"]["changed"] is False
    assert out["snapshot volume in check mode"]["changed"] is True
    assert out["share snapshot"]["changed"] is True
    assert out["share snapshot again"]["changed"] is False
    [snap_info] = out["snapshot info"]["snapshots"]
    assert (snap_info["snapshot_id"], snap_info["state"], snap_info["description"]) == \
        (snap["snapshot_id"], "completed", "nightly")
    assert snap_info["create_volume_permissions"] == [{"user_id": "111122223333"}]

    ami = out["create ami"]
    assert (ami["name"], ami["state"], ami["description"]) == ("web-image", "available", "from web")
    assert set(ami["block_device_mapping"]) == {"/dev/xvda", "/dev/sdb", "/dev/sdf"}
    assert ami["block_device_mapping"]["/dev/sdf"]["size"] == 8
    assert out["create ami again"]["changed"] is False
    assert out["create ami in check mode"]["changed"] is True
    updated = out["update ami"]
    assert updated["description"] == "from web server" and updated["tags"] == {"env": "prod"}
    assert updated["launch_permissions"] == [{"user_id": "111122223333"}]
    [image] = out["ami info"]["images"]
    assert (image["image_id"], image["description"]) == (ami["image_id"], "from web server")
    image_snapshots = {m["snapshot_id"] for m in ami["block_device_mapping"].values()}
    assert set(out["delete ami"]["snapshots_deleted"]) == image_snapshots
    assert out["delete ami again"]["changed"] is False

    for task in ("delete snapshot", "detach volume", "delete volume", "release eip",
                 "detach eni", "delete eni", "terminate instance"):
        assert out[task]["changed"] is True, task
    assert out["terminate instance again"]["changed"] is False
    assert out["terminate instance"]["instances"][0]["state"]["name"] == "terminated"

    # nothing that check mode "created" exists, and every delete took effect
    assert server_ec2.describe_addresses()["Addresses"] == []
    assert server_ec2.describe_volumes()["Volumes"] == []
    assert server_ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"] == []
    assert server_ec2.describe_images(Owners=["self"])["Images"] == []
    described = [{"Name": "description", "Values": ["extra", "checked"]}]
    assert server_ec2.describe_network_interfaces(Filters=described)["NetworkInterfaces"] == []
    assert _no_tag(server_ec2, "describe_instances", "Name", "checked")
    [reservation] = server_ec2.describe_instances()["Reservations"]
    assert reservation["Instances"][0]["State"]["Name"] == "terminated"


def test_launch_templates_spot_requests_and_tags(playbook: Any, server_ec2: Any) -> None:
    out = playbook("templates.yml")
    template = out["create template"]["template"]
    template_id = template["launch_template_id"]
    assert (template["launch_template_name"], template["tags"]) == ("web-lt", {"env": "test"})
    data = out["create template"]["latest_template"]["launch_template_data"]
    assert data["instance_type"] == "t3.micro"
    assert data["block_device_mappings"] == [{"device_name": "/dev/xvda", "ebs": {
        "volume_size": 12, "volume_type": "gp3", "delete_on_termination": True}}]
    assert data["metadata_options"]["http_tokens"] == "required"
    assert data["tag_specifications"] == [{"resource_type": "instance",
                                           "tags": [{"key": "made-by", "value": "template"}]}]
    assert out["create template again"]["changed"] is False
    assert out["template check"]["changed"] is True
    second = out["new template version"]
    assert (second["latest_version"], second["default_version"]) == (2, 2)
    assert second["latest_template"]["launch_template_data"]["instance_type"] == "t3.small"
    [listed] = out["template info"]["launch_templates"]
    assert listed["launch_template_id"] == template_id
    assert sorted(v["version_number"] for v in listed["versions"]) == [1, 2]

    assert out["tag template"]["added_tags"] == {"team": "infra"}
    assert out["tag template again"]["changed"] is False
    assert out["tag check"]["changed"] is True
    assert out["tag info"]["tags"] == {"env": "test", "team": "infra"}
    assert out["untag template"]["removed_tags"] == {"team": "infra"}

    request = out["request spot"]["spot_request"]
    request_id = request["spot_instance_request_id"]
    assert request_id.startswith("sir-") and request["tags"] == {"env": "test"}
    assert request["launch_specification"]["instance_type"] == "t3.micro"
    assert out["spot check"]["changed"] is True
    [fulfilled] = out["spot info"]["spot_request"]
    assert (fulfilled["state"], fulfilled["status"]["code"]) == ("active", "fulfilled")
    assert out["cancel spot"]["changed"] is True and out["cancel spot again"]["changed"] is False
    assert out["delete template"]["changed"] is True

    [spot] = server_ec2.describe_spot_instance_requests()["SpotInstanceRequests"]
    assert spot["State"] == "cancelled"
    [reservation] = server_ec2.describe_instances()["Reservations"]
    assert [(i["InstanceId"], i["State"]["Name"]) for i in reservation["Instances"]] == \
        [(fulfilled["instance_id"], "terminated")]
    assert server_ec2.describe_launch_templates()["LaunchTemplates"] == []
