"""Triggers: rules that run a workflow when a matching event is published."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs

from formance_orch.models.instances import V2WorkflowInstance
from formance_orch.models.workflows import V2Workflow

__all__ = [
    "V2Trigger",
    "V2TriggerData",
    "V2TriggerOccurrence",
    "V2TriggerTest",
    "V2TriggerTestFilter",
    "V2TriggerTestVariable",
]


@attrs.define(kw_only=True)
class V2TriggerData:
    """What defines a trigger: the event it listens to and the workflow it runs.

    ``filter`` is an expression evaluated against the event; ``vars`` maps
    run variables to expressions computed from the event.
    """

    event: str
    workflow_id: str
    filter: str | None = None
    vars: dict[str, Any] | None = None
    name: str | None = None


@attrs.define(kw_only=True)
class V2Trigger:
    """A registered trigger.

    ``workflow`` is the workflow it runs, when the server includes it (the
    real server does, though the API contract does not list it).
    """

    id: str
    event: str
    workflow_id: str
    created_at: datetime
    filter: str | None = None
    vars: dict[str, Any] | None = None
    name: str | None = None
    workflow: V2Workflow | None = None


@attrs.define(kw_only=True)
class V2TriggerOccurrence:
    """One time a trigger fired: the event, and the instance it started (or the error)."""

    trigger_id: str
    date: datetime
    event: dict[str, Any] = attrs.field(factory=dict)
    id: str | None = None
    workflow_instance_id: str | None = None
    workflow_instance: V2WorkflowInstance | None = None
    error: str | None = None


@attrs.define(kw_only=True)
class V2TriggerTestFilter:
    """Whether a test event matched the trigger's filter, or why it could not be evaluated."""

    match: bool | None = None
    error: str | None = None


@attrs.define(kw_only=True)
class V2TriggerTestVariable:
    """The value a trigger variable took for a test event, or why it failed."""

    value: str | None = None
    error: str | None = None


@attrs.define(kw_only=True)
class V2TriggerTest:
    """What a trigger would do with an event: filter outcome and computed variables."""

    filter: V2TriggerTestFilter | None = None
    variables: dict[str, V2TriggerTestVariable] = attrs.field(factory=dict)
