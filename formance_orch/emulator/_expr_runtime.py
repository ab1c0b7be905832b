"""The run-time half of expr-lang/expr v1.15.6: operators and built-in functions.

Each function follows what expr's VM does with Go values (`vm/runtime` and
`builtin`): which types an operator accepts, what it returns (`/` is always a
float, `%` only takes integers, `"abc"[0]` is a byte), and the text of every
panic. A `Panic` carries that text; `error_value=True` marks the panics that were
Go `error` values (type assertions, runtime errors, errors returned by a
function), which the orchestration service reports without expr's position.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from collections.abc import Callable, Sequence
from typing import Any, Final

from formance_orch.emulator._expr_check import ConstSet
from formance_orch.emulator._expr_go import (
    INT_MAX,
    INT_MIN,
    AnyMap,
    Byte,
    IntSlice,
    PairArray,
    PairSlice,
    Panic,
    StringSlice,
    TypedNil,
    byte_len,
    float_div,
    float_pow,
    float_to_int,
    from_bytes,
    from_json_value,
    go_bytes,
    go_less,
    go_round,
    int_mod,
    is_nil,
    is_space,
    kind_name,
    quote,
    sprint,
    to_json,
    type_name,
    valid_utf8,
    wrap_int,
)
from formance_orch.emulator._expr_regex import RegexError, compile_regex

#: Total elements expr lets one evaluation allocate in arrays, maps and ranges.
MEMORY_BUDGET: Final = 1_000_000
#: The longest string (in characters) an evaluation may build; Go has no such limit.
MAX_STRING: Final = 10_000_000

_NUMBERS: Final = (int, Byte, float)


def _is_int(value: Any) -> bool:
    kind = type(value)
    return kind is int or kind is Byte


def _is_number(value: Any) -> bool:
    return type(value) in _NUMBERS


def _asserted(value: Any, kind: type, name: str) -> Any:
    """Go's `value.(T)`: the value, or the type-assertion panic (an error value)."""
    if type(value) is kind:
        return value
    shown = "nil" if value is None else type_name(value)
    raise Panic(f"interface conversion: interface {{}} is {shown}, not {name}", error_value=True)


def as_bool(value: Any) -> bool:
    """`value.(bool)`."""
    return bool(_asserted(value, bool, "bool"))


def as_string(value: Any) -> str:
    """`value.(string)`."""
    return str(_asserted(value, str, "string"))


def check_string(text: str) -> str:
    """Refuse strings past `MAX_STRING` as expr refuses arrays past its budget."""
    if len(text) > MAX_STRING:
        raise Panic("memory budget exceeded")
    return text


def to_int(value: Any) -> int:
    """Expr's `runtime.ToInt`."""
    if _is_int(value):
        return int(value)
    if type(value) is float:
        return float_to_int(value)
    raise Panic(f"invalid operation: int({type_name(value)})")


def to_float(value: Any) -> float:
    """Expr's `runtime.ToFloat64`."""
    if _is_number(value):
        return float(value)
    raise Panic(f"invalid operation: float({type_name(value)})")


# --- operators ------------------------------------------------------------------------------


def equal(left: Any, right: Any) -> bool:
    """Expr's `==`: numbers across int and float, strings, else Go's `reflect.DeepEqual`."""
    if _is_number(left) and _is_number(right):
        if type(left) is float or type(right) is float:
            return float(left) == float(right)
        return int(left) == int(right)
    if type(left) is str and type(right) is str:
        return bool(left == right)
    if is_nil(left) and is_nil(right):
        return True
    return deep_equal(left, right)


