"""Get the version of the Orchestration service."""

from __future__ import annotations

from formance_orch._operation import Operation, Response
from formance_orch.core import RequestOptions, SDKCore
from formance_orch.errors import OperationError
from formance_orch.models.common import V2ServerInfo
from formance_orch.result import Result

__all__ = ["orchestration_v2_get_server_info"]

# The Go router serves this at /_info; the documented /v2/_info answers 404 there.
_OPERATION = Operation(
    "v2GetServerInfo",
    "GET",
    "/v2/_info",
    fallback_paths=("/_info",),
    response=Response.json(V2ServerInfo),
)


async def orchestration_v2_get_server_info(
    core: SDKCore, *, options: RequestOptions | None = None
) -> Result[V2ServerInfo, OperationError]:
    """Get server info: the service's version.

    Tries the documented ``/v2/_info`` and, on 404, the ``/_info`` route that
    deployed servers answer on.
    """
    return await _OPERATION.call(core, options=options)
