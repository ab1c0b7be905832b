"""Instances that really run: each stage a task on the emulator's clock (REAL-SERVER §4, §5).

An instance runs its stages in order and stops at the first failure. A stage
is resolved with the run variables and checked; if that fails no child
workflow exists (the stage is absent from the history). Otherwise the stage
runs as its own task: ``delay`` parks on a clock timer, ``wait_event`` on the
instance's signal, ``send`` and ``update`` run activities against the bank.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from formance_orch.emulator.clock import EmulatorClock, Waiter
from formance_orch.emulator.config import (
    ConfigError,
    history_input,
    requirements,
    resolve_stage,
    stage_kind,
)
from formance_orch.emulator.ledger import LedgerError
from formance_orch.emulator.policy import Policy
from formance_orch.emulator.sending import Activities, ActivityFailed, SendError, run_send
from formance_orch.emulator.store import ActivityRun, Instance, StageRun, Store, Workflow
from formance_orch.emulator.wire import parse_rfc3339

__all__ = ["Runner"]

NS = 1_000_000_000
#: Activity errors whose type makes Temporal stop retrying (REAL-SERVER §5 Retries).
_NON_RETRYABLE = frozenset({"VALIDATION", "CONFLICT", "NO_SCRIPT", "COMPILATION_FAILED"})
#: The activities whose service errors become typed ApplicationErrors.
_TYPED_ERRORS = frozenset({"CreateTransaction", "AddAccountMetadata", "GetAccount", "DebitWallet"})
_MAX_RETRY_INTERVAL = 100


class Runner:
    """Starts instances and drives their stages; owns the per-instance signals."""

    def __init__(
        self,
        store: Store,
        activities: Activities,
        clock: EmulatorClock,
        policy: Policy,
        emit: Callable[[str, dict[str, Any]], None],
    ) -> None:
        self.store = store
        self.activities = activities
        self.clock = clock
        self.policy = policy
        self.emit = emit
        #: The wait_event stage each instance is parked on: (event name, waiter).
        self.waiting: dict[str, tuple[str, Waiter]] = {}
        self.stage_tasks: dict[str, asyncio.Task[str | None]] = {}

    # --- instances ----------------------------------------------------------------------

    def start(
        self, workflow: Workflow, variables: Mapping[str, str], instance_id: str | None = None
    ) -> Instance:
        """Create an instance and start running it (its first step runs on the next loop turn)."""
        instance = Instance(
            id=instance_id or str(uuid.uuid4()),
            workflow_id=workflow.id,
            created_ns=self.clock.now_ns(),
        )
        self.store.instances[instance.id] = instance
        self.emit("STARTED_WORKFLOW", {"id": workflow.id, "instanceID": instance.id})
        stages = list(workflow.config.get("stages") or ())
        self.clock.tracker.enter()
        instance.task = asyncio.get_running_loop().create_task(
            self._run(instance, stages, dict(variables)), name=f"emulator-instance-{instance.id}"
        )
        return instance

    async def _run(
        self, instance: Instance, stages: list[dict[str, Any]], variables: dict[str, str]
    ) -> None:
        ids = {"id": instance.workflow_id, "instanceID": instance.id}
        run_id = str(uuid.uuid4())
        try:
            for number, stage in enumerate(stages):
                row = StageRun(
                    number=number,
                    kind=stage_kind(stage),
                    run_id=run_id,
                    started_ns=self.clock.now_ns(),
                )
                instance.stages.append(row)
                self.emit("STARTED_WORKFLOW_STAGE", {**ids, "number": number})
                error = await self._stage(instance, row, stage, variables)
                row.terminated_ns = self.clock.now_ns()
                row.error = error
                if error:
                    self.emit("FAILED_WORKFLOW_STAGE", {**ids, "number": number, "error": error})
                    instance.error = error
                    break
                self.emit("SUCCEEDED_WORKFLOW_STAGE", {**ids, "number": number})
            instance.terminated_ns = self.clock.now_ns()
            if instance.error:
                self.emit("FAILED_WORKFLOW", {**ids, "error": instance.error})
            else:
                self.emit("SUCCEEDED_WORKFLOW", ids)
        finally:
            instance.ended.set()
            self.clock.tracker.leave()

    async def _stage(
        self, instance: Instance, row: StageRun, stage: dict[str, Any], variables: dict[str, str]
    ) -> str | None:
        try:
            resolved = resolve_stage(stage, variables)
        except ConfigError as error:
            return str(error)
        problem = requirements(row.kind, resolved)
        if problem:
            return problem
        row.input = history_input(row.kind, resolved, self.policy.number)
        task = asyncio.get_running_loop().create_task(self._child(instance, row, resolved))
        self.stage_tasks[instance.id] = task
        try:
            return await task
        finally:
            self.stage_tasks.pop(instance.id, None)

    async def _child(
        self, instance: Instance, row: StageRun, resolved: dict[str, Any]
    ) -> str | None:
        """The stage's child workflow ``<instance>-<n>``: its error, or None."""
        try:
            if row.kind == "delay":
                await self._delay(resolved)
            elif row.kind == "wait_event":
                await self._wait_event(instance, resolved["event"])
            elif row.kind == "send":
                await run_send(self._activity_caller(row), resolved, self.activities)
            elif row.kind == "update":
                key = "account" if self.policy.account_key_in_update_input else "id"
                call = self._activity_caller(row)
                await self.activities.add_metadata(call, resolved["account"], key)
        except ActivityFailed as failure:
            # The history shows Temporal's wrapper; the stage, the inner message (§6).
            return self._end_child(row, "activity error", failure.message)
        except SendError as error:
            return self._end_child(row, str(error), str(error))
        except asyncio.CancelledError:
            for activity in row.activities:
                if activity.terminated_ns is None:
                    activity.error = "cancelled"
                    activity.terminated_ns = self.clock.now_ns()
            return self._end_child(row, "canceled", "canceled")
        finally:
            self.waiting.pop(instance.id, None)
        return self._end_child(row, None, None)

    def _end_child(self, row: StageRun, history_error: str | None, error: str | None) -> str | None:
        row.child_error = history_error
        row.child_ended_ns = self.clock.now_ns()
        return error

    # --- stage kinds --------------------------------------------------------------------

    async def _delay(self, resolved: dict[str, Any]) -> None:
        duration = resolved.get("duration")
        now = self.clock.now_ns()
        deadline = now + duration if duration else parse_rfc3339(resolved["until"])
        if deadline > now:
            await self.clock.timer(deadline).park()

    async def _wait_event(self, instance: Instance, event: str) -> None:
        if event in instance.buffered:  # contract behaviour: an event sent earlier
            instance.buffered.remove(event)
            return
        while True:
            waiter = Waiter(self.clock.tracker)
            self.waiting[instance.id] = (event, waiter)
            received = await waiter.park()
            if received == event:
                return
            # A signal with another name is consumed and discarded (§5 wait_event).

    def signal(self, instance: Instance, name: str) -> None:
        """Deliver an event to the instance's latest stage (lost if it is not waiting)."""
        waiting = self.waiting.get(instance.id)
        if waiting is not None:
            self.waiting.pop(instance.id)
            waiting[1].wake(name)
        elif self.policy.buffer_events:
            instance.buffered.append(name)

    def abort(self, instance: Instance) -> None:
        """Cancel the running stage, which fails the instance with ``canceled``."""
        task = self.stage_tasks.get(instance.id)
        if task is not None and not task.done():
            task.cancel()

    # --- activities ---------------------------------------------------------------------

    def _activity_caller(self, row: StageRun) -> Callable[..., Any]:
        async def call(name: str, payload: dict[str, Any], action: Callable[[], Any]) -> Any:
            return await self._activity(row, name, payload, action)

        return call

    async def _activity(
        self, row: StageRun, name: str, payload: dict[str, Any], action: Callable[[], Any]
    ) -> Any:
        """Run one activity, retrying as Temporal would (1 s x 2^n up to 100 s)."""
        run = ActivityRun(name=name, input=payload, started_ns=self.clock.now_ns())
        row.activities.append(run)
        while True:
            try:
                output = action()
            except LedgerError as error:
                retryable = not (name in _TYPED_ERRORS and error.code in _NON_RETRYABLE)
                if not (retryable and self.policy.retry_forever):
                    run.error = error.message
                    run.terminated_ns = self.clock.now_ns()
                    raise ActivityFailed(error.message, error.code) from None
                run.last_failure = error.message
                wait = min(2 ** (run.attempt - 1), _MAX_RETRY_INTERVAL)
                run.next_execution_ns = self.clock.now_ns() + wait * NS
                run.attempt += 1
                await self.clock.timer(run.next_execution_ns).park()
                continue
            run.output = output
            run.terminated_ns = self.clock.now_ns()
            return output
