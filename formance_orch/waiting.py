"""Wait for a workflow instance to end, by polling ``get_instance``.

``run_workflow(wait=True)`` does not wait on the real server: it answers with
the instance as it stands, usually still running, and never shows its
``error``. Waiting is the client's job, and this is it::

    started = (await orchestration_v2_run_workflow(core, "wf-1")).unwrap()
    match await wait_for_instance(core, started.id, timeout=120):
        case Ok(value=instance) if instance.error:
            ...  # the run failed: instance.error says why
        case Ok(value=instance):
            ...  # the run succeeded
        case Err(error=WaitTimeoutError() as error):
            ...  # still running; error.last_failure says why, if an activity keeps failing
        case Err(error=error):
            ...  # the instance could not be read (unknown id, auth, network...)

Polls start 0.2 s apart and grow by half each time up to 5 s, jittered, on
the core's clock. Importing this module loads nothing else: the operations it
calls are imported on first use.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import attrs

from formance_orch.errors import InvalidRequestError, WaitTimeoutError
from formance_orch.result import Err, Ok, ResponseMeta, Result

if TYPE_CHECKING:
    from formance_orch.core import RequestOptions, SDKCore
    from formance_orch.errors import OperationError
    from formance_orch.models.history import StageInput
    from formance_orch.models.instances import V2WorkflowInstance

__all__ = ["equal_jitter", "wait_for_instance"]

#: Each poll interval is this many times the previous one, up to ``max_interval``.
GROWTH = 1.5


def equal_jitter(value: float) -> float:
    """A wait drawn uniformly between half ``value`` and ``value``.

    Spreads the polls of many waiters apart while keeping each close to its
    schedule (full jitter would often poll almost at once).
    """
    import random  # only waiting needs it

    return random.uniform(value / 2, value)


async def wait_for_instance(
    core: SDKCore,
    instance_id: str,
    *,
    timeout: float,
    until_waiting_for: str | None = None,
    interval: float = 0.2,
    max_interval: float = 5.0,
    jitter: Callable[[float], float] = equal_jitter,
    options: RequestOptions | None = None,
) -> Result[V2WorkflowInstance, OperationError | WaitTimeoutError]:
    """Poll an instance until it has ended; ``Ok(instance)`` then (check ``instance.error``).

    ``timeout`` is the seconds to wait in all. When it runs out the result is
    ``Err(WaitTimeoutError)`` with the last instance seen and, when the
    running stage is an activity being retried (the real server retries
    insufficient funds forever), its attempt and last failure, also quoted in
    the message. With ``until_waiting_for="paid"`` the wait also ends,
    with ``Ok(instance)`` and ``instance.terminated`` False, as soon as the
    running stage is a ``wait_event`` stage for the event ``paid``: from
    then on ``send_event`` reaches it.

    Each poll is a normal ``get_instance`` call, retried by the core's policy
    (or ``options.retries``) but never beyond the deadline; an error that
    remains (unknown instance, refused credentials...) ends the wait as that
    ``Err``. ``interval`` is the first wait between polls, growing by half
    each time up to ``max_interval``, each passed through ``jitter``. Never
    raises; cancelling the task cancels the wait.
    """
    invalid = _check(core, options, timeout, until_waiting_for, interval, max_interval)
    if invalid is not None:
        return Err(invalid)
    from formance_orch.funcs.orchestration_v2_get_instance import orchestration_v2_get_instance

    clock = core.clock
    started = clock.monotonic()
    deadline = started + timeout
    inputs: dict[int, StageInput] = {}  # stage number -> its input, once the history shows it
    attempts = 0
    pause = interval
    while True:
        poll = _bounded(core, options, deadline - clock.monotonic())
        polled = await orchestration_v2_get_instance(core, instance_id, options=poll)
        if isinstance(polled, Err):
            return polled
        instance, meta = polled.value, polled.meta
        attempts += meta.attempts
        if instance.terminated:
            return Ok(instance, _total(meta, attempts, clock.monotonic() - started))
        running = _running_stage(instance)
        if until_waiting_for is not None and running is not None:
            if running not in inputs:
                learned = await _learn_inputs(core, instance_id, inputs, poll)
                if isinstance(learned, Err):
                    return learned
                attempts += learned.meta.attempts
            if _waited_event(inputs.get(running)) == until_waiting_for:
                return Ok(instance, _total(meta, attempts, clock.monotonic() - started))
        remaining = deadline - clock.monotonic()
        if remaining <= 0:
            error = await _timed_out(core, instance, timeout, inputs, options)
            return Err(error, _total(meta, attempts, clock.monotonic() - started))
        await clock.sleep(min(jitter(pause), remaining))
        pause = min(pause * GROWTH, max_interval)


def _check(
    core: object,
    options: object,
    timeout: object,
    until_waiting_for: object,
    interval: object,
    max_interval: object,
) -> InvalidRequestError | None:
    from formance_orch.core import RequestOptions, SDKCore, seconds

    if not isinstance(core, SDKCore):
        return InvalidRequestError(
            f"core must be an SDKCore, got {type(core).__name__}", parameter="core"
        )
    if options is not None and not isinstance(options, RequestOptions):
        return InvalidRequestError(
            f"options must be a RequestOptions, got {type(options).__name__}", parameter="options"
        )
    for name, value in (
        ("timeout", timeout),
        ("interval", interval),
        ("max_interval", max_interval),
    ):
        try:
            seconds(value, name)
        except ValueError as refused:
            return InvalidRequestError(str(refused), parameter=name)
    if until_waiting_for is not None and not (
        isinstance(until_waiting_for, str) and until_waiting_for
    ):
        message = f"until_waiting_for must be a non-empty str, got {until_waiting_for!r}"
        return InvalidRequestError(message, parameter="until_waiting_for")
    return None


def _bounded(core: SDKCore, options: RequestOptions | None, remaining: float) -> RequestOptions:
    """The poll's options: the caller's, with retries that stop at the deadline."""
    from formance_orch.core import RequestOptions

    options = options if options is not None else RequestOptions()
    retries = options.retries if options.retries is not None else core.retries
    # At the deadline the poll still happens once (a last look), without retries.
    budget = max(min(retries.max_elapsed, remaining), 1e-3)
    return attrs.evolve(options, retries=attrs.evolve(retries, max_elapsed=budget))


def _total(last: ResponseMeta, attempts: int, elapsed: float) -> ResponseMeta:
    """The last response's status and headers, with the whole wait's attempts and time."""
    return ResponseMeta(last.status, last.headers, attempts, elapsed)


def _running_stage(instance: V2WorkflowInstance) -> int | None:
    """The number of the stage started last, if it has not ended.

    The contract types stage numbers as any JSON number; a number that is not
    an integer names no stage the history endpoints can be asked about.
    """
    if instance.status and instance.status[-1].terminated_at is None:
        number = instance.status[-1].stage
        return number if isinstance(number, int) else None
    return None


def _waited_event(stage: StageInput | None) -> str | None:
    """The event a ``wait_event`` stage waits for; None for any other stage."""
    from formance_orch.models.history import V2StageWaitEvent

    return stage.event if isinstance(stage, V2StageWaitEvent) else None


async def _learn_inputs(
    core: SDKCore,
    instance_id: str,
    inputs: dict[int, StageInput],
    options: RequestOptions | None,
) -> Result[Any, OperationError]:
    """Record each started stage's input (variables filled in) from the instance history.

    The history lists the stages whose workflow has started, in order, so
    its n-th entry is stage n; a stage that has not started yet is missing
    and is looked up again at the next poll. An input never changes once
    known, so each stage's is fetched once.
    """
    from formance_orch.funcs.orchestration_v2_get_instance_history import (
        orchestration_v2_get_instance_history,
    )

    history = await orchestration_v2_get_instance_history(core, instance_id, options=options)
    if isinstance(history, Ok):
        inputs.update(enumerate(entry.input for entry in history.value))
    return history


async def _timed_out(
    core: SDKCore,
    instance: V2WorkflowInstance,
    timeout: float,
    inputs: dict[int, StageInput],
    options: RequestOptions | None,
) -> WaitTimeoutError:
    """The timeout error, saying what the running stage is doing when the API can tell.

    Two best-effort lookups, without retries: the instance history (is the
    stage waiting for an event?) unless already known, and the stage's
    history (is an activity failing and being retried?). A lookup that fails
    only leaves its part out of the error.
    """
    from formance_orch.core import RequestOptions
    from formance_orch.retries import RetryConfig

    message = f"instance {instance.id!r} has not ended after {timeout:g} s"
    number = _running_stage(instance)
    if number is None:
        return WaitTimeoutError(
            f"{message}; no stage is running", timeout=timeout, instance=instance
        )
    once = attrs.evolve(options or RequestOptions(), retries=RetryConfig.none())
    if number not in inputs:
        await _learn_inputs(core, instance.id, inputs, once)
    waiting_for = _waited_event(inputs.get(number))
    if waiting_for is not None:
        return WaitTimeoutError(
            f"{message}; stage {number} is waiting for the event {waiting_for!r}",
            timeout=timeout,
            instance=instance,
            stage=number,
            waiting_for=waiting_for,
        )
    from formance_orch.funcs.orchestration_v2_get_instance_stage_history import (
        orchestration_v2_get_instance_stage_history,
    )

    activities = await orchestration_v2_get_instance_stage_history(
        core, instance.id, number, options=once
    )
    # Only the pending activity (the last one listed) carries its real attempt and last failure.
    pending = activities.value[-1] if isinstance(activities, Ok) and activities.value else None
    if pending is None or pending.terminated or pending.last_failure is None:
        return WaitTimeoutError(
            f"{message}; stage {number} is still running",
            timeout=timeout,
            instance=instance,
            stage=number,
        )
    return WaitTimeoutError(
        f"{message}; stage {number} is retrying {pending.name} "
        f"(attempt {pending.attempt}), last failure: {pending.last_failure}",
        timeout=timeout,
        instance=instance,
        stage=number,
        activity=pending.name,
        attempt=pending.attempt,
        last_failure=pending.last_failure,
        next_execution=pending.next_execution,
    )
