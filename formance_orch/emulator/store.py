"""What the emulator holds: workflows, instances and their stages, triggers, occurrences.

Each record renders itself as the real service writes it (REAL-SERVER §1, §4,
§7): ``fresh=True`` for the answer built in memory at create or run time
(nanoseconds, local offset), ``fresh=False`` for a read from the database
(microseconds, UTC).
"""

from __future__ import annotations

import asyncio
from datetime import tzinfo
from typing import Any

import attrs

from formance_orch.emulator.wire import local_time, utc_micro_time

__all__ = [
    "ActivityRun",
    "Instance",
    "Occurrence",
    "StageRun",
    "Store",
    "Trigger",
    "Workflow",
]


@attrs.define(eq=False)
class Times:
    """How times are written: the zone of in-memory answers."""

    zone: tzinfo | None = None

    def write(self, epoch_ns: int, *, fresh: bool) -> str:
        """A time as a fresh answer or a read shows it."""
        return local_time(epoch_ns, self.zone) if fresh else utc_micro_time(epoch_ns)


@attrs.define(eq=False)
class Workflow:
    """A registered workflow (``config`` kept as sent, Go-normalised)."""

    id: str
    config: dict[str, Any]
    created_ns: int
    deleted_ns: int | None = None

    def to_json(self, times: Times, *, fresh: bool = False) -> dict[str, Any]:
        """``{"id","config","createdAt","updatedAt","deletedAt"}`` (§1 POST /workflows)."""
        created = times.write(self.created_ns, fresh=fresh)
        deleted = None if self.deleted_ns is None else utc_micro_time(self.deleted_ns)
        return {
            "id": self.id,
            "config": self.config,
            "createdAt": created,
            "updatedAt": created,
            "deletedAt": deleted,
        }


@attrs.define(eq=False)
class ActivityRun:
    """One activity of a stage, with its retries (§6 stage history)."""

    name: str
    input: dict[str, Any]
    started_ns: int
    attempt: int = 1
    output: dict[str, Any] | None = None
    error: str | None = None
    last_failure: str | None = None
    next_execution_ns: int | None = None
    terminated_ns: int | None = None

    def to_json(self) -> dict[str, Any]:
        """A finished activity shows attempt 1; the pending one its real attempt."""
        body: dict[str, Any] = {"name": self.name, "input": {self.name: self.input}}
        if self.output is not None:
            body["output"] = {self.name: self.output}
        if self.error is not None:
            body["error"] = self.error
        body["terminated"] = self.terminated_ns is not None
        body["startedAt"] = utc_micro_time(self.started_ns)
        if self.terminated_ns is not None:
            body["terminatedAt"] = utc_micro_time(self.terminated_ns)
            body["attempt"] = 1
            return body
        if self.last_failure is not None:
            body["lastFailure"] = self.last_failure
        body["attempt"] = self.attempt
        if self.next_execution_ns is not None:
            body["nextExecution"] = utc_micro_time(self.next_execution_ns)
        return body


@attrs.define(eq=False)
class StageRun:
    """One stage of an instance: its status row and, once started, its child workflow."""

    number: int
    kind: str
    run_id: str
    started_ns: int
    terminated_ns: int | None = None
    error: str | None = None
    #: The child workflow's input; None when resolve or validation failed (§4 step 3).
    input: dict[str, Any] | None = None
    child_error: str | None = None
    child_ended_ns: int | None = None
    activities: list[ActivityRun] = attrs.field(factory=list)

    def status_json(self, instance_id: str, times: Times, *, fresh: bool) -> dict[str, Any]:
        """The stage's status row (§4 StageStatus)."""
        body: dict[str, Any] = {
            "stage": self.number,
            "instanceID": instance_id,
            "temporalRunID": self.run_id,
            "startedAt": times.write(self.started_ns, fresh=fresh),
        }
        if self.terminated_ns is not None:
            body["terminatedAt"] = times.write(self.terminated_ns, fresh=fresh)
        if self.error:
            body["error"] = self.error
        return body

    def history_json(self) -> dict[str, Any]:
        """The stage as the instance history shows it (§6)."""
        body: dict[str, Any] = {"name": "Run" + _camel(self.kind), "input": self.input}
        if self.child_error:
            body["error"] = self.child_error
        body["terminated"] = self.child_ended_ns is not None
        body["startedAt"] = utc_micro_time(self.started_ns)
        if self.child_ended_ns is not None:
            body["terminatedAt"] = utc_micro_time(self.child_ended_ns)
        return body


