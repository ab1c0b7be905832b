"""A synchronous script: one ``SyncSDK`` for many calls, closed at the end.

Runs against ``$FORMANCE_SERVER_URL`` when it is set (with
``FORMANCE_CLIENT_ID`` / ``FORMANCE_CLIENT_SECRET``), otherwise against the
local emulator, started on a loop in a background thread.
Ctrl-C at any point stops the call in flight and exits.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from formance_orch import APIError, Err, Ok, Security, SyncSDK
from formance_orch.emulator import Emulator
from formance_orch.sync import paginate

log = logging.getLogger("sync-script")


def main(server_url: str, security: Security) -> int:
    # One client for the whole script: one thread, one token, one connection pool.
    with SyncSDK(server_url=server_url, security=security, timeout=10) as sdk:
        v2 = sdk.orchestration.v2
        match v2.get_server_info():
            case Ok(value=info):
                log.info("server version %s", info.version)
            case Err(error=error):
                log.error("server unreachable: %s", error)
                return 1

        workflow = v2.create_workflow(
            name="welcome-bonus", stages=[{"delay": {"duration": "1s"}}]
        ).unwrap()  # unwrap() raises the error instead, for code that prefers exceptions
        log.info("created workflow %s", workflow.id)

        # A plain iterator over every page; each page is one request.
        for instance in paginate(v2.list_instances, workflow_id=workflow.id, page_size=100):
            detail = v2.get_instance(instance.id).unwrap()
            log.info("instance %s: %d stage(s) started", detail.id, len(detail.status))

        match v2.get_instance("no-such-instance"):
            case Err(error=APIError(status=404 | 500)):
                # The real server answers 500 INTERNAL "Instance not found" here.
                log.info("as expected, an unknown instance is an API error")
            case other:
                log.error("unexpected answer for an unknown instance: %s", other)
                return 1
    return 0


@contextmanager
def emulator_in_a_thread() -> Iterator[str]:
    """Only for trying this script without a server: the local emulator, in a thread."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    serving = Emulator(clients={"demo": "demo-secret-value"})
    try:
        yield asyncio.run_coroutine_threadsafe(serving.__aenter__(), loop).result().url
    finally:
        asyncio.run_coroutine_threadsafe(serving.__aexit__(None, None, None), loop).result()
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.close()


def run() -> int:
    url = os.environ.get("FORMANCE_SERVER_URL")
    if url:
        client_id = os.environ.get("FORMANCE_CLIENT_ID", "")
        secret = os.environ.get("FORMANCE_CLIENT_SECRET", "")
        return main(url, Security(client_id=client_id, client_secret=secret))
    with emulator_in_a_thread() as emulator_url:
        log.info("no FORMANCE_SERVER_URL: using the emulator at %s", emulator_url)
        return main(emulator_url, Security(client_id="demo", client_secret="demo-secret-value"))


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    sys.exit(run())
