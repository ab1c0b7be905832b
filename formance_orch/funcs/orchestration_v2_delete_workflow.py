"""Delete a workflow by its id."""

from __future__ import annotations

from formance_orch._operation import Operation, Response
from formance_orch.core import RequestOptions, SDKCore
from formance_orch.errors import NoContentOperationError
from formance_orch.result import Result

__all__ = ["orchestration_v2_delete_workflow"]

_OPERATION = Operation(
    "v2DeleteWorkflow",
    "DELETE",
    "/v2/workflows/{workflow_id}",
    response=Response.no_content(),
)


async def orchestration_v2_delete_workflow(
    core: SDKCore, workflow_id: str, *, options: RequestOptions | None = None
) -> Result[None, NoContentOperationError]:
    """Delete a workflow; ``Ok(None)`` once the server answered 204."""
    return await _OPERATION.call(core, path={"workflow_id": workflow_id}, options=options)
