"""Compile-time work of expr-lang/expr v1.15.6: the type checker and the optimizer.

The real service compiles trigger expressions without an environment, so every
unknown name has type `interface {}` and checks pass; but literals have types, and
expr rejects `1 + "a"`, `len(1)`, `upper()` or `"a" in "abc"` at compile time. This
checker follows expr's `checker` package rule for rule, so that the same expressions
fail, with the same first error.

The optimizer then rewrites the tree as expr's does. The rewrites that can change an
answer are reproduced: constant folding (`x and true` is `x` itself, so its value
need not be a bool; `1 % 0` fails at compile time), `in` over a literal array of
strings (a set lookup, where nil finds `""` and a number panics), and
`filter(...)[0]` (an error value rather than a string).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from formance_orch.emulator._expr_go import (
    IntSlice,
    float_div,
    float_pow,
    int_mod,
    wrap_int,
)
from formance_orch.emulator._expr_regex import Regex, RegexError, compile_regex
from formance_orch.emulator._expr_syntax import (
    BUILTIN_NAMES,
    PREDICATES,
    ArrayNode,
    BinaryNode,
    BoolNode,
    BuiltinNode,
    CallNode,
    ChainNode,
    ClosureNode,
    ConditionalNode,
    ConstantNode,
    FloatNode,
    IdentifierNode,
    IntegerNode,
    MapNode,
    MemberNode,
    NilNode,
    Node,
    PairNode,
    PointerNode,
    SliceNode,
    StringNode,
    SyntaxFailure,
    UnaryNode,
    VariableNode,
    walk,
)

# --- types -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GoType:
    """A Go type as expr's checker sees it (`reflect.Type`, reduced to what matters)."""

    name: str
    kind: str
    elem: GoType | None = None
    key: GoType | None = None
    params: tuple[GoType, ...] = ()
    outs: tuple[GoType, ...] = ()
    variadic: bool = False

    def __str__(self) -> str:
        return self.name


Type = GoType | None  # None is the type of `nil`

INT: Final = GoType("int", "int")
FLOAT: Final = GoType("float64", "float64")
BOOL: Final = GoType("bool", "bool")
STRING: Final = GoType("string", "string")
ANY: Final = GoType("interface {}", "interface")
ARRAY: Final = GoType("[]interface {}", "slice", elem=ANY)
MAP: Final = GoType("map[string]interface {}", "map", elem=ANY, key=STRING)
TIME: Final = GoType("time.Time", "struct")
DURATION: Final = GoType("time.Duration", "int64")
GROUPS: Final = GoType("map[interface {}][]interface {}", "map", elem=ARRAY, key=ANY)
ANY_MAP: Final = GoType("map[interface {}]interface {}", "map", elem=ANY, key=ANY)
ERROR: Final = GoType("error", "interface")
FUNCTION: Final = GoType(
    "func(...interface {}) (interface {}, error)",
    "func",
    params=(ARRAY,),
    outs=(ANY, ERROR),
    variadic=True,
)

_INTEGER_KINDS: Final = frozenset(
    {"int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64"}
)
_NUMBER_KINDS: Final = _INTEGER_KINDS | {"float32", "float64"}


def slice_of(elem: GoType) -> GoType:
    """`[]elem`."""
    return GoType(f"[]{elem}", "slice", elem=elem)


def func(params: tuple[GoType, ...], *outs: GoType) -> GoType:
    """`func(params...) outs`."""
    inner = ", ".join(str(p) for p in params)
    result = "" if not outs else f" {outs[0]}" if len(outs) == 1 else f" ({outs[0]}, {outs[1]})"
    return GoType(f"func({inner}){result}", "func", params=params, outs=outs)


def kind(t: Type) -> str:
    """`reflect.Kind` of a type; `invalid` for nil."""
    return "invalid" if t is None else t.kind


def is_any(t: Type) -> bool:
    """Whether `t` is an interface (unknown until run time)."""
    return t is not None and t.kind == "interface"


def is_integer(t: Type) -> bool:
    """Whether `t` is one of Go's integer types."""
    return t is not None and t.kind in _INTEGER_KINDS


def is_float(t: Type) -> bool:
    """Whether `t` is float32 or float64."""
    return t is not None and t.kind in ("float32", "float64")


def is_number(t: Type) -> bool:
    """Whether `t` is an integer or a float."""
    return t is not None and t.kind in _NUMBER_KINDS


def is_bool(t: Type) -> bool:
    """Whether `t` is bool."""
    return t is not None and t.kind == "bool"


def is_string(t: Type) -> bool:
    """Whether `t` is string."""
    return t is not None and t.kind == "string"


def is_array(t: Type) -> bool:
    """Whether `t` is a slice or an array."""
    return t is not None and t.kind in ("slice", "array")


def is_map(t: Type) -> bool:
    """Whether `t` is a map."""
    return t is not None and t.kind == "map"


def is_time(t: Type) -> bool:
    """Whether `t` is time.Time."""
    return t == TIME


def is_duration(t: Type) -> bool:
    """Whether `t` is time.Duration."""
    return t == DURATION


