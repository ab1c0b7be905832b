"""Workflow configs: the checks at create (REAL-SERVER §3) and the resolution at run time (§4).

A stage is ``{kind: {...}}``. ``schema.Resolve`` maps that object onto the
stage's Go struct: ``${name}`` placeholders are filled in every string leaf
(a missing variable becomes ``""``), an empty string takes the field's default
or leaves it unset, amounts parse as big ints. Required fields and one-of
choices are checked afterwards (``requirements``), at run time on the real
server. The resolved stage renders as the history ``input`` (§6).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from formance_orch.emulator.godur import format_duration, parse_duration
from formance_orch.emulator.wire import GoFloat, go_type_name, parse_rfc3339, utc_micro_time

__all__ = [
    "KINDS",
    "ConfigError",
    "Resolved",
    "check_config",
    "history_input",
    "requirements",
    "resolve_stage",
    "stage_kind",
]

_PLACEHOLDER = re.compile(r"\$\{([^}]+)\}")
_INT64_MIN = -(2**63)
#: The value a time field takes from ``"${missing}"``: a non-nil zero time (§4).
ZERO_TIME = "0001-01-01T00:00:00Z"


class ConfigError(ValueError):
    """A config the service refuses, with the service's message."""


@attrs.frozen
class Field:
    """One field of a stage struct: Go name, JSON key, kind, default, nested fields."""

    go: str
    key: str
    kind: str  # string | duration | time | bigint | bool | strmap | struct | ptr
    default: str = ""
    fields: tuple[Field, ...] = ()


def _ptr(go: str, key: str, *fields: Field) -> Field:
    return Field(go, key, "ptr", fields=fields)


_WALLET = (Field("ID", "id", "string"), Field("Name", "name", "string"))
_WALLET_REF = (*_WALLET, Field("Balance", "balance", "string", default="main"))
_ACCOUNT = (Field("ID", "id", "string"), Field("Ledger", "ledger", "string", default="default"))
_MONETARY = (Field("Amount", "amount", "bigint"), Field("Asset", "asset", "string"))

#: Each stage kind's fields, as the Go structs declare them (§3 table).
KINDS: dict[str, tuple[str, tuple[Field, ...]]] = {
    "delay": (
        "Delay",
        (Field("Duration", "duration", "duration"), Field("Until", "until", "time")),
    ),
    "wait_event": ("WaitEvent", (Field("Event", "event", "string"),)),
    "send": (
        "Send",
        (
            Field(
                "Source",
                "source",
                "struct",
                fields=(
                    _ptr("Wallet", "wallet", *_WALLET_REF),
                    _ptr("Account", "account", *_ACCOUNT),
                    _ptr("Payment", "payment", Field("ID", "id", "string")),
                ),
            ),
            Field(
                "Destination",
                "destination",
                "struct",
                fields=(
                    _ptr("Wallet", "wallet", *_WALLET_REF),
                    _ptr("Account", "account", *_ACCOUNT),
                    _ptr(
                        "Payment",
                        "payment",
                        Field("PSP", "psp", "string"),
                        Field("ConnectorID", "connectorId", "string"),
                        Field("Metadata", "metadata", "string", default="formanceAccountID"),
                        Field("WaitingValidation", "waitingValidation", "bool", default="false"),
                    ),
                ),
            ),
            _ptr("Amount", "amount", *_MONETARY),
            Field("Metadata", "metadata", "strmap"),
            Field("Timestamp", "timestamp", "time"),
        ),
    ),
    "update": (
        "Update",
        (
            _ptr(
                "Account",
                "account",
                Field("ID", "id", "string"),
                Field("Ledger", "ledger", "string", default="main"),
                Field("Metadata", "metadata", "strmap"),
            ),
        ),
    ),
    "noop": ("Noop", ()),
}

#: A resolved stage: Go-typed values by JSON key (None = unset / nil).
Resolved = dict[str, Any]


