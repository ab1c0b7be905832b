"""Arguments a careless caller passes: a clear Err (ValueError for settings), never a crash."""

from __future__ import annotations

import math

import pytest

from formance_orch import Err, InvalidRequestError, Ok, RequestOptions, SDKCore, Security
from formance_orch.funcs.orchestration_v2_create_trigger import orchestration_v2_create_trigger
from formance_orch.funcs.orchestration_v2_get_instance import orchestration_v2_get_instance
from formance_orch.funcs.orchestration_v2_get_instance_stage_history import (
    orchestration_v2_get_instance_stage_history,
)
from formance_orch.funcs.orchestration_v2_list_instances import orchestration_v2_list_instances
from formance_orch.funcs.orchestration_v2_run_workflow import orchestration_v2_run_workflow
from formance_orch.funcs.orchestration_v2_test_trigger import orchestration_v2_test_trigger
from tests.support import Reply, instance_json


def repr_short(value: object) -> str:
    text = repr(value) if not isinstance(value, int) or abs(value) < 10**20 else "huge"
    return text[:20]


def assert_refused(result, parameter: str | None = None) -> InvalidRequestError:
    assert isinstance(result, Err), result
    assert isinstance(result.error, InvalidRequestError), result.error
    if parameter is not None:
        assert result.error.parameter == parameter
    assert result.meta.attempts == 0
    return result.error


# --- 1. deep bodies -------------------------------------------------------------------------


async def test_a_payload_nested_100k_deep_is_refused(server, core) -> None:
    payload: dict[str, object] = {}
    for _ in range(100_000):
        payload = {"a": payload}

    result = await orchestration_v2_test_trigger(core, "trg", payload=payload)

    error = assert_refused(result, "payload")
    assert "deep" in error.message
    assert server.requests == []


async def test_a_payload_of_more_than_a_million_values_is_refused(server, core) -> None:
    result = await orchestration_v2_test_trigger(core, "trg", payload={"many": [0] * 1_000_001})

    error = assert_refused(result, "payload")
    assert "more than 1000000 values" in error.message
    assert server.requests == []


async def test_a_payload_that_contains_itself_is_refused(server, core) -> None:
    payload: dict[str, object] = {"a": [1]}
    payload["a"].append(payload)  # type: ignore[attr-defined]

    result = await orchestration_v2_test_trigger(core, "trg", payload=payload)

    assert_refused(result, "payload")
    assert server.requests == []


# --- 3. ids, numbers and keys that cannot go on the wire ----------------------------------


@pytest.mark.parametrize("bad", ["\ud800", "id-\udfff-x", "a\udbffb"])
async def test_lone_surrogates_in_path_ids_are_refused(server, core, bad) -> None:
    result = await orchestration_v2_get_instance(core, bad)

    error = assert_refused(result, "instance_id")
    assert "surrogate" in error.message
    assert server.requests == []


async def test_lone_surrogates_in_query_values_are_refused(server, core) -> None:
    result = await orchestration_v2_list_instances(core, workflow_id="wf-\ud800")

    assert_refused(result, "workflow_id")
    assert server.requests == []


async def test_lone_surrogates_in_bodies_are_refused(server, core) -> None:
    result = await orchestration_v2_test_trigger(core, "trg", payload={"a": "\udc00"})

    assert_refused(result, "payload")
    assert server.requests == []


@pytest.mark.parametrize("huge", [10**5000, -(10**5000), 2**63], ids=["huge", "-huge", "2**63"])
async def test_huge_page_sizes_are_refused_with_a_readable_message(server, core, huge) -> None:
    result = await orchestration_v2_list_instances(core, page_size=huge)

    error = assert_refused(result, "page_size")
    assert len(error.message) < 200


@pytest.mark.parametrize("huge", [10**5000, 2**63], ids=["huge", "2**63"])
async def test_huge_stage_numbers_are_refused(server, core, huge) -> None:
    result = await orchestration_v2_get_instance_stage_history(core, "inst", huge)

    error = assert_refused(result, "number")
    assert len(error.message) < 200
    assert server.requests == []


async def test_the_largest_stage_number_the_server_parses_is_sent(server, core) -> None:
    server.reply(Reply(json={"data": []}))

    result = await orchestration_v2_get_instance_stage_history(core, "inst", 2**63 - 1)

    assert isinstance(result, Ok), result
    assert server.requests[0].path.endswith(f"/stages/{2**63 - 1}/history")