def _name(t: Type) -> str:  # %v of a reflect.Type
    return "<nil>" if t is None else t.name


def _name_s(t: Type) -> str:  # %s of a reflect.Type: nil prints as Go's bad-verb text
    return "%!s(<nil>)" if t is None else t.name


def assignable(t: GoType, to: GoType) -> bool:
    """`t.AssignableTo(to)` for the types an expression can have."""
    return t == to or to.kind == "interface"


def comparable(left: Type, right: Type) -> bool:
    """Expr's `isComparable`."""
    if left is None or right is None:
        return True
    return (
        left.kind == right.kind
        or (is_number(left) and is_number(right))
        or is_any(left)
        or is_any(right)
    )


def _combined(left: GoType, right: GoType) -> GoType:
    if left.kind == right.kind:
        return left
    return FLOAT if is_float(left) or is_float(right) else INT


def _either(left: Type, right: Type, *tests: Callable[[Type], bool]) -> bool:
    """Expr's `or`: one side is unknown and the other passes a test (or both unknown)."""
    if is_any(left) and is_any(right):
        return True
    if is_any(left) and any(test(right) for test in tests):
        return True
    return is_any(right) and any(test(left) for test in tests)


# --- built-ins ---------------------------------------------------------------------------

Validator = Callable[[list[Type]], tuple[Type, str | None]]


@dataclass(frozen=True, slots=True)
class FunctionSpec:
    """How the checker sees a function: overloads (`types`), a validator, or neither."""

    name: str
    types: tuple[GoType, ...] = ()
    validate: Validator | None = None


def _one(result: Callable[[GoType], Type], kinds: frozenset[str], message: str) -> Validator:
    """A validator for a one-argument built-in accepting `kinds` (and interfaces)."""

    def validate(args: list[Type]) -> tuple[Type, str | None]:
        if len(args) != 1:
            return ANY, f"invalid number of arguments (expected 1, got {len(args)})"
        arg = args[0]
        if arg is not None and (arg.kind in kinds or arg.kind == "interface"):
            return result(arg), None
        return ANY, message.format(_name_s(arg))

    return validate


def _extremum(name: str) -> Validator:
    def validate(args: list[Type]) -> tuple[Type, str | None]:
        if not args:
            return ANY, f"not enough arguments to call {name}"
        for arg in args:
            if is_any(arg):
                return ANY, None
            if not is_number(arg):
                return ANY, f"invalid argument for {name} (type {_name_s(arg)})"
        return args[0], None

    return validate


def _take(args: list[Type]) -> tuple[Type, str | None]:
    if len(args) != 2:
        return ANY, f"invalid number of arguments (expected 2, got {len(args)})"
    if kind(args[0]) not in ("interface", "slice", "array"):
        return ANY, f"cannot take from {_name_s(args[0])}"
    if kind(args[1]) not in ("interface", "int", "int8", "int16", "int32", "int64"):
        return ANY, f"cannot take {_name_s(args[1])} elements"
    return args[0], None


def _sorter(least: int) -> Validator:
    def validate(args: list[Type]) -> tuple[Type, str | None]:
        if len(args) not in (least, least + 1):
            expected = f"{least} or {least + 1}"
            return ANY, f"invalid number of arguments (expected {expected}, got {len(args)})"
        if kind(args[0]) not in ("interface", "slice", "array"):
            return ANY, f"cannot sort {_name_s(args[0])}"
        for position in range(1, len(args)):
            if kind(args[position]) not in ("string", "interface"):
                # expr names the second argument's type even for the third one.
                shown = _name_s(args[1])
                return ANY, f"invalid argument for sort (expected string, got {shown})"
        return ARRAY, None

    return validate


_COLLECTIONS: Final = frozenset({"slice", "array"})


def _fixed(result: GoType) -> Callable[[GoType], Type]:
    return lambda _t: result


def _same(t: GoType) -> Type:
    return t


def _element(t: GoType) -> Type:
    return ANY if t.kind == "interface" else t.elem


def _validators() -> dict[str, Validator]:
    numbers, maps = _NUMBER_KINDS, frozenset({"map"})
    texts = numbers | {"string"}
    sized = frozenset({"array", "map", "slice", "string"})
    return {
        "len": _one(_fixed(INT), sized, "invalid argument for len (type {})"),
        "abs": _one(_same, numbers, "invalid argument for abs (type {})"),
        "ceil": _one(_fixed(FLOAT), numbers, "invalid argument for ceil (type {})"),
        "floor": _one(_fixed(FLOAT), numbers, "invalid argument for floor (type {})"),
        # expr's round reports its bad argument in floor's words.
        "round": _one(_fixed(FLOAT), numbers, "invalid argument for floor (type {})"),
        "int": _one(_fixed(INT), texts, "invalid argument for int (type {})"),
        "float": _one(_fixed(FLOAT), texts, "invalid argument for float (type {})"),
        "max": _extremum("max"),
        "min": _extremum("min"),
        "sum": _one(_fixed(ANY), _COLLECTIONS, "cannot sum {}"),
        "mean": _one(_fixed(FLOAT), _COLLECTIONS, "cannot avg {}"),
        "median": _one(_fixed(FLOAT), _COLLECTIONS, "cannot median {}"),
        "first": _one(_element, _COLLECTIONS, "cannot get first element from {}"),
        "last": _one(_element, _COLLECTIONS, "cannot get last element from {}"),
        "take": _take,
        "keys": _one(_fixed(ARRAY), maps, "cannot get keys from {}"),
        "values": _one(_fixed(ARRAY), maps, "cannot get values from {}"),
        "toPairs": _one(_fixed(ARRAY), maps, "cannot transform {} to pairs"),
        "fromPairs": _one(_fixed(ANY_MAP), _COLLECTIONS, "cannot transform {} from pairs"),
        "sort": _sorter(1),
        "sortBy": _sorter(2),
    }


