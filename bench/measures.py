"""What is measured, and how: each function returns one sample of one contender.

In-process measures (latency, throughput, list call, decode) run one
contender at a time; ``alternate`` repeats them, rotating the order of the
contenders on every repetition so that drift on the machine (other
processes, frequency, the server's own warm-up) is spread over all of them.
Import cost and peak RSS are whole processes, run as fresh subprocesses.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from bench.contenders import Contender

#: Every sample of every contender, by contender key.
Samples = dict[str, list[float]]


def summary(values: Sequence[float]) -> dict[str, Any]:
    """Median, min and max of ``values``, and the values themselves."""
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "samples": list(values),
    }


async def alternate(
    contenders: Sequence[Contender],
    measure: Callable[[Contender], Awaitable[float]],
    repetitions: int,
) -> Samples:
    """Run ``measure`` ``repetitions`` times for every contender, rotating their order."""
    samples: Samples = {contender.key: [] for contender in contenders}
    for rep in range(repetitions):
        shift = rep % len(contenders)
        for contender in [*contenders[shift:], *contenders[:shift]]:
            contender.activate()
            gc.collect()
            samples[contender.key].append(await measure(contender))
    return samples


async def sequential(contender: Contender, ids: Sequence[str], calls: int) -> float:
    """Microseconds per ``get_instance`` call, ``calls`` calls one after another."""
    get = contender.get_instance
    count = len(ids)
    started = time.perf_counter()
    for n in range(calls):
        await get(ids[n % count])
    return (time.perf_counter() - started) / calls * 1e6


async def concurrent(contender: Contender, ids: Sequence[str], calls: int, in_flight: int) -> float:
    """Calls per second: ``calls`` ``get_instance`` calls with ``in_flight`` at any time."""
    get = contender.get_instance
    count = len(ids)
    next_call = 0

    async def worker() -> None:
        nonlocal next_call
        while next_call < calls:
            n = next_call
            next_call += 1
            await get(ids[n % count])

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(in_flight)))
    return calls / (time.perf_counter() - started)


async def list_call(contender: Contender, calls: int) -> float:
    """Milliseconds per full ``list_instances`` call (page of 1000), mean of ``calls``."""
    started = time.perf_counter()
    for _ in range(calls):
        await contender.list_instances()
    return (time.perf_counter() - started) / calls * 1e3


async def list_decode(contender: Contender, body: bytes, times: int) -> float:
    """Milliseconds to decode the page's bytes alone, mean of ``times``."""
    decode = contender.decode_list
    started = time.perf_counter()
    for _ in range(times):
        decode(body)
    return (time.perf_counter() - started) / times * 1e3


# --- whole processes -------------------------------------------------------------------------

_ORCH_IMPORT = (
    "from formance_orch import SDKCore, Security; "
    "from formance_orch.funcs.orchestration_v2_get_instance import orchestration_v2_get_instance"
)

#: What each contender's user imports to make one call; ``bare`` is the interpreter alone.
IMPORTS = {
    "bare": "pass",
    "raw": "import aiohttp",
    "orch": _ORCH_IMPORT,
    "orch_stdlib_json": "import sys; sys.modules['orjson'] = None; " + _ORCH_IMPORT,
    "peer": (
        "from formance_sdk_python import SDK; "
        "from formance_sdk_python.models import operations, shared; "
        "import formance_sdk_python.orchestration_v2"
    ),
}


#: Bytecode is cached, as for an installed wheel (an editable install only caches when allowed).
_IMPORT_ENV = {
    name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"
}


def import_cost(code: str) -> tuple[float, int]:
    """Wall seconds of ``python -c code`` as a whole process, and its ``len(sys.modules)``."""
    argv = [sys.executable, "-c", code + "; import sys; print(len(sys.modules))"]
    started = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, check=True, env=_IMPORT_ENV)
    return time.perf_counter() - started, int(done.stdout.strip())


def import_costs(keys: Sequence[str], repetitions: int) -> tuple[Samples, dict[str, int]]:
    """``import_cost`` of each key of ``IMPORTS``, alternated; modules counted once."""
    modules = {key: import_cost(IMPORTS[key])[1] for key in keys}  # also writes the .pyc files
    samples: Samples = {key: [] for key in keys}
    for rep in range(repetitions):
        shift = rep % len(keys)
        for key in [*keys[shift:], *keys[:shift]]:
            samples[key].append(import_cost(IMPORTS[key])[0])
    return samples, modules


def peak_rss(key: str, url: str, ids: Sequence[str], calls: int) -> dict[str, float]:
    """Peak RSS (MiB) of a fresh process making ``calls`` sequential ``get_instance`` calls.

    The process imports only the contender's own client (``ids`` come on stdin).
    """
    argv = [sys.executable, "-m", "bench", "rss", key, url, str(calls)]
    done = subprocess.run(argv, input=json.dumps(list(ids)), capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"the RSS run of {key} failed:\n{done.stderr}")
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def rss_child(key: str, url: str, calls: int) -> None:
    """The body of ``peak_rss``'s subprocess: print its peak RSS and duration as JSON."""
    import resource

    from bench.contenders import open_in_child

    async def run() -> float:
        contender, ids = await open_in_child(key, url)
        try:
            return await sequential(contender, ids, calls)
        finally:
            await contender.close()

    per_call = asyncio.run(run())
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(
        json.dumps(
            {
                "peak_mib": _vm_hwm_mib() or maxrss,
                "ru_maxrss_mib": maxrss,
                "seconds": per_call * calls / 1e6,
            }
        )
    )


def _vm_hwm_mib() -> float | None:
    """This process's own peak RSS (``VmHWM``), None where /proc has no such line.

    Preferred to ``ru_maxrss``, which Linux carries over ``exec`` from the
    address space it replaces: a child spawned by a large parent reports at
    least the parent's size.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def server_cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) the process ``pid`` has used so far; 0 if unknown."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
