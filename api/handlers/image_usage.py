"""CreateImageUsageReport: its tags are the report's (`image-usage-report`), which the
binding cannot name for operations bound to a pseudo-kind (topology/compute/image_usage.py)."""
from __future__ import annotations

from typing import Any

from topology.compute import image_usage
from topology.core import tags

from ..operations import Context, handler


@handler
def create_image_usage_report(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    new_tags = tags.from_specifications(params.get("TagSpecifications"), image_usage.KIND)
    report_id = image_usage.create_image_usage_report(
        ctx.world, ctx.part, params["ImageId"], params.get("ResourceTypes") or [],
        account_ids=params.get("AccountIds"), tags=new_tags)
    return {"ReportId": report_id}
