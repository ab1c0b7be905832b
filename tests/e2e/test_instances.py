"""Instances end to end: run, wait, events, abort, history and stage history, failing sends."""

from __future__ import annotations

from typing import Any

import aiohttp

from formance_orch import Err, Ok, SDKCore
from formance_orch.emulator import Emulator, ManualClock
from formance_orch.funcs.orchestration_v2_cancel_event import orchestration_v2_cancel_event
from formance_orch.funcs.orchestration_v2_create_workflow import orchestration_v2_create_workflow
from formance_orch.funcs.orchestration_v2_get_instance import orchestration_v2_get_instance
from formance_orch.funcs.orchestration_v2_get_instance_history import (
    orchestration_v2_get_instance_history,
)
from formance_orch.funcs.orchestration_v2_get_instance_stage_history import (
    orchestration_v2_get_instance_stage_history,
)
from formance_orch.funcs.orchestration_v2_get_workflow import orchestration_v2_get_workflow
from formance_orch.funcs.orchestration_v2_list_instances import orchestration_v2_list_instances
from formance_orch.funcs.orchestration_v2_run_workflow import orchestration_v2_run_workflow
from formance_orch.funcs.orchestration_v2_send_event import orchestration_v2_send_event
from formance_orch.stages import Account, Delay, Monetary, Send, Update, WaitEvent, Wallet
from tests.e2e.conftest import unknown, wire_error


def manual(emu: Emulator) -> ManualClock:
    assert isinstance(emu.clock, ManualClock)
    return emu.clock


async def workflow_id(core: SDKCore, *stages: Any) -> str:
    return (await orchestration_v2_create_workflow(core, stages=list(stages))).unwrap().id


async def test_a_delay_then_an_event_then_a_send_to_a_wallet(emu: Emulator, core: SDKCore) -> None:
    emu.seed_account("users:alice", asset="USD/2", amount=1_000)
    wallet = emu.seed_wallet("alice")
    flow = await workflow_id(
        core,
        Delay(duration="1m"),
        WaitEvent("approved"),
        Send(
            amount=Monetary("USD/2", "${amount}"),
            source=Account("users:alice"),
            destination=Wallet(wallet["id"]),
        ),
    )

    started = (
        await orchestration_v2_run_workflow(core, flow, variables={"amount": "250"})
    ).unwrap()
    assert started.terminated is False
    assert started.status == []
    await emu.settle()
    waiting = (await orchestration_v2_get_instance(core, started.id)).unwrap()
    await manual(emu).advance(60)
    sent = await orchestration_v2_send_event(core, started.id, name="approved")
    await emu.settle()
    done = (await orchestration_v2_get_instance(core, started.id)).unwrap()

    assert [stage.stage for stage in waiting.status] == [0]
    assert isinstance(sent, Ok)
    assert done.terminated
    assert done.error is None
    assert len(done.status) == 3
    assert emu.wallet_balance(wallet["id"], "USD/2") == 250
    assert emu.balance("users:alice", "USD/2") == 750
    history = (await orchestration_v2_get_instance_history(core, started.id)).unwrap()
    assert [item.name for item in history] == ["RunDelay", "RunWaitEvent", "RunSend"]
    assert history[0].input.duration == "1m0s"  # Go's Duration.String()
    activities = (await orchestration_v2_get_instance_stage_history(core, started.id, 2)).unwrap()
    assert [activity.name for activity in activities] == ["GetWallet", "CreditWallet"]
    credit = activities[1].input.credit_wallet
    assert credit is not None
    assert credit.data is not None
    assert credit.data.amount.amount == 250
    assert (await orchestration_v2_get_instance_stage_history(core, started.id, 0)).unwrap() == []


async def test_an_event_sent_during_an_earlier_stage_is_lost_on_the_server_only(
    emu: Emulator, core: SDKCore, behaviour: str
) -> None:
    flow = await workflow_id(core, Delay(duration="10s"), WaitEvent("go"))
    instance = (await orchestration_v2_run_workflow(core, flow)).unwrap()
    await emu.settle()

    early = await orchestration_v2_send_event(core, instance.id, name="go")
    await manual(emu).advance(10)
    after = (await orchestration_v2_get_instance(core, instance.id)).unwrap()

    assert isinstance(early, Ok)
    assert after.terminated is (behaviour == "contract")


async def test_a_mismatched_event_is_consumed_and_the_stage_keeps_waiting(
    emu: Emulator, core: SDKCore
) -> None:
    instance = (
        await orchestration_v2_run_workflow(core, await workflow_id(core, WaitEvent("go")))
    ).unwrap()
    await emu.settle()

    await orchestration_v2_send_event(core, instance.id, name="other")
    await emu.settle()
    still = (await orchestration_v2_get_instance(core, instance.id)).unwrap()
    await orchestration_v2_send_event(core, instance.id, name="go")
    await emu.settle()
    done = (await orchestration_v2_get_instance(core, instance.id)).unwrap()

    assert not still.terminated
    assert done.terminated


