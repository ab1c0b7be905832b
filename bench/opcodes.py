"""Python opcodes per ``get_instance`` call, by file and function: ``python -m bench.opcodes``.

Deterministic, like ``bench.instructions``, and it says *where* the work is:
``sys.settrace`` with opcode events counts every bytecode each contender
executes for ``--calls`` calls (after a warm-up), against the bench server
in its own process. C work (JSON parsing, ``datetime.fromisoformat``, the
event loop's selector) is not counted, so this complements the instruction
counts rather than replacing them. Tracing makes the calls slow; the counts
do not depend on speed.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import re
import sys
import types
from typing import Any

Counts = collections.Counter[tuple[str, str]]


def _where(code: types.CodeType) -> tuple[str, str]:
    path = re.sub(r"^.*/(site-packages|lib/python3\.\d+)/", "", code.co_filename)
    if "formance_orch/" in path:
        path = "formance_orch/" + path.split("formance_orch/", 1)[1]
    return path, code.co_name


async def _count(key: str, url: str, ids: list[str], calls: int) -> Counts:
    from bench.contenders import by_key

    counts: Counts = collections.Counter()

    def tracer(frame: types.FrameType, event: str, arg: Any) -> Any:
        frame.f_trace_opcodes = True
        if event == "opcode":
            counts[_where(frame.f_code)] += 1
        return tracer

    contender = by_key(key)
    await contender.open(url, ids[0])
    contender.activate()
    try:
        for n in range(50):
            await contender.get_instance(ids[n % len(ids)])
        sys.settrace(tracer)
        try:
            for n in range(calls):
                await contender.get_instance(ids[(100 + n) % len(ids)])
        finally:
            sys.settrace(None)
    finally:
        await contender.close()
    return counts


def main(argv: list[str]) -> int:
    """Count for raw aiohttp and formance_orch (stdlib json); print totals and the top lines."""
    from bench import INSTANCES_PATH
    from bench.__main__ import _start_server, _stop_server
    from bench.sync_measures import _ids

    parser = argparse.ArgumentParser(prog="python -m bench.opcodes", description=__doc__)
    parser.add_argument("--calls", type=int, default=20)
    parser.add_argument("--top", type=int, default=12, help="lines per listing")
    args = parser.parse_args(argv)
    server, url = _start_server(pinned=False)
    try:
        ids = asyncio.run(_ids(url + INSTANCES_PATH))
        for key in ("raw", "orch_stdlib_json"):
            counts = asyncio.run(_count(key, url, ids, args.calls))
            by_file: collections.Counter[str] = collections.Counter()
            for (path, _), count in counts.items():
                by_file[path] += count
            print(f"{key}: {sum(counts.values()) / args.calls:,.0f} opcodes per call")
            for path, count in by_file.most_common(args.top):
                print(f"  {count / args.calls:7,.0f}  {path}")
            own = [(where, n) for where, n in counts.items() if "formance_orch" in where[0]]
            for (path, name), count in sorted(own, key=lambda item: -item[1])[: args.top]:
                print(f"  {count / args.calls:7,.0f}  {path}:{name}")
    finally:
        _stop_server(server)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
