"""SyncSDK and SyncCore end to end, against the emulator, in both behaviours.

The synchronous calls run in a worker thread (``asyncio.to_thread``): the
emulator serves on the test's event loop, which a blocking call on the loop's
own thread would stop.
"""

from __future__ import annotations

import asyncio
from typing import Any

from formance_orch import APIError, Err, Ok, Security, SyncCore, SyncSDK
from formance_orch.emulator import Emulator
from formance_orch.funcs.orchestration_v2_create_workflow import orchestration_v2_create_workflow
from formance_orch.funcs.orchestration_v2_get_instance import orchestration_v2_get_instance
from formance_orch.funcs.orchestration_v2_list_instances import orchestration_v2_list_instances
from formance_orch.funcs.orchestration_v2_run_workflow import orchestration_v2_run_workflow
from formance_orch.stages import Account, Monetary, Send, WaitEvent, Wallet
from formance_orch.sync import pages, paginate
from tests.e2e.conftest import CLIENT_ID, CLIENT_SECRET, FAST_RETRIES, unknown

SECURITY = Security(client_id=CLIENT_ID, client_secret=CLIENT_SECRET)


def a_payout(url: str, wallet_id: str) -> dict[str, Any]:
    """What a synchronous script does: run a workflow, wait for its event, send it, wait."""
    seen: dict[str, Any] = {}
    with SyncSDK(server_url=url, security=SECURITY, retries=FAST_RETRIES) as sdk:
        v2 = sdk.orchestration.v2
        send = Send(
            amount=Monetary("USD/2", "${amount}"),
            source=Account("world"),
            destination=Wallet(wallet_id),
        )
        workflow = v2.create_workflow(name="payout", stages=[WaitEvent("approved"), send]).unwrap()
        started = v2.run_workflow(workflow.id, variables={"amount": "300"}).unwrap()
        seen["ready"] = sdk.wait_for_instance(
            started.id, timeout=10, until_waiting_for="approved", interval=0.01
        )
        seen["sent"] = v2.send_event(started.id, name="approved")
        seen["done"] = sdk.wait_for_instance(started.id, timeout=10, interval=0.01)
        seen["history"] = v2.get_instance_history(started.id)
        seen["missing"] = v2.get_instance("no-such-instance")
    return seen


async def test_a_synchronous_script_runs_a_payout(emu: Emulator, behaviour: str) -> None:
    wallet = emu.seed_wallet("bob")

    seen = await asyncio.to_thread(a_payout, emu.url, wallet["id"])

    ready, done, missing = seen["ready"], seen["done"], seen["missing"]
    assert isinstance(ready, Ok)
    assert not ready.value.terminated
    assert isinstance(seen["sent"], Ok)
    assert isinstance(done, Ok)
    assert done.value.terminated
    assert done.value.error is None
    assert [item.name for item in seen["history"].unwrap()] == ["RunWaitEvent", "RunSend"]
    assert emu.wallet_balance(wallet["id"], "USD/2") == 300
    assert isinstance(missing, Err)
    assert isinstance(missing.error, APIError)
    assert missing.error.status == unknown(behaviour)
    assert emu.auth.issued == 1  # one token for the whole script


def list_with_a_sync_core(url: str) -> dict[str, Any]:
    """The functional style: SyncCore.call, and the iterators of formance_orch.sync."""
    with SyncCore(server_url=url, security=SECURITY, retries=FAST_RETRIES) as core:
        ids = [instance.id for instance in paginate(orchestration_v2_list_instances, core)]
        taken = list(paginate(orchestration_v2_list_instances, core, running=True).take(3))
        bad = list(pages(orchestration_v2_list_instances, core, cursor="not-a-cursor"))
        first = core.call(orchestration_v2_get_instance, ids[0])
    return {"ids": ids, "taken": taken, "bad": bad, "first": first}


async def test_paging_and_calls_through_a_sync_core(emu: Emulator) -> None:
    core = emu.core(security=SECURITY)
    workflow = (await orchestration_v2_create_workflow(core, stages=[WaitEvent("go")])).unwrap()
    for _ in range(20):
        (await orchestration_v2_run_workflow(core, workflow.id)).unwrap()
    await emu.settle()

    seen = await asyncio.to_thread(list_with_a_sync_core, emu.url)

    assert seen["ids"] == [instance.id for instance in emu.instances]  # 20, over 2 pages of 15
    assert len(seen["taken"]) == 3
    [bad] = seen["bad"]
    assert isinstance(bad, Err)
    assert bad.error.status == 400
    assert isinstance(seen["first"], Ok)
    assert seen["first"].value.workflow_id == workflow.id
