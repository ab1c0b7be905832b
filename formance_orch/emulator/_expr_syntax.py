"""Syntax of expr-lang/expr v1.15.6: tokens, the syntax tree, and the parser.

A hand-written lexer and precedence-climbing parser that accept what expr 1.15.6
accepts and reject the rest with its messages and positions (expr's
`parser/lexer` and `parser` packages are the reference for both). Quirks are
kept on purpose, because trigger creation on the real service succeeds or fails
exactly where expr's parser does: a literal cannot be indexed without
parentheses (`"ab"[0]`), `not` before a non-operator consumes a token, and
`1 + a not in b` parses as `(1 + a) in b`.

Nesting is bounded (`MAX_DEPTH`); expr has no such limit, but a Python parser
and evaluator must not run out of stack on hostile input.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Final

from formance_orch.emulator._expr_go import INT_MAX, is_digit, is_letter, is_space, quote
from formance_orch.emulator._expr_go import unicode_point as _unicode_point

#: How deeply an expression may nest (parentheses, operands, arguments, members).
MAX_DEPTH: Final = 100
TOO_DEEP: Final = f"expression nests too deeply (more than {MAX_DEPTH} levels)"

Location = tuple[int, int]  # (1-based line, 0-based column in characters)
NO_LOCATION: Final[Location] = (0, 0)


class SyntaxFailure(Exception):
    """The first error the lexer or parser met: its message and location."""

    def __init__(self, message: str, location: Location) -> None:
        super().__init__(message)
        self.message = message
        self.location = location


def format_error(message: str, location: Location, source: str) -> str:
    """Expr's error text: `message (line:column)`, the source line and a caret.

    The caret line is left out when a character before it, or under it, is not ASCII
    (expr's `file.Error.Bind` does the same).
    """
    line, column = location
    if location == NO_LOCATION:
        return message
    text = f"{message} ({line}:{column + 1})"
    lines = source.split("\n")
    if not source or not 1 <= line <= len(lines):
        return text
    snippet = lines[line - 1].replace("\t", " ")
    text += "\n | " + snippet
    prefix = snippet[:column]
    if not prefix.isascii() or (column < len(snippet) and not snippet[column].isascii()):
        return text
    return text + "\n | " + "." * len(prefix) + "^"


# --- tokens -----------------------------------------------------------------------------

IDENTIFIER: Final = "Identifier"
NUMBER: Final = "Number"
STRING: Final = "String"
OPERATOR: Final = "Operator"
BRACKET: Final = "Bracket"
EOF: Final = "EOF"

_END: Final = ""  # what the lexer reads past the end of the input


@dataclass(frozen=True, slots=True)
class Token:
    """One token: its kind, its text (unescaped for strings) and where it starts."""

    kind: str
    value: str
    location: Location

    def is_(self, kind: str, *values: str) -> bool:
        """Whether this token has `kind` and, if any are given, one of `values`."""
        return self.kind == kind and (not values or self.value in values)

    def __str__(self) -> str:
        return self.kind if not self.value else f"{self.kind}({quote(self.value)})"


_WORD_OPERATORS: Final = frozenset(
    {"in", "or", "and", "matches", "contains", "startsWith", "endsWith", "let"}
)
_NEGATABLE: Final = frozenset({"in", "matches", "contains", "startsWith", "endsWith"})


def is_alphanumeric(ch: str) -> bool:
    """Expr's identifier characters: letters, digits, `_` and `$`."""
    return ch != _END and (ch in "_$" or is_letter(ch) or is_digit(ch))


def is_valid_identifier(text: str) -> bool:
    """Whether `text` could be an identifier (used for `.not`, `.matches`...)."""
    return (
        bool(text)
        and (text[0] in "_$" or is_letter(text[0]))
        and all(is_alphanumeric(ch) for ch in text[1:])
    )


class _Lexer:
    """expr's lexer, position for position (its positions end up in error messages)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens: list[Token] = []
        self.start = 0
        self.end = 0
        self.width = 0
        self.loc: Location = (1, 0)
        self.prev: Location = (1, 0)
        self.start_loc: Location = (1, 0)

    # The primitives keep expr's bookkeeping exactly, including `backup` after the
    # end of input moving the location back (which places the EOF token).
    def next(self) -> str:
        if self.end >= len(self.text):
            self.width = 0
            return _END
        ch = self.text[self.end]
        self.width = 1
        self.end += 1
        self.prev = self.loc
        self.loc = (self.loc[0] + 1, 0) if ch == "\n" else (self.loc[0], self.loc[1] + 1)
        return ch

    def backup(self) -> None:
        self.end -= self.width
        self.loc = self.prev

    def peek(self) -> str:
        ch = self.next()
        self.backup()
        return ch

    def accept(self, valid: str) -> bool:
        ch = self.next()
        if ch != _END and ch in valid:
            return True
        self.backup()
        return False

    def accept_run(self, valid: str) -> None:
        while True:
            ch = self.next()
            if ch == _END or ch not in valid:
                break
        self.backup()

    def word(self) -> str:
        return self.text[self.start : self.end]

    def emit(self, kind: str, value: str | None = None) -> None:
        self.tokens.append(Token(kind, self.word() if value is None else value, self.start_loc))
        self.skip()

    def skip(self) -> None:
        self.start = self.end
        self.start_loc = self.loc

    def fail(self, message: str) -> SyntaxFailure:
        return SyntaxFailure(message, self.loc)

    def run(self) -> list[Token]:
        while True:
            ch = self.next()
            if ch == _END:
                self.tokens.append(Token(EOF, "", self.prev))
                return self.tokens
            self.root(ch)

    def root(self, ch: str) -> None:
        if is_space(ch):
            self.skip()
        elif ch in "'\"":
            self.scan_string(ch)
            self.emit(STRING, _unescape(self.word(), self))
        elif "0" <= ch <= "9":
            self.backup()
            self.number()
        elif ch == "?":
            self.accept(".?")
            self.emit(OPERATOR)
        elif ch == "/":
            self.slash()
        elif ch == "#":
            self.pointer()
        elif ch == "|":
            self.accept("|")
            self.emit(OPERATOR)
        elif ch in "([{)]}":
            self.emit(BRACKET)
        elif ch in ",:;%+-^":
            self.emit(OPERATOR)
        elif ch in "&!=*<>":
            self.accept("&=*")
            self.emit(OPERATOR)
        elif ch == ".":
            self.backup()
            self.dot()
        elif is_alphanumeric(ch):
            self.backup()
            self.identifier()
        else:
            raise self.fail(f"unrecognized character: {_unicode_point(ch)}")

    def number(self) -> None:
        if not self.scan_number():
            raise self.fail(f"bad number syntax: {quote(self.word())}")
        self.emit(NUMBER)

    def scan_number(self) -> bool:
        digits = "0123456789_"
        if self.accept("0"):
            if self.accept("xX"):
                digits = "0123456789abcdefABCDEF_"
            elif self.accept("oO"):
                digits = "01234567_"
            elif self.accept("bB"):
                digits = "01_"
        self.accept_run(digits)
        saved = self.loc, self.prev, self.end
        if self.accept("."):
            if self.peek() == ".":  # `1..2` is a range, not a float
                self.loc, self.prev, self.end = saved
                return True
            self.accept_run(digits)
        if self.accept("eE"):
            self.accept("+-")
            self.accept_run(digits)
        if is_alphanumeric(self.peek()):
            self.next()
            return False
        return True

    def dot(self) -> None:
        self.next()
        if self.accept("0123456789"):
            self.backup()
            self.number()
            return
        self.accept(".")
        self.emit(OPERATOR)

    def identifier(self) -> None:
        while is_alphanumeric(self.next()):
            pass
        self.backup()
        word = self.word()
        if word == "not":
            self.not_operator()
        elif word in _WORD_OPERATORS:
            self.emit(OPERATOR)
        else:
            self.emit(IDENTIFIER)

    def not_operator(self) -> None:
        self.emit(OPERATOR)
        while self.peek() == " ":
            self.next()
        self.skip()
        saved = self.end, self.loc, self.prev
        while is_alphanumeric(self.next()):
            pass
        self.backup()
        if self.word() in _NEGATABLE:
            self.emit(OPERATOR)
        else:
            self.end, self.loc, self.prev = saved

    def slash(self) -> None:
        if self.accept("/"):
            while self.next() not in (_END, "\n"):
                pass
            self.skip()
        elif self.accept("*"):
            while True:
                ch = self.next()
                if ch == _END:
                    raise self.fail("unclosed comment")
                if ch == "*" and self.accept("/"):
                    break
            self.skip()
        else:
            self.emit(OPERATOR)

    def pointer(self) -> None:
        self.accept("#")
        self.emit(OPERATOR)
        while is_alphanumeric(self.next()):
            pass
        self.backup()
        if self.word():
            self.emit(IDENTIFIER)

    def scan_string(self, quote_char: str) -> None:
        ch = self.next()
        while ch != quote_char:
            if ch in ("\n", _END):
                raise self.fail("literal not terminated")
            ch = self.scan_escape(quote_char) if ch == "\\" else self.next()

    def scan_escape(self, quote_char: str) -> str:
        ch = self.next()
        if ch != _END and (ch in "abfnrtv\\" or ch == quote_char):
            return self.next()
        if ch != _END and ch in "01234567":
            return self.scan_digits(ch, 8, 3)
        counts = {"x": 2, "u": 4, "U": 8}
        if ch in counts and ch != _END:
            return self.scan_digits(self.next(), 16, counts[ch])
        raise self.fail("invalid char escape")

    def scan_digits(self, ch: str, base: int, count: int) -> str:
        while count > 0 and _digit_value(ch) < base:
            ch = self.next()
            count -= 1
        if count > 0:
            raise self.fail("invalid char escape")
        return ch


def _digit_value(ch: str) -> int:
    if ch and "0" <= ch <= "9":
        return ord(ch) - ord("0")
    if ch and ch in "abcdefABCDEF":
        return ord(ch.lower()) - ord("a") + 10
    return 16


_SIMPLE_UNESCAPES: Final = {
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
    "\\": "\\",
    "'": "'",
    '"': '"',
    "`": "`",
    "?": "?",
}
_HEX_DIGITS: Final = frozenset("0123456789abcdefABCDEF")


def _unescape(quoted: str, lexer: _Lexer) -> str:
    value = quoted.replace("\r\n", "\n").replace("\r", "\n")
    if len(value) < 2 or value[0] != value[-1] or value[0] not in "'\"":  # pragma: no cover
        raise lexer.fail("unable to unescape string")
    body = value[1:-1]
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        if i + 1 >= len(body):  # pragma: no cover - the lexer never lets this through
            raise lexer.fail("unable to unescape string, found '\\' as last character")
        code = body[i + 1]
        i += 2
        if code in _SIMPLE_UNESCAPES:
            out.append(_SIMPLE_UNESCAPES[code])
        elif code in "xXuU":
            size = {"x": 2, "X": 2, "u": 4, "U": 8}[code]
            digits = body[i : i + size]
            if len(digits) < size or not set(digits) <= _HEX_DIGITS:
                raise lexer.fail("unable to unescape string")
            i += size
            out.append(_rune(int(digits, 16), lexer))
        elif code in "0123":
            digits = body[i : i + 2]
            if len(digits) < 2 or not all("0" <= d <= "7" for d in digits):
                raise lexer.fail("unable to unescape octal sequence in string")
            i += 2
            out.append(_rune(int(code + digits, 8), lexer))
        else:
            raise lexer.fail("unable to unescape string")
    return "".join(out)


def _rune(code: int, lexer: _Lexer) -> str:
    if code > 0x10FFFF:
        raise lexer.fail("unable to unescape string")
    return "\ufffd" if 0xD800 <= code <= 0xDFFF else chr(code)


def lex(source: str) -> list[Token]:
    """The tokens of `source`, ending with an EOF token; raises `SyntaxFailure`."""
    return _Lexer(source).run()


# --- the syntax tree -------------------------------------------------------------------


@dataclass(slots=True, eq=False)
class Node:
    """A node of the syntax tree: where it is, and the type the checker gave it."""

    location: Location = field(default=NO_LOCATION, kw_only=True)
    type: Any = field(default=None, kw_only=True)

    def children(self) -> tuple[Node, ...]:
        """The direct sub-nodes, in evaluation order."""
        return ()


@dataclass(slots=True, eq=False)
class NilNode(Node):
    """`nil`."""


@dataclass(slots=True, eq=False)
class IdentifierNode(Node):
    """A name: a variable, an environment entry, or nothing (nil)."""

    value: str


@dataclass(slots=True, eq=False)
class IntegerNode(Node):
    """An integer literal."""

    value: int


@dataclass(slots=True, eq=False)
class FloatNode(Node):
    """A float literal."""

    value: float


@dataclass(slots=True, eq=False)
class BoolNode(Node):
    """`true` or `false`."""

    value: bool


@dataclass(slots=True, eq=False)
class StringNode(Node):
    """A string literal (also a property name after `.`, and a map key)."""

    value: str


@dataclass(slots=True, eq=False)
class ConstantNode(Node):
    """A value computed at compile time by the optimizer."""

    value: Any


@dataclass(slots=True, eq=False)
class UnaryNode(Node):
    """`!x`, `not x`, `-x`, `+x`."""

    operator: str
    node: Node

    def children(self) -> tuple[Node, ...]:
        return (self.node,)


@dataclass(slots=True, eq=False)
class BinaryNode(Node):
    """`left <operator> right`."""

    operator: str
    left: Node
    right: Node

    def children(self) -> tuple[Node, ...]:
        return (self.left, self.right)


@dataclass(slots=True, eq=False)
class ChainNode(Node):
    """The extent of an optional chain `a?.b.c`: a nil `a` makes all of it nil."""

    node: Node

    def children(self) -> tuple[Node, ...]:
        return (self.node,)


@dataclass(slots=True, eq=False)
class MemberNode(Node):
    """`node.name`, `node?.name` or `node[property]`."""

    node: Node
    property: Node
    optional: bool = False

    def children(self) -> tuple[Node, ...]:
        return (self.node, self.property)


@dataclass(slots=True, eq=False)
class SliceNode(Node):
    """`node[start:end]`, either bound optional."""

    node: Node
    start: Node | None
    end: Node | None

    def children(self) -> tuple[Node, ...]:
        return tuple(n for n in (self.node, self.start, self.end) if n is not None)


@dataclass(slots=True, eq=False)
class CallNode(Node):
    """`callee(arguments...)` for anything that is not a built-in."""

    callee: Node
    arguments: list[Node]

    def children(self) -> tuple[Node, ...]:
        return (self.callee, *self.arguments)


@dataclass(slots=True, eq=False)
class BuiltinNode(Node):
    """A call of one of expr's built-in functions.

    `throws` and `map` are set by the optimizer when it turns `filter(...)[0]` into
    `find(...)` and `map(filter(...), f)` into one loop.
    """

    name: str
    arguments: list[Node]
    throws: bool = False
    map: Node | None = None

    def children(self) -> tuple[Node, ...]:
        return (*self.arguments, *((self.map,) if self.map is not None else ()))


@dataclass(slots=True, eq=False)
class ClosureNode(Node):
    """The predicate of `all`, `filter`, `map`...: evaluated once per element."""

    node: Node

    def children(self) -> tuple[Node, ...]:
        return (self.node,)


@dataclass(slots=True, eq=False)
class PointerNode(Node):
    """`#` (the current element), `#index`, `#acc`, or `.field` inside a closure."""

    name: str


@dataclass(slots=True, eq=False)
class VariableNode(Node):
    """`let name = value; expr`."""

    name: str
    value: Node
    expr: Node

    def children(self) -> tuple[Node, ...]:
        return (self.value, self.expr)


@dataclass(slots=True, eq=False)
class ConditionalNode(Node):
    """`cond ? exp1 : exp2` (and `cond ?: exp2`, where `exp1` is `cond`)."""

    cond: Node
    exp1: Node
    exp2: Node

    def children(self) -> tuple[Node, ...]:
        return (self.cond, self.exp1, self.exp2)


@dataclass(slots=True, eq=False)
class ArrayNode(Node):
    """`[a, b, c]`."""

    nodes: list[Node]

    def children(self) -> tuple[Node, ...]:
        return tuple(self.nodes)


@dataclass(slots=True, eq=False)
class PairNode(Node):
    """`key: value` in a map literal."""

    key: Node
    value: Node

    def children(self) -> tuple[Node, ...]:
        return (self.key, self.value)


@dataclass(slots=True, eq=False)
class MapNode(Node):
    """`{key: value, ...}`."""

    pairs: list[PairNode]

    def children(self) -> tuple[Node, ...]:
        return tuple(self.pairs)


def walk(root: Node) -> Iterator[Node]:
    """Every node under `root` (included), without recursion."""
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(node.children())


def check_depth(root: Node) -> None:
    """Raise `SyntaxFailure` if the tree is deeper than `MAX_DEPTH`.

    Left-associative chains (`a + b + c ...`, `a.b.c...`) nest without the parser
    recursing, so the tree itself is measured, without recursion.
    """
    stack: list[tuple[Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise SyntaxFailure(
                TOO_DEEP,
                (node.location if node.location != NO_LOCATION else (1, 0)),
            )
        stack.extend((child, depth + 1) for child in node.children())


# --- the parser --------------------------------------------------------------------------

# expr's operator table: precedence, and whether the operator is right-associative.
BINARY: Final[dict[str, tuple[int, bool]]] = {
    "|": (0, False),
    "or": (10, False),
    "||": (10, False),
    "and": (15, False),
    "&&": (15, False),
    "==": (20, False),
    "!=": (20, False),
    "<": (20, False),
    ">": (20, False),
    ">=": (20, False),
    "<=": (20, False),
    "in": (20, False),
    "matches": (20, False),
    "contains": (20, False),
    "startsWith": (20, False),
    "endsWith": (20, False),
    "..": (25, False),
    "+": (30, False),
    "-": (30, False),
    "*": (60, False),
    "/": (60, False),
    "%": (60, False),
    "**": (100, True),
    "^": (100, True),
    "??": (500, False),
}
UNARY: Final[dict[str, int]] = {"not": 50, "!": 50, "-": 90, "+": 90}

#: Built-ins that take a closure, and how many arguments they take.
PREDICATES: Final[dict[str, int]] = {
    "all": 2,
    "none": 2,
    "any": 2,
    "one": 2,
    "filter": 2,
    "map": 2,
    "count": 2,
    "find": 2,
    "findIndex": 2,
    "findLast": 2,
    "findLastIndex": 2,
    "groupBy": 2,
    "reduce": 3,
}

#: Every built-in of expr 1.15.6, in its own order.
BUILTIN_NAMES: Final = (
    *PREDICATES,
    "len",
    "type",
    "abs",
    "ceil",
    "floor",
    "round",
    "int",
    "float",
    "string",
    "trim",
    "trimPrefix",
    "trimSuffix",
    "upper",
    "lower",
    "split",
    "splitAfter",
    "replace",
    "repeat",
    "join",
    "indexOf",
    "lastIndexOf",
    "hasPrefix",
    "hasSuffix",
    "max",
    "min",
    "sum",
    "mean",
    "median",
    "toJSON",
    "fromJSON",
    "toBase64",
    "fromBase64",
    "now",
    "duration",
    "date",
    "first",
    "last",
    "get",
    "take",
    "keys",
    "values",
    "toPairs",
    "fromPairs",
    "sort",
    "sortBy",
)
_BUILTINS: Final = frozenset(BUILTIN_NAMES)

_MAP_KEY_MESSAGE: Final = (
    "a map key must be a quoted string, a number, a identifier, or an expression "
    "enclosed in parentheses (unexpected token {})"
)
_FLOAT: Final = re.compile(r"(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)


def _parse_int(text: str, hexadecimal: bool) -> tuple[int, str | None]:
    """`strconv.ParseInt(text, 0 or 10, 64)`: the value, or Go's error text."""
    digits = text[2:] if hexadecimal else text
    if not digits or not all(
        ch in _HEX_DIGITS if hexadecimal else "0" <= ch <= "9" for ch in digits
    ):
        return 0, f"strconv.ParseInt: parsing {quote(text)}: invalid syntax"
    value = int(digits, 16 if hexadecimal else 10)
    if value > INT_MAX:
        return 0, f"strconv.ParseInt: parsing {quote(text)}: value out of range"
    return value, None


def _parse_float(text: str) -> tuple[float, str | None]:
    """`strconv.ParseFloat(text, 64)` for the forms expr's lexer produces."""
    if not _FLOAT.fullmatch(text):
        return 0.0, f"strconv.ParseFloat: parsing {quote(text)}: invalid syntax"
    value = float(text)
    if value == float("inf"):
        return 0.0, f"strconv.ParseFloat: parsing {quote(text)}: value out of range"
    return value, None


class _Parser:
    """expr's parser; the first error it meets is raised as `SyntaxFailure`."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.current = tokens[0]
        self.closures = 0  # how many closures enclose the current token
        self.nesting = 0

    def fail(self, message: str, token: Token | None = None) -> SyntaxFailure:
        return SyntaxFailure(message, (token or self.current).location)

    def next(self) -> None:
        self.pos += 1
        if self.pos >= len(self.tokens):
            raise self.fail("unexpected end of expression")
        self.current = self.tokens[self.pos]

    def expect(self, kind: str, *values: str) -> None:
        if not self.current.is_(kind, *values):
            raise self.fail(f"unexpected token {self.current}")
        self.next()

    def parse(self) -> Node:
        node = self.expression(0)
        if not self.current.is_(EOF):
            raise self.fail(f"unexpected token {self.current}")
        return node

    def expression(self, precedence: int) -> Node:
        self.nesting += 1
        if self.nesting > MAX_DEPTH:
            raise self.fail(TOO_DEEP)
        try:
            return self._expression(precedence)
        finally:
            self.nesting -= 1

    def _expression(self, precedence: int) -> Node:
        if precedence == 0 and self.current.is_(OPERATOR, "let"):
            return self.variable()
        left = self.primary()
        previous = ""
        token = self.current
        while token.kind == OPERATOR:
            not_token: Token | None = None
            if token.value == "not":  # `not in`, `not matches`...
                self.next()
                not_token = token = self.current
            # expr looks the operator up by its text whatever the token's kind.
            operator = BINARY.get(token.value)
            if operator is None or operator[0] < precedence:
                break
            self.next()
            if token.value == "|":
                left = self.pipe(left)
            else:
                if previous == "??" and token.value != "??":
                    raise self.fail(
                        f"Operator ({token.value}) and coalesce expressions (??) cannot be "
                        "mixed. Wrap either by parentheses.",
                        token,
                    )
                right = self.expression(operator[0] if operator[1] else operator[0] + 1)
                left = BinaryNode(token.value, left, right, location=token.location)
                if not_token is not None:
                    left = UnaryNode("not", left, location=not_token.location)
            previous = token.value
            token = self.current
        if precedence == 0:
            left = self.conditional(left)
        return left

    def variable(self) -> Node:
        self.expect(OPERATOR, "let")
        name = self.current
        self.expect(IDENTIFIER)
        self.expect(OPERATOR, "=")
        value = self.expression(0)
        self.expect(OPERATOR, ";")
        body = self.expression(0)
        return VariableNode(name.value, value, body, location=name.location)

    def conditional(self, node: Node) -> Node:
        while self.current.is_(OPERATOR, "?"):
            self.next()
            if not self.current.is_(OPERATOR, ":"):
                exp1 = self.expression(0)
                self.expect(OPERATOR, ":")
                exp2 = self.expression(0)
            else:
                self.next()
                exp1 = node
                exp2 = self.expression(0)
            node = ConditionalNode(node, exp1, exp2)  # expr gives it no location
        return node

    def primary(self) -> Node:
        token = self.current
        if token.kind == OPERATOR and token.value in UNARY:
            self.next()
            operand = self.expression(UNARY[token.value])
            return self.postfix(UnaryNode(token.value, operand, location=token.location))
        if token.is_(BRACKET, "("):
            self.next()
            inner = self.expression(0)
            self.expect(BRACKET, ")")
            return self.postfix(inner)
        if token.is_(OPERATOR, "#", "."):
            if not self.closures:
                raise self.fail("cannot use pointer accessor outside closure")
            name = ""
            if token.value == "#":
                self.next()
                if self.current.kind == IDENTIFIER:
                    name = self.current.value
                    self.next()
            # `.field` leaves the `.` in place, to be read as a member access.
            return self.postfix(PointerNode(name, location=token.location))
        return self.secondary()

    def secondary(self) -> Node:
        token = self.current
        if token.kind == IDENTIFIER:
            self.next()
            literal = {"true": True, "false": False}.get(token.value)
            if literal is not None:
                return BoolNode(literal, location=token.location)
            if token.value == "nil":
                return NilNode(location=token.location)
            node = self.call(token)
        elif token.kind == NUMBER:
            self.next()
            return self.number(token)
        elif token.kind == STRING:
            self.next()
            return StringNode(token.value, location=token.location)
        elif token.is_(BRACKET, "["):
            node = self.array(token)
        elif token.is_(BRACKET, "{"):
            node = self.map(token)
        else:
            raise self.fail(f"unexpected token {token}")
        return self.postfix(node)

    def number(self, token: Token) -> Node:
        text = token.value.replace("_", "")
        if "x" in text:
            value, error = _parse_int(text, hexadecimal=True)
            if error:
                raise self.fail(f"invalid hex literal: {error}")
            return IntegerNode(value, location=token.location)
        if any(ch in text for ch in ".eE"):
            number, error = _parse_float(text)
            if error:
                raise self.fail(f"invalid float literal: {error}")
            return FloatNode(number, location=token.location)
        value, error = _parse_int(text, hexadecimal=False)
        if error:
            raise self.fail(f"invalid integer literal: {error}")
        return IntegerNode(value, location=token.location)

    def call(self, token: Token) -> Node:
        if not self.current.is_(BRACKET, "("):
            return IdentifierNode(token.value, location=token.location)
        name = token.value
        if name in PREDICATES:
            self.expect(BRACKET, "(")
            arguments = [self.expression(0)]
            self.expect(OPERATOR, ",")
            arguments.append(self.closure())
            if name == "reduce" and self.current.is_(OPERATOR, ","):
                self.next()
                arguments.append(self.expression(0))
            self.expect(BRACKET, ")")
            return BuiltinNode(name, arguments, location=token.location)
        if name in _BUILTINS:
            return BuiltinNode(name, self.arguments(), location=token.location)
        callee = IdentifierNode(name, location=token.location)
        return CallNode(callee, self.arguments(), location=token.location)

    def closure(self) -> Node:
        start = self.current
        braced = start.is_(BRACKET, "{")
        if braced:
            self.next()
        self.closures += 1
        body = self.expression(0)
        self.closures -= 1
        if braced:
            self.expect(BRACKET, "}")
        return ClosureNode(body, location=start.location)

    def array(self, token: Token) -> Node:
        nodes: list[Node] = []
        self.expect(BRACKET, "[")
        while not self.current.is_(BRACKET, "]"):
            if nodes:
                self.expect(OPERATOR, ",")
                if self.current.is_(BRACKET, "]"):
                    break
            nodes.append(self.expression(0))
        self.expect(BRACKET, "]")
        return ArrayNode(nodes, location=token.location)

    def map(self, token: Token) -> Node:
        self.expect(BRACKET, "{")
        pairs: list[PairNode] = []
        while not self.current.is_(BRACKET, "}"):
            if pairs:
                self.expect(OPERATOR, ",")
                if self.current.is_(BRACKET, "}"):
                    break
                if self.current.is_(OPERATOR, ","):
                    raise self.fail(f"unexpected token {self.current}")
            key: Node
            if self.current.kind in (NUMBER, STRING, IDENTIFIER):
                key = StringNode(self.current.value, location=token.location)
                self.next()
            elif self.current.is_(BRACKET, "("):
                key = self.expression(0)
            else:
                raise self.fail(_MAP_KEY_MESSAGE.format(self.current))
            self.expect(OPERATOR, ":")
            value = self.expression(0)
            pairs.append(PairNode(key, value, location=token.location))
        self.expect(BRACKET, "}")
        return MapNode(pairs, location=token.location)

    def postfix(self, node: Node) -> Node:
        token = self.current
        while token.kind in (OPERATOR, BRACKET):
            if token.value in (".", "?."):
                self.next()
                name = self.current
                self.next()
                if name.kind != IDENTIFIER and (
                    name.kind != OPERATOR or not is_valid_identifier(name.value)
                ):
                    raise self.fail("expected name")
                chained = isinstance(node, ChainNode)
                optional = token.value == "?."
                base = node.node if isinstance(node, ChainNode) else node
                member = MemberNode(
                    base,
                    StringNode(name.value, location=name.location),
                    optional,
                    location=name.location,
                )
                if self.current.is_(BRACKET, "("):
                    node = CallNode(member, self.arguments(), location=name.location)
                else:
                    node = member
                if chained or optional:
                    node = ChainNode(node)
            elif token.value == "[":
                self.next()
                start: Node | None = None
                if not self.current.is_(OPERATOR, ":"):
                    start = self.expression(0)
                if self.current.is_(OPERATOR, ":"):
                    self.next()
                    end = None if self.current.is_(BRACKET, "]") else self.expression(0)
                    node = SliceNode(node, start, end, location=token.location)
                else:
                    assert start is not None
                    node = MemberNode(node, start, location=token.location)
                self.expect(BRACKET, "]")
            else:
                break
            token = self.current
        return node

    def pipe(self, node: Node) -> Node:
        name = self.current
        self.expect(IDENTIFIER)
        arguments = [node]
        if name.value in PREDICATES:
            self.expect(BRACKET, "(")
            if name.value != "reduce":
                arguments.append(self.closure())
            else:
                arguments.append(self.closure())
                if self.current.is_(OPERATOR, ","):
                    self.next()
                    arguments.append(self.expression(0))
            self.expect(BRACKET, ")")
            return BuiltinNode(name.value, arguments, location=name.location)
        if name.value in _BUILTINS:
            arguments.extend(self.arguments())
            return BuiltinNode(name.value, arguments, location=name.location)
        callee = IdentifierNode(name.value, location=name.location)
        arguments.extend(self.arguments())
        return CallNode(callee, arguments, location=name.location)

    def arguments(self) -> list[Node]:
        self.expect(BRACKET, "(")
        nodes: list[Node] = []
        while not self.current.is_(BRACKET, ")"):
            if nodes:
                self.expect(OPERATOR, ",")
            nodes.append(self.expression(0))
        self.expect(BRACKET, ")")
        return nodes


def parse(source: str) -> Node:
    """The syntax tree of `source`; raises `SyntaxFailure` as expr's parser fails."""
    node = _Parser(lex(source)).parse()
    check_depth(node)
    return node
