"""Argument fuzzing: every parameter of the 18 operations, given what a careless caller passes.

Wrong types, ``None``, NaN and infinities, bools for ints, huge ints, 1 MB
strings, control characters, lone surrogates, non-``str`` keys at any depth,
objects JSON has no form for, structures that contain themselves, mocks. Each
call ends as ``Err(InvalidRequestError)`` with nothing sent (not even a token
request), or sends one well-formed request: the operation's method, one path
segment per id, a strict UTF-8 query, a body that is strict JSON (no
duplicate keys, no NaN).
"""

from __future__ import annotations

import enum
import inspect
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from unittest import mock
from urllib.parse import parse_qsl, unquote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from formance_orch import Err, InvalidRequestError, RequestOptions
from formance_orch import funcs as f
from formance_orch.stages import Delay, WaitEvent
from tests import proof
from tests.proof import FIGURES, SETTINGS, Answer
from tests.support import API
from tests.test_operations import CASES, IDS, Case, reply_for

pytestmark = pytest.mark.proof

#: Valid arguments for each operation (the fuzzed ones replace some of them).
BASE: dict[str, dict[str, Any]] = {
    "orchestration_v2_get_server_info": {},
    "orchestration_v2_list_workflows": {"cursor": "c", "page_size": 5},
    "orchestration_v2_create_workflow": {"name": "n", "stages": [{"delay": {"duration": "1m"}}]},
    "orchestration_v2_get_workflow": {"workflow_id": "wf"},
    "orchestration_v2_delete_workflow": {"workflow_id": "wf"},
    "orchestration_v2_run_workflow": {"workflow_id": "wf", "variables": {"a": "1"}, "wait": True},
    "orchestration_v2_list_instances": {"page_size": 5, "workflow_id": "wf", "running": True},
    "orchestration_v2_get_instance": {"instance_id": "i"},
    "orchestration_v2_send_event": {"instance_id": "i", "name": "go"},
    "orchestration_v2_cancel_event": {"instance_id": "i"},
    "orchestration_v2_get_instance_history": {"instance_id": "i"},
    "orchestration_v2_get_instance_stage_history": {"instance_id": "i", "number": 1},
    "orchestration_v2_list_triggers": {"name": "t"},
    "orchestration_v2_create_trigger": {"event": "E", "workflow_id": "wf", "vars": {"a": "b"}},
    "orchestration_v2_read_trigger": {"trigger_id": "t"},
    "orchestration_v2_delete_trigger": {"trigger_id": "t"},
    "orchestration_v2_test_trigger": {"trigger_id": "t", "payload": {"a": 1}},
    "orchestration_v2_list_triggers_occurrences": {"trigger_id": "t", "page_size": 5},
}


class Colour(str, enum.Enum):  # noqa: UP042 - not a StrEnum: its str() must differ
    """A str-valued enum: its str() is not its value, its value is what must be sent."""

    RED = "red/1"


class Huge(int):
    """An int too long to print: shown by its size (hypothesis prints examples)."""

    def __repr__(self) -> str:
        return f"Huge({self.bit_length()} bits)"


def looped(kind: str) -> Any:
    if kind == "list":
        items: list[Any] = [1]
        items.append(items)
        return items
    mapping: dict[str, Any] = {"a": 1}
    mapping["self"] = {"again": mapping}
    return mapping


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([2**63, 2**63 - 1, -(2**63), -1, 0, 1000, 1001]),
    st.sampled_from([1, -1]).map(lambda sign: Huge(sign * 10**5000)),
    st.floats(),  # NaN and infinities included
    st.text(max_size=20),
    st.text(st.characters(codec="utf-8", min_codepoint=0, max_codepoint=0x1F), max_size=5),
    st.sampled_from(["\ud800", "a\udfffb", "\x00", "a\r\nb: c", ".", "..", "/", "%2F", "?#&=", ""]),
)
keys = st.one_of(
    st.text(max_size=5),
    st.integers(),
    st.none(),
    st.booleans(),
    st.floats(allow_nan=False),
    st.tuples(st.integers()),
    st.sampled_from(["\ud800"]),
)
nested = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=3) | st.tuples(inner)
    ),
    max_leaves=8,
)
oddities = st.sampled_from(
    [
        object(),
        {1, 2},
        frozenset({"a"}),
        complex(1, 2),
        Decimal("1.5"),
        b"bytes",
        bytearray(b"x"),
        datetime(2024, 1, 1, tzinfo=UTC),
        Exception("boom"),
        print,
        Colour.RED,
        Delay(duration="1m"),
        WaitEvent("go"),
        RequestOptions(),
        range(3),
    ]
)
hostile = st.one_of(
    scalars,
    nested,
    oddities,
    st.sampled_from(["list", "dict"]).map(looped),
    st.builds(mock.Mock),
    st.just("x" * 1_000_000),
    st.just({"k" * 1000: "v" * 1_000_000}),
)


@pytest.fixture
async def fuzz_core(fuzz_server) -> Any:
    core = proof.proof_core(fuzz_server.url, timeout=10)
    yield core
    await core.aclose()


def parameters(function: Callable[..., Any]) -> list[str]:
    return [name for name in inspect.signature(function).parameters if name != "core"]


def check_well_formed(case: Case, seen: proof.Seen) -> None:
    assert seen.method == case.method
    path, _, query = seen.raw_path.partition("?")
    assert path.startswith(API + "/")
    # Each id stays one segment, whatever it holds.
    assert path.count("/") == (API + case.path).count("/"), path
    unquote(path, errors="strict")
    parse_qsl(query, strict_parsing=bool(query), errors="strict")
    if seen.body:
        proof.strict_json(seen.body)
        assert seen.headers["Content-Type"] == "application/json"


@pytest.mark.parametrize("case", CASES, ids=IDS)
@SETTINGS
@given(data=st.data())
async def test_any_argument_is_refused_or_sent_well_formed(
    fuzz_server, fuzz_core, secret_watch, case, data
) -> None:
    function = getattr(f, case.operation)
    names = parameters(function)
    kwargs = dict(BASE[case.operation])
    spoiled = data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=3), label="spoiled")
    for name in spoiled:
        kwargs[name] = data.draw(hostile, label=name)
    core: Any = fuzz_core
    if data.draw(st.integers(0, 30)) == 0:
        core = data.draw(hostile, label="core")
    reply = reply_for(case)
    fuzz_server.answer = Answer(
        status=reply.status,
        body=b"" if case.answer is None else proof.json_bytes(case.answer),
        headers=() if case.answer is None else (("Content-Type", "application/json"),),
    )
    requests, tokens = fuzz_server.count, fuzz_server.token_count

    result = await proof.call_counted(function(core, **kwargs), guard=60)

    FIGURES.examples[f"arguments:{case.operation}"] += 1
    secrets = (proof.CLIENT_SECRET, *fuzz_server.tokens())
    proof.outcome(result, secrets=secrets)
    secret_watch.check(secrets)
    if isinstance(result, Err) and isinstance(result.error, InvalidRequestError):
        assert fuzz_server.count == requests, "refused, yet sent"
        assert fuzz_server.token_count == tokens, "refused, yet a token was fetched"
        assert result.meta.attempts == 0
    else:
        assert fuzz_server.count == requests + 1, result
        assert fuzz_server.last is not None
        check_well_formed(case, fuzz_server.last)
