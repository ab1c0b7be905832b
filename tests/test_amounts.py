"""Send amounts stay exact on a server that reads JSON numbers through float64.

The real server turns a JSON-number amount into ``int64(float64(n))`` and
parses a JSON-string amount exactly (REAL-SERVER.md, Running). So above
2**53 - 1 the SDK sends the decimal string, and reads such strings back where
the workflow config holds amounts. These tests look at the exact bytes that
reach a real server on loopback.
"""

from __future__ import annotations

import json
import struct
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from formance_orch import Ok, SDKCore
from formance_orch._amounts import (
    MAX_EXACT,
    read_amount,
    read_amounts,
    wire_amount,
    wire_amounts,
)
from formance_orch.funcs.orchestration_v2_create_workflow import orchestration_v2_create_workflow
from formance_orch.funcs.orchestration_v2_get_workflow import orchestration_v2_get_workflow
from formance_orch.funcs.orchestration_v2_list_workflows import orchestration_v2_list_workflows
from formance_orch.models.workflows import V2WorkflowConfig
from formance_orch.stages import Account, Monetary, Send
from tests.bodies import page
from tests.contract import contract
from tests.support import RecordingServer, Reply, workflow_json

# (amount, how it must appear in the request body)
AROUND_THE_LIMITS = [
    (0, b"0"),
    (100, b"100"),
    (2**53 - 1, b"9007199254740991"),
    (2**53, b'"9007199254740992"'),
    (2**53 + 1, b'"9007199254740993"'),
    (2**63 - 1, b'"9223372036854775807"'),
    (2**63, b'"9223372036854775808"'),
    (2**64, b'"18446744073709551616"'),
    (2**100, b'"1267650600228229401496703205376"'),
]
NEGATIVES = [
    (-1, b"-1"),
    (-(2**53 - 1), b"-9007199254740991"),
    (-(2**53), b'"-9007199254740992"'),
    (-(2**63), b'"-9223372036854775808"'),
    (-(2**64), b'"-18446744073709551616"'),
]
ACCOUNTS = b'"source":{"account":{"id":"world"}},"destination":{"account":{"id":"users:1"}}'


def raw_send(amount: Any) -> dict[str, Any]:
    return {
        "send": {
            "amount": {"asset": "USD/2", "amount": amount},
            "source": {"account": {"id": "world"}},
            "destination": {"account": {"id": "users:1"}},
        }
    }


def send_bytes(literal: bytes) -> bytes:
    return b'{"send":{"amount":{"asset":"USD/2","amount":' + literal + b"}," + ACCOUNTS + b"}}"


async def created(server: RecordingServer, core: SDKCore, **arguments: Any) -> bytes:
    """The body ``create_workflow(**arguments)`` put on the wire."""
    server.requests.clear()
    server.reply(Reply(status=201, json={"data": workflow_json()}))
    result = await orchestration_v2_create_workflow(core, **arguments)
    assert isinstance(result, Ok), result
    (request,) = server.requests
    return request.body


@pytest.mark.parametrize(("amount", "literal"), AROUND_THE_LIMITS)
async def test_builder_amounts_on_the_wire(server, core, amount, literal) -> None:
    stage = Send(
        amount=Monetary("USD/2", amount), source=Account("world"), destination=Account("users:1")
    )

    body = await created(server, core, stages=[stage])

    assert body == b'{"stages":[' + send_bytes(literal) + b"]}"


@pytest.mark.parametrize(("amount", "literal"), AROUND_THE_LIMITS + NEGATIVES)
async def test_raw_mapping_amounts_on_the_wire(server, core, amount, literal) -> None:
    expected = b'{"stages":[' + send_bytes(literal) + b"]}"

    assert await created(server, core, stages=[raw_send(amount)]) == expected
    # The same stage inside a whole-body mapping, and inside the model.
    assert await created(server, core, config={"stages": [raw_send(amount)]}) == expected
    model = V2WorkflowConfig(stages=[raw_send(amount)])
    assert await created(server, core, config=model) == expected


