"""Workflow instances (runs) and the status of their stages."""

from __future__ import annotations

from datetime import datetime

import attrs

__all__ = ["V2StageStatus", "V2WorkflowInstance"]


@attrs.define(kw_only=True)
class V2StageStatus:
    """Where one stage of an instance stands.

    ``stage`` is the stage's index in the workflow (from 0). The contract
    types it as any JSON ``number``, so it is an ``int | float``: an integral
    number (``3``, ``3.0``) is an ``int``, which is all the real server
    sends; anything else (``54191615.1``, as mock servers generated from the
    contract send) is kept as a ``float`` rather than failing the whole answer.
    Narrow it with ``isinstance(status.stage, int)`` before using it as an index
    or a stage ``number``.

    ``temporal_run_id`` is sent by the real server though the API contract
    does not list it.
    """

    stage: int | float
    instance_id: str
    started_at: datetime
    terminated_at: datetime | None = None
    error: str | None = None
    temporal_run_id: str | None = None


@attrs.define(kw_only=True)
class V2WorkflowInstance:
    """One run of a workflow.

    ``status`` lists the stages started so far (empty before the first).
    ``error`` is set when the instance failed.
    """

    id: str
    workflow_id: str
    created_at: datetime
    updated_at: datetime
    terminated: bool
    status: list[V2StageStatus] = attrs.field(factory=list)
    terminated_at: datetime | None = None
    error: str | None = None
