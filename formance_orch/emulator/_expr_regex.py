r"""Go's regular expressions (RE2 syntax) for expr's `matches` operator.

expr compiles `matches` patterns with Go's `regexp`, whose syntax differs from
Python's `re` (no look-arounds or back-references, `$` only at the very end, `\s`
is ASCII) and whose matching takes linear time. Python's backtracking `re` can take
exponential time on hostile patterns such as `(a+)+$`, so this module parses the
RE2 syntax itself and answers "is there a match anywhere" with a Thompson NFA
simulation: time proportional to the text times the pattern, and bounded by a step
budget. Error messages follow Go's (for `(a`: ``error parsing regexp: missing
closing ): `(a` ``).

Not supported (rejected with a clear message): Unicode script classes such as
`\p{Greek}` (general categories such as `\pL` and `\p{Lu}` work).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Final

#: The most instructions a compiled pattern may have (expr's Go has its own limit).
MAX_PROGRAM: Final = 100_000
#: How deeply groups may nest (Go allows 1000; a Python parser must stay shallower).
MAX_NESTING: Final = 100
_MAX_REPEAT: Final = 1000


class RegexError(Exception):
    """A pattern Go's `regexp.Compile` rejects; `str()` is Go's message."""


class RegexBudgetExceeded(Exception):
    """Matching took more steps than it was allowed."""


def _error(code: str, text: str) -> RegexError:
    return RegexError(f"error parsing regexp: {code}: `{text}`")


# --- character sets -----------------------------------------------------------------------

Ranges = tuple[tuple[int, int], ...]
_DIGITS: Final[Ranges] = ((0x30, 0x39),)
_WORD: Final[Ranges] = ((0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A))
_SPACE: Final[Ranges] = ((0x09, 0x0A), (0x0C, 0x0D), (0x20, 0x20))
_PERL: Final[dict[str, Ranges]] = {"d": _DIGITS, "w": _WORD, "s": _SPACE}
_POSIX: Final[dict[str, Ranges]] = {
    "alnum": ((0x30, 0x39), (0x41, 0x5A), (0x61, 0x7A)),
    "alpha": ((0x41, 0x5A), (0x61, 0x7A)),
    "ascii": ((0x00, 0x7F),),
    "blank": ((0x09, 0x09), (0x20, 0x20)),
    "cntrl": ((0x00, 0x1F), (0x7F, 0x7F)),
    "digit": _DIGITS,
    "graph": ((0x21, 0x7E),),
    "lower": ((0x61, 0x7A),),
    "print": ((0x20, 0x7E),),
    "punct": ((0x21, 0x2F), (0x3A, 0x40), (0x5B, 0x60), (0x7B, 0x7E)),
    "space": ((0x09, 0x0D), (0x20, 0x20)),
    "upper": ((0x41, 0x5A),),
    "word": _WORD,
    "xdigit": ((0x30, 0x39), (0x41, 0x46), (0x61, 0x66)),
}
_CATEGORIES: Final = frozenset(
    "C Cc Cf Co Cs L Ll Lm Lo Lt Lu M Mc Me Mn N Nd Nl No P Pc Pd Pe Pf Pi Po Ps "  # noqa: SIM905
    "S Sc Sk Sm So Z Zl Zp Zs".split()
)


@dataclass(frozen=True, slots=True)
class _Item:
    """Part of a character class: code point ranges or a Unicode category, maybe negated."""

    ranges: Ranges = ()
    category: str = ""
    negated: bool = False

    def matches(self, code: int) -> bool:
        if self.category:
            if self.category == "Any":
                found = True
            else:
                found = unicodedata.category(chr(code)).startswith(self.category)
        else:
            found = any(low <= code <= high for low, high in self.ranges)
        return found != self.negated


@dataclass(frozen=True, slots=True)
class CharSet:
    """A set of characters: the union of `items`, maybe negated, maybe case-folded."""

    items: tuple[_Item, ...]
    negated: bool = False
    fold: bool = False

    def matches(self, ch: str) -> bool:
        candidates = (ch, ch.lower(), ch.upper()) if self.fold else (ch,)
        found = any(item.matches(ord(c)) for c in candidates if len(c) == 1 for item in self.items)
        return found != self.negated


#: Common Unicode scripts Go knows (`\p{Greek}`); this engine does not support scripts.
_SCRIPTS: Final = frozenset(
    "Arabic Armenian Bengali Cyrillic Devanagari Ethiopic Georgian Greek Gujarati Han "  # noqa: SIM905
    "Hangul Hebrew Hiragana Kannada Katakana Khmer Lao Latin Malayalam Mongolian Myanmar "
    "Sinhala Tamil Telugu Thai Tibetan".split()
)
_HEX: Final = frozenset("0123456789abcdefABCDEF")
_STARS: Final[dict[str, tuple[int, int]]] = {"*": (0, -1), "+": (1, -1), "?": (0, 1)}


def _repeat_number(text: str) -> bool:
    """Go reads `{n,m}` bounds as ASCII digits without a leading zero."""
    return (
        bool(text) and text.isascii() and text.isdigit() and not (len(text) > 1 and text[0] == "0")
    )


def _repeat_value(text: str) -> int:
    return -1 if len(text) > 8 else int(text)


def _repeat_is_valid(node: _Node, limit: int) -> bool:
    """Go's `repeatIsValid`: nested {n,m} counts may multiply to at most 1000."""
    if node.op == "repeat" and node.braced:
        bound = node.high if node.high >= 0 else node.low
        if bound == 0:
            return True
        if bound > limit:
            return False
        limit //= bound
    return all(_repeat_is_valid(child, limit) for child in node.children)