def _overloads() -> dict[str, tuple[GoType, ...]]:
    def s(*params: GoType, out: GoType = STRING) -> GoType:
        return func(params, out)

    strings = slice_of(STRING)
    split = (s(STRING, STRING, out=strings), s(STRING, STRING, INT, out=strings))
    dates = (s(STRING, out=TIME), s(STRING, STRING, out=TIME), s(STRING, STRING, STRING, out=TIME))
    return {
        "type": (s(ANY),),
        "string": (s(ANY),),
        "trim": (s(STRING), s(STRING, STRING)),
        "trimPrefix": (s(STRING, STRING), s(STRING)),
        "trimSuffix": (s(STRING, STRING), s(STRING)),
        "upper": (s(STRING),),
        "lower": (s(STRING),),
        "split": split,
        "splitAfter": split,
        "replace": (s(STRING, STRING, STRING, INT), s(STRING, STRING, STRING)),
        "repeat": (s(STRING, INT),),
        "join": (s(strings, STRING), s(ARRAY, STRING), s(ARRAY), s(strings, STRING), s(strings)),
        "indexOf": (s(STRING, STRING, out=INT),),
        "lastIndexOf": (s(STRING, STRING, out=INT),),
        "hasPrefix": (s(STRING, STRING, out=BOOL),),
        "hasSuffix": (s(STRING, STRING, out=BOOL),),
        "toJSON": (s(ANY),),
        "fromJSON": (s(STRING, out=ANY),),
        "toBase64": (s(STRING),),
        "fromBase64": (s(STRING),),
        "now": (func((), TIME),),
        "duration": (func((STRING,), DURATION, ERROR),),
        "date": dates,
    }


def _specs() -> dict[str, FunctionSpec]:
    validators, overloads = _validators(), _overloads()
    names = [name for name in BUILTIN_NAMES if name not in PREDICATES]
    return {
        name: FunctionSpec(name, overloads.get(name, ()), validators.get(name)) for name in names
    }


BUILTINS: Final = _specs()
_PREDICATE_NAMES: Final = frozenset(PREDICATES)

# --- the checker ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Info:
    method: bool = False
    fn: FunctionSpec | None = None
    elem: Type = None  # the element type of a literal array whose elements agree


_NO_INFO: Final = _Info()


