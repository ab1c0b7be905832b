"""The converter's rules, in isolation."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from formance_orch import _json, _serde
from formance_orch.errors import ErrorCode
from formance_orch.models.common import V2Error
from formance_orch.models.instances import V2StageStatus


@pytest.mark.parametrize(
    ("name", "wire"),
    [
        ("workflow_id", "workflowID"),
        ("temporal_run_id", "temporalRunID"),
        ("page_size", "pageSize"),
        ("has_more", "hasMore"),
        ("id", "id"),
        ("txid", "txid"),
        ("source_account_id", "sourceAccountID"),
        ("effective_volumes", "effectiveVolumes"),
    ],
)
def test_wire_names(name, wire) -> None:
    assert _serde.wire_name(name) == wire


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("36893488147419103000", 36893488147419103000),
        ("1e+21", 10**21),
        ("1.2345678901234568e+23", 123456789012345680000000),
        ("2.0", 2),
        ("-3", -3),
        ("340282366920938463463374607431768211456", 2**128),
    ],
)
def test_integers_in_any_form(text, expected) -> None:
    value = _serde.converter.structure(_json.loads(text.encode(), exact_numbers=True), int)
    assert value == expected
    assert type(value) is int


def test_integral_floats_without_their_literal_use_the_shortest_repr() -> None:
    assert _serde.converter.structure(1e21, int) == 10**21
    assert _serde.converter.structure(36893488147419103000.0, int) == 36893488147419103000


def test_exact_floats_still_behave_as_floats() -> None:
    value = _json.loads(b'{"x": 1.5}', exact_numbers=True)["x"]
    assert value == 1.5
    assert json.dumps(value) == "1.5"


@pytest.mark.parametrize("text", ["1.5", "true", '"3"', "null", "NaN"])
def test_non_integers_are_rejected(text) -> None:
    with pytest.raises((TypeError, ValueError)):
        _serde.converter.structure(_json.loads(text.encode()), int)


def test_big_integers_survive_the_json_parser() -> None:
    body = json.dumps({"amount": 2**200}).encode()
    assert _json.loads(body) == {"amount": 2**200}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-09-23T10:00:00Z", datetime(2024, 9, 23, 10, tzinfo=UTC)),
        (
            "2024-09-23T10:00:00.987654321-05:30",
            datetime(
                2024, 9, 23, 10, 0, 0, 987654, tzinfo=timezone(-timedelta(hours=5, minutes=30))
            ),
        ),
        ("0001-01-01T00:00:00Z", datetime(1, 1, 1, tzinfo=UTC)),
        ("2024-09-23T10:00:00", datetime(2024, 9, 23, 10, tzinfo=UTC)),
    ],
)
def test_datetimes(text, expected) -> None:
    value = _serde.converter.structure(text, datetime)
    assert value == expected
    assert value.tzinfo is not None


def test_open_enum_keeps_unknown_values() -> None:
    known = _serde.converter.structure({"errorCode": "VALIDATION", "errorMessage": "m"}, V2Error)
    unknown = _serde.converter.structure({"errorCode": "TEAPOT", "errorMessage": "m"}, V2Error)
    assert known.error_code is ErrorCode.VALIDATION
    assert unknown.error_code == "TEAPOT"
    assert type(unknown.error_code) is str


def test_unstructure_uses_wire_names_and_omits_unset() -> None:
    status = V2StageStatus(stage=1, instance_id="i", started_at=datetime(2024, 1, 1, tzinfo=UTC))
    assert _serde.unstructure(status) == {
        "stage": 1,
        "instanceID": "i",
        "startedAt": "2024-01-01T00:00:00+00:00",
    }


def test_structure_functions_are_generated_once_per_type() -> None:
    first = _serde.structure_hook(V2StageStatus)
    assert _serde.structure_hook(V2StageStatus) is first


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-32-be"])
def test_json_bodies_parse_in_every_encoding_json_detects(encoding) -> None:
    body = json.dumps({"name": "é ☃ 𝄞", "n": 2**70}, ensure_ascii=False).encode(encoding)
    assert _json.loads(body) == {"name": "é ☃ 𝄞", "n": 2**70}


def test_utf8_encoded_surrogates_parse_as_the_stdlib_does() -> None:
    body = b'{"s": "a\xed\xa0\x80b"}'
    assert _json.loads(body) == json.loads(body) == {"s": "a\ud800b"}


@pytest.mark.parametrize("body", [b"", b"{", b"\xff\xfe{", b'{"a": 1} x', b"\xc3("])
def test_bodies_that_are_not_json_raise_what_json_raises(body) -> None:
    try:
        json.loads(body)
    except ValueError as exc:
        expected = type(exc)
    with pytest.raises(expected):
        _json.loads(body)


@pytest.mark.parametrize(
    "body", [b'{"a": [1]}', b'{"a": [1]}\n', b' \r\n\t{"a": [1]} \n', b"[]", b"3"]
)
def test_json_whitespace_around_a_body_is_allowed(body) -> None:
    assert _json.loads(body) == json.loads(body)


@pytest.mark.parametrize("body", [b'{"a": 1}\n\x0b', b'{"a": 1}\xc2\xa0', b'{"a": 1}{"b": 2}'])
def test_anything_else_after_a_body_is_rejected(body) -> None:
    with pytest.raises(json.JSONDecodeError):
        _json.loads(body)