def deep_equal(left: Any, right: Any) -> bool:
    """Go's `reflect.DeepEqual` on the engine's values."""
    if type_name(left) != type_name(right):
        return False
    if isinstance(left, TypedNil) or isinstance(right, TypedNil):
        return isinstance(left, TypedNil) and isinstance(right, TypedNil)
    if isinstance(left, list):
        return left is right or (len(left) == len(right) and all(map(deep_equal, left, right)))
    if isinstance(left, dict):
        return left is right or (
            left.keys() == right.keys() and all(deep_equal(v, right[k]) for k, v in left.items())
        )
    if isinstance(left, AnyMap):
        if left is right:
            return True
        if len(left) != len(right):
            return False
        for key, value in left.items():
            found, other = right.lookup(key)
            if not found or not deep_equal(value, other):
                return False
        return True
    return bool(left == right)


_COMPARISONS: Final[dict[str, Callable[[Any, Any], bool]]] = {
    "<": lambda a, b: a < b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b,
}


def compare(operator: str, left: Any, right: Any) -> bool:
    """`<`, `>`, `<=`, `>=` on numbers (int and float mixed) and strings (byte-wise)."""
    test = _COMPARISONS[operator]
    if _is_number(left) and _is_number(right):
        if type(left) is float or type(right) is float:
            return test(float(left), float(right))
        return test(int(left), int(right))
    if type(left) is str and type(right) is str:
        return test(go_less(left, right), 0)
    raise Panic(f"invalid operation: {type_name(left)} {operator} {type_name(right)}")


def arithmetic(operator: str, left: Any, right: Any) -> Any:
    """`+ - * / % ** ^` as expr's runtime computes them."""
    if operator in ("**", "^"):
        return float_pow(to_float(left), to_float(right))
    if _is_number(left) and _is_number(right):
        if operator == "/":
            return float_div(float(left), float(right))
        if operator == "%":
            if _is_int(left) and _is_int(right):
                return int_mod(int(left), int(right))
        elif type(left) is float or type(right) is float:
            a, b = float(left), float(right)
            return a + b if operator == "+" else a - b if operator == "-" else a * b
        else:
            a_int, b_int = int(left), int(right)
            if operator == "+":
                return wrap_int(a_int + b_int)
            return wrap_int(a_int - b_int if operator == "-" else a_int * b_int)
    elif operator == "+" and type(left) is str and type(right) is str:
        return check_string(left + right)
    raise Panic(f"invalid operation: {type_name(left)} {operator} {type_name(right)}")


def negate(value: Any) -> Any:
    """Unary `-`."""
    kind = type(value)
    if kind is int:
        return wrap_int(-value)
    if kind is Byte:
        return Byte(-int(value) & 0xFF)
    if kind is float:
        return -value
    raise Panic(f"invalid operation: - {type_name(value)}")


def make_range(low: Any, high: Any, grow: Callable[[int], None]) -> IntSlice:
    """`low..high`: the ints between, counted against the memory budget."""
    start, end = to_int(low), to_int(high)
    size = wrap_int(end - start + 1)
    grow(max(size, 0))
    return IntSlice(range(start, end + 1)) if size > 0 else IntSlice()


def _map_key(value: Any, key_type: str = "string") -> Any:
    """The key Go's `reflect.Value.MapIndex` would look up for `value`."""
    if value is None:
        return "" if key_type == "string" else 0
    if type(value) is (str if key_type == "string" else int):
        return value
    raise Panic(
        f"reflect.Value.MapIndex: value of type {type_name(value)} "
        f"is not assignable to type {key_type}"
    )


def fetch(source: Any, key: Any) -> Any:
    """`source[key]` and `source.key`: expr's `runtime.Fetch`."""
    if source is None:
        raise Panic(f"cannot fetch {sprint(key)} from <nil>")
    if isinstance(source, dict):
        return source.get(_map_key(key))
    if isinstance(source, list):
        index = to_int(key)
        if index < 0:
            index += len(source)
        if not 0 <= index < len(source):
            what = "array" if isinstance(source, PairArray) else "slice"
            raise Panic(f"reflect: {what} index out of range")
        return source[index]
    if type(source) is str:
        data = source.encode("ascii") if source.isascii() else go_bytes(source)
        index = to_int(key)
        if index < 0:
            index += len(data)
        if not 0 <= index < len(data):
            raise Panic("reflect: string index out of range")
        return Byte(data[index])
    if isinstance(source, AnyMap):
        return source.lookup(key)[1]
    if isinstance(source, TypedNil):
        if not source.is_map:
            to_int(key)
            raise Panic("reflect: slice index out of range")
        return TypedNil("[]interface {}") if source.go_type.endswith("[]interface {}") else None
    raise Panic(f"cannot fetch {sprint(key)} from {type_name(source)}")


