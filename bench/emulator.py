"""The emulator's three numbers, measured, not asserted: ``python -m bench.emulator``.

Also part of ``make bench`` (``measure`` and ``table``), after the SDK's measures.

1. ``get_instance`` calls per second from the SDK, the emulator in its own
   process (``python -m formance_orch.emulator``), 16 calls in flight.
2. A three-stage workflow (delay on the manual clock, wait_event, send): wall
   time from sending its event to the instance's end, in process.
3. 10,000 instances held: one page of 100, server side and through the SDK.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import subprocess
import sys
import time
from typing import Any

from formance_orch import SDKCore
from formance_orch.emulator import Emulator, ManualClock
from formance_orch.funcs.orchestration_v2_create_workflow import orchestration_v2_create_workflow
from formance_orch.funcs.orchestration_v2_get_instance import orchestration_v2_get_instance
from formance_orch.funcs.orchestration_v2_list_instances import orchestration_v2_list_instances
from formance_orch.funcs.orchestration_v2_run_workflow import orchestration_v2_run_workflow
from formance_orch.funcs.orchestration_v2_send_event import orchestration_v2_send_event
from formance_orch.stages import Account, Delay, Monetary, Send, WaitEvent

#: The targets the emulator was built to: calls/s at least, then milliseconds at most.
TARGETS = {"get_instance_per_s": 2000.0, "event_to_end_ms": 20.0, "page_of_100_ms": 10.0}


async def get_instance_rate(seconds: float, in_flight: int, pinned: bool = False) -> float:
    """``get_instance`` calls per second, ``in_flight`` at once, the emulator in its own process.

    ``pinned``: run the emulator on core 1 (``taskset``), as ``make bench`` runs its server.
    """
    argv = [sys.executable, "-m", "formance_orch.emulator"]
    if pinned and shutil.which("taskset"):
        argv = ["taskset", "-c", "1", *argv]
    process = subprocess.Popen(  # noqa: ASYNC220 - started once, before measuring
        argv,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        async with SDKCore(server_url=url) as core:
            flow = (await orchestration_v2_create_workflow(core, stages=[])).unwrap().id
            instance = (await orchestration_v2_run_workflow(core, flow)).unwrap().id
            for _ in range(200):  # warm up the connections
                (await orchestration_v2_get_instance(core, instance)).unwrap()
            count = 0
            deadline = time.perf_counter() + seconds

            async def worker() -> None:
                nonlocal count
                while time.perf_counter() < deadline:
                    (await orchestration_v2_get_instance(core, instance)).unwrap()
                    count += 1

            started = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(in_flight)))
            return count / (time.perf_counter() - started)
    finally:
        process.terminate()
        process.wait(10)


async def three_stage_latency(runs: int) -> list[float]:
    """Seconds from sending a three-stage instance's event to its end, ``runs`` times."""
    clock = ManualClock()
    async with Emulator(clock=clock) as emu:
        emu.seed_account("users:a", asset="USD/2", amount=10**9)
        core = emu.core()
        flow = (
            (
                await orchestration_v2_create_workflow(
                    core,
                    stages=[
                        Delay(duration="1h"),
                        WaitEvent("go"),
                        Send(
                            amount=Monetary("USD/2", 1),
                            source=Account("users:a"),
                            destination=Account("users:b"),
                        ),
                    ],
                )
            )
            .unwrap()
            .id
        )
        samples = []
        for _ in range(runs):
            instance_id = (await orchestration_v2_run_workflow(core, flow)).unwrap().id
            await clock.advance(3600)
            instance = next(i for i in emu.instances if i.id == instance_id)
            started = time.perf_counter()
            (await orchestration_v2_send_event(core, instance_id, name="go")).unwrap()
            await instance.ended.wait()
            samples.append(time.perf_counter() - started)
            assert instance.error is None
        return samples


async def page_of_100(instances: int, runs: int) -> tuple[list[float], list[float]]:
    """Seconds to list 100 of ``instances``: server side alone, and through the SDK over HTTP."""
    async with Emulator() as emu:
        core = emu.core()
        flow_id = (await orchestration_v2_create_workflow(core, stages=[])).unwrap().id
        flow = emu.store.workflows[flow_id]
        for _ in range(instances):
            emu.runner.start(flow, {})
        await emu.settle()
        server_side, through_sdk = [], []
        query = {"pageSize": "100"}
        for _ in range(runs):
            started = time.perf_counter()
            answer = emu.service.list_instances(query)
            server_side.append(time.perf_counter() - started)
            assert len(answer.body["cursor"]["data"]) == 100
            started = time.perf_counter()
            page = (await orchestration_v2_list_instances(core, page_size=100)).unwrap()
            through_sdk.append(time.perf_counter() - started)
            assert len(page.data) == 100
        return server_side, through_sdk


def _stats_ms(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "median": statistics.median(ordered) * 1000,
        "p95": ordered[max(0, int(len(ordered) * 0.95) - 1)] * 1000,
    }


async def measure(quick: bool, pinned: bool = False) -> dict[str, Any]:
    """The three measures, as a JSON-ready mapping (milliseconds for times)."""
    rate = await get_instance_rate(2.0 if quick else 5.0, 16, pinned)
    latency = await three_stage_latency(20 if quick else 100)
    server_side, through_sdk = await page_of_100(10_000, 10 if quick else 50)
    return {
        "get_instance_per_s": rate,
        "event_to_end_ms": _stats_ms(latency),
        "page_of_100_server_ms": _stats_ms(server_side),
        "page_of_100_sdk_ms": _stats_ms(through_sdk),
        "targets": TARGETS,
    }


def table(found: dict[str, Any]) -> str:
    """The emulator's figures, one line each, with the target they were built to."""

    def ms(key: str) -> str:
        return f"median {found[key]['median']:.2f} ms, p95 {found[key]['p95']:.2f} ms"

    return "\n".join(
        [
            "Emulator (python -m formance_orch.emulator; formance_orch.emulator.Emulator):",
            f"1. get_instance from the SDK, 16 in flight: {found['get_instance_per_s']:,.0f} "
            f"calls/s (target >= {TARGETS['get_instance_per_s']:,.0f})",
            f"2. three-stage workflow, event sent -> instance ended: {ms('event_to_end_ms')} "
            f"(target < {TARGETS['event_to_end_ms']:.0f} ms)",
            f"3. 10,000 instances, a page of 100: server side {ms('page_of_100_server_ms')}; "
            f"through the SDK over HTTP {ms('page_of_100_sdk_ms')} "
            f"(target < {TARGETS['page_of_100_ms']:.0f} ms)",
        ]
    )


async def main(quick: bool) -> None:
    """Measure and print."""
    print(table(await measure(quick)))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="shorter runs")
    asyncio.run(main(parser.parse_args().quick))
