"""The one place that knows how models become JSON and back.

Models are plain attrs classes; everything about their wire form lives here:

* field names are snake_case in Python and camelCase on the wire, with ``_id``
  spelled ``ID`` as the API does (``workflow_id`` <-> ``workflowID``); a field
  can name its wire key explicitly with ``attrs.field(metadata={"wire": ...})``;
* scalars follow the rules of ``_scalars`` (checked, never coerced; integral
  floats become exact ints; RFC 3339 datetimes);
* ``null`` where a list or map is expected decodes as empty; unknown fields are
  ignored; open enums keep unknown values as plain strings;
* a class may declare where its amounts are (``WIRE_AMOUNTS``, see
  ``_amounts``): they are written as decimal strings beyond 2**53 - 1 and such
  strings are read back as exact ints;
* the stage builders (anything with a ``to_wire()`` method) unstructure to
  what that method returns.

The set-up is the hook factories below, registered on a converter in a few
lines by ``_configure``, as cattrs' own ``preconf`` modules do. Two converters
are built with it. ``converter`` is the fast one used on every response:
structure functions generated once per class (``_fastgen``, or cattrs' for the
few classes it does not handle), no error bookkeeping. When it rejects a body,
``locate_failure`` replays the body through the detailed twin, only then, to
name the JSON path of the problem.
"""

from __future__ import annotations

import enum
import json
import typing
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, TypeAlias

import attrs
import cattrs
from cattrs.errors import (
    AttributeValidationNote,
    ClassValidationError,
    IterableValidationError,
    IterableValidationNote,
)
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from formance_orch import _amounts, _json
from formance_orch._fastgen import make_structure_fn, scalar_hook, union_args, without_none
from formance_orch._scalars import RULES, json_type

__all__ = [
    "converter",
    "dumps",
    "has_own_wire_form",
    "json_path",
    "locate_failure",
    "structure_hook",
    "unstructure",
    "wire_name",
]

StructureHook: TypeAlias = Callable[[Any, Any], Any]


# --- names -------------------------------------------------------------------


def wire_name(name: str) -> str:
    """The camelCase wire key of a snake_case Python field name."""
    head, *rest = name.split("_")
    return head + "".join("ID" if part == "id" else part[:1].upper() + part[1:] for part in rest)


def field_wire_name(field: attrs.Attribute[Any]) -> str:
    """The wire key of an attrs field: its ``wire`` metadata, else ``wire_name``."""
    explicit = field.metadata.get("wire")
    return explicit if isinstance(explicit, str) else wire_name(field.name)


# --- type predicates -------------------------------------------------------------


def _is_optional(tp: Any) -> bool:
    return type(None) in union_args(tp)


def _open_enum(tp: Any) -> type[enum.Enum] | None:
    """The enum of an ``SomeEnum | str`` union, else None."""
    args = union_args(tp)
    if len(args) == 2 and str in args:
        other = args[0] if args[1] is str else args[1]
        if isinstance(other, type) and issubclass(other, enum.Enum):
            return other
    return None


def _is_open_enum(tp: Any) -> bool:
    return _open_enum(tp) is not None


def _holds_open_enum(tp: Any) -> bool:
    """True for ``SomeEnum | str``, optional or not."""
    return _open_enum(without_none(tp)) is not None


def _is_list(tp: Any) -> bool:
    return typing.get_origin(tp) in (list, typing.get_origin(typing.Sequence)) or tp is list


def _is_dict(tp: Any) -> bool:
    return typing.get_origin(tp) in (dict, typing.get_origin(typing.Mapping)) or tp is dict


def _tagged_members(tp: Any) -> tuple[list[type], bool] | None:
    """The classes of a union that models tell apart by ``WIRE_TAG`` or ``WIRE_KEYS``.

    Returns the classes and whether a ``dict`` member takes what matches none
    of them; None when ``tp`` is not such a union.
    """
    args = union_args(tp)
    if not args or type(None) in args:
        return None
    classes = [arg for arg in args if isinstance(arg, type) and attrs.has(arg)]
    others = [arg for arg in args if arg not in classes]
    tagged = all(hasattr(cls, "WIRE_TAG") or hasattr(cls, "WIRE_KEYS") for cls in classes)
    if not classes or not tagged or not all(_is_dict(other) for other in others):
        return None
    return classes, bool(others)


