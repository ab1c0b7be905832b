"""Response fuzzing: whatever the server answers, each of the 18 operations returns a Result.

Statuses 100-599; content types, ``Retry-After``, huge and odd header values;
bodies shaped like the contract (each operation's real answer, with values
replaced, keys dropped, unknown keys and enum values added), truncated, of
the wrong JSON type, binary, empty, nested thousands deep, several MB, or
echoing the request's ``Authorization`` anywhere. Every call ends as ``Ok``
(only for 2xx) or a classified ``Err`` within its timeout, with no secret in
the error or in the DEBUG log.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from formance_orch import Err, Ok
from tests import proof
from tests.agreement import json_values, mutate
from tests.proof import ECHO, FIGURES, SETTINGS, Answer
from tests.test_operations import CASES, IDS, Case

pytestmark = pytest.mark.proof

#: Seconds one attempt may take: loopback answers in milliseconds; 1xx answers wait it out.
TIMEOUT = 0.3


def status_table() -> list[int]:
    # Informational answers make aiohttp wait for a final one, until the timeout: keep them rare.
    common = [200, 201, 204, 400, 401, 404, 409, 429, 500, 502, 503, 504]
    return [200] + common * 20 + list(range(200, 600)) + [100, 101, 102, 103, 199] + [200]


statuses = st.sampled_from(status_table())
content_types = st.sampled_from(
    [
        "application/json",
        "application/json; charset=utf-8",
        "application/problem+json",
        "APPLICATION/JSON",
        "text/html",
        "text/plain; charset=latin-1",
        "application/octet-stream",
        "a/b; c=d; e",
        ";;;",
        "application/json; charset=no-such-charset",
        "",
        None,
    ]
)
retry_afters = st.sampled_from(
    [
        "0",
        "1",
        "-5",
        "1e999",
        "nan",
        "abc",
        "Wed, 21 Oct 2015 07:28:00 GMT",
        "Mon, 01 Jan 2020 00:00:00 +99999999999999999999",
        "9" * 400,
    ]
)
header_values = st.one_of(
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=40),
    st.just("x" * 9000),  # beyond aiohttp's header size limit
    st.just(f"Bearer {ECHO}"),
)
unknown_values = st.one_of(
    st.sampled_from(["NOT_A_KNOWN_VALUE", "", "ñ", ECHO]),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
)


def shaped(case: Case) -> Any:
    """The operation's realistic answer (a fresh copy)."""
    if case.answer is None:
        return {}
    return copy.deepcopy(case.answer)


@st.composite
def contract_shaped(draw: st.DrawFn, case: Case) -> bytes:
    data = shaped(case)
    data_drawer = draw(st.data())
    for _ in range(draw(st.integers(0, 3))):
        mutate(data, data_drawer)
    if isinstance(data, dict) and draw(st.booleans()):
        data[draw(st.sampled_from(["x-unknown", "status", "errorCode", ECHO]))] = draw(
            unknown_values
        )
    return json.dumps(data).encode()


@st.composite
def bodies(draw: st.DrawFn, case: Case) -> bytes:
    kind = draw(
        st.sampled_from(
            ["shaped"] * 6 + ["truncated", "json", "binary", "empty", "deep", "error", "big"]
        )
    )
    if kind == "shaped":
        return draw(contract_shaped(case))
    if kind == "truncated":
        whole = draw(contract_shaped(case))
        return whole[: draw(st.integers(0, max(len(whole) - 1, 0)))]
    if kind == "json":
        return json.dumps(draw(json_values)).encode()
    if kind == "binary":
        return draw(st.binary(max_size=300))
    if kind == "empty":
        return b""
    if kind == "deep":
        depth = draw(st.sampled_from([100, 1000, 3000, 20_000]))
        opener, closer = draw(st.sampled_from([(b"[", b"]"), (b'{"a":', b"}")]))
        return b'{"data":' + opener * depth + b"1" + closer * depth + b"}"
    if kind == "error":
        error = {
            "errorCode": draw(st.sampled_from(["VALIDATION", "NOT_FOUND", "INTERNAL", ECHO])),
            "errorMessage": draw(st.sampled_from(["bad", "", f"sent {ECHO}"])),
        }
        if draw(st.booleans()):
            error["details"] = {ECHO: [ECHO, {"nested": ECHO}]}
        return json.dumps(error).encode()
    megabytes = draw(st.sampled_from([1, 3, 6]))
    data = shaped(case)
    filler = {"data": data, "padding": "x" * (megabytes * 1024 * 1024)}
    return json.dumps(filler).encode()


@st.composite
def answers(draw: st.DrawFn, case: Case) -> Answer:
    headers: list[tuple[str, str]] = []
    content_type = draw(content_types)
    if content_type is not None:
        headers.append(("Content-Type", content_type))
    if draw(st.booleans()):
        headers.append(("Retry-After", draw(retry_afters)))
    if draw(st.integers(0, 4)) == 0:
        headers.append(
            (draw(st.sampled_from(["X-Echo", "X-Long", "Set-Cookie"])), draw(header_values))
        )
    return Answer(status=draw(statuses), body=draw(bodies(case)), headers=tuple(headers))


@pytest.fixture
async def fuzz_core(fuzz_server) -> Any:
    core = proof.proof_core(fuzz_server.url, timeout=TIMEOUT, log_bodies=True)
    yield core
    await core.aclose()


@pytest.mark.parametrize("case", CASES, ids=IDS)
@SETTINGS
@given(data=st.data())
async def test_any_answer_is_ok_or_a_classified_err(
    fuzz_server, fuzz_core, secret_watch, case, data
) -> None:
    answer = data.draw(answers(case), label="answer")
    fuzz_server.answer = answer

    result = await proof.call_counted(case.call(fuzz_core), guard=TIMEOUT * 4 + 10)

    FIGURES.examples[f"responses:{case.operation}"] += 1
    secrets = (proof.CLIENT_SECRET, *fuzz_server.tokens())
    proof.outcome(result, secrets=secrets)
    secret_watch.check(secrets)
    if isinstance(result, Ok):
        assert 200 <= answer.status < 300, (answer.status, result)
    else:
        assert isinstance(result, Err)
        assert result.meta.status in (0, answer.status)
