"""Get the history of a workflow instance: its stages as they ran."""

from __future__ import annotations

from formance_orch._operation import Operation, Response
from formance_orch.core import RequestOptions, SDKCore
from formance_orch.errors import OperationError
from formance_orch.models.history import V2WorkflowInstanceHistory
from formance_orch.result import Result

__all__ = ["orchestration_v2_get_instance_history"]

_OPERATION = Operation(
    "v2GetInstanceHistory",
    "GET",
    "/v2/instances/{instance_id}/history",
    response=Response.data(list[V2WorkflowInstanceHistory], exact_numbers=True),
)


async def orchestration_v2_get_instance_history(
    core: SDKCore, instance_id: str, *, options: RequestOptions | None = None
) -> Result[list[V2WorkflowInstanceHistory], OperationError]:
    """Get an instance's history: one entry per stage, with its input and outcome."""
    return await _OPERATION.call(core, path={"instance_id": instance_id}, options=options)
