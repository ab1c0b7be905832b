"""Structure functions for the hot path, generated once per model class.

cattrs' generated functions call one hook per field and build objects
through attrs' ``__init__`` (for frozen classes, one ``object.__setattr__``
per field). Decoding a page of 1000 instances makes ~30,000 such calls, and
the call overhead is most of the decode time. The functions generated here
check the scalar fields inline (``str``, ``bool``, ``int``, ``float``,
``datetime`` and their optional forms) with the very lines of
``_scalars.RULES`` that the converter's own scalar hooks are compiled from
(``scalar_hook``), call the converter's hooks only for the other fields, and
fill the slots directly. The test suite checks that they accept and build
exactly what cattrs' detailed functions do; a rejected body is replayed
through the detailed converter to describe the problem.

Classes with validators, converters or ``__attrs_post_init__`` are left to
cattrs.
"""

from __future__ import annotations

import itertools
import linecache
import types
import typing
from collections.abc import Callable
from typing import Any, TypeVar

import attrs

from formance_orch._scalars import RULES, SCOPE

__all__ = ["make_structure_fn", "scalar_hook", "union_args"]

StructureHook = Callable[[Any, Any], Any]

_MISSING = object()
_counter = itertools.count()


def union_args(tp: Any) -> tuple[Any, ...]:
    """The members of ``tp`` when it is a union (``X | Y`` or ``Union[X, Y]``), else ``()``."""
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        return typing.get_args(tp)
    return ()


def _scalar(tp: Any) -> tuple[Any, bool] | None:
    """``(kind, optional)`` for the field types checked inline, else None."""
    args = union_args(tp)
    optional = type(None) in args
    if optional:
        rest = [arg for arg in args if arg is not type(None)]
        if len(rest) != 1:
            return None
        tp = rest[0]
    if tp in RULES:
        return tp, optional
    return None


def scalar_hook(tp: type) -> StructureHook:
    """The converter's structure hook for a scalar type, compiled from its rule."""
    lines = ["def structure(v, _):", *_rule(tp, "v", "  "), "  return v"]
    return _compile("\n".join(lines), dict(SCOPE), f"structure_{tp.__name__}")


def _rule(tp: type, name: str, indent: str) -> list[str]:
    """The lines of ``tp``'s rule, applied to the local ``name``."""
    return [indent + line for line in RULES[tp].format(v=name).splitlines()]


def _field_types(cls: Any) -> dict[str, Any]:
    """The resolved type of each field, type variables replaced by the class's arguments."""
    origin = typing.get_origin(cls) or cls
    hints = typing.get_type_hints(origin)
    parameters = getattr(origin, "__parameters__", ())
    arguments = dict(zip(parameters, typing.get_args(cls), strict=False))
    resolved = {}
    for field in attrs.fields(origin):
        tp = hints.get(field.name, Any)
        if isinstance(tp, TypeVar):
            tp = arguments.get(tp, Any)
        elif getattr(tp, "__parameters__", ()):
            tp = tp[tuple(arguments.get(p, Any) for p in tp.__parameters__)]
        resolved[field.name] = tp
    return resolved


def _fits(origin: type) -> bool:
    """Whether instances can be built by filling slots (nothing else happens on init)."""
    return (
        "__slots__" in origin.__dict__
        and not hasattr(origin, "__attrs_post_init__")
        and all(f.validator is None and f.converter is None for f in attrs.fields(origin))
    )


