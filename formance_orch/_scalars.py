"""What a JSON value must be to become each scalar type of the models.

These rules are stated once, as a few lines of Python that check (and for
numbers and datetimes convert) the local ``{v}``. ``_fastgen`` compiles them
into the converter's scalar hooks and pastes the same lines inline into the
structure functions it generates, so the hot path and the converter cannot
disagree:

* primitives are checked, never coerced: ``"false"`` is not a bool, ``12`` is
  not a string;
* integers may arrive as integral floats (``1e+21``), because the history
  endpoints pass amounts through float64; they become the exact ``int`` their
  literal names;
* ``int | float`` is the type of the fields the contract calls ``number``
  (``V2StageStatus.stage``): any JSON number is accepted; an integral one
  (``3`` or ``3.0``) becomes an ``int`` equal to it, any other a ``float``;
* datetimes are RFC 3339 strings parsed with ``datetime.fromisoformat``
  (``Z``, offsets and nanoseconds, truncated to microseconds); a datetime
  without an offset is taken as UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from formance_orch._json import JSONFloat

__all__ = ["NUMBER", "RULES", "SCOPE", "json_type"]

#: The Python type of a contract ``number``.
NUMBER: Any = int | float

#: The rule for each scalar type: statements over the local ``{v}``.
RULES: dict[Any, str] = {
    str: "if {v}.__class__ is not str:\n  raise _mismatch('a string', {v})",
    bool: "if {v}.__class__ is not bool:\n  raise _mismatch('a boolean', {v})",
    int: "if {v}.__class__ is not int:\n  {v} = _integral({v})",
    float: (
        "if {v}.__class__ not in _NUMBERS:\n  raise _mismatch('a number', {v})\n{v} = float({v})"
    ),
    NUMBER: "if {v}.__class__ is not int:\n  {v} = _number({v})",
    datetime: (
        "if {v}.__class__ is not str:\n"
        "  raise _mismatch('an RFC 3339 date-time string', {v})\n"
        "{v} = _fromiso({v})\n"
        "if {v}.tzinfo is None:\n"
        "  {v} = {v}.replace(tzinfo=_UTC)"
    ),
}


def json_type(value: object) -> str:
    """The JSON name of a decoded value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _mismatch(expected: str, value: object) -> TypeError:
    return TypeError(f"expected {expected}, got {json_type(value)}")


def _integral(value: Any) -> int:
    """The exact integer an integral float names; raises for anything else."""
    cls = value.__class__
    if cls is not float and cls is not JSONFloat:
        raise _mismatch("an integer", value)
    if not value.is_integer():
        raise ValueError(f"expected an integer, got {value!r}")
    from decimal import Decimal  # only amounts that travelled through float64 need it

    return int(Decimal(value.literal if cls is JSONFloat else repr(value)))


def _number(value: Any) -> int | float:
    """Any JSON number: an ``int`` equal to it when it is integral, else a ``float``.

    Unlike an amount's, an integral float here is read as the double it is,
    not as the decimal literal it was written with: ``number`` is a float64.
    """
    cls = value.__class__
    if cls is not float and cls is not JSONFloat:
        raise _mismatch("a number", value)
    if value.is_integer():
        return int(value)
    if value - value != 0:  # NaN and the infinities, which JSON has no literal for
        raise ValueError(f"expected a number, got {value!r}")
    return float(value)


#: The names the rules use.
SCOPE: dict[str, Any] = {
    "_mismatch": _mismatch,
    "_integral": _integral,
    "_number": _number,
    "_NUMBERS": (float, int, JSONFloat),
    "_fromiso": datetime.fromisoformat,
    "_UTC": UTC,
}
