"""Structure functions for the hot path, generated once per model class.

cattrs' generated functions call one hook per field and build objects
through attrs' ``__init__`` (for frozen classes, one ``object.__setattr__``
per field). Decoding a page of 1000 instances makes ~30,000 such calls, and
the call overhead is most of the decode time. The functions generated here
check the scalar fields inline (``str``, ``bool``, ``int``, ``float``,
``int | float``, ``datetime`` and their optional forms) with the very lines of
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

__all__ = ["make_structure_fn", "scalar_hook", "union_args", "without_none"]

StructureHook = Callable[[Any, Any], Any]

_MISSING = object()
_counter = itertools.count()


def union_args(tp: Any) -> tuple[Any, ...]:
    """The members of ``tp`` when it is a union (``X | Y`` or ``Union[X, Y]``), else ``()``."""
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        return typing.get_args(tp)
    return ()


def without_none(tp: Any) -> Any:
    """``tp`` without ``None``: ``X | None`` -> ``X``, ``X | Y | None`` -> ``X | Y``."""
    args = union_args(tp)
    if type(None) not in args:
        return tp
    rest = tuple(arg for arg in args if arg is not type(None))
    return rest[0] if len(rest) == 1 else typing.Union[rest]  # noqa: UP007


def _scalar(tp: Any) -> tuple[Any, bool] | None:
    """``(kind, optional)`` for the field types checked inline, else None."""
    optional = type(None) in union_args(tp)
    tp = without_none(tp)
    if tp in RULES:
        return tp, optional
    return None


def scalar_hook(tp: Any) -> StructureHook:
    """The converter's structure hook for a scalar type, compiled from its rule."""
    lines = ["def structure(v, _):", *_rule(tp, "v", "  "), "  return v"]
    name = "_or_".join(arg.__name__ for arg in union_args(tp) or (tp,))
    return _compile("\n".join(lines), dict(SCOPE), f"structure_{name}")


def _rule(tp: Any, name: str, indent: str) -> list[str]:
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
    cls: Any,
    hook_for: Callable[[Any], StructureHook],
    wire_for: Callable[[Any], dict[str, str] | None],
) -> StructureHook | None:
    """A structure function for the attrs class ``cls`` (or None when it does not fit).

    ``hook_for`` gives the converter's hook for a type; ``wire_for`` maps an
    attrs class's fields to their keys, or says None when the class must be
    left to its own hook. A list of such classes is built inline, in a loop
    of the same function (a page of instances and their stage statuses is one
    function call per page).
    """
    wire = wire_for(cls)
    if wire is None or not _buildable(cls, wire):
        return None
    origin = typing.get_origin(cls) or cls
    generator = _Generator(hook_for, wire_for)
    lines = ["def structure(o, _):", *generator.build(cls, wire, "o", "ob", "  "), "  return ob"]
    return _compile("\n".join(lines), generator.scope, f"structure_{origin.__name__}")


def _buildable(cls: Any, wire: dict[str, str]) -> bool:
    origin = typing.get_origin(cls) or cls
    return _fits(origin) and set(wire) == {f.name for f in attrs.fields(origin)}