def _is_tagged_union(tp: Any) -> bool:
    return _tagged_members(tp) is not None


def _go_field_name(key: str) -> str:
    """How Go spells a JSON key when its struct field has no JSON tag."""
    return "ID" if key == "id" else key[:1].upper() + key[1:]


def _other_spellings(key: str, metadata: Mapping[Any, Any]) -> tuple[str, ...]:
    """The other keys a field may arrive under (``any_case``, ``also``), preferred first."""
    names = (key, *metadata.get("also", ()))
    if metadata.get("any_case"):
        names = tuple(
            dict.fromkeys(spelled for name in names for spelled in (name, _go_field_name(name)))
        )
    return names[1:]


@attrs.frozen
class _Shape:
    """How one attrs class maps to its wire object (derived from its fields)."""

    wire: dict[str, str]
    #: (key, another key its value may arrive under), for the fields that have some.
    spellings: tuple[tuple[str, str], ...]
    rest: str | None
    omit_when_none: frozenset[str]
    #: Every key a field claims (its other spellings included).
    known: frozenset[str]
    #: Where the class's amounts are (``_amounts``), in wire keys.
    amounts: tuple[_amounts.Path, ...]

    @classmethod
    def of(cls, model: Any) -> _Shape:
        fields = attrs.fields(typing.get_origin(model) or model)
        rest = next((f.name for f in fields if f.metadata.get("rest")), None)
        wire = {f.name: field_wire_name(f) for f in fields if f.name != rest}
        spellings = tuple(
            (wire[f.name], other)
            for f in fields
            if f.name != rest
            for other in _other_spellings(wire[f.name], f.metadata)
        )
        omit = frozenset(f.name for f in fields if f.default is None)
        known = frozenset(wire.values()) | {other for _, other in spellings}
        amounts = getattr(typing.get_origin(model) or model, "WIRE_AMOUNTS", ())
        return cls(wire, spellings, rest, omit, known, amounts)

    def structure_overrides(self) -> dict[str, Any]:
        overrides = {name: override(rename=key) for name, key in self.wire.items()}
        if self.rest is not None:
            overrides[self.rest] = override(omit=True)
        return overrides

    def unstructure_overrides(self) -> dict[str, Any]:
        overrides = {
            name: override(rename=key, omit_if_default=name in self.omit_when_none)
            for name, key in self.wire.items()
        }
        if self.rest is not None:
            overrides[self.rest] = override(omit=True)
        return overrides

    def prepare(self, value: dict[str, Any]) -> dict[str, Any]:
        """Accept the other spellings of the keys that may arrive so."""
        for key, other in self.spellings:
            if other in value and key not in value:
                value = {**value, key: value[other]}
        return value

    def finish(self, instance: Any, value: dict[str, Any]) -> Any:
        """Keep the keys no field claims in the ``rest`` field, if the class has one."""
        if self.rest is None:
            return instance
        extra = {key: item for key, item in value.items() if key not in self.known}
        return attrs.evolve(instance, **{self.rest: extra}) if extra else instance


# --- hook factories (each takes the type and the converter it is installed on) --------


def _structure_optional(tp: Any, conv: cattrs.Converter) -> StructureHook:
    inner = without_none(tp)
    hook = conv.get_structure_hook(inner)

    def structure_optional(value: Any, _: Any) -> Any:
        return None if value is None else hook(value, inner)

    return structure_optional


def _structure_open_enum(tp: Any) -> StructureHook:
    enum_cls = _open_enum(tp)
    assert enum_cls is not None
    members = {member.value: member for member in enum_cls}

    def structure_open_enum(value: Any, _: Any) -> Any:
        if value.__class__ is not str:
            raise TypeError(f"expected a string, got {json_type(value)}")
        return members.get(value, value)

    return structure_open_enum


