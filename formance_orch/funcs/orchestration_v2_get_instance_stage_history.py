"""Get the history of one stage of a workflow instance: the activities it ran."""

from __future__ import annotations

from formance_orch._operation import Operation, Param, Response
from formance_orch.core import RequestOptions, SDKCore
from formance_orch.errors import OperationError
from formance_orch.models.activities import V2WorkflowInstanceHistoryStage
from formance_orch.result import Result

__all__ = ["orchestration_v2_get_instance_stage_history"]

_OPERATION = Operation(
    "v2GetInstanceStageHistory",
    "GET",
    "/v2/instances/{instance_id}/stages/{number}/history",
    path_params=(Param("number", int, minimum=0),),
    response=Response.data(list[V2WorkflowInstanceHistoryStage], exact_numbers=True),
)


async def orchestration_v2_get_instance_stage_history(
    core: SDKCore, instance_id: str, number: int, *, options: RequestOptions | None = None
) -> Result[list[V2WorkflowInstanceHistoryStage], OperationError]:
    """Get the activities stage ``number`` (from 0) of an instance ran, with inputs and outputs."""
    return await _OPERATION.call(
        core, path={"instance_id": instance_id, "number": number}, options=options
    )
