"""Synchronous use across processes and signals: fork, Ctrl-C, interpreter exit.

Each scenario runs in a child process (``tests/sync_child.py``) against a
server in this process. Steps are synchronised through the child's
stdout/stdin and the server's events, never by sleeping.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 60  # seconds; only reached if something hangs

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="fork and SIGINT are POSIX")


class Child:
    """``python -W error -m tests.sync_child SCENARIO URL``, read line by line."""

    def __init__(self, scenario: str, url: str) -> None:
        # -W error: any ResourceWarning (an unclosed session, socket or loop) would print.
        self.process = subprocess.Popen(
            [sys.executable, "-W", "error", "-m", "tests.sync_child", scenario, url],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def line(self) -> str:
        assert self.process.stdout is not None
        return self.process.stdout.readline().strip()

    def data(self) -> dict:
        return json.loads(self.line())

    def go(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write("go\n")
        self.process.stdin.flush()

    def finish(self) -> tuple[int, str]:
        _, stderr = self.process.communicate(timeout=TIMEOUT)
        return self.process.returncode, stderr


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no os.fork")
def test_a_forked_child_gets_its_own_portal_and_the_parent_keeps_its_own(threaded) -> None:
    child = Child("fork", threaded.url)
    assert threaded.arrived.wait(TIMEOUT)
    child.go()
    assert child.line() == "parent-1"

    forked = child.data()
    after = child.data()
    threaded.release()
    child.go()
    held = child.data()
    code, stderr = child.finish()

    assert (code, stderr) == (0, "")
    assert forked["child"] == ["child-1", "child-2"]
    assert len(forked["threads"]) == 1  # a new portal thread; the parent's are not there
    assert after == {"child_status": 0, "parent": "parent-2"}
    assert held["held"] == "hang-parent"
    by_id = {seen.path.rsplit("/", 1)[1]: seen for seen in threaded.requests}
    # The child has its own session and token ...
    assert by_id["child-1"].port == by_id["child-2"].port
    assert by_id["child-1"].port not in {by_id["parent-1"].port, by_id["hang-parent"].port}
    assert by_id["child-1"].authorization == "Bearer token-2"
    # ... and the parent's pooled connection still works after the child has exited.
    assert by_id["parent-1"].port != by_id["hang-parent"].port
    assert by_id["parent-2"].port == by_id["parent-1"].port
    assert by_id["parent-2"].authorization == "Bearer token-1"
    assert threaded.token_requests == 2


def test_ctrl_c_cancels_the_call_at_once_and_the_core_stays_usable(threaded) -> None:
    child = Child("interrupt", threaded.url)
    assert child.line() == "warm"

    assert threaded.arrived.wait(TIMEOUT)  # the request is in flight; the server holds it
    os.kill(child.process.pid, signal.SIGINT)
    assert child.line() == "interrupted"  # while the server still holds the request
    assert threaded.abandoned.wait(TIMEOUT)  # the request's coroutine was cancelled

    assert child.line() == "probe-started"
    os.kill(child.process.pid, signal.SIGINT)
    assert child.line() == "interrupted"
    assert child.line() == "cancelled"
    assert child.line() == "after"
    assert child.finish() == (0, "")


def test_exit_with_unclosed_cores_neither_hangs_nor_warns(threaded) -> None:
    child = Child("exit", threaded.url)
    assert child.line() == "kept"
    assert child.line() == "collected"
    assert threaded.arrived.wait(TIMEOUT)
    child.go()

    state = child.data()
    code, stderr = child.finish()

    assert (code, stderr) == (0, "")
    assert state["collected_thread_alive"] is False
    assert len(state["threads"]) == 1
    assert threaded.abandoned.wait(TIMEOUT)  # exit closed the kept core, cancelling its call


def test_the_script_example_runs() -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("FORMANCE_")}
    done = subprocess.run(
        [sys.executable, "-W", "error", "examples/sync_script.py"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )

    assert done.returncode == 0, done.stderr
    assert "an unknown instance is an API error" in done.stderr  # logging writes to stderr
