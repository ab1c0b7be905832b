r"""Trigger expressions, evaluated as the real Orchestration service evaluates them.

The real service compiles trigger filters and variables with expr-lang/expr v1.15.6
(`expr.Compile(src)`, no environment, no options) and runs them with the
environment `{"event": <payload>}`, its own `link(obj, rel)` function and expr's
built-ins, not strictly: an unknown name is nil (REAL-SERVER.md §7, "Triggers").
This module reproduces that language, its Go value semantics and its messages,
without Python's `eval` and without expr's code:

    program = compile_expression('event.amount > 100 && event.asset == "USD/2"')
    matched = filter_matches(program.run({"event": to_go_value(payload)}))

Every answer is checked against expr v1.15.6 itself: `tests/emulator/expr_golden` holds
thousands of cases recorded from it (messages, positions, values, variables).

What differs from expr, knowingly:

* expressions may nest at most `MAX_DEPTH` (100) levels and be at most
  `MAX_SOURCE_LENGTH` characters long; one run may take at most 5,000,000 steps
  (about a second) and build strings of at most 10,000,000 characters (expr has no
  such limits; a hostile expression must not take the emulator down);
* `now()`, `date()` and `duration()` compile but fail when run (the emulator has
  no Go time values), and methods of time values are not checked at compile time;
* expr's VM leaves stray values on its stack after `findLast`/`findLastIndex`, and
  after an optional chain that skips a call (`a?.b(x)` with a nil `a`); when such a
  result is the right operand of another operation, expr computes with the wrong
  left operand. The emulator computes what the expression says;
* map iteration (`keys`, `values`, `toPairs`, `sort` of equal elements) follows
  insertion order where Go's is random or unspecified;
* a fractional power (`2 ** 0.5` aside) may differ from Go's in the last digit
  (integer powers and every special case are Go's, digit for digit);
* where Go versions differ, the emulator follows Go 1.22 (the source does not pin
  the service's toolchain): `(?<name>...)` is a valid group and JSON writes
  backspace and form feed as `\b` and `\f`. Unicode script classes such as
  `\p{Greek}` are not supported (general categories such as `\pL` are).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from formance_orch.emulator._expr_check import check, check_pointers, optimize
from formance_orch.emulator._expr_eval import Evaluation, FunctionFailed
from formance_orch.emulator._expr_go import (
    Panic,
    from_json_value,
    json_float,
    sprint,
    valid_utf8,
)
from formance_orch.emulator._expr_regex import Regex
from formance_orch.emulator._expr_syntax import (
    MAX_DEPTH,
    NO_LOCATION,
    TOO_DEEP,
    IdentifierNode,
    Node,
    SyntaxFailure,
    format_error,
    parse,
    walk,
)

__all__ = [
    "MAX_DEPTH",
    "MAX_SOURCE_LENGTH",
    "CompileError",
    "EvalError",
    "ExprError",
    "Program",
    "compile_expression",
    "filter_matches",
    "format_variable",
    "to_go_value",
]

#: The longest expression source the emulator compiles.
MAX_SOURCE_LENGTH: Final = 100_000


class ExprError(Exception):
    """An expression failed; `message` is the text the real service reports."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class CompileError(ExprError):
    r"""The expression does not compile (`compile_expression`).

    `message` is expr's text, `message (line:column)` then the source line and a
    caret, e.g. ``unexpected token EOF (1:3)\n | a +\n | ..^``. The service answers
    a trigger create with `validating data: error compiling expression '<src>': `
    followed by it.
    """


class EvalError(ExprError):
    r"""The expression failed while running (`Program.run`).

    `expr_text` is expr's own error text, always located
    (``invalid operation: <nil> + <nil> (1:3)\n | a + b\n | ..^``). `message` is
    what the service reports, which is the same except where expr wrapped a Go
    `error` (a failed type assertion such as `!nil`, a division by zero, an error
    from `link`): the service unwraps those and reports the bare error text
    (`wrapped` is then True). When a function given to `run` raised, that
    exception is the `__cause__`.
    """

    def __init__(self, message: str, *, expr_text: str, wrapped: bool) -> None:
        super().__init__(message)
        self.expr_text = expr_text
        self.wrapped = wrapped