def slice_value(source: Any, start: Any, end: Any) -> Any:
    """`source[start:end]`: expr's `runtime.Slice` (out-of-range bounds are clamped)."""
    if isinstance(source, str):
        data = source.encode("ascii") if source.isascii() else go_bytes(source)
        low, high = _bounds(len(data), start, end)
        return source[low:high] if source.isascii() else from_bytes(data[low:high])
    if isinstance(source, list):
        low, high = _bounds(len(source), start, end)
        return type(source)(source[low:high])
    if isinstance(source, TypedNil) and not source.is_map:
        _bounds(0, start, end)
        return source
    raise Panic(f"cannot slice {sprint(start)}")


def _bounds(size: int, start: Any, end: Any) -> tuple[int, int]:
    low, high = to_int(start), to_int(end)
    low = max(low + size if low < 0 else low, 0)
    high = min(max(high + size if high < 0 else high, 0), size)
    return min(low, high), high


def contains(needle: Any, container: Any) -> bool:
    """`needle in container`: expr's `runtime.In`."""
    if container is None:
        return False
    if isinstance(container, ConstSet):
        return _map_key(needle, container.key_type) in container.values
    if isinstance(container, list):
        return any(equal(item, needle) for item in container)
    if isinstance(container, dict):
        return _map_key(needle) in container
    if isinstance(container, AnyMap):
        return container.lookup(needle)[0]
    if isinstance(container, TypedNil):
        return False
    raise Panic(f'operator "in" not defined on {type_name(container)}')


def length(value: Any) -> int:
    """`len(value)`: bytes of a string, elements of an array or map."""
    if type(value) is str:
        return byte_len(value)
    if isinstance(value, list | dict | AnyMap):
        return len(value)
    if isinstance(value, TypedNil):
        return 0
    raise Panic(f"invalid argument for len (type {type_name(value)})")


def string_operator(operator: str, left: Any, right: Any) -> bool:
    """`contains`, `startsWith`, `endsWith` (both sides must be strings)."""
    text, part = as_string(left), as_string(right)
    if operator == "contains":
        return part in text
    return text.startswith(part) if operator == "startsWith" else text.endswith(part)


def regex_match(pattern: Any, text: Any, budget: int) -> tuple[bool, int]:
    """`text matches pattern` with a pattern known only at run time."""
    pattern_text = as_string(pattern)
    subject = as_string(text)
    try:
        regex = compile_regex(pattern_text)
    except RegexError as error:
        raise Panic(str(error), error_value=True) from None
    return regex.search(subject, budget)


# --- Go-flavoured text helpers --------------------------------------------------------------


def _go_case(text: str, upper: bool) -> str:
    """`strings.ToUpper` / `ToLower`: simple per-character case mapping."""
    text = valid_utf8(text)
    if text.isascii():
        return text.upper() if upper else text.lower()
    out = []
    for ch in text:
        mapped = ch.upper() if upper else ch.lower()
        if ch == "\u0130" and not upper:
            mapped = "i"
        out.append(mapped if len(mapped) == 1 else ch)
    return "".join(out)


def _trim_space(text: str) -> str:
    start, end = 0, len(text)
    while start < end and is_space(text[start]):
        start += 1
    while end > start and is_space(text[end - 1]):
        end -= 1
    return text[start:end]


