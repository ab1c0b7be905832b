"""Create (register) a workflow from its stages."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from formance_orch._operation import Body, Operation, Param, Response
from formance_orch.core import RequestOptions, SDKCore
from formance_orch.errors import OperationError
from formance_orch.models.workflows import V2Workflow, V2WorkflowConfig
from formance_orch.result import Result

if TYPE_CHECKING:
    from formance_orch.stages import StageLike

__all__ = ["orchestration_v2_create_workflow"]

_OPERATION = Operation(
    "v2CreateWorkflow",
    "POST",
    "/v2/workflows",
    body=Body(
        "config",
        V2WorkflowConfig,
        fields=(Param("stages", object, required=True), Param("name")),
    ),
    response=Response.data(V2Workflow),
)


async def orchestration_v2_create_workflow(
    core: SDKCore,
    *,
    stages: Sequence[StageLike] | None = None,
    name: str | None = None,
    config: V2WorkflowConfig | Mapping[str, Any] | None = None,
    options: RequestOptions | None = None,
) -> Result[V2Workflow, OperationError]:
    """Create a workflow from its ``stages`` (and an optional ``name``).

    Stages are the typed builders of ``formance_orch.stages`` (``Send``,
    ``Delay``, ``WaitEvent``, ``Update``) or their JSON as mappings, mixed
    freely.

    Alternatively pass the whole definition as ``config``: its JSON as a
    mapping (builders allowed among its stages) or a ``V2WorkflowConfig``
    (whose stages are mappings). Not retried on server
    errors by default, since the server may have created it; see
    ``RetryConfig.retry_non_idempotent``.
    """
    fields = {"stages": stages, "name": name}
    return await _OPERATION.call(core, body=config, fields=fields, options=options)
