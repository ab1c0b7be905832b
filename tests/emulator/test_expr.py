"""The trigger expression engine: expr-lang/expr v1.15.6 semantics, messages and limits."""

from __future__ import annotations

import contextlib
import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from formance_orch.emulator._expr_go import sprint
from formance_orch.emulator.expr import (
    MAX_DEPTH,
    MAX_SOURCE_LENGTH,
    CompileError,
    EvalError,
    ExprError,
    Program,
    compile_expression,
    filter_matches,
    format_variable,
    to_go_value,
)
from tests.emulator.golden import answer, load_cases

EVENT = {"n": 3, "f": 2.5, "s": "abc", "t": True, "m": {"k": "v"}, "list": [1, "a"]}


def run(source: str, event: Any = EVENT, **functions: Any) -> Any:
    return compile_expression(source).run({"event": to_go_value(event)}, functions)


def eval_error(source: str, event: Any = EVENT, **functions: Any) -> EvalError:
    with pytest.raises(EvalError) as caught:
        run(source, event, **functions)
    return caught.value


def compile_error(source: str) -> str:
    with pytest.raises(CompileError) as caught:
        compile_expression(source)
    return caught.value.message


# --- expr's own answers ----------------------------------------------------------------

CASES = load_cases()


def _kind(case: dict[str, Any]) -> str:
    return "compile" if "compile" in case else "eval" if "eval" in case else "value"


@pytest.mark.parametrize("kind", ["compile", "eval", "value"])
def test_every_recorded_answer_of_expr_is_reproduced(kind: str) -> None:
    cases = [case for case in CASES if _kind(case) == kind]
    expected_keys = ("compile", "eval", "unwrapped", "value", "type", "var", "varerr")
    mismatches = []
    for case in cases:
        expected = {key: case[key] for key in expected_keys if key in case}
        got = answer(case["src"], case["event"])
        if got != expected:
            mismatches.append((case["src"], got, expected))
    assert len(cases) > 300
    assert not mismatches, "\n".join(map(repr, mismatches[:10]))


# --- precedence ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("1 + 2 * 3", 7),
        ("(1 + 2) * 3", 9),
        ("2 ** 3 ** 2", 512.0),  # right-associative
        ("2 ^ 3 ^ 2", 512.0),
        ("-2 ** 2", -4.0),  # ** binds tighter than unary minus
        ("-event.n ** 2", -9.0),
        ("10 - 2 - 3", 5),  # left-associative
        ("2 * 3 % 4", 2),
        ("7 / 2 * 2", 7.0),
        ("1 + 2 == 3", True),
        ("true || false && false", True),  # && binds tighter than ||
        ("false and true or true", True),
        ("not true == false", True),  # (not true) == false
        ("1 < 2 == true", True),  # same precedence, left to right
        ("1 + 1 .. 3", [2, 3]),  # .. binds looser than +
        ('"a" in ["a"] == true', True),
        ("1 + 2 | string()", "3"),  # the pipe binds loosest
        ("false ? 1 : 2 + 3", 5),
        ("true ? 1 : false ? 2 : 3", 1),
        ("nil ?? event.n", 3.0),
        ("let x = 2; x * 3", 6),
        # expr's parser consumes `not` inside the right operand of `+` and then reads
        # `in` at the outer level: this is `(1 + 1) in [2]`, not its negation.
        ("1 + 1 not in [2]", True),
    ],
)
def test_precedence_and_associativity_follow_expr(source: str, expected: Any) -> None:
    assert run(source) == expected


def test_coalesce_cannot_be_mixed_with_other_operators() -> None:
    assert compile_error("a ?? b || c") == (
        "Operator (||) and coalesce expressions (??) cannot be mixed. Wrap either by "
        "parentheses. (1:8)\n | a ?? b || c\n | .......^"
    )