class _Checker:
    """expr's checker, run without an environment (unknown names are `interface {}`)."""

    def __init__(self, functions: frozenset[str]) -> None:
        self.functions = {name: FunctionSpec(name) for name in functions}
        self.error: SyntaxFailure | None = None
        self.scopes: list[tuple[Type, dict[str, GoType]]] = []
        self.variables: list[tuple[str, Type, _Info]] = []
        self.parents: list[Node] = []
        self.regexps: dict[int, Regex] = {}

    def fail(self, node: Node, message: str) -> tuple[Type, _Info]:
        if self.error is None:
            self.error = SyntaxFailure(message, node.location)
        return ANY, _NO_INFO

    def visit(self, node: Node) -> tuple[Type, _Info]:
        self.parents.append(node)
        method = getattr(self, "_" + type(node).__name__)
        t, info = method(node)
        self.parents.pop()
        node.type = t
        return t, info

    def _NilNode(self, node: NilNode) -> tuple[Type, _Info]:
        return None, _NO_INFO

    def _IdentifierNode(self, node: IdentifierNode) -> tuple[Type, _Info]:
        for name, t, info in reversed(self.variables):
            if name == node.value:
                return t, info
        if node.value == "$env":
            return MAP, _NO_INFO
        return self.env(node.value)

    def env(self, name: str) -> tuple[Type, _Info]:
        spec = BUILTINS.get(name) or self.functions.get(name)
        if spec is None and name in _PREDICATE_NAMES:
            spec = FunctionSpec(name)
        if spec is not None:
            return FUNCTION, _Info(fn=spec)
        return ANY, _NO_INFO

    def _IntegerNode(self, node: IntegerNode) -> tuple[Type, _Info]:
        return INT, _NO_INFO

    def _FloatNode(self, node: FloatNode) -> tuple[Type, _Info]:
        return FLOAT, _NO_INFO

    def _BoolNode(self, node: BoolNode) -> tuple[Type, _Info]:
        return BOOL, _NO_INFO

    def _StringNode(self, node: StringNode) -> tuple[Type, _Info]:
        return STRING, _NO_INFO

    def _UnaryNode(self, node: UnaryNode) -> tuple[Type, _Info]:
        t, _ = self.visit(node.node)
        if node.operator in ("!", "not"):
            if is_bool(t) or is_any(t):
                return BOOL, _NO_INFO
        elif is_number(t):
            return t, _NO_INFO
        elif is_any(t):
            return ANY, _NO_INFO
        return self.fail(node, f"invalid operation: {node.operator} (mismatched type {_name(t)})")

    def _BinaryNode(self, node: BinaryNode) -> tuple[Type, _Info]:
        left, _ = self.visit(node.left)
        right, right_info = self.visit(node.right)
        op = node.operator
        if op in ("==", "!="):
            if comparable(left, right):
                return BOOL, _NO_INFO
        elif op in ("or", "||", "and", "&&"):
            if (is_bool(left) and is_bool(right)) or _either(left, right, is_bool):
                return BOOL, _NO_INFO
        elif op in ("<", ">", ">=", "<="):
            if (
                (is_number(left) and is_number(right))
                or (is_string(left) and is_string(right))
                or (is_time(left) and is_time(right))
                or _either(left, right, is_number, is_string, is_time)
            ):
                return BOOL, _NO_INFO
        elif op == "-":
            if is_number(left) and is_number(right):
                return _combined(left, right), _NO_INFO  # type: ignore[arg-type]
            if is_time(left) and is_time(right):
                return DURATION, _NO_INFO
            if is_time(left) and is_duration(right):
                return TIME, _NO_INFO
            if _either(left, right, is_number, is_time):
                return ANY, _NO_INFO
        elif op == "*":
            if is_number(left) and is_number(right):
                return _combined(left, right), _NO_INFO  # type: ignore[arg-type]
            if _either(left, right, is_number):
                return ANY, _NO_INFO
        elif op in ("/", "**", "^"):
            if (is_number(left) and is_number(right)) or _either(left, right, is_number):
                return FLOAT, _NO_INFO
        elif op == "%":
            if is_integer(left) and is_integer(right):
                return _combined(left, right), _NO_INFO  # type: ignore[arg-type]
            if _either(left, right, is_integer):
                return ANY, _NO_INFO
        elif op == "+":
            if is_number(left) and is_number(right):
                return _combined(left, right), _NO_INFO  # type: ignore[arg-type]
            if is_string(left) and is_string(right):
                return STRING, _NO_INFO
            if (is_time(left) and is_duration(right)) or (is_duration(left) and is_time(right)):
                return TIME, _NO_INFO
            if _either(left, right, is_number, is_string, is_time, is_duration):
                return ANY, _NO_INFO
        elif op == "in":
            return self._in(node, left, right, right_info)
        elif op == "matches":
            if isinstance(node.right, StringNode):
                try:
                    self.regexps[id(node)] = compile_regex(node.right.value)
                except RegexError as error:
                    return self.fail(node, str(error))
            if (is_string(left) and is_string(right)) or _either(left, right, is_string):
                return BOOL, _NO_INFO
        elif op in ("contains", "startsWith", "endsWith"):
            if (is_string(left) and is_string(right)) or _either(left, right, is_string):
                return BOOL, _NO_INFO
        elif op == "..":
            if (is_integer(left) and is_integer(right)) or _either(left, right, is_integer):
                return slice_of(INT), _NO_INFO
        elif op == "??":
            if left is None or right is None:
                return left or right, _NO_INFO
            return (left if assignable(right, left) else ANY), _NO_INFO
        return self.fail(
            node, f"invalid operation: {op} (mismatched types {_name(left)} and {_name(right)})"
        )

    def _in(
        self, node: BinaryNode, left: Type, right: Type, right_info: _Info
    ) -> tuple[Type, _Info]:
        if (is_string(left) or is_any(left)) and kind(right) == "struct":
            return BOOL, _NO_INFO
        if is_map(right):
            assert right is not None
            assert right.key is not None
            if left is not None and not is_any(left) and not assignable(left, right.key):
                return self.fail(node, f"cannot use {left} as type {right.key} in map key")
            return BOOL, _NO_INFO
        if is_array(right):
            assert right is not None
            if left is None:
                return BOOL, _NO_INFO
            for elem in (right.elem, right_info.elem):
                if not comparable(left, elem):
                    return self.fail(node, f"cannot use {left} as type {_name(elem)} in array")
            return BOOL, _NO_INFO
        if is_any(left) and (is_string(right) or is_array(right) or is_map(right)):
            return BOOL, _NO_INFO
        if is_any(right):
            return BOOL, _NO_INFO
        return self.fail(
            node, f"invalid operation: in (mismatched types {_name(left)} and {_name(right)})"
        )

    def _ChainNode(self, node: ChainNode) -> tuple[Type, _Info]:
        return self.visit(node.node)

    def _MemberNode(self, node: MemberNode) -> tuple[Type, _Info]:
        base, _ = self.visit(node.node)
        prop, _ = self.visit(node.property)
        name = node.property.value if isinstance(node.property, StringNode) else None
        if isinstance(node.node, IdentifierNode) and node.node.value == "$env":
            return self.env(name) if name is not None else (ANY, _NO_INFO)
        if name is not None:
            if base is None:
                return self.fail(node, f"type <nil> has no field {name}")
            if base in (TIME, DURATION):
                return ANY, _NO_INFO  # their methods; not checked further here
        match kind(base):
            case "interface":
                return ANY, _NO_INFO
            case "map":
                assert base is not None
                assert base.key is not None
                if prop is not None and not assignable(prop, base.key) and not is_any(prop):
                    return self.fail(
                        node.property, f"cannot use {prop} to get an element from {base}"
                    )
                return base.elem, _NO_INFO
            case "slice" | "array":
                assert base is not None
                if not is_integer(prop) and not is_any(prop):
                    return self.fail(
                        node.property,
                        f"array elements can only be selected using an integer (got {_name(prop)})",
                    )
                return base.elem, _NO_INFO
            case "struct" if name is not None:
                parent = self.parents[-2] if len(self.parents) > 1 else None
                what = "method" if isinstance(parent, CallNode) else "field"
                return self.fail(node, f"type {base} has no {what} {name}")
        return self.fail(node, f"type {_name(base)}[{_name(prop)}] is undefined")

    def _SliceNode(self, node: SliceNode) -> tuple[Type, _Info]:
        t, _ = self.visit(node.node)
        if kind(t) not in ("interface", "string", "array", "slice"):
            return self.fail(node, f"cannot slice {_name(t)}")
        for bound in (node.start, node.end):
            if bound is not None:
                bound_type, _ = self.visit(bound)
                if not is_integer(bound_type) and not is_any(bound_type):
                    return self.fail(bound, f"non-integer slice index {_name(bound_type)}")
        return t, _NO_INFO

    def _CallNode(self, node: CallNode) -> tuple[Type, _Info]:
        fn, info = self.visit(node.callee)
        if info.fn is not None:
            return self.function(info.fn, node, node.arguments)
        name = "function"
        if isinstance(node.callee, IdentifierNode):
            name = node.callee.value
        elif isinstance(node.callee, MemberNode) and isinstance(node.callee.property, StringNode):
            name = node.callee.property.value
        if fn is None:
            return self.fail(node, f"{name} is nil; cannot call nil as function")
        if fn.kind == "interface":
            return ANY, _NO_INFO  # arguments are not checked at all
        if fn.kind == "func":
            out, error = self.arguments(name, fn, node.arguments, node)
            if error is not None and self.error is None:
                self.error = error
            return out, _NO_INFO
        return self.fail(node, f"{fn} is not callable")

    def _BuiltinNode(self, node: BuiltinNode) -> tuple[Type, _Info]:
        if node.name in _PREDICATE_NAMES:
            return self.predicate(node)
        if node.name == "get":
            return self.get(node)
        return self.function(BUILTINS[node.name], node, node.arguments)

    def predicate(self, node: BuiltinNode) -> tuple[Type, _Info]:
        collection, _ = self.visit(node.arguments[0])
        if not is_array(collection) and not is_any(collection):
            return self.fail(
                node.arguments[0],
                f"builtin {node.name} takes only array (got {_name(collection)})",
            )
        extra = {"map": {"index": INT}, "reduce": {"index": INT, "acc": ANY}}.get(node.name, {})
        self.scopes.append((collection, extra))
        closure, _ = self.visit(node.arguments[1])
        self.scopes.pop()
        assert collection is not None
        if node.name == "reduce":
            if len(node.arguments) == 3:
                self.visit(node.arguments[2])
            if kind(closure) == "func" and closure is not None and len(closure.outs) == 1:
                return closure.outs[0], _NO_INFO
            return self.fail(
                node.arguments[1], "predicate should has two input and one output param"
            )
        if not (
            closure is not None
            and closure.kind == "func"
            and len(closure.outs) == 1
            and len(closure.params) == 1
            and is_any(closure.params[0])
        ):
            return self.fail(
                node.arguments[1], "predicate should has one input and one output param"
            )
        out = closure.outs[0]
        if node.name == "map":
            return slice_of(out), _NO_INFO
        if node.name == "groupBy":
            return GROUPS, _NO_INFO
        if not is_bool(out) and not is_any(out):
            return self.fail(
                node.arguments[1], f"predicate should return boolean (got {_name(out)})"
            )
        if node.name in ("all", "none", "any", "one"):
            return BOOL, _NO_INFO
        if node.name in ("count", "findIndex", "findLastIndex"):
            return INT, _NO_INFO
        element = ANY if is_any(collection) else collection.elem
        if node.name == "filter":
            return (ARRAY if is_any(collection) else slice_of(element or ANY)), _NO_INFO
        return element, _NO_INFO  # find, findLast

    def get(self, node: BuiltinNode) -> tuple[Type, _Info]:
        if len(node.arguments) != 2:
            return self.fail(
                node, f"invalid number of arguments (expected 2, got {len(node.arguments)})"
            )
        value, prop = node.arguments
        if isinstance(value, IdentifierNode) and value.value == "$env":
            return (None if isinstance(prop, StringNode) else ANY), _NO_INFO
        t, _ = self.visit(value)
        if kind(t) == "interface":
            return ANY, _NO_INFO
        if kind(t) in ("slice", "array", "map"):
            assert t is not None
            p, _ = self.visit(prop)
            what = "map" if t.kind == "map" else "slice"
            if p is None:
                return self.fail(prop, f"cannot use nil as {what} index")
            if t.kind != "map" and not is_integer(p) and not is_any(p):
                return self.fail(prop, f"non-integer slice index {p}")
            if t.kind == "map" and t.key is not None and not assignable(p, t.key) and not is_any(p):
                return self.fail(prop, f"cannot use {p} to get an element from {t}")
            return t.elem, _NO_INFO
        return self.fail(value, f"type {_name(t)} does not support indexing")

    def function(self, spec: FunctionSpec, node: Node, arguments: list[Node]) -> tuple[Type, _Info]:
        if spec.validate is not None:
            types = [self.visit(argument)[0] for argument in arguments]
            t, message = spec.validate(types)
            if message is not None:
                return self.fail(node, message)
            return t, _NO_INFO
        if not spec.types:
            out, error = self.arguments(spec.name, FUNCTION, arguments, node)
            if error is not None and self.error is None:
                self.error = error
            return out, _NO_INFO
        last: SyntaxFailure | None = None
        for signature in spec.types:
            out, error = self.arguments(spec.name, signature, arguments, node)
            if error is None:
                return out, _NO_INFO
            last = error
        if self.error is None:
            self.error = last
        return ANY, _NO_INFO

    def arguments(
        self, name: str, fn: GoType, arguments: list[Node], node: Node
    ) -> tuple[Type, SyntaxFailure | None]:
        """Expr's `checkArguments`: the result type, or the first mismatch."""
        count = len(fn.params)
        if fn.variadic:
            if len(arguments) < count - 1:
                return ANY, SyntaxFailure(f"not enough arguments to call {name}", node.location)
        elif len(arguments) > count:
            return ANY, SyntaxFailure(f"too many arguments to call {name}", node.location)
        elif len(arguments) < count:
            return ANY, SyntaxFailure(f"not enough arguments to call {name}", node.location)
        for position, argument in enumerate(arguments):
            t, _ = self.visit(argument)
            if fn.variadic and position >= count - 1:
                wanted = fn.params[-1].elem
            else:
                wanted = fn.params[position]
            assert wanted is not None
            if t is None or t.kind == "interface" or (is_integer(wanted) and is_integer(t)):
                continue
            if not assignable(t, wanted):
                return ANY, SyntaxFailure(
                    f"cannot use {t} as argument (type {wanted}) to call {name} ",
                    argument.location,
                )
        return fn.outs[0], None

    def _ClosureNode(self, node: ClosureNode) -> tuple[Type, _Info]:
        t, _ = self.visit(node.node)
        if t is None:
            return self.fail(node.node, "closure cannot be nil")
        return func((ANY,), t), _NO_INFO

    def _PointerNode(self, node: PointerNode) -> tuple[Type, _Info]:
        if not self.scopes:  # pragma: no cover - the parser refuses these
            return self.fail(node, "cannot use pointer accessor outside closure")
        collection, names = self.scopes[-1]
        if not node.name:
            return (ANY if is_any(collection) else collection.elem if collection else ANY), _NO_INFO
        if node.name in names:
            return names[node.name], _NO_INFO
        return self.fail(node, f"unknown pointer #{node.name}")

    def _VariableNode(self, node: VariableNode) -> tuple[Type, _Info]:
        if node.name in self.functions:
            return self.fail(node, f"cannot redeclare function {node.name}")
        if node.name in BUILTINS or node.name in _PREDICATE_NAMES:
            return self.fail(node, f"cannot redeclare builtin {node.name}")
        if any(name == node.name for name, _, _ in self.variables):
            return self.fail(node, f"cannot redeclare variable {node.name}")
        t, info = self.visit(node.value)
        self.variables.append((node.name, t, info))
        result = self.visit(node.expr)
        self.variables.pop()
        return result

    def _ConditionalNode(self, node: ConditionalNode) -> tuple[Type, _Info]:
        cond, _ = self.visit(node.cond)
        if not is_bool(cond) and not is_any(cond):
            return self.fail(
                node.cond, f"non-bool expression (type {_name(cond)}) used as condition"
            )
        first, _ = self.visit(node.exp1)
        second, _ = self.visit(node.exp2)
        if first is None or second is None:
            return first or second, _NO_INFO
        return (first if assignable(first, second) else ANY), _NO_INFO

    def _ArrayNode(self, node: ArrayNode) -> tuple[Type, _Info]:
        previous: Type = None
        same = True
        for position, element in enumerate(node.nodes):
            current, _ = self.visit(element)
            if position and (current is None or previous is None or current.kind != previous.kind):
                same = False
            previous = current
        if same and previous is not None:
            return ARRAY, _Info(elem=previous)
        return ARRAY, _NO_INFO

    def _MapNode(self, node: MapNode) -> tuple[Type, _Info]:
        for pair in node.pairs:
            self.visit(pair)
        return MAP, _NO_INFO

    def _PairNode(self, node: PairNode) -> tuple[Type, _Info]:
        self.visit(node.key)
        self.visit(node.value)
        return None, _NO_INFO


