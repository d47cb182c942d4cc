"""`POST /_ec2sim/check`: a policy's assertions (docs/policies.md) evaluated against the served
world, answered in `ec2sim check --format json`'s form.

The body is the policy document, YAML or JSON (JSON is YAML). The answer is
`{"passed": bool, "passed_count": N, "failed_count": N, "results": [...]}`, one result per
assertion as `ec2sim check --format json` prints it; a malformed policy is a 400 with
`{"error": {"code": "MalformedPolicy", "message"}}` saying which assertion and what is wrong.
`?format=junit` answers `ec2sim check --junit`'s XML instead (for a CI step with only curl).
The world is only read.
"""
from __future__ import annotations

from flask import Blueprint, Flask, Response, jsonify, request

import api.check_cli as check_cli
from routing import assertions
from topology.core.world import World

PATH = "/_ec2sim/check"
FORMATS = ("json", "junit")


def register(app: Flask, world: World) -> None:
    """Serve `POST /_ec2sim/check` for `world` from `app`."""
    blueprint = Blueprint("check", __name__)

    @blueprint.post(PATH)
    def answer() -> tuple[Response, int]:
        fmt = request.args.get("format", "json")
        if fmt not in FORMATS:
            return jsonify(error={"code": "InvalidParameterValue", "message": (
                f"Value ({fmt}) for parameter format is invalid. Valid values: "
                f"{', '.join(FORMATS)}.")}), 400
        try:
            policy = check_cli.parse_policy(request.get_data(as_text=True))
        except assertions.PolicyError as err:
            return jsonify(error={"code": "MalformedPolicy", "message": str(err)}), 400
        results = assertions.evaluate(world, policy)
        if fmt == "junit":
            return Response(check_cli.junit(results, PATH), mimetype="application/xml"), 200
        failed = sum(not r.passed for r in results)
        return jsonify(passed=not failed, passed_count=len(results) - failed,
                       failed_count=failed, results=check_cli.as_json(results)), 200

    app.register_blueprint(blueprint)
