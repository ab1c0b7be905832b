"""Instructions per call, counted by callgrind: ``python -m bench.instructions``.

Wall time on a shared machine moves by 10 to 20 % from run to run; the number
of instructions the client executes per call does not. For each contender
(raw aiohttp, formance_orch with stdlib json) and each scenario, a child
process runs under ``valgrind --tool=callgrind`` twice, with ``n`` and ``2n``
calls after the same warm-up; the difference of the two totals divided by
``n`` is the cost of one call, start-up and warm-up cancelled out. The bench
server runs outside valgrind, in its own process.

Scenarios: ``get`` (sequential ``get_instance``), ``get64`` (64 in flight),
``list`` (a full ``list_instances`` call of a 1000-instance page) and
``decode`` (the list operation's decoding of that page's bytes alone; raw is
``json.loads``). An instruction is not a nanosecond (cache misses, branch
mispredictions), but a change that removes instructions removes time.

Needs ``valgrind``; about a minute per scenario.
``python -m bench.instructions child KEY SCENARIO URL CALLS`` is the child.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
from typing import Any

SCENARIOS = {"get": 2000, "get64": 2000, "list": 10, "decode": 10}
KEYS = ("raw", "orch_stdlib_json")
_WARM_UP = {"get": 300, "get64": 640, "list": 3, "decode": 3}


def _child(key: str, scenario: str, url: str, calls: int) -> None:
    from bench import measures
    from bench.contenders import fetch_page, open_in_child

    async def run() -> None:
        contender, ids = await open_in_child(key, url)
        body = await fetch_page(url)

        async def block(count: int) -> None:
            if scenario == "get":
                await measures.sequential(contender, ids, count)
            elif scenario == "get64":
                await measures.concurrent(contender, ids, count, 64)
            elif scenario == "list":
                await measures.list_call(contender, count)
            else:
                await measures.list_decode(contender, body, count)

        try:
            await block(_WARM_UP[scenario])
            await block(calls)
        finally:
            await contender.close()

    asyncio.run(run())


def _total(path: str) -> int:
    with open(path) as out:
        for line in out:
            if line.startswith(("summary:", "totals:")):
                return int(line.split()[1])
    raise RuntimeError(f"no totals in {path}")


def count(key: str, scenario: str, url: str, ids: list[str], calls: int) -> int:
    """Instructions of one child process making ``calls`` calls (after the warm-up)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "callgrind.out")
        argv = [
            "valgrind",
            "--tool=callgrind",
            f"--callgrind-out-file={out}",
            "--dump-line=no",
            sys.executable,
            "-m",
            "bench.instructions",
            "child",
            key,
            scenario,
            url,
            str(calls),
        ]
        done = subprocess.run(argv, input=json.dumps(ids), capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"{key} {scenario} failed:\n{done.stderr[-3000:]}")
        return _total(out)


def per_call(key: str, scenario: str, url: str, ids: list[str], calls: int) -> float:
    """Instructions per call: the difference between ``2 * calls`` and ``calls`` calls."""
    once = count(key, scenario, url, ids, calls)
    twice = count(key, scenario, url, ids, 2 * calls)
    return (twice - once) / calls


def main(argv: list[str]) -> int:
    """Count every scenario for both contenders; print a table and the JSON."""
    if argv[:1] == ["child"]:
        _child(argv[1], argv[2], argv[3], int(argv[4]))
        return 0
    from bench import INSTANCES_PATH
    from bench.__main__ import _start_server, _stop_server
    from bench.sync_measures import _ids

    parser = argparse.ArgumentParser(prog="python -m bench.instructions", description=__doc__)
    parser.add_argument("scenarios", nargs="*", help=f"some of {', '.join(SCENARIOS)} (all)")
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies the call counts")
    args = parser.parse_args(argv)
    unknown = set(args.scenarios) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenarios: {', '.join(sorted(unknown))}")
    if shutil.which("valgrind") is None:
        print("valgrind is not installed", file=sys.stderr)
        return 1
    server, url = _start_server(pinned=False)
    found: dict[str, dict[str, Any]] = {}
    try:
        ids = asyncio.run(_ids(url + INSTANCES_PATH))
        for scenario in args.scenarios or SCENARIOS:
            calls = max(1, round(SCENARIOS[scenario] * args.scale))
            row = {key: per_call(key, scenario, url, ids, calls) for key in KEYS}
            row["ratio"] = row["orch_stdlib_json"] / row["raw"]
            found[scenario] = row
            print(
                f"{scenario:7} raw {row['raw']:>13,.0f}  formance_orch (stdlib json) "
                f"{row['orch_stdlib_json']:>13,.0f}  {row['ratio']:.3f}x",
                flush=True,
            )
    finally:
        _stop_server(server)
    print(json.dumps(found, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
