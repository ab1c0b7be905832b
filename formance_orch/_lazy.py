"""Lazy re-exports (PEP 562): a package's names, each loaded from its module on first access.

A package lists its public names in a table (name -> submodule) and, for type
checkers, imports them under ``if TYPE_CHECKING:``; a test checks that the
two agree::

    _WHERE = {"SDKCore": "core", ...}
    __all__ = sorted(_WHERE)
    __getattr__, __dir__ = lazy_exports(__name__, _WHERE)
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_exports"]


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
