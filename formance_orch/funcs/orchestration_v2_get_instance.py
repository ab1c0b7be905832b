"""Get a workflow instance by its id."""

from __future__ import annotations

from formance_orch._operation import Operation, Response
from formance_orch.core import RequestOptions, SDKCore
from formance_orch.errors import OperationError
from formance_orch.models.instances import V2WorkflowInstance
from formance_orch.result import Result

__all__ = ["orchestration_v2_get_instance"]

_OPERATION = Operation(
    "v2GetInstance",
    "GET",
    "/v2/instances/{instance_id}",
    response=Response.data(V2WorkflowInstance),
)


async def orchestration_v2_get_instance(
    core: SDKCore, instance_id: str, *, options: RequestOptions | None = None
) -> Result[V2WorkflowInstance, OperationError]:
    """Get a workflow instance (a run) by its id, with the status of its stages."""
    return await _OPERATION.call(core, path={"instance_id": instance_id}, options=options)
