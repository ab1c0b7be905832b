"""Amounts on the wire: exact at any size, on a server that reads JSON numbers as float64.

The real server decodes an amount sent as a JSON number through float64 and
then int64 (inexact above 2**53, garbage above 2**63), while it parses an
amount sent as a JSON string exactly. So an amount whose magnitude is above
2**53 - 1 goes on the wire as its decimal string (``"36893488147419103232"``),
and smaller ones as JSON integers, as the contract types them; ``${variable}``
placeholders and anything else that is not an ``int`` are left alone.

The server stores a workflow's configuration as it was sent, so such amounts
come back as strings. Where a model declares amounts (a ``WIRE_AMOUNTS``
class attribute: paths of wire keys, ``*`` for every item of a list), a
decimal string there is read back as the exact ``int`` it names, and so is an
integral float; strings anywhere else stay strings.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, TypeAlias

__all__ = ["MAX_EXACT", "Path", "read_amount", "read_amounts", "wire_amount", "wire_amounts"]

#: The largest magnitude a float64 holds exactly, with every integer below it.
MAX_EXACT = 2**53 - 1

#: Where amounts sit in a wire object: its keys, ``*`` standing for every list item.
Path: TypeAlias = tuple[str, ...]

_ABSENT: Any = object()

# What ``str(int)`` writes, and so exactly the strings that name one int.
_DECIMAL = re.compile(r"0|-?[1-9][0-9]*")


def wire_amount(value: Any) -> Any:
    """An amount as it is sent: an ``int`` beyond +-(2**53 - 1) becomes its decimal string.

    Raises ``ValueError`` for an int with more digits than Python converts to text.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        if -MAX_EXACT <= value <= MAX_EXACT:
            return value
        return str(int(value))
    return value


def read_amount(value: Any) -> Any:
    """An amount as it arrives: a decimal string or an integral float becomes the exact ``int``."""
    cls = value.__class__
    if cls is int:
        return value
    if cls is str:
        return int(value) if _DECIMAL.fullmatch(value) else value
    if isinstance(value, float) and value.is_integer():
        from formance_orch._scalars import _integral  # the one rule for integral floats

        return _integral(value)
    return value


def wire_amounts(data: Any, paths: tuple[Path, ...]) -> Any:
    """``data`` with ``wire_amount`` applied at ``paths`` (copied where it changes)."""
    return _at_paths(data, paths, wire_amount)


def read_amounts(data: Any, paths: tuple[Path, ...]) -> Any:
    """``data`` with ``read_amount`` applied at ``paths`` (copied where it changes)."""
    return _at_paths(data, paths, read_amount)


def _at_paths(data: Any, paths: tuple[Path, ...], leaf: Callable[[Any], Any]) -> Any:
    for path in paths:
        data = _at(data, path, 0, leaf)
    return data


def _at(node: Any, path: Path, depth: int, leaf: Callable[[Any], Any]) -> Any:
    """``node`` with ``leaf`` applied at ``path[depth:]``; the very same object when unchanged.

    Whatever does not have the path's shape is left as it is: a model decides
    elsewhere whether it accepts it. Runs on every workflow a response holds,
    so nothing is copied unless something changes.
    """
    if depth == len(path):
        return leaf(node)
    key = path[depth]
    if key == "*":
        if node.__class__ is not list and not isinstance(node, list | tuple):
            return node
        copy = None
        for index, item in enumerate(node):
            new = _at(item, path, depth + 1, leaf)
            if new is not item:
                if copy is None:
                    copy = list(node)
                copy[index] = new
        return node if copy is None else copy
    if node.__class__ is not dict and not isinstance(node, Mapping):
        return node
    old = node.get(key, _ABSENT)
    if old is _ABSENT:
        return node
    new = leaf(old) if depth + 1 == len(path) else _at(old, path, depth + 1, leaf)
    return node if new is old else {**node, key: new}