def _literal(ch: str, fold: bool) -> CharSet:
    return CharSet((_Item(((ord(ch), ord(ch)),)),), fold=fold)


_ANY_BUT_NEWLINE: Final = CharSet((_Item(((0x0A, 0x0A),)),), negated=True)
_ANY: Final = CharSet((_Item(category="Any"),))

# --- the syntax tree ------------------------------------------------------------------------


@dataclass(slots=True)
class _Node:
    op: str  # char, empty, assert, concat, alternate, repeat
    chars: CharSet | None = None
    assertion: str = ""
    children: list[_Node] = field(default_factory=list)
    low: int = 0
    high: int = -1  # -1: unbounded
    braced: bool = False  # written {n,m} (Go limits how these nest)


@dataclass(slots=True)
class _Flags:
    fold: bool = False
    multiline: bool = False
    dot_newline: bool = False


class _Parser:
    """A recursive-descent parser for Go's RE2 syntax (Perl flags, as `regexp.Compile`)."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.pos = 0
        self.depth = 0

    def parse(self) -> _Node:
        node = self.alternation(_Flags())
        if self.pos < len(self.pattern):  # only a `)` can stop the top level early
            raise _error("unexpected )", self.pattern)
        return node

    def peek(self, offset: int = 0) -> str:
        index = self.pos + offset
        return self.pattern[index] if index < len(self.pattern) else ""

    def alternation(self, flags: _Flags) -> _Node:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise _error("expression nests too deeply", self.pattern)
        branches = [self.concatenation(flags)]
        while self.peek() == "|":
            self.pos += 1
            branches.append(self.concatenation(flags))
        self.depth -= 1
        return branches[0] if len(branches) == 1 else _Node("alternate", children=branches)

    def concatenation(self, flags: _Flags) -> _Node:
        items: list[_Node] = []
        last_repeat = -1  # where the previous repetition operator started
        while self.pos < len(self.pattern) and self.peek() not in "|)":
            start = self.pos
            ch = self.peek()
            bounds = self.repeat_bounds() if ch == "{" else _STARS.get(ch)
            if bounds is not None:
                text = self.operator_text()
                if last_repeat >= 0:
                    nested = self.pattern[last_repeat : start + len(text)]
                    raise _error("invalid nested repetition operator", nested)
                if not items:
                    raise _error("missing argument to repetition operator", text)
                braced = ch == "{"
                low, high = bounds
                node = _Node("repeat", children=[items[-1]], low=low, high=high, braced=braced)
                if braced and (low >= 2 or high >= 2) and not _repeat_is_valid(node, _MAX_REPEAT):
                    raise _error("invalid repeat count", text)
                self.pos += len(text)
                items[-1] = node
                last_repeat = start
                continue
            last_repeat = -1
            atom = self.atom(flags)
            if atom is not None:
                items.append(atom)
        if not items:
            return _Node("empty")
        return items[0] if len(items) == 1 else _Node("concat", children=items)

    def operator_text(self) -> str:
        """The repetition operator at the cursor, with a lazy `?` if there is one."""
        braced = self.peek() == "{"
        end = self.pattern.index("}", self.pos) + 1 if braced else self.pos + 1
        if end < len(self.pattern) and self.pattern[end] == "?":
            end += 1
        return self.pattern[self.pos : end]

    def repeat_bounds(self) -> tuple[int, int] | None:
        """`{n}`, `{n,}` or `{n,m}` at the cursor; None when `{` is a literal."""
        rest = self.pattern[self.pos + 1 :]
        close = rest.find("}")
        if close < 0:
            return None
        body = rest[:close]
        low_text, comma, high_text = body.partition(",")
        if not _repeat_number(low_text) or (comma and high_text and not _repeat_number(high_text)):
            return None
        low = _repeat_value(low_text)
        high = low if not comma else -1 if not high_text else _repeat_value(high_text)
        if low < 0 or low > _MAX_REPEAT or high > _MAX_REPEAT or (high >= 0 and high < low):
            raise _error("invalid repeat count", "{" + body + "}")
        return low, high

    def atom(self, flags: _Flags) -> _Node | None:
        ch = self.peek()
        self.pos += 1
        if ch == "(":
            return self.group(flags)
        if ch == "[":
            return _Node("char", chars=self.char_class(flags))
        if ch == ".":
            return _Node("char", chars=_ANY if flags.dot_newline else _ANY_BUT_NEWLINE)
        if ch == "^":
            return _Node("assert", assertion="bol" if flags.multiline else "bot")
        if ch == "$":
            return _Node("assert", assertion="eol" if flags.multiline else "eot")
        if ch == "\\":
            return self.escape(flags)
        return _Node("char", chars=_literal(ch, flags.fold))

    def group(self, flags: _Flags) -> _Node | None:
        start = self.pos - 1
        inner_flags = _Flags(flags.fold, flags.multiline, flags.dot_newline)
        if self.peek() == "?":
            name_start = (
                3
                if self.peek(1) == "<"
                else 4
                if self.pattern.startswith("P<", self.pos + 1)
                else 0
            )
            if name_start:
                end = self.pattern.find(">", self.pos)
                if end < 0:
                    raise _error("invalid named capture", self.pattern[start:])
                name = self.pattern[start + name_start : end]
                if not name or not all(c.isascii() and (c.isalnum() or c == "_") for c in name):
                    raise _error("invalid named capture", self.pattern[start : end + 1])
                self.pos = end + 1
            else:
                self.pos += 1
                if self.perl_flags(start, inner_flags):  # `(?i)`: flags for the rest
                    flags.fold, flags.multiline, flags.dot_newline = (
                        inner_flags.fold,
                        inner_flags.multiline,
                        inner_flags.dot_newline,
                    )
                    return None
        node = self.alternation(inner_flags)
        if self.peek() != ")":
            raise _error("missing closing )", self.pattern)
        self.pos += 1
        return node

    def perl_flags(self, start: int, flags: _Flags) -> bool:
        """Read `(?flags)` or `(?flags:`; True when the group closed (flags only)."""
        negate = False
        seen = False
        while self.pos < len(self.pattern):
            ch = self.peek()
            self.pos += 1
            if ch in "imsU":
                seen = True
                if ch == "i":
                    flags.fold = not negate
                elif ch == "m":
                    flags.multiline = not negate
                elif ch == "s":
                    flags.dot_newline = not negate
                continue  # U (ungreedy) does not change whether there is a match
            if ch == "-" and not negate:
                negate, seen = True, False
                continue
            if ch in ":)" and (not negate or seen):
                return ch == ")"
            break
        raise _error("invalid or unsupported Perl syntax", self.pattern[start : self.pos])

    def escape(self, flags: _Flags) -> _Node:
        start = self.pos - 1
        ch = self.peek()
        if not ch:
            raise _error("trailing backslash at end of expression", "")
        self.pos += 1
        if ch in "dswDSW":
            item = _Item(_PERL[ch.lower()], negated=ch.isupper())
            return _Node("char", chars=CharSet((item,)))
        if ch in "pP":
            return _Node("char", chars=CharSet((self.unicode_class(start, ch == "P"),)))
        assertions = {"A": "bot", "z": "eot", "b": "word", "B": "nonword"}
        if ch in assertions:
            return _Node("assert", assertion=assertions[ch])
        if ch == "Q":
            end = self.pattern.find("\\E", self.pos)
            text = self.pattern[self.pos : end if end >= 0 else len(self.pattern)]
            self.pos = end + 2 if end >= 0 else len(self.pattern)
            chars = [_Node("char", chars=_literal(c, flags.fold)) for c in text]
            return _Node("concat", children=chars) if chars else _Node("empty")
        self.pos -= 1
        return _Node("char", chars=_literal(chr(self.escaped_char(start)), flags.fold))

    def escaped_char(self, start: int) -> int:
        """The character of an escape (after the backslash) that stands for one character."""
        ch = self.peek()
        self.pos += 1
        simple = {"a": 7, "f": 12, "t": 9, "n": 10, "r": 13, "v": 11}
        if ch in simple:
            return simple[ch]
        if ch.isascii() and not ch.isalnum():
            return ord(ch)
        if ch in "01234567" and (ch == "0" or "0" <= self.peek() <= "7"):
            digits = ch
            while len(digits) < 3 and "0" <= self.peek() <= "7":
                digits += self.peek()
                self.pos += 1
            return int(digits, 8)
        if ch == "x":
            value = self.hex_escape()
            if value is not None:
                return value
        raise _error("invalid escape sequence", self.pattern[start : self.pos])

    def hex_escape(self) -> int | None:
        """The value of a hex escape after its `x` (two digits, or braces); None if bad."""
        ch = self.peek()
        self.pos += 1 if ch else 0
        if ch != "{":
            low = self.peek()
            self.pos += 1 if low else 0
            if ch in _HEX and low and low in _HEX:
                return int(ch + low, 16)
            return None
        value, digits = 0, 0
        while True:
            ch = self.peek()
            if not ch:
                return None
            self.pos += 1
            if ch == "}":
                return value if digits else None
            if ch not in _HEX:
                return None
            value = value * 16 + int(ch, 16)
            if value > 0x10FFFF:
                return None
            digits += 1

    def unicode_class(self, start: int, negated: bool) -> _Item:
        if self.peek() == "{":
            end = self.pattern.find("}", self.pos)
            if end < 0:
                raise _error("invalid character class range", self.pattern[start:])
            name = self.pattern[self.pos + 1 : end]
            self.pos = end + 1
        else:
            name = self.peek()
            self.pos += 1
        if name.startswith("^"):
            name, negated = name[1:], not negated
        if name == "Any" or name in _CATEGORIES:
            return _Item(category=name, negated=negated)
        text = self.pattern[start : self.pos]
        if name in _SCRIPTS:
            raise RegexError(f"regular expression script classes are not supported here: `{text}`")
        raise _error("invalid character class range", text)

    def char_class(self, flags: _Flags) -> CharSet:
        start = self.pos - 1
        negated = self.peek() == "^"
        if negated:
            self.pos += 1
        items: list[_Item] = []
        first = True
        while True:
            ch = self.peek()
            if not ch:
                raise _error("missing closing ]", self.pattern[start:])
            if ch == "]" and not first:
                self.pos += 1
                break
            first = False
            item_start = self.pos
            if ch == "[" and self.peek(1) == ":":
                end = self.pattern.find(":]", self.pos + 2)
                if end >= 0:
                    name = self.pattern[self.pos + 2 : end]
                    posix_negated = name.startswith("^")
                    ranges = _POSIX.get(name.lstrip("^"))
                    if ranges is None:
                        raise _error(
                            "invalid character class range", self.pattern[self.pos : end + 2]
                        )
                    items.append(_Item(ranges, negated=posix_negated))
                    self.pos = end + 2
                    continue
            if ch == "\\" and self.peek(1) in tuple("dswDSW"):
                letter = self.peek(1)
                items.append(_Item(_PERL[letter.lower()], negated=letter.isupper()))
                self.pos += 2
                continue
            if ch == "\\" and self.peek(1) in ("p", "P"):
                self.pos += 2
                items.append(self.unicode_class(item_start, self.peek(-1) == "P"))
                continue
            low = self.class_char(start)
            high = low
            if self.peek() == "-" and self.peek(1) not in ("]", ""):
                self.pos += 1
                high = self.class_char(start)
                if high < low:
                    raise _error(
                        "invalid character class range", self.pattern[item_start : self.pos]
                    )
            items.append(_Item(((low, high),)))
        return CharSet(tuple(items), negated=negated, fold=flags.fold)

    def class_char(self, class_start: int) -> int:
        ch = self.peek()
        if ch == "\\":
            start = self.pos
            self.pos += 1
            if not self.peek():
                raise _error("trailing backslash at end of expression", "")
            return self.escaped_char(start)
        if not ch:  # pragma: no cover - char_class checks the end first
            raise _error("missing closing ]", self.pattern[class_start:])
        self.pos += 1
        return ord(ch)


# --- the program and its simulation -------------------------------------------------------


@dataclass(slots=True)
class _Instruction:
    """One NFA instruction: `char` (consume), `split`, `jump`, `assert`, or `match`."""

    op: str
    chars: CharSet | None = None
    assertion: str = ""
    next: int = -1
    alternative: int = -1


class _Compiler:
    """Thompson's construction: each node becomes a fragment with open exits."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.program: list[_Instruction] = []

    def emit(self, instruction: _Instruction) -> int:
        if len(self.program) >= MAX_PROGRAM:
            raise RegexError(f"error parsing regexp: expression too large: `{self.pattern}`")
        self.program.append(instruction)
        return len(self.program) - 1

    def compile(self, node: _Node) -> tuple[int, list[int]]:
        """Compile `node`: its entry, and the instructions whose exit is still open."""
        if node.op in ("char", "assert", "empty"):
            op = "jump" if node.op == "empty" else node.op
            index = self.emit(_Instruction(op, node.chars, node.assertion))
            return index, [index]
        if node.op == "concat":
            entry, holes = self.compile(node.children[0])
            for child in node.children[1:]:
                child_entry, child_holes = self.compile(child)
                self.patch(holes, child_entry)
                holes = child_holes
            return entry, holes
        if node.op == "alternate":
            fragments = [self.compile(child) for child in node.children]
            target = fragments[-1][0]
            for child_entry, _ in reversed(fragments[:-1]):
                target = self.emit(_Instruction("split", next=child_entry, alternative=target))
            return target, [hole for _, holes in fragments for hole in holes]
        return self.repeat(node)

    def repeat(self, node: _Node) -> tuple[int, list[int]]:
        child = node.children[0]
        parts = [self.compile(child) for _ in range(node.low)]
        if node.high < 0:
            loop = self.emit(_Instruction("split"))
            body_entry, body_holes = self.compile(child)
            self.program[loop].next = body_entry
            self.patch(body_holes, loop)
            parts.append((loop, [loop]))  # the loop is left through its alternative
        else:
            for _ in range(node.high - node.low):
                split = self.emit(_Instruction("split"))
                body_entry, body_holes = self.compile(child)
                self.program[split].next = body_entry
                parts.append((split, [split, *body_holes]))
        if not parts:
            index = self.emit(_Instruction("jump"))
            return index, [index]
        entry, holes = parts[0]
        for part_entry, part_holes in parts[1:]:
            self.patch(holes, part_entry)
            holes = part_holes
        return entry, holes

    def patch(self, holes: list[int], target: int) -> None:
        for hole in holes:
            instruction = self.program[hole]
            if instruction.op == "split" and instruction.next != -1:
                instruction.alternative = target
            else:
                instruction.next = target


