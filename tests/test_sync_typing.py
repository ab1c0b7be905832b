"""The sync API's types, as mypy --strict sees them (``tests/typing_cases/sync_usage.py``).

Every facade method's revealed signature must be its operation's minus
``core`` and ``async``; the right calls must type-check; each wrong call
must be reported with the error codes its comment names, and nothing else.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest

api = pytest.importorskip("mypy.api")

CASES = Path(__file__).parent / "typing_cases" / "sync_usage.py"
LINE = re.compile(r"^[^:]+:(\d+): (error|note): (.*?)(?:  \[([a-z-]+)\])?$")
REVEALED = re.compile(r'^Revealed type is "(.*)"$')
MARKER = re.compile(r"\S  # (E|sync|async): (.+)$")  # a trailing comment on code


@pytest.fixture(scope="module")
def mypy_output() -> list[tuple[int, str, str, str | None]]:
    stdout, stderr, _ = api.run(
        ["--strict", "--no-error-summary", "--hide-error-context", str(CASES)]
    )
    assert not stderr, stderr
    found = []
    for line in stdout.splitlines():
        match = LINE.match(line)
        assert match, line
        number, kind, message, code = match.groups()
        found.append((int(number), kind, message, code))
    return found


def markers() -> dict[str, dict[int, str]]:
    by_kind: dict[str, dict[int, str]] = defaultdict(dict)
    for number, text in enumerate(CASES.read_text().splitlines(), start=1):
        match = MARKER.search(text)
        if match:
            by_kind[match.group(1)][number] = match.group(2).strip()
    return by_kind


def test_errors_are_exactly_the_marked_ones(mypy_output) -> None:
    reported: dict[int, set[str]] = defaultdict(set)
    for number, kind, message, code in mypy_output:
        if kind == "error":
            reported[number].add(code or message)
    expected = {
        number: {code.strip() for code in codes.split(",")}
        for number, codes in markers()["E"].items()
    }

    assert dict(reported) == expected
    assert len(expected) >= 15


def test_every_method_has_its_operations_signature_minus_core_and_async(mypy_output) -> None:
    revealed = {}
    for number, kind, message, _ in mypy_output:
        match = REVEALED.match(message)
        if kind == "note" and match:
            revealed[number] = match.group(1)
    found = markers()
    sync = {name: revealed[number] for number, name in found["sync"].items()}
    asynchronous = {name: revealed[number] for number, name in found["async"].items()}

    assert len(sync) == len(asynchronous) == 18
    for name, signature in asynchronous.items():
        # Overloaded operations (create_trigger) show one ``def`` per overload.
        without_core = signature.replace("def (core: formance_orch.core.SDKCore, ", "def (")
        assert without_core != signature, signature
        awaited = without_coroutines(without_core)
        assert awaited != without_core, signature
        assert sync[name] == awaited, name


def without_coroutines(signature: str) -> str:
    """``signature`` with each ``typing.Coroutine[Any, Any, X]`` replaced by ``X``."""
    opening = "typing.Coroutine[Any, Any, "
    while (start := signature.find(opening)) >= 0:
        depth, end = 1, start + len(opening)
        while depth:
            depth += {"[": 1, "]": -1}.get(signature[end], 0)
            end += 1
        signature = signature[:start] + signature[start + len(opening) : end - 1] + signature[end:]
    return signature
