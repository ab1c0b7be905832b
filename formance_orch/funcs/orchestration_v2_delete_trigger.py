"""Delete a trigger by its id."""

from __future__ import annotations

from formance_orch._operation import Operation, Response
from formance_orch.core import RequestOptions, SDKCore
from formance_orch.errors import NoContentOperationError
from formance_orch.result import Result

__all__ = ["orchestration_v2_delete_trigger"]

_OPERATION = Operation(
    "v2DeleteTrigger",
    "DELETE",
    "/v2/triggers/{trigger_id}",
    response=Response.no_content(),
)


async def orchestration_v2_delete_trigger(
    core: SDKCore, trigger_id: str, *, options: RequestOptions | None = None
) -> Result[None, NoContentOperationError]:
    """Delete a trigger; ``Ok(None)`` once the server answered 204."""
    return await _OPERATION.call(core, path={"trigger_id": trigger_id}, options=options)