async def test_every_stage_of_a_mixed_config_is_converted(server, core) -> None:
    builder = Send(
        amount=Monetary("USD/2", 2**64), source=Account("world"), destination=Account("users:1")
    )
    stages = [
        raw_send(2**63),
        {"delay": {"duration": "1m"}},
        builder,
        raw_send(5),
        {"send": {**raw_send(0)["send"], "amount": Monetary("USD/2", 2**53)}},
    ]

    body = await created(server, core, config={"name": "mixed", "stages": stages})

    assert [stage.get("send", {}).get("amount") for stage in json.loads(body)["stages"]] == [
        {"asset": "USD/2", "amount": "9223372036854775808"},
        None,
        {"asset": "USD/2", "amount": "18446744073709551616"},
        {"asset": "USD/2", "amount": 5},
        {"asset": "USD/2", "amount": "9007199254740992"},
    ]


@pytest.mark.parametrize(
    "amount", ["${amount}", "${a}${b}", "9007199254740993", "abc", 1.5, True, None, [1]]
)
async def test_what_is_not_an_int_is_sent_as_it_is(server, core, amount) -> None:
    body = await created(server, core, stages=[raw_send(amount)])

    assert body == b'{"stages":[' + send_bytes(json.dumps(amount).encode()) + b"]}"


async def test_a_builder_placeholder_is_sent_as_it_is(server, core) -> None:
    stage = Send(
        amount=Monetary("USD/2", "${amount}"),
        source=Account("world"),
        destination=Account("users:1"),
    )

    body = await created(server, core, stages=[stage])

    assert body == b'{"stages":[' + send_bytes(b'"${amount}"') + b"]}"


async def test_big_numbers_elsewhere_in_a_config_stay_numbers(server, core) -> None:
    stages = [
        {"noop": {"amount": {"amount": 2**64}}},
        {"send": {"amount": 2**64, "other": {"amount": 2**64}}},
        {"update": {"account": {"id": "a", "ledger": "l", "metadata": {}}}, "x": 2**64},
    ]

    body = await created(server, core, stages=stages, name="n")

    assert body.count(b"18446744073709551616") == 4
    assert b'"18446744073709551616"' not in body


async def test_string_amounts_are_a_request_the_contract_allows(server, core) -> None:
    checker = contract()
    await created(server, core, stages=[raw_send(2**64)], name="big")

    (request,) = server.requests
    assert checker.check_request(request) == "/v2/workflows"


def test_a_builder_refuses_negative_amounts() -> None:
    with pytest.raises(ValueError, match="must be >= 0"):
        Monetary("USD/2", -(2**64))


# --- what the server makes of it ----------------------------------------------------


def go_amount(body: bytes) -> int:
    """The amount the real server reads from a one-send config body.

    JSON numbers are decoded as float64 and converted with int64(f) (garbage
    beyond int64, as on amd64); strings with big.Int.SetString.
    """
    wire = json.loads(body, parse_int=float)["stages"][0]["send"]["amount"]["amount"]
    if isinstance(wire, str):
        return int(wire)
    if not -(2**63) <= wire < 2**63:
        return -(2**63)
    return struct.unpack("<q", struct.pack("<q", int(wire)))[0]


@given(st.integers() | st.sampled_from([MAX_EXACT, MAX_EXACT + 1, 2**63, -(2**63), -(2**63) - 1]))
def test_the_server_reads_exactly_the_amount_the_sdk_meant(amount: int) -> None:
    from formance_orch import _serde

    config = V2WorkflowConfig(stages=[raw_send(amount)])
    body = _serde.dumps(config)

    assert go_amount(body) == amount
    # Without the conversion the server would read another amount.
    if not (-(2**63) <= amount < 2**63 and float(amount) == amount):
        assert go_amount(json.dumps({"stages": [raw_send(amount)]}).encode()) != amount


@given(st.integers())
def test_an_amount_survives_the_trip_to_the_wire_and_back(amount: int) -> None:
    sent = wire_amount(amount)

    assert type(sent) is (int if abs(amount) <= MAX_EXACT else str)
    assert read_amount(sent) == amount
    assert type(read_amount(json.loads(json.dumps(sent)))) is int


# --- reading them back --------------------------------------------------------------


def stored(*amounts: Any) -> dict[str, Any]:
    """A workflow whose config holds one send per amount, as the server stores it."""
    return workflow_json(config={"name": "big", "stages": [raw_send(a) for a in amounts]})


def amounts_of(config: V2WorkflowConfig) -> list[Any]:
    return [stage["send"]["amount"]["amount"] for stage in config.stages]


