"""The typed stage builders: their wire JSON, their checks, and their trip to the server."""

from __future__ import annotations

import json
import subprocess
import sys
import typing
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import attrs
import pytest

from formance_orch import _serde
from formance_orch.core import SDKCore
from formance_orch.funcs.orchestration_v2_create_workflow import orchestration_v2_create_workflow
from formance_orch.result import Ok
from formance_orch.stages import (
    Account,
    Delay,
    Monetary,
    PaymentDestination,
    PaymentSource,
    Send,
    Stage,
    StageLike,
    Update,
    WaitEvent,
    Wallet,
)
from tests.support import RecordingServer, Reply, workflow_json

WHEN = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
NAIVE = datetime(2030, 1, 2, 3, 4, 5)
BIG = 2**100


def usd(amount: int | str = 100) -> Monetary:
    return Monetary("USD/2", amount)


def send(**overrides: Any) -> Send:
    fields: dict[str, Any] = {
        "amount": usd(),
        "source": Account("world"),
        "destination": Account("users:1"),
    }
    fields.update(overrides)
    return Send(**fields)


def has_null(value: Any) -> bool:
    if isinstance(value, dict):
        return any(has_null(item) for item in value.values())
    if isinstance(value, list):
        return any(has_null(item) for item in value)
    return value is None


# --- wire JSON ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "wire"),
    [
        (
            Send(
                amount=Monetary("USD/2", 100),
                source=Account("users:001", ledger="default"),
                destination=Wallet("w-1", balance="main"),
                metadata={"k": "v"},
                timestamp=WHEN,
            ),
            {
                "send": {
                    "amount": {"asset": "USD/2", "amount": 100},
                    "source": {"account": {"id": "users:001", "ledger": "default"}},
                    "destination": {"wallet": {"id": "w-1", "balance": "main"}},
                    "metadata": {"k": "v"},
                    "timestamp": "2030-01-02T03:04:05+00:00",
                }
            },
        ),
        (
            Send(
                amount=Monetary("EUR/2", BIG),
                source=Wallet("w-1"),
                destination=Account("bank"),
            ),
            {
                "send": {
                    "amount": {"asset": "EUR/2", "amount": str(BIG)},
                    "source": {"wallet": {"id": "w-1"}},
                    "destination": {"account": {"id": "bank"}},
                }
            },
        ),
        (
            Send(
                amount=Monetary("${asset}", "${amount}"),
                source=PaymentSource("${paymentID}"),
                destination=PaymentDestination("${psp}"),
                metadata={"order": "${orderID}"},
                timestamp="${at}",
            ),
            {
                "send": {
                    "amount": {"asset": "${asset}", "amount": "${amount}"},
                    "source": {"payment": {"id": "${paymentID}"}},
                    "destination": {"payment": {"psp": "${psp}"}},
                    "metadata": {"order": "${orderID}"},
                    "timestamp": "${at}",
                }
            },
        ),
        (
            send(source=Account("users:${userID}", ledger="${ledger}"), amount=usd(0)),
            {
                "send": {
                    "amount": {"asset": "USD/2", "amount": 0},
                    "source": {"account": {"id": "users:${userID}", "ledger": "${ledger}"}},
                    "destination": {"account": {"id": "users:1"}},
                }
            },
        ),
        (send(metadata={}), {"send": {**send().to_wire()["send"], "metadata": {}}}),
        (Delay(duration="1h30m"), {"delay": {"duration": "1h30m"}}),
        (Delay(duration="${wait}"), {"delay": {"duration": "${wait}"}}),
        (Delay(until=WHEN), {"delay": {"until": "2030-01-02T03:04:05+00:00"}}),
        (
            Delay(until=datetime(2030, 1, 2, 3, 4, 5, 6, tzinfo=timezone(timedelta(hours=-5)))),
            {"delay": {"until": "2030-01-02T03:04:05.000006-05:00"}},
        ),
        (Delay(until="${deadline}"), {"delay": {"until": "${deadline}"}}),
        (WaitEvent("paid"), {"wait_event": {"event": "paid"}}),
        (WaitEvent("${event}"), {"wait_event": {"event": "${event}"}}),
        (
            Update(id="users:${userID}", ledger="default", metadata={"tier": "gold"}),
            {
                "update": {
                    "account": {
                        "id": "users:${userID}",
                        "ledger": "default",
                        "metadata": {"tier": "gold"},
                    }
                }
            },
        ),
        (
            Update(id="a", ledger="l", metadata={}),
            {"update": {"account": {"id": "a", "ledger": "l", "metadata": {}}}},
        ),
    ],
)
def test_wire_json(stage: Stage, wire: dict[str, Any]) -> None:
    assert stage.to_wire() == wire
    assert not has_null(stage.to_wire())
    assert json.loads(_serde.dumps(stage)) == wire


