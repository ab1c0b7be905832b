"""The README's example, end to end.

Runs against ``$FORMANCE_SERVER_URL`` when it is set (with
``FORMANCE_CLIENT_ID`` / ``FORMANCE_CLIENT_SECRET``), otherwise against the
emulator started here on loopback.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys

from formance_orch import Err, Ok, SDKCore, Security
from formance_orch.emulator import Emulator
from formance_orch.funcs.orchestration_v2_create_workflow import (
    orchestration_v2_create_workflow,
)
from formance_orch.funcs.orchestration_v2_get_instance import (
    orchestration_v2_get_instance,
)
from formance_orch.funcs.orchestration_v2_get_server_info import (
    orchestration_v2_get_server_info,
)
from formance_orch.funcs.orchestration_v2_list_instances import (
    orchestration_v2_list_instances,
)

log = logging.getLogger("demo")


async def main(server_url: str, security: Security) -> int:
    async with SDKCore(server_url=server_url, security=security) as core:
        match await orchestration_v2_get_server_info(core):
            case Ok(value=info):
                log.info("server version %s", info.version)
            case Err(error=error):
                log.error("server unreachable: %s", error)
                return 1

        created = await orchestration_v2_create_workflow(
            core,
            name="welcome-bonus",
            stages=[{"delay": {"duration": "1s"}}, {"wait_event": {"event": "confirmed"}}],
        )
        match created:
            case Ok(value=workflow, meta=meta):
                log.info("created workflow %s (HTTP %d)", workflow.id, meta.status)
            case Err(error=error):
                log.error("could not create the workflow: %s", error)
                return 1

        match await orchestration_v2_list_instances(core, workflow_id=workflow.id, page_size=10):
            case Ok(value=page):
                log.info("%d instance(s) on the first page", len(page.data))
                for instance in page.data:
                    detail = (await orchestration_v2_get_instance(core, instance.id)).unwrap()
                    log.info("instance %s: %d stage(s) started", detail.id, len(detail.status))
            case Err(error=error):
                log.error("listing failed: %s", error)
                return 1

        match await orchestration_v2_get_instance(core, "no-such-instance"):
            case Err(error=error):
                log.info("as expected, an unknown instance is an error: %s", error)
            case Ok():
                log.error("an unknown instance was found")
                return 1
    return 0


async def run() -> int:
    url = os.environ.get("FORMANCE_SERVER_URL")
    if url:
        security = Security(
            client_id=os.environ.get("FORMANCE_CLIENT_ID", ""),
            client_secret=os.environ.get("FORMANCE_CLIENT_SECRET", ""),
        )
        return await main(url, security)
    async with Emulator(clients={"demo": "demo-secret-value"}) as emu:
        log.info("no FORMANCE_SERVER_URL: using the emulator at %s", emu.url)
        return await main(emu.url, Security(client_id="demo", client_secret="demo-secret-value"))


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    sys.exit(asyncio.run(run()))
