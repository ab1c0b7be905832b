"""Workflow instances (runs) and the status of their stages."""

from __future__ import annotations

from datetime import datetime

import attrs

__all__ = ["V2StageStatus", "V2WorkflowInstance"]


@attrs.define(kw_only=True)
class V2StageStatus:
    """Where one stage of an instance stands.

    ``temporal_run_id`` is sent by the real server though the API contract
    does not list it.
    """

    stage: int
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
