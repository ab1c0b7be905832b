"""The Orchestration v2 data models, grouped by domain.

Each group is its own module (``common``, ``workflows``, ``instances``, ...)
so that an operation loads only the models it uses. Names are also available
from this package, loaded on first access.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from formance_orch.models.common import CursorPage, V2Error, V2ServerInfo
    from formance_orch.models.instances import V2StageStatus, V2WorkflowInstance
    from formance_orch.models.workflows import V2Workflow, V2WorkflowConfig

#: Which module defines each public model.
_WHERE = {
    "CursorPage": "common",
    "V2Error": "common",
    "V2ServerInfo": "common",
    "V2StageStatus": "instances",
    "V2WorkflowInstance": "instances",
    "V2Workflow": "workflows",
    "V2WorkflowConfig": "workflows",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])