@pytest.mark.parametrize(
    ("part", "wire"),
    [
        (Monetary("USD/2", BIG), {"asset": "USD/2", "amount": str(BIG)}),
        (Account("a"), {"account": {"id": "a"}}),
        (Account("a", ledger="l"), {"account": {"id": "a", "ledger": "l"}}),
        (Wallet("w"), {"wallet": {"id": "w"}}),
        (Wallet("w", balance="b"), {"wallet": {"id": "w", "balance": "b"}}),
        (PaymentSource("p"), {"payment": {"id": "p"}}),
        (PaymentDestination("stripe"), {"payment": {"psp": "stripe"}}),
    ],
)
def test_parts_wire_json(part: Any, wire: dict[str, Any]) -> None:
    assert part.to_wire() == wire


def test_big_amounts_are_encoded_exactly() -> None:
    encoded = _serde.dumps(send(amount=usd(BIG)))

    assert b'"amount":"1267650600228229401496703205376"' in encoded


@pytest.mark.parametrize(
    ("duration", "wire"),
    [
        (timedelta(0), "0s"),
        (timedelta(minutes=90), "1h30m"),
        (timedelta(seconds=1.5), "1.5s"),
        (timedelta(milliseconds=300), "0.3s"),
        (timedelta(days=2, seconds=5), "48h5s"),
        (timedelta(hours=1, microseconds=1), "1h0.000001s"),
    ],
)
def test_a_timedelta_becomes_a_go_duration(duration: timedelta, wire: str) -> None:
    assert Delay(duration=duration).to_wire() == {"delay": {"duration": wire}}


@pytest.mark.parametrize(
    "duration",
    ["0", "1h30m", "1.5s", "300ms", ".5s", "1.s", "10ns", "1us", "1µs", "1μs", "2h45m30.5s"],
)
def test_go_durations_are_accepted(duration: str) -> None:
    assert Delay(duration=duration).duration == duration


@pytest.mark.parametrize("duration", ["${wait}", "${minutes}m", "1h${more}"])
def test_durations_holding_a_placeholder_are_accepted(duration: str) -> None:
    assert Delay(duration=duration).to_wire() == {"delay": {"duration": duration}}


def test_an_offset_with_seconds_is_sent_in_utc() -> None:
    odd = timezone(timedelta(hours=1, seconds=30))
    until = datetime(2030, 1, 1, tzinfo=odd)

    assert Delay(until=until).to_wire() == {"delay": {"until": "2029-12-31T22:59:30+00:00"}}


def test_metadata_is_copied_at_construction() -> None:
    metadata = {"k": "v"}
    stage = Update(id="a", ledger="l", metadata=metadata)
    sent = send(metadata=metadata)

    metadata["k"] = "changed"
    metadata["new"] = "x"

    assert stage.to_wire()["update"]["account"]["metadata"] == {"k": "v"}
    assert sent.to_wire()["send"]["metadata"] == {"k": "v"}


def test_builders_are_frozen_comparable_and_hashable() -> None:
    stage = Update(id="a", ledger="l", metadata={"k": "v"})

    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        stage.id = "b"  # type: ignore[misc]
    assert stage == Update(id="a", ledger="l", metadata={"k": "v"})
    assert stage != Update(id="a", ledger="l", metadata={"k": "w"})
    assert hash(stage) == hash(Update(id="a", ledger="l", metadata={"k": "v"}))
    assert len({send(), send(), send(metadata={"k": "v"})}) == 2
    assert Delay(duration=timedelta(minutes=5)) == Delay(duration="5m")


