"""Child processes for ``test_sync_processes.py``: ``python -m tests.sync_child SCENARIO URL``.

Each scenario talks to the test's server at URL, prints one line per step
(JSON where there is data) and waits on stdin where the test must act first.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import sys
import threading
from typing import Any

from formance_orch import RetryConfig, Security, SyncCore
from formance_orch.funcs.orchestration_v2_get_instance import orchestration_v2_get_instance

SECURITY = Security(client_id="client-1", client_secret="s3cr3t-child-secret")


def say(*words: Any) -> None:
    print(*words, flush=True)


def wait_for_the_test() -> None:
    assert sys.stdin.readline().strip() == "go"


def portal_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("formance-orch-portal-")]


def get(core: SyncCore, instance_id: str) -> str:
    return core.call(orchestration_v2_get_instance, instance_id).unwrap().id


def fork(url: str) -> None:
    """Fork while one call is in flight on another thread; both sides keep working."""
    core = SyncCore(server_url=url, security=SECURITY, timeout=5, retries=RetryConfig.none())
    held: list[Any] = []
    holder = threading.Thread(
        target=lambda: held.append(core.call(orchestration_v2_get_instance, "hang-parent"))
    )
    holder.start()
    wait_for_the_test()  # the held request has reached the server
    say(get(core, "parent-1"))  # on a second connection, idle in the pool at the fork
    # The session as the portal's loop holds it (session() needs that loop to be running).
    session = core._portal.core()._session
    assert session is not None
    inherited = session.connector
    assert inherited is not None
    pid = os.fork()
    if pid == 0:
        child = [get(core, "child-1")]
        # What finalizing the child's copy of the parent's connector does: close its
        # transports, which takes their sockets out of the loop's epoll set.
        inherited._close()
        child.append(get(core, "child-2"))
        say(json.dumps({"child": child, "threads": portal_threads()}))
        core.close()
        sys.exit(0)  # an ordinary exit: the inherited objects are finalized
    _, status = os.waitpid(pid, 0)
    say(json.dumps({"child_status": status, "parent": get(core, "parent-2")}))
    wait_for_the_test()  # the held request has been released
    holder.join()
    say(json.dumps({"held": held[0].unwrap().id, "threads": portal_threads()}))
    core.close()


def interrupt(url: str) -> None:
    """Ctrl-C during a request, then during a coroutine; the core stays usable."""
    core = SyncCore(server_url=url, security=SECURITY, retries=RetryConfig.none())
    say(get(core, "warm"))
    try:
        get(core, "hang-1")
    except KeyboardInterrupt:
        say("interrupted")

    cancelled = threading.Event()

    async def probe(core: object) -> None:
        say("probe-started")
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise

    try:
        core.call(probe)  # type: ignore[arg-type]
    except KeyboardInterrupt:
        say("interrupted")
    say("cancelled" if cancelled.wait(10) else "not cancelled")
    say(get(core, "after"))
    core.close()


def exit_unclosed(url: str) -> None:
    """Exit with one core never closed (a call held in flight) and one collected."""
    kept = SyncCore(server_url=url, security=SECURITY)
    say(get(kept, "kept"))
    threading.Thread(
        target=kept.call, args=(orchestration_v2_get_instance, "hang-at-exit"), daemon=True
    ).start()
    before = set(threading.enumerate())
    collected = SyncCore(server_url=url, security=SECURITY)
    say(get(collected, "collected"))
    (thread,) = set(threading.enumerate()) - before
    del collected
    gc.collect()
    thread.join(10)
    wait_for_the_test()  # the held request has reached the server
    say(json.dumps({"collected_thread_alive": thread.is_alive(), "threads": portal_threads()}))


if __name__ == "__main__":
    scenario, server_url = sys.argv[1:]
    {"fork": fork, "interrupt": interrupt, "exit": exit_unclosed}[scenario](server_url)