# --- operators over Go values ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("event.n + 1", 4.0),  # JSON numbers are float64: int + float is a float
        ("1 + 1", 2),
        ("7 / 2", 3.5),  # / is always a float
        ("4 / 2", 2.0),
        ("7 % 2", 1),
        ("-7 % 2", -1),  # Go's remainder keeps the dividend's sign
        ("1 == 1.0", True),
        ("event.n == 3", True),
        ("event.f > 2", True),
        ('"a" < "b"', True),
        ('"a" + "b"', "ab"),
        ("nil == nil", True),
        ("event.missing == nil", True),
        ("event.s == 1", False),
        ("[1] == [1.0]", False),  # reflect.DeepEqual: int and float64 differ
        ("{a: 1} == {a: 1}", True),
        ("9223372036854775807 + 1", -9223372036854775808),  # int64 wraps
        ("1 / 0", math.inf),
        ("event.s contains 'b'", True),
        ("event.s startsWith 'a' && event.s endsWith 'c'", True),
        ("event.s not in ['x', 'y']", True),
        ("event.m.k in ['v']", True),
        ("'k' in event.m", True),
        ("2 in [1, 2]", True),
        ("event.n in 1..5", True),
        ("len(event.s)", 3),
        ("len('héllo')", 6),  # bytes, as Go counts them
        ("upper(event.s)", "ABC"),
        ("lower('ÀB')", "àb"),
        ("trim('  x ')", "x"),
        ("abs(-2)", 2),
        ("int('12') + 1", 13),
        ("float('1.5')", 1.5),
        ("string(event.n)", "3"),
        ("event.s matches '^a.c$'", True),
        ("all(event.list, # != nil)", True),
        ("map([1, 2], # * 2)", [2, 4]),
        ("filter([1, 2, 3], # > 1)", [2, 3]),
        ("event.t and event.missing", None),  # the right operand is not checked
        ("event.missing and true", None),  # folded to its left operand at compile time
        ("event.n || true", True),  # folded: the left operand is never looked at
    ],
)
def test_operators_follow_go_semantics(source: str, expected: Any) -> None:
    result = run(source)
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("event.n % 2", "invalid operation: float64 % int (1:9)\n | event.n % 2\n | ........^"),
        ("event.s + 1", "invalid operation: string + int (1:9)\n | event.s + 1\n | ........^"),
        (
            "event.f > 's'",
            "invalid operation: float64 > string (1:9)\n | event.f > 's'\n | ........^",
        ),
        ("-event.s", "invalid operation: - string (1:1)\n | -event.s\n | ^"),
        (
            "event.n in ['a']",
            "reflect.Value.MapIndex: value of type float64 is not assignable to type string "
            "(1:9)\n | event.n in ['a']\n | ........^",
        ),
        ("len(event.n)", "invalid argument for len (type float64) (1:1)\n | len(event.n)\n | ^"),
    ],
)
def test_type_mismatches_at_run_time_give_expr_messages(source: str, message: str) -> None:
    error = eval_error(source)
    assert error.message == message
    assert error.expr_text == message
    assert not error.wrapped


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            '1 + "a"',
            'invalid operation: + (mismatched types int and string) (1:3)\n | 1 + "a"\n | ..^',
        ),
        (
            "true + 1",
            "invalid operation: + (mismatched types bool and int) (1:6)\n | true + 1\n | .....^",
        ),
        ("!1", "invalid operation: ! (mismatched type int) (1:1)\n | !1\n | ^"),
        ("len(1)", "invalid argument for len (type int) (1:1)\n | len(1)\n | ^"),
        ("upper()", "not enough arguments to call upper (1:1)\n | upper()\n | ^"),
        ("1 % 0", "integer divide by zero (1:3)\n | 1 % 0\n | ..^"),
        (
            '"a" in "abc"',
            "invalid operation: in (mismatched types string and string) (1:5)\n"
            ' | "a" in "abc"\n | ....^',
        ),
        (
            '"a" matches "(a"',
            'error parsing regexp: missing closing ): `(a` (1:5)\n | "a" matches "(a"\n | ....^',
        ),
    ],
)
def test_type_errors_between_literals_fail_at_compile_time(source: str, message: str) -> None:
    assert compile_error(source) == message


def test_unknown_names_and_functions_compile() -> None:
    for source in ("a + b", "foo(1, 2)", "event.payload.x > 1", "link(event, 'x').id"):
        assert isinstance(compile_expression(source), Program)


# --- non-strict lookups ------------------------------------------------------------------------


def test_unknown_names_and_missing_keys_are_nil() -> None:
    assert run("unknown") is None
    assert run("event.missing") is None
    assert run("event.m.other") is None
    assert run("event") == to_go_value(EVENT)
    assert run('event["s"] + event.m["k"]') == "abcv"
    assert run("event.list[-1]") == "a"
    assert run("$env.event.n") == 3.0