def test_stage_aliases() -> None:
    assert typing.get_args(Stage) == (Send, Delay, WaitEvent, Update)
    assert set(typing.get_args(StageLike)) >= {Send, Delay, WaitEvent, Update}
    assert isinstance(WaitEvent("x"), Stage)
    assert not isinstance(Account("a"), Stage)


# --- rejected constructions ----------------------------------------------------------------

INVALID: list[tuple[str, Callable[[], object], type[Exception], str]] = [
    # delay
    ("delay-neither", lambda: Delay(), ValueError, "exactly one of duration or until"),
    (
        "delay-both",
        lambda: Delay(duration="5m", until=WHEN),
        ValueError,
        "exactly one of duration or until",
    ),
    ("duration-no-unit", lambda: Delay(duration="5"), ValueError, "Delay.duration must be a Go"),
    ("duration-space", lambda: Delay(duration="1h 30m"), ValueError, "Delay.duration"),
    ("duration-days", lambda: Delay(duration="1d"), ValueError, "'1d'"),
    ("duration-negative", lambda: Delay(duration="-5m"), ValueError, "Delay.duration"),
    ("duration-empty", lambda: Delay(duration=""), ValueError, "Delay.duration"),
    ("duration-unit-only", lambda: Delay(duration="m"), ValueError, "Delay.duration"),
    ("duration-dot-only", lambda: Delay(duration=".s"), ValueError, "Delay.duration"),
    ("duration-unicode-digit", lambda: Delay(duration="٣s"), ValueError, "Delay.duration"),
    ("duration-empty-placeholder", lambda: Delay(duration="${}"), ValueError, "Delay.duration"),
    (
        "duration-int",
        lambda: Delay(duration=5),  # type: ignore[arg-type]
        TypeError,
        "Delay.duration must be a str or a timedelta, got int",
    ),
    (
        "duration-negative-timedelta",
        lambda: Delay(duration=timedelta(seconds=-1)),
        ValueError,
        "Delay.duration must not be negative",
    ),
    (
        "until-naive",
        lambda: Delay(until=NAIVE),
        ValueError,
        "Delay.until must be a timezone-aware datetime",
    ),
    (
        "until-literal-string",
        lambda: Delay(until="2030-01-01T00:00:00Z"),
        ValueError,
        "Delay.until must be a datetime or a string with a ${variable}",
    ),
    (
        "until-epoch",
        lambda: Delay(until=1_900_000_000),  # type: ignore[arg-type]
        TypeError,
        "Delay.until must be a datetime",
    ),
    # monetary
    ("asset-empty", lambda: Monetary("", 1), ValueError, "Monetary.asset must be a non-empty"),
    (
        "asset-not-str",
        lambda: Monetary(1, 1),  # type: ignore[arg-type]
        TypeError,
        "Monetary.asset must be a string, got int",
    ),
    ("amount-negative", lambda: usd(-1), ValueError, "Monetary.amount must be >= 0, got -1"),
    ("amount-bool", lambda: usd(True), TypeError, "Monetary.amount must be an int"),
    (
        "amount-float",
        lambda: usd(1.0),  # type: ignore[arg-type]
        TypeError,
        "Monetary.amount must be an int or a ${variable} placeholder, got float",
    ),
    ("amount-none", lambda: usd(None), TypeError, "got NoneType"),  # type: ignore[arg-type]
    (
        "amount-digits",
        lambda: usd("100"),
        ValueError,
        "Monetary.amount must be an int or exactly one ${variable}, got '100'",
    ),
    ("amount-two-placeholders", lambda: usd("${a}${b}"), ValueError, "exactly one ${variable}"),
    ("amount-partial-placeholder", lambda: usd("1${zeros}"), ValueError, "exactly one"),
    ("amount-empty-placeholder", lambda: usd("${}"), ValueError, "exactly one"),
    # parts
    ("account-id-empty", lambda: Account(""), ValueError, "Account.id must be a non-empty"),
    ("account-id-blank", lambda: Account("  "), ValueError, "Account.id must be a non-empty"),
    (
        "account-id-none",
        lambda: Account(None),  # type: ignore[arg-type]
        TypeError,
        "Account.id must be a string, got NoneType",
    ),
    ("account-ledger-empty", lambda: Account("a", ledger=""), ValueError, "Account.ledger"),
    ("wallet-id-empty", lambda: Wallet(""), ValueError, "Wallet.id must be a non-empty"),
    (
        "wallet-balance-int",
        lambda: Wallet("w", balance=1),  # type: ignore[arg-type]
        TypeError,
        "Wallet.balance must be a string",
    ),
    ("payment-id-empty", lambda: PaymentSource(""), ValueError, "PaymentSource.id"),
    ("psp-empty", lambda: PaymentDestination(""), ValueError, "PaymentDestination.psp"),
    ("event-empty", lambda: WaitEvent(""), ValueError, "WaitEvent.event must be a non-empty"),
    (
        "event-bytes",
        lambda: WaitEvent(b"paid"),  # type: ignore[arg-type]
        TypeError,
        "WaitEvent.event must be a string, got bytes",
    ),
    # send
    (
        "send-no-source",
        lambda: Send(amount=usd(), destination=Account("a")),  # type: ignore[call-arg]
        TypeError,
        "'source'",
    ),
    (
        "send-no-destination",
        lambda: Send(amount=usd(), source=Account("a")),  # type: ignore[call-arg]
        TypeError,
        "'destination'",
    ),
    (
        "send-no-amount",
        lambda: Send(source=Account("a"), destination=Account("b")),  # type: ignore[call-arg]
        TypeError,
        "'amount'",
    ),
    (
        "source-is-a-destination",
        lambda: send(source=PaymentDestination("stripe")),
        TypeError,
        "Send.source must be one of Account, Wallet, PaymentSource, got PaymentDestination",
    ),
    (
        "destination-is-a-source",
        lambda: send(destination=PaymentSource("p")),
        TypeError,
        "Send.destination must be one of Account, Wallet, PaymentDestination, got PaymentSource",
    ),
    (
        "source-raw-mapping",
        lambda: send(source={"account": {"id": "a"}}),
        TypeError,
        "Send.source must be one of Account, Wallet, PaymentSource, got dict",
    ),
    ("source-none", lambda: send(source=None), TypeError, "Send.source"),
    ("amount-int", lambda: send(amount=100), TypeError, "Send.amount must be a Monetary, got int"),
    (
        "metadata-int-value",
        lambda: send(metadata={"k": 1}),
        TypeError,
        "Send.metadata['k'] must be a string, got int",
    ),
    (
        "metadata-int-key",
        lambda: send(metadata={1: "v"}),
        TypeError,
        "Send.metadata keys must be strings, got int 1",
    ),
    (
        "metadata-pairs",
        lambda: send(metadata=[("k", "v")]),
        TypeError,
        "Send.metadata must be a mapping of str to str, got list",
    ),
    (
        "timestamp-naive",
        lambda: send(timestamp=NAIVE),
        ValueError,
        "Send.timestamp must be a timezone-aware datetime",
    ),
    ("timestamp-word", lambda: send(timestamp="yesterday"), ValueError, "Send.timestamp"),
    ("timestamp-date", lambda: send(timestamp=WHEN.date()), TypeError, "got date"),
    # update
    (
        "update-no-metadata",
        lambda: Update(id="a", ledger="l"),  # type: ignore[call-arg]
        TypeError,
        "'metadata'",
    ),
    (
        "update-metadata-none",
        lambda: Update(id="a", ledger="l", metadata=None),  # type: ignore[arg-type]
        TypeError,
        "Update.metadata must be a mapping of str to str, got NoneType",
    ),
    (
        "update-metadata-value",
        lambda: Update(id="a", ledger="l", metadata={"k": None}),  # type: ignore[dict-item]
        TypeError,
        "Update.metadata['k'] must be a string, got NoneType",
    ),
    (
        "update-no-ledger",
        lambda: Update(id="a", metadata={}),  # type: ignore[call-arg]
        TypeError,
        "'ledger'",
    ),
    ("update-ledger-empty", lambda: Update(id="a", ledger="", metadata={}), ValueError, "ledger"),
    (
        "update-id-none",
        lambda: Update(id=None, ledger="l", metadata={}),  # type: ignore[arg-type]
        TypeError,
        "Update.id must be a string, got NoneType",
    ),
]


