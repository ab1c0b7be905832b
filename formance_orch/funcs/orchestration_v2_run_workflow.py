"""Run a workflow: start a new instance of it."""

from __future__ import annotations

from collections.abc import Mapping

from formance_orch._operation import Body, Operation, Param, Response
from formance_orch.core import RequestOptions, SDKCore
from formance_orch.errors import OperationError
from formance_orch.models.instances import V2WorkflowInstance
from formance_orch.result import Result

__all__ = ["orchestration_v2_run_workflow"]

_OPERATION = Operation(
    "v2RunWorkflow",
    "POST",
    "/v2/workflows/{workflow_id}/instances",
    query=(Param("wait", bool),),
    body=Body("variables", string_values=True),
    response=Response.data(V2WorkflowInstance),
)


async def orchestration_v2_run_workflow(
    core: SDKCore,
    workflow_id: str,
    *,
    variables: Mapping[str, str] | None = None,
    wait: bool | None = None,
    options: RequestOptions | None = None,
) -> Result[V2WorkflowInstance, OperationError]:
    """Start an instance of a workflow, with string ``variables`` for its stages.

    With ``wait=True`` the server answers only once the instance has ended
    (its ``error`` is set if it failed): give such calls a ``timeout`` in
    ``options`` long enough for the whole workflow. Not retried on server
    errors by default, since the server may have started it.
    """
    body = {} if variables is None else variables
    query = {"wait": wait}
    return await _OPERATION.call(
        core, path={"workflow_id": workflow_id}, query=query, body=body, options=options
    )
