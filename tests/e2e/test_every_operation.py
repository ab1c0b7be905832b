"""Each of the 18 operations, once on its success path and once on a failure path, per behaviour.

The other e2e modules go deep into each area; this one is the coverage table
of issue 7: every operation answered ``Ok`` and answered ``Err`` with the
status the chosen behaviour gives (the real server's 500 for an unknown
workflow or instance, the contract's 404).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import attrs
import pytest

from formance_orch import APIError, AuthenticationError, Err, Ok, SDKCore, Security, funcs
from formance_orch.emulator import Emulator
from formance_orch.stages import Account, Monetary, Send, WaitEvent
from tests.e2e.conftest import CLIENT_ID, unknown

UNKNOWN_UUID = "00000000-0000-4000-8000-000000000000"


@attrs.frozen
class World:
    """What the calls need: a workflow, a waiting and an ended instance, a trigger."""

    emu: Emulator
    core: SDKCore
    behaviour: str
    workflow: str
    waiting: str
    ended: str
    trigger: str


@pytest.fixture
async def world(emu: Emulator, core: SDKCore, behaviour: str) -> World:
    waits = (await funcs.orchestration_v2_create_workflow(core, stages=[WaitEvent("go")])).unwrap()
    pays = Send(amount=Monetary("USD/2", 5), source=Account("world"), destination=Account("a"))
    quick = (await funcs.orchestration_v2_create_workflow(core, stages=[pays])).unwrap()
    waiting = (await funcs.orchestration_v2_run_workflow(core, waits.id)).unwrap()
    ended = (await funcs.orchestration_v2_run_workflow(core, quick.id)).unwrap()
    trigger = (
        await funcs.orchestration_v2_create_trigger(core, event="PAID", workflow_id=quick.id)
    ).unwrap()
    await emu.settle()
    return World(emu, core, behaviour, waits.id, waiting.id, ended.id, trigger.id)


Call = Callable[[World], Awaitable[Any]]


@attrs.frozen
class Case:
    """A call that succeeds, a call that fails, and how it fails in each behaviour."""

    succeed: Call
    fail: Call
    #: The failure's error class and status: (server, contract).
    failure: tuple[tuple[type, int], tuple[type, int]]


def api(server: int, contract: int | None = None) -> tuple[tuple[type, int], tuple[type, int]]:
    return (APIError, server), (APIError, server if contract is None else contract)


def unknown_id() -> tuple[tuple[type, int], tuple[type, int]]:
    return api(unknown("server"), unknown("contract"))


async def _server_info_with_wrong_credentials(w: World) -> Any:
    wrong = Security(client_id=CLIENT_ID, client_secret="not-the-secret")
    return await funcs.orchestration_v2_get_server_info(w.emu.core(security=wrong))


CASES = {
    "orchestration_v2_get_server_info": Case(
        lambda w: funcs.orchestration_v2_get_server_info(w.core),
        _server_info_with_wrong_credentials,
        ((AuthenticationError, 401), (AuthenticationError, 401)),
    ),
    "orchestration_v2_list_workflows": Case(
        lambda w: funcs.orchestration_v2_list_workflows(w.core, page_size=1),
        lambda w: funcs.orchestration_v2_list_workflows(w.core, cursor="not-a-cursor"),
        api(400),
    ),
    "orchestration_v2_create_workflow": Case(
        lambda w: funcs.orchestration_v2_create_workflow(w.core, stages=[WaitEvent("x")]),
        lambda w: funcs.orchestration_v2_create_workflow(
            w.core, stages=[{"delay": {"duration": "soon"}}]
        ),
        api(500, 400),  # a config type error: 500 on the real server (REAL-SERVER §3)
    ),
    "orchestration_v2_get_workflow": Case(
        lambda w: funcs.orchestration_v2_get_workflow(w.core, w.workflow),
        lambda w: funcs.orchestration_v2_get_workflow(w.core, UNKNOWN_UUID),
        unknown_id(),
    ),
    "orchestration_v2_delete_workflow": Case(
        lambda w: funcs.orchestration_v2_delete_workflow(w.core, w.workflow),
        lambda w: funcs.orchestration_v2_delete_workflow(w.core, "not-a-uuid"),
        api(400),
    ),
    "orchestration_v2_run_workflow": Case(
        lambda w: funcs.orchestration_v2_run_workflow(w.core, w.workflow, variables={"a": "1"}),
        lambda w: funcs.orchestration_v2_run_workflow(w.core, UNKNOWN_UUID),
        unknown_id(),
    ),
    "orchestration_v2_list_instances": Case(
        lambda w: funcs.orchestration_v2_list_instances(w.core, running=True),
        lambda w: funcs.orchestration_v2_list_instances(w.core, cursor="not-a-cursor"),
        api(400),
    ),
    "orchestration_v2_get_instance": Case(
        lambda w: funcs.orchestration_v2_get_instance(w.core, w.ended),
        lambda w: funcs.orchestration_v2_get_instance(w.core, UNKNOWN_UUID),
        unknown_id(),
    ),
    "orchestration_v2_send_event": Case(
        lambda w: funcs.orchestration_v2_send_event(w.core, w.waiting, name="go"),
        lambda w: funcs.orchestration_v2_send_event(w.core, w.ended, name="go"),
        api(500, 400),  # the instance has ended
    ),
    "orchestration_v2_cancel_event": Case(
        lambda w: funcs.orchestration_v2_cancel_event(w.core, w.waiting),
        lambda w: funcs.orchestration_v2_cancel_event(w.core, UNKNOWN_UUID),
        unknown_id(),
    ),
    "orchestration_v2_get_instance_history": Case(
        lambda w: funcs.orchestration_v2_get_instance_history(w.core, w.ended),
        lambda w: funcs.orchestration_v2_get_instance_history(w.core, UNKNOWN_UUID),
        unknown_id(),
    ),
    "orchestration_v2_get_instance_stage_history": Case(
        lambda w: funcs.orchestration_v2_get_instance_stage_history(w.core, w.ended, 0),
        lambda w: funcs.orchestration_v2_get_instance_stage_history(w.core, w.ended, 7),
        api(404),  # no such stage, in both behaviours
    ),
    "orchestration_v2_list_triggers": Case(
        lambda w: funcs.orchestration_v2_list_triggers(w.core),
        lambda w: funcs.orchestration_v2_list_triggers(w.core, cursor="not-a-cursor"),
        api(400),
    ),
    "orchestration_v2_create_trigger": Case(
        lambda w: funcs.orchestration_v2_create_trigger(
            w.core, event="PAID", workflow_id=w.workflow, filter="event.amount > 10"
        ),
        lambda w: funcs.orchestration_v2_create_trigger(
            w.core, event="PAID", workflow_id=w.workflow, filter="event.amount >"
        ),
        api(400),
    ),
    "orchestration_v2_read_trigger": Case(
        lambda w: funcs.orchestration_v2_read_trigger(w.core, w.trigger),
        lambda w: funcs.orchestration_v2_read_trigger(w.core, UNKNOWN_UUID),
        api(404),
    ),
    "orchestration_v2_delete_trigger": Case(
        lambda w: funcs.orchestration_v2_delete_trigger(w.core, w.trigger),
        lambda w: funcs.orchestration_v2_delete_trigger(w.core, UNKNOWN_UUID),
        api(404),
    ),
    "orchestration_v2_test_trigger": Case(
        lambda w: funcs.orchestration_v2_test_trigger(w.core, w.trigger, payload={"a": 1}),
        lambda w: funcs.orchestration_v2_test_trigger(w.core, UNKNOWN_UUID, payload={}),
        unknown_id(),
    ),
    "orchestration_v2_list_triggers_occurrences": Case(
        lambda w: funcs.orchestration_v2_list_triggers_occurrences(w.core, w.trigger),
        lambda w: funcs.orchestration_v2_list_triggers_occurrences(w.core, w.trigger, cursor="x"),
        api(400),
    ),
}


def test_the_table_holds_every_operation() -> None:
    assert set(CASES) == set(funcs.__all__)
    assert len(CASES) == 18


@pytest.mark.parametrize("name", sorted(CASES))
async def test_an_operation_succeeds_then_fails(world: World, name: str) -> None:
    case = CASES[name]
    expected_class, expected_status = case.failure[world.behaviour == "contract"]

    succeeded = await case.succeed(world)
    failed = await case.fail(world)

    assert isinstance(succeeded, Ok), succeeded
    assert isinstance(failed, Err), failed
    assert isinstance(failed.error, expected_class)
    assert failed.error.status == expected_status