def _unstructure_open_enum(_: Any) -> Callable[[Any], Any]:
    return lambda value: value.value if isinstance(value, enum.Enum) else value


_CONTAINERS: dict[type, str] = {list: "an array", dict: "an object"}


def _present(value: Any, container: type) -> bool:
    """True when ``value`` is a ``list`` or ``dict`` to convert, False for ``null``."""
    if value is None:
        return False
    if value.__class__ is not container:
        raise TypeError(f"expected {_CONTAINERS[container]}, got {json_type(value)}")
    return True


def _collected(tp: Any, items: Any, hook: StructureHook, item_type: Any) -> dict[Any, Any]:
    """Convert every ``(key, item)``; raise one error naming each item that failed.

    The detailed converter's way: the errors carry the index or key, for the path.
    """
    out, errors = {}, []
    for key, item in items:
        try:
            out[key] = hook(item, item_type)
        except Exception as exc:  # noqa: BLE001 - collected for the path
            where = f"@ index {key}" if isinstance(key, int) else f"@ key {key!r}"
            exc.add_note(IterableValidationNote(where, key, item_type))
            errors.append(exc)
    if errors:
        raise IterableValidationError(f"While structuring {tp!r}", errors, tp)
    return out


def _structure_list(tp: Any, conv: cattrs.Converter) -> StructureHook:
    args = typing.get_args(tp)
    item_type: Any = args[0] if args else Any
    hook = conv.get_structure_hook(item_type)
    if conv.detailed_validation:
        return lambda value, _: (
            list(_collected(tp, enumerate(value), hook, item_type).values())
            if _present(value, list)
            else []
        )
    if item_type is Any:
        return lambda value, _: value if _present(value, list) else []

    def structure_list(value: Any, _: Any) -> list[Any]:
        if value.__class__ is list:
            return [hook(item, item_type) for item in value]
        _present(value, list)
        return []

    return structure_list


def _structure_dict(tp: Any, conv: cattrs.Converter) -> StructureHook:
    args = typing.get_args(tp)
    value_type: Any = args[1] if len(args) == 2 else Any
    if value_type is Any:
        return lambda value, _: value if _present(value, dict) else {}
    hook = conv.get_structure_hook(value_type)
    if conv.detailed_validation:
        return lambda value, _: (
            _collected(tp, value.items(), hook, value_type) if _present(value, dict) else {}
        )
    return lambda value, _: (
        {key: hook(item, value_type) for key, item in value.items()}
        if _present(value, dict)
        else {}
    )


def _plain_wire(cls: Any) -> dict[str, str] | None:
    """A class's field-to-key map, when its objects are built from their keys alone.

    Classes holding amounts that may arrive as strings are left to their own
    hook (``_structure_attrs``), so that a parent never builds them inline.
    """
    shape = _Shape.of(cls)
    plain = not shape.spellings and shape.rest is None and not shape.amounts
    return shape.wire if plain else None


def _structure_attrs(cls: Any, conv: cattrs.Converter) -> StructureHook:
    shape = _Shape.of(cls)
    structure = _structure_fields(cls, conv, shape)
    if not shape.amounts:
        return structure
    amounts = shape.amounts

    def structure_amounts(value: Any, tp: Any) -> Any:
        return structure(_amounts.read_amounts(value, amounts), tp)

    return structure_amounts


def _structure_fields(cls: Any, conv: cattrs.Converter, shape: _Shape) -> StructureHook:
    detailed = conv.detailed_validation
    if not detailed:
        fast = make_structure_fn(cls, conv.get_structure_hook, _plain_wire)
        if fast is not None:
            return fast
    generated = make_dict_structure_fn(
        cls,
        conv,
        _cattrs_forbid_extra_keys=False,
        _cattrs_detailed_validation=detailed,
        **shape.structure_overrides(),
    )
    if not detailed and not shape.spellings and shape.rest is None:
        return generated

    def structure_object(value: Any, tp: Any) -> Any:
        if value.__class__ is not dict:
            raise TypeError(f"expected an object, got {json_type(value)}")
        return shape.finish(generated(shape.prepare(value), tp), value)

    return structure_object


