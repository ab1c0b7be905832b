"""What typed decoding costs, against the two missed targets: ``python -m bench.floor``.

**Pages.**
The list target (a full call within 1.6x of raw aiohttp) is judged against
``json.loads``, which builds dicts and leaves timestamps as strings. The
SDK builds typed models and checks every field as it goes. This measures, on
the bench's own page and in one process, three decoders against
``json.loads``:

* ``formance_orch``: ``_json.loads`` and the list operation's structure
  function, as the request path runs them (stdlib json);
* ``floor``: ``json.loads``, then the same model objects filled with no check
  at all (``object.__new__`` and slot stores), timestamps parsed with
  ``datetime.fromisoformat``: what any decoder producing these eager models
  must at least do;
* ``floor, timestamps as strings``: the same, timestamps left unparsed.

The distance from ``floor`` to ``formance_orch`` is what the checks cost;
the distance from ``json.loads`` to ``floor`` is what the models cost. The
GC is paused for every decoder, as the request path pauses it for large bodies.

**64 in flight.** Against the bench server (its own process), the client
CPU per ``get_instance`` call of raw aiohttp, of formance_orch (stdlib json),
and of formance_orch with its structure function replaced by one returning
the parsed JSON as it is: the part of the SDK's extra CPU that typed decoding
takes, the rest being the request path. Blocks alternated, medians.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from bench.server import make_instances

_new = object.__new__
_parse_time = datetime.fromisoformat


def _page_bytes() -> bytes:
    page = {"cursor": {"pageSize": 1000, "hasMore": False, "data": make_instances()}}
    return json.dumps(page, separators=(",", ":")).encode()


def _floor_decoder(body: bytes, parse_times: bool) -> Callable[[], Any]:
    from formance_orch.models.common import CursorPage
    from formance_orch.models.instances import V2StageStatus, V2WorkflowInstance

    # str() of a str is that str: a C call like fromisoformat's, so only the parsing differs.
    stamp: Callable[[str], Any] = _parse_time if parse_times else str

    def decode() -> Any:
        cursor = json.loads(body)["cursor"]
        instances = []
        for raw in cursor["data"]:
            statuses = []
            for raw_status in raw["status"]:
                status = _new(V2StageStatus)
                status.stage = raw_status["stage"]
                status.instance_id = raw_status["instanceID"]
                status.started_at = stamp(raw_status["startedAt"])
                ended = raw_status.get("terminatedAt")
                status.terminated_at = None if ended is None else stamp(ended)
                status.error = raw_status.get("error")
                status.temporal_run_id = raw_status.get("temporalRunID")
                statuses.append(status)
            instance = _new(V2WorkflowInstance)
            instance.id = raw["id"]
            instance.workflow_id = raw["workflowID"]
            instance.created_at = stamp(raw["createdAt"])
            instance.updated_at = stamp(raw["updatedAt"])
            instance.terminated = raw["terminated"]
            instance.status = statuses
            ended = raw.get("terminatedAt")
            instance.terminated_at = None if ended is None else stamp(ended)
            instance.error = raw.get("error")
            instances.append(instance)
        page = _new(CursorPage)
        page.page_size = cursor["pageSize"]
        page.has_more = cursor["hasMore"]
        page.data = instances
        page.next = cursor.get("next")
        page.previous = cursor.get("previous")
        return page

    return decode


def decoders(body: bytes) -> dict[str, Callable[[], Any]]:
    """The decoders compared, by title; ``json.loads`` first (run them with orjson off)."""
    from formance_orch import _json
    from formance_orch.funcs.orchestration_v2_list_instances import _OPERATION

    response = _OPERATION.response

    def sdk() -> Any:
        return response.decode(_json.loads(body, exact_numbers=response.exact_numbers))

    return {
        "json.loads": lambda: json.loads(body),
        "floor, timestamps as strings": _floor_decoder(body, parse_times=False),
        "floor": _floor_decoder(body, parse_times=True),
        "formance_orch (stdlib json)": sdk,
    }


def measure(repetitions: int, decodes: int) -> dict[str, list[float]]:
    """Milliseconds per decode, ``repetitions`` samples each, decoders alternated."""
    from formance_orch import _json

    found = decoders(_page_bytes())
    orjson = getattr(_json, "_orjson", None)
    _json._orjson = None  # type: ignore[attr-defined] - stdlib json, as the target says
    try:
        for decode in found.values():
            decode()  # warm up, and fail early if a decoder is broken
        samples: dict[str, list[float]] = {title: [] for title in found}
        gc.collect()
        for _ in range(repetitions):
            for title, decode in found.items():
                gc.disable()
                started = time.perf_counter()
                for _ in range(decodes):
                    decode()
                samples[title].append((time.perf_counter() - started) / decodes * 1000)
                gc.enable()
                gc.collect()
    finally:
        _json._orjson = orjson  # type: ignore[attr-defined]
    return samples


async def in_flight_cpu(url: str, repetitions: int, calls: int) -> dict[str, list[float]]:
    """Client CPU µs per call at 64 in flight against the bench server at ``url``, by run title."""
    from bench import INSTANCES_PATH, measures
    from bench.contenders import by_key
    from bench.sync_measures import _ids
    from formance_orch.funcs.orchestration_v2_get_instance import _OPERATION

    ids = await _ids(url + INSTANCES_PATH)
    raw, sdk = by_key("raw"), by_key("orch_stdlib_json")
    await raw.open(url, ids[0])
    await sdk.open(url, ids[0])
    response: Any = _OPERATION.response
    typed = response._hook  # generated on the first call, which open() made

    def untyped(data: Any, _: Any) -> Any:
        return data

    runs = {
        "raw aiohttp": (raw, typed),
        "formance_orch (stdlib json)": (sdk, typed),
        "formance_orch, decoding skipped": (sdk, untyped),
    }
    samples: dict[str, list[float]] = {title: [] for title in runs}
    try:
        for _ in range(repetitions):
            for title, (contender, hook) in runs.items():
                contender.activate()
                response._hook = hook
                gc.collect()
                started = time.process_time()
                await measures.concurrent(contender, ids, calls, 64)
                samples[title].append((time.process_time() - started) / calls * 1e6)
    finally:
        response._hook = typed
        await raw.close()
        await sdk.close()
    return samples


def in_flight(repetitions: int, calls: int) -> dict[str, list[float]]:
    """``in_flight_cpu`` against a bench server of its own."""
    import asyncio

    from bench.__main__ import _start_server, _stop_server

    server, url = _start_server(pinned=False)
    try:
        return asyncio.run(in_flight_cpu(url, repetitions, calls))
    finally:
        _stop_server(server)


def table(pages: dict[str, list[float]], cpu: dict[str, list[float]]) -> str:
    """Both measures, medians and ratios to the raw contender's (paired by repetition)."""
    return "\n".join(
        [
            "What typed decoding costs (bench/floor.py):",
            "A 1000-instance page, decoded from its bytes (ms per decode):",
            *_lines(pages, "json.loads", "ms"),
            "get_instance, 64 in flight (client CPU us per call):",
            *_lines(cpu, "raw aiohttp", "us"),
        ]
    )


def main(argv: list[str]) -> int:
    """Measure and print medians and the ratio of each to ``json.loads`` (per repetition)."""
    parser = argparse.ArgumentParser(prog="python -m bench.floor", description=__doc__)
    parser.add_argument("--repetitions", type=int, default=15)
    parser.add_argument("--decodes", type=int, default=20, help="per sample")
    parser.add_argument("--calls", type=int, default=4000, help="per 64-in-flight sample")
    args = parser.parse_args(argv)
    pages = measure(args.repetitions, args.decodes)
    print(table(pages, in_flight(max(3, args.repetitions // 2), args.calls)))
    return 0


def _lines(samples: dict[str, list[float]], base_title: str, unit: str) -> list[str]:
    base = samples[base_title]
    lines = []
    for title, values in samples.items():
        ratios = [value / floor for value, floor in zip(values, base, strict=True)]
        lines.append(
            f"  {title:32} {statistics.median(values):7.2f} {unit}  "
            f"{statistics.median(ratios):.2f}x {base_title} ({min(ratios):.2f}..{max(ratios):.2f})"
        )
    return lines


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