@pytest.mark.parametrize(
    "payload",
    [
        {1: "a", "1": "b"},
        {"outer": {1: "a", "1": "b"}},
        {"list": [{"ok": 1}, {2: "x"}]},
        {"tuple": ({None: 1},)},
        {"flag": {True: 1}},
    ],
)
async def test_body_keys_must_be_strings_at_every_depth(server, core, payload) -> None:
    result = await orchestration_v2_test_trigger(core, "trg", payload=payload)

    error = assert_refused(result, "payload")
    assert "keys must be str" in error.message
    assert server.requests == []


async def test_non_string_keys_in_typed_fields_are_refused(server, core) -> None:
    result = await orchestration_v2_create_trigger(
        core, event="E", workflow_id="wf", vars={1: "event.a", "1": "event.b"}
    )

    assert_refused(result)
    assert server.requests == []


async def test_run_variables_with_non_string_keys_are_refused(server, core) -> None:
    result = await orchestration_v2_run_workflow(core, "wf", variables={1: "a"})  # type: ignore[dict-item]

    assert_refused(result, "variables")


async def test_a_body_over_a_mebibyte_is_sent_whole_and_without_warnings(server, core) -> None:
    server.reply(Reply(json={"data": {}}))
    payload = {"blob": "x" * (3 * 1024 * 1024)}

    result = await orchestration_v2_test_trigger(core, "trg", payload=payload)

    assert isinstance(result, Ok), result
    assert server.requests[0].json == payload


# --- 4. per-call headers --------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Note": "a\r\nX-Injected: 1"},
        {"X-Note": "a\nb"},
        {"X-Note": "a\x00b"},
        {"X-Note": "\ud800"},
        {"X-Note": 1},
        {"X-Note": None},
        {"X-Note": b"bytes"},
        {1: "x"},
        {"": "x"},
        {"Bad Name": "x"},
        {"Bad:Name": "x"},
        {"X-Ä": "x"},
        {"authorization": "Bearer mine"},
        {"AUTHORIZATION": "Bearer mine"},
        {"Authorization": "Bearer mine"},
        {"content-length": "5"},
        {"Transfer-Encoding": "chunked"},
        {"X-A": "1", "x-a": "2"},
    ],
)
def test_bad_per_call_headers_are_refused_when_options_are_built(headers) -> None:
    with pytest.raises(ValueError, match="headers") as raised:
        RequestOptions(headers=headers)
    assert "mine" not in str(raised.value)  # header values are not echoed


def test_per_call_headers_must_be_a_mapping() -> None:
    with pytest.raises(ValueError, match="headers"):
        RequestOptions(headers=[("X-A", "1")])  # type: ignore[arg-type]


async def test_per_call_headers_replace_the_cores_case_insensitively(server, core) -> None:
    server.reply(Reply(json={"data": instance_json()}))
    options = RequestOptions(headers={"accept": "application/x+json", "x-trace": "t\t1"})

    result = await orchestration_v2_get_instance(core, "i", options=options)

    assert isinstance(result, Ok)
    headers = server.requests[0].headers
    assert headers.getall("Accept") == ["application/x+json"]
    assert headers["X-Trace"] == "t\t1"
    assert headers.getall("Authorization") == ["Bearer token-1"]


# --- 12. infinite and absurd timeouts -----------------------------------------------------------


@pytest.mark.parametrize(
    "bad", [math.inf, -math.inf, math.nan, 10**400, True, 0, -1, "5"], ids=repr_short
)
def test_timeouts_must_be_finite_positive_numbers(bad) -> None:
    with pytest.raises(ValueError, match="timeout"):
        SDKCore(timeout=bad)
    with pytest.raises(ValueError, match="timeout"):
        RequestOptions(timeout=bad)


# --- 13. credentials in URLs ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://user:hunter2@example.com",
        "https://hunter2@example.com/base",
        "http://user:hunter2@",
        "ftp://user:hunter2@example.com",
        "http://user:hunter2@example.com:99999",
    ],
)
def test_server_urls_with_credentials_are_refused_without_echoing_them(url) -> None:
    with pytest.raises(ValueError, match="credentials") as raised:
        SDKCore(server_url=url)
    assert "hunter2" not in str(raised.value)
    assert raised.value.__cause__ is None or "hunter2" not in str(raised.value.__cause__)


def test_token_urls_with_credentials_are_refused() -> None:
    security = Security(
        client_id="c", client_secret="s", token_url="https://u:hunter2@auth.example.com/token"
    )
    with pytest.raises(ValueError, match="credentials") as raised:
        SDKCore(server_url="https://example.com", security=security)
    assert "hunter2" not in str(raised.value)