def test_a_member_of_nil_is_an_error_unless_the_access_is_optional() -> None:
    error = eval_error("event.payload.amount")
    assert error.message == (
        "cannot fetch amount from <nil> (1:15)\n | event.payload.amount\n | ..............^"
    )
    assert run("event.payload?.amount") is None
    assert run("event?.payload?.amount ?? 0") == 0
    assert eval_error("x.y").message.startswith("cannot fetch y from <nil> (1:3)")


def test_out_of_range_indexes_are_errors() -> None:
    assert eval_error("event.list[5]").message.startswith("reflect: slice index out of range")
    assert eval_error("event.s[9]").message.startswith("reflect: string index out of range")


# --- error texts and carets ----------------------------------------------------------------


def test_the_real_services_own_example_error() -> None:
    error = eval_error("a + b", {})
    assert error.message == "invalid operation: <nil> + <nil> (1:3)\n | a + b\n | ..^"


def test_errors_point_at_their_line_and_column() -> None:
    assert compile_error("a +") == "unexpected token EOF (1:3)\n | a +\n | ..^"
    assert compile_error("a +\n  * b") == 'unexpected token Operator("*") (2:3)\n |   * b\n | ..^'
    assert compile_error("a\t+ )") == 'unexpected token Bracket(")") (1:5)\n | a + )\n | ....^'
    assert compile_error("") == "unexpected token EOF (1:1)"


def test_no_caret_when_a_character_before_it_is_not_ascii() -> None:
    assert compile_error('"é" +') == 'unexpected token EOF (1:5)\n | "é" +'


def test_errors_expr_wraps_are_reported_bare_as_the_service_does() -> None:
    error = eval_error("!event.missing")
    assert error.wrapped
    assert error.message == "interface conversion: interface {} is nil, not bool"
    assert error.expr_text == (
        "interface conversion: interface {} is nil, not bool (1:1)\n | !event.missing\n | ^"
    )
    assert isinstance(error, ExprError)


def test_an_unknown_function_fails_when_called() -> None:
    error = eval_error("foo(1)")
    assert error.message == "reflect: call of reflect.Value.Call on zero Value"


# --- functions given by the caller ------------------------------------------------------------


def test_functions_receive_evaluated_arguments_and_return_json_data() -> None:
    calls: list[tuple[Any, ...]] = []

    def link(*arguments: Any) -> Any:
        calls.append(arguments)
        return {"id": 7, "tags": ["a"]}

    assert run('link(event.m, "wallet").id + 1', link=link) == 8.0  # 7 arrived as float64
    assert calls == [({"k": "v"}, "wallet")]


def test_a_failing_function_fails_the_run_with_its_text_and_cause() -> None:
    class LinkFailure(Exception):
        pass

    def link(*arguments: Any) -> Any:
        raise LinkFailure("link 'x' not defined for object")

    error = eval_error('link(event, "x")', link=link)
    assert error.message == "link 'x' not defined for object"
    assert error.wrapped
    assert error.expr_text.startswith("link 'x' not defined for object (1:1)")
    assert isinstance(error.__cause__, LinkFailure)


def test_a_folded_away_call_is_never_made() -> None:
    called = []
    assert run('false && link(event, "x")', link=lambda *a: called.append(a)) is False
    assert not called


def test_declared_functions_have_their_arguments_checked_as_the_service_recompiles() -> None:
    program = compile_expression('link(1 + "a", "x")')  # unknown at create time: compiles
    with pytest.raises(EvalError) as caught:
        program.run({"event": {}}, {"link": lambda *a: None})
    assert caught.value.message.startswith("invalid operation: + (mismatched types int and string)")


# --- variables, filters and Go values -----------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1200000.0, "1200000"),
        (1e21, "1e+21"),
        (0.5, "0.5"),
        (1e-7, "1e-7"),
        (-0.0, "-0"),
        (3, "3"),
        (True, "true"),
        ("admin", "admin"),
        (None, "<nil>"),
        ({"a": 1.0}, "map[a:1]"),
        ({"b": 1e6, "a": "x"}, "map[a:x b:1e+06]"),
        ([1, 2], "[1 2]"),
        ([None, "a b", [2.5]], "[<nil> a b [2.5]]"),
    ],
)
def test_variables_are_formatted_as_the_service_formats_them(value: Any, text: str) -> None:
    assert format_variable(value) == text


def test_a_variable_that_json_cannot_encode_is_an_error() -> None:
    with pytest.raises(EvalError) as caught:
        format_variable(math.nan)
    assert caught.value.message == "json: unsupported value: NaN"
    assert format_variable(run("[1 / 0]")) == "[+Inf]"


