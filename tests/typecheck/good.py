"""Correct uses of the SDK's typed helpers: mypy --strict must find nothing here."""

from __future__ import annotations

from formance_orch import (
    SDK,
    Err,
    Ok,
    SDKCore,
    Security,
    WaitTimeoutError,
    pages,
    paginate,
    wait_for_instance,
)
from formance_orch.funcs.orchestration_v2_create_trigger import orchestration_v2_create_trigger
from formance_orch.funcs.orchestration_v2_create_workflow import orchestration_v2_create_workflow
from formance_orch.funcs.orchestration_v2_list_instances import orchestration_v2_list_instances
from formance_orch.funcs.orchestration_v2_list_triggers_occurrences import (
    orchestration_v2_list_triggers_occurrences,
)
from formance_orch.models.instances import V2WorkflowInstance
from formance_orch.models.triggers import V2TriggerData, V2TriggerOccurrence
from formance_orch.stages import Account, Delay, Monetary, Send, StageLike, WaitEvent


async def paging(core: SDKCore, sdk: SDK) -> None:
    async for instance in paginate(orchestration_v2_list_instances, core, workflow_id="wf-1"):
        kept: V2WorkflowInstance = instance
        print(kept.id)
    async for occurrence in paginate(orchestration_v2_list_triggers_occurrences, core, "t").take(5):
        seen: V2TriggerOccurrence = occurrence
        print(seen.id)
    async for result in pages(sdk.orchestration.v2.list_instances, running=True, page_size=50):
        match result:
            case Ok(value=page):
                print(len(page.data))
            case Err(error=error):
                print(error.message)


async def triggers(core: SDKCore, sdk: SDK) -> None:
    await orchestration_v2_create_trigger(core, event="SAVED_PAYMENT", workflow_id="wf-1")
    await orchestration_v2_create_trigger(core, trigger=V2TriggerData(event="e", workflow_id="w"))
    await orchestration_v2_create_trigger(core, trigger={"event": "e", "workflowID": "w"})
    await sdk.orchestration.v2.create_trigger(event="SAVED_PAYMENT", workflow_id="wf-1", name="n")
    await sdk.orchestration.v2.create_trigger(trigger={"event": "e", "workflowID": "w"})


async def stages(core: SDKCore) -> None:
    mixed: list[StageLike] = [
        WaitEvent("kyc-passed"),
        Delay(duration="1h"),
        Send(amount=Monetary("USD/2", 100), source=Account("world"), destination=Account("a")),
        {"update": {"account": {"id": "a", "ledger": "default", "metadata": {"k": "v"}}}},
    ]
    await orchestration_v2_create_workflow(core, name="mixed", stages=mixed)


async def waiting(core: SDKCore, sdk: SDK) -> None:
    match await wait_for_instance(core, "inst-1", timeout=60, until_waiting_for="paid"):
        case Ok(value=instance):
            print(instance.terminated, instance.error)
        case Err(error=WaitTimeoutError(last_failure=failure, attempt=attempt)):
            print(failure, attempt)
        case Err(error=error):
            print(error.message)
    await sdk.wait_for_instance("inst-1", timeout=5)


def configuration() -> None:
    security: Security = Security.from_env()
    maybe: Security | None = Security.from_env(optional=True)
    SDKCore(organization="acme", environment="eu.sandbox", security=security)
    SDK(organization="acme", environment="eu.sandbox", security=maybe)
