"""Cancellation at random points: before sending, mid-body, in a retry wait, in the token fetch.

``CancelledError`` reaches the caller (unless the call had already ended),
no task, connection or file descriptor is left behind once the core is
closed, and the other waiters of a shared token fetch get their token.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from formance_orch import Err, Ok, RetryConfig, SDKCore
from formance_orch.funcs.orchestration_v2_get_instance import orchestration_v2_get_instance
from tests import proof
from tests.proof import FIGURES, SETTINGS, Answer
from tests.support import instance_json

pytestmark = pytest.mark.proof

INSTANCE = proof.json_bytes({"data": instance_json()})
JSON = (("Content-Type", "application/json"),)


async def ticks(count: int) -> None:
    for _ in range(count):
        await asyncio.sleep(0)


async def cancelled(task: asyncio.Task[Any]) -> bool:
    """Cancel ``task``; True if it ended cancelled, False if it had already ended with a Result."""
    task.cancel()
    try:
        result = await task
    except asyncio.CancelledError:
        return True
    FIGURES.calls += 1
    assert isinstance(result, Ok | Err), result
    return False


async def before_sending(
    fuzz_server: proof.FuzzServer, _: proof.RawServer, delay: int, __: int
) -> None:
    fuzz_server.answer = Answer(body=INSTANCE, headers=JSON)
    core = proof.proof_core(fuzz_server.url)
    try:
        task = asyncio.ensure_future(orchestration_v2_get_instance(core, "i"))
        await ticks(delay % 40)  # from before the request is written to after the answer
        await cancelled(task)
    finally:
        await core.aclose()


async def mid_body(_: proof.FuzzServer, raw: proof.RawServer, delay: int, __: int) -> None:
    sent = asyncio.Event()

    async def half_a_body(writer: asyncio.StreamWriter, server: proof.RawServer, __: bytes) -> bool:
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
        writer.write(b"Content-Length: 500\r\n\r\n" + INSTANCE[:100])
        await writer.drain()
        sent.set()
        await server.release.wait()
        return False

    raw.fault = half_a_body
    raw.release.clear()
    core = SDKCore(server_url=raw.url, retries=RetryConfig.none(), timeout=30)
    try:
        task = asyncio.ensure_future(orchestration_v2_get_instance(core, "i"))
        await sent.wait()
        await ticks(delay)
        assert await cancelled(task)
    finally:
        await core.aclose()
        raw.release.set()


async def retry_wait(
    fuzz_server: proof.FuzzServer, _: proof.RawServer, delay: int, __: int
) -> None:
    fuzz_server.answer = Answer(status=503, body=b"busy")
    fuzz_server.arrived.clear()
    core = proof.proof_core(
        fuzz_server.url,
        retries=RetryConfig(initial_backoff=60, jitter=lambda wait: wait),
    )
    try:
        task = asyncio.ensure_future(orchestration_v2_get_instance(core, "i"))
        await fuzz_server.arrived.wait()
        await ticks(delay)
        assert await cancelled(task)  # the wait is 60 s: it is always under way
    finally:
        await core.aclose()


async def token_fetch(
    fuzz_server: proof.FuzzServer, _: proof.RawServer, delay: int, crowd: int
) -> None:
    fuzz_server.answer = Answer(body=INSTANCE, headers=JSON)
    fuzz_server.token_gate = gate = asyncio.Event()
    fuzz_server.token_arrived.clear()
    core = proof.proof_core(fuzz_server.url)
    try:
        waiters = [
            asyncio.ensure_future(orchestration_v2_get_instance(core, f"i-{n}"))
            for n in range(2 + crowd)
        ]
        await fuzz_server.token_arrived.wait()
        await ticks(delay)
        chosen = waiters[: 1 + delay % len(waiters)]
        for task in chosen:
            assert await cancelled(task)
        gate.set()
        for task in waiters[len(chosen) :]:
            result = await task
            FIGURES.calls += 1
            assert isinstance(result, Ok), result
        # The fetch was shared, and survives any of its waiters.
        after = await orchestration_v2_get_instance(core, "again")
        FIGURES.calls += 1
        assert isinstance(after, Ok), after
    finally:
        fuzz_server.token_gate = None
        gate.set()
        await core.aclose()


SCENARIOS = {
    scenario.__name__: scenario for scenario in (before_sending, mid_body, retry_wait, token_fetch)
}


@settings(SETTINGS, max_examples=proof.CANCEL_EXAMPLES)
@given(
    scenario=st.sampled_from(sorted(SCENARIOS)),
    delay=st.integers(0, 400),
    crowd=st.integers(0, 10),
)
async def test_cancellation_leaves_nothing_behind(
    fuzz_server, raw_server, secret_watch, scenario, delay, crowd
) -> None:
    tasks_before = set(asyncio.all_tasks())
    fds_before = proof.open_fds()

    await SCENARIOS[scenario](fuzz_server, raw_server, delay, crowd)

    FIGURES.examples[f"cancellation:{scenario}"] += 1
    secret_watch.check((proof.CLIENT_SECRET, *fuzz_server.tokens()))
    await proof.check_nothing_left(tasks_before=tasks_before, fds_before=fds_before)
