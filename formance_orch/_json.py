"""JSON text: parsing response bodies and encoding request bodies.

The standard library does the work; orjson, when installed
(``pip install formance-orch[speedups]``), parses plain bodies faster.
Integers of any size stay exact either way.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

try:  # an optional speed-up
    import orjson as _orjson
except ImportError:  # pragma: no cover - exercised when orjson is absent
    _orjson = None

__all__ = ["JSONFloat", "dumps", "loads"]

_raw_decode = json.JSONDecoder().raw_decode
#: Matches from a position when only JSON's insignificant whitespace (RFC 8259) follows.
_only_whitespace = re.compile(r"[ \t\n\r]*\Z").match


class JSONFloat(float):
    """A float parsed from JSON that remembers how it was written.

    The history endpoints pass amounts through float64, so an amount may
    arrive as ``1.2345678901234568e+23``; its literal, not the nearest double,
    is the integer the server meant.
    """

    __slots__ = ("literal",)
    literal: str


def _json_float(literal: str) -> JSONFloat:
    value = JSONFloat(literal)
    value.literal = literal
    return value


def loads(body: bytes, *, exact_numbers: bool = False) -> Any:
    """Parse a JSON body; integers of any size stay exact.

    With ``exact_numbers``, floats are ``JSONFloat``: floats that keep their
    literal, so integral amounts written in exponent form decode exactly.
    Raises ``ValueError`` when ``body`` is not JSON, or is nested too deeply
    to parse.
    """
    try:
        if exact_numbers:
            return json.loads(body, parse_float=_json_float)
        if _orjson is not None:
            try:
                return _orjson.loads(body)
            except _orjson.JSONDecodeError:
                pass  # beyond 64-bit integers or 1024 levels: the stdlib decides
        try:
            # What json.loads does with UTF-8 bytes, without its detection and checks.
            text = body.decode("utf-8", "surrogatepass")
            value, end = _raw_decode(text)
            if end == len(text) or _only_whitespace(text, end) is not None:
                return value
        except ValueError:
            pass
        # Leading whitespace, a BOM, UTF-16 or UTF-32, or not JSON: json decides and says why.
        return json.loads(body)
    except RecursionError:
        raise ValueError("the JSON is nested too deeply") from None


def dumps(
    value: Any,
    *,
    default: Callable[[Any], Any] | None = None,
    indent: int | None = None,
    sort_keys: bool = False,
) -> bytes:
    """UTF-8 JSON, compact unless ``indent`` is given.

    ``default`` converts what JSON has no type for. Raises ``TypeError`` or
    ``ValueError`` on bad input (NaN, infinities, lone surrogates, nesting
    too deep to encode).
    """
    try:
        text = json.dumps(
            value,
            separators=(",", ":") if indent is None else (",", ": "),
            ensure_ascii=False,
            allow_nan=False,
            default=default,
            indent=indent,
            sort_keys=sort_keys,
        )
    except RecursionError:
        raise ValueError("the value is nested too deeply") from None
    return text.encode()