STORED = [
    ("36893488147419103232", 36893488147419103232),
    ("-9223372036854775808", -(2**63)),
    ("100", 100),
    ("0", 0),
    (100, 100),
    (1e21, 10**21),  # a number that went through float64, in exponent form
    ("${amount}", "${amount}"),
    ("007", "007"),  # not what the SDK writes: not read as a number
    ("1e5", "1e5"),
    (" 5", " 5"),
    ("+5", "+5"),
    ("-0", "-0"),
    ("12.5", "12.5"),
    (1.5, 1.5),
    (True, True),
]


async def test_get_workflow_reads_amount_strings_as_ints(server, core) -> None:
    amounts = [wire for wire, _ in STORED]
    body = json.dumps({"data": stored(*amounts)}).encode()
    server.reply(Reply(body=body))

    result = await orchestration_v2_get_workflow(core, "wf-1")

    assert isinstance(result, Ok), result
    read = amounts_of(result.value.config)
    assert read == [value for _, value in STORED]
    assert [type(value) for value in read] == [type(value) for _, value in STORED]


async def test_list_and_create_read_amount_strings_as_ints(server, core) -> None:
    server.reply(Reply(json=page([stored("18446744073709551616"), stored("5")])))
    listed = await orchestration_v2_list_workflows(core)
    assert isinstance(listed, Ok), listed
    assert [amounts_of(w.config) for w in listed.value.data] == [[2**64], [5]]

    server.reply(Reply(status=201, json={"data": stored("18446744073709551616")}))
    created_ = await orchestration_v2_create_workflow(core, stages=[raw_send(2**64)])
    assert isinstance(created_, Ok), created_
    assert amounts_of(created_.value.config) == [2**64]


async def test_strings_elsewhere_stay_strings(server, core) -> None:
    config = {
        "name": "123",
        "stages": [
            {
                "send": {
                    **raw_send("5")["send"],
                    "metadata": {"amount": "12345678901234567890"},
                    "source": {"account": {"id": "12345678901234567890"}},
                }
            },
            {"wait_event": {"event": "18446744073709551616"}},
            {"noop": {"amount": {"amount": "18446744073709551616"}}},
        ],
    }
    server.reply(Reply(json={"data": workflow_json(config=config)}))

    result = await orchestration_v2_get_workflow(core, "wf-1")

    assert isinstance(result, Ok), result
    expected = json.loads(json.dumps(config))
    expected["stages"][0]["send"]["amount"]["amount"] = 5
    assert result.value.config.name == "123"
    assert result.value.config.stages == expected["stages"]


def test_paths_may_end_with_every_item_of_a_list() -> None:
    paths = (("amounts", "*"),)
    data = {"amounts": [2**64, 1, "x"]}

    assert wire_amounts(data, paths) == {"amounts": ["18446744073709551616", 1, "x"]}
    assert read_amounts(wire_amounts(data, paths), paths) == data
    assert data == {"amounts": [2**64, 1, "x"]}


def test_reading_copies_instead_of_changing_the_data() -> None:
    data = {"stages": [raw_send("18446744073709551616"), {"delay": {"duration": "1s"}}]}
    before = json.loads(json.dumps(data))
    paths = V2WorkflowConfig.WIRE_AMOUNTS

    read = read_amounts(data, paths)

    assert data == before
    assert read["stages"][0]["send"]["amount"]["amount"] == 2**64
    assert read["stages"][1] is data["stages"][1]
    untouched = {"stages": [raw_send(5)]}
    assert read_amounts(untouched, paths) is untouched
    for odd in ({"stages": None}, {"stages": "x"}, {"stages": [None, "x", {"send": 5}]}, []):
        assert read_amounts(odd, paths) is odd


async def test_what_was_created_reads_back_as_what_was_meant(server, core) -> None:
    """The server stores the config as sent: a create, then a get, gives the same amounts."""
    amounts = [2**53 - 1, 2**53, 2**63, 2**64, -(2**64), "${amount}"]
    body = await created(server, core, stages=[raw_send(a) for a in amounts])
    server.reply(Reply(json={"data": workflow_json(config=json.loads(body))}))

    result = await orchestration_v2_get_workflow(core, "wf-1")

    assert isinstance(result, Ok), result
    assert amounts_of(result.value.config) == amounts
