"""Go values as the expression engine holds them, and Go's ways of printing them.

The real service runs expr-lang/expr v1.15.6 inside a Go program, so every value an
expression sees is a Go value and every message it prints comes from Go's `fmt`,
`strconv` and `encoding/json`. This module is that thin Go layer:

* values: `None` is nil, `bool`, `int` (wrapped to int64), `Byte` (uint8, what indexing
  a string gives), `float` (float64), `str` (a Go string; bytes that are not UTF-8 are
  kept as `surrogateescape` characters so that byte slicing round-trips), `list`
  (`[]interface {}`) and its typed subclasses, `dict` (`map[string]interface {}`),
  `AnyMap` (`map[interface {}]T`) and `TypedNil` (a nil slice or map with a type);
* printing: `%T` (`type_name`), `%v` (`sprint`), `%q` (`quote`), `%#U`
  (`unicode_point`), float formatting as `fmt` and as `encoding/json` do it.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterator
from typing import Any, Final, final

INT_MIN: Final = -(1 << 63)
INT_MAX: Final = (1 << 63) - 1
_MASK64: Final = (1 << 64) - 1


class Panic(Exception):
    """A Go panic raised while evaluating.

    `error_value` says whether Go panicked with an `error` (a runtime error, a type
    assertion, an error returned by a function) rather than a string: expr keeps such
    an error as the cause, and the orchestration service reports the cause alone.
    """

    def __init__(self, message: str, *, error_value: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.error_value = error_value
        #: Where in the source the failing operation is; set by the evaluator.
        self.location: tuple[int, int] | None = None


def wrap_int(value: int) -> int:
    """`value` as a Go int (two's complement, 64 bits) holds it after overflow."""
    value &= _MASK64
    return value - (1 << 64) if value > INT_MAX else value


class Byte(int):
    """A Go `uint8`: what indexing a string returns."""

    __slots__ = ()


class IntSlice(list[Any]):
    """A Go `[]int` (what a range `1..3` makes)."""

    __slots__ = ()


class StringSlice(list[Any]):
    """A Go `[]string` (what `split` returns)."""

    __slots__ = ()


class PairArray(list[Any]):
    """A Go `[2]interface {}` (one element of `toPairs`)."""

    __slots__ = ()


class PairSlice(list[Any]):
    """A Go `[][2]interface {}` (what `toPairs` returns)."""

    __slots__ = ()


_SLICE_TYPES: Final[dict[type, str]] = {
    list: "[]interface {}",
    IntSlice: "[]int",
    StringSlice: "[]string",
    PairArray: "[2]interface {}",
    PairSlice: "[][2]interface {}",
}


@final
class TypedNil:
    """A nil slice or map that still has a Go type (it prints as `[]` or `map[]`)."""

    __slots__ = ("go_type",)

    def __init__(self, go_type: str) -> None:
        self.go_type = go_type

    @property
    def is_map(self) -> bool:
        """Whether this is a nil map (else a nil slice)."""
        return self.go_type.startswith("map[")

    def __repr__(self) -> str:
        return f"TypedNil({self.go_type!r})"


def map_key(value: Any) -> tuple[str, Any]:
    """How a Go `map[interface {}]T` tells keys apart: by dynamic type, then value."""
    name = type_name(value)
    if isinstance(value, list | dict | AnyMap):
        raise Panic(f"runtime error: hash of unhashable type {name}", error_value=True)
    return name, value


@final
class AnyMap:
    """A Go map whose keys are interface values (`map[interface {}]T`)."""

    __slots__ = ("_items", "elem_zero", "go_type")

    def __init__(self, go_type: str, elem_zero: Any = None) -> None:
        self.go_type = go_type
        self.elem_zero = elem_zero
        self._items: dict[tuple[str, Any], tuple[Any, Any]] = {}

    def lookup(self, key: Any) -> tuple[bool, Any]:
        """Whether `key` is present, and its value (the element's zero value if not)."""
        found = self._items.get(map_key(key))
        return (False, self.elem_zero) if found is None else (True, found[1])

    def set(self, key: Any, value: Any) -> None:
        """Store `value` under `key`."""
        self._items[map_key(key)] = (key, value)

    def items(self) -> list[tuple[Any, Any]]:
        """The (key, value) pairs, in insertion order (Go's order is unspecified)."""
        return list(self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"AnyMap({self.go_type!r}, {self.items()!r})"


# --- strings as bytes ---------------------------------------------------------------


def go_bytes(text: str) -> bytes:
    """The bytes of a Go string."""
    return text.encode("utf-8", "surrogateescape")


def from_bytes(data: bytes) -> str:
    """A Go string from raw bytes (bytes that are not UTF-8 are kept as they are)."""
    return data.decode("utf-8", "surrogateescape")


def byte_len(text: str) -> int:
    """`len(s)` in Go: the number of bytes."""
    return len(text) if text.isascii() else len(go_bytes(text))


def valid_utf8(text: str) -> str:
    """`text` with every byte that is not UTF-8 replaced by U+FFFD, as Go's decoders do."""
    if text.isascii():
        return text
    return "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in text)


def go_less(left: str, right: str) -> int:
    """Compare two Go strings byte-wise: negative, zero or positive."""
    if not (left.isascii() and right.isascii()):
        a, b = go_bytes(left), go_bytes(right)
        return (a > b) - (a < b)
    return (left > right) - (left < right)


# --- characters -----------------------------------------------------------------------

_LATIN1_SPACES: Final = frozenset("\t\n\v\f\r \x85\xa0")
_OTHER_SPACES: Final = frozenset(
    "\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)


def is_space(ch: str) -> bool:
    """Go's `unicode.IsSpace`."""
    return ch in _LATIN1_SPACES or (ch > "\xff" and ch in _OTHER_SPACES)


def is_letter(ch: str) -> bool:
    """Go's `unicode.IsLetter`."""
    if ch.isascii():
        return ch.isalpha()
    return unicodedata.category(ch).startswith("L")


def is_digit(ch: str) -> bool:
    """Go's `unicode.IsDigit`."""
    if ch.isascii():
        return "0" <= ch <= "9"
    return unicodedata.category(ch) == "Nd"


def is_print(ch: str) -> bool:
    """Go's `strconv.IsPrint`: letters, marks, numbers, punctuation, symbols, space."""
    if ch == " ":
        return True
    return unicodedata.category(ch)[0] in "LMNPS"


def _is_raw_byte(ch: str) -> bool:
    return "\udc80" <= ch <= "\udcff"


_SHORT_ESCAPES: Final = {
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
}


def quote(text: str) -> str:
    """Go's `strconv.Quote` (what `%q` and `%#v` print for a string)."""
    out = ['"']
    for ch in text:
        if _is_raw_byte(ch):
            out.append(f"\\x{ord(ch) - 0xDC00:02x}")
        elif ch in '"\\':
            out.append("\\" + ch)
        elif is_print(ch):
            out.append(ch)
        elif ch in _SHORT_ESCAPES:
            out.append(_SHORT_ESCAPES[ch])
        elif ch < " " or ch == "\x7f":
            out.append(f"\\x{ord(ch):02x}")
        elif "\ud800" <= ch <= "\udfff":
            out.append("\\ufffd")
        elif ord(ch) < 0x10000:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    out.append('"')
    return "".join(out)


def unicode_point(ch: str) -> str:
    """Go's `%#U`: `U+0040 '@'` (the character only when printable)."""
    code = 0xFFFD if _is_raw_byte(ch) else ord(ch)
    text = f"U+{code:04X}"
    return f"{text} '{ch}'" if code == ord(ch) and is_print(ch) else text


# --- numbers --------------------------------------------------------------------------


def _shortest(value: float) -> tuple[str, int]:
    """The shortest digits of a finite, non-zero `abs(value)`, and where the point goes.

    `abs(value) == 0.d1d2d3... x 10**point`. Python's `repr` and Go's `strconv` both
    pick the shortest digits that read back as the same float64.
    """
    mantissa, _, exponent = repr(abs(value)).partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = whole + fraction
    point = len(whole) + (int(exponent) if exponent else 0)
    stripped = digits.lstrip("0")
    point -= len(digits) - len(stripped)
    return stripped.rstrip("0"), point


def _format_e(digits: str, point: int) -> str:
    exponent = point - 1
    head = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    return f"{head}e{'-' if exponent < 0 else '+'}{abs(exponent):02d}"


def _format_f(digits: str, point: int) -> str:
    whole = digits[:point].ljust(point, "0") if point > 0 else "0"
    places = max(len(digits) - point, 0)
    if not places:
        return whole
    fraction = "".join(
        digits[point + i] if 0 <= point + i < len(digits) else "0" for i in range(places)
    )
    return f"{whole}.{fraction}"


def format_float(value: float) -> str:
    """A float64 as `fmt.Sprint` prints it (`%g`, shortest): `1e+06`, `0.5`, `+Inf`."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    sign = "-" if math.copysign(1.0, value) < 0 else ""
    if value == 0:
        return sign + "0"
    digits, point = _shortest(value)
    exponent = point - 1
    if exponent < -4 or exponent >= 6:
        return sign + _format_e(digits, point)
    return sign + _format_f(digits, point)


def json_float(value: float) -> str:
    """A float64 as Go's `encoding/json` writes it (`1200000`, `1e+21`, `1e-7`).

    Raises `Panic` (an error value) for NaN and infinities, as `json.Marshal` fails.
    """
    if math.isnan(value) or math.isinf(value):
        raise Panic(f"json: unsupported value: {format_float(value)}", error_value=True)
    sign = "-" if math.copysign(1.0, value) < 0 else ""
    if value == 0:
        return sign + "0"
    digits, point = _shortest(value)
    magnitude = abs(value)
    if magnitude < 1e-6 or magnitude >= 1e21:
        text = _format_e(digits, point)
        if text[-4:-1] == "e-0":  # Go cleans up e-07 to e-7
            text = text[:-2] + text[-1]
        return sign + text
    return sign + _format_f(digits, point)


def float_to_int(value: float) -> int:
    """Go's `int(f)` on amd64: truncation, and the minimum int when out of range."""
    if math.isnan(value) or math.isinf(value):
        return INT_MIN
    truncated = int(value)
    return truncated if INT_MIN <= truncated <= INT_MAX else INT_MIN


def float_div(left: float, right: float) -> float:
    """IEEE division as Go does it: dividing by zero gives an infinity or NaN."""
    if right == 0:
        if left == 0 or math.isnan(left):
            return math.nan
        negative = (math.copysign(1.0, left) < 0) != (math.copysign(1.0, right) < 0)
        return -math.inf if negative else math.inf
    return left / right


def _is_odd_int(value: float) -> bool:
    return abs(value) < 2**53 and value.is_integer() and int(value) & 1 == 1


def _ldexp(fraction: float, exponent: int) -> float:
    try:
        return math.ldexp(fraction, exponent)
    except OverflowError:
        return math.copysign(math.inf, fraction)


def float_pow(base: float, exponent: float) -> float:
    """Go's `math.Pow`, result for result.

    Go does not round `Pow` correctly: for the integer part of the exponent it
    multiplies the mantissa by repeated squaring, so `5 ** 400` ends in ...321e+279
    where a C library says ...318e+279. This follows the same steps (with Python's
    `exp` and `log` for a fractional part, which may differ from Go's in the last
    digit), and Go's answers for zeros, infinities and NaN.
    """
    x, y = base, exponent
    if y == 0 or x == 1:
        return 1.0
    if y == 1:
        return x
    if math.isnan(x) or math.isnan(y):
        return math.nan
    if x == 0:
        negative_zero = math.copysign(1.0, x) < 0
        if y < 0:
            return -math.inf if negative_zero and _is_odd_int(y) else math.inf
        return x if negative_zero and _is_odd_int(y) else 0.0
    if math.isinf(y):
        if x == -1:
            return 1.0
        return 0.0 if (abs(x) < 1) == (y > 0) else math.inf
    if math.isinf(x):
        if x < 0:
            return float_pow(-0.0, -y)
        return 0.0 if y < 0 else math.inf
    if y == 0.5:
        return math.sqrt(x) if x >= 0 else math.nan
    if y == -0.5:
        return 1 / math.sqrt(x) if x > 0 else math.inf if x == 0 else math.nan
    fraction, whole = math.modf(abs(y))
    if fraction != 0 and x < 0:
        return math.nan
    if whole >= 2**63:
        if x == -1:
            return 1.0
        return 0.0 if (abs(x) < 1) == (y > 0) else math.inf
    result, result_exponent = 1.0, 0
    if fraction != 0:
        if fraction > 0.5:
            fraction -= 1
            whole += 1
        result = math.exp(fraction * math.log(x))
    mantissa, mantissa_exponent = math.frexp(x)
    power = int(whole)
    while power:
        if not -(1 << 12) <= mantissa_exponent <= 1 << 12:
            result_exponent += mantissa_exponent  # overflow: ldexp will saturate
            break
        if power & 1:
            result *= mantissa
            result_exponent += mantissa_exponent
        mantissa *= mantissa
        mantissa_exponent <<= 1
        if mantissa < 0.5:
            mantissa += mantissa
            mantissa_exponent -= 1
        power >>= 1
    if y < 0:
        result = 1 / result
        result_exponent = -result_exponent
    return _ldexp(result, result_exponent)


def int_mod(left: int, right: int) -> int:
    """Go's `%` on ints: the remainder has the sign of the dividend."""
    if right == 0:
        raise Panic("runtime error: integer divide by zero", error_value=True)
    remainder = abs(left) % abs(right)
    return wrap_int(-remainder if left < 0 else remainder)


def go_round(value: float) -> float:
    """Go's `math.Round`: half away from zero."""
    if math.isnan(value) or math.isinf(value) or value.is_integer():
        return value
    truncated = float(math.trunc(value))
    if abs(value - truncated) >= 0.5:
        truncated += math.copysign(1.0, value)
    return truncated if truncated != 0 else math.copysign(0.0, value)


# --- types and printing ---------------------------------------------------------------


def type_name(value: Any) -> str:
    """Go's `%T` of a value."""
    if value is None:
        return "<nil>"
    kind = type(value)
    simple = _SIMPLE_TYPES.get(kind)
    if simple is not None:
        return simple
    sliced = _SLICE_TYPES.get(kind)
    if sliced is not None:
        return sliced
    if isinstance(value, AnyMap | TypedNil):
        return value.go_type
    return "interface {}"


_SIMPLE_TYPES: Final[dict[type, str]] = {
    bool: "bool",
    int: "int",
    Byte: "uint8",
    float: "float64",
    str: "string",
    dict: "map[string]interface {}",
}


def kind_name(value: Any) -> str:
    """`reflect.Kind` of a value, as reflect's own panics name it (`slice`, `map`...)."""
    if value is None:
        return "invalid"
    if isinstance(value, PairArray):
        return "array"
    if isinstance(value, list):
        return "slice"
    if isinstance(value, dict | AnyMap):
        return "map"
    if isinstance(value, TypedNil):
        return "map" if value.is_map else "slice"
    return type_name(value)


def is_nil(value: Any) -> bool:
    """Expr's `IsNil`: nil, or a nil slice or map."""
    return value is None or isinstance(value, TypedNil)


def _any_key_order(key: Any) -> tuple[int, Any]:
    # Go orders interface keys by type (in an order that depends on the binary),
    # then by value; this fixed type order is one such order.
    rank = {"<nil>": 0, "bool": 1, "int": 2, "uint8": 3, "float64": 4, "string": 5}
    name = type_name(key)
    if name == "string":
        return rank[name], go_bytes(key)
    if name == "float64" and math.isnan(key):
        return rank[name], -math.inf
    return rank.get(name, 6), key if name in rank and key is not None else 0


def sprint(value: Any) -> str:
    """Go's `fmt.Sprint` of one value (`%v`)."""
    kind = type(value)
    if kind is str:
        return str(value)
    if value is None:
        return "<nil>"
    if kind is bool:
        return "true" if value else "false"
    if kind is int or kind is Byte:
        return str(int(value))
    if kind is float:
        return format_float(value)
    if isinstance(value, list):
        return "[" + " ".join(sprint(item) for item in value) + "]"
    if isinstance(value, dict):
        keys = sorted(value, key=go_bytes)
        return "map[" + " ".join(f"{key}:{sprint(value[key])}" for key in keys) + "]"
    if isinstance(value, AnyMap):
        pairs = sorted(value.items(), key=lambda pair: _any_key_order(pair[0]))
        return "map[" + " ".join(f"{sprint(k)}:{sprint(v)}" for k, v in pairs) + "]"
    return "map[]" if value.is_map else "[]"  # a TypedNil


# --- encoding/json ----------------------------------------------------------------------

_JSON_ESCAPES: Final = {
    '"': '\\"',
    "\\": "\\\\",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def json_string(text: str) -> str:
    """A Go string as `encoding/json` writes it (HTML-safe, invalid UTF-8 as U+FFFD)."""
    out = ['"']
    for ch in text:
        escaped = _JSON_ESCAPES.get(ch)
        if escaped is not None:
            out.append(escaped)
        elif ch < " ":
            out.append(f"\\u{ord(ch):04x}")
        elif "\ud800" <= ch <= "\udfff":
            out.append("\\ufffd")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def to_json(value: Any, indent: str = "") -> str:
    """`json.MarshalIndent(value, "", indent)`; raises `Panic` where Go fails."""
    return "".join(_json_parts(value, indent, ""))


def _json_parts(value: Any, indent: str, prefix: str) -> Iterator[str]:
    kind = type(value)
    if value is None or isinstance(value, TypedNil):
        yield "null"
    elif kind is bool:
        yield "true" if value else "false"
    elif kind is int or kind is Byte:
        yield str(int(value))
    elif kind is float:
        yield json_float(value)
    elif kind is str:
        yield json_string(value)
    elif isinstance(value, list):
        yield from _json_container("[", "]", [(None, item) for item in value], indent, prefix)
    elif isinstance(value, dict):
        keys = sorted(value, key=go_bytes)
        yield from _json_container("{", "}", [(k, value[k]) for k in keys], indent, prefix)
    else:
        raise Panic(f"json: unsupported type: {type_name(value)}", error_value=True)


def _json_container(
    opening: str, closing: str, items: list[tuple[str | None, Any]], indent: str, prefix: str
) -> Iterator[str]:
    yield opening
    if not items:
        yield closing
        return
    inner = prefix + indent
    for position, (key, item) in enumerate(items):
        if position:
            yield ","
        if indent:
            yield "\n" + inner
        if key is not None:
            yield json_string(key) + (": " if indent else ":")
        yield from _json_parts(item, indent, inner)
    if indent:
        yield "\n" + prefix
    yield closing


_GO_VALUE_TYPES: Final = (Byte, IntSlice, StringSlice, PairArray, PairSlice, AnyMap, TypedNil)


def from_json_value(value: Any) -> Any:
    """A JSON-decoded Python value as Go's `encoding/json` decodes it into `any`.

    Numbers become float64, strings lose lone surrogates (U+FFFD, as Go decodes them),
    objects become `map[string]interface {}` and arrays `[]interface {}`. The engine's
    own Go values are kept. Raises `TypeError` for anything JSON cannot hold.
    """
    kind = type(value)
    if value is None or kind is bool or kind is float:
        return value
    if kind is str:
        return value if value.isascii() else valid_utf8(value)
    if kind is int:
        try:
            return float(value)
        except OverflowError:
            return math.inf if value > 0 else -math.inf
    if kind is dict:
        converted: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"JSON object keys are strings, not {type(key).__name__}")
            converted[valid_utf8(key)] = from_json_value(item)
        return converted
    if kind is list or kind is tuple:
        return [from_json_value(item) for item in value]
    if isinstance(value, _GO_VALUE_TYPES):
        return value
    raise TypeError(f"not a JSON value: {type(value).__name__}")
