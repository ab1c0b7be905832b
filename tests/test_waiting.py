"""wait_for_instance() in virtual time, against a loopback server scripted like the real one."""

from __future__ import annotations

import asyncio
import math
from typing import Any

import pytest

from formance_orch import (
    SDK,
    APIError,
    AuthenticationError,
    Err,
    ErrorCode,
    InvalidRequestError,
    Ok,
    RequestOptions,
    RetryConfig,
    Security,
    WaitTimeoutError,
    wait_for_instance,
)
from formance_orch.waiting import equal_jitter
from tests.support import API, NANOS, FakeClock, Reply, instance_json

INSTANCE = f"{API}/v2/instances/inst-1"
HISTORY = f"{INSTANCE}/history"
INSUFFICIENT = (
    "running numscript: script execution failed: "
    "account(s) @empty:account had/have insufficient funds"
)


def same(value: float) -> float:
    return value


def running(*stages: str) -> Reply:
    """The instance with ``stages`` started; the last one still running."""
    status = [
        {
            "stage": number,
            "instanceID": "inst-1",
            "startedAt": NANOS,
            "temporalRunID": "run",
            **({} if number == len(stages) - 1 else {"terminatedAt": NANOS}),
        }
        for number in range(len(stages))
    ]
    body = instance_json(terminated=False, status=status or None)
    del body["terminatedAt"]
    return Reply(json={"data": body})


def ended(**overrides: Any) -> Reply:
    return Reply(json={"data": instance_json(**overrides)})


def history(*inputs: dict[str, Any]) -> Reply:
    """The instance history: one entry per started stage, the last one running."""
    names = {"duration": "RunDelay", "event": "RunWaitEvent", "amount": "RunSend"}
    entries = [
        {
            "name": next(name for key, name in names.items() if key in stage_input),
            "input": stage_input,
            "terminated": number < len(inputs) - 1,
            "startedAt": NANOS,
        }
        for number, stage_input in enumerate(inputs)
    ]
    return Reply(json={"data": entries})


DELAY = {"duration": "1h0m0s"}
SEND = {
    "amount": {"amount": 100, "asset": "USD/2"},
    "source": {"account": {"id": "empty:account", "ledger": "default"}},
    "destination": {"account": {"id": "users:1", "ledger": "default"}},
}


def wait_event(name: str) -> dict[str, Any]:
    return {"event": name}


@pytest.fixture
def core(make_core):
    return make_core()


def paths(server) -> list[str]:
    return [request.raw_path for request in server.requests]


async def test_polls_with_growing_intervals_until_terminated(server, core, clock) -> None:
    server.reply(running("delay"), running("delay"), running("delay"), ended())

    result = await wait_for_instance(core, "inst-1", timeout=60, jitter=same)

    assert isinstance(result, Ok)
    assert result.value.terminated
    assert result.value.error is None
    assert paths(server) == [INSTANCE] * 4
    assert clock.sleeps == pytest.approx([0.2, 0.3, 0.45])
    assert result.meta.attempts == 4
    assert result.meta.elapsed == pytest.approx(0.95)
    assert result.meta.status == 200


async def test_a_failed_run_is_an_ok_whose_instance_has_the_error(server, core) -> None:
    server.reply(running("send"), ended(error=INSUFFICIENT))

    result = await wait_for_instance(core, "inst-1", timeout=60)

    assert isinstance(result, Ok)
    assert result.value.error == INSUFFICIENT


async def test_intervals_are_capped_and_jittered(server, core, clock) -> None:
    server.reply(*[running("delay")] * 12, ended())

    result = await wait_for_instance(core, "inst-1", timeout=600)

    assert isinstance(result, Ok)
    schedule = [min(0.2 * 1.5**n, 5.0) for n in range(12)]
    assert len(clock.sleeps) == 12
    for waited, planned in zip(clock.sleeps, schedule, strict=True):
        assert planned / 2 <= waited <= planned
    assert max(clock.sleeps) <= 5.0