def _split(text: str, separator: str, limit: int, after: bool) -> Any:
    """`strings.Split`/`SplitN`/`SplitAfter`/`SplitAfterN`."""
    if limit == 0:
        return TypedNil("[]string")
    if not separator:
        runes = list(text)
        if 0 < limit < len(runes):
            runes = [*runes[: limit - 1], "".join(runes[limit - 1 :])]
        return StringSlice(runes)
    parts = text.split(separator, limit - 1 if limit > 0 else -1)
    if after:
        parts = [part + separator for part in parts[:-1]] + parts[-1:]
    return StringSlice(parts)


_GO_INT: Final = re.compile(r"[+-]?[0-9]+", re.ASCII)

_GO_DECIMAL: Final = re.compile(
    r"[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|inf|infinity|nan)",
    re.ASCII | re.IGNORECASE,
)
_GO_HEX: Final = re.compile(
    r"[+-]?0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)[pP][+-]?[0-9]+", re.ASCII
)


def _atoi(text: str) -> int | None:
    """`strconv.Atoi`: decimal digits with an optional sign, within int64."""
    if not _GO_INT.fullmatch(text):
        return None
    value = int(text)
    return value if INT_MIN <= value <= INT_MAX else None


def _underscores_ok(text: str) -> bool:
    """Go allows `_` only between digits (or after a base prefix) in a number."""
    body = text.lstrip("+-")
    hexadecimal = body[:2].lower() == "0x"
    previous = "0" if body[:2].lower() in ("0x", "0b", "0o") else "^"
    for ch in body[2:] if previous == "0" else body:
        if ch.isdigit() or (hexadecimal and ch.lower() in "abcdef"):
            previous = "0"
        elif ch == "_":
            if previous != "0":
                return False
            previous = "_"
        elif previous == "_":
            return False
        else:
            previous = "!"
    return previous != "_"


def _parse_float(text: str) -> float | None:
    """`strconv.ParseFloat(text, 64)`: None where Go reports an error."""
    if "_" in text:
        if not _underscores_ok(text):
            return None
        text = text.replace("_", "")
    try:
        if _GO_HEX.fullmatch(text):
            return float.fromhex(text)
        if not _GO_DECIMAL.fullmatch(text):
            return None
    except OverflowError:
        return None
    value = float(text)
    if math.isinf(value) and "inf" not in text.lower():
        return None  # out of range
    return value


# --- built-in functions -------------------------------------------------------------------


def _count(name: str, args: Sequence[Any], *allowed: int) -> None:
    if len(args) not in allowed:
        wanted = " or ".join(str(n) for n in allowed)
        raise Panic(
            f"invalid number of arguments for {name} (expected {wanted}, got {len(args)})",
            error_value=True,
        )


def _arg(args: Sequence[Any], index: int) -> Any:
    if index >= len(args):
        raise Panic(
            f"runtime error: index out of range [{index}] with length {len(args)}",
            error_value=True,
        )
    return args[index]


def _one_arg(args: Sequence[Any]) -> Any:
    if len(args) != 1:
        raise Panic(f"invalid number of arguments (expected 1, got {len(args)})", error_value=True)
    return args[0]


def _builtin_type(args: Sequence[Any]) -> Any:
    value = _arg(args, 0)
    if value is None:
        return "nil"
    kinds = {bool: "bool", int: "int", Byte: "uint", float: "float", str: "string"}
    if type(value) in kinds:
        return kinds[type(value)]
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict | AnyMap):
        return "map"
    if isinstance(value, TypedNil):
        return "map" if value.is_map else "array"
    return "func"


def _builtin_abs(args: Sequence[Any]) -> Any:
    value = _arg(args, 0)
    if type(value) is int:
        return wrap_int(-value) if value < 0 else value
    if type(value) is float:
        return -value if value < 0 else value
    if type(value) is Byte:
        return value
    raise Panic(f"invalid argument for abs (type {type_name(value)})")


def _rounding(name: str, operation: Callable[[float], float]) -> Callable[[Sequence[Any]], Any]:
    def call(args: Sequence[Any]) -> Any:
        value = _arg(args, 0)
        if type(value) is float:
            return value if math.isinf(value) or math.isnan(value) else operation(value)
        if _is_int(value):
            return float(value)
        raise Panic(f"invalid argument for {name} (type {type_name(value)})")

    return call


