"""The emulator's building blocks: Go's JSON and times, durations, cursors, YAML, configs."""

from __future__ import annotations

import base64
import json
import sys
from datetime import UTC, datetime, timedelta, timezone

import pytest

from formance_orch.emulator import Emulator, ManualClock, pagination
from formance_orch.emulator.clock import NS
from formance_orch.emulator.config import ConfigError, check_config, resolve_stage
from formance_orch.emulator.godur import format_duration, parse_duration
from formance_orch.emulator.wire import (
    GoFloat,
    decode_json,
    dumps,
    format_go_float,
    local_time,
    utc_micro_time,
)
from formance_orch.emulator.yamlish import YAMLError, _Parser, load_yaml


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (100.0, "100"),
        (float(2**65), "36893488147419103000"),
        (1e21, "1e+21"),
        (1.5e22, "1.5e+22"),
        (0.5, "0.5"),
        (1e-7, "1e-7"),
        (-(2.0**63), "-9223372036854776000"),
        (0.0, "0"),
    ],
)
def test_floats_as_go_writes_them(value: float, text: str) -> None:
    assert format_go_float(value) == text


def test_bodies_as_go_encoder_writes_them() -> None:
    body = dumps({"a": "<&>", "n": GoFloat(1e21), "u": "é\u2028"})

    assert body == b'{"a":"\\u003c\\u0026\\u003e","n":1e+21,"u":"\xc3\xa9\\u2028"}\n'
    assert json.loads(body)["n"] == 1e21


def test_request_numbers_decode_as_float64_unless_exact() -> None:
    assert decode_json(b'{"a": 36893488147419103233}')["a"] == GoFloat(36893488147419103232.0)
    assert decode_json(b'{"a": 36893488147419103233}', exact=True)["a"] == 36893488147419103233
    with pytest.raises(ValueError, match="EOF"):
        decode_json(b"  ")
    with pytest.raises(ValueError, match="cannot unmarshal number 1e400"):
        decode_json(b"1e400")


def test_times_fresh_and_read_back() -> None:
    nanos = 1_727_085_600_123_456_789  # 2024-09-23T10:00:00.123456789Z
    paris = timezone(timedelta(hours=2))

    assert local_time(nanos, paris) == "2024-09-23T12:00:00.123456789+02:00"
    assert utc_micro_time(nanos) == "2024-09-23T10:00:00.123456Z"
    assert utc_micro_time(nanos - 123_456_789) == "2024-09-23T10:00:00Z"


@pytest.mark.parametrize(
    ("text", "nanos", "shown"),
    [
        ("1h", 3_600_000_000_000, "1h0m0s"),
        ("1.5s", 1_500_000_000, "1.5s"),
        ("300ms", 300_000_000, "300ms"),
        ("2h45m", 9_900_000_000_000, "2h45m0s"),
        ("1µs", 1_000, "1µs"),
        ("0", 0, "0s"),
    ],
)
def test_go_durations(text: str, nanos: int, shown: str) -> None:
    assert parse_duration(text) == nanos
    assert format_duration(nanos) == shown


@pytest.mark.parametrize("text", ["", "1d", "5", "s", "1.s.", "--1s"])
def test_bad_go_durations(text: str) -> None:
    with pytest.raises(ValueError, match="invalid duration"):
        parse_duration(text)


def test_cursors_are_raw_base64url_json_of_the_query() -> None:
    rows = list(range(40))
    first = pagination.page(rows, pagination.read_query({}, maximum=100, filters=lambda: None), int)
    raw = first["next"] + "=" * (-len(first["next"]) % 4)
    decoded = json.loads(base64.urlsafe_b64decode(raw))

    assert "=" not in first["next"]
    assert decoded == {"offset": 15, "order": 0, "pageSize": 15, "filters": None}
    assert first["data"] == list(range(15))
    assert first["hasMore"] is True
    assert "previous" not in first
    second = pagination.page(
        rows,
        pagination.read_query(
            {"cursor": first["next"], "pageSize": "2"}, maximum=100, filters=dict
        ),
        int,
    )
    assert second["data"] == list(range(15, 30))
    assert second["previous"]


@pytest.mark.parametrize("size", ["-1", "+5", "1.5", "x", str(2**32)])
def test_bad_page_sizes(size: str) -> None:
    with pytest.raises(pagination.BadQuery, match="invalid 'pageSize' query param"):
        pagination.read_query({"pageSize": size}, maximum=100, filters=dict)


