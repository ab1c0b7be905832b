"""Mistakes mypy --strict must report.

A line whose trailing comment is ``E: <text>`` must get an error containing <text>;
no other line may get one.
"""

from __future__ import annotations

from formance_orch import SDK, SDKCore, Security, pages, paginate, wait_for_instance
from formance_orch.funcs.orchestration_v2_create_trigger import orchestration_v2_create_trigger
from formance_orch.funcs.orchestration_v2_create_workflow import orchestration_v2_create_workflow
from formance_orch.funcs.orchestration_v2_list_instances import orchestration_v2_list_instances
from formance_orch.models.triggers import V2TriggerData
from formance_orch.stages import Delay, WaitEvent

LIST = orchestration_v2_list_instances
CREATE = orchestration_v2_create_trigger


async def paging(core: SDKCore, sdk: SDK) -> None:
    paginate(LIST, core, workflw_id="wf-1")  # E: Unexpected keyword argument "workflw_id"
    paginate(LIST, core, page_size="big")  # E: Argument "page_size" to "paginate"
    pages(LIST, core, running="yes")  # E: Argument "running" to "pages"
    pages(sdk.orchestration.v2.list_instances, workflw_id="wf-1")  # E: "workflw_id"
    paginate(sdk.orchestration.v2.list_instances, page_size="big")  # E: Argument "page_size"
    paginate(LIST, core).take("10")  # E: Argument 1 to "take" of "Paginator"


async def triggers(core: SDKCore, sdk: SDK) -> None:
    data = V2TriggerData(event="e", workflow_id="w")
    await CREATE(core, event="SAVED_PAYMENT")  # E: No overload variant
    await CREATE(core, workflow_id="wf-1")  # E: No overload variant
    await CREATE(core, trigger=data, event="e")  # E: No overload variant
    await sdk.orchestration.v2.create_trigger(event="SAVED_PAYMENT")  # E: No overload variant
    await sdk.orchestration.v2.create_trigger(trigger=data, name="n")  # E: No overload variant


async def stages(core: SDKCore) -> None:
    # Without `list[StageLike]`, a mixed list infers as list[object] and is refused.
    unannotated = [WaitEvent("kyc-passed"), {"delay": {"duration": "1h"}}, Delay(duration="1m")]
    await orchestration_v2_create_workflow(core, stages=unannotated)  # E: "list[object]"


async def waiting(core: SDKCore) -> None:
    await wait_for_instance(core, "inst-1")  # E: Missing named argument "timeout"
    await wait_for_instance(core, "i", timeout=5, until_waiting_for=3)  # E: "until_waiting_for"


def configuration() -> Security:
    security: Security = Security.from_env(optional=True)  # E: Incompatible types in assignment
    SDKCore(organization=1, environment="eu.sandbox")  # E: Argument "organization" to "SDKCore"
    return security
