"""The operations' logic, independent of HTTP: each returns an ``Answer``.

17 of the 18 operations: ``routes`` answers ``/_info`` itself.

Every status and message follows REAL-SERVER §1 (the "Summary: unknown ids"
table especially) or the policy's choice where the two behaviours differ.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs

from formance_orch.emulator import pagination
from formance_orch.emulator.config import (
    ConfigError,
    check_config,
    has_placeholder,
    requirements,
    resolve_stage,
    stage_kind,
)
from formance_orch.emulator.policy import Policy
from formance_orch.emulator.runner import Runner
from formance_orch.emulator.store import Instance, Store, Times, Trigger, Workflow
from formance_orch.emulator.triggers import TriggerInvalid, Triggers
from formance_orch.emulator.wire import decode_json, go_map, go_type_name

__all__ = ["Answer", "Service"]

NO_ROWS = "sql: no rows in result set"
_UUID_CHARS = frozenset("0123456789abcdef-")


@attrs.frozen
class Answer:
    """An HTTP answer: status, and a JSON body (``None`` for an empty body)."""

    status: int
    body: Any = None


def ok(data: Any, status: int = 200) -> Answer:
    """``{"data": ...}``."""
    return Answer(status, {"data": data})


def cursor(page: dict[str, Any]) -> Answer:
    """``{"cursor": {...}}``."""
    return Answer(200, {"cursor": page})


def error(status: int, message: str) -> Answer:
    """The error body for ``status``: VALIDATION (400), NOT_FOUND (404) or INTERNAL."""
    code = {400: "VALIDATION", 404: "NOT_FOUND"}.get(status, "INTERNAL")
    return Answer(status, {"errorCode": code, "errorMessage": message})


NO_CONTENT = Answer(204)


def _is_uuid(text: str) -> bool:
    parts = text.split("-")
    return (
        len(text) == 36
        and set(text) <= _UUID_CHARS
        and [len(part) for part in parts] == [8, 4, 4, 4, 12]
    )


def _go_json_error(value: Any, target: str) -> str:
    kind = go_type_name(value)
    go_kind = {
        "float64": "number",
        "map[string]interface {}": "object",
        "[]interface {}": "array",
    }.get(kind, kind)
    return f"json: cannot unmarshal {go_kind} into {target}"


class Service:
    """The operations over the store, bank, runner and triggers."""

    def __init__(
        self, store: Store, runner: Runner, triggers: Triggers, policy: Policy, times: Times
    ) -> None:
        self.store = store
        self.runner = runner
        self.triggers = triggers
        self.policy = policy
        self.times = times

    def _page(
        self,
        query: Mapping[str, str],
        rows: Callable[[Any], Sequence[Any]],
        render: Callable[[Any], Any],
        *,
        filters: Callable[[], Any],
        check_filters: Callable[[Any], Any] = lambda value: value,
    ) -> Answer:
        """The page ``query`` asks for of ``rows(filters)``, or 400 for a bad size or cursor."""
        try:
            page_query = pagination.read_query(
                query,
                maximum=self.policy.max_page_size,
                filters=filters,
                check_filters=check_filters,
            )
        except pagination.BadQuery as refused:
            return error(400, str(refused))
        return cursor(pagination.page(rows(page_query.filters), page_query, render))

    def _unknown(self, message: str, contract_message: str) -> Answer:
        if self.policy.unknown_status == 404:
            return error(404, contract_message)
        return error(500, message)

    # --- workflows ----------------------------------------------------------------------

    def create_workflow(self, body: bytes, *, yaml: bool = False) -> Answer:
        """POST /workflows: ``body`` is YAML (``Content-Type: text/vnd.yaml``) or JSON (§1)."""
        config: Any
        if yaml:
            from formance_orch.emulator.yamlish import YAMLError, load_yaml

            text = body.decode("utf-8", "replace")
            try:
                config = load_yaml(text, float64=self.policy.float64_numbers)
            except YAMLError as refused:
                return error(400, f"unmarshalling yaml: {refused}")
            prefix = "unmarshalling workflow data"  # the map, re-encoded, into Config
        else:
            try:
                config = decode_json(body, exact=not self.policy.float64_numbers)
            except ValueError as refused:
                return error(400, f"unmarshalling json body: {refused}")
            prefix = "unmarshalling json body"
            if config is None:  # JSON null leaves the Config as it was: empty
                config = {}
        problem = _config_type_error(config)
        if problem:
            return error(400, f"{prefix}: {problem}")
        config = {"name": config.get("name") or "", "stages": config.get("stages")}
        try:
            check_config(config)
            if self.policy.check_requirements_at_create:
                for stage in config["stages"] or ():
                    if not has_placeholder(stage):
                        found = requirements(stage_kind(stage), resolve_stage(stage, {}))
                        if found:
                            raise ConfigError(found)
        except ConfigError as refused:
            return error(self.policy.create_validation_status, f"creating workflow: {refused}")
        workflow = Workflow(
            id=str(uuid.uuid4()), config=go_map(config), created_ns=self.runner.clock.now_ns()
        )
        self.store.workflows[workflow.id] = workflow
        return ok(workflow.to_json(self.times, fresh=True), 201)

    def _workflow(self, workflow_id: str) -> Workflow | None:
        workflow = self.store.workflows.get(workflow_id)
        if workflow is None:
            return None
        if workflow.deleted_ns is not None and not self.policy.deleted_workflows_visible:
            return None
        return workflow

    def list_workflows(self, query: Mapping[str, str]) -> Answer:
        """GET /workflows (soft-deleted ones hidden)."""
        rows = [w for w in self.store.workflows.values() if w.deleted_ns is None]
        return self._page(
            query, lambda _: rows, lambda w: w.to_json(self.times), filters=lambda: None
        )

    def get_workflow(self, workflow_id: str) -> Answer:
        """GET /workflows/{id}."""
        workflow = self._workflow(workflow_id)
        if workflow is None:
            return self._unknown(NO_ROWS, "workflow not found")
        return ok(workflow.to_json(self.times))

    def delete_workflow(self, workflow_id: str) -> Answer:
        """DELETE /workflows/{id}: a soft delete."""
        if not _is_uuid(workflow_id):
            return error(400, "Key: '' Error:Field validation for '' failed on the 'uuid' tag")
        workflow = self._workflow(workflow_id)
        if workflow is None:
            return error(404, "Workflow not found")
        workflow.deleted_ns = self.runner.clock.now_ns()
        return NO_CONTENT

    async def run_workflow(self, workflow_id: str, body: bytes | None, wait: bool) -> Answer:
        """POST /workflows/{id}/instances (``body`` None when it was not read)."""
        variables: dict[str, str] = {}
        if body is not None:
            try:
                decoded = decode_json(body)
            except ValueError as refused:
                return error(400, str(refused))
            if not isinstance(decoded, dict):
                return error(400, _go_json_error(decoded, "Go value of type map[string]string"))
            for value in decoded.values():
                if not isinstance(value, str):
                    return error(400, _go_json_error(value, "Go value of type string"))
            variables = decoded
        workflow = self._workflow(workflow_id)
        if workflow is None:
            return self._unknown(NO_ROWS, "workflow not found")
        instance = self.runner.start(workflow, variables)
        if not wait:
            return ok(instance.to_json(self.times, fresh=True), 201)
        if self.policy.wait_waits:
            await instance.ended.wait()
        # The real handler re-reads the row; its wrapper hides the instance's error (§4).
        return ok(instance.to_json(self.times, error=self.policy.wait_waits), 201)

    # --- instances ----------------------------------------------------------------------

    def list_instances(self, query: Mapping[str, str]) -> Answer:
        """GET /instances, filtered by ``workflowID`` and ``running``."""

        def filters() -> dict[str, Any]:
            running = query.get("running", "").lower() in ("1", "true")
            return {"WorkflowID": query.get("workflowID", ""), "Running": running}

        def from_cursor(raw: Any) -> dict[str, Any]:
            raw = raw if isinstance(raw, dict) else {}
            workflow_id, running = raw.get("WorkflowID", ""), raw.get("Running", False)
            if not isinstance(workflow_id, str) or not isinstance(running, bool):
                raise pagination.BadQuery("invalid 'cursor' query param")
            return {"WorkflowID": workflow_id, "Running": running}

        def rows(wanted: dict[str, Any]) -> list[Instance]:
            workflow_id, running = wanted["WorkflowID"], wanted["Running"]
            workflows = self.store.workflows
            return [
                instance
                for instance in self.store.instances.values()
                if (not workflow_id or instance.workflow_id == workflow_id)
                and not (running and instance.terminated)
                and workflows[instance.workflow_id].deleted_ns is None
            ]

        with_status = self.policy.list_instances_with_status
        return self._page(
            query,
            rows,
            lambda i: i.to_json(self.times, status=with_status),
            filters=filters,
            check_filters=from_cursor,
        )

    def get_instance(self, instance_id: str) -> Answer:
        """GET /instances/{id}."""
        instance = self.store.instances.get(instance_id)
        if instance is None:
            return self._unknown("Instance not found", "Instance not found")
        return ok(instance.to_json(self.times))

    def send_event(self, instance_id: str, body: bytes) -> Answer:
        """POST /instances/{id}/events: a signal to the latest stage (§5 wait_event)."""
        try:
            decoded = decode_json(body)
        except ValueError as refused:
            return error(400, str(refused))
        if not isinstance(decoded, dict):
            return error(400, _go_json_error(decoded, "Go value of type workflow.Event"))
        name = decoded.get("name")
        if name is None:  # absent or null: Go leaves the string empty
            name = ""
        elif not isinstance(name, str):
            return error(400, _go_json_error(name, "Go struct field Event.name of type string"))
        instance = self.store.instances.get(instance_id)
        if instance is None:
            return self._unknown(f"retrieving workflow: {NO_ROWS}", "Instance not found")
        if instance.terminated:
            return error(
                self.policy.event_after_end_status,
                "sending signal to server: workflow execution already completed",
            )
        if not instance.stages and not self.policy.buffer_events:
            return error(500, f"retrieving workflow: {NO_ROWS}")
        instance.received.append(name)
        self.runner.signal(instance, name)
        return NO_CONTENT

    def abort(self, instance_id: str) -> Answer:
        """PUT /instances/{id}/abort."""
        instance = self.store.instances.get(instance_id)
        if instance is None:
            return self._unknown(f"retrieving workflow execution: {NO_ROWS}", "Instance not found")
        if self.policy.abort_stops:
            self.runner.abort(instance)
        return NO_CONTENT

    def instance_history(self, instance_id: str) -> Answer:
        """GET /instances/{id}/history: the stages whose child workflow started."""
        instance = self.store.instances.get(instance_id)
        if instance is None:
            return self._unknown("workflow execution not found", "Instance not found")
        return ok([stage.history_json() for stage in instance.stages if stage.input is not None])

    def stage_history(self, instance_id: str, number: str) -> Answer:
        """GET /instances/{id}/stages/{n}/history: the activities, up to the pending one."""
        stage_number = _go_parse_int(number)
        if stage_number is None:
            return Answer(404)  # ParseInt failed: an empty body (§1)
        instance: Instance | None = self.store.instances.get(instance_id)
        if instance is None or not 0 <= stage_number < len(instance.stages):
            return error(404, "Instance not found")
        stage = instance.stages[stage_number]
        if stage.input is None:
            return error(404, "Instance not found")
        items = []
        for activity in stage.activities:
            items.append(activity.to_json())
            if activity.terminated_ns is None:
                break
        return ok(items)

    # --- triggers -----------------------------------------------------------------------

    def _trigger_body(self, body: bytes) -> Any:
        try:
            # Plain JSON values: the expression engine makes them Go values itself.
            decoded = decode_json(body, exact=True)
        except ValueError as refused:
            return error(self.policy.bad_trigger_body_status, str(refused))
        return decoded

    def create_trigger(self, body: bytes) -> Answer:
        """POST /triggers."""
        decoded = self._trigger_body(body)
        if isinstance(decoded, Answer):
            return decoded
        problem = _trigger_type_error(decoded)
        if problem:
            return error(self.policy.bad_trigger_body_status, problem)
        try:
            trigger = self.triggers.create(decoded)
        except TriggerInvalid as refused:
            return error(refused.status, refused.message)
        echoed = decoded.get("workflow")
        return ok(trigger.to_json(echoed if isinstance(echoed, dict) else None), 201)

    def _live_trigger(self, trigger_id: str) -> Any:
        trigger = self.store.triggers.get(trigger_id)
        return None if trigger is None or trigger.deleted else trigger

    def list_triggers(self, query: Mapping[str, str]) -> Answer:
        """GET /triggers; ``name`` filters as the contract says (case-insensitive substring)."""

        def from_cursor(raw: Any) -> dict[str, Any]:
            name = raw.get("Name", "") if isinstance(raw, dict) else ""
            if not isinstance(name, str):
                raise pagination.BadQuery("invalid 'cursor' query param")
            return {"Name": name}

        def rows(wanted: dict[str, Any]) -> list[Trigger]:
            name = wanted["Name"].lower()
            return [
                trigger
                for trigger in self.store.triggers.values()
                if not trigger.deleted and name in trigger.name.lower()
            ]

        return self._page(
            query,
            rows,
            lambda t: t.to_json(),
            filters=lambda: {"Name": query.get("name", "")},
            check_filters=from_cursor,
        )

    def read_trigger(self, trigger_id: str) -> Answer:
        """GET /triggers/{id}."""
        trigger = self._live_trigger(trigger_id)
        if trigger is None:
            return error(404, NO_ROWS)
        return ok(trigger.to_json())

    def delete_trigger(self, trigger_id: str) -> Answer:
        """DELETE /triggers/{id}."""
        trigger = self._live_trigger(trigger_id)
        if trigger is None:
            return error(404, NO_ROWS)
        trigger.deleted = True
        return NO_CONTENT

    def test_trigger(self, trigger_id: str, body: bytes) -> Answer:
        """POST /triggers/{id}/test: the body is the event itself (§7 Test)."""
        decoded = self._trigger_body(body)
        if isinstance(decoded, Answer):
            return decoded
        if not isinstance(decoded, dict):
            return error(
                self.policy.bad_trigger_body_status,
                _go_json_error(decoded, "Go value of type map[string]interface {}"),
            )
        trigger = self._live_trigger(trigger_id)
        if trigger is None:
            return self._unknown(NO_ROWS, NO_ROWS)
        return ok(self.triggers.test(trigger, decoded))

    def list_occurrences(self, trigger_id: str, query: Mapping[str, str]) -> Answer:
        """GET /triggers/{id}/occurrences (the cursor carries the trigger id)."""
        unknown = self._live_trigger(trigger_id) is None and not query.get("cursor")
        if unknown and self.policy.unknown_trigger_occurrences_404:
            return error(404, NO_ROWS)

        def from_cursor(raw: Any) -> str:
            found = raw.get("TriggerID", "") if isinstance(raw, dict) else ""
            if not isinstance(found, str):
                raise pagination.BadQuery("invalid 'cursor' query param")
            return found

        return self._page(
            query,
            lambda wanted: [
                o for o in self.store.occurrences if o.trigger_id == wanted["TriggerID"]
            ],
            lambda o: o.to_json(self.times),
            filters=lambda: {"TriggerID": trigger_id},
            check_filters=lambda raw: {"TriggerID": from_cursor(raw)},
        )


def _go_parse_int(text: str) -> int | None:
    """``strconv.ParseInt(text, 10, 64)``: a sign, digits, within int64."""
    body = text[1:] if text[:1] in ("+", "-") else text
    if not body or not body.isascii() or not body.isdigit():
        return None
    value = int(text)
    return value if -(2**63) <= value < 2**63 else None


def _config_type_error(config: Any) -> str | None:
    """The Go json error when ``config`` does not fit the Config struct, else None."""
    if not isinstance(config, dict):
        return _go_json_error(config, "Go value of type workflow.Config")
    name = config.get("name")
    if name is not None and not isinstance(name, str):
        return _go_json_error(name, "Go struct field Config.name of type string")
    stages = config.get("stages")
    if stages is None:
        return None
    if not isinstance(stages, list):
        return _go_json_error(stages, "Go struct field Config.stages of type []workflow.RawStage")
    for stage in stages:
        if stage is not None and not isinstance(stage, dict):
            return _go_json_error(stage, "Go struct field Config.stages of type workflow.RawStage")
        for value in (stage or {}).values():
            if value is not None and not isinstance(value, dict):
                return _go_json_error(
                    value, "Go struct field Config.stages of type map[string]interface {}"
                )
    return None


def _trigger_type_error(data: Any) -> str | None:
    """The Go json error when ``data`` does not fit TriggerData, else None."""
    if not isinstance(data, dict):
        return _go_json_error(data, "Go value of type triggers.TriggerData")
    for key in ("event", "workflowID", "filter", "name"):
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            return _go_json_error(value, f"Go struct field TriggerData.{key} of type string")
    variables = data.get("vars")
    if variables is not None:
        if not isinstance(variables, dict):
            return _go_json_error(
                variables, "Go struct field TriggerData.vars of type map[string]string"
            )
        for value in variables.values():
            if not isinstance(value, str):
                return _go_json_error(value, "Go struct field TriggerData.vars of type string")
    return None