def test_equal_jitter_stays_between_half_and_the_whole() -> None:
    draws = [equal_jitter(4.0) for _ in range(200)]

    assert all(2.0 <= draw <= 4.0 for draw in draws)
    assert len(set(draws)) > 1


async def test_the_deadline_is_kept_to_the_virtual_second(server, core, clock) -> None:
    server.reply(running())  # no stage yet, forever

    result = await wait_for_instance(core, "inst-1", timeout=7, jitter=same)

    assert isinstance(result, Err)
    assert isinstance(result.error, WaitTimeoutError)
    assert sum(clock.sleeps) == pytest.approx(7)  # the last wait is cut to the deadline
    assert paths(server) == [INSTANCE] * (len(clock.sleeps) + 1)  # a last look at the deadline
    assert result.error.message == "instance 'inst-1' has not ended after 7 s; no stage is running"
    assert result.error.instance.id == "inst-1"
    assert result.error.timeout == 7
    assert result.meta.attempts == len(server.requests)


async def test_returns_once_the_instance_waits_for_the_named_event(server, core) -> None:
    server.reply(
        running("delay"),
        history(DELAY),
        running("delay"),  # same stage: its input is known, no second history call
        running("delay", "wait_event"),
        history(DELAY, wait_event("paid")),
    )

    result = await wait_for_instance(
        core, "inst-1", timeout=60, until_waiting_for="paid", jitter=same
    )

    assert isinstance(result, Ok)
    assert not result.value.terminated
    assert result.value.status[-1].stage == 1
    assert paths(server) == [INSTANCE, HISTORY, INSTANCE, INSTANCE, HISTORY]
    assert result.meta.attempts == 5


async def test_an_instance_that_ends_first_is_returned_too(server, core) -> None:
    server.reply(running("delay"), history(DELAY), ended())

    result = await wait_for_instance(core, "inst-1", timeout=60, until_waiting_for="paid")

    assert isinstance(result, Ok)
    assert result.value.terminated


async def test_a_stage_not_yet_in_the_history_is_looked_up_again(server, core) -> None:
    server.reply(
        running("wait_event"),
        history(),  # the stage's row exists, its workflow has not started yet
        running("wait_event"),
        history(wait_event("paid")),
    )

    result = await wait_for_instance(core, "inst-1", timeout=60, until_waiting_for="paid")

    assert isinstance(result, Ok)
    assert paths(server) == [INSTANCE, HISTORY, INSTANCE, HISTORY]


async def test_waiting_for_another_event_times_out_and_says_which(server, core) -> None:
    server.reply(running("wait_event"), history(wait_event("kyc-passed")), running("wait_event"))

    result = await wait_for_instance(core, "inst-1", timeout=3, until_waiting_for="paid")

    assert isinstance(result, Err)
    error = result.error
    assert isinstance(error, WaitTimeoutError)
    assert error.stage == 0
    assert error.waiting_for == "kyc-passed"
    assert "stage 0 is waiting for the event 'kyc-passed'" in str(error)
    assert paths(server).count(HISTORY) == 1  # learned once, reused at the timeout


async def test_a_retrying_send_stage_explains_the_timeout(server, core, clock) -> None:
    pending = {
        "name": "CreateTransaction",
        "input": {"CreateTransaction": {"Ledger": "default", "Data": {"postings": []}}},
        "terminated": False,
        "startedAt": NANOS,
        "attempt": 7,
        "lastFailure": INSUFFICIENT,
        "nextExecution": "2024-09-23T08:01:04Z",
    }
    finished = {"name": "GetAccount", "input": {"GetAccount": {"id": "a", "ledger": "default"}}}
    finished |= {"terminated": True, "startedAt": NANOS, "attempt": 1}
    # timeout 1 s with exact intervals 0.2, 0.3, 0.45 (cut to 0.05): five polls.
    polls = [running("send")] * 5
    server.reply(*polls, history(SEND), Reply(json={"data": [finished, pending]}))

    result = await wait_for_instance(core, "inst-1", timeout=1, jitter=same)

    assert isinstance(result, Err)
    error = result.error
    assert isinstance(error, WaitTimeoutError)
    assert paths(server) == [INSTANCE] * 5 + [HISTORY, f"{INSTANCE}/stages/0/history"]
    assert (error.stage, error.activity, error.attempt) == (0, "CreateTransaction", 7)
    assert error.last_failure == INSUFFICIENT
    assert error.next_execution is not None
    assert error.next_execution.minute == 1
    assert error.waiting_for is None
    assert str(error) == (
        "instance 'inst-1' has not ended after 1 s; stage 0 is retrying CreateTransaction "
        f"(attempt 7), last failure: {INSUFFICIENT}"
    )
    assert clock.sleeps == pytest.approx([0.2, 0.3, 0.45, 0.05])