def _unstructure_attrs(cls: Any, conv: cattrs.Converter) -> Callable[[Any], Any]:
    shape = _Shape.of(cls)
    generated = make_dict_unstructure_fn(cls, conv, **shape.unstructure_overrides())
    rest, amounts = shape.rest, shape.amounts
    keys: frozenset[str] = getattr(cls, "WIRE_KEYS", frozenset())
    if rest is None and not amounts and not keys:
        return generated
    # A class told apart by its keys must keep one even when all its fields are None.
    keep = min(keys, default=None)

    def unstructure_with_extras(value: Any) -> Any:
        data = generated(value)
        if rest is not None:
            data.update(getattr(value, rest))
        if keep is not None and keys.isdisjoint(data):
            data[keep] = None
        return _amounts.wire_amounts(data, amounts)

    return unstructure_with_extras


def _unstructure_datetime(value: Any) -> Any:
    # Anything else is left for the check that reads the result back to locate.
    return value.isoformat() if isinstance(value, datetime) else value


def has_own_wire_form(tp: Any) -> bool:
    """Request-side helpers (the stage builders): their ``to_wire()`` is their wire form."""
    return isinstance(tp, type) and callable(getattr(tp, "to_wire", None))


def _structure_tagged_union(tp: Any, conv: cattrs.Converter) -> StructureHook:
    members = _tagged_members(tp)
    assert members is not None
    classes, fallback = members
    choices: list[tuple[type, tuple[str, str] | None, frozenset[str]]] = [
        (cls, getattr(cls, "WIRE_TAG", None), getattr(cls, "WIRE_KEYS", frozenset()))
        for cls in classes
    ]
    hooks = {cls: conv.get_structure_hook(cls) for cls in classes}
    names = " or ".join(cls.__name__ for cls in classes)

    def structure_tagged(value: Any, _: Any) -> Any:
        if value.__class__ is not dict:
            raise TypeError(f"expected an object, got {json_type(value)}")
        for cls, tag, keys in choices:
            if (tag is not None and value.get(tag[0]) == tag[1]) or (
                tag is None and not keys.isdisjoint(value)
            ):
                return hooks[cls](value, cls)
        if fallback:
            return value
        raise ValueError(f"the object is none of {names}")

    return structure_tagged


# --- the converters ------------------------------------------------------------------


_SCALAR_HOOKS = {scalar: scalar_hook(scalar) for scalar in RULES}


def _configure(conv: cattrs.Converter) -> cattrs.Converter:
    """Install this module's rules on ``conv`` (fast or detailed, as it was built)."""
    for scalar, hook in _SCALAR_HOOKS.items():
        conv.register_structure_hook(scalar, hook)
    conv.register_structure_hook(Any, lambda value, _: value)
    conv.register_unstructure_hook(datetime, _unstructure_datetime)
    conv.register_structure_hook_factory(_is_optional, _structure_optional)
    conv.register_structure_hook_factory(_is_open_enum, _structure_open_enum)
    conv.register_unstructure_hook_factory(_holds_open_enum, _unstructure_open_enum)
    conv.register_structure_hook_factory(_is_list, _structure_list)
    conv.register_structure_hook_factory(_is_dict, _structure_dict)
    conv.register_structure_hook_factory(_is_tagged_union, _structure_tagged_union)
    conv.register_structure_hook_factory(attrs.has, _structure_attrs)
    conv.register_unstructure_hook_factory(attrs.has, _unstructure_attrs)
    conv.register_unstructure_hook_factory(
        has_own_wire_form, lambda _: lambda value: value.to_wire()
    )
    return conv


#: The converter every response goes through.
converter = _configure(cattrs.Converter(detailed_validation=False))

_detailed: cattrs.Converter | None = None


