"""List triggers, optionally by name."""

from __future__ import annotations

from formance_orch._operation import CURSOR, PAGE_SIZE, Operation, Param, Response
from formance_orch.core import RequestOptions, SDKCore
from formance_orch.errors import OperationError
from formance_orch.models.common import CursorPage
from formance_orch.models.triggers import V2Trigger
from formance_orch.result import Result

__all__ = ["orchestration_v2_list_triggers"]

_OPERATION = Operation(
    "v2ListTriggers",
    "GET",
    "/v2/triggers",
    query=(CURSOR, PAGE_SIZE, Param("name")),
    response=Response.cursor(V2Trigger),
)


async def orchestration_v2_list_triggers(
    core: SDKCore,
    *,
    cursor: str | None = None,
    page_size: int | None = None,
    name: str | None = None,
    options: RequestOptions | None = None,
) -> Result[CursorPage[V2Trigger], OperationError]:
    """List triggers, one page at a time; ``name`` searches by name."""
    query = {"cursor": cursor, "page_size": page_size, "name": name}
    return await _OPERATION.call(core, query=query, options=options)