def stage_kind(stage: Mapping[str, Any]) -> str:
    """The kind of an already checked stage (its only key)."""
    return next(iter(stage))


def check_config(config: Any) -> None:
    """Raise ``ConfigError`` for what ``Config.Validate`` refuses (§3).

    ``config`` has decoded as the Config struct already (stages are objects).
    Each stage is resolved with no variables, which finds only type errors.
    """
    for stage in config.get("stages") or ():
        if not stage:
            raise ConfigError("empty specification")
        if len(stage) > 1:
            raise ConfigError("a specification should have only one name")
        kind = stage_kind(stage)
        if kind not in KINDS:
            raise ConfigError(f"unable to resolve schema {kind}")
        resolve_stage(stage, {})


def _substitute(text: str, variables: Mapping[str, str]) -> str:
    if "${" not in text:
        return text
    return _PLACEHOLDER.sub(lambda match: variables.get(match.group(1), ""), text)


def _expected(what: str, value: Any) -> ConfigError:
    return ConfigError(f"expected {what} but was {go_type_name(value)}")


def _string(field: Field, value: Any, variables: Mapping[str, str]) -> str:
    if value is None:
        text = ""
    elif isinstance(value, str):
        text = _substitute(value, variables)
    else:
        raise _expected("string", value)
    return text or field.default


def _bigint(value: Any, variables: Mapping[str, str]) -> int | None:
    if value is None:
        return None
    if isinstance(value, GoFloat):
        # float64 -> int64: truncation, and amd64's value for anything out of range (§4).
        number = value.value
        return int(number) if -(2**63) <= number < 2**63 else _INT64_MIN
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _expected("big int or interpolated string", value)
    if isinstance(value, int | float):
        return int(value)
    text = _substitute(value, variables)
    if text == "":
        return None
    if not re.fullmatch(r"[+-]?[0-9]+", text):
        raise ConfigError(f"unable to parse '{text}' as big int")
    return int(text)


def _leaf(field: Field, value: Any, variables: Mapping[str, str]) -> Any:
    kind = field.kind
    if kind == "string":
        return _string(field, value, variables)
    if kind == "bigint":
        return _bigint(value, variables)
    if kind == "strmap":
        if value is None:
            return None
        if not isinstance(value, dict):
            raise _expected("map", value)
        resolved = {}
        for key, item in value.items():
            if not isinstance(item, str):
                raise _expected("string", item)
            resolved[key] = _substitute(item, variables)
        return resolved
    text = _string(field, value, variables)
    if kind == "bool":
        if isinstance(value, bool):
            return value
        if text.lower() not in ("true", "false"):
            raise ConfigError(f"unable to resolve field '{field.go}' to bool value")
        return text.lower() == "true"
    if value is not None and text == "":
        return 0 if kind == "duration" else ZERO_TIME  # the pointer is already allocated
    if text == "":
        return None
    if kind == "duration":
        try:
            return parse_duration(text)
        except ValueError:
            raise ConfigError(f"unable to resolve field '{field.go}' to duration value") from None
    try:
        nanos = parse_rfc3339(text)
    except ValueError:
        raise ConfigError(f"unable to resolve field '{field.go}' to time value") from None
    return utc_micro_time(nanos - nanos % 1000)


def _struct(fields: tuple[Field, ...], value: Any, variables: Mapping[str, str]) -> Resolved:
    if not isinstance(value, dict):
        raise _expected("map", value)
    resolved: Resolved = {}
    for field in fields:
        item = value.get(field.key)
        try:
            if field.kind == "struct":
                resolved[field.key] = _struct(field.fields, item, variables)
            elif field.kind == "ptr":
                resolved[field.key] = (
                    None if item is None else _struct(field.fields, item, variables)
                )
            else:
                resolved[field.key] = _leaf(field, item, variables)
        except ConfigError as error:
            raise ConfigError(f"resolving field '{field.go}': {error}") from None
    return resolved


