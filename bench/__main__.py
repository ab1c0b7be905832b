"""``python -m bench``: run every measure in one go, print one table, write the JSON.

The server runs as its own process on loopback (on core 1 with ``taskset``
when there are two cores or more; this process pins itself to core 0) and is
stopped by its PID at the end, also on error. ``--quick`` shrinks every count
for a smoke run. ``python -m bench rss KEY URL CALLS`` is the peak-RSS child.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--repetitions", type=int, default=5, help="of each in-process measure")
    parser.add_argument("--import-repetitions", type=int, default=10)
    parser.add_argument("--quick", action="store_true", help="small counts, for a smoke run")
    parser.add_argument("--out", type=Path, default=Path("bench/results/latest.json"))
    return parser.parse_args(argv)


def _settings(args: argparse.Namespace) -> dict[str, int]:
    scale = 10 if args.quick else 1
    return {
        "repetitions": 2 if args.quick else args.repetitions,
        "import_repetitions": 3 if args.quick else args.import_repetitions,
        "sequential_calls": 2000 // scale,
        "concurrent_calls": 5000 // scale,
        "in_flight": 64,
        "list_calls_per_sample": 10,
        "decodes_per_sample": 10,
        "rss_calls": 10_000 // scale,
    }


def _pin_to(core: int) -> bool:
    if (os.cpu_count() or 1) < 2 or not hasattr(os, "sched_setaffinity"):
        return False
    os.sched_setaffinity(0, {core})
    return True


def _start_server(pinned: bool) -> tuple[subprocess.Popen[str], str]:
    argv = [sys.executable, "-m", "bench.server"]
    if pinned and shutil.which("taskset"):
        argv = ["taskset", "-c", "1", *argv]
    # stdin is a pipe that only this process holds: the server stops when it closes.
    server = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None
    line = server.stdout.readline()
    if not line.startswith("listening on "):
        _stop_server(server)
        raise RuntimeError(f"the bench server did not start (said {line!r})")
    return server, line.split()[-1]


def _stop_server(server: subprocess.Popen[str]) -> None:
    if server.poll() is None:
        os.kill(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(server.pid, signal.SIGKILL)
            server.wait()
    for pipe in (server.stdin, server.stdout):
        if pipe is not None:
            pipe.close()


async def _in_process(url: str, server_pid: int, settings: dict[str, int]) -> dict[str, Any]:
    """Latency, throughput, list call and decode, contenders alternated."""
    from bench import measures
    from bench.contenders import all_contenders, fetch_page

    reps = settings["repetitions"]
    contenders = all_contenders()
    body = await fetch_page(url)
    ids = [item["id"] for item in json.loads(body)["cursor"]["data"]]
    samples: dict[str, Any] = {}
    busy: dict[str, list[float]] = {contender.key: [] for contender in contenders}
    client_cpu: dict[str, list[float]] = {contender.key: [] for contender in contenders}
    opened = []
    try:
        for contender in contenders:
            await contender.open(url, ids[0])
            opened.append(contender)
        for contender in contenders:  # warm-up: code paths, connection pools
            contender.activate()
            await measures.sequential(contender, ids, 200)
            await measures.concurrent(contender, ids, 640, settings["in_flight"])
        samples["sequential_us"] = await measures.alternate(
            contenders,
            lambda c: measures.sequential(c, ids, settings["sequential_calls"]),
            reps,
        )

        async def concurrent(contender: Any) -> float:
            cpu = measures.server_cpu_seconds(server_pid)
            started, own = time.perf_counter(), time.process_time()
            calls = settings["concurrent_calls"]
            rate = await measures.concurrent(contender, ids, calls, settings["in_flight"])
            elapsed = time.perf_counter() - started
            client_cpu[contender.key].append((time.process_time() - own) / calls * 1e6)
            busy[contender.key].append((measures.server_cpu_seconds(server_pid) - cpu) / elapsed)
            return rate

        samples["concurrent_per_s"] = await measures.alternate(contenders, concurrent, reps)
        samples["concurrent_cpu_us"] = client_cpu
        samples["list_call_ms"] = await measures.alternate(
            contenders,
            lambda c: measures.list_call(c, settings["list_calls_per_sample"]),
            reps,
        )
        samples["list_decode_ms"] = await measures.alternate(
            contenders,
            lambda c: measures.list_decode(c, body, settings["decodes_per_sample"]),
            reps,
        )
    finally:
        for contender in opened:
            await contender.close()
    return {
        "samples": samples,
        "ids": ids,
        "page_bytes": len(body),
        "server_busy": busy,
        "titles": {contender.key: contender.title for contender in contenders},
    }


def main(argv: list[str]) -> int:
    """Run the whole benchmark; 0 when it ran (targets missed or not)."""
    if argv[:1] == ["rss"]:
        from bench.measures import rss_child

        rss_child(argv[1], argv[2], int(argv[3]))
        return 0

    import asyncio

    from bench import emulator, floor, measures, report, sync_measures

    args = _parse(argv)
    settings = _settings(args)
    began = time.perf_counter()
    load_before = os.getloadavg()[0]
    if load_before > 0.5:
        print(f"warning: load average {load_before:.2f}: other processes will add noise")
    pinned = _pin_to(0)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that `finally` stops the server
    server, url = _start_server(pinned)
    print(f"bench server pid {server.pid} at {url}; client pinned to core 0: {pinned}", flush=True)
    try:
        found = asyncio.run(_in_process(url, server.pid, settings))
        sync_found = sync_measures.measure(url, found["ids"], settings)
        print("in-process measures done; imports and peak RSS next", flush=True)
        titles: dict[str, str] = found["titles"]
        samples = found["samples"]
        import_samples, modules = measures.import_costs(
            [*titles, "bare"], settings["import_repetitions"]
        )
        samples["import_s"] = {key: import_samples[key] for key in titles}
        samples["import_modules"] = {key: [modules[key]] for key in titles}
        rss = {
            key: measures.peak_rss(key, url, found["ids"], settings["rss_calls"]) for key in titles
        }
        samples["peak_rss_mib"] = {key: [value["peak_mib"]] for key, value in rss.items()}
        print("what typed decoding costs next", flush=True)
        floor_cpu = asyncio.run(
            floor.in_flight_cpu(url, settings["repetitions"], settings["concurrent_calls"])
        )
    finally:
        _stop_server(server)
    print("SDK measures done; the emulator's next", flush=True)
    emulator_found = asyncio.run(emulator.measure(args.quick, pinned))
    floor_pages = floor.measure(3 * settings["repetitions"], settings["decodes_per_sample"])

    results = {
        measure: {key: measures.summary(values) for key, values in by_key.items()}
        for measure, by_key in samples.items()
    }
    bare = measures.summary(import_samples["bare"])
    print()
    print(report.table(results, titles))
    print()
    print(sync_measures.table(sync_found))
    print()
    print(emulator.table(emulator_found))
    print()
    print(floor.table(floor_pages, floor_cpu))
    print()
    print(
        f"import: bare `python -c pass` {bare['median']:.3f} s, {modules['bare']} modules; "
        "raw aiohttp column = `import aiohttp`"
    )
    busy = ", ".join(
        f"{titles[key]} {max(values):.0%}" for key, values in found["server_busy"].items()
    )
    print(f"bench server CPU busy (max) during 64-in-flight runs: {busy}")
    cpu = results["concurrent_cpu_us"]
    extra = ", ".join(
        f"{titles[key]} {cpu[key]['median'] - cpu['raw']['median']:+.1f} us"
        for key in titles
        if key != "raw"
    )
    print(f"client CPU per call at 64 in flight, over raw aiohttp's (medians): {extra}")
    verdicts = report.verdicts(results)
    for key, found_targets in verdicts.items():
        missed = [name for name, verdict in found_targets.items() if not verdict["met"]]
        met = len(found_targets) - len(missed)
        print(f"{titles[key]}: {met}/{len(found_targets)} targets met; missed: {missed or '-'}")
    elapsed = time.perf_counter() - began
    load_after = os.getloadavg()[0]
    print(f"{elapsed:.0f} s; load average {load_before:.2f} before, {load_after:.2f} after")
    print(f"results in {args.out}")
    report.write_json(
        args.out,
        {
            "machine": {
                **report.machine(),
                "client_pinned_core": 0 if pinned else None,
                "server_pinned_core": 1 if pinned and shutil.which("taskset") else None,
                "orjson_used_by_formance_orch": _orjson_used(),
                "load_average_1min": {"before": load_before, "after": load_after},
            },
            "settings": {**settings, "page_bytes": found["page_bytes"]},
            "titles": titles,
            "results": results,
            "import_bare": {**bare, "modules": modules["bare"]},
            "server_busy_concurrent": found["server_busy"],
            "peak_rss_runs": rss,
            "targets": verdicts,
            "sync": sync_found,
            "emulator": emulator_found,
            "typed_decoding": {
                "page_decode_ms": {k: measures.summary(v) for k, v in floor_pages.items()},
                "in_flight_cpu_us": {k: measures.summary(v) for k, v in floor_cpu.items()},
            },
            "elapsed_s": elapsed,
        },
    )
    return 0


def _orjson_used() -> bool:
    from formance_orch import _json

    return getattr(_json, "_orjson", None) is not None


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
