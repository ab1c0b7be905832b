"""The emulator's answers in the shape of `expr_golden/cases.jsonl` (expr's own answers)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from formance_orch.emulator._expr_go import sprint, type_name, valid_utf8
from formance_orch.emulator.expr import (
    CompileError,
    EvalError,
    compile_expression,
    format_variable,
    to_go_value,
)

CASES = Path(__file__).parent / "expr_golden" / "cases.jsonl"

#: Trigger payloads the recorded cases refer to by name.
EVENTS: dict[str, Any] = {
    "full": {
        "amount": 150,
        "s": "abc",
        "n": 3,
        "f": 2.5,
        "t": True,
        "z": False,
        "list": [1, "a", None, 2.5],
        "m": {"k": "v", "n": 1},
        "u": "héllo",
        "e": "",
        "big": 1e21,
        "neg": -7,
        "strs": ["b", "a"],
        "nums": [3, 1, 2],
        "nested": {"a": {"b": [1, 2, {"c": "d"}]}},
        "links": [{"name": "x", "uri": "http://x"}],
        "user": {"role": "admin"},
    },
    "tiny": {"f": 2.5, "s": "abc", "t": True},
    "empty": {"amount": -1.5, "s": "", "n": 0, "list": [], "m": {}, "t": False},
    "null": None,
    "odd": {"s": "a,b", "n": 1e21, "list": [[1, 2], {"a": 1}], "m": {"": 1, "a": None}},
}


class LinkError(Exception):
    """What the golden oracle's `link` returns: always an error."""


def link(*arguments: Any) -> Any:
    raise LinkError(f"link called with {len(arguments)}")


def answer(source: str, event: Any) -> dict[str, str]:
    """Compile and run `source` as the oracle does; empty fields are left out."""
    result: dict[str, str] = {}
    try:
        program = compile_expression(source)
    except CompileError as error:
        return {"compile": error.message}
    try:
        value = program.run({"event": to_go_value(event)}, {"link": link})
    except EvalError as error:
        result["eval"] = error.expr_text
        if error.wrapped:
            result["unwrapped"] = error.message
    else:
        # The oracle's answers travel as JSON, where bytes that are not UTF-8 become U+FFFD.
        result.update(value=valid_utf8(sprint(value)), type=type_name(value))
        try:
            result["var"] = format_variable(value)
        except EvalError as error:
            result["varerr"] = error.message
    return {key: text for key, text in result.items() if text}


def load_cases() -> list[dict[str, Any]]:
    """Every recorded case: `src`, `event` (named events resolved), and expr's answer."""
    with CASES.open(encoding="utf-8") as lines:
        cases = [json.loads(line) for line in lines]
    for case in cases:
        if isinstance(case["event"], str):
            case["event"] = EVENTS[case["event"]]
    return cases