def check(tree: Node, functions: frozenset[str] = frozenset()) -> dict[int, Regex]:
    """Type-check `tree`; raise the first error as `SyntaxFailure`.

    Returns the regular expressions compiled for literal `matches` patterns, by node id.
    """
    checker = _Checker(functions)
    checker.visit(tree)
    if checker.error is not None:
        raise checker.error
    return checker.regexps


# --- the optimizer -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ConstSet:
    """A literal array on the right of `in`, turned into a Go map by the optimizer."""

    values: frozenset[Any]
    key_type: str  # "int" or "string"


Rewrite = Callable[[Node], Node]


def _rewrite(node: Node, rewrite: Rewrite) -> Node:
    """Rewrite `node` bottom-up; a replacement keeps the replaced node's location."""
    for name in _CHILD_FIELDS.get(type(node), ()):
        child = getattr(node, name)
        if isinstance(child, list):
            setattr(node, name, [_rewrite(item, rewrite) for item in child])
        elif child is not None:
            setattr(node, name, _rewrite(child, rewrite))
    replacement = rewrite(node)
    if replacement is not node:
        replacement.location = node.location
    return replacement


_CHILD_FIELDS: Final[dict[type, tuple[str, ...]]] = {
    UnaryNode: ("node",),
    BinaryNode: ("left", "right"),
    ChainNode: ("node",),
    MemberNode: ("node", "property"),
    SliceNode: ("node", "start", "end"),
    CallNode: ("callee", "arguments"),
    BuiltinNode: ("arguments",),
    ClosureNode: ("node",),
    VariableNode: ("value", "expr"),
    ConditionalNode: ("cond", "exp1", "exp2"),
    ArrayNode: ("nodes",),
    MapNode: ("pairs",),
    PairNode: ("key", "value"),
}