def _cursor(filters: object) -> str:
    raw = json.dumps({"offset": 0, "pageSize": 15, "filters": filters}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def test_every_list_answers_a_bad_page_size_or_cursor_filter_with_a_400() -> None:
    service = Emulator().service
    lists = {
        "workflows": (service.list_workflows, None),
        "instances": (service.list_instances, {"WorkflowID": 1}),
        "triggers": (service.list_triggers, {"Name": []}),
        "occurrences": (lambda q: service.list_occurrences("t", q), {"TriggerID": False}),
    }

    for name, (listing, bad_filters) in lists.items():
        sized = listing({"pageSize": "x"})
        assert (sized.status, sized.body["errorMessage"]) == (
            400,
            "invalid 'pageSize' query param",
        ), name
        if bad_filters is not None:
            filtered = listing({"cursor": _cursor(bad_filters)})
            assert (filtered.status, filtered.body["errorMessage"]) == (
                400,
                "invalid 'cursor' query param",
            ), name


def test_a_hand_made_cursor_with_page_size_0_returns_everything() -> None:
    cursor = base64.urlsafe_b64encode(b'{"offset":0,"pageSize":0}').decode().rstrip("=")
    query = pagination.read_query({"cursor": cursor}, maximum=100, filters=dict)

    page = pagination.page(list(range(300)), query, int)

    assert len(page["data"]) == 300
    assert "pageSize" not in page


def test_the_built_in_yaml_subset() -> None:
    document = """
name: "payout"   # a comment
stages:
  - send:
      amount:
        amount: 100
        asset: USD/2
      source: {}
  - wait_event:
      event: 'it''s done'
  - noop: {}
"""
    assert _Parser(document).document() == {
        "name": "payout",
        "stages": [
            {"send": {"amount": {"amount": 100, "asset": "USD/2"}, "source": {}}},
            {"wait_event": {"event": "it's done"}},
            {"noop": {}},
        ],
    }
    with pytest.raises(YAMLError):
        _Parser("a: 1\n   b: 2\n").document()


@pytest.mark.parametrize("reader", ["pyyaml", "built-in"])
def test_a_yaml_body_decodes_as_a_go_map(reader: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if reader == "built-in":
        monkeypatch.setitem(sys.modules, "yaml", None)  # the import fails: the fallback runs

    assert load_yaml("name: a\nstages: []\n", float64=False) == {"name": "a", "stages": []}
    assert load_yaml("name: 1\n", float64=True) == {"name": GoFloat(1.0)}
    assert load_yaml("~\n", float64=False) == {}  # null leaves the map empty
    with pytest.raises(YAMLError, match=r"^EOF$"):
        load_yaml("# only a comment\n", float64=False)
    with pytest.raises(YAMLError, match=r"^cannot unmarshal !!seq into map\[string\]interface"):
        load_yaml("- a\n", float64=False)
    with pytest.raises(YAMLError, match=r"^cannot unmarshal !!str into"):
        load_yaml("text\n", float64=False)


def test_config_type_errors_are_chained_as_go_does() -> None:
    stage = {"send": {"source": {"account": {"id": GoFloat(1.0)}}, "destination": {}}}

    with pytest.raises(ConfigError) as caught:
        check_config({"stages": [stage]})

    assert str(caught.value) == (
        "resolving field 'Source': resolving field 'Account': resolving field 'ID': "
        "expected string but was float64"
    )


def test_variables_substitute_and_defaults_fill() -> None:
    stage = {
        "send": {
            "amount": {"amount": "${amount}", "asset": "USD/2"},
            "source": {"account": {"id": "users:${user}", "ledger": "${missing}"}},
            "destination": {"wallet": {"name": "main-${user}"}},
            "metadata": {"${key}": "${user}"},
        }
    }

    resolved = resolve_stage(stage, {"amount": "36893488147419103233", "user": "u1", "key": "k"})

    assert resolved["amount"] == {"amount": 36893488147419103233, "asset": "USD/2"}
    assert resolved["source"]["account"] == {"id": "users:u1", "ledger": "default"}
    assert resolved["destination"]["wallet"]["balance"] == "main"
    assert resolved["metadata"] == {"${key}": "u1"}  # keys are not substituted
    with pytest.raises(ConfigError, match="unable to parse 'abc' as big int"):
        resolve_stage(stage, {"amount": "abc"})


def test_a_manual_clock_starts_exactly_at_its_start() -> None:
    start = datetime(2024, 9, 23, 10, 0, 0, 123456, tzinfo=UTC)
    naive = datetime(2024, 9, 23, 10, 0, 0, 999999)

    assert ManualClock(start).now_ns() == 1_727_085_600_123_456_000
    assert ManualClock(naive).now_ns() % NS == 999_999_000
    assert ManualClock(naive).now_ns() // 1000 == round(naive.timestamp() * 1e6)
