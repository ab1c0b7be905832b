"""The one place that knows how models become JSON and back.

Models are plain attrs classes; everything about their wire form lives here:

* field names are snake_case in Python and camelCase on the wire, with ``_id``
  spelled ``ID`` as the API does (``workflow_id`` <-> ``workflowID``); a field
  can name its wire key explicitly with ``attrs.field(metadata={"wire": ...})``;
* primitives are checked, never coerced (``"false"`` is not a bool, ``12`` is
  not a string), except that integers may arrive as integral floats
  (``1e+21``): the history endpoints pass amounts through float64;
* ``null`` where a list or map is expected decodes as empty; unknown fields are
  ignored; open enums keep unknown values as plain strings;
* datetimes are parsed with ``datetime.fromisoformat`` (RFC 3339 with ``Z``,
  offsets and nanoseconds, truncated to microseconds).

Two converters are built from the same rules. ``converter`` is the fast one
used on every response: structure functions generated once per class
(``_fastgen``, or cattrs' for the few classes it does not handle), no error
bookkeeping.
When it rejects a body, ``locate_failure`` replays the body through the
detailed twin, only then, to name the JSON path of the problem.
"""

from __future__ import annotations

import enum
import json
import typing
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
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

from formance_orch._fastgen import make_structure_fn, union_args

try:  # an optional speed-up: ``pip install formance-orch[speedups]``
    import orjson as _orjson
except ImportError:  # pragma: no cover - exercised when orjson is absent
    _orjson = None

