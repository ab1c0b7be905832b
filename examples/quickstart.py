"""A first tour of formance-orch, on a local emulator (``make demo``).

The story: a workflow waits for a "kyc-approved" event, then sends a welcome
bonus to the customer's wallet; a trigger runs it for every new customer.

Without ``FORMANCE_SERVER_URL`` it starts the emulator in this process (with a
funded ``bonus:pool`` account and a wallet to pay into). With it set (and
``FORMANCE_CLIENT_ID`` / ``FORMANCE_CLIENT_SECRET``), the same script runs
against that server; it then expects ``FORMANCE_WALLET_ID`` to name a wallet
and the ``bonus:pool`` account of ledger ``default`` to hold USD/2.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from collections.abc import AsyncIterator, Callable

from formance_orch import (
    APIError,
    Err,
    Ok,
    RequestOptions,
    RetryConfig,
    SDKCore,
    Security,
    paginate,
)
from formance_orch.funcs.orchestration_v2_create_trigger import orchestration_v2_create_trigger
from formance_orch.funcs.orchestration_v2_create_workflow import orchestration_v2_create_workflow
from formance_orch.funcs.orchestration_v2_get_instance import orchestration_v2_get_instance
from formance_orch.funcs.orchestration_v2_get_instance_stage_history import (
    orchestration_v2_get_instance_stage_history,
)
from formance_orch.funcs.orchestration_v2_list_instances import orchestration_v2_list_instances
from formance_orch.funcs.orchestration_v2_list_triggers_occurrences import (
    orchestration_v2_list_triggers_occurrences,
)
from formance_orch.funcs.orchestration_v2_run_workflow import orchestration_v2_run_workflow
from formance_orch.funcs.orchestration_v2_send_event import orchestration_v2_send_event
from formance_orch.models import V2WorkflowInstance
from formance_orch.stages import Account, Monetary, Send, WaitEvent, Wallet

ASSET = "USD/2"


def say(text: str) -> None:
    print(text, flush=True)


class Stack:
    """Where the story runs: the emulator here, or a real stack."""

    def __init__(self, core: SDKCore, wallet_id: str, publish: Callable[..., object] | None):
        self.core = core
        self.wallet_id = wallet_id
        self.publish = publish
        self.wallet_balance: Callable[[], int] | None = None


@contextlib.asynccontextmanager
async def open_stack() -> AsyncIterator[Stack]:
    url = os.environ.get("FORMANCE_SERVER_URL")
    if url:
        security = Security(
            client_id=os.environ.get("FORMANCE_CLIENT_ID", ""),
            client_secret=os.environ.get("FORMANCE_CLIENT_SECRET", ""),
        )
        async with SDKCore(server_url=url, security=security) as core:
            say(f"Using the server at {url}")
            yield Stack(core, os.environ.get("FORMANCE_WALLET_ID", ""), None)
        return
    from formance_orch.emulator import Emulator

    async with Emulator(clients={"quickstart": "quickstart-secret"}) as emu:
        say(f"Started a local emulator at {emu.url} (behaviour: {emu.policy.name})")
        emu.seed_account("bonus:pool", asset=ASSET, amount=100_000)
        wallet = emu.seed_wallet("customer-42", metadata={"customer": "42"})
        stack = Stack(emu.core(), wallet["id"], emu.publish)
        stack.wallet_balance = lambda: emu.wallet_balance(wallet["id"], ASSET)
        yield stack


async def wait_until(
    core: SDKCore, instance_id: str, done: Callable[[V2WorkflowInstance], bool]
) -> V2WorkflowInstance:
    """Poll the instance (run_workflow's wait=True does not wait on the real server)."""
    while True:
        instance = (await orchestration_v2_get_instance(core, instance_id)).unwrap()
        if done(instance):
            return instance
        await asyncio.sleep(0.05)


async def story(stack: Stack) -> int:
    core = stack.core
    say("\n1. Create a workflow: wait for 'kyc-approved', then pay a 5.00 USD bonus.")
    created = await orchestration_v2_create_workflow(
        core,
        name="welcome-bonus",
        stages=[
            WaitEvent("kyc-approved"),
            Send(
                amount=Monetary(ASSET, "${bonus}"),
                source=Account("bonus:pool"),
                destination=Wallet("${wallet}"),
                metadata={"reason": "welcome"},
            ),
        ],
    )
    workflow = created.unwrap()
    say(f"   workflow {workflow.id} with {len(workflow.config.stages)} stages")

    say("\n2. A trigger runs it for every NEW_CUSTOMER event whose country is FR.")
    trigger = (
        await orchestration_v2_create_trigger(
            core,
            name="bonus for new customers",
            event="NEW_CUSTOMER",
            workflow_id=workflow.id,
            filter='event.country == "FR"',
            vars={"bonus": "500", "wallet": "event.wallet"},
        )
    ).unwrap()
    say(f"   trigger {trigger.id}: filter {trigger.filter!r}")

    say("\n3. Publish the event (a real stack publishes it from its own services).")
    if stack.publish is not None:
        stack.publish("NEW_CUSTOMER", {"country": "FR", "wallet": stack.wallet_id})
        occurrences = (await orchestration_v2_list_triggers_occurrences(core, trigger.id)).unwrap()
        instance_id = occurrences.data[0].workflow_instance_id
        assert instance_id is not None
    else:
        variables = {"bonus": "500", "wallet": stack.wallet_id}
        instance_id = (
            (await orchestration_v2_run_workflow(core, workflow.id, variables=variables))
            .unwrap()
            .id
        )
    say(f"   the trigger started instance {instance_id}")

    say("\n4. The instance waits for its event.")
    waiting = await wait_until(core, instance_id, lambda i: bool(i.status))
    say(f"   terminated={waiting.terminated}, stages started: {len(waiting.status)}")

    say("\n5. Send 'kyc-approved'; the bonus goes out.")
    (await orchestration_v2_send_event(core, instance_id, name="kyc-approved")).unwrap()
    done = await wait_until(core, instance_id, lambda i: i.terminated)
    say(f"   terminated={done.terminated}, error={done.error}")

    say("\n6. What the send stage did, from its stage history:")
    for activity in (
        await orchestration_v2_get_instance_stage_history(core, instance_id, 1)
    ).unwrap():
        credit = activity.input.credit_wallet
        detail = ""
        if credit is not None and credit.data is not None:
            detail = (
                f": {credit.data.amount.amount} {credit.data.amount.asset} to wallet {credit.id}"
            )
        say(f"   - {activity.name} (attempt {activity.attempt}){detail}")
    if stack.wallet_balance is not None:
        say(f"   the wallet now holds {stack.wallet_balance()} {ASSET} (cents)")

    say("\n7. Run it 20 more times, then list the instances page by page.")
    for _ in range(20):
        variables = {"bonus": "1", "wallet": stack.wallet_id}
        await orchestration_v2_run_workflow(core, workflow.id, variables=variables)
    count = 0
    async for _instance in paginate(
        orchestration_v2_list_instances, core, workflow_id=workflow.id, page_size=8
    ):
        count += 1
    say(f"   {count} instances, fetched 8 per page")

    say("\n8. Errors are values: an unknown instance.")
    no_retries = RequestOptions(retries=RetryConfig.none())  # a 500 is retried by default
    match await orchestration_v2_get_instance(core, "no-such-instance", options=no_retries):
        case Ok():
            say("   unexpected: it was found")
            return 1
        case Err(error=APIError(status=status, error_code=code)):
            say(f"   HTTP {status} {code}: the real server answers 500 here, not 404")
        case Err(error=error):
            say(f"   failed: {error}")
            return 1
    say("\nDone.")
    return 0


async def main() -> int:
    async with open_stack() as stack:
        return await story(stack)


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
