"""Loading on first use: a package's re-exports (PEP 562), and the facades' methods.

A package lists its public names in a table (name -> submodule) and, for type
checkers, imports them under ``if TYPE_CHECKING:``; a test checks that the
two agree::

    _WHERE = {"SDKCore": "core", ...}
    __all__ = sorted(_WHERE)
    __getattr__, __dir__ = lazy_exports(__name__, _WHERE)

``LazyMethod`` does the same for a facade's methods (``SDK``, ``SyncSDK``):
an operation's module is imported the first time its method is looked up.
"""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["LazyMethod", "lazy_exports"]


def lazy_exports(
    package: str, where: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of ``package``, exporting ``where``'s names.

    ``where`` maps each exported name to the submodule (relative to
    ``package``) that defines it. A name is imported on first access and then
    kept in the package's namespace, so later lookups are plain attribute reads.
    """
    namespace = sys.modules[package].__dict__

    def __getattr__(name: str) -> Any:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{module}"), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted([*namespace, *where])

    return __getattr__, __dir__


class LazyMethod:
    """A facade method: finds its function on first use and binds the instance's ``core``.

    ``find`` returns the function, importing its module then and not before.
    The method is a ``types.MethodType``, so ``help()`` and
    ``inspect.signature()`` show the function's own name, arguments and
    docstring; it is stored on the instance, so later lookups skip the
    descriptor. Subclasses give ``__get__`` its types (and call ``bind``),
    and may ``adapt`` the function first.
    """

    __slots__ = ("_find", "_name")

    def __init__(self, find: Callable[[], Callable[..., Any]]) -> None:
        self._find = find
        self._name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    def adapt(self, function: Callable[..., Any]) -> Callable[..., Any]:
        """What the method calls, ``core`` first: the function itself, unless overridden."""
        return function

    def bind(self, instance: Any) -> Any:
        """The method for ``instance`` (which has a ``core``), kept on the instance."""
        bound = types.MethodType(self.adapt(self._find()), instance.core)
        instance.__dict__[self._name] = bound
        return bound
