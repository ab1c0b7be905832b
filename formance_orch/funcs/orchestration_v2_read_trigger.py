"""Read a trigger by its id."""

from __future__ import annotations

from formance_orch._operation import Operation, Response
from formance_orch.core import RequestOptions, SDKCore
from formance_orch.errors import OperationError
from formance_orch.models.triggers import V2Trigger
from formance_orch.result import Result

__all__ = ["orchestration_v2_read_trigger"]

_OPERATION = Operation(
    "v2ReadTrigger",
    "GET",
    "/v2/triggers/{trigger_id}",
    response=Response.data(V2Trigger),
)


async def orchestration_v2_read_trigger(
    core: SDKCore, trigger_id: str, *, options: RequestOptions | None = None
) -> Result[V2Trigger, OperationError]:
    """Read a trigger by its id."""
    return await _OPERATION.call(core, path={"trigger_id": trigger_id}, options=options)
