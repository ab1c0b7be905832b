"""Typing that catches mistakes: mypy --strict on users' code (tests/typecheck/)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.mypy_run import mypy_errors

CASES = Path(__file__).resolve().parent / "typecheck"
_EXPECTED = re.compile(r"#\s*E:\s*(?P<text>.+?)\s*$")


@pytest.fixture(scope="module")
def errors() -> dict[tuple[str, int], list[str]]:
    return mypy_errors(CASES / "good.py", CASES / "bad.py")


def expected_errors() -> dict[int, str]:
    lines = (CASES / "bad.py").read_text().splitlines()
    return {
        number: match["text"]
        for number, line in enumerate(lines, start=1)
        if (match := _EXPECTED.search(line))
    }


def test_correct_code_type_checks(errors) -> None:
    assert {key: value for key, value in errors.items() if key[0] == "good.py"} == {}


@pytest.mark.parametrize(("line", "text"), sorted(expected_errors().items()))
def test_each_mistake_is_reported(errors, line: int, text: str) -> None:
    messages = errors.get(("bad.py", line), [])
    assert any(text in message for message in messages), messages


def test_nothing_else_is_reported(errors) -> None:
    unexpected = {
        key: value
        for key, value in errors.items()
        if key[0] == "bad.py" and key[1] not in expected_errors()
    }
    assert unexpected == {}
