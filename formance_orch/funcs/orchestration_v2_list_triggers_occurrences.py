"""List the occurrences of a trigger: each time it fired."""

from __future__ import annotations

from formance_orch._operation import CURSOR, PAGE_SIZE, Operation, Response
from formance_orch.core import RequestOptions, SDKCore
from formance_orch.errors import OperationError
from formance_orch.models.common import CursorPage
from formance_orch.models.triggers import V2TriggerOccurrence
from formance_orch.result import Result

__all__ = ["orchestration_v2_list_triggers_occurrences"]

_OPERATION = Operation(
    "v2ListTriggersOccurrences",
    "GET",
    "/v2/triggers/{trigger_id}/occurrences",
    query=(CURSOR, PAGE_SIZE),
    response=Response.cursor(V2TriggerOccurrence),
)


async def orchestration_v2_list_triggers_occurrences(
    core: SDKCore,
    trigger_id: str,
    *,
    cursor: str | None = None,
    page_size: int | None = None,
    options: RequestOptions | None = None,
) -> Result[CursorPage[V2TriggerOccurrence], OperationError]:
    """List the times a trigger fired, with the event and the instance it started."""
    query = {"cursor": cursor, "page_size": page_size}
    return await _OPERATION.call(
        core, path={"trigger_id": trigger_id}, query=query, options=options
    )
