"""Run mypy --strict on files, the way users' code is checked, and collect its errors."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_ERROR = re.compile(r"^(?P<path>.+?):(?P<line>\d+): error: (?P<message>.*)$")


def mypy_errors(*paths: Path) -> dict[tuple[str, int], list[str]]:
    """``{(file name, line): [messages]}`` for every error mypy --strict reports.

    Runs from the project root, so the project's mypy settings and cache apply.
    """
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-error-summary",
            "--hide-error-context",
            "--no-pretty",
            *map(str, paths),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode not in (0, 1) or completed.stderr.strip():
        raise AssertionError(f"mypy failed to run:\n{completed.stdout}\n{completed.stderr}")
    errors: dict[tuple[str, int], list[str]] = defaultdict(list)
    for line in completed.stdout.splitlines():
        match = _ERROR.match(line)
        if match:
            errors[Path(match["path"]).name, int(match["line"])].append(match["message"])
    return dict(errors)