def _typed(node: Node, t: GoType) -> Node:
    node.type = t
    return node


class _Folder:
    """expr's constant folding, one bottom-up pass at a time."""

    def __init__(self) -> None:
        self.applied = False

    def __call__(self, node: Node) -> Node:
        result = self.fold(node)
        if result is not node:
            self.applied = True
        return result

    def fold(self, node: Node) -> Node:
        if isinstance(node, UnaryNode):
            return self.unary(node)
        if isinstance(node, BinaryNode):
            return self.binary(node)
        if isinstance(node, ArrayNode) and node.nodes:
            literal = (IntegerNode, FloatNode, StringNode, BoolNode)
            if all(isinstance(item, literal) for item in node.nodes):
                return ConstantNode([item.value for item in node.nodes])  # type: ignore[attr-defined]
        if (
            isinstance(node, BuiltinNode)
            and node.name == "filter"
            and len(node.arguments) == 2
            and isinstance(node.arguments[0], BuiltinNode)
            and node.arguments[0].name == "filter"
        ):
            base = node.arguments[0]
            merged = BinaryNode("&&", base.arguments[1], node.arguments[1])
            return BuiltinNode("filter", [base.arguments[0], merged])
        return node

    def unary(self, node: UnaryNode) -> Node:
        operand = node.node
        if node.operator in ("-", "+"):
            sign = -1 if node.operator == "-" else 1
            if isinstance(operand, IntegerNode):
                return _typed(IntegerNode(wrap_int(sign * operand.value)), INT)
            if isinstance(operand, FloatNode):
                return _typed(FloatNode(-operand.value if sign < 0 else operand.value), FLOAT)
        elif isinstance(operand, BoolNode):
            return BoolNode(not operand.value)
        return node

    def binary(self, node: BinaryNode) -> Node:
        op, left, right = node.operator, node.left, node.right
        numbers = (IntegerNode, FloatNode)
        if (
            op in ("+", "-", "*", "/", "**", "^")
            and isinstance(left, numbers)
            and isinstance(right, numbers)
        ):
            a, b = left.value, right.value
            both_int = isinstance(left, IntegerNode) and isinstance(right, IntegerNode)
            if op == "/":
                return _typed(FloatNode(float_div(float(a), float(b))), FLOAT)
            if op in ("**", "^"):
                return _typed(FloatNode(float_pow(float(a), float(b))), FLOAT)
            if both_int:
                value = a + b if op == "+" else a - b if op == "-" else a * b
                return _typed(IntegerNode(wrap_int(int(value))), INT)
            x, y = float(a), float(b)
            return _typed(FloatNode(x + y if op == "+" else x - y if op == "-" else x * y), FLOAT)
        if op == "+" and isinstance(left, StringNode) and isinstance(right, StringNode):
            return StringNode(left.value + right.value)
        if op == "%" and isinstance(left, IntegerNode) and isinstance(right, IntegerNode):
            if right.value == 0:
                raise SyntaxFailure("integer divide by zero", node.location)
            return IntegerNode(int_mod(left.value, right.value))
        a_bool = left.value if isinstance(left, BoolNode) else None
        b_bool = right.value if isinstance(right, BoolNode) else None
        if op in ("and", "&&", "or", "||"):
            # `true and x` and `false or x` are x; `false and x` and `true or x` are constant.
            neutral = op in ("and", "&&")
            if a_bool is neutral:
                return right
            if b_bool is neutral:
                return left
            if a_bool is not None or b_bool is not None:
                return BoolNode(not neutral)
        elif op == "==":
            for literal in (IntegerNode, StringNode, BoolNode):
                if isinstance(left, literal) and isinstance(right, literal):
                    return BoolNode(left.value == right.value)
        return node