def _is_word(text: str, index: int) -> bool:
    if not 0 <= index < len(text):
        return False
    ch = text[index]
    return ch.isascii() and (ch.isalnum() or ch == "_")


def _holds(assertion: str, text: str, index: int) -> bool:
    if assertion == "bot":
        return index == 0
    if assertion == "eot":
        return index == len(text)
    if assertion == "bol":
        return index == 0 or text[index - 1] == "\n"
    if assertion == "eol":
        return index == len(text) or text[index] == "\n"
    boundary = _is_word(text, index - 1) != _is_word(text, index)
    return boundary if assertion == "word" else not boundary


@dataclass(frozen=True, slots=True)
class Regex:
    """A compiled pattern; `search` says whether it matches anywhere in a text."""

    pattern: str
    program: tuple[_Instruction, ...]
    start: int

    def search(self, text: str, budget: int) -> tuple[bool, int]:
        """Whether the pattern matches in `text`, and how many steps that took.

        Raises `RegexBudgetExceeded` after `budget` steps.
        """
        # Go reads each byte that is not UTF-8 as U+FFFD.
        text = "".join("\ufffd" if "\udc80" <= c <= "\udcff" else c for c in text)
        steps = 0
        current: list[int] = []
        for index in range(len(text) + 1):
            current = self._closure([*current, self.start], text, index)
            steps += len(current) + 1
            if steps > budget:
                raise RegexBudgetExceeded
            if any(self.program[pc].op == "match" for pc in current):
                return True, steps
            if index == len(text):
                break
            ch = text[index]
            current = [
                self.program[pc].next
                for pc in current
                if (chars := self.program[pc].chars) is not None and chars.matches(ch)
            ]
        return False, steps

    def _closure(self, seeds: list[int], text: str, index: int) -> list[int]:
        """The `char` and `match` instructions reachable from `seeds` without input."""
        seen: set[int] = set()
        out: list[int] = []
        stack = list(reversed(seeds))
        while stack:
            pc = stack.pop()
            if pc in seen:
                continue
            seen.add(pc)
            instruction = self.program[pc]
            if instruction.op == "jump":
                stack.append(instruction.next)
            elif instruction.op == "split":
                stack.extend((instruction.alternative, instruction.next))
            elif instruction.op == "assert":
                if _holds(instruction.assertion, text, index):
                    stack.append(instruction.next)
            else:
                out.append(pc)
        return out


def compile_regex(pattern: str) -> Regex:
    """Compile a Go regular expression; raises `RegexError` with Go's message."""
    tree = _Parser(pattern).parse()
    compiler = _Compiler(pattern)
    entry, holes = compiler.compile(tree)
    compiler.patch(holes, compiler.emit(_Instruction("match")))
    return Regex(pattern, tuple(compiler.program), entry)
