"""wait_for_instance end to end: ended, waiting for an event, retrying, failing, unknown.

The SDK's clock here is the emulator's manual clock (``EmulatorTime``): each
wait between two polls advances the emulator's time.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from formance_orch import APIError, Err, Ok, SDKCore, Security, WaitTimeoutError, wait_for_instance
from formance_orch.emulator import Emulator, ManualClock
from formance_orch.funcs.orchestration_v2_create_workflow import orchestration_v2_create_workflow
from formance_orch.funcs.orchestration_v2_run_workflow import orchestration_v2_run_workflow
from formance_orch.funcs.orchestration_v2_send_event import orchestration_v2_send_event
from formance_orch.stages import Account, Delay, Monetary, Send, WaitEvent
from tests.e2e.conftest import (
    CLIENT_ID,
    CLIENT_SECRET,
    FAST_RETRIES,
    EmulatorTime,
    steady,
    unknown,
)

INSUFFICIENT = (
    "running numscript: script execution failed: "
    "account(s) @users:empty had/have insufficient funds"
)


@pytest.fixture
def time(emu: Emulator) -> EmulatorTime:
    assert isinstance(emu.clock, ManualClock)
    return EmulatorTime(emu.clock)


@pytest.fixture
def timed_core(emu: Emulator, time: EmulatorTime) -> SDKCore:
    return emu.core(
        security=Security(client_id=CLIENT_ID, client_secret=CLIENT_SECRET),
        retries=FAST_RETRIES,
        clock=time,
    )


async def start(core: SDKCore, *stages: Any, variables: dict[str, str] | None = None) -> str:
    workflow = (await orchestration_v2_create_workflow(core, stages=list(stages))).unwrap()
    return (await orchestration_v2_run_workflow(core, workflow.id, variables=variables)).unwrap().id


async def test_a_run_that_ends_after_its_delay(timed_core: SDKCore, time: EmulatorTime) -> None:
    instance_id = await start(timed_core, Delay(duration="90s"))

    result = await wait_for_instance(timed_core, instance_id, timeout=600, jitter=steady)

    assert isinstance(result, Ok)
    assert result.value.terminated
    assert result.value.error is None
    assert 90 <= sum(time.slept) < 90 + 5  # polled until the delay was over, no longer
    assert result.meta.attempts == len(time.slept) + 1


async def test_waiting_for_an_event_then_for_the_end(
    timed_core: SDKCore, time: EmulatorTime
) -> None:
    instance_id = await start(
        timed_core, Delay(duration="1m"), WaitEvent("${event}"), variables={"event": "approved"}
    )

    ready = await wait_for_instance(
        timed_core, instance_id, timeout=600, until_waiting_for="approved", jitter=steady
    )
    waited = sum(time.slept)
    sent = await orchestration_v2_send_event(timed_core, instance_id, name="approved")
    done = await wait_for_instance(timed_core, instance_id, timeout=600, jitter=steady)

    assert isinstance(ready, Ok)
    assert not ready.value.terminated
    assert [stage.stage for stage in ready.value.status] == [0, 1]
    assert 60 <= waited < 65
    assert isinstance(sent, Ok)
    assert isinstance(done, Ok)
    assert done.value.terminated
    assert done.value.error is None


async def test_a_wait_for_an_event_that_never_comes_says_so(timed_core: SDKCore) -> None:
    instance_id = await start(timed_core, WaitEvent("approved"))

    result = await wait_for_instance(timed_core, instance_id, timeout=30, jitter=steady)

    assert isinstance(result, Err)
    assert isinstance(result.error, WaitTimeoutError)
    assert (result.error.stage, result.error.waiting_for) == (0, "approved")
    assert not result.error.instance.terminated


async def test_insufficient_funds_retry_on_the_server_and_fail_by_contract(
    timed_core: SDKCore, behaviour: str
) -> None:
    send = Send(
        amount=Monetary("USD/2", 100), source=Account("users:empty"), destination=Account("shop")
    )
    instance_id = await start(timed_core, send)

    result = await wait_for_instance(timed_core, instance_id, timeout=30, jitter=steady)

    if behaviour == "server":
        # Retried forever, 1 s x 2^n apart: five failures within 30 s (at 0, 1, 3, 7 and
        # 15 s), and attempt 6 pending (due at 31 s).
        assert isinstance(result, Err)
        error = result.error
        assert isinstance(error, WaitTimeoutError)
        assert (error.stage, error.activity, error.attempt) == (0, "CreateTransaction", 6)
        assert error.last_failure == INSUFFICIENT
        assert error.next_execution is not None
        assert error.next_execution - error.instance.created_at == timedelta(seconds=31)
        assert not error.instance.terminated
        assert f"attempt 6), last failure: {INSUFFICIENT}" in str(error)
    else:
        assert isinstance(result, Ok)
        assert result.value.terminated
        assert result.value.error == INSUFFICIENT


async def test_an_unknown_instance_ends_the_wait_with_the_servers_error(
    timed_core: SDKCore, behaviour: str
) -> None:
    result = await wait_for_instance(timed_core, "no-such-instance", timeout=30)

    assert isinstance(result, Err)
    assert isinstance(result.error, APIError)
    assert result.error.status == unknown(behaviour)
    assert result.meta.attempts == (FAST_RETRIES.max_attempts if behaviour == "server" else 1)