def _builtin_int(args: Sequence[Any]) -> Any:
    value = _arg(args, 0)
    if _is_int(value):
        return int(value)
    if type(value) is float:
        return float_to_int(value)
    if type(value) is str:
        parsed = _atoi(value)
        if parsed is None:
            raise Panic(f"invalid operation: int({value})")
        return parsed
    raise Panic(f"invalid operation: int({type_name(value)})")


def _builtin_float(args: Sequence[Any]) -> Any:
    value = _arg(args, 0)
    if _is_number(value):
        return float(value)
    if type(value) is str:
        parsed = _parse_float(value)
        if parsed is None:
            raise Panic(f"invalid operation: float({value})")
        return parsed
    raise Panic(f"invalid operation: float({type_name(value)})")


def _builtin_trim(args: Sequence[Any]) -> Any:
    _count("trim", args, 1, 2)
    text = as_string(args[0])
    if len(args) == 1:
        return _trim_space(text)
    return text.strip(as_string(args[1]))


def _affix(remove_prefix: bool) -> Callable[[Sequence[Any]], Any]:
    def call(args: Sequence[Any]) -> Any:
        affix = as_string(args[1]) if len(args) == 2 else " "
        text = as_string(_arg(args, 0))
        return text.removeprefix(affix) if remove_prefix else text.removesuffix(affix)

    return call


def _splitter(name: str, after: bool) -> Callable[[Sequence[Any]], Any]:
    def call(args: Sequence[Any]) -> Any:
        _count(name, args, 2, 3)
        text, separator = as_string(args[0]), as_string(args[1])
        limit = to_int(args[2]) if len(args) == 3 else -1
        return _split(text, separator, limit, after)

    return call


def _builtin_replace(args: Sequence[Any]) -> Any:
    _count("replace", args, 3, 4)
    text, old, new = as_string(args[0]), as_string(args[1]), as_string(args[2])
    limit = to_int(args[3]) if len(args) == 4 else -1
    matches = text.count(old) if old else len(text) + 1
    if 0 <= limit < matches:
        matches = limit
    if len(text) + matches * (len(new) - len(old)) > MAX_STRING:
        raise Panic("memory budget exceeded")
    return text.replace(old, new, limit)


def _builtin_repeat(args: Sequence[Any]) -> Any:
    count = to_int(_arg(args, 1))
    if count > MEMORY_BUDGET:
        raise Panic("memory budget exceeded")
    text = as_string(args[0])
    if count < 0:
        raise Panic("strings: negative Repeat count")
    if len(text) * count > MAX_STRING:
        raise Panic("memory budget exceeded")
    return text * count


def _builtin_join(args: Sequence[Any]) -> Any:
    glue = as_string(args[1]) if len(args) == 2 else ""
    items = _arg(args, 0)
    if isinstance(items, TypedNil) and items.go_type in ("[]string", "[]interface {}"):
        return ""
    if isinstance(items, StringSlice) or type(items) is list:
        return check_string(glue.join(as_string(item) for item in items))
    shown = "%!s(<nil>)" if items is None else type_name(items)
    raise Panic(f"invalid argument for join (type {shown})", error_value=True)


def _index(last: bool) -> Callable[[Sequence[Any]], Any]:
    def call(args: Sequence[Any]) -> Any:
        text, part = as_string(_arg(args, 0)), as_string(_arg(args, 1))
        if text.isascii() and part.isascii():
            return text.rfind(part) if last else text.find(part)
        data, sub = go_bytes(text), go_bytes(part)
        return data.rfind(sub) if last else data.find(sub)

    return call


def _affix_test(prefix: bool) -> Callable[[Sequence[Any]], Any]:
    def call(args: Sequence[Any]) -> Any:
        text, part = as_string(_arg(args, 0)), as_string(_arg(args, 1))
        return text.startswith(part) if prefix else text.endswith(part)

    return call


