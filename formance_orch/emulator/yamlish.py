"""YAML workflow configs (``Content-Type: text/vnd.yaml``, REAL-SERVER §1 POST /workflows).

PyYAML (``safe_load_all``, first document) is used when installed. Otherwise a parser
reads the block-style subset workflow configs are written in: nested
mappings and ``-`` sequences by indentation, plain and quoted scalars,
``#`` comments, and the empty flow collections ``{}`` and ``[]``. The result
goes to JSON form as the real service does (YAML -> map -> JSON -> Config):
the first document must decode as a map, the Config step is the caller's.
"""

from __future__ import annotations

import datetime
import json
import re
from typing import Any

from formance_orch.emulator.wire import GoFloat

__all__ = ["YAMLError", "load_yaml"]


class YAMLError(ValueError):
    """A document that does not parse."""


#: No document at all (an empty stream), as opposed to a null one.
_EMPTY: Any = object()


def load_yaml(text: str, *, float64: bool) -> dict[str, Any]:
    """The first document as Go decodes it into ``map[string]any`` (GoFloat numbers if float64).

    Raises ``YAMLError`` when it does not parse, for an empty stream (``EOF``)
    and for a document that is not a mapping; a null document is an empty map.
    """
    try:
        import yaml
    except ImportError:
        value = _Parser(text).document()
    else:
        try:
            value = next(iter(yaml.safe_load_all(text)), _EMPTY)
        except yaml.YAMLError as error:
            raise YAMLError(str(error).replace("\n", " ")) from None
        except RecursionError:
            raise YAMLError("document nested too deeply") from None
    if value is _EMPTY:
        raise YAMLError("EOF")
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise YAMLError(f"cannot unmarshal {_tag(value)} into map[string]interface {{}}")
    result: dict[str, Any] = _to_json(value, float64)
    return result


def _tag(value: Any) -> str:
    """The YAML tag of a decoded node, as yaml.v3 names it in its type errors."""
    if isinstance(value, list):
        return "!!seq"
    if isinstance(value, bool):
        return "!!bool"
    return {int: "!!int", float: "!!float"}.get(type(value), "!!str")


def _to_json(value: Any, float64: bool) -> Any:
    if isinstance(value, dict):
        return {str(key): _to_json(item, float64) for key, item in value.items()}
    if isinstance(value, list):
        return [_to_json(item, float64) for item in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float):
        if float64:
            return GoFloat(float(value))
        return value
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value)


_LINE = re.compile(r"^( *)(.*?)\s*$")
_NUMBER = re.compile(r"[-+]?(?:\d+|\d*\.\d+(?:[eE][-+]?\d+)?|\d+[eE][-+]?\d+)\Z")


def _scalar(token: str) -> Any:
    if token[:1] in ("'", '"'):
        if len(token) < 2 or token[-1] != token[0]:
            raise YAMLError(f"unterminated quoted scalar: {token}")
        if token[0] == '"':
            try:
                return json.loads(token)
            except json.JSONDecodeError:
                raise YAMLError(f"bad double-quoted scalar: {token}") from None
        return token[1:-1].replace("''", "'")
    if token in ("", "~", "null", "Null", "NULL"):
        return None
    if token in ("true", "True", "TRUE"):
        return True
    if token in ("false", "False", "FALSE"):
        return False
    if token == "{}":
        return {}
    if token == "[]":
        return []
    if _NUMBER.match(token):
        return int(token) if re.fullmatch(r"[-+]?\d+", token) else float(token)
    return token


def _strip_comment(text: str) -> str:
    quote = ""
    for index, char in enumerate(text):
        if quote:
            if char == quote:
                quote = ""
        elif char in ("'", '"'):
            quote = char
        elif char == "#" and (index == 0 or text[index - 1] in " \t"):
            return text[:index].rstrip()
    return text


class _Parser:
    """Block mappings and sequences by indentation."""

    def __init__(self, text: str) -> None:
        self.lines: list[tuple[int, str]] = []
        for raw in text.splitlines():
            if raw.strip() in ("---", "..."):
                continue
            if "\t" in raw[: len(raw) - len(raw.lstrip())]:
                raise YAMLError("tabs are not allowed for indentation")
            match = _LINE.match(_strip_comment(raw))
            if match and match.group(2):
                self.lines.append((len(match.group(1)), match.group(2)))
        self.position = 0

    def document(self) -> Any:
        if not self.lines:
            return _EMPTY
        value = self.block(self.lines[0][0])
        if self.position != len(self.lines):
            raise YAMLError(f"unexpected content: {self.lines[self.position][1]}")
        return value

    def block(self, indent: int) -> Any:
        text = self.lines[self.position][1]
        if text == "-" or text.startswith("- "):
            return self.sequence(indent)
        if _key(text) is not None:
            return self.mapping(indent)
        self.position += 1
        return _scalar(text)

    def nested(self, parent: int) -> Any:
        if self.position < len(self.lines) and self.lines[self.position][0] > parent:
            return self.block(self.lines[self.position][0])
        return None

    def sequence(self, indent: int) -> list[Any]:
        items = []
        while self.position < len(self.lines):
            level, text = self.lines[self.position]
            if level != indent or not (text == "-" or text.startswith("- ")):
                break
            rest = text[1:].strip()
            if not rest:
                self.position += 1
                items.append(self.nested(indent))
            else:
                # "- key: value" opens a mapping indented at the text after "- ".
                self.lines[self.position] = (indent + len(text) - len(rest), rest)
                items.append(self.block(indent + len(text) - len(rest)))
        return items

    def mapping(self, indent: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        while self.position < len(self.lines):
            level, text = self.lines[self.position]
            if level != indent:
                if level > indent:
                    raise YAMLError(f"bad indentation: {text}")
                break
            split = _key(text)
            if split is None:
                raise YAMLError(f"expected a key: {text}")
            key, rest = split
            self.position += 1
            result[key] = _scalar(rest) if rest else self.nested(indent)
        return result


def _key(text: str) -> tuple[str, str] | None:
    if text[:1] in ("'", '"'):
        end = text.find(text[0], 1)
        if end > 0 and text[end + 1 : end + 2] == ":":
            return str(_scalar(text[: end + 1])), text[end + 2 :].strip()
        return None
    match = re.match(r"([^:#]+?):(?:\s+(.*)|$)", text)
    if match is None:
        return None
    return match.group(1), (match.group(2) or "").strip()
