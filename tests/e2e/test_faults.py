"""Fault scenarios: the default retry policy never duplicates a POST; GETs ride out faults.

Each fault hits the request after (or while) it took effect, then the objects
the emulator holds are counted.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from formance_orch import Err, Ok, RetryConfig, SDKCore
from formance_orch.emulator import Emulator, Fault, ManualClock
from formance_orch.funcs.orchestration_v2_create_trigger import orchestration_v2_create_trigger
from formance_orch.funcs.orchestration_v2_create_workflow import orchestration_v2_create_workflow
from formance_orch.funcs.orchestration_v2_delete_trigger import orchestration_v2_delete_trigger
from formance_orch.funcs.orchestration_v2_get_instance import orchestration_v2_get_instance
from formance_orch.funcs.orchestration_v2_list_instances import orchestration_v2_list_instances
from formance_orch.funcs.orchestration_v2_run_workflow import orchestration_v2_run_workflow
from formance_orch.funcs.orchestration_v2_send_event import orchestration_v2_send_event
from formance_orch.stages import WaitEvent
from tests.e2e.conftest import CLIENT_ID, CLIENT_SECRET, FAST_RETRIES, EmulatorTime, steady

AFTER_EFFECT = [
    pytest.param(Fault(kind="error", when="after", status=503), id="5xx-after-effect"),
    pytest.param(Fault(kind="error", when="after", status=500), id="500-after-effect"),
    pytest.param(Fault(kind="drop", when="after"), id="dropped-before-answer"),
    pytest.param(Fault(kind="drop", when="mid-body"), id="dropped-mid-body"),
]

Factory = Callable[..., Awaitable[Emulator]]


@pytest.fixture
async def faulty(formance_emulator_factory: Factory) -> tuple[Emulator, SDKCore]:
    emu = await formance_emulator_factory(
        clock=ManualClock(), clients={CLIENT_ID: CLIENT_SECRET}, seed=7
    )
    return emu, emu.core(retries=FAST_RETRIES)


def every(fault: Fault, route: str, times: int = 3) -> Fault:
    return Fault(kind=fault.kind, when=fault.when, status=fault.status, route=route, times=times)


@pytest.mark.parametrize("fault", AFTER_EFFECT)
async def test_create_workflow_is_never_duplicated(
    faulty: tuple[Emulator, SDKCore], fault: Fault
) -> None:
    emu, core = faulty
    emu.faults.add(every(fault, "create_workflow"))

    result = await orchestration_v2_create_workflow(core, stages=[])

    assert isinstance(result, Err)  # not retried: the server may have acted
    assert len(emu.workflows) == 1


@pytest.mark.parametrize("fault", AFTER_EFFECT)
async def test_run_workflow_is_never_duplicated(
    faulty: tuple[Emulator, SDKCore], fault: Fault
) -> None:
    emu, core = faulty
    flow = (await orchestration_v2_create_workflow(core, stages=[])).unwrap().id
    emu.faults.add(every(fault, "run_workflow"))

    result = await orchestration_v2_run_workflow(core, flow)

    assert isinstance(result, Err)
    assert len(emu.instances) == 1


@pytest.mark.parametrize("fault", AFTER_EFFECT)
async def test_send_event_is_never_duplicated(
    faulty: tuple[Emulator, SDKCore], fault: Fault
) -> None:
    emu, core = faulty
    flow = (await orchestration_v2_create_workflow(core, stages=[WaitEvent("go")])).unwrap().id
    instance = (await orchestration_v2_run_workflow(core, flow)).unwrap()
    await emu.settle()
    emu.faults.add(every(fault, "send_event"))

    result = await orchestration_v2_send_event(core, instance.id, name="go")

    assert isinstance(result, Err)
    assert emu.instances[0].received == ["go"]


async def test_a_429_is_retried_and_creates_one_workflow(faulty: tuple[Emulator, SDKCore]) -> None:
    emu, core = faulty
    emu.faults.add(Fault(kind="throttle", route="create_workflow", times=2, retry_after=0))

    result = await orchestration_v2_create_workflow(core, stages=[])

    assert isinstance(result, Ok)
    assert result.meta.attempts == 3
    assert len(emu.workflows) == 1


@pytest.mark.parametrize(
    "fault",
    [
        Fault(kind="error", route="get_instance", times=3),
        Fault(kind="drop", route="get_instance", when="before", times=3),
        Fault(kind="drop", route="get_instance", when="mid-body", times=3),
        Fault(kind="error", route="get_instance", rate=0.3, status=502),
    ],
    ids=["503", "dropped", "mid-body", "seeded-30%-502"],
)
async def test_gets_succeed_within_their_retry_budget(
    faulty: tuple[Emulator, SDKCore], fault: Fault
) -> None:
    emu, core = faulty
    flow = (await orchestration_v2_create_workflow(core, stages=[])).unwrap().id
    instance = (await orchestration_v2_run_workflow(core, flow)).unwrap()
    emu.faults.add(fault)

    results: list[Any] = [await orchestration_v2_get_instance(core, instance.id) for _ in range(5)]

    assert all(isinstance(result, Ok) for result in results)
    assert sum(result.meta.attempts for result in results) > len(results)


async def test_the_same_seed_injects_the_same_faults(formance_emulator_factory: Factory) -> None:
    patterns = []
    for _ in range(2):
        emu = await formance_emulator_factory(seed=42)
        core = emu.core(retries=FAST_RETRIES)
        emu.faults.add(Fault(kind="error", route="list_instances", rate=0.5))
        results = [await orchestration_v2_list_instances(core) for _ in range(6)]
        patterns.append([result.meta.attempts for result in results if isinstance(result, Ok)])
    assert patterns[0] == patterns[1]
    assert any(attempts > 1 for attempts in patterns[0])


async def test_a_token_endpoint_briefly_down(formance_emulator_factory: Factory) -> None:
    # On virtual time, with the default policy's waits unjittered (0.5 s, 1 s, ...): a
    # failed token request is shared for a second (security.FAILURE_SHARING), so the
    # retry waits that second out instead of 0.5 s, then asks again.
    clock = ManualClock()
    emu = await formance_emulator_factory(clock=clock, clients={CLIENT_ID: CLIENT_SECRET})
    time = EmulatorTime(clock)
    core = emu.core(retries=RetryConfig(jitter=steady), clock=time)
    emu.faults.add(Fault(kind="error", route="token", times=1))

    result = await orchestration_v2_list_instances(core)

    assert isinstance(result, Ok)
    assert (result.meta.attempts, time.slept) == (2, [1.0])
    assert emu.faults.injected == {"error": 1}
    assert emu.auth.issued == 1


@pytest.mark.parametrize("when", ["before", "after", "mid-body"])
async def test_a_dropped_connection_is_not_logged_as_a_server_error(
    faulty: tuple[Emulator, SDKCore], when: str, caplog: pytest.LogCaptureFixture
) -> None:
    emu, core = faulty
    flow = (await orchestration_v2_create_workflow(core, stages=[])).unwrap().id
    instance = (await orchestration_v2_run_workflow(core, flow)).unwrap()
    emu.faults.add(Fault(kind="drop", route="get_instance", when=when, times=2))

    with caplog.at_level(logging.DEBUG):
        result = await orchestration_v2_get_instance(core, instance.id)

    assert isinstance(result, Ok)
    assert emu.faults.injected == {"drop": 2}
    # The drop is what the fault plan asked for, not a crash of the emulator.
    warnings = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert [record.getMessage() for record in warnings] == []


async def test_a_delete_retried_after_it_took_effect_deletes_once_and_answers_the_retrys_404(
    faulty: tuple[Emulator, SDKCore],
) -> None:
    # DELETE is retried after a 5xx: the trigger is deleted once, and the caller gets
    # the retry's answer, a 404, although its delete took effect.
    emu, core = faulty
    flow = (await orchestration_v2_create_workflow(core, stages=[])).unwrap().id
    trigger = (await orchestration_v2_create_trigger(core, event="X", workflow_id=flow)).unwrap()
    emu.faults.add(Fault(kind="error", when="after", route="delete_trigger", times=1))

    result = await orchestration_v2_delete_trigger(core, trigger.id)

    assert isinstance(result, Err)
    assert (result.error.status, result.meta.attempts) == (404, 2)
    assert [held.deleted for held in emu.triggers_held] == [True]
