"""Create a trigger: run a workflow whenever a matching event is published."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from formance_orch._operation import Body, Operation, Param, Response
from formance_orch.core import RequestOptions, SDKCore
from formance_orch.errors import OperationError
from formance_orch.models.triggers import V2Trigger, V2TriggerData
from formance_orch.result import Result

__all__ = ["orchestration_v2_create_trigger"]

_OPERATION = Operation(
    "v2CreateTrigger",
    "POST",
    "/v2/triggers",
    body=Body(
        "trigger",
        V2TriggerData,
        fields=(
            Param("event", required=True),
            Param("workflow_id", required=True),
            Param("filter"),
            Param("vars", object),
            Param("name"),
        ),
    ),
    response=Response.data(V2Trigger),
)


async def orchestration_v2_create_trigger(
    core: SDKCore,
    *,
    event: str | None = None,
    workflow_id: str | None = None,
    filter: str | None = None,
    vars: Mapping[str, Any] | None = None,
    name: str | None = None,
    trigger: V2TriggerData | Mapping[str, Any] | None = None,
    options: RequestOptions | None = None,
) -> Result[V2Trigger, OperationError]:
    """Create a trigger that runs ``workflow_id`` on each ``event`` matching ``filter``.

    ``vars`` maps the run's variables to expressions over the event. The
    trigger can also be passed whole as ``trigger`` (a ``V2TriggerData`` or
    its JSON as a mapping). Not retried on server errors by default.
    """
    fields = {
        "event": event,
        "workflow_id": workflow_id,
        "filter": filter,
        "vars": vars,
        "name": name,
    }
    return await _OPERATION.call(core, body=trigger, fields=fields, options=options)
