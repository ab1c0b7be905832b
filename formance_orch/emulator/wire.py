"""How the real service writes JSON and times (REAL-SERVER §10, "Envelopes and error bodies").

* Bodies come from Go's ``json.Encoder``: compact, a trailing newline, map keys
  sorted, ``<``, ``>``, ``&``, U+2028 and U+2029 escaped, non-ASCII as UTF-8.
* Struct fields keep their declaration order, so the objects built elsewhere
  in the emulator are dicts in the Go order; free-form maps (metadata, vars,
  configs, payloads) are sorted with ``go_map`` when they are stored.
* Numbers that went through a Go ``float64`` are ``GoFloat``: they are written
  as Go writes a float64 (``100``, ``36893488147419103000``, ``1e+21``).
* Times: create and run answers carry nanoseconds and the server's local
  offset; reads carry microseconds in UTC (REAL-SERVER §4 "Timestamps").
"""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from decimal import Decimal
from typing import Any

__all__ = [
    "GoFloat",
    "decode_json",
    "dumps",
    "format_go_float",
    "go_map",
    "local_time",
    "parse_rfc3339",
    "utc_micro_time",
]


class GoFloat:
    """A number as Go holds it after decoding JSON into ``any``: a float64."""

    __slots__ = ("value",)

    def __init__(self, value: float) -> None:
        self.value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, GoFloat) and other.value == self.value

    def __hash__(self) -> int:
        return hash(self.value)

    def __repr__(self) -> str:
        return f"GoFloat({format_go_float(self.value)})"


def format_go_float(value: float) -> str:
    """``value`` as Go's ``encoding/json`` writes a float64.

    Shortest round-trip digits; plain notation between 1e-6 and 1e21,
    exponent notation outside (``1e+21``, ``1e-7``).
    """
    if value == 0:
        return "0"
    shortest = repr(value)
    magnitude = abs(value)
    if 1e-6 <= magnitude < 1e21:
        text = format(Decimal(shortest), "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return text
    mantissa, _, exponent = shortest.partition("e")
    if mantissa.endswith(".0"):
        mantissa = mantissa[:-2]
    sign = exponent[0] if exponent[0] in "+-" else "+"
    digits = exponent.lstrip("+-").lstrip("0") or "0"
    # Go writes at least two exponent digits, then json trims "e-07" to "e-7".
    if sign == "+" and len(digits) < 2:
        digits = digits.rjust(2, "0")
    return f"{mantissa}e{sign}{digits}"


# A GoFloat is first written as a marked string, then unquoted in the text.
_MARK = "\x00\x01go-float:"
_MARKED = re.compile(r'"\\u0000\\u0001go-float:([0-9eE+.\-]+)"')
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_HTML = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"))
_LINE_SEPARATORS = (("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


def _default(value: object) -> object:
    if isinstance(value, GoFloat):
        return _MARK + format_go_float(value.value)
    raise TypeError(f"cannot encode {type(value).__name__}")


_ENCODER = json.JSONEncoder(
    ensure_ascii=False, separators=(",", ":"), default=_default, allow_nan=False
)


def dumps(value: Any) -> bytes:
    """``value`` as the real service writes it, trailing newline included."""
    text = _ENCODER.encode(value)
    if "\\u0000\\u0001go-float:" in text:
        text = _MARKED.sub(r"\1", text)
    for raw, escaped in _HTML:
        if raw in text:
            text = text.replace(raw, escaped)
    for raw, escaped in _LINE_SEPARATORS:
        if raw in text:
            text = text.replace(raw, escaped)
    try:
        data = text.encode()
    except UnicodeEncodeError:
        # Go never holds a lone surrogate: its decoder made it U+FFFD already.
        data = _SURROGATE.sub("\ufffd", text).encode()
    return data + b"\n"


def _go_number(text: str) -> GoFloat:
    number = float(text)
    if math.isinf(number):
        raise ValueError(f"json: cannot unmarshal number {text} into Go value of type float64")
    return GoFloat(number)


def decode_json(body: bytes, *, exact: bool = False) -> Any:
    """Decode a request body as Go decodes JSON into ``any``.

    Numbers become ``GoFloat`` (float64), unless ``exact`` keeps them as
    Python ints and floats (the ``contract`` behaviour). Raises ``ValueError``
    with a Go-like message.
    """
    if not body.strip():
        raise ValueError("EOF")
    try:
        text = body.decode("utf-8", "replace")
        if exact:
            return json.loads(text)
        return json.loads(text, parse_int=_go_number, parse_float=_go_number)
    except RecursionError:
        raise ValueError("json: exceeded max depth") from None
    except json.JSONDecodeError as error:
        raise ValueError(f"invalid character at offset {error.pos}: {error.msg}") from None


def go_map(value: Any) -> Any:
    """A JSON value with every object's keys sorted, as Go writes a map."""
    if isinstance(value, dict):
        return {key: go_map(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [go_map(item) for item in value]
    return value


def go_type_name(value: Any) -> str:
    """The Go type ``encoding/json`` gives ``value`` when decoding into ``any``."""
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, GoFloat | int | float):
        return "float64"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "[]interface {}"
    return "map[string]interface {}"


def _fraction(nanos: int, digits: int) -> str:
    text = f"{nanos:09d}"[:digits].rstrip("0")
    return f".{text}" if text else ""


def _offset(delta: timedelta | None) -> str:
    if not delta:
        return "Z"
    minutes = int(delta.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    hours, minutes = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{minutes:02d}"


def local_time(epoch_ns: int, zone: tzinfo | None) -> str:
    """RFC 3339 with nanoseconds in ``zone`` (None: the machine's local zone)."""
    seconds, nanos = divmod(epoch_ns, 1_000_000_000)
    moment = datetime.fromtimestamp(seconds, UTC).astimezone(zone)
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + _fraction(nanos, 9) + _offset(moment.utcoffset())


def utc_micro_time(epoch_ns: int) -> str:
    """RFC 3339 with microseconds in UTC, as read back from a ``timestamp`` column."""
    seconds, nanos = divmod(epoch_ns, 1_000_000_000)
    moment = datetime.fromtimestamp(seconds, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + _fraction(nanos, 6) + "Z"


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})\Z"
)


def parse_rfc3339(text: str) -> int:
    """Epoch nanoseconds of an RFC 3339 time with a zone; raises ``ValueError``."""
    match = _RFC3339.match(text)
    if match is None:
        raise ValueError(f"parsing time {text!r}")
    year, month, day, hour, minute, second = (int(part) for part in match.groups()[:6])
    fraction, zone = match.group(7) or "", match.group(8)
    offset = timedelta(0)
    if zone not in ("Z", "z"):
        sign = 1 if zone[0] == "+" else -1
        offset = sign * timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
    moment = datetime(year, month, day, hour, minute, second, tzinfo=timezone(offset))
    seconds = (moment - _EPOCH) // timedelta(seconds=1)
    return seconds * 1_000_000_000 + int(fraction.ljust(9, "0") or 0)