def resolve_stage(stage: Mapping[str, Any], variables: Mapping[str, str]) -> Resolved:
    """The stage's struct with ``variables`` substituted; raises ``ConfigError``."""
    kind = stage_kind(stage)
    return _struct(KINDS[kind][1], stage[kind], variables)


def _required(namespace: str, go: str) -> str:
    return f"Key: '{namespace}.{go}' Error:Field validation for '{go}' failed on the 'required' tag"


def _one_of(struct: str, keys: tuple[str, ...]) -> str:
    tag = " or ".join(keys)
    return "\n".join(
        f"Key: '{struct}.{key}' Error:Field validation for '{key}' failed on the '{tag}' tag"
        for key in keys
    )


def _set(value: Any) -> bool:
    return value not in (None, "", 0, {})


def _check_ref(struct: str, ref: Resolved | None, kind: str) -> list[str]:
    if ref is None:
        return []
    if kind == "wallet":
        ok = _set(ref.get("id")) != _set(ref.get("name"))
        return [] if ok else [_one_of(struct, ("id", "name"))]
    required = {"account": "id", "payment": "id" if "psp" not in ref else "psp"}[kind]
    if _set(ref.get(required)):
        return []
    return [_required(struct, "ID" if required == "id" else "PSP")]


def requirements(kind: str, resolved: Resolved) -> str | None:
    """The validator's message for missing required fields or one-of choices, or None."""
    struct = KINDS[kind][0]
    problems: list[str] = []
    if kind == "delay":
        if _set(resolved.get("duration")) == _set(resolved.get("until")):
            problems.append(_one_of(struct, ("duration", "until")))
    elif kind == "wait_event":
        if not resolved.get("event"):
            problems.append(_required(struct, "Event"))
    elif kind == "update":
        account = resolved.get("account")
        if account is None:
            problems.append(_one_of(struct, ("account",)))
        else:
            for go, key in (("ID", "id"), ("Ledger", "ledger"), ("Metadata", "metadata")):
                if not account.get(key):
                    problems.append(_required("Update.Account", go))
    elif kind == "send":
        for side in ("source", "destination"):
            ends = resolved[side]
            name = f"Send.{side.capitalize()}"
            chosen = [key for key in ("wallet", "account", "payment") if ends.get(key)]
            if len(chosen) != 1:
                problems.append(_one_of(name, ("wallet", "account", "payment")))
                continue
            problems.extend(_check_ref(f"{name}.{chosen[0]}", ends[chosen[0]], chosen[0]))
    return "\n".join(problems) or None


def has_placeholder(value: Any) -> bool:
    """Whether any string in ``value`` holds a ``${...}`` placeholder."""
    if isinstance(value, str):
        return "${" in value
    if isinstance(value, dict):
        return any(has_placeholder(item) for item in value.values())
    if isinstance(value, list):
        return any(has_placeholder(item) for item in value)
    return False


def history_input(kind: str, resolved: Resolved, number: Callable[[int], Any]) -> dict[str, Any]:
    """The stage as the instance history shows it (§6): resolved, defaults filled.

    ``number`` writes an amount (through float64 in the ``server`` behaviour).
    """
    if kind == "delay":
        if _set(resolved.get("duration")):
            return {"duration": format_duration(resolved["duration"])}
        return {"until": resolved.get("until")}
    if kind == "wait_event":
        return {"event": resolved.get("event", "")}
    if kind == "update":
        account = resolved.get("account")
        return {"account": None if account is None else dict(account)}
    if kind == "send":
        body: dict[str, Any] = {}
        for side in ("source", "destination"):
            ends = resolved[side]
            body[side] = {key: dict(ref) for key, ref in ends.items() if ref is not None}
        monetary = resolved.get("amount") or {}
        amount = monetary.get("amount")
        body["amount"] = {
            "amount": None if amount is None else number(amount),
            "asset": monetary.get("asset", ""),
        }
        if resolved.get("metadata"):
            body["metadata"] = dict(sorted(resolved["metadata"].items()))
        body["timestamp"] = resolved.get("timestamp")
        return body
    return {}
