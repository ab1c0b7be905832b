"""The two behaviours, and the one place that decides each difference between them.

``server`` answers as the real Go service does, defects included (REAL-SERVER
"Ten behaviours most likely to surprise"); ``contract`` answers as the OpenAPI
contract and its descriptions promise. Code elsewhere asks the policy a
question (``policy.wait_waits``) and never compares behaviour names.
"""

from __future__ import annotations

from typing import Any, Literal

import attrs

from formance_orch.emulator.wire import GoFloat

__all__ = ["CONTRACT", "SERVER", "Behaviour", "Policy", "policy_for"]

#: The name of a behaviour, as given to ``Emulator(behaviour=...)``.
Behaviour = Literal["server", "contract"]


@attrs.frozen(kw_only=True)
class Policy:
    """Every point where the two behaviours differ (one row each in docs/emulator.md)."""

    name: Behaviour
    #: ``?wait=true`` waits for the instance to end and shows its error (REAL-SERVER §4).
    wait_waits: bool
    #: Abort terminates a running instance with ``canceled`` (REAL-SERVER §5 abort).
    abort_stops: bool
    #: A retryable activity failure is retried forever, else it fails the stage (§5 Retries).
    retry_forever: bool
    #: Status of an unknown workflow or instance on get/run/event/abort/history (§1 summary).
    unknown_status: int
    #: Config type errors at create: 400 VALIDATION, else 500 INTERNAL (§3).
    create_validation_status: int
    #: Required fields and one-of choices are checked at create too, not only at run time (§3).
    check_requirements_at_create: bool
    #: The largest page size; larger ones are clamped (§2).
    max_page_size: int
    #: An event sent while no wait_event is pending is kept for a later one (§5 wait_event),
    #: also before the first stage started, which the server refuses: 500 ``retrieving
    #: workflow: sql: no rows in result set`` (§1 POST /instances/{id}/events).
    buffer_events: bool
    #: A malformed trigger or test-trigger body: 400 VALIDATION, else 500 (§1 Triggers).
    bad_trigger_body_status: int
    #: Soft-deleted workflows stay readable and runnable, and delete twice is 204 (§1).
    deleted_workflows_visible: bool
    #: List items carry ``status`` (§1 GET /instances: the real list never loads it).
    list_instances_with_status: bool
    #: JSON-number amounts and numbers in configs and histories pass through float64 (§4, §6).
    float64_numbers: bool
    #: ``/v2/_info`` answers (the real router has it only at ``/_info``, §0).
    info_under_v2: bool
    #: Trigger-started instance ids are ``<uuid>_<n>`` rather than UUIDs (§7 Live flow).
    child_style_trigger_ids: bool
    #: ``AddAccountMetadata`` input names the account ``account`` rather than ``id`` (§6).
    account_key_in_update_input: bool
    #: Unknown trigger occurrences: 404, else 200 with an empty page (§1 Triggers).
    unknown_trigger_occurrences_404: bool
    #: A send to a finished instance answers 400 VALIDATION rather than 500 (§5 wait_event).
    event_after_end_status: int
    #: SAVED_PAYMENT / SAVED_ACCOUNT fire triggers once per payload id, ever (§7 Live flow).
    fire_once_per_saved_id: bool
    #: A variable that fails to evaluate records an occurrence with the error (§7 Live flow).
    record_variable_errors: bool

    def number(self, value: int) -> Any:
        """An amount as histories and activity inputs write it (``float64_numbers``: a float64)."""
        return GoFloat(float(value)) if self.float64_numbers else value


SERVER = Policy(
    name="server",
    wait_waits=False,
    abort_stops=False,
    retry_forever=True,
    unknown_status=500,
    create_validation_status=500,
    check_requirements_at_create=False,
    max_page_size=100,
    buffer_events=False,
    bad_trigger_body_status=500,
    deleted_workflows_visible=True,
    list_instances_with_status=False,
    float64_numbers=True,
    info_under_v2=False,
    child_style_trigger_ids=True,
    account_key_in_update_input=True,
    unknown_trigger_occurrences_404=False,
    event_after_end_status=500,
    fire_once_per_saved_id=True,
    record_variable_errors=False,
)

CONTRACT = Policy(
    name="contract",
    wait_waits=True,
    abort_stops=True,
    retry_forever=False,
    unknown_status=404,
    create_validation_status=400,
    check_requirements_at_create=True,
    max_page_size=1000,
    buffer_events=True,
    bad_trigger_body_status=400,
    deleted_workflows_visible=False,
    list_instances_with_status=True,
    float64_numbers=False,
    info_under_v2=True,
    child_style_trigger_ids=False,
    account_key_in_update_input=False,
    unknown_trigger_occurrences_404=True,
    event_after_end_status=400,
    fire_once_per_saved_id=False,
    record_variable_errors=True,
)


def policy_for(behaviour: str) -> Policy:
    """The policy of a behaviour name; raises ``ValueError`` for an unknown one."""
    for policy in (SERVER, CONTRACT):
        if policy.name == behaviour:
            return policy
    raise ValueError(f"behaviour must be 'server' or 'contract', got {behaviour!r}")