def _in_array(node: Node) -> Node:
    if not (
        isinstance(node, BinaryNode)
        and node.operator == "in"
        and isinstance(node.right, ArrayNode)
        and node.right.nodes
    ):
        return node
    items = node.right.nodes
    if kind(node.left.type) == "int" and all(isinstance(i, IntegerNode) for i in items):
        values = frozenset(i.value for i in items)  # type: ignore[attr-defined]
        return BinaryNode("in", node.left, ConstantNode(ConstSet(values, "int")))
    if all(isinstance(i, StringNode) for i in items):
        values = frozenset(i.value for i in items)  # type: ignore[attr-defined]
        return BinaryNode("in", node.left, ConstantNode(ConstSet(values, "string")))
    return node


def _in_range(node: Node) -> Node:
    if (
        isinstance(node, BinaryNode)
        and node.operator == "in"
        and kind(node.left.type) == "int"
        and isinstance(node.right, BinaryNode)
        and node.right.operator == ".."
        and isinstance(node.right.left, IntegerNode)
        and isinstance(node.right.right, IntegerNode)
    ):
        low = BinaryNode(">=", node.left, node.right.left)
        high = BinaryNode("<=", node.left, node.right.right)
        return BinaryNode("and", low, high)
    return node


#: Ranges of literals up to this size are built at compile time (outside the budget).
CONST_RANGE_LIMIT: Final = 1_000_000