def test_a_computed_float_variable_is_json_encoded() -> None:
    assert format_variable(run("event.amount * 100", {"amount": 12000})) == "1200000"


@pytest.mark.parametrize(
    ("value", "matches"),
    [(True, True), (False, False), ("true", False), (1, False), (None, False)],
)
def test_only_true_lets_an_event_through(value: Any, matches: bool) -> None:
    assert filter_matches(value) is matches


def test_json_values_become_what_go_decodes() -> None:
    assert to_go_value({"a": [1, 2.5, True, None, "x\ud800"]}) == {
        "a": [1.0, 2.5, True, None, "x\ufffd"]
    }
    assert type(to_go_value(1)) is float
    with pytest.raises(TypeError):
        to_go_value({"a": object()})


def test_a_program_runs_many_times_without_keeping_state() -> None:
    program = compile_expression("let x = event.n * 2; x + 1")
    assert program.run({"event": {"n": 1}}) == 3.0
    assert program.run({"event": {"n": 5}}) == 11.0
    assert program.source == "let x = event.n * 2; x + 1"
    assert "event.n" in repr(program)


# --- regular expressions -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('"ab\\nc" matches "b$"', False),  # $ is the end of the text only
        ('"ab\\nc" matches "(?m)b$"', True),
        ('"ABC" matches "(?i)abc"', True),
        ('"x1" matches "\\\\d"', True),
        ('"é" matches "\\\\w"', False),  # \w is ASCII in Go
        ('"é" matches "\\\\pL"', True),
        ('"aaa" matches "^a{2,3}$"', True),
        ('"foo@bar.com" matches "^[a-z]+@[a-z]+\\\\.com$"', True),
    ],
)
def test_matches_uses_go_regular_expressions(source: str, expected: bool) -> None:
    assert run(source) is expected


def test_a_pattern_known_only_at_run_time_fails_at_run_time() -> None:
    error = eval_error('"a" matches event.p', {"p": "(?=a)"})
    assert error.message == "error parsing regexp: invalid or unsupported Perl syntax: `(?=`"
    assert error.wrapped


# --- hostile input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "(" * 10_000 + "1" + ")" * 10_000,
        "-" * 10_000 + "1",
        "!" * 10_000 + "true",
        "1" + " + 1" * 10_000,
        "a" + ".b" * 10_000,
        "a" + "[0]" * 10_000,
        "[" * 10_000 + "]" * 10_000,
        "2" + " ** 2" * 10_000,
        "f(" * 10_000 + ")" * 10_000,
        "true ? " * 5_000 + "1" + " : 2" * 5_000,
        "a | f()" + " | f()" * 10_000,
    ],
)
def test_deep_nesting_is_a_compile_error_not_a_crash(source: str) -> None:
    assert "nests too deeply" in compile_error(source)


def test_nesting_below_the_limit_works() -> None:
    depth = MAX_DEPTH - 5
    assert run("(" * depth + "1" + ")" * depth) == 1
    assert run("1" + " + 1" * (MAX_DEPTH - 5)) == MAX_DEPTH - 4


def test_long_sources_are_bounded() -> None:
    assert "too long" in compile_error("1 + " * MAX_SOURCE_LENGTH + "1")
    wide = "[" + ", ".join(["event.n"] * 10_000) + "]"
    assert len(run(wide)) == 10_000


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("2 ** 1e300", math.inf),
        ("(-2) ** 1e300", math.inf),
        ("event.n ** 1e308", math.inf),
        ("2 ** -1e300", 0.0),
        ("5 ** 400", 3.872591914849321e279),  # Go's Pow, not a correctly rounded one
    ],
)
def test_huge_exponents_are_cheap_and_match_go(source: str, expected: float) -> None:
    assert run(source) == expected


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("1..10000000", "memory budget exceeded"),
        ("map(1..100, map(1..100, map(1..100, 0)))", "memory budget exceeded"),
        ('repeat("ab", 2000000)', "memory budget exceeded"),
        ('repeat(repeat("ab", 1000000), 1000)', "memory budget exceeded"),
        ("let r = 1..3000; all(r, all(r, all(r, true)))", "evaluation budget exceeded"),
    ],
)
def test_work_is_bounded(source: str, message: str) -> None:
    assert eval_error(source).message.startswith(message)


