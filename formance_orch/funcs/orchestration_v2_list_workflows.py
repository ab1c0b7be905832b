"""List the registered workflows."""

from __future__ import annotations

from formance_orch._operation import CURSOR, PAGE_SIZE, Operation, Response
from formance_orch.core import RequestOptions, SDKCore
from formance_orch.errors import OperationError
from formance_orch.models.common import CursorPage
from formance_orch.models.workflows import V2Workflow
from formance_orch.result import Result

__all__ = ["orchestration_v2_list_workflows"]

_OPERATION = Operation(
    "v2ListWorkflows",
    "GET",
    "/v2/workflows",
    query=(CURSOR, PAGE_SIZE),
    response=Response.cursor(V2Workflow),
)


async def orchestration_v2_list_workflows(
    core: SDKCore,
    *,
    cursor: str | None = None,
    page_size: int | None = None,
    options: RequestOptions | None = None,
) -> Result[CursorPage[V2Workflow], OperationError]:
    """List registered workflows, one page at a time.

    ``page_size`` is 1 to 1000 (the server's default is 15); pass a page's
    ``next`` as ``cursor`` for the following page, or use ``paginate``.
    """
    query = {"cursor": cursor, "page_size": page_size}
    return await _OPERATION.call(core, query=query, options=options)