def _extremum(operator: str) -> Callable[[Sequence[Any]], Any]:
    def call(args: Sequence[Any]) -> Any:
        best: Any = None
        for arg in args:
            if best is None or compare(operator, best, arg):
                best = arg
        return best

    return call


def _numbers(name: str, value: Any) -> list[Any]:
    """The elements of an array as Go's `CanInt`/`CanFloat` sees them."""
    if not isinstance(value, list | TypedNil) or (isinstance(value, TypedNil) and value.is_map):
        raise Panic(f"cannot {name} {kind_name(value)}", error_value=True)
    items = [] if isinstance(value, TypedNil) else list(value)
    for item in items:
        if type(item) not in (int, float):
            shown = "interface" if item is None else kind_name(item)
            raise Panic(f"cannot {name} {shown}", error_value=True)
    return items


def _builtin_sum(args: Sequence[Any]) -> Any:
    items = _numbers("sum", _one_arg(args))
    total: Any = 0
    for item in items:  # ints first; from the first float on, float64 in order
        if type(total) is int and type(item) is int:
            total = wrap_int(total + item)
        else:
            total = float(total) + float(item)
    return total


def _builtin_mean(args: Sequence[Any]) -> Any:
    items = _numbers("mean", _one_arg(args))
    total = 0.0
    for item in items:
        total += float(item)
    return total / len(items) if items else 0.0


def _builtin_median(args: Sequence[Any]) -> Any:
    items = sorted(float(item) for item in _numbers("median", _one_arg(args)))
    if not items:
        return 0.0
    middle = len(items) // 2
    return (items[middle - 1] + items[middle]) / 2 if len(items) % 2 == 0 else items[middle]


def _builtin_to_json(args: Sequence[Any]) -> Any:
    return check_string(to_json(_arg(args, 0), "  "))


def _reject_constant(name: str) -> Any:
    raise json.JSONDecodeError("not JSON", name, 0)  # NaN and Infinity are not JSON in Go


class _NumberOutOfRange(ValueError):
    pass