def _compile(source: str, functions: frozenset[str]) -> tuple[Node, dict[int, Regex]]:
    text = valid_utf8(source)
    if len(text) > MAX_SOURCE_LENGTH:
        raise CompileError(
            f"expression too long ({len(text)} characters; the emulator accepts "
            f"{MAX_SOURCE_LENGTH})"
        )
    try:
        tree = parse(text)
        regexps = check(tree, functions)
        tree = optimize(tree)
        check_pointers(tree)
    except SyntaxFailure as failure:
        raise CompileError(format_error(failure.message, failure.location, text)) from None
    except RecursionError:  # pragma: no cover - the depth limits come first
        raise CompileError(TOO_DEEP) from None
    return tree, regexps


def compile_expression(source: str) -> Program:
    """Compile `source` as the service does when a trigger is created.

    Raises `CompileError` for what expr rejects: syntax errors, and type errors
    between literals (`1 + "a"`, `len(1)`, `upper()`); unknown names compile.
    """
    tree, regexps = _compile(source, frozenset())
    return Program(source, tree, regexps)


class Program:
    """A compiled expression; `run` evaluates it against an event."""

    __slots__ = ("_names", "_regexps", "_tree", "_variants", "source")

    def __init__(self, source: str, tree: Node, regexps: dict[int, Regex]) -> None:
        self.source = source
        self._tree = tree
        self._regexps = regexps
        self._names = frozenset(n.value for n in walk(tree) if isinstance(n, IdentifierNode))
        self._variants: dict[frozenset[str], tuple[Node, dict[int, Regex]]] = {}

    def __repr__(self) -> str:
        return f"Program({self.source!r})"

    def run(
        self, env: Mapping[str, Any], functions: Mapping[str, Callable[..., Any]] | None = None
    ) -> Any:
        """Evaluate with `env` (usually `{"event": payload}`) and the caller's `functions`.

        `env` holds JSON data (numbers become float64, as Go decodes them; see
        `to_go_value`). Each function is called with the evaluated arguments and its
        result is taken as JSON data too; an exception it raises fails the run.
        Raises `EvalError` (never anything else for a compiled expression).
        """
        functions = functions or {}
        tree, regexps = self._tree, self._regexps
        called = frozenset(functions) & self._names
        if called:
            # The service compiles again with `link` declared, which checks its arguments.
            if called not in self._variants:
                try:
                    self._variants[called] = _compile(self.source, called)
                except CompileError as error:
                    raise EvalError(error.message, expr_text=error.message, wrapped=False) from None
            tree, regexps = self._variants[called]
        go_env = {str(key): from_json_value(value) for key, value in env.items()}
        try:
            return Evaluation(go_env, functions, regexps).eval(tree)
        except FunctionFailed as panic:
            raise self._error(panic) from panic.cause
        except Panic as panic:
            raise self._error(panic) from None
        except RecursionError:  # pragma: no cover - deep data, not a deep expression
            raise EvalError(TOO_DEEP, expr_text=TOO_DEEP, wrapped=False) from None

    def _error(self, panic: Panic) -> EvalError:
        text = format_error(panic.message, panic.location or NO_LOCATION, valid_utf8(self.source))
        message = panic.message if panic.error_value else text
        return EvalError(message, expr_text=text, wrapped=panic.error_value)


def to_go_value(json_value: Any) -> Any:
    """A JSON-decoded value as Go's `encoding/json` holds it in an `any`.

    Numbers become float64 (`1` is `1.0`), lone surrogates become U+FFFD, objects
    and arrays are copied. Raises `TypeError` for values JSON cannot hold.
    """
    return from_json_value(json_value)


def format_variable(value: Any) -> str:
    """A variable's value as the service turns it into a string (REAL-SERVER.md §7).

    Floats are JSON-encoded (`1200000`, `1e+21`, `0.5`); everything else is
    `fmt.Sprint` (`true`, `admin`, `<nil>`, `map[a:1]`, `[1 2]`). A NaN or an
    infinity cannot be JSON-encoded: that raises `EvalError`, as the service fails.
    """
    try:
        text = json_float(value) if type(value) is float else sprint(value)
    except Panic as panic:
        raise EvalError(panic.message, expr_text=panic.message, wrapped=True) from None
    except RecursionError:  # pragma: no cover - data nested hundreds of levels deep
        raise EvalError(TOO_DEEP, expr_text=TOO_DEEP, wrapped=False) from None
    return valid_utf8(text)


def filter_matches(value: Any) -> bool:
    """Whether a filter's result lets the event through: only `true` does."""
    return value is True
