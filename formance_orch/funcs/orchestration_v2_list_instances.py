"""List workflow instances, optionally of one workflow or only running ones."""

from __future__ import annotations

from formance_orch._operation import CURSOR, PAGE_SIZE, Operation, Param, Response
from formance_orch.core import RequestOptions, SDKCore
from formance_orch.errors import OperationError
from formance_orch.models.common import CursorPage
from formance_orch.models.instances import V2WorkflowInstance
from formance_orch.result import Result

__all__ = ["orchestration_v2_list_instances"]

_OPERATION = Operation(
    "v2ListInstances",
    "GET",
    "/v2/instances",
    query=(CURSOR, PAGE_SIZE, Param("workflow_id"), Param("running", bool)),
    response=Response.cursor(V2WorkflowInstance),
)


async def orchestration_v2_list_instances(
    core: SDKCore,
    *,
    cursor: str | None = None,
    page_size: int | None = None,
    workflow_id: str | None = None,
    running: bool | None = None,
    options: RequestOptions | None = None,
) -> Result[CursorPage[V2WorkflowInstance], OperationError]:
    """List workflow instances, one page at a time.

    ``workflow_id`` keeps the instances of one workflow, ``running=True`` the
    ones still running. ``page_size`` is 1 to 1000 (the server's default is 15);
    pass a page's ``next`` as ``cursor`` for the following page.
    """
    query = {
        "cursor": cursor,
        "page_size": page_size,
        "workflow_id": workflow_id,
        "running": running,
    }
    return await _OPERATION.call(core, query=query, options=options)