def make_structure_fn(
    cls: Any, wire: dict[str, str], hook_for: Callable[[Any], StructureHook]
) -> StructureHook | None:
    """A structure function for the attrs class ``cls`` (or None when it does not fit).

    ``wire`` maps each field to its key; ``hook_for`` gives the converter's
    hook for a type.
    """
    origin = typing.get_origin(cls) or cls
    if not _fits(origin) or set(wire) != {f.name for f in attrs.fields(origin)}:
        return None
    types_ = _field_types(cls)
    scope: dict[str, Any] = {**SCOPE, "_new": object.__new__, "_cls": origin, "_MISSING": _MISSING}
    fields = attrs.fields(origin)
    lines = ["def structure(o, _):"]
    for index, field in enumerate(fields):
        name, key, tp = f"f{index}", wire[field.name], types_[field.name]
        lines += _read(index, name, key, tp, field, scope, hook_for)
    lines.append("  ob = _new(_cls)")
    if origin.__setattr__ is object.__setattr__:
        # A plain slotted class: one specialised attribute store per field.
        lines += [f"  ob.{field.name} = f{index}" for index, field in enumerate(fields)]
    else:
        # Frozen: its __setattr__ refuses, so fill the slots through their descriptors.
        for index, field in enumerate(fields):
            scope[f"_set{index}"] = origin.__dict__[field.name].__set__
            lines.append(f"  _set{index}(ob, f{index})")
    lines.append("  return ob")
    return _compile("\n".join(lines), scope, f"structure_{origin.__name__}")


def _read(
    index: int,
    name: str,
    key: str,
    tp: Any,
    field: attrs.Attribute[Any],
    scope: dict[str, Any],
    hook_for: Callable[[Any], StructureHook],
) -> list[str]:
    """The lines that read one field from ``o`` into the local ``name``."""
    default = field.default
    if default is attrs.NOTHING:
        head = [f"  {name} = o[{key!r}]"]
        return head + _convert(index, name, tp, scope, hook_for, "  ")
    scalar = _scalar(tp)
    if default is None and scalar is not None and scalar[1]:
        # Optional with a None default: absent and null read the same.
        return [f"  {name} = o.get({key!r})", *_convert(index, name, tp, scope, hook_for, "  ")]
    item = _attrs_list_item(tp)
    if item is not None and isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        scope[f"_item{index}"] = hook_for(item)
        return [
            f"  {name} = o.get({key!r})",
            f"  if {name} is None:",
            f"    {name} = []",
            f"  elif {name}.__class__ is list:",
            f"    {name} = [_item{index}(x, None) for x in {name}]",
            "  else:",
            "    raise TypeError('expected an array')",
        ]
    head = [f"  {name} = o.get({key!r}, _MISSING)", f"  if {name} is _MISSING:"]
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        scope[f"_factory{index}"] = default.factory  # type: ignore[union-attr]
        head.append(f"    {name} = _factory{index}()")
    else:
        scope[f"_default{index}"] = default
        head.append(f"    {name} = _default{index}")
    head.append("  else:")
    return head + _convert(index, name, tp, scope, hook_for, "    ")


def _attrs_list_item(tp: Any) -> Any:
    """The item class of ``list[SomeAttrsClass]``, else None."""
    if typing.get_origin(tp) is list:
        (item,) = typing.get_args(tp) or (None,)
        if isinstance(item, type) and attrs.has(item):
            return item
    return None


def _convert(
    index: int,
    name: str,
    tp: Any,
    scope: dict[str, Any],
    hook_for: Callable[[Any], StructureHook],
    indent: str,
) -> list[str]:
    """The lines that check or convert the local ``name`` to ``tp``."""
    scalar = _scalar(tp)
    if scalar is None:
        scope[f"_hook{index}"] = hook_for(tp)
        scope[f"_type{index}"] = tp
        return [f"{indent}{name} = _hook{index}({name}, _type{index})"]
    kind, optional = scalar
    if optional:
        return [f"{indent}if {name} is not None:", *_rule(kind, name, indent + "  ")]
    return _rule(kind, name, indent)


def _compile(source: str, scope: dict[str, Any], name: str) -> StructureHook:
    filename = f"<formance_orch generated {name} {next(_counter)}>"
    # Registered with linecache so that tracebacks and profilers show the source.
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    exec(compile(source, filename, "exec"), scope)
    function: StructureHook = scope["structure"]
    function.__name__ = function.__qualname__ = name
    return function
