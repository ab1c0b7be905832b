"""Triggers: validation at create, the test endpoint, and events that fire them (REAL-SERVER §7).

Filters and variables are expr-lang expressions (``expr.py``), compiled with
no environment at create (only syntax errors fail) and evaluated against
``{"event": payload}`` with the custom function ``link(obj, rel)``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from formance_orch.emulator import expr
from formance_orch.emulator.policy import Policy
from formance_orch.emulator.runner import Runner
from formance_orch.emulator.store import Occurrence, Store, Trigger
from formance_orch.emulator.wire import go_map, utc_micro_time

__all__ = ["LinkError", "Triggers", "TriggerInvalid"]

#: Events whose id fires triggers once, ever (REAL-SERVER §7 Live flow, dedup).
_ONCE_PER_ID = frozenset({"SAVED_PAYMENT", "SAVED_ACCOUNT"})
_ACTIVITY_IDS = "scheduledEventID: 5, startedEventID: 6, identity: emulator"


class TriggerInvalid(ValueError):
    """A trigger the service refuses to create: HTTP ``status`` and its message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class LinkError(Exception):
    """``link()`` refused: the non-retryable ApplicationError of the real service."""

    def __init__(self, reason: str) -> None:
        self.message = f"{reason} (type: APPLICATION, retryable: false): {reason}"
        super().__init__(self.message)


@attrs.define
class _Evaluation:
    """The outcome of one variable or filter: its value, or the error text."""

    value: Any = None
    error: str | None = None
    #: The error was a ``link`` refusal (non-retryable), not an expression error.
    link_failed: bool = False


