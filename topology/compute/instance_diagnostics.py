"""What an instance shows of itself to diagnose it: a console screenshot, a diagnostic
interrupt, the status its owner reports, and product-code confirmation.

AWS's rules: a screenshot and a diagnostic interrupt need a running instance, and the
interrupt a Nitro-based type; a status report names existing instances and a start no later
than its end; ConfirmProductInstance answers `true` and the owner when the product code is on
the instance (the product code's owner may ask about another account's instance), `false`
otherwise.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from ..catalogue import instance_types
from ..core.errors import IncorrectState, InvalidParameterValue, TopologyError
from ..core.family import declare_actions
from ..core.world import Partition, World, not_found
from .instances import get_all, state_name

MAX_DESCRIPTION = 255
# a 160x120 JPEG of a login prompt: what the console of a booted instance shows
SCREENSHOT = (
    "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAA0JCgsKCA0LCgsODg0PEyAVExISEyccHhcgLikxMC4pLSwzOko+MzZG"
    "NywtQFdBRkxOUlNSMj5aYVpQYEpRUk//2wBDAQ4ODhMREyYVFSZPNS01T09PT09PT09PT09PT09PT09PT09PT09P"
    "T09PT09PT09PT09PT09PT09PT09PT09PT0//wAARCAB4AKADASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAA"
    "AAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAk"
    "M2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKT"
    "lJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QA"
    "HwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdh"
    "cRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hp"
    "anN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk"
    "5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwDzCirmlQQ3OoxxXBOwhjgdWIUkL1HUgDqOtar6fbh2Nvp8kswW"
    "PNq+5CAS2WwGLDgJ1P8AFnpigDnqK6KGG4TT0S4tpms55FjjjU/Kq+ZkuX+7uP3Qe4J7YzKNMtvtEEclvsSW8tVM"
    "YZ1+VzIGBVjlSdo7n1BwaAOYorbnt7KTSzNHaLFIbQXG5XY4Pn+Vjk9Mc/X8qmjtRPpdjKLQ3cqwBViyw4M0u5uC"
    "Dx8o9t1AHPUV0d/ptpbwX5trfzIIIUeC83t87GRAe+04yw6dqe9lYjUlt2tQ/wBo1Wa23tI+UQFAMc8kbjyc++aA"
    "OZop8oIcBo/LO1Tjnngc8+vX8aZQAUUUUAFFFFABRRRQAUUUUAFFFFAFixsrjULxLSzj8yeTO1dwGcAk8njoDVvU"
    "/D+q6VbrcX9r5UTOEDeYrc4JxwT6Grngb/kbrH/tp/6Lauu+JX/IvQf9fa/+gPQB5lRRRQAUUUUAWXvrh7b7Ozjy"
    "8BThFDEDoC2MkD0J7Cq1FFABRRRQAUUUUAFFFFABRRRQAUUUUAFFFFAEkE81tMs1vLJFKv3XjYqw7cEVNc6jf3kY"
    "ju725nQHcFllZgD64J96q0UAFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAFFFFABRRRQAUUUUA"
    "FFFFABRRRQAUUUUAFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAFFFFABRR"
    "RQAUUUUAFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAFFFFABRRRQAUUUUA"
    "FFFFABRRRQAUUUUAFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAFFFFABRRRQB//9k=")


def _running(world: World, part: Partition, instance_id: str) -> dict[str, Any]:
    node = world.get(part, "instance", instance_id)
    if state_name(world, instance_id) != "running":
        raise IncorrectState(f"The instance '{instance_id}' is not in a valid state for this "
                             "operation.", "IncorrectInstanceState")
    return node


def screenshot(world: World, part: Partition, instance_id: str, wake_up: bool | None = None
               ) -> str:
    """GetConsoleScreenshot's `ImageData`: a JPG of the console, base64-encoded."""
    _running(world, part, instance_id)
    return SCREENSHOT


def diagnostic_interrupt(world: World, part: Partition, instance_id: str) -> None:
    """SendDiagnosticInterrupt: a non-maskable interrupt to a Nitro-based instance."""
    node = _running(world, part, instance_id)
    info = instance_types.get(node["InstanceType"]) or {}
    if info.get("Hypervisor") != "nitro" and not info.get("BareMetal"):
        raise TopologyError(f"The instance type '{node['InstanceType']}' does not support "
                            "diagnostic interrupts.", "UnsupportedOperation")


def report_status(world: World, part: Partition, instances: list[str], status: str,
                  reason_codes: list[str], start_time: dt.datetime | None = None,
                  end_time: dt.datetime | None = None, description: str | None = None) -> None:
    """ReportInstanceStatus: feedback AWS keeps to itself; the request is only checked."""
    get_all(world, part, instances)
    if start_time is not None and end_time is not None and start_time > end_time:
        raise InvalidParameterValue("The start time must be before the end time.")
    if description is not None and len(description) > MAX_DESCRIPTION:
        raise InvalidParameterValue(f"Value for parameter description is invalid. The "
                                    f"description is limited to {MAX_DESCRIPTION} characters.")


def confirm_product(world: World, part: Partition, instance_id: str, product_code: str
                    ) -> dict[str, Any]:
    """ConfirmProductInstance: whether `product_code` is on the instance (of any account of
    the region), and then its owner."""
    node = world.node(instance_id)
    if node is None or node.get("kind") != "instance" or node.get("region") != part.region:
        raise not_found("instance", instance_id)
    codes = {c.get("ProductCodeId") for c in node.get("ProductCodes") or []}
    if product_code not in codes:
        return {"Return": False}
    return {"Return": True, "OwnerId": node["account"]}


# these operations are bound from the functions above (docs/families.md)
declare_actions("instance", {"GetConsoleScreenshot": screenshot,
                             "SendDiagnosticInterrupt": diagnostic_interrupt,
                             "ReportInstanceStatus": report_status})
# ConfirmProductInstance (confirm_product) has a handler: api/handlers/instance_diagnostics.py