def _detailed_converter() -> cattrs.Converter:
    global _detailed
    if _detailed is None:
        _detailed = _configure(cattrs.Converter(detailed_validation=True))
    return _detailed


def structure_hook(tp: Any) -> StructureHook:
    """The (generated, cached) structure function for ``tp``."""
    return converter.get_structure_hook(tp)


def unstructure(value: Any) -> Any:
    """A model (or anything holding models) as JSON-ready Python data."""
    return converter.unstructure(value)


# --- locating a failure ----------------------------------------------------------------


def locate_failure(data: Any, tp: Any) -> tuple[str, str]:
    """The JSON path (wire names) where ``data`` fails to become ``tp``, and why.

    Only called after the fast converter rejected ``data``: replays it through
    the detailed converter, whose errors carry the path.
    """
    try:
        _detailed_converter().structure(data, tp)
    except Exception as exc:  # noqa: BLE001 - any rejection is what we want to describe
        return _walk(exc, "$")
    return "$", "the value was rejected"


def json_path(path: str, key: object) -> str:
    """``path`` followed by a list index (``[2]``) or an object key (``["k"]``)."""
    return f"{path}[{key}]" if isinstance(key, int) else f"{path}[{json.dumps(key)}]"


def _walk(exc: BaseException, path: str) -> tuple[str, str]:
    while isinstance(exc, ClassValidationError | IterableValidationError):
        inner = exc.exceptions[0]
        cls = None
        if isinstance(exc, ClassValidationError):
            cls = typing.get_origin(exc.cl) or exc.cl
        for note in getattr(inner, "__notes__", ()):
            if isinstance(note, AttributeValidationNote) and cls is not None:
                fields = attrs.fields_dict(cls)
                field = fields.get(note.name)
                path += "." + (field_wire_name(field) if field is not None else note.name)
            elif isinstance(note, IterableValidationNote):
                path = json_path(path, note.index)
        exc = inner
    if isinstance(exc, KeyError):
        return path, "a required field is missing"
    return path, str(exc) or type(exc).__name__


# --- JSON text ----------------------------------------------------------------------


def _json_default(value: Any) -> Any:
    # Request-side helpers (the stage builders) know their own wire form.
    to_wire = getattr(value, "to_wire", None)
    if callable(to_wire):
        return to_wire()
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if attrs.has(type(value)):
        return converter.unstructure(value)
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


#: How deep a request body may nest: far more than any real body, far less than the stack.
MAX_DEPTH = 256

#: How many values a request body may hold (a shared sub-list repeated would never end).
MAX_VALUES = 1_000_000

_SCALARS = (str, int, float, bool, type(None))


def check_tree(value: Any) -> None:
    """Raise unless ``value`` can be sent as JSON without losing or confusing data.

    Keys must be ``str`` at every depth (the encoder would turn ``1`` into
    ``"1"``, next to a real ``"1"``); nesting is bounded (which also catches a
    value that contains itself). Walked without recursion.
    """
    stack: list[tuple[Any, int]] = [(value, 0)]
    budget = MAX_VALUES
    while stack:
        item, depth = stack.pop()
        budget -= 1
        if budget < 0:
            raise ValueError(f"it holds more than {MAX_VALUES} values (or contains itself)")
        if isinstance(item, _SCALARS):
            continue
        if depth >= MAX_DEPTH:
            raise ValueError(f"it is nested more than {MAX_DEPTH} levels deep (or contains itself)")
        if isinstance(item, Mapping):
            for key, child in item.items():
                if not isinstance(key, str):
                    raise TypeError(f"keys must be str at every depth, got {type(key).__name__}")
                stack.append((child, depth + 1))
        elif isinstance(item, list | tuple):
            stack.extend((child, depth + 1) for child in item)
        else:
            stack.append((_json_default(item), depth + 1))


def dumps(value: Any) -> bytes:
    """Encode a request body (models, stage builders and plain data).

    Raises ``TypeError`` or ``ValueError`` on bad input (``check_tree``).
    """
    check_tree(value)
    return _json.dumps(value, default=_json_default)