class _Generator:
    """Writes the lines of one structure function; ``scope`` collects the names they use."""

    def __init__(
        self,
        hook_for: Callable[[Any], StructureHook],
        wire_for: Callable[[Any], dict[str, str] | None],
    ) -> None:
        self.hook_for = hook_for
        self.wire_for = wire_for
        self.scope: dict[str, Any] = {**SCOPE, "_new": object.__new__, "_MISSING": _MISSING}
        self._names = itertools.count()

    def local(self, stem: str) -> str:
        """A fresh local variable name."""
        return f"{stem}{next(self._names)}"

    def bind(self, stem: str, value: Any) -> str:
        """A fresh global name for ``value``, in the function's scope."""
        name = self.local(stem)
        self.scope[name] = value
        return name

    def build(
        self, cls: Any, wire: dict[str, str], source: str, target: str, indent: str
    ) -> list[str]:
        """The lines that build a ``cls`` from the dict ``source`` into the local ``target``."""
        origin = typing.get_origin(cls) or cls
        types_ = _field_types(cls)
        fields = attrs.fields(origin)
        names = [self.local("f") for _ in fields]
        lines: list[str] = []
        for field, name in zip(fields, names, strict=True):
            lines += self.read(field, name, wire[field.name], types_[field.name], source, indent)
        lines.append(f"{indent}{target} = _new({self.bind('_cls', origin)})")
        if origin.__setattr__ is object.__setattr__:
            # A plain slotted class: one specialised attribute store per field.
            lines += [
                f"{indent}{target}.{f.name} = {n}" for f, n in zip(fields, names, strict=True)
            ]
        else:
            # Frozen: its __setattr__ refuses, so fill the slots through their descriptors.
            for field, name in zip(fields, names, strict=True):
                setter = self.bind("_set", origin.__dict__[field.name].__set__)
                lines.append(f"{indent}{setter}({target}, {name})")
        return lines

    def read(
        self,
        field: attrs.Attribute[Any],
        name: str,
        key: str,
        tp: Any,
        source: str,
        indent: str,
    ) -> list[str]:
        """The lines that read one field from ``source`` into the local ``name``."""
        default = field.default
        if default is attrs.NOTHING:
            return [f"{indent}{name} = {source}[{key!r}]", *self.convert(name, tp, indent)]
        scalar = _scalar(tp)
        if default is None and scalar is not None and scalar[1]:
            # Optional with a None default: absent and null read the same.
            return [f"{indent}{name} = {source}.get({key!r})", *self.convert(name, tp, indent)]
        item = _attrs_list_item(tp)
        if item is not None and isinstance(default, attrs.Factory):  # type: ignore[arg-type]
            return [
                f"{indent}{name} = {source}.get({key!r})",
                f"{indent}if {name} is None:",
                f"{indent}  {name} = []",
                f"{indent}elif {name}.__class__ is list:",
                *self.items(item, name, indent + "  "),
                f"{indent}else:",
                f"{indent}  raise TypeError('expected an array')",
            ]
        lines = [
            f"{indent}{name} = {source}.get({key!r}, _MISSING)",
            f"{indent}if {name} is _MISSING:",
        ]
        if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
            factory = self.bind("_factory", default.factory)  # type: ignore[union-attr]
            lines.append(f"{indent}  {name} = {factory}()")
        else:
            lines.append(f"{indent}  {name} = {self.bind('_default', default)}")
        lines.append(f"{indent}else:")
        return lines + self.convert(name, tp, indent + "  ")

    def items(self, item: type, name: str, indent: str) -> list[str]:
        """The lines that replace the list ``name`` by its items structured as ``item``."""
        wire = self.wire_for(item)
        if wire is None or not _buildable(item, wire):
            hook = self.bind("_item", self.hook_for(item))
            return [f"{indent}{name} = [{hook}(x, None) for x in {name}]"]
        built, each, value = self.local("items"), self.local("x"), self.local("ob")
        return [
            f"{indent}{built} = []",
            f"{indent}for {each} in {name}:",
            *self.build(item, wire, each, value, indent + "  "),
            f"{indent}  {built}.append({value})",
            f"{indent}{name} = {built}",
        ]

    def convert(self, name: str, tp: Any, indent: str) -> list[str]:
        """The lines that check or convert the local ``name`` to ``tp``."""
        scalar = _scalar(tp)
        if scalar is None:
            hook, type_ = self.bind("_hook", self.hook_for(tp)), self.bind("_type", tp)
            return [f"{indent}{name} = {hook}({name}, {type_})"]
        kind, optional = scalar
        if optional:
            return [f"{indent}if {name} is not None:", *_rule(kind, name, indent + "  ")]
        return _rule(kind, name, indent)


def _attrs_list_item(tp: Any) -> Any:
    """The item class of ``list[SomeAttrsClass]``, else None."""
    if typing.get_origin(tp) is list:
        (item,) = typing.get_args(tp) or (None,)
        if isinstance(item, type) and attrs.has(item):
            return item
    return None


def _compile(source: str, scope: dict[str, Any], name: str) -> StructureHook:
    filename = f"<formance_orch generated {name} {next(_counter)}>"
    # Registered with linecache so that tracebacks and profilers show the source.
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    exec(compile(source, filename, "exec"), scope)
    function: StructureHook = scope["structure"]
    function.__name__ = function.__qualname__ = name
    return function