@pytest.mark.parametrize(
    ("build", "error", "fragment"),
    [case[1:] for case in INVALID],
    ids=[case[0] for case in INVALID],
)
def test_invalid_constructions_are_rejected(
    build: Callable[[], object], error: type[Exception], fragment: str
) -> None:
    with pytest.raises(error) as caught:
        build()

    assert type(caught.value) is error
    assert fragment in str(caught.value)


# --- encoding ------------------------------------------------------------------------------


def test_dumps_mixes_builders_and_raw_mappings() -> None:
    encoded = _serde.dumps([Delay(duration="5m"), {"raw": 1}])

    assert encoded == b'[{"delay":{"duration":"5m"}},{"raw":1}]'


def test_dumps_encodes_builders_nested_in_mappings() -> None:
    encoded = _serde.dumps({"stages": [WaitEvent("paid"), Delay(until=WHEN)], "name": "n"})

    assert encoded == (
        b'{"stages":[{"wait_event":{"event":"paid"}},'
        b'{"delay":{"until":"2030-01-02T03:04:05+00:00"}}],"name":"n"}'
    )


async def test_create_workflow_sends_the_builders_wire_json(
    server: RecordingServer, core: SDKCore
) -> None:
    server.reply(Reply(status=201, json={"data": workflow_json("wf-7")}))
    stages: list[StageLike] = [
        Send(
            amount=Monetary("USD/2", BIG),
            source=Account("users:${userID}", ledger="default"),
            destination=PaymentDestination("stripe"),
            metadata={"reason": "payout"},
        ),
        Delay(duration=timedelta(hours=1, minutes=30)),
        Delay(until="${deadline}"),
        WaitEvent("paid"),
        Update(id="users:${userID}", ledger="default", metadata={"paid": "true"}),
        {"wait_event": {"event": "raw"}},
    ]

    result = await orchestration_v2_create_workflow(core, stages=stages, name="payout")

    assert isinstance(result, Ok)
    assert result.value.id == "wf-7"
    (request,) = server.requests
    assert request.method == "POST"
    assert request.json == {
        "name": "payout",
        "stages": [
            {
                "send": {
                    "amount": {"asset": "USD/2", "amount": str(BIG)},
                    "source": {"account": {"id": "users:${userID}", "ledger": "default"}},
                    "destination": {"payment": {"psp": "stripe"}},
                    "metadata": {"reason": "payout"},
                }
            },
            {"delay": {"duration": "1h30m"}},
            {"delay": {"until": "${deadline}"}},
            {"wait_event": {"event": "paid"}},
            {
                "update": {
                    "account": {
                        "id": "users:${userID}",
                        "ledger": "default",
                        "metadata": {"paid": "true"},
                    }
                }
            },
            {"wait_event": {"event": "raw"}},
        ],
    }


# --- imports -------------------------------------------------------------------------------


def test_importing_stages_needs_no_http_stack() -> None:
    code = "import sys, json\nimport formance_orch.stages\nprint(json.dumps(sorted(sys.modules)))"
    output = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    loaded = set(json.loads(output))

    assert "formance_orch.stages" in loaded
    assert "aiohttp" not in loaded
    assert "cattrs" not in loaded
    ours = {name for name in loaded if name.startswith("formance_orch")}
    assert ours <= {
        "formance_orch",
        "formance_orch._amounts",
        "formance_orch._lazy",
        "formance_orch._version",
        "formance_orch.stages",
    }
