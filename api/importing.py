"""`ec2sim import`: read an EC2 endpoint (AWS, another emulator, a running ec2sim) or a
directory of `aws ec2 describe-* --output json` files, and build a snapshot from it.

This module does the reading (boto3 paginators, files); `topology.importer` builds the graph.
Progress goes to stderr; what cannot be read or modelled is reported, never dropped.
"""
from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from typing import Any, TextIO

import boto3
import botocore.config
import botocore.exceptions

from topology.core.errors import TopologyError
from topology.core.world import World
from topology.provision import importer, state

from .state_cli import push, write_file

Read = dict[str, list[dict[str, Any]]]


def _snake(call: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in call).lstrip("_")


def read_endpoint(ec2: Any, *, log: Callable[[str], None]) -> tuple[Read, dict[str, str]]:
    """Every describe call the importer knows, all pages; and the calls that failed
    (call -> "Code: message"), e.g. an emulator without transit gateways."""
    pages: Read = {}
    failed: dict[str, str] = {}
    for call, key in importer.RESULT_KEYS.items():
        method = _snake(call)
        try:
            if ec2.can_paginate(method):
                got = list(ec2.get_paginator(method).paginate())
            else:
                got = [getattr(ec2, method)()]
        except botocore.exceptions.ClientError as err:
            error = err.response.get("Error", {})
            failed[call] = f"{error.get('Code', 'Error')}: {error.get('Message', '')}"
            log(f"{call}: not available ({failed[call]})")
            continue
        for page in got:
            page.pop("ResponseMetadata", None)
        pages[call] = got
        log(f"{call}: {sum(len(p.get(key) or []) for p in got)} read")
    for call, (_source, member, _key) in importer.PER_RESOURCE.items():
        method = _snake(call)
        extra = importer.PER_RESOURCE_ARGS.get(call, {})
        for rid in importer.resource_ids(pages, call):
            try:
                if ec2.can_paginate(method):
                    got = list(ec2.get_paginator(method).paginate(**{member: rid}, **extra))
                else:       # SearchTransitGatewayRoutes: one answer (MaxResults up to 1000)
                    got = [getattr(ec2, method)(**{member: rid}, **extra)]
            except botocore.exceptions.ClientError as err:
                error = err.response.get("Error", {})
                failed[call] = f"{error.get('Code', 'Error')}: {error.get('Message', '')}"
                continue
            for page in got:
                page.pop("ResponseMetadata", None)
                page[member] = rid          # the answer does not say which resource it is
            pages.setdefault(call, []).extend(got)
    return pages, failed


def read_directory(path: str) -> Read:
    """The JSON files of `path`, each the output of one describe call named by its file
    (`describe-vpcs.json`, `DescribeVpcs.json`); a file may hold one answer or a list. A call
    asked per resource names it after a dot (`get-managed-prefix-list-entries.pl-1a2b.json`,
    `get-transit-gateway-route-table-associations.tgw-rtb-1a2b.json`)
    unless its pages carry the id themselves."""
    pages: Read = {}
    try:
        names = sorted(os.listdir(path))
    except OSError as err:
        raise TopologyError(f"cannot read {path}: {err.strerror or err}", "InvalidImport") from None
    for name in names:
        if not name.endswith(".json"):
            continue
        try:
            with open(os.path.join(path, name), encoding="utf-8") as src:
                data = json.load(src)
        except (OSError, ValueError) as err:
            raise TopologyError(f"cannot read {name}: {err}", "InvalidImport") from None
        stem, _, rid = name[:-5].partition(".")
        call = importer.call_name(stem)
        got = data if isinstance(data, list) else [data]
        if rid and call in importer.PER_RESOURCE:
            member = importer.PER_RESOURCE[call][1]
            got = [{member: rid, **page} for page in got if isinstance(page, dict)]
        pages.setdefault(call, []).extend(got)
    if not pages:
        raise TopologyError(f"{path} holds no describe-*.json files", "InvalidImport")
    return pages


def client(endpoint_url: str | None, region: str, profile: str | None) -> Any:
    session = boto3.Session(profile_name=profile) if profile else boto3.Session()
    keys = {} if session.get_credentials() is not None else {
        "aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    return session.client("ec2", endpoint_url=endpoint_url, region_name=region,
                          config=botocore.config.Config(retries={"mode": "standard"}), **keys)


def run(*, endpoint_url: str | None, region: str, profile: str | None, from_json: str | None,
        account: str | None, output: str | None, into: str | None,
        err: TextIO = sys.stderr) -> importer.Report:
    """Read, build, then write the snapshot to `output` and/or load it into `into`."""
    def log(text: str) -> None:
        print(f"ec2sim import: {text}", file=err, flush=True)

    failed: dict[str, str] = {}
    if from_json:
        pages = read_directory(from_json)
    else:
        try:
            pages, failed = read_endpoint(client(endpoint_url, region, profile), log=log)
        except botocore.exceptions.BotoCoreError as exc:
            raise TopologyError(f"cannot read {endpoint_url or 'EC2'}: {exc}",
                                "EndpointError") from None
    world, report = importer.build(
        pages, account=account, region=region, world=World(),
        progress=lambda kind, done, total: log(f"built {done}/{total} {kind}"))
    for call, why in failed.items():
        report.skip(importer.RESULT_KEYS.get(call) or importer.PER_RESOURCE[call][2],
                    f"{call} failed ({why})")
    data = state.dump(world)
    if output:
        write_file(output, data)
        log(f"wrote {output}")
    if into:
        push(into, data)
        log(f"loaded into {into}")
    for line in report.lines():
        log(line)
    return report