async def test_an_event_after_the_end(emu: Emulator, core: SDKCore, behaviour: str) -> None:
    instance = (await orchestration_v2_run_workflow(core, await workflow_id(core))).unwrap()
    await emu.settle()

    result = await orchestration_v2_send_event(core, instance.id, name="late")

    assert isinstance(result, Err)
    assert result.error.status == (500 if behaviour == "server" else 400)


async def test_wait_true_waits_only_by_contract(
    emu: Emulator, core: SDKCore, behaviour: str
) -> None:
    flow = await workflow_id(core, Update(id="users:bob", ledger="main", metadata={"tier": "gold"}))

    result = (await orchestration_v2_run_workflow(core, flow, wait=True)).unwrap()

    if behaviour == "server":
        assert result.terminated is False  # ?wait=true does not wait (REAL-SERVER §4)
    else:
        assert result.terminated is True
        assert result.error is None
    await emu.settle()
    assert emu.bank.account("main", "users:bob").metadata == {"tier": "gold"}


async def test_insufficient_funds_retry_forever_on_the_server_and_fail_by_contract(
    emu: Emulator, core: SDKCore, behaviour: str
) -> None:
    flow = await workflow_id(
        core,
        Send(
            amount=Monetary("USD/2", 100),
            source=Account("users:empty"),
            destination=Account("users:rich"),
        ),
    )
    instance = (await orchestration_v2_run_workflow(core, flow)).unwrap()
    await emu.settle()
    await manual(emu).advance(1 + 2 + 4)  # three retries
    current = (await orchestration_v2_get_instance(core, instance.id)).unwrap()
    activities = (await orchestration_v2_get_instance_stage_history(core, instance.id, 0)).unwrap()
    message = (
        "running numscript: script execution failed: "
        "account(s) @users:empty had/have insufficient funds"
    )

    if behaviour == "server":
        assert current.terminated is False
        assert [activity.attempt for activity in activities] == [5]
        assert activities[0].last_failure == message
        assert activities[0].next_execution is not None
    else:
        assert current.terminated is True
        assert current.error == message
        assert activities[0].error == message
        history = (await orchestration_v2_get_instance_history(core, instance.id)).unwrap()
        assert history[0].error == "activity error"


async def test_refused_sends_create_no_account_and_no_wallet_balance(
    emu: Emulator, core: SDKCore
) -> None:
    wallet = emu.seed_wallet("w")
    flow = await workflow_id(
        core,
        Send(
            amount=Monetary("USD/2", 100),
            source=Account("users:bob", ledger="L"),
            destination=Account("users:alice", ledger="L"),
        ),
    )
    credit = await workflow_id(
        core,
        {
            "send": {
                "amount": {"amount": -5, "asset": "USD/2"},
                "source": {"account": {"id": "world"}},
                "destination": {"wallet": {"id": wallet["id"], "balance": "extra"}},
            }
        },
    )
    (await orchestration_v2_run_workflow(core, flow)).unwrap()
    (await orchestration_v2_run_workflow(core, credit)).unwrap()
    await emu.settle()

    async with aiohttp.ClientSession() as session:
        for address in ("users:bob", "users:alice"):
            async with session.get(f"{emu.url}/_emulator/accounts/L/{address}") as response:
                assert response.status == 404
    assert emu.bank.wallet_balances(emu.wallets[0]) == {"main": {}}
    assert emu.transactions == []


async def test_a_negative_amount_fails_the_stage_in_both_behaviours(
    emu: Emulator, core: SDKCore
) -> None:
    flow = await workflow_id(
        core,
        {
            "send": {
                "amount": {"amount": -5, "asset": "USD/2"},
                "source": {"account": {"id": "world"}},
                "destination": {"account": {"id": "users:x"}},
            }
        },
    )
    instance = (await orchestration_v2_run_workflow(core, flow)).unwrap()
    await emu.settle()

    done = (await orchestration_v2_get_instance(core, instance.id)).unwrap()

    assert done.terminated
    assert done.error == "posting 0: negative amount"
    assert done.status[0].error == done.error


async def test_a_run_time_validation_failure_has_no_stage_history(
    emu: Emulator, core: SDKCore
) -> None:
    flow = await workflow_id(core, {"wait_event": {"event": "${missing}"}})
    instance = (await orchestration_v2_run_workflow(core, flow)).unwrap()
    await emu.settle()

    done = (await orchestration_v2_get_instance(core, instance.id)).unwrap()
    history = (await orchestration_v2_get_instance_history(core, instance.id)).unwrap()
    stage = await orchestration_v2_get_instance_stage_history(core, instance.id, 0)

    assert done.error == (
        "Key: 'WaitEvent.Event' Error:Field validation for 'Event' failed on the 'required' tag"
    )
    assert history == []
    assert isinstance(stage, Err)
    assert wire_error(stage) == (404, "NOT_FOUND", "Instance not found")


