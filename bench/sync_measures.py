"""What synchronous use costs: ``SyncSDK`` against the async ``SDK``, in the same run.

``make bench`` calls ``measure()`` while its server runs and prints ``table()``:

* sequential ``get_instance``: µs per call through ``SyncSDK`` and through
  ``await SDK(...)``; target: SyncSDK at most 1.4x, and the µs it adds;
  also the CPU time this process spends per call (all its threads), which
  a busy machine distorts much less than wall time;
* the hand-off alone: ``SyncCore.call`` of a coroutine that returns at once;
* 8 threads sharing one ``SyncSDK`` against the async SDK with 8 calls in
  flight: calls/s; target: SyncSDK at least 0.6x.

Each repetition measures both, in alternating order; ratios are the median
of the per-repetition ratios (the two ran moments apart).

``python -m bench.sync_measures`` runs this alone, with its own server, plus
the designs compared before choosing the portal (``--designs``): a portal on
``asyncio.run_coroutine_threadsafe``, and an event loop (with its own core)
per calling thread.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import gc
import itertools
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

CLIENT_ID = "bench-sync-client"
CLIENT_SECRET = "bench-sync-secret"
THREADS = 8
SEQUENTIAL_TARGET = 1.4
THREADS_TARGET = 0.6


def _security() -> Any:
    from formance_orch import Security

    return Security(client_id=CLIENT_ID, client_secret=CLIENT_SECRET)


def sequential(get: Callable[[str], Any], ids: Sequence[str], calls: int) -> float:
    """Microseconds per blocking ``get(id)``, ``calls`` calls one after another."""
    started = time.perf_counter()
    for n in range(calls):
        get(ids[n % len(ids)]).unwrap()
    return (time.perf_counter() - started) / calls * 1e6


def threaded(get: Callable[[str], Any], ids: Sequence[str], calls: int, threads: int) -> float:
    """Calls per second: ``calls`` blocking ``get(id)`` calls shared by ``threads`` threads."""
    numbers = itertools.count()  # next() is atomic under the GIL

    def work() -> None:
        for n in numbers:
            if n >= calls:
                return
            get(ids[n % len(ids)]).unwrap()

    workers = [threading.Thread(target=work) for _ in range(threads)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return calls / (time.perf_counter() - started)


async def _async_sequential(get: Callable[[str], Any], ids: Sequence[str], calls: int) -> float:
    started = time.perf_counter()
    for n in range(calls):
        (await get(ids[n % len(ids)])).unwrap()
    return (time.perf_counter() - started) / calls * 1e6


async def _async_in_flight(
    get: Callable[[str], Any], ids: Sequence[str], calls: int, in_flight: int
) -> float:
    numbers = itertools.count()

    async def work() -> None:
        for n in numbers:
            if n >= calls:
                return
            (await get(ids[n % len(ids)])).unwrap()

    started = time.perf_counter()
    await asyncio.gather(*(work() for _ in range(in_flight)))
    return calls / (time.perf_counter() - started)


class _Baseline:
    """The async ``SDK`` on an event loop of this thread, measured between the sync runs."""

    def __init__(self, url: str) -> None:
        from formance_orch import SDK

        self.loop = asyncio.new_event_loop()
        self.sdk = SDK(server_url=url, security=_security())
        self.get = self.sdk.orchestration.v2.get_instance

    def sequential(self, ids: Sequence[str], calls: int) -> float:
        return self.loop.run_until_complete(_async_sequential(self.get, ids, calls))

    def in_flight(self, ids: Sequence[str], calls: int, in_flight: int) -> float:
        return self.loop.run_until_complete(_async_in_flight(self.get, ids, calls, in_flight))

    def close(self) -> None:
        self.loop.run_until_complete(self.sdk.aclose())
        self.loop.close()


def _clients(url: str, designs: bool) -> dict[str, tuple[Callable[[str], Any], Callable[[], None]]]:
    """Each sync client as ``(get, close)``: SyncSDK, and with ``designs`` the alternatives."""
    from formance_orch import SyncSDK

    sdk = SyncSDK(server_url=url, security=_security())
    clients = {"sync": (sdk.orchestration.v2.get_instance, sdk.close)}
    if designs:
        clients["run_coroutine_threadsafe"] = _threadsafe_portal(url)
        clients["loop_per_thread"] = _loop_per_thread(url)
    return clients


def measure(
    url: str, ids: Sequence[str], settings: dict[str, int], *, designs: bool = False
) -> dict[str, Any]:
    """Samples of every client and of the async baseline, and the relations between them."""
    reps = settings["repetitions"]
    sequential_calls = settings["sequential_calls"]
    thread_calls = settings["concurrent_calls"]
    baseline = _Baseline(url)
    clients = _clients(url, designs)
    keys = ["async", *clients]
    samples: dict[str, dict[str, list[float]]] = {
        "sequential_us": {key: [] for key in keys},
        "sequential_cpu_us": {key: [] for key in keys},
        "threads_per_s": {key: [] for key in keys},
    }

    def sample(key: str, calls: int, thread_calls: int) -> tuple[float, float, float]:
        if key == "async":
            one_by_one = functools.partial(baseline.sequential, ids)
            together = functools.partial(baseline.in_flight, ids, thread_calls, THREADS)
        else:
            one_by_one = functools.partial(sequential, clients[key][0], ids)
            together = functools.partial(threaded, clients[key][0], ids, thread_calls, THREADS)
        gc.collect()
        cpu = time.process_time()  # every thread of this process: the portal's too
        latency = one_by_one(calls)
        cpu_us = (time.process_time() - cpu) / calls * 1e6
        return latency, cpu_us, together()

    try:
        for key in keys:  # warm-up: tokens, connection pools, code paths
            sample(key, 200, 640)
        for rep in range(reps):
            for key in keys[rep % len(keys) :] + keys[: rep % len(keys)]:
                found = sample(key, sequential_calls, thread_calls)
                for measure, value in zip(samples, found, strict=True):
                    samples[measure][key].append(value)
        samples["hand_off_us"] = {"sync": [hand_off(url, sequential_calls) for _ in range(reps)]}
    finally:
        baseline.close()
        for _, close in clients.values():
            close()
    return {"samples": samples, "relations": relations(samples), "threads": THREADS}


def hand_off(url: str, calls: int) -> float:
    """Microseconds per ``SyncCore.call`` of a coroutine that returns at once: the portal alone."""
    from formance_orch import SyncCore
    from formance_orch.result import Ok

    async def nothing(core: Any) -> Ok[None]:
        return Ok(None)

    with SyncCore(server_url=url) as core:
        core.call(nothing)  # starts the thread
        started = time.perf_counter()
        for _ in range(calls):
            core.call(nothing)
        return (time.perf_counter() - started) / calls * 1e6


def _paired(
    mine: Sequence[float], base: Sequence[float], how: Callable[[float, float], float]
) -> dict[str, float]:
    values = [how(a, b) for a, b in zip(mine, base, strict=True)]
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def relations(samples: dict[str, dict[str, list[float]]]) -> dict[str, dict[str, Any]]:
    """Per client: latency ratio and added µs, throughput ratio (median, min, max of pairs)."""
    seq, cpu = samples["sequential_us"], samples["sequential_cpu_us"]
    thr = samples["threads_per_s"]
    found: dict[str, dict[str, Any]] = {}
    for key in seq:
        if key == "async":
            continue
        found[key] = {
            "sequential_ratio": _paired(seq[key], seq["async"], lambda a, b: a / b),
            "added_us": _paired(seq[key], seq["async"], lambda a, b: a - b),
            "added_cpu_us": _paired(cpu[key], cpu["async"], lambda a, b: a - b),
            "threads_ratio": _paired(thr[key], thr["async"], lambda a, b: a / b),
        }
    found["sync"]["met"] = {
        "sequential": found["sync"]["sequential_ratio"]["median"] <= SEQUENTIAL_TARGET,
        "threads": found["sync"]["threads_ratio"]["median"] >= THREADS_TARGET,
    }
    return found


def _cell(values: Sequence[float]) -> str:
    return f"{statistics.median(values):,.0f} ({min(values):,.0f}..{max(values):,.0f})"


def _spread(relation: dict[str, float], suffix: str, digits: int = 2) -> str:
    return (
        f"{relation['median']:.{digits}f}{suffix} "
        f"({relation['min']:.{digits}f}..{relation['max']:.{digits}f})"
    )


def table(found: dict[str, Any]) -> str:
    """One Markdown table: async SDK, each sync client, their relation and the targets."""
    samples, rel = found["samples"], found["relations"]
    lines = [
        "| measure | client | median (min..max) | against async SDK | target |",
        "|---|---|---|---|---|",
    ]
    for key, values in samples["sequential_us"].items():
        if key == "async":
            lines.append(
                f"| get_instance sequential, us/call | async SDK | {_cell(values)} | - | - |"
            )
            continue
        ratio = _spread(rel[key]["sequential_ratio"], "x")
        added = _spread(rel[key]["added_us"], " us", 0)
        target = _verdict(rel, key, "sequential", f"<= {SEQUENTIAL_TARGET}x")
        lines.append(f"| | {_title(key)} | {_cell(values)} | {ratio}, +{added} | {target} |")
    for key, values in samples["sequential_cpu_us"].items():
        if key == "async":
            title = "CPU of this process per sequential call, us"
            lines.append(f"| {title} | async SDK | {_cell(values)} | - | - |")
            continue
        added = _spread(rel[key]["added_cpu_us"], " us", 0)
        lines.append(f"| | {_title(key)} | {_cell(values)} | +{added} | - |")
    title = "hand-off alone: SyncCore.call of a coroutine that returns at once, us"
    hand_off_cell = _cell(samples["hand_off_us"]["sync"])
    lines.append(f"| {title} | SyncSDK (portal) | {hand_off_cell} | - | - |")
    for key, values in samples["threads_per_s"].items():
        if key == "async":
            title = f"get_instance, {THREADS} threads (async: {THREADS} in flight), calls/s ^"
            lines.append(f"| {title} | async SDK | {_cell(values)} | - | - |")
            continue
        ratio = _spread(rel[key]["threads_ratio"], "x")
        target = _verdict(rel, key, "threads", f">= {THREADS_TARGET}x")
        lines.append(f"| | {_title(key)} | {_cell(values)} | {ratio} | {target} |")
    return "\n".join(lines)


def _title(key: str) -> str:
    return {
        "sync": "SyncSDK (portal)",
        "run_coroutine_threadsafe": "portal on run_coroutine_threadsafe",
        "loop_per_thread": "loop + core per thread",
    }[key]


def _verdict(rel: dict[str, Any], key: str, which: str, target: str) -> str:
    if key != "sync":
        return "-"
    return f"{target} {'ok' if rel['sync']['met'][which] else 'MISS'}"


# --- the designs not chosen, for the record -----------------------------------------------------


def _threadsafe_portal(url: str) -> tuple[Callable[[str], Any], Callable[[], None]]:
    """A loop in a thread, each call through ``run_coroutine_threadsafe(...).result()``."""
    from formance_orch import SDKCore
    from formance_orch.funcs.orchestration_v2_get_instance import orchestration_v2_get_instance

    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    core = SDKCore(server_url=url, security=_security())

    def get(instance_id: str) -> Any:
        coroutine = orchestration_v2_get_instance(core, instance_id)
        return asyncio.run_coroutine_threadsafe(coroutine, loop).result()

    def close() -> None:
        asyncio.run_coroutine_threadsafe(core.aclose(), loop).result()
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.close()

    return get, close


def _loop_per_thread(url: str) -> tuple[Callable[[str], Any], Callable[[], None]]:
    """Each calling thread runs calls on a loop of its own, with a core (session, token) of its own.

    The alternative the issue suggests, measured for its speed only: it keeps a
    token cache and a connection pool per thread, and each thread's loop sits
    idle (nothing reads a connection the server closes) between its calls.
    """
    from formance_orch import SDKCore
    from formance_orch.funcs.orchestration_v2_get_instance import orchestration_v2_get_instance

    local = threading.local()
    made: list[tuple[asyncio.AbstractEventLoop, Any]] = []
    lock = threading.Lock()

    def get(instance_id: str) -> Any:
        mine = getattr(local, "mine", None)
        if mine is None:
            mine = local.mine = (
                asyncio.new_event_loop(),
                SDKCore(server_url=url, security=_security()),
            )
            with lock:
                made.append(mine)
        loop, core = mine
        return loop.run_until_complete(orchestration_v2_get_instance(core, instance_id))

    def close() -> None:
        for loop, core in made:
            loop.run_until_complete(core.aclose())
            loop.close()

    return get, close


def main(argv: list[str]) -> int:
    """Start a bench server, measure, print the table."""
    import json

    from bench import INSTANCES_PATH

    parser = argparse.ArgumentParser(prog="python -m bench.sync_measures", description=__doc__)
    parser.add_argument("--designs", action="store_true", help="also the designs not chosen")
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args(argv)
    # The server stops when its stdin closes (here, or when this process dies).
    server = subprocess.Popen(
        [sys.executable, "-m", "bench.server"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdin is not None
    assert server.stdout is not None
    try:
        url = server.stdout.readline().split()[-1]
        ids = asyncio.run(_ids(url + INSTANCES_PATH))
        settings = {
            "repetitions": args.repetitions,
            "sequential_calls": args.calls,
            "concurrent_calls": args.calls,
        }
        found = measure(url, ids, settings, designs=args.designs)
    finally:
        server.stdin.close()
        server.wait()
        server.stdout.close()
    print(table(found))
    print(json.dumps(found["relations"], indent=2))
    return 0


async def _ids(url: str) -> list[str]:
    from formance_orch import SDKCore
    from formance_orch.funcs.orchestration_v2_list_instances import orchestration_v2_list_instances

    async with SDKCore(server_url=url.split("/api/")[0], security=_security()) as core:
        page = (await orchestration_v2_list_instances(core, page_size=1000)).unwrap()
    return [instance.id for instance in page.data]


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