def _const_range(node: Node) -> Node:
    if (
        isinstance(node, BinaryNode)
        and node.operator == ".."
        and isinstance(node.left, IntegerNode)
        and isinstance(node.right, IntegerNode)
    ):
        low, high = node.left.value, node.right.value
        size = high - low + 1
        if size < 1:
            return ConstantNode(IntSlice())
        if size <= CONST_RANGE_LIMIT:
            return ConstantNode(IntSlice(range(low, high + 1)))
    return node


def _is_filter(node: Node) -> bool:
    return isinstance(node, BuiltinNode) and node.name == "filter" and len(node.arguments) == 2


def _filter_map(node: Node) -> Node:
    if (
        isinstance(node, BuiltinNode)
        and node.name == "map"
        and len(node.arguments) == 2
        and isinstance(node.arguments[1], ClosureNode)
        and isinstance(node.arguments[0], BuiltinNode)
        and node.arguments[0].name == "filter"
        and node.arguments[0].map is None
    ):
        source = node.arguments[0]
        return BuiltinNode("filter", source.arguments, map=node.arguments[1].node)
    return node


def _filter_len(node: Node) -> Node:
    if (
        isinstance(node, BuiltinNode)
        and node.name == "len"
        and len(node.arguments) == 1
        and _is_filter(node.arguments[0])
    ):
        return BuiltinNode("count", node.arguments[0].arguments)  # type: ignore[attr-defined]
    return node


def _filter_ends(index: int, finder: str, accessor: str) -> Rewrite:
    """`filter(...)[index]` and `accessor(filter(...))` become one `finder` loop."""

    def rewrite(node: Node) -> Node:
        if (
            isinstance(node, MemberNode)
            and not node.optional
            and isinstance(node.property, IntegerNode)
            and node.property.value == index
            and isinstance(node.node, BuiltinNode)
            and _is_filter(node.node)
        ):
            source = node.node
            return BuiltinNode(finder, source.arguments, throws=True, map=source.map)
        if (
            isinstance(node, BuiltinNode)
            and node.name == accessor
            and len(node.arguments) == 1
            and isinstance(node.arguments[0], BuiltinNode)
            and _is_filter(node.arguments[0])
        ):
            source = node.arguments[0]
            return BuiltinNode(finder, source.arguments, map=source.map)
        return node

    return rewrite


_FOLD_LIMIT: Final = 1000


def optimize(tree: Node) -> Node:
    """Expr's optimizer passes, in expr's order; raises `SyntaxFailure` for `1 % 0`."""
    tree = _rewrite(tree, _in_array)
    for _ in range(_FOLD_LIMIT):
        folder = _Folder()
        tree = _rewrite(tree, folder)
        if not folder.applied:
            break
    for rewrite in (
        _in_range,
        _const_range,
        _filter_map,
        _filter_len,
        _filter_ends(-1, "findLast", "last"),
        _filter_ends(0, "find", "first"),
    ):
        tree = _rewrite(tree, rewrite)
    return tree


def check_pointers(tree: Node) -> None:
    """Expr's compiler knows only `#`, `#index` and `#acc`, even where nothing checked."""
    for node in walk(tree):
        if isinstance(node, PointerNode) and node.name not in ("", "index", "acc"):
            raise SyntaxFailure(f"unknown pointer {node.name}", (0, 0))