async def test_a_stage_that_is_simply_running_says_so(server, core) -> None:
    # A poll, a last look at the deadline, then the two lookups.
    server.reply(running("delay"), running("delay"), history(DELAY), Reply(json={"data": []}))

    result = await wait_for_instance(core, "inst-1", timeout=0.1)

    assert isinstance(result, Err)
    assert isinstance(result.error, WaitTimeoutError)
    assert str(result.error).endswith("; stage 0 is still running")
    assert result.error.attempt is None


async def test_failed_lookups_only_leave_the_explanation_out(server, core) -> None:
    internal = Reply(500, json={"errorCode": "INTERNAL", "errorMessage": "boom"})
    server.reply(running("send"), running("send"), internal, internal)

    result = await wait_for_instance(core, "inst-1", timeout=0.1)

    assert isinstance(result, Err)
    assert isinstance(result.error, WaitTimeoutError)
    assert str(result.error).endswith("; stage 0 is still running")
    assert len(server.requests) == 4  # the lookups are not retried


async def test_an_unknown_id_answered_404_ends_the_wait_at_once(server, core, clock) -> None:
    server.reply(Reply(404, json={"errorCode": "NOT_FOUND", "errorMessage": "not found"}))

    result = await wait_for_instance(core, "nope", timeout=60)

    assert isinstance(result, Err)
    assert isinstance(result.error, APIError)
    assert result.error.status == 404
    assert len(server.requests) == 1
    assert clock.sleeps == []


async def test_an_unknown_id_answered_500_is_retried_then_ends_the_wait(
    server, core, clock
) -> None:
    # What the real server answers for an unknown instance (REAL-SERVER §1).
    server.reply(Reply(500, json={"errorCode": "INTERNAL", "errorMessage": "Instance not found"}))

    result = await wait_for_instance(core, "nope", timeout=60)

    assert isinstance(result, Err)
    assert isinstance(result.error, APIError)
    assert result.error.error_code == ErrorCode.INTERNAL
    assert result.error.error_message == "Instance not found"
    assert result.meta.attempts == 4  # the core's policy: 4 attempts
    assert clock.sleeps == [0.5, 1.0, 2.0]


async def test_a_transient_poll_failure_is_retried_by_the_core(server, core) -> None:
    server.reply(running("delay"), Reply(503, body="busy", content_type="text/plain"), ended())

    result = await wait_for_instance(core, "inst-1", timeout=60)

    assert isinstance(result, Ok)
    assert len(server.requests) == 3
    assert result.meta.attempts == 3


async def test_retries_stop_at_the_deadline(server, core, clock) -> None:
    internal = Reply(500, json={"errorCode": "INTERNAL", "errorMessage": "down"})
    server.reply(running("delay"), internal)

    result = await wait_for_instance(core, "inst-1", timeout=1, jitter=same)

    # Poll at 0 s, poll at 0.2 s (500), one retry 0.5 s later; the next (1 s later) would
    # end past the deadline, so the wait ends with the error instead of retrying to 60 s.
    assert isinstance(result, Err)
    assert isinstance(result.error, APIError)
    assert len(server.requests) == 3
    assert clock.sleeps == [0.2, 0.5]


