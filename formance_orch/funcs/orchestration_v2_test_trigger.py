"""Test a trigger against an event, without running anything."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from formance_orch._operation import Body, Operation, Response
from formance_orch.core import RequestOptions, SDKCore
from formance_orch.errors import OperationError
from formance_orch.models.triggers import V2TriggerTest
from formance_orch.result import Result

__all__ = ["orchestration_v2_test_trigger"]

_OPERATION = Operation(
    "testTrigger",
    "POST",
    "/v2/triggers/{trigger_id}/test",
    body=Body("payload"),
    response=Response.data(V2TriggerTest),
)


async def orchestration_v2_test_trigger(
    core: SDKCore,
    trigger_id: str,
    *,
    payload: Mapping[str, Any],
    options: RequestOptions | None = None,
) -> Result[V2TriggerTest, OperationError]:
    """Evaluate a trigger's filter and variables against the event ``payload``.

    Nothing runs. Retried like the other POSTs (only where the server cannot
    have acted) unless ``RetryConfig.retry_non_idempotent`` says otherwise.
    """
    return await _OPERATION.call(
        core, path={"trigger_id": trigger_id}, body=payload, options=options
    )
