"""Get a workflow by its id."""

from __future__ import annotations

from formance_orch._operation import Operation, Response
from formance_orch.core import RequestOptions, SDKCore
from formance_orch.errors import OperationError
from formance_orch.models.workflows import V2Workflow
from formance_orch.result import Result

__all__ = ["orchestration_v2_get_workflow"]

_OPERATION = Operation(
    "v2GetWorkflow",
    "GET",
    "/v2/workflows/{workflow_id}",
    response=Response.data(V2Workflow),
)


async def orchestration_v2_get_workflow(
    core: SDKCore, workflow_id: str, *, options: RequestOptions | None = None
) -> Result[V2Workflow, OperationError]:
    """Get a workflow (its configuration and dates) by its id."""
    return await _OPERATION.call(core, path={"workflow_id": workflow_id}, options=options)
