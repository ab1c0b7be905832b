"""Typed builders for the stages of a workflow definition.

A workflow is a list of stages; on the wire each stage is an object with one
key naming its kind (``send``, ``delay``, ``wait_event``, ``update``). The
classes here build those objects, check them when they are constructed, and
give their JSON through ``to_wire()``, which the SDK's encoder calls, so
builders and raw mappings can be mixed::

    from formance_orch.stages import Account, Delay, Monetary, Send, Wallet

    stages = [
        Delay(duration="${wait}"),
        Send(
            amount=Monetary("USD/2", "${amount}"),
            source=Wallet("${walletID}"),
            destination=Account("users:${userID}", ledger="default"),
        ),
        {"wait_event": {"event": "paid"}},
    ]

String values may hold ``${variable}`` placeholders, which the server fills
from the run variables. An amount is an ``int`` or a string that is exactly one
placeholder; a delay's ``duration`` and the ``until`` and ``timestamp`` dates
may be any string holding a placeholder: they are checked by the server once
the variables are substituted.

Amounts stay exact at any size. The server reads an amount sent as a JSON
number through float64 and then int64, so above 2**53 it would silently move a
different amount (and above 2**63 an arbitrary one), while it parses an amount
sent as a JSON string exactly. So an amount whose magnitude is above
2**53 - 1 is sent as its decimal string (``"36893488147419103232"``); smaller
ones are sent as JSON integers, as the contract types them. The same holds for
amounts written in raw mappings (``stage["send"]["amount"]["amount"]``) and in
a ``V2WorkflowConfig``. The server stores what was sent, so ``get_workflow``
and ``list_workflows`` return such amounts as strings; the SDK reads them back
as the exact ``int``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, TypeAlias

import attrs

from formance_orch._amounts import wire_amount

__all__ = [
    "Account",
    "Delay",
    "Destination",
    "Monetary",
    "PaymentDestination",
    "PaymentSource",
    "Send",
    "Source",
    "Stage",
    "StageLike",
    "Update",
    "WaitEvent",
    "Wallet",
]

# What the server substitutes: ``${`` then a name without ``}``, then ``}``.
_PLACEHOLDER = re.compile(r"\$\{[^}]+\}")
# Go's time.ParseDuration, unsigned: one or more <number><unit>, or a bare 0.
_GO_DURATION = re.compile(r"(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:ns|us|µs|μs|ms|s|m|h))+|0")


# --- checks ------------------------------------------------------------------------


def _name(instance: object, attribute: attrs.Attribute[Any]) -> str:
    """``Class.field``, for messages."""
    return f"{type(instance).__name__}.{attribute.name}"


def _kind(value: object) -> str:
    return type(value).__name__


def _text(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A non-blank string (which may hold placeholders)."""
    if not isinstance(value, str):
        raise TypeError(f"{_name(instance, attribute)} must be a string, got {_kind(value)}")
    if not value.strip():
        raise ValueError(f"{_name(instance, attribute)} must be a non-empty string")