def test_a_hostile_pattern_takes_linear_time() -> None:
    # `(a+)+$` takes exponential time in a backtracking engine such as Python's re.
    assert run('event.s matches "(a+)+$"', {"s": "a" * 20_000 + "!"}) is False


_SAMPLE_EVENT = to_go_value(
    {"n": 3, "f": -2.5, "s": "héllo", "t": True, "list": [1, "a", None], "m": {"k": [1.5]}}
)


def _outcome(source: str) -> str:
    """Compile and run `source`: its value, or the expr error that stopped it."""
    try:
        program = compile_expression(source)
    except CompileError as error:
        return f"compile error: {error.message}"
    try:
        result = program.run({"event": _SAMPLE_EVENT}, {"link": lambda *a: {"x": 1}})
    except EvalError as error:
        return f"run error: {error.message} {error.expr_text}"
    with contextlib.suppress(EvalError):  # NaN and infinities cannot become variables
        format_variable(result)
    return f"value: {sprint(result)}"


def _must_fail_cleanly(source: str) -> None:
    kind, _, text = _outcome(source).partition(": ")
    assert kind in ("compile error", "run error", "value")
    assert text or kind == "value"


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.text(max_size=60))
def test_any_text_compiles_or_fails_with_an_expr_error(source: str) -> None:
    _must_fail_cleanly(source)


_ALPHABET = st.sampled_from(
    [
        *"()[]{}.,:?!+-*/%^<>=&|#'\"\\ \n\t0123456789abcdefxnlt_$é",
        *("..", "?.", "??", "**", "&&", "||", "==", "!=", "<=", ">=", " in ", " not ", " matches "),
    ]
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(_ALPHABET, max_size=40).map("".join))
def test_expression_like_noise_compiles_or_fails_with_an_expr_error(source: str) -> None:
    _must_fail_cleanly(source)


_ATOMS = st.sampled_from(
    [
        "1", "0", "-3", "2.5", ".5", "1e3", "0x1F", "1_000", '"a"', "'héllo'", '""', "nil",
        "true", "false", "event", "event.n", "event.f", "event.s", "event.t", "event.list",
        "event.m", "event.m.k", "event.missing", "event?.x?.y", "x", "[]", "{}", "1..3",
    ]
)  # fmt: skip
_BINARY = st.sampled_from(
    [
        *("+", "-", "*", "/", "%", "**", "^", "==", "!=", "<", "<=", ">", ">=", "&&", "||"),
        *("and", "or", "in", "contains", "startsWith", "endsWith", "matches", "..", "??", "|"),
    ]
)
_CALLS = st.sampled_from(
    [
        *("len", "upper", "lower", "trim", "string", "int", "float", "abs", "ceil", "round"),
        *("type", "first", "last", "keys", "sum", "max", "min", "toJSON", "fromJSON", "split"),
        *("join", "replace", "indexOf", "repeat", "take", "sort", "link"),
    ]
)
_PREDICATES = st.sampled_from(["all", "any", "none", "one", "filter", "map", "count", "find"])


def _compose(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(children, _BINARY, children).map(lambda p: f"{p[0]} {p[1]} {p[2]}"),
        st.tuples(st.sampled_from(["-", "!", "not "]), children).map("".join),
        children.map(lambda c: f"({c})"),
        st.tuples(_CALLS, st.lists(children, max_size=3)).map(
            lambda p: f"{p[0]}({', '.join(p[1])})"
        ),
        st.tuples(children, children, children).map(lambda p: f"{p[0]} ? {p[1]} : {p[2]}"),
        st.tuples(children, children).map(lambda p: f"{p[0]}[{p[1]}]"),
        st.tuples(children, st.sampled_from(["k", "n", "s", "not"])).map(
            lambda p: f"({p[0]}).{p[1]}"
        ),
        st.lists(children, max_size=3).map(lambda items: "[" + ", ".join(items) + "]"),
        st.tuples(_PREDICATES, children, children).map(lambda p: f"{p[0]}({p[1]}, {p[2]})"),
        st.tuples(children, children).map(lambda p: f"{{k: {p[0]}, (event.s): {p[1]}}}"),
        st.tuples(children, children).map(lambda p: f"let v = {p[0]}; {p[1]}"),
    )


_EXPRESSIONS = st.recursive(_ATOMS, _compose, max_leaves=12)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(_EXPRESSIONS)
def test_generated_expressions_compile_and_run_or_fail_with_expr_errors(source: str) -> None:
    _must_fail_cleanly(source)