def _json_number(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise _NumberOutOfRange(text)
    return value


def _quote_char(ch: str) -> str:
    """How Go's JSON decoder shows an unexpected character."""
    return "'\\''" if ch == "'" else "'" + quote(ch)[1:-1] + "'"


def _json_error(text: str, error: Exception) -> str:
    """Go's `json.Unmarshal` error text for what Python's decoder rejected."""
    if isinstance(error, _NumberOutOfRange):
        return f"json: cannot unmarshal number {error} into Go value of type float64"
    if isinstance(error, json.JSONDecodeError):
        if error.doc != text:  # from _reject_constant
            return f"invalid character {_quote_char(error.doc[0])} looking for beginning of value"
        if error.pos < len(text.rstrip()):
            found = _quote_char(text[error.pos])
            where = (
                "after top-level value"
                if error.msg == "Extra data"
                else ("looking for beginning of value")
            )
            return f"invalid character {found} {where}"
    return "unexpected end of JSON input"


def _builtin_from_json(args: Sequence[Any]) -> Any:
    text = valid_utf8(as_string(_arg(args, 0)))
    try:
        value = json.loads(
            text, parse_constant=_reject_constant, parse_float=_json_number, parse_int=_json_number
        )
    except (ValueError, RecursionError) as error:
        raise Panic(_json_error(text, error), error_value=True) from None
    return from_json_value(value)


def _builtin_to_base64(args: Sequence[Any]) -> Any:
    return base64.b64encode(go_bytes(as_string(_arg(args, 0)))).decode("ascii")


def _builtin_from_base64(args: Sequence[Any]) -> Any:
    text = as_string(_arg(args, 0)).replace("\r", "").replace("\n", "")
    alphabet = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")
    for position, ch in enumerate(text):
        if ch not in alphabet:
            raise Panic(f"illegal base64 data at input byte {position}", error_value=True)
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        position = len(text) - len(text) % 4 if len(text) % 4 else max(len(text) - 4, 0)
        raise Panic(f"illegal base64 data at input byte {position}", error_value=True) from None
    return from_bytes(data)


def _unsupported(name: str) -> Callable[[Sequence[Any]], Any]:
    def call(args: Sequence[Any]) -> Any:
        raise Panic(f"builtin {name}() is not supported by the emulator")

    return call


def _lenient_fetch(index: int | None) -> Callable[[Sequence[Any]], Any]:
    """`first`, `last`, `get`: a fetch whose panics become nil."""

    def call(args: Sequence[Any]) -> Any:
        try:
            return fetch(_arg(args, 0), _arg(args, 1) if index is None else index)
        except Panic:
            return None

    return call


def _builtin_take(args: Sequence[Any]) -> Any:
    if len(args) != 2:
        raise Panic(f"invalid number of arguments (expected 2, got {len(args)})", error_value=True)
    items, count = args
    if not isinstance(items, list | TypedNil) or (isinstance(items, TypedNil) and items.is_map):
        raise Panic(f"cannot take from {kind_name(items)}", error_value=True)
    if type(count) is not int:
        raise Panic(f"cannot take {kind_name(count)} elements", error_value=True)
    size = 0 if isinstance(items, TypedNil) else len(items)
    if count > size:
        return items
    if count < 0:
        raise Panic("reflect.Value.Slice: slice index out of bounds")
    return items if isinstance(items, TypedNil) else type(items)(items[:count])


def _map_items(name: str, value: Any) -> list[tuple[Any, Any]]:
    if isinstance(value, dict):
        return list(value.items())
    if isinstance(value, AnyMap):
        return value.items()
    if isinstance(value, TypedNil) and value.is_map:
        return []
    raise Panic(name.format(kind_name(value)), error_value=True)


def _builtin_keys(args: Sequence[Any]) -> Any:
    return [key for key, _ in _map_items("cannot get keys from {}", _one_arg(args))]


def _builtin_values(args: Sequence[Any]) -> Any:
    return [value for _, value in _map_items("cannot get values from {}", _one_arg(args))]


def _builtin_to_pairs(args: Sequence[Any]) -> Any:
    items = _map_items("cannot transform {} to pairs", _one_arg(args))
    return PairSlice(PairArray([key, value]) for key, value in items)


def _builtin_from_pairs(args: Sequence[Any]) -> Any:
    pairs = _one_arg(args)
    if not isinstance(pairs, list):
        shown = "<invalid reflect.Value>" if pairs is None else sprint(pairs)
        raise Panic(f"cannot transform {shown} from pairs", error_value=True)
    out = AnyMap("map[interface {}]interface {}")
    for pair in pairs:
        if not isinstance(pair, list):
            raise Panic(f"invalid pair {sprint(pair)}", error_value=True)
        if len(pair) != 2:
            raise Panic(f"invalid pair length {sprint(pair)}", error_value=True)
        out.set(pair[0], pair[1])
    return out


def _sort_direction(value: Any) -> bool:
    if type(value) is not str:
        shown = "%!s(<nil>)" if value is None else type_name(value)
        raise Panic(f"invalid argument for sort (expected string, got {shown})", error_value=True)
    if value not in ("asc", "desc"):
        raise Panic(
            f'invalid argument for sort (expected "asc" or "desc", got {quote(value)})',
            error_value=True,
        )
    return value == "desc"


def _sort_type(value: Any) -> str:
    return "interface {}" if value is None else type_name(value)


def _sorted(items: Any, field: str, descending: bool) -> list[Any]:
    if not isinstance(items, list | TypedNil) or (isinstance(items, TypedNil) and items.is_map):
        raise Panic(f"cannot sort {kind_name(items)}", error_value=True)
    elements = [] if isinstance(items, TypedNil) else list(items)
    keys: list[Any] = []
    for element in elements:
        key = element
        if isinstance(element, dict):
            if field not in element:
                raise Panic("cannot deref <invalid reflect.Value>")
            key = element[field]
        if keys and _sort_type(key) != _sort_type(keys[0]):
            raise Panic(
                f"cannot sort array of different types ({_sort_type(key)} and "
                f"{_sort_type(keys[0])})",
                error_value=True,
            )
        keys.append(key)
    if len(keys) > 1 and type(keys[0]) not in (int, float, str):
        shown = "interface" if keys[0] is None else kind_name(keys[0])
        raise Panic(f"sort: unsupported type {shown}")
    if keys and type(keys[0]) is str:
        order = sorted(range(len(keys)), key=lambda i: go_bytes(keys[i]), reverse=descending)
    else:
        order = sorted(range(len(keys)), key=lambda i: keys[i], reverse=descending)
    return [elements[i] for i in order]


def _builtin_sort(args: Sequence[Any]) -> Any:
    _count("sort", args, 1, 2)
    descending = _sort_direction(args[1]) if len(args) == 2 else False
    return _sorted(args[0], "", descending)


def _builtin_sort_by(args: Sequence[Any]) -> Any:
    _count("sortBy", args, 2, 3)
    field = args[1]
    if type(field) is not str:
        shown = "%!s(<nil>)" if field is None else type_name(field)
        raise Panic(f"invalid argument for sort (expected string, got {shown})", error_value=True)
    descending = _sort_direction(args[2]) if len(args) == 3 else False
    return _sorted(args[0], field, descending)


def _length_builtin(args: Sequence[Any]) -> Any:
    return length(_arg(args, 0))


BuiltinFunction = Callable[[Sequence[Any]], Any]

#: Every non-predicate built-in, called with its evaluated arguments.
BUILTIN_FUNCTIONS: Final[dict[str, BuiltinFunction]] = {
    "len": _length_builtin,
    "type": _builtin_type,
    "abs": _builtin_abs,
    "ceil": _rounding("ceil", lambda x: float(math.ceil(x))),
    "floor": _rounding("floor", lambda x: float(math.floor(x))),
    "round": _rounding("round", go_round),
    "int": _builtin_int,
    "float": _builtin_float,
    "string": lambda args: sprint(_arg(args, 0)),
    "trim": _builtin_trim,
    "trimPrefix": _affix(remove_prefix=True),
    "trimSuffix": _affix(remove_prefix=False),
    "upper": lambda args: _go_case(as_string(_arg(args, 0)), upper=True),
    "lower": lambda args: _go_case(as_string(_arg(args, 0)), upper=False),
    "split": _splitter("split", after=False),
    "splitAfter": _splitter("splitAfter", after=True),
    "replace": _builtin_replace,
    "repeat": _builtin_repeat,
    "join": _builtin_join,
    "indexOf": _index(last=False),
    "lastIndexOf": _index(last=True),
    "hasPrefix": _affix_test(prefix=True),
    "hasSuffix": _affix_test(prefix=False),
    "max": _extremum("<"),
    "min": _extremum(">"),
    "sum": _builtin_sum,
    "mean": _builtin_mean,
    "median": _builtin_median,
    "toJSON": _builtin_to_json,
    "fromJSON": _builtin_from_json,
    "toBase64": _builtin_to_base64,
    "fromBase64": _builtin_from_base64,
    "now": _unsupported("now"),
    "duration": _unsupported("duration"),
    "date": _unsupported("date"),
    "first": _lenient_fetch(0),
    "last": _lenient_fetch(-1),
    "get": _lenient_fetch(None),
    "take": _builtin_take,
    "keys": _builtin_keys,
    "values": _builtin_values,
    "toPairs": _builtin_to_pairs,
    "fromPairs": _builtin_from_pairs,
    "sort": _builtin_sort,
    "sortBy": _builtin_sort_by,
}

__all__ = ["BUILTIN_FUNCTIONS"]
