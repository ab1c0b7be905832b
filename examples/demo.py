"""The README's example, end to end, with logging.

Runs against ``$FORMANCE_SERVER_URL`` when it is set (with credentials from
``FORMANCE_CLIENT_ID`` / ``FORMANCE_CLIENT_SECRET`` when those are set),
otherwise against the local emulator (``formance_orch.emulator``) started here
on loopback. It only touches what it creates, so the server may hold any
other data.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys

from formance_orch import (
    Err,
    FormanceError,
    Ok,
    SDKCore,
    Security,
    WaitTimeoutError,
    paginate,
    wait_for_instance,
)
from formance_orch.emulator import Emulator
from formance_orch.funcs.orchestration_v2_create_workflow import orchestration_v2_create_workflow
from formance_orch.funcs.orchestration_v2_delete_workflow import orchestration_v2_delete_workflow
from formance_orch.funcs.orchestration_v2_get_server_info import orchestration_v2_get_server_info
from formance_orch.funcs.orchestration_v2_list_instances import orchestration_v2_list_instances
from formance_orch.funcs.orchestration_v2_run_workflow import orchestration_v2_run_workflow
from formance_orch.funcs.orchestration_v2_send_event import orchestration_v2_send_event
from formance_orch.stages import WaitEvent

log = logging.getLogger("demo")

EVENT = "confirmed"


async def main(core: SDKCore) -> int:
    match await orchestration_v2_get_server_info(core):
        case Ok(value=info):
            log.info("server %s, version %s", core.server_url, info.version)
        case Err(error=error):
            log.error("server unreachable: %s", error)
            return 1

    created = await orchestration_v2_create_workflow(
        core, name="formance-orch-demo", stages=[WaitEvent(EVENT)]
    )
    if isinstance(created, Err):
        log.error("could not create the workflow: %s", created.error)
        return 1
    workflow = created.value
    log.info("created workflow %s (HTTP %d)", workflow.id, created.meta.status)
    try:
        return await run_once(core, workflow.id)
    finally:
        # Leave the server as it was (the real server only marks it deleted).
        deleted = await orchestration_v2_delete_workflow(core, workflow.id)
        if isinstance(deleted, Err):
            log.warning("could not delete workflow %s: %s", workflow.id, deleted.error)


async def run_once(core: SDKCore, workflow_id: str) -> int:
    started = await orchestration_v2_run_workflow(core, workflow_id)
    if isinstance(started, Err):
        log.error("could not start the workflow: %s", started.error)
        return 1
    instance_id = started.value.id
    log.info("started instance %s", instance_id)

    ready = await wait_for_instance(core, instance_id, timeout=60, until_waiting_for=EVENT)
    if isinstance(ready, Err):
        log.error("the instance never waited for %r: %s", EVENT, ready.error)
        return 1
    log.info("instance %s waits for %r: sending it", instance_id, EVENT)
    sent = await orchestration_v2_send_event(core, instance_id, name=EVENT)
    if isinstance(sent, Err):
        log.error("could not send the event: %s", sent.error)
        return 1

    match await wait_for_instance(core, instance_id, timeout=60):
        case Ok(value=instance) if instance.error:
            log.error("instance %s failed: %s", instance.id, instance.error)
            return 1
        case Ok(value=instance, meta=meta):
            log.info("instance %s ended after %d request(s)", instance.id, meta.attempts)
        case Err(error=WaitTimeoutError() as late):
            log.error("%s", late)
            return 1
        case Err(error=failure):
            log.error("could not follow instance %s: %s", instance_id, failure)
            return 1

    try:
        runs = [
            run.id
            async for run in paginate(
                orchestration_v2_list_instances, core, workflow_id=workflow_id
            )
        ]
    except FormanceError as error:
        log.error("listing the instances failed: %s", error)
        return 1
    log.info("workflow %s has %d instance(s): %s", workflow_id, len(runs), ", ".join(runs))
    return 0


async def run() -> int:
    if os.environ.get("FORMANCE_SERVER_URL"):
        async with SDKCore(security=Security.from_env(optional=True)) as core:
            return await main(core)
    async with Emulator(clients={"demo": "demo-secret-value"}) as emu:
        log.info("no FORMANCE_SERVER_URL: using the emulator at %s", emu.url)
        async with emu.core() as core:
            return await main(core)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    sys.exit(asyncio.run(run()))