def _camel(kind: str) -> str:
    return "".join(part.capitalize() for part in kind.split("_"))


@attrs.define(eq=False)
class Instance:
    """A run of a workflow."""

    id: str
    workflow_id: str
    created_ns: int
    stages: list[StageRun] = attrs.field(factory=list)
    terminated_ns: int | None = None
    error: str | None = None
    task: asyncio.Task[None] | None = None
    ended: asyncio.Event = attrs.field(factory=asyncio.Event)
    #: Events kept for a later wait_event (``contract`` behaviour only).
    buffered: list[str] = attrs.field(factory=list)
    #: The name of every event accepted for the instance (a 204 answer).
    received: list[str] = attrs.field(factory=list)

    @property
    def terminated(self) -> bool:
        """Whether the instance has ended."""
        return self.terminated_ns is not None

    def to_json(
        self, times: Times, *, fresh: bool = False, status: bool = True, error: bool = True
    ) -> dict[str, Any]:
        """The instance (§4 Instance JSON); ``updatedAt`` never moves from ``createdAt``."""
        created = times.write(self.created_ns, fresh=fresh)
        body: dict[str, Any] = {
            "workflowID": self.workflow_id,
            "id": self.id,
            "createdAt": created,
            "updatedAt": created,
            "terminated": self.terminated,
        }
        if self.terminated_ns is not None:
            body["terminatedAt"] = times.write(self.terminated_ns, fresh=fresh)
        if status and self.stages:
            body["status"] = [
                stage.status_json(self.id, times, fresh=fresh) for stage in self.stages
            ]
        if error and self.error:
            body["error"] = self.error
        return body


@attrs.define(eq=False)
class Trigger:
    """A trigger: runs ``workflow_id`` when an event of type ``event`` passes ``filter``."""

    id: str
    name: str
    event: str
    workflow_id: str
    filter: str | None
    vars: dict[str, str] | None
    created_ns: int
    deleted: bool = False

    def to_json(self, workflow: dict[str, Any] | None = None) -> dict[str, Any]:
        """In the real key order (§7); ``workflow`` is null unless echoed at create."""
        body: dict[str, Any] = {"name": self.name, "event": self.event}
        if self.filter is not None:
            body["filter"] = self.filter
        body["workflowID"] = self.workflow_id
        body["workflow"] = workflow
        if self.vars:
            body["vars"] = dict(sorted(self.vars.items()))
        body["id"] = self.id
        body["createdAt"] = utc_micro_time(self.created_ns)
        return body


@attrs.define(eq=False)
class Occurrence:
    """One firing of a trigger: the event, and the instance it started or the error."""

    id: str
    trigger_id: str
    date_ns: int
    event: dict[str, Any]
    instance: Instance | None = None
    error: str | None = None

    def to_json(self, times: Times) -> dict[str, Any]:
        """§7 Occurrence JSON (the instance without its status)."""
        body: dict[str, Any] = {"id": self.id, "triggerID": self.trigger_id}
        if self.instance is not None:
            body["workflowInstanceID"] = self.instance.id
            body["workflowInstance"] = self.instance.to_json(times, status=False)
        body["date"] = utc_micro_time(self.date_ns)
        body["event"] = self.event
        if self.error:
            body["error"] = self.error
        return body


@attrs.define(eq=False)
class Store:
    """Every record, in insertion order (the order lists show, §2)."""

    workflows: dict[str, Workflow] = attrs.field(factory=dict)
    instances: dict[str, Instance] = attrs.field(factory=dict)
    triggers: dict[str, Trigger] = attrs.field(factory=dict)
    occurrences: list[Occurrence] = attrs.field(factory=list)
    #: Every event published to the emulator, as its envelope.
    events: list[dict[str, Any]] = attrs.field(factory=list)
    #: The events the service itself published (STARTED_WORKFLOW, ..., §7).
    emitted: list[dict[str, Any]] = attrs.field(factory=list)
