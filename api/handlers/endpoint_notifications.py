"""VPC endpoint connection notifications: the describe (one id, not a list) and the delete of
several ids (unknown ones answered as Unsuccessful). Create and modify are bound from
topology/connect/endpoint_notifications.py."""
from __future__ import annotations

from typing import Any

from topology.connect import endpoint_notifications as notifications

from ..binding import describe
from ..operations import Context, handler


@handler
def describe_vpc_endpoint_connection_notifications(ctx: Context, params: dict[str, Any]
                                                   ) -> dict[str, Any]:
    one = params.get("ConnectionNotificationId")
    return describe(ctx, params, kind=notifications.KIND, table=notifications.FILTERS,
                    view=notifications.view, output="ConnectionNotificationSet",
                    ids=[one] if one else None)


@handler
def delete_vpc_endpoint_connection_notifications(ctx: Context, params: dict[str, Any]
                                                 ) -> dict[str, Any]:
    return {"Unsuccessful": notifications.delete_many(ctx.world, ctx.part,
                                                      params["ConnectionNotificationIds"])}
