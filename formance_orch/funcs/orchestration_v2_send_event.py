"""Send an event to a running workflow instance."""

from __future__ import annotations

from formance_orch._operation import Body, Operation, Param, Response
from formance_orch.core import RequestOptions, SDKCore
from formance_orch.errors import NoContentOperationError
from formance_orch.result import Result

__all__ = ["orchestration_v2_send_event"]

_OPERATION = Operation(
    "v2SendEvent",
    "POST",
    "/v2/instances/{instance_id}/events",
    body=Body("event", fields=(Param("name", required=True),)),
    response=Response.no_content(),
)


async def orchestration_v2_send_event(
    core: SDKCore, instance_id: str, *, name: str, options: RequestOptions | None = None
) -> Result[None, NoContentOperationError]:
    """Send the event ``name`` to an instance, releasing a ``wait_event`` stage waiting for it.

    Not retried on server errors by default (the event may have been delivered).
    """
    return await _OPERATION.call(
        core, path={"instance_id": instance_id}, fields={"name": name}, options=options
    )
