"""The one table ``make bench`` prints, the targets, and the JSON results file."""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

FLOOR = "raw"
#: The contenders the targets apply to.
TARGETED = ("orch", "orch_stdlib_json")


@dataclass(frozen=True)
class Row:
    """One measure: how to show it, and formance_orch's target against the floor.

    The target compares ``relation``: the ratio to the floor (for imports, the
    difference in seconds) with ``limit``, from above when ``higher_is_better``.
    """

    key: str
    label: str
    digits: int
    higher_is_better: bool = False
    difference: bool = False
    limit: float | None = None
    target: str = "-"

    def meets(self, relation: float) -> bool | None:
        """Whether ``relation`` meets the target; None when there is none."""
        if self.limit is None:
            return None
        return relation >= self.limit if self.higher_is_better else relation <= self.limit


ROWS = (
    Row("sequential_us", "get_instance sequential, us/call", 0, limit=1.10, target="<= 1.10x"),
    Row(
        "concurrent_per_s",
        "get_instance 64 in flight, calls/s",
        0,
        higher_is_better=True,
        limit=0.90,
        target=">= 0.90x",
    ),
    Row("concurrent_cpu_us", "  client CPU per call at 64 in flight, us", 1),
    Row("list_call_ms", "list_instances 1000, full call, ms", 1, limit=1.6, target="<= 1.6x"),
    Row("list_decode_ms", "list 1000 decode from bytes, ms", 1),
    Row(
        "import_s",
        "import for one call, s",
        3,
        difference=True,
        limit=0.040,
        target="<= aiohttp + 0.040 s",
    ),
    Row("import_modules", "  modules loaded", 0),
    Row("peak_rss_mib", "peak RSS, 10k get_instance, MiB", 1, limit=1.15, target="<= 1.15x"),
)


def relation(row: Row, key: str, results: Mapping[str, Any]) -> float | None:
    """``key`` against the floor: the median of the per-repetition ratios (or differences).

    Repetitions alternate the contenders, so the samples of one repetition
    were taken moments apart: pairing them cancels most of the drift of a
    shared machine. Falls back to the ratio of the medians.
    """
    measured = results.get(row.key, {})
    if key not in measured or FLOOR not in measured:
        return None
    mine, floor = measured[key]["samples"], measured[FLOOR]["samples"]
    if len(mine) != len(floor):
        mine, floor = [measured[key]["median"]], [measured[FLOOR]["median"]]
    if row.difference:
        return statistics.median(a - b for a, b in zip(mine, floor, strict=True))
    return statistics.median(a / b for a, b in zip(mine, floor, strict=True))


def _number(value: float, digits: int) -> str:
    return f"{value:,.{digits}f}"


def _cell(row: Row, key: str, results: Mapping[str, Any]) -> str:
    stats = results.get(row.key, {}).get(key)
    if stats is None:
        return "n/a"
    text = _number(stats["median"], row.digits)
    if stats["max"] != stats["min"]:
        text += f" ({_number(stats['min'], row.digits)}..{_number(stats['max'], row.digits)})"
    related = relation(row, key, results) if key != FLOOR else None
    if related is None:
        return text
    text += f" {related:+.3f} s" if row.difference else f" {related:.2f}x"
    met = row.meets(related) if key in TARGETED else None
    if met is not None:
        text += " ok" if met else " MISS"
    return text


def table(results: Mapping[str, Any], titles: Mapping[str, str]) -> str:
    """The results as one Markdown table: a row per measure, a column per contender.

    Each cell is ``median (min..max)``, then its relation to raw aiohttp (see
    ``relation``), then ``ok``/``MISS`` against the target.
    """
    header = ["measure", *titles.values(), "target (formance_orch)"]
    lines = [header]
    for row in ROWS:
        if row.key in results:
            label = row.label + (" ^" if row.higher_is_better else "")
            lines.append([label, *(_cell(row, key, results) for key in titles), row.target])
    widths = [max(len(line[col]) for line in lines) for col in range(len(header))]

    def render(line: Sequence[str]) -> str:
        cells = zip(line, widths, strict=True)
        return "| " + " | ".join(cell.ljust(width) for cell, width in cells) + " |"

    rule = "|" + "|".join("-" * (width + 2) for width in widths) + "|"
    return "\n".join([render(lines[0]), rule, *(render(line) for line in lines[1:])])


def verdicts(results: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """For each targeted contender and target: the relation to the floor, and met or not."""
    found: dict[str, dict[str, Any]] = {}
    for key in TARGETED:
        for row in ROWS:
            related = relation(row, key, results)
            if row.limit is None or related is None:
                continue
            found.setdefault(key, {})[row.key] = {"relation": related, "met": row.meets(related)}
    return found


def _version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def machine() -> dict[str, Any]:
    """CPU model, cores, Python and the versions of the libraries that matter."""
    cpu = platform.processor() or "unknown"
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            cpu = next(line.split(":", 1)[1].strip() for line in cpuinfo if "model name" in line)
    except (OSError, StopIteration):
        pass
    versions = {
        name: _version(name)
        for name in (
            "formance-orch",
            "aiohttp",
            "attrs",
            "cattrs",
            "orjson",
            "formance-sdk-python",
            "httpx",
            "pydantic",
        )
    }
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "versions": versions,
    }


def write_json(path: Path, payload: Mapping[str, Any]) -> None:
    """Write ``payload`` to ``path`` atomically (through ``path.tmp``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(payload, indent=2, sort_keys=False) + "\n")
    os.replace(temporary, path)