class Triggers:
    """Creates, tests and fires triggers."""

    def __init__(
        self,
        store: Store,
        runner: Runner,
        policy: Policy,
        now_ns: Callable[[], int],
        follow_link: Callable[[str], Any],
    ) -> None:
        self.store = store
        self.runner = runner
        self.policy = policy
        self.now_ns = now_ns
        #: Answers a link's URI with the ``data`` it points to; raises ``LinkError``.
        self.follow_link = follow_link
        self._fired_ids: set[tuple[str, str]] = set()

    # --- create -------------------------------------------------------------------------

    def create(self, data: Mapping[str, Any]) -> Trigger:
        """Validate ``data`` (§7 Create) and store the trigger; raises ``TriggerInvalid``."""
        event = data.get("event") or ""
        workflow_id = data.get("workflowID") or ""
        if not event:
            raise TriggerInvalid(400, "validating data: missing event")
        if not workflow_id:
            raise TriggerInvalid(400, "validating data: missing workflow id")
        raw_filter = data.get("filter")
        sources = [raw_filter] if raw_filter else []
        variables = data.get("vars") or {}
        sources += list(variables.values())
        for source in sources:
            try:
                expr.compile_expression(source)
            except expr.CompileError as error:
                raise TriggerInvalid(
                    400,
                    f"validating data: error compiling expression '{source}': {error.message}",
                ) from None
        workflow = self.store.workflows.get(workflow_id)
        if workflow is None or workflow.deleted_ns is not None:
            raise TriggerInvalid(404, "workflow does not exists")
        trigger = Trigger(
            id=str(uuid.uuid4()),
            name=data.get("name") or "",
            event=event,
            workflow_id=workflow_id,
            filter=raw_filter,
            vars=dict(variables) or None,
            created_ns=self.now_ns() // 1000 * 1000,
        )
        self.store.triggers[trigger.id] = trigger
        return trigger

    # --- evaluation ---------------------------------------------------------------------

    def _link(self) -> Callable[..., Any]:
        def link(*args: Any) -> Any:
            if len(args) != 2:
                raise LinkError(f"link: expected 2 arguments, got {len(args)}")
            obj, rel = args
            links = obj.get("links") if isinstance(obj, dict) else None
            matches = [
                item
                for item in (links if isinstance(links, list) else [])
                if isinstance(item, dict) and item.get("name") == rel
            ]
            if not matches:
                raise LinkError(f"link '{rel}' not defined for object")
            if len(matches) > 1:
                raise LinkError(f"link '{rel}' defined several times for object")
            return expr.to_go_value(self.follow_link(str(matches[0].get("uri", ""))))

        return link

    def _evaluate(self, source: str, event: Any, *, variable: bool = False) -> _Evaluation:
        """Run ``source`` on ``event``: its value (a variable's text when ``variable``) or error.

        Formatting a variable can fail too (a NaN or an infinity is no JSON):
        that is the variable's error, as on the service.
        """
        try:
            program = expr.compile_expression(source)
            value = program.run({"event": event}, {"link": self._link()})
            if variable:
                value = expr.format_variable(value)
        except expr.ExprError as error:
            # ``run`` raises only EvalError, with what ``link`` raised as its cause.
            return _Evaluation(
                error=error.message, link_failed=isinstance(error.__cause__, LinkError)
            )
        return _Evaluation(value=value)

    def test(self, trigger: Trigger, body: Any) -> dict[str, Any]:
        """What the trigger would do with ``body`` as its event (§7 Test)."""
        event = expr.to_go_value(body)
        result: dict[str, Any] = {"filter": None, "variables": None}
        matched = True
        if trigger.filter is not None:
            outcome = self._evaluate(trigger.filter, event)
            matched = outcome.error is None and expr.filter_matches(outcome.value)
            result["filter"] = {"match": matched}
            if outcome.error is not None:
                result["filter"]["error"] = outcome.error
        if matched and trigger.vars:
            variables: dict[str, Any] = {}
            for name, source in sorted(trigger.vars.items()):
                outcome = self._evaluate(source, event, variable=True)
                entry: dict[str, Any] = {}
                if outcome.error is not None:
                    entry["error"] = outcome.error
                elif outcome.value:  # ``value`` is omitempty
                    entry["value"] = outcome.value
                variables[name] = entry
            result["variables"] = variables
        return result

    # --- events -------------------------------------------------------------------------

    def publish(self, event_type: str, payload: Any) -> list[Occurrence]:
        """Publish an event: fire every live trigger on ``event_type`` whose filter is true."""
        envelope = {
            "date": utc_micro_time(self.now_ns()),
            "app": "emulator",
            "version": "v1",
            "type": event_type,
            "payload": go_map(payload),
        }
        self.store.events.append(envelope)
        if self.policy.fire_once_per_saved_id and event_type in _ONCE_PER_ID:
            key = (event_type, str(payload.get("id") if isinstance(payload, dict) else None))
            if key in self._fired_ids:
                return []
            self._fired_ids.add(key)
        event = expr.to_go_value(payload)
        fired = []
        for trigger in list(self.store.triggers.values()):
            if trigger.deleted or trigger.event != event_type:
                continue
            if trigger.filter:
                outcome = self._evaluate(trigger.filter, event)
                if outcome.error is not None or not expr.filter_matches(outcome.value):
                    continue  # a filter error counts as no match and records nothing
            occurrence = self._execute(trigger, event, envelope)
            if occurrence is not None:
                fired.append(occurrence)
        return fired

    def _execute(self, trigger: Trigger, event: Any, envelope: dict[str, Any]) -> Occurrence | None:
        variables: dict[str, str] = {}
        for name, source in sorted((trigger.vars or {}).items()):
            outcome = self._evaluate(source, event, variable=True)
            if outcome.error is not None:
                if not (outcome.link_failed or self.policy.record_variable_errors):
                    return None  # retried forever by Temporal: nothing is recorded
                error = outcome.error
                if outcome.link_failed:  # the activity's failure, as Temporal words it
                    error = f"activity error (type: EvalTriggerVariables, {_ACTIVITY_IDS}): {error}"
                return self._record(trigger, envelope, error=error)
            variables[name] = outcome.value
        workflow = self.store.workflows[trigger.workflow_id]
        instance_id = str(uuid.uuid4())
        if self.policy.child_style_trigger_ids:
            instance_id += "_1"
        instance = self.runner.start(workflow, variables, instance_id)
        self.runner.emit(
            "SUCCEEDED_TRIGGER",
            {"id": trigger.id, "triggerID": trigger.id, "workflowInstanceID": instance.id},
        )
        return self._record(trigger, envelope, instance=instance)

    def _record(self, trigger: Trigger, envelope: dict[str, Any], **outcome: Any) -> Occurrence:
        if outcome.get("error"):
            self.runner.emit(
                "FAILED_TRIGGER",
                {"id": trigger.id, "triggerID": trigger.id, "error": outcome["error"]},
            )
        occurrence = Occurrence(
            id=str(uuid.uuid4()),
            trigger_id=trigger.id,
            date_ns=self.now_ns(),
            event=envelope,
            **outcome,
        )
        self.store.occurrences.append(occurrence)
        return occurrence