async def test_abort_stops_only_by_contract(emu: Emulator, core: SDKCore, behaviour: str) -> None:
    instance = (
        await orchestration_v2_run_workflow(core, await workflow_id(core, WaitEvent("never")))
    ).unwrap()
    await emu.settle()

    aborted = await orchestration_v2_cancel_event(core, instance.id)
    await emu.settle()
    after = (await orchestration_v2_get_instance(core, instance.id)).unwrap()

    assert isinstance(aborted, Ok)
    if behaviour == "server":
        assert after.terminated is False
    else:
        assert after.terminated is True
        assert after.error == "canceled"


async def test_unknown_instances(core: SDKCore, behaviour: str) -> None:
    results = {
        "get": await orchestration_v2_get_instance(core, "nope"),
        "event": await orchestration_v2_send_event(core, "nope", name="x"),
        "abort": await orchestration_v2_cancel_event(core, "nope"),
        "history": await orchestration_v2_get_instance_history(core, "nope"),
        "stage": await orchestration_v2_get_instance_stage_history(core, "nope", 0),
    }

    statuses = {name: result.error.status for name, result in results.items()}  # type: ignore[union-attr]
    expected = unknown(behaviour)
    assert statuses == {
        "get": expected,
        "event": expected,
        "abort": expected,
        "history": expected,
        "stage": 404,
    }


async def test_unknown_workflow_cannot_run(core: SDKCore, behaviour: str) -> None:
    result = await orchestration_v2_run_workflow(core, "nope")

    assert isinstance(result, Err)
    assert result.error.status == unknown(behaviour)


async def test_a_non_integer_stage_number_is_an_empty_404(emu: Emulator, core: SDKCore) -> None:
    instance = (await orchestration_v2_run_workflow(core, await workflow_id(core))).unwrap()
    from tests.e2e.test_workflows import _token

    token = await _token(emu)
    async with (
        aiohttp.ClientSession() as session,
        session.get(
            f"{emu.url}/api/orchestration/v2/instances/{instance.id}/stages/one/history",
            headers={"Authorization": f"Bearer {token}"},
        ) as response,
    ):
        assert (response.status, await response.read()) == (404, b"")
        assert response.headers["Content-Type"] == "application/json"


async def test_list_filters_and_status(emu: Emulator, core: SDKCore, behaviour: str) -> None:
    waiting = await workflow_id(core, WaitEvent("go"))
    quick = await workflow_id(core)
    running = (await orchestration_v2_run_workflow(core, waiting)).unwrap()
    await orchestration_v2_run_workflow(core, quick)
    await emu.settle()

    only_running = (await orchestration_v2_list_instances(core, running=True)).unwrap()
    of_quick = (await orchestration_v2_list_instances(core, workflow_id=quick)).unwrap()
    everything = (await orchestration_v2_list_instances(core)).unwrap()

    assert [item.id for item in only_running.data] == [running.id]
    assert [item.workflow_id for item in of_quick.data] == [quick]
    assert len(everything.data) == 2
    listed = next(item for item in everything.data if item.id == running.id)
    assert (listed.status != []) is (behaviour == "contract")


async def test_big_amounts_reach_the_ledger_exactly(
    emu: Emulator, core: SDKCore, behaviour: str
) -> None:
    # The SDK sends amounts above 2^53 - 1 as decimal strings, which the server
    # parses exactly (REAL-SERVER §4); as a JSON number this one would become
    # the minimum int64 on the real server.
    big = 2**65 + 1
    flow = await workflow_id(
        core,
        {
            "send": {
                "amount": {"amount": big, "asset": "COIN"},
                "source": {"account": {"id": "world"}},
                "destination": {"account": {"id": "users:whale"}},
            }
        },
    )
    workflow = (await orchestration_v2_get_workflow(core, flow)).unwrap()
    assert workflow.config.stages[0]["send"]["amount"]["amount"] == big
    instance = (await orchestration_v2_run_workflow(core, flow)).unwrap()
    await emu.settle()

    assert emu.balance("users:whale", "COIN") == big
    history = (await orchestration_v2_get_instance_history(core, instance.id)).unwrap()
    if behaviour == "server":
        # History inputs are re-encoded through float64, printed as Go prints it:
        # the shortest digits, padded with zeros (REAL-SERVER §6).
        assert history[0].input.amount.amount == 36893488147419103000
    else:
        assert history[0].input.amount.amount == big


async def test_update_stage_history_decodes(emu: Emulator, core: SDKCore) -> None:
    # The server names the account `account`, the contract `id` (REAL-SERVER §6): both decode.
    flow = await workflow_id(core, Update(id="users:a", ledger="main", metadata={"k": "v"}))
    instance = (await orchestration_v2_run_workflow(core, flow)).unwrap()
    await emu.settle()

    history = (await orchestration_v2_get_instance_stage_history(core, instance.id, 0)).unwrap()

    assert [activity.name for activity in history] == ["AddAccountMetadata"]
    update = history[0].input.add_account_metadata
    assert update is not None
    assert (update.id, update.ledger, update.metadata) == ("users:a", "main", {"k": "v"})