__all__ = [
    "converter",
    "dumps",
    "loads",
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


def _json_type(value: object) -> str:
    """The JSON name of a decoded value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


# --- primitives ----------------------------------------------------------------


def _structure_str(value: Any, _: Any) -> str:
    if value.__class__ is str:
        return value
    raise TypeError(f"expected a string, got {_json_type(value)}")


def _structure_bool(value: Any, _: Any) -> bool:
    if value.__class__ is bool:
        return value
    raise TypeError(f"expected a boolean, got {_json_type(value)}")


class JSONFloat(float):
    """A float parsed from JSON that remembers how it was written.

    The history endpoints pass amounts through float64, so an amount may
    arrive as ``1.2345678901234568e+23``; its literal, not the nearest double,
    is the integer the server meant.
    """

    __slots__ = ("literal",)
    literal: str


def _json_float(literal: str) -> JSONFloat:
    value = JSONFloat(literal)
    value.literal = literal
    return value


def _structure_int(value: Any, _: Any) -> int:
    cls = value.__class__
    if cls is int:
        return value  # type: ignore[no-any-return]
    if (cls is float or cls is JSONFloat) and value.is_integer():
        from decimal import Decimal  # only amounts that travelled through float64 need it

        exact = Decimal(value.literal) if cls is JSONFloat else Decimal(repr(value))
        return int(exact)
    if cls is float or cls is JSONFloat:
        raise ValueError(f"expected an integer, got {value!r}")
    raise TypeError(f"expected an integer, got {_json_type(value)}")


def _structure_float(value: Any, _: Any) -> float:
    if value.__class__ in (float, int, JSONFloat):
        return float(value)
    raise TypeError(f"expected a number, got {_json_type(value)}")


def _structure_datetime(value: Any, _: Any) -> datetime:
    if value.__class__ is not str:
        raise TypeError(f"expected an RFC 3339 date-time string, got {_json_type(value)}")
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def _structure_any(value: Any, _: Any) -> Any:
    return value


def _unstructure_open_enum(value: Any) -> Any:
    return value.value if isinstance(value, enum.Enum) else value


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


def _holds_open_enum(tp: Any) -> bool:
    """True for ``SomeEnum | str``, optional or not."""
    args = tuple(arg for arg in union_args(tp) if arg is not type(None))
    return len(args) == 2 and _open_enum(args[0] | args[1]) is not None


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


def _go_field_name(key: str) -> str:
    """How Go spells a JSON key when its struct field has no JSON tag."""
    return "ID" if key == "id" else key[:1].upper() + key[1:]


@attrs.frozen
class _Shape:
    """How one attrs class maps to its wire object (derived from its fields)."""

    wire: dict[str, str]
    any_case: tuple[tuple[str, str], ...]
    rest: str | None
    omit_when_none: frozenset[str]
    #: Every key a field claims (both spellings of the ``any_case`` ones).
    known: frozenset[str]

    @classmethod
    def of(cls, model: Any) -> _Shape:
        fields = attrs.fields(typing.get_origin(model) or model)
        rest = next((f.name for f in fields if f.metadata.get("rest")), None)
        wire = {f.name: field_wire_name(f) for f in fields if f.name != rest}
        any_case = tuple(
            (wire[f.name], _go_field_name(wire[f.name]))
            for f in fields
            if f.metadata.get("any_case")
        )
        omit = frozenset(f.name for f in fields if f.default is None)
        known = frozenset(wire.values()) | {capitalised for _, capitalised in any_case}
        return cls(wire, any_case, rest, omit, known)

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
        """Accept capitalised spellings of the keys that may arrive so."""
        for key, capitalised in self.any_case:
            if capitalised in value and key not in value:
                value = {**value, key: value[capitalised]}
        return value

    def finish(self, instance: Any, value: dict[str, Any]) -> Any:
        """Keep the keys no field claims in the ``rest`` field, if the class has one."""
        if self.rest is None:
            return instance
        extra = {key: item for key, item in value.items() if key not in self.known}
        return attrs.evolve(instance, **{self.rest: extra}) if extra else instance


# --- the converters ------------------------------------------------------------------


def _configure(conv: cattrs.Converter, *, detailed: bool) -> None:
    """Install this module's rules on ``conv``."""
    conv.register_structure_hook(str, _structure_str)
    conv.register_structure_hook(bool, _structure_bool)
    conv.register_structure_hook(int, _structure_int)
    conv.register_structure_hook(float, _structure_float)
    conv.register_structure_hook(datetime, _structure_datetime)
    conv.register_structure_hook(Any, _structure_any)
    conv.register_unstructure_hook(datetime, datetime.isoformat)

    def optional_factory(tp: Any) -> StructureHook:
        inner_args = tuple(arg for arg in union_args(tp) if arg is not type(None))
        inner: Any = inner_args[0] if len(inner_args) == 1 else typing.Union[inner_args]  # noqa: UP007
        hook = conv.get_structure_hook(inner)

        def structure_optional(value: Any, _: Any) -> Any:
            return None if value is None else hook(value, inner)

        return structure_optional

    def open_enum_factory(tp: Any) -> StructureHook:
        enum_cls = _open_enum(tp)
        assert enum_cls is not None
        members = {member.value: member for member in enum_cls}

        def structure_open_enum(value: Any, _: Any) -> Any:
            if value.__class__ is not str:
                raise TypeError(f"expected a string, got {_json_type(value)}")
            return members.get(value, value)

        return structure_open_enum

    def list_factory(tp: Any) -> StructureHook:
        args = typing.get_args(tp)
        item_type: Any = args[0] if args else Any
        hook = conv.get_structure_hook(item_type)

        def check(value: Any) -> bool:
            """True when ``value`` is a list to convert, False for ``null``."""
            if value is None:
                return False
            if value.__class__ is not list:
                raise TypeError(f"expected an array, got {_json_type(value)}")
            return True

        if detailed:

            def structure_list_detailed(value: Any, _: Any) -> list[Any]:
                if not check(value):
                    return []
                items, errors = [], []
                for index, item in enumerate(value):
                    try:
                        items.append(hook(item, item_type))
                    except Exception as exc:  # noqa: BLE001 - collected for the path
                        exc.add_note(IterableValidationNote(f"@ index {index}", index, item_type))
                        errors.append(exc)
                if errors:
                    raise IterableValidationError(f"While structuring {tp!r}", errors, tp)
                return items

            return structure_list_detailed

        if item_type is Any:
            return lambda value, _: value if check(value) else []

        def structure_list(value: Any, _: Any) -> list[Any]:
            if value.__class__ is list:
                return [hook(item, item_type) for item in value]
            check(value)
            return []

        return structure_list

    def dict_factory(tp: Any) -> StructureHook:
        args = typing.get_args(tp)
        value_type: Any = args[1] if len(args) == 2 else Any
        hook = conv.get_structure_hook(value_type)

        def structure_dict(value: Any, _: Any) -> dict[str, Any]:
            if value is None:
                return {}
            if value.__class__ is not dict:
                raise TypeError(f"expected an object, got {_json_type(value)}")
            if value_type is Any:
                return value
            out, errors = {}, []
            for key, item in value.items():
                try:
                    out[key] = hook(item, value_type)
                except Exception as exc:
                    if not detailed:
                        raise
                    exc.add_note(IterableValidationNote(f"@ key {key!r}", key, value_type))
                    errors.append(exc)
            if errors:
                raise IterableValidationError(f"While structuring {tp!r}", errors, tp)
            return out

        return structure_dict

    def attrs_factory(cls: Any) -> StructureHook:
        shape = _Shape.of(cls)
        if not detailed and not shape.any_case and shape.rest is None:
            fast = make_structure_fn(cls, shape.wire, conv.get_structure_hook)
            if fast is not None:
                return fast
        generated = make_dict_structure_fn(
            cls,
            conv,
            _cattrs_forbid_extra_keys=False,
            _cattrs_detailed_validation=detailed,
            **shape.structure_overrides(),
        )
        if detailed or shape.any_case or shape.rest is not None:

            def structure_object(value: Any, tp: Any) -> Any:
                if value.__class__ is not dict:
                    raise TypeError(f"expected an object, got {_json_type(value)}")
                return shape.finish(generated(shape.prepare(value), tp), value)

            return structure_object
        return generated

    def attrs_unstructure_factory(cls: Any) -> Callable[[Any], Any]:
        shape = _Shape.of(cls)
        generated = make_dict_unstructure_fn(cls, conv, **shape.unstructure_overrides())
        rest = shape.rest
        if rest is None:
            return generated

        def unstructure_with_rest(value: Any) -> Any:
            data = generated(value)
            data.update(getattr(value, rest))
            return data

        return unstructure_with_rest

    def tagged_union_factory(tp: Any) -> StructureHook:
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
                raise TypeError(f"expected an object, got {_json_type(value)}")
            for cls, tag, keys in choices:
                if (tag is not None and value.get(tag[0]) == tag[1]) or (
                    tag is None and not keys.isdisjoint(value)
                ):
                    return hooks[cls](value, cls)
            if fallback:
                return value
            raise ValueError(f"the object is none of {names}")

        return structure_tagged

    conv.register_structure_hook_factory(_is_optional, optional_factory)
    conv.register_structure_hook_factory(lambda tp: _open_enum(tp) is not None, open_enum_factory)
    conv.register_unstructure_hook_factory(_holds_open_enum, lambda _: _unstructure_open_enum)
    conv.register_structure_hook_factory(_is_list, list_factory)
    conv.register_structure_hook_factory(_is_dict, dict_factory)
    conv.register_structure_hook_factory(
        lambda tp: _tagged_members(tp) is not None, tagged_union_factory
    )
    conv.register_structure_hook_factory(attrs.has, attrs_factory)
    conv.register_unstructure_hook_factory(attrs.has, attrs_unstructure_factory)


#: The converter every response goes through.
converter = cattrs.Converter(detailed_validation=False)
_configure(converter, detailed=False)

_detailed: cattrs.Converter | None = None


def _detailed_converter() -> cattrs.Converter:
    global _detailed
    if _detailed is None:
        _detailed = cattrs.Converter(detailed_validation=True)
        _configure(_detailed, detailed=True)
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
                index = note.index
                path += f"[{index}]" if isinstance(index, int) else f"[{json.dumps(index)}]"
        exc = inner
    if isinstance(exc, KeyError):
        return path, "a required field is missing"
    return path, str(exc) or type(exc).__name__


# --- JSON text ----------------------------------------------------------------------


def loads(body: bytes, *, exact_numbers: bool = False) -> Any:
    """Parse a JSON body; integers of any size stay exact.

    With ``exact_numbers``, floats are ``JSONFloat``: floats that keep their
    literal, so integral amounts written in exponent form decode exactly.
    Raises ``ValueError`` when ``body`` is not JSON.
    """
    if exact_numbers:
        return json.loads(body, parse_float=_json_float)
    if _orjson is not None:
        try:
            return _orjson.loads(body)
        except _orjson.JSONDecodeError:
            pass  # orjson rejects integers beyond 64 bits: the stdlib keeps them exact
    return json.loads(body)


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


def dumps(value: Any) -> bytes:
    """Encode a request body; raises ``TypeError`` or ``ValueError`` on bad input."""
    return json.dumps(
        value, separators=(",", ":"), ensure_ascii=False, allow_nan=False, default=_json_default
    ).encode()