async def test_the_callers_retry_policy_is_used(server, core) -> None:
    server.reply(Reply(500, json={"errorCode": "INTERNAL", "errorMessage": "down"}))

    result = await wait_for_instance(
        core, "inst-1", timeout=60, options=RequestOptions(retries=RetryConfig.none())
    )

    assert isinstance(result, Err)
    assert len(server.requests) == 1


async def test_refused_credentials_end_the_wait(server, make_core) -> None:
    server.token_script = [Reply(401, json={"error": "invalid_client"})]
    core = make_core(security=Security(client_id="c", client_secret="wrong-secret-value"))

    result = await wait_for_instance(core, "inst-1", timeout=60)

    assert isinstance(result, Err)
    assert isinstance(result.error, AuthenticationError)
    assert server.requests == []


@pytest.mark.parametrize(
    ("arguments", "parameter"),
    [
        ({"timeout": 0}, "timeout"),
        ({"timeout": -1}, "timeout"),
        ({"timeout": math.nan}, "timeout"),
        ({"timeout": math.inf}, "timeout"),
        ({"timeout": True}, "timeout"),
        ({"timeout": "5"}, "timeout"),
        ({"timeout": 10**400}, "timeout"),
        ({"timeout": 5, "interval": -(10**400)}, "interval"),
        ({"timeout": 5, "interval": 0}, "interval"),
        ({"timeout": 5, "max_interval": -1.0}, "max_interval"),
        ({"timeout": 5, "until_waiting_for": ""}, "until_waiting_for"),
        ({"timeout": 5, "until_waiting_for": 3}, "until_waiting_for"),
    ],
)
async def test_bad_arguments_are_an_err_before_any_request(
    server, core, arguments, parameter
) -> None:
    result = await wait_for_instance(core, "inst-1", **arguments)

    assert isinstance(result, Err)
    assert isinstance(result.error, InvalidRequestError)
    assert result.error.parameter == parameter
    assert server.requests == []


@pytest.mark.parametrize(
    ("core_or_not", "options", "parameter"),
    [(None, None, "core"), ("http://localhost", None, "core"), (..., {"timeout": 1}, "options")],
)
async def test_a_bad_core_or_options_is_an_err_too(
    server, core, core_or_not, options, parameter
) -> None:
    given = core if core_or_not is ... else core_or_not

    result = await wait_for_instance(given, "inst-1", timeout=5, options=options)

    assert isinstance(result, Err)
    assert isinstance(result.error, InvalidRequestError)
    assert result.error.parameter == parameter
    assert server.requests == []


async def test_a_bad_instance_id_is_the_operations_own_err(server, core) -> None:
    result = await wait_for_instance(core, "", timeout=5)

    assert isinstance(result, Err)
    assert isinstance(result.error, InvalidRequestError)
    assert result.error.parameter == "instance_id"
    assert server.requests == []


class ParkingClock(FakeClock):
    """A clock whose sleeps never end, so a waiter can be cancelled mid-wait."""

    def __init__(self) -> None:
        super().__init__()
        self.parked = asyncio.Event()

    async def sleep(self, seconds: float) -> None:
        self.parked.set()
        await asyncio.Event().wait()


async def test_cancelling_the_task_cancels_the_wait(server, make_core) -> None:
    clock = ParkingClock()
    core = make_core(clock=clock)
    server.reply(running("delay"))

    task = asyncio.ensure_future(wait_for_instance(core, "inst-1", timeout=60))
    await clock.parked.wait()
    task.cancel()

    with pytest.raises(asyncio.CancelledError):
        await task
    assert len(server.requests) == 1


async def test_the_facade_waits_with_its_core(server, clock) -> None:
    server.reply(running("delay"), ended())

    async with SDK(server_url=server.url, clock=clock) as sdk:
        result = await sdk.wait_for_instance("inst-1", timeout=60)

    assert isinstance(result, Ok)
    assert paths(server) == [INSTANCE] * 2
