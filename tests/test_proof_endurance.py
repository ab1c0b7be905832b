"""Endurance: thousands of mixed calls on one core, with bounded memory and file descriptors.

Answers cycle through success, 404, 500 (retried, in virtual time) and a
dropped connection, twenty calls in flight at a time, DEBUG logging on.
Memory retained (tracemalloc) and open file descriptors must not grow with
the number of calls, no ``ResourceWarning`` may be raised (the suite turns
them into errors), and no secret may reach the log.
"""

from __future__ import annotations

import asyncio
import gc
import tracemalloc

import pytest

from formance_orch import Err, Ok, RetryConfig
from formance_orch.funcs.orchestration_v2_get_instance import orchestration_v2_get_instance
from tests import proof
from tests.proof import FIGURES, Answer
from tests.support import FakeClock, instance_json

pytestmark = pytest.mark.proof

JSON = (("Content-Type", "application/json"),)
ANSWERS = [Answer(body=proof.json_bytes({"data": instance_json()}), headers=JSON)] * 7 + [
    Answer(status=404, body=b'{"errorCode":"NOT_FOUND","errorMessage":"no such"}', headers=JSON),
    Answer(status=500, body=b"oops", headers=(("Content-Type", "text/plain"),)),
    Answer(drop=True),
]
IN_FLIGHT = 20


class VirtualClock(FakeClock):
    """Virtual time that keeps no record of its sleeps (a long run would fill that list)."""

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        await asyncio.sleep(0)


#: Retained memory allowed to grow between the end of the warm-up and the end of the run:
#: some slack for caches filling up, and 16 bytes per call (a leak costs far more).
GROWTH_SLACK = 256 * 1024
GROWTH_PER_CALL = 16


async def test_many_mixed_calls_retain_nothing(fuzz_server, secret_watch) -> None:
    fds_at_start = proof.open_fds()
    core = proof.proof_core(
        fuzz_server.url, retries=RetryConfig(jitter=lambda wait: wait), clock=VirtualClock()
    )
    outcomes = {"ok": 0, "err": 0}
    total = proof.ENDURANCE_CALLS
    warm_up = total // 10

    async def one(index: int) -> None:
        result = await proof.call_counted(orchestration_v2_get_instance(core, f"i-{index}"), 60)
        proof.outcome(result, secrets=(proof.CLIENT_SECRET, *fuzz_server.tokens()))
        outcomes["ok" if isinstance(result, Ok) else "err"] += 1
        assert isinstance(result, Ok | Err)

    async def run(start: int, stop: int) -> None:
        for batch in proof.chunks(list(range(start, stop)), IN_FLIGHT):
            await asyncio.gather(*(one(index) for index in batch))
            secret_watch.check((proof.CLIENT_SECRET, *fuzz_server.tokens()))

    # The server answers by the call's index, read from the instance id in the path.
    fuzz_server.answer_for = lambda path: ANSWERS[int(path.rsplit("-", 1)[1]) % len(ANSWERS)]
    tracemalloc.start()
    try:
        await run(0, warm_up)
        gc.collect()
        retained_after_warm_up = tracemalloc.get_traced_memory()[0]
        fds_after_warm_up = proof.open_fds()
        await run(warm_up, total)
        gc.collect()
        retained_at_end = tracemalloc.get_traced_memory()[0]
        fds_at_end = proof.open_fds()
    finally:
        tracemalloc.stop()
        await core.aclose()

    growth = FIGURES.retained = retained_at_end - retained_after_warm_up
    growth_limit = GROWTH_SLACK + GROWTH_PER_CALL * (total - warm_up)
    FIGURES.examples["endurance:orchestration_v2_get_instance"] += total
    assert outcomes["ok"]
    assert outcomes["err"]
    if growth > growth_limit or fds_at_end > fds_after_warm_up + IN_FLIGHT:
        FIGURES.leaks += 1
    assert growth < growth_limit, growth
    # Pooled connections come and go; a leak would add one per failed call.
    assert fds_at_end <= fds_after_warm_up + IN_FLIGHT, (fds_at_end, fds_after_warm_up)
    await proof.check_nothing_left(tasks_before=set(), fds_before=fds_at_start)
    gc.collect()
