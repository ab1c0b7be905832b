"""Evaluation of a compiled expression tree, as expr's VM runs its bytecode.

A tree walk in the order expr's compiler emits instructions: operands left to
right, call arguments before the callee, the `in` needle before the haystack.
Each failing operation is reported at the node expr would report it at (the
operator for `a + b`, the member for `a.b`, the built-in for a predicate that
returns a non-bool).

Work is bounded: expr's own memory budget (arrays, maps and ranges: one million
elements per evaluation) plus a step budget that expr does not have, so that an
expression such as `all(1..100000, all(1..100000, true))` stops instead of
running for hours.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final

from formance_orch.emulator._expr_check import GROUPS
from formance_orch.emulator._expr_go import (
    AnyMap,
    Byte,
    Panic,
    TypedNil,
    byte_len,
    from_json_value,
    go_bytes,
    is_nil,
    kind_name,
)
from formance_orch.emulator._expr_regex import Regex, RegexBudgetExceeded
from formance_orch.emulator._expr_runtime import (
    BUILTIN_FUNCTIONS,
    MEMORY_BUDGET,
    arithmetic,
    as_bool,
    as_string,
    compare,
    contains,
    equal,
    fetch,
    length,
    make_range,
    negate,
    regex_match,
    slice_value,
    string_operator,
)
from formance_orch.emulator._expr_syntax import (
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
    PointerNode,
    SliceNode,
    StringNode,
    UnaryNode,
    VariableNode,
)

#: Nodes one evaluation may visit (closure iterations and regex steps included).
MAX_STEPS: Final = 5_000_000
BUDGET_MESSAGE: Final = f"evaluation budget exceeded (more than {MAX_STEPS:,} steps)"


class FunctionFailed(Panic):
    """A function supplied by the caller (such as `link`) raised `cause`."""

    def __init__(self, cause: Exception) -> None:
        super().__init__(str(cause), error_value=True)
        self.cause = cause


class _ChainNil(Exception):
    pass


@dataclass(slots=True)
class _Scope:
    """One predicate loop: the collection, where it is, and what it has counted."""

    items: Any
    length: int
    index: int = 0
    acc: Any = None

    def positions(self, start: int = 0, backwards: bool = False) -> Iterator[int]:
        """Move through the collection (expr's loop), yielding each index."""
        order = range(self.length - 1, -1, -1) if backwards else range(start, self.length)
        for index in order:
            self.index = index
            yield index

    def element(self) -> Any:
        """`#`: the current element (a byte for a string; maps cannot be indexed)."""
        items = self.items
        if isinstance(items, dict | AnyMap) or (isinstance(items, TypedNil) and items.is_map):
            raise Panic("reflect: call of reflect.Value.Index on map Value", error_value=True)
        if not 0 <= self.index < self.length:
            what = "string" if type(items) is str else "slice"
            raise Panic(f"reflect: {what} index out of range")
        if type(items) is str:
            return Byte(go_bytes(items)[self.index])
        return items[self.index]


_MISSING: Final = object()


class Evaluation:
    """The state of one run: environment, functions, budgets, variables, loops."""

    def __init__(
        self,
        env: dict[str, Any],
        functions: Mapping[str, Callable[..., Any]],
        regexps: Mapping[int, Regex],
    ) -> None:
        self.env = env
        self.functions = functions
        self.regexps = regexps
        self.steps = MAX_STEPS
        self.memory = 0
        self.variables: dict[str, Any] = {}
        self.scopes: list[_Scope] = []

    def grow(self, size: int) -> None:
        """Expr's `memGrow`: count elements against the memory budget."""
        self.memory += size
        if self.memory >= MEMORY_BUDGET:
            raise Panic("memory budget exceeded")

    def eval(self, node: Node) -> Any:
        """The value of `node`; a failure is a `Panic` located at the failing node."""
        self.steps -= 1
        if self.steps < 0:
            raise Panic(BUDGET_MESSAGE)
        try:
            return _HANDLERS[type(node)](self, node)
        except Panic as panic:
            if panic.location is None:
                panic.location = node.location
            raise


def _literal(ev: Evaluation, node: Any) -> Any:
    return node.value


def _nil(ev: Evaluation, node: NilNode) -> Any:
    return None


def _identifier(ev: Evaluation, node: IdentifierNode) -> Any:
    value = ev.variables.get(node.value, _MISSING)
    if value is not _MISSING:
        return value
    if node.value == "$env":
        return ev.env
    return ev.env.get(node.value)


def _unary(ev: Evaluation, node: UnaryNode) -> Any:
    value = ev.eval(node.node)
    if node.operator in ("!", "not"):
        return not as_bool(value)
    return negate(value) if node.operator == "-" else value


def _binary(ev: Evaluation, node: BinaryNode) -> Any:
    op = node.operator
    left = ev.eval(node.left)
    if op in ("and", "&&"):
        return ev.eval(node.right) if as_bool(left) else left
    if op in ("or", "||"):
        return left if as_bool(left) else ev.eval(node.right)
    if op == "??":
        return left if not is_nil(left) else ev.eval(node.right)
    regex = ev.regexps.get(id(node)) if op == "matches" else None
    if regex is not None:
        return _search(ev, lambda budget: regex.search(as_string(left), budget))
    right = ev.eval(node.right)
    if op == "==":
        return equal(left, right)
    if op == "!=":
        return not equal(left, right)
    if op in ("<", ">", "<=", ">="):
        return compare(op, left, right)
    if op == "in":
        return contains(left, right)
    if op == "matches":
        return _search(ev, lambda budget: regex_match(right, left, budget))
    if op in ("contains", "startsWith", "endsWith"):
        return string_operator(op, left, right)
    if op == "..":
        return make_range(left, right, ev.grow)
    return arithmetic(op, left, right)


def _search(ev: Evaluation, search: Callable[[int], tuple[bool, int]]) -> bool:
    try:
        found, used = search(ev.steps)
    except RegexBudgetExceeded:
        raise Panic(BUDGET_MESSAGE) from None
    ev.steps -= used
    return found


def _chain(ev: Evaluation, node: ChainNode) -> Any:
    try:
        return ev.eval(node.node)
    except _ChainNil:
        return None


def _member(ev: Evaluation, node: MemberNode) -> Any:
    base = ev.eval(node.node)
    if node.optional and is_nil(base):
        raise _ChainNil
    return fetch(base, ev.eval(node.property))


def _slice(ev: Evaluation, node: SliceNode) -> Any:
    value = ev.eval(node.node)
    end = ev.eval(node.end) if node.end is not None else length(value)
    start = ev.eval(node.start) if node.start is not None else 0
    return slice_value(value, start, end)


def _call(ev: Evaluation, node: CallNode) -> Any:
    arguments = [ev.eval(argument) for argument in node.arguments]
    callee = node.callee
    if isinstance(callee, IdentifierNode) and callee.value in ev.functions:
        try:
            result = ev.functions[callee.value](*arguments)
            return from_json_value(result)
        except Exception as error:
            raise FunctionFailed(error) from error
    function = ev.eval(callee)
    shown = "zero" if function is None else kind_name(function)
    raise Panic(f"reflect: call of reflect.Value.Call on {shown} Value", error_value=True)


def _builtin(ev: Evaluation, node: BuiltinNode) -> Any:
    loop = _PREDICATES.get(node.name)
    if loop is None:
        arguments = [ev.eval(argument) for argument in node.arguments]
        return BUILTIN_FUNCTIONS[node.name](arguments)
    items = ev.eval(node.arguments[0])
    if isinstance(items, list | dict | AnyMap):
        size = len(items)
    elif type(items) is str:
        size = byte_len(items)
    elif isinstance(items, TypedNil):
        size = 0
    else:
        shown = "zero" if items is None else kind_name(items)
        raise Panic(f"reflect: call of reflect.Value.Len on {shown} Value", error_value=True)
    scope = _Scope(items, size)
    ev.scopes.append(scope)
    try:
        return loop(ev, node, scope)
    finally:
        ev.scopes.pop()


def _matches(ev: Evaluation, node: BuiltinNode, scope: _Scope) -> bool:
    """Evaluate the predicate for the current element; it must give a bool."""
    return as_bool(ev.eval(node.arguments[1]))


def _picked(ev: Evaluation, node: BuiltinNode, scope: _Scope) -> Any:
    return ev.eval(node.map) if node.map is not None else scope.element()


def _all(ev: Evaluation, node: BuiltinNode, scope: _Scope) -> Any:
    return all(_matches(ev, node, scope) for _ in scope.positions())


def _none(ev: Evaluation, node: BuiltinNode, scope: _Scope) -> Any:
    return not any(_matches(ev, node, scope) for _ in scope.positions())


def _any(ev: Evaluation, node: BuiltinNode, scope: _Scope) -> Any:
    return any(_matches(ev, node, scope) for _ in scope.positions())


def _count(ev: Evaluation, node: BuiltinNode, scope: _Scope) -> int:
    return sum(1 for _ in scope.positions() if _matches(ev, node, scope))


def _one(ev: Evaluation, node: BuiltinNode, scope: _Scope) -> Any:
    return equal(_count(ev, node, scope), 1)


def _filter(ev: Evaluation, node: BuiltinNode, scope: _Scope) -> Any:
    kept = [_picked(ev, node, scope) for _ in scope.positions() if _matches(ev, node, scope)]
    ev.grow(len(kept))
    return kept


def _map(ev: Evaluation, node: BuiltinNode, scope: _Scope) -> Any:
    values = [ev.eval(node.arguments[1]) for _ in scope.positions()]
    ev.grow(scope.length)
    return values


def _finder(backwards: bool, index: bool) -> Callable[[Evaluation, BuiltinNode, _Scope], Any]:
    """`find`, `findIndex`, `findLast`, `findLastIndex`."""

    def loop(ev: Evaluation, node: BuiltinNode, scope: _Scope) -> Any:
        for position in scope.positions(backwards=backwards):
            if _matches(ev, node, scope):
                return position if index else _picked(ev, node, scope)
        if node.throws:  # `filter(...)[0]`, optimized: an error value
            raise Panic("reflect: slice index out of range", error_value=True)
        return None

    return loop


def _group_by(ev: Evaluation, node: BuiltinNode, scope: _Scope) -> Any:
    groups: AnyMap | None = None
    for _ in scope.positions():
        key = ev.eval(node.arguments[1])
        element = scope.element()
        if groups is None:
            groups = AnyMap(GROUPS.name, TypedNil("[]interface {}"))
        found, members = groups.lookup(key)
        if found:
            members.append(element)
        else:
            groups.set(key, [element])
    return groups if groups is not None else TypedNil(GROUPS.name)


def _reduce(ev: Evaluation, node: BuiltinNode, scope: _Scope) -> Any:
    start = 0
    if len(node.arguments) == 3:
        scope.acc = ev.eval(node.arguments[2])
    else:
        scope.acc = scope.element()
        start = 1
    for _ in scope.positions(start):
        scope.acc = ev.eval(node.arguments[1])
    return scope.acc


_PREDICATES: Final[dict[str, Callable[[Evaluation, BuiltinNode, _Scope], Any]]] = {
    "all": _all,
    "none": _none,
    "any": _any,
    "one": _one,
    "filter": _filter,
    "map": _map,
    "count": _count,
    "find": _finder(backwards=False, index=False),
    "findIndex": _finder(backwards=False, index=True),
    "findLast": _finder(backwards=True, index=False),
    "findLastIndex": _finder(backwards=True, index=True),
    "groupBy": _group_by,
    "reduce": _reduce,
}


def _closure(ev: Evaluation, node: ClosureNode) -> Any:
    return ev.eval(node.node)


def _pointer(ev: Evaluation, node: PointerNode) -> Any:
    if not ev.scopes:  # pragma: no cover - the parser only allows pointers in closures
        raise Panic(
            "runtime error: invalid memory address or nil pointer dereference", error_value=True
        )
    scope = ev.scopes[-1]
    if node.name == "index":
        return scope.index
    return scope.acc if node.name == "acc" else scope.element()


def _variable(ev: Evaluation, node: VariableNode) -> Any:
    ev.variables[node.name] = ev.eval(node.value)
    try:
        return ev.eval(node.expr)
    finally:
        del ev.variables[node.name]


def _conditional(ev: Evaluation, node: ConditionalNode) -> Any:
    return ev.eval(node.exp1 if as_bool(ev.eval(node.cond)) else node.exp2)


def _array(ev: Evaluation, node: ArrayNode) -> Any:
    values = [ev.eval(item) for item in node.nodes]
    ev.grow(len(values))
    return values


def _map_literal(ev: Evaluation, node: MapNode) -> Any:
    pairs = [(ev.eval(pair.key), ev.eval(pair.value)) for pair in node.pairs]
    ev.grow(len(pairs))
    result: dict[str, Any] = {}
    # expr fills the map from the last pair back: the first of two equal keys wins,
    # and the last key that is not a string is the one reported.
    for key, value in reversed(pairs):
        result[as_string(key)] = value
    return {key: result[key] for key, _ in pairs}


def _unexpected(ev: Evaluation, node: Node) -> Any:  # pragma: no cover - pairs are in maps
    raise Panic(f"undefined node type ({type(node).__name__})")


_HANDLERS: Final[dict[type, Callable[[Evaluation, Any], Any]]] = {
    NilNode: _nil,
    IdentifierNode: _identifier,
    IntegerNode: _literal,
    FloatNode: _literal,
    BoolNode: _literal,
    StringNode: _literal,
    ConstantNode: _literal,
    UnaryNode: _unary,
    BinaryNode: _binary,
    ChainNode: _chain,
    MemberNode: _member,
    SliceNode: _slice,
    CallNode: _call,
    BuiltinNode: _builtin,
    ClosureNode: _closure,
    PointerNode: _pointer,
    VariableNode: _variable,
    ConditionalNode: _conditional,
    ArrayNode: _array,
    MapNode: _map_literal,
}

__all__ = ["BUDGET_MESSAGE", "Evaluation", "FunctionFailed"]
