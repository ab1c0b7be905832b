"""Models to and from their wire form, for logging, persisting and diffing them.

The wire form is what the API sends and receives: camelCase keys (``ID`` for
``_id``), RFC 3339 timestamps, ints exact at any size, and, where a model is
a request (a ``V2WorkflowConfig``), send amounts above 2**53 - 1 as decimal
strings, as the SDK sends them (see ``formance_orch.stages``)::

    from formance_orch import from_json, to_json

    text = to_json(workflow).unwrap()                  # a str, ready to store
    same = from_json(V2Workflow, text).unwrap()        # == workflow

``to_wire`` and ``from_wire`` do the same with JSON-ready Python data (dicts,
lists, str, int, float, bool, None). Every function returns a ``Result`` and
never raises: bad data gives ``Err(WireFormatError)`` naming the JSON path of
the problem (``$.status[1].startedAt``), as a response that does not fit its
model would.

``to_wire`` also takes the stage builders of ``formance_orch.stages`` (their
``to_wire()``), and lists or mappings of models and builders.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, TypeVar

import attrs

from formance_orch import _json, _serde
from formance_orch.errors import FormanceError
from formance_orch.result import Err, Ok, Result

__all__ = ["WireFormatError", "from_json", "from_wire", "to_json", "to_wire"]

T = TypeVar("T")


class WireFormatError(FormanceError):
    """Data that is not the wire form of a model, or a model that has none.

    ``path`` is a JSON path (wire names) to the problem, ``$`` for the whole
    value; ``reason`` says what is wrong there.
    """

    def __init__(self, *, path: str, reason: str) -> None:
        super().__init__(f"not a valid wire form at {path}: {reason}")
        self.path = path
        self.reason = reason


class _NotJSON(Exception):
    def __init__(self, path: str, reason: str) -> None:
        super().__init__(reason)
        self.path = path
        self.reason = reason


def to_wire(value: object) -> Result[Any, WireFormatError]:
    """The wire form of a model (or builder, or list or mapping of them) as JSON-ready data.

    The result is checked: it is JSON (no NaN, no objects JSON has no type
    for, string keys) and reads back as the same model.
    """
    try:
        data = _serde.unstructure(value)
    except Exception as exc:  # noqa: BLE001 - a field holds what its type does not allow
        return Err(WireFormatError(path="$", reason=f"cannot be encoded: {_describe(exc)}"))
    try:
        data = _jsonable(data, "$")
        _reads_back(value, data, "$")
    except _NotJSON as problem:
        return Err(WireFormatError(path=problem.path, reason=problem.reason))
    return Ok(data)


def from_wire(model: type[T], data: object) -> Result[T, WireFormatError]:
    """``data`` (JSON-ready, in wire form) as a ``model``.

    ``model`` is a model class, or a type such as ``CursorPage[V2Workflow]``
    or ``list[V2WorkflowInstanceHistory]``. ``data`` must be JSON (no NaN or
    infinities, string keys); the model shares none of its objects.
    """
    try:
        data = _jsonable(data, "$")
    except _NotJSON as problem:
        return Err(WireFormatError(path=problem.path, reason=problem.reason))
    try:
        return Ok(_serde.structure_hook(model)(data, model))
    except Exception:  # noqa: BLE001 - described with its path below
        path, reason = _serde.locate_failure(data, model)
        return Err(WireFormatError(path=path, reason=reason))


def to_json(
    value: object, *, indent: int | None = None, sort_keys: bool = False
) -> Result[str, WireFormatError]:
    """The wire form of ``value`` as JSON text (compact unless ``indent`` is given).

    ``sort_keys`` gives the same text for equal values, for diffing.
    """
    wired = to_wire(value)
    if isinstance(wired, Err):
        return wired
    return Ok(_json.dumps(wired.value, indent=indent, sort_keys=sort_keys).decode())


def from_json(model: type[T], text: str | bytes) -> Result[T, WireFormatError]:
    """JSON text in wire form as a ``model`` (see ``from_wire``).

    Floats keep their literal, so an integral amount written in exponent form
    reads exactly, as in responses.
    """
    try:
        data = _json.loads(text.encode() if isinstance(text, str) else text, exact_numbers=True)
    except (TypeError, ValueError, AttributeError) as exc:
        return Err(WireFormatError(path="$", reason=f"not valid JSON: {_describe(exc)}"))
    return from_wire(model, data)


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _jsonable(data: Any, path: str, depth: int = 0) -> Any:
    """A copy of ``data`` in plain JSON values (tuples as lists, mappings as dicts).

    Raises ``_NotJSON`` at what JSON cannot hold, and below ``_serde.MAX_DEPTH``
    levels (which also stops a value that contains itself).
    """
    cls = data.__class__
    if data is None or cls is str or cls is int or cls is bool:
        return data
    if depth >= _serde.MAX_DEPTH:
        # Named from the top: the path to this depth would be hundreds of characters long.
        raise _NotJSON("$", f"nested more than {_serde.MAX_DEPTH} levels deep (or contains itself)")
    if isinstance(data, float):
        if math.isfinite(data):
            return data  # a JSONFloat keeps its literal, for amounts
        raise _NotJSON(path, f"{data} is not a JSON number")
    # Subclasses (open enums' members, ...) as the plain values they stand for.
    if isinstance(data, str):
        return str(data)
    if isinstance(data, int):
        return int(data)
    if isinstance(data, list | tuple):
        return [_jsonable(item, f"{path}[{index}]", depth + 1) for index, item in enumerate(data)]
    if isinstance(data, Mapping):
        out = {}
        for key, item in data.items():
            if not isinstance(key, str):
                raise _NotJSON(path, f"keys must be strings, got {type(key).__name__} {key!r}")
            out[key] = _jsonable(item, _serde.json_path(path, key), depth + 1)
        return out
    raise _NotJSON(path, f"{type(data).__name__} has no JSON form")


def _reads_back(value: Any, data: Any, path: str) -> None:
    """Raise ``_NotJSON`` unless each model in ``value`` reads back from its part of ``data``."""
    cls = type(value)
    if _serde.has_own_wire_form(cls):
        return  # a stage builder: checked when it was built
    if attrs.has(cls):
        try:
            _serde.structure_hook(cls)(data, cls)
        except Exception:  # noqa: BLE001 - described with its path below
            where, reason = _serde.locate_failure(data, cls)
            raise _NotJSON(path + where[1:], reason) from None
    elif isinstance(value, list | tuple):
        for index, (item, part) in enumerate(zip(value, data, strict=True)):
            _reads_back(item, part, f"{path}[{index}]")
    elif isinstance(value, Mapping):
        for key, item in value.items():
            _reads_back(item, data[key], _serde.json_path(path, key))