def _optional_text(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        _text(instance, attribute, value)


def _amount(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """An integer >= 0, or a string that is exactly one placeholder."""
    name = _name(instance, attribute)
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError(f"{name} must be an int or a ${{variable}} placeholder, got {_kind(value)}")
    if isinstance(value, str) and not _PLACEHOLDER.fullmatch(value):
        raise ValueError(f"{name} must be an int or exactly one ${{variable}}, got {value!r}")
    if isinstance(value, int) and value < 0:
        raise ValueError(f"{name} must be >= 0, got {value}")


def _moment(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """None, a timezone-aware datetime, or a string holding a placeholder."""
    name = _name(instance, attribute)
    if value is None:
        return
    if isinstance(value, datetime):
        if value.utcoffset() is None:
            raise ValueError(f"{name} must be a timezone-aware datetime, got a naive one")
    elif isinstance(value, str):
        if not _PLACEHOLDER.search(value):
            raise ValueError(
                f"{name} must be a datetime or a string with a ${{variable}}, got {value!r}"
            )
    else:
        raise TypeError(f"{name} must be a datetime or a ${{variable}} string, got {_kind(value)}")


def _duration(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """None, a Go duration, or a string holding a placeholder."""
    name = _name(instance, attribute)
    if value is None:
        return
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str or a timedelta, got {_kind(value)}")
    if not (_GO_DURATION.fullmatch(value) or _PLACEHOLDER.search(value)):
        raise ValueError(
            f"{name} must be a Go duration such as '1h30m' or '300ms', or hold a ${{variable}},"
            f" got {value!r}"
        )


def _metadata(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A mapping of strings to strings (already copied into a dict)."""
    name = _name(instance, attribute)
    if not isinstance(value, dict):
        raise TypeError(f"{name} must be a mapping of str to str, got {_kind(value)}")
    for key, item in value.items():
        if not isinstance(key, str):
            raise TypeError(f"{name} keys must be strings, got {_kind(key)} {key!r}")
        if not isinstance(item, str):
            raise TypeError(f"{name}[{key!r}] must be a string, got {_kind(item)}")


def _optional_metadata(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        _metadata(instance, attribute, value)


def _copy_metadata(value: Mapping[str, str]) -> dict[str, str]:
    """A private copy of a mapping (anything else is left for ``_metadata`` to reject)."""
    return dict(value) if isinstance(value, Mapping) else value


def _copy_optional_metadata(value: Mapping[str, str] | None) -> dict[str, str] | None:
    return dict(value) if isinstance(value, Mapping) else value


def _one_of(*kinds: type) -> Callable[[object, attrs.Attribute[Any], object], None]:
    """A validator accepting only instances of ``kinds``."""
    names = ", ".join(kind.__name__ for kind in kinds)
    expected = f"one of {names}" if len(kinds) > 1 else f"a {names}"

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, kinds):
            raise TypeError(f"{_name(instance, attribute)} must be {expected}, got {_kind(value)}")

    return check


# --- wire forms ----------------------------------------------------------------------


def _rfc3339(value: datetime | str) -> str:
    """A date as RFC 3339 (placeholders are sent as they are)."""
    if isinstance(value, str):
        return value
    offset = value.utcoffset()
    if offset is not None and offset % timedelta(minutes=1):
        value = value.astimezone(UTC)  # RFC 3339 offsets are whole minutes
    return value.isoformat()


def _go_duration(value: str | timedelta | None) -> str | None:
    """A ``timedelta`` in Go duration syntax (``1h30m``, ``1.5s``); strings pass."""
    if not isinstance(value, timedelta):
        return value
    if value < timedelta(0):
        raise ValueError(f"Delay.duration must not be negative, got {value}")
    micros = value // timedelta(microseconds=1)
    hours, micros = divmod(micros, 3_600_000_000)
    minutes, micros = divmod(micros, 60_000_000)
    seconds, micros = divmod(micros, 1_000_000)
    text = (f"{hours}h" if hours else "") + (f"{minutes}m" if minutes else "")
    if seconds or micros or not text:
        text += f"{seconds}.{micros:06d}".rstrip("0").rstrip(".") + "s"
    return text


# --- parts -------------------------------------------------------------------------


@attrs.frozen
class Monetary:
    """An amount of an asset: ``Monetary("USD/2", 100)`` is one dollar.

    ``amount`` is an integer of any size (in the asset's smallest unit) or a
    string that is exactly one ``${variable}`` placeholder. Above 2**53 - 1 it
    is sent as a decimal string, which the server reads exactly (see the
    module's documentation).
    """

    asset: str = attrs.field(validator=_text)
    amount: int | str = attrs.field(validator=_amount)

    def to_wire(self) -> dict[str, Any]:
        """The JSON object: ``{"asset": ..., "amount": ...}``, a big amount as a string."""
        return {"asset": self.asset, "amount": wire_amount(self.amount)}


@attrs.frozen
class Account:
    """A ledger account, as the source or destination of a send."""

    id: str = attrs.field(validator=_text)
    ledger: str | None = attrs.field(default=None, kw_only=True, validator=_optional_text)

    def to_wire(self) -> dict[str, Any]:
        """The JSON object: ``{"account": {"id": ..., "ledger": ...}}``."""
        body = {"id": self.id}
        if self.ledger is not None:
            body["ledger"] = self.ledger
        return {"account": body}


@attrs.frozen
class Wallet:
    """A wallet (optionally one of its balances), as the source or destination of a send."""

    id: str = attrs.field(validator=_text)
    balance: str | None = attrs.field(default=None, kw_only=True, validator=_optional_text)

    def to_wire(self) -> dict[str, Any]:
        """The JSON object: ``{"wallet": {"id": ..., "balance": ...}}``."""
        body = {"id": self.id}
        if self.balance is not None:
            body["balance"] = self.balance
        return {"wallet": body}


@attrs.frozen
class PaymentSource:
    """An incoming payment (by its id), as the source of a send."""

    id: str = attrs.field(validator=_text)

    def to_wire(self) -> dict[str, Any]:
        """The JSON object: ``{"payment": {"id": ...}}``."""
        return {"payment": {"id": self.id}}


@attrs.frozen
class PaymentDestination:
    """A payout through a payment service provider (by its name), as a send's destination."""

    psp: str = attrs.field(validator=_text)

    def to_wire(self) -> dict[str, Any]:
        """The JSON object: ``{"payment": {"psp": ...}}``."""
        return {"payment": {"psp": self.psp}}


#: Where a send takes funds from.
Source: TypeAlias = Account | Wallet | PaymentSource
#: Where a send puts funds.
Destination: TypeAlias = Account | Wallet | PaymentDestination


# --- stages ------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Send:
    """Move ``amount`` from ``source`` to ``destination``.

    ``metadata`` is attached to what the send records; ``timestamp`` (a
    timezone-aware ``datetime`` or a string holding a ``${variable}``) dates it.
    """

    amount: Monetary = attrs.field(validator=_one_of(Monetary))
    source: Source = attrs.field(validator=_one_of(Account, Wallet, PaymentSource))
    destination: Destination = attrs.field(validator=_one_of(Account, Wallet, PaymentDestination))
    metadata: dict[str, str] | None = attrs.field(
        default=None, converter=_copy_optional_metadata, validator=_optional_metadata, hash=False
    )
    timestamp: datetime | str | None = attrs.field(default=None, validator=_moment)

    def to_wire(self) -> dict[str, Any]:
        """The stage as JSON: ``{"send": {...}}``, without the fields left unset."""
        body: dict[str, Any] = {
            "amount": self.amount.to_wire(),
            "source": self.source.to_wire(),
            "destination": self.destination.to_wire(),
        }
        if self.metadata is not None:
            body["metadata"] = dict(self.metadata)
        if self.timestamp is not None:
            body["timestamp"] = _rfc3339(self.timestamp)
        return {"send": body}


@attrs.frozen(kw_only=True)
class Delay:
    """Wait for a ``duration`` or ``until`` a date: exactly one of the two.

    ``duration`` is Go duration syntax (``"1h30m"``, ``"1.5s"``, ``"300ms"``),
    a ``timedelta`` (converted to that syntax) or a string holding a
    ``${variable}``; ``until`` is a timezone-aware ``datetime`` (sent as
    RFC 3339) or a string holding a ``${variable}``.
    """

    duration: str | None = attrs.field(default=None, converter=_go_duration, validator=_duration)
    until: datetime | str | None = attrs.field(default=None, validator=_moment)

    def __attrs_post_init__(self) -> None:
        if (self.duration is None) == (self.until is None):
            raise ValueError("Delay needs exactly one of duration or until")

    def to_wire(self) -> dict[str, Any]:
        """The stage as JSON: ``{"delay": {"duration": ...}}`` or ``{"delay": {"until": ...}}``."""
        if self.duration is not None:
            return {"delay": {"duration": self.duration}}
        assert self.until is not None
        return {"delay": {"until": _rfc3339(self.until)}}


@attrs.frozen
class WaitEvent:
    """Wait until an event of this name is sent to the instance."""

    event: str = attrs.field(validator=_text)

    def to_wire(self) -> dict[str, Any]:
        """The stage as JSON: ``{"wait_event": {"event": ...}}``."""
        return {"wait_event": {"event": self.event}}


@attrs.frozen(kw_only=True)
class Update:
    """Set metadata on the ledger account ``id`` of ``ledger``."""

    id: str = attrs.field(validator=_text)
    ledger: str = attrs.field(validator=_text)
    metadata: dict[str, str] = attrs.field(
        converter=_copy_metadata, validator=_metadata, hash=False
    )

    def to_wire(self) -> dict[str, Any]:
        """The stage as JSON: ``{"update": {"account": {"id", "ledger", "metadata"}}}``."""
        account = {"id": self.id, "ledger": self.ledger, "metadata": dict(self.metadata)}
        return {"update": {"account": account}}


#: A stage built here.
Stage: TypeAlias = Send | Delay | WaitEvent | Update
#: A stage built here, or its JSON as a mapping.
StageLike: TypeAlias = Stage | Mapping[str, Any]
