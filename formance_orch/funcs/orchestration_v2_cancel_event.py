"""Cancel (abort) a running workflow instance."""

from __future__ import annotations

from formance_orch._operation import Operation, Response
from formance_orch.core import RequestOptions, SDKCore
from formance_orch.errors import NoContentOperationError
from formance_orch.result import Result

__all__ = ["orchestration_v2_cancel_event"]

_OPERATION = Operation(
    "v2CancelEvent",
    "PUT",
    "/v2/instances/{instance_id}/abort",
    response=Response.no_content(),
)


async def orchestration_v2_cancel_event(
    core: SDKCore, instance_id: str, *, options: RequestOptions | None = None
) -> Result[None, NoContentOperationError]:
    """Abort a running instance; ``Ok(None)`` once the server answered 204."""
    return await _OPERATION.call(core, path={"instance_id": instance_id}, options=options)
